/*
 * struct net_conn: resolving the server's name and opening the TCP
 * connection with a timeout and a cancel token, plus the helpers that
 * turn transport failures into plain-language errors.  struct net_link:
 * the steps the IMAP and SMTP sessions take on their connection.
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/net.h"

#include "private.h"

static int net_addr_is_loopback(const struct sockaddr *);
static void net_addr_string(const struct sockaddr *, char *, size_t);
static int net_connect_one(struct net_conn *, const struct addrinfo *,
    long long, int *);

void
net_params_from_account(struct net_params *p, const struct cfg_account *acct,
    enum net_proto proto)
{
	const struct cfg_server *srv;
	int ct, rt;

	memset(p, 0, sizeof *p);
	srv = proto == NET_PROTO_SMTP ? &acct->smtp : &acct->imap;
	p->host = srv->host;
	p->port = srv->port;
	p->security = srv->security;
	p->proto = proto;
	p->ca_file = acct->ca_file;
	p->pin =
	    proto == NET_PROTO_SMTP ? acct->smtp_tls_pin : acct->imap_tls_pin;
	ct = acct->connect_timeout > 0 ? acct->connect_timeout
				       : NET_CONNECT_TIMEOUT_DEFAULT;
	rt = acct->read_timeout > 0 ? acct->read_timeout
				    : NET_READ_TIMEOUT_DEFAULT;
	p->connect_timeout_ms = ct * 1000;
	p->read_timeout_ms = rt * 1000;
	p->oauth_token_command = acct->oauth_token_command;
}

struct net_conn *
net_conn_new(const struct net_params *p, struct net_cancel *cancel,
    struct pt_error *status)
{
	struct net_conn *c;

	c = pt_xcalloc(1, sizeof *c);
	c->host = pt_xstrdup(p->host != NULL ? p->host : "");
	c->port = p->port;
	c->security = p->security;
	c->proto = p->proto;
	c->ca_file = p->ca_file != NULL ? pt_xstrdup(p->ca_file) : NULL;
	c->pin = p->pin != NULL ? pt_xstrdup(p->pin) : NULL;
	c->connect_timeout_ms = p->connect_timeout_ms > 0
				    ? p->connect_timeout_ms
				    : NET_CONNECT_TIMEOUT_DEFAULT * 1000;
	c->read_timeout_ms = p->read_timeout_ms > 0
				 ? p->read_timeout_ms
				 : NET_READ_TIMEOUT_DEFAULT * 1000;
	c->timeout_ms = c->connect_timeout_ms;
	c->cancel = cancel;
	if (c->cancel == NULL) {
		/* mailstream_cancel() must work even without a token. */
		c->own_cancel = net_cancel_new(NULL);
		c->cancel = c->own_cancel;
	}
	c->status = status != NULL ? status : &c->own_status;
	pt_error_init(c->status);
	c->fd = -1;
	return c;
}

void
net_conn_free(struct net_conn **cp)
{
	struct net_conn *c;

	if (cp == NULL || *cp == NULL)
		return;
	c = *cp;
	net_tls_release(c);
	if (c->fd != -1)
		close(c->fd);
	if (c->ai != NULL)
		freeaddrinfo(c->ai);
	free(c->host);
	free(c->ca_file);
	free(c->pin);
	net_cancel_free(&c->own_cancel);
	free(c);
	*cp = NULL;
}

/*
 * Records a transport failure in the connection's status (the first one
 * wins: later failures are consequences) and returns -1.
 */
int
net_conn_fail(struct net_conn *c, enum pt_errclass class, int code,
    const char *fmt, ...)
{
	va_list ap;
	char msg[sizeof c->status->msg];

	if (c->failed)
		return -1;
	c->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	pt_error_set(c->status, class, code, "%s", msg);
	return -1;
}

