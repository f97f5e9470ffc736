/*
 * pager.c: reading a message.  The engine fetches it (from the body
 * cache or the server, marking it read; msgget.c); a message over
 * 256 KiB is read from its structure instead: the
 * engine sends the structure with every part's header and the small
 * bodies, the renderer says which other parts it needs (the text, not
 * the attachments), and only those are fetched, so the text of a mail
 * with a 30 MB attachment shows after a few KB.  A structure that cannot
 * be used falls back to the whole message.  The mime module renders it to
 * wrapped, sanitized text; the pager adds the configured headers (or
 * every header, or the raw source), colours quoted text by depth, the
 * signature, attachment notes and links, and searches within it.  j/k
 * and the other index moves go to the next message without leaving.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/mime.h"
#include "petrel/ui.h"

#include "private.h"

enum ui_pline_kind {
	UI_PL_HEADER,
	UI_PL_BODY,
	UI_PL_QUOTED,
	UI_PL_SIG,
	UI_PL_NOTE
};

struct ui_pline {
	size_t off, len;
	uint8_t kind;
	uint8_t depth; /* quote depth */
};

/* What is on screen: a line, or a marker for hidden quoted lines. */
struct ui_pshown {
	size_t line;
	size_t hidden; /* > 0: a marker standing for that many lines */
};

static struct ui_pager {
	uint32_t uid;
	int have; /* the message (or its structure) arrived */
	/* The message, or its structure and the parts fetched. */
	struct ui_msgget mg;
	char *text;
	size_t textlen;
	struct ui_pline *lines;
	size_t nlines, caplines;
	struct ui_pshown *shown;
	size_t nshown;
	size_t body; /* first body line */
	size_t top;
	size_t found; /* the last search match */
	int width;
	int full_headers, raw, hide_quoted, highlight;
	char *search;
	char *error;
	enum ui_op then;
} ui_pg;

static const enum ui_op ui_pager_helpbar[] = {UI_OP_EXIT, UI_OP_PREV_PAGE,
    UI_OP_NEXT_PAGE, UI_OP_VIEW_ATTACH, UI_OP_DELETE, UI_OP_REPLY,
    UI_OP_GROUP_REPLY, UI_OP_HELP, UI_OP_NONE};

static void ui_pager_init(struct ui *);
static void ui_pager_fini(struct ui *);
static void ui_pager_key(struct ui *, enum ui_op, uint32_t);
static void ui_pager_draw(struct ui *, int, int);
static void ui_pager_event(struct ui *, const struct eng_event *);
static void ui_pager_reset(void);
static void ui_pager_got(struct ui *, struct ui_msgget *,
    const struct pt_error *, void *);
static void ui_pager_render(struct ui *, int);
static void ui_pager_headers(struct ui *, const struct mime_msg *,
    struct pt_buf *, unsigned);
static void ui_pager_lines(void);
static void ui_pager_layout(void);
static void ui_pager_then(struct ui *, enum ui_op);
static void ui_pager_search(struct ui *, int, int);
static void ui_pager_search_answer(struct ui *, int, const char *, void *);
static void ui_pager_draw_line(struct ui *, int, int, size_t);
static void ui_pager_status(struct ui *, int);

const struct ui_screen ui_pager_screen = {
    .name = "pager",
    .map = UI_MAP_PAGER,
    .init = ui_pager_init,
    .fini = ui_pager_fini,
    .key = ui_pager_key,
    .draw = ui_pager_draw,
    .event = ui_pager_event,
    .helpbar = ui_pager_helpbar,
};

static void
ui_pager_reset(void)
{
	free(ui_pg.text);
	free(ui_pg.lines);
	free(ui_pg.shown);
	free(ui_pg.error);
	ui_msgget_release(&ui_pg.mg);
	ui_pg.text = ui_pg.error = NULL;
	ui_pg.lines = NULL;
	ui_pg.shown = NULL;
	ui_pg.nlines = ui_pg.caplines = ui_pg.nshown = 0;
	ui_pg.textlen = 0;
	ui_pg.have = 0;
	ui_pg.top = ui_pg.body = ui_pg.found = 0;
	ui_pg.width = 0;
}

