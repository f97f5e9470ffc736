/*
 * draft.c: the draft file that compose, petrel -H and the engine's
 * sender share: editable header fields (From, To, Cc, Bcc, Subject,
 * Reply-To, In-Reply-To, References, one Attach: per file; any other
 * field the user writes goes into the message as it is, unless petrel
 * writes it itself), an empty line and the text.  mime_draft_parse
 * reads one.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "private.h"

enum mime_draft_field {
	MIME_DF_FROM,
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

static const char *const mime_draft_names[MIME_DF_COUNT] = {"from", "to", "cc",
    "bcc", "subject", "reply-to", "in-reply-to", "references", "attach"};

static char **mime_draft_slot(struct mime_draft *, enum mime_draft_field);
static void mime_draft_extras(const struct mime_part *, struct mime_draft *);
static int mime_draft_name_ok(const char *, const char *);
static void mime_draft_extra_add(struct mime_draft *, const char *, size_t,
    char *);

/* 1 when [p, colon) is a field name: printable ASCII (RFC 5322). */
static int
mime_draft_name_ok(const char *p, const char *colon)
{
	if (colon == NULL || colon == p)
		return 0;
	for (; p < colon; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7F)
			return 0;
	return 1;
}

static char **
mime_draft_slot(struct mime_draft *d, enum mime_draft_field f)
{
	switch (f) {
	case MIME_DF_FROM:
		return &d->from;
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

/*
 * Adds a field the draft does not know to d->extra, taking value: its
 * control characters become spaces and its ends are trimmed; an empty
 * one is dropped.
 */
static void
mime_draft_extra_add(struct mime_draft *d, const char *name, size_t nl,
    char *value)
{
	char *t = value, *e, *q;

	for (q = value; *q != '\0'; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7F)
			*q = ' ';
	while (*t == ' ')
		t++;
	e = t + strlen(t);
	while (e > t && e[-1] == ' ')
		*--e = '\0';
	if (*t != '\0') {
		d->extra =
		    pt_xreallocarray(d->extra, d->nextra + 1, sizeof *d->extra);
		d->extra[d->nextra].name = pt_xasprintf("%.*s", (int)nl, name);
		d->extra[d->nextra].value = pt_xstrdup(t);
		d->nextra++;
	}
	free(value);
}

void
mime_draft_release(struct mime_draft *d)
{
	size_t i;

	free(d->from);
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
	for (i = 0; i < d->nextra; i++) {
		free(d->extra[i].name);
		free(d->extra[i].value);
	}
	free(d->extra);
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
		size_t i, k, nl;
		char **dst = NULL, *val, *t, *e;

		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (!mime_draft_name_ok(p, colon)) {
			if (p == file)
				break; /* no fields: all text */
			mime_draft_release(d);
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("a header line has no field name: %.*s"),
			    (int)(eol - p > 60 ? 60 : eol - p), p);
		}
		nl = (size_t)(colon - p);
		for (i = 0; i < MIME_DF_COUNT; i++)
			if (mime_ci_eq(line, nl, mime_draft_names[i]))
				break;
		/* Another field: one petrel does not write itself. */
		if (i == MIME_DF_COUNT &&
		    mime_field_check(line, nl, err) != 0) {
			mime_draft_release(d);
			return -1;
		}
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
		/* A NUL would cut the value short: a space too. */
		for (k = 0; k < v.len; k++)
			if (v.data[k] == '\r' || v.data[k] == '\t' ||
			    v.data[k] == '\0')
				v.data[k] = ' ';
		val = pt_buf_detach(&v, NULL);
		if (i == MIME_DF_COUNT) {
			mime_draft_extra_add(d, line, nl, val);
			continue;
		}
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
		} else
			dst = mime_draft_slot(d, (enum mime_draft_field)i);
		if (dst != NULL && *t != '\0') {
			/* To, Cc, Bcc add up; the others: the last one. */
			char *n =
			    *dst != NULL && i >= MIME_DF_TO && i <= MIME_DF_BCC
				? pt_xasprintf("%s, %s", *dst, t)
				: pt_xstrdup(t);

			free(*dst);
			*dst = n;
		}
		free(val);
	}
	if (p < end && p != file) /* the empty line */
		p += *p == '\r' ? 2 : 1;
	/* The text as it is, NUL bytes and all. */
	d->bodylen = (size_t)(end - p);
	d->body = pt_xmalloc(d->bodylen + 1);
	memcpy(d->body, p, d->bodylen);
	d->body[d->bodylen] = '\0';
	return 0;
}

