/*
 * loop.c: ui_run and the main loop.  The UI thread waits in poll() on
 * the terminal, the engine's wakeup fd and a self-pipe the signal
 * handlers write to; it drains the keys, drains the engine events, puts
 * a bounded amount of index data into the model, and redraws once.
 * Nothing here blocks on the network.
 *
 * The terminal is restored on every way out: a normal return, exit()
 * (atexit), SIGTERM/SIGHUP (state saved, clean quit), and fatal signals
 * in any thread (SIGSEGV, SIGABRT, ...), whose handler writes the saved
 * terminal reset sequence and termios with async-signal-safe calls
 * before the default action runs.
 */
#include "config.h"

#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/ui.h"

#include "private.h"

#define UI_WORK_MS 12 /* model work per pass, to keep keys snappy */
#define UI_SLOW_MS 30 /* passes slower than this go to the debug log */

static int ui_sigfd[2] = {-1, -1};
static volatile sig_atomic_t ui_term_active;
static struct termios ui_term_saved;
static int ui_term_saved_ok;
static char ui_term_reset[512];
static size_t ui_term_reset_len;
static SCREEN *ui_term_screen;

static const int ui_fatal_sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
static struct sigaction ui_fatal_old[PT_NELEM(ui_fatal_sigs)];

static void ui_sig_handler(int);
static void ui_fatal_handler(int, siginfo_t *, void *);
static void ui_term_emergency(void);
static void ui_term_atexit(void);
static int ui_term_start(struct pt_error *);
static void ui_term_stop(void);
static void ui_signals_install(void);
static void ui_signals_restore(void);
static void ui_resize(struct ui *);
static void ui_suspend(struct ui *);
static void ui_read_signals(struct ui *);
static void ui_read_keys(struct ui *);
static void ui_key(struct ui *, uint32_t);
static void ui_draw(struct ui *);
static void ui_init(struct ui *, const struct cfg *);
static void ui_release(struct ui *);
static void ui_keys_from_config(struct ui *);
static void ui_hist_load(struct ui *);
static void ui_hist_save(struct ui *);
static void ui_log_level(const struct cfg *);

long long
ui_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
ui_sig_handler(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;

	if (write(ui_sigfd[1], &c, 1) < 0) {
		/* A full pipe: the signal is already pending there. */
	}
	errno = saved;
}

/* Async-signal-safe: writes and tcsetattr only. */
static void
ui_term_emergency(void)
{
	if (!ui_term_active)
		return;
	ui_term_active = 0;
	if (ui_term_reset_len > 0) {
		ssize_t r =
		    write(STDOUT_FILENO, ui_term_reset, ui_term_reset_len);
		(void)r;
	}
	if (ui_term_saved_ok)
		tcsetattr(STDIN_FILENO, TCSANOW, &ui_term_saved);
}

