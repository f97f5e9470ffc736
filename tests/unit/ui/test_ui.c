/*
 * Unit tests for the pure parts of ui/: threading, the model and view
 * (sort, limit, collapse, a cursor that stays put), patterns, index
 * formatting by display width, key names and bindings, the line editor.
 */
#include "config.h"

#include <sys/time.h>
#include <sys/wait.h>

#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "src/ui/private.h"
#include "tests/harness/pt_test.h"

/* Threading. */

#define T(id, irt, refs, subj, date)                                           \
	{                                                                      \
		id, irt, refs, subj, date                                      \
	}

static void
test_thread_build_simple_chain(void)
{
	struct ui_thread_in in[] = {
	    T("<a@x>", "", "", "hello", 1),
	    T("<b@x>", "<a@x>", "<a@x>", "Re: hello", 2),
	    T("<c@x>", "<b@x>", "<a@x> <b@x>", "Re: hello", 3),
	    T("<d@x>", "", "", "other", 4),
	};
	int32_t p[4];

	ui_thread_build(in, 4, 0, p);
	CHECK_INT(p[0], -1);
	CHECK_INT(p[1], 0);
	CHECK_INT(p[2], 1);
	CHECK_INT(p[3], -1);
}

static void
test_thread_build_out_of_order_and_missing_parent(void)
{
	/* The child comes first; two replies to a message we lack. */
	struct ui_thread_in in[] = {
	    T("<c@x>", "<b@x>", "<a@x> <b@x>", "Re: s", 30),
	    T("<b@x>", "<a@x>", "<a@x>", "Re: s", 20),
	    T("<e@x>", "<z@x>", "<z@x>", "Re: lost", 50),
	    T("<f@x>", "<z@x>", "<z@x>", "Re: lost", 40),
	};
	int32_t p[4];

	ui_thread_build(in, 4, 0, p);
	CHECK_INT(p[0], 1);
	/* b's parent a is missing: b is a root. */
	CHECK_INT(p[1], -1);
	/* e and f share the missing z: the earlier (f) leads. */
	CHECK_INT(p[3], -1);
	CHECK_INT(p[2], 3);
}

static void
test_thread_build_loops_and_duplicates(void)
{
	/* a says b is its parent, b says a: no cycle may come out. */
	struct ui_thread_in in[] = {
	    T("<a@x>", "<b@x>", "<b@x>", "x", 1),
	    T("<b@x>", "<a@x>", "<a@x>", "x", 2),
	    T("<a@x>", "", "", "dup", 3),
	    T("<s@x>", "<s@x>", "<s@x>", "self", 4),
	};
	int32_t p[4];
	size_t i, steps;
	int32_t k;

	ui_thread_build(in, 4, 0, p);
	for (i = 0; i < 4; i++) {
		for (k = p[i], steps = 0; k != -1 && steps < 10; k = p[k])
			steps++;
		CHECK(steps < 10);
	}
	CHECK_INT(p[3], -1);
	CHECK_INT(p[2], -1);
}

static void
test_thread_build_by_subject(void)
{
	struct ui_thread_in in[] = {
	    T("<a@x>", "", "", "Meeting", 1),
	    T("<b@x>", "", "", "Re: Meeting", 2),
	    T("<c@x>", "", "", "AW: [list] Meeting", 3),
	    T("<d@x>", "", "", "", 4),
	    T("<e@x>", "", "", "", 5),
	};
	int32_t p[5];

	ui_thread_build(in, 5, 0, p);
	CHECK_INT(p[1], -1);
	ui_thread_build(in, 5, 1, p);
	CHECK_INT(p[0], -1);
	CHECK_INT(p[1], 0);
	CHECK_INT(p[2], 0);
	/* Empty subjects never join. */
	CHECK_INT(p[3], -1);
	CHECK_INT(p[4], -1);
}

static void
test_thread_subject_base(void)
{
	size_t len;
	int reply;
	const char *s;

	s = ui_thread_subject_base("Re: RE[2]: Fwd:  [petrel] hi there ", &len,
	    &reply);
	CHECK_INT(len, 8);
	CHECK(strncmp(s, "hi there", len) == 0);
	CHECK_INT(reply, 1);
	s = ui_thread_subject_base("Reply hazy", &len, &reply);
	CHECK_INT(reply, 0);
	CHECK_INT(len, 10);
}

static void
test_thread_build_huge_references(void)
{
	struct ui_thread_in in[2];
	struct pt_buf b;
	int32_t p[2];
	int i;

	pt_buf_init(&b, 0);
	for (i = 0; i < 5000; i++)
		pt_buf_printf(&b, NULL, "<r%d@x> ", i);
	pt_buf_addstr(&b, "<a@x>", NULL);
	in[0] = (struct ui_thread_in)T("<a@x>", "", "", "a", 1);
	in[1] = (struct ui_thread_in)T("<b@x>", "", b.data, "b", 2);
	ui_thread_build(in, 2, 0, p);
	CHECK_INT(p[1], 0);
	pt_buf_release(&b);
}

/* Model and view. */

static void
put(struct ui_model *m, uint32_t uid, int64_t date, const char *from,
    const char *subj, const char *id, const char *refs, uint32_t flags)
{
	struct ui_msg_in in;

	memset(&in, 0, sizeof in);
	in.uid = uid;
	in.date = date;
	in.arrival = date;
	in.flags = flags;
	in.size = uid * 100;
	in.str[UI_S_FROM_NAME] = from;
	in.str[UI_S_FROM_ADDR] = "x@example.org";
	in.str[UI_S_SUBJECT] = subj;
	in.str[UI_S_MSGID] = id;
	in.str[UI_S_REFS] = refs;
	ui_model_put(m, &in);
}

static uint32_t
row_uid(const struct ui_view *v, size_t row)
{
	return ui_view_row_msg(v, row)->uid;
}

static void
test_model_put_find_remove(void)
{
	struct ui_model m;
	uint32_t i;

	ui_model_init(&m);
	for (i = 1; i <= 3000; i++)
		put(&m, i * 7, i, "A", "s", "", "", 0);
	CHECK_INT(m.n, 3000);
	CHECK_INT(ui_model_find(&m, 7 * 1500), 1499);
	CHECK_INT(ui_model_find(&m, 8), -1);
	put(&m, 7, 5, "B\x1b[2J", "s2", "", "", UI_F_SEEN);
	CHECK_INT(m.n, 3000);
	/* Display strings are sanitized on the way in. */
	CHECK_STR(ui_msg_from(&m.msg[0]), "B\xe2\x90\x9b[2J");
	CHECK_INT(ui_model_remove(&m, 14), 0);
	CHECK_INT(ui_model_remove(&m, 14), -1);
	ui_model_compact(&m);
	CHECK_INT(m.n, 2999);
	CHECK_INT(ui_model_find(&m, 14), -1);
	CHECK_INT(ui_model_find(&m, 21), 1);
	ui_model_release(&m);
}

