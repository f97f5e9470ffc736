/*
 * providers.c: the provider presets of the setup wizard.
 *
 * data/providers.conf (its top comment documents the format) is parsed
 * strictly: an unknown key, a repeated key, a bad port, an unknown note
 * or a domain claimed twice stops the load with file:line, so a mistake
 * in the data can never silently pre-fill wrong settings.  The notes'
 * texts live here, keyed by ID, so that gettext translates them.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/config.h"
#include "petrel/core.h"

#include "private.h"

struct setup_parser {
	struct setup_providers *ps;
	size_t first;               /* the first provider of this file */
	struct setup_provider *cur; /* the current section, or NULL */
	int cur_line;
	unsigned seen; /* keys seen in the current section */
	const char *file;
	int line;
};

/* Bits of setup_parser.seen. */
#define SEEN_NAME     0x01
#define SEEN_DOMAINS  0x02
#define SEEN_IMAP     0x04
#define SEEN_SMTP     0x08
#define SEEN_USERNAME 0x10
#define SEEN_HINT     0x20
#define SEEN_URL      0x40
#define SEEN_MANUAL   0x80

static const struct {
	const char *id;
	const char *text;
} setup_notes[SETUP_NOTE_COUNT] = {
    [SETUP_NOTE_EMAIL_PASSWORD] = {"email-password",
	N_("Use your email password: it is not your My CenturyLink account "
	   "password.")},
    [SETUP_NOTE_LOCKOUT] = {"lockout",
	N_("Too many failed logins lock the account for 24 hours, so petrel "
	   "stops after three.")},
    [SETUP_NOTE_APP_PASSWORD] = {"app-password",
	N_("This provider needs an app password (made in your account's "
	   "security settings, usually with two-step verification on), not "
	   "your normal password.")},
    [SETUP_NOTE_APP_PASSWORD_2FA] = {"app-password-2fa",
	N_("If two-step verification is on, use an app password instead of "
	   "your normal password.")},
    [SETUP_NOTE_OAUTH2] = {"oauth2",
	N_("This provider requires OAuth2 sign-in: a password login will "
	   "probably be refused.  Give petrel a command that prints an "
	   "access token (e.g. oama access ADDRESS) on the password screen; "
	   "it becomes oauth_token_command, see petrelrc(5).")},
    [SETUP_NOTE_ENABLE_IMAP] = {"enable-imap",
	N_("IMAP access must be switched on first, in the settings of the "
	   "provider's web mail.")},
    [SETUP_NOTE_THIRD_PARTY] = {"third-party-access",
	N_("Turn on \"third-party email access\" in your Xfinity account "
	   "settings first.")},
    [SETUP_NOTE_SECURE_MAIL_KEY] = {"secure-mail-key",
	N_("Use a secure mail key from your AT&T account profile instead of "
	   "your password.")},
    [SETUP_NOTE_VERIZON_AOL] = {"verizon-aol",
	N_("Verizon mail moved to AOL: it uses AOL's servers and an AOL app "
	   "password.")},
    [SETUP_NOTE_BRIDGE] = {"bridge",
	N_("Proton Mail Bridge must be running on this computer. Use the "
	   "password Bridge shows, not your Proton password; Bridge has its "
	   "own certificate, which you will be asked to trust.")},
    [SETUP_NOTE_BUSINESS] = {"business-hosting",
	N_("This is business mail hosted separately: enter the settings your "
	   "administrator or the provider's business help gave you.")},
};

static int setup_parse_line(struct setup_parser *, char *, struct pt_error *);
static int setup_parse_section(struct setup_parser *, char *,
    struct pt_error *);
static int setup_parse_key(struct setup_parser *, const char *, char *,
    struct pt_error *);
static int setup_parse_end(struct setup_parser *, struct pt_error *);
static int setup_parse_server(struct setup_parser *, struct setup_server *,
    char *, struct pt_error *);
static int setup_parse_words(struct setup_parser *, char ***, size_t *, char *,
    int, struct pt_error *);
static int setup_parse_fail(struct setup_parser *, struct pt_error *,
    const char *, ...) PT_PRINTF(3, 4);
