/*
 * The offline queue: every change (write job) an account worker takes is
 * first written to disk (store_queue, in the account's data folder,
 * $XDG_DATA_HOME/petrel/<account>/queue/, next to the outbox) and
 * removed once the server has it, so that changes made while offline
 * survive a quit or a crash and are replayed, in order, by the next
 * run.  Exactly once: flags, expunges and folder operations may be sent
 * again; a COPY, MOVE or APPEND that may have reached the server (it
 * was being sent when the connection dropped, or petrel stopped) is
 * checked first: a MOVE moves only the UIDs still in its source, a COPY
 * or APPEND leaves out messages whose Message-ID is already in the
 * target (UID SEARCH HEADER Message-ID).
 *
 * A record is the job in a small text format (binary-safe: strings
 * carry their length):
 *	petrel-change 1
 *	kind=move attempted=1 uidvalidity=N flags_add=N flags_remove=N
 *	date=N uids=1,2,3
 *	folder:LEN <bytes> target:LEN <bytes> data:LEN <bytes>
 * one item per line, in any order; unknown items are skipped.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/imap.h"
#include "petrel/mime.h"
#include "petrel/store.h"

#include "private.h"

#define ENG_CHANGE_MAGIC "petrel-change 1\n"
#define ENG_CHANGE_MAX   ((size_t)80 * 1024 * 1024)

static int eng_replay_write(struct eng_worker *, uint64_t *,
    const struct pt_buf *);
static void eng_replay_count(struct eng_worker *);
static void eng_replay_uidvalidity(struct eng_worker *, struct eng_job *);
static int eng_replay_risky(enum eng_job_kind);
static int eng_replay_uids_msg(void *, const struct imap_msg *);
static int eng_replay_ids_msg(void *, const struct imap_msg *);
static int eng_replay_in_target(struct eng_worker *, const char *, const char *,
    struct pt_error *);

/* Kinds that would apply twice if sent twice. */
static int
eng_replay_risky(enum eng_job_kind k)
{
	return k == ENG_JOB_COPY || k == ENG_JOB_MOVE || k == ENG_JOB_APPEND;
}

static void
eng_change_str(struct pt_buf *b, const char *name, const char *v, size_t len)
{
	if (v == NULL)
		return;
	(void)pt_buf_printf(b, NULL, "%s:%zu\n", name, len);
	(void)pt_buf_add(b, v, len, NULL);
	(void)pt_buf_addch(b, '\n', NULL);
}

void
eng_change_encode(const struct eng_job *j, int attempted, struct pt_buf *b)
{
	size_t i;

	pt_buf_init(b, ENG_CHANGE_MAX);
	(void)pt_buf_addstr(b, ENG_CHANGE_MAGIC, NULL);
	(void)pt_buf_printf(b, NULL,
	    "kind=%s\nattempted=%d\nuidvalidity=%" PRIu32 "\nflags_add=%" PRIu32
	    "\nflags_remove=%" PRIu32 "\ndate=%" PRId64 "\nuids=",
	    eng_job_kind_name(j->kind), attempted, j->uidvalidity, j->flags_add,
	    j->flags_remove, j->date);
	for (i = 0; i < j->nuids; i++)
		(void)pt_buf_printf(b, NULL, "%s%" PRIu32, i > 0 ? "," : "",
		    j->uids[i]);
	(void)pt_buf_addch(b, '\n', NULL);
	if (j->folder != NULL)
		eng_change_str(b, "folder", j->folder, strlen(j->folder));
	if (j->target != NULL)
		eng_change_str(b, "target", j->target, strlen(j->target));
	if (j->data != NULL)
		eng_change_str(b, "data", j->data, j->len);
}

/* Reads an unsigned number of at most max; -1 when it is not one. */
static int
eng_change_num(const char *s, const char *end, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;

	if (s == end)
		return -1;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9' ||
		    x > (max - (uint64_t)(*s - '0')) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return 0;
}