void
ui_pager_rerender(void)
{
	if (ui_pg.have)
		ui_pg.width = 0;
}

static void
ui_pager_init(struct ui *ui)
{
	(void)ui;
	ui_pg.full_headers = ui_pg.raw = ui_pg.hide_quoted = 0;
	ui_pg.highlight = 1;
	ui_pg.then = UI_OP_NONE;
}

static void
ui_pager_fini(struct ui *ui)
{
	ui_msgget_cancel(ui, &ui_pg.mg);
	ui_pager_reset();
	free(ui_pg.search);
	ui_pg.search = NULL;
}

void
ui_pager_show(struct ui *ui, uint32_t uid)
{
	if (ui_screen_top(ui) != &ui_pager_screen) {
		while (ui->depth > 1)
			ui_screen_pop(ui);
		ui_screen_push(ui, &ui_pager_screen);
	}
	ui_msgget_cancel(ui, &ui_pg.mg);
	ui_pager_reset();
	ui_pg.uid = uid;
	ui_pg.full_headers = ui_pg.raw = 0;
	ui_msgget_start(ui, &ui_pg.mg, uid, 1, 0, ui_pager_got, NULL);
}

/* The message or a part of it came (show it), or it failed. */
static void
ui_pager_got(struct ui *ui, struct ui_msgget *g, const struct pt_error *err,
    void *arg)
{
	(void)g;
	(void)arg;
	if (err != NULL) {
		free(ui_pg.error);
		ui_pg.error = pt_xstrdup(err->msg);
		if (ui_pg.have)
			ui_error(ui, "%s", err->msg);
		return;
	}
	ui_pg.have = 1;
	ui_pager_render(ui, 1);
	if (ui_pg.then != UI_OP_NONE && ui_pg.mg.part_job == 0) {
		enum ui_op op = ui_pg.then;

		ui_pg.then = UI_OP_NONE;
		ui_pager_then(ui, op);
	}
}

static void
ui_pager_event(struct ui *ui, const struct eng_event *ev)
{
	size_t i;

	if (ev->kind != ENG_EV_EXPUNGED || ev->folder == NULL ||
	    !ui->folder.open || strcmp(ev->folder, ui->folder.name) != 0)
		return;
	for (i = 0; i < ev->u.uids.n; i++) {
		if (ev->u.uids.v[i] == ui_pg.uid)
			ui_msg(ui, "%s",
			    _("This message was removed from the folder."));
	}
}

