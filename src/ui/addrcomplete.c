/*
 * addrcomplete.c: UI_COMPLETE_ADDRESS, Tab in a prompt that takes a
 * comma-separated list of addresses, and the Q (query) key.
 *
 * Tab looks up the last address of the list being typed ("ann, bo":
 * "bo") in two places at once: the account's address book (an
 * ENG_JOB_ADDRESSES job: the engine reads the cache) and, when
 * compose.query_command is set, that command, run as a child process
 * whose output the main loop polls (ui_addr_poll_fd), so the screen
 * never waits for it.  The command is mutt's query_command: %s becomes
 * the text, shell-quoted; its first output line is a status line and
 * is ignored; each other line is "address<TAB>name[<TAB>other]".  It
 * gets UI_QUERY_SECONDS and UI_QUERY_MAX bytes of output, then it is
 * killed (its whole process group) and what it printed still counts.
 *
 * The best match (the book's ranking first, then the command's order)
 * replaces the text; when there are several, a small menu above the
 * prompt lists them and each further Tab puts the next one in its
 * place (the menu follows), as mutt's completion cycles.  Every completed
 * address is written with mime_addr_display (names with specials quoted), so it
 * passes the check before sending; addresses that fail mime_addr_check are
 * never offered.  Names come from mail or from a program: they are sanitized
 * before they reach the line.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/mime.h"

#include "private.h"

#define UI_ADDR_ROWS  50 /* matches asked of the book */
#define UI_ADDR_SHOWN 5  /* candidates in the menu above the prompt */

/* One completion in progress (one prompt at a time). */
static struct {
	struct ui_prompt *p; /* the prompt, or NULL */
	char *typed;         /* the line when Tab was pressed */
	char *before;        /* what precedes the word completed */
	char *word;          /* the word looked up */
	char *shown;         /* the line as completion left it */
	uint64_t job;        /* 0: the book has answered */
	struct ui_child run; /* the query_command (pid 0: none) */
	struct ui_addr_cands c;
	size_t cur;
	int applied;
} ac;

/*
 * What the bottom lines say about the completion while its prompt is
 * up (the message line is the prompt then).
 */
static struct {
	const struct ui_prompt *p;
	char text[256];
	int error;
} note;

static void ui_addr_note(struct ui *, int, const char *, ...) PT_PRINTF(3, 4);
static void ui_addr_reset(void);
static void ui_addr_job_cb(struct ui *, struct eng_event *, void *);
static void ui_addr_update(struct ui *);
static void ui_addr_apply(struct ui *);
static void ui_addr_run_end(struct ui *, int);
static int ui_addr_prompt_live(const struct ui *);
static void ui_query_answer(struct ui *, int, const char *, void *);

void
ui_addr_cands_release(struct ui_addr_cands *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].addr);
		free(c->v[i].name);
		free(c->v[i].display);
	}
	free(c->v);
	memset(c, 0, sizeof *c);
}

