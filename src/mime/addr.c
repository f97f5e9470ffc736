/*
 * addr.c: address lists as people type them ("Zoë <zoe@example.org>,
 * bob@example.org (Bob)", with ';' accepted as well as ','), checked
 * strictly before anything is sent: an address must be ASCII
 * local@domain (petrel speaks no SMTPUTF8), with a dot-atom or quoted
 * local part and a domain of letters, digits and hyphens or an address
 * literal.  Also writes address fields, folded, with encoded names.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "private.h"
#include "send.h"

static void mime_addrlist_push(struct mime_addrlist *, char *, char *);
static char *mime_name_clean(const char *, size_t);
static int mime_item_parse(struct mime_addrlist *, const char *, size_t,
    struct pt_error *);
static int mime_atext(unsigned char);

static int
mime_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') ||
	       strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

int
mime_addr_check(const char *a, struct pt_error *err)
{
	const char *at = NULL, *p, *d;
	size_t len = strlen(a), label = 0;
	int inq = 0, dot = 1;

	if (len == 0)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("an address is empty"));
	for (p = a; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("cannot send to '%s': addresses with non-ASCII "
			      "characters need SMTPUTF8, which petrel does "
			      "not support"),
			    a);
	if (len > 254)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("the address '%.40s...' is too long"), a);
	/* The local part: a dot-atom or a quoted string. */
	p = a;
	if (*p == '"') {
		for (p++; *p != '\0' && *p != '"'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if ((unsigned char)*p < 0x20 || *p == 0x7f)
				break;
		}
		if (*p != '"')
			goto bad;
		inq = 1;
		p++;
		if (*p != '@')
			goto bad;
		at = p;
	} else {
		for (; *p != '\0' && *p != '@'; p++) {
			if (*p == '.') {
				if (dot)
					goto bad;
				dot = 1;
			} else if (mime_atext((unsigned char)*p))
				dot = 0;
			else
				goto bad;
		}
		if (*p != '@' || dot)
			goto bad;
		at = p;
	}
	(void)inq;
	if (at - a > 64)
		goto bad;
	/* The domain: dot-separated labels, or [address literal]. */
	d = at + 1;
	if (*d == '[') {
		size_t n = strlen(d);

		if (n < 3 || d[n - 1] != ']')
			goto bad;
		for (p = d + 1; p < d + n - 1; p++)
			if (!((*p >= '0' && *p <= '9') || *p == '.' ||
				*p == ':' || (*p >= 'a' && *p <= 'f') ||
				(*p >= 'A' && *p <= 'F') ||
				strncmp(p, "IPv6:", 5) == 0))
				goto bad;
		return 0;
	}
	if (*d == '\0')
		goto bad;
	for (p = d; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				goto bad;
			label = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '-'))
			goto bad;
		if (label == 0 && *p == '-')
			goto bad;
		if (++label > 63)
			goto bad;
	}
	if (label == 0 || p[-1] == '-')
		goto bad;
	return 0;
bad:
	return pt_error_set(err, PT_E_CONFIG, 0,
	    _("'%s' is not a valid email address"), a);
}

static void
mime_addrlist_push(struct mime_addrlist *l, char *name, char *addr)
{
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 4 : l->cap * 2;
		l->v = pt_xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n].name = name;
	l->v[l->n].addr = addr;
	l->n++;
}

void
mime_addrlist_release(struct mime_addrlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].addr);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

int
mime_addrlist_find(const struct mime_addrlist *l, const char *addr)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i].addr, addr) == 0)
			return (int)i;
	return -1;
}

int
mime_identities(const char *name, const char *email, const char *extra,
    struct mime_addrlist *l, struct pt_error *err)
{
	if (email != NULL && *email != '\0')
		mime_addrlist_push(l,
		    name != NULL && *name != '\0' ? pt_xstrdup(name) : NULL,
		    pt_xstrdup(email));
	if (extra != NULL && mime_addrlist_parse(extra, l, err) != 0) {
		pt_error_prefix(err, "identities");
		return -1;
	}
	return 0;
}

