/*
 * index.c: the message index, the screen petrel opens on.  One line per
 * message in the configured format, threads drawn as a tree, the cursor
 * kept on its message while mail comes and goes (view.c), and the
 * functions of mutt's index: moving, threads, tagging, patterns (limit,
 * search, *-pattern), flags, saving, sorting.  Patterns with ~b, ~B or
 * ~h ask the server first (ENG_JOB_SEARCH) and act when it answered.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/engine.h"

#include "private.h"

enum ui_pat_use {
	UI_PAT_SEARCH,
	UI_PAT_LIMIT,
	UI_PAT_TAG,
	UI_PAT_UNTAG,
	UI_PAT_DELETE,
	UI_PAT_UNDELETE
};

/* A pattern waiting for the server's answers to its ~b/~B/~h terms. */
struct ui_pat_run {
	struct ui_pattern *pat;
	char *text;
	enum ui_pat_use use;
	int dir; /* search direction */
	size_t waiting;
	int failed;
	unsigned refs;
};

struct ui_pat_term {
	struct ui_pat_run *run;
	size_t term;
};

static const enum ui_op ui_index_helpbar[] = {UI_OP_QUIT, UI_OP_DELETE,
    UI_OP_UNDELETE, UI_OP_SAVE, UI_OP_MAIL, UI_OP_REPLY, UI_OP_GROUP_REPLY,
    UI_OP_CHANGE_FOLDER, UI_OP_HELP, UI_OP_NONE};

static void ui_index_key(struct ui *, enum ui_op, uint32_t);
static void ui_index_draw(struct ui *, int, int);
static void ui_index_event(struct ui *, const struct eng_event *);
static void ui_index_status(struct ui *);
static void ui_index_line(struct ui *, int, int, int, size_t);
static int ui_index_not_deleted(const struct ui_msg *, const void *);
static int ui_index_unread(const struct ui_msg *, const void *);
static int ui_index_match(const struct ui_msg *, const void *);
static void ui_index_resolve(struct ui *);
static void ui_index_thread_op(struct ui *, enum ui_op);
static void ui_index_collapse(struct ui *, int);
static void ui_index_pattern_prompt(struct ui *, enum ui_pat_use, int);
static void ui_index_pattern_answer(struct ui *, int, const char *, void *);
static void ui_index_pattern_apply(struct ui *, struct ui_pat_run *);
static void ui_index_pat_run_release(struct ui_pat_run *);
static void ui_index_pat_run_unref(void *);
static void ui_index_search_cb(struct ui *, struct eng_event *, void *);
static void ui_index_search_next(struct ui *, int);
static void ui_index_jump(struct ui *, long);

const struct ui_screen ui_index_screen = {
    .name = "index",
    .map = UI_MAP_INDEX,
    .key = ui_index_key,
    .draw = ui_index_draw,
    .event = ui_index_event,
    .helpbar = ui_index_helpbar,
};

static int
ui_index_not_deleted(const struct ui_msg *m, const void *arg)
{
	(void)arg;
	return !(m->flags & UI_F_DELETED);
}

static int
ui_index_unread(const struct ui_msg *m, const void *arg)
{
	(void)arg;
	return !(m->flags & UI_F_SEEN) && !(m->flags & UI_F_DELETED);
}

static int
ui_index_match(const struct ui_msg *m, const void *arg)
{
	return ui_pattern_match(arg, m);
}

void
ui_index_move(struct ui *ui, long row)
{
	ui_view_set_cursor(&ui->folder.view, row);
	ui->redraw = 1;
}

/* After d, u, t: on to the next message, as mutt's $resolve. */
static void
ui_index_resolve(struct ui *ui)
{
	struct ui_view *v = &ui->folder.view;
	long r =
	    ui_view_find(v, (long)v->cursor, 1, 0, ui_index_not_deleted, NULL);

	if (r >= 0)
		ui_index_move(ui, r);
}

/*
 * Moves the index cursor as the pager's j/k/Tab/... ask: returns 0 when
 * it moved, -1 when there is no such message.
 */
