/*
 * bench_store: how fast the header cache gives back a folder.
 *
 * For 10,000, 50,000 and 100,000 synthetic summaries (or the sizes given
 * on the command line) it fills a fresh cache, then, each in a process
 * of its own so that peak RSS (VmHWM) means something:
 *   - "first screen": store_open + store_index_load(STORE_LOAD_FIXED)
 *     + store_index_fill of the 50 newest rows, as a warm open does;
 *   - "sorted": the same, sorting in memory as when the stored order is
 *     stale (the bench sorts on top of the stored order's load);
 *   - "all": store_open + store_index_load(STORE_LOAD_ALL).
 * It prints milliseconds, peak RSS and bytes per message in memory.
 * Run by hand: make bench && ./bench/bench_store (see bench/README).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "petrel/core.h"
#include "petrel/store.h"

#include "src/store/private.h"

#define ROWS 50

struct result {
	double ms;
	long hwm_kb;
	double bytes_per_msg;
	double strings_per_msg;
	size_t n;
};

static double now_ms(void);
static long vmhwm_kb(void);
static void rm_tree(const char *);
static void fill(const char *, size_t);
static void run_child(int, size_t, struct result *);

static uint32_t rng = 2463534242u;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long
vmhwm_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

/* rm -r path (files and folders only, no symlinks followed). */
static void
rm_tree(const char *path)
{
	struct dirent *de;
	struct stat sb;
	DIR *d;
	char *sub;

	if (lstat(path, &sb) != 0)
		return;
	if (S_ISDIR(sb.st_mode) && (d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			sub = pt_xasprintf("%s/%s", path, de->d_name);
			rm_tree(sub);
			free(sub);
		}
		closedir(d);
	}
	remove(path);
}

static void
die(const char *what, const struct pt_error *err)
{
	fprintf(stderr, "bench_store: %s: %s\n", what, err->msg);
	exit(1);
}

/* Writes n summaries of realistic sizes to the folder "INBOX". */
static void
fill(const char *account, size_t n)
{
	static const char *const names[] = {"Alice Example", "Bob Smith",
	    "Zoë Ünïcode", "Mailing List Robot", "Карина Петрова", "山田太郎",
	    ""};
	static const char *const subjects[] =
	    {"Re: quarterly report draft for review",
		"[petrel-dev] Patch 3/7: store: compact summaries", "Lunch?",
		"Fwd: Your invoice #48213 is ready",
		"Réunion de l'équipe — ordre du jour",
		"お知らせ: メンテナンスのご案内",
		"Re: Re: Re: weekend plans and the thread that never ends"};
	struct store *st;
	struct store_batch *b;
	struct store_msg m;
	struct store_folder_info info;
	struct pt_error err;
	char from[64], addr[64], to[64], mid[64], irt[64], refs[400];
	size_t i, r, nrefs, off;
	int64_t date = 1500000000;

	pt_error_init(&err);
	if ((st = store_open(account, NULL, &err)) == NULL)
		die("open", &err);
	if (store_folder_check(st, "INBOX", 1, NULL, &err) != 0)
		die("check", &err);
	if ((b = store_batch_begin(st, "INBOX", 1, &err)) == NULL)
		die("batch", &err);
	for (i = 1; i <= n; i++) {
		memset(&m, 0, sizeof(m));
		m.uid = (uint32_t)i;
		m.flags = rnd() % 10 ? STORE_F_SEEN : 0;
		date += 60 + rnd() % 3600;
		m.internaldate = date;
		/* Date headers are a little out of order. */
		m.date = date - (int64_t)(rnd() % 7200);
		m.size = 2000 + rnd() % 60000;
		m.modseq = i;
		snprintf(from, sizeof(from), "%s", names[rnd() % 7]);
		snprintf(addr, sizeof(addr), "user%u@example%u.org",
		    rnd() % 1000, rnd() % 50);
		snprintf(to, sizeof(to), "Me <me@example.org>");
		snprintf(mid, sizeof(mid), "<%zu.%u.petrel@mail.example.org>",
		    i, rnd());
		nrefs = rnd() % 6;
		off = 0;
		refs[0] = '\0';
		for (r = 0; r < nrefs; r++)
			off += (size_t)snprintf(refs + off, sizeof(refs) - off,
			    "%s<%u.%u@mail.example.org>", r ? " " : "", rnd(),
			    rnd());
		if (nrefs > 0)
			snprintf(irt, sizeof(irt), "<%u.%u@mail.example.org>",
			    rnd(), rnd());
		else
			irt[0] = '\0';
		m.str[STORE_FROM_NAME] = from;
		m.str[STORE_FROM_ADDR] = addr;
		m.str[STORE_TO] = to;
		m.str[STORE_SUBJECT] = subjects[rnd() % 7];
		m.str[STORE_MESSAGE_ID] = mid;
		m.str[STORE_IN_REPLY_TO] = irt;
		m.str[STORE_REFERENCES] = refs;
		if (store_batch_put(b, &m, &err) != 0)
			die("put", &err);
	}
	memset(&info, 0, sizeof(info));
	info.uidnext = (uint32_t)n + 1;
	info.exists = (uint32_t)n;
	info.highestmodseq = n;
	store_batch_set_info(b, &info);
	if (store_batch_commit(&b, &err) != 0)
		die("commit", &err);
	store_free(&st);
}

