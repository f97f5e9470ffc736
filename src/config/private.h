/*
 * config/private.h: declarations shared by the files of src/config only.
 *
 *	options.c	the option table, lookups, value checks, suggestions
 *	parse.c		the line lexer and the file parser
 *	account.c	account defaults and checks, password, dump
 *	write.c		editing the file in place, atomically
 */
#ifndef PETREL_CONFIG_PRIVATE_H
#define PETREL_CONFIG_PRIVATE_H

#include <stddef.h>

#include "petrel/config.h"

/* Private bits of cfg_def.flags (CFG_SECRET is public). */
#define CFG_F_REQUIRED 0x100 /* an account must set it */
#define CFG_F_PIN      0x200 /* "sha256:" + 64 hex digits, normalised */
#define CFG_F_HOST     0x400 /* a host name: no port, scheme or space */
#define CFG_F_EMAIL    0x800 /* an address: local@domain */

#define CFG_LINE_MAX     4096                  /* bytes, without the newline */
#define CFG_FILE_MAX     ((size_t)1024 * 1024) /* bytes */
#define CFG_ACCOUNT      "account"             /* the section of accounts */
#define CFG_DISTANCE_MAX 3                     /* for "did you mean" */

/* Values for one section: one slot per entry of cfg_defs. */
struct cfg_values {
	char **val;   /* NULL: unset */
	int *line;    /* where each was set; 0 for derived defaults */
	int *derived; /* 1: filled in from a default by cfg_account_finish */
};

struct cfg_acct {
	struct cfg_account pub; /* points into id and vals */
	char *id;
	struct cfg_values vals;
};

struct cfg {
	char *path; /* NULL for cfg_new_empty */
	struct cfg_values globals;
	struct cfg_acct **accts;
	size_t nacct;
};

/* options.c */
size_t cfg_def_count(void);
size_t cfg_def_index(const struct cfg_def *);
const struct cfg_def *cfg_def_find(const char *, const char *);
int cfg_section_known(const char *);
/* The closest known name to the second argument, or NULL if none close. */
const char *cfg_def_suggest(const char *, const char *);
const char *cfg_section_suggest(const char *);
/* The first section other than the given one that has the key, or NULL. */
const char *cfg_def_other_section(const char *, const char *);
size_t cfg_edit_distance(const char *, const char *);
int cfg_account_id_valid(const char *);
/*
 * Checks value for def; on success *out is a new normalised copy (bools
 * "yes"/"no", enums in lower case, pins "sha256:" and lower-case hex).
 * The error message does not name the file or line: the caller adds them.
 */
int cfg_value_check(const struct cfg_def *, const char *, char **,
    struct pt_error *);
void cfg_values_init(struct cfg_values *);
void cfg_values_release(struct cfg_values *);

/* parse.c: one line of the file, split. */
enum cfg_line_kind {
	CFG_LINE_BLANK,
	CFG_LINE_COMMENT,
	CFG_LINE_SECTION,
	CFG_LINE_KEY
};

struct cfg_line {
	enum cfg_line_kind kind;
	char *section; /* SECTION: first word inside [ ] */
	char *arg;     /* SECTION: the rest ("lab" in [account lab]), or NULL */
	char *key;     /* KEY */
	char *value;   /* KEY: without quotes, escapes resolved */
	size_t indent; /* bytes of white space before the text */
	size_t comment; /* offset of a trailing "# ..." comment, or 0 */
};

/* Splits a line (no newline); the error names neither file nor line. */
int cfg_line_lex(const char *, size_t, struct cfg_line *, struct pt_error *);
void cfg_line_release(struct cfg_line *);
/*
 * Reads a configuration file (at most CFG_FILE_MAX bytes) through one
 * descriptor; *insecurep is 1 when group or others have any access.  A
 * missing file is PT_E_CONFIG with code ENOENT.
 */
char *cfg_file_read(const char *, size_t *, int *, struct pt_error *);
/* Checks one raw line: length, NUL, UTF-8.  Same error convention. */
int cfg_line_check(const char *, size_t, struct pt_error *);

/* account.c */
struct cfg_acct *cfg_acct_new(const char *);
void cfg_acct_free(struct cfg_acct **);
/* Fills in defaults, checks required keys and security, sets pub. */
int cfg_account_finish(struct cfg_acct *, const char *, int, struct pt_error *);

/* write.c: appends value to buf, quoted when it needs to be. */
int cfg_value_quote(struct pt_buf *, const char *, struct pt_error *);

#endif
