/*
 * imap: IMAP sessions on libetpan's mailimap over net's verified
 * transport.
 *
 * So far the session basics: connect with security tls, starttls or
 * none (loopback only), read the greeting, STARTTLS without downgrade
 * (refused when not offered, PREAUTH before TLS refused, plain-text bytes
 * after the server's OK refused, capabilities read again over TLS),
 * LOGIN, CAPABILITY, EXAMINE (message count) and LOGOUT.  No credential
 * is ever sent before TLS is up, except with security none.
 *
 *	src/imap/session.c	struct imap_session and the steps
 *	src/imap/error.c	libetpan return codes -> struct pt_error
 *	src/imap/private.h	the struct, shared by the two
 *
 * The steps are separate functions so that `petrel doctor` can report
 * each one; imap_session_open runs them all in the right order for the
 * security mode:
 *	tls:      resolve, connect, tls, greeting, capabilities, login
 *	starttls: resolve, connect, greeting, starttls, tls, capabilities,
 *		  login
 *	none:     resolve, connect, greeting, capabilities, login
 * Each step returns 0, or -1 with err set (net's codes for transport
 * and TLS problems, PT_E_AUTH for a rejected login); after a failure the
 * session is unusable: free it.
 *
 * Threads: a session is used by one thread at a time (its worker).  To
 * stop a blocked step from another thread, fire the net_cancel token
 * given to imap_session_new: the step fails with PT_E_CANCELLED.
 *
 * Ownership: imap_session_new returns a session freed with
 * imap_session_free; the cancel token is borrowed and must outlive it.
 */
#ifndef PETREL_IMAP_H
#define PETREL_IMAP_H

#include <stdint.h>

#include "petrel/core.h"
#include "petrel/net.h"

struct imap_session;

/* p is copied; cancel may be NULL. */
struct imap_session *imap_session_new(const struct net_params *,
    struct net_cancel *);
/*
 * Logs out politely when the session is healthy (within the read
 * timeout), else just closes the connection.  NULL is fine.
 */
void imap_session_free(struct imap_session **);

int imap_session_resolve(struct imap_session *, struct pt_error *);
int imap_session_connect(struct imap_session *, struct pt_error *);
/* Reads the server's greeting. */
int imap_session_greeting(struct imap_session *, struct pt_error *);
/* Checks that STARTTLS is offered (asking CAPABILITY if needed) and
 * sends it; refuses PREAUTH and injected bytes. */
int imap_session_starttls(struct imap_session *, struct pt_error *);
/* TLS handshake and certificate verification (tls, or after starttls). */
int imap_session_tls(struct imap_session *, struct pt_error *);
/* Asks CAPABILITY over the secured connection. */
int imap_session_capabilities(struct imap_session *, struct pt_error *);
/*
 * LOGIN with the password, or, when the session's net_params name an
 * oauth_token_command, AUTHENTICATE XOAUTH2 with the secret as the
 * access token (SASL-IR when offered; a refused token is replaced once
 * by a new one from the command, then PT_E_AUTH with
 * NET_ERR_TOKEN_REFUSED; no AUTH=XOAUTH2 is PT_E_AUTH with
 * NET_ERR_NO_XOAUTH2).  Refuses when the connection is not encrypted
 * (unless security none), and refuses user names or passwords with CR,
 * LF or NUL.
 */
int imap_session_login(struct imap_session *, const char *,
    const struct pt_secret *, struct pt_error *);
/* EXAMINE (read-only SELECT) mailbox; *exists gets its message count. */
int imap_session_examine(struct imap_session *, const char *, uint32_t *,
    struct pt_error *);
/* LOGOUT; the session can then only be freed. */
int imap_session_logout(struct imap_session *, struct pt_error *);

/* Every step up to and including login, in order for the mode. */
int imap_session_open(struct imap_session *, const char *,
    const struct pt_secret *, struct pt_error *);

