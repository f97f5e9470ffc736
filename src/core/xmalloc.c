/*
 * xmalloc.c: allocation that never returns NULL (tmux, NeoMutt), so that
 * callers carry no out-of-memory paths; and pt_fatal for bugs.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"

void
pt_fatal(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("petrel: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *
pt_xmalloc(size_t n)
{
	void *p;

	if (n == 0)
		n = 1;
	if ((p = malloc(n)) == NULL)
		pt_fatal("out of memory (%zu bytes)", n);
	return p;
}

void *
pt_xcalloc(size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		pt_fatal("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *
pt_xreallocarray(void *old, size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		n = size = 1;
	if (n > SIZE_MAX / size)
		pt_fatal("allocation overflow (%zu x %zu bytes)", n, size);
	if ((p = realloc(old, n * size)) == NULL)
		pt_fatal("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

char *
pt_xstrdup(const char *s)
{
	return pt_xstrndup(s, strlen(s));
}

char *
pt_xstrndup(const char *s, size_t n)
{
	char *p;
	size_t len = strnlen(s, n);

	p = pt_xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
pt_xvasprintf(const char *fmt, va_list ap)
{
	va_list copy;
	char *p;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		pt_fatal("bad format string '%s'", fmt);
	p = pt_xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
pt_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = pt_xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

size_t
pt_strlcpy(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);

	if (n > 0) {
		size_t copy = len < n - 1 ? len : n - 1;

		memcpy(dst, src, copy);
		dst[copy] = '\0';
	}
	return len;
}
