/*
 * parse.c: a message's header fields and part tree.  Parts are byte
 * ranges of the message's own copy; only multiparts and messages sent
 * with base64 or quoted-printable (which RFC 2045 forbids, and mail
 * does anyway) are decoded into buffers the message keeps.  Recursion
 * is bounded by MIME_MAX_DEPTH and the tree by MIME_MAX_PARTS; each
 * multipart scans only its own range for its own boundary, so the work
 * is linear in the size times the depth.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "private.h"

static struct mime_part *mime_part_new(struct mime_msg *, struct mime_part *);
static void mime_part_free(struct mime_part *);
static const char *mime_headers_parse(struct mime_msg *, struct mime_part *,
    const char *, const char *);
static void mime_part_typeset(struct mime_part *, const char *);
static void mime_entity_parse(struct mime_msg *, struct mime_part *,
    const char *, const char *, const char *);
static int mime_body_range(struct mime_msg *, struct mime_part *, const char **,
    const char **);
static void mime_multipart_parse(struct mime_msg *, struct mime_part *);
static void mime_message_parse(struct mime_msg *, struct mime_part *);
static const char *mime_delimiter(const char *, const char *, const char *,
    size_t, int *);
static int mime_field_line(const char *, const char *, size_t *, const char **);
static char *mime_field_param(const struct mime_part *, const char *,
    const char *);

int
mime_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int
mime_ci_prefix(const char *s, size_t n, const char *z)
{
	size_t i;

	for (i = 0; z[i] != '\0'; i++)
		if (i >= n || mime_lower((unsigned char)s[i]) !=
				  mime_lower((unsigned char)z[i]))
			return 0;
	return 1;
}

int
mime_ci_eq(const char *s, size_t n, const char *z)
{
	return strlen(z) == n && mime_ci_prefix(s, n, z);
}

int
mime_is_wsp(int c)
{
	return c == ' ' || c == '\t';
}

int
mime_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

enum mime_cte
mime_cte_parse(const char *v, size_t len)
{
	char t[24];
	size_t i, n = 0;

	for (i = 0; i < len && n < sizeof t - 1; i++) {
		int c = mime_lower((unsigned char)v[i]);

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			t[n++] = (char)c;
	}
	t[n] = '\0';
	if (n == 0 || strcmp(t, "7bit") == 0 || strcmp(t, "8bit") == 0 ||
	    strcmp(t, "7bits") == 0 || strcmp(t, "8bits") == 0 ||
	    strcmp(t, "binary") == 0 || strcmp(t, "7") == 0 ||
	    strcmp(t, "8") == 0)
		return MIME_CTE_IDENTITY;
	if (strncmp(t, "base64", 6) == 0)
		return MIME_CTE_BASE64;
	if (strcmp(t, "quotedprintable") == 0)
		return MIME_CTE_QP;
	if (strcmp(t, "xuue") == 0 || strcmp(t, "xuuencode") == 0 ||
	    strcmp(t, "uuencode") == 0 || strcmp(t, "uue") == 0)
		return MIME_CTE_UU;
	return MIME_CTE_UNKNOWN;
}

static struct mime_part *
mime_part_new(struct mime_msg *m, struct mime_part *parent)
{
	struct mime_part *p;

	p = pt_xcalloc(1, sizeof *p);
	p->parent = parent;
	p->depth = parent != NULL ? parent->depth + 1 : 0;
	m->nparts++;
	return p;
}

static void
mime_part_free(struct mime_part *p)
{
	struct mime_part *next;

	while (p != NULL) {
		next = p->next;
		mime_part_free(p->child);
		free(p->hdrs);
		free(p);
		p = next;
	}
}

void
mime_msg_free(struct mime_msg **mp)
{
	struct mime_msg *m = *mp;
	size_t i;

	if (m == NULL)
		return;
	mime_part_free(m->root);
	for (i = 0; i < m->nbufs; i++)
		free(m->bufs[i]);
	free(m->bufs);
	free(m->data);
	free(m);
	*mp = NULL;
}

/*
 * A field line: a name of printable bytes (8-bit allowed), optional
 * white space, a colon.  Sets where the value starts.
 */