/* The configured headers (or all of them), decoded and wrapped. */
static void
ui_pager_headers(struct ui *ui, const struct mime_msg *m, struct pt_buf *out,
    unsigned width)
{
	static const char *const addr[] = {"from", "to", "cc", "bcc",
	    "reply-to", "sender", "mail-followup-to", "resent-from",
	    "resent-to", NULL};
	const struct mime_part *root = mime_msg_root(m);
	const char *want = cfg_get(ui->cfg, "ui", "pager_headers");
	char name[128], *v, *line, *san, *note;
	const char *raw;
	struct pt_buf b;
	const char *p, *e;
	size_t len, i;
	int isaddr;

	pt_buf_init(&b, 0);
	if (ui_pg.full_headers) {
		/* Every field as it came, control characters made visible. */
		const char *d = ui_pg.mg.data, *end = NULL;
		size_t n = ui_pg.mg.len;

		if (ui_pg.mg.st != NULL) {
			d = ui_pg.mg.st->v[0].header != NULL
				? ui_pg.mg.st->v[0].header
				: "";
			n = ui_pg.mg.st->v[0].headerlen;
		}
		for (i = 0; i + 1 < n; i++) {
			if (d[i] == '\n' &&
			    (d[i + 1] == '\n' ||
				(d[i + 1] == '\r' && i + 2 < n &&
				    d[i + 2] == '\n'))) {
				end = d + i + 1;
				break;
			}
		}
		len = end != NULL ? (size_t)(end - d) : n;
		pt_sanitize(&b, d, len, PT_SAN_NEWLINES | PT_SAN_TABS, NULL);
		mime_wrap(out, b.data, b.len, width, "    ", NULL);
		pt_buf_release(&b);
		return;
	}
	for (p = want; p != NULL && *p != '\0'; p = e) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ' ' && *e != ','; e++)
			;
		if ((size_t)(e - p) >= sizeof name)
			continue;
		memcpy(name, p, (size_t)(e - p));
		name[e - p] = '\0';
		if ((raw = mime_part_header(root, name, &len)) == NULL)
			continue;
		for (isaddr = 0, i = 0; addr[i] != NULL; i++)
			if (strcasecmp(addr[i], name) == 0)
				isaddr = 1;
		v = isaddr ? mime_address_decode(raw, len)
			   : mime_header_decode(raw, len);
		note = isaddr && strcasecmp(name, "from") == 0
			   ? mime_lookalike(v)
			   : NULL;
		if (note != NULL)
			line =
			    pt_xasprintf("%s: %s\n[-- %s --]", name, v, note);
		else
			line = pt_xasprintf("%s: %s", name, v);
		free(note);
		pt_buf_reset(&b);
		(void)pt_sanitize(&b, line, strlen(line), PT_SAN_NEWLINES,
		    NULL);
		san = pt_buf_detach(&b, NULL);
		pt_buf_reset(&b);
		mime_wrap(&b, san, strlen(san), width, "    ", NULL);
		pt_buf_add(out, b.data, b.len, NULL);
		if (b.len > 0 && b.data[b.len - 1] != '\n')
			pt_buf_addch(out, '\n', NULL);
		free(v);
		free(line);
		free(san);
	}
	pt_buf_release(&b);
}

/* Splits the text into lines and classifies them. */
static void
ui_pager_lines(void)
{
	size_t off = 0, i;
	int sig = 0, in_body = 0;

	ui_pg.nlines = 0;
	ui_pg.body = 0;
	while (off < ui_pg.textlen) {
		const char *s = ui_pg.text + off;
		const char *nl = memchr(s, '\n', ui_pg.textlen - off);
		size_t len =
		    nl != NULL ? (size_t)(nl - s) : ui_pg.textlen - off;
		struct ui_pline *l;

		if (ui_pg.nlines == ui_pg.caplines) {
			ui_pg.caplines =
			    ui_pg.caplines == 0 ? 256 : ui_pg.caplines * 2;
			ui_pg.lines = pt_xreallocarray(ui_pg.lines,
			    ui_pg.caplines, sizeof *ui_pg.lines);
		}
		l = &ui_pg.lines[ui_pg.nlines++];
		l->off = off;
		l->len = len;
		l->depth = 0;
		if (!in_body) {
			l->kind = UI_PL_HEADER;
			if (len == 0 && !ui_pg.raw) {
				in_body = 1;
				ui_pg.body = ui_pg.nlines;
			}
		} else if (len >= 4 && strncmp(s, "[-- ", 4) == 0) {
			l->kind = UI_PL_NOTE;
			sig = 0;
		} else if ((len == 2 && strncmp(s, "--", 2) == 0) ||
			   (len == 3 && strncmp(s, "-- ", 3) == 0) || sig) {
			l->kind = UI_PL_SIG;
			sig = 1;
		} else {
			unsigned d = 0;

			for (i = 0; i < len && (s[i] == '>' || s[i] == ' ');
			     i++)
				if (s[i] == '>')
					d++;
			l->kind = d > 0 ? UI_PL_QUOTED : UI_PL_BODY;
			l->depth = (uint8_t)(d > 255 ? 255 : d);
		}
		off += len + 1;
	}
	if (ui_pg.raw)
		ui_pg.body = 0;
	ui_pager_layout();
}

