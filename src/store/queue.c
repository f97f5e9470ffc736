/*
 * queue.c: changes made while offline (flags, copy, move, append, ...),
 * kept on disk until the server has them, so that quitting petrel or a
 * crash loses none of them.
 *
 * One file per change in <dir>/queue/, named by a sequence number
 * (%020llu.change, replayed in that order) and written with
 * pt_file_write_atomic (a temporary file, fsync, rename, fsync of the
 * folder): after a crash a record is there whole or not at all.  What a
 * record holds is the engine's business (an encoded job).  A process
 * that uses the queue holds flock(LOCK_EX) on queue/lock for as long as
 * it is open, so that two petrel processes never replay the same
 * change twice: the second one gets no queue (its changes then wait in
 * memory only).
 *
 * The queue used to live in the cache folder, which people and tools
 * delete freely; it is in the data folder now.  store_queue_open moves
 * the records it finds in the old place over (renamed where they are
 * on the same file system, else copied durably and then removed), in
 * their order, after the ones already there, and removes the old
 * folder.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "petrel/core.h"
#include "petrel/store.h"

/* A record is a job: its message (APPEND) is at most MIME_MAX_SIZE. */
#define QUEUE_RECORD_MAX ((size_t)80 * 1024 * 1024)
#define QUEUE_SUFFIX     ".change"

struct store_queue {
	char *dir;
	int lockfd;
	int dfd;
	uint64_t next;
};

static char *queue_path(const struct store_queue *, uint64_t);
static int queue_seq(const char *, uint64_t *);
static int queue_u64_cmp(const void *, const void *);
static int queue_list_dir(const char *, uint64_t **, size_t *,
    struct pt_error *);
static void queue_adopt(struct store_queue *, const char *);

static char *
queue_path(const struct store_queue *q, uint64_t seq)
{
	return pt_xasprintf("%s/%020" PRIu64 QUEUE_SUFFIX, q->dir, seq);
}

/* 1 with *seq when name is a record's name, else 0. */
static int
queue_seq(const char *name, uint64_t *seq)
{
	size_t i;
	uint64_t v = 0;

	if (strlen(name) != 20 + strlen(QUEUE_SUFFIX) ||
	    strcmp(name + 20, QUEUE_SUFFIX) != 0)
		return 0;
	for (i = 0; i < 20; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(name[i] - '0');
	}
	*seq = v;
	return v > 0;
}

static int
queue_u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct store_queue *
store_queue_open(const char *dir, const char *old, struct pt_error *err)
{
	struct store_queue *q;
	uint64_t *seqs = NULL;
	size_t n = 0;
	char *lock;
	int e;

	q = pt_xcalloc(1, sizeof *q);
	q->dir = pt_xasprintf("%s/queue", dir);
	q->lockfd = q->dfd = -1;
	if (pt_mkdir_p(q->dir, 0700, err) != 0)
		goto fail;
	lock = pt_xasprintf("%s/lock", q->dir);
	q->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	e = errno;
	free(lock);
	if (q->lockfd < 0) {
		pt_error_set(err, PT_E_IO, e, _("cannot open '%s': %s"), q->dir,
		    strerror(e));
		goto fail;
	}
	if (flock(q->lockfd, LOCK_EX | LOCK_NB) != 0) {
		e = errno;
		pt_error_set(err, PT_E_IO, e,
		    e == EWOULDBLOCK
			? _("the changes waiting in '%s' belong to another "
			    "petrel that is running")
			: _("cannot lock '%s'"),
		    q->dir);
		goto fail;
	}
	q->dfd = open(q->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (q->dfd < 0) {
		e = errno;
		pt_error_set(err, PT_E_IO, e, _("cannot open '%s': %s"), q->dir,
		    strerror(e));
		goto fail;
	}
	if (store_queue_list(q, &seqs, &n, err) == -1)
		goto fail;
	q->next = n > 0 ? seqs[n - 1] + 1 : 1;
	free(seqs);
	if (old != NULL)
		queue_adopt(q, old);
	return q;
fail:
	store_queue_free(&q);
	return NULL;
}

void
store_queue_free(struct store_queue **qp)
{
	struct store_queue *q;

	if (qp == NULL || (q = *qp) == NULL)
		return;
	*qp = NULL;
	if (q->dfd >= 0)
		close(q->dfd);
	if (q->lockfd >= 0)
		close(q->lockfd); /* releases the flock */
	free(q->dir);
	free(q);
}

int
store_queue_put(struct store_queue *q, uint64_t seq, const void *data,
    size_t len, uint64_t *seqp, struct pt_error *err)
{
	char *path;
	int r;

	if (seq == 0)
		seq = q->next;
	path = queue_path(q, seq);
	r = pt_file_write_atomic(path, data, len, 0600, err);
	free(path);
	if (r != 0)
		return -1;
	if (seq >= q->next)
		q->next = seq + 1;
	if (seqp != NULL)
		*seqp = seq;
	return 0;
}

int
store_queue_remove(struct store_queue *q, uint64_t seq, struct pt_error *err)
{
	char *path = queue_path(q, seq);
	int e;

	if (unlink(path) != 0 && errno != ENOENT) {
		e = errno;
		pt_error_set(err, PT_E_IO, e, _("cannot remove '%s': %s"), path,
		    strerror(e));
		free(path);
		return -1;
	}
	free(path);
	if (fsync(q->dfd) != 0) {
		e = errno;
		return pt_error_set(err, PT_E_IO, e, _("cannot write '%s': %s"),
		    q->dir, strerror(e));
	}
	return 0;
}

/* The record numbers in folder dir, ascending. */
static int
queue_list_dir(const char *dir, uint64_t **seqsp, size_t *np,
    struct pt_error *err)
{
	DIR *d;
	struct dirent *de;
	uint64_t *v = NULL;
	size_t n = 0, cap = 0;

	*seqsp = NULL;
	*np = 0;
	if ((d = opendir(dir)) == NULL) {
		int e = errno;

		return pt_error_set(err, PT_E_IO, e, _("cannot read '%s': %s"),
		    dir, strerror(e));
	}
	while ((de = readdir(d)) != NULL) {
		uint64_t seq;

		if (!queue_seq(de->d_name, &seq))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = pt_xreallocarray(v, cap, sizeof *v);
		}
		v[n++] = seq;
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof *v, queue_u64_cmp);
	*seqsp = v;
	*np = n;
	return 0;
}

