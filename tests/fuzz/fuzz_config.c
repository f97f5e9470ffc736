/*
 * libFuzzer target: the configuration parser.  It must never crash and
 * must fail with a message naming the file, or succeed.
 */
#define _GNU_SOURCE 1 /* memfd_create */
#include "config.h"

#include <sys/mman.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct pt_error err;
	struct cfg *cfg;
	char path[64];
	int fd;

	if ((fd = memfd_create("petrel-fuzz", MFD_CLOEXEC)) < 0)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	/* A password in the input must not be refused for the file mode. */
	(void)fchmod(fd, 0600);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	pt_error_init(&err);
	cfg = cfg_load(path, &err);
	if (cfg == NULL && err.msg[0] == '\0')
		abort();
	if (cfg != NULL) {
		FILE *null = fopen("/dev/null", "w");

		if (null != NULL) {
			cfg_dump(cfg, null);
			fclose(null);
		}
	}
	cfg_free(&cfg);
	close(fd);
	return 0;
}
