/*
 * The IDLE connection of an account.  While a folder is open, a second
 * thread logs in on a connection of its own, EXAMINEs that folder
 * (read-only, so \Recent stays for the command connection) and IDLEs on
 * it (NOOP polling where IDLE is missing), so that new, changed and
 * expunged messages reach the UI while a long job keeps the command
 * connection busy.
 *
 * It fetches the summaries of new messages itself, right after DONE, and
 * posts them (INDEX, then NEW_MAIL): the command connection may be in
 * the middle of a 10 MB fetch or a 100,000-message header stream, and
 * new mail should not wait for that.  It never writes the header cache
 * (the command worker is its one writer): it tells the worker that the
 * folder changed (watch_news), and the worker brings the cache up to
 * date with a NOOP as soon as it is free, without announcing the same
 * messages again (watch_seen_uid).  With QRESYNC enabled the server
 * names flag changes and expunges by UID, and they are posted at once;
 * without it only the worker can map sequence numbers, so they wait for
 * its NOOP.
 *
 * The watcher uses the password and the certificate decision of the
 * command connection (it starts once that one logged in), never asks
 * the user anything, and reconnects quietly with backoff.  When the
 * very first login of the watcher fails (many providers, and Dovecot's
 * mail_max_userip_connections, allow few connections), the account
 * falls back to IDLE between jobs on the command connection, and the
 * log says so; the watcher tries again after a long pause (10 minutes,
 * doubling up to an hour; an hour at once when the server named its
 * connection limit, [LIMIT]), and once it is in, the fallback ends.
 * PETREL_TEST_WATCH_RETRY_MS shortens the first pause for the tests
 * (the longest is six times it).
 */
#include "config.h"

#include <sys/eventfd.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/imap.h"
#include "petrel/net.h"
#include "petrel/store.h"

#include "private.h"

/* Re-IDLE well before servers drop an idle client (RFC 2177: 29 min). */
#define ENG_WATCH_IDLE_MS (25 * 60 * 1000)
/* After a refused first login: the first pause; the longest is 6 times. */
#define ENG_WATCH_RETRY_MS (10 * 60 * 1000)

/* What the watcher thread holds. */
struct eng_watcher {
	struct eng_worker *w;
	struct imap_session *s;
	struct net_cancel *tok;
	struct imap_updates upd;
	struct pt_secret pw;
	char *name, *raw; /* the folder EXAMINEd, or NULL */
	uint32_t uidvalidity;
	uint32_t uidnext; /* new mail starts here */
	uint64_t gen;     /* of the request being served */
	int ever;         /* logged in once */
	int bad_creds;    /* watch_creds that were refused (no retry) */
	int backoff_ms;
	long long retry_at;
	int limited;        /* the last login failed with [LIMIT] */
	long long pause_ms; /* the next pause after a refused first login */
};

static void *eng_watch_main(void *);
static int eng_watch_wait(struct eng_watcher *, int);
static int eng_watch_connect(struct eng_watcher *, struct pt_error *);
static void eng_watch_drop(struct eng_watcher *, const struct pt_error *);
static int eng_watch_fetch_new(struct eng_watcher *, size_t, struct pt_error *);
static int eng_watch_apply(struct eng_watcher *, struct pt_error *);
static int eng_watch_idle(struct eng_watcher *, struct pt_error *);
static int eng_watch_msg(void *, const struct imap_msg *);
static long long eng_watch_pause(struct eng_watcher *);

/* The watcher's answers to a changed request or a quit. */
static int
eng_watch_changed(struct eng_watcher *x)
{
	struct eng_worker *w = x->w;
	int changed;

	pthread_mutex_lock(&w->lock);
	changed = w->watch_quit || w->watch_gen != x->gen;
	pthread_mutex_unlock(&w->lock);
	return changed;
}

/* Waits for the wakeup fd at most ms; 1 when the request changed. */
static int
eng_watch_wait(struct eng_watcher *x, int ms)
{
	struct eng_worker *w = x->w;
	struct pollfd p;
	uint64_t v;

	p.fd = w->watch_wake_fd;
	p.events = POLLIN;
	if (ms < 0)
		ms = 0;
	if (poll(&p, 1, ms) > 0) {
		ssize_t r;

		do
			r = read(w->watch_wake_fd, &v, sizeof v);
		while (r == -1 && errno == EINTR);
	}
	return eng_watch_changed(x);
}

