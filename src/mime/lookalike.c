/*
 * lookalike.c: senders made to look like someone else (UTS #39).
 *
 * Three checks on a decoded From field, label by label (a label is a
 * run of letters and digits between spaces, punctuation and dots, so
 * a domain's labels are checked one by one):
 *   - mixed scripts: a word with Latin, Greek and Cyrillic letters
 *     together ("p<U+0430>ypal"), or fullwidth and plain Latin;
 *   - whole-script confusables: a label written entirely in Cyrillic,
 *     Greek, Armenian or Cherokee letters (or fullwidth Latin), every
 *     one of which looks like a Latin letter ("<U+0430><U+0440>
 *     <U+0440><U+04CF><U+0435>" looks like "apple").  A label with one
 *     letter that has no Latin look-alike (most Russian and Greek
 *     words) is left alone;
 *   - punycode: "xn--" labels are decoded (RFC 3492) and checked as
 *     above; one that does not decode is suspect in itself.
 * A fullwidth at sign is always suspect.  The note for a whole-script
 * confusable says what the text looks like ("apple.com"), its skeleton:
 * each letter replaced by the Latin letter it imitates, in lower case.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "private.h"

/* Code points of a label kept (a DNS label has at most 63 octets). */
#define LOOK_LABEL_MAX 64

enum look_script {
	LOOK_NONE,
	LOOK_LATIN,
	LOOK_GREEK,
	LOOK_CYRILLIC,
	LOOK_ARMENIAN,
	LOOK_CHEROKEE,
	LOOK_FULLWIDTH,
	LOOK_OTHER /* any other letter or mark: never a look-alike */
};

struct look_conf {
	uint16_t cp;
	char latin;           /* the letter it imitates, lower case */
	unsigned char script; /* enum look_script */
};

/* One label, punycode decoded. */
struct look_label {
	uint32_t cp[LOOK_LABEL_MAX];
	size_t n;
	int bad; /* an "xn--" label that does not decode */
};

/*
 * The letters of Greek, Cyrillic, Armenian and Cherokee that Unicode's
 * confusables.txt (UTS #39 data, version 14.0.0) maps to one ASCII
 * letter.  Left out: marks and symbols, and CYRILLIC SMALL LETTER GHE
 * (r only in some fonts; it would flag the Russian name Egor).  The
 * palochka is shown as "l", capital I-like letters as "i".  Sorted by
 * code point.
 */