static void
ui_fatal_handler(int sig, siginfo_t *info, void *ctx)
{
	size_t i;

	ui_term_emergency();
	for (i = 0; i < PT_NELEM(ui_fatal_sigs); i++) {
		if (ui_fatal_sigs[i] != sig)
			continue;
		/* Hand over to whoever was there before (a sanitizer's
		 * report), else to the default action. */
		if ((ui_fatal_old[i].sa_flags & SA_SIGINFO) &&
		    ui_fatal_old[i].sa_sigaction != NULL) {
			sigaction(sig, &ui_fatal_old[i], NULL);
			ui_fatal_old[i].sa_sigaction(sig, info, ctx);
			return;
		}
		if (ui_fatal_old[i].sa_handler != SIG_DFL &&
		    ui_fatal_old[i].sa_handler != SIG_IGN &&
		    ui_fatal_old[i].sa_handler != NULL) {
			sigaction(sig, &ui_fatal_old[i], NULL);
			ui_fatal_old[i].sa_handler(sig);
			return;
		}
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
ui_term_atexit(void)
{
	ui_term_emergency();
}

static void
ui_signals_install(void)
{
	static const int sigs[] = {SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGTSTP,
	    SIGCONT};
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ui_sig_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < PT_NELEM(sigs); i++)
		sigaction(sigs[i], &sa, NULL);

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = ui_fatal_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
	for (i = 0; i < PT_NELEM(ui_fatal_sigs); i++)
		sigaction(ui_fatal_sigs[i], &sa, &ui_fatal_old[i]);
}

static void
ui_signals_restore(void)
{
	static const int sigs[] = {SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGTSTP,
	    SIGCONT};
	size_t i;

	for (i = 0; i < PT_NELEM(sigs); i++)
		signal(sigs[i], SIG_DFL);
	for (i = 0; i < PT_NELEM(ui_fatal_sigs); i++)
		sigaction(ui_fatal_sigs[i], &ui_fatal_old[i], NULL);
}

/* The reset sequence the emergency path writes, from terminfo. */
static void
ui_term_reset_add(const char *cap)
{
	char *s = tigetstr(cap);
	size_t n;

	if (s == NULL || s == (char *)-1)
		return;
	n = strlen(s);
	if (ui_term_reset_len + n >= sizeof ui_term_reset)
		return;
	memcpy(ui_term_reset + ui_term_reset_len, s, n);
	ui_term_reset_len += n;
}

static int
ui_term_start(struct pt_error *err)
{
	if (tcgetattr(STDIN_FILENO, &ui_term_saved) == 0)
		ui_term_saved_ok = 1;
	if ((ui_term_screen = newterm(NULL, stdout, stdin)) == NULL)
		return pt_error_set(err, PT_E_INTERNAL, 0, "%s",
		    _("cannot use this terminal (is TERM set to a known "
		      "type?)"));
	set_term(ui_term_screen);
	ui_term_reset_len = 0;
	ui_term_reset_add("sgr0");
	ui_term_reset_add("cnorm");
	ui_term_reset_add("rmkx");
	ui_term_reset_add("rmcup");
	ui_term_active = 1;
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(40);
	curs_set(0);
	return 0;
}

static void
ui_term_stop(void)
{
	if (ui_term_screen == NULL)
		return;
	endwin();
	ui_term_active = 0;
	delscreen(ui_term_screen);
	ui_term_screen = NULL;
}

void
ui_term_pause(void)
{
	def_prog_mode();
	endwin();
	ui_term_active = 0;
}

void
ui_term_resume(struct ui *ui)
{
	reset_prog_mode();
	ui_term_active = 1;
	clearok(curscr, TRUE);
	ui->redraw = 1;
}

static void
ui_resize(struct ui *ui)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	ui->lines = LINES;
	ui->cols = COLS;
	clearok(curscr, TRUE);
	ui->folder.view.height = ui_body_rows(ui);
	ui_view_clamp(&ui->folder.view);
	ui->redraw = 1;
}

static void
ui_suspend(struct ui *ui)
{
	struct sigaction sa, old;

	ui_term_pause();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTSTP, &sa, &old);
	raise(SIGTSTP);
	/* Back here after SIGCONT. */
	sigaction(SIGTSTP, &old, NULL);
	ui_term_resume(ui);
	ui_resize(ui);
}

static void
ui_quit_answer(struct ui *ui, int answer, const char *text, void *arg)
{
	(void)text;
	(void)arg;
	if (answer == 1)
		ui->quit = 1;
}