void
eng_watch_start(struct eng_worker *w)
{
	struct eng_watcher *x;

	if (w->watch_started)
		return;
	w->watch_wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->watch_wake_fd == -1) {
		pt_warn("engine: %s: no IDLE connection (%s)", w->acct->id,
		    strerror(errno));
		w->watch_fallback = 1;
		return;
	}
	x = pt_xcalloc(1, sizeof *x);
	x->w = w;
	imap_updates_init(&x->upd);
	pt_secret_init(&x->pw);
	/* Async signals stay blocked: threads inherit the worker's mask. */
	if (pthread_create(&w->watch_thread, NULL, eng_watch_main, x) != 0) {
		pt_warn("engine: %s: no IDLE connection (no thread)",
		    w->acct->id);
		imap_updates_release(&x->upd);
		free(x);
		close(w->watch_wake_fd);
		w->watch_wake_fd = -1;
		w->watch_fallback = 1;
		return;
	}
	w->watch_started = 1;
}

void
eng_watch_stop(struct eng_worker *w)
{
	if (!w->watch_started) {
		pt_secret_release(&w->watch_pw);
		free(w->watch_pin);
		w->watch_pin = NULL;
		return;
	}
	pthread_mutex_lock(&w->lock);
	w->watch_quit = 1;
	if (w->watch_token != NULL)
		net_cancel_fire(w->watch_token);
	eng_fd_poke(w->watch_wake_fd);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->watch_thread, NULL);
	w->watch_started = 0;
	close(w->watch_wake_fd);
	w->watch_wake_fd = -1;
	free(w->watch_name);
	free(w->watch_raw);
	w->watch_name = w->watch_raw = NULL;
	pt_secret_release(&w->watch_pw);
	free(w->watch_pin);
	w->watch_pin = NULL;
}

void
eng_watch_set(struct eng_worker *w, const char *name, const char *raw,
    uint32_t uidvalidity, uint32_t uidnext)
{
	int same, fallback;

	pthread_mutex_lock(&w->lock);
	fallback = w->watch_fallback; /* the watcher thread may change it */
	same = (name == NULL && w->watch_name == NULL) ||
	       (name != NULL && w->watch_name != NULL &&
		   strcmp(name, w->watch_name) == 0 &&
		   w->watch_uidvalidity == uidvalidity);
	if (!same) {
		free(w->watch_name);
		free(w->watch_raw);
		w->watch_name = name != NULL ? pt_xstrdup(name) : NULL;
		w->watch_raw = raw != NULL ? pt_xstrdup(raw) : NULL;
		w->watch_uidvalidity = uidvalidity;
		w->watch_uidnext = uidnext;
		w->watch_gen++;
		w->watch_live = 0;
		w->watch_seen_uid = 0;
		if (w->watch_started)
			eng_fd_poke(w->watch_wake_fd);
	}
	pthread_mutex_unlock(&w->lock);
	if (!same && name != NULL && !fallback)
		eng_watch_start(w);
}

void
eng_watch_creds(struct eng_worker *w)
{
	pthread_mutex_lock(&w->lock);
	pt_secret_release(&w->watch_pw);
	if (w->password.value != NULL)
		pt_secret_set(&w->watch_pw, w->password.value, w->password.len);
	free(w->watch_pin);
	w->watch_pin = w->pin != NULL ? pt_xstrdup(w->pin) : NULL;
	w->watch_creds++;
	if (w->watch_started)
		eng_fd_poke(w->watch_wake_fd);
	pthread_mutex_unlock(&w->lock);
}

static int
eng_watch_connect(struct eng_watcher *x, struct pt_error *err)
{
	struct eng_worker *w = x->w;
	const struct cfg_account *a = w->acct;
	struct net_params p;
	char *pin = NULL;
	int r;

	x->tok = net_cancel_new(err);
	if (x->tok == NULL)
		return -1;
	pthread_mutex_lock(&w->lock);
	pt_secret_release(&x->pw);
	if (w->watch_pw.value != NULL)
		pt_secret_set(&x->pw, w->watch_pw.value, w->watch_pw.len);
	if (w->watch_pin != NULL)
		pin = pt_xstrdup(w->watch_pin);
	w->watch_token = x->tok;
	if (w->watch_quit)
		net_cancel_fire(x->tok);
	pthread_mutex_unlock(&w->lock);
	net_params_from_account(&p, a, NET_PROTO_IMAP);
	if (pin != NULL)
		p.pin = pin;
	x->s = imap_session_new(&p, x->tok);
	r = imap_session_open(x->s,
	    a->username != NULL ? a->username : a->email, &x->pw, err);
	if (r == 0)
		r = imap_session_enable(x->s, err);
	free(pin);
	if (r == -1) {
		x->limited = imap_session_code_is(x->s, "LIMIT");
		eng_watch_drop(x, NULL);
		return -1;
	}
	imap_updates_reset(&x->upd);
	imap_session_watch(x->s, &x->upd);
	free(x->name);
	free(x->raw);
	x->name = x->raw = NULL;
	return 0;
}

