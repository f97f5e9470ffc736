/*
 * html.c: HTML to plain text for reading, in one pass with no recursion
 * and no DOM, so 2,000 nested <div>s or half a megabyte of tag soup cost
 * no more than their length.  It keeps paragraphs, line breaks, lists
 * (bullets and numbers), block quotes ("> ") and preformatted text;
 * shows links as "text[n]" with the addresses listed at the end (not
 * when the text already is the address, nor for javascript:, data: or
 * vbscript:); shows an image's alt text; drops script, style, title,
 * template, iframe and the like (when they are closed: an element left
 * open does not swallow the rest); decodes character references
 * (the HTML 4 names and all numeric ones, with the HTML5 windows-1252
 * fix-up for 128-159).  Text hidden by CSS is shown: nothing is
 * concealed from the reader.  Control characters that references
 * produce are left for the sanitizer, which makes them visible.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "private.h"

#define HTML_DEPTH_MAX 16    /* list and quote levels drawn */
#define HTML_LINKS_MAX 10000 /* numbered links */
#define HTML_ATTR_MAX  2048  /* bytes of an attribute value kept */
#define HTML_NAME_MAX  16    /* bytes of a tag name */

struct html_entity {
	const char *name; /* cppcheck-suppress unusedStructMember */
	uint32_t cp;
};

