/*
 * store.c: opening and closing an account's cache, and the LMDB
 * environment under it.
 *
 * LMDB wants one MDB_env per process per file (closing a second one
 * would drop the first one's locks), so environments live in a
 * process-wide list and handles share them.  Every transaction holds the
 * environment's rwlock shared; growing the map (MDB_MAP_FULL, or
 * MDB_MAP_RESIZED when another process grew it) and rebuilding a damaged
 * cache take it exclusively, as LMDB wants no live transaction then.
 *
 * A cache that LMDB rejects (MDB_INVALID, MDB_VERSION_MISMATCH,
 * MDB_CORRUPTED...), that is shorter than LMDB thinks (a truncated
 * file would fault on access), that holds databases we did not make, or
 * that has another format version is thrown away and made again, under
 * an flock on headers/open.lock so that two processes do not rebuild at
 * once.  LMDB does not checksum pages: damage in the middle of a page it
 * cannot see is caught, record by record, by the strict decoders.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "petrel/core.h"
#include "petrel/store.h"

#include "private.h"

/* How far the map may grow. */
#if SIZE_MAX > 0xFFFFFFFFu
#define STORE_MAP_LIMIT ((size_t)64 * 1024 * 1024 * 1024)
#else
#define STORE_MAP_LIMIT ((size_t)1024 * 1024 * 1024)
#endif

static int store_env_try(struct store_env *, struct pt_error *);
static int store_env_check(struct store_env *, struct pt_error *);
static void store_env_unlink(const char *);
static int store_env_lockfile(const char *, struct pt_error *);
static struct store_env *store_env_get(const char *, size_t, struct pt_error *);
static void store_env_put(struct store_env *);
static int store_env_resize(struct store_env *, int, struct pt_error *);
static int store_env_rebuild(struct store_env *, struct pt_error *);
static int store_account_ok(const char *);
static void store_env_find_map(struct store_env *);
static void store_env_rdlock(struct store_env *);
static void store_env_wrlock(struct store_env *);
static void store_env_wrunlock(struct store_env *);
static int store_env_moved(struct store_env *);
static int store_env_enter(struct store_env *, struct pt_error *);

static pthread_mutex_t store_envs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct store_env *store_envs;

int
store_rc_damaged(int rc)
{
	return rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH ||
	       rc == MDB_CORRUPTED || rc == MDB_PAGE_NOTFOUND ||
	       rc == MDB_INCOMPATIBLE || rc == MDB_BAD_TXN;
}

int
store_mdb_error(struct store *st, int rc, const char *what,
    struct pt_error *err)
{
	if (store_rc_damaged(rc)) {
		__atomic_store_n(&st->env->damaged, 1, __ATOMIC_RELAXED);
		pt_warn("header cache '%s' is damaged (%s: %s); it will be "
			"rebuilt",
		    st->env->path, what, mdb_strerror(rc));
	}
	pt_error_set(err, PT_E_IO, rc, _("the header cache in '%s' failed: %s"),
	    st->env->path, mdb_strerror(rc));
	pt_error_detail(err, "store: %s: rc %d", what, rc);
	return -1;
}

static int
store_account_ok(const char *account)
{
	return account != NULL && *account != '\0' &&
	       strcmp(account, ".") != 0 && strcmp(account, "..") != 0 &&
	       strchr(account, '/') == NULL && strlen(account) < 200;
}

/* The data and lock files go; a process that still has them keeps them. */
static void
store_env_unlink(const char *path)
{
	char *f;

	f = pt_xasprintf("%s/data.mdb", path);
	if (unlink(f) != 0 && errno != ENOENT)
		pt_warn("cannot remove '%s': %s", f, strerror(errno));
	free(f);
	f = pt_xasprintf("%s/lock.mdb", path);
	if (unlink(f) != 0 && errno != ENOENT)
		pt_warn("cannot remove '%s': %s", f, strerror(errno));
	free(f);
}

/* Opens and flocks headers/open.lock; returns the fd (close to unlock). */
static int
store_env_lockfile(const char *path, struct pt_error *err)
{
	char *f = pt_xasprintf("%s/open.lock", path);
	int fd, e;

	fd = open(f, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		e = errno;
		pt_error_set(err, PT_E_IO, e, _("cannot open '%s': %s"), f,
		    strerror(e));
		free(f);
		return -1;
	}
	while (flock(fd, LOCK_EX) != 0) {
		if (errno == EINTR)
			continue;
		e = errno;
		pt_error_set(err, PT_E_IO, e, _("cannot lock '%s': %s"), f,
		    strerror(e));
		close(fd);
		free(f);
		return -1;
	}
	free(f);
	return fd;
}

