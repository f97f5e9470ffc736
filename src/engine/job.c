/*
 * Jobs and events as data: constructors, freeing, names, and the index
 * batches (message summaries with their strings in one arena).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/store.h"

#include "private.h"

/* The engine's flag bits are the cache's: no translation needed. */
_Static_assert(ENG_F_SEEN == STORE_F_SEEN &&
		   ENG_F_ANSWERED == STORE_F_ANSWERED &&
		   ENG_F_FLAGGED == STORE_F_FLAGGED &&
		   ENG_F_DELETED == STORE_F_DELETED &&
		   ENG_F_DRAFT == STORE_F_DRAFT &&
		   ENG_F_RECENT == STORE_F_RECENT &&
		   ENG_F_FORWARDED == STORE_F_FORWARDED &&
		   ENG_F_JUNK == STORE_F_JUNK &&
		   ENG_F_NOTJUNK == STORE_F_NOTJUNK &&
		   ENG_F_ATTACH == STORE_F_ATTACH,
    "engine and store flag bits differ");
_Static_assert((int)ENG_NFIELDS == (int)STORE_NFIELDS &&
		   (int)ENG_SUBJECT == (int)STORE_SUBJECT &&
		   (int)ENG_REFERENCES == (int)STORE_REFERENCES,
    "engine and store fields differ");

static const char *const eng_job_names[ENG_JOB_NKINDS] = {"connect", "folders",
    "status", "open", "close", "check", "fetch", "structure", "flags", "copy",
    "move", "expunge", "append", "search", "create", "rename", "delete",
    "subscribe", "unsubscribe", "send", "postpone", "summaries", "addresses"};

static const char *const eng_event_names[ENG_EV_NKINDS] = {"progress", "done",
    "failed", "conn", "need-password", "cert", "alert", "folders",
    "folder-status", "index", "flags", "expunged", "new-mail", "body",
    "structure", "search", "pending", "addresses"};

const char *
eng_job_kind_name(enum eng_job_kind k)
{
	return (unsigned)k < ENG_JOB_NKINDS ? eng_job_names[k] : "?";
}

const char *
eng_event_kind_name(enum eng_event_kind k)
{
	return (unsigned)k < ENG_EV_NKINDS ? eng_event_names[k] : "?";
}

uint32_t
eng_flags_to_store(uint32_t f)
{
	return f;
}

/* Jobs that change something: they wait for a connection. */
int
eng_job_is_write(enum eng_job_kind k)
{
	switch (k) {
	case ENG_JOB_FLAGS:
	case ENG_JOB_COPY:
	case ENG_JOB_MOVE:
	case ENG_JOB_EXPUNGE:
	case ENG_JOB_APPEND:
	case ENG_JOB_CREATE:
	case ENG_JOB_RENAME:
	case ENG_JOB_DELETE:
	case ENG_JOB_SUBSCRIBE:
	case ENG_JOB_UNSUBSCRIBE:
		return 1;
	default:
		return 0;
	}
}

int
eng_job_needs_folder(enum eng_job_kind k)
{
	switch (k) {
	case ENG_JOB_CONNECT:
	case ENG_JOB_FOLDERS:
	case ENG_JOB_CLOSE:
	case ENG_JOB_CHECK:
	case ENG_JOB_SEND:
	case ENG_JOB_POSTPONE:
	case ENG_JOB_ADDRESSES:
		return 0;
	default:
		return 1;
	}
}

struct eng_job *
eng_job_new(enum eng_job_kind kind, size_t account)
{
	struct eng_job *j = pt_xcalloc(1, sizeof *j);

	j->kind = kind;
	j->account = account;
	return j;
}

void
eng_job_free(struct eng_job **jp)
{
	struct eng_job *j;

	if (jp == NULL || *jp == NULL)
		return;
	j = *jp;
	free(j->folder);
	free(j->target);
	free(j->uids);
	free(j->part);
	free(j->path);
	free(j->decode);
	free(j->data);
	free(j->search.text);
	free(j);
	*jp = NULL;
}

