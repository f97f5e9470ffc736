/*
 * write.c: changing one account in the configuration file.
 *
 * The file is edited as lines: only the key lines of the one account
 * section change, everything else (comments, blank lines, other
 * sections, even lines this version cannot parse) is copied as it was.
 * A replaced key line keeps its indentation and trailing comment.  New
 * keys go after the last key line of the section; a new section goes at
 * the end of the file.  The result is written atomically, mode 0600.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/config.h"
#include "petrel/core.h"

#include "private.h"

/* What to change in [account id]. */
struct cfg_edit {
	const char *id;
	const char *const *keys;
	const char *const *values; /* a NULL value removes the key */
	size_t n;
	int replace; /* drop the section's other keys */
};

struct cfg_span {
	size_t off, len;
};

static int cfg_edit_check(const struct cfg_edit *, struct pt_error *);
static int cfg_edit_file(const char *, const struct cfg_edit *, int,
    struct pt_error *);
static int cfg_edit_apply(const char *, size_t, const struct cfg_edit *, int,
    struct pt_buf *, struct pt_error *);
static int cfg_edit_verify(const char *, const char *, size_t,
    const struct pt_buf *, struct pt_error *);
static size_t cfg_split_lines(const char *, size_t, struct cfg_span **);
static void cfg_lex_span(const char *, const struct cfg_span *, size_t,
    struct cfg_line *);
static int cfg_is_section_of(const struct cfg_line *, const char *);
static long cfg_edit_key_index(const struct cfg_edit *, const char *);
static int cfg_emit_key(struct pt_buf *, const char *, size_t, const char *,
    const char *, const char *, struct pt_error *);
static char *cfg_edit_target(const char *, int *, struct pt_error *);

int
cfg_value_quote(struct pt_buf *b, const char *v, struct pt_error *err)
{
	size_t len = strlen(v);
	const char *p;

	if (len > 0 && strpbrk(v, "#\"") == NULL && v[0] != ' ' &&
	    v[0] != '\t' && v[len - 1] != ' ' && v[len - 1] != '\t')
		return pt_buf_add(b, v, len, err);
	if (pt_buf_addch(b, '"', err) != 0)
		return -1;
	for (p = v; *p != '\0'; p++) {
		if ((*p == '"' || *p == '\\') &&
		    pt_buf_addch(b, '\\', err) != 0)
			return -1;
		if (pt_buf_addch(b, *p, err) != 0)
			return -1;
	}
	return pt_buf_addch(b, '"', err);
}

int
cfg_write_account(const char *path, const char *id, const char *const *keys,
    const char *const *values, size_t n, struct pt_error *err)
{
	struct cfg_edit e;
	size_t i;

	for (i = 0; i < n; i++) {
		if (values[i] == NULL)
			return pt_error_set(err, PT_E_INTERNAL, EINVAL,
			    _("cannot update '%s': no value for '%s'"), path,
			    keys[i]);
	}
	e.id = id;
	e.keys = keys;
	e.values = values;
	e.n = n;
	e.replace = 1;
	return cfg_edit_file(path, &e, 0, err);
}

int
cfg_set_account_key(const char *path, const char *id, const char *key,
    const char *value, struct pt_error *err)
{
	struct cfg_edit e;

	e.id = id;
	e.keys = &key;
	e.values = &value;
	e.n = 1;
	e.replace = 0;
	return cfg_edit_file(path, &e, 1, err);
}

static int
cfg_edit_check(const struct cfg_edit *e, struct pt_error *err)
{
	char *norm;
	size_t i, j;

	if (!cfg_account_id_valid(e->id))
		return pt_error_set(err, PT_E_CONFIG, EINVAL,
		    _("invalid account name '%s': use only letters, digits, "
		      "'.', '_' and '-'"),
		    e->id);
	for (i = 0; i < e->n; i++) {
		const struct cfg_def *def =
		    cfg_def_find(CFG_ACCOUNT, e->keys[i]);
		const char *v = e->values[i];

		if (def == NULL) {
			const char *hint =
			    cfg_def_suggest(CFG_ACCOUNT, e->keys[i]);

			if (hint != NULL)
				return pt_error_set(err, PT_E_CONFIG, EINVAL,
				    _("unknown account key '%s' (did you mean "
				      "'%s'?)"),
				    e->keys[i], hint);
			return pt_error_set(err, PT_E_CONFIG, EINVAL,
			    _("unknown account key '%s'"), e->keys[i]);
		}
		for (j = 0; j < i; j++) {
			if (strcmp(e->keys[j], e->keys[i]) == 0)
				return pt_error_set(err, PT_E_CONFIG, EINVAL,
				    _("key '%s' is given twice"), e->keys[i]);
		}
		if (v == NULL)
			continue;
		if (strpbrk(v, "\r\n") != NULL)
			return pt_error_set(err, PT_E_CONFIG, EINVAL,
			    _("the value of '%s' contains a line break"),
			    def->name);
		if (!pt_utf8_valid(v, strlen(v)))
			return pt_error_set(err, PT_E_CONFIG, EINVAL,
			    _("the value of '%s' is not valid UTF-8"),
			    def->name);
		/* Quoting may double it. */
		if (strlen(def->name) + 2 * strlen(v) + 8 > CFG_LINE_MAX)
			return pt_error_set(err, PT_E_CONFIG, EINVAL,
			    _("the value of '%s' is too long"), def->name);
		if (cfg_value_check(def, v, &norm, err) != 0)
			return -1;
		if (def->flags & CFG_SECRET)
			pt_secret_free_str(norm);
		else
			free(norm);
	}
	return 0;
}