/* The job of a record, or NULL when it cannot be read. */
struct eng_job *
eng_change_decode(const char *p, size_t len, size_t account, int *attempted)
{
	const char *end = p + len;
	struct eng_job *j;
	int kind = -1;

	*attempted = 1; /* unknown: check before sending again */
	if (len < strlen(ENG_CHANGE_MAGIC) ||
	    memcmp(p, ENG_CHANGE_MAGIC, strlen(ENG_CHANGE_MAGIC)) != 0)
		return NULL;
	p += strlen(ENG_CHANGE_MAGIC);
	j = eng_job_new(ENG_JOB_FLAGS, account);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eq, *colon;
		uint64_t v;

		if (nl == NULL)
			goto bad;
		eq = memchr(p, '=', (size_t)(nl - p));
		colon = memchr(p, ':', (size_t)(nl - p));
		if (colon != NULL && (eq == NULL || colon < eq)) {
			char **dst = NULL;
			size_t n = (size_t)(colon - p);

			if (eng_change_num(colon + 1, nl, ENG_CHANGE_MAX, &v) ==
				-1 ||
			    v > (uint64_t)(end - nl - 1) || nl[1 + v] != '\n')
				goto bad;
			if (n == 6 && memcmp(p, "folder", 6) == 0)
				dst = &j->folder;
			else if (n == 6 && memcmp(p, "target", 6) == 0)
				dst = &j->target;
			else if (n == 4 && memcmp(p, "data", 4) == 0) {
				dst = &j->data;
				j->len = (size_t)v;
			}
			if (dst != NULL) {
				/* Not strndup: a message may hold NUL bytes. */
				free(*dst);
				*dst = pt_xmalloc((size_t)v + 1);
				memcpy(*dst, nl + 1, (size_t)v);
				(*dst)[v] = '\0';
			}
			p = nl + 1 + v + 1;
			continue;
		}
		if (eq == NULL)
			goto bad;
#define ENG_IS(name)                                                           \
	((size_t)(eq - p) == strlen(name) && memcmp(p, name, strlen(name)) == 0)
		if (ENG_IS("kind")) {
			int k;

			for (k = 0; k < ENG_JOB_NKINDS; k++)
				if ((size_t)(nl - eq - 1) ==
					strlen(eng_job_kind_name(k)) &&
				    memcmp(eq + 1, eng_job_kind_name(k),
					(size_t)(nl - eq - 1)) == 0)
					kind = k;
		} else if (ENG_IS("attempted")) {
			if (eng_change_num(eq + 1, nl, 1, &v) == -1)
				goto bad;
			*attempted = (int)v;
		} else if (ENG_IS("uidvalidity") || ENG_IS("flags_add") ||
			   ENG_IS("flags_remove")) {
			if (eng_change_num(eq + 1, nl, UINT32_MAX, &v) == -1)
				goto bad;
			if (ENG_IS("uidvalidity"))
				j->uidvalidity = (uint32_t)v;
			else if (ENG_IS("flags_add"))
				j->flags_add = (uint32_t)v;
			else
				j->flags_remove = (uint32_t)v;
		} else if (ENG_IS("date")) {
			if (eng_change_num(eq + 1, nl, INT64_MAX, &v) == -1)
				goto bad;
			j->date = (int64_t)v;
		} else if (ENG_IS("uids")) {
			const char *q = eq + 1;

			while (q < nl) {
				const char *c =
				    memchr(q, ',', (size_t)(nl - q));

				if (c == NULL)
					c = nl;
				if (eng_change_num(q, c, UINT32_MAX, &v) ==
					-1 ||
				    v == 0)
					goto bad;
				j->uids = pt_xreallocarray(j->uids,
				    j->nuids + 1, sizeof *j->uids);
				j->uids[j->nuids++] = (uint32_t)v;
				q = c < nl ? c + 1 : nl;
			}
		}
#undef ENG_IS
		p = nl + 1;
	}
	if (kind < 0 || !eng_job_is_write((enum eng_job_kind)kind) ||
	    j->folder == NULL)
		goto bad;
	j->kind = (enum eng_job_kind)kind;
	return j;
bad:
	eng_job_free(&j);
	return NULL;
}

