/*
 * config: petrel's configuration file, accounts and secrets.
 *
 * The file is plain INI-style text (documented in petrelrc(5)):
 *
 *	# comment
 *	[ui]
 *	sort = threads
 *	[account lab]
 *	email = alice@example.test
 *	imap_host = 127.0.0.1
 *
 * Global sections have fixed names (see the option tables in
 * src/config/options.c); account sections are "[account NAME]".  Values
 * run to the end of the line; a '#' after white space starts a comment;
 * a value may be double-quoted to keep leading/trailing spaces or '#'.
 * Errors name the file, the line and the problem; an unknown key is an
 * error with a "did you mean" hint.  A path option (CFG_PATH) starting
 * with "~/" is taken relative to $HOME.
 *
 *	src/config/options.c	the option tables: name, type, default, doc
 *	src/config/parse.c	reading the file into struct cfg
 *	src/config/account.c	struct cfg_account, lookups, password, dump
 *	src/config/write.c	writing the file atomically (mode 0600)
 *	src/config/private.h	what these files share (private flags)
 *
 * Threads: a struct cfg is built by main and is read-only afterwards, so
 * any thread may read it.  cfg_account_password runs a command and may
 * block: call it from a worker or before curses starts.
 *
 * Ownership: cfg_load returns a struct cfg the caller frees with
 * cfg_free.  Accounts and strings reached through it are borrowed for
 * the life of the struct cfg.
 */
#ifndef PETREL_CONFIG_H
#define PETREL_CONFIG_H

#include <stdio.h>

#include "petrel/core.h"

enum cfg_type { CFG_STRING, CFG_INT, CFG_BOOL, CFG_ENUM, CFG_PATH };

#define CFG_SECRET 0x1 /* never printed: --dump-config shows <hidden> */
/* The other bits of cfg_def.flags are private to src/config. */

/* One option: its section ("ui", "compose", ... or "account"). */
struct cfg_def {
	const char *section;
	const char *name;
	enum cfg_type type;
	const char *defval;       /* NULL: no default */
	const char *const *enums; /* CFG_ENUM: NULL-terminated choices */
	int min, max;             /* CFG_INT range */
	unsigned flags;
	const char *doc; /* one line, untranslated (N_) */
};

/* The table of every option, ended by an entry with name NULL. */
extern const struct cfg_def cfg_defs[];

enum cfg_security { CFG_SEC_TLS, CFG_SEC_STARTTLS, CFG_SEC_NONE };

struct cfg_server {
	const char *host;
	int port;
	enum cfg_security security;
};

struct cfg_account {
	const char *id; /* the NAME of [account NAME] */
	const char *name;
	const char *email;
	const char *username;   /* defaults to email */
	const char *identities; /* other From addresses, or NULL */
	struct cfg_server imap;
	struct cfg_server smtp;
	const char *password;            /* NULL unless in the file */
	const char *password_command;    /* NULL unless set */
	const char *oauth_token_command; /* set: XOAUTH2 with its token */
	const char *ca_file;             /* NULL unless set */
	const char *imap_tls_pin;        /* "sha256:HEX" or NULL */
	const char *smtp_tls_pin;
	int connect_timeout; /* seconds */
	int read_timeout;    /* seconds */
	const char *file;    /* where it was defined, and the line */
	int line;
};

struct cfg;

/*
 * Loads path (NULL: $XDG_CONFIG_HOME/petrel/config).  A missing file is
 * an error of class PT_E_CONFIG with code ENOENT, so the caller can start
 * the setup wizard.  A file holding a password that group or others may
 * access is refused (PT_E_CONFIG, code EACCES).  Every other problem
 * names file:line.
 */
struct cfg *cfg_load(const char *, struct pt_error *);
/*
 * Parses len bytes of text as if read from a file called name, without
 * the permission check (for tests and the fuzzer).
 */
struct cfg *cfg_parse(const char *, const char *, size_t, struct pt_error *);
/* An empty configuration (all defaults, no accounts). */
struct cfg *cfg_new_empty(void);
void cfg_free(struct cfg **);

/* The path the configuration came from (borrowed; NULL if empty). */
const char *cfg_path(const struct cfg *);

/*
 * A global option's value as text ("ui", "sort"); the default if unset
 * (NULL for an unset option without a default).  Bools read as "yes" or
 * "no", enums in lower case.  An unknown section/name, or cfg_get_int or
 * cfg_get_bool on an option of another type, is a bug: pt_fatal.
 */
const char *cfg_get(const struct cfg *, const char *, const char *);
int cfg_get_int(const struct cfg *, const char *, const char *);
int cfg_get_bool(const struct cfg *, const char *, const char *);
/*
 * The editor to run on a draft: compose.editor, else $VISUAL, else
 * $EDITOR, else "vi" (borrowed from cfg or the environment).
 */
const char *cfg_editor(const struct cfg *);

size_t cfg_account_count(const struct cfg *);
const struct cfg_account *cfg_account_at(const struct cfg *, size_t);
/* By id; NULL id: the first (default) account.  NULL if none. */
const struct cfg_account *cfg_account_find(const struct cfg *, const char *);

/*
 * The account's secret.  With oauth_token_command: an OAuth2 access
 * token from it (cfg_token_run, read_timeout seconds at most).  Else the
 * password: from the file, else from password_command (run with /bin/sh
 * -c, first line of its output, a failing command is an error naming
 * it), else 1 is returned with *out untouched so the caller asks the
 * user.  0 on success, -1 on error (PT_E_CONFIG for a failing command).
 */
int cfg_account_password(const struct cfg_account *, struct pt_secret *,
    struct pt_error *);
/*
 * Runs an oauth_token_command with /bin/sh -c (stdin /dev/null) and
 * keeps the first line it prints in *out.  A command still running
 * after timeout seconds is killed with its process group.  Failing,
 * printing nothing or timing out is a PT_E_CONFIG error naming the
 * command (its stderr goes to the detail).  May block: not on the UI
 * thread.  0 or -1.
 */
int cfg_token_run(const char *, int, struct pt_secret *, struct pt_error *);

/* "tls", "starttls" or "none". */
const char *cfg_security_name(enum cfg_security);

/*
 * Prints every option with its value or default (secrets <hidden>), as
 * config text: "[section]" lines, each option's doc as a "# " comment,
 * then "key = value", with " # default" appended when the file does not
 * set it, or "# key = (not set)" when it has no value.
 */
void cfg_dump(const struct cfg *, FILE *);

/*
 * Adds or replaces [account ID] with the given settings in the file at
 * path (created if missing, with its folder), keeping every other line as
 * it was, and writes it atomically with mode 0600.  keys/values are
 * parallel arrays of n account option names and values.  In an existing
 * section, the keys given replace their lines in place (keeping a
 * trailing comment), keys not given are removed, comments are kept and
 * new keys go after the last key line.  Values are checked as cfg_load
 * would (and CR, LF or invalid UTF-8 are refused); values with '#',
 * quotes or leading/trailing spaces are written quoted.  A change that
 * would stop a loadable file from loading (an account without its host,
 * say) is refused with cfg_load's message.  A symbolic link is followed.
 */
int cfg_write_account(const char *, const char *, const char *const *,
    const char *const *, size_t, struct pt_error *);

/*
 * Sets one key of [account ID] in the file (e.g. the TLS pin the user
 * chose to trust), atomically, keeping the rest of the file, with the
 * same checks as cfg_write_account.  A NULL value removes the key.  The
 * file and the section must exist.
 */
int cfg_set_account_key(const char *, const char *, const char *, const char *,
    struct pt_error *);

#endif
