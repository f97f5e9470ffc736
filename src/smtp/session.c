/*
 * An SMTP submission session: libetpan's mailsmtp over net's verified
 * transport, one step per function so that the doctor can report each.
 */
#include "config.h"

#include <ctype.h>
#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "petrel/core.h"
#include "petrel/net.h"
#include "petrel/smtp.h"

#include "private.h"

static int smtp_session_domain_ok(const char *);
static void smtp_session_exts_update(struct smtp_session *);
static int smtp_session_offers_xoauth2(const char *);

/* A domain usable in EHLO: letters, digits, '-' and '.', with a dot. */
static int
smtp_session_domain_ok(const char *d)
{
	const char *p;
	size_t label = 0;

	if (d == NULL || *d == '\0' || strlen(d) > 253 ||
	    strchr(d, '.') == NULL)
		return 0;
	for (p = d; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-')
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0;
}

struct smtp_session *
smtp_session_new(const struct net_params *p, struct net_cancel *cancel,
    const char *email)
{
	struct smtp_session *s;
	const char *at;

	s = pt_xcalloc(1, sizeof *s);
	at = email != NULL ? strrchr(email, '@') : NULL;
	if (at != NULL && smtp_session_domain_ok(at + 1))
		pt_strlcpy(s->ehlo_name, at + 1, sizeof s->ehlo_name);
	net_link_init(&s->link, p, NET_PROTO_SMTP, cancel);
	s->smtp = mailsmtp_new(0, NULL);
	if (s->smtp == NULL)
		pt_fatal(_("out of memory"));
	return s;
}

void
smtp_session_free(struct smtp_session **sp)
{
	struct smtp_session *s;

	if (sp == NULL || *sp == NULL)
		return;
	s = *sp;
	if (s->smtp->stream != NULL) {
		if (s->broken) {
			mailstream_close(s->smtp->stream);
			s->smtp->stream = NULL;
		} else
			(void)mailsmtp_quit(s->smtp);
	}
	mailsmtp_free(s->smtp);
	net_link_release(&s->link);
	free(s);
	*sp = NULL;
}

int
smtp_session_resolve(struct smtp_session *s, struct pt_error *err)
{
	int r;

	r = net_link_resolve(&s->link, err);
	if (r == -1)
		s->broken = 1;
	return r;
}

int
smtp_session_connect(struct smtp_session *s, struct pt_error *err)
{
	if (net_link_connect(&s->link, err) == -1) {
		s->broken = 1;
		return -1;
	}
	if (s->ehlo_name[0] == '\0' &&
	    net_conn_local_literal(s->link.conn, s->ehlo_name,
		sizeof s->ehlo_name) == -1)
		pt_strlcpy(s->ehlo_name, "[127.0.0.1]", sizeof s->ehlo_name);
	return 0;
}

int
smtp_session_tls(struct smtp_session *s, struct pt_error *err)
{
	if (s->link.params.security == CFG_SEC_STARTTLS && !s->starttls_done)
		return pt_error_set(err, PT_E_INTERNAL, 0,
		    _("TLS handshake before STARTTLS"));
	if (net_link_tls(&s->link, err) == -1) {
		s->broken = 1;
		return -1;
	}
	if (s->smtp->stream != NULL &&
	    net_stream_discard_buffered(s->smtp->stream) > 0)
		pt_warn(_("%s: discarded plain-text bytes after STARTTLS"),
		    s->link.host);
	/* What the server offered in plain text is forgotten. */
	s->ehlo_done = 0;
	s->smtp->esmtp = 0;
	s->smtp->auth = 0;
	s->exts[0] = '\0';
	return 0;
}

int
smtp_session_greeting(struct smtp_session *s, struct pt_error *err)
{
	mailstream *stream;
	int r;

	if (s->greeted)
		return 0;
	if (s->link.conn == NULL)
		return pt_error_set(err, PT_E_INTERNAL, 0, _("not connected"));
	if (s->link.params.security == CFG_SEC_TLS && !s->link.tls_up)
		return pt_error_set(err, PT_E_INTERNAL, 0,
		    _("SMTP greeting before the TLS handshake"));
	stream = net_link_stream(&s->link, err);
	if (stream == NULL) {
		s->broken = 1;
		return -1;
	}
	r = mailsmtp_connect(s->smtp, stream);
	if (r != MAILSMTP_NO_ERROR) {
		/* mailsmtp_connect closed the stream, and the connection. */
		s->link.conn = NULL;
		s->broken = 1;
		if (r == MAILSMTP_ERROR_STREAM && s->link.status.class != PT_OK)
			return smtp_error(s, r, _("SMTP greeting"), err);
		if (r == MAILSMTP_ERROR_STREAM ||
		    r == MAILSMTP_ERROR_UNEXPECTED_CODE) {
			if (s->smtp->response_code == 0 ||
			    r == MAILSMTP_ERROR_STREAM)
				return pt_error_set(err, PT_E_PROTO, r,
				    _("%s port %d did not greet like an SMTP "
				      "server: check the port (submission is "
				      "usually 587 with security = starttls, "
				      "or 465 with tls)"),
				    s->link.host, s->link.params.port);
		}
		return smtp_error(s, r, _("SMTP greeting"), err);
	}
	s->greeted = 1;
	net_conn_established(s->link.conn);
	return 0;
}

static void
smtp_session_exts_update(struct smtp_session *s)
{
	static const struct {
		int bit;
		const char *name;
	} ext[] =
	    {
		{MAILSMTP_ESMTP_STARTTLS, "STARTTLS"},
		{MAILSMTP_ESMTP_SIZE, "SIZE"},
		{MAILSMTP_ESMTP_8BITMIME, "8BITMIME"},
		{MAILSMTP_ESMTP_PIPELINING, "PIPELINING"},
		{MAILSMTP_ESMTP_DSN, "DSN"},
	    },
	  auth[] = {
	      {MAILSMTP_AUTH_PLAIN, "PLAIN"},
	      {MAILSMTP_AUTH_LOGIN, "LOGIN"},
	      {MAILSMTP_AUTH_CRAM_MD5, "CRAM-MD5"},
	      {MAILSMTP_AUTH_DIGEST_MD5, "DIGEST-MD5"},
	      {MAILSMTP_AUTH_GSSAPI, "GSSAPI"},
	      {MAILSMTP_AUTH_NTLM, "NTLM"},
	  };
	size_t i, len;
	int first = 1;

	s->exts[0] = '\0';
	for (i = 0; i < PT_NELEM(ext); i++) {
		if (!(s->smtp->esmtp & ext[i].bit))
			continue;
		len = strlen(s->exts);
		snprintf(s->exts + len, sizeof s->exts - len, "%s%s",
		    len > 0 ? " " : "", ext[i].name);
	}
	for (i = 0; i < PT_NELEM(auth); i++) {
		if (!(s->smtp->auth & auth[i].bit))
			continue;
		len = strlen(s->exts);
		snprintf(s->exts + len, sizeof s->exts - len, "%s%s",
		    first ? (len > 0 ? " AUTH=" : "AUTH=") : ",", auth[i].name);
		first = 0;
	}
	if (s->xoauth2) {
		len = strlen(s->exts);
		snprintf(s->exts + len, sizeof s->exts - len, "%s%s",
		    first ? (len > 0 ? " AUTH=" : "AUTH=") : ",", "XOAUTH2");
	}
}

/* 1 when the EHLO reply's AUTH line names XOAUTH2. */
static int
smtp_session_offers_xoauth2(const char *reply)
{
	const char *line = reply;

	while (line != NULL && *line != '\0') {
		size_t len = strcspn(line, "\n");

		if (len > 5 && strncasecmp(line, "AUTH", 4) == 0 &&
		    (line[4] == ' ' || line[4] == '=')) {
			const char *p = line + 5, *end = line + len;

			while (p < end) {
				size_t w = strcspn(p, " \n");

				if (w == 7 && strncasecmp(p, "XOAUTH2", 7) == 0)
					return 1;
				p += w;
				p += strspn(p, " ");
			}
		}
		line += len;
		if (*line == '\n')
			line++;
	}
	return 0;
}

int
smtp_session_ehlo(struct smtp_session *s, struct pt_error *err)
{
	char cmd[sizeof s->ehlo_name + 16];
	int code;

	if (!s->greeted && smtp_session_greeting(s, err) == -1)
		return -1;
	snprintf(cmd, sizeof cmd, "EHLO %s\r\n", s->ehlo_name);
	if (mailsmtp_send_command(s->smtp, cmd) == -1)
		return smtp_reply_error(s, 0, _("EHLO"), err);
	code = mailsmtp_read_response(s->smtp);
	if (code != 250)
		return smtp_reply_error(s, code, _("EHLO"), err);
	mailesmtp_parse_ehlo(s->smtp);
	s->xoauth2 = s->smtp->response != NULL &&
		     smtp_session_offers_xoauth2(s->smtp->response);
	smtp_session_exts_update(s);
	s->ehlo_done = 1;
	return 0;
}

int
smtp_session_starttls(struct smtp_session *s, struct pt_error *err)
{
	char *text;
	int r;

	if (!s->ehlo_done && smtp_session_ehlo(s, err) == -1)
		return -1;
	if (!(s->smtp->esmtp & MAILSMTP_ESMTP_STARTTLS)) {
		s->broken = 1;
		return pt_error_set(err, PT_E_TLS, NET_ERR_NO_STARTTLS,
		    _("%s does not offer STARTTLS, so the connection cannot "
		      "be encrypted: petrel will not send your password in "
		      "plain text; try security = tls (usually port 465)"),
		    s->link.host);
	}
	r = mailesmtp_starttls(s->smtp);
	if (r == MAILSMTP_NO_ERROR) {
		s->starttls_done = 1;
		return 0;
	}
	s->broken = 1;
	if (r == MAILSMTP_ERROR_SSL &&
	    net_link_injected(&s->link, s->smtp->stream, err) == -1)
		return -1;
	if (r == MAILSMTP_ERROR_STREAM)
		return smtp_error(s, r, _("STARTTLS"), err);
	text = smtp_reply_text(s);
	pt_error_set(err, PT_E_TLS, NET_ERR_STARTTLS_REFUSED,
	    _("%s refused STARTTLS (server: %d %s): the connection cannot "
	      "be encrypted, so petrel stopped"),
	    s->link.host, s->smtp->response_code, text != NULL ? text : "");
	free(text);
	return -1;
}

int
smtp_session_quit(struct smtp_session *s, struct pt_error *err)
{
	int r;

	if (s->smtp->stream == NULL)
		return 0;
	r = mailsmtp_quit(s->smtp);
	s->link.conn = NULL; /* closed and freed with the stream */
	if (r != MAILSMTP_NO_ERROR)
		return smtp_error(s, r, _("QUIT"), err);
	return 0;
}

int
smtp_session_open(struct smtp_session *s, const char *user,
    const struct pt_secret *pw, struct pt_error *err)
{
	if (smtp_session_connect(s, err) == -1)
		return -1;
	if (s->link.params.security == CFG_SEC_TLS &&
	    smtp_session_tls(s, err) == -1)
		return -1;
	if (smtp_session_greeting(s, err) == -1 ||
	    smtp_session_ehlo(s, err) == -1)
		return -1;
	if (s->link.params.security == CFG_SEC_STARTTLS &&
	    (smtp_session_starttls(s, err) == -1 ||
		smtp_session_tls(s, err) == -1 ||
		smtp_session_ehlo(s, err) == -1))
		return -1;
	return smtp_session_auth(s, user, pw, err);
}

const char *
smtp_session_addresses(const struct smtp_session *s)
{
	return s->link.addrs;
}

const char *
smtp_session_peer(const struct smtp_session *s)
{
	return s->link.peer;
}

const struct net_cert_info *
smtp_session_cert(const struct smtp_session *s)
{
	return &s->link.cert;
}

const char *
smtp_session_exts(const struct smtp_session *s)
{
	return s->exts;
}

const char *
smtp_session_ehlo_name(const struct smtp_session *s)
{
	return s->ehlo_name;
}

const char *
smtp_session_auth_mech(const struct smtp_session *s)
{
	return s->mech;
}