/* Borrowed views, valid until the session is freed. */
const char *imap_session_addresses(const struct imap_session *);
const char *imap_session_peer(const struct imap_session *);
const struct net_cert_info *imap_session_cert(const struct imap_session *);
/* The capabilities as one line, "IMAP4rev1 IDLE ...". */
const char *imap_session_caps(const struct imap_session *);
/* How login went: "LOGIN", "XOAUTH2", "PREAUTH", or "" (borrowed). */
const char *imap_session_auth_mech(const struct imap_session *);
int imap_session_has_cap(const struct imap_session *, const char *);

/*
 * Maps a libetpan return code for the step `what` (translated, e.g.
 * _("login")) to err, using the transport's recorded failure and the
 * server's own (sanitized) words.  Always returns -1.
 */
int imap_error(struct imap_session *, int, const char *, struct pt_error *);

/*
 * ---- engine support (begin) ----------------------------------------
 *
 * What the engine's account workers need beyond the session basics:
 * folders, selecting with CONDSTORE, fetching summaries with libetpan's
 * per-message handler in UID chunks, flags, copy, move, expunge,
 * append, search, bodies streamed through a callback, IDLE, and the
 * collection of everything the server says unasked (EXISTS, EXPUNGE,
 * VANISHED, FETCH FLAGS, [ALERT]) into a struct imap_updates.
 *
 *	src/imap/mutf7.c	modified UTF-7 mailbox names
 *	src/imap/header.c	header fields -> summary strings (pure)
 *	src/imap/mailbox.c	ENABLE, LIST, STATUS, SELECT, NOOP, IDLE,
 *				create/rename/delete/subscribe, updates
 *	src/imap/fetch.c	UID lists, summaries, flags, bodies
 *	src/imap/ops.c		STORE, COPY, MOVE, EXPUNGE, APPEND, SEARCH
 *	src/imap/ext.h		what those files share
 *
 * Every string that goes into a command is checked for CR, LF and NUL
 * (PT_E_CONFIG).  Commands whose answers libetpan 1.9.4 cannot parse
 * (THREAD, ESEARCH, COMPRESS) are never sent, and neither are the
 * broken mailimap_select_qresync and store_unchangedsince (LIBETPAN.md
 * section 3).  After a failure, imap_session_dead says whether the
 * session is still usable (a NO or BAD answer) or must be thrown away
 * (stream, parse or protocol error, cancel).
 */

/* Modified UTF-7: new strings, or NULL when the input is not valid. */
char *imap_mutf7_encode(const char *);
char *imap_mutf7_decode(const char *);

/* 1 when the session must be freed and made again. */
int imap_session_dead(const struct imap_session *);
/*
 * 1 when the last failure's reply carried the response code code
 * (case-insensitive; e.g. "LIMIT", RFC 5530: too many connections).
 */
int imap_session_code_is(const struct imap_session *, const char *code);

/* Extensions the session may use (after imap_session_enable). */
#define IMAP_CAP_CONDSTORE   0x001
#define IMAP_CAP_QRESYNC     0x002 /* ENABLEd: expunges come as VANISHED */
#define IMAP_CAP_MOVE        0x004
#define IMAP_CAP_UIDPLUS     0x008
#define IMAP_CAP_IDLE        0x010
#define IMAP_CAP_LITERALPLUS 0x020
#define IMAP_CAP_SPECIALUSE  0x040
#define IMAP_CAP_UNSELECT    0x080

/*
 * After login: reads the capabilities again and ENABLEs QRESYNC (and
 * CONDSTORE) where offered.  Returns 0 or -1.
 */
int imap_session_enable(struct imap_session *, struct pt_error *);
unsigned imap_session_features(const struct imap_session *);

/* One FETCH response as the callbacks below see it (borrowed). */
struct imap_msg {
	uint32_t seq;
	uint32_t uid;
	int has_flags;
	uint32_t flags; /* STORE_F_* */
	uint64_t modseq;
	int64_t internaldate; /* 0 when not sent */
	uint32_t size;
	const char *header; /* the header fields asked for, or NULL */
	size_t headerlen;
};

