/*
 * engine: the account workers between the UI and the mail servers.
 *
 * The UI thread never waits on the network.  It builds jobs (open a
 * folder, fetch a message, set flags, ...) and hands them to the engine
 * with eng_submit; one worker thread per account runs them on that
 * account's IMAP connection and answers with events, which the UI takes
 * with eng_event_next whenever the wakeup fd (eng_wakeup_fd) is
 * readable.  While a folder is open, a second connection of the
 * account (its own thread) EXAMINEs it and IDLEs on it (or polls with
 * NOOP), so that new, changed and expunged messages are reported as
 * unsolicited events even while a long job holds the command connection;
 * where the server refuses a second connection, the worker IDLEs on the
 * command connection between jobs instead, and the second connection
 * is tried again after 10 minutes, then after longer pauses (up to an
 * hour, at once when the server named its connection limit).
 *
 *	src/engine/engine.c	struct eng, queues, wakeup fd, start/stop
 *	src/engine/job.c	jobs and events: constructors and freeing
 *	src/engine/worker.c	the account worker: connect, login,
 *				reconnect with backoff, IDLE, dispatch
 *	src/engine/folder.c	folder list, STATUS, create/rename/...
 *	src/engine/sync.c	opening a folder: cache, cold fetch,
 *				reconcile (CONDSTORE/QRESYNC or FLAGS)
 *	src/engine/ops.c	flags, copy, move, expunge, append,
 *				search, fetch message/part
 *	src/engine/send.c	the outgoing path: draft -> outbox ->
 *				SMTP -> Sent (sender threads), postpone
 *				to Drafts, drafts back from messages
 *	src/engine/replay.c	the offline queue: changes kept on disk
 *				until the server has them, replayed once
 *	src/engine/watch.c	the IDLE connection of the open folder
 *	src/engine/addr.c	address book lookups, on a reader thread
 *	src/engine/private.h	what these files share
 *
 * The protocol (imap/), the transport (net/) and the header cache
 * (store/) are invisible from here: every type the UI needs is in this
 * header, in core.h or in mime.h.
 *
 * Jobs.  Each job produces zero or more PROGRESS events (at most 10 a
 * second) and other events of its kind, then exactly one final DONE or
 * FAILED event carrying its id.  Jobs of one account run in the order
 * submitted, except that the background part of opening a large folder
 * (streaming the older headers) lets other jobs of the account run
 * between its chunks, so that a message can be read while the index is
 * still loading.  Folder names in jobs and events are UTF-8 as the UI
 * shows them (the engine does modified UTF-7 itself).
 *
 * Connections.  A worker connects when its first job arrives (or on
 * ENG_JOB_CONNECT), logs in with the password from the configuration or
 * password_command, else asks the UI with ENG_EV_NEED_PASSWORD and
 * waits for eng_password.  A rejected password asks again; it is never
 * retried by itself.  A certificate that fails verification raises
 * ENG_EV_CERT and waits for eng_trust_cert.  A connection that drops (or
 * a job that was cancelled in the middle of a command) is discarded and
 * a new one is made with backoff (ENG_EV_CONN says "reconnecting in N
 * s"); the open folder is then resynchronised.  Jobs that change
 * messages or folders (flags, copy, move, expunge, append, create,
 * rename, delete, subscribe) wait in the queue while the account is
 * offline and run once it is back; jobs that only read (folders,
 * status, search, fetch of a message not in the body cache) fail at
 * once with PT_E_NET while it is offline.  Opening a folder while
 * offline shows the cached index and fails with PT_E_NET afterwards.
 *
 * Offline queue.  With a cache, every change (a write job) is also
 * written to disk (store_queue, in the data folder,
 * $XDG_DATA_HOME/petrel/<account>/queue/, next to the outbox, not in the
 * cache people delete; a queue an older petrel left in the cache is
 * moved there) before it is sent, and removed once the server has it, so
 * changes made offline survive quitting petrel: the next run replays
 * them first, in order, with new job ids (their DONE or FAILED events
 * carry ids the UI never saw).  A change that may have reached the
 * server before the connection dropped is checked before it is sent
 * again, so that none is applied twice: a MOVE moves only the UIDs still
 * in the source, a COPY or APPEND skips messages whose Message-ID is
 * already in the target.  A change whose folder got a new UIDVALIDITY
 * fails (and is dropped) with a message.  ENG_EV_PENDING says how many
 * changes wait (sent when the count changes).
 *
 * Threads: every function here is for the UI thread (or any single
 * thread that owns the struct eng); eng_submit, eng_cancel,
 * eng_password and eng_trust_cert may also be called from other
 * threads.  The engine never calls the UI.
 *
 * Ownership:
 *   - eng_new borrows the struct cfg: it must outlive the engine.
 *   - A job belongs to its creator until eng_submit, and to the engine
 *     afterwards (also when eng_submit fails).  Every pointer field of a
 *     job is owned by the job: set it with pt_xstrdup/pt_xmalloc (or the
 *     eng_job_set_* helpers), never to borrowed memory; eng_job_free
 *     frees them.
 *   - An event returned by eng_event_next belongs to the UI, which frees
 *     it with eng_event_free; everything it points to is freed with it.
 *     To keep a part of it (an index batch, a body, a folder list), move
 *     the pointer out and set the event's field to NULL before calling
 *     eng_event_free; the UI then frees it with the matching
 *     eng_*_free below.
 *   - Strings in events come from the server: they are valid UTF-8 (bad
 *     bytes replaced) but may contain control characters.  Pass them
 *     through pt_sanitize_line before they reach the screen.
 */
