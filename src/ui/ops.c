/*
 * ops.c: what the index and the pager do to messages, and the
 * functions they share: flags (read, flagged, deleted), tagging, the
 * tag prefix, saving (moving) and copying to a folder, expunging,
 * sorting, changing folder, quitting, and the hand-over to compose.
 * Flag changes show at once (the model is updated before the server
 * answers); the engine's FLAGS events then confirm or correct them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/engine.h"

#include "private.h"

struct ui_ops_move {
	uint32_t *uids;
	size_t n;
	int move; /* 1 move, 0 copy */
};

static int ui_ops_is_tagged(const struct ui_msg *, const void *);
static void ui_ops_move_free(void *);
static void ui_ops_move_answer(struct ui *, int, const char *, void *);
static void ui_ops_sort_answer(struct ui *, int, const char *, void *);
static void ui_ops_folder_answer(struct ui *, int, const char *, void *);
static void ui_ops_expunge(struct ui *, int);
static void ui_ops_expunge_answer(struct ui *, int, const char *, void *);
static void ui_ops_quit_answer(struct ui *, int, const char *, void *);

static int
ui_ops_is_tagged(const struct ui_msg *m, const void *arg)
{
	(void)arg;
	return (m->mark & UI_M_TAGGED) != 0;
}

size_t
ui_ops_targets(struct ui *ui, uint32_t **out)
{
	const struct ui_model *m = &ui->folder.model;
	const struct ui_msg *cur;

	*out = NULL;
	if (ui->tag_prefix) {
		size_t i, n = 0;

		*out = pt_xreallocarray(NULL, m->n + 1, sizeof **out);
		for (i = 0; i < m->n; i++) {
			if (!(m->msg[i].mark & UI_M_DEAD) &&
			    ui_ops_is_tagged(&m->msg[i], NULL))
				(*out)[n++] = m->msg[i].uid;
		}
		return n;
	}
	if ((cur = ui_view_cursor_msg(&ui->folder.view)) == NULL)
		return 0;
	*out = pt_xmalloc(sizeof **out);
	(*out)[0] = cur->uid;
	return 1;
}

void
ui_ops_flags(struct ui *ui, const uint32_t *uids, size_t n, uint32_t add,
    uint32_t remove)
{
	struct ui_folder *f = &ui->folder;
	struct eng_job *job;
	size_t i;

	if (n == 0 || !f->open)
		return;
	for (i = 0; i < n; i++) {
		int32_t s = ui_model_find(&f->model, uids[i]);

		if (s >= 0)
			f->model.msg[s].flags =
			    (f->model.msg[s].flags | add) & ~remove;
	}
	ui_view_count(&f->view);
	if (f->view.limit != NULL)
		f->view.dirty = 1;
	job = eng_job_new(ENG_JOB_FLAGS, f->account);
	eng_job_set_folder(job, f->name);
	eng_job_set_uids(job, uids, n);
	job->uidvalidity = f->uidvalidity;
	job->flags_add = add;
	job->flags_remove = remove;
	ui_job_submit(ui, job, NULL, NULL, NULL, NULL);
}

static void
ui_ops_move_free(void *arg)
{
	struct ui_ops_move *mv = arg;

	free(mv->uids);
	free(mv);
}

