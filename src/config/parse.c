/*
 * parse.c: reading the configuration file into a struct cfg.
 *
 * The file is read whole (at most CFG_FILE_MAX bytes) and cut into
 * lines.  Each line is checked (length, NUL, UTF-8), split by
 * cfg_line_lex into a section header or key = value, and the value is
 * checked against the option table.  The first problem stops the load
 * with a message that names file:line.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"

#include "private.h"

struct cfg_parser {
	struct cfg *cfg;
	const char *file;
	int insecure;            /* the file is open to group or others */
	const char *section;     /* the current section, or NULL */
	struct cfg_values *vals; /* where its keys go */
	struct cfg_acct *acct;   /* the current account, or NULL */
	int acct_line;           /* the line of its [account NAME] */
	char secname[128];       /* "ui" or "account NAME", for messages */
};

static int cfg_isblank(char);
static int cfg_lex_section(const char *, size_t, size_t, struct cfg_line *,
    struct pt_error *);
static int cfg_lex_key(const char *, size_t, size_t, struct cfg_line *,
    struct pt_error *);
static int cfg_lex_quoted(const char *, size_t, size_t, struct cfg_line *,
    struct pt_error *);
static int cfg_parse_text(struct cfg *, const char *, const char *, size_t, int,
    struct pt_error *);
static int cfg_parse_line(struct cfg_parser *, const char *, size_t, int,
    struct pt_error *);
static int cfg_parse_section(struct cfg_parser *, const struct cfg_line *, int,
    struct pt_error *);
static int cfg_parse_key(struct cfg_parser *, const struct cfg_line *, int,
    struct pt_error *);
static int cfg_parse_end_section(struct cfg_parser *, struct pt_error *);
static char *cfg_expand_tilde(const char *);

static int
cfg_isblank(char c)
{
	return c == ' ' || c == '\t';
}

int
cfg_line_check(const char *s, size_t len, struct pt_error *err)
{
	if (len > CFG_LINE_MAX)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("line is longer than %d bytes"), CFG_LINE_MAX);
	if (memchr(s, '\0', len) != NULL)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("line contains a NUL byte"));
	if (!pt_utf8_valid(s, len))
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("line is not valid UTF-8"));
	return 0;
}

int
cfg_line_lex(const char *s, size_t len, struct cfg_line *l,
    struct pt_error *err)
{
	size_t i;

	memset(l, 0, sizeof *l);
	if (len > 0 && s[len - 1] == '\r')
		len--;
	for (i = 0; i < len && cfg_isblank(s[i]); i++)
		;
	l->indent = i;
	if (i == len) {
		l->kind = CFG_LINE_BLANK;
		return 0;
	}
	if (s[i] == '#' || s[i] == ';') {
		l->kind = CFG_LINE_COMMENT;
		return 0;
	}
	if (s[i] == '[')
		return cfg_lex_section(s, len, i, l, err);
	return cfg_lex_key(s, len, i, l, err);
}

void
cfg_line_release(struct cfg_line *l)
{
	free(l->section);
	free(l->arg);
	free(l->key);
	if (l->value != NULL) {
		/* It may be a password. */
		pt_secret_free_str(l->value);
	}
	memset(l, 0, sizeof *l);
}

/* "[name]" or "[name arg]", then maybe a comment. */
static int
cfg_lex_section(const char *s, size_t len, size_t i, struct cfg_line *l,
    struct pt_error *err)
{
	const char *close;
	size_t k, start, end, w;

	close = memchr(s + i, ']', len - i);
	if (close == NULL)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("missing ']' after the section name"));
	for (k = (size_t)(close - s) + 1; k < len && cfg_isblank(s[k]); k++)
		;
	if (k < len) {
		if (s[k] != '#')
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("unexpected text after ']'"));
		l->comment = k;
	}
	start = i + 1;
	end = (size_t)(close - s);
	while (start < end && cfg_isblank(s[start]))
		start++;
	while (end > start && cfg_isblank(s[end - 1]))
		end--;
	if (start == end)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("empty section name"));
	for (w = start; w < end && !cfg_isblank(s[w]); w++)
		;
	l->kind = CFG_LINE_SECTION;
	l->section = pt_xstrndup(s + start, w - start);
	while (w < end && cfg_isblank(s[w]))
		w++;
	if (w < end)
		l->arg = pt_xstrndup(s + w, end - w);
	return 0;
}