static const struct setup_provider *
setup_parse_owner(const struct setup_parser *, const char *);
static char *setup_trim(char *);
static char *setup_next_word(char **);
static int setup_id_valid(const char *);
static void setup_provider_release(struct setup_provider *);

const char *
setup_note_text(enum setup_note n)
{
	if ((unsigned)n >= SETUP_NOTE_COUNT)
		return "";
	return _(setup_notes[n].text);
}

void
setup_provider_notes(const struct setup_provider *p,
    void (*say)(void *, const char *), void *arg)
{
	int n;

	for (n = 0; n < SETUP_NOTE_COUNT; n++)
		if (p->notes & (1u << n))
			say(arg, setup_note_text((enum setup_note)n));
	if (p->hint != NULL)
		say(arg, p->hint);
}

const char *
setup_note_id(enum setup_note n)
{
	if ((unsigned)n >= SETUP_NOTE_COUNT)
		return "";
	return setup_notes[n].id;
}

void
setup_lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

int
setup_security_parse(const char *s)
{
	if (strcmp(s, "tls") == 0)
		return CFG_SEC_TLS;
	if (strcmp(s, "starttls") == 0)
		return CFG_SEC_STARTTLS;
	return -1;
}

int
setup_host_valid(const char *s)
{
	size_t len = strlen(s), label = 0, i;

	if (len == 0 || len >= SETUP_HOST_MAX || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
		if (++label > 63)
			return 0;
	}
	return 1;
}

static int
setup_id_valid(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			(*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
			*s == '.'))
			return 0;
	return 1;
}

void
setup_providers_init(struct setup_providers *ps)
{
	ps->v = NULL;
	ps->n = 0;
}

static void
setup_provider_release(struct setup_provider *p)
{
	size_t i;

	free(p->id);
	free(p->name);
	for (i = 0; i < p->ndomains; i++)
		free(p->domains[i]);
	free(p->domains);
	for (i = 0; i < p->nmx; i++)
		free(p->mx[i]);
	free(p->mx);
	free(p->hint);
	free(p->url);
	memset(p, 0, sizeof *p);
}

void
setup_providers_release(struct setup_providers *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		setup_provider_release(&ps->v[i]);
	free(ps->v);
	setup_providers_init(ps);
}

static int
setup_parse_fail(struct setup_parser *sp, struct pt_error *err, const char *fmt,
    ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return pt_error_set(err, PT_E_CONFIG, 0, "%s:%d: %s", sp->file,
	    sp->line, msg);
}

static char *
setup_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Cuts the next blank-separated word off *sp; NULL at the end. */
static char *
setup_next_word(char **sp)
{
	char *s = *sp, *w;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0') {
		*sp = s;
		return NULL;
	}
	w = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*sp = s;
	return w;
}

int
setup_providers_parse(struct setup_providers *ps, const char *text, size_t len,
    const char *name, struct pt_error *err)
{
	struct setup_parser sp;
	const char *p = text, *end = text + len, *nl;
	char line[SETUP_PROVIDERS_LINE_MAX + 1];
	size_t n, keep = ps->n;

	memset(&sp, 0, sizeof sp);
	sp.ps = ps;
	sp.first = ps->n;
	sp.file = name;
	if (len > SETUP_PROVIDERS_FILE_MAX || memchr(text, '\0', len) != NULL)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("%s: not a providers file (too large, or binary)"), name);
	while (p < end) {
		sp.line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (nl != NULL ? (size_t)(nl - p) : (size_t)(end - p));
		if (n > SETUP_PROVIDERS_LINE_MAX) {
			setup_parse_fail(&sp, err,
			    _("line is longer than %d bytes"),
			    SETUP_PROVIDERS_LINE_MAX);
			goto fail;
		}
		if (!pt_utf8_valid(p, n)) {
			setup_parse_fail(&sp, err,
			    _("line is not valid UTF-8"));
			goto fail;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (setup_parse_line(&sp, line, err) != 0)
			goto fail;
		p += n + (nl != NULL);
	}
	sp.line++;
	if (setup_parse_end(&sp, err) != 0)
		goto fail;
	return 0;
fail:
	while (ps->n > keep)
		setup_provider_release(&ps->v[--ps->n]);
	return -1;
}

