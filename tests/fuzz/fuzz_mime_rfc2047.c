/*
 * libFuzzer target: RFC 2047 decoding of unstructured and address
 * fields.  The result must be valid UTF-8 without NUL, whatever the
 * encoded words, charsets and raw 8-bit bytes.
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
	const char *in = (const char *)data;
	char *s;

	s = mime_header_decode(in, size);
	if (s == NULL || !pt_utf8_valid(s, strlen(s)))
		abort();
	free(s);
	s = mime_address_decode(in, size);
	if (s == NULL || !pt_utf8_valid(s, strlen(s)))
		abort();
	free(s);
	return 0;
}
