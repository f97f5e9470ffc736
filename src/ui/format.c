/*
 * format.c: expands the index format (ui.index_format, mutt's
 * index_format) into one line of exactly the screen's width, counting
 * display columns, so that CJK, emoji and combining marks line up.
 * Pure: no curses.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "petrel/core.h"

#include "private.h"

static void ui_format_expand(struct pt_buf *, const char **,
    const struct ui_fmt_ctx *, int *);
static void ui_format_one(struct pt_buf *, char, const char *,
    const struct ui_fmt_ctx *);
static void ui_format_date(struct pt_buf *, const char *, int64_t);

static void
ui_format_date(struct pt_buf *out, const char *fmt, int64_t when)
{
	char buf[128];
	struct tm tm;
	time_t t = (time_t)when;

	/* The format is the user's ui.date_format. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof buf, fmt, &tm) == 0)
		buf[0] = '\0';
#pragma GCC diagnostic pop
	pt_buf_addstr(out, buf, NULL);
}

/* The text of one %-sequence, before width handling. */
static void
ui_format_one(struct pt_buf *out, char c, const char *datefmt,
    const struct ui_fmt_ctx *ctx)
{
	const struct ui_msg *m = ctx->msg;
	char buf[64];
	uint32_t f = m->flags;

	switch (c) {
	case 'a':
		pt_buf_addstr(out, ui_msg_str(m, UI_S_FROM_ADDR), NULL);
		break;
	case 'C':
		snprintf(buf, sizeof buf, "%zu", ctx->number);
		pt_buf_addstr(out, buf, NULL);
		break;
	case 'c':
		ui_text_size(buf, sizeof buf, m->size);
		pt_buf_addstr(out, buf, NULL);
		break;
	case 'D':
	case 'd':
		ui_format_date(out, datefmt != NULL ? datefmt : ctx->date_fmt,
		    m->date);
		break;
	case 'F':
		if (ctx->me != NULL && *ctx->me != '\0' &&
		    strcasecmp(ui_msg_str(m, UI_S_FROM_ADDR), ctx->me) == 0 &&
		    *ui_msg_str(m, UI_S_TO) != '\0') {
			pt_buf_addstr(out, _("To "), NULL);
			pt_buf_addstr(out, ui_msg_str(m, UI_S_TO), NULL);
		} else
			pt_buf_addstr(out, ui_msg_from(m), NULL);
		break;
	case 'n':
		pt_buf_addstr(out, ui_msg_from(m), NULL);
		break;
	case 'M':
		if (ctx->ndesc > 0) {
			snprintf(buf, sizeof buf, "%u", (unsigned)ctx->ndesc);
			pt_buf_addstr(out, buf, NULL);
		}
		break;
	case 's':
		pt_buf_addstr(out, ctx->tree != NULL ? ctx->tree : "", NULL);
		if (ctx->ndesc > 0) {
			snprintf(buf, sizeof buf, "(+%u) ",
			    (unsigned)ctx->ndesc);
			pt_buf_addstr(out, buf, NULL);
		}
		if (!ctx->hide_subject)
			pt_buf_addstr(out, ui_msg_str(m, UI_S_SUBJECT), NULL);
		break;
	case 'S':
		pt_buf_addch(out,
		    (f & UI_F_DELETED)        ? 'D'
		    : (m->mark & UI_M_TAGGED) ? '*'
		    : (f & UI_F_FLAGGED)      ? '!'
		    : !(f & UI_F_SEEN)        ? 'N'
		    : (f & UI_F_ANSWERED)     ? 'r'
					      : ' ',
		    NULL);
		break;
	case 't':
		pt_buf_addstr(out, ui_msg_str(m, UI_S_TO), NULL);
		break;
	case 'u':
		snprintf(buf, sizeof buf, "%u", (unsigned)m->uid);
		pt_buf_addstr(out, buf, NULL);
		break;
	case 'X':
		pt_buf_addch(out, (f & UI_F_ATTACH) ? '@' : ' ', NULL);
		break;
	case 'Z':
		pt_buf_addch(out,
		    !(f & UI_F_SEEN)       ? 'N'
		    : (f & UI_F_ANSWERED)  ? 'r'
		    : (f & UI_F_FORWARDED) ? 'f'
					   : ' ',
		    NULL);
		pt_buf_addch(out, (f & UI_F_DELETED) ? 'D' : ' ', NULL);
		pt_buf_addch(out,
		    (m->mark & UI_M_TAGGED) ? '*'
		    : (f & UI_F_FLAGGED)    ? '!'
					    : ' ',
		    NULL);
		break;
	case '%':
		pt_buf_addch(out, '%', NULL);
		break;
	default:
		/* Unknown: shown as written, so the mistake is visible. */
		pt_buf_addch(out, '%', NULL);
		pt_buf_addch(out, c, NULL);
		break;
	}
}

