/*
 * skeleton.c: a message rebuilt from its IMAP structure, so that the one
 * renderer can show a message of which only some parts were fetched.
 * The caller gives the parts depth first (as BODYSTRUCTURE lists them)
 * with their real header blocks (HEADER, section.MIME, section.HEADER)
 * and the bodies it has; the skeleton is those headers, the real
 * boundaries, and the bodies, with an empty body for each part that was
 * not fetched.  Parsed, every part not fetched is marked absent and
 * carries its size from the structure, so the renderer labels it as it
 * would have, and asks (mime_render_opts.missing) for the bodies it
 * needed but did not get.  The structure is server input like any
 * other: a tree that does not hold together (depths, types, a missing
 * boundary) fails, and the caller fetches the whole message instead.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "private.h"

/* Bytes of one header block taken into the skeleton. */
#define MIME_SKEL_HEADER_MAX ((size_t)256 * 1024)

struct mime_skel {
	const struct mime_skel_part *v;
	size_t n, i;
	struct pt_buf out;
	struct pt_error *err;
};

static int mime_skel_entity(struct mime_skel *);
static int mime_skel_header(struct mime_skel *, const struct mime_skel_part *);
static int mime_skel_boundary(const struct mime_skel_part *, struct pt_buf *,
    struct pt_error *);
static int mime_skel_is_message(const char *);
static void mime_skel_mark(struct mime_part *, const struct mime_skel_part *,
    size_t);
static void mime_section_append(const struct mime_part *, struct pt_buf *);

static int
mime_skel_is_message(const char *type)
{
	return strcmp(type, "message/rfc822") == 0 ||
	       strcmp(type, "message/global") == 0 ||
	       strcmp(type, "message/news") == 0;
}

/* The header block, ending in one empty line, line ends made CRLF. */
static int
mime_skel_header(struct mime_skel *k, const struct mime_skel_part *p)
{
	size_t n = p->headerlen, i;

	if (n > MIME_SKEL_HEADER_MAX)
		return pt_error_set(k->err, PT_E_PROTO, 0,
		    _("the header of part %s is too large"), p->section);
	while (n > 0 && (p->header[n - 1] == '\n' || p->header[n - 1] == '\r'))
		n--;
	for (i = 0; i < n; i++)
		if (p->header[i] == '\n' &&
		    (i + 1 == n || p->header[i + 1] == '\n' ||
			p->header[i + 1] == '\r'))
			/* An empty line would end the header early. */
			return pt_error_set(k->err, PT_E_PROTO, 0,
			    _("the header of part %s is damaged"), p->section);
	if (pt_buf_add(&k->out, p->header, n, k->err) != 0 ||
	    (n > 0 && pt_buf_addstr(&k->out, "\r\n", k->err) != 0) ||
	    pt_buf_addstr(&k->out, "\r\n", k->err) != 0)
		return -1;
	return 0;
}

/* The boundary of a multipart, read by the parser from its header. */
static int
mime_skel_boundary(const struct mime_skel_part *p, struct pt_buf *b,
    struct pt_error *err)
{
	struct mime_msg *h;
	size_t i;
	int r = -1;

	if ((h = mime_parse(p->header, p->headerlen, err)) == NULL)
		return -1;
	if (strcmp(h->root->type, p->type) == 0 &&
	    mime_part_param_raw(h->root, "Content-Type", "boundary", b) == 0 &&
	    b->len > 0 && b->len <= 200)
		r = 0;
	for (i = 0; r == 0 && i < b->len; i++)
		if ((unsigned char)b->data[i] < 0x20)
			r = -1;
	mime_msg_free(&h);
	if (r != 0)
		return pt_error_set(err, PT_E_PROTO, 0,
		    _("the structure of part %s does not match its header"),
		    *p->section != '\0' ? p->section : "0");
	return 0;
}

/* Writes entity k->v[k->i] and its subtree; k->i moves past them. */
static int
mime_skel_entity(struct mime_skel *k)
{
	const struct mime_skel_part *p = &k->v[k->i++];
	int depth = p->depth;

	if (depth > MIME_MAX_DEPTH)
		return pt_error_set(k->err, PT_E_PROTO, 0, "%s",
		    _("the message structure is nested too deeply"));
	if (mime_skel_header(k, p) != 0)
		return -1;
	if (strncmp(p->type, "multipart/", 10) == 0) {
		struct pt_buf b;
		int nchild = 0;

		pt_buf_init(&b, 0);
		if (mime_skel_boundary(p, &b, k->err) != 0) {
			pt_buf_release(&b);
			return -1;
		}
		while (k->i < k->n && k->v[k->i].depth > depth) {
			if (k->v[k->i].depth != depth + 1 ||
			    pt_buf_printf(&k->out, k->err, "--%.*s\r\n",
				(int)b.len, b.data) != 0 ||
			    mime_skel_entity(k) != 0 ||
			    pt_buf_addstr(&k->out, "\r\n", k->err) != 0) {
				pt_buf_release(&b);
				return pt_error_set(k->err, PT_E_PROTO, 0, "%s",
				    _("the message structure is not a tree"));
			}
			nchild++;
		}
		if (pt_buf_printf(&k->out, k->err, "--%.*s--\r\n", (int)b.len,
			b.data) != 0) {
			pt_buf_release(&b);
			return -1;
		}
		pt_buf_release(&b);
		return nchild > 0 ? 0
				  : pt_error_set(k->err, PT_E_PROTO, 0, "%s",
					_("a multipart has no parts"));
	}
	if (mime_skel_is_message(p->type) && k->i < k->n &&
	    k->v[k->i].depth == depth + 1) {
		/* The enclosed message, written out unencoded. */
		if (mime_cte_parse(p->encoding, strlen(p->encoding)) !=
		    MIME_CTE_IDENTITY)
			return pt_error_set(k->err, PT_E_PROTO, 0, "%s",
			    _("an encoded message part"));
		if (mime_skel_entity(k) != 0)
			return -1;
		if (k->i < k->n && k->v[k->i].depth > depth)
			return pt_error_set(k->err, PT_E_PROTO, 0, "%s",
			    _("the message structure is not a tree"));
		return 0;
	}
	if (k->i < k->n && k->v[k->i].depth > depth)
		return pt_error_set(k->err, PT_E_PROTO, 0, "%s",
		    _("the message structure is not a tree"));
	if (p->body != NULL)
		return pt_buf_add(&k->out, p->body, p->bodylen, k->err);
	return 0;
}

