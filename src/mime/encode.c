/*
 * encode.c: the encoders outgoing mail needs and libetpan lacks: RFC
 * 2047 encoded words for unstructured fields (Subject) and display
 * names, header folding, RFC 2231 parameters, quoted-printable and
 * base64 bodies, RFC 5322 dates, Message-IDs and media types guessed
 * from a file name.  Everything written is 7-bit; header lines stay
 * within 78 columns when any break is possible and never pass 998.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "private.h"
#include "send.h"

/* Encoded words: "=?UTF-8?Q?" + payload + "?=" is at most 75 bytes. */
#define MIME_EW_OVERHEAD 12
#define MIME_EW_PAYLOAD  (75 - MIME_EW_OVERHEAD)

static const char mime_hexdig[] = "0123456789ABCDEF";
static const char mime_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			       "abcdefghijklmnopqrstuvwxyz0123456789+/";

static int mime_q_safe(unsigned char);
static size_t mime_q_len(const char *, size_t);
static size_t mime_b_len(size_t);
static size_t mime_char_len(const char *, size_t);
static int mime_ew_emit(struct mime_fold *, const char *, const char *, size_t,
    int);
static int mime_word_needs_ew(const char *, size_t);
static int mime_attr_char(unsigned char);

/* Folding. */

void
mime_fold_init(struct mime_fold *f, struct pt_buf *out, const char *name,
    struct pt_error *err)
{
	f->out = out;
	f->err = err;
	f->rc = 0;
	f->col = 0;
	f->start = 0;
	if (name != NULL) {
		f->rc = pt_buf_printf(out, err, "%s:", name);
		f->col = f->start = strlen(name) + 1;
	}
}

/*
 * Appends sep then tok.  When the line would pass MIME_FOLD_WIDTH and
 * something already follows the field name, a line break goes before
 * sep (sep must then be white space, or a space is used).  glue != 0
 * never breaks (for a "," that must stay with its address).
 */
void
mime_fold_add(struct mime_fold *f, const char *sep, const char *tok, size_t len,
    int glue)
{
	size_t seplen = strlen(sep);

	if (f->rc != 0)
		return;
	if (!glue && f->col > f->start &&
	    f->col + seplen + len > MIME_FOLD_WIDTH) {
		if (pt_buf_add(f->out, "\r\n", 2, f->err) != 0) {
			f->rc = -1;
			return;
		}
		f->col = 0;
		if (seplen == 0) {
			sep = " ";
			seplen = 1;
		}
	}
	if (pt_buf_add(f->out, sep, seplen, f->err) != 0 ||
	    pt_buf_add(f->out, tok, len, f->err) != 0) {
		f->rc = -1;
		return;
	}
	f->col += seplen + len;
}

int
mime_fold_end(struct mime_fold *f)
{
	if (f->rc == 0 && pt_buf_add(f->out, "\r\n", 2, f->err) != 0)
		f->rc = -1;
	return f->rc;
}

/* RFC 2047. */

/* Bytes that stand for themselves in a "Q" word, even in a phrase. */
static int
mime_q_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '!' || c == '*' || c == '+' ||
	       c == '-' || c == '/' || c == ' ';
}

static size_t
mime_q_len(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += mime_q_safe((unsigned char)s[i]) ? 1 : 3;
	return n;
}

static size_t
mime_b_len(size_t len)
{
	return 4 * ((len + 2) / 3);
}

/* The bytes of the UTF-8 character at s (1 for an invalid byte). */
static size_t
mime_char_len(const char *s, size_t len)
{
	uint32_t cp;

	return pt_utf8_decode(s, len, &cp);
}

/*
 * Emits s as encoded words ("Q" when q, else "B"), each at most 75
 * bytes and never splitting a character; the first is preceded by
 * sep, the others by a space.
 */