/* Writes a record (*qid 0: a new one).  0, or -1 (logged). */
static int
eng_replay_write(struct eng_worker *w, uint64_t *qid, const struct pt_buf *b)
{
	struct pt_error err;
	int fresh = *qid == 0;

	pt_error_init(&err);
	if (store_queue_put(w->changes, *qid, b->data, b->len, qid, &err) ==
	    -1) {
		pt_warn("engine: %s: cannot keep a change on disk: %s",
		    w->acct->id, err.msg);
		return -1;
	}
	if (fresh)
		w->npending++;
	return 0;
}

static void
eng_replay_forget(struct eng_worker *w, uint64_t qid)
{
	struct pt_error err;

	pt_error_init(&err);
	if (store_queue_remove(w->changes, qid, &err) == -1)
		pt_warn("engine: %s: %s", w->acct->id, err.msg);
	else if (w->npending > 0)
		w->npending--;
}

/* Tells the UI how many changes wait, when that changed. */
static void
eng_replay_count(struct eng_worker *w)
{
	struct eng_event *ev;

	if (w->npending == w->posted_pending)
		return;
	w->posted_pending = w->npending;
	ev = eng_event_new(w, ENG_EV_PENDING, NULL, NULL);
	ev->u.count = w->npending;
	eng_event_post(w, ev);
}

/* UIDs only mean something with their UIDVALIDITY: record it. */
static void
eng_replay_uidvalidity(struct eng_worker *w, struct eng_job *j)
{
	if (j->uidvalidity == 0 && j->nuids > 0)
		j->uidvalidity = eng_folder_uidvalidity(w, j->folder);
}

void
eng_replay_load(struct eng_worker *w)
{
	struct pt_error err;
	uint64_t *seqs = NULL;
	size_t n = 0, i, loaded = 0;
	char *dir;

	if (w->store == NULL)
		return;
	pt_error_init(&err);
	/* The old place, in the cache, is emptied into the new one. */
	dir = pt_xdg_path(PT_XDG_DATA, w->acct->id);
	w->changes = store_queue_open(dir, store_dir(w->store), &err);
	free(dir);
	if (w->changes == NULL) {
		pt_warn("engine: %s: changes made offline are kept in memory "
			"only: %s",
		    w->acct->id, err.msg);
		return;
	}
	if (store_queue_list(w->changes, &seqs, &n, &err) == -1) {
		pt_warn("engine: %s: %s", w->acct->id, err.msg);
		return;
	}
	for (i = 0; i < n; i++) {
		struct eng_task *t;
		struct eng_job *j;
		size_t len = 0;
		int attempted;
		char *data = store_queue_read(w->changes, seqs[i], &len, &err);

		if (data == NULL) {
			pt_warn("engine: %s: %s", w->acct->id, err.msg);
			pt_error_init(&err);
			continue;
		}
		j = eng_change_decode(data, len, w->account, &attempted);
		free(data);
		w->npending++;
		if (j == NULL) {
			/* Not ours to guess at: leave it for people. */
			pt_warn("engine: %s: a damaged change record "
				"%020" PRIu64 " in %s was set aside",
			    w->acct->id, seqs[i], store_queue_dir(w->changes));
			w->npending--;
			continue;
		}
		t = pt_xcalloc(1, sizeof *t);
		t->job = j;
		t->qid = seqs[i];
		t->attempted = attempted;
		t->marked = attempted;
		t->replayed = 1;
		pthread_mutex_lock(&w->eng->lock);
		t->id = w->eng->next_id++;
		pthread_mutex_unlock(&w->eng->lock);
		pthread_mutex_lock(&w->lock);
		TAILQ_INSERT_TAIL(&w->queue, t, entry);
		pthread_mutex_unlock(&w->lock);
		loaded++;
	}
	free(seqs);
	if (loaded > 0)
		pt_info("engine: %s: %zu changes made offline are waiting for "
			"the server",
		    w->acct->id, loaded);
	eng_replay_count(w);
}