int
ui_addr_cands_add(struct ui_addr_cands *c, const char *addr, size_t alen,
    const char *name, size_t nlen)
{
	struct mime_addrlist back = {0};
	struct mime_addr a;
	char *ad, *disp;
	size_t i;

	if (c->n >= UI_ADDR_CANDS_MAX || alen == 0 || alen > 254)
		return -1;
	ad = pt_xstrndup(addr, alen);
	if (memchr(addr, '\0', alen) != NULL ||
	    mime_addr_check(ad, NULL) != 0) {
		free(ad);
		return -1;
	}
	for (i = 0; i < c->n; i++)
		if (strcasecmp(c->v[i].addr, ad) == 0) {
			free(ad);
			return 0; /* known already: the first one stays */
		}
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->v = pt_xreallocarray(c->v, c->cap, sizeof *c->v);
	}
	a.addr = ad;
	a.name = NULL;
	if (name != NULL && nlen > 0) {
		/* One line, valid UTF-8, no control characters, trimmed. */
		char *s = pt_sanitize_line(name, nlen);
		size_t b = 0, e = strlen(s);

		while (b < e && s[b] == ' ')
			b++;
		while (e > b && s[e - 1] == ' ')
			e--;
		a.name = pt_xstrndup(s + b, e - b);
		free(s);
	}
	disp = mime_addr_display(&a);
	/*
	 * What completion writes must pass the check before sending (it
	 * is stricter than mime_addr_check: no control character even in
	 * a quoted local part).
	 */
	if (mime_addrlist_parse(disp, &back, NULL) != 0 || back.n != 1 ||
	    strcmp(back.v[0].addr, ad) != 0) {
		mime_addrlist_release(&back);
		free(disp);
		free(a.name);
		free(ad);
		return -1;
	}
	mime_addrlist_release(&back);
	c->v[c->n].addr = ad;
	c->v[c->n].name = a.name != NULL ? a.name : pt_xstrdup("");
	c->v[c->n].display = disp;
	c->n++;
	return 0;
}

size_t
ui_query_parse(const char *out, size_t len, struct ui_addr_cands *c)
{
	size_t i = 0, bad = 0, line = 0;

	while (i < len) {
		const char *s = out + i, *nl = memchr(s, '\n', len - i);
		size_t l = nl != NULL ? (size_t)(nl - s) : len - i;
		const char *tab, *as;
		size_t alen, nlen;

		i += l + (nl != NULL);
		if (line++ == 0)
			continue; /* the status line */
		if (l > 0 && s[l - 1] == '\r')
			l--;
		if (l == 0)
			continue;
		if (l > UI_QUERY_LINE_MAX) {
			bad++;
			continue;
		}
		tab = memchr(s, '\t', l);
		alen = tab != NULL ? (size_t)(tab - s) : l;
		as = s;
		while (alen > 0 && (*as == ' ' || *as == '<')) {
			as++;
			alen--;
		}
		while (alen > 0 && (as[alen - 1] == ' ' || as[alen - 1] == '>'))
			alen--;
		nlen = 0;
		if (tab != NULL) {
			const char *tab2 =
			    memchr(tab + 1, '\t', (size_t)(s + l - tab - 1));
			nlen =
			    (size_t)((tab2 != NULL ? tab2 : s + l) - tab - 1);
		}
		if (ui_addr_cands_add(c, as, alen, tab != NULL ? tab + 1 : NULL,
			nlen) != 0)
			bad++;
	}
	return bad;
}

char *
ui_query_command(const char *fmt, const char *query)
{
	struct pt_buf b;
	const char *p;

	pt_buf_init(&b, 0);
	for (p = fmt; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 's') {
			const char *q;

			/* 'it'\''s': single quotes, each ' written '\''. */
			pt_buf_addch(&b, '\'', NULL);
			for (q = query; *q != '\0'; q++) {
				if (*q == '\'')
					pt_buf_addstr(&b, "'\\''", NULL);
				else
					pt_buf_addch(&b, *q, NULL);
			}
			pt_buf_addch(&b, '\'', NULL);
			p++;
		} else if (p[0] == '%' && p[1] == '%') {
			pt_buf_addch(&b, '%', NULL);
			p++;
		} else
			pt_buf_addch(&b, *p, NULL);
	}
	return pt_buf_detach(&b, NULL);
}

size_t
ui_addr_word_start(const char *s)
{
	size_t i, len = strlen(s), start = 0;
	int inq = 0, depth = 0;

	for (i = 0; i < len; i++) {
		if (mime_addr_skip(s, len, &i, &inq, &depth))
			continue;
		if (s[i] == ',' || s[i] == ';')
			start = i + 1;
	}
	while (s[start] == ' ' || s[start] == '\t')
		start++;
	return start;
}

