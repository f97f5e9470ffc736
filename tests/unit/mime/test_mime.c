/*
 * Unit tests for the mime module: one or more exact expectations per
 * decoding rule, the part tree and its limits, the pre-scan, and the
 * rendering of small whole messages.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "tests/harness/pt_test.h"

#define FFFD "\xEF\xBF\xBD"

static char *dec_b64(const char *, unsigned *);
static char *dec_qp(const char *, int, unsigned *);
static char *conv(const char *, const char *, size_t, unsigned *);
static char *wrap(const char *, unsigned, const char *);
static char *html(const char *);
static char *unflow(const char *, int);
static char *render(const char *, unsigned);
static char *render_opts(const char *, unsigned, int);
static int has_controls(const char *, size_t);
static void skel_set(struct mime_skel_part *, const char *, const char *,
    const char *, int, const char *, const char *);

static char *
dec_b64(const char *in, unsigned *notes)
{
	struct pt_buf b;

	pt_buf_init(&b, 0);
	CHECK(mime_decode_base64(&b, in, strlen(in), notes, NULL) == 0);
	return pt_buf_detach(&b, NULL);
}

static char *
dec_qp(const char *in, int header, unsigned *notes)
{
	struct pt_buf b;

	pt_buf_init(&b, 0);
	CHECK(mime_decode_qp(&b, in, strlen(in), header, notes, NULL) == 0);
	return pt_buf_detach(&b, NULL);
}

static char *
conv(const char *charset, const char *in, size_t len, unsigned *notes)
{
	struct pt_buf b;

	pt_buf_init(&b, 0);
	CHECK(mime_charset_to_utf8(&b, charset, in, len, notes, NULL) == 0);
	return pt_buf_detach(&b, NULL);
}

static char *
wrap(const char *in, unsigned width, const char *cont)
{
	struct pt_buf b;

	pt_buf_init(&b, 0);
	CHECK(mime_wrap(&b, in, strlen(in), width, cont, NULL) == 0);
	return pt_buf_detach(&b, NULL);
}

static char *
html(const char *in)
{
	struct pt_buf b;

	pt_buf_init(&b, 0);
	CHECK(mime_html_to_text(&b, in, strlen(in), 20, NULL) == 0);
	return pt_buf_detach(&b, NULL);
}

static char *
unflow(const char *in, int delsp)
{
	struct pt_buf b;

	pt_buf_init(&b, 0);
	CHECK(mime_flowed_unflow(&b, in, strlen(in), delsp, NULL) == 0);
	return pt_buf_detach(&b, NULL);
}

static char *
render_opts(const char *msg, unsigned width, int prefer_html)
{
	struct mime_render_opts o;
	struct pt_error warn;
	size_t len;
	char *s;

	memset(&o, 0, sizeof o);
	o.width = width;
	o.prefer_html = prefer_html;
	pt_error_init(&warn);
	s = mime_render(msg, strlen(msg), &o, &len, &warn);
	CHECK(s != NULL);
	CHECK_INT(warn.class, PT_OK);
	CHECK_INT(len, strlen(s));
	CHECK(pt_utf8_valid(s, len));
	CHECK(!has_controls(s, len));
	return s;
}

static char *
render(const char *msg, unsigned width)
{
	return render_opts(msg, width, 0);
}

/* Any byte the terminal could act on, other than newline. */
static int
has_controls(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n') || c == 0x7F)
			return 1;
		if (c == 0xC2 && i + 1 < len &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] < 0xA0)
			return 1;
	}
	return 0;
}

/* Transfer encodings. */

static void
test_mime_decode_base64_plain(void)
{
	unsigned notes = 0;
	char *s;

	s = dec_b64("SGVsbG8sIHdvcmxk", &notes);
	CHECK_STR(s, "Hello, world");
	CHECK_INT(notes, 0);
	free(s);
	s = dec_b64("SGVs\r\nbG8=\r\n", &notes);
	CHECK_STR(s, "Hello");
	CHECK_INT(notes, 0);
	free(s);
}

static void
test_mime_decode_base64_no_padding(void)
{
	char *s = dec_b64("SGVsbG8", NULL);

	CHECK_STR(s, "Hello");
	free(s);
}

static void
test_mime_decode_base64_concatenated(void)
{
	char *s = dec_b64("SGVsbG8=IHdvcmxk", NULL);

	CHECK_STR(s, "Hello world");
	free(s);
}

static void
test_mime_decode_base64_garbage(void)
{
	unsigned notes = 0;
	char *s = dec_b64("SG#Vs$bG8", &notes);

	CHECK_STR(s, "Hello");
	CHECK(notes & MIME_NOTE_BAD_BASE64);
	free(s);
}

static void
test_mime_decode_qp_basic(void)
{
	unsigned notes = 0;
	char *s = dec_qp("a=3Db=C3=A9", 0, &notes);

	CHECK_STR(s, "a=b\xC3\xA9");
	CHECK_INT(notes, 0);
	free(s);
}

static void
test_mime_decode_qp_soft_breaks(void)
{
	char *s = dec_qp("ab=\r\ncd=  \nef=", 0, NULL);

	CHECK_STR(s, "abcdef");
	free(s);
}

static void
test_mime_decode_qp_lower_hex(void)
{
	char *s = dec_qp("=c3=a9", 0, NULL);

	CHECK_STR(s, "\xC3\xA9");
	free(s);
}

static void
test_mime_decode_qp_broken_escape(void)
{
	unsigned notes = 0;
	char *s = dec_qp("100=ZZ =4", 0, &notes);

	CHECK_STR(s, "100=ZZ =4");
	CHECK(notes & MIME_NOTE_BAD_QP);
	free(s);
}

static void
test_mime_decode_qp_trailing_space(void)
{
	char *s = dec_qp("a  \r\nb \t\nc d", 0, NULL);

	CHECK_STR(s, "a\r\nb\nc d");
	free(s);
}

static void
test_mime_decode_qp_header_underscore(void)
{
	char *s = dec_qp("a_b=5F", 1, NULL);

	CHECK_STR(s, "a b_");
	free(s);
}

static void
test_mime_decode_uu_basic(void)
{
	const char *in = "begin 644 cat.txt\n#0V%T\n`\nend\n";
	struct pt_buf b;

	pt_buf_init(&b, 0);
	CHECK(mime_decode_uu(&b, in, strlen(in), NULL, NULL) == 0);
	CHECK_STR(b.data, "Cat");
	pt_buf_release(&b);
}

/* Charsets. */

static void
test_mime_charset_latin1_is_cp1252(void)
{
	char *s = conv("ISO-8859-1", "caf\xE9 \x80", 6, NULL);

	CHECK_STR(s, "caf\xC3\xA9 \xE2\x82\xAC");
	free(s);
}

static void
test_mime_charset_ascii_with_8bit(void)
{
	unsigned notes = 0;
	char *s;

	s = conv("us-ascii", "caf\xC3\xA9", 5, &notes);
	CHECK_STR(s, "caf\xC3\xA9");
	free(s);
	s = conv("us-ascii", "caf\xE9", 4, &notes);
	CHECK_STR(s, "caf\xC3\xA9");
	free(s);
	s = conv(NULL, "\x93quoted\x94", 8, &notes);
	CHECK_STR(s, "\xE2\x80\x9Cquoted\xE2\x80\x9D");
	free(s);
	CHECK_INT(notes, 0);
}

static void
test_mime_charset_gb2312_is_gbk(void)
{
	char *s = conv("gb2312", "\xC4\xE3\xBA\xC3", 4, NULL);

	CHECK_STR(s, "\xE4\xBD\xA0\xE5\xA5\xBD");
	free(s);
}

static void
test_mime_charset_ks_c_5601(void)
{
	unsigned notes = 0;
	/* "\xC7\xD1" is EUC-KR; "\x81\x41" exists only in CP949. */
	char *s = conv("ks_c_5601-1987", "\xC7\xD1\x81\x41", 4, &notes);

	CHECK_STR(s, "\xED\x95\x9C\xEA\xB0\x82");
	CHECK_INT(notes, 0);
	free(s);
}

static void
test_mime_charset_iso_8859_8_i(void)
{
	char *s = conv("iso-8859-8-i", "\xF9\xEC\xE5\xED", 4, NULL);

	CHECK_STR(s, "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D");
	free(s);
}

static void
test_mime_charset_iso_2022_jp(void)
{
	const char in[] = "\x1B$B$3$s$K$A$O\x1B(B!";
	char *s = conv("ISO-2022-JP", in, sizeof in - 1, NULL);

	CHECK_STR(s, "\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3"
		     "\x81\xAF!");
	free(s);
}

static void
test_mime_charset_shift_jis(void)
{
	char *s = conv("Shift_JIS", "\x93\xFA\x96\x7B", 4, NULL);

	CHECK_STR(s, "\xE6\x97\xA5\xE6\x9C\xAC");
	free(s);
}

static void
test_mime_charset_utf16_bom(void)
{
	char *s;

	s = conv("UTF-16", "\xFF\xFEh\0i\0", 6, NULL);
	CHECK_STR(s, "hi");
	free(s);
	s = conv("utf-16", "\xFE\xFF\0h\0i", 6, NULL);
	CHECK_STR(s, "hi");
	free(s);
	s = conv("UTF-16", "\0h\0i", 4, NULL);
	CHECK_STR(s, "hi");
	free(s);
}

static void
test_mime_charset_utf16_odd_length(void)
{
	unsigned notes = 0;
	char *s = conv("UTF-16LE", "h\0i", 3, &notes);

	CHECK_STR(s, "h" FFFD);
	CHECK(notes & MIME_NOTE_BAD_BYTES);
	free(s);
}

static void
test_mime_charset_utf8_invalid(void)
{
	unsigned notes = 0;
	char *s = conv("utf-8",
	    "a\xFF"
	    "b\xC0\xAF",
	    5, &notes);

	CHECK_STR(s, "a" FFFD "b" FFFD FFFD);
	CHECK(notes & MIME_NOTE_BAD_BYTES);
	free(s);
}

static void
test_mime_charset_invalid_in_iconv(void)
{
	unsigned notes = 0;
	/* 0x81 is not a character in windows-1252. */
	char *s = conv("windows-1252", "a\x81z", 3, &notes);

	CHECK_STR(s, "a" FFFD "z");
	CHECK(notes & MIME_NOTE_BAD_BYTES);
	free(s);
}

static void
test_mime_charset_iconv_output_checked(void)
{
	unsigned notes = 0;
	char *s;

	/* Found by fuzz_mime_rfc2231: glibc reads "+UTF-8" as UTF-8 and
	 * lets a sequence beyond U+10FFFF through. */
	s = conv("+UTF-8", "a\xF4\xB5\xB5\xB5z", 6, &notes);
	CHECK_STR(s, "a" FFFD FFFD FFFD FFFD "z");
	CHECK(notes & MIME_NOTE_BAD_BYTES);
	free(s);
	s = conv("UCS-4BE", "\0\0\0a\x7F\0\0\0\0\0\0z", 12, NULL);
	CHECK(pt_utf8_valid(s, strlen(s)));
	CHECK(s[0] == 'a' && s[strlen(s) - 1] == 'z');
	free(s);
}