void
eng_job_set_folder(struct eng_job *j, const char *s)
{
	free(j->folder);
	j->folder = s != NULL ? pt_xstrdup(s) : NULL;
}

void
eng_job_set_target(struct eng_job *j, const char *s)
{
	free(j->target);
	j->target = s != NULL ? pt_xstrdup(s) : NULL;
}

void
eng_job_set_uids(struct eng_job *j, const uint32_t *uids, size_t n)
{
	free(j->uids);
	j->uids = NULL;
	j->nuids = 0;
	if (n == 0)
		return;
	j->uids = pt_xreallocarray(NULL, n, sizeof *uids);
	memcpy(j->uids, uids, n * sizeof *uids);
	j->nuids = n;
}

void
eng_job_set_data(struct eng_job *j, const void *data, size_t len)
{
	free(j->data);
	j->data = pt_xmalloc(len + 1);
	memcpy(j->data, data, len);
	j->data[len] = '\0';
	j->len = len;
}

/* Index batches. */

struct eng_index *
eng_index_new(uint32_t uidvalidity)
{
	struct eng_index *ix = pt_xcalloc(1, sizeof *ix);

	ix->uidvalidity = uidvalidity;
	ix->arena = pt_xmalloc(256);
	ix->arena[0] = '\0';
	ix->arena_len = 1;
	return ix;
}

size_t
eng_index_drop_upto(struct eng_index *ix, uint32_t uid)
{
	size_t i, n = 0;

	for (i = 0; i < ix->n; i++)
		if (ix->msgs[i].uid > uid)
			ix->msgs[n++] = ix->msgs[i];
	ix->n = n;
	return n;
}

void
eng_index_add(struct eng_index *ix, size_t *cap, size_t *acap, uint32_t uid,
    uint32_t flags, int64_t date, int64_t internaldate, uint32_t size,
    const char *const *str)
{
	struct eng_msg *m;
	size_t f;

	if (*acap < 256)
		*acap = 256;
	if (ix->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		ix->msgs = pt_xreallocarray(ix->msgs, *cap, sizeof *ix->msgs);
	}
	m = &ix->msgs[ix->n++];
	m->uid = uid;
	m->flags = flags;
	m->date = date != 0 ? date : internaldate;
	m->internaldate = internaldate;
	m->size = size;
	for (f = 0; f < ENG_NFIELDS; f++) {
		const char *s = str != NULL ? str[f] : NULL;
		size_t len = s != NULL ? strlen(s) : 0;

		if (len == 0 || ix->arena_len + len + 1 > UINT32_MAX) {
			m->str[f] = 0;
			continue;
		}
		if (ix->arena_len + len + 1 > *acap) {
			while (ix->arena_len + len + 1 > *acap)
				*acap *= 2;
			ix->arena = pt_xreallocarray(ix->arena, *acap, 1);
		}
		memcpy(ix->arena + ix->arena_len, s, len + 1);
		m->str[f] = (uint32_t)ix->arena_len;
		ix->arena_len += len + 1;
	}
}

void
eng_index_free(struct eng_index **ixp)
{
	if (ixp == NULL || *ixp == NULL)
		return;
	free((*ixp)->msgs);
	free((*ixp)->arena);
	free(*ixp);
	*ixp = NULL;
}

void
eng_folder_list_free(struct eng_folder_list **lp)
{
	size_t i;

	if (lp == NULL || *lp == NULL)
		return;
	for (i = 0; i < (*lp)->n; i++)
		free((*lp)->v[i].name);
	free((*lp)->v);
	free(*lp);
	*lp = NULL;
}

void
eng_body_free(struct eng_body **bp)
{
	if (bp == NULL || *bp == NULL)
		return;
	free((*bp)->part);
	free((*bp)->data);
	free((*bp)->path);
	free(*bp);
	*bp = NULL;
}

