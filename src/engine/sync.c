/*
 * Opening a folder fast, and keeping it in sync.
 *
 * Warm (the header cache knows the folder at this UIDVALIDITY): the
 * cached index goes to the UI at once, then the server is asked only
 * for what changed.  With QRESYNC: flags changed since the cached
 * HIGHESTMODSEQ and VANISHED UIDs (mailimap_select_condstore plus
 * mailimap_uid_fetch_qresync, never the broken select_qresync); with
 * CONDSTORE only: the changed flags plus the UID list; without either:
 * every message's flags.  Unknown UIDs' headers are fetched after.
 *
 * Cold: SELECT, the newest screenful by sequence number (one round
 * trip, drawn at once), then the UID list, then the rest newest first
 * in UID chunks through libetpan's per-message handler, written to the
 * cache as they come.  That streaming runs in the background of the
 * worker: other jobs of the account may run between its chunks.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/imap.h"
#include "petrel/store.h"

#include "private.h"

/* A cached message, as reconciling needs it. */
struct eng_cached {
	uint32_t uid;
	uint32_t flags;
};

/* Collects FETCH responses with summaries into a batch and the cache. */
struct eng_coll {
	struct eng_worker *w;
	struct eng_task *t;
	struct eng_index *ix;
	size_t cap, acap;
	struct store_batch *batch;
	uint32_t *got;
	size_t ngot, capgot;
	uint32_t min_uid; /* ignore summaries below (for "n:*") */
	uint64_t done_base, total;
};

/* Flags of many messages (the no-CONDSTORE resync). */
struct eng_flagset {
	struct eng_flag_change *v;
	size_t n, cap;
	uint64_t *modseq;
};

static int eng_coll_msg(void *, const struct imap_msg *);
static void eng_coll_flush(struct eng_coll *, size_t);
static void eng_coll_reserve(struct eng_coll *, size_t);
static void eng_coll_init(struct eng_coll *, struct eng_worker *,
    struct eng_task *, struct store_batch *, uint32_t);
static void eng_post_index(struct eng_worker *, struct eng_task *,
    struct eng_index *, int, int, int, size_t);
static int eng_sel_sync(struct eng_worker *, struct eng_task *,
    const struct eng_cached *, size_t, const struct store_folder_info *, size_t,
    struct pt_error *);
static int eng_sync_cold(struct eng_worker *, struct eng_task *,
    const struct imap_selected *, size_t, struct pt_error *);
static int eng_sync_warm(struct eng_worker *, struct eng_task *,
    const struct imap_selected *, const struct eng_cached *, size_t,
    const struct store_folder_info *, struct pt_error *);
static int eng_finish(struct eng_worker *, struct store_batch **,
    const struct imap_selected *);
static int eng_start_bg(struct eng_worker *, struct eng_task *, uint32_t *,
    size_t, struct store_batch *, const struct imap_selected *, size_t, size_t);

int
eng_u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
eng_u32_has(const uint32_t *v, size_t n, uint32_t x)
{
	return n > 0 && bsearch(&x, v, n, sizeof *v, eng_u32_cmp) != NULL;
}

void
eng_sel_clear(struct eng_sel *sel)
{
	free(sel->name);
	free(sel->raw);
	free(sel->uids);
	memset(sel, 0, sizeof *sel);
}

static void
eng_coll_init(struct eng_coll *c, struct eng_worker *w, struct eng_task *t,
    struct store_batch *b, uint32_t uidvalidity)
{
	memset(c, 0, sizeof *c);
	c->w = w;
	c->t = t;
	c->batch = b;
	c->ix = eng_index_new(uidvalidity);
}

/*
 * Room for n messages up front: a batch that grows by doubling leaves
 * holes in the heap that a long sync never fills again.
 */
static void
eng_coll_reserve(struct eng_coll *c, size_t n)
{
	c->cap = n;
	c->ix->msgs = pt_xreallocarray(c->ix->msgs, n, sizeof *c->ix->msgs);
	c->acap = n * 256;
	c->ix->arena = pt_xreallocarray(c->ix->arena, c->acap, 1);
	c->capgot = n;
	c->got = pt_xreallocarray(c->got, n, sizeof *c->got);
}

static void
eng_coll_release(struct eng_coll *c)
{
	eng_index_free(&c->ix);
	free(c->got);
	c->got = NULL;
}

/*
 * After a failure: what was fetched is in the cache already, so the UI
 * must have it too (a later resync will not send it again).
 */
static void
eng_coll_flush(struct eng_coll *c, size_t total)
{
	if (c->ix != NULL && c->ix->n > 0) {
		eng_post_index(c->w, c->t, c->ix, 0, 0, 0, total);
		c->ix = NULL;
	}
}

