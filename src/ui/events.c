/*
 * events.c: the UI side of the engine contract.  Jobs the UI submits
 * are remembered with a label (for the progress display), a callback
 * that sees each of their events, and a message for their success.
 * Events that are not tied to a job (connection state, passwords,
 * certificates, alerts, new mail, flag changes, expunges) are handled
 * here, and so is the open folder: index batches go into a queue and
 * reach the model a bounded slice per pass of the main loop, so that a
 * 100,000-message folder never freezes the keys.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/ui.h"

#include "private.h"

/* The UI's flag bits are the engine's. */
_Static_assert(UI_F_SEEN == ENG_F_SEEN && UI_F_ANSWERED == ENG_F_ANSWERED &&
		   UI_F_FLAGGED == ENG_F_FLAGGED &&
		   UI_F_DELETED == ENG_F_DELETED && UI_F_DRAFT == ENG_F_DRAFT &&
		   UI_F_RECENT == ENG_F_RECENT &&
		   UI_F_FORWARDED == ENG_F_FORWARDED &&
		   UI_F_ATTACH == ENG_F_ATTACH,
    "UI and engine flag bits differ");

#define UI_REBUILD_MS   400   /* at most this often while a folder loads */
#define UI_KEY_QUIET_MS 300   /* ... and not this soon after a key */
#define UI_REJECT_MS    10000 /* a rejected certificate is not asked again */

static void ui_job_remove(struct ui *, size_t);
static void ui_event_one(struct ui *, struct eng_event *);
static void ui_event_conn(struct ui *, const struct eng_event *);
static void ui_event_password(struct ui *, const struct eng_event *);
static void ui_event_cert(struct ui *, const struct eng_event *);
static void ui_event_folder(struct ui *, struct eng_event *);
static int ui_event_is_open_folder(const struct ui *, const struct eng_event *);
static void ui_password_answer(struct ui *, int, const char *, void *);
static void ui_cert_answer(struct ui *, int, const char *, void *);
static void ui_folder_flush(struct ui *);
static void ui_folder_place(struct ui *);

uint64_t
ui_job_submit(struct ui *ui, struct eng_job *job, const char *label,
    ui_job_cb cb, void *arg, void (*arg_free)(void *))
{
	struct pt_error err;
	enum eng_job_kind kind = job->kind;
	size_t account = job->account;
	struct ui_job *j;
	uint64_t id;

	pt_error_init(&err);
	if ((id = eng_submit(ui->eng, job, &err)) == 0) {
		ui_error(ui, "%s", err.msg);
		if (arg_free != NULL)
			arg_free(arg);
		return 0;
	}
	if (ui->njobs == ui->capjobs) {
		ui->capjobs = ui->capjobs == 0 ? 16 : ui->capjobs * 2;
		ui->jobs =
		    pt_xreallocarray(ui->jobs, ui->capjobs, sizeof *ui->jobs);
	}
	j = &ui->jobs[ui->njobs++];
	memset(j, 0, sizeof *j);
	j->id = id;
	j->kind = kind;
	j->account = account;
	pt_strlcpy(j->label, label != NULL ? label : "", sizeof j->label);
	j->cb = cb;
	j->arg = arg;
	j->arg_free = arg_free;
	return id;
}

struct ui_job *
ui_job_find(struct ui *ui, uint64_t id)
{
	size_t i;

	for (i = 0; i < ui->njobs; i++) {
		if (ui->jobs[i].id == id)
			return &ui->jobs[i];
	}
	return NULL;
}

const struct ui_job *
ui_job_progress(const struct ui *ui)
{
	const struct ui_job *best = NULL;
	size_t i;

	for (i = 0; i < ui->njobs; i++) {
		const struct ui_job *j = &ui->jobs[i];

		if (j->label[0] != '\0' && j->progress)
			best = j;
	}
	return best;
}

static void
ui_job_remove(struct ui *ui, size_t i)
{
	struct ui_job *j = &ui->jobs[i];

	if (j->arg_free != NULL)
		j->arg_free(j->arg);
	free(j->done_msg);
	memmove(j, j + 1, (ui->njobs - i - 1) * sizeof *j);
	ui->njobs--;
}