/*
 * Checks an open environment: its file is as long as LMDB thinks, it
 * holds only our databases, and its format is ours.  An empty or
 * older-format cache is (re)initialised here.  Returns 0, 1 when the
 * files must be thrown away, or -1 on another error.
 */
static int
store_env_check(struct store_env *se, struct pt_error *err)
{
	static const char *const names[] = {"meta", "fix", "str", "addr"};
	MDB_envinfo info;
	MDB_stat ms;
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_dbi main, *dbis[] = {&se->meta, &se->fix, &se->str, &se->addr};
	MDB_val k, v;
	MDB_cursor_op op;
	struct stat sb;
	uint8_t fmt[8];
	char *f;
	size_t i;
	int rc, known;

	if ((rc = mdb_env_info(se->env, &info)) != 0 ||
	    (rc = mdb_env_stat(se->env, &ms)) != 0)
		return 1;
	f = pt_xasprintf("%s/data.mdb", se->path);
	rc = stat(f, &sb);
	free(f);
	if (rc != 0 || (uint64_t)sb.st_size <
			   ((uint64_t)info.me_last_pgno + 1) * ms.ms_psize)
		return 1;
	se->map_size = info.me_mapsize;

	if ((rc = mdb_txn_begin(se->env, NULL, 0, &txn)) != 0)
		goto fail;
	if ((rc = mdb_dbi_open(txn, NULL, 0, &main)) != 0 ||
	    (rc = mdb_cursor_open(txn, main, &cur)) != 0)
		goto fail;
	/* A foreign environment: keys (or databases) we did not make. */
	op = MDB_FIRST;
	while ((rc = mdb_cursor_get(cur, &k, &v, op)) == 0) {
		op = MDB_NEXT;
		known = 0;
		for (i = 0; i < PT_NELEM(names); i++)
			if (k.mv_size == strlen(names[i]) &&
			    memcmp(k.mv_data, names[i], k.mv_size) == 0)
				known = 1;
		if (!known) {
			rc = MDB_INCOMPATIBLE;
			goto fail;
		}
	}
	if (rc != MDB_NOTFOUND)
		goto fail;
	mdb_cursor_close(cur);
	cur = NULL;
	for (i = 0; i < PT_NELEM(names); i++)
		if ((rc = mdb_dbi_open(txn, names[i], MDB_CREATE, dbis[i])) !=
		    0)
			goto fail;

	memcpy(fmt, STORE_FORMAT_MAGIC, 4);
	store_le32_put(fmt + 4, STORE_FORMAT_VERSION);
	k.mv_data = (void *)STORE_META_FORMAT;
	k.mv_size = strlen(STORE_META_FORMAT);
	rc = mdb_get(txn, se->meta, &k, &v);
	if (rc == 0 && v.mv_size == sizeof(fmt) &&
	    memcmp(v.mv_data, fmt, sizeof(fmt)) == 0) {
		/* Commit, not abort: that keeps the database handles. */
		rc = mdb_txn_commit(txn);
		txn = NULL;
		if (rc != 0)
			goto fail;
		return 0;
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		goto fail;
	if (rc == 0)
		pt_info("header cache '%s' has another format; rebuilding",
		    se->path);
	/* New, or another format: start empty. */
	if ((rc = mdb_drop(txn, se->fix, 0)) != 0 ||
	    (rc = mdb_drop(txn, se->str, 0)) != 0 ||
	    (rc = mdb_drop(txn, se->addr, 0)) != 0 ||
	    (rc = mdb_drop(txn, se->meta, 0)) != 0)
		goto fail;
	k.mv_data = (void *)STORE_META_FORMAT;
	k.mv_size = strlen(STORE_META_FORMAT);
	v.mv_data = fmt;
	v.mv_size = sizeof(fmt);
	if ((rc = mdb_put(txn, se->meta, &k, &v, 0)) != 0)
		goto fail;
	rc = mdb_txn_commit(txn);
	txn = NULL;
	if (rc != 0)
		goto fail;
	return 0;
fail:
	if (cur != NULL)
		mdb_cursor_close(cur);
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (store_rc_damaged(rc) || rc == MDB_NOTFOUND || rc == EINVAL)
		return 1;
	return pt_error_set(err, PT_E_IO, rc,
	    _("cannot open the header cache in '%s': %s"), se->path,
	    mdb_strerror(rc));
}

/*
 * Opens the environment files at se->path.  Returns 0, 1 when they are
 * unusable and must be thrown away, or -1 on another error (then
 * se->env is NULL).
 */
static int
store_env_try(struct store_env *se, struct pt_error *err)
{
	int rc;

	if ((rc = mdb_env_create(&se->env)) != 0) {
		se->env = NULL;
		return pt_error_set(err, PT_E_INTERNAL, rc,
		    _("cannot open the header cache in '%s': %s"), se->path,
		    mdb_strerror(rc));
	}
	if ((rc = mdb_env_set_maxdbs(se->env, 5)) != 0 ||
	    (rc = mdb_env_set_mapsize(se->env, se->map_size)) != 0)
		goto fail;
	rc = mdb_env_open(se->env, se->path, MDB_NOTLS | MDB_NOMETASYNC, 0600);
	if (rc == 0) {
		rc = store_env_check(se, err);
		if (rc == 0) {
			store_env_find_map(se);
			return 0;
		}
		mdb_env_close(se->env);
		se->env = NULL;
		return rc;
	}
fail:
	mdb_env_close(se->env);
	se->env = NULL;
	if (store_rc_damaged(rc) || rc == EINVAL || rc == ENOMEM)
		return 1;
	return pt_error_set(err, PT_E_IO, rc,
	    _("cannot open the header cache in '%s': %s"), se->path,
	    mdb_strerror(rc));
}

/* Finds or opens the environment at path (already created). */
static struct store_env *
store_env_get(const char *path, size_t map_size, struct pt_error *err)
{
	struct store_env *se;
	int fd, rc;

	pthread_mutex_lock(&store_envs_lock);
	for (se = store_envs; se != NULL; se = se->next) {
		if (se->pid == getpid() && strcmp(se->path, path) == 0) {
			se->refs++;
			pthread_mutex_unlock(&store_envs_lock);
			return se;
		}
	}
	if ((fd = store_env_lockfile(path, err)) < 0) {
		pthread_mutex_unlock(&store_envs_lock);
		return NULL;
	}
	se = pt_xcalloc(1, sizeof(*se));
	se->path = pt_xstrdup(path);
	se->pid = getpid();
	se->refs = 1;
	se->map_size = map_size;
	rc = store_env_try(se, err);
	if (rc == 1) {
		pt_warn("header cache '%s' is damaged, foreign or of another "
			"version; rebuilding it",
		    path);
		store_env_unlink(path);
		se->map_size = map_size;
		if ((rc = store_env_try(se, err)) == 1)
			pt_error_set(err, PT_E_IO, 0,
			    _("cannot rebuild the header cache in '%s'"), path);
	}
	close(fd);
	if (rc != 0) {
		free(se->path);
		free(se);
		pthread_mutex_unlock(&store_envs_lock);
		return NULL;
	}
	pthread_rwlock_init(&se->lock, NULL);
	pthread_mutex_init(&se->gate, NULL);
	se->next = store_envs;
	store_envs = se;
	pthread_mutex_unlock(&store_envs_lock);
	return se;
}

static void
store_env_put(struct store_env *se)
{
	struct store_env **pp;

	/* A child after fork() must not touch its parent's environment. */
	if (se->pid != getpid())
		return;
	pthread_mutex_lock(&store_envs_lock);
	if (--se->refs > 0) {
		pthread_mutex_unlock(&store_envs_lock);
		return;
	}
	for (pp = &store_envs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == se) {
			*pp = se->next;
			break;
		}
	}
	pthread_mutex_unlock(&store_envs_lock);
	if (se->env != NULL)
		mdb_env_close(se->env);
	pthread_rwlock_destroy(&se->lock);
	pthread_mutex_destroy(&se->gate);
	free(se->path);
	free(se);
}

