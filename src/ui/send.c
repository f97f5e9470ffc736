/*
 * send.c: what becomes of a draft after the compose screen: sending,
 * postponing, the outbox, and quitting while a message goes out.
 *
 * Sending submits ENG_JOB_SEND (src/engine/send.c, the same path as
 * petrel -H and batch mode): the engine builds the message, writes it
 * to the outbox (fsync) and removes the draft, then talks to the
 * server on a sender thread of its own.  The status line shows the
 * bytes going out; the end is "Message sent." or an error that says the
 * message waits in the outbox, followed by the choice to retry, edit,
 * discard or leave it.  When some recipients are refused, the user
 * chooses: send to the others, or keep it in the outbox.
 *
 * Postponing submits ENG_JOB_POSTPONE: the message goes to the
 * account's Drafts folder (with Bcc); offline or on failure the draft
 * stays on this computer and the message line says so.
 *
 * At start, messages waiting in the outbox are offered one by one:
 * retry, edit (back into a draft and compose), discard or later.
 *
 * A draft recalled from the server (recall.c) has a companion file
 * DRAFT.origin naming the server copy; once the message is in the
 * outbox or in Drafts again, that copy is removed (\Deleted, then UID
 * EXPUNGE of that UID only, with its UIDVALIDITY).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/engine.h"

#include "private.h"

/* A send or postpone on its way (the job's argument). */
struct ui_send {
	size_t account;
	char *draft; /* the draft file, or NULL (an outbox retry) */
};

/* A message of the outbox the user is asked about. */
struct ui_offer {
	size_t account;
	char id[ENG_OUTBOX_ID_MAX];
	int delivered, unsure;
};

static struct ui_send *ui_send_new(size_t, const char *);
static void ui_send_free(void *);
static uint64_t ui_send_submit(struct ui *, size_t, const char *, const char *,
    unsigned);
static void ui_send_cb(struct ui *, struct eng_event *, void *);
static void ui_postpone_cb(struct ui *, struct eng_event *, void *);
static void ui_send_refused_answer(struct ui *, int, const char *, void *);
static void ui_offer_ask(struct ui *, size_t, const char *, const char *,
    const char *, int, int, int);
static void ui_offer_answer(struct ui *, int, const char *, void *);
static void ui_quit_answer(struct ui *, int, const char *, void *);
static void ui_origin_remove(struct ui *, size_t, const char *);
static char *ui_send_question(const char *, const char *, const char *);

const char *
ui_acct_id(struct ui *ui, size_t account)
{
	const struct cfg_account *a = cfg_account_at(ui->cfg, account);

	return a != NULL ? a->id : "";
}

char *
ui_drafts_dir(struct ui *ui, size_t account)
{
	char *rest, *dir;

	rest = pt_xasprintf("%s/drafts", ui_acct_id(ui, account));
	dir = pt_xdg_path(PT_XDG_DATA, rest);
	free(rest);
	return dir;
}

static struct ui_send *
ui_send_new(size_t account, const char *draft)
{
	struct ui_send *s = pt_xcalloc(1, sizeof *s);

	s->account = account;
	s->draft = draft != NULL ? pt_xstrdup(draft) : NULL;
	return s;
}

static void
ui_send_free(void *arg)
{
	struct ui_send *s = arg;

	if (s == NULL)
		return;
	free(s->draft);
	free(s);
}

/* Submits ENG_JOB_SEND for a draft file or an outbox id. */
static uint64_t
ui_send_submit(struct ui *ui, size_t account, const char *draft, const char *id,
    unsigned flags)
{
	struct eng_job *job = eng_job_new(ENG_JOB_SEND, account);
	struct ui_job *j;
	uint64_t jid;

	if (draft != NULL)
		job->path = pt_xstrdup(draft);
	else
		eng_job_set_target(job, id);
	job->send_flags = flags;
	jid = ui_job_submit(ui, job, _("Sending"), ui_send_cb,
	    ui_send_new(account, draft), ui_send_free);
	if (jid != 0 && (j = ui_job_find(ui, jid)) != NULL) {
		j->quiet = 1; /* ui_send_cb tells how it ended */
		ui_msg(ui, "%s", _("Sending..."));
	}
	return jid;
}

void
ui_send_draft(struct ui *ui, size_t account, const char *draft)
{
	(void)ui_send_submit(ui, account, draft, NULL, 0);
}