static void
test_view_sorts(void)
{
	struct ui_model m;
	struct ui_view v;

	ui_model_init(&m);
	put(&m, 1, 300, "carol", "Re: banana", "", "", 0);
	put(&m, 2, 100, "alice", "cherry", "", "", 0);
	put(&m, 3, 200, "Bob", "apple", "", "", 0);
	ui_view_init(&v, &m);
	v.height = 10;
	v.sort = UI_SORT_DATE;
	ui_view_rebuild(&v);
	CHECK_INT(row_uid(&v, 0), 2);
	CHECK_INT(row_uid(&v, 2), 1);
	v.sort = UI_SORT_FROM;
	ui_view_rebuild(&v);
	CHECK_INT(row_uid(&v, 0), 2);
	CHECK_INT(row_uid(&v, 1), 3);
	v.sort = UI_SORT_SUBJECT;
	ui_view_rebuild(&v);
	CHECK_INT(row_uid(&v, 0), 3);
	CHECK_INT(row_uid(&v, 1), 1);
	v.sort = UI_SORT_SIZE;
	v.reverse = 1;
	ui_view_rebuild(&v);
	CHECK_INT(row_uid(&v, 0), 3);
	v.sort = UI_SORT_ARRIVAL;
	v.reverse = 0;
	ui_view_rebuild(&v);
	CHECK_INT(row_uid(&v, 0), 1);
	ui_view_release(&v);
	ui_model_release(&m);
}

static void
test_view_threads_tree_and_collapse(void)
{
	struct ui_model m;
	struct ui_view v;
	struct pt_buf b;
	int32_t *slots;
	size_t n;

	ui_model_init(&m);
	put(&m, 1, 10, "a", "topic", "<1@x>", "", 0);
	put(&m, 2, 20, "b", "Re: topic", "<2@x>", "<1@x>", 0);
	put(&m, 3, 30, "c", "Re: topic", "<3@x>", "<1@x> <2@x>", 0);
	put(&m, 4, 25, "d", "Re: topic", "<4@x>", "<1@x>", 0);
	put(&m, 5, 15, "e", "other", "<5@x>", "", 0);
	ui_view_init(&v, &m);
	v.height = 10;
	ui_view_rebuild(&v);
	/* 1, 2, 3, 4 (children by date), then 5 (roots by date). */
	CHECK_INT(v.nrows, 5);
	CHECK_INT(row_uid(&v, 0), 1);
	CHECK_INT(row_uid(&v, 1), 2);
	CHECK_INT(row_uid(&v, 2), 3);
	CHECK_INT(row_uid(&v, 3), 4);
	CHECK_INT(row_uid(&v, 4), 5);
	pt_buf_init(&b, 0);
	ui_view_tree(&v, 2, 1, &b);
	CHECK_STR(b.data, "\xe2\x94\x82 \xe2\x94\x94\xe2\x94\x80>");
	pt_buf_reset(&b);
	ui_view_tree(&v, 1, 0, &b);
	CHECK_STR(b.data, "|->");
	pt_buf_reset(&b);
	ui_view_tree(&v, 3, 0, &b);
	CHECK_STR(b.data, "`->");
	pt_buf_release(&b);
	CHECK_INT(ui_view_parent(&v, 2), 1);
	CHECK_INT(ui_view_thread_root(&v, 3), 0);
	CHECK_INT(ui_view_next_thread(&v, 2, 1), 4);
	CHECK_INT(ui_view_next_thread(&v, 4, -1), 0);
	n = ui_view_thread_slots(&v, 1, 1, &slots);
	CHECK_INT(n, 2);
	free(slots);
	n = ui_view_thread_slots(&v, 1, 0, &slots);
	CHECK_INT(n, 4);
	free(slots);

	/* Collapse the thread with the cursor on a child. */
	ui_view_set_cursor(&v, 2);
	m.msg[ui_model_find(&m, 1)].mark |= UI_M_COLLAPSED;
	ui_view_rebuild(&v);
	CHECK_INT(v.nrows, 2);
	CHECK_INT(v.cursor, 0);
	CHECK_INT(v.ndesc[ui_model_find(&m, 1)], 3);
	ui_view_release(&v);
	ui_model_release(&m);
}

static void
test_view_cursor_stays_on_new_mail_and_expunge(void)
{
	struct ui_model m;
	struct ui_view v;
	uint32_t i;

	ui_model_init(&m);
	for (i = 1; i <= 100; i++)
		put(&m, i, i, "a", "s", "", "", 0);
	ui_view_init(&v, &m);
	v.sort = UI_SORT_DATE;
	v.height = 20;
	ui_view_rebuild(&v);
	/* At the very top, the view stays there: new mail shows. */
	ui_view_set_cursor(&v, 3);
	put(&m, 200, 0, "n", "older", "", "", 0);
	ui_view_rebuild(&v);
	CHECK_INT(v.top, 0);
	CHECK_INT(row_uid(&v, 0), 200);
	CHECK_INT(row_uid(&v, v.cursor), 4);
	ui_model_remove(&m, 200);
	ui_view_rebuild(&v);
	ui_view_set_cursor(&v, 50);
	ui_view_scroll(&v, 0);
	{
		size_t off = v.cursor - v.top;

		/* New mail sorts in above the cursor. */
		for (i = 101; i <= 110; i++)
			put(&m, i, (int64_t)i - 100, "n", "new", "", "", 0);
		ui_view_rebuild(&v);
		CHECK_INT(row_uid(&v, v.cursor), 51);
		CHECK_INT(v.cursor - v.top, off);
	}
	/* The cursor's message vanishes: the next one takes its place. */
	ui_model_remove(&m, 51);
	ui_view_rebuild(&v);
	CHECK_INT(row_uid(&v, v.cursor), 52);
	/* The last messages vanish under the cursor: the one before. */
	ui_view_set_cursor(&v, (long)v.nrows - 1);
	ui_model_remove(&m, 100);
	ui_view_rebuild(&v);
	CHECK_INT(row_uid(&v, v.cursor), 99);
	/* Everything goes. */
	for (i = 1; i <= 110; i++)
		ui_model_remove(&m, i);
	ui_view_rebuild(&v);
	CHECK_INT(v.nrows, 0);
	CHECK(ui_view_cursor_msg(&v) == NULL);
	ui_view_release(&v);
	ui_model_release(&m);
}

static void
test_view_paging(void)
{
	struct ui_model m;
	struct ui_view v;
	uint32_t i;

	ui_model_init(&m);
	for (i = 1; i <= 45; i++)
		put(&m, i, i, "a", "s", "", "", 0);
	ui_view_init(&v, &m);
	v.sort = UI_SORT_DATE;
	v.height = 10;
	ui_view_rebuild(&v);
	ui_view_page(&v, 1);
	CHECK_INT(v.top, 10);
	CHECK_INT(v.cursor, 10);
	ui_view_page(&v, 1);
	ui_view_page(&v, 1);
	ui_view_page(&v, 1);
	CHECK_INT(v.top, 35);
	CHECK_INT(v.cursor, 40);
	ui_view_page(&v, 1);
	CHECK_INT(v.cursor, 44);
	ui_view_page(&v, -1);
	CHECK_INT(v.top, 25);
	ui_view_set_cursor(&v, 0);
	CHECK_INT(v.top, 0);
	ui_view_set_cursor(&v, 12);
	CHECK_INT(v.top, 3);
	ui_view_release(&v);
	ui_model_release(&m);
}

