/*
 * mailcap.c: mailcap(5) entries, for the attachment viewer and for
 * showing HTML as text.  ui_mailcap_find reads ~/.mailcap and
 * /etc/mailcap (or $MAILCAPS) for a type's entry; ui_mailcap_run runs
 * one with a file, the file name never parsed by the shell: "%s" and
 * "%t" become "$1" and "$2" of `sh -c COMMAND sh FILE TYPE`.  The HTML
 * filter (ui_mailcap_html) is the mime_render_opts.html_filter of the
 * pager and of petrel --render: a text/html entry with copiousoutput,
 * run on a private temporary file with a time limit and an output cap.
 */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "petrel/core.h"
#include "petrel/ui.h"

#include "private.h"

static char *ui_mailcap_script(const char *, int *);
static long ui_mailcap_now_ms(void);
static int ui_mailcap_spawn(const char *, const char *, const char *, pid_t *,
    int *, struct pt_error *);
static int ui_mailcap_status(const char *, int, struct pt_error *);
static int ui_mailcap_read(int, struct pt_buf *);
static char *ui_mailcap_tmpfile(const char *, size_t, struct pt_error *);
static uint64_t ui_mailcap_hash(const char *, size_t);
static void ui_mailcap_store(char *, size_t, const struct pt_error *);
static void ui_mailcap_release(void);
static void ui_mailcap_stop(int);

/*
 * The mailcap(5) entry for a type: the command and whether its output
 * is to be shown as text (copiousoutput).  With need_copious, entries
 * without copiousoutput are passed over.  0 when found.
 */
int
ui_mailcap_find(const char *type, int need_copious, char **cmd, int *copious)
{
	const char *home = getenv("HOME"), *env = getenv("MAILCAPS");
	char *paths, *path, *save = NULL;
	int found = -1;

	*cmd = NULL;
	*copious = 0;
	if (env != NULL && *env != '\0')
		paths = pt_xstrdup(env);
	else
		paths = pt_xasprintf("%s/.mailcap:/etc/mailcap",
		    home != NULL ? home : "");
	for (path = strtok_r(paths, ":", &save); path != NULL && found != 0;
	     path = strtok_r(NULL, ":", &save)) {
		struct pt_error err;
		char *data, *line, *lsave = NULL;

		pt_error_init(&err);
		if ((data = pt_file_read(path, 1024 * 1024, NULL, &err)) ==
		    NULL)
			continue;
		/* Joins "\\\n" continuations. */
		for (line = data; (line = strstr(line, "\\\n")) != NULL;) {
			line[0] = ' ';
			line[1] = ' ';
		}
		for (line = strtok_r(data, "\n", &lsave);
		     line != NULL && found != 0;
		     line = strtok_r(NULL, "\n", &lsave)) {
			char *f[16], *p = line;
			size_t nf = 0, i, tl;
			int skip = 0, cop = 0;

			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '#' || *p == '\0')
				continue;
			/* Fields split at unescaped ';'. */
			f[nf++] = p;
			for (; *p != '\0' && nf < PT_NELEM(f); p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
				else if (*p == ';') {
					*p = '\0';
					f[nf++] = p + 1;
				}
			}
			if (nf < 2)
				continue;
			for (i = 0; i < nf; i++) {
				while (*f[i] == ' ' || *f[i] == '\t')
					f[i]++;
				tl = strlen(f[i]);
				while (tl > 0 && (f[i][tl - 1] == ' ' ||
						     f[i][tl - 1] == '\t'))
					f[i][--tl] = '\0';
			}
			tl = strlen(f[0]);
			if (!(strcasecmp(f[0], type) == 0 ||
				(tl >= 2 && strcmp(f[0] + tl - 2, "/*") == 0 &&
				    strncasecmp(f[0], type, tl - 1) == 0) ||
				(strchr(f[0], '/') == NULL &&
				    strncasecmp(f[0], type, tl) == 0 &&
				    type[tl] == '/')))
				continue;
			for (i = 2; i < nf; i++)
				if (strcasecmp(f[i], "copiousoutput") == 0)
					cop = 1;
			if (need_copious && !cop)
				continue;
			for (i = 2; i < nf && !skip; i++)
				if (strncasecmp(f[i], "test=", 5) == 0 &&
				    system(f[i] + 5) != 0)
					skip = 1;
			if (skip)
				continue;
			*cmd = pt_xstrdup(f[1]);
			*copious = cop;
			found = 0;
		}
		free(data);
	}
	free(paths);
	return found;
}