int
ui_index_step(struct ui *ui, enum ui_op op)
{
	struct ui_view *v = &ui->folder.view;
	long c, r = -1;

	/* Moving works on the rows shown: no rebuild (see events.c). */
	ui_folder_refresh(ui, 0);
	c = (long)v->cursor;
	switch (op) {
	case UI_OP_NEXT_ENTRY:
		r = c + 1 < (long)v->nrows ? c + 1 : -1;
		break;
	case UI_OP_PREV_ENTRY:
		r = c > 0 ? c - 1 : -1;
		break;
	case UI_OP_NEXT_UNDELETED:
		r = ui_view_find(v, c, 1, 0, ui_index_not_deleted, NULL);
		break;
	case UI_OP_PREV_UNDELETED:
		r = ui_view_find(v, c, -1, 0, ui_index_not_deleted, NULL);
		break;
	case UI_OP_NEXT_UNREAD:
		r = ui_view_find(v, c, 1, 1, ui_index_unread, NULL);
		break;
	case UI_OP_PREV_UNREAD:
		r = ui_view_find(v, c, -1, 1, ui_index_unread, NULL);
		break;
	case UI_OP_NEXT_THREAD:
		r = ui_view_next_thread(v, c, 1);
		break;
	case UI_OP_PREV_THREAD:
		r = ui_view_next_thread(v, c, -1);
		break;
	case UI_OP_PARENT:
		r = ui_view_parent(v, c);
		break;
	case UI_OP_NEXT_SUBTHREAD:
	case UI_OP_PREV_SUBTHREAD: {
		int dir = op == UI_OP_NEXT_SUBTHREAD ? 1 : -1;
		uint16_t d;
		long i;

		if (v->nrows == 0 || v->sort != UI_SORT_THREADS)
			break;
		d = v->depth[v->rows[c]];
		for (i = c + dir; i >= 0 && i < (long)v->nrows; i += dir) {
			if (v->depth[v->rows[i]] <= d) {
				r = i;
				break;
			}
		}
		break;
	}
	default:
		break;
	}
	if (r < 0)
		return -1;
	ui_index_move(ui, r);
	return 0;
}

static void
ui_index_jump(struct ui *ui, long row)
{
	if (row >= (long)ui->folder.view.nrows) {
		ui_error(ui, "%s", _("Invalid message number."));
		return;
	}
	ui_index_move(ui, row);
}

/* Applies delete/undelete/read/tag to a thread or subthread. */
static void
ui_index_thread_op(struct ui *ui, enum ui_op op)
{
	struct ui_folder *f = &ui->folder;
	struct ui_view *v = &f->view;
	int sub = op == UI_OP_DELETE_SUBTHREAD ||
		  op == UI_OP_UNDELETE_SUBTHREAD || op == UI_OP_READ_SUBTHREAD;
	int32_t *slots;
	uint32_t *uids;
	size_t n, i;
	int untag = 1;

	ui_folder_refresh(ui, 1);
	if (v->nrows == 0)
		return;
	n = ui_view_thread_slots(v, v->cursor, sub, &slots);
	uids = pt_xreallocarray(NULL, n + 1, sizeof *uids);
	for (i = 0; i < n; i++) {
		uids[i] = f->model.msg[slots[i]].uid;
		if (!(f->model.msg[slots[i]].mark & UI_M_TAGGED))
			untag = 0;
	}
	switch (op) {
	case UI_OP_DELETE_THREAD:
	case UI_OP_DELETE_SUBTHREAD:
		ui_ops_flags(ui, uids, n, UI_F_DELETED, 0);
		break;
	case UI_OP_UNDELETE_THREAD:
	case UI_OP_UNDELETE_SUBTHREAD:
		ui_ops_flags(ui, uids, n, 0, UI_F_DELETED);
		break;
	case UI_OP_READ_THREAD:
	case UI_OP_READ_SUBTHREAD:
		ui_ops_flags(ui, uids, n, UI_F_SEEN, 0);
		break;
	case UI_OP_TAG_THREAD:
		for (i = 0; i < n; i++) {
			if (untag)
				f->model.msg[slots[i]].mark &=
				    (uint8_t)~UI_M_TAGGED;
			else
				f->model.msg[slots[i]].mark |= UI_M_TAGGED;
		}
		ui_view_count(v);
		break;
	default:
		break;
	}
	free(uids);
	free(slots);
	/* On to the next thread, as mutt does. */
	if (ui_index_step(ui, UI_OP_NEXT_THREAD) != 0)
		ui_index_resolve(ui);
}

