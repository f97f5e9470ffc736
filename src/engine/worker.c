/*
 * The account worker thread: picks jobs off its queue and runs them on
 * its IMAP session; connects and logs in (asking the UI for a password
 * or a certificate decision when needed); throws a broken session away
 * and reconnects with backoff; keeps the open folder current with IDLE
 * (or NOOP polling) between jobs; and turns what the server says unasked
 * into events.  Every wait here is bounded: network waits by the
 * transport's timeouts, the rest by poll() timeouts.
 */
#include "config.h"

#include <errno.h>
#include <iconv.h>
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
#define ENG_IDLE_MAX_MS (25 * 60 * 1000)

static struct eng_task *eng_worker_pick(struct eng_worker *);
static void eng_worker_run(struct eng_worker *, struct eng_task *);
static void eng_worker_wait(struct eng_worker *);
static void eng_worker_idle(struct eng_worker *);
static int eng_worker_watched(struct eng_worker *);
static void eng_worker_watch(struct eng_worker *);
static int eng_worker_has_writes(struct eng_worker *);
static int eng_worker_answer(struct eng_worker *, struct eng_task *, int,
    struct pt_error *);
static int eng_retry_safe(enum eng_job_kind);
static int eng_worker_settle(struct eng_worker *, struct eng_task *, int,
    struct pt_error *);
static void eng_iconv_pin(iconv_t *, size_t);
static void eng_iconv_unpin(iconv_t *, size_t);

/*
 * Charsets whose glibc converters live in loadable modules.  mime/
 * opens a converter per header; when nothing else holds the module,
 * glibc loads and unloads it each time (dlopen, relocation, munmap):
 * that was a third of a cold sync's CPU.  The worker keeps one
 * descriptor of each open, so the modules stay loaded.
 */
static const char *const eng_iconv_names[] = {"ISO-8859-1", "ISO-8859-2",
    "ISO-8859-15", "WINDOWS-1252", "WINDOWS-1251", "KOI8-R", "ISO-2022-JP",
    "SHIFT_JIS", "EUC-JP", "GBK", "BIG5", "EUC-KR", "CP949", "UTF-16"};
#define ENG_NICONV PT_NELEM(eng_iconv_names)

static void
eng_iconv_pin(iconv_t *cds, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < ENG_NICONV; i++)
		cds[i] = iconv_open("UTF-8", eng_iconv_names[i]);
}

static void
eng_iconv_unpin(iconv_t *cds, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < ENG_NICONV; i++)
		if (cds[i] != (iconv_t)-1)
			iconv_close(cds[i]);
}
static void
eng_worker_drain(struct eng_worker *w)
{
	uint64_t v;
	ssize_t r;

	do
		r = read(w->wake_fd, &v, sizeof v);
	while (r == -1 && errno == EINTR);
}

/* Waits on the wakeup fd for at most ms. */
static void
eng_worker_sleep(struct eng_worker *w, int ms)
{
	struct pollfd p;

	p.fd = w->wake_fd;
	p.events = POLLIN;
	if (ms < 0 || ms > 30000)
		ms = 30000;
	(void)poll(&p, 1, ms);
}

static int
eng_retry_safe(enum eng_job_kind k)
{
	/* Doing these twice does no harm; COPY and APPEND would duplicate. */
	switch (k) {
	case ENG_JOB_FLAGS:
	case ENG_JOB_MOVE:
	case ENG_JOB_EXPUNGE:
	case ENG_JOB_CREATE:
	case ENG_JOB_DELETE:
	case ENG_JOB_RENAME:
	case ENG_JOB_SUBSCRIBE:
	case ENG_JOB_UNSUBSCRIBE:
		return 1;
	default:
		return 0;
	}
}

static int
eng_worker_has_writes(struct eng_worker *w)
{
	struct eng_task *t;
	int any = 0;

	pthread_mutex_lock(&w->lock);
	for (t = TAILQ_FIRST(&w->queue); t != NULL && !any;
	     t = TAILQ_NEXT(t, entry))
		any = eng_job_is_write(t->job->kind);
	pthread_mutex_unlock(&w->lock);
	return any;
}

/* Under w->lock: the next job to run, or NULL. */
static struct eng_task *
eng_worker_pick(struct eng_worker *w)
{
	struct eng_task *t;
	int waiting =
	    w->state == ENG_CONN_RECONNECTING && eng_now_ms() < w->retry_at;

	/* While waiting to reconnect, changes stay queued. */
	for (t = TAILQ_FIRST(&w->queue);
	     t != NULL && waiting && eng_job_is_write(t->job->kind);
	     t = TAILQ_NEXT(t, entry))
		;
	if (t == NULL)
		return NULL;
	TAILQ_REMOVE(&w->queue, t, entry);
	w->running = t;
	if (w->cancel_id != w->bg_id)
		w->cancel_id = 0;
	w->graceful = 0;
	return t;
}

