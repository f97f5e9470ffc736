/*
 * rfc2047.c: header values for display.  Encoded words (RFC 2047) are
 * found leniently (also glued to text, and with "?" inside Q text), and
 * adjacent words of one charset are joined as bytes before conversion,
 * so a multibyte character split between two words survives.  White
 * space between adjacent words goes.  Raw 8-bit text is read as UTF-8
 * when the whole value is valid UTF-8, else as windows-1252.  Decoding is
 * one pass: a word that decodes to another encoded word stays as it is.
 * Address fields are split into mailboxes and shown as "Name <addr>",
 * with the name quoted when it holds characters that could make it look
 * like more or other addresses.
 */
#include "config.h"

#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "private.h"

/* Longest charset name accepted in an encoded word. */
#define MIME_WORD_CHARSET_MAX 64

struct mime_word {
	const char *charset;
	size_t charsetlen;
	char enc; /* 'b' or 'q' */
	const char *text;
	size_t textlen;
	size_t end;  /* offset just after "?=" */
	size_t fail; /* when not a word: where the text scan gave up */
};

struct mime_dec {
	struct pt_buf *out;
	struct pt_buf pending; /* bytes of adjacent words, one charset */
	char charset[MIME_WORD_CHARSET_MAX + 1];
	int guess_utf8;
	int failed;
};

static int mime_word_parse(const char *, size_t, size_t, struct mime_word *);
static void mime_dec_flush(struct mime_dec *);
static void mime_dec_literal(struct mime_dec *, const char *, size_t);
static int mime_all_wsp(const char *, size_t);
static void mime_trim(const char **, size_t *);
static void mime_addr_phrase(struct pt_buf *, const char *, size_t);
static void mime_addr_mailbox(struct pt_buf *, const char *, size_t);
static size_t mime_addr_scan(const char *, size_t, size_t, const char *);

int
mime_unfold(struct pt_buf *out, const char *s, size_t len, struct pt_error *err)
{
	size_t i, start = 0, n;

	for (i = 0; i < len; i++) {
		if (s[i] != '\n' &&
		    !(s[i] == '\r' && i + 1 < len && s[i + 1] == '\n'))
			continue;
		n = s[i] == '\r' ? 2 : 1;
		if (i + n < len && s[i + n] != ' ' && s[i + n] != '\t')
			continue;
		/* A fold (or the final line break): drop the break. */
		if (pt_buf_add(out, s + start, i - start, err) != 0)
			return -1;
		i += n - 1;
		start = i + 1;
	}
	return pt_buf_add(out, s + start, len - start, err);
}

/*
 * Recognises "=?charset?B|Q?text?=" at s[i].  Returns 1 and fills w, or
 * 0 (w->fail says how far the text was scanned, 0 when it was not).
 */
static int
mime_word_parse(const char *s, size_t len, size_t i, struct mime_word *w)
{
	size_t p = i + 2;

	w->fail = 0;
	if (i + 1 >= len || s[i] != '=' || s[i + 1] != '?')
		return 0;
	w->charset = s + p;
	while (p < len && s[p] != '?') {
		if ((unsigned char)s[p] <= ' ' || s[p] == 0x7F)
			return 0;
		p++;
	}
	w->charsetlen = (size_t)(s + p - w->charset);
	if (w->charsetlen == 0 || w->charsetlen > MIME_WORD_CHARSET_MAX ||
	    p + 2 >= len || s[p + 2] != '?')
		return 0;
	w->enc = (char)mime_lower((unsigned char)s[p + 1]);
	if (w->enc != 'b' && w->enc != 'q')
		return 0;
	p += 3;
	w->text = s + p;
	for (; p + 1 < len; p++) {
		if (s[p] == '?' && s[p + 1] == '=') {
			w->textlen = (size_t)(s + p - w->text);
			w->end = p + 2;
			return 1;
		}
		if (s[p] == ' ' || s[p] == '\t' || s[p] == '\r' ||
		    s[p] == '\n') {
			w->fail = p;
			return 0;
		}
	}
	w->fail = len;
	return 0;
}

static void
mime_dec_flush(struct mime_dec *d)
{
	if (d->pending.len == 0 && d->charset[0] == '\0')
		return;
	if (mime_charset_to_utf8(d->out, d->charset, d->pending.data,
		d->pending.len, NULL, NULL) != 0)
		d->failed = 1;
	pt_buf_reset(&d->pending);
	d->charset[0] = '\0';
}