static void
ui_send_cb(struct ui *ui, struct eng_event *ev, void *arg)
{
	struct ui_send *s = arg;
	const char *id = ev->u.send.outbox_id;
	char *refused;

	if (ev->kind != ENG_EV_DONE && ev->kind != ENG_EV_FAILED)
		return;
	/* In the outbox now: a recalled draft's server copy can go. */
	if (id != NULL && s->draft != NULL) {
		ui_origin_remove(ui, s->account, s->draft);
		ui_draft_files_remove(s->draft);
	}
	refused = ev->u.send.refused != NULL
		      ? pt_sanitize_line(ev->u.send.refused,
			    strlen(ev->u.send.refused))
		      : NULL;
	if (ev->kind == ENG_EV_DONE) {
		if (ev->err.class != PT_OK)
			ui_error(ui,
			    _("Sent, but %s; the copy waits in the outbox "
			      "and is made at the next retry."),
			    ev->err.msg);
		else if (refused != NULL)
			ui_error(ui, _("Sent, except to: %s"), refused);
		else
			ui_msg(ui, "%s", _("Message sent."));
	} else if (ev->err.class == PT_E_CANCELLED && id != NULL) {
		ui_msg(ui, "%s",
		    _("Sending cancelled; the message waits in the outbox."));
	} else if (id == NULL) {
		ui_error(ui, _("Not sent: %s. The draft is kept in %s."),
		    ev->err.msg, s->draft != NULL ? s->draft : "?");
	} else if (refused != NULL && ev->u.send.naccepted > 0) {
		struct ui_offer *o = pt_xcalloc(1, sizeof *o);
		struct ui_prompt *p;
		char *q;

		o->account = s->account;
		pt_strlcpy(o->id, id, sizeof o->id);
		ui_log_add(ui, 1, refused);
		q = ui_send_question(_("Refused: "), refused,
		    _(". (s)end to the others, (k)eep it in the outbox"));
		p = ui_prompt_new(UI_PROMPT_CHOICE, q, ui_send_refused_answer,
		    o);
		p->arg_free = free;
		p->choices = pt_xstrdup("sk");
		ui_prompt_show(ui, p, 1);
		free(q);
	} else {
		ui_error(ui,
		    _("Not sent: %s. The message waits in the outbox."),
		    ev->err.msg);
		/* The whole error is in the log; the question shows it. */
		ui_offer_ask(ui, s->account, id, NULL, ev->err.msg, 0,
		    ev->u.send.unsure, 0);
	}
	free(refused);
}

static void
ui_send_refused_answer(struct ui *ui, int ans, const char *text, void *arg)
{
	struct ui_offer *o = arg;

	(void)text;
	if (ans == 's')
		(void)ui_send_submit(ui, o->account, NULL, o->id,
		    ENG_SEND_PARTIAL);
	else
		ui_msg(ui, "%s",
		    _("Kept in the outbox; it is offered again at the next "
		      "start."));
}

void
ui_postpone_draft(struct ui *ui, size_t account, const char *draft)
{
	struct eng_job *job = eng_job_new(ENG_JOB_POSTPONE, account);
	struct ui_job *j;
	uint64_t id;

	job->path = pt_xstrdup(draft);
	id = ui_job_submit(ui, job, _("Postponing"), ui_postpone_cb,
	    ui_send_new(account, draft), ui_send_free);
	if (id != 0 && (j = ui_job_find(ui, id)) != NULL)
		j->quiet = 1;
	else if (id == 0)
		ui_error(ui,
		    _("Postponed, saved on this computer only: %s (R recalls "
		      "it)."),
		    draft);
}

static void
ui_postpone_cb(struct ui *ui, struct eng_event *ev, void *arg)
{
	struct ui_send *s = arg;

	if (ev->kind == ENG_EV_DONE) {
		ui_origin_remove(ui, s->account, s->draft);
		ui_draft_files_remove(s->draft);
		/* The Drafts folder may be new: R must find it. */
		ui_folders_request(ui, s->account);
		ui_msg(ui, "%s",
		    _("Postponed to the Drafts folder (R recalls it)."));
	} else if (ev->kind == ENG_EV_FAILED)
		ui_error(ui,
		    _("Postponed, saved on this computer only (%s); R recalls "
		      "it."),
		    ev->err.msg);
}

