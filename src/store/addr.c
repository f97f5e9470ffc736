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
static void store_addr_combine(double *, int64_t *, double, int64_t);
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

	if (len == 0 || len > STORE_ADDR_KEY_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		char c = addr[i];

		/* mime_addr_check lets these through a quoted pair. */
		if ((unsigned char)c < 0x20 || c == 0x7f)
			return 0;
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
	/*
	 * Built apart first: r's strings may point into the page the put
	 * changes (a record read in this transaction).
	 */
	uint8_t
	    p[STORE_ADDR_HDR + STORE_ADDR_KEY_MAX + STORE_ADDR_NAME_MAX + 2];
	size_t nlen = r->namelen, alen = r->addrlen, len;
	uint64_t bits;
	MDB_val k, v;

	if (alen > STORE_ADDR_KEY_MAX)
		alen = STORE_ADDR_KEY_MAX;
	if (nlen > STORE_ADDR_NAME_MAX)
		nlen = STORE_ADDR_NAME_MAX;
	/* Cut at a character boundary. */
	while (nlen > 0 && nlen < r->namelen &&
	       ((unsigned char)r->name[nlen] & 0xC0) == 0x80)
		nlen--;
	len = STORE_ADDR_HDR + alen + 1 + nlen + 1;
	memset(p, 0, STORE_ADDR_HDR);
	p[0] = STORE_ADDR_VERSION;
	p[2] = (uint8_t)alen;
	p[3] = (uint8_t)(alen >> 8);
	p[4] = (uint8_t)nlen;
	p[5] = (uint8_t)(nlen >> 8);
	store_le32_put(p + 8, r->received);
	store_le32_put(p + 12, r->written);
	store_le64_put(p + 16, (uint64_t)r->last);
	memcpy(&bits, &r->score, sizeof bits);
	store_le64_put(p + 24, bits);
	memcpy(p + STORE_ADDR_HDR, r->addr, alen);
	p[STORE_ADDR_HDR + alen] = '\0';
	if (nlen > 0)
		memcpy(p + STORE_ADDR_HDR + alen + 1, r->name, nlen);
	p[len - 1] = '\0';
	k.mv_data = (void *)key;
	k.mv_size = klen;
	v.mv_data = p;
	v.mv_size = len;
	return mdb_put(txn, st->env->addr, &k, &v, 0);
}

/*
 * Adds score s2, last used at t2, to the score *s last used at *last:
 * both decayed to the later time, which becomes *last.
 */
static void
store_addr_combine(double *s, int64_t *last, double s2, int64_t t2)
{
	if (*s <= 0) {
		*s = s2;
		*last = t2;
	} else if (t2 >= *last) {
		*s = *s * exp2(-(double)(t2 - *last) / STORE_ADDR_HALF_LIFE) +
		     s2;
		*last = t2;
	} else
		*s += s2 * exp2(-(double)(*last - t2) / STORE_ADDR_HALF_LIFE);
}

