/*
 * net: every byte petrel exchanges with a mail server passes here.
 *
 * It resolves the server's name, opens the TCP connection (IPv4 and IPv6,
 * each address in turn) with a connect timeout and a cancel token, runs
 * the TLS session itself with GnuTLS and verifies the server (system
 * trust store plus the account's optional ca_file, host name, SNI for
 * DNS names, TLS 1.2 or newer), and hands libetpan a mailstream over the
 * connection.  libetpan's own TLS does not verify anything
 * (LIBETPAN.md section 2) and is never used.
 *
 *	src/net/cancel.c	struct net_cancel: a cancel token (eventfd)
 *	src/net/connect.c	struct net_conn, resolve, connect, errors;
 *				struct net_link, a session's hold on one
 *	src/net/tls.c		GnuTLS session, verification, pins, cert info
 *	src/net/stream.c	the mailstream_low driver (plain and TLS)
 *	src/net/private.h	struct net_conn and helpers shared by them
 *
 * One driver serves both phases of a connection: it starts in plain text
 * (for the greeting and STARTTLS of the starttls mode) and switches to
 * TLS in place when net_conn_tls_handshake succeeds, so a STARTTLS
 * upgrade needs no driver swap.  The driver enforces every timeout with
 * poll(), returns -1 (never 0) on end of file, timeout, cancel and error,
 * and records why in the connection's status (see net_conn_new), because
 * libetpan folds all of these into one "stream error".
 *
 * Threads: a struct net_conn is used by one thread at a time (the worker
 * that owns the protocol session).  net_cancel_fire may be called from
 * any thread at any time while the token exists.
 *
 * Ownership: net_conn_new returns a connection the caller frees with
 * net_conn_free, until net_conn_stream hands it to a mailstream; from
 * then on mailstream_close (or mailimap_free / mailsmtp_free) frees it,
 * and the caller's pointer stays valid, borrowed, until then.  The cancel
 * token and the status error are borrowed and must outlive the
 * connection.
 *
 * Errors: every failure is a struct pt_error of class PT_E_NET, PT_E_TLS,
 * PT_E_CANCELLED or PT_E_CONFIG whose code is one of enum net_errcode
 * below, and whose message is plain language with a suggested fix.
 */
#ifndef PETREL_NET_H
#define PETREL_NET_H

#include <libetpan/libetpan.h>

#include "petrel/config.h"
#include "petrel/core.h"

/* The protocol spoken over a connection: only used to word hints. */
enum net_proto { NET_PROTO_OTHER, NET_PROTO_IMAP, NET_PROTO_SMTP };

/* pt_error.code of every error raised by net (and kept by imap/smtp). */
enum net_errcode {
	NET_ERR_DNS = 1000,      /* the name was not found */
	NET_ERR_DNS_TEMP,        /* DNS did not answer: temporary */
	NET_ERR_REFUSED,         /* nothing listens on that port */
	NET_ERR_CONNECT_TIMEOUT, /* no answer to connect: firewall? */
	NET_ERR_UNREACHABLE,     /* no route to the host or network */
	NET_ERR_CONNECT,         /* another connect failure (errno in detail) */
	NET_ERR_TIMEOUT,         /* the server stopped answering */
	NET_ERR_SILENT,          /* plain text: no greeting ever came */
	NET_ERR_EOF,             /* the server closed the connection */
	NET_ERR_IO,              /* a socket error while reading/writing */
	NET_ERR_CANCELLED,       /* net_cancel_fire was called */
	NET_ERR_WANTS_STARTTLS,  /* TLS chosen, the server spoke plain text */
	NET_ERR_WANTS_TLS,       /* plain text chosen, server spoke TLS */
	NET_ERR_TLS,             /* the handshake failed otherwise */
	NET_ERR_TLS_TIMEOUT,     /* no answer to the TLS handshake */
	NET_ERR_CERT,            /* the certificate was rejected */
	NET_ERR_PIN_MISMATCH,    /* the certificate changed under a pin */
	NET_ERR_CA_FILE,         /* the ca_file could not be loaded */
	NET_ERR_INSECURE,        /* security none with a non-loopback host */
	/* Raised by imap/ and smtp/ around STARTTLS: */
	NET_ERR_NO_STARTTLS,       /* starttls chosen, not offered */
	NET_ERR_STARTTLS_REFUSED,  /* the server said no to STARTTLS */
	NET_ERR_STARTTLS_INJECTED, /* plain-text bytes after its OK */
	NET_ERR_PREAUTH,           /* logged in before TLS (PREAUTH) */
	/* Login (imap/ and smtp/ set these with PT_E_AUTH). */
	NET_ERR_NO_XOAUTH2,    /* oauth_token_command, no XOAUTH2 offered */
	NET_ERR_TOKEN_REFUSED, /* the OAuth2 token was refused, twice */
	/* Raised by the stream driver once a byte budget is spent: */
	NET_ERR_TOO_BIG /* one response was larger than allowed */
};