/* Which lines show: all, or quoted runs folded into one marker. */
static void
ui_pager_layout(void)
{
	size_t i = 0;

	free(ui_pg.shown);
	ui_pg.shown =
	    pt_xreallocarray(NULL, ui_pg.nlines + 1, sizeof *ui_pg.shown);
	ui_pg.nshown = 0;
	while (i < ui_pg.nlines) {
		struct ui_pshown *s = &ui_pg.shown[ui_pg.nshown++];

		s->line = i;
		s->hidden = 0;
		if (ui_pg.hide_quoted && ui_pg.lines[i].kind == UI_PL_QUOTED) {
			while (i < ui_pg.nlines &&
			       ui_pg.lines[i].kind == UI_PL_QUOTED) {
				s->hidden++;
				i++;
			}
			continue;
		}
		i++;
	}
	if (ui_pg.top >= ui_pg.nshown)
		ui_pg.top = ui_pg.nshown > 0 ? ui_pg.nshown - 1 : 0;
}

static void
ui_pager_render(struct ui *ui, int keep)
{
	struct mime_render_opts opts;
	struct pt_buf out;
	struct pt_error err;
	struct mime_msg *m;
	char *body;
	size_t blen, old = ui_pg.nshown, oldtop = ui_pg.top;
	int w = ui->sidebar ? COLS - ui_sidebar_width(ui) : COLS;

	if (!ui_pg.have)
		return;
	if (w > 1)
		w--; /* a column for the '+' of long raw lines */
	ui_pg.width = COLS;
	free(ui_pg.text);
	ui_pg.text = NULL;
	pt_buf_init(&out, 0);
	pt_error_init(&err);
	m = NULL;
	if (!ui_pg.raw)
		m = ui_msgget_parse(&ui_pg.mg, &err);
	if (ui_pg.raw) {
		struct pt_buf san;

		pt_buf_init(&san, 0);
		pt_sanitize(&san, ui_pg.mg.data, ui_pg.mg.len,
		    PT_SAN_NEWLINES | PT_SAN_TABS, NULL);
		mime_wrap(&out, san.data, san.len, (unsigned)w, "", NULL);
		pt_buf_release(&san);
	} else if (m == NULL && ui_pg.mg.st == NULL) {
		/* Too big to parse: show it raw, with the reason. */
		memset(&opts, 0, sizeof opts);
		opts.width = (unsigned)w;
		body = mime_render(ui_pg.mg.data, ui_pg.mg.len, &opts, &blen,
		    NULL);
		pt_buf_add(&out, body, blen, NULL);
		free(body);
		ui_msg(ui, "%s", err.msg);
	} else if (m == NULL) {
		/* The structure cannot be shown: the whole message then. */
		pt_buf_release(&out);
		pt_warn("pager: %s; fetching the whole message", err.msg);
		ui_pg.have = 0;
		ui_msgget_whole(ui, &ui_pg.mg);
		return;
	} else {
		struct mime_missing ms = {NULL, 0};

		memset(&opts, 0, sizeof opts);
		opts.width = (unsigned)w;
		opts.prefer_html = cfg_get_bool(ui->cfg, "ui", "prefer_html");
		if (cfg_get_bool(ui->cfg, "ui", "html_mailcap")) {
			opts.html_filter = ui_mailcap_html_async;
			opts.html_filter_arg = ui;
		}
		if (ui_pg.mg.st != NULL)
			opts.missing = &ms;
		/* The pager shows the configured headers, not the renderer's.
		 */
		opts.no_headers = 1;
		ui_pager_headers(ui, m, &out, (unsigned)w);
		pt_buf_addch(&out, '\n', NULL);
		body = mime_render_msg(m, &opts, &blen);
		pt_buf_add(&out, body, blen, NULL);
		free(body);
		mime_msg_free(&m);
		/* Parts the text needs and that were not fetched yet. */
		(void)ui_msgget_more(ui, &ui_pg.mg, &ms);
	}
	ui_pg.text = pt_buf_detach(&out, &ui_pg.textlen);
	ui_pager_lines();
	ui_pg.top = 0;
	if (keep && old > 0)
		ui_pg.top = oldtop * ui_pg.nshown / old;
	ui_pager_layout();
}

