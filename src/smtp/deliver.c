/*
 * deliver.c: one outbox message from claim to removal.
 *
 *	claim (queued -> sending, locked)
 *	connect, TLS, EHLO, AUTH
 *	MAIL, RCPT..., DATA, body
 *	-> unsure (durable) right before the final "."
 *	250 -> accepted (durable) before anything else
 *	QUIT
 *	-> copying (durable), copy to Sent -> removed from the outbox
 *
 * A refusal or a failure before the final "." puts the message back to
 * queued with the reason in its status note; no answer after the final
 * "." leaves it unsure.  Crash points (store_outbox_crashpoint) let the
 * tests kill the process at each step.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/net.h"
#include "petrel/smtp.h"
#include "petrel/store.h"

#include "private.h"

static int smtp_deliver_unsure(void *, struct pt_error *);
static void smtp_deliver_note(struct store_outbox *, const char *, const char *,
    const struct pt_error *);

/* before_end: the whole message went out; the "." is next. */
static int
smtp_deliver_unsure(void *arg, struct pt_error *err)
{
	struct store_outbox_msg *m = arg;

	if (store_outbox_mark(m, STORE_OUTBOX_UNSURE, err) != 0)
		return -1;
	store_outbox_crashpoint("before-dot");
	return 0;
}

static void
smtp_deliver_note(struct store_outbox *ob, const char *id, const char *what,
    const struct pt_error *e)
{
	char when[32], *text;
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	text = pt_xasprintf("%s %s: %s\n", when, what, e->msg);
	(void)store_outbox_note(ob, id, text, NULL);
	free(text);
}

void
smtp_deliver_report_release(struct smtp_deliver_report *r)
{
	smtp_submit_result_release(&r->submit);
}

int
smtp_deliver(struct store_outbox *ob, const char *id,
    const struct smtp_deliver_opts *o, struct smtp_deliver_report *rep,
    struct pt_error *err)
{
	const struct store_outbox_env *env;
	struct smtp_session *s = NULL;
	struct store_outbox_msg *m = NULL;
	struct net_params np;
	struct pt_secret pw;
	struct smtp_submit sub;
	struct pt_error e;
	const char *data;
	size_t len;
	int r, check;

	memset(rep, 0, sizeof *rep);
	pt_error_init(&rep->copy_err);
	pt_secret_init(&pw);
	if (store_outbox_claim(ob, id, o->claim_flags, &m, err) != 0)
		return -1;
	store_outbox_crashpoint("after-claim");
	env = store_outbox_msg_env(m);
	data = store_outbox_msg_data(m, &len);

	if (store_outbox_msg_state(m) == STORE_OUTBOX_ACCEPTED ||
	    store_outbox_msg_state(m) == STORE_OUTBOX_COPYING) {
		rep->accepted = rep->already = 1;
		goto copy;
	}

	/* Log in. */
	if (o->password == NULL) {
		r = cfg_account_password(o->acct, &pw, err);
		if (r == 1)
			pt_error_set(err, PT_E_AUTH, 0,
			    _("no password for the account '%s': set "
			      "password_command (or password) in the "
			      "configuration"),
			    o->acct->id);
		if (r != 0)
			goto fail;
	}
	net_params_from_account(&np, o->acct, NET_PROTO_SMTP);
	s = smtp_session_new(&np, o->cancel, o->acct->email);
	if (smtp_session_open(s,
		o->acct->username != NULL ? o->acct->username : o->acct->email,
		o->password != NULL ? o->password : &pw, err) != 0) {
		pt_strlcpy(rep->exts, smtp_session_exts(s), sizeof rep->exts);
		goto fail;
	}
	pt_strlcpy(rep->exts, smtp_session_exts(s), sizeof rep->exts);
	pt_secret_release(&pw);

	memset(&sub, 0, sizeof sub);
	sub.from = env->from;
	sub.rcpt = (const char *const *)env->rcpt;
	sub.nrcpt = env->nrcpt;
	sub.data = data;
	sub.len = len;
	sub.partial_ok = o->partial_ok;
	sub.progress = o->progress;
	sub.progress_arg = o->progress_arg;
	sub.before_end = smtp_deliver_unsure;
	sub.before_end_arg = m;
	if (smtp_submit(s, &sub, &rep->submit, err) != 0) {
		if (rep->submit.data_sent && rep->submit.code == 0) {
			/* The "." went out and no answer came back. */
			rep->unsure = 1;
			pt_error_prefix(err,
			    _("the whole message was sent but the server "
			      "never confirmed it, so it may or may not have "
			      "been delivered; it stays in the outbox"));
		} else if (store_outbox_msg_state(m) == STORE_OUTBOX_UNSURE) {
			/* The server answered: it did not take it. */
			(void)store_outbox_mark(m, STORE_OUTBOX_SENDING, NULL);
		}
		goto fail;
	}
	/* Recorded before anything else: never sent twice. */
	if (store_outbox_mark(m, STORE_OUTBOX_ACCEPTED, &e) != 0)
		pt_warn("outbox %s: the server accepted the message but the "
			"outbox could not record it: %s",
		    id, e.msg);
	rep->accepted = 1;
	store_outbox_crashpoint("after-250");
	smtp_session_free(&s); /* QUIT */

copy:
	/*
	 * "copying" first: a crash during the APPEND (or right after it)
	 * must not make the next attempt store a second copy.
	 */
	check = store_outbox_msg_state(m) == STORE_OUTBOX_COPYING;
	if (o->copy != NULL && !check &&
	    store_outbox_mark(m, STORE_OUTBOX_COPYING, &rep->copy_err) != 0) {
		smtp_deliver_note(ob, id, _("sent; the copy failed"),
		    &rep->copy_err);
		store_outbox_release(&m);
		return 0;
	}
	if (o->copy != NULL && o->copy(o->copy_arg, env->fcc, check, data, len,
				   &rep->copy_err) != 0) {
		smtp_deliver_note(ob, id, _("sent; the copy failed"),
		    &rep->copy_err);
		store_outbox_release(&m);
		return 0;
	}
	store_outbox_crashpoint("after-copy");
	if (store_outbox_done(&m, &e) != 0) {
		rep->copy_err = e;
		return 0;
	}
	rep->copied = 1;
	return 0;

fail:
	pt_secret_release(&pw);
	smtp_session_free(&s);
	smtp_deliver_note(ob, id, rep->unsure ? _("maybe sent") : _("not sent"),
	    err);
	store_outbox_release(&m);
	return -1;
}
