/*
 * The engine as the UI sees it: starting and stopping the account
 * workers, the event queue and its wakeup fd, submitting and cancelling
 * jobs, and the answers to password and certificate questions.  Every
 * function here runs on the calling (UI) thread and only takes locks
 * for a few instructions; nothing here waits on the network.
 */
#include "config.h"

#include <sys/eventfd.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/net.h"

#include "private.h"

static int eng_job_check(const struct eng *, struct eng_job *,
    struct pt_error *);
static void eng_worker_free(struct eng_worker **);

long long
eng_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
eng_fd_poke(int fd)
{
	uint64_t one = 1;
	ssize_t r;

	do
		r = write(fd, &one, sizeof one);
	while (r == -1 && errno == EINTR);
}

static void
eng_fd_drain(int fd)
{
	uint64_t v;
	ssize_t r;

	do
		r = read(fd, &v, sizeof v);
	while (r == -1 && errno == EINTR);
}

struct eng *
eng_new(const struct cfg *cfg, const struct eng_options *opt,
    struct pt_error *err)
{
	struct eng *e;
	sigset_t old;
	size_t i;

	e = pt_xcalloc(1, sizeof *e);
	e->cfg = cfg;
	if (opt != NULL)
		e->opt = *opt;
	if (e->opt.cache_dir != NULL)
		e->opt.cache_dir = pt_xstrdup(e->opt.cache_dir);
	if (e->opt.poll_seconds <= 0)
		e->opt.poll_seconds = 60;
	if (e->opt.backoff_min_ms <= 0)
		e->opt.backoff_min_ms = 1000;
	if (e->opt.backoff_max_ms <= 0)
		e->opt.backoff_max_ms = 60000;
	if (e->opt.backoff_max_ms < e->opt.backoff_min_ms)
		e->opt.backoff_max_ms = e->opt.backoff_min_ms;
	TAILQ_INIT(&e->events);
	TAILQ_INIT(&e->senders);
	pthread_mutex_init(&e->lock, NULL);
	e->next_id = 1;
	e->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (e->wake_fd == -1) {
		pt_error_set(err, PT_E_INTERNAL, errno,
		    _("cannot create the engine's wakeup fd: %s"),
		    strerror(errno));
		pthread_mutex_destroy(&e->lock);
		free((char *)e->opt.cache_dir);
		free(e);
		return NULL;
	}
	e->nw = cfg != NULL ? cfg_account_count(cfg) : 0;
	e->w = pt_xcalloc(e->nw + 1, sizeof *e->w);
	for (i = 0; i < e->nw; i++) {
		struct eng_worker *w = pt_xcalloc(1, sizeof *w);

		w->eng = e;
		w->account = i;
		w->acct = cfg_account_at(cfg, i);
		pthread_mutex_init(&w->lock, NULL);
		TAILQ_INIT(&w->queue);
		pt_secret_init(&w->pw_answer);
		pt_secret_init(&w->password);
		pt_secret_init(&w->typed_pw);
		imap_updates_init(&w->upd);
		pt_error_init(&w->last_err);
		atomic_init(&w->exited, 0);
		w->state = ENG_CONN_OFFLINE;
		w->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		w->watch_wake_fd = -1;
		e->w[i] = w;
		if (w->wake_fd == -1) {
			pt_error_set(err, PT_E_INTERNAL, errno,
			    _("cannot create a worker's wakeup fd: %s"),
			    strerror(errno));
			eng_free(&e);
			return NULL;
		}
	}
	eng_block_signals(&old);
	for (i = 0; i < e->nw; i++) {
		int r = pthread_create(&e->w[i]->thread, NULL, eng_worker_main,
		    e->w[i]);

		if (r != 0) {
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			pt_error_set(err, PT_E_INTERNAL, r,
			    _("cannot start a worker thread: %s"), strerror(r));
			eng_free(&e);
			return NULL;
		}
		e->w[i]->started = 1;
	}
	(void)eng_reader_start(e);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return e;
}

