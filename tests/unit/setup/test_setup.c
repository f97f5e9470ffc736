/*
 * Unit tests for the setup wizard's pure parts: the provider presets,
 * DNS answer parsing, the autoconfig XML reader, the HTTP response
 * reader, the detection steps that need no network, and the check's
 * steps and lines against a closed loopback port.
 */
#include "config.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "petrel/core.h"

#include "src/setup/private.h"
#include "tests/harness/pt_test.h"

static const char *const centurylink_domains[] = {"centurylink.net", "q.com",
    "qwest.net", "embarqmail.com", "centurytel.net", "elpasotel.net",
    "cswnet.com", "clds.net", "coastalnow.net", "cochill.net",
    "emadisonriver.com", "emadisonriver.net", "gallatinriver.net", "grics.net",
    "gulftel.com", "madisonriver.biz", "mebtel.net"};

/* Loads the shipped data/providers.conf from the source tree. */
static void
load_shipped(struct setup_providers *ps)
{
	const char *top = getenv("top_srcdir");
	struct pt_error err;
	char *path;

	pt_error_init(&err);
	path = pt_xasprintf("%s/data/providers.conf", top ? top : ".");
	setup_providers_init(ps);
	CHECK_INT(setup_providers_read(ps, path, &err), 0);
	if (err.class != PT_OK)
		fprintf(stderr, "  %s\n", err.msg);
	free(path);
}

static int
parse(struct setup_providers *ps, const char *text, struct pt_error *err)
{
	pt_error_init(err);
	return setup_providers_parse(ps, text, strlen(text), "p.conf", err);
}

#define CHECK_SERVER(s, h, p, sec)                                             \
	do {                                                                   \
		CHECK_STR((s).host, (h));                                      \
		CHECK_INT((s).port, (p));                                      \
		CHECK_INT((s).security, (sec));                                \
	} while (0)

static void
test_providers_centurylink_all_domains(void)
{
	struct setup_providers ps;
	const struct setup_provider *p;
	size_t i;

	load_shipped(&ps);
	CHECK_INT(PT_NELEM(centurylink_domains), 17);
	for (i = 0; i < PT_NELEM(centurylink_domains); i++) {
		p = setup_providers_find(&ps, centurylink_domains[i]);
		CHECK(p != NULL);
		if (p == NULL)
			continue;
		CHECK_STR(p->id, "centurylink");
		CHECK_INT(p->manual, 0);
		CHECK_SERVER(p->imap, "mail.centurylink.net", 993, CFG_SEC_TLS);
		CHECK_SERVER(p->smtp, "smtp.centurylink.net", 587,
		    CFG_SEC_STARTTLS);
		CHECK_INT(p->userform, SETUP_USER_ADDRESS);
		CHECK(p->notes & (1u << SETUP_NOTE_EMAIL_PASSWORD));
		CHECK(p->notes & (1u << SETUP_NOTE_LOCKOUT));
	}
	CHECK_INT(setup_providers_find(&ps, "centurylink.net")->ndomains, 17);
	/* Case does not matter. */
	CHECK(setup_providers_find(&ps, "CenturyLink.NET") != NULL);
	setup_providers_release(&ps);
}

static void
test_providers_qwestoffice_is_manual(void)
{
	struct setup_providers ps;
	const struct setup_provider *p;

	load_shipped(&ps);
	p = setup_providers_find(&ps, "qwestoffice.net");
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_INT(p->manual, 1);
		CHECK_STR(p->imap.host, "");
		CHECK(p->notes & (1u << SETUP_NOTE_BUSINESS));
	}
	setup_providers_release(&ps);
}

