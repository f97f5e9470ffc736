/*
 * send.c: the outgoing path, in one place for petrel -H, batch mode,
 * "petrel outbox" and the interface.
 *
 *	eng_send_queue		draft -> built message -> outbox (fsync)
 *	eng_send_deliver	outbox -> SMTP -> Sent copy -> removed
 *	ENG_JOB_SEND		both, on a short-lived sender thread
 *	ENG_JOB_POSTPONE	draft -> message with Bcc -> Drafts folder
 *
 * The Sent copy goes over an IMAP connection of its own, so that a
 * send never waits behind (or blocks) the account's worker.  When an
 * earlier attempt was interrupted during the copy (the outbox says
 * "copying"), the copy first looks for the Message-ID in Sent.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/imap.h"
#include "petrel/mime.h"
#include "petrel/net.h"
#include "petrel/smtp.h"
#include "petrel/store.h"

#include "private.h"

/* Far above any server's limit, but a bound on memory all the same. */
#define ENG_MAX_MESSAGE ((size_t)256 * 1024 * 1024)

_Static_assert(ENG_OUTBOX_ID_MAX == STORE_OUTBOX_ID_MAX,
    "engine and store outbox ids differ");

/* What the Sent copy needs: the account and its password. */
struct eng_copy_ctx {
	const struct cfg_account *acct;
	const struct pt_secret *pw;
	struct net_cancel *cancel;
};

static int eng_send_copy(void *, const char *, int, const char *, size_t,
    struct pt_error *);
static char *eng_send_folder(struct imap_session *, enum eng_role,
    struct pt_error *);
static char *eng_send_msgid(const char *, size_t);
static void eng_send_record(const struct cfg_account *,
    const struct smtp_submit_result *);
static void eng_send_refused(const struct smtp_submit_result *,
    struct eng_send_result *);
static void eng_sender_progress(void *, uint64_t, uint64_t);
static void *eng_sender_main(void *);
static int eng_send_password(struct eng_worker *, struct pt_secret *,
    struct pt_error *);
static int eng_draft_sender(const struct cfg_account *, const char *, char **,
    struct pt_error *);

void
eng_send_result_release(struct eng_send_result *r)
{
	free(r->refused);
	r->refused = NULL;
}

int
eng_draft_read(const char *path, struct mime_draft *d, struct pt_error *err)
{
	char *file;
	size_t len;
	int r;

	memset(d, 0, sizeof *d);
	if ((file = pt_file_read(path, ENG_MAX_MESSAGE, &len, err)) == NULL)
		return -1;
	r = mime_draft_parse(file, len, d, err);
	free(file);
	if (r != 0 && err != NULL) {
		err->class = PT_E_CONFIG;
		pt_error_prefix(err, "'%s'", path);
	}
	return r;
}

/*
 * The From of a message: the account's own when the draft has none,
 * else the draft's, which must be one of the account's addresses (its
 * email or identities; a missing name is taken from there).
 */
static int
eng_draft_sender(const struct cfg_account *acct, const char *want, char **out,
    struct pt_error *err)
{
	struct mime_addrlist ids = {0}, l = {0};
	int k, r = -1;

	if (mime_identities(acct->name, acct->email, acct->identities, &ids,
		err) != 0) {
		pt_error_prefix(err, _("account '%s'"), acct->id);
		goto out;
	}
	if (want == NULL) {
		*out = mime_addr_display(&ids.v[0]);
		r = 0;
		goto out;
	}
	if (mime_addrlist_parse(want, &l, err) != 0) {
		pt_error_prefix(err, "From");
		goto out;
	}
	if (l.n != 1) {
		pt_error_set(err, PT_E_CONFIG, 0,
		    _("From: '%s' is not exactly one address"), want);
		goto out;
	}
	if ((k = mime_addrlist_find(&ids, l.v[0].addr)) < 0) {
		pt_error_set(err, PT_E_CONFIG, 0,
		    _("From: '%s' is not an address of the account '%s' (its "
		      "email or identities)"),
		    l.v[0].addr, acct->id);
		goto out;
	}
	if (l.v[0].name == NULL && ids.v[k].name != NULL)
		l.v[0].name = pt_xstrdup(ids.v[k].name);
	*out = mime_addr_display(&l.v[0]);
	r = 0;
out:
	mime_addrlist_release(&ids);
	mime_addrlist_release(&l);
	return r;
}

