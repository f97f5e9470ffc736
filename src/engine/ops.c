/*
 * Message jobs: fetch a message or a part (from the body cache when it
 * is there, else from the server, streamed to memory or to a file),
 * its structure, flags, copy, move, expunge, append and search.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/imap.h"
#include "petrel/mime.h"
#include "petrel/store.h"

#include "private.h"

/* Bodies up to this size are kept in the body cache. */
#define ENG_BODY_CACHE_MAX ((size_t)16 * 1024 * 1024)

/* The cache name of a message's structure (a part name has no letters). */
#define ENG_STRUCTURE_KEY "structure"
/* Bytes of a cached structure read back at most. */
#define ENG_STRUCTURE_MAX ((size_t)16 * 1024 * 1024)

struct eng_sink {
	struct eng_worker *w;
	struct eng_task *t;
	struct pt_buf buf;
	int fd;
	struct mime_stream *decode; /* to fd, when the job asked */
	size_t len;
	size_t written; /* bytes that reached fd */
	size_t expect;
	struct pt_error err;
};

static int eng_sink_data(void *, const char *, size_t);
static int eng_sink_write(void *, const char *, size_t);
static int eng_fetch_mark(struct eng_worker *, struct eng_task *, int,
    struct pt_error *);
static char *eng_structure_pack(const struct eng_structure *, size_t *);
static struct eng_structure *eng_structure_unpack(const char *, size_t);
static void eng_pack_u32(struct pt_buf *, uint32_t);
static void eng_pack_str(struct pt_buf *, const char *, size_t);
struct eng_unpack;
static uint32_t eng_unpack_u32(struct eng_unpack *);
static char *eng_unpack_str(struct eng_unpack *, size_t *, int);

/* Writes to the job's file (decoded bytes, or the bytes as sent). */
static int
eng_sink_write(void *arg, const char *data, size_t len)
{
	struct eng_sink *s = arg;

	if (pt_fd_write_all(s->fd, data, len) != 0) {
		pt_error_set(&s->err, PT_E_IO, errno,
		    _("cannot write the message: %s"), strerror(errno));
		return -1;
	}
	s->written += len;
	return 0;
}

static int
eng_sink_data(void *arg, const char *data, size_t len)
{
	struct eng_sink *s = arg;

	if (s->decode != NULL) {
		if (mime_stream_feed(s->decode, data, len, NULL) != 0) {
			if (s->err.class == PT_OK)
				pt_error_set(&s->err, PT_E_IO, 0, "%s",
				    _("cannot write the message"));
			return -1;
		}
	} else if (s->fd >= 0) {
		if (eng_sink_write(s, data, len) != 0)
			return -1;
	} else if (pt_buf_add(&s->buf, data, len, &s->err) == -1) {
		pt_error_set(&s->err, PT_E_PROTO, 0,
		    _("the message is too large to show (over %zu MB); save "
		      "it to a file instead"),
		    s->buf.max / (1024 * 1024));
		return -1;
	}
	s->len += len;
	eng_post_progress(s->w, s->t, s->len, s->expect, ENG_UNIT_BYTES, 0);
	return 0;
}

/* The UIDVALIDITY the job's UIDs refer to (0: unknown). */
uint32_t
eng_folder_uidvalidity(struct eng_worker *w, const char *folder)
{
	struct store_folder_info fi;
	struct pt_error e2;

	if (w->cur != NULL && strcmp(w->cur, folder) == 0)
		return w->cur_uidvalidity;
	if (w->sel.active && strcmp(w->sel.name, folder) == 0 &&
	    w->sel.uidvalidity != 0)
		return w->sel.uidvalidity;
	pt_error_init(&e2);
	if (w->store != NULL &&
	    store_folder_info_get(w->store, folder, &fi, &e2) == 1)
		return fi.uidvalidity;
	return 0;
}

/* Connects and selects the job's folder, checking its UIDVALIDITY. */
int
eng_ops_prepare(struct eng_worker *w, struct eng_task *t, struct pt_error *err)
{
	struct eng_job *j = t->job;

	if (eng_worker_connect(w, t, err) == -1 ||
	    eng_worker_select(w, j->folder, err) == -1)
		return -1;
	if (j->uidvalidity != 0 && j->uidvalidity != w->cur_uidvalidity)
		return pt_error_set(err, PT_E_REFUSED, 0,
		    _("the folder '%s' changed on the server (new "
		      "UIDVALIDITY): open it again"),
		    j->folder);
	return 0;
}

