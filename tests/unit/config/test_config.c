/*
 * test_config: unit tests of the config module: parsing, defaults,
 * every error message (with its line), passwords and password_command,
 * the permission check, --dump-config and the writers.  Files go in a
 * private temporary folder, removed at the end.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"

#include "tests/harness/pt_test.h"

#define ACCT_MIN                                                               \
	"[account lab]\n"                                                      \
	"email = alice@example.test\n"                                         \
	"imap_host = imap.example.test\n"                                      \
	"smtp_host = smtp.example.test\n"

#define PIN_HEX                                                                \
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char tmpdir[256];
static char *created[64];
static size_t ncreated;

static const char *tmp_path(const char *);
static const char *write_tmp(const char *, const char *, mode_t);
static char *read_all(const char *);
static const char *msgf(const char *, ...) PT_PRINTF(1, 2);
static const char *parse_error_len(const char *, size_t, int *);
static const char *parse_error(const char *);
static struct cfg *parse_ok(const char *);
static const char *load_error(const char *, int *);
static char *dump_text(const struct cfg *);
static void cleanup(void);

/* A path in the temporary folder (kept until the end, then removed). */
static const char *
tmp_path(const char *name)
{
	char *p;
	size_t i;

	if (tmpdir[0] == '\0') {
		const char *base = getenv("TMPDIR");

		/*
		 * A short folder, so that messages naming files fit in
		 * struct pt_error's 256 bytes.
		 */
		if (base == NULL || *base == '\0' || strlen(base) > 40)
			base = "/tmp";
		snprintf(tmpdir, sizeof tmpdir, "%s/petrel-cfg-XXXXXX", base);
		if (mkdtemp(tmpdir) == NULL) {
			perror("mkdtemp");
			exit(99);
		}
	}
	p = pt_xasprintf("%s/%s", tmpdir, name);
	for (i = 0; i < ncreated; i++) {
		if (strcmp(created[i], p) == 0) {
			free(p);
			return created[i];
		}
	}
	if (ncreated == PT_NELEM(created)) {
		fprintf(stderr, "too many temporary files\n");
		exit(99);
	}
	created[ncreated++] = p;
	return p;
}

static const char *
write_tmp(const char *name, const char *text, mode_t mode)
{
	const char *path = tmp_path(name);
	FILE *fp;

	unlink(path);
	fp = fopen(path, "w");
	if (fp == NULL) {
		perror(path);
		exit(99);
	}
	fputs(text, fp);
	fclose(fp);
	chmod(path, mode);
	return path;
}

static char *
read_all(const char *path)
{
	char buf[65536];
	size_t n;
	FILE *fp;

	fp = fopen(path, "r");
	if (fp == NULL)
		return pt_xstrdup("(cannot open)");
	n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return pt_xstrdup(buf);
}

/* Formats into one of a few static buffers. */
static const char *
msgf(const char *fmt, ...)
{
	static char bufs[4][512];
	static int next;
	char *b = bufs[next++ % 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof bufs[0], fmt, ap);
	va_end(ap);
	return b;
}

/* The message of a parse that must fail (class PT_E_CONFIG). */
static const char *
parse_error_len(const char *text, size_t len, int *codep)
{
	static char msg[256];
	struct pt_error err;
	struct cfg *cfg;

	pt_error_init(&err);
	cfg = cfg_parse("t.conf", text, len, &err);
	if (cfg != NULL) {
		cfg_free(&cfg);
		return "(no error)";
	}
	if (err.class != PT_E_CONFIG)
		return "(wrong error class)";
	if (codep != NULL)
		*codep = err.code;
	pt_strlcpy(msg, err.msg, sizeof msg);
	return msg;
}

static const char *
parse_error(const char *text)
{
	return parse_error_len(text, strlen(text), NULL);
}

static struct cfg *
parse_ok(const char *text)
{
	struct pt_error err;
	struct cfg *cfg;

	pt_error_init(&err);
	cfg = cfg_parse("t.conf", text, strlen(text), &err);
	if (cfg == NULL)
		fprintf(stderr, "  unexpected error: %s\n", err.msg);
	return cfg;
}

/* Writes text to a private file, loads it; the error message. */
static const char *
load_error(const char *text, int *codep)
{
	static char msg[256];
	struct pt_error err;
	struct cfg *cfg;

	pt_error_init(&err);
	cfg = cfg_load(write_tmp("err.conf", text, 0600), &err);
	if (cfg != NULL) {
		cfg_free(&cfg);
		return "(no error)";
	}
	if (codep != NULL)
		*codep = err.code;
	pt_strlcpy(msg, err.msg, sizeof msg);
	return msg;
}

static char *
dump_text(const struct cfg *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	fp = open_memstream(&buf, &len);
	if (fp == NULL)
		exit(99);
	cfg_dump(cfg, fp);
	fclose(fp);
	return buf;
}

static void
test_cfg_load_full_account(void)
{
	const struct cfg_account *a;
	struct pt_error err;
	struct cfg *cfg;
	const char *path;

	path = write_tmp("full.conf",
	    "# my accounts\n"
	    "[account lab]\n"
	    "name = Alice Example\n"
	    "email = alice@example.test\n"
	    "username = alice.login\n"
	    "imap_host = 127.0.0.1\n"
	    "imap_port = 10993\n"
	    "imap_security = tls\n"
	    "smtp_host = 127.0.0.1\n"
	    "smtp_port = 10587\n"
	    "smtp_security = starttls\n"
	    "password = s3cret\n"
	    "password_command = cat ~/.secret\n"
	    "ca_file = /etc/petrel/ca.pem\n"
	    "imap_tls_pin = sha256:" PIN_HEX "\n"
	    "smtp_tls_pin = sha256:" PIN_HEX "\n"
	    "connect_timeout = 5\n"
	    "read_timeout = 120\n",
	    0600);
	pt_error_init(&err);
	cfg = cfg_load(path, &err);
	CHECK(cfg != NULL);
	if (cfg == NULL) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	CHECK_STR(cfg_path(cfg), path);
	CHECK_INT(cfg_account_count(cfg), 1);
	a = cfg_account_at(cfg, 0);
	CHECK_STR(a->id, "lab");
	CHECK_STR(a->name, "Alice Example");
	CHECK_STR(a->email, "alice@example.test");
	CHECK_STR(a->username, "alice.login");
	CHECK_STR(a->imap.host, "127.0.0.1");
	CHECK_INT(a->imap.port, 10993);
	CHECK_INT(a->imap.security, CFG_SEC_TLS);
	CHECK_STR(a->smtp.host, "127.0.0.1");
	CHECK_INT(a->smtp.port, 10587);
	CHECK_INT(a->smtp.security, CFG_SEC_STARTTLS);
	CHECK_STR(a->password, "s3cret");
	CHECK_STR(a->password_command, "cat ~/.secret");
	CHECK_STR(a->ca_file, "/etc/petrel/ca.pem");
	CHECK_STR(a->imap_tls_pin, "sha256:" PIN_HEX);
	CHECK_STR(a->smtp_tls_pin, "sha256:" PIN_HEX);
	CHECK_INT(a->connect_timeout, 5);
	CHECK_INT(a->read_timeout, 120);
	CHECK_STR(a->file, path);
	CHECK_INT(a->line, 2);
	CHECK(err.class == PT_OK); /* untouched on success */
	cfg_free(&cfg);
	CHECK(cfg == NULL);
	cfg_free(&cfg); /* NULL is fine */
}

static void
test_cfg_load_defaults_tls(void)
{
	const struct cfg_account *a;
	struct cfg *cfg;

	cfg = parse_ok("\n" ACCT_MIN);
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	a = cfg_account_find(cfg, "lab");
	CHECK(a != NULL);
	if (a != NULL) {
		CHECK(a->name == NULL);
		CHECK_STR(a->username, "alice@example.test");
		CHECK_INT(a->imap.security, CFG_SEC_TLS);
		CHECK_INT(a->imap.port, 993);
		CHECK_INT(a->smtp.security, CFG_SEC_STARTTLS);
		CHECK_INT(a->smtp.port, 587);
		CHECK(a->password == NULL);
		CHECK(a->password_command == NULL);
		CHECK(a->ca_file == NULL);
		CHECK(a->imap_tls_pin == NULL);
		CHECK(a->smtp_tls_pin == NULL);
		CHECK_INT(a->connect_timeout, 15);
		CHECK_INT(a->read_timeout, 60);
		CHECK_STR(a->file, "t.conf");
		CHECK_INT(a->line, 2);
	}
	cfg_free(&cfg);
}

