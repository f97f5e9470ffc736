/*
 * store: petrel's on-disk caches, with no network.
 *
 * The header cache keeps, per account, a summary of every message of
 * every folder the user opened: what the index screen, the sort and the
 * threading need (UID, flags, dates, size, From, To, Subject,
 * Message-ID, In-Reply-To, References, an attachment hint, MODSEQ), and
 * per folder the server's UIDVALIDITY, UIDNEXT, EXISTS and
 * HIGHESTMODSEQ.  Opening a cached folder reads it back in a few
 * milliseconds; the engine then reconciles with the server.  The body
 * cache keeps messages (or parts) already read, so they open at once and
 * offline.
 *
 * On disk, under $XDG_CACHE_HOME/petrel/<account>/:
 *
 *	headers/data.mdb, lock.mdb	one LMDB environment per account with
 *					three databases: "meta" (format
 *					version, folders, stored sort
 *					orders), "fix" (40-byte fixed part of
 *					each summary: flags, dates, size,
 *					modseq) and "str" (its strings), keyed
 *					by folder id + UIDVALIDITY + UID
 *	headers/open.lock		held (flock) while a process opens,
 *					checks or rebuilds the environment
 *	bodies/<hash>-<uidvalidity>/<uid>.<part>
 *					cached message bodies, one file each
 *
 * The fixed part and the strings live apart so that a flag change
 * rewrites 40 bytes and a warm open can read every message's flags and
 * dates without touching the strings (see store_index_load).  Records
 * are versioned, little-endian and strictly checked when read back: a
 * damaged record is skipped (the engine fetches it again), a damaged,
 * foreign or older-format cache is thrown away and rebuilt, never fatal.
 * A UIDVALIDITY change drops that folder's entries.  The header cache is
 * bounded (store_options.max_header_bytes): past it, the folders opened
 * least recently are dropped.  The body cache is bounded too: past
 * max_body_bytes, the files used least recently are removed.
 *
 *	src/store/store.c	store_open/store_free, the process-wide
 *				registry of environments, transactions,
 *				map growth, damage and rebuild
 *	src/store/record.c	the binary record formats (pure, no I/O)
 *	src/store/folder.c	folder metadata, UIDVALIDITY check, drop,
 *				eviction of least recently opened folders
 *	src/store/batch.c	the write API: batched puts, flags,
 *				expunges and metadata
 *	src/store/index.c	loading summaries into a struct store_index
 *	src/store/body.c	the body cache
 *	src/store/addr.c	the address book (completion, petrel query)
 *	src/store/private.h	what these files share
 *
 * Threads: a struct store may be shared by the account's worker thread
 * (the one writer) and reader threads; every function below may be
 * called from any thread except the UI thread, which never opens the
 * store (the engine passes indexes and bodies to it in events).  A
 * struct store_batch belongs to the one thread that began it.  A struct
 * store_index is self-contained (no pointers into the store or LMDB), so
 * it may be handed to another thread, e.g. inside an engine event.
 * Several petrel processes may use the same cache at once: LMDB
 * serialises their writers, and each process opens each environment
 * once (store_open shares it between handles).  After fork(), the child
 * must open its own stores; it must not use or free the parent's.
 *
 * Ownership: store_open returns a handle freed with store_free.
 * store_index_load returns an index freed with store_index_free;
 * strings reached through it are borrowed for the life of the index.
 * store_batch_begin returns a batch that store_batch_commit or
 * store_batch_abort frees.  store_body_get returns bytes the caller
 * frees.  Strings passed in are copied.
 *
 * Errors: every failure is PT_E_IO (a local file problem), PT_E_CONFIG
 * (an unusable account name) or PT_E_INTERNAL, with a translated
 * message.  A cache error is never a reason to stop: the engine goes on
 * without the cache (a cold open).
 */
#ifndef PETREL_STORE_H
#define PETREL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "petrel/core.h"

/* Message flags (struct store_summary.flags, struct store_msg.flags). */
#define STORE_F_SEEN      0x0001u
#define STORE_F_ANSWERED  0x0002u
#define STORE_F_FLAGGED   0x0004u
#define STORE_F_DELETED   0x0008u
#define STORE_F_DRAFT     0x0010u
#define STORE_F_RECENT    0x0020u
#define STORE_F_FORWARDED 0x0040u /* $Forwarded */
#define STORE_F_JUNK      0x0080u /* $Junk */
#define STORE_F_NOTJUNK   0x0100u /* $NotJunk */
#define STORE_F_ATTACH    0x8000u /* hint: the message has attachments */
/* Bits 16 to 31 are stored as given: the engine may map keywords there. */

