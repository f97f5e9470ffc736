/*
 * submit.c: one mail transaction on an open session: MAIL FROM (with
 * SIZE, refused before anything when the server's SIZE limit is too
 * small), RCPT TO per recipient with the server's own code and words,
 * DATA with the body dot-stuffed and streamed in chunks (progress for
 * big messages, no copy of the message), and the final reply.
 *
 * The body is written here rather than by mailsmtp_data_message, so
 * that the caller can record "the whole message went out" durably
 * (the before_end hook) right before the final "." that commits the
 * server, and so that a 10 MB message is never copied.
 */
#include "config.h"

#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"
#include "petrel/net.h"
#include "petrel/smtp.h"

#include "private.h"

#define SMTP_CHUNK ((size_t)64 * 1024)

static int smtp_cmd(struct smtp_session *, const char *, char *, size_t);
static int smtp_write(struct smtp_session *, const char *, size_t);
static void smtp_submit_rset(struct smtp_session *);
static int smtp_body(struct smtp_session *, const struct smtp_submit *,
    struct pt_error *);
static int smtp_size_error(size_t, size_t, struct pt_error *);

/*
 * Sends a command line (CRLF added) and reads the reply: its code, 0 when
 * the connection failed; the sanitized text goes to text.
 */
static int
smtp_cmd(struct smtp_session *s, const char *line, char *text, size_t size)
{
	char buf[600];
	char *t;
	int code;

	snprintf(buf, sizeof buf, "%s\r\n", line);
	text[0] = '\0';
	if (mailsmtp_send_command(s->smtp, buf) == -1)
		return 0;
	code = mailsmtp_read_response(s->smtp);
	if (code != 0 && (t = smtp_reply_text(s)) != NULL) {
		pt_strlcpy(text, t, size);
		free(t);
	}
	return code;
}