/*
 * The environment's lock.  Readers pass through the gate, so a thread
 * waiting to resize or rebuild (it holds the gate) is not starved by
 * reader threads that keep loading: new readers wait at the gate while
 * the ones inside finish.  No thread takes the lock twice.
 */
static void
store_env_rdlock(struct store_env *se)
{
	pthread_mutex_lock(&se->gate);
	pthread_rwlock_rdlock(&se->lock);
	pthread_mutex_unlock(&se->gate);
}

static void
store_env_wrlock(struct store_env *se)
{
	pthread_mutex_lock(&se->gate);
	pthread_rwlock_wrlock(&se->lock);
}

static void
store_env_wrunlock(struct store_env *se)
{
	pthread_rwlock_unlock(&se->lock);
	pthread_mutex_unlock(&se->gate);
}

/*
 * 1 when data.mdb is no longer the file this process has open: another
 * process threw the cache away and made a new one.
 */
static int
store_env_moved(struct store_env *se)
{
	struct stat mine, now;
	char *f;
	int fd, rc;

	if (se->env == NULL || mdb_env_get_fd(se->env, &fd) != 0 ||
	    fstat(fd, &mine) != 0)
		return 0;
	f = pt_xasprintf("%s/data.mdb", se->path);
	rc = stat(f, &now);
	free(f);
	return rc != 0 || mine.st_ino != now.st_ino ||
	       mine.st_dev != now.st_dev;
}

