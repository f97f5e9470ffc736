/* Unit tests for core/: errors, buffers, UTF-8, the sanitizer, paths. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "petrel/core.h"

#include "tests/harness/pt_test.h"

static char *
san(const char *in, unsigned flags)
{
	struct pt_buf b;

	pt_buf_init(&b, 0);
	CHECK_INT(pt_sanitize(&b, in, strlen(in), flags, NULL), 0);
	return pt_buf_detach(&b, NULL);
}

#define CHECK_SAN(in, flags, want)                                             \
	do {                                                                   \
		char *got_ = san((in), (flags));                               \
		CHECK_STR(got_, (want));                                       \
		free(got_);                                                    \
	} while (0)

static void
test_error_set_returns_minus_one(void)
{
	struct pt_error err;

	pt_error_init(&err);
	CHECK_INT(pt_error_set(&err, PT_E_AUTH, 28, "login to '%s' failed",
		      "x"),
	    -1);
	CHECK_INT(err.class, PT_E_AUTH);
	CHECK_INT(err.code, 28);
	CHECK_STR(err.msg, "login to 'x' failed");
	CHECK_STR(pt_errclass_name(err.class), "auth");
	CHECK_INT(pt_error_set(NULL, PT_E_NET, 0, "ignored"), -1);
}

static void
test_error_prefix_adds_context(void)
{
	struct pt_error err;

	pt_error_init(&err);
	pt_error_set(&err, PT_E_IO, ENOENT, "no such file");
	pt_error_prefix(&err, "cannot open '%s'", "INBOX");
	CHECK_STR(err.msg, "cannot open 'INBOX': no such file");
	pt_error_detail(&err, "line %d", 7);
	CHECK_STR(err.detail, "line 7");
}

static void
test_error_set_truncates_long_messages(void)
{
	struct pt_error err;
	char big[1000];

	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	pt_error_set(&err, PT_E_PROTO, 0, "%s", big);
	CHECK_INT(strlen(err.msg), sizeof err.msg - 1);
}

static void
test_buf_add_grows_and_terminates(void)
{
	struct pt_buf b;
	int i;

	pt_buf_init(&b, 0);
	CHECK_STR(b.data, "");
	for (i = 0; i < 1000; i++)
		CHECK_INT(pt_buf_addstr(&b, "abc", NULL), 0);
	CHECK_INT(b.len, 3000);
	CHECK_INT(b.data[3000], '\0');
	CHECK(memcmp(b.data + 2997, "abc", 3) == 0);
	pt_buf_reset(&b);
	CHECK_INT(b.len, 0);
	CHECK_STR(b.data, "");
	pt_buf_release(&b);
}

static void
test_buf_add_refuses_past_cap(void)
{
	struct pt_buf b;
	struct pt_error err;

	pt_buf_init(&b, 8);
	pt_error_init(&err);
	CHECK_INT(pt_buf_addstr(&b, "12345678", &err), 0);
	CHECK_INT(pt_buf_addch(&b, '9', &err), -1);
	CHECK_INT(err.class, PT_E_PROTO);
	CHECK_INT(b.len, 8);
	CHECK_STR(b.data, "12345678");
	pt_buf_release(&b);
}

static void
test_buf_printf_and_detach(void)
{
	struct pt_buf b;
	size_t len;
	char *s;

	pt_buf_init(&b, 0);
	CHECK_INT(pt_buf_printf(&b, NULL, "%d-%s", 42, "x"), 0);
	CHECK_INT(pt_buf_printf(&b, NULL, "%s", "!"), 0);
	s = pt_buf_detach(&b, &len);
	CHECK_STR(s, "42-x!");
	CHECK_INT(len, 5);
	CHECK_INT(b.len, 0);
	free(s);
	s = pt_buf_detach(&b, &len);
	CHECK_STR(s, "");
	free(s);
}

static void
test_strlcpy_truncates(void)
{
	char small[4];

	CHECK_INT(pt_strlcpy(small, "abcdef", sizeof small), 6);
	CHECK_STR(small, "abc");
}

static void
test_secret_set_and_release(void)
{
	struct pt_secret s;

	pt_secret_init(&s);
	pt_secret_set(&s, "hunter2xyz", 7);
	CHECK_STR(s.value, "hunter2");
	CHECK_INT(s.len, 7);
	pt_secret_release(&s);
	CHECK(s.value == NULL);
	CHECK_INT(s.len, 0);
}

static void
test_utf8_decode_valid(void)
{
	uint32_t cp;

	CHECK_INT(pt_utf8_decode("A", 1, &cp), 1);
	CHECK_INT(cp, 'A');
	CHECK_INT(pt_utf8_decode("\xc3\xa9", 2, &cp), 2);
	CHECK_INT(cp, 0xE9);
	CHECK_INT(pt_utf8_decode("\xe6\x97\xa5", 3, &cp), 3);
	CHECK_INT(cp, 0x65E5);
	CHECK_INT(pt_utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	CHECK_INT(cp, 0x1F600);
}

static void
test_utf8_decode_invalid(void)
{
	uint32_t cp;

	/* Overlong '/', a surrogate, past U+10FFFF, truncated, lone cont. */
	CHECK_INT(pt_utf8_decode("\xc0\xaf", 2, &cp), 1);
	CHECK_INT(cp, PT_UTF8_INVALID);
	CHECK_INT(pt_utf8_decode("\xed\xa0\x80", 3, &cp), 1);
	CHECK_INT(cp, PT_UTF8_INVALID);
	CHECK_INT(pt_utf8_decode("\xf4\x90\x80\x80", 4, &cp), 1);
	CHECK_INT(cp, PT_UTF8_INVALID);
	CHECK_INT(pt_utf8_decode("\xe6\x97", 2, &cp), 1);
	CHECK_INT(cp, PT_UTF8_INVALID);
	CHECK_INT(pt_utf8_decode("\x80", 1, &cp), 1);
	CHECK_INT(cp, PT_UTF8_INVALID);
	CHECK(!pt_utf8_valid("a\0b", 3));
	CHECK(pt_utf8_valid("caf\xc3\xa9", 5));
	CHECK(!pt_utf8_valid("caf\xe9", 4));
}

