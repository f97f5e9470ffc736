/*
 * detect.c: from an email address to server settings.
 *
 * The order (DESIGN.md "Setup", PROVIDERS.md section 2.3): petrel's own
 * provider list first (it holds the CenturyLink fix), then RFC 6186 /
 * 8314 SRV records (implicit TLS preferred), then the provider's
 * autoconfig file over verified HTTPS (autoconfig.<domain>, then
 * <domain>/.well-known), then the domain's MX record matched against
 * the provider list (custom domains at Gmail, Fastmail, ...), and last a
 * guess from the domain name.  The result says which source was used,
 * so the person can judge it.  Every step is bounded in time; the
 * wizard runs this in a worker thread.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/net.h"

#include "private.h"

#define SETUP_SRV_MAX 8

static void detect_say(const struct setup_detect_opts *, const char *, ...)
    PT_PRINTF(2, 3);
static void detect_username(struct setup_settings *, enum setup_userform);
static int detect_srv(const char *, struct setup_settings *,
    const struct setup_detect_opts *);
static int detect_srv_one(const struct setup_detect_opts *, const char *,
    const char *, const char *, struct setup_server *, enum cfg_security *,
    int *);
static int detect_autoconfig(const char *, struct setup_settings *,
    const struct setup_detect_opts *);
static int detect_mx(const char *, const struct setup_providers *,
    struct setup_settings *, const struct setup_detect_opts *);
static void detect_guess(const char *, struct setup_settings *,
    const struct setup_detect_opts *);
static int detect_resolves(const char *);
static int detect_cancelled(const struct setup_detect_opts *);

/* The user gave up waiting: skip the remaining network steps. */
static int
detect_cancelled(const struct setup_detect_opts *o)
{
	return o != NULL && o->cancel != NULL && net_cancel_fired(o->cancel);
}

int
setup_email_valid(const char *s)
{
	const char *at = strrchr(s, '@'), *p;
	size_t len = strlen(s);

	if (len < 3 || len > SETUP_EMAIL_MAX - 1 || at == NULL || at == s)
		return 0;
	for (p = s; p < at; p++)
		if ((unsigned char)*p <= ' ' || *p == '\x7f' || *p == '@' ||
		    *p == '<' || *p == '>' || *p == ',' || *p == ';' ||
		    *p == '"' || *p == '\\')
			return 0;
	return setup_host_valid(at + 1) && strchr(at + 1, '.') != NULL &&
	       at[strlen(at) - 1] != '.';
}

const char *
setup_email_domain(const char *email)
{
	const char *at = strrchr(email, '@');

	return at != NULL ? at + 1 : "";
}

int
setup_port_security(int port)
{
	switch (port) {
	case 993:
	case 465:
		return CFG_SEC_TLS;
	case 143:
	case 587:
		return CFG_SEC_STARTTLS;
	default:
		return -1;
	}
}

int
setup_alternative(int smtp, const struct setup_server *s,
    struct setup_server *alt)
{
	*alt = *s;
	if (smtp && s->port == 587)
		alt->port = 465;
	else if (smtp && s->port == 465)
		alt->port = 587;
	else if (!smtp && s->port == 993)
		alt->port = 143;
	else if (!smtp && s->port == 143)
		alt->port = 993;
	else
		return -1;
	alt->security = (enum cfg_security)setup_port_security(alt->port);
	return 0;
}

const char *
setup_source_name(enum setup_source src)
{
	switch (src) {
	case SETUP_SOURCE_PRESET:
		return _("petrel's provider list");
	case SETUP_SOURCE_MANUAL:
		return _("petrel's provider list (no settings to pre-fill)");
	case SETUP_SOURCE_SRV:
		return _("DNS SRV records");
	case SETUP_SOURCE_AUTOCONFIG:
		return _("the provider's autoconfig file");
	case SETUP_SOURCE_MX:
		return _("the domain's MX record");
	case SETUP_SOURCE_GUESS:
		return _("a guess from the domain name");
	case SETUP_SOURCE_OPTIONS:
		return _("the command line");
	case SETUP_SOURCE_NONE:
		break;
	}
	return _("nowhere");
}

static void
detect_say(const struct setup_detect_opts *o, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (o == NULL || o->progress == NULL)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	o->progress(o->arg, line);
}

static void
detect_username(struct setup_settings *st, enum setup_userform form)
{
	const char *at = strrchr(st->email, '@');

	if (form == SETUP_USER_LOCALPART && at != NULL) {
		size_t n = (size_t)(at - st->email);

		if (n >= sizeof st->username)
			n = sizeof st->username - 1;
		memcpy(st->username, st->email, n);
		st->username[n] = '\0';
	} else
		pt_strlcpy(st->username, st->email, sizeof st->username);
}