static int
pred_unread(const struct ui_msg *m, const void *arg)
{
	(void)arg;
	return !(m->flags & UI_F_SEEN);
}

static void
test_view_find_and_limit(void)
{
	struct ui_model m;
	struct ui_view v;
	struct pt_error err;

	ui_model_init(&m);
	put(&m, 1, 1, "alice", "one", "", "", UI_F_SEEN);
	put(&m, 2, 2, "bob", "two", "", "", 0);
	put(&m, 3, 3, "alice", "three", "", "", UI_F_SEEN | UI_F_FLAGGED);
	put(&m, 4, 4, "carol", "four", "", "", 0);
	ui_view_init(&v, &m);
	v.sort = UI_SORT_DATE;
	v.height = 10;
	ui_view_rebuild(&v);
	CHECK_INT(v.unread, 2);
	CHECK_INT(v.flagged, 1);
	CHECK_INT(ui_view_find(&v, 1, 1, 0, pred_unread, NULL), 3);
	CHECK_INT(ui_view_find(&v, 3, 1, 0, pred_unread, NULL), -1);
	CHECK_INT(ui_view_find(&v, 3, 1, 1, pred_unread, NULL), 1);
	pt_error_init(&err);
	ui_view_set_cursor(&v, 2);
	ui_view_set_limit(&v, ui_pattern_compile("~f alice", 0, &err),
	    "~f alice");
	ui_view_rebuild(&v);
	CHECK_INT(v.nrows, 2);
	CHECK_INT(row_uid(&v, v.cursor), 3);
	/* Counts stay those of the folder. */
	CHECK_INT(v.total, 4);
	ui_view_set_limit(&v, NULL, NULL);
	ui_view_rebuild(&v);
	CHECK_INT(v.nrows, 4);
	CHECK_INT(row_uid(&v, v.cursor), 3);
	ui_view_release(&v);
	ui_model_release(&m);
}

/* Patterns. */

static int
match(const char *pat, const struct ui_msg *msg, time_t now)
{
	struct pt_error err;
	struct ui_pattern *p;
	int r;

	pt_error_init(&err);
	if ((p = ui_pattern_compile(pat, now, &err)) == NULL) {
		fprintf(stderr, "  pattern '%s': %s\n", pat, err.msg);
		return -1;
	}
	r = ui_pattern_match(p, msg);
	ui_pattern_free(&p);
	return r;
}

static void
test_pattern_match(void)
{
	struct ui_model m;
	struct ui_msg *msg;
	struct ui_msg_in in;
	time_t now = 1700000000;

	ui_model_init(&m);
	memset(&in, 0, sizeof in);
	in.uid = 9;
	in.flags = UI_F_FLAGGED;
	in.date = now - 3 * 86400;
	in.arrival = now - 86400;
	in.size = 20000;
	in.str[UI_S_FROM_NAME] = "Zoë Müller";
	in.str[UI_S_FROM_ADDR] = "zoe@example.org";
	in.str[UI_S_TO] = "team@example.org";
	in.str[UI_S_SUBJECT] = "Quarterly REPORT";
	in.str[UI_S_MSGID] = "<q@x>";
	ui_model_put(&m, &in);
	msg = &m.msg[0];

	CHECK_INT(match("~f zoe", msg, now), 1);
	CHECK_INT(match("~f MÜLLER", msg, now), 0);
	CHECK_INT(match("~f müller", msg, now), 1);
	CHECK_INT(match("report", msg, now), 1);
	CHECK_INT(match("Report", msg, now), 0);
	CHECK_INT(match("~s report ~F", msg, now), 1);
	CHECK_INT(match("~s report !~F", msg, now), 0);
	CHECK_INT(match("~U ~F", msg, now), 1);
	CHECK_INT(match("~R | ~D", msg, now), 0);
	CHECK_INT(match("!(~R | ~D)", msg, now), 1);
	CHECK_INT(match("~t team ~s \"quarterly report\"", msg, now), 1);
	CHECK_INT(match("~L team", msg, now), 1);
	CHECK_INT(match("~d <1w", msg, now), 1);
	CHECK_INT(match("~d <2d", msg, now), 0);
	CHECK_INT(match("~d >2d", msg, now), 1);
	CHECK_INT(match("~r <2d", msg, now), 1);
	CHECK_INT(match("~z >10K", msg, now), 1);
	CHECK_INT(match("~z <10K", msg, now), 0);
	CHECK_INT(match("~z 10K-30K", msg, now), 1);
	CHECK_INT(match("~i q@x", msg, now), 1);
	CHECK_INT(match("~T", msg, now), 0);
	CHECK_INT(match("~A", msg, now), 1);
	ui_model_release(&m);
}

static void
test_pattern_dates(void)
{
	struct ui_model m;
	struct ui_msg_in in;
	struct tm tm;
	time_t now = 1700000000; /* 2023-11-14 22:13:20 UTC */

	setenv("TZ", "UTC", 1);
	tzset();
	memset(&tm, 0, sizeof tm);
	tm.tm_year = 124;
	tm.tm_mon = 1;
	tm.tm_mday = 1;
	tm.tm_hour = 12;
	ui_model_init(&m);
	memset(&in, 0, sizeof in);
	in.uid = 1;
	in.date = (int64_t)timegm(&tm);
	ui_model_put(&m, &in);
	CHECK_INT(match("~d 01/02/2024", &m.msg[0], now), 1);
	CHECK_INT(match("~d 02/02/2024", &m.msg[0], now), 0);
	CHECK_INT(match("~d 2024-02-01", &m.msg[0], now), 1);
	CHECK_INT(match("~d 15/01/2024-", &m.msg[0], now), 1);
	CHECK_INT(match("~d -15/01/2024", &m.msg[0], now), 0);
	CHECK_INT(match("~d 15/01/2024-01/02/2024", &m.msg[0], now), 1);
	CHECK_INT(match("~d 2024-01-01..2024-01-31", &m.msg[0], now), 0);
	CHECK_INT(match("~d 01/02/24", &m.msg[0], now), 1);
	ui_model_release(&m);
}

static void
test_pattern_errors_and_server_terms(void)
{
	struct pt_error err;
	struct ui_pattern *p;
	struct ui_model m;
	struct ui_msg_in in;
	uint32_t uids[] = {9, 3, 5};
	int kind;

	pt_error_init(&err);
	CHECK(ui_pattern_compile("~q x", 0, &err) == NULL);
	CHECK(strstr(err.msg, "~q") != NULL);
	CHECK(ui_pattern_compile("~f", 0, &err) == NULL);
	CHECK(ui_pattern_compile("(~f a", 0, &err) == NULL);
	CHECK(ui_pattern_compile("~d yesterday", 0, &err) == NULL);
	CHECK(ui_pattern_compile("  ", 0, &err) == NULL);
	CHECK(ui_pattern_compile("~s \"open", 0, &err) == NULL);

	p = ui_pattern_compile("~b invoice | ~f bob", 0, &err);
	CHECK(p != NULL);
	CHECK_INT(ui_pattern_server_terms(p), 1);
	CHECK_STR(ui_pattern_server_term(p, 0, &kind), "invoice");
	CHECK_INT(kind, 'b');
	CHECK_INT(ui_pattern_pending(p), 1);
	ui_model_init(&m);
	memset(&in, 0, sizeof in);
	in.uid = 5;
	ui_model_put(&m, &in);
	CHECK_INT(ui_pattern_match(p, &m.msg[0]), 0);
	ui_pattern_server_set(p, 0, uids, 3);
	CHECK_INT(ui_pattern_pending(p), 0);
	CHECK_INT(ui_pattern_match(p, &m.msg[0]), 1);
	ui_pattern_free(&p);
	ui_model_release(&m);
}