/*
 * How long to wait after the first login failed: 10 minutes, doubling
 * up to an hour, or an hour at once when the server said [LIMIT].
 */
static long long
eng_watch_pause(struct eng_watcher *x)
{
	const char *knob = getenv("PETREL_TEST_WATCH_RETRY_MS");
	long long base = ENG_WATCH_RETRY_MS, ms;

	if (knob != NULL && atoll(knob) > 0)
		base = atoll(knob);
	if (x->pause_ms <= 0)
		x->pause_ms = base;
	if (x->limited)
		x->pause_ms = 6 * base;
	ms = x->pause_ms;
	x->pause_ms = ms * 2 > 6 * base ? 6 * base : ms * 2;
	return ms;
}

/* Throws the session away; with err, reconnects later with backoff. */
static void
eng_watch_drop(struct eng_watcher *x, const struct pt_error *err)
{
	struct eng_worker *w = x->w;

	if (x->s != NULL)
		imap_session_free(&x->s);
	pthread_mutex_lock(&w->lock);
	w->watch_token = NULL;
	w->watch_live = 0;
	pthread_mutex_unlock(&w->lock);
	net_cancel_free(&x->tok);
	free(x->name);
	free(x->raw);
	x->name = x->raw = NULL;
	if (err == NULL)
		return;
	if (x->backoff_ms <= 0)
		x->backoff_ms = w->eng->opt.backoff_min_ms;
	x->retry_at = eng_now_ms() + x->backoff_ms;
	pt_info("engine: %s: the IDLE connection was lost (%s); again in "
		"%d ms",
	    w->acct->id, err->msg, x->backoff_ms);
	x->backoff_ms *= 2;
	if (x->backoff_ms > w->eng->opt.backoff_max_ms)
		x->backoff_ms = w->eng->opt.backoff_max_ms;
	/* The worker's IDLE between jobs covers the gap. */
	pthread_mutex_lock(&w->lock);
	w->watch_news = 1;
	eng_fd_poke(w->wake_fd);
	pthread_mutex_unlock(&w->lock);
}

/* New summaries, as the UI's index wants them. */
struct eng_watch_coll {
	struct eng_index *ix;
	size_t cap, acap;
	uint32_t min_uid, max_uid;
	struct imap_updates *u;
};

static int
eng_watch_msg(void *arg, const struct imap_msg *m)
{
	struct eng_watch_coll *c = arg;
	struct imap_summary sum;

	if (m->header == NULL || m->uid == 0 || m->uid < c->min_uid) {
		/* An unsolicited flag change: the updates take it. */
		if (m->has_flags && m->uid != 0)
			imap_updates_add_flags(c->u, m);
		return 0;
	}
	imap_summary_parse(&sum, m->header, m->headerlen);
	eng_index_add(c->ix, &c->cap, &c->acap, m->uid,
	    m->flags | (sum.attach ? ENG_F_ATTACH : 0), sum.date,
	    m->internaldate, m->size, (const char *const *)sum.str);
	imap_summary_release(&sum);
	if (m->uid > c->max_uid)
		c->max_uid = m->uid;
	return 0;
}

/* UID FETCH uidnext:* summaries: INDEX and NEW_MAIL events. */
static int
eng_watch_fetch_new(struct eng_watcher *x, size_t total, struct pt_error *err)
{
	struct eng_worker *w = x->w;
	struct eng_watch_coll c;
	struct imap_uidset us;
	struct eng_event *ev;
	uint32_t seen;
	size_t fresh;

	memset(&c, 0, sizeof c);
	c.ix = eng_index_new(x->uidvalidity);
	c.min_uid = x->uidnext;
	c.u = &x->upd;
	memset(&us, 0, sizeof us);
	us.lo = x->uidnext;
	us.hi = 0;
	if (imap_fetch_summaries(x->s, &us, 0, eng_watch_msg, &c, err) == -1) {
		eng_index_free(&c.ix);
		return -1;
	}
	if (c.ix->n == 0) {
		eng_index_free(&c.ix);
		return 0;
	}
	x->uidnext = c.max_uid + 1;
	/* Each new UID is posted (summary and announcement) once, by
	 * whichever connection saw it first (the worker's NOOP may have
	 * been quicker): the claim is watch_seen_uid, under the lock. */
	pthread_mutex_lock(&w->lock);
	seen = w->watch_seen_uid;
	if (c.max_uid > w->watch_seen_uid)
		w->watch_seen_uid = c.max_uid;
	pthread_mutex_unlock(&w->lock);
	fresh = eng_index_drop_upto(c.ix, seen);
	if (fresh == 0) {
		eng_index_free(&c.ix);
		return 0;
	}
	c.ix->msgs = pt_xreallocarray(c.ix->msgs, fresh, sizeof *c.ix->msgs);
	c.ix->total = total;
	ev = eng_event_new(w, ENG_EV_INDEX, NULL, x->name);
	ev->uidvalidity = x->uidvalidity;
	ev->u.index = c.ix;
	eng_event_post(w, ev);
	ev = eng_event_new(w, ENG_EV_NEW_MAIL, NULL, x->name);
	ev->uidvalidity = x->uidvalidity;
	ev->u.count = fresh;
	eng_event_post(w, ev);
	return 0;
}