static void
test_mime_charset_unknown(void)
{
	unsigned notes = 0;
	char *s;

	s = conv("x-no-such-charset", "caf\xE9", 4, &notes);
	CHECK_STR(s, "caf\xC3\xA9");
	CHECK(notes & MIME_NOTE_UNKNOWN_CHARSET);
	free(s);
	notes = 0;
	s = conv("UTF-8//IGNORE", "ok", 2, &notes);
	CHECK_STR(s, "ok");
	CHECK(notes & MIME_NOTE_UNKNOWN_CHARSET);
	free(s);
	notes = 0;
	s = conv("../../../../etc/passwd", "ok", 2, &notes);
	CHECK_STR(s, "ok");
	CHECK(notes & MIME_NOTE_UNKNOWN_CHARSET);
	free(s);
}

static void
test_mime_charset_name_aliases(void)
{
	char tmp[64];

	CHECK_STR(mime_charset_name("GB2312", tmp, sizeof tmp), "GBK");
	CHECK_STR(mime_charset_name(" \"latin1\" ", tmp, sizeof tmp),
	    "WINDOWS-1252");
	CHECK_STR(mime_charset_name("ISO-8859-8-I", tmp, sizeof tmp),
	    "ISO-8859-8");
	CHECK_STR(mime_charset_name("utf-8*en", tmp, sizeof tmp), "UTF-8");
	CHECK_STR(mime_charset_name("KOI8-R", tmp, sizeof tmp), "koi8-r");
	CHECK(mime_charset_name("us-ascii", tmp, sizeof tmp) == NULL);
	CHECK(mime_charset_name("a b", tmp, sizeof tmp) == NULL);
}

static void
test_mime_charset_nul_kept(void)
{
	char *s;
	size_t n;
	struct pt_buf b;

	pt_buf_init(&b, 0);
	CHECK(mime_charset_to_utf8(&b, "utf-8", "a\0b", 3, NULL, NULL) == 0);
	CHECK_INT(b.len, 3);
	s = pt_buf_detach(&b, &n);
	CHECK(memcmp(s, "a\0b", 3) == 0);
	free(s);
}

/* RFC 2047. */

static void
test_mime_header_decode_rfc2047_examples(void)
{
	/* RFC 2047 section 8. */
	static const char *const cases[][2] = {
	    {"(=?ISO-8859-1?Q?a?=)", "(a)"},
	    {"(=?ISO-8859-1?Q?a?= b)", "(a b)"},
	    {"(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)"},
	    {"(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)"},
	    {"(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)"},
	    {"(=?ISO-8859-1?Q?a_b?=)", "(a b)"},
	    {"(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)"},
	    {"=?US-ASCII?Q?Keith_Moore?=", "Keith Moore"},
	    {"=?ISO-8859-1?Q?Andr=E9?= Pirard", "Andr\xC3\xA9 Pirard"},
	};
	size_t i;
	char *s;

	for (i = 0; i < PT_NELEM(cases); i++) {
		s = mime_header_decode(cases[i][0], strlen(cases[i][0]));
		CHECK_STR(s, cases[i][1]);
		free(s);
	}
}

static void
test_mime_header_decode_split_multibyte(void)
{
	const char *in = "=?UTF-8?Q?caf=C3?= =?UTF-8?Q?=A9?=";
	const char *b64 = "=?utf-8?B?w6nD?= =?UTF-8?b?qQ==?=";
	char *s;

	s = mime_header_decode(in, strlen(in));
	CHECK_STR(s, "caf\xC3\xA9");
	free(s);
	s = mime_header_decode(b64, strlen(b64));
	CHECK_STR(s, "\xC3\xA9\xC3\xA9");
	free(s);
}

static void
test_mime_header_decode_split_iso_2022_jp(void)
{
	const char *in = "=?ISO-2022-JP?B?GyRCJDMkcxsoQg==?= "
			 "=?ISO-2022-JP?B?GyRCJEskQSRPGyhC?=";
	char *s = mime_header_decode(in, strlen(in));

	CHECK_STR(s, "\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3"
		     "\x81\xAF");
	free(s);
}

static void
test_mime_header_decode_raw_8bit(void)
{
	char *s;

	s = mime_header_decode("Caf\xC3\xA9 ok", 8);
	CHECK_STR(s, "Caf\xC3\xA9 ok");
	free(s);
	s = mime_header_decode("Caf\xE9 ok", 7);
	CHECK_STR(s, "Caf\xC3\xA9 ok");
	free(s);
}

static void
test_mime_header_decode_lenient_forms(void)
{
	static const char *const cases[][2] = {
	    {"foo=?utf-8?q?bar?=baz", "foobarbaz"},
	    {"=?utf-8*en?q?hi?=", "hi"},
	    {"=?UTF-8?Q?a?b?=", "a?b"},
	    {"=?UTF-8?X?abc?=", "=?UTF-8?X?abc?="},
	    {"=?UTF-8?Q?no end", "=?UTF-8?Q?no end"},
	    {"=?UTF-8?B?PT9VVEYtOD9CP1pXST0/PQ==?=", "=?UTF-8?B?ZWI=?="},
	    {"=?x-unknown-cs?Q?caf=E9?=", "caf\xC3\xA9"},
	    {"  folded\r\n\tvalue  ", "folded\tvalue"},
	    {"=?UTF-8?Q?"
	     "?=",
		""},
	};
	size_t i;
	char *s;

	for (i = 0; i < PT_NELEM(cases); i++) {
		s = mime_header_decode(cases[i][0], strlen(cases[i][0]));
		CHECK_STR(s, cases[i][1]);
		free(s);
	}
}

static void
test_mime_header_decode_nul(void)
{
	const char *in = "=?UTF-8?Q?a=00b?=";
	char *s = mime_header_decode(in, strlen(in));

	CHECK_STR(s, "a" FFFD "b");
	free(s);
}

static void
test_mime_header_decode_many_failed_starts(void)
{
	struct pt_buf b;
	char *s;
	int i;

	/* Each "=?" starts a word that never ends: must stay linear. */
	pt_buf_init(&b, 0);
	for (i = 0; i < 100000; i++)
		(void)pt_buf_addstr(&b, "=?a?b?X", NULL);
	s = mime_header_decode(b.data, b.len);
	CHECK_INT(strlen(s), b.len);
	free(s);
	pt_buf_release(&b);
}

static void
test_mime_address_decode_forms(void)
{
	static const char *const cases[][2] = {
	    {"\"Doe, John\" <john@example.org>",
		"\"Doe, John\" <john@example.org>"},
	    {"John Doe <john@example.org>", "John Doe <john@example.org>"},
	    {"<john@example.org>", "john@example.org"},
	    {"a@example.org, b@example.org", "a@example.org, b@example.org"},
	    {"\"=?ISO-8859-1?Q?Fran=E7ois?=\" <f@example.org>",
		"Fran\xC3\xA7ois <f@example.org>"},
	    {"=?UTF-8?Q?Jos=C3=A9?= <j@example.org>",
		"Jos\xC3\xA9 <j@example.org>"},
	    {"undisclosed-recipients:;", "undisclosed-recipients:;"},
	    {"Team: a@example.org, Bob <b@example.org>;",
		"Team: a@example.org, Bob <b@example.org>;"},
	    {"Bob <b@example.org> (work)", "Bob <b@example.org> (work)"},
	    {"b@example.org (=?UTF-8?Q?Bj=C3=B6rn?=)",
		"b@example.org (Bj\xC3\xB6rn)"},
	    {"=?UTF-8?B?Y2VvQGV4YW1wbGUudGVzdA==?=@evil.example",
		"=?UTF-8?B?Y2VvQGV4YW1wbGUudGVzdA==?=@evil.example"},
	};
	size_t i;
	char *s;

	for (i = 0; i < PT_NELEM(cases); i++) {
		s = mime_address_decode(cases[i][0], strlen(cases[i][0]));
		CHECK_STR(s, cases[i][1]);
		free(s);
	}
}

static void
test_mime_address_decode_injection_quoted(void)
{
	const char *in = "=?UTF-8?Q?evil=40example=2Einvalid_=3Cceo=40example"
			 "=2Etest=3E=2C_=22CEO=22?= <evil@example.invalid>";
	char *s = mime_address_decode(in, strlen(in));

	CHECK_STR(s, "\"evil@example.invalid <ceo@example.test>, \\\"CEO\\\"\""
		     " <evil@example.invalid>");
	free(s);
}

/* RFC 2231 and parameters. */

static void
test_mime_param_decode_rfc2231(void)
{
	static const char *const cases[][2] = {
	    {"attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf",
		"r\xC3\xA9sum\xC3\xA9.pdf"},
	    {"x; filename*0=\"foo\"; filename*1=\"bar.txt\"", "foobar.txt"},
	    {"x; filename*0*=UTF-8''%E6%97%A5; filename*1*=%E6%9C%AC.txt",
		"\xE6\x97\xA5\xE6\x9C\xAC.txt"},
	    {"x; filename*=iso-8859-1'en'%A3rates", "\xC2\xA3rates"},
	    {"x; filename*1=b; filename*0=a", "ab"},
	    {"x; filename*=''plain%20name", "plain name"},
	    {"x; filename*=UTF-8''100%", "100%"},
	    {"x; filename*=UTF-8''safe.txt%00.exe", "safe.txt" FFFD ".exe"},
	    {"x; filename=\"a.txt\"; filename*=UTF-8''b.txt", "b.txt"},
	};
	size_t i;
	char *s;

	for (i = 0; i < PT_NELEM(cases); i++) {
		s = mime_param_decode(cases[i][0], strlen(cases[i][0]),
		    "filename");
		CHECK_STR(s, cases[i][1]);
		free(s);
	}
}

static void
test_mime_param_decode_plain(void)
{
	static const char *const cases[][2] = {
	    {"x; name=\"=?UTF-8?B?w6k=?=.txt\"", "\xC3\xA9.txt"},
	    {"x; name=\"\xE7\xAE\xA1.doc\"", "\xE7\xAE\xA1.doc"},
	    {"x; name=\"caf\xE9.doc\"", "caf\xC3\xA9.doc"},
	    {"x; name=foo bar.pdf ; size=3", "foo bar.pdf"},
	    {"x; name=\"never closed", "never closed"},
	    {"x; NAME=first; name=second", "first"},
	    {"x; name=\"a\\\"b\"", "a\"b"},
	    {"x;name=\"long\r\n name\"", "long name"},
	    {"x; (comment) name=c", "c"},
	};
	size_t i;
	char *s;

	for (i = 0; i < PT_NELEM(cases); i++) {
		s = mime_param_decode(cases[i][0], strlen(cases[i][0]), "name");
		CHECK_STR(s, cases[i][1]);
		free(s);
	}
	CHECK(mime_param_decode("x; other=1", 10, "name") == NULL);
}

/* Structure. */

