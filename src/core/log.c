/*
 * log.c: petrel's log file under $XDG_STATE_HOME/petrel/.  While curses
 * runs nothing may be written to the terminal, so the UI silences stderr;
 * passwords never reach this file (callers pass none, and the protocol
 * logger honours libetpan's private-data marks).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "petrel/core.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;
static int log_quiet;
static enum pt_loglevel log_level = PT_LOG_INFO;

int
pt_log_open(const char *path, struct pt_error *err)
{
	char *owned = NULL, *dir, *slash;
	FILE *f;
	int fd;

	if (path == NULL)
		path = owned = pt_xdg_path(PT_XDG_STATE, "petrel.log");
	dir = pt_xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (pt_mkdir_p(dir, 0700, err) != 0) {
			free(dir);
			free(owned);
			return -1;
		}
	}
	free(dir);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0 || (f = fdopen(fd, "a")) == NULL) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		pt_error_set(err, PT_E_IO, e,
		    _("cannot open log file '%s': %s"), path, strerror(e));
		free(owned);
		return -1;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	pthread_mutex_lock(&log_lock);
	if (log_file != NULL)
		fclose(log_file);
	log_file = f;
	pthread_mutex_unlock(&log_lock);
	free(owned);
	return 0;
}

void
pt_log_close(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
	pthread_mutex_unlock(&log_lock);
}

void
pt_log_quiet_stderr(int quiet)
{
	log_quiet = quiet;
}

void
pt_log_set_level(enum pt_loglevel level)
{
	log_level = level;
}

void
pt_log(enum pt_loglevel level, const char *fmt, ...)
{
	static const char *const names[] = {"debug", "info", "warn", "error"};
	char stamp[32], *line;
	struct tm tm;
	time_t now;
	va_list ap;

	if (level < log_level)
		return;
	va_start(ap, fmt);
	line = pt_xvasprintf(fmt, ap);
	va_end(ap);
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);

	pthread_mutex_lock(&log_lock);
	if (log_file != NULL)
		fprintf(log_file, "%s %d %s: %s\n", stamp, (int)getpid(),
		    names[level], line);
	else if (!log_quiet && level >= PT_LOG_WARN)
		fprintf(stderr, "petrel: %s\n", line);
	pthread_mutex_unlock(&log_lock);
	free(line);
}