/* "key = value", "key = \"value\"", then maybe a comment. */
static int
cfg_lex_key(const char *s, size_t len, size_t i, struct cfg_line *l,
    struct pt_error *err)
{
	size_t j, k, end;

	for (j = i; j < len && !cfg_isblank(s[j]) && s[j] != '='; j++)
		;
	if (j == i)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("missing key before '='"));
	for (k = j; k < len && cfg_isblank(s[k]); k++)
		;
	if (k == len || s[k] != '=') {
		char *key = pt_xstrndup(s + i, j - i);

		pt_error_set(err, PT_E_CONFIG, 0,
		    _("expected 'key = value' or '[section]', not '%s'"), key);
		free(key);
		return -1;
	}
	for (k++; k < len && cfg_isblank(s[k]); k++)
		;
	l->kind = CFG_LINE_KEY;
	l->key = pt_xstrndup(s + i, j - i);
	if (k < len && s[k] == '"')
		return cfg_lex_quoted(s, len, k, l, err);

	/* Unquoted: to the end, or to a '#' that follows white space. */
	for (end = k; end < len; end++) {
		if (s[end] == '#' && cfg_isblank(s[end - 1])) {
			l->comment = end;
			break;
		}
	}
	while (end > k && cfg_isblank(s[end - 1]))
		end--;
	l->value = pt_xstrndup(s + k, end - k);
	return 0;
}

static int
cfg_lex_quoted(const char *s, size_t len, size_t k, struct cfg_line *l,
    struct pt_error *err)
{
	char *out;
	size_t m, n = 0;

	out = pt_xmalloc(len - k);
	for (m = k + 1; m < len && s[m] != '"'; m++) {
		if (s[m] == '\\') {
			if (m + 1 >= len ||
			    (s[m + 1] != '"' && s[m + 1] != '\\'))
				goto bad_escape;
			m++;
		}
		out[n++] = s[m];
	}
	out[n] = '\0';
	l->value = out;
	if (m == len)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("missing closing quote"));
	for (m++; m < len && cfg_isblank(s[m]); m++)
		;
	if (m < len) {
		if (s[m] != '#')
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("unexpected text after the closing quote"));
		l->comment = m;
	}
	return 0;
bad_escape:
	out[n] = '\0';
	l->value = out;
	return pt_error_set(err, PT_E_CONFIG, 0,
	    _("invalid escape in a quoted value: use \\\" for a quote and "
	      "\\\\ for a backslash"));
}

struct cfg *
cfg_new_empty(void)
{
	struct cfg *cfg;

	cfg = pt_xcalloc(1, sizeof *cfg);
	cfg_values_init(&cfg->globals);
	return cfg;
}

void
cfg_free(struct cfg **cfgp)
{
	struct cfg *cfg;
	size_t i;

	if (cfgp == NULL || *cfgp == NULL)
		return;
	cfg = *cfgp;
	for (i = 0; i < cfg->nacct; i++)
		cfg_acct_free(&cfg->accts[i]);
	free(cfg->accts);
	cfg_values_release(&cfg->globals);
	free(cfg->path);
	free(cfg);
	*cfgp = NULL;
}

const char *
cfg_path(const struct cfg *cfg)
{
	return cfg->path;
}

struct cfg *
cfg_load(const char *path, struct pt_error *err)
{
	struct cfg *cfg;
	char *data, *xdg = NULL;
	size_t len;
	int insecure, rc;

	if (path == NULL)
		path = xdg = pt_xdg_path(PT_XDG_CONFIG, "config");
	data = cfg_file_read(path, &len, &insecure, err);
	if (data == NULL) {
		free(xdg);
		return NULL;
	}
	cfg = cfg_new_empty();
	cfg->path = pt_xstrdup(path);
	free(xdg);
	rc = cfg_parse_text(cfg, cfg->path, data, len, insecure, err);
	explicit_bzero(data, len);
	free(data);
	if (rc != 0)
		cfg_free(&cfg);
	return cfg;
}

struct cfg *
cfg_parse(const char *name, const char *data, size_t len, struct pt_error *err)
{
	struct cfg *cfg;

	cfg = cfg_new_empty();
	cfg->path = pt_xstrdup(name);
	if (cfg_parse_text(cfg, cfg->path, data, len, 0, err) != 0)
		cfg_free(&cfg);
	return cfg;
}

/*
 * Reads the file through one descriptor, so that the mode checked is the
 * mode of the file read.
 */