/* Functions the index asked for before the message arrived. */
static void
ui_pager_then(struct ui *ui, enum ui_op op)
{
	switch (op) {
	case UI_OP_VIEW_ATTACH:
		ui_attach_show(ui, ui_pg.mg.data, ui_pg.mg.len, ui_pg.mg.st,
		    ui_pg.uid);
		break;
	case UI_OP_VIEW_URLS:
		ui_urls_show(ui, ui_pg.text, ui_pg.textlen);
		break;
	case UI_OP_DISPLAY_HEADERS:
		ui_pg.full_headers = !ui_pg.full_headers;
		ui_pg.raw = 0;
		ui_pager_render(ui, 0);
		break;
	case UI_OP_VIEW_RAW:
		ui_pg.raw = !ui_pg.raw;
		if (ui_pg.raw && ui_pg.mg.st != NULL) {
			/* The source is the whole message: fetch it now. */
			ui_pg.have = 0;
			ui_msgget_whole(ui, &ui_pg.mg);
			break;
		}
		ui_pager_render(ui, 0);
		break;
	default:
		break;
	}
}

static void
ui_pager_search(struct ui *ui, int dir, int from_next)
{
	size_t i, n = ui_pg.nshown, base;
	int rows = ui_body_rows(ui) > 0 ? ui_body_rows(ui) : 1;

	if (ui_pg.search == NULL || *ui_pg.search == '\0') {
		ui_error(ui, "%s", _("No search pattern."));
		return;
	}
	/* A new search starts at the top line, "n" after the last match. */
	base = from_next ? ui_pg.found : ui_pg.top;
	for (i = from_next ? 1 : 0; i <= n && n > 0; i++) {
		size_t k = (base + n * 2 + (dir > 0 ? i : n * 2 - i)) % n;
		const struct ui_pline *l;
		char *s;
		int hit;

		if (i == n && !from_next)
			break;
		if (ui_pg.shown[k].hidden > 0)
			continue;
		l = &ui_pg.lines[ui_pg.shown[k].line];
		s = pt_xstrndup(ui_pg.text + l->off, l->len);
		hit = ui_text_contains(s, ui_pg.search);
		free(s);
		if (!hit)
			continue;
		if (from_next &&
		    ((dir > 0 && k <= base) || (dir < 0 && k >= base)))
			ui_msg(ui, "%s",
			    dir > 0 ? _("Search wrapped to top.")
				    : _("Search wrapped to bottom."));
		/* Scroll only when the match is off the screen. */
		if (k < ui_pg.top || k >= ui_pg.top + (size_t)rows)
			ui_pg.top = k;
		ui_pg.found = k;
		ui_pg.highlight = 1;
		return;
	}
	ui_error(ui, "%s", _("Not found."));
}

/* The callback type fixes arg's type. */
static void
/* cppcheck-suppress constParameter */
ui_pager_search_answer(struct ui *ui, int answer, const char *text, void *arg)
{
	int dir = arg != NULL ? -1 : 1;

	if (answer != 1 || text == NULL || *text == '\0')
		return;
	free(ui_pg.search);
	ui_pg.search = pt_xstrdup(text);
	ui->search_dir = dir;
	ui_pager_search(ui, dir, 0);
}