static void
test_mime_parse_multipart_tree(void)
{
	const char *msg = "From: a@example.org\r\n"
			  "Content-Type: multipart/mixed; boundary=\"XX\"\r\n"
			  "\r\n"
			  "preamble\r\n"
			  "--XX\r\n"
			  "Content-Type: text/plain\r\n"
			  "\r\n"
			  "one\r\n"
			  "--XX\r\n"
			  "Content-Type: multipart/alternative; boundary=YY\r\n"
			  "\r\n"
			  "--YY\r\n"
			  "\r\n"
			  "two\r\n"
			  "--YY\r\n"
			  "Content-Type: text/html\r\n"
			  "\r\n"
			  "<p>three</p>\r\n"
			  "--YY--\r\n"
			  "--XX--\r\n"
			  "epilogue\r\n";
	const struct mime_part *root, *p, *q;
	struct mime_msg *m;
	struct pt_buf b;

	m = mime_parse(msg, strlen(msg), NULL);
	CHECK(m != NULL);
	root = mime_msg_root(m);
	CHECK_STR(mime_part_type(root), "multipart/mixed");
	CHECK_INT(mime_msg_nparts(m), 5);
	p = mime_part_child(root);
	CHECK_STR(mime_part_type(p), "text/plain");
	pt_buf_init(&b, 0);
	CHECK(mime_part_decode(p, &b, NULL, NULL) == 0);
	CHECK_STR(b.data, "one");
	p = mime_part_next(p);
	CHECK_STR(mime_part_type(p), "multipart/alternative");
	q = mime_part_child(p);
	CHECK_STR(mime_part_type(q), "text/plain");
	pt_buf_reset(&b);
	CHECK(mime_part_decode(q, &b, NULL, NULL) == 0);
	CHECK_STR(b.data, "two");
	q = mime_part_next(q);
	CHECK_STR(mime_part_type(q), "text/html");
	CHECK(mime_part_next(q) == NULL);
	CHECK(mime_part_next(p) == NULL);
	CHECK(mime_part_parent(q) == p);
	pt_buf_release(&b);
	mime_msg_free(&m);
	CHECK(m == NULL);
}

static void
test_mime_parse_boundary_exact(void)
{
	/* "--bx" and "--b-x" do not close a part whose boundary is "b". */
	const char *msg = "Content-Type: multipart/mixed; boundary=b\n"
			  "\n"
			  "--b\n"
			  "\n"
			  "--bx\n"
			  "--b-\n"
			  "--b  \t\n"
			  "\n"
			  "two\n"
			  "--b--\n";
	const struct mime_part *p;
	struct mime_msg *m = mime_parse(msg, strlen(msg), NULL);
	struct pt_buf b;

	p = mime_part_child(mime_msg_root(m));
	pt_buf_init(&b, 0);
	CHECK(mime_part_decode(p, &b, NULL, NULL) == 0);
	CHECK_STR(b.data, "--bx\n--b-");
	p = mime_part_next(p);
	CHECK(p != NULL);
	pt_buf_reset(&b);
	CHECK(mime_part_decode(p, &b, NULL, NULL) == 0);
	CHECK_STR(b.data, "two");
	pt_buf_release(&b);
	mime_msg_free(&m);
}

static void
test_mime_parse_inner_left_open(void)
{
	/* The outer delimiter ends an inner multipart never closed. */
	const char *msg = "Content-Type: multipart/mixed; boundary=out\n\n"
			  "--out\n"
			  "Content-Type: multipart/mixed; boundary=in\n\n"
			  "--in\n\ninner\n"
			  "--out\n\nsecond\n"
			  "--out--\n";
	struct mime_msg *m = mime_parse(msg, strlen(msg), NULL);
	const struct mime_part *p = mime_part_child(mime_msg_root(m));
	struct pt_buf b;

	CHECK_STR(mime_part_type(p), "multipart/mixed");
	pt_buf_init(&b, 0);
	CHECK(mime_part_decode(mime_part_child(p), &b, NULL, NULL) == 0);
	CHECK_STR(b.data, "inner");
	pt_buf_reset(&b);
	CHECK(mime_part_decode(mime_part_next(p), &b, NULL, NULL) == 0);
	CHECK_STR(b.data, "second");
	pt_buf_release(&b);
	mime_msg_free(&m);
}

static void
test_mime_parse_headers_odd(void)
{
	const char *msg = "From someone@example.org Mon Jan  1 00:00:00 2024\n"
			  "Subject: first\n"
			  "Subject : second\n"
			  "X-Folded: a\n"
			  "  b\n"
			  "not a header line\n"
			  "Content-Type: text/html\n"
			  "\n"
			  "body\n";
	struct mime_msg *m = mime_parse(msg, strlen(msg), NULL);
	const struct mime_part *r = mime_msg_root(m);
	const char *v;
	size_t n;
	struct pt_buf b;

	v = mime_part_header(r, "subject", &n);
	CHECK(v != NULL && n == 5 && memcmp(v, "first", 5) == 0);
	v = mime_part_header(r, "X-Folded", &n);
	CHECK(v != NULL && n == 5 && memcmp(v, "a\n  b", 5) == 0);
	/* The body starts at the line that is not a field. */
	CHECK_STR(mime_part_type(r), "text/plain");
	pt_buf_init(&b, 0);
	CHECK(mime_part_decode(r, &b, NULL, NULL) == 0);
	CHECK_STR(b.data,
	    "not a header line\nContent-Type: text/html\n\nbody\n");
	pt_buf_release(&b);
	mime_msg_free(&m);
}

static void
test_mime_parse_no_header(void)
{
	const char *msg = "Just text, no header.\nSecond line.\n";
	struct mime_msg *m = mime_parse(msg, strlen(msg), NULL);
	struct pt_buf b;

	pt_buf_init(&b, 0);
	CHECK(mime_part_decode(mime_msg_root(m), &b, NULL, NULL) == 0);
	CHECK_STR(b.data, msg);
	pt_buf_release(&b);
	mime_msg_free(&m);
}

static void
test_mime_parse_bom_and_indent(void)
{
	const char *msg = "\xEF\xBB\xBF From: a@example.org\nSubject: s\n\nb";
	struct mime_msg *m = mime_parse(msg, strlen(msg), NULL);
	size_t n;
	const char *v = mime_part_header(mime_msg_root(m), "From", &n);

	CHECK(v != NULL && n == 13);
	mime_msg_free(&m);
}

static void
test_mime_parse_digest_default(void)
{
	const char *msg = "Content-Type: multipart/digest; boundary=d\n\n"
			  "--d\n\nSubject: inner\n\nhello\n--d--\n";
	struct mime_msg *m = mime_parse(msg, strlen(msg), NULL);
	const struct mime_part *p = mime_part_child(mime_msg_root(m));
	size_t n;

	CHECK_STR(mime_part_type(p), "message/rfc822");
	p = mime_part_child(p);
	CHECK(p != NULL);
	CHECK(mime_part_header(p, "Subject", &n) != NULL && n == 5);
	mime_msg_free(&m);
}

static void
test_mime_parse_base64_message(void)
{
	/* "Subject: in\n\nbody\n" in base64, as message/rfc822. */
	const char *msg = "Content-Type: message/rfc822\n"
			  "Content-Transfer-Encoding: base64\n\n"
			  "U3ViamVjdDogaW4KCmJvZHkK\n";
	struct mime_msg *m = mime_parse(msg, strlen(msg), NULL);
	const struct mime_part *p = mime_part_child(mime_msg_root(m));
	size_t n;
	const char *v;

	CHECK(p != NULL);
	v = mime_part_header(p, "Subject", &n);
	CHECK(v != NULL && n == 2 && memcmp(v, "in", 2) == 0);
	mime_msg_free(&m);
}

static void
test_mime_parse_cte_spellings(void)
{
	static const char *const cte[] = {"7-bit", "8bits", "8 bit", " 7bit",
	    "quoted printable", "quoted-printable;", "BASE64", "x-uue",
	    "base9000"};
	static const char *const want[] = {"=41", "=41", "=41", "=41", "A", "A",
	    "=41", "=41", "=41"};
	char msg[128];
	struct mime_msg *m;
	struct pt_buf b;
	unsigned notes;
	size_t i;

	pt_buf_init(&b, 0);
	for (i = 0; i < PT_NELEM(cte); i++) {
		(void)snprintf(msg, sizeof msg,
		    "Content-Transfer-Encoding: %s\n\n=41", cte[i]);
		m = mime_parse(msg, strlen(msg), NULL);
		pt_buf_reset(&b);
		notes = 0;
		(void)mime_part_decode(mime_msg_root(m), &b, &notes, NULL);
		if (i == 6)
			CHECK_INT(b.len, 1); /* "41" after the padding */
		else
			CHECK_STR(b.data, want[i]);
		CHECK_INT(!!(notes & MIME_NOTE_UNKNOWN_CTE), i >= 7);
		mime_msg_free(&m);
	}
	pt_buf_release(&b);
}

static void
test_mime_part_filename_sources(void)
{
	const char *msg =
	    "Content-Type: multipart/mixed; boundary=z\n\n"
	    "--z\n"
	    "Content-Type: application/pdf; name=\"from-type.pdf\"\n"
	    "Content-Disposition: attachment;\n"
	    " filename*0*=UTF-8''%C3%A9t%C3%A9;\n"
	    " filename*1=\".pdf\"\n\nx\n"
	    "--z\n"
	    "Content-Type: application/pdf; name=\"from-type.pdf\"\n\nx\n"
	    "--z\n"
	    "Content-Type: text/plain\n\nx\n"
	    "--z--\n";
	struct mime_msg *m = mime_parse(msg, strlen(msg), NULL);
	const struct mime_part *p = mime_part_child(mime_msg_root(m));
	char *s;

	s = mime_part_filename(p);
	CHECK_STR(s, "\xC3\xA9t\xC3\xA9.pdf");
	CHECK(mime_part_is_attachment(p));
	free(s);
	p = mime_part_next(p);
	s = mime_part_filename(p);
	CHECK_STR(s, "from-type.pdf");
	CHECK(!mime_part_is_attachment(p));
	free(s);
	CHECK(mime_part_filename(mime_part_next(p)) == NULL);
	mime_msg_free(&m);
}

static void
test_mime_parse_depth_cap(void)
{
	struct pt_buf b;
	struct mime_msg *m;
	const struct mime_part *p;
	int i, depth = 0;
	char *s;

	pt_buf_init(&b, 0);
	for (i = 0; i < 100; i++)
		(void)pt_buf_printf(&b, NULL,
		    "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i,
		    i);
	(void)pt_buf_addstr(&b, "\ndeep text\n", NULL);
	CHECK(mime_prescan(b.data, b.len) & MIME_SCAN_TOO_DEEP);
	m = mime_parse(b.data, b.len, NULL);
	for (p = mime_msg_root(m); mime_part_child(p) != NULL;
	     p = mime_part_child(p))
		depth++;
	CHECK_INT(depth, MIME_MAX_DEPTH);
	s = mime_render_msg(m, NULL, NULL);
	CHECK(strstr(s, "nested more than 32 levels") != NULL);
	CHECK(strstr(s, "deep text") == NULL);
	free(s);
	mime_msg_free(&m);
	pt_buf_release(&b);
}

static void
test_mime_parse_parts_cap(void)
{
	struct pt_buf b;
	struct mime_msg *m;
	char *s;
	int i;

	pt_buf_init(&b, 0);
	(void)pt_buf_addstr(&b, "Content-Type: multipart/mixed; boundary=p\n\n",
	    NULL);
	for (i = 0; i < MIME_MAX_PARTS + 50; i++)
		(void)pt_buf_addstr(&b, "--p\nContent-Type: image/gif\n\nx\n",
		    NULL);
	m = mime_parse(b.data, b.len, NULL);
	CHECK_INT(mime_msg_nparts(m), MIME_MAX_PARTS);
	CHECK(mime_msg_truncated(m));
	s = mime_render_msg(m, NULL, NULL);
	CHECK(strstr(s, "more than 10000 parts") != NULL);
	free(s);
	mime_msg_free(&m);
	pt_buf_release(&b);
}

