/*
 * pattern.c: mutt-style patterns for limit, search and the *-pattern
 * functions.  A pattern is compiled once into a tree and matched against
 * the model's messages.
 *
 *	~A all			~D deleted		~F flagged
 *	~N new (unread)		~U unread		~O old (unread, not
 *recent) ~R read			~Q replied ~T tagged		~X with
 *attachments	~E draft ~f TEXT from		~t TEXT to		~L TEXT
 *from or to ~s TEXT subject		~i TEXT message-id	~x TEXT
 *references ~d RANGE date		~r RANGE received	~z RANGE size ~b
 *TEXT body		~B TEXT whole message	~h TEXT headers
 *
 * Terms are joined by AND; "|" is OR, "!" NOT, parentheses group.  Text
 * may be quoted ("a b" or 'a b'); it matches as a substring, ignoring
 * case unless it has upper-case letters.  A pattern without "~" matches
 * its whole text against From and Subject (mutt's simple search).
 * Ranges: dates "<2w" (younger than), ">1m" (older), "=3d", "DD/MM/YYYY",
 * "DD/MM[/YYYY]-DD/MM[/YYYY]" (either side may be empty), "YYYY-MM-DD"
 * and "YYYY-MM-DD..YYYY-MM-DD"; sizes "<10K", ">1M", "10K-2M".
 *
 * ~b, ~B and ~h need the server (the body is not in the header cache):
 * the index asks the engine to search and hands the answer back with
 * ui_pattern_server_set.  Pure: no curses.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "petrel/core.h"

#include "private.h"

#define UI_PAT_MAX_DEPTH 64
#define UI_PAT_MAX_TERMS 32 /* server terms */

enum ui_pat_kind {
	UI_PAT_AND,
	UI_PAT_OR,
	UI_PAT_NOT,
	UI_PAT_ALL,
	UI_PAT_FLAG, /* (flags & mask) == want */
	UI_PAT_TAGGED,
	UI_PAT_STR,   /* text in one of the fields */
	UI_PAT_DATE,  /* date in [min, max] */
	UI_PAT_RECV,  /* arrival in [min, max] */
	UI_PAT_SIZE,  /* size in [min, max] */
	UI_PAT_SERVER /* uid in the server's answer */
};

#define UI_PAT_F_FROM    0x01
#define UI_PAT_F_TO      0x02
#define UI_PAT_F_SUBJECT 0x04
#define UI_PAT_F_MSGID   0x08
#define UI_PAT_F_REFS    0x10

struct ui_pat_node {
	enum ui_pat_kind kind;
	struct ui_pat_node *a, *b; /* AND, OR: both; NOT: a */
	uint32_t mask, want;       /* FLAG */
	unsigned fields;           /* STR */
	char *text;                /* STR, SERVER */
	int64_t min, max;          /* DATE, RECV, SIZE */
	int server_kind;           /* SERVER: 'b', 'B', 'h' */
	uint32_t *uids;            /* SERVER: sorted answer */
	size_t nuids;
	int have; /* SERVER: the answer came */
};

struct ui_pattern {
	struct ui_pat_node *root;
	struct ui_pat_node *server[UI_PAT_MAX_TERMS];
	size_t nserver;
};

struct ui_pat_parser {
	const char *s;
	time_t now;
	struct ui_pattern *pat;
	struct pt_error *err;
	int depth;
};

static void ui_pat_node_free(struct ui_pat_node *);
static struct ui_pat_node *ui_pat_node_new(enum ui_pat_kind);
static void ui_pat_skip(struct ui_pat_parser *);
static struct ui_pat_node *ui_pat_or(struct ui_pat_parser *);
static struct ui_pat_node *ui_pat_and(struct ui_pat_parser *);
static struct ui_pat_node *ui_pat_not(struct ui_pat_parser *);
static struct ui_pat_node *ui_pat_term(struct ui_pat_parser *);
static char *ui_pat_word(struct ui_pat_parser *);
static int ui_pat_date(struct ui_pat_parser *, const char *, int64_t *,
    int64_t *);
static int ui_pat_one_date(const char *, size_t, time_t, int64_t *, int64_t *);
static int ui_pat_size(const char *, int64_t *, int64_t *);
static int ui_pat_match(const struct ui_pat_node *, const struct ui_msg *);
static int ui_pat_cmp_uid(const void *, const void *);

