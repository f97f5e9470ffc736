/*
 * libetpan's IMAP return codes -> struct pt_error, in one place.  A
 * stream error says nothing by itself: the transport recorded why (end
 * of file, timeout, cancel, TLS), so that is what the user sees.
 */
#include "config.h"

#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "petrel/core.h"
#include "petrel/imap.h"
#include "petrel/net.h"

#include "private.h"

/* The server's words for the last tagged reply, sanitized. */
static char *
imap_error_server_text(struct imap_session *s)
{
	const char *t = NULL;

	if (s->imap != NULL && s->imap->imap_response_info != NULL &&
	    s->imap->imap_response_info->rsp_alert != NULL)
		t = s->imap->imap_response_info->rsp_alert;
	else if (s->imap != NULL && s->imap->imap_response != NULL)
		t = s->imap->imap_response;
	if (t == NULL || *t == '\0')
		return NULL;
	return pt_sanitize_line(t, strlen(t));
}

int
imap_error(struct imap_session *s, int r, const char *what,
    struct pt_error *err)
{
	char *text;

	s->broken = 1;
	s->code[0] = '\0';
	if (s->imap != NULL && s->imap->imap_response_info != NULL &&
	    s->imap->imap_response_info->rsp_atom != NULL)
		(void)snprintf(s->code, sizeof s->code, "%s",
		    s->imap->imap_response_info->rsp_atom);
	if (s->link.status.class != PT_OK &&
	    (r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_PARSE ||
		r == MAILIMAP_ERROR_CONNECTION_REFUSED ||
		r == MAILIMAP_ERROR_FATAL || r == MAILIMAP_ERROR_PROTOCOL))
		return net_link_lost(&s->link, what, err);
	text = imap_error_server_text(s);
	switch (r) {
	case MAILIMAP_ERROR_STREAM:
		net_link_lost(&s->link, what, err);
		break;
	case MAILIMAP_ERROR_PARSE:
	case MAILIMAP_ERROR_PROTOCOL:
		pt_error_set(err, PT_E_PROTO, r,
		    _("%s: %s sent a reply petrel cannot understand; is this "
		      "really an IMAP server?"),
		    what, s->link.host);
		break;
	case MAILIMAP_ERROR_LOGIN:
		if (strcasecmp(s->code, "LIMIT") == 0 ||
		    strcasecmp(s->code, "UNAVAILABLE") == 0) {
			/*
			 * RFC 5530: too many connections, or a part of the
			 * server is down.  Not the password: asking for it
			 * again would only mislead; try again later.
			 */
			pt_error_set(err, PT_E_NET, r,
			    _("%s refused the login for now (too many "
			      "connections, or a temporary failure), not "
			      "because of the password; the server said: %s"),
			    s->link.host, text != NULL ? text : s->code);
		} else if (text != NULL)
			pt_error_set(err, PT_E_AUTH, r,
			    _("the server rejected the user name or password "
			      "(the user name is usually your full email "
			      "address); the server said: %s"),
			    text);
		else
			pt_error_set(err, PT_E_AUTH, r,
			    _("the server rejected the user name or password "
			      "(the user name is usually your full email "
			      "address)"));
		break;
	case MAILIMAP_ERROR_MEMORY:
		pt_error_set(err, PT_E_INTERNAL, r, _("%s: out of memory"),
		    what);
		break;
	default:
		if (text != NULL)
			pt_error_set(err, PT_E_REFUSED, r,
			    _("%s: the server said no: %s"), what, text);
		else
			pt_error_set(err, PT_E_PROTO, r,
			    _("%s failed (libetpan error %d)"), what, r);
		break;
	}
	if (text != NULL)
		pt_error_detail(err, "server: %s", text);
	free(text);
	return -1;
}

int
imap_session_code_is(const struct imap_session *s, const char *code)
{
	return s != NULL && strcasecmp(s->code, code) == 0;
}
