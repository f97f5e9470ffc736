/*
 * Fetching: the UID list, message summaries and flags through
 * libetpan's per-message handler (never one result list for a whole
 * folder: LIBETPAN.md section 3 measured 6 KB per message that way),
 * bodies streamed through the body handler, and BODYSTRUCTURE.
 */
#include "config.h"

#include <libetpan/libetpan.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "petrel/core.h"
#include "petrel/imap.h"
#include "petrel/mime.h"
#include "petrel/store.h"

#include "ext.h"
#include "private.h"

static int imap_uid_cmp(const void *, const void *);
static struct mailimap_fetch_type *imap_summary_type(struct imap_session *);
static int imap_fetch_finish(struct imap_session *, struct imap_ext_fetch *,
    int, clist *, const char *, struct pt_error *);
static bool imap_body_cb(int, struct mailimap_msg_att_body_section *,
    const char *, size_t, void *);
static int imap_body_msg(void *, const struct imap_msg *);
struct imap_parts;

static struct mailimap_section_part *imap_section_part(const char *);
static struct mailimap_section *imap_section_new(const char *, const char *);
static char *imap_section_name(const struct mailimap_section *);
static int imap_structure_extras(struct imap_session *, uint32_t,
    struct imap_parts *, struct pt_error *);
static void imap_structure_take(struct imap_parts *, const char *, int,
    const struct mailimap_msg_att_body_section *);
static int imap_structure_probe(struct imap_parts *, const char *,
    const struct mailimap_msg_att_body_section *);
static clist *imap_fetch_one(struct imap_session *, uint32_t,
    struct mailimap_fetch_type *, const char *, struct pt_error *);
static int imap_part_prefetch(const struct imap_part *);

static int
imap_uid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Turns a libetpan list of uint32_t * into a sorted array; frees it. */
static void
imap_uid_list_take(clist *l, uint32_t **uidsp, size_t *np)
{
	clistiter *it;
	uint32_t *v;
	size_t n = 0;

	v = pt_xreallocarray(NULL, (size_t)clist_count(l) + 1, sizeof *v);
	for (it = clist_begin(l); it != NULL; it = clist_next(it))
		v[n++] = *(uint32_t *)clist_content(it);
	mailimap_search_result_free(l);
	if (n > 1)
		qsort(v, n, sizeof *v, imap_uid_cmp);
	*uidsp = v;
	*np = n;
}

int
imap_uid_all(struct imap_session *s, uint32_t **uidsp, size_t *np,
    struct pt_error *err)
{
	struct mailimap_search_key *key;
	clist *l = NULL;
	int r;

	*uidsp = NULL;
	*np = 0;
	key = mailimap_search_key_new_all();
	if (key == NULL)
		pt_fatal("out of memory");
	imap_ext_begin(s);
	r = mailimap_uid_search(s->imap, NULL, key, &l);
	mailimap_search_key_free(key);
	if (imap_ext_end(s, r, _("listing the messages"), err) == -1)
		return -1;
	imap_uid_list_take(l, uidsp, np);
	return 0;
}

int
imap_search_header(struct imap_session *s, const char *field, const char *value,
    uint32_t **uidsp, size_t *np, struct pt_error *err)
{
	struct mailimap_search_key *key;
	clist *l = NULL;
	int r;

	*uidsp = NULL;
	*np = 0;
	if (!imap_ext_clean(field) || !imap_ext_clean(value))
		return imap_ext_unclean(err, _("a header to search for"));
	key = mailimap_search_key_new_header(pt_xstrdup(field),
	    pt_xstrdup(value));
	if (key == NULL)
		pt_fatal("out of memory");
	imap_ext_begin(s);
	r = mailimap_uid_search(s->imap, NULL, key, &l);
	mailimap_search_key_free(key);
	if (imap_ext_end(s, r, _("searching"), err) == -1)
		return -1;
	imap_uid_list_take(l, uidsp, np);
	return 0;
}

