/*
 * wizard.c: the interactive setup wizard (ncurses, keyboard only, fits
 * 80x24).
 *
 * Screens, in order:
 *	identity	name and email address (checked as they are typed)
 *	detect		finding the servers (a worker thread)
 *	settings	every server field pre-filled and editable; a port
 *			change picks its usual security and the reverse
 *	password	the password, the provider's hint, where to keep it
 *	test		the doctor's steps, one line each (a worker thread),
 *			then what failed and what to do about it
 *	summary		the account is written; its settings for a phone
 *
 * Detection and tests block on the network, so they run in a worker
 * thread; it hands each line to the UI under a mutex and wakes the
 * UI's poll() through a pipe.  Esc cancels it (net_cancel_fire).  The
 * UI never touches a socket itself.  Curses is used only here and only
 * from the main thread.  (A deviation from "only ui/ calls curses": the
 * wizard runs before, and without, the main interface, and ui/ may not
 * include setup/.)
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/net.h"
#include "petrel/setup.h"
#include "petrel/ui.h"

#include "private.h"

#define WIZ_LOGIN_TRIES 3  /* failed logins before stopping */
#define WIZ_LINES_MAX   64 /* lines a job may report */
#define WIZ_TEXT_MAX    512
#define WIZ_CONNECT_MS  10000 /* a person is waiting */

enum wiz_screen {
	WIZ_IDENTITY,
	WIZ_DETECT,
	WIZ_SETTINGS,
	WIZ_PASSWORD,
	WIZ_TEST,
	WIZ_SUMMARY,
	WIZ_LOCKOUT,
	WIZ_QUIT,
	WIZ_DONE /* leave the loop */
};

enum wiz_kind { WK_TEXT, WK_SECRET, WK_PORT, WK_SECURITY, WK_STORE, WK_BUTTON };

enum wiz_store {
	WIZ_STORE_ASK,
	WIZ_STORE_COMMAND,
	WIZ_STORE_FILE,
	WIZ_STORE_OAUTH, /* no password: an OAuth2 token command */
	WIZ_STORE_COUNT
};

/* Field numbers. */
enum {
	F_NAME,
	F_EMAIL,
	F_IDENT_GO,
	F_IHOST,
	F_IPORT,
	F_ISEC,
	F_SHOST,
	F_SPORT,
	F_SSEC,
	F_USER,
	F_SET_GO,
	F_PASSWORD,
	F_STORE,
	F_COMMAND,
	F_PW_GO,
	F_COUNT
};

struct wiz_field {
	enum wiz_kind kind;
	char text[WIZ_TEXT_MAX]; /* UTF-8 */
	size_t back;             /* code points after the cursor */
	int choice;              /* WK_SECURITY, WK_STORE */
};

/* A job for the worker thread, and what it reports. */
struct wiz_job {
	pthread_t thread;
	int started;
	pthread_mutex_t lock;
	int wake[2]; /* the worker writes a byte, the UI polls */
	struct net_cancel *cancel;
	int detect; /* else a test */

	/* In (copied before the thread starts; read-only meanwhile). */
	struct setup_settings st;
	const struct setup_providers *ps;
	struct pt_secret pw;
	char *pwcmd;
	int oauth; /* pwcmd prints an OAuth2 token */
	const char *imap_pin, *smtp_pin;
	int smtp_only; /* IMAP already passed */

	/* Out, under lock. */
	char *lines[WIZ_LINES_MAX];
	size_t nlines;
	int done;
	int failed;           /* a test failed */
	enum net_proto proto; /* which server failed */
	struct setup_check_result res;
	int have_alt;
	struct setup_server alt;
	char why[512];
	char pwerr[256]; /* the password command failed */
};

struct wiz {
	const char *path;
	enum wiz_screen screen;
	struct wiz_field f[F_COUNT];
	int focus;
	char status[256]; /* a message on the line above the keys */
	struct setup_providers ps;
	struct setup_settings st;
	const char *pass_cmd; /* "pass", "secret-tool" or NULL */
	struct wiz_job *job;
	char *lines[WIZ_LINES_MAX]; /* the last job's lines, UI's copy */
	size_t nlines;
	int login_failures;
	char *imap_pin, *smtp_pin;
	int imap_ok; /* IMAP passed: a retry tests SMTP only */
	char *account_id;
	int written;
	int quit_from;    /* the screen to go back to from WIZ_QUIT */
	int cur_y, cur_x; /* where the focused field wants the cursor */
};

static int wiz_loop(struct wiz *);
static void wiz_draw(struct wiz *);
static void wiz_key(struct wiz *, int, wint_t);
static void wiz_bar(int, const char *, ...) PT_PRINTF(2, 3);
static int wiz_text(int, int, int, const char *, attr_t);
static int wiz_wrap(int, int, int, int, const char *, attr_t);
static int wiz_wrap_draw(int, int, int, int, const char *, attr_t, int);
static void wiz_draw_field(struct wiz *, int, int, const char *, int);
static const int *wiz_fields(const struct wiz *, size_t *);
static int wiz_store_cmd(const struct wiz *);
static void wiz_store_prefill(struct wiz *);
static int wiz_edit_ctl(uint32_t);
static int wiz_edit(struct wiz *, uint32_t);
static void wiz_next(struct wiz *, int);
static void wiz_toggle(struct wiz *, int, int);
static void wiz_port_changed(struct wiz *, int);
static int wiz_continue(struct wiz *);
static void wiz_from_settings(struct wiz *);
static int wiz_to_settings(struct wiz *);
static void wiz_job_start(struct wiz *, int);
static void *wiz_job_main(void *);
static void wiz_job_line(struct wiz_job *, const char *, ...) PT_PRINTF(2, 3);
static void wiz_job_check_line(void *, const struct setup_line *);
static void wiz_job_progress(void *, const char *);
static void wiz_job_free(struct wiz_job **);
static void wiz_job_finish(struct wiz *);
static void wiz_write(struct wiz *);
static const char *wiz_find_program(const char *);
static void wiz_lines_clear(struct wiz *);

static const char *
wiz_find_program(const char *name)
{
	const char *path = getenv("PATH"), *p, *e;
	char buf[1024];

	if (path == NULL)
		return NULL;
	for (p = path; *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, ':');
		if (e == NULL)
			e = p + strlen(p);
		if (e > p && (size_t)(e - p) + strlen(name) + 2 < sizeof buf) {
			(void)snprintf(buf, sizeof buf, "%.*s/%s", (int)(e - p),
			    p, name);
			if (access(buf, X_OK) == 0)
				return name;
		}
	}
	return NULL;
}

/* Draws text at (y, x), cut to w columns; returns the columns used. */
static int
wiz_text(int y, int x, int w, const char *s, attr_t attr)
{
	char *safe = pt_sanitize_line(s, strlen(s));
	const char *p = safe;
	int used = 0;

	if (y < 0 || y >= LINES || w <= 0) {
		free(safe);
		return 0;
	}
	attron(attr);
	move(y, x);
	while (*p != '\0') {
		uint32_t cp;
		size_t n = pt_utf8_decode(p, strlen(p), &cp);
		int cw = cp == PT_UTF8_INVALID ? 1 : pt_cp_width(cp);

		if (cw < 0)
			cw = 1;
		if (used + cw > w)
			break;
		addnstr(p, (int)n);
		used += cw;
		p += n;
	}
	attroff(attr);
	free(safe);
	return used;
}

