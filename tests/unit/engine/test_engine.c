/*
 * Unit tests for the engine's pure parts and its contract without a
 * network: modified UTF-7, summary header parsing, dates, UID sets,
 * job validation, the event queue and wakeup fd, cancelling queued
 * jobs, and stopping an engine whose server never answers.
 */
#include "config.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/imap.h"
#include "petrel/store.h"

#include "src/engine/private.h"
#include "src/imap/ext.h"
#include "tests/harness/pt_test.h"

static void
check_mutf7(const char *utf8, const char *mutf7)
{
	char *e = imap_mutf7_encode(utf8);
	char *d = imap_mutf7_decode(mutf7);

	CHECK_STR(e, mutf7);
	CHECK_STR(d, utf8);
	free(e);
	free(d);
}

static void
test_mutf7_roundtrip(void)
{
	check_mutf7("INBOX", "INBOX");
	check_mutf7("A&B", "A&-B");
	check_mutf7("&", "&-");
	/* RFC 3501's example. */
	check_mutf7("~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/"
		    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	    "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
	check_mutf7("Entw\xc3\xbc"
		    "rfe",
	    "Entw&APw-rfe");
	check_mutf7("Gel\xc3\xb6scht", "Gel&APY-scht");
	/* Outside the BMP: a surrogate pair. */
	check_mutf7("\xf0\x9f\x93\xa7 mail", "&2D3c5w- mail");
	check_mutf7("", "");
}

static void
test_mutf7_invalid(void)
{
	char *s;

	CHECK((s = imap_mutf7_decode("&")) == NULL);
	free(s);
	CHECK((s = imap_mutf7_decode("&AGE")) == NULL); /* no "-" */
	free(s);
	CHECK((s = imap_mutf7_decode("&AGE-")) == NULL); /* "a" encoded */
	free(s);
	CHECK((s = imap_mutf7_decode("&2D0-")) == NULL); /* lone surrogate */
	free(s);
	CHECK((s = imap_mutf7_decode("caf\xc3\xa9")) == NULL); /* raw 8-bit */
	free(s);
	CHECK((s = imap_mutf7_decode("a\x01"
				     "b")) == NULL);
	free(s);
	CHECK((s = imap_mutf7_encode("bad\xff")) == NULL);
	free(s);
}

static void
test_summary_parse_basic(void)
{
	static const char h[] =
	    "Date: Tue, 15 Nov 1994 08:12:31 -0500\r\n"
	    "From: \"Doe, Jane\" <jane@example.org>\r\n"
	    "To: bob@example.net,\r\n carol@example.net\r\n"
	    "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= and\r\n more\r\n"
	    "Message-ID: <abc@example.org>\r\n"
	    "In-Reply-To: <prev@example.org> (comment)\r\n"
	    "References: <a@x>\r\n\t<b@y>  <prev@example.org>\r\n"
	    "Content-Type: multipart/mixed; boundary=x\r\n\r\n";
	struct imap_summary s;

	imap_summary_parse(&s, h, sizeof h - 1);
	CHECK_STR(s.str[STORE_FROM_NAME], "Doe, Jane");
	CHECK_STR(s.str[STORE_FROM_ADDR], "jane@example.org");
	CHECK(strstr(s.str[STORE_TO], "bob@example.net") != NULL);
	CHECK(strstr(s.str[STORE_TO], "carol@example.net") != NULL);
	CHECK_STR(s.str[STORE_SUBJECT], "Gr\xc3\xbc\xc3\x9f"
					"e and more");
	CHECK_STR(s.str[STORE_MESSAGE_ID], "<abc@example.org>");
	CHECK_STR(s.str[STORE_IN_REPLY_TO], "<prev@example.org>");
	CHECK_STR(s.str[STORE_REFERENCES], "<a@x> <b@y> <prev@example.org>");
	CHECK_INT(s.date, 784905151);
	CHECK_INT(s.attach, 1);
	imap_summary_release(&s);
}

static void
test_summary_parse_odd(void)
{
	static const char h1[] = "from: bob@example.net (Bob Smith)\n"
				 "subject:no space\n"
				 "content-type: text/plain\n";
	static const char h2[] = "From: =?iso-8859-1?q?J=F6rg?= <j@x.de>\r\n"
				 "Subject: \x01\xff\r\n";
	static const char h3[] = "";
	struct imap_summary s;

	imap_summary_parse(&s, h1, sizeof h1 - 1);
	CHECK_STR(s.str[STORE_FROM_NAME], "Bob Smith");
	CHECK_STR(s.str[STORE_FROM_ADDR], "bob@example.net");
	CHECK_STR(s.str[STORE_SUBJECT], "no space");
	CHECK_INT(s.attach, 0);
	CHECK_INT(s.date, 0);
	imap_summary_release(&s);
	imap_summary_parse(&s, h2, sizeof h2 - 1);
	CHECK_STR(s.str[STORE_FROM_NAME], "J\xc3\xb6rg");
	CHECK_STR(s.str[STORE_FROM_ADDR], "j@x.de");
	/* Valid UTF-8, no NUL; control characters are the UI's job. */
	CHECK(
	    pt_utf8_valid(s.str[STORE_SUBJECT], strlen(s.str[STORE_SUBJECT])));
	imap_summary_release(&s);
	imap_summary_parse(&s, h3, 0);
	CHECK_STR(s.str[STORE_SUBJECT], "");
	CHECK_STR(s.str[STORE_FROM_ADDR], "");
	imap_summary_release(&s);
}

static void
test_parse_date(void)
{
	const char *d;

	d = "Thu, 01 Jan 1970 00:00:00 +0000";
	CHECK_INT(imap_parse_date(d, strlen(d)), 0);
	d = "1 Jan 1970 01:00 +0100";
	CHECK_INT(imap_parse_date(d, strlen(d)), 0);
	d = "Sat, 29 Feb 2020 12:30:45 GMT";
	CHECK_INT(imap_parse_date(d, strlen(d)), 1582979445);
	d = "29 Feb 20 12:30:45 PST";
	CHECK_INT(imap_parse_date(d, strlen(d)), 1582979445 + 8 * 3600);
	d = "garbage";
	CHECK_INT(imap_parse_date(d, strlen(d)), 0);
	d = "32 Jan 2020 10:00 +0000";
	CHECK_INT(imap_parse_date(d, strlen(d)), 0);
	d = "1 Foo 2020 10:00 +0000";
	CHECK_INT(imap_parse_date(d, strlen(d)), 0);
}

static void
test_uidset_ranges(void)
{
	static const uint32_t uids[] = {1, 2, 3, 5, 7, 8, 100};
	struct imap_uidset us;
	struct mailimap_set *set;
	clistiter *it;
	int n = 0;

	memset(&us, 0, sizeof us);
	us.uids = uids;
	us.n = PT_NELEM(uids);
	set = imap_ext_set(&us);
	CHECK(set != NULL);
	for (it = clist_begin(set->set_list); it != NULL; it = clist_next(it))
		n++;
	CHECK_INT(n, 4); /* 1:3 5 7:8 100 */
	mailimap_set_free(set);
	us.n = 0;
	CHECK(imap_ext_set(&us) == NULL);
}

/* A config with one account whose server is addr:port (plain). */
static struct cfg *
test_cfg(int port)
{
	char text[512];
	struct pt_error err;
	struct cfg *cfg;

	snprintf(text, sizeof text,
	    "[account t]\nemail = t@example.test\nimap_host = 127.0.0.1\n"
	    "imap_port = %d\nimap_security = none\nsmtp_host = 127.0.0.1\n"
	    "smtp_port = 1\nsmtp_security = none\npassword = x\n"
	    "connect_timeout = 2\nread_timeout = 2\n",
	    port);
	pt_error_init(&err);
	cfg = cfg_parse("test", text, strlen(text), &err);
	if (cfg == NULL)
		fprintf(stderr, "  cfg: %s\n", err.msg);
	return cfg;
}

static struct eng_event *
wait_event(struct eng *e, int ms)
{
	struct pollfd p;
	struct eng_event *ev;
	int waited = 0;

	for (;;) {
		ev = eng_event_next(e);
		if (ev != NULL || waited >= ms)
			return ev;
		p.fd = eng_wakeup_fd(e);
		p.events = POLLIN;
		(void)poll(&p, 1, 50);
		waited += 50;
	}
}

static void
test_submit_validation(void)
{
	struct cfg *cfg = test_cfg(1);
	struct pt_error err;
	struct eng_options opt;
	struct eng *e;
	struct eng_job *j;

	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	memset(&opt, 0, sizeof opt);
	opt.no_cache = 1;
	pt_error_init(&err);
	e = eng_new(cfg, &opt, &err);
	CHECK(e != NULL);
	/* No folder. */
	j = eng_job_new(ENG_JOB_OPEN, 0);
	CHECK(eng_submit(e, j, &err) == 0);
	/* Line break in a folder name. */
	j = eng_job_new(ENG_JOB_OPEN, 0);
	eng_job_set_folder(j, "IN\r\nBOX");
	CHECK(eng_submit(e, j, &err) == 0);
	/* Another account. */
	j = eng_job_new(ENG_JOB_FOLDERS, 3);
	CHECK(eng_submit(e, j, &err) == 0);
	CHECK_INT(err.class, PT_E_CONFIG);
	/* Flags without messages. */
	j = eng_job_new(ENG_JOB_FLAGS, 0);
	eng_job_set_folder(j, "INBOX");
	j->flags_add = ENG_F_SEEN;
	CHECK(eng_submit(e, j, &err) == 0);
	/* Move without a target. */
	j = eng_job_new(ENG_JOB_MOVE, 0);
	eng_job_set_folder(j, "INBOX");
	eng_job_set_uids(j, (const uint32_t[]){3, 1, 3}, 3);
	CHECK(eng_submit(e, j, &err) == 0);
	/* Bad part. */
	j = eng_job_new(ENG_JOB_FETCH, 0);
	eng_job_set_folder(j, "INBOX");
	j->uid = 1;
	j->part = pt_xstrdup("1.2;x");
	CHECK(eng_submit(e, j, &err) == 0);
	/* Nothing was queued, so no event comes. */
	CHECK(eng_event_next(e) == NULL);
	eng_free(&e);
	CHECK(e == NULL);
	cfg_free(&cfg);
}

/* A server that accepts and never says a word. */
struct silent {
	int fd;
	int port;
	int conn;
};

static int
silent_open(struct silent *s)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int one = 1;

	memset(s, 0, sizeof *s);
	s->conn = -1;
	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->fd == -1)
		return -1;
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(0x7f000001);
	if (bind(s->fd, (struct sockaddr *)&a, sizeof a) == -1 ||
	    listen(s->fd, 4) == -1 ||
	    getsockname(s->fd, (struct sockaddr *)&a, &len) == -1) {
		close(s->fd);
		return -1;
	}
	s->port = ntohs(a.sin_port);
	return 0;
}

