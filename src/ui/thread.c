/*
 * thread.c: client-side threading of a folder's messages, after Jamie
 * Zawinski's algorithm (https://www.jwz.org/doc/threading.html).  Pure:
 * no curses, no I/O; the index view calls it and the unit tests drive it.
 *
 * Containers are kept with parent links only while linking, which makes
 * re-parenting trivial; the result is one parent per message.  Empty
 * containers (messages referenced but not present) are skipped over: a
 * message's parent is its nearest present ancestor.  Messages whose only
 * common ancestor is missing become siblings under the earliest of them,
 * as a thread needs a real message at its root to be drawn.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "petrel/core.h"

#include "private.h"

#define UI_THREAD_MAX_REFS 64 /* the last ones of a References field */

struct ui_thr_id {
	const char *s; /* borrowed from the input; not terminated */
	size_t len;
};

struct ui_thr_box {
	struct ui_thr_id id;
	int32_t msg;    /* index of the message, or -1 for an empty box */
	int32_t parent; /* box index, or -1 */
};

struct ui_thr {
	struct ui_thr_box *box;
	size_t nbox, capbox;
	int32_t *slot; /* hash table of box indexes, -1 when free */
	size_t nslot;  /* a power of two */
	size_t used;
};

static uint32_t ui_thread_hash(const char *, size_t);
static void ui_thread_grow(struct ui_thr *);
static int32_t ui_thread_box_new(struct ui_thr *, const struct ui_thr_id *);
static int32_t ui_thread_lookup(struct ui_thr *, const struct ui_thr_id *, int);
static const char *ui_thread_next_id(const char *, struct ui_thr_id *);
static size_t ui_thread_refs(const struct ui_thread_in *, struct ui_thr_id *,
    size_t);
static int ui_thread_is_ancestor(const struct ui_thr *, int32_t, int32_t);
static void ui_thread_by_subject(const struct ui_thread_in *, size_t,
    int32_t *);

static uint32_t
ui_thread_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static void
ui_thread_grow(struct ui_thr *t)
{
	size_t i, j, n = t->nslot == 0 ? 64 : t->nslot * 2;
	int32_t *slot = pt_xreallocarray(NULL, n, sizeof *slot);

	for (i = 0; i < n; i++)
		slot[i] = -1;
	for (i = 0; i < t->nbox; i++) {
		const struct ui_thr_id *id = &t->box[i].id;

		if (id->s == NULL)
			continue;
		j = ui_thread_hash(id->s, id->len) & (n - 1);
		while (slot[j] != -1)
			j = (j + 1) & (n - 1);
		slot[j] = (int32_t)i;
	}
	free(t->slot);
	t->slot = slot;
	t->nslot = n;
}

static int32_t
ui_thread_box_new(struct ui_thr *t, const struct ui_thr_id *id)
{
	struct ui_thr_box *b;

	if (t->nbox == t->capbox) {
		t->capbox = t->capbox == 0 ? 64 : t->capbox * 2;
		t->box = pt_xreallocarray(t->box, t->capbox, sizeof *t->box);
	}
	b = &t->box[t->nbox];
	if (id != NULL)
		b->id = *id;
	else {
		b->id.s = NULL;
		b->id.len = 0;
	}
	b->msg = -1;
	b->parent = -1;
	return (int32_t)t->nbox++;
}

/* The box of an id, created (empty) when create is set and it is new. */
static int32_t
ui_thread_lookup(struct ui_thr *t, const struct ui_thr_id *id, int create)
{
	size_t j;
	int32_t b;

	if ((t->used + 1) * 2 > t->nslot)
		ui_thread_grow(t);
	j = ui_thread_hash(id->s, id->len) & (t->nslot - 1);
	while ((b = t->slot[j]) != -1) {
		if (t->box[b].id.len == id->len &&
		    memcmp(t->box[b].id.s, id->s, id->len) == 0)
			return b;
		j = (j + 1) & (t->nslot - 1);
	}
	if (!create)
		return -1;
	b = ui_thread_box_new(t, id);
	t->slot[j] = b;
	t->used++;
	return b;
}

/*
 * The next message id in s: the text between '<' and '>' (brackets
 * included), or, in a field without any '<', the next word.  Returns
 * where to go on, or NULL when there is none.
 */