void *
eng_worker_main(void *arg)
{
	struct eng_worker *w = arg;
	iconv_t pinned[ENG_NICONV];
	struct pt_error err;

	pt_error_init(&err);
	eng_iconv_pin(pinned, ENG_NICONV);
	if (!w->eng->opt.no_cache && w->acct != NULL) {
		struct store_options so;

		memset(&so, 0, sizeof so);
		so.base = w->eng->opt.cache_dir;
		w->store = store_open(w->acct->id, &so, &err);
		if (w->store == NULL)
			pt_warn("engine: %s: working without a cache: %s",
			    w->acct->id, err.msg);
	}
	eng_replay_load(w);
	for (;;) {
		struct eng_task *t;
		int quit;

		eng_replay_sync(w);
		eng_worker_watch(w);
		pthread_mutex_lock(&w->lock);
		eng_worker_drain(w);
		quit = w->quit;
		t = quit ? NULL : eng_worker_pick(w);
		pthread_mutex_unlock(&w->lock);
		if (quit)
			break;
		if (t != NULL) {
			eng_worker_run(w, t);
			continue;
		}
		if (w->bg != NULL) {
			eng_bg_step(w);
			continue;
		}
		if (w->state == ENG_CONN_RECONNECTING &&
		    eng_now_ms() >= w->retry_at &&
		    (w->sel.active || eng_worker_has_writes(w))) {
			pt_error_init(&err);
			(void)eng_worker_connect(w, NULL, &err);
			continue;
		}
		if (w->sel.active && w->sel.need_sync && w->s != NULL &&
		    !imap_session_dead(w->s)) {
			pt_error_init(&err);
			if (eng_sel_resync(w, NULL, &err) == -1 &&
			    eng_worker_lost(w, &err))
				eng_worker_drop(w, &err, 1);
			continue;
		}
		eng_worker_wait(w);
	}
	if (w->bg != NULL) {
		pt_error_init(&err);
		pt_error_set(&err, PT_E_CANCELLED, 0, _("petrel is quitting"));
		eng_bg_end(w, &err);
	}
	eng_watch_stop(w);
	if (w->s != NULL)
		imap_session_free(&w->s);
	pthread_mutex_lock(&w->lock);
	net_cancel_free(&w->token);
	pthread_mutex_unlock(&w->lock);
	imap_mbox_list_free(&w->mboxes, w->nmboxes);
	eng_sel_clear(&w->sel);
	free(w->cur);
	free(w->pin);
	eng_replay_sync(w);
	eng_replay_close(w);
	store_free(&w->store);
	eng_iconv_unpin(pinned, ENG_NICONV);
	atomic_store(&w->exited, 1);
	return NULL;
}

