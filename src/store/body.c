/*
 * body.c: the body cache.  Each cached message (or MIME part) is one
 * file, bodies/<hash>-<uidvalidity>/<uid>.<part>, where hash is the
 * FNV-1a hash of the folder name in hex (a folder name is no safe file
 * name).  A file is written to a temporary name and renamed, so readers
 * (also in other processes) see a whole body or none.  Its mtime is the
 * time it was last used; past the bound, the files used least recently
 * are removed.  A new UIDVALIDITY or a dropped folder removes its
 * folder's bodies.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "petrel/core.h"
#include "petrel/store.h"

#include "private.h"

/* The biggest body store_body_get reads into memory. */
#define STORE_BODY_READ_MAX ((size_t)1024 * 1024 * 1024)

struct store_bodyfile {
	char *path;
	int64_t used; /* mtime in nanoseconds */
	size_t size;
};

static char *store_body_path(struct store *, const char *, uint32_t, uint32_t,
    const char *, struct pt_error *);
static int store_bodyfile_cmp(const void *, const void *);
static size_t store_body_scan(struct store *, struct store_bodyfile **,
    size_t *);
static void store_body_rmdir(const char *);

static uint64_t
store_body_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

char *
store_body_folder_dir(struct store *st, const char *folder,
    uint32_t uidvalidity)
{
	return pt_xasprintf("%s/%016" PRIx64 "-%" PRIu32, st->bodydir,
	    store_body_hash(folder), uidvalidity);
}

static char *
store_body_path(struct store *st, const char *folder, uint32_t uidvalidity,
    uint32_t uid, const char *part, struct pt_error *err)
{
	char *dir, *path;
	const char *p;

	if (part == NULL || *part == '\0')
		part = "full";
	if (strlen(part) > 64)
		goto bad;
	for (p = part; *p != '\0'; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
			(*p >= 'A' && *p <= 'Z') || *p == '.'))
			goto bad;
	if (folder == NULL || *folder == '\0' || uid == 0)
		goto bad;
	dir = store_body_folder_dir(st, folder, uidvalidity);
	path = pt_xasprintf("%s/%" PRIu32 ".%s", dir, uid, part);
	free(dir);
	return path;
bad:
	pt_error_set(err, PT_E_INTERNAL, 0,
	    _("cannot cache part '%s' of message %" PRIu32 " in '%s'"), part,
	    uid, folder != NULL ? folder : "");
	return NULL;
}

int
store_body_put(struct store *st, const char *folder, uint32_t uidvalidity,
    uint32_t uid, const char *part, const void *data, size_t len,
    struct pt_error *err)
{
	char *path, *dir, *tmp, *slash;
	struct stat sb;
	int fd, e, over;
	size_t old = 0;