static void
ui_index_collapse(struct ui *ui, int all)
{
	struct ui_folder *f = &ui->folder;
	struct ui_view *v = &f->view;
	long r;

	ui_folder_refresh(ui, 1);
	if (v->nrows == 0 || v->sort != UI_SORT_THREADS) {
		ui_error(ui, "%s",
		    _("Threads are shown only when sorted by "
		      "threads (o t)."));
		return;
	}
	if (all) {
		/* Collapse all unless the cursor's thread is collapsed. */
		int on;
		size_t i;

		r = ui_view_thread_root(v, (long)v->cursor);
		on = !(ui_view_row_msg(v, (size_t)r)->mark & UI_M_COLLAPSED);
		for (i = 0; i < f->model.n; i++) {
			if (v->tparent[i] >= 0)
				continue;
			if (on)
				f->model.msg[i].mark |= UI_M_COLLAPSED;
			else
				f->model.msg[i].mark &=
				    (uint8_t)~UI_M_COLLAPSED;
		}
	} else {
		r = ui_view_thread_root(v, (long)v->cursor);
		ui_view_row_msg(v, (size_t)r)->mark ^= UI_M_COLLAPSED;
	}
	v->dirty = 1;
	ui_folder_refresh(ui, 1);
}

static void
ui_index_pat_run_release(struct ui_pat_run *run)
{
	if (--run->refs > 0)
		return;
	ui_pattern_free(&run->pat);
	free(run->text);
	free(run);
}

static void
ui_index_pat_run_unref(void *arg)
{
	struct ui_pat_term *t = arg;
	struct ui_pat_run *run = t->run;

	free(t);
	ui_index_pat_run_release(run);
}

static void
ui_index_search_cb(struct ui *ui, struct eng_event *ev, void *arg)
{
	struct ui_pat_term *t = arg;
	struct ui_pat_run *run = t->run;

	if (ev->kind == ENG_EV_SEARCH) {
		ui_pattern_server_set(run->pat, t->term, ev->u.uids.v,
		    ev->u.uids.n);
		return;
	}
	if (ev->kind != ENG_EV_DONE && ev->kind != ENG_EV_FAILED)
		return;
	if (ev->kind == ENG_EV_FAILED)
		run->failed = 1;
	if (--run->waiting > 0 || run->failed)
		return;
	ui_index_pattern_apply(ui, run);
}

/* The pattern is ready (every server term answered): use it. */
static void
ui_index_pattern_apply(struct ui *ui, struct ui_pat_run *run)
{
	struct ui_folder *f = &ui->folder;
	struct ui_view *v = &f->view;
	uint32_t *uids;
	size_t i, n = 0;

	ui_folder_refresh(ui, 1);
	switch (run->use) {
	case UI_PAT_LIMIT:
		ui_view_set_limit(v, run->pat, run->text);
		run->pat = NULL;
		ui_folder_refresh(ui, 1);
		if (v->nrows == 0)
			ui_msg(ui, "%s", _("No messages match the limit."));
		return;
	case UI_PAT_SEARCH:
		free(ui->search);
		ui->search = pt_xstrdup(run->text);
		{
			long r = ui_view_find(v, (long)v->cursor, run->dir, 1,
			    ui_index_match, run->pat);

			if (r < 0)
				ui_error(ui, "%s", _("Not found."));
			else {
				if ((run->dir > 0 && r <= (long)v->cursor) ||
				    (run->dir < 0 && r >= (long)v->cursor))
					ui_msg(ui, "%s",
					    run->dir > 0
						? _("Search wrapped to top.")
						: _("Search wrapped to "
						    "bottom."));
				ui_index_move(ui, r);
			}
		}
		return;
	default:
		break;
	}
	uids = pt_xreallocarray(NULL, f->model.n + 1, sizeof *uids);
	for (i = 0; i < f->model.n; i++) {
		struct ui_msg *m = &f->model.msg[i];

		if ((m->mark & UI_M_DEAD) || !ui_pattern_match(run->pat, m))
			continue;
		/* Patterns act on what the limit shows. */
		if (v->limit != NULL && !ui_pattern_match(v->limit, m))
			continue;
		if (run->use == UI_PAT_TAG)
			m->mark |= UI_M_TAGGED;
		else if (run->use == UI_PAT_UNTAG)
			m->mark &= (uint8_t)~UI_M_TAGGED;
		uids[n++] = m->uid;
	}
	if (run->use == UI_PAT_DELETE)
		ui_ops_flags(ui, uids, n, UI_F_DELETED, 0);
	else if (run->use == UI_PAT_UNDELETE)
		ui_ops_flags(ui, uids, n, 0, UI_F_DELETED);
	ui_view_count(v);
	ui_msg(ui,
	    ngettext_("%zu message matches.", "%zu messages match.",
		(unsigned long)n),
	    n);
	free(uids);
}

