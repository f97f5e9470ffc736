/*
 * libetpan's SMTP return codes and SMTP replies -> struct pt_error, in
 * one place.  A stream error says nothing by itself: the transport
 * recorded why (end of file, timeout, cancel, TLS), so that is shown.
 */
#include "config.h"

#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/net.h"
#include "petrel/smtp.h"

#include "private.h"

char *
smtp_reply_text(struct smtp_session *s)
{
	char *t, *p;

	if (s->smtp == NULL || s->smtp->response == NULL ||
	    s->smtp->response[0] == '\0')
		return NULL;
	t = pt_xstrdup(s->smtp->response);
	/* libetpan joins the lines of a reply with "\n". */
	for (p = t; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	while (p > t && p[-1] == ' ')
		*--p = '\0';
	p = pt_sanitize_line(t, strlen(t));
	free(t);
	return p;
}

int
smtp_reply_error(struct smtp_session *s, int code, const char *what,
    struct pt_error *err)
{
	char *text;

	s->broken = 1;
	if (code == 0)
		return net_link_lost(&s->link, what, err);
	text = smtp_reply_text(s);
	pt_error_set(err, code >= 500 ? PT_E_REFUSED : PT_E_NET, code,
	    _("%s: the server answered %d %s"), what, code,
	    text != NULL ? text : "");
	free(text);
	return -1;
}

int
smtp_error(struct smtp_session *s, int r, const char *what,
    struct pt_error *err)
{
	char *text;

	s->broken = 1;
	if (r == MAILSMTP_ERROR_STREAM)
		return net_link_lost(&s->link, what, err);
	text = smtp_reply_text(s);
	switch (r) {
	case MAILSMTP_ERROR_SERVICE_NOT_AVAILABLE:
		pt_error_set(err, PT_E_REFUSED, r,
		    _("%s: the server is not available (%s)"), what,
		    text != NULL ? text : "");
		break;
	case MAILSMTP_ERROR_MEMORY:
		pt_error_set(err, PT_E_INTERNAL, r, _("%s: out of memory"),
		    what);
		break;
	default:
		if (s->smtp != NULL && s->smtp->response_code != 0)
			pt_error_set(err,
			    s->smtp->response_code >= 500 ? PT_E_REFUSED
							  : PT_E_PROTO,
			    r, _("%s: the server answered %d %s"), what,
			    s->smtp->response_code, text != NULL ? text : "");
		else
			pt_error_set(err, PT_E_PROTO, r, _("%s failed: %s"),
			    what, mailsmtp_strerror(r));
		break;
	}
	free(text);
	return -1;
}
