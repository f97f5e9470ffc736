/*
 * view.c: the index as the user sees it.  From the model it builds the
 * rows in display order: sorted, threaded (thread.c), limited by a
 * pattern, with collapsed threads folded.  It keeps the cursor on the
 * same message across rebuilds, so that new mail or an expunge does
 * not move what the user is looking at, and it answers the navigation
 * questions of the index screen (next thread, parent, ...).  Pure: no
 * curses, so the unit tests check every rule here.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "petrel/core.h"

#include "private.h"

#define UI_VIEW_NEIGHBOURS 64 /* rows remembered around the cursor */
#define UI_TREE_LEVELS     32 /* levels of tree drawn at most */

static const struct ui_model *ui_view_sort_model;

static void ui_view_grow(struct ui_view *);
static int ui_view_cmp_date(const void *, const void *);
static int ui_view_cmp_arrival(const void *, const void *);
static int ui_view_cmp_key(const void *, const void *);
static int ui_view_cmp_size(const void *, const void *);
static int ui_view_cmp_seq(const struct ui_msg *, const struct ui_msg *);
static size_t ui_view_collect(struct ui_view *, int32_t *);
static void ui_view_flat(struct ui_view *, int32_t *, size_t);
static void ui_view_threads(struct ui_view *, int32_t *, size_t);
static void ui_view_emit(struct ui_view *, int32_t);

void
ui_view_init(struct ui_view *v, struct ui_model *m)
{
	memset(v, 0, sizeof *v);
	v->model = m;
	v->sort = UI_SORT_THREADS;
	v->height = 1;
	v->dirty = 1;
}

void
ui_view_release(struct ui_view *v)
{
	free(v->rows);
	free(v->row);
	free(v->tparent);
	free(v->tnext);
	free(v->depth);
	free(v->ndesc);
	ui_pattern_free(&v->limit);
	free(v->limit_text);
	memset(v, 0, sizeof *v);
}

static void
ui_view_grow(struct ui_view *v)
{
	size_t n = v->model->n;

	if (n <= v->capslot && n <= v->caprows)
		return;
	v->capslot = n + n / 2 + 16;
	v->row = pt_xreallocarray(v->row, v->capslot, sizeof *v->row);
	v->tparent =
	    pt_xreallocarray(v->tparent, v->capslot, sizeof *v->tparent);
	v->tnext = pt_xreallocarray(v->tnext, v->capslot, sizeof *v->tnext);
	v->depth = pt_xreallocarray(v->depth, v->capslot, sizeof *v->depth);
	v->ndesc = pt_xreallocarray(v->ndesc, v->capslot, sizeof *v->ndesc);
	v->caprows = v->capslot;
	v->rows = pt_xreallocarray(v->rows, v->caprows, sizeof *v->rows);
}

