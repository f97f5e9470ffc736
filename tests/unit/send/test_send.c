/*
 * Unit tests for sending: the MIME builder (src/mime/build.c, encode.c,
 * addr.c, mailto.c), with exact expected output and round trips through
 * petrel's own parser; the outbox (src/store/outbox.c), with a child
 * killed (SIGKILL) at each step; attachments (src/store/attach.c).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "petrel/core.h"
#include "petrel/mime.h"
#include "petrel/store.h"

#include "tests/harness/pt_test.h"

static char *build(const struct mime_compose *, struct mime_envelope *);
static int lines_ok(const char *, size_t, size_t);
static char *root_header(const struct mime_msg *, const char *);

/* Builds c, or returns NULL (the test fails). */
static char *
build(const struct mime_compose *c, struct mime_envelope *env)
{
	struct pt_buf b;
	struct pt_error err;

	pt_buf_init(&b, 0);
	pt_error_init(&err);
	if (mime_compose_build(c, &b, env, &err) != 0) {
		fprintf(stderr, "  build: %s\n", err.msg);
		pt_buf_release(&b);
		return NULL;
	}
	return pt_buf_detach(&b, NULL);
}

/* 1 when every line is CRLF-terminated, 7-bit, at most max octets. */
static int
lines_ok(const char *s, size_t len, size_t max)
{
	size_t i, col = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r' && i + 1 < len && s[i + 1] == '\n') {
			i++;
			col = 0;
			continue;
		}
		if (c == '\r' || c == '\n' || c == 0 || c >= 0x80) {
			fprintf(stderr, "  byte %u at %zu\n", c, i);
			return 0;
		}
		if (++col > max) {
			fprintf(stderr, "  line too long at %zu\n", i);
			return 0;
		}
	}
	return col == 0;
}

static char *
root_header(const struct mime_msg *m, const char *name)
{
	size_t len;
	const char *v = mime_part_header(mime_msg_root(m), name, &len);

	return v != NULL ? mime_header_decode(v, len) : NULL;
}

static void
test_date_format(void)
{
	char b[48];

	CHECK_INT(mime_date_format(0, 0, b, sizeof b), 0);
	CHECK_STR(b, "Thu, 01 Jan 1970 00:00:00 +0000");
	CHECK_INT(mime_date_format(1700000000, -300, b, sizeof b), 0);
	CHECK_STR(b, "Tue, 14 Nov 2023 17:13:20 -0500");
	/* 2024-02-29 23:30 UTC is already March 1st in Delhi. */
	CHECK_INT(mime_date_format(1709249400, 330, b, sizeof b), 0);
	CHECK_STR(b, "Fri, 01 Mar 2024 05:00:00 +0530");
	CHECK_INT(mime_date_format(0, 0, b, 10), -1);
}

static void
test_header_encode_exact(void)
{
	struct pt_buf b;

	pt_buf_init(&b, 0);
	CHECK_INT(mime_header_encode(&b, "Subject", "Lunch on Friday?", NULL),
	    0);
	CHECK_STR(b.data, "Subject: Lunch on Friday?\r\n");
	pt_buf_reset(&b);
	mime_header_encode(&b, "Subject",
	    "This is a rather long subject line that will certainly need to "
	    "be folded somewhere",
	    NULL);
	CHECK_STR(b.data,
	    "Subject: This is a rather long subject line that will certainly "
	    "need to be\r\n folded somewhere\r\n");
	pt_buf_reset(&b);
	mime_header_encode(&b, "Subject", "Café crème", NULL);
	CHECK_STR(b.data, "Subject: =?UTF-8?Q?Caf=C3=A9_cr=C3=A8me?=\r\n");
	pt_buf_reset(&b);
	/* Text that looks like an encoded word is encoded itself. */
	mime_header_encode(&b, "Subject", "about =?x?Q?y?=", NULL);
	CHECK_STR(b.data, "Subject: about =?UTF-8?B?PT94P1E/eT89?=\r\n");
	pt_buf_reset(&b);
	/* Line breaks typed into a subject cannot inject a field. */
	mime_header_encode(&b, "Subject", "a\r\nBcc: x@y.test", NULL);
	CHECK_STR(b.data, "Subject: a  Bcc: x@y.test\r\n");
	pt_buf_release(&b);
}

static void
test_header_encode_roundtrip(void)
{
	static const char *const subjects[] = {
	    "Ça marche: réunion de l'équipe demain à 10 h, n'oubliez pas "
	    "les documents 日本語のテキスト",
	    "日本語の件名がとても長い場合にはエンコードされた単語が複数行に"
	    "分割されなければなりませんが文字は決して分割されてはいけません",
	    "emoji "
	    "😀😃😄😁😆😅🤣😂🙂🙃😉😊😇🥰😍🤩"
	    "😘"
	    "😗"
	    " "
	    "end",
	    "  spaced   out  ",
	    "x",
	    "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (one long word)",
	    "Grüße und ein sehr langer deutscher Betreff mit Umlauten: äöü "
	    "ÄÖÜ ß, der über mehrere Zeilen gefaltet werden muss",
	};
	static const char *const want[] = {NULL, NULL, NULL, "spaced   out",
	    NULL, NULL, NULL};
	size_t i;

	for (i = 0; i < PT_NELEM(subjects); i++) {
		struct pt_buf b;
		char *d;

		pt_buf_init(&b, 0);
		CHECK_INT(mime_header_encode(&b, "Subject", subjects[i], NULL),
		    0);
		CHECK(lines_ok(b.data, b.len, 78));
		d = mime_header_decode(b.data + 8, b.len - 8);
		CHECK_STR(d, want[i] != NULL ? want[i] : subjects[i]);
		free(d);
		pt_buf_release(&b);
	}
}

static void
test_addresses_exact(void)
{
	struct mime_addrlist l = {0};
	struct pt_buf b;
	struct pt_error err;
	char *d;

	pt_buf_init(&b, 0);
	CHECK_INT(mime_addrlist_parse("bob@example.test, \"Smith, John\" "
				      "<john@example.test>, 山田太郎 "
				      "<taro@example.test>",
		      &l, &err),
	    0);
	CHECK_INT(l.n, 3);
	CHECK_INT(mime_header_addresses(&b, "To", &l, NULL), 0);
	CHECK_STR(b.data,
	    "To: bob@example.test, \"Smith, John\" <john@example.test>,\r\n"
	    " =?UTF-8?B?5bGx55Sw5aSq6YOO?= <taro@example.test>\r\n");
	d = mime_address_decode(b.data + 3, b.len - 3);
	CHECK_STR(d, "bob@example.test, \"Smith, John\" <john@example.test>, "
		     "山田太郎 <taro@example.test>");
	free(d);
	mime_addrlist_release(&l);

	pt_buf_reset(&b);
	CHECK_INT(mime_addrlist_parse("Zoë Martin <zoe@example.test>", &l,
		      &err),
	    0);
	mime_header_addresses(&b, "From", &l, NULL);
	CHECK_STR(b.data, "From: =?UTF-8?Q?Zo=C3=AB_Martin?= <zoe@example.test>"
			  "\r\n");
	mime_addrlist_release(&l);
	pt_buf_release(&b);
}