/* The IMAP section of a part of the tree, appended to b. */
static void
mime_section_append(const struct mime_part *p, struct pt_buf *b)
{
	const struct mime_part *up = p->parent, *c;
	unsigned idx = 1;

	if (up == NULL) {
		if (strncmp(p->type, "multipart/", 10) != 0)
			(void)pt_buf_addch(b, '1', NULL);
		return;
	}
	if (p->flags & MIME_PART_MESSAGE) {
		/* An enclosed message: its multipart has the part's number. */
		mime_section_append(up, b);
		if (strncmp(p->type, "multipart/", 10) != 0)
			(void)pt_buf_addstr(b, ".1", NULL);
		return;
	}
	for (c = up->child; c != NULL && c != p; c = c->next)
		idx++;
	mime_section_append(up, b);
	if (b->len > 0)
		(void)pt_buf_addch(b, '.', NULL);
	(void)pt_buf_printf(b, NULL, "%u", idx);
}

char *
mime_part_section(const struct mime_part *p)
{
	struct pt_buf b;

	pt_buf_init(&b, 0);
	mime_section_append(p, &b);
	(void)pt_buf_addch(&b, '\0', NULL);
	return pt_buf_detach(&b, NULL);
}

/*
 * The size the renderer shows for a part that was not fetched: its
 * decoded size when the caller knows it, else estimated for base64 from
 * lines of 76 characters.
 */
static size_t
mime_skel_size(const struct mime_skel_part *p)
{
	size_t lines;

	if (p->decoded != 0)
		return p->decoded;
	if (mime_cte_parse(p->encoding, strlen(p->encoding)) != MIME_CTE_BASE64)
		return p->size;
	lines = (p->size + 77) / 78;
	if (p->size < lines * 2)
		return 0;
	return (p->size - lines * 2) / 4 * 3;
}

/* Marks the parts that were not fetched, and the sizes of messages. */
static void
mime_skel_mark(struct mime_part *p, const struct mime_skel_part *v, size_t n)
{
	struct mime_part *c;
	char *sec = mime_part_section(p);
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i].section, sec) != 0 ||
		    strcmp(v[i].type, p->type) != 0)
			continue;
		if (mime_skel_is_message(p->type)) {
			p->flags |= MIME_PART_SIZED;
			p->known_size = v[i].size;
		} else if (v[i].body == NULL &&
			   strncmp(p->type, "multipart/", 10) != 0) {
			p->flags |= MIME_PART_SIZED | MIME_PART_ABSENT;
			p->known_size = mime_skel_size(&v[i]);
		}
		break;
	}
	free(sec);
	for (c = p->child; c != NULL; c = c->next)
		mime_skel_mark(c, v, n);
}

struct mime_msg *
mime_skeleton_parse(const struct mime_skel_part *v, size_t n,
    struct pt_error *err)
{
	struct mime_skel k;
	struct mime_msg *m;

	if (n == 0 || n > MIME_SKEL_MAX_PARTS || v[0].depth != 0) {
		pt_error_set(err, PT_E_PROTO, 0, "%s",
		    _("the message structure is empty or too large"));
		return NULL;
	}
	memset(&k, 0, sizeof k);
	k.v = v;
	k.n = n;
	k.err = err;
	pt_buf_init(&k.out, MIME_MAX_SIZE);
	if (mime_skel_entity(&k) != 0 ||
	    (k.i != n && pt_error_set(err, PT_E_PROTO, 0, "%s",
			     _("the message structure is not a tree")) != 0)) {
		pt_buf_release(&k.out);
		return NULL;
	}
	m = mime_parse(k.out.data, k.out.len, err);
	pt_buf_release(&k.out);
	if (m == NULL)
		return NULL;
	if (m->nparts != n) {
		mime_msg_free(&m);
		pt_error_set(err, PT_E_PROTO, 0, "%s",
		    _("the message structure does not match its headers"));
		return NULL;
	}
	mime_skel_mark(m->root, v, n);
	return m;
}

int
mime_part_absent(const struct mime_part *p, size_t *sizep)
{
	if (!(p->flags & MIME_PART_SIZED))
		return 0;
	if (sizep != NULL)
		*sizep = p->known_size;
	return 1;
}

void
mime_missing_add(struct mime_missing *ms, const struct mime_part *p)
{
	char *sec;
	size_t i;

	if (ms == NULL || !(p->flags & MIME_PART_ABSENT))
		return;
	sec = mime_part_section(p);
	for (i = 0; i < ms->n; i++)
		if (strcmp(ms->v[i], sec) == 0) {
			free(sec);
			return;
		}
	ms->v = pt_xreallocarray(ms->v, ms->n + 1, sizeof *ms->v);
	ms->v[ms->n++] = sec;
}

void
mime_missing_release(struct mime_missing *ms)
{
	size_t i;

	for (i = 0; i < ms->n; i++)
		free(ms->v[i]);
	free(ms->v);
	ms->v = NULL;
	ms->n = 0;
}