/*
 * The file to write: a symbolic link is followed, so that a config kept
 * elsewhere (in a dotfiles repository) stays a link.  Sets *existsp.
 */
static char *
cfg_edit_target(const char *path, int *existsp, struct pt_error *err)
{
	struct stat st;
	const char *slash;

	*existsp = 0;
	if (lstat(path, &st) == 0) {
		char *real = NULL;

		*existsp = 1;
		if (S_ISLNK(st.st_mode))
			real = realpath(path, NULL);
		return real != NULL ? real : pt_xstrdup(path);
	}
	if (errno != ENOENT) {
		pt_error_set(err, PT_E_IO, errno, _("cannot update '%s': %s"),
		    path, strerror(errno));
		return NULL;
	}
	/* A new file: make its folder, private, if needed. */
	slash = strrchr(path, '/');
	if (slash != NULL && slash != path) {
		char *dir = pt_xstrndup(path, (size_t)(slash - path));
		if (stat(dir, &st) == -1 && pt_mkdir_p(dir, 0700, err) != 0) {
			free(dir);
			return NULL;
		}
		free(dir);
	}
	return pt_xstrdup(path);
}

static int
cfg_edit_file(const char *path, const struct cfg_edit *e, int must_exist,
    struct pt_error *err)
{
	struct pt_buf out;
	char *target, *data = NULL;
	size_t len = 0;
	int exists, insecure, rc;

	if (cfg_edit_check(e, err) != 0) {
		pt_error_prefix(err, _("cannot update '%s'"), path);
		return -1;
	}
	target = cfg_edit_target(path, &exists, err);
	if (target == NULL)
		return -1;
	if (exists || must_exist) {
		data = cfg_file_read(target, &len, &insecure, err);
		if (data == NULL) {
			free(target);
			return -1;
		}
	}
	pt_buf_init(&out, 2 * CFG_FILE_MAX);
	rc = cfg_edit_apply(data != NULL ? data : "", len, e, must_exist, &out,
	    err);
	if (rc == 0)
		rc = cfg_edit_verify(path, data, len, &out, err);
	if (rc != 0)
		pt_error_prefix(err, _("cannot update '%s'"), path);
	else
		rc = pt_file_write_atomic(target, out.data, out.len, 0600, err);
	if (data != NULL) {
		explicit_bzero(data, len);
		free(data);
	}
	explicit_bzero(out.data, out.len);
	pt_buf_release(&out);
	free(target);
	return rc;
}

/*
 * The new text must load, unless the old text did not load either (then
 * the problem is elsewhere and not this edit's).  So the wizard cannot
 * write, say, an account without its host.
 */
static int
cfg_edit_verify(const char *path, const char *before, size_t len,
    const struct pt_buf *after, struct pt_error *err)
{
	struct pt_error perr;
	struct cfg *cfg;

	pt_error_init(&perr);
	cfg = cfg_parse(path, after->data, after->len, &perr);
	if (cfg != NULL) {
		cfg_free(&cfg);
		return 0;
	}
	if (before != NULL) {
		struct pt_error ignored;

		cfg = cfg_parse(path, before, len, &ignored);
		if (cfg == NULL)
			return 0;
		cfg_free(&cfg);
	}
	*err = perr;
	return -1;
}

static size_t
cfg_split_lines(const char *data, size_t len, struct cfg_span **spansp)
{
	struct cfg_span *spans = NULL;
	const char *nl;
	size_t pos = 0, n = 0, alloc = 0;

	while (pos < len) {
		if (n == alloc) {
			alloc = alloc == 0 ? 64 : alloc * 2;
			spans = pt_xreallocarray(spans, alloc, sizeof *spans);
		}
		nl = memchr(data + pos, '\n', len - pos);
		spans[n].off = pos;
		spans[n].len =
		    nl != NULL ? (size_t)(nl - (data + pos)) : len - pos;
		pos += spans[n].len + 1;
		n++;
	}
	*spansp = spans;
	return n;
}

/* Lexes one line; a line that does not lex is treated as a comment. */
static void
cfg_lex_span(const char *data, const struct cfg_span *s, size_t i,
    struct cfg_line *l)
{
	size_t skip = 0;

