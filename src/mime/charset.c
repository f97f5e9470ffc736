/*
 * charset.c: text in any charset to UTF-8.  A label is normalised, checked
 * (only letters, digits and ".:_+-", at most 40 bytes, so that nothing
 * like "UTF-8//IGNORE" or a path reaches iconv_open) and mapped through
 * the aliases real mail needs.  Conversion goes through iconv; each byte
 * it rejects becomes U+FFFD.  UTF-8 itself is validated here, and text
 * whose charset is unknown is read as UTF-8 when valid, else as
 * windows-1252.
 */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "private.h"

#define MIME_CHARSET_MAX 40

static const char mime_fffd[] = "\xEF\xBF\xBD";

struct mime_alias {
	const char *label;
	const char *iconv; /* NULL: unknown bytes, guess */
};

/* Labels (normalised: lower case) and what petrel reads them as. */
static const struct mime_alias mime_aliases[] = {
    {"us-ascii", NULL},
    {"ascii", NULL},
    {"ansi_x3.4-1968", NULL},
    {"iso646-us", NULL},
    {"us", NULL},
    {"x-unknown", NULL},
    {"unknown", NULL},
    {"unknown-8bit", NULL},
    {"x-user-defined", NULL},
    {"default", NULL},
    {"iso-8859-1", "WINDOWS-1252"},
    {"iso8859-1", "WINDOWS-1252"},
    {"iso_8859-1", "WINDOWS-1252"},
    {"iso_8859-1:1987", "WINDOWS-1252"},
    {"latin1", "WINDOWS-1252"},
    {"latin-1", "WINDOWS-1252"},
    {"l1", "WINDOWS-1252"},
    {"cp819", "WINDOWS-1252"},
    {"ibm819", "WINDOWS-1252"},
    {"x-cp1252", "WINDOWS-1252"},
    {"gb2312", "GBK"},
    {"gb_2312-80", "GBK"},
    {"csgb2312", "GBK"},
    {"euc-cn", "GBK"},
    {"x-gbk", "GBK"},
    {"chinese", "GBK"},
    {"ks_c_5601-1987", "CP949"},
    {"ks_c_5601", "CP949"},
    {"ks_c_5601-1989", "CP949"},
    {"ksc5601", "CP949"},
    {"ksc_5601", "CP949"},
    {"csksc56011987", "CP949"},
    {"korean", "CP949"},
    {"euc-kr", "CP949"},
    {"x-euc-kr", "CP949"},
    {"iso-8859-8-i", "ISO-8859-8"},
    {"iso-8859-8-e", "ISO-8859-8"},
    {"iso-8859-6-i", "ISO-8859-6"},
    {"iso-8859-6-e", "ISO-8859-6"},
    {"iso-2022-jp", "ISO-2022-JP-2"},
    {"csiso2022jp", "ISO-2022-JP-2"},
    {"iso-2022-jp-1", "ISO-2022-JP-2"},
    {"shift_jis", "CP932"},
    {"shift-jis", "CP932"},
    {"sjis", "CP932"},
    {"x-sjis", "CP932"},
    {"ms_kanji", "CP932"},
    {"csshiftjis", "CP932"},
    {"windows-31j", "CP932"},
    {"euc-jp", "EUC-JP-MS"},
    {"x-euc-jp", "EUC-JP-MS"},
    {"tis-620", "CP874"},
    {"iso-8859-11", "CP874"},
    {"windows-874", "CP874"},
    {"x-mac-cyrillic", "MACCYRILLIC"},
    {"mac-cyrillic", "MACCYRILLIC"},
    {"x-mac-roman", "MACINTOSH"},
    {"ucs-2", "UTF-16"},
    {"unicode", "UTF-16"},
    {"unicode-1-1-utf-7", "UTF-7"},
};

static int mime_charset_lookup(const char *, char *, size_t, const char **);
static int mime_charset_iconv(struct pt_buf *, const char *, const char *,
    size_t, unsigned *, struct pt_error *);
static int mime_utf8_append(struct pt_buf *, const char *, size_t, unsigned *,
    struct pt_error *);

