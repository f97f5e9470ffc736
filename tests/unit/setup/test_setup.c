/*
 * Unit tests for the setup wizard's pure parts: the provider presets,
 * DNS answer parsing, the autoconfig XML reader, the HTTP response
 * reader and the detection steps that need no network.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

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
    {NULL, NULL},
};

int
main(void)
{
	return pt_test_run(tests);
}