int
eng_draft_build(const struct cfg_account *acct, const struct mime_draft *d,
    int draft, struct pt_buf *msg, struct mime_envelope *env,
    struct pt_error *err)
{
	struct store_attachment *att = NULL;
	struct mime_attachment *ma = NULL;
	struct mime_compose mc;
	char nonce[25], *from = NULL;
	struct tm tm;
	time_t now;
	size_t i;
	int r = -1;

	memset(env, 0, sizeof *env);
	if (d->nattach > 0) {
		att = pt_xcalloc(d->nattach, sizeof *att);
		ma = pt_xcalloc(d->nattach, sizeof *ma);
	}
	for (i = 0; i < d->nattach; i++)
		att[i].fd = -1;
	for (i = 0; i < d->nattach; i++) {
		/* Streamed into the message: never whole in memory. */
		if (store_attach_open(d->attach[i], ENG_MAX_MESSAGE, &att[i],
			err) != 0) {
			if (err != NULL)
				err->class = PT_E_CONFIG;
			goto out;
		}
		/*
		 * A message (a forward as attachment) is read whole: it goes
		 * as message/rfc822 in 7bit when it is 7-bit clean, else as
		 * application/octet-stream in base64 (mime_compose_build).
		 */
		if (strncmp(att[i].type, "message/", 8) == 0) {
			store_attach_release(&att[i]);
			if (store_attach_read(d->attach[i], ENG_MAX_MESSAGE,
				&att[i], err) != 0) {
				if (err != NULL)
					err->class = PT_E_CONFIG;
				goto out;
			}
			ma[i].data = att[i].data;
			ma[i].len = att[i].len;
		} else {
			ma[i].read = store_attach_chunk;
			ma[i].read_arg = &att[i];
		}
		ma[i].filename = att[i].name;
		ma[i].type = att[i].type;
	}
	if (eng_draft_sender(acct, d->from, &from, err) != 0)
		goto out;
	memset(&mc, 0, sizeof mc);
	mc.from = from;
	mc.to = d->to;
	mc.cc = d->cc;
	mc.bcc = d->bcc;
	mc.draft = draft;
	mc.subject = d->subject;
	mc.reply_to = d->reply_to;
	mc.in_reply_to = d->in_reply_to;
	mc.references = d->references != NULL ? d->references : d->in_reply_to;
	mc.extra = d->extra;
	mc.nextra = d->nextra;
	mc.body = d->body;
	mc.bodylen = d->bodylen;
	mc.att = ma;
	mc.natt = d->nattach;
	now = time(NULL);
	localtime_r(&now, &tm);
	mc.date = (int64_t)now;
	mc.tzoff = (int)(tm.tm_gmtoff / 60);
	store_nonce(nonce, sizeof nonce);
	mc.nonce = nonce;
	mc.user_agent = "petrel/" PACKAGE_VERSION;
	r = mime_compose_build(&mc, msg, env, err);
out:
	free(from);
	for (i = 0; i < d->nattach; i++)
		store_attach_release(&att[i]);
	free(att);
	free(ma);
	return r;
}

int
eng_send_queue(const struct cfg_account *acct, const struct mime_draft *d,
    struct eng_send_result *res, struct pt_error *err)
{
	struct store_outbox_env oenv;
	struct store_outbox *ob;
	struct mime_envelope env;
	struct pt_buf msg;
	int r = -1;