const char *
net_errcode_name(int code)
{
	static const char *const names[] = {"dns", "dns-temp", "refused",
	    "connect-timeout", "unreachable", "connect", "timeout", "silent",
	    "eof", "io", "cancelled", "wants-starttls", "wants-tls", "tls",
	    "tls-timeout", "cert", "pin-mismatch", "ca-file", "insecure",
	    "no-starttls", "starttls-refused", "starttls-injected", "preauth",
	    "no-xoauth2", "token-refused", "too-big"};
	_Static_assert(PT_NELEM(names) == NET_ERR_TOO_BIG - NET_ERR_DNS + 1,
	    "one name per net_errcode");

	if (code < NET_ERR_DNS || code > NET_ERR_TOO_BIG)
		return NULL;
	return names[code - NET_ERR_DNS];
}

const char *
net_proto_name(enum net_proto proto)
{
	switch (proto) {
	case NET_PROTO_IMAP:
		return "IMAP";
	case NET_PROTO_SMTP:
		return "SMTP";
	default:
		return "";
	}
}

int
net_proto_tls_port(enum net_proto proto)
{
	return proto == NET_PROTO_SMTP ? 465 : 993;
}

int
net_proto_starttls_port(enum net_proto proto)
{
	return proto == NET_PROTO_SMTP ? 587 : 143;
}

/* The first bytes of a plain-text greeting: "* OK", "220 ", "+OK". */
int
net_looks_like_text(const unsigned char *b, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!(isprint(b[i]) || b[i] == '\r' || b[i] == '\n' ||
			b[i] == '\t'))
			return 0;
	return 1;
}

/* A TLS record header: handshake (22) or alert (21), version 3.x. */
int
net_looks_like_tls(const unsigned char *b, size_t n)
{
	return n >= 2 && (b[0] == 0x15 || b[0] == 0x16) && b[1] == 0x03;
}

void
net_conn_record(struct net_conn *c, const void *buf, size_t n)
{
	const unsigned char *b = buf;
	size_t k;

	for (k = 0; k < n && c->nfirst < sizeof c->first; k++)
		c->first[c->nfirst++] = b[k];
}

char *
net_seconds(int ms, char *buf, size_t len)
{
	int secs = (ms + 999) / 1000;

	snprintf(buf, len, ngettext_("%d second", "%d seconds", secs), secs);
	return buf;
}

long long
net_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
net_wait(struct net_conn *c, short events, int ms)
{
	struct pollfd pfd[2];
	nfds_t n = 1;
	long long deadline;

	deadline = ms < 0 ? -1 : net_now_ms() + ms;
	pfd[0].fd = c->fd;
	pfd[0].events = events;
	if (c->cancel != NULL) {
		pfd[1].fd = net_cancel_fd(c->cancel);
		pfd[1].events = POLLIN;
		n = 2;
	}
	for (;;) {
		long long left = -1;
		int r;

		if (net_cancel_fired(c->cancel))
			return -1;
		if (deadline >= 0) {
			left = deadline - net_now_ms();
			if (left < 0)
				left = 0;
		}
		pfd[0].revents = 0;
		if (n == 2)
			pfd[1].revents = 0;
		r = poll(pfd, n, (int)left);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return -2;
		}
		if (n == 2 && pfd[1].revents != 0)
			return -1;
		if (r == 0)
			return 0;
		/* POLLERR/POLLHUP: let the next read or write say what. */
		return 1;
	}
}

