/*
 * decode.c: transfer encodings undone, tolerant of what real mail does
 * to them.  base64 skips characters outside the alphabet and restarts
 * after padding (concatenated blocks decode); quoted-printable keeps an
 * "=" that starts no valid escape and removes the transport's trailing
 * white space; uuencode reads the lines between "begin" and "end".
 * Output is collected in a small chunk and appended in blocks.
 */
#include "config.h"

#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "private.h"

struct mime_sink {
	struct pt_buf *out;
	struct pt_error *err;
	size_t n;
	int failed;
	char chunk[4096];
};

static void mime_sink_init(struct mime_sink *, struct pt_buf *,
    struct pt_error *);
static void mime_sink_put(struct mime_sink *, char);
static int mime_sink_end(struct mime_sink *);
static int mime_b64_value(unsigned char);
static int mime_uu_line(struct mime_sink *, const char *, size_t);

static void
mime_sink_init(struct mime_sink *s, struct pt_buf *out, struct pt_error *err)
{
	s->out = out;
	s->err = err;
	s->n = 0;
	s->failed = 0;
}

static void
mime_sink_put(struct mime_sink *s, char c)
{
	if (s->n == sizeof s->chunk) {
		if (!s->failed &&
		    pt_buf_add(s->out, s->chunk, s->n, s->err) != 0)
			s->failed = 1;
		s->n = 0;
	}
	s->chunk[s->n++] = c;
}

static int
mime_sink_end(struct mime_sink *s)
{
	if (!s->failed && pt_buf_add(s->out, s->chunk, s->n, s->err) != 0)
		s->failed = 1;
	s->n = 0;
	return s->failed ? -1 : 0;
}

static int
mime_b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
mime_decode_base64(struct pt_buf *out, const char *in, size_t len,
    unsigned *notes, struct pt_error *err)
{
	struct mime_sink s;
	unsigned acc = 0;
	int bits = 0, bad = 0;
	size_t i;

	mime_sink_init(&s, out, err);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		int v = mime_b64_value(c);

		if (v >= 0) {
			acc = ((acc << 6) | (unsigned)v) & 0xFFFFFF;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				mime_sink_put(&s, (char)((acc >> bits) & 0xFF));
			}
		} else if (c == '=') {
			/* Padding ends a quantum; a new block may follow. */
			if (bits == 6)
				bad = 1;
			bits = 0;
			acc = 0;
		} else if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			bad = 1;
	}
	if (bits == 6)
		bad = 1;
	if (bad && notes != NULL)
		*notes |= MIME_NOTE_BAD_BASE64;
	return mime_sink_end(&s);
}

int
mime_decode_qp(struct pt_buf *out, const char *in, size_t len, int header,
    unsigned *notes, struct pt_error *err)
{
	struct mime_sink s;
	size_t i = 0, j;
	int hi, lo, bad = 0;

	mime_sink_init(&s, out, err);
	while (i < len) {
		char c = in[i];

		if (c == '=') {
			if (i + 2 < len &&
			    (hi = mime_hex((unsigned char)in[i + 1])) >= 0 &&
			    (lo = mime_hex((unsigned char)in[i + 2])) >= 0) {
				mime_sink_put(&s, (char)(hi << 4 | lo));
				i += 3;
				continue;
			}
			/* A soft line break: "=", white space, newline. */
			for (j = i + 1;
			     j < len && (in[j] == ' ' || in[j] == '\t'); j++)
				;
			if (j == len) {
				i = j;
				continue;
			}
			if (in[j] == '\n') {
				i = j + 1;
				continue;
			}
			if (in[j] == '\r' &&
			    (j + 1 == len || in[j + 1] == '\n')) {
				i = j + (j + 1 == len ? 1 : 2);
				continue;
			}
			bad = 1;
			mime_sink_put(&s, '=');
			i++;
		} else if (header && c == '_') {
			mime_sink_put(&s, ' ');
			i++;
		} else if (!header && (c == ' ' || c == '\t')) {
			/* Trailing white space was added in transport. */
			for (j = i; j < len && (in[j] == ' ' || in[j] == '\t');
			     j++)
				;
			if (j == len || in[j] == '\n' ||
			    (in[j] == '\r' && j + 1 < len &&
				in[j + 1] == '\n')) {
				i = j;
				continue;
			}
			for (; i < j; i++)
				mime_sink_put(&s, in[i]);
		} else {
			mime_sink_put(&s, c);
			i++;
		}
	}
	if (bad && notes != NULL)
		*notes |= MIME_NOTE_BAD_QP;
	return mime_sink_end(&s);
}

/* Decodes one uuencoded line; returns 1 when it was the "end" line. */
static int
mime_uu_line(struct mime_sink *s, const char *p, size_t n)
{
	size_t want, got = 0, i;
	unsigned v[4];
	char b[3];
	int k;

	if (n >= 3 && memcmp(p, "end", 3) == 0)
		return 1;
	if (n == 0)
		return 0;
	want = ((unsigned char)p[0] - 0x20) & 0x3F;
	for (i = 1; got < want && i < n; i += 4) {
		for (k = 0; k < 4; k++)
			v[k] = i + (size_t)k < n
				   ? (((unsigned char)p[i + (size_t)k] - 0x20) &
					 0x3F)
				   : 0;
		b[0] = (char)((v[0] << 2 | v[1] >> 4) & 0xFF);
		b[1] = (char)((v[1] << 4 | v[2] >> 2) & 0xFF);
		b[2] = (char)((v[2] << 6 | v[3]) & 0xFF);
		for (k = 0; k < 3 && got < want; k++, got++)
			mime_sink_put(s, b[k]);
	}
	return 0;
}

int
mime_decode_uu(struct pt_buf *out, const char *in, size_t len, unsigned *notes,
    struct pt_error *err)
{
	struct mime_sink s;
	const char *p = in, *end = in + len;
	int begun = 0;

	mime_sink_init(&s, out, err);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl != NULL ? nl : end) - p);

		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (!begun) {
			if (n >= 6 && memcmp(p, "begin ", 6) == 0)
				begun = 1;
		} else if (mime_uu_line(&s, p, n))
			break;
		p = nl != NULL ? nl + 1 : end;
	}
	if (!begun) {
		/* Not uuencoded after all: show it as it is. */
		if (notes != NULL)
			*notes |= MIME_NOTE_UNKNOWN_CTE;
		return pt_buf_add(out, in, len, err);
	}
	return mime_sink_end(&s);
}