/* The HTML 4 named character references, sorted by name (strcmp). */
static const struct html_entity html_entities[] = {
    {"AElig", 0xC6},
    {"Aacute", 0xC1},
    {"Acirc", 0xC2},
    {"Agrave", 0xC0},
    {"Alpha", 0x391},
    {"Aring", 0xC5},
    {"Atilde", 0xC3},
    {"Auml", 0xC4},
    {"Beta", 0x392},
    {"Ccedil", 0xC7},
    {"Chi", 0x3A7},
    {"Dagger", 0x2021},
    {"Delta", 0x394},
    {"ETH", 0xD0},
    {"Eacute", 0xC9},
    {"Ecirc", 0xCA},
    {"Egrave", 0xC8},
    {"Epsilon", 0x395},
    {"Eta", 0x397},
    {"Euml", 0xCB},
    {"Gamma", 0x393},
    {"Iacute", 0xCD},
    {"Icirc", 0xCE},
    {"Igrave", 0xCC},
    {"Iota", 0x399},
    {"Iuml", 0xCF},
    {"Kappa", 0x39A},
    {"Lambda", 0x39B},
    {"Mu", 0x39C},
    {"Ntilde", 0xD1},
    {"Nu", 0x39D},
    {"OElig", 0x152},
    {"Oacute", 0xD3},
    {"Ocirc", 0xD4},
    {"Ograve", 0xD2},
    {"Omega", 0x3A9},
    {"Omicron", 0x39F},
    {"Oslash", 0xD8},
    {"Otilde", 0xD5},
    {"Ouml", 0xD6},
    {"Phi", 0x3A6},
    {"Pi", 0x3A0},
    {"Prime", 0x2033},
    {"Psi", 0x3A8},
    {"Rho", 0x3A1},
    {"Scaron", 0x160},
    {"Sigma", 0x3A3},
    {"THORN", 0xDE},
    {"Tau", 0x3A4},
    {"Theta", 0x398},
    {"Uacute", 0xDA},
    {"Ucirc", 0xDB},
    {"Ugrave", 0xD9},
    {"Upsilon", 0x3A5},
    {"Uuml", 0xDC},
    {"Xi", 0x39E},
    {"Yacute", 0xDD},
    {"Yuml", 0x178},
    {"Zeta", 0x396},
    {"aacute", 0xE1},
    {"acirc", 0xE2},
    {"acute", 0xB4},
    {"aelig", 0xE6},
    {"agrave", 0xE0},
    {"alefsym", 0x2135},
    {"alpha", 0x3B1},
    {"amp", 0x26},
    {"and", 0x2227},
    {"ang", 0x2220},
    {"apos", 0x27},
    {"aring", 0xE5},
    {"asymp", 0x2248},
    {"atilde", 0xE3},
    {"auml", 0xE4},
    {"bdquo", 0x201E},
    {"beta", 0x3B2},
    {"brvbar", 0xA6},
    {"bull", 0x2022},
    {"cap", 0x2229},
    {"ccedil", 0xE7},
    {"cedil", 0xB8},
    {"cent", 0xA2},
    {"chi", 0x3C7},
    {"circ", 0x2C6},
    {"clubs", 0x2663},
    {"cong", 0x2245},
    {"copy", 0xA9},
    {"crarr", 0x21B5},
    {"cup", 0x222A},
    {"curren", 0xA4},
    {"dArr", 0x21D3},
    {"dagger", 0x2020},
    {"darr", 0x2193},
    {"deg", 0xB0},
    {"delta", 0x3B4},
    {"diams", 0x2666},
    {"divide", 0xF7},
    {"eacute", 0xE9},
    {"ecirc", 0xEA},
    {"egrave", 0xE8},
    {"empty", 0x2205},
    {"emsp", 0x2003},
    {"ensp", 0x2002},
    {"epsilon", 0x3B5},
    {"equiv", 0x2261},
    {"eta", 0x3B7},
    {"eth", 0xF0},
    {"euml", 0xEB},
    {"euro", 0x20AC},
    {"exist", 0x2203},
    {"fnof", 0x192},
    {"forall", 0x2200},
    {"frac12", 0xBD},
    {"frac14", 0xBC},
    {"frac34", 0xBE},
    {"frasl", 0x2044},
    {"gamma", 0x3B3},
    {"ge", 0x2265},
    {"gt", 0x3E},
    {"hArr", 0x21D4},
    {"harr", 0x2194},
    {"hearts", 0x2665},
    {"hellip", 0x2026},
    {"iacute", 0xED},
    {"icirc", 0xEE},
    {"iexcl", 0xA1},
    {"igrave", 0xEC},
    {"image", 0x2111},
    {"infin", 0x221E},
    {"int", 0x222B},
    {"iota", 0x3B9},
    {"iquest", 0xBF},
    {"isin", 0x2208},
    {"iuml", 0xEF},
    {"kappa", 0x3BA},
    {"lArr", 0x21D0},
    {"lambda", 0x3BB},
    {"lang", 0x2329},
    {"laquo", 0xAB},
    {"larr", 0x2190},
    {"lceil", 0x2308},
    {"ldquo", 0x201C},
    {"le", 0x2264},
    {"lfloor", 0x230A},
    {"lowast", 0x2217},
    {"loz", 0x25CA},
    {"lrm", 0x200E},
    {"lsaquo", 0x2039},
    {"lsquo", 0x2018},
    {"lt", 0x3C},
    {"macr", 0xAF},
    {"mdash", 0x2014},
    {"micro", 0xB5},
    {"middot", 0xB7},
    {"minus", 0x2212},
    {"mu", 0x3BC},
    {"nabla", 0x2207},
    {"nbsp", 0xA0},
    {"ndash", 0x2013},
    {"ne", 0x2260},
    {"ni", 0x220B},
    {"not", 0xAC},
    {"notin", 0x2209},
    {"nsub", 0x2284},
    {"ntilde", 0xF1},
    {"nu", 0x3BD},
    {"oacute", 0xF3},
    {"ocirc", 0xF4},
    {"oelig", 0x153},
    {"ograve", 0xF2},
    {"oline", 0x203E},
    {"omega", 0x3C9},
    {"omicron", 0x3BF},
    {"oplus", 0x2295},
    {"or", 0x2228},
    {"ordf", 0xAA},
    {"ordm", 0xBA},
    {"oslash", 0xF8},
    {"otilde", 0xF5},
    {"otimes", 0x2297},
    {"ouml", 0xF6},
    {"para", 0xB6},
    {"part", 0x2202},
    {"permil", 0x2030},
    {"perp", 0x22A5},
    {"phi", 0x3C6},
    {"pi", 0x3C0},
    {"piv", 0x3D6},
    {"plusmn", 0xB1},
    {"pound", 0xA3},
    {"prime", 0x2032},
    {"prod", 0x220F},
    {"prop", 0x221D},
    {"psi", 0x3C8},
    {"quot", 0x22},
    {"rArr", 0x21D2},
    {"radic", 0x221A},
    {"rang", 0x232A},
    {"raquo", 0xBB},
    {"rarr", 0x2192},
    {"rceil", 0x2309},
    {"rdquo", 0x201D},
    {"real", 0x211C},
    {"reg", 0xAE},
    {"rfloor", 0x230B},
    {"rho", 0x3C1},
    {"rlm", 0x200F},
    {"rsaquo", 0x203A},
    {"rsquo", 0x2019},
    {"sbquo", 0x201A},
    {"scaron", 0x161},
    {"sdot", 0x22C5},
    {"sect", 0xA7},
    {"shy", 0xAD},
    {"sigma", 0x3C3},
    {"sigmaf", 0x3C2},
    {"sim", 0x223C},
    {"spades", 0x2660},
    {"sub", 0x2282},
    {"sube", 0x2286},
    {"sum", 0x2211},
    {"sup", 0x2283},
    {"sup1", 0xB9},
    {"sup2", 0xB2},
    {"sup3", 0xB3},
    {"supe", 0x2287},
    {"szlig", 0xDF},
    {"tau", 0x3C4},
    {"there4", 0x2234},
    {"theta", 0x3B8},
    {"thetasym", 0x3D1},
    {"thinsp", 0x2009},
    {"thorn", 0xFE},
    {"tilde", 0x2DC},
    {"times", 0xD7},
    {"trade", 0x2122},
    {"uArr", 0x21D1},
    {"uacute", 0xFA},
    {"uarr", 0x2191},
    {"ucirc", 0xFB},
    {"ugrave", 0xF9},
    {"uml", 0xA8},
    {"upsih", 0x3D2},
    {"upsilon", 0x3C5},
    {"uuml", 0xFC},
    {"weierp", 0x2118},
    {"xi", 0x3BE},
    {"yacute", 0xFD},
    {"yen", 0xA5},
    {"yuml", 0xFF},
    {"zeta", 0x3B6},
    {"zwj", 0x200D},
    {"zwnj", 0x200C},
};