static void
ui_ops_move_answer(struct ui *ui, int answer, const char *text, void *arg)
{
	struct ui_ops_move *mv = arg;
	struct ui_folder *f = &ui->folder;
	struct eng_job *job;
	char *label;
	uint64_t id;

	if (answer != 1 || text == NULL || *text == '\0' || !f->open)
		return;
	if (strcmp(text, f->name) == 0) {
		ui_error(ui, "%s", _("That is the open folder."));
		return;
	}
	job = eng_job_new(mv->move ? ENG_JOB_MOVE : ENG_JOB_COPY, f->account);
	eng_job_set_folder(job, f->name);
	eng_job_set_target(job, text);
	eng_job_set_uids(job, mv->uids, mv->n);
	job->uidvalidity = f->uidvalidity;
	label = pt_xasprintf(mv->move ? _("Moving to %s") : _("Copying to %s"),
	    text);
	id = ui_job_submit(ui, job, label, NULL, NULL, NULL);
	free(label);
	if (id != 0) {
		struct ui_job *j = ui_job_find(ui, id);

		j->done_msg =
		    pt_xasprintf(mv->move
				     ? ngettext_("%zu message moved to %s",
					   "%zu messages moved to %s",
					   (unsigned long)mv->n)
				     : ngettext_("%zu message copied to %s",
					   "%zu messages copied to %s",
					   (unsigned long)mv->n),
			mv->n, text);
	}
}

static void
ui_ops_sort_answer(struct ui *ui, int answer, const char *text, void *arg)
{
	struct ui_view *v = &ui->folder.view;
	int reverse = (int)(uintptr_t)arg;

	(void)text;
	switch (answer) {
	case 'd':
		v->sort = UI_SORT_DATE;
		break;
	case 'a':
		v->sort = UI_SORT_ARRIVAL;
		break;
	case 'f':
		v->sort = UI_SORT_FROM;
		break;
	case 's':
		v->sort = UI_SORT_SUBJECT;
		break;
	case 'z':
		v->sort = UI_SORT_SIZE;
		break;
	case 't':
		v->sort = UI_SORT_THREADS;
		break;
	default:
		return;
	}
	v->reverse = reverse;
	v->dirty = 1;
	ui_folder_refresh(ui, 1);
}

static void
ui_ops_folder_answer(struct ui *ui, int answer, const char *text, void *arg)
{
	(void)arg;
	if (answer != 1 || text == NULL || *text == '\0')
		return;
	while (ui_screen_top(ui) != &ui_index_screen && ui->depth > 1)
		ui_screen_pop(ui);
	ui_folder_open(ui, ui->folder.open ? ui->folder.account : 0, text);
}

static void
ui_ops_expunge(struct ui *ui, int then_quit)
{
	struct ui_folder *f = &ui->folder;
	struct eng_job *job;
	uint64_t id;
	char *label;

	job = eng_job_new(ENG_JOB_EXPUNGE, f->account);
	eng_job_set_folder(job, f->name);
	job->uidvalidity = f->uidvalidity;
	label = pt_xasprintf(_("Expunging %s"), f->name);
	id = ui_job_submit(ui, job, label, NULL, NULL, NULL);
	free(label);
	if (id == 0) {
		if (then_quit)
			ui->quit = 1;
		return;
	}
	ui_job_find(ui, id)->done_msg =
	    pt_xstrdup(_("Deleted messages expunged."));
	if (then_quit) {
		ui->quit_job = id;
		ui_msg(ui, "%s", _("Expunging before quitting..."));
	}
}

static void
ui_ops_expunge_answer(struct ui *ui, int answer, const char *text, void *arg)
{
	(void)text;
	(void)arg;
	if (answer == 1)
		ui_ops_expunge(ui, 0);
}

static void
ui_ops_quit_answer(struct ui *ui, int answer, const char *text, void *arg)
{
	(void)text;
	(void)arg;
	if (answer == 1)
		ui_ops_expunge(ui, 1);
	else if (answer == 0)
		ui->quit = 1;
}

void
ui_ops_quit(struct ui *ui, int expunge)
{
	struct ui_folder *f = &ui->folder;
	char *q;

	if (ui_send_quit_check(ui, expunge))
		return;
	if (ui->quit_job != 0) {
		/* Asked twice: do not wait for the server. */
		ui->quit = 1;
		return;
	}
	if (!expunge || !f->open || f->view.deleted == 0) {
		ui->quit = 1;
		return;
	}
	q = pt_xasprintf(ngettext_("Expunge %zu deleted message?",
			     "Expunge %zu deleted messages?",
			     (unsigned long)f->view.deleted),
	    f->view.deleted);
	ui_prompt_yesno(ui, q, 1, ui_ops_quit_answer, NULL);
	free(q);
}

