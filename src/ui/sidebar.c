/*
 * sidebar.c: the folder list of the current account beside the index
 * and the pager (ui.sidebar, toggled with B): unread counts, the open
 * folder marked, a highlight moved with sidebar-next/-prev and opened
 * with sidebar-open.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/engine.h"

#include "private.h"

int
ui_sidebar_width(const struct ui *ui)
{
	int w = cfg_get_int(ui->cfg, "ui", "sidebar_width");

	return w < COLS / 2 ? w : COLS / 2;
}

void
ui_sidebar_draw(struct ui *ui, int top, int rows)
{
	const struct eng_folder **fs;
	size_t n, account = ui->folder.open ? ui->folder.account : 0;
	int w = ui_sidebar_width(ui), y;
	struct pt_buf b;

	if (ui->nacct == 0)
		return;
	n = ui_folders_sorted(ui, account, &fs);
	if (ui->sidebar_cur >= n)
		ui->sidebar_cur = n > 0 ? n - 1 : 0;
	pt_buf_init(&b, 0);
	for (y = 0; y < rows; y++) {
		size_t k = (size_t)y;
		attr_t a = ui->color[UI_C_NORMAL];

		/* Keep the highlight on screen. */
		if (ui->sidebar_cur >= (size_t)rows)
			k += ui->sidebar_cur - (size_t)rows + 1;
		ui_draw_fill(top + y, 0, w - 1, a);
		attrset(ui->color[UI_C_MARKERS]);
		mvaddch(top + y, w - 1, ui_utf8 ? ACS_VLINE : '|');
		attrset(A_NORMAL);
		if (k >= n)
			continue;
		pt_buf_reset(&b);
		ui_folder_label(fs[k], &b);
		{
			char count[32] = "";
			struct pt_buf line;
			size_t cw;

			if (fs[k]->unseen > 0)
				snprintf(count, sizeof count, " %lld",
				    (long long)fs[k]->unseen);
			cw = strlen(count);
			pt_buf_init(&line, 0);
			ui_text_fit(&line, b.data, b.len, (size_t)w - 1 - cw,
			    (size_t)w - 1 - cw, 0);
			pt_buf_addstr(&line, count, NULL);
			if (fs[k]->unseen > 0)
				a = ui->color[UI_C_SIDEBAR_NEW];
			if (ui->folder.open &&
			    strcmp(fs[k]->name, ui->folder.name) == 0)
				a |= A_BOLD;
			if (k == ui->sidebar_cur)
				a = ui->color[UI_C_SIDEBAR_INDICATOR];
			ui_draw_text(top + y, 0, w - 1, line.data, a);
			pt_buf_release(&line);
		}
	}
	pt_buf_release(&b);
	free(fs);
}

int
ui_sidebar_op(struct ui *ui, enum ui_op op)
{
	const struct eng_folder **fs;
	size_t n, account = ui->folder.open ? ui->folder.account : 0;

	if (op == UI_OP_SIDEBAR_TOGGLE) {
		ui->sidebar = !ui->sidebar;
		if (ui->sidebar && ui->nacct > 0 &&
		    ui->acct[account].folders == NULL)
			ui_folders_request(ui, account);
		return 1;
	}
	if (ui->nacct == 0)
		return 1;
	if (!ui->sidebar) {
		ui_error(ui, "%s", _("The sidebar is hidden (B shows it)."));
		return 1;
	}
	n = ui_folders_sorted(ui, account, &fs);
	switch (op) {
	case UI_OP_SIDEBAR_NEXT:
		if (ui->sidebar_cur + 1 < n)
			ui->sidebar_cur++;
		break;
	case UI_OP_SIDEBAR_PREV:
		if (ui->sidebar_cur > 0)
			ui->sidebar_cur--;
		break;
	case UI_OP_SIDEBAR_OPEN:
		if (ui->sidebar_cur < n &&
		    !(fs[ui->sidebar_cur]->attrs & ENG_FOLDER_NOSELECT)) {
			char *name = pt_xstrdup(fs[ui->sidebar_cur]->name);

			while (ui->depth > 1)
				ui_screen_pop(ui);
			ui_folder_open(ui, account, name);
			free(name);
		}
		break;
	default:
		break;
	}
	free(fs);
	return 1;
}