static void
test_addr_parse(void)
{
	struct mime_addrlist l = {0};
	struct pt_error err;

	CHECK_INT(mime_addrlist_parse("bob@example.test (Bob Smith); "
				      "\"O'Neil \\\"Jr\\\"\" <o@x.test>, , "
				      "<bare@x.test>",
		      &l, &err),
	    0);
	CHECK_INT(l.n, 3);
	if (l.n == 3) {
		CHECK_STR(l.v[0].addr, "bob@example.test");
		CHECK_STR(l.v[0].name, "Bob Smith");
		CHECK_STR(l.v[1].addr, "o@x.test");
		CHECK_STR(l.v[1].name, "O'Neil \"Jr\"");
		CHECK_STR(l.v[2].addr, "bare@x.test");
		CHECK(l.v[2].name == NULL);
	}
	mime_addrlist_release(&l);
	CHECK_INT(mime_addrlist_parse("=?UTF-8?Q?Zo=C3=AB?= <z@x.test>", &l,
		      &err),
	    0);
	CHECK(l.n == 1 && strcmp(l.v[0].name, "Zoë") == 0);
	mime_addrlist_release(&l);

	CHECK_INT(mime_addrlist_parse("zoë@example.test", &l, &err), -1);
	CHECK(strstr(err.msg, "SMTPUTF8") != NULL);
	CHECK_INT(mime_addrlist_parse("bob", &l, &err), -1);
	CHECK(strstr(err.msg, "'bob' is not a valid") != NULL);
	CHECK_INT(mime_addrlist_parse("Bob <bob@x.test", &l, &err), -1);
	CHECK_INT(mime_addrlist_parse("\"Bob <bob@x.test>", &l, &err), -1);
	CHECK_INT(mime_addrlist_parse("a..b@x.test", &l, &err), -1);
	CHECK_INT(mime_addrlist_parse("a@-x.test", &l, &err), -1);
	CHECK_INT(mime_addrlist_parse("a@x.test\r\nRCPT TO:<y@z>", &l, &err),
	    -1);
	CHECK_INT(mime_addr_check("a@[127.0.0.1]", &err), 0);
	CHECK_INT(mime_addr_check("\"a b\"@x.test", &err), 0);
	CHECK_INT(mime_addr_check("a@localhost", &err), 0);
	mime_addrlist_release(&l);
}

static void
test_encode_qp_base64(void)
{
	struct pt_buf b;
	static const char in[] =
	    "a \r\nb=c\t\r\nFrom me\r\n.\r\n"
	    "0123456789012345678901234567890123456789012345678901234567890"
	    "123456789012345678901234567890\r\nx";

	pt_buf_init(&b, 0);
	CHECK_INT(mime_encode_qp(&b, in, sizeof in - 1, NULL), 0);
	CHECK_STR(b.data,
	    "a=20\r\nb=3Dc=09\r\n=46rom me\r\n=2E\r\n"
	    "01234567890123456789012345678901234567890123456789012345678901"
	    "2345678901234=\r\n5678901234567890\r\nx=\r\n");
	pt_buf_reset(&b);
	CHECK_INT(mime_encode_base64(&b, "hello", 5, NULL), 0);
	CHECK_STR(b.data, "aGVsbG8=\r\n");
	pt_buf_release(&b);
}

static void
test_build_simple_exact(void)
{
	struct mime_compose c = {0};
	struct mime_envelope env;
	char *m;

	c.from = "Alice <alice@example.test>";
	c.to = "bob@example.test";
	c.subject = "Lunch on Friday?";
	c.body = "Hi Bob,\n\nlunch?";
	c.bodylen = strlen(c.body);
	c.date = 1700000000;
	c.tzoff = -300;
	c.nonce = "n0nce1234";
	m = build(&c, &env);
	CHECK_STR(m, "Date: Tue, 14 Nov 2023 17:13:20 -0500\r\n"
		     "From: Alice <alice@example.test>\r\n"
		     "To: bob@example.test\r\n"
		     "Subject: Lunch on Friday?\r\n"
		     "Message-ID: <s44we8.n0nce1234@example.test>\r\n"
		     "MIME-Version: 1.0\r\n"
		     "Content-Type: text/plain; charset=us-ascii\r\n"
		     "Content-Transfer-Encoding: 7bit\r\n"
		     "\r\n"
		     "Hi Bob,\r\n"
		     "\r\n"
		     "lunch?\r\n");
	CHECK_STR(env.from, "alice@example.test");
	CHECK_INT(env.nrcpt, 1);
	CHECK_STR(env.message_id, "<s44we8.n0nce1234@example.test>");
	free(m);
	mime_envelope_release(&env);
}