static void
test_cancel_and_free_bounded(void)
{
	struct silent srv;
	struct cfg *cfg;
	struct pt_error err;
	struct eng_options opt;
	struct eng *e;
	struct eng_job *j;
	struct eng_event *ev;
	uint64_t id1, id2;
	struct timespec t0, t1;
	int got_cancel1 = 0, got_cancel2 = 0;
	long ms;

	if (silent_open(&srv) == -1) {
		CHECK(0);
		return;
	}
	cfg = test_cfg(srv.port);
	CHECK(cfg != NULL);
	if (cfg == NULL) {
		close(srv.fd);
		return;
	}
	memset(&opt, 0, sizeof opt);
	opt.no_cache = 1;
	pt_error_init(&err);
	e = eng_new(cfg, &opt, &err);
	CHECK(e != NULL);
	j = eng_job_new(ENG_JOB_FOLDERS, 0);
	id1 = eng_submit(e, j, &err);
	j = eng_job_new(ENG_JOB_STATUS, 0);
	eng_job_set_folder(j, "INBOX");
	id2 = eng_submit(e, j, &err);
	CHECK(id1 > 0 && id2 > id1);
	/* The second is queued behind the first: dropped at once. */
	CHECK_INT(eng_cancel(e, id2), 0);
	CHECK_INT(eng_cancel(e, 9999), -1);
	/* The first waits for a greeting: the cancel breaks the wait. */
	{
		struct timespec ts = {0, 200 * 1000 * 1000};

		nanosleep(&ts, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(eng_cancel(e, id1), 0);
	while ((ev = wait_event(e, 3000)) != NULL) {
		if (ev->kind == ENG_EV_FAILED && ev->job_id == id2 &&
		    ev->err.class == PT_E_CANCELLED)
			got_cancel2 = 1;
		if (ev->kind == ENG_EV_FAILED && ev->job_id == id1) {
			got_cancel1 = ev->err.class == PT_E_CANCELLED;
			eng_event_free(&ev);
			break;
		}
		eng_event_free(&ev);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(got_cancel1);
	CHECK(got_cancel2);
	CHECK(ms < 1000);
	/* A new job against the silent server, then stop: bounded. */
	j = eng_job_new(ENG_JOB_FOLDERS, 0);
	CHECK(eng_submit(e, j, &err) > 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	eng_free(&e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(ms < 4000);
	cfg_free(&cfg);
	close(srv.fd);
}

static void
test_event_queue_wakeup(void)
{
	struct cfg *cfg = cfg_new_empty();
	struct pt_error err;
	struct eng *e;
	struct pollfd p;

	pt_error_init(&err);
	e = eng_new(cfg, NULL, &err);
	CHECK(e != NULL);
	if (e == NULL) {
		cfg_free(&cfg);
		return;
	}
	p.fd = eng_wakeup_fd(e);
	p.events = POLLIN;
	CHECK_INT(poll(&p, 1, 0), 0);
	CHECK(eng_event_next(e) == NULL);
	/* Any job for a missing account is refused up front. */
	CHECK(eng_submit(e, eng_job_new(ENG_JOB_FOLDERS, 0), &err) == 0);
	eng_free(&e);
	cfg_free(&cfg);
}

static void
test_names(void)
{
	CHECK_STR(eng_job_kind_name(ENG_JOB_OPEN), "open");
	CHECK_STR(eng_job_kind_name(ENG_JOB_UNSUBSCRIBE), "unsubscribe");
	CHECK_STR(eng_event_kind_name(ENG_EV_SEARCH), "search");
	CHECK_STR(eng_event_kind_name(ENG_EV_NEW_MAIL), "new-mail");
	CHECK(sizeof(struct eng_msg) <= 64);
}

/* An offline-queue record holds the whole job, binary data included. */
static void
test_change_roundtrip(void)
{
	static const char data[] = "Subject: x\r\n\r\nline\nfolder:3\n\0\xff";
	static const uint32_t uids[] = {3, 17, 4294967295u};
	struct eng_job *j = eng_job_new(ENG_JOB_MOVE, 2), *k;
	struct pt_buf b;
	int attempted = -1;

	eng_job_set_folder(j, "Archiv/Grüße\n2");
	eng_job_set_target(j, "Trash");
	eng_job_set_uids(j, uids, 3);
	eng_job_set_data(j, data, sizeof data);
	j->uidvalidity = 77;
	j->flags_add = ENG_F_SEEN | ENG_F_FLAGGED;
	j->flags_remove = ENG_F_DELETED;
	j->date = 1700000000;
	eng_change_encode(j, 1, &b);
	k = eng_change_decode(b.data, b.len, 2, &attempted);
	CHECK(k != NULL);
	if (k != NULL) {
		CHECK_INT(k->kind, ENG_JOB_MOVE);
		CHECK_INT(attempted, 1);
		CHECK_INT(k->account, 2);
		CHECK_STR(k->folder, "Archiv/Grüße\n2");
		CHECK_STR(k->target, "Trash");
		CHECK_INT(k->nuids, 3);
		CHECK(k->nuids == 3 && k->uids[2] == 4294967295u);
		CHECK_INT(k->len, sizeof data);
		CHECK(k->len == sizeof data &&
		      memcmp(k->data, data, sizeof data) == 0);
		CHECK_INT(k->uidvalidity, 77);
		CHECK_INT(k->flags_add, ENG_F_SEEN | ENG_F_FLAGGED);
		CHECK_INT(k->flags_remove, ENG_F_DELETED);
		CHECK(k->date == 1700000000);
	}
	eng_job_free(&k);
	/* Cut anywhere, or changed, it is refused, never half read. */
	{
		size_t cut;
		int bad = 0;

		for (cut = 0; cut + 1 < b.len; cut++) {
			k = eng_change_decode(b.data, cut, 2, &attempted);
			if (k != NULL && k->data != NULL &&
			    k->len == sizeof data)
				bad++;
			eng_job_free(&k);
		}
		CHECK_INT(bad, 0);
	}
	{
		static const char *const refused[] = {/* a read-only kind is not
							 a change */
		    "petrel-change 1\nkind=fetch\nfolder:5\nINBOX\n",
		    "petrel-change 1\nkind=flags\nuids=1,x\nfolder:5\nINBOX\n",
		    "petrel-change 1\nkind=flags\nfolder:9\nINBOX\n",
		    "petrel-change 1\nkind=flags\n", /* no folder */
		    "petrel-change 2\nkind=flags\nfolder:5\nINBOX\n"};
		size_t i;

		for (i = 0; i < PT_NELEM(refused); i++) {
			k = eng_change_decode(refused[i], strlen(refused[i]), 0,
			    &attempted);
			CHECK(k == NULL);
			eng_job_free(&k);
		}
	}
	k = eng_change_decode("garbage", 7, 0, &attempted);
	CHECK(k == NULL);
	pt_buf_release(&b);
	eng_job_free(&j);
}

static const struct pt_test tests[] = {PT_TEST(test_mutf7_roundtrip),
    PT_TEST(test_mutf7_invalid), PT_TEST(test_summary_parse_basic),
    PT_TEST(test_summary_parse_odd), PT_TEST(test_parse_date),
    PT_TEST(test_uidset_ranges), PT_TEST(test_submit_validation),
    PT_TEST(test_cancel_and_free_bounded), PT_TEST(test_event_queue_wakeup),
    PT_TEST(test_names), PT_TEST(test_change_roundtrip), {NULL, NULL}};

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	return pt_test_run(tests);
}