static void
ui_read_signals(struct ui *ui)
{
	unsigned char buf[64];
	ssize_t n, i;

	while ((n = read(ui_sigfd[0], buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++) {
			switch (buf[i]) {
			case SIGWINCH:
			case SIGCONT:
				ui_resize(ui);
				break;
			case SIGTERM:
			case SIGHUP:
				/* Save state and leave without questions. */
				ui->quit = 1;
				break;
			case SIGINT:
				if (ui->prompt != NULL)
					ui_prompt_key(ui, 7);
				else
					ui_prompt_yesno(ui, _("Quit petrel?"),
					    1, ui_quit_answer, NULL);
				break;
			case SIGTSTP:
				ui_suspend(ui);
				break;
			default:
				break;
			}
		}
	}
}

/* One key: the prompt takes it, else the top screen. */
static void
ui_key(struct ui *ui, uint32_t key)
{
	const struct ui_screen *s = ui_screen_top(ui);
	enum ui_op op;

	ui->redraw = 1;
	ui->last_key = ui_now_ms();
	if (ui->prompt != NULL) {
		ui_prompt_key(ui, key);
		return;
	}
	ui_msg_clear(ui);
	op = ui_keymap_lookup(&ui->km, s->map, key);
	if (op == UI_OP_TAG_PREFIX) {
		if (ui->folder.view.tagged == 0) {
			ui_error(ui, "%s", _("No tagged messages."));
			return;
		}
		ui->tag_prefix = 1;
		ui_msg(ui, "%s", _("tag-"));
		return;
	}
	if (op == UI_OP_HELP) {
		ui_help_for(ui, s);
		return;
	}
	if (op == UI_OP_SHOW_LOG && s != &ui_log_screen) {
		ui_screen_push(ui, &ui_log_screen);
		return;
	}
	if (op == UI_OP_REDRAW) {
		clearok(curscr, TRUE);
		return;
	}
	if (op == UI_OP_VERSION) {
		ui_ops_version(ui);
		return;
	}
	if (op == UI_OP_CANCEL) {
		const struct ui_job *j = ui_job_progress(ui);

		if (j == NULL)
			ui_msg(ui, "%s", _("Nothing to cancel."));
		else if (eng_cancel(ui->eng, j->id) == 0)
			ui_msg(ui, _("Cancelling: %s"), j->label);
		return;
	}
	s->key(ui, op, key);
	if (op != UI_OP_TAG_PREFIX)
		ui->tag_prefix = 0;
}

static void
ui_read_keys(struct ui *ui)
{
	wint_t ch, next;
	uint32_t key;
	int r, n = 0;

	while ((r = wget_wch(stdscr, &ch)) != ERR && n++ < 256) {
		if (r == KEY_CODE_YES) {
			if (ch == KEY_RESIZE) {
				ui_resize(ui);
				continue;
			}
			key = ch == KEY_ENTER ? '\n' : UI_KEY_FN | (uint32_t)ch;
		} else if (ch == 27) {
			/* Esc then a key at once is Alt-key. */
			r = wget_wch(stdscr, &next);
			if (r == OK)
				key = UI_KEY_META |
				      (next == '\r' ? '\n' : (uint32_t)next);
			else if (r == KEY_CODE_YES)
				key = UI_KEY_META | UI_KEY_FN | (uint32_t)next;
			else
				key = 27;
		} else if (ch == '\r')
			key = '\n';
		else if (ch == 127)
			key = UI_KEY_FN | KEY_BACKSPACE;
		else
			key = (uint32_t)ch;
		ui_key(ui, key);
		if (ui->quit)
			return;
	}
}

static void
ui_draw(struct ui *ui)
{
	const struct ui_screen *s = ui_screen_top(ui);

	if (LINES < 3 || COLS < 10) {
		erase();
		ui_draw_text(0, 0, COLS, _("window too small"), A_NORMAL);
		refresh();
		return;
	}
	erase();
	curs_set(0);
	ui->cur_y = -1;
	ui_draw_helpbar(ui, s);
	s->draw(ui, ui_body_top(ui), ui_body_rows(ui));
	ui_draw_msgline(ui);
	/* The terminal's cursor sits on the cursor line (invisible), as
	 * screen readers and braille displays expect. */
	if (ui->cur_y >= 0 &&
	    (ui->prompt == NULL || (ui->prompt->kind != UI_PROMPT_LINE &&
				       ui->prompt->kind != UI_PROMPT_PASSWORD)))
		move(ui->cur_y, 0);
	refresh();
	ui->redraw = 0;
}

static void
ui_keys_from_config(struct ui *ui)
{
	struct pt_error err;
	size_t i;

	for (i = 0; i < UI_MAP_COUNT; i++) {
		const char *v =
		    cfg_get(ui->cfg, "keys", ui_map_name((enum ui_map)i));

		pt_error_init(&err);
		if (v != NULL && *v != '\0' &&
		    ui_keymap_parse(&ui->km, (enum ui_map)i, v, &err) != 0)
			ui_error(ui, "%s", err.msg);
	}
}

/* The search and folder histories live in $XDG_STATE_HOME/petrel. */
static void
ui_hist_load(struct ui *ui)
{
	char *path = pt_xdg_path(PT_XDG_STATE, "history"), *data, *line,
	     *save = NULL;
	struct pt_error err;

	pt_error_init(&err);
	data = pt_file_read(path, 256 * 1024, NULL, &err);
	free(path);
	if (data == NULL)
		return;
	for (line = strtok_r(data, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "search ", 7) == 0)
			ui_hist_add(&ui->hist_search, line + 7);
		else if (strncmp(line, "folder ", 7) == 0)
			ui_hist_add(&ui->hist_folder, line + 7);
		else if (strncmp(line, "pattern ", 8) == 0)
			ui_hist_add(&ui->hist_pattern, line + 8);
	}
	free(data);
}