/* The strings of a summary, in record order. */
enum store_field {
	STORE_FROM_NAME,   /* display name of the first From address */
	STORE_FROM_ADDR,   /* its address */
	STORE_TO,          /* the To header, decoded, for display */
	STORE_SUBJECT,     /* decoded to UTF-8 by the caller */
	STORE_MESSAGE_ID,  /* with its angle brackets */
	STORE_IN_REPLY_TO, /* ditto */
	STORE_REFERENCES,  /* message ids separated by spaces */
	STORE_NFIELDS
};

/* The longest string stored; longer ones are cut at a UTF-8 boundary. */
#define STORE_STR_MAX 65535u

/* What the engine writes for one message (strings are copied). */
struct store_msg {
	uint32_t uid;
	uint32_t flags;                 /* STORE_F_* */
	int64_t internaldate;           /* seconds since the epoch */
	int64_t date;                   /* the Date header; 0 when absent */
	uint64_t modseq;                /* 0 without CONDSTORE */
	uint32_t size;                  /* RFC822.SIZE */
	const char *str[STORE_NFIELDS]; /* UTF-8; NULL means empty */
	/*
	 * The Cc field decoded as STORE_TO, or NULL: not cached, only read
	 * by a Sent folder's batch for the address book.
	 */
	const char *cc;
};

/*
 * One message in memory: 40 bytes plus its strings in the index's
 * arena.  strings is STORE_NO_STRINGS until the strings are loaded
 * (store_index_fill); read them with store_summary_str.
 */
#define STORE_NO_STRINGS UINT32_MAX

struct store_summary {
	uint32_t uid;
	uint32_t flags;
	int64_t internaldate;
	int64_t date; /* the Date header, or internaldate when absent */
	uint64_t modseq;
	uint32_t size;
	uint32_t strings; /* offset in the arena, or STORE_NO_STRINGS */
};

/* A folder as the server last described it to the cache. */
struct store_folder_info {
	uint32_t uidvalidity; /* 0: the folder is not cached */
	uint32_t uidnext;
	uint32_t exists;
	uint64_t highestmodseq;
	uint32_t count; /* messages in the cache (read only) */
};

/*
 * A folder's cached summaries.  msgs is in ascending UID order; order
 * lists positions in msgs, newest first (by date, then UID), so the
 * first screen is order[0..rows).  The index owns every array.
 */
struct store_index {
	struct store_folder_info info;
	struct store_summary *msgs;
	size_t n;
	uint32_t *order;  /* n entries (NULL when n is 0) */
	char *arena;      /* the strings of msgs[i].strings */
	size_t arena_len; /* bytes used */
	size_t arena_cap;
	size_t nstrings;  /* messages whose strings are loaded */
	size_t skipped;   /* damaged records left out (refetch them) */
	int order_stored; /* 1: order came from the cache, 0: sorted now */
	/* Private to the store. */
	uint32_t fid;
	uint32_t gen;
};

/* Options for store_open; zero fields take the defaults. */
struct store_options {
	const char *base;        /* default $XDG_CACHE_HOME/petrel */
	size_t max_header_bytes; /* default STORE_DEFAULT_MAX_HEADER */
	size_t max_body_bytes;   /* default STORE_DEFAULT_MAX_BODY */
	size_t map_size;         /* first LMDB map size; it grows on need */
	size_t chunk;            /* operations per write transaction */
	size_t max_addresses;    /* default STORE_ADDR_MAX */
};

#define STORE_DEFAULT_MAX_HEADER ((size_t)1024 * 1024 * 1024)
#define STORE_DEFAULT_MAX_BODY   ((size_t)256 * 1024 * 1024)
#define STORE_DEFAULT_MAP_SIZE   ((size_t)256 * 1024 * 1024)
#define STORE_DEFAULT_CHUNK      2000

struct store;
struct store_batch;

/*
 * Opens (creating it if needed) the cache of an account.  The account
 * name becomes a folder name, so it may not be empty, ".", ".." or
 * contain '/'.  A damaged, foreign or older-format cache is rebuilt
 * empty here.  opt may be NULL.  Returns NULL and fills err when the
 * cache cannot be used at all (e.g. the disk is read-only); the caller
 * then works without a cache.  Free the handle with store_free.
 */
