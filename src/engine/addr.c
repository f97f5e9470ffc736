/*
 * addr.c: ENG_JOB_ADDRESSES, the address book's matches for a
 * completion or a query.  They run on a reader thread of their own, not
 * on the account's worker: a Tab must not wait behind a sync or a
 * connection attempt.  The reader only reads the account's cache (a
 * store handle of its own, sharing the worker's LMDB environment), so
 * it works offline too; an account without a cache has an empty book.
 * It posts its events like a worker (eng_event_post takes the engine's
 * lock); eng_free stops it before the workers.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/store.h"

#include "private.h"

#define ENG_ADDR_ROWS 50

struct eng_reader {
	struct eng *eng;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct eng_taskq queue;
	int quit;
	struct store **stores; /* per account, opened on first use */
	int *no_store;         /* per account: opening failed */
};

static void *eng_reader_main(void *);
static int eng_addr_query(struct eng_worker *, struct store *,
    struct eng_task *, struct pt_error *);

/* Matches from st (NULL: none) as one ADDRESSES event.  0 or -1. */
static int
eng_addr_query(struct eng_worker *w, struct store *st, struct eng_task *t,
    struct pt_error *err)
{
	struct eng_addr_list *l = pt_xcalloc(1, sizeof *l);
	struct store_addr *v = NULL;
	struct eng_event *ev;
	size_t n = 0, i;

	if (st != NULL && store_addr_query(st, t->job->search.text,
			      t->job->rows > 0 ? t->job->rows : ENG_ADDR_ROWS,
			      &v, &n, err) != 0) {
		free(l);
		return -1;
	}
	l->v = pt_xcalloc(n + 1, sizeof *l->v);
	for (i = 0; i < n; i++) {
		/* Moved, not copied. */
		l->v[i].addr = v[i].addr;
		l->v[i].name = v[i].name;
	}
	l->n = n;
	free(v);
	ev = eng_event_new(w, ENG_EV_ADDRESSES, t, NULL);
	ev->u.addrs = l;
	eng_event_post(w, ev);
	return 0;
}

int
eng_addr_run(struct eng_worker *w, struct eng_task *t, struct pt_error *err)
{
	return eng_addr_query(w, w->store, t, err);
}

static void *
eng_reader_main(void *arg)
{
	struct eng_reader *r = arg;
	struct eng *e = r->eng;

	for (;;) {
		struct eng_task *t;
		struct eng_worker *w;
		struct store *st = NULL;
		struct pt_error err;
		size_t a;

		pthread_mutex_lock(&r->lock);
		while (!r->quit && TAILQ_EMPTY(&r->queue))
			pthread_cond_wait(&r->cond, &r->lock);
		if (r->quit) {
			pthread_mutex_unlock(&r->lock);
			break;
		}
		t = TAILQ_FIRST(&r->queue);
		TAILQ_REMOVE(&r->queue, t, entry);
		pthread_mutex_unlock(&r->lock);

		a = t->job->account;
		w = e->w[a];
		pt_error_init(&err);
		if (!e->opt.no_cache && w->acct != NULL &&
		    r->stores[a] == NULL && !r->no_store[a]) {
			struct store_options so;

			memset(&so, 0, sizeof so);
			so.base = e->opt.cache_dir;
			r->stores[a] = store_open(w->acct->id, &so, &err);
			if (r->stores[a] == NULL) {
				pt_warn("engine: %s: no address book: %s",
				    w->acct->id, err.msg);
				r->no_store[a] = 1;
				pt_error_init(&err);
			}
		}
		st = r->stores[a];
		if (eng_addr_query(w, st, t, &err) != 0)
			eng_post_failed(w, t, &err);
		else
			eng_post_done(w, t, 0);
		eng_task_free(&t);
	}
	return NULL;
}

int
eng_reader_start(struct eng *e)
{
	struct eng_reader *r = pt_xcalloc(1, sizeof *r);
	int rc;

	r->eng = e;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	TAILQ_INIT(&r->queue);
	r->stores = pt_xcalloc(e->nw + 1, sizeof *r->stores);
	r->no_store = pt_xcalloc(e->nw + 1, sizeof *r->no_store);
	if ((rc = pthread_create(&r->thread, NULL, eng_reader_main, r)) != 0) {
		pt_warn("engine: no reader thread (%s): address lookups run "
			"on the account workers",
		    strerror(rc));
		pthread_cond_destroy(&r->cond);
		pthread_mutex_destroy(&r->lock);
		free(r->stores);
		free(r->no_store);
		free(r);
		return -1;
	}
	e->reader = r;
	return 0;
}

int
eng_reader_take(struct eng *e, struct eng_task *t)
{
	struct eng_reader *r = e->reader;

	if (r == NULL || t->job->kind != ENG_JOB_ADDRESSES)
		return 0;
	pthread_mutex_lock(&r->lock);
	TAILQ_INSERT_TAIL(&r->queue, t, entry);
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
	return 1;
}

void
eng_reader_stop(struct eng *e)
{
	struct eng_reader *r = e->reader;
	struct eng_task *t;
	size_t i;

	if (r == NULL)
		return;
	pthread_mutex_lock(&r->lock);
	r->quit = 1;
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
	/* It never waits on the network: a lookup ends in milliseconds. */
	pthread_join(r->thread, NULL);
	while ((t = TAILQ_FIRST(&r->queue)) != NULL) {
		TAILQ_REMOVE(&r->queue, t, entry);
		eng_task_free(&t);
	}
	for (i = 0; i < e->nw; i++)
		store_free(&r->stores[i]);
	free(r->stores);
	free(r->no_store);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	free(r);
	e->reader = NULL;
}

void
eng_addr_list_free(struct eng_addr_list **lp)
{
	struct eng_addr_list *l;
	size_t i;

	if (lp == NULL || (l = *lp) == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].addr);
		free(l->v[i].name);
	}
	free(l->v);
	free(l);
	*lp = NULL;
}
