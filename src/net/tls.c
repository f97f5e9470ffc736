/*
 * The TLS session, run by petrel with GnuTLS: trust (system store, the
 * account's ca_file), host-name verification, SNI, TLS 1.2 or newer,
 * certificate pins, and the certificate details shown to the user.
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "petrel/core.h"
#include "petrel/net.h"

#include "private.h"

#define NET_TLS_PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

static ssize_t net_tls_pull(gnutls_transport_ptr_t, void *, size_t);
static ssize_t net_tls_push(gnutls_transport_ptr_t, const void *, size_t);
static int net_tls_pull_timeout(gnutls_transport_ptr_t, unsigned int);
static int net_tls_verify(gnutls_session_t);
static void net_tls_cert_fill(struct net_conn *, const gnutls_datum_t *);
static void net_tls_reason(struct net_conn *);
static int net_tls_fail(struct net_conn *, int, struct pt_error *);
static int net_is_ip_literal(const char *);
static int net_pin_matches(const char *, const char *);

void
net_tls_release(struct net_conn *c)
{
	if (c->tls != NULL) {
		gnutls_deinit(c->tls);
		c->tls = NULL;
	}
	if (c->cred != NULL) {
		gnutls_certificate_free_credentials(c->cred);
		c->cred = NULL;
	}
	c->tls_up = 0;
}

static int
net_is_ip_literal(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 ||
	       inet_pton(AF_INET6, host, buf) == 1;
}

/* Transport functions: they record the first bytes the server sends. */
static ssize_t
net_tls_pull(gnutls_transport_ptr_t ptr, void *buf, size_t len)
{
	struct net_conn *c = ptr;
	ssize_t n;

	n = recv(c->fd, buf, len, 0);
	if (n > 0) {
		net_conn_record(c, buf, (size_t)n);
		c->received += (size_t)n;
	} else if (n == -1)
		gnutls_transport_set_errno(c->tls, errno);
	return n;
}

static ssize_t
net_tls_push(gnutls_transport_ptr_t ptr, const void *buf, size_t len)
{
	struct net_conn *c = ptr;
	ssize_t n;

	n = send(c->fd, buf, len, MSG_NOSIGNAL);
	if (n == -1)
		gnutls_transport_set_errno(c->tls, errno);
	return n;
}

static int
net_tls_pull_timeout(gnutls_transport_ptr_t ptr, unsigned int ms)
{
	struct net_conn *c = ptr;
	struct pollfd pfd;
	int r;

	pfd.fd = c->fd;
	pfd.events = POLLIN;
	do
		r = poll(&pfd, 1,
		    ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)ms);
	while (r == -1 && errno == EINTR);
	return r;
}

int
net_tls_fingerprint(const gnutls_datum_t *der, char *out, size_t outlen)
{
	unsigned char md[32];
	size_t mdlen = sizeof md, i;
	static const char hex[] = "0123456789abcdef";

	if (outlen < 7 + 64 + 1 ||
	    gnutls_fingerprint(GNUTLS_DIG_SHA256, der, md, &mdlen) < 0 ||
	    mdlen != sizeof md)
		return -1;
	memcpy(out, "sha256:", 7);
	for (i = 0; i < mdlen; i++) {
		out[7 + 2 * i] = hex[md[i] >> 4];
		out[7 + 2 * i + 1] = hex[md[i] & 15];
	}
	out[7 + 64] = '\0';
	return 0;
}

static void
net_tls_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (t == (time_t)-1 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		pt_strlcpy(buf, "?", len);
}

static void
net_tls_cert_fill(struct net_conn *c, const gnutls_datum_t *der)
{
	gnutls_x509_crt_t crt;
	gnutls_datum_t dn;

	c->cert.valid = 1;
	if (net_tls_fingerprint(der, c->cert.sha256, sizeof c->cert.sha256) ==
	    -1)
		pt_strlcpy(c->cert.sha256, "?", sizeof c->cert.sha256);
	if (gnutls_x509_crt_init(&crt) < 0)
		return;
	if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(crt);
		return;
	}
	if (gnutls_x509_crt_get_dn3(crt, &dn, 0) >= 0) {
		char *s = pt_sanitize_line((const char *)dn.data, dn.size);

		pt_strlcpy(c->cert.subject, s, sizeof c->cert.subject);
		free(s);
		gnutls_free(dn.data);
	}
	if (gnutls_x509_crt_get_issuer_dn3(crt, &dn, 0) >= 0) {
		char *s = pt_sanitize_line((const char *)dn.data, dn.size);

		pt_strlcpy(c->cert.issuer, s, sizeof c->cert.issuer);
		free(s);
		gnutls_free(dn.data);
	}
	net_tls_time(gnutls_x509_crt_get_activation_time(crt),
	    c->cert.not_before, sizeof c->cert.not_before);
	net_tls_time(gnutls_x509_crt_get_expiration_time(crt),
	    c->cert.not_after, sizeof c->cert.not_after);
	c->cert.self_signed = gnutls_x509_crt_check_issuer(crt, crt) != 0;
	gnutls_x509_crt_deinit(crt);
}

