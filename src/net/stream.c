/*
 * The mailstream_low driver over a struct net_conn: plain text until the
 * TLS handshake succeeds, TLS afterwards.  Every wait is a poll() on the
 * socket and the cancel token with the connection's timeout; every
 * failure returns -1 (never 0: libetpan reads 0 as "no data yet" and can
 * loop forever) and is recorded in the connection's status.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <gnutls/gnutls.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "petrel/core.h"
#include "petrel/net.h"

#include "private.h"

static ssize_t net_low_read(mailstream_low *, void *, size_t);
static ssize_t net_low_write(mailstream_low *, const void *, size_t);
static int net_low_close(mailstream_low *);
static int net_low_get_fd(mailstream_low *);
static void net_low_free(mailstream_low *);
static void net_low_cancel(mailstream_low *);
static struct mailstream_cancel *net_low_get_cancel(mailstream_low *);
static carray *net_low_get_certificate_chain(mailstream_low *);

static mailstream_low_driver net_low_driver = {
    .mailstream_read = net_low_read,
    .mailstream_write = net_low_write,
    .mailstream_close = net_low_close,
    .mailstream_get_fd = net_low_get_fd,
    .mailstream_free = net_low_free,
    .mailstream_cancel = net_low_cancel,
    .mailstream_get_cancel = net_low_get_cancel,
    .mailstream_get_certificate_chain = net_low_get_certificate_chain,
    .mailstream_setup_idle = NULL,
    .mailstream_unsetup_idle = NULL,
    .mailstream_interrupt_idle = NULL,
};

mailstream *
net_conn_stream(struct net_conn *c, struct pt_error *err)
{
	mailstream_low *low;
	mailstream *s;

	low = mailstream_low_new(c, &net_low_driver);
	if (low == NULL)
		goto nomem;
	s = mailstream_new(low, 8192);
	if (s == NULL) {
		free(low);
		goto nomem;
	}
	return s;
nomem:
	pt_error_set(err, PT_E_INTERNAL, 0, _("out of memory"));
	return NULL;
}

size_t
net_stream_discard_buffered(mailstream *s)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = s->read_buffer_len;
	s->read_buffer_len = 0;
	return n;
}

/* Records why a read or write failed; returns -1. */
static int
net_low_timeout(struct net_conn *c)
{
	char secs[32];

	net_seconds(c->timeout_ms, secs, sizeof secs);

	if (!c->tls_up && c->received == 0)
		return net_conn_fail(c, PT_E_NET, NET_ERR_SILENT,
		    _("%s port %d accepted the connection but sent no greeting "
		      "within %s: this port probably expects SSL/TLS "
		      "from the start, not STARTTLS; try security = tls "
		      "(usually port %d for %s)"),
		    c->host, c->port, secs, net_proto_tls_port(c->proto),
		    net_proto_name(c->proto));
	if (c->received == 0)
		return net_conn_fail(c, PT_E_NET, NET_ERR_TIMEOUT,
		    _("%s did not say anything within %s after the "
		      "connection was made: the server may be overloaded"),
		    c->host, secs);
	return net_conn_fail(c, PT_E_NET, NET_ERR_TIMEOUT,
	    _("%s stopped answering: nothing for %s (the "
	      "connection may have dropped)"),
	    c->host, secs);
}

static int
net_low_eof(struct net_conn *c)
{
	return net_conn_fail(c, PT_E_NET, NET_ERR_EOF,
	    _("%s closed the connection"), c->host);
}

static int
net_low_cancelled(struct net_conn *c)
{
	return net_conn_fail(c, PT_E_CANCELLED, NET_ERR_CANCELLED,
	    _("cancelled"));
}

static int
net_low_io(struct net_conn *c, int e)
{
	if (e == ECONNRESET || e == EPIPE)
		return net_conn_fail(c, PT_E_NET, NET_ERR_EOF,
		    _("%s closed the connection abruptly (%s)"), c->host,
		    strerror(e));
	return net_conn_fail(c, PT_E_NET, NET_ERR_IO,
	    _("network error talking to %s: %s"), c->host, strerror(e));
}

/*
 * Counts n received bytes against the budget: n, or -1 (recorded) when
 * they go past it.
 */
static ssize_t
net_low_spend(struct net_conn *c, ssize_t n)
{
	c->received += (size_t)n;
	if (c->budget == 0)
		return n;
	c->budget_used += (size_t)n;
	if (c->budget_used <= c->budget)
		return n;
	return net_conn_fail(c, PT_E_PROTO, NET_ERR_TOO_BIG,
	    _("%s sent more than %zu MB in one response; petrel stopped "
	      "reading it (a broken or hostile server?)"),
	    c->host, (c->budget + (1u << 20) - 1) >> 20);
}

void
net_stream_budget(mailstream *s, size_t max)
{
	mailstream_low *low;
	struct net_conn *c;

	if (s == NULL || (low = mailstream_get_low(s)) == NULL ||
	    low->driver != &net_low_driver || low->data == NULL)
		return;
	c = low->data;
	c->budget = max;
	c->budget_used = 0;
}

static int
net_low_tls_error(struct net_conn *c, ssize_t n)
{
	return net_conn_fail(c, PT_E_TLS, NET_ERR_TLS,
	    _("TLS error talking to %s: %s"), c->host, gnutls_strerror((int)n));
}

/*
 * Waits for the socket; returns 0 to try again, -1 (recorded) on
 * timeout, cancel or poll error.  deadline is absolute (ms).
 */