/*
 * Word-wraps s into the box (y, x, w columns, at most maxrows rows);
 * returns the rows used.
 */
static int
wiz_wrap(int y, int x, int w, int maxrows, const char *s, attr_t attr)
{
	return wiz_wrap_draw(y, x, w, maxrows, s, attr, 1);
}

/* wiz_wrap, or with draw 0 only counting the rows it would use. */
static int
wiz_wrap_draw(int y, int x, int w, int maxrows, const char *s, attr_t attr,
    int draw)
{
	char line[1024];
	int rows = 0;

	while (*s != '\0' && rows < maxrows) {
		size_t len = 0, brk = 0, cols = 0;

		while (s[len] != '\0') {
			uint32_t cp;
			size_t n =
			    pt_utf8_decode(s + len, strlen(s + len), &cp);
			int cw = cp == PT_UTF8_INVALID ? 1 : pt_cp_width(cp);

			if (cw < 0)
				cw = 1;
			if (cols + (size_t)cw > (size_t)w)
				break;
			if (s[len] == ' ')
				brk = len;
			cols += (size_t)cw;
			len += n;
		}
		if (s[len] != '\0' && brk > 0)
			len = brk;
		if (len >= sizeof line)
			len = sizeof line - 1;
		memcpy(line, s, len);
		line[len] = '\0';
		if (draw)
			wiz_text(y + rows, x, w, line, attr);
		rows++;
		s += len;
		while (*s == ' ')
			s++;
	}
	return rows;
}

static void
wiz_bar(int y, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	attron(A_REVERSE);
	mvhline(y, 0, ' ', COLS);
	wiz_text(y, 1, COLS - 2, buf, A_REVERSE);
	attroff(A_REVERSE);
}

/* The fields of the current screen, in Tab order. */
static const int *
wiz_fields(const struct wiz *w, size_t *n)
{
	static const int ident[] = {F_NAME, F_EMAIL, F_IDENT_GO};
	static const int set[] = {F_IHOST, F_IPORT, F_ISEC, F_SHOST, F_SPORT,
	    F_SSEC, F_USER, F_SET_GO};
	static const int pw_cmd[] = {F_STORE, F_COMMAND, F_PW_GO};
	static const int pw[] = {F_PASSWORD, F_STORE, F_PW_GO};

	switch (w->screen) {
	case WIZ_IDENTITY:
		*n = PT_NELEM(ident);
		return ident;
	case WIZ_SETTINGS:
		*n = PT_NELEM(set);
		return set;
	case WIZ_PASSWORD:
		if (wiz_store_cmd(w)) {
			*n = PT_NELEM(pw_cmd);
			return pw_cmd;
		}
		*n = PT_NELEM(pw);
		return pw;
	default:
		*n = 0;
		return NULL;
	}
}

/* 1 when the password screen wants a command (password or token). */
static int
wiz_store_cmd(const struct wiz *w)
{
	return w->f[F_STORE].choice == WIZ_STORE_COMMAND ||
	       w->f[F_STORE].choice == WIZ_STORE_OAUTH;
}

static const char *
wiz_store_label(int choice)
{
	switch (choice) {
	case WIZ_STORE_COMMAND:
		return _("from a command (a password manager)");
	case WIZ_STORE_OAUTH:
		return _("no password: OAuth2 sign-in, a token command");
	case WIZ_STORE_FILE:
		return _("in the config file (readable only by you)");
	default:
		return _("asked each time petrel starts (memory only)");
	}
}

static void
wiz_draw_field(struct wiz *w, int y, int id, const char *label, int width)
{
	struct wiz_field *f = &w->f[id];
	int focus = w->focus == id, x = 4, lw = 12;
	char shown[WIZ_TEXT_MAX + 8], *t;
	const char *val = f->text;
	struct ui_edit e;
	size_t n, col;

	if (f->kind == WK_BUTTON) {
		(void)snprintf(shown, sizeof shown, "[ %s ]", label);
		wiz_text(y, x, COLS - x, shown, focus ? A_REVERSE : A_BOLD);
		if (focus) {
			w->cur_y = y;
			w->cur_x = x + 2;
		}
		return;
	}
	wiz_text(y, x, lw, label, A_NORMAL);
	x += lw + 1;
	if (f->kind == WK_SECURITY || f->kind == WK_STORE) {
		(void)snprintf(shown, sizeof shown, "< %s >",
		    f->kind == WK_SECURITY
			? setup_security_label((enum cfg_security)f->choice)
			: wiz_store_label(f->choice));
		wiz_text(y, x, COLS - x - 1, shown,
		    focus ? A_REVERSE : A_NORMAL);
		if (focus) {
			w->cur_y = y;
			w->cur_x = x;
		}
		return;
	}
	if (width > COLS - x - 2)
		width = COLS - x - 2;
	attron(focus ? A_UNDERLINE | A_BOLD : A_UNDERLINE);
	mvhline(y, x, ' ', width);
	attroff(A_UNDERLINE | A_BOLD);
	/* The part around the cursor, as the prompts' editor shows it. */
	ui_edit_init(&e, "", NULL);
	for (n = 0; *val != '\0';) {
		uint32_t cp;

		val += pt_utf8_decode(val, strlen(val), &cp);
		ui_edit_insert(&e, f->kind == WK_SECRET ? '*' : cp);
		n++;
	}
	e.pos = f->back < n ? n - f->back : 0;
	col = ui_edit_scroll(&e, width > 1 ? (size_t)width - 1 : 1);
	if (e.scroll > 0) {
		e.len -= e.scroll;
		memmove(e.cp, e.cp + e.scroll, e.len * sizeof *e.cp);
	}
	t = ui_edit_text(&e);
	(void)wiz_text(y, x, width, t,
	    focus ? A_UNDERLINE | A_BOLD : A_UNDERLINE);
	pt_secret_free_str(t);
	ui_edit_release(&e);
	if (focus) {
		w->cur_y = y;
		w->cur_x = x + (int)col;
	}
}

static void
wiz_draw_notes(struct wiz *w, int *y, int maxy)
{
	const struct setup_provider *p = w->st.provider;
	char buf[600];
	int n;

	if (p == NULL)
		return;
	for (n = 0; n < SETUP_NOTE_COUNT && *y < maxy; n++) {
		if (!(p->notes & (1u << n)))
			continue;
		(void)snprintf(buf, sizeof buf, "%s",
		    setup_note_text((enum setup_note)n));
		wiz_text(*y, 1, 2, "\u2192", A_BOLD);
		*y += wiz_wrap(*y, 3, COLS - 4, maxy - *y, buf, A_NORMAL);
	}
	if (p->hint != NULL && *y < maxy) {
		wiz_text(*y, 1, 2, "\u2192", A_BOLD);
		*y += wiz_wrap(*y, 3, COLS - 4, maxy - *y, p->hint, A_NORMAL);
	}
}