static void
test_providers_others(void)
{
	static const struct {
		const char *domain, *id, *imap;
		int iport, isec;
		const char *smtp;
		int sport, ssec;
		enum setup_note note;
	} want[] = {
	    {"gmail.com", "gmail", "imap.gmail.com", 993, CFG_SEC_TLS,
		"smtp.gmail.com", 465, CFG_SEC_TLS, SETUP_NOTE_APP_PASSWORD},
	    {"googlemail.com", "gmail", "imap.gmail.com", 993, CFG_SEC_TLS,
		"smtp.gmail.com", 465, CFG_SEC_TLS, SETUP_NOTE_APP_PASSWORD},
	    {"hotmail.com", "outlook", "outlook.office365.com", 993,
		CFG_SEC_TLS, "smtp-mail.outlook.com", 587, CFG_SEC_STARTTLS,
		SETUP_NOTE_OAUTH2},
	    {"ymail.com", "yahoo", "imap.mail.yahoo.com", 993, CFG_SEC_TLS,
		"smtp.mail.yahoo.com", 465, CFG_SEC_TLS,
		SETUP_NOTE_APP_PASSWORD},
	    {"me.com", "icloud", "imap.mail.me.com", 993, CFG_SEC_TLS,
		"smtp.mail.me.com", 587, CFG_SEC_STARTTLS,
		SETUP_NOTE_APP_PASSWORD},
	    {"fastmail.com", "fastmail", "imap.fastmail.com", 993, CFG_SEC_TLS,
		"smtp.fastmail.com", 465, CFG_SEC_TLS, SETUP_NOTE_APP_PASSWORD},
	    {"aol.com", "aol", "imap.aol.com", 993, CFG_SEC_TLS, "smtp.aol.com",
		465, CFG_SEC_TLS, SETUP_NOTE_APP_PASSWORD},
	    {"verizon.net", "verizon", "imap.aol.com", 993, CFG_SEC_TLS,
		"smtp.aol.com", 465, CFG_SEC_TLS, SETUP_NOTE_VERIZON_AOL},
	    {"comcast.net", "comcast", "imap.comcast.net", 993, CFG_SEC_TLS,
		"smtp.comcast.net", 587, CFG_SEC_STARTTLS,
		SETUP_NOTE_THIRD_PARTY},
	    {"sbcglobal.net", "att", "imap.mail.att.net", 993, CFG_SEC_TLS,
		"smtp.mail.att.net", 465, CFG_SEC_TLS,
		SETUP_NOTE_SECURE_MAIL_KEY},
	    {"zoho.com", "zoho", "imap.zoho.com", 993, CFG_SEC_TLS,
		"smtp.zoho.com", 465, CFG_SEC_TLS, SETUP_NOTE_ENABLE_IMAP},
	    {"gmx.com", "gmx-com", "imap.gmx.com", 993, CFG_SEC_TLS,
		"mail.gmx.com", 587, CFG_SEC_STARTTLS, SETUP_NOTE_ENABLE_IMAP},
	    {"gmx.de", "gmx-net", "imap.gmx.net", 993, CFG_SEC_TLS,
		"mail.gmx.net", 587, CFG_SEC_STARTTLS, SETUP_NOTE_ENABLE_IMAP},
	    {"proton.me", "proton", "127.0.0.1", 1143, CFG_SEC_STARTTLS,
		"127.0.0.1", 1025, CFG_SEC_STARTTLS, SETUP_NOTE_BRIDGE},
	};
	struct setup_providers ps;
	const struct setup_provider *p;
	size_t i;

	load_shipped(&ps);
	for (i = 0; i < PT_NELEM(want); i++) {
		p = setup_providers_find(&ps, want[i].domain);
		CHECK(p != NULL);
		if (p == NULL) {
			fprintf(stderr, "  no provider for %s\n",
			    want[i].domain);
			continue;
		}
		CHECK_STR(p->id, want[i].id);
		CHECK_SERVER(p->imap, want[i].imap, want[i].iport,
		    want[i].isec);
		CHECK_SERVER(p->smtp, want[i].smtp, want[i].sport,
		    want[i].ssec);
		CHECK(p->notes & (1u << want[i].note));
	}
	CHECK(setup_providers_find(&ps, "example.com") == NULL);
	setup_providers_release(&ps);
}

static void
test_providers_find_mx(void)
{
	struct setup_providers ps;
	const struct setup_provider *p;

	load_shipped(&ps);
	p = setup_providers_find_mx(&ps, "aspmx.l.google.com.");
	CHECK(p != NULL && strcmp(p->id, "gmail") == 0);
	p = setup_providers_find_mx(&ps, "in1-smtp.messagingengine.com");
	CHECK(p != NULL && strcmp(p->id, "fastmail") == 0);
	p = setup_providers_find_mx(&ps,
	    "example-com.mail.protection.outlook.com");
	CHECK(p != NULL && strcmp(p->id, "outlook") == 0);
	/* A suffix must match at a label boundary. */
	CHECK(setup_providers_find_mx(&ps, "notgoogle.com") == NULL);
	CHECK(setup_providers_find_mx(&ps, "mx.example.org") == NULL);
	setup_providers_release(&ps);
}

static void
test_providers_every_note_has_text(void)
{
	int n;

	for (n = 0; n < SETUP_NOTE_COUNT; n++) {
		CHECK(setup_note_id((enum setup_note)n)[0] != '\0');
		CHECK(strlen(setup_note_text((enum setup_note)n)) > 20);
	}
	CHECK(strstr(setup_note_text(SETUP_NOTE_EMAIL_PASSWORD),
		  "not your My CenturyLink account password") != NULL);
}

static void
test_providers_parse_minimal(void)
{
	struct setup_providers ps;
	struct pt_error err;
	const struct setup_provider *p;

	setup_providers_init(&ps);
	CHECK_INT(parse(&ps,
		      "# comment\n"
		      "\n"
		      "[provider ex]\n"
		      "  name = Example Mail  \n"
		      "domains = Example.COM example.net\n"
		      "domains = example.org\n"
		      "imap = IMAP.example.com 143 starttls\n"
		      "smtp = smtp.example.com 465 tls\n"
		      "username = localpart\n"
		      "hint = Say \"hello\" # not a comment\n"
		      "note = lockout\n"
		      "note = oauth2",
		      &err),
	    0);
	CHECK_INT(ps.n, 1);
	p = setup_providers_find(&ps, "example.org");
	CHECK(p != NULL);
	if (p != NULL) {
		CHECK_STR(p->name, "Example Mail");
		CHECK_INT(p->ndomains, 3);
		CHECK_STR(p->domains[0], "example.com");
		CHECK_SERVER(p->imap, "imap.example.com", 143,
		    CFG_SEC_STARTTLS);
		CHECK_SERVER(p->smtp, "smtp.example.com", 465, CFG_SEC_TLS);
		CHECK_INT(p->userform, SETUP_USER_LOCALPART);
		CHECK_STR(p->hint, "Say \"hello\" # not a comment");
		CHECK_INT(p->notes,
		    (1u << SETUP_NOTE_LOCKOUT) | (1u << SETUP_NOTE_OAUTH2));
	}
	setup_providers_release(&ps);
}