struct store *store_open(const char *account, const struct store_options *,
    struct pt_error *);

/* Closes the handle and sets *stp to NULL; accepts NULL. */
void store_free(struct store **);

/* The account's cache folder; borrowed for the life of the handle. */
const char *store_dir(const struct store *);

/*
 * Reads what the cache knows about a folder.  Returns 1 when the folder
 * is cached, 0 when it is not (info is then zeroed), -1 on error.
 */
int store_folder_info_get(struct store *, const char *folder,
    struct store_folder_info *, struct pt_error *);

/*
 * Call after each SELECT with the server's UIDVALIDITY.  When it differs
 * from the cached one, the folder's summaries, sort order and bodies are
 * dropped.  Marks the folder as used now (for eviction) and fills
 * stored (may be NULL) with what is cached afterwards: a folder just
 * dropped or new has only uidvalidity set, so the engine does a cold
 * sync.  Returns 0, or -1 on error.
 */
int store_folder_check(struct store *, const char *folder, uint32_t uidvalidity,
    struct store_folder_info *stored, struct pt_error *);

/* Forgets a folder (deleted or renamed on the server).  0 or -1. */
int store_folder_drop(struct store *, const char *folder, struct pt_error *);

/*
 * Starts a batch of changes to one folder at one UIDVALIDITY.  Changes
 * are kept in memory and written in one transaction per chunk of
 * store_options.chunk operations, so a batch does not hold LMDB's write
 * lock while the engine waits for the network.  Returns NULL on error.
 */
struct store_batch *store_batch_begin(struct store *, const char *folder,
    uint32_t uidvalidity, struct pt_error *);

/* Adds or replaces one message's summary.  0, or -1 on a write error. */
int store_batch_put(struct store_batch *, const struct store_msg *,
    struct pt_error *);

/*
 * Sets the flags (and modseq, unless 0) of a cached message; a UID the
 * cache does not know is ignored.  0 or -1.
 */
int store_batch_flags(struct store_batch *, uint32_t uid, uint32_t flags,
    uint64_t modseq, struct pt_error *);

/* Removes a message (EXPUNGE, VANISHED); unknown UIDs are ignored. */
int store_batch_expunge(struct store_batch *, uint32_t uid, struct pt_error *);

/*
 * Records the folder's UIDNEXT, EXISTS and HIGHESTMODSEQ; they are
 * written in the same transaction as the batch's last changes, at
 * commit, so the cache never claims a HIGHESTMODSEQ whose changes it
 * lacks.  info->uidvalidity and info->count are ignored.
 */
void store_batch_set_info(struct store_batch *,
    const struct store_folder_info *);

/*
 * Writes what is left, updates the stored sort order when messages came
 * or went, enforces the size bound, and frees the batch (*bp is set to
 * NULL, also on error).  Chunks written before an error stay written;
 * the folder metadata is then not updated, so the next sync redoes the
 * work.  0 or -1.
 */
int store_batch_commit(struct store_batch **, struct pt_error *);

/* Drops what the batch has not written yet, and frees it.  NULL is fine. */
void store_batch_abort(struct store_batch **);

/*
 * What store_index_load reads: STORE_LOAD_FIXED reads uid, flags, dates,
 * size and modseq of every message, and the sort order; strings are
 * then read on demand with store_index_fill (the first screen).
 * STORE_LOAD_ALL reads the strings of every message too, in one
 * sequential scan.
 */
#define STORE_LOAD_FIXED 0x0
#define STORE_LOAD_ALL   0x1

/*
 * Loads a folder's cached summaries.  An uncached folder gives an empty
 * index with info.uidvalidity 0.  Damaged records are skipped and
 * counted in skipped.  Returns NULL on error.  Free with
 * store_index_free.
 */
struct store_index *store_index_load(struct store *, const char *folder,
    unsigned how, struct pt_error *);

/*
 * Loads the strings of the messages at order[first..first+count) (count
 * is clipped to the index) that lack them: the rows a screen shows.
 * 0 or -1.
 */
int store_index_fill(struct store *, struct store_index *, size_t first,
    size_t count, struct pt_error *);

/* The message with that UID, or NULL (binary search). */
struct store_summary *store_index_find(const struct store_index *,
    uint32_t uid);

