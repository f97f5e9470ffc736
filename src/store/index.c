/*
 * index.c: reading a folder's cached summaries into a struct
 * store_index.
 *
 * A warm open first reads the 40-byte fixed record of every message in
 * one cursor scan of the "fix" database (flags, dates, size: all a sort
 * by date and the index's flag column need) and the folder's stored
 * order, then the strings of the rows on screen by key (store_index_fill).
 * The strings of everything else come from one sequential scan of "str"
 * when STORE_LOAD_ALL asks for them.  Strings are copied, record and
 * all, into one arena per index, so a summary stays 40 bytes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/store.h"

#include "private.h"

/* More than this in a folder record's count is not believed. */
#define STORE_COUNT_SANE (64u * 1024 * 1024)

struct store_sortkey {
	int64_t date;
	uint32_t uid;
	uint32_t pos;
};

static int store_sortkey_cmp(const void *, const void *);
static int store_arena_add(struct store_index *, const void *, size_t,
    uint32_t *);
static int store_index_scan_fix(struct store *, MDB_txn *, struct store_index *,
    uint32_t);
static int store_index_scan_str(struct store *, MDB_txn *, struct store_index *,
    uint32_t);
static void store_index_order(struct store *, MDB_txn *, struct store_index *);

/* Newest first: by date, then by UID, both descending. */
static int
store_sortkey_cmp(const void *a, const void *b)
{
	const struct store_sortkey *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? 1 : -1;
	if (x->uid != y->uid)
		return x->uid < y->uid ? 1 : -1;
	return 0;
}

/* Fills order (n entries) with positions in msgs, newest first. */
void
store_order_sort(const struct store_summary *msgs, size_t n, uint32_t *order)
{
	struct store_sortkey *keys;
	size_t i;

	if (n == 0)
		return;
	keys = pt_xreallocarray(NULL, n, sizeof(*keys));
	for (i = 0; i < n; i++) {
		keys[i].date = msgs[i].date;
		keys[i].uid = msgs[i].uid;
		keys[i].pos = (uint32_t)i;
	}
	qsort(keys, n, sizeof(*keys), store_sortkey_cmp);
	for (i = 0; i < n; i++)
		order[i] = keys[i].pos;
	free(keys);
}

static int
store_arena_add(struct store_index *ix, const void *data, size_t len,
    uint32_t *offp)
{
	if (len >= UINT32_MAX - ix->arena_len)
		return -1;
	if (ix->arena_len + len > ix->arena_cap) {
		size_t want = ix->arena_cap ? ix->arena_cap : 4096;
		while (want < ix->arena_len + len)
			want *= 2;
		ix->arena = pt_xreallocarray(ix->arena, want, 1);
		ix->arena_cap = want;
	}
	memcpy(ix->arena + ix->arena_len, data, len);
	*offp = (uint32_t)ix->arena_len;
	ix->arena_len += len;
	return 0;
}

