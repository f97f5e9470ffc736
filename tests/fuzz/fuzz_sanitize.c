/*
 * libFuzzer target: the terminal-safe sanitizer.  Whatever the input, the
 * output must be valid UTF-8 with no control byte but newline.
 */
#include "config.h"

#include <stdlib.h>

#include "petrel/core.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct pt_buf b;
	size_t i;

	pt_buf_init(&b, 0);
	if (pt_sanitize(&b, (const char *)data, size,
		PT_SAN_NEWLINES | PT_SAN_TABS, NULL) != 0)
		abort();
	if (!pt_utf8_valid(b.data, b.len))
		abort();
	for (i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];

		if ((c < 0x20 && c != '\n') || c == 0x7f)
			abort();
	}
	pt_buf_release(&b);
	return 0;
}
