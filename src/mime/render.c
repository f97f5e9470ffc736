/*
 * render.c: a whole message as the pager shows it.  The headers people
 * read (From, To, Cc, Date, Subject), then the body: the first text part
 * without a label, every other part as "[-- Attachment #N: name (type,
 * size) --]" (text ones followed by their text), text/plain chosen over
 * text/html in multipart/alternative, forwarded messages inline with
 * their own headers, signed and encrypted parts labelled.  Each block is
 * sanitized and wrapped as it is added, and the whole output is
 * sanitized once more at the end, so whatever a message holds it reaches
 * the terminal only as visible characters.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "private.h"

/* Bytes of a header value or file name shown. */
#define RENDER_FIELD_MAX 16384
/* Bytes of a charset or encoding name quoted in a note. */
#define RENDER_NAME_MAX 64
/* Bytes of a message shown when it is shown raw. */
#define RENDER_RAW_MAX ((size_t)1024 * 1024)
/* The output's cap. */
#define RENDER_OUT_MAX ((size_t)256 * 1024 * 1024)

struct render {
	struct pt_buf out;
	unsigned width;
	int prefer_html;
	unsigned natt;  /* attachments numbered so far */
	int body_shown; /* the current message's first text was shown */
	int full;       /* out reached its cap */

	const struct mime_render_opts *opts; /* for the HTML filter */
};

static void render_add(struct render *, const char *, size_t);
static void render_block(struct render *, const char *, size_t, const char *);
static void render_sep(struct render *);
static void render_note(struct render *, const char *, ...) PT_PRINTF(2, 3);
static void render_notes(struct render *, unsigned, const char *,
    const struct mime_part *);
static void render_size(char *, size_t, size_t);
static char *render_cut(char *, size_t);
static void render_headers(struct render *, const struct mime_part *);
static void render_message(struct render *, const struct mime_part *);
static void render_entity(struct render *, const struct mime_part *);
static void render_child(struct render *, const struct mime_part *);
static void render_leaf(struct render *, const struct mime_part *);
static void render_as_text(struct render *, const struct mime_part *);
static unsigned render_label(struct render *, const struct mime_part *, size_t);
static void render_text(struct render *, const struct mime_part *, const char *,
    size_t, unsigned);
static int render_displayable(const struct mime_part *);
static int render_alt_score(const struct render *, const struct mime_part *);
static void render_alternative(struct render *, const struct mime_part *);
static void render_related(struct render *, const struct mime_part *);
static void render_signed(struct render *, const struct mime_part *);
static void render_attached_message(struct render *, const struct mime_part *);
static char *render_raw(const char *, size_t, const struct mime_render_opts *,
    const char *, size_t *);
static void render_html_charset(const char *, size_t, char *, size_t);
static void render_html(struct render *, struct pt_buf *, const char *, size_t);
static char *render_finish(struct render *, size_t *);

static void
render_add(struct render *r, const char *s, size_t n)
{
	if (!r->full && pt_buf_add(&r->out, s, n, NULL) != 0)
		r->full = 1;
}

/* Sanitizes and wraps text into the output. */
static void
render_block(struct render *r, const char *s, size_t n, const char *cont)
{
	struct pt_buf t;

	if (r->full)
		return;
	pt_buf_init(&t, r->out.max);
	if (pt_sanitize(&t, s, n, PT_SAN_NEWLINES | PT_SAN_TABS, NULL) != 0 ||
	    mime_wrap(&r->out, t.data, t.len, r->width, cont, NULL) != 0)
		r->full = 1;
	pt_buf_release(&t);
}

/* Ends the output with a blank line, unless it is empty. */
static void
render_sep(struct render *r)
{
	size_t n = r->out.len;

	if (n == 0)
		return;
	if (r->out.data[n - 1] != '\n')
		render_add(r, "\n\n", 2);
	else if (n < 2 || r->out.data[n - 2] != '\n')
		render_add(r, "\n", 1);
}

/* "[-- note --]" on lines of its own; the note is made one line first. */
static void
render_note(struct render *r, const char *fmt, ...)
{
	struct pt_buf t;
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = pt_xvasprintf(fmt, ap);
	va_end(ap);
	pt_buf_init(&t, 0);
	(void)pt_buf_addstr(&t, "[-- ", NULL);
	(void)pt_sanitize(&t, s, strlen(s), 0, NULL);
	(void)pt_buf_addstr(&t, " --]", NULL);
	free(s);
	if (r->out.len > 0 && r->out.data[r->out.len - 1] != '\n')
		render_add(r, "\n", 1);
	render_block(r, t.data, t.len, "    ");
	pt_buf_release(&t);
}