/* HTML5: numeric references 128-159 mean windows-1252. */
static const uint16_t html_cp1252[32] = {0x20AC, 0x81, 0x201A, 0x0192, 0x201E,
    0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
    0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178};

/* Elements whose content is not text for the reader. */
static const char *const html_skipped[] = {"script", "style", "title",
    "template", "iframe", "noembed", "noframes"};

struct html {
	struct pt_buf *out;
	struct pt_error *err;
	int failed;
	unsigned width;
	int started;   /* something was written */
	int linestart; /* the current line has no text yet */
	int nl;        /* line breaks wanted before the next text */
	int trail;     /* line breaks at the end of the output */
	int space;     /* a space is wanted before the next text */
	unsigned pre;
	unsigned quote;
	unsigned list;
	int ordered[HTML_DEPTH_MAX];
	long number[HTML_DEPTH_MAX];
	char bullet[24]; /* a list item's mark, written with its text */
	struct pt_buf refs;
	unsigned nlinks;
	char *href; /* the open link, or NULL */
	size_t linkstart;
};

struct html_tag {
	char name[HTML_NAME_MAX];
	int end;
	struct pt_buf href;
	struct pt_buf alt;
	long start;
};

static int html_entity_cmp(const void *, const void *);
static size_t html_ref_number(const char *, size_t, uint32_t *);
static size_t html_ref_name(const char *, size_t, uint32_t *);
static size_t html_ref(const char *, size_t, char *);
static void html_add(struct html *, const char *, size_t);
static void html_break(struct html *, int);
static void html_flush(struct html *);
static void html_text(struct html *, const char *, size_t);
static void html_attr_value(struct pt_buf *, const char *, size_t);
static size_t html_tag_parse(const char *, size_t, size_t, struct html_tag *);
static int html_is(const char *, const char *const *, size_t);
static void html_link_end(struct html *);
static void html_tag_do(struct html *, struct html_tag *);
static size_t html_skip_to_end(const char *, size_t, size_t, const char *,
    size_t *);

static int
html_entity_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct html_entity *)elem)->name);
}