static void
ui_index_pattern_answer(struct ui *ui, int answer, const char *text, void *arg)
{
	enum ui_pat_use use = (enum ui_pat_use)((uintptr_t)arg >> 2);
	int dir = ((uintptr_t)arg & 1) ? -1 : 1;
	struct ui_folder *f = &ui->folder;
	struct ui_pat_run *run;
	struct pt_error err;
	size_t i, nterms;

	if (answer != 1 || text == NULL)
		return;
	if (use == UI_PAT_LIMIT && (*text == '\0' || strcmp(text, "all") == 0 ||
				       strcmp(text, "~A") == 0)) {
		ui_view_set_limit(&f->view, NULL, NULL);
		ui_folder_refresh(ui, 1);
		return;
	}
	if (*text == '\0')
		return;
	run = pt_xcalloc(1, sizeof *run);
	pt_error_init(&err);
	if ((run->pat = ui_pattern_compile(text, time(NULL), &err)) == NULL) {
		ui_error(ui, "%s", err.msg);
		free(run);
		return;
	}
	run->text = pt_xstrdup(text);
	run->use = use;
	run->dir = dir;
	run->refs = 1;
	nterms = ui_pattern_server_terms(run->pat);
	for (i = 0; i < nterms; i++) {
		struct eng_job *job = eng_job_new(ENG_JOB_SEARCH, f->account);
		struct ui_pat_term *t = pt_xmalloc(sizeof *t);
		int kind;
		const char *s = ui_pattern_server_term(run->pat, i, &kind);

		eng_job_set_folder(job, f->name);
		job->uidvalidity = f->uidvalidity;
		job->search.where =
		    kind == 'b'   ? ENG_SEARCH_BODY
		    : kind == 'B' ? ENG_SEARCH_TEXT
				  : ENG_SEARCH_FROM | ENG_SEARCH_TO |
					ENG_SEARCH_CC | ENG_SEARCH_SUBJECT;
		job->search.text = pt_xstrdup(s);
		t->run = run;
		t->term = i;
		run->refs++;
		run->waiting++;
		if (ui_job_submit(ui, job, _("Searching on the server"),
			ui_index_search_cb, t, ui_index_pat_run_unref) == 0)
			run->failed = 1;
	}
	if (nterms == 0)
		ui_index_pattern_apply(ui, run);
	/* Drop the first reference; the jobs hold theirs. */
	ui_index_pat_run_release(run);
}

static void
ui_index_pattern_prompt(struct ui *ui, enum ui_pat_use use, int reverse)
{
	static const char *const questions[] = {
	    [UI_PAT_SEARCH] = N_("Search for:"),
	    [UI_PAT_LIMIT] = N_("Limit to messages matching:"),
	    [UI_PAT_TAG] = N_("Tag messages matching:"),
	    [UI_PAT_UNTAG] = N_("Untag messages matching:"),
	    [UI_PAT_DELETE] = N_("Delete messages matching:"),
	    [UI_PAT_UNDELETE] = N_("Undelete messages matching:"),
	};
	const char *q = reverse ? _("Reverse search for:") : _(questions[use]);
	const char *init = "";

	if (use == UI_PAT_LIMIT && ui->folder.view.limit_text != NULL)
		init = ui->folder.view.limit_text;
	ui_prompt_line(ui, q, init,
	    use == UI_PAT_SEARCH ? &ui->hist_search : &ui->hist_pattern,
	    UI_COMPLETE_NONE, ui_index_pattern_answer,
	    (void *)(((uintptr_t)use << 2) | (uintptr_t)(reverse ? 1 : 0)));
}

static void
ui_index_search_next(struct ui *ui, int dir)
{
	if (ui->search == NULL) {
		ui_error(ui, "%s", _("No search pattern."));
		return;
	}
	/* UI_PAT_SEARCH is 0: only the direction bit is set. */
	ui_index_pattern_answer(ui, 1, ui->search,
	    (void *)(uintptr_t)(dir < 0 ? 1 : 0));
}

