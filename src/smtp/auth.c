/*
 * SMTP AUTH PLAIN, LOGIN and XOAUTH2, done by petrel with libetpan's raw
 * command calls: libetpan's own AUTH goes through cyrus-sasl and, without its
 * plugins, fails as if the password were wrong (LIBETPAN.md section 4).
 * Every line carrying a secret is sent with the _private call (kept out
 * of the protocol log) and wiped afterwards.
 */
#include "config.h"

#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/net.h"
#include "petrel/smtp.h"

#include "private.h"

static int smtp_auth_plain(struct smtp_session *, const char *,
    const struct pt_secret *, struct pt_error *);
static int smtp_auth_login(struct smtp_session *, const char *,
    const struct pt_secret *, struct pt_error *);
static int smtp_auth_send(struct smtp_session *, const char *, const void *,
    size_t, int *);
static int smtp_auth_rejected(struct smtp_session *, int, struct pt_error *);
static int smtp_auth_xoauth2_try(struct smtp_session *, const char *,
    const struct pt_secret *, char *, size_t, struct pt_error *);
static char *smtp_auth_server_text(void *);
static int smtp_auth_attempt(void *, const struct pt_secret *, char *, size_t,
    struct pt_error *);
static int smtp_auth_xoauth2(struct smtp_session *, const char *,
    const struct pt_secret *, struct pt_error *);

/*
 * Sends prefix + base64(data) + CRLF privately, wipes the line, reads
 * the reply into *code.  Returns 0, or -1 when the line could not be
 * sent.
 */
static int
smtp_auth_send(struct smtp_session *s, const char *prefix, const void *data,
    size_t len, int *code)
{
	char *b64, *line;
	size_t n;
	int r;

	b64 = pt_base64(data, len);
	n = strlen(prefix) + strlen(b64) + 3;
	line = pt_xmalloc(n);
	snprintf(line, n, "%s%s\r\n", prefix, b64);
	pt_secret_free_str(b64);
	r = mailsmtp_send_command_private(s->smtp, line);
	pt_secret_free_str(line);
	if (r == -1) {
		*code = 0;
		return -1;
	}
	*code = mailsmtp_read_response(s->smtp);
	return 0;
}

static int
smtp_auth_rejected(struct smtp_session *s, int code, struct pt_error *err)
{
	char *text;

	if (code == 0)
		return smtp_reply_error(s, 0, _("AUTH"), err);
	s->broken = 1;
	text = smtp_reply_text(s);
	switch (code) {
	case 535:
		pt_error_set(err, PT_E_AUTH, code,
		    _("the server rejected the user name or password (the "
		      "user name is usually your full email address); the "
		      "server said: %d %s"),
		    code, text != NULL ? text : "");
		break;
	case 534:
	case 538:
		pt_error_set(err, PT_E_AUTH, code,
		    _("the server does not accept this way of logging in "
		      "(server: %d %s)"),
		    code, text != NULL ? text : "");
		break;
	case 454:
		pt_error_set(err, PT_E_NET, code,
		    _("the server could not check the password right now, "
		      "try again later (server: %d %s)"),
		    code, text != NULL ? text : "");
		break;
	default:
		pt_error_set(err, code >= 500 ? PT_E_AUTH : PT_E_PROTO, code,
		    _("login failed: the server answered %d %s"), code,
		    text != NULL ? text : "");
		break;
	}
	free(text);
	return -1;
}

static int
smtp_auth_plain(struct smtp_session *s, const char *user,
    const struct pt_secret *pw, struct pt_error *err)
{
	size_t ulen = strlen(user), n = 1 + ulen + 1 + pw->len;
	char *blob;
	int code, r;

	/* authzid (empty) NUL authcid NUL password */
	blob = pt_xmalloc(n);
	blob[0] = '\0';
	memcpy(blob + 1, user, ulen);
	blob[1 + ulen] = '\0';
	memcpy(blob + 2 + ulen, pw->value, pw->len);
	r = smtp_auth_send(s, "AUTH PLAIN ", blob, n, &code);
	explicit_bzero(blob, n);
	free(blob);
	if (r == -1)
		return smtp_reply_error(s, 0, _("AUTH"), err);
	if (code == 334) {
		/* It wants the credentials separately: cancel. */
		(void)mailsmtp_send_command(s->smtp, (char *)"*\r\n");
		(void)mailsmtp_read_response(s->smtp);
		s->broken = 1;
		return pt_error_set(err, PT_E_PROTO, code,
		    _("the server did not accept AUTH PLAIN with the "
		      "credentials on the same line"));
	}
	if (code != 235)
		return smtp_auth_rejected(s, code, err);
	return 0;
}

static int
smtp_auth_login(struct smtp_session *s, const char *user,
    const struct pt_secret *pw, struct pt_error *err)
{
	int code;

	if (mailsmtp_send_command(s->smtp, (char *)"AUTH LOGIN\r\n") == -1)
		return smtp_reply_error(s, 0, _("AUTH"), err);
	code = mailsmtp_read_response(s->smtp);
	if (code != 334)
		return smtp_auth_rejected(s, code, err);
	if (smtp_auth_send(s, "", user, strlen(user), &code) == -1)
		return smtp_reply_error(s, 0, _("AUTH"), err);
	if (code != 334)
		return smtp_auth_rejected(s, code, err);
	if (smtp_auth_send(s, "", pw->value, pw->len, &code) == -1)
		return smtp_reply_error(s, 0, _("AUTH"), err);
	if (code != 235)
		return smtp_auth_rejected(s, code, err);
	return 0;
}

