/*
 * Unit tests for store/: the record formats, the header cache (round
 * trips, flags, expunges, UIDVALIDITY, metadata, damage and rebuild,
 * two processes, map growth, eviction) and the body cache.  Each test
 * has a cache folder of its own ($XDG_CACHE_HOME in a mkdtemp folder).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <lmdb.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "petrel/core.h"
#include "petrel/store.h"

#include "src/store/private.h"
#include "tests/harness/pt_test.h"

static char tmpdir[64];

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

/* A fresh cache folder for one test. */
static void
cache_begin(void)
{
	pt_strlcpy(tmpdir, "/tmp/pt-store-XXXXXX", sizeof(tmpdir));
	if (mkdtemp(tmpdir) == NULL)
		pt_fatal("mkdtemp: %s", strerror(errno));
	setenv("XDG_CACHE_HOME", tmpdir, 1);
}

static void
cache_end(void)
{
	rm_tree(tmpdir);
}

static char *
cache_file(const char *account, const char *name)
{
	return pt_xasprintf("%s/petrel/%s/headers/%s", tmpdir, account, name);
}

/* A summary with its strings made from uid (kept in bufs). */
struct msgbuf {
	char s[STORE_NFIELDS][128];
};

static void
make_msg(struct store_msg *m, struct msgbuf *b, uint32_t uid)
{
	int i;

	memset(m, 0, sizeof(*m));
	m->uid = uid;
	m->flags = uid % 2 ? STORE_F_SEEN : 0;
	m->internaldate = 1700000000 + (int64_t)uid * 60;
	m->date = 1700000000 + (int64_t)uid * 60 - 5;
	m->modseq = uid + 1000;
	m->size = uid * 10;
	snprintf(b->s[STORE_FROM_NAME], 128, "Zoë Ünïcode %u", uid);
	snprintf(b->s[STORE_FROM_ADDR], 128, "zoe%u@example.org", uid);
	snprintf(b->s[STORE_TO], 128, "Ålice <alice@example.org>");
	snprintf(b->s[STORE_SUBJECT], 128, "件名 %u ✉ naïve", uid);
	snprintf(b->s[STORE_MESSAGE_ID], 128, "<%u@example.org>", uid);
	snprintf(b->s[STORE_IN_REPLY_TO], 128, "<%u@example.org>", uid - 1);
	snprintf(b->s[STORE_REFERENCES], 128,
	    "<1@example.org> <%u@example.org>", uid - 1);
	for (i = 0; i < STORE_NFIELDS; i++)
		m->str[i] = b->s[i];
}