static void
eng_worker_free(struct eng_worker **wp)
{
	struct eng_worker *w = *wp;
	struct eng_task *t;

	if (w == NULL)
		return;
	while ((t = TAILQ_FIRST(&w->queue)) != NULL) {
		TAILQ_REMOVE(&w->queue, t, entry);
		eng_task_free(&t);
	}
	if (w->wake_fd != -1)
		close(w->wake_fd);
	pt_secret_release(&w->pw_answer);
	pt_secret_release(&w->password);
	pt_secret_release(&w->typed_pw);
	imap_updates_release(&w->upd);
	pthread_mutex_destroy(&w->lock);
	free(w);
	*wp = NULL;
}

/* Waits until every started worker has exited or ms passed. */
static int
eng_wait_exit(struct eng *e, int ms)
{
	long long end = eng_now_ms() + ms;
	size_t i;

	for (;;) {
		int all = 1;

		for (i = 0; i < e->nw; i++)
			if (e->w[i] != NULL && e->w[i]->started &&
			    !atomic_load(&e->w[i]->exited))
				all = 0;
		if (all)
			return 1;
		if (eng_now_ms() >= end)
			return 0;
		{
			struct timespec ts = {0, 10 * 1000 * 1000};

			nanosleep(&ts, NULL);
		}
	}
}

/*
 * Blocks every asynchronous signal in the calling thread (old gets the
 * mask to restore), so that the threads it starts inherit none: one
 * landing inside libetpan aborts its call (LIBETPAN.md section 6).
 * Synchronous ones stay.
 */
void
eng_block_signals(sigset_t *old)
{
	sigset_t all;

	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGABRT);
	pthread_sigmask(SIG_BLOCK, &all, old);
}

void
eng_free(struct eng **ep)
{
	struct eng *e;
	struct eng_evnode *n;
	size_t i;
	int leak = 0;

	if (ep == NULL || *ep == NULL)
		return;
	e = *ep;
	leak = eng_senders_stop(e);
	/* The reader posts through the workers: it stops first. */
	eng_reader_stop(e);
	for (i = 0; i < e->nw; i++) {
		struct eng_worker *w = e->w[i];

		if (w == NULL)
			continue;
		pthread_mutex_lock(&w->lock);
		w->quit = 1;
		if (w->wake_fd != -1)
			eng_fd_poke(w->wake_fd);
		/* Not logged in yet: there is nothing to log out of. */
		if (w->logging_in && w->token != NULL)
			net_cancel_fire(w->token);
		pthread_mutex_unlock(&w->lock);
	}
	if (!eng_wait_exit(e, 2000)) {
		/* Break whatever they wait for on the network. */
		for (i = 0; i < e->nw; i++) {
			struct eng_worker *w = e->w[i];

			if (w == NULL)
				continue;
			pthread_mutex_lock(&w->lock);
			if (w->token != NULL)
				net_cancel_fire(w->token);
			if (w->watch_token != NULL)
				net_cancel_fire(w->watch_token);
			pthread_mutex_unlock(&w->lock);
		}
		(void)eng_wait_exit(e, 3000);
	}
	for (i = 0; i < e->nw; i++) {
		struct eng_worker *w = e->w[i];

		if (w == NULL)
			continue;
		if (w->started && !atomic_load(&w->exited)) {
			/* Stuck (in getaddrinfo, say): let it go. */
			pthread_detach(w->thread);
			pt_warn("engine: a worker did not stop; leaving it");
			leak = 1;
			continue;
		}
		if (w->started)
			pthread_join(w->thread, NULL);
		eng_worker_free(&e->w[i]);
	}
	while ((n = TAILQ_FIRST(&e->events)) != NULL) {
		struct eng_event *ev = &n->ev;

		TAILQ_REMOVE(&e->events, n, entry);
		eng_event_free(&ev);
	}
	if (leak) {
		/* A stuck worker may still post: keep the queue alive. */
		*ep = NULL;
		return;
	}
	free(e->w);
	close(e->wake_fd);
	pthread_mutex_destroy(&e->lock);
	free((char *)e->opt.cache_dir);
	free(e);
	*ep = NULL;
}

