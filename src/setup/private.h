/*
 * setup/private.h: declarations shared by the setup wizard's files in
 * src/setup only (the doctor has its own).
 *
 *	providers.c	data/providers.conf: parser, lookups, note texts
 *	dns.c		SRV and MX queries (res_nquery) and their parsing
 *	autoconfig.c	Mozilla autoconfig: HTTPS GET and the XML reader
 *	detect.c	preset -> SRV -> autoconfig -> MX -> guess
 *
 * Threads: nothing here keeps global state; detection blocks on DNS and
 * the network, so the wizard runs it in a worker thread.
 */
#ifndef PETREL_SETUP_PRIVATE_H
#define PETREL_SETUP_PRIVATE_H

#include <stddef.h>

#include "petrel/config.h"
#include "petrel/core.h"

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
/* The ID of a note as written in the file. */
const char *setup_note_id(enum setup_note);

/* Utilities (providers.c). */

/* 1 when s is a plausible DNS host name (letters, digits, '-', '.'). */
int setup_host_valid(const char *);
/* "tls"/"starttls" -> security; -1 when neither. */
int setup_security_parse(const char *);
/* Lower-cases ASCII in place. */
void setup_lower(char *);

#endif