/* A numeric reference "&#233;" or "&#xE9;" at s; returns its length. */
static size_t
html_ref_number(const char *s, size_t len, uint32_t *cpp)
{
	size_t i = 2, digits = 0;
	uint32_t cp = 0, base = 10;

	if (i < len && (s[i] == 'x' || s[i] == 'X')) {
		base = 16;
		i++;
	}
	for (; i < len; i++, digits++) {
		int d = mime_hex((unsigned char)s[i]);

		if (d < 0 || (uint32_t)d >= base)
			break;
		if (cp <= 0x10FFFF)
			cp = cp * base + (uint32_t)d;
	}
	if (digits == 0)
		return 0;
	if (i < len && s[i] == ';')
		i++;
	if (cp >= 0x80 && cp <= 0x9F)
		cp = html_cp1252[cp - 0x80];
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	*cpp = cp;
	return i;
}

/* A named reference "&eacute;" at s; returns its length. */
static size_t
html_ref_name(const char *s, size_t len, uint32_t *cpp)
{
	const struct html_entity *e;
	char name[12];
	size_t i, n = 0;

	for (i = 1;
	     i < len && n < sizeof name - 1 &&
	     ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		 (s[i] >= '0' && s[i] <= '9'));
	     i++)
		name[n++] = s[i];
	name[n] = '\0';
	if (n == 0 || (e = bsearch(name, html_entities, PT_NELEM(html_entities),
			   sizeof html_entities[0], html_entity_cmp)) == NULL)
		return 0;
	*cpp = e->cp;
	if (i < len && s[i] == ';')
		i++;
	return i;
}

/*
 * Decodes the character reference at s[0] == '&'.  Returns the bytes
 * consumed (0: not a reference) and puts the UTF-8 into u (at most 4
 * bytes, NUL-terminated).
 */
static size_t
html_ref(const char *s, size_t len, char *u)
{
	uint32_t cp = 0;
	size_t n;

	if (len > 1 && s[1] == '#')
		n = html_ref_number(s, len, &cp);
	else
		n = html_ref_name(s, len, &cp);
	if (n > 0)
		u[pt_utf8_encode(cp, u)] = '\0';
	return n;
}

static void
html_add(struct html *h, const char *s, size_t n)
{
	if (!h->failed && pt_buf_add(h->out, s, n, h->err) != 0)
		h->failed = 1;
}

/* Asks for n line breaks before the next text (<br> adds one). */
static void
html_break(struct html *h, int n)
{
	if (!h->started)
		return;
	if (n < 0)
		h->nl = h->nl + 1 > 2 ? 2 : h->nl + 1;
	else if (h->nl < n)
		h->nl = n;
}

/* Writes the breaks, the line prefix or the space the text needs. */
static void
html_flush(struct html *h)
{
	if (h->nl > 0) {
		for (; h->trail < h->nl; h->trail++)
			html_add(h, "\n", 1);
		h->linestart = 1;
		h->nl = 0;
	}
	if (h->linestart) {
		for (unsigned i = 0; i < h->quote && i < HTML_DEPTH_MAX; i++)
			html_add(h, "> ", 2);
		/* Indent by the list level, less one for a bullet. */
		for (unsigned i = h->bullet[0] != '\0' ? 1 : 0;
		     i < h->list && i < HTML_DEPTH_MAX; i++)
			html_add(h, "  ", 2);
		html_add(h, h->bullet, strlen(h->bullet));
		h->bullet[0] = '\0';
		h->linestart = 0;
	} else if (h->space)
		html_add(h, " ", 1);
	h->space = 0;
	h->started = 1;
	h->trail = 0;
}

/* Text between tags: references decoded, white space collapsed. */
static void
html_text(struct html *h, const char *s, size_t len)
{
	size_t i = 0, j;
	char u[8];

	while (i < len && !h->failed) {
		char c = s[i];
		size_t n = c == '&' ? html_ref(s + i, len - i, u) : 0;

		if (n > 0) {
			if (strcmp(u, "\xC2\xA0") == 0 && !h->pre)
				h->space = 1;
			else {
				html_flush(h);
				html_add(h, u, strlen(u));
			}
			i += n;
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
			   c == '\f') {
			if (h->pre && c == '\n') {
				html_add(h, "\n", 1);
				h->linestart = 1;
				h->started = 1;
				h->trail++;
			} else if (h->pre && c != '\r') {
				html_flush(h);
				html_add(h, &c, 1);
			} else if (!h->pre)
				h->space = 1;
			i++;
		} else {
			for (j = i + 1; j < len && s[j] != '&' && s[j] != ' ' &&
					s[j] != '\t' && s[j] != '\n' &&
					s[j] != '\r' && s[j] != '\f';
			     j++)
				;
			html_flush(h);
			html_add(h, s + i, j - i);
			i = j;
		}
	}
}

