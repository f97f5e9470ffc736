/*
 * libFuzzer target: Content-Type and Content-Disposition parameters
 * with RFC 2231 continuations, charsets and languages, as used for
 * attachment names.  A name found must be valid UTF-8 without NUL.
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
	static const char *const names[] = {"filename", "name", "charset",
	    "boundary"};
	const char *in = (const char *)data;
	size_t i;
	char *s;

	for (i = 0; i < PT_NELEM(names); i++) {
		s = mime_param_decode(in, size, names[i]);
		if (s != NULL && !pt_utf8_valid(s, strlen(s)))
			abort();
		free(s);
	}
	return 0;
}