static void
ui_pager_key(struct ui *ui, enum ui_op op, uint32_t key)
{
	size_t h = (size_t)(ui_body_rows(ui) > 0 ? ui_body_rows(ui) : 1);
	size_t last = ui_pg.nshown > h ? ui_pg.nshown - h : 0;
	size_t i;

	switch (op) {
	case UI_OP_NONE:
		ui_error(ui, "%s", _("Key is not bound.  Press '?' for help."));
		return;
	case UI_OP_EXIT:
		ui_screen_pop(ui);
		return;
	case UI_OP_NEXT_LINE:
		if (ui_pg.top < last)
			ui_pg.top++;
		return;
	case UI_OP_PREV_LINE:
		if (ui_pg.top > 0)
			ui_pg.top--;
		return;
	case UI_OP_NEXT_PAGE:
		if (ui_pg.top >= last) {
			/* At the end: on to the next message, like mutt. */
			if (ui_index_step(ui, UI_OP_NEXT_UNDELETED) == 0)
				ui_pager_show(ui,
				    ui_view_cursor_msg(&ui->folder.view)->uid);
			else
				ui_error(ui, "%s",
				    _("You are on the last message."));
			return;
		}
		ui_pg.top = ui_pg.top + h - 1 > last ? last : ui_pg.top + h - 1;
		return;
	case UI_OP_PREV_PAGE:
		if (ui_pg.top == 0) {
			ui_error(ui, "%s", _("Top of message is shown."));
			return;
		}
		ui_pg.top = ui_pg.top > h - 1 ? ui_pg.top - (h - 1) : 0;
		return;
	case UI_OP_HALF_DOWN:
		ui_pg.top = ui_pg.top + h / 2 > last ? last : ui_pg.top + h / 2;
		return;
	case UI_OP_HALF_UP:
		ui_pg.top = ui_pg.top > h / 2 ? ui_pg.top - h / 2 : 0;
		return;
	case UI_OP_PAGER_TOP:
		ui_pg.top = 0;
		return;
	case UI_OP_PAGER_BOTTOM:
		ui_pg.top = last;
		return;
	case UI_OP_SKIP_HEADERS:
		for (i = 0; i < ui_pg.nshown; i++) {
			if (ui_pg.shown[i].line >= ui_pg.body) {
				ui_pg.top = i;
				break;
			}
		}
		return;
	case UI_OP_SKIP_QUOTED:
		/* Past the next run of quoted lines. */
		for (i = ui_pg.top;
		     i < ui_pg.nshown &&
		     ui_pg.lines[ui_pg.shown[i].line].kind != UI_PL_QUOTED;
		     i++)
			;
		for (; i < ui_pg.nshown &&
		       ui_pg.lines[ui_pg.shown[i].line].kind == UI_PL_QUOTED &&
		       ui_pg.shown[i].hidden == 0;
		     i++)
			;
		if (i >= ui_pg.nshown)
			ui_error(ui, "%s", _("No more quoted text."));
		else
			ui_pg.top = i;
		return;
	case UI_OP_HIDE_QUOTED:
		ui_pg.hide_quoted = !ui_pg.hide_quoted;
		ui_pager_layout();
		return;
	case UI_OP_SEARCH:
	case UI_OP_SEARCH_REVERSE:
		ui_prompt_line(ui,
		    op == UI_OP_SEARCH ? _("Search for:")
				       : _("Reverse search for:"),
		    "", &ui->hist_search, UI_COMPLETE_NONE,
		    ui_pager_search_answer,
		    op == UI_OP_SEARCH ? NULL : (void *)&ui_pg);
		return;
	case UI_OP_SEARCH_NEXT:
		ui_pager_search(ui, ui->search_dir, 1);
		return;
	case UI_OP_SEARCH_OPPOSITE:
		ui_pager_search(ui, -ui->search_dir, 1);
		return;
	case UI_OP_SEARCH_TOGGLE:
		ui_pg.highlight = !ui_pg.highlight;
		return;
	case UI_OP_NEXT_ENTRY:
	case UI_OP_PREV_ENTRY:
	case UI_OP_NEXT_UNDELETED:
	case UI_OP_PREV_UNDELETED:
	case UI_OP_NEXT_UNREAD:
	case UI_OP_PREV_UNREAD:
	case UI_OP_NEXT_THREAD:
	case UI_OP_PREV_THREAD:
	case UI_OP_NEXT_SUBTHREAD:
	case UI_OP_PREV_SUBTHREAD:
	case UI_OP_PARENT:
		if (ui_index_step(ui, op) != 0) {
			ui_error(ui, "%s",
			    op == UI_OP_NEXT_UNREAD || op == UI_OP_PREV_UNREAD
				? _("No unread messages.")
				: _("No message there."));
			return;
		}
		ui_pager_show(ui, ui_view_cursor_msg(&ui->folder.view)->uid);
		return;
	case UI_OP_VIEW_ATTACH:
	case UI_OP_VIEW_URLS:
	case UI_OP_DISPLAY_HEADERS:
	case UI_OP_VIEW_RAW:
		if (!ui_pg.have) {
			ui_pg.then = op;
			return;
		}
		ui_pager_then(ui, op);
		return;
	case UI_OP_TAG: {
		struct ui_msg *m = ui_view_cursor_msg(&ui->folder.view);

		if (m != NULL) {
			m->mark ^= UI_M_TAGGED;
			ui_view_count(&ui->folder.view);
		}
		return;
	}
	case UI_OP_DELETE:
	case UI_OP_UNDELETE:
		if (ui_ops_common(ui, op, key) && op == UI_OP_DELETE &&
		    !ui->tag_prefix &&
		    ui_index_step(ui, UI_OP_NEXT_UNDELETED) == 0)
			ui_pager_show(ui,
			    ui_view_cursor_msg(&ui->folder.view)->uid);
		return;
	case UI_OP_CHANGE_FOLDER:
	case UI_OP_FOLDER_LIST:
		ui_ops_common(ui, op, key);
		return;
	default:
		if (!ui_ops_common(ui, op, key))
			ui_error(ui, "%s", _("That does not work here."));
		return;
	}
}