static int
mime_field_line(const char *p, const char *le, size_t *namelen,
    const char **value)
{
	const char *q;

	for (q = p;
	     q < le && *q != ':' && (unsigned char)*q > ' ' && *q != 0x7F; q++)
		;
	*namelen = (size_t)(q - p);
	while (q < le && mime_is_wsp((unsigned char)*q))
		q++;
	if (*namelen == 0 || q == le || *q != ':')
		return 0;
	for (q++; q < le && mime_is_wsp((unsigned char)*q); q++)
		;
	*value = q;
	return 1;
}

/*
 * Reads the header block at [p, end) into part and returns where the
 * body starts: after the empty line, or at the first line that is
 * neither a field nor a continuation (so nothing is lost).  Indented
 * lines before the first field are read as fields when they are one
 * and dropped when not.
 */
static const char *
mime_headers_parse(struct mime_msg *m, struct mime_part *part, const char *p,
    const char *end)
{
	const char *next, *value, *f;
	struct mime_header *h;
	size_t len, cap = 0;
	int seen = 0, dropped = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl != NULL ? nl : end;

		next = nl != NULL ? nl + 1 : end;
		if (le > p && le[-1] == '\r')
			le--;
		if (le == p)
			return next;
		f = p;
		if (mime_is_wsp((unsigned char)*p)) {
			if (seen) {
				if (!dropped && part->nhdrs > 0) {
					h = &part->hdrs[part->nhdrs - 1];
					h->valuelen = (size_t)(le - h->value);
				}
				p = next;
				continue;
			}
			while (f < le && mime_is_wsp((unsigned char)*f))
				f++;
		}
		if (!mime_field_line(f, le, &len, &value)) {
			if (f != p) {
				p = next;
				continue;
			}
			return p;
		}
		seen = 1;
		p = next;
		if (m->nhdrs >= MIME_MAX_HEADERS) {
			dropped = 1;
			continue;
		}
		dropped = 0;
		if (part->nhdrs == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			part->hdrs = pt_xreallocarray(part->hdrs, cap,
			    sizeof *part->hdrs);
		}
		h = &part->hdrs[part->nhdrs++];
		m->nhdrs++;
		h->name = f;
		h->namelen = len;
		h->value = value;
		h->valuelen = (size_t)(le - value);
	}
	return end;
}

const struct mime_header *
mime_header_find(const struct mime_part *part, const char *name)
{
	size_t i;

	for (i = 0; i < part->nhdrs; i++)
		if (mime_ci_eq(part->hdrs[i].name, part->hdrs[i].namelen, name))
			return &part->hdrs[i];
	return NULL;
}

static void
mime_part_typeset(struct mime_part *part, const char *deftype)
{
	const struct mime_header *h;

	pt_strlcpy(part->type, deftype, sizeof part->type);
	if ((h = mime_header_find(part, "Content-Type")) != NULL) {
		char type[MIME_TYPE_MAX];

		(void)mime_type_parse(h->value, h->valuelen, type, sizeof type);
		if (strchr(type, '/') != NULL)
			pt_strlcpy(part->type, type, sizeof part->type);
	}
	part->cte = MIME_CTE_IDENTITY;
	if ((h = mime_header_find(part, "Content-Transfer-Encoding")) != NULL)
		part->cte = mime_cte_parse(h->value, h->valuelen);
}

/* Parses the entity at [p, end): header fields, then the body. */
static void
mime_entity_parse(struct mime_msg *m, struct mime_part *part, const char *p,
    const char *end, const char *deftype)
{
	if (part->flags & MIME_PART_MESSAGE) {
		if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
			p += 3;
		if (end - p >= 5 && memcmp(p, "From ", 5) == 0) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));

			p = nl != NULL ? nl + 1 : end;
		}
	}
	part->body = mime_headers_parse(m, part, p, end);
	part->bodylen = (size_t)(end - part->body);
	mime_part_typeset(part, deftype);
	if (strncmp(part->type, "multipart/", 10) == 0)
		mime_multipart_parse(m, part);
	else if (strcmp(part->type, "message/rfc822") == 0 ||
		 strcmp(part->type, "message/global") == 0 ||
		 strcmp(part->type, "message/news") == 0)
		mime_message_parse(m, part);
}

/*
 * The range a container's children live in: its body, decoded first
 * when it was (wrongly) sent base64 or quoted-printable.  Returns -1
 * when the container must not be entered.
 */