static void
ui_index_key(struct ui *ui, enum ui_op op, uint32_t key)
{
	struct ui_folder *f = &ui->folder;
	struct ui_view *v = &f->view;
	struct ui_msg *m;
	long h = v->height > 0 ? v->height : 1;

	ui_folder_refresh(ui, 0);
	switch (op) {
	case UI_OP_NONE:
		ui_error(ui, "%s", _("Key is not bound.  Press '?' for help."));
		return;
	case UI_OP_NEXT_ENTRY:
	case UI_OP_PREV_ENTRY:
	case UI_OP_NEXT_UNDELETED:
	case UI_OP_PREV_UNDELETED:
	case UI_OP_NEXT_THREAD:
	case UI_OP_PREV_THREAD:
	case UI_OP_NEXT_SUBTHREAD:
	case UI_OP_PREV_SUBTHREAD:
	case UI_OP_PARENT:
		if (ui_index_step(ui, op) != 0)
			ui_error(ui, "%s",
			    op == UI_OP_NEXT_ENTRY ||
				    op == UI_OP_NEXT_UNDELETED ||
				    op == UI_OP_NEXT_THREAD ||
				    op == UI_OP_NEXT_SUBTHREAD
				? _("You are on the last message.")
			    : op == UI_OP_PARENT ? _("There is no parent.")
						 : _("You are on the first "
						     "message."));
		return;
	case UI_OP_NEXT_UNREAD:
	case UI_OP_PREV_UNREAD:
		if (ui_index_step(ui, op) != 0)
			ui_error(ui, "%s", _("No unread messages."));
		return;
	case UI_OP_FIRST_ENTRY:
		ui_index_move(ui, 0);
		return;
	case UI_OP_LAST_ENTRY:
		ui_index_move(ui, (long)v->nrows - 1);
		return;
	case UI_OP_NEXT_PAGE:
	case UI_OP_PREV_PAGE:
		ui_view_page(v, op == UI_OP_NEXT_PAGE ? 1 : -1);
		return;
	case UI_OP_HALF_DOWN:
	case UI_OP_HALF_UP:
		ui_view_scroll(v, op == UI_OP_HALF_DOWN ? h / 2 : -h / 2);
		return;
	case UI_OP_NEXT_LINE:
	case UI_OP_PREV_LINE:
		ui_view_scroll(v, op == UI_OP_NEXT_LINE ? 1 : -1);
		return;
	case UI_OP_TOP_PAGE:
		ui_index_move(ui, (long)v->top);
		return;
	case UI_OP_MIDDLE_PAGE:
		ui_index_move(ui, (long)v->top + (h - 1) / 2);
		return;
	case UI_OP_BOTTOM_PAGE:
		ui_index_move(ui, (long)v->top + h - 1);
		return;
	case UI_OP_JUMP:
		ui_ops_jump(ui, key, ui_index_jump);
		return;
	case UI_OP_DISPLAY:
	case UI_OP_SELECT_ENTRY:
	case UI_OP_VIEW_ATTACH:
	case UI_OP_DISPLAY_HEADERS:
	case UI_OP_VIEW_RAW:
	case UI_OP_VIEW_URLS:
		if ((m = ui_view_cursor_msg(v)) == NULL) {
			ui_error(ui, "%s", _("No message here."));
			return;
		}
		ui_pager_show(ui, m->uid);
		/* The pager does the rest once the message is there. */
		if (op != UI_OP_DISPLAY && op != UI_OP_SELECT_ENTRY)
			ui_pager_screen.key(ui, op, key);
		return;
	case UI_OP_EXIT:
		ui_ops_quit(ui, 0);
		return;
	case UI_OP_SEARCH:
	case UI_OP_SEARCH_REVERSE:
		ui->search_dir = op == UI_OP_SEARCH ? 1 : -1;
		ui_index_pattern_prompt(ui, UI_PAT_SEARCH,
		    op == UI_OP_SEARCH_REVERSE);
		return;
	case UI_OP_SEARCH_NEXT:
		ui_index_search_next(ui, ui->search_dir);
		return;
	case UI_OP_SEARCH_OPPOSITE:
		ui_index_search_next(ui, -ui->search_dir);
		return;
	case UI_OP_LIMIT:
		ui_index_pattern_prompt(ui, UI_PAT_LIMIT, 0);
		return;
	case UI_OP_SHOW_LIMIT:
		if (v->limit_text == NULL)
			ui_msg(ui, "%s",
			    _("No limit: all messages are shown."));
		else
			ui_msg(ui, _("Limit: %s"), v->limit_text);
		return;
	case UI_OP_TAG_PATTERN:
		ui_index_pattern_prompt(ui, UI_PAT_TAG, 0);
		return;
	case UI_OP_UNTAG_PATTERN:
		ui_index_pattern_prompt(ui, UI_PAT_UNTAG, 0);
		return;
	case UI_OP_DELETE_PATTERN:
		ui_index_pattern_prompt(ui, UI_PAT_DELETE, 0);
		return;
	case UI_OP_UNDELETE_PATTERN:
		ui_index_pattern_prompt(ui, UI_PAT_UNDELETE, 0);
		return;
	case UI_OP_TAG:
		if (ui->tag_prefix) {
			/* ";t": untag everything. */
			size_t i;

			for (i = 0; i < f->model.n; i++)
				f->model.msg[i].mark &= (uint8_t)~UI_M_TAGGED;
			ui_view_count(v);
			return;
		}
		if ((m = ui_view_cursor_msg(v)) == NULL)
			return;
		m->mark ^= UI_M_TAGGED;
		ui_view_count(v);
		ui_index_resolve(ui);
		return;
	case UI_OP_TAG_THREAD:
	case UI_OP_DELETE_THREAD:
	case UI_OP_UNDELETE_THREAD:
	case UI_OP_DELETE_SUBTHREAD:
	case UI_OP_UNDELETE_SUBTHREAD:
	case UI_OP_READ_THREAD:
	case UI_OP_READ_SUBTHREAD:
		ui_index_thread_op(ui, op);
		return;
	case UI_OP_COLLAPSE_THREAD:
	case UI_OP_COLLAPSE_ALL:
		ui_index_collapse(ui, op == UI_OP_COLLAPSE_ALL);
		return;
	case UI_OP_DELETE:
	case UI_OP_UNDELETE:
		if (ui_ops_common(ui, op, key) && !ui->tag_prefix)
			ui_index_resolve(ui);
		return;
	default:
		if (!ui_ops_common(ui, op, key))
			ui_error(ui, "%s",
			    f->open ? _("That does not work here.")
				    : _("No folder is open."));
		return;
	}
}