static void
test_providers_parse_errors(void)
{
	static const struct {
		const char *text;
		const char *want; /* a part of the message */
	} bad[] = {
	    {"name = x\n", "p.conf:1: 'name' outside a [provider ID] section"},
	    {"[provider]\n", "p.conf:1: a section header must be"},
	    {"[account x]\n", "p.conf:1: a section header must be"},
	    {"[provider a b]\n", "p.conf:1: a section header must be"},
	    {"[provider a/b]\n", "p.conf:1: provider ID 'a/b'"},
	    {"[provider a]\nname = A\ndomains = a.com\n", "p.conf:1: provider "
							  "'a' needs both"},
	    {"[provider a]\ndomains = a.com\nmanual = yes\n",
		"p.conf:1: provider 'a' has no name"},
	    {"[provider a]\nname = A\nmanual = yes\n",
		"p.conf:1: provider 'a' has no domains"},
	    {"[provider a]\nname = A\ndomains = a.com\nmanual = yes\n"
	     "imap = i.a.com 993 tls\n",
		"p.conf:1: provider 'a' is \"manual = yes\" but has servers"},
	    {"[provider a]\nfoo = 1\n", "p.conf:2: unknown key 'foo'"},
	    {"[provider a]\nname = A\nname = B\n",
		"p.conf:3: 'name' is given twice"},
	    {"[provider a]\nname =\n", "p.conf:2: 'name' has no value"},
	    {"[provider a]\nimap = i.a.com 993\n",
		"p.conf:2: a server must be"},
	    {"[provider a]\nimap = i.a.com 0 tls\n",
		"p.conf:2: port '0' is not a number"},
	    {"[provider a]\nimap = i.a.com 99999 tls\n",
		"p.conf:2: port '99999'"},
	    {"[provider a]\nimap = i.a.com 993 ssl\n",
		"p.conf:2: security must be \"tls\" or \"starttls\", not "
		"'ssl'"},
	    {"[provider a]\nimap = i_a..com 993 tls\n",
		"p.conf:2: 'i_a..com' is not a host name"},
	    {"[provider a]\nnote = cookies\n", "p.conf:2: unknown note "
					       "'cookies'"},
	    {"[provider a]\nusername = email\n", "p.conf:2: username must"},
	    {"[provider a]\ndomains = localhost\n",
		"p.conf:2: 'localhost' is not a domain name"},
	    {"[provider a]\nurl = http://x\n", "p.conf:2: url must be"},
	    {"[provider a]\nname = A\ndomains = a.com\nmanual = yes\n"
	     "[provider b]\nname = B\ndomains = b.com A.com\nmanual = yes\n",
		"p.conf:7: domain 'a.com' already belongs to provider 'a'"},
	    {"[provider a]\ndomains = a.com a.com\n",
		"p.conf:2: domain 'a.com' already belongs"},
	    {"[provider a]\nname = A\ndomains = a.com\nmanual = yes\n"
	     "[provider a]\n",
		"p.conf:5: provider 'a' is defined twice"},
	    {"[provider a]\nname = \xff\n", "p.conf:2: line is not valid "
					    "UTF-8"},
	    {"[provider a]\njunk\n", "p.conf:2: expected"},
	};
	struct setup_providers ps;
	struct pt_error err;
	size_t i;

	for (i = 0; i < PT_NELEM(bad); i++) {
		setup_providers_init(&ps);
		CHECK_INT(parse(&ps, bad[i].text, &err), -1);
		CHECK_INT(err.class, PT_E_CONFIG);
		CHECK_INT(ps.n, 0);
		if (strstr(err.msg, bad[i].want) == NULL) {
			pt_test_failures++;
			fprintf(stderr, "  case %zu: got \"%s\", want \"%s\"\n",
			    i, err.msg, bad[i].want);
		}
		setup_providers_release(&ps);
	}
}

static void
test_providers_parse_keeps_earlier_files(void)
{
	struct setup_providers ps;
	struct pt_error err;

	setup_providers_init(&ps);
	CHECK_INT(parse(&ps,
		      "[provider a]\nname = A\ndomains = a.com\nmanual = yes\n",
		      &err),
	    0);
	/* A second file may claim the same domain: the first one wins. */
	CHECK_INT(parse(&ps,
		      "[provider a2]\nname = A2\ndomains = a.com\n"
		      "manual = yes\n",
		      &err),
	    0);
	CHECK_STR(setup_providers_find(&ps, "a.com")->id, "a");
	/* A failing file leaves the earlier ones alone. */
	CHECK_INT(parse(&ps, "[provider c]\nname = C\nbad\n", &err), -1);
	CHECK_INT(ps.n, 2);
	setup_providers_release(&ps);
}

