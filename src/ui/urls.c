/*
 * urls.c: the links in the message shown, one per line.  Enter copies
 * the chosen one to the terminal's clipboard (OSC 52, which tmux and
 * most terminals honour) and shows it whole on the message line, so it
 * can also be selected with the mouse.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"

#include "private.h"

static struct {
	char **v;
	size_t n;
	struct ui_list list;
} ui_ul;

static const enum ui_op ui_urls_helpbar[] = {UI_OP_EXIT, UI_OP_SELECT_ENTRY,
    UI_OP_HELP, UI_OP_NONE};

static void ui_urls_fini(struct ui *);
static void ui_urls_key(struct ui *, enum ui_op, uint32_t);
static void ui_urls_draw(struct ui *, int, int);
static void ui_urls_copy(struct ui *, const char *);

const struct ui_screen ui_urls_screen = {
    .name = "urls",
    .map = UI_MAP_GENERIC,
    .fini = ui_urls_fini,
    .key = ui_urls_key,
    .draw = ui_urls_draw,
    .helpbar = ui_urls_helpbar,
};

void
ui_urls_show(struct ui *ui, const char *text, size_t len)
{
	size_t off = 0, from[32], to[32], i, k;

	ui_urls_fini(ui);
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t l = nl != NULL ? (size_t)(nl - text) - off : len - off;

		size_t n =
		    ui_text_urls(text + off, l, from, to, PT_NELEM(from));
		for (i = 0; i < n; i++) {
			char *u =
			    pt_xstrndup(text + off + from[i], to[i] - from[i]);
			int dup = 0;

			for (k = 0; k < ui_ul.n && !dup; k++)
				dup = strcmp(ui_ul.v[k], u) == 0;
			if (dup) {
				free(u);
				continue;
			}
			ui_ul.v = pt_xreallocarray(ui_ul.v, ui_ul.n + 1,
			    sizeof *ui_ul.v);
			ui_ul.v[ui_ul.n++] = u;
		}
		off += l + 1;
	}
	if (ui_ul.n == 0) {
		ui_msg(ui, "%s", _("No links in this message."));
		return;
	}
	memset(&ui_ul.list, 0, sizeof ui_ul.list);
	ui_ul.list.n = ui_ul.n;
	ui_screen_push(ui, &ui_urls_screen);
}

static void
ui_urls_fini(struct ui *ui)
{
	size_t i;

	(void)ui;
	for (i = 0; i < ui_ul.n; i++)
		free(ui_ul.v[i]);
	free(ui_ul.v);
	ui_ul.v = NULL;
	ui_ul.n = 0;
}

/* OSC 52: "ESC ] 52 ; c ; base64 BEL". */
static void
ui_urls_copy(struct ui *ui, const char *s)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len = strlen(s), i;
	struct pt_buf b;

	pt_buf_init(&b, 0);
	pt_buf_addstr(&b, "\033]52;c;", NULL);
	for (i = 0; i < len; i += 3) {
		unsigned v = (unsigned)(unsigned char)s[i] << 16;

		if (i + 1 < len)
			v |= (unsigned)(unsigned char)s[i + 1] << 8;
		if (i + 2 < len)
			v |= (unsigned char)s[i + 2];
		pt_buf_addch(&b, b64[(v >> 18) & 63], NULL);
		pt_buf_addch(&b, b64[(v >> 12) & 63], NULL);
		pt_buf_addch(&b, i + 1 < len ? b64[(v >> 6) & 63] : '=', NULL);
		pt_buf_addch(&b, i + 2 < len ? b64[v & 63] : '=', NULL);
	}
	pt_buf_addch(&b, '\a', NULL);
	fwrite(b.data, 1, b.len, stdout);
	fflush(stdout);
	pt_buf_release(&b);
	ui_msg(ui, _("Copied: %s"), s);
}

static void
ui_urls_key(struct ui *ui, enum ui_op op, uint32_t key)
{
	(void)key;
	if (ui_list_key(&ui_ul.list, op, ui_body_rows(ui)))
		return;
	if (op == UI_OP_EXIT)
		ui_screen_pop(ui);
	else if (op == UI_OP_SELECT_ENTRY && ui_ul.n > 0)
		ui_urls_copy(ui, ui_ul.v[ui_ul.list.cursor]);
	else
		ui_error(ui, "%s", _("Key is not bound.  Press '?' for help."));
}

static void
ui_urls_draw(struct ui *ui, int top, int rows)
{
	int i;

	ui_list_clamp(&ui_ul.list, rows);
	for (i = 0; i < rows; i++) {
		size_t k = ui_ul.list.top + (size_t)i;
		char *s;
		if (k >= ui_ul.n)
			break;
		s = pt_xasprintf("%3zu %s", k + 1, ui_ul.v[k]);
		if (k == ui_ul.list.cursor)
			ui->cur_y = top + i;
		ui_draw_text(top + i, 0, COLS, s,
		    ui->color[k == ui_ul.list.cursor ? UI_C_INDICATOR
						     : UI_C_NORMAL]);
		free(s);
	}
	ui_draw_status(ui, _("-- Links: Enter copies to the clipboard --"));
}