static void
net_tls_add(char *buf, size_t len, const char *what)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s", n > 0 ? "; " : "", what);
}

/* The translated reasons for c->cert.status, most useful first. */
static void
net_tls_reason(struct net_conn *c)
{
	unsigned st = c->cert.status;
	char *r = c->cert.reason, one[160];
	size_t len = sizeof c->cert.reason;

	r[0] = '\0';
	c->cert.problems = 0;
	if (st & GNUTLS_CERT_UNEXPECTED_OWNER)
		c->cert.problems |= NET_CERT_WRONG_HOST;
	if (st & GNUTLS_CERT_EXPIRED)
		c->cert.problems |= NET_CERT_EXPIRED;
	if (st & GNUTLS_CERT_NOT_ACTIVATED)
		c->cert.problems |= NET_CERT_NOT_YET_VALID;
	if (st & GNUTLS_CERT_REVOKED)
		c->cert.problems |= NET_CERT_REVOKED;
	if (st & GNUTLS_CERT_INSECURE_ALGORITHM)
		c->cert.problems |= NET_CERT_INSECURE;
	if (st & GNUTLS_CERT_SIGNER_NOT_FOUND)
		c->cert.problems |= c->cert.self_signed ? NET_CERT_SELF_SIGNED
							: NET_CERT_UNTRUSTED;
	if (c->cert.problems == 0 && st != 0)
		c->cert.problems = NET_CERT_OTHER;
	if (st & GNUTLS_CERT_UNEXPECTED_OWNER) {
		snprintf(one, sizeof one,
		    _("it was issued for another host name, not '%s'"),
		    c->host);
		net_tls_add(r, len, one);
	}
	if (st & GNUTLS_CERT_EXPIRED) {
		snprintf(one, sizeof one, _("it expired on %s"),
		    c->cert.not_after);
		net_tls_add(r, len, one);
	}
	if (st & GNUTLS_CERT_NOT_ACTIVATED) {
		snprintf(one, sizeof one,
		    _("it is not valid before %s (is this computer's clock "
		      "right?)"),
		    c->cert.not_before);
		net_tls_add(r, len, one);
	}
	if (st & GNUTLS_CERT_REVOKED)
		net_tls_add(r, len, _("it has been revoked"));
	if ((st & GNUTLS_CERT_SIGNER_NOT_FOUND) && c->cert.self_signed)
		net_tls_add(r, len,
		    _("it is self-signed: no certificate authority vouches "
		      "for it"));
	else if (st & GNUTLS_CERT_SIGNER_NOT_FOUND)
		net_tls_add(r, len,
		    _("it was issued by an authority this computer does not "
		      "trust (unknown issuer)"));
	if (st & GNUTLS_CERT_SIGNER_NOT_CA)
		net_tls_add(r, len,
		    _("its issuer is not a certificate "
		      "authority"));
	if (st & GNUTLS_CERT_INSECURE_ALGORITHM)
		net_tls_add(r, len,
		    _("it is signed with an insecure "
		      "algorithm"));
	if (st & GNUTLS_CERT_SIGNATURE_FAILURE)
		net_tls_add(r, len, _("its signature is not valid"));
	if (st & GNUTLS_CERT_PURPOSE_MISMATCH)
		net_tls_add(r, len, _("it is not meant for a server"));
	if (r[0] == '\0' && st != 0) {
		gnutls_datum_t out;

		if (gnutls_certificate_verification_status_print(st,
			GNUTLS_CRT_X509, &out, 0) >= 0) {
			net_tls_add(r, len, (const char *)out.data);
			gnutls_free(out.data);
		} else
			net_tls_add(r, len, _("it could not be verified"));
	}
}

/*
 * 1 when pin ("sha256:" and 64 hex digits, any case, colons allowed
 * between bytes) names the fingerprint fp ("sha256:<lower-case hex>").
 */
static int
net_pin_matches(const char *pin, const char *fp)
{
	const char *p;
	size_t n = 0;

	if (strncasecmp(pin, "sha256:", 7) != 0 ||
	    strncmp(fp, "sha256:", 7) != 0)
		return 0;
	for (p = pin + 7; *p != '\0'; p++) {
		if (*p == ':')
			continue;
		if (n >= 64 || tolower((unsigned char)*p) != fp[7 + n])
			return 0;
		n++;
	}
	return n == 64 && fp[7 + 64] == '\0';
}

/*
 * Called by GnuTLS during the handshake, once the server's certificates
 * arrived: verifies them, fills c->cert and decides, honouring the pin.
 */
