/*
 * utf8.c: strict UTF-8 decoding and encoding, and display widths.
 * Overlong forms, surrogates and code points past U+10FFFF are invalid.
 */
#include "config.h"

#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "petrel/core.h"

size_t
pt_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c, min;
	size_t n, i;

	*cp = PT_UTF8_INVALID;
	if (len == 0)
		return 0;
	c = u[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		c &= 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		c &= 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 1;
	if (len < n)
		return 1;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 1;
		c = (c << 6) | (u[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 1;
	*cp = c;
	return n;
}

size_t
pt_utf8_encode(uint32_t c, char out[4])
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

int
pt_utf8_valid(const char *s, size_t len)
{
	while (len > 0) {
		uint32_t cp;
		size_t n = pt_utf8_decode(s, len, &cp);

		if (cp == PT_UTF8_INVALID || cp == 0)
			return 0;
		s += n;
		len -= n;
	}
	return 1;
}

int
pt_cp_width(uint32_t cp)
{
	int w;

	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return -1;
	w = wcwidth((wchar_t)cp);
	if (w >= 0)
		return w;
	/* Not known to the C library (or not a UTF-8 locale). */
	if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
	    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	    (cp >= 0xFFE0 && cp <= 0xFFE6) ||
	    (cp >= 0x1F300 && cp <= 0x1FAFF) ||
	    (cp >= 0x20000 && cp <= 0x3FFFD))
		return 2;
	return 1;
}

size_t
pt_utf8_width(const char *s, size_t len)
{
	size_t width = 0;

	while (len > 0) {
		uint32_t cp;
		size_t n = pt_utf8_decode(s, len, &cp);
		int w = cp == PT_UTF8_INVALID ? 1 : pt_cp_width(cp);

		if (w > 0)
			width += (size_t)w;
		s += n;
		len -= n;
	}
	return width;
}

char *
pt_utf8_fold(const char *s, size_t len)
{
	char *out = pt_xmalloc(len + 1), enc[4];
	size_t i, n, o = 0;
	uint32_t cp;

	for (i = 0; i < len; i += n) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			out[o++] =
			    c >= 'A' && c <= 'Z' ? (char)(c + 32) : (char)c;
			n = 1;
			continue;
		}
		n = pt_utf8_decode(s + i, len - i, &cp);
		if (cp != PT_UTF8_INVALID) {
			size_t m =
			    pt_utf8_encode((uint32_t)towlower((wint_t)cp), enc);

			/* A lower case that needs more bytes keeps the upper.
			 */
			if (m <= n) {
				memcpy(out + o, enc, m);
				o += m;
				continue;
			}
		}
		memcpy(out + o, s + i, n);
		o += n;
	}
	out[o] = '\0';
	return out;
}