static void
eng_worker_run(struct eng_worker *w, struct eng_task *t)
{
	struct pt_error err;
	int r = 0, lost, settled;
	enum eng_job_kind k = t->job->kind;

	pt_error_init(&err);
	eng_replay_begin(w, t);
	if (t->attempted) {
		/* It may have reached the server already: look first. */
		r = eng_replay_check(w, t, &err);
		if (r == 1) {
			k = ENG_JOB_NKINDS; /* applied: nothing to run */
			r = 0;
		}
	}
	switch (r == -1 ? ENG_JOB_NKINDS : k) {
	case ENG_JOB_NKINDS:
		break;
	case ENG_JOB_CONNECT:
		r = eng_worker_connect(w, t, &err);
		break;
	case ENG_JOB_FOLDERS:
		r = eng_folders_run(w, t, &err);
		break;
	case ENG_JOB_STATUS:
		r = eng_status_run(w, t, &err);
		break;
	case ENG_JOB_CREATE:
	case ENG_JOB_RENAME:
	case ENG_JOB_DELETE:
	case ENG_JOB_SUBSCRIBE:
	case ENG_JOB_UNSUBSCRIBE:
		r = eng_mailbox_run(w, t, &err);
		break;
	case ENG_JOB_OPEN:
		r = eng_open_run(w, t, &err);
		if (r == 1) {
			/* The background part owns the task now. */
			pthread_mutex_lock(&w->lock);
			w->running = NULL;
			w->bg_id = t->id;
			pthread_mutex_unlock(&w->lock);
			return;
		}
		break;
	case ENG_JOB_CLOSE:
		if (w->bg != NULL) {
			pt_error_set(&err, PT_E_CANCELLED, 0,
			    _("the folder was closed"));
			eng_bg_end(w, &err);
			pt_error_init(&err);
		}
		eng_sel_clear(&w->sel);
		if (w->s != NULL && !imap_session_dead(w->s) &&
		    imap_unselect(w->s, &err) == 0) {
			free(w->cur);
			w->cur = NULL;
		}
		r = 0;
		break;
	case ENG_JOB_POSTPONE:
		r = eng_postpone_run(w, t, &err);
		break;
	case ENG_JOB_SUMMARIES:
		r = eng_summaries_run(w, t, &err);
		break;
	case ENG_JOB_CHECK:
		r = eng_worker_connect(w, t, &err);
		if (r == 0 && w->sel.active)
			r = eng_worker_select(w, w->sel.name, &err);
		if (r == 0 && w->sel.active && w->sel.need_sync)
			r = eng_sel_resync(w, t, &err);
		if (r == 0)
			r = imap_noop(w->s, &err);
		if (r == 0)
			eng_worker_apply(w, t);
		break;
	case ENG_JOB_ADDRESSES:
		r = eng_addr_run(w, t, &err);
		break;
	default:
		r = eng_ops_run(w, t, &err);
		break;
	}
	lost = r == -1 && eng_worker_lost(w, &err);
	if (r == -1 && eng_task_cancelled(w, t)) {
		pt_error_init(&err);
		pt_error_set(&err, PT_E_CANCELLED, 0, _("cancelled"));
	}
	k = t->job->kind;
	if (lost) {
		int cancelled = err.class == PT_E_CANCELLED;

		eng_worker_drop(w, &err, !cancelled);
		if (!cancelled && eng_job_is_write(k) &&
		    (t->qid != 0 || (!t->retried && eng_retry_safe(k))) &&
		    w->state == ENG_CONN_RECONNECTING) {
			/*
			 * Replayed once the connection is back; one kept on
			 * disk is checked first, so it may wait any number
			 * of times.
			 */
			t->retried = 1;
			t->attempted = 1;
			pthread_mutex_lock(&w->lock);
			TAILQ_INSERT_HEAD(&w->queue, t, entry);
			w->running = NULL;
			pthread_mutex_unlock(&w->lock);
			return;
		}
	} else if (r == -1 && w->s == NULL && eng_job_is_write(k) &&
		   w->state == ENG_CONN_RECONNECTING && err.class == PT_E_NET) {
		/* Never sent: wait in the queue for the connection. */
		pthread_mutex_lock(&w->lock);
		TAILQ_INSERT_HEAD(&w->queue, t, entry);
		w->running = NULL;
		pthread_mutex_unlock(&w->lock);
		return;
	}
	if (t->qid != 0 && r == 0)
		store_outbox_crashpoint("change-applied");
	settled = t->qid != 0 && eng_worker_settle(w, t, r, &err);
	if (r == -1)
		eng_post_failed(w, t, &err);
	else
		eng_post_done(w, t, t->result_uid);
	if (settled)
		eng_replay_end(w, t);
	pthread_mutex_lock(&w->lock);
	w->running = NULL;
	if (w->cancel_id == t->id)
		w->cancel_id = 0;
	pthread_mutex_unlock(&w->lock);
	/* A cancel that came too late still fired the token. */
	if (w->s != NULL && w->token != NULL && net_cancel_fired(w->token))
		eng_worker_drop(w, NULL, 0);
	eng_task_free(&t);
}

/*
 * A change kept on disk ended with r: 1 when its record goes, 0 when it
 * failed for a reason that passes (offline, quitting, no password): then
 * it waits for the next run.
 */
static int
eng_worker_settle(struct eng_worker *w, struct eng_task *t, int r,
    struct pt_error *err)
{
	int quit;

	pthread_mutex_lock(&w->lock);
	quit = w->quit;
	pthread_mutex_unlock(&w->lock);
	if (r == -1 && (err->class == PT_E_NET || err->class == PT_E_AUTH ||
			   err->class == PT_E_TLS ||
			   (quit && err->class == PT_E_CANCELLED)))
		return 0;
	if (r == -1 && t->replayed)
		pt_error_prefix(err,
		    _("a change made while offline was dropped"));
	return 1;
}

int
eng_worker_lost(struct eng_worker *w, const struct pt_error *err)
{
	if (w->s != NULL && imap_session_dead(w->s))
		return 1;
	return w->s != NULL && err != NULL &&
	       (err->class == PT_E_NET || err->class == PT_E_CANCELLED);
}

