/*
 * flowed.c: format=flowed (RFC 3676) and text/enriched (RFC 1896).
 * Flowed lines that end in a space are joined into one line per
 * paragraph, space-stuffing is undone, quote depth is kept as "> "
 * marks, and the signature separator "-- " is never joined; the wrapper
 * then fits each paragraph to the window.  text/enriched and the older
 * text/richtext lose their formatting commands and keep their text.
 */
#include "config.h"

#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "private.h"

static int mime_flowed_end(struct pt_buf *, struct pt_buf *, size_t *,
    struct pt_error *);

/* Writes the open paragraph, if any, as one line. */
static int
mime_flowed_end(struct pt_buf *out, struct pt_buf *para, size_t *depth,
    struct pt_error *err)
{
	size_t i;

	if (*depth == (size_t)-1)
		return 0;
	for (i = 0; i < *depth; i++)
		if (pt_buf_addch(out, '>', err) != 0)
			return -1;
	if (*depth > 0 && para->len > 0 && pt_buf_addch(out, ' ', err) != 0)
		return -1;
	if (pt_buf_add(out, para->data, para->len, err) != 0 ||
	    pt_buf_addch(out, '\n', err) != 0)
		return -1;
	pt_buf_reset(para);
	*depth = (size_t)-1;
	return 0;
}

int
mime_flowed_unflow(struct pt_buf *out, const char *in, size_t len, int delsp,
    struct pt_error *err)
{
	const char *p = in, *end = in + len;
	struct pt_buf para;
	size_t q, depth = (size_t)-1;
	int r = 0;

	pt_buf_init(&para, out->max);
	while (p < end && r == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl != NULL ? nl : end;
		int flowed, sig;

		if (le > p && le[-1] == '\r')
			le--;
		for (q = 0; p + q < le && p[q] == '>'; q++)
			;
		/* A quote depth change ends a paragraph (RFC 3676 4.5). */
		if (depth != (size_t)-1 && q != depth)
			r = mime_flowed_end(out, &para, &depth, err);
		p += q;
		if (p < le && *p == ' ')
			p++; /* space-stuffing */
		/* The signature separator stands alone. */
		sig = le - p == 3 && memcmp(p, "-- ", 3) == 0;
		if (sig && r == 0)
			r = mime_flowed_end(out, &para, &depth, err);
		flowed = !sig && le > p && le[-1] == ' ';
		if (flowed && delsp)
			le--;
		depth = q;
		if (r == 0)
			r = pt_buf_add(&para, p, (size_t)(le - p), err);
		if (r == 0 && !flowed)
			r = mime_flowed_end(out, &para, &depth, err);
		p = nl != NULL ? nl + 1 : end;
	}
	if (r == 0)
		r = mime_flowed_end(out, &para, &depth, err);
	pt_buf_release(&para);
	return r;
}

int
mime_enriched_to_text(struct pt_buf *out, const char *in, size_t len,
    int richtext, struct pt_error *err)
{
	size_t i, j, k, n, nls;
	int nofill = 0, r = 0;
	char tag[16];

	for (i = 0; i < len && r == 0; i++) {
		char c = in[i];

		if (c == '<' && i + 1 < len && in[i + 1] == '<' && !richtext) {
			r = pt_buf_addch(out, '<', err);
			i++;
			continue;
		}
		if (c == '<') {
			for (j = i + 1; j < len && in[j] != '>'; j++)
				;
			/* The command's name, lower case, for a few rules. */
			for (n = 0, k = i + 1; k < j && n < sizeof tag - 1; k++)
				tag[n++] =
				    (char)mime_lower((unsigned char)in[k]);
			tag[n] = '\0';
			if (strcmp(tag, "nofill") == 0)
				nofill++;
			else if (strcmp(tag, "/nofill") == 0 && nofill > 0)
				nofill--;
			else if (richtext && (strcmp(tag, "nl") == 0 ||
						 strcmp(tag, "np") == 0))
				r = pt_buf_addch(out, '\n', err);
			else if (richtext && strcmp(tag, "lt") == 0)
				r = pt_buf_addch(out, '<', err);
			else if (strcmp(tag, "param") == 0) {
				/* Skip the parameter's text. */
				for (; j < len; j++)
					if (in[j] == '<' && j + 7 < len &&
					    mime_ci_prefix(in + j, len - j,
						"</param>")) {
						j += 7;
						break;
					}
			}
			i = j;
			continue;
		}
		if (c == '\r' && i + 1 < len && in[i + 1] == '\n')
			continue;
		if (c != '\n' || nofill) {
			r = pt_buf_addch(out, c, err);
			continue;
		}
		if (richtext) {
			/* Line breaks in richtext are only <nl>. */
			r = pt_buf_addch(out, ' ', err);
			continue;
		}
		/* n line breaks in enriched text stand for n - 1. */
		for (nls = 0, j = i;
		     j < len && (in[j] == '\n' || in[j] == '\r'); j++)
			nls += in[j] == '\n';
		i = j - 1;
		if (nls == 1)
			r = pt_buf_addch(out, ' ', err);
		while (r == 0 && --nls > 0)
			r = pt_buf_addch(out, '\n', err);
	}
	return r;
}
