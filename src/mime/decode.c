/*
 * decode.c: transfer encodings undone, tolerant of what real mail does
 * to them.  base64 skips characters outside the alphabet and restarts
 * after padding (concatenated blocks decode); quoted-printable keeps an
 * "=" that starts no valid escape and removes the transport's trailing
 * white space; uuencode reads the lines between "begin" and "end".
 * Output is collected in a small chunk and appended in blocks.  The
 * same decoders run streaming (mime_stream_*): base64 keeps its quantum
 * between calls, quoted-printable is fed whole lines, so a part of any
 * size is decoded on its way to a file with the output of a whole-buffer
 * decode.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "private.h"

struct mime_sink {
	struct pt_buf *out;
	/* Instead of out: where the chunks go (streaming). */
	int (*fn)(void *, const char *, size_t);
	void *arg;
	struct pt_error *err;
	size_t n;
	int failed;
	char chunk[4096];
};

/* The state of a base64 decode between calls. */
struct mime_b64 {
	unsigned acc;
	int bits;
	int bad;
};

/* Lines of quoted-printable kept between calls at most. */
#define MIME_QP_CARRY_MAX ((size_t)64 * 1024)

struct mime_stream {
	enum mime_cte cte;
	struct mime_sink sink;
	struct mime_b64 b64;
	struct pt_buf carry; /* an unfinished quoted-printable line */
	unsigned notes;
	struct pt_error err;
};

static void mime_sink_init(struct mime_sink *, struct pt_buf *,
    struct pt_error *);
static void mime_sink_put(struct mime_sink *, char);
static int mime_sink_end(struct mime_sink *);
static int mime_sink_flush(struct mime_sink *);
static int mime_b64_value(unsigned char);
static void mime_b64_step(struct mime_b64 *, struct mime_sink *, const char *,
    size_t);
static void mime_qp_step(struct mime_sink *, const char *, size_t, int, int *);
static int mime_stream_sink_fail(struct mime_stream *, struct pt_error *);
static int mime_uu_line(struct mime_sink *, const char *, size_t);

static void
mime_sink_init(struct mime_sink *s, struct pt_buf *out, struct pt_error *err)
{
	s->out = out;
	s->fn = NULL;
	s->arg = NULL;
	s->err = err;
	s->n = 0;
	s->failed = 0;
}

/* Hands the chunk on; after a failure the rest is dropped. */
static int
mime_sink_flush(struct mime_sink *s)
{
	if (!s->failed && s->n > 0) {
		if (s->fn != NULL) {
			if (s->fn(s->arg, s->chunk, s->n) != 0)
				s->failed = 1;
		} else if (pt_buf_add(s->out, s->chunk, s->n, s->err) != 0)
			s->failed = 1;
	}
	s->n = 0;
	return s->failed ? -1 : 0;
}

static void
mime_sink_put(struct mime_sink *s, char c)
{
	if (s->n == sizeof s->chunk)
		(void)mime_sink_flush(s);
	s->chunk[s->n++] = c;
}

static int
mime_sink_end(struct mime_sink *s)
{
	return mime_sink_flush(s);
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

static void
mime_b64_step(struct mime_b64 *b, struct mime_sink *s, const char *in,
    size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		int v = mime_b64_value(c);

		if (v >= 0) {
			b->acc = ((b->acc << 6) | (unsigned)v) & 0xFFFFFF;
			b->bits += 6;
			if (b->bits >= 8) {
				b->bits -= 8;
				mime_sink_put(s,
				    (char)((b->acc >> b->bits) & 0xFF));
			}
		} else if (c == '=') {
			/* Padding ends a quantum; a new block may follow. */
			if (b->bits == 6)
				b->bad = 1;
			b->bits = 0;
			b->acc = 0;
		} else if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			b->bad = 1;
	}
}

int
mime_decode_base64(struct pt_buf *out, const char *in, size_t len,
    unsigned *notes, struct pt_error *err)
{
	struct mime_sink s;
	struct mime_b64 b;

	memset(&b, 0, sizeof b);
	mime_sink_init(&s, out, err);
	mime_b64_step(&b, &s, in, len);
	if (b.bits == 6)
		b.bad = 1;
	if (b.bad && notes != NULL)
		*notes |= MIME_NOTE_BAD_BASE64;
	return mime_sink_end(&s);
}