static void
test_build_roundtrip(void)
{
	static const char fname[] =
	    "/home/zoë/résumé de l'été 2024 — version finale très longue.pdf";
	struct mime_attachment att[3];
	struct mime_compose c = {0};
	struct mime_envelope env;
	const struct mime_part *p;
	struct mime_msg *msg;
	struct pt_error err;
	unsigned char bin[3000];
	char *m, *s;
	size_t i;

	for (i = 0; i < sizeof bin; i++)
		bin[i] = (unsigned char)(i * 7 + i / 256);
	att[0] = (struct mime_attachment){fname, "application/pdf", bin,
	    sizeof bin, 0, NULL, NULL};
	att[1] = (struct mime_attachment){"notes.txt", "text/plain",
	    "line\nunix\n", 10, 0, NULL, NULL};
	att[2] = (struct mime_attachment){"crlf.txt", "TEXT/Plain",
	    "hello\r\nworld\r\n", 14, 1, NULL, NULL};
	c.from = "Zoë Martin <zoe@example.test>";
	c.to = "Bob <bob@example.test>, 山田太郎 <taro@example.test>";
	c.cc = "\"Smith, John\" <john@example.test>";
	c.bcc = "secret@example.test, bob@example.test";
	c.subject = "Ça marche: réunion demain 日本語";
	c.body = "Bonjour,\nla réunion est demain.\n.\nFrom here\n";
	c.bodylen = strlen(c.body);
	c.att = att;
	c.natt = 3;
	c.date = 1736254000;
	c.tzoff = 60;
	c.nonce = "abcdef0123456789";
	c.in_reply_to = "<parent@example.test>";
	c.references = "<root@x.test> junk <parent@example.test>";
	m = build(&c, &env);
	CHECK(m != NULL);
	if (m == NULL)
		return;
	CHECK(lines_ok(m, strlen(m), 998));
	CHECK(strstr(m, "secret") == NULL);
	CHECK(strstr(m, "\r\nBcc:") == NULL);
	CHECK(strstr(m, "\r\nIn-Reply-To: <parent@example.test>\r\n") != NULL);
	CHECK(strstr(m, "\r\nReferences: <root@x.test> <parent@example.test>"
			"\r\n") != NULL);
	CHECK_INT(env.nrcpt, 4);
	if (env.nrcpt == 4) {
		CHECK_STR(env.rcpt[0], "bob@example.test");
		CHECK_STR(env.rcpt[1], "taro@example.test");
		CHECK_STR(env.rcpt[2], "john@example.test");
		CHECK_STR(env.rcpt[3], "secret@example.test");
	}

	pt_error_init(&err);
	msg = mime_parse(m, strlen(m), &err);
	CHECK(msg != NULL);
	if (msg == NULL) {
		free(m);
		return;
	}
	s = root_header(msg, "Subject");
	CHECK_STR(s, c.subject);
	free(s);
	{
		size_t len;
		const char *v =
		    mime_part_header(mime_msg_root(msg), "To", &len);
		char *d = mime_address_decode(v, len);

		CHECK_STR(d, "Bob <bob@example.test>, 山田太郎 "
			     "<taro@example.test>");
		free(d);
		v = mime_part_header(mime_msg_root(msg), "From", &len);
		d = mime_address_decode(v, len);
		CHECK_STR(d, "Zoë Martin <zoe@example.test>");
		free(d);
	}
	p = mime_part_child(mime_msg_root(msg));
	CHECK(p != NULL && strcmp(mime_part_type(p), "text/plain") == 0);
	if (p != NULL) {
		struct pt_buf b;
		char *cs = mime_part_param(p, "charset");

		CHECK_STR(cs, "utf-8");
		free(cs);
		pt_buf_init(&b, 0);
		mime_part_decode(p, &b, NULL, NULL);
		CHECK_STR(b.data, "Bonjour,\r\nla réunion est demain.\r\n.\r\n"
				  "From here\r\n");
		pt_buf_release(&b);
		p = mime_part_next(p);
	}
	CHECK(p != NULL);
	if (p != NULL) {
		struct pt_buf b;
		char *fn = mime_part_filename(p);

		CHECK_STR(fn, "résumé de l'été 2024 — version finale très "
			      "longue.pdf");
		free(fn);
		CHECK_STR(mime_part_type(p), "application/pdf");
		CHECK(mime_part_is_attachment(p));
		pt_buf_init(&b, 0);
		mime_part_decode(p, &b, NULL, NULL);
		CHECK(b.len == sizeof bin && memcmp(b.data, bin, b.len) == 0);
		pt_buf_release(&b);
		p = mime_part_next(p);
	}
	CHECK(p != NULL);
	if (p != NULL) {
		struct pt_buf b;

		pt_buf_init(&b, 0);
		mime_part_decode(p, &b, NULL, NULL);
		CHECK(b.len == 10 && memcmp(b.data, "line\nunix\n", 10) == 0);
		pt_buf_release(&b);
		p = mime_part_next(p);
	}
	CHECK(p != NULL);
	if (p != NULL) {
		struct pt_buf b;

		CHECK(!mime_part_is_attachment(p));
		pt_buf_init(&b, 0);
		mime_part_decode(p, &b, NULL, NULL);
		CHECK_STR(b.data, "hello\r\nworld\r\n");
		pt_buf_release(&b);
		CHECK(mime_part_next(p) == NULL);
	}
	CHECK(strstr(m, "Content-Type: text/plain; charset=us-ascii; "
			"name=crlf.txt\r\nContent-Transfer-Encoding: 7bit\r\n"
			"Content-Disposition: inline; filename=crlf.txt\r\n") !=
	      NULL);
	mime_msg_free(&msg);
	free(m);
	mime_envelope_release(&env);
}

/* A read callback over a memory buffer, in small pieces. */
struct memsrc {
	const unsigned char *p;
	size_t len, off;
};

static long
memsrc_read(void *arg, void *buf, size_t n)
{
	struct memsrc *m = arg;

	if (n > 1000)
		n = 1000;
	if (n > m->len - m->off)
		n = m->len - m->off;
	memcpy(buf, m->p + m->off, n);
	m->off += n;
	return (long)n;
}

static long
failing_read(void *arg, void *buf, size_t n)
{
	(void)arg;
	(void)buf;
	(void)n;
	return -1;
}

static void
test_build_streamed_attachment(void)
{
	static unsigned char bin[200000];
	struct memsrc src = {bin, sizeof bin, 0};
	struct mime_attachment a = {0};
	struct mime_compose c = {0};
	struct mime_envelope env;
	struct mime_msg *msg;
	struct pt_error err;
	struct pt_buf b;
	char *m;
	size_t i;

	for (i = 0; i < sizeof bin; i++)
		bin[i] = (unsigned char)(i * 31 + (i >> 9));
	a.filename = "data.txt";
	a.type = "text/plain";
	a.read = memsrc_read;
	a.read_arg = &src;
	c.from = "alice@example.test";
	c.to = "bob@example.test";
	c.body = "see attached\n";
	c.bodylen = 13;
	c.att = &a;
	c.natt = 1;
	c.nonce = "abcdefgh12";
	m = build(&c, &env);
	CHECK(m != NULL && lines_ok(m, strlen(m), 998));
	CHECK(m != NULL &&
	      strstr(m, "Content-Type: text/plain; name=data.txt"
			"\r\nContent-Transfer-Encoding: base64") != NULL);
	msg = m != NULL ? mime_parse(m, strlen(m), NULL) : NULL;
	CHECK(msg != NULL);
	if (msg != NULL) {
		const struct mime_part *p =
		    mime_part_next(mime_part_child(mime_msg_root(msg)));

		pt_buf_init(&b, 0);
		mime_part_decode(p, &b, NULL, NULL);
		CHECK(b.len == sizeof bin && memcmp(b.data, bin, b.len) == 0);
		pt_buf_release(&b);
		mime_msg_free(&msg);
	}
	free(m);
	mime_envelope_release(&env);
	a.read = failing_read;
	pt_buf_init(&b, 0);
	CHECK_INT(mime_compose_build(&c, &b, &env, &err), -1);
	CHECK_INT(err.class, PT_E_IO);
	CHECK(strstr(err.msg, "data.txt") != NULL);
	pt_buf_release(&b);
}

static void
test_build_long_lines(void)
{
	struct mime_compose c = {0};
	struct mime_envelope env;
	struct mime_msg *msg;
	struct pt_buf body, b;
	char *m, name[400];
	struct mime_attachment a;
	size_t i;

	pt_buf_init(&body, 0);
	for (i = 0; i < 5000; i++)
		pt_buf_addch(&body, (char)('a' + i % 26), NULL);
	pt_buf_addstr(&body, "\n", NULL);
	for (i = 0; i + 1 < sizeof name; i++)
		name[i] = (char)('A' + i % 26);
	name[sizeof name - 1] = '\0';
	a = (struct mime_attachment){name, NULL, "x", 1, 0, NULL, NULL};
	c.from = "alice@example.test";
	c.to = "bob@example.test";
	c.subject = name;
	c.body = body.data;
	c.bodylen = body.len;
	c.att = &a;
	c.natt = 1;
	c.nonce = "abcdefgh12";
	c.date = 1;
	m = build(&c, &env);
	CHECK(m != NULL && lines_ok(m, strlen(m), 998));
	CHECK(m != NULL && strstr(m, "quoted-printable") != NULL);
	msg = m != NULL ? mime_parse(m, strlen(m), NULL) : NULL;
	CHECK(msg != NULL);
	if (msg != NULL) {
		const struct mime_part *p = mime_part_child(mime_msg_root(msg));
		char *s = root_header(msg, "Subject"), *fn;

		CHECK_STR(s, name);
		free(s);
		pt_buf_init(&b, 0);
		mime_part_decode(p, &b, NULL, NULL);
		CHECK(b.len == body.len + 1 &&
		      memcmp(b.data, body.data, body.len - 1) == 0);
		pt_buf_release(&b);
		fn = mime_part_filename(mime_part_next(p));
		CHECK_STR(fn, name);
		free(fn);
		mime_msg_free(&msg);
	}
	free(m);
	mime_envelope_release(&env);
	pt_buf_release(&body);
}