static int
ui_view_cmp_seq(const struct ui_msg *a, const struct ui_msg *b)
{
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	if (a->uid != b->uid)
		return a->uid < b->uid ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int
ui_view_cmp_date(const void *pa, const void *pb)
{
	const struct ui_msg *a = &ui_view_sort_model->msg[*(const int32_t *)pa];
	const struct ui_msg *b = &ui_view_sort_model->msg[*(const int32_t *)pb];

	return ui_view_cmp_seq(a, b);
}

static int
ui_view_cmp_arrival(const void *pa, const void *pb)
{
	const struct ui_msg *a = &ui_view_sort_model->msg[*(const int32_t *)pa];
	const struct ui_msg *b = &ui_view_sort_model->msg[*(const int32_t *)pb];

	if (a->uid != b->uid)
		return a->uid < b->uid ? -1 : 1;
	return ui_view_cmp_seq(a, b);
}

/* From and subject sorts compare precomputed keys, not messages. */
struct ui_view_key {
	int32_t slot;
	const char *s;
	size_t len;
};

static int
ui_view_cmp_key(const void *pa, const void *pb)
{
	const struct ui_view_key *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = strncasecmp(a->s, b->s, n);

	if (c == 0 && a->len != b->len)
		c = a->len < b->len ? -1 : 1;
	return c != 0 ? c
		      : ui_view_cmp_seq(&ui_view_sort_model->msg[a->slot],
			    &ui_view_sort_model->msg[b->slot]);
}

static int
ui_view_cmp_size(const void *pa, const void *pb)
{
	const struct ui_msg *a = &ui_view_sort_model->msg[*(const int32_t *)pa];
	const struct ui_msg *b = &ui_view_sort_model->msg[*(const int32_t *)pb];

	if (a->size != b->size)
		return a->size < b->size ? -1 : 1;
	return ui_view_cmp_seq(a, b);
}

/* The slots the limit lets through, and the folder's counts. */
static size_t
ui_view_collect(struct ui_view *v, int32_t *out)
{
	struct ui_model *m = v->model;
	size_t i, n = 0;

	for (i = 0; i < m->n; i++) {
		struct ui_msg *msg = &m->msg[i];

		v->row[i] = -1;
		v->tparent[i] = -1;
		v->tnext[i] = -1;
		v->depth[i] = 0;
		v->ndesc[i] = 0;
		if (v->limit != NULL && !ui_pattern_match(v->limit, msg))
			continue;
		out[n++] = (int32_t)i;
	}
	ui_view_count(v);
	return n;
}

void
ui_view_count(struct ui_view *v)
{
	const struct ui_model *m = v->model;
	size_t i;

	v->total = v->unread = v->flagged = v->deleted = v->tagged = 0;
	for (i = 0; i < m->n; i++) {
		const struct ui_msg *msg = &m->msg[i];

		if (msg->mark & UI_M_DEAD)
			continue;
		v->total++;
		if (!(msg->flags & UI_F_SEEN))
			v->unread++;
		if (msg->flags & UI_F_FLAGGED)
			v->flagged++;
		if (msg->flags & UI_F_DELETED)
			v->deleted++;
		if (msg->mark & UI_M_TAGGED)
			v->tagged++;
	}
}

static void
ui_view_emit(struct ui_view *v, int32_t slot)
{
	v->row[slot] = (int32_t)v->nrows;
	v->rows[v->nrows++] = slot;
}

static void
ui_view_flat(struct ui_view *v, int32_t *s, size_t n)
{
	int (*cmp)(const void *, const void *) = ui_view_cmp_date;
	size_t i;

	ui_view_sort_model = v->model;
	if (v->sort == UI_SORT_FROM || v->sort == UI_SORT_SUBJECT) {
		struct ui_view_key *k =
		    pt_xreallocarray(NULL, n + 1, sizeof *k);

		for (i = 0; i < n; i++) {
			const struct ui_msg *m = &v->model->msg[s[i]];

			k[i].slot = s[i];
			if (v->sort == UI_SORT_FROM) {
				k[i].s = ui_msg_from(m);
				k[i].len = strlen(k[i].s);
			} else
				k[i].s =
				    ui_thread_subject_base(ui_msg_str(m,
							       UI_S_SUBJECT),
					&k[i].len, NULL);
		}
		qsort(k, n, sizeof *k, ui_view_cmp_key);
		for (i = 0; i < n; i++)
			s[i] = k[i].slot;
		free(k);
	} else {
		if (v->sort == UI_SORT_ARRIVAL)
			cmp = ui_view_cmp_arrival;
		else if (v->sort == UI_SORT_SIZE)
			cmp = ui_view_cmp_size;
		qsort(s, n, sizeof *s, cmp);
	}
	for (i = 0; i < n; i++)
		ui_view_emit(v, s[v->reverse ? n - 1 - i : i]);
}

/*
 * Threads: parents from thread.c, children in date order, roots in date
 * order (reversed by reverse), depth-first, descendants of a collapsed
 * message left out but counted.
 */
static void
ui_view_threads(struct ui_view *v, int32_t *s, size_t n)
{
	const struct ui_model *m = v->model;
	struct ui_thread_in *in;
	int32_t *par, *first, *last, *next, *roots, *stack;
	uint32_t *pos;
	size_t i, nroots = 0;

	ui_view_sort_model = m;
	qsort(s, n, sizeof *s, ui_view_cmp_date);
	in = pt_xreallocarray(NULL, n + 1, sizeof *in);
	par = pt_xreallocarray(NULL, n + 1, sizeof *par);
	for (i = 0; i < n; i++) {
		const struct ui_msg *msg = &m->msg[s[i]];

		in[i].msgid = ui_msg_str(msg, UI_S_MSGID);
		in[i].irt = ui_msg_str(msg, UI_S_IRT);
		in[i].refs = ui_msg_str(msg, UI_S_REFS);
		in[i].subject = ui_msg_str(msg, UI_S_SUBJECT);
		in[i].date = msg->date;
	}
	ui_thread_build(in, n, v->by_subject, par);
	free(in);

	/* Child lists, in date order since s is sorted by date. */
	first = pt_xreallocarray(NULL, m->n + 1, sizeof *first);
	last = pt_xreallocarray(NULL, m->n + 1, sizeof *last);
	next = v->tnext;
	roots = pt_xreallocarray(NULL, n + 1, sizeof *roots);
	for (i = 0; i < m->n; i++)
		first[i] = last[i] = -1;
	for (i = 0; i < n; i++) {
		int32_t slot = s[i];

		if (par[i] < 0) {
			roots[nroots++] = slot;
			continue;
		}
		v->tparent[slot] = s[par[i]];
		if (last[s[par[i]]] == -1)
			first[s[par[i]]] = slot;
		else
			next[last[s[par[i]]]] = slot;
		last[s[par[i]]] = slot;
	}
	free(par);
	free(last);

	/* Depth first, with an explicit stack (threads may be deep). */
	stack = pt_xreallocarray(NULL, n + 1, sizeof *stack);
	pos = pt_xreallocarray(NULL, n + 1, sizeof *pos);
	for (i = 0; i < nroots; i++) {
		int32_t root = roots[v->reverse ? nroots - 1 - i : i];
		size_t npre = 0, hide_depth = SIZE_MAX, j, sp = 0;
		stack[sp++] = root;
		while (sp > 0) {
			int32_t slot = stack[--sp];
			int32_t p = v->tparent[slot];
			size_t d = p < 0 ? 0 : (size_t)v->depth[p] + 1;

			v->depth[slot] =
			    (uint16_t)(d > UINT16_MAX ? UINT16_MAX : d);
			pos[npre++] = (uint32_t)slot;
			if (d <= hide_depth)
				hide_depth = SIZE_MAX;
			if (hide_depth == SIZE_MAX) {
				ui_view_emit(v, slot);
				if (m->msg[slot].mark & UI_M_COLLAPSED)
					hide_depth = d;
			}
			/* Push children in reverse so the first pops first. */
			{
				size_t base = sp;
				int32_t c;

				for (c = first[slot]; c != -1; c = next[c])
					stack[sp++] = c;
				for (j = 0; j < (sp - base) / 2; j++) {
					int32_t t = stack[base + j];

					stack[base + j] = stack[sp - 1 - j];
					stack[sp - 1 - j] = t;
				}
			}
		}
		/* Subtree sizes, from the leaves up. */
		for (j = npre; j-- > 1;) {
			int32_t slot = (int32_t)pos[j];

			v->ndesc[v->tparent[slot]] += v->ndesc[slot] + 1;
		}
	}
	/* Roots are siblings of each other too. */
	for (i = 0; i < nroots; i++)
		v->tnext[roots[i]] = -1;
	free(stack);
	free(pos);
	free(roots);
	free(first);
}

void
ui_view_rebuild(struct ui_view *v)
{
	struct ui_model *m = v->model;
	uint32_t after[UI_VIEW_NEIGHBOURS], before[UI_VIEW_NEIGHBOURS];
	size_t nafter = 0, nbefore = 0, i, n;
	long offset = 0, cur = -1;
	int32_t *slots, s;
	int had_cursor = 0, top0 = 0;
	uint32_t uid = 0;
	/* Remember the cursor's message and its neighbours, by uid. */
	if (v->nrows > 0 && v->cursor < v->nrows) {
		had_cursor = 1;
		top0 = v->top == 0;
		uid = m->msg[v->rows[v->cursor]].uid;
		offset = (long)v->cursor - (long)v->top;
		for (i = v->cursor + 1;
		     i < v->nrows && nafter < UI_VIEW_NEIGHBOURS; i++) {
			if (!(m->msg[v->rows[i]].mark & UI_M_DEAD))
				after[nafter++] = m->msg[v->rows[i]].uid;
		}
		for (i = v->cursor; i-- > 0 && nbefore < UI_VIEW_NEIGHBOURS;) {
			if (!(m->msg[v->rows[i]].mark & UI_M_DEAD))
				before[nbefore++] = m->msg[v->rows[i]].uid;
		}
	}

	ui_model_compact(m);
	ui_view_grow(v);
	v->nrows = 0;
	slots = pt_xreallocarray(NULL, m->n + 1, sizeof *slots);
	n = ui_view_collect(v, slots);
	if (v->sort == UI_SORT_THREADS)
		ui_view_threads(v, slots, n);
	else
		ui_view_flat(v, slots, n);
	free(slots);
	v->dirty = 0;

	if (v->nrows == 0) {
		v->cursor = v->top = 0;
		return;
	}
	if (had_cursor && (s = ui_model_find(m, uid)) >= 0) {
		/* Inside a collapsed thread: its shown ancestor. */
		while (s >= 0 && v->row[s] < 0)
			s = v->tparent[s];
		if (s >= 0)
			cur = v->row[s];
	}
	for (i = 0; cur < 0 && i < nafter; i++) {
		if ((s = ui_model_find(m, after[i])) >= 0 && v->row[s] >= 0)
			cur = v->row[s];
	}
	for (i = 0; cur < 0 && i < nbefore; i++) {
		if ((s = ui_model_find(m, before[i])) >= 0 && v->row[s] >= 0)
			cur = v->row[s];
	}
	if (cur < 0)
		cur = had_cursor ? (long)v->cursor : 0;
	if (cur >= (long)v->nrows)
		cur = (long)v->nrows - 1;
	v->cursor = (size_t)cur;
	/* A view at the very top stays there (new mail above shows);
	 * otherwise the cursor keeps its screen line. */
	if (had_cursor && top0)
		v->top = 0;
	else
		v->top = cur - offset < 0 ? 0 : (size_t)(cur - offset);
	ui_view_clamp(v);
}

void
ui_view_clamp(struct ui_view *v)
{
	size_t h = v->height > 0 ? (size_t)v->height : 1;

	if (v->nrows == 0) {
		v->cursor = v->top = 0;
		return;
	}
	if (v->cursor >= v->nrows)
		v->cursor = v->nrows - 1;
	if (v->top > v->cursor)
		v->top = v->cursor;
	if (v->cursor >= v->top + h)
		v->top = v->cursor - h + 1;
	/* Keep the screen full when the list is long enough. */
	if (v->nrows >= h && v->top > v->nrows - h)
		v->top = v->nrows - h;
	else if (v->nrows < h)
		v->top = 0;
}

struct ui_msg *
ui_view_row_msg(const struct ui_view *v, size_t row)
{
	if (row >= v->nrows)
		return NULL;
	return &v->model->msg[v->rows[row]];
}

struct ui_msg *
ui_view_cursor_msg(const struct ui_view *v)
{
	return ui_view_row_msg(v, v->cursor);
}

void
ui_view_set_cursor(struct ui_view *v, long row)
{
	if (v->nrows == 0)
		return;
	if (row < 0)
		row = 0;
	if (row >= (long)v->nrows)
		row = (long)v->nrows - 1;
	v->cursor = (size_t)row;
	ui_view_clamp(v);
}

int
ui_view_goto_uid(struct ui_view *v, uint32_t uid)
{
	int32_t s = ui_model_find(v->model, uid);

	if (v->dirty || s < 0 || (size_t)s >= v->capslot || v->row[s] < 0)
		return -1;
	ui_view_set_cursor(v, v->row[s]);
	return 0;
}

void
ui_view_scroll(struct ui_view *v, long lines)
{
	size_t h = v->height > 0 ? (size_t)v->height : 1;
	long top = (long)v->top + lines;

	if (v->nrows == 0)
		return;
	if (top > (long)v->nrows - (long)h)
		top = (long)v->nrows - (long)h;
	if (top < 0)
		top = 0;
	v->top = (size_t)top;
	if (v->cursor < v->top)
		v->cursor = v->top;
	if (v->cursor >= v->top + h)
		v->cursor = v->top + h - 1;
	ui_view_clamp(v);
}

void
ui_view_page(struct ui_view *v, int dir)
{
	long h = v->height > 0 ? v->height : 1;
	long off = (long)v->cursor - (long)v->top;
	long top = (long)v->top + dir * h;

	if (v->nrows == 0)
		return;
	if (dir > 0 && top >= (long)v->nrows) {
		ui_view_set_cursor(v, (long)v->nrows - 1);
		return;
	}
	if (top < 0)
		top = 0;
	if (dir < 0 && v->top == 0) {
		ui_view_set_cursor(v, 0);
		return;
	}
	v->top = (size_t)top;
	v->cursor = (size_t)(top + off);
	if (v->cursor >= v->nrows)
		v->cursor = v->nrows - 1;
	/* Clamping may pull top back on the last page; keep the cursor. */
	{
		size_t c = v->cursor;

		ui_view_clamp(v);
		v->cursor = c;
	}
}

long
ui_view_find(const struct ui_view *v, long from, int dir, int wrap,
    int (*pred)(const struct ui_msg *, const void *), const void *arg)
{
	long n = (long)v->nrows, i;

	for (i = 1; i <= n; i++) {
		long r = from + dir * i;
		if (r < 0 || r >= n) {
			if (!wrap)
				return -1;
			r = ((r % n) + n) % n;
		}
		if (pred(ui_view_row_msg(v, (size_t)r), arg))
			return r;
	}
	return -1;
}

long
ui_view_thread_root(const struct ui_view *v, long row)
{
	int32_t s;

	if (row < 0 || row >= (long)v->nrows)
		return -1;
	s = v->rows[row];
	while (v->tparent[s] >= 0)
		s = v->tparent[s];
	return v->row[s];
}

long
ui_view_next_thread(const struct ui_view *v, long row, int dir)
{
	long r = ui_view_thread_root(v, row);

	if (r < 0)
		return -1;
	if (dir > 0) {
		for (r = r + 1; r < (long)v->nrows; r++) {
			if (v->depth[v->rows[r]] == 0)
				return r;
		}
		return -1;
	}
	return r == 0 ? -1 : ui_view_thread_root(v, r - 1);
}

long
ui_view_parent(const struct ui_view *v, long row)
{
	int32_t p;

	if (row < 0 || row >= (long)v->nrows)
		return -1;
	p = v->tparent[v->rows[row]];
	return p < 0 ? -1 : v->row[p];
}

void
ui_view_tree(const struct ui_view *v, size_t row, int utf8, struct pt_buf *out)
{
	int32_t chain[UI_TREE_LEVELS], s, a;
	size_t d, n = 0;

	if (v->sort != UI_SORT_THREADS || row >= v->nrows)
		return;
	s = v->rows[row];
	d = v->depth[s];
	if (d == 0)
		return;
	/* The ancestors below the root, nearest last. */
	for (a = v->tparent[s]; n < UI_TREE_LEVELS - 1 && v->tparent[a] >= 0;
	     a = v->tparent[a])
		chain[n++] = a;
	if (d > n + 1)
		pt_buf_addstr(out, utf8 ? "\u2026" : "~", NULL);
	while (n-- > 0) {
		if (v->tnext[chain[n]] >= 0)
			pt_buf_addstr(out, utf8 ? "\u2502 " : "| ", NULL);
		else
			pt_buf_addstr(out, "  ", NULL);
	}
	if (v->tnext[s] >= 0)
		pt_buf_addstr(out, utf8 ? "\u251c\u2500>" : "|->", NULL);
	else
		pt_buf_addstr(out, utf8 ? "\u2514\u2500>" : "`->", NULL);
}

size_t
ui_view_thread_slots(const struct ui_view *v, size_t row, int sub,
    int32_t **out)
{
	const struct ui_model *m = v->model;
	int32_t top, s, *r;
	size_t i, n = 0;

	*out = NULL;
	if (row >= v->nrows)
		return 0;
	top = v->rows[row];
	if (!sub) {
		while (v->tparent[top] >= 0)
			top = v->tparent[top];
	}
	r = pt_xreallocarray(NULL, m->n + 1, sizeof *r);
	r[n++] = top;
	for (i = 0; i < m->n && i < v->capslot; i++) {
		size_t steps = 0;

		if ((int32_t)i == top || (m->msg[i].mark & UI_M_DEAD))
			continue;
		for (s = v->tparent[i]; s >= 0 && steps++ < m->n;
		     s = v->tparent[s]) {
			if (s == top) {
				r[n++] = (int32_t)i;
				break;
			}
		}
	}
	*out = r;
	return n;
}

void
ui_view_set_limit(struct ui_view *v, struct ui_pattern *p, const char *text)
{
	ui_pattern_free(&v->limit);
	free(v->limit_text);
	v->limit = p;
	v->limit_text = p != NULL && text != NULL ? pt_xstrdup(text) : NULL;
	v->dirty = 1;
}

static const char *const ui_sort_names[] = {"date", "arrival", "from",
    "subject", "size", "threads"};

const char *
ui_sort_name(enum ui_sort s)
{
	return ui_sort_names[s];
}

int
ui_sort_parse(const char *s, enum ui_sort *out)
{
	size_t i;

	for (i = 0; i < PT_NELEM(ui_sort_names); i++) {
		if (strcmp(s, ui_sort_names[i]) == 0) {
			*out = (enum ui_sort)i;
			return 0;
		}
	}
	return -1;
}
