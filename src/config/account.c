/*
 * account.c: accounts and option lookups.  Fills in an account's
 * defaults and checks it once its section is read, answers cfg_get and
 * cfg_account_* questions, gets a password from password_command, and
 * prints the whole configuration for --dump-config.
 */
#include "config.h"

#include <sys/types.h>
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

#include "petrel/config.h"
#include "petrel/core.h"

#include "private.h"

#define CFG_PASSWORD_MAX 4096 /* bytes a password command may print */
#define CFG_STDERR_MAX   512  /* bytes of its stderr kept for the log */

extern char **environ;

static size_t cfg_acct_index(const char *);
static const char *cfg_acct_get(const struct cfg_acct *, const char *);
static void cfg_acct_derive(struct cfg_acct *, const char *, char *);
static enum cfg_security cfg_security_parse(const char *);
static int cfg_host_is_loopback(const char *);
static int cfg_account_check_security(struct cfg_acct *, const char *,
    const char *, const char *, struct pt_error *);
static const struct cfg_def *cfg_global_def(const char *, const char *,
    enum cfg_type);
static int cfg_pipe_cloexec(int[2]);
static void cfg_child_exec(const char *, int, int) PT_NORETURN;
/* Which command cfg_command_run runs: its messages differ. */
enum cfg_cmd_kind { CFG_CMD_PASSWORD, CFG_CMD_TOKEN };

static int cfg_command_run(const char *, enum cfg_cmd_kind, int,
    struct pt_secret *, struct pt_error *);
static int cfg_ms_left(int64_t);
static void cfg_command_kill(pid_t);
static void cfg_dump_option(FILE *, const struct cfg_def *, const char *, int);

struct cfg_acct *
cfg_acct_new(const char *id)
{
	struct cfg_acct *acct;

	acct = pt_xcalloc(1, sizeof *acct);
	acct->id = pt_xstrdup(id);
	acct->pub.id = acct->id;
	cfg_values_init(&acct->vals);
	return acct;
}

void
cfg_acct_free(struct cfg_acct **acctp)
{
	struct cfg_acct *acct;

	if (acctp == NULL || *acctp == NULL)
		return;
	acct = *acctp;
	cfg_values_release(&acct->vals);
	free(acct->id);
	free(acct);
	*acctp = NULL;
}

static size_t
cfg_acct_index(const char *name)
{
	const struct cfg_def *def;

	def = cfg_def_find(CFG_ACCOUNT, name);
	if (def == NULL)
		pt_fatal("config: no account option '%s'", name);
	return cfg_def_index(def);
}

static const char *
cfg_acct_get(const struct cfg_acct *acct, const char *name)
{
	return acct->vals.val[cfg_acct_index(name)];
}

/* Sets an unset option to value (taken) and marks it as a default. */
static void
cfg_acct_derive(struct cfg_acct *acct, const char *name, char *value)
{
	size_t i = cfg_acct_index(name);

	if (acct->vals.val[i] != NULL) {
		free(value);
		return;
	}
	acct->vals.val[i] = value;
	acct->vals.derived[i] = 1;
}

static enum cfg_security
cfg_security_parse(const char *s)
{
	if (strcmp(s, "starttls") == 0)
		return CFG_SEC_STARTTLS;
	if (strcmp(s, "none") == 0)
		return CFG_SEC_NONE;
	return CFG_SEC_TLS;
}

const char *
cfg_security_name(enum cfg_security sec)
{
	switch (sec) {
	case CFG_SEC_TLS:
		return "tls";
	case CFG_SEC_STARTTLS:
		return "starttls";
	case CFG_SEC_NONE:
		return "none";
	}
	return "?";
}

static int
cfg_host_is_loopback(const char *host)
{
	return strcmp(host, "127.0.0.1") == 0 || strcmp(host, "::1") == 0 ||
	       strcasecmp(host, "localhost") == 0;
}