/*
 * A string of a summary, borrowed for the life of the index: "" when
 * the string is empty or not loaded.
 */
const char *store_summary_str(const struct store_index *,
    const struct store_summary *, enum store_field);

/* Frees an index and sets *ixp to NULL; accepts NULL. */
void store_index_free(struct store_index **);

/*
 * The body cache.  part names a MIME part ("1.2") or, empty or NULL, the
 * whole message; it may hold only letters, digits and dots.
 * store_body_put stores a copy (replacing any), then removes the least
 * recently used files when the cache is over its bound.  0 or -1.
 */
int store_body_put(struct store *, const char *folder, uint32_t uidvalidity,
    uint32_t uid, const char *part, const void *, size_t, struct pt_error *);

/*
 * Reads a cached body into a new NUL-terminated buffer (*datap, freed by
 * the caller; *lenp its length without the NUL) and marks it used.
 * Returns 1 when found, 0 when not cached, -1 on error.
 */
int store_body_get(struct store *, const char *folder, uint32_t uidvalidity,
    uint32_t uid, const char *part, char **datap, size_t *lenp,
    struct pt_error *);

/*
 * Removes the least recently used bodies until the cache holds at most
 * max bytes (max 0: empties it).  0 or -1.
 */
int store_body_evict(struct store *, size_t max, struct pt_error *);

/* Bytes the body cache holds now (a scan of its folder). */
size_t store_body_size(struct store *);

/*
 * ---- address book (begin) ---------------------------------------------
 *
 * Every address the account sees, for completion and petrel query: the
 * From of each message new to the header cache (store_batch_put: a
 * batch sums its uses per address in memory and writes them in its
 * chunks' transactions, every 16,384 addresses and at commit, so a sync
 * of 100,000 messages writes each address a few times at most), the To
 * and Cc of each message of the Sent folder (store_batch_set_sent) and the
 * recipients of each message petrel sends (store_addr_add).  A message
 * stored again (a warm sync, a refetch) does not count twice.  An entry is one
 * address, merged case-insensitively, with the most recent non-empty display
 * name, the times it was used and a frecency rank: a use weighs 1 when the
 * address wrote to the user and 4 when the user wrote to it, and it
 * halves every STORE_ADDR_HALF_LIFE seconds.  Only addresses that pass
 * mime_addr_check and hold no control character are kept, so what
 * completion offers can be sent to.  At most store_options.max_addresses
 * entries (STORE_ADDR_MAX): past it, the least useful tenth is dropped.  A use
 * "when" 0, or in the future, counts as now.
 */
#define STORE_ADDR_MAX       50000
#define STORE_ADDR_HALF_LIFE (90.0 * 24 * 3600)

enum store_addr_kind {
	STORE_ADDR_FROM, /* the address wrote to the user */
	STORE_ADDR_TO    /* the user wrote to the address */
};

/* One use of an address (strings borrowed for the call). */
struct store_addr_use {
	const char *addr;
	const char *name; /* UTF-8 display name, or NULL/"" */
	int64_t when;     /* seconds since the epoch */
	enum store_addr_kind kind;
};

/* Records uses in one write transaction.  0 or -1. */
int store_addr_add(struct store *, const struct store_addr_use *, size_t,
    struct pt_error *);

/* An entry as store_addr_query returns it (the caller owns it). */
struct store_addr {
	char *addr;
	char *name; /* "" when none is known */
	uint32_t received, written;
	int64_t last;
	double rank; /* higher first */
};

/*
 * The entries matching query, best first, at most max (0: all): each
 * word of the query (case-insensitive, UTF-8) must start a word of the
 * name or appear in the address; an empty query matches everything.
 * Damaged entries are skipped, then removed.  Free the list with
 * store_addr_list_free.  0 or -1.
 */
int store_addr_query(struct store *, const char *query, size_t max,
    struct store_addr **, size_t *, struct pt_error *);
void store_addr_list_free(struct store_addr **, size_t);

/*
 * Marks a batch as the Sent folder's: for its new messages, the To and
 * Cc addresses (store_msg.cc) are recorded as written to (instead of
 * the From).
 */
void store_batch_set_sent(struct store_batch *);

/* ---- address book (end) ---- */