static struct ui_pat_node *
ui_pat_node_new(enum ui_pat_kind kind)
{
	struct ui_pat_node *n = pt_xcalloc(1, sizeof *n);

	n->kind = kind;
	return n;
}

static void
ui_pat_node_free(struct ui_pat_node *n)
{
	if (n == NULL)
		return;
	ui_pat_node_free(n->a);
	ui_pat_node_free(n->b);
	free(n->text);
	free(n->uids);
	free(n);
}

void
ui_pattern_free(struct ui_pattern **pp)
{
	if (*pp == NULL)
		return;
	ui_pat_node_free((*pp)->root);
	free(*pp);
	*pp = NULL;
}

static void
ui_pat_skip(struct ui_pat_parser *p)
{
	while (*p->s == ' ' || *p->s == '\t')
		p->s++;
}

/* A quoted string or a run of characters up to white space or ')'. */
static char *
ui_pat_word(struct ui_pat_parser *p)
{
	struct pt_buf b;

	ui_pat_skip(p);
	pt_buf_init(&b, 4096);
	if (*p->s == '"' || *p->s == '\'') {
		char q = *p->s++;
		while (*p->s != '\0' && *p->s != q) {
			if (*p->s == '\\' && p->s[1] != '\0')
				p->s++;
			pt_buf_addch(&b, *p->s++, NULL);
		}
		if (*p->s != q) {
			pt_buf_release(&b);
			pt_error_set(p->err, PT_E_CONFIG, 0, "%s",
			    _("missing closing quote"));
			return NULL;
		}
		p->s++;
	} else {
		while (*p->s != '\0' && *p->s != ' ' && *p->s != '\t' &&
		       *p->s != ')') {
			if (*p->s == '\\' && p->s[1] != '\0')
				p->s++;
			pt_buf_addch(&b, *p->s++, NULL);
		}
	}
	if (b.len == 0) {
		pt_buf_release(&b);
		pt_error_set(p->err, PT_E_CONFIG, 0, "%s",
		    _("missing text after the pattern operator"));
		return NULL;
	}
	return pt_buf_detach(&b, NULL);
}

static struct ui_pat_node *
ui_pat_or(struct ui_pat_parser *p)
{
	struct ui_pat_node *l, *r, *n;

	if ((l = ui_pat_and(p)) == NULL)
		return NULL;
	for (;;) {
		ui_pat_skip(p);
		if (*p->s != '|')
			return l;
		p->s++;
		if ((r = ui_pat_and(p)) == NULL) {
			ui_pat_node_free(l);
			return NULL;
		}
		n = ui_pat_node_new(UI_PAT_OR);
		n->a = l;
		n->b = r;
		l = n;
	}
}

static struct ui_pat_node *
ui_pat_and(struct ui_pat_parser *p)
{
	struct ui_pat_node *l = NULL, *r, *n;

	for (;;) {
		ui_pat_skip(p);
		if (*p->s == '\0' || *p->s == '|' || *p->s == ')')
			break;
		if ((r = ui_pat_not(p)) == NULL) {
			ui_pat_node_free(l);
			return NULL;
		}
		if (l == NULL)
			l = r;
		else {
			n = ui_pat_node_new(UI_PAT_AND);
			n->a = l;
			n->b = r;
			l = n;
		}
	}
	if (l == NULL)
		pt_error_set(p->err, PT_E_CONFIG, 0, "%s", _("empty pattern"));
	return l;
}

static struct ui_pat_node *
ui_pat_not(struct ui_pat_parser *p)
{
	struct ui_pat_node *n, *a;

	ui_pat_skip(p);
	if (*p->s == '!') {
		p->s++;
		if ((a = ui_pat_not(p)) == NULL)
			return NULL;
		n = ui_pat_node_new(UI_PAT_NOT);
		n->a = a;
		return n;
	}
	if (*p->s == '(') {
		if (++p->depth > UI_PAT_MAX_DEPTH) {
			pt_error_set(p->err, PT_E_CONFIG, 0, "%s",
			    _("pattern nested too deeply"));
			return NULL;
		}
		p->s++;
		if ((n = ui_pat_or(p)) == NULL)
			return NULL;
		ui_pat_skip(p);
		if (*p->s != ')') {
			ui_pat_node_free(n);
			pt_error_set(p->err, PT_E_CONFIG, 0, "%s",
			    _("missing ')' in the pattern"));
			return NULL;
		}
		p->s++;
		p->depth--;
		return n;
	}
	return ui_pat_term(p);
}

