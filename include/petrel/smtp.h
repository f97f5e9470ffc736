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
 * TLS; or, when the session's net_params name an oauth_token_command,
 * AUTH XOAUTH2 with the secret as the access token (a refused token is
 * replaced once by a new one from the command, then PT_E_AUTH with
 * NET_ERR_TOKEN_REFUSED; no XOAUTH2 offered is NET_ERR_NO_XOAUTH2).
 * Refuses on an unencrypted connection (except security none).
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
/* The mechanism AUTH used ("PLAIN", "LOGIN", "XOAUTH2"), or "". */
const char *smtp_session_auth_mech(const struct smtp_session *);

/*
 * Maps a libetpan return code (MAILSMTP_ERROR_*) for the step `what` to
 * err, using the transport's recorded failure and the server's reply.
 * Always returns -1.
 */
int smtp_error(struct smtp_session *, int, const char *, struct pt_error *);

/*
 * ---- send: submission and delivery (begin) ---------------------------
 *
 *	src/smtp/submit.c	one transaction: MAIL (SIZE), RCPT per
 *				recipient, DATA streamed and dot-stuffed
 *	src/smtp/deliver.c	an outbox message from claim to removal:
 *				connect, log in, submit, record, Sent copy
 *
 * Neither prints; errors are translated, with the server's words.
 */

#include <stdint.h>

#include "petrel/config.h"
#include "petrel/store.h"

#define SMTP_TEXT_MAX 256

/* The server's answer to one RCPT TO. */
struct smtp_rcpt_result {
	char *addr;
	int code;                 /* 250, 550, ... (0: not asked) */
	char text[SMTP_TEXT_MAX]; /* its words, sanitized */
	int accepted;
};

/* Progress while the body goes out: bytes done of total. */
typedef void (*smtp_progress_fn)(void *, uint64_t, uint64_t);

struct smtp_submit {
	const char *from;
	const char *const *rcpt;
	size_t nrcpt;
	const char *data; /* CRLF lines, 7-bit, not dot-stuffed */
	size_t len;
	int partial_ok; /* go on when some (not all) recipients are refused */
	smtp_progress_fn progress; /* may be NULL; every 64 KB */
	void *progress_arg;
	/*
	 * Called when the whole body went out, right before the final
	 * "." that commits the server (the outbox records "unsure" here).
	 * Returning -1 abandons the message: nothing is committed.
	 */
	int (*before_end)(void *, struct pt_error *);
	void *before_end_arg;
};

struct smtp_submit_result {
	struct smtp_rcpt_result *rcpt; /* one per recipient asked */
	size_t nrcpt;
	size_t naccepted;
	int data_sent; /* the final "." went out */
	int accepted;  /* and the server answered 250 */
	int code;      /* the last reply to MAIL, DATA or the final "." */
	char text[SMTP_TEXT_MAX];
};

/*
 * Runs one mail transaction on an open (logged-in) session.  Refuses
 * before MAIL when the message is larger than the server's SIZE
 * (PT_E_REFUSED, code 552).  A refused recipient stops everything
 * (RSET, nothing sent) unless partial_ok and another was accepted; the
 * error names the first refused one with the server's code and words,
 * and res has every recipient's answer.  4xx answers are PT_E_NET (try
 * later), 5xx PT_E_REFUSED.  When the connection fails after the final
 * "." (res->data_sent set, res->accepted not), nobody knows whether the
 * server took the message.  Returns 0 only when res->accepted.
 */
int smtp_submit(struct smtp_session *, const struct smtp_submit *,
    struct smtp_submit_result *, struct pt_error *);
void smtp_submit_result_release(struct smtp_submit_result *);
/* The server's SIZE limit in bytes, 0 when it states none. */
size_t smtp_session_max_size(const struct smtp_session *);

/*
 * Stores the copy of a sent message: fcc is the folder the envelope
 * names, or NULL for the account's Sent folder.  When check is set an
 * earlier attempt may have stored it already (it was interrupted
 * during the copy): look for the message's Message-ID there first and
 * store nothing when it is found.  0 or -1 with err.
 */
typedef int (*smtp_copy_fn)(void *, const char *fcc, int check, const char *,
    size_t, struct pt_error *);

struct smtp_deliver_opts {
	const struct cfg_account *acct;
	const struct pt_secret *password; /* NULL: cfg_account_password */
	struct net_cancel *cancel;        /* may be NULL */
	unsigned claim_flags;             /* STORE_OUTBOX_FORCE */
	int partial_ok;
	smtp_progress_fn progress;
	void *progress_arg;
	smtp_copy_fn copy; /* NULL: no copy is kept */
	void *copy_arg;
};

struct smtp_deliver_report {
	struct smtp_submit_result submit;
	int accepted;             /* the server has the message */
	int already;              /* it had it before this call */
	int unsure;               /* no answer after the whole message */
	int copied;               /* the copy is stored and the message
				     left the outbox */
	struct pt_error copy_err; /* why the copy failed */
	char exts[256];           /* what the server offered */
};

/*
 * Delivers outbox message id: claims it, connects and logs in (SMTP
 * settings of acct), submits it, records the server's 250 (the message
 * becomes accepted before anything else happens), quits, then stores the
 * copy and removes the message from the outbox.  Returns 0 when the
 * server accepted the message (see report->copied for the copy: when
 * it failed, the message waits in the outbox, accepted, for the copy
 * only), -1 otherwise with err set; the message then stays in the
 * outbox (queued, or unsure when the connection failed after the whole
 * message went out) and the status note says why.  A message already
 * accepted is never sent again: only its copy is made.
 */
int smtp_deliver(struct store_outbox *, const char *,
    const struct smtp_deliver_opts *, struct smtp_deliver_report *,
    struct pt_error *);
void smtp_deliver_report_release(struct smtp_deliver_report *);

/* ---- send: submission and delivery (end) ---- */

#endif