#ifndef PETREL_ENGINE_H
#define PETREL_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/mime.h"

struct net_cancel;

/*
 * Message flags (struct eng_msg.flags, job flags_add/flags_remove).
 * ENG_F_ATTACH is a hint computed by the engine, never sent.
 */
#define ENG_F_SEEN      0x0001u
#define ENG_F_ANSWERED  0x0002u
#define ENG_F_FLAGGED   0x0004u
#define ENG_F_DELETED   0x0008u
#define ENG_F_DRAFT     0x0010u
#define ENG_F_RECENT    0x0020u /* read only */
#define ENG_F_FORWARDED 0x0040u /* $Forwarded */
#define ENG_F_JUNK      0x0080u /* $Junk */
#define ENG_F_NOTJUNK   0x0100u /* $NotJunk */
#define ENG_F_ATTACH    0x8000u /* hint: multipart/mixed or similar */

/* The strings of a message summary. */
enum eng_field {
	ENG_FROM_NAME,   /* display name of the first From address, decoded */
	ENG_FROM_ADDR,   /* its address ("" when none) */
	ENG_TO,          /* the To field, decoded, for display */
	ENG_SUBJECT,     /* decoded (RFC 2047), unfolded */
	ENG_MESSAGE_ID,  /* "<id@host>" */
	ENG_IN_REPLY_TO, /* "<id@host>" or "" */
	ENG_REFERENCES,  /* message ids separated by single spaces */
	ENG_NFIELDS
};

/*
 * One message of an index: 56 bytes; its strings live in the arena of
 * the struct eng_index that carries it (str[f] is an offset into it; 0
 * is always the empty string).
 */
struct eng_msg {
	uint32_t uid;
	uint32_t flags;       /* ENG_F_* */
	int64_t date;         /* Date header, else internaldate (UTC s) */
	int64_t internaldate; /* arrival on the server (UTC s) */
	uint32_t size;        /* RFC822.SIZE */
	uint32_t str[ENG_NFIELDS];
};

/*
 * A batch of message summaries of one folder.
 *
 * Opening a folder sends one or more batches: the first has reset set
 * (forget what you hold for this folder, e.g. another UIDVALIDITY),
 * the last has complete set (you now hold every message the engine
 * knows of).  The first batch holds the newest messages, at least the
 * rows the job asked for, so the screen can be drawn from it; later
 * batches go on newest first.  A batch without reset adds messages or
 * replaces those with the same UID (new mail arrives that way too).
 * Within a batch the order is unspecified.
 */