/* Return 0 to go on, -1 to stop (the command then fails, session dead). */
typedef int (*imap_msg_fn)(void *, const struct imap_msg *);

/*
 * What the server said unasked, collected by every command below once
 * imap_session_watch attached the collector.  Sequence numbers refer to
 * the folder selected when the command ran.  The engine applies and
 * then resets it after each command.
 */
struct imap_flag_update {
	uint32_t seq;   /* 0 when unknown */
	uint32_t uid;   /* 0 when the server did not say */
	uint32_t flags; /* STORE_F_* */
	uint64_t modseq;
};

struct imap_updates {
	int exists_seen; /* an EXISTS came; exists is the new count */
	uint32_t exists;
	uint32_t *expunged; /* sequence numbers, in the order received */
	size_t nexpunged, capexpunged;
	uint32_t *vanished; /* UIDs (QRESYNC) */
	size_t nvanished, capvanished;
	struct imap_flag_update *flags;
	size_t nflags, capflags;
	uint64_t highestmodseq; /* the last one the server reported, or 0 */
	char alert[256];        /* an [ALERT] (sanitized), or "" */
	/* Private to src/imap: the consumer of the running FETCH. */
	imap_msg_fn fetch_fn;
	void *fetch_arg;
	int fetch_stop;
};

void imap_updates_init(struct imap_updates *);
void imap_updates_reset(struct imap_updates *);
void imap_updates_release(struct imap_updates *);
int imap_updates_empty(const struct imap_updates *);
/* Records m's flags (an unsolicited FETCH) as a change in u. */
void imap_updates_add_flags(struct imap_updates *, const struct imap_msg *);
/* Attaches u (borrowed; NULL detaches) to the session. */
void imap_session_watch(struct imap_session *, struct imap_updates *);

/* Folders. */
#define IMAP_MBX_NOSELECT    0x0001
#define IMAP_MBX_NOINFERIORS 0x0002
#define IMAP_MBX_HASCHILDREN 0x0004
#define IMAP_MBX_NOCHILDREN  0x0008
#define IMAP_MBX_SUBSCRIBED  0x0010
#define IMAP_MBX_NONEXISTENT 0x0020
#define IMAP_MBX_SENT        0x0100
#define IMAP_MBX_DRAFTS      0x0200
#define IMAP_MBX_TRASH       0x0400
#define IMAP_MBX_JUNK        0x0800
#define IMAP_MBX_ARCHIVE     0x1000
#define IMAP_MBX_ALL         0x2000
#define IMAP_MBX_FLAGGED     0x4000

struct imap_mbox {
	char *name;  /* as the server spells it (modified UTF-7) */
	char *uname; /* UTF-8 for people (the raw name when not mUTF-7) */
	char delim;
	unsigned attrs; /* IMAP_MBX_* */
};

/*
 * LIST "" "*" (and LSUB "" "*" to set IMAP_MBX_SUBSCRIBED).  *vp gets n
 * entries freed with imap_mbox_list_free.
 */
int imap_list(struct imap_session *, struct imap_mbox **, size_t *,
    struct pt_error *);
void imap_mbox_list_free(struct imap_mbox **, size_t);

struct imap_status {
	uint32_t messages, unseen, recent, uidnext, uidvalidity;
	uint64_t highestmodseq;
};

/* Mailbox names here are the server's (modified UTF-7). */
int imap_status(struct imap_session *, const char *, struct imap_status *,
    struct pt_error *);
int imap_mailbox_create(struct imap_session *, const char *, struct pt_error *);
int imap_mailbox_delete(struct imap_session *, const char *, struct pt_error *);
int imap_mailbox_rename(struct imap_session *, const char *, const char *,
    struct pt_error *);
int imap_mailbox_subscribe(struct imap_session *, const char *, int,
    struct pt_error *);

struct imap_selected {
	uint32_t uidvalidity;
	uint32_t uidnext;
	uint32_t exists;
	uint64_t highestmodseq; /* 0 without CONDSTORE (or NOMODSEQ) */
	int readonly;
};

