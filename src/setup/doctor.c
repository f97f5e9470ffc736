/*
 * `petrel doctor`: checks an account's IMAP and SMTP servers step by
 * step and explains each failure in plain words with a suggested fix.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/imap.h"
#include "petrel/net.h"
#include "petrel/setup.h"
#include "petrel/smtp.h"

#define DOCTOR_OK   "\u2713" /* ✓ */
#define DOCTOR_FAIL "\u2717" /* ✗ */
#define DOCTOR_SKIP "-"
#define DOCTOR_WARN "!"

struct doctor {
	FILE *out;
	const struct cfg_account *acct;
	enum net_proto proto;
	struct net_params params;
	struct imap_session *imap;
	struct smtp_session *smtp;
	const struct pt_secret *pw;
	const char *user;
	char detail[512];
	int failures;
};

typedef int (*doctor_fn)(struct doctor *, struct pt_error *);

struct doctor_step {
	char label[160];
	doctor_fn fn;
	int cert; /* a TLS step: show the certificate on failure */
};

static int doctor_ask_password(const char *, struct pt_secret *);
static void doctor_advice(struct doctor *, const struct pt_error *);
static void doctor_cert_lines(struct doctor *, const struct net_cert_info *);
static int doctor_run_steps(struct doctor *, struct doctor_step *, size_t);
static int doctor_server(struct doctor *, enum net_proto);

/* Reads a password from the terminal without echo; 0 or -1. */
static int
doctor_ask_password(const char *prompt, struct pt_secret *pw)
{
	struct termios old, noecho;
	char buf[1024];
	size_t len;
	int ok;

	if (!isatty(STDIN_FILENO))
		return -1;
	if (tcgetattr(STDIN_FILENO, &old) == -1)
		return -1;
	noecho = old;
	noecho.c_lflag &= ~(tcflag_t)ECHO;
	noecho.c_lflag |= ECHONL;
	/*
	 * Echo goes off before the prompt shows, so nothing typed after it
	 * can be echoed; typed-ahead input is kept (TCSADRAIN, not FLUSH).
	 */
	if (tcsetattr(STDIN_FILENO, TCSADRAIN, &noecho) == -1)
		return -1;
	fputs(prompt, stderr);
	fflush(stderr);
	ok = fgets(buf, sizeof buf, stdin) != NULL;
	(void)tcsetattr(STDIN_FILENO, TCSADRAIN, &old);
	if (!ok) {
		explicit_bzero(buf, sizeof buf);
		return -1;
	}
	len = strcspn(buf, "\r\n");
	pt_secret_set(pw, buf, len);
	explicit_bzero(buf, sizeof buf);
	return len > 0 ? 0 : -1;
}

/*
 * The config key of the server being checked: "imap_host" etc.  Four
 * buffers in turn, so that one message can name several keys.
 */
static const char *
doctor_key(const struct doctor *d, const char *what)
{
	static char keys[4][32];
	static unsigned next;
	char *key = keys[next++ % PT_NELEM(keys)];

	snprintf(key, sizeof keys[0], "%s_%s",
	    d->proto == NET_PROTO_SMTP ? "smtp" : "imap", what);
	return key;
}

static void doctor_fix(struct doctor *d, const char *fmt, ...) PT_PRINTF(2, 3);

static void
doctor_fix(struct doctor *d, const char *fmt, ...)
{
	va_list ap;

	fprintf(d->out, "      %s ", _("fix:"));
	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
}

