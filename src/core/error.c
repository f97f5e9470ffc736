/*
 * error.c: struct pt_error, the one error type of every library layer.
 * Fixed-size buffers, so that reporting an error never allocates.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "petrel/core.h"

void
pt_error_init(struct pt_error *err)
{
	err->class = PT_OK;
	err->code = 0;
	err->msg[0] = '\0';
	err->detail[0] = '\0';
}

int
pt_error_set(struct pt_error *err, enum pt_errclass class, int code,
    const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->class = class;
	err->code = code;
	err->detail[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

void
pt_error_detail(struct pt_error *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof err->detail, fmt, ap);
	va_end(ap);
}

void
pt_error_prefix(struct pt_error *err, const char *fmt, ...)
{
	char old[sizeof err->msg];
	size_t n;
	va_list ap;

	if (err == NULL)
		return;
	memcpy(old, err->msg, sizeof old);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	/* Messages are cut at the buffer's end, by design. */
	n = strlen(err->msg);
	pt_strlcpy(err->msg + n, ": ", sizeof err->msg - n);
	n = strlen(err->msg);
	pt_strlcpy(err->msg + n, old, sizeof err->msg - n);
}

const char *pt_errclass_name(enum pt_errclass class)
{
	static const char *const names[] = {"ok", "internal", "config", "net",
	    "tls", "auth", "proto", "refused", "cancelled", "io"};

	if ((size_t) class >= PT_NELEM(names))
		return "unknown";
	return names[class];
}