/* "none" sends the password in clear: only to this machine. */
static int
cfg_account_check_security(struct cfg_acct *acct, const char *file,
    const char *seckey, const char *hostkey, struct pt_error *err)
{
	const char *host = cfg_acct_get(acct, hostkey);

	if (cfg_security_parse(cfg_acct_get(acct, seckey)) != CFG_SEC_NONE ||
	    cfg_host_is_loopback(host))
		return 0;
	return pt_error_set(err, PT_E_CONFIG, 0,
	    _("%s:%d: %s = none would send the password in clear to '%s': it "
	      "is allowed only for 127.0.0.1, ::1 or localhost"),
	    file, acct->vals.line[cfg_acct_index(seckey)], seckey, host);
}

int
cfg_account_finish(struct cfg_acct *acct, const char *file, int line,
    struct pt_error *err)
{
	struct cfg_account *pub = &acct->pub;
	const struct cfg_def *d;
	const char *v;
	size_t i;

	for (d = cfg_defs; d->name != NULL; d++) {
		if (strcmp(d->section, CFG_ACCOUNT) != 0)
			continue;
		i = cfg_def_index(d);
		if ((d->flags & CFG_F_REQUIRED) &&
		    (acct->vals.val[i] == NULL || *acct->vals.val[i] == '\0'))
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("%s:%d: [account %s] has no '%s', which is "
			      "required"),
			    file, line, acct->id, d->name);
		if (acct->vals.val[i] == NULL && d->defval != NULL)
			cfg_acct_derive(acct, d->name, pt_xstrdup(d->defval));
	}

	pub->imap.security =
	    cfg_security_parse(cfg_acct_get(acct, "imap_security"));
	pub->smtp.security =
	    cfg_security_parse(cfg_acct_get(acct, "smtp_security"));
	cfg_acct_derive(acct, "imap_port",
	    pt_xstrdup(pub->imap.security == CFG_SEC_TLS ? "993" : "143"));
	cfg_acct_derive(acct, "smtp_port",
	    pt_xstrdup(pub->smtp.security == CFG_SEC_TLS ? "465" : "587"));
	cfg_acct_derive(acct, "username",
	    pt_xstrdup(cfg_acct_get(acct, "email")));
	if (cfg_account_check_security(acct, file, "imap_security", "imap_host",
		err) != 0 ||
	    cfg_account_check_security(acct, file, "smtp_security", "smtp_host",
		err) != 0)
		return -1;

	pub->name = cfg_acct_get(acct, "name");
	pub->email = cfg_acct_get(acct, "email");
	pub->username = cfg_acct_get(acct, "username");
	v = cfg_acct_get(acct, "identities");
	pub->identities = v != NULL && *v != '\0' ? v : NULL;
	pub->imap.host = cfg_acct_get(acct, "imap_host");
	pub->imap.port = (int)strtol(cfg_acct_get(acct, "imap_port"), NULL, 10);
	pub->smtp.host = cfg_acct_get(acct, "smtp_host");
	pub->smtp.port = (int)strtol(cfg_acct_get(acct, "smtp_port"), NULL, 10);
	/* An empty password or command means "ask". */
	v = cfg_acct_get(acct, "password");
	pub->password = v != NULL && *v != '\0' ? v : NULL;
	v = cfg_acct_get(acct, "password_command");
	pub->password_command = v != NULL && *v != '\0' ? v : NULL;
	v = cfg_acct_get(acct, "oauth_token_command");
	pub->oauth_token_command = v != NULL && *v != '\0' ? v : NULL;
	if (pub->oauth_token_command != NULL &&
	    (pub->password != NULL || pub->password_command != NULL))
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("%s:%d: [account %s] sets both oauth_token_command and "
		      "a password: an account logs in with one or the other, "
		      "remove one"),
		    file, line, acct->id);
	v = cfg_acct_get(acct, "ca_file");
	pub->ca_file = v != NULL && *v != '\0' ? v : NULL;
	pub->imap_tls_pin = cfg_acct_get(acct, "imap_tls_pin");
	pub->smtp_tls_pin = cfg_acct_get(acct, "smtp_tls_pin");
	pub->connect_timeout =
	    (int)strtol(cfg_acct_get(acct, "connect_timeout"), NULL, 10);
	pub->read_timeout =
	    (int)strtol(cfg_acct_get(acct, "read_timeout"), NULL, 10);
	pub->line = line;
	return 0;
}

