/*
 * build.c: a whole outgoing message from a struct mime_compose: the
 * header (Date, From, To, Cc, Subject, Message-ID, threading fields,
 * MIME fields; Bcc only in a draft for the Drafts folder), the
 * text part and the attachments, each with the transfer encoding it
 * needs, in 7-bit CRLF lines.  Also the small
 * helpers replies need: the subject and the References chain.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "petrel/core.h"
#include "petrel/mime.h"

#include "private.h"
#include "send.h"

#define MIME_LINE_MAX 998 /* RFC 5322 section 2.1.1, without CRLF */
#define MIME_REFS_MAX 20

enum mime_enc { MIME_ENC_7BIT, MIME_ENC_QP, MIME_ENC_BASE64 };

static void mime_crlf(struct pt_buf *, const char *, size_t);
static int mime_is_7bit_crlf(const char *, size_t);
static enum mime_enc mime_text_encoding(const char *, size_t);
static int mime_msgid_ok(const char *, size_t);
static char *mime_msgids_clean(const char *, size_t);
static int mime_nonce_ok(const char *);
static char *mime_filename_clean(const char *);
static int mime_type_ok(const char *);
static int mime_emit_body(struct pt_buf *, enum mime_enc, const char *, size_t,
    struct pt_error *);
static int mime_emit_attachment(struct pt_buf *, const struct mime_attachment *,
    struct pt_error *);
static void mime_env_add(struct mime_envelope *, const char *);
static int mime_field_emit(struct pt_buf *, const struct mime_field *,
    struct pt_error *);
static int mime_emit_stream(struct pt_buf *, const struct mime_attachment *,
    struct pt_error *);

/* Base64 of what a->read gives, in 76-column lines. */
static int
mime_emit_stream(struct pt_buf *out, const struct mime_attachment *a,
    struct pt_error *err)
{
	enum { CHUNK = 57 * 1024 }; /* whole lines of 57 bytes */
	char *buf = pt_xmalloc(CHUNK);
	size_t have = 0;
	int rc = 0;

	for (;;) {
		long n = a->read(a->read_arg, buf + have, CHUNK - have);

		if (n < 0) {
			rc = pt_error_set(err, PT_E_IO, 0,
			    _("cannot read the attachment '%s'"),
			    a->filename != NULL ? a->filename : "");
			break;
		}
		have += (size_t)n;
		if (have == CHUNK || (n == 0 && have > 0)) {
			if ((rc = mime_encode_base64(out, buf, have, err)) != 0)
				break;
			have = 0;
		}
		if (n == 0)
			break;
	}
	free(buf);
	return rc;
}
static int mime_mem_has(const char *, size_t, const char *);

/* 1 when the NUL-terminated needle occurs in the len bytes of hay. */
static int
mime_mem_has(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), i = 0;
	const char *p;

	while (n > 0 && i + n <= len &&
	       (p = memchr(hay + i, needle[0], len - i - n + 1)) != NULL) {
		if (memcmp(p, needle, n) == 0)
			return 1;
		i = (size_t)(p - hay) + 1;
	}
	return 0;
}

/* Text with its line ends made CRLF (bare CR or LF included). */
static void
mime_crlf(struct pt_buf *out, const char *s, size_t len)
{
	size_t i, start = 0;

	for (i = 0; i < len; i++) {
		if (s[i] != '\r' && s[i] != '\n')
			continue;
		pt_buf_add(out, s + start, i - start, NULL);
		pt_buf_add(out, "\r\n", 2, NULL);
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	pt_buf_add(out, s + start, len - start, NULL);
}

/*
 * 1 when the bytes can go out as they are: ASCII without NUL, every CR
 * and LF part of a CRLF, lines of at most 998 octets.
 */
static int
mime_is_7bit_crlf(const char *s, size_t len)
{
	size_t i, col = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r') {
			if (i + 1 >= len || s[i + 1] != '\n')
				return 0;
			i++;
			col = 0;
			continue;
		}
		if (c == '\n' || c == 0 || c >= 0x80)
			return 0;
		if (++col > MIME_LINE_MAX)
			return 0;
	}
	return 1;
}