static struct mailimap_fetch_type *
imap_summary_type(struct imap_session *s)
{
	struct mailimap_fetch_type *ft;
	clist *names;
	size_t i;

	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	names = clist_new();
	if (ft == NULL || names == NULL)
		pt_fatal("out of memory");
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_flags());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_internaldate());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_rfc822_size());
	if (imap_session_features(s) & IMAP_CAP_CONDSTORE)
		mailimap_fetch_type_new_fetch_att_list_add(ft,
		    mailimap_fetch_att_new_modseq());
	for (i = 0; imap_summary_fields[i] != NULL; i++)
		clist_append(names, pt_xstrdup(imap_summary_fields[i]));
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_body_peek_section(
		mailimap_section_new_header_fields(
		    mailimap_header_list_new(names))));
	return ft;
}

/*
 * After a FETCH begun with imap_ext_fetch_begin that returned r and res:
 * ends it, frees res, and maps a failure of the step `what`, or a stop
 * by the consumer (cancelled: the session is then broken).
 */
static int
imap_fetch_finish(struct imap_session *s, struct imap_ext_fetch *f, int r,
    clist *res, const char *what, struct pt_error *err)
{
	int stop;

	stop = imap_ext_fetch_end(s, f);
	if (r != MAILIMAP_NO_ERROR)
		return imap_ext_fail(s, r, what, err);
	if (res != NULL)
		mailimap_fetch_list_free(res);
	if (stop) {
		s->broken = 1;
		return pt_error_set(err, PT_E_CANCELLED, 0, _("cancelled"));
	}
	return 0;
}

int
imap_fetch_summaries(struct imap_session *s, const struct imap_uidset *us,
    int byseq, imap_msg_fn fn, void *arg, struct pt_error *err)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_set *set;
	struct imap_ext_fetch f;
	clist *res = NULL;
	int r;

	set = imap_ext_set(us);
	if (set == NULL)
		return 0;
	ft = imap_summary_type(s);
	imap_ext_fetch_begin(s, &f, fn, arg);
	imap_budget_set(s, IMAP_BUDGET_HEADERS);
	if (byseq)
		r = mailimap_fetch(s->imap, set, ft, &res);
	else
		r = mailimap_uid_fetch(s->imap, set, ft, &res);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	return imap_fetch_finish(s, &f, r, res, _("reading the message list"),
	    err);
}

int
imap_fetch_flags(struct imap_session *s, const struct imap_uidset *us,
    uint64_t changedsince, imap_msg_fn fn, void *arg, struct pt_error *err)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_set *set;
	struct imap_ext_fetch f;
	struct mailimap_qresync_vanished *van = NULL;
	unsigned feat = imap_session_features(s);
	clist *res = NULL;
	int r;

	set = imap_ext_set(us);
	if (set == NULL)
		return 0;
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	if (ft == NULL)
		pt_fatal("out of memory");
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_flags());
	if (feat & IMAP_CAP_CONDSTORE)
		mailimap_fetch_type_new_fetch_att_list_add(ft,
		    mailimap_fetch_att_new_modseq());
	imap_ext_fetch_begin(s, &f, fn, arg);
	if (changedsince > 0 && (feat & IMAP_CAP_QRESYNC))
		r = mailimap_uid_fetch_qresync(s->imap, set, ft, changedsince,
		    &res, &van);
	else if (changedsince > 0 && (feat & IMAP_CAP_CONDSTORE))
		r = mailimap_uid_fetch_changedsince(s->imap, set, ft,
		    changedsince, &res);
	else
		r = mailimap_uid_fetch(s->imap, set, ft, &res);
	if (r == MAILIMAP_NO_ERROR && van != NULL && f.u != NULL) {
		/* libetpan took the first VANISHED out of the response. */
		struct imap_updates *u = f.u;
		clistiter *it;

		for (it = clist_begin(van->qr_known_uids->set_list); it != NULL;
		     it = clist_next(it)) {
			struct mailimap_set_item *si = clist_content(it);
			uint32_t a = si->set_first, b = si->set_last, x;

			if (a == 0 || b == 0 || b < a || b - a > 10000000u)
				continue;
			for (x = a;; x++) {
				if (u->nvanished == u->capvanished) {
					u->capvanished =
					    u->capvanished ? 2 * u->capvanished
							   : 64;
					u->vanished =
					    pt_xreallocarray(u->vanished,
						u->capvanished,
						sizeof *u->vanished);
				}
				u->vanished[u->nvanished++] = x;
				if (x == b)
					break;
			}
		}
	}
	if (van != NULL)
		mailimap_qresync_vanished_free(van);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	return imap_fetch_finish(s, &f, r, res, _("reading the message flags"),
	    err);
}