/* Writes uids first..last to folder; 0 on success. */
static int
put_range(struct store *st, const char *folder, uint32_t uidvalidity,
    uint32_t first, uint32_t last)
{
	struct store_batch *b;
	struct store_msg m;
	struct msgbuf mb;
	struct pt_error err;
	uint32_t uid;

	pt_error_init(&err);
	if ((b = store_batch_begin(st, folder, uidvalidity, &err)) == NULL)
		return -1;
	for (uid = first; uid <= last; uid++) {
		make_msg(&m, &mb, uid);
		if (store_batch_put(b, &m, &err) != 0) {
			fprintf(stderr, "  put: %s\n", err.msg);
			store_batch_abort(&b);
			return -1;
		}
	}
	if (store_batch_commit(&b, &err) != 0) {
		fprintf(stderr, "  commit: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static void
test_store_record_fix_roundtrip(void)
{
	uint8_t rec[STORE_FIX_LEN];
	struct store_summary s;
	struct store_msg m;
	struct msgbuf mb;

	make_msg(&m, &mb, 42);
	m.flags = STORE_F_FLAGGED | STORE_F_ATTACH | 0x80000000u;
	m.internaldate = -5; /* before the epoch */
	store_fix_encode(rec, &m);
	CHECK_INT(store_fix_decode(rec, sizeof(rec), &s), 0);
	CHECK_INT(s.uid, 42);
	CHECK_INT(s.flags, STORE_F_FLAGGED | STORE_F_ATTACH | 0x80000000u);
	CHECK_INT(s.internaldate, -5);
	CHECK_INT(s.date, m.date);
	CHECK_INT(s.modseq, 1042);
	CHECK_INT(s.size, 420);
	CHECK_INT(s.strings, STORE_NO_STRINGS);
	/* The date falls back to INTERNALDATE. */
	m.date = 0;
	store_fix_encode(rec, &m);
	CHECK_INT(store_fix_decode(rec, sizeof(rec), &s), 0);
	CHECK_INT(s.date, -5);
	/* Little-endian on disk whatever the host. */
	CHECK_INT(rec[36], 42);
	CHECK_INT(rec[37], 0);
}

static void
test_store_record_truncated_and_garbage(void)
{
	uint8_t fix[STORE_FIX_LEN], *str, junk[600], folder[STORE_FOLDER_LEN];
	struct store_summary s;
	struct store_folder_rec fr;
	struct store_msg m;
	struct msgbuf mb;
	size_t len, i, j;
	uint32_t x = 12345;

	make_msg(&m, &mb, 7);
	store_fix_encode(fix, &m);
	for (i = 0; i < sizeof(fix); i++)
		CHECK_INT(store_fix_decode(fix, i, &s), -1);
	fix[0] = 99; /* another version */
	CHECK_INT(store_fix_decode(fix, sizeof(fix), &s), -1);

	len = store_str_len(&m);
	str = pt_xmalloc(len);
	store_str_encode(str, len, &m);
	CHECK_INT(store_str_check(str, len), 0);
	CHECK_STR(store_str_field(str, STORE_SUBJECT), "件名 7 ✉ naïve");
	CHECK_STR(store_str_field(str, STORE_REFERENCES),
	    "<1@example.org> <6@example.org>");
	/* Every truncation is refused, and so is a longer record. */
	for (i = 0; i < len; i++) {
		uint8_t *cut = pt_xmalloc(i + 1);

		memcpy(cut, str, i);
		CHECK_INT(store_str_check(cut, i), -1);
		free(cut);
	}
	/* A length pointing past the end, a NUL inside a string. */
	str[2] = 0xff;
	CHECK_INT(store_str_check(str, len), -1);
	store_str_encode(str, len, &m);
	str[STORE_STR_HDR + 2] = '\0';
	CHECK_INT(store_str_check(str, len), -1);
	free(str);

	/* Random garbage: no crash, and nothing accepted by chance. */
	for (i = 0; i < 20000; i++) {
		len = (i * 7) % sizeof(junk);
		for (j = 0; j < len; j++) {
			x = x * 1103515245u + 12345u;
			junk[j] = (uint8_t)(x >> 16);
		}
		if (len > 1) {
			junk[0] = STORE_REC_VERSION;
			junk[1] = i % 3 ? STORE_NFIELDS : junk[1];
		}
		(void)store_str_check(junk, len);
		(void)store_fix_decode(junk, len, &s);
		(void)store_folder_decode(junk, len, &fr);
		(void)store_order_check(junk, len, 0, len / 4);
	}

	memset(&fr, 0, sizeof(fr));
	fr.fid = 3;
	store_folder_encode(folder, &fr);
	CHECK_INT(store_folder_decode(folder, sizeof(folder), &fr), 0);
	CHECK_INT(store_folder_decode(folder, sizeof(folder) - 1, &fr), -1);
}

static void
test_store_record_order_check(void)
{
	uint8_t rec[STORE_ORDER_HDR + 12];

	memset(rec, 0, sizeof(rec));
	rec[0] = STORE_REC_VERSION;
	store_le32_put(rec + 4, 9);
	store_le32_put(rec + 8, 3);
	store_le32_put(rec + 12, 2);
	store_le32_put(rec + 16, 0);
	store_le32_put(rec + 20, 1);
	CHECK_INT(store_order_check(rec, sizeof(rec), 9, 3), 0);
	CHECK_INT(store_order_check(rec, sizeof(rec), 8, 3), -1);
	CHECK_INT(store_order_check(rec, sizeof(rec), 9, 4), -1);
	CHECK_INT(store_order_check(rec, sizeof(rec) - 1, 9, 3), -1);
	store_le32_put(rec + 20, 2); /* not a permutation */
	CHECK_INT(store_order_check(rec, sizeof(rec), 9, 3), -1);
	store_le32_put(rec + 20, 3); /* out of range */
	CHECK_INT(store_order_check(rec, sizeof(rec), 9, 3), -1);
}

static void
test_store_open_bad_account(void)
{
	struct pt_error err;

	cache_begin();
	pt_error_init(&err);
	CHECK(store_open("a/b", NULL, &err) == NULL);
	CHECK_INT(err.class, PT_E_CONFIG);
	CHECK(store_open("..", NULL, &err) == NULL);
	CHECK(store_open("", NULL, &err) == NULL);
	cache_end();
}

static void
test_store_roundtrip_utf8(void)
{
	struct store *st;
	struct store_index *ix;
	struct store_folder_info info;
	struct store_summary *s;
	struct pt_error err;

	cache_begin();
	pt_error_init(&err);
	st = store_open("work", NULL, &err);
	CHECK(st != NULL);
	if (st == NULL)
		goto out;
	CHECK_INT(store_folder_check(st, "INBOX/Ünïcode", 7, &info, &err), 0);
	CHECK_INT(info.uidvalidity, 7);
	CHECK_INT(info.count, 0);
	CHECK_INT(put_range(st, "INBOX/Ünïcode", 7, 1, 50), 0);

	ix = store_index_load(st, "INBOX/Ünïcode", STORE_LOAD_ALL, &err);
	CHECK(ix != NULL);
	if (ix != NULL) {
		CHECK_INT(ix->n, 50);
		CHECK_INT(ix->nstrings, 50);
		CHECK_INT(ix->skipped, 0);
		CHECK_INT(ix->info.count, 50);
		CHECK_INT(ix->order_stored, 1);
		/* Newest first. */
		CHECK_INT(ix->msgs[ix->order[0]].uid, 50);
		CHECK_INT(ix->msgs[ix->order[49]].uid, 1);
		s = store_index_find(ix, 17);
		CHECK(s != NULL);
		if (s != NULL) {
			CHECK_STR(store_summary_str(ix, s, STORE_FROM_NAME),
			    "Zoë Ünïcode 17");
			CHECK_STR(store_summary_str(ix, s, STORE_FROM_ADDR),
			    "zoe17@example.org");
			CHECK_STR(store_summary_str(ix, s, STORE_TO),
			    "Ålice <alice@example.org>");
			CHECK_STR(store_summary_str(ix, s, STORE_SUBJECT),
			    "件名 17 ✉ naïve");
			CHECK_STR(store_summary_str(ix, s, STORE_MESSAGE_ID),
			    "<17@example.org>");
			CHECK_STR(store_summary_str(ix, s, STORE_IN_REPLY_TO),
			    "<16@example.org>");
			CHECK_STR(store_summary_str(ix, s, STORE_REFERENCES),
			    "<1@example.org> <16@example.org>");
			CHECK_INT(s->flags, STORE_F_SEEN);
			CHECK_INT(s->size, 170);
			CHECK_INT(s->modseq, 1017);
		}
		CHECK(store_index_find(ix, 51) == NULL);
		store_index_free(&ix);
		CHECK(ix == NULL);
	}

	/* Fixed part only, then the strings of the first screen. */
	ix = store_index_load(st, "INBOX/Ünïcode", STORE_LOAD_FIXED, &err);
	CHECK(ix != NULL);
	if (ix != NULL) {
		CHECK_INT(ix->n, 50);
		CHECK_INT(ix->nstrings, 0);
		s = &ix->msgs[ix->order[0]];
		CHECK_STR(store_summary_str(ix, s, STORE_SUBJECT), "");
		CHECK_INT(store_index_fill(st, ix, 0, 10, &err), 0);
		CHECK_INT(ix->nstrings, 10);
		CHECK_STR(store_summary_str(ix, s, STORE_SUBJECT),
		    "件名 50 ✉ naïve");
		CHECK_INT(store_index_fill(st, ix, 45, 100, &err), 0);
		CHECK_INT(ix->nstrings, 15);
		CHECK_INT(store_index_fill(st, ix, 0, 10, &err), 0);
		CHECK_INT(ix->nstrings, 15);
		store_index_free(&ix);
	}

	/* A folder never cached. */
	ix = store_index_load(st, "Nowhere", STORE_LOAD_ALL, &err);
	CHECK(ix != NULL);
	if (ix != NULL) {
		CHECK_INT(ix->n, 0);
		CHECK_INT(ix->info.uidvalidity, 0);
		store_index_free(&ix);
	}
	CHECK_INT(store_folder_info_get(st, "Nowhere", &info, &err), 0);
	store_free(&st);
	CHECK(st == NULL);
	store_free(&st);
out:
	cache_end();
}

static void
test_store_long_strings_cut(void)
{
	struct store *st;
	struct store_batch *b;
	struct store_index *ix;
	struct store_msg m;
	struct msgbuf mb;
	struct pt_error err;
	char *big;
	size_t len;

	cache_begin();
	pt_error_init(&err);
	st = store_open("work", NULL, &err);
	if (st == NULL) {
		CHECK(st != NULL);
		goto out;
	}
	/* 70,000 bytes of "é": cut below 65,535 at a character boundary. */
	big = pt_xmalloc(70001);
	for (len = 0; len < 70000; len += 2)
		memcpy(big + len, "\xc3\xa9", 2);
	big[70000] = '\0';
	make_msg(&m, &mb, 1);
	m.str[STORE_REFERENCES] = big;
	m.str[STORE_TO] = NULL;
	b = store_batch_begin(st, "INBOX", 1, &err);
	CHECK(b != NULL);
	CHECK_INT(store_batch_put(b, &m, &err), 0);
	CHECK_INT(store_batch_commit(&b, &err), 0);
	ix = store_index_load(st, "INBOX", STORE_LOAD_ALL, &err);
	CHECK(ix != NULL);
	if (ix != NULL && ix->n == 1) {
		const char *r =
		    store_summary_str(ix, &ix->msgs[0], STORE_REFERENCES);

		CHECK_INT(strlen(r), 65534);
		CHECK(pt_utf8_valid(r, strlen(r)));
		CHECK_STR(store_summary_str(ix, &ix->msgs[0], STORE_TO), "");
	}
	store_index_free(&ix);
	free(big);
	store_free(&st);
out:
	cache_end();
}

static void
test_store_flags_update(void)
{
	struct store *st;
	struct store_batch *b;
	struct store_index *ix;
	struct store_summary *s;
	struct pt_error err;

	cache_begin();
	pt_error_init(&err);
	st = store_open("work", NULL, &err);
	if (st == NULL) {
		CHECK(st != NULL);
		goto out;
	}
	CHECK_INT(put_range(st, "INBOX", 3, 1, 20), 0);
	b = store_batch_begin(st, "INBOX", 3, &err);
	CHECK(b != NULL);
	CHECK_INT(store_batch_flags(b, 2, STORE_F_SEEN | STORE_F_FLAGGED, 99,
		      &err),
	    0);
	CHECK_INT(store_batch_flags(b, 3, STORE_F_ANSWERED, 0, &err), 0);
	CHECK_INT(store_batch_flags(b, 999, STORE_F_SEEN, 5, &err), 0);
	CHECK_INT(store_batch_commit(&b, &err), 0);
	CHECK(b == NULL);

	ix = store_index_load(st, "INBOX", STORE_LOAD_FIXED, &err);
	CHECK(ix != NULL);
	if (ix != NULL) {
		CHECK_INT(ix->n, 20);
		CHECK(store_index_find(ix, 999) == NULL);
		s = store_index_find(ix, 2);
		CHECK(
		    s != NULL && s->flags == (STORE_F_SEEN | STORE_F_FLAGGED));
		CHECK(s != NULL && s->modseq == 99);
		s = store_index_find(ix, 3);
		CHECK(s != NULL && s->flags == STORE_F_ANSWERED);
		CHECK(s != NULL && s->modseq == 1003); /* modseq 0: kept */
		/* Flags do not change the order: the stored one still holds. */
		CHECK_INT(ix->order_stored, 1);
		store_index_free(&ix);
	}
	store_free(&st);
out:
	cache_end();
}

static void
test_store_expunge(void)
{
	struct store *st;
	struct store_batch *b;
	struct store_index *ix;
	struct pt_error err;
	size_t i;

	cache_begin();
	pt_error_init(&err);
	st = store_open("work", NULL, &err);
	if (st == NULL) {
		CHECK(st != NULL);
		goto out;
	}
	CHECK_INT(put_range(st, "INBOX", 3, 1, 10), 0);
	b = store_batch_begin(st, "INBOX", 3, &err);
	CHECK_INT(store_batch_expunge(b, 4, &err), 0);
	CHECK_INT(store_batch_expunge(b, 10, &err), 0);
	CHECK_INT(store_batch_expunge(b, 77, &err), 0);
	CHECK_INT(store_batch_commit(&b, &err), 0);
	ix = store_index_load(st, "INBOX", STORE_LOAD_ALL, &err);
	CHECK(ix != NULL);
	if (ix != NULL) {
		CHECK_INT(ix->n, 8);
		CHECK_INT(ix->info.count, 8);
		CHECK_INT(ix->nstrings, 8);
		CHECK(store_index_find(ix, 4) == NULL);
		CHECK(store_index_find(ix, 10) == NULL);
		CHECK_INT(ix->order_stored, 1);
		CHECK_INT(ix->msgs[ix->order[0]].uid, 9);
		for (i = 1; i < ix->n; i++)
			CHECK(ix->msgs[ix->order[i - 1]].date >=
			      ix->msgs[ix->order[i]].date);
		store_index_free(&ix);
	}
	store_free(&st);
out:
	cache_end();
}

static void
test_store_uidvalidity_change_drops(void)
{
	struct store *st;
	struct store_index *ix;
	struct store_folder_info info;
	struct pt_error err;
	char *data = NULL;
	size_t len;

	cache_begin();
	pt_error_init(&err);
	st = store_open("work", NULL, &err);
	if (st == NULL) {
		CHECK(st != NULL);
		goto out;
	}
	CHECK_INT(store_folder_check(st, "INBOX", 100, NULL, &err), 0);
	CHECK_INT(put_range(st, "INBOX", 100, 1, 30), 0);
	CHECK_INT(put_range(st, "Other", 5, 1, 3), 0);
	CHECK_INT(store_body_put(st, "INBOX", 100, 4, NULL, "body", 4, &err),
	    0);
	/* Same UIDVALIDITY: nothing dropped. */
	CHECK_INT(store_folder_check(st, "INBOX", 100, &info, &err), 0);
	CHECK_INT(info.count, 30);
	/* A batch for the old UIDVALIDITY is refused after a change. */
	CHECK_INT(store_folder_check(st, "INBOX", 200, &info, &err), 0);
	CHECK_INT(info.uidvalidity, 200);
	CHECK_INT(info.count, 0);
	CHECK_INT(info.highestmodseq, 0);
	ix = store_index_load(st, "INBOX", STORE_LOAD_ALL, &err);
	CHECK(ix != NULL && ix->n == 0 && ix->info.uidvalidity == 200);
	store_index_free(&ix);
	CHECK_INT(store_body_get(st, "INBOX", 100, 4, NULL, &data, &len, &err),
	    0);
	CHECK(put_range(st, "INBOX", 100, 1, 3) != 0);
	/* Other folders are untouched. */
	ix = store_index_load(st, "Other", STORE_LOAD_FIXED, &err);
	CHECK(ix != NULL && ix->n == 3);
	store_index_free(&ix);
	/* store_folder_drop forgets a folder. */
	CHECK_INT(store_folder_drop(st, "Other", &err), 0);
	CHECK_INT(store_folder_info_get(st, "Other", &info, &err), 0);
	CHECK_INT(store_folder_drop(st, "Other", &err), 0);
	store_free(&st);
out:
	cache_end();
}

static void
test_store_metadata_persists(void)
{
	struct store *st;
	struct store_batch *b;
	struct store_folder_info info;
	struct store_msg m;
	struct msgbuf mb;
	struct pt_error err;

	cache_begin();
	pt_error_init(&err);
	st = store_open("work", NULL, &err);
	if (st == NULL) {
		CHECK(st != NULL);
		goto out;
	}
	b = store_batch_begin(st, "Archive", 4242, &err);
	make_msg(&m, &mb, 9);
	CHECK_INT(store_batch_put(b, &m, &err), 0);
	memset(&info, 0, sizeof(info));
	info.uidnext = 10;
	info.exists = 1;
	info.highestmodseq = 123456789012ULL;
	store_batch_set_info(b, &info);
	CHECK_INT(store_batch_commit(&b, &err), 0);
	store_free(&st);

	st = store_open("work", NULL, &err);
	CHECK(st != NULL);
	if (st == NULL)
		goto out;
	memset(&info, 0xff, sizeof(info));
	CHECK_INT(store_folder_info_get(st, "Archive", &info, &err), 1);
	CHECK_INT(info.uidvalidity, 4242);
	CHECK_INT(info.uidnext, 10);
	CHECK_INT(info.exists, 1);
	CHECK(info.highestmodseq == 123456789012ULL);
	CHECK_INT(info.count, 1);
	/* An aborted batch writes nothing, metadata included. */
	b = store_batch_begin(st, "Archive", 4242, &err);
	info.uidnext = 99;
	store_batch_set_info(b, &info);
	store_batch_abort(&b);
	CHECK(b == NULL);
	store_batch_abort(&b);
	CHECK_INT(store_folder_info_get(st, "Archive", &info, &err), 1);
	CHECK_INT(info.uidnext, 10);
	store_free(&st);
out:
	cache_end();
}

/* Writes n bytes of garbage at offset off of a file. */
static void
scribble(const char *path, off_t off, size_t n)
{
	char *junk = pt_xmalloc(n);
	size_t i;
	int fd;

	for (i = 0; i < n; i++)
		junk[i] = (char)(i * 131 + 7);
	fd = open(path, O_WRONLY);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK(pwrite(fd, junk, n, off) == (ssize_t)n);
		close(fd);
	}
	free(junk);
}

/* The cache opens, is empty, and takes writes again. */
static void
check_rebuilt(void)
{
	struct store *st;
	struct store_index *ix;
	struct pt_error err;

	pt_error_init(&err);
	st = store_open("work", NULL, &err);
	CHECK(st != NULL);
	if (st == NULL) {
		fprintf(stderr, "  open: %s\n", err.msg);
		return;
	}
	ix = store_index_load(st, "INBOX", STORE_LOAD_ALL, &err);
	CHECK(ix != NULL && ix->n == 0 && ix->info.uidvalidity == 0);
	store_index_free(&ix);
	CHECK_INT(put_range(st, "INBOX", 1, 1, 5), 0);
	ix = store_index_load(st, "INBOX", STORE_LOAD_ALL, &err);
	CHECK(ix != NULL && ix->n == 5);
	store_index_free(&ix);
	store_free(&st);
}

static void
fill_cache(void)
{
	struct store *st;
	struct pt_error err;

	pt_error_init(&err);
	st = store_open("work", NULL, &err);
	CHECK(st != NULL);
	if (st == NULL)
		return;
	CHECK_INT(put_range(st, "INBOX", 1, 1, 500), 0);
	store_free(&st);
}

static void
test_store_corrupt_file_rebuilt(void)
{
	char *data;
	struct stat sb;

	cache_begin();
	data = cache_file("work", "data.mdb");
	/* Garbage over the whole file. */
	fill_cache();
	CHECK_INT(stat(data, &sb), 0);
	scribble(data, 0, (size_t)sb.st_size);
	check_rebuilt();
	/* Garbage over the header pages only. */
	fill_cache();
	scribble(data, 0, 8192);
	check_rebuilt();
	/* A truncated file. */
	fill_cache();
	CHECK_INT(truncate(data, 12288), 0);
	check_rebuilt();
	/* An empty file. */
	fill_cache();
	CHECK_INT(truncate(data, 0), 0);
	check_rebuilt();
	free(data);
	cache_end();
}

static void
test_store_foreign_env_rebuilt(void)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k, v;
	char *dir;
	struct pt_error err;

	cache_begin();
	dir = pt_xasprintf("%s/petrel/work/headers", tmpdir);
	CHECK_INT(pt_mkdir_p(dir, 0700, &err), 0);
	/* Another program's LMDB environment in our place. */
	CHECK_INT(mdb_env_create(&env), 0);
	mdb_env_set_maxdbs(env, 2);
	CHECK_INT(mdb_env_open(env, dir, 0, 0600), 0);
	CHECK_INT(mdb_txn_begin(env, NULL, 0, &txn), 0);
	CHECK_INT(mdb_dbi_open(txn, "theirs", MDB_CREATE, &dbi), 0);
	k.mv_data = (void *)"key";
	k.mv_size = 3;
	v.mv_data = (void *)"value";
	v.mv_size = 5;
	CHECK_INT(mdb_put(txn, dbi, &k, &v, 0), 0);
	CHECK_INT(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	check_rebuilt();
	free(dir);
	cache_end();
}

static void
test_store_old_format_rebuilt(void)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi meta;
	MDB_val k, v;
	uint8_t fmt[8];
	char *dir;

	cache_begin();
	fill_cache();
	/* Make it look like a cache of format 0. */
	dir = pt_xasprintf("%s/petrel/work/headers", tmpdir);
	CHECK_INT(mdb_env_create(&env), 0);
	mdb_env_set_maxdbs(env, 4);
	CHECK_INT(mdb_env_open(env, dir, 0, 0600), 0);
	CHECK_INT(mdb_txn_begin(env, NULL, 0, &txn), 0);
	CHECK_INT(mdb_dbi_open(txn, "meta", 0, &meta), 0);
	memcpy(fmt, STORE_FORMAT_MAGIC, 4);
	store_le32_put(fmt + 4, 0);
	k.mv_data = (void *)STORE_META_FORMAT;
	k.mv_size = strlen(STORE_META_FORMAT);
	v.mv_data = fmt;
	v.mv_size = sizeof(fmt);
	CHECK_INT(mdb_put(txn, meta, &k, &v, 0), 0);
	CHECK_INT(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	check_rebuilt();
	free(dir);
	cache_end();
}

static void
test_store_damaged_records_skipped(void)
{
	struct store *st;
	struct store_index *ix;
	struct pt_error err;
	MDB_txn *txn;
	MDB_val k, v;
	uint8_t key[STORE_KEY_LEN];

	cache_begin();
	pt_error_init(&err);
	st = store_open("work", NULL, &err);
	if (st == NULL) {
		CHECK(st != NULL);
		goto out;
	}
	CHECK_INT(put_range(st, "INBOX", 8, 1, 10), 0);
	ix = store_index_load(st, "INBOX", STORE_LOAD_FIXED, &err);
	CHECK(ix != NULL && ix->n == 10);
	/* Truncate uid 3's strings and uid 5's fixed record, by hand. */
	CHECK_INT(mdb_txn_begin(st->env->env, NULL, 0, &txn), 0);
	store_key_make(key, ix->fid, 8, 3);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	v.mv_data = (void *)"\x01\x07\x05";
	v.mv_size = 3;
	CHECK_INT(mdb_put(txn, st->env->str, &k, &v, 0), 0);
	store_key_make(key, ix->fid, 8, 5);
	v.mv_size = 3;
	CHECK_INT(mdb_put(txn, st->env->fix, &k, &v, 0), 0);
	CHECK_INT(mdb_txn_commit(txn), 0);
	store_index_free(&ix);

	ix = store_index_load(st, "INBOX", STORE_LOAD_ALL, &err);
	CHECK(ix != NULL);
	if (ix != NULL) {
		CHECK_INT(ix->n, 9);
		CHECK_INT(ix->skipped, 2);
		CHECK(store_index_find(ix, 5) == NULL);
		CHECK(store_index_find(ix, 3) != NULL);
		CHECK_STR(store_summary_str(ix, store_index_find(ix, 3),
			      STORE_SUBJECT),
		    "");
		CHECK_INT(ix->order_stored, 0);
		store_index_free(&ix);
	}
	ix = store_index_load(st, "INBOX", STORE_LOAD_FIXED, &err);
	CHECK(ix != NULL);
	if (ix != NULL) {
		CHECK_INT(store_index_fill(st, ix, 0, 100, &err), 0);
		CHECK_INT(ix->nstrings, 8);
		store_index_free(&ix);
	}
	/* Putting the messages again repairs them. */
	CHECK_INT(put_range(st, "INBOX", 8, 1, 10), 0);
	ix = store_index_load(st, "INBOX", STORE_LOAD_ALL, &err);
	CHECK(ix != NULL && ix->n == 10 && ix->nstrings == 10 &&
	      ix->skipped == 0);
	store_index_free(&ix);
	store_free(&st);
out:
	cache_end();
}

static void
test_store_two_processes(void)
{
	struct store *st;
	struct store_index *ix;
	struct pt_error err;
	pid_t pid;
	int status, i;

	cache_begin();
	pt_error_init(&err);
	/* The parent's handle exists before the fork. */
	st = store_open("work", NULL, &err);
	if (st == NULL) {
		CHECK(st != NULL);
		goto out;
	}
	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct store *cst;
		int bad = 0;

		/* The child opens its own environment. */
		cst = store_open("work", NULL, &err);
		if (cst == NULL)
			_exit(2);
		for (i = 0; i < 10; i++)
			if (put_range(cst, "Child", 9, (uint32_t)i * 300 + 1,
				(uint32_t)i * 300 + 300) != 0)
				bad = 1;
		ix = store_index_load(cst, "Child", STORE_LOAD_ALL, &err);
		if (ix == NULL || ix->n != 3000)
			bad = 1;
		store_index_free(&ix);
		store_free(&cst);
		_exit(bad);
	}
	for (i = 0; i < 10; i++)
		CHECK_INT(put_range(st, "Parent", 9, (uint32_t)i * 300 + 1,
			      (uint32_t)i * 300 + 300),
		    0);
	CHECK_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ix = store_index_load(st, "Child", STORE_LOAD_ALL, &err);
	CHECK(ix != NULL && ix->n == 3000 && ix->nstrings == 3000);
	store_index_free(&ix);
	ix = store_index_load(st, "Parent", STORE_LOAD_ALL, &err);
	CHECK(ix != NULL && ix->n == 3000 && ix->order_stored == 1);
	store_index_free(&ix);
	store_free(&st);
out:
	cache_end();
}

static void
test_store_reopens_after_other_rebuild(void)
{
	struct store *st;
	struct store_index *ix;
	struct pt_error err;
	char *data, *lock;
	pid_t pid;
	int status;

	cache_begin();
	pt_error_init(&err);
	st = store_open("work", NULL, &err);
	if (st == NULL) {
		CHECK(st != NULL);
		goto out;
	}
	CHECK_INT(put_range(st, "Old", 1, 1, 5), 0);
	data = cache_file("work", "data.mdb");
	lock = cache_file("work", "lock.mdb");
	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		/* Another petrel throws the cache away and makes a new one. */
		struct store *cst;

		unlink(data);
		unlink(lock);
		free(data); /* keeps valgrind's leak check quiet */
		free(lock);
		if ((cst = store_open("work", NULL, &err)) == NULL)
			_exit(2);
		if (put_range(cst, "New", 1, 1, 7) != 0)
			_exit(3);
		store_free(&cst);
		_exit(0);
	}
	CHECK_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* This process notices and follows the new file. */
	ix = store_index_load(st, "New", STORE_LOAD_ALL, &err);
	CHECK(ix != NULL && ix->n == 7);
	store_index_free(&ix);
	ix = store_index_load(st, "Old", STORE_LOAD_ALL, &err);
	CHECK(ix != NULL && ix->n == 0);
	store_index_free(&ix);
	CHECK_INT(put_range(st, "Old", 1, 1, 2), 0);
	free(data);
	free(lock);
	store_free(&st);
out:
	cache_end();
}

