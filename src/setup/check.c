/*
 * check.c: the live test of a server, step by step, for `petrel doctor`,
 * `petrel setup` and the wizard.
 *
 * The steps (resolve, TCP connect, STARTTLS, TLS handshake and
 * certificate, capabilities or EHLO, login, INBOX or AUTH) are run in
 * order and reported through a callback, one line each, so that the
 * command lines print them and the wizard draws them; the failure
 * (error and certificate) is kept so that the caller can act on it:
 * explain it, offer another port or security, show the certificate,
 * ask for the password again.  Built on imap/ and smtp/'s public steps.
 *
 * A probe (no password) stops before the login: it is how the wizard
 * tries an alternative port without spending one of the provider's
 * allowed failed logins.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/imap.h"
#include "petrel/net.h"
#include "petrel/smtp.h"

#include "private.h"

#define CHECK_OK   "\u2713" /* ✓ */
#define CHECK_FAIL "\u2717" /* ✗ */

struct check {
	const struct setup_check_params *cp;
	struct imap_session *imap;
	struct smtp_session *smtp;
	char detail[512];
};

typedef int (*check_fn)(struct check *, struct pt_error *);

struct check_step {
	char label[160];
	check_fn fn;
};

static void check_emit(const struct setup_check_params *, enum setup_line_kind,
    const char *, const char *, const struct setup_check_result *);
static void check_add(struct check_step *, size_t *, check_fn, const char *,
    ...) PT_PRINTF(4, 5);
static const struct net_cert_info *check_cert(const struct check *);
static void check_cert_detail(struct check *, const struct net_cert_info *);
static int check_imap_resolve(struct check *, struct pt_error *);
static int check_imap_connect(struct check *, struct pt_error *);
static int check_imap_starttls(struct check *, struct pt_error *);
static int check_imap_tls(struct check *, struct pt_error *);
static int check_imap_caps(struct check *, struct pt_error *);
static int check_imap_login(struct check *, struct pt_error *);
static int check_imap_inbox(struct check *, struct pt_error *);
static int check_smtp_resolve(struct check *, struct pt_error *);
static int check_smtp_connect(struct check *, struct pt_error *);
static int check_smtp_tls(struct check *, struct pt_error *);
static int check_smtp_ehlo(struct check *, struct pt_error *);
static int check_smtp_starttls(struct check *, struct pt_error *);
static int check_smtp_auth(struct check *, struct pt_error *);

const char *
setup_security_label(enum cfg_security sec)
{
	switch (sec) {
	case CFG_SEC_TLS:
		return _("SSL/TLS");
	case CFG_SEC_STARTTLS:
		return _("STARTTLS");
	case CFG_SEC_NONE:
		break;
	}
	return _("none (no encryption)");
}

static void
check_emit(const struct setup_check_params *cp, enum setup_line_kind kind,
    const char *label, const char *detail, const struct setup_check_result *res)
{
	struct setup_line l;

	if (cp->line == NULL)
		return;
	l.kind = kind;
	l.label = label;
	l.detail = detail != NULL ? detail : "";
	l.res = res;
	cp->line(cp->arg, &l);
}

void
setup_line_print(FILE *out, const struct setup_line *l)
{
	switch (l->kind) {
	case SETUP_LINE_HEAD:
		fprintf(out, "%s\n", l->label);
		break;
	case SETUP_LINE_OK:
		if (*l->detail != '\0')
			fprintf(out, "  %s %s: %s\n", CHECK_OK, l->label,
			    l->detail);
		else
			fprintf(out, "  %s %s\n", CHECK_OK, l->label);
		break;
	case SETUP_LINE_FAIL:
		fprintf(out, "  %s %s\n      %s\n", CHECK_FAIL, l->label,
		    l->detail);
		break;
	case SETUP_LINE_SKIP:
		fprintf(out, "  - %s: %s\n", l->label, l->detail);
		break;
	}
	fflush(out);
}

void
setup_cert_print(FILE *out, const struct net_cert_info *ci)
{
	if (!ci->valid)
		return;
	fprintf(out, "      %-10s %s\n", _("subject:"), ci->subject);
	fprintf(out, "      %-10s %s\n", _("issuer:"), ci->issuer);
	fprintf(out, "      %-10s %s \u2013 %s\n", _("valid:"), ci->not_before,
	    ci->not_after);
	fprintf(out, "      %-10s %s\n", _("SHA-256:"), ci->sha256 + 7);
}

static void
check_add(struct check_step *steps, size_t *n, check_fn fn, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(steps[*n].label, sizeof steps[*n].label, fmt, ap);
	va_end(ap);
	steps[*n].fn = fn;
	(*n)++;
}

static const struct net_cert_info *
check_cert(const struct check *c)
{
	if (c->imap != NULL)
		return imap_session_cert(c->imap);
	if (c->smtp != NULL)
		return smtp_session_cert(c->smtp);
	return NULL;
}

