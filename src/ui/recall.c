/*
 * recall.c: R, the postponed messages of an account, newest first:
 * those in the server's Drafts folder (listed with SEARCH and
 * SUMMARIES, fetched with FETCH once chosen, all through the engine)
 * and the drafts left on this computer.
 * Enter resumes one: a server draft becomes a draft file again
 * (eng_draft_from_message: fields, text, attachments as files) with a
 * DRAFT.origin file beside it, so that send.c removes the server copy
 * once the message is in the outbox or in Drafts again.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/mime.h"

#include "private.h"

/* At most this many server drafts are listed (the newest). */
#define UI_RECALL_MAX 50

struct ui_draft_ent {
	int64_t date;  /* for the order; 0 while unknown */
	char *when;    /* "2025-01-07 13:05" */
	char *to;      /* sanitized */
	char *subject; /* sanitized */
	char *path;    /* a local draft, or NULL */
	uint32_t uid;  /* a server draft, or 0 */
	char *data;    /* its bytes once fetched */
	size_t len;
};

static struct {
	size_t account;
	char *folder; /* the server's Drafts folder, or NULL */
	uint32_t uidvalidity;
	struct ui_draft_ent *v;
	size_t n;
	struct ui_list list;
	uint64_t gen; /* tells the callbacks of an older list apart */
	int pending;  /* the server's list is still coming */
	int fetching; /* a draft is being fetched to be resumed */
} ui_rc;

static const enum ui_op ui_recall_helpbar[] = {UI_OP_EXIT, UI_OP_SELECT_ENTRY,
    UI_OP_HELP, UI_OP_NONE};

static void ui_recall_fini(struct ui *);
static void ui_recall_key(struct ui *, enum ui_op, uint32_t);
static void ui_recall_draw(struct ui *, int, int);
static void ui_recall_local(struct ui *);
static void ui_recall_search_cb(struct ui *, struct eng_event *, void *);
static void ui_recall_index_cb(struct ui *, struct eng_event *, void *);
static void ui_recall_fetch_cb(struct ui *, struct eng_event *, void *);
static void ui_recall_fields(struct ui_draft_ent *, const char *, const char *,
    const char *);
static void ui_recall_sort(void);
static void ui_recall_open(struct ui *, size_t);

const struct ui_screen ui_recall_screen = {
    .name = "recall",
    .map = UI_MAP_GENERIC,
    .fini = ui_recall_fini,
    .key = ui_recall_key,
    .draw = ui_recall_draw,
    .helpbar = ui_recall_helpbar,
};

static void
ui_recall_fini(struct ui *ui)
{
	size_t i;

	(void)ui;
	for (i = 0; i < ui_rc.n; i++) {
		free(ui_rc.v[i].when);
		free(ui_rc.v[i].to);
		free(ui_rc.v[i].subject);
		free(ui_rc.v[i].path);
		free(ui_rc.v[i].data);
	}
	free(ui_rc.v);
	free(ui_rc.folder);
	ui_rc.v = NULL;
	ui_rc.n = 0;
	ui_rc.folder = NULL;
	ui_rc.pending = 0;
	ui_rc.fetching = 0;
	ui_rc.gen++;
}

static struct ui_draft_ent *
ui_recall_add(void)
{
	struct ui_draft_ent *e;

	ui_rc.v = pt_xreallocarray(ui_rc.v, ui_rc.n + 1, sizeof *ui_rc.v);
	e = &ui_rc.v[ui_rc.n++];
	memset(e, 0, sizeof *e);
	ui_rc.list.n = ui_rc.n;
	return e;
}

/* Sets the shown fields (any may be NULL). */
static void
ui_recall_fields(struct ui_draft_ent *e, const char *when, const char *to,
    const char *subject)
{
	free(e->when);
	free(e->to);
	free(e->subject);
	e->when = pt_sanitize_line(when != NULL ? when : "",
	    when != NULL ? strlen(when) : 0);
	e->to =
	    pt_sanitize_line(to != NULL ? to : "", to != NULL ? strlen(to) : 0);
	e->subject = pt_sanitize_line(subject != NULL ? subject : "",
	    subject != NULL ? strlen(subject) : 0);
}

static int
ui_recall_cmp(const void *a, const void *b)
{
	const struct ui_draft_ent *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? 1 : -1;
	return x->uid < y->uid ? 1 : x->uid > y->uid ? -1 : 0;
}

static void
ui_recall_sort(void)
{
	if (ui_rc.n > 1)
		qsort(ui_rc.v, ui_rc.n, sizeof *ui_rc.v, ui_recall_cmp);
}

static void
ui_recall_when(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || localtime_r(&tt, &tm) == NULL)
		pt_strlcpy(buf, "", len);
	else
		strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

