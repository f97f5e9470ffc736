/*
 * options.c: the table of every configuration option, lookups in it,
 * value checks by type, and the "did you mean" suggestions.
 *
 * Adding an option is one line in cfg_defs[] (and its entry in
 * man/petrelrc.5).  Account options also need a field in struct
 * cfg_account, filled in by cfg_account_finish in account.c.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "petrel/config.h"
#include "petrel/core.h"

#include "private.h"

static const char *const cfg_security_choices[] = {"tls", "starttls", "none",
    NULL};
static const char *const cfg_sort_choices[] = {"date", "threads", "from",
    "subject", "size", "arrival", NULL};
static const char *const cfg_forward_choices[] = {"inline", "attachment", "ask",
    NULL};
static const char *const cfg_loglevel_choices[] = {"debug", "info", "warn",
    "error", NULL};

#define ACCT CFG_ACCOUNT
#define REQ  CFG_F_REQUIRED

const struct cfg_def cfg_defs[] = {
    /* [account NAME] */
    {ACCT, "name", CFG_STRING, NULL, NULL, 0, 0, 0,
	N_("your name, shown in the From header")},
    {ACCT, "email", CFG_STRING, NULL, NULL, 0, 0, REQ | CFG_F_EMAIL,
	N_("your email address")},
    {ACCT, "username", CFG_STRING, NULL, NULL, 0, 0, 0,
	N_("the login name for IMAP and SMTP (default: the email)")},
    {ACCT, "imap_host", CFG_STRING, NULL, NULL, 0, 0, REQ | CFG_F_HOST,
	N_("the IMAP server")},
    {ACCT, "imap_port", CFG_INT, NULL, NULL, 1, 65535, 0,
	N_("the IMAP port (default: 993 for tls, 143 for starttls)")},
    {ACCT, "imap_security", CFG_ENUM, "tls", cfg_security_choices, 0, 0, 0,
	N_("tls, starttls, or none (only for this machine)")},
    {ACCT, "smtp_host", CFG_STRING, NULL, NULL, 0, 0, REQ | CFG_F_HOST,
	N_("the SMTP submission server")},
    {ACCT, "smtp_port", CFG_INT, NULL, NULL, 1, 65535, 0,
	N_("the SMTP port (default: 465 for tls, 587 for starttls)")},
    {ACCT, "smtp_security", CFG_ENUM, "starttls", cfg_security_choices, 0, 0, 0,
	N_("tls, starttls, or none (only for this machine)")},
    {ACCT, "password", CFG_STRING, NULL, NULL, 0, 0, CFG_SECRET,
	N_("the password (the file must then be private: chmod 600)")},
    {ACCT, "password_command", CFG_STRING, NULL, NULL, 0, 0, 0,
	N_("a shell command that prints the password")},
    {ACCT, "oauth_token_command", CFG_STRING, NULL, NULL, 0, 0, 0,
	N_("a shell command that prints an OAuth2 access token (log in with "
	   "XOAUTH2)")},
    {ACCT, "ca_file", CFG_PATH, NULL, NULL, 0, 0, 0,
	N_("a PEM file of extra trusted certificate authorities")},
    {ACCT, "imap_tls_pin", CFG_STRING, NULL, NULL, 0, 0, CFG_F_PIN,
	N_("the trusted IMAP certificate: sha256:HEX")},
    {ACCT, "smtp_tls_pin", CFG_STRING, NULL, NULL, 0, 0, CFG_F_PIN,
	N_("the trusted SMTP certificate: sha256:HEX")},
    {ACCT, "connect_timeout", CFG_INT, "15", NULL, 1, 600, 0,
	N_("seconds to wait for a connection")},
    {ACCT, "read_timeout", CFG_INT, "60", NULL, 1, 3600, 0,
	N_("seconds to wait for a server's reply")},
    {ACCT, "identities", CFG_STRING, NULL, NULL, 0, 0, 0,
	N_("other From addresses this account's server lets you send as: "
	   "\"Name <addr>, ...\"")},

    /* [ui] */
    {"ui", "sort", CFG_ENUM, "threads", cfg_sort_choices, 0, 0, 0,
	N_("the order of the message index")},
    {"ui", "index_format", CFG_STRING, "%Z %D %-20.20F %s", NULL, 0, 0, 0,
	N_("the format of a line of the message index")},
    {"ui", "date_format", CFG_STRING, "%b %d", NULL, 0, 0, 0,
	N_("the strftime format of dates in the index")},
    {"ui", "sidebar", CFG_BOOL, "no", NULL, 0, 0, 0,
	N_("show the folder list beside the index")},
    {"ui", "color", CFG_BOOL, "yes", NULL, 0, 0, 0,
	N_("use colours when the terminal has them")},
    {"ui", "pager_headers", CFG_STRING, "From To Cc Date Subject", NULL, 0, 0,
	0, N_("the headers shown above a message, in order")},
    {"ui", "sort_reverse", CFG_BOOL, "no", NULL, 0, 0, 0,
	N_("sort the index in reverse (newest first by date)")},
    {"ui", "thread_by_subject", CFG_BOOL, "no", NULL, 0, 0, 0,
	N_("also join threads whose messages share a subject")},
    {"ui", "sidebar_width", CFG_INT, "24", NULL, 10, 80, 0,
	N_("columns of the sidebar")},
    {"ui", "help", CFG_BOOL, "yes", NULL, 0, 0, 0,
	N_("show the line of main keys at the top")},
    {"ui", "prefer_html", CFG_BOOL, "no", NULL, 0, 0, 0,
	N_("show the HTML part of a message that has both")},
    {"ui", "html_mailcap", CFG_BOOL, "yes", NULL, 0, 0, 0,
	N_("show HTML through its mailcap entry (copiousoutput)")},

    /* [keys]: "KEY FUNCTION, KEY FUNCTION ..." per screen */
    {"keys", "generic", CFG_STRING, NULL, NULL, 0, 0, 0,
	N_("key bindings for every screen but the pager")},
    {"keys", "index", CFG_STRING, NULL, NULL, 0, 0, 0,
	N_("key bindings for the message index")},
    {"keys", "pager", CFG_STRING, NULL, NULL, 0, 0, 0,
	N_("key bindings for the pager")},
    {"keys", "folders", CFG_STRING, NULL, NULL, 0, 0, 0,
	N_("key bindings for the folder list")},
    {"keys", "attach", CFG_STRING, NULL, NULL, 0, 0, 0,
	N_("key bindings for the attachment list")},
    {"keys", "compose", CFG_STRING, NULL, NULL, 0, 0, 0,
	N_("key bindings for the compose screen")},

    /* [colors]: "ATTRIBUTES FOREGROUND BACKGROUND" per element */
    {"colors", "normal", CFG_STRING, "", NULL, 0, 0, 0, N_("ordinary text")},
    {"colors", "indicator", CFG_STRING, "reverse", NULL, 0, 0, 0,
	N_("the cursor line")},
    {"colors", "status", CFG_STRING, "reverse", NULL, 0, 0, 0,
	N_("the status and help lines")},
    {"colors", "message", CFG_STRING, "", NULL, 0, 0, 0,
	N_("messages at the bottom")},
    {"colors", "error", CFG_STRING, "bold red", NULL, 0, 0, 0,
	N_("errors at the bottom")},
    {"colors", "prompt", CFG_STRING, "bold", NULL, 0, 0, 0,
	N_("questions at the bottom")},
    {"colors", "tree", CFG_STRING, "magenta", NULL, 0, 0, 0,
	N_("the thread tree in the index")},
    {"colors", "index_new", CFG_STRING, "bold", NULL, 0, 0, 0,
	N_("unread messages in the index")},
    {"colors", "index_flagged", CFG_STRING, "bold red", NULL, 0, 0, 0,
	N_("flagged messages in the index")},
    {"colors", "index_deleted", CFG_STRING, "dim", NULL, 0, 0, 0,
	N_("deleted messages in the index")},
    {"colors", "index_tagged", CFG_STRING, "underline", NULL, 0, 0, 0,
	N_("tagged messages in the index")},
    {"colors", "header", CFG_STRING, "bold", NULL, 0, 0, 0,
	N_("header names in the pager")},
    {"colors", "quoted", CFG_STRING, "green", NULL, 0, 0, 0,
	N_("quoted text, first level")},
    {"colors", "quoted2", CFG_STRING, "cyan", NULL, 0, 0, 0,
	N_("quoted text, second level")},
    {"colors", "quoted3", CFG_STRING, "magenta", NULL, 0, 0, 0,
	N_("quoted text, third level and deeper")},
    {"colors", "signature", CFG_STRING, "dim", NULL, 0, 0, 0,
	N_("the signature below a message")},
    {"colors", "url", CFG_STRING, "underline", NULL, 0, 0, 0,
	N_("links in the pager")},
    {"colors", "search", CFG_STRING, "reverse", NULL, 0, 0, 0,
	N_("search matches in the pager")},
    {"colors", "attachment", CFG_STRING, "bold", NULL, 0, 0, 0,
	N_("attachment lines in the pager")},
    {"colors", "markers", CFG_STRING, "bold", NULL, 0, 0, 0,
	N_("marks such as the '+' of a wrapped line")},
    {"colors", "sidebar_new", CFG_STRING, "bold", NULL, 0, 0, 0,
	N_("sidebar folders with unread mail")},
    {"colors", "sidebar_indicator", CFG_STRING, "reverse", NULL, 0, 0, 0,
	N_("the sidebar's highlighted folder")},

    /* [compose] */
    {"compose", "editor", CFG_STRING, "", NULL, 0, 0, 0,
	N_("the editor command (empty: $VISUAL, $EDITOR, then vi)")},
    {"compose", "signature", CFG_PATH, NULL, NULL, 0, 0, 0,
	N_("a file appended to new messages")},
    {"compose", "quote_prefix", CFG_STRING, "> ", NULL, 0, 0, 0,
	N_("put before each quoted line of a reply")},
    {"compose", "forward", CFG_ENUM, "inline", cfg_forward_choices, 0, 0, 0,
	N_("forward a message inline, as an attachment, or ask")},
    {"compose", "query_command", CFG_STRING, "", NULL, 0, 0, 0,
	N_("a program that looks up addresses, as mutt's (%s: the text)")},

    /* [general] */
    {"general", "log_level", CFG_ENUM, "warn", cfg_loglevel_choices, 0, 0, 0,
	N_("the least important messages written to the log")},

    {NULL, NULL, CFG_STRING, NULL, NULL, 0, 0, 0, NULL}};