static void
check_cert_detail(struct check *c, const struct net_cert_info *ci)
{
	(void)snprintf(c->detail, sizeof c->detail,
	    _("%s, %s, valid until %s%s"), ci->version, ci->subject,
	    ci->not_after, ci->pinned ? _(" (trusted by your pin)") : "");
}

static int
check_imap_resolve(struct check *c, struct pt_error *err)
{
	if (imap_session_resolve(c->imap, err) == -1)
		return -1;
	pt_strlcpy(c->detail, imap_session_addresses(c->imap),
	    sizeof c->detail);
	return 0;
}

static int
check_imap_connect(struct check *c, struct pt_error *err)
{
	if (imap_session_connect(c->imap, err) == -1)
		return -1;
	(void)snprintf(c->detail, sizeof c->detail, _("connected to %s"),
	    imap_session_peer(c->imap));
	return 0;
}

static int
check_imap_starttls(struct check *c, struct pt_error *err)
{
	if (imap_session_greeting(c->imap, err) == -1 ||
	    imap_session_starttls(c->imap, err) == -1)
		return -1;
	pt_strlcpy(c->detail, _("offered and accepted"), sizeof c->detail);
	return 0;
}

static int
check_imap_tls(struct check *c, struct pt_error *err)
{
	if (imap_session_tls(c->imap, err) == -1)
		return -1;
	check_cert_detail(c, imap_session_cert(c->imap));
	return 0;
}

static int
check_imap_caps(struct check *c, struct pt_error *err)
{
	const char *caps;

	if (imap_session_greeting(c->imap, err) == -1 ||
	    imap_session_capabilities(c->imap, err) == -1)
		return -1;
	caps = imap_session_caps(c->imap);
	if (strlen(caps) > 60)
		(void)snprintf(c->detail, sizeof c->detail, "%.57s...", caps);
	else
		pt_strlcpy(c->detail, caps, sizeof c->detail);
	return 0;
}

static int
check_imap_login(struct check *c, struct pt_error *err)
{
	if (imap_session_login(c->imap, c->cp->username, c->cp->pw, err) == -1)
		return -1;
	pt_strlcpy(c->detail, imap_session_auth_mech(c->imap),
	    sizeof c->detail);
	return 0;
}

static int
check_imap_inbox(struct check *c, struct pt_error *err)
{
	uint32_t n = 0;

	if (imap_session_examine(c->imap, "INBOX", &n, err) == -1)
		return -1;
	(void)snprintf(c->detail, sizeof c->detail,
	    ngettext_("%u message", "%u messages", n), (unsigned)n);
	(void)imap_session_logout(c->imap, NULL);
	return 0;
}

static int
check_smtp_resolve(struct check *c, struct pt_error *err)
{
	if (smtp_session_resolve(c->smtp, err) == -1)
		return -1;
	pt_strlcpy(c->detail, smtp_session_addresses(c->smtp),
	    sizeof c->detail);
	return 0;
}

static int
check_smtp_connect(struct check *c, struct pt_error *err)
{
	if (smtp_session_connect(c->smtp, err) == -1)
		return -1;
	(void)snprintf(c->detail, sizeof c->detail, _("connected to %s"),
	    smtp_session_peer(c->smtp));
	return 0;
}

static int
check_smtp_tls(struct check *c, struct pt_error *err)
{
	if (smtp_session_tls(c->smtp, err) == -1)
		return -1;
	check_cert_detail(c, smtp_session_cert(c->smtp));
	return 0;
}

static int
check_smtp_ehlo(struct check *c, struct pt_error *err)
{
	if (smtp_session_greeting(c->smtp, err) == -1 ||
	    smtp_session_ehlo(c->smtp, err) == -1)
		return -1;
	pt_strlcpy(c->detail, smtp_session_exts(c->smtp), sizeof c->detail);
	return 0;
}

static int
check_smtp_starttls(struct check *c, struct pt_error *err)
{
	if (smtp_session_starttls(c->smtp, err) == -1)
		return -1;
	pt_strlcpy(c->detail, _("offered and accepted"), sizeof c->detail);
	return 0;
}

static int
check_smtp_auth(struct check *c, struct pt_error *err)
{
	if (smtp_session_auth(c->smtp, c->cp->username, c->cp->pw, err) == -1)
		return -1;
	pt_strlcpy(c->detail, smtp_session_auth_mech(c->smtp),
	    sizeof c->detail);
	(void)smtp_session_quit(c->smtp, NULL);
	return 0;
}

void
setup_check_result_init(struct setup_check_result *r)
{
	memset(r, 0, sizeof *r);
	pt_error_init(&r->err);
}

