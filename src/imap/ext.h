/*
 * What the engine-support files of src/imap share (mailbox.c, fetch.c,
 * ops.c).  Only src/imap includes this.
 */
#ifndef PETREL_IMAP_EXT_H
#define PETREL_IMAP_EXT_H

#include <libetpan/libetpan.h>

#include "petrel/imap.h"

#include "private.h"

/* 1 when str is usable in a command: not NULL, no CR or LF. */
int imap_ext_clean(const char *);
/* A PT_E_CONFIG error for a string with CR/LF/NUL; returns -1. */
int imap_ext_unclean(struct pt_error *, const char *);

/*
 * Maps a libetpan failure to err like imap_error, but keeps the session
 * usable when the server merely said NO (the connection is in sync).
 */
int imap_ext_fail(struct imap_session *, int, const char *, struct pt_error *);

/* Called before every command: resets per-command state. */
void imap_ext_begin(struct imap_session *);
/*
 * Called after every command (success or not): moves what the server
 * said unasked into the watched updates.
 */
void imap_ext_collect(struct imap_session *);
/*
 * Ends a command that returned r: its failure mapped by imap_ext_fail
 * (the step `what`), or 0 once what the server said unasked is
 * collected.
 */
int imap_ext_end(struct imap_session *, int, const char *, struct pt_error *);

/* A libetpan set for a UID set (NULL when empty or out of memory). */
struct mailimap_set *imap_ext_set(const struct imap_uidset *);
/* STORE_F_* of a flag list; a libetpan list of the settable flags. */
uint32_t imap_ext_flags(struct mailimap_flag_list *);
struct mailimap_flag_list *imap_ext_flag_list(uint32_t);

/* The watched updates, or NULL. */
struct imap_updates *imap_ext_updates(struct imap_session *);
/*
 * Makes fn/arg the consumer of FETCH responses for one command (a
 * temporary collector is used when the session is not watched); undo
 * with imap_ext_fetch_end, which returns -1 when the consumer stopped.
 */
struct imap_ext_fetch {
	struct imap_updates tmp;
	struct imap_updates *u;
	int watched;
};
void imap_ext_fetch_begin(struct imap_session *, struct imap_ext_fetch *,
    imap_msg_fn, void *);
int imap_ext_fetch_end(struct imap_session *, struct imap_ext_fetch *);

/* Seconds since the epoch of a libetpan date-time (UTC). */
int64_t imap_ext_time(const struct mailimap_date_time *);
/* Days since 1970-01-01 of a civil date. */
int64_t imap_ext_days(int, int, int);

#endif