/* What to do about err, in the user's terms (config keys). */
static void
doctor_advice(struct doctor *d, const struct pt_error *err)
{
	int smtp = d->proto == NET_PROTO_SMTP;
	int tls_port = smtp ? 465 : 993, st_port = smtp ? 587 : 143;
	const struct net_cert_info *ci;

	switch (err->code) {
	case NET_ERR_DNS:
		doctor_fix(d, _("check %s in [account %s] for typos"),
		    doctor_key(d, "host"), d->acct->id);
		return;
	case NET_ERR_DNS_TEMP:
	case NET_ERR_UNREACHABLE:
		doctor_fix(d, _("check that this computer is online, then "
				"run petrel doctor again"));
		return;
	case NET_ERR_REFUSED:
		doctor_fix(d,
		    _("check %s: %s usually listens on %d (security = tls) "
		      "or %d (security = starttls)"),
		    doctor_key(d, "port"), smtp ? "SMTP" : "IMAP", tls_port,
		    st_port);
		return;
	case NET_ERR_CONNECT_TIMEOUT:
		doctor_fix(d,
		    _("a firewall (on this computer, your network or your "
		      "provider's) may be blocking port %d: try another "
		      "network, or ask whoever runs this one; also check %s"),
		    d->params.port, doctor_key(d, "port"));
		return;
	case NET_ERR_SILENT:
	case NET_ERR_WANTS_TLS:
		doctor_fix(d, _("set %s = tls (the usual port is %d)"),
		    doctor_key(d, "security"), tls_port);
		return;
	case NET_ERR_WANTS_STARTTLS:
		doctor_fix(d, _("set %s = starttls (the usual port is %d)"),
		    doctor_key(d, "security"), st_port);
		return;
	case NET_ERR_TLS:
		doctor_fix(d,
		    _("check %s and %s: SSL/TLS is usually port %d, STARTTLS "
		      "port %d"),
		    doctor_key(d, "port"), doctor_key(d, "security"), tls_port,
		    st_port);
		return;
	case NET_ERR_CERT:
		ci = smtp ? smtp_session_cert(d->smtp)
			  : imap_session_cert(d->imap);
		if (ci->problems & NET_CERT_WRONG_HOST)
			doctor_fix(d,
			    _("check %s: it must be the name the server's "
			      "certificate was issued for (see subject)"),
			    doctor_key(d, "host"));
		else
			doctor_fix(d,
			    _("if your provider uses its own certificate "
			      "authority, set ca_file to its certificate"));
		doctor_fix(d,
		    _("only if you have checked this fingerprint with your "
		      "provider, trust exactly this certificate by adding "
		      "to [account %s]: %s = %s"),
		    d->acct->id, doctor_key(d, "tls_pin"), ci->sha256);
		return;
	case NET_ERR_PIN_MISMATCH:
		ci = smtp ? smtp_session_cert(d->smtp)
			  : imap_session_cert(d->imap);
		doctor_fix(d,
		    _("do not trust it blindly: ask your provider whether its "
		      "certificate changed; only then replace %s with %s"),
		    doctor_key(d, "tls_pin"), ci->sha256);
		return;
	case NET_ERR_CA_FILE:
		doctor_fix(d, _("ca_file must name a PEM file holding the "
				"certificate authority's certificate"));
		return;
	case NET_ERR_NO_STARTTLS:
	case NET_ERR_STARTTLS_REFUSED:
	case NET_ERR_PREAUTH:
		doctor_fix(d,
		    _("set %s = tls and %s = %d if the server offers it; "
		      "petrel never sends a password without encryption"),
		    doctor_key(d, "security"), doctor_key(d, "port"), tls_port);
		return;
	case NET_ERR_STARTTLS_INJECTED:
		doctor_fix(d, _("try again from another network, and tell "
				"your provider"));
		return;
	case NET_ERR_TIMEOUT:
	case NET_ERR_TLS_TIMEOUT:
	case NET_ERR_EOF:
		doctor_fix(d,
		    _("try again later; if it keeps happening, check %s and "
		      "%s, and whether a firewall or proxy is in the way"),
		    doctor_key(d, "port"), doctor_key(d, "security"));
		return;
	case NET_ERR_INSECURE:
		doctor_fix(d, _("set %s = tls or starttls"),
		    doctor_key(d, "security"));
		return;
	default:
		break;
	}
	if (err->class == PT_E_AUTH)
		doctor_fix(d,
		    _("check username (now '%s'; usually your full email "
		      "address) and the password: it is your email password, "
		      "which may differ from your provider's website login"),
		    d->user);
}