/* Says what decoding had to repair. */
static void
render_notes(struct render *r, unsigned notes, const char *charset,
    const struct mime_part *p)
{
	const struct mime_header *h;
	char *v;

	if (notes & MIME_NOTE_UNKNOWN_CTE) {
		h = mime_header_find(p, "Content-Transfer-Encoding");
		v = h != NULL ? pt_xstrndup(h->value, h->valuelen)
			      : pt_xstrdup("");
		v = render_cut(v, RENDER_NAME_MAX);
		render_note(r, _("unknown transfer encoding '%s': shown as is"),
		    v);
		free(v);
	}
	if (notes & MIME_NOTE_BAD_BASE64)
		render_note(r, "%s",
		    _("damaged base64: decoded as far as possible"));
	if (notes & MIME_NOTE_BAD_QP)
		render_note(r, "%s",
		    _("damaged quoted-printable: decoded as far as possible"));
	if (notes & MIME_NOTE_UNKNOWN_CHARSET) {
		v = render_cut(pt_xstrdup(charset != NULL ? charset : ""),
		    RENDER_NAME_MAX);
		render_note(r,
		    _("unknown charset '%s': shown as UTF-8 or windows-1252"),
		    v);
		free(v);
	}
	if (notes & MIME_NOTE_BAD_BYTES)
		render_note(r, "%s",
		    _("some bytes are not valid in their charset and show as "
		      "\xEF\xBF\xBD"));
}

static void
render_size(char *buf, size_t size, size_t n)
{
	if (n < 1024)
		(void)snprintf(buf, size, ngettext_("%zu byte", "%zu bytes", n),
		    n);
	else if (n < 1024 * 1024)
		(void)snprintf(buf, size, _("%.1f KiB"), (double)n / 1024);
	else
		(void)snprintf(buf, size, _("%.1f MiB"),
		    (double)n / (1024 * 1024));
}

/* Shortens a string to max bytes (on a character start) and says so. */
static char *
render_cut(char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return s;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	s[n] = '\0';
	s = pt_xreallocarray(s, n + 4, 1);
	memcpy(s + n, "\xE2\x80\xA6", 4); /* "..." */
	return s;
}

static void
render_headers(struct render *r, const struct mime_part *m)
{
	static const char *const names[] = {"From", "To", "Cc", "Date",
	    "Subject"};
	struct pt_buf line;
	size_t i;
	char *v, *note;

	for (i = 0; i < PT_NELEM(names); i++) {
		const struct mime_header *h = mime_header_find(m, names[i]);

		if (h == NULL)
			continue;
		if (i < 3)
			v = mime_address_decode(h->value, h->valuelen);
		else
			v = mime_header_decode(h->value, h->valuelen);
		v = render_cut(v, RENDER_FIELD_MAX);
		pt_buf_init(&line, 0);
		(void)pt_buf_printf(&line, NULL, "%s: ", names[i]);
		/* One line: a newline inside a value shows as a symbol. */
		(void)pt_sanitize(&line, v, strlen(v), 0, NULL);
		render_block(r, line.data, line.len, "    ");
		pt_buf_release(&line);
		if (i == 0 && (note = mime_lookalike(v)) != NULL) {
			render_note(r, "%s", note);
			free(note);
		}
		free(v);
	}
}

static void
render_message(struct render *r, const struct mime_part *m)
{
	int saved = r->body_shown;

	render_headers(r, m);
	render_sep(r);
	r->body_shown = 0;
	render_entity(r, m);
	r->body_shown = saved;
}

static int
render_displayable(const struct mime_part *p)
{
	return strncmp(p->type, "text/", 5) == 0 ||
	       strcmp(p->type, "message/delivery-status") == 0 ||
	       strcmp(p->type, "message/global-delivery-status") == 0 ||
	       strcmp(p->type, "message/disposition-notification") == 0 ||
	       strcmp(p->type, "message/global-disposition-notification") ==
		   0 ||
	       strcmp(p->type, "message/feedback-report") == 0 ||
	       strcmp(p->type, "message/global-headers") == 0;
}