static void
test_build_errors(void)
{
	struct mime_compose c = {0};
	struct mime_envelope env;
	struct pt_buf b;
	struct pt_error err;

	pt_buf_init(&b, 0);
	c.from = "alice@example.test";
	c.nonce = "abcdefgh12";
	CHECK_INT(mime_compose_build(&c, &b, &env, &err), -1);
	CHECK(strstr(err.msg, "no recipient") != NULL);
	c.to = "bob@example.test";
	c.from = "a@x.test, b@x.test";
	CHECK_INT(mime_compose_build(&c, &b, &env, &err), -1);
	CHECK(strstr(err.msg, "exactly one") != NULL);
	c.from = "alice@example.test";
	c.message_id = "<no at sign>";
	CHECK_INT(mime_compose_build(&c, &b, &env, &err), -1);
	c.message_id = NULL;
	c.nonce = "x";
	CHECK_INT(mime_compose_build(&c, &b, &env, &err), -1);
	c.nonce = "abcdefgh12";
	c.subject = "\xff\xfe";
	CHECK_INT(mime_compose_build(&c, &b, &env, &err), -1);
	c.subject = NULL;
	/* A body in Latin-1 is read as windows-1252. */
	c.body = "caf\xe9\n";
	c.bodylen = 5;
	CHECK_INT(mime_compose_build(&c, &b, &env, &err), 0);
	CHECK(strstr(b.data, "\r\ncaf=C3=A9\r\n") != NULL);
	mime_envelope_release(&env);
	/* The cap of the buffer bounds the message. */
	pt_buf_release(&b);
	pt_buf_init(&b, 100);
	CHECK_INT(mime_compose_build(&c, &b, &env, &err), -1);
	pt_buf_release(&b);
}

static void
test_reply_helpers(void)
{
	char *s;

	s = mime_reply_subject("Hello");
	CHECK_STR(s, "Re: Hello");
	free(s);
	s = mime_reply_subject("RE: Hello");
	CHECK_STR(s, "RE: Hello");
	free(s);
	s = mime_reply_references("<a@x> <b@x>", "<b@x>", "<c@x>");
	CHECK_STR(s, "<a@x> <b@x> <c@x>");
	free(s);
	s = mime_reply_references(NULL, "<b@x>", "<c@x>");
	CHECK_STR(s, "<b@x> <c@x>");
	free(s);
	s = mime_reply_references(NULL, NULL, NULL);
	CHECK(s == NULL);
	{
		struct pt_buf b;
		int i;

		pt_buf_init(&b, 0);
		for (i = 0; i < 30; i++)
			pt_buf_printf(&b, NULL, "<m%d@x> ", i);
		s = mime_reply_references(b.data, NULL, "<last@x>");
		CHECK(s != NULL && strncmp(s, "<m0@x> <m12@x> ", 15) == 0);
		CHECK(s != NULL && strstr(s, "<m11@x>") == NULL);
		CHECK(s != NULL && strstr(s, " <m29@x> <last@x>") != NULL);
		free(s);
		pt_buf_release(&b);
	}
}

static void
test_mailto(void)
{
	struct mime_mailto m;
	struct pt_error err;

	CHECK_INT(mime_mailto_parse("mailto:bob@example.test,carol@x.test"
				    "?subject=Caf%C3%A9%20time&cc=dan@x.test&"
				    "body=line1%0D%0Aline2&X-Evil=1&"
				    "bcc=eve@x.test&to=fay@x.test",
		      &m, &err),
	    0);
	CHECK_STR(m.to, "bob@example.test,carol@x.test, fay@x.test");
	CHECK_STR(m.cc, "dan@x.test");
	CHECK_STR(m.bcc, "eve@x.test");
	CHECK_STR(m.subject, "Café time");
	CHECK_STR(m.body, "line1\nline2");
	CHECK(m.in_reply_to == NULL);
	mime_mailto_release(&m);
	CHECK_INT(mime_mailto_parse(
		      "mailto:?to=a@x.test&in-reply-to=%3C1%40x%3E", &m, &err),
	    0);
	CHECK_STR(m.to, "a@x.test");
	CHECK_STR(m.in_reply_to, "<1@x>");
	mime_mailto_release(&m);
	CHECK_INT(mime_mailto_parse("http://x", &m, &err), -1);
	CHECK_INT(mime_mailto_parse("mailto:a@x?subject=%00", &m, &err), -1);
	CHECK_INT(mime_mailto_parse("mailto:a@x?subject=%FF", &m, &err), -1);
}

static void
test_type_from_name(void)
{
	CHECK_STR(mime_type_from_name("x.PDF"), "application/pdf");
	CHECK_STR(mime_type_from_name("/a.b/photo.jpeg"), "image/jpeg");
	CHECK_STR(mime_type_from_name("README"), "application/octet-stream");
	CHECK_STR(mime_type_from_name(".bashrc"), "application/octet-stream");
	CHECK_STR(mime_type_from_name(NULL), "application/octet-stream");
}

/* The outbox. */

static const char outbox_msg[] = "Subject: =?UTF-8?Q?caf=C3=A9?=\r\n"
				 "From: a@x.test\r\n\r\nbody\r\n";

static char *
outbox_tmp(void)
{
	char tmpl[] = "/tmp/pt-outbox.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		return NULL;
	return pt_xstrdup(tmpl);
}

static void
outbox_rmrf(const char *dir)
{
	char *cmd = pt_xasprintf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		fprintf(stderr, "  cannot remove %s\n", dir);
	free(cmd);
}

static int
outbox_add1(struct store_outbox *ob, char id[STORE_OUTBOX_ID_MAX])
{
	char b[] = "b@x.test", c[] = "c@x.test", a[] = "a@x.test";
	char *rcpt[] = {b, c};
	struct store_outbox_env env = {a, rcpt, 2, NULL};

	return store_outbox_add(ob, &env, outbox_msg, sizeof outbox_msg - 1, id,
	    NULL);
}

