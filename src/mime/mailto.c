/*
 * mailto.c: mailto: URIs (RFC 6068) into the fields of a new message.
 * Only to, cc, bcc, subject, body and in-reply-to are taken: the RFC
 * warns that other header fields in a link may be used to trick the
 * person sending.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "private.h"
#include "send.h"

static int mime_pct(struct pt_buf *, const char *, size_t, struct pt_error *);
static void mime_join(char **, const char *);

/* Percent-decodes s into out; the result must be UTF-8 without NUL. */
static int
mime_pct(struct pt_buf *out, const char *s, size_t len, struct pt_error *err)
{
	size_t i;

	pt_buf_reset(out);
	for (i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < len &&
		    (hi = mime_hex((unsigned char)s[i + 1])) >= 0 &&
		    (lo = mime_hex((unsigned char)s[i + 2])) >= 0) {
			pt_buf_addch(out, (char)(hi * 16 + lo), NULL);
			i += 2;
		} else
			pt_buf_addch(out, s[i], NULL);
	}
	if (!pt_utf8_valid(out->data, out->len))
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("the mailto: link does not decode to valid UTF-8 text"));
	return 0;
}

static void
mime_join(char **dst, const char *v)
{
	char *n;

	if (v[0] == '\0')
		return;
	if (*dst == NULL) {
		*dst = pt_xstrdup(v);
		return;
	}
	n = pt_xasprintf("%s, %s", *dst, v);
	free(*dst);
	*dst = n;
}

void
mime_mailto_release(struct mime_mailto *m)
{
	free(m->to);
	free(m->cc);
	free(m->bcc);
	free(m->subject);
	free(m->body);
	free(m->in_reply_to);
	memset(m, 0, sizeof *m);
}

int
mime_mailto_parse(const char *uri, struct mime_mailto *m, struct pt_error *err)
{
	struct pt_buf v;
	const char *q, *p, *amp, *eq;
	size_t len;

	memset(m, 0, sizeof *m);
	if (uri == NULL || strncasecmp(uri, "mailto:", 7) != 0)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("'%s' is not a mailto: link"), uri != NULL ? uri : "");
	uri += 7;
	pt_buf_init(&v, 1024 * 1024);
	q = strchr(uri, '?');
	len = q != NULL ? (size_t)(q - uri) : strlen(uri);
	if (mime_pct(&v, uri, len, err) != 0)
		goto fail;
	mime_join(&m->to, v.data);
	for (p = q != NULL ? q + 1 : NULL; p != NULL && *p != '\0';
	     p = amp != NULL ? amp + 1 : NULL) {
		char name[16];
		size_t nl;

		amp = strchr(p, '&');
		len = amp != NULL ? (size_t)(amp - p) : strlen(p);
		eq = memchr(p, '=', len);
		if (eq == NULL)
			continue;
		nl = (size_t)(eq - p);
		if (mime_pct(&v, eq + 1, len - nl - 1, err) != 0)
			goto fail;
		if (nl == 0 || nl >= sizeof name)
			continue;
		memcpy(name, p, nl);
		name[nl] = '\0';
		if (mime_ci_eq(name, nl, "to"))
			mime_join(&m->to, v.data);
		else if (mime_ci_eq(name, nl, "cc"))
			mime_join(&m->cc, v.data);
		else if (mime_ci_eq(name, nl, "bcc"))
			mime_join(&m->bcc, v.data);
		else if (mime_ci_eq(name, nl, "subject")) {
			free(m->subject);
			m->subject = pt_xstrdup(v.data);
		} else if (mime_ci_eq(name, nl, "body")) {
			/* Line breaks come as %0D%0A: keep LF only. */
			struct pt_buf b;
			size_t i;

			pt_buf_init(&b, 0);
			for (i = 0; i < v.len; i++) {
				if (v.data[i] == '\r' && i + 1 < v.len &&
				    v.data[i + 1] == '\n')
					continue;
				pt_buf_addch(&b,
				    v.data[i] == '\r' ? '\n' : v.data[i], NULL);
			}
			free(m->body);
			m->body = pt_buf_detach(&b, NULL);
		} else if (mime_ci_eq(name, nl, "in-reply-to")) {
			free(m->in_reply_to);
			m->in_reply_to = pt_xstrdup(v.data);
		}
	}
	pt_buf_release(&v);
	return 0;
fail:
	pt_buf_release(&v);
	mime_mailto_release(m);
	return -1;
}