static void
render_entity(struct render *r, const struct mime_part *p)
{
	const struct mime_part *c;

	if (p->flags & MIME_PART_TOO_DEEP) {
		render_sep(r);
		render_note(r,
		    _("this part is nested more than %d levels deep and is "
		      "not shown"),
		    MIME_MAX_DEPTH);
		return;
	}
	if (p->flags & MIME_PART_CUT && p->child == NULL) {
		render_sep(r);
		render_note(r, _("more than %d parts: the rest is not shown"),
		    MIME_MAX_PARTS);
		return;
	}
	if (strncmp(p->type, "multipart/", 10) == 0) {
		if (p->flags & MIME_PART_NO_BOUNDARY)
			render_as_text(r, p);
		else if (strcmp(p->type, "multipart/alternative") == 0)
			render_alternative(r, p);
		else if (strcmp(p->type, "multipart/related") == 0)
			render_related(r, p);
		else if (strcmp(p->type, "multipart/signed") == 0)
			render_signed(r, p);
		else if (strcmp(p->type, "multipart/encrypted") == 0) {
			render_sep(r);
			render_note(r, "%s",
			    _("encrypted part (PGP/MIME): petrel cannot "
			      "decrypt it yet"));
			r->body_shown = 1;
		} else
			for (c = p->child; c != NULL; c = c->next)
				render_child(r, c);
		if (p->flags & MIME_PART_CUT) {
			render_sep(r);
			render_note(r,
			    _("more than %d parts: the rest is not shown"),
			    MIME_MAX_PARTS);
		}
		return;
	}
	if (p->child != NULL || strncmp(p->type, "message/rfc822", 14) == 0 ||
	    strcmp(p->type, "message/global") == 0 ||
	    strcmp(p->type, "message/news") == 0) {
		render_attached_message(r, p);
		return;
	}
	render_leaf(r, p);
}

/* A multipart whose parts cannot be found: its body, as text. */
static void
render_as_text(struct render *r, const struct mime_part *p)
{
	struct pt_buf b;
	unsigned notes = 0;

	pt_buf_init(&b, MIME_MAX_SIZE);
	(void)mime_part_decode(p, &b, &notes, NULL);
	render_sep(r);
	render_note(r, _("%s without parts: shown as text"), p->type);
	render_text(r, p, b.data, b.len, notes);
	r->body_shown = 1;
	pt_buf_release(&b);
}

static void
render_child(struct render *r, const struct mime_part *c)
{
	render_entity(r, c);
}

/* The label line; returns the attachment number. */
static unsigned
render_label(struct render *r, const struct mime_part *p, size_t size)
{
	char sz[64], *name;

	render_size(sz, sizeof sz, size);
	render_sep(r);
	r->natt++;
	if ((name = mime_part_filename(p)) != NULL) {
		name = render_cut(name, RENDER_FIELD_MAX);
		render_note(r, _("Attachment #%u: %s (%s, %s)"), r->natt, name,
		    p->type, sz);
		free(name);
	} else
		render_note(r, _("Attachment #%u (%s, %s)"), r->natt, p->type,
		    sz);
	return r->natt;
}

static void
render_leaf(struct render *r, const struct mime_part *p)
{
	struct pt_buf b;
	unsigned notes = 0;
	int show;

	pt_buf_init(&b, MIME_MAX_SIZE);
	(void)mime_part_decode(p, &b, &notes, NULL);
	show = render_displayable(p) && !mime_part_is_attachment(p);
	if (show)
		mime_missing_add(r->opts != NULL ? r->opts->missing : NULL, p);
	if (show && !r->body_shown)
		render_sep(r);
	else
		(void)render_label(r, p,
		    p->flags & MIME_PART_SIZED ? p->known_size : b.len);
	if (strcmp(p->type, "application/pkcs7-mime") == 0 ||
	    strcmp(p->type, "application/x-pkcs7-mime") == 0) {
		char *smime = mime_part_param(p, "smime-type");

		if (smime != NULL &&
		    mime_ci_eq(smime, strlen(smime), "signed-data"))
			render_note(r, "%s",
			    _("signed part (S/MIME, opaque): petrel cannot "
			      "show it yet"));
		else
			render_note(r, "%s",
			    _("encrypted part (S/MIME): petrel cannot decrypt "
			      "it yet"));
		free(smime);
	}
	if (show)
		render_text(r, p, b.data, b.len, notes);
	r->body_shown = 1;
	pt_buf_release(&b);
}