static void
test_utf8_encode_round_trip(void)
{
	static const uint32_t cps[] = {0x24, 0xA2, 0x20AC, 0x10348, 0x10FFFF};
	char enc[4];
	uint32_t cp;
	size_t i, n;

	for (i = 0; i < PT_NELEM(cps); i++) {
		n = pt_utf8_encode(cps[i], enc);
		CHECK_INT(n, i < 2 ? i + 1 : i < 3 ? 3 : 4);
		CHECK_INT(pt_utf8_decode(enc, n, &cp), n);
		CHECK_INT(cp, cps[i]);
	}
}

static void
test_utf8_width_wide_and_combining(void)
{
	CHECK_INT(pt_utf8_width("abc", 3), 3);
	/* Two CJK characters, each two columns. */
	CHECK_INT(pt_utf8_width("\xe6\x97\xa5\xe6\x9c\xac", 6), 4);
	/* e + COMBINING ACUTE ACCENT is one column. */
	CHECK_INT(pt_utf8_width("e\xcc\x81", 3), 1);
	CHECK_INT(pt_utf8_width("\xf0\x9f\x98\x80", 4), 2);
}

static void
test_sanitize_escape_sequences(void)
{
	/* CSI clear screen, OSC 52 clipboard, OSC 8 hyperlink. */
	CHECK_SAN("a\033[2Jb", 0, "a\xe2\x90\x9b[2Jb");
	CHECK_SAN("\033]52;c;ZXZpbA==\007", 0,
	    "\xe2\x90\x9b]52;c;ZXZpbA==\xe2\x90\x87");
	CHECK_SAN("\033]8;;http://x\033\\y", 0,
	    "\xe2\x90\x9b]8;;http://x\xe2\x90\x9b\\y");
}

static void
test_sanitize_c1_del_and_bidi(void)
{
	CHECK_SAN("a\xc2\x9b"
		  "31mb",
	    0, "a<U+009B>31mb");
	CHECK_SAN("x\x7fy", 0, "x\xe2\x90\xa1y");
	CHECK_SAN("evil\xe2\x80\xaegpj.exe", 0, "evil<U+202E>gpj.exe");
	CHECK_SAN("\xe2\x81\xa6"
		  "a\xe2\x81\xa9",
	    0, "<U+2066>a<U+2069>");
}

