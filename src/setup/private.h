/*
 * setup/private.h: declarations shared by the files in src/setup only.
 *
 *	providers.c	data/providers.conf: parser, lookups, note texts
 *	dns.c		SRV and MX queries (res_nquery) and their parsing
 *	autoconfig.c	Mozilla autoconfig: HTTPS GET and the XML reader
 *	detect.c	preset -> SRV -> autoconfig -> MX -> guess
 *	check.c		the live test, step by step, and its terminal lines:
 *			the one step machinery of the doctor, `petrel
 *			setup` and the wizard
 *	account.c	writing the new account to the config file
 *	cli.c		`petrel setup --email ...` and --show
 *	wizard.c	the interactive wizard (ncurses)
 *	doctor.c	`petrel doctor`: check.c's steps for a configured
 *			account, with a config-key fix under each failure
 *
 * Threads: nothing here keeps global state; detection blocks on DNS and
 * the network, so the wizard runs it in a worker thread.
 */
#ifndef PETREL_SETUP_PRIVATE_H
#define PETREL_SETUP_PRIVATE_H

#include <stddef.h>
#include <stdio.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/net.h"

/* One server as the wizard edits it. */
#define SETUP_HOST_MAX 254 /* a DNS name is at most 253 bytes */

struct setup_server {
	char host[SETUP_HOST_MAX];
	int port;
	enum cfg_security security;
};

/* providers.c */

enum setup_userform { SETUP_USER_ADDRESS, SETUP_USER_LOCALPART };

/* Built-in hints, referred to by ID in providers.conf. */
enum setup_note {
	SETUP_NOTE_EMAIL_PASSWORD,
	SETUP_NOTE_LOCKOUT,
	SETUP_NOTE_APP_PASSWORD,
	SETUP_NOTE_APP_PASSWORD_2FA,
	SETUP_NOTE_OAUTH2,
	SETUP_NOTE_ENABLE_IMAP,
	SETUP_NOTE_THIRD_PARTY,
	SETUP_NOTE_SECURE_MAIL_KEY,
	SETUP_NOTE_VERIZON_AOL,
	SETUP_NOTE_BRIDGE,
	SETUP_NOTE_BUSINESS,
	SETUP_NOTE_COUNT
};

struct setup_provider {
	char *id;
	char *name;
	char **domains; /* lower case */
	size_t ndomains;
	char **mx; /* lower case suffixes */
	size_t nmx;
	int manual; /* pre-fill nothing */
	struct setup_server imap;
	struct setup_server smtp;
	enum setup_userform userform;
	unsigned notes; /* 1 << enum setup_note */
	char *hint;     /* untranslated free text, or NULL */
	char *url;      /* or NULL */
};

struct setup_providers {
	struct setup_provider *v;
	size_t n;
};

#define SETUP_PROVIDERS_FILE_MAX ((size_t)256 * 1024)
#define SETUP_PROVIDERS_LINE_MAX 1024

void setup_providers_init(struct setup_providers *);
void setup_providers_release(struct setup_providers *);
/*
 * Parses text (from the file named name, for messages) and appends its
 * providers to ps.  The first problem stops it with a PT_E_CONFIG error
 * naming name:line; ps then holds what came before the file.
 */
int setup_providers_parse(struct setup_providers *, const char *, size_t,
    const char *, struct pt_error *);
/* Reads and parses one file (a missing file: PT_E_IO, code ENOENT). */
int setup_providers_read(struct setup_providers *, const char *,
    struct pt_error *);
/*
 * The installed file: $PETREL_DATADIR/providers.conf when that is set
 * (tests run from the build tree), else PKGDATADIR/providers.conf.
 * The caller frees it.
 */
char *setup_providers_path(void);
/*
 * Loads the user's own file ($XDG_CONFIG_HOME/petrel/providers.conf, if
 * it exists) and then the installed one, so that the user's entries are
 * found first.
 */
