/*
 * outbox.c: messages waiting to be sent, on disk, so that nothing
 * written is lost and nothing is sent twice.
 *
 * One file per message in $XDG_DATA_HOME/petrel/<account>/outbox/,
 * named <id>.<state>; the state changes by rename(2) followed by an
 * fsync of the folder, so after a crash the name says where the message
 * was.  The file holds a short envelope (from, rcpt lines), an empty
 * line, then the message exactly as it goes to the server.  A process
 * that works on a message holds flock(LOCK_EX) on its file; rename
 * keeps the lock (same inode), and a crash releases it.
 *
 *	.tmp-<id>	being written (locked); removed when found unlocked
 *	<id>.queued	waiting; a failed attempt comes back here
 *	<id>.sending	being sent; found unlocked after a crash, nothing
 *			past DATA's end was sent: back to queued
 *	<id>.unsure	the whole message went out, the server's answer did
 *			not come back: it may have been delivered, so it is
 *			sent again only when the user says so
 *	<id>.accepted	the server said 250 after DATA: never sent again;
 *			only the copy to Sent is left to do
 *	<id>.status	the last attempt's outcome, for people
 */
#include "config.h"

#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "petrel/core.h"
#include "petrel/mime.h"
#include "petrel/store.h"

#define OUTBOX_MAGIC    "petrel-outbox 1\n"
#define OUTBOX_MAX      ((size_t)200 * 1024 * 1024)
#define OUTBOX_ENV_MAX  ((size_t)1024 * 1024)
#define OUTBOX_RCPT_MAX 10000

struct store_outbox {
	char *dir;
	int dfd;
};

struct store_outbox_msg {
	struct store_outbox *ob; /* borrowed */
	char id[STORE_OUTBOX_ID_MAX];
	enum store_outbox_state state;
	int fd;
	char *file; /* the whole file */
	size_t filelen;
	struct store_outbox_env env;
	const char *data; /* the message inside file */
	size_t len;
};

static const char *const outbox_suffix[] = {
    [STORE_OUTBOX_QUEUED] = "queued",
    [STORE_OUTBOX_SENDING] = "sending",
    [STORE_OUTBOX_UNSURE] = "unsure",
    [STORE_OUTBOX_ACCEPTED] = "accepted",
    [STORE_OUTBOX_COPYING] = "copying",
};

static int outbox_id_ok(const char *);
static char *outbox_path(const struct store_outbox *, const char *,
    enum store_outbox_state);
static int outbox_sync_dir(struct store_outbox *, struct pt_error *);
static int outbox_find(struct store_outbox *, const char *,
    enum store_outbox_state *);
static int outbox_lock(struct store_outbox *, const char *,
    enum store_outbox_state *, char **, struct pt_error *);
static int outbox_parse(char *, size_t, struct store_outbox_env *,
    const char **, size_t *);
static int outbox_rename(struct store_outbox *, const char *,
    enum store_outbox_state, enum store_outbox_state, struct pt_error *);
static int outbox_write_all(int, const struct iovec *, int);
static int outbox_cmp(const void *, const void *);

void
store_outbox_crashpoint(const char *name)
{
	const char *e = getenv("PETREL_TEST_CRASH");

	if (e != NULL && strcmp(e, name) == 0)
		raise(SIGKILL);
}

void
store_nonce(char *buf, size_t size)
{
	static const char alnum[] = "0123456789abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	unsigned char r[64];
	size_t i, n = size - 1;

	if (size == 0)
		return;
	if (n > sizeof r)
		n = sizeof r;
	if (getrandom(r, n, 0) != (ssize_t)n) {
		/* No entropy source: time and pid still differ per call. */
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		for (i = 0; i < n; i++)
			r[i] = (unsigned char)((uint64_t)ts.tv_nsec >>
						   (i % 8 * 4) ^
					       (uint64_t)getpid() * (i + 1));
	}
	for (i = 0; i < n; i++)
		buf[i] = alnum[r[i] % (sizeof alnum - 1)];
	buf[n] = '\0';
}

