/*
 * prompt.c: questions on the bottom line: yes/no, a choice of keys, a
 * line of text (with the editor of edit.c, history, and completion of
 * folder names and file paths), a password (never echoed, wiped after
 * use) and the certificate dialog (reject, accept once, accept always). Prompts
 * never block: the main loop goes on reading engine events while one is
 * up, and the answer arrives through a callback.  Prompts the engine
 * asks for (password, certificate) queue behind the one on screen.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"

#include "private.h"

#define UI_PROMPT_CANDS 8 /* completion candidates shown */

static void ui_prompt_answer(struct ui *, int, const char *);
static void ui_prompt_cands(struct ui_prompt *, const char *const *, size_t);
static void ui_prompt_complete(struct ui *, struct ui_prompt *);
static void ui_prompt_draw_cert(struct ui *, const struct ui_prompt *);

struct ui_prompt *
ui_prompt_new(enum ui_prompt_kind kind, const char *question, ui_prompt_cb cb,
    void *arg)
{
	struct ui_prompt *p = pt_xcalloc(1, sizeof *p);

	p->kind = kind;
	p->question = pt_sanitize_line(question, strlen(question));
	p->cb = cb;
	p->arg = arg;
	p->defans = -1;
	ui_edit_init(&p->edit, "", NULL);
	return p;
}

void
ui_prompt_free(struct ui_prompt **pp)
{
	struct ui_prompt *p = *pp;

	if (p == NULL)
		return;
	if (p->edit.cp != NULL)
		explicit_bzero(p->edit.cp, p->edit.cap * sizeof *p->edit.cp);
	ui_edit_release(&p->edit);
	if (p->arg_free != NULL)
		p->arg_free(p->arg);
	free(p->question);
	free(p->choices);
	free(p->cands);
	free(p);
	*pp = NULL;
}

void
ui_prompt_clear_all(struct ui *ui)
{
	while (ui->prompt != NULL) {
		struct ui_prompt *next = ui->prompt->next;

		ui_prompt_free(&ui->prompt);
		ui->prompt = next;
	}
}

void
ui_prompt_show(struct ui *ui, struct ui_prompt *p, int queue)
{
	if (!queue || ui->prompt == NULL) {
		p->next = ui->prompt;
		ui->prompt = p;
	} else {
		struct ui_prompt *last = ui->prompt;

		while (last->next != NULL)
			last = last->next;
		last->next = p;
	}
	ui->redraw = 1;
}

void
ui_prompt_yesno(struct ui *ui, const char *question, int defans,
    ui_prompt_cb cb, void *arg)
{
	struct ui_prompt *p = ui_prompt_new(UI_PROMPT_YESNO, question, cb, arg);

	p->defans = defans;
	ui_prompt_show(ui, p, 0);
}

void
ui_prompt_line(struct ui *ui, const char *question, const char *initial,
    struct ui_hist *hist, enum ui_complete complete, ui_prompt_cb cb, void *arg)
{
	struct ui_prompt *p = ui_prompt_new(UI_PROMPT_LINE, question, cb, arg);

	ui_edit_release(&p->edit);
	ui_edit_init(&p->edit, initial, hist);
	p->complete = complete;
	ui_prompt_show(ui, p, 0);
}

/* Takes the prompt off the screen, then calls its callback. */
static void
ui_prompt_answer(struct ui *ui, int answer, const char *text)
{
	struct ui_prompt *p = ui->prompt;

	ui->prompt = p->next;
	ui->redraw = 1;
	if (p->cb != NULL)
		p->cb(ui, answer, text, p->arg);
	ui_prompt_free(&p);
}

/*
 * Several candidates: up to UI_PROMPT_CANDS, shown on the status line
 * until the next key.
 */
static void
ui_prompt_cands(struct ui_prompt *p, const char *const *names, size_t n)
{
	struct pt_buf b;
	size_t i;

	pt_buf_init(&b, 0);
	for (i = 0; i < n && i < UI_PROMPT_CANDS; i++)
		pt_buf_printf(&b, NULL, "%s%s", i > 0 ? "  " : "", names[i]);
	if (n > UI_PROMPT_CANDS)
		pt_buf_printf(&b, NULL, "  (+%zu)", n - UI_PROMPT_CANDS);
	free(p->cands);
	p->cands = pt_buf_detach(&b, NULL);
}