	if ((path = store_body_path(st, folder, uidvalidity, uid, part, err)) ==
	    NULL)
		return -1;
	dir = pt_xstrdup(path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	if (pt_mkdir_p(dir, 0700, err) != 0) {
		free(dir);
		free(path);
		return -1;
	}
	tmp = pt_xasprintf("%s/.tmpXXXXXX", dir);
	free(dir);
	fd = mkstemp(tmp);
	e = fd < 0 ? errno : 0;
	if (fd >= 0) {
		if (pt_fd_write_all(fd, data, len) != 0)
			e = errno;
		if (close(fd) != 0 && e == 0)
			e = errno;
		if (e != 0)
			unlink(tmp);
	}
	if (e != 0) {
		pt_error_set(err, PT_E_IO, e, _("cannot write '%s': %s"), tmp,
		    strerror(e));
		free(tmp);
		free(path);
		return -1;
	}
	if (stat(path, &sb) == 0)
		old = (size_t)sb.st_size;
	if (rename(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		pt_error_set(err, PT_E_IO, e, _("cannot write '%s': %s"), path,
		    strerror(e));
		free(tmp);
		free(path);
		return -1;
	}
	free(tmp);
	free(path);

	pthread_mutex_lock(&st->body_lock);
	if (st->body_total >= 0)
		st->body_total += (int64_t)len - (int64_t)old;
	over = st->body_total < 0 || (size_t)st->body_total > st->max_body;
	pthread_mutex_unlock(&st->body_lock);
	if (over)
		return store_body_evict(st, st->max_body, err);
	return 0;
}

int
store_body_get(struct store *st, const char *folder, uint32_t uidvalidity,
    uint32_t uid, const char *part, char **datap, size_t *lenp,
    struct pt_error *err)
{
	char *path, *buf;
	struct stat sb;
	size_t len, got = 0;
	ssize_t n;
	int fd, e;

	*datap = NULL;
	if (lenp != NULL)
		*lenp = 0;
	if ((path = store_body_path(st, folder, uidvalidity, uid, part, err)) ==
	    NULL)
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		e = errno;
		if (e == ENOENT) {
			free(path);
			return 0;
		}
		goto fail;
	}
	if (fstat(fd, &sb) != 0) {
		e = errno;
		close(fd);
		goto fail;
	}
	if (!S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size > STORE_BODY_READ_MAX) {
		close(fd);
		e = EFBIG;
		goto fail;
	}
	len = (size_t)sb.st_size;
	buf = pt_xmalloc(len + 1);
	while (got < len) {
		n = read(fd, buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	/* Mark it used now, for eviction. */
	(void)futimens(fd, NULL);
	close(fd);
	if (got != len) {
		free(buf);
		e = EIO;
		goto fail;
	}
	buf[len] = '\0';
	free(path);
	*datap = buf;
	if (lenp != NULL)
		*lenp = len;
	return 1;
fail:
	pt_error_set(err, PT_E_IO, e, _("cannot read '%s': %s"), path,
	    strerror(e));
	free(path);
	return -1;
}

/* Least recently used first. */
static int
store_bodyfile_cmp(const void *a, const void *b)
{
	const struct store_bodyfile *x = a, *y = b;

	if (x->used != y->used)
		return x->used < y->used ? -1 : 1;
	return strcmp(x->path, y->path);
}

/*
 * Lists every cached body (into *filesp when not NULL) and returns their
 * total size.  Temporary files more than an hour old (left by a crash)
 * are removed.
 */
static size_t
store_body_scan(struct store *st, struct store_bodyfile **filesp, size_t *np)
{
	struct store_bodyfile *files = NULL;
	struct dirent *de, *fe;
	struct stat sb;
	DIR *top, *sub;
	char *subpath, *path;
	size_t n = 0, cap = 0, total = 0;
	time_t now = time(NULL);

	if ((top = opendir(st->bodydir)) == NULL)
		goto done;
	while ((de = readdir(top)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		subpath = pt_xasprintf("%s/%s", st->bodydir, de->d_name);
		if ((sub = opendir(subpath)) == NULL) {
			free(subpath);
			continue;
		}
		while ((fe = readdir(sub)) != NULL) {
			if (strcmp(fe->d_name, ".") == 0 ||
			    strcmp(fe->d_name, "..") == 0)
				continue;
			path = pt_xasprintf("%s/%s", subpath, fe->d_name);
			if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
				free(path);
				continue;
			}
			if (fe->d_name[0] == '.') {
				if (now - sb.st_mtime > 3600)
					unlink(path);
				free(path);
				continue;
			}
			total += (size_t)sb.st_size;
			if (filesp == NULL) {
				free(path);
				continue;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				files = pt_xreallocarray(files, cap,
				    sizeof(*files));
			}
			files[n].path = path;
			files[n].used =
			    (int64_t)sb.st_mtim.tv_sec * 1000000000 +
			    sb.st_mtim.tv_nsec;
			files[n].size = (size_t)sb.st_size;
			n++;
		}
		closedir(sub);
		free(subpath);
	}
	closedir(top);
done:
	if (filesp != NULL) {
		*filesp = files;
		*np = n;
	}
	return total;
}

int
store_body_evict(struct store *st, size_t max, struct pt_error *err)
{
	struct store_bodyfile *files;
	size_t n, i, total;

	(void)err;
	pthread_mutex_lock(&st->body_lock);
	total = store_body_scan(st, &files, &n);
	if (total > max) {
		/* Go a little under the bound so that eviction is rare. */
		size_t target = max - max / 10;
		qsort(files, n, sizeof(*files), store_bodyfile_cmp);
		for (i = 0; i < n && total > target; i++) {
			if (unlink(files[i].path) == 0 || errno == ENOENT)
				total -= files[i].size;
		}
	}
	for (i = 0; i < n; i++)
		free(files[i].path);
	free(files);
	st->body_total = (int64_t)total;
	pthread_mutex_unlock(&st->body_lock);
	return 0;
}

size_t
store_body_size(struct store *st)
{
	size_t total;

	pthread_mutex_lock(&st->body_lock);
	total = store_body_scan(st, NULL, NULL);
	st->body_total = (int64_t)total;
	pthread_mutex_unlock(&st->body_lock);
	return total;
}

/* Removes a folder of bodies and the files in it. */
static void
store_body_rmdir(const char *dir)
{
	struct dirent *de;
	char *path;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		path = pt_xasprintf("%s/%s", dir, de->d_name);
		unlink(path);
		free(path);
	}
	closedir(d);
	if (rmdir(dir) != 0 && errno != ENOENT)
		pt_warn("cannot remove '%s': %s", dir, strerror(errno));
}

/* Removes a folder's bodies of every UIDVALIDITY but except (0: all). */
void
store_body_drop_folder(struct store *st, const char *folder,
    uint32_t except_uidvalidity)
{
	char prefix[32], keep[48];
	DIR *d;

	snprintf(prefix, sizeof(prefix), "%016" PRIx64 "-",
	    store_body_hash(folder));
	snprintf(keep, sizeof(keep), "%s%" PRIu32, prefix, except_uidvalidity);
	pthread_mutex_lock(&st->body_lock);
	if ((d = opendir(st->bodydir)) != NULL) {
		struct dirent *de;

		while ((de = readdir(d)) != NULL) {
			char *path;

			if (strncmp(de->d_name, prefix, strlen(prefix)) != 0 ||
			    (except_uidvalidity != 0 &&
				strcmp(de->d_name, keep) == 0))
				continue;
			path = pt_xasprintf("%s/%s", st->bodydir, de->d_name);
			store_body_rmdir(path);
			free(path);
		}
		closedir(d);
	}
	st->body_total = -1;
	pthread_mutex_unlock(&st->body_lock);
}
