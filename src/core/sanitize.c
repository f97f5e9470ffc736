/*
 * sanitize.c: the one gate between text from the network and the
 * terminal.  Control characters, escape sequences, bidi overrides and
 * invalid UTF-8 come out as visible, harmless forms, so that a message
 * can never move the cursor, set the clipboard (OSC 52), fake a link
 * (OSC 8) or reorder what the reader sees.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "petrel/core.h"

static int sanitize_is_bidi(uint32_t);
static int sanitize_add_cp(struct pt_buf *, uint32_t, struct pt_error *);
static int sanitize_add_hex(struct pt_buf *, uint32_t, struct pt_error *);

#define SAN_REPLACEMENT 0xFFFDu
#define SAN_PICTURE_DEL 0x2421u
#define SAN_PICTURE_NL  0x2424u

static int
sanitize_is_bidi(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
	       cp == 0x061C || cp == 0x2028 || cp == 0x2029;
}

static int
sanitize_add_cp(struct pt_buf *out, uint32_t cp, struct pt_error *err)
{
	char enc[4];

	return pt_buf_add(out, enc, pt_utf8_encode(cp, enc), err);
}

static int
sanitize_add_hex(struct pt_buf *out, uint32_t cp, struct pt_error *err)
{
	return pt_buf_printf(out, err, "<U+%04X>", (unsigned)cp);
}

int
pt_sanitize(struct pt_buf *out, const char *in, size_t len, unsigned flags,
    struct pt_error *err)
{
	size_t col = 0;
	int r;

	while (len > 0) {
		uint32_t cp;
		size_t n = pt_utf8_decode(in, len, &cp);

		if (cp == PT_UTF8_INVALID) {
			r = sanitize_add_cp(out, SAN_REPLACEMENT, err);
			col++;
		} else if (cp == '\n') {
			if (flags & PT_SAN_NEWLINES) {
				r = pt_buf_addch(out, '\n', err);
				col = 0;
			} else {
				r = sanitize_add_cp(out, SAN_PICTURE_NL, err);
				col++;
			}
		} else if (cp == '\r' && (flags & PT_SAN_NEWLINES) && len > 1 &&
			   in[1] == '\n') {
			r = 0;
		} else if (cp == '\t') {
			if (flags & PT_SAN_TABS) {
				r = 0;
				do {
					if (r == 0)
						r = pt_buf_addch(out, ' ', err);
					col++;
				} while (col % 8 != 0);
			} else {
				r = pt_buf_addch(out, ' ', err);
				col++;
			}
		} else if (cp < 0x20) {
			r = sanitize_add_cp(out, 0x2400 + cp, err);
			col++;
		} else if (cp == 0x7F) {
			r = sanitize_add_cp(out, SAN_PICTURE_DEL, err);
			col++;
		} else if ((cp >= 0x80 && cp < 0xA0) || sanitize_is_bidi(cp)) {
			r = sanitize_add_hex(out, cp, err);
			col += 8;
		} else {
			int w = pt_cp_width(cp);

			r = pt_buf_add(out, in, n, err);
			if (w > 0)
				col += (size_t)w;
		}
		if (r != 0)
			return -1;
		in += n;
		len -= n;
	}
	return 0;
}

char *
pt_sanitize_line(const char *in, size_t len)
{
	struct pt_buf b;

	pt_buf_init(&b, 0);
	/* With the default cap only absurd input fails: cut it there. */
	(void)pt_sanitize(&b, in, len, 0, NULL);
	return pt_buf_detach(&b, NULL);
}