/* Width and formatting. */

static char *
fit(const char *s, size_t minw, size_t maxw, int right)
{
	struct pt_buf b;

	pt_buf_init(&b, 0);
	ui_text_fit(&b, s, strlen(s), minw, maxw, right);
	return pt_buf_detach(&b, NULL);
}

#define CHECK_FIT(s, mn, mx, r, want)                                          \
	do {                                                                   \
		char *got_ = fit((s), (mn), (mx), (r));                        \
		CHECK_STR(got_, (want));                                       \
		free(got_);                                                    \
	} while (0)

static void
test_text_fit_wide_and_combining(void)
{
	CHECK_FIT("abc", 5, 5, 0, "abc  ");
	CHECK_FIT("abc", 5, 5, 1, "  abc");
	CHECK_FIT("abcdef", 0, 4, 0, "abcd");
	/* CJK: two columns each; half a character becomes a space. */
	CHECK_FIT("日本語", 0, 5, 0, "日本 ");
	CHECK_FIT("日本語", 6, 6, 0, "日本語");
	/* Emoji are wide too. */
	CHECK_FIT("\xf0\x9f\x98\x80x", 0, 2, 0, "\xf0\x9f\x98\x80");
	/* A combining accent stays with its letter and takes no column. */
	CHECK_FIT("e\xcc\x81tude", 3, 3, 0, "e\xcc\x81tu");
	CHECK_FIT("ab"
		  "c\xcc\x81",
	    3, 3, 0, "abc\xcc\x81");
	CHECK_INT(ui_text_width("日本e\xcc\x81", strlen("日本e\xcc\x81")), 5);
	/* Invalid bytes and unassigned code points count one column. */
	CHECK_INT(ui_text_width("\xff", 1), 1);
	/* Controls and bidi overrides never reach the screen. */
	CHECK_FIT("a\x1b[2Jb", 6, 6, 0, "a?[2Jb");
	CHECK_FIT("x\xe2\x80\xaey", 3, 3, 0, "x\xef\xbf\xbdy");
	CHECK_FIT("x\xc2\x9by", 3, 3, 0, "x\xef\xbf\xbdy");
}

static void
test_text_size(void)
{
	char b[16];

	ui_text_size(b, sizeof b, 999);
	CHECK_STR(b, "999");
	ui_text_size(b, sizeof b, 1536);
	CHECK_STR(b, "1.5K");
	ui_text_size(b, sizeof b, 200 * 1024);
	CHECK_STR(b, "200K");
	ui_text_size(b, sizeof b, 5 * 1024 * 1024);
	CHECK_STR(b, "5.0M");
}

static void
test_format_index_columns(void)
{
	struct ui_model m;
	struct ui_msg_in in;
	struct ui_fmt_ctx ctx;
	struct pt_buf b;

	setenv("TZ", "UTC", 1);
	tzset();
	ui_model_init(&m);
	memset(&in, 0, sizeof in);
	in.uid = 42;
	in.date = 1700000000;
	in.size = 2048;
	in.str[UI_S_FROM_NAME] = "山田太郎";
	in.str[UI_S_SUBJECT] = "Grüße 😀 from Tōkyō";
	ui_model_put(&m, &in);
	m.msg[0].mark |= UI_M_TAGGED;
	memset(&ctx, 0, sizeof ctx);
	ctx.msg = &m.msg[0];
	ctx.number = 7;
	ctx.tree = "";
	ctx.date_fmt = "%b %d";
	pt_buf_init(&b, 0);
	ui_format_index(&b, "%4C %Z %D %-10.10F %s", &ctx, 50);
	CHECK_STR(b.data, "   7 N * Nov 14 山田太郎   Grüße 😀 from Tōkyō    ");
	CHECK_INT(ui_text_width(b.data, b.len), 50);
	pt_buf_reset(&b);
	ui_format_index(&b, "%s%>-%c", &ctx, 24);
	CHECK_STR(b.data, "Grüße 😀 from Tōkyō-2.0K");
	pt_buf_reset(&b);
	ui_format_index(&b, "%-6.6F|%[%Y]|%u|%q", &ctx, 20);
	CHECK_STR(b.data, "山田太|2023|42|%q   ");
	pt_buf_reset(&b);
	/* A thread child with the same subject shows only the tree. */
	ctx.tree = "`->";
	ctx.hide_subject = 1;
	ui_format_index(&b, "%s", &ctx, 6);
	CHECK_STR(b.data, "`->   ");
	pt_buf_release(&b);
	ui_model_release(&m);
}

/* Keys. */

static void
test_key_parse_and_name(void)
{
	uint32_t k;
	char name[32];

	CHECK_INT(ui_key_parse("j", 1, &k), 0);
	CHECK_INT(k, 'j');
	CHECK_INT(ui_key_parse("^D", 2, &k), 0);
	CHECK_INT(k, 4);
	CHECK_INT(ui_key_parse("<C-d>", 5, &k), 0);
	CHECK_INT(k, 4);
	CHECK_INT(ui_key_parse("<Esc>v", 6, &k), 0);
	CHECK_INT(k, UI_KEY_META | 'v');
	CHECK_INT(ui_key_parse("\\ev", 3, &k), 0);
	CHECK_INT(k, UI_KEY_META | 'v');
	CHECK_INT(ui_key_parse("<M-v>", 5, &k), 0);
	CHECK_INT(k, UI_KEY_META | 'v');
	CHECK_INT(ui_key_parse("<down>", 6, &k), 0);
	CHECK_INT(k, UI_KEY_FN | KEY_DOWN);
	CHECK_INT(ui_key_parse("<F5>", 4, &k), 0);
	CHECK_INT(k, UI_KEY_FN | KEY_F(5));
	CHECK_INT(ui_key_parse("ü", strlen("ü"), &k), 0);
	CHECK_INT(k, 0xFC);
	CHECK_INT(ui_key_parse("<comma>", 7, &k), 0);
	CHECK_INT(k, ',');
	CHECK_INT(ui_key_parse("<", 1, &k), 0);
	CHECK_INT(k, '<');
	CHECK_INT(ui_key_parse("<Nope>", 6, &k), -1);
	CHECK_INT(ui_key_parse("ab", 2, &k), -1);
	ui_key_name(UI_KEY_META | '\t', name, sizeof name);
	CHECK_STR(name, "<Esc><Tab>");
	ui_key_name(4, name, sizeof name);
	CHECK_STR(name, "^D");
	ui_key_name(UI_KEY_FN | KEY_NPAGE, name, sizeof name);
	CHECK_STR(name, "<PageDown>");
	ui_key_name(UI_KEY_FN | KEY_F(12), name, sizeof name);
	CHECK_STR(name, "<F12>");
}