static void
ui_hist_save(struct ui *ui)
{
	const struct {
		const char *name;
		const struct ui_hist *h;
	} hs[] = {{"search", &ui->hist_search}, {"folder", &ui->hist_folder},
	    {"pattern", &ui->hist_pattern}};
	char *path, *dir;
	struct pt_buf b;
	struct pt_error err;
	size_t i, j;

	pt_buf_init(&b, 0);
	for (i = 0; i < PT_NELEM(hs); i++)
		for (j = 0; j < hs[i].h->n; j++)
			pt_buf_printf(&b, NULL, "%s %s\n", hs[i].name,
			    hs[i].h->item[j]);
	pt_error_init(&err);
	dir = pt_xdg_path(PT_XDG_STATE, NULL);
	path = pt_xdg_path(PT_XDG_STATE, "history");
	if (pt_mkdir_p(dir, 0700, &err) != 0 ||
	    pt_file_write_atomic(path, b.data, b.len, 0600, &err) != 0)
		pt_warn("cannot save the history: %s", err.msg);
	free(dir);
	free(path);
	pt_buf_release(&b);
}

static void
ui_init(struct ui *ui, const struct cfg *cfg)
{
	size_t i;

	memset(ui, 0, sizeof *ui);
	ui->cfg = cfg;
	ui_keymap_init(&ui->km);
	ui_hist_init(&ui->hist_search, 100);
	ui_hist_init(&ui->hist_folder, 100);
	ui_hist_init(&ui->hist_pattern, 100);
	ui->nacct = cfg_account_count(cfg);
	ui->acct = pt_xcalloc(ui->nacct + 1, sizeof *ui->acct);
	for (i = 0; i < ui->nacct; i++)
		ui->acct[i].cfg = cfg_account_at(cfg, i);
	ui->index_format = cfg_get(cfg, "ui", "index_format");
	ui->date_format = cfg_get(cfg, "ui", "date_format");
	ui->sidebar = cfg_get_bool(cfg, "ui", "sidebar");
	ui->search_dir = 1;
	ui_model_init(&ui->folder.model);
	ui_view_init(&ui->folder.view, &ui->folder.model);
}

static void
ui_release(struct ui *ui)
{
	size_t i;

	ui_folder_close(ui);
	ui_view_release(&ui->folder.view);
	ui_model_release(&ui->folder.model);
	while (ui->depth > 0)
		ui_screen_pop(ui);
	ui_prompt_clear_all(ui);
	ui_job_cancel_all(ui);
	free(ui->jobs);
	for (i = 0; i < ui->nacct; i++)
		eng_folder_list_free(&ui->acct[i].folders);
	free(ui->acct);
	ui_keymap_release(&ui->km);
	ui_hist_release(&ui->hist_search);
	ui_hist_release(&ui->hist_folder);
	ui_hist_release(&ui->hist_pattern);
	ui_log_release(ui);
	free(ui->search);
}

/* general.log_level: nothing else applies it yet. */
static void
ui_log_level(const struct cfg *cfg)
{
	const char *l = cfg_get(cfg, "general", "log_level");

	if (strcmp(l, "debug") == 0)
		pt_log_set_level(PT_LOG_DEBUG);
	else if (strcmp(l, "info") == 0)
		pt_log_set_level(PT_LOG_INFO);
	else if (strcmp(l, "error") == 0)
		pt_log_set_level(PT_LOG_ERROR);
	else
		pt_log_set_level(PT_LOG_WARN);
}

