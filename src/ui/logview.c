/*
 * logview.c: the messages and errors shown at the bottom of the screen
 * since petrel started (the last UI_LOG_MAX), newest last, errors in
 * their colour.  The full detail of errors is in the log file.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "petrel/core.h"

#include "private.h"

static struct ui_list ui_lv;

static const enum ui_op ui_log_helpbar[] = {UI_OP_EXIT, UI_OP_PREV_PAGE,
    UI_OP_NEXT_PAGE, UI_OP_NONE};

static void ui_log_init(struct ui *);
static void ui_log_key(struct ui *, enum ui_op, uint32_t);
static void ui_log_draw(struct ui *, int, int);

const struct ui_screen ui_log_screen = {
    .name = "log",
    .map = UI_MAP_GENERIC,
    .init = ui_log_init,
    .key = ui_log_key,
    .draw = ui_log_draw,
    .helpbar = ui_log_helpbar,
};

static void
ui_log_init(struct ui *ui)
{
	memset(&ui_lv, 0, sizeof ui_lv);
	ui_lv.n = ui->nlog;
	ui_lv.cursor = ui->nlog > 0 ? ui->nlog - 1 : 0;
	ui_list_clamp(&ui_lv, ui_body_rows(ui));
}

static void
ui_log_key(struct ui *ui, enum ui_op op, uint32_t key)
{
	(void)key;
	ui_lv.n = ui->nlog;
	if (ui_list_key(&ui_lv, op, ui_body_rows(ui)))
		return;
	if (op == UI_OP_EXIT || op == UI_OP_SELECT_ENTRY)
		ui_screen_pop(ui);
	else
		ui_error(ui, "%s", _("Key is not bound.  Press '?' for help."));
}

static void
ui_log_draw(struct ui *ui, int top, int rows)
{
	int i;

	ui_lv.n = ui->nlog;
	ui_list_clamp(&ui_lv, rows);
	if (ui->nlog == 0)
		ui_draw_text(top, 0, COLS, _("Nothing has happened yet."),
		    ui->color[UI_C_NORMAL]);
	for (i = 0; i < rows; i++) {
		size_t k = ui_lv.top + (size_t)i;
		const struct ui_log_entry *e;
		char when[16], *s;
		struct tm tm;
		attr_t a;

		if (k >= ui->nlog)
			break;
		e = &ui->log[(ui->logstart + k) % UI_LOG_MAX];
		localtime_r(&e->when, &tm);
		strftime(when, sizeof when, "%H:%M:%S", &tm);
		s = pt_xasprintf("%s %s", when, e->text);
		a = ui->color[e->error ? UI_C_ERROR : UI_C_NORMAL];
		if (k == ui_lv.cursor) {
			a = ui->color[UI_C_INDICATOR];
			ui->cur_y = top + i;
		}
		ui_draw_text(top + i, 0, COLS, s, a);
		free(s);
	}
	ui_draw_status(ui, _("-- Messages and errors --"));
}