static void
test_sanitize_invalid_utf8(void)
{
	CHECK_SAN("caf\xe9!", 0, "caf\xef\xbf\xbd!");
	CHECK_SAN("\xed\xa0\x80", 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	CHECK_SAN("ok \xe6\x97\xa5", 0, "ok \xe6\x97\xa5");
}

static void
test_sanitize_newlines_and_tabs(void)
{
	CHECK_SAN("a\r\nb\n", PT_SAN_NEWLINES, "a\nb\n");
	CHECK_SAN("a\rb", PT_SAN_NEWLINES,
	    "a\xe2\x90\x8d"
	    "b");
	CHECK_SAN("a\nb", 0,
	    "a\xe2\x90\xa4"
	    "b");
	CHECK_SAN("ab\tc", PT_SAN_TABS, "ab      c");
	CHECK_SAN("x\n\ty", PT_SAN_TABS | PT_SAN_NEWLINES, "x\n        y");
	CHECK_SAN("a\tb", 0, "a b");
}

static void
test_sanitize_output_is_always_safe(void)
{
	unsigned char in[256];
	struct pt_buf b;
	size_t i;

	for (i = 0; i < sizeof in; i++)
		in[i] = (unsigned char)i;
	pt_buf_init(&b, 0);
	CHECK_INT(pt_sanitize(&b, (const char *)in, sizeof in, PT_SAN_NEWLINES,
		      NULL),
	    0);
	CHECK(pt_utf8_valid(b.data, b.len));
	for (i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];

		CHECK(c >= 0x20 || c == '\n');
		CHECK(c != 0x7f);
	}
	/* No C1 controls encoded as UTF-8 (C2 80..C2 9F). */
	for (i = 0; i + 1 < b.len; i++)
		CHECK(!((unsigned char)b.data[i] == 0xC2 &&
			(unsigned char)b.data[i + 1] < 0xA0));
	pt_buf_release(&b);
}

static void
test_xdg_path_honours_environment(void)
{
	char *p;

	setenv("XDG_CONFIG_HOME", "/tmp/xdgtest", 1);
	p = pt_xdg_path(PT_XDG_CONFIG, "config");
	CHECK_STR(p, "/tmp/xdgtest/petrel/config");
	free(p);
	setenv("XDG_CONFIG_HOME", "relative/ignored", 1);
	setenv("HOME", "/home/u", 1);
	p = pt_xdg_path(PT_XDG_CONFIG, NULL);
	CHECK_STR(p, "/home/u/.config/petrel");
	free(p);
	unsetenv("XDG_STATE_HOME");
	p = pt_xdg_path(PT_XDG_STATE, "petrel.log");
	CHECK_STR(p, "/home/u/.local/state/petrel/petrel.log");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
}

static void
test_file_write_atomic_mode_and_content(void)
{
	char dir[] = "/tmp/pt-core.XXXXXX", *path, *sub, *back;
	struct pt_error err;
	struct stat st;
	size_t len;

	CHECK(mkdtemp(dir) != NULL);
	sub = pt_xasprintf("%s/a/b/c", dir);
	CHECK_INT(pt_mkdir_p(sub, 0700, &err), 0);
	path = pt_xasprintf("%s/file", sub);
	CHECK_INT(pt_file_write_atomic(path, "one\n", 4, 0600, &err), 0);
	CHECK_INT(pt_file_write_atomic(path, "two\n", 4, 0600, &err), 0);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	back = pt_file_read(path, 0, &len, &err);
	CHECK_STR(back, "two\n");
	CHECK_INT(len, 4);
	free(back);
	CHECK(pt_file_read(path, 2, &len, &err) == NULL);
	CHECK_INT(err.class, PT_E_PROTO);
	unlink(path);
	CHECK(pt_file_read(path, 0, &len, &err) == NULL);
	CHECK_INT(err.class, PT_E_IO);
	CHECK_INT(err.code, ENOENT);
	free(path);
	free(sub);
	back = pt_xasprintf("rm -rf '%s'", dir);
	CHECK_INT(system(back), 0);
	free(back);
}

static void
test_xasprintf_formats(void)
{
	char *s = pt_xasprintf("%s=%d", "n", 5);

	CHECK_STR(s, "n=5");
	free(s);
	s = pt_xstrndup("abcdef", 3);
	CHECK_STR(s, "abc");
	free(s);
}

