/*
 * smtp: SMTP submission sessions on libetpan's mailsmtp over net's
 * verified transport.
 *
 * So far the session basics: connect with security tls, starttls or
 * none (loopback only), read the 220 greeting, EHLO with a proper name
 * (the domain of the account's address, else an address literal; never
 * the raw host name), STARTTLS without downgrade (refused when not
 * offered, plain-text bytes after the 220 refused) followed by a second
 * EHLO over TLS, AUTH PLAIN or LOGIN done by petrel itself (no SASL
 * plugins needed), and QUIT.  No credential is ever sent before TLS is
 * up, except with security none.
 *
 *	src/smtp/session.c	struct smtp_session and the steps
 *	src/smtp/auth.c		AUTH PLAIN and AUTH LOGIN
 *	src/smtp/error.c	libetpan codes and SMTP replies -> pt_error
 *	src/smtp/private.h	the struct, and libetpan's undeclared calls
 *
 * Steps, as smtp_session_open runs them:
 *	tls:      resolve, connect, tls, greeting, ehlo, auth
 *	starttls: resolve, connect, greeting, ehlo, starttls, tls, ehlo,
 *		  auth
 *	none:     resolve, connect, greeting, ehlo, auth
 * Each returns 0, or -1 with err set; after a failure the session is
 * unusable: free it.
 *
 * Threads: one thread at a time per session; fire the net_cancel token
 * from any thread to stop a blocked step (PT_E_CANCELLED).
 *
 * Ownership: smtp_session_new returns a session freed with
 * smtp_session_free; the cancel token is borrowed and must outlive it.
 */
#ifndef PETREL_SMTP_H
#define PETREL_SMTP_H

#include "petrel/core.h"
#include "petrel/net.h"

struct smtp_session;

/*
 * p is copied; cancel may be NULL.  email is the account's address,
 * whose domain names this end in EHLO (NULL or an odd domain: an
 * address literal is used instead).
 */
struct smtp_session *smtp_session_new(const struct net_params *,
    struct net_cancel *, const char *email);
/* Sends QUIT when healthy, then closes.  NULL is fine. */
void smtp_session_free(struct smtp_session **);

int smtp_session_resolve(struct smtp_session *, struct pt_error *);
int smtp_session_connect(struct smtp_session *, struct pt_error *);
/* Reads the 220 greeting. */
int smtp_session_greeting(struct smtp_session *, struct pt_error *);
/* EHLO (again after TLS); reads what the server offers. */
int smtp_session_ehlo(struct smtp_session *, struct pt_error *);
/* Checks STARTTLS is offered and sends it. */
int smtp_session_starttls(struct smtp_session *, struct pt_error *);
/* TLS handshake and certificate (tls, or after starttls). */
int smtp_session_tls(struct smtp_session *, struct pt_error *);
/*
 * AUTH PLAIN (preferred) or LOGIN, whichever the server offers over
 * TLS.  Refuses on an unencrypted connection (except security none).
 */
int smtp_session_auth(struct smtp_session *, const char *,
    const struct pt_secret *, struct pt_error *);
int smtp_session_quit(struct smtp_session *, struct pt_error *);

/* Every step up to and including AUTH, in order for the mode. */
int smtp_session_open(struct smtp_session *, const char *,
    const struct pt_secret *, struct pt_error *);

/* Borrowed views, valid until the session is freed. */
const char *smtp_session_addresses(const struct smtp_session *);
const char *smtp_session_peer(const struct smtp_session *);
const struct net_cert_info *smtp_session_cert(const struct smtp_session *);
/* What the last EHLO offered, "STARTTLS SIZE AUTH=PLAIN,LOGIN". */
const char *smtp_session_exts(const struct smtp_session *);
/* The name sent in EHLO. */
const char *smtp_session_ehlo_name(const struct smtp_session *);
/* The mechanism AUTH used ("PLAIN" or "LOGIN"), or "". */
const char *smtp_session_auth_mech(const struct smtp_session *);

/*
 * Maps a libetpan return code (MAILSMTP_ERROR_*) for the step `what` to
 * err, using the transport's recorded failure and the server's reply.
 * Always returns -1.
 */
int smtp_error(struct smtp_session *, int, const char *, struct pt_error *);

/* Base64 of len bytes (RFC 4648, no line breaks); the caller frees. */
char *smtp_base64(const void *, size_t);

#endif
