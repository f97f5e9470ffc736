/*
 * prescan.c: one pass over a message that says whether libetpan 1.9.4's
 * mailmime_parse may be given it (LIBETPAN.md section 5).  That parser
 * writes out of bounds when an unquoted boundary is a single '"' and
 * recurses once per nested multipart or message with quadratic time.
 * The scan is deliberately conservative: it looks at every Content-Type
 * field anywhere in the message (not only where a parser would), counts
 * every multipart and message type as one more level, and refuses any
 * boundary shorter than two bytes or holding a quote or backslash.
 */
#include "config.h"

#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "private.h"

static unsigned mime_prescan_field(const char *, size_t, size_t *);

/* Checks one Content-Type value; counts nesting types in *nested. */
static unsigned
mime_prescan_field(const char *v, size_t len, size_t *nested)
{
	struct mime_rawparam ps[MIME_MAX_PARAMS];
	char type[MIME_TYPE_MAX];
	size_t off, n, i, k;
	unsigned r = 0;

	off = mime_type_parse(v, len, type, sizeof type);
	if (strncmp(type, "multipart/", 10) == 0 ||
	    strncmp(type, "message/", 8) == 0)
		(*nested)++;
	n = mime_params_split(v + off, len - off, ps, PT_NELEM(ps));
	for (i = 0; i < n; i++) {
		if (!mime_ci_eq(ps[i].name, ps[i].namelen, "boundary"))
			continue;
		if (ps[i].valuelen < 2)
			r |= MIME_SCAN_BAD_BOUNDARY;
		for (k = 0; k < ps[i].valuelen; k++)
			if (ps[i].value[k] == '"' || ps[i].value[k] == '\\')
				r |= MIME_SCAN_BAD_BOUNDARY;
	}
	/* A parameter list cut at MIME_MAX_PARAMS could hide one. */
	if (n == PT_NELEM(ps))
		r |= MIME_SCAN_BAD_BOUNDARY;
	return r;
}

unsigned
mime_prescan(const char *msg, size_t len)
{
	const char *p = msg, *end = msg + len, *nl, *v, *ve, *q;
	size_t nested = 0;
	unsigned r = 0;

	if (len > MIME_MAX_SIZE)
		r |= MIME_SCAN_TOO_BIG;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		q = nl != NULL ? nl + 1 : end;
		if (!mime_ci_prefix(p, (size_t)(end - p), "content-type")) {
			p = q;
			continue;
		}
		for (v = p + 12; v < end && mime_is_wsp((unsigned char)*v); v++)
			;
		if (v == end || *v != ':') {
			p = q;
			continue;
		}
		v++;
		/* The value runs on over continuation lines. */
		ve = nl != NULL ? nl : end;
		while (q < end && mime_is_wsp((unsigned char)*q)) {
			nl = memchr(q, '\n', (size_t)(end - q));
			ve = nl != NULL ? nl : end;
			q = nl != NULL ? nl + 1 : end;
		}
		r |= mime_prescan_field(v, (size_t)(ve - v), &nested);
		p = q;
	}
	if (nested > MIME_PRESCAN_MAX_NESTED)
		r |= MIME_SCAN_TOO_DEEP;
	return r;
}
