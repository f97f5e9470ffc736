/*
 * addr.c: the address book, one LMDB database ("addr") in the account's
 * header cache.  Every address petrel sees is a record keyed by the
 * address in lower case (ASCII letters; other bytes as they are):
 *
 *	0  u8  version		8  u32 received (From of a message)
 *	1  u8  0		12 u32 written (To/Cc sent, recipients)
 *	2  u16 address length	16 i64 last use (seconds)
 *	4  u16 name length	24 f64 score at the last use
 *	6  u16 0		32 address, NUL, name, NUL
 *
 * The score is a frecency: each use adds its weight (STORE_ADDR_FROM
 * 1, STORE_ADDR_TO 4), and a score halves every STORE_ADDR_HALF_LIFE
 * seconds.  Comparing log2(score) + last / half-life ranks two records
 * exactly as their scores decayed to the same moment would, so the
 * ranking needs no clock.  The most recent non-empty display name wins.
 * The book is bounded: past its maximum, the least useful tenth goes.
 * A damaged record is skipped when read and removed by the next query,
 * never fatal.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "petrel/core.h"
#include "petrel/mime.h"
#include "petrel/store.h"

#include "private.h"

#define STORE_ADDR_VERSION  1u
#define STORE_ADDR_HDR      32
#define STORE_ADDR_KEY_MAX  254
#define STORE_ADDR_NAME_MAX 400

/* One record, decoded; the strings point into the LMDB value or a use. */
struct store_addr_rec {
	const char *addr;
	size_t addrlen;
	const char *name;
	size_t namelen;
	uint32_t received, written;
	int64_t last;
	double score;
};

static int store_addr_decode(const void *, size_t, struct store_addr_rec *);
static int store_addr_put(struct store *, MDB_txn *, const char *, size_t,
    const struct store_addr_rec *);
static void store_addr_merge(struct store_addr_rec *,
    const struct store_addr_use *, int64_t);
static int store_addr_usecmp(const void *, const void *);
static int store_addr_prune(struct store *, MDB_txn *, size_t);
static double store_addr_rank(const struct store_addr_rec *);
static int store_addr_match(const struct store_addr_rec *, char **, size_t);
static int store_addr_add_fn(struct store *, MDB_txn *, void *,
    struct pt_error *);
static int store_addr_repair_fn(struct store *, MDB_txn *, void *,
    struct pt_error *);