struct eng_index {
	uint32_t uidvalidity;
	int reset;
	int complete;
	int from_cache; /* these summaries came from the header cache */
	size_t total;   /* messages in the folder as far as known */
	struct eng_msg *msgs;
	size_t n;
	char *arena; /* arena[0] == '\0' */
	size_t arena_len;
};

/* A string of a message of ix (borrowed for the life of ix). */
static inline const char *
eng_msg_str(const struct eng_index *ix, const struct eng_msg *m,
    enum eng_field f)
{
	return ix->arena + m->str[f];
}

void eng_index_free(struct eng_index **);

/* Folders. */

enum eng_role {
	ENG_ROLE_NONE,
	ENG_ROLE_INBOX,
	ENG_ROLE_SENT,
	ENG_ROLE_DRAFTS,
	ENG_ROLE_TRASH,
	ENG_ROLE_JUNK,
	ENG_ROLE_ARCHIVE,
	ENG_ROLE_ALL,
	ENG_ROLE_FLAGGED
};

#define ENG_FOLDER_NOSELECT    0x01 /* a name in the hierarchy only */
#define ENG_FOLDER_NOINFERIORS 0x02
#define ENG_FOLDER_HASCHILDREN 0x04
#define ENG_FOLDER_SUBSCRIBED  0x08

struct eng_folder {
	char *name;         /* UTF-8 full name, e.g. "Archive/2024": the key */
	char delim;         /* hierarchy delimiter, '\0' when flat */
	enum eng_role role; /* from SPECIAL-USE, else from a known name */
	unsigned attrs;     /* ENG_FOLDER_* */
	int64_t messages;   /* -1 until STATUS came (ENG_EV_FOLDER_STATUS) */
	int64_t unseen;     /* -1 until STATUS came */
};

/* Every folder of an account, sorted (INBOX first, then by name). */
struct eng_folder_list {
	struct eng_folder *v;
	size_t n;
};

void eng_folder_list_free(struct eng_folder_list **);

/* STATUS of one folder. */
struct eng_status {
	int64_t messages;
	int64_t unseen;
	int64_t recent;
	uint32_t uidnext;
	uint32_t uidvalidity;
};

/* Changed flags: the new full flags of each UID. */
struct eng_flag_change {
	uint32_t uid;
	uint32_t flags;
};

/*
 * A message or one part of it.  Either data holds the bytes (NUL-
 * terminated, len without the NUL) or, when the job gave a path, the
 * bytes were written to that file and data is NULL.  part is "" for the
 * whole message.  For a part, the bytes are as the server sends them
 * (transfer encoding not undone; see mime.h).
 */
struct eng_body {
	uint32_t uid;
	char *part;
	char *data;
	size_t len;
	char *path;
	int from_cache; /* read from the body cache, not the server */
};

void eng_body_free(struct eng_body **);

/*
 * A message's MIME structure from BODYSTRUCTURE, depth first: enough
 * to list attachments, to render the message from the parts fetched
 * (mime.h, struct mime_skel_part: the fields below map one to one) and
 * to fetch one part without the whole message.  A message/rfc822 part
 * is followed by its enclosed message (msgroot, one level deeper).
 * header is the part's header block (the message's HEADER for the
 * first, section.MIME for a part, the message part's section.HEADER for
 * an enclosed message); body is a small leaf's body, fetched with the
 * structure (still transfer-encoded).  Either is NULL when the server
 * gave none; both are NULL for messages of over MIME_SKEL_MAX_PARTS
 * parts.  Strings come from the server: filename is sanitized, the
 * others are not.  With or_body set, ENG_JOB_STRUCTURE answers with the
 * whole message (ENG_EV_BODY, as ENG_JOB_FETCH would) instead when that
 * is in the body cache, or when the server's BODYSTRUCTURE cannot be
 * parsed.  It sets flags_add like ENG_JOB_FETCH.  The structure is
 * cached too (with the headers and small bodies), so a message read
 * once opens offline.
 */