static void
test_outbox_lifecycle(void)
{
	struct store_outbox_entry *v;
	struct store_outbox_msg *m;
	struct store_outbox *ob;
	struct pt_error err;
	char id[STORE_OUTBOX_ID_MAX], *base = outbox_tmp();
	const char *data;
	size_t n, len;

	CHECK(base != NULL);
	if (base == NULL)
		return;
	ob = store_outbox_open("lab", base, &err);
	CHECK(ob != NULL);
	CHECK_INT(outbox_add1(ob, id), 0);
	CHECK_INT(store_outbox_list(ob, &v, &n, &err), 0);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_STR(v[0].id, id);
		CHECK_INT(v[0].state, STORE_OUTBOX_QUEUED);
		CHECK_STR(v[0].subject, "café");
		CHECK_STR(v[0].env.from, "a@x.test");
		CHECK_INT(v[0].env.nrcpt, 2);
		CHECK(v[0].status == NULL);
	}
	store_outbox_list_free(&v, n);
	CHECK_INT(store_outbox_claim(ob, id, 0, &m, &err), 0);
	CHECK_INT(store_outbox_msg_state(m), STORE_OUTBOX_SENDING);
	data = store_outbox_msg_data(m, &len);
	CHECK(
	    len == sizeof outbox_msg - 1 && memcmp(data, outbox_msg, len) == 0);
	CHECK_STR(store_outbox_msg_env(m)->rcpt[1], "c@x.test");
	/* A second claim fails while the first holds it. */
	{
		struct store_outbox_msg *m2;

		CHECK_INT(store_outbox_claim(ob, id, 0, &m2, &err), -1);
		CHECK_INT(err.class, PT_E_REFUSED);
	}
	CHECK_INT(store_outbox_note(ob, id, "550 no such user\n", &err), 0);
	store_outbox_release(&m);
	CHECK_INT(store_outbox_list(ob, &v, &n, &err), 0);
	CHECK(n == 1 && v[0].state == STORE_OUTBOX_QUEUED);
	CHECK(n == 1 && v[0].status != NULL &&
	      strcmp(v[0].status, "550 no such user") == 0);
	store_outbox_list_free(&v, n);
	/* Accepted: claimed again it stays accepted (only Sent is left). */
	CHECK_INT(store_outbox_claim(ob, id, 0, &m, &err), 0);
	CHECK_INT(store_outbox_mark(m, STORE_OUTBOX_ACCEPTED, &err), 0);
	store_outbox_release(&m);
	CHECK_INT(store_outbox_claim(ob, id, 0, &m, &err), 0);
	CHECK_INT(store_outbox_msg_state(m), STORE_OUTBOX_ACCEPTED);
	CHECK_INT(store_outbox_done(&m, &err), 0);
	CHECK(m == NULL);
	CHECK_INT(store_outbox_count(ob), 0);
	CHECK_INT(store_outbox_claim(ob, id, 0, &m, &err), -1);
	CHECK_INT(err.class, PT_E_CONFIG);
	/* Discard. */
	CHECK_INT(outbox_add1(ob, id), 0);
	CHECK_INT(store_outbox_count(ob), 1);
	CHECK_INT(store_outbox_discard(ob, id, &err), 0);
	CHECK_INT(store_outbox_count(ob), 0);
	store_outbox_free(&ob);
	outbox_rmrf(base);
	free(base);
}

/*
 * Runs steps 0..upto of sending in a child that then dies by SIGKILL,
 * and returns what the outbox holds afterwards.
 */
enum {
	STEP_WRITE,
	STEP_ADD,
	STEP_CLAIM,
	STEP_UNSURE,
	STEP_ACCEPTED,
	STEP_DONE
};

static void
outbox_child(const char *base, int upto)
{
	struct store_outbox_msg *m = NULL;
	struct store_outbox *ob;
	char id[STORE_OUTBOX_ID_MAX];

	if (upto == STEP_WRITE)
		setenv("PETREL_TEST_CRASH", "outbox-written", 1);
	ob = store_outbox_open("lab", base, NULL);
	if (ob == NULL || outbox_add1(ob, id) != 0)
		_exit(3);
	if (upto >= STEP_CLAIM && store_outbox_claim(ob, id, 0, &m, NULL) != 0)
		_exit(4);
	if (upto >= STEP_UNSURE &&
	    store_outbox_mark(m, STORE_OUTBOX_UNSURE, NULL) != 0)
		_exit(5);
	if (upto >= STEP_ACCEPTED &&
	    store_outbox_mark(m, STORE_OUTBOX_ACCEPTED, NULL) != 0)
		_exit(6);
	if (upto >= STEP_DONE && store_outbox_done(&m, NULL) != 0)
		_exit(7);
	raise(SIGKILL);
}

static void
test_outbox_kill9(void)
{
	static const struct {
		int step;
		size_t n;
		enum store_outbox_state st;
	} cases[] = {
	    {STEP_WRITE, 0, STORE_OUTBOX_QUEUED},
	    {STEP_ADD, 1, STORE_OUTBOX_QUEUED},
	    {STEP_CLAIM, 1, STORE_OUTBOX_QUEUED},
	    {STEP_UNSURE, 1, STORE_OUTBOX_UNSURE},
	    {STEP_ACCEPTED, 1, STORE_OUTBOX_ACCEPTED},
	    {STEP_DONE, 0, STORE_OUTBOX_QUEUED},
	};
	size_t i;

	for (i = 0; i < PT_NELEM(cases); i++) {
		struct store_outbox_entry *v;
		struct store_outbox_msg *m;
		struct store_outbox *ob;
		struct pt_error err;
		char *base = outbox_tmp();
		size_t n;
		pid_t pid;
		int status = 0;

		if (base == NULL)
			return;
		fflush(NULL);
		pid = fork();
		if (pid == 0)
			outbox_child(base, cases[i].step);
		waitpid(pid, &status, 0);
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		ob = store_outbox_open("lab", base, &err);
		CHECK_INT(store_outbox_list(ob, &v, &n, &err), 0);
		if (n != cases[i].n)
			fprintf(stderr, "  step %d\n", cases[i].step);
		CHECK_INT(n, cases[i].n);
		if (n == 1) {
			CHECK_INT(v[0].state, cases[i].st);
			CHECK(!v[0].locked);
			/* An unsure message is sent again only on demand. */
			CHECK_INT(store_outbox_claim(ob, v[0].id, 0, &m, &err),
			    cases[i].st == STORE_OUTBOX_UNSURE ? -1 : 0);
			if (cases[i].st == STORE_OUTBOX_UNSURE) {
				CHECK(strstr(err.msg, "may already") != NULL);
				CHECK_INT(store_outbox_claim(ob, v[0].id,
					      STORE_OUTBOX_FORCE, &m, &err),
				    0);
			}
			CHECK_INT(store_outbox_msg_state(m),
			    cases[i].st == STORE_OUTBOX_ACCEPTED
				? STORE_OUTBOX_ACCEPTED
				: STORE_OUTBOX_SENDING);
			store_outbox_release(&m);
		}
		store_outbox_list_free(&v, n);
		{
			/* No temporary file is left behind. */
			char *cmd =
			    pt_xasprintf("test -z \"$(ls -A '%s/lab/outbox' | "
					 "grep -v -e '\\.queued$' -e "
					 "'\\.unsure$' "
					 "-e '\\.accepted$')\"",
				base);

			CHECK_INT(system(cmd), 0);
			free(cmd);
		}
		store_outbox_free(&ob);
		outbox_rmrf(base);
		free(base);
	}
}