#undef ACCT
#undef REQ

static int cfg_check_int(const struct cfg_def *, const char *, char **,
    struct pt_error *);
static int cfg_check_bool(const struct cfg_def *, const char *, char **,
    struct pt_error *);
static int cfg_check_enum(const struct cfg_def *, const char *, char **,
    struct pt_error *);
static int cfg_check_pin(const struct cfg_def *, const char *, char **,
    struct pt_error *);
static int cfg_check_host(const struct cfg_def *, const char *,
    struct pt_error *);
static int cfg_check_email(const struct cfg_def *, const char *,
    struct pt_error *);

size_t
cfg_def_count(void)
{
	size_t n;

	for (n = 0; cfg_defs[n].name != NULL; n++)
		;
	return n;
}

size_t
cfg_def_index(const struct cfg_def *def)
{
	return (size_t)(def - cfg_defs);
}

const struct cfg_def *
cfg_def_find(const char *section, const char *name)
{
	const struct cfg_def *d;

	for (d = cfg_defs; d->name != NULL; d++) {
		if (strcmp(d->section, section) == 0 &&
		    strcmp(d->name, name) == 0)
			return d;
	}
	return NULL;
}

int
cfg_section_known(const char *section)
{
	const struct cfg_def *d;

	for (d = cfg_defs; d->name != NULL; d++) {
		if (strcmp(d->section, section) == 0)
			return 1;
	}
	return 0;
}