static void
test_keymap_defaults_and_rebinding(void)
{
	struct ui_keymap km;
	struct pt_error err;
	char keys[128];

	ui_keymap_init(&km);
	CHECK_INT(ui_keymap_lookup(&km, UI_MAP_INDEX, 'j'),
	    UI_OP_NEXT_UNDELETED);
	CHECK_INT(ui_keymap_lookup(&km, UI_MAP_INDEX, 'q'), UI_OP_QUIT);
	CHECK_INT(ui_keymap_lookup(&km, UI_MAP_FOLDERS, 'q'), UI_OP_EXIT);
	CHECK_INT(ui_keymap_lookup(&km, UI_MAP_INDEX, '\t'), UI_OP_NEXT_UNREAD);
	CHECK_INT(ui_keymap_lookup(&km, UI_MAP_INDEX, '/'), UI_OP_SEARCH);
	CHECK_INT(ui_keymap_lookup(&km, UI_MAP_PAGER, ' '), UI_OP_NEXT_PAGE);
	/* The pager does not fall back to the generic map. */
	CHECK_INT(ui_keymap_lookup(&km, UI_MAP_PAGER, 'z'), UI_OP_NONE);
	ui_keymap_keys(&km, UI_MAP_INDEX, UI_OP_NEXT_UNDELETED, keys,
	    sizeof keys);
	CHECK_STR(keys, "j <Down>");
	/* Generic keys the index shadows are not listed for it. */
	ui_keymap_keys(&km, UI_MAP_INDEX, UI_OP_NEXT_ENTRY, keys, sizeof keys);
	CHECK_STR(keys, "J");

	pt_error_init(&err);
	CHECK_INT(ui_keymap_parse(&km, UI_MAP_INDEX,
		      "D delete-thread, <Esc>d noop,<comma> limit", &err),
	    0);
	CHECK_INT(ui_keymap_lookup(&km, UI_MAP_INDEX, 'D'),
	    UI_OP_DELETE_THREAD);
	CHECK_INT(ui_keymap_lookup(&km, UI_MAP_INDEX, UI_KEY_META | 'd'),
	    UI_OP_NONE);
	CHECK_INT(ui_keymap_lookup(&km, UI_MAP_INDEX, ','), UI_OP_LIMIT);
	CHECK_INT(ui_keymap_parse(&km, UI_MAP_INDEX, "x frobnicate", &err), -1);
	CHECK(strstr(err.msg, "frobnicate") != NULL);
	CHECK_INT(ui_keymap_parse(&km, UI_MAP_INDEX, "<Foo> limit", &err), -1);
	CHECK_INT(ui_keymap_parse(&km, UI_MAP_INDEX, "limit", &err), -1);
	CHECK_INT(ui_keymap_parse(&km, UI_MAP_FOLDERS, "x skip-quoted", &err),
	    -1);
	ui_keymap_release(&km);
}

static void
test_ops_have_names_and_maps(void)
{
	size_t i;
	int m, any;

	for (i = 0; i < UI_OP_COUNT; i++) {
		CHECK(ui_ops[i].name != NULL);
		CHECK(ui_ops[i].desc != NULL);
		if (i == UI_OP_NONE)
			continue;
		for (any = 0, m = 0; m < UI_MAP_COUNT; m++)
			any |= ui_op_in_map((enum ui_op)i, (enum ui_map)m);
		CHECK(any);
	}
}

/*
 * petrel(1)'s KEYS section names every function that has a key, and
 * every key of the index and pager maps (as ".It Ic KEY").
 */
static void
test_keys_documented_in_petrel_1(void)
{
	const char *top = getenv("top_srcdir");
	struct ui_keymap km;
	char *path, *page, *keys;
	const char *end;
	size_t i, m;

	if (top == NULL)
		return;
	path = pt_xasprintf("%s/man/petrel.1", top);
	page = pt_file_read(path, 1024 * 1024, NULL, NULL);
	free(path);
	CHECK(page != NULL);
	if (page == NULL)
		return;
	keys = strstr(page, ".Sh KEYS");
	CHECK(keys != NULL);
	if (keys == NULL) {
		free(page);
		return;
	}
	if ((end = strstr(keys + 1, "\n.Sh ")) != NULL)
		keys[end - keys] = '\0';
	ui_keymap_init(&km);
	for (m = 0; m < UI_MAP_COUNT; m++) {
		for (i = 0; i < km.n[m]; i++) {
			char want[64];

			snprintf(want, sizeof want, "Cm %s",
			    ui_ops[km.b[m][i].op].name);
			if (strstr(keys, want) == NULL) {
				fprintf(stderr, "  petrel(1) lacks %s\n", want);
				CHECK(0);
			}
		}
	}
	ui_keymap_release(&km);
	free(page);
}

/* The line editor. */

static void
test_edit_scroll(void)
{
	struct ui_edit e;

	/* 12 columns of text: 10 ASCII and one wide character. */
	ui_edit_init(&e, "abcdefghij\xe6\x97\xa5", NULL);
	CHECK_INT(ui_edit_scroll(&e, 20), 12);
	CHECK_INT(e.scroll, 0);
	/* Too narrow: it scrolls until the cursor fits. */
	CHECK_INT(ui_edit_scroll(&e, 8), 7);
	CHECK_INT(e.scroll, 5);
	/* The cursor moved left of what is shown: back to it. */
	e.pos = 2;
	CHECK_INT(ui_edit_scroll(&e, 8), 0);
	CHECK_INT(e.scroll, 2);
	ui_edit_release(&e);
}

static void
test_edit_keys_and_history(void)
{
	struct ui_hist h;
	struct ui_edit e;
	char *t;

	ui_hist_init(&h, 3);
	ui_hist_add(&h, "one");
	ui_hist_add(&h, "two");
	ui_hist_add(&h, "one");
	CHECK_INT(h.n, 2);
	CHECK_STR(h.item[1], "one");
	ui_edit_init(&e, "héllo wörld", &h);
	ui_edit_key(&e, 23); /* ^W */
	t = ui_edit_text(&e);
	CHECK_STR(t, "héllo ");
	free(t);
	ui_edit_key(&e, 1); /* ^A */
	ui_edit_key(&e, 4); /* ^D */
	ui_edit_key(&e, 0x65e5);
	t = ui_edit_text(&e);
	CHECK_STR(t, "日éllo ");
	free(t);
	ui_edit_key(&e, UI_KEY_FN | KEY_UP);
	t = ui_edit_text(&e);
	CHECK_STR(t, "one");
	free(t);
	ui_edit_key(&e, UI_KEY_FN | KEY_UP);
	ui_edit_key(&e, UI_KEY_FN | KEY_UP);
	t = ui_edit_text(&e);
	CHECK_STR(t, "two");
	free(t);
	ui_edit_key(&e, UI_KEY_FN | KEY_DOWN);
	ui_edit_key(&e, UI_KEY_FN | KEY_DOWN);
	t = ui_edit_text(&e);
	CHECK_STR(t, "日éllo ");
	free(t);
	ui_edit_key(&e, UI_KEY_FN | KEY_LEFT);
	ui_edit_key(&e, 11); /* ^K */
	ui_edit_key(&e, UI_KEY_FN | KEY_BACKSPACE);
	t = ui_edit_text(&e);
	CHECK_STR(t, "日éll");
	free(t);
	CHECK_INT(ui_edit_key(&e, UI_KEY_FN | KEY_F(3)), 0);
	ui_edit_release(&e);
	ui_hist_release(&h);
}