static int
mime_body_range(struct mime_msg *m, struct mime_part *part, const char **s,
    const char **e)
{
	struct pt_buf b;
	size_t n;

	if (part->depth >= MIME_MAX_DEPTH) {
		part->flags |= MIME_PART_TOO_DEEP;
		return -1;
	}
	if (m->nparts >= MIME_MAX_PARTS) {
		part->flags |= MIME_PART_CUT;
		m->truncated = 1;
		return -1;
	}
	*s = part->body;
	*e = part->body + part->bodylen;
	if (part->cte != MIME_CTE_BASE64 && part->cte != MIME_CTE_QP)
		return 0;
	pt_buf_init(&b, MIME_MAX_SIZE);
	(void)mime_part_decode(part, &b, NULL, NULL);
	m->bufs = pt_xreallocarray(m->bufs, m->nbufs + 1, sizeof *m->bufs);
	m->bufs[m->nbufs++] = pt_buf_detach(&b, &n);
	*s = m->bufs[m->nbufs - 1];
	*e = *s + n;
	return 0;
}

/*
 * Is the line at p a delimiter for boundary b?  Returns the start of the
 * next line (or end) and sets *close for "--b--".
 */
static const char *
mime_delimiter(const char *p, const char *end, const char *b, size_t blen,
    int *close)
{
	const char *q;

	if ((size_t)(end - p) < blen + 2 || p[0] != '-' || p[1] != '-' ||
	    memcmp(p + 2, b, blen) != 0)
		return NULL;
	q = p + 2 + blen;
	*close = end - q >= 2 && q[0] == '-' && q[1] == '-';
	if (*close)
		q += 2;
	while (q < end && mime_is_wsp((unsigned char)*q))
		q++;
	if (q < end && *q == '\r')
		q++;
	if (q == end)
		return end;
	return *q == '\n' ? q + 1 : NULL;
}

int
mime_part_param_raw(const struct mime_part *part, const char *field,
    const char *name, struct pt_buf *out)
{
	const struct mime_header *h;
	char type[MIME_TYPE_MAX];
	size_t off;

	if ((h = mime_header_find(part, field)) == NULL)
		return -1;
	off = mime_type_parse(h->value, h->valuelen, type, sizeof type);
	return mime_param_raw(h->value + off, h->valuelen - off, name, out);
}

static void
mime_multipart_parse(struct mime_msg *m, struct mime_part *part)
{
	struct mime_part *child = NULL, *last = NULL;
	const char *s, *e, *p, *nl, *next, *cstart = NULL, *cend, *deftype;
	struct pt_buf b;
	int close = 0;

	pt_buf_init(&b, 0);
	if (mime_part_param_raw(part, "Content-Type", "boundary", &b) != 0 ||
	    b.len == 0) {
		part->flags |= MIME_PART_NO_BOUNDARY;
		pt_buf_release(&b);
		return;
	}
	if (mime_body_range(m, part, &s, &e) != 0) {
		pt_buf_release(&b);
		return;
	}
	deftype = strcmp(part->type, "multipart/digest") == 0 ? "message/rfc822"
							      : "text/plain";
	for (p = s; p < e; p = next) {
		nl = memchr(p, '\n', (size_t)(e - p));
		if (*p != '-' || (next = mime_delimiter(p, e, b.data, b.len,
				      &close)) == NULL) {
			next = nl != NULL ? nl + 1 : e;
			continue;
		}
		if (cstart != NULL) {
			/* The line break before a delimiter belongs to it. */
			cend = p;
			if (cend > cstart && cend[-1] == '\n')
				cend--;
			if (cend > cstart && cend[-1] == '\r')
				cend--;
			mime_entity_parse(m, child, cstart, cend, deftype);
			cstart = NULL;
		}
		if (close)
			break;
		if (m->nparts >= MIME_MAX_PARTS) {
			part->flags |= MIME_PART_CUT;
			m->truncated = 1;
			break;
		}
		child = mime_part_new(m, part);
		if (last != NULL)
			last->next = child;
		else
			part->child = child;
		last = child;
		cstart = next;
	}
	if (cstart != NULL) {
		part->flags |= MIME_PART_NO_CLOSE;
		mime_entity_parse(m, child, cstart, e, deftype);
	}
	if (part->child == NULL)
		part->flags |= MIME_PART_NO_BOUNDARY;
	pt_buf_release(&b);
}