static const struct look_conf look_table[] = {
    {0x037F, 'j', LOOK_GREEK},    /* Greek Capital Yot */
    {0x0391, 'a', LOOK_GREEK},    /* Greek Capital Alpha */
    {0x0392, 'b', LOOK_GREEK},    /* Greek Capital Beta */
    {0x0395, 'e', LOOK_GREEK},    /* Greek Capital Epsilon */
    {0x0396, 'z', LOOK_GREEK},    /* Greek Capital Zeta */
    {0x0397, 'h', LOOK_GREEK},    /* Greek Capital Eta */
    {0x0399, 'i', LOOK_GREEK},    /* Greek Capital Iota */
    {0x039A, 'k', LOOK_GREEK},    /* Greek Capital Kappa */
    {0x039C, 'm', LOOK_GREEK},    /* Greek Capital Mu */
    {0x039D, 'n', LOOK_GREEK},    /* Greek Capital Nu */
    {0x039F, 'o', LOOK_GREEK},    /* Greek Capital Omicron */
    {0x03A1, 'p', LOOK_GREEK},    /* Greek Capital Rho */
    {0x03A4, 't', LOOK_GREEK},    /* Greek Capital Tau */
    {0x03A5, 'y', LOOK_GREEK},    /* Greek Capital Upsilon */
    {0x03A7, 'x', LOOK_GREEK},    /* Greek Capital Chi */
    {0x03B1, 'a', LOOK_GREEK},    /* Greek Small Alpha */
    {0x03B3, 'y', LOOK_GREEK},    /* Greek Small Gamma */
    {0x03B9, 'i', LOOK_GREEK},    /* Greek Small Iota */
    {0x03BD, 'v', LOOK_GREEK},    /* Greek Small Nu */
    {0x03BF, 'o', LOOK_GREEK},    /* Greek Small Omicron */
    {0x03C1, 'p', LOOK_GREEK},    /* Greek Small Rho */
    {0x03C3, 'o', LOOK_GREEK},    /* Greek Small Sigma */
    {0x03C5, 'u', LOOK_GREEK},    /* Greek Small Upsilon */
    {0x03D2, 'y', LOOK_GREEK},    /* Greek Upsilon With Hook Symbol */
    {0x03DC, 'f', LOOK_GREEK},    /* Greek Digamma */
    {0x03F1, 'p', LOOK_GREEK},    /* Greek Rho Symbol */
    {0x03F2, 'c', LOOK_GREEK},    /* Greek Lunate Sigma Symbol */
    {0x03F3, 'j', LOOK_GREEK},    /* Greek Yot */
    {0x03F9, 'c', LOOK_GREEK},    /* Greek Capital Lunate Sigma Symbol */
    {0x03FA, 'm', LOOK_GREEK},    /* Greek Capital San */
    {0x0405, 's', LOOK_CYRILLIC}, /* Cyrillic Capital Dze */
    {0x0406, 'i',
	LOOK_CYRILLIC}, /* Cyrillic Capital Byelorussian-Ukrainian I */
    {0x0408, 'j', LOOK_CYRILLIC}, /* Cyrillic Capital Je */
    {0x0410, 'a', LOOK_CYRILLIC}, /* Cyrillic Capital A */
    {0x0412, 'b', LOOK_CYRILLIC}, /* Cyrillic Capital Ve */
    {0x0415, 'e', LOOK_CYRILLIC}, /* Cyrillic Capital Ie */
    {0x041A, 'k', LOOK_CYRILLIC}, /* Cyrillic Capital Ka */
    {0x041C, 'm', LOOK_CYRILLIC}, /* Cyrillic Capital Em */
    {0x041D, 'h', LOOK_CYRILLIC}, /* Cyrillic Capital En */
    {0x041E, 'o', LOOK_CYRILLIC}, /* Cyrillic Capital O */
    {0x0420, 'p', LOOK_CYRILLIC}, /* Cyrillic Capital Er */
    {0x0421, 'c', LOOK_CYRILLIC}, /* Cyrillic Capital Es */
    {0x0422, 't', LOOK_CYRILLIC}, /* Cyrillic Capital Te */
    {0x0423, 'y', LOOK_CYRILLIC}, /* Cyrillic Capital U */
    {0x0425, 'x', LOOK_CYRILLIC}, /* Cyrillic Capital Ha */
    {0x042C, 'b', LOOK_CYRILLIC}, /* Cyrillic Capital Soft Sign */
    {0x0430, 'a', LOOK_CYRILLIC}, /* Cyrillic Small A */
    {0x0435, 'e', LOOK_CYRILLIC}, /* Cyrillic Small Ie */
    {0x043E, 'o', LOOK_CYRILLIC}, /* Cyrillic Small O */
    {0x0440, 'p', LOOK_CYRILLIC}, /* Cyrillic Small Er */
    {0x0441, 'c', LOOK_CYRILLIC}, /* Cyrillic Small Es */
    {0x0443, 'y', LOOK_CYRILLIC}, /* Cyrillic Small U */
    {0x0445, 'x', LOOK_CYRILLIC}, /* Cyrillic Small Ha */
    {0x0455, 's', LOOK_CYRILLIC}, /* Cyrillic Small Dze */
    {0x0456, 'i', LOOK_CYRILLIC}, /* Cyrillic Small Byelorussian-Ukrainian I */
    {0x0458, 'j', LOOK_CYRILLIC}, /* Cyrillic Small Je */
    {0x0461, 'w', LOOK_CYRILLIC}, /* Cyrillic Small Omega */
    {0x0474, 'v', LOOK_CYRILLIC}, /* Cyrillic Capital Izhitsa */
    {0x0475, 'v', LOOK_CYRILLIC}, /* Cyrillic Small Izhitsa */
    {0x04AE, 'y', LOOK_CYRILLIC}, /* Cyrillic Capital Straight U */
    {0x04AF, 'y', LOOK_CYRILLIC}, /* Cyrillic Small Straight U */
    {0x04BB, 'h', LOOK_CYRILLIC}, /* Cyrillic Small Shha */
    {0x04BD, 'e', LOOK_CYRILLIC}, /* Cyrillic Small Abkhasian Che */
    {0x04C0, 'l', LOOK_CYRILLIC}, /* Cyrillic Palochka */
    {0x04CF, 'l', LOOK_CYRILLIC}, /* Cyrillic Small Palochka */
    {0x0501, 'd', LOOK_CYRILLIC}, /* Cyrillic Small Komi De */
    {0x050C, 'g', LOOK_CYRILLIC}, /* Cyrillic Capital Komi Sje */
    {0x051B, 'q', LOOK_CYRILLIC}, /* Cyrillic Small Qa */
    {0x051C, 'w', LOOK_CYRILLIC}, /* Cyrillic Capital We */
    {0x051D, 'w', LOOK_CYRILLIC}, /* Cyrillic Small We */
    {0x054D, 'u', LOOK_ARMENIAN}, /* Armenian Capital Seh */
    {0x054F, 's', LOOK_ARMENIAN}, /* Armenian Capital Tiwn */
    {0x0555, 'o', LOOK_ARMENIAN}, /* Armenian Capital Oh */
    {0x0561, 'w', LOOK_ARMENIAN}, /* Armenian Small Ayb */
    {0x0563, 'q', LOOK_ARMENIAN}, /* Armenian Small Gim */
    {0x0566, 'q', LOOK_ARMENIAN}, /* Armenian Small Za */
    {0x0570, 'h', LOOK_ARMENIAN}, /* Armenian Small Ho */
    {0x0578, 'n', LOOK_ARMENIAN}, /* Armenian Small Vo */
    {0x057C, 'n', LOOK_ARMENIAN}, /* Armenian Small Ra */
    {0x057D, 'u', LOOK_ARMENIAN}, /* Armenian Small Seh */
    {0x0581, 'g', LOOK_ARMENIAN}, /* Armenian Small Co */
    {0x0584, 'f', LOOK_ARMENIAN}, /* Armenian Small Keh */
    {0x0585, 'o', LOOK_ARMENIAN}, /* Armenian Small Oh */
    {0x13A0, 'd', LOOK_CHEROKEE}, /* Cherokee A */
    {0x13A1, 'r', LOOK_CHEROKEE}, /* Cherokee E */
    {0x13A2, 't', LOOK_CHEROKEE}, /* Cherokee I */
    {0x13A5, 'i', LOOK_CHEROKEE}, /* Cherokee V */
    {0x13A9, 'y', LOOK_CHEROKEE}, /* Cherokee Gi */
    {0x13AA, 'a', LOOK_CHEROKEE}, /* Cherokee Go */
    {0x13AB, 'j', LOOK_CHEROKEE}, /* Cherokee Gu */
    {0x13AC, 'e', LOOK_CHEROKEE}, /* Cherokee Gv */
    {0x13B3, 'w', LOOK_CHEROKEE}, /* Cherokee La */
    {0x13B7, 'm', LOOK_CHEROKEE}, /* Cherokee Lu */
    {0x13BB, 'h', LOOK_CHEROKEE}, /* Cherokee Mi */
    {0x13BD, 'y', LOOK_CHEROKEE}, /* Cherokee Mu */
    {0x13C0, 'g', LOOK_CHEROKEE}, /* Cherokee Nah */
    {0x13C2, 'h', LOOK_CHEROKEE}, /* Cherokee Ni */
    {0x13C3, 'z', LOOK_CHEROKEE}, /* Cherokee No */
    {0x13CF, 'b', LOOK_CHEROKEE}, /* Cherokee Si */
    {0x13D2, 'r', LOOK_CHEROKEE}, /* Cherokee Sv */
    {0x13D4, 'w', LOOK_CHEROKEE}, /* Cherokee Ta */
    {0x13D5, 's', LOOK_CHEROKEE}, /* Cherokee De */
    {0x13D9, 'v', LOOK_CHEROKEE}, /* Cherokee Do */
    {0x13DA, 's', LOOK_CHEROKEE}, /* Cherokee Du */
    {0x13DE, 'i', LOOK_CHEROKEE}, /* Cherokee Tle */
    {0x13DF, 'c', LOOK_CHEROKEE}, /* Cherokee Tli */
    {0x13E2, 'p', LOOK_CHEROKEE}, /* Cherokee Tlv */
    {0x13E6, 'k', LOOK_CHEROKEE}, /* Cherokee Tso */
    {0x13E7, 'd', LOOK_CHEROKEE}, /* Cherokee Tsu */
    {0x13F3, 'g', LOOK_CHEROKEE}, /* Cherokee Yu */
    {0x13F4, 'b', LOOK_CHEROKEE}, /* Cherokee Yv */
    {0xA647, 'i', LOOK_CYRILLIC}, /* Cyrillic Small Iota */
    {0xAB75, 'i', LOOK_CHEROKEE}, /* Cherokee Small V */
    {0xAB81, 'r', LOOK_CHEROKEE}, /* Cherokee Small Hu */
    {0xAB83, 'w', LOOK_CHEROKEE}, /* Cherokee Small La */
    {0xAB93, 'z', LOOK_CHEROKEE}, /* Cherokee Small No */
    {0xABA9, 'v', LOOK_CHEROKEE}, /* Cherokee Small Do */
    {0xABAA, 's', LOOK_CHEROKEE}, /* Cherokee Small Du */
    {0xABAF, 'c', LOOK_CHEROKEE}, /* Cherokee Small Tli */
};

