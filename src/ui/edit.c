/*
 * edit.c: the line editor behind every text prompt, as a model: code
 * points, a cursor, history and completion (of a word from a list, and
 * of file paths from the file system).  Keys follow mutt's editor
 * (and readline's): ^A/Home, ^E/End, ^B/Left, ^F/Right, ^D/Delete,
 * Backspace/^H, ^K kill to the end, ^U kill the line, ^W kill a word,
 * Up/Down (^P/^N) history.  Curses only for the KEY_* constants; only
 * path completion touches the file system (it reads one folder).
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "petrel/core.h"

#include "private.h"

static void ui_edit_reserve(struct ui_edit *, size_t);
static void ui_edit_delete(struct ui_edit *, size_t, size_t);
static void ui_edit_history(struct ui_edit *, int);
static int ui_path_cmp(const void *, const void *);
static size_t ui_path_list(const char *, const char *, char ***);

void
ui_hist_init(struct ui_hist *h, size_t max)
{
	memset(h, 0, sizeof *h);
	h->max = max > 0 ? max : 100;
}

void
ui_hist_release(struct ui_hist *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->item[i]);
	free(h->item);
	memset(h, 0, sizeof *h);
}

/* Adds a line, dropping an earlier copy and the oldest beyond max. */
void
ui_hist_add(struct ui_hist *h, const char *s)
{
	size_t i;

	if (*s == '\0')
		return;
	for (i = 0; i < h->n; i++) {
		if (strcmp(h->item[i], s) == 0) {
			free(h->item[i]);
			memmove(&h->item[i], &h->item[i + 1],
			    (h->n - i - 1) * sizeof *h->item);
			h->n--;
			break;
		}
	}
	if (h->n == h->max) {
		free(h->item[0]);
		memmove(&h->item[0], &h->item[1], (h->n - 1) * sizeof *h->item);
		h->n--;
	}
	if (h->n == h->cap) {
		h->cap = h->cap == 0 ? 16 : h->cap * 2;
		h->item = pt_xreallocarray(h->item, h->cap, sizeof *h->item);
	}
	h->item[h->n++] = pt_xstrdup(s);
}

static void
ui_edit_reserve(struct ui_edit *e, size_t n)
{
	if (n <= e->cap)
		return;
	e->cap = n + 32;
	e->cp = pt_xreallocarray(e->cp, e->cap, sizeof *e->cp);
}

void
ui_edit_init(struct ui_edit *e, const char *text, struct ui_hist *h)
{
	memset(e, 0, sizeof *e);
	e->hist = h;
	e->hpos = h != NULL ? h->n : 0;
	ui_edit_set(e, text != NULL ? text : "");
}

void
ui_edit_release(struct ui_edit *e)
{
	free(e->cp);
	free(e->saved);
	memset(e, 0, sizeof *e);
}

void
ui_edit_set(struct ui_edit *e, const char *s)
{
	size_t len = strlen(s);
	uint32_t cp;

	e->len = e->pos = 0;
	while (len > 0) {
		size_t n = pt_utf8_decode(s, len, &cp);
		if (cp == PT_UTF8_INVALID)
			cp = 0xFFFD;
		ui_edit_insert(e, cp);
		s += n;
		len -= n;
	}
	e->pos = e->len;
}

char *
ui_edit_text(const struct ui_edit *e)
{
	char *s = pt_xmalloc(e->len * 4 + 1), *p = s;
	size_t i;

	for (i = 0; i < e->len; i++)
		p += pt_utf8_encode(e->cp[i], p);
	*p = '\0';
	return s;
}

void
ui_edit_insert(struct ui_edit *e, uint32_t cp)
{
	ui_edit_reserve(e, e->len + 1);
	memmove(&e->cp[e->pos + 1], &e->cp[e->pos],
	    (e->len - e->pos) * sizeof *e->cp);
	e->cp[e->pos++] = cp;
	e->len++;
}

static void
ui_edit_delete(struct ui_edit *e, size_t from, size_t to)
{
	if (to > e->len)
		to = e->len;
	if (from >= to)
		return;
	memmove(&e->cp[from], &e->cp[to], (e->len - to) * sizeof *e->cp);
	e->len -= to - from;
	if (e->pos > to)
		e->pos -= to - from;
	else if (e->pos > from)
		e->pos = from;
}