void
eng_replay_sync(struct eng_worker *w)
{
	for (;;) {
		struct eng_task *t;
		struct pt_buf b;
		uint64_t id = 0, qid = 0, *forget = NULL;
		size_t nforget = 0, i;

		pthread_mutex_lock(&w->lock);
		forget = w->forget;
		nforget = w->nforget;
		w->forget = NULL;
		w->nforget = 0;
		for (t = TAILQ_FIRST(&w->queue); t != NULL;
		     t = TAILQ_NEXT(t, entry))
			if (t->qid == 0 && eng_job_is_write(t->job->kind))
				break;
		if (t != NULL && w->changes != NULL) {
			id = t->id;
			eng_replay_uidvalidity(w, t->job);
			eng_change_encode(t->job, 0, &b);
		}
		pthread_mutex_unlock(&w->lock);
		for (i = 0; i < nforget && w->changes != NULL; i++)
			eng_replay_forget(w, forget[i]);
		free(forget);
		if (id == 0)
			break;
		if (eng_replay_write(w, &qid, &b) == -1) {
			pt_buf_release(&b);
			break;
		}
		pt_buf_release(&b);
		pthread_mutex_lock(&w->lock);
		for (t = TAILQ_FIRST(&w->queue); t != NULL && t->id != id;
		     t = TAILQ_NEXT(t, entry))
			;
		if (t != NULL)
			t->qid = qid;
		pthread_mutex_unlock(&w->lock);
		if (t == NULL)
			eng_replay_forget(w, qid); /* cancelled meanwhile */
	}
	eng_replay_count(w);
}

void
eng_replay_begin(struct eng_worker *w, struct eng_task *t)
{
	struct eng_job *j = t->job;
	struct pt_buf b;

	if (w->changes == NULL || !eng_job_is_write(j->kind))
		return;
	if (t->qid != 0 && (t->marked || !eng_replay_risky(j->kind)))
		return;
	eng_replay_uidvalidity(w, j);
	eng_change_encode(j, eng_replay_risky(j->kind), &b);
	if (eng_replay_write(w, &t->qid, &b) == 0 && eng_replay_risky(j->kind))
		t->marked = 1;
	pt_buf_release(&b);
	eng_replay_count(w);
}

void
eng_replay_end(struct eng_worker *w, struct eng_task *t)
{
	if (w->changes == NULL || t->qid == 0)
		return;
	eng_replay_forget(w, t->qid);
	t->qid = 0;
	eng_replay_count(w);
}

void
eng_replay_close(struct eng_worker *w)
{
	free(w->forget);
	w->forget = NULL;
	w->nforget = 0;
	store_queue_free(&w->changes);
}

/* The UIDs of a job that are still in the selected folder. */
struct eng_replay_uids {
	const struct eng_job *j;
	uint32_t *v;
	size_t n;
};

static int
eng_replay_uids_msg(void *arg, const struct imap_msg *m)
{
	struct eng_replay_uids *u = arg;

	if (m->uid == 0 || bsearch(&m->uid, u->j->uids, u->j->nuids,
			       sizeof m->uid, eng_u32_cmp) == NULL)
		return 0;
	u->v = pt_xreallocarray(u->v, u->n + 1, sizeof *u->v);
	u->v[u->n++] = m->uid;
	return 0;
}

/* The Message-IDs of a job's UIDs. */
struct eng_replay_ids {
	const struct eng_job *j;
	uint32_t *uid;
	char **id;
	size_t n;
};

static int
eng_replay_ids_msg(void *arg, const struct imap_msg *m)
{
	struct eng_replay_ids *x = arg;
	struct imap_summary sum;

	if (m->uid == 0 || m->header == NULL ||
	    bsearch(&m->uid, x->j->uids, x->j->nuids, sizeof m->uid,
		eng_u32_cmp) == NULL)
		return 0;
	imap_summary_parse(&sum, m->header, m->headerlen);
	x->uid = pt_xreallocarray(x->uid, x->n + 1, sizeof *x->uid);
	x->id = pt_xreallocarray(x->id, x->n + 1, sizeof *x->id);
	x->uid[x->n] = m->uid;
	x->id[x->n] = pt_xstrdup(sum.str[STORE_MESSAGE_ID]);
	x->n++;
	imap_summary_release(&sum);
	return 0;
}

