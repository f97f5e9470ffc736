/*
 * Header fields -> the strings of a message summary: the first From
 * address split into name and address, To for display, the Subject
 * decoded (RFC 2047 through mime/), the message ids, the Date as UTC
 * seconds, and a hint whether the message carries attachments.  Pure
 * functions: no libetpan, no I/O, so they are unit-tested and safe on
 * anything a server sends.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "petrel/core.h"
#include "petrel/imap.h"
#include "petrel/mime.h"
#include "petrel/store.h"

#include "ext.h"

/* The fields a summary needs; fetched with BODY.PEEK[HEADER.FIELDS]. */
const char *const imap_summary_fields[] = {"DATE", "FROM", "TO", "SUBJECT",
    "MESSAGE-ID", "IN-REPLY-TO", "REFERENCES", "CONTENT-TYPE", "CC", NULL};

/* Their lengths, in the same order. */
static const size_t imap_field_len[] = {4, 4, 2, 7, 10, 11, 10, 12, 2};

enum {
	H_DATE,
	H_FROM,
	H_TO,
	H_SUBJECT,
	H_MSGID,
	H_IRT,
	H_REFS,
	H_CTYPE,
	H_CC,
	H_N
};

static char *imap_hdr_fix(const char *, size_t);
static char *imap_hdr_ids(const char *, size_t, int);
static void imap_hdr_from(struct imap_summary *, const char *, size_t);
static int imap_hdr_attach(const char *, size_t);

/* Valid UTF-8 without NUL or line breaks: bad bytes become U+FFFD. */
static char *
imap_hdr_fix(const char *s, size_t len)
{
	struct pt_buf b;
	size_t i, n;
	uint32_t cp;

	/* Most header text is plain ASCII: copy it as it is. */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80 || c == '\0' || c == '\r' || c == '\n' ||
		    c == '\t')
			break;
	}
	if (i == len)
		return pt_xstrndup(s, len);
	pt_buf_init(&b, 0);
	for (i = 0; i < len; i += n) {
		n = pt_utf8_decode(s + i, len - i, &cp);
		if (cp == PT_UTF8_INVALID || cp == 0)
			(void)pt_buf_addstr(&b, "\xef\xbf\xbd", NULL);
		else if (cp == '\r' || cp == '\n' || cp == '\t')
			(void)pt_buf_addch(&b, ' ', NULL);
		else
			(void)pt_buf_add(&b, s + i, n, NULL);
	}
	return pt_buf_detach(&b, NULL);
}

/*
 * The message ids "<...>" in s, separated by one space (all of them, or
 * only the first when first is set).  Text without angle brackets is
 * kept as one id when nothing else is found.
 */
static char *
imap_hdr_ids(const char *s, size_t len, int first)
{
	struct pt_buf b;
	size_t i = 0, j;
	char *fixed, *out;

	pt_buf_init(&b, 0);
	while (i < len) {
		if (s[i] != '<') {
			i++;
			continue;
		}
		for (j = i + 1; j < len && s[j] != '>' && s[j] != '<' &&
				!isspace((unsigned char)s[j]);
		     j++)
			;
		if (j < len && s[j] == '>' && j > i + 1) {
			if (b.len > 0)
				(void)pt_buf_addch(&b, ' ', NULL);
			(void)pt_buf_add(&b, s + i, j - i + 1, NULL);
			if (first)
				break;
			i = j + 1;
		} else
			i = j;
	}
	if (b.len == 0) {
		/* Trimmed raw text, for ids written without brackets. */
		while (len > 0 && isspace((unsigned char)*s)) {
			s++;
			len--;
		}
		while (len > 0 && isspace((unsigned char)s[len - 1]))
			len--;
		for (j = 0; j < len && !isspace((unsigned char)s[j]); j++)
			;
		(void)pt_buf_add(&b, s, j, NULL);
	}
	fixed = imap_hdr_fix(b.data, b.len);
	pt_buf_release(&b);
	out = fixed;
	return out;
}