static void
mime_dec_literal(struct mime_dec *d, const char *s, size_t len)
{
	int r;

	if (len == 0)
		return;
	mime_dec_flush(d);
	if (d->guess_utf8)
		r = pt_buf_add(d->out, s, len, NULL);
	else
		r = mime_guess_to_utf8(d->out, s, len, NULL);
	if (r != 0)
		d->failed = 1;
}

static int
mime_all_wsp(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

int
mime_rfc2047_append(struct pt_buf *out, const char *s, size_t len,
    struct pt_error *err)
{
	struct mime_dec d;
	struct mime_word w;
	size_t i = 0, lit = 0, fail_until = 0, n;
	int after_word = 0;

	d.out = out;
	pt_buf_init(&d.pending, out->max);
	d.charset[0] = '\0';
	d.guess_utf8 = mime_utf8_valid(s, len);
	d.failed = 0;
	while (i + 1 < len && !d.failed) {
		if (s[i] != '=' || s[i + 1] != '?' || i < fail_until) {
			i++;
			continue;
		}
		if (!mime_word_parse(s, len, i, &w)) {
			/* Any word starting before w.fail would fail too. */
			if (w.fail > fail_until)
				fail_until = w.fail;
			i++;
			continue;
		}
		if (!(after_word && mime_all_wsp(s + lit, i - lit)))
			mime_dec_literal(&d, s + lit, i - lit);
		n = w.charsetlen;
		if (d.charset[0] != '\0' &&
		    (strlen(d.charset) != n ||
			!mime_ci_eq(w.charset, n, d.charset)))
			mime_dec_flush(&d);
		memcpy(d.charset, w.charset, n);
		d.charset[n] = '\0';
		if (w.enc == 'b')
			(void)mime_decode_base64(&d.pending, w.text, w.textlen,
			    NULL, NULL);
		else
			(void)mime_decode_qp(&d.pending, w.text, w.textlen, 1,
			    NULL, NULL);
		i = lit = w.end;
		after_word = 1;
	}
	mime_dec_literal(&d, s + lit, len - lit);
	mime_dec_flush(&d);
	pt_buf_release(&d.pending);
	if (d.failed)
		return pt_error_set(err, PT_E_PROTO, 0,
		    _("header too long to decode"));
	return 0;
}

static void
mime_trim(const char **s, size_t *len)
{
	while (*len > 0 &&
	       (**s == ' ' || **s == '\t' || **s == '\r' || **s == '\n')) {
		(*s)++;
		(*len)--;
	}
	while (
	    *len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' ||
			    (*s)[*len - 1] == '\r' || (*s)[*len - 1] == '\n'))
		(*len)--;
}

char *
mime_header_decode(const char *raw, size_t len)
{
	struct pt_buf u, out;
	const char *s;
	size_t n;

	pt_buf_init(&u, 0);
	pt_buf_init(&out, 0);
	(void)mime_unfold(&u, raw, len, NULL);
	s = u.data;
	n = u.len;
	mime_trim(&s, &n);
	(void)mime_rfc2047_append(&out, s, n, NULL);
	pt_buf_release(&u);
	(void)mime_nul_replace(&out, NULL);
	return pt_buf_detach(&out, NULL);
}

/*
 * Returns the offset of the first byte of stop (outside quotes, comments
 * and angle brackets) at or after i, or len.
 */
static size_t
mime_addr_scan(const char *s, size_t len, size_t i, const char *stop)
{
	unsigned paren = 0;
	int quote = 0, angle = 0;

	for (; i < len; i++) {
		char c = s[i];

		if ((quote || paren > 0) && c == '\\') {
			i++;
			continue;
		}
		if (quote) {
			quote = c != '"';
			continue;
		}
		if (paren > 0) {
			if (c == '(')
				paren++;
			else if (c == ')')
				paren--;
			continue;
		}
		if (angle) {
			angle = c != '>';
			continue;
		}
		if (strchr(stop, c) != NULL && c != '\0')
			return i;
		if (c == '"')
			quote = 1;
		else if (c == '(')
			paren = 1;
		else if (c == '<')
			angle = 1;
	}
	return len;
}