static const struct cfg_def *
cfg_global_def(const char *section, const char *name, enum cfg_type type)
{
	const struct cfg_def *def;

	def = cfg_def_find(section, name);
	if (def == NULL || strcmp(section, CFG_ACCOUNT) == 0)
		pt_fatal("config: unknown option '%s.%s'", section, name);
	/* Any option can be read as text. */
	if (type != CFG_STRING && type != def->type)
		pt_fatal("config: option '%s.%s' is not of the type asked",
		    section, name);
	return def;
}

const char *
cfg_get(const struct cfg *cfg, const char *section, const char *name)
{
	const struct cfg_def *def;
	const char *v;

	def = cfg_global_def(section, name, CFG_STRING);
	v = cfg->globals.val[cfg_def_index(def)];
	return v != NULL ? v : def->defval;
}

int
cfg_get_int(const struct cfg *cfg, const char *section, const char *name)
{
	const struct cfg_def *def;
	const char *v;

	def = cfg_global_def(section, name, CFG_INT);
	v = cfg->globals.val[cfg_def_index(def)];
	if (v == NULL)
		v = def->defval;
	return v != NULL ? (int)strtol(v, NULL, 10) : 0;
}

int
cfg_get_bool(const struct cfg *cfg, const char *section, const char *name)
{
	const struct cfg_def *def;
	const char *v;

	def = cfg_global_def(section, name, CFG_BOOL);
	v = cfg->globals.val[cfg_def_index(def)];
	if (v == NULL)
		v = def->defval;
	return v != NULL && strcmp(v, "yes") == 0;
}

const char *
cfg_editor(const struct cfg *cfg)
{
	const char *ed = cfg_get(cfg, "compose", "editor");

	if (ed == NULL || ed[0] == '\0')
		ed = getenv("VISUAL");
	if (ed == NULL || ed[0] == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || ed[0] == '\0')
		ed = "vi";
	return ed;
}

size_t
cfg_account_count(const struct cfg *cfg)
{
	return cfg->nacct;
}

const struct cfg_account *
cfg_account_at(const struct cfg *cfg, size_t i)
{
	if (i >= cfg->nacct)
		return NULL;
	return &cfg->accts[i]->pub;
}

const struct cfg_account *
cfg_account_find(const struct cfg *cfg, const char *id)
{
	size_t i;

	if (id == NULL)
		return cfg_account_at(cfg, 0);
	for (i = 0; i < cfg->nacct; i++) {
		if (strcmp(cfg->accts[i]->id, id) == 0)
			return &cfg->accts[i]->pub;
	}
	return NULL;
}

int
cfg_account_password(const struct cfg_account *acct, struct pt_secret *out,
    struct pt_error *err)
{
	if (acct->oauth_token_command != NULL)
		return cfg_token_run(acct->oauth_token_command,
		    acct->read_timeout > 0 ? acct->read_timeout : 60, out, err);
	if (acct->password != NULL) {
		pt_secret_set(out, acct->password, strlen(acct->password));
		return 0;
	}
	if (acct->password_command != NULL)
		return cfg_command_run(acct->password_command, CFG_CMD_PASSWORD,
		    0, out, err);
	return 1;
}