/* Splits the first address of a From field into name and address. */
static void
imap_hdr_from(struct imap_summary *sum, const char *s, size_t len)
{
	struct pt_buf name, addr;
	size_t i, start = 0, lt = (size_t)-1, gt = (size_t)-1;
	int inq = 0, depth = 0;
	char *dec;

	pt_buf_init(&name, 0);
	pt_buf_init(&addr, 0);
	/* Find the end of the first address and its <...>. */
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (mime_addr_skip(s, len, &i, &inq, &depth))
			continue;
		if (c == ':' && lt == (size_t)-1)
			start = i + 1; /* a group: "team: a@b, c@d;" */
		else if (c == '<' && lt == (size_t)-1)
			lt = i;
		else if (c == '>' && lt != (size_t)-1 && gt == (size_t)-1)
			gt = i;
		else if ((c == ',' || c == ';') &&
			 (lt == (size_t)-1 || gt != (size_t)-1))
			break;
	}
	len = i;
	if (lt != (size_t)-1 && lt >= start) {
		size_t e = gt != (size_t)-1 ? gt : len;

		(void)pt_buf_add(&addr, s + lt + 1, e - lt - 1, NULL);
		/* The display name: unquote, keep encoded words. */
		for (i = start, inq = 0; i < lt; i++) {
			if (s[i] == '"') {
				inq = !inq;
				continue;
			}
			if (inq && s[i] == '\\' && i + 1 < lt)
				i++;
			(void)pt_buf_addch(&name, s[i], NULL);
		}
	} else {
		/* addr-spec, maybe with a "(Name)" comment. */
		for (i = start; i < len; i++) {
			if (s[i] == '(') {
				size_t j = i + 1;
				int d = 1;

				for (; j < len && d > 0; j++) {
					if (s[j] == '(')
						d++;
					else if (s[j] == ')')
						d--;
					if (d > 0)
						(void)pt_buf_addch(&name, s[j],
						    NULL);
				}
				i = j - 1;
				continue;
			}
			if (!isspace((unsigned char)s[i]))
				(void)pt_buf_addch(&addr, s[i], NULL);
		}
	}
	dec = mime_header_decode(name.data, name.len);
	sum->str[STORE_FROM_NAME] = imap_hdr_fix(dec, strlen(dec));
	free(dec);
	/* Trim the name. */
	{
		char *n = sum->str[STORE_FROM_NAME];
		size_t l = strlen(n), k = 0;

		while (k < l && n[k] == ' ')
			k++;
		while (l > k && n[l - 1] == ' ')
			l--;
		memmove(n, n + k, l - k);
		n[l - k] = '\0';
	}
	{
		char *a = addr.data;
		size_t l = addr.len, k = 0;

		while (k < l && isspace((unsigned char)a[k]))
			k++;
		while (l > k && isspace((unsigned char)a[l - 1]))
			l--;
		sum->str[STORE_FROM_ADDR] = imap_hdr_fix(a + k, l - k);
	}
	pt_buf_release(&name);
	pt_buf_release(&addr);
}

/* 1 when the Content-Type suggests attachments. */
static int
imap_hdr_attach(const char *s, size_t len)
{
	static const char *const types[] = {"multipart/mixed", "application/",
	    "image/", "audio/", "video/", NULL};
	size_t i;

	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	for (i = 0; types[i] != NULL; i++) {
		size_t n = strlen(types[i]);

		if (len >= n && strncasecmp(s, types[i], n) == 0)
			return 1;
	}
	return 0;
}

void
imap_summary_parse(struct imap_summary *sum, const char *h, size_t len)
{
	const char *val[H_N] = {NULL};
	size_t vlen[H_N] = {0};
	struct pt_buf unf[H_N];
	size_t i = 0, k;
	char *dec;

	memset(sum, 0, sizeof *sum);
	for (k = 0; k < H_N; k++)
		pt_buf_init(&unf[k], 0);
	/* Walk the fields; the first of each name wins. */
	while (i < len) {
		size_t ls = i, colon, e;
		int which = -1;

		for (e = i; e < len && h[e] != '\n'; e++)
			;
		for (colon = ls; colon < e && h[colon] != ':'; colon++)
			;
		if (colon < e && h[ls] != ' ' && h[ls] != '\t') {
			size_t nl = colon - ls;

			while (nl > 0 && (h[ls + nl - 1] == ' ' ||
					     h[ls + nl - 1] == '\t'))
				nl--;
			/* Cheap tests first: most fields are not ours. */
			for (k = 0; k < H_N; k++)
				if (imap_field_len[k] == nl &&
				    (h[ls] | 0x20) ==
					(imap_summary_fields[k][0] | 0x20) &&
				    strncasecmp(h + ls, imap_summary_fields[k],
					nl) == 0) {
					which = (int)k;
					break;
				}
		}
		/* One line: the value is a slice of h, no copy. */
		if (which >= 0 && val[which] == NULL &&
		    !(e + 1 < len && (h[e + 1] == ' ' || h[e + 1] == '\t'))) {
			size_t end = e;

			if (end > colon + 1 && h[end - 1] == '\r')
				end--;
			val[which] = h + colon + 1;
			vlen[which] = end - colon - 1;
		}
		/* Gather the value and its continuation lines, unfolded. */
		if (which >= 0 && val[which] == NULL) {
			struct pt_buf *b = &unf[which];
			size_t p = colon + 1;

			for (;;) {
				size_t end = e;

				if (end > p && h[end - 1] == '\r')
					end--;
				(void)pt_buf_add(b, h + p, end - p, NULL);
				if (e + 1 < len &&
				    (h[e + 1] == ' ' || h[e + 1] == '\t')) {
					p = e + 1;
					for (e = p; e < len && h[e] != '\n';
					     e++)
						;
					continue;
				}
				break;
			}
			val[which] = b->data;
			vlen[which] = b->len;
		}
		i = e + 1;
	}
	if (val[H_FROM] != NULL)
		imap_hdr_from(sum, val[H_FROM], vlen[H_FROM]);
	if (val[H_TO] != NULL) {
		dec = mime_address_decode(val[H_TO], vlen[H_TO]);
		sum->str[STORE_TO] = imap_hdr_fix(dec, strlen(dec));
		free(dec);
	}
	if (val[H_SUBJECT] != NULL) {
		const char *sv = val[H_SUBJECT];
		size_t sl = vlen[H_SUBJECT];

		while (sl > 0 && (*sv == ' ' || *sv == '\t')) {
			sv++;
			sl--;
		}
		dec = mime_header_decode(sv, sl);
		sum->str[STORE_SUBJECT] = imap_hdr_fix(dec, strlen(dec));
		free(dec);
	}
	if (val[H_MSGID] != NULL)
		sum->str[STORE_MESSAGE_ID] =
		    imap_hdr_ids(val[H_MSGID], vlen[H_MSGID], 1);
	if (val[H_IRT] != NULL)
		sum->str[STORE_IN_REPLY_TO] =
		    imap_hdr_ids(val[H_IRT], vlen[H_IRT], 1);
	if (val[H_REFS] != NULL)
		sum->str[STORE_REFERENCES] =
		    imap_hdr_ids(val[H_REFS], vlen[H_REFS], 0);
	if (val[H_DATE] != NULL)
		sum->date = imap_parse_date(val[H_DATE], vlen[H_DATE]);
	if (val[H_CTYPE] != NULL)
		sum->attach = imap_hdr_attach(val[H_CTYPE], vlen[H_CTYPE]);
	if (val[H_CC] != NULL) {
		dec = mime_address_decode(val[H_CC], vlen[H_CC]);
		sum->cc = imap_hdr_fix(dec, strlen(dec));
		free(dec);
	}
	for (k = 0; k < STORE_NFIELDS; k++)
		if (sum->str[k] == NULL)
			sum->str[k] = pt_xstrdup("");
	for (k = 0; k < H_N; k++)
		pt_buf_release(&unf[k]);
}