char *
mime_filename_safe(const char *name, size_t idx)
{
	const char *base, *s;
	struct pt_buf b;

	if (name == NULL || *name == '\0')
		return pt_xasprintf("attachment-%zu", idx + 1);
	base = name;
	for (s = name; *s != '\0'; s++)
		if (*s == '/' || *s == '\\')
			base = s + 1;
	while (*base == '.' || *base == ' ')
		base++;
	pt_buf_init(&b, 1024);
	for (s = base; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7F || c == ':')
			pt_buf_addch(&b, '_', NULL);
		else
			pt_buf_addch(&b, (char)c, NULL);
	}
	if (b.len == 0) {
		pt_buf_release(&b);
		return pt_xasprintf("attachment-%zu", idx + 1);
	}
	return pt_buf_detach(&b, NULL);
}

/* A header field of the message, decoded, or NULL when absent or empty. */
static char *
mime_draft_field(const struct mime_part *root, const char *name, int addr)
{
	const char *v;
	size_t len;
	char *s;

	if ((v = mime_part_header(root, name, &len)) == NULL)
		return NULL;
	s = addr ? mime_address_decode(v, len) : mime_header_decode(v, len);
	if (*s == '\0') {
		free(s);
		return NULL;
	}
	return s;
}

/* In-Reply-To and References: unfolded, single spaces. */
static char *
mime_draft_ids(const struct mime_part *root, const char *name)
{
	struct pt_buf b;
	const char *v;
	size_t len, i;

	if ((v = mime_part_header(root, name, &len)) == NULL)
		return NULL;
	pt_buf_init(&b, 0);
	for (i = 0; i < len; i++) {
		char c =
		    v[i] == '\r' || v[i] == '\n' || v[i] == '\t' ? ' ' : v[i];

		if (c == ' ' && (b.len == 0 || b.data[b.len - 1] == ' '))
			continue;
		if ((unsigned char)c >= 0x20 && c != 0x7f)
			pt_buf_addch(&b, c, NULL);
	}
	while (b.len > 0 && b.data[b.len - 1] == ' ')
		b.len--;
	if (b.len == 0) {
		pt_buf_release(&b);
		return NULL;
	}
	pt_buf_addch(&b, '\0', NULL);
	b.len--;
	return pt_buf_detach(&b, NULL);
}

/*
 * The other fields of the message's header, in order: those a draft may
 * carry (never one the draft knows, so never an Attach), decoded.
 */
static void
mime_draft_extras(const struct mime_part *root, struct mime_draft *d)
{
	size_t i, k;

	for (i = 0; i < root->nhdrs; i++) {
		const struct mime_header *h = &root->hdrs[i];

		for (k = 0; k < MIME_DF_COUNT; k++)
			if (mime_ci_eq(h->name, h->namelen,
				mime_draft_names[k]))
				break;
		if (k < MIME_DF_COUNT ||
		    mime_field_check(h->name, h->namelen, NULL) != 0)
			continue;
		mime_draft_extra_add(d, h->name, h->namelen,
		    mime_field_is_address(h->name, h->namelen)
			? mime_address_decode(h->value, h->valuelen)
			: mime_header_decode(h->value, h->valuelen));
	}
}

/* A text part's body as UTF-8 with LF line ends. */
static int
mime_draft_text(const struct mime_part *p, struct pt_buf *out,
    struct pt_error *err)
{
	struct pt_buf raw;
	char *cs = mime_part_param(p, "charset");
	size_t i, k;
	int r;

	pt_buf_init(&raw, MIME_MAX_SIZE);
	r = mime_part_decode(p, &raw, NULL, err);
	if (r == 0)
		r = mime_charset_to_utf8(out, cs, raw.data, raw.len, NULL, err);
	free(cs);
	pt_buf_release(&raw);
	if (r != 0)
		return -1;
	for (i = k = 0; i < out->len; i++)
		if (!(out->data[i] == '\r' && i + 1 < out->len &&
			out->data[i + 1] == '\n'))
			out->data[k++] = out->data[i];
	out->len = k;
	return 0;
}

int
mime_draft_from_message(const char *raw, size_t len, struct mime_draft *d,
    struct mime_draft_part **partsp, size_t *np, struct pt_error *err)
{
	const struct mime_part *root, *p;
	struct mime_draft_part *parts = NULL;
	struct mime_msg *m;
	size_t n = 0;
	int have_text = 0;