/* Starts the command; 0, or -1 with err set. */
static int
ui_query_start(struct ui_child *r, const char *cmd, struct pt_error *err)
{
	if (ui_child_start_sh(r, cmd, NULL, NULL, UI_QUERY_SECONDS * 1000,
		UI_QUERY_MAX) != 0)
		return pt_error_set(err, PT_E_INTERNAL, errno,
		    _("cannot run the query command: %s"), strerror(errno));
	return 0;
}

static void
ui_addr_reset(void)
{
	ui_child_release(&ac.run);
	free(ac.typed);
	free(ac.before);
	free(ac.word);
	free(ac.shown);
	ui_addr_cands_release(&ac.c);
	memset(&ac, 0, sizeof ac);
	ac.run.fd = -1;
}

void
ui_addr_end(void)
{
	ui_addr_reset();
}

/*
 * Says something about the completion: above the prompt while it is
 * up, else on the message line.
 */
static void
ui_addr_note(struct ui *ui, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(note.text, sizeof note.text, fmt, ap);
	va_end(ap);
	note.error = error;
	if (error)
		pt_info("address completion: %s", note.text);
	if (ac.p != NULL && ui->prompt == ac.p) {
		note.p = ac.p;
		ui->redraw = 1;
	} else if (error)
		ui_error(ui, "%s", note.text);
	else
		ui_msg(ui, "%s", note.text);
}

/* 1 while the prompt being completed is on top and unchanged. */
static int
ui_addr_prompt_live(const struct ui *ui)
{
	char *now;
	int same;

	if (ac.p == NULL || ui->prompt != ac.p)
		return 0;
	now = ui_edit_text(&ac.p->edit);
	same = strcmp(now, ac.applied ? ac.shown : ac.typed) == 0;
	free(now);
	return same;
}

void
ui_addr_complete(struct ui *ui, struct ui_prompt *p)
{
	const char *cmd = cfg_get(ui->cfg, "compose", "query_command");
	struct eng_job *job;
	struct pt_error err;
	char *text = ui_edit_text(&p->edit);
	size_t start;

	/* Tab again on what completion wrote: the next candidate. */
	if (ac.p == p && ac.applied && strcmp(text, ac.shown) == 0) {
		free(text);
		if (ac.c.n > 1) {
			ac.cur = (ac.cur + 1) % ac.c.n;
			ui_addr_apply(ui);
		} else
			beep();
		return;
	}
	if (ac.p == p && !ac.applied && strcmp(text, ac.typed) == 0) {
		free(text);
		return; /* still looking */
	}
	ui_addr_reset();
	note.p = NULL;
	start = ui_addr_word_start(text);
	if (text[start] == '\0') {
		free(text);
		beep();
		return;
	}
	ac.p = p;
	ac.typed = text;
	ac.before = pt_xstrndup(text, start);
	ac.word = pt_xstrdup(text + start);
	job = eng_job_new(ENG_JOB_ADDRESSES,
	    ui->folder.open && ui->folder.account < ui->nacct
		? ui->folder.account
		: 0);
	job->search.text = pt_xstrdup(ac.word);
	job->rows = UI_ADDR_ROWS;
	if (ui->nacct > 0)
		ac.job =
		    ui_job_submit(ui, job, NULL, ui_addr_job_cb, NULL, NULL);
	else
		eng_job_free(&job);
	pt_error_init(&err);
	if (cmd != NULL && cmd[0] != '\0') {
		char *full = ui_query_command(cmd, ac.word);

		if (ui_query_start(&ac.run, full, &err) != 0)
			ui_addr_note(ui, 1, "%s", err.msg);
		free(full);
	}
	if (ac.job == 0 && ac.run.pid == 0)
		ui_addr_update(ui);
	else
		ui_addr_note(ui, 0, _("Looking up '%s'..."), ac.word);
}