int setup_providers_load(struct setup_providers *, struct pt_error *);
/* The provider serving domain (any case), or NULL (borrowed from ps). */
const struct setup_provider *
setup_providers_find(const struct setup_providers *, const char *);
/* The provider whose mx suffix matches the MX host name, or NULL. */
const struct setup_provider *
setup_providers_find_mx(const struct setup_providers *, const char *);
/* The translated text of a note (borrowed, static). */
const char *setup_note_text(enum setup_note);
/* Calls say with the text of each of p's notes, then its hint. */
void setup_provider_notes(const struct setup_provider *,
    void (*)(void *, const char *), void *);
/* The ID of a note as written in the file. */
const char *setup_note_id(enum setup_note);

/* Utilities (providers.c). */

/* 1 when s is a plausible DNS host name (letters, digits, '-', '.'). */
int setup_host_valid(const char *);
/* "tls"/"starttls" -> security; -1 when neither. */
int setup_security_parse(const char *);
/* Lower-cases ASCII in place. */
void setup_lower(char *);

/* dns.c */

struct setup_dns_rr {
	int priority; /* SRV priority or MX preference */
	int weight;   /* SRV only */
	int port;     /* SRV only */
	char target[SETUP_HOST_MAX];
};

/*
 * Parses a DNS reply for records of type (ns_t_srv or ns_t_mx): fills
 * at most max of them, sorted by priority (then weight), and returns
 * how many; 0 for NXDOMAIN; -1 when the reply is malformed or a server
 * failure.  Pure: for the unit tests.
 */
int setup_dns_parse(const unsigned char *, size_t, int, struct setup_dns_rr *,
    size_t);
/*
 * The SRV records of name ("_imaps._tcp.example.com"), without those
 * whose target is "." (service not offered).  Returns the count, 0 when
 * there are none, -1 with err set when DNS did not answer.  Blocks for
 * at most a few seconds.
 */
int setup_dns_srv(const char *, struct setup_dns_rr *, size_t,
    struct pt_error *);
/* The MX records of domain, best first; same conventions. */
int setup_dns_mx(const char *, struct setup_dns_rr *, size_t,
    struct pt_error *);

/* autoconfig.c */

#define SETUP_AUTOCONFIG_MAX   ((size_t)64 * 1024) /* bytes of XML */
#define SETUP_HTTPS_CONNECT_MS 5000
#define SETUP_HTTPS_READ_MS    10000

/* What an autoconfig file says, reduced to what petrel uses. */
struct setup_autoconfig {
	char name[128]; /* displayName, or "" */
	int have_imap, have_smtp;
	struct setup_server imap; /* the first usable IMAP server */
	struct setup_server smtp; /* the first usable SMTP server */
	enum setup_userform userform;
	int oauth_only; /* the IMAP server lists OAuth2 and no password */
};

/*
 * Reads an autoconfig file (config-v1.1.xml) for the address email
 * (used for the %EMAIL...% placeholders).  Takes the first IMAP and
 * the first SMTP server whose socketType is SSL or STARTTLS; a "plain"
 * one is never used.  -1 (PT_E_PROTO) when the XML is malformed or
 * names no usable pair.  Pure.
 */
int setup_autoconfig_parse(const char *, size_t, const char *,
    struct setup_autoconfig *, struct pt_error *);
/*
 * Splits an HTTP/1.x reply: *status gets the code, body the content
 * (Content-Length honoured, chunked decoded).  Pure.
 */
int setup_http_parse(const char *, size_t, int *, struct pt_buf *,
    struct pt_error *);
/*
 * GET https://host:port/path with verified TLS (system trust plus the
 * optional ca_file); body gets the content of a 200 reply.  Blocks for
 * at most the timeouts above; cancel may be NULL.
 */
int setup_https_get(const char *, int, const char *, const char *,
    struct net_cancel *, struct pt_buf *, struct pt_error *);
/* setup_https_get (port 443) followed by setup_autoconfig_parse. */
int setup_autoconfig_fetch(const char *, const char *, const char *,
    const char *, struct net_cancel *, struct setup_autoconfig *,
    struct pt_error *);

/* detect.c */

#define SETUP_EMAIL_MAX 320