static void
test_providers_parse_long_line(void)
{
	struct setup_providers ps;
	struct pt_error err;
	char *text;

	text = pt_xmalloc(SETUP_PROVIDERS_LINE_MAX + 10);
	memset(text, '#', SETUP_PROVIDERS_LINE_MAX + 1);
	text[SETUP_PROVIDERS_LINE_MAX + 1] = '\0';
	setup_providers_init(&ps);
	CHECK_INT(parse(&ps, text, &err), -1);
	CHECK(strstr(err.msg, "p.conf:1: line is longer") != NULL);
	free(text);
	setup_providers_release(&ps);
}

static void
test_host_valid(void)
{
	CHECK(setup_host_valid("mail.example.com"));
	CHECK(setup_host_valid("127.0.0.1"));
	CHECK(!setup_host_valid(""));
	CHECK(!setup_host_valid(".a.com"));
	CHECK(!setup_host_valid("a..com"));
	CHECK(!setup_host_valid("a.com:993"));
	CHECK(!setup_host_valid("a com"));
	CHECK(!setup_host_valid("-a.com"));
}

/* A DNS reply builder for the parser tests. */
struct dnsmsg {
	unsigned char b[1024];
	size_t n;
};

static void
dns_u16(struct dnsmsg *m, int v)
{
	m->b[m->n++] = (unsigned char)(v >> 8);
	m->b[m->n++] = (unsigned char)v;
}

static void
dns_name(struct dnsmsg *m, const char *name)
{
	const char *dot;
	size_t len;

	while (*name != '\0') {
		dot = strchr(name, '.');
		len = dot ? (size_t)(dot - name) : strlen(name);
		m->b[m->n++] = (unsigned char)len;
		memcpy(m->b + m->n, name, len);
		m->n += len;
		name += len + (dot != NULL);
	}
	m->b[m->n++] = 0;
}

/* Header and question; the answers follow with dns_srv/dns_mx. */
static void
dns_start(struct dnsmsg *m, int rcode, int ancount, const char *q, int type)
{
	m->n = 0;
	dns_u16(m, 0x1234);
	dns_u16(m, 0x8180 | rcode);
	dns_u16(m, 1);
	dns_u16(m, ancount);
	dns_u16(m, 0);
	dns_u16(m, 0);
	dns_name(m, q);
	dns_u16(m, type);
	dns_u16(m, 1);
}

static void
dns_rr(struct dnsmsg *m, int type, const unsigned char *rdata, size_t len)
{
	m->b[m->n++] = 0xc0; /* a pointer to the question's name */
	m->b[m->n++] = 12;
	dns_u16(m, type);
	dns_u16(m, 1);
	dns_u16(m, 0);
	dns_u16(m, 300);
	dns_u16(m, (int)len);
	memcpy(m->b + m->n, rdata, len);
	m->n += len;
}

static void
dns_srv(struct dnsmsg *m, int prio, int weight, int port, const char *target)
{
	struct dnsmsg r;

	r.n = 0;
	dns_u16(&r, prio);
	dns_u16(&r, weight);
	dns_u16(&r, port);
	dns_name(&r, target);
	dns_rr(m, 33, r.b, r.n);
}

static void
dns_mx(struct dnsmsg *m, int pref, const char *host)
{
	struct dnsmsg r;

	r.n = 0;
	dns_u16(&r, pref);
	dns_name(&r, host);
	dns_rr(m, 15, r.b, r.n);
}

static void
test_dns_parse_srv_sorted(void)
{
	struct dnsmsg m;
	struct setup_dns_rr rr[4];

	dns_start(&m, 0, 3, "_imaps._tcp.example.com", 33);
	dns_srv(&m, 20, 0, 993, "backup.example.com");
	dns_srv(&m, 10, 5, 993, "imap2.example.com");
	dns_srv(&m, 10, 50, 1993, "imap.example.com");
	CHECK_INT(setup_dns_parse(m.b, m.n, 33, rr, 4), 3);
	CHECK_STR(rr[0].target, "imap.example.com");
	CHECK_INT(rr[0].port, 1993);
	CHECK_INT(rr[0].weight, 50);
	CHECK_STR(rr[1].target, "imap2.example.com");
	CHECK_STR(rr[2].target, "backup.example.com");
	CHECK_INT(rr[2].priority, 20);
	/* max is honoured. */
	CHECK_INT(setup_dns_parse(m.b, m.n, 33, rr, 1), 1);
}