/*
 * Expands *fmtp into out until the end or a "%>" (then *fill is set to
 * the fill character and *fmtp points after it).
 */
static void
ui_format_expand(struct pt_buf *out, const char **fmtp,
    const struct ui_fmt_ctx *ctx, int *fill)
{
	const char *p = *fmtp;
	struct pt_buf one;
	char datefmt[128];

	*fill = 0;
	pt_buf_init(&one, 0);
	while (*p != '\0') {
		size_t minw = 0, maxw = SIZE_MAX, n;
		int left = 0, have_min = 0;
		char c;

		if (*p != '%') {
			const char *q = strchr(p, '%');

			n = q != NULL ? (size_t)(q - p) : strlen(p);
			pt_buf_add(out, p, n, NULL);
			p += n;
			continue;
		}
		p++;
		if (*p == '>') {
			*fill = p[1] != '\0' ? (unsigned char)p[1] : ' ';
			p += p[1] != '\0' ? 2 : 1;
			break;
		}
		if (*p == '-') {
			left = 1;
			p++;
		}
		while (isdigit((unsigned char)*p) && minw < 1000) {
			minw = minw * 10 + (size_t)(*p++ - '0');
			have_min = 1;
		}
		if (*p == '.') {
			p++;
			maxw = 0;
			while (isdigit((unsigned char)*p) && maxw < 1000)
				maxw = maxw * 10 + (size_t)(*p++ - '0');
		}
		if (*p == '\0')
			break;
		c = *p++;
		pt_buf_reset(&one);
		if (c == '[' || c == '{') {
			const char *e = strchr(p, c == '[' ? ']' : '}');

			n = e != NULL ? (size_t)(e - p) : strlen(p);
			if (n >= sizeof datefmt)
				n = sizeof datefmt - 1;
			memcpy(datefmt, p, n);
			datefmt[n] = '\0';
			p = e != NULL ? e + 1 : p + strlen(p);
			ui_format_one(&one, 'D', datefmt, ctx);
		} else
			ui_format_one(&one, c, NULL, ctx);
		if (have_min || maxw != SIZE_MAX)
			ui_text_fit(out, one.data, one.len, minw, maxw, !left);
		else
			pt_buf_add(out, one.data, one.len, NULL);
	}
	pt_buf_release(&one);
	*fmtp = p;
}

void
ui_format_index(struct pt_buf *out, const char *fmt,
    const struct ui_fmt_ctx *ctx, size_t width)
{
	struct pt_buf left, right;
	const char *p = fmt;
	size_t lw, rw;
	int fill, dummy;

	pt_buf_init(&left, 0);
	pt_buf_init(&right, 0);
	ui_format_expand(&left, &p, ctx, &fill);
	if (fill == 0) {
		ui_text_fit(out, left.data, left.len, width, width, 0);
		pt_buf_release(&left);
		pt_buf_release(&right);
		return;
	}
	ui_format_expand(&right, &p, ctx, &dummy);
	rw = ui_text_width(right.data, right.len);
	if (rw > width)
		rw = width;
	lw = ui_text_fit(out, left.data, left.len, 0, width - rw, 0);
	while (lw + rw < width) {
		pt_buf_addch(out, (char)fill, NULL);
		lw++;
	}
	ui_text_fit(out, right.data, right.len, rw, rw, 0);
	pt_buf_release(&left);
	pt_buf_release(&right);
}