void
eng_worker_drop(struct eng_worker *w, const struct pt_error *err, int backoff)
{
	struct net_cancel *tok;
	int secs;

	if (w->s != NULL)
		imap_session_free(&w->s);
	pthread_mutex_lock(&w->lock);
	tok = w->token;
	w->token = NULL;
	pthread_mutex_unlock(&w->lock);
	net_cancel_free(&tok);
	imap_updates_reset(&w->upd);
	free(w->cur);
	w->cur = NULL;
	w->sel.selected = 0;
	if (w->sel.active)
		w->sel.need_sync = 1;
	if (!backoff) {
		/* A cancel: connect again as soon as something needs it. */
		w->state = ENG_CONN_RECONNECTING;
		w->retry_at = 0;
		return;
	}
	if (w->backoff_ms <= 0)
		w->backoff_ms = w->eng->opt.backoff_min_ms;
	w->retry_at = eng_now_ms() + w->backoff_ms;
	secs = (w->backoff_ms + 999) / 1000;
	if (err != NULL)
		w->last_err = *err;
	w->backoff_ms *= 2;
	if (w->backoff_ms > w->eng->opt.backoff_max_ms)
		w->backoff_ms = w->eng->opt.backoff_max_ms;
	pt_info("engine: %s: connection lost (%s); reconnecting in %d s",
	    w->acct->id, err != NULL ? err->msg : "?", secs);
	eng_post_conn(w, ENG_CONN_RECONNECTING, secs, err);
}

/*
 * Waits for the UI's answer to a question (what 0: password, 1: trust).
 * Returns 0 once answered, -1 when declined, cancelled or quitting.
 */
static int
eng_worker_answer(struct eng_worker *w, struct eng_task *t, int what,
    struct pt_error *err)
{
	for (;;) {
		int done = 0, r = 0;

		pthread_mutex_lock(&w->lock);
		eng_worker_drain(w);
		if (w->quit) {
			r = -1;
			pt_error_set(err, PT_E_CANCELLED, 0,
			    _("petrel is quitting"));
			done = 1;
		} else if (t != NULL && w->cancel_id == t->id) {
			r = -1;
			pt_error_set(err, PT_E_CANCELLED, 0, _("cancelled"));
			done = 1;
		} else if (what == 0 && w->pw_answered != 0) {
			if (w->pw_answered > 0) {
				pt_secret_release(&w->password);
				pt_secret_set(&w->password, w->pw_answer.value,
				    w->pw_answer.len);
				w->have_password = 1;
				pt_secret_release(&w->typed_pw);
				pt_secret_set(&w->typed_pw, w->pw_answer.value,
				    w->pw_answer.len);
			} else {
				r = -1;
				pt_error_set(err, PT_E_AUTH, 0,
				    _("no password was given for '%s'"),
				    w->acct->id);
			}
			pt_secret_release(&w->pw_answer);
			w->pw_answered = 0;
			done = 1;
		} else if (what == 1 && w->trust_answered) {
			w->trust_answered = 0;
			done = 1;
		}
		pthread_mutex_unlock(&w->lock);
		if (done)
			return r;
		eng_worker_sleep(w, 1000);
	}
}

static void
eng_cert_fill(struct eng_cert *c, const struct cfg_account *a,
    const struct net_cert_info *ci, int code)
{
	static const struct {
		unsigned net, eng;
	} bits[] = {{NET_CERT_UNTRUSTED, ENG_CERT_UNTRUSTED},
	    {NET_CERT_SELF_SIGNED, ENG_CERT_SELF_SIGNED},
	    {NET_CERT_EXPIRED, ENG_CERT_EXPIRED},
	    {NET_CERT_NOT_YET_VALID, ENG_CERT_NOT_YET_VALID},
	    {NET_CERT_WRONG_HOST, ENG_CERT_WRONG_HOST},
	    {NET_CERT_REVOKED, ENG_CERT_REVOKED},
	    {NET_CERT_INSECURE, ENG_CERT_INSECURE},
	    {NET_CERT_OTHER, ENG_CERT_OTHER}};
	size_t i;

	memset(c, 0, sizeof *c);
	pt_strlcpy(c->host, a->imap.host != NULL ? a->imap.host : "",
	    sizeof c->host);
	c->port = a->imap.port;
	for (i = 0; i < PT_NELEM(bits); i++)
		if (ci->problems & bits[i].net)
			c->problems |= bits[i].eng;
	if (code == NET_ERR_PIN_MISMATCH)
		c->problems |= ENG_CERT_PIN_MISMATCH;
	pt_strlcpy(c->reason, ci->reason, sizeof c->reason);
	pt_strlcpy(c->subject, ci->subject, sizeof c->subject);
	pt_strlcpy(c->issuer, ci->issuer, sizeof c->issuer);
	pt_strlcpy(c->not_before, ci->not_before, sizeof c->not_before);
	pt_strlcpy(c->not_after, ci->not_after, sizeof c->not_after);
	pt_strlcpy(c->sha256, ci->sha256, sizeof c->sha256);
}

int
eng_worker_connect(struct eng_worker *w, struct eng_task *t,
    struct pt_error *err)
{
	const struct cfg_account *a = w->acct;