/*
 * One AUTH XOAUTH2.  0 when accepted, 1 when the token was refused
 * (status: the JSON status, "" without a challenge), -1 otherwise.
 */
static int
smtp_auth_xoauth2_try(struct smtp_session *s, const char *user,
    const struct pt_secret *token, char *status, size_t size,
    struct pt_error *err)
{
	char *b64, *line;
	size_t n;
	int code, r;

	status[0] = '\0';
	b64 = pt_xoauth2_response(user, token);
	n = sizeof "AUTH XOAUTH2 \r\n" + strlen(b64);
	line = pt_xmalloc(n);
	snprintf(line, n, "AUTH XOAUTH2 %s\r\n", b64);
	pt_secret_free_str(b64);
	r = mailsmtp_send_command_private(s->smtp, line);
	pt_secret_free_str(line);
	if (r == -1)
		return smtp_reply_error(s, 0, _("AUTH"), err);
	code = mailsmtp_read_response(s->smtp);
	if (code == 334) {
		/* The error, as base64 JSON: an empty line ends it. */
		pt_xoauth2_status(s->smtp->response != NULL ? s->smtp->response
							    : "",
		    status, size);
		if (mailsmtp_send_command(s->smtp, (char *)"\r\n") == -1)
			return smtp_reply_error(s, 0, _("AUTH"), err);
		code = mailsmtp_read_response(s->smtp);
		if (code == 334) {
			s->broken = 1;
			return pt_error_set(err, PT_E_PROTO, code,
			    _("%s answered XOAUTH2 with another challenge "
			      "after its error: petrel stopped logging in"),
			    s->link.host);
		}
		if (code >= 500 && code != 504 && code != 534 && code != 538)
			return 1;
	}
	if (code == 235)
		return 0;
	if (code == 535)
		return 1;
	return smtp_auth_rejected(s, code, err);
}

static char *
smtp_auth_server_text(void *arg)
{
	return smtp_reply_text(arg);
}

static int
smtp_auth_attempt(void *arg, const struct pt_secret *token, char *status,
    size_t size, struct pt_error *err)
{
	struct smtp_session *s = arg;

	return smtp_auth_xoauth2_try(s, s->user, token, status, size, err);
}

static int
smtp_auth_xoauth2(struct smtp_session *s, const char *user,
    const struct pt_secret *token, struct pt_error *err)
{
	static const struct net_xoauth2_ops ops = {smtp_auth_attempt,
	    smtp_auth_server_text};

	s->user = user;
	if (net_xoauth2_login(&s->link, &ops, s, token, err) == -1) {
		s->broken = 1;
		return -1;
	}
	return 0;
}

int
smtp_session_auth(struct smtp_session *s, const char *user,
    const struct pt_secret *pw, struct pt_error *err)
{
	if (net_link_require_tls(&s->link, err) == -1) {
		s->broken = 1;
		return -1;
	}
	if (!s->ehlo_done && smtp_session_ehlo(s, err) == -1)
		return -1;
	if (user == NULL || user[0] == '\0' || strpbrk(user, "\r\n") != NULL)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("the user name is empty or contains a line break"));
	if (s->link.params.oauth_token_command != NULL) {
		if (!s->xoauth2) {
			s->broken = 1;
			return pt_error_set(err, PT_E_AUTH, NET_ERR_NO_XOAUTH2,
			    _("%s does not offer OAuth2 login (no XOAUTH2 in "
			      "its EHLO reply): check smtp_host, or remove "
			      "oauth_token_command and log in with a password"),
			    s->link.host);
		}
		pt_strlcpy(s->mech, "XOAUTH2", sizeof s->mech);
		return smtp_auth_xoauth2(s, user, pw, err);
	}
	if (pw == NULL || pw->value == NULL || pw->len == 0)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("the password is empty"));
	if (s->smtp->auth & MAILSMTP_AUTH_PLAIN) {
		pt_strlcpy(s->mech, "PLAIN", sizeof s->mech);
		return smtp_auth_plain(s, user, pw, err);
	}
	if (s->smtp->auth & MAILSMTP_AUTH_LOGIN) {
		pt_strlcpy(s->mech, "LOGIN", sizeof s->mech);
		return smtp_auth_login(s, user, pw, err);
	}
	s->broken = 1;
	if ((s->smtp->auth & ~MAILSMTP_AUTH_CHECKED) == 0)
		return pt_error_set(err, PT_E_AUTH, 0,
		    _("%s does not offer any login (no AUTH in its EHLO "
		      "reply): check that this is your provider's submission "
		      "server and port (usually 587 or 465)"),
		    s->link.host);
	return pt_error_set(err, PT_E_AUTH, 0,
	    _("%s offers no login method petrel supports (it offers %s; "
	      "petrel needs PLAIN or LOGIN)"),
	    s->link.host, s->exts);
}