/* An attribute value with references decoded, white space collapsed. */
static void
html_attr_value(struct pt_buf *b, const char *s, size_t len)
{
	size_t i;
	char u[8];

	pt_buf_reset(b);
	for (i = 0; i < len && b->len < HTML_ATTR_MAX; i++) {
		size_t n = s[i] == '&' ? html_ref(s + i, len - i, u) : 0;

		if (n > 0) {
			(void)pt_buf_addstr(b, u, NULL);
			i += n - 1;
		} else if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
			(void)pt_buf_addch(b, ' ', NULL);
		else
			(void)pt_buf_addch(b, s[i], NULL);
	}
}

/*
 * Reads the tag at s[i] == '<' (a start or end tag).  Returns the offset
 * after its '>' (or len), or 0 when this '<' starts no tag.
 */
static size_t
html_tag_parse(const char *s, size_t len, size_t i, struct html_tag *t)
{
	size_t n = 0, ns, ne, vs, ve;
	char q;

	t->name[0] = '\0';
	t->end = 0;
	t->start = 1;
	pt_buf_reset(&t->href);
	pt_buf_reset(&t->alt);
	i++;
	if (i < len && s[i] == '/') {
		t->end = 1;
		i++;
	}
	if (i >= len ||
	    !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
		return 0;
	for (; i < len && s[i] != '>' && s[i] != '/' && s[i] != ' ' &&
	       s[i] != '\t' && s[i] != '\n' && s[i] != '\r' && s[i] != '\f';
	     i++)
		if (n < sizeof t->name - 1)
			t->name[n++] = (char)mime_lower((unsigned char)s[i]);
		else
			n = sizeof t->name; /* too long: no known tag */
	t->name[n < sizeof t->name ? n : 0] = '\0';
	while (i < len && s[i] != '>') {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
		    s[i] == '\r' || s[i] == '\f' || s[i] == '/') {
			i++;
			continue;
		}
		ns = i;
		while (i < len && s[i] != '=' && s[i] != '>' && s[i] != ' ' &&
		       s[i] != '\t' && s[i] != '\n' && s[i] != '\r' &&
		       s[i] != '/')
			i++;
		ne = i;
		while (i < len && (s[i] == ' ' || s[i] == '\t' ||
				      s[i] == '\n' || s[i] == '\r'))
			i++;
		if (i >= len || s[i] != '=')
			continue;
		for (i++; i < len && (s[i] == ' ' || s[i] == '\t' ||
					 s[i] == '\n' || s[i] == '\r');
		     i++)
			;
		if (i < len && (s[i] == '"' || s[i] == '\'')) {
			q = s[i++];
			vs = i;
			while (i < len && s[i] != q)
				i++;
			ve = i;
			if (i < len)
				i++;
		} else {
			vs = i;
			while (i < len && s[i] != '>' && s[i] != ' ' &&
			       s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
				i++;
			ve = i;
		}
		if (mime_ci_eq(s + ns, ne - ns, "href"))
			html_attr_value(&t->href, s + vs, ve - vs);
		else if (mime_ci_eq(s + ns, ne - ns, "alt"))
			html_attr_value(&t->alt, s + vs, ve - vs);
		else if (mime_ci_eq(s + ns, ne - ns, "start")) {
			for (t->start = 0; vs < ve && s[vs] >= '0' &&
					   s[vs] <= '9' && t->start < 100000;
			     vs++)
				t->start = t->start * 10 + (s[vs] - '0');
		}
	}
	return i < len ? i + 1 : len;
}

static int
html_is(const char *name, const char *const *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(name, set[i]) == 0)
			return 1;
	return 0;
}

/*
 * Returns the offset after "</name ...>" from i, or 0 when there is none
 * (then the element is not skipped: nothing vanishes for want of an end
 * tag).  *none remembers where a search failed, so that many unclosed
 * elements cost one scan.
 */