/* Bodies. */

struct imap_body_ctx {
	imap_data_fn fn;
	void *arg;
	uint32_t uid;
	int found;
	int failed;
};

static bool
imap_body_cb(int type, struct mailimap_msg_att_body_section *sec,
    const char *bytes, size_t len, void *ctx)
{
	struct imap_body_ctx *b = ctx;

	(void)type;
	(void)sec;
	if (b->failed)
		return false;
	b->found = 1;
	if (len > 0 && b->fn(b->arg, bytes, len) == -1) {
		b->failed = 1;
		return false;
	}
	return true;
}

/* Marks the message as found when its FETCH response (with UID) came. */
static int
imap_body_msg(void *arg, const struct imap_msg *m)
{
	struct imap_body_ctx *b = arg;

	if (m->uid == b->uid && m->header != NULL)
		b->found = 1;
	return 0;
}

/* "1.2" as a section part, or NULL when it is not one. */
static struct mailimap_section_part *
imap_section_part(const char *part)
{
	clist *ids = clist_new();
	struct mailimap_section_part *sp;
	const char *p = part;

	if (ids == NULL)
		pt_fatal("out of memory");
	while (*p != '\0') {
		char *end;
		unsigned long v = strtoul(p, &end, 10);
		uint32_t *x;

		if (end == p || v == 0 || v > 100000 ||
		    (*end != '.' && *end != '\0') ||
		    (*end == '.' && end[1] == '\0')) {
			clistiter *it;

			for (it = clist_begin(ids); it != NULL;
			     it = clist_next(it))
				free(clist_content(it));
			clist_free(ids);
			return NULL;
		}
		x = pt_xmalloc(sizeof *x);
		*x = (uint32_t)v;
		clist_append(ids, x);
		p = *end == '.' ? end + 1 : end;
	}
	if (clist_count(ids) == 0) {
		clist_free(ids);
		return NULL;
	}
	if ((sp = mailimap_section_part_new(ids)) == NULL)
		pt_fatal("out of memory");
	return sp;
}

int
imap_fetch_body(struct imap_session *s, uint32_t uid, const char *part,
    imap_data_fn fn, void *arg, int *found, struct pt_error *err)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_section *sec;
	struct mailimap_set *set;
	struct imap_ext_fetch f;
	struct imap_body_ctx b;
	clist *res = NULL;
	int r, stop;

	*found = 0;
	memset(&b, 0, sizeof b);
	b.fn = fn;
	b.arg = arg;
	b.uid = uid;
	if (part != NULL && *part != '\0') {
		struct mailimap_section_part *sp = imap_section_part(part);

		if (sp == NULL)
			return pt_error_set(err, PT_E_INTERNAL, 0,
			    _("bad part number '%s'"), part);
		sec = mailimap_section_new_part(sp);
	} else
		sec = mailimap_section_new(NULL);
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	if (ft == NULL || sec == NULL)
		pt_fatal("out of memory");
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_body_peek_section(sec));
	set = mailimap_set_new_single(uid);
	imap_ext_fetch_begin(s, &f, imap_body_msg, &b);
	imap_budget_set(s, 0); /* streamed: fn caps what it keeps */
	mailimap_set_msg_body_handler(s->imap, imap_body_cb, &b);
	r = mailimap_uid_fetch(s->imap, set, ft, &res);
	mailimap_set_msg_body_handler(s->imap, NULL, NULL);
	stop = imap_ext_fetch_end(s, &f);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (b.failed) {
		s->broken = 1; /* the rest of the literal was not read */
		if (r == MAILIMAP_NO_ERROR && res != NULL)
			mailimap_fetch_list_free(res);
		return pt_error_set(err, PT_E_IO, 0,
		    _("cannot store the message"));
	}
	if (r != MAILIMAP_NO_ERROR)
		return imap_ext_fail(s, r, _("reading the message"), err);
	if (res != NULL)
		mailimap_fetch_list_free(res);
	(void)stop;
	*found = b.found;
	return 0;
}

/* BODYSTRUCTURE. */

struct imap_parts {
	struct imap_part *v;
	size_t n, cap;
};