static int
smtp_write(struct smtp_session *s, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = mailstream_write(s->smtp->stream, p, len);

		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static void
smtp_submit_rset(struct smtp_session *s)
{
	char text[64];

	if (smtp_cmd(s, "RSET", text, sizeof text) != 250)
		s->broken = 1;
}

static int
smtp_size_error(size_t len, size_t max, struct pt_error *err)
{
	return pt_error_set(err, PT_E_REFUSED, 552,
	    _("the message is too big for the server: it is %.1f MB and the "
	      "server accepts at most %.1f MB (attachments grow by a third "
	      "when sent)"),
	    (double)len / (1024 * 1024), (double)max / (1024 * 1024));
}

/* The body, dot-stuffed, then CRLF if it lacks one; flushed. */
static int
smtp_body(struct smtp_session *s, const struct smtp_submit *sub,
    struct pt_error *err)
{
	const char *p = sub->data, *end = sub->data + sub->len;
	size_t since = 0;

	while (p < end) {
		const char *q = p, *stop = end;

		/* A line that starts with '.' gets another one. */
		if ((p == sub->data || p[-1] == '\n') && *p == '.' &&
		    smtp_write(s, ".", 1) != 0)
			goto lost;
		if ((size_t)(end - p) > SMTP_CHUNK)
			stop = p + SMTP_CHUNK;
		while (q < stop) {
			const char *nl = memchr(q, '\n', (size_t)(stop - q));

			if (nl == NULL) {
				q = stop;
				break;
			}
			q = nl + 1;
			if (q < end && *q == '.')
				break;
		}
		if (smtp_write(s, p, (size_t)(q - p)) != 0)
			goto lost;
		since += (size_t)(q - p);
		p = q;
		if (sub->progress != NULL &&
		    (since >= SMTP_CHUNK || p == end)) {
			sub->progress(sub->progress_arg,
			    (uint64_t)(p - sub->data), (uint64_t)sub->len);
			since = 0;
		}
	}
	if (sub->len >= 2 && memcmp(end - 2, "\r\n", 2) == 0) {
		/* Nothing: the message ends with a line break. */
	} else if (smtp_write(s, "\r\n", 2) != 0)
		goto lost;
	if (mailstream_flush(s->smtp->stream) == -1)
		goto lost;
	return 0;
lost:
	return smtp_reply_error(s, 0, _("sending the message"), err);
}

size_t
smtp_session_max_size(const struct smtp_session *s)
{
	return (s->smtp->esmtp & MAILSMTP_ESMTP_SIZE)
		   ? s->smtp->smtp_max_msg_size
		   : 0;
}

void
smtp_submit_result_release(struct smtp_submit_result *r)
{
	size_t i;

	for (i = 0; i < r->nrcpt; i++)
		free(r->rcpt[i].addr);
	free(r->rcpt);
	memset(r, 0, sizeof *r);
}

int
smtp_submit(struct smtp_session *s, const struct smtp_submit *sub,
    struct smtp_submit_result *res, struct pt_error *err)
{
	char line[600], text[SMTP_TEXT_MAX];
	size_t i, max;
	int code;

	memset(res, 0, sizeof *res);
	if (s->smtp->stream == NULL || s->broken)
		return pt_error_set(err, PT_E_INTERNAL, 0,
		    _("the SMTP session is not open"));
	if (mime_addr_check(sub->from, err) != 0) {
		pt_error_prefix(err, _("the sender"));
		return -1;
	}
	for (i = 0; i < sub->nrcpt; i++)
		if (mime_addr_check(sub->rcpt[i], err) != 0)
			return -1;
	if (sub->nrcpt == 0)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("there is no recipient"));
	max = smtp_session_max_size(s);
	if (max > 0 && sub->len > max)
		return smtp_size_error(sub->len, max, err);

	/* MAIL FROM. */
	if (s->smtp->esmtp & MAILSMTP_ESMTP_SIZE)
		snprintf(line, sizeof line, "MAIL FROM:<%s> SIZE=%zu",
		    sub->from, sub->len);
	else
		snprintf(line, sizeof line, "MAIL FROM:<%s>", sub->from);
	code = smtp_cmd(s, line, text, sizeof text);
	if (code == 0)
		return smtp_reply_error(s, 0, _("MAIL FROM"), err);
	if (code != 250) {
		res->code = code;
		pt_strlcpy(res->text, text, sizeof res->text);
		smtp_submit_rset(s);
		if (code == 552)
			return pt_error_set(err, PT_E_REFUSED, code,
			    _("the message is too big for the server (server: "
			      "%d %s)"),
			    code, text);
		if (code == 530)
			return pt_error_set(err, PT_E_AUTH, code,
			    _("the server wants you to log in before sending "
			      "(server: %d %s)"),
			    code, text);
		return pt_error_set(err, code >= 500 ? PT_E_REFUSED : PT_E_NET,
		    code,
		    _("the server refused the sender address '%s' (server: "
		      "%d %s)"),
		    sub->from, code, text);
	}

	/* RCPT TO, one by one, every answer kept. */
	res->rcpt = pt_xcalloc(sub->nrcpt, sizeof *res->rcpt);
	res->nrcpt = sub->nrcpt;
	for (i = 0; i < sub->nrcpt; i++) {
		struct smtp_rcpt_result *r = &res->rcpt[i];

		r->addr = pt_xstrdup(sub->rcpt[i]);
		snprintf(line, sizeof line, "RCPT TO:<%s>", sub->rcpt[i]);
		code = smtp_cmd(s, line, r->text, sizeof r->text);
		if (code == 0)
			return smtp_reply_error(s, 0, _("RCPT TO"), err);
		r->code = code;
		r->accepted = code == 250 || code == 251;
		if (r->accepted)
			res->naccepted++;
	}
	if (res->naccepted < res->nrcpt &&
	    (res->naccepted == 0 || !sub->partial_ok)) {
		const struct smtp_rcpt_result *r = &res->rcpt[0];

		/* The first refused one (there is one: naccepted < nrcpt). */
		for (i = 0; i < res->nrcpt; i++)
			if (!res->rcpt[i].accepted) {
				r = &res->rcpt[i];
				break;
			}
		smtp_submit_rset(s);
		if (r->code == 554 || r->code == 551 ||
		    strstr(r->text, "elay") != NULL ||
		    strncmp(r->text, "5.7.1", 5) == 0)
			return pt_error_set(err, PT_E_REFUSED, r->code,
			    _("the server refused to send to '%s' (server: %d "
			      "%s): check that you are logged in to your own "
			      "provider's submission server"),
			    r->addr, r->code, r->text);
		if (r->code == 452 || r->code == 451 || r->code == 450)
			return pt_error_set(err, PT_E_NET, r->code,
			    _("the server cannot take the recipient '%s' right "
			      "now, try again later (server: %d %s)"),
			    r->addr, r->code, r->text);
		return pt_error_set(err, PT_E_REFUSED, r->code,
		    ngettext_("the server refused the recipient '%s' (server: "
			      "%d %s); nothing was sent",
			"the server refused the recipient '%s' (server: %d "
			"%s) and others; nothing was sent",
			res->nrcpt - res->naccepted),
		    r->addr, r->code, r->text);
	}

	/* DATA. */
	code = smtp_cmd(s, "DATA", text, sizeof text);
	if (code == 0)
		return smtp_reply_error(s, 0, _("DATA"), err);
	if (code != 354) {
		res->code = code;
		pt_strlcpy(res->text, text, sizeof res->text);
		smtp_submit_rset(s);
		return pt_error_set(err, code >= 500 ? PT_E_REFUSED : PT_E_NET,
		    code, _("the server refused the message (server: %d %s)"),
		    code, text);
	}
	if (smtp_body(s, sub, err) != 0)
		return -1;
	if (sub->before_end != NULL &&
	    sub->before_end(sub->before_end_arg, err) != 0) {
		/* No "." went out: the server throws the message away. */
		s->broken = 1;
		return -1;
	}
	res->data_sent = 1;
	if (smtp_write(s, ".\r\n", 3) != 0 ||
	    mailstream_flush(s->smtp->stream) == -1)
		return smtp_reply_error(s, 0, _("sending the message"), err);
	code = mailsmtp_read_response(s->smtp);
	res->code = code;
	if (code == 0)
		return smtp_reply_error(s, 0,
		    _("waiting for the server to confirm the message"), err);
	{
		char *t = smtp_reply_text(s);

		pt_strlcpy(res->text, t != NULL ? t : "", sizeof res->text);
		free(t);
	}
	if (code == 250) {
		res->accepted = 1;
		return 0;
	}
	if (code == 552)
		return pt_error_set(err, PT_E_REFUSED, code,
		    _("the message is too big for the server (server: %d %s)"),
		    code, res->text);
	if (code == 452 || code == 451 || code == 450 || code == 421)
		return pt_error_set(err, PT_E_NET, code,
		    _("the server could not take the message right now, try "
		      "again later (server: %d %s)"),
		    code, res->text);
	return pt_error_set(err, code >= 500 ? PT_E_REFUSED : PT_E_NET, code,
	    _("the server refused the message (server: %d %s)"), code,
	    res->text);
}