/* The charset an HTML part names in a <meta> tag, if it has no label. */
static void
render_html_charset(const char *s, size_t n, char *cs, size_t size)
{
	size_t i, k;

	cs[0] = '\0';
	if (n > 4096)
		n = 4096;
	for (i = 0; i + 8 < n; i++) {
		if (!mime_ci_prefix(s + i, n - i, "charset="))
			continue;
		i += 8;
		while (i < n && (s[i] == '"' || s[i] == '\'' || s[i] == ' '))
			i++;
		for (k = 0; i < n && k < size - 1 &&
			    (s[i] == '-' || s[i] == '_' || s[i] == '.' ||
				s[i] == ':' || (s[i] >= '0' && s[i] <= '9') ||
				(s[i] >= 'a' && s[i] <= 'z') ||
				(s[i] >= 'A' && s[i] <= 'Z'));
		     i++)
			cs[k++] = s[i];
		cs[k] = '\0';
		return;
	}
}

/*
 * HTML to text: the caller's filter (a mailcap viewer) when there is
 * one and it works, else the built-in converter.
 */
static void
render_html(struct render *r, struct pt_buf *u, const char *s, size_t n)
{
	const struct mime_render_opts *o = r->opts;

	if (o != NULL && o->html_filter != NULL) {
		struct pt_error err;
		size_t outlen = 0;
		char *out;

		pt_error_init(&err);
		out = o->html_filter(o->html_filter_arg, s, n, &outlen, &err);
		if (out != NULL) {
			/* Its output is read as UTF-8: bad bytes show. */
			(void)mime_charset_to_utf8(u, "utf-8", out, outlen,
			    NULL, NULL);
			free(out);
			return;
		}
		if (err.class != PT_OK)
			render_note(r,
			    _("the HTML viewer failed (%s): shown by the "
			      "built-in converter"),
			    err.msg);
	}
	(void)mime_html_to_text(u, s, n, r->width, NULL);
}

static void
render_text(struct render *r, const struct mime_part *p, const char *data,
    size_t len, unsigned notes)
{
	struct pt_buf u, t;
	const char *sub = strchr(p->type, '/') + 1, *s;
	char *charset, *fmt, *delsp;
	size_t i, k, n;

	pt_buf_init(&u, MIME_MAX_SIZE * 2);
	pt_buf_init(&t, MIME_MAX_SIZE * 2);
	charset = mime_part_param(p, "charset");
	if ((charset == NULL || *charset == '\0') && strcmp(sub, "html") == 0) {
		char meta[48];

		render_html_charset(data, len, meta, sizeof meta);
		if (meta[0] != '\0') {
			free(charset);
			charset = pt_xstrdup(meta);
		}
	}
	(void)mime_charset_to_utf8(&u, charset, data, len, &notes, NULL);
	render_notes(r, notes, charset, p);
	free(charset);

	/* One kind of line break; no byte order mark. */
	s = u.data;
	n = u.len;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		n -= 3;
	}
	for (i = k = 0; i < n; i++)
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
			(void)pt_buf_add(&t, s + k, i - k, NULL);
			k = i + 1;
		}
	(void)pt_buf_add(&t, s + k, n - k, NULL);
	pt_buf_reset(&u);

	if (strcmp(sub, "html") == 0)
		render_html(r, &u, t.data, t.len);
	else if (strcmp(sub, "enriched") == 0 || strcmp(sub, "richtext") == 0)
		(void)mime_enriched_to_text(&u, t.data, t.len, sub[0] == 'r',
		    NULL);
	else {
		fmt = mime_part_param(p, "format");
		delsp = mime_part_param(p, "delsp");
		if (strcmp(sub, "plain") == 0 && fmt != NULL &&
		    mime_ci_eq(fmt, strlen(fmt), "flowed"))
			(void)mime_flowed_unflow(&u, t.data, t.len,
			    delsp != NULL &&
				mime_ci_eq(delsp, strlen(delsp), "yes"),
			    NULL);
		else if (strncmp(p->type, "message/", 8) == 0)
			(void)mime_unfold(&u, t.data, t.len, NULL);
		else
			(void)pt_buf_add(&u, t.data, t.len, NULL);
		free(fmt);
		free(delsp);
	}
	for (i = 0; i + 15 < u.len; i++) {
		if (i > 0 && u.data[i - 1] != '\n')
			continue;
		if (mime_ci_prefix(u.data + i, u.len - i,
			"-----BEGIN PGP SIGNED MESSAGE-----")) {
			render_note(r, "%s",
			    _("PGP-signed text: the signature was not "
			      "verified"));
			break;
		}
		if (mime_ci_prefix(u.data + i, u.len - i,
			"-----BEGIN PGP MESSAGE-----")) {
			render_note(r, "%s",
			    _("PGP-encrypted text: petrel cannot decrypt it "
			      "yet"));
			break;
		}
	}
	/* No blank lines at the end. */
	n = u.len;
	while (n > 0 && (u.data[n - 1] == '\n' || u.data[n - 1] == ' ' ||
			    u.data[n - 1] == '\t' || u.data[n - 1] == '\r'))
		n--;
	if (n > 0)
		render_block(r, u.data, n, NULL);
	else if (strcmp(sub, "html") == 0 && len > 0)
		render_note(r, "%s", _("this HTML part shows no text"));
	pt_buf_release(&u);
	pt_buf_release(&t);
}

