/*
 * folder.c: per-folder metadata in the header cache (the "meta"
 * database): UIDVALIDITY, UIDNEXT, EXISTS, HIGHESTMODSEQ, the folder id
 * that prefixes its message keys, the stored sort order, and the
 * eviction of the folders used least recently when the cache is over its
 * bound.
 *
 * Helpers that run inside a write transaction follow store_write's
 * convention: 0, -1 with err filled, or an LMDB code not yet reported.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "petrel/core.h"
#include "petrel/store.h"

#include "private.h"

struct store_check_arg {
	const char *folder;
	uint32_t uidvalidity;
	struct store_folder_rec rec;
	int dropped;
};

static int store_check_fn(struct store *, MDB_txn *, void *, struct pt_error *);
static int store_drop_fn(struct store *, MDB_txn *, void *, struct pt_error *);
static int store_range_del(MDB_txn *, MDB_dbi, uint32_t);
static void store_info_from_rec(struct store_folder_info *,
    const struct store_folder_rec *);
static int store_oldest(struct store *, const char *, char **,
    struct pt_error *);

/* The meta key of a folder: 'f' and its name. */
int
store_folder_key(const char *folder, char *key, size_t *lenp,
    struct pt_error *err)
{
	size_t len = folder != NULL ? strlen(folder) : 0;

	if (len == 0 || len > STORE_FOLDER_NAME_MAX)
		return pt_error_set(err, PT_E_INTERNAL, 0,
		    _("cannot cache folder '%s': name too long or empty"),
		    folder != NULL ? folder : "");
	key[0] = STORE_META_FOLDER;
	memcpy(key + 1, folder, len);
	*lenp = len + 1;
	return 0;
}

/* 0 and *rec when cached, MDB_NOTFOUND when not, else an error. */
int
store_folder_get(struct store *st, MDB_txn *txn, const char *folder,
    struct store_folder_rec *rec, struct pt_error *err)
{
	char key[STORE_FOLDER_NAME_MAX + 2];
	MDB_val k, v;
	int rc;

	if (store_folder_key(folder, key, &k.mv_size, err) != 0)
		return -1;
	k.mv_data = key;
	if ((rc = mdb_get(txn, st->env->meta, &k, &v)) != 0)
		return rc;
	if (store_folder_decode(v.mv_data, v.mv_size, rec) != 0)
		return MDB_CORRUPTED;
	return 0;
}

int
store_folder_put(struct store *st, MDB_txn *txn, const char *folder,
    const struct store_folder_rec *rec, struct pt_error *err)
{
	char key[STORE_FOLDER_NAME_MAX + 2];
	uint8_t buf[STORE_FOLDER_LEN];
	MDB_val k, v;

	if (store_folder_key(folder, key, &k.mv_size, err) != 0)
		return -1;
	k.mv_data = key;
	store_folder_encode(buf, rec);
	v.mv_data = buf;
	v.mv_size = sizeof(buf);
	return mdb_put(txn, st->env->meta, &k, &v, 0);
}

/* Makes a new, empty folder record with a fresh folder id. */
int
store_folder_create(struct store *st, MDB_txn *txn, const char *folder,
    uint32_t uidvalidity, struct store_folder_rec *rec, struct pt_error *err)
{
	uint8_t buf[4];
	MDB_val k, v;
	uint32_t fid = 1;
	int rc;

	k.mv_data = (void *)STORE_META_NEXTFID;
	k.mv_size = strlen(STORE_META_NEXTFID);
	rc = mdb_get(txn, st->env->meta, &k, &v);
	if (rc == 0 && v.mv_size == 4)
		fid = store_le32_get(v.mv_data);
	else if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	if (fid == 0 || fid == UINT32_MAX)
		return MDB_CORRUPTED;
	store_le32_put(buf, fid + 1);
	v.mv_data = buf;
	v.mv_size = sizeof(buf);
	if ((rc = mdb_put(txn, st->env->meta, &k, &v, 0)) != 0)
		return rc;
	memset(rec, 0, sizeof(*rec));
	rec->fid = fid;
	rec->uidvalidity = uidvalidity;
	rec->last_used = (int64_t)time(NULL);
	return store_folder_put(st, txn, folder, rec, err);
}