static void
test_edit_complete(void)
{
	const char *folders[] = {"INBOX", "Archive/2023", "Archive/2024",
	    "Arbeit"};
	struct ui_edit e;
	char *t;

	ui_edit_init(&e, "Arc", NULL);
	CHECK_INT(ui_edit_complete(&e, folders, 4), 2);
	t = ui_edit_text(&e);
	CHECK_STR(t, "Archive/202");
	free(t);
	ui_edit_set(&e, "I");
	CHECK_INT(ui_edit_complete(&e, folders, 4), 1);
	t = ui_edit_text(&e);
	CHECK_STR(t, "INBOX");
	free(t);
	ui_edit_set(&e, "x");
	CHECK_INT(ui_edit_complete(&e, folders, 4), 0);
	ui_edit_release(&e);
}

/* Path completion against a real folder. */
static void
test_edit_complete_path(void)
{
	char base[] = "/tmp/pt-path-XXXXXX", *p, *t, **names;
	const char *files[] = {"report.pdf", "report-2024.txt", ".hidden",
	    "\xc3\xbc\x62\x65r.txt", "\x1b[31mred"};
	struct ui_edit e;
	size_t i, n;

	CHECK(mkdtemp(base) != NULL);
	for (i = 0; i < PT_NELEM(files); i++) {
		p = pt_xasprintf("%s/%s", base, files[i]);
		CHECK_INT(pt_file_write_atomic(p, "x", 1, 0600, NULL), 0);
		free(p);
	}
	p = pt_xasprintf("%s/photos", base);
	CHECK_INT(pt_mkdir_p(p, 0700, NULL), 0);
	free(p);

	/* Two names: the common part, both listed in order. */
	p = pt_xasprintf("%s/rep", base);
	ui_edit_init(&e, p, NULL);
	free(p);
	n = ui_edit_complete_path(&e, NULL, &names);
	CHECK_INT(n, 2);
	t = ui_edit_text(&e);
	p = pt_xasprintf("%s/report", base);
	CHECK_STR(t, p);
	free(p);
	free(t);
	CHECK_STR(names[0], "report-2024.txt");
	CHECK_STR(names[1], "report.pdf");
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);

	/* A lone directory gets its '/'; text after the cursor stays. */
	p = pt_xasprintf("%s/phEND", base);
	ui_edit_set(&e, p);
	free(p);
	e.pos -= 3;
	CHECK_INT(ui_edit_complete_path(&e, NULL, &names), 1);
	t = ui_edit_text(&e);
	p = pt_xasprintf("%s/photos/END", base);
	CHECK_STR(t, p);
	free(p);
	free(t);
	CHECK_INT(e.len - e.pos, 3);
	CHECK_STR(names[0], "photos/");
	free(names[0]);
	free(names);

	/* ~ is home; hidden names only after a dot; UTF-8 names. */
	ui_edit_set(&e, "~/ph");
	CHECK_INT(ui_edit_complete_path(&e, base, &names), 1);
	t = ui_edit_text(&e);
	CHECK_STR(t, "~/photos/");
	free(t);
	free(names[0]);
	free(names);
	ui_edit_set(&e, "~");
	CHECK_INT(ui_edit_complete_path(&e, base, &names), 4);
	t = ui_edit_text(&e);
	CHECK_STR(t, "~/");
	free(t);
	for (i = 0; i < 4; i++)
		free(names[i]);
	free(names);
	ui_edit_set(&e, "~/.");
	CHECK_INT(ui_edit_complete_path(&e, base, &names), 1);
	t = ui_edit_text(&e);
	CHECK_STR(t, "~/.hidden");
	free(t);
	free(names[0]);
	free(names);
	ui_edit_set(&e, "~/\xc3\xbc");
	CHECK_INT(ui_edit_complete_path(&e, base, &names), 1);
	t = ui_edit_text(&e);
	CHECK_STR(t, "~/\xc3\xbc\x62\x65r.txt");
	free(t);
	free(names[0]);
	free(names);

	/* Nothing matches: the line is left alone. */
	ui_edit_set(&e, "~/zz");
	CHECK_INT(ui_edit_complete_path(&e, base, &names), 0);
	CHECK(names == NULL);
	t = ui_edit_text(&e);
	CHECK_STR(t, "~/zz");
	free(t);
	ui_edit_release(&e);

	t = ui_path_expand("~/a b", "/home/x");
	CHECK_STR(t, "/home/x/a b");
	free(t);
	t = ui_path_expand("~user/a", "/home/x");
	CHECK_STR(t, "~user/a");
	free(t);
	t = ui_path_expand("/abs", NULL);
	CHECK_STR(t, "/abs");
	free(t);

	for (i = 0; i < PT_NELEM(files); i++) {
		p = pt_xasprintf("%s/%s", base, files[i]);
		unlink(p);
		free(p);
	}
	p = pt_xasprintf("%s/photos", base);
	rmdir(p);
	free(p);
	rmdir(base);
}

/* ---- address completion (addrcomplete.c) ---- */

/* 1 when text parses as one address equal to addr (the send check). */
static int
sendable(const char *text, const char *addr, const char *name)
{
	struct mime_addrlist l = {0};
	struct pt_error err;
	int ok;

	pt_error_init(&err);
	ok = mime_addrlist_parse(text, &l, &err) == 0 && l.n == 1 &&
	     strcmp(l.v[0].addr, addr) == 0 &&
	     strcmp(l.v[0].name != NULL ? l.v[0].name : "", name) == 0;
	if (!ok)
		fprintf(stderr, "  '%s' does not parse back: %s\n", text,
		    err.msg);
	mime_addrlist_release(&l);
	return ok;
}

static void
test_query_parse_mutt_format(void)
{
	struct ui_addr_cands c = {0};
	const char out[] = "Searching database ... 5 entries ... 4 matching:\n"
			   "bob@example.test\tBob Example\tfriends\n"
			   "doe@example.test\tDoe, \"Jane\" (work)\r\n"
			   "noname@example.test\n"
			   "\n"
			   "not an address\tNobody\n"
			   "BOB@example.test\tBob again\n"
			   "  <spaced@example.test>  \tSpaced\n"
			   "esc@example.test\tEvil\x1b[2J\xff\xfeName\n"
			   "last@example.test\tNo newline";
	size_t bad, i;

	bad = ui_query_parse(out, sizeof out - 1, &c);
	CHECK_INT(bad, 1);
	CHECK_INT(c.n, 6);
	if (c.n != 6)
		goto out;
	CHECK_STR(c.v[0].addr, "bob@example.test");
	CHECK_STR(c.v[0].name, "Bob Example");
	CHECK_STR(c.v[0].display, "Bob Example <bob@example.test>");
	CHECK_STR(c.v[1].name, "Doe, \"Jane\" (work)");
	CHECK_STR(c.v[2].display, "noname@example.test");
	CHECK_STR(c.v[3].addr, "spaced@example.test");
	/* Nothing raw from the program reaches the line. */
	CHECK(strchr(c.v[4].name, '\x1b') == NULL);
	CHECK(pt_utf8_valid(c.v[4].name, strlen(c.v[4].name)));
	CHECK_STR(c.v[5].name, "No newline");
	/* Every completion passes the check before sending. */
	for (i = 0; i < c.n; i++)
		CHECK(sendable(c.v[i].display, c.v[i].addr, c.v[i].name));
out:
	ui_addr_cands_release(&c);
}