/*
 * A short untranslated name of a pt_error.code raised by net ("refused",
 * "cert", ...), for logs and tests; NULL for any other code.
 */
const char *net_errcode_name(int);

/* Where and how to connect.  Strings are copied by net_conn_new. */
struct net_params {
	const char *host;
	int port;
	enum cfg_security security;
	enum net_proto proto;
	const char *ca_file;    /* extra trusted CA (PEM), or NULL */
	const char *pin;        /* "sha256:<64 hex>" (net_pin_check) or NULL */
	int connect_timeout_ms; /* connect, TLS handshake and greeting */
	int read_timeout_ms;    /* every later read or write */
	/* Not NULL: log in with XOAUTH2; on a refusal, a new token from it. */
	const char *oauth_token_command;
};

#define NET_CONNECT_TIMEOUT_DEFAULT 15
#define NET_READ_TIMEOUT_DEFAULT    60

/*
 * Fills p for the account's IMAP or SMTP server (proto NET_PROTO_IMAP or
 * NET_PROTO_SMTP).  The strings are borrowed from acct.  Timeouts of 0
 * in the account take the defaults above.
 */
void net_params_from_account(struct net_params *, const struct cfg_account *,
    enum net_proto);

/*
 * What petrel knows about the server's certificate, for the user to
 * judge: filled during the handshake, whether it was accepted or not
 * (valid is 0 when no certificate was seen).
 */
#define NET_CERT_UNTRUSTED     0x01 /* unknown issuer */
#define NET_CERT_SELF_SIGNED   0x02
#define NET_CERT_EXPIRED       0x04
#define NET_CERT_NOT_YET_VALID 0x08
#define NET_CERT_WRONG_HOST    0x10
#define NET_CERT_REVOKED       0x20
#define NET_CERT_INSECURE      0x40 /* insecure algorithm */
#define NET_CERT_OTHER         0x80 /* any other verification failure */

struct net_cert_info {
	int valid;
	unsigned problems; /* NET_CERT_* bits; 0 when it verified */
	unsigned status;   /* GnuTLS verification status bits */
	int pinned;        /* accepted because it matched the pin */
	int self_signed;   /* issuer == subject */
	char reason[256];  /* translated: why it was rejected, or "" */
	char subject[256]; /* RFC 4514 distinguished names */
	char issuer[256];
	char not_before[32]; /* "2025-01-31 12:00 UTC" */
	char not_after[32];
	char sha256[72];  /* "sha256:<64 hex>", the form of a pin */
	char version[16]; /* "TLS1.3" once the handshake succeeded */
};

/*
 * Cancel tokens.  One token may serve several connections (everything a
 * job does); firing it is final.  net_cancel_new returns NULL with err
 * set when no eventfd can be made.
 */
struct net_cancel;

struct net_cancel *net_cancel_new(struct pt_error *);
/* Any thread, any time while the token exists; idempotent. */
void net_cancel_fire(struct net_cancel *);
int net_cancel_fired(const struct net_cancel *);
void net_cancel_free(struct net_cancel **);