static int
setup_parse_line(struct setup_parser *sp, char *line, struct pt_error *err)
{
	char *s = setup_trim(line), *eq, *key;

	if (*s == '\0' || *s == '#')
		return 0;
	if (*s == '[')
		return setup_parse_section(sp, s, err);
	if ((eq = strchr(s, '=')) == NULL)
		return setup_parse_fail(sp, err,
		    _("expected \"key = value\" or \"[provider ID]\""));
	*eq = '\0';
	key = setup_trim(s);
	if (sp->cur == NULL)
		return setup_parse_fail(sp, err,
		    _("'%s' outside a [provider ID] section"), key);
	return setup_parse_key(sp, key, setup_trim(eq + 1), err);
}

static int
setup_parse_section(struct setup_parser *sp, char *s, struct pt_error *err)
{
	char *close = strchr(s, ']'), *rest, *kind, *id;
	struct setup_provider *p;
	size_t i;

	if (close == NULL || *setup_trim(close + 1) != '\0')
		return setup_parse_fail(sp, err,
		    _("a section header must be \"[provider ID]\""));
	*close = '\0';
	rest = s + 1;
	kind = setup_next_word(&rest);
	id = setup_next_word(&rest);
	if (kind == NULL || strcmp(kind, "provider") != 0 || id == NULL ||
	    setup_next_word(&rest) != NULL)
		return setup_parse_fail(sp, err,
		    _("a section header must be \"[provider ID]\""));
	if (!setup_id_valid(id))
		return setup_parse_fail(sp, err,
		    _("provider ID '%s' may only have letters, digits, '-', "
		      "'_' and '.'"),
		    id);
	for (i = sp->first; i < sp->ps->n; i++)
		if (strcmp(sp->ps->v[i].id, id) == 0)
			return setup_parse_fail(sp, err,
			    _("provider '%s' is defined twice"), id);
	if (setup_parse_end(sp, err) != 0)
		return -1;
	sp->ps->v =
	    pt_xreallocarray(sp->ps->v, sp->ps->n + 1, sizeof *sp->ps->v);
	p = &sp->ps->v[sp->ps->n++];
	memset(p, 0, sizeof *p);
	p->id = pt_xstrdup(id);
	p->userform = SETUP_USER_ADDRESS;
	sp->cur = p;
	sp->cur_line = sp->line;
	sp->seen = 0;
	return 0;
}

/* Checks the section that just ended. */
static int
setup_parse_end(struct setup_parser *sp, struct pt_error *err)
{
	struct setup_provider *p = sp->cur;
	int line = sp->line;

	if (p == NULL)
		return 0;
	sp->cur = NULL;
	sp->line = sp->cur_line;
	if (!(sp->seen & SEEN_NAME))
		setup_parse_fail(sp, err, _("provider '%s' has no name"),
		    p->id);
	else if (!(sp->seen & SEEN_DOMAINS))
		setup_parse_fail(sp, err, _("provider '%s' has no domains"),
		    p->id);
	else if (p->manual && (sp->seen & (SEEN_IMAP | SEEN_SMTP)))
		setup_parse_fail(sp, err,
		    _("provider '%s' is \"manual = yes\" but has servers"),
		    p->id);
	else if (!p->manual && (sp->seen & (SEEN_IMAP | SEEN_SMTP)) !=
				   (SEEN_IMAP | SEEN_SMTP))
		setup_parse_fail(sp, err,
		    _("provider '%s' needs both imap and smtp, or "
		      "\"manual = yes\""),
		    p->id);
	else {
		sp->line = line;
		return 0;
	}
	return -1;
}