/* mode 0: first screen, 1: first screen sorting in memory, 2: all. */
static void
run_child(int mode, size_t n, struct result *res)
{
	struct store *st;
	struct store_index *ix;
	struct pt_error err;
	double t0, t1;
	size_t mem;

	(void)n;
	pt_error_init(&err);
	t0 = now_ms();
	if ((st = store_open("bench", NULL, &err)) == NULL)
		die("open", &err);
	ix = store_index_load(st, "INBOX",
	    mode == 2 ? STORE_LOAD_ALL : STORE_LOAD_FIXED, &err);
	if (ix == NULL)
		die("load", &err);
	/* What a load without a usable stored order costs: sort again. */
	if (mode == 1)
		store_order_sort(ix->msgs, ix->n, ix->order);
	if (mode != 2 && store_index_fill(st, ix, 0, ROWS, &err) != 0)
		die("fill", &err);
	t1 = now_ms();
	res->ms = t1 - t0;
	res->n = ix->n;
	mem = ix->n * (sizeof(*ix->msgs) + sizeof(*ix->order)) + ix->arena_len;
	res->bytes_per_msg = ix->n ? (double)mem / (double)ix->n : 0;
	res->strings_per_msg =
	    ix->nstrings ? (double)ix->arena_len / (double)ix->nstrings : 0;
	store_index_free(&ix);
	store_free(&st);
	res->hwm_kb = vmhwm_kb();
}

/* Runs run_child in a fresh process and returns its result. */
static struct result
measure(int mode, size_t n)
{
	struct result res;
	int fds[2], status;
	pid_t pid;

	memset(&res, 0, sizeof(res));
	if (pipe(fds) != 0)
		exit(1);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		run_child(mode, n, &res);
		if (write(fds[1], &res, sizeof(res)) != (ssize_t)sizeof(res))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &res, sizeof(res)) != (ssize_t)sizeof(res))
		fprintf(stderr, "bench_store: child failed\n");
	close(fds[0]);
	waitpid(pid, &status, 0);
	return res;
}

int
main(int argc, char **argv)
{
	static const size_t defsizes[] = {10000, 50000, 100000};
	char dir[] = "/tmp/pt-bench-store-XXXXXX";
	struct result screen, sorted, all, again;
	size_t sizes[16], nsizes = 0, i;
	double t0, wr;
	char *data;
	struct stat sb;
	pid_t pid;
	int a, status;

	for (a = 1; a < argc && nsizes < PT_NELEM(sizes); a++)
		sizes[nsizes++] = (size_t)strtoul(argv[a], NULL, 10);
	if (nsizes == 0)
		for (i = 0; i < PT_NELEM(defsizes); i++)
			sizes[nsizes++] = defsizes[i];
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	setenv("XDG_CACHE_HOME", dir, 1);
	printf("%8s %8s %10s %10s %9s %9s %9s %6s %6s %7s\n", "messages",
	    "write s", "screen ms", "sorted ms", "all ms", "RSS scr", "RSS all",
	    "B/msg", "str B", "file MB");
	for (i = 0; i < nsizes; i++) {
		rm_tree(dir);
		mkdir(dir, 0700);
		/* Fill in a child, so that this process stays small. */
		t0 = now_ms();
		fflush(NULL);
		if ((pid = fork()) == 0) {
			fill("bench", sizes[i]);
			_exit(0);
		}
		waitpid(pid, &status, 0);
		wr = (now_ms() - t0) / 1e3;
		(void)measure(2, sizes[i]); /* warm the page cache */
		/* Each figure is the best of three runs. */
		screen = measure(0, sizes[i]);
		sorted = measure(1, sizes[i]);
		all = measure(2, sizes[i]);
		for (a = 0; a < 2; a++) {
			again = measure(0, sizes[i]);
			if (again.ms < screen.ms)
				screen = again;
			again = measure(1, sizes[i]);
			if (again.ms < sorted.ms)
				sorted = again;
			again = measure(2, sizes[i]);
			if (again.ms < all.ms)
				all = again;
		}
		data = pt_xasprintf("%s/petrel/bench/headers/data.mdb", dir);
		if (stat(data, &sb) != 0)
			sb.st_size = 0;
		free(data);
		printf("%8zu %8.2f %10.2f %10.2f %9.2f %7.1fMB %7.1fMB %6.0f "
		       "%6.0f %7.1f\n",
		    all.n, wr, screen.ms, sorted.ms, all.ms,
		    (double)screen.hwm_kb / 1024, (double)all.hwm_kb / 1024,
		    all.bytes_per_msg, all.strings_per_msg,
		    (double)sb.st_size / 1048576);
	}
	printf("B/msg: summary (%zu) + order (4) + strings in memory, per "
	       "message; str B: strings alone\n",
	    sizeof(struct store_summary));
	if (getenv("PT_BENCH_KEEP") != NULL)
		printf("cache kept in %s (account \"bench\", folder INBOX)\n",
		    dir);
	else
		rm_tree(dir);
	return 0;
}
