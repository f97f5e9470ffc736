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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "petrel/core.h"
#include "petrel/ui.h"

#include "private.h"

static char *ui_mailcap_script(const char *, int *);
static int ui_mailcap_spawn(const char *, const char *, const char *, int,
    size_t, struct ui_child *, struct pt_error *);
static int ui_mailcap_status(const char *, const struct ui_child *,
    struct pt_error *);
static char *ui_mailcap_tmpfile(const char *, size_t, struct pt_error *);
static uint64_t ui_mailcap_hash(const char *, size_t);
static void ui_mailcap_store(char *, size_t, const struct pt_error *);
static void ui_mailcap_release(void);
static void ui_mailcap_stop(void);

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

/*
 * Starts cmd as ui_mailcap_run describes, beside the caller (child.c),
 * with those limits.  0, or -1 with err set.
 */
static int
ui_mailcap_spawn(const char *cmd, const char *type, const char *path,
    int timeout_ms, size_t max, struct ui_child *c, struct pt_error *err)
{
	const char *args[] = {path, type, NULL};
	char *script;
	int usesfile, rc;

	script = ui_mailcap_script(cmd, &usesfile);
	rc = ui_child_start_sh(c, script, args, usesfile ? NULL : path,
	    timeout_ms, max);
	free(script);
	if (rc != 0)
		return pt_error_set(err, PT_E_INTERNAL, errno,
		    _("cannot run '%s': %s"), cmd, strerror(errno));
	return 0;
}

/* The failure, if any, of a command that ended as c says. */
static int
ui_mailcap_status(const char *cmd, const struct ui_child *c,
    struct pt_error *err)
{
	int status = c->status;

	if (c->why == UI_CHILD_OVER)
		return pt_error_set(err, PT_E_INTERNAL, EFBIG,
		    _("'%s' wrote more than %zu bytes"), cmd, c->out.max);
	if (c->why == UI_CHILD_TIMEOUT)
		return pt_error_set(err, PT_E_INTERNAL, ETIMEDOUT,
		    _("'%s' took more than %d seconds"), cmd,
		    c->timeout_ms / 1000);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return pt_error_set(err, PT_E_INTERNAL, 0,
	    WIFEXITED(status) ? _("'%s' exited with status %d")
			      : _("'%s' was killed by signal %d"),
	    cmd, WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

int
ui_mailcap_run(const char *cmd, const char *type, const char *path,
    int timeout_ms, struct pt_buf *out, struct pt_error *err)
{
	struct ui_child c;
	int rc;

	if (ui_mailcap_spawn(cmd, type, path, timeout_ms, out->max - out->len,
		&c, err) != 0)
		return -1;
	(void)ui_child_run(&c);
	c.out.max = out->max; /* for the message */
	rc = ui_mailcap_status(cmd, &c, err);
	if (rc == 0 && pt_buf_add(out, c.out.data, c.out.len, NULL) != 0)
		rc = pt_error_set(err, PT_E_INTERNAL, EFBIG,
		    _("'%s' wrote more than %zu bytes"), cmd, out->max);
	ui_child_release(&c);
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
	/* The running command (run.pid 0: none). */
	struct ui_child run;
	uint64_t hash;
	size_t len;
	char *cmd, *tmpl;
	char note[256]; /* the "Rendering..." message, cleared when done */
} ui_mc = {.run.fd = -1};

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
	ui_child_release(&ui_mc.run);
	if (ui_mc.tmpl != NULL)
		unlink(ui_mc.tmpl);
	free(ui_mc.tmpl);
	free(ui_mc.cmd);
	ui_mc.tmpl = ui_mc.cmd = NULL;
}

/* Ends the running command: killed unless it has exited. */
static void
ui_mailcap_stop(void)
{
	if (ui_mc.run.pid == 0)
		return;
	(void)ui_child_finish(&ui_mc.run, 0);
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
	if (ui_mc.run.pid != 0 && ui_mc.hash == h && ui_mc.len == len)
		return NULL; /* running: the built-in text meanwhile */
	if (ui_mailcap_find("text/html", 1, &cmd, &copious) != 0)
		return NULL; /* none: the built-in converter, no note */
	/* Another message's HTML: it is not wanted any more. */
	ui_mailcap_stop();
	ui_mc.hash = h;
	ui_mc.len = len;
	ui_mc.cmd = cmd;
	if ((ui_mc.tmpl = ui_mailcap_tmpfile(html, len, err)) == NULL ||
	    ui_mailcap_spawn(cmd, "text/html", ui_mc.tmpl,
		UI_MAILCAP_TIMEOUT_MS, UI_MAILCAP_OUT_MAX, &ui_mc.run,
		err) != 0) {
		ui_mailcap_store(NULL, 0, err);
		ui_mailcap_release();
		return NULL;
	}
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
	return ui_child_fd(&ui_mc.run);
}

int
ui_mailcap_wait_ms(void)
{
	int left = ui_child_left_ms(&ui_mc.run);

	/* Output ended: look for its exit every 20 ms. */
	if (left >= 0 && ui_mc.run.fd < 0)
		return 20;
	return left > 1000 ? 1000 : left;
}

int
ui_mailcap_work(struct ui *ui)
{
	struct ui_child *c = &ui_mc.run;
	struct pt_error err;
	int r = 0;

	if (c->pid == 0)
		return 0;
	pt_error_init(&err);
	if (c->fd >= 0)
		(void)ui_child_read(c);
	if (c->why == UI_CHILD_RUNNING && ui_child_left_ms(c) == 0)
		c->why = UI_CHILD_TIMEOUT;
	if (c->why == UI_CHILD_RUNNING) {
		if (c->fd >= 0 || (r = ui_child_reap(c)) == 0)
			return 0; /* more to come, or not exited yet */
		if (r < 0)
			pt_error_set(&err, PT_E_INTERNAL, errno,
			    _("cannot run '%s': %s"), ui_mc.cmd,
			    strerror(errno));
	}
	if (r >= 0)
		(void)ui_mailcap_status(ui_mc.cmd, c, &err);
	if (err.class != PT_OK) {
		ui_mailcap_store(NULL, 0, &err);
		ui_mailcap_stop();
	} else {
		size_t n;
		char *out = pt_buf_detach(&c->out, &n);

		ui_mailcap_store(out, n, &err);
	}
	ui_mailcap_release(); /* reaped */
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

	ui_mailcap_stop();
	for (i = 0; i < UI_MC_CACHE; i++) {
		free(ui_mc.cache[i].out);
		memset(&ui_mc.cache[i], 0, sizeof ui_mc.cache[i]);
	}
	ui_mc.next = 0;
}
