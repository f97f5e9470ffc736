/*
 * wrap.c: fits text to a width in terminal columns (a CJK character
 * takes two).  Lines break at spaces, or between two characters when
 * either is wide, and anywhere when one word is longer than the line.
 * A continuation repeats the line's quote marks and indentation (and
 * indents under a list bullet), unless that prefix would take more than
 * half the width.  One pass; each byte is looked at a bounded number of
 * times.
 */
#include "config.h"

#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "private.h"

/* Bytes of a continuation prefix kept. */
#define MIME_PREFIX_MAX 128

static int mime_cols(const char *, size_t, uint32_t *, size_t *);
static size_t mime_range_cols(const char *, const char *);
static size_t mime_bullet(const char *, size_t);
static size_t mime_prefix(const char *, const char *, char *);
static int mime_wrap_line(struct pt_buf *, const char *, const char *, unsigned,
    const char *, size_t, size_t, struct pt_error *);
static int mime_emit_row(struct pt_buf *, const char *, const char *,
    struct pt_error *);

/* Columns of the character at s (invalid bytes: 1; controls: 0). */
static int
mime_cols(const char *s, size_t len, uint32_t *cp, size_t *n)
{
	int w;

	*n = pt_utf8_decode(s, len, cp);
	if (*cp == PT_UTF8_INVALID)
		return 1;
	w = pt_cp_width(*cp);
	return w < 0 ? 0 : w;
}

static size_t
mime_range_cols(const char *s, const char *e)
{
	size_t cols = 0, n;
	uint32_t cp;

	for (; s < e; s += n)
		cols += (size_t)mime_cols(s, (size_t)(e - s), &cp, &n);
	return cols;
}

/* The length of a list bullet at p ("* ", "- ", "+ ", "1. ", "2) "). */
static size_t
mime_bullet(const char *p, size_t n)
{
	size_t d;

	if (n >= 2 && (p[0] == '*' || p[0] == '-' || p[0] == '+') &&
	    p[1] == ' ')
		return 2;
	if (n >= 4 && memcmp(p, "\xE2\x80\xA2 ", 4) == 0)
		return 4;
	for (d = 0; d < n && d < 3 && p[d] >= '0' && p[d] <= '9'; d++)
		;
	if (d > 0 && d + 2 <= n && (p[d] == '.' || p[d] == ')') &&
	    p[d + 1] == ' ')
		return d + 2;
	return 0;
}

/*
 * The continuation prefix of the line [s, e) into buf: its leading
 * spaces and '>' marks, then spaces under a bullet ("* ", "- ", "1. ").
 */
static size_t
mime_prefix(const char *s, const char *e, char *buf)
{
	const char *p = s, *b;
	size_t n;

	while (p < e && (*p == ' ' || *p == '>'))
		p++;
	b = p + mime_bullet(p, (size_t)(e - p));
	n = (size_t)(p - s);
	if (n + mime_range_cols(p, b) > MIME_PREFIX_MAX)
		return 0;
	memcpy(buf, s, n);
	memset(buf + n, ' ', mime_range_cols(p, b));
	return n + mime_range_cols(p, b);
}

/* Appends [s, e) without trailing spaces, and a newline. */
static int
mime_emit_row(struct pt_buf *out, const char *s, const char *e,
    struct pt_error *err)
{
	while (e > s && e[-1] == ' ')
		e--;
	if (pt_buf_add(out, s, (size_t)(e - s), err) != 0)
		return -1;
	return pt_buf_addch(out, '\n', err);
}

static int
mime_wrap_line(struct pt_buf *out, const char *s, const char *e, unsigned width,
    const char *pfx, size_t pfxlen, size_t pfxcols, struct pt_error *err)
{
	const char *row = s, *i = s, *brk = NULL, *brknext = NULL, *j;
	size_t col = 0, n;
	uint32_t cp;
	int prevwide = 0, wide;

	/*
	 * No break inside the leading quote marks and indentation, unless
	 * they take more than half the width themselves.
	 */
	while (i < e && (*i == ' ' || *i == '>'))
		i++;
	if ((size_t)(i - s) * 2 > width)
		i = s;
	col = (size_t)(i - s);
	while (i < e) {
		int w = mime_cols(i, (size_t)(e - i), &cp, &n);

		if (cp == ' ') {
			for (j = i; j < e && *j == ' '; j++)
				;
			brk = i;
			brknext = j;
			col += (size_t)(j - i);
			i = j;
			prevwide = 0;
			continue;
		}
		wide = w == 2;
		if ((wide || prevwide) && w > 0 && i > row && brknext != i) {
			brk = i;
			brknext = i;
		}
		if (col + (size_t)w > width && i > row && w > 0) {
			if (brk != NULL && brk > row) {
				if (mime_emit_row(out, row, brk, err) != 0)
					return -1;
				row = brknext;
			} else {
				if (mime_emit_row(out, row, i, err) != 0)
					return -1;
				row = i;
			}
			if (pt_buf_add(out, pfx, pfxlen, err) != 0)
				return -1;
			col = pfxcols + mime_range_cols(row, i);
			brk = brknext = NULL;
			prevwide = 0;
			continue;
		}
		col += (size_t)w;
		prevwide = wide;
		i += n;
	}
	return mime_emit_row(out, row, e, err);
}

int
mime_wrap(struct pt_buf *out, const char *in, size_t len, unsigned width,
    const char *cont, struct pt_error *err)
{
	const char *p = in, *end = in + len;
	char pfx[MIME_PREFIX_MAX];

	if (width < 2)
		width = 2;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl != NULL ? nl : end;
		size_t pfxlen, pfxcols;

		if (cont != NULL) {
			pfxlen = strlen(cont);
			if (pfxlen > sizeof pfx)
				pfxlen = 0;
			memcpy(pfx, cont, pfxlen);
		} else
			pfxlen = mime_prefix(p, le, pfx);
		pfxcols = mime_range_cols(pfx, pfx + pfxlen);
		if (pfxcols * 2 > width) {
			pfxlen = 0;
			pfxcols = 0;
		}
		if (mime_wrap_line(out, p, le, width, pfx, pfxlen, pfxcols,
			err) != 0)
			return -1;
		p = nl != NULL ? nl + 1 : end;
	}
	return 0;
}