/* How much the reader wants this alternative (higher is better). */
static int
render_alt_score(const struct render *r, const struct mime_part *c)
{
	/* A container counts as its first part (its root). */
	while (c->child != NULL && strncmp(c->type, "multipart/", 10) == 0 &&
	       strcmp(c->type, "multipart/alternative") != 0)
		c = c->child;
	if (strcmp(c->type, "text/plain") == 0) {
		struct pt_buf b;
		size_t i;
		int blank = 1;

		/* Not fetched yet: assume it has text, and ask for it. */
		mime_missing_add(r->opts != NULL ? r->opts->missing : NULL, c);
		pt_buf_init(&b, MIME_MAX_SIZE);
		(void)mime_part_decode(c, &b, NULL, NULL);
		if (c->flags & MIME_PART_ABSENT)
			blank = 0;
		for (i = 0; i < b.len && blank; i++)
			blank = b.data[i] == ' ' || b.data[i] == '\t' ||
				b.data[i] == '\r' || b.data[i] == '\n';
		pt_buf_release(&b);
		if (blank)
			return 1; /* an empty plain part next to HTML */
		return r->prefer_html ? 4 : 6;
	}
	if (strcmp(c->type, "text/html") == 0)
		return r->prefer_html ? 6 : 4;
	if (strncmp(c->type, "text/", 5) == 0 ||
	    strncmp(c->type, "multipart/", 10) == 0)
		return 2;
	return 0;
}

static void
render_alternative(struct render *r, const struct mime_part *p)
{
	const struct mime_part *c, *best = NULL;
	int bs = -1;

	for (c = p->child; c != NULL; c = c->next) {
		int s = render_alt_score(r, c);

		if (s >= bs) {
			best = c;
			bs = s;
		}
	}
	if (best != NULL)
		render_child(r, best);
}

static void
render_related(struct render *r, const struct mime_part *p)
{
	const struct mime_part *c, *root = p->child;
	struct pt_buf start;

	pt_buf_init(&start, 0);
	if (mime_part_param_raw(p, "Content-Type", "start", &start) == 0) {
		const char *s = start.data;
		size_t n = start.len;

		if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
			s++;
			n -= 2;
		}
		for (c = p->child; c != NULL; c = c->next) {
			const struct mime_header *h;

			if ((h = mime_header_find(c, "Content-ID")) == NULL)
				continue;
			if ((h->valuelen == n + 2 &&
				memcmp(h->value + 1, s, n) == 0) ||
			    (h->valuelen == n && memcmp(h->value, s, n) == 0)) {
				root = c;
				break;
			}
		}
	}
	pt_buf_release(&start);
	if (root != NULL)
		render_child(r, root);
	for (c = p->child; c != NULL; c = c->next)
		if (c != root)
			render_child(r, c);
}

static void
render_signed(struct render *r, const struct mime_part *p)
{
	struct pt_buf proto;
	const char *kind = "PGP/MIME";

	pt_buf_init(&proto, 0);
	(void)mime_part_param_raw(p, "Content-Type", "protocol", &proto);
	if (mime_ci_eq(proto.data, proto.len, "application/pkcs7-signature") ||
	    mime_ci_eq(proto.data, proto.len, "application/x-pkcs7-signature"))
		kind = "S/MIME";
	else if (!mime_ci_eq(proto.data, proto.len,
		     "application/pgp-signature"))
		kind = _("unknown kind");
	pt_buf_release(&proto);
	render_sep(r);
	render_note(r, _("signed part (%s): the signature was not verified"),
	    kind);
	if (p->child != NULL)
		render_child(r, p->child);
	render_sep(r);
	render_note(r, "%s", _("end of signed part"));
}