void
imap_summary_release(struct imap_summary *sum)
{
	size_t k;

	for (k = 0; k < STORE_NFIELDS; k++) {
		free(sum->str[k]);
		sum->str[k] = NULL;
	}
	free(sum->cc);
	sum->cc = NULL;
}

/* RFC 5322 dates, leniently: "[Mon, ]2 Jan 2006 15:04[:05] -0700". */
int64_t
imap_parse_date(const char *s, size_t len)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	static const struct {
		const char *name;
		int off;
	} zones[] = {{"UT", 0}, {"UTC", 0}, {"GMT", 0}, {"Z", 0}, {"EST", -500},
	    {"EDT", -400}, {"CST", -600}, {"CDT", -500}, {"MST", -700},
	    {"MDT", -600}, {"PST", -800}, {"PDT", -700}};
	char buf[128];
	char mon[4] = "";
	int day = 0, year = 0, hh = 0, mm = 0, ss = 0, zoff = 0, n = 0;
	const char *p, *m;
	size_t i;
	struct mailimap_date_time dt;

	if (len >= sizeof buf)
		len = sizeof buf - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	p = buf;
	while (*p == ' ' || *p == '\t')
		p++;
	/* Skip a day name. */
	if (isalpha((unsigned char)*p)) {
		while (*p != '\0' && *p != ',' && !isdigit((unsigned char)*p))
			p++;
		if (*p == ',')
			p++;
	}
	if (sscanf(p, " %d %3s %d %d:%d%n", &day, mon, &year, &hh, &mm, &n) < 5)
		return 0;
	p += n;
	if (*p == ':') {
		int k = 0;

		if (sscanf(p, ":%d%n", &ss, &k) == 1)
			p += k;
	}
	while (*p == ' ')
		p++;
	if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, v = 0, digits = 0;

		for (p++; isdigit((unsigned char)*p) && digits < 4; p++) {
			v = v * 10 + (*p - '0');
			digits++;
		}
		if (digits == 4)
			zoff = sign * v;
	} else {
		char zone[8];

		for (i = 0; i < sizeof zone - 1 && isalpha((unsigned char)p[i]);
		     i++)
			zone[i] = p[i];
		zone[i] = '\0';
		for (i = 0; i < PT_NELEM(zones); i++)
			if (strcasecmp(zone, zones[i].name) == 0)
				zoff = zones[i].off;
	}
	for (i = 0; mon[i] != '\0'; i++)
		mon[i] = (char)tolower((unsigned char)mon[i]);
	m = strlen(mon) == 3 ? strstr(months, mon) : NULL;
	if (m == NULL || (m - months) % 3 != 0)
		return 0;
	if (year < 50)
		year += 2000;
	else if (year < 1000)
		year += 1900;
	if (day < 1 || day > 31 || hh < 0 || hh > 23 || mm < 0 || mm > 59 ||
	    ss < 0 || ss > 60 || year > 9999 || zoff > 9959 || zoff < -9959)
		return 0;
	dt.dt_day = day;
	dt.dt_month = (int)((m - months) / 3) + 1;
	dt.dt_year = year;
	dt.dt_hour = hh;
	dt.dt_min = mm;
	dt.dt_sec = ss;
	dt.dt_zone = zoff;
	return imap_ext_time(&dt);
}