/* Reads every fixed record of the folder; 0 or an LMDB code. */
static int
store_index_scan_fix(struct store *st, MDB_txn *txn, struct store_index *ix,
    uint32_t uidvalidity)
{
	struct store_scan sc;
	MDB_val k, v;
	size_t cap;
	int rc;

	cap = ix->info.count < STORE_COUNT_SANE ? ix->info.count + 16 : 1024;
	ix->msgs = pt_xreallocarray(NULL, cap, sizeof(*ix->msgs));
	rc = store_scan_open(&sc, txn, st->env->fix, ix->fid, uidvalidity);
	if (rc != 0)
		return rc;
	while ((rc = store_scan_next(&sc, &k, &v)) == 0) {
		if (ix->n == cap) {
			cap *= 2;
			ix->msgs =
			    pt_xreallocarray(ix->msgs, cap, sizeof(*ix->msgs));
		}
		if ((ix->n + ix->skipped) % STORE_TRIM_EVERY ==
		    STORE_TRIM_EVERY - 1)
			store_map_trim(st);
		if (store_fix_decode(v.mv_data, v.mv_size, &ix->msgs[ix->n]) !=
			0 ||
		    ix->msgs[ix->n].uid !=
			store_be32_get((const uint8_t *)k.mv_data + 8) ||
		    (ix->n > 0 &&
			ix->msgs[ix->n].uid <= ix->msgs[ix->n - 1].uid))
			ix->skipped++;
		else
			ix->n++;
	}
	store_scan_close(&sc);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* The stored order when it matches this index, else a fresh sort. */
static void
store_index_order(struct store *st, MDB_txn *txn, struct store_index *ix)
{
	uint8_t key[5];
	MDB_val k, v;

	if (ix->n == 0)
		return;
	ix->order = pt_xreallocarray(NULL, ix->n, sizeof(*ix->order));
	key[0] = STORE_META_ORDER;
	store_be32_put(key + 1, ix->fid);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	if (mdb_get(txn, st->env->meta, &k, &v) == 0 &&
	    store_order_check(v.mv_data, v.mv_size, ix->gen, ix->n) == 0) {
		const uint8_t *p = (const uint8_t *)v.mv_data + STORE_ORDER_HDR;
		size_t i;

		for (i = 0; i < ix->n; i++)
			ix->order[i] = store_le32_get(p + 4 * i);
		ix->order_stored = 1;
		return;
	}
	store_order_sort(ix->msgs, ix->n, ix->order);
}

/* Reads every strings record of the folder in one scan. */
static int
store_index_scan_str(struct store *st, MDB_txn *txn, struct store_index *ix,
    uint32_t uidvalidity)
{
	struct store_scan sc;
	MDB_stat ms;
	MDB_val k, v;
	size_t i = 0, seen = 0;
	int rc;

	/* Size the arena from the database's average record. */
	if (ix->arena == NULL && mdb_stat(txn, st->env->str, &ms) == 0 &&
	    ms.ms_entries > 0) {
		size_t guess =
		    (size_t)((double)(ms.ms_leaf_pages + ms.ms_overflow_pages) *
			     ms.ms_psize / (double)ms.ms_entries *
			     (double)ix->n);
		if (guess > 0 && guess < UINT32_MAX) {
			ix->arena = pt_xmalloc(guess);
			ix->arena_cap = guess;
		}
	}
	rc = store_scan_open(&sc, txn, st->env->str, ix->fid, uidvalidity);
	if (rc != 0)
		return rc;
	while ((rc = store_scan_next(&sc, &k, &v)) == 0) {
		if (++seen % STORE_TRIM_EVERY == 0)
			store_map_trim(st);
		uint32_t uid = store_be32_get((const uint8_t *)k.mv_data + 8);
		while (i < ix->n && ix->msgs[i].uid < uid)
			i++;
		if (i == ix->n)
			break;
		if (ix->msgs[i].uid != uid ||
		    ix->msgs[i].strings != STORE_NO_STRINGS)
			continue;
		if (store_str_check(v.mv_data, v.mv_size) != 0) {
			ix->skipped++;
			continue;
		}
		if (store_arena_add(ix, v.mv_data, v.mv_size,
			&ix->msgs[i].strings) != 0)
			break;
		ix->nstrings++;
	}
	store_scan_close(&sc);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

struct store_index *
store_index_load(struct store *st, const char *folder, unsigned how,
    struct pt_error *err)
{
	struct store_index *ix = pt_xcalloc(1, sizeof(*ix));
	struct store_folder_rec rec;
	MDB_txn *txn;
	int rc;

	if (store_read_begin(st, &txn, err) != 0) {
		free(ix);
		return NULL;
	}
	rc = store_folder_get(st, txn, folder, &rec, err);
	if (rc == MDB_NOTFOUND) {
		store_read_end(st, txn);
		return ix;
	}
	if (rc == 0) {
		ix->info.uidvalidity = rec.uidvalidity;
		ix->info.uidnext = rec.uidnext;
		ix->info.exists = rec.exists;
		ix->info.highestmodseq = rec.highestmodseq;
		ix->info.count = rec.count;
		ix->fid = rec.fid;
		ix->gen = rec.gen;
		rc = store_index_scan_fix(st, txn, ix, rec.uidvalidity);
	}
	if (rc == 0) {
		store_index_order(st, txn, ix);
		if (how & STORE_LOAD_ALL)
			rc = store_index_scan_str(st, txn, ix, rec.uidvalidity);
	}
	store_map_trim(st);
	store_read_end(st, txn);
	if (rc != 0) {
		if (rc != -1)
			store_mdb_error(st, rc, "load", err);
		pt_error_prefix(err, _("cannot read the cache of folder '%s'"),
		    folder);
		store_index_free(&ix);
		return NULL;
	}
	if (ix->skipped > 0)
		pt_warn("folder '%s': %zu damaged cache records skipped",
		    folder, ix->skipped);
	return ix;
}

int
store_index_fill(struct store *st, struct store_index *ix, size_t first,
    size_t count, struct pt_error *err)
{
	uint8_t key[STORE_KEY_LEN];
	struct store_summary *s;
	MDB_txn *txn;
	MDB_val k, v;
	size_t i;
	int rc = 0;

	if (first >= ix->n)
		return 0;
	if (count > ix->n - first)
		count = ix->n - first;
	if (store_read_begin(st, &txn, err) != 0)
		return -1;
	for (i = first; i < first + count; i++) {
		s = &ix->msgs[ix->order[i]];
		if (s->strings != STORE_NO_STRINGS)
			continue;
		store_key_make(key, ix->fid, ix->info.uidvalidity, s->uid);
		k.mv_data = key;
		k.mv_size = sizeof(key);
		rc = mdb_get(txn, st->env->str, &k, &v);
		if (rc == MDB_NOTFOUND) {
			rc = 0;
			continue;
		}
		if (rc != 0)
			break;
		if (store_str_check(v.mv_data, v.mv_size) != 0) {
			ix->skipped++;
			continue;
		}
		if (store_arena_add(ix, v.mv_data, v.mv_size, &s->strings) != 0)
			break;
		ix->nstrings++;
	}
	store_read_end(st, txn);
	if (rc != 0)
		return store_mdb_error(st, rc, "fill", err);
	return 0;
}

struct store_summary *
store_index_find(const struct store_index *ix, uint32_t uid)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->msgs[mid].uid == uid)
			return &ix->msgs[mid];
		if (ix->msgs[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *
store_summary_str(const struct store_index *ix, const struct store_summary *s,
    enum store_field f)
{
	if (s->strings == STORE_NO_STRINGS || (unsigned)f >= STORE_NFIELDS ||
	    s->strings >= ix->arena_len)
		return "";
	return store_str_field((const uint8_t *)ix->arena + s->strings, f);
}

void
store_index_free(struct store_index **ixp)
{
	struct store_index *ix;

	if (ixp == NULL || (ix = *ixp) == NULL)
		return;
	*ixp = NULL;
	free(ix->msgs);
	free(ix->order);
	free(ix->arena);
	free(ix);
}