static struct ui_pat_node *
ui_pat_term(struct ui_pat_parser *p)
{
	struct ui_pat_node *n;
	char op, *w;

	if (*p->s != '~') {
		pt_error_set(p->err, PT_E_CONFIG, 0,
		    _("expected a pattern operator such as ~f, not '%.20s'"),
		    p->s);
		return NULL;
	}
	op = p->s[1];
	if (op == '\0') {
		pt_error_set(p->err, PT_E_CONFIG, 0, "%s",
		    _("missing letter after '~'"));
		return NULL;
	}
	p->s += 2;
	switch (op) {
	case 'A':
		return ui_pat_node_new(UI_PAT_ALL);
	case 'D':
	case 'F':
	case 'N':
	case 'U':
	case 'O':
	case 'R':
	case 'Q':
	case 'E':
	case 'X':
		n = ui_pat_node_new(UI_PAT_FLAG);
		switch (op) {
		case 'D':
			n->mask = n->want = UI_F_DELETED;
			break;
		case 'F':
			n->mask = n->want = UI_F_FLAGGED;
			break;
		case 'N':
		case 'U':
			n->mask = UI_F_SEEN;
			break;
		case 'O':
			n->mask = UI_F_SEEN | UI_F_RECENT;
			break;
		case 'R':
			n->mask = n->want = UI_F_SEEN;
			break;
		case 'Q':
			n->mask = n->want = UI_F_ANSWERED;
			break;
		case 'E':
			n->mask = n->want = UI_F_DRAFT;
			break;
		default:
			n->mask = n->want = UI_F_ATTACH;
			break;
		}
		return n;
	case 'T':
		return ui_pat_node_new(UI_PAT_TAGGED);
	case 'f':
	case 'e':
	case 't':
	case 'c':
	case 'C':
	case 'L':
	case 's':
	case 'i':
	case 'x':
		if ((w = ui_pat_word(p)) == NULL)
			return NULL;
		n = ui_pat_node_new(UI_PAT_STR);
		n->text = w;
		n->fields = op == 'f' || op == 'e' ? UI_PAT_F_FROM
			    : op == 't' || op == 'c' || op == 'C' ? UI_PAT_F_TO
			    : op == 'L' ? UI_PAT_F_FROM | UI_PAT_F_TO
			    : op == 's' ? UI_PAT_F_SUBJECT
			    : op == 'i' ? UI_PAT_F_MSGID
					: UI_PAT_F_REFS;
		return n;
	case 'd':
	case 'r':
		if ((w = ui_pat_word(p)) == NULL)
			return NULL;
		n = ui_pat_node_new(op == 'd' ? UI_PAT_DATE : UI_PAT_RECV);
		if (ui_pat_date(p, w, &n->min, &n->max) != 0) {
			free(w);
			ui_pat_node_free(n);
			return NULL;
		}
		free(w);
		return n;
	case 'z':
		if ((w = ui_pat_word(p)) == NULL)
			return NULL;
		n = ui_pat_node_new(UI_PAT_SIZE);
		if (ui_pat_size(w, &n->min, &n->max) != 0) {
			pt_error_set(p->err, PT_E_CONFIG, 0,
			    _("'%s' is not a size range such as <10K or "
			      "1M-5M"),
			    w);
			free(w);
			ui_pat_node_free(n);
			return NULL;
		}
		free(w);
		return n;
	case 'b':
	case 'B':
	case 'h':
		if (p->pat->nserver == UI_PAT_MAX_TERMS) {
			pt_error_set(p->err, PT_E_CONFIG, 0, "%s",
			    _("too many ~b, ~B and ~h terms"));
			return NULL;
		}
		if ((w = ui_pat_word(p)) == NULL)
			return NULL;
		n = ui_pat_node_new(UI_PAT_SERVER);
		n->text = w;
		n->server_kind = op;
		p->pat->server[p->pat->nserver++] = n;
		return n;
	default:
		pt_error_set(p->err, PT_E_CONFIG, 0,
		    _("unknown pattern operator '~%c'"), op);
		return NULL;
	}
}

