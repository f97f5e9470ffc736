/*
 * batch.c: the engine's write API.  Changes to one folder are kept in
 * memory, already encoded, and written in one LMDB write transaction per
 * chunk, so the write lock (which other petrel processes share) is held
 * for milliseconds, never across a network wait.  A chunk that hits
 * MDB_MAP_FULL is written again after the map grew (store_write).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "petrel/core.h"
#include "petrel/mime.h"
#include "petrel/store.h"

#include "private.h"

enum store_op_kind { STORE_OP_PUT, STORE_OP_FLAGS, STORE_OP_EXPUNGE };

struct store_op {
	enum store_op_kind kind;
	uint32_t uid;
	uint32_t flags;
	uint64_t modseq;
	size_t off;   /* STORE_OP_PUT: fix record, then str record, in data */
	size_t len;   /* of the str record */
	int64_t when; /* STORE_OP_PUT: the message's date */
	size_t cclen; /* a Sent batch: the Cc after the str record, NUL'd */
};

struct store_batch {
	struct store *st;
	char *folder;
	uint32_t uidvalidity;
	struct store_op *ops;
	size_t nops, opcap;
	uint8_t *data;
	size_t dlen, dcap;
	struct store_folder_info info;
	int has_info;
	int changed; /* messages came or went: rewrite the order */
	int final;   /* the flush of the commit */
	int sent;    /* the Sent folder: record To, not From */
	/* Address uses of the current flush (rebuilt on each try). */
	struct store_addr_use *uses;
	size_t nuses, usecap;
	struct mime_addrlist to;
	/* Uses of the flushes before, summed; written every so often. */
	struct store_addr_agg agg;
	int agg_flush; /* this flush writes them */
};

static struct store_op *store_batch_op(struct store_batch *);
static int store_batch_flush(struct store_batch *, int, struct pt_error *);
static int store_flush_fn(struct store *, MDB_txn *, void *, struct pt_error *);
static int store_op_apply(struct store *, MDB_txn *, struct store_batch *,
    const struct store_op *, struct store_folder_rec *);
static void store_batch_addr(struct store_batch *, const struct store_op *);

struct store_batch *
store_batch_begin(struct store *st, const char *folder, uint32_t uidvalidity,
    struct pt_error *err)
{
	struct store_batch *b;
	char key[STORE_FOLDER_NAME_MAX + 2];
	size_t klen;

	if (store_folder_key(folder, key, &klen, err) != 0)
		return NULL;
	if (uidvalidity == 0) {
		pt_error_set(err, PT_E_INTERNAL, 0,
		    _("cannot cache folder '%s': no UIDVALIDITY"), folder);
		return NULL;
	}
	b = pt_xcalloc(1, sizeof(*b));
	b->st = st;
	b->folder = pt_xstrdup(folder);
	b->uidvalidity = uidvalidity;
	return b;
}

static struct store_op *
store_batch_op(struct store_batch *b)
{
	if (b->nops == b->opcap) {
		b->opcap = b->opcap ? b->opcap * 2 : 256;
		b->ops = pt_xreallocarray(b->ops, b->opcap, sizeof(*b->ops));
	}
	memset(&b->ops[b->nops], 0, sizeof(b->ops[0]));
	return &b->ops[b->nops++];
}

int
store_batch_put(struct store_batch *b, const struct store_msg *m,
    struct pt_error *err)
{
	struct store_op *op;
	size_t slen = store_str_len(m), cclen = 0;

	if (m->uid == 0)
		return pt_error_set(err, PT_E_INTERNAL, 0,
		    _("cannot cache a message without a UID"));
	if (b->sent && m->cc != NULL && m->cc[0] != '\0')
		cclen = strnlen(m->cc, STORE_STR_MAX) + 1;
	while (b->dlen + STORE_FIX_LEN + slen + cclen > b->dcap) {
		b->dcap = b->dcap ? b->dcap * 2 : 64 * 1024;
		b->data = pt_xreallocarray(b->data, b->dcap, 1);
	}
	op = store_batch_op(b);
	op->kind = STORE_OP_PUT;
	op->uid = m->uid;
	op->off = b->dlen;
	op->len = slen;
	op->when = m->date != 0 ? m->date : m->internaldate;
	store_fix_encode(b->data + b->dlen, m);
	store_str_encode(b->data + b->dlen + STORE_FIX_LEN, slen, m);
	b->dlen += STORE_FIX_LEN + slen;
	op->cclen = cclen;
	if (cclen > 0) {
		memcpy(b->data + b->dlen, m->cc, cclen - 1);
		b->data[b->dlen + cclen - 1] = '\0';
		b->dlen += cclen;
	}
	b->changed = 1;
	if (b->nops >= b->st->chunk)
		return store_batch_flush(b, 0, err);
	return 0;
}