	memset(res, 0, sizeof *res);
	pt_error_init(&res->copy_err);
	pt_buf_init(&msg, ENG_MAX_MESSAGE);
	if (eng_draft_build(acct, d, 0, &msg, &env, err) != 0) {
		pt_buf_release(&msg);
		return -1;
	}
	if ((ob = store_outbox_open(acct->id, NULL, err)) != NULL) {
		oenv.from = env.from;
		oenv.rcpt = env.rcpt;
		oenv.nrcpt = env.nrcpt;
		oenv.fcc = NULL;
		r = store_outbox_add(ob, &oenv, msg.data, msg.len,
		    res->outbox_id, err);
	}
	store_outbox_free(&ob);
	mime_envelope_release(&env);
	pt_buf_release(&msg);
	if (r == 0)
		store_outbox_crashpoint("queued");
	return r;
}

/* The folder with that role (Sent, Drafts), else one of its usual names. */
static char *
eng_send_folder(struct imap_session *s, enum eng_role role,
    struct pt_error *err)
{
	struct imap_mbox *v;
	size_t n, i;
	char *name = NULL;

	if (imap_list(s, &v, &n, err) != 0)
		return NULL;
	for (i = 0; i < n && name == NULL; i++)
		if (eng_mbox_role(&v[i]) == role &&
		    !(v[i].attrs & IMAP_MBX_NOSELECT))
			name = pt_xstrdup(v[i].name);
	imap_mbox_list_free(&v, n);
	return name;
}

/* The Message-ID of a message ("<...>"), or NULL. */
static char *
eng_send_msgid(const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	while (p < end && *p != '\r' && *p != '\n') {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t ll = eol != NULL ? (size_t)(eol - p) : (size_t)(end - p);

		if (ll > 11 && strncasecmp(p, "Message-ID:", 11) == 0) {
			const char *a = memchr(p, '<', ll), *b;

			b = a != NULL ? memchr(a, '>', ll - (size_t)(a - p))
				      : NULL;
			return b != NULL ? pt_xstrndup(a, (size_t)(b - a + 1))
					 : NULL;
		}
		if (eol == NULL)
			break;
		p = eol + 1;
	}
	return NULL;
}

/* smtp_copy_fn: APPEND to the Sent folder (created when missing). */
static int
eng_send_copy(void *arg, const char *fcc, int check, const char *data,
    size_t len, struct pt_error *err)
{
	struct eng_copy_ctx *c = arg;
	struct imap_session *s;
	struct net_params np;
	char *mb = NULL;
	int r = -1;

	net_params_from_account(&np, c->acct, NET_PROTO_IMAP);
	s = imap_session_new(&np, c->cancel);
	if (imap_session_open(s,
		c->acct->username != NULL ? c->acct->username : c->acct->email,
		c->pw, err) != 0)
		goto out;
	if (fcc != NULL) {
		if ((mb = imap_mutf7_encode(fcc)) == NULL) {
			pt_error_set(err, PT_E_CONFIG, 0,
			    _("'%s' cannot name a folder"), fcc);
			goto out;
		}
	} else if ((mb = eng_send_folder(s, ENG_ROLE_SENT, err)) == NULL) {
		if (err != NULL && err->class != PT_OK)
			goto out;
		mb = pt_xstrdup("Sent");
		check = 0; /* a new folder holds nothing */
		if (imap_mailbox_create(s, mb, err) != 0)
			goto out;
	}
	if (check) {
		/* An interrupted attempt may have stored it already. */
		char *id = eng_send_msgid(data, len);
		struct imap_selected sel;

		if (id != NULL && imap_select(s, mb, &sel, err) == 0) {
			struct imap_search q;
			uint32_t *uids = NULL;
			size_t n = 0;

			memset(&q, 0, sizeof q);
			q.header = "Message-ID";
			q.header_value = id;
			if (imap_search(s, &q, &uids, &n, err) == 0 && n > 0) {
				pt_debug("send: %s is in %s already", id, mb);
				r = 0;
			}
			free(uids);
		}
		free(id);
		if (r == 0 || (err != NULL && err->class != PT_OK))
			goto out;
	}
	r = imap_append(s, mb, STORE_F_SEEN, 0, data, len, NULL, err);
	if (r == 0)
		store_outbox_crashpoint("after-append");
out:
	if (r != 0)
		pt_error_prefix(err, _("cannot store the copy in '%s'"),
		    fcc != NULL ? fcc : (mb != NULL ? mb : "Sent"));
	free(mb);
	imap_session_free(&s);
	return r;
}