static uint32_t
store_addr_sat(uint32_t a, uint32_t b)
{
	return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

static double
store_addr_rank(const struct store_addr_rec *r)
{
	return log2(r->score) + (double)r->last / STORE_ADDR_HALF_LIFE;
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
	size_t n = 0, cap = 0;
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
		size_t drop = n - keep, i;
		char **keys = pt_xcalloc(drop, sizeof *keys);
		size_t *lens = pt_xcalloc(drop, sizeof *lens);

		qsort(v, n, sizeof *v, store_addr_rankcmp);
		/*
		 * The keys point into pages that deleting changes: copy
		 * them all first.
		 */
		for (i = 0; i < drop; i++) {
			keys[i] = pt_xmalloc(v[i].key.mv_size);
			memcpy(keys[i], v[i].key.mv_data, v[i].key.mv_size);
			lens[i] = v[i].key.mv_size;
		}
		for (i = 0; i < drop && rc == 0; i++) {
			MDB_val kk;

			kk.mv_data = keys[i];
			kk.mv_size = lens[i];
			rc = mdb_del(txn, st->env->addr, &kk, NULL);
			if (rc == MDB_NOTFOUND)
				rc = 0;
		}
		for (i = 0; i < drop; i++)
			free(keys[i]);
		free(keys);
		free(lens);
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

/* FNV-1a: the slot of a key in the aggregate. */
static uint32_t
store_addr_hash(const char *key)
{
	uint32_t h = 2166136261u;

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	/* FNV's low bits mix poorly, and the table uses the low bits. */
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h;
}

static struct store_addr_ent *
store_addr_agg_slot(struct store_addr_agg *a, const char *key, uint32_t h)
{
	size_t i = h & (a->cap - 1);

	while (a->v[i].key != NULL &&
	       (a->v[i].hash != h || strcmp(a->v[i].key, key) != 0))
		i = (i + 1) & (a->cap - 1);
	return &a->v[i];
}

/* Replaces *sp with a copy of s unless it holds that already. */
static void
store_addr_set(char **sp, const char *s)
{
	if (*sp != NULL && strcmp(*sp, s) == 0)
		return;
	free(*sp);
	*sp = pt_xstrdup(s);
}

void
store_addr_agg_add(struct store_addr_agg *a, const struct store_addr_use *u,
    int64_t now)
{
	char key[STORE_ADDR_KEY_MAX + 1];
	struct store_addr_ent *e;
	int64_t when;
	uint32_t h;
	double w;

	if (u->addr == NULL || store_addr_key(u->addr, key) == 0)
		return;
	h = store_addr_hash(key);
	if (2 * (a->n + 1) > a->cap) {
		struct store_addr_agg b;
		size_t i;

		b.cap = a->cap ? 2 * a->cap : 256;
		b.n = a->n;
		b.v = pt_xcalloc(b.cap, sizeof *b.v);
		for (i = 0; i < a->cap; i++)
			if (a->v[i].key != NULL)
				*store_addr_agg_slot(&b, a->v[i].key,
				    a->v[i].hash) = a->v[i];
		free(a->v);
		*a = b;
	}
	when = u->when <= 0 || u->when > now ? now : u->when;
	w = u->kind == STORE_ADDR_TO ? 4.0 : 1.0;
	e = store_addr_agg_slot(a, key, h);
	if (e->key == NULL) {
		e->key = pt_xstrdup(key);
		e->hash = h;
		a->n++;
	}
	/* The most recent use's spelling, and its name when it has one. */
	if (e->addr == NULL || when >= e->last) {
		store_addr_set(&e->addr, u->addr);
		if (u->name != NULL && u->name[0] != '\0')
			store_addr_set(&e->name, u->name);
	} else if (e->name == NULL && u->name != NULL && u->name[0] != '\0')
		e->name = pt_xstrdup(u->name);
	store_addr_combine(&e->score, &e->last, w, when);
	if (u->kind == STORE_ADDR_TO)
		e->written = store_addr_sat(e->written, 1);
	else
		e->received = store_addr_sat(e->received, 1);
}

void
store_addr_agg_release(struct store_addr_agg *a)
{
	size_t i;

	for (i = 0; i < a->cap; i++) {
		free(a->v[i].key);
		free(a->v[i].addr);
		free(a->v[i].name);
	}
	free(a->v);
	memset(a, 0, sizeof *a);
}

static int
store_addr_entcmp(const void *x, const void *y)
{
	const struct store_addr_ent *const *a = x, *const *b = y;

	return strcmp((*a)->key, (*b)->key);
}

/*
 * Writes an aggregate in key order (each address read and written once)
 * and keeps the book bounded.  The aggregate is not changed, so a write
 * that is run again (store_write) writes the same.
 */
int
store_addr_agg_write(struct store *st, MDB_txn *txn,
    const struct store_addr_agg *a)
{
	const struct store_addr_ent **v;
	MDB_stat ms;
	size_t i, m = 0;
	int rc = 0;

	if (a->n == 0)
		return 0;
	v = pt_xreallocarray(NULL, a->n, sizeof *v);
	for (i = 0; i < a->cap; i++)
		if (a->v[i].key != NULL)
			v[m++] = &a->v[i];
	qsort(v, m, sizeof *v, store_addr_entcmp);
	for (i = 0; i < m && rc == 0; i++) {
		const struct store_addr_ent *e = v[i];
		struct store_addr_rec r;
		MDB_val k, d;
		int newer;

		/* Only addresses mail can be sent to. */
		if (mime_addr_check(e->addr, NULL) != 0)
			continue;
		k.mv_data = e->key;
		k.mv_size = strlen(e->key);
		rc = mdb_get(txn, st->env->addr, &k, &d);
		if (rc == 0 && store_addr_decode(d.mv_data, d.mv_size, &r) != 0)
			rc = MDB_NOTFOUND; /* damaged: made again */
		if (rc == MDB_NOTFOUND) {
			memset(&r, 0, sizeof r);
			rc = 0;
		}
		if (rc != 0)
			break;
		newer = r.score <= 0 || e->last >= r.last;
		if (e->name != NULL && (newer || r.namelen == 0)) {
			r.name = e->name;
			r.namelen = strlen(e->name);
		}
		if (newer) {
			r.addr = e->addr;
			r.addrlen = strlen(e->addr);
		}
		store_addr_combine(&r.score, &r.last, e->score, e->last);
		r.received = store_addr_sat(r.received, e->received);
		r.written = store_addr_sat(r.written, e->written);
		rc = store_addr_put(st, txn, e->key, k.mv_size, &r);
	}
	free(v);
	if (rc == 0 && (rc = mdb_stat(txn, st->env->addr, &ms)) == 0 &&
	    ms.ms_entries > st->max_addr)
		rc =
		    store_addr_prune(st, txn, st->max_addr - st->max_addr / 10);
	return rc;
}

int
store_addr_apply(struct store *st, MDB_txn *txn,
    const struct store_addr_use *uses, size_t n)
{
	struct store_addr_agg a = {0};
	int64_t now = (int64_t)time(NULL);
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		store_addr_agg_add(&a, &uses[i], now);
	rc = store_addr_agg_write(st, txn, &a);
	store_addr_agg_release(&a);
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
	size_t n = 0, cap = 0, nwords = 0, damaged = 0;
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
	if (n > 1)
		qsort(v, n, sizeof *v, store_addr_resultcmp);
	if (max > 0 && n > max) {
		size_t i;

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