/*
 * What the server said: new mail fetched and posted, flag changes and
 * expunges by UID posted, and the worker told to bring the cache up to
 * date.
 */
static int
eng_watch_apply(struct eng_watcher *x, struct pt_error *err)
{
	struct eng_worker *w = x->w;
	struct imap_updates *u = &x->upd;
	struct eng_flag_change *fc = NULL;
	size_t nfc = 0, i;
	int news;

	if (imap_updates_empty(u))
		return 0;
	u->alert[0] = '\0'; /* the command connection shows alerts */
	news = !imap_updates_empty(u);
	if (u->exists_seen && eng_watch_fetch_new(x, u->exists, err) == -1)
		return -1;
	for (i = 0; i < u->nflags; i++) {
		if (u->flags[i].uid == 0)
			continue;
		fc = pt_xreallocarray(fc, nfc + 1, sizeof *fc);
		fc[nfc].uid = u->flags[i].uid;
		fc[nfc].flags = u->flags[i].flags & ~ENG_F_RECENT;
		nfc++;
	}
	if (nfc > 0) {
		struct eng_event *ev =
		    eng_event_new(w, ENG_EV_FLAGS, NULL, x->name);

		ev->uidvalidity = x->uidvalidity;
		ev->u.flags.v = fc;
		ev->u.flags.n = nfc;
		eng_event_post(w, ev);
	}
	if (u->nvanished > 0) {
		struct eng_event *ev =
		    eng_event_new(w, ENG_EV_EXPUNGED, NULL, x->name);

		ev->uidvalidity = x->uidvalidity;
		ev->u.uids.v =
		    pt_xreallocarray(NULL, u->nvanished, sizeof *ev->u.uids.v);
		memcpy(ev->u.uids.v, u->vanished,
		    u->nvanished * sizeof *u->vanished);
		ev->u.uids.n = u->nvanished;
		if (ev->u.uids.n > 1)
			qsort(ev->u.uids.v, ev->u.uids.n, sizeof *ev->u.uids.v,
			    eng_u32_cmp);
		eng_event_post(w, ev);
	}
	imap_updates_reset(u);
	if (news) {
		pthread_mutex_lock(&w->lock);
		w->watch_news = 1;
		eng_fd_poke(w->wake_fd);
		pthread_mutex_unlock(&w->lock);
	}
	return 0;
}

/* One round of IDLE (or NOOP polling); -1 when the session is lost. */
static int
eng_watch_idle(struct eng_watcher *x, struct pt_error *err)
{
	struct eng_worker *w = x->w;
	long long start;

	if (!(imap_session_features(x->s) & IMAP_CAP_IDLE) ||
	    w->eng->opt.no_idle) {
		if (eng_watch_wait(x, w->eng->opt.poll_seconds * 1000))
			return 0;
		if (imap_noop(x->s, err) == -1)
			return -1;
		return eng_watch_apply(x, err);
	}
	if (imap_idle_start(x->s, err) == -1 || eng_watch_apply(x, err) == -1)
		return -1;
	start = eng_now_ms();
	for (;;) {
		long long left = ENG_WATCH_IDLE_MS - (eng_now_ms() - start);
		int r;

		if (left <= 0 || eng_watch_changed(x))
			break;
		r = imap_idle_wait(x->s, w->watch_wake_fd,
		    left > 60000 ? 60000 : (int)left, err);
		if (r == -1)
			return -1;
		if (r == 1)
			break; /* the server said something */
		if (r == 2)
			(void)eng_watch_wait(x, 0); /* drain the wakeup */
	}
	if (imap_idle_done(x->s, err) == -1)
		return -1;
	return eng_watch_apply(x, err);
}