static char *
imap_lower(const char *s)
{
	char *d = pt_xstrdup(s != NULL ? s : "");
	char *p;

	for (p = d; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

static const char *
imap_param(struct mailimap_body_fld_param *prm, const char *name)
{
	clistiter *it;

	if (prm == NULL || prm->pa_list == NULL)
		return NULL;
	for (it = clist_begin(prm->pa_list); it != NULL; it = clist_next(it)) {
		struct mailimap_single_body_fld_param *p = clist_content(it);

		if (p->pa_name != NULL && strcasecmp(p->pa_name, name) == 0)
			return p->pa_value;
	}
	return NULL;
}

static void imap_parts_walk(struct imap_parts *, struct mailimap_body *,
    const char *, int, int);

static void
imap_parts_add_1part(struct imap_parts *ps, struct mailimap_body_type_1part *b,
    const char *section, int depth)
{
	struct mailimap_body_fields *bf = NULL;
	struct mailimap_body_ext_1part *ext = b->bd_ext_1part;
	struct imap_part *p;
	const char *type = "application", *sub = "octet-stream", *fn = NULL;
	const char *enc = "7bit";

	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 8;
		ps->v = pt_xreallocarray(ps->v, ps->cap, sizeof *ps->v);
	}
	p = &ps->v[ps->n++];
	memset(p, 0, sizeof *p);
	switch (b->bd_type) {
	case MAILIMAP_BODY_TYPE_1PART_BASIC:
		bf = b->bd_data.bd_type_basic->bd_fields;
		if (b->bd_data.bd_type_basic->bd_media_basic != NULL) {
			struct mailimap_media_basic *mb =
			    b->bd_data.bd_type_basic->bd_media_basic;

			sub = mb->med_subtype;
			switch (mb->med_type) {
			case MAILIMAP_MEDIA_BASIC_APPLICATION:
				type = "application";
				break;
			case MAILIMAP_MEDIA_BASIC_AUDIO:
				type = "audio";
				break;
			case MAILIMAP_MEDIA_BASIC_IMAGE:
				type = "image";
				break;
			case MAILIMAP_MEDIA_BASIC_MESSAGE:
				type = "message";
				break;
			case MAILIMAP_MEDIA_BASIC_VIDEO:
				type = "video";
				break;
			default:
				type = mb->med_basic_type != NULL
					   ? mb->med_basic_type
					   : "application";
				break;
			}
		}
		break;
	case MAILIMAP_BODY_TYPE_1PART_MSG:
		bf = b->bd_data.bd_type_msg->bd_fields;
		type = "message";
		sub = "rfc822";
		break;
	case MAILIMAP_BODY_TYPE_1PART_TEXT:
		bf = b->bd_data.bd_type_text->bd_fields;
		type = "text";
		sub = b->bd_data.bd_type_text->bd_media_text;
		break;
	default:
		break;
	}
	{
		char *t = pt_xasprintf("%s/%s", type, sub != NULL ? sub : "");

		p->type = imap_lower(t);
		free(t);
	}
	p->section = pt_xstrdup(section);
	p->depth = depth;
	if (bf != NULL) {
		const char *cs = imap_param(bf->bd_parameter, "charset");

		p->charset = cs != NULL ? imap_lower(cs) : NULL;
		fn = imap_param(bf->bd_parameter, "name");
		p->size = bf->bd_size;
		if (bf->bd_encoding != NULL) {
			switch (bf->bd_encoding->enc_type) {
			case MAILIMAP_BODY_FLD_ENC_7BIT:
				enc = "7bit";
				break;
			case MAILIMAP_BODY_FLD_ENC_8BIT:
				enc = "8bit";
				break;
			case MAILIMAP_BODY_FLD_ENC_BINARY:
				enc = "binary";
				break;
			case MAILIMAP_BODY_FLD_ENC_BASE64:
				enc = "base64";
				break;
			case MAILIMAP_BODY_FLD_ENC_QUOTED_PRINTABLE:
				enc = "quoted-printable";
				break;
			default:
				enc = bf->bd_encoding->enc_value != NULL
					  ? bf->bd_encoding->enc_value
					  : "7bit";
				break;
			}
		}
	}
	p->encoding = imap_lower(enc);
	if (ext != NULL && ext->bd_disposition != NULL) {
		struct mailimap_body_fld_dsp *d = ext->bd_disposition;
		const char *f2 = imap_param(d->dsp_attributes, "filename");

		if (d->dsp_type != NULL &&
		    strcasecmp(d->dsp_type, "attachment") == 0)
			p->attachment = 1;
		if (f2 != NULL)
			fn = f2;
	}
	if (fn != NULL) {
		char *dec = mime_header_decode(fn, strlen(fn));

		p->filename = pt_sanitize_line(dec, strlen(dec));
		free(dec);
	}
	/* The enclosed message follows (p may move: copy the section). */
	if (b->bd_type == MAILIMAP_BODY_TYPE_1PART_MSG &&
	    b->bd_data.bd_type_msg->bd_body != NULL) {
		char *sec = pt_xstrdup(section);

		imap_parts_walk(ps, b->bd_data.bd_type_msg->bd_body, sec,
		    depth + 1, 1);
		free(sec);
	}
}

static void
imap_parts_walk(struct imap_parts *ps, struct mailimap_body *b,
    const char *prefix, int depth, int msgroot)
{
	size_t first = ps->n;

	if (b == NULL || depth > MIME_MAX_DEPTH || ps->n > MIME_MAX_PARTS)
		return;
	if (b->bd_type == MAILIMAP_BODY_1PART) {
		char *sec = msgroot
				? pt_xasprintf("%s.1", prefix)
				: pt_xstrdup(*prefix != '\0' ? prefix : "1");

		imap_parts_add_1part(ps, b->bd_data.bd_body_1part, sec, depth);
		free(sec);
		ps->v[first].msgroot = msgroot;
		return;
	}
	{
		struct imap_part *p;
		struct mailimap_body_type_mpart *mp = b->bd_data.bd_body_mpart;
		clistiter *it;
		char *t;
		int i = 1;

		if (ps->n == ps->cap) {
			ps->cap = ps->cap ? ps->cap * 2 : 8;
			ps->v = pt_xreallocarray(ps->v, ps->cap, sizeof *ps->v);
		}
		p = &ps->v[ps->n++];
		memset(p, 0, sizeof *p);
		t = pt_xasprintf("multipart/%s",
		    mp->bd_media_subtype != NULL ? mp->bd_media_subtype : "");
		p->type = imap_lower(t);
		free(t);
		p->section = pt_xstrdup(*prefix != '\0' ? prefix : "");
		p->encoding = pt_xstrdup("7bit");
		p->depth = depth;
		p->msgroot = msgroot;
		for (it = clist_begin(mp->bd_list); it != NULL;
		     it = clist_next(it), i++) {
			char *sec = *prefix != '\0'
					? pt_xasprintf("%s.%d", prefix, i)
					: pt_xasprintf("%d", i);

			imap_parts_walk(ps, clist_content(it), sec, depth + 1,
			    0);
			free(sec);
		}
	}
}

/* BODY[part] or BODY[part.text] ("MIME", "HEADER"); part "": the message. */
static struct mailimap_section *
imap_section_new(const char *part, const char *text)
{
	struct mailimap_section_part *sp;
	struct mailimap_section *sec;

	if (*part == '\0')
		sec = text != NULL ? mailimap_section_new_header()
				   : mailimap_section_new(NULL);
	else if ((sp = imap_section_part(part)) == NULL)
		return NULL;
	else if (text == NULL)
		sec = mailimap_section_new_part(sp);
	else if (strcmp(text, "MIME") == 0)
		sec = mailimap_section_new_part_mime(sp);
	else
		sec = mailimap_section_new_part_header(sp);
	if (sec == NULL)
		pt_fatal("out of memory");
	return sec;
}

/* "HEADER", "1.2", "1.2.MIME", "3.HEADER" for a response's section. */
static char *
imap_section_name(const struct mailimap_section *sec)
{
	const struct mailimap_section_spec *sp = sec->sec_spec;
	struct pt_buf b;

	if (sp == NULL)
		return pt_xstrdup("");
	if (sp->sec_type == MAILIMAP_SECTION_SPEC_SECTION_MSGTEXT) {
		if (sp->sec_data.sec_msgtext != NULL &&
		    sp->sec_data.sec_msgtext->sec_type ==
			MAILIMAP_SECTION_MSGTEXT_HEADER)
			return pt_xstrdup("HEADER");
		return pt_xstrdup("?");
	}
	pt_buf_init(&b, 1024);
	if (sp->sec_data.sec_part != NULL) {
		clistiter *it;

		for (it = clist_begin(sp->sec_data.sec_part->sec_id);
		     it != NULL; it = clist_next(it))
			(void)pt_buf_printf(&b, NULL, "%s%u",
			    b.len > 0 ? "." : "",
			    *(uint32_t *)clist_content(it));
	}
	if (sp->sec_text != NULL) {
		if (sp->sec_text->sec_type == MAILIMAP_SECTION_TEXT_MIME)
			(void)pt_buf_addstr(&b, ".MIME", NULL);
		else if (sp->sec_text->sec_msgtext != NULL &&
			 sp->sec_text->sec_msgtext->sec_type ==
			     MAILIMAP_SECTION_MSGTEXT_HEADER)
			(void)pt_buf_addstr(&b, ".HEADER", NULL);
		else
			(void)pt_buf_addstr(&b, ".?", NULL);
	}
	(void)pt_buf_addch(&b, '\0', NULL);
	return pt_buf_detach(&b, NULL);
}

/* The name under which the skeleton wants part i's header. */
static char *
imap_part_header_name(const struct imap_parts *ps, size_t i)
{
	const struct imap_part *p = &ps->v[i];

	if (i == 0)
		return pt_xstrdup("HEADER");
	if (p->msgroot) {
		/* The enclosed message's header: its message part's. */
		size_t len = strlen(p->section);

		if (strncmp(p->type, "multipart/", 10) != 0 && len > 2)
			len -= 2; /* "3.1" is message "3" */
		return pt_xasprintf("%.*s.HEADER", (int)len, p->section);
	}
	return pt_xasprintf("%s.MIME", p->section);
}

/* Keeps a header or body the server sent for the structure. */
static void
imap_structure_take(struct imap_parts *ps, const char *name, int is_header,
    const struct mailimap_msg_att_body_section *bs)
{
	size_t i;

	for (i = 0; i < ps->n; i++) {
		struct imap_part *p = &ps->v[i];
		int match;

		if (is_header) {
			char *want;

			if (p->header != NULL)
				continue;
			want = imap_part_header_name(ps, i);
			match = strcmp(want, name) == 0;
			free(want);
		} else
			match = p->body == NULL &&
				strncmp(p->type, "multipart/", 10) != 0 &&
				strcmp(p->section, name) == 0;
		if (!match)
			continue;
		if (is_header) {
			p->header = pt_xmalloc(bs->sec_length + 1);
			memcpy(p->header, bs->sec_body_part, bs->sec_length);
			p->header[bs->sec_length] = '\0';
			p->headerlen = bs->sec_length;
		} else {
			p->body = pt_xmalloc(bs->sec_length + 1);
			memcpy(p->body, bs->sec_body_part, bs->sec_length);
			p->body[bs->sec_length] = '\0';
			p->bodylen = bs->sec_length;
		}
		/* A message part and its enclosed message share a name. */
		if (!is_header || !p->msgroot)
			return;
	}
}

/* 1 when the response is one of the probes asked for, and kept. */
static int
imap_structure_probe(struct imap_parts *ps, const char *name,
    const struct mailimap_msg_att_body_section *bs)
{
	size_t i;

	for (i = 0; i < ps->n; i++) {
		struct imap_part *p = &ps->v[i];
		char **dst;
		size_t *lenp, max;

		if (!p->probe || strcmp(p->section, name) != 0)
			continue;
		if (bs->sec_origin_octet == 0 &&
		    (p->size > IMAP_PROBE_TAIL || p->head == NULL)) {
			dst = &p->head;
			lenp = &p->headlen;
			max = IMAP_PROBE_HEAD;
		} else {
			dst = &p->tail;
			lenp = &p->taillen;
			max = IMAP_PROBE_TAIL;
		}
		if (*dst != NULL || bs->sec_length > max)
			return 1;
		*dst = pt_xmalloc(bs->sec_length + 1);
		memcpy(*dst, bs->sec_body_part, bs->sec_length);
		(*dst)[bs->sec_length] = '\0';
		*lenp = bs->sec_length;
		return 1;
	}
	return 0;
}

/* Takes the header and body sections of a FETCH result for uid. */
static void
imap_structure_collect(struct imap_parts *ps, clist *res, uint32_t uid,
    struct mailimap_body **bodyp)
{
	clistiter *it, *j;

	for (it = clist_begin(res); it != NULL; it = clist_next(it)) {
		struct mailimap_msg_att *att = clist_content(it);
		uint32_t got = 0;

		for (j = clist_begin(att->att_list); j != NULL;
		     j = clist_next(j)) {
			struct mailimap_msg_att_item *item = clist_content(j);

			if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
			    item->att_data.att_static->att_type ==
				MAILIMAP_MSG_ATT_UID)
				got =
				    item->att_data.att_static->att_data.att_uid;
		}
		if (got != uid)
			continue;
		for (j = clist_begin(att->att_list); j != NULL;
		     j = clist_next(j)) {
			struct mailimap_msg_att_item *item = clist_content(j);
			struct mailimap_msg_att_static *st;
			const struct mailimap_msg_att_body_section *bs;
			char *name;
			size_t n;

			if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
				continue;
			st = item->att_data.att_static;
			if (st->att_type == MAILIMAP_MSG_ATT_BODYSTRUCTURE &&
			    bodyp != NULL && *bodyp == NULL)
				*bodyp = st->att_data.att_bodystructure;
			if (st->att_type != MAILIMAP_MSG_ATT_BODY_SECTION ||
			    (bs = st->att_data.att_body_section) == NULL ||
			    bs->sec_section == NULL ||
			    bs->sec_body_part == NULL)
				continue;
			name = imap_section_name(bs->sec_section);
			n = strlen(name);
			if (imap_structure_probe(ps, name, bs))
				; /* the first or last bytes of a leaf */
			else if (bs->sec_origin_octet != 0)
				; /* nothing asked for */
			else if (strcmp(name, "HEADER") == 0 ||
				 (n > 5 &&
				     strcmp(name + n - 5, ".MIME") == 0) ||
				 (n > 7 &&
				     strcmp(name + n - 7, ".HEADER") == 0))
				imap_structure_take(ps, name, 1, bs);
			else
				imap_structure_take(ps, name, 0, bs);
			free(name);
		}
	}
}

