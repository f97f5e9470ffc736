/*
 * screens.c: the list of screens, the screen stack, and the scrolling
 * list the simple screens (folders, help, log, attachments, links)
 * share.  The index is always at the bottom of the stack; the pager,
 * help and the lists go on top of it and "exit" pops them.
 */
#include "config.h"

#include "petrel/core.h"

#include "private.h"

const struct ui_screen *const ui_screens[] = {&ui_index_screen,
    &ui_pager_screen, &ui_folders_screen, &ui_help_screen, &ui_log_screen,
    &ui_attach_screen, &ui_urls_screen, &ui_text_screen, &ui_recall_screen,
    &ui_compose_screen, NULL};

void
ui_screen_push(struct ui *ui, const struct ui_screen *s)
{
	if (ui->depth == UI_STACK_MAX)
		return;
	ui->stack[ui->depth++] = s;
	if (s->init != NULL)
		s->init(ui);
	ui->redraw = 1;
}

void
ui_screen_pop(struct ui *ui)
{
	const struct ui_screen *s;

	if (ui->depth == 0)
		return;
	s = ui->stack[--ui->depth];
	if (s->fini != NULL)
		s->fini(ui);
	ui->redraw = 1;
}

const struct ui_screen *
ui_screen_top(const struct ui *ui)
{
	return ui->depth > 0 ? ui->stack[ui->depth - 1] : &ui_index_screen;
}

int
ui_screen_open(const struct ui *ui, const struct ui_screen *s)
{
	int i;

	for (i = 0; i < ui->depth; i++) {
		if (ui->stack[i] == s)
			return 1;
	}
	return 0;
}

int
ui_list_scroll_key(struct ui_list *l, enum ui_op op, int rows)
{
	size_t h = rows > 0 ? (size_t)rows : 1;

	if (op == UI_OP_NEXT_ENTRY)
		op = UI_OP_NEXT_LINE;
	else if (op == UI_OP_PREV_ENTRY)
		op = UI_OP_PREV_LINE;
	switch (op) {
	case UI_OP_FIRST_ENTRY:
		l->top = 0;
		break;
	case UI_OP_LAST_ENTRY:
		l->top = l->n > h ? l->n - h : 0;
		break;
	case UI_OP_NEXT_PAGE:
	case UI_OP_PREV_PAGE:
	case UI_OP_NEXT_LINE:
	case UI_OP_PREV_LINE:
	case UI_OP_HALF_DOWN:
	case UI_OP_HALF_UP:
		(void)ui_list_key(l, op, rows);
		break;
	default:
		return 0;
	}
	l->cursor = l->top;
	return 1;
}

void
ui_list_clamp(struct ui_list *l, int rows)
{
	size_t h = rows > 0 ? (size_t)rows : 1;

	if (l->n == 0) {
		l->cursor = l->top = 0;
		return;
	}
	if (l->cursor >= l->n)
		l->cursor = l->n - 1;
	if (l->top > l->cursor)
		l->top = l->cursor;
	if (l->cursor >= l->top + h)
		l->top = l->cursor - h + 1;
	if (l->n >= h && l->top > l->n - h)
		l->top = l->n - h;
}

int
ui_list_key(struct ui_list *l, enum ui_op op, int rows)
{
	size_t h = rows > 0 ? (size_t)rows : 1;

	switch (op) {
	case UI_OP_NEXT_ENTRY:
		if (l->cursor + 1 < l->n)
			l->cursor++;
		break;
	case UI_OP_PREV_ENTRY:
		if (l->cursor > 0)
			l->cursor--;
		break;
	case UI_OP_FIRST_ENTRY:
		l->cursor = 0;
		break;
	case UI_OP_LAST_ENTRY:
		l->cursor = l->n > 0 ? l->n - 1 : 0;
		break;
	case UI_OP_NEXT_PAGE:
		l->top += h;
		l->cursor += h;
		if (l->top >= l->n)
			l->top = l->n > h ? l->n - h : 0;
		break;
	case UI_OP_PREV_PAGE:
		l->top = l->top > h ? l->top - h : 0;
		l->cursor = l->cursor > h ? l->cursor - h : 0;
		break;
	case UI_OP_HALF_DOWN:
		l->top += h / 2;
		l->cursor += h / 2;
		break;
	case UI_OP_HALF_UP:
		l->top = l->top > h / 2 ? l->top - h / 2 : 0;
		l->cursor = l->cursor > h / 2 ? l->cursor - h / 2 : 0;
		break;
	case UI_OP_TOP_PAGE:
		l->cursor = l->top;
		break;
	case UI_OP_MIDDLE_PAGE:
		l->cursor = l->top + (h - 1) / 2;
		break;
	case UI_OP_BOTTOM_PAGE:
		l->cursor = l->top + h - 1;
		break;
	case UI_OP_NEXT_LINE:
		if (l->top + h < l->n)
			l->top++;
		if (l->cursor < l->top)
			l->cursor = l->top;
		break;
	case UI_OP_PREV_LINE:
		if (l->top > 0)
			l->top--;
		if (l->cursor >= l->top + h)
			l->cursor = l->top + h - 1;
		break;
	default:
		return 0;
	}
	ui_list_clamp(l, rows);
	return 1;
}
