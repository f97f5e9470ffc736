/*
 * AUTHENTICATE XOAUTH2, written by petrel: libetpan's
 * mailimap_oauth2_authenticate always sends the initial response on the
 * command line (SASL-IR), drops the error the server explains in its
 * challenge and leaves the token in freed memory.  Here the token lines
 * go out private (never in the protocol log) and are wiped; the retry
 * with a new token is net_xoauth2_login's.
 */
#include "config.h"

#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/imap.h"
#include "petrel/net.h"

#include "private.h"

static int imap_auth_write(mailstream *, const char *);
static int imap_auth_try(struct imap_session *, const char *,
    const struct pt_secret *, char *, size_t, struct pt_error *);
static char *imap_auth_server_text(void *);
static int imap_auth_attempt(void *, const struct pt_secret *, char *, size_t,
    struct pt_error *);

/* Writes str to the stream; 0 or -1. */
static int
imap_auth_write(mailstream *st, const char *str)
{
	size_t len = strlen(str);

	return mailstream_write(st, str, len) == (ssize_t)len ? 0 : -1;
}

/*
 * One AUTHENTICATE XOAUTH2.  Returns 0 when logged in, 1 when the server
 * refused the token (status: the JSON status, "" without a challenge),
 * -1 on any other failure (err set).
 */
static int
imap_auth_try(struct imap_session *s, const char *user,
    const struct pt_secret *token, char *status, size_t size,
    struct pt_error *err)
{
	mailstream *st = s->imap->imap_stream;
	struct mailimap_response *resp = NULL;
	char *ir;
	int sent, acked = 0, r, bad = 0, type;

	status[0] = '\0';
	ir = pt_xoauth2_response(user, token);
	sent = mailimap_has_extension(s->imap, "SASL-IR");
	mailstream_set_privacy(st, 0);
	r = mailimap_send_current_tag(s->imap);
	if (r == MAILIMAP_NO_ERROR &&
	    (imap_auth_write(st, "AUTHENTICATE XOAUTH2") == -1 ||
		(sent && (imap_auth_write(st, " ") == -1 ||
			     imap_auth_write(st, ir) == -1)) ||
		imap_auth_write(st, "\r\n") == -1 ||
		mailstream_flush(st) == -1))
		r = MAILIMAP_ERROR_STREAM;
	while (r == MAILIMAP_NO_ERROR) {
		char *line = mailimap_read_line(s->imap);

		if (line == NULL) {
			r = MAILIMAP_ERROR_STREAM;
			break;
		}
		if (line[0] != '+')
			break;
		if (acked) {
			/* A second challenge after the error: no loop. */
			bad = 1;
			break;
		}
		if (!sent) {
			if (imap_auth_write(st, ir) == -1 ||
			    imap_auth_write(st, "\r\n") == -1 ||
			    mailstream_flush(st) == -1)
				r = MAILIMAP_ERROR_STREAM;
			sent = 1;
			continue;
		}
		/* The error, as base64 JSON: an empty line ends it. */
		pt_xoauth2_status(line + 1 + strspn(line + 1, " "), status,
		    size);
		if (status[0] == '\0')
			pt_strlcpy(status, "?", size);
		acked = 1;
		if (imap_auth_write(st, "\r\n") == -1 ||
		    mailstream_flush(st) == -1)
			r = MAILIMAP_ERROR_STREAM;
	}
	mailstream_set_privacy(st, 1);
	pt_secret_free_str(ir);
	if (r == MAILIMAP_NO_ERROR && bad) {
		s->broken = 1;
		return pt_error_set(err, PT_E_PROTO, 0,
		    _("%s answered XOAUTH2 with another challenge after its "
		      "error: petrel stopped logging in"),
		    s->link.host);
	}
	if (r == MAILIMAP_NO_ERROR)
		r = mailimap_parse_response(s->imap, &resp);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, _("login"), err);
	type =
	    resp->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type;
	mailimap_response_free(resp);
	if (type == MAILIMAP_RESP_COND_STATE_OK) {
		s->imap->imap_state = MAILIMAP_STATE_AUTHENTICATED;
		return 0;
	}
	return 1;
}

/* The server's words on the last tagged reply (sanitized, to free). */
static char *
imap_auth_server_text(void *arg)
{
	struct imap_session *s = arg;

	return s->imap->imap_response != NULL
		   ? pt_sanitize_line(s->imap->imap_response,
			 strlen(s->imap->imap_response))
		   : NULL;
}

static int
imap_auth_attempt(void *arg, const struct pt_secret *token, char *status,
    size_t size, struct pt_error *err)
{
	struct imap_session *s = arg;

	return imap_auth_try(s, s->user, token, status, size, err);
}

int
imap_session_xoauth2(struct imap_session *s, const char *user,
    const struct pt_secret *token, struct pt_error *err)
{
	static const struct net_xoauth2_ops ops = {imap_auth_attempt,
	    imap_auth_server_text};

	if (!mailimap_has_authentication(s->imap, "XOAUTH2")) {
		s->broken = 1;
		return pt_error_set(err, PT_E_AUTH, NET_ERR_NO_XOAUTH2,
		    _("%s does not offer OAuth2 login (no AUTH=XOAUTH2 in "
		      "its capabilities): check imap_host, or remove "
		      "oauth_token_command and log in with a password"),
		    s->link.host);
	}
	s->user = user;
	if (net_xoauth2_login(&s->link, &ops, s, token, err) == -1) {
		s->broken = 1;
		return -1;
	}
	return 0;
}