static int
cfg_pipe_cloexec(int fds[2])
{
	if (pipe(fds) == -1)
		return -1;
	if (fcntl(fds[0], F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(fds[1], F_SETFD, FD_CLOEXEC) == -1) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	return 0;
}

/*
 * In the child, between fork and exec: only async-signal-safe calls.
 * stdin is /dev/null (the terminal belongs to the UI), stdout and stderr
 * are the pipes, and signals are as a fresh process expects them.
 */
static void
cfg_child_exec(const char *cmd, int outfd, int errfd)
{
	char *argv[4];
	sigset_t none;
	int fd, o, e;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);

	/* Move the pipes above 2 first, so that no dup2 clobbers one. */
	o = fcntl(outfd, F_DUPFD_CLOEXEC, 3);
	e = fcntl(errfd, F_DUPFD_CLOEXEC, 3);
	if (o == -1 || e == -1)
		_exit(127);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	/* dup2 onto itself would keep close-on-exec. */
	if (fd == STDIN_FILENO && fcntl(fd, F_SETFD, 0) == -1)
		_exit(127);
	if (fd == -1 || dup2(fd, STDIN_FILENO) == -1 ||
	    dup2(o, STDOUT_FILENO) == -1 || dup2(e, STDERR_FILENO) == -1)
		_exit(127);

	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = (char *)cmd;
	argv[3] = NULL;
	execve("/bin/sh", argv, environ);
	_exit(127);
}

int
cfg_token_run(const char *cmd, int timeout, struct pt_secret *out,
    struct pt_error *err)
{
	return cfg_command_run(cmd, CFG_CMD_TOKEN, timeout, out, err);
}

/* Kills a timed command's process group (and it, should setpgid fail). */
static void
cfg_command_kill(pid_t pid)
{
	(void)kill(-pid, SIGKILL);
	(void)kill(pid, SIGKILL);
}

/* Milliseconds left until deadline (a CLOCK_MONOTONIC time in ms). */
static int
cfg_ms_left(int64_t deadline)
{
	struct timespec ts;
	int64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (now >= deadline)
		return 0;
	return deadline - now > 60000 ? 60000 : (int)(deadline - now);
}

/*
 * Runs cmd with /bin/sh -c and keeps the first line of its output.  Its
 * stderr goes to the error's detail (the log), never to the terminal.
 * With timeout > 0 (seconds) the command runs in a process group of its
 * own, killed whole when the time is up.
 */
static int
cfg_command_run(const char *cmd, enum cfg_cmd_kind kind, int timeout,
    struct pt_secret *out, struct pt_error *err)
{
	char buf[CFG_PASSWORD_MAX + 1], ebuf[CFG_STDERR_MAX + 1], junk[256];
	struct pollfd pfd[2];
	size_t n = 0, en = 0, len;
	ssize_t r;
	pid_t pid;
	int outp[2], errp[2], status, nfds, saved, rc = -1, toolong = 0;
	int timedout = 0, secs = timeout;
	int64_t deadline = 0;
	const char *nl;

	if (cfg_pipe_cloexec(outp) == -1)
		return pt_error_set(err, PT_E_INTERNAL, errno,
		    kind == CFG_CMD_TOKEN
			? _("cannot run token command '%s': %s")
			: _("cannot run password command '%s': %s"),
		    cmd, strerror(errno));
	if (cfg_pipe_cloexec(errp) == -1) {
		saved = errno;
		close(outp[0]);
		close(outp[1]);
		return pt_error_set(err, PT_E_INTERNAL, saved,
		    kind == CFG_CMD_TOKEN
			? _("cannot run token command '%s': %s")
			: _("cannot run password command '%s': %s"),
		    cmd, strerror(saved));
	}
	pid = fork();
	if (pid == 0) {
		if (timeout > 0)
			(void)setpgid(0, 0);
		cfg_child_exec(cmd, outp[1], errp[1]);
	}
	saved = errno;
	close(outp[1]);
	close(errp[1]);
	if (pid == -1) {
		close(outp[0]);
		close(errp[0]);
		return pt_error_set(err, PT_E_INTERNAL, saved,
		    kind == CFG_CMD_TOKEN
			? _("cannot run token command '%s': %s")
			: _("cannot run password command '%s': %s"),
		    cmd, strerror(saved));
	}
	if (timeout > 0) {
		struct timespec ts;

		/* Either side may win the race to set the group. */
		(void)setpgid(pid, pid);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		deadline = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 +
			   (int64_t)timeout * 1000;
	}