static void
wiz_draw_identity(struct wiz *w)
{
	const char *email = w->f[F_EMAIL].text;
	int y = 2;

	y += wiz_wrap(y, 1, COLS - 2, 3,
	    _("Welcome to petrel. Type your name and your email address; "
	      "petrel finds your mail servers, tests them and saves the "
	      "settings."),
	    A_NORMAL);
	y++;
	wiz_draw_field(w, y, F_NAME, _("Your name"), 50);
	wiz_draw_field(w, y + 2, F_EMAIL, _("Email"), 50);
	if (*email != '\0') {
		const struct setup_provider *p;
		char buf[512];

		if (!setup_email_valid(email))
			(void)snprintf(buf, sizeof buf, "%s",
			    _("not an address yet: it looks like "
			      "name@example.com"));
		else if ((p = setup_providers_find(&w->ps,
			      setup_email_domain(email))) != NULL)
			(void)snprintf(buf, sizeof buf, _("\u2713 %s"),
			    p->name);
		else
			(void)snprintf(buf, sizeof buf, "%s",
			    _("\u2713 looks like an email address"));
		wiz_text(y + 3, 17, COLS - 18, buf, A_NORMAL);
	}
	wiz_draw_field(w, y + 5, F_IDENT_GO, _("Continue"), 0);
}

static void
wiz_draw_settings(struct wiz *w)
{
	char buf[600];
	int y = 2;

	if (w->st.source_detail[0] != '\0')
		(void)snprintf(buf, sizeof buf, _("Settings from %s: %s"),
		    setup_source_name(w->st.source), w->st.source_detail);
	else
		(void)snprintf(buf, sizeof buf, _("Settings from %s"),
		    setup_source_name(w->st.source));
	y += wiz_wrap(y, 1, COLS - 2, 2, buf, A_BOLD);
	wiz_text(y++, 1, COLS - 2, _("Incoming mail (IMAP)"), A_NORMAL);
	wiz_draw_field(w, y++, F_IHOST, _("Server"), 45);
	wiz_draw_field(w, y++, F_IPORT, _("Port"), 6);
	wiz_draw_field(w, y++, F_ISEC, _("Security"), 0);
	wiz_text(y++, 1, COLS - 2, _("Outgoing mail (SMTP)"), A_NORMAL);
	wiz_draw_field(w, y++, F_SHOST, _("Server"), 45);
	wiz_draw_field(w, y++, F_SPORT, _("Port"), 6);
	wiz_draw_field(w, y++, F_SSEC, _("Security"), 0);
	wiz_draw_field(w, y++, F_USER, _("User name"), 45);
	y++;
	wiz_draw_notes(w, &y, LINES - 5);
	wiz_draw_field(w, LINES - 4, F_SET_GO, _("Continue"), 0);
}

static void
wiz_draw_password(struct wiz *w)
{
	char buf[512];
	int y = 2, store = w->f[F_STORE].choice;

	(void)snprintf(buf, sizeof buf, _("The password for %s"),
	    w->st.username);
	y += wiz_wrap(y, 1, COLS - 2, 2, buf, A_BOLD);
	y++;
	if (store != WIZ_STORE_COMMAND && store != WIZ_STORE_OAUTH)
		wiz_draw_field(w, y, F_PASSWORD, _("Password"), 40);
	y += 2;
	wiz_draw_notes(w, &y, 13);
	y = y < 14 ? 14 : y;
	wiz_text(y++, 1, COLS - 2, _("Keep the password:"), A_NORMAL);
	wiz_draw_field(w, y++, F_STORE, _("Where"), 0);
	if (store == WIZ_STORE_COMMAND)
		wiz_draw_field(w, y++, F_COMMAND, _("Command"), 50);
	else if (store == WIZ_STORE_OAUTH) {
		wiz_draw_field(w, y++, F_COMMAND, _("Command"), 50);
		y += wiz_wrap(y, 4, COLS - 5, 2,
		    _("It prints an access token (for example oama access "
		      "ADDRESS); petrel logs in with XOAUTH2 and runs it "
		      "before each connection (oauth_token_command)."),
		    A_NORMAL);
	} else if (store == WIZ_STORE_FILE)
		y += wiz_wrap(y, 4, COLS - 5, 2,
		    _("Warning: the password is written in plain text to the "
		      "config file (mode 0600); anyone who can read your "
		      "files, or your backups, can read it."),
		    A_BOLD);
	wiz_draw_field(w, LINES - 4, F_PW_GO, _("Test and save"), 0);
}

/*
 * One of the job's lines at row y (draw 0: only counts); returns its
 * rows.  A line's first byte is its kind: H head, + passed, x failed,
 * - skipped, > progress, A advice; failures and advice are wrapped.
 */
static int
wiz_line(const char *line, int y, int maxrows, int draw)
{
	const char *l = line + 1;
	int indent = 1;

	while (l[0] == ' ') {
		l++;
		indent++;
	}
	if (line[0] == 'x' || line[0] == 'A')
		return wiz_wrap_draw(y, indent, COLS - indent - 1, maxrows, l,
		    line[0] == 'A' ? A_BOLD : A_NORMAL, draw);
	if (draw)
		wiz_text(y, indent, COLS - indent - 1, l,
		    line[0] == 'H' ? A_BOLD : A_NORMAL);
	return 1;
}

/* The job's lines in rows top..bottom, the newest at the bottom. */
static void
wiz_draw_lines(struct wiz *w, int top, int bottom)
{
	size_t first = w->nlines, i;
	int rows = 0, y = top;

	while (first > 0) {
		int r = wiz_line(w->lines[first - 1], 0, 4, 0);

		if (rows + r > bottom - top + 1)
			break;
		rows += r;
		first--;
	}
	for (i = first; i < w->nlines && y <= bottom; i++)
		y += wiz_line(w->lines[i], y, bottom - y + 1, 1);
}

static void
wiz_advice(void *arg, const char *text)
{
	struct wiz *w = arg;
	char *l;

	if (w->nlines >= WIZ_LINES_MAX)
		return;
	l = pt_xasprintf("A\u2192 %s", text);
	w->lines[w->nlines++] = l;
}