static void
render_attached_message(struct render *r, const struct mime_part *p)
{
	struct pt_buf b;
	unsigned n;

	pt_buf_init(&b, MIME_MAX_SIZE);
	(void)mime_part_decode(p, &b, NULL, NULL);
	n = render_label(r, p,
	    p->flags & MIME_PART_SIZED ? p->known_size : b.len);
	pt_buf_release(&b);
	r->body_shown = 1;
	if (p->child == NULL) {
		render_note(r,
		    _("this part is nested more than %d levels deep and is "
		      "not shown"),
		    MIME_MAX_DEPTH);
		return;
	}
	render_sep(r);
	render_message(r, p->child);
	render_sep(r);
	render_note(r, _("end of attachment #%u"), n);
}

/* Sanitizes the whole output once more and ends it with one newline. */
static char *
render_finish(struct render *r, size_t *lenp)
{
	struct pt_buf f;
	size_t n = r->out.len;

	while (n > 0 && r->out.data[n - 1] == '\n')
		n--;
	pt_buf_init(&f, RENDER_OUT_MAX * 2);
	(void)pt_sanitize(&f, r->out.data, n, PT_SAN_NEWLINES | PT_SAN_TABS,
	    NULL);
	pt_buf_release(&r->out);
	if (r->full) {
		(void)pt_buf_addstr(&f, "\n[-- ", NULL);
		(void)pt_buf_addstr(&f, _("output truncated"), NULL);
		(void)pt_buf_addstr(&f, " --]", NULL);
	}
	(void)pt_buf_addch(&f, '\n', NULL);
	return pt_buf_detach(&f, lenp);
}

static char *
render_raw(const char *msg, size_t len, const struct mime_render_opts *o,
    const char *why, size_t *lenp)
{
	struct render r;

	memset(&r, 0, sizeof r);
	pt_buf_init(&r.out, RENDER_OUT_MAX);
	r.width = o != NULL && o->width > 0 ? o->width : MIME_WIDTH_DEFAULT;
	render_note(&r, _("this message cannot be shown (%s); here it is raw"),
	    why);
	render_sep(&r);
	render_block(&r, msg, len > RENDER_RAW_MAX ? RENDER_RAW_MAX : len,
	    NULL);
	if (len > RENDER_RAW_MAX) {
		render_sep(&r);
		render_note(&r, _("%zu more bytes not shown"),
		    len - RENDER_RAW_MAX);
	}
	return render_finish(&r, lenp);
}

char *
mime_render_msg(const struct mime_msg *m, const struct mime_render_opts *o,
    size_t *lenp)
{
	struct render r;
	size_t max;

	memset(&r, 0, sizeof r);
	max = m->len > (RENDER_OUT_MAX - 4 * 1024 * 1024) / 4
		  ? RENDER_OUT_MAX
		  : m->len * 4 + 4 * 1024 * 1024;
	pt_buf_init(&r.out, max);
	r.width = o != NULL && o->width > 0 ? o->width : MIME_WIDTH_DEFAULT;
	if (r.width < MIME_WIDTH_MIN)
		r.width = MIME_WIDTH_MIN;
	if (r.width > MIME_WIDTH_MAX)
		r.width = MIME_WIDTH_MAX;
	r.prefer_html = o != NULL && o->prefer_html;
	r.opts = o;
	if (o != NULL && o->no_headers)
		render_entity(&r, m->root);
	else
		render_message(&r, m->root);
	if (m->truncated && !(m->root->flags & MIME_PART_CUT)) {
		render_sep(&r);
		render_note(&r,
		    _("this message has more than %d parts: the rest are not "
		      "shown"),
		    MIME_MAX_PARTS);
	}
	return render_finish(&r, lenp);
}

char *
mime_render(const char *msg, size_t len, const struct mime_render_opts *o,
    size_t *lenp, struct pt_error *warn)
{
	struct pt_error err;
	struct mime_msg *m;
	char *s;

	pt_error_init(&err);
	if (mime_prescan(msg, len) & MIME_SCAN_TOO_BIG)
		pt_error_set(&err, PT_E_PROTO, 0,
		    _("message too large (%zu bytes, the limit is %zu)"), len,
		    MIME_MAX_SIZE);
	if (err.class != PT_OK || (m = mime_parse(msg, len, &err)) == NULL) {
		if (warn != NULL)
			*warn = err;
		return render_raw(msg, len, o, err.msg, lenp);
	}
	s = mime_render_msg(m, o, lenp);
	mime_msg_free(&m);
	return s;
}
