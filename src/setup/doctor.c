/*
 * `petrel doctor`: checks an account's IMAP and SMTP servers step by
 * step and explains each failure in plain words with a suggested fix.
 *
 * The steps are check.c's (setup_check_steps), run on the account's
 * own net_params; what is the doctor's is the head line of each server,
 * the certificate and the "fix:" lines under a failure (in config keys:
 * the user edits a file), the count of failures and the password prompt.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/net.h"
#include "petrel/setup.h"

#include "private.h"

#define DOCTOR_WARN "!"

struct doctor {
	FILE *out;
	const struct cfg_account *acct;
	enum net_proto proto;
	struct net_params params;
	const char *user;
	int failures;
};

static void doctor_advice(struct doctor *, const struct setup_check_result *);
static void doctor_line(void *, const struct setup_line *);
static int doctor_server(struct doctor *, const struct setup_check_params *,
    enum net_proto);

int
setup_ask_password(const char *prompt, struct pt_secret *pw)
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

/* What to do about r's error, in the user's terms (config keys). */
static void
doctor_advice(struct doctor *d, const struct setup_check_result *r)
{
	const struct pt_error *err = &r->err;
	const struct net_cert_info *ci = &r->cert;
	int smtp = d->proto == NET_PROTO_SMTP;
	int tls_port = smtp ? 465 : 993, st_port = smtp ? 587 : 143;

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
	case NET_ERR_NO_XOAUTH2:
		doctor_fix(d,
		    _("check %s: this server takes no OAuth2 login; if it is "
		      "right, remove oauth_token_command and use a password"),
		    doctor_key(d, "host"));
		return;
	case NET_ERR_INSECURE:
		doctor_fix(d, _("set %s = tls or starttls"),
		    doctor_key(d, "security"));
		return;
	default:
		break;
	}
	if (err->class == PT_E_AUTH && d->acct->oauth_token_command != NULL)
		doctor_fix(d,
		    _("run the oauth_token_command in a terminal: it must "
		      "print a fresh access token for %s (re-authorise it "
		      "if it cannot), and the token must allow mail access "
		      "(IMAP and SMTP scopes)"),
		    d->user);
	else if (err->class == PT_E_AUTH)
		doctor_fix(d,
		    _("check username (now '%s'; usually your full email "
		      "address) and the password: it is your email password, "
		      "which may differ from your provider's website login"),
		    d->user);
}

/*
 * Prints a step's line; under a failure, the certificate (for a TLS
 * step that rejected it) and the fix.
 */
static void
doctor_line(void *arg, const struct setup_line *l)
{
	struct doctor *d = arg;
	const struct setup_check_result *r = l->res;

	setup_line_print(d->out, l);
	if (l->kind != SETUP_LINE_FAIL)
		return;
	d->failures++;
	if (r->err.code == NET_ERR_CERT || r->err.code == NET_ERR_PIN_MISMATCH)
		setup_cert_print(d->out, &r->cert);
	doctor_advice(d, r);
	fflush(d->out);
}

/* Checks one server; 0 when every step passed. */
static int
doctor_server(struct doctor *d, const struct setup_check_params *cp,
    enum net_proto proto)
{
	struct setup_check_result res;
	enum cfg_security sec;

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
	return setup_check_steps(cp, &d->params, &res);
}

int
setup_doctor_run(const struct cfg *cfg, const char *id, FILE *out)
{
	const struct cfg_account *acct;
	struct setup_check_params cp;
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
	if (r == -1 && acct->oauth_token_command != NULL) {
		fprintf(stderr,
		    _("petrel doctor: cannot get the OAuth2 token: %s\n"),
		    err.msg);
		pt_secret_release(&pw);
		return 2;
	}
	if (r == -1) {
		fprintf(stderr,
		    _("petrel doctor: cannot get the password: %s\n"), err.msg);
		pt_secret_release(&pw);
		return 2;
	}
	if (r == 1) {
		char prompt[256];

		snprintf(prompt, sizeof prompt, _("Password for %s: "), d.user);
		if (setup_ask_password(prompt, &pw) == -1) {
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
	memset(&cp, 0, sizeof cp);
	cp.email = acct->email;
	cp.username = d.user;
	cp.pw = &pw;
	cp.line = doctor_line;
	cp.arg = &d;

	fprintf(out, _("petrel doctor: account '%s' (%s)\n"), acct->id,
	    acct->email != NULL ? acct->email : d.user);
	if (acct->oauth_token_command != NULL)
		fprintf(out, _("login: OAuth2 (XOAUTH2), token from "
			       "oauth_token_command\n\n"));
	else
		fprintf(out, _("login: password\n\n"));
	(void)doctor_server(&d, &cp, NET_PROTO_IMAP);
	fputc('\n', out);
	(void)doctor_server(&d, &cp, NET_PROTO_SMTP);
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