/*
 * Whether a small leaf's body comes with the structure: text (which is
 * likely shown: one round trip less), and whatever's size the structure
 * does not tell (quoted-printable, unknown encodings, tiny base64).  The
 * rest is not fetched: an identity encoding's size is the structure's,
 * a base64 part's is told by its ends.
 */
static int
imap_part_prefetch(const struct imap_part *p)
{
	const char *e = p->encoding;

	if (strncmp(p->type, "text/", 5) == 0 ||
	    strncmp(p->type, "message/", 8) == 0)
		return 1;
	if (strcmp(e, "base64") == 0)
		return p->size <= IMAP_PROBE_HEAD;
	return strcmp(e, "7bit") != 0 && strcmp(e, "8bit") != 0 &&
	       strcmp(e, "binary") != 0;
}

/*
 * UID FETCH of one message into a result list (fine for one message: no
 * handler), freeing ft; NULL with err set on failure.  what names the
 * step for the message.
 */
static clist *
imap_fetch_one(struct imap_session *s, uint32_t uid,
    struct mailimap_fetch_type *ft, const char *what, struct pt_error *err)
{
	struct imap_updates *u = imap_ext_updates(s);
	struct mailimap_set *set = mailimap_set_new_single(uid);
	clist *res = NULL;
	int r;