/* Seconds of n units back from now (calendar months and years). */
static int64_t
ui_pat_back(time_t now, long n, char unit)
{
	struct tm tm;

	switch (unit) {
	case 'S':
		return (int64_t)now - n;
	case 'M':
		return (int64_t)now - n * 60;
	case 'H':
		return (int64_t)now - n * 3600;
	case 'd':
		return (int64_t)now - n * 86400;
	case 'w':
		return (int64_t)now - n * 7 * 86400;
	default:
		break;
	}
	localtime_r(&now, &tm);
	if (unit == 'm')
		tm.tm_mon -= (int)n;
	else
		tm.tm_year -= (int)n;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/*
 * One absolute date: "DD/MM/YYYY", "DD/MM/YY", "DD/MM", "DD" (this
 * month) or "YYYY-MM-DD"; the whole day, local time.
 */
static int
ui_pat_one_date(const char *s, size_t len, time_t now, int64_t *min,
    int64_t *max)
{
	struct tm tm, start;
	char buf[32];
	int a = 0, b = 0, c = 0, k;
	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	localtime_r(&now, &tm);
	if (strchr(buf, '-') != NULL) {
		if (sscanf(buf, "%4d-%2d-%2d%n", &a, &b, &c, &k) != 3 ||
		    buf[k] != '\0')
			return -1;
		tm.tm_year = a - 1900;
		tm.tm_mon = b - 1;
		tm.tm_mday = c;
	} else {
		char *end;
		long v = strtol(buf, &end, 10);
		if (end == buf || v < 1 || v > 31)
			return -1;
		tm.tm_mday = (int)v;
		if (*end == '/') {
			s = end + 1;
			v = strtol(s, &end, 10);
			if (end == s || v < 1 || v > 12)
				return -1;
			tm.tm_mon = (int)v - 1;
			if (*end == '/') {
				s = end + 1;
				v = strtol(s, &end, 10);
				if (end == s || v < 0 || v > 9999)
					return -1;
				if (end - s <= 2)
					v += v < 70 ? 2000 : 1900;
				tm.tm_year = (int)v - 1900;
			}
		}
		if (*end != '\0')
			return -1;
	}
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31)
		return -1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	start = tm;
	*min = (int64_t)mktime(&start);
	tm.tm_mday++;
	tm.tm_isdst = -1;
	*max = (int64_t)mktime(&tm) - 1;
	return 0;
}

static int
ui_pat_date(struct ui_pat_parser *p, const char *w, int64_t *min, int64_t *max)
{
	const char *dash;
	int64_t lo, hi, t;
	char *end;
	long n;

	*min = INT64_MIN;
	*max = INT64_MAX;
	if (*w == '<' || *w == '>' || *w == '=') {
		n = strtol(w + 1, &end, 10);
		if (end == w + 1 || n < 0 || n > 100000 ||
		    strchr("SMHdwmy", *end) == NULL || *end == '\0' ||
		    end[1] != '\0')
			goto bad;
		t = ui_pat_back(p->now, n, *end);
		if (*w == '<')
			*min = t;
		else if (*w == '>')
			*max = t;
		else {
			*min = ui_pat_back(p->now, n + 1, *end);
			*max = t;
		}
		return 0;
	}
	if ((dash = strstr(w, "..")) != NULL) {
		if (ui_pat_one_date(w, (size_t)(dash - w), p->now, &lo, &t) !=
			0 ||
		    ui_pat_one_date(dash + 2, strlen(dash + 2), p->now, &t,
			&hi) != 0)
			goto bad;
		*min = lo;
		*max = hi;
		return 0;
	}
	/* "2024-02-01", "5" (this month), "05/02/2024". */
	if (ui_pat_one_date(w, strlen(w), p->now, min, max) == 0)
		return 0;
	/* "DD/MM/YYYY-DD/MM/YYYY", either side may be empty. */
	if (strchr(w, '/') == NULL || (dash = strchr(w, '-')) == NULL)
		goto bad;
	if (dash > w &&
	    ui_pat_one_date(w, (size_t)(dash - w), p->now, min, &t) != 0)
		goto bad;
	if (dash[1] != '\0' &&
	    ui_pat_one_date(dash + 1, strlen(dash + 1), p->now, &t, max) != 0)
		goto bad;
	return 0;
bad:
	return pt_error_set(p->err, PT_E_CONFIG, 0,
	    _("'%s' is not a date or date range (try <2w, >1m, "
	      "01/02/2024-, 2024-02-01)"),
	    w);
}