	/*
	 * Read both pipes until stdout ends.  stderr is read too so that a
	 * chatty command does not block on a full pipe.
	 */
	pfd[0].fd = outp[0];
	pfd[1].fd = errp[0];
	pfd[0].events = pfd[1].events = POLLIN;
	nfds = 2;
	while (pfd[0].fd != -1) {
		int wait = timeout > 0 ? cfg_ms_left(deadline) : -1;

		if (wait == 0) {
			timedout = 1;
			cfg_command_kill(pid);
			close(pfd[0].fd);
			pfd[0].fd = -1;
			break;
		}
		r = poll(pfd, (nfds_t)nfds, wait);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents != 0) {
			r = read(pfd[0].fd, buf + n, sizeof buf - n);
			if (r == -1 && errno == EINTR)
				continue;
			if (r > 0)
				n += (size_t)r;
			if (n > CFG_PASSWORD_MAX) {
				toolong = 1;
				kill(timeout > 0 ? -pid : pid, SIGKILL);
			}
			if (r <= 0 || toolong) {
				close(pfd[0].fd);
				pfd[0].fd = -1;
			}
		}
		if (nfds == 2 && pfd[1].revents != 0) {
			if (en < CFG_STDERR_MAX)
				r = read(pfd[1].fd, ebuf + en,
				    CFG_STDERR_MAX - en);
			else
				r = read(pfd[1].fd, junk, sizeof junk);
			if (r > 0 && en < CFG_STDERR_MAX)
				en += (size_t)r;
			if (r == 0 || (r == -1 && errno != EINTR)) {
				close(pfd[1].fd);
				nfds = 1;
			}
		}
	}
	if (pfd[0].fd != -1)
		close(pfd[0].fd);
	/*
	 * A daemon the command started may keep stderr open: once stdout is
	 * done, take only what stderr already holds.
	 */
	if (nfds == 2) {
		if (fcntl(errp[0], F_SETFL, O_NONBLOCK) != -1 &&
		    en < CFG_STDERR_MAX) {
			r = read(errp[0], ebuf + en, CFG_STDERR_MAX - en);
			if (r > 0)
				en += (size_t)r;
		}
		close(errp[0]);
	}
	ebuf[en] = '\0';
	/* Output closed but the command lingers: the clock still runs. */
	for (;;) {
		pid_t w = waitpid(pid, &status, timeout > 0 ? WNOHANG : 0);

		if (w == pid)
			break;
		if (w == -1 && errno != EINTR) {
			status = -1;
			break;
		}
		if (w == 0 && cfg_ms_left(deadline) == 0) {
			timedout = 1;
			cfg_command_kill(pid);
			timeout = 0; /* now wait for it */
		} else if (w == 0)
			(void)poll(NULL, 0, 20);
	}

	nl = memchr(buf, '\n', n);
	len = nl != NULL ? (size_t)(nl - buf) : n;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (timedout)
		pt_error_set(err, PT_E_CONFIG, ETIMEDOUT,
		    _("token command '%s' did not finish within %d s: run it "
		      "in a terminal (it may be waiting for a browser "
		      "sign-in)"),
		    cmd, secs);
	else if (toolong)
		pt_error_set(err, PT_E_CONFIG, 0,
		    kind == CFG_CMD_TOKEN
			? _("token command '%s' printed more than %d bytes")
			: _("password command '%s' printed more than %d bytes"),
		    cmd, CFG_PASSWORD_MAX);
	else if (status == -1 || !WIFEXITED(status))
		pt_error_set(err, PT_E_CONFIG, 0,
		    kind == CFG_CMD_TOKEN
			? _("token command '%s' failed (killed by signal %d)")
			: _("password command '%s' failed (killed by signal "
			    "%d)"),
		    cmd,
		    status != -1 && WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	else if (WEXITSTATUS(status) != 0)
		pt_error_set(err, PT_E_CONFIG, WEXITSTATUS(status),
		    kind == CFG_CMD_TOKEN
			? _("token command '%s' failed (exit status %d): run "
			    "it in a terminal to see why (you may need to "
			    "authorise petrel again)")
			: _("password command '%s' failed (exit status %d)"),
		    cmd, WEXITSTATUS(status));
	else if (len == 0)
		pt_error_set(err, PT_E_CONFIG, 0,
		    kind == CFG_CMD_TOKEN
			? _("token command '%s' printed no token")
			: _("password command '%s' printed no password"),
		    cmd);
	else {
		pt_secret_set(out, buf, len);
		rc = 0;
	}
	/* After pt_error_set, which may reset the detail. */
	if (rc != 0 && en > 0) {
		char *line = pt_sanitize_line(ebuf, strcspn(ebuf, "\n"));
		pt_error_detail(err, "%s command stderr: %s",
		    kind == CFG_CMD_TOKEN ? "token" : "password", line);
		free(line);
	}
	explicit_bzero(buf, sizeof buf);
	explicit_bzero(ebuf, sizeof ebuf);
	explicit_bzero(junk, sizeof junk);
	return rc;
}

