/*
 * start.c: the first screen: the configured accounts and their servers.
 * The index, pager and folder screens replace it as they land.
 */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/ui.h"

static void ui_start_draw(const struct cfg *);
static void ui_start_line(int, const char *, ...) PT_PRINTF(2, 3);

static void
ui_start_line(int y, const char *fmt, ...)
{
	char *raw, *safe;
	va_list ap;

	if (y >= LINES - 1)
		return;
	va_start(ap, fmt);
	raw = pt_xvasprintf(fmt, ap);
	va_end(ap);
	safe = pt_sanitize_line(raw, strlen(raw));
	mvaddnstr(y, 0, safe, COLS);
	free(raw);
	free(safe);
}

static void
ui_start_draw(const struct cfg *cfg)
{
	size_t i;
	int y = 2;

	erase();
	attron(A_REVERSE);
	mvhline(0, 0, ' ', COLS);
	ui_start_line(0, " petrel %s   %s", PACKAGE_VERSION, cfg_path(cfg));
	attroff(A_REVERSE);
	if (cfg_account_count(cfg) == 0)
		ui_start_line(y++, "%s", _("No accounts are configured."));
	for (i = 0; i < cfg_account_count(cfg); i++) {
		const struct cfg_account *a = cfg_account_at(cfg, i);

		ui_start_line(y++, _("Account %s: %s <%s>"), a->id,
		    a->name != NULL ? a->name : "", a->email);
		ui_start_line(y++, _("  incoming (IMAP):  %s port %d, %s"),
		    a->imap.host, a->imap.port,
		    cfg_security_name(a->imap.security));
		ui_start_line(y++, _("  outgoing (SMTP):  %s port %d, %s"),
		    a->smtp.host, a->smtp.port,
		    cfg_security_name(a->smtp.security));
		y++;
	}
	ui_start_line(y + 1, "%s",
	    _("Check a connection with: petrel doctor ACCOUNT"));
	attron(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	ui_start_line(LINES - 1, "%s", _(" q:Quit  ?:Help"));
	attroff(A_REVERSE);
	refresh();
}

int
ui_run(const struct cfg *cfg, struct pt_error *err)
{
	wint_t ch;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return pt_error_set(err, PT_E_INTERNAL, 0, "%s",
		    _("petrel needs a terminal (standard input and output "
		      "must be a terminal)"));
	pt_log_quiet_stderr(1);
	if (initscr() == NULL) {
		pt_log_quiet_stderr(0);
		return pt_error_set(err, PT_E_INTERNAL, 0, "%s",
		    _("cannot initialise the terminal (is TERM set?)"));
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	ui_start_draw(cfg);
	for (;;) {
		int r = get_wch(&ch);

		if (r == ERR)
			continue;
		if (r == KEY_CODE_YES && ch == KEY_RESIZE) {
			ui_start_draw(cfg);
			continue;
		}
		if (r == OK && (ch == 'q' || ch == 'Q'))
			break;
	}
	endwin();
	pt_log_quiet_stderr(0);
	return 0;
}