static void
test_cfg_load_defaults_ports_by_security(void)
{
	const struct cfg_account *a;
	struct cfg *cfg;

	cfg = parse_ok(ACCT_MIN "imap_security = starttls\n"
				"smtp_security = tls\n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	a = cfg_account_find(cfg, NULL);
	CHECK_INT(a->imap.security, CFG_SEC_STARTTLS);
	CHECK_INT(a->imap.port, 143);
	CHECK_INT(a->smtp.security, CFG_SEC_TLS);
	CHECK_INT(a->smtp.port, 465);
	cfg_free(&cfg);

	/* An explicit port wins over the security's default. */
	cfg = parse_ok(ACCT_MIN "imap_security = starttls\nimap_port = 1143\n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK_INT(cfg_account_find(cfg, NULL)->imap.port, 1143);
	cfg_free(&cfg);
}

static void
test_cfg_load_missing_file(void)
{
	struct pt_error err;
	struct cfg *cfg;
	const char *path = tmp_path("does-not-exist.conf");

	pt_error_init(&err);
	cfg = cfg_load(path, &err);
	CHECK(cfg == NULL);
	CHECK_INT(err.class, PT_E_CONFIG);
	CHECK_INT(err.code, ENOENT);
	CHECK_STR(err.msg, msgf("no configuration file at '%s'", path));
}

static void
test_cfg_load_xdg_default_path(void)
{
	struct pt_error err;
	struct cfg *cfg;
	char *old = getenv("XDG_CONFIG_HOME");
	const char *dir = tmp_path("xdg");
	const char *want = msgf("%s/petrel/config", dir);

	old = old != NULL ? pt_xstrdup(old) : NULL;
	setenv("XDG_CONFIG_HOME", dir, 1);
	pt_error_init(&err);
	cfg = cfg_load(NULL, &err);
	CHECK(cfg == NULL);
	CHECK_INT(err.code, ENOENT);
	CHECK_STR(err.msg, msgf("no configuration file at '%s'", want));
	if (old != NULL)
		setenv("XDG_CONFIG_HOME", old, 1);
	else
		unsetenv("XDG_CONFIG_HOME");
	free(old);
}

static void
test_cfg_parse_unknown_key_suggests(void)
{
	CHECK_STR(parse_error("[account lab]\nemial = a@b.c\n"),
	    "t.conf:2: unknown key 'emial' in [account lab] (did you mean "
	    "'email'?)");
	CHECK_STR(parse_error("# c\n\n[ui]\nsrot = date\n"),
	    "t.conf:4: unknown key 'srot' in [ui] (did you mean 'sort'?)");
	CHECK_STR(parse_error(ACCT_MIN "imap_prot = 993\n"),
	    "t.conf:5: unknown key 'imap_prot' in [account lab] (did you "
	    "mean 'imap_port'?)");
	CHECK_STR(parse_error("[compose]\nEditor = vi\n"),
	    "t.conf:2: unknown key 'Editor' in [compose] (did you mean "
	    "'editor'?)");
	CHECK_STR(parse_error("[account lab]\npasword = x\n"),
	    "t.conf:2: unknown key 'pasword' in [account lab] (did you mean "
	    "'password'?)");
}

static void
test_cfg_parse_unknown_key_no_suggestion(void)
{
	CHECK_STR(parse_error("[ui]\nfrobnicate = 1\n"),
	    "t.conf:2: unknown key 'frobnicate' in [ui]");
	/* Close in edits but too short to be a typo of "sort". */
	CHECK_STR(parse_error("[ui]\nfoo = 1\n"),
	    "t.conf:2: unknown key 'foo' in [ui]");
	CHECK_STR(parse_error("[general]\nlog_file_name_x = 1\n"),
	    "t.conf:2: unknown key 'log_file_name_x' in [general]");
}

static void
test_cfg_parse_unknown_key_other_section(void)
{
	CHECK_STR(parse_error("[ui]\nemail = a@b.c\n"),
	    "t.conf:2: unknown key 'email' in [ui] (it belongs in [account "
	    "NAME])");
	CHECK_STR(parse_error(ACCT_MIN "sort = date\n"),
	    "t.conf:5: unknown key 'sort' in [account lab] (it belongs in "
	    "[ui])");
}

static void
test_cfg_parse_unknown_section(void)
{
	CHECK_STR(parse_error("[iu]\n"),
	    "t.conf:1: unknown section '[iu]' (did you mean '[ui]'?)");
	CHECK_STR(parse_error("\n[acount lab]\n"),
	    "t.conf:2: unknown section '[acount lab]' (did you mean "
	    "'[account NAME]'?)");
	CHECK_STR(parse_error("[ui extra]\n"),
	    "t.conf:1: unknown section '[ui extra]' (did you mean '[ui]'?)");
	CHECK_STR(parse_error("[something]\n"),
	    "t.conf:1: unknown section '[something]'");
}

static void
test_cfg_parse_missing_required(void)
{
	CHECK_STR(parse_error("[ui]\nsort = date\n\n[account lab]\n"
			      "imap_host = i.example\nsmtp_host = s.example\n"),
	    "t.conf:4: [account lab] has no 'email', which is required");
	CHECK_STR(parse_error("[account lab]\nemail = a@b.c\n"
			      "smtp_host = s.example\n[ui]\n"),
	    "t.conf:1: [account lab] has no 'imap_host', which is required");
	CHECK_STR(parse_error(ACCT_MIN "[account w]\nemail = a@b.c\n"
				       "imap_host = i.example\n"),
	    "t.conf:5: [account w] has no 'smtp_host', which is required");
	/* Empty counts as missing. */
	CHECK_STR(parse_error("[account lab]\nemail =\n"
			      "imap_host = i\nsmtp_host = s\n"),
	    "t.conf:1: [account lab] has no 'email', which is required");
}

static void
test_cfg_parse_duplicate_account(void)
{
	CHECK_STR(parse_error(ACCT_MIN "\n" ACCT_MIN),
	    "t.conf:6: duplicate account 'lab' (first defined on line 1)");
}

static void
test_cfg_parse_duplicate_key(void)
{
	CHECK_STR(parse_error(ACCT_MIN "# again\nemail = b@example.test\n"),
	    "t.conf:6: duplicate key 'email' in [account lab] (first set on "
	    "line 2)");
	CHECK_STR(parse_error("[ui]\nsort = date\n[compose]\n[ui]\nsort = "
			      "size\n"),
	    "t.conf:5: duplicate key 'sort' in [ui] (first set on line 2)");
}

static void
test_cfg_parse_account_name(void)
{
	struct cfg *cfg;

	CHECK_STR(parse_error("[account a/b]\n"),
	    "t.conf:1: invalid account name 'a/b': use only letters, digits, "
	    "'.', '_' and '-'");
	CHECK_STR(parse_error("\n[account]\n"),
	    "t.conf:2: missing account name: write [account NAME]");
	CHECK_STR(parse_error("[account two words]\n"),
	    "t.conf:1: invalid account name 'two words': use only letters, "
	    "digits, '.', '_' and '-'");
	cfg = parse_ok("[account Work-2.old_x]\nemail = a@b.c\n"
		       "imap_host = i\nsmtp_host = s\n");
	CHECK(cfg != NULL);
	if (cfg != NULL)
		CHECK(cfg_account_find(cfg, "Work-2.old_x") != NULL);
	cfg_free(&cfg);
}

static void
test_cfg_parse_bad_values(void)
{
	CHECK_STR(parse_error("[ui]\nsidebar = maybe\n"),
	    "t.conf:2: invalid value 'maybe' for 'sidebar': expected yes or "
	    "no");
	CHECK_STR(parse_error(ACCT_MIN "imap_port = 99999\n"),
	    "t.conf:5: invalid value '99999' for 'imap_port': expected a "
	    "whole number from 1 to 65535");
	CHECK_STR(parse_error(ACCT_MIN "connect_timeout = 0\n"),
	    "t.conf:5: invalid value '0' for 'connect_timeout': expected a "
	    "whole number from 1 to 600");
	CHECK_STR(parse_error(ACCT_MIN "read_timeout = 3601\n"),
	    "t.conf:5: invalid value '3601' for 'read_timeout': expected a "
	    "whole number from 1 to 3600");
	CHECK_STR(parse_error(ACCT_MIN "read_timeout = -5\n"),
	    "t.conf:5: invalid value '-5' for 'read_timeout': expected a "
	    "whole number from 1 to 3600");
	CHECK_STR(parse_error(ACCT_MIN "read_timeout = 12abc\n"),
	    "t.conf:5: invalid value '12abc' for 'read_timeout': expected a "
	    "whole number from 1 to 3600");
	CHECK_STR(parse_error(ACCT_MIN "read_timeout = 99999999999999999999\n"),
	    "t.conf:5: invalid value '99999999999999999999' for "
	    "'read_timeout': expected a whole number from 1 to 3600");
	CHECK_STR(parse_error(ACCT_MIN "imap_security = ssl\n"),
	    "t.conf:5: invalid value 'ssl' for 'imap_security': expected one "
	    "of tls, starttls, none");
	CHECK_STR(parse_error("[ui]\nsort = random\n"),
	    "t.conf:2: invalid value 'random' for 'sort': expected one of "
	    "date, threads, from, subject, size, arrival");
	CHECK_STR(parse_error("[general]\nlog_level = loud\n"),
	    "t.conf:2: invalid value 'loud' for 'log_level': expected one of "
	    "debug, info, warn, error");
	CHECK_STR(parse_error("[account lab]\nemail = alice\n"),
	    "t.conf:2: invalid value 'alice' for 'email': expected an address "
	    "like name@example.org");
	CHECK_STR(parse_error("[account lab]\nimap_host = imap.x.org:993\n"),
	    "t.conf:2: invalid value 'imap.x.org:993' for 'imap_host': "
	    "expected a host name alone, without a scheme or port");
	CHECK_STR(parse_error("[account lab]\nsmtp_host = smtps://x.org\n"),
	    "t.conf:2: invalid value 'smtps://x.org' for 'smtp_host': "
	    "expected a host name alone, without a scheme or port");
}

static void
test_cfg_parse_values_normalised(void)
{
	static const char *const yes[] = {"yes", "true", "on", "1", "YES",
	    "True"};
	static const char *const no[] = {"no", "false", "off", "0", "Off"};
	struct cfg *cfg;
	size_t i;

	for (i = 0; i < PT_NELEM(yes); i++) {
		cfg = parse_ok(msgf("[ui]\nsidebar = %s\n", yes[i]));
		CHECK(cfg != NULL);
		if (cfg == NULL)
			continue;
		CHECK_INT(cfg_get_bool(cfg, "ui", "sidebar"), 1);
		CHECK_STR(cfg_get(cfg, "ui", "sidebar"), "yes");
		cfg_free(&cfg);
	}
	for (i = 0; i < PT_NELEM(no); i++) {
		cfg = parse_ok(msgf("[ui]\ncolor = %s\n", no[i]));
		CHECK(cfg != NULL);
		if (cfg == NULL)
			continue;
		CHECK_INT(cfg_get_bool(cfg, "ui", "color"), 0);
		CHECK_STR(cfg_get(cfg, "ui", "color"), "no");
		cfg_free(&cfg);
	}
	cfg = parse_ok("[ui]\nsort = Date\n" ACCT_MIN "imap_security = "
		       "STARTTLS\n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK_STR(cfg_get(cfg, "ui", "sort"), "date");
	CHECK_INT(cfg_account_find(cfg, "lab")->imap.security,
	    CFG_SEC_STARTTLS);
	cfg_free(&cfg);
}

static void
test_cfg_parse_long_line(void)
{
	char *text, *line;
	struct cfg *cfg;

	/* "name = " + 4089 x is exactly 4096 bytes: allowed. */
	line = pt_xmalloc(5000);
	memset(line, 'x', 4096);
	memcpy(line, "name = ", 7);
	line[4096] = '\0';
	text = pt_xasprintf(ACCT_MIN "%s\n", line);
	cfg = parse_ok(text);
	CHECK(cfg != NULL);
	if (cfg != NULL)
		CHECK_INT(strlen(cfg_account_find(cfg, NULL)->name), 4089);
	cfg_free(&cfg);
	free(text);

	line[4096] = 'x';
	line[4097] = '\0';
	text = pt_xasprintf(ACCT_MIN "%s\n", line);
	CHECK_STR(parse_error(text),
	    "t.conf:5: line is longer than 4096 bytes");
	free(text);
	free(line);
}

static void
test_cfg_parse_nul_byte(void)
{
	static const char text[] = "[ui]\n\nsort = da\0te\n";

	CHECK_STR(parse_error_len(text, sizeof text - 1, NULL),
	    "t.conf:3: line contains a NUL byte");
}

static void
test_cfg_parse_invalid_utf8(void)
{
	CHECK_STR(parse_error(ACCT_MIN "name = Al\xe9 Example\n"),
	    "t.conf:5: line is not valid UTF-8");
	CHECK_STR(parse_error("# \xc0\xaf overlong\n"),
	    "t.conf:1: line is not valid UTF-8");
	/* Valid UTF-8 is fine. */
	CHECK_STR(parse_error(ACCT_MIN "name = Zoë Ĳsselmeer 日本\n"),
	    "(no error)");
}

static void
test_cfg_parse_quoting(void)
{
	const struct cfg_account *a;
	struct cfg *cfg;

	cfg = parse_ok("[ui]\n"
		       "index_format = \"%s # not a comment\"  # a comment\n"
		       "date_format = a#b\n"
		       "pager_headers = From To   # Cc is hidden\n"
		       "[compose]\n"
		       "quote_prefix = \"| \"\n"
		       "editor = \"\"\n"
		       "[account lab]\n"
		       "name = \"Alice \\\"Al\\\" Ex\\\\ample\"\n"
		       "email = alice@example.test\t# tab before\n"
		       "imap_host = imap.example.test\n"
		       "smtp_host=smtp.example.test\n"
		       "password = \"  spaces #and hash  \"\n"
		       "password_command = C:\\no\\escapes\n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK_STR(cfg_get(cfg, "ui", "index_format"), "%s # not a comment");
	CHECK_STR(cfg_get(cfg, "ui", "date_format"), "a#b");
	CHECK_STR(cfg_get(cfg, "ui", "pager_headers"), "From To");
	CHECK_STR(cfg_get(cfg, "compose", "quote_prefix"), "| ");
	CHECK_STR(cfg_get(cfg, "compose", "editor"), "");
	a = cfg_account_find(cfg, "lab");
	CHECK_STR(a->name, "Alice \"Al\" Ex\\ample");
	CHECK_STR(a->email, "alice@example.test");
	CHECK_STR(a->smtp.host, "smtp.example.test");
	CHECK_STR(a->password, "  spaces #and hash  ");
	CHECK_STR(a->password_command, "C:\\no\\escapes");
	cfg_free(&cfg);
}

static void
test_cfg_parse_comments(void)
{
	struct cfg *cfg;

	cfg = parse_ok("# comment\n"
		       "; another\n"
		       "   # indented\n"
		       "\t; indented too\n"
		       "[ui]   # section comment\n"
		       "sort = size # trailing\n"
		       "# sort = date\n"
		       "\r\n"
		       "   \n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK_STR(cfg_get(cfg, "ui", "sort"), "size");
	CHECK_INT(cfg_account_count(cfg), 0);
	cfg_free(&cfg);

	/* CRLF line ends and a byte order mark. */
	cfg = parse_ok("\xef\xbb\xbf[ui]\r\nsort = from\r\n" ACCT_MIN);
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK_STR(cfg_get(cfg, "ui", "sort"), "from");
	cfg_free(&cfg);

	/* An empty file is an empty configuration. */
	cfg = parse_ok("");
	CHECK(cfg != NULL);
	if (cfg != NULL)
		CHECK_INT(cfg_account_count(cfg), 0);
	cfg_free(&cfg);
}

static void
test_cfg_parse_syntax_errors(void)
{
	CHECK_STR(parse_error("[ui]\nsort = \"date\n"),
	    "t.conf:2: missing closing quote");
	CHECK_STR(parse_error("[ui]\nsort = \"date\" x\n"),
	    "t.conf:2: unexpected text after the closing quote");
	CHECK_STR(parse_error("[ui]\nsort = \"da\\te\"\n"),
	    "t.conf:2: invalid escape in a quoted value: use \\\" for a quote "
	    "and \\\\ for a backslash");
	CHECK_STR(parse_error("\n\n[ui\n"),
	    "t.conf:3: missing ']' after the section name");
	CHECK_STR(parse_error("[ui] sort = date\n"),
	    "t.conf:1: unexpected text after ']'");
	CHECK_STR(parse_error("[ ]\n"), "t.conf:1: empty section name");
	CHECK_STR(parse_error("[ui]\nsort date\n"),
	    "t.conf:2: expected 'key = value' or '[section]', not 'sort'");
	CHECK_STR(parse_error("[ui]\n= date\n"),
	    "t.conf:2: missing key before '='");
	CHECK_STR(parse_error("# top\nsort = date\n[ui]\n"),
	    "t.conf:2: key 'sort' is outside any section: put it under [ui], "
	    "[compose], [general] or [account NAME]");
}

static void
test_cfg_parse_pin_normalised(void)
{
	struct cfg *cfg;
	char colons[200];
	size_t i, n = 0;

	/* "SHA256:01:23:...:EF" in upper case. */
	n = (size_t)snprintf(colons, sizeof colons, "SHA256:");
	for (i = 0; i < 64; i += 2)
		n += (size_t)snprintf(colons + n, sizeof colons - n, "%s%c%c",
		    i > 0 ? ":" : "", PIN_HEX[i] == 'a' ? 'A' : PIN_HEX[i],
		    PIN_HEX[i + 1] == 'f' ? 'F' : PIN_HEX[i + 1]);
	cfg = parse_ok(msgf(ACCT_MIN "imap_tls_pin = %s\nsmtp_tls_pin = "
				     "sha256:%s\n",
	    colons,
	    "0123456789ABCDEF0123456789abcdef0123456789abcdef"
	    "0123456789abcdef"));
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK_STR(cfg_account_find(cfg, NULL)->imap_tls_pin, "sha256:" PIN_HEX);
	CHECK_STR(cfg_account_find(cfg, NULL)->smtp_tls_pin, "sha256:" PIN_HEX);
	cfg_free(&cfg);

	CHECK_STR(parse_error(ACCT_MIN "imap_tls_pin = sha256:abcd\n"),
	    "t.conf:5: invalid value 'sha256:abcd' for 'imap_tls_pin': "
	    "expected 'sha256:' and 64 hex digits");
	CHECK_STR(parse_error(ACCT_MIN "smtp_tls_pin = " PIN_HEX "\n"),
	    "t.conf:5: invalid value '" PIN_HEX "' for 'smtp_tls_pin': "
	    "expected 'sha256:' and 64 hex digits");
	CHECK_STR(parse_error(ACCT_MIN "smtp_tls_pin = sha1:" PIN_HEX "\n"),
	    "t.conf:5: invalid value 'sha1:" PIN_HEX "' for 'smtp_tls_pin': "
	    "expected 'sha256:' and 64 hex digits");
	/* A colon inside a byte, and a 65th digit. */
	CHECK(strncmp(parse_error(
			  ACCT_MIN "smtp_tls_pin = sha256:0:1" PIN_HEX "\n"),
		  "t.conf:5: invalid value", 23) == 0);
	CHECK(strncmp(parse_error(
			  ACCT_MIN "smtp_tls_pin = sha256:" PIN_HEX "0\n"),
		  "t.conf:5: invalid value", 23) == 0);
	CHECK(strncmp(parse_error(
			  ACCT_MIN "smtp_tls_pin = sha256:" PIN_HEX ":\n"),
		  "t.conf:5: invalid value", 23) == 0);
	CHECK(strncmp(parse_error(
			  ACCT_MIN "smtp_tls_pin = sha256:g" PIN_HEX "\n"),
		  "t.conf:5: invalid value", 23) == 0);
}

static void
test_cfg_parse_none_security_refused(void)
{
	CHECK_STR(parse_error("[account lab]\nemail = a@b.c\n"
			      "imap_host = imap.example.org\n"
			      "imap_security = none\nsmtp_host = 127.0.0.1\n"),
	    "t.conf:4: imap_security = none would send the password in clear "
	    "to 'imap.example.org': it is allowed only for 127.0.0.1, ::1 or "
	    "localhost");
	CHECK_STR(parse_error("[account lab]\nemail = a@b.c\n"
			      "imap_host = 127.0.0.1\nsmtp_security = none\n"
			      "smtp_host = 10.0.0.1\n"),
	    "t.conf:4: smtp_security = none would send the password in clear "
	    "to '10.0.0.1': it is allowed only for 127.0.0.1, ::1 or "
	    "localhost");
	/* Not fooled by a name that starts like a loopback one. */
	CHECK(strncmp(parse_error("[account lab]\nemail = a@b.c\n"
				  "imap_host = localhost.evil.org\n"
				  "imap_security = none\nsmtp_host = ::1\n"),
		  "t.conf:4: imap_security = none", 30) == 0);
}

static void
test_cfg_parse_none_security_loopback(void)
{
	const struct cfg_account *a;
	struct cfg *cfg;

	cfg = parse_ok("[account a]\nemail = a@b.c\nimap_host = 127.0.0.1\n"
		       "imap_security = none\nsmtp_host = ::1\n"
		       "smtp_security = none\n"
		       "[account b]\nemail = a@b.c\nimap_host = LocalHost\n"
		       "imap_security = none\nsmtp_host = localhost\n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	a = cfg_account_find(cfg, "a");
	CHECK_INT(a->imap.security, CFG_SEC_NONE);
	CHECK_INT(a->imap.port, 143);
	CHECK_INT(a->smtp.security, CFG_SEC_NONE);
	CHECK_INT(a->smtp.port, 587);
	CHECK_STR(a->smtp.host, "::1");
	CHECK_INT(cfg_account_find(cfg, "b")->imap.security, CFG_SEC_NONE);
	cfg_free(&cfg);
}

static void
test_cfg_parse_path_tilde(void)
{
	struct cfg *cfg;
	char *old = getenv("HOME");

	old = old != NULL ? pt_xstrdup(old) : NULL;
	setenv("HOME", "/home/alice", 1);
	cfg = parse_ok("[compose]\nsignature = ~/.signature\n" ACCT_MIN
		       "ca_file = ~user/ca.pem\n");
	CHECK(cfg != NULL);
	if (cfg != NULL) {
		CHECK_STR(cfg_get(cfg, "compose", "signature"),
		    "/home/alice/.signature");
		/* Only "~/" is expanded. */
		CHECK_STR(cfg_account_find(cfg, NULL)->ca_file, "~user/ca.pem");
	}
	cfg_free(&cfg);
	if (old != NULL)
		setenv("HOME", old, 1);
	else
		unsetenv("HOME");
	free(old);
}

static void
test_cfg_load_password_permissions(void)
{
	static const char text[] = ACCT_MIN "\npassword = hunter2\n";
	const char *path;
	struct pt_error err;
	struct cfg *cfg;
	static const mode_t bad[] = {0640, 0604, 0620, 0602, 0610, 0644};
	size_t i;

	for (i = 0; i < PT_NELEM(bad); i++) {
		path = write_tmp("pw.conf", text, bad[i]);
		pt_error_init(&err);
		cfg = cfg_load(path, &err);
		CHECK(cfg == NULL);
		cfg_free(&cfg);
		CHECK_INT(err.class, PT_E_CONFIG);
		CHECK_INT(err.code, EACCES);
		CHECK_STR(err.msg,
		    msgf("%s:6: the file holds a password but other users "
			 "may read or change it; make it private with: chmod "
			 "600 %s",
			path, path));
		CHECK(strstr(err.msg, "hunter2") == NULL);
	}
	/* Private: fine. */
	path = write_tmp("pw.conf", text, 0600);
	cfg = cfg_load(path, &err);
	CHECK(cfg != NULL);
	if (cfg != NULL)
		CHECK_STR(cfg_account_find(cfg, NULL)->password, "hunter2");
	cfg_free(&cfg);
	/* Readable by others but without a password: fine too. */
	path =
	    write_tmp("nopw.conf", ACCT_MIN "password_command = true\n", 0644);
	cfg = cfg_load(path, &err);
	CHECK(cfg != NULL);
	cfg_free(&cfg);
	/* Even an empty password line counts. */
	path = write_tmp("pw.conf", ACCT_MIN "password =\n", 0640);
	CHECK(cfg_load(path, &err) == NULL);
	CHECK_INT(err.code, EACCES);
}

static void
test_cfg_load_error_names_file(void)
{
	int code = -1;
	const char *msg = load_error("[ui]\nsort = none\n", &code);
	const char *path = tmp_path("err.conf");

	CHECK_STR(msg,
	    msgf("%s:2: invalid value 'none' for 'sort': expected one of "
		 "date, threads, from, subject, size, arrival",
		path));
	CHECK_INT(code, 0);
}

static void
test_cfg_account_password_from_file(void)
{
	struct pt_secret s;
	struct pt_error err;
	struct cfg *cfg;

	cfg = parse_ok(ACCT_MIN "password = pw from file\n"
				"password_command = echo other\n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	pt_secret_init(&s);
	pt_error_init(&err);
	CHECK_INT(cfg_account_password(cfg_account_find(cfg, NULL), &s, &err),
	    0);
	CHECK_STR(s.value, "pw from file");
	CHECK_INT(s.len, 12);
	pt_secret_release(&s);
	cfg_free(&cfg);
}

static void
test_cfg_account_password_command_ok(void)
{
	struct pt_secret s;
	struct pt_error err;
	struct cfg *cfg;

	cfg = parse_ok(ACCT_MIN "password_command = printf 'p w\\r\\n"
				"second line\\n'; echo noise >&2\n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	pt_secret_init(&s);
	pt_error_init(&err);
	CHECK_INT(cfg_account_password(cfg_account_find(cfg, NULL), &s, &err),
	    0);
	CHECK_STR(s.value, "p w");
	CHECK_INT(s.len, 3);
	CHECK_INT(err.class, PT_OK);
	pt_secret_release(&s);
	cfg_free(&cfg);

	/* No final newline; stdin is not the terminal. */
	cfg = parse_ok(ACCT_MIN "password_command = cat; printf abc\n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK_INT(cfg_account_password(cfg_account_find(cfg, NULL), &s, &err),
	    0);
	CHECK_STR(s.value, "abc");
	pt_secret_release(&s);
	cfg_free(&cfg);
}

static void
test_cfg_account_password_command_fails(void)
{
	struct pt_secret s;
	struct pt_error err;
	struct cfg *cfg;

	cfg = parse_ok(ACCT_MIN
	    "password_command = echo leaked; echo gpg: no key >&2; exit 3\n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	pt_secret_init(&s);
	pt_error_init(&err);
	CHECK_INT(cfg_account_password(cfg_account_find(cfg, NULL), &s, &err),
	    -1);
	CHECK(s.value == NULL);
	CHECK_INT(err.class, PT_E_CONFIG);
	CHECK_INT(err.code, 3);
	CHECK_STR(err.msg,
	    "password command 'echo leaked; echo gpg: no key >&2; exit 3' "
	    "failed (exit status 3)");
	CHECK_STR(err.detail, "password command stderr: gpg: no key");
	cfg_free(&cfg);

	cfg = parse_ok(ACCT_MIN "password_command = /nonexistent/pw-tool\n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	pt_error_init(&err);
	CHECK_INT(cfg_account_password(cfg_account_find(cfg, NULL), &s, &err),
	    -1);
	CHECK_STR(err.msg,
	    "password command '/nonexistent/pw-tool' failed (exit status 127)");
	cfg_free(&cfg);

	cfg = parse_ok(ACCT_MIN "password_command = kill -9 $$\n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	pt_error_init(&err);
	CHECK_INT(cfg_account_password(cfg_account_find(cfg, NULL), &s, &err),
	    -1);
	CHECK_STR(err.msg,
	    "password command 'kill -9 $$' failed (killed by signal 9)");
	cfg_free(&cfg);
}

static void
test_cfg_account_token_command(void)
{
	struct pt_secret s;
	struct pt_error err;
	struct timespec t0, t1;
	struct cfg *cfg;
	long ms;

	cfg = parse_ok(ACCT_MIN "oauth_token_command = printf 'ya29.tok\\n'\n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK_STR(cfg_account_find(cfg, NULL)->oauth_token_command,
	    "printf 'ya29.tok\\n'");
	pt_secret_init(&s);
	pt_error_init(&err);
	CHECK_INT(cfg_account_password(cfg_account_find(cfg, NULL), &s, &err),
	    0);
	CHECK_STR(s.value, "ya29.tok");
	pt_secret_release(&s);
	cfg_free(&cfg);

	/* A hanging command is killed with its children after the time. */
	cfg = parse_ok(ACCT_MIN "read_timeout = 1\n"
				"oauth_token_command = sleep 20; echo late\n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	pt_error_init(&err);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(cfg_account_password(cfg_account_find(cfg, NULL), &s, &err),
	    -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(ms >= 900 && ms < 3000);
	CHECK(s.value == NULL);
	CHECK_INT(err.class, PT_E_CONFIG);
	CHECK_STR(err.msg,
	    "token command 'sleep 20; echo late' did not finish within 1 s: "
	    "run it in a terminal (it may be waiting for a browser sign-in)");
	cfg_free(&cfg);

	pt_error_init(&err);
	CHECK_INT(cfg_token_run("echo expired >&2; exit 2", 5, &s, &err), -1);
	CHECK_STR(err.detail, "token command stderr: expired");
	pt_error_init(&err);
	CHECK_INT(cfg_token_run("printf '\\n'", 5, &s, &err), -1);
	CHECK_STR(err.msg, "token command 'printf '\\n'' printed no token");

	/* One way to log in: a password and a token command conflict. */
	CHECK(strstr(load_error(ACCT_MIN "password_command = x\n"
					 "oauth_token_command = t\n",
			 NULL),
		  "sets both oauth_token_command and a password") != NULL);
}

static void
test_cfg_account_password_command_empty(void)
{
	struct pt_secret s;
	struct pt_error err;
	struct cfg *cfg;

	cfg = parse_ok(ACCT_MIN "password_command = true\n"
				"[account b]\nemail = a@b.c\nimap_host = i\n"
				"smtp_host = s\npassword_command = echo; "
				"echo second\n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	pt_secret_init(&s);
	pt_error_init(&err);
	CHECK_INT(cfg_account_password(cfg_account_find(cfg, NULL), &s, &err),
	    -1);
	CHECK_INT(err.class, PT_E_CONFIG);
	CHECK_STR(err.msg, "password command 'true' printed no password");
	/* An empty first line is no password either. */
	pt_error_init(&err);
	CHECK_INT(cfg_account_password(cfg_account_find(cfg, "b"), &s, &err),
	    -1);
	CHECK_STR(err.msg,
	    "password command 'echo; echo second' printed no password");
	CHECK(s.value == NULL);
	cfg_free(&cfg);
}

static void
test_cfg_account_password_command_too_long(void)
{
	struct pt_secret s;
	struct pt_error err;
	struct cfg *cfg;

	cfg = parse_ok(ACCT_MIN "password_command = yes\n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	pt_secret_init(&s);
	pt_error_init(&err);
	CHECK_INT(cfg_account_password(cfg_account_find(cfg, NULL), &s, &err),
	    -1);
	CHECK_STR(err.msg,
	    "password command 'yes' printed more than 4096 bytes");
	CHECK(s.value == NULL);
	cfg_free(&cfg);
}

static void
test_cfg_account_password_ask(void)
{
	struct pt_secret s;
	struct pt_error err;
	struct cfg *cfg;

	cfg = parse_ok(ACCT_MIN "password_command =\n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	pt_secret_init(&s);
	pt_error_init(&err);
	CHECK_INT(cfg_account_password(cfg_account_find(cfg, NULL), &s, &err),
	    1);
	CHECK(s.value == NULL);
	CHECK_INT(err.class, PT_OK);
	cfg_free(&cfg);
}

static void
test_cfg_get_defaults(void)
{
	struct cfg *cfg = cfg_new_empty();

	CHECK(cfg_path(cfg) == NULL);
	CHECK_INT(cfg_account_count(cfg), 0);
	CHECK(cfg_account_find(cfg, NULL) == NULL);
	CHECK(cfg_account_at(cfg, 0) == NULL);
	CHECK_STR(cfg_get(cfg, "ui", "sort"), "threads");
	CHECK_STR(cfg_get(cfg, "ui", "index_format"), "%Z %D %-20.20F %s");
	CHECK_STR(cfg_get(cfg, "ui", "date_format"), "%b %d");
	CHECK_INT(cfg_get_bool(cfg, "ui", "sidebar"), 0);
	CHECK_INT(cfg_get_bool(cfg, "ui", "color"), 1);
	CHECK_STR(cfg_get(cfg, "ui", "pager_headers"),
	    "From To Cc Date Subject");
	CHECK_STR(cfg_get(cfg, "compose", "editor"), "");
	CHECK(cfg_get(cfg, "compose", "signature") == NULL);
	CHECK_STR(cfg_get(cfg, "compose", "quote_prefix"), "> ");
	CHECK_STR(cfg_get(cfg, "general", "log_level"), "warn");
	cfg_free(&cfg);
}

static void
test_cfg_get_values(void)
{
	struct cfg *cfg;

	cfg = parse_ok("[general]\nlog_level = debug\n[ui]\nsidebar = on\n"
		       "date_format = %Y-%m-%d\n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK_STR(cfg_get(cfg, "general", "log_level"), "debug");
	CHECK_INT(cfg_get_bool(cfg, "ui", "sidebar"), 1);
	CHECK_STR(cfg_get(cfg, "ui", "date_format"), "%Y-%m-%d");
	CHECK_STR(cfg_get(cfg, "ui", "sort"), "threads");
	cfg_free(&cfg);
}

static void
test_cfg_account_find_order(void)
{
	struct cfg *cfg;

	cfg = parse_ok("[account work]\nemail = w@b.c\nimap_host = i\n"
		       "smtp_host = s\n" ACCT_MIN);
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK_INT(cfg_account_count(cfg), 2);
	CHECK_STR(cfg_account_at(cfg, 0)->id, "work");
	CHECK_STR(cfg_account_at(cfg, 1)->id, "lab");
	CHECK(cfg_account_at(cfg, 2) == NULL);
	CHECK_STR(cfg_account_find(cfg, NULL)->id, "work");
	CHECK_STR(cfg_account_find(cfg, "lab")->email, "alice@example.test");
	CHECK_INT(cfg_account_find(cfg, "lab")->line, 5);
	CHECK(cfg_account_find(cfg, "Lab") == NULL);
	cfg_free(&cfg);
}

static void
test_cfg_security_name(void)
{
	CHECK_STR(cfg_security_name(CFG_SEC_TLS), "tls");
	CHECK_STR(cfg_security_name(CFG_SEC_STARTTLS), "starttls");
	CHECK_STR(cfg_security_name(CFG_SEC_NONE), "none");
}

/* The account keys are a contract other tools rely on. */
static void
test_cfg_defs_table(void)
{
	static const char *const keys[] = {"name", "email", "username",
	    "imap_host", "imap_port", "imap_security", "smtp_host", "smtp_port",
	    "smtp_security", "password", "password_command",
	    "oauth_token_command", "ca_file", "imap_tls_pin", "smtp_tls_pin",
	    "connect_timeout", "read_timeout", "identities"};
	const struct cfg_def *d;
	size_t n = 0, nglobal = 0;
	struct cfg *cfg = cfg_new_empty();

	for (d = cfg_defs; d->name != NULL; d++) {
		CHECK(d->doc != NULL && d->doc[0] != '\0');
		CHECK(d->type != CFG_ENUM || d->enums != NULL);
		if (strcmp(d->section, "account") == 0) {
			CHECK(n < PT_NELEM(keys));
			if (n < PT_NELEM(keys))
				CHECK_STR(d->name, keys[n]);
			n++;
			CHECK_INT((d->flags & CFG_SECRET) != 0,
			    strcmp(d->name, "password") == 0);
			continue;
		}
		/* Every global option answers cfg_get with its default. */
		nglobal++;
		if (d->defval != NULL)
			CHECK_STR(cfg_get(cfg, d->section, d->name), d->defval);
	}
	CHECK_INT(n, PT_NELEM(keys));
	/* [ui] 12, [keys] 6, [colors] 22, [compose] 5, [general] 1 */
	CHECK_INT(nglobal, 46);
	cfg_free(&cfg);
}

static void
test_cfg_edit_distance_hints(void)
{
	/* Through the parser: transpositions count as one edit. */
	CHECK(strstr(parse_error("[ui]\nsrot = x\n"), "'sort'?") != NULL);
	CHECK(strstr(parse_error("[ui]\nsidebra = x\n"), "'sidebar'?") != NULL);
	CHECK(strstr(parse_error("[ui]\ncolour = x\n"), "'color'?") != NULL);
	CHECK(strstr(parse_error("[account a]\nsmtp_sec = x\n"),
		  "did you mean") == NULL);
	CHECK(strstr(parse_error("[account a]\nimap_tls_pins = x\n"),
		  "'imap_tls_pin'?") != NULL);
}

static void
test_cfg_dump_hides_password(void)
{
	struct cfg *cfg;
	char *out;

	cfg = parse_ok("[ui]\nsort = date\n" ACCT_MIN
		       "password = topsecret\nname = \"A #1\"\n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	out = dump_text(cfg);
	CHECK(strstr(out, "topsecret") == NULL);
	CHECK(strstr(out, "\npassword = <hidden>\n") != NULL);
	CHECK(strstr(out, "# petrel configuration from t.conf\n") == out);
	CHECK(strstr(out, "\n[ui]\n# the order of the message index\n"
			  "sort = date\n") != NULL);
	CHECK(strstr(out, "\nsidebar = no # default\n") != NULL);
	CHECK(strstr(out, "\nquote_prefix = \"> \" # default\n") != NULL);
	CHECK(strstr(out, "\neditor = \"\" # default\n") != NULL);
	CHECK(strstr(out, "\n# signature = (not set)\n") != NULL);
	CHECK(strstr(out, "\nlog_level = warn # default\n") != NULL);
	CHECK(strstr(out, "\n[account lab]\n") != NULL);
	CHECK(strstr(out, "\nname = \"A #1\"\n") != NULL);
	CHECK(strstr(out, "\nemail = alice@example.test\n") != NULL);
	CHECK(
	    strstr(out, "\nusername = alice@example.test # default\n") != NULL);
	CHECK(strstr(out, "\nimap_port = 993 # default\n") != NULL);
	CHECK(strstr(out, "\nsmtp_security = starttls # default\n") != NULL);
	CHECK(strstr(out, "\n# password_command = (not set)\n") != NULL);
	CHECK(strstr(out, "\nconnect_timeout = 15 # default\n") != NULL);
	free(out);
	cfg_free(&cfg);
}

/* --dump-config prints valid config text with the same values. */
static void
test_cfg_dump_parses_back(void)
{
	struct cfg *cfg, *back;
	char *out;

	cfg =
	    parse_ok("[ui]\nindex_format = \"%s #x\"\n[compose]\n"
		     "signature = /tmp/sig\n" ACCT_MIN "smtp_security = tls\n");
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	out = dump_text(cfg);
	back = parse_ok(out);
	CHECK(back != NULL);
	if (back != NULL) {
		CHECK_STR(cfg_get(back, "ui", "index_format"), "%s #x");
		CHECK_STR(cfg_get(back, "compose", "signature"), "/tmp/sig");
		CHECK_STR(cfg_get(back, "compose", "quote_prefix"), "> ");
		CHECK_INT(cfg_account_find(back, "lab")->smtp.port, 465);
	}
	cfg_free(&back);
	free(out);
	cfg_free(&cfg);

	/* With no account, a commented template. */
	cfg = cfg_new_empty();
	out = dump_text(cfg);
	CHECK(strstr(out, "\n# [account NAME]\n#   name = \n#   email = \n") !=
	      NULL);
	CHECK(strstr(out, "#   connect_timeout = 15\n") != NULL);
	back = parse_ok(out);
	CHECK(back != NULL);
	cfg_free(&back);
	free(out);
	cfg_free(&cfg);
}

static void
test_cfg_write_account_creates_file(void)
{
	static const char *const keys[] = {"email", "imap_host", "smtp_host",
	    "name", "password"};
	static const char *const vals[] = {"bob@example.test",
	    "imap.example.test", "smtp.example.test", " Bob \"B\" #2", "p#ss"};
	const char *path = tmp_path("new/sub/config");
	struct pt_error err;
	struct stat st;
	char *text;

	pt_error_init(&err);
	CHECK_INT(cfg_write_account(path, "bob", keys, vals, PT_NELEM(keys),
		      &err),
	    0);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0600);
	CHECK_INT(stat(tmp_path("new/sub"), &st), 0);
	CHECK_INT(st.st_mode & 0777, 0700);
	text = read_all(path);
	CHECK_STR(text, "[account bob]\n"
			"email = bob@example.test\n"
			"imap_host = imap.example.test\n"
			"smtp_host = smtp.example.test\n"
			"name = \" Bob \\\"B\\\" #2\"\n"
			"password = \"p#ss\"\n");
	free(text);
	unlink(path);
	rmdir(tmp_path("new/sub"));
	rmdir(tmp_path("new"));
}

static void
test_cfg_write_account_updates_existing(void)
{
	static const char before[] =
	    "# petrel config\n"
	    "[ui]\n"
	    "sort = date   # newest first\n"
	    "\n"
	    "[account work]\n"
	    "  email = old@work.example   # my old address\n"
	    "; keep this comment\n"
	    "imap_host = imap.work.example\n"
	    "smtp_host = smtp.work.example\n"
	    "password = oldpass\n"
	    "\n"
	    "# the home account\n"
	    "[account home]\n"
	    "email = me@home.example\n"
	    "imap_host = imap.home.example\n"
	    "smtp_host = smtp.home.example\n";
	static const char after[] =
	    "# petrel config\n"
	    "[ui]\n"
	    "sort = date   # newest first\n"
	    "\n"
	    "[account work]\n"
	    "  email = new@work.example # my old address\n"
	    "; keep this comment\n"
	    "imap_host = imap.work.example\n"
	    "smtp_host = smtp2.work.example\n"
	    "password_command = pass show work\n"
	    "\n"
	    "# the home account\n"
	    "[account home]\n"
	    "email = me@home.example\n"
	    "imap_host = imap.home.example\n"
	    "smtp_host = smtp.home.example\n";
	static const char *const keys[] = {"email", "imap_host", "smtp_host",
	    "password_command"};
	static const char *const vals[] = {"new@work.example",
	    "imap.work.example", "smtp2.work.example", "pass show work"};
	const char *path = write_tmp("update.conf", before, 0644);
	struct pt_error err;
	struct stat st;
	char *text;

	pt_error_init(&err);
	CHECK_INT(cfg_write_account(path, "work", keys, vals, PT_NELEM(keys),
		      &err),
	    0);
	text = read_all(path);
	CHECK_STR(text, after);
	free(text);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0600);

	/* A new account goes at the end, after a blank line. */
	CHECK_INT(cfg_write_account(path, "lab", keys, vals, 3, &err), 0);
	text = read_all(path);
	CHECK_STR(text, msgf("%s\n[account lab]\nemail = new@work.example\n"
			     "imap_host = imap.work.example\n"
			     "smtp_host = smtp2.work.example\n",
			    after));
	free(text);
}

static void
test_cfg_write_account_rejects_bad_values(void)
{
	static const char *const keys[] = {"email", "name"};
	const char *vals[] = {"a@b.c", "two\nlines"};
	static const char *const badkey[] = {"email", "emial"};
	static const char *const twice[] = {"email", "email"};
	const char *path = write_tmp("reject.conf", "# unchanged\n", 0600);
	struct pt_error err;
	char *text;

	pt_error_init(&err);
	CHECK_INT(cfg_write_account(path, "x", keys, vals, 2, &err), -1);
	CHECK_INT(err.class, PT_E_CONFIG);
	CHECK_STR(err.msg,
	    msgf("cannot update '%s': the value of 'name' contains a line "
		 "break",
		path));
	vals[1] = "carriage\rreturn";
	CHECK_INT(cfg_write_account(path, "x", keys, vals, 2, &err), -1);
	CHECK(strstr(err.msg, "contains a line break") != NULL);
	vals[1] = "bad \xff utf-8";
	CHECK_INT(cfg_write_account(path, "x", keys, vals, 2, &err), -1);
	CHECK(strstr(err.msg, "'name' is not valid UTF-8") != NULL);
	vals[1] = "ok";
	CHECK_INT(cfg_write_account(path, "x y", keys, vals, 2, &err), -1);
	CHECK_STR(err.msg,
	    msgf("cannot update '%s': invalid account name 'x y': use only "
		 "letters, digits, '.', '_' and '-'",
		path));
	CHECK_INT(cfg_write_account(path, "x", badkey, vals, 2, &err), -1);
	CHECK_STR(err.msg,
	    msgf("cannot update '%s': unknown account key 'emial' (did you "
		 "mean 'email'?)",
		path));
	CHECK_INT(cfg_write_account(path, "x", twice, vals, 2, &err), -1);
	CHECK_STR(err.msg,
	    msgf("cannot update '%s': key 'email' is given twice", path));
	CHECK_INT(cfg_set_account_key(path, "x", "imap_security", "ssl", &err),
	    -1);
	CHECK_STR(err.msg,
	    msgf("cannot update '%s': invalid value 'ssl' for "
		 "'imap_security': expected one of tls, starttls, none",
		path));
	text = read_all(path);
	CHECK_STR(text, "# unchanged\n");
	free(text);
}

/* The writers refuse to leave a file that no longer loads. */
static void
test_cfg_write_account_refuses_broken_result(void)
{
	static const char *const partial[] = {"email", "imap_host"};
	static const char *const pvals[] = {"a@b.c", "i.example"};
	static const char *const none[] = {"email", "imap_host",
	    "imap_security", "smtp_host"};
	static const char *const nvals[] = {"a@b.c", "imap.example.org", "none",
	    "s.example"};
	const char *path = write_tmp("broken.conf", ACCT_MIN, 0600);
	const char *fresh = tmp_path("fresh.conf");
	struct pt_error err;
	struct stat st;
	char *text;

	pt_error_init(&err);
	CHECK_INT(cfg_write_account(fresh, "x", partial, pvals, 2, &err), -1);
	CHECK_INT(err.class, PT_E_CONFIG);
	CHECK_STR(err.msg,
	    msgf("cannot update '%s': %s:1: [account x] has no 'smtp_host', "
		 "which is required",
		fresh, fresh));
	CHECK_INT(stat(fresh, &st), -1);

	CHECK_INT(cfg_write_account(path, "lab", none, nvals, 4, &err), -1);
	CHECK_STR(err.msg,
	    msgf("cannot update '%s': %s:5: imap_security = none would send "
		 "the password in clear to 'imap.example.org': it is allowed "
		 "only for 127.0.0.1, ::1 or localhost",
		path, path));
	CHECK_INT(cfg_set_account_key(path, "lab", "email", NULL, &err), -1);
	CHECK(strstr(err.msg, "has no 'email'") != NULL);
	text = read_all(path);
	CHECK_STR(text, ACCT_MIN);
	free(text);

	/* A file that was already broken elsewhere can still be edited. */
	path = write_tmp("broken.conf", "[ui]\nsort = bogus\n" ACCT_MIN, 0600);
	CHECK_INT(cfg_set_account_key(path, "lab", "name", "Al", &err), 0);
	text = read_all(path);
	CHECK_STR(text, "[ui]\nsort = bogus\n" ACCT_MIN "name = Al\n");
	free(text);
}

static void
test_cfg_set_account_key_replaces(void)
{
	const char *path = write_tmp("set.conf",
	    "[account lab]\n"
	    "email = a@b.c\n"
	    "imap_host = i.example\n"
	    "imap_tls_pin = sha256:" PIN_HEX "  # pinned in 2024\n"
	    "smtp_host = s.example\n"
	    "# the end\n",
	    0600);
	const char *pin2 = "sha256:"
			   "ffffffffffffffffffffffffffffffffffffffffffffffffff"
			   "ffffffffffffff";
	struct pt_error err;
	char *text;

	pt_error_init(&err);
	CHECK_INT(cfg_set_account_key(path, "lab", "imap_tls_pin", pin2, &err),
	    0);
	text = read_all(path);
	CHECK_STR(text, msgf("[account lab]\n"
			     "email = a@b.c\n"
			     "imap_host = i.example\n"
			     "imap_tls_pin = %s # pinned in 2024\n"
			     "smtp_host = s.example\n"
			     "# the end\n",
			    pin2));
	free(text);
}

static void
test_cfg_set_account_key_appends(void)
{
	const char *path = write_tmp("append.conf",
	    "[account a]\n"
	    "email = a@b.c\n"
	    "imap_host = i\n"
	    "smtp_host = s\n"
	    "\n"
	    "# about b\n"
	    "[account b]\n"
	    "email = b@b.c\n"
	    "imap_host = i\n"
	    "smtp_host = s", /* no final newline */
	    0600);
	struct pt_error err;
	char *text;

	pt_error_init(&err);
	CHECK_INT(cfg_set_account_key(path, "a", "smtp_tls_pin",
		      "sha256:" PIN_HEX, &err),
	    0);
	CHECK_INT(cfg_set_account_key(path, "b", "read_timeout", "30", &err),
	    0);
	text = read_all(path);
	CHECK_STR(text, "[account a]\n"
			"email = a@b.c\n"
			"imap_host = i\n"
			"smtp_host = s\n"
			"smtp_tls_pin = sha256:" PIN_HEX "\n"
			"\n"
			"# about b\n"
			"[account b]\n"
			"email = b@b.c\n"
			"imap_host = i\n"
			"smtp_host = s\n"
			"read_timeout = 30\n");
	free(text);

	/* A NULL value removes the key. */
	CHECK_INT(cfg_set_account_key(path, "a", "smtp_tls_pin", NULL, &err),
	    0);
	text = read_all(path);
	CHECK(strstr(text, "smtp_tls_pin") == NULL);
	CHECK(strstr(text, "read_timeout = 30\n") != NULL);
	free(text);
}

static void
test_cfg_set_account_key_missing(void)
{
	const char *path = write_tmp("missing.conf", ACCT_MIN, 0600);
	const char *nofile = tmp_path("nofile.conf");
	struct pt_error err;
	struct stat st;

	pt_error_init(&err);
	CHECK_INT(cfg_set_account_key(path, "other", "name", "X", &err), -1);
	CHECK_INT(err.class, PT_E_CONFIG);
	CHECK_STR(err.msg,
	    msgf("cannot update '%s': no [account other] section", path));
	CHECK_INT(cfg_set_account_key(nofile, "lab", "name", "X", &err), -1);
	CHECK_INT(err.code, ENOENT);
	CHECK_STR(err.msg, msgf("no configuration file at '%s'", nofile));
	CHECK_INT(stat(nofile, &st), -1);
}

static void
test_cfg_write_account_round_trip(void)
{
	static const char *const keys[] = {"name", "email", "username",
	    "imap_host", "imap_port", "imap_security", "smtp_host", "smtp_port",
	    "smtp_security", "password_command", "ca_file", "imap_tls_pin",
	    "connect_timeout", "read_timeout"};
	static const char *const vals[] = {"  Zoë \"Z\" Example # 1 ",
	    "zoe@example.test", "zoe", "127.0.0.1", "10143", "none", "::1",
	    "10025", "none", "printf '%s\\n' \"$PW\"", "/etc/ssl/extra ca.pem",
	    ("sha256:" PIN_HEX), "7", "3600"};
	const char *path = tmp_path("round.conf");
	const struct cfg_account *a;
	struct pt_error err;
	struct cfg *cfg;

	pt_error_init(&err);
	CHECK_INT(cfg_write_account(path, "zoe", keys, vals, PT_NELEM(keys),
		      &err),
	    0);
	/* Writing it twice changes nothing. */
	CHECK_INT(cfg_write_account(path, "zoe", keys, vals, PT_NELEM(keys),
		      &err),
	    0);
	cfg = cfg_load(path, &err);
	CHECK(cfg != NULL);
	if (cfg == NULL) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	CHECK_INT(cfg_account_count(cfg), 1);
	a = cfg_account_find(cfg, "zoe");
	CHECK_STR(a->name, vals[0]);
	CHECK_STR(a->email, "zoe@example.test");
	CHECK_STR(a->username, "zoe");
	CHECK_STR(a->imap.host, "127.0.0.1");
	CHECK_INT(a->imap.port, 10143);
	CHECK_INT(a->imap.security, CFG_SEC_NONE);
	CHECK_STR(a->smtp.host, "::1");
	CHECK_INT(a->smtp.port, 10025);
	CHECK_INT(a->smtp.security, CFG_SEC_NONE);
	CHECK_STR(a->password_command, vals[9]);
	CHECK_STR(a->ca_file, "/etc/ssl/extra ca.pem");
	CHECK_STR(a->imap_tls_pin, "sha256:" PIN_HEX);
	CHECK_INT(a->connect_timeout, 7);
	CHECK_INT(a->read_timeout, 3600);
	CHECK_INT(a->line, 1);
	cfg_free(&cfg);
}

static const struct pt_test tests[] = {PT_TEST(test_cfg_load_full_account),
    PT_TEST(test_cfg_load_defaults_tls),
    PT_TEST(test_cfg_load_defaults_ports_by_security),
    PT_TEST(test_cfg_load_missing_file),
    PT_TEST(test_cfg_load_xdg_default_path),
    PT_TEST(test_cfg_parse_unknown_key_suggests),
    PT_TEST(test_cfg_parse_unknown_key_no_suggestion),
    PT_TEST(test_cfg_parse_unknown_key_other_section),
    PT_TEST(test_cfg_parse_unknown_section),
    PT_TEST(test_cfg_parse_missing_required),
    PT_TEST(test_cfg_parse_duplicate_account),
    PT_TEST(test_cfg_parse_duplicate_key), PT_TEST(test_cfg_parse_account_name),
    PT_TEST(test_cfg_parse_bad_values),
    PT_TEST(test_cfg_parse_values_normalised),
    PT_TEST(test_cfg_parse_long_line), PT_TEST(test_cfg_parse_nul_byte),
    PT_TEST(test_cfg_parse_invalid_utf8), PT_TEST(test_cfg_parse_quoting),
    PT_TEST(test_cfg_parse_comments), PT_TEST(test_cfg_parse_syntax_errors),
    PT_TEST(test_cfg_parse_pin_normalised),
    PT_TEST(test_cfg_parse_none_security_refused),
    PT_TEST(test_cfg_parse_none_security_loopback),
    PT_TEST(test_cfg_parse_path_tilde),
    PT_TEST(test_cfg_load_password_permissions),
    PT_TEST(test_cfg_load_error_names_file),
    PT_TEST(test_cfg_account_password_from_file),
    PT_TEST(test_cfg_account_password_command_ok),
    PT_TEST(test_cfg_account_password_command_fails),
    PT_TEST(test_cfg_account_password_command_empty),
    PT_TEST(test_cfg_account_token_command),
    PT_TEST(test_cfg_account_password_command_too_long),
    PT_TEST(test_cfg_account_password_ask), PT_TEST(test_cfg_get_defaults),
    PT_TEST(test_cfg_get_values), PT_TEST(test_cfg_account_find_order),
    PT_TEST(test_cfg_security_name), PT_TEST(test_cfg_defs_table),
    PT_TEST(test_cfg_edit_distance_hints),
    PT_TEST(test_cfg_dump_hides_password), PT_TEST(test_cfg_dump_parses_back),
    PT_TEST(test_cfg_write_account_creates_file),
    PT_TEST(test_cfg_write_account_updates_existing),
    PT_TEST(test_cfg_write_account_rejects_bad_values),
    PT_TEST(test_cfg_write_account_refuses_broken_result),
    PT_TEST(test_cfg_set_account_key_replaces),
    PT_TEST(test_cfg_set_account_key_appends),
    PT_TEST(test_cfg_set_account_key_missing),
    PT_TEST(test_cfg_write_account_round_trip), {NULL, NULL}};

/* Removes the temporary files, then the folder. */
static void
cleanup(void)
{
	size_t i;

	for (i = ncreated; i > 0; i--) {
		unlink(created[i - 1]);
		free(created[i - 1]);
	}
	if (tmpdir[0] != '\0' && rmdir(tmpdir) == -1)
		fprintf(stderr, "cannot remove %s: %s\n", tmpdir,
		    strerror(errno));
}

int
main(void)
{
	int rc;

	/* Tests expect the untranslated messages. */
	setenv("LC_ALL", "C", 1);
	rc = pt_test_run(tests);
	cleanup();
	return rc;
}