int
store_queue_list(struct store_queue *q, uint64_t **seqsp, size_t *np,
    struct pt_error *err)
{
	return queue_list_dir(q->dir, seqsp, np, err);
}

/*
 * Moves the records in old/queue/ (the old place, in the cache) to
 * the end of q, in order, then removes old/queue/.  Trouble is logged:
 * what could not be moved stays where it was, for the next run.
 */
static void
queue_adopt(struct store_queue *q, const char *old)
{
	struct pt_error err;
	struct stat sb;
	char *odir, *lock;
	uint64_t *seqs = NULL;
	size_t n = 0, i, moved = 0;
	int lockfd, left = 0;

	odir = pt_xasprintf("%s/queue", old);
	if (lstat(odir, &sb) != 0 || !S_ISDIR(sb.st_mode) ||
	    strcmp(odir, q->dir) == 0) {
		free(odir);
		return;
	}
	pt_error_init(&err);
	lock = pt_xasprintf("%s/lock", odir);
	lockfd = open(lock, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (lockfd >= 0 && flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
		/* An older petrel that is running still replays them. */
		pt_warn("the changes waiting in '%s' belong to another petrel "
			"that is running; they stay there",
		    odir);
		goto out;
	}
	if (queue_list_dir(odir, &seqs, &n, &err) == -1) {
		pt_warn("%s", err.msg);
		goto out;
	}
	for (i = 0; i < n; i++) {
		char *from =
		    pt_xasprintf("%s/%020" PRIu64 QUEUE_SUFFIX, odir, seqs[i]);
		char *to = queue_path(q, q->next);
		int ok = rename(from, to) == 0;

		if (!ok && errno == EXDEV) {
			/* Another file system: copy durably, then remove. */
			size_t len = 0;
			char *data =
			    pt_file_read(from, QUEUE_RECORD_MAX, &len, &err);

			ok = data != NULL &&
			     pt_file_write_atomic(to, data, len, 0600, &err) ==
				 0 &&
			     unlink(from) == 0;
			free(data);
		} else if (!ok)
			pt_error_set(&err, PT_E_IO, errno,
			    _("cannot move '%s' to '%s': %s"), from, to,
			    strerror(errno));
		if (ok) {
			q->next++;
			moved++;
		} else {
			pt_warn("%s", err.msg[0] != '\0' ? err.msg : from);
			pt_error_init(&err);
			left++;
		}
		free(from);
		free(to);
	}
	if (moved > 0 && fsync(q->dfd) != 0)
		pt_warn("cannot write '%s': %s", q->dir, strerror(errno));
	if (moved > 0)
		pt_info("moved %zu changes waiting for the server from '%s' "
			"to '%s'",
		    moved, odir, q->dir);
	if (left == 0) {
		unlink(lock);
		if (rmdir(odir) != 0)
			pt_warn("cannot remove '%s': %s", odir,
			    strerror(errno));
	}
out:
	if (lockfd >= 0)
		close(lockfd);
	free(seqs);
	free(lock);
	free(odir);
}

char *
store_queue_read(struct store_queue *q, uint64_t seq, size_t *lenp,
    struct pt_error *err)
{
	char *path = queue_path(q, seq);
	char *data = pt_file_read(path, QUEUE_RECORD_MAX, lenp, err);

	free(path);
	return data;
}

const char *
store_queue_dir(const struct store_queue *q)
{
	return q->dir;
}