int
mime_utf8_valid(const char *s, size_t len)
{
	uint32_t cp;
	size_t n;

	while (len > 0) {
		if (*s == '\0') {
			s++;
			len--;
			continue;
		}
		n = pt_utf8_decode(s, len, &cp);
		if (cp == PT_UTF8_INVALID)
			return 0;
		s += n;
		len -= n;
	}
	return 1;
}

/* Appends UTF-8 with each invalid byte replaced by U+FFFD. */
static int
mime_utf8_append(struct pt_buf *out, const char *s, size_t len, unsigned *notes,
    struct pt_error *err)
{
	const char *run = s;
	uint32_t cp;
	size_t n;

	while (len > 0) {
		if (*s == '\0') {
			s++;
			len--;
			continue;
		}
		n = pt_utf8_decode(s, len, &cp);
		if (cp == PT_UTF8_INVALID) {
			if (pt_buf_add(out, run, (size_t)(s - run), err) != 0 ||
			    pt_buf_add(out, mime_fffd, 3, err) != 0)
				return -1;
			if (notes != NULL)
				*notes |= MIME_NOTE_BAD_BYTES;
			run = s + n;
		}
		s += n;
		len -= n;
	}
	return pt_buf_add(out, run, (size_t)(s - run), err);
}

int
mime_guess_to_utf8(struct pt_buf *out, const char *s, size_t len,
    struct pt_error *err)
{
	char enc[4];
	size_t i;
	int r;

	if (mime_utf8_valid(s, len))
		return pt_buf_add(out, s, len, err);
	if ((r = mime_charset_iconv(out, "WINDOWS-1252", s, len, NULL, err)) <=
	    0)
		return r;
	/* No gconv modules (a static build): read it as Latin-1. */
	for (i = 0; i < len; i++)
		if (pt_buf_add(out, enc,
			pt_utf8_encode((unsigned char)s[i], enc), err) != 0)
			return -1;
	return 0;
}

int
mime_nul_replace(struct pt_buf *b, struct pt_error *err)
{
	struct pt_buf t;
	size_t i, start = 0;

	if (memchr(b->data, '\0', b->len) == NULL)
		return 0;
	pt_buf_init(&t, b->max);
	for (i = 0; i < b->len; i++) {
		if (b->data[i] != '\0')
			continue;
		if (pt_buf_add(&t, b->data + start, i - start, err) != 0 ||
		    pt_buf_add(&t, mime_fffd, 3, err) != 0) {
			pt_buf_release(&t);
			return -1;
		}
		start = i + 1;
	}
	if (pt_buf_add(&t, b->data + start, b->len - start, err) != 0) {
		pt_buf_release(&t);
		return -1;
	}
	pt_buf_release(b);
	*b = t;
	return 0;
}

/*
 * Looks a label up.  Returns 0 with *name set (NULL: guess, as for
 * us-ascii), or -1 when the label is unusable (guess, and say so).
 */
static int
mime_charset_lookup(const char *label, char *tmp, size_t tmpsize,
    const char **name)
{
	size_t i, n, len;
	const char *p;

	*name = NULL;
	if (label == NULL)
		return 0;
	/* Trim white space and quotes; lower case; check the letters. */
	while (
	    *label == ' ' || *label == '\t' || *label == '"' || *label == '\'')
		label++;
	len = strlen(label);
	while (len > 0 && (label[len - 1] == ' ' || label[len - 1] == '\t' ||
			      label[len - 1] == '"' || label[len - 1] == '\''))
		len--;
	/* RFC 2231 allows "charset*language" in encoded words. */
	if ((p = memchr(label, '*', len)) != NULL)
		len = (size_t)(p - label);
	if (len == 0)
		return 0;
	if (len > MIME_CHARSET_MAX || len >= tmpsize)
		return -1;
	for (i = 0; i < len; i++) {
		int c = mime_lower((unsigned char)label[i]);

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			c == '-' || c == '_' || c == '.' || c == ':' ||
			c == '+'))
			return -1;
		tmp[i] = (char)c;
	}
	tmp[len] = '\0';
	for (n = 0; n < PT_NELEM(mime_aliases); n++)
		if (strcmp(tmp, mime_aliases[n].label) == 0) {
			*name = mime_aliases[n].iconv;
			return 0;
		}
	if (strcmp(tmp, "utf8") == 0 || strcmp(tmp, "utf-8") == 0 ||
	    strcmp(tmp, "unicode-1-1-utf-8") == 0 ||
	    strcmp(tmp, "x-unicode20utf8") == 0)
		*name = "UTF-8";
	else if (strcmp(tmp, "utf-16") == 0)
		*name = "UTF-16";
	else
		*name = tmp;
	return 0;
}