static int
mime_ew_emit(struct mime_fold *f, const char *sep, const char *s, size_t len,
    int q)
{
	char word[80];
	size_t i = 0;

	while (i < len && f->rc == 0) {
		size_t room = MIME_EW_PAYLOAD, used, n, cost, j, wl;
		const unsigned char *u;

		/*
		 * Fill what is left of the line when that is worth it (or
		 * when the line cannot break: right after the name).
		 */
		used = f->col + strlen(sep) + MIME_EW_OVERHEAD;
		if (used < MIME_FOLD_WIDTH &&
		    (MIME_FOLD_WIDTH - used >= 16 || f->col <= f->start) &&
		    MIME_FOLD_WIDTH - used < room)
			room = MIME_FOLD_WIDTH - used;
		if (room < 12)
			room = 12;
		/* How many bytes go into this word. */
		n = 0;
		cost = 0;
		while (i + n < len) {
			size_t clen = mime_char_len(s + i + n, len - i - n);
			if (q) {
				size_t c = mime_q_len(s + i + n, clen);

				if (cost + c > room)
					break;
				cost += c;
			} else if (n + clen > room / 4 * 3)
				break;
			n += clen;
		}
		if (n == 0) /* cannot happen: a character fits a word */
			n = mime_char_len(s + i, len - i);
		memcpy(word, q ? "=?UTF-8?Q?" : "=?UTF-8?B?", 10);
		wl = 10;
		u = (const unsigned char *)s + i;
		if (q) {
			for (j = 0; j < n; j++) {
				if (u[j] == ' ')
					word[wl++] = '_';
				else if (mime_q_safe(u[j]))
					word[wl++] = (char)u[j];
				else {
					word[wl++] = '=';
					word[wl++] = mime_hexdig[u[j] >> 4];
					word[wl++] = mime_hexdig[u[j] & 15];
				}
			}
		} else {
			for (j = 0; j < n; j += 3) {
				size_t in = n - j;

				word[wl++] = mime_b64[u[j] >> 2];
				word[wl++] =
				    mime_b64[((u[j] & 3) << 4) |
					     (in > 1 ? u[j + 1] >> 4 : 0)];
				word[wl++] =
				    in > 1
					? mime_b64[((u[j + 1] & 15) << 2) |
						   (in > 2 ? u[j + 2] >> 6 : 0)]
					: '=';
				word[wl++] =
				    in > 2 ? mime_b64[u[j + 2] & 63] : '=';
			}
		}
		word[wl++] = '?';
		word[wl++] = '=';
		mime_fold_add(f, sep, word, wl, 0);
		sep = " ";
		i += n;
	}
	return f->rc;
}

int
mime_ew_choose_q(const char *s, size_t len)
{
	return mime_q_len(s, len) <= mime_b_len(len) + mime_b_len(len) / 2;
}

/*
 * A word that cannot go out as it is: non-ASCII or control bytes, or
 * something a reader would take for an encoded word, or too long to
 * fit any line.
 */
static int
mime_word_needs_ew(const char *w, size_t len)
{
	size_t i;

	if (len > MIME_FOLD_WIDTH - 2)
		return 1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)w[i];

		if (c >= 0x7f || c < 0x20)
			return 1;
		if (c == '=' && i + 1 < len && w[i + 1] == '?')
			return 1;
	}
	return 0;
}

int
mime_header_encode(struct pt_buf *out, const char *name, const char *value,
    struct pt_error *err)
{
	struct mime_fold f;
	const char *p, *end, *sep0, *run;
	size_t runlen;
	char *v, *q;

	/* Line breaks and tabs become spaces; ends are trimmed. */
	v = pt_xstrdup(value);
	for (q = v; *q != '\0'; q++)
		if (*q == '\r' || *q == '\n' || *q == '\t')
			*q = ' ';
	p = v;
	while (*p == ' ')
		p++;
	end = p + strlen(p);
	while (end > p && end[-1] == ' ')
		end--;
	mime_fold_init(&f, out, name, err);
	sep0 = " ";
	runlen = 1;
	while (p < end && f.rc == 0) {
		/* The next word and the spaces before it. */
		run = p;
		while (p < end && *p == ' ')
			p++;
		if (p > run) {
			sep0 = run;
			runlen = (size_t)(p - run);
		}
		const char *w = p;
		size_t wl;

		while (p < end && *p != ' ')
			p++;
		wl = (size_t)(p - w);
		if (!mime_word_needs_ew(w, wl)) {
			char sep[64];

			if (runlen >= sizeof sep)
				runlen = sizeof sep - 1;
			memcpy(sep, sep0, runlen);
			sep[runlen] = '\0';
			mime_fold_add(&f, sep, w, wl, 0);
		} else {
			/*
			 * Encode this word and every following word that
			 * needs it, with the spaces between them, as one
			 * run; the decoder drops space between words.
			 */
			const char *e = p, *look = p;
			char sep[64];

			for (;;) {
				const char *nw;

				while (look < end && *look == ' ')
					look++;
				nw = look;
				while (look < end && *look != ' ')
					look++;
				if (nw == look || !mime_word_needs_ew(nw,
						      (size_t)(look - nw)))
					break;
				e = look;
			}
			if (runlen >= sizeof sep)
				runlen = sizeof sep - 1;
			memcpy(sep, sep0, runlen);
			sep[runlen] = '\0';
			mime_ew_emit(&f, sep, w, (size_t)(e - w),
			    mime_ew_choose_q(w, (size_t)(e - w)));
			p = e;
		}
		sep0 = " ";
		runlen = 1;
	}
	free(v);
	return mime_fold_end(&f);
}