struct eng_part {
	char *section;  /* "1.2" ("1" for a single-part message) */
	char *type;     /* "text/plain", lower case */
	char *charset;  /* or NULL */
	char *encoding; /* "base64", "quoted-printable", ... lower case */
	char *filename; /* decoded (RFC 2231/2047), or NULL */
	uint32_t size;  /* encoded bytes */
	int depth;      /* 0 for the top part */
	int attachment; /* Content-Disposition: attachment */
	int msgroot;    /* the message enclosed in the part before it */
	char *header;   /* or NULL */
	size_t headerlen;
	char *body; /* or NULL */
	size_t bodylen;
	uint32_t decoded; /* a base64 leaf without body: decoded size, or 0 */
};

struct eng_structure {
	uint32_t uid;
	struct eng_part *v;
	size_t n;
	int from_cache; /* read from the body cache, not the server */
};

void eng_structure_free(struct eng_structure **);

/*
 * The message rebuilt from the structure and the bodies it holds
 * (mime_skeleton_parse), or NULL with err set (PT_E_PROTO) when the
 * structure does not allow it: then fetch the whole message.  The
 * result borrows nothing from st.
 */
struct mime_msg *eng_structure_parse(const struct eng_structure *,
    struct pt_error *);
/*
 * Gives the leaf at section its fetched body (data, len; taken, and
 * freed when it is not one of st's leaves).  0, or -1 when none.
 */
int eng_structure_set_body(struct eng_structure *, const char *, char *,
    size_t);

/* The certificate a server showed, for the trust dialog. */
#define ENG_CERT_UNTRUSTED     0x01 /* unknown issuer */
#define ENG_CERT_SELF_SIGNED   0x02
#define ENG_CERT_EXPIRED       0x04
#define ENG_CERT_NOT_YET_VALID 0x08
#define ENG_CERT_WRONG_HOST    0x10
#define ENG_CERT_REVOKED       0x20
#define ENG_CERT_INSECURE      0x40
#define ENG_CERT_OTHER         0x80
#define ENG_CERT_PIN_MISMATCH  0x100 /* it changed since it was pinned */

struct eng_cert {
	char host[256];
	int port;
	unsigned problems; /* ENG_CERT_* */
	char reason[256];  /* translated, plain words */
	char subject[256]; /* RFC 4514 distinguished names */
	char issuer[256];
	char not_before[32]; /* "2025-01-31 12:00 UTC" */
	char not_after[32];
	char sha256[72]; /* "sha256:<64 hex>" */
};

enum eng_trust {
	ENG_TRUST_REJECT, /* stay offline; jobs fail with PT_E_TLS */
	ENG_TRUST_ONCE,   /* accept this certificate until petrel exits */
	ENG_TRUST_ALWAYS  /* also store it as the account's pin in the config */
};

/* Connection state of an account (ENG_EV_CONN). */
enum eng_conn {
	ENG_CONN_OFFLINE,      /* not connected and not trying */
	ENG_CONN_CONNECTING,   /* connecting or logging in */
	ENG_CONN_CONNECTED,    /* logged in */
	ENG_CONN_RECONNECTING, /* lost; retrying in retry_in seconds */
	ENG_CONN_WAITING       /* waiting for a password or a trust choice */
};

/* Jobs. */

enum eng_job_kind {
	ENG_JOB_CONNECT,     /* connect and log in now */
	ENG_JOB_FOLDERS,     /* FOLDERS, then FOLDER_STATUS for each */
	ENG_JOB_STATUS,      /* folder: FOLDER_STATUS */
	ENG_JOB_OPEN,        /* folder, rows: INDEX batches, FLAGS, ... */
	ENG_JOB_CLOSE,       /* leave the open folder (no more IDLE) */
	ENG_JOB_CHECK,       /* look for new mail in the open folder now */
	ENG_JOB_FETCH,       /* folder, uid, part, path, decode: BODY */
	ENG_JOB_STRUCTURE,   /* folder, uid: STRUCTURE (see eng_part) */
	ENG_JOB_FLAGS,       /* folder, uids, flags_add/remove: FLAGS */
	ENG_JOB_COPY,        /* folder, uids, target */
	ENG_JOB_MOVE,        /* folder, uids, target: EXPUNGED */
	ENG_JOB_EXPUNGE,     /* folder, uids (none: all \Deleted): EXPUNGED */
	ENG_JOB_APPEND,      /* folder, data, flags_add, date */
	ENG_JOB_SEARCH,      /* folder, search: SEARCH */
	ENG_JOB_CREATE,      /* folder */
	ENG_JOB_RENAME,      /* folder, target */
	ENG_JOB_DELETE,      /* folder */
	ENG_JOB_SUBSCRIBE,   /* folder */
	ENG_JOB_UNSUBSCRIBE, /* folder */
	ENG_JOB_SEND,        /* path or target, send_flags: PROGRESS, u.send */
	ENG_JOB_POSTPONE,    /* path: DONE (u.done.uid) */
	ENG_JOB_SUMMARIES,   /* folder, uids: one INDEX for any folder */
	ENG_JOB_ADDRESSES,   /* search.text, rows: ADDRESSES (offline too) */
	ENG_JOB_NKINDS
};

