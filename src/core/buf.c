/*
 * buf.c: byte buffers with a hard maximum (curl's dynbuf).  Anything whose
 * size the network decides goes here; reaching the cap is a PT_E_PROTO
 * error, not a crash or an unbounded allocation.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"

static char pt_buf_empty[1];

void
pt_buf_init(struct pt_buf *b, size_t max)
{
	b->data = pt_buf_empty;
	b->len = 0;
	b->cap = 0;
	b->max = max == 0 ? PT_BUF_MAX_DEFAULT : max;
}

void
pt_buf_release(struct pt_buf *b)
{
	if (b->cap > 0)
		free(b->data);
	pt_buf_init(b, b->max);
}

void
pt_buf_reset(struct pt_buf *b)
{
	b->len = 0;
	if (b->cap > 0)
		b->data[0] = '\0';
}

static int
pt_buf_grow(struct pt_buf *b, size_t extra, struct pt_error *err)
{
	size_t want, cap;

	if (extra > b->max || b->len > b->max - extra)
		return pt_error_set(err, PT_E_PROTO, 0,
		    _("data too large (more than %zu bytes)"), b->max);
	want = b->len + extra + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap < 64 ? 64 : b->cap;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	if (b->cap == 0) {
		b->data = pt_xmalloc(cap);
		b->data[0] = '\0';
	} else
		b->data = pt_xreallocarray(b->data, cap, 1);
	b->cap = cap;
	return 0;
}

int
pt_buf_add(struct pt_buf *b, const void *p, size_t n, struct pt_error *err)
{
	if (pt_buf_grow(b, n, err) != 0)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
pt_buf_addstr(struct pt_buf *b, const char *s, struct pt_error *err)
{
	return pt_buf_add(b, s, strlen(s), err);
}

int
pt_buf_addch(struct pt_buf *b, char c, struct pt_error *err)
{
	return pt_buf_add(b, &c, 1, err);
}

int
pt_buf_printf(struct pt_buf *b, struct pt_error *err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return pt_error_set(err, PT_E_INTERNAL, 0, "bad format");
	if (pt_buf_grow(b, (size_t)n, err) != 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *
pt_buf_detach(struct pt_buf *b, size_t *lenp)
{
	char *p;

	if (lenp != NULL)
		*lenp = b->len;
	if (b->cap == 0)
		p = pt_xstrdup("");
	else
		p = b->data;
	pt_buf_init(b, b->max);
	return p;
}