static void
wiz_draw_test(struct wiz *w)
{
	struct wiz_job *j = w->job;
	const struct net_cert_info *ci;
	char buf[600];
	int bottom = LINES - 3, y;

	if (j == NULL || !j->done || !j->failed) {
		wiz_draw_lines(w, 2, bottom);
		return;
	}
	/* A failure: the lines, then the diagnosis and the choices. */
	y = bottom;
	ci = &j->res.cert;
	if (j->res.err.code == NET_ERR_CERT && ci->valid)
		y -= 5;
	else if (j->have_alt)
		y -= 3;
	wiz_draw_lines(w, 2, y - 1);
	if (j->have_alt) {
		(void)wiz_wrap(y, 1, COLS - 2, 3, j->why, A_BOLD);
	} else if (j->res.err.code == NET_ERR_CERT && ci->valid) {
		(void)snprintf(buf, sizeof buf, _("subject:  %s"), ci->subject);
		wiz_text(y++, 3, COLS - 4, buf, A_NORMAL);
		(void)snprintf(buf, sizeof buf, _("issuer:   %s"), ci->issuer);
		wiz_text(y++, 3, COLS - 4, buf, A_NORMAL);
		(void)snprintf(buf, sizeof buf, _("valid:    %s \u2013 %s"),
		    ci->not_before, ci->not_after);
		wiz_text(y++, 3, COLS - 4, buf, A_NORMAL);
		(void)snprintf(buf, sizeof buf, _("SHA-256:  %s"),
		    ci->sha256 + 7);
		wiz_text(y++, 3, COLS - 4, buf, A_NORMAL);
		wiz_text(y++, 3, COLS - 4,
		    _("Trust it only if your provider confirms this "
		      "fingerprint."),
		    A_BOLD);
	}
}

static void
wiz_draw_summary(struct wiz *w)
{
	char buf[600];
	int y = 2;

	(void)snprintf(buf, sizeof buf,
	    _("Your account is ready: saved as '%s' in %s."),
	    w->account_id != NULL ? w->account_id : "?", w->path);
	y += wiz_wrap(y, 1, COLS - 2, 2, buf, A_BOLD);
	y++;
	y += wiz_wrap(y, 1, COLS - 2, 2,
	    _("To read the same mail on a phone or in another program, "
	      "choose IMAP and enter:"),
	    A_NORMAL);
	y++;
	(void)snprintf(buf, sizeof buf, _("Incoming (IMAP): %s, port %d, %s"),
	    w->st.imap.host, w->st.imap.port,
	    setup_security_label(w->st.imap.security));
	wiz_text(y++, 3, COLS - 4, buf, A_NORMAL);
	(void)snprintf(buf, sizeof buf, _("Outgoing (SMTP): %s, port %d, %s"),
	    w->st.smtp.host, w->st.smtp.port,
	    setup_security_label(w->st.smtp.security));
	wiz_text(y++, 3, COLS - 4, buf, A_NORMAL);
	wiz_text(y++, 3, COLS - 4,
	    _("Outgoing server needs a login: yes, the same user name and "
	      "password"),
	    A_NORMAL);
	(void)snprintf(buf, sizeof buf, _("User name: %s"), w->st.username);
	wiz_text(y++, 3, COLS - 4, buf, A_NORMAL);
	y++;
	wiz_text(y, 1, COLS - 2,
	    _("petrel setup --show shows this again at any time."), A_NORMAL);
}

static void
wiz_draw(struct wiz *w)
{
	const char *title = "", *keys = "";
	int y;

	erase();
	curs_set(0);
	switch (w->screen) {
	case WIZ_IDENTITY:
		title = _("petrel setup \u2014 1 of 4: you");
		keys = _("Tab/\u2193 next  \u2191 back  Enter continue  "
			 "Esc quit");
		wiz_draw_identity(w);
		break;
	case WIZ_DETECT:
		title = _("petrel setup \u2014 finding your mail servers");
		keys = _("Esc stop looking");
		wiz_draw_lines(w, 2, LINES - 3);
		break;
	case WIZ_SETTINGS:
		title = _("petrel setup \u2014 2 of 4: your servers");
		keys = _("Tab/\u2193 next  Space/\u2190\u2192 change  Enter "
			 "continue  Esc back");
		wiz_draw_settings(w);
		break;
	case WIZ_PASSWORD:
		title = _("petrel setup \u2014 3 of 4: your password");
		keys = _("Tab/\u2193 next  Space/\u2190\u2192 change  Enter "
			 "test  Esc back");
		wiz_draw_password(w);
		break;
	case WIZ_TEST:
		title = _("petrel setup \u2014 4 of 4: testing");
		if (w->job != NULL && !w->job->done)
			keys = _("Esc stop");
		else if (w->job != NULL && w->job->have_alt)
			keys = _("u use it  e edit settings  q quit");
		else if (w->job != NULL &&
			 w->job->res.err.code == NET_ERR_CERT &&
			 w->job->res.cert.valid)
			keys = _("t trust this certificate  r reject and edit  "
				 "q quit");
		else if (w->job != NULL && w->job->res.login_failed)
			keys = _("p type the password again  e edit settings  "
				 "q quit");
		else
			keys = _("r try again  e edit settings  q quit");
		wiz_draw_test(w);
		break;
	case WIZ_SUMMARY:
		title = _("petrel setup \u2014 done");
		keys = _("Enter open your mail");
		wiz_draw_summary(w);
		break;
	case WIZ_LOCKOUT:
		title = _("petrel setup \u2014 stopped");
		keys = _("Enter quit");
		y = 2;
		y += wiz_wrap(y, 1, COLS - 2, 4,
		    _("Three logins failed, so petrel stops here: providers "
		      "lock an account for a while (CenturyLink and "
		      "Brightspeed for 24 hours) after repeated failed "
		      "logins."),
		    A_BOLD);
		y++;
		wiz_wrap(y, 1, COLS - 2, 6,
		    _("Check the password by logging in to your provider's "
		      "web mail, or reset it there, then run petrel setup "
		      "again. The user name is usually your full email "
		      "address."),
		    A_NORMAL);
		break;
	case WIZ_DONE:
		break;
	case WIZ_QUIT:
		title = _("petrel setup");
		keys = _("y leave  n stay");
		wiz_wrap(3, 1, COLS - 2, 3,
		    _("Leave without setting up an account? Nothing has been "
		      "written."),
		    A_BOLD);
		break;
	}
	wiz_bar(0, "%s", title);
	if (w->status[0] != '\0')
		wiz_text(LINES - 2, 1, COLS - 2, w->status, A_BOLD);
	wiz_bar(LINES - 1, "%s", keys);
	if (w->screen == WIZ_IDENTITY || w->screen == WIZ_SETTINGS ||
	    w->screen == WIZ_PASSWORD) {
		move(w->cur_y, w->cur_x);
		curs_set(1);
	}
	refresh();
}

static void
wiz_lines_clear(struct wiz *w)
{
	size_t i;

	for (i = 0; i < w->nlines; i++)
		free(w->lines[i]);
	w->nlines = 0;
}

/* Fills the settings fields from w->st. */
static void
wiz_from_settings(struct wiz *w)
{
	struct setup_settings *st = &w->st;

	pt_strlcpy(w->f[F_IHOST].text, st->imap.host, WIZ_TEXT_MAX);
	(void)snprintf(w->f[F_IPORT].text, WIZ_TEXT_MAX, "%d", st->imap.port);
	w->f[F_ISEC].choice = (int)st->imap.security;
	pt_strlcpy(w->f[F_SHOST].text, st->smtp.host, WIZ_TEXT_MAX);
	(void)snprintf(w->f[F_SPORT].text, WIZ_TEXT_MAX, "%d", st->smtp.port);
	w->f[F_SSEC].choice = (int)st->smtp.security;
	pt_strlcpy(w->f[F_USER].text, st->username, WIZ_TEXT_MAX);
}