/*
 * The recipients the server accepted go into the account's address book
 * (written to: they weigh more than senders).  A cache that cannot be
 * opened costs the book these uses, never the message.
 */
static void
eng_send_record(const struct cfg_account *acct,
    const struct smtp_submit_result *sr)
{
	struct store_addr_use *u;
	struct pt_error err;
	struct store *st;
	size_t i, m = 0;

	if (sr->nrcpt == 0)
		return;
	pt_error_init(&err);
	if ((st = store_open(acct->id, NULL, &err)) == NULL) {
		pt_warn("address book: %s", err.msg);
		return;
	}
	u = pt_xcalloc(sr->nrcpt, sizeof *u);
	for (i = 0; i < sr->nrcpt; i++) {
		if (!sr->rcpt[i].accepted)
			continue;
		u[m].addr = sr->rcpt[i].addr;
		u[m].kind = STORE_ADDR_TO;
		m++;
	}
	if (store_addr_add(st, u, m, &err) != 0)
		pt_warn("address book: %s", err.msg);
	free(u);
	store_free(&st);
}

static void
eng_send_refused(const struct smtp_submit_result *sr,
    struct eng_send_result *res)
{
	struct pt_buf b;
	size_t i;

	pt_buf_init(&b, 0);
	for (i = 0; i < sr->nrcpt; i++)
		if (!sr->rcpt[i].accepted && sr->rcpt[i].code != 0)
			pt_buf_printf(&b, NULL,
			    _("%s: refused (server: %d %s)\n"),
			    sr->rcpt[i].addr, sr->rcpt[i].code,
			    sr->rcpt[i].text);
	res->naccepted = sr->naccepted;
	free(res->refused);
	res->refused = b.len > 0 ? pt_buf_detach(&b, NULL) : NULL;
	pt_buf_release(&b);
}

int
eng_send_deliver(const struct cfg_account *acct, const char *id, unsigned flags,
    const struct pt_secret *pw, struct net_cancel *cancel,
    eng_send_progress_fn progress, void *progress_arg,
    struct eng_send_result *res, struct pt_error *err)
{
	struct smtp_deliver_opts o;
	struct smtp_deliver_report rep;
	struct store_outbox *ob;
	struct eng_copy_ctx cc;
	struct pt_secret own;
	int r;

	pt_strlcpy(res->outbox_id, id, sizeof res->outbox_id);
	pt_error_init(&res->copy_err);
	pt_secret_init(&own);
	if (pw == NULL) {
		r = cfg_account_password(acct, &own, err);
		if (r == 1)
			pt_error_set(err, PT_E_AUTH, 0,
			    _("no password for the account '%s': set "
			      "password_command (or password) in the "
			      "configuration"),
			    acct->id);
		if (r != 0)
			return -1;
		pw = &own;
	}
	if ((ob = store_outbox_open(acct->id, NULL, err)) == NULL) {
		pt_secret_release(&own);
		return -1;
	}
	memset(&o, 0, sizeof o);
	o.acct = acct;
	o.password = pw;
	o.cancel = cancel;
	o.claim_flags = (flags & ENG_SEND_FORCE) ? STORE_OUTBOX_FORCE : 0;
	o.partial_ok = (flags & ENG_SEND_PARTIAL) != 0;
	o.progress = progress;
	o.progress_arg = progress_arg;
	cc.acct = acct;
	cc.pw = pw;
	cc.cancel = cancel;
	o.copy = eng_send_copy;
	o.copy_arg = &cc;
	r = smtp_deliver(ob, id, &o, &rep, err);
	if (r == 0)
		eng_send_record(acct, &rep.submit);
	eng_send_refused(&rep.submit, res);
	res->accepted = rep.accepted;
	res->already = rep.already;
	res->unsure = rep.unsure;
	res->copied = rep.copied;
	res->copy_err = rep.copy_err;
	smtp_deliver_report_release(&rep);
	store_outbox_free(&ob);
	pt_secret_release(&own);
	return r;
}