static void
ui_prompt_complete(struct ui *ui, struct ui_prompt *p)
{
	const char **names, **shown;
	char *pre, **paths;
	size_t n, matches, i, k = 0;

	if (p->complete == UI_COMPLETE_PATH) {
		matches =
		    ui_edit_complete_path(&p->edit, getenv("HOME"), &paths);
		if (matches == 0)
			beep();
		else if (matches > 1)
			ui_prompt_cands(p, (const char *const *)paths, matches);
		for (i = 0; i < matches; i++)
			free(paths[i]);
		free(paths);
		return;
	}
	if (p->complete == UI_COMPLETE_ADDRESS) {
		ui_addr_complete(ui, p);
		return;
	}
	if (p->complete != UI_COMPLETE_FOLDER)
		return;
	n = ui_folder_names(ui, &names);
	matches = ui_edit_complete(&p->edit, names, n);
	if (matches == 0)
		beep();
	else if (matches > 1) {
		/* Show what is possible on the status line. */
		pre = ui_edit_text(&p->edit);
		shown = pt_xcalloc(n, sizeof *shown);
		for (i = 0; i < n; i++)
			if (strncmp(names[i], pre, strlen(pre)) == 0)
				shown[k++] = names[i];
		ui_prompt_cands(p, shown, k);
		free(shown);
		free(pre);
	}
	free(names);
}

int
ui_prompt_key(struct ui *ui, uint32_t key)
{
	struct ui_prompt *p = ui->prompt;
	if (p == NULL)
		return 0;
	ui->redraw = 1;
	/* ^G and Esc cancel every kind of prompt. */
	if (key == 7 || key == 27) {
		ui_prompt_answer(ui, -1, NULL);
		return 1;
	}
	switch (p->kind) {
	case UI_PROMPT_YESNO:
		if (key == 'y' || key == 'Y')
			ui_prompt_answer(ui, 1, NULL);
		else if (key == 'n' || key == 'N')
			ui_prompt_answer(ui, 0, NULL);
		else if (key == '\n' && p->defans >= 0)
			ui_prompt_answer(ui, p->defans, NULL);
		break;
	case UI_PROMPT_CHOICE:
		if (key < 128 && key > ' ' && strchr(p->choices, (int)key))
			ui_prompt_answer(ui, (int)key, NULL);
		break;
	case UI_PROMPT_CERT:
		if (key == 'r' || key == 'R')
			ui_prompt_answer(ui, ENG_TRUST_REJECT, NULL);
		else if (key == 'o' || key == 'O')
			ui_prompt_answer(ui, ENG_TRUST_ONCE, NULL);
		else if (key == 'a' || key == 'A')
			ui_prompt_answer(ui, ENG_TRUST_ALWAYS, NULL);
		break;
	case UI_PROMPT_LINE:
	case UI_PROMPT_PASSWORD:
		free(p->cands);
		p->cands = NULL;
		if (key == '\n') {
			char *text = ui_edit_text(&p->edit);
			if (p->kind == UI_PROMPT_LINE && p->edit.hist != NULL)
				ui_hist_add(p->edit.hist, text);
			ui_prompt_answer(ui, 1, text);
			explicit_bzero(text, strlen(text));
			free(text);
		} else if (key == '\t' && p->kind == UI_PROMPT_LINE)
			ui_prompt_complete(ui, p);
		else if (p->kind == UI_PROMPT_PASSWORD &&
			 (key == (UI_KEY_FN | KEY_UP) || key == 16 ||
			     key == (UI_KEY_FN | KEY_DOWN) || key == 14))
			break; /* no history for secrets */
		else
			ui_edit_key(&p->edit, key);
		break;
	}
	return 1;
}