static int
outbox_id_ok(const char *id)
{
	size_t i, n = strlen(id);

	if (n == 0 || n >= STORE_OUTBOX_ID_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((id[i] >= '0' && id[i] <= '9') ||
			(id[i] >= 'a' && id[i] <= 'z') ||
			(id[i] >= 'A' && id[i] <= 'Z') || id[i] == '-'))
			return 0;
	return 1;
}

static char *
outbox_path(const struct store_outbox *ob, const char *id,
    enum store_outbox_state st)
{
	return pt_xasprintf("%s/%s.%s", ob->dir, id, outbox_suffix[st]);
}

static int
outbox_sync_dir(struct store_outbox *ob, struct pt_error *err)
{
	if (fsync(ob->dfd) != 0)
		return pt_error_set(err, PT_E_IO, errno,
		    _("cannot write the outbox '%s': %s"), ob->dir,
		    strerror(errno));
	return 0;
}

struct store_outbox *
store_outbox_open(const char *account, const char *base, struct pt_error *err)
{
	struct store_outbox *ob;
	char *dir;
	int dfd;

	if (account == NULL || account[0] == '\0' ||
	    strcmp(account, ".") == 0 || strcmp(account, "..") == 0 ||
	    strchr(account, '/') != NULL) {
		pt_error_set(err, PT_E_CONFIG, 0,
		    _("'%s' cannot name a folder"), account ? account : "");
		return NULL;
	}
	if (base != NULL)
		dir = pt_xasprintf("%s/%s/outbox", base, account);
	else {
		char *rest = pt_xasprintf("%s/outbox", account);

		dir = pt_xdg_path(PT_XDG_DATA, rest);
		free(rest);
	}
	if (pt_mkdir_p(dir, 0700, err) != 0) {
		free(dir);
		return NULL;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		pt_error_set(err, PT_E_IO, errno,
		    _("cannot open the outbox '%s': %s"), dir, strerror(errno));
		free(dir);
		return NULL;
	}
	ob = pt_xcalloc(1, sizeof *ob);
	ob->dir = dir;
	ob->dfd = dfd;
	return ob;
}

void
store_outbox_free(struct store_outbox **obp)
{
	if (obp == NULL || *obp == NULL)
		return;
	close((*obp)->dfd);
	free((*obp)->dir);
	free(*obp);
	*obp = NULL;
}

const char *
store_outbox_dir(const struct store_outbox *ob)
{
	return ob->dir;
}

static int
outbox_write_all(int fd, const struct iovec *iov, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (pt_fd_write_all(fd, iov[i].iov_base, iov[i].iov_len) != 0)
			return -1;
	return 0;
}

int
store_outbox_add(struct store_outbox *ob, const struct store_outbox_env *env,
    const char *msg, size_t len, char id[STORE_OUTBOX_ID_MAX],
    struct pt_error *err)
{
	struct pt_buf head;
	struct iovec iov[2];
	char rnd[9], stamp[32], *tmp, *path;
	struct tm tm;
	time_t now = time(NULL);
	size_t i;
	int fd, e;