/* A live sender's claim is respected: not repaired, not stolen. */
static void
test_outbox_live_lock(void)
{
	struct store_outbox_entry *v;
	struct store_outbox_msg *m;
	struct store_outbox *ob;
	struct pt_error err;
	char id[STORE_OUTBOX_ID_MAX], *base = outbox_tmp(), c;
	int p[2], q[2], status;
	size_t n;
	pid_t pid;

	if (base == NULL || pipe(p) != 0 || pipe(q) != 0)
		return;
	ob = store_outbox_open("lab", base, &err);
	CHECK_INT(outbox_add1(ob, id), 0);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct store_outbox *cob = store_outbox_open("lab", base, NULL);

		if (cob == NULL ||
		    store_outbox_claim(cob, id, 0, &m, NULL) != 0)
			_exit(3);
		if (write(p[1], "x", 1) != 1 || read(q[0], &c, 1) != 1)
			_exit(4);
		_exit(0);
	}
	CHECK_INT(read(p[0], &c, 1), 1);
	CHECK_INT(store_outbox_list(ob, &v, &n, &err), 0);
	CHECK(n == 1 && v[0].locked && v[0].state == STORE_OUTBOX_SENDING);
	store_outbox_list_free(&v, n);
	CHECK_INT(store_outbox_claim(ob, id, 0, &m, &err), -1);
	CHECK_INT(store_outbox_discard(ob, id, &err), -1);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	CHECK_INT(store_outbox_list(ob, &v, &n, &err), 0);
	CHECK(n == 1 && !v[0].locked && v[0].state == STORE_OUTBOX_QUEUED);
	store_outbox_list_free(&v, n);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
	store_outbox_free(&ob);
	outbox_rmrf(base);
	free(base);
}

static void
test_attach_read(void)
{
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n',
	    0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1,
	    8, 6, 0, 0, 0};
	struct store_attachment a;
	struct pt_error err;
	char *base = outbox_tmp(), *p;

	if (base == NULL)
		return;
	p = pt_xasprintf("%s/picture.bin", base);
	CHECK_INT(pt_file_write_atomic(p, png, sizeof png, 0600, &err), 0);
	CHECK_INT(store_attach_read(p, 1024, &a, &err), 0);
	CHECK_STR(a.type, "image/png");
	CHECK_STR(a.name, "picture.bin");
	CHECK(a.len == sizeof png && memcmp(a.data, png, a.len) == 0);
	store_attach_release(&a);
	CHECK_INT(store_attach_read(p, 10, &a, &err), -1);
	CHECK(strstr(err.msg, "picture.bin") != NULL);
	free(p);
	p = pt_xasprintf("%s/table.csv", base);
	CHECK_INT(pt_file_write_atomic(p, "a,b\n1,2\n", 8, 0600, &err), 0);
	CHECK_INT(store_attach_read(p, 1024, &a, &err), 0);
	CHECK_STR(a.type, "text/csv");
	store_attach_release(&a);
	CHECK_INT(store_attach_read(base, 1024, &a, &err), -1);
	free(p);
	p = pt_xasprintf("%s/missing", base);
	CHECK_INT(store_attach_read(p, 1024, &a, &err), -1);
	CHECK_INT(err.class, PT_E_IO);
	free(p);
	outbox_rmrf(base);
	free(base);
}

/* A draft file: fields, folding, several To, Attach lines, the text. */
static void
test_draft_parse(void)
{
	static const char f[] = "To: a@example.test\nCc: c@example.test\n"
				"To: b@example.test\nSubject: long\n  subject\n"
				"X-Other: ignored\nAttach: /tmp/x y.bin\n"
				"Attach: /tmp/z\n\nHello\n\nBye\n";
	struct mime_draft d;
	struct pt_error err;

	pt_error_init(&err);
	CHECK_INT(mime_draft_parse(f, sizeof f - 1, &d, &err), 0);
	CHECK_STR(d.to, "a@example.test, b@example.test");
	CHECK_STR(d.cc, "c@example.test");
	CHECK(d.bcc == NULL);
	CHECK_STR(d.subject, "long  subject");
	CHECK_INT((int)d.nattach, 2);
	if (d.nattach == 2) {
		CHECK_STR(d.attach[0], "/tmp/x y.bin");
		CHECK_STR(d.attach[1], "/tmp/z");
	}
	CHECK_STR(d.body, "Hello\n\nBye\n");
	mime_draft_release(&d);
	CHECK_INT(mime_draft_parse("no fields here\n", 15, &d, &err), 0);
	CHECK_STR(d.body, "no fields here\n");
	mime_draft_release(&d);
	CHECK_INT(mime_draft_parse("To: a@b\nbad line\n\nx", 19, &d, &err), -1);
	CHECK(strstr(err.msg, "no field name") != NULL);
}

/*
 * Fields the draft does not know (X-Priority, Organization,
 * Mail-Followup-To): kept in order through parse and rewrite, into the
 * built message encoded and folded, back from a postponed message;
 * the fields petrel writes itself are refused.
 */