/* The encoding of CRLF text: 7bit, else the shorter of QP and base64. */
static enum mime_enc
mime_text_encoding(const char *s, size_t len)
{
	size_t i, qp = 0;

	if (mime_is_7bit_crlf(s, len))
		return MIME_ENC_7BIT;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		qp += (c >= 0x20 && c < 0x7f && c != '=') || c == '\r' ||
			      c == '\n'
			  ? 1
			  : 3;
	}
	return qp <= 4 * ((len + 2) / 3) ? MIME_ENC_QP : MIME_ENC_BASE64;
}

/* "<left@right>" without spaces, controls or other angle brackets. */
static int
mime_msgid_ok(const char *s, size_t len)
{
	size_t i;
	const char *at;

	if (len < 5 || len > 900 || s[0] != '<' || s[len - 1] != '>')
		return 0;
	for (i = 1; i + 1 < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>')
			return 0;
	}
	at = memchr(s, '@', len);
	return at != NULL && at > s + 1 && at < s + len - 2;
}

/*
 * The well-formed message ids of s, separated by single spaces, at
 * most MIME_REFS_MAX of them (the first and the last ones); NULL when
 * there are none.
 */
static char *
mime_msgids_clean(const char *s, size_t len)
{
	const char *ids[512];
	size_t lens[512], n = 0, i = 0, j;
	struct pt_buf b;

	while (i < len) {
		const char *lt = memchr(s + i, '<', len - i), *gt;

		if (lt == NULL)
			break;
		gt = memchr(lt, '>', len - (size_t)(lt - s));
		if (gt == NULL)
			break;
		if (mime_msgid_ok(lt, (size_t)(gt - lt) + 1)) {
			if (n == PT_NELEM(ids)) {
				memmove(ids + 1, ids + 2,
				    (n - 2) * sizeof ids[0]);
				memmove(lens + 1, lens + 2,
				    (n - 2) * sizeof lens[0]);
				n--;
			}
			ids[n] = lt;
			lens[n] = (size_t)(gt - lt) + 1;
			n++;
		}
		i = (size_t)(gt - s) + 1;
	}
	if (n == 0)
		return NULL;
	pt_buf_init(&b, 0);
	for (j = 0; j < n; j++) {
		if (n > MIME_REFS_MAX && j > 0 && j < n - (MIME_REFS_MAX - 1))
			continue;
		if (b.len > 0)
			pt_buf_addch(&b, ' ', NULL);
		pt_buf_add(&b, ids[j], lens[j], NULL);
	}
	return pt_buf_detach(&b, NULL);
}

static int
mime_nonce_ok(const char *n)
{
	size_t i, len;

	if (n == NULL || (len = strlen(n)) < 8 || len > 64)
		return 0;
	for (i = 0; i < len; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') ||
			(n[i] >= 'A' && n[i] <= 'Z') ||
			(n[i] >= '0' && n[i] <= '9')))
			return 0;
	return 1;
}

/* The last part of a path, as UTF-8, controls replaced; NULL if empty. */
static char *
mime_filename_clean(const char *name)
{
	struct pt_buf b;
	const char *slash;
	size_t i;

	if (name == NULL)
		return NULL;
	if ((slash = strrchr(name, '/')) != NULL)
		name = slash + 1;
	pt_buf_init(&b, 4096);
	if (mime_guess_to_utf8(&b, name, strlen(name), NULL) != 0 ||
	    b.len == 0) {
		pt_buf_release(&b);
		return NULL;
	}
	for (i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7f ||
		    b.data[i] == '\\')
			b.data[i] = '_';
	return pt_buf_detach(&b, NULL);
}

/* "type/subtype" of token characters. */
static int
mime_type_ok(const char *t)
{
	size_t i, slash = 0, n = strlen(t);

	if (n == 0 || n >= 128)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];

		if (c == '/') {
			if (slash++ > 0 || i == 0 || i + 1 == n)
				return 0;
		} else if (c <= 0x20 || c >= 0x7f ||
			   strchr("()<>@,;:\\\"[]?=", c) != NULL)
			return 0;
	}
	return slash == 1;
}

static int
mime_emit_body(struct pt_buf *out, enum mime_enc enc, const char *s, size_t len,
    struct pt_error *err)
{
	switch (enc) {
	case MIME_ENC_7BIT:
		if (pt_buf_add(out, s, len, err) != 0)
			return -1;
		if (len > 0 && s[len - 1] != '\n')
			return pt_buf_add(out, "\r\n", 2, err);
		return 0;
	case MIME_ENC_QP:
		return mime_encode_qp(out, s, len, err);
	case MIME_ENC_BASE64:
		return mime_encode_base64(out, s, len, err);
	}
	return 0;
}