/* Reads the settings fields into w->st; -1 with w->status set. */
static int
wiz_to_settings(struct wiz *w)
{
	static const int hosts[] = {F_IHOST, F_SHOST},
			 ports[] = {F_IPORT, F_SPORT};
	struct setup_server *srv[2] = {&w->st.imap, &w->st.smtp};
	int i;

	for (i = 0; i < 2; i++) {
		char *end;
		long n;

		setup_lower(w->f[hosts[i]].text);
		if (!setup_host_valid(w->f[hosts[i]].text)) {
			(void)snprintf(w->status, sizeof w->status, "%s",
			    _("Enter a server name, like mail.example.com."));
			w->focus = hosts[i];
			return -1;
		}
		errno = 0;
		n = strtol(w->f[ports[i]].text, &end, 10);
		if (errno != 0 || *end != '\0' || n < 1 || n > 65535) {
			(void)snprintf(w->status, sizeof w->status, "%s",
			    _("A port is a number from 1 to 65535."));
			w->focus = ports[i];
			return -1;
		}
		pt_strlcpy(srv[i]->host, w->f[hosts[i]].text,
		    sizeof srv[i]->host);
		srv[i]->port = (int)n;
		srv[i]->security = (enum cfg_security)w->f[hosts[i] + 2].choice;
	}
	if (w->f[F_USER].text[0] == '\0') {
		(void)snprintf(w->status, sizeof w->status, "%s",
		    _("Enter the user name (usually your email address)."));
		w->focus = F_USER;
		return -1;
	}
	pt_strlcpy(w->st.username, w->f[F_USER].text, sizeof w->st.username);
	return 0;
}

/* Wakes the UI thread; a full pipe means it is awake already. */
static void
wiz_job_wake(struct wiz_job *j)
{
	char one = 1;

	if (write(j->wake[1], &one, 1) != 1)
		return;
}

static void
wiz_job_line(struct wiz_job *j, const char *fmt, ...)
{
	char *l;
	va_list ap;

	va_start(ap, fmt);
	l = pt_xvasprintf(fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&j->lock);
	if (j->nlines < WIZ_LINES_MAX)
		j->lines[j->nlines++] = l;
	else
		free(l);
	pthread_mutex_unlock(&j->lock);
	wiz_job_wake(j);
}

static void
wiz_job_check_line(void *arg, const struct setup_line *l)
{
	struct wiz_job *j = arg;

	switch (l->kind) {
	case SETUP_LINE_HEAD:
		wiz_job_line(j, "H%s", l->label);
		break;
	case SETUP_LINE_OK:
		if (*l->detail != '\0')
			wiz_job_line(j, "+  \u2713 %s: %s", l->label,
			    l->detail);
		else
			wiz_job_line(j, "+  \u2713 %s", l->label);
		break;
	case SETUP_LINE_FAIL:
		wiz_job_line(j, "x  \u2717 %s", l->label);
		wiz_job_line(j, "x      %s", l->detail);
		break;
	case SETUP_LINE_SKIP:
		wiz_job_line(j, "-  - %s: %s", l->label, l->detail);
		break;
	}
}

static void
wiz_job_progress(void *arg, const char *text)
{
	wiz_job_line(arg, ">  %s", text);
}

static void *
wiz_job_main(void *arg)
{
	struct wiz_job *j = arg;
	struct setup_check_params cp;
	struct cfg_account acct;
	struct setup_detect_opts o;
	struct pt_error err;
	enum net_proto protos[2] = {NET_PROTO_IMAP, NET_PROTO_SMTP};
	int i;

	if (j->detect) {
		memset(&o, 0, sizeof o);
		o.cancel = j->cancel;
		o.progress = wiz_job_progress;
		o.arg = j;
		(void)setup_detect(j->st.email, j->ps, &o, &j->st, &err);
		goto done;
	}
	if (j->pwcmd != NULL) {
		memset(&acct, 0, sizeof acct);
		acct.id = "setup";
		acct.email = j->st.email;
		if (j->oauth)
			acct.oauth_token_command = j->pwcmd;
		else
			acct.password_command = j->pwcmd;
		pt_error_init(&err);
		if (cfg_account_password(&acct, &j->pw, &err) != 0) {
			pt_strlcpy(j->pwerr, err.msg, sizeof j->pwerr);
			j->failed = 1;
			goto done;
		}
	}
	memset(&cp, 0, sizeof cp);
	cp.email = j->st.email;
	cp.username = j->st.username;
	cp.pw = &j->pw;
	cp.oauth_token_command = j->oauth ? j->pwcmd : NULL;
	cp.imap_pin = j->imap_pin;
	cp.smtp_pin = j->smtp_pin;
	cp.cancel = j->cancel;
	cp.connect_timeout_ms = WIZ_CONNECT_MS;
	cp.line = wiz_job_check_line;
	cp.arg = j;
	for (i = j->smtp_only ? 1 : 0; i < 2; i++) {
		struct setup_server *srv = i == 0 ? &j->st.imap : &j->st.smtp;

		if (setup_check_server(&cp, protos[i], srv, &j->res) == 0)
			continue;
		j->failed = 1;
		j->proto = protos[i];
		if (!j->res.login_failed && !net_cancel_fired(j->cancel) &&
		    setup_check_fallback(&cp, protos[i], srv, &j->res.err,
			&j->alt, j->why, sizeof j->why) == 0)
			j->have_alt = 1;
		break;
	}
done:
	pthread_mutex_lock(&j->lock);
	j->done = 1;
	pthread_mutex_unlock(&j->lock);
	wiz_job_wake(j);
	return NULL;
}

static void
wiz_job_free(struct wiz_job **jp)
{
	struct wiz_job *j = *jp;
	size_t i;

	if (j == NULL)
		return;
	if (j->started) {
		net_cancel_fire(j->cancel);
		pthread_join(j->thread, NULL);
	}
	for (i = 0; i < j->nlines; i++)
		free(j->lines[i]);
	pt_secret_release(&j->pw);
	free(j->pwcmd);
	net_cancel_free(&j->cancel);
	close(j->wake[0]);
	close(j->wake[1]);
	pthread_mutex_destroy(&j->lock);
	free(j);
	*jp = NULL;
}

