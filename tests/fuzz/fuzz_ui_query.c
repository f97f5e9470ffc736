/*
 * libFuzzer target: the parser of query_command output (mutt's format).
 * Whatever a program prints, every candidate must have an address that
 * passes mime_addr_check, a name that is valid UTF-8 without control
 * characters, and a display form that parses back to that address
 * (what completion writes always passes the check before sending).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "src/ui/private.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct ui_addr_cands c = {0};
	size_t i, j;

	(void)ui_query_parse((const char *)data, size, &c);
	if (c.n > UI_ADDR_CANDS_MAX)
		abort();
	for (i = 0; i < c.n; i++) {
		struct mime_addrlist l = {0};
		const char *n = c.v[i].name;

		if (mime_addr_check(c.v[i].addr, NULL) != 0)
			abort();
		if (!pt_utf8_valid(n, strlen(n)) && n[0] != '\0')
			abort();
		for (j = 0; n[j] != '\0'; j++)
			if ((unsigned char)n[j] < 0x20 || n[j] == 0x7f)
				abort();
		if (mime_addrlist_parse(c.v[i].display, &l, NULL) != 0 ||
		    l.n != 1 || strcmp(l.v[0].addr, c.v[i].addr) != 0)
			abort();
		mime_addrlist_release(&l);
	}
	ui_addr_cands_release(&c);
	return 0;
}