void
setup_settings_from_provider(struct setup_settings *st,
    const struct setup_provider *p)
{
	st->provider = p;
	if (p->manual) {
		memset(&st->imap, 0, sizeof st->imap);
		memset(&st->smtp, 0, sizeof st->smtp);
		st->imap.port = 993;
		st->imap.security = CFG_SEC_TLS;
		st->smtp.port = 587;
		st->smtp.security = CFG_SEC_STARTTLS;
	} else {
		st->imap = p->imap;
		st->smtp = p->smtp;
	}
	st->oauth_only = (p->notes & (1u << SETUP_NOTE_OAUTH2)) != 0;
	detect_username(st, p->userform);
}

/*
 * One kind of server from SRV records: the implicit-TLS service first
 * (RFC 8314), then the STARTTLS one.  1 found, 0 none, -1 DNS failed.
 */
static int
detect_srv_one(const struct setup_detect_opts *o, const char *domain,
    const char *tls_svc, const char *starttls_svc, struct setup_server *out,
    enum cfg_security *secp, int *failed)
{
	struct setup_dns_rr rr[SETUP_SRV_MAX];
	const char *svc[2] = {tls_svc, starttls_svc};
	const enum cfg_security sec[2] = {CFG_SEC_TLS, CFG_SEC_STARTTLS};
	struct pt_error err;
	int i;

	for (i = 0; i < 2; i++) {
		char *name;
		int n;

		if (detect_cancelled(o))
			return 0;
		name = pt_xasprintf("%s.%s", svc[i], domain);
		pt_error_init(&err);
		n = setup_dns_srv(name, rr, PT_NELEM(rr), &err);
		free(name);
		if (n < 0) {
			*failed = 1;
			return -1;
		}
		if (n > 0 && setup_host_valid(rr[0].target) && rr[0].port > 0) {
			pt_strlcpy(out->host, rr[0].target, sizeof out->host);
			setup_lower(out->host);
			out->port = rr[0].port;
			out->security = sec[i];
			*secp = sec[i];
			return 1;
		}
	}
	return 0;
}

static int
detect_srv(const char *domain, struct setup_settings *st,
    const struct setup_detect_opts *o)
{
	struct setup_server imap, smtp;
	enum cfg_security sec;
	int failed = 0;

	detect_say(o, _("looking for SRV records of '%s'"), domain);
	memset(&imap, 0, sizeof imap);
	memset(&smtp, 0, sizeof smtp);
	if (detect_srv_one(o, domain, "_imaps._tcp", "_imap._tcp", &imap, &sec,
		&failed) != 1 ||
	    detect_srv_one(o, domain, "_submissions._tcp", "_submission._tcp",
		&smtp, &sec, &failed) != 1) {
		if (failed)
			detect_say(o, _("DNS did not answer"));
		return 0;
	}
	st->imap = imap;
	st->smtp = smtp;
	detect_username(st, SETUP_USER_ADDRESS);
	st->source = SETUP_SOURCE_SRV;
	(void)snprintf(st->source_detail, sizeof st->source_detail,
	    "_imaps/_submission(s)._tcp.%s", domain);
	return 1;
}

static int
detect_autoconfig(const char *domain, struct setup_settings *st,
    const struct setup_detect_opts *o)
{
	static const char path_ac[] = "/mail/config-v1.1.xml";
	static const char path_wk[] =
	    "/.well-known/autoconfig/mail/config-v1.1.xml";
	struct setup_autoconfig ac;
	struct pt_error err;
	char host[SETUP_HOST_MAX + 16];
	const char *hosts[2], *paths[2] = {path_ac, path_wk};
	int i;

	(void)snprintf(host, sizeof host, "autoconfig.%s", domain);
	hosts[0] = host;
	hosts[1] = domain;
	for (i = 0; i < 2; i++) {
		if (o != NULL && o->cancel != NULL &&
		    net_cancel_fired(o->cancel))
			return 0;
		detect_say(o, _("looking for https://%s%s"), hosts[i],
		    paths[i]);
		pt_error_init(&err);
		if (setup_autoconfig_fetch(hosts[i], paths[i], st->email,
			o != NULL ? o->ca_file : NULL,
			o != NULL ? o->cancel : NULL, &ac, &err) != 0) {
			pt_debug("setup: autoconfig %s%s: %s", hosts[i],
			    paths[i], err.msg);
			if (err.class == PT_E_TLS || err.class == PT_E_PROTO)
				detect_say(o, _("not used: %s"), err.msg);
			continue;
		}
		st->imap = ac.imap;
		st->smtp = ac.smtp;
		st->oauth_only = ac.oauth_only;
		detect_username(st, ac.userform);
		st->source = SETUP_SOURCE_AUTOCONFIG;
		(void)snprintf(st->source_detail, sizeof st->source_detail,
		    "https://%s%s", hosts[i], paths[i]);
		return 1;
	}
	return 0;
}