static int
eng_coll_msg(void *arg, const struct imap_msg *m)
{
	struct eng_coll *c = arg;
	struct eng_worker *w = c->w;
	struct imap_summary sum;
	struct store_msg sm;
	uint32_t flags;

	if (m->header == NULL || m->uid == 0 || m->uid < c->min_uid) {
		/* Not ours: an unsolicited flag change. */
		if (m->has_flags)
			imap_updates_add_flags(&w->upd, m);
		return 0;
	}
	imap_summary_parse(&sum, m->header, m->headerlen);
	flags = m->flags | (sum.attach ? ENG_F_ATTACH : 0);
	if (c->batch != NULL) {
		struct pt_error err;
		size_t f;

		memset(&sm, 0, sizeof sm);
		sm.uid = m->uid;
		sm.flags = flags;
		sm.internaldate = m->internaldate;
		sm.date = sum.date;
		sm.modseq = m->modseq;
		sm.size = m->size;
		for (f = 0; f < STORE_NFIELDS; f++)
			sm.str[f] = sum.str[f];
		sm.cc = sum.cc;
		pt_error_init(&err);
		if (store_batch_put(c->batch, &sm, &err) == -1)
			pt_warn("engine: cache: %s", err.msg);
	}
	eng_index_add(c->ix, &c->cap, &c->acap, m->uid, flags, sum.date,
	    m->internaldate, m->size, (const char *const *)sum.str);
	imap_summary_release(&sum);
	if (c->ngot == c->capgot) {
		c->capgot = c->capgot ? 2 * c->capgot : 64;
		c->got = pt_xreallocarray(c->got, c->capgot, sizeof *c->got);
	}
	c->got[c->ngot++] = m->uid;
	if (c->t != NULL && c->total > 0)
		eng_post_progress(w, c->t, c->done_base + c->ngot, c->total,
		    ENG_UNIT_MESSAGES, 0);
	return 0;
}

static void
eng_post_index(struct eng_worker *w, struct eng_task *t, struct eng_index *ix,
    int reset, int complete, int from_cache, size_t total)
{
	struct eng_event *ev = eng_event_new(w, ENG_EV_INDEX, t, w->sel.name);

	/* The UI may keep batches for long: no slack in them. */
	if (ix->n > 0)
		ix->msgs = pt_xreallocarray(ix->msgs, ix->n, sizeof *ix->msgs);
	if (ix->arena_len > 0)
		ix->arena = pt_xreallocarray(ix->arena, ix->arena_len, 1);
	ix->reset = reset;
	ix->complete = complete;
	ix->from_cache = from_cache;
	ix->total = total;
	ev->uidvalidity = ix->uidvalidity;
	ev->u.index = ix;
	eng_event_post(w, ev);
}

/* A cached index as a batch for the UI; takes the strings' arena. */
static struct eng_index *
eng_index_from_store(struct store_index *six)
{
	struct eng_index *ix = pt_xcalloc(1, sizeof *ix);
	size_t k, f, len = six->arena_len;
	char *base = six->arena;

	ix->uidvalidity = six->info.uidvalidity;
	ix->msgs = pt_xreallocarray(NULL, six->n + 1, sizeof *ix->msgs);
	for (k = 0; k < six->n; k++) {
		size_t i = six->order != NULL ? six->order[k] : k;
		const struct store_summary *s = &six->msgs[i];
		struct eng_msg *m = &ix->msgs[k];

		m->uid = s->uid;
		m->flags = s->flags;
		m->date = s->date;
		m->internaldate = s->internaldate;
		m->size = s->size;
		for (f = 0; f < ENG_NFIELDS; f++) {
			const char *p = store_summary_str(six, s, f);

			if (base != NULL && p >= base && p < base + len &&
			    *p != '\0')
				m->str[f] = (uint32_t)(p - base) + 1;
			else
				m->str[f] = 0;
		}
	}
	ix->n = six->n;
	/* Shift the arena by one byte so that offset 0 is "". */
	if (base != NULL && len > 0) {
		ix->arena = pt_xreallocarray(base, len + 1, 1);
		memmove(ix->arena + 1, ix->arena, len);
		ix->arena[0] = '\0';
		ix->arena_len = len + 1;
		six->arena = NULL;
		six->arena_len = six->arena_cap = 0;
	} else {
		ix->arena = pt_xmalloc(1);
		ix->arena[0] = '\0';
		ix->arena_len = 1;
	}
	return ix;
}

/* The cached UIDs and flags, ascending. */
static struct eng_cached *
eng_cached_from(const struct store_index *six, size_t *np)
{
	struct eng_cached *c;
	size_t i;

	c = pt_xreallocarray(NULL, six->n + 1, sizeof *c);
	for (i = 0; i < six->n; i++) {
		c[i].uid = six->msgs[i].uid;
		c[i].flags = six->msgs[i].flags;
	}
	*np = six->n;
	return c;
}