/*
 * The shell script of a mailcap command: "%s" becomes "$1" and "%t"
 * "$2", quoted, so the file name and the type reach the command as
 * arguments and are never parsed by the shell.  *usesfile is 0 when
 * there is no "%s" (the file then goes to standard input).
 */
static char *
ui_mailcap_script(const char *cmd, int *usesfile)
{
	struct pt_buf c;
	size_t i;

	*usesfile = 0;
	pt_buf_init(&c, 0);
	for (i = 0; cmd[i] != '\0'; i++) {
		if (cmd[i] == '%' && cmd[i + 1] == 's') {
			pt_buf_addstr(&c, "\"$1\"", NULL);
			*usesfile = 1;
			i++;
		} else if (cmd[i] == '%' && cmd[i + 1] == 't') {
			pt_buf_addstr(&c, "\"$2\"", NULL);
			i++;
		} else if (cmd[i] == '\\' && cmd[i + 1] != '\0')
			pt_buf_addch(&c, cmd[++i], NULL);
		else
			pt_buf_addch(&c, cmd[i], NULL);
	}
	return pt_buf_detach(&c, NULL);
}

static long
ui_mailcap_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Starts cmd as ui_mailcap_run describes, in a process group of its
 * own; *fd is the read end of its output.  0, or -1 with err set.
 */
static int
ui_mailcap_spawn(const char *cmd, const char *type, const char *path,
    pid_t *pidp, int *fdp, struct pt_error *err)
{
	char *script;
	int pfd[2], usesfile;
	pid_t pid;

	script = ui_mailcap_script(cmd, &usesfile);
	if (pipe(pfd) != 0) {
		free(script);
		return pt_error_set(err, PT_E_INTERNAL, errno,
		    _("cannot run '%s': %s"), cmd, strerror(errno));
	}
	if ((pid = fork()) < 0) {
		int e = errno;

		close(pfd[0]);
		close(pfd[1]);
		free(script);
		return pt_error_set(err, PT_E_INTERNAL, e,
		    _("cannot run '%s': %s"), cmd, strerror(e));
	}
	if (pid == 0) {
		int in, nul;

		/* Its own process group, so a time-out ends all of it. */
		(void)setpgid(0, 0);
		(void)signal(SIGPIPE, SIG_DFL); /* petrel ignores it */
		in = open(usesfile ? "/dev/null" : path, O_RDONLY);
		nul = open("/dev/null", O_WRONLY);
		if (in < 0 || nul < 0 || dup2(in, 0) < 0 ||
		    dup2(pfd[1], 1) < 0 || dup2(nul, 2) < 0)
			_exit(127);
		close(pfd[0]);
		execl("/bin/sh", "sh", "-c", script, "sh", path, type,
		    (char *)NULL);
		_exit(127);
	}
	(void)setpgid(pid, pid);
	close(pfd[1]);
	(void)fcntl(pfd[0], F_SETFD, FD_CLOEXEC);
	free(script);
	*pidp = pid;
	*fdp = pfd[0];
	return 0;
}

/* The failure, if any, of a command that exited with status. */
static int
ui_mailcap_status(const char *cmd, int status, struct pt_error *err)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return pt_error_set(err, PT_E_INTERNAL, 0,
	    WIFEXITED(status) ? _("'%s' exited with status %d")
			      : _("'%s' was killed by signal %d"),
	    cmd, WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

/* Reads what fd holds into out: 1 at its end, 0 for more, -1 over cap. */
static int
ui_mailcap_read(int fd, struct pt_buf *out)
{
	char buf[8192];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : 1;
		if (n == 0)
			return 1;
		if (pt_buf_add(out, buf, (size_t)n, NULL) != 0)
			return -1;
	}
}

