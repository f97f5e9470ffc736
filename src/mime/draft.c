/*
 * draft.c: the draft file that compose, petrel -H and the engine's
 * sender share: editable header fields (To, Cc, Bcc, Subject, Reply-To,
 * In-Reply-To, References, one Attach: per file), an empty line and the
 * text.  mime_draft_parse reads one.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "petrel/core.h"
#include "petrel/mime.h"

enum mime_draft_field {
	MIME_DF_TO,
	MIME_DF_CC,
	MIME_DF_BCC,
	MIME_DF_SUBJECT,
	MIME_DF_REPLY_TO,
	MIME_DF_IN_REPLY_TO,
	MIME_DF_REFERENCES,
	MIME_DF_ATTACH,
	MIME_DF_COUNT
};

static const char *const mime_draft_names[MIME_DF_COUNT] = {"to", "cc", "bcc",
    "subject", "reply-to", "in-reply-to", "references", "attach"};

static char **mime_draft_slot(struct mime_draft *, enum mime_draft_field);

static char **
mime_draft_slot(struct mime_draft *d, enum mime_draft_field f)
{
	switch (f) {
	case MIME_DF_TO:
		return &d->to;
	case MIME_DF_CC:
		return &d->cc;
	case MIME_DF_BCC:
		return &d->bcc;
	case MIME_DF_SUBJECT:
		return &d->subject;
	case MIME_DF_REPLY_TO:
		return &d->reply_to;
	case MIME_DF_IN_REPLY_TO:
		return &d->in_reply_to;
	case MIME_DF_REFERENCES:
		return &d->references;
	default:
		return NULL;
	}
}

void
mime_draft_release(struct mime_draft *d)
{
	size_t i;

	free(d->to);
	free(d->cc);
	free(d->bcc);
	free(d->subject);
	free(d->reply_to);
	free(d->in_reply_to);
	free(d->references);
	for (i = 0; i < d->nattach; i++)
		free(d->attach[i]);
	free(d->attach);
	free(d->body);
	memset(d, 0, sizeof *d);
}

int
mime_draft_parse(const char *file, size_t len, struct mime_draft *d,
    struct pt_error *err)
{
	const char *p = file, *end = file + len;

	memset(d, 0, sizeof *d);
	while (p < end && *p != '\n' &&
	       !(*p == '\r' && p + 1 < end && p[1] == '\n')) {
		struct pt_buf v;
		const char *colon, *eol, *line = p;
		size_t i, nl;
		char **dst = NULL, *val, *t, *e;

		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon == NULL || colon == p ||
		    memchr(p, ' ', (size_t)(colon - p)) != NULL) {
			if (p == file)
				break; /* no fields: all text */
			mime_draft_release(d);
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("a header line has no field name: %.*s"),
			    (int)(eol - p > 60 ? 60 : eol - p), p);
		}
		nl = (size_t)(colon - p);
		pt_buf_init(&v, 0);
		pt_buf_add(&v, colon + 1, (size_t)(eol - colon - 1), NULL);
		p = eol + (eol < end);
		while (p < end && (*p == ' ' || *p == '\t')) {
			eol = memchr(p, '\n', (size_t)(end - p));
			if (eol == NULL)
				eol = end;
			pt_buf_add(&v, p, (size_t)(eol - p), NULL);
			p = eol + (eol < end);
		}
		for (i = 0; i < v.len; i++)
			if (v.data[i] == '\r' || v.data[i] == '\t')
				v.data[i] = ' ';
		for (i = 0; i < MIME_DF_COUNT; i++)
			if (strlen(mime_draft_names[i]) == nl &&
			    strncasecmp(mime_draft_names[i], line, nl) == 0)
				break;
		val = pt_buf_detach(&v, NULL);
		t = val;
		while (*t == ' ')
			t++;
		e = t + strlen(t);
		while (e > t && e[-1] == ' ')
			*--e = '\0';
		if (i == MIME_DF_ATTACH && *t != '\0') {
			d->attach = pt_xreallocarray(d->attach, d->nattach + 1,
			    sizeof *d->attach);
			d->attach[d->nattach++] = pt_xstrdup(t);
		} else if (i < MIME_DF_COUNT)
			dst = mime_draft_slot(d, (enum mime_draft_field)i);
		if (dst != NULL && *t != '\0') {
			/* To, Cc, Bcc add up; the others: the last one. */
			char *n = *dst != NULL && i <= MIME_DF_BCC
				      ? pt_xasprintf("%s, %s", *dst, t)
				      : pt_xstrdup(t);

			free(*dst);
			*dst = n;
		}
		free(val);
	}
	if (p < end && p != file) /* the empty line */
		p += *p == '\r' ? 2 : 1;
	d->bodylen = (size_t)(end - p);
	d->body = pt_xstrndup(p, d->bodylen);
	return 0;
}