/* Where ENG_JOB_SEARCH looks for text (bits of eng_search.where). */
#define ENG_SEARCH_FROM    0x01
#define ENG_SEARCH_TO      0x02
#define ENG_SEARCH_CC      0x04
#define ENG_SEARCH_SUBJECT 0x08
#define ENG_SEARCH_BODY    0x10
#define ENG_SEARCH_TEXT    0x20 /* headers and body */

/*
 * A server-side search: messages whose fields in where contain text
 * (any of them), with all of with_flags and none of without_flags,
 * and a date in [since, before) when those are not 0.  text may be
 * NULL (flags and dates only); it is UTF-8 and may not contain CR, LF
 * or NUL.
 */
struct eng_search {
	unsigned where;
	char *text;
	uint32_t with_flags;
	uint32_t without_flags;
	int64_t since;
	int64_t before;
};

struct eng_job {
	enum eng_job_kind kind;
	size_t account; /* index in the configuration (cfg_account_at) */
	char *folder;   /* UTF-8 folder name */
	char *target;   /* copy/move destination, rename's new name */
	uint32_t uid;   /* FETCH, STRUCTURE */
	uint32_t *uids; /* FLAGS, COPY, MOVE, EXPUNGE, SUMMARIES */
	size_t nuids;
	/*
	 * When not 0, the UIDs belong to this UIDVALIDITY: the job fails
	 * instead of touching other messages if the folder changed.
	 */
	uint32_t uidvalidity;
	uint32_t flags_add;    /* FLAGS; APPEND's flags; FETCH: set after */
	uint32_t flags_remove; /* FLAGS */
	char *part;            /* FETCH: "1.2", or NULL for the message */
	char *path;            /* FETCH: write the bytes here (mode 0600) */
	/*
	 * FETCH with path: undo this transfer encoding ("base64",
	 * "quoted-printable") on the way to the file, so that a part of
	 * any size is saved decoded without being held in memory; the
	 * body's len is then the decoded size.  NULL: bytes as sent.
	 */
	char *decode;
	int or_body;  /* STRUCTURE: or the whole message (see eng_part) */
	size_t rows;  /* OPEN: rows of the first batch (0: 50) */
	char *data;   /* APPEND: the message (CRLF lines) */
	size_t len;   /* FETCH: bytes expected, for PROGRESS */
	int64_t date; /* APPEND: internal date, 0 for now */
	struct eng_search search;
	unsigned send_flags; /* SEND: ENG_SEND_* */
};

/* A zeroed job of that kind for that account. */
struct eng_job *eng_job_new(enum eng_job_kind, size_t account);
/* Frees a job that was not submitted; NULL is fine. */
void eng_job_free(struct eng_job **);
/* Helpers that copy into the job (replacing what was there). */
void eng_job_set_folder(struct eng_job *, const char *);
void eng_job_set_target(struct eng_job *, const char *);
void eng_job_set_uids(struct eng_job *, const uint32_t *, size_t);
void eng_job_set_data(struct eng_job *, const void *, size_t);
/* "open", "fetch", ... (untranslated, for logs and tests). */
const char *eng_job_kind_name(enum eng_job_kind);