int
net_conn_resolve(struct net_conn *c, struct pt_error *err)
{
	struct addrinfo hints, *ai;
	char port[16], one[INET6_ADDRSTRLEN];
	size_t len;
	int r;

	if (c->ai != NULL)
		return 0;
	if (c->host[0] == '\0')
		return pt_error_set(err, PT_E_CONFIG, NET_ERR_DNS,
		    _("no server name is configured"));
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	snprintf(port, sizeof port, "%d", c->port);
	r = getaddrinfo(c->host, port, &hints, &c->ai);
	if (net_cancel_fired(c->cancel)) {
		if (r == 0) {
			freeaddrinfo(c->ai);
			c->ai = NULL;
		}
		return pt_error_set(err, PT_E_CANCELLED, NET_ERR_CANCELLED,
		    _("cancelled"));
	}
	if (r != 0) {
		c->ai = NULL;
		if (r == EAI_AGAIN)
			return pt_error_set(err, PT_E_NET, NET_ERR_DNS_TEMP,
			    _("could not look up '%s': the name server did not "
			      "answer; check that you are online and try "
			      "again"),
			    c->host);
		if (r == EAI_SYSTEM)
			return pt_error_set(err, PT_E_NET, NET_ERR_DNS,
			    _("could not look up '%s': %s"), c->host,
			    strerror(errno));
		pt_error_set(err, PT_E_NET, NET_ERR_DNS,
		    _("the server name '%s' was not found (DNS): check the "
		      "spelling of the host name"),
		    c->host);
		pt_error_detail(err, "getaddrinfo: %s", gai_strerror(r));
		return -1;
	}
	c->addrs[0] = '\0';
	for (ai = c->ai; ai != NULL; ai = ai->ai_next) {
		net_addr_string(ai->ai_addr, one, sizeof one);
		if (strstr(c->addrs, one) != NULL)
			continue;
		len = strlen(c->addrs);
		snprintf(c->addrs + len, sizeof c->addrs - len, "%s%s",
		    len > 0 ? ", " : "", one);
	}
	return 0;
}

const char *
net_conn_addresses(const struct net_conn *c)
{
	return c->addrs;
}

const char *
net_conn_peer(const struct net_conn *c)
{
	return c->peer;
}

static void
net_addr_string(const struct sockaddr *sa, char *buf, size_t len)
{
	const void *a;

	if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	else
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	if (inet_ntop(sa->sa_family, a, buf, (socklen_t)len) == NULL)
		pt_strlcpy(buf, "?", len);
}

int
net_conn_local_literal(const struct net_conn *c, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t slen = sizeof ss;
	char a[INET6_ADDRSTRLEN];

	if (c->fd == -1 ||
	    getsockname(c->fd, (struct sockaddr *)&ss, &slen) == -1)
		return -1;
	net_addr_string((struct sockaddr *)&ss, a, sizeof a);
	if (ss.ss_family == AF_INET6)
		snprintf(buf, len, "[IPv6:%s]", a);
	else
		snprintf(buf, len, "[%s]", a);
	return 0;
}

static int
net_addr_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in =
		    (const struct sockaddr_in *)(const void *)sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
		    (const struct sockaddr_in6 *)(const void *)sa;

		if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return 1;
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
			return in6->sin6_addr.s6_addr[12] == 127;
	}
	return 0;
}

int
net_host_is_loopback(const char *host)
{
	struct addrinfo hints, *res, *ai;
	int ok;

	if (host == NULL || *host == '\0')
		return 0;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return 0;
	ok = 1;
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if (!net_addr_is_loopback(ai->ai_addr))
			ok = 0;
	freeaddrinfo(res);
	return ok;
}

/*
 * Tries one address.  Returns 0 connected, else -1 with *why set to a
 * NET_ERR_* code (errno is kept for the detail).
 */
static int
net_connect_one(struct net_conn *c, const struct addrinfo *ai,
    long long deadline, int *why)
{
	int fd, r, soerr;
	socklen_t slen;
	long long left;

	fd = socket(ai->ai_family,
	    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1) {
		*why = NET_ERR_CONNECT;
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		goto connected;
	if (errno != EINPROGRESS) {
		soerr = errno;
		goto failed;
	}
	c->fd = fd;
	left = deadline - net_now_ms();
	r = net_wait(c, POLLOUT, left > 0 ? (int)left : 0);
	c->fd = -1;
	if (r == -1) {
		close(fd);
		*why = NET_ERR_CANCELLED;
		return -1;
	}
	if (r == 0) {
		close(fd);
		errno = ETIMEDOUT;
		*why = NET_ERR_CONNECT_TIMEOUT;
		return -1;
	}
	soerr = 0;
	slen = sizeof soerr;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) == -1)
		soerr = errno;
	if (soerr == 0)
		goto connected;