/*
 * With no transaction live in this process: grow (grow 1) the map to
 * twice its size, or adopt the size another process set (grow 0).
 */
static int
store_env_resize(struct store_env *se, int grow, struct pt_error *err)
{
	MDB_envinfo info;
	int rc = 0;

	store_env_wrlock(se);
	if (grow) {
		size_t want;

		mdb_env_info(se->env, &info);
		want = info.me_mapsize;
		if (want < se->map_size)
			want = se->map_size;
		if (want >= STORE_MAP_LIMIT) {
			store_env_wrunlock(se);
			return pt_error_set(err, PT_E_IO, MDB_MAP_FULL,
			    _("the header cache in '%s' is full"), se->path);
		}
		want *= 2;
		rc = mdb_env_set_mapsize(se->env, want);
		if (rc == 0)
			pt_debug("header cache map grown to %zu bytes", want);
	} else
		rc = mdb_env_set_mapsize(se->env, 0);
	if (rc == 0 && mdb_env_info(se->env, &info) == 0)
		se->map_size = info.me_mapsize;
	store_env_find_map(se);
	store_env_wrunlock(se);
	if (rc != 0)
		return pt_error_set(err, PT_E_IO, rc,
		    _("cannot resize the header cache in '%s': %s"), se->path,
		    mdb_strerror(rc));
	return 0;
}

/* Throws a damaged cache away and starts an empty one. */
static int
store_env_rebuild(struct store_env *se, struct pt_error *err)
{
	int fd, rc, damaged;

	if ((fd = store_env_lockfile(se->path, err)) < 0)
		return -1;
	store_env_wrlock(se);
	damaged = __atomic_load_n(&se->damaged, __ATOMIC_RELAXED);
	if (!damaged && !store_env_moved(se)) {
		/* Another thread did it. */
		store_env_wrunlock(se);
		close(fd);
		return 0;
	}
	if (se->env != NULL)
		mdb_env_close(se->env);
	se->env = NULL;
	if (damaged) {
		pt_warn("rebuilding the damaged header cache '%s'", se->path);
		store_env_unlink(se->path);
	} else
		pt_info("header cache '%s' was rebuilt by another process; "
			"reopening it",
		    se->path);
	rc = store_env_try(se, err);
	if (rc == 1) {
		store_env_unlink(se->path);
		rc = store_env_try(se, err);
	}
	if (rc == 1)
		rc = pt_error_set(err, PT_E_IO, 0,
		    _("cannot rebuild the header cache in '%s'"), se->path);
	if (rc == 0)
		__atomic_store_n(&se->damaged, 0, __ATOMIC_RELAXED);
	store_env_wrunlock(se);
	close(fd);
	return rc;
}

/*
 * Takes the read lock of an open environment, rebuilding it first when
 * it is damaged or was replaced on disk: 0 locked, or -1 (not locked)
 * with err set.
 */
