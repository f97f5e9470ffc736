/*
 * Message jobs: fetch a message or a part (from the body cache when it
 * is there, else from the server, streamed to memory or to a file),
 * its structure, flags, copy, move, expunge, append and search.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
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

struct eng_sink {
	struct eng_worker *w;
	struct eng_task *t;
	struct pt_buf buf;
	int fd;
	size_t len;
	size_t expect;
	struct pt_error err;
};

static int eng_sink_data(void *, const char *, size_t);
static int eng_ops_prepare(struct eng_worker *, struct eng_task *,
    struct pt_error *);
static uint32_t eng_folder_uidvalidity(struct eng_worker *, const char *);

static int
eng_sink_data(void *arg, const char *data, size_t len)
{
	struct eng_sink *s = arg;

	if (s->fd >= 0) {
		if (pt_fd_write_all(s->fd, data, len) != 0) {
			pt_error_set(&s->err, PT_E_IO, errno,
			    _("cannot write the message: %s"), strerror(errno));
			return -1;
		}
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
static uint32_t
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
static int
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
		}
		if (imap_fetch_body(w->s, j->uid, part, eng_sink_data, &sink,
			&found, err) == -1) {
			if (sink.err.class != PT_OK)
				*err = sink.err;
			if (sink.fd >= 0) {
				close(sink.fd);
				(void)unlink(j->path);
			}
			pt_buf_release(&sink.buf);
			return -1;
		}
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
			body->len = sink.len;
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
	if (j->flags_add != 0) {
		struct imap_uidset us;

		memset(&us, 0, sizeof us);
		us.uids = &j->uid;
		us.n = 1;
		/* Offline, reading a cached message: mark it later. */
		if (from_cache && eng_ops_prepare(w, t, err) == -1) {
			pt_error_init(err);
			return 0;
		}
		if (imap_store_flags(w->s, &us, 1,
			eng_flags_to_store(j->flags_add), err) == -1)
			return -1;
		eng_worker_apply(w, t);
	}
	return 0;
}

static int
eng_structure_run(struct eng_worker *w, struct eng_task *t,
    struct pt_error *err)
{
	struct imap_part *v = NULL;
	struct eng_structure *st;
	struct eng_event *ev;
	size_t n = 0, i;

	if (eng_ops_prepare(w, t, err) == -1 ||
	    imap_fetch_structure(w->s, t->job->uid, &v, &n, err) == -1)
		return -1;
	if (n == 0)
		return pt_error_set(err, PT_E_REFUSED, 0,
		    _("the message is no longer in '%s'"), t->job->folder);
	st = pt_xcalloc(1, sizeof *st);
	st->uid = t->job->uid;
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
	}
	free(v); /* the strings moved to st */
	ev = eng_event_new(w, ENG_EV_STRUCTURE, t, t->job->folder);
	ev->uidvalidity = w->cur_uidvalidity;
	ev->u.structure = st;
	eng_event_post(w, ev);
	eng_worker_apply(w, t);
	return 0;
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
