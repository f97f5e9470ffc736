/*
 * ui: the ncurses interface: the message index with threads, the
 * pager, the folder list and sidebar, help, prompts, colours and keys.
 * Only this module calls curses, and only from the main thread, which
 * never waits on the network: it polls the terminal, the engine's
 * wakeup fd and a signal self-pipe, and talks to the servers only
 * through engine jobs and events (engine.h).
 *
 *	src/ui/loop.c		ui_run, the main loop, terminal and signals
 *	src/ui/screens.c	the screen stack, the shared scrolling list
 *	src/ui/events.c		engine events, jobs, the open folder
 *	src/ui/index.c		the message index (patterns, threads, tags)
 *	src/ui/pager.c		reading a message
 *	src/ui/folders.c	the folder list
 *	src/ui/sidebar.c	the folder list beside the index
 *	src/ui/attach.c		attachments (save, mailcap) and a text viewer
 *	src/ui/mailcap.c	mailcap entries: find, run safely, HTML filter
 *	src/ui/urls.c		the links of a message
 *	src/ui/help.c		the help screen, from the live keymap
 *	src/ui/logview.c	past messages and errors
 *	src/ui/ops.c		flags, move/copy, expunge, sort, quit
 *	src/ui/prompt.c		yes/no, text, password, certificate prompts
 *	src/ui/draw.c		help bar, status line, message line
 *	src/ui/msg.c		the message line and the log behind it
 *	src/ui/color.c		colours per element ([colors])
 *	src/ui/compose.c	where writing mail plugs in
 *   pure (no curses calls; unit-tested in tests/unit/ui):
 *	src/ui/model.c		the messages of the open folder
 *	src/ui/thread.c		JWZ threading
 *	src/ui/view.c		sort, limit, collapse, cursor and scroll
 *	src/ui/pattern.c	mutt-style patterns (~f, ~s, ~d, ~b ...)
 *	src/ui/format.c		the index line format, by display columns
 *	src/ui/text.c		display width, links in text, sizes
 *	src/ui/keymap.c		functions, key names, bindings ([keys])
 *	src/ui/edit.c		the line editor with history and completion
 *	src/ui/private.h	what these files share
 *
 * Ownership: ui_run borrows the struct cfg.
 */
#ifndef PETREL_UI_H
#define PETREL_UI_H

#include <stddef.h>
#include <stdint.h>

#include "petrel/config.h"
#include "petrel/core.h"

/*
 * Runs the interface until the user quits (or SIGTERM/SIGHUP).  Starts
 * the engine for the configured accounts and opens the first account's
 * INBOX.  The terminal is restored on every way out, including fatal
 * signals and exit().  Returns 0, or -1 with err set when the terminal
 * or the engine could not be used.
 */
int ui_run(const struct cfg *, struct pt_error *);

/*
 * Hands the next ui_run a password the user has just typed elsewhere
 * (the setup wizard) for the account at that index: the first time the
 * engine asks for it, it is answered without a prompt (a refused one is
 * then asked for as usual).  The password is copied, and wiped once
 * used or when ui_run returns.  Call it before ui_run, on the main
 * thread.
 */
void ui_preset_password(size_t, const char *);

/*
 * The line editor (src/ui/edit.c), a model with no curses calls: the
 * prompts' and the setup wizard's fields.  Any thread, one editor at a
 * time; ui_edit_text returns a string the caller frees.
 */
#define UI_KEY_FN   0x01000000u /* a curses KEY_* code follows */
#define UI_KEY_META 0x02000000u /* Esc (Alt) then the key */

struct ui_hist {
	char **item;
	size_t n, cap, max;
};
void ui_hist_init(struct ui_hist *, size_t);
void ui_hist_release(struct ui_hist *);
void ui_hist_add(struct ui_hist *, const char *);

struct ui_edit {
	uint32_t *cp;
	size_t len, cap, pos;
	struct ui_hist *hist; /* may be NULL */
	size_t hpos;          /* == hist->n: the line being edited */
	char *saved;          /* the line being edited while in history */
	size_t scroll;        /* first code point shown */
};
void ui_edit_init(struct ui_edit *, const char *, struct ui_hist *);
void ui_edit_release(struct ui_edit *);
void ui_edit_set(struct ui_edit *, const char *);
/* The text as a new UTF-8 string. */
char *ui_edit_text(const struct ui_edit *);
void ui_edit_insert(struct ui_edit *, uint32_t);
/*
 * Editing keys (a code point, or UI_KEY_FN | a curses KEY_* code):
 * ^A/Home, ^E/End, ^B/Left, ^F/Right, ^D/Delete, Backspace/^H, ^K, ^U,
 * ^W, Up/Down (^P/^N) history, anything printable inserted.  Returns 1
 * when the key was an editing key.
 */
int ui_edit_key(struct ui_edit *, uint32_t);
/*
 * Moves e->scroll so that the cursor shows in a field width columns
 * wide; returns the cursor's column counted from e->scroll.
 */
size_t ui_edit_scroll(struct ui_edit *, size_t);
/*
 * Completes the word before the cursor from cands (n strings): the
 * longest common prefix of those that start with it.  Returns how many
 * matched.
 */
size_t ui_edit_complete(struct ui_edit *, const char *const *, size_t);

/* Limits of a mailcap command whose output is read (the HTML filter). */
#define UI_MAILCAP_TIMEOUT_MS 10000
#define UI_MAILCAP_OUT_MAX    ((size_t)16 * 1024 * 1024)

/*
 * A mime_render_opts.html_filter for the pager and petrel --render: the
 * first text/html mailcap entry with copiousoutput (~/.mailcap, then
 * /etc/mailcap, or $MAILCAPS), run on the HTML in a private temporary
 * file (mode 0600, removed afterwards), standard input /dev/null, with
 * UI_MAILCAP_TIMEOUT_MS and UI_MAILCAP_OUT_MAX.  Returns its output
 * (the caller frees it), or NULL: err is left alone when there is no
 * entry and set when the command failed, timed out or wrote too much.
 * arg is unused.  Any thread; it blocks while the command runs.
 */
char *ui_mailcap_html(void *, const char *, size_t, size_t *,
    struct pt_error *);

#endif
