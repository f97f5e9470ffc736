/*
 * libFuzzer target: a message rebuilt from an IMAP structure the
 * server chose (mime_skeleton_parse) and rendered, and the streaming
 * decoders against the whole-buffer ones.  The input is parts separated
 * by lines "--part--"; each part is a line "DEPTH TYPE ENCODING SIZE
 * DECODED FETCHED", its header block, an empty line and its body.
 * Whatever the structure, the rendering must be as safe as
 * fuzz_mime_render's, the parts asked for must be parts of it, and a
 * streaming decode must equal the whole one.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#define FUZZ_PARTS 64

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

static int
fuzz_put(void *arg, const char *s, size_t n)
{
	return pt_buf_add(arg, s, n, NULL);
}

static void
fuzz_check_text(const char *s, size_t len)
{
	size_t i;

	if (s == NULL || len == 0 || s[len - 1] != '\n' ||
	    !pt_utf8_valid(s, len))
		abort();
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n') || c == 0x7F)
			abort();
	}
}

/* uuencode, as the parser reads the names (letters and digits only). */
static int
fuzz_is_uu(const char *cte)
{
	char t[32];
	size_t n = 0;

	for (; *cte != '\0' && n < sizeof t - 1; cte++)
		if ((*cte >= 'a' && *cte <= 'z') ||
		    (*cte >= '0' && *cte <= '9'))
			t[n++] = *cte;
		else if (*cte >= 'A' && *cte <= 'Z')
			t[n++] = (char)(*cte - 'A' + 'a');
	t[n] = '\0';
	return strcmp(t, "xuue") == 0 || strcmp(t, "xuuencode") == 0 ||
	       strcmp(t, "uuencode") == 0 || strcmp(t, "uue") == 0;
}

/*
 * Streams body in pieces of step bytes; must equal mime_part_decode's
 * output for a part with that Content-Transfer-Encoding (uuencode is
 * not streamed: skipped).
 */
static void
fuzz_stream(const char *cte, const char *body, size_t n, size_t step)
{
	struct pt_buf whole, part, msg;
	struct mime_stream *st;
	struct mime_msg *m;
	unsigned n1 = 0, n2 = 0;
	size_t i;

	pt_buf_init(&msg, 0);
	(void)pt_buf_printf(&msg, NULL, "Content-Transfer-Encoding: %s\n\n",
	    cte);
	(void)pt_buf_add(&msg, body, n, NULL);
	if ((m = mime_parse(msg.data, msg.len, NULL)) == NULL)
		abort();
	pt_buf_init(&whole, 0);
	pt_buf_init(&part, 0);
	(void)mime_part_decode(mime_msg_root(m), &whole, &n1, NULL);
	st = mime_stream_new(cte, fuzz_put, &part);
	for (i = 0; i < n; i += step)
		if (mime_stream_feed(st, body + i, n - i < step ? n - i : step,
			NULL) != 0)
			abort();
	if (mime_stream_end(st, &n2, NULL) != 0)
		abort();
	mime_stream_free(&st);
	if (!fuzz_is_uu(cte) &&
	    (part.len != whole.len || n1 != n2 ||
		(whole.len > 0 &&
		    memcmp(part.data, whole.data, whole.len) != 0)))
		abort();
	mime_msg_free(&m);
	pt_buf_release(&msg);
	pt_buf_release(&whole);
	pt_buf_release(&part);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct mime_skel_part v[FUZZ_PARTS];
	char secs[FUZZ_PARTS][16], types[FUZZ_PARTS][48], encs[FUZZ_PARTS][24];
	struct mime_missing ms = {NULL, 0};
	struct mime_render_opts o;
	struct mime_msg *m;
	char *buf = pt_xmalloc(size + 1), *p, *end;
	size_t n = 0, i, len;
	char *s;

	memcpy(buf, data, size);
	buf[size] = '\0';
	end = buf + size;
	memset(v, 0, sizeof v);
	for (p = buf; p < end && n < FUZZ_PARTS;) {
		char *next = strstr(p, "\n--part--\n"), *nl, *blank;
		unsigned long depth = 0, sz = 0, dec = 0;
		int fetched = 0;

		if (next == NULL)
			next = end;
		*next = '\0';
		nl = strchr(p, '\n');
		if (nl == NULL)
			break;
		*nl = '\0';
		if (sscanf(p, "%lu %47s %23s %lu %lu %d", &depth, types[n],
			encs[n], &sz, &dec, &fetched) != 6)
			break;
		(void)snprintf(secs[n], sizeof secs[n], "%zu", n);
		v[n].section = secs[n];
		v[n].type = types[n];
		v[n].encoding = encs[n];
		v[n].depth = (int)(depth % 40);
		v[n].size = sz;
		v[n].decoded = dec;
		v[n].header = nl + 1;
		blank = strstr(nl + 1, "\n\n");
		v[n].headerlen =
		    blank != NULL ? (size_t)(blank - (nl + 1)) : strlen(nl + 1);
		if (fetched && blank != NULL) {
			v[n].body = blank + 2;
			v[n].bodylen = strlen(blank + 2);
			fuzz_stream(encs[n], v[n].body, v[n].bodylen,
			    1 + sz % 97);
			(void)mime_base64_size(v[n].bodylen, v[n].body,
			    v[n].bodylen < 128 ? v[n].bodylen : 128, v[n].body,
			    v[n].bodylen < 8 ? v[n].bodylen : 8);
		}
		n++;
		p = next < end ? next + 10 : end;
	}
	/* Sections as IMAP numbers them are not needed to be safe. */
	memset(&o, 0, sizeof o);
	o.width = size > 0 ? MIME_WIDTH_MIN + data[0] % 100 : 0;
	o.prefer_html = size > 0 && (data[0] & 1);
	o.missing = &ms;
	if ((m = mime_skeleton_parse(v, n, NULL)) != NULL) {
		s = mime_render_msg(m, &o, &len);
		fuzz_check_text(s, len);
		free(s);
		for (i = 0; i < ms.n; i++)
			if (ms.v[i] == NULL || strlen(ms.v[i]) > 256)
				abort();
		mime_msg_free(&m);
	}
	mime_missing_release(&ms);
	free(buf);
	return 0;
}