static int
ui_pat_size(const char *w, int64_t *min, int64_t *max)
{
	const char *s = w, *dash;
	int64_t v[2] = {0, 0};
	char *end;
	int i, cmp = 0, nv = 1;

	*min = 0;
	*max = INT64_MAX;
	if (*s == '<' || *s == '>') {
		cmp = *s++;
	}
	dash = cmp == 0 ? strchr(s, '-') : NULL;
	if (dash != NULL)
		nv = 2;
	for (i = 0; i < nv; i++) {
		const char *start = i == 0 ? s : dash + 1;
		unsigned long long n;

		if (i == 0 && dash == s) {
			v[0] = 0;
			continue;
		}
		if (i == 1 && *start == '\0') {
			v[1] = INT64_MAX;
			continue;
		}
		if (!isdigit((unsigned char)*start))
			return -1;
		n = strtoull(start, &end, 10);
		if (n > (1ull << 40))
			return -1;
		if (*end == 'K' || *end == 'k')
			n *= 1024, end++;
		else if (*end == 'M' || *end == 'm')
			n *= 1024 * 1024, end++;
		else if (*end == 'G' || *end == 'g')
			n *= 1024 * 1024 * 1024ull, end++;
		if (*end != '\0' && !(i == 0 && end == dash))
			return -1;
		v[i] = (int64_t)n;
	}
	if (cmp == '<')
		*max = v[0] - 1;
	else if (cmp == '>')
		*min = v[0] + 1;
	else if (nv == 2) {
		*min = v[0];
		*max = v[1];
	} else
		*min = *max = v[0];
	return 0;
}

struct ui_pattern *
ui_pattern_compile(const char *text, time_t now, struct pt_error *err)
{
	struct ui_pat_parser p;
	struct ui_pattern *pat = pt_xcalloc(1, sizeof *pat);
	const char *s = text;
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0) {
		free(pat);
		pt_error_set(err, PT_E_CONFIG, 0, "%s", _("empty pattern"));
		return NULL;
	}
	if (memchr(s, '~', len) == NULL) {
		/* Simple search: From or Subject. */
		pat->root = ui_pat_node_new(UI_PAT_STR);
		pat->root->fields = UI_PAT_F_FROM | UI_PAT_F_SUBJECT;
		pat->root->text = pt_xstrndup(s, len);
		return pat;
	}
	memset(&p, 0, sizeof p);
	p.s = s;
	p.now = now;
	p.pat = pat;
	p.err = err;
	pat->root = ui_pat_or(&p);
	if (pat->root != NULL) {
		ui_pat_skip(&p);
		if (*p.s != '\0') {
			pt_error_set(err, PT_E_CONFIG, 0,
			    _("unexpected '%.20s' in the pattern"), p.s);
			ui_pat_node_free(pat->root);
			pat->root = NULL;
		}
	}
	if (pat->root == NULL) {
		free(pat);
		return NULL;
	}
	return pat;
}

/*
 * Case-insensitive (unless the needle has an upper-case letter)
 * substring search on UTF-8 text, code point by code point.
 */
int
ui_text_contains(const char *hay, const char *needle)
{
	uint32_t nd[256], cp;
	size_t nn = 0, hl = strlen(hay), nl = strlen(needle), i, j, k, step;
	int fold = 1;

	if (nl == 0)
		return 1;
	for (i = 0; i < nl && nn < PT_NELEM(nd); i += step) {
		step = pt_utf8_decode(needle + i, nl - i, &cp);
		if (iswupper((wint_t)cp))
			fold = 0;
		nd[nn++] = cp;
	}
	if (!fold)
		return strstr(hay, needle) != NULL;
	for (k = 0; k < nn; k++)
		nd[k] = (uint32_t)towlower((wint_t)nd[k]);
	for (i = 0; i < hl; i += step) {
		size_t h = i;

		step = pt_utf8_decode(hay + i, hl - i, &cp);
		for (j = 0; j < nn && h < hl; j++) {
			size_t st = pt_utf8_decode(hay + h, hl - h, &cp);

			if ((uint32_t)towlower((wint_t)cp) != nd[j])
				break;
			h += st;
		}
		if (j == nn)
			return 1;
	}
	return 0;
}