int
eng_open_run(struct eng_worker *w, struct eng_task *t, struct pt_error *err)
{
	struct eng_job *j = t->job;
	struct store_folder_info cinfo;
	struct eng_cached *cached = NULL;
	size_t ncached = 0;
	int r;

	if (w->bg != NULL) {
		struct pt_error e2;

		pt_error_init(&e2);
		pt_error_set(&e2, PT_E_CANCELLED, 0,
		    _("another folder was opened"));
		eng_bg_end(w, &e2);
	}
	eng_sel_clear(&w->sel);
	w->sel.active = 1;
	w->sel.name = pt_xstrdup(j->folder);
	memset(&cinfo, 0, sizeof cinfo);
	if (w->store != NULL) {
		struct store_index *six;
		struct pt_error e2;
		size_t rows = j->rows > 0 ? j->rows : 50;

		/*
		 * The screen first, from the fixed part and the strings of
		 * its rows (milliseconds), then every string in one scan.
		 */
		pt_error_init(&e2);
		six = store_index_load(w->store, j->folder, STORE_LOAD_FIXED,
		    &e2);
		if (six == NULL)
			pt_warn("engine: cache: %s", e2.msg);
		else if (six->n > rows && six->info.uidvalidity != 0 &&
			 store_index_fill(w->store, six, 0, rows, &e2) == 0) {
			struct eng_index *ix =
			    eng_index_new(six->info.uidvalidity);
			size_t cap = 0, acap = 0, k;
			int f;

			for (k = 0; k < rows; k++) {
				const struct store_summary *sm =
				    &six->msgs[six->order[k]];
				const char *str[ENG_NFIELDS];

				for (f = 0; f < ENG_NFIELDS; f++)
					str[f] = store_summary_str(six, sm,
					    (enum store_field)f);
				eng_index_add(ix, &cap, &acap, sm->uid,
				    sm->flags, sm->date, sm->internaldate,
				    sm->size, str);
			}
			eng_post_index(w, t, ix, 1, 0, 1, six->n);
		}
		store_index_free(&six);
		six =
		    store_index_load(w->store, j->folder, STORE_LOAD_ALL, &e2);
		if (six == NULL)
			pt_warn("engine: cache: %s", e2.msg);
		else {
			cinfo = six->info;
			if (six->n > 0 && cinfo.uidvalidity != 0) {
				cached = eng_cached_from(six, &ncached);
				eng_post_index(w, t, eng_index_from_store(six),
				    1, 1, 1, six->n);
			}
			store_index_free(&six);
		}
	}
	w->sel.uidvalidity = cinfo.uidvalidity;
	if (eng_worker_connect(w, t, err) == -1) {
		w->sel.need_sync = 1;
		free(cached);
		return -1;
	}
	r = eng_sel_sync(w, t, cached, ncached, &cinfo,
	    j->rows > 0 ? j->rows : 50, err);
	free(cached);
	return r;
}

int
eng_sel_resync(struct eng_worker *w, struct eng_task *t, struct pt_error *err)
{
	struct store_folder_info cinfo;
	struct eng_cached *cached = NULL;
	size_t ncached = 0;
	int r;

	if (w->bg != NULL)
		return 0; /* the background part re-selects by itself */
	if (eng_worker_connect(w, t, err) == -1)
		return -1;
	memset(&cinfo, 0, sizeof cinfo);
	if (w->store != NULL) {
		struct store_index *six;
		struct pt_error e2;

		pt_error_init(&e2);
		six = store_index_load(w->store, w->sel.name, STORE_LOAD_FIXED,
		    &e2);
		if (six != NULL) {
			cinfo = six->info;
			if (six->n > 0 && cinfo.uidvalidity != 0)
				cached = eng_cached_from(six, &ncached);
			store_index_free(&six);
		}
	}
	r = eng_sel_sync(w, t, cached, ncached, &cinfo, 50, err);
	free(cached);
	if (r == 1) {
		/* The background part has no job to report to. */
		w->bg->task = NULL;
		r = 0;
	}
	return r;
}