static void
test_store_shared_handles(void)
{
	struct store *a, *b;
	struct store_index *ix;
	struct pt_error err;

	cache_begin();
	pt_error_init(&err);
	a = store_open("work", NULL, &err);
	b = store_open("work", NULL, &err);
	CHECK(a != NULL && b != NULL);
	if (a != NULL && b != NULL) {
		CHECK(a->env == b->env);
		CHECK_INT(put_range(a, "INBOX", 1, 1, 5), 0);
		store_free(&a);
		ix = store_index_load(b, "INBOX", STORE_LOAD_ALL, &err);
		CHECK(ix != NULL && ix->n == 5);
		store_index_free(&ix);
	}
	store_free(&a);
	store_free(&b);
	cache_end();
}

struct reader {
	struct store *st;
	int stop;
	int loads;
	int errors;
};

/* Loads the folder again and again while the writer writes. */
static void *
reader_run(void *arg)
{
	struct reader *r = arg;
	struct store_index *ix;
	struct pt_error err;

	pt_error_init(&err);
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		ix = store_index_load(r->st, "INBOX", STORE_LOAD_ALL, &err);
		/* Each load is one snapshot: whole and consistent. */
		if (ix == NULL || ix->n != ix->info.count ||
		    ix->nstrings != ix->n || ix->skipped != 0)
			r->errors++;
		else if (ix->n > 0 &&
			 strcmp(store_summary_str(ix, &ix->msgs[ix->n - 1],
				    STORE_FROM_ADDR),
			     "") == 0)
			r->errors++;
		store_index_free(&ix);
		r->loads++;
	}
	return NULL;
}