static void
mime_message_parse(struct mime_msg *m, struct mime_part *part)
{
	struct mime_part *child;
	const char *s, *e;

	if (mime_body_range(m, part, &s, &e) != 0)
		return;
	child = mime_part_new(m, part);
	child->flags |= MIME_PART_MESSAGE;
	part->child = child;
	mime_entity_parse(m, child, s, e, "text/plain");
}

struct mime_msg *
mime_parse(const char *data, size_t len, struct pt_error *err)
{
	struct mime_msg *m;

	if (len > MIME_MAX_SIZE) {
		pt_error_set(err, PT_E_PROTO, 0,
		    _("message too large (%zu bytes, the limit is %zu)"), len,
		    MIME_MAX_SIZE);
		return NULL;
	}
	m = pt_xcalloc(1, sizeof *m);
	m->data = pt_xmalloc(len + 1);
	if (len > 0)
		memcpy(m->data, data, len);
	m->data[len] = '\0';
	m->len = len;
	m->root = mime_part_new(m, NULL);
	m->root->flags |= MIME_PART_MESSAGE;
	mime_entity_parse(m, m->root, m->data, m->data + len, "text/plain");
	return m;
}

const struct mime_part *
mime_msg_root(const struct mime_msg *m)
{
	return m->root;
}

size_t
mime_msg_nparts(const struct mime_msg *m)
{
	return m->nparts;
}

int
mime_msg_truncated(const struct mime_msg *m)
{
	return m->truncated;
}

const struct mime_part *
mime_part_child(const struct mime_part *p)
{
	return p->child;
}

const struct mime_part *
mime_part_next(const struct mime_part *p)
{
	return p->next;
}

const struct mime_part *
mime_part_parent(const struct mime_part *p)
{
	return p->parent;
}

const char *
mime_part_type(const struct mime_part *p)
{
	return p->type;
}

const char *
mime_part_header(const struct mime_part *p, const char *name, size_t *lenp)
{
	const struct mime_header *h;

	if ((h = mime_header_find(p, name)) == NULL)
		return NULL;
	if (lenp != NULL)
		*lenp = h->valuelen;
	return h->value;
}

/* A decoded parameter of the field's value (after its type token). */
static char *
mime_field_param(const struct mime_part *p, const char *field, const char *name)
{
	const struct mime_header *h;
	char type[MIME_TYPE_MAX];
	size_t off;

	if ((h = mime_header_find(p, field)) == NULL)
		return NULL;
	off = mime_type_parse(h->value, h->valuelen, type, sizeof type);
	return mime_param_decode(h->value + off, h->valuelen - off, name);
}

char *
mime_part_param(const struct mime_part *p, const char *name)
{
	return mime_field_param(p, "Content-Type", name);
}

char *
mime_part_filename(const struct mime_part *p)
{
	char *name;

	name = mime_field_param(p, "Content-Disposition", "filename");
	if (name != NULL && *name == '\0') {
		free(name);
		name = NULL;
	}
	if (name == NULL)
		name = mime_field_param(p, "Content-Type", "name");
	if (name != NULL && *name == '\0') {
		free(name);
		name = NULL;
	}
	return name;
}

int
mime_part_is_attachment(const struct mime_part *p)
{
	const struct mime_header *h;
	char type[MIME_TYPE_MAX];

	if ((h = mime_header_find(p, "Content-Disposition")) == NULL)
		return 0;
	(void)mime_type_parse(h->value, h->valuelen, type, sizeof type);
	return strcmp(type, "attachment") == 0;
}

int
mime_part_decode(const struct mime_part *p, struct pt_buf *out, unsigned *notes,
    struct pt_error *err)
{
	if (p->flags & MIME_PART_ABSENT)
		return 0; /* not fetched: see mime_part_absent */
	switch (p->cte) {
	case MIME_CTE_BASE64:
		return mime_decode_base64(out, p->body, p->bodylen, notes, err);
	case MIME_CTE_QP:
		return mime_decode_qp(out, p->body, p->bodylen, 0, notes, err);
	case MIME_CTE_UU:
		return mime_decode_uu(out, p->body, p->bodylen, notes, err);
	case MIME_CTE_UNKNOWN:
		if (notes != NULL)
			*notes |= MIME_NOTE_UNKNOWN_CTE;
		break;
	case MIME_CTE_IDENTITY:
		break;
	}
	return pt_buf_add(out, p->body, p->bodylen, err);
}