static int
net_tls_verify(gnutls_session_t s)
{
	struct net_conn *c = gnutls_session_get_ptr(s);
	const gnutls_datum_t *chain;
	unsigned int n = 0, status = 0;
	int r;

	chain = gnutls_certificate_get_peers(s, &n);
	if (chain == NULL || n == 0) {
		c->cert.status = GNUTLS_CERT_INVALID;
		pt_strlcpy(c->cert.reason, _("the server sent no certificate"),
		    sizeof c->cert.reason);
		return GNUTLS_E_CERTIFICATE_ERROR;
	}
	net_tls_cert_fill(c, &chain[0]);
	r = gnutls_certificate_verify_peers3(s, c->host, &status);
	if (r < 0)
		status |= GNUTLS_CERT_INVALID;
	c->cert.status = status;
	if (status != 0)
		net_tls_reason(c);
	if (c->pin != NULL) {
		if (net_pin_matches(c->pin, c->cert.sha256)) {
			c->cert.pinned = 1;
			if (status != 0)
				pt_info(_("%s: certificate accepted by its pin "
					  "although %s"),
				    c->host, c->cert.reason);
			return 0;
		}
		return GNUTLS_E_CERTIFICATE_ERROR;
	}
	return status == 0 ? 0 : GNUTLS_E_CERTIFICATE_ERROR;
}

/* Turns a failed handshake into the error the user sees. */
static int
net_tls_fail(struct net_conn *c, int r, struct pt_error *err)
{
	const char *proto = net_proto_name(c->proto);

	if (c->cert.valid && c->pin != NULL && !c->cert.pinned &&
	    (r == GNUTLS_E_CERTIFICATE_ERROR ||
		r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR)) {
		pt_error_set(err, PT_E_TLS, NET_ERR_PIN_MISMATCH,
		    _("the certificate of %s CHANGED since you trusted it "
		      "(it no longer matches the pin): this may be an attack; "
		      "do not connect unless you know why it changed"),
		    c->host);
		pt_error_detail(err,
		    "pinned %s, got %s (subject %s, issuer %s)", c->pin,
		    c->cert.sha256, c->cert.subject, c->cert.issuer);
		return -1;
	}
	if (c->cert.status != 0 &&
	    (r == GNUTLS_E_CERTIFICATE_ERROR ||
		r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR)) {
		pt_error_set(err, PT_E_TLS, NET_ERR_CERT,
		    _("the certificate of %s was rejected: %s"), c->host,
		    c->cert.reason);
		pt_error_detail(err,
		    "subject %s; issuer %s; valid %s to %s; %s",
		    c->cert.subject, c->cert.issuer, c->cert.not_before,
		    c->cert.not_after, c->cert.sha256);
		return -1;
	}
	if (c->nfirst > 0 && net_looks_like_text(c->first, c->nfirst) &&
	    !net_looks_like_tls(c->first, c->nfirst)) {
		pt_error_set(err, PT_E_TLS, NET_ERR_WANTS_STARTTLS,
		    _("%s port %d answered in plain text, not TLS: this port "
		      "expects STARTTLS, not SSL/TLS; try security = starttls "
		      "(usually port %d for %s)"),
		    c->host, c->port, net_proto_starttls_port(c->proto), proto);
		pt_error_detail(err, "gnutls: %s", gnutls_strerror(r));
		return -1;
	}
	if (r == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		pt_error_set(err, PT_E_TLS, NET_ERR_TLS,
		    _("the TLS handshake with %s failed: the server refused "
		      "it (%s); it may only offer old TLS versions, which "
		      "petrel does not accept"),
		    c->host, gnutls_alert_get_name(gnutls_alert_get(c->tls)));
		return -1;
	}
	if (c->received == 0 &&
	    (r == GNUTLS_E_PREMATURE_TERMINATION || r == GNUTLS_E_PUSH_ERROR ||
		r == GNUTLS_E_PULL_ERROR)) {
		pt_error_set(err, PT_E_TLS, NET_ERR_TLS,
		    _("%s port %d closed the connection at the start of the "
		      "TLS handshake: check the port and the security setting "
		      "(SSL/TLS is usually port %d, STARTTLS port %d)"),
		    c->host, c->port, net_proto_tls_port(c->proto),
		    net_proto_starttls_port(c->proto));
		pt_error_detail(err, "gnutls: %s", gnutls_strerror(r));
		return -1;
	}
	pt_error_set(err, PT_E_TLS, NET_ERR_TLS,
	    _("the TLS handshake with %s failed: %s"), c->host,
	    gnutls_strerror(r));
	return -1;
}