/* SELECT the open folder and bring the UI and the cache up to date. */
static int
eng_sel_sync(struct eng_worker *w, struct eng_task *t,
    const struct eng_cached *cached, size_t ncached,
    const struct store_folder_info *cinfo, size_t rows, struct pt_error *err)
{
	struct imap_selected sel;
	char *raw;
	int warm;

	eng_worker_apply(w, t);
	raw = eng_worker_raw(w, w->sel.name);
	if (imap_select(w->s, raw, &sel, err) == -1) {
		free(raw);
		free(w->cur);
		w->cur = NULL;
		w->sel.selected = 0;
		return -1;
	}
	free(w->sel.raw);
	w->sel.raw = raw;
	free(w->cur);
	w->cur = pt_xstrdup(w->sel.name);
	w->cur_uidvalidity = sel.uidvalidity;
	w->sel.selected = 1;
	w->sel.need_sync = 0;
	if (w->store != NULL) {
		struct store_folder_info stored;
		struct pt_error e2;

		pt_error_init(&e2);
		if (store_folder_check(w->store, w->sel.name, sel.uidvalidity,
			&stored, &e2) == -1)
			pt_warn("engine: cache: %s", e2.msg);
	}
	warm = ncached > 0 && cinfo->uidvalidity == sel.uidvalidity;
	w->sel.uidvalidity = sel.uidvalidity;
	w->sel.uidnext = sel.uidnext;
	w->sel.highestmodseq = sel.highestmodseq;
	if (!warm)
		return eng_sync_cold(w, t, &sel, rows, err);
	return eng_sync_warm(w, t, &sel, cached, ncached, cinfo, err);
}

/* Records the folder state with the batch's last changes; frees it. */
static int
eng_finish(struct eng_worker *w, struct store_batch **bp,
    const struct imap_selected *sel)
{
	struct store_folder_info info;
	struct pt_error e2;

	if (*bp == NULL)
		return 0;
	memset(&info, 0, sizeof info);
	info.uidnext = sel->uidnext;
	info.exists = sel->exists;
	info.highestmodseq = sel->highestmodseq;
	store_batch_set_info(*bp, &info);
	pt_error_init(&e2);
	if (store_batch_commit(bp, &e2) == -1) {
		pt_warn("engine: cache: %s", e2.msg);
		return -1;
	}
	(void)w;
	return 0;
}

static int
eng_start_bg(struct eng_worker *w, struct eng_task *t, uint32_t *todo,
    size_t ntodo, struct store_batch *b, const struct imap_selected *sel,
    size_t done, size_t total)
{
	struct eng_bg *bg = pt_xcalloc(1, sizeof *bg);

	bg->task = t;
	bg->todo = todo;
	bg->ntodo = ntodo;
	bg->done = done;
	bg->total = total;
	bg->batch = b;
	bg->uidvalidity = sel->uidvalidity;
	bg->highestmodseq = sel->highestmodseq;
	bg->uidnext = sel->uidnext;
	bg->exists = sel->exists;
	w->bg = bg;
	return 1;
}

static int
eng_sync_cold(struct eng_worker *w, struct eng_task *t,
    const struct imap_selected *sel, size_t rows, struct pt_error *err)
{
	struct store_batch *b = NULL;
	struct eng_coll c;
	struct imap_uidset us;
	uint32_t *uids = NULL, *todo;
	size_t n = 0, ntodo = 0, i;

	b = eng_batch_begin(w, w->sel.name, sel->uidvalidity);
	eng_coll_init(&c, w, t, b, sel->uidvalidity);
	free(w->sel.uids);
	w->sel.uids = NULL;
	w->sel.n = w->sel.cap = 0;
	if (sel->exists == 0) {
		eng_post_index(w, t, c.ix, 1, 1, 0, 0);
		c.ix = NULL;
		eng_coll_release(&c);
		eng_finish(w, &b, sel);
		return 0;
	}
	/* The newest rows first, by sequence number: no UID list yet. */
	memset(&us, 0, sizeof us);
	us.lo = sel->exists > rows ? sel->exists - (uint32_t)rows + 1 : 1;
	us.hi = sel->exists;
	if (imap_fetch_summaries(w->s, &us, 1, eng_coll_msg, &c, err) == -1 ||
	    imap_uid_all(w->s, &uids, &n, err) == -1) {
		eng_coll_release(&c);
		store_batch_abort(&b);
		return -1;
	}
	w->sel.uids = uids;
	w->sel.n = w->sel.cap = n;
	if (n > 0 && uids[n - 1] + 1 > w->sel.uidnext)
		w->sel.uidnext = uids[n - 1] + 1;
	/* Everything not fetched yet, ascending (taken from the end). */
	if (c.ngot > 1)
		qsort(c.got, c.ngot, sizeof *c.got, eng_u32_cmp);
	todo = pt_xreallocarray(NULL, n + 1, sizeof *todo);
	for (i = 0; i < n; i++)
		if (!eng_u32_has(c.got, c.ngot, uids[i]))
			todo[ntodo++] = uids[i];
	eng_post_index(w, t, c.ix, 1, ntodo == 0, 0, n);
	c.ix = NULL;
	i = c.ngot;
	eng_coll_release(&c);
	eng_worker_apply(w, t);
	if (ntodo == 0) {
		free(todo);
		eng_finish(w, &b, sel);
		return 0;
	}
	return eng_start_bg(w, t, todo, ntodo, b, sel, i, n);
}