static void
ui_edit_history(struct ui_edit *e, int dir)
{
	struct ui_hist *h = e->hist;

	if (h == NULL || h->n == 0)
		return;
	if (dir < 0 && e->hpos == 0)
		return;
	if (dir > 0 && e->hpos >= h->n)
		return;
	if (e->hpos == h->n) {
		free(e->saved);
		e->saved = ui_edit_text(e);
	}
	e->hpos = (size_t)((long)e->hpos + dir);
	ui_edit_set(e, e->hpos == h->n ? (e->saved != NULL ? e->saved : "")
				       : h->item[e->hpos]);
}

int
ui_edit_key(struct ui_edit *e, uint32_t key)
{
	size_t i;

	switch (key) {
	case 1: /* ^A */
	case UI_KEY_FN | KEY_HOME:
		e->pos = 0;
		return 1;
	case 5: /* ^E */
	case UI_KEY_FN | KEY_END:
		e->pos = e->len;
		return 1;
	case 2: /* ^B */
	case UI_KEY_FN | KEY_LEFT:
		if (e->pos > 0)
			e->pos--;
		return 1;
	case 6: /* ^F */
	case UI_KEY_FN | KEY_RIGHT:
		if (e->pos < e->len)
			e->pos++;
		return 1;
	case 4: /* ^D */
	case UI_KEY_FN | KEY_DC:
		ui_edit_delete(e, e->pos, e->pos + 1);
		return 1;
	case 8: /* ^H */
	case 127:
	case UI_KEY_FN | KEY_BACKSPACE:
		if (e->pos > 0)
			ui_edit_delete(e, e->pos - 1, e->pos);
		return 1;
	case 11: /* ^K */
		ui_edit_delete(e, e->pos, e->len);
		return 1;
	case 21: /* ^U */
		ui_edit_delete(e, 0, e->len);
		return 1;
	case 23: /* ^W: back over spaces, then over the word */
		i = e->pos;
		while (i > 0 && e->cp[i - 1] == ' ')
			i--;
		while (i > 0 && e->cp[i - 1] != ' ' && e->cp[i - 1] != '/')
			i--;
		if (i == e->pos && i > 0)
			i--;
		ui_edit_delete(e, i, e->pos);
		return 1;
	case 16: /* ^P */
	case UI_KEY_FN | KEY_UP:
		ui_edit_history(e, -1);
		return 1;
	case 14: /* ^N */
	case UI_KEY_FN | KEY_DOWN:
		ui_edit_history(e, 1);
		return 1;
	default:
		if (!(key & (UI_KEY_FN | UI_KEY_META)) && key >= 32 &&
		    key != 127 && key <= 0x10FFFF) {
			ui_edit_insert(e, key);
			return 1;
		}
		return 0;
	}
}

size_t
ui_edit_scroll(struct ui_edit *e, size_t width)
{
	if (e->pos < e->scroll)
		e->scroll = e->pos;
	for (;;) {
		char enc[4];
		size_t col = 0, i;

		for (i = e->scroll; i < e->pos; i++) {
			size_t n = pt_utf8_encode(e->cp[i], enc);

			col += ui_text_width(enc, n);
		}
		if (col < width || e->scroll >= e->pos)
			return col;
		e->scroll++;
	}
}

size_t
ui_edit_complete(struct ui_edit *e, const char *const *cands, size_t n)
{
	struct ui_edit pre = *e;
	const char *first = NULL;
	size_t i, matches = 0, common = 0, tlen;
	char *text;
	uint32_t cp;

	/* The word is the whole line up to the cursor: folder names may
	 * hold spaces. */
	pre.len = e->pos;
	text = ui_edit_text(&pre);
	tlen = strlen(text);
	for (i = 0; i < n; i++) {
		size_t k;

		if (strncmp(cands[i], text, tlen) != 0)
			continue;
		matches++;
		if (first == NULL) {
			first = cands[i];
			common = strlen(first);
			continue;
		}
		for (k = tlen; k < common && cands[i][k] == first[k]; k++)
			;
		common = k;
	}
	if (first != NULL && common > tlen) {
		/* Back to a character boundary. */
		while (common > tlen &&
		       ((unsigned char)first[common] & 0xC0) == 0x80)
			common--;
		for (i = tlen; i < common;) {
			size_t used =
			    pt_utf8_decode(first + i, common - i, &cp);

			ui_edit_insert(e, cp == PT_UTF8_INVALID ? 0xFFFD : cp);
			i += used;
		}
	}
	free(text);
	return matches;
}