/*
 * A display name as a phrase: atoms as they are, a quoted string when
 * it has specials, encoded words when it has non-ASCII bytes.
 */
void
mime_fold_phrase(struct mime_fold *f, const char *sep, const char *name)
{
	static const char atext[] = "!#$%&'*+-/=?^_`{|}~";
	size_t len = strlen(name), i;
	int plain = 1, ascii = 1;
	struct pt_buf qs;

	if (len > 0 && (name[0] == ' ' || name[len - 1] == ' '))
		plain = 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c >= 0x7f || c < 0x20)
			ascii = 0;
		else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == ' ' ||
			     strchr(atext, c) != NULL))
			plain = 0;
		if (c == ' ' && i + 1 < len && name[i + 1] == ' ')
			plain = 0;
		if (c == '=' && i + 1 < len && name[i + 1] == '?')
			ascii = 0; /* would read as an encoded word */
	}
	if (!ascii || len > MIME_FOLD_WIDTH - 10) {
		mime_ew_emit(f, sep, name, len, mime_ew_choose_q(name, len));
		return;
	}
	if (plain) {
		/* Atoms separated by single spaces: each may fold. */
		const char *p = name;

		while (*p != '\0') {
			const char *w = p;

			while (*p != '\0' && *p != ' ')
				p++;
			mime_fold_add(f, sep, w, (size_t)(p - w), 0);
			sep = " ";
			while (*p == ' ')
				p++;
		}
		return;
	}
	pt_buf_init(&qs, 0);
	pt_buf_addch(&qs, '"', NULL);
	mime_quoted_add(&qs, name, len);
	pt_buf_addch(&qs, '"', NULL);
	mime_fold_add(f, sep, qs.data, qs.len, 0);
	pt_buf_release(&qs);
}

void
mime_quoted_add(struct pt_buf *b, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			pt_buf_addch(b, '\\', NULL);
		pt_buf_addch(b, s[i], NULL);
	}
}

/* RFC 2231 parameters. */

static int
mime_attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("!#$&+-.^_`|~", c) != NULL;
}

void
mime_fold_param(struct mime_fold *f, const char *attr, const char *value)
{
	size_t len = strlen(value), i, seg, plen;
	int ascii = 1, quote = 0, part = 0;
	struct pt_buf t;
	char head[80];

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];

		if (c >= 0x7f || c < 0x20)
			ascii = 0;
		else if (!mime_attr_char(c))
			quote = 1;
	}
	pt_buf_init(&t, 0);
	mime_fold_add(f, "", ";", 1, 1);
	if (ascii && strlen(attr) + len + 4 <= MIME_FOLD_WIDTH - 2) {
		/* attr="value" (quoted whenever it is not a token). */
		pt_buf_printf(&t, NULL, "%s=", attr);
		if (quote || len == 0)
			pt_buf_addch(&t, '"', NULL);
		mime_quoted_add(&t, value, len);
		if (quote || len == 0)
			pt_buf_addch(&t, '"', NULL);
		mime_fold_add(f, " ", t.data, t.len, 0);
		pt_buf_release(&t);
		return;
	}
	/*
	 * attr*0*=UTF-8''%C3%A9...; attr*1*=...: percent-encoded
	 * sections, each on its own line, never splitting a character.
	 */
	i = 0;
	while (i < len) {
		pt_buf_reset(&t);
		if (ascii && !quote)
			snprintf(head, sizeof head, "%s*%d=", attr, part);
		else
			snprintf(head, sizeof head, "%s*%d*=%s", attr, part,
			    part == 0 ? "UTF-8''" : "");
		if (ascii && !quote) {
			seg = MIME_FOLD_WIDTH - 3 - strlen(head);
			if (seg > len - i)
				seg = len - i;
			pt_buf_addstr(&t, head, NULL);
			pt_buf_add(&t, value + i, seg, NULL);
			i += seg;
		} else {
			pt_buf_addstr(&t, head, NULL);
			plen = strlen(head);
			while (i < len) {
				size_t cl = mime_char_len(value + i, len - i),
				       k, need = 0;

				for (k = 0; k < cl; k++)
					need += mime_attr_char(
						    (unsigned char)value[i + k])
						    ? 1
						    : 3;
				if (plen + need > MIME_FOLD_WIDTH - 3 &&
				    t.len > strlen(head))
					break;
				for (k = 0; k < cl; k++) {
					unsigned char c =
					    (unsigned char)value[i + k];

					if (mime_attr_char(c))
						pt_buf_addch(&t, (char)c, NULL);
					else
						pt_buf_printf(&t, NULL,
						    "%%%c%c",
						    mime_hexdig[c >> 4],
						    mime_hexdig[c & 15]);
				}
				plen += need;
				i += cl;
			}
		}
		if (part > 0)
			mime_fold_add(f, "", ";", 1, 1);
		/* Each section on a line of its own. */
		f->col = MIME_FOLD_WIDTH;
		mime_fold_add(f, " ", t.data, t.len, 0);
		part++;
	}
	pt_buf_release(&t);
}