/* Deletes every key of db that starts with fid. */
static int
store_range_del(MDB_txn *txn, MDB_dbi dbi, uint32_t fid)
{
	MDB_cursor *cur;
	uint8_t start[STORE_KEY_LEN];
	MDB_val k, v;
	int rc;

	store_key_make(start, fid, 0, 0);
	if ((rc = mdb_cursor_open(txn, dbi, &cur)) != 0)
		return rc;
	for (;;) {
		k.mv_data = start;
		k.mv_size = sizeof(start);
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		if (rc == MDB_NOTFOUND) {
			rc = 0;
			break;
		}
		if (rc != 0)
			break;
		if (k.mv_size < 4 || store_be32_get(k.mv_data) != fid)
			break;
		if ((rc = mdb_cursor_del(cur, 0)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	return rc;
}

/* Removes a folder's messages and order (not its record). */
int
store_folder_clear(struct store *st, MDB_txn *txn, struct store_folder_rec *rec,
    struct pt_error *err)
{
	uint8_t key[5];
	MDB_val k;
	int rc;

	(void)err;
	if ((rc = store_range_del(txn, st->env->fix, rec->fid)) != 0 ||
	    (rc = store_range_del(txn, st->env->str, rec->fid)) != 0)
		return rc;
	key[0] = STORE_META_ORDER;
	store_be32_put(key + 1, rec->fid);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	rc = mdb_del(txn, st->env->meta, &k, NULL);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	rec->count = 0;
	rec->gen++;
	return 0;
}

/*
 * Sorts the folder's messages by date, newest first, and stores the
 * order for the next load (or removes it for an empty folder).
 */
int
store_order_write(struct store *st, MDB_txn *txn, struct store_folder_rec *rec,
    struct pt_error *err)
{
	struct store_summary *msgs = NULL;
	size_t n = 0, cap = 0, i;
	uint32_t *order;
	uint8_t okey[5], *val;
	struct store_scan sc;
	MDB_val k, v;
	int rc;

	(void)err;
	okey[0] = STORE_META_ORDER;
	store_be32_put(okey + 1, rec->fid);
	rc =
	    store_scan_open(&sc, txn, st->env->fix, rec->fid, rec->uidvalidity);
	if (rc != 0)
		return rc;
	while ((rc = store_scan_next(&sc, &k, &v)) == 0) {
		if (n == cap) {
			cap = cap ? cap * 2 : (rec->count ? rec->count : 64);
			msgs = pt_xreallocarray(msgs, cap, sizeof(*msgs));
		}
		if (store_fix_decode(v.mv_data, v.mv_size, &msgs[n]) == 0)
			n++;
		/* As index.c's scans: fault-around would map every page. */
		if (n % STORE_TRIM_EVERY == 0)
			store_map_trim(st);
	}
	store_scan_close(&sc);
	if (rc != MDB_NOTFOUND) {
		free(msgs);
		return rc;
	}
	k.mv_data = okey;
	k.mv_size = sizeof(okey);
	if (n == 0) {
		free(msgs);
		rc = mdb_del(txn, st->env->meta, &k, NULL);
		return rc == MDB_NOTFOUND ? 0 : rc;
	}
	order = pt_xreallocarray(NULL, n, sizeof(*order));
	store_order_sort(msgs, n, order);
	free(msgs);
	v.mv_size = STORE_ORDER_HDR + 4 * n;
	if ((rc = mdb_put(txn, st->env->meta, &k, &v, MDB_RESERVE)) != 0) {
		free(order);
		return rc;
	}
	val = v.mv_data;
	memset(val, 0, STORE_ORDER_HDR);
	val[0] = STORE_REC_VERSION;
	store_le32_put(val + 4, rec->gen);
	store_le32_put(val + 8, (uint32_t)n);
	for (i = 0; i < n; i++)
		store_le32_put(val + STORE_ORDER_HDR + 4 * i, order[i]);
	free(order);
	return 0;
}

static void
store_info_from_rec(struct store_folder_info *info,
    const struct store_folder_rec *rec)
{
	info->uidvalidity = rec->uidvalidity;
	info->uidnext = rec->uidnext;
	info->exists = rec->exists;
	info->highestmodseq = rec->highestmodseq;
	info->count = rec->count;
}

int
store_folder_info_get(struct store *st, const char *folder,
    struct store_folder_info *info, struct pt_error *err)
{
	struct store_folder_rec rec;
	MDB_txn *txn;
	int rc;

	memset(info, 0, sizeof(*info));
	if (store_read_begin(st, &txn, err) != 0)
		return -1;
	rc = store_folder_get(st, txn, folder, &rec, err);
	store_read_end(st, txn);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc == -1)
		return -1;
	if (rc != 0)
		return store_mdb_error(st, rc, "folder info", err);
	store_info_from_rec(info, &rec);
	return 1;
}

static int
store_check_fn(struct store *st, MDB_txn *txn, void *varg, struct pt_error *err)
{
	struct store_check_arg *a = varg;
	int rc;

	a->dropped = 0;
	rc = store_folder_get(st, txn, a->folder, &a->rec, err);
	if (rc == MDB_NOTFOUND)
		return store_folder_create(st, txn, a->folder, a->uidvalidity,
		    &a->rec, err);
	if (rc != 0)
		return rc;
	if (a->rec.uidvalidity != a->uidvalidity) {
		if ((rc = store_folder_clear(st, txn, &a->rec, err)) != 0)
			return rc;
		a->rec.uidvalidity = a->uidvalidity;
		a->rec.uidnext = 0;
		a->rec.exists = 0;
		a->rec.highestmodseq = 0;
		a->dropped = 1;
	}
	a->rec.last_used = (int64_t)time(NULL);
	return store_folder_put(st, txn, a->folder, &a->rec, err);
}

int
store_folder_check(struct store *st, const char *folder, uint32_t uidvalidity,
    struct store_folder_info *stored, struct pt_error *err)
{
	struct store_check_arg a;

	memset(&a, 0, sizeof(a));
	a.folder = folder;
	a.uidvalidity = uidvalidity;
	if (store_write(st, store_check_fn, &a, err) != 0)
		return -1;
	if (a.dropped) {
		pt_info("folder '%s': UIDVALIDITY changed, cache dropped",
		    folder);
		store_body_drop_folder(st, folder, uidvalidity);
	}
	if (stored != NULL)
		store_info_from_rec(stored, &a.rec);
	return 0;
}

static int
store_drop_fn(struct store *st, MDB_txn *txn, void *varg, struct pt_error *err)
{
	const char *folder = varg;
	struct store_folder_rec rec;
	char key[STORE_FOLDER_NAME_MAX + 2];
	MDB_val k;
	int rc;

	rc = store_folder_get(st, txn, folder, &rec, err);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if ((rc = store_folder_clear(st, txn, &rec, err)) != 0)
		return rc;
	if (store_folder_key(folder, key, &k.mv_size, err) != 0)
		return -1;
	k.mv_data = key;
	return mdb_del(txn, st->env->meta, &k, NULL);
}

int
store_folder_drop(struct store *st, const char *folder, struct pt_error *err)
{
	if (store_write(st, store_drop_fn, (void *)folder, err) != 0)
		return -1;
	store_body_drop_folder(st, folder, 0);
	return 0;
}

/*
 * The cached folder used least recently, other than keep: *namep (the
 * caller frees it), or NULL when there is none.
 */
static int
store_oldest(struct store *st, const char *keep, char **namep,
    struct pt_error *err)
{
	struct store_folder_rec rec;
	MDB_cursor *cur;
	MDB_txn *txn;
	MDB_val k, v;
	MDB_cursor_op op = MDB_SET_RANGE;
	char start = STORE_META_FOLDER;
	int64_t best = 0;
	size_t keeplen = keep != NULL ? strlen(keep) : 0;
	int rc;

	*namep = NULL;
	if (store_read_begin(st, &txn, err) != 0)
		return -1;
	if ((rc = mdb_cursor_open(txn, st->env->meta, &cur)) != 0) {
		store_read_end(st, txn);
		return store_mdb_error(st, rc, "evict", err);
	}
	k.mv_data = &start;
	k.mv_size = 1;
	while ((rc = mdb_cursor_get(cur, &k, &v, op)) == 0) {
		op = MDB_NEXT;
		if (k.mv_size < 2 || *(char *)k.mv_data != STORE_META_FOLDER)
			break;
		if (keep != NULL && k.mv_size - 1 == keeplen &&
		    memcmp((char *)k.mv_data + 1, keep, keeplen) == 0)
			continue;
		if (store_folder_decode(v.mv_data, v.mv_size, &rec) != 0)
			continue;
		if (*namep == NULL || rec.last_used < best) {
			free(*namep);
			*namep =
			    pt_xstrndup((char *)k.mv_data + 1, k.mv_size - 1);
			best = rec.last_used;
		}
	}
	mdb_cursor_close(cur);
	store_read_end(st, txn);
	return 0;
}

/*
 * While the header cache uses more than its bound, drops the folder
 * used least recently (never keep, the folder being written).
 */
int
store_evict(struct store *st, const char *keep, struct pt_error *err)
{
	char *name;
	int i;

	for (i = 0; i < 1000 && store_used_bytes(st) > st->max_header; i++) {
		if (store_oldest(st, keep, &name, err) != 0)
			return -1;
		if (name == NULL)
			break;
		pt_info("header cache over %zu bytes: dropping folder '%s'",
		    st->max_header, name);
		if (store_folder_drop(st, name, err) != 0) {
			free(name);
			return -1;
		}
		free(name);
	}
	return 0;
}