	if (w->s != NULL && !imap_session_dead(w->s))
		return 0;
	if (w->s != NULL)
		eng_worker_drop(w, NULL, 0);
	if (w->state == ENG_CONN_RECONNECTING && w->retry_at > 0 &&
	    eng_now_ms() < w->retry_at &&
	    (t == NULL || t->job->kind != ENG_JOB_CONNECT)) {
		int secs = (int)((w->retry_at - eng_now_ms() + 999) / 1000);

		return pt_error_set(err, PT_E_NET, w->last_err.code,
		    _("not connected (%s); trying again in %d s"),
		    w->last_err.msg[0] != '\0' ? w->last_err.msg
					       : _("connection lost"),
		    secs);
	}
	if (w->refused_upto != 0 && (t == NULL || t->id <= w->refused_upto)) {
		*err = w->last_err;
		return -1;
	}
	if (!w->have_password) {
		int r = cfg_account_password(a, &w->password, err);

		if (r == -1) {
			eng_post_conn(w, ENG_CONN_OFFLINE, 0, err);
			return -1;
		}
		if (r == 1) {
			struct eng_event *ev =
			    eng_event_new(w, ENG_EV_NEED_PASSWORD, t, NULL);

			w->state = ENG_CONN_WAITING;
			eng_event_post(w, ev);
			if (eng_worker_answer(w, t, 0, err) == -1) {
				eng_post_conn(w, ENG_CONN_OFFLINE, 0, err);
				return -1;
			}
		} else
			w->have_password = 1;
	}
	for (;;) {
		struct net_params p;
		struct net_cancel *tok;
		struct imap_session *s;
		struct net_cert_info cert;
		int r;

		tok = net_cancel_new(err);
		if (tok == NULL)
			return -1;
		pthread_mutex_lock(&w->lock);
		w->token = tok;
		w->logging_in = 1;
		if (w->quit || (t != NULL && w->cancel_id == t->id))
			net_cancel_fire(tok);
		pthread_mutex_unlock(&w->lock);
		net_params_from_account(&p, a, NET_PROTO_IMAP);
		if (w->pin != NULL)
			p.pin = w->pin;
		s = imap_session_new(&p, tok);
		eng_post_conn(w, ENG_CONN_CONNECTING, 0, NULL);
		r = imap_session_open(s,
		    a->username != NULL ? a->username : a->email, &w->password,
		    err);
		if (r == 0)
			r = imap_session_enable(s, err);
		pthread_mutex_lock(&w->lock);
		w->logging_in = 0;
		pthread_mutex_unlock(&w->lock);
		if (r == 0) {
			w->s = s;
			imap_updates_reset(&w->upd);
			imap_session_watch(s, &w->upd);
			w->feat = imap_session_features(s);
			w->backoff_ms = 0;
			w->retry_at = 0;
			w->ever_connected = 1;
			w->refused_upto = 0;
			/*
			 * The IDLE connection gets the same secret (with
			 * OAuth2, a token it renews itself when refused).
			 * Tokens expire: each connect asks for a new one.
			 */
			eng_watch_creds(w);
			if (a->oauth_token_command != NULL) {
				pt_secret_release(&w->password);
				w->have_password = 0;
			}
			pt_error_init(&w->last_err);
			free(w->cur);
			w->cur = NULL;
			w->sel.selected = 0;
			if (w->sel.active)
				w->sel.need_sync = 1;
			eng_post_conn(w, ENG_CONN_CONNECTED, 0, NULL);
			/* Questions answered on the way are not failures. */
			pt_error_init(err);
			return 0;
		}
		cert = *imap_session_cert(s);
		imap_session_free(&s);
		pthread_mutex_lock(&w->lock);
		w->token = NULL;
		pthread_mutex_unlock(&w->lock);
		net_cancel_free(&tok);
		if (err->class == PT_E_AUTH && a->oauth_token_command != NULL) {
			struct eng_task *last;

			/*
			 * No password to ask: the token command is the fix.
			 * What is queued already fails with this error; the
			 * next thing asked for runs the command again.
			 */
			w->have_password = 0;
			w->last_err = *err;
			pthread_mutex_lock(&w->lock);
			last = TAILQ_LAST(&w->queue, eng_taskq);
			w->refused_upto = last != NULL ? last->id
					  : t != NULL  ? t->id
						       : 1;
			pthread_mutex_unlock(&w->lock);
			eng_post_conn(w, ENG_CONN_OFFLINE, 0, err);
			return -1;
		}
		if (err->class == PT_E_AUTH) {
			struct eng_event *ev =
			    eng_event_new(w, ENG_EV_NEED_PASSWORD, t, NULL);

			/* Never retried by itself: accounts get locked. */
			w->have_password = 0;
			ev->err = *err;
			w->state = ENG_CONN_WAITING;
			eng_event_post(w, ev);
			if (eng_worker_answer(w, t, 0, err) == -1) {
				eng_post_conn(w, ENG_CONN_OFFLINE, 0, err);
				return -1;
			}
			continue;
		}
		if (err->code == NET_ERR_CERT ||
		    err->code == NET_ERR_PIN_MISMATCH) {
			struct eng_event *ev =
			    eng_event_new(w, ENG_EV_CERT, t, NULL);
			struct pt_error why = *err;
			enum eng_trust how;

			ev->u.cert = pt_xcalloc(1, sizeof *ev->u.cert);
			eng_cert_fill(ev->u.cert, a, &cert, err->code);
			ev->err = *err;
			w->state = ENG_CONN_WAITING;
			eng_event_post(w, ev);
			if (eng_worker_answer(w, t, 1, err) == -1) {
				eng_post_conn(w, ENG_CONN_OFFLINE, 0, err);
				return -1;
			}
			pthread_mutex_lock(&w->lock);
			how = w->trust_answer;
			pthread_mutex_unlock(&w->lock);
			if (how == ENG_TRUST_REJECT || cert.sha256[0] == '\0') {
				*err = why;
				eng_post_conn(w, ENG_CONN_OFFLINE, 0, err);
				return -1;
			}
			free(w->pin);
			w->pin = pt_xstrdup(cert.sha256);
			if (how == ENG_TRUST_ALWAYS) {
				struct pt_error e2;
				const char *path = cfg_path(w->eng->cfg);

				pt_error_init(&e2);
				if (path == NULL ||
				    cfg_set_account_key(path, a->id,
					"imap_tls_pin", w->pin, &e2) == -1)
					pt_warn("engine: cannot store the pin "
						"for %s: %s",
					    a->id, e2.msg);
			}
			continue;
		}
		if (err->class == PT_E_CANCELLED) {
			w->state = ENG_CONN_RECONNECTING;
			w->retry_at = 0;
			return -1;
		}
		if (err->class == PT_E_CONFIG) {
			eng_post_conn(w, ENG_CONN_OFFLINE, 0, err);
			return -1;
		}
		/* Network, TLS or protocol trouble: try again later. */
		w->s = NULL;
		eng_worker_drop(w, err, 1);
		return -1;
	}
}