	memset(d, 0, sizeof *d);
	*partsp = NULL;
	*np = 0;
	if ((m = mime_parse(raw, len, err)) == NULL)
		return -1;
	root = mime_msg_root(m);
	d->from = mime_draft_field(root, "From", 1);
	d->to = mime_draft_field(root, "To", 1);
	d->cc = mime_draft_field(root, "Cc", 1);
	d->bcc = mime_draft_field(root, "Bcc", 1);
	d->subject = mime_draft_field(root, "Subject", 0);
	d->reply_to = mime_draft_field(root, "Reply-To", 1);
	d->in_reply_to = mime_draft_ids(root, "In-Reply-To");
	d->references = mime_draft_ids(root, "References");
	mime_draft_extras(root, d);

	/* Depth first through the leaves (a message part stays whole). */
	p = root;
	while (p != NULL) {
		const struct mime_part *c = mime_part_child(p);
		const char *type = mime_part_type(p);
		char *fname;

		if (c != NULL && strncmp(type, "multipart/", 10) == 0) {
			p = c;
			continue;
		}
		fname = mime_part_filename(p);
		if (!have_text && fname == NULL &&
		    !mime_part_is_attachment(p) &&
		    strcmp(type, "text/plain") == 0) {
			struct pt_buf b;

			pt_buf_init(&b, MIME_MAX_SIZE);
			if (mime_draft_text(p, &b, err) != 0) {
				pt_buf_release(&b);
				goto fail;
			}
			d->bodylen = b.len;
			pt_buf_addch(&b, '\0', NULL);
			d->body = pt_buf_detach(&b, NULL);
			have_text = 1;
		} else if (strncmp(type, "multipart/", 10) != 0) {
			struct pt_buf b;

			pt_buf_init(&b, MIME_MAX_SIZE);
			if (mime_part_decode(p, &b, NULL, err) != 0) {
				free(fname);
				pt_buf_release(&b);
				goto fail;
			}
			parts = pt_xreallocarray(parts, n + 1, sizeof *parts);
			parts[n].name = mime_filename_safe(fname, n);
			parts[n].len = b.len;
			parts[n].data = pt_buf_detach(&b, NULL);
			n++;
		}
		free(fname);
		/* The next part: a sibling, else an ancestor's sibling. */
		while (p != NULL && p != root && mime_part_next(p) == NULL)
			p = mime_part_parent(p);
		p = p != NULL && p != root ? mime_part_next(p) : NULL;
	}
	if (d->body == NULL)
		d->body = pt_xstrdup("");
	mime_msg_free(&m);
	*partsp = parts;
	*np = n;
	return 0;
fail:
	mime_msg_free(&m);
	mime_draft_parts_free(&parts, n);
	mime_draft_release(d);
	return -1;
}

void
mime_draft_parts_free(struct mime_draft_part **pp, size_t n)
{
	size_t i;

	if (*pp == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((*pp)[i].name);
		free((*pp)[i].data);
	}
	free(*pp);
	*pp = NULL;
}

void
mime_draft_format(const struct mime_draft *d, struct pt_buf *out)
{
	const char *v[] = {d->to, d->cc, d->bcc, d->subject, d->reply_to,
	    d->in_reply_to, d->references};
	static const char *const label[] = {"To", "Cc", "Bcc", "Subject",
	    "Reply-To", "In-Reply-To", "References"};
	size_t i;

	if (d->from != NULL)
		pt_buf_printf(out, NULL, "From: %s\n", d->from);
	for (i = 0; i < PT_NELEM(v); i++) {
		/* The editable ones always; the threading ones when set. */
		if (v[i] == NULL && i >= 4)
			continue;
		pt_buf_printf(out, NULL, "%s: %s\n", label[i],
		    v[i] != NULL ? v[i] : "");
	}
	for (i = 0; i < d->nextra; i++)
		pt_buf_printf(out, NULL, "%s: %s\n", d->extra[i].name,
		    d->extra[i].value);
	for (i = 0; i < d->nattach; i++)
		pt_buf_printf(out, NULL, "Attach: %s\n", d->attach[i]);
	pt_buf_addch(out, '\n', NULL);
	if (d->body != NULL)
		pt_buf_add(out, d->body, d->bodylen, NULL);
}