static int
store_env_enter(struct store_env *se, struct pt_error *err)
{
	for (;;) {
		if (__atomic_load_n(&se->damaged, __ATOMIC_RELAXED) &&
		    store_env_rebuild(se, err) != 0)
			return -1;
		store_env_rdlock(se);
		if (se->env == NULL) {
			pthread_rwlock_unlock(&se->lock);
			return pt_error_set(err, PT_E_IO, 0,
			    _("the header cache in '%s' is not open"),
			    se->path);
		}
		if (store_env_moved(se)) {
			pthread_rwlock_unlock(&se->lock);
			if (store_env_rebuild(se, err) != 0)
				return -1;
			continue;
		}
		return 0;
	}
}

int
store_read_begin(struct store *st, MDB_txn **txnp, struct pt_error *err)
{
	struct store_env *se = st->env;

	for (;;) {
		int rc;

		if (store_env_enter(se, err) != 0)
			return -1;
		rc = mdb_txn_begin(se->env, NULL, MDB_RDONLY, txnp);
		if (rc == 0)
			return 0;
		pthread_rwlock_unlock(&se->lock);
		if (rc != MDB_MAP_RESIZED)
			return store_mdb_error(st, rc, "begin read", err);
		if (store_env_resize(se, 0, err) != 0)
			return -1;
	}
}

void
store_read_end(struct store *st, MDB_txn *txn)
{
	mdb_txn_abort(txn);
	pthread_rwlock_unlock(&st->env->lock);
}

/*
 * Runs fn in a write transaction and commits.  fn returns 0, -1 after
 * filling err, or an LMDB code it did not report; on MDB_MAP_FULL the
 * map grows and fn runs again in a fresh transaction, so fn must start
 * from what the transaction shows, not from state of its own.
 */
int
store_write(struct store *st, store_write_fn fn, void *arg,
    struct pt_error *err)
{
	struct store_env *se = st->env;
	MDB_txn *txn;

	for (;;) {
		int rc;

		if (store_env_enter(se, err) != 0)
			return -1;
		rc = mdb_txn_begin(se->env, NULL, 0, &txn);
		if (rc == 0) {
			rc = fn(st, txn, arg, err);
			if (rc == 0)
				rc = mdb_txn_commit(txn);
			else
				mdb_txn_abort(txn);
		}
		pthread_rwlock_unlock(&se->lock);
		if (rc == 0 || rc == -1)
			return rc;
		if (rc == MDB_MAP_FULL) {
			if (store_env_resize(se, 1, err) != 0)
				return -1;
			continue;
		}
		if (rc == MDB_MAP_RESIZED) {
			if (store_env_resize(se, 0, err) != 0)
				return -1;
			continue;
		}
		return store_mdb_error(st, rc, "write", err);
	}
}

/*
 * Drops this process's page mappings of the LMDB map, not the data: the
 * pages stay in the page cache and fault back in when touched again.
 * A scan of a big folder would otherwise leave the whole file mapped,
 * which counts in the process's RSS although it is only page cache.
 * Call it inside a transaction (the map cannot move then).
 */
void
store_map_trim(struct store *st)
{
	struct store_env *se = st->env;

	if (se->map_addr != NULL)
		(void)madvise(se->map_addr, se->map_len, MADV_DONTNEED);
}

int
store_scan_open(struct store_scan *sc, MDB_txn *txn, MDB_dbi dbi, uint32_t fid,
    uint32_t uidvalidity)
{
	store_key_make(sc->start, fid, uidvalidity, 0);
	sc->op = MDB_SET_RANGE;
	return mdb_cursor_open(txn, dbi, &sc->cur);
}

int
store_scan_next(struct store_scan *sc, MDB_val *k, MDB_val *v)
{
	int rc;

	if (sc->op == MDB_SET_RANGE) {
		k->mv_data = sc->start;
		k->mv_size = sizeof sc->start;
	}
	if ((rc = mdb_cursor_get(sc->cur, k, v, sc->op)) != 0)
		return rc;
	sc->op = MDB_NEXT;
	if (k->mv_size != STORE_KEY_LEN || memcmp(k->mv_data, sc->start, 8))
		return MDB_NOTFOUND;
	return 0;
}

void
store_scan_close(struct store_scan *sc)
{
	mdb_cursor_close(sc->cur);
}

/*
 * Finds where LMDB mapped data.mdb (it says only for MDB_FIXEDMAP), in
 * /proc/self/maps by inode.  Without /proc, trimming is skipped.  Call
 * with no transaction live (after opening or resizing).
 */