/* A display name: quoted strings opened, encoded words decoded. */
static void
mime_addr_phrase(struct pt_buf *out, const char *s, size_t len)
{
	struct pt_buf flat;
	size_t i;

	pt_buf_init(&flat, 0);
	for (i = 0; i < len; i++) {
		if (s[i] != '"') {
			(void)pt_buf_addch(&flat, s[i], NULL);
			continue;
		}
		for (i++; i < len && s[i] != '"'; i++) {
			if (s[i] == '\\' && i + 1 < len)
				i++;
			(void)pt_buf_addch(&flat, s[i], NULL);
		}
	}
	(void)mime_rfc2047_append(out, flat.data, flat.len, NULL);
	pt_buf_release(&flat);
}

/* One mailbox: "Name <addr>", "addr (comment)" or whatever is there. */
static void
mime_addr_mailbox(struct pt_buf *out, const char *s, size_t len)
{
	struct pt_buf name;
	size_t lt, gt, i;
	const char *n;
	size_t nl;
	int quote = 0;

	lt = mime_addr_scan(s, len, 0, "<");
	if (lt == len) {
		/* An addr-spec, maybe with a comment: decode comments only. */
		i = mime_addr_scan(s, len, 0, "(");
		(void)mime_guess_to_utf8(out, s, i, NULL);
		if (i < len)
			(void)mime_rfc2047_append(out, s + i, len - i, NULL);
		return;
	}
	for (gt = lt + 1; gt < len && s[gt] != '>'; gt++)
		;
	pt_buf_init(&name, 0);
	mime_addr_phrase(&name, s, lt);
	n = name.data;
	nl = name.len;
	mime_trim(&n, &nl);
	for (i = 0; i < nl; i++)
		if (strchr(",;:<>@\"\\()[]", n[i]) != NULL && n[i] != '\0')
			quote = 1;
	if (nl > 0) {
		if (quote)
			(void)pt_buf_addch(out, '"', NULL);
		for (i = 0; i < nl; i++) {
			if (quote && (n[i] == '"' || n[i] == '\\'))
				(void)pt_buf_addch(out, '\\', NULL);
			(void)pt_buf_addch(out, n[i], NULL);
		}
		if (quote)
			(void)pt_buf_addch(out, '"', NULL);
		(void)pt_buf_addstr(out, " <", NULL);
	}
	(void)mime_guess_to_utf8(out, s + lt + 1, gt - lt - 1, NULL);
	if (nl > 0)
		(void)pt_buf_addch(out, '>', NULL);
	pt_buf_release(&name);
	if (gt + 1 < len) {
		/* Text after the address, usually a comment. */
		n = s + gt + 1;
		nl = len - gt - 1;
		mime_trim(&n, &nl);
		if (nl > 0) {
			(void)pt_buf_addch(out, ' ', NULL);
			(void)mime_rfc2047_append(out, n, nl, NULL);
		}
	}
}

char *
mime_address_decode(const char *raw, size_t len)
{
	struct pt_buf u, out;
	const char *s, *seg;
	size_t n, i = 0, segl;
	int sep = 0, ingroup = 0;

	pt_buf_init(&u, 0);
	pt_buf_init(&out, 0);
	(void)mime_unfold(&u, raw, len, NULL);
	s = u.data;
	n = u.len;
	while (i < n) {
		size_t j = mime_addr_scan(s, n, i, ingroup ? ",;" : ",;:");

		seg = s + i;
		segl = j - i;
		mime_trim(&seg, &segl);
		if (j < n && s[j] == ':') {
			/* "group: a, b;" */
			if (sep)
				(void)pt_buf_addstr(&out, ", ", NULL);
			mime_addr_phrase(&out, seg, segl);
			(void)pt_buf_addch(&out, ':', NULL);
			sep = 0;
			ingroup = 1;
		} else {
			if (segl > 0) {
				(void)pt_buf_addstr(&out,
				    sep       ? ", "
				    : ingroup ? " "
					      : "",
				    NULL);
				mime_addr_mailbox(&out, seg, segl);
				sep = 1;
			}
			if (j < n && s[j] == ';') {
				(void)pt_buf_addch(&out, ';', NULL);
				ingroup = 0;
				sep = 1;
			}
		}
		i = j + 1;
	}
	pt_buf_release(&u);
	(void)mime_nul_replace(&out, NULL);
	return pt_buf_detach(&out, NULL);
}