int
eng_wakeup_fd(const struct eng *e)
{
	return e->wake_fd;
}

struct eng_event *
eng_event_next(struct eng *e)
{
	struct eng_evnode *n;

	pthread_mutex_lock(&e->lock);
	n = TAILQ_FIRST(&e->events);
	if (n != NULL)
		TAILQ_REMOVE(&e->events, n, entry);
	else
		eng_fd_drain(e->wake_fd);
	pthread_mutex_unlock(&e->lock);
	return n != NULL ? &n->ev : NULL;
}

/* Events, as the workers make them. */

struct eng_event *
eng_event_new(struct eng_worker *w, enum eng_event_kind kind,
    const struct eng_task *t, const char *folder)
{
	struct eng_evnode *n = pt_xcalloc(1, sizeof *n);

	n->ev.kind = kind;
	n->ev.account = w->account;
	pt_error_init(&n->ev.err);
	if (t != NULL) {
		n->ev.job_id = t->id;
		n->ev.job_kind = t->job->kind;
	}
	if (folder != NULL)
		n->ev.folder = pt_xstrdup(folder);
	return &n->ev;
}

void
eng_event_post(struct eng_worker *w, struct eng_event *ev)
{
	struct eng *e = w->eng;
	struct eng_evnode *n = (struct eng_evnode *)ev;

	pthread_mutex_lock(&e->lock);
	TAILQ_INSERT_TAIL(&e->events, n, entry);
	eng_fd_poke(e->wake_fd);
	pthread_mutex_unlock(&e->lock);
}

void
eng_post_done(struct eng_worker *w, struct eng_task *t, uint32_t uid)
{
	struct eng_event *ev = eng_event_new(w, ENG_EV_DONE, t, t->job->folder);

	ev->u.done.uid = uid;
	eng_event_post(w, ev);
}

void
eng_post_failed(struct eng_worker *w, struct eng_task *t,
    const struct pt_error *err)
{
	struct eng_event *ev =
	    eng_event_new(w, ENG_EV_FAILED, t, t->job->folder);

	if (err != NULL && err->class != PT_OK)
		ev->err = *err;
	else
		pt_error_set(&ev->err, PT_E_INTERNAL, 0,
		    _("the operation failed"));
	if (ev->err.detail[0] != '\0')
		pt_debug("engine: job %llu (%s) failed: %s (%s)",
		    (unsigned long long)t->id, eng_job_kind_name(t->job->kind),
		    ev->err.msg, ev->err.detail);
	eng_event_post(w, ev);
}

void
eng_post_conn(struct eng_worker *w, enum eng_conn state, int retry_in,
    const struct pt_error *err)
{
	struct eng_event *ev = eng_event_new(w, ENG_EV_CONN, NULL, NULL);

	ev->u.conn.state = state;
	ev->u.conn.retry_in = retry_in;
	if (err != NULL)
		ev->err = *err;
	w->state = state;
	eng_event_post(w, ev);
}

void
eng_post_progress(struct eng_worker *w, struct eng_task *t, uint64_t done,
    uint64_t total, enum eng_unit unit, int force)
{
	struct eng_event *ev;
	long long now = eng_now_ms();

	if (t == NULL || (!force && now - t->progress_ms < 100))
		return;
	t->progress_ms = now;
	ev = eng_event_new(w, ENG_EV_PROGRESS, t, t->job->folder);
	ev->u.progress.done = done;
	ev->u.progress.total = total;
	ev->u.progress.unit = unit;
	eng_event_post(w, ev);
}

void
eng_task_free(struct eng_task **tp)
{
	if (tp == NULL || *tp == NULL)
		return;
	eng_job_free(&(*tp)->job);
	free(*tp);
	*tp = NULL;
}