static void
test_store_threads_read_while_writing(void)
{
	struct store_options opt;
	struct reader r[2];
	pthread_t tid[2];
	struct store *st;
	struct store_index *ix;
	struct pt_error err;
	uint32_t uid;
	int i;

	cache_begin();
	pt_error_init(&err);
	memset(&opt, 0, sizeof(opt));
	opt.map_size = 256 * 1024; /* grows while the readers read */
	st = store_open("work", &opt, &err);
	if (st == NULL) {
		CHECK(st != NULL);
		goto out;
	}
	for (i = 0; i < 2; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].st = st;
		CHECK_INT(pthread_create(&tid[i], NULL, reader_run, &r[i]), 0);
	}
	for (uid = 1; uid <= 12000; uid += 500)
		CHECK_INT(put_range(st, "INBOX", 1, uid, uid + 499), 0);
	for (i = 0; i < 2; i++) {
		__atomic_store_n(&r[i].stop, 1, __ATOMIC_RELEASE);
		pthread_join(tid[i], NULL);
		CHECK_INT(r[i].errors, 0);
		CHECK(r[i].loads > 0);
	}
	ix = store_index_load(st, "INBOX", STORE_LOAD_ALL, &err);
	CHECK(ix != NULL && ix->n == 12000 && ix->nstrings == 12000);
	store_index_free(&ix);
	store_free(&st);