/* The key of an address: ASCII letters lowered; 0 when unusable. */
size_t
store_addr_key(const char *addr, char key[STORE_ADDR_KEY_MAX + 1])
{
	size_t i, len = strlen(addr);

	if (len == 0 || len > STORE_ADDR_KEY_MAX ||
	    mime_addr_check(addr, NULL) != 0)
		return 0;
	for (i = 0; i < len; i++) {
		char c = addr[i];

		key[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	key[len] = '\0';
	return len;
}

static int
store_addr_decode(const void *data, size_t len, struct store_addr_rec *r)
{
	const uint8_t *p = data;
	uint64_t bits;

	if (len < STORE_ADDR_HDR + 2 || p[0] != STORE_ADDR_VERSION || p[1] != 0)
		return -1;
	r->addrlen = (size_t)p[2] | (size_t)p[3] << 8;
	r->namelen = (size_t)p[4] | (size_t)p[5] << 8;
	if (r->addrlen == 0 ||
	    STORE_ADDR_HDR + r->addrlen + 1 + r->namelen + 1 != len)
		return -1;
	r->addr = (const char *)p + STORE_ADDR_HDR;
	r->name = r->addr + r->addrlen + 1;
	if (r->addr[r->addrlen] != '\0' || r->name[r->namelen] != '\0' ||
	    !pt_utf8_valid(r->addr, r->addrlen) ||
	    (r->namelen > 0 && !pt_utf8_valid(r->name, r->namelen)))
		return -1;
	r->received = store_le32_get(p + 8);
	r->written = store_le32_get(p + 12);
	r->last = (int64_t)store_le64_get(p + 16);
	bits = store_le64_get(p + 24);
	memcpy(&r->score, &bits, sizeof bits);
	if (!isfinite(r->score) || r->score <= 0)
		return -1;
	return 0;
}

static int
store_addr_put(struct store *st, MDB_txn *txn, const char *key, size_t klen,
    const struct store_addr_rec *r)
{
	size_t nlen = r->namelen, len;
	uint64_t bits;
	uint8_t *p;
	MDB_val k, v;
	int rc;

	if (nlen > STORE_ADDR_NAME_MAX)
		nlen = STORE_ADDR_NAME_MAX;
	/* Cut at a character boundary. */
	while (nlen > 0 && nlen < r->namelen &&
	       ((unsigned char)r->name[nlen] & 0xC0) == 0x80)
		nlen--;
	len = STORE_ADDR_HDR + r->addrlen + 1 + nlen + 1;
	k.mv_data = (void *)key;
	k.mv_size = klen;
	v.mv_size = len;
	if ((rc = mdb_put(txn, st->env->addr, &k, &v, MDB_RESERVE)) != 0)
		return rc;
	p = v.mv_data;
	memset(p, 0, STORE_ADDR_HDR);
	p[0] = STORE_ADDR_VERSION;
	p[2] = (uint8_t)r->addrlen;
	p[3] = (uint8_t)(r->addrlen >> 8);
	p[4] = (uint8_t)nlen;
	p[5] = (uint8_t)(nlen >> 8);
	store_le32_put(p + 8, r->received);
	store_le32_put(p + 12, r->written);
	store_le64_put(p + 16, (uint64_t)r->last);
	memcpy(&bits, &r->score, sizeof bits);
	store_le64_put(p + 24, bits);
	memcpy(p + STORE_ADDR_HDR, r->addr, r->addrlen);
	p[STORE_ADDR_HDR + r->addrlen] = '\0';
	if (nlen > 0)
		memcpy(p + STORE_ADDR_HDR + r->addrlen + 1, r->name, nlen);
	p[len - 1] = '\0';
	return 0;
}

/* Adds one use to r (a record, or zeroed for a new one). */
static void
store_addr_merge(struct store_addr_rec *r, const struct store_addr_use *u,
    int64_t now)
{
	int64_t when = u->when <= 0 || u->when > now ? now : u->when;
	double w = u->kind == STORE_ADDR_TO ? 4.0 : 1.0;
	int named = u->name != NULL && u->name[0] != '\0';

	if (u->kind == STORE_ADDR_TO) {
		if (r->written < UINT32_MAX)
			r->written++;
	} else if (r->received < UINT32_MAX)
		r->received++;
	if (r->score <= 0) {
		r->score = w;
		r->last = when;
	} else if (when >= r->last) {
		r->score = r->score * exp2(-(double)(when - r->last) /
					   STORE_ADDR_HALF_LIFE) +
			   w;
		r->last = when;
	} else {
		r->score +=
		    w * exp2(-(double)(r->last - when) / STORE_ADDR_HALF_LIFE);
		/* An older use names the address only when nothing newer did.
		 */
		if (r->namelen > 0)
			named = 0;
	}
	if (named) {
		r->name = u->name;
		r->namelen = strlen(u->name);
	}
	if (when == r->last) {
		/* The spelling of the most recent use. */
		r->addr = u->addr;
		r->addrlen = strlen(u->addr);
	}
}

static double
store_addr_rank(const struct store_addr_rec *r)
{
	return log2(r->score) + (double)r->last / STORE_ADDR_HALF_LIFE;
}

struct store_addr_key_use {
	char key[STORE_ADDR_KEY_MAX + 1];
	size_t klen;
	const struct store_addr_use *u;
	size_t seq;
};

static int
store_addr_usecmp(const void *a, const void *b)
{
	const struct store_addr_key_use *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct store_addr_rankent {
	double rank;
	int64_t last;
	MDB_val key;
};

static int
store_addr_rankcmp(const void *a, const void *b)
{
	const struct store_addr_rankent *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->last < y->last ? -1 : x->last > y->last;
}

/* Keeps the keep most useful records (damaged ones go first). */
static int
store_addr_prune(struct store *st, MDB_txn *txn, size_t keep)
{
	struct store_addr_rankent *v = NULL;
	size_t n = 0, cap = 0, i;
	MDB_cursor *cur;
	MDB_val k, d;
	int rc;

	if ((rc = mdb_cursor_open(txn, st->env->addr, &cur)) != 0)
		return rc;
	while ((rc = mdb_cursor_get(cur, &k, &d,
		    n == 0 ? MDB_FIRST : MDB_NEXT)) == 0) {
		struct store_addr_rec r;

		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = pt_xreallocarray(v, cap, sizeof *v);
		}
		v[n].key = k;
		if (store_addr_decode(d.mv_data, d.mv_size, &r) != 0) {
			v[n].rank = -HUGE_VAL;
			v[n].last = 0;
		} else {
			v[n].rank = store_addr_rank(&r);
			v[n].last = r.last;
		}
		n++;
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND) {
		free(v);
		return rc;
	}
	rc = 0;
	if (n > keep) {
		qsort(v, n, sizeof *v, store_addr_rankcmp);
		/* Keys point into the map: copy them before deleting. */
		for (i = 0; i < n - keep && rc == 0; i++) {
			char key[STORE_ADDR_KEY_MAX + 1];
			MDB_val kk;

			if (v[i].key.mv_size > STORE_ADDR_KEY_MAX) {
				kk = v[i].key;
			} else {
				memcpy(key, v[i].key.mv_data, v[i].key.mv_size);
				kk.mv_data = key;
				kk.mv_size = v[i].key.mv_size;
			}
			rc = mdb_del(txn, st->env->addr, &kk, NULL);
			if (rc == MDB_NOTFOUND)
				rc = 0;
		}
		pt_debug("address book: dropped %zu least used entries",
		    n - keep);
	}
	free(v);
	return rc;
}

struct store_addr_add_arg {
	const struct store_addr_use *uses;
	size_t n;
};

/*
 * Applies uses in one transaction: sorted by key, so each address is
 * read and written once however often it appears.
 */
int
store_addr_apply(struct store *st, MDB_txn *txn,
    const struct store_addr_use *uses, size_t n)
{
	struct store_addr_key_use *ku;
	MDB_stat ms;
	size_t i, m = 0;
	int64_t now = (int64_t)time(NULL);
	int rc = 0;

	if (n == 0)
		return 0;
	ku = pt_xreallocarray(NULL, n, sizeof *ku);
	for (i = 0; i < n; i++) {
		if (uses[i].addr == NULL ||
		    (ku[m].klen = store_addr_key(uses[i].addr, ku[m].key)) == 0)
			continue;
		ku[m].u = &uses[i];
		ku[m].seq = i;
		m++;
	}
	qsort(ku, m, sizeof *ku, store_addr_usecmp);
	for (i = 0; i < m && rc == 0;) {
		struct store_addr_rec r;
		MDB_val k, v;
		size_t j;

		k.mv_data = ku[i].key;
		k.mv_size = ku[i].klen;
		rc = mdb_get(txn, st->env->addr, &k, &v);
		if (rc == 0 && store_addr_decode(v.mv_data, v.mv_size, &r) != 0)
			rc = MDB_NOTFOUND; /* damaged: made again */
		if (rc == MDB_NOTFOUND) {
			memset(&r, 0, sizeof r);
			rc = 0;
		}
		if (rc != 0)
			break;
		for (j = i; j < m && strcmp(ku[j].key, ku[i].key) == 0; j++)
			store_addr_merge(&r, ku[j].u, now);
		rc = store_addr_put(st, txn, ku[i].key, ku[i].klen, &r);
		i = j;
	}
	free(ku);
	if (rc == 0 && (rc = mdb_stat(txn, st->env->addr, &ms)) == 0 &&
	    ms.ms_entries > st->max_addr)
		rc =
		    store_addr_prune(st, txn, st->max_addr - st->max_addr / 10);
	return rc;
}

static int
store_addr_add_fn(struct store *st, MDB_txn *txn, void *varg,
    struct pt_error *err)
{
	struct store_addr_add_arg *a = varg;

	(void)err;
	return store_addr_apply(st, txn, a->uses, a->n);
}

int
store_addr_add(struct store *st, const struct store_addr_use *uses, size_t n,
    struct pt_error *err)
{
	struct store_addr_add_arg a = {uses, n};

	if (store_write(st, store_addr_add_fn, &a, err) != 0) {
		pt_error_prefix(err, "%s", _("cannot update the address book"));
		return -1;
	}
	return 0;
}

/*
 * 1 when every word of the query (already folded) starts a word of the
 * name or lies in the address.
 */
static int
store_addr_match(const struct store_addr_rec *r, char **words, size_t n)
{
	char *name, *addr;
	size_t i;
	int ok = 1;

	if (n == 0)
		return 1;
	name = pt_utf8_fold(r->name, r->namelen);
	addr = pt_utf8_fold(r->addr, r->addrlen);
	for (i = 0; i < n && ok; i++) {
		size_t wl = strlen(words[i]);
		const char *p;

		if (strstr(addr, words[i]) != NULL)
			continue;
		ok = 0;
		for (p = name; *p != '\0'; p++) {
			int start = p == name || p[-1] == ' ' || p[-1] == '"' ||
				    p[-1] == '(' || p[-1] == '-' ||
				    p[-1] == '.' || p[-1] == ',' ||
				    p[-1] == '\'';

			if (start && strncmp(p, words[i], wl) == 0) {
				ok = 1;
				break;
			}
		}
	}
	free(name);
	free(addr);
	return ok;
}

static int
store_addr_resultcmp(const void *a, const void *b)
{
	const struct store_addr *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank > y->rank ? -1 : 1;
	if (x->last != y->last)
		return x->last > y->last ? -1 : 1;
	return strcmp(x->addr, y->addr);
}

static int
store_addr_repair_fn(struct store *st, MDB_txn *txn, void *varg,
    struct pt_error *err)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	(void)varg;
	(void)err;
	if ((rc = mdb_cursor_open(txn, st->env->addr, &cur)) != 0)
		return rc;
	while ((rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		struct store_addr_rec r;

		if (store_addr_decode(v.mv_data, v.mv_size, &r) != 0 &&
		    (rc = mdb_cursor_del(cur, 0)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int
store_addr_query(struct store *st, const char *query, size_t max,
    struct store_addr **vp, size_t *np, struct pt_error *err)
{
	struct store_addr *v = NULL;
	size_t n = 0, cap = 0, nwords = 0, damaged = 0, i;
	char *folded, *save = NULL, *w, *words[16];
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, d;
	int rc;

	*vp = NULL;
	*np = 0;
	folded = pt_utf8_fold(query != NULL ? query : "",
	    query != NULL ? strlen(query) : 0);
	for (w = strtok_r(folded, " \t,<>\"", &save);
	     w != NULL && nwords < PT_NELEM(words);
	     w = strtok_r(NULL, " \t,<>\"", &save))
		words[nwords++] = w;
	if (store_read_begin(st, &txn, err) != 0) {
		free(folded);
		return -1;
	}
	if ((rc = mdb_cursor_open(txn, st->env->addr, &cur)) != 0) {
		store_read_end(st, txn);
		free(folded);
		return store_mdb_error(st, rc, "address book", err);
	}
	while ((rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT)) == 0) {
		struct store_addr_rec r;

		if (store_addr_decode(d.mv_data, d.mv_size, &r) != 0) {
			damaged++;
			continue;
		}
		if (!store_addr_match(&r, words, nwords))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			v = pt_xreallocarray(v, cap, sizeof *v);
		}
		v[n].addr = pt_xstrndup(r.addr, r.addrlen);
		v[n].name = pt_xstrndup(r.name, r.namelen);
		v[n].received = r.received;
		v[n].written = r.written;
		v[n].last = r.last;
		v[n].rank = store_addr_rank(&r);
		n++;
	}
	mdb_cursor_close(cur);
	store_read_end(st, txn);
	free(folded);
	if (rc != MDB_NOTFOUND) {
		store_addr_list_free(&v, n);
		return store_mdb_error(st, rc, "address book", err);
	}
	if (damaged > 0) {
		struct pt_error e2;

		pt_warn("address book: %zu damaged entries; removing them",
		    damaged);
		pt_error_init(&e2);
		if (store_write(st, store_addr_repair_fn, NULL, &e2) != 0)
			pt_warn("address book: %s", e2.msg);
	}
	qsort(v, n, sizeof *v, store_addr_resultcmp);
	if (max > 0 && n > max) {
		for (i = max; i < n; i++) {
			free(v[i].addr);
			free(v[i].name);
		}
		n = max;
	}
	*vp = v;
	*np = n;
	return 0;
}

void
store_addr_list_free(struct store_addr **vp, size_t n)
{
	size_t i;

	if (vp == NULL || *vp == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((*vp)[i].addr);
		free((*vp)[i].name);
	}
	free(*vp);
	*vp = NULL;
}