static void
wiz_job_start(struct wiz *w, int detect)
{
	struct wiz_job *j;
	struct pt_error err;
	sigset_t all, old;

	wiz_job_free(&w->job);
	wiz_lines_clear(w);
	j = pt_xcalloc(1, sizeof *j);
	pthread_mutex_init(&j->lock, NULL);
	pt_error_init(&err);
	if (pipe(j->wake) != 0 || (j->cancel = net_cancel_new(&err)) == NULL)
		pt_fatal("petrel setup: cannot make a pipe or a cancel token");
	(void)fcntl(j->wake[0], F_SETFL, O_NONBLOCK);
	(void)fcntl(j->wake[1], F_SETFL, O_NONBLOCK);
	j->detect = detect;
	j->st = w->st;
	j->ps = &w->ps;
	pt_secret_init(&j->pw);
	if (!detect) {
		if (wiz_store_cmd(w)) {
			j->pwcmd = pt_xstrdup(w->f[F_COMMAND].text);
			j->oauth = w->f[F_STORE].choice == WIZ_STORE_OAUTH;
		} else
			pt_secret_set(&j->pw, w->f[F_PASSWORD].text,
			    strlen(w->f[F_PASSWORD].text));
		j->imap_pin = w->imap_pin;
		j->smtp_pin = w->smtp_pin;
		j->smtp_only = w->imap_ok;
	}
	w->job = j;
	/* Signals stay with the UI thread (STYLE.md section 7). */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&j->thread, NULL, wiz_job_main, j) != 0)
		pt_fatal("petrel setup: cannot start a thread");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	j->started = 1;
}