	if (env->from == NULL || env->nrcpt == 0 ||
	    env->nrcpt > OUTBOX_RCPT_MAX)
		return pt_error_set(err, PT_E_INTERNAL, 0,
		    _("a message for the outbox needs a sender and "
		      "recipients"));
	pt_buf_init(&head, OUTBOX_ENV_MAX);
	pt_buf_addstr(&head, OUTBOX_MAGIC, NULL);
	if (strpbrk(env->from, "\r\n") != NULL)
		goto bad;
	pt_buf_printf(&head, NULL, "from %s\n", env->from);
	for (i = 0; i < env->nrcpt; i++) {
		if (strpbrk(env->rcpt[i], "\r\n") != NULL)
			goto bad;
		if (pt_buf_printf(&head, err, "rcpt %s\n", env->rcpt[i]) != 0) {
			pt_buf_release(&head);
			return -1;
		}
	}
	if (env->fcc != NULL && strpbrk(env->fcc, "\r\n") == NULL)
		pt_buf_printf(&head, NULL, "fcc %s\n", env->fcc);
	pt_buf_addch(&head, '\n', NULL);

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
	store_nonce(rnd, sizeof rnd);
	snprintf(id, STORE_OUTBOX_ID_MAX, "%s-%s", stamp, rnd);
	tmp = pt_xasprintf("%s/.tmp-%s", ob->dir, id);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0) {
		e = errno;
		goto ioerr;
	}
	(void)flock(fd, LOCK_EX);
	iov[0].iov_base = head.data;
	iov[0].iov_len = head.len;
	iov[1].iov_base = (void *)(uintptr_t)msg;
	iov[1].iov_len = len;
	if (outbox_write_all(fd, iov, 2) != 0 || fsync(fd) != 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		goto ioerr;
	}
	store_outbox_crashpoint("outbox-written");
	path = outbox_path(ob, id, STORE_OUTBOX_QUEUED);
	if (rename(tmp, path) != 0) {
		e = errno;
		free(path);
		close(fd);
		unlink(tmp);
		goto ioerr;
	}
	free(path);
	close(fd);
	free(tmp);
	pt_buf_release(&head);
	return outbox_sync_dir(ob, err);
ioerr:
	pt_buf_release(&head);
	free(tmp);
	return pt_error_set(err, PT_E_IO, e,
	    _("cannot write the message to the outbox '%s': %s"), ob->dir,
	    strerror(e));
bad:
	pt_buf_release(&head);
	return pt_error_set(err, PT_E_INTERNAL, 0,
	    _("an envelope address contains a line break"));
}

/* The state of a message by its file name: 0, or -1 when not found. */
static int
outbox_find(struct store_outbox *ob, const char *id,
    enum store_outbox_state *st)
{
	size_t i;

	for (i = 0; i < PT_NELEM(outbox_suffix); i++) {
		char *p = outbox_path(ob, id, (enum store_outbox_state)i);
		struct stat sb;
		int r = lstat(p, &sb);

		free(p);
		if (r == 0) {
			*st = (enum store_outbox_state)i;
			return 0;
		}
	}
	return -1;
}

/* Splits a file into envelope and message; 0 or -1 when damaged. */
static int
outbox_parse(char *file, size_t len, struct store_outbox_env *env,
    const char **data, size_t *dlen)
{
	char *p = file, *nl, *end = file + len;
	size_t ml = strlen(OUTBOX_MAGIC);

	memset(env, 0, sizeof *env);
	if (len < ml || memcmp(file, OUTBOX_MAGIC, ml) != 0)
		return -1;
	p += ml;
	while (p < end && *p != '\n') {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			goto bad;
		*nl = '\0';
		if (strncmp(p, "from ", 5) == 0 && env->from == NULL)
			env->from = pt_xstrdup(p + 5);
		else if (strncmp(p, "rcpt ", 5) == 0 &&
			 env->nrcpt < OUTBOX_RCPT_MAX) {
			env->rcpt = pt_xreallocarray(env->rcpt, env->nrcpt + 1,
			    sizeof *env->rcpt);
			env->rcpt[env->nrcpt++] = pt_xstrdup(p + 5);
		} else if (strncmp(p, "fcc ", 4) == 0 && env->fcc == NULL)
			env->fcc = pt_xstrdup(p + 4);
		*nl = '\n';
		p = nl + 1;
	}
	if (p >= end || env->from == NULL || env->nrcpt == 0)
		goto bad;
	*data = p + 1;
	*dlen = (size_t)(end - p - 1);
	return 0;
bad:
	store_outbox_env_release(env);
	return -1;
}

void
store_outbox_env_release(struct store_outbox_env *env)
{
	size_t i;

	for (i = 0; i < env->nrcpt; i++)
		free(env->rcpt[i]);
	free(env->rcpt);
	free(env->from);
	free(env->fcc);
	memset(env, 0, sizeof *env);
}

static int
outbox_rename(struct store_outbox *ob, const char *id,
    enum store_outbox_state from, enum store_outbox_state to,
    struct pt_error *err)
{
	char *a = outbox_path(ob, id, from), *b = outbox_path(ob, id, to);
	int r = rename(a, b), e = errno;