int
ui_run(const struct cfg *cfg, struct pt_error *err)
{
	static int atexit_done;
	struct ui ui;
	struct pollfd pfd[5];
	int rc = 0, work = 0;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return pt_error_set(err, PT_E_INTERNAL, 0, "%s",
		    _("petrel needs a terminal (standard input and output "
		      "must be a terminal)"));
	if (pipe(ui_sigfd) != 0)
		return pt_error_set(err, PT_E_INTERNAL, errno,
		    _("cannot create a pipe: %s"), strerror(errno));
	fcntl(ui_sigfd[0], F_SETFL, O_NONBLOCK);
	fcntl(ui_sigfd[1], F_SETFL, O_NONBLOCK);
	fcntl(ui_sigfd[0], F_SETFD, FD_CLOEXEC);
	fcntl(ui_sigfd[1], F_SETFD, FD_CLOEXEC);

	ui_init(&ui, cfg);
	ui_utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	ui_log_level(cfg);
	/* Before any thread: the workers inherit a mask without ours. */
	if ((ui.eng = eng_new(cfg, NULL, err)) == NULL) {
		ui_release(&ui);
		ui_preset_forget();
		close(ui_sigfd[0]);
		close(ui_sigfd[1]);
		return -1;
	}
	/* Our handlers before curses, so that it installs none. */
	ui_signals_install();
	if (!atexit_done) {
		atexit(ui_term_atexit);
		atexit_done = 1;
	}
	pt_log_quiet_stderr(1);
	if (ui_term_start(err) != 0) {
		pt_log_quiet_stderr(0);
		ui_signals_restore();
		eng_free(&ui.eng);
		ui_release(&ui);
		ui_preset_forget();
		close(ui_sigfd[0]);
		close(ui_sigfd[1]);
		return -1;
	}
	ui.lines = LINES;
	ui.cols = COLS;
	ui_color_init(&ui);
	ui_keys_from_config(&ui);
	ui_hist_load(&ui);
	ui.folder.view.height = ui_body_rows(&ui);
	ui_screen_push(&ui, &ui_index_screen);
	if (ui.nacct > 0) {
		ui_folder_open(&ui, 0, "INBOX");
		ui_folders_request(&ui, 0);
	}
	ui_outbox_offer(&ui);
	ui.redraw = 1;

	while (!ui.quit) {
		long long t0, t1, t2, t3, t4;
		int timeout;

		if (ui.redraw)
			ui_draw(&ui);
		/* Between slices of model work, a short breath: keys still wake
		 * poll at once, and the other processes get the CPU. */
		timeout = work ? 4 : ui.folder.view.dirty ? 100 : 1000;
		if (ui_mailcap_wait_ms() >= 0 && ui_mailcap_wait_ms() < timeout)
			timeout = ui_mailcap_wait_ms();
		pfd[3].fd = ui_mailcap_fd();
		pfd[3].events = POLLIN;
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = eng_wakeup_fd(ui.eng);
		pfd[1].events = POLLIN;
		pfd[2].fd = ui_sigfd[0];
		pfd[2].events = POLLIN;
		pfd[4].fd = ui_addr_poll_fd(&ui, &timeout);
		pfd[4].events = POLLIN;
		pfd[4].revents = 0;
		if (poll(pfd, 5, timeout) < 0 && errno != EINTR) {
			rc = pt_error_set(err, PT_E_INTERNAL, errno,
			    _("poll failed: %s"), strerror(errno));
			break;
		}
		t0 = ui_now_ms();
		if (pfd[2].revents & POLLIN)
			ui_read_signals(&ui);
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (pfd[0].revents & (POLLHUP | POLLERR) &&
			    !(pfd[0].revents & POLLIN))
				ui.quit = 1; /* the terminal went away */
			else
				ui_read_keys(&ui);
			/* A key's effect reaches the screen first. */
			if (ui.redraw && !ui.quit)
				ui_draw(&ui);
		}
		t1 = ui_now_ms();
		if (t1 - t0 > UI_SLOW_MS)
			pt_debug("ui: %lld ms from the key to the screen",
			    t1 - t0);
		if (pfd[1].revents & POLLIN)
			ui_events_drain(&ui);
		/* The pager's HTML viewer: its output, its exit, its time. */
		if (ui_mailcap_wait_ms() >= 0)
			(void)ui_mailcap_work(&ui);
		ui_addr_poll(&ui, (pfd[4].revents & (POLLIN | POLLHUP)) != 0);
		t2 = ui_now_ms();
		work = ui_folder_work(&ui, t2 + UI_WORK_MS);
		t3 = ui_now_ms();
		ui_folder_refresh(&ui, 0);
		t4 = ui_now_ms();
		/* A job in a progress line: keep its numbers fresh. */
		if (ui_job_progress(&ui) != NULL)
			ui.redraw = 1;
		if (t4 - t0 > UI_SLOW_MS)
			pt_debug("ui: slow pass of %lld ms: keys %lld, events "
				 "%lld, model %lld, rebuild %lld",
			    t4 - t0, t1 - t0, t2 - t1, t3 - t2, t4 - t3);
	}
	ui_hist_save(&ui);
	ui_mailcap_forget();
	ui_addr_end();
	ui_term_stop();
	pt_log_quiet_stderr(0);
	ui_signals_restore();
	/* Cancelled jobs let the workers go at once, even mid-connect. */
	ui_job_cancel_all(&ui);
	eng_free(&ui.eng);
	ui_release(&ui);
	ui_preset_forget();
	close(ui_sigfd[0]);
	close(ui_sigfd[1]);
	ui_sigfd[0] = ui_sigfd[1] = -1;
	return rc;
}