int
eng_task_cancelled(struct eng_worker *w, const struct eng_task *t)
{
	int c;

	pthread_mutex_lock(&w->lock);
	c = t != NULL && w->cancel_id == t->id;
	pthread_mutex_unlock(&w->lock);
	return c;
}

/* Jobs. */

static int
eng_str_ok(const char *s)
{
	return s == NULL || strpbrk(s, "\r\n") == NULL;
}

static int
eng_job_check(const struct eng *e, struct eng_job *j, struct pt_error *err)
{
	if (j->kind >= ENG_JOB_NKINDS)
		return pt_error_set(err, PT_E_INTERNAL, 0, _("unknown job"));
	if (j->account >= e->nw)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("there is no account number %zu"), j->account + 1);
	if (!eng_str_ok(j->folder) || !eng_str_ok(j->target) ||
	    !eng_str_ok(j->search.text) || !eng_str_ok(j->part))
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("a folder name or text contains a line break"));
	if (eng_job_needs_folder(j->kind) &&
	    (j->folder == NULL || j->folder[0] == '\0'))
		return pt_error_set(err, PT_E_INTERNAL, 0,
		    _("no folder given for '%s'"), eng_job_kind_name(j->kind));
	if ((j->folder != NULL &&
		!pt_utf8_valid(j->folder, strlen(j->folder))) ||
	    (j->target != NULL && !pt_utf8_valid(j->target, strlen(j->target))))
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("a folder name is not valid UTF-8"));
	switch (j->kind) {
	case ENG_JOB_FETCH:
	case ENG_JOB_STRUCTURE:
		if (j->uid == 0)
			return pt_error_set(err, PT_E_INTERNAL, 0,
			    _("no message given"));
		if (j->part != NULL && j->part[0] != '\0' &&
		    strspn(j->part, "0123456789.") != strlen(j->part))
			return pt_error_set(err, PT_E_INTERNAL, 0,
			    _("bad part number '%s'"), j->part);
		break;
	case ENG_JOB_FLAGS:
	case ENG_JOB_COPY:
	case ENG_JOB_MOVE:
	case ENG_JOB_SUMMARIES:
		if (j->nuids == 0 || j->uids == NULL)
			return pt_error_set(err, PT_E_INTERNAL, 0,
			    _("no messages given"));
		if ((j->kind == ENG_JOB_COPY || j->kind == ENG_JOB_MOVE) &&
		    (j->target == NULL || j->target[0] == '\0'))
			return pt_error_set(err, PT_E_INTERNAL, 0,
			    _("no target folder given"));
		break;
	case ENG_JOB_RENAME:
		if (j->target == NULL || j->target[0] == '\0')
			return pt_error_set(err, PT_E_INTERNAL, 0,
			    _("no new name given"));
		break;
	case ENG_JOB_APPEND:
		if (j->data == NULL || j->len == 0)
			return pt_error_set(err, PT_E_INTERNAL, 0,
			    _("no message to store"));
		break;
	case ENG_JOB_SEND:
		if ((j->path == NULL) == (j->target == NULL) ||
		    (j->target != NULL &&
			strlen(j->target) >= ENG_OUTBOX_ID_MAX))
			return pt_error_set(err, PT_E_INTERNAL, 0,
			    _("no message to send"));
		break;
	case ENG_JOB_POSTPONE:
		if (j->path == NULL)
			return pt_error_set(err, PT_E_INTERNAL, 0,
			    _("no draft to postpone"));
		break;
	case ENG_JOB_ADDRESSES:
	case ENG_JOB_SEARCH:
		if (j->search.text != NULL &&
		    !pt_utf8_valid(j->search.text, strlen(j->search.text)))
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("the search text is not valid UTF-8"));
		break;
	default:
		break;
	}
	if (j->nuids > 0 && j->uids != NULL) {
		size_t i, k;

		if (j->nuids > 1)
			qsort(j->uids, j->nuids, sizeof *j->uids, eng_u32_cmp);
		for (i = k = 0; i < j->nuids; i++)
			if (j->uids[i] != 0 &&
			    (k == 0 || j->uids[k - 1] != j->uids[i]))
				j->uids[k++] = j->uids[i];
		j->nuids = k;
		if (k == 0 && j->kind != ENG_JOB_EXPUNGE)
			return pt_error_set(err, PT_E_INTERNAL, 0,
			    _("no messages given"));
	}
	return 0;
}