/* Quoted-printable; *bad is set when an "=" starts no escape. */
static void
mime_qp_step(struct mime_sink *s, const char *in, size_t len, int header,
    int *bad)
{
	size_t i = 0, j;
	int hi, lo;

	while (i < len) {
		char c = in[i];

		if (c == '=') {
			if (i + 2 < len &&
			    (hi = mime_hex((unsigned char)in[i + 1])) >= 0 &&
			    (lo = mime_hex((unsigned char)in[i + 2])) >= 0) {
				mime_sink_put(s, (char)(hi << 4 | lo));
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
			*bad = 1;
			mime_sink_put(s, '=');
			i++;
		} else if (header && c == '_') {
			mime_sink_put(s, ' ');
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
				mime_sink_put(s, in[i]);
		} else {
			mime_sink_put(s, c);
			i++;
		}
	}
}

int
mime_decode_qp(struct pt_buf *out, const char *in, size_t len, int header,
    unsigned *notes, struct pt_error *err)
{
	struct mime_sink s;
	int bad = 0;

	mime_sink_init(&s, out, err);
	mime_qp_step(&s, in, len, header, &bad);
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

/* Streaming. */

static int
mime_stream_sink_fail(struct mime_stream *st, struct pt_error *err)
{
	if (err == NULL)
		return -1;
	if (st->err.class != PT_OK) {
		*err = st->err;
		return -1;
	}
	return pt_error_set(err, PT_E_IO, 0, "%s",
	    _("cannot write the decoded part"));
}

struct mime_stream *
mime_stream_new(const char *cte, int (*fn)(void *, const char *, size_t),
    void *arg)
{
	struct mime_stream *st = pt_xcalloc(1, sizeof *st);

	st->cte = mime_cte_parse(cte != NULL ? cte : "",
	    cte != NULL ? strlen(cte) : 0);
	if (st->cte == MIME_CTE_UU || st->cte == MIME_CTE_UNKNOWN) {
		/* Kept as they are, as mime_part_decode would show them. */
		if (st->cte == MIME_CTE_UNKNOWN)
			st->notes |= MIME_NOTE_UNKNOWN_CTE;
		st->cte = MIME_CTE_IDENTITY;
	}
	pt_error_init(&st->err);
	mime_sink_init(&st->sink, NULL, &st->err);
	st->sink.fn = fn;
	st->sink.arg = arg;
	pt_buf_init(&st->carry, MIME_QP_CARRY_MAX * 2);
	return st;
}

int
mime_stream_feed(struct mime_stream *st, const char *in, size_t len,
    struct pt_error *err)
{
	const char *nl;
	int bad = 0;

	switch (st->cte) {
	case MIME_CTE_BASE64:
		mime_b64_step(&st->b64, &st->sink, in, len);
		break;
	case MIME_CTE_QP:
		/* Whole lines only: an escape or a soft break is never cut. */
		while (len > 0) {
			size_t n;

			nl = memchr(in, '\n', len);
			n = nl != NULL ? (size_t)(nl - in) + 1 : len;
			(void)pt_buf_add(&st->carry, in, n, NULL);
			in += n;
			len -= n;
			if (nl != NULL || st->carry.len >= MIME_QP_CARRY_MAX) {
				mime_qp_step(&st->sink, st->carry.data,
				    st->carry.len, 0, &bad);
				pt_buf_reset(&st->carry);
			}
		}
		break;
	default:
		if (mime_sink_flush(&st->sink) == 0 && len > 0 &&
		    st->sink.fn(st->sink.arg, in, len) != 0)
			st->sink.failed = 1;
		break;
	}
	if (bad)
		st->notes |= MIME_NOTE_BAD_QP;
	if (st->sink.failed)
		return mime_stream_sink_fail(st, err);
	return 0;
}

int
mime_stream_end(struct mime_stream *st, unsigned *notes, struct pt_error *err)
{
	int bad = 0;

	if (st->cte == MIME_CTE_QP && st->carry.len > 0) {
		mime_qp_step(&st->sink, st->carry.data, st->carry.len, 0, &bad);
		pt_buf_reset(&st->carry);
	}
	if (st->cte == MIME_CTE_BASE64 && st->b64.bits == 6)
		st->b64.bad = 1;
	if (st->b64.bad)
		st->notes |= MIME_NOTE_BAD_BASE64;
	if (bad)
		st->notes |= MIME_NOTE_BAD_QP;
	if (notes != NULL)
		*notes |= st->notes;
	if (mime_sink_end(&st->sink) != 0)
		return mime_stream_sink_fail(st, err);
	return 0;
}

void
mime_stream_free(struct mime_stream **stp)
{
	if (stp == NULL || *stp == NULL)
		return;
	pt_buf_release(&(*stp)->carry);
	free(*stp);
	*stp = NULL;
}

/*
 * The decoded size of a base64 body of size bytes from its first bytes
 * (the line length and line end) and its last ones (the padding, and
 * whether it ends with a line end), assuming lines of one length as
 * every encoder writes them.  0 when that cannot be told.
 */
size_t
mime_base64_size(size_t size, const char *head, size_t headlen,
    const char *tail, size_t taillen)
{
	size_t line, eol, lines, chars, n;
	unsigned pad = 0;
	int ends;

	if (size == 0 || headlen == 0 || taillen == 0)
		return 0;
	ends = tail[taillen - 1] == '\n';
	n = taillen;
	while (n > 0 && (tail[n - 1] == '\r' || tail[n - 1] == '\n'))
		n--;
	while (n > 0 && tail[n - 1] == '=' && pad < 2) {
		pad++;
		n--;
	}
	for (line = 0;
	     line < headlen && head[line] != '\r' && head[line] != '\n'; line++)
		if (mime_b64_value((unsigned char)head[line]) < 0 &&
		    head[line] != '=')
			return 0;
	if (line == headlen) /* one line, no end in sight */
		return line == size && size % 4 == 0 ? size / 4 * 3 - pad : 0;
	if (line == 0)
		return 0;
	eol = head[line] == '\r' ? 2 : 1;
	/* Whole lines of line + eol bytes, the last maybe shorter. */
	lines =
	    ends ? (size + line + eol - 1) / (line + eol) : size / (line + eol);
	if (lines * eol > size)
		return 0;
	chars = size - lines * eol;
	if (chars % 4 != 0)
		return 0;
	return chars / 4 * 3 - pad;
}