static void
test_dns_parse_mx_and_others(void)
{
	struct dnsmsg m;
	struct setup_dns_rr rr[4];

	dns_start(&m, 0, 2, "example.com", 15);
	dns_mx(&m, 20, "alt1.aspmx.l.google.com");
	dns_mx(&m, 1, "aspmx.l.google.com");
	CHECK_INT(setup_dns_parse(m.b, m.n, 15, rr, 4), 2);
	CHECK_STR(rr[0].target, "aspmx.l.google.com");
	CHECK_INT(rr[0].priority, 1);
	/* Records of another type are skipped. */
	CHECK_INT(setup_dns_parse(m.b, m.n, 33, rr, 4), 0);
	/* NXDOMAIN: no records; SERVFAIL: an error. */
	dns_start(&m, 3, 0, "nope.example.com", 33);
	CHECK_INT(setup_dns_parse(m.b, m.n, 33, rr, 4), 0);
	dns_start(&m, 2, 0, "nope.example.com", 33);
	CHECK_INT(setup_dns_parse(m.b, m.n, 33, rr, 4), -1);
}

static void
test_dns_parse_malformed(void)
{
	struct dnsmsg m;
	struct setup_dns_rr rr[4];
	size_t cut;

	dns_start(&m, 0, 1, "_imaps._tcp.example.com", 33);
	dns_srv(&m, 0, 0, 993, "imap.example.com");
	/* Every truncation is refused, never read past. */
	for (cut = 0; cut < m.n; cut++)
		CHECK(setup_dns_parse(m.b, cut, 33, rr, 4) <= 0);
	/* More answers announced than present. */
	m.b[7] = 5;
	CHECK_INT(setup_dns_parse(m.b, m.n, 33, rr, 4), -1);
	/* A compression loop. */
	dns_start(&m, 0, 1, "x.example.com", 33);
	cut = m.n;
	m.b[m.n++] = 0xc0;
	m.b[m.n++] = (unsigned char)cut;
	memset(m.b + m.n, 0, 16);
	m.n += 16;
	CHECK_INT(setup_dns_parse(m.b, m.n, 33, rr, 4), -1);
}