static void
store_env_find_map(struct store_env *se)
{
	unsigned long start, end, ino;
	char line[1024], *f;
	struct stat sb;
	FILE *fp;

	se->map_addr = NULL;
	se->map_len = 0;
	f = pt_xasprintf("%s/data.mdb", se->path);
	if (stat(f, &sb) != 0 || (fp = fopen("/proc/self/maps", "r")) == NULL) {
		free(f);
		return;
	}
	free(f);
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (sscanf(line, "%lx-%lx %*s %*s %*s %lu", &start, &end,
			&ino) != 3 ||
		    ino != (unsigned long)sb.st_ino ||
		    strstr(line, "/data.mdb") == NULL)
			continue;
		se->map_addr = (void *)start;
		se->map_len = end - start;
		break;
	}
	fclose(fp);
}

/* Bytes the header cache's databases use (not the file's high mark). */
size_t
store_used_bytes(struct store *st)
{
	MDB_txn *txn;
	MDB_stat ms;
	MDB_dbi dbis[3];
	size_t used = 0, i;

	if (store_read_begin(st, &txn, NULL) != 0)
		return 0;
	dbis[0] = st->env->meta;
	dbis[1] = st->env->fix;
	dbis[2] = st->env->str;
	for (i = 0; i < PT_NELEM(dbis); i++)
		if (mdb_stat(txn, dbis[i], &ms) == 0)
			used += (ms.ms_branch_pages + ms.ms_leaf_pages +
				    ms.ms_overflow_pages) *
				ms.ms_psize;
	store_read_end(st, txn);
	return used;
}

struct store *
store_open(const char *account, const struct store_options *opt,
    struct pt_error *err)
{
	struct store *st;
	char *base, *hdir, *real;
	size_t map;

	if (!store_account_ok(account)) {
		pt_error_set(err, PT_E_CONFIG, 0,
		    _("'%s' cannot name a cache folder"),
		    account != NULL ? account : "");
		return NULL;
	}
	if (opt != NULL && opt->base != NULL)
		base = pt_xstrdup(opt->base);
	else
		base = pt_xdg_path(PT_XDG_CACHE, NULL);
	st = pt_xcalloc(1, sizeof(*st));
	st->dir = pt_xasprintf("%s/%s", base, account);
	free(base);
	st->bodydir = pt_xasprintf("%s/bodies", st->dir);
	st->max_header = STORE_DEFAULT_MAX_HEADER;
	st->max_body = STORE_DEFAULT_MAX_BODY;
	st->chunk = STORE_DEFAULT_CHUNK;
	st->max_addr = STORE_ADDR_MAX;
	map = STORE_DEFAULT_MAP_SIZE;
	if (opt != NULL) {
		if (opt->max_header_bytes != 0)
			st->max_header = opt->max_header_bytes;
		if (opt->max_body_bytes != 0)
			st->max_body = opt->max_body_bytes;
		if (opt->chunk != 0)
			st->chunk = opt->chunk;
		if (opt->map_size != 0)
			map = opt->map_size;
		if (opt->max_addresses != 0)
			st->max_addr = opt->max_addresses;
	}
	st->body_total = -1;
	pthread_mutex_init(&st->body_lock, NULL);

	hdir = pt_xasprintf("%s/headers", st->dir);
	if (pt_mkdir_p(hdir, 0700, err) != 0) {
		free(hdir);
		pthread_mutex_destroy(&st->body_lock);
		free(st->bodydir);
		free(st->dir);
		free(st);
		return NULL;
	}
	/* One environment per file, whatever path led to it. */
	if ((real = realpath(hdir, NULL)) != NULL) {
		free(hdir);
		hdir = real;
	}
	st->env = store_env_get(hdir, map, err);
	free(hdir);
	if (st->env == NULL) {
		pthread_mutex_destroy(&st->body_lock);
		free(st->bodydir);
		free(st->dir);
		free(st);
		return NULL;
	}
	return st;
}

void
store_free(struct store **stp)
{
	struct store *st;

	if (stp == NULL || (st = *stp) == NULL)
		return;
	*stp = NULL;
	store_env_put(st->env);
	pthread_mutex_destroy(&st->body_lock);
	free(st->bodydir);
	free(st->dir);
	free(st);
}

const char *
store_dir(const struct store *st)
{
	return st->dir;
}