void
ui_job_cancel_all(struct ui *ui)
{
	while (ui->njobs > 0) {
		if (ui->eng != NULL)
			eng_cancel(ui->eng, ui->jobs[ui->njobs - 1].id);
		ui_job_remove(ui, ui->njobs - 1);
	}
}

static int
ui_event_is_open_folder(const struct ui *ui, const struct eng_event *ev)
{
	const struct ui_folder *f = &ui->folder;

	return f->open && ev->account == f->account && ev->folder != NULL &&
	       strcmp(ev->folder, f->name) == 0 &&
	       (ev->uidvalidity == 0 || f->uidvalidity == 0 ||
		   ev->uidvalidity == f->uidvalidity);
}

static const char *
ui_account_host(const struct ui *ui, size_t a)
{
	return a < ui->nacct ? ui->acct[a].cfg->imap.host : "?";
}

static void
ui_event_conn(struct ui *ui, const struct eng_event *ev)
{
	struct ui_account *a;
	enum eng_conn old;

	if (ev->account >= ui->nacct)
		return;
	a = &ui->acct[ev->account];
	old = a->conn;
	a->conn = ev->u.conn.state;
	a->retry_in = ev->u.conn.retry_in;
	switch (a->conn) {
	case ENG_CONN_CONNECTING:
		if (old != ENG_CONN_RECONNECTING)
			ui_msg(ui, _("Connecting to %s..."),
			    ui_account_host(ui, ev->account));
		break;
	case ENG_CONN_CONNECTED:
		if (old == ENG_CONN_RECONNECTING || old == ENG_CONN_CONNECTING)
			ui_msg(ui, _("Connected to %s."),
			    ui_account_host(ui, ev->account));
		if (ui->acct[ev->account].folders == NULL)
			ui_folders_request(ui, ev->account);
		break;
	case ENG_CONN_RECONNECTING:
		if (ev->err.msg[0] != '\0')
			ui_error(ui,
			    ngettext_("%s; trying again in %d second",
				"%s; trying again in %d seconds",
				(unsigned long)ev->u.conn.retry_in),
			    ev->err.msg, ev->u.conn.retry_in);
		break;
	case ENG_CONN_OFFLINE:
		if (ev->err.msg[0] != '\0')
			ui_error(ui, "%s", ev->err.msg);
		break;
	case ENG_CONN_WAITING:
		break;
	}
}

static void
ui_password_answer(struct ui *ui, int answer, const char *text, void *arg)
{
	size_t account = (size_t)(uintptr_t)arg;

	eng_password(ui->eng, account, answer == 1 ? text : NULL);
	if (answer != 1)
		ui_msg(ui, _("No password given: %s stays offline."),
		    ui_account_host(ui, account));
}

/* A password typed before ui_run (the setup wizard's), used once. */
static struct {
	size_t account;
	struct pt_secret pw;
} ui_preset;

void
ui_preset_password(size_t account, const char *pw)
{
	pt_secret_release(&ui_preset.pw);
	ui_preset.account = account;
	if (pw != NULL)
		pt_secret_set(&ui_preset.pw, pw, strlen(pw));
}

void
ui_preset_forget(void)
{
	pt_secret_release(&ui_preset.pw);
}

static void
ui_event_password(struct ui *ui, const struct eng_event *ev)
{
	const struct cfg_account *a;
	struct ui_prompt *p;
	char *q;

	if (ev->account >= ui->nacct)
		return;
	if (ui_preset.pw.value != NULL && ui_preset.account == ev->account) {
		eng_password(ui->eng, ev->account, ui_preset.pw.value);
		pt_secret_release(&ui_preset.pw);
		return;
	}
	a = ui->acct[ev->account].cfg;
	/*
	 * The prompt takes the bottom line, where the error would show: the
	 * error goes to the log (M) and the prompt says that it is a retry.
	 */
	if (ev->err.msg[0] != '\0') {
		ui_error(ui, "%s", ev->err.msg);
		q = pt_xasprintf(_("Login refused; password for %s on %s:"),
		    a->username != NULL ? a->username : a->email, a->imap.host);
	} else
		q = pt_xasprintf(_("Password for %s on %s:"),
		    a->username != NULL ? a->username : a->email, a->imap.host);
	p = ui_prompt_new(UI_PROMPT_PASSWORD, q, ui_password_answer,
	    (void *)(uintptr_t)ev->account);
	p->account = ev->account;
	free(q);
	ui_prompt_show(ui, p, 1);
}