int
ui_mailcap_run(const char *cmd, const char *type, const char *path,
    int timeout_ms, struct pt_buf *out, struct pt_error *err)
{
	int fd, status = 0, rc = 0, r;
	long deadline;
	pid_t pid, w;

	if (ui_mailcap_spawn(cmd, type, path, &pid, &fd, err) != 0)
		return -1;
	(void)fcntl(fd, F_SETFL, O_NONBLOCK);
	deadline = ui_mailcap_now_ms() + timeout_ms;
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		long left = deadline - ui_mailcap_now_ms();

		if (left <= 0) {
			rc = pt_error_set(err, PT_E_INTERNAL, ETIMEDOUT,
			    _("'%s' took more than %d seconds"), cmd,
			    timeout_ms / 1000);
			break;
		}
		if (poll(&p, 1, (int)left) <= 0)
			continue; /* EINTR, or the time-out checked above */
		if ((r = ui_mailcap_read(fd, out)) == 0)
			continue;
		if (r < 0)
			rc = pt_error_set(err, PT_E_INTERNAL, EFBIG,
			    _("'%s' wrote more than %zu bytes"), cmd, out->max);
		break;
	}
	close(fd);
	if (rc != 0)
		(void)kill(-pid, SIGKILL);
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (rc == 0 && w < 0)
		rc = pt_error_set(err, PT_E_INTERNAL, errno,
		    _("cannot run '%s': %s"), cmd, strerror(errno));
	else if (rc == 0)
		rc = ui_mailcap_status(cmd, status, err);
	return rc;
}

/*
 * The HTML in a private temporary file (mkstemps: mode 0600) for cmd's
 * "%s"; its name to unlink and free, or NULL with err set.
 */
static char *
ui_mailcap_tmpfile(const char *html, size_t len, struct pt_error *err)
{
	const char *tmpdir = getenv("TMPDIR");
	char *tmpl;
	int fd;

	tmpl = pt_xasprintf("%s/petrel-XXXXXX.html",
	    tmpdir != NULL && *tmpdir != '\0' ? tmpdir : "/tmp");
	if ((fd = mkstemps(tmpl, 5)) < 0) {
		pt_error_set(err, PT_E_INTERNAL, errno,
		    _("cannot create a temporary file: %s"), strerror(errno));
		free(tmpl);
		return NULL;
	}
	if (pt_fd_write_all(fd, html, len) != 0 || close(fd) != 0) {
		pt_error_set(err, PT_E_INTERNAL, errno,
		    _("cannot write '%s': %s"), tmpl, strerror(errno));
		unlink(tmpl);
		free(tmpl);
		return NULL;
	}
	return tmpl;
}

char *
ui_mailcap_html(void *arg, const char *html, size_t len, size_t *outlen,
    struct pt_error *err)
{
	struct pt_buf out;
	char *cmd, *tmpl;
	int copious, rc;

	(void)arg;
	if (ui_mailcap_find("text/html", 1, &cmd, &copious) != 0)
		return NULL; /* none: the built-in converter, no note */
	if ((tmpl = ui_mailcap_tmpfile(html, len, err)) == NULL) {
		free(cmd);
		return NULL;
	}
	pt_buf_init(&out, UI_MAILCAP_OUT_MAX);
	rc = ui_mailcap_run(cmd, "text/html", tmpl, UI_MAILCAP_TIMEOUT_MS, &out,
	    err);
	unlink(tmpl);
	free(tmpl);
	free(cmd);
	if (rc != 0) {
		pt_buf_release(&out);
		return NULL;
	}
	return pt_buf_detach(&out, outlen);
}