/*
 * One option: "key = value", with " # default" when the file does not
 * set it, or "# key = (not set)" when it has no value at all.
 */
static void
cfg_dump_option(FILE *fp, const struct cfg_def *d, const char *value,
    int isdefault)
{
	struct pt_buf b;

	fprintf(fp, "# %s\n", _(d->doc));
	if (value == NULL) {
		fprintf(fp, "# %s = %s\n", d->name, _("(not set)"));
		return;
	}
	if (d->flags & CFG_SECRET) {
		fprintf(fp, "%s = <hidden>\n", d->name);
		return;
	}
	pt_buf_init(&b, 0);
	if (cfg_value_quote(&b, value, NULL) != 0) {
		pt_buf_reset(&b);
		pt_buf_addstr(&b, "<invalid>", NULL);
	}
	fprintf(fp, "%s = %s%s\n", d->name, b.data,
	    isdefault ? " # default" : "");
	pt_buf_release(&b);
}

void
cfg_dump(const struct cfg *cfg, FILE *fp)
{
	const struct cfg_def *d;
	const char *section = NULL, *v;
	size_t i, a;

	fprintf(fp, _("# petrel configuration from %s\n"),
	    cfg->path != NULL ? cfg->path : _("(no file)"));
	for (d = cfg_defs; d->name != NULL; d++) {
		if (strcmp(d->section, CFG_ACCOUNT) == 0)
			continue;
		if (section == NULL || strcmp(section, d->section) != 0) {
			section = d->section;
			fprintf(fp, "\n[%s]\n", section);
		}
		v = cfg->globals.val[cfg_def_index(d)];
		cfg_dump_option(fp, d, v != NULL ? v : d->defval, v == NULL);
	}
	for (a = 0; a < cfg->nacct; a++) {
		fprintf(fp, "\n[%s %s]\n", CFG_ACCOUNT, cfg->accts[a]->id);
		for (d = cfg_defs; d->name != NULL; d++) {
			if (strcmp(d->section, CFG_ACCOUNT) != 0)
				continue;
			i = cfg_def_index(d);
			cfg_dump_option(fp, d, cfg->accts[a]->vals.val[i],
			    cfg->accts[a]->vals.derived[i]);
		}
	}
	if (cfg->nacct == 0) {
		fprintf(fp, "\n# %s\n# [%s NAME]\n",
		    _("no account is configured; an account is a section like "
		      "this:"),
		    CFG_ACCOUNT);
		for (d = cfg_defs; d->name != NULL; d++) {
			if (strcmp(d->section, CFG_ACCOUNT) != 0)
				continue;
			fprintf(fp, "#   %s = %s\n", d->name,
			    d->defval != NULL ? d->defval : "");
		}
	}
}