int
net_conn_tls_handshake(struct net_conn *c, struct pt_error *err)
{
	const char *errpos = NULL;
	long long deadline, left;
	int r, w;
	char secs[32];

	if (c->fd == -1)
		return pt_error_set(err, PT_E_INTERNAL, 0,
		    _("TLS handshake without a connection"));
	if (c->tls_up)
		return 0;
	net_tls_release(c);
	memset(&c->cert, 0, sizeof c->cert);
	c->nfirst = 0;
	c->received = 0;

	if (gnutls_certificate_allocate_credentials(&c->cred) < 0)
		return pt_error_set(err, PT_E_INTERNAL, 0,
		    _("cannot set up TLS (out of memory)"));
	r = gnutls_certificate_set_x509_system_trust(c->cred);
	if (r < 0)
		pt_warn(_("cannot load the system trust store: %s"),
		    gnutls_strerror(r));
	if (c->ca_file != NULL) {
		r = gnutls_certificate_set_x509_trust_file(c->cred, c->ca_file,
		    GNUTLS_X509_FMT_PEM);
		if (r <= 0) {
			pt_error_set(err, PT_E_CONFIG, NET_ERR_CA_FILE,
			    _("cannot use ca_file '%s': %s"), c->ca_file,
			    r < 0 ? gnutls_strerror(r)
				  : _("it contains no certificate"));
			net_tls_release(c);
			return -1;
		}
	}
	gnutls_certificate_set_verify_function(c->cred, net_tls_verify);

	r = gnutls_init(&c->tls,
	    GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL);
	if (r < 0) {
		c->tls = NULL;
		net_tls_release(c);
		return pt_error_set(err, PT_E_INTERNAL, r,
		    _("cannot set up TLS: %s"), gnutls_strerror(r));
	}
	r = gnutls_priority_set_direct(c->tls, NET_TLS_PRIORITY, &errpos);
	if (r >= 0)
		r = gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE,
		    c->cred);
	if (r >= 0 && !net_is_ip_literal(c->host))
		r = gnutls_server_name_set(c->tls, GNUTLS_NAME_DNS, c->host,
		    strlen(c->host));
	if (r < 0) {
		net_tls_release(c);
		return pt_error_set(err, PT_E_INTERNAL, r,
		    _("cannot set up TLS: %s"), gnutls_strerror(r));
	}
	gnutls_session_set_ptr(c->tls, c);
	gnutls_transport_set_ptr(c->tls, c);
	gnutls_transport_set_pull_function(c->tls, net_tls_pull);
	gnutls_transport_set_push_function(c->tls, net_tls_push);
	gnutls_transport_set_pull_timeout_function(c->tls,
	    net_tls_pull_timeout);
	gnutls_handshake_set_timeout(c->tls, 0);

	net_seconds(c->connect_timeout_ms, secs, sizeof secs);
	deadline = net_now_ms() + c->connect_timeout_ms;
	c->handshake = 1;
	for (;;) {
		if (net_cancel_fired(c->cancel)) {
			r = 1;
			break;
		}
		r = gnutls_handshake(c->tls);
		if (r == GNUTLS_E_SUCCESS)
			break;
		if (r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED &&
		    gnutls_error_is_fatal(r))
			break;
		if (r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED)
			continue; /* a warning alert */
		left = deadline - net_now_ms();
		if (left <= 0) {
			r = 2;
			break;
		}
		w = net_wait(c,
		    gnutls_record_get_direction(c->tls) ? POLLOUT : POLLIN,
		    (int)left);
		if (w == -1) {
			r = 1;
			break;
		}
		if (w == 0) {
			r = 2;
			break;
		}
		if (w == -2) {
			r = GNUTLS_E_PULL_ERROR;
			break;
		}
	}
	c->handshake = 0;
	if (r == GNUTLS_E_SUCCESS) {
		const char *v = gnutls_protocol_get_name(
		    gnutls_protocol_get_version(c->tls));

		pt_strlcpy(c->cert.version, v != NULL ? v : "TLS",
		    sizeof c->cert.version);
		c->tls_up = 1;
		c->received = 0;
		return 0;
	}
	if (r == 1) {
		pt_error_set(err, PT_E_CANCELLED, NET_ERR_CANCELLED,
		    _("cancelled"));
	} else if (r == 2) {
		if (c->nfirst > 0 && net_looks_like_text(c->first, c->nfirst))
			net_tls_fail(c, GNUTLS_E_UNEXPECTED_PACKET, err);
		else
			pt_error_set(err, PT_E_NET, NET_ERR_TLS_TIMEOUT,
			    _("%s port %d accepted the connection but did not "
			      "answer the TLS handshake within %s: the "
			      "server may be overloaded, or something between "
			      "you and it is blocking the connection"),
			    c->host, c->port, secs);
	} else
		net_tls_fail(c, r, err);
	gnutls_deinit(c->tls);
	c->tls = NULL;
	/* Keep the credentials-free state consistent; cert info stays. */
	gnutls_certificate_free_credentials(c->cred);
	c->cred = NULL;
	return -1;
}