int
store_batch_flags(struct store_batch *b, uint32_t uid, uint32_t flags,
    uint64_t modseq, struct pt_error *err)
{
	struct store_op *op = store_batch_op(b);

	op->kind = STORE_OP_FLAGS;
	op->uid = uid;
	op->flags = flags;
	op->modseq = modseq;
	if (b->nops >= b->st->chunk)
		return store_batch_flush(b, 0, err);
	return 0;
}

int
store_batch_expunge(struct store_batch *b, uint32_t uid, struct pt_error *err)
{
	struct store_op *op = store_batch_op(b);

	op->kind = STORE_OP_EXPUNGE;
	op->uid = uid;
	b->changed = 1;
	if (b->nops >= b->st->chunk)
		return store_batch_flush(b, 0, err);
	return 0;
}

void
store_batch_set_sent(struct store_batch *b)
{
	b->sent = 1;
}

void
store_batch_set_info(struct store_batch *b,
    const struct store_folder_info *info)
{
	b->info = *info;
	b->has_info = 1;
}

/* Applies one operation; returns 0 or an LMDB code. */
static int
store_op_apply(struct store *st, MDB_txn *txn, struct store_batch *b,
    const struct store_op *op, struct store_folder_rec *rec)
{
	uint8_t key[STORE_KEY_LEN], fix[STORE_FIX_LEN];
	struct store_summary tmp;
	MDB_val k, v;
	int rc;

	store_key_make(key, rec->fid, b->uidvalidity, op->uid);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	switch (op->kind) {
	case STORE_OP_PUT:
		v.mv_data = b->data + op->off;
		v.mv_size = STORE_FIX_LEN;
		rc = mdb_put(txn, st->env->fix, &k, &v, MDB_NOOVERWRITE);
		if (rc == MDB_KEYEXIST) {
			v.mv_data = b->data + op->off;
			v.mv_size = STORE_FIX_LEN;
			rc = mdb_put(txn, st->env->fix, &k, &v, 0);
		} else if (rc == 0) {
			rec->count++;
			/* Only a message new to the cache counts as a use. */
			store_batch_addr(b, op);
		}
		if (rc != 0)
			return rc;
		v.mv_size = op->len;
		if ((rc = mdb_put(txn, st->env->str, &k, &v, MDB_RESERVE)) != 0)
			return rc;
		memcpy(v.mv_data, b->data + op->off + STORE_FIX_LEN, op->len);
		return 0;
	case STORE_OP_FLAGS:
		rc = mdb_get(txn, st->env->fix, &k, &v);
		if (rc == MDB_NOTFOUND)
			return 0;
		if (rc != 0)
			return rc;
		if (store_fix_decode(v.mv_data, v.mv_size, &tmp) != 0 ||
		    tmp.uid != op->uid) {
			/* A damaged record: drop it, the sync refetches it. */
			rc = mdb_del(txn, st->env->fix, &k, NULL);
			if (rc == 0 && rec->count > 0)
				rec->count--;
			return rc;
		}
		memcpy(fix, v.mv_data, sizeof(fix));
		store_fix_set_flags(fix, op->flags, op->modseq);
		v.mv_data = fix;
		v.mv_size = sizeof(fix);
		return mdb_put(txn, st->env->fix, &k, &v, 0);
	case STORE_OP_EXPUNGE:
		rc = mdb_del(txn, st->env->fix, &k, NULL);
		if (rc == MDB_NOTFOUND)
			return 0;
		if (rc != 0)
			return rc;
		if (rec->count > 0)
			rec->count--;
		rc = mdb_del(txn, st->env->str, &k, NULL);
		return rc == MDB_NOTFOUND ? 0 : rc;
	}
	return 0;
}

/* Notes the address uses of a message new to the cache. */
static void
store_batch_addr(struct store_batch *b, const struct store_op *op)
{
	const uint8_t *str = b->data + op->off + STORE_FIX_LEN;
	size_t i, first;

	if (!b->sent) {
		if (*store_str_field(str, STORE_FROM_ADDR) == '\0')
			return;
		if (b->nuses == b->usecap) {
			b->usecap = b->usecap ? 2 * b->usecap : 256;
			b->uses = pt_xreallocarray(b->uses, b->usecap,
			    sizeof *b->uses);
		}
		b->uses[b->nuses].addr = store_str_field(str, STORE_FROM_ADDR);
		b->uses[b->nuses].name = store_str_field(str, STORE_FROM_NAME);
		b->uses[b->nuses].when = op->when;
		b->uses[b->nuses].kind = STORE_ADDR_FROM;
		b->nuses++;
		return;
	}
	/*
	 * The To and Cc fields as the summary keeps them (decoded, names
	 * quoted as a person types them); an address that does not parse
	 * ends its list, the ones before it count.
	 */
	first = b->to.n;
	(void)mime_addrlist_parse(store_str_field(str, STORE_TO), &b->to, NULL);
	if (op->cclen > 0)
		(void)mime_addrlist_parse((const char *)str + op->len, &b->to,
		    NULL);
	for (i = first; i < b->to.n; i++) {
		if (b->nuses == b->usecap) {
			b->usecap = b->usecap ? 2 * b->usecap : 256;
			b->uses = pt_xreallocarray(b->uses, b->usecap,
			    sizeof *b->uses);
		}
		b->uses[b->nuses].addr = NULL; /* set in store_flush_fn */
		b->uses[b->nuses].name = NULL;
		b->uses[b->nuses].when = op->when;
		b->uses[b->nuses].kind = STORE_ADDR_TO;
		b->nuses++;
	}
}