/*
 * The answer to ENG_JOB_ADDRESSES: the account's address book (built
 * from the header cache, the Sent folder and sent messages; see
 * store.h) entries matching search.text, best first, at most rows (0:
 * 50).  It reads only the cache, so it works offline; without a cache
 * the list is empty.  It runs on the engine's reader thread, not in the
 * account's queue: it never waits behind a sync or a connection.
 * Every address passes mime_addr_check; names are from mail (sanitize
 * before drawing).
 */
struct eng_addr {
	char *addr;
	char *name; /* "" when none is known */
};

struct eng_addr_list {
	struct eng_addr *v;
	size_t n;
};

void eng_addr_list_free(struct eng_addr_list **);

/* Events. */

enum eng_event_kind {
	ENG_EV_PROGRESS,      /* progress */
	ENG_EV_DONE,          /* done: the job succeeded (final) */
	ENG_EV_FAILED,        /* err: the job failed (final) */
	ENG_EV_CONN,          /* conn, retry_in, err (why it was lost) */
	ENG_EV_NEED_PASSWORD, /* err: why (empty, or the server's refusal) */
	ENG_EV_CERT,          /* cert: answer with eng_trust_cert */
	ENG_EV_ALERT,         /* text: an [ALERT] the user must see */
	ENG_EV_FOLDERS,       /* folders */
	ENG_EV_FOLDER_STATUS, /* folder, status */
	ENG_EV_INDEX,         /* folder, index */
	ENG_EV_FLAGS,         /* folder, uidvalidity, flags */
	ENG_EV_EXPUNGED,      /* folder, uidvalidity, uids */
	ENG_EV_NEW_MAIL,      /* folder, count (summaries came as INDEX) */
	ENG_EV_BODY,          /* folder, body */
	ENG_EV_STRUCTURE,     /* folder, structure */
	ENG_EV_SEARCH,        /* folder, uidvalidity, uids */
	ENG_EV_PENDING,       /* count: changes waiting for the server */
	ENG_EV_ADDRESSES,     /* addrs */
	ENG_EV_NKINDS
};

enum eng_unit { ENG_UNIT_MESSAGES, ENG_UNIT_BYTES };

struct eng_event {
	enum eng_event_kind kind;
	uint64_t job_id; /* 0: not caused by a job (IDLE, reconnect) */
	enum eng_job_kind job_kind; /* of job_id's job */
	size_t account;
	char *folder;         /* UTF-8, or NULL */
	uint32_t uidvalidity; /* of folder, when it matters */
	struct pt_error err;  /* FAILED, CONN, NEED_PASSWORD */
	union {
		struct {
			uint64_t done;
			uint64_t total; /* 0: unknown */
			enum eng_unit unit;
		} progress;
		struct {
			uint32_t uid; /* APPENDUID/COPYUID's first UID, or 0 */
		} done;
		struct {
			enum eng_conn state;
			int retry_in; /* seconds, for RECONNECTING */
		} conn;
		struct eng_cert *cert;
		char *text;                      /* ALERT */
		struct eng_folder_list *folders; /* FOLDERS */
		struct eng_status status;        /* FOLDER_STATUS */
		struct eng_index *index;         /* INDEX */
		struct {
			struct eng_flag_change *v;
			size_t n;
		} flags; /* FLAGS */
		struct {
			uint32_t *v; /* ascending */
			size_t n;
		} uids;                          /* EXPUNGED, SEARCH */
		size_t count;                    /* NEW_MAIL, PENDING */
		struct eng_body *body;           /* BODY */
		struct eng_structure *structure; /* STRUCTURE */
		struct {
			char *outbox_id;  /* or NULL: it never got there */
			char *refused;    /* "addr (server: 550 ...)" lines */
			size_t naccepted; /* recipients the server took */
			int unsure; /* FAILED: it may have been delivered */
			int copied; /* DONE: 0 when the Sent copy failed
				       (err says why; it waits in the
				       outbox for the copy only) */
		} send;             /* DONE and FAILED of ENG_JOB_SEND */
		struct eng_addr_list *addrs; /* ADDRESSES */
	} u;
};