size_t
eng_outbox_count(const struct cfg_account *acct)
{
	struct store_outbox *ob = store_outbox_open(acct->id, NULL, NULL);
	size_t n = ob != NULL ? store_outbox_count(ob) : 0;

	store_outbox_free(&ob);
	return n;
}

/* The sender thread. */

static void
eng_sender_progress(void *arg, uint64_t done, uint64_t total)
{
	struct eng_sender *sd = arg;

	eng_post_progress(sd->w, sd->task, done, total, ENG_UNIT_BYTES,
	    done >= total);
}

/*
 * The password for SMTP and the Sent copy: the configured one, else
 * the one the user typed for the account's IMAP login.
 */
static int
eng_send_password(struct eng_worker *w, struct pt_secret *pw,
    struct pt_error *err)
{
	int r = cfg_account_password(w->acct, pw, err);

	if (r != 1)
		return r;
	pthread_mutex_lock(&w->lock);
	if (w->typed_pw.len > 0) {
		pt_secret_set(pw, w->typed_pw.value, w->typed_pw.len);
		r = 0;
	}
	pthread_mutex_unlock(&w->lock);
	if (r != 0)
		return pt_error_set(err, PT_E_AUTH, 0,
		    _("no password for the account '%s': log in first (open "
		      "a folder), or set password_command"),
		    w->acct->id);
	return 0;
}

static void *
eng_sender_main(void *arg)
{
	struct eng_sender *sd = arg;
	struct eng_job *j = sd->task->job;
	struct eng_send_result res;
	struct eng_event *ev;
	struct pt_secret pw;
	struct pt_error err;
	int r = -1;

	memset(&res, 0, sizeof res);
	pt_error_init(&err);
	pt_error_init(&res.copy_err);
	pt_secret_init(&pw);
	if (j->path != NULL) {
		struct mime_draft d;

		if (eng_draft_read(j->path, &d, &err) == 0) {
			r = eng_send_queue(sd->w->acct, &d, &res, &err);
			mime_draft_release(&d);
		}
		/* In the outbox now: the draft has done its work. */
		if (r == 0)
			(void)unlink(j->path);
	} else {
		pt_strlcpy(res.outbox_id, j->target, sizeof res.outbox_id);
		r = 0;
	}
	if (r == 0)
		r = eng_send_password(sd->w, &pw, &err);
	if (r == 0)
		r = eng_send_deliver(sd->w->acct, res.outbox_id, j->send_flags,
		    &pw, sd->token, eng_sender_progress, sd, &res, &err);
	pt_secret_release(&pw);
	if (r != 0 && net_cancel_fired(sd->token) && !res.unsure) {
		pt_error_init(&err);
		pt_error_set(&err, PT_E_CANCELLED, 0,
		    _("sending was cancelled"));
	}
	if (r == 0) {
		ev = eng_event_new(sd->w, ENG_EV_DONE, sd->task, NULL);
		if (!res.copied)
			ev->err = res.copy_err;
	} else {
		ev = eng_event_new(sd->w, ENG_EV_FAILED, sd->task, NULL);
		ev->err = err;
		if (ev->err.class == PT_OK)
			pt_error_set(&ev->err, PT_E_INTERNAL, 0,
			    _("the operation failed"));
	}
	if (res.outbox_id[0] != '\0')
		ev->u.send.outbox_id = pt_xstrdup(res.outbox_id);
	ev->u.send.refused = res.refused;
	res.refused = NULL;
	ev->u.send.naccepted = res.naccepted;
	ev->u.send.unsure = res.unsure;
	ev->u.send.copied = res.copied;
	eng_event_post(sd->w, ev);
	atomic_store(&sd->done, 1);
	return NULL;
}