static void
ui_cert_answer(struct ui *ui, int answer, const char *text, void *arg)
{
	size_t account = (size_t)(uintptr_t)arg;

	(void)text;
	if (answer < 0)
		answer = ENG_TRUST_REJECT;
	eng_trust_cert(ui->eng, account, (enum eng_trust)answer);
	if (answer == ENG_TRUST_REJECT) {
		if (account < ui->nacct) {
			struct ui_account *a = &ui->acct[account];

			pt_strlcpy(a->rejected_fp, a->asked_fp,
			    sizeof a->rejected_fp);
			a->rejected_at = ui_now_ms();
		}
		ui_msg(ui, _("Certificate rejected: %s stays offline."),
		    ui_account_host(ui, account));
	} else if (answer == ENG_TRUST_ALWAYS)
		ui_msg(ui, "%s",
		    _("Certificate accepted and stored in the configuration."));
	else
		ui_msg(ui, "%s", _("Certificate accepted until petrel exits."));
}

static void
ui_event_cert(struct ui *ui, const struct eng_event *ev)
{
	struct ui_account *a;
	struct ui_prompt *p;
	struct eng_cert *c;
	if (ev->u.cert == NULL || ev->account >= ui->nacct)
		return;
	/*
	 * Jobs queued before the user said no try again at once: the same
	 * certificate within a few seconds gets the same answer.
	 */
	a = &ui->acct[ev->account];
	if (strcmp(a->rejected_fp, ev->u.cert->sha256) == 0 &&
	    ui_now_ms() - a->rejected_at < UI_REJECT_MS) {
		eng_trust_cert(ui->eng, ev->account, ENG_TRUST_REJECT);
		return;
	}
	pt_strlcpy(a->asked_fp, ev->u.cert->sha256, sizeof a->asked_fp);
	p = ui_prompt_new(UI_PROMPT_CERT, "", ui_cert_answer,
	    (void *)(uintptr_t)ev->account);
	p->cert = *ev->u.cert;
	p->account = ev->account;
	/* Every field came from the server: make it harmless. */
	c = &p->cert;
#define UI_SAN(f)                                                              \
	do {                                                                   \
		char *s_ = pt_sanitize_line(c->f, strnlen(c->f, sizeof c->f)); \
		pt_strlcpy(c->f, s_, sizeof c->f);                             \
		free(s_);                                                      \
	} while (0)
	UI_SAN(host);
	UI_SAN(reason);
	UI_SAN(subject);
	UI_SAN(issuer);
	UI_SAN(not_before);
	UI_SAN(not_after);
	UI_SAN(sha256);
#undef UI_SAN
	ui_prompt_show(ui, p, 1);
}

/* Puts every pending batch into the model now. */
static void
ui_folder_flush(struct ui *ui)
{
	ui_folder_work(ui, -1);
}