static const char *
mime_enc_name(enum mime_enc e)
{
	return e == MIME_ENC_7BIT ? "7bit"
	       : e == MIME_ENC_QP ? "quoted-printable"
				  : "base64";
}

static int
mime_emit_attachment(struct pt_buf *out, const struct mime_attachment *a,
    struct pt_error *err)
{
	char type[128], *fname;
	enum mime_enc enc = MIME_ENC_BASE64;
	struct mime_fold f;
	size_t i;
	int clean;

	pt_strlcpy(type,
	    a->type != NULL && mime_type_ok(a->type)
		? a->type
		: "application/octet-stream",
	    sizeof type);
	for (i = 0; type[i] != '\0'; i++)
		type[i] = (char)mime_lower((unsigned char)type[i]);
	clean = a->data != NULL && mime_is_7bit_crlf(a->data, a->len);
	if ((strncmp(type, "text/", 5) == 0 ||
		strncmp(type, "message/", 8) == 0) &&
	    clean)
		enc = MIME_ENC_7BIT;
	else if (strncmp(type, "message/", 8) == 0 ||
		 strncmp(type, "multipart/", 10) == 0)
		/* These may not be base64 (RFC 2046): plain bytes then. */
		pt_strlcpy(type, "application/octet-stream", sizeof type);
	fname = mime_filename_clean(a->filename);

	mime_fold_init(&f, out, "Content-Type", err);
	mime_fold_add(&f, " ", type, strlen(type), 0);
	if (strncmp(type, "text/", 5) == 0 && a->data != NULL)
		mime_fold_param(&f, "charset",
		    clean
			? "us-ascii"
			: (mime_utf8_valid(a->data, a->len) ? "utf-8"
							    : "unknown-8bit"));
	if (fname != NULL) {
		int ascii = 1;

		for (i = 0; fname[i] != '\0'; i++)
			if ((unsigned char)fname[i] >= 0x80)
				ascii = 0;
		if (ascii)
			mime_fold_param(&f, "name", fname);
		else {
			/* Old readers want an encoded name here. */
			struct pt_buf ew;
			struct mime_fold g;

			pt_buf_init(&ew, 0);
			mime_fold_init(&g, &ew, NULL, NULL);
			g.col = g.start = 0;
			mime_fold_phrase(&g, "", fname);
			/* One line of words: a quoted value cannot fold. */
			for (i = 0; i < ew.len; i++)
				if (ew.data[i] == '\r' || ew.data[i] == '\n')
					ew.data[i] = ' ';
			mime_fold_add(&f, "", ";", 1, 1);
			{
				char *nv = pt_xasprintf("name=\"%s\"", ew.data);
				char *p = nv, *sp;
				const char *sep = " ";

				/* Fold between the words, inside the quotes. */
				while ((sp = strstr(p, "  ")) != NULL)
					memmove(sp, sp + 1, strlen(sp));
				while ((sp = strchr(p, ' ')) != NULL) {
					mime_fold_add(&f, sep, p,
					    (size_t)(sp - p), 0);
					sep = " ";
					p = sp + 1;
				}
				mime_fold_add(&f, sep, p, strlen(p), 0);
				free(nv);
			}
			pt_buf_release(&ew);
		}
	}
	if (mime_fold_end(&f) != 0)
		goto fail;
	if (pt_buf_printf(out, err, "Content-Transfer-Encoding: %s\r\n",
		mime_enc_name(enc)) != 0)
		goto fail;
	mime_fold_init(&f, out, "Content-Disposition", err);
	mime_fold_add(&f, " ", a->is_inline ? "inline" : "attachment",
	    a->is_inline ? 6 : 10, 0);
	if (fname != NULL)
		mime_fold_param(&f, "filename", fname);
	if (mime_fold_end(&f) != 0 || pt_buf_add(out, "\r\n", 2, err) != 0)
		goto fail;
	free(fname);
	if (a->data == NULL && a->read != NULL)
		return mime_emit_stream(out, a, err);
	return mime_emit_body(out, enc, a->data, a->len, err);
fail:
	free(fname);
	return -1;
}