/*
 * 1 when folder (UTF-8) holds a message with that Message-ID, 0 when
 * not (or it cannot be told: no Message-ID), -1 with err.
 */
static int
eng_replay_in_target(struct eng_worker *w, const char *folder,
    const char *msgid, struct pt_error *err)
{
	uint32_t *uids = NULL;
	size_t n = 0;

	if (msgid == NULL || *msgid == '\0' || strpbrk(msgid, "\r\n") != NULL)
		return 0;
	if (eng_worker_select(w, folder, err) == -1 ||
	    imap_search_header(w->s, "Message-ID", msgid, &uids, &n, err) == -1)
		return -1;
	free(uids);
	return n > 0;
}

int
eng_replay_check(struct eng_worker *w, struct eng_task *t, struct pt_error *err)
{
	struct eng_job *j = t->job;
	struct imap_uidset us;
	int r = 0;

	if (!t->attempted || !eng_replay_risky(j->kind))
		return 0;
	memset(&us, 0, sizeof us);
	us.uids = j->uids;
	us.n = j->nuids;
	if (j->nuids > 1)
		qsort(j->uids, j->nuids, sizeof *j->uids, eng_u32_cmp);
	if (j->kind == ENG_JOB_MOVE) {
		struct eng_replay_uids u;

		memset(&u, 0, sizeof u);
		u.j = j;
		if (eng_ops_prepare(w, t, err) == -1 ||
		    imap_fetch_flags(w->s, &us, 0, eng_replay_uids_msg, &u,
			err) == -1) {
			free(u.v);
			return -1;
		}
		eng_worker_apply(w, t);
		if (u.n < j->nuids)
			pt_info("engine: %s: a move to '%s' was interrupted; "
				"%zu of %zu messages are still to move",
			    w->acct->id, j->target, u.n, j->nuids);
		if (u.n > 1)
			qsort(u.v, u.n, sizeof *u.v, eng_u32_cmp);
		free(j->uids);
		j->uids = u.v;
		j->nuids = u.n;
		return u.n == 0;
	}
	if (j->kind == ENG_JOB_APPEND) {
		struct imap_summary sum;
		const char *end =
		    j->data != NULL ? strstr(j->data, "\r\n\r\n") : NULL;

		if (eng_worker_connect(w, t, err) == -1)
			return -1;
		imap_summary_parse(&sum, j->data != NULL ? j->data : "",
		    end != NULL ? (size_t)(end - j->data) + 2 : j->len);
		r = eng_replay_in_target(w, j->folder,
		    sum.str[STORE_MESSAGE_ID], err);
		imap_summary_release(&sum);
		if (r == 1)
			pt_info("engine: %s: an interrupted append to '%s' had "
				"reached the server; not sent again",
			    w->acct->id, j->folder);
		return r;
	}
	/* COPY: leave out the messages already in the target. */
	{
		struct eng_replay_ids x;
		size_t i, left = 0;

		memset(&x, 0, sizeof x);
		x.j = j;
		if (eng_ops_prepare(w, t, err) == -1 ||
		    imap_fetch_summaries(w->s, &us, 0, eng_replay_ids_msg, &x,
			err) == -1)
			r = -1;
		eng_worker_apply(w, t);
		for (i = 0; r != -1 && i < x.n; i++) {
			int in =
			    eng_replay_in_target(w, j->target, x.id[i], err);

			if (in == -1)
				r = -1;
			else if (in == 0)
				j->uids[left++] = x.uid[i];
		}
		for (i = 0; i < x.n; i++)
			free(x.id[i]);
		free(x.id);
		free(x.uid);
		if (r == -1)
			return -1;
		if (left < j->nuids)
			pt_info("engine: %s: an interrupted copy to '%s' had "
				"reached the server for %zu of %zu messages",
			    w->acct->id, j->target, j->nuids - left, j->nuids);
		j->nuids = left;
		return left == 0;
	}
}