void eng_event_free(struct eng_event **);
/* "progress", "index", ... (untranslated, for logs and tests). */
const char *eng_event_kind_name(enum eng_event_kind);

/* The engine. */

struct eng_options {
	const char *cache_dir; /* NULL: $XDG_CACHE_HOME/petrel */
	int no_cache;          /* 1: no header or body cache at all */
	int no_idle;           /* 1: poll with NOOP even if IDLE is offered */
	int poll_seconds;      /* NOOP polling period (0: 60) */
	int backoff_min_ms;    /* first reconnect delay (0: 1000) */
	int backoff_max_ms;    /* longest reconnect delay (0: 60000) */
};

struct eng;

/*
 * Starts one worker per account of cfg (they stay idle until a job
 * comes).  opt may be NULL.  Returns NULL with err set when threads or
 * the wakeup fd cannot be made.  Call it after the process ignores
 * SIGPIPE; the workers block every asynchronous signal.
 */
struct eng *eng_new(const struct cfg *, const struct eng_options *,
    struct pt_error *);

/*
 * Stops the workers: asks each to quit, waits up to about two seconds,
 * cancels their connections, and joins them.  Unread events are freed.
 * Sets *ep to NULL; NULL is fine.
 */
void eng_free(struct eng **);

/*
 * The fd the UI polls for POLLIN: readable while events are waiting.
 * Borrowed for the life of the engine.  After it turned readable, call
 * eng_event_next until it returns NULL.
 */
int eng_wakeup_fd(const struct eng *);

/* The next event, or NULL when there is none now.  Never blocks. */
struct eng_event *eng_event_next(struct eng *);

/*
 * Queues a job and takes ownership of it.  Returns its id (> 0), or 0
 * when the job is invalid (bad account, missing folder, a name or text
 * with CR/LF/NUL, ...): then no event will come and err says why.
 */
uint64_t eng_submit(struct eng *, struct eng_job *, struct pt_error *);

/*
 * Cancels a job: a queued job is dropped, a running one is stopped at
 * its next step or, when it is waiting for the server, by closing the
 * connection (which is then re-made).  Its final event is FAILED with
 * PT_E_CANCELLED (or DONE if it finished first).  Returns 0, or -1 when
 * no such job is queued or running.
 */
int eng_cancel(struct eng *, uint64_t);

/*
 * Answers ENG_EV_NEED_PASSWORD for an account.  The password is copied
 * (the caller wipes its own copy); NULL means the user declined: the
 * account goes offline and its jobs fail with PT_E_AUTH.
 */
void eng_password(struct eng *, size_t, const char *);

/* Answers ENG_EV_CERT for an account. */
void eng_trust_cert(struct eng *, size_t, enum eng_trust);

/*
 * ---- send: the outgoing path (src/engine/send.c) ---------------------
 *
 * One piece of code turns a draft into a sent message, for petrel -H,
 * batch mode, "petrel outbox send" and the interface:
 *
 *	draft -> built message (mime_compose_build) -> outbox (fsync)
 *	-> SMTP (smtp_deliver) -> accepted (durable) -> copying
 *	(durable) -> Sent copy over its own IMAP connection -> removed
 *
 * The interface submits ENG_JOB_SEND: it runs on a short-lived sender
 * thread of its own (never on the account's IMAP worker), posts
 * PROGRESS in bytes while the body goes out, and ends with DONE or
 * FAILED carrying u.send.  With job->path (a draft file) the message is
 * built and queued first; the draft file is removed once the message
 * is in the outbox.  With job->target (an outbox id) that message is
 * sent again.  eng_cancel stops it; whatever happens the message stays
 * in the outbox until the server took it and its copy is in Sent.
 *
 * ENG_JOB_SUMMARIES reads the summaries of some messages of a folder
 * that need not be the open one (the postponed messages, for R): one
 * INDEX event (complete, not reset) for that folder, then DONE.
 *
 * ENG_JOB_POSTPONE (job->path, a draft file) runs on the account's
 * worker: it builds the message as sending would, but keeping Bcc, and
 * APPENDs it with \Draft and \Seen to the Drafts folder (the folder
 * with the Drafts role, else one named Drafts, created when missing).
 * The draft file is removed only after the APPEND succeeded.  It fails
 * at once with PT_E_NET while the account is offline.
 */