void
eng_structure_free(struct eng_structure **sp)
{
	size_t i;

	if (sp == NULL || *sp == NULL)
		return;
	for (i = 0; i < (*sp)->n; i++) {
		free((*sp)->v[i].section);
		free((*sp)->v[i].type);
		free((*sp)->v[i].charset);
		free((*sp)->v[i].encoding);
		free((*sp)->v[i].filename);
		free((*sp)->v[i].header);
		free((*sp)->v[i].body);
	}
	free((*sp)->v);
	free(*sp);
	*sp = NULL;
}

void
eng_event_free(struct eng_event **evp)
{
	struct eng_event *ev;

	if (evp == NULL || *evp == NULL)
		return;
	ev = *evp;
	free(ev->folder);
	if (ev->job_kind == ENG_JOB_SEND &&
	    (ev->kind == ENG_EV_DONE || ev->kind == ENG_EV_FAILED)) {
		free(ev->u.send.outbox_id);
		free(ev->u.send.refused);
	}
	switch (ev->kind) {
	case ENG_EV_CERT:
		free(ev->u.cert);
		break;
	case ENG_EV_ALERT:
		free(ev->u.text);
		break;
	case ENG_EV_FOLDERS:
		eng_folder_list_free(&ev->u.folders);
		break;
	case ENG_EV_INDEX:
		eng_index_free(&ev->u.index);
		break;
	case ENG_EV_FLAGS:
		free(ev->u.flags.v);
		break;
	case ENG_EV_EXPUNGED:
	case ENG_EV_SEARCH:
		free(ev->u.uids.v);
		break;
	case ENG_EV_BODY:
		eng_body_free(&ev->u.body);
		break;
	case ENG_EV_STRUCTURE:
		eng_structure_free(&ev->u.structure);
		break;
	case ENG_EV_ADDRESSES:
		eng_addr_list_free(&ev->u.addrs);
		break;
	default:
		break;
	}
	/* Every event is the head of a struct eng_evnode (engine.c). */
	free((struct eng_evnode *)ev);
	*evp = NULL;
}

struct mime_msg *
eng_structure_parse(const struct eng_structure *st, struct pt_error *err)
{
	struct mime_skel_part *v;
	struct mime_msg *m;
	size_t i;

	if (st->n == 0 || st->n > MIME_SKEL_MAX_PARTS) {
		pt_error_set(err, PT_E_PROTO, 0, "%s",
		    _("the message structure is empty or too large"));
		return NULL;
	}
	v = pt_xcalloc(st->n, sizeof *v);
	for (i = 0; i < st->n; i++) {
		const struct eng_part *p = &st->v[i];

		if (p->header == NULL) {
			free(v);
			pt_error_set(err, PT_E_PROTO, 0,
			    _("the server sent no header for part %s"),
			    p->section);
			return NULL;
		}
		v[i].section = p->section;
		v[i].type = p->type;
		v[i].encoding = p->encoding;
		v[i].depth = p->depth;
		v[i].header = p->header;
		v[i].headerlen = p->headerlen;
		v[i].body = p->body;
		v[i].bodylen = p->bodylen;
		v[i].size = p->size;
		v[i].decoded = p->decoded;
	}
	m = mime_skeleton_parse(v, st->n, err);
	free(v);
	return m;
}

int
eng_structure_set_body(struct eng_structure *st, const char *section,
    char *data, size_t len)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		struct eng_part *p = &st->v[i];

		if (strcmp(p->section, section) != 0 ||
		    strncmp(p->type, "multipart/", 10) == 0 ||
		    (i + 1 < st->n && st->v[i + 1].depth > p->depth))
			continue;
		free(p->body);
		p->body = data;
		p->bodylen = len;
		return 0;
	}
	free(data);
	return -1;
}