/*
 * A display name as typed: quotes and escapes undone, runs of white
 * space made one space, encoded words decoded.  NULL when empty.
 */
static char *
mime_name_clean(const char *s, size_t len)
{
	struct pt_buf b;
	size_t i;
	int space = 0, inq = 0;

	pt_buf_init(&b, 0);
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '"') {
			inq = !inq;
			continue;
		}
		if (inq && c == '\\' && i + 1 < len) {
			if (space)
				pt_buf_addch(&b, ' ', NULL);
			pt_buf_addch(&b, s[++i], NULL);
			space = 0;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = b.len > 0;
			continue;
		}
		if (space)
			pt_buf_addch(&b, ' ', NULL);
		space = 0;
		pt_buf_addch(&b, c, NULL);
	}
	if (b.len == 0) {
		pt_buf_release(&b);
		return NULL;
	}
	if (strstr(b.data, "=?") != NULL) {
		char *r = mime_header_decode(b.data, b.len);
		pt_buf_release(&b);
		return r;
	}
	return pt_buf_detach(&b, NULL);
}

/* One item of a list: "Name <addr>", "addr", "addr (Name)". */
static int
mime_item_parse(struct mime_addrlist *l, const char *s, size_t len,
    struct pt_error *err)
{
	const char *lt = NULL, *gt = NULL, *cstart = NULL;
	struct pt_buf bare, inner, nm;
	size_t i, clen = 0;
	int inq = 0, depth = 0, rc = -1;
	char *addr = NULL, *name = NULL, *item;

	pt_buf_init(&bare, 0);
	pt_buf_init(&inner, 0);
	pt_buf_init(&nm, 0);
	for (i = 0; i < len; i++) {
		char c = s[i];
		int in_angle = lt != NULL && gt == NULL;

		if (depth > 0) {
			if (c == '\\' && i + 1 < len)
				i++;
			else if (c == '(')
				depth++;
			else if (c == ')' && --depth == 0 && clen == 0)
				clen = (size_t)(s + i - cstart);
			continue;
		}
		if (inq) {
			struct pt_buf *t = in_angle     ? &inner
					   : lt == NULL ? &nm
							: NULL;

			if (c == '\\' && i + 1 < len) {
				if (t != NULL)
					pt_buf_add(t, s + i, 2, NULL);
				i++;
				continue;
			}
			if (c == '"')
				inq = 0;
			if (t != NULL)
				pt_buf_addch(t, c, NULL);
			if (lt == NULL)
				pt_buf_addch(&bare, c, NULL);
			continue;
		}
		if (c == '"') {
			inq = 1;
			if (in_angle)
				pt_buf_addch(&inner, c, NULL);
			else if (lt == NULL) {
				pt_buf_addch(&nm, c, NULL);
				pt_buf_addch(&bare, c, NULL);
			}
			continue;
		}
		if (c == '(' && !in_angle) {
			depth = 1;
			if (cstart == NULL)
				cstart = s + i + 1;
			continue;
		}
		if (c == '<' && lt == NULL) {
			lt = s + i;
			continue;
		}
		if (c == '>' && in_angle) {
			gt = s + i;
			continue;
		}
		if (in_angle) {
			if (c != ' ' && c != '\t')
				pt_buf_addch(&inner, c, NULL);
		} else if (lt == NULL) {
			pt_buf_addch(&nm, c, NULL);
			if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
				pt_buf_addch(&bare, c, NULL);
		}
	}
	item = pt_xstrndup(s, len);
	if (inq || depth > 0 || (lt != NULL && gt == NULL) ||
	    (lt != NULL && inner.len == 0)) {
		pt_error_set(err, PT_E_CONFIG, 0,
		    _("cannot read the address '%s'"), item);
		goto out;
	}
	if (lt != NULL) {
		addr = pt_buf_detach(&inner, NULL);
		name = mime_name_clean(nm.data, nm.len);
	} else {
		addr = pt_buf_detach(&bare, NULL);
		if (clen > 0)
			name = mime_name_clean(cstart, clen);
	}
	if (addr[0] == '\0') {
		rc = 0; /* an empty item: "a, , b" */
		goto out;
	}
	if (mime_addr_check(addr, err) != 0)
		goto out;
	mime_addrlist_push(l, name, addr);
	name = addr = NULL;
	rc = 0;
out:
	free(item);
	free(addr);
	free(name);
	pt_buf_release(&bare);
	pt_buf_release(&inner);
	pt_buf_release(&nm);
	return rc;
}