/*
 * The optimal string alignment distance (Levenshtein plus transposition
 * of neighbours), ignoring case.  Names are short: longer inputs are
 * cut at 63 bytes.
 */
size_t
cfg_edit_distance(const char *a, const char *b)
{
	size_t d[64][64], la, lb, i, j, cost, v;

	la = strlen(a);
	lb = strlen(b);
	if (la > 63)
		la = 63;
	if (lb > 63)
		lb = 63;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			cost = tolower((unsigned char)a[i - 1]) ==
				       tolower((unsigned char)b[j - 1])
				   ? 0
				   : 1;
			v = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 &&
			    tolower((unsigned char)a[i - 1]) ==
				tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) ==
				tolower((unsigned char)b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

/*
 * Close enough to suggest: at most CFG_DISTANCE_MAX edits, and at most
 * half the length of the longer name, so that "foo" does not suggest
 * "sort" (3 edits) but "iu" suggests "ui" (1).
 */
static int
cfg_close_enough(const char *typed, const char *known, size_t *distp)
{
	size_t dist, la, lb, longer;

	dist = cfg_edit_distance(typed, known);
	la = strlen(typed);
	lb = strlen(known);
	longer = la > lb ? la : lb;
	*distp = dist;
	return dist <= CFG_DISTANCE_MAX && dist * 2 <= longer;
}

const char *
cfg_def_suggest(const char *section, const char *name)
{
	const struct cfg_def *d;
	const char *best = NULL;
	size_t dist, bestdist = (size_t)-1;

	for (d = cfg_defs; d->name != NULL; d++) {
		if (strcmp(d->section, section) != 0)
			continue;
		if (cfg_close_enough(name, d->name, &dist) && dist < bestdist) {
			best = d->name;
			bestdist = dist;
		}
	}
	return best;
}

const char *
cfg_section_suggest(const char *name)
{
	const struct cfg_def *d;
	const char *best = NULL;
	size_t dist, bestdist = (size_t)-1;

	for (d = cfg_defs; d->name != NULL; d++) {
		if (cfg_close_enough(name, d->section, &dist) &&
		    dist < bestdist) {
			best = d->section;
			bestdist = dist;
		}
	}
	return best;
}

const char *
cfg_def_other_section(const char *section, const char *name)
{
	const struct cfg_def *d;

	for (d = cfg_defs; d->name != NULL; d++) {
		if (strcmp(d->section, section) != 0 &&
		    strcmp(d->name, name) == 0)
			return d->section;
	}
	return NULL;
}

int
cfg_account_id_valid(const char *id)
{
	const char *p;

	if (*id == '\0')
		return 0;
	for (p = id; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' &&
		    *p != '-')
			return 0;
	}
	return 1;
}