out:
	cache_end();
}

static void
test_store_map_growth(void)
{
	struct store_options opt;
	struct store *st;
	struct store_index *ix;
	struct store_summary *s;
	struct pt_error err;
	MDB_envinfo info;

	cache_begin();
	pt_error_init(&err);
	memset(&opt, 0, sizeof(opt));
	opt.map_size = 256 * 1024;
	opt.chunk = 700;
	st = store_open("work", &opt, &err);
	if (st == NULL) {
		CHECK(st != NULL);
		goto out;
	}
	/* About 2.5 MB of records into a 256 KB map. */
	CHECK_INT(put_range(st, "INBOX", 1, 1, 10000), 0);
	CHECK_INT(mdb_env_info(st->env->env, &info), 0);
	CHECK(info.me_mapsize > opt.map_size);
	ix = store_index_load(st, "INBOX", STORE_LOAD_ALL, &err);
	CHECK(ix != NULL);
	if (ix != NULL) {
		CHECK_INT(ix->n, 10000);
		CHECK_INT(ix->nstrings, 10000);
		s = store_index_find(ix, 9999);
		CHECK(s != NULL);
		if (s != NULL)
			CHECK_STR(store_summary_str(ix, s, STORE_MESSAGE_ID),
			    "<9999@example.org>");
		store_index_free(&ix);
	}
	store_free(&st);
	/* Reopened with the small size, the grown map still fits. */
	st = store_open("work", &opt, &err);
	CHECK(st != NULL);
	if (st != NULL) {
		ix = store_index_load(st, "INBOX", STORE_LOAD_FIXED, &err);
		CHECK(ix != NULL && ix->n == 10000);
		store_index_free(&ix);
		CHECK_INT(put_range(st, "More", 1, 1, 2000), 0);
		store_free(&st);
	}
out:
	cache_end();
}

static void
test_store_evicts_least_recent_folder(void)
{
	struct store_options opt;
	struct store *st;
	struct store_folder_info info;
	struct pt_error err;

	cache_begin();
	pt_error_init(&err);
	memset(&opt, 0, sizeof(opt));
	opt.max_header_bytes = 600 * 1024;
	st = store_open("work", &opt, &err);
	if (st == NULL) {
		CHECK(st != NULL);
		goto out;
	}
	CHECK_INT(put_range(st, "Old", 1, 1, 1500), 0);
	CHECK_INT(store_folder_info_get(st, "Old", &info, &err), 1);
	CHECK_INT(put_range(st, "New", 1, 1, 1500), 0);
	/* Old went; New, being written, stays even past the bound. */
	CHECK_INT(store_folder_info_get(st, "Old", &info, &err), 0);
	CHECK_INT(store_folder_info_get(st, "New", &info, &err), 1);
	CHECK_INT(info.count, 1500);
	CHECK(store_used_bytes(st) > 0);
	store_free(&st);
out:
	cache_end();
}