char *
ui_path_expand(const char *path, const char *home)
{
	if (home != NULL && *home != '\0' && path[0] == '~' &&
	    (path[1] == '/' || path[1] == '\0'))
		return pt_xasprintf("%s%s", home, path + 1);
	return pt_xstrdup(path);
}

static int
ui_path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The names in dir starting with base (sorted, directories ending in
 * '/'), as ui_edit_complete_path offers them.  Returns how many.
 */
static size_t
ui_path_list(const char *dir, const char *base, char ***out)
{
	size_t n = 0, cap = 0, blen = strlen(base);
	const struct dirent *de;
	char **names = NULL;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		*out = NULL;
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat sb;
		char *full, *san;
		int odd;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strncmp(de->d_name, base, blen) != 0 ||
		    (de->d_name[0] == '.' && base[0] != '.'))
			continue;
		/* A name that would not show as it is (control characters,
		 * bad UTF-8) is not offered. */
		san = pt_sanitize_line(de->d_name, strlen(de->d_name));
		odd = strcmp(san, de->d_name) != 0;
		free(san);
		if (odd)
			continue;
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			names = pt_xreallocarray(names, cap, sizeof *names);
		}
		full = pt_xasprintf("%s/%s", dir, de->d_name);
		names[n++] = stat(full, &sb) == 0 && S_ISDIR(sb.st_mode)
				 ? pt_xasprintf("%s/", de->d_name)
				 : pt_xstrdup(de->d_name);
		free(full);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, ui_path_cmp);
	*out = names;
	return n;
}

size_t
ui_edit_complete_path(struct ui_edit *e, const char *home, char ***out)
{
	struct ui_edit pre = *e;
	char *text, *dirpart, *dir, **names;
	const char *slash, *base;
	size_t n, blen, i, common = 0;

	pre.len = e->pos;
	text = ui_edit_text(&pre);
	slash = strrchr(text, '/');
	base = slash != NULL ? slash + 1 : text;
	/* What was typed before the name ("~/doc/"), and where that is. */
	dirpart = pt_xstrndup(text, (size_t)(base - text));
	if (strcmp(text, "~") == 0) {
		/* "~" alone is the home folder. */
		free(dirpart);
		dirpart = pt_xstrdup("~/");
		base = "";
	}
	blen = strlen(base);
	dir =
	    *dirpart != '\0' ? ui_path_expand(dirpart, home) : pt_xstrdup(".");
	n = ui_path_list(dir, base, &names);
	if (n > 0) {
		common = strlen(names[0]);
		for (i = 1; i < n; i++) {
			size_t k;

			for (k = 0; k < common && names[i][k] == names[0][k];
			     k++)
				;
			common = k;
		}
		/* Back to a character boundary. */
		while (common > blen &&
		       ((unsigned char)names[0][common] & 0xC0) == 0x80)
			common--;
	}
	if (n > 0 && (common > blen || strcmp(text, "~") == 0)) {
		/* The line becomes dirpart + common, then what followed. */
		struct ui_edit tail = *e;
		char *rest, *line;
		size_t pos;

		tail.cp += e->pos;
		tail.len -= e->pos;
		rest = ui_edit_text(&tail);
		line = pt_xasprintf("%s%.*s", dirpart, (int)common, names[0]);
		ui_edit_set(e, line);
		pos = e->pos;
		for (i = 0; rest[i] != '\0';) {
			uint32_t cp;

			i += pt_utf8_decode(rest + i, strlen(rest + i), &cp);
			ui_edit_insert(e, cp == PT_UTF8_INVALID ? 0xFFFD : cp);
		}
		e->pos = pos;
		free(line);
		free(rest);
	}
	free(dir);
	free(dirpart);
	free(text);
	*out = names;
	return n;
}