static size_t
html_skip_to_end(const char *s, size_t len, size_t i, const char *name,
    size_t *none)
{
	size_t n = strlen(name), from = i;
	const char *p;

	if (i >= *none)
		return 0;
	while (i < len && (p = memchr(s + i, '<', len - i)) != NULL) {
		i = (size_t)(p - s) + 1;
		if (i + 1 + n < len && s[i] == '/' &&
		    mime_ci_prefix(s + i + 1, len - i - 1, name) &&
		    strchr(" \t\r\n\f/>", s[i + 1 + n]) != NULL &&
		    s[i + 1 + n] != '\0') {
			p = memchr(s + i, '>', len - i);
			return p != NULL ? (size_t)(p - s) + 1 : len;
		}
	}
	*none = from;
	return 0;
}

/* Ends the open link: "text[n]", or nothing when text says it all. */
static void
html_link_end(struct html *h)
{
	const char *t, *u = h->href;
	size_t tl, ul;
	char num[24];

	if (u == NULL)
		return;
	t = h->out->data + h->linkstart;
	tl = h->out->len - h->linkstart;
	while (tl > 0 && (*t == ' ' || *t == '\n')) {
		t++;
		tl--;
	}
	while (tl > 0 && (t[tl - 1] == ' ' || t[tl - 1] == '\n'))
		tl--;
	while (*u == ' ')
		u++;
	ul = strlen(u);
	while (ul > 0 && u[ul - 1] == ' ')
		ul--;
	if (ul > 0 && u[ul - 1] == '/' && !(tl > 0 && t[tl - 1] == '/'))
		ul--;
	if (ul == 0 || *u == '#' || mime_ci_prefix(u, ul, "javascript:") ||
	    mime_ci_prefix(u, ul, "vbscript:") ||
	    mime_ci_prefix(u, ul, "data:") || h->nlinks >= HTML_LINKS_MAX ||
	    (ul == tl && memcmp(u, t, tl) == 0) ||
	    (ul == tl + 7 && mime_ci_prefix(u, ul, "mailto:") &&
		memcmp(u + 7, t, tl) == 0) ||
	    (ul == tl + 7 && mime_ci_prefix(u, ul, "http://") &&
		memcmp(u + 7, t, tl) == 0) ||
	    (ul == tl + 8 && mime_ci_prefix(u, ul, "https://") &&
		memcmp(u + 8, t, tl) == 0)) {
		free(h->href);
		h->href = NULL;
		return;
	}
	h->nlinks++;
	(void)snprintf(num, sizeof num, "[%u]", h->nlinks);
	if (tl > 0)
		html_add(h, num, strlen(num));
	(void)pt_buf_printf(&h->refs, NULL, "%s %s\n", num, h->href);
	free(h->href);
	h->href = NULL;
}