static void
doctor_cert_lines(struct doctor *d, const struct net_cert_info *ci)
{
	if (!ci->valid)
		return;
	fprintf(d->out, "      %-10s %s\n", _("subject:"), ci->subject);
	fprintf(d->out, "      %-10s %s\n", _("issuer:"), ci->issuer);
	fprintf(d->out, "      %-10s %s \u2013 %s\n", _("valid:"),
	    ci->not_before, ci->not_after);
	fprintf(d->out, "      %-10s %s\n", _("SHA-256:"), ci->sha256 + 7);
}

/* Runs steps in order; stops at the first failure.  0 or -1. */
static int
doctor_run_steps(struct doctor *d, struct doctor_step *steps, size_t n)
{
	struct pt_error err;
	size_t i;

	for (i = 0; i < n; i++) {
		pt_error_init(&err);
		d->detail[0] = '\0';
		if (steps[i].fn(d, &err) == 0) {
			if (d->detail[0] != '\0')
				fprintf(d->out, "  %s %s: %s\n", DOCTOR_OK,
				    steps[i].label, d->detail);
			else
				fprintf(d->out, "  %s %s\n", DOCTOR_OK,
				    steps[i].label);
			fflush(d->out);
			continue;
		}
		d->failures++;
		fprintf(d->out, "  %s %s\n", DOCTOR_FAIL, steps[i].label);
		fprintf(d->out, "      %s\n", err.msg);
		if (steps[i].cert && (err.code == NET_ERR_CERT ||
					 err.code == NET_ERR_PIN_MISMATCH))
			doctor_cert_lines(d, d->proto == NET_PROTO_SMTP
						 ? smtp_session_cert(d->smtp)
						 : imap_session_cert(d->imap));
		doctor_advice(d, &err);
		for (i++; i < n; i++)
			fprintf(d->out, "  %s %s: %s\n", DOCTOR_SKIP,
			    steps[i].label, _("skipped"));
		fflush(d->out);
		return -1;
	}
	return 0;
}

/* The certificate in one line for a passed TLS step. */
static void
doctor_cert_detail(struct doctor *d, const struct net_cert_info *ci)
{
	snprintf(d->detail, sizeof d->detail, _("%s, %s, valid until %s%s"),
	    ci->version, ci->subject, ci->not_after,
	    ci->pinned ? _(" (trusted by your pin)") : "");
}

/* IMAP steps. */

static int
doctor_imap_resolve(struct doctor *d, struct pt_error *err)
{
	if (imap_session_resolve(d->imap, err) == -1)
		return -1;
	pt_strlcpy(d->detail, imap_session_addresses(d->imap),
	    sizeof d->detail);
	return 0;
}

static int
doctor_imap_connect(struct doctor *d, struct pt_error *err)
{
	if (imap_session_connect(d->imap, err) == -1)
		return -1;
	snprintf(d->detail, sizeof d->detail, _("connected to %s"),
	    imap_session_peer(d->imap));
	return 0;
}

static int
doctor_imap_starttls(struct doctor *d, struct pt_error *err)
{
	if (imap_session_greeting(d->imap, err) == -1 ||
	    imap_session_starttls(d->imap, err) == -1)
		return -1;
	pt_strlcpy(d->detail, _("offered and accepted"), sizeof d->detail);
	return 0;
}

static int
doctor_imap_tls(struct doctor *d, struct pt_error *err)
{
	if (imap_session_tls(d->imap, err) == -1)
		return -1;
	doctor_cert_detail(d, imap_session_cert(d->imap));
	return 0;
}

static int
doctor_imap_caps(struct doctor *d, struct pt_error *err)
{
	const char *caps;

	if (imap_session_greeting(d->imap, err) == -1 ||
	    imap_session_capabilities(d->imap, err) == -1)
		return -1;
	caps = imap_session_caps(d->imap);
	if (strlen(caps) > 60)
		snprintf(d->detail, sizeof d->detail, "%.57s...", caps);
	else
		pt_strlcpy(d->detail, caps, sizeof d->detail);
	return 0;
}

static int
doctor_imap_login(struct doctor *d, struct pt_error *err)
{
	return imap_session_login(d->imap, d->user, d->pw, err);
}