static void
test_query_parse_limits(void)
{
	struct ui_addr_cands c = {0};
	struct pt_buf b;
	size_t i, bad;

	/* A line past UI_QUERY_LINE_MAX is skipped, the next one is read. */
	pt_buf_init(&b, 0);
	pt_buf_addstr(&b, "status\nlong@example.test\t", NULL);
	for (i = 0; i < UI_QUERY_LINE_MAX; i++)
		pt_buf_addch(&b, 'x', NULL);
	pt_buf_addstr(&b, "\nok@example.test\tOK\n", NULL);
	/* Non-UTF-8 in an address: not an address. */
	pt_buf_addstr(&b, "z\xe9@example.test\tLatin-1\n", NULL);
	bad = ui_query_parse(b.data, b.len, &c);
	CHECK_INT(bad, 2);
	CHECK_INT(c.n, 1);
	if (c.n == 1)
		CHECK_STR(c.v[0].addr, "ok@example.test");
	ui_addr_cands_release(&c);
	/* At most UI_ADDR_CANDS_MAX candidates, however long the output. */
	pt_buf_reset(&b);
	pt_buf_addstr(&b, "status\n", NULL);
	for (i = 0; i < UI_ADDR_CANDS_MAX + 50; i++)
		pt_buf_printf(&b, NULL, "u%zu@example.test\tU\n", i);
	(void)ui_query_parse(b.data, b.len, &c);
	CHECK_INT(c.n, UI_ADDR_CANDS_MAX);
	ui_addr_cands_release(&c);
	/* Empty output, and the status line alone. */
	CHECK_INT(ui_query_parse("", 0, &c), 0);
	CHECK_INT(ui_query_parse("only a status line", 18, &c), 0);
	CHECK_INT(c.n, 0);
	pt_buf_release(&b);
}

static void
test_query_command_quoting(void)
{
	char *s;

	s = ui_query_command("khard email --parsable %s", "bo");
	CHECK_STR(s, "khard email --parsable 'bo'");
	free(s);
	s = ui_query_command("q %s 100%%", "it's $(rm -rf /) `x` \"y\"");
	CHECK_STR(s, "q 'it'\\''s $(rm -rf /) `x` \"y\"' 100%");
	free(s);
	s = ui_query_command("no-arg", "bo");
	CHECK_STR(s, "no-arg");
	free(s);
}

static void
test_addr_word_start(void)
{
	CHECK_INT(ui_addr_word_start("bo"), 0);
	CHECK_INT(ui_addr_word_start("ann, bo"), 5);
	CHECK_INT(ui_addr_word_start("ann,bo"), 4);
	/* A comma inside a quoted name does not start a new address. */
	CHECK_INT(ui_addr_word_start("\"Doe, Jane\" <j@x.test>, b"), 24);
	CHECK_INT(ui_addr_word_start("\"Doe, Ja"), 0);
	CHECK_INT(ui_addr_word_start("a@x.test, "), 10);
}

static void
test_addr_cands_names_quoted(void)
{
	static const char *const names[] = {"Doe, Jane", "O'Brien",
	    "Zoë \"Z\" Ärger", "back\\slash", "at@sign", "(paren)", "a.b",
	    "  spaced  "};
	struct ui_addr_cands c = {0};
	size_t i;

	for (i = 0; i < PT_NELEM(names); i++) {
		char a[32];

		snprintf(a, sizeof a, "n%zu@example.test", i);
		CHECK_INT(ui_addr_cands_add(&c, a, strlen(a), names[i],
			      strlen(names[i])),
		    0);
	}
	/* The same address in another case is not added twice. */
	CHECK_INT(ui_addr_cands_add(&c, "N0@EXAMPLE.test", 15, "X", 1), 0);
	CHECK_INT(c.n, PT_NELEM(names));
	CHECK_INT(ui_addr_cands_add(&c, "x@", 2, NULL, 0), -1);
	/* mime_addr_check lets a control character into a quoted pair of
	 * a local part; the send check does not, nor does completion. */
	CHECK_INT(ui_addr_cands_add(&c,
		      "\" \\\x10"
		      "ccc\"@z",
		      10, "t'", 2),
	    -1);
	for (i = 0; i < c.n; i++)
		CHECK(sendable(c.v[i].display, c.v[i].addr, c.v[i].name));
	CHECK_STR(c.v[7].name, "spaced");
	ui_addr_cands_release(&c);
}

/* A process that is gone, or a zombie no one has reaped yet. */
static int
child_gone(long pid)
{
	char path[64], *st;
	int gone;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((st = pt_file_read(path, 4096, NULL, NULL)) == NULL)
		return 1;
	gone = strstr(st, ") Z ") != NULL || strstr(st, ") X ") != NULL;
	free(st);
	return gone;
}

static void
test_child_exits_at_once(void)
{
	const char *args[] = {"a b'; rm -rf x", "$(id) `id` \"", NULL};
	const char *argv[] = {"/bin/echo", "-n", "plain", NULL};
	struct ui_child c;

	CHECK_INT(ui_child_start_sh(&c, "exit 3", NULL, NULL, 5000, 0), 0);
	CHECK_INT(ui_child_run(&c), UI_CHILD_EXITED);
	CHECK(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 3);
	CHECK_INT(c.pid, 0);
	CHECK_INT(ui_child_fd(&c), -1);
	ui_child_release(&c);
	/* Arguments are positional parameters, never shell text. */
	CHECK_INT(ui_child_start_sh(&c, "printf '%s|%s' \"$1\" \"$2\"", args,
		      NULL, 5000, 0),
	    0);
	CHECK_INT(ui_child_run(&c), UI_CHILD_EXITED);
	CHECK_STR(c.out.data, "a b'; rm -rf x|$(id) `id` \"");
	ui_child_release(&c);
	/* An argv, and standard input from a file. */
	CHECK_INT(ui_child_start(&c, argv, NULL, 5000, 0), 0);
	CHECK_INT(ui_child_run(&c), UI_CHILD_EXITED);
	CHECK_STR(c.out.data, "plain");
	ui_child_release(&c);
	CHECK_INT(ui_child_start_sh(&c, "cat", NULL, "/proc/self/cmdline", 5000,
		      0),
	    0);
	CHECK_INT(ui_child_run(&c), UI_CHILD_EXITED);
	CHECK(c.out.len > 0);
	ui_child_release(&c);
	/* A program that is not there: exit 127. */
	argv[0] = "/nonexistent/program";
	CHECK_INT(ui_child_start(&c, argv, NULL, 5000, 0), 0);
	CHECK_INT(ui_child_run(&c), UI_CHILD_EXITED);
	CHECK(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 127);
	ui_child_release(&c);
}