/* Bodies. */

int
mime_encode_base64(struct pt_buf *out, const void *data, size_t len,
    struct pt_error *err)
{
	const unsigned char *p = data;
	char line[80];
	size_t i, n = 0;

	for (i = 0; i < len; i += 3) {
		size_t in = len - i;

		line[n++] = mime_b64[p[i] >> 2];
		line[n++] =
		    mime_b64[((p[i] & 3) << 4) | (in > 1 ? p[i + 1] >> 4 : 0)];
		line[n++] = in > 1 ? mime_b64[((p[i + 1] & 15) << 2) |
					      (in > 2 ? p[i + 2] >> 6 : 0)]
				   : '=';
		line[n++] = in > 2 ? mime_b64[p[i + 2] & 63] : '=';
		if (n == 76 || i + 3 >= len) {
			line[n++] = '\r';
			line[n++] = '\n';
			if (pt_buf_add(out, line, n, err) != 0)
				return -1;
			n = 0;
		}
	}
	return 0;
}

/*
 * Quoted-printable (RFC 2045 section 6.7) of text whose line breaks
 * are CRLF: they stay hard breaks; any other CR or LF is encoded.
 * Lines are at most 76 characters; "From " and a lone "." at the start
 * of a line are encoded so that no mailbox or relay alters them.
 */
int
mime_encode_qp(struct pt_buf *out, const char *s, size_t len,
    struct pt_error *err)
{
	char line[128];
	size_t i = 0, n = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		char enc[4];
		size_t el;
		int eol;

		if (c == '\r' && i + 1 < len && s[i + 1] == '\n') {
			line[n++] = '\r';
			line[n++] = '\n';
			if (pt_buf_add(out, line, n, err) != 0)
				return -1;
			n = 0;
			i += 2;
			continue;
		}
		eol = i + 1 == len ||
		      (s[i + 1] == '\r' && i + 2 < len && s[i + 2] == '\n');
		if ((c >= 33 && c <= 126 && c != '=') ||
		    ((c == ' ' || c == '\t') && !eol)) {
			enc[0] = (char)c;
			el = 1;
		} else {
			enc[0] = '=';
			enc[1] = mime_hexdig[c >> 4];
			enc[2] = mime_hexdig[c & 15];
			el = 3;
		}
		if (n == 0 && el == 1 &&
		    ((c == 'F' && len - i >= 5 &&
			 memcmp(s + i, "From ", 5) == 0) ||
			(c == '.' && eol))) {
			enc[0] = '=';
			enc[1] = mime_hexdig[c >> 4];
			enc[2] = mime_hexdig[c & 15];
			el = 3;
		}
		/* A soft break when this would pass 76 (75 + "="). */
		if (n + el > (eol ? 76 : 75)) {
			line[n++] = '=';
			line[n++] = '\r';
			line[n++] = '\n';
			if (pt_buf_add(out, line, n, err) != 0)
				return -1;
			n = 0;
		}
		memcpy(line + n, enc, el);
		n += el;
		i++;
	}
	if (n > 0) {
		/* The text did not end in a line break: a soft one. */
		line[n++] = '=';
		line[n++] = '\r';
		line[n++] = '\n';
		if (pt_buf_add(out, line, n, err) != 0)
			return -1;
	}
	return 0;
}

/* Dates and identifiers. */