static void
test_store_order_sorted_when_stale(void)
{
	struct store_options opt;
	struct store *st;
	struct store_batch *b;
	struct store_index *ix;
	struct store_msg m;
	struct msgbuf mb;
	struct pt_error err;
	uint32_t uid;
	size_t i;

	cache_begin();
	pt_error_init(&err);
	memset(&opt, 0, sizeof(opt));
	opt.chunk = 10;
	st = store_open("work", &opt, &err);
	if (st == NULL) {
		CHECK(st != NULL);
		goto out;
	}
	CHECK_INT(put_range(st, "INBOX", 1, 1, 20), 0);
	/* 25 more in chunks of 10, dates going backwards, then an abort. */
	b = store_batch_begin(st, "INBOX", 1, &err);
	for (uid = 21; uid <= 45; uid++) {
		make_msg(&m, &mb, uid);
		m.date = 1600000000 - (int64_t)uid;
		CHECK_INT(store_batch_put(b, &m, &err), 0);
	}
	store_batch_abort(&b);
	ix = store_index_load(st, "INBOX", STORE_LOAD_FIXED, &err);
	CHECK(ix != NULL);
	if (ix != NULL) {
		CHECK_INT(ix->n, 40); /* two chunks written, 5 dropped */
		CHECK_INT(ix->order_stored, 0);
		CHECK_INT(ix->msgs[ix->order[0]].uid, 20);
		CHECK_INT(ix->msgs[ix->order[39]].uid, 40);
		for (i = 1; i < ix->n; i++)
			CHECK(ix->msgs[ix->order[i - 1]].date >=
			      ix->msgs[ix->order[i]].date);
		store_index_free(&ix);
	}
	store_free(&st);
out:
	cache_end();
}

static void
test_store_body_cache(void)
{
	struct store_options opt;
	struct store *st;
	struct pt_error err;
	char *data, block[4000];
	size_t len;
	uint32_t uid;
	struct timespec ts = {0, 20 * 1000 * 1000};

	cache_begin();
	pt_error_init(&err);
	memset(&opt, 0, sizeof(opt));
	opt.max_body_bytes = 20000;
	st = store_open("work", &opt, &err);
	if (st == NULL) {
		CHECK(st != NULL);
		goto out;
	}
	CHECK_INT(store_body_get(st, "INBOX", 1, 1, NULL, &data, &len, &err),
	    0);
	CHECK(data == NULL);
	CHECK_INT(store_body_put(st, "INBOX", 1, 1, NULL, "Hello\0world", 11,
		      &err),
	    0);
	CHECK_INT(store_body_get(st, "INBOX", 1, 1, "", &data, &len, &err), 1);
	CHECK_INT(len, 11);
	CHECK(data != NULL && memcmp(data, "Hello\0world", 12) == 0);
	free(data);
	/* A part, and a replacement. */
	CHECK_INT(store_body_put(st, "INBOX", 1, 1, "1.2", "part", 4, &err), 0);
	CHECK_INT(store_body_put(st, "INBOX", 1, 1, "1.2", "PART!", 5, &err),
	    0);
	CHECK_INT(store_body_get(st, "INBOX", 1, 1, "1.2", &data, &len, &err),
	    1);
	CHECK_STR(data, "PART!");
	free(data);
	/* Another UIDVALIDITY is another message. */
	CHECK_INT(store_body_get(st, "INBOX", 2, 1, "1.2", &data, &len, &err),
	    0);
	/* Names that could escape the folder are refused. */
	CHECK_INT(store_body_put(st, "INBOX", 1, 1, "../x", "x", 1, &err), -1);
	CHECK_INT(err.class, PT_E_INTERNAL);
	CHECK_INT(store_body_put(st, "INBOX", 1, 1, "a/b", "x", 1, &err), -1);
	CHECK_INT(store_body_put(st, "../..", 1, 1, NULL, "x", 1, &err), 0);
	CHECK_INT(store_body_size(st), 11 + 5 + 1);

	/*
	 * Eviction: blocks of 4000 bytes into 20000; past the bound the
	 * least recently used go until 18000 (90%) is left.
	 */
	CHECK_INT(store_body_evict(st, 0, &err), 0);
	CHECK_INT(store_body_size(st), 0);
	memset(block, 'x', sizeof(block));
	for (uid = 1; uid <= 4; uid++) {
		CHECK_INT(store_body_put(st, "Big", 1, uid, NULL, block,
			      sizeof(block), &err),
		    0);
		nanosleep(&ts, NULL);
	}
	/* Use uid 1, so uids 2 and 3 are now the least recently used. */
	CHECK_INT(store_body_get(st, "Big", 1, 1, NULL, &data, &len, &err), 1);
	free(data);
	nanosleep(&ts, NULL);
	for (uid = 5; uid <= 6; uid++) {
		CHECK_INT(store_body_put(st, "Big", 1, uid, NULL, block,
			      sizeof(block), &err),
		    0);
		nanosleep(&ts, NULL);
	}
	CHECK_INT(store_body_size(st), 16000);
	CHECK_INT(store_body_get(st, "Big", 1, 2, NULL, &data, &len, &err), 0);
	CHECK_INT(store_body_get(st, "Big", 1, 3, NULL, &data, &len, &err), 0);
	for (uid = 4; uid <= 6; uid++) {
		CHECK_INT(store_body_get(st, "Big", 1, uid, NULL, &data, &len,
			      &err),
		    1);
		free(data);
	}
	CHECK_INT(store_body_get(st, "Big", 1, 1, NULL, &data, &len, &err), 1);
	free(data);
	/* Dropping the folder drops its bodies. */
	CHECK_INT(store_folder_drop(st, "Big", &err), 0);
	CHECK_INT(store_body_get(st, "Big", 1, 8, NULL, &data, &len, &err), 0);
	store_free(&st);
out:
	cache_end();
}

/* The offline queue: numbered records, in order, durable, one owner. */
static void
test_store_queue(void)
{
	struct pt_error err;
	struct store_queue *q, *q2;
	uint64_t a = 0, b = 0, c = 0, *v = NULL;
	size_t n = 0, len = 0;
	char *data, *junk;

	cache_begin();
	pt_error_init(&err);
	q = store_queue_open(tmpdir, NULL, &err);
	CHECK(q != NULL);
	if (q == NULL)
		goto out;
	/* A second owner is refused while the first holds it. */
	q2 = store_queue_open(tmpdir, NULL, &err);
	CHECK(q2 == NULL);
	CHECK_INT(err.class, PT_E_IO);
	store_queue_free(&q2);
	pt_error_init(&err);
	CHECK_INT(store_queue_put(q, 0, "one", 3, &a, &err), 0);
	CHECK_INT(store_queue_put(q, 0, "two\0x", 5, &b, &err), 0);
	CHECK_INT(store_queue_put(q, 0, "three", 5, &c, &err), 0);
	CHECK(a < b && b < c);
	CHECK_INT(store_queue_put(q, b, "TWO", 3, NULL, &err), 0);
	CHECK_INT(store_queue_remove(q, a, &err), 0);
	CHECK_INT(store_queue_remove(q, a, &err), 0); /* gone is fine */
	/* Stray files are not records. */
	junk = pt_xasprintf("%s/queue/notes.txt", tmpdir);
	CHECK_INT(pt_file_write_atomic(junk, "x", 1, 0600, &err), 0);
	free(junk);
	store_queue_free(&q);
	/* Reopened (the next run): what is left, in order. */
	q = store_queue_open(tmpdir, NULL, &err);
	CHECK(q != NULL);
	if (q == NULL)
		goto out;
	CHECK_INT(store_queue_list(q, &v, &n, &err), 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK(v[0] == b && v[1] == c);
		data = store_queue_read(q, v[0], &len, &err);
		CHECK(data != NULL && len == 3 && memcmp(data, "TWO", 3) == 0);
		free(data);
	}
	free(v);
	/* New numbers go on after the highest. */
	CHECK_INT(store_queue_put(q, 0, "four", 4, &a, &err), 0);
	CHECK(a > c);
	store_queue_free(&q);
out:
	cache_end();
}