enum setup_source {
	SETUP_SOURCE_NONE,
	SETUP_SOURCE_PRESET,     /* petrel's provider list */
	SETUP_SOURCE_MANUAL,     /* listed, but "manual = yes" */
	SETUP_SOURCE_SRV,        /* RFC 6186/8314 SRV records */
	SETUP_SOURCE_AUTOCONFIG, /* autoconfig XML over HTTPS */
	SETUP_SOURCE_MX,         /* MX host matched to a provider */
	SETUP_SOURCE_GUESS,      /* imap./mail./smtp.<domain> */
	SETUP_SOURCE_OPTIONS     /* --imap and --smtp */
};

/* Everything the wizard shows and edits (no secrets). */
struct setup_settings {
	char email[SETUP_EMAIL_MAX];
	char username[SETUP_EMAIL_MAX];
	struct setup_server imap;
	struct setup_server smtp;
	enum setup_source source;
	char source_detail[300]; /* provider name, URL, MX host, or "" */
	const struct setup_provider *provider; /* borrowed, or NULL */
	int oauth_only; /* the provider wants OAuth2, not passwords */
};

struct setup_detect_opts {
	const char *ca_file;       /* extra CA for autoconfig HTTPS */
	struct net_cancel *cancel; /* may be NULL */
	int no_network;            /* presets and a plain guess only */
	/* Called with a translated line before each network step. */
	void (*progress)(void *, const char *);
	void *arg;
};

/* 1 when s looks like local@domain.tld (no spaces, a dotted domain). */
int setup_email_valid(const char *);
/* The part after the last '@' (borrowed from email), or "". */
const char *setup_email_domain(const char *);
/* 993/465 -> tls, 143/587 -> starttls, other ports -1. */
int setup_port_security(int);
/*
 * The other usual port of a server (587 <-> 465 for SMTP, 993 <-> 143
 * for IMAP) with its security, in *alt; -1 when the port is unusual.
 */
int setup_alternative(int, const struct setup_server *, struct setup_server *);
/* Translated name of a source, "petrel's provider list". */
const char *setup_source_name(enum setup_source);
/* Defaults: the address as user name, 993 tls and 587 starttls. */
void setup_settings_init(struct setup_settings *, const char *);
/* Fills servers, user name and provider from a preset. */
void setup_settings_from_provider(struct setup_settings *,
    const struct setup_provider *);
/*
 * Detects the settings for email (see detect.c).  ps and o may be NULL.
 * Fails only when email is not an address; otherwise st is filled, at
 * worst by the guess.  Blocks on DNS and HTTPS: not for the UI thread.
 */
int setup_detect(const char *, const struct setup_providers *,
    const struct setup_detect_opts *, struct setup_settings *,
    struct pt_error *);

/* check.c */

enum setup_line_kind {
	SETUP_LINE_HEAD, /* "IMAP host port 993, SSL/TLS" */
	SETUP_LINE_OK,   /* a step passed; detail says what was seen */
	SETUP_LINE_FAIL, /* a step failed; detail is the error message */
	SETUP_LINE_SKIP  /* not run after a failure */
};

struct setup_check_result;

struct setup_line {
	enum setup_line_kind kind;
	const char *label;  /* "TCP connect to port 993" */
	const char *detail; /* never NULL */
	/* SETUP_LINE_FAIL: the failure (error, certificate); else NULL. */
	const struct setup_check_result *res;
};

struct setup_check_params {
	const char *email;               /* names this end in EHLO */
	const char *username;            /* for the login steps */
	const struct pt_secret *pw;      /* NULL: a probe, no login */
	const char *oauth_token_command; /* set: pw is a token (XOAUTH2) */
	const char *ca_file;             /* or NULL */
	const char *imap_pin;            /* "sha256:..." or NULL */
	const char *smtp_pin;            /* "sha256:..." or NULL */
	int connect_timeout_ms;          /* 0: net's default */
	int read_timeout_ms;             /* 0: net's default */
	struct net_cancel *cancel;       /* may be NULL */
	void (*line)(void *, const struct setup_line *); /* may be NULL */
	void *arg;
};