static int
setup_parse_key(struct setup_parser *sp, const char *key, char *value,
    struct pt_error *err)
{
	static const struct {
		const char *name;
		unsigned bit; /* 0: may be repeated */
	} keys[] = {
	    {"name", SEEN_NAME},
	    {"domains", 0},
	    {"mx", 0},
	    {"imap", SEEN_IMAP},
	    {"smtp", SEEN_SMTP},
	    {"username", SEEN_USERNAME},
	    {"note", 0},
	    {"hint", SEEN_HINT},
	    {"url", SEEN_URL},
	    {"manual", SEEN_MANUAL},
	};
	struct setup_provider *p = sp->cur;
	size_t i;
	char *w;
	int n;

	for (i = 0; i < PT_NELEM(keys); i++)
		if (strcmp(keys[i].name, key) == 0)
			break;
	if (i == PT_NELEM(keys))
		return setup_parse_fail(sp, err, _("unknown key '%s'"), key);
	if (keys[i].bit != 0 && (sp->seen & keys[i].bit))
		return setup_parse_fail(sp, err,
		    _("'%s' is given twice for provider '%s'"), key, p->id);
	sp->seen |= keys[i].bit;
	if (*value == '\0')
		return setup_parse_fail(sp, err, _("'%s' has no value"), key);

	if (strcmp(key, "name") == 0)
		p->name = pt_xstrdup(value);
	else if (strcmp(key, "hint") == 0)
		p->hint = pt_xstrdup(value);
	else if (strcmp(key, "url") == 0) {
		if (strncmp(value, "https://", 8) != 0 ||
		    strpbrk(value, " \t") != NULL)
			return setup_parse_fail(sp, err,
			    _("url must be one https:// address"));
		p->url = pt_xstrdup(value);
	} else if (strcmp(key, "domains") == 0) {
		sp->seen |= SEEN_DOMAINS;
		return setup_parse_words(sp, &p->domains, &p->ndomains, value,
		    1, err);
	} else if (strcmp(key, "mx") == 0)
		return setup_parse_words(sp, &p->mx, &p->nmx, value, 0, err);
	else if (strcmp(key, "imap") == 0)
		return setup_parse_server(sp, &p->imap, value, err);
	else if (strcmp(key, "smtp") == 0)
		return setup_parse_server(sp, &p->smtp, value, err);
	else if (strcmp(key, "username") == 0) {
		if (strcmp(value, "address") == 0)
			p->userform = SETUP_USER_ADDRESS;
		else if (strcmp(value, "localpart") == 0)
			p->userform = SETUP_USER_LOCALPART;
		else
			return setup_parse_fail(sp, err,
			    _("username must be \"address\" or "
			      "\"localpart\", not '%s'"),
			    value);
	} else if (strcmp(key, "manual") == 0) {
		if (strcmp(value, "yes") == 0)
			p->manual = 1;
		else if (strcmp(value, "no") != 0)
			return setup_parse_fail(sp, err,
			    _("manual must be \"yes\" or \"no\""));
	} else if (strcmp(key, "note") == 0) {
		while ((w = setup_next_word(&value)) != NULL) {
			for (n = 0; n < SETUP_NOTE_COUNT; n++)
				if (strcmp(setup_notes[n].id, w) == 0)
					break;
			if (n == SETUP_NOTE_COUNT)
				return setup_parse_fail(sp, err,
				    _("unknown note '%s'"), w);
			p->notes |= 1u << n;
		}
	}
	return 0;
}

/* "HOST PORT SECURITY" */
static int
setup_parse_server(struct setup_parser *sp, struct setup_server *srv,
    char *value, struct pt_error *err)
{
	char *host, *port, *sec, *end;
	long n;
	int s;

	host = setup_next_word(&value);
	port = setup_next_word(&value);
	sec = setup_next_word(&value);
	if (host == NULL || port == NULL || sec == NULL ||
	    setup_next_word(&value) != NULL)
		return setup_parse_fail(sp, err,
		    _("a server must be \"HOST PORT tls|starttls\""));
	if (!setup_host_valid(host))
		return setup_parse_fail(sp, err, _("'%s' is not a host name"),
		    host);
	errno = 0;
	n = strtol(port, &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 || n > 65535)
		return setup_parse_fail(sp, err,
		    _("port '%s' is not a number from 1 to 65535"), port);
	if ((s = setup_security_parse(sec)) < 0)
		return setup_parse_fail(sp, err,
		    _("security must be \"tls\" or \"starttls\", not '%s'"),
		    sec);
	pt_strlcpy(srv->host, host, sizeof srv->host);
	setup_lower(srv->host);
	srv->port = (int)n;
	srv->security = (enum cfg_security)s;
	return 0;
}