int
cfg_value_check(const struct cfg_def *def, const char *value, char **out,
    struct pt_error *err)
{
	*out = NULL;
	switch (def->type) {
	case CFG_INT:
		return cfg_check_int(def, value, out, err);
	case CFG_BOOL:
		return cfg_check_bool(def, value, out, err);
	case CFG_ENUM:
		return cfg_check_enum(def, value, out, err);
	case CFG_STRING:
	case CFG_PATH:
		break;
	}
	if (def->flags & CFG_F_PIN)
		return cfg_check_pin(def, value, out, err);
	if ((def->flags & CFG_F_HOST) && cfg_check_host(def, value, err) != 0)
		return -1;
	if ((def->flags & CFG_F_EMAIL) && cfg_check_email(def, value, err) != 0)
		return -1;
	*out = pt_xstrdup(value);
	return 0;
}

static int
cfg_check_int(const struct cfg_def *def, const char *value, char **out,
    struct pt_error *err)
{
	const char *p;
	long v = 0;

	/* Digits only: no sign, no white space, no hex, no overflow. */
	for (p = value; *p != '\0' && p - value < 10; p++) {
		if (!isdigit((unsigned char)*p))
			break;
		v = v * 10 + (*p - '0');
	}
	if (p == value || *p != '\0' || v < def->min || v > def->max)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("invalid value '%s' for '%s': expected a whole number "
		      "from %d to %d"),
		    value, def->name, def->min, def->max);
	*out = pt_xasprintf("%ld", v);
	return 0;
}

static int
cfg_check_bool(const struct cfg_def *def, const char *value, char **out,
    struct pt_error *err)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};
	size_t i;

	for (i = 0; i < PT_NELEM(yes); i++) {
		if (strcasecmp(value, yes[i]) == 0) {
			*out = pt_xstrdup("yes");
			return 0;
		}
		if (strcasecmp(value, no[i]) == 0) {
			*out = pt_xstrdup("no");
			return 0;
		}
	}
	return pt_error_set(err, PT_E_CONFIG, 0,
	    _("invalid value '%s' for '%s': expected yes or no"), value,
	    def->name);
}