/* SELECT (with CONDSTORE when offered).  0 or -1. */
int imap_select(struct imap_session *, const char *, struct imap_selected *,
    struct pt_error *);
/* EXAMINE: the same read-only (\Recent stays for the other session). */
int imap_examine(struct imap_session *, const char *, struct imap_selected *,
    struct pt_error *);
/* Leaves the selected folder without expunging (UNSELECT, or nothing). */
int imap_unselect(struct imap_session *, struct pt_error *);
int imap_noop(struct imap_session *, struct pt_error *);

/*
 * IDLE.  imap_idle_start sends IDLE (after a NOOP) and returns once the
 * server agreed.  imap_idle_wait waits until the server sends something
 * (1), wake_fd turns readable (2) or timeout_ms passes (0); -1 on
 * error.  imap_idle_done ends IDLE and reads what came meanwhile into
 * the updates.
 */
int imap_idle_start(struct imap_session *, struct pt_error *);
int imap_idle_wait(struct imap_session *, int, int, struct pt_error *);
int imap_idle_done(struct imap_session *, struct pt_error *);

/*
 * A UID set: the sorted UIDs uids[0..n), or when uids is NULL the range
 * lo:hi (hi 0 means "*").
 */
struct imap_uidset {
	const uint32_t *uids;
	size_t n;
	uint32_t lo, hi;
};

/* UID SEARCH ALL: every UID, ascending (*uidsp freed by the caller). */
int imap_uid_all(struct imap_session *, uint32_t **, size_t *,
    struct pt_error *);
/*
 * UID SEARCH HEADER field value in the selected folder: the UIDs of the
 * messages whose field contains value, ascending (*uidsp freed by the
 * caller).  field and value must be ASCII without CR or LF.
 */
int imap_search_header(struct imap_session *, const char *, const char *,
    uint32_t **, size_t *, struct pt_error *);

/*
 * Summaries: UID FLAGS INTERNALDATE RFC822.SIZE (MODSEQ with CONDSTORE)
 * and the header fields a summary needs (imap_summary_fields).  byseq
 * uses a sequence range lo:hi instead of UIDs (for the newest rows
 * right after SELECT).  Every response goes to fn, unsolicited ones
 * included.
 */
int imap_fetch_summaries(struct imap_session *, const struct imap_uidset *,
    int byseq, imap_msg_fn, void *, struct pt_error *);

/*
 * UID FETCH set (UID FLAGS [MODSEQ]); with changedsince > 0, adds
 * (CHANGEDSINCE n [VANISHED]) — VANISHED only with QRESYNC, and the
 * vanished UIDs go to the updates.
 */
int imap_fetch_flags(struct imap_session *, const struct imap_uidset *,
    uint64_t changedsince, imap_msg_fn, void *, struct pt_error *);

/*
 * BODY.PEEK[part] (part NULL or "": the whole message) of one UID,
 * streamed to fn as it arrives (never held whole in memory).  *found
 * is 0 when the message does not exist (any more).
 */
typedef int (*imap_data_fn)(void *, const char *, size_t);
int imap_fetch_body(struct imap_session *, uint32_t, const char *, imap_data_fn,
    void *, int *found, struct pt_error *);

/*
 * BODYSTRUCTURE of one UID, flattened depth first; a message/rfc822
 * part is followed by its enclosed message (msgroot, one level deeper:
 * its multipart has the part's section, a single part section.1).
 * With the structure come, in a second command, the header blocks the
 * skeleton needs (mime.h: HEADER for the message, section.MIME for a
 * part, section.HEADER for an enclosed message), the bodies of the
 * small text leaves and of those whose size the structure does not
 * tell (IMAP_PREFETCH_PART bytes each, IMAP_PREFETCH_TOTAL in all), and
 * for the other base64 leaves the first IMAP_PROBE_HEAD and last
 * IMAP_PROBE_TAIL bytes, which tell their decoded size; header or body
 * is NULL when the server sent none.  Messages of
 * more than MIME_SKEL_MAX_PARTS parts come without them.
 */