static void
mime_env_add(struct mime_envelope *env, const char *addr)
{
	size_t i;

	for (i = 0; i < env->nrcpt; i++)
		if (strcasecmp(env->rcpt[i], addr) == 0)
			return;
	env->rcpt =
	    pt_xreallocarray(env->rcpt, env->nrcpt + 1, sizeof *env->rcpt);
	env->rcpt[env->nrcpt++] = pt_xstrdup(addr);
}

void
mime_envelope_release(struct mime_envelope *env)
{
	size_t i;

	for (i = 0; i < env->nrcpt; i++)
		free(env->rcpt[i]);
	free(env->rcpt);
	free(env->from);
	free(env->message_id);
	memset(env, 0, sizeof *env);
}

int
mime_field_check(const char *name, size_t len, struct pt_error *err)
{
	static const char *const owned[] = {"message-id", "date",
	    "mime-version", "sender", "user-agent", "return-path", "received"};
	static const char *const prefix[] = {"content-", "resent-"};
	size_t i;
	int ours = 0;

	for (i = 0; i < len; i++)
		if ((unsigned char)name[i] <= ' ' ||
		    (unsigned char)name[i] >= 0x7F || name[i] == ':')
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("a header field's name is not printable ASCII "
			      "without ':'"));
	if (len == 0)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("a header field has no name"));
	if (len > MIME_FOLD_WIDTH - 2)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("the field name '%.20s...' is too long"), name);
	for (i = 0; i < PT_NELEM(owned); i++)
		ours |= mime_ci_eq(name, len, owned[i]);
	for (i = 0; i < PT_NELEM(prefix); i++)
		ours |= mime_ci_prefix(name, len, prefix[i]);
	if (ours)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("a draft may not set the '%.*s' field: petrel writes it "
		      "itself"),
		    (int)len, name);
	return 0;
}

int
mime_field_is_address(const char *name, size_t len)
{
	static const char *const addr[] = {"mail-followup-to", "mail-reply-to",
	    "disposition-notification-to", "return-receipt-to"};
	size_t i;

	for (i = 0; i < PT_NELEM(addr); i++)
		if (mime_ci_eq(name, len, addr[i]))
			return 1;
	return 0;
}

/* One field of mime_compose's extra, folded and encoded. */
static int
mime_field_emit(struct pt_buf *out, const struct mime_field *f,
    struct pt_error *err)
{
	static const char *const ours[] = {"from", "to", "cc", "bcc", "subject",
	    "reply-to", "in-reply-to", "references"};
	size_t i, nl = strlen(f->name);
	struct mime_addrlist l = {0};
	int r;

	if (mime_field_check(f->name, nl, err) != 0)
		return -1;
	for (i = 0; i < PT_NELEM(ours); i++)
		if (strcasecmp(ours[i], f->name) == 0)
			return pt_error_set(err, PT_E_INTERNAL, 0,
			    _("the '%s' field given as another field"),
			    f->name);
	if (!pt_utf8_valid(f->value, strlen(f->value)))
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("the '%s' field is not valid UTF-8"), f->name);
	if (f->value[strspn(f->value, " ")] == '\0')
		return 0;
	if (!mime_field_is_address(f->name, nl))
		return mime_header_encode(out, f->name, f->value, err);
	if (mime_addrlist_parse(f->value, &l, err) != 0) {
		pt_error_prefix(err, _("in the '%s' field"), f->name);
		mime_addrlist_release(&l);
		return -1;
	}
	r = l.n > 0 ? mime_header_addresses(out, f->name, &l, err) : 0;
	mime_addrlist_release(&l);
	return r;
}

int
mime_compose_build(const struct mime_compose *c, struct pt_buf *out,
    struct mime_envelope *env, struct pt_error *err)
{
	struct mime_addrlist from = {0}, to = {0}, cc = {0}, bcc = {0},
			     rt = {0};
	struct pt_buf text, hdr;
	char date[48], boundary[96], *msgid = NULL, *irt = NULL, *refs = NULL;
	const char *at;
	enum mime_enc enc;
	size_t i;
	int rc = -1, counter = 0;