static int
doctor_imap_inbox(struct doctor *d, struct pt_error *err)
{
	uint32_t n = 0;

	if (imap_session_examine(d->imap, "INBOX", &n, err) == -1)
		return -1;
	snprintf(d->detail, sizeof d->detail,
	    ngettext_("%u message", "%u messages", n), (unsigned)n);
	(void)imap_session_logout(d->imap, NULL);
	return 0;
}

/* SMTP steps. */

static int
doctor_smtp_resolve(struct doctor *d, struct pt_error *err)
{
	if (smtp_session_resolve(d->smtp, err) == -1)
		return -1;
	pt_strlcpy(d->detail, smtp_session_addresses(d->smtp),
	    sizeof d->detail);
	return 0;
}

static int
doctor_smtp_connect(struct doctor *d, struct pt_error *err)
{
	if (smtp_session_connect(d->smtp, err) == -1)
		return -1;
	snprintf(d->detail, sizeof d->detail, _("connected to %s"),
	    smtp_session_peer(d->smtp));
	return 0;
}

static int
doctor_smtp_tls(struct doctor *d, struct pt_error *err)
{
	if (smtp_session_tls(d->smtp, err) == -1)
		return -1;
	doctor_cert_detail(d, smtp_session_cert(d->smtp));
	return 0;
}

static int
doctor_smtp_ehlo(struct doctor *d, struct pt_error *err)
{
	if (smtp_session_greeting(d->smtp, err) == -1 ||
	    smtp_session_ehlo(d->smtp, err) == -1)
		return -1;
	pt_strlcpy(d->detail, smtp_session_exts(d->smtp), sizeof d->detail);
	return 0;
}

static int
doctor_smtp_starttls(struct doctor *d, struct pt_error *err)
{
	if (smtp_session_starttls(d->smtp, err) == -1)
		return -1;
	pt_strlcpy(d->detail, _("offered and accepted"), sizeof d->detail);
	return 0;
}

static int
doctor_smtp_auth(struct doctor *d, struct pt_error *err)
{
	if (smtp_session_auth(d->smtp, d->user, d->pw, err) == -1)
		return -1;
	pt_strlcpy(d->detail, smtp_session_auth_mech(d->smtp),
	    sizeof d->detail);
	(void)smtp_session_quit(d->smtp, NULL);
	return 0;
}

static void doctor_add(struct doctor_step *steps, size_t *n, doctor_fn fn,
    int cert, const char *fmt, ...) PT_PRINTF(5, 6);

static void
doctor_add(struct doctor_step *steps, size_t *n, doctor_fn fn, int cert,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(steps[*n].label, sizeof steps[*n].label, fmt, ap);
	va_end(ap);
	steps[*n].fn = fn;
	steps[*n].cert = cert;
	(*n)++;
}

