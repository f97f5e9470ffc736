/*
 * folders.c: the folder list of every account, with unread and total
 * counts (from the engine's STATUS), special folders first (Inbox,
 * Drafts, Sent, Trash, Junk, Archive), the rest in name order and
 * indented by hierarchy.  Enter opens a folder.  The sidebar (sidebar.c)
 * shows the same rows for the current account.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/engine.h"

#include "private.h"

struct ui_frow {
	size_t account;
	const struct eng_folder *f; /* NULL: the account's title row */
};

static struct {
	struct ui_frow *v;
	size_t n;
	struct ui_list list;
} ui_fl;

static const enum ui_op ui_folders_helpbar[] = {UI_OP_EXIT, UI_OP_SELECT_ENTRY,
    UI_OP_CHANGE_FOLDER, UI_OP_HELP, UI_OP_NONE};

static void ui_folders_init(struct ui *);
static void ui_folders_fini(struct ui *);
static void ui_folders_key(struct ui *, enum ui_op, uint32_t);
static void ui_folders_draw(struct ui *, int, int);
static void ui_folders_rows(struct ui *);
static int ui_folder_rank(const struct eng_folder *);

const struct ui_screen ui_folders_screen = {
    .name = "folders",
    .map = UI_MAP_FOLDERS,
    .init = ui_folders_init,
    .fini = ui_folders_fini,
    .key = ui_folders_key,
    .draw = ui_folders_draw,
    .helpbar = ui_folders_helpbar,
};

static int
ui_folder_rank(const struct eng_folder *f)
{
	switch (f->role) {
	case ENG_ROLE_INBOX:
		return 0;
	case ENG_ROLE_DRAFTS:
		return 1;
	case ENG_ROLE_SENT:
		return 2;
	case ENG_ROLE_TRASH:
		return 3;
	case ENG_ROLE_JUNK:
		return 4;
	case ENG_ROLE_ARCHIVE:
		return 5;
	default:
		return 6;
	}
}

static int
ui_folder_cmp(const void *a, const void *b)
{
	const struct eng_folder *x = *(const struct eng_folder *const *)a;
	const struct eng_folder *y = *(const struct eng_folder *const *)b;
	int rx = ui_folder_rank(x), ry = ui_folder_rank(y);

	if (rx != ry)
		return rx - ry;
	return strcmp(x->name, y->name);
}

/*
 * The folders of an account in display order (the array is allocated;
 * the folders are borrowed from the account's list).
 */
size_t
ui_folders_sorted(struct ui *ui, size_t account, const struct eng_folder ***out)
{
	const struct eng_folder_list *l = ui->acct[account].folders;
	size_t i;

	*out = NULL;
	if (l == NULL || l->n == 0)
		return 0;
	*out = pt_xreallocarray(NULL, l->n, sizeof **out);
	for (i = 0; i < l->n; i++)
		(*out)[i] = &l->v[i];
	qsort(*out, l->n, sizeof **out, ui_folder_cmp);
	return l->n;
}

/* "Archive/2024" shows as "  2024" under "Archive". */
void
ui_folder_label(const struct eng_folder *f, struct pt_buf *out)
{
	const char *s = f->name, *last = f->name;
	int depth = 0;

	if (f->delim != '\0' && ui_folder_rank(f) == 6) {
		for (; *s != '\0'; s++) {
			if (*s == f->delim) {
				depth++;
				last = s + 1;
			}
		}
	}
	while (depth-- > 0)
		pt_buf_addstr(out, "  ", NULL);
	pt_buf_addstr(out, last, NULL);
}

static void
ui_folders_rows(struct ui *ui)
{
	const struct eng_folder **fs;
	size_t a, i;

	free(ui_fl.v);
	ui_fl.v = NULL;
	ui_fl.n = 0;
	for (a = 0; a < ui->nacct; a++) {
		size_t n = ui_folders_sorted(ui, a, &fs);
		ui_fl.v =
		    pt_xreallocarray(ui_fl.v, ui_fl.n + n + 1, sizeof *ui_fl.v);
		if (ui->nacct > 1) {
			ui_fl.v[ui_fl.n].account = a;
			ui_fl.v[ui_fl.n++].f = NULL;
		}
		for (i = 0; i < n; i++) {
			ui_fl.v[ui_fl.n].account = a;
			ui_fl.v[ui_fl.n++].f = fs[i];
		}
		free(fs);
	}
	ui_fl.list.n = ui_fl.n;
}