struct store_batch *
eng_batch_begin(struct eng_worker *w, const char *name, uint32_t uidvalidity)
{
	struct imap_mbox guess;
	struct store_batch *b;
	struct pt_error err;
	size_t i;
	int sent = -1;

	if (w->store == NULL)
		return NULL;
	pt_error_init(&err);
	if ((b = store_batch_begin(w->store, name, uidvalidity, &err)) ==
	    NULL) {
		pt_debug("engine: cache: %s", err.msg);
		return NULL;
	}
	for (i = 0; i < w->nmboxes && sent == -1; i++)
		if (strcmp(w->mboxes[i].uname, name) == 0)
			sent = eng_mbox_role(&w->mboxes[i]) == ENG_ROLE_SENT;
	if (sent == -1) {
		/* The folder list is not known yet: its usual names. */
		memset(&guess, 0, sizeof guess);
		guess.name = guess.uname = (char *)name;
		sent = eng_mbox_role(&guess) == ENG_ROLE_SENT;
	}
	if (sent)
		store_batch_set_sent(b);
	return b;
}

char *
eng_worker_raw(struct eng_worker *w, const char *name)
{
	size_t i;
	char *raw;

	if (strcasecmp(name, "INBOX") == 0)
		return pt_xstrdup("INBOX");
	for (i = 0; i < w->nmboxes; i++)
		if (strcmp(w->mboxes[i].uname, name) == 0)
			return pt_xstrdup(w->mboxes[i].name);
	raw = imap_mutf7_encode(name);
	return raw != NULL ? raw : pt_xstrdup(name);
}

int
eng_worker_select(struct eng_worker *w, const char *name, struct pt_error *err)
{
	struct imap_selected sel;
	char *raw;

	if (w->cur != NULL && strcmp(w->cur, name) == 0)
		return 0;
	/* News of the folder we leave would be lost: apply them first. */
	eng_worker_apply(w, NULL);
	raw = eng_worker_raw(w, name);
	if (imap_select(w->s, raw, &sel, err) == -1) {
		free(raw);
		free(w->cur);
		w->cur = NULL;
		if (w->sel.active)
			w->sel.selected = 0;
		return -1;
	}
	free(raw);
	free(w->cur);
	w->cur = pt_xstrdup(name);
	w->cur_uidvalidity = sel.uidvalidity;
	if (w->sel.active) {
		int open = strcmp(w->sel.name, name) == 0;

		if (w->sel.selected && !open)
			w->sel.need_sync = 1;
		w->sel.selected = open;
		if (open && sel.uidvalidity != w->sel.uidvalidity)
			w->sel.need_sync = 1;
		if (open &&
		    (sel.exists != w->sel.n || sel.uidnext != w->sel.uidnext))
			w->sel.need_sync = 1;
	}
	return 0;
}