static void
test_base64_decode(void)
{
	size_t n = 99;
	char *d;

	d = pt_base64_decode("Zm9vYmE=", 8, &n);
	CHECK_STR(d, "fooba");
	CHECK_INT(n, 5);
	free(d);
	d = pt_base64_decode("AHUAcA", 6, &n);
	CHECK_INT(n, 4);
	CHECK(d != NULL && memcmp(d, "\0u\0p", 4) == 0);
	free(d);
	d = pt_base64_decode("", 0, &n);
	CHECK_STR(d, "");
	CHECK_INT(n, 0);
	free(d);
	CHECK(pt_base64_decode("Zm9v YmE=", 9, NULL) == NULL);
	CHECK(pt_base64_decode("Zm9=vYmE", 8, NULL) == NULL);
	CHECK(pt_base64_decode("Zm\0v", 4, NULL) == NULL);
}

static void
test_xoauth2_response(void)
{
	static const char want[] = "user=someuser@example.com\001auth=Bearer "
				   "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29"
				   "tCg\001\001";
	struct pt_secret tok;
	char *b64, *back;
	size_t n;

	pt_secret_init(&tok);
	pt_secret_set(&tok, "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg",
	    45);
	b64 = pt_xoauth2_response("someuser@example.com", &tok);
	/* Google's example of the XOAUTH2 protocol, byte for byte. */
	CHECK_STR(b64, "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YT"
		       "I5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0"
		       "Q2cBAQ==");
	back = pt_base64_decode(b64, strlen(b64), &n);
	CHECK_INT(n, sizeof want - 1);
	CHECK(back != NULL && memcmp(back, want, sizeof want - 1) == 0);
	free(back);
	pt_secret_free_str(b64);
	pt_secret_release(&tok);
}

static void
test_xoauth2_status(void)
{
	char st[16];

	/* {"status":"401","schemes":"bearer","scope":"mail"} (Dovecot) */
	pt_xoauth2_status("eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2Nv"
			  "cGUiOiJtYWlsIn0=\r\n",
	    st, sizeof st);
	CHECK_STR(st, "401");
	/* {"status" : 400} */
	pt_xoauth2_status("eyJzdGF0dXMiIDogNDAwfQ==", st, sizeof st);
	CHECK_STR(st, "400");
	/* Not base64, no status, a status too long: "?". */
	pt_xoauth2_status("not base64!", st, sizeof st);
	CHECK_STR(st, "?");
	pt_xoauth2_status("e30=", st, sizeof st);
	CHECK_STR(st, "?");
	pt_xoauth2_status("eyJzdGF0dXMiOiJhYWFhYWFhYWFhYWFhYWFhYWFhYWEifQ==",
	    st, sizeof st);
	CHECK_STR(st, "?");
}

static const struct pt_test tests[] = {
    PT_TEST(test_error_set_returns_minus_one),
    PT_TEST(test_error_prefix_adds_context),
    PT_TEST(test_error_set_truncates_long_messages),
    PT_TEST(test_buf_add_grows_and_terminates),
    PT_TEST(test_buf_add_refuses_past_cap),
    PT_TEST(test_buf_printf_and_detach),
    PT_TEST(test_strlcpy_truncates),
    PT_TEST(test_secret_set_and_release),
    PT_TEST(test_utf8_decode_valid),
    PT_TEST(test_utf8_decode_invalid),
    PT_TEST(test_utf8_encode_round_trip),
    PT_TEST(test_utf8_width_wide_and_combining),
    PT_TEST(test_sanitize_escape_sequences),
    PT_TEST(test_sanitize_c1_del_and_bidi),
    PT_TEST(test_sanitize_invalid_utf8),
    PT_TEST(test_sanitize_newlines_and_tabs),
    PT_TEST(test_sanitize_output_is_always_safe),
    PT_TEST(test_xdg_path_honours_environment),
    PT_TEST(test_file_write_atomic_mode_and_content),
    PT_TEST(test_xasprintf_formats),
    PT_TEST(test_base64_decode),
    PT_TEST(test_xoauth2_response),
    PT_TEST(test_xoauth2_status),
    {NULL, NULL},
};

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	return pt_test_run(tests);
}
