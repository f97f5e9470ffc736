/*
 * bench_ui: the interface's model and view on synthetic folders of
 * 10,000, 50,000 and 100,000 messages (or the sizes given): putting the
 * summaries in, rebuilding the index sorted by threads, date, from and
 * subject, formatting a screenful of lines, and the memory the model
 * and the view take per message.  Run by hand: see bench/README.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "petrel/core.h"

#include "src/ui/private.h"

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static const char *const bench_names[] = {"Alice Example", "Bob Martin",
    "Σωκράτης Παππάς", "山田太郎", "Zoë Ångström", "Дмитрий Иванов",
    "Carol Smith", "noreply@builds.example.net"};
static const char *const bench_subjects[] = {"Meeting notes",
    "Quarterly report draft", "会議の議事録について", "Grüße aus München",
    "Build failed on main", "🎉 Party this weekend! 🍕",
    "Invoice for services rendered in March", "Lunch on Friday?"};

/* A folder of n messages: about a third are replies in threads. */
static void
bench_fill(struct ui_model *m, size_t n)
{
	char from[64], addr[64], id[64], irt[64], refs[256], subj[128];
	struct ui_msg_in in;
	size_t i;

	srand(42);
	for (i = 0; i < n; i++) {
		size_t parent =
		    i > 10 && rand() % 3 == 0
			? i - 1 - (size_t)rand() % (i < 50 ? i - 1 : 50)
			: SIZE_MAX;

		memset(&in, 0, sizeof in);
		in.uid = (uint32_t)i + 1;
		in.date = 1700000000 + (int64_t)i * 60;
		in.arrival = in.date + 5;
		in.size = 2000 + (uint32_t)(rand() % 50000);
		in.flags = rand() % 4 == 0 ? 0 : UI_F_SEEN;
		snprintf(from, sizeof from, "%s", bench_names[i % 8]);
		snprintf(addr, sizeof addr, "user%zu@example.org", i % 97);
		snprintf(id, sizeof id, "<%zu.%u@bench.example.org>", i,
		    (unsigned)rand());
		snprintf(subj, sizeof subj, "%s%s (%zu)",
		    parent != SIZE_MAX ? "Re: " : "",
		    bench_subjects[(parent != SIZE_MAX ? parent : i) % 8],
		    parent != SIZE_MAX ? parent : i);
		irt[0] = refs[0] = '\0';
		if (parent != SIZE_MAX) {
			snprintf(irt, sizeof irt, "%s",
			    ui_msg_str(&m->msg[parent], UI_S_MSGID));
			snprintf(refs, sizeof refs, "%s %s",
			    ui_msg_str(&m->msg[parent], UI_S_REFS), irt);
		}
		in.str[UI_S_FROM_NAME] = from;
		in.str[UI_S_FROM_ADDR] = addr;
		in.str[UI_S_TO] = "Alice Example <alice@example.test>";
		in.str[UI_S_SUBJECT] = subj;
		in.str[UI_S_MSGID] = id;
		in.str[UI_S_IRT] = irt;
		in.str[UI_S_REFS] = strlen(refs) > 200 ? irt : refs;
		ui_model_put(m, &in);
	}
}

static double
bench_rebuild(struct ui_view *v, enum ui_sort sort)
{
	double best = 1e9, t;
	int k;

	v->sort = sort;
	for (k = 0; k < 3; k++) {
		v->dirty = 1;
		t = bench_now();
		ui_view_rebuild(v);
		t = bench_now() - t;
		if (t < best)
			best = t;
	}
	return best;
}

static void
bench_one(size_t n)
{
	struct ui_model m;
	struct ui_view v;
	struct ui_fmt_ctx ctx;
	struct pt_buf line, tree;
	double t, put, th, date, from, subj, fmt;
	size_t i, strbytes = 0, bytes;
	int k;

	ui_model_init(&m);
	ui_view_init(&v, &m);
	v.height = 50;
	t = bench_now();
	bench_fill(&m, n);
	put = bench_now() - t;
	th = bench_rebuild(&v, UI_SORT_THREADS);
	date = bench_rebuild(&v, UI_SORT_DATE);
	from = bench_rebuild(&v, UI_SORT_FROM);
	subj = bench_rebuild(&v, UI_SORT_SUBJECT);
	v.sort = UI_SORT_THREADS;
	v.dirty = 1;
	ui_view_rebuild(&v);

	/* A screen of 50 index lines, 100 columns. */
	pt_buf_init(&line, 0);
	pt_buf_init(&tree, 0);
	fmt = 1e9;
	for (k = 0; k < 5; k++) {
		t = bench_now();
		for (i = 0; i < 50 && i < v.nrows; i++) {
			pt_buf_reset(&line);
			pt_buf_reset(&tree);
			ui_view_tree(&v, v.nrows - 1 - i, 1, &tree);
			memset(&ctx, 0, sizeof ctx);
			ctx.msg = ui_view_row_msg(&v, v.nrows - 1 - i);
			ctx.number = i + 1;
			ctx.tree = tree.data;
			ctx.date_fmt = "%b %d";
			ui_format_index(&line, "%Z %D %-20.20F %s", &ctx, 100);
		}
		t = bench_now() - t;
		if (t < fmt)
			fmt = t;
	}
	pt_buf_release(&line);
	pt_buf_release(&tree);

	for (i = 0; i < m.n; i++) {
		const char *s = m.msg[i].str;
		size_t f;

		for (f = 0; f < UI_S_COUNT; f++)
			strbytes += strlen(s + m.msg[i].off[f]) + 1;
	}
	/* Fixed part, strings, the uid hash, the view's per-slot arrays. */
	bytes =
	    m.n * sizeof *m.msg + strbytes + m.nhash * sizeof *m.hash +
	    v.capslot * (sizeof *v.row + sizeof *v.tparent + sizeof *v.tnext +
			    sizeof *v.depth + sizeof *v.ndesc + sizeof *v.rows);
	printf("%7zu  %7.1f %7.1f %7.1f %7.1f %7.1f %7.2f %7zu %7zu %7zu\n", n,
	    put, th, date, from, subj, fmt, sizeof *m.msg, strbytes / n,
	    bytes / n);
	ui_view_release(&v);
	ui_model_release(&m);
}

int
main(int argc, char **argv)
{
	size_t sizes[] = {10000, 50000, 100000};
	int i;

	setlocale(LC_ALL, "C.UTF-8");
	setenv("TZ", "UTC", 1);
	printf("%7s  %7s %7s %7s %7s %7s %7s %7s %7s %7s\n", "msgs", "put ms",
	    "threads", "date", "from", "subject", "50 ln", "fix B", "str B",
	    "B/msg");
	if (argc > 1) {
		for (i = 1; i < argc; i++)
			bench_one((size_t)strtoul(argv[i], NULL, 10));
		return 0;
	}
	for (i = 0; i < 3; i++)
		bench_one(sizes[i]);
	return 0;
}