static void
ui_pager_draw_line(struct ui *ui, int y, int x, size_t idx)
{
	const struct ui_pshown *sh = &ui_pg.shown[idx];
	const struct ui_pline *l = &ui_pg.lines[sh->line];
	int w = COLS - x;
	attr_t a = ui->color[UI_C_NORMAL];
	const char *s = ui_pg.text + l->off;
	char *line;
	size_t from[16], to[16], n, i;

	if (sh->hidden > 0) {
		char *marker =
		    pt_xasprintf(ngettext_("[-- %zu line of quoted text --]",
				     "[-- %zu lines of quoted text --]",
				     (unsigned long)sh->hidden),
			sh->hidden);
		ui_draw_text(y, x, w, marker, ui->color[UI_C_QUOTED]);
		free(marker);
		return;
	}
	line = pt_xstrndup(s, l->len);
	switch (l->kind) {
	case UI_PL_QUOTED:
		a = ui->color[l->depth == 1   ? UI_C_QUOTED
			      : l->depth == 2 ? UI_C_QUOTED2
					      : UI_C_QUOTED3];
		break;
	case UI_PL_SIG:
		a = ui->color[UI_C_SIGNATURE];
		break;
	case UI_PL_NOTE:
		a = ui->color[UI_C_ATTACHMENT];
		break;
	default:
		break;
	}
	ui_draw_text(y, x, w, line, a);
	/* Header names in their colour. */
	if (l->kind == UI_PL_HEADER && !ui_pg.raw && line[0] != ' ') {
		const char *colon = strchr(line, ':');

		if (colon != NULL) {
			char *name =
			    pt_xstrndup(line, (size_t)(colon - line) + 1);
			int nw = (int)ui_text_width(name, strlen(name));

			ui_draw_text(y, x, nw > w ? w : nw, name,
			    ui->color[UI_C_HEADER]);
			free(name);
		}
	}
	/* Links underlined, search matches highlighted. */
	n = ui_text_urls(line, l->len, from, to, PT_NELEM(from));
	for (i = 0; i < n; i++) {
		int cx = (int)ui_text_width(line, from[i]);
		int cw = (int)ui_text_width(line + from[i], to[i] - from[i]);
		char *u = pt_xstrndup(line + from[i], to[i] - from[i]);

		if (cx < w)
			ui_draw_text(y, x + cx, cx + cw > w ? w - cx : cw, u,
			    a | ui->color[UI_C_URL]);
		free(u);
	}
	if (ui_pg.highlight && ui_pg.search != NULL && *ui_pg.search != '\0') {
		size_t nl = strlen(ui_pg.search), j;

		for (j = 0; j + nl <= l->len; j++) {
			char *sub = pt_xstrndup(line + j, nl);
			int hit = ((unsigned char)line[j] & 0xC0) != 0x80 &&
				  ui_text_contains(sub, ui_pg.search);

			free(sub);
			if (hit) {
				int cx = (int)ui_text_width(line, j);
				int cw = (int)ui_text_width(line + j, nl);
				char *u = pt_xstrndup(line + j, nl);

				if (cx < w)
					ui_draw_text(y, x + cx,
					    cx + cw > w ? w - cx : cw, u,
					    ui->color[UI_C_SEARCH]);
				free(u);
				j += nl - 1;
			}
		}
	}
	free(line);
}