	imap_session_watch(s, NULL);
	imap_ext_begin(s);
	r = mailimap_uid_fetch(s->imap, set, ft, &res);
	if (u != NULL)
		imap_session_watch(s, u);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (imap_ext_end(s, r, what, err) == -1)
		return NULL;
	if (res == NULL && (res = clist_new()) == NULL)
		pt_fatal("out of memory");
	return res;
}

/*
 * The second command: every part's header block and the small bodies,
 * in one UID FETCH.
 */
static int
imap_structure_extras(struct imap_session *s, uint32_t uid,
    struct imap_parts *ps, struct pt_error *err)
{
	struct mailimap_fetch_type *ft;
	clist *res;
	size_t i, total = 0, asked = 0;

	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	if (ft == NULL)
		pt_fatal("out of memory");
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	for (i = 0; i < ps->n; i++) {
		struct imap_part *p = &ps->v[i];
		struct mailimap_section *sec = NULL;

		if (i > 0 && p->header == NULL) {
			char *want = imap_part_header_name(ps, i);
			char *dot = strrchr(want, '.');

			*dot = '\0';
			sec = imap_section_new(want, dot + 1);
			free(want);
			if (sec != NULL) {
				mailimap_fetch_type_new_fetch_att_list_add(ft,
				    mailimap_fetch_att_new_body_peek_section(
					sec));
				asked++;
			}
		}
		if (strncmp(p->type, "multipart/", 10) == 0 ||
		    (i + 1 < ps->n && ps->v[i + 1].depth > p->depth))
			continue;
		if (imap_part_prefetch(p) && p->size <= IMAP_PREFETCH_PART &&
		    total + p->size <= IMAP_PREFETCH_TOTAL) {
			if ((sec = imap_section_new(p->section, NULL)) == NULL)
				continue;
			mailimap_fetch_type_new_fetch_att_list_add(ft,
			    mailimap_fetch_att_new_body_peek_section(sec));
			total += p->size;
			asked++;
			continue;
		}
		/* Not fetched now: a base64 part's ends tell its size. */
		if (strcmp(p->encoding, "base64") != 0 ||
		    p->size <= IMAP_PROBE_HEAD ||
		    (sec = imap_section_new(p->section, NULL)) == NULL)
			continue;
		mailimap_fetch_type_new_fetch_att_list_add(ft,
		    mailimap_fetch_att_new_body_peek_section_partial(sec, 0,
			IMAP_PROBE_HEAD));
		sec = imap_section_new(p->section, NULL);
		mailimap_fetch_type_new_fetch_att_list_add(ft,
		    mailimap_fetch_att_new_body_peek_section_partial(sec,
			p->size - IMAP_PROBE_TAIL, IMAP_PROBE_TAIL));
		p->probe = 1;
		asked += 2;
	}
	if (asked == 0) {
		mailimap_fetch_type_free(ft);
		return 0;
	}
	if ((res = imap_fetch_one(s, uid, ft, _("reading the message parts"),
		 err)) == NULL)
		return -1;
	imap_structure_collect(ps, res, uid, NULL);
	mailimap_fetch_list_free(res);
	for (i = 0; i < ps->n; i++) {
		struct imap_part *p = &ps->v[i];
		size_t d = mime_base64_size(p->size, p->head, p->headlen,
		    p->tail, p->taillen);

		if (p->head != NULL && p->tail != NULL && d <= UINT32_MAX)
			p->decoded = (uint32_t)d;
		free(p->head);
		free(p->tail);
		p->head = p->tail = NULL;
	}
	return 0;
}