failed:
	close(fd);
	errno = soerr;
	switch (soerr) {
	case ECONNREFUSED:
		*why = NET_ERR_REFUSED;
		break;
	case ETIMEDOUT:
		*why = NET_ERR_CONNECT_TIMEOUT;
		break;
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EADDRNOTAVAIL:
	case EAFNOSUPPORT:
		*why = NET_ERR_UNREACHABLE;
		break;
	default:
		*why = NET_ERR_CONNECT;
		break;
	}
	return -1;
connected:
	c->fd = fd;
	net_addr_string(ai->ai_addr, c->peer, sizeof c->peer);
	return 0;
}

/* Which failure to report when several addresses failed differently. */
static int
net_why_rank(int why)
{
	switch (why) {
	case NET_ERR_REFUSED:
		return 4;
	case NET_ERR_CONNECT_TIMEOUT:
		return 3;
	case NET_ERR_CONNECT:
		return 2;
	case NET_ERR_UNREACHABLE:
		return 1;
	default:
		return 0;
	}
}

int
net_conn_connect(struct net_conn *c, struct pt_error *err)
{
	const struct addrinfo *ai;
	long long deadline;
	int why, best = 0, best_errno = 0;
	char secs[32];

	if (c->fd != -1)
		return 0;
	if (net_conn_resolve(c, err) == -1)
		return -1;
	if (c->security == CFG_SEC_NONE) {
		for (ai = c->ai; ai != NULL; ai = ai->ai_next)
			if (!net_addr_is_loopback(ai->ai_addr))
				return pt_error_set(err, PT_E_CONFIG,
				    NET_ERR_INSECURE,
				    _("security = none is only allowed for "
				      "test servers on this machine "
				      "(127.0.0.1), "
				      "and '%s' is not one: use security = tls "
				      "or starttls"),
				    c->host);
		pt_warn(_("WARNING: connecting to %s port %d WITHOUT "
			  "encryption (security = none, test servers only)"),
		    c->host, c->port);
	}
	deadline = net_now_ms() + c->connect_timeout_ms;
	for (ai = c->ai; ai != NULL; ai = ai->ai_next) {
		if (net_connect_one(c, ai, deadline, &why) == 0)
			return 0;
		if (why == NET_ERR_CANCELLED)
			return pt_error_set(err, PT_E_CANCELLED,
			    NET_ERR_CANCELLED, _("cancelled"));
		if (best == 0 || net_why_rank(why) > net_why_rank(best)) {
			best = why;
			best_errno = errno;
		}
		if (net_now_ms() >= deadline)
			break;
	}
	switch (best) {
	case NET_ERR_REFUSED:
		return pt_error_set(err, PT_E_NET, best,
		    _("the connection to %s port %d was refused: nothing is "
		      "listening on that port; check the port number"),
		    c->host, c->port);
	case NET_ERR_CONNECT_TIMEOUT:
		return pt_error_set(err, PT_E_NET, best,
		    _("no answer from %s port %d within %s: a "
		      "firewall may be blocking that port, or the server is "
		      "down"),
		    c->host, c->port,
		    net_seconds(c->connect_timeout_ms, secs, sizeof secs));
	case NET_ERR_UNREACHABLE:
		return pt_error_set(err, PT_E_NET, best,
		    _("%s is unreachable (%s): check that you are online"),
		    c->host, strerror(best_errno));
	default:
		return pt_error_set(err, PT_E_NET, NET_ERR_CONNECT,
		    _("cannot connect to %s port %d: %s"), c->host, c->port,
		    strerror(best_errno));
	}
}

void
net_conn_established(struct net_conn *c)
{
	c->timeout_ms = c->read_timeout_ms;
}

int
net_conn_is_tls(const struct net_conn *c)
{
	return c->tls_up;
}

const struct net_cert_info *
net_conn_cert(const struct net_conn *c)
{
	return &c->cert;
}