/*
 * Connections.
 *
 * net_conn_new copies p.  cancel may be NULL.  status is where the
 * connection records why it failed at the transport level, so that a
 * caller that only got a libetpan stream error can tell the user what
 * happened: the class stays PT_OK while nothing failed.  It is borrowed
 * and must outlive the connection.
 */
struct net_conn;

struct net_conn *net_conn_new(const struct net_params *, struct net_cancel *,
    struct pt_error *status);
/* Frees a connection not handed to a stream (NULL is fine). */
void net_conn_free(struct net_conn **);

/*
 * Looks the host up (getaddrinfo, blocking, not cancellable while it
 * runs).  Returns 0, or -1 with NET_ERR_DNS or NET_ERR_DNS_TEMP.
 */
int net_conn_resolve(struct net_conn *, struct pt_error *);
/* The addresses found, "127.0.0.1, ::1" (borrowed, valid until free). */
const char *net_conn_addresses(const struct net_conn *);

/*
 * Opens the TCP connection (resolving first if needed), trying each
 * address until one answers, all within the connect timeout.  With
 * security none, every address must be a loopback address.
 */
int net_conn_connect(struct net_conn *, struct pt_error *);
/* The address connected to, "127.0.0.1" (borrowed). */
const char *net_conn_peer(const struct net_conn *);
/*
 * This end's address as an SMTP address literal, "[127.0.0.1]" or
 * "[IPv6:::1]", into buf; 0, or -1 when not connected.
 */
int net_conn_local_literal(const struct net_conn *, char *, size_t);

/*
 * Runs the TLS handshake on the open connection, within the connect
 * timeout, and verifies the server's certificate; afterwards every byte
 * goes through TLS.  A certificate that fails verification is accepted
 * only when the account's pin equals its SHA-256 fingerprint; a pin that
 * does not match refuses the connection even if the chain is valid.
 * Returns -1 with NET_ERR_CERT, NET_ERR_PIN_MISMATCH, NET_ERR_WANTS_
 * STARTTLS, NET_ERR_TLS, NET_ERR_TLS_TIMEOUT, NET_ERR_CA_FILE, ... .
 */
int net_conn_tls_handshake(struct net_conn *, struct pt_error *);
/* 1 once TLS is up. */
int net_conn_is_tls(const struct net_conn *);
/* The certificate seen in the handshake (borrowed; valid until free). */
const struct net_cert_info *net_conn_cert(const struct net_conn *);

/*
 * After the greeting (and STARTTLS), later reads and writes wait at most
 * the read timeout instead of the connect timeout.
 */
void net_conn_established(struct net_conn *);

/*
 * Wraps the connection in a libetpan mailstream (buffer 8192).  From
 * now on the stream owns the connection (see Ownership above).  Returns
 * NULL only when libetpan cannot allocate, and then the connection is
 * still the caller's.
 */
mailstream *net_conn_stream(struct net_conn *, struct pt_error *);

/*
 * The number of bytes libetpan had buffered in s that were discarded:
 * called right after a STARTTLS upgrade so that nothing the server sent
 * in plain text can be mistaken for a reply sent over TLS.
 */
size_t net_stream_discard_buffered(mailstream *);

/*
 * A protocol session's hold on its connection, embedded in the IMAP and
 * SMTP sessions so that the steps they share are written once: their
 * own copy of the parameters, the connection, and copies of what the
 * user is shown about it, which outlive the connection.
 *
 * net_link_init copies p (with proto set) and makes the connection,
 * whose status is the link's.  conn is the link's while conn_owned;
 * net_link_stream hands it to a mailstream, and once the protocol
 * session closed that stream the caller sets conn to NULL.  The cancel
 * token is borrowed.  net_link_release frees what the link still owns.
 * One thread at a time, like the connection.
 */
struct net_link {
	struct net_conn *conn; /* owned while conn_owned */
	int conn_owned;
	struct net_params params; /* its strings are the copies below */
	char *host;
	char *ca_file;
	char *pin;
	char *oauth_token_command;
	struct pt_error status; /* the transport's recorded failure */
	int tls_up;             /* net_link_tls succeeded */
	char addrs[256];        /* copies: the connection may be gone */
	char peer[64];
	struct net_cert_info cert;
};