int
setup_check_server(const struct setup_check_params *cp, enum net_proto proto,
    const struct setup_server *srv, struct setup_check_result *res)
{
	struct net_params np;
	char head[SETUP_HOST_MAX + 128];

	memset(&np, 0, sizeof np);
	np.host = srv->host;
	np.port = srv->port;
	np.security = srv->security;
	np.proto = proto;
	np.ca_file = cp->ca_file;
	np.pin = proto == NET_PROTO_SMTP ? cp->smtp_pin : cp->imap_pin;
	np.oauth_token_command = cp->oauth_token_command;
	np.connect_timeout_ms = cp->connect_timeout_ms > 0
				    ? cp->connect_timeout_ms
				    : NET_CONNECT_TIMEOUT_DEFAULT * 1000;
	np.read_timeout_ms = cp->read_timeout_ms > 0
				 ? cp->read_timeout_ms
				 : NET_READ_TIMEOUT_DEFAULT * 1000;

	(void)snprintf(head, sizeof head, _("%s %s port %d, %s"),
	    proto == NET_PROTO_SMTP ? "SMTP" : "IMAP", srv->host, srv->port,
	    setup_security_label(srv->security));
	check_emit(cp, SETUP_LINE_HEAD, head, NULL, NULL);
	return setup_check_steps(cp, &np, res);
}

int
setup_check_steps(const struct setup_check_params *cp,
    const struct net_params *np, struct setup_check_result *res)
{
	struct check_step steps[10];
	struct check c;
	const struct net_cert_info *ci;
	enum cfg_security sec = np->security;
	size_t n = 0, i;
	int login = cp->pw != NULL, rc = 0;

	setup_check_result_init(res);
	memset(&c, 0, sizeof c);
	c.cp = cp;

	if (np->proto == NET_PROTO_IMAP) {
		c.imap = imap_session_new(np, cp->cancel);
		check_add(steps, &n, check_imap_resolve, _("resolve %s"),
		    np->host);
		check_add(steps, &n, check_imap_connect,
		    _("TCP connect to port %d"), np->port);
		if (sec == CFG_SEC_STARTTLS)
			check_add(steps, &n, check_imap_starttls, "%s",
			    _("STARTTLS"));
		if (sec != CFG_SEC_NONE)
			check_add(steps, &n, check_imap_tls, "%s",
			    _("TLS handshake and certificate"));
		check_add(steps, &n, check_imap_caps, "%s",
		    _("IMAP capabilities"));
		if (login) {
			check_add(steps, &n, check_imap_login,
			    _("IMAP login as %s"), cp->username);
			check_add(steps, &n, check_imap_inbox, "%s",
			    _("open INBOX"));
		}
	} else {
		c.smtp = smtp_session_new(np, cp->cancel, cp->email);
		check_add(steps, &n, check_smtp_resolve, _("resolve %s"),
		    np->host);
		check_add(steps, &n, check_smtp_connect,
		    _("TCP connect to port %d"), np->port);
		if (sec == CFG_SEC_TLS)
			check_add(steps, &n, check_smtp_tls, "%s",
			    _("TLS handshake and certificate"));
		check_add(steps, &n, check_smtp_ehlo, "%s", _("EHLO"));
		if (sec == CFG_SEC_STARTTLS) {
			check_add(steps, &n, check_smtp_starttls, "%s",
			    _("STARTTLS"));
			check_add(steps, &n, check_smtp_tls, "%s",
			    _("TLS handshake and certificate"));
			check_add(steps, &n, check_smtp_ehlo, "%s",
			    _("EHLO again over TLS"));
		}
		if (login)
			check_add(steps, &n, check_smtp_auth,
			    _("SMTP AUTH as %s"), cp->username);
	}

	for (i = 0; i < n; i++) {
		c.detail[0] = '\0';
		if (steps[i].fn(&c, &res->err) == 0) {
			check_emit(cp, SETUP_LINE_OK, steps[i].label, c.detail,
			    NULL);
			continue;
		}
		rc = -1;
		pt_strlcpy(res->step, steps[i].label, sizeof res->step);
		res->login_failed = res->err.class == PT_E_AUTH;
		if ((ci = check_cert(&c)) != NULL && ci->valid)
			res->cert = *ci;
		check_emit(cp, SETUP_LINE_FAIL, steps[i].label, res->err.msg,
		    res);
		for (i++; i < n; i++)
			check_emit(cp, SETUP_LINE_SKIP, steps[i].label,
			    _("skipped"), NULL);
		break;
	}
	if (rc == 0 && (ci = check_cert(&c)) != NULL && ci->valid)
		res->cert = *ci;
	imap_session_free(&c.imap);
	smtp_session_free(&c.smtp);
	return rc;
}