int
mime_addr_skip(const char *s, size_t len, size_t *i, int *inq, int *depth)
{
	char c = s[*i];

	if (*inq) {
		if (c == '\\' && *i + 1 < len)
			(*i)++;
		else if (c == '"')
			*inq = 0;
		return 1;
	}
	if (*depth > 0) {
		if (c == '(')
			(*depth)++;
		else if (c == ')')
			(*depth)--;
		return 1;
	}
	if (c == '"')
		*inq = 1;
	else if (c == '(')
		*depth = 1;
	else
		return 0;
	return 1;
}

int
mime_addrlist_parse(const char *s, struct mime_addrlist *l,
    struct pt_error *err)
{
	size_t i, start = 0, len;
	int inq = 0, depth = 0, angle = 0;

	if (s == NULL)
		return 0;
	len = strlen(s);
	if (!pt_utf8_valid(s, len))
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("an address list is not valid UTF-8"));
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') ||
		    s[i] == 0x7f)
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("an address list contains a line break or "
			      "another control character"));
	for (i = 0; i <= len; i++) {
		char c = i < len ? s[i] : ',';

		if (mime_addr_skip(s, len, &i, &inq, &depth))
			continue;
		if (c == '<')
			angle = 1;
		else if (c == '>')
			angle = 0;
		else if ((c == ',' || c == ';') && !angle) {
			if (i == len && (inq || depth > 0))
				break;
			if (mime_item_parse(l, s + start, i - start, err) != 0)
				return -1;
			start = i + 1;
		}
	}
	if (inq || depth > 0 || angle) {
		char *item = pt_xstrdup(s + start);
		int r = pt_error_set(err, PT_E_CONFIG, 0,
		    _("cannot read the address '%s'"), item);

		free(item);
		return r;
	}
	return 0;
}

int
mime_header_addresses(struct pt_buf *out, const char *name,
    const struct mime_addrlist *l, struct pt_error *err)
{
	struct mime_fold f;
	size_t i;

	mime_fold_init(&f, out, name, err);
	for (i = 0; i < l->n; i++) {
		char *a;

		if (l->v[i].name != NULL && l->v[i].name[0] != '\0') {
			mime_fold_phrase(&f, " ", l->v[i].name);
			a = pt_xasprintf("<%s>%s", l->v[i].addr,
			    i + 1 < l->n ? "," : "");
		} else
			a = pt_xasprintf("%s%s", l->v[i].addr,
			    i + 1 < l->n ? "," : "");
		mime_fold_add(&f, " ", a, strlen(a), 0);
		free(a);
	}
	return mime_fold_end(&f);
}

char *
mime_addr_display(const struct mime_addr *a)
{
	if (a->name == NULL || a->name[0] == '\0')
		return pt_xstrdup(a->addr);
	if (strpbrk(a->name, "()<>[]:;@\\,.\"") != NULL) {
		struct pt_buf b;

		pt_buf_init(&b, 0);
		pt_buf_addch(&b, '"', NULL);
		mime_quoted_add(&b, a->name, strlen(a->name));
		pt_buf_printf(&b, NULL, "\" <%s>", a->addr);
		return pt_buf_detach(&b, NULL);
	}
	return pt_xasprintf("%s <%s>", a->name, a->addr);
}