static int
ui_pat_cmp_uid(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
ui_pat_match(const struct ui_pat_node *n, const struct ui_msg *m)
{
	switch (n->kind) {
	case UI_PAT_AND:
		return ui_pat_match(n->a, m) && ui_pat_match(n->b, m);
	case UI_PAT_OR:
		return ui_pat_match(n->a, m) || ui_pat_match(n->b, m);
	case UI_PAT_NOT:
		return !ui_pat_match(n->a, m);
	case UI_PAT_ALL:
		return 1;
	case UI_PAT_FLAG:
		return (m->flags & n->mask) == n->want;
	case UI_PAT_TAGGED:
		return (m->mark & UI_M_TAGGED) != 0;
	case UI_PAT_STR:
		if ((n->fields & UI_PAT_F_FROM) &&
		    (ui_text_contains(ui_msg_str(m, UI_S_FROM_NAME), n->text) ||
			ui_text_contains(ui_msg_str(m, UI_S_FROM_ADDR),
			    n->text)))
			return 1;
		if ((n->fields & UI_PAT_F_TO) &&
		    ui_text_contains(ui_msg_str(m, UI_S_TO), n->text))
			return 1;
		if ((n->fields & UI_PAT_F_SUBJECT) &&
		    ui_text_contains(ui_msg_str(m, UI_S_SUBJECT), n->text))
			return 1;
		if ((n->fields & UI_PAT_F_MSGID) &&
		    ui_text_contains(ui_msg_str(m, UI_S_MSGID), n->text))
			return 1;
		if ((n->fields & UI_PAT_F_REFS) &&
		    (ui_text_contains(ui_msg_str(m, UI_S_REFS), n->text) ||
			ui_text_contains(ui_msg_str(m, UI_S_IRT), n->text)))
			return 1;
		return 0;
	case UI_PAT_DATE:
		return m->date >= n->min && m->date <= n->max;
	case UI_PAT_RECV:
		return m->arrival >= n->min && m->arrival <= n->max;
	case UI_PAT_SIZE:
		return (int64_t)m->size >= n->min && (int64_t)m->size <= n->max;
	case UI_PAT_SERVER:
		return n->have && n->nuids > 0 &&
		       bsearch(&m->uid, n->uids, n->nuids, sizeof *n->uids,
			   ui_pat_cmp_uid) != NULL;
	}
	return 0;
}

int
ui_pattern_match(const struct ui_pattern *p, const struct ui_msg *m)
{
	return ui_pat_match(p->root, m);
}

size_t
ui_pattern_server_terms(const struct ui_pattern *p)
{
	return p->nserver;
}

const char *
ui_pattern_server_term(const struct ui_pattern *p, size_t i, int *kind)
{
	if (i >= p->nserver)
		return NULL;
	if (kind != NULL)
		*kind = p->server[i]->server_kind;
	return p->server[i]->text;
}

void
ui_pattern_server_set(struct ui_pattern *p, size_t i, const uint32_t *uids,
    size_t n)
{
	struct ui_pat_node *node;

	if (i >= p->nserver)
		return;
	node = p->server[i];
	free(node->uids);
	node->uids = pt_xreallocarray(NULL, n + 1, sizeof *node->uids);
	if (n > 0)
		memcpy(node->uids, uids, n * sizeof *uids);
	qsort(node->uids, n, sizeof *node->uids, ui_pat_cmp_uid);
	node->nuids = n;
	node->have = 1;
}

int
ui_pattern_pending(const struct ui_pattern *p)
{
	size_t i;

	for (i = 0; i < p->nserver; i++) {
		if (!p->server[i]->have)
			return 1;
	}
	return 0;
}