char *
cfg_file_read(const char *path, size_t *lenp, int *insecurep,
    struct pt_error *err)
{
	struct pt_buf buf;
	struct stat st;
	char chunk[4096], *data;
	ssize_t n;
	int fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		if (errno == ENOENT)
			pt_error_set(err, PT_E_CONFIG, ENOENT,
			    _("no configuration file at '%s'"), path);
		else
			pt_error_set(err, PT_E_IO, errno,
			    _("cannot open '%s': %s"), path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		pt_error_set(err, PT_E_IO, saved, _("cannot read '%s': %s"),
		    path, strerror(saved));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		pt_error_set(err, PT_E_CONFIG, EINVAL,
		    _("cannot read '%s': not a regular file"), path);
		return NULL;
	}
	*insecurep = (st.st_mode & 077) != 0;
	pt_buf_init(&buf, CFG_FILE_MAX);
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			pt_error_set(err, PT_E_IO, saved,
			    _("cannot read '%s': %s"), path, strerror(saved));
			goto fail;
		}
		if (n == 0)
			break;
		if (pt_buf_add(&buf, chunk, (size_t)n, NULL) != 0) {
			pt_error_set(err, PT_E_CONFIG, EFBIG,
			    _("cannot read '%s': larger than %zu bytes"), path,
			    CFG_FILE_MAX);
			goto fail;
		}
	}
	close(fd);
	explicit_bzero(chunk, sizeof chunk);
	data = pt_buf_detach(&buf, lenp);
	pt_buf_release(&buf);
	return data;
fail:
	close(fd);
	explicit_bzero(chunk, sizeof chunk);
	explicit_bzero(buf.data, buf.len);
	pt_buf_release(&buf);
	return NULL;
}

static int
cfg_parse_text(struct cfg *cfg, const char *file, const char *data, size_t len,
    int insecure, struct pt_error *err)
{
	struct cfg_parser p;
	size_t pos = 0;
	int lineno = 1;

	memset(&p, 0, sizeof p);
	p.cfg = cfg;
	p.file = file;
	p.insecure = insecure;

	/* A UTF-8 byte order mark is not part of the first line. */
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - line) : len - pos;

		if (cfg_parse_line(&p, line, n, lineno, err) != 0)
			return -1;
		pos += n + 1;
		lineno++;
	}
	return cfg_parse_end_section(&p, err);
}

static int
cfg_parse_line(struct cfg_parser *p, const char *s, size_t n, int lineno,
    struct pt_error *err)
{
	struct cfg_line l;
	int rc = 0;

	memset(&l, 0, sizeof l);
	if (cfg_line_check(s, n, err) != 0 ||
	    cfg_line_lex(s, n, &l, err) != 0) {
		pt_error_prefix(err, "%s:%d", p->file, lineno);
		cfg_line_release(&l);
		return -1;
	}
	switch (l.kind) {
	case CFG_LINE_BLANK:
	case CFG_LINE_COMMENT:
		break;
	case CFG_LINE_SECTION:
		rc = cfg_parse_section(p, &l, lineno, err);
		break;
	case CFG_LINE_KEY:
		rc = cfg_parse_key(p, &l, lineno, err);
		break;
	}
	cfg_line_release(&l);
	return rc;
}

static int
cfg_parse_section(struct cfg_parser *p, const struct cfg_line *l, int lineno,
    struct pt_error *err)
{
	struct cfg *cfg = p->cfg;
	const char *hint;
	size_t i;

