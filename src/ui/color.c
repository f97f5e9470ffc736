/*
 * color.c: the look of each screen element.  Every element has
 * attributes (kept on any terminal) and optional colours (only when the
 * terminal has them, ui.color is on and NO_COLOR is unset).  The
 * defaults use the terminal's own foreground and background plus a few
 * colours that read on both dark and light backgrounds; [colors] in the
 * configuration overrides them per element.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "petrel/config.h"
#include "petrel/core.h"

#include "private.h"

static const char *const ui_color_names[UI_C_COUNT] = {
    [UI_C_NORMAL] = "normal",
    [UI_C_INDICATOR] = "indicator",
    [UI_C_STATUS] = "status",
    [UI_C_MESSAGE] = "message",
    [UI_C_ERROR] = "error",
    [UI_C_PROMPT] = "prompt",
    [UI_C_TREE] = "tree",
    [UI_C_INDEX_NEW] = "index_new",
    [UI_C_INDEX_FLAGGED] = "index_flagged",
    [UI_C_INDEX_DELETED] = "index_deleted",
    [UI_C_INDEX_TAGGED] = "index_tagged",
    [UI_C_HEADER] = "header",
    [UI_C_QUOTED] = "quoted",
    [UI_C_QUOTED2] = "quoted2",
    [UI_C_QUOTED3] = "quoted3",
    [UI_C_SIGNATURE] = "signature",
    [UI_C_URL] = "url",
    [UI_C_SEARCH] = "search",
    [UI_C_ATTACHMENT] = "attachment",
    [UI_C_MARKERS] = "markers",
    [UI_C_SIDEBAR_NEW] = "sidebar_new",
    [UI_C_SIDEBAR_INDICATOR] = "sidebar_indicator",
};

static const struct {
	const char *name;
	attr_t attr;
} ui_attr_names[] = {
    {"none", A_NORMAL},
    {"normal", A_NORMAL},
    {"bold", A_BOLD},
    {"underline", A_UNDERLINE},
    {"reverse", A_REVERSE},
    {"standout", A_STANDOUT},
    {"dim", A_DIM},
    {"italic", A_ITALIC},
    {"blink", A_BLINK},
};

static const char *const ui_color_words[] = {"black", "red", "green", "yellow",
    "blue", "magenta", "cyan", "white"};

static int ui_color_word(const char *, short *);

const char *
ui_color_name(enum ui_color c)
{
	return ui_color_names[c];
}

/* A colour name: -1 for "default", 0..255, or -2 when unknown. */
static int
ui_color_word(const char *w, short *out)
{
	size_t i;
	int bright = 0;

	if (strcasecmp(w, "default") == 0) {
		*out = -1;
		return 0;
	}
	if (strncasecmp(w, "color", 5) == 0 && w[5] != '\0') {
		char *end;
		long n = strtol(w + 5, &end, 10);
		if (*end != '\0' || n < 0 || n > 255)
			return -1;
		*out = (short)n;
		return 0;
	}
	if (strncasecmp(w, "bright", 6) == 0) {
		bright = 8;
		w += 6;
	}
	for (i = 0; i < PT_NELEM(ui_color_words); i++) {
		if (strcasecmp(w, ui_color_words[i]) == 0) {
			*out = (short)(i + (size_t)bright);
			return 0;
		}
	}
	return -1;
}

/*
 * "bold red default": attributes, then the foreground, then the
 * background.  With colours off (or no pair), only the attributes.
 * pair is the colour pair this element may use.
 */
int
ui_color_parse(const char *value, int colors, short pair, attr_t *out,
    struct pt_error *err)
{
	char buf[256], *w, *save = NULL;
	short fg = -1, bg = -1, c;
	attr_t attr = A_NORMAL;
	int ncolors = 0;
	size_t i;

	pt_strlcpy(buf, value != NULL ? value : "", sizeof buf);
	for (w = strtok_r(buf, " \t,", &save); w != NULL;
	     w = strtok_r(NULL, " \t,", &save)) {
		int found = 0;

		for (i = 0; i < PT_NELEM(ui_attr_names); i++) {
			if (strcasecmp(w, ui_attr_names[i].name) == 0) {
				attr |= ui_attr_names[i].attr;
				found = 1;
			}
		}
		if (found)
			continue;
		if (ui_color_word(w, &c) != 0 || ncolors == 2)
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("'%s' is not an attribute or a colour (try "
			      "\"bold red default\")"),
			    w);
		if (ncolors++ == 0)
			fg = c;
		else
			bg = c;
	}
	if (colors && ncolors > 0 && pair > 0 && pair < COLOR_PAIRS &&
	    fg < COLORS && bg < COLORS) {
		init_pair(pair, fg, bg);
		attr |= COLOR_PAIR(pair);
	}
	*out = attr;
	return 0;
}

void
ui_color_init(struct ui *ui)
{
	const char *nc = getenv("NO_COLOR");
	struct pt_error err;
	int colors;
	size_t i;

	colors = has_colors() && cfg_get_bool(ui->cfg, "ui", "color") &&
		 (nc == NULL || *nc == '\0');
	if (colors && start_color() == OK)
		use_default_colors();
	else
		colors = 0;
	for (i = 0; i < UI_C_COUNT; i++) {
		const char *v = cfg_get(ui->cfg, "colors", ui_color_names[i]);

		pt_error_init(&err);
		if (ui_color_parse(v, colors, (short)(i + 1), &ui->color[i],
			&err) != 0) {
			ui_error(ui, _("[colors] %s: %s"), ui_color_names[i],
			    err.msg);
			ui->color[i] = A_NORMAL;
		}
	}
}