static const char *
ui_thread_next_id(const char *s, struct ui_thr_id *id)
{
	const char *lt;

	if (s == NULL)
		return NULL;
	if ((lt = strchr(s, '<')) != NULL) {
		const char *gt = strchr(lt + 1, '>');

		if (gt == NULL)
			return NULL;
		/* "<<a>": the id starts at the last '<'. */
		while (memchr(lt + 1, '<', (size_t)(gt - lt - 1)) != NULL)
			lt = memchr(lt + 1, '<', (size_t)(gt - lt - 1));
		if (gt == lt + 1)
			return ui_thread_next_id(gt + 1, id);
		id->s = lt;
		id->len = (size_t)(gt - lt) + 1;
		return gt + 1;
	}
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == ',')
		s++;
	if (*s == '\0')
		return NULL;
	id->s = s;
	while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\r' &&
	       *s != '\n' && *s != ',')
		s++;
	id->len = (size_t)(s - id->s);
	return s;
}

/*
 * The ancestry of a message, oldest first: its References (the last
 * UI_THREAD_MAX_REFS), then In-Reply-To's first id when it is not
 * already the last reference.  Returns how many were written.
 */
static size_t
ui_thread_refs(const struct ui_thread_in *m, struct ui_thr_id *out, size_t max)
{
	struct ui_thr_id id;
	const char *p = m->refs;
	size_t n = 0, total = 0, skip;

	while ((p = ui_thread_next_id(p, &id)) != NULL)
		total++;
	skip = total > max - 1 ? total - (max - 1) : 0;
	for (p = m->refs; (p = ui_thread_next_id(p, &id)) != NULL;) {
		if (skip > 0)
			skip--;
		else
			out[n++] = id;
	}
	if (ui_thread_next_id(m->irt, &id) != NULL &&
	    (n == 0 || out[n - 1].len != id.len ||
		memcmp(out[n - 1].s, id.s, id.len) != 0))
		out[n++] = id;
	return n;
}

/* 1 when box a is box b or one of its ancestors. */
static int
ui_thread_is_ancestor(const struct ui_thr *t, int32_t a, int32_t b)
{
	size_t steps = 0;

	while (b != -1 && steps++ <= t->nbox) {
		if (b == a)
			return 1;
		b = t->box[b].parent;
	}
	return 0;
}

void
ui_thread_build(const struct ui_thread_in *in, size_t n, int by_subject,
    int32_t *parent)
{
	struct ui_thr t;
	struct ui_thr_id refs[UI_THREAD_MAX_REFS], id;
	int32_t *mbox, *top, *leader;
	size_t i, j;

	memset(&t, 0, sizeof t);
	mbox = pt_xreallocarray(NULL, n + 1, sizeof *mbox);

	/* 1. A box for every message and for every id it refers to. */
	for (i = 0; i < n; i++) {
		int32_t b, prev = -1;
		size_t nref;

		if (ui_thread_next_id(in[i].msgid, &id) != NULL) {
			b = ui_thread_lookup(&t, &id, 1);
			/* A duplicate id gets a box of its own. */
			if (t.box[b].msg != -1)
				b = ui_thread_box_new(&t, NULL);
		} else
			b = ui_thread_box_new(&t, NULL);
		t.box[b].msg = (int32_t)i;
		mbox[i] = b;

		nref = ui_thread_refs(&in[i], refs, UI_THREAD_MAX_REFS);
		for (j = 0; j < nref; j++) {
			int32_t r = ui_thread_lookup(&t, &refs[j], 1);
			/* Link each reference to the one before it, unless
			 * it already has a parent or that would make a loop. */
			if (prev != -1 && t.box[r].parent == -1 && r != prev &&
			    !ui_thread_is_ancestor(&t, r, prev))
				t.box[r].parent = prev;
			prev = r;
		}
		/* The message's own header decides its parent. */
		b = mbox[i];
		if (prev != -1 && prev != b &&
		    !ui_thread_is_ancestor(&t, b, prev))
			t.box[b].parent = prev;
		else if (nref == 0)
			t.box[b].parent = -1;
	}

	/*
	 * 2. Each message's parent is its nearest present ancestor.  A
	 * message with none hangs under an empty top box, or is a root.
	 */
	top = pt_xreallocarray(NULL, n + 1, sizeof *top);
	leader = pt_xreallocarray(NULL, t.nbox + 1, sizeof *leader);
	for (i = 0; i < t.nbox; i++)
		leader[i] = -1;
	for (i = 0; i < n; i++) {
		int32_t b = t.box[mbox[i]].parent, last = mbox[i];
		size_t steps = 0;

		parent[i] = -1;
		top[i] = -1;
		while (b != -1 && steps++ <= t.nbox) {
			if (t.box[b].msg != -1) {
				parent[i] = t.box[b].msg;
				break;
			}
			last = b;
			b = t.box[b].parent;
		}
		if (parent[i] == -1 && last != mbox[i]) {
			top[i] = last;
			/* The earliest message under an empty top leads. */
			if (leader[last] == -1 ||
			    in[i].date < in[leader[last]].date)
				leader[last] = (int32_t)i;
		}
	}
	for (i = 0; i < n; i++) {
		if (top[i] != -1 && leader[top[i]] != (int32_t)i)
			parent[i] = leader[top[i]];
	}
	free(top);
	free(leader);
	free(mbox);
	free(t.box);
	free(t.slot);

	if (by_subject)
		ui_thread_by_subject(in, n, parent);
}

