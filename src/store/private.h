/*
 * private.h: what the files of src/store share.  Nothing outside
 * src/store (and its unit test) includes this.
 */
#ifndef PETREL_STORE_PRIVATE_H
#define PETREL_STORE_PRIVATE_H

#include <sys/types.h>

#include <lmdb.h>
#include <pthread.h>

#include "petrel/store.h"

/*
 * The cache format.  Bump STORE_FORMAT_VERSION only when a record format
 * below changes: an older cache is then dropped and fetched again.
 */
#define STORE_FORMAT_MAGIC   "PTHC"
#define STORE_FORMAT_VERSION 1u
#define STORE_REC_VERSION    1u

/* Keys of the "fix" and "str" databases: fid, UIDVALIDITY, UID (BE). */
#define STORE_KEY_LEN 12
/* The fixed record and the folder record. */
#define STORE_FIX_LEN    40
#define STORE_FOLDER_LEN 48
/* The strings record: version, field count, lengths, then strings. */
#define STORE_STR_HDR (2 + 2 * STORE_NFIELDS)
/* The order record: version, gen, n, then n positions. */
#define STORE_ORDER_HDR 12
/* Folder names longer than this are not cached (LMDB's key limit). */
#define STORE_FOLDER_NAME_MAX 480

/* Keys of the "meta" database. */
#define STORE_META_FORMAT  "v" /* magic + version */
#define STORE_META_NEXTFID "n" /* the next folder id */
#define STORE_META_FOLDER  'f' /* 'f' + folder name */
#define STORE_META_ORDER   'o' /* 'o' + fid (BE) */

/* A folder's metadata as stored. */
struct store_folder_rec {
	uint32_t fid;
	uint32_t uidvalidity;
	uint32_t uidnext;
	uint32_t exists;
	uint32_t count;
	uint32_t gen; /* bumped whenever messages come or go */
	uint64_t highestmodseq;
	int64_t last_used;
};

/*
 * One LMDB environment, shared by every handle of this process on the
 * same path (LMDB forbids opening it twice in one process).
 */
struct store_env {
	struct store_env *next;
	char *path; /* the headers folder */
	pid_t pid;  /* the process that opened it */
	int refs;
	MDB_env *env;
	MDB_dbi meta, fix, str, addr;
	size_t map_size;
	void *map_addr; /* where data.mdb is mapped, or NULL */
	size_t map_len;
	int damaged; /* a read saw damage: rebuild before the next write */
	/*
	 * Held shared by every transaction of this process, exclusively to
	 * change the map size or rebuild (LMDB wants no transaction live
	 * in the process then).
	 */
	pthread_rwlock_t lock;
	pthread_mutex_t gate; /* see store_env_rdlock */
};

struct store {
	struct store_env *env;
	char *dir;     /* <cache>/petrel/<account> */
	char *bodydir; /* dir/bodies */
	size_t max_header;
	size_t max_body;
	size_t chunk;
	size_t max_addr;
	pthread_mutex_t body_lock;
	int64_t body_total; /* -1 until the first scan */
};

/* A write: runs in a fresh write transaction, perhaps more than once. */
typedef int (
    *store_write_fn)(struct store *, MDB_txn *, void *, struct pt_error *);

/* store.c */
int store_read_begin(struct store *, MDB_txn **, struct pt_error *);
void store_read_end(struct store *, MDB_txn *);
int store_write(struct store *, store_write_fn, void *, struct pt_error *);
int store_mdb_error(struct store *, int, const char *, struct pt_error *);
int store_rc_damaged(int);
size_t store_used_bytes(struct store *);
void store_map_trim(struct store *);
/*
 * A cursor over the records of dbi whose keys (STORE_KEY_LEN) start with
 * fid and uidvalidity, in UID order.  store_scan_next returns 0 with k
 * and v at the next record, MDB_NOTFOUND after the last, or an LMDB
 * error.  store_scan_open returns 0 or an LMDB error; after 0, close the
 * scan with store_scan_close.
 */
