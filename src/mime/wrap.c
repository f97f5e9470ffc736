/*
 * wrap.c: fits text to a width in terminal columns (a CJK character
 * takes two).  Lines break at spaces, between two characters when
 * either is an ideograph or kana (UAX #14 class ID: any wide character
 * but Hangul, since Korean words are kept whole and break at spaces),
 * and anywhere when one word is longer than the line.  Kinsoku: never
 * before closing punctuation, small kana or the prolonged sound mark
 * (UAX #14 CL, CP, EX, IS, NS), never after opening punctuation (OP).
 * A continuation repeats the line's quote marks and indentation (and
 * indents under a list bullet), unless that prefix would take more than
 * half the width.  After a break the rest of the row is scanned again,
 * so each byte is looked at no more often than a row has columns.
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
static int mime_hangul(uint32_t);
static int mime_no_break_before(uint32_t);
static int mime_no_break_after(uint32_t);
static int mime_break_between(uint32_t, int, uint32_t, int);
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

/* Hangul syllables and jamo: wide, but they break like letters. */
static int
mime_hangul(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x11FF) ||
	       (cp >= 0x3130 && cp <= 0x318F) ||
	       (cp >= 0xA960 && cp <= 0xA97F) || (cp >= 0xAC00 && cp <= 0xD7FF);
}

/*
 * Closing punctuation, small kana and marks that may not begin a line
 * (UAX #14 classes CL, CP, EX, IS and NS; JIS X 4051 gyoto kinsoku).
 */
static int
mime_no_break_before(uint32_t cp)
{
	static const uint32_t cl[] = {0x2019, 0x201D, 0x2025, 0x2026, 0x203C,
	    0x2047, 0x2048, 0x2049, 0x3001, 0x3002, 0x3005, 0x3009, 0x300B,
	    0x300D, 0x300F, 0x3011, 0x3015, 0x3017, 0x3019, 0x301B, 0x301C,
	    0x301E, 0x301F, 0x303B, 0x3041, 0x3043, 0x3045, 0x3047, 0x3049,
	    0x3063, 0x3083, 0x3085, 0x3087, 0x308E, 0x3095, 0x3096, 0x309B,
	    0x309C, 0x309D, 0x309E, 0x30A0, 0x30A1, 0x30A3, 0x30A5, 0x30A7,
	    0x30A9, 0x30C3, 0x30E3, 0x30E5, 0x30E7, 0x30EE, 0x30F5, 0x30F6,
	    0x30FB, 0x30FC, 0x30FD, 0x30FE, 0xFF01, 0xFF09, 0xFF0C, 0xFF0E,
	    0xFF1A, 0xFF1B, 0xFF1F, 0xFF3D, 0xFF5D, 0xFF60, 0xFF61, 0xFF63,
	    0xFF64, 0xFF65, 0xFF70, 0xFF9E, 0xFF9F};
	size_t lo = 0, hi = PT_NELEM(cl);

	if (cp < 0x80)
		return cp != 0 && strchr(")]},.!?:;%", (int)cp) != NULL;
	if (cp >= 0x31F0 && cp <= 0x31FF)
		return 1; /* small katakana for Ainu */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cl[mid] == cp)
			return 1;
		if (cl[mid] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Opening punctuation, which may not end a line (UAX #14 OP). */
static int
mime_no_break_after(uint32_t cp)
{
	static const uint32_t op[] = {0x2018, 0x201C, 0x3008, 0x300A, 0x300C,
	    0x300E, 0x3010, 0x3014, 0x3016, 0x3018, 0x301A, 0x301D, 0xFF08,
	    0xFF3B, 0xFF5B, 0xFF5F, 0xFF62};
	size_t i;

	if (cp < 0x80)
		return cp != 0 && strchr("([{", (int)cp) != NULL;
	for (i = 0; i < PT_NELEM(op); i++)
		if (op[i] == cp)
			return 1;
	return 0;
}

/*
 * 1 when a line may break between prev (w1 columns) and cp (w2), with
 * no space between them: one of them is an ideograph or kana, and
 * neither kinsoku rule forbids it.
 */
static int
mime_break_between(uint32_t prev, int w1, uint32_t cp, int w2)
{
	/* Fullwidth digits are numbers (NU): "２０２４" stays whole. */
	int id1 = w1 == 2 && !mime_hangul(prev) &&
		  !(prev >= 0xFF10 && prev <= 0xFF19);
	int id2 =
	    w2 == 2 && !mime_hangul(cp) && !(cp >= 0xFF10 && cp <= 0xFF19);

	if (!id1 && !id2)
		return 0;
	return !mime_no_break_before(cp) && !mime_no_break_after(prev);
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
	uint32_t cp, prev = 0;
	int prevw = 0;

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
			prev = 0;
			prevw = 0;
			continue;
		}
		if (w > 0 && i > row && brknext != i &&
		    mime_break_between(prev, prevw, cp, w)) {
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
			/* Scan the carried-over text again for breaks. */
			i = row;
			col = pfxcols;
			brk = brknext = NULL;
			prev = 0;
			prevw = 0;
			continue;
		}
		col += (size_t)w;
		if (w > 0) {
			prev = cp;
			prevw = w;
		}
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