	free(a);
	free(b);
	if (r != 0)
		return pt_error_set(err, PT_E_IO, e,
		    _("cannot update the outbox '%s': %s"), ob->dir,
		    strerror(e));
	return outbox_sync_dir(ob, err);
}

static int
outbox_cmp(const void *a, const void *b)
{
	return strcmp(((const struct store_outbox_entry *)a)->id,
	    ((const struct store_outbox_entry *)b)->id);
}

int
store_outbox_list(struct store_outbox *ob, struct store_outbox_entry **vp,
    size_t *np, struct pt_error *err)
{
	struct store_outbox_entry *v = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d;
	int dfd2;

	*vp = NULL;
	*np = 0;
	dfd2 = dup(ob->dfd);
	if (dfd2 < 0 || (d = fdopendir(dfd2)) == NULL) {
		if (dfd2 >= 0)
			close(dfd2);
		return pt_error_set(err, PT_E_IO, errno,
		    _("cannot read the outbox '%s': %s"), ob->dir,
		    strerror(errno));
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		struct store_outbox_entry e;
		enum store_outbox_state st;
		const char *dot, *data;
		char id[STORE_OUTBOX_ID_MAX], *path;
		size_t i, flen, dlen;
		char *file;
		int fd, locked = 0;

		if (strncmp(de->d_name, ".tmp-", 5) == 0) {
			/* A writer that died before its rename. */
			path = pt_xasprintf("%s/%s", ob->dir, de->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
			if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
				unlink(path);
			if (fd >= 0)
				close(fd);
			free(path);
			continue;
		}
		dot = strrchr(de->d_name, '.');
		if (dot == NULL || (size_t)(dot - de->d_name) >= sizeof id)
			continue;
		memcpy(id, de->d_name, (size_t)(dot - de->d_name));
		id[dot - de->d_name] = '\0';
		for (i = 0; i < PT_NELEM(outbox_suffix); i++)
			if (strcmp(dot + 1, outbox_suffix[i]) == 0)
				break;
		if (i == PT_NELEM(outbox_suffix) || !outbox_id_ok(id))
			continue;
		st = (enum store_outbox_state)i;
		path = outbox_path(ob, id, st);
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		free(path);
		if (fd < 0)
			continue; /* renamed meanwhile */
		if (flock(fd, LOCK_EX | LOCK_NB) != 0)
			locked = 1;
		else if (st == STORE_OUTBOX_SENDING) {
			/*
			 * Its sender died before the end of DATA: the
			 * server cannot have accepted it.
			 */
			if (outbox_rename(ob, id, STORE_OUTBOX_SENDING,
				STORE_OUTBOX_QUEUED, NULL) == 0)
				st = STORE_OUTBOX_QUEUED;
		}
		close(fd);
		path = outbox_path(ob, id, st);
		file = pt_file_read(path, OUTBOX_ENV_MAX, &flen, NULL);
		if (file == NULL) {
			/* Larger than the envelope cap: read the start. */
			int rfd = open(path, O_RDONLY | O_CLOEXEC);

			file = pt_xmalloc(OUTBOX_ENV_MAX + 1);
			flen = 0;
			if (rfd >= 0) {
				ssize_t r = read(rfd, file, OUTBOX_ENV_MAX);

				flen = r > 0 ? (size_t)r : 0;
				close(rfd);
			}
			file[flen] = '\0';
		}
		memset(&e, 0, sizeof e);
		pt_strlcpy(e.id, id, sizeof e.id);
		e.state = st;
		e.locked = locked;
		{
			struct stat sb;

			if (stat(path, &sb) == 0) {
				e.size = (size_t)sb.st_size;
				e.mtime = (int64_t)sb.st_mtime;
			}
		}
		free(path);
		if (outbox_parse(file, flen, &e.env, &data, &dlen) == 0) {
			/* The Subject, for the listing. */
			const char *h = data, *end = data + dlen;

			while (h < end && *h != '\r' && *h != '\n') {
				const char *eol =
				    memchr(h, '\n', (size_t)(end - h));
				const char *next;

				if (eol == NULL)
					eol = end;
				next = eol + 1;
				while (next < end &&
				       (*next == ' ' || *next == '\t')) {
					eol = memchr(next, '\n',
					    (size_t)(end - next));
					if (eol == NULL)
						eol = end;
					next = eol + 1;
				}
				if ((size_t)(eol - h) > 8 &&
				    strncasecmp(h, "subject:", 8) == 0)
					e.subject = mime_header_decode(h + 8,
					    (size_t)(eol - h - 8));
				h = next;
			}
		} else
			e.damaged = 1;
		free(file);
		path = pt_xasprintf("%s/%s.status", ob->dir, id);
		e.status = pt_file_read(path, 4096, NULL, NULL);
		free(path);
		if (e.status != NULL) {
			size_t sl = strlen(e.status);

			while (sl > 0 && e.status[sl - 1] == '\n')
				e.status[--sl] = '\0';
		}
		v = pt_xreallocarray(v, n + 1, sizeof *v);
		v[n++] = e;
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof *v, outbox_cmp);
	*vp = v;
	*np = n;
	return 0;
}

void
store_outbox_list_free(struct store_outbox_entry **vp, size_t n)
{
	size_t i;

	if (vp == NULL || *vp == NULL)
		return;
	for (i = 0; i < n; i++) {
		store_outbox_env_release(&(*vp)[i].env);
		free((*vp)[i].subject);
		free((*vp)[i].status);
	}
	free(*vp);
	*vp = NULL;
}

const char *
store_outbox_state_name(enum store_outbox_state st)
{
	return st < PT_NELEM(outbox_suffix) ? outbox_suffix[st] : "?";
}

/*
 * Finds message id and opens its file under an exclusive flock, not
 * waiting for one: the descriptor, with the state in *st and, when pathp
 * is not NULL, the path in *pathp (the caller frees it); else -1 with
 * err set.
 */
static int
outbox_lock(struct store_outbox *ob, const char *id,
    enum store_outbox_state *st, char **pathp, struct pt_error *err)
{
	char *path;
	int fd;

	if (!outbox_id_ok(id) || outbox_find(ob, id, st) != 0)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("no message '%s' in the outbox"), id);
	path = outbox_path(ob, id, *st);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		free(path);
		return pt_error_set(err, PT_E_REFUSED, EBUSY,
		    _("the message '%s' is being sent by another petrel"), id);
	}
	if (pathp != NULL)
		*pathp = path;
	else
		free(path);
	return fd;
}