static void
ui_folders_init(struct ui *ui)
{
	size_t a;

	memset(&ui_fl.list, 0, sizeof ui_fl.list);
	/* Fresh counts each time the list opens. */
	for (a = 0; a < ui->nacct; a++)
		ui_folders_request(ui, a);
	ui_folders_rows(ui);
	/* Start on the open folder. */
	for (a = 0; a < ui_fl.n; a++) {
		if (ui->folder.open && ui_fl.v[a].f != NULL &&
		    ui_fl.v[a].account == ui->folder.account &&
		    strcmp(ui_fl.v[a].f->name, ui->folder.name) == 0)
			ui_fl.list.cursor = a;
	}
}

static void
ui_folders_fini(struct ui *ui)
{
	(void)ui;
	free(ui_fl.v);
	ui_fl.v = NULL;
	ui_fl.n = 0;
}

static void
ui_folders_key(struct ui *ui, enum ui_op op, uint32_t key)
{
	const struct ui_frow *r;

	ui_folders_rows(ui);
	if (ui_list_key(&ui_fl.list, op, ui_body_rows(ui)))
		return;
	switch (op) {
	case UI_OP_EXIT:
		ui_screen_pop(ui);
		return;
	case UI_OP_SELECT_ENTRY:
		if (ui_fl.n == 0)
			return;
		r = &ui_fl.v[ui_fl.list.cursor];
		if (r->f == NULL)
			return;
		if (r->f->attrs & ENG_FOLDER_NOSELECT) {
			ui_error(ui, "%s",
			    _("This name only holds other folders."));
			return;
		}
		{
			size_t account = r->account;
			char *name = pt_xstrdup(r->f->name);

			ui_screen_pop(ui);
			while (ui->depth > 1)
				ui_screen_pop(ui);
			ui_folder_open(ui, account, name);
			free(name);
		}
		return;
	case UI_OP_SEARCH:
		ui_error(ui, "%s", _("Type c to open a folder by name."));
		return;
	default:
		if (!ui_ops_common(ui, op, key))
			ui_error(ui, "%s",
			    _("Key is not bound.  Press '?' for help."));
		return;
	}
}

static void
ui_folders_draw(struct ui *ui, int top, int rows)
{
	struct pt_buf b;
	size_t loading = 0;
	int i;

	ui_folders_rows(ui);
	ui_list_clamp(&ui_fl.list, rows);
	pt_buf_init(&b, 0);
	for (i = 0; i < rows; i++) {
		size_t k = ui_fl.list.top + (size_t)i;
		const struct ui_frow *r;
		attr_t a;

		if (k >= ui_fl.n)
			break;
		r = &ui_fl.v[k];
		pt_buf_reset(&b);
		if (r->f == NULL) {
			const struct cfg_account *ca = ui->acct[r->account].cfg;

			pt_buf_printf(&b, NULL, "%s <%s>", ca->id, ca->email);
			a = ui->color[UI_C_HEADER];
		} else {
			char count[64] = "";
			struct pt_buf name;
			size_t w;

			pt_buf_init(&name, 0);
			ui_folder_label(r->f, &name);
			if (r->f->messages >= 0 && r->f->unseen > 0)
				snprintf(count, sizeof count, "%lld/%lld",
				    (long long)r->f->unseen,
				    (long long)r->f->messages);
			else if (r->f->messages >= 0)
				snprintf(count, sizeof count, "%lld",
				    (long long)r->f->messages);
			w = COLS > 14 ? (size_t)COLS - 14 : 1;
			pt_buf_addstr(&b, ui->nacct > 1 ? "  " : "", NULL);
			ui_text_fit(&b, name.data, name.len, w - 2, w - 2, 0);
			pt_buf_printf(&b, NULL, " %12s", count);
			pt_buf_release(&name);
			a = ui->color[r->f->unseen > 0 ? UI_C_SIDEBAR_NEW
						       : UI_C_NORMAL];
			if (r->f->attrs & ENG_FOLDER_NOSELECT)
				a = ui->color[UI_C_INDEX_DELETED];
		}
		if (k == ui_fl.list.cursor) {
			a = ui->color[UI_C_INDICATOR];
			ui->cur_y = top + i;
		}
		ui_draw_text(top + i, 0, COLS, b.data, a);
	}
	for (i = 0; (size_t)i < ui->nacct; i++)
		if (ui->acct[i].folders_job != 0)
			loading++;
	if (ui_fl.n == 0)
		ui_draw_text(top, 0, COLS,
		    loading > 0 ? _("Loading the folder list...")
				: _("No folders (is the account offline?)"),
		    ui->color[UI_C_NORMAL]);
	pt_buf_reset(&b);
	pt_buf_printf(&b, NULL, "-- %s --", _("Folders (unread/total)"));
	ui_draw_status(ui, b.data);
	pt_buf_release(&b);
}