static void
ui_pager_status(struct ui *ui, int rows)
{
	struct ui_folder *f = &ui->folder;
	int32_t s = ui_model_find(&f->model, ui_pg.uid);
	const struct ui_msg *m = s >= 0 ? &f->model.msg[s] : NULL;
	struct pt_buf b;
	char pos[32];

	pt_buf_init(&b, 0);
	if (ui_pg.nshown <= (size_t)rows)
		pt_strlcpy(pos, _("all"), sizeof pos);
	else if (ui_pg.top == 0)
		pt_strlcpy(pos, _("top"), sizeof pos);
	else if (ui_pg.top + (size_t)rows >= ui_pg.nshown)
		pt_strlcpy(pos, _("end"), sizeof pos);
	else
		snprintf(pos, sizeof pos, "%zu%%",
		    (ui_pg.top + (size_t)rows) * 100 / ui_pg.nshown);
	pt_buf_printf(&b, NULL, "-- %zu/%zu: %s  %s -- (%s)%s%s",
	    f->view.cursor + 1, f->view.nrows, m != NULL ? ui_msg_from(m) : "",
	    m != NULL ? ui_msg_str(m, UI_S_SUBJECT) : "", pos,
	    ui_pg.raw            ? _(" [raw]")
	    : ui_pg.full_headers ? _(" [headers]")
				 : "",
	    ui_pg.hide_quoted ? _(" [quotes hidden]") : "");
	ui_draw_status(ui, b.data);
	pt_buf_release(&b);
}

static void
ui_pager_draw(struct ui *ui, int top, int rows)
{
	int x = 0, i;

	if (ui->sidebar) {
		x = ui_sidebar_width(ui);
		ui_sidebar_draw(ui, top, rows);
	}
	if (ui_pg.have && ui_pg.width != COLS)
		ui_pager_render(ui, 1);
	if (!ui_pg.have) {
		ui_draw_text(top, x, COLS - x,
		    ui_pg.error != NULL ? ui_pg.error : _("Loading..."),
		    ui->color[ui_pg.error != NULL ? UI_C_ERROR : UI_C_NORMAL]);
	}
	for (i = 0; ui_pg.have && i < rows; i++) {
		size_t idx = ui_pg.top + (size_t)i;

		if (idx >= ui_pg.nshown)
			break;
		ui_pager_draw_line(ui, top + i, x, idx);
	}
	ui_pager_status(ui, rows);
}