int
store_outbox_claim(struct store_outbox *ob, const char *id, unsigned flags,
    struct store_outbox_msg **mp, struct pt_error *err)
{
	struct store_outbox_msg *m;
	enum store_outbox_state st;
	struct stat a, b;
	char *path;
	int fd;

	*mp = NULL;
	if ((fd = outbox_lock(ob, id, &st, &path, err)) == -1)
		return -1;
	/* The name may have moved between finding and locking. */
	if (fstat(fd, &a) != 0 || stat(path, &b) != 0 || a.st_ino != b.st_ino ||
	    a.st_dev != b.st_dev) {
		close(fd);
		free(path);
		return pt_error_set(err, PT_E_REFUSED, EBUSY,
		    _("the message '%s' is being sent by another petrel"), id);
	}
	if (st == STORE_OUTBOX_UNSURE && !(flags & STORE_OUTBOX_FORCE)) {
		close(fd);
		free(path);
		return pt_error_set(err, PT_E_REFUSED, 0,
		    _("the message '%s' may already have been delivered (the "
		      "server never confirmed it): check the recipient's copy "
		      "or your Sent folder, then send it again explicitly if "
		      "it is missing"),
		    id);
	}
	m = pt_xcalloc(1, sizeof *m);
	m->ob = ob;
	m->fd = fd;
	pt_strlcpy(m->id, id, sizeof m->id);
	m->file = pt_file_read(path, OUTBOX_MAX, &m->filelen, err);
	free(path);
	if (m->file == NULL || outbox_parse(m->file, m->filelen, &m->env,
				   &m->data, &m->len) != 0) {
		if (m->file != NULL)
			pt_error_set(err, PT_E_IO, 0,
			    _("the outbox file of '%s' is damaged"), id);
		store_outbox_release(&m);
		return -1;
	}
	m->state = st;
	if (st == STORE_OUTBOX_QUEUED || st == STORE_OUTBOX_UNSURE ||
	    st == STORE_OUTBOX_SENDING) {
		if (outbox_rename(ob, id, st, STORE_OUTBOX_SENDING, err) != 0) {
			store_outbox_release(&m);
			return -1;
		}
		m->state = STORE_OUTBOX_SENDING;
	}
	*mp = m;
	return 0;
}

