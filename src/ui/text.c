/*
 * text.c: measuring and cutting text by display columns, the way the
 * terminal will draw it.  Widths come from the C library's wcwidth,
 * which is also what ncursesw uses, so what is measured here is what is
 * drawn.  A code point wcwidth does not know (or, outside a UTF-8
 * locale, anything not ASCII) becomes U+FFFD or '?', so the screen and
 * the count never disagree.  Pure: no curses.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "petrel/core.h"

#include "private.h"

int ui_utf8 = 1;

static int ui_text_cp(const char *, size_t, uint32_t *, size_t *);

/* One code point ready to draw: its width (0, 1, 2) and bytes used. */
static int
ui_text_cp(const char *s, size_t len, uint32_t *cp, size_t *used)
{
	int w;

	*used = pt_utf8_decode(s, len, cp);
	if (*cp < 0x80) {
		if (*cp < 0x20 || *cp == 0x7F) {
			*cp = '?';
			return 1;
		}
		return 1;
	}
	if (!ui_utf8) {
		*cp = '?';
		return 1;
	}
	/*
	 * The last guard before the screen: bidi controls and line
	 * separators would reorder or break what is drawn.
	 */
	if (*cp == PT_UTF8_INVALID || *cp == 0x061C || *cp == 0x200E ||
	    *cp == 0x200F || (*cp >= 0x202A && *cp <= 0x202E) ||
	    (*cp >= 0x2066 && *cp <= 0x2069) || *cp == 0x2028 ||
	    *cp == 0x2029 || (*cp >= 0x80 && *cp < 0xA0)) {
		*cp = 0xFFFD;
		return 1;
	}
	w = wcwidth((wchar_t)*cp);
	if (w < 0) {
		*cp = 0xFFFD;
		return 1;
	}
	return w;
}

size_t
ui_text_width(const char *s, size_t len)
{
	size_t n, w = 0;
	uint32_t cp;

	while (len > 0) {
		w += (size_t)ui_text_cp(s, len, &cp, &n);
		s += n;
		len -= n;
	}
	return w;
}

size_t
ui_text_fit(struct pt_buf *out, const char *s, size_t len, size_t minw,
    size_t maxw, int right)
{
	struct pt_buf tmp;
	size_t n, col = 0, pad;
	uint32_t cp;
	char enc[4];
	int w, started = 0;

	pt_buf_init(&tmp, 0);
	while (len > 0) {
		w = ui_text_cp(s, len, &cp, &n);
		if (col + (size_t)w > maxw) {
			/* Half a wide character: a space instead. */
			if (w == 2 && col < maxw) {
				pt_buf_addch(&tmp, ' ', NULL);
				col++;
			}
			break;
		}
		/* A combining mark with nothing before it: skip it. */
		if (w == 0 && !started) {
			s += n;
			len -= n;
			continue;
		}
		started = 1;
		pt_buf_add(&tmp, enc, pt_utf8_encode(cp, enc), NULL);
		col += (size_t)w;
		s += n;
		len -= n;
	}
	/* Marks after the last character that fitted belong to it. */
	while (len > 0 && started) {
		w = ui_text_cp(s, len, &cp, &n);
		if (w != 0)
			break;
		pt_buf_add(&tmp, enc, pt_utf8_encode(cp, enc), NULL);
		s += n;
		len -= n;
	}
	pad = col < minw ? minw - col : 0;
	if (right)
		for (n = 0; n < pad; n++)
			pt_buf_addch(out, ' ', NULL);
	pt_buf_add(out, tmp.data, tmp.len, NULL);
	if (!right)
		for (n = 0; n < pad; n++)
			pt_buf_addch(out, ' ', NULL);
	pt_buf_release(&tmp);
	return col + pad;
}

void
ui_text_size(char *buf, size_t len, uint64_t n)
{
	if (n < 1000)
		snprintf(buf, len, "%u", (unsigned)n);
	else if (n < 10 * 1024)
		snprintf(buf, len, "%.1fK", (double)n / 1024.0);
	else if (n < 1000 * 1024)
		snprintf(buf, len, "%uK", (unsigned)((n + 512) / 1024));
	else if (n < 10 * 1024 * 1024)
		snprintf(buf, len, "%.1fM", (double)n / (1024.0 * 1024.0));
	else if (n < (uint64_t)1000 * 1024 * 1024)
		snprintf(buf, len, "%uM",
		    (unsigned)((n + 512 * 1024) / (1024 * 1024)));
	else
		snprintf(buf, len, "%.1fG",
		    (double)n / (1024.0 * 1024.0 * 1024.0));
}

size_t
ui_text_urls(const char *s, size_t len, size_t *from, size_t *to, size_t max)
{
	static const char *const schemes[] = {"https://", "http://",
	    "mailto:", "ftp://", "www."};
	size_t n = 0, i = 0, k;

	while (i < len && n < max) {
		size_t best = len, blen = 0;

		for (k = 0; k < PT_NELEM(schemes); k++) {
			size_t sl = strlen(schemes[k]), j;

			for (j = i; j + sl <= len; j++) {
				if (strncasecmp(s + j, schemes[k], sl) == 0) {
					if (j < best) {
						best = j;
						blen = sl;
					}
					break;
				}
			}
		}
		if (best == len)
			break;
		k = best + blen;
		while (k < len && s[k] != ' ' && s[k] != '>' && s[k] != '<' &&
		       s[k] != '"' && s[k] != ')' && s[k] != ']')
			k++;
		while (k > best + blen &&
		       (s[k - 1] == '.' || s[k - 1] == ',' || s[k - 1] == ';'))
			k--;
		from[n] = best;
		to[n] = k;
		n++;
		i = k > best ? k : best + 1;
	}
	return n;
}