static int
eng_fetch_run(struct eng_worker *w, struct eng_task *t, struct pt_error *err)
{
	struct eng_job *j = t->job;
	struct eng_sink sink;
	struct eng_body *body;
	struct eng_event *ev;
	uint32_t uv = j->uidvalidity != 0
			  ? j->uidvalidity
			  : eng_folder_uidvalidity(w, j->folder);
	const char *part = j->part != NULL ? j->part : "";
	int found = 0, from_cache = 0;

	memset(&sink, 0, sizeof sink);
	sink.w = w;
	sink.t = t;
	sink.fd = -1;
	sink.expect = j->len;
	pt_error_init(&sink.err);
	pt_buf_init(&sink.buf, MIME_MAX_SIZE);
	/* The body cache first: it works offline too. */
	if (w->store != NULL && uv != 0 && j->path == NULL) {
		char *data = NULL;
		size_t len = 0;
		struct pt_error e2;

		pt_error_init(&e2);
		if (store_body_get(w->store, j->folder, uv, j->uid, part, &data,
			&len, &e2) == 1) {
			pt_buf_release(&sink.buf);
			sink.buf.data = NULL;
			body = pt_xcalloc(1, sizeof *body);
			body->uid = j->uid;
			body->part = pt_xstrdup(part);
			body->data = data;
			body->len = len;
			body->from_cache = 1;
			from_cache = 1;
			ev = eng_event_new(w, ENG_EV_BODY, t, j->folder);
			ev->uidvalidity = uv;
			ev->u.body = body;
			eng_event_post(w, ev);
		}
	}
	if (!from_cache) {
		if (eng_ops_prepare(w, t, err) == -1) {
			pt_buf_release(&sink.buf);
			return -1;
		}
		uv = w->cur_uidvalidity;
		if (j->path != NULL) {
			sink.fd = open(j->path,
			    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
			if (sink.fd == -1) {
				pt_buf_release(&sink.buf);
				return pt_error_set(err, PT_E_IO, errno,
				    _("cannot create '%s': %s"), j->path,
				    strerror(errno));
			}
			if (j->decode != NULL)
				sink.decode = mime_stream_new(j->decode,
				    eng_sink_write, &sink);
		}
		if (imap_fetch_body(w->s, j->uid, part, eng_sink_data, &sink,
			&found, err) == -1) {
			if (sink.err.class != PT_OK)
				*err = sink.err;
			if (sink.fd >= 0) {
				close(sink.fd);
				(void)unlink(j->path);
			}
			mime_stream_free(&sink.decode);
			pt_buf_release(&sink.buf);
			return -1;
		}
		if (sink.decode != NULL &&
		    mime_stream_end(sink.decode, NULL, err) != 0) {
			if (sink.err.class != PT_OK)
				*err = sink.err;
			close(sink.fd);
			(void)unlink(j->path);
			mime_stream_free(&sink.decode);
			pt_buf_release(&sink.buf);
			return -1;
		}
		mime_stream_free(&sink.decode);
		if (sink.fd >= 0 && close(sink.fd) == -1) {
			pt_buf_release(&sink.buf);
			return pt_error_set(err, PT_E_IO, errno,
			    _("cannot write '%s': %s"), j->path,
			    strerror(errno));
		}
		if (!found) {
			if (j->path != NULL)
				(void)unlink(j->path);
			pt_buf_release(&sink.buf);
			return pt_error_set(err, PT_E_REFUSED, 0,
			    _("the message is no longer in '%s'"), j->folder);
		}
		body = pt_xcalloc(1, sizeof *body);
		body->uid = j->uid;
		body->part = pt_xstrdup(part);
		if (j->path != NULL) {
			body->path = pt_xstrdup(j->path);
			body->len = sink.written;
			pt_buf_release(&sink.buf);
		} else {
			if (w->store != NULL &&
			    sink.buf.len <= ENG_BODY_CACHE_MAX) {
				struct pt_error e2;

				pt_error_init(&e2);
				if (store_body_put(w->store, j->folder, uv,
					j->uid, part, sink.buf.data,
					sink.buf.len, &e2) == -1)
					pt_warn("engine: body cache: %s",
					    e2.msg);
			}
			body->data = pt_buf_detach(&sink.buf, &body->len);
		}
		ev = eng_event_new(w, ENG_EV_BODY, t, j->folder);
		ev->uidvalidity = uv;
		ev->u.body = body;
		eng_event_post(w, ev);
	}
	return eng_fetch_mark(w, t, from_cache, err);
}

/* FETCH's and STRUCTURE's flags_add: the message was read. */
static int
eng_fetch_mark(struct eng_worker *w, struct eng_task *t, int from_cache,
    struct pt_error *err)
{
	struct eng_job *j = t->job;
	struct imap_uidset us;

	if (j->flags_add == 0)
		return 0;
	memset(&us, 0, sizeof us);
	us.uids = &j->uid;
	us.n = 1;
	/* Offline, reading a cached message: mark it later. */
	if (from_cache && eng_ops_prepare(w, t, err) == -1) {
		pt_error_init(err);
		return 0;
	}
	if (imap_store_flags(w->s, &us, 1, eng_flags_to_store(j->flags_add),
		err) == -1)
		return -1;
	eng_worker_apply(w, t);
	return 0;
}

/*
 * A structure as one cache file: "PTS2", the part count, then per part
 * its five numbers and its seven strings, each a 32-bit length (0xFFFFFFFF
 * for NULL) and the bytes; all little endian.
 */
static void
eng_pack_u32(struct pt_buf *b, uint32_t v)
{
	unsigned char x[4];

	x[0] = (unsigned char)(v & 0xFF);
	x[1] = (unsigned char)((v >> 8) & 0xFF);
	x[2] = (unsigned char)((v >> 16) & 0xFF);
	x[3] = (unsigned char)((v >> 24) & 0xFF);
	(void)pt_buf_add(b, (const char *)x, 4, NULL);
}

static void
eng_pack_str(struct pt_buf *b, const char *s, size_t n)
{
	if (s == NULL) {
		eng_pack_u32(b, 0xFFFFFFFFu);
		return;
	}
	eng_pack_u32(b, (uint32_t)n);
	(void)pt_buf_add(b, s, n, NULL);
}

static char *
eng_structure_pack(const struct eng_structure *st, size_t *lenp)
{
	struct pt_buf b;
	size_t i;

	pt_buf_init(&b, 0);
	(void)pt_buf_add(&b, "PTS2", 4, NULL);
	eng_pack_u32(&b, (uint32_t)st->n);
	for (i = 0; i < st->n; i++) {
		const struct eng_part *p = &st->v[i];

		eng_pack_u32(&b, p->size);
		eng_pack_u32(&b, (uint32_t)p->depth);
		eng_pack_u32(&b, (uint32_t)p->attachment);
		eng_pack_u32(&b, (uint32_t)p->msgroot);
		eng_pack_u32(&b, p->decoded);
		eng_pack_str(&b, p->section,
		    p->section ? strlen(p->section) : 0);
		eng_pack_str(&b, p->type, p->type ? strlen(p->type) : 0);
		eng_pack_str(&b, p->charset,
		    p->charset ? strlen(p->charset) : 0);
		eng_pack_str(&b, p->encoding,
		    p->encoding ? strlen(p->encoding) : 0);
		eng_pack_str(&b, p->filename,
		    p->filename ? strlen(p->filename) : 0);
		eng_pack_str(&b, p->header, p->headerlen);
		eng_pack_str(&b, p->body, p->bodylen);
	}
	return pt_buf_detach(&b, lenp);
}

struct eng_unpack {
	const unsigned char *p;
	size_t left;
	int bad;
};

static uint32_t
eng_unpack_u32(struct eng_unpack *u)
{
	uint32_t v;

	if (u->left < 4) {
		u->bad = 1;
		return 0;
	}
	v = (uint32_t)u->p[0] | (uint32_t)u->p[1] << 8 |
	    (uint32_t)u->p[2] << 16 | (uint32_t)u->p[3] << 24;
	u->p += 4;
	u->left -= 4;
	return v;
}

/* A string of the cache file; NULL when absent or bad (u->bad). */
static char *
eng_unpack_str(struct eng_unpack *u, size_t *lenp, int need)
{
	uint32_t n = eng_unpack_u32(u);
	char *s;

	if (u->bad || n == 0xFFFFFFFFu) {
		if (need)
			u->bad = 1;
		return NULL;
	}
	if (n > u->left) {
		u->bad = 1;
		return NULL;
	}
	s = pt_xmalloc((size_t)n + 1);
	memcpy(s, u->p, n);
	s[n] = '\0';
	u->p += n;
	u->left -= n;
	if (lenp != NULL)
		*lenp = n;
	return s;
}

/* The structure of a cache file, or NULL when the file is damaged. */
static struct eng_structure *
eng_structure_unpack(const char *data, size_t len)
{
	struct eng_unpack u;
	struct eng_structure *st;
	size_t i, n;

	if (len < 8 || memcmp(data, "PTS2", 4) != 0)
		return NULL;
	u.p = (const unsigned char *)data + 4;
	u.left = len - 4;
	u.bad = 0;
	n = eng_unpack_u32(&u);
	if (n == 0 || n > MIME_MAX_PARTS + 1 || n > u.left / 48)
		return NULL;
	st = pt_xcalloc(1, sizeof *st);
	st->v = pt_xcalloc(n, sizeof *st->v);
	st->n = n;
	for (i = 0; i < n && !u.bad; i++) {
		struct eng_part *p = &st->v[i];

		p->size = eng_unpack_u32(&u);
		p->depth = (int)(eng_unpack_u32(&u) & 0xFF);
		p->attachment = eng_unpack_u32(&u) != 0;
		p->msgroot = eng_unpack_u32(&u) != 0;
		p->decoded = eng_unpack_u32(&u);
		p->section = eng_unpack_str(&u, NULL, 1);
		p->type = eng_unpack_str(&u, NULL, 1);
		p->charset = eng_unpack_str(&u, NULL, 0);
		p->encoding = eng_unpack_str(&u, NULL, 1);
		p->filename = eng_unpack_str(&u, NULL, 0);
		p->header = eng_unpack_str(&u, &p->headerlen, 0);
		p->body = eng_unpack_str(&u, &p->bodylen, 0);
	}
	if (u.bad || u.left != 0)
		eng_structure_free(&st);
	return st;
}

static int
eng_structure_run(struct eng_worker *w, struct eng_task *t,
    struct pt_error *err)
{
	struct eng_job *j = t->job;
	struct imap_part *v = NULL;
	struct eng_structure *st = NULL;
	struct eng_event *ev;
	int from_cache;
	uint32_t uv = j->uidvalidity != 0
			  ? j->uidvalidity
			  : eng_folder_uidvalidity(w, j->folder);
	size_t n = 0;

	/* The body cache first: a whole message, else a structure. */
	if (w->store != NULL && uv != 0) {
		struct pt_error e2;
		char *data = NULL;
		size_t len = 0;

		pt_error_init(&e2);
		if (j->or_body && store_body_get(w->store, j->folder, uv,
				      j->uid, "", &data, &len, &e2) == 1) {
			struct eng_body *body = pt_xcalloc(1, sizeof *body);

			body->uid = j->uid;
			body->part = pt_xstrdup("");
			body->data = data;
			body->len = len;
			body->from_cache = 1;
			ev = eng_event_new(w, ENG_EV_BODY, t, j->folder);
			ev->uidvalidity = uv;
			ev->u.body = body;
			eng_event_post(w, ev);
			return eng_fetch_mark(w, t, 1, err);
		}
		if (store_body_get(w->store, j->folder, uv, j->uid,
			ENG_STRUCTURE_KEY, &data, &len, &e2) == 1) {
			if (len <= ENG_STRUCTURE_MAX &&
			    (st = eng_structure_unpack(data, len)) != NULL) {
				st->uid = j->uid;
				st->from_cache = 1;
			}
			free(data);
		}
	}
	if (st == NULL) {
		size_t i;

		if (eng_ops_prepare(w, t, err) == -1)
			return -1;
		if (imap_fetch_structure(w->s, j->uid, &v, &n, err) == -1) {
			/*
			 * A structure libetpan cannot parse leaves the session
			 * unusable: make a new one now and fetch the whole
			 * message instead (the job's part is NULL).
			 */
			if (err->class != PT_E_PROTO || !j->or_body ||
			    j->part != NULL)
				return -1;
			pt_warn("engine: structure of %" PRIu32 ": %s; "
				"fetching the whole message",
			    j->uid, err->msg);
			if (w->s != NULL && imap_session_dead(w->s))
				eng_worker_drop(w, NULL, 0);
			pt_error_init(err);
			return eng_fetch_run(w, t, err);
		}
		if (n == 0)
			return pt_error_set(err, PT_E_REFUSED, 0,
			    _("the message is no longer in '%s'"), j->folder);
		uv = w->cur_uidvalidity;
		st = pt_xcalloc(1, sizeof *st);
		st->uid = j->uid;
		st->v = pt_xcalloc(n, sizeof *st->v);
		st->n = n;
		for (i = 0; i < n; i++) {
			st->v[i].section = v[i].section;
			st->v[i].type = v[i].type;
			st->v[i].charset = v[i].charset;
			st->v[i].encoding = v[i].encoding;
			st->v[i].filename = v[i].filename;
			st->v[i].size = v[i].size;
			st->v[i].depth = v[i].depth;
			st->v[i].attachment = v[i].attachment;
			st->v[i].msgroot = v[i].msgroot;
			st->v[i].header = v[i].header;
			st->v[i].headerlen = v[i].headerlen;
			st->v[i].body = v[i].body;
			st->v[i].bodylen = v[i].bodylen;
			st->v[i].decoded = v[i].decoded;
		}
		free(v); /* the strings moved to st */
		if (w->store != NULL && uv != 0) {
			struct pt_error e2;
			size_t len;
			char *data = eng_structure_pack(st, &len);

			pt_error_init(&e2);
			if (store_body_put(w->store, j->folder, uv, j->uid,
				ENG_STRUCTURE_KEY, data, len, &e2) == -1)
				pt_warn("engine: body cache: %s", e2.msg);
			free(data);
		}
	}
	from_cache = st->from_cache;
	ev = eng_event_new(w, ENG_EV_STRUCTURE, t, j->folder);
	ev->uidvalidity = uv;
	ev->u.structure = st; /* the UI's from here on */
	eng_event_post(w, ev);
	if (!from_cache)
		eng_worker_apply(w, t);
	return eng_fetch_mark(w, t, from_cache, err);
}

int
eng_ops_run(struct eng_worker *w, struct eng_task *t, struct pt_error *err)
{
	struct eng_job *j = t->job;
	struct imap_uidset us;
	char *raw;
	int r;

	memset(&us, 0, sizeof us);
	us.uids = j->uids;
	us.n = j->nuids;
	switch (j->kind) {
	case ENG_JOB_FETCH:
		return eng_fetch_run(w, t, err);
	case ENG_JOB_STRUCTURE:
		return eng_structure_run(w, t, err);
	case ENG_JOB_FLAGS:
		if (eng_ops_prepare(w, t, err) == -1)
			return -1;
		if (j->flags_add != 0 &&
		    imap_store_flags(w->s, &us, 1,
			eng_flags_to_store(j->flags_add), err) == -1)
			return -1;
		if (j->flags_remove != 0 &&
		    imap_store_flags(w->s, &us, -1,
			eng_flags_to_store(j->flags_remove), err) == -1)
			return -1;
		eng_worker_apply(w, t);
		return 0;
	case ENG_JOB_COPY:
	case ENG_JOB_MOVE:
		if (eng_ops_prepare(w, t, err) == -1)
			return -1;
		raw = eng_worker_raw(w, j->target);
		r = j->kind == ENG_JOB_COPY
			? imap_copy(w->s, &us, raw, &t->result_uid, err)
			: imap_move(w->s, &us, raw, &t->result_uid, err);
		free(raw);
		eng_worker_apply(w, t);
		return r;
	case ENG_JOB_EXPUNGE:
		if (eng_ops_prepare(w, t, err) == -1)
			return -1;
		r = imap_expunge(w->s, j->nuids > 0 ? &us : NULL, err);
		eng_worker_apply(w, t);
		return r;
	case ENG_JOB_APPEND:
		if (eng_worker_connect(w, t, err) == -1)
			return -1;
		raw = eng_worker_raw(w, j->folder);
		r = imap_append(w->s, raw, eng_flags_to_store(j->flags_add),
		    j->date, j->data, j->len, &t->result_uid, err);
		free(raw);
		eng_worker_apply(w, t);
		return r;
	case ENG_JOB_SEARCH: {
		struct imap_search q;
		struct eng_event *ev;
		uint32_t *uids = NULL;
		size_t n = 0;

		if (eng_ops_prepare(w, t, err) == -1)
			return -1;
		memset(&q, 0, sizeof q);
		q.where = j->search.where;
		q.text = j->search.text;
		q.with_flags = eng_flags_to_store(j->search.with_flags);
		q.without_flags = eng_flags_to_store(j->search.without_flags);
		q.since = j->search.since;
		q.before = j->search.before;
		if (imap_search(w->s, &q, &uids, &n, err) == -1)
			return -1;
		if (n > 1)
			qsort(uids, n, sizeof *uids, eng_u32_cmp);
		ev = eng_event_new(w, ENG_EV_SEARCH, t, j->folder);
		ev->uidvalidity = w->cur_uidvalidity;
		ev->u.uids.v = uids;
		ev->u.uids.n = n;
		eng_event_post(w, ev);
		eng_worker_apply(w, t);
		return 0;
	}
	default:
		return pt_error_set(err, PT_E_INTERNAL, 0, _("unknown job"));
	}
}
