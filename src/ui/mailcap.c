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

int
ui_mailcap_run(const char *cmd, const char *type, const char *path,
    int timeout_ms, struct pt_buf *out, struct pt_error *err)
{
	char *script;
	int pfd[2], usesfile, status = 0, rc = 0;
	long deadline;
	pid_t pid, w;

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
	free(script);
	deadline = ui_mailcap_now_ms() + timeout_ms;
	for (;;) {
		struct pollfd p = {pfd[0], POLLIN, 0};
		long left = deadline - ui_mailcap_now_ms();
		char buf[8192];
		ssize_t n;
		int pr;

		if (left <= 0) {
			rc = pt_error_set(err, PT_E_INTERNAL, ETIMEDOUT,
			    _("'%s' took more than %d seconds"), cmd,
			    timeout_ms / 1000);
			break;
		}
		if ((pr = poll(&p, 1, (int)left)) < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			continue; /* the time-out is checked above */
		if ((n = read(pfd[0], buf, sizeof buf)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (pt_buf_add(out, buf, (size_t)n, NULL) != 0) {
			rc = pt_error_set(err, PT_E_INTERNAL, EFBIG,
			    _("'%s' wrote more than %zu bytes"), cmd, out->max);
			break;
		}
	}
	close(pfd[0]);
	if (rc != 0)
		(void)kill(-pid, SIGKILL);
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (rc == 0 && w < 0)
		rc = pt_error_set(err, PT_E_INTERNAL, errno,
		    _("cannot run '%s': %s"), cmd, strerror(errno));
	else if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		rc = pt_error_set(err, PT_E_INTERNAL, 0,
		    WIFEXITED(status) ? _("'%s' exited with status %d")
				      : _("'%s' was killed by signal %d"),
		    cmd,
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return rc;
}

char *
ui_mailcap_html(void *arg, const char *html, size_t len, size_t *outlen,
    struct pt_error *err)
{
	const char *tmpdir = getenv("TMPDIR");
	struct pt_buf out;
	char *cmd, *tmpl;
	int copious, fd, rc;

	(void)arg;
	if (ui_mailcap_find("text/html", 1, &cmd, &copious) != 0)
		return NULL; /* none: the built-in converter, no note */
	tmpl = pt_xasprintf("%s/petrel-XXXXXX.html",
	    tmpdir != NULL && *tmpdir != '\0' ? tmpdir : "/tmp");
	/* mkstemps creates the file with mode 0600. */
	if ((fd = mkstemps(tmpl, 5)) < 0) {
		pt_error_set(err, PT_E_INTERNAL, errno,
		    _("cannot create a temporary file: %s"), strerror(errno));
		free(tmpl);
		free(cmd);
		return NULL;
	}
	if (pt_fd_write_all(fd, html, len) != 0 || close(fd) != 0) {
		pt_error_set(err, PT_E_INTERNAL, errno,
		    _("cannot write '%s': %s"), tmpl, strerror(errno));
		unlink(tmpl);
		free(tmpl);
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