#define IMAP_PREFETCH_PART  ((uint32_t)64 * 1024)
#define IMAP_PREFETCH_TOTAL ((size_t)512 * 1024)
#define IMAP_PROBE_HEAD     128
#define IMAP_PROBE_TAIL     8

struct imap_part {
	char *section, *type, *charset, *encoding, *filename;
	uint32_t size;
	int depth;
	int attachment;
	int msgroot;
	char *header; /* or NULL */
	size_t headerlen;
	char *body; /* or NULL */
	size_t bodylen;
	/*
	 * A base64 leaf not fetched: its decoded size, from its first and
	 * last bytes (fetched with the headers; mime_base64_size), or 0.
	 */
	uint32_t decoded;
	char *head, *tail; /* those bytes while they are fetched */
	size_t headlen, taillen;
	int probe; /* they were asked for */
};
int imap_fetch_structure(struct imap_session *, uint32_t, struct imap_part **,
    size_t *, struct pt_error *);
void imap_part_list_free(struct imap_part **, size_t);

/*
 * STORE +FLAGS/-FLAGS (sign 1 or -1) of STORE_F_* bits (the settable
 * ones) on a UID set; the new flags come back as updates.
 */
int imap_store_flags(struct imap_session *, const struct imap_uidset *, int,
    uint32_t, struct pt_error *);
/* *newuid (may be NULL) gets COPYUID's first new UID, or 0. */
int imap_copy(struct imap_session *, const struct imap_uidset *, const char *,
    uint32_t *, struct pt_error *);
/* MOVE where offered, else COPY + \Deleted + UID EXPUNGE (or EXPUNGE). */
int imap_move(struct imap_session *, const struct imap_uidset *, const char *,
    uint32_t *, struct pt_error *);
/* UID EXPUNGE set (UIDPLUS), or with set NULL, EXPUNGE. */
int imap_expunge(struct imap_session *, const struct imap_uidset *,
    struct pt_error *);
/* date 0: now.  *newuid (may be NULL) gets APPENDUID's UID, or 0. */
int imap_append(struct imap_session *, const char *, uint32_t, int64_t,
    const char *, size_t, uint32_t *, struct pt_error *);

#define IMAP_SEARCH_FROM    0x01
#define IMAP_SEARCH_TO      0x02
#define IMAP_SEARCH_CC      0x04
#define IMAP_SEARCH_SUBJECT 0x08
#define IMAP_SEARCH_BODY    0x10
#define IMAP_SEARCH_TEXT    0x20

struct imap_search {
	unsigned where;
	const char *text; /* UTF-8 or NULL */
	uint32_t with_flags, without_flags;
	int64_t since, before; /* 0: no limit */
	/* HEADER name value (both printable ASCII), or NULL. */
	const char *header, *header_value;
};

/* UID SEARCH CHARSET UTF-8 ...: the UIDs, ascending. */
int imap_search(struct imap_session *, const struct imap_search *, uint32_t **,
    size_t *, struct pt_error *);

/* The strings of a summary, from the header fields fetched above. */
struct imap_summary {
	char *str[7]; /* STORE_FROM_NAME .. STORE_REFERENCES, never NULL */
	char *cc;     /* Cc decoded as STORE_TO, or NULL; not cached */
	int64_t date; /* the Date field (UTC), 0 when absent or bad */
	int attach;   /* Content-Type says there may be attachments */
};

/* The fields imap_fetch_summaries asks for, upper case. */
extern const char *const imap_summary_fields[];
/* Parses header fields (raw bytes) into s; free with _release. */
void imap_summary_parse(struct imap_summary *, const char *, size_t);
void imap_summary_release(struct imap_summary *);
/* An RFC 5322 date to UTC seconds; 0 when it cannot be read. */
int64_t imap_parse_date(const char *, size_t);

/* ---- engine support (end) ---- */

#endif