/* 1 when the IDLE connection watches the open folder for us. */
static int
eng_worker_watched(struct eng_worker *w)
{
	int live;

	pthread_mutex_lock(&w->lock);
	live = w->watch_live && !w->watch_fallback;
	pthread_mutex_unlock(&w->lock);
	return live;
}

/*
 * Between jobs (and between the chunks of a long load): tells the IDLE
 * connection which folder is open, and when it saw changes, asks the
 * server here (NOOP) so that the cache and the open folder follow.
 */
static void
eng_worker_watch(struct eng_worker *w)
{
	struct pt_error err;
	int news;

	if (!w->sel.active)
		eng_watch_set(w, NULL, NULL, 0, 0); /* closed: stop watching */
	if (w->s == NULL || imap_session_dead(w->s))
		return;
	if (w->sel.active && w->sel.uidvalidity != 0 && w->sel.raw != NULL)
		eng_watch_set(w, w->sel.name, w->sel.raw, w->sel.uidvalidity,
		    w->sel.uidnext);
	pthread_mutex_lock(&w->lock);
	news = w->watch_news;
	w->watch_news = 0;
	pthread_mutex_unlock(&w->lock);
	if (!news || !w->sel.active || !w->sel.selected || w->sel.need_sync)
		return;
	pt_error_init(&err);
	if (imap_noop(w->s, &err) == -1) {
		if (eng_worker_lost(w, &err))
			eng_worker_drop(w, &err, 1);
		return;
	}
	eng_worker_apply(w, NULL);
}

/* Between jobs: IDLE, NOOP polling, or sleeping until something comes. */
static void
eng_worker_wait(struct eng_worker *w)
{
	long long now = eng_now_ms();
	int ms = 30000;
	struct pt_error err;

	pt_error_init(&err);
	if (w->state == ENG_CONN_RECONNECTING && w->retry_at > 0 &&
	    (w->sel.active || eng_worker_has_writes(w))) {
		long long left = w->retry_at - now;

		ms = left < 0 ? 0 : left > 30000 ? 30000 : (int)left;
	}
	if (w->s != NULL && !imap_session_dead(w->s) && w->sel.active &&
	    !w->sel.need_sync) {
		if (!w->sel.selected) {
			if (eng_worker_select(w, w->sel.name, &err) == -1 &&
			    eng_worker_lost(w, &err))
				eng_worker_drop(w, &err, 1);
			return;
		}
		if (eng_worker_watched(w)) {
			/* The IDLE connection watches; nothing to do here. */
			eng_worker_sleep(w, ms);
			return;
		}
		if ((w->feat & IMAP_CAP_IDLE) && !w->eng->opt.no_idle) {
			eng_worker_idle(w);
			return;
		}
		if (now - w->last_noop >= w->eng->opt.poll_seconds * 1000LL) {
			w->last_noop = now;
			if (imap_noop(w->s, &err) == -1) {
				if (eng_worker_lost(w, &err))
					eng_worker_drop(w, &err, 1);
				return;
			}
			eng_worker_apply(w, NULL);
			return;
		}
		{
			long long left = w->eng->opt.poll_seconds * 1000LL -
					 (now - w->last_noop);

			if (left < ms)
				ms = (int)left;
		}
	}
	eng_worker_sleep(w, ms);
}

static void
eng_worker_idle(struct eng_worker *w)
{
	struct pt_error err;
	long long start;

	pt_error_init(&err);
	if (imap_idle_start(w->s, &err) == -1) {
		eng_worker_drop(w, &err, 1);
		return;
	}
	eng_worker_apply(w, NULL);
	start = eng_now_ms();
	for (;;) {
		long long left = ENG_IDLE_MAX_MS - (eng_now_ms() - start);
		int quit, r;

		pthread_mutex_lock(&w->lock);
		quit = w->quit || !TAILQ_EMPTY(&w->queue) ||
		       (w->watch_live && !w->watch_fallback);
		pthread_mutex_unlock(&w->lock);
		if (quit || left <= 0)
			break;
		r = imap_idle_wait(w->s, w->wake_fd,
		    left > 60000 ? 60000 : (int)left, &err);
		if (r == -1) {
			eng_worker_drop(w, &err, 1);
			return;
		}
		if (r == 1)
			break; /* the server said something */
		if (r == 2) {
			pthread_mutex_lock(&w->lock);
			eng_worker_drain(w);
			pthread_mutex_unlock(&w->lock);
		}
	}
	if (imap_idle_done(w->s, &err) == -1) {
		eng_worker_drop(w, &err, 1);
		return;
	}
	eng_worker_apply(w, NULL);
}