static int
cfg_check_enum(const struct cfg_def *def, const char *value, char **out,
    struct pt_error *err)
{
	char list[160];
	size_t i, len = 0;

	for (i = 0; def->enums[i] != NULL; i++) {
		if (strcasecmp(value, def->enums[i]) == 0) {
			*out = pt_xstrdup(def->enums[i]);
			return 0;
		}
	}
	list[0] = '\0';
	for (i = 0; def->enums[i] != NULL && len < sizeof list; i++) {
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
		    i > 0 ? ", " : "", def->enums[i]);
	}
	return pt_error_set(err, PT_E_CONFIG, 0,
	    _("invalid value '%s' for '%s': expected one of %s"), value,
	    def->name, list);
}

/*
 * "sha256:" and 64 hex digits, which may be written in pairs separated
 * by colons (as openssl and gnutls-cli print them).  The result is
 * "sha256:" and 64 lower-case hex digits.
 */
static int
cfg_check_pin(const struct cfg_def *def, const char *value, char **out,
    struct pt_error *err)
{
	static const char prefix[] = "sha256:";
	char hex[65];
	const char *p;
	size_t n = 0;

	if (strncasecmp(value, prefix, sizeof prefix - 1) != 0)
		goto bad;
	for (p = value + sizeof prefix - 1; *p != '\0'; p++) {
		if (*p == ':') {
			/* Only between two bytes. */
			if (n == 0 || n % 2 != 0 || p[-1] == ':' ||
			    p[1] == '\0')
				goto bad;
			continue;
		}
		if (!isxdigit((unsigned char)*p) || n == 64)
			goto bad;
		hex[n++] = (char)tolower((unsigned char)*p);
	}
	if (n != 64)
		goto bad;
	hex[n] = '\0';
	*out = pt_xasprintf("%s%s", prefix, hex);
	return 0;
bad:
	return pt_error_set(err, PT_E_CONFIG, 0,
	    _("invalid value '%s' for '%s': expected 'sha256:' and 64 hex "
	      "digits"),
	    value, def->name);
}

static int
cfg_check_host(const struct cfg_def *def, const char *value,
    struct pt_error *err)
{
	const char *colon;

	if (*value == '\0')
		return 0; /* reported as missing by cfg_account_finish */
	colon = strchr(value, ':');
	/* One colon is host:port; IPv6 addresses have several. */
	if (strpbrk(value, " \t/@") != NULL ||
	    (colon != NULL && strchr(colon + 1, ':') == NULL))
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("invalid value '%s' for '%s': expected a host name "
		      "alone, without a scheme or port"),
		    value, def->name);
	return 0;
}

static int
cfg_check_email(const struct cfg_def *def, const char *value,
    struct pt_error *err)
{
	const char *at;

	if (*value == '\0')
		return 0; /* reported as missing by cfg_account_finish */
	at = strrchr(value, '@');
	if (at == NULL || at == value || at[1] == '\0' ||
	    strpbrk(value, " \t<>") != NULL)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("invalid value '%s' for '%s': expected an address like "
		      "name@example.org"),
		    value, def->name);
	return 0;
}

void
cfg_values_init(struct cfg_values *v)
{
	size_t n = cfg_def_count();

	v->val = pt_xcalloc(n, sizeof *v->val);
	v->line = pt_xcalloc(n, sizeof *v->line);
	v->derived = pt_xcalloc(n, sizeof *v->derived);
}

void
cfg_values_release(struct cfg_values *v)
{
	size_t n = cfg_def_count();

	if (v->val != NULL) {
		size_t i;

		for (i = 0; i < n; i++) {
			if (cfg_defs[i].flags & CFG_SECRET)
				pt_secret_free_str(v->val[i]);
			else
				free(v->val[i]);
		}
	}
	free(v->val);
	free(v->line);
	free(v->derived);
	v->val = NULL;
	v->line = NULL;
	v->derived = NULL;
}