struct setup_check_result {
	struct pt_error err;       /* class PT_OK when every step passed */
	char step[160];            /* the label of the failed step */
	int login_failed;          /* the server refused the credentials */
	struct net_cert_info cert; /* the certificate seen, if any */
};

/* Why a fallback was offered. */
enum { SETUP_WHY_BLOCKED = 1, SETUP_WHY_REFUSED, SETUP_WHY_SECURITY };

/* "SSL/TLS", "STARTTLS" (translated). */
const char *setup_security_label(enum cfg_security);
void setup_check_result_init(struct setup_check_result *);
/*
 * Runs the steps for the server np describes (np->proto NET_PROTO_IMAP
 * or NET_PROTO_SMTP), calling cp->line once per step: IMAP resolve, TCP
 * connect, STARTTLS (starttls only), TLS handshake and certificate (not
 * for security none), capabilities, login, open INBOX; SMTP resolve, TCP
 * connect, TLS (tls only), EHLO, STARTTLS with TLS and EHLO again
 * (starttls only), AUTH.  The first failure stops it (the rest are
 * reported as skipped); with cp->pw NULL it stops before the login.
 * The server, CA file, pin and timeouts come from np (those of cp are
 * not read), the rest from cp.
 * Returns 0 when every step passed, else -1 with res filled.  Blocks:
 * main or worker thread, never the UI thread.
 */
/*
 * Reads a password from the terminal without echo, after showing prompt
 * on stderr.  Echo goes off before the prompt shows and typed-ahead input
 * is kept.  0, or -1 when stdin is no terminal or nothing was typed.
 */
int setup_ask_password(const char *, struct pt_secret *);

int setup_check_steps(const struct setup_check_params *,
    const struct net_params *, struct setup_check_result *);
/*
 * Checks one server as the wizard edits it: a head line ("IMAP host
 * port 993, SSL/TLS") through cp->line, then setup_check_steps with the
 * server, CA file, pin and timeouts of srv and cp.
 */
int setup_check_server(const struct setup_check_params *, enum net_proto,
    const struct setup_server *, struct setup_check_result *);
/*
 * Prints a line as the command lines show it ("  ✓ label: detail",
 * "  ✗ label" with the error indented below, "  - label: skipped", a
 * head line as it is) and flushes out.
 */
void setup_line_print(FILE *, const struct setup_line *);
/*
 * Prints a certificate's subject, issuer, dates and SHA-256, indented
 * under a failed step; nothing when its valid is 0.
 */
void setup_cert_print(FILE *, const struct net_cert_info *);
/*
 * After srv failed with err: probes (without logging in, and without
 * reporting lines) the usual other ways to reach the same server: the
 * other port when this one is blocked or refused (587 <-> 465,
 * 993 <-> 143), the other security type when this one was the wrong
 * one.  0 with *found and a translated explanation in why when one
 * works; -1 when none does (or none applies).
 */
int setup_check_fallback(const struct setup_check_params *, enum net_proto,
    const struct setup_server *, const struct pt_error *, struct setup_server *,
    char *, size_t);
/*
 * Plain-language advice after a failed check: for a refused login the
 * user-name reminder and the provider's notes; for a certificate, the
 * caution.  Calls say once per sentence.
 */
void setup_check_advice(enum net_proto, const struct setup_settings *,
    const struct setup_check_result *, void (*)(void *, const char *), void *);

/* account.c */

/* What is written for a new account; NULL strings are left out. */
struct setup_account {
	const char *id; /* NULL: chosen (see account.c) */
	const char *name;
	const struct setup_settings *st;
	const char *password_command;
	const char *oauth_token_command;
	const char *password; /* only when the user chose the file */
	const char *ca_file;
	const char *imap_pin;
	const char *smtp_pin;
	int connect_timeout; /* seconds, 0: not written */
};

/*
 * Adds (or replaces, for the same address) the account in the config
 * file at path: atomically, mode 0600, other accounts untouched.
 * Returns the account's ID (the caller frees it), or NULL with err set.
 */
char *setup_account_write(const char *, const struct setup_account *,
    struct pt_error *);

#endif