static const char ac_full[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!-- a comment <incomingServer> -->\n"
    "<clientConfig version=\"1.1\">\n"
    "  <emailProvider id=\"example.com\">\n"
    "    <domain>example.com</domain>\n"
    "    <displayName>Example &amp; Co</displayName>\n"
    "    <incomingServer type=\"pop3\">\n"
    "      <hostname>pop.example.com</hostname><port>995</port>\n"
    "      <socketType>SSL</socketType>\n"
    "    </incomingServer>\n"
    "    <incomingServer type=\"imap\">\n"
    "      <hostname>plain.example.com</hostname><port>143</port>\n"
    "      <socketType>plain</socketType>\n"
    "    </incomingServer>\n"
    "    <incomingServer type='imap'>\n"
    "      <hostname> IMAP.%EMAILDOMAIN% </hostname>\n"
    "      <port>993</port>\n"
    "      <socketType>SSL</socketType>\n"
    "      <authentication>OAuth2</authentication>\n"
    "      <authentication>password-cleartext</authentication>\n"
    "      <username>%EMAILLOCALPART%</username>\n"
    "    </incomingServer>\n"
    "    <outgoingServer type=\"smtp\">\n"
    "      <hostname><![CDATA[smtp.example.com]]></hostname>\n"
    "      <port>&#53;87</port>\n"
    "      <socketType>STARTTLS</socketType>\n"
    "      <username>%EMAILADDRESS%</username>\n"
    "    </outgoingServer>\n"
    "    <documentation url=\"https://example.com/help\"/>\n"
    "  </emailProvider>\n"
    "</clientConfig>\n";

static int
ac_parse(const char *xml, struct setup_autoconfig *ac, struct pt_error *err)
{
	pt_error_init(err);
	return setup_autoconfig_parse(xml, strlen(xml), "joe@example.com", ac,
	    err);
}

static void
test_autoconfig_parse_full(void)
{
	struct setup_autoconfig ac;
	struct pt_error err;

	CHECK_INT(ac_parse(ac_full, &ac, &err), 0);
	CHECK_STR(ac.name, "Example & Co");
	CHECK_SERVER(ac.imap, "imap.example.com", 993, CFG_SEC_TLS);
	CHECK_SERVER(ac.smtp, "smtp.example.com", 587, CFG_SEC_STARTTLS);
	CHECK_INT(ac.userform, SETUP_USER_LOCALPART);
	CHECK_INT(ac.oauth_only, 0);
}

static void
test_autoconfig_parse_oauth_only(void)
{
	struct setup_autoconfig ac;
	struct pt_error err;

	CHECK_INT(ac_parse("<clientConfig><emailProvider id='x'>"
			   "<incomingServer type='imap'><hostname>i.x.com"
			   "</hostname><port>993</port><socketType>SSL"
			   "</socketType><authentication>OAuth2"
			   "</authentication></incomingServer>"
			   "<outgoingServer type='smtp'><hostname>s.x.com"
			   "</hostname><port>465</port><socketType>SSL"
			   "</socketType></outgoingServer>"
			   "</emailProvider></clientConfig>",
		      &ac, &err),
	    0);
	CHECK_INT(ac.oauth_only, 1);
	CHECK_SERVER(ac.smtp, "s.x.com", 465, CFG_SEC_TLS);
	CHECK_INT(ac.userform, SETUP_USER_ADDRESS);
}

static void
test_autoconfig_parse_rejects(void)
{
	static const char *const bad[] = {
	    "",
	    "<html><body>Not found</body></html>",
	    "<clientConfig>",
	    "<clientConfig></clientconfig>",
	    "<clientConfig><a></b></clientConfig>",
	    "<clientConfig>&bogus;</clientConfig>",
	    "<!DOCTYPE x [<!ENTITY a \"b\">]><clientConfig/>",
	    "<clientConfig/><clientConfig/>",
	    "junk<clientConfig/>",
	    "<clientConfig><!-- never closed </clientConfig>",
	    /* Only plain-text servers. */
	    "<clientConfig><emailProvider>"
	    "<incomingServer type='imap'><hostname>i.x.com</hostname>"
	    "<port>143</port><socketType>plain</socketType>"
	    "</incomingServer><outgoingServer type='smtp'><hostname>s.x.com"
	    "</hostname><port>25</port><socketType>plain</socketType>"
	    "</outgoingServer></emailProvider></clientConfig>",
	    /* A host name that is not one. */
	    "<clientConfig><emailProvider>"
	    "<incomingServer type='imap'><hostname>i x.com</hostname>"
	    "<port>993</port><socketType>SSL</socketType>"
	    "</incomingServer><outgoingServer type='smtp'><hostname>s.x.com"
	    "</hostname><port>465</port><socketType>SSL</socketType>"
	    "</outgoingServer></emailProvider></clientConfig>",
	};
	struct setup_autoconfig ac;
	struct pt_error err;
	char deep[2048];
	size_t i;

	for (i = 0; i < PT_NELEM(bad); i++) {
		if (ac_parse(bad[i], &ac, &err) != -1) {
			pt_test_failures++;
			fprintf(stderr, "  case %zu was accepted\n", i);
		}
		CHECK_INT(err.class, PT_E_PROTO);
	}
	/* Deep nesting is refused, not followed. */
	pt_strlcpy(deep, "<clientConfig>", sizeof deep);
	for (i = 0; i < 40; i++)
		pt_strlcpy(deep + strlen(deep), "<a>",
		    sizeof deep - strlen(deep));
	CHECK_INT(ac_parse(deep, &ac, &err), -1);
	CHECK(strstr(err.msg, "nested") != NULL);
	/* Every truncation of a good file fails cleanly. */
	for (i = 0; i + 1 < sizeof ac_full - 1; i++) {
		pt_error_init(&err);
		CHECK(setup_autoconfig_parse(ac_full, i, "a@b.c", &ac, &err) ==
		      -1);
	}
}

static void
test_http_parse(void)
{
	struct pt_buf b;
	struct pt_error err;
	int code = 0;
	const char *r;

	pt_buf_init(&b, 1024);
	pt_error_init(&err);
	r = "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"
	    "Content-Length: 5\r\n\r\nhello world";
	CHECK_INT(setup_http_parse(r, strlen(r), &code, &b, &err), 0);
	CHECK_INT(code, 200);
	CHECK_STR(b.data, "hello");
	pt_buf_reset(&b);
	r = "HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n"
	    "4\r\nabcd\r\n3;ext=1\r\nefg\r\n0\r\n\r\n";
	CHECK_INT(setup_http_parse(r, strlen(r), &code, &b, &err), 0);
	CHECK_STR(b.data, "abcdefg");
	pt_buf_reset(&b);
	r = "HTTP/1.0 404 Not Found\r\n\r\nnope";
	CHECK_INT(setup_http_parse(r, strlen(r), &code, &b, &err), 0);
	CHECK_INT(code, 404);
	CHECK_STR(b.data, "nope");
	pt_buf_reset(&b);
	r = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "ff\r\nshort\r\n";
	CHECK_INT(setup_http_parse(r, strlen(r), &code, &b, &err), -1);
	r = "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort";
	CHECK_INT(setup_http_parse(r, strlen(r), &code, &b, &err), -1);
	r = "SSH-2.0-OpenSSH\r\n\r\n";
	CHECK_INT(setup_http_parse(r, strlen(r), &code, &b, &err), -1);
	r = "HTTP/1.1 200 OK\r\nno end of headers";
	CHECK_INT(setup_http_parse(r, strlen(r), &code, &b, &err), -1);
	pt_buf_release(&b);
}

static void
test_email_valid(void)
{
	CHECK(setup_email_valid("joe@centurylink.net"));
	CHECK(setup_email_valid("first.last+tag@mail.example.co.uk"));
	CHECK(!setup_email_valid("joe"));
	CHECK(!setup_email_valid("joe@"));
	CHECK(!setup_email_valid("@example.com"));
	CHECK(!setup_email_valid("joe@localhost"));
	CHECK(!setup_email_valid("joe@example.com."));
	CHECK(!setup_email_valid("jo e@example.com"));
	CHECK(!setup_email_valid("joe@exa mple.com"));
	CHECK(!setup_email_valid("<joe@example.com>"));
	CHECK(!setup_email_valid("joe@example..com"));
	CHECK_STR(setup_email_domain("joe@Example.COM"), "Example.COM");
}

static void
test_port_security_and_alternative(void)
{
	struct setup_server s = {"smtp.example.com", 587, CFG_SEC_STARTTLS},
			    alt;

	CHECK_INT(setup_port_security(993), CFG_SEC_TLS);
	CHECK_INT(setup_port_security(465), CFG_SEC_TLS);
	CHECK_INT(setup_port_security(143), CFG_SEC_STARTTLS);
	CHECK_INT(setup_port_security(587), CFG_SEC_STARTTLS);
	CHECK_INT(setup_port_security(2525), -1);
	CHECK_INT(setup_alternative(1, &s, &alt), 0);
	CHECK_SERVER(alt, "smtp.example.com", 465, CFG_SEC_TLS);
	s.port = 465;
	CHECK_INT(setup_alternative(1, &s, &alt), 0);
	CHECK_SERVER(alt, "smtp.example.com", 587, CFG_SEC_STARTTLS);
	s.port = 993;
	CHECK_INT(setup_alternative(0, &s, &alt), 0);
	CHECK_SERVER(alt, "smtp.example.com", 143, CFG_SEC_STARTTLS);
	s.port = 2525;
	CHECK_INT(setup_alternative(1, &s, &alt), -1);
}

/* A loopback port that nothing listens on (bound, then closed). */
static int
closed_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int fd, port = -1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/* What the check reported: each line printed, and the failure seen. */
struct lines {
	FILE *out;
	char *text;
	size_t len;
	const struct setup_check_result *res; /* of the failed line */
	int fails;
	int stray; /* other lines with a result */
};

static void
lines_add(void *arg, const struct setup_line *l)
{
	struct lines *ls = arg;

	setup_line_print(ls->out, l);
	if (l->kind == SETUP_LINE_FAIL) {
		ls->fails++;
		ls->res = l->res;
	} else if (l->res != NULL)
		ls->stray++;
}

static void
test_check_steps_refused(void)
{
	struct setup_check_result res;
	struct setup_check_params cp;
	struct net_params np;
	struct pt_secret pw;
	struct lines ls;
	char *want;
	int port = closed_port();

	CHECK(port > 0);
	memset(&ls, 0, sizeof ls);
	ls.out = open_memstream(&ls.text, &ls.len);
	if (ls.out == NULL)
		exit(99);
	pt_secret_init(&pw);
	pt_secret_set(&pw, "secret", 6);
	memset(&cp, 0, sizeof cp);
	cp.email = "pat@example.test";
	cp.username = "pat";
	cp.pw = &pw;
	cp.line = lines_add;
	cp.arg = &ls;
	memset(&np, 0, sizeof np);
	np.host = "127.0.0.1";
	np.port = port;
	np.security = CFG_SEC_TLS;
	np.proto = NET_PROTO_IMAP;
	np.connect_timeout_ms = 2000;
	np.read_timeout_ms = 2000;

	CHECK_INT(setup_check_steps(&cp, &np, &res), -1);
	fclose(ls.out);
	CHECK_INT(ls.fails, 1);
	CHECK_INT(ls.stray, 0);
	CHECK(ls.res == &res);
	CHECK_INT(res.err.code, NET_ERR_REFUSED);
	CHECK_INT(res.login_failed, 0);
	CHECK_INT(res.cert.valid, 0);
	want = pt_xasprintf("TCP connect to port %d", port);
	CHECK_STR(res.step, want);
	free(want);
	want = pt_xasprintf("  \u2713 resolve 127.0.0.1: 127.0.0.1\n"
			    "  \u2717 TCP connect to port %d\n"
			    "      %s\n"
			    "  - TLS handshake and certificate: skipped\n"
			    "  - IMAP capabilities: skipped\n"
			    "  - IMAP login as pat: skipped\n"
			    "  - open INBOX: skipped\n",
	    port, res.err.msg);
	CHECK_STR(ls.text, want);
	free(want);
	free(ls.text);
	pt_secret_release(&pw);
}

static void
test_check_server_probe_smtp(void)
{
	struct setup_check_result res;
	struct setup_check_params cp;
	struct setup_server srv = {"127.0.0.1", 0, CFG_SEC_STARTTLS};
	struct lines ls;
	char *want;

	srv.port = closed_port();
	CHECK(srv.port > 0);
	memset(&ls, 0, sizeof ls);
	ls.out = open_memstream(&ls.text, &ls.len);
	if (ls.out == NULL)
		exit(99);
	memset(&cp, 0, sizeof cp);
	cp.email = "pat@example.test";
	cp.username = "pat";
	cp.connect_timeout_ms = 2000;
	cp.line = lines_add;
	cp.arg = &ls;

	/* No password: a probe, which stops before AUTH. */
	CHECK_INT(setup_check_server(&cp, NET_PROTO_SMTP, &srv, &res), -1);
	fclose(ls.out);
	CHECK_INT(ls.fails, 1);
	CHECK_INT(ls.stray, 0);
	CHECK_INT(res.err.code, NET_ERR_REFUSED);
	want = pt_xasprintf("SMTP 127.0.0.1 port %d, STARTTLS\n"
			    "  \u2713 resolve 127.0.0.1: 127.0.0.1\n"
			    "  \u2717 TCP connect to port %d\n"
			    "      %s\n"
			    "  - EHLO: skipped\n"
			    "  - STARTTLS: skipped\n"
			    "  - TLS handshake and certificate: skipped\n"
			    "  - EHLO again over TLS: skipped\n",
	    srv.port, srv.port, res.err.msg);
	CHECK_STR(ls.text, want);
	free(want);
	free(ls.text);
}

static void
test_cert_print(void)
{
	struct net_cert_info ci;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	memset(&ci, 0, sizeof ci);
	out = open_memstream(&text, &len);
	if (out == NULL)
		exit(99);
	setup_cert_print(out, &ci);
	fflush(out);
	CHECK_INT((int)len, 0);
	ci.valid = 1;
	pt_strlcpy(ci.subject, "CN=mail.example.test", sizeof ci.subject);
	pt_strlcpy(ci.issuer, "CN=Example CA", sizeof ci.issuer);
	pt_strlcpy(ci.not_before, "2025-01-01 00:00 UTC", sizeof ci.not_before);
	pt_strlcpy(ci.not_after, "2026-01-01 00:00 UTC", sizeof ci.not_after);
	pt_strlcpy(ci.sha256, "sha256:00ff", sizeof ci.sha256);
	setup_cert_print(out, &ci);
	fclose(out);
	CHECK_STR(text, "      subject:   CN=mail.example.test\n"
			"      issuer:    CN=Example CA\n"
			"      valid:     2025-01-01 00:00 UTC \u2013 "
			"2026-01-01 00:00 UTC\n"
			"      SHA-256:   00ff\n");
	free(text);
}

static void
test_detect_presets_offline(void)
{
	struct setup_detect_opts o;
	struct setup_providers ps;
	struct setup_settings st;
	struct pt_error err;
	size_t i;

	memset(&o, 0, sizeof o);
	o.no_network = 1;
	load_shipped(&ps);
	pt_error_init(&err);
	for (i = 0; i < PT_NELEM(centurylink_domains); i++) {
		char *email =
		    pt_xasprintf("Pat.Doe@%s", centurylink_domains[i]);

		CHECK_INT(setup_detect(email, &ps, &o, &st, &err), 0);
		CHECK_INT(st.source, SETUP_SOURCE_PRESET);
		CHECK_STR(st.source_detail, "CenturyLink");
		CHECK_SERVER(st.imap, "mail.centurylink.net", 993, CFG_SEC_TLS);
		CHECK_SERVER(st.smtp, "smtp.centurylink.net", 587,
		    CFG_SEC_STARTTLS);
		CHECK_STR(st.username, email);
		free(email);
	}
	CHECK_INT(setup_detect("boss@QwestOffice.net", &ps, &o, &st, &err), 0);
	CHECK_INT(st.source, SETUP_SOURCE_MANUAL);
	CHECK_STR(st.imap.host, "");
	CHECK_STR(st.smtp.host, "");
	CHECK(st.provider != NULL &&
	      (st.provider->notes & (1u << SETUP_NOTE_BUSINESS)));

	CHECK_INT(setup_detect("me@outlook.com", &ps, &o, &st, &err), 0);
	CHECK_INT(st.oauth_only, 1);

	CHECK_INT(setup_detect("me@Unknown-Domain.example", &ps, &o, &st, &err),
	    0);
	CHECK_INT(st.source, SETUP_SOURCE_GUESS);
	CHECK_SERVER(st.imap, "imap.unknown-domain.example", 993, CFG_SEC_TLS);
	CHECK_SERVER(st.smtp, "smtp.unknown-domain.example", 587,
	    CFG_SEC_STARTTLS);
	CHECK_STR(st.username, "me@Unknown-Domain.example");

	CHECK_INT(setup_detect("not an address", &ps, &o, &st, &err), -1);
	CHECK_INT(err.class, PT_E_CONFIG);
	setup_providers_release(&ps);
}

static const struct pt_test tests[] = {
    PT_TEST(test_providers_centurylink_all_domains),
    PT_TEST(test_providers_qwestoffice_is_manual),
    PT_TEST(test_providers_others),
    PT_TEST(test_providers_find_mx),
    PT_TEST(test_providers_every_note_has_text),
    PT_TEST(test_providers_parse_minimal),
    PT_TEST(test_providers_parse_errors),
    PT_TEST(test_providers_parse_keeps_earlier_files),
    PT_TEST(test_providers_parse_long_line),
    PT_TEST(test_host_valid),
    PT_TEST(test_dns_parse_srv_sorted),
    PT_TEST(test_dns_parse_mx_and_others),
    PT_TEST(test_dns_parse_malformed),
    PT_TEST(test_autoconfig_parse_full),
    PT_TEST(test_autoconfig_parse_oauth_only),
    PT_TEST(test_autoconfig_parse_rejects),
    PT_TEST(test_http_parse),
    PT_TEST(test_email_valid),
    PT_TEST(test_port_security_and_alternative),
    PT_TEST(test_detect_presets_offline),
    PT_TEST(test_check_steps_refused),
    PT_TEST(test_check_server_probe_smtp),
    PT_TEST(test_cert_print),
    {NULL, NULL},
};

int
main(void)
{
	return pt_test_run(tests);
}