/* The drafts on this computer: *.txt in the drafts folder. */
static void
ui_recall_local(struct ui *ui)
{
	char *dir = ui_drafts_dir(ui, ui_rc.account);
	struct dirent *de;
	DIR *d = opendir(dir);

	while (d != NULL && (de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		struct ui_draft_ent *e;
		struct mime_draft dr;
		struct pt_error err;
		struct stat st;
		char when[32], *path;

		if (l <= 4 || strcmp(de->d_name + l - 4, ".txt") != 0 ||
		    de->d_name[0] == '.')
			continue;
		path = pt_xasprintf("%s/%s", dir, de->d_name);
		pt_error_init(&err);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		e = ui_recall_add();
		e->path = path;
		e->date = (int64_t)st.st_mtime;
		ui_recall_when(e->date, when, sizeof when);
		if (eng_draft_read(path, &dr, &err) == 0) {
			ui_recall_fields(e, when, dr.to, dr.subject);
			mime_draft_release(&dr);
		} else {
			/* Listed all the same: the editor can mend it. */
			char *why;

			why = pt_xasprintf(_("(cannot be read: %s)"), err.msg);
			ui_recall_fields(e, when, NULL, why);
			free(why);
		}
	}
	if (d != NULL)
		closedir(d);
	free(dir);
}

/* The name of the account's Drafts folder, as the folder list says. */
static char *
ui_recall_folder(struct ui *ui, size_t account)
{
	const struct eng_folder_list *l;
	size_t i;

	if (account >= ui->nacct)
		return NULL;
	if ((l = ui->acct[account].folders) == NULL)
		return pt_xstrdup(
		    "Drafts"); /* not listed yet: the usual name */
	for (i = 0; i < l->n; i++)
		if (l->v[i].role == ENG_ROLE_DRAFTS &&
		    !(l->v[i].attrs & ENG_FOLDER_NOSELECT))
			return pt_xstrdup(l->v[i].name);
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, "Drafts") == 0)
			return pt_xstrdup(l->v[i].name);
	return NULL;
}

void
ui_recall(struct ui *ui, size_t account)
{
	if (ui_screen_open(ui, &ui_recall_screen))
		return;
	ui_recall_fini(ui);
	memset(&ui_rc.list, 0, sizeof ui_rc.list);
	ui_rc.account = account;
	ui_recall_local(ui);
	ui_recall_sort();
	ui_rc.folder = ui_recall_folder(ui, account);
	if (ui_rc.folder != NULL) {
		struct eng_job *job = eng_job_new(ENG_JOB_SEARCH, account);

		eng_job_set_folder(job, ui_rc.folder);
		job->search.without_flags = ENG_F_DELETED;
		ui_rc.pending = 1;
		(void)ui_job_submit(ui, job, _("Listing drafts"),
		    ui_recall_search_cb, (void *)(uintptr_t)ui_rc.gen, NULL);
	} else if (ui_rc.n == 0) {
		ui_msg(ui, "%s", _("No postponed messages."));
		return;
	}
	ui_screen_push(ui, &ui_recall_screen);
}

static void
ui_recall_search_cb(struct ui *ui, struct eng_event *ev, void *arg)
{
	struct eng_job *job;
	size_t first;

	if ((uint64_t)(uintptr_t)arg != ui_rc.gen)
		return;
	if (ev->kind == ENG_EV_FAILED) {
		ui_rc.pending = 0;
		ui_error(ui, _("Cannot list the drafts in '%s': %s"),
		    ui_rc.folder, ev->err.msg);
		return;
	}
	if (ev->kind != ENG_EV_SEARCH)
		return;
	ui_rc.uidvalidity = ev->uidvalidity;
	if (ev->u.uids.n == 0) {
		ui_rc.pending = 0;
		if (ui_rc.n == 0) {
			ui_screen_pop(ui);
			ui_msg(ui, "%s", _("No postponed messages."));
		}
		return;
	}
	/* The newest ones: their date, To and Subject. */
	first = ev->u.uids.n > UI_RECALL_MAX ? ev->u.uids.n - UI_RECALL_MAX : 0;
	job = eng_job_new(ENG_JOB_SUMMARIES, ui_rc.account);
	eng_job_set_folder(job, ui_rc.folder);
	eng_job_set_uids(job, ev->u.uids.v + first, ev->u.uids.n - first);
	if (ui_job_submit(ui, job, NULL, ui_recall_index_cb,
		(void *)(uintptr_t)ui_rc.gen, NULL) == 0)
		ui_rc.pending = 0;
}

static void
ui_recall_index_cb(struct ui *ui, struct eng_event *ev, void *arg)
{
	const struct eng_index *ix = ev->u.index;
	size_t i;

	if ((uint64_t)(uintptr_t)arg != ui_rc.gen)
		return;
	if (ev->kind == ENG_EV_FAILED) {
		ui_rc.pending = 0;
		ui_error(ui, _("Cannot list the drafts in '%s': %s"),
		    ui_rc.folder, ev->err.msg);
		return;
	}
	if (ev->kind == ENG_EV_DONE)
		ui_rc.pending = 0;
	if (ev->kind != ENG_EV_INDEX || ix == NULL)
		return;
	for (i = 0; i < ix->n; i++) {
		const struct eng_msg *m = &ix->msgs[i];
		struct ui_draft_ent *e = ui_recall_add();
		char when[32];

		e->uid = m->uid;
		e->date = m->date != 0 ? m->date : m->internaldate;
		ui_recall_when(e->date, when, sizeof when);
		ui_recall_fields(e, when, eng_msg_str(ix, m, ENG_TO),
		    eng_msg_str(ix, m, ENG_SUBJECT));
	}
	ui_recall_sort();
	ui->redraw = 1;
}