void
net_link_init(struct net_link *l, const struct net_params *p,
    enum net_proto proto, struct net_cancel *cancel)
{
	memset(l, 0, sizeof *l);
	l->params = *p;
	l->host = pt_xstrdup(p->host != NULL ? p->host : "");
	l->ca_file = p->ca_file != NULL ? pt_xstrdup(p->ca_file) : NULL;
	l->pin = p->pin != NULL ? pt_xstrdup(p->pin) : NULL;
	l->params.host = l->host;
	l->params.ca_file = l->ca_file;
	l->params.pin = l->pin;
	l->oauth_token_command = p->oauth_token_command != NULL
				     ? pt_xstrdup(p->oauth_token_command)
				     : NULL;
	l->params.oauth_token_command = l->oauth_token_command;
	l->params.proto = proto;
	pt_error_init(&l->status);
	l->conn = net_conn_new(&l->params, cancel, &l->status);
	l->conn_owned = 1;
}

void
net_link_release(struct net_link *l)
{
	if (l->conn_owned)
		net_conn_free(&l->conn);
	free(l->host);
	free(l->ca_file);
	free(l->pin);
	free(l->oauth_token_command);
	memset(l, 0, sizeof *l);
}

int
net_link_resolve(struct net_link *l, struct pt_error *err)
{
	int r;

	r = net_conn_resolve(l->conn, err);
	pt_strlcpy(l->addrs, net_conn_addresses(l->conn), sizeof l->addrs);
	return r;
}

int
net_link_connect(struct net_link *l, struct pt_error *err)
{
	int r;

	r = net_conn_connect(l->conn, err);
	pt_strlcpy(l->addrs, net_conn_addresses(l->conn), sizeof l->addrs);
	if (r == -1)
		return -1;
	pt_strlcpy(l->peer, net_conn_peer(l->conn), sizeof l->peer);
	return 0;
}

int
net_link_tls(struct net_link *l, struct pt_error *err)
{
	int r;

	if (l->conn == NULL)
		return pt_error_set(err, PT_E_INTERNAL, 0, _("not connected"));
	r = net_conn_tls_handshake(l->conn, err);
	l->cert = *net_conn_cert(l->conn);
	if (r == -1)
		return -1;
	l->tls_up = 1;
	return 0;
}

mailstream *
net_link_stream(struct net_link *l, struct pt_error *err)
{
	mailstream *stream;

	stream = net_conn_stream(l->conn, err);
	if (stream != NULL)
		l->conn_owned = 0;
	return stream;
}

int
net_link_require_tls(const struct net_link *l, struct pt_error *err)
{
	if (l->params.security == CFG_SEC_NONE || l->tls_up)
		return 0;
	return pt_error_set(err, PT_E_TLS, NET_ERR_NO_STARTTLS,
	    _("refusing to send the password: the connection to %s is not "
	      "encrypted"),
	    l->host);
}

int
net_link_lost(const struct net_link *l, const char *what, struct pt_error *err)
{
	if (l->status.class != PT_OK) {
		if (err != NULL)
			*err = l->status;
		return -1;
	}
	return pt_error_set(err, PT_E_NET, NET_ERR_EOF,
	    _("%s: the connection to %s was lost"), what, l->host);
}

int
net_link_injected(const struct net_link *l, mailstream *stream,
    struct pt_error *err)
{
	if (stream == NULL || stream->read_buffer_len == 0)
		return 0;
	return pt_error_set(err, PT_E_TLS, NET_ERR_STARTTLS_INJECTED,
	    _("%s sent unexpected data right after agreeing to STARTTLS: "
	      "someone may be tampering with the connection, so petrel "
	      "stopped before sending anything"),
	    l->host);
}

int
net_pin_check(const char *pin, struct pt_error *err)
{
	const char *p;
	size_t n = 0;

	if (pin == NULL || strncasecmp(pin, "sha256:", 7) != 0)
		goto bad;
	for (p = pin + 7; *p != '\0'; p++) {
		if (*p == ':' && n > 0 && n % 2 == 0 && p[-1] != ':' &&
		    p[1] != '\0')
			continue;
		if (!isxdigit((unsigned char)*p) || ++n > 64)
			goto bad;
	}
	if (n == 64)
		return 0;
bad:
	return pt_error_set(err, PT_E_CONFIG, 0,
	    _("a certificate pin must look like sha256: followed by 64 "
	      "hexadecimal digits"));
}