static void
ui_event_folder(struct ui *ui, struct eng_event *ev)
{
	struct ui_folder *f = &ui->folder;
	struct ui_pending *p;
	size_t i;

	switch (ev->kind) {
	case ENG_EV_INDEX: {
		struct eng_index *ix = ev->u.index;
		struct ui_pending **pp;

		if (ix == NULL)
			break;
		if (ix->reset) {
			/* Forget what we hold for this folder. */
			while ((p = f->pending) != NULL) {
				f->pending = p->next;
				eng_index_free(&p->ix);
				free(p);
			}
			ui_model_clear(&f->model);
			f->view.nrows = f->view.cursor = f->view.top = 0;
			f->view.dirty = 1;
			f->placed = 0;
		}
		f->uidvalidity = ix->uidvalidity;
		f->total = ix->total;
		/* The whole folder's room at once: no pauses to regrow. */
		if (ix->total > f->model.cap && ix->total < 10000000)
			ui_model_reserve(&f->model, ix->total + 64);
		if (ix->complete)
			f->complete = 1;
		p = pt_xcalloc(1, sizeof *p);
		p->ix = ix;
		ev->u.index = NULL;
		for (pp = &f->pending; *pp != NULL; pp = &(*pp)->next)
			;
		*pp = p;
		break;
	}
	case ENG_EV_FLAGS:
		ui_folder_flush(ui);
		for (i = 0; i < ev->u.flags.n; i++) {
			int32_t s =
			    ui_model_find(&f->model, ev->u.flags.v[i].uid);

			if (s >= 0)
				f->model.msg[s].flags = ev->u.flags.v[i].flags;
		}
		ui_view_count(&f->view);
		/* A limit on flags may change what is shown. */
		if (f->view.limit != NULL)
			f->view.dirty = 1;
		break;
	case ENG_EV_EXPUNGED:
		ui_folder_flush(ui);
		for (i = 0; i < ev->u.uids.n; i++)
			ui_model_remove(&f->model, ev->u.uids.v[i]);
		f->view.dirty = 1;
		/* Vanished messages must leave the screen at once. */
		ui_folder_refresh(ui, 1);
		break;
	case ENG_EV_NEW_MAIL:
		ui_msg(ui,
		    ngettext_("%zu new message in %s", "%zu new messages in %s",
			(unsigned long)ev->u.count),
		    ev->u.count, f->name);
		break;
	default:
		break;
	}
}

static void
ui_event_one(struct ui *ui, struct eng_event *ev)
{
	struct ui_job *j = ev->job_id != 0 ? ui_job_find(ui, ev->job_id) : NULL;
	uint64_t id = ev->job_id;
	int i;

	switch (ev->kind) {
	case ENG_EV_PROGRESS:
		if (j != NULL) {
			j->done = ev->u.progress.done;
			j->total = ev->u.progress.total;
			j->unit = ev->u.progress.unit;
			j->progress = 1;
		}
		break;
	case ENG_EV_CONN:
		ui_event_conn(ui, ev);
		break;
	case ENG_EV_PENDING:
		if (ev->account < ui->nacct)
			ui->acct[ev->account].pending = ev->u.count;
		break;
	case ENG_EV_NEED_PASSWORD:
		ui_event_password(ui, ev);
		break;
	case ENG_EV_CERT:
		ui_event_cert(ui, ev);
		break;
	case ENG_EV_ALERT:
		if (ev->u.text != NULL)
			ui_error(ui, _("%s says: %s"),
			    ui_account_host(ui, ev->account), ev->u.text);
		break;
	case ENG_EV_FOLDERS:
		if (ev->account < ui->nacct && ev->u.folders != NULL) {
			eng_folder_list_free(&ui->acct[ev->account].folders);
			ui->acct[ev->account].folders = ev->u.folders;
			ev->u.folders = NULL;
		}
		break;
	case ENG_EV_FOLDER_STATUS:
		if (ev->account < ui->nacct &&
		    ui->acct[ev->account].folders != NULL &&
		    ev->folder != NULL) {
			struct eng_folder_list *l =
			    ui->acct[ev->account].folders;
			size_t k;

			for (k = 0; k < l->n; k++) {
				if (strcmp(l->v[k].name, ev->folder) == 0) {
					l->v[k].messages =
					    ev->u.status.messages;
					l->v[k].unseen = ev->u.status.unseen;
				}
			}
		}
		break;
	case ENG_EV_INDEX:
	case ENG_EV_FLAGS:
	case ENG_EV_EXPUNGED:
	case ENG_EV_NEW_MAIL:
		if (ui_event_is_open_folder(ui, ev))
			ui_event_folder(ui, ev);
		break;
	default:
		break;
	}

	/* The job's own callback sees its events (data and the end). */
	if (j != NULL && j->cb != NULL)
		j->cb(ui, ev, j->arg);
	if (ev->kind == ENG_EV_DONE || ev->kind == ENG_EV_FAILED) {
		if ((j = ui_job_find(ui, id)) != NULL) {
			if (ev->kind == ENG_EV_DONE && j->done_msg != NULL)
				ui_msg(ui, "%s", j->done_msg);
			else if (j->quiet)
				; /* its callback said how it ended */
			else if (ev->kind == ENG_EV_FAILED &&
				 ev->err.class == PT_E_CANCELLED)
				ui_msg(ui, _("Cancelled: %s"),
				    j->label[0] != '\0'
					? j->label
					: eng_job_kind_name(j->kind));
			else if (ev->kind == ENG_EV_FAILED)
				ui_error(ui, "%s", ev->err.msg);
			ui_job_remove(ui, (size_t)(j - ui->jobs));
		} else if (ev->kind == ENG_EV_FAILED &&
			   ev->err.class != PT_E_CANCELLED)
			ui_error(ui, "%s", ev->err.msg);
		if (ui->quit_job != 0 && id == ui->quit_job)
			ui->quit = 1;
	}
	for (i = 0; i < ui->depth; i++) {
		if (ui->stack[i]->event != NULL)
			ui->stack[i]->event(ui, ev);
	}
	ui->redraw = 1;
}