static void
test_child_timeout_kills_group(void)
{
	struct ui_child c;
	long long t0 = ui_now_ms();
	long pid = 0;
	int i;

	/* The grandchild holds the pipe open: only a group kill ends it. */
	CHECK_INT(ui_child_start_sh(&c, "sleep 30 & echo $!; sleep 30", NULL,
		      NULL, 300, 0),
	    0);
	CHECK_INT(ui_child_run(&c), UI_CHILD_TIMEOUT);
	CHECK(ui_now_ms() - t0 < 5000);
	CHECK(WIFSIGNALED(c.status) && WTERMSIG(c.status) == SIGKILL);
	CHECK(sscanf(c.out.data, "%ld", &pid) == 1 && pid > 1);
	for (i = 0; i < 200 && pid > 1 && !child_gone(pid); i++)
		usleep(10000);
	CHECK(pid > 1 && child_gone(pid));
	ui_child_release(&c);
	/* The loop's way: the time left, then the caller stops it. */
	CHECK_INT(ui_child_start_sh(&c, "sleep 30", NULL, NULL, 50, 0), 0);
	CHECK(ui_child_left_ms(&c) >= 0 && ui_child_left_ms(&c) <= 50);
	while (ui_child_left_ms(&c) > 0)
		usleep(5000);
	CHECK_INT(ui_child_read(&c), 0);
	CHECK_INT(ui_child_reap(&c), 0);
	CHECK_INT(ui_child_finish(&c, 0), 1);
	CHECK_INT(c.why, UI_CHILD_KILLED);
	CHECK_INT(ui_child_left_ms(&c), -1);
	ui_child_release(&c);
}

static void
test_child_output_cap(void)
{
	struct ui_child c;
	long long t0 = ui_now_ms();

	CHECK_INT(ui_child_start_sh(&c, "yes petrel", NULL, NULL, 10000, 10000),
	    0);
	CHECK_INT(ui_child_run(&c), UI_CHILD_OVER);
	CHECK(c.out.len <= 10000 && c.out.len > 0);
	CHECK(ui_now_ms() - t0 < 5000);
	CHECK_INT(c.pid, 0);
	ui_child_release(&c);
	/* Exactly the cap is not over it. */
	CHECK_INT(ui_child_start_sh(&c, "head -c 10000 /dev/zero", NULL, NULL,
		      10000, 10000),
	    0);
	CHECK_INT(ui_child_run(&c), UI_CHILD_EXITED);
	CHECK_INT(c.out.len, 10000);
	ui_child_release(&c);
}

static void
test_child_closes_output_runs_on(void)
{
	struct ui_child c;
	struct pollfd p;
	long long t0 = ui_now_ms();
	int r = 0;

	CHECK_INT(ui_child_start_sh(&c, "echo hi; exec >&-; sleep 30", NULL,
		      NULL, 400, 0),
	    0);
	CHECK_INT(ui_child_run(&c), UI_CHILD_TIMEOUT);
	CHECK_STR(c.out.data, "hi\n");
	CHECK(ui_now_ms() - t0 < 5000);
	ui_child_release(&c);
	/* Polled: the end of output comes, the exit does not. */
	CHECK_INT(ui_child_start_sh(&c, "exec >&-; sleep 30", NULL, NULL, 5000,
		      0),
	    0);
	p.fd = ui_child_fd(&c);
	p.events = POLLIN;
	while (r == 0 && poll(&p, 1, 2000) >= 0)
		r = ui_child_read(&c);
	CHECK_INT(r, 1);
	CHECK_INT(ui_child_fd(&c), -1);
	CHECK_INT(ui_child_reap(&c), 0);
	t0 = ui_now_ms();
	CHECK_INT(ui_child_finish(&c, 100), 1);
	CHECK(ui_now_ms() - t0 >= 100 && ui_now_ms() - t0 < 2000);
	ui_child_release(&c);
}

static void
child_alarm(int sig)
{
	(void)sig;
}

static void
test_child_eintr(void)
{
	struct sigaction sa, old;
	struct itimerval it = {{0, 10000}, {0, 10000}}, off = {{0, 0}, {0, 0}};
	struct ui_child c;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = child_alarm; /* no SA_RESTART: calls fail EINTR */
	sigemptyset(&sa.sa_mask);
	CHECK_INT(sigaction(SIGALRM, &sa, &old), 0);
	CHECK_INT(setitimer(ITIMER_REAL, &it, NULL), 0);
	CHECK_INT(ui_child_start_sh(&c, "sleep 0.3; echo ok; sleep 0.1", NULL,
		      NULL, 5000, 0),
	    0);
	CHECK_INT(ui_child_run(&c), UI_CHILD_EXITED);
	CHECK(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0);
	CHECK_STR(c.out.data, "ok\n");
	ui_child_release(&c);
	CHECK_INT(ui_child_start_sh(&c, "sleep 0.2", NULL, NULL, 5000, 0), 0);
	CHECK_INT(ui_child_finish(&c, -1), 0);
	CHECK(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0);
	ui_child_release(&c);
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
}

static const struct pt_test tests[] = {
    PT_TEST(test_thread_build_simple_chain),
    PT_TEST(test_thread_build_out_of_order_and_missing_parent),
    PT_TEST(test_thread_build_loops_and_duplicates),
    PT_TEST(test_thread_build_by_subject),
    PT_TEST(test_thread_subject_base),
    PT_TEST(test_thread_build_huge_references),
    PT_TEST(test_model_put_find_remove),
    PT_TEST(test_view_sorts),
    PT_TEST(test_view_threads_tree_and_collapse),
    PT_TEST(test_view_cursor_stays_on_new_mail_and_expunge),
    PT_TEST(test_view_paging),
    PT_TEST(test_view_find_and_limit),
    PT_TEST(test_pattern_match),
    PT_TEST(test_pattern_dates),
    PT_TEST(test_pattern_errors_and_server_terms),
    PT_TEST(test_text_fit_wide_and_combining),
    PT_TEST(test_text_size),
    PT_TEST(test_format_index_columns),
    PT_TEST(test_key_parse_and_name),
    PT_TEST(test_keymap_defaults_and_rebinding),
    PT_TEST(test_ops_have_names_and_maps),
    PT_TEST(test_keys_documented_in_petrel_1),
    PT_TEST(test_edit_keys_and_history),
    PT_TEST(test_edit_scroll),
    PT_TEST(test_edit_complete),
    PT_TEST(test_edit_complete_path),
    PT_TEST(test_query_parse_mutt_format),
    PT_TEST(test_query_parse_limits),
    PT_TEST(test_query_command_quoting),
    PT_TEST(test_addr_word_start),
    PT_TEST(test_addr_cands_names_quoted),
    PT_TEST(test_child_exits_at_once),
    PT_TEST(test_child_timeout_kills_group),
    PT_TEST(test_child_output_cap),
    PT_TEST(test_child_closes_output_runs_on),
    PT_TEST(test_child_eintr),
    {NULL, NULL},
};

int
main(void)
{
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "");
	return pt_test_run(tests);
}