/* A queue found in the old place (the cache) is moved over, in order. */
static void
test_store_queue_adopt(void)
{
	struct pt_error err;
	struct store_queue *q;
	uint64_t a = 0, *v = NULL;
	size_t n = 0, len = 0;
	char *oldbase, *newbase, *path, *data;
	struct stat sb;

	cache_begin();
	pt_error_init(&err);
	oldbase = pt_xasprintf("%s/cache", tmpdir);
	newbase = pt_xasprintf("%s/data", tmpdir);
	/* An older petrel left two records in the cache. */
	q = store_queue_open(oldbase, NULL, &err);
	CHECK(q != NULL);
	if (q == NULL)
		goto out;
	CHECK_INT(store_queue_put(q, 0, "old1", 4, NULL, &err), 0);
	CHECK_INT(store_queue_put(q, 0, "old2", 4, NULL, &err), 0);
	store_queue_free(&q);
	/* The new place already holds one. */
	q = store_queue_open(newbase, NULL, &err);
	CHECK(q != NULL);
	if (q == NULL)
		goto out;
	CHECK_INT(store_queue_put(q, 0, "new", 3, &a, &err), 0);
	store_queue_free(&q);
	q = store_queue_open(newbase, oldbase, &err);
	CHECK(q != NULL);
	if (q == NULL)
		goto out;
	CHECK_INT(store_queue_list(q, &v, &n, &err), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		static const char *const want[] = {"new", "old1", "old2"};
		size_t i;

		CHECK(v[0] == a);
		for (i = 0; i < 3; i++) {
			data = store_queue_read(q, v[i], &len, &err);
			CHECK(data != NULL && strcmp(data, want[i]) == 0);
			free(data);
		}
	}
	free(v);
	path = pt_xasprintf("%s/queue", oldbase);
	CHECK(stat(path, &sb) != 0 && errno == ENOENT);
	free(path);
	store_queue_free(&q);
out:
	free(oldbase);
	free(newbase);
	cache_end();
}

/* ---- address book ---- */

static struct store *
addr_open(size_t max)
{
	struct store_options so;
	struct pt_error err;
	struct store *st;

	memset(&so, 0, sizeof so);
	so.max_addresses = max;
	pt_error_init(&err);
	st = store_open("work", &so, &err);
	if (st == NULL)
		fprintf(stderr, "  open: %s\n", err.msg);
	return st;
}

static void
test_store_addr_rank_and_merge(void)
{
	struct store_addr_use u[] = {
	    {"ann@example.test", "Ann", 1700000000, STORE_ADDR_FROM},
	    {"bob@example.test", "", 1700000000, STORE_ADDR_FROM},
	    {"BOB@Example.TEST", "Bob Example", 1700000100, STORE_ADDR_FROM},
	    {"bob@example.test", "", 1700000200, STORE_ADDR_FROM},
	    {"carol@example.test", "Carol", 1700000000, STORE_ADDR_TO},
	    {"not an address", "X", 1700000000, STORE_ADDR_FROM},
	    {"\" \\\x10"
	     "x\"@example.test",
		"Ctl", 1700000000, STORE_ADDR_FROM},
	    {"dave@example.test", "Old Dave", 1600000000, STORE_ADDR_FROM},
	};
	struct store_addr *v;
	struct pt_error err;
	struct store *st;
	size_t n;

	cache_begin();
	pt_error_init(&err);
	if ((st = addr_open(0)) == NULL) {
		CHECK(st != NULL);
		goto out;
	}
	CHECK_INT(store_addr_add(st, u, PT_NELEM(u), &err), 0);
	CHECK_INT(store_addr_query(st, "", 0, &v, &n, &err), 0);
	CHECK_INT(n, 4);
	if (n == 4) {
		/* Written to once (4) beats received three times (3). */
		CHECK_STR(v[0].addr, "carol@example.test");
		CHECK_INT(v[0].written, 1);
		CHECK_STR(v[1].addr, "bob@example.test");
		/* The last non-empty name wins; one entry for three cases. */
		CHECK_STR(v[1].name, "Bob Example");
		CHECK_INT(v[1].received, 3);
		CHECK(v[1].last == 1700000200);
		CHECK_STR(v[2].addr, "ann@example.test");
		/* Old uses weigh less than recent ones. */
		CHECK_STR(v[3].addr, "dave@example.test");
	}
	store_addr_list_free(&v, n);
	/* Name words and address parts, any case, UTF-8. */
	CHECK_INT(store_addr_query(st, "EXAMPLE B", 0, &v, &n, &err), 0);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_STR(v[0].addr, "bob@example.test");
	store_addr_list_free(&v, n);
	CHECK_INT(store_addr_query(st, "xample", 0, &v, &n, &err), 0);
	CHECK_INT(n, 4);
	store_addr_list_free(&v, n);
	CHECK_INT(store_addr_query(st, "xam", 1, &v, &n, &err), 0);
	CHECK_INT(n, 1);
	store_addr_list_free(&v, n);
	CHECK_INT(store_addr_query(st, "nobody", 0, &v, &n, &err), 0);
	CHECK_INT(n, 0);
	CHECK(v == NULL);
	{
		struct store_addr_use z = {"zoe@example.test", "Zoë Ärger", 0,
		    STORE_ADDR_FROM};

		CHECK_INT(store_addr_add(st, &z, 1, &err), 0);
		CHECK_INT(store_addr_query(st, "äR", 0, &v, &n, &err), 0);
		CHECK_INT(n, 1);
		if (n == 1)
			CHECK_STR(v[0].name, "Zoë Ärger");
		store_addr_list_free(&v, n);
	}
	store_free(&st);
out:
	cache_end();
}

static void
test_store_addr_bound(void)
{
	struct store_addr_use u[40];
	char addrs[40][32];
	struct store_addr *v;
	struct pt_error err;
	struct store *st;
	size_t n, i;

	cache_begin();
	pt_error_init(&err);
	if ((st = addr_open(20)) == NULL) {
		CHECK(st != NULL);
		goto out;
	}
	/* a00 is used most; the later ones are newer. */
	for (i = 0; i < 40; i++) {
		snprintf(addrs[i], sizeof addrs[i], "a%02zu@example.test", i);
		u[i].addr = addrs[i];
		u[i].name = NULL;
		u[i].when = 1700000000 + (int64_t)i;
		u[i].kind = STORE_ADDR_FROM;
	}
	for (i = 0; i < 5; i++)
		CHECK_INT(store_addr_add(st, u, 1, &err), 0);
	for (i = 0; i < 40; i += 10)
		CHECK_INT(store_addr_add(st, u + i, 10, &err), 0);
	CHECK_INT(store_addr_query(st, NULL, 0, &v, &n, &err), 0);
	/* Past 20 entries, down to 18; a00 stays, the oldest rare ones go. */
	CHECK(n <= 20 && n >= 18);
	if (n > 1) {
		CHECK_STR(v[0].addr, "a00@example.test");
		CHECK_STR(v[1].addr, "a39@example.test");
		for (i = 0; i < n; i++)
			CHECK(strcmp(v[i].addr, "a01@example.test") != 0);
	}
	store_addr_list_free(&v, n);
	store_free(&st);
out:
	cache_end();
}