static int
net_low_wait(struct net_conn *c, short ev, long long deadline)
{
	long long left = deadline - net_now_ms();
	int r;

	if (left < 0)
		left = 0;
	r = net_wait(c, ev, (int)left);
	if (r == 1)
		return 0;
	if (r == 0)
		return net_low_timeout(c);
	if (r == -1)
		return net_low_cancelled(c);
	return net_low_io(c, errno);
}

/*
 * Before a read or write of len bytes: -1 when the connection already
 * failed or is cancelled (recorded), 0 when len is 0, else 1 with the
 * deadline (absolute, ms) the operation has.
 */
static int
net_low_start(struct net_conn *c, size_t len, long long *deadline)
{
	if (c->failed || c->fd == -1)
		return -1;
	if (net_cancel_fired(c->cancel))
		return net_low_cancelled(c);
	if (len == 0)
		return 0;
	*deadline = net_now_ms() + c->timeout_ms;
	return 1;
}

/*
 * After recv or send failed with errno: 0 to try again (interrupted, or
 * the socket is ready now), -1 (recorded) on an error, timeout or cancel.
 */
static int
net_low_again(struct net_conn *c, short ev, long long deadline)
{
	if (errno == EINTR)
		return 0;
	if (errno != EAGAIN && errno != EWOULDBLOCK)
		return net_low_io(c, errno);
	return net_low_wait(c, ev, deadline);
}

static ssize_t
net_low_read(mailstream_low *low, void *buf, size_t len)
{
	struct net_conn *c = low->data;
	long long deadline;
	ssize_t n;

	if ((n = net_low_start(c, len, &deadline)) <= 0)
		return n;
	for (;;) {
		if (c->tls_up) {
			n = gnutls_record_recv(c->tls, buf, len);
			if (n > 0)
				return net_low_spend(c, n);
			if (n == 0)
				return net_low_eof(c);
			if (n == GNUTLS_E_INTERRUPTED)
				continue;
			if (n == GNUTLS_E_AGAIN) {
				if (gnutls_record_check_pending(c->tls) > 0)
					continue;
				if (net_low_wait(c, POLLIN, deadline) == -1)
					return -1;
				continue;
			}
			if (n == GNUTLS_E_PREMATURE_TERMINATION)
				return net_low_eof(c);
			if (!gnutls_error_is_fatal((int)n))
				continue; /* e.g. a rehandshake request */
			return net_low_tls_error(c, n);
		}
		n = recv(c->fd, buf, len, 0);
		if (n > 0) {
			net_conn_record(c, buf, (size_t)n);
			if (c->received == 0 &&
			    net_looks_like_tls(c->first, c->nfirst))
				return net_conn_fail(c, PT_E_TLS,
				    NET_ERR_WANTS_TLS,
				    _("%s port %d answered with TLS, not plain "
				      "text: this port expects SSL/TLS from "
				      "the "
				      "start; try security = tls (usually port "
				      "%d for %s)"),
				    c->host, c->port,
				    net_proto_tls_port(c->proto),
				    net_proto_name(c->proto));
			return net_low_spend(c, n);
		}
		if (n == 0)
			return net_low_eof(c);
		if (net_low_again(c, POLLIN, deadline) == -1)
			return -1;
	}
}

static ssize_t
net_low_write(mailstream_low *low, const void *buf, size_t len)
{
	struct net_conn *c = low->data;
	long long deadline;
	ssize_t n;

	if ((n = net_low_start(c, len, &deadline)) <= 0)
		return n;
	for (;;) {
		if (c->tls_up) {
			/* On E_AGAIN, call again with the same buffer. */
			n = gnutls_record_send(c->tls, buf, len);
			if (n >= 0)
				return n;
			if (n == GNUTLS_E_INTERRUPTED)
				continue;
			if (n == GNUTLS_E_AGAIN) {
				if (net_low_wait(c, POLLOUT, deadline) == -1)
					return -1;
				continue;
			}
			return net_low_tls_error(c, n);
		}
		n = send(c->fd, buf, len, MSG_NOSIGNAL);
		if (n >= 0)
			return n;
		if (net_low_again(c, POLLOUT, deadline) == -1)
			return -1;
	}
}

static int
net_low_close(mailstream_low *low)
{
	struct net_conn *c = low->data;

	if (c->closed)
		return 0;
	c->closed = 1;
	if (c->tls_up && !c->failed)
		(void)gnutls_bye(c->tls, GNUTLS_SHUT_WR); /* one try only */
	if (c->fd != -1) {
		close(c->fd);
		c->fd = -1;
	}
	return 0;
}

static int
net_low_get_fd(mailstream_low *low)
{
	struct net_conn *c = low->data;

	return c->fd;
}

static void
net_low_free(mailstream_low *low)
{
	struct net_conn *c = low->data;

	net_conn_free(&c);
	free(low);
}

static void
net_low_cancel(mailstream_low *low)
{
	struct net_conn *c = low->data;

	net_cancel_fire(c->cancel);
}

static struct mailstream_cancel *
net_low_get_cancel(mailstream_low *low)
{
	(void)low;
	return NULL;
}

static carray *
net_low_get_certificate_chain(mailstream_low *low)
{
	struct net_conn *c = low->data;
	const gnutls_datum_t *certs;
	unsigned int n = 0, i;
	carray *a;

	if (!c->tls_up)
		return NULL;
	certs = gnutls_certificate_get_peers(c->tls, &n);
	if (certs == NULL)
		return NULL;
	a = carray_new(n > 0 ? n : 1);
	if (a == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		MMAPString *s = mmap_string_sized_new(certs[i].size);

		if (s == NULL)
			break;
		mmap_string_append_len(s, (const char *)certs[i].data,
		    certs[i].size);
		carray_add(a, s, NULL);
	}
	return a;
}