const char *
mime_charset_name(const char *label, char *tmp, size_t tmpsize)
{
	const char *name;

	if (mime_charset_lookup(label, tmp, tmpsize, &name) != 0)
		return NULL;
	return name;
}

/* Converts with iconv; each rejected byte becomes U+FFFD. */
static int
mime_charset_iconv(struct pt_buf *out, const char *name, const char *in,
    size_t len, unsigned *notes, struct pt_error *err)
{
	char chunk[4096], *op, *ip;
	size_t inleft = len, outleft, r;
	iconv_t cd;
	int bad = 0, rc = 0;

	if ((cd = iconv_open("UTF-8", name)) == (iconv_t)-1)
		return 1;
	/* glibc's iconv takes char ** for input it does not change. */
	ip = (char *)(uintptr_t)in;

	for (;;) {
		int e, flushing = inleft == 0;

		op = chunk;
		outleft = sizeof chunk;
		if (flushing)
			r = iconv(cd, NULL, NULL, &op, &outleft);
		else
			r = iconv(cd, &ip, &inleft, &op, &outleft);
		e = errno;
		/*
		 * iconv writes whole characters only, but not always valid
		 * ones (glibc passes UTF-8 and UCS-4 beyond U+10FFFF).
		 */
		if (op > chunk && mime_utf8_append(out, chunk,
				      (size_t)(op - chunk), notes, err) != 0) {
			rc = -1;
			break;
		}
		if (r != (size_t)-1) {
			if (flushing)
				break;
			continue;
		}
		if (e == E2BIG)
			continue;
		if (flushing)
			break;
		bad = 1;
		if (pt_buf_add(out, mime_fffd, 3, err) != 0) {
			rc = -1;
			break;
		}
		if (e == EILSEQ) {
			/* Skip the byte and start a fresh shift state. */
			ip++;
			inleft--;
			iconv(cd, NULL, NULL, NULL, NULL);
		} else
			inleft = 0; /* truncated at the end */
	}
	iconv_close(cd);
	if (bad && notes != NULL)
		*notes |= MIME_NOTE_BAD_BYTES;
	return rc;
}

int
mime_charset_to_utf8(struct pt_buf *out, const char *charset, const char *in,
    size_t len, unsigned *notes, struct pt_error *err)
{
	char tmp[MIME_CHARSET_MAX + 1];
	const char *name;
	int r;

	if (mime_charset_lookup(charset, tmp, sizeof tmp, &name) != 0 &&
	    notes != NULL)
		*notes |= MIME_NOTE_UNKNOWN_CHARSET;
	if (name == NULL)
		return mime_guess_to_utf8(out, in, len, err);
	if (strcmp(name, "UTF-8") == 0)
		return mime_utf8_append(out, in, len, notes, err);
	if (strcmp(name, "UTF-16") == 0) {
		/* A BOM decides; without one RFC 2781 says big-endian. */
		name = "UTF-16BE";
		if (len >= 2 && (unsigned char)in[0] == 0xFF &&
		    (unsigned char)in[1] == 0xFE)
			name = "UTF-16LE";
		if (len >= 2 &&
		    ((unsigned char)in[0] == 0xFF ||
			(unsigned char)in[0] == 0xFE) &&
		    ((unsigned char)in[1] == 0xFF ||
			(unsigned char)in[1] == 0xFE) &&
		    in[0] != in[1]) {
			in += 2;
			len -= 2;
		}
	}
	r = mime_charset_iconv(out, name, in, len, notes, err);
	if (r > 0) {
		/* iconv does not know it. */
		if (notes != NULL)
			*notes |= MIME_NOTE_UNKNOWN_CHARSET;
		return mime_guess_to_utf8(out, in, len, err);
	}
	return r;
}