static void
ui_prompt_draw_cert(struct ui *ui, const struct ui_prompt *p)
{
	const struct eng_cert *c = &p->cert;
	int top = ui_body_top(ui), y = top + 1, w = COLS - 4;
	attr_t n = ui->color[UI_C_NORMAL], h = ui->color[UI_C_HEADER];
	char *s;
	int i;

	for (i = top; i < LINES - 2; i++)
		ui_draw_fill(i, 0, COLS, n);
	s = pt_xasprintf(_("The certificate of %s (port %d) cannot be "
			   "verified."),
	    c->host, c->port);
	ui_draw_text(y++, 2, w, s, ui->color[UI_C_ERROR]);
	free(s);
	y++;
	ui_draw_text(y++, 2, w, c->reason, n);
	y++;
#define UI_CERT_LINE(label, value)                                             \
	do {                                                                   \
		s = pt_xasprintf("%-14s %s", (label), (value));                \
		ui_draw_text(y++, 2, w, s, h);                                 \
		free(s);                                                       \
	} while (0)
	UI_CERT_LINE(_("Subject:"), c->subject);
	UI_CERT_LINE(_("Issuer:"), c->issuer);
	UI_CERT_LINE(_("Valid from:"), c->not_before);
	UI_CERT_LINE(_("Valid until:"), c->not_after);
	UI_CERT_LINE(_("Fingerprint:"), c->sha256);
#undef UI_CERT_LINE
	y++;
	ui_draw_text(y++, 2, w,
	    _("Compare the fingerprint with the one your provider publishes "
	      "before you accept."),
	    n);
	ui_draw_text(y++, 2, w,
	    _("Accepting always stores this certificate in the "
	      "configuration; a different one will be refused."),
	    n);
}

void
ui_prompt_draw(struct ui *ui)
{
	struct ui_prompt *p = ui->prompt;
	struct pt_buf b;
	size_t qw, i, start, col;
	attr_t a = ui->color[UI_C_PROMPT];

	pt_buf_init(&b, 0);
	switch (p->kind) {
	case UI_PROMPT_YESNO:
		pt_buf_printf(&b, NULL, "%s %s ", p->question,
		    p->defans == 1   ? _("([yes]/no):")
		    : p->defans == 0 ? _("(yes/[no]):")
				     : _("(yes/no):"));
		ui_draw_text(LINES - 1, 0, COLS, b.data, a);
		curs_set(0);
		break;
	case UI_PROMPT_CHOICE:
		ui_draw_text(LINES - 1, 0, COLS, p->question, a);
		curs_set(0);
		break;
	case UI_PROMPT_CERT:
		ui_prompt_draw_cert(ui, p);
		ui_draw_text(LINES - 1, 0, COLS,
		    _("(r)eject, accept (o)nce, (a)ccept always?"), a);
		curs_set(0);
		break;
	case UI_PROMPT_LINE:
	case UI_PROMPT_PASSWORD:
		pt_buf_printf(&b, NULL, "%s ", p->question);
		qw = ui_text_width(b.data, b.len);
		if (qw > (size_t)COLS / 2)
			qw = (size_t)COLS / 2;
		ui_draw_text(LINES - 1, 0, (int)qw, b.data, a);
		pt_buf_reset(&b);
		if (p->kind == UI_PROMPT_PASSWORD) {
			ui_draw_fill(LINES - 1, (int)qw, COLS - (int)qw,
			    ui->color[UI_C_NORMAL]);
			move(LINES - 1, (int)qw);
			curs_set(1);
			break;
		}
		if (p->complete == UI_COMPLETE_ADDRESS)
			ui_addr_draw(ui, p);
		/* Scroll so that the cursor is on screen. */
		col = ui_edit_scroll(&p->edit, (size_t)COLS - 1 - qw);
		start = p->edit.scroll;
		for (i = start; i < p->edit.len; i++) {
			char enc[4];

			pt_buf_add(&b, enc, pt_utf8_encode(p->edit.cp[i], enc),
			    NULL);
		}
		ui_draw_text(LINES - 1, (int)qw, COLS - (int)qw, b.data,
		    ui->color[UI_C_NORMAL]);
		if (p->cands != NULL)
			ui_draw_text(LINES - 2, 0, COLS, p->cands,
			    ui->color[UI_C_STATUS]);
		move(LINES - 1, (int)(qw + col));
		curs_set(1);
		break;
	}
	pt_buf_release(&b);
}