uint64_t
eng_submit(struct eng *e, struct eng_job *j, struct pt_error *err)
{
	struct eng_worker *w;
	struct eng_task *t;
	uint64_t id;

	if (j == NULL)
		return 0;
	if (eng_job_check(e, j, err) == -1) {
		eng_job_free(&j);
		return 0;
	}
	w = e->w[j->account];
	t = pt_xcalloc(1, sizeof *t);
	t->job = j;
	pthread_mutex_lock(&e->lock);
	id = e->next_id++;
	pthread_mutex_unlock(&e->lock);
	t->id = id;
	if (j->kind == ENG_JOB_SEND) {
		/* A sender of its own: never behind the IMAP worker. */
		if (eng_sender_start(e, t, err) != 0) {
			eng_task_free(&t);
			return 0;
		}
		return id;
	}
	if (eng_reader_take(e, t))
		return id;
	pthread_mutex_lock(&w->lock);
	TAILQ_INSERT_TAIL(&w->queue, t, entry);
	eng_fd_poke(w->wake_fd);
	pthread_mutex_unlock(&w->lock);
	return id;
}

int
eng_cancel(struct eng *e, uint64_t id)
{
	size_t i;

	if (eng_senders_cancel(e, id) == 0)
		return 0;
	for (i = 0; i < e->nw; i++) {
		struct eng_worker *w = e->w[i];
		struct eng_task *t;

		pthread_mutex_lock(&w->lock);
		for (t = TAILQ_FIRST(&w->queue); t != NULL && t->id != id;
		     t = TAILQ_NEXT(t, entry))
			;
		if (t != NULL) {
			struct pt_error err;

			TAILQ_REMOVE(&w->queue, t, entry);
			if (t->qid != 0) {
				/* Its record goes too (by the worker). */
				w->forget = pt_xreallocarray(w->forget,
				    w->nforget + 1, sizeof *w->forget);
				w->forget[w->nforget++] = t->qid;
				eng_fd_poke(w->wake_fd);
			}
			pthread_mutex_unlock(&w->lock);
			pt_error_init(&err);
			pt_error_set(&err, PT_E_CANCELLED, 0, _("cancelled"));
			eng_post_failed(w, t, &err);
			eng_task_free(&t);
			return 0;
		}
		if ((w->running != NULL && w->running->id == id) ||
		    w->bg_id == id) {
			w->cancel_id = id;
			if (!w->graceful && w->running != NULL &&
			    w->running->id == id && w->token != NULL)
				net_cancel_fire(w->token);
			eng_fd_poke(w->wake_fd);
			pthread_mutex_unlock(&w->lock);
			return 0;
		}
		pthread_mutex_unlock(&w->lock);
	}
	return -1;
}

void
eng_password(struct eng *e, size_t account, const char *pw)
{
	struct eng_worker *w;

	if (account >= e->nw)
		return;
	w = e->w[account];
	pthread_mutex_lock(&w->lock);
	pt_secret_release(&w->pw_answer);
	if (pw != NULL) {
		pt_secret_set(&w->pw_answer, pw, strlen(pw));
		w->pw_answered = 1;
	} else
		w->pw_answered = -1;
	eng_fd_poke(w->wake_fd);
	pthread_mutex_unlock(&w->lock);
}

void
eng_trust_cert(struct eng *e, size_t account, enum eng_trust how)
{
	struct eng_worker *w;

	if (account >= e->nw)
		return;
	w = e->w[account];
	pthread_mutex_lock(&w->lock);
	w->trust_answered = 1;
	w->trust_answer = how;
	eng_fd_poke(w->wake_fd);
	pthread_mutex_unlock(&w->lock);
}