static void
ui_recall_fetch_cb(struct ui *ui, struct eng_event *ev, void *arg)
{
	size_t i;

	if ((uint64_t)(uintptr_t)arg != ui_rc.gen)
		return;
	if (ev->kind == ENG_EV_FAILED) {
		ui_rc.fetching = 0;
		ui_error(ui, _("Cannot read the draft: %s"), ev->err.msg);
		return;
	}
	if (ev->kind != ENG_EV_BODY || ev->u.body == NULL ||
	    ev->u.body->data == NULL)
		return;
	ui_rc.fetching = 0;
	for (i = 0; i < ui_rc.n; i++)
		if (ui_rc.v[i].uid == ev->u.body->uid &&
		    ui_rc.v[i].data == NULL) {
			ui_rc.v[i].data = ev->u.body->data;
			ui_rc.v[i].len = ev->u.body->len;
			ev->u.body->data = NULL;
			ui_recall_open(ui, i);
			return;
		}
}

/* Resumes entry i; a server one is fetched first (engine FETCH). */
static void
ui_recall_open(struct ui *ui, size_t i)
{
	struct ui_draft_ent *e = &ui_rc.v[i];
	size_t account = ui_rc.account;
	struct pt_error err;
	char *dir, *path = NULL;

	pt_error_init(&err);
	if (e->path != NULL) {
		path = pt_xstrdup(e->path);
	} else if (e->data == NULL) {
		struct eng_job *job;

		if (ui_rc.fetching)
			return;
		job = eng_job_new(ENG_JOB_FETCH, account);
		eng_job_set_folder(job, ui_rc.folder);
		job->uid = e->uid;
		job->uidvalidity = ui_rc.uidvalidity;
		if (ui_job_submit(ui, job, _("Fetching the draft"),
			ui_recall_fetch_cb, (void *)(uintptr_t)ui_rc.gen,
			NULL) != 0)
			ui_rc.fetching = 1;
		return;
	} else {
		char *origin, *text;

		dir = ui_drafts_dir(ui, account);
		if (eng_draft_from_message(dir, e->data, e->len, &path, &err) !=
		    0) {
			ui_error(ui, _("Cannot recall the draft: %s"), err.msg);
			free(dir);
			return;
		}
		free(dir);
		/* Which server copy to remove once it is sent or saved. */
		origin = pt_xasprintf("%s.origin", path);
		text = pt_xasprintf("%" PRIu32 " %" PRIu32 " %s\n",
		    ui_rc.uidvalidity, e->uid, ui_rc.folder);
		if (pt_file_write_atomic(origin, text, strlen(text), 0600,
			&err) != 0)
			ui_error(ui, "%s", err.msg);
		free(text);
		free(origin);
	}
	ui_screen_pop(ui);
	ui_compose_resume(ui, account, path);
	free(path);
}

static void
ui_recall_key(struct ui *ui, enum ui_op op, uint32_t key)
{
	(void)key;
	if (ui_list_key(&ui_rc.list, op, ui_body_rows(ui)))
		return;
	if (op == UI_OP_EXIT)
		ui_screen_pop(ui);
	else if (op == UI_OP_SELECT_ENTRY && ui_rc.n > 0)
		ui_recall_open(ui, ui_rc.list.cursor);
	else
		ui_error(ui, "%s", _("Key is not bound.  Press '?' for help."));
}

static void
ui_recall_draw(struct ui *ui, int top, int rows)
{
	int i;

	ui_list_clamp(&ui_rc.list, rows);
	for (i = 0; i < rows; i++) {
		size_t k = ui_rc.list.top + (size_t)i;
		struct pt_buf b;
		char *s;

		if (k >= ui_rc.n)
			break;
		pt_buf_init(&b, 0);
		ui_text_fit(&b, ui_rc.v[k].when, strlen(ui_rc.v[k].when), 16,
		    16, 0);
		pt_buf_addstr(&b, "  ", NULL);
		ui_text_fit(&b, ui_rc.v[k].to, strlen(ui_rc.v[k].to), 24, 24,
		    0);
		pt_buf_addstr(&b, "  ", NULL);
		pt_buf_addstr(&b, ui_rc.v[k].subject, NULL);
		pt_buf_addstr(&b,
		    ui_rc.v[k].path != NULL ? _("  (on this computer)") : "",
		    NULL);
		s = pt_buf_detach(&b, NULL);
		if (k == ui_rc.list.cursor)
			ui->cur_y = top + i;
		ui_draw_text(top + i, 0, COLS, s,
		    ui->color[k == ui_rc.list.cursor ? UI_C_INDICATOR
						     : UI_C_NORMAL]);
		free(s);
	}
	ui_draw_status(ui, ui_rc.pending > 0
			       ? _("-- Postponed messages (loading...) --")
			       : _("-- Postponed messages: Enter resumes --"));
}