int
store_outbox_mark(struct store_outbox_msg *m, enum store_outbox_state st,
    struct pt_error *err)
{
	if (st == m->state)
		return 0;
	if (outbox_rename(m->ob, m->id, m->state, st, err) != 0)
		return -1;
	m->state = st;
	return 0;
}

int
store_outbox_note(struct store_outbox *ob, const char *id, const char *text,
    struct pt_error *err)
{
	char *path;
	int r;

	if (!outbox_id_ok(id))
		return pt_error_set(err, PT_E_INTERNAL, 0, _("bad outbox id"));
	path = pt_xasprintf("%s/%s.status", ob->dir, id);
	if (text == NULL) {
		unlink(path);
		free(path);
		return 0;
	}
	r = pt_file_write_atomic(path, text, strlen(text), 0600, err);
	free(path);
	return r;
}

int
store_outbox_done(struct store_outbox_msg **mp, struct pt_error *err)
{
	struct store_outbox_msg *m = *mp;
	char *path;
	int r = 0;

	path = outbox_path(m->ob, m->id, m->state);
	if (unlink(path) != 0)
		r = pt_error_set(err, PT_E_IO, errno,
		    _("cannot remove '%s' from the outbox: %s"), m->id,
		    strerror(errno));
	free(path);
	if (r == 0) {
		(void)store_outbox_note(m->ob, m->id, NULL, NULL);
		r = outbox_sync_dir(m->ob, err);
	}
	m->state = STORE_OUTBOX_ACCEPTED; /* nothing to put back */
	close(m->fd);
	m->fd = -1;
	store_outbox_release(mp);
	return r;
}

void
store_outbox_release(struct store_outbox_msg **mp)
{
	struct store_outbox_msg *m;

	if (mp == NULL || *mp == NULL)
		return;
	m = *mp;
	if (m->fd >= 0 && m->state == STORE_OUTBOX_SENDING)
		(void)store_outbox_mark(m, STORE_OUTBOX_QUEUED, NULL);
	if (m->fd >= 0)
		close(m->fd);
	store_outbox_env_release(&m->env);
	free(m->file);
	free(m);
	*mp = NULL;
}

const struct store_outbox_env *
store_outbox_msg_env(const struct store_outbox_msg *m)
{
	return &m->env;
}

const char *
store_outbox_msg_data(const struct store_outbox_msg *m, size_t *lenp)
{
	*lenp = m->len;
	return m->data;
}

const char *
store_outbox_msg_id(const struct store_outbox_msg *m)
{
	return m->id;
}

enum store_outbox_state
store_outbox_msg_state(const struct store_outbox_msg *m)
{
	return m->state;
}

int
store_outbox_discard(struct store_outbox *ob, const char *id,
    struct pt_error *err)
{
	struct store_outbox_msg *m;
	enum store_outbox_state st;
	int fd;

	if ((fd = outbox_lock(ob, id, &st, NULL, err)) == -1)
		return -1;
	m = pt_xcalloc(1, sizeof *m);
	m->ob = ob;
	m->fd = fd;
	m->state = st;
	pt_strlcpy(m->id, id, sizeof m->id);
	return store_outbox_done(&m, err);
}

size_t
store_outbox_count(struct store_outbox *ob)
{
	struct store_outbox_entry *v;
	size_t n;

	if (store_outbox_list(ob, &v, &n, NULL) != 0)
		return 0;
	store_outbox_list_free(&v, n);
	return n;
}