static void
test_mime_parse_too_big(void)
{
	struct pt_error err;
	char *big = pt_xcalloc(MIME_MAX_SIZE + 1, 1);

	pt_error_init(&err);
	CHECK(mime_parse(big, MIME_MAX_SIZE + 1, &err) == NULL);
	CHECK_INT(err.class, PT_E_PROTO);
	CHECK(mime_prescan(big, MIME_MAX_SIZE + 1) & MIME_SCAN_TOO_BIG);
	free(big);
}

static void
test_mime_prescan_boundaries(void)
{
	static const char *const bad[] = {
	    "Content-Type: multipart/mixed; boundary=\"\\\"\"\n\n",
	    "Content-Type: multipart/mixed; boundary=\"\"\n\n",
	    "Content-Type: multipart/mixed; boundary=a\n\n",
	    "content-type : multipart/mixed;\n boundary=a\"b\n\n",
	};
	const char *good = "Content-Type: multipart/mixed; boundary=\"ab\"\n\n"
			   "--ab\n\nx\n--ab--\n";
	size_t i;

	for (i = 0; i < PT_NELEM(bad); i++)
		CHECK_INT(mime_prescan(bad[i], strlen(bad[i])),
		    MIME_SCAN_BAD_BOUNDARY);
	CHECK_INT(mime_prescan(good, strlen(good)), 0);
}

static void
test_mime_parse_bad_boundary_is_safe(void)
{
	/* The message that crashes libetpan 1.9.4. */
	const char *msg = "Content-Type: multipart/mixed; boundary=\"\\\"\"\n\n"
			  "--\"\n\ntext\n--\"--\n";
	char *s = render(msg, 80);

	CHECK_STR(s, "text\n");
	free(s);
}

/* format=flowed and text/enriched. */

static void
test_mime_flowed_unflow_basic(void)
{
	char *s;

	s = unflow("Hello \r\nworld\r\nnext\r\n", 0);
	CHECK_STR(s, "Hello world\nnext\n");
	free(s);
	s = unflow("Hel \r\nlo\r\n", 1);
	CHECK_STR(s, "Hello\n");
	free(s);
}

static void
test_mime_flowed_unflow_quotes(void)
{
	char *s;

	s = unflow("> a \r\n> b\r\n>> c \r\n>> d\r\ne\r\n", 0);
	CHECK_STR(s, "> a b\n>> c d\ne\n");
	free(s);
	s = unflow("> a \r\n>> b\r\n", 0);
	CHECK_STR(s, "> a \n>> b\n");
	free(s);
}

static void
test_mime_flowed_unflow_stuffing_and_sig(void)
{
	char *s = unflow(" From here \r\n--\r\n-- \r\nsig\r\n", 0);

	CHECK_STR(s, "From here --\n-- \nsig\n");
	free(s);
}

static void
test_mime_enriched_to_text(void)
{
	const char *in =
	    "<bold>Hi</bold> <<there>\nsame\n\nnew<param>x</param>";
	struct pt_buf b;

	pt_buf_init(&b, 0);
	CHECK(mime_enriched_to_text(&b, in, strlen(in), 0, NULL) == 0);
	CHECK_STR(b.data, "Hi <there> same\nnew");
	pt_buf_reset(&b);
	CHECK(mime_enriched_to_text(&b, "a<nl>b\nc<lt>", 12, 1, NULL) == 0);
	CHECK_STR(b.data, "a\nb c<");
	pt_buf_release(&b);
}

/* HTML. */

static void
test_mime_html_paragraphs(void)
{
	char *s = html("<html><head><title>T</title><style>p{}</style>"
		       "</head><body><p>Hello\n  <b>world</b></p><p>Two"
		       "<br>lines</p><script>alert(1)</script></body>");

	CHECK_STR(s, "Hello world\n\nTwo\nlines\n");
	free(s);
}

static void
test_mime_html_entities(void)
{
	char *s = html("&amp;&lt;&gt;&quot;&#233;&#x263A;&eacute;&euro;"
		       "&#128;&#0;&#x110000;&bogus;&amp x");

	CHECK_STR(s, "&<>\"\xC3\xA9\xE2\x98\xBA\xC3\xA9\xE2\x82\xAC\xE2\x82"
		     "\xAC" FFFD FFFD "&bogus;& x\n");
	free(s);
}

static void
test_mime_html_control_references_kept_for_sanitizer(void)
{
	char *s = html("a&#27;[2Jb");

	CHECK_STR(s, "a\x1B[2Jb\n");
	free(s);
}

static void
test_mime_html_links(void)
{
	char *s;

	s = html("<a href=\"https://a.example/x\">click</a> and "
		 "<a href='https://b.example/'>https://b.example/</a> "
		 "<a href=\"javascript:alert(1)\">js</a> "
		 "<a href=\"mailto:c@example.org\">c@example.org</a>");
	CHECK_STR(s, "click[1] and https://b.example/ js c@example.org\n"
		     "\n[1] https://a.example/x\n");
	free(s);
}

static void
test_mime_html_lists(void)
{
	char *s;

	s = html("<ul><li>one<li>two<ul><li>deep</ul></ul>"
		 "<ol start=3><li>c</li><li>d</li></ol>");
	CHECK_STR(s, "* one\n* two\n  * deep\n\n3. c\n4. d\n");
	free(s);
}

static void
test_mime_html_quote_pre_hr(void)
{
	char *s;

	s = html("<blockquote>quoted<br>twice</blockquote>after"
		 "<pre>a  b\n c</pre><hr>end");
	CHECK_STR(s, "> quoted\n> twice\n\nafter\n\na  b\n c\n\n"
		     "--------------------\n\nend\n");
	free(s);
}

static void
test_mime_html_broken_markup(void)
{
	char *s;

	s = html("a < b <3 <title>never closed <b>x</b>");
	CHECK_STR(s, "a < b <3 never closed x\n");
	free(s);
	s = html("<!-- unterminated comment");
	CHECK_STR(s, "");
	free(s);
	s = html("<img alt=\"logo\" src=x><img src=pixel.gif>text");
	CHECK_STR(s, "[logo]text\n");
	free(s);
}

static void
test_mime_html_end_tag_at_end(void)
{
	char *s;

	/* Found by fuzz_mime_html: "</style" as the last bytes. */
	s = html("<style>y</style");
	CHECK_STR(s, "y\n");
	free(s);
}

static void
test_mime_html_deep_nesting(void)
{
	struct pt_buf in, out;
	int i;

	pt_buf_init(&in, 0);
	for (i = 0; i < 5000; i++)
		(void)pt_buf_addstr(&in, "<div><ul><blockquote>", NULL);
	(void)pt_buf_addstr(&in, "deep", NULL);
	pt_buf_init(&out, 0);
	CHECK(mime_html_to_text(&out, in.data, in.len, 80, NULL) == 0);
	CHECK(strstr(out.data, "deep") != NULL);
	CHECK(out.len < 200);
	pt_buf_release(&in);
	pt_buf_release(&out);
}

/* Wrapping. */

static void
test_mime_wrap_words(void)
{
	char *s;

	s = wrap("aaa bbb ccc", 7, NULL);
	CHECK_STR(s, "aaa bbb\nccc\n");
	free(s);
	s = wrap("aaa   bbb  ", 5, NULL);
	CHECK_STR(s, "aaa\nbbb\n");
	free(s);
	s = wrap("short\n\nlines", 80, NULL);
	CHECK_STR(s, "short\n\nlines\n");
	free(s);
}

static void
test_mime_wrap_long_word(void)
{
	char *s = wrap("abcdefghij k", 4, NULL);

	CHECK_STR(s, "abcd\nefgh\nij k\n");
	free(s);
}

static void
test_mime_wrap_cjk(void)
{
	char *s;

	/* Six wide characters, two columns each. */
	s = wrap("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE6\x97\xA5\xE6\x9C"
		 "\xAC\xE8\xAA\x9E",
	    7, NULL);
	CHECK_STR(s, "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\n\xE6\x97\xA5\xE6"
		     "\x9C\xAC\xE8\xAA\x9E\n");
	free(s);
	s = wrap("ab \xE6\x97\xA5\xE6\x9C\xAC", 5, NULL);
	CHECK_STR(s, "ab \xE6\x97\xA5\n\xE6\x9C\xAC\n");
	free(s);
}

/*
 * UAX #14 for Chinese, Japanese and Korean, at 20, 40 and 80 columns:
 * breaks between ideographs and kana, none before closing punctuation,
 * small kana or the prolonged sound mark, none after opening
 * punctuation; Latin words whole; Korean breaks at spaces.
 */
static const char mime_ja[] =
    "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。"
    "何でも薄暗いじめじめした所で「ニャーニャー」泣いていた事だけは記憶"
    "している。（UAX #14）はUnicodeの規則です。";
static const char mime_zh[] =
    "我们在北京召开了会议，讨论了关于Unicode标准（第十五版）的问题。"
    "大家都认为：这个问题很重要！";
static const char mime_ko[] = "대한민국은 민주공화국이다. 대한민국의 "
			      "주권은 국민에게 있고, 모든 권력은 "
			      "국민으로부터 나온다.";

static void
test_mime_wrap_cjk_20(void)
{
	char *s;

	s = wrap(mime_ja, 20, NULL);
	CHECK_STR(s, "吾輩は猫である。名前\n"
		     "はまだ無い。どこで生\n"
		     "れたかとんと見当がつ\n"
		     "かぬ。何でも薄暗いじ\n"
		     "めじめした所で\n" /* not after 「, not before ャ */
		     "「ニャーニャー」泣い\n"
		     "ていた事だけは記憶し\n"
		     "ている。（UAX #14）\n"
		     "はUnicodeの規則で\n" /* not before 。 */
		     "す。\n");
	free(s);
	s = wrap(mime_zh, 20, NULL);
	CHECK_STR(s, "我们在北京召开了会\n" /* not before ， */
		     "议，讨论了关于\n"
		     "Unicode标准（第十五\n"
		     "版）的问题。大家都认\n"
		     "为：这个问题很重要！\n");
	free(s);
	s = wrap(mime_ko, 20, NULL);
	CHECK_STR(s, "대한민국은\n"
		     "민주공화국이다.\n"
		     "대한민국의 주권은\n"
		     "국민에게 있고, 모든\n"
		     "권력은 국민으로부터\n"
		     "나온다.\n");
	free(s);
}

static void
test_mime_wrap_cjk_40_80(void)
{
	char *s;

	s = wrap(mime_ja, 40, NULL);
	CHECK_STR(s, "吾輩は猫である。名前はまだ無い。どこで生\n"
		     "れたかとんと見当がつかぬ。何でも薄暗いじ\n"
		     "めじめした所で「ニャーニャー」泣いていた\n"
		     "事だけは記憶している。（UAX #14）は\n"
		     "Unicodeの規則です。\n");
	free(s);
	s = wrap(mime_zh, 40, NULL);
	CHECK_STR(s, "我们在北京召开了会议，讨论了关于Unicode\n"
		     "标准（第十五版）的问题。大家都认为：这个\n"
		     "问题很重要！\n");
	free(s);
	s = wrap(mime_ko, 40, NULL);
	CHECK_STR(s, "대한민국은 민주공화국이다. 대한민국의\n"
		     "주권은 국민에게 있고, 모든 권력은\n"
		     "국민으로부터 나온다.\n");
	free(s);
	s = wrap(mime_ja, 80, NULL);
	CHECK_STR(s, "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見"
		     "当がつかぬ。何でも薄暗いじ\n"
		     "めじめした所で「ニャーニャー」泣いていた事だけは記憶して"
		     "いる。（UAX #14）は\n"
		     "Unicodeの規則です。\n");
	free(s);
	s = wrap(mime_zh, 80, NULL);
	CHECK_STR(s, "我们在北京召开了会议，讨论了关于Unicode标准（第十五版）"
		     "的问题。大家都认为：这个\n"
		     "问题很重要！\n");
	free(s);
	s = wrap(mime_ko, 80, NULL);
	CHECK_STR(s, "대한민국은 민주공화국이다. 대한민국의 주권은 국민에게 "
		     "있고, 모든 권력은\n"
		     "국민으로부터 나온다.\n");
	free(s);
}