static int
store_flush_fn(struct store *st, MDB_txn *txn, void *varg, struct pt_error *err)
{
	struct store_batch *b = varg;
	struct store_folder_rec rec;
	size_t i;
	int rc, members = 0;

	b->nuses = 0;
	mime_addrlist_release(&b->to);

	rc = store_folder_get(st, txn, b->folder, &rec, err);
	if (rc == MDB_NOTFOUND)
		rc = store_folder_create(st, txn, b->folder, b->uidvalidity,
		    &rec, err);
	if (rc != 0)
		return rc;
	if (rec.uidvalidity != b->uidvalidity)
		return pt_error_set(err, PT_E_INTERNAL, 0,
		    _("cannot update the cache of folder '%s': its "
		      "UIDVALIDITY changed"),
		    b->folder);
	for (i = 0; i < b->nops; i++) {
		if ((rc = store_op_apply(st, txn, b, &b->ops[i], &rec)) != 0)
			return rc;
		/* Flags and expunges land all over the file. */
		if (i % 256 == 255)
			store_map_trim(st);
		if (b->ops[i].kind != STORE_OP_FLAGS)
			members = 1;
	}
	if (b->sent) {
		/* The list no longer moves: point the uses into it. */
		for (i = 0; i < b->nuses && i < b->to.n; i++) {
			b->uses[i].addr = b->to.v[i].addr;
			b->uses[i].name = b->to.v[i].name;
		}
	}
	if (b->agg_flush &&
	    ((rc = store_addr_agg_write(st, txn, &b->agg)) != 0 ||
		(rc = store_addr_apply(st, txn, b->uses, b->nuses)) != 0))
		return rc;
	if (members)
		rec.gen++;
	if (b->final && b->has_info) {
		rec.uidnext = b->info.uidnext;
		rec.exists = b->info.exists;
		rec.highestmodseq = b->info.highestmodseq;
	}
	if (b->final && b->changed &&
	    (rc = store_order_write(st, txn, &rec, err)) != 0)
		return rc;
	rc = store_folder_put(st, txn, b->folder, &rec, err);
	/*
	 * A long sync writes the whole file chunk by chunk: let go of the
	 * map's pages, so that resident memory stays that of one chunk.
	 */
	store_map_trim(st);
	return rc;
}

static int
store_batch_flush(struct store_batch *b, int final, struct pt_error *err)
{
	int rc;

	if (b->nops == 0 && !final)
		return 0;
	b->final = final;
	b->agg_flush = final || b->agg.n >= STORE_ADDR_AGG_MAX;
	rc = store_write(b->st, store_flush_fn, b, err);
	if (rc != 0)
		pt_error_prefix(err, _("cannot cache folder '%s'"), b->folder);
	else if (b->agg_flush)
		store_addr_agg_release(&b->agg);
	else {
		/* In memory until a later flush: no write lock held. */
		int64_t now = (int64_t)time(NULL);
		size_t i;

		for (i = 0; i < b->nuses; i++)
			store_addr_agg_add(&b->agg, &b->uses[i], now);
	}
	b->nops = 0;
	b->dlen = 0;
	return rc;
}

int
store_batch_commit(struct store_batch **bp, struct pt_error *err)
{
	struct store_batch *b = *bp;
	struct pt_error eviction;
	int rc;

	*bp = NULL;
	if (b == NULL)
		return 0;
	rc = store_batch_flush(b, 1, err);
	if (rc == 0 && b->changed) {
		pt_error_init(&eviction);
		if (store_evict(b->st, b->folder, &eviction) != 0)
			pt_warn("header cache eviction: %s", eviction.msg);
	}
	b->nops = 0;
	store_batch_abort(&b);
	return rc;
}

void
store_batch_abort(struct store_batch **bp)
{
	struct store_batch *b;

	if (bp == NULL || (b = *bp) == NULL)
		return;
	*bp = NULL;
	free(b->ops);
	free(b->data);
	free(b->uses);
	mime_addrlist_release(&b->to);
	store_addr_agg_release(&b->agg);
	free(b->folder);
	free(b);
}
