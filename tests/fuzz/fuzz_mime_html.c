/*
 * libFuzzer target: the HTML to text converter and the wrapper after
 * it.  Any markup must convert in one pass without a crash, and the
 * wrapped result must hold no line wider than the width unless one
 * character alone is wider.
 */
#include "config.h"

#include <stdlib.h>

#include "petrel/core.h"
#include "petrel/mime.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct pt_buf text, safe, out;
	size_t i, start = 0;

	pt_buf_init(&text, 0);
	pt_buf_init(&safe, 0);
	pt_buf_init(&out, 0);
	if (mime_html_to_text(&text, (const char *)data, size, 40, NULL) != 0)
		abort();
	if (pt_sanitize(&safe, text.data, text.len,
		PT_SAN_NEWLINES | PT_SAN_TABS, NULL) != 0)
		abort();
	if (mime_wrap(&out, safe.data, safe.len, 40, NULL, NULL) != 0)
		abort();
	for (i = 0; i <= out.len; i++) {
		if (i < out.len && out.data[i] != '\n')
			continue;
		/* Wide characters are two columns; the widest row is 41. */
		if (pt_utf8_width(out.data + start, i - start) > 41)
			abort();
		start = i + 1;
	}
	pt_buf_release(&text);
	pt_buf_release(&safe);
	pt_buf_release(&out);
	return 0;
}