int
imap_fetch_structure(struct imap_session *s, uint32_t uid,
    struct imap_part **vp, size_t *np, struct pt_error *err)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_body *body = NULL;
	struct imap_parts ps;
	clist *res;

	*vp = NULL;
	*np = 0;
	memset(&ps, 0, sizeof ps);
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	if (ft == NULL)
		pt_fatal("out of memory");
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_bodystructure());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_body_peek_section(
		imap_section_new("", "HEADER")));
	if ((res = imap_fetch_one(s, uid, ft,
		 _("reading the message structure"), err)) == NULL)
		return -1;
	/* The structure first, then the header for its first part. */
	imap_structure_collect(&ps, res, uid, &body);
	if (body != NULL)
		imap_parts_walk(&ps, body, "", 0, 0);
	if (ps.n > 0)
		imap_structure_collect(&ps, res, uid, NULL);
	mailimap_fetch_list_free(res);
	if (ps.n > 0 && ps.n <= MIME_SKEL_MAX_PARTS &&
	    imap_structure_extras(s, uid, &ps, err) == -1) {
		imap_part_list_free(&ps.v, ps.n);
		return -1;
	}
	*vp = ps.v;
	*np = ps.n;
	return 0;
}

void
imap_part_list_free(struct imap_part **vp, size_t n)
{
	size_t i;

	if (vp == NULL || *vp == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((*vp)[i].section);
		free((*vp)[i].type);
		free((*vp)[i].charset);
		free((*vp)[i].encoding);
		free((*vp)[i].filename);
		free((*vp)[i].header);
		free((*vp)[i].body);
		free((*vp)[i].head);
		free((*vp)[i].tail);
	}
	free(*vp);
	*vp = NULL;
}