/*
 * The subject without "Re:", "Fwd:" and friends and "[list]" tags in
 * front; *reply is set when something was removed that marks a reply or
 * a forward.  Borrowed from s.
 */
const char *
ui_thread_subject_base(const char *s, size_t *lenp, int *reply)
{
	static const char *const prefixes[] = {"re", "fwd", "fw", "aw", "sv",
	    "vs", "antw", "wg", "tr", "rif", "r", NULL};
	size_t len, i, k;
	int again = 1;

	if (reply != NULL)
		*reply = 0;
	if (s == NULL)
		s = "";
	while (again) {
		again = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '[') {
			const char *e = strchr(s, ']');

			if (e != NULL && e[1] != '\0') {
				s = e + 1;
				again = 1;
				continue;
			}
		}
		for (i = 0; prefixes[i] != NULL; i++) {
			k = strlen(prefixes[i]);
			if (strncasecmp(s, prefixes[i], k) != 0)
				continue;
			/* "Re:", "Re[2]:", "Re :" */
			if (s[k] == '[') {
				const char *e = strchr(s + k, ']');

				if (e == NULL)
					continue;
				k = (size_t)(e - s) + 1;
			}
			while (s[k] == ' ')
				k++;
			if (s[k] != ':')
				continue;
			s += k + 1;
			if (reply != NULL)
				*reply = 1;
			again = 1;
			break;
		}
	}
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	*lenp = len;
	return s;
}

/*
 * JWZ step 5: roots with the same base subject join one thread.  A
 * reply joins the thread of the original; otherwise the later root
 * goes under the earliest one.
 */
static void
ui_thread_by_subject(const struct ui_thread_in *in, size_t n, int32_t *parent)
{
	struct ui_thr t;
	struct ui_thr_id key;
	int reply;
	size_t i;

	memset(&t, 0, sizeof t);
	/* First pass: the earliest non-reply root per subject, else the
	 * earliest root. */
	for (i = 0; i < n; i++) {
		int32_t b, h;

		if (parent[i] != -1)
			continue;
		key.s = ui_thread_subject_base(in[i].subject, &key.len, &reply);
		if (key.len == 0)
			continue;
		b = ui_thread_lookup(&t, &key, 1);
		if (t.box[b].msg == -1) {
			t.box[b].msg = (int32_t)i;
			t.box[b].parent = reply; /* reused: 1 if a reply */
			continue;
		}
		h = t.box[b].msg;
		if ((t.box[b].parent && !reply) ||
		    (t.box[b].parent == reply && in[i].date < in[h].date)) {
			t.box[b].msg = (int32_t)i;
			t.box[b].parent = reply;
		}
	}
	for (i = 0; i < n; i++) {
		int32_t b;

		if (parent[i] != -1)
			continue;
		key.s = ui_thread_subject_base(in[i].subject, &key.len, &reply);
		if (key.len == 0)
			continue;
		b = ui_thread_lookup(&t, &key, 0);
		if (b != -1 && t.box[b].msg != (int32_t)i)
			parent[i] = t.box[b].msg;
	}
	free(t.box);
	free(t.slot);
}
