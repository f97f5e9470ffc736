/*
 * Declarations shared by the files of src/net only.
 */
#ifndef PETREL_NET_PRIVATE_H
#define PETREL_NET_PRIVATE_H

#include <sys/socket.h>

#include <gnutls/gnutls.h>
#include <netdb.h>

#include "petrel/net.h"

struct net_conn {
	char *host;
	int port;
	enum cfg_security security;
	enum net_proto proto;
	char *ca_file;
	char *pin;
	int connect_timeout_ms;
	int read_timeout_ms;
	int timeout_ms; /* what reads and writes wait now */

	struct net_cancel *cancel; /* borrowed, or own_cancel */
	struct net_cancel *own_cancel;
	struct pt_error *status; /* borrowed, never NULL */
	struct pt_error own_status;

	struct addrinfo *ai;
	char addrs[256];
	char peer[64];
	int fd;

	gnutls_session_t tls;
	gnutls_certificate_credentials_t cred;
	int tls_up;             /* the handshake succeeded */
	int handshake;          /* inside the handshake */
	int failed;             /* a transport failure was recorded */
	int closed;             /* close was called */
	size_t received;        /* bytes received in total */
	size_t budget;          /* net_stream_budget: 0 is no limit */
	size_t budget_used;     /* received since the budget was set */
	unsigned char first[8]; /* the first bytes the server sent */
	size_t nfirst;
	struct net_cert_info cert;
};

/* cancel.c */
int net_cancel_fd(const struct net_cancel *);

/* connect.c */
int net_conn_fail(struct net_conn *, enum pt_errclass, int, const char *, ...)
    PT_PRINTF(4, 5);
const char *net_proto_name(enum net_proto);
int net_proto_tls_port(enum net_proto);
int net_proto_starttls_port(enum net_proto);
int net_looks_like_text(const unsigned char *, size_t);
int net_looks_like_tls(const unsigned char *, size_t);
/* Keeps the first bytes the server sent, for the heuristics above. */
void net_conn_record(struct net_conn *, const void *, size_t);

/*
 * Waits until fd is ready for events (POLLIN/POLLOUT) or the cancel
 * token fires, for at most ms milliseconds (-1: forever).  Returns 1
 * ready, 0 timed out, -1 cancelled (errno unchanged), -2 poll error.
 */
int net_wait(struct net_conn *, short, int);
/* Milliseconds of CLOCK_MONOTONIC. */
long long net_now_ms(void);
/* "1 second", "15 seconds" (ms rounded up) into buf; returns buf. */
char *net_seconds(int, char *, size_t);

/* tls.c */
void net_tls_release(struct net_conn *);
int net_tls_fingerprint(const gnutls_datum_t *, char *, size_t);

#endif