static void
ui_index_event(struct ui *ui, const struct eng_event *ev)
{
	(void)ev;
	(void)ui;
}

/* One message line: colour by state, the tree in its own colour. */
static void
ui_index_line(struct ui *ui, int y, int x, int w, size_t row)
{
	struct ui_view *v = &ui->folder.view;
	struct ui_msg *m = ui_view_row_msg(v, row);
	struct pt_buf line, tree;
	struct ui_fmt_ctx ctx;
	attr_t a = ui->color[UI_C_NORMAL];
	int32_t slot = v->rows[row], p;
	char *t;

	pt_buf_init(&line, 0);
	pt_buf_init(&tree, 0);
	ui_view_tree(v, row, ui_utf8, &tree);
	memset(&ctx, 0, sizeof ctx);
	ctx.msg = m;
	ctx.number = row + 1;
	ctx.tree = tree.data;
	ctx.date_fmt = ui->date_format;
	ctx.me = ui->acct[ui->folder.account].cfg->email;
	if (m->mark & UI_M_COLLAPSED)
		ctx.ndesc = v->ndesc[slot];
	/* A reply with its parent's subject shows only the tree. */
	if ((p = v->tparent[slot]) >= 0) {
		size_t l1, l2;
		const char *s1 =
		    ui_thread_subject_base(ui_msg_str(m, UI_S_SUBJECT), &l1,
			NULL);
		const char *s2 =
		    ui_thread_subject_base(ui_msg_str(&ui->folder.model.msg[p],
					       UI_S_SUBJECT),
			&l2, NULL);

		ctx.hide_subject = l1 == l2 && strncmp(s1, s2, l1) == 0;
	}
	ui_format_index(&line, ui->index_format, &ctx, (size_t)w);
	if (row == v->cursor) {
		a = ui->color[UI_C_INDICATOR];
		ui->cur_y = y;
	} else if (m->flags & UI_F_DELETED)
		a = ui->color[UI_C_INDEX_DELETED];
	else if (m->mark & UI_M_TAGGED)
		a = ui->color[UI_C_INDEX_TAGGED];
	else if (m->flags & UI_F_FLAGGED)
		a = ui->color[UI_C_INDEX_FLAGGED];
	else if (!(m->flags & UI_F_SEEN))
		a = ui->color[UI_C_INDEX_NEW];
	ui_draw_text(y, x, w, line.data, a);
	if (tree.len > 0 && row != v->cursor &&
	    (t = strstr(line.data, tree.data)) != NULL) {
		int tx = (int)ui_text_width(line.data, (size_t)(t - line.data));
		int tw = (int)ui_text_width(tree.data, tree.len);

		if (tx + tw <= w)
			ui_draw_text(y, x + tx, tw, tree.data,
			    ui->color[UI_C_TREE]);
	}
	pt_buf_release(&line);
	pt_buf_release(&tree);
}