/*
 * The server copy a recalled draft came from: DRAFT.origin holds
 * "UIDVALIDITY UID FOLDER".  Marked \Deleted and expunged (that UID
 * only, and only in that UIDVALIDITY); the file goes in any case.
 */
static void
ui_origin_remove(struct ui *ui, size_t account, const char *draft)
{
	char *path = pt_xasprintf("%s.origin", draft), *data, *folder;
	unsigned long long v, u;
	struct eng_job *job;
	uint32_t uid;
	size_t len;
	int off = 0;

	data = pt_file_read(path, 4096, &len, NULL);
	(void)unlink(path);
	free(path);
	if (data == NULL)
		return;
	if (sscanf(data, "%llu %llu %n", &v, &u, &off) != 2 || off <= 0 ||
	    v == 0 || v > UINT32_MAX || u == 0 || u > UINT32_MAX) {
		free(data);
		return;
	}
	folder = data + off;
	folder[strcspn(folder, "\n")] = '\0';
	uid = (uint32_t)u;
	job = eng_job_new(ENG_JOB_FLAGS, account);
	eng_job_set_folder(job, folder);
	eng_job_set_uids(job, &uid, 1);
	job->uidvalidity = (uint32_t)v;
	job->flags_add = ENG_F_DELETED;
	if (ui_job_submit(ui, job, NULL, NULL, NULL, NULL) != 0) {
		job = eng_job_new(ENG_JOB_EXPUNGE, account);
		eng_job_set_folder(job, folder);
		eng_job_set_uids(job, &uid, 1);
		job->uidvalidity = (uint32_t)v;
		(void)ui_job_submit(ui, job, NULL, NULL, NULL, NULL);
	}
	free(data);
}

/*
 * head + what + tail on one line of the screen: what (sanitized) is cut
 * so that the choices in tail stay visible.
 */
static char *
ui_send_question(const char *head, const char *what, const char *tail)
{
	size_t hw = ui_text_width(head, strlen(head)),
	       tw = ui_text_width(tail, strlen(tail)), avail;
	char *w = pt_sanitize_line(what, strlen(what));
	struct pt_buf b;

	avail = (size_t)COLS > hw + tw + 12 ? (size_t)COLS - hw - tw - 2 : 10;
	pt_buf_init(&b, 0);
	pt_buf_addstr(&b, head, NULL);
	if (ui_text_width(w, strlen(w)) > avail) {
		ui_text_fit(&b, w, strlen(w), 0, avail - 3, 0);
		pt_buf_addstr(&b, "...", NULL);
	} else
		pt_buf_addstr(&b, w, NULL);
	pt_buf_addstr(&b, tail, NULL);
	free(w);
	return pt_buf_detach(&b, NULL);
}

/*
 * The attachments a recalled draft brought along (DRAFT minus ".txt",
 * plus ".files/"): once the message is in the outbox or in Drafts, they
 * are in it and go.
 */
void
ui_draft_files_remove(const char *draft)
{
	size_t l = strlen(draft);
	char *dir;
	DIR *d;

	if (l < 4 || strcmp(draft + l - 4, ".txt") != 0)
		return;
	dir = pt_xasprintf("%.*s.files", (int)(l - 4), draft);
	if ((d = opendir(dir)) != NULL) {
		struct dirent *de;

		while ((de = readdir(d)) != NULL) {
			char *f;

			if (de->d_name[0] == '.')
				continue;
			f = pt_xasprintf("%s/%s", dir, de->d_name);
			(void)unlink(f);
			free(f);
		}
		closedir(d);
		(void)rmdir(dir);
	}
	free(dir);
}

/* The outbox at start. */

void
ui_outbox_offer(struct ui *ui)
{
	size_t a, total = 0, k = 0;

	for (a = 0; a < cfg_account_count(ui->cfg); a++)
		total += eng_outbox_count(cfg_account_at(ui->cfg, a));
	if (total == 0)
		return;
	for (a = 0; a < cfg_account_count(ui->cfg); a++) {
		struct eng_outbox_item *v;
		struct pt_error err;
		size_t n, i;

		pt_error_init(&err);
		if (eng_outbox_items(cfg_account_at(ui->cfg, a), &v, &n,
			&err) != 0) {
			ui_error(ui, "%s", err.msg);
			continue;
		}
		for (i = 0; i < n; i++) {
			if (v[i].locked)
				continue;
			ui_offer_ask(ui, a, v[i].id, v[i].to, v[i].subject,
			    v[i].delivered, v[i].unsure, k++ == 0 ? total : 0);
		}
		eng_outbox_items_free(&v, n);
	}
}

