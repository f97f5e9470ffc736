/*
 * param.c: media types and their parameters (RFC 2045), with RFC 2231
 * continuations, charsets and languages.  The splitter is tolerant: a
 * missing ";", tspecials in an unquoted value, a quote never closed and
 * folding inside a value are all read the way the sender meant.  The
 * first of duplicate parameters wins.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "private.h"

/* RFC 2231 sections of one parameter considered (name*0 .. name*N). */
#define MIME_MAX_SECTIONS 256

struct mime_section {
	unsigned idx;
	int ext; /* "name*N*": charset'language'%XX */
	const struct mime_rawparam *p;
};

static int mime_is_tspecial(int);
static size_t mime_skip_cfws(const char *, size_t, size_t);
static int mime_section_cmp(const void *, const void *);
static int mime_pct_decode(struct pt_buf *, const char *, size_t,
    struct pt_error *);
static size_t mime_sections_find(const struct mime_rawparam *, size_t,
    const char *, struct mime_section *, size_t);
static void mime_sections_join(struct mime_section *, size_t, struct pt_buf *);

static int
mime_is_tspecial(int c)
{
	return c <= ' ' || c >= 0x7F || strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

/* Skips white space, line breaks and (nested) comments. */
static size_t
mime_skip_cfws(const char *v, size_t len, size_t i)
{
	unsigned depth;

	while (i < len) {
		if (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' ||
		    v[i] == '\n') {
			i++;
			continue;
		}
		if (v[i] != '(')
			break;
		for (depth = 0; i < len; i++) {
			if (v[i] == '\\' && i + 1 < len)
				i++;
			else if (v[i] == '(')
				depth++;
			else if (v[i] == ')' && --depth == 0) {
				i++;
				break;
			}
		}
	}
	return i;
}

size_t
mime_type_parse(const char *v, size_t len, char *type, size_t size)
{
	size_t i, s1, e1, s2 = 0, e2 = 0, n = 0, k;

	type[0] = '\0';
	i = s1 = mime_skip_cfws(v, len, 0);
	while (i < len && !mime_is_tspecial((unsigned char)v[i]))
		i++;
	e1 = i;
	i = mime_skip_cfws(v, len, i);
	if (i < len && v[i] == '/') {
		i = s2 = mime_skip_cfws(v, len, i + 1);
		while (i < len && !mime_is_tspecial((unsigned char)v[i]))
			i++;
		e2 = i;
		if (e2 == s2)
			return i; /* "text/" is no type */
	}
	if (e1 == s1 || (e1 - s1) + (e2 - s2) + 2 > size)
		return i;
	for (k = s1; k < e1; k++)
		type[n++] = (char)mime_lower((unsigned char)v[k]);
	if (e2 > s2) {
		type[n++] = '/';
		for (k = s2; k < e2; k++)
			type[n++] = (char)mime_lower((unsigned char)v[k]);
	}
	type[n] = '\0';
	return i;
}

size_t
mime_params_split(const char *v, size_t len, struct mime_rawparam *out,
    size_t max)
{
	size_t i = 0, n = 0, ns, ne, vs, ve;
	int quoted;

	while (i < len && n < max) {
		while (i < len && (v[i] == ';' || v[i] == ' ' || v[i] == '\t' ||
				      v[i] == '\r' || v[i] == '\n'))
			i++;
		if (i < len && v[i] == '(') {
			i = mime_skip_cfws(v, len, i);
			continue;
		}
		ns = i;
		while (i < len && v[i] != '=' && v[i] != ';' && v[i] != ' ' &&
		       v[i] != '\t' && v[i] != '\r' && v[i] != '\n')
			i++;
		ne = i;
		i = mime_skip_cfws(v, len, i);
		if (i >= len || v[i] != '=' || ne == ns) {
			/* Not a parameter: skip to the next ";". */
			while (i < len && v[i] != ';')
				i++;
			continue;
		}
		i++;
		while (i < len && (v[i] == ' ' || v[i] == '\t' ||
				      v[i] == '\r' || v[i] == '\n'))
			i++;
		quoted = i < len && v[i] == '"';
		if (quoted) {
			vs = ++i;
			while (i < len && v[i] != '"')
				i += v[i] == '\\' && i + 1 < len ? 2 : 1;
			ve = i < len ? i : len;
			/* Anything after the closing quote is noise. */
			while (i < len && v[i] != ';')
				i++;
		} else {
			vs = i;
			while (i < len && v[i] != ';')
				i++;
			ve = i;
			while (ve > vs &&
			       (v[ve - 1] == ' ' || v[ve - 1] == '\t' ||
				   v[ve - 1] == '\r' || v[ve - 1] == '\n'))
				ve--;
		}
		out[n].name = v + ns;
		out[n].namelen = ne - ns;
		out[n].value = v + vs;
		out[n].valuelen = ve - vs;
		out[n].quoted = quoted;
		n++;
	}
	return n;
}

int
mime_rawparam_value(const struct mime_rawparam *p, struct pt_buf *out,
    struct pt_error *err)
{
	size_t i, start = 0;

	for (i = 0; i < p->valuelen; i++) {
		char c = p->value[i];

		if (c != '\r' && c != '\n' && !(p->quoted && c == '\\'))
			continue;
		if (pt_buf_add(out, p->value + start, i - start, err) != 0)
			return -1;
		if (c == '\\' && i + 1 < p->valuelen)
			i++; /* the escaped byte starts the next run */
		start = c == '\\' ? i : i + 1;
	}
	return pt_buf_add(out, p->value + start, p->valuelen - start, err);
}

int
mime_param_raw(const char *v, size_t len, const char *name, struct pt_buf *out)
{
	struct mime_rawparam ps[MIME_MAX_PARAMS];
	size_t n, i;

	n = mime_params_split(v, len, ps, PT_NELEM(ps));
	for (i = 0; i < n; i++)
		if (ps[i].namelen == strlen(name) &&
		    mime_ci_eq(ps[i].name, ps[i].namelen, name))
			return mime_rawparam_value(&ps[i], out, NULL);
	return -1;
}

static int
mime_section_cmp(const void *a, const void *b)
{
	const struct mime_section *x = a, *y = b;

	if (x->idx != y->idx)
		return x->idx < y->idx ? -1 : 1;
	/* Keep the first of duplicates first. */
	return x->p < y->p ? -1 : x->p > y->p;
}

/* Appends RFC 2231 %XX-encoded bytes; a broken escape stays as it is. */
static int
mime_pct_decode(struct pt_buf *out, const char *s, size_t len,
    struct pt_error *err)
{
	size_t i;

	for (i = 0; i < len; i++) {
		int hi = -1, lo = -1;
		char c = s[i];

		if (c == '%' && i + 2 < len) {
			hi = mime_hex((unsigned char)s[i + 1]);
			lo = mime_hex((unsigned char)s[i + 2]);
		}
		if (hi >= 0 && lo >= 0) {
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (pt_buf_addch(out, c, err) != 0)
			return -1;
	}
	return 0;
}

/*
 * Finds the RFC 2231 sections of name ("name*", "name*0", "name*1*"...)
 * among ps; returns how many were stored in secs.
 */
static size_t
mime_sections_find(const struct mime_rawparam *ps, size_t n, const char *name,
    struct mime_section *secs, size_t max)
{
	size_t i, k, nsec = 0, nl = strlen(name);

	for (i = 0; i < n && nsec < max; i++) {
		const char *rest;
		size_t rl;
		unsigned idx = 0;

		if (ps[i].namelen <= nl || ps[i].name[nl] != '*' ||
		    !mime_ci_prefix(ps[i].name, ps[i].namelen, name))
			continue;
		rest = ps[i].name + nl + 1;
		rl = ps[i].namelen - nl - 1;
		for (k = 0; k < rl && k < 5 && rest[k] >= '0' && rest[k] <= '9';
		     k++)
			idx = idx * 10 + (unsigned)(rest[k] - '0');
		if (rl == 0) {
			secs[nsec].ext = 1; /* "name*" */
		} else if (k > 0 &&
			   (k == rl || (k + 1 == rl && rest[k] == '*')))
			secs[nsec].ext = k + 1 == rl;
		else
			continue;
		secs[nsec].idx = idx;
		secs[nsec++].p = &ps[i];
	}
	return nsec;
}

/* Joins sorted sections: bytes, then the charset of the first. */
static void
mime_sections_join(struct mime_section *secs, size_t nsec, struct pt_buf *out)
{
	struct pt_buf val, raw;
	char *charset = NULL;
	size_t i;

	qsort(secs, nsec, sizeof secs[0], mime_section_cmp);
	pt_buf_init(&val, 0);
	pt_buf_init(&raw, 0);
	for (i = 0; i < nsec; i++) {
		const char *rest, *q1 = NULL, *q2 = NULL;
		size_t rl;

		if (i > 0 && secs[i].idx == secs[i - 1].idx)
			continue;
		pt_buf_reset(&val);
		(void)mime_rawparam_value(secs[i].p, &val, NULL);
		rest = val.data;
		rl = val.len;
		/* The first section may start with charset'language'. */
		if (i == 0 && secs[i].ext &&
		    (q1 = memchr(rest, '\'', rl)) != NULL)
			q2 = memchr(q1 + 1, '\'', rl - (size_t)(q1 + 1 - rest));
		if (q1 != NULL && q2 != NULL) {
			charset = pt_xstrndup(rest, (size_t)(q1 - rest));
			rl -= (size_t)(q2 + 1 - rest);
			rest = q2 + 1;
		}
		if (secs[i].ext)
			(void)mime_pct_decode(&raw, rest, rl, NULL);
		else
			(void)pt_buf_add(&raw, rest, rl, NULL);
	}
	(void)mime_charset_to_utf8(out, charset, raw.data, raw.len, NULL, NULL);
	free(charset);
	pt_buf_release(&val);
	pt_buf_release(&raw);
}

char *
mime_param_decode(const char *v, size_t len, const char *name)
{
	struct mime_rawparam ps[MIME_MAX_PARAMS];
	struct mime_section secs[MIME_MAX_SECTIONS];
	struct pt_buf val, out;
	size_t n, nsec;

	n = mime_params_split(v, len, ps, PT_NELEM(ps));
	nsec = mime_sections_find(ps, n, name, secs, PT_NELEM(secs));
	pt_buf_init(&out, 0);
	if (nsec > 0)
		mime_sections_join(secs, nsec, &out);
	else {
		size_t i;

		for (i = 0; i < n; i++)
			if (mime_ci_eq(ps[i].name, ps[i].namelen, name))
				break;
		if (i == n)
			return NULL;
		pt_buf_init(&val, 0);
		(void)mime_rawparam_value(&ps[i], &val, NULL);
		(void)mime_rfc2047_append(&out, val.data, val.len, NULL);
		pt_buf_release(&val);
	}
	(void)mime_nul_replace(&out, NULL);
	return pt_buf_detach(&out, NULL);
}