void
ui_ops_version(struct ui *ui)
{
	ui_msg(ui, "petrel %s", PACKAGE_VERSION);
}

struct ui_ops_jump {
	void (*go)(struct ui *, long);
};

static void
ui_ops_jump_answer(struct ui *ui, int answer, const char *text, void *arg)
{
	struct ui_ops_jump *j = arg;
	char *end;
	long n;

	if (answer != 1 || text == NULL)
		return;
	n = strtol(text, &end, 10);
	if (end == text || *end != '\0' || n < 1) {
		ui_error(ui, "%s", _("Not a number."));
		return;
	}
	j->go(ui, n - 1);
}

void
ui_ops_jump(struct ui *ui, uint32_t key, void (*go)(struct ui *, long))
{
	struct ui_ops_jump *j = pt_xmalloc(sizeof *j);
	char init[2] = {0, 0};

	j->go = go;
	if (key >= '0' && key <= '9')
		init[0] = (char)key;
	ui_prompt_line(ui, _("Jump to:"), init, NULL, UI_COMPLETE_NONE,
	    ui_ops_jump_answer, j);
	ui->prompt->arg_free = free;
}

int
ui_ops_common(struct ui *ui, enum ui_op op, uint32_t key)
{
	struct ui_folder *f = &ui->folder;
	struct ui_ops_move *mv;
	uint32_t *uids;
	size_t n, i, nread;
	struct ui_prompt *p;
	char *q;

	(void)key;
	switch (op) {
	case UI_OP_QUIT:
		ui_ops_quit(ui, 1);
		return 1;
	case UI_OP_CHANGE_FOLDER:
		if (ui->nacct == 0) {
			ui_error(ui, "%s", _("No accounts are configured."));
			return 1;
		}
		if (ui->acct[f->open ? f->account : 0].folders == NULL)
			ui_folders_request(ui, f->open ? f->account : 0);
		ui_prompt_line(ui, _("Open folder:"), "", &ui->hist_folder,
		    UI_COMPLETE_FOLDER, ui_ops_folder_answer, NULL);
		return 1;
	case UI_OP_FOLDER_LIST:
		ui_screen_push(ui, &ui_folders_screen);
		return 1;
	case UI_OP_SIDEBAR_TOGGLE:
	case UI_OP_SIDEBAR_NEXT:
	case UI_OP_SIDEBAR_PREV:
	case UI_OP_SIDEBAR_OPEN:
		return ui_sidebar_op(ui, op);
	case UI_OP_SORT:
	case UI_OP_SORT_REVERSE:
		p = ui_prompt_new(UI_PROMPT_CHOICE,
		    op == UI_OP_SORT
			? _("Sort by (d)ate, (a)rrival, (f)rom, (s)ubject, "
			    "si(z)e or (t)hreads?")
			: _("Reverse sort by (d)ate, (a)rrival, (f)rom, "
			    "(s)ubject, si(z)e or (t)hreads?"),
		    ui_ops_sort_answer,
		    (void *)(uintptr_t)(op == UI_OP_SORT_REVERSE));
		p->choices = pt_xstrdup("dafszt");
		ui_prompt_show(ui, p, 0);
		return 1;
	case UI_OP_MAIL:
	case UI_OP_RECALL:
		ui_compose_start(ui, op, NULL, 0);
		return 1;
	case UI_OP_QUERY:
		ui_addr_query_key(ui);
		return 1;
	default:
		break;
	}
	if (!f->open)
		return 0;

	switch (op) {
	case UI_OP_SYNC:
		if (f->view.deleted == 0) {
			ui_msg(ui, "%s", _("No deleted messages."));
			return 1;
		}
		q = pt_xasprintf(ngettext_("Expunge %zu deleted message?",
				     "Expunge %zu deleted messages?",
				     (unsigned long)f->view.deleted),
		    f->view.deleted);
		ui_prompt_yesno(ui, q, 1, ui_ops_expunge_answer, NULL);
		free(q);
		return 1;
	case UI_OP_CHECK_MAIL: {
		struct eng_job *job = eng_job_new(ENG_JOB_CHECK, f->account);

		eng_job_set_folder(job, f->name);
		ui_job_submit(ui, job, NULL, NULL, NULL, NULL);
		ui_msg(ui, _("Checking %s for new mail..."), f->name);
		return 1;
	}
	default:
		break;
	}

	if ((n = ui_ops_targets(ui, &uids)) == 0) {
		free(uids);
		if (op == UI_OP_DELETE || op == UI_OP_UNDELETE ||
		    op == UI_OP_FLAG || op == UI_OP_TOGGLE_NEW ||
		    op == UI_OP_SAVE || op == UI_OP_COPY || op == UI_OP_REPLY ||
		    op == UI_OP_GROUP_REPLY || op == UI_OP_LIST_REPLY ||
		    op == UI_OP_FORWARD) {
			ui_error(ui, "%s", _("No message here."));
			return 1;
		}
		return 0;
	}
	switch (op) {
	case UI_OP_DELETE:
		ui_ops_flags(ui, uids, n, UI_F_DELETED, 0);
		break;
	case UI_OP_UNDELETE:
		ui_ops_flags(ui, uids, n, 0, UI_F_DELETED);
		break;
	case UI_OP_FLAG: {
		int32_t s = ui_model_find(&f->model, uids[0]);
		int on = s >= 0 && (f->model.msg[s].flags & UI_F_FLAGGED);

		if (on)
			ui_ops_flags(ui, uids, n, 0, UI_F_FLAGGED);
		else
			ui_ops_flags(ui, uids, n, UI_F_FLAGGED, 0);
		break;
	}
	case UI_OP_TOGGLE_NEW:
		/* Read ones become new, new ones read. */
		for (i = nread = 0; i < n; i++) {
			int32_t s = ui_model_find(&f->model, uids[i]);

			if (s >= 0 && (f->model.msg[s].flags & UI_F_SEEN)) {
				uint32_t t = uids[nread];

				uids[nread++] = uids[i];
				uids[i] = t;
			}
		}
		ui_ops_flags(ui, uids, nread, 0, UI_F_SEEN);
		ui_ops_flags(ui, uids + nread, n - nread, UI_F_SEEN, 0);
		break;
	case UI_OP_SAVE:
	case UI_OP_COPY:
		if (ui->acct[f->account].folders == NULL)
			ui_folders_request(ui, f->account);
		mv = pt_xcalloc(1, sizeof *mv);
		mv->uids = uids;
		mv->n = n;
		mv->move = op == UI_OP_SAVE;
		uids = NULL;
		q = pt_xasprintf(op == UI_OP_SAVE
				     ? ngettext_("Move %zu message to folder:",
					   "Move %zu messages to folder:",
					   (unsigned long)n)
				     : ngettext_("Copy %zu message to folder:",
					   "Copy %zu messages to folder:",
					   (unsigned long)n),
		    n);
		ui_prompt_line(ui, q, "", &ui->hist_folder, UI_COMPLETE_FOLDER,
		    ui_ops_move_answer, mv);
		ui->prompt->arg_free = ui_ops_move_free;
		free(q);
		break;
	case UI_OP_REPLY:
	case UI_OP_GROUP_REPLY:
	case UI_OP_LIST_REPLY:
	case UI_OP_FORWARD:
		ui_compose_start(ui, op, uids, n);
		break;
	default:
		free(uids);
		return 0;
	}
	free(uids);
	return 1;
}