static int
setup_parse_words(struct setup_parser *sp, char ***vp, size_t *np, char *value,
    int unique, struct pt_error *err)
{
	char *w;
	size_t i;

	while ((w = setup_next_word(&value)) != NULL) {
		const struct setup_provider *other;

		setup_lower(w);
		if (!setup_host_valid(w) || strchr(w, '.') == NULL)
			return setup_parse_fail(sp, err,
			    _("'%s' is not a domain name"), w);
		if (unique && (other = setup_parse_owner(sp, w)) != NULL)
			return setup_parse_fail(sp, err,
			    _("domain '%s' already belongs to provider '%s'"),
			    w, other->id);
		for (i = 0; i < *np; i++)
			if (strcmp((*vp)[i], w) == 0)
				return setup_parse_fail(sp, err,
				    _("'%s' is listed twice"), w);
		*vp = pt_xreallocarray(*vp, *np + 1, sizeof **vp);
		(*vp)[(*np)++] = pt_xstrdup(w);
	}
	return 0;
}

/* The provider of this file that already lists domain, or NULL. */
static const struct setup_provider *
setup_parse_owner(const struct setup_parser *sp, const char *domain)
{
	size_t i, j;

	for (i = sp->first; i < sp->ps->n; i++)
		for (j = 0; j < sp->ps->v[i].ndomains; j++)
			if (strcmp(sp->ps->v[i].domains[j], domain) == 0)
				return &sp->ps->v[i];
	return NULL;
}

const struct setup_provider *
setup_providers_find(const struct setup_providers *ps, const char *domain)
{
	size_t i, j;

	for (i = 0; i < ps->n; i++)
		for (j = 0; j < ps->v[i].ndomains; j++)
			if (strcasecmp(ps->v[i].domains[j], domain) == 0)
				return &ps->v[i];
	return NULL;
}

const struct setup_provider *
setup_providers_find_mx(const struct setup_providers *ps, const char *mx)
{
	size_t i, j, mlen = strlen(mx), slen;

	/* "aspmx.l.google.com." and "aspmx.l.google.com" are the same. */
	if (mlen > 0 && mx[mlen - 1] == '.')
		mlen--;
	for (i = 0; i < ps->n; i++)
		for (j = 0; j < ps->v[i].nmx; j++) {
			slen = strlen(ps->v[i].mx[j]);
			if (slen > mlen || strncasecmp(mx + mlen - slen,
					       ps->v[i].mx[j], slen) != 0)
				continue;
			if (slen == mlen || mx[mlen - slen - 1] == '.')
				return &ps->v[i];
		}
	return NULL;
}

int
setup_providers_read(struct setup_providers *ps, const char *path,
    struct pt_error *err)
{
	char *text;
	size_t len;
	int rc;

	if ((text = pt_file_read(path, SETUP_PROVIDERS_FILE_MAX + 1, &len,
		 err)) == NULL)
		return -1;
	rc = setup_providers_parse(ps, text, len, path, err);
	free(text);
	return rc;
}

char *
setup_providers_path(void)
{
	const char *dir = getenv("PETREL_DATADIR");

	if (dir == NULL || *dir == '\0')
		dir = PKGDATADIR;
	return pt_xasprintf("%s/providers.conf", dir);
}

int
setup_providers_load(struct setup_providers *ps, struct pt_error *err)
{
	char *path;
	int rc;

	path = pt_xdg_path(PT_XDG_CONFIG, "providers.conf");
	rc = setup_providers_read(ps, path, err);
	free(path);
	if (rc != 0 &&
	    !(err != NULL && err->class == PT_E_IO && err->code == ENOENT))
		return -1;
	path = setup_providers_path();
	rc = setup_providers_read(ps, path, err);
	free(path);
	return rc;
}