static void
html_tag_do(struct html *h, struct html_tag *t)
{
	static const char *const para[] = {"p", "h1", "h2", "h3", "h4", "h5",
	    "h6", "dl", "form", "fieldset", "address", "figure", "center",
	    "article", "section", "header", "footer", "nav", "aside", "main",
	    "table", "hr"};
	static const char *const line[] = {"div", "tr", "dt", "dd", "caption",
	    "br", "li", "option", "figcaption", "legend", "tbody", "thead",
	    "tfoot", "summary", "details"};
	const char *n = t->name;
	unsigned lvl;
	int i;

	if (strcmp(n, "a") == 0) {
		html_link_end(h);
		if (!t->end && t->href.len > 0) {
			html_flush(h);
			h->href = pt_xstrdup(t->href.data);
			h->linkstart = h->out->len;
		}
	} else if (strcmp(n, "br") == 0)
		html_break(h, -1);
	else if (strcmp(n, "img") == 0 && !t->end && t->alt.len > 0) {
		html_flush(h);
		html_add(h, "[", 1);
		html_text(h, t->alt.data, t->alt.len);
		html_add(h, "]", 1);
	} else if (strcmp(n, "ul") == 0 || strcmp(n, "ol") == 0 ||
		   strcmp(n, "menu") == 0) {
		html_break(h, h->list > 0 ? 1 : 2);
		if (!t->end) {
			if (h->list < HTML_DEPTH_MAX) {
				h->ordered[h->list] = n[0] == 'o';
				h->number[h->list] = t->start;
			}
			h->list++;
		} else if (h->list > 0)
			h->list--;
	} else if (strcmp(n, "li") == 0) {
		html_break(h, 1);
		h->bullet[0] = '\0';
		if (!t->end) {
			lvl = h->list > 0 ? h->list - 1 : 0;
			if (lvl < HTML_DEPTH_MAX && h->list > 0 &&
			    h->ordered[lvl])
				(void)snprintf(h->bullet, sizeof h->bullet,
				    "%ld. ", h->number[lvl]++);
			else
				pt_strlcpy(h->bullet, "* ", sizeof h->bullet);
		}
	} else if (strcmp(n, "blockquote") == 0) {
		html_break(h, 2);
		if (!t->end)
			h->quote++;
		else if (h->quote > 0)
			h->quote--;
	} else if (strcmp(n, "pre") == 0 || strcmp(n, "xmp") == 0 ||
		   strcmp(n, "listing") == 0 || strcmp(n, "plaintext") == 0) {
		html_break(h, 2);
		if (!t->end)
			h->pre++;
		else if (h->pre > 0)
			h->pre--;
	} else if (strcmp(n, "td") == 0 || strcmp(n, "th") == 0)
		h->space = 1;
	else if (html_is(n, para, PT_NELEM(para))) {
		html_break(h, 2);
		if (strcmp(n, "hr") == 0 && !t->end) {
			html_flush(h);
			for (i = 0; i < (int)h->width && i < 200; i++)
				html_add(h, "-", 1);
			html_break(h, 2);
		}
	} else if (html_is(n, line, PT_NELEM(line)))
		html_break(h, 1);
}

int
mime_html_to_text(struct pt_buf *out, const char *s, size_t len, unsigned width,
    struct pt_error *err)
{
	struct html h;
	struct html_tag t;
	size_t i = 0, k, none[PT_NELEM(html_skipped)];
	const char *p;

	for (k = 0; k < PT_NELEM(none); k++)
		none[k] = (size_t)-1;
	memset(&h, 0, sizeof h);
	h.out = out;
	h.err = err;
	h.width = width > 0 ? width : MIME_WIDTH_DEFAULT;
	h.linestart = 1;
	pt_buf_init(&h.refs, 0);
	pt_buf_init(&t.href, 0);
	pt_buf_init(&t.alt, 0);
	while (i < len && !h.failed) {
		size_t j;

		p = memchr(s + i, '<', len - i);
		j = p != NULL ? (size_t)(p - s) : len;
		html_text(&h, s + i, j - i);
		if ((i = j) >= len)
			break;
		if (i + 3 < len && memcmp(s + i, "<!--", 4) == 0) {
			for (k = i + 4;
			     k + 2 < len && memcmp(s + k, "-->", 3) != 0; k++)
				;
			i = k + 2 < len ? k + 3 : len;
			continue;
		}
		if (i + 1 < len && (s[i + 1] == '!' || s[i + 1] == '?')) {
			p = memchr(s + i, '>', len - i);
			i = p != NULL ? (size_t)(p - s) + 1 : len;
			continue;
		}
		if ((k = html_tag_parse(s, len, i, &t)) == 0) {
			html_text(&h, "<", 1);
			i++;
			continue;
		}
		i = k;
		for (k = 0; !t.end && k < PT_NELEM(html_skipped); k++)
			if (strcmp(t.name, html_skipped[k]) == 0)
				break;
		if (!t.end && k < PT_NELEM(html_skipped) &&
		    (k = html_skip_to_end(s, len, i, t.name, &none[k])) > 0) {
			i = k;
			continue;
		}
		html_tag_do(&h, &t);
	}
	html_link_end(&h);
	if (h.refs.len > 0 && !h.failed) {
		h.quote = h.list = h.pre = 0;
		h.bullet[0] = '\0';
		html_break(&h, 2);
		html_flush(&h);
		html_add(&h, h.refs.data, h.refs.len);
		h.trail = 1;
	}
	if (h.started && h.trail == 0)
		html_add(&h, "\n", 1);
	pt_buf_release(&h.refs);
	pt_buf_release(&t.href);
	pt_buf_release(&t.alt);
	return h.failed ? -1 : 0;
}