/* What the server said unasked, turned into cache updates and events. */
void
eng_worker_apply(struct eng_worker *w, struct eng_task *t)
{
	struct imap_updates *u = &w->upd;
	struct eng_sel *sel = &w->sel;
	int open = sel->active && sel->selected && w->cur != NULL &&
		   strcmp(w->cur, sel->name) == 0;
	struct store_batch *b = NULL;
	uint32_t *gone = NULL;
	size_t ngone = 0, i;
	struct eng_flag_change *fc = NULL;
	size_t nfc = 0;
	struct pt_error err;
	int rounds;

	pt_error_init(&err);
	for (rounds = 0; rounds < 4 && !imap_updates_empty(u); rounds++) {
		if (u->alert[0] != '\0') {
			struct eng_event *ev =
			    eng_event_new(w, ENG_EV_ALERT, t, NULL);

			ev->u.text = pt_xstrdup(u->alert);
			eng_event_post(w, ev);
			u->alert[0] = '\0';
		}
		if (w->cur == NULL) {
			imap_updates_reset(u);
			break;
		}
		if (w->store != NULL && b == NULL)
			b = eng_batch_begin(w, w->cur, w->cur_uidvalidity);
		/* Expunges by sequence number: only the open folder maps. */
		for (i = 0; i < u->nexpunged && open; i++) {
			uint32_t seq = u->expunged[i];

			if (seq == 0 || seq > sel->n)
				continue;
			gone = pt_xreallocarray(gone, ngone + 1, sizeof *gone);
			gone[ngone++] = sel->uids[seq - 1];
			memmove(sel->uids + seq - 1, sel->uids + seq,
			    (sel->n - seq) * sizeof *sel->uids);
			sel->n--;
		}
		for (i = 0; i < u->nvanished; i++) {
			uint32_t uid = u->vanished[i];

			gone = pt_xreallocarray(gone, ngone + 1, sizeof *gone);
			gone[ngone++] = uid;
			if (open) {
				size_t lo = 0, hi = sel->n;

				while (lo < hi) {
					size_t mid = (lo + hi) / 2;

					if (sel->uids[mid] < uid)
						lo = mid + 1;
					else
						hi = mid;
				}
				if (lo < sel->n && sel->uids[lo] == uid) {
					memmove(sel->uids + lo,
					    sel->uids + lo + 1,
					    (sel->n - lo - 1) *
						sizeof *sel->uids);
					sel->n--;
				}
			}
		}
		for (i = 0; i < u->nflags; i++) {
			struct imap_flag_update *f = &u->flags[i];
			uint32_t uid = f->uid;

			if (uid == 0 && open && f->seq > 0 && f->seq <= sel->n)
				uid = sel->uids[f->seq - 1];
			if (uid == 0)
				continue;
			fc = pt_xreallocarray(fc, nfc + 1, sizeof *fc);
			fc[nfc].uid = uid;
			fc[nfc].flags = f->flags & ~ENG_F_RECENT;
			nfc++;
			if (b != NULL)
				(void)store_batch_flags(b, uid, f->flags,
				    f->modseq, &err);
		}
		for (i = 0; b != NULL && i < ngone; i++)
			(void)store_batch_expunge(b, gone[i], &err);
		{
			int exists_seen = u->exists_seen;
			uint32_t exists = u->exists;

			imap_updates_reset(u);
			if (open && exists_seen && exists > sel->n) {
				if (b != NULL &&
				    store_batch_commit(&b, &err) == -1)
					pt_warn("engine: cache: %s", err.msg);
				if (eng_sel_fetch_new(w, t, 1, &err) == -1 &&
				    eng_worker_lost(w, &err)) {
					eng_worker_drop(w, &err, 1);
					break;
				}
			}
		}
	}
	if (b != NULL && store_batch_commit(&b, &err) == -1)
		pt_warn("engine: cache: %s", err.msg);
	if (nfc > 0) {
		struct eng_event *ev =
		    eng_event_new(w, ENG_EV_FLAGS, t, w->cur);

		ev->uidvalidity = w->cur_uidvalidity;
		ev->u.flags.v = fc;
		ev->u.flags.n = nfc;
		eng_event_post(w, ev);
	}
	if (ngone > 0) {
		struct eng_event *ev =
		    eng_event_new(w, ENG_EV_EXPUNGED, t, w->cur);

		if (ngone > 1)
			qsort(gone, ngone, sizeof *gone, eng_u32_cmp);

		ev->uidvalidity = w->cur_uidvalidity;
		ev->u.uids.v = gone;
		ev->u.uids.n = ngone;
		eng_event_post(w, ev);
	}
}
