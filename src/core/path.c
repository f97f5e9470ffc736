/*
 * path.c: where petrel keeps things (the XDG base directories), making
 * folders, and writing files so that a crash leaves the old file or the
 * new one, never half of one (with the write-all loop every writer of a
 * descriptor uses).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "petrel/core.h"

static const char *path_home(void);

static const char *
path_home(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home != NULL && *home == '/')
		return home;
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL)
		return pw->pw_dir;
	return "/";
}

char *
pt_xdg_path(enum pt_xdg which, const char *rest)
{
	static const struct {
		const char *env;
		const char *fallback;
	} bases[] = {
	    [PT_XDG_CONFIG] = {"XDG_CONFIG_HOME", ".config"},
	    [PT_XDG_STATE] = {"XDG_STATE_HOME", ".local/state"},
	    [PT_XDG_CACHE] = {"XDG_CACHE_HOME", ".cache"},
	    [PT_XDG_DATA] = {"XDG_DATA_HOME", ".local/share"},
	};
	const char *base = getenv(bases[which].env);
	char *dir, *path;

	/* The spec says a relative value is invalid and to be ignored. */
	if (base != NULL && *base == '/')
		dir = pt_xasprintf("%s/petrel", base);
	else
		dir = pt_xasprintf("%s/%s/petrel", path_home(),
		    bases[which].fallback);
	if (rest == NULL || *rest == '\0')
		return dir;
	path = pt_xasprintf("%s/%s", dir, rest);
	free(dir);
	return path;
}

int
pt_mkdir_p(const char *path, int mode, struct pt_error *err)
{
	char *copy = pt_xstrdup(path), *p;
	struct stat st;

	for (p = copy + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;

		*p = '\0';
		if (mkdir(copy, (mode_t)mode) != 0 && errno != EEXIST) {
			int e = errno;

			pt_error_set(err, PT_E_IO, e,
			    _("cannot create folder '%s': %s"), copy,
			    strerror(e));
			free(copy);
			return -1;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	free(copy);
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return pt_error_set(err, PT_E_IO, ENOTDIR,
		    _("'%s' is not a folder"), path);
	return 0;
}

int
pt_fd_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
pt_file_write_atomic(const char *path, const void *data, size_t len, int mode,
    struct pt_error *err)
{
	char *tmp, *dircopy;
	int fd, dfd, e;

	tmp = pt_xasprintf("%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    (mode_t)mode);
	if (fd < 0) {
		e = errno;
		free(tmp);
		return pt_error_set(err, PT_E_IO, e, _("cannot write '%s': %s"),
		    path, strerror(e));
	}
	/* open() applies the umask: the mode asked for is the mode wanted. */
	if (fchmod(fd, (mode_t)mode) != 0 || pt_fd_write_all(fd, data, len) ||
	    fsync(fd) != 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		free(tmp);
		return pt_error_set(err, PT_E_IO, e, _("cannot write '%s': %s"),
		    path, strerror(e));
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		free(tmp);
		return pt_error_set(err, PT_E_IO, e, _("cannot write '%s': %s"),
		    path, strerror(e));
	}
	free(tmp);
	dircopy = pt_xstrdup(path);
	if ((dfd = open(dirname(dircopy),
		 O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(dircopy);
	return 0;
}

char *
pt_file_read(const char *path, size_t max, size_t *lenp, struct pt_error *err)
{
	struct pt_buf b;
	char chunk[8192];
	int fd, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		e = errno;
		return pt_error_set(err, PT_E_IO, e, _("cannot read '%s': %s"),
			   path, strerror(e)),
		       NULL;
	}
	pt_buf_init(&b, max);
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			close(fd);
			pt_buf_release(&b);
			pt_error_set(err, PT_E_IO, e, _("cannot read '%s': %s"),
			    path, strerror(e));
			return NULL;
		}
		if (n == 0)
			break;
		if (pt_buf_add(&b, chunk, (size_t)n, err) != 0) {
			close(fd);
			pt_buf_release(&b);
			pt_error_prefix(err, _("cannot read '%s'"), path);
			return NULL;
		}
	}
	close(fd);
	return pt_buf_detach(&b, lenp);
}