/* Kinsoku with ASCII punctuation, and rows never wider than the width. */
static void
test_mime_wrap_kinsoku(void)
{
	static const char *const texts[] = {mime_ja, mime_zh, mime_ko,
	    "日本語(テスト)です、ええ。",
	    "「「「「「「「「「「」」」」」」」」」」", "ーーーーーーーーーー",
	    "abc日本def語。。。。"};
	unsigned w;
	size_t i;
	char *s;

	s = wrap("日本語です。", 10, NULL);
	CHECK_STR(s, "日本語で\nす。\n"); /* not before 。 */
	free(s);
	s = wrap("これは(test)です", 10, NULL);
	CHECK_STR(s, "これは\n(test)です\n");
	free(s);
	s = wrap("ひらがな、カタカナ", 9, NULL);
	CHECK_STR(s, "ひらが\nな、カタ\nカナ\n");
	free(s);
	/* Fullwidth digits are one number. */
	s = wrap("西暦２０２４年です", 10, NULL);
	CHECK_STR(s, "西暦\n２０２４年\nです\n");
	free(s);
	/* Nothing may break: a forced break by width. */
	s = wrap("「「「「「", 6, NULL);
	CHECK_STR(s, "「「「\n「「\n");
	free(s);
	for (i = 0; i < PT_NELEM(texts); i++)
		for (w = 2; w <= 41; w++) {
			const char *p, *nl;

			s = wrap(texts[i], w, NULL);
			for (p = s; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
				CHECK(pt_utf8_width(p, (size_t)(nl - p)) <= w);
			free(s);
		}
}

static void
test_mime_wrap_prefixes(void)
{
	char *s;

	s = wrap("> aaa bbb ccc", 9, NULL);
	CHECK_STR(s, "> aaa bbb\n> ccc\n");
	free(s);
	s = wrap("* aaa bbb", 7, NULL);
	CHECK_STR(s, "* aaa\n  bbb\n");
	free(s);
	s = wrap("12. aaa bbb", 8, NULL);
	CHECK_STR(s, "12. aaa\n    bbb\n");
	free(s);
	s = wrap("Subject: aaa bbb", 12, "    ");
	CHECK_STR(s, "Subject: aaa\n    bbb\n");
	free(s);
	s = wrap(">>>>>>>>>> x y", 20, NULL);
	CHECK_STR(s, ">>>>>>>>>> x y\n");
	free(s);
	/* Indentation wider than half the line may break. */
	s = wrap("            abc def", 10, NULL);
	CHECK_STR(s, "\nabc def\n");
	free(s);
}

/* Rendering. */

static void
test_mime_render_simple(void)
{
	const char *msg = "Subject: =?UTF-8?Q?Caf=C3=A9?=\r\n"
			  "From: Ann <ann@example.org>\r\n"
			  "To: bob@example.org\r\n"
			  "Date: Mon, 01 Jan 2024 10:00:00 +0000\r\n"
			  "X-Other: not shown\r\n"
			  "\r\n"
			  "Hello.\r\n\r\n\r\n";
	char *s = render(msg, 80);

	CHECK_STR(s, "From: Ann <ann@example.org>\n"
		     "To: bob@example.org\n"
		     "Date: Mon, 01 Jan 2024 10:00:00 +0000\n"
		     "Subject: Caf\xC3\xA9\n"
		     "\n"
		     "Hello.\n");
	free(s);
}

static void
test_mime_render_lookalike_sender(void)
{
	static const char *const bad[] = {
	    "From: PayPal <service@p\xD0\xB0ypal.com>\n\nx\n",
	    "From: \xD0\x90\xD1\x80\xD1\x80le <a@example.org>\n\nx\n",
	    "From: support\uFF20apple.com\n\nx\n",
	    "From: s@xn--80ak6aa92e.com\n\nx\n",
	    "From: =?UTF-8?B?0YDQsNGD0YDQsNOP?= <s@example.org>\n\nx\n",
	};
	static const char *const good[] = {
	    "From: =?UTF-8?Q?Jos=C3=A9?= <jose@example.org>\n\nx\n",
	    "From: \xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD <ivan@example.ru>\n\nx\n",
	    "From: \xE5\xB1\xB1\xE7\x94\xB0 Taro <t@example.jp>\n\nx\n",
	    "From: Hans <h@xn--mnchen-3ya.de>\n\nx\n",
	};
	size_t i;
	char *s;

	for (i = 0; i < PT_NELEM(bad); i++) {
		s = render(bad[i], 80);
		CHECK(strstr(s, "\n[-- the sender") != NULL);
		free(s);
	}
	for (i = 0; i < PT_NELEM(good); i++) {
		s = render(good[i], 80);
		CHECK(strstr(s, "[-- the sender") == NULL);
		free(s);
	}
	s = render(bad[4], 80);
	CHECK_STR(s, "From: раураӏ <s@example.org>\n"
		     "[-- the sender's name or address looks like paypal "
		     "written in Cyrillic letters:\n"
		     "    check who it really is --]\n"
		     "\n"
		     "x\n");
	free(s);
}

#define LOOK_NOTE(what, script)                                                \
	"the sender's name or address looks like " what " written in " script  \
	" letters: check who it really is"
#define LOOK_MIXED                                                             \
	"the sender mixes alphabets or uses look-alike characters: check "     \
	"who it really is"

/* UTS #39 whole-script confusables, and mixed scripts. */
static void
test_mime_lookalike(void)
{
	static const struct {
		const char *from, *note; /* NULL: not flagged */
	} t[] = {
	    /* Whole-script confusables, named. */
	    {"Apple <id@аррӏе.com>", LOOK_NOTE("apple.com", "Cyrillic")},
	    {"s@xn--80ak6aa92e.com", LOOK_NOTE("apple.com", "Cyrillic")},
	    {"s@XN--80AK6AA92E.com", LOOK_NOTE("apple.com", "Cyrillic")},
	    {"x@mail.xn--80ak6aa92e.xn--p1ai",
		LOOK_NOTE("mail.apple.рф", "Cyrillic")},
	    {"раураӏ <service@example.org>", LOOK_NOTE("paypal", "Cyrillic")},
	    {"PayPal <service@раураӏ.com>",
		LOOK_NOTE("paypal.com", "Cyrillic")},
	    {"ΝΙΚΕ <n@example.com>", LOOK_NOTE("nike", "Greek")},
	    {"Service <a@οκ.example>", NULL}, /* κ: no Latin look-alike */
	    {"հօօց <a@example.am>", LOOK_NOTE("hoog", "Armenian")},
	    {"ᏣᎳᎩ <a@example.org>", NULL}, /* Tsalagi: Ꮳ has none */
	    {"ᏚᎢᎪᎡ <a@example.org>", LOOK_NOTE("star", "Cherokee")},
	    {"ｐａｙｐａｌ <x@example.com>", LOOK_NOTE("paypal", "fullwidth")},
	    /* Mixed scripts, fullwidth @, broken punycode. */
	    {"PayPal <service@pаypal.com>", LOOK_MIXED},
	    {"PayPal <service@ехаmрlе.com>", LOOK_MIXED},
	    {"support\uFF20apple.com", LOOK_MIXED},
	    {"ｐaypal <x@example.com>", LOOK_MIXED},
	    {"x@xn--zz.com", LOOK_MIXED},
	    {"x@xn--a.com", LOOK_MIXED},
	    {"x@xn--80ak6aa92e-.com", LOOK_MIXED},
	    /* Real names and domains: letters with no Latin look-alike. */
	    {"Иван Петров <ivan@example.ru>", NULL},
	    {"Ольга Смирнова <olga@почта.рф>", NULL},
	    {"Егор Соколов <egor@example.ru>", NULL},
	    {"Анна <anna@xn--80a1acny.xn--p1ai>", NULL},
	    {"Νίκος Παπαδόπουλος <nikos@example.gr>", NULL},
	    {"Γιώργος <g@example.gr>", NULL},
	    {"Արամ Խաչատրյան <aram@example.am>", NULL},
	    {"ＮＴＴドコモ <info@example.jp>", NULL},
	    {"山田 Taro <t@example.jp>", NULL},
	    {"Hans <h@xn--mnchen-3ya.de>", NULL},
	    {"Mr. O <o@example.org>", NULL},
	    {"", NULL},
	};
	size_t i;
	char *s;

	for (i = 0; i < PT_NELEM(t); i++) {
		s = mime_lookalike(t[i].from);
		if (t[i].note == NULL)
			CHECK(s == NULL);
		else
			CHECK_STR(s != NULL ? s : "(none)", t[i].note);
		free(s);
	}
}

/* format=flowed Japanese (DelSp) is joined, then wrapped by UAX #14. */
static void
test_mime_render_flowed_cjk(void)
{
	const char *msg = "From: a@example.jp\n"
			  "Content-Type: text/plain; charset=utf-8; "
			  "format=flowed; delsp=yes\n\n"
			  "吾輩は猫である。名前はまだ無 \n"
			  "い。どこで生れたかとんと見当 \n"
			  "がつかぬ。\n";
	char *s = render(msg, 20);

	CHECK_STR(s, "From: a@example.jp\n"
		     "\n"
		     "吾輩は猫である。名前\n"
		     "はまだ無い。どこで生\n"
		     "れたかとんと見当がつ\n"
		     "かぬ。\n");
	free(s);
}

static void
test_mime_render_no_headers(void)
{
	const char *msg = "From: a@example.org\nSubject: s\n\n"
			  "Body.\n";
	struct mime_render_opts o = {.no_headers = 1};
	struct mime_msg *m = mime_parse(msg, strlen(msg), NULL);
	char *s = mime_render_msg(m, &o, NULL);

	CHECK_STR(s, "Body.\n");
	free(s);
	mime_msg_free(&m);
}

static void
test_mime_render_sanitizes_everything(void)
{
	const char *msg = "Subject: =?UTF-8?Q?a=1B[2Jb=0Ac?=\n"
			  "From: \"x\x1b]52;c;AA==\x07\" <x@example.org>\n"
			  "Content-Type: text/plain; charset=utf-8\n"
			  "Content-Transfer-Encoding: quoted-printable\n"
			  "\n"
			  "=1B[31mred=C2=9B\tok=E2=80=AE\n";
	char *s = render(msg, 80);

	CHECK_STR(s, "From: \"x\xE2\x90\x9B]52;c;AA==\xE2\x90\x87\" "
		     "<x@example.org>\n"
		     "Subject: a\xE2\x90\x9B[2Jb\xE2\x90\xA4"
		     "c\n"
		     "\n"
		     "\xE2\x90\x9B[31mred<U+009B>        ok<U+202E>\n");
	free(s);
}

static void
test_mime_render_alternative(void)
{
	const char *msg =
	    "Content-Type: multipart/alternative; boundary=a\n\n"
	    "--a\nContent-Type: text/plain\n\nplain text\n"
	    "--a\nContent-Type: text/html\n\n<p>html <i>text</i>\n"
	    "--a--\n";
	const char *empty =
	    "Content-Type: multipart/alternative; boundary=a\n\n"
	    "--a\nContent-Type: text/plain\n\n \n"
	    "--a\nContent-Type: text/html\n\n<p>html</p>\n"
	    "--a--\n";
	char *s;

	s = render(msg, 80);
	CHECK_STR(s, "plain text\n");
	free(s);
	s = render_opts(msg, 80, 1);
	CHECK_STR(s, "html text\n");
	free(s);
	s = render(empty, 80);
	CHECK_STR(s, "html\n");
	free(s);
}

static void
test_mime_render_attachments(void)
{
	const char *msg =
	    "Content-Type: multipart/mixed; boundary=m\n\n"
	    "--m\nContent-Type: text/plain\n\nSee attached.\n"
	    "--m\nContent-Type: application/pdf\n"
	    "Content-Disposition: attachment; filename*=UTF-8''r%C3%A9sum"
	    "%C3%A9.pdf\n"
	    "Content-Transfer-Encoding: base64\n\nSGVsbG8=\n"
	    "--m\nContent-Type: text/plain; name=notes.txt\n\nInline notes.\n"
	    "--m\nContent-Type: image/png\n\n\n"
	    "--m--\n";
	char *s = render(msg, 80);

	CHECK_STR(s, "See attached.\n"
		     "\n"
		     "[-- Attachment #1: r\xC3\xA9sum\xC3\xA9.pdf "
		     "(application/pdf, 5 bytes) --]\n"
		     "\n"
		     "[-- Attachment #2: notes.txt (text/plain, 13 bytes) --]\n"
		     "Inline notes.\n"
		     "\n"
		     "[-- Attachment #3 (image/png, 0 bytes) --]\n");
	free(s);
}

static void
test_mime_render_attachment_name_one_line(void)
{
	const char *msg =
	    "Content-Type: multipart/mixed; boundary=m\n\n"
	    "--m\n\nbody\n"
	    "--m\nContent-Type: application/octet-stream;\n"
	    " name*=UTF-8''a%0A%5B--%20Attachment%20%231%1B.txt\n\nx\n"
	    "--m--\n";
	char *s = render(msg, 200);

	CHECK_STR(s, "body\n\n[-- Attachment #1: a\xE2\x90\xA4[-- Attachment "
		     "#1\xE2\x90\x9B.txt (application/octet-stream, 1 byte) "
		     "--]\n");
	free(s);
}

static void
test_mime_render_forwarded(void)
{
	const char *msg = "From: a@example.org\nSubject: fwd\n"
			  "Content-Type: multipart/mixed; boundary=f\n\n"
			  "--f\n\nSee below.\n"
			  "--f\nContent-Type: message/rfc822\n\n"
			  "From: b@example.org\nSubject: inner\n\nInner body.\n"
			  "--f--\n";
	char *s = render(msg, 80);

	CHECK_STR(s, "From: a@example.org\n"
		     "Subject: fwd\n"
		     "\n"
		     "See below.\n"
		     "\n"
		     "[-- Attachment #1 (message/rfc822, 47 bytes) --]\n"
		     "\n"
		     "From: b@example.org\n"
		     "Subject: inner\n"
		     "\n"
		     "Inner body.\n"
		     "\n"
		     "[-- end of attachment #1 --]\n");
	free(s);
}

static void
test_mime_render_signed_encrypted(void)
{
	const char *sig =
	    "Content-Type: multipart/signed; boundary=s;\n"
	    " protocol=\"application/pgp-signature\"; micalg=pgp-sha256\n\n"
	    "--s\nContent-Type: text/plain\n\nSigned text.\n"
	    "--s\nContent-Type: application/pgp-signature\n\n-----BEGIN\n"
	    "--s--\n";
	const char *enc =
	    "Content-Type: multipart/encrypted; boundary=e;\n"
	    " protocol=\"application/pgp-encrypted\"\n\n"
	    "--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n"
	    "--e\nContent-Type: application/octet-stream\n\n-----BEGIN PGP\n"
	    "--e--\n";
	char *s;

	s = render(sig, 80);
	CHECK_STR(s, "[-- signed part (PGP/MIME): the signature was not "
		     "verified --]\n"
		     "\n"
		     "Signed text.\n"
		     "\n"
		     "[-- end of signed part --]\n");
	free(s);
	s = render(enc, 80);
	CHECK_STR(s, "[-- encrypted part (PGP/MIME): petrel cannot decrypt "
		     "it yet --]\n");
	free(s);
}

static void
test_mime_render_flowed(void)
{
	const char *msg = "Content-Type: text/plain; format=flowed; delsp=yes\n"
			  "\n"
			  "This is a long para \n"
			  "graph that flows.\n"
			  "> quoted text that is  \n"
			  "> long enough\n";
	char *s = render(msg, 20);

	CHECK_STR(s, "This is a long\n"
		     "paragraph that\n"
		     "flows.\n"
		     "> quoted text that\n"
		     "> is long enough\n");
	free(s);
}

static void
test_mime_render_charset_notes(void)
{
	const char *msg = "Content-Type: text/plain; charset=x-martian\n\n"
			  "caf\xE9\n";
	char *s = render(msg, 80);

	CHECK_STR(s, "[-- unknown charset 'x-martian': shown as UTF-8 or "
		     "windows-1252 --]\n"
		     "caf\xC3\xA9\n");
	free(s);
}

static void
test_mime_render_html_only(void)
{
	const char *msg = "Content-Type: text/html\n\n"
			  "<html><head><meta charset=\"iso-8859-1\"></head>"
			  "<body><p>caf\xE9 <a href=\"https://x.example/\">"
			  "site</a></p></body></html>\n";
	char *s = render(msg, 80);

	CHECK_STR(s, "caf\xC3\xA9 site[1]\n\n[1] https://x.example/\n");
	free(s);
}

/* A fake mailcap viewer: upper case, with an escape sequence. */
struct fake_filter {
	int calls;
	int fail;    /* 1: fails with an error; 2: declines (no viewer) */
	char *input; /* what it was given */
};

static char *
fake_filter(void *arg, const char *html, size_t len, size_t *outlen,
    struct pt_error *err)
{
	struct fake_filter *f = arg;
	struct pt_buf b;
	size_t i;

	f->calls++;
	free(f->input);
	f->input = pt_xstrndup(html, len);
	if (f->fail == 1) {
		pt_error_set(err, PT_E_INTERNAL, 1,
		    "'viewer' exited with "
		    "status 1");
		return NULL;
	}
	if (f->fail == 2)
		return NULL;
	pt_buf_init(&b, 0);
	(void)pt_buf_addstr(&b, "\x1B[31mVIEWER:", NULL);
	for (i = 0; i < len; i++)
		(void)pt_buf_addch(&b,
		    html[i] >= 'a' && html[i] <= 'z' ? html[i] - 32 : html[i],
		    NULL);
	return pt_buf_detach(&b, outlen);
}

static void
test_mime_render_html_filter(void)
{
	const char *msg = "Content-Type: multipart/mixed; boundary=b\n\n"
			  "--b\nContent-Type: text/html; charset=iso-8859-1\n\n"
			  "<p>caf\xE9</p>\r\n<p>x</p>\r\n"
			  "--b\nContent-Type: text/plain\n\n"
			  "plain stays\n--b--\n";
	struct fake_filter f;
	struct mime_render_opts o;
	size_t len;
	char *s;

	memset(&f, 0, sizeof f);
	memset(&o, 0, sizeof o);
	o.width = 200;
	o.html_filter = fake_filter;
	o.html_filter_arg = &f;

	/* Used: given UTF-8 with LF ends; its output sanitized. */
	s = mime_render(msg, strlen(msg), &o, &len, NULL);
	CHECK(f.calls == 1);
	CHECK_STR(f.input, "<p>caf\xC3\xA9</p>\n<p>x</p>");
	CHECK(strstr(s, "VIEWER:<P>CAF\xC3\xA9</P>") != NULL);
	CHECK(strstr(s, "plain stays") != NULL);
	CHECK(memchr(s, 0x1B, len) == NULL);
	CHECK(!has_controls(s, len));
	free(s);

	/* Failing: the built-in converter, with a note. */
	f.fail = 1;
	s = mime_render(msg, strlen(msg), &o, &len, NULL);
	CHECK(f.calls == 2);
	CHECK(strstr(s, "[-- the HTML viewer failed ('viewer' exited with "
			"status 1): shown by the built-in converter --]\n"
			"caf\xC3\xA9\n") != NULL);
	CHECK(strstr(s, "VIEWER") == NULL);
	free(s);

	/* Declining (no viewer): the built-in converter, no note. */
	f.fail = 2;
	s = mime_render(msg, strlen(msg), &o, &len, NULL);
	CHECK(f.calls == 3);
	CHECK(strstr(s, "HTML viewer") == NULL);
	CHECK(strncmp(s, "caf\xC3\xA9\n", 5) == 0);
	free(s);
	free(f.input);
}

static void
test_mime_render_no_boundary(void)
{
	const char *msg = "Content-Type: multipart/mixed\n\n"
			  "--x\n\nlooks like a part\n--x--\n";
	char *s = render(msg, 80);

	CHECK_STR(s, "[-- multipart/mixed without parts: shown as text --]\n"
		     "--x\n\nlooks like a part\n--x--\n");
	free(s);
}

static void
test_mime_render_too_big_is_raw(void)
{
	struct pt_error warn;
	char *big = pt_xmalloc(MIME_MAX_SIZE + 10), *s;
	size_t len;

	memset(big, 'a', MIME_MAX_SIZE + 10);
	memcpy(big, "Subject: x\n\n\x1b", 13);
	pt_error_init(&warn);
	s = mime_render(big, MIME_MAX_SIZE + 10, NULL, &len, &warn);
	CHECK_INT(warn.class, PT_E_PROTO);
	CHECK(strncmp(s, "[-- this message cannot be shown (message too large",
		  51) == 0);
	CHECK(strstr(s, "\n\nSubject: x\n\n\xE2\x90\x9B"
			"aaa") != NULL);
	CHECK(strstr(s, "more bytes not shown --]\n") != NULL);
	CHECK(!has_controls(s, len));
	free(s);
	free(big);
}

static void
test_mime_render_width_clamped(void)
{
	char *s = render("Subject: a b c d e f g h i j k l m n o p q r s t u v "
			 "w x y z\n\n",
	    5);

	CHECK_STR(s, "Subject: a b c d e f\n"
		     "    g h i j k l m n\n"
		     "    o p q r s t u v\n"
		     "    w x y z\n");
	free(s);
}

/*
 * The skeleton tests: a message made of pieces, so that the whole
 * message and the parts IMAP would give (HEADER, section.MIME, bodies)
 * are the same bytes.
 */
static const char skel_h0[] =
    "From: Ann <ann@example.org>\r\n"
    "To: bob@example.org\r\n"
    "Date: Tue, 07 Jan 2025 13:05:09 +0100\r\n"
    "Subject: skeleton\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n";
static const char skel_m1[] =
    "Content-Type: multipart/alternative; boundary=alt\r\n";
static const char skel_m11[] =
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n";
static const char skel_b11[] = "Hello, the report is attached. Caf=C3=A9.\r\n";
static const char skel_m12[] = "Content-Type: text/html; charset=utf-8\r\n";
static const char skel_b12[] =
    "<p>Hello, the <b>report</b> is attached.</p>\r\n";
static const char skel_m2[] =
    "Content-Type: application/pdf; name=\"report.pdf\"\r\n"
    "Content-Disposition: attachment;\r\n filename*=utf-8''r%C3%A9port.pdf\r\n"
    "Content-Transfer-Encoding: base64\r\n";
static const char skel_m3[] = "Content-Type: message/rfc822\r\n";
static const char skel_h3[] =
    "From: Carl <carl@example.org>\r\n"
    "Subject: the old one\r\n"
    "Content-Type: multipart/mixed; boundary=inner\r\n";
static const char skel_m31[] = "Content-Type: text/plain\r\n";
static const char skel_b31[] = "Inner text.\r\n";
static const char skel_m32[] =
    "Content-Type: image/png\r\n"
    "Content-Disposition: attachment; "
    "filename=\"a\x1b[31mred\xe2\x80\xaegnp.exe\"\r\n"
    "Content-Transfer-Encoding: base64\r\n";

/* base64 of n bytes (n a multiple of 3), in lines of 76 with CRLF. */
static char *
skel_b64(size_t n)
{
	char *raw = malloc(n);
	struct pt_buf b;
	size_t i;

	for (i = 0; i < n; i++)
		raw[i] = (char)(i * 7 + 3);
	pt_buf_init(&b, 0);
	CHECK(mime_encode_base64(&b, raw, n, NULL) == 0);
	free(raw);
	return pt_buf_detach(&b, NULL);
}

struct skel_msg {
	char *full, *b2, *b32, *inner;
	size_t fulllen;
	struct mime_skel_part v[9];
};

static void
skel_set(struct mime_skel_part *p, const char *sec, const char *type,
    const char *enc, int depth, const char *h, const char *body)
{
	p->section = sec;
	p->type = type;
	p->encoding = enc;
	p->depth = depth;
	p->header = h;
	p->headerlen = strlen(h);
	p->body = body;
	p->bodylen = body != NULL ? strlen(body) : 0;
	p->size = p->bodylen;
}

static void
skel_make(struct skel_msg *k)
{
	struct pt_buf b, in;

	k->b2 = skel_b64(3000);
	k->b32 = skel_b64(1500);
	pt_buf_init(&in, 0);
	pt_buf_printf(&in, NULL,
	    "%s\r\n--inner\r\n%s\r\n%s\r\n--inner\r\n%s\r\n%s\r\n--inner--\r\n",
	    skel_h3, skel_m31, skel_b31, skel_m32, k->b32);
	k->inner = pt_buf_detach(&in, NULL);
	pt_buf_init(&b, 0);
	pt_buf_printf(&b, NULL,
	    "%s\r\n--outer\r\n%s\r\n--alt\r\n%s\r\n%s\r\n--alt\r\n%s\r\n%s"
	    "\r\n--alt--\r\n\r\n--outer\r\n%s\r\n%s\r\n--outer\r\n%s\r\n%s"
	    "\r\n--outer--\r\n",
	    skel_h0, skel_m1, skel_m11, skel_b11, skel_m12, skel_b12, skel_m2,
	    k->b2, skel_m3, k->inner);
	k->full = pt_buf_detach(&b, &k->fulllen);
	memset(k->v, 0, sizeof k->v);
	skel_set(&k->v[0], "", "multipart/mixed", "7bit", 0, skel_h0, NULL);
	skel_set(&k->v[1], "1", "multipart/alternative", "7bit", 1, skel_m1,
	    NULL);
	skel_set(&k->v[2], "1.1", "text/plain", "quoted-printable", 2, skel_m11,
	    skel_b11);
	skel_set(&k->v[3], "1.2", "text/html", "7bit", 2, skel_m12, skel_b12);
	skel_set(&k->v[4], "2", "application/pdf", "base64", 1, skel_m2, k->b2);
	skel_set(&k->v[5], "3", "message/rfc822", "7bit", 1, skel_m3, k->inner);
	skel_set(&k->v[6], "3", "multipart/mixed", "7bit", 2, skel_h3, NULL);
	skel_set(&k->v[7], "3.1", "text/plain", "7bit", 3, skel_m31, skel_b31);
	skel_set(&k->v[8], "3.2", "image/png", "base64", 3, skel_m32, k->b32);
	/* The message part's own body is rebuilt from its parts. */
	k->v[5].body = NULL;
}

static void
skel_free(struct skel_msg *k)
{
	free(k->full);
	free(k->b2);
	free(k->b32);
	free(k->inner);
}

static char *
skel_render(const struct skel_msg *k, struct mime_missing *ms)
{
	struct mime_render_opts o;
	struct pt_error err;
	struct mime_msg *m;
	char *s;

	memset(&o, 0, sizeof o);
	o.width = 80;
	o.missing = ms;
	pt_error_init(&err);
	m = mime_skeleton_parse(k->v, PT_NELEM(k->v), &err);
	CHECK(m != NULL);
	if (m == NULL)
		return pt_xstrdup(err.msg);
	s = mime_render_msg(m, &o, NULL);
	mime_msg_free(&m);
	return s;
}

static void
test_mime_skeleton_all_fetched(void)
{
	struct skel_msg k;
	struct mime_missing ms = {NULL, 0};
	char *full, *sk;

	skel_make(&k);
	full = render(k.full, 80);
	sk = skel_render(&k, &ms);
	CHECK_STR(sk, full);
	CHECK(ms.n == 0);
	CHECK(strstr(full, "r\xC3\xA9port.pdf (application/pdf, 2.9 KiB)") !=
	      NULL);
	CHECK(strstr(full, "Caf\xC3\xA9") != NULL);
	free(full);
	free(sk);
	skel_free(&k);
}

static void
test_mime_skeleton_attachments_absent(void)
{
	struct skel_msg k;
	struct mime_missing ms = {NULL, 0};
	char *full, *sk;

	skel_make(&k);
	full = render(k.full, 80);
	k.v[4].size = strlen(k.v[4].body);
	k.v[4].body = NULL;
	k.v[8].size = strlen(k.v[8].body);
	k.v[8].body = NULL;
	sk = skel_render(&k, &ms);
	/* Byte for byte the whole message's rendering. */
	CHECK_STR(sk, full);
	CHECK(ms.n == 0);
	free(full);
	free(sk);
	{
		struct mime_msg *m = mime_skeleton_parse(k.v, 9, NULL);
		const struct mime_part *alt, *pdf, *msg;
		size_t size = 0;

		CHECK(m != NULL);
		if (m != NULL) {
			alt = mime_part_child(mime_msg_root(m));
			pdf = mime_part_next(alt);
			msg = mime_part_next(pdf);
			CHECK(!mime_part_absent(mime_part_child(alt), NULL));
			CHECK(mime_part_absent(pdf, &size));
			CHECK_INT(size, 3000);
			/* A rebuilt message part is not the server's bytes. */
			CHECK(mime_part_absent(msg, &size));
			CHECK_INT(size, strlen(k.inner));
			mime_msg_free(&m);
		}
	}
	skel_free(&k);
}

static void
test_mime_skeleton_asks_for_text(void)
{
	struct skel_msg k;
	struct mime_missing ms = {NULL, 0};
	char *sk;

	skel_make(&k);
	k.v[2].size = strlen(k.v[2].body);
	k.v[2].body = NULL;
	k.v[7].size = strlen(k.v[7].body);
	k.v[7].body = NULL;
	k.v[4].body = NULL;
	sk = skel_render(&k, &ms);
	CHECK_INT(ms.n, 2);
	if (ms.n == 2) {
		CHECK_STR(ms.v[0], "1.1");
		CHECK_STR(ms.v[1], "3.1");
	}
	CHECK(strstr(sk, "Caf") == NULL);
	mime_missing_release(&ms);
	free(sk);
	skel_free(&k);
}

static void
test_mime_skeleton_hostile(void)
{
	struct skel_msg k;
	struct pt_error err;
	struct mime_msg *m;
	struct mime_skel_part many[MIME_SKEL_MAX_PARTS + 1];
	size_t i;
	char *sk;

	skel_make(&k);
	/* A depth that skips a level. */
	k.v[3].depth = 3;
	pt_error_init(&err);
	CHECK(mime_skeleton_parse(k.v, PT_NELEM(k.v), &err) == NULL);
	CHECK_INT(err.class, PT_E_PROTO);
	k.v[3].depth = 2;
	/* A multipart whose header says something else. */
	k.v[1].header = skel_m31;
	k.v[1].headerlen = strlen(skel_m31);
	pt_error_init(&err);
	CHECK(mime_skeleton_parse(k.v, PT_NELEM(k.v), &err) == NULL);
	k.v[1].header = skel_m1;
	k.v[1].headerlen = strlen(skel_m1);
	/* A header with an empty line in it. */
	k.v[7].header = "Content-Type: text/plain\r\n\r\n--outer--\r\n";
	k.v[7].headerlen = strlen(k.v[7].header);
	pt_error_init(&err);
	CHECK(mime_skeleton_parse(k.v, PT_NELEM(k.v), &err) == NULL);
	k.v[7].header = skel_m31;
	k.v[7].headerlen = strlen(skel_m31);
	/* Absurd sizes and a name with escapes and bidi controls. */
	k.v[8].body = NULL;
	k.v[8].size = (size_t)-1;
	sk = skel_render(&k, NULL);
	CHECK(!has_controls(sk, strlen(sk)));
	CHECK(strstr(sk, "\xe2\x80\xae") == NULL);
	free(sk);
	/* Too many parts. */
	for (i = 0; i < PT_NELEM(many); i++) {
		many[i] = k.v[7];
		many[i].depth = i == 0 ? 0 : 1;
	}
	many[0] = k.v[0];
	pt_error_init(&err);
	CHECK(mime_skeleton_parse(many, PT_NELEM(many), &err) == NULL);
	CHECK(mime_skeleton_parse(many, 0, &err) == NULL);
	/* A wrong part count against the parsed tree. */
	k.v[0].depth = 1;
	CHECK(mime_skeleton_parse(k.v, PT_NELEM(k.v), &err) == NULL);
	k.v[0].depth = 0;
	m = mime_skeleton_parse(k.v, PT_NELEM(k.v), &err);
	CHECK(m != NULL);
	mime_msg_free(&m);
	skel_free(&k);
}

static void
test_mime_part_section_numbers(void)
{
	static const char *const want[] = {"", "1", "1.1", "1.2", "2", "3", "3",
	    "3.1", "3.2"};
	struct skel_msg k;
	const struct mime_part *p[9];
	struct mime_msg *m;
	size_t n = 0, i;

	skel_make(&k);
	m = mime_parse(k.full, k.fulllen, NULL);
	CHECK(m != NULL);
	if (m == NULL) {
		skel_free(&k);
		return;
	}
	p[n++] = mime_msg_root(m);
	p[n++] = mime_part_child(p[0]);
	p[n++] = mime_part_child(p[1]);
	p[n++] = mime_part_next(p[2]);
	p[n++] = mime_part_next(p[1]);
	p[n++] = mime_part_next(p[4]);
	p[n++] = mime_part_child(p[5]);
	p[n++] = mime_part_child(p[6]);
	p[n++] = mime_part_next(p[7]);
	for (i = 0; i < n; i++) {
		char *sec = p[i] != NULL ? mime_part_section(p[i]) : NULL;

		CHECK(sec != NULL);
		if (sec != NULL)
			CHECK_STR(sec, want[i]);
		free(sec);
	}
	mime_msg_free(&m);
	skel_free(&k);
}

struct stream_out {
	struct pt_buf b;
};

static int
stream_put(void *arg, const char *s, size_t n)
{
	struct stream_out *o = arg;

	return pt_buf_add(&o->b, s, n, NULL);
}

static void
stream_check(const char *cte, const char *in, size_t step)
{
	struct stream_out o;
	struct mime_stream *st;
	struct pt_buf whole;
	unsigned n1 = 0, n2 = 0;
	size_t len = strlen(in), i;

	pt_buf_init(&whole, 0);
	if (strcmp(cte, "base64") == 0)
		CHECK(mime_decode_base64(&whole, in, len, &n1, NULL) == 0);
	else
		CHECK(mime_decode_qp(&whole, in, len, 0, &n1, NULL) == 0);
	pt_buf_init(&o.b, 0);
	st = mime_stream_new(cte, stream_put, &o);
	for (i = 0; i < len; i += step)
		CHECK(mime_stream_feed(st, in + i,
			  len - i < step ? len - i : step, NULL) == 0);
	CHECK(mime_stream_end(st, &n2, NULL) == 0);
	mime_stream_free(&st);
	CHECK(st == NULL);
	CHECK_INT(o.b.len, whole.len);
	CHECK(o.b.len == whole.len &&
	      memcmp(o.b.data, whole.data, whole.len) == 0);
	CHECK_INT(n2, n1);
	pt_buf_release(&o.b);
	pt_buf_release(&whole);
}

static void
test_mime_stream_equals_whole(void)
{
	static const size_t steps[] = {1, 2, 3, 5, 77, 4096};
	char *b = skel_b64(9000);
	size_t i;

	for (i = 0; i < PT_NELEM(steps); i++) {
		stream_check("base64", b, steps[i]);
		stream_check("base64", "aGVsbG8=d29ybGQ=\r\n*bad*", steps[i]);
		stream_check("quoted-printable",
		    "caf=C3=A9 =\r\nsoft   \r\nbad=ZZ end=\r\n=4", steps[i]);
		stream_check("quoted-printable", "x=\r\n", steps[i]);
	}
	free(b);
}

static int
stream_fail(void *arg, const char *s, size_t n)
{
	(void)arg;
	(void)s;
	(void)n;
	return -1;
}

static void
test_mime_stream_identity_and_failure(void)
{
	struct stream_out o;
	struct mime_stream *st;
	struct pt_error err;
	unsigned notes = 0;

	pt_buf_init(&o.b, 0);
	st = mime_stream_new("x-strange", stream_put, &o);
	CHECK(mime_stream_feed(st, "as is=41", 8, NULL) == 0);
	CHECK(mime_stream_end(st, &notes, NULL) == 0);
	mime_stream_free(&st);
	CHECK(o.b.len == 8 && memcmp(o.b.data, "as is=41", 8) == 0);
	CHECK(notes & MIME_NOTE_UNKNOWN_CTE);
	pt_buf_release(&o.b);
	st = mime_stream_new("7bit", stream_fail, NULL);
	pt_error_init(&err);
	CHECK(mime_stream_feed(st, "abc", 3, &err) == -1);
	CHECK(err.class == PT_E_IO);
	mime_stream_free(&st);
	mime_stream_free(&st);
}

/* base64 of n bytes in lines of width, CRLF or LF, ending in one or not. */
static char *
b64_lines(size_t n, size_t width, const char *eol, int end)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct pt_buf b;
	size_t chars = (n + 2) / 3 * 4, i, col = 0;

	pt_buf_init(&b, 0);
	for (i = 0; i < chars; i++) {
		char c = a[i % 64];

		if (n % 3 == 1 && i >= chars - 2)
			c = '=';
		else if (n % 3 == 2 && i == chars - 1)
			c = '=';
		pt_buf_addch(&b, c, NULL);
		if (++col == width && i + 1 < chars) {
			pt_buf_addstr(&b, eol, NULL);
			col = 0;
		}
	}
	if (end)
		pt_buf_addstr(&b, eol, NULL);
	return pt_buf_detach(&b, NULL);
}