	memset(l, 0, sizeof *l);
	if (i == 0 && s->len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		skip = 3;
	if (cfg_line_check(data + s->off, s->len, NULL) != 0 ||
	    cfg_line_lex(data + s->off + skip, s->len - skip, l, NULL) != 0) {
		cfg_line_release(l);
		l->kind = CFG_LINE_COMMENT;
	}
	if (skip != 0) {
		l->indent += skip;
		if (l->comment != 0)
			l->comment += skip;
	}
}

static int
cfg_is_section_of(const struct cfg_line *l, const char *id)
{
	return l->kind == CFG_LINE_SECTION &&
	       strcmp(l->section, CFG_ACCOUNT) == 0 && l->arg != NULL &&
	       strcmp(l->arg, id) == 0;
}

static long
cfg_edit_key_index(const struct cfg_edit *e, const char *key)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		if (strcmp(e->keys[i], key) == 0)
			return (long)i;
	}
	return -1;
}

/* indent + "key = value" + comment, and a newline. */
static int
cfg_emit_key(struct pt_buf *out, const char *indent, size_t indentlen,
    const char *key, const char *value, const char *comment,
    struct pt_error *err)
{
	if (pt_buf_add(out, indent, indentlen, err) != 0 ||
	    pt_buf_printf(out, err, "%s = ", key) != 0 ||
	    cfg_value_quote(out, value, err) != 0)
		return -1;
	if (comment != NULL && pt_buf_printf(out, err, " %s", comment) != 0)
		return -1;
	return pt_buf_addch(out, '\n', err);
}

static int
cfg_edit_apply(const char *data, size_t len, const struct cfg_edit *e,
    int must_exist, struct pt_buf *out, struct pt_error *err)
{
	struct cfg_span *spans;
	struct cfg_line l;
	char *done, *comment;
	size_t nlines, i, start = 0, end = 0, last = 0, k;
	long ki;
	int found = 0, rc = -1;

	nlines = cfg_split_lines(data, len, &spans);
	done = pt_xcalloc(e->n + 1, 1);

	/* Find [account id]: its header, its end, its last key line. */
	for (i = 0; i < nlines; i++) {
		cfg_lex_span(data, &spans[i], i, &l);
		if (!found && cfg_is_section_of(&l, e->id)) {
			found = 1;
			start = last = i;
			end = nlines;
		} else if (found && end == nlines && l.kind == CFG_LINE_SECTION)
			end = i;
		else if (found && end == nlines && l.kind == CFG_LINE_KEY)
			last = i;
		cfg_line_release(&l);
	}
	if (!found && must_exist) {
		pt_error_set(err, PT_E_CONFIG, ENOENT,
		    _("no [account %s] section"), e->id);
		goto out;
	}

	for (i = 0; i < nlines; i++) {
		const char *raw = data + spans[i].off;

		cfg_lex_span(data, &spans[i], i, &l);
		if (found && i > start && i < end && l.kind == CFG_LINE_KEY) {
			ki = cfg_edit_key_index(e, l.key);
			if (ki >= 0 && !done[ki] && e->values[ki] != NULL) {
				comment = l.comment != 0
					      ? pt_xstrndup(raw + l.comment,
						    spans[i].len - l.comment)
					      : NULL;
				/* A CRLF line's comment ends in CR. */
				if (comment != NULL && *comment != '\0' &&
				    comment[strlen(comment) - 1] == '\r')
					comment[strlen(comment) - 1] = '\0';
				rc = cfg_emit_key(out, raw, l.indent,
				    e->keys[ki], e->values[ki], comment, err);
				free(comment);
				if (rc != 0)
					goto out_line;
			}
			if (ki >= 0)
				done[ki] = 1;
			/* Drop it unless it is a key we keep. */
			if (ki >= 0 || e->replace)
				goto next;
		}
		if (pt_buf_add(out, raw, spans[i].len, err) != 0 ||
		    pt_buf_addch(out, '\n', err) != 0)
			goto out_line;
	next:
		if (found && i == last) {
			for (k = 0; k < e->n; k++) {
				if (done[k] || e->values[k] == NULL)
					continue;
				done[k] = 1;
				if (cfg_emit_key(out, "", 0, e->keys[k],
					e->values[k], NULL, err) != 0)
					goto out_line;
			}
		}
		cfg_line_release(&l);
	}

	if (!found) {
		/* A new section at the end, after a blank line. */
		if (nlines > 0 && spans[nlines - 1].len > 0 &&
		    pt_buf_addch(out, '\n', err) != 0)
			goto out;
		if (pt_buf_printf(out, err, "[%s %s]\n", CFG_ACCOUNT, e->id) !=
		    0)
			goto out;
		for (k = 0; k < e->n; k++) {
			if (e->values[k] != NULL &&
			    cfg_emit_key(out, "", 0, e->keys[k], e->values[k],
				NULL, err) != 0)
				goto out;
		}
	}
	rc = 0;
	goto out;
out_line:
	cfg_line_release(&l);
	rc = -1;
out:
	free(done);
	free(spans);
	return rc;
}