	memset(env, 0, sizeof *env);
	pt_buf_init(&text, out->max);
	pt_buf_init(&hdr, 0);
	if ((c->subject != NULL &&
		!pt_utf8_valid(c->subject, strlen(c->subject))) ||
	    (c->user_agent != NULL &&
		!pt_utf8_valid(c->user_agent, strlen(c->user_agent)))) {
		pt_error_set(err, PT_E_CONFIG, 0,
		    _("the subject is not valid UTF-8"));
		goto out;
	}
	if (mime_addrlist_parse(c->from, &from, err) != 0 ||
	    mime_addrlist_parse(c->to, &to, err) != 0 ||
	    mime_addrlist_parse(c->cc, &cc, err) != 0 ||
	    mime_addrlist_parse(c->bcc, &bcc, err) != 0 ||
	    mime_addrlist_parse(c->reply_to, &rt, err) != 0)
		goto out;
	if (from.n != 1) {
		pt_error_set(err, PT_E_CONFIG, 0,
		    _("the From field must hold exactly one address"));
		goto out;
	}
	if (to.n + cc.n + bcc.n == 0 && !c->draft) {
		pt_error_set(err, PT_E_CONFIG, 0,
		    _("there is no recipient: give at least one address"));
		goto out;
	}
	if (!mime_nonce_ok(c->nonce)) {
		pt_error_set(err, PT_E_INTERNAL, 0,
		    _("no random nonce for the message"));
		goto out;
	}
	at = strrchr(from.v[0].addr, '@');
	if (c->message_id != NULL) {
		if (!mime_msgid_ok(c->message_id, strlen(c->message_id))) {
			pt_error_set(err, PT_E_CONFIG, 0,
			    _("'%s' is not a valid Message-ID"), c->message_id);
			goto out;
		}
		msgid = pt_xstrdup(c->message_id);
	} else
		msgid = mime_message_id(at + 1, c->nonce, c->date);
	if (c->in_reply_to != NULL)
		irt = mime_msgids_clean(c->in_reply_to, strlen(c->in_reply_to));
	if (c->references != NULL)
		refs = mime_msgids_clean(c->references, strlen(c->references));
	if (mime_date_format(c->date, c->tzoff, date, sizeof date) != 0) {
		pt_error_set(err, PT_E_INTERNAL, 0, _("bad date"));
		goto out;
	}

	/* The text, as UTF-8 with CRLF line ends. */
	if (c->body != NULL && c->bodylen > 0) {
		struct pt_buf u;

		pt_buf_init(&u, out->max);
		if (mime_guess_to_utf8(&u, c->body, c->bodylen, err) != 0) {
			pt_buf_release(&u);
			goto out;
		}
		mime_crlf(&text, u.data, u.len);
		pt_buf_release(&u);
		if (text.len > 0 && text.data[text.len - 1] != '\n')
			pt_buf_add(&text, "\r\n", 2, NULL);
	}
	enc = mime_text_encoding(text.data, text.len);

	/* A boundary no 7bit part contains. */
	for (;;) {
		snprintf(boundary, sizeof boundary, "=_pt%s_%d", c->nonce,
		    counter++);
		if ((enc != MIME_ENC_7BIT ||
			!mime_mem_has(text.data, text.len, boundary)))
			break;
	}
	for (i = 0; i < c->natt;) {
		if (c->att[i].data != NULL &&
		    mime_mem_has(c->att[i].data, c->att[i].len, boundary)) {
			snprintf(boundary, sizeof boundary, "=_pt%s_%d",
			    c->nonce, counter++);
			i = 0; /* check every part again */
		} else
			i++;
	}