static int
detect_mx(const char *domain, const struct setup_providers *ps,
    struct setup_settings *st, const struct setup_detect_opts *o)
{
	struct setup_dns_rr rr[SETUP_SRV_MAX];
	struct pt_error err;
	int n, i;

	detect_say(o, _("looking for the MX record of '%s'"), domain);
	pt_error_init(&err);
	if ((n = setup_dns_mx(domain, rr, PT_NELEM(rr), &err)) <= 0)
		return 0;
	for (i = 0; i < n; i++) {
		const struct setup_provider *p =
		    setup_providers_find_mx(ps, rr[i].target);

		if (p == NULL || p->manual)
			continue;
		setup_settings_from_provider(st, p);
		/* A custom domain logs in with its full address. */
		detect_username(st, SETUP_USER_ADDRESS);
		st->source = SETUP_SOURCE_MX;
		(void)snprintf(st->source_detail, sizeof st->source_detail,
		    "%s: %s", rr[i].target, p->name);
		return 1;
	}
	return 0;
}

static int
detect_resolves(const char *host)
{
	struct addrinfo hints, *res = NULL;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return 0;
	freeaddrinfo(res);
	return 1;
}

/*
 * imap.<domain> (or mail.<domain> when only that name exists) on 993
 * with TLS, smtp.<domain> (or mail.) on 587 with STARTTLS.
 */
static void
detect_guess(const char *domain, struct setup_settings *st,
    const struct setup_detect_opts *o)
{
	char imap[SETUP_HOST_MAX + 8], smtp[SETUP_HOST_MAX + 8];
	char mail[SETUP_HOST_MAX + 8];
	int net = (o == NULL || !o->no_network) && !detect_cancelled(o);

	(void)snprintf(imap, sizeof imap, "imap.%s", domain);
	(void)snprintf(smtp, sizeof smtp, "smtp.%s", domain);
	(void)snprintf(mail, sizeof mail, "mail.%s", domain);
	if (net) {
		detect_say(o, _("trying the usual server names"));
		if (!detect_resolves(imap) && detect_resolves(mail))
			pt_strlcpy(imap, mail, sizeof imap);
		if (!detect_resolves(smtp) && detect_resolves(mail))
			pt_strlcpy(smtp, mail, sizeof smtp);
	}
	pt_strlcpy(st->imap.host, imap, sizeof st->imap.host);
	st->imap.port = 993;
	st->imap.security = CFG_SEC_TLS;
	pt_strlcpy(st->smtp.host, smtp, sizeof st->smtp.host);
	st->smtp.port = 587;
	st->smtp.security = CFG_SEC_STARTTLS;
	detect_username(st, SETUP_USER_ADDRESS);
	st->source = SETUP_SOURCE_GUESS;
	st->source_detail[0] = '\0';
}

void
setup_settings_init(struct setup_settings *st, const char *email)
{
	memset(st, 0, sizeof *st);
	pt_strlcpy(st->email, email, sizeof st->email);
	st->imap.port = 993;
	st->imap.security = CFG_SEC_TLS;
	st->smtp.port = 587;
	st->smtp.security = CFG_SEC_STARTTLS;
	detect_username(st, SETUP_USER_ADDRESS);
}

int
setup_detect(const char *email, const struct setup_providers *ps,
    const struct setup_detect_opts *o, struct setup_settings *st,
    struct pt_error *err)
{
	const struct setup_provider *p;
	char domain[SETUP_HOST_MAX], copy[SETUP_EMAIL_MAX];

	if (!setup_email_valid(email))
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("'%s' is not an email address (it should look like "
		      "name@example.com)"),
		    email);
	/* email may point into st. */
	pt_strlcpy(copy, email, sizeof copy);
	email = copy;
	setup_settings_init(st, email);
	pt_strlcpy(domain, setup_email_domain(email), sizeof domain);
	setup_lower(domain);

	if (ps != NULL && (p = setup_providers_find(ps, domain)) != NULL) {
		setup_settings_from_provider(st, p);
		st->source =
		    p->manual ? SETUP_SOURCE_MANUAL : SETUP_SOURCE_PRESET;
		pt_strlcpy(st->source_detail, p->name,
		    sizeof st->source_detail);
		return 0;
	}
	if (o == NULL || !o->no_network) {
		if (detect_srv(domain, st, o))
			return 0;
		if (!detect_cancelled(o) && detect_autoconfig(domain, st, o))
			return 0;
		if (!detect_cancelled(o) && ps != NULL &&
		    detect_mx(domain, ps, st, o))
			return 0;
	}
	detect_guess(domain, st, o);
	return 0;
}