static void
test_draft_extra_fields(void)
{
	static const char f[] =
	    "To: a@example.test\nX-Priority: 1\n"
	    "Organization: Zoë's  Café\n  Ltd\nX-Esc: a\x1b[2Jb\n"
	    "Mail-Followup-To: Zoë <zoe@example.test>, list@example.test\n"
	    "X-Empty:  \nx-priority: 2\n\nbody\n";
	static const char *const want[][2] = {{"X-Priority", "1"},
	    {"Organization", "Zoë's  Café  Ltd"}, {"X-Esc", "a [2Jb"},
	    {"Mail-Followup-To", "Zoë <zoe@example.test>, list@example.test"},
	    {"x-priority", "2"}};
	static const char *const refused[] = {"Message-ID: <a@b>\n\nx",
	    "date: today\n\nx", "Content-Type: text/html\n\nx",
	    "MIME-Version: 1.0\n\nx", "Sender: s@example.test\n\nx",
	    "Resent-To: r@example.test\n\nx", "User-Agent: me\n\nx"};
	struct mime_draft d, e;
	struct mime_draft_part *parts = NULL;
	struct mime_compose c;
	struct mime_envelope env;
	struct mime_field bad;
	struct pt_error err;
	struct pt_buf out;
	size_t i, n = 0;
	char *msg, *name;

	pt_error_init(&err);
	CHECK_INT(mime_draft_parse(f, sizeof f - 1, &d, &err), 0);
	CHECK_INT((int)d.nextra, (int)PT_NELEM(want));
	for (i = 0; i < d.nextra && i < PT_NELEM(want); i++) {
		CHECK_STR(d.extra[i].name, want[i][0]);
		CHECK_STR(d.extra[i].value, want[i][1]);
	}
	/* Rewritten, it reads back the same. */
	pt_buf_init(&out, 0);
	mime_draft_format(&d, &out);
	CHECK(strstr(out.data, "Organization: Zoë's  Café  Ltd\n") != NULL);
	CHECK_INT(mime_draft_parse(out.data, out.len, &e, &err), 0);
	CHECK_INT((int)e.nextra, (int)d.nextra);
	for (i = 0; i < e.nextra && i < d.nextra; i++) {
		CHECK_STR(e.extra[i].name, d.extra[i].name);
		CHECK_STR(e.extra[i].value, d.extra[i].value);
	}
	mime_draft_release(&e);
	pt_buf_release(&out);

	/* In the message: after the threading fields, encoded, folded. */
	memset(&c, 0, sizeof c);
	c.from = "zoe@example.test";
	c.to = d.to;
	c.subject = "s";
	c.body = d.body;
	c.bodylen = d.bodylen;
	c.extra = d.extra;
	c.nextra = d.nextra;
	c.date = 1700000000;
	c.nonce = "abcdefghijklmnopqrstuvwx";
	c.user_agent = "petrel/test";
	c.draft = 1;
	msg = build(&c, &env);
	CHECK(msg != NULL);
	if (msg != NULL) {
		CHECK(lines_ok(msg, strlen(msg), 78));
		CHECK(strstr(msg, "\r\nX-Priority: 1\r\n") != NULL);
		CHECK(strstr(msg, "\r\nx-priority: 2\r\n") != NULL);
		CHECK(strstr(msg, "\r\nOrganization: =?UTF-8?") != NULL);
		CHECK(strstr(msg, "<zoe@example.test>, list@example.test") !=
		      NULL);
		CHECK(strstr(msg, "\x1b") == NULL);
		/* Postponed and recalled: the same fields, in order. */
		CHECK_INT(mime_draft_from_message(msg, strlen(msg), &e, &parts,
			      &n, &err),
		    0);
		CHECK_INT((int)e.nextra, (int)d.nextra);
		for (i = 0; i < e.nextra && i < d.nextra; i++) {
			CHECK_STR(e.extra[i].name, d.extra[i].name);
			CHECK_STR(e.extra[i].value, d.extra[i].value);
		}
		mime_draft_release(&e);
		mime_draft_parts_free(&parts, n);
		mime_envelope_release(&env);
		free(msg);
	}
	/* Not a field the struct has, nor a bad address. */
	bad.name = (char *)"Mail-Followup-To";
	bad.value = (char *)"not an address@";
	c.extra = &bad;
	c.nextra = 1;
	pt_buf_init(&out, 0);
	CHECK_INT(mime_compose_build(&c, &out, &env, &err), -1);
	CHECK(strstr(err.msg, "Mail-Followup-To") != NULL);
	pt_buf_release(&out);
	bad.name = (char *)"Cc";
	bad.value = (char *)"x@example.test";
	pt_buf_init(&out, 0);
	CHECK_INT(mime_compose_build(&c, &out, &env, &err), -1);
	pt_buf_release(&out);
	mime_draft_release(&d);

	/* Fields petrel writes itself: refused, with their name. */
	for (i = 0; i < PT_NELEM(refused); i++) {
		pt_error_init(&err);
		CHECK_INT(mime_draft_parse(refused[i], strlen(refused[i]), &d,
			      &err),
		    -1);
		CHECK(strstr(err.msg, "petrel writes it itself") != NULL);
		name = strchr(err.msg, '\'');
		CHECK(name != NULL && strncasecmp(name + 1, refused[i],
					  strcspn(refused[i], ":")) == 0);
	}
	name = pt_xasprintf("%077d: x\n\nbody", 0);
	CHECK_INT(mime_draft_parse(name, strlen(name), &d, &err), -1);
	CHECK(strstr(err.msg, "too long") != NULL);
	free(name);

	/* A message's Attach or Date never comes back into a draft. */
	msg = pt_xstrdup("From: a@example.test\r\nDate: x\r\n"
			 "Attach: /etc/passwd\r\nX-A: b\r\n\r\nbody\r\n");
	CHECK_INT(mime_draft_from_message(msg, strlen(msg), &d, &parts, &n,
		      &err),
	    0);
	CHECK_INT((int)d.nattach, 0);
	CHECK_INT((int)d.nextra, 1);
	if (d.nextra == 1)
		CHECK_STR(d.extra[0].name, "X-A");
	mime_draft_release(&d);
	mime_draft_parts_free(&parts, n);
	free(msg);
}

/*
 * A built draft (Bcc kept, an attachment with a non-ASCII name and a
 * path in it, a non-ASCII text) turned back into a draft: the same
 * fields, the same text, the same attachment bytes under a safe name.
 */
static void
test_draft_from_message(void)
{
	static const unsigned char bin[] = {0, 1, 2, 0xff, '\r', '\n', 'x'};
	struct mime_attachment a;
	struct mime_compose c;
	struct mime_envelope env;
	struct mime_draft_part *parts = NULL;
	struct mime_draft d;
	struct pt_error err;
	struct pt_buf out;
	size_t n = 0;
	char *msg;

	memset(&c, 0, sizeof c);
	memset(&a, 0, sizeof a);
	a.filename = "../ét\x01é.bin";
	a.type = "application/octet-stream";
	a.data = bin;
	a.len = sizeof bin;
	c.from = "Zoë <zoe@example.test>";
	c.to = "Bob Ünlü <bob@example.test>, ann@example.test";
	c.cc = "carl@example.test";
	c.bcc = "Secret Sam <sam@example.test>";
	c.reply_to = "list@example.test";
	c.subject = "Réunion « demain »";
	c.in_reply_to = "<p@example.test>";
	c.references = "<r@example.test> <p@example.test>";
	c.body = "Ça va ?\n> quoted\n";
	c.bodylen = strlen(c.body);
	c.att = &a;
	c.natt = 1;
	c.date = 1700000000;
	c.nonce = "abcdefghijklmnopqrstuvwx";
	c.draft = 1;
	msg = build(&c, &env);
	CHECK(msg != NULL);
	if (msg == NULL)
		return;
	CHECK(strstr(msg, "\r\nBcc: ") != NULL);
	pt_error_init(&err);
	CHECK_INT(mime_draft_from_message(msg, strlen(msg), &d, &parts, &n,
		      &err),
	    0);
	CHECK_STR(d.to, "Bob Ünlü <bob@example.test>, ann@example.test");
	CHECK_STR(d.cc, "carl@example.test");
	CHECK_STR(d.bcc, "Secret Sam <sam@example.test>");
	CHECK_STR(d.reply_to, "list@example.test");
	CHECK_STR(d.subject, "Réunion « demain »");
	CHECK_STR(d.in_reply_to, "<p@example.test>");
	CHECK_STR(d.references, "<r@example.test> <p@example.test>");
	CHECK_STR(d.body, "Ça va ?\n> quoted\n");
	CHECK_INT((int)n, 1);
	if (n == 1) {
		CHECK_STR(parts[0].name, "ét_é.bin");
		CHECK(parts[0].len == sizeof bin &&
		      memcmp(parts[0].data, bin, sizeof bin) == 0);
	}
	/* And written out, it reads back the same. */
	pt_buf_init(&out, 0);
	mime_draft_format(&d, &out);
	mime_draft_release(&d);
	CHECK_INT(mime_draft_parse(out.data, out.len, &d, &err), 0);
	CHECK_STR(d.bcc, "Secret Sam <sam@example.test>");
	CHECK_STR(d.subject, "Réunion « demain »");
	CHECK_STR(d.body, "Ça va ?\n> quoted\n");
	pt_buf_release(&out);
	mime_draft_release(&d);
	mime_draft_parts_free(&parts, n);
	mime_envelope_release(&env);
	free(msg);
	/* Without draft set, the Bcc never goes out. */
	c.draft = 0;
	msg = build(&c, &env);
	CHECK(msg != NULL && strstr(msg, "Bcc") == NULL);
	mime_envelope_release(&env);
	free(msg);
}