static void
ui_index_status(struct ui *ui)
{
	struct ui_folder *f = &ui->folder;
	struct ui_view *v = &f->view;
	const struct ui_account *a;
	struct pt_buf b;

	pt_buf_init(&b, 0);
	if (!f->open) {
		pt_buf_printf(&b, NULL, "-- petrel %s", PACKAGE_VERSION);
		ui_draw_status(ui, b.data);
		pt_buf_release(&b);
		return;
	}
	a = &ui->acct[f->account];
	pt_buf_printf(&b, NULL, "-- %s: %s ", a->cfg->id, f->name);
	pt_buf_printf(&b, NULL, _("[Msgs:%zu"), v->total);
	if (v->unread > 0)
		pt_buf_printf(&b, NULL, _(" New:%zu"), v->unread);
	if (v->flagged > 0)
		pt_buf_printf(&b, NULL, _(" Flag:%zu"), v->flagged);
	if (v->deleted > 0)
		pt_buf_printf(&b, NULL, _(" Del:%zu"), v->deleted);
	if (v->tagged > 0)
		pt_buf_printf(&b, NULL, _(" Tag:%zu"), v->tagged);
	if (v->limit != NULL)
		pt_buf_printf(&b, NULL, _(" Shown:%zu"), v->nrows);
	pt_buf_printf(&b, NULL, "] (%s%s)", v->reverse ? "reverse-" : "",
	    ui_sort_name(v->sort));
	if (v->limit_text != NULL)
		pt_buf_printf(&b, NULL, _(" limit: %s"), v->limit_text);
	switch (a->conn) {
	case ENG_CONN_OFFLINE:
		pt_buf_addstr(&b, _(" [offline]"), NULL);
		break;
	case ENG_CONN_CONNECTING:
		pt_buf_addstr(&b, _(" [connecting]"), NULL);
		break;
	case ENG_CONN_RECONNECTING:
		pt_buf_addstr(&b, _(" [reconnecting]"), NULL);
		break;
	case ENG_CONN_WAITING:
		pt_buf_addstr(&b, _(" [waiting for you]"), NULL);
		break;
	case ENG_CONN_CONNECTED:
		break;
	}
	if (a->pending > 0)
		pt_buf_printf(&b, NULL,
		    ngettext_(" [%zu change waiting to be sent to the server]",
			" [%zu changes waiting to be sent to the server]",
			(unsigned long)a->pending),
		    a->pending);
	pt_buf_addstr(&b, " --", NULL);
	ui_draw_status(ui, b.data);
	pt_buf_release(&b);
}

static void
ui_index_draw(struct ui *ui, int top, int rows)
{
	struct ui_folder *f = &ui->folder;
	struct ui_view *v = &f->view;
	int x = 0, w = COLS, i;
	const char *empty = NULL;

	if (ui->sidebar) {
		x = ui_sidebar_width(ui);
		w = COLS - x;
		ui_sidebar_draw(ui, top, rows);
	}
	if (v->height != rows) {
		v->height = rows;
		ui_view_clamp(v);
	}
	if (ui->nacct == 0)
		empty = _("No accounts are configured: run \"petrel setup\" "
			  "or see petrelrc(5).");
	else if (!f->open)
		empty = _("No folder is open: press c to open one.");
	else if (v->nrows == 0 && (f->open_job != 0 || f->pending != NULL))
		empty = _("Loading...");
	else if (v->nrows == 0 && v->limit != NULL)
		empty = _("No messages match the limit.");
	else if (v->nrows == 0)
		empty = _("No messages in this folder.");
	if (empty != NULL)
		ui_draw_text(top, x, w, empty, ui->color[UI_C_NORMAL]);
	for (i = 0; empty == NULL && i < rows; i++) {
		size_t row = v->top + (size_t)i;

		if (row >= v->nrows)
			break;
		ui_index_line(ui, top + i, x, w, row);
	}
	ui_index_status(ui);
}