static void
test_mime_base64_size(void)
{
	static const size_t widths[] = {76, 72, 64, 60};
	static const size_t sizes[] = {1, 2, 3, 100, 1000, 65536, 65537, 65538,
	    300000};
	size_t w, k, end;

	for (w = 0; w < PT_NELEM(widths); w++)
		for (k = 0; k < PT_NELEM(sizes); k++)
			for (end = 0; end < 4; end++) {
				char *b = b64_lines(sizes[k], widths[w],
				    end & 2 ? "\n" : "\r\n", end & 1);
				size_t len = strlen(b);
				size_t hl = len < 128 ? len : 128;
				size_t tl = len < 8 ? len : 8;
				size_t got = mime_base64_size(len, b, hl,
				    b + len - tl, tl);

				if (got != sizes[k])
					fprintf(stderr,
					    "  width %zu size %zu end %zu: "
					    "%zu\n",
					    widths[w], sizes[k], end, got);
				CHECK(got == sizes[k]);
				free(b);
			}
	/* What cannot be told. */
	CHECK(mime_base64_size(0, "", 0, "", 0) == 0);
	CHECK(mime_base64_size(100, "not base64!\r\n", 13, "AA==", 4) == 0);
	CHECK(mime_base64_size(1001, "QUJD\r\n", 6, "QUJD", 4) == 0);
}