/*
 * ---- send: outbox and attachments (begin) ---------------------------
 *
 *	src/store/outbox.c	messages waiting to be sent, crash-safe
 *	src/store/attach.c	files to attach: bytes and media type
 *
 * The outbox keeps each message in $XDG_DATA_HOME/petrel/<account>/
 * outbox/ as one file named <id>.<state>.  It is written and fsynced
 * (file and folder) before any SMTP conversation, and every change of
 * state is a rename followed by an fsync of the folder, so a crash, a
 * kill -9 or a power cut leaves each message in a state that says what
 * to do next:
 *
 *	queued    waiting, or a failed attempt (the reason is in status)
 *	sending   a petrel is sending it (it holds a lock on the file);
 *		  found without its lock after a crash, it goes back to
 *		  queued: the end of DATA had not been sent
 *	unsure    the whole message went out but the server's answer
 *		  never came: it may have been delivered, so it is only
 *		  sent again when the user insists (STORE_OUTBOX_FORCE)
 *	accepted  the server said 250 after DATA: it is never sent again;
 *		  only the copy to the Sent folder is left to do
 *	copying   as accepted, and the copy to Sent was started: it may
 *		  be there already, so the next attempt looks for its
 *		  Message-ID in Sent before storing another copy
 *
 * A message leaves the outbox (store_outbox_done) only after the
 * server accepted it and its Sent copy is stored.  Several processes
 * may share an outbox: each message is locked (flock) by the one that
 * claimed it.  Threads: a handle and a claimed message belong to one
 * thread at a time.
 */

/* Ids are "<UTC time>-<random>": letters, digits and '-'. */
#define STORE_OUTBOX_ID_MAX 48

enum store_outbox_state {
	STORE_OUTBOX_QUEUED,
	STORE_OUTBOX_SENDING,
	STORE_OUTBOX_UNSURE,
	STORE_OUTBOX_ACCEPTED,
	STORE_OUTBOX_COPYING
};

/* The envelope of a message (strings owned by whoever holds it). */
struct store_outbox_env {
	char *from;
	char **rcpt;
	size_t nrcpt;
	char *fcc; /* the folder for the copy, or NULL: the Sent folder */
};

void store_outbox_env_release(struct store_outbox_env *);

struct store_outbox;
struct store_outbox_msg;

/*
 * Opens (creating it, mode 0700) the outbox of an account under base
 * (NULL: $XDG_DATA_HOME/petrel).  Free it with store_outbox_free.
 */
struct store_outbox *store_outbox_open(const char *account, const char *base,
    struct pt_error *);
void store_outbox_free(struct store_outbox **);
/* Borrowed for the life of the handle. */
const char *store_outbox_dir(const struct store_outbox *);

/*
 * Stores a message (CRLF lines, exactly as it will be sent) with its
 * envelope, durably, as queued, and writes its id.  0 or -1 (PT_E_IO).
 */
int store_outbox_add(struct store_outbox *, const struct store_outbox_env *,
    const char *, size_t, char id[STORE_OUTBOX_ID_MAX], struct pt_error *);

/* One message as store_outbox_list sees it. */
struct store_outbox_entry {
	char id[STORE_OUTBOX_ID_MAX];
	enum store_outbox_state state;
	int locked;  /* another process is working on it now */
	int damaged; /* the file cannot be read as an outbox file */
	size_t size;
	int64_t mtime; /* when its state last changed */
	struct store_outbox_env env;
	char *subject; /* decoded, or NULL */
	char *status;  /* the last attempt's outcome, or NULL */
};

/*
 * Every message, oldest first.  Crash residue is repaired on the way:
 * a sending message that no process holds goes back to queued, and
 * half-written files are removed.  Free with store_outbox_list_free.
 */
int store_outbox_list(struct store_outbox *, struct store_outbox_entry **,
    size_t *, struct pt_error *);
void store_outbox_list_free(struct store_outbox_entry **, size_t);
/* How many messages wait (after the same repairs); 0 on error. */
size_t store_outbox_count(struct store_outbox *);
/* "queued", "sending", "unsure", "accepted" or "copying". */
const char *store_outbox_state_name(enum store_outbox_state);

/*
 * Claims a message: locks it and reads it.  A queued one (or unsure,
 * with STORE_OUTBOX_FORCE) becomes sending; an accepted or copying one
 * stays as it is (only its Sent copy is left).  Fails with PT_E_REFUSED when
 * another process holds it or when it is unsure without the flag, and
 * PT_E_CONFIG when there is no such message.  The claim ends with
 * store_outbox_done (sent and copied: removed) or store_outbox_release
 * (a sending message goes back to queued; any other stays as it is).
 */