void
ui_events_drain(struct ui *ui)
{
	struct eng_event *ev;
	long long until = ui_now_ms() + 30;

	/* Bounded: the wakeup fd stays readable if more are left. */
	while ((ev = eng_event_next(ui->eng)) != NULL) {
		ui_event_one(ui, ev);
		eng_event_free(&ev);
		if (ui_now_ms() > until)
			break;
	}
}

int
ui_folder_work(struct ui *ui, long long deadline)
{
	struct ui_folder *f = &ui->folder;
	struct ui_pending *p;
	struct ui_msg_in in;
	size_t k, done = 0;

	while ((p = f->pending) != NULL) {
		struct eng_index *ix = p->ix;

		for (; p->pos < ix->n; p->pos++) {
			const struct eng_msg *m = &ix->msgs[p->pos];

			if (deadline >= 0 && (++done & 255) == 0 &&
			    ui_now_ms() >= deadline) {
				f->view.dirty = 1;
				return 1;
			}
			in.uid = m->uid;
			in.flags = m->flags;
			in.date = m->date;
			in.arrival = m->internaldate;
			in.size = m->size;
			for (k = 0; k < UI_S_COUNT; k++)
				in.str[k] =
				    eng_msg_str(ix, m, (enum eng_field)k);
			ui_model_put(&f->model, &in);
		}
		f->pending = p->next;
		eng_index_free(&p->ix);
		free(p);
		f->view.dirty = 1;
	}
	return 0;
}

/* The first time: the first unread message, else the newest. */
static void
ui_folder_place(struct ui *ui)
{
	struct ui_view *v = &ui->folder.view;
	long r;
	size_t i;

	if (ui->folder.placed || v->nrows == 0)
		return;
	ui->folder.placed = 1;
	for (i = 0; i < v->nrows; i++) {
		if (!(ui_view_row_msg(v, i)->flags & UI_F_SEEN)) {
			ui_view_set_cursor(v, (long)i);
			return;
		}
	}
	r = v->reverse ? 0 : (long)v->nrows - 1;
	if (v->sort == UI_SORT_THREADS && !v->reverse)
		r = ui_view_thread_root(v, (long)v->nrows - 1);
	ui_view_set_cursor(v, r);
}

/*
 * A rebuild of a large folder costs tens of milliseconds, so it never
 * happens while the user is pressing keys (moves work on the rows
 * shown: slots stay valid until a rebuild compacts the model), and
 * while the folder is still loading only now and then.  Operations
 * that need the latest rows (patterns, threads, expunges) force it.
 */