int
eng_sender_start(struct eng *e, struct eng_task *t, struct pt_error *err)
{
	struct eng_sender *sd = pt_xcalloc(1, sizeof *sd);
	sigset_t old;
	int r;

	sd->eng = e;
	sd->task = t;
	sd->w = e->w[t->job->account];
	atomic_init(&sd->done, 0);
	if ((sd->token = net_cancel_new(err)) == NULL) {
		free(sd);
		return -1;
	}
	pthread_mutex_lock(&e->lock);
	eng_senders_reap(e);
	TAILQ_INSERT_TAIL(&e->senders, sd, entry);
	eng_block_signals(&old);
	r = pthread_create(&sd->thread, NULL, eng_sender_main, sd);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0)
		TAILQ_REMOVE(&e->senders, sd, entry);
	pthread_mutex_unlock(&e->lock);
	if (r != 0) {
		net_cancel_free(&sd->token);
		free(sd);
		return pt_error_set(err, PT_E_INTERNAL, r,
		    _("cannot start a sender thread: %s"), strerror(r));
	}
	return 0;
}

/* Joins the senders that finished (e->lock held). */
void
eng_senders_reap(struct eng *e)
{
	struct eng_sender *sd, *next;

	for (sd = TAILQ_FIRST(&e->senders); sd != NULL; sd = next) {
		next = TAILQ_NEXT(sd, entry);
		if (!atomic_load(&sd->done))
			continue;
		TAILQ_REMOVE(&e->senders, sd, entry);
		pthread_join(sd->thread, NULL);
		eng_task_free(&sd->task);
		net_cancel_free(&sd->token);
		free(sd);
	}
}

int
eng_senders_cancel(struct eng *e, uint64_t id)
{
	struct eng_sender *sd;
	int r = -1;

	pthread_mutex_lock(&e->lock);
	for (sd = TAILQ_FIRST(&e->senders); sd != NULL;
	     sd = TAILQ_NEXT(sd, entry))
		if (sd->task->id == id && !atomic_load(&sd->done)) {
			net_cancel_fire(sd->token);
			r = 0;
		}
	pthread_mutex_unlock(&e->lock);
	return r;
}

int
eng_sending(struct eng *e)
{
	struct eng_sender *sd;
	int n = 0;

	pthread_mutex_lock(&e->lock);
	for (sd = TAILQ_FIRST(&e->senders); sd != NULL;
	     sd = TAILQ_NEXT(sd, entry))
		if (!atomic_load(&sd->done))
			n = 1;
	pthread_mutex_unlock(&e->lock);
	return n;
}

/*
 * Stops every sender: cancels what still runs (the message stays in
 * the outbox) and joins them; 1 when one would not stop (left running).
 */