/*
 * The pager's HTML filter runs beside the loop: one command at a time,
 * its output read as it comes (ui_mailcap_work), the results of the
 * last few kept by the HTML's hash, so that drawing again (a resize, a
 * toggle) runs nothing.  The output does not depend on the width (the
 * command gets none), so the HTML alone is the key.
 */
#define UI_MC_CACHE 8

struct ui_mc_entry {
	uint64_t hash;
	size_t len;
	char *out; /* NULL: the command failed, err says why */
	size_t outlen;
	struct pt_error err;
	int used;
};

static struct {
	struct ui_mc_entry cache[UI_MC_CACHE];
	size_t next;
	/* The running command (pid 0: none). */
	pid_t pid;
	int fd; /* -1 once its output ended */
	uint64_t hash;
	size_t len;
	char *cmd, *tmpl;
	struct pt_buf out;
	long deadline;
	int over;       /* wrote more than the cap */
	char note[256]; /* the "Rendering..." message, cleared when done */
} ui_mc = {.fd = -1};

static uint64_t
ui_mailcap_hash(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ull;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static void
ui_mailcap_store(char *out, size_t outlen, const struct pt_error *err)
{
	struct ui_mc_entry *e = &ui_mc.cache[ui_mc.next];

	ui_mc.next = (ui_mc.next + 1) % UI_MC_CACHE;
	free(e->out);
	e->hash = ui_mc.hash;
	e->len = ui_mc.len;
	e->out = out;
	e->outlen = outlen;
	e->err = *err;
	e->used = 1;
}

/* Forgets the command's pipe, file, name and output (it was reaped). */
static void
ui_mailcap_release(void)
{
	if (ui_mc.fd >= 0)
		close(ui_mc.fd);
	ui_mc.fd = -1;
	ui_mc.pid = 0;
	if (ui_mc.tmpl != NULL)
		unlink(ui_mc.tmpl);
	free(ui_mc.tmpl);
	free(ui_mc.cmd);
	ui_mc.tmpl = ui_mc.cmd = NULL;
	pt_buf_release(&ui_mc.out);
}

/* Ends the running command: killed unless it has exited. */
static void
ui_mailcap_stop(int kill_it)
{
	int status;

	if (ui_mc.pid == 0)
		return;
	if (kill_it)
		(void)kill(-ui_mc.pid, SIGKILL);
	while (waitpid(ui_mc.pid, &status, 0) < 0 && errno == EINTR)
		;
	ui_mailcap_release();
}

char *
ui_mailcap_html_async(void *arg, const char *html, size_t len, size_t *outlen,
    struct pt_error *err)
{
	struct ui *ui = arg;
	uint64_t h = ui_mailcap_hash(html, len);
	char *cmd;
	size_t i;
	int copious;

	for (i = 0; i < UI_MC_CACHE; i++) {
		struct ui_mc_entry *e = &ui_mc.cache[i];

		if (!e->used || e->hash != h || e->len != len)
			continue;
		if (e->out == NULL) {
			*err = e->err;
			return NULL;
		}
		*outlen = e->outlen;
		cmd = pt_xmalloc(e->outlen + 1);
		memcpy(cmd, e->out, e->outlen);
		cmd[e->outlen] = '\0';
		return cmd;
	}
	if (ui_mc.pid != 0 && ui_mc.hash == h && ui_mc.len == len)
		return NULL; /* running: the built-in text meanwhile */
	if (ui_mailcap_find("text/html", 1, &cmd, &copious) != 0)
		return NULL; /* none: the built-in converter, no note */
	/* Another message's HTML: it is not wanted any more. */
	ui_mailcap_stop(1);
	ui_mc.hash = h;
	ui_mc.len = len;
	ui_mc.cmd = cmd;
	if ((ui_mc.tmpl = ui_mailcap_tmpfile(html, len, err)) == NULL ||
	    ui_mailcap_spawn(cmd, "text/html", ui_mc.tmpl, &ui_mc.pid,
		&ui_mc.fd, err) != 0) {
		ui_mailcap_store(NULL, 0, err);
		ui_mailcap_release();
		return NULL;
	}
	(void)fcntl(ui_mc.fd, F_SETFL, O_NONBLOCK);
	pt_buf_init(&ui_mc.out, UI_MAILCAP_OUT_MAX);
	ui_mc.deadline = ui_mailcap_now_ms() + UI_MAILCAP_TIMEOUT_MS;
	ui_mc.over = 0;
	if (ui != NULL) {
		ui_msg(ui, _("Rendering the HTML with '%s'..."), cmd);
		pt_strlcpy(ui_mc.note, ui->msg != NULL ? ui->msg : "",
		    sizeof ui_mc.note);
	}
	return NULL;
}

int
ui_mailcap_fd(void)
{
	return ui_mc.pid != 0 ? ui_mc.fd : -1;
}

int
ui_mailcap_wait_ms(void)
{
	long left;

	if (ui_mc.pid == 0)
		return -1;
	/* Output ended: look for its exit every 20 ms. */
	if (ui_mc.fd < 0)
		return 20;
	left = ui_mc.deadline - ui_mailcap_now_ms();
	return left < 0 ? 0 : left > 1000 ? 1000 : (int)left;
}

int
ui_mailcap_work(struct ui *ui)
{
	struct pt_error err;
	int status;
	pid_t w;

	if (ui_mc.pid == 0)
		return 0;
	pt_error_init(&err);
	if (ui_mc.fd >= 0) {
		int r = ui_mailcap_read(ui_mc.fd, &ui_mc.out);

		if (r < 0)
			ui_mc.over = 1;
		if (r != 0) {
			close(ui_mc.fd);
			ui_mc.fd = -1;
		}
	}
	if (ui_mc.over)
		pt_error_set(&err, PT_E_INTERNAL, EFBIG,
		    _("'%s' wrote more than %zu bytes"), ui_mc.cmd,
		    ui_mc.out.max);
	else if (ui_mailcap_now_ms() >= ui_mc.deadline)
		pt_error_set(&err, PT_E_INTERNAL, ETIMEDOUT,
		    _("'%s' took more than %d seconds"), ui_mc.cmd,
		    UI_MAILCAP_TIMEOUT_MS / 1000);
	if (err.class != PT_OK) {
		ui_mailcap_store(NULL, 0, &err);
		ui_mailcap_stop(1);
	} else if (ui_mc.fd >= 0)
		return 0; /* more to come */
	else {
		while ((w = waitpid(ui_mc.pid, &status, WNOHANG)) < 0 &&
		       errno == EINTR)
			;
		if (w == 0)
			return 0; /* output ended, not exited yet */
		if (w < 0)
			pt_error_set(&err, PT_E_INTERNAL, errno,
			    _("cannot run '%s': %s"), ui_mc.cmd,
			    strerror(errno));
		else
			(void)ui_mailcap_status(ui_mc.cmd, status, &err);
		if (err.class != PT_OK)
			ui_mailcap_store(NULL, 0, &err);
		else {
			size_t n;
			char *out = pt_buf_detach(&ui_mc.out, &n);

			ui_mailcap_store(out, n, &err);
		}
		ui_mailcap_release(); /* reaped */
	}
	/* Done or failed: the pager draws again, from the cache. */
	if (ui != NULL) {
		ui_pager_rerender();
		if (ui->msg != NULL && strcmp(ui->msg, ui_mc.note) == 0)
			ui_msg_clear(ui);
		ui->redraw = 1;
	}
	return 1;
}

void
ui_mailcap_forget(void)
{
	size_t i;

	ui_mailcap_stop(1);
	for (i = 0; i < UI_MC_CACHE; i++) {
		free(ui_mc.cache[i].out);
		memset(&ui_mc.cache[i], 0, sizeof ui_mc.cache[i]);
	}
	ui_mc.next = 0;
}