	if (cfg_parse_end_section(p, err) != 0)
		return -1;
	if (strcmp(l->section, CFG_ACCOUNT) == 0) {
		if (l->arg == NULL)
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("%s:%d: missing account name: write "
			      "[account NAME]"),
			    p->file, lineno);
		if (!cfg_account_id_valid(l->arg))
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("%s:%d: invalid account name '%s': use only "
			      "letters, digits, '.', '_' and '-'"),
			    p->file, lineno, l->arg);
		for (i = 0; i < cfg->nacct; i++) {
			if (strcmp(cfg->accts[i]->id, l->arg) == 0)
				return pt_error_set(err, PT_E_CONFIG, 0,
				    _("%s:%d: duplicate account '%s' (first "
				      "defined on line %d)"),
				    p->file, lineno, l->arg,
				    cfg->accts[i]->pub.line);
		}
		p->acct = cfg_acct_new(l->arg);
		p->acct->pub.file = cfg->path;
		p->acct->pub.line = lineno;
		cfg->accts = pt_xreallocarray(cfg->accts, cfg->nacct + 1,
		    sizeof *cfg->accts);
		cfg->accts[cfg->nacct++] = p->acct;
		p->acct_line = lineno;
		p->section = CFG_ACCOUNT;
		p->vals = &p->acct->vals;
		snprintf(p->secname, sizeof p->secname, "%s %s", CFG_ACCOUNT,
		    l->arg);
		return 0;
	}
	if (l->arg == NULL && cfg_section_known(l->section)) {
		/* Point at the table's string, which outlives l. */
		for (i = 0; cfg_defs[i].name != NULL; i++) {
			if (strcmp(cfg_defs[i].section, l->section) == 0) {
				p->section = cfg_defs[i].section;
				break;
			}
		}
		p->vals = &cfg->globals;
		snprintf(p->secname, sizeof p->secname, "%s", l->section);
		return 0;
	}
	hint = cfg_section_suggest(l->section);
	if (hint != NULL && strcmp(hint, CFG_ACCOUNT) == 0)
		hint = "account NAME";
	if (hint != NULL)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("%s:%d: unknown section '[%s%s%s]' (did you mean "
		      "'[%s]'?)"),
		    p->file, lineno, l->section, l->arg != NULL ? " " : "",
		    l->arg != NULL ? l->arg : "", hint);
	return pt_error_set(err, PT_E_CONFIG, 0,
	    _("%s:%d: unknown section '[%s%s%s]'"), p->file, lineno, l->section,
	    l->arg != NULL ? " " : "", l->arg != NULL ? l->arg : "");
}

static int
cfg_parse_key(struct cfg_parser *p, const struct cfg_line *l, int lineno,
    struct pt_error *err)
{
	const struct cfg_def *def;
	char *value, *expanded;
	size_t idx;

	if (p->section == NULL)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("%s:%d: key '%s' is outside any section: put it under "
		      "[ui], [compose], [general] or [account NAME]"),
		    p->file, lineno, l->key);
	def = cfg_def_find(p->section, l->key);
	if (def == NULL) {
		const char *hint = cfg_def_suggest(p->section, l->key);
		if (hint != NULL)
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("%s:%d: unknown key '%s' in [%s] (did you mean "
			      "'%s'?)"),
			    p->file, lineno, l->key, p->secname, hint);
		hint = cfg_def_other_section(p->section, l->key);
		if (hint != NULL)
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("%s:%d: unknown key '%s' in [%s] (it belongs in "
			      "[%s])"),
			    p->file, lineno, l->key, p->secname,
			    strcmp(hint, CFG_ACCOUNT) == 0 ? "account NAME"
							   : hint);
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("%s:%d: unknown key '%s' in [%s]"), p->file, lineno,
		    l->key, p->secname);
	}
	idx = cfg_def_index(def);
	if (p->vals->val[idx] != NULL)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("%s:%d: duplicate key '%s' in [%s] (first set on line "
		      "%d)"),
		    p->file, lineno, l->key, p->secname, p->vals->line[idx]);
	if ((def->flags & CFG_SECRET) && p->insecure)
		return pt_error_set(err, PT_E_CONFIG, EACCES,
		    _("%s:%d: the file holds a password but other users may "
		      "read or change it; make it private with: chmod 600 %s"),
		    p->file, lineno, p->file);
	if (cfg_value_check(def, l->value, &value, err) != 0) {
		pt_error_prefix(err, "%s:%d", p->file, lineno);
		return -1;
	}
	if (def->type == CFG_PATH) {
		expanded = cfg_expand_tilde(value);
		free(value);
		value = expanded;
	}
	p->vals->val[idx] = value;
	p->vals->line[idx] = lineno;
	return 0;
}

/* At a new section or the end of the file: check the account. */
static int
cfg_parse_end_section(struct cfg_parser *p, struct pt_error *err)
{
	struct cfg_acct *acct = p->acct;

	p->acct = NULL;
	p->section = NULL;
	p->vals = NULL;
	if (acct == NULL)
		return 0;
	return cfg_account_finish(acct, p->file, p->acct_line, err);
}

/* "~" and "~/..." are in $HOME. */
static char *
cfg_expand_tilde(const char *path)
{
	const char *home = getenv("HOME");

	if (path[0] != '~' || (path[1] != '/' && path[1] != '\0') ||
	    home == NULL || *home == '\0')
		return pt_xstrdup(path);
	return pt_xasprintf("%s%s", home, path + 1);
}
