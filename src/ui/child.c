/*
 * child.c: a command run beside the UI loop (the HTML viewer of the
 * pager, the address query_command), with a time limit and an output
 * cap.  The child runs in a process group of its own, so that a kill
 * ends all it started; its standard input is a file or /dev/null, its
 * standard error /dev/null, its output a non-blocking pipe whose read
 * end the loop polls (ui_child_fd) and reads (ui_child_read).  Shell
 * commands get their arguments as positional parameters ("$1"...),
 * never parsed by the shell.
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
#include <time.h>
#include <unistd.h>

#include "petrel/core.h"

#include "private.h"

int
ui_child_start(struct ui_child *c, const char *const *argv, const char *in,
    int timeout_ms, size_t max)
{
	int pfd[2];
	pid_t pid;

	c->pid = 0;
	c->fd = -1;
	c->status = 0;
	c->why = UI_CHILD_RUNNING;
	pt_buf_init(&c->out, max);
	if (pipe(pfd) != 0)
		return -1;
	fflush(NULL);
	if ((pid = fork()) < 0) {
		int e = errno;

		close(pfd[0]);
		close(pfd[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		int fd0, nul;

		/* Its own process group, so a kill ends all of it. */
		(void)setpgid(0, 0);
		(void)signal(SIGPIPE, SIG_DFL); /* petrel ignores it */
		fd0 = open(in != NULL ? in : "/dev/null", O_RDONLY);
		nul = open("/dev/null", O_WRONLY);
		if (fd0 < 0 || nul < 0 || dup2(fd0, 0) < 0 ||
		    dup2(pfd[1], 1) < 0 || dup2(nul, 2) < 0)
			_exit(127);
		/* Only 0, 1 and 2: a copy of the pipe left open would hide
		 * the end of its output. */
		close(pfd[0]);
		if (pfd[1] > 2)
			close(pfd[1]);
		if (fd0 > 2)
			close(fd0);
		if (nul > 2 && nul != fd0)
			close(nul);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	/* Either side may win the race to set the group. */
	(void)setpgid(pid, pid);
	close(pfd[1]);
	(void)fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	(void)fcntl(pfd[0], F_SETFD, FD_CLOEXEC);
	c->pid = pid;
	c->fd = pfd[0];
	c->deadline = ui_now_ms() + timeout_ms;
	c->timeout_ms = timeout_ms;
	return 0;
}

int
ui_child_start_sh(struct ui_child *c, const char *script,
    const char *const *args, const char *in, int timeout_ms, size_t max)
{
	const char *argv[UI_CHILD_ARGS + 5];
	size_t n = 0;

	argv[n++] = "/bin/sh";
	argv[n++] = "-c";
	argv[n++] = script;
	argv[n++] = "sh"; /* $0 */
	for (; args != NULL && *args != NULL; args++) {
		if (n == UI_CHILD_ARGS + 4) {
			errno = E2BIG;
			return -1;
		}
		argv[n++] = *args;
	}
	argv[n] = NULL;
	return ui_child_start(c, argv, in, timeout_ms, max);
}

int
ui_child_fd(const struct ui_child *c)
{
	return c->pid != 0 ? c->fd : -1;
}

int
ui_child_left_ms(const struct ui_child *c)
{
	long long left;

	if (c->pid == 0)
		return -1;
	left = c->deadline - ui_now_ms();
	return left < 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int)left;
}

int
ui_child_read(struct ui_child *c)
{
	char buf[8192];
	int r = 0;

	if (c->fd < 0)
		return 1;
	for (;;) {
		ssize_t n = read(c->fd, buf, sizeof buf);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n > 0 && pt_buf_add(&c->out, buf, (size_t)n, NULL) == 0)
			continue;
		if (n > 0) {
			c->why = UI_CHILD_OVER;
			r = -1;
		} else
			r = 1; /* its end, or an error: nothing more */
		break;
	}
	close(c->fd);
	c->fd = -1;
	return r;
}

int
ui_child_reap(struct ui_child *c)
{
	pid_t w;

	if (c->pid == 0)
		return 1;
	while ((w = waitpid(c->pid, &c->status, WNOHANG)) < 0 && errno == EINTR)
		;
	if (w == 0)
		return 0;
	if (w < 0) {
		int e = errno;

		c->pid = 0; /* not ours to wait for: nothing to kill */
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
		errno = e;
		return -1;
	}
	if (c->why == UI_CHILD_RUNNING)
		c->why = UI_CHILD_EXITED;
	c->pid = 0;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	return 1;
}

int
ui_child_finish(struct ui_child *c, int grace_ms)
{
	long long end = ui_now_ms() + grace_ms;

	if (c->pid == 0)
		return 0;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (grace_ms < 0) {
		while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
			;
		if (c->why == UI_CHILD_RUNNING)
			c->why = UI_CHILD_EXITED;
		c->pid = 0;
		return 0;
	}
	/* A process closes its output just before it can be waited for. */
	while (ui_child_reap(c) == 0) {
		struct timespec tick = {0, grace_ms > 200 ? 10000000 : 1000000};

		if (ui_now_ms() >= end) {
			(void)kill(-c->pid, SIGKILL);
			(void)kill(c->pid, SIGKILL); /* should setpgid fail */
			while (waitpid(c->pid, &c->status, 0) < 0 &&
			       errno == EINTR)
				;
			if (c->why == UI_CHILD_RUNNING)
				c->why = UI_CHILD_KILLED;
			c->pid = 0;
			return 1;
		}
		nanosleep(&tick, NULL);
	}
	return 0;
}

void
ui_child_release(struct ui_child *c)
{
	/* Once reaped (or never started), its pipe is closed already. */
	if (c->pid != 0)
		(void)ui_child_finish(c, 0);
	pt_buf_release(&c->out);
}

enum ui_child_why
ui_child_run(struct ui_child *c)
{
	int r = 0;

	while (r == 0) {
		struct pollfd p = {c->fd, POLLIN, 0};
		int left = ui_child_left_ms(c);

		if (left == 0) {
			c->why = UI_CHILD_TIMEOUT;
			break;
		}
		if (poll(&p, 1, left) <= 0)
			continue; /* EINTR, or the time-out checked above */
		r = ui_child_read(c);
	}
	/* Its output ended: it has the rest of its time to exit. */
	if (ui_child_finish(c, r > 0 ? ui_child_left_ms(c) : 0) &&
	    c->why == UI_CHILD_KILLED)
		c->why = UI_CHILD_TIMEOUT;
	return c->why;
}
