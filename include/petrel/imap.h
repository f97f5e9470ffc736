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
 * LOGIN.  Refuses when the connection is not encrypted (unless security
 * none), and refuses user names or passwords with CR, LF or NUL.
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
int imap_session_has_cap(const struct imap_session *, const char *);

/*
 * Maps a libetpan return code for the step `what` (translated, e.g.
 * _("login")) to err, using the transport's recorded failure and the
 * server's own (sanitized) words.  Always returns -1.
 */
int imap_error(struct imap_session *, int, const char *, struct pt_error *);

#endif