/* Takes the job's new lines; acts when it is done. */
static void
wiz_job_finish(struct wiz *w)
{
	struct wiz_job *j = w->job;
	char buf[64];
	int done;

	if (j == NULL)
		return;
	while (read(j->wake[0], buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&j->lock);
	while (w->nlines < j->nlines)
		w->lines[w->nlines] = pt_xstrdup(j->lines[w->nlines]),
		w->nlines++;
	done = j->done;
	pthread_mutex_unlock(&j->lock);
	if (!done || !j->started)
		return;
	pthread_join(j->thread, NULL);
	j->started = 0;
	if (j->detect) {
		w->st = j->st;
		wiz_from_settings(w);
		w->screen = WIZ_SETTINGS;
		w->focus =
		    w->st.source == SETUP_SOURCE_MANUAL ? F_IHOST : F_SET_GO;
		if (w->st.source == SETUP_SOURCE_MANUAL)
			(void)snprintf(w->status, sizeof w->status, "%s",
			    _("petrel knows no settings for this address: "
			      "enter them by hand."));
		return;
	}
	if (j->pwerr[0] != '\0') {
		wiz_advice(w, j->pwerr);
		return;
	}
	if (!j->failed) {
		wiz_write(w);
		return;
	}
	if (j->proto == NET_PROTO_SMTP)
		w->imap_ok = 1;
	if (j->res.login_failed && ++w->login_failures >= WIZ_LOGIN_TRIES) {
		w->screen = WIZ_LOCKOUT;
		return;
	}
	if (j->res.login_failed)
		(void)snprintf(w->status, sizeof w->status,
		    ngettext_("%d more try before petrel stops.",
			"%d more tries before petrel stops.",
			WIZ_LOGIN_TRIES - w->login_failures),
		    WIZ_LOGIN_TRIES - w->login_failures);
	/* The certificate the user just trusted for IMAP, on SMTP too. */
	if (j->proto == NET_PROTO_SMTP && j->res.err.code == NET_ERR_CERT &&
	    j->res.cert.valid && w->imap_pin != NULL && w->smtp_pin == NULL &&
	    strcmp(j->res.cert.sha256, w->imap_pin) == 0) {
		w->smtp_pin = pt_xstrdup(w->imap_pin);
		wiz_job_start(w, 0);
		(void)snprintf(w->status, sizeof w->status, "%s",
		    _("The outgoing server has the certificate you trusted "
		      "for the incoming one."));
		return;
	}
	if (!j->have_alt && j->res.err.class != PT_E_CANCELLED)
		setup_check_advice(j->proto, &w->st, &j->res, wiz_advice, w);
}

static void
wiz_write(struct wiz *w)
{
	struct setup_account a;
	struct pt_error err;

	memset(&a, 0, sizeof a);
	a.name = w->f[F_NAME].text;
	a.st = &w->st;
	a.imap_pin = w->imap_pin;
	a.smtp_pin = w->smtp_pin;
	if (w->f[F_STORE].choice == WIZ_STORE_COMMAND)
		a.password_command = w->f[F_COMMAND].text;
	else if (w->f[F_STORE].choice == WIZ_STORE_OAUTH)
		a.oauth_token_command = w->f[F_COMMAND].text;
	else if (w->f[F_STORE].choice == WIZ_STORE_FILE)
		a.password = w->f[F_PASSWORD].text;
	free(w->account_id);
	if ((w->account_id = setup_account_write(w->path, &a, &err)) == NULL) {
		(void)snprintf(w->status, sizeof w->status, "%s", err.msg);
		return;
	}
	w->written = 1;
	w->screen = WIZ_SUMMARY;
	w->status[0] = '\0';
}

/* The control keys of the line editor that the wizard's fields take. */
static int
wiz_edit_ctl(uint32_t key)
{
	switch (key) {
	case 1:  /* ^A */
	case 2:  /* ^B */
	case 4:  /* ^D */
	case 5:  /* ^E */
	case 6:  /* ^F */
	case 8:  /* ^H */
	case 11: /* ^K */
	case 21: /* ^U */
	case 23: /* ^W */
	case 0x7f:
		return 1;
	default:
		return 0;
	}
}

/*
 * An editing key on a text field, through the prompts' line editor
 * (Left/Right, Home/End, ^A/^E, Delete, Backspace, ^U, ^K, ^W, typing
 * at the cursor).  Returns 1 when the key was one.
 */
static int
wiz_edit(struct wiz *w, uint32_t key)
{
	struct wiz_field *f = &w->f[w->focus];
	struct ui_edit e;
	char *t;
	int r;

	if (f->kind != WK_TEXT && f->kind != WK_SECRET && f->kind != WK_PORT)
		return 0;
	/* Up and Down move between fields: no history here. */
	if (key == (UI_KEY_FN | KEY_UP) || key == (UI_KEY_FN | KEY_DOWN))
		return 0;
	if (!(key & UI_KEY_FN) && (key < 0x20 || key == 0x7f) &&
	    !wiz_edit_ctl(key))
		return 0;
	if (f->kind == WK_PORT && !(key & UI_KEY_FN) && key > 0x20 &&
	    key != 0x7f && (key < '0' || key > '9' || strlen(f->text) >= 5))
		return 1;
	ui_edit_init(&e, f->text, NULL);
	e.pos = f->back < e.len ? e.len - f->back : 0;
	r = ui_edit_key(&e, key);
	t = ui_edit_text(&e);
	if (r && strlen(t) < WIZ_TEXT_MAX) {
		if (strcmp(t, f->text) != 0) {
			pt_strlcpy(f->text, t, sizeof f->text);
			if (f->kind == WK_PORT)
				wiz_port_changed(w, w->focus);
		}
		f->back = e.len - e.pos;
	}
	/* A password passed through here: leave none of it behind. */
	if (e.cp != NULL)
		explicit_bzero(e.cp, e.cap * sizeof *e.cp);
	pt_secret_free_str(t);
	ui_edit_release(&e);
	return r;
}

/* A port was edited: pick its usual security, and say so. */
static void
wiz_port_changed(struct wiz *w, int id)
{
	int sec = setup_port_security((int)strtol(w->f[id].text, NULL, 10));

	if (sec >= 0 && sec != w->f[id + 1].choice) {
		w->f[id + 1].choice = sec;
		(void)snprintf(w->status, sizeof w->status,
		    _("Port %s usually uses %s: security set to match."),
		    w->f[id].text,
		    setup_security_label((enum cfg_security)sec));
	}
}

/* Space, Left or Right on a choice field. */
static void
wiz_toggle(struct wiz *w, int id, int dir)
{
	struct wiz_field *f = &w->f[id];

	if (f->kind == WK_SECURITY) {
		struct setup_server s, alt;
		long port;

		f->choice =
		    f->choice == CFG_SEC_TLS ? CFG_SEC_STARTTLS : CFG_SEC_TLS;
		/* The usual port of the other security, and the reverse. */
		port = strtol(w->f[id - 1].text, NULL, 10);
		memset(&s, 0, sizeof s);
		s.port = (int)port;
		s.security = (enum cfg_security)(
		    f->choice == CFG_SEC_TLS ? CFG_SEC_STARTTLS : CFG_SEC_TLS);
		if (setup_port_security(s.port) == (int)s.security &&
		    setup_alternative(id == F_SSEC, &s, &alt) == 0 &&
		    (int)alt.security == f->choice) {
			(void)snprintf(w->f[id - 1].text, WIZ_TEXT_MAX, "%d",
			    alt.port);
			(void)snprintf(w->status, sizeof w->status,
			    _("%s usually uses port %d: port set to match."),
			    setup_security_label(alt.security), alt.port);
		}
		return;
	}
	if (f->kind == WK_STORE) {
		do {
			f->choice =
			    (f->choice + (dir < 0 ? WIZ_STORE_COUNT - 1 : 1)) %
			    WIZ_STORE_COUNT;
		} while (f->choice == WIZ_STORE_COMMAND && w->pass_cmd == NULL);
		wiz_store_prefill(w);
	}
}

/*
 * The command field as the chosen way suggests it: the password
 * manager found, or oama for a token when it is installed.
 */
static void
wiz_store_prefill(struct wiz *w)
{
	struct wiz_field *c = &w->f[F_COMMAND];

	c->back = 0;
	c->text[0] = '\0';
	if (w->f[F_STORE].choice == WIZ_STORE_COMMAND && w->pass_cmd != NULL)
		(void)snprintf(c->text, WIZ_TEXT_MAX,
		    strcmp(w->pass_cmd, "pass") == 0
			? "pass show email/%s"
			: "secret-tool lookup petrel %s",
		    w->st.email);
	else if (w->f[F_STORE].choice == WIZ_STORE_OAUTH &&
		 wiz_find_program("oama") != NULL)
		(void)snprintf(c->text, WIZ_TEXT_MAX, "oama access %s",
		    w->st.email);
}

static void
wiz_next(struct wiz *w, int dir)
{
	const int *ids;
	size_t n, i;

	if ((ids = wiz_fields(w, &n)) == NULL || n == 0)
		return;
	for (i = 0; i < n; i++)
		if (ids[i] == w->focus)
			break;
	if (i == n)
		w->focus = ids[0];
	else
		w->focus = ids[(i + n + (size_t)(dir < 0 ? -1 : 1)) % n];
}

/* Enter on a screen's last step: 0 when the screen changed. */
static int
wiz_continue(struct wiz *w)
{
	switch (w->screen) {
	case WIZ_IDENTITY:
		if (w->f[F_NAME].text[0] == '\0') {
			(void)snprintf(w->status, sizeof w->status, "%s",
			    _("Type your name: it is shown to the people you "
			      "write to."));
			w->focus = F_NAME;
			return -1;
		}
		if (!setup_email_valid(w->f[F_EMAIL].text)) {
			(void)snprintf(w->status, sizeof w->status, "%s",
			    _("That is not an email address yet: it looks "
			      "like name@example.com."));
			w->focus = F_EMAIL;
			return -1;
		}
		setup_settings_init(&w->st, w->f[F_EMAIL].text);
		free(w->imap_pin);
		free(w->smtp_pin);
		w->imap_pin = w->smtp_pin = NULL;
		w->screen = WIZ_DETECT;
		wiz_job_start(w, 1);
		return 0;
	case WIZ_SETTINGS:
		if (wiz_to_settings(w) != 0)
			return -1;
		w->screen = WIZ_PASSWORD;
		/* A provider that takes no password: OAuth2 first. */
		if (w->st.oauth_only &&
		    w->f[F_STORE].choice != WIZ_STORE_OAUTH) {
			w->f[F_STORE].choice = WIZ_STORE_OAUTH;
			wiz_store_prefill(w);
		}
		w->focus = wiz_store_cmd(w) ? F_STORE : F_PASSWORD;
		return 0;
	case WIZ_PASSWORD:
		if (wiz_store_cmd(w) ? w->f[F_COMMAND].text[0] == '\0'
				     : w->f[F_PASSWORD].text[0] == '\0') {
			(void)snprintf(w->status, sizeof w->status, "%s",
			    wiz_store_cmd(w) ? _("Type the command first.")
					     : _("Type the password first."));
			return -1;
		}
		w->screen = WIZ_TEST;
		wiz_job_start(w, 0);
		return 0;
	default:
		return -1;
	}
}

static void
wiz_test_key(struct wiz *w, wint_t ch)
{
	struct wiz_job *j = w->job;
	char **pin;

	if (j == NULL || !j->done)
		return;
	if (ch == 'q' || ch == 'Q') {
		w->quit_from = WIZ_TEST;
		w->screen = WIZ_QUIT;
	} else if (ch == 'e' || ch == 'E' ||
		   ((ch == 'r' || ch == 'R') &&
		       j->res.err.code == NET_ERR_CERT)) {
		w->imap_ok = 0;
		wiz_from_settings(w);
		w->screen = WIZ_SETTINGS;
		w->focus = j->proto == NET_PROTO_SMTP ? F_SHOST : F_IHOST;
	} else if ((ch == 'u' || ch == 'U') && j->have_alt) {
		if (j->proto == NET_PROTO_SMTP)
			w->st.smtp = j->alt;
		else
			w->st.imap = j->alt;
		wiz_from_settings(w);
		wiz_job_start(w, 0);
	} else if ((ch == 't' || ch == 'T') &&
		   j->res.err.code == NET_ERR_CERT && j->res.cert.valid) {
		pin = j->proto == NET_PROTO_SMTP ? &w->smtp_pin : &w->imap_pin;
		free(*pin);
		*pin = pt_xstrdup(j->res.cert.sha256);
		wiz_job_start(w, 0);
	} else if ((ch == 'p' || ch == 'P') && j->res.login_failed) {
		w->f[F_PASSWORD].text[0] = '\0';
		w->imap_ok = 0;
		w->screen = WIZ_PASSWORD;
		w->focus = F_PASSWORD;
	} else if (ch == 'r' || ch == 'R') {
		wiz_job_start(w, 0);
	}
}

static void
wiz_key(struct wiz *w, int r, wint_t ch)
{
	int fn = r == KEY_CODE_YES;
	int kind = w->f[w->focus].kind;

	w->status[0] = '\0';
	if (!fn && ch == 3) { /* Ctrl-C */
		w->screen = WIZ_QUIT;
		return;
	}
	switch (w->screen) {
	case WIZ_QUIT:
		if (ch == 'y' || ch == 'Y')
			w->screen = WIZ_DONE;
		else if (ch == 'n' || ch == 'N' || ch == 27)
			w->screen = (enum wiz_screen)w->quit_from;
		return;
	case WIZ_DETECT:
		if (!fn && ch == 27 && w->job != NULL)
			net_cancel_fire(w->job->cancel);
		return;
	case WIZ_TEST:
		if (!fn && ch == 27 && w->job != NULL && !w->job->done)
			net_cancel_fire(w->job->cancel);
		else if (!fn)
			wiz_test_key(w, ch);
		return;
	case WIZ_SUMMARY:
	case WIZ_LOCKOUT:
		if (!fn && (ch == '\r' || ch == '\n' || ch == 'q'))
			w->screen = WIZ_DONE;
		return;
	default:
		break;
	}
	if (fn) {
		switch (ch) {
		case KEY_DOWN:
			wiz_next(w, 1);
			return;
		case KEY_UP:
		case KEY_BTAB:
			wiz_next(w, -1);
			return;
		case KEY_LEFT:
		case KEY_RIGHT:
			if (kind == WK_SECURITY || kind == WK_STORE) {
				wiz_toggle(w, w->focus,
				    ch == KEY_LEFT ? -1 : 1);
				return;
			}
			break;
		case KEY_ENTER:
			ch = '\r';
			fn = 0;
			break;
		default:
			break;
		}
		if (fn) {
			(void)wiz_edit(w, UI_KEY_FN | (uint32_t)ch);
			return;
		}
	}
	switch (ch) {
	case '\t':
		wiz_next(w, 1);
		return;
	case 27: /* Esc: back, or leave from the first screen */
		if (w->screen == WIZ_IDENTITY) {
			w->quit_from = WIZ_IDENTITY;
			w->screen = WIZ_QUIT;
		} else if (w->screen == WIZ_SETTINGS) {
			w->screen = WIZ_IDENTITY;
			w->focus = F_EMAIL;
		} else if (w->screen == WIZ_PASSWORD) {
			w->screen = WIZ_SETTINGS;
			w->focus = F_SET_GO;
		}
		return;
	case '\r':
	case '\n':
		if (kind == WK_BUTTON || w->focus == F_EMAIL ||
		    w->focus == F_USER || w->focus == F_PASSWORD ||
		    w->focus == F_COMMAND)
			(void)wiz_continue(w);
		else
			wiz_next(w, 1);
		return;
	case ' ':
		if (kind == WK_SECURITY || kind == WK_STORE) {
			wiz_toggle(w, w->focus, 1);
			return;
		}
		break;
	default:
		break;
	}
	(void)wiz_edit(w, (uint32_t)ch);
}

static int
wiz_loop(struct wiz *w)
{
	struct pollfd pfd[2];
	wint_t ch;
	int r;

	while (w->screen != WIZ_DONE) {
		int n;

		wiz_draw(w);
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = w->job != NULL ? w->job->wake[0] : -1;
		pfd[1].events = POLLIN;
		n = poll(pfd, 2, 1000);
		if (n < 0 && errno != EINTR)
			return -1;
		if (w->job != NULL)
			wiz_job_finish(w);
		if (n <= 0 && errno == EINTR) {
			/* SIGWINCH: let curses see the new size. */
			if ((r = get_wch(&ch)) != ERR)
				wiz_key(w, r, ch);
			continue;
		}
		if (n > 0 && (pfd[0].revents & (POLLIN | POLLHUP)))
			while ((r = get_wch(&ch)) != ERR) {
				if (r == KEY_CODE_YES && ch == KEY_RESIZE)
					continue;
				wiz_key(w, r, ch);
				if (w->screen == WIZ_DONE)
					break;
			}
	}
	return 0;
}

int
setup_wizard_run(const char *path, struct pt_secret *pw, struct pt_error *err)
{
	struct wiz *w;
	char *defpath = NULL;
	int i, rc;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return pt_error_set(err, PT_E_INTERNAL, 0, "%s",
		    _("the setup wizard needs a terminal; use petrel setup "
		      "--email ADDR --name NAME instead"));
	w = pt_xcalloc(1, sizeof *w);
	if (path == NULL)
		path = defpath = pt_xdg_path(PT_XDG_CONFIG, "config");
	w->path = path;
	setup_providers_init(&w->ps);
	if (setup_providers_load(&w->ps, err) != 0)
		pt_warn("setup: %s", err->msg);
	for (i = 0; i < F_COUNT; i++)
		w->f[i].kind = WK_TEXT;
	w->f[F_IDENT_GO].kind = w->f[F_SET_GO].kind = w->f[F_PW_GO].kind =
	    WK_BUTTON;
	w->f[F_IPORT].kind = w->f[F_SPORT].kind = WK_PORT;
	w->f[F_ISEC].kind = w->f[F_SSEC].kind = WK_SECURITY;
	w->f[F_STORE].kind = WK_STORE;
	w->f[F_PASSWORD].kind = WK_SECRET;
	w->pass_cmd = wiz_find_program("pass");
	if (w->pass_cmd == NULL)
		w->pass_cmd = wiz_find_program("secret-tool");
	w->screen = WIZ_IDENTITY;
	w->focus = F_NAME;

	pt_log_quiet_stderr(1);
	if (initscr() == NULL) {
		pt_log_quiet_stderr(0);
		rc = pt_error_set(err, PT_E_INTERNAL, 0, "%s",
		    _("cannot initialise the terminal (is TERM set?)"));
		goto out;
	}
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	rc = wiz_loop(w);
	endwin();
	pt_log_quiet_stderr(0);
	if (rc != 0)
		rc = pt_error_set(err, PT_E_INTERNAL, errno, "%s",
		    _("the terminal stopped answering"));
	else
		rc = w->written ? 0 : 1;
	if (rc == 0 && pw != NULL && !wiz_store_cmd(w))
		pt_secret_set(pw, w->f[F_PASSWORD].text,
		    strlen(w->f[F_PASSWORD].text));
out:
	wiz_job_free(&w->job);
	wiz_lines_clear(w);
	setup_providers_release(&w->ps);
	free(w->imap_pin);
	free(w->smtp_pin);
	free(w->account_id);
	explicit_bzero(w->f[F_PASSWORD].text, sizeof w->f[F_PASSWORD].text);
	free(w);
	free(defpath);
	return rc;
}