struct store_scan {
	MDB_cursor *cur;
	MDB_cursor_op op;
	uint8_t start[STORE_KEY_LEN];
};
int store_scan_open(struct store_scan *, MDB_txn *, MDB_dbi, uint32_t fid,
    uint32_t uidvalidity);
int store_scan_next(struct store_scan *, MDB_val *, MDB_val *);
void store_scan_close(struct store_scan *);

/* Scans trim the map (store_map_trim) after this many records. */
#define STORE_TRIM_EVERY 4096

/* record.c: the byte formats, no I/O. */
void store_le32_put(uint8_t *, uint32_t);
void store_le64_put(uint8_t *, uint64_t);
uint32_t store_le32_get(const uint8_t *);
uint64_t store_le64_get(const uint8_t *);
void store_be32_put(uint8_t *, uint32_t);
uint32_t store_be32_get(const uint8_t *);
void store_key_make(uint8_t[STORE_KEY_LEN], uint32_t fid, uint32_t uidvalidity,
    uint32_t uid);
void store_fix_encode(uint8_t[STORE_FIX_LEN], const struct store_msg *);
int store_fix_decode(const void *, size_t, struct store_summary *);
void store_fix_set_flags(uint8_t[STORE_FIX_LEN], uint32_t flags,
    uint64_t modseq);
size_t store_str_len(const struct store_msg *);
void store_str_encode(uint8_t *, size_t, const struct store_msg *);
int store_str_check(const void *, size_t);
const char *store_str_field(const uint8_t *, enum store_field);
void store_folder_encode(uint8_t[STORE_FOLDER_LEN],
    const struct store_folder_rec *);
int store_folder_decode(const void *, size_t, struct store_folder_rec *);
int store_order_check(const void *, size_t, uint32_t gen, size_t n);

/* folder.c */
int store_folder_key(const char *, char *, size_t *, struct pt_error *);
int store_folder_get(struct store *, MDB_txn *, const char *,
    struct store_folder_rec *, struct pt_error *);
int store_folder_put(struct store *, MDB_txn *, const char *,
    const struct store_folder_rec *, struct pt_error *);
int store_folder_create(struct store *, MDB_txn *, const char *,
    uint32_t uidvalidity, struct store_folder_rec *, struct pt_error *);
int store_folder_clear(struct store *, MDB_txn *, struct store_folder_rec *,
    struct pt_error *);
int store_order_write(struct store *, MDB_txn *, struct store_folder_rec *,
    struct pt_error *);
int store_evict(struct store *, const char *keep, struct pt_error *);

/* index.c */
void store_order_sort(const struct store_summary *, size_t, uint32_t *);

/* addr.c */
size_t store_addr_key(const char *, char[255]);
/*
 * Uses summed in memory per address (an open-addressing table keyed by
 * the address in lower case), so that a sync writes each address once
 * however many of its messages it stores.
 */
struct store_addr_ent {
	char *key; /* NULL: a free slot */
	uint32_t hash;
	char *addr;
	char *name; /* the most recent non-empty one, or NULL */
	int64_t last;
	double score; /* at last */
	uint32_t received, written;
};
struct store_addr_agg {
	struct store_addr_ent *v;
	size_t n, cap;
};
/* Distinct addresses a batch gathers before it writes them. */
#define STORE_ADDR_AGG_MAX 16384
void store_addr_agg_add(struct store_addr_agg *, const struct store_addr_use *,
    int64_t now);
void store_addr_agg_release(struct store_addr_agg *);
/* Writes an aggregate (left as it is): 0 or an LMDB code. */
int store_addr_agg_write(struct store *, MDB_txn *,
    const struct store_addr_agg *);
/* Records uses inside a write transaction: 0 or an LMDB code. */
int store_addr_apply(struct store *, MDB_txn *, const struct store_addr_use *,
    size_t);

/* body.c */
char *store_body_folder_dir(struct store *, const char *folder,
    uint32_t uidvalidity);
void store_body_drop_folder(struct store *, const char *folder,
    uint32_t except_uidvalidity);

#endif