static void
test_filename_safe(void)
{
	char *s;

	s = mime_filename_safe("/etc/passwd", 0);
	CHECK_STR(s, "passwd");
	free(s);
	s = mime_filename_safe("..\\..\\x:y\x1b[31m", 0);
	CHECK_STR(s, "x_y_[31m");
	free(s);
	s = mime_filename_safe("...", 2);
	CHECK_STR(s, "attachment-3");
	free(s);
	s = mime_filename_safe(NULL, 0);
	CHECK_STR(s, "attachment-1");
	free(s);
}

/*
 * A forwarded message: 7-bit clean, it goes as message/rfc822 in 7bit,
 * byte for byte; with 8-bit bytes (or bare LF), as application/
 * octet-stream in base64 under the same name, so the wire stays 7-bit.
 */
static void
test_build_forwarded_message(void)
{
	static const char clean[] = "From: a@example.test\r\nSubject: hi\r\n"
				    "\r\nplain text\r\n";
	static const char eight[] = "From: a@example.test\r\nSubject: hi\r\n"
				    "\r\nd\xc3\xa9j\xc3\xa0 vu\r\n";
	struct mime_attachment att = {"orig.eml", "message/rfc822", clean,
	    sizeof clean - 1, 0, NULL, NULL};
	struct mime_compose c = {0};
	struct mime_envelope env;
	char *m;

	c.from = "a@example.test";
	c.to = "b@example.test";
	c.subject = "Fwd: hi";
	c.body = "";
	c.att = &att;
	c.natt = 1;
	c.date = 1736254000;
	c.nonce = "abcdef0123456789";
	m = build(&c, &env);
	CHECK(m != NULL);
	if (m != NULL) {
		CHECK(
		    strstr(m, "Content-Type: message/rfc822; name=orig.eml\r\n"
			      "Content-Transfer-Encoding: 7bit\r\n") != NULL);
		CHECK(strstr(m, clean) != NULL);
		CHECK(lines_ok(m, strlen(m), 998));
		mime_envelope_release(&env);
		free(m);
	}
	att.data = eight;
	att.len = sizeof eight - 1;
	m = build(&c, &env);
	CHECK(m != NULL);
	if (m != NULL) {
		CHECK(strstr(m, "message/rfc822") == NULL);
		CHECK(
		    strstr(m, "Content-Type: application/octet-stream; "
			      "name=orig.eml\r\n"
			      "Content-Transfer-Encoding: base64\r\n") != NULL);
		CHECK(lines_ok(m, strlen(m), 998));
		mime_envelope_release(&env);
		free(m);
	}
}

/*
 * The draft's From (the identity to send as), written back first; a
 * rewritten draft reads back the same; NUL bytes and odd names.
 */
static void
test_draft_from_roundtrip(void)
{
	static const char in[] = "To: b@example.test\n"
				 "From: Alice Work <alice.work@example.test>\n"
				 "Subject: hi\n"
				 "From: Alice <alice@example.test>\n"
				 "Attach: /tmp/one\n"
				 "\n"
				 "From: the text, not a field\n";
	struct mime_draft d, e;
	struct pt_error err;
	struct pt_buf b;
	const char *t;

	pt_error_init(&err);
	CHECK_INT(mime_draft_parse(in, sizeof in - 1, &d, &err), 0);
	/* The last From counts; it is not a list. */
	CHECK_STR(d.from, "Alice <alice@example.test>");
	pt_buf_init(&b, 0);
	mime_draft_format(&d, &b);
	CHECK_STR(b.data, "From: Alice <alice@example.test>\n"
			  "To: b@example.test\n"
			  "Cc: \n"
			  "Bcc: \n"
			  "Subject: hi\n"
			  "Attach: /tmp/one\n"
			  "\n"
			  "From: the text, not a field\n");
	CHECK_INT(mime_draft_parse(b.data, b.len, &e, &err), 0);
	CHECK_STR(e.from, d.from);
	CHECK_STR(e.subject, d.subject);
	CHECK_INT(e.nattach, 1);
	CHECK_STR(e.body, d.body);
	mime_draft_release(&e);
	mime_draft_release(&d);
	pt_buf_release(&b);

	/* NUL bytes: kept in the text, a space in a value. */
	CHECK_INT(mime_draft_parse("To: a\0b\n\nx\0y", 12, &d, &err), 0);
	CHECK_STR(d.to, "a b");
	CHECK_INT(d.bodylen, 3);
	CHECK(memcmp(d.body, "x\0y", 4) == 0);
	mime_draft_release(&d);

	/* A field name is printable ASCII: else the line is not a field. */
	t = "To: a@x\n\x01\x02: y\n\nx";
	CHECK_INT(mime_draft_parse(t, strlen(t), &d, &err), -1);
	CHECK_INT(err.class, PT_E_CONFIG);
}

/* The addresses an account may send as. */
static void
test_identities(void)
{
	struct mime_addrlist l = {0};
	struct pt_error err;

	pt_error_init(&err);
	CHECK_INT(mime_identities("Alice", "alice@example.test",
		      "Alice Work <Alice.Work@example.test>, "
		      "alias@example.test",
		      &l, &err),
	    0);
	CHECK_INT(l.n, 3);
	CHECK_STR(l.v[0].name, "Alice");
	CHECK_INT(mime_addrlist_find(&l, "alice.work@EXAMPLE.test"), 1);
	CHECK_INT(mime_addrlist_find(&l, "alias@example.test"), 2);
	CHECK_INT(mime_addrlist_find(&l, "eve@example.test"), -1);
	mime_addrlist_release(&l);
	CHECK_INT(mime_identities(NULL, "a@example.test", "bad", &l, &err), -1);
	CHECK(strstr(err.msg, "identities") != NULL);
	CHECK_INT(l.n, 1);
	CHECK(l.v[0].name == NULL);
	mime_addrlist_release(&l);
}

static const struct pt_test tests[] = {
    PT_TEST(test_date_format),
    PT_TEST(test_header_encode_exact),
    PT_TEST(test_header_encode_roundtrip),
    PT_TEST(test_addresses_exact),
    PT_TEST(test_addr_parse),
    PT_TEST(test_encode_qp_base64),
    PT_TEST(test_build_simple_exact),
    PT_TEST(test_build_roundtrip),
    PT_TEST(test_build_streamed_attachment),
    PT_TEST(test_build_long_lines),
    PT_TEST(test_build_errors),
    PT_TEST(test_reply_helpers),
    PT_TEST(test_mailto),
    PT_TEST(test_draft_parse),
    PT_TEST(test_draft_from_message),
    PT_TEST(test_filename_safe),
    PT_TEST(test_type_from_name),
    PT_TEST(test_outbox_lifecycle),
    PT_TEST(test_outbox_kill9),
    PT_TEST(test_outbox_live_lock),
    PT_TEST(test_attach_read),
    PT_TEST(test_build_forwarded_message),
    PT_TEST(test_draft_from_roundtrip),
    PT_TEST(test_draft_extra_fields),
    PT_TEST(test_identities),
    {NULL, NULL},
};

int
main(void)
{
	return pt_test_run(tests);
}