/* Checks one server; 0 when every step passed. */
static int
doctor_server(struct doctor *d, enum net_proto proto)
{
	struct doctor_step steps[10];
	size_t n = 0;
	enum cfg_security sec;
	int r;

	d->proto = proto;
	net_params_from_account(&d->params, d->acct, proto);
	sec = d->params.security;
	fprintf(d->out, _("%s %s port %d, security = %s\n"),
	    proto == NET_PROTO_SMTP ? "SMTP" : "IMAP",
	    d->params.host != NULL ? d->params.host : "?", d->params.port,
	    cfg_security_name(sec));
	if (sec == CFG_SEC_NONE)
		fprintf(d->out, "  %s %s\n", DOCTOR_WARN,
		    _("WARNING: no encryption (security = none): the password "
		      "travels in plain text; only for test servers on this "
		      "machine"));
	if (proto == NET_PROTO_IMAP) {
		d->imap = imap_session_new(&d->params, NULL);
		doctor_add(steps, &n, doctor_imap_resolve, 0, _("resolve %s"),
		    d->params.host);
		doctor_add(steps, &n, doctor_imap_connect, 0,
		    _("TCP connect to port %d"), d->params.port);
		if (sec == CFG_SEC_STARTTLS)
			doctor_add(steps, &n, doctor_imap_starttls, 0, "%s",
			    _("STARTTLS"));
		if (sec != CFG_SEC_NONE)
			doctor_add(steps, &n, doctor_imap_tls, 1, "%s",
			    _("TLS handshake and certificate"));
		doctor_add(steps, &n, doctor_imap_caps, 0, "%s",
		    _("IMAP capabilities"));
		doctor_add(steps, &n, doctor_imap_login, 0,
		    _("IMAP login as %s"), d->user);
		doctor_add(steps, &n, doctor_imap_inbox, 0, "%s",
		    _("open INBOX"));
	} else {
		d->smtp = smtp_session_new(&d->params, NULL, d->acct->email);
		doctor_add(steps, &n, doctor_smtp_resolve, 0, _("resolve %s"),
		    d->params.host);
		doctor_add(steps, &n, doctor_smtp_connect, 0,
		    _("TCP connect to port %d"), d->params.port);
		if (sec == CFG_SEC_TLS)
			doctor_add(steps, &n, doctor_smtp_tls, 1, "%s",
			    _("TLS handshake and certificate"));
		doctor_add(steps, &n, doctor_smtp_ehlo, 0, "%s", _("EHLO"));
		if (sec == CFG_SEC_STARTTLS) {
			doctor_add(steps, &n, doctor_smtp_starttls, 0, "%s",
			    _("STARTTLS"));
			doctor_add(steps, &n, doctor_smtp_tls, 1, "%s",
			    _("TLS handshake and certificate"));
			doctor_add(steps, &n, doctor_smtp_ehlo, 0, "%s",
			    _("EHLO again over TLS"));
		}
		doctor_add(steps, &n, doctor_smtp_auth, 0, _("SMTP AUTH as %s"),
		    d->user);
	}
	r = doctor_run_steps(d, steps, n);
	imap_session_free(&d->imap);
	smtp_session_free(&d->smtp);
	return r;
}

int
setup_doctor_run(const struct cfg *cfg, const char *id, FILE *out)
{
	const struct cfg_account *acct;
	struct pt_secret pw;
	struct pt_error err;
	struct doctor d;
	int r;

	acct = cfg_account_find(cfg, id);
	if (acct == NULL) {
		if (id != NULL)
			fprintf(stderr,
			    _("petrel doctor: no account '%s' in %s\n"), id,
			    cfg_path(cfg) != NULL ? cfg_path(cfg) : "?");
		else
			fprintf(stderr,
			    _("petrel doctor: no account is configured; run "
			      "petrel setup first\n"));
		return 2;
	}
	memset(&d, 0, sizeof d);
	d.out = out;
	d.acct = acct;
	d.user = acct->username != NULL ? acct->username
		 : acct->email != NULL  ? acct->email
					: "";
	pt_secret_init(&pw);
	pt_error_init(&err);
	r = cfg_account_password(acct, &pw, &err);
	if (r == -1) {
		fprintf(stderr,
		    _("petrel doctor: cannot get the password: %s\n"), err.msg);
		pt_secret_release(&pw);
		return 2;
	}
	if (r == 1) {
		char prompt[256];

		snprintf(prompt, sizeof prompt, _("Password for %s: "), d.user);
		if (doctor_ask_password(prompt, &pw) == -1) {
			fprintf(stderr,
			    _("petrel doctor: no password for account '%s': "
			      "set password_command (or password) in the "
			      "config, or run petrel doctor in a terminal to "
			      "type it\n"),
			    acct->id);
			pt_secret_release(&pw);
			return 2;
		}
	}
	d.pw = &pw;

	fprintf(out, _("petrel doctor: account '%s' (%s)\n\n"), acct->id,
	    acct->email != NULL ? acct->email : d.user);
	(void)doctor_server(&d, NET_PROTO_IMAP);
	fputc('\n', out);
	(void)doctor_server(&d, NET_PROTO_SMTP);
	fputc('\n', out);
	if (d.failures == 0)
		fprintf(out, "%s\n", _("All checks passed."));
	else
		fprintf(out,
		    ngettext_("%d check failed.\n", "%d checks failed.\n",
			d.failures),
		    d.failures);
	pt_secret_release(&pw);
	return d.failures == 0 ? 0 : 1;
}