int
eng_senders_stop(struct eng *e)
{
	struct eng_sender *sd;
	long long end = eng_now_ms() + 5000;
	int busy;

	pthread_mutex_lock(&e->lock);
	for (sd = TAILQ_FIRST(&e->senders); sd != NULL;
	     sd = TAILQ_NEXT(sd, entry))
		if (!atomic_load(&sd->done))
			net_cancel_fire(sd->token);
	pthread_mutex_unlock(&e->lock);
	for (;;) {
		struct timespec ts = {0, 10 * 1000 * 1000};

		busy = 0;
		pthread_mutex_lock(&e->lock);
		eng_senders_reap(e);
		busy = !TAILQ_EMPTY(&e->senders);
		pthread_mutex_unlock(&e->lock);
		if (!busy || eng_now_ms() >= end)
			break;
		nanosleep(&ts, NULL);
	}
	if (busy) {
		pthread_mutex_lock(&e->lock);
		for (sd = TAILQ_FIRST(&e->senders); sd != NULL;
		     sd = TAILQ_NEXT(sd, entry))
			pthread_detach(sd->thread);
		pthread_mutex_unlock(&e->lock);
		pt_warn("engine: a sender did not stop; leaving it");
	}
	return busy;
}

int
eng_postpone_run(struct eng_worker *w, struct eng_task *t, struct pt_error *err)
{
	struct mime_envelope env;
	struct mime_draft d;
	struct pt_buf msg;
	char *mb = NULL;
	int r = -1;

	if (eng_draft_read(t->job->path, &d, err) != 0)
		return -1;
	pt_buf_init(&msg, ENG_MAX_MESSAGE);
	if (eng_draft_build(w->acct, &d, 1, &msg, &env, err) != 0)
		goto out;
	if (eng_worker_connect(w, t, err) == -1)
		goto out;
	mb = eng_send_folder(w->s, ENG_ROLE_DRAFTS, err);
	if (mb == NULL) {
		if (err != NULL && err->class != PT_OK)
			goto out;
		mb = pt_xstrdup("Drafts");
		if (imap_mailbox_create(w->s, mb, err) != 0)
			goto out;
	}
	r = imap_append(w->s, mb, STORE_F_SEEN | STORE_F_DRAFT, 0, msg.data,
	    msg.len, &t->result_uid, err);
	eng_worker_apply(w, t);
	/* On the server now: the local draft has done its work. */
	if (r == 0)
		(void)unlink(t->job->path);
	else
		pt_error_prefix(err, _("cannot store the draft in '%s'"), mb);
out:
	free(mb);
	mime_envelope_release(&env);
	pt_buf_release(&msg);
	mime_draft_release(&d);
	return r;
}

/* The outbox and drafts, for the interface. */

void
eng_outbox_items_free(struct eng_outbox_item **vp, size_t n)
{
	size_t i;

	if (*vp == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((*vp)[i].subject);
		free((*vp)[i].to);
		free((*vp)[i].status);
	}
	free(*vp);
	*vp = NULL;
}

int
eng_outbox_items(const struct cfg_account *acct, struct eng_outbox_item **vp,
    size_t *np, struct pt_error *err)
{
	struct store_outbox_entry *v = NULL;
	struct store_outbox *ob;
	struct eng_outbox_item *out;
	size_t n = 0, i;

	*vp = NULL;
	*np = 0;
	if ((ob = store_outbox_open(acct->id, NULL, err)) == NULL)
		return -1;
	if (store_outbox_list(ob, &v, &n, err) != 0) {
		store_outbox_free(&ob);
		return -1;
	}
	out = pt_xcalloc(n + 1, sizeof *out);
	for (i = 0; i < n; i++) {
		pt_strlcpy(out[i].id, v[i].id, sizeof out[i].id);
		out[i].state = store_outbox_state_name(v[i].state);
		out[i].delivered = v[i].state == STORE_OUTBOX_ACCEPTED ||
				   v[i].state == STORE_OUTBOX_COPYING;
		out[i].unsure = v[i].state == STORE_OUTBOX_UNSURE;
		out[i].locked = v[i].locked;
		out[i].mtime = v[i].mtime;
		out[i].subject =
		    pt_xstrdup(v[i].subject != NULL ? v[i].subject : "");
		out[i].to =
		    pt_xstrdup(v[i].env.nrcpt > 0 ? v[i].env.rcpt[0] : "");
		out[i].status =
		    v[i].status != NULL ? pt_xstrdup(v[i].status) : NULL;
	}
	store_outbox_list_free(&v, n);
	store_outbox_free(&ob);
	*vp = out;
	*np = n;
	return 0;
}