static void *
eng_watch_main(void *arg)
{
	struct eng_watcher *x = arg;
	struct eng_worker *w = x->w;
	struct pt_error err;

	for (;;) {
		char *name = NULL, *raw = NULL;
		uint32_t uv = 0, uidnext = 0;
		int quit, creds;

		pthread_mutex_lock(&w->lock);
		quit = w->watch_quit;
		creds = w->watch_creds;
		x->gen = w->watch_gen;
		if (w->watch_name != NULL) {
			name = pt_xstrdup(w->watch_name);
			raw = pt_xstrdup(w->watch_raw);
			uv = w->watch_uidvalidity;
			uidnext = w->watch_uidnext;
		}
		pthread_mutex_unlock(&w->lock);
		if (quit) {
			free(name);
			free(raw);
			break;
		}
		pt_error_init(&err);
		if (name == NULL || creds == 0) {
			/* Nothing to watch (or not logged in yet). */
			if (x->s != NULL && name == NULL)
				eng_watch_drop(x, NULL);
			free(name);
			free(raw);
			(void)eng_watch_wait(x, 30000);
			continue;
		}
		if (x->s == NULL) {
			long long left = x->retry_at - eng_now_ms();

			if (creds == x->bad_creds) {
				/* Refused: never again with the same password
				 * (accounts get locked); wait for a new one. */
				free(name);
				free(raw);
				(void)eng_watch_wait(x, 30000);
				continue;
			}
			if (left > 0) {
				free(name);
				free(raw);
				(void)eng_watch_wait(x, (int)left);
				continue;
			}
			if (eng_watch_connect(x, &err) == -1) {
				free(name);
				free(raw);
				if (eng_watch_changed(x))
					continue;
				if (!x->ever) {
					long long ms = eng_watch_pause(x);

					pthread_mutex_lock(&w->lock);
					w->watch_fallback = 1;
					eng_fd_poke(w->wake_fd);
					pthread_mutex_unlock(&w->lock);
					x->retry_at = eng_now_ms() + ms;
					pt_info("engine: %s: a second "
						"connection for IDLE was "
						"refused%s (%s); watching for "
						"new mail between jobs on the "
						"command connection instead, "
						"trying again in %lld s",
					    w->acct->id,
					    x->limited ? " by the server's "
							 "connection limit"
						       : "",
					    err.msg, (ms + 999) / 1000);
					continue;
				}
				if (err.class == PT_E_AUTH ||
				    err.class == PT_E_TLS)
					x->bad_creds = creds;
				eng_watch_drop(x, &err);
				continue;
			}
			x->ever = 1;
			x->backoff_ms = 0;
			pthread_mutex_lock(&w->lock);
			w->watch_fallback = 0; /* the second connection is in */
			pthread_mutex_unlock(&w->lock);
			pt_info("engine: %s: IDLE connection up", w->acct->id);
		}
		if (x->name == NULL || strcmp(x->name, name) != 0 ||
		    x->uidvalidity != uv) {
			struct imap_selected sel;

			if (imap_examine(x->s, raw, &sel, &err) == -1) {
				free(name);
				free(raw);
				if (imap_session_dead(x->s)) {
					eng_watch_drop(x, &err);
					continue;
				}
				/* Gone or refused: wait for another folder. */
				(void)eng_watch_wait(x, 30000);
				continue;
			}
			free(x->name);
			free(x->raw);
			x->name = name;
			x->raw = raw;
			name = raw = NULL;
			x->uidvalidity = sel.uidvalidity;
			x->uidnext = uidnext;
			pthread_mutex_lock(&w->lock);
			w->watch_live = x->uidvalidity == uv;
			if (x->uidvalidity != uv)
				w->watch_news = 1;
			eng_fd_poke(w->wake_fd);
			pthread_mutex_unlock(&w->lock);
			/* Mail that came between the two connections. */
			if (x->uidvalidity == uv && sel.uidnext > uidnext &&
			    eng_watch_fetch_new(x, sel.exists, &err) == -1) {
				eng_watch_drop(x, &err);
				continue;
			}
			if (x->uidvalidity != uv) {
				/* The worker resyncs; wait for its request. */
				(void)eng_watch_wait(x, 30000);
				continue;
			}
		}
		free(name);
		free(raw);
		if (eng_watch_idle(x, &err) == -1)
			eng_watch_drop(x, &err);
	}
	if (x->s != NULL)
		eng_watch_drop(x, NULL);
	pt_secret_release(&x->pw);
	imap_updates_release(&x->upd);
	free(x->name);
	free(x->raw);
	free(x);
	return NULL;
}