void
ui_folder_refresh(struct ui *ui, int force)
{
	struct ui_folder *f = &ui->folder;
	long long now;

	if (!f->view.dirty)
		return;
	now = ui_now_ms();
	if (!force && f->view.nrows > 0 &&
	    (now - ui->last_key < UI_KEY_QUIET_MS ||
		((f->pending != NULL || f->open_job != 0) &&
		    now - f->rebuilt < UI_REBUILD_MS)))
		return;
	f->view.height = ui_body_rows(ui);
	ui_view_rebuild(&f->view);
	f->rebuilt = ui_now_ms();
	ui_folder_place(ui);
	ui->redraw = 1;
}

static void
ui_folder_open_cb(struct ui *ui, struct eng_event *ev, void *arg)
{
	(void)arg;
	if (ev->kind == ENG_EV_DONE || ev->kind == ENG_EV_FAILED) {
		if (ev->job_id == ui->folder.open_job)
			ui->folder.open_job = 0;
	}
}

void
ui_folder_close(struct ui *ui)
{
	struct ui_folder *f = &ui->folder;
	struct ui_pending *p;

	if (f->open_job != 0 && ui->eng != NULL)
		eng_cancel(ui->eng, f->open_job);
	f->open_job = 0;
	while ((p = f->pending) != NULL) {
		f->pending = p->next;
		eng_index_free(&p->ix);
		free(p);
	}
	ui_model_clear(&f->model);
	ui_view_set_limit(&f->view, NULL, NULL);
	f->view.nrows = f->view.cursor = f->view.top = 0;
	f->view.dirty = 1;
	free(f->name);
	f->name = NULL;
	f->open = 0;
	f->complete = 0;
	f->placed = 0;
	f->uidvalidity = 0;
	f->total = 0;
}

void
ui_folder_open(struct ui *ui, size_t account, const char *name)
{
	struct ui_folder *f = &ui->folder;
	enum ui_sort sort = UI_SORT_THREADS;
	struct eng_job *job;
	char *label;

	ui_folder_close(ui);
	f->open = 1;
	f->account = account;
	f->name = pt_xstrdup(name);
	if (ui_sort_parse(cfg_get(ui->cfg, "ui", "sort"), &sort) == 0)
		f->view.sort = sort;
	f->view.reverse = cfg_get_bool(ui->cfg, "ui", "sort_reverse");
	f->view.by_subject = cfg_get_bool(ui->cfg, "ui", "thread_by_subject");
	job = eng_job_new(ENG_JOB_OPEN, account);
	eng_job_set_folder(job, name);
	job->rows = (size_t)ui_body_rows(ui) * 2 + 50;
	label = pt_xasprintf(_("Loading %s"), name);
	f->open_job =
	    ui_job_submit(ui, job, label, ui_folder_open_cb, NULL, NULL);
	free(label);
	ui->redraw = 1;
}

static void
ui_folders_cb(struct ui *ui, struct eng_event *ev, void *arg)
{
	size_t account = (size_t)(uintptr_t)arg;

	if ((ev->kind == ENG_EV_DONE || ev->kind == ENG_EV_FAILED) &&
	    account < ui->nacct)
		ui->acct[account].folders_job = 0;
}

void
ui_folders_request(struct ui *ui, size_t account)
{
	struct eng_job *job;

	if (account >= ui->nacct || ui->acct[account].folders_job != 0)
		return;
	job = eng_job_new(ENG_JOB_FOLDERS, account);
	ui->acct[account].folders_job = ui_job_submit(ui, job, NULL,
	    ui_folders_cb, (void *)(uintptr_t)account, NULL);
}

size_t
ui_folder_names(struct ui *ui, const char ***out)
{
	const struct eng_folder_list *l;
	size_t i, n = 0;

	*out = NULL;
	if (ui->folder.account >= ui->nacct)
		return 0;
	l = ui->acct[ui->folder.account].folders;
	if (l == NULL)
		return 0;
	*out = pt_xreallocarray(NULL, l->n + 1, sizeof **out);
	for (i = 0; i < l->n; i++) {
		if (!(l->v[i].attrs & ENG_FOLDER_NOSELECT))
			(*out)[n++] = l->v[i].name;
	}
	return n;
}