int
eng_outbox_discard(const struct cfg_account *acct, const char *id,
    struct pt_error *err)
{
	struct store_outbox *ob = store_outbox_open(acct->id, NULL, err);
	int r = ob != NULL ? store_outbox_discard(ob, id, err) : -1;

	store_outbox_free(&ob);
	return r;
}

int
eng_draft_from_message(const char *dir, const char *data, size_t len,
    char **pathp, struct pt_error *err)
{
	struct mime_draft_part *parts = NULL;
	struct mime_draft d;
	struct pt_buf b;
	char nonce[13], *path = NULL, *sub = NULL;
	size_t n = 0, i;
	int r = -1;

	*pathp = NULL;
	if (mime_draft_from_message(data, len, &d, &parts, &n, err) != 0)
		return -1;
	store_nonce(nonce, sizeof nonce);
	path = pt_xasprintf("%s/recalled-%s.txt", dir, nonce);
	if (pt_mkdir_p(dir, 0700, err) != 0)
		goto out;
	if (n > 0) {
		/* The attachments as files, under their own names. */
		sub = pt_xasprintf("%s/recalled-%s.files", dir, nonce);
		if (pt_mkdir_p(sub, 0700, err) != 0)
			goto out;
		d.attach = pt_xcalloc(n, sizeof *d.attach);
		for (i = 0; i < n; i++) {
			char *f = pt_xasprintf("%s/%s", sub, parts[i].name);
			size_t k;

			/* Two parts of one name: the later gets a number. */
			for (k = 0; k < d.nattach; k++)
				if (strcmp(d.attach[k], f) == 0) {
					free(f);
					f = pt_xasprintf("%s/%zu-%s", sub,
					    i + 1, parts[i].name);
					break;
				}
			d.attach[d.nattach++] = f;
			if (pt_file_write_atomic(f, parts[i].data, parts[i].len,
				0600, err) != 0)
				goto out;
		}
	}
	pt_buf_init(&b, 0);
	mime_draft_format(&d, &b);
	r = pt_file_write_atomic(path, b.data, b.len, 0600, err);
	pt_buf_release(&b);
out:
	if (r == 0) {
		*pathp = path;
		path = NULL;
	}
	free(path);
	free(sub);
	mime_draft_parts_free(&parts, n);
	mime_draft_release(&d);
	return r;
}

int
eng_outbox_edit(const struct cfg_account *acct, const char *id, const char *dir,
    char **pathp, struct pt_error *err)
{
	struct store_outbox_msg *m = NULL;
	struct store_outbox *ob;
	const char *data;
	size_t len;
	int r = -1;

	*pathp = NULL;
	if ((ob = store_outbox_open(acct->id, NULL, err)) == NULL)
		return -1;
	if (store_outbox_claim(ob, id, STORE_OUTBOX_FORCE, &m, err) != 0)
		goto out;
	if (store_outbox_msg_state(m) == STORE_OUTBOX_ACCEPTED ||
	    store_outbox_msg_state(m) == STORE_OUTBOX_COPYING) {
		pt_error_set(err, PT_E_REFUSED, 0,
		    _("the message '%s' was delivered already; only its copy "
		      "to Sent is left to do"),
		    id);
		goto out;
	}
	data = store_outbox_msg_data(m, &len);
	r = eng_draft_from_message(dir, data, len, pathp, err);
	/* Back to queued, then out: the draft holds it now. */
	store_outbox_release(&m);
	if (r == 0 && store_outbox_discard(ob, id, err) != 0) {
		(void)unlink(*pathp);
		free(*pathp);
		*pathp = NULL;
		r = -1;
	}
out:
	store_outbox_release(&m);
	store_outbox_free(&ob);
	return r;
}