static void
ui_addr_job_cb(struct ui *ui, struct eng_event *ev, void *arg)
{
	(void)arg;
	if (ev->job_id != ac.job || ac.job == 0)
		return;
	switch (ev->kind) {
	case ENG_EV_ADDRESSES:
		/* The book's matches come before the command's. */
		if (ev->u.addrs != NULL) {
			struct ui_addr_cands mine = ac.c;
			size_t i;

			memset(&ac.c, 0, sizeof ac.c);
			for (i = 0; i < ev->u.addrs->n; i++)
				(void)ui_addr_cands_add(&ac.c,
				    ev->u.addrs->v[i].addr,
				    strlen(ev->u.addrs->v[i].addr),
				    ev->u.addrs->v[i].name,
				    strlen(ev->u.addrs->v[i].name));
			for (i = 0; i < mine.n; i++)
				(void)ui_addr_cands_add(&ac.c, mine.v[i].addr,
				    strlen(mine.v[i].addr), mine.v[i].name,
				    strlen(mine.v[i].name));
			ui_addr_cands_release(&mine);
		}
		break;
	case ENG_EV_FAILED:
		ui_addr_note(ui, 1, "%s", ev->err.msg);
		ac.job = 0;
		ui_addr_update(ui);
		break;
	case ENG_EV_DONE:
		ac.job = 0;
		ui_addr_update(ui);
		break;
	default:
		break;
	}
}

int
ui_addr_poll_fd(const struct ui *ui, int *timeout)
{
	int left = ui_child_left_ms(&ac.run);

	(void)ui;
	if (left < 0)
		return -1;
	if (*timeout < 0 || left < *timeout)
		*timeout = left;
	return ac.run.fd;
}

void
ui_addr_poll(struct ui *ui, int ready)
{
	int r = 0;

	if (ac.run.pid == 0)
		return;
	if (ui->prompt != ac.p) {
		/* The prompt went (answered, cancelled): stop looking. */
		ui_addr_reset();
		return;
	}
	if (ready)
		r = ui_child_read(&ac.run);
	if (r != 0)
		ui_addr_run_end(ui, r < 0);
	else if (ui_child_left_ms(&ac.run) == 0) {
		ac.run.why = UI_CHILD_TIMEOUT;
		ui_addr_run_end(ui, 1);
	}
}

