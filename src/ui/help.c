/*
 * help.c: the help screen, generated from the live keymap: every
 * function of the screen it was called from with its keys (as rebound
 * by the configuration), then the functions without a key, then the
 * keys of the line editor.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"

#include "private.h"

static struct {
	char **v;
	size_t n;
	struct ui_list list;
	const struct ui_screen *of;
} ui_hp;

static const enum ui_op ui_help_helpbar[] = {UI_OP_EXIT, UI_OP_PREV_PAGE,
    UI_OP_NEXT_PAGE, UI_OP_NONE};

static void ui_help_fini(struct ui *);
static void ui_help_key(struct ui *, enum ui_op, uint32_t);
static void ui_help_draw(struct ui *, int, int);
static void ui_help_add(const char *, ...) PT_PRINTF(1, 2);
static void ui_help_line(const char *, const char *, const char *);

const struct ui_screen ui_help_screen = {
    .name = "help",
    .map = UI_MAP_GENERIC,
    .fini = ui_help_fini,
    .key = ui_help_key,
    .draw = ui_help_draw,
    .helpbar = ui_help_helpbar,
};

static void
ui_help_add(const char *fmt, ...)
{
	va_list ap;

	ui_hp.v = pt_xreallocarray(ui_hp.v, ui_hp.n + 1, sizeof *ui_hp.v);
	va_start(ap, fmt);
	ui_hp.v[ui_hp.n++] = pt_xvasprintf(fmt, ap);
	va_end(ap);
}

/*
 * "keys  function  what it does" in columns counted in screen cells;
 * keys too long for their column get a line of their own.
 */
static void
ui_help_line(const char *keys, const char *fn, const char *what)
{
	struct pt_buf b;

	pt_buf_init(&b, 0);
	if (ui_text_width(keys, strlen(keys)) > 18) {
		ui_help_add("%s", keys);
		keys = "";
	}
	ui_text_fit(&b, keys, strlen(keys), 19, 19, 0);
	if (*fn != '\0')
		ui_text_fit(&b, fn, strlen(fn), 25, 25, 0);
	pt_buf_printf(&b, NULL, " %s", what);
	ui_help_add("%s", b.data);
	pt_buf_release(&b);
}

void
ui_help_for(struct ui *ui, const struct ui_screen *s)
{
	static const struct {
		const char *keys, *what;
	} editor[] = {
	    {"^A <Home>", N_("go to the start of the line")},
	    {"^E <End>", N_("go to the end of the line")},
	    {"^B <Left>", N_("move back one character")},
	    {"^F <Right>", N_("move forward one character")},
	    {"^D <Delete>", N_("delete the character under the cursor")},
	    {"<Backspace> ^H", N_("delete the character before the cursor")},
	    {"^K", N_("delete to the end of the line")},
	    {"^U", N_("delete the whole line")},
	    {"^W", N_("delete the word before the cursor")},
	    {"<Up> <Down> ^P ^N", N_("recall earlier answers")},
	    {"<Tab>", N_("complete a folder name")},
	    {"<Enter>", N_("accept")},
	    {"^G <Esc>", N_("cancel")},
	};
	char keys[128];
	size_t i;
	int any = 0, pass;

	if (s == &ui_help_screen)
		return;
	ui_help_fini(ui);
	ui_hp.of = s;
	ui_help_add(_("Keys of the %s screen"), s->name);
	ui_help_add("%s", "");
	/* The screen's own functions first, then the generic ones. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 1; i < UI_OP_COUNT; i++) {
			if (!ui_op_in_map((enum ui_op)i, s->map) ||
			    ui_op_own((enum ui_op)i, s->map) != (pass == 0))
				continue;
			ui_keymap_keys(&ui->km, s->map, (enum ui_op)i, keys,
			    sizeof keys);
			if (keys[0] == '\0')
				continue;
			ui_help_line(keys, ui_ops[i].name, _(ui_ops[i].desc));
		}
	}
	for (i = 1; i < UI_OP_COUNT; i++) {
		if (!ui_op_in_map((enum ui_op)i, s->map))
			continue;
		ui_keymap_keys(&ui->km, s->map, (enum ui_op)i, keys,
		    sizeof keys);
		if (keys[0] != '\0')
			continue;
		if (!any) {
			ui_help_add("%s", "");
			ui_help_add("%s", _("Functions without a key:"));
			ui_help_add("%s", "");
			any = 1;
		}
		ui_help_line("", ui_ops[i].name, _(ui_ops[i].desc));
	}
	ui_help_add("%s", "");
	ui_help_add("%s", _("Editing an answer at the bottom line:"));
	ui_help_add("%s", "");
	for (i = 0; i < PT_NELEM(editor); i++)
		ui_help_line(editor[i].keys, "", _(editor[i].what));
	ui_help_add("%s", "");
	ui_help_add("%s", _("Keys can be rebound in the [keys] section of "
			    "the configuration: see petrelrc(5)."));
	memset(&ui_hp.list, 0, sizeof ui_hp.list);
	ui_hp.list.n = ui_hp.n;
	ui_screen_push(ui, &ui_help_screen);
}

static void
ui_help_fini(struct ui *ui)
{
	size_t i;

	(void)ui;
	for (i = 0; i < ui_hp.n; i++)
		free(ui_hp.v[i]);
	free(ui_hp.v);
	ui_hp.v = NULL;
	ui_hp.n = 0;
}

static void
ui_help_key(struct ui *ui, enum ui_op op, uint32_t key)
{
	int rows = ui_body_rows(ui);

	(void)key;
	if (ui_list_scroll_key(&ui_hp.list, op, rows))
		return;
	if (op == UI_OP_EXIT || op == UI_OP_SELECT_ENTRY)
		ui_screen_pop(ui);
}

static void
ui_help_draw(struct ui *ui, int top, int rows)
{
	char *s;
	int i;

	for (i = 0; i < rows; i++) {
		size_t k = ui_hp.list.top + (size_t)i;

		if (k >= ui_hp.n)
			break;
		ui_draw_text(top + i, 0, COLS, ui_hp.v[k],
		    ui->color[k == 0 ? UI_C_HEADER : UI_C_NORMAL]);
	}
	s = pt_xasprintf(_("-- Help: %s -- (%zu/%zu)"),
	    ui_hp.of != NULL ? ui_hp.of->name : "", ui_hp.list.top + 1,
	    ui_hp.n);
	ui_draw_status(ui, s);
	free(s);
}