static int
eng_flagset_cb(void *arg, const struct imap_msg *m)
{
	struct eng_flagset *fs = arg;

	if (!m->has_flags || m->uid == 0)
		return 0;
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? 2 * fs->cap : 256;
		fs->v = pt_xreallocarray(fs->v, fs->cap, sizeof *fs->v);
		fs->modseq =
		    pt_xreallocarray(fs->modseq, fs->cap, sizeof *fs->modseq);
	}
	fs->v[fs->n].uid = m->uid;
	fs->v[fs->n].flags = m->flags;
	fs->modseq[fs->n] = m->modseq;
	fs->n++;
	return 0;
}

static int
eng_fc_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct eng_flag_change *)a)->uid;
	uint32_t y = ((const struct eng_flag_change *)b)->uid;

	return x < y ? -1 : x > y;
}

static const struct eng_cached *
eng_cached_find(const struct eng_cached *c, size_t n, uint32_t uid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (c[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && c[lo].uid == uid ? &c[lo] : NULL;
}

static int
eng_sync_warm(struct eng_worker *w, struct eng_task *t,
    const struct imap_selected *sel, const struct eng_cached *cached,
    size_t ncached, const struct store_folder_info *cinfo, struct pt_error *err)
{
	struct store_batch *b = NULL;
	struct eng_flagset fs;
	struct eng_coll c;
	struct imap_uidset us;
	uint32_t *server = NULL, *gone = NULL, *todo = NULL;
	size_t nserver = 0, ngone = 0, ntodo = 0, i;
	struct eng_flag_change *changes = NULL;
	size_t nchanges = 0;
	uint64_t hms = cinfo->highestmodseq;
	uint32_t uvn = cinfo->uidnext;
	int qres =
	    (w->feat & IMAP_CAP_QRESYNC) && hms > 0 && sel->highestmodseq > 0;
	int cond =
	    (w->feat & IMAP_CAP_CONDSTORE) && hms > 0 && sel->highestmodseq > 0;
	int full = 0;

	memset(&fs, 0, sizeof fs);
	memset(&us, 0, sizeof us);
	b = eng_batch_begin(w, w->sel.name, sel->uidvalidity);
	eng_coll_init(&c, w, t, b, sel->uidvalidity);
	if (qres && sel->highestmodseq == hms && sel->uidnext == uvn &&
	    sel->exists == ncached) {
		/* Nothing changed: about a kilobyte crossed the wire. */
		server = pt_xreallocarray(NULL, ncached + 1, sizeof *server);
		for (i = 0; i < ncached; i++)
			server[i] = cached[i].uid;
		nserver = ncached;
	} else if (cond) {
		if (sel->highestmodseq != hms && uvn > 1) {
			us.lo = 1;
			us.hi = uvn - 1;
			if (imap_fetch_flags(w->s, &us, hms, eng_flagset_cb,
				&fs, err) == -1)
				goto fail;
		}
		if (qres) {
			/* VANISHED (EARLIER) came with the flags. */
			for (i = 0; i < w->upd.nvanished; i++) {
				gone = pt_xreallocarray(gone, ngone + 1,
				    sizeof *gone);
				gone[ngone++] = w->upd.vanished[i];
			}
			w->upd.nvanished = 0;
		}
		if (sel->uidnext > uvn) {
			us.lo = uvn > 0 ? uvn : 1;
			us.hi = 0;
			c.min_uid = us.lo;
			if (imap_fetch_summaries(w->s, &us, 0, eng_coll_msg, &c,
				err) == -1)
				goto fail;
		}
		if (ngone > 1)
			qsort(gone, ngone, sizeof *gone, eng_u32_cmp);
		if (c.ngot > 1)
			qsort(c.got, c.ngot, sizeof *c.got, eng_u32_cmp);
		if (qres) {
			/* The new state: cached - vanished + new. */
			server = pt_xreallocarray(NULL, ncached + c.ngot + 1,
			    sizeof *server);
			for (i = 0; i < ncached; i++)
				if (!eng_u32_has(gone, ngone, cached[i].uid))
					server[nserver++] = cached[i].uid;
			for (i = 0; i < c.ngot; i++)
				if (eng_cached_find(cached, ncached,
					c.got[i]) == NULL)
					server[nserver++] = c.got[i];
			if (nserver > 1)
				qsort(server, nserver, sizeof *server,
				    eng_u32_cmp);
			if (nserver != sel->exists)
				full = 1; /* a partial cache: compare UIDs */
		} else
			full = 1;
		if (full) {
			free(server);
			server = NULL;
			if (imap_uid_all(w->s, &server, &nserver, err) == -1)
				goto fail;
		}
		for (i = 0; i < fs.n; i++) {
			const struct eng_cached *x =
			    eng_cached_find(cached, ncached, fs.v[i].uid);

			if (b != NULL)
				(void)store_batch_flags(b, fs.v[i].uid,
				    fs.v[i].flags, fs.modseq[i], err);
			if (x != NULL &&
			    (x->flags & ~(ENG_F_ATTACH | ENG_F_RECENT)) !=
				(fs.v[i].flags & ~ENG_F_RECENT)) {
				changes = pt_xreallocarray(changes,
				    nchanges + 1, sizeof *changes);
				changes[nchanges].uid = fs.v[i].uid;
				changes[nchanges].flags =
				    (fs.v[i].flags & ~ENG_F_RECENT) |
				    (x->flags & ENG_F_ATTACH);
				nchanges++;
			}
		}
	} else {
		/* No modseq: every message's flags (and so its UID). */
		us.lo = 1;
		us.hi = 0;
		if (imap_fetch_flags(w->s, &us, 0, eng_flagset_cb, &fs, err) ==
		    -1)
			goto fail;
		if (fs.n > 1)
			qsort(fs.v, fs.n, sizeof *fs.v, eng_fc_cmp);
		server = pt_xreallocarray(NULL, fs.n + 1, sizeof *server);
		for (i = 0; i < fs.n; i++) {
			const struct eng_cached *x =
			    eng_cached_find(cached, ncached, fs.v[i].uid);

			server[nserver++] = fs.v[i].uid;
			if (x == NULL)
				continue;
			if ((x->flags & ~(ENG_F_ATTACH | ENG_F_RECENT)) !=
			    (fs.v[i].flags & ~ENG_F_RECENT)) {
				uint32_t nf = (fs.v[i].flags & ~ENG_F_RECENT) |
					      (x->flags & ENG_F_ATTACH);

				changes = pt_xreallocarray(changes,
				    nchanges + 1, sizeof *changes);
				changes[nchanges].uid = fs.v[i].uid;
				changes[nchanges].flags = nf;
				nchanges++;
				if (b != NULL)
					(void)store_batch_flags(b, fs.v[i].uid,
					    nf, fs.modseq[i], err);
			}
		}
		full = 1;
	}
	pt_error_init(err);
	/* Gone: cached but no longer on the server. */
	if (full) {
		free(gone);
		gone = NULL;
		ngone = 0;
		for (i = 0; i < ncached; i++)
			if (!eng_u32_has(server, nserver, cached[i].uid)) {
				gone = pt_xreallocarray(gone, ngone + 1,
				    sizeof *gone);
				gone[ngone++] = cached[i].uid;
			}
	} else {
		/* Only those we had. */
		size_t k = 0;

		for (i = 0; i < ngone; i++)
			if (eng_cached_find(cached, ncached, gone[i]) != NULL)
				gone[k++] = gone[i];
		ngone = k;
	}
	for (i = 0; b != NULL && i < ngone; i++)
		(void)store_batch_expunge(b, gone[i], err);
	/* Unknown: on the server, neither cached nor just fetched. */
	todo = pt_xreallocarray(NULL, nserver + 1, sizeof *todo);
	for (i = 0; i < nserver; i++)
		if (eng_cached_find(cached, ncached, server[i]) == NULL &&
		    !eng_u32_has(c.got, c.ngot, server[i]))
			todo[ntodo++] = server[i];
	free(w->sel.uids);
	w->sel.uids = server;
	w->sel.n = w->sel.cap = nserver;
	if (nserver > 0 && server[nserver - 1] + 1 > w->sel.uidnext)
		w->sel.uidnext = server[nserver - 1] + 1;
	if (nchanges > 0) {
		struct eng_event *ev =
		    eng_event_new(w, ENG_EV_FLAGS, t, w->sel.name);

		ev->uidvalidity = sel->uidvalidity;
		ev->u.flags.v = changes;
		ev->u.flags.n = nchanges;
		changes = NULL;
		eng_event_post(w, ev);
	}
	if (ngone > 0) {
		struct eng_event *ev =
		    eng_event_new(w, ENG_EV_EXPUNGED, t, w->sel.name);

		ev->uidvalidity = sel->uidvalidity;
		ev->u.uids.v = gone;
		ev->u.uids.n = ngone;
		gone = NULL;
		eng_event_post(w, ev);
	}
	/* A few unknown ones now; many in the background. */
	if (ntodo > 0 && ntodo <= 1000) {
		us.uids = todo;
		us.n = ntodo;
		c.min_uid = 0;
		if (imap_fetch_summaries(w->s, &us, 0, eng_coll_msg, &c, err) ==
		    -1)
			goto fail;
		ntodo = 0;
	}
	if (c.ix->n > 0 || ntodo == 0)
		eng_post_index(w, t, c.ix, 0, ntodo == 0, 0, nserver);
	else
		eng_index_free(&c.ix);
	c.ix = NULL;
	eng_coll_release(&c);
	free(fs.v);
	free(fs.modseq);
	free(gone);
	free(changes);
	eng_worker_apply(w, t);
	if (ntodo == 0) {
		free(todo);
		eng_finish(w, &b, sel);
		return 0;
	}
	return eng_start_bg(w, t, todo, ntodo, b, sel, nserver - ntodo,
	    nserver);
fail:
	eng_coll_flush(&c, nserver);
	eng_coll_release(&c);
	free(fs.v);
	free(fs.modseq);
	free(server);
	free(gone);
	free(todo);
	free(changes);
	/* Keep what was written; the folder state is not recorded. */
	if (b != NULL) {
		struct pt_error e2;

		pt_error_init(&e2);
		(void)store_batch_commit(&b, &e2);
	}
	return -1;
}

/* One chunk of the background part of an open. */
void
eng_bg_step(struct eng_worker *w)
{
	struct eng_bg *bg = w->bg;
	struct eng_task *t = bg->task;
	struct pt_error err;
	struct eng_coll c;
	struct imap_uidset us;
	size_t k, start;

	pt_error_init(&err);
	if (t != NULL && eng_task_cancelled(w, t)) {
		pt_error_set(&err, PT_E_CANCELLED, 0, _("cancelled"));
		eng_bg_end(w, &err);
		return;
	}
	if (eng_worker_connect(w, t, &err) == -1) {
		eng_bg_end(w, &err);
		return;
	}
	if ((w->cur == NULL || strcmp(w->cur, w->sel.name) != 0) &&
	    eng_worker_select(w, w->sel.name, &err) == -1) {
		if (eng_worker_lost(w, &err))
			eng_worker_drop(w, &err, 1);
		eng_bg_end(w, &err);
		return;
	}
	if (w->cur_uidvalidity != bg->uidvalidity) {
		pt_error_set(&err, PT_E_PROTO, 0,
		    _("the folder was replaced on the server while it was "
		      "loading"));
		w->sel.need_sync = 1;
		eng_bg_end(w, &err);
		return;
	}
	pthread_mutex_lock(&w->lock);
	w->graceful = 1;
	pthread_mutex_unlock(&w->lock);
	/* Small chunks first (the UI is waiting), bigger ones later. */
	k = bg->done < 2000 ? 2000 : 10000;
	if (bg->ntodo < k + k / 2)
		k = bg->ntodo; /* no small tail command */
	start = bg->ntodo > k ? bg->ntodo - k : 0;
	memset(&us, 0, sizeof us);
	us.uids = bg->todo + start;
	us.n = bg->ntodo - start;
	eng_coll_init(&c, w, t, bg->batch, bg->uidvalidity);
	eng_coll_reserve(&c, us.n);
	c.done_base = bg->done;
	c.total = bg->total;
	if (imap_fetch_summaries(w->s, &us, 0, eng_coll_msg, &c, &err) == -1) {
		eng_coll_flush(&c, bg->total);
		eng_coll_release(&c);
		pthread_mutex_lock(&w->lock);
		w->graceful = 0;
		pthread_mutex_unlock(&w->lock);
		if (eng_worker_lost(w, &err))
			eng_worker_drop(w, &err, err.class != PT_E_CANCELLED);
		eng_bg_end(w, &err);
		return;
	}
	pthread_mutex_lock(&w->lock);
	w->graceful = 0;
	pthread_mutex_unlock(&w->lock);
	bg->ntodo = start;
	bg->done += us.n;
	eng_post_index(w, t, c.ix, 0, bg->ntodo == 0, 0, bg->total);
	c.ix = NULL;
	eng_coll_release(&c);
	eng_post_progress(w, t, bg->done, bg->total, ENG_UNIT_MESSAGES,
	    bg->ntodo == 0);
	eng_worker_apply(w, t);
	if (bg->ntodo == 0 && w->bg == bg)
		eng_bg_end(w, NULL);
}

void
eng_bg_end(struct eng_worker *w, const struct pt_error *err)
{
	struct eng_bg *bg = w->bg;
	struct eng_task *t;

	if (bg == NULL)
		return;
	w->bg = NULL;
	t = bg->task;
	if (err == NULL) {
		struct imap_selected sel;

		memset(&sel, 0, sizeof sel);
		sel.uidnext = bg->uidnext;
		sel.exists = bg->exists;
		sel.highestmodseq = bg->highestmodseq;
		eng_finish(w, &bg->batch, &sel);
	} else if (bg->batch != NULL) {
		struct pt_error e2;

		/* Keep what came; the folder state is not recorded. */
		pt_error_init(&e2);
		(void)store_batch_commit(&bg->batch, &e2);
		if (w->sel.active)
			w->sel.need_sync = 1;
	}
	if (t != NULL) {
		if (err == NULL)
			eng_post_done(w, t, 0);
		else
			eng_post_failed(w, t, err);
	}
	pthread_mutex_lock(&w->lock);
	w->bg_id = 0;
	if (t != NULL && w->cancel_id == t->id)
		w->cancel_id = 0;
	w->graceful = 0;
	pthread_mutex_unlock(&w->lock);
	eng_task_free(&t);
	free(bg->todo);
	free(bg);
}

int
eng_sel_fetch_new(struct eng_worker *w, struct eng_task *t, int notify,
    struct pt_error *err)
{
	struct eng_sel *sel = &w->sel;
	struct store_batch *b = NULL;
	struct imap_uidset us;
	struct eng_coll c;
	uint32_t last = sel->n > 0 ? sel->uids[sel->n - 1] : 0, seen;
	size_t i, fresh;

	b = eng_batch_begin(w, sel->name, sel->uidvalidity);
	eng_coll_init(&c, w, NULL, b, sel->uidvalidity);
	memset(&us, 0, sizeof us);
	us.lo = last + 1;
	us.hi = 0;
	c.min_uid = last + 1;
	if (imap_fetch_summaries(w->s, &us, 0, eng_coll_msg, &c, err) == -1) {
		eng_coll_flush(&c, sel->n);
		eng_coll_release(&c);
		if (b != NULL) {
			struct pt_error e2;

			pt_error_init(&e2);
			(void)store_batch_commit(&b, &e2);
		}
		return -1;
	}
	if (c.ngot > 1)
		qsort(c.got, c.ngot, sizeof *c.got, eng_u32_cmp);
	fresh = 0;
	for (i = 0; i < c.ngot; i++) {
		if (c.got[i] <= last)
			continue;
		if (sel->n == sel->cap) {
			sel->cap = sel->cap ? 2 * sel->cap : 64;
			sel->uids = pt_xreallocarray(sel->uids, sel->cap,
			    sizeof *sel->uids);
		}
		sel->uids[sel->n++] = c.got[i];
		last = c.got[i];
		fresh++;
	}
	if (last + 1 > sel->uidnext)
		sel->uidnext = last + 1;
	if (b != NULL) {
		struct pt_error e2;

		pt_error_init(&e2);
		if (store_batch_commit(&b, &e2) == -1)
			pt_warn("engine: cache: %s", e2.msg);
	}
	/*
	 * The IDLE connection may have posted some of them: each new UID's
	 * summary and announcement go out once, by whichever connection
	 * claimed it first (watch_seen_uid, under the lock).
	 */
	pthread_mutex_lock(&w->lock);
	seen = w->watch_seen_uid;
	if (last > w->watch_seen_uid)
		w->watch_seen_uid = last;
	pthread_mutex_unlock(&w->lock);
	if (eng_index_drop_upto(c.ix, seen) > 0) {
		eng_post_index(w, t, c.ix, 0, 0, 0, sel->n);
		c.ix = NULL;
	}
	eng_coll_release(&c);
	for (i = sel->n - fresh; i < sel->n && sel->uids[i] <= seen; i++)
		fresh--;
	if (notify && fresh > 0) {
		struct eng_event *ev =
		    eng_event_new(w, ENG_EV_NEW_MAIL, t, sel->name);

		ev->uidvalidity = sel->uidvalidity;
		ev->u.count = fresh;
		eng_event_post(w, ev);
	}
	return 0;
}

int
eng_summaries_run(struct eng_worker *w, struct eng_task *t,
    struct pt_error *err)
{
	struct imap_uidset us;
	struct eng_coll c;
	int r;

	if (eng_worker_connect(w, t, err) == -1 ||
	    eng_worker_select(w, t->job->folder, err) == -1)
		return -1;
	memset(&us, 0, sizeof us);
	us.uids = t->job->uids;
	us.n = t->job->nuids;
	eng_coll_init(&c, w, t, NULL, w->cur_uidvalidity);
	r = imap_fetch_summaries(w->s, &us, 0, eng_coll_msg, &c, err);
	eng_worker_apply(w, t);
	if (r == 0) {
		/* For the job's folder, which need not be the open one. */
		struct eng_event *ev =
		    eng_event_new(w, ENG_EV_INDEX, t, t->job->folder);

		c.ix->complete = 1;
		c.ix->total = c.ix->n;
		ev->uidvalidity = c.ix->uidvalidity;
		ev->u.index = c.ix;
		c.ix = NULL;
		eng_event_post(w, ev);
	}
	eng_coll_release(&c);
	return r;
}
