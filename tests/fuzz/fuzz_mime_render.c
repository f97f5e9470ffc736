/*
 * libFuzzer target: the pre-scan, the parser and the renderer, as
 * petrel --render runs them.  Whatever the message, the rendering must
 * be valid UTF-8 with no control byte but newline, end in a newline, and
 * the tree must respect its limits.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *msg = (const char *)data;
	struct mime_render_opts opts;
	struct mime_msg *m;
	struct pt_error warn;
	size_t len, i;
	char *s;

	memset(&opts, 0, sizeof opts);
	(void)mime_prescan(msg, size);
	if ((m = mime_parse(msg, size, NULL)) == NULL)
		abort();
	if (mime_msg_nparts(m) > MIME_MAX_PARTS)
		abort();
	mime_msg_free(&m);

	/* The first byte picks the width and the alternative preferred. */
	if (size > 0) {
		opts.width = MIME_WIDTH_MIN + data[0] % 100;
		opts.prefer_html = data[0] & 1;
	}
	pt_error_init(&warn);
	s = mime_render(msg, size, &opts, &len, &warn);
	if (s == NULL || len == 0 || s[len - 1] != '\n' ||
	    !pt_utf8_valid(s, len))
		abort();
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n') || c == 0x7F)
			abort();
		if (c == 0xC2 && i + 1 < len &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] < 0xA0)
			abort();
	}
	free(s);
	return 0;
}