static enum look_script look_script(uint32_t, char *);
static const struct look_conf *look_find(uint32_t);
static int look_is_sep(uint32_t);
static int look_is_dot(uint32_t);
static uint32_t look_adapt(uint32_t, uint32_t, int);
static int look_punycode(const char *, size_t, uint32_t *, size_t *);
static size_t look_label(const char *, size_t, struct look_label *);
static enum look_script look_whole(const struct look_label *);
static int look_mixed(const struct look_label *);
static size_t look_token(const char *, size_t, enum look_script *, int *);
static char *look_skeleton(const char *, size_t);
static char *look_note(enum look_script, const char *);

static const struct look_conf *
look_find(uint32_t cp)
{
	size_t lo = 0, hi = PT_NELEM(look_table);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (look_table[mid].cp == cp)
			return &look_table[mid];
		if (look_table[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * The script of a letter; *latin gets the Latin letter it looks like
 * (lower case), or 0.
 */
static enum look_script
look_script(uint32_t cp, char *latin)
{
	const struct look_conf *c;

	*latin = 0;
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z')) {
		*latin = (char)mime_lower((unsigned char)cp);
		return LOOK_LATIN;
	}
	if (cp < 0x80)
		return LOOK_NONE;
	if (cp >= 0xFF21 && cp <= 0xFF3A) {
		*latin = (char)('a' + (cp - 0xFF21));
		return LOOK_FULLWIDTH;
	}
	if (cp >= 0xFF41 && cp <= 0xFF5A) {
		*latin = (char)('a' + (cp - 0xFF41));
		return LOOK_FULLWIDTH;
	}
	if ((c = look_find(cp)) != NULL) {
		*latin = c->latin;
		return (enum look_script)c->script;
	}
	if ((cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
	    (cp >= 0x1E00 && cp <= 0x1EFF))
		return LOOK_LATIN;
	if ((cp >= 0x370 && cp <= 0x3FF) || (cp >= 0x1F00 && cp <= 0x1FFF))
		return LOOK_GREEK;
	if ((cp >= 0x400 && cp <= 0x52F) || (cp >= 0x1C80 && cp <= 0x1C8F) ||
	    (cp >= 0xA640 && cp <= 0xA69F))
		return LOOK_CYRILLIC;
	if (cp >= 0x530 && cp <= 0x58F)
		return LOOK_ARMENIAN;
	if ((cp >= 0x13A0 && cp <= 0x13FF) || (cp >= 0xAB70 && cp <= 0xABBF))
		return LOOK_CHEROKEE;
	return LOOK_OTHER;
}

/* Ends a label: white space and ASCII punctuation but '-' and '_'. */
static int
look_is_sep(uint32_t cp)
{
	if (cp == 0x3000 || cp == 0xA0 || cp == PT_UTF8_INVALID)
		return 1;
	if (cp >= 0x80)
		return 0;
	return !((cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') ||
		 (cp >= 'a' && cp <= 'z') || cp == '-' || cp == '_');
}

/* The dots that separate domain labels (UTS #46). */
static int
look_is_dot(uint32_t cp)
{
	return cp == '.' || cp == 0x3002 || cp == 0xFF0E || cp == 0xFF61;
}

/* RFC 3492 6.1. */
static uint32_t
look_adapt(uint32_t delta, uint32_t numpoints, int first)
{
	uint32_t k = 0;

	delta = first ? delta / 700 : delta / 2;
	delta += delta / numpoints;
	while (delta > ((36 - 1) * 26) / 2) {
		delta /= 36 - 1;
		k += 36;
	}
	return k + (36 * delta) / (delta + 38);
}

/*
 * Decodes the punycode s (the part after "xn--") into out, at most
 * LOOK_LABEL_MAX code points (RFC 3492 6.2).  -1 when it is not valid
 * punycode, is too long, or decodes to nothing but ASCII.
 */
static int
look_punycode(const char *s, size_t len, uint32_t *out, size_t *outlen)
{
	uint32_t n = 128, bias = 72, i = 0;
	size_t b = 0, j, o = 0, in;
	int wide = 0;

	if (len == 0 || len >= LOOK_LABEL_MAX)
		return -1;
	for (j = 0; j < len; j++)
		if (s[j] == '-')
			b = j;
	for (j = 0; j < b; j++) {
		if ((unsigned char)s[j] >= 0x80)
			return -1;
		out[o++] = (unsigned char)s[j];
	}
	for (in = b > 0 ? b + 1 : 0; in < len;) {
		uint32_t oldi = i, w = 1, k;

		for (k = 36;; k += 36) {
			unsigned char c;
			uint32_t digit, t;

			if (in >= len)
				return -1;
			c = (unsigned char)s[in++];
			if (c >= '0' && c <= '9')
				digit = c - '0' + 26;
			else if (c >= 'a' && c <= 'z')
				digit = c - 'a';
			else if (c >= 'A' && c <= 'Z')
				digit = c - 'A';
			else
				return -1;
			if (digit > (UINT32_MAX - i) / w)
				return -1;
			i += digit * w;
			t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
			if (digit < t)
				break;
			if (w > UINT32_MAX / (36 - t))
				return -1;
			w *= 36 - t;
		}
		if (o + 1 >= LOOK_LABEL_MAX)
			return -1;
		bias = look_adapt(i - oldi, (uint32_t)o + 1, oldi == 0);
		if (i / ((uint32_t)o + 1) > 0x10FFFF - n)
			return -1;
		n += i / ((uint32_t)o + 1);
		i %= (uint32_t)o + 1;
		/* Controls and ASCII have no business in punycode. */
		if (n < 0xA0 || n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF))
			return -1;
		memmove(out + i + 1, out + i, (o - i) * sizeof *out);
		out[i++] = n;
		o++;
		wide = 1;
	}
	*outlen = o;
	return wide ? 0 : -1;
}

/*
 * Reads the label at s, up to a separator or a dot, into l.  Returns
 * the bytes read.  A label longer than LOOK_LABEL_MAX code points is
 * no name or domain label: it comes back empty.
 */
static size_t
look_label(const char *s, size_t len, struct look_label *l)
{
	size_t i, n, ncp = 0;
	uint32_t cp;

	l->bad = 0;
	for (i = 0; i < len; i += n) {
		n = pt_utf8_decode(s + i, len - i, &cp);
		if (look_is_sep(cp) || look_is_dot(cp))
			break;
		if (ncp < LOOK_LABEL_MAX)
			l->cp[ncp] = cp;
		ncp++;
	}
	l->n = ncp <= LOOK_LABEL_MAX ? ncp : 0;
	if (i > 4 && mime_ci_prefix(s, i, "xn--") &&
	    look_punycode(s + 4, i - 4, l->cp, &l->n) != 0) {
		l->bad = 1;
		l->n = 0;
	}
	return i;
}

/*
 * The script a label is written in when every letter of it is one of
 * that script's Latin look-alikes (digits, '-' and '_' allowed), and it
 * has at least two letters; else LOOK_NONE.
 */
static enum look_script
look_whole(const struct look_label *l)
{
	enum look_script sc = LOOK_NONE;
	size_t i, letters = 0;
	char latin;

	for (i = 0; i < l->n; i++) {
		enum look_script s = look_script(l->cp[i], &latin);

		if (s == LOOK_NONE && l->cp[i] < 0x80)
			continue;
		if (s == LOOK_LATIN || s == LOOK_OTHER || s == LOOK_NONE ||
		    latin == 0 || (sc != LOOK_NONE && s != sc))
			return LOOK_NONE;
		sc = s;
		letters++;
	}
	return letters >= 2 ? sc : LOOK_NONE;
}

/* 1 when a label mixes the scripts that imitate each other. */
static int
look_mixed(const struct look_label *l)
{
	unsigned seen = 0;
	size_t i;
	char latin;

	for (i = 0; i < l->n; i++) {
		enum look_script s = look_script(l->cp[i], &latin);

		if (s != LOOK_NONE && s != LOOK_OTHER)
			seen |= 1u << s;
	}
	return (seen & (seen - 1)) != 0;
}

/*
 * Reads the token at s: labels joined by dots ("mail.example.com").
 * *whole gets the script of its first whole-script confusable label,
 * or LOOK_NONE; *suspect is set for a mixed-script label or punycode
 * that does not decode.  Returns the bytes read (at least one).
 */
static size_t
look_token(const char *s, size_t len, enum look_script *whole, int *suspect)
{
	struct look_label l;
	size_t i = 0;
	uint32_t cp;

	*whole = LOOK_NONE;
	for (;;) {
		enum look_script sc;
		size_t n;

		i += look_label(s + i, len - i, &l);
		if (l.bad || look_mixed(&l))
			*suspect = 1;
		else if ((sc = look_whole(&l)) != LOOK_NONE &&
			 *whole == LOOK_NONE)
			*whole = sc;
		if (i >= len)
			break;
		n = pt_utf8_decode(s + i, len - i, &cp);
		if (!look_is_dot(cp))
			break;
		/* A dot joins two labels; "Mr. X" ends at the dot. */
		(void)pt_utf8_decode(s + i + n, len - i - n, &cp);
		if (i + n >= len || look_is_sep(cp) || look_is_dot(cp))
			return i + n;
		i += n;
	}
	return i > 0 ? i : pt_utf8_decode(s, len, &cp);
}

/*
 * What the token [s, s + len) looks like: its whole-script confusable
 * labels as their skeletons (lower case), the others as they are
 * (punycode decoded).
 */
static char *
look_skeleton(const char *s, size_t len)
{
	struct look_label l;
	struct pt_buf b;
	size_t i = 0, j;
	char enc[4], latin;
	uint32_t dot;

	pt_buf_init(&b, 0);
	while (i < len) {
		int whole;

		i += look_label(s + i, len - i, &l);
		whole = look_whole(&l) != LOOK_NONE;
		for (j = 0; j < l.n; j++) {
			(void)look_script(l.cp[j], &latin);
			if (whole && latin != 0)
				(void)pt_buf_addch(&b, latin, NULL);
			else
				(void)pt_buf_add(&b, enc,
				    pt_utf8_encode(l.cp[j], enc), NULL);
		}
		if (i < len) {
			(void)pt_buf_addch(&b, '.', NULL);
			i += pt_utf8_decode(s + i, len - i, &dot);
		}
	}
	return pt_buf_detach(&b, NULL);
}

static char *
look_note(enum look_script sc, const char *skel)
{
	switch (sc) {
	case LOOK_GREEK:
		return pt_xasprintf(_("the sender's name or address looks like "
				      "%s written in Greek letters: check who "
				      "it really is"),
		    skel);
	case LOOK_CYRILLIC:
		return pt_xasprintf(_("the sender's name or address looks like "
				      "%s written in Cyrillic letters: check "
				      "who it really is"),
		    skel);
	case LOOK_ARMENIAN:
		return pt_xasprintf(_("the sender's name or address looks like "
				      "%s written in Armenian letters: check "
				      "who it really is"),
		    skel);
	case LOOK_CHEROKEE:
		return pt_xasprintf(_("the sender's name or address looks like "
				      "%s written in Cherokee letters: check "
				      "who it really is"),
		    skel);
	default:
		return pt_xasprintf(_("the sender's name or address looks like "
				      "%s written in fullwidth letters: check "
				      "who it really is"),
		    skel);
	}
}

char *
mime_lookalike(const char *s)
{
	size_t len = strlen(s), i, n;
	int suspect = strstr(s, "\xEF\xBC\xA0") != NULL; /* fullwidth @ */
	uint32_t cp;

	for (i = 0; i < len; i += n) {
		enum look_script whole;

		n = pt_utf8_decode(s + i, len - i, &cp);
		if (look_is_sep(cp) || look_is_dot(cp))
			continue;
		n = look_token(s + i, len - i, &whole, &suspect);
		if (whole != LOOK_NONE) {
			char *skel = look_skeleton(s + i, n), *note;

			note = look_note(whole, skel);
			free(skel);
			return note;
		}
	}
	if (!suspect)
		return NULL;
	return pt_xstrdup(_("the sender mixes alphabets or uses look-alike "
			    "characters: check who it really is"));
}