#define STORE_OUTBOX_FORCE 0x1

int store_outbox_claim(struct store_outbox *, const char *, unsigned,
    struct store_outbox_msg **, struct pt_error *);
/* Durably moves a claimed message to a state (rename + fsync). */
int store_outbox_mark(struct store_outbox_msg *, enum store_outbox_state,
    struct pt_error *);
int store_outbox_done(struct store_outbox_msg **, struct pt_error *);
void store_outbox_release(struct store_outbox_msg **);
/* Borrowed views of a claimed message, valid until done/release. */
const struct store_outbox_env *store_outbox_msg_env(
    const struct store_outbox_msg *);
const char *store_outbox_msg_data(const struct store_outbox_msg *, size_t *);
const char *store_outbox_msg_id(const struct store_outbox_msg *);
enum store_outbox_state store_outbox_msg_state(const struct store_outbox_msg *);

/* Sets (text NULL: clears) the status note of a message. */
int store_outbox_note(struct store_outbox *, const char *, const char *,
    struct pt_error *);
/* Removes a message that no process holds, whatever its state. */
int store_outbox_discard(struct store_outbox *, const char *,
    struct pt_error *);

/* size-1 random letters and digits and a NUL (getrandom). */
void store_nonce(char *, size_t);
/*
 * Tests only: when $PETREL_TEST_CRASH equals name, the process kills
 * itself with SIGKILL right there (a crash at a chosen step).
 */
void store_outbox_crashpoint(const char *);

/*
 * A file to attach: its bytes (at most max), the last part of its path
 * as the name, and its media type from libmagic, or from the file name
 * when libmagic is unsure or missing.  PT_E_IO names the file.
 */
struct store_attachment {
	char *name;
	char *type;
	char *data; /* NULL after store_attach_open */
	size_t len;
	int fd; /* store_attach_open: the open file, else -1 */
};

int store_attach_read(const char *path, size_t max, struct store_attachment *,
    struct pt_error *);
/*
 * The same without reading the whole file: it is typed from its first
 * megabyte and left open for store_attach_chunk (len is its size).
 */
int store_attach_open(const char *path, size_t max, struct store_attachment *,
    struct pt_error *);
/* Reads the next bytes of an opened attachment (a mime read callback). */
long store_attach_chunk(void *, void *, size_t);
void store_attach_release(struct store_attachment *);

/* ---- send: outbox and attachments (end) ---- */

/*
 * ---- engine: changes waiting for the server (begin) ----
 *
 *	src/store/queue.c	the offline queue, crash-safe
 *
 * Changes made while an account is offline (the engine's write jobs,
 * encoded by the engine: the records are opaque here) wait in
 * <dir>/queue/ (dir is the account's data folder,
 * $XDG_DATA_HOME/petrel/<account>: not the cache, which people delete),
 * one fsynced file per change, named by an increasing sequence number,
 * until the engine applied them.  store_queue_open locks the folder
 * (flock) for the life of the handle: a second process of the same
 * account gets NULL with PT_E_IO.  With old (the folder that held
 * queue/ before: store_dir of the account's cache), records found in
 * old/queue/ are moved to the end of the queue, in order, and
 * old/queue/ is removed (what cannot be moved stays, logged).  One
 * thread at a time.
 */
struct store_queue;

struct store_queue *store_queue_open(const char *dir, const char *old,
    struct pt_error *);
void store_queue_free(struct store_queue **);
/*
 * Writes a record durably: seq 0 makes a new one (its number goes to
 * *seqp, which may be NULL), else replaces record seq.
 */
int store_queue_put(struct store_queue *, uint64_t seq, const void *, size_t,
    uint64_t *seqp, struct pt_error *);
/* Removes record seq (durably); a missing record is fine. */
int store_queue_remove(struct store_queue *, uint64_t, struct pt_error *);
/* The records' numbers, ascending (*seqsp freed by the caller). */
int store_queue_list(struct store_queue *, uint64_t **seqsp, size_t *np,
    struct pt_error *);
/* A record's bytes (NUL-terminated, freed by the caller), or NULL. */
char *store_queue_read(struct store_queue *, uint64_t, size_t *,
    struct pt_error *);
/* The queue folder (borrowed for the life of the handle). */
const char *store_queue_dir(const struct store_queue *);

/* ---- engine: changes waiting for the server (end) ---- */

#endif