#define ENG_SEND_FORCE   0x1 /* send an unsure message again */
#define ENG_SEND_PARTIAL 0x2 /* go on when only some recipients are refused */

#define ENG_OUTBOX_ID_MAX 48

struct eng_send_result {
	char outbox_id[ENG_OUTBOX_ID_MAX]; /* "" until it is in the outbox */
	int accepted;                      /* the server has it */
	int already;                       /* it had it before this attempt */
	int unsure; /* no answer after the whole message went out */
	int copied; /* the copy is in Sent and it left the outbox */
	struct pt_error copy_err;
	size_t naccepted; /* recipients the server took */
	char *refused;    /* refused recipients, one line each, or NULL */
};

void eng_send_result_release(struct eng_send_result *);

/* How a synchronous send reports the bytes that went out. */
typedef void (*eng_send_progress_fn)(void *, uint64_t, uint64_t);

/*
 * Builds draft d (From: the account) and stores it in the account's
 * outbox, durably; writes its id into res->outbox_id.  keep_bcc keeps
 * the Bcc field in the message (never for sending).  PT_E_CONFIG for a
 * bad address or a missing attachment: then nothing is queued.  Any
 * thread; blocking.
 */
int eng_send_queue(const struct cfg_account *, const struct mime_draft *,
    struct eng_send_result *, struct pt_error *);

/*
 * Sends outbox message id of the account: SMTP, then the Sent copy,
 * then it leaves the outbox.  Returns 0 when the server accepted it
 * (res->copied says whether the copy was made), -1 with err otherwise;
 * res->refused lists refused recipients.  pw may be NULL (the
 * configured password is used); cancel may be NULL.  Any thread;
 * blocking.
 */
int eng_send_deliver(const struct cfg_account *, const char *, unsigned,
    const struct pt_secret *, struct net_cancel *, eng_send_progress_fn, void *,
    struct eng_send_result *, struct pt_error *);

/* Reads a draft file (PT_E_CONFIG names it when it cannot be read). */
int eng_draft_read(const char *, struct mime_draft *, struct pt_error *);

/* How many messages wait in the account's outbox (0 on error). */
size_t eng_outbox_count(const struct cfg_account *);

/*
 * The outbox as the interface shows it (at start: retry, edit, discard
 * or later).  These read and write local files only; any thread.
 */
struct eng_outbox_item {
	char id[ENG_OUTBOX_ID_MAX];
	const char *state; /* "queued", "unsure", ... (static) */
	int delivered;     /* accepted: only the Sent copy is left */
	int unsure;        /* may have been delivered: retry with FORCE */
	int locked;        /* another petrel is sending it now */
	int64_t mtime;
	char *subject; /* decoded; "" when none */
	char *to;      /* the first recipient */
	char *status;  /* the last attempt's outcome, or NULL */
};

/* Oldest first.  Free with eng_outbox_items_free. */
int eng_outbox_items(const struct cfg_account *, struct eng_outbox_item **,
    size_t *, struct pt_error *);
void eng_outbox_items_free(struct eng_outbox_item **, size_t);
int eng_outbox_discard(const struct cfg_account *, const char *,
    struct pt_error *);
/*
 * Takes a message out of the outbox back into a draft file in dir
 * (eng_draft_from_message); the message leaves the outbox once the
 * draft is written.  PT_E_REFUSED when it was delivered already.
 * *path (the draft) is the caller's.
 */
int eng_outbox_edit(const struct cfg_account *, const char *, const char *,
    char **, struct pt_error *);
/*
 * Writes a message as a draft file in dir (created when missing):
 * mime_draft_from_message, with each attachment written to a file in
 * a folder beside the draft and named in an Attach: line.  *path (the
 * draft) is the caller's.
 */
int eng_draft_from_message(const char *, const char *, size_t, char **,
    struct pt_error *);

/* 1 while an ENG_JOB_SEND is running. */
int eng_sending(struct eng *);

#endif