static const struct pt_test tests[] = {
    PT_TEST(test_mime_decode_base64_plain),
    PT_TEST(test_mime_decode_base64_no_padding),
    PT_TEST(test_mime_decode_base64_concatenated),
    PT_TEST(test_mime_decode_base64_garbage),
    PT_TEST(test_mime_decode_qp_basic),
    PT_TEST(test_mime_decode_qp_soft_breaks),
    PT_TEST(test_mime_decode_qp_lower_hex),
    PT_TEST(test_mime_decode_qp_broken_escape),
    PT_TEST(test_mime_decode_qp_trailing_space),
    PT_TEST(test_mime_decode_qp_header_underscore),
    PT_TEST(test_mime_decode_uu_basic),
    PT_TEST(test_mime_charset_latin1_is_cp1252),
    PT_TEST(test_mime_charset_ascii_with_8bit),
    PT_TEST(test_mime_charset_gb2312_is_gbk),
    PT_TEST(test_mime_charset_ks_c_5601),
    PT_TEST(test_mime_charset_iso_8859_8_i),
    PT_TEST(test_mime_charset_iso_2022_jp),
    PT_TEST(test_mime_charset_shift_jis),
    PT_TEST(test_mime_charset_utf16_bom),
    PT_TEST(test_mime_charset_utf16_odd_length),
    PT_TEST(test_mime_charset_utf8_invalid),
    PT_TEST(test_mime_charset_invalid_in_iconv),
    PT_TEST(test_mime_charset_iconv_output_checked),
    PT_TEST(test_mime_charset_unknown),
    PT_TEST(test_mime_charset_name_aliases),
    PT_TEST(test_mime_charset_nul_kept),
    PT_TEST(test_mime_header_decode_rfc2047_examples),
    PT_TEST(test_mime_header_decode_split_multibyte),
    PT_TEST(test_mime_header_decode_split_iso_2022_jp),
    PT_TEST(test_mime_header_decode_raw_8bit),
    PT_TEST(test_mime_header_decode_lenient_forms),
    PT_TEST(test_mime_header_decode_nul),
    PT_TEST(test_mime_header_decode_many_failed_starts),
    PT_TEST(test_mime_address_decode_forms),
    PT_TEST(test_mime_address_decode_injection_quoted),
    PT_TEST(test_mime_param_decode_rfc2231),
    PT_TEST(test_mime_param_decode_plain),
    PT_TEST(test_mime_parse_multipart_tree),
    PT_TEST(test_mime_parse_boundary_exact),
    PT_TEST(test_mime_parse_inner_left_open),
    PT_TEST(test_mime_parse_headers_odd),
    PT_TEST(test_mime_parse_no_header),
    PT_TEST(test_mime_parse_bom_and_indent),
    PT_TEST(test_mime_parse_digest_default),
    PT_TEST(test_mime_parse_base64_message),
    PT_TEST(test_mime_parse_cte_spellings),
    PT_TEST(test_mime_part_filename_sources),
    PT_TEST(test_mime_parse_depth_cap),
    PT_TEST(test_mime_parse_parts_cap),
    PT_TEST(test_mime_parse_too_big),
    PT_TEST(test_mime_prescan_boundaries),
    PT_TEST(test_mime_parse_bad_boundary_is_safe),
    PT_TEST(test_mime_flowed_unflow_basic),
    PT_TEST(test_mime_flowed_unflow_quotes),
    PT_TEST(test_mime_flowed_unflow_stuffing_and_sig),
    PT_TEST(test_mime_enriched_to_text),
    PT_TEST(test_mime_html_paragraphs),
    PT_TEST(test_mime_html_entities),
    PT_TEST(test_mime_html_control_references_kept_for_sanitizer),
    PT_TEST(test_mime_html_links),
    PT_TEST(test_mime_html_lists),
    PT_TEST(test_mime_html_quote_pre_hr),
    PT_TEST(test_mime_html_broken_markup),
    PT_TEST(test_mime_html_end_tag_at_end),
    PT_TEST(test_mime_html_deep_nesting),
    PT_TEST(test_mime_wrap_words),
    PT_TEST(test_mime_wrap_long_word),
    PT_TEST(test_mime_wrap_cjk),
    PT_TEST(test_mime_wrap_cjk_20),
    PT_TEST(test_mime_wrap_cjk_40_80),
    PT_TEST(test_mime_wrap_kinsoku),
    PT_TEST(test_mime_wrap_prefixes),
    PT_TEST(test_mime_render_simple),
    PT_TEST(test_mime_render_lookalike_sender),
    PT_TEST(test_mime_lookalike),
    PT_TEST(test_mime_render_flowed_cjk),
    PT_TEST(test_mime_render_no_headers),
    PT_TEST(test_mime_render_sanitizes_everything),
    PT_TEST(test_mime_render_alternative),
    PT_TEST(test_mime_render_attachments),
    PT_TEST(test_mime_render_attachment_name_one_line),
    PT_TEST(test_mime_render_forwarded),
    PT_TEST(test_mime_render_signed_encrypted),
    PT_TEST(test_mime_render_flowed),
    PT_TEST(test_mime_render_charset_notes),
    PT_TEST(test_mime_render_html_only),
    PT_TEST(test_mime_render_html_filter),
    PT_TEST(test_mime_render_no_boundary),
    PT_TEST(test_mime_render_too_big_is_raw),
    PT_TEST(test_mime_render_width_clamped),
    PT_TEST(test_mime_skeleton_all_fetched),
    PT_TEST(test_mime_skeleton_attachments_absent),
    PT_TEST(test_mime_skeleton_asks_for_text),
    PT_TEST(test_mime_skeleton_hostile),
    PT_TEST(test_mime_part_section_numbers),
    PT_TEST(test_mime_stream_equals_whole),
    PT_TEST(test_mime_stream_identity_and_failure),
    PT_TEST(test_mime_base64_size),
    {NULL, NULL},
};

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	return pt_test_run(tests);
}
