/*
 * recall.c: R, the postponed messages of an account, newest first:
 * those in the server's Drafts folder (listed with a SEARCH and read
 * with FETCH, through the engine) and the drafts left on this computer.
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
	int failed;
};

static struct {
	size_t account;
	char *folder; /* the server's Drafts folder, or NULL */
	uint32_t uidvalidity;
	struct ui_draft_ent *v;
	size_t n;
	struct ui_list list;
	uint64_t gen; /* tells the callbacks of an older list apart */
	int pending;  /* fetches still to come */
	int resume;   /* resume this entry + 1 once it is fetched */
} ui_rc;

static const enum ui_op ui_recall_helpbar[] = {UI_OP_EXIT, UI_OP_SELECT_ENTRY,
    UI_OP_HELP, UI_OP_NONE};

static void ui_recall_fini(struct ui *);
static void ui_recall_key(struct ui *, enum ui_op, uint32_t);
static void ui_recall_draw(struct ui *, int, int);
static void ui_recall_local(struct ui *);
static void ui_recall_search_cb(struct ui *, struct eng_event *, void *);
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
	ui_rc.resume = 0;
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
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
		    eng_draft_read(path, &dr, &err) != 0) {
			free(path);
			continue;
		}
		e = ui_recall_add();
		e->path = path;
		e->date = (int64_t)st.st_mtime;
		ui_recall_when(e->date, when, sizeof when);
		ui_recall_fields(e, when, dr.to, dr.subject);
		mime_draft_release(&dr);
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
	size_t i, first;

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
	ui_rc.pending = 0;
	ui_rc.uidvalidity = ev->uidvalidity;
	first = ev->u.uids.n > UI_RECALL_MAX ? ev->u.uids.n - UI_RECALL_MAX : 0;
	for (i = first; i < ev->u.uids.n; i++) {
		struct ui_draft_ent *e = ui_recall_add();
		struct eng_job *job;

		e->uid = ev->u.uids.v[i];
		ui_recall_fields(e, _("(loading)"), NULL, NULL);
		job = eng_job_new(ENG_JOB_FETCH, ui_rc.account);
		eng_job_set_folder(job, ui_rc.folder);
		job->uid = e->uid;
		ui_rc.pending++;
		(void)ui_job_submit(ui, job, NULL, ui_recall_fetch_cb,
		    (void *)(uintptr_t)ui_rc.gen, NULL);
	}
	ui_recall_sort();
	if (ui_rc.n == 0) {
		ui_screen_pop(ui);
		ui_msg(ui, "%s", _("No postponed messages."));
	}
	ui->redraw = 1;
}

/* The Date field as seconds since the epoch, or 0. */
static int64_t
ui_recall_date(const char *s)
{
	struct tm tm;
	const char *p = strchr(s, ',');

	memset(&tm, 0, sizeof tm);
	if (strptime(p != NULL ? p + 1 : s, " %d %b %Y %H:%M:%S %z", &tm) ==
	    NULL)
		return 0;
	return (int64_t)timegm(&tm) - tm.tm_gmtoff;
}

static void
ui_recall_fetch_cb(struct ui *ui, struct eng_event *ev, void *arg)
{
	struct ui_draft_ent *e = NULL;
	struct mime_msg *m;
	uint32_t uid;
	size_t i;

	if ((uint64_t)(uintptr_t)arg != ui_rc.gen)
		return;
	if (ev->kind == ENG_EV_FAILED) {
		ui_rc.pending--;
		ui_error(ui, _("Cannot read a draft: %s"), ev->err.msg);
		return;
	}
	if (ev->kind != ENG_EV_BODY || ev->u.body == NULL)
		return;
	uid = ev->u.body->uid;
	for (i = 0; i < ui_rc.n; i++)
		if (ui_rc.v[i].uid == uid)
			e = &ui_rc.v[i];
	if (e == NULL || e->data != NULL)
		return;
	ui_rc.pending--;
	e->data = ev->u.body->data;
	e->len = ev->u.body->len;
	ev->u.body->data = NULL;
	if (e->data == NULL) {
		e->failed = 1;
		return;
	}
	if ((m = mime_parse(e->data, e->len, NULL)) != NULL) {
		const struct mime_part *root = mime_msg_root(m);
		const char *v;
		char when[32], *to = NULL, *subj = NULL, *date = NULL;
		size_t len;

		if ((v = mime_part_header(root, "To", &len)) != NULL)
			to = mime_address_decode(v, len);
		if ((v = mime_part_header(root, "Subject", &len)) != NULL)
			subj = mime_header_decode(v, len);
		if ((v = mime_part_header(root, "Date", &len)) != NULL) {
			date = pt_xstrndup(v, len);
			e->date = ui_recall_date(date);
		}
		ui_recall_when(e->date, when, sizeof when);
		ui_recall_fields(e, when, to, subj);
		free(to);
		free(subj);
		free(date);
		mime_msg_free(&m);
	}
	/* Keep the cursor on the same entry while the order changes. */
	{
		uint32_t cur_uid = ui_rc.list.cursor < ui_rc.n
				       ? ui_rc.v[ui_rc.list.cursor].uid
				       : 0;
		const char *cur_path = ui_rc.list.cursor < ui_rc.n
					   ? ui_rc.v[ui_rc.list.cursor].path
					   : NULL;
		int want = ui_rc.resume > 0 ? ui_rc.resume - 1 : -1;
		uint32_t want_uid = want >= 0 ? ui_rc.v[want].uid : 0;

		ui_recall_sort();
		for (i = 0; i < ui_rc.n; i++) {
			if ((cur_uid != 0 && ui_rc.v[i].uid == cur_uid) ||
			    (cur_path != NULL && ui_rc.v[i].path == cur_path))
				ui_rc.list.cursor = i;
			if (want_uid != 0 && ui_rc.v[i].uid == want_uid)
				ui_rc.resume = (int)i + 1;
		}
	}
	if (ui_rc.resume > 0 && ui_rc.v[ui_rc.resume - 1].uid == uid)
		ui_recall_open(ui, (size_t)ui_rc.resume - 1);
	ui->redraw = 1;
}

/* Resumes entry i (a server one must be fetched already). */
static void
ui_recall_open(struct ui *ui, size_t i)
{
	struct ui_draft_ent *e = &ui_rc.v[i];
	size_t account = ui_rc.account;
	struct pt_error err;
	char *dir, *path = NULL;

	pt_error_init(&err);
	ui_rc.resume = 0;
	if (e->path != NULL) {
		path = pt_xstrdup(e->path);
	} else if (e->data == NULL) {
		if (e->failed)
			ui_error(ui, "%s", _("This draft could not be read."));
		else {
			ui_rc.resume = (int)i + 1;
			ui_msg(ui, "%s", _("Fetching the draft..."));
		}
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