/* The command ended (or is killed, late): its matches, or why none. */
static void
ui_addr_run_end(struct ui *ui, int late)
{
	const char *cmd = cfg_get(ui->cfg, "compose", "query_command");
	struct ui_child *r = &ac.run;
	int status = ui_child_finish(r, late ? 0 : 200) ? -1 : r->status;
	size_t bad;

	bad = ui_query_parse(r->out.data != NULL ? r->out.data : "", r->out.len,
	    &ac.c);
	if (bad > 0)
		pt_info("query command: %zu lines ignored", bad);
	if (r->why == UI_CHILD_OVER)
		ui_addr_note(ui, 1,
		    _("The query command '%s' wrote more than %d KiB; the "
		      "rest was ignored."),
		    cmd, UI_QUERY_MAX / 1024);
	else if (late)
		ui_addr_note(ui, 1,
		    _("The query command '%s' did not finish in %d seconds "
		      "and was stopped."),
		    cmd, UI_QUERY_SECONDS);
	else if (status == -1)
		pt_info("query command: still running after its output "
			"ended; stopped");
	else if (WIFSIGNALED(status))
		ui_error(ui,
		    _("The query command '%s' was killed by signal %d."), cmd,
		    WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		ui_addr_note(ui, 1,
		    _("The query command '%s' could not be run."), cmd);
	else if (WIFEXITED(status) && WEXITSTATUS(status) > 1)
		/* mutt's query programs exit 1 when nothing matched. */
		ui_error(ui,
		    _("The query command '%s' failed (exit status %d)."), cmd,
		    WEXITSTATUS(status));
	pt_buf_release(&r->out);
	ui_addr_update(ui);
}

/* Whatever has come in: complete, list, or say nothing matched. */
static void
ui_addr_update(struct ui *ui)
{
	int waiting = ac.job != 0 || ac.run.pid != 0;

	if (!ui_addr_prompt_live(ui)) {
		/* The prompt went, or the user typed on: forget it. */
		if (ac.p != NULL && !waiting)
			ui_addr_reset();
		return;
	}
	if (ac.c.n == 0) {
		if (!waiting) {
			beep();
			/* An error said already why: keep it. */
			if (note.p != ac.p || !note.error)
				ui_addr_note(ui, 0,
				    _("No address matches '%s'."), ac.word);
			ui_addr_reset();
		}
		return;
	}
	/* The book answers in milliseconds: its best match goes first. */
	if (ac.job != 0)
		return;
	if (!ac.applied) {
		ac.cur = 0;
		ac.applied = 1;
	}
	ui_addr_apply(ui);
}

/* Puts candidate cur in place of the word. */
static void
ui_addr_apply(struct ui *ui)
{
	free(ac.shown);
	ac.shown = pt_xasprintf("%s%s", ac.before, ac.c.v[ac.cur].display);
	ui_edit_set(&ac.p->edit, ac.shown);
	ui->redraw = 1;
	if (note.p == ac.p && !note.error)
		note.p = NULL; /* "Looking up" is over */
}

/*
 * Above a prompt that completes addresses: the note, and when several
 * addresses match, a small menu of them (the one in the line
 * highlighted) that further Tabs walk through.
 */
void
ui_addr_draw(struct ui *ui, const struct ui_prompt *p)
{
	int rows = 0, y, i, first, top = ui_body_top(ui);
	attr_t n = ui->color[UI_C_NORMAL];

	if (ac.p == p && ac.applied && ac.c.n > 1)
		rows = ac.c.n < UI_ADDR_SHOWN ? (int)ac.c.n : UI_ADDR_SHOWN;
	y = LINES - 2 - rows - (note.p == p ? 1 : 0);
	if (y < top)
		return; /* no room on so small a screen */
	if (note.p == p)
		ui_draw_text(y++, 0, COLS, note.text,
		    ui->color[note.error ? UI_C_ERROR : UI_C_MESSAGE]);
	if (rows == 0)
		return;
	/* A window of rows candidates that keeps the current one in. */
	first = (int)ac.cur - rows + 1;
	if (first < 0)
		first = 0;
	for (i = 0; i < rows; i++, y++) {
		size_t k = (size_t)(first + i);
		char *s = pt_xasprintf(" %zu/%zu  %s", k + 1, ac.c.n,
		    ac.c.v[k].display);

		ui_draw_fill(y, 0, COLS, n);
		ui_draw_text(y, 0, COLS, s,
		    k == ac.cur ? ui->color[UI_C_INDICATOR] : n);
		free(s);
	}
}

/* The Q key: "Mail to:" with completion, then a new message. */
void
ui_addr_query_key(struct ui *ui)
{
	ui_prompt_line(ui, _("Mail to:"), "", NULL, UI_COMPLETE_ADDRESS,
	    ui_query_answer, NULL);
}

static void
ui_query_answer(struct ui *ui, int answer, const char *text, void *arg)
{
	struct mime_addrlist l = {0};
	struct pt_error err;

	(void)arg;
	if (answer != 1 || text == NULL)
		return;
	pt_error_init(&err);
	if (mime_addrlist_parse(text, &l, &err) != 0 || l.n == 0) {
		if (l.n == 0 && err.msg[0] == '\0')
			ui_msg(ui, "%s", _("No recipient given."));
		else {
			ui_error(ui, "%s", err.msg);
			/* Ask again with what was typed: nothing is lost. */
			ui_prompt_line(ui, _("Mail to:"), text, NULL,
			    UI_COMPLETE_ADDRESS, ui_query_answer, NULL);
		}
		mime_addrlist_release(&l);
		return;
	}
	mime_addrlist_release(&l);
	ui_compose_to(ui, text);
}