/*
 * Asks what to do with one outbox message: retry, edit, discard or
 * later (a delivered one: retry its Sent copy, or later).  total, when
 * not 0, opens the question with "N messages waiting in the outbox".
 * Without to, subject is the error of the send that just failed.
 */
static void
ui_offer_ask(struct ui *ui, size_t account, const char *id, const char *to,
    const char *subject, int delivered, int unsure, int total)
{
	struct ui_offer *o = pt_xcalloc(1, sizeof *o);
	struct ui_prompt *p;
	struct pt_buf q;
	char *s;

	o->account = account;
	pt_strlcpy(o->id, id, sizeof o->id);
	o->delivered = delivered;
	o->unsure = unsure;
	pt_buf_init(&q, 0);
	if (total > 0)
		pt_buf_printf(&q, NULL,
		    ngettext_("%d message waiting in the outbox. ",
			"%d messages waiting in the outbox. ",
			(unsigned long)total),
		    total);
	if (to != NULL && subject != NULL) {
		s = pt_sanitize_line(subject, strlen(subject));
		pt_buf_printf(&q, NULL, _("To %s, '%s'"), to, s);
		free(s);
		pt_buf_addstr(&q,
		    unsure      ? _(" (may have been delivered)")
		    : delivered ? _(" (delivered; the copy to "
				    "Sent is missing)")
				: "",
		    NULL);
		pt_buf_addstr(&q, ": ", NULL);
	}
	pt_buf_addstr(&q,
	    delivered ? _("(r)etry the copy, (l)ater")
		      : _("(r)etry, (e)dit, (d)iscard, (l)ater"),
	    NULL);
	if (to == NULL && subject != NULL) {
		/* After a failed send: the error, cut to leave the choices. */
		char *tail =
		    pt_xasprintf(_(". It waits in the outbox: %s"), q.data);

		s = ui_send_question(_("Not sent: "), subject, tail);
		free(tail);
	} else
		s = pt_sanitize_line(q.data, q.len);
	p = ui_prompt_new(UI_PROMPT_CHOICE, s, ui_offer_answer, o);
	p->arg_free = free;
	p->choices = pt_xstrdup(delivered ? "rl" : "redl");
	ui_prompt_show(ui, p, 1);
	free(s);
	pt_buf_release(&q);
}

static void
ui_offer_answer(struct ui *ui, int ans, const char *text, void *arg)
{
	const struct ui_offer *o = arg;
	const struct cfg_account *acct = cfg_account_at(ui->cfg, o->account);
	struct pt_error err;
	char *dir, *path;

	(void)text;
	pt_error_init(&err);
	if (acct == NULL)
		return;
	switch (ans) {
	case 'r':
		(void)ui_send_submit(ui, o->account, NULL, o->id,
		    o->unsure ? ENG_SEND_FORCE : 0);
		break;
	case 'e':
		dir = ui_drafts_dir(ui, o->account);
		if (eng_outbox_edit(acct, o->id, dir, &path, &err) != 0)
			ui_error(ui, "%s", err.msg);
		else {
			ui_compose_resume(ui, o->account, path);
			free(path);
		}
		free(dir);
		break;
	case 'd':
		if (eng_outbox_discard(acct, o->id, &err) != 0)
			ui_error(ui, "%s", err.msg);
		else
			ui_msg(ui, "%s", _("Discarded from the outbox."));
		break;
	default:
		ui_msg(ui, "%s",
		    _("It waits in the outbox (petrel outbox; offered again "
		      "at the next start)."));
		break;
	}
}

/* Quitting while a message goes out. */

static int ui_quit_sure;

int
ui_send_quit_check(struct ui *ui, int expunge)
{
	if (ui_quit_sure || ui->eng == NULL || !eng_sending(ui->eng))
		return 0;
	ui_prompt_yesno(ui,
	    _("A message is being sent. Quit anyway? (It stays in the "
	      "outbox and is offered again at the next start.)"),
	    0, ui_quit_answer, (void *)(intptr_t)expunge);
	return 1;
}

static void
ui_quit_answer(struct ui *ui, int yes, const char *text, void *arg)
{
	(void)text;
	if (yes != 1)
		return;
	ui_quit_sure = 1;
	ui_ops_quit(ui, (int)(intptr_t)arg);
}