	/* The header. */
	if (pt_buf_printf(out, err, "Date: %s\r\n", date) != 0 ||
	    mime_header_addresses(out, "From", &from, err) != 0 ||
	    (to.n > 0 && mime_header_addresses(out, "To", &to, err) != 0) ||
	    (cc.n > 0 && mime_header_addresses(out, "Cc", &cc, err) != 0) ||
	    (c->draft && bcc.n > 0 &&
		mime_header_addresses(out, "Bcc", &bcc, err) != 0) ||
	    (rt.n > 0 &&
		mime_header_addresses(out, "Reply-To", &rt, err) != 0) ||
	    (c->subject != NULL && c->subject[0] != '\0' &&
		mime_header_encode(out, "Subject", c->subject, err) != 0) ||
	    pt_buf_printf(out, err, "Message-ID: %s\r\n", msgid) != 0)
		goto out;
	if (irt != NULL) {
		/* In-Reply-To names the parent: its first id. */
		char *sp = strchr(irt, ' ');

		if (sp != NULL)
			*sp = '\0';
		if (pt_buf_printf(out, err, "In-Reply-To: %s\r\n", irt) != 0)
			goto out;
	}
	if (refs != NULL) {
		struct mime_fold f;
		char *p = refs, *sp;

		mime_fold_init(&f, out, "References", err);
		while (p != NULL && *p != '\0') {
			sp = strchr(p, ' ');
			mime_fold_add(&f, " ", p,
			    sp != NULL ? (size_t)(sp - p) : strlen(p), 0);
			p = sp != NULL ? sp + 1 : NULL;
		}
		if (mime_fold_end(&f) != 0)
			goto out;
	}
	for (i = 0; i < c->nextra; i++)
		if (mime_field_emit(out, &c->extra[i], err) != 0)
			goto out;
	if (c->user_agent != NULL && c->user_agent[0] != '\0' &&
	    mime_header_encode(out, "User-Agent", c->user_agent, err) != 0)
		goto out;
	if (pt_buf_addstr(out, "MIME-Version: 1.0\r\n", err) != 0)
		goto out;

	/* The text part's own fields. */
	pt_buf_printf(&hdr, NULL,
	    "Content-Type: text/plain; charset=%s\r\n"
	    "Content-Transfer-Encoding: %s\r\n",
	    mime_is_7bit_crlf(text.data, text.len) ? "us-ascii" : "utf-8",
	    mime_enc_name(enc));
	if (c->natt == 0) {
		if (pt_buf_add(out, hdr.data, hdr.len, err) != 0 ||
		    pt_buf_add(out, "\r\n", 2, err) != 0 ||
		    mime_emit_body(out, enc, text.data, text.len, err) != 0)
			goto out;
	} else {
		if (pt_buf_printf(out, err,
			"Content-Type: multipart/mixed;\r\n"
			" boundary=\"%s\"\r\n"
			"\r\n"
			"This is a message in MIME format.\r\n"
			"\r\n--%s\r\n",
			boundary, boundary) != 0 ||
		    pt_buf_add(out, hdr.data, hdr.len, err) != 0 ||
		    pt_buf_add(out, "\r\n", 2, err) != 0 ||
		    mime_emit_body(out, enc, text.data, text.len, err) != 0)
			goto out;
		for (i = 0; i < c->natt; i++)
			if (pt_buf_printf(out, err, "\r\n--%s\r\n", boundary) !=
				0 ||
			    mime_emit_attachment(out, &c->att[i], err) != 0)
				goto out;
		if (pt_buf_printf(out, err, "\r\n--%s--\r\n", boundary) != 0)
			goto out;
	}

	env->from = pt_xstrdup(from.v[0].addr);
	for (i = 0; i < to.n; i++)
		mime_env_add(env, to.v[i].addr);
	for (i = 0; i < cc.n; i++)
		mime_env_add(env, cc.v[i].addr);
	for (i = 0; i < bcc.n; i++)
		mime_env_add(env, bcc.v[i].addr);
	env->message_id = msgid;
	msgid = NULL;
	rc = 0;
out:
	if (rc != 0)
		mime_envelope_release(env);
	mime_addrlist_release(&from);
	mime_addrlist_release(&to);
	mime_addrlist_release(&cc);
	mime_addrlist_release(&bcc);
	mime_addrlist_release(&rt);
	pt_buf_release(&text);
	pt_buf_release(&hdr);
	free(msgid);
	free(irt);
	free(refs);
	return rc;
}

char *
mime_reply_subject(const char *s)
{
	const char *p = s != NULL ? s : "";

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, "re:", 3) == 0)
		return pt_xstrdup(p);
	return pt_xasprintf("Re: %s", p);
}

char *
mime_reply_references(const char *refs, const char *irt, const char *msgid)
{
	const char *base =
	    refs != NULL && strchr(refs, '<') != NULL ? refs : irt;
	char *all, *r;

	all = pt_xasprintf("%s %s", base != NULL ? base : "",
	    msgid != NULL ? msgid : "");
	r = mime_msgids_clean(all, strlen(all));
	free(all);
	return r;
}