static void
test_store_addr_damaged_removed(void)
{
	struct store_addr_use u[] = {
	    {"ann@example.test", "Ann", 1700000000, STORE_ADDR_FROM},
	    {"bob@example.test", "Bob", 1700000000, STORE_ADDR_FROM},
	};
	struct store_addr *v;
	struct pt_error err;
	struct store *st;
	MDB_txn *txn;
	MDB_stat ms;
	MDB_val k, d;
	size_t n;

	cache_begin();
	pt_error_init(&err);
	if ((st = addr_open(0)) == NULL) {
		CHECK(st != NULL);
		goto out;
	}
	CHECK_INT(store_addr_add(st, u, 2, &err), 0);
	/* Garbage in bob's record and a foreign key, by hand. */
	CHECK_INT(mdb_txn_begin(st->env->env, NULL, 0, &txn), 0);
	k.mv_data = (void *)"bob@example.test";
	k.mv_size = 16;
	d.mv_data = (void *)"\x01\x00\x40garbage";
	d.mv_size = 10;
	CHECK_INT(mdb_put(txn, st->env->addr, &k, &d, 0), 0);
	k.mv_data = (void *)"zz";
	k.mv_size = 2;
	CHECK_INT(mdb_put(txn, st->env->addr, &k, &d, 0), 0);
	CHECK_INT(mdb_txn_commit(txn), 0);
	CHECK_INT(store_addr_query(st, "", 0, &v, &n, &err), 0);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_STR(v[0].addr, "ann@example.test");
	store_addr_list_free(&v, n);
	/* The query removed them. */
	CHECK_INT(mdb_txn_begin(st->env->env, NULL, MDB_RDONLY, &txn), 0);
	CHECK_INT(mdb_stat(txn, st->env->addr, &ms), 0);
	CHECK_INT(ms.ms_entries, 1);
	mdb_txn_abort(txn);
	/* A new use of bob makes his entry again. */
	CHECK_INT(store_addr_add(st, u + 1, 1, &err), 0);
	CHECK_INT(store_addr_query(st, "bob", 0, &v, &n, &err), 0);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_INT(v[0].received, 1);
	store_addr_list_free(&v, n);
	store_free(&st);
out:
	cache_end();
}

static void
test_store_addr_from_batches(void)
{
	struct store_batch *b;
	struct store_msg m;
	struct msgbuf mb;
	struct store_addr *v;
	struct pt_error err;
	struct store *st;
	size_t n;

	cache_begin();
	pt_error_init(&err);
	if ((st = addr_open(0)) == NULL) {
		CHECK(st != NULL);
		goto out;
	}
	/* Ten messages from ten senders; stored twice, counted once. */
	CHECK_INT(put_range(st, "INBOX", 8, 1, 10), 0);
	CHECK_INT(put_range(st, "INBOX", 8, 1, 10), 0);
	CHECK_INT(store_addr_query(st, "zoe3", 0, &v, &n, &err), 0);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_STR(v[0].name, "Zoë Ünïcode 3");
		CHECK_INT(v[0].received, 1);
		CHECK(v[0].last == 1700000000 + 3 * 60 - 5);
	}
	store_addr_list_free(&v, n);
	/* The Sent folder records its To, written to, not its From. */
	b = store_batch_begin(st, "Sent", 3, &err);
	CHECK(b != NULL);
	if (b != NULL) {
		store_batch_set_sent(b);
		make_msg(&m, &mb, 1);
		snprintf(mb.s[STORE_TO], 128,
		    "\"Doe, Jane\" <jane@example.test>, Ålice "
		    "<alice@example.org>");
		m.cc = "Cecil <cecil@example.test>, bad@, late@example.test";
		CHECK_INT(store_batch_put(b, &m, &err), 0);
		CHECK_INT(store_batch_commit(&b, &err), 0);
	}
	CHECK_INT(store_addr_query(st, "", 3, &v, &n, &err), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		/* Equal ranks: by address. */
		CHECK_STR(v[0].addr, "alice@example.org");
		CHECK_STR(v[0].name, "Ålice");
		CHECK_INT(v[0].written, 1);
		CHECK_STR(v[1].addr, "cecil@example.test");
		CHECK_STR(v[2].addr, "jane@example.test");
		CHECK_STR(v[2].name, "Doe, Jane");
	}
	store_addr_list_free(&v, n);
	/* The Cc too, up to an address that does not parse. */
	CHECK_INT(store_addr_query(st, "cecil", 0, &v, &n, &err), 0);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_INT(v[0].written, 1);
	store_addr_list_free(&v, n);
	CHECK_INT(store_addr_query(st, "late", 0, &v, &n, &err), 0);
	CHECK_INT(n, 0);
	store_addr_list_free(&v, n);
	CHECK_INT(store_addr_query(st, "zoe1@", 0, &v, &n, &err), 0);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_INT(v[0].received, 1); /* not counted from Sent */
	store_addr_list_free(&v, n);
	store_free(&st);
out:
	cache_end();
}

static const struct pt_test tests[] = {
    PT_TEST(test_store_queue),
    PT_TEST(test_store_queue_adopt),
    PT_TEST(test_store_record_fix_roundtrip),
    PT_TEST(test_store_record_truncated_and_garbage),
    PT_TEST(test_store_record_order_check),
    PT_TEST(test_store_open_bad_account),
    PT_TEST(test_store_roundtrip_utf8),
    PT_TEST(test_store_long_strings_cut),
    PT_TEST(test_store_flags_update),
    PT_TEST(test_store_expunge),
    PT_TEST(test_store_uidvalidity_change_drops),
    PT_TEST(test_store_metadata_persists),
    PT_TEST(test_store_corrupt_file_rebuilt),
    PT_TEST(test_store_foreign_env_rebuilt),
    PT_TEST(test_store_old_format_rebuilt),
    PT_TEST(test_store_damaged_records_skipped),
    PT_TEST(test_store_two_processes),
    PT_TEST(test_store_reopens_after_other_rebuild),
    PT_TEST(test_store_shared_handles),
    PT_TEST(test_store_map_growth),
    PT_TEST(test_store_threads_read_while_writing),
    PT_TEST(test_store_evicts_least_recent_folder),
    PT_TEST(test_store_order_sorted_when_stale),
    PT_TEST(test_store_body_cache),
    PT_TEST(test_store_addr_rank_and_merge),
    PT_TEST(test_store_addr_bound),
    PT_TEST(test_store_addr_damaged_removed),
    PT_TEST(test_store_addr_from_batches),
    {NULL, NULL},
};

int
main(void)
{
	/* Keep the expected warnings (rebuilds, skipped records) quiet. */
	if (getenv("PT_TEST_VERBOSE") == NULL)
		pt_log_quiet_stderr(1);
	setlocale(LC_CTYPE, "C.UTF-8");
	return pt_test_run(tests);
}