void net_link_init(struct net_link *, const struct net_params *, enum net_proto,
    struct net_cancel *);
void net_link_release(struct net_link *);
/*
 * net_conn_resolve, net_conn_connect and net_conn_tls_handshake on the
 * link's connection, keeping the addresses, the peer and the certificate
 * seen (also when they fail).  Each returns 0, or -1 with err set;
 * net_link_tls fails with PT_E_INTERNAL when the connection is gone.
 */
int net_link_resolve(struct net_link *, struct pt_error *);
int net_link_connect(struct net_link *, struct pt_error *);
int net_link_tls(struct net_link *, struct pt_error *);
/* net_conn_stream on the link's connection, which the stream then owns. */
mailstream *net_link_stream(struct net_link *, struct pt_error *);
/*
 * Before sending a password: 0 when TLS is up or the account chose no
 * security, else -1 with PT_E_TLS and NET_ERR_NO_STARTTLS.
 */
int net_link_require_tls(const struct net_link *, struct pt_error *);
/*
 * For a protocol step `what` that failed on a stream error: the failure
 * the transport recorded, or else "the connection was lost" (PT_E_NET,
 * NET_ERR_EOF).  Returns -1.
 */
int net_link_lost(const struct net_link *, const char *, struct pt_error *);
/*
 * When a STARTTLS failed because plain-text bytes followed the server's
 * consent in stream (someone may be injecting them): -1 with PT_E_TLS
 * and NET_ERR_STARTTLS_INJECTED.  0 when nothing followed.
 */
int net_link_injected(const struct net_link *, mailstream *, struct pt_error *);

/* 1 when every address of host (a name or a literal) is loopback. */
int net_host_is_loopback(const char *);

/*
 * Syntax check of a pin, "sha256:" and 64 hexadecimal digits (any case,
 * colons allowed between bytes, as the config accepts): 0 when
 * well-formed, else -1 with a PT_E_CONFIG error.  Pins compare in the
 * same way.
 */
int net_pin_check(const char *, struct pt_error *);

/*
 * ---- engine support (begin) ----
 * Bytes already received on the stream but not yet parsed: libetpan's
 * read buffer plus what GnuTLS decrypted and holds.  Before waiting on
 * the socket (IDLE), check this: data there makes no POLLIN.
 * (src/net/pending.c)
 */
size_t net_stream_pending(mailstream *);
/*
 * The byte budget of a stream made by net_conn_stream: from now on it
 * may receive at most max bytes (0: no limit) until the next call.  A
 * read past the budget fails (the stream is then dead) and records
 * PT_E_PROTO with NET_ERR_TOO_BIG, so that a hostile server announcing
 * and sending a huge literal costs at most max bytes.  The protocol
 * layer sets it before each response it reads.  Any other stream (or
 * NULL) is left alone.  (src/net/stream.c)
 */
void net_stream_budget(mailstream *, size_t max);
/* ---- engine support (end) ---- */

/*
 * An XOAUTH2 login over l (src/net/xoauth2.c).  ops->attempt does one
 * exchange with a token: 0 logged in, 1 refused (status: the status of
 * the server's JSON challenge, "" without one), -1 another failure with
 * err set.  ops->server_text gives the server's last reply, sanitized
 * (the caller frees), for a refusal without a JSON status.  The token
 * (and any new one) must have no control characters (PT_E_CONFIG).  A
 * refused token is replaced once by a new one from
 * l->params.oauth_token_command (cfg_token_run, read_timeout); a second
 * refusal is PT_E_AUTH with NET_ERR_TOKEN_REFUSED and the status in the
 * message.  0, or -1 with err set.
 */
struct net_xoauth2_ops {
	int (*attempt)(void *, const struct pt_secret *, char *, size_t,
	    struct pt_error *);
	char *(*server_text)(void *);
};
int net_xoauth2_login(const struct net_link *, const struct net_xoauth2_ops *,
    void *, const struct pt_secret *, struct pt_error *);

#endif