/* The ways to retry after err, best first; returns how many. */
static size_t
check_candidates(enum net_proto proto, const struct setup_server *srv,
    const struct pt_error *err, struct setup_server *cand, int *why)
{
	struct setup_server other = *srv, alt;
	int smtp = proto == NET_PROTO_SMTP;
	size_t n = 0;

	other.security =
	    srv->security == CFG_SEC_TLS ? CFG_SEC_STARTTLS : CFG_SEC_TLS;
	switch (err->code) {
	case NET_ERR_CONNECT_TIMEOUT:
	case NET_ERR_TLS_TIMEOUT:
		*why = SETUP_WHY_BLOCKED;
		break;
	case NET_ERR_REFUSED:
		*why = SETUP_WHY_REFUSED;
		break;
	case NET_ERR_SILENT:
		/* Probably waiting for a TLS handshake: TLS on this port. */
		*why = SETUP_WHY_SECURITY;
		cand[n++] = other;
		break;
	case NET_ERR_WANTS_STARTTLS:
	case NET_ERR_WANTS_TLS:
	case NET_ERR_TLS:
	case NET_ERR_NO_STARTTLS:
		*why = SETUP_WHY_SECURITY;
		if (srv->security != CFG_SEC_NONE)
			cand[n++] = other;
		return n;
	default:
		return 0;
	}
	if (setup_alternative(smtp, srv, &alt) == 0)
		cand[n++] = alt;
	return n;
}

int
setup_check_fallback(const struct setup_check_params *cp, enum net_proto proto,
    const struct setup_server *srv, const struct pt_error *err,
    struct setup_server *found, char *why, size_t whylen)
{
	struct setup_check_params probe = *cp;
	struct setup_check_result r;
	struct setup_server cand[2];
	size_t n, i;
	int kind = 0;

	n = check_candidates(proto, srv, err, cand, &kind);
	probe.pw = NULL;
	probe.line = NULL;
	for (i = 0; i < n; i++) {
		if (cp->cancel != NULL && net_cancel_fired(cp->cancel))
			return -1;
		/*
		 * A certificate problem means the port and the security
		 * work: the full test that follows asks about the
		 * certificate.
		 */
		if (setup_check_server(&probe, proto, &cand[i], &r) != 0 &&
		    r.err.code != NET_ERR_CERT &&
		    r.err.code != NET_ERR_PIN_MISMATCH)
			continue;
		*found = cand[i];
		if (kind == SETUP_WHY_BLOCKED)
			(void)snprintf(why, whylen,
			    _("Port %d did not answer: a firewall (on this "
			      "computer, your network or your provider's) may "
			      "be blocking it. Port %d with %s works."),
			    srv->port, cand[i].port,
			    setup_security_label(cand[i].security));
		else if (kind == SETUP_WHY_REFUSED)
			(void)snprintf(why, whylen,
			    _("Nothing answers on port %d. Port %d with %s "
			      "works."),
			    srv->port, cand[i].port,
			    setup_security_label(cand[i].security));
		else if (cand[i].port == srv->port)
			(void)snprintf(why, whylen,
			    _("Port %d does not use %s: it works with %s."),
			    srv->port, setup_security_label(srv->security),
			    setup_security_label(cand[i].security));
		else
			(void)snprintf(why, whylen,
			    _("Port %d with %s did not work; port %d with %s "
			      "works."),
			    srv->port, setup_security_label(srv->security),
			    cand[i].port,
			    setup_security_label(cand[i].security));
		return 0;
	}
	return -1;
}

void
setup_check_advice(enum net_proto proto, const struct setup_settings *st,
    const struct setup_check_result *r, void (*say)(void *, const char *),
    void *arg)
{
	const struct setup_server *srv =
	    proto == NET_PROTO_SMTP ? &st->smtp : &st->imap;
	char line[512];

	if (r->err.class == PT_E_AUTH) {
		(void)snprintf(line, sizeof line,
		    _("The server refused the user name '%s' or the password. "
		      "The user name is usually your full email address."),
		    st->username);
		say(arg, line);
		if (st->provider != NULL)
			setup_provider_notes(st->provider, say, arg);
		return;
	}
	switch (r->err.code) {
	case NET_ERR_DNS:
		(void)snprintf(line, sizeof line,
		    _("Check the server name '%s' for typos."), srv->host);
		break;
	case NET_ERR_DNS_TEMP:
	case NET_ERR_UNREACHABLE:
		(void)snprintf(line, sizeof line, "%s",
		    _("Check that this computer is online."));
		break;
	case NET_ERR_CERT:
		(void)snprintf(line, sizeof line, "%s",
		    _("The server's certificate could not be verified. Trust "
		      "it only if you have checked its fingerprint with your "
		      "provider."));
		break;
	case NET_ERR_PIN_MISMATCH:
		(void)snprintf(line, sizeof line, "%s",
		    _("The server's certificate changed since you trusted it. "
		      "Ask your provider whether that is expected."));
		break;
	default:
		return;
	}
	say(arg, line);
}