int
mime_date_format(int64_t t, int tzoff, char *buf, size_t size)
{
	static const char *const days[] = {"Thu", "Fri", "Sat", "Sun", "Mon",
	    "Tue", "Wed"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int64_t local, daynum, secs, y, m, d;
	int off;
	int n;

	if (tzoff < -24 * 60 || tzoff > 24 * 60)
		tzoff = 0;
	local = t + (int64_t)tzoff * 60;
	daynum = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	secs = local - daynum * 86400;
	/* Civil date from days since 1970-01-01 (H. Hinnant). */
	{
		int64_t z = daynum + 719468, era, doe, yoe, doy, mp;

		era = (z >= 0 ? z : z - 146096) / 146097;
		doe = z - era * 146097;
		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
		y = yoe + era * 400;
		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
		mp = (5 * doy + 2) / 153;
		d = doy - (153 * mp + 2) / 5 + 1;
		m = mp < 10 ? mp + 3 : mp - 9;
		if (m <= 2)
			y++;
	}
	off = tzoff < 0 ? -tzoff : tzoff;
	n = snprintf(buf, size, "%s, %02d %s %04lld %02d:%02d:%02d %c%02d%02d",
	    days[((daynum % 7) + 7) % 7], (int)d, months[m - 1], (long long)y,
	    (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60),
	    tzoff < 0 ? '-' : '+', off / 60, off % 60);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

char *
mime_message_id(const char *domain, const char *nonce, int64_t t)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char stamp[16];
	uint64_t v = t > 0 ? (uint64_t)t : 0;
	size_t n = 0, i;

	do {
		stamp[n++] = digits[v % 36];
		v /= 36;
	} while (v > 0 && n < sizeof stamp - 1);
	for (i = 0; i < n / 2; i++) {
		char c = stamp[i];

		stamp[i] = stamp[n - 1 - i];
		stamp[n - 1 - i] = c;
	}
	stamp[n] = '\0';
	return pt_xasprintf("<%s.%s@%s>", stamp, nonce, domain);
}

const char *
mime_type_from_name(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	    {"7z", "application/x-7z-compressed"},
	    {"avif", "image/avif"},
	    {"bmp", "image/bmp"},
	    {"bz2", "application/x-bzip2"},
	    {"c", "text/x-c"},
	    {"css", "text/css"},
	    {"csv", "text/csv"},
	    {"diff", "text/x-diff"},
	    {"doc", "application/msword"},
	    {"docx", "application/vnd.openxmlformats-officedocument."
		     "wordprocessingml.document"},
	    {"eml", "message/rfc822"},
	    {"epub", "application/epub+zip"},
	    {"flac", "audio/flac"},
	    {"gif", "image/gif"},
	    {"gz", "application/gzip"},
	    {"h", "text/x-c"},
	    {"heic", "image/heic"},
	    {"htm", "text/html"},
	    {"html", "text/html"},
	    {"ics", "text/calendar"},
	    {"jpeg", "image/jpeg"},
	    {"jpg", "image/jpeg"},
	    {"js", "text/javascript"},
	    {"json", "application/json"},
	    {"m4a", "audio/mp4"},
	    {"md", "text/markdown"},
	    {"mov", "video/quicktime"},
	    {"mp3", "audio/mpeg"},
	    {"mp4", "video/mp4"},
	    {"odp", "application/vnd.oasis.opendocument.presentation"},
	    {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
	    {"odt", "application/vnd.oasis.opendocument.text"},
	    {"ogg", "audio/ogg"},
	    {"patch", "text/x-diff"},
	    {"pdf", "application/pdf"},
	    {"png", "image/png"},
	    {"ppt", "application/vnd.ms-powerpoint"},
	    {"pptx", "application/vnd.openxmlformats-officedocument."
		     "presentationml.presentation"},
	    {"rtf", "application/rtf"},
	    {"sh", "text/x-shellscript"},
	    {"svg", "image/svg+xml"},
	    {"tar", "application/x-tar"},
	    {"tgz", "application/gzip"},
	    {"tif", "image/tiff"},
	    {"tiff", "image/tiff"},
	    {"txt", "text/plain"},
	    {"vcf", "text/vcard"},
	    {"wav", "audio/wav"},
	    {"webm", "video/webm"},
	    {"webp", "image/webp"},
	    {"xls", "application/vnd.ms-excel"},
	    {"xlsx", "application/vnd.openxmlformats-officedocument."
		     "spreadsheetml.sheet"},
	    {"xml", "application/xml"},
	    {"xz", "application/x-xz"},
	    {"zip", "application/zip"},
	    {"zst", "application/zstd"},
	};
	const char *dot, *slash;
	char ext[8];
	size_t i, n;

	if (name == NULL)
		return "application/octet-stream";
	slash = strrchr(name, '/');
	if (slash != NULL)
		name = slash + 1;
	dot = strrchr(name, '.');
	if (dot == NULL || dot == name || (n = strlen(dot + 1)) == 0 ||
	    n >= sizeof ext)
		return "application/octet-stream";
	for (i = 0; i < n; i++)
		ext[i] = (char)mime_lower((unsigned char)dot[1 + i]);
	ext[n] = '\0';
	for (i = 0; i < PT_NELEM(types); i++)
		if (strcmp(types[i].ext, ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}
