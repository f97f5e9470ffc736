/*
 * draw.c: the frame every screen shares: the help bar on the top line,
 * the status line above the bottom line, and the message line (or the
 * prompt) at the bottom.  Text reaches curses only through ui_draw_text,
 * which cuts and pads it to an exact number of columns (text.c), so a
 * wide character never spills into the next field.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "petrel/core.h"

#include "private.h"

void
ui_draw_text(int y, int x, int w, const char *s, attr_t attr)
{
	struct pt_buf b;

	if (w <= 0 || y < 0 || y >= LINES)
		return;
	pt_buf_init(&b, 0);
	ui_text_fit(&b, s, strlen(s), (size_t)w, (size_t)w, 0);
	attrset(attr);
	mvaddnstr(y, x, b.data, (int)b.len);
	attrset(A_NORMAL);
	pt_buf_release(&b);
}

void
ui_draw_fill(int y, int x, int w, attr_t attr)
{
	if (w <= 0 || y < 0 || y >= LINES)
		return;
	attrset(attr);
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

int
ui_body_top(const struct ui *ui)
{
	return cfg_get_bool(ui->cfg, "ui", "help") ? 1 : 0;
}

int
ui_body_rows(const struct ui *ui)
{
	int rows = LINES - ui_body_top(ui) - 2;

	return rows > 0 ? rows : 0;
}

/* Short names for the help bar, as mutt's "q:Quit  d:Del". */
static const char *
ui_draw_short(enum ui_op op)
{
	switch (op) {
	case UI_OP_QUIT:
		return _("Quit");
	case UI_OP_EXIT:
		return _("Exit");
	case UI_OP_DELETE:
		return _("Del");
	case UI_OP_UNDELETE:
		return _("Undel");
	case UI_OP_SAVE:
		return _("Save");
	case UI_OP_MAIL:
		return _("Mail");
	case UI_OP_REPLY:
		return _("Reply");
	case UI_OP_GROUP_REPLY:
		return _("Group");
	case UI_OP_CHANGE_FOLDER:
		return _("Folder");
	case UI_OP_HELP:
		return _("Help");
	case UI_OP_PREV_PAGE:
		return _("PrevPg");
	case UI_OP_NEXT_PAGE:
		return _("NextPg");
	case UI_OP_VIEW_ATTACH:
		return _("Attach");
	case UI_OP_SELECT_ENTRY:
		return _("Select");
	case UI_OP_SAVE_ATTACH:
		return _("Save");
	case UI_OP_OPEN_ATTACH:
		return _("Open");
	case UI_OP_SEND:
		return _("Send");
	case UI_OP_EDIT_MESSAGE:
		return _("Edit");
	case UI_OP_ATTACH_FILE:
		return _("Attach");
	case UI_OP_DETACH_FILE:
		return _("Detach");
	case UI_OP_EDIT_FROM:
		return _("From");
	case UI_OP_POSTPONE:
		return _("Postpone");
	default:
		return _(ui_ops[op].desc);
	}
}

void
ui_draw_helpbar(struct ui *ui, const struct ui_screen *s)
{
	struct pt_buf b;
	size_t i;

	if (!cfg_get_bool(ui->cfg, "ui", "help"))
		return;
	pt_buf_init(&b, 0);
	for (i = 0; s->helpbar != NULL && s->helpbar[i] != UI_OP_NONE; i++) {
		enum ui_op op = s->helpbar[i];
		char keys[64], *sp;

		ui_keymap_keys(&ui->km, s->map, op, keys, sizeof keys);
		if (keys[0] == '\0')
			continue;
		/* The first key is enough here. */
		if ((sp = strchr(keys, ' ')) != NULL)
			*sp = '\0';
		pt_buf_printf(&b, NULL, "%s%s:%s", b.len > 0 ? "  " : "", keys,
		    ui_draw_short(op));
	}
	ui_draw_text(0, 0, COLS, b.data, ui->color[UI_C_STATUS]);
	pt_buf_release(&b);
}

/* The status line: left text from the screen, progress at the right. */
void
ui_draw_status(struct ui *ui, const char *left)
{
	const struct ui_job *j = ui_job_progress(ui);
	struct pt_buf b;
	size_t lw, rw;

	pt_buf_init(&b, 0);
	if (j != NULL) {
		char keys[64], *sp;

		ui_keymap_keys(&ui->km, UI_MAP_GENERIC, UI_OP_CANCEL, keys,
		    sizeof keys);
		if ((sp = strchr(keys, ' ')) != NULL)
			*sp = '\0';
		if (j->total > 0 && j->unit == ENG_UNIT_BYTES)
			pt_buf_printf(&b, NULL, "%s %llu%% ", j->label,
			    (unsigned long long)(j->done * 100 / j->total));
		else if (j->total > 0)
			pt_buf_printf(&b, NULL, "%s %llu/%llu ", j->label,
			    (unsigned long long)j->done,
			    (unsigned long long)j->total);
		else
			pt_buf_printf(&b, NULL, "%s... ", j->label);
		if (keys[0] != '\0')
			pt_buf_printf(&b, NULL, _("(%s cancels) "), keys);
	}
	rw = ui_text_width(b.data, b.len);
	if (rw > (size_t)COLS / 2)
		rw = (size_t)COLS / 2;
	lw = (size_t)COLS - rw;
	ui_draw_text(LINES - 2, 0, (int)lw, left, ui->color[UI_C_STATUS]);
	ui_draw_text(LINES - 2, (int)lw, (int)rw, b.data,
	    ui->color[UI_C_STATUS]);
	pt_buf_release(&b);
}

void
ui_draw_msgline(struct ui *ui)
{
	if (ui->prompt != NULL) {
		ui_prompt_draw(ui);
		return;
	}
	ui_draw_text(LINES - 1, 0, COLS, ui->msg != NULL ? ui->msg : "",
	    ui->color[ui->msg_error ? UI_C_ERROR : UI_C_MESSAGE]);
}
