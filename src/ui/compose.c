/*
 * compose.c: writing mail from the interface.
 *
 *	m  new message        r  reply (Reply-To, else From)
 *	g  group reply        L  list reply (List-Post)
 *	f  forward (inline, as attachment, or ask: compose.forward)
 *	R  recall a postponed message (send.c)
 *
 * A draft is a file of editable header fields (From, To, Cc, Bcc,
 * Subject; In-Reply-To and References for replies; Attach), an empty
 * line and the text, written (mode 0600) to $XDG_DATA_HOME/petrel/
 * <account>/drafts/ and opened in compose.editor, $VISUAL, $EDITOR or
 * vi.  For a reply or a forward the message is fetched through the
 * engine first, as the pager reads it (msgget.c: a big one from its
 * structure, without the attachments its text does not need); a reply
 * quotes its text and is written From the identity the message was
 * addressed to (mutt's reverse_name), a forward as attachment saves it
 * (fetched whole) as NAME.eml in DRAFT.files/ beside the draft and
 * attaches that, an inline forward saves the original's attachments
 * there (those not fetched yet are fetched then; the editor waits for
 * them); that folder goes with the draft (send.c).  After
 * the editor the compose screen (compose_screen.c) takes the draft.
 *
 * Sending, postponing and recalling a draft are in send.c.  The UI
 * itself includes no smtp, store or net header.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/mime.h"

#include "private.h"

/* The compose in progress (one at a time, like the pager's state). */
static struct {
	size_t account;
	enum ui_op op;
	int fetching; /* the message to reply to or forward is coming */
	struct ui_msgget mg;
	size_t parts; /* attachments of an inline forward still coming */
	int edit;     /* the editor waits for them */
	char *draft;
	int fwd_attach; /* forward as attachment */
} ui_co;
/* The To of a new message while ui_compose_to starts it. */
static const char *ui_co_to;

static char *ui_compose_field(const struct mime_msg *, const char *);
static char *ui_compose_others(struct ui *, const char *, const char *);
static char *ui_compose_listpost(const char *);
static void ui_compose_quote(struct pt_buf *, const char *, const char *);
static void ui_compose_signature(struct ui *, struct pt_buf *);
static int ui_compose_write(struct ui *, const char *, size_t);
static void ui_compose_from_msg(struct ui *, const struct mime_msg *,
    const char *, const char *, size_t);
static void ui_compose_got(struct ui *, struct ui_msgget *,
    const struct pt_error *, void *);
static void ui_compose_edit(struct ui *);
static void ui_compose_done(void);
static char *ui_compose_from(struct ui *, const struct mime_msg *);
static char *ui_compose_draft_path(struct ui *);
static char *ui_compose_att_dir(const char *);
static int ui_compose_save_original(struct ui *, const char *, const char *,
    size_t, char **);
static void ui_compose_fetch(struct ui *, uint32_t);
static size_t ui_compose_keep_attachments(struct ui *, const struct mime_msg *,
    struct pt_buf *);
static void ui_compose_keep_part(struct ui *, const struct mime_part *,
    const char *, size_t *, struct pt_buf *);
static void ui_compose_forward_answer(struct ui *, int, const char *, void *);
static void ui_compose_part_cb(struct ui *, struct eng_event *, void *);

/* A header field of the top part, decoded (NULL when absent). */
static char *
ui_compose_field(const struct mime_msg *m, const char *name)
{
	const char *v;
	size_t vl;
	char *r = NULL;

	v = mime_part_header(mime_msg_root(m), name, &vl);
	if (v != NULL) {
		if (strcasecmp(name, "subject") == 0 ||
		    strcasecmp(name, "date") == 0)
			r = mime_header_decode(v, vl);
		else if (strcasecmp(name, "from") == 0 ||
			 strcasecmp(name, "to") == 0 ||
			 strcasecmp(name, "cc") == 0 ||
			 strcasecmp(name, "reply-to") == 0)
			r = mime_address_decode(v, vl);
		else {
			char *t = pt_xstrndup(v, vl), *p;

			for (p = t; *p != '\0'; p++)
				if (*p == '\r' || *p == '\n' || *p == '\t')
					*p = ' ';
			r = t;
		}
	}
	return r;
}

/*
 * The addresses of the list a, each once, without your own (every
 * account's address and identities) and without those in skip; NULL
 * when none is left.
 */
static char *
ui_compose_others(struct ui *ui, const char *a, const char *skip)
{
	struct mime_addrlist l = {0}, s = {0};
	struct ui_identity *ids;
	struct pt_buf b;
	size_t i, nids;

	nids = ui_identities(ui, &ids);
	(void)mime_addrlist_parse(a, &l, NULL);
	(void)mime_addrlist_parse(skip, &s, NULL);
	pt_buf_init(&b, 0);
	for (i = 0; i < l.n; i++) {
		struct mime_addrlist before = {l.v, i, i};
		char *d;

		if (ui_identity_find(ids, nids, l.v[i].addr) >= 0 ||
		    mime_addrlist_find(&s, l.v[i].addr) >= 0 ||
		    mime_addrlist_find(&before, l.v[i].addr) >= 0)
			continue;
		d = mime_addr_display(&l.v[i]);
		pt_buf_printf(&b, NULL, "%s%s", b.len > 0 ? ", " : "", d);
		free(d);
	}
	mime_addrlist_release(&l);
	mime_addrlist_release(&s);
	ui_identities_free(ids, nids);
	if (b.len == 0) {
		pt_buf_release(&b);
		return NULL;
	}
	return pt_buf_detach(&b, NULL);
}

/* The address of List-Post: <mailto:list@example.org>, or NULL. */
static char *
ui_compose_listpost(const char *v)
{
	const char *p, *e;

	if (v == NULL || (p = strstr(v, "mailto:")) == NULL)
		return NULL;
	p += 7;
	e = p + strcspn(p, ">?, ");
	return e > p ? pt_xstrndup(p, (size_t)(e - p)) : NULL;
}

/* Each line of text after prefix ("> "), trailing blank lines dropped. */
static void
ui_compose_quote(struct pt_buf *out, const char *text, const char *prefix)
{
	const char *p = text, *end = text + strlen(text);

	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		/* "> " before text, ">" before another quote or nothing. */
		if (n == 0 || *p == '>')
			pt_buf_printf(out, NULL, "%.*s",
			    (int)strcspn(prefix, " "), prefix);
		else
			pt_buf_addstr(out, prefix, NULL);
		pt_buf_add(out, p, n, NULL);
		pt_buf_addch(out, '\n', NULL);
		p += n + 1;
	}
}

static void
ui_compose_signature(struct ui *ui, struct pt_buf *b)
{
	const char *path = cfg_get(ui->cfg, "compose", "signature");
	char *sig;
	size_t len;

	if (path == NULL || path[0] == '\0' ||
	    (sig = pt_file_read(path, 64 * 1024, &len, NULL)) == NULL)
		return;
	pt_buf_addstr(b, "\n-- \n", NULL);
	pt_buf_add(b, sig, len, NULL);
	if (len > 0 && sig[len - 1] != '\n')
		pt_buf_addch(b, '\n', NULL);
	free(sig);
}

/* A new draft's path (its folder made), or NULL with the error shown. */
static char *
ui_compose_draft_path(struct ui *ui)
{
	struct pt_error err;
	char *dir, *path;

	pt_error_init(&err);
	dir = ui_drafts_dir(ui, ui_co.account);
	if (pt_mkdir_p(dir, 0700, &err) != 0) {
		free(dir);
		ui_error(ui, "%s", err.msg);
		return NULL;
	}
	path = pt_xasprintf("%s/%lld-%ld.txt", dir, (long long)time(NULL),
	    (long)getpid());
	free(dir);
	return path;
}

/* Writes the draft file; 0, or -1 with the error shown. */
static int
ui_compose_write(struct ui *ui, const char *text, size_t len)
{
	struct pt_error err;

	pt_error_init(&err);
	if (ui_co.draft == NULL &&
	    (ui_co.draft = ui_compose_draft_path(ui)) == NULL)
		return -1;
	if (pt_file_write_atomic(ui_co.draft, text, len, 0600, &err) != 0) {
		ui_error(ui, "%s", err.msg);
		return -1;
	}
	return 0;
}

/*
 * Where compose keeps files for a draft: "DRAFT.files", as recall does,
 * so that they go with the draft (ui_draft_files_remove).  Allocated.
 */
static char *
ui_compose_att_dir(const char *draft)
{
	size_t n = strlen(draft);

	if (n > 4 && strcmp(draft + n - 4, ".txt") == 0)
		n -= 4;
	return pt_xasprintf("%.*s.files", (int)n, draft);
}

void
ui_compose_discard(const char *draft)
{
	char *origin = pt_xasprintf("%s.origin", draft);

	(void)unlink(origin);
	free(origin);
	ui_draft_files_remove(draft);
	(void)unlink(draft);
}

/*
 * Saves the original of a forward as attachment beside the draft, as
 * "SUBJECT.eml" (letters, digits, '.', '-' and '_' kept); 0 with the
 * path in *out, or -1 with the error shown.
 */
static int
ui_compose_save_original(struct ui *ui, const char *subject, const char *raw,
    size_t len, char **out)
{
	struct pt_error err;
	struct pt_buf name;
	char *dir;
	const char *s;
	int r;

	pt_error_init(&err);
	pt_buf_init(&name, 0);
	for (s = subject != NULL ? subject : ""; *s != '\0' && name.len < 60;
	     s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    (c == '.' && name.len > 0))
			pt_buf_addch(&name, (char)c, NULL);
		else if (c == ' ' && name.len > 0 &&
			 name.data[name.len - 1] != '_')
			pt_buf_addch(&name, '_', NULL);
	}
	if (name.len == 0)
		pt_buf_addstr(&name, "forwarded", NULL);
	dir = ui_compose_att_dir(ui_co.draft);
	*out = pt_xasprintf("%s/%s.eml", dir, name.data);
	pt_buf_release(&name);
	r = pt_mkdir_p(dir, 0700, &err) == 0 &&
		    pt_file_write_atomic(*out, raw, len, 0600, &err) == 0
		? 0
		: -1;
	free(dir);
	if (r != 0) {
		ui_error(ui, "%s", err.msg);
		free(*out);
		*out = NULL;
	}
	return r;
}

/*
 * Saves one attachment of a forwarded message into dir and adds its
 * Attach field to out; *n counts them (and numbers a clash).
 */
static void
ui_compose_keep_part(struct ui *ui, const struct mime_part *p, const char *dir,
    size_t *n, struct pt_buf *out)
{
	char *raw = mime_part_filename(p), *san = NULL, *name, *path;
	struct pt_error err;
	struct pt_buf data;
	struct stat sb;

	if (raw != NULL)
		san = pt_sanitize_line(raw, strlen(raw));
	name = mime_filename_safe(san, *n);
	if (san == NULL && strcmp(mime_part_type(p), "message/rfc822") == 0) {
		free(name);
		name = pt_xasprintf("message-%zu.eml", *n + 1);
	}
	path = pt_xasprintf("%s/%s", dir, name);
	if (stat(path, &sb) == 0) {
		/* Two parts of the same name: number the second. */
		free(path);
		path = pt_xasprintf("%s/%zu-%s", dir, *n + 1, name);
	}
	pt_error_init(&err);
	if (ui_co.mg.st != NULL && mime_part_absent(p, NULL)) {
		/* Not fetched with the text: fetched now, decoded. */
		struct eng_job *job =
		    ui_part_fetch_job(ui_co.mg.account, ui_co.mg.folder,
			ui_co.mg.uidvalidity, ui_co.mg.uid, p, path);
		char *label = pt_xasprintf(_("Loading %s"), name);

		if (ui_job_submit(ui, job, label, ui_compose_part_cb,
			pt_xstrdup(path), free) != 0) {
			ui_co.parts++;
			pt_buf_printf(out, NULL, "Attach: %s\n", path);
			(*n)++;
		}
		free(label);
		free(path);
		free(name);
		free(san);
		free(raw);
		return;
	}
	pt_buf_init(&data, MIME_MAX_SIZE);
	if (mime_part_decode(p, &data, NULL, &err) != 0 ||
	    pt_file_write_atomic(path, data.data != NULL ? data.data : "",
		data.len, 0600, &err) != 0)
		ui_error(ui, _("The attachment '%s' is left out: %s"), name,
		    err.msg);
	else {
		pt_buf_printf(out, NULL, "Attach: %s\n", path);
		(*n)++;
	}
	pt_buf_release(&data);
	free(path);
	free(name);
	free(san);
	free(raw);
}

/*
 * An inline forward keeps the original's attachments (mutt asks;
 * here they are listed on the compose screen, where D drops one): each
 * part that is an attachment or has a file name, but the first text,
 * is saved beside the draft and gets an Attach field in out.  Returns
 * how many.
 */
static size_t
ui_compose_keep_attachments(struct ui *ui, const struct mime_msg *m,
    struct pt_buf *out)
{
	const struct mime_part *p;
	struct pt_error err;
	size_t n = 0;
	int text_seen = 0;
	char *dir;

	dir = ui_compose_att_dir(ui_co.draft);
	pt_error_init(&err);
	p = mime_msg_root(m);
	while (p != NULL) {
		const char *type = mime_part_type(p);
		const struct mime_part *next;
		char *fname = mime_part_filename(p);
		int leaf = strncmp(type, "multipart/", 10) != 0 &&
			   (p == mime_msg_root(m) ||
			       strcmp(type, "message/rfc822") == 0 ||
			       mime_part_child(p) == NULL);

		if (leaf && p != mime_msg_root(m) &&
		    (mime_part_is_attachment(p) || fname != NULL ||
			(text_seen && strncmp(type, "text/", 5) != 0))) {
			if (n == 0 && pt_mkdir_p(dir, 0700, &err) != 0) {
				ui_error(ui, "%s", err.msg);
				free(fname);
				break;
			}
			ui_compose_keep_part(ui, p, dir, &n, out);
		} else if (leaf && strncmp(type, "text/", 5) == 0)
			text_seen = 1;
		free(fname);
		/* Depth first; an enclosed message is one attachment. */
		next = leaf ? NULL : mime_part_child(p);
		while (next == NULL && p != NULL) {
			next = mime_part_next(p);
			if (next == NULL)
				p = mime_part_parent(p);
		}
		p = next;
	}
	free(dir);
	return n;
}

/*
 * The From of a new draft: for a reply or forward of m, the identity
 * the message was addressed to (mutt's reverse_name), whose account
 * then sends; else the account's own address.
 */
static char *
ui_compose_from(struct ui *ui, const struct mime_msg *m)
{
	static const char *const fields[] = {"To", "Cc", "Delivered-To",
	    "X-Original-To"};
	struct ui_identity *ids;
	size_t n, i;
	char *r = NULL;
	int k = -1;

	n = ui_identities(ui, &ids);
	for (i = 0; m != NULL && i < PT_NELEM(fields) && k < 0; i++) {
		char *v = ui_compose_field(m, fields[i]);

		if (v != NULL)
			k = ui_identity_find(ids, n, v);
		free(v);
	}
	if (k >= 0)
		ui_co.account = ids[k].account;
	for (i = 0; k < 0 && i < n; i++)
		if (ids[i].account == ui_co.account)
			k = (int)i;
	if (k >= 0)
		r = pt_xstrdup(ids[k].display);
	ui_identities_free(ids, n);
	return r != NULL ? r : pt_xstrdup("");
}

/*
 * The draft of a reply or forward of m (the parent message), whose
 * text is text; raw is the whole message for a forward as attachment.
 */
static void
ui_compose_from_msg(struct ui *ui, const struct mime_msg *m, const char *text,
    const char *raw, size_t len)
{
	char *from, *rt, *to, *cc, *subj, *date, *mid, *refs, *irt, *lp, *me;
	char *rto = NULL, *rcc = NULL, *nsubj, *nrefs = NULL, *eml = NULL;
	const char *qp = cfg_get(ui->cfg, "compose", "quote_prefix");
	struct pt_buf b;

	from = ui_compose_field(m, "From");
	rt = ui_compose_field(m, "Reply-To");
	to = ui_compose_field(m, "To");
	cc = ui_compose_field(m, "Cc");
	subj = ui_compose_field(m, "Subject");
	date = ui_compose_field(m, "Date");
	mid = ui_compose_field(m, "Message-ID");
	refs = ui_compose_field(m, "References");
	irt = ui_compose_field(m, "In-Reply-To");
	lp = ui_compose_field(m, "List-Post");
	me = ui_compose_from(ui, m);
	pt_buf_init(&b, 0);
	pt_buf_printf(&b, NULL, "From: %s\n", me);
	if (ui_co.op == UI_OP_FORWARD) {
		const char *s = subj != NULL ? subj : "";

		nsubj = strncasecmp(s, "fwd:", 4) == 0
			    ? pt_xstrdup(s)
			    : pt_xasprintf("Fwd: %s", s);
		pt_buf_printf(&b, NULL, "To: \nCc: \nBcc: \nSubject: %s\n",
		    nsubj);
		if (ui_co.fwd_attach) {
			/* The original, unchanged, as message/rfc822. */
			if (raw == NULL ||
			    (ui_co.draft = ui_compose_draft_path(ui)) == NULL ||
			    ui_compose_save_original(ui, s, raw, len, &eml) !=
				0) {
				free(ui_co.draft);
				ui_co.draft = NULL;
				goto out;
			}
			pt_buf_printf(&b, NULL, "Attach: %s\n\n\n", eml);
		} else {
			/* Its attachments come along, beside the draft. */
			if ((ui_co.draft = ui_compose_draft_path(ui)) == NULL)
				goto out;
			(void)ui_compose_keep_attachments(ui, m, &b);
			pt_buf_printf(&b, NULL,
			    "\n\n----- Forwarded message -----\nFrom: %s\n"
			    "Date: %s\nSubject: %s\nTo: %s\n\n%s",
			    from != NULL ? from : "", date != NULL ? date : "",
			    s, to != NULL ? to : "", text);
			pt_buf_addstr(&b, "----- End forwarded message -----\n",
			    NULL);
		}
	} else {
		char *list = ui_compose_listpost(lp);

		rto = pt_xstrdup(rt != NULL ? rt : (from != NULL ? from : ""));
		if (ui_co.op == UI_OP_LIST_REPLY) {
			if (list != NULL) {
				free(rto);
				rto = pt_xstrdup(list);
			} else
				ui_msg(ui, "%s",
				    _("The message has no List-Post field: "
				      "replying to its author."));
		} else if (ui_co.op == UI_OP_GROUP_REPLY) {
			char *all = pt_xasprintf("%s%s%s", to != NULL ? to : "",
			    to != NULL && cc != NULL ? ", " : "",
			    cc != NULL ? cc : "");

			rcc = ui_compose_others(ui, all, rto);
			free(all);
		}
		free(list);
		nsubj = mime_reply_subject(subj);
		nrefs = mime_reply_references(refs, irt, mid);
		pt_buf_printf(&b, NULL, "To: %s\nCc: %s\nBcc: \nSubject: %s\n",
		    rto, rcc != NULL ? rcc : "", nsubj);
		if (mid != NULL)
			pt_buf_printf(&b, NULL, "In-Reply-To: %s\n", mid);
		if (nrefs != NULL)
			pt_buf_printf(&b, NULL, "References: %s\n", nrefs);
		pt_buf_printf(&b, NULL, "\n\nOn %s, %s wrote:\n",
		    date != NULL ? date : "an unknown date",
		    from != NULL ? from : "someone");
		ui_compose_quote(&b, text, qp != NULL ? qp : "> ");
	}
	ui_compose_signature(ui, &b);
	if (ui_compose_write(ui, b.data, b.len) == 0) {
		if (ui_co.parts > 0)
			ui_co.edit = 1; /* when its attachments are here */
		else
			ui_compose_edit(ui);
	}
out:
	pt_buf_release(&b);
	free(me);
	free(eml);
	free(from);
	free(rt);
	free(to);
	free(cc);
	free(subj);
	free(date);
	free(mid);
	free(refs);
	free(irt);
	free(lp);
	free(rto);
	free(rcc);
	free(nsubj);
	free(nrefs);
}

/*
 * The message to reply to or forward came (or a part of it: msgget.c,
 * as the pager reads it, so a big one comes without its attachments).
 * Once its text is whole, the draft is written.
 */
static void
ui_compose_got(struct ui *ui, struct ui_msgget *g, const struct pt_error *err,
    void *arg)
{
	struct mime_render_opts opts = {.width = 72, .no_headers = 1};
	struct mime_missing ms = {NULL, 0};
	struct pt_error perr;
	struct mime_msg *m;
	char *text;

	(void)arg;
	pt_error_init(&perr);
	if (err != NULL) {
		ui_error(ui, _("Cannot fetch the message to reply to: %s"),
		    err->msg);
		goto done;
	}
	if ((m = ui_msgget_parse(g, &perr)) == NULL) {
		if (g->st != NULL) {
			/* The structure cannot be used: the whole message. */
			ui_msgget_whole(ui, g);
			return;
		}
		ui_error(ui, "%s", _("Cannot read the message to reply to."));
		goto done;
	}
	if (g->st != NULL)
		opts.missing = &ms;
	text = mime_render_msg(m, &opts, NULL);
	if (ui_msgget_more(ui, g, &ms)) {
		/* Parts of the text are still coming. */
		free(text);
		mime_msg_free(&m);
		return;
	}
	ui_co.fetching = 0;
	ui_compose_from_msg(ui, m, text, g->data, g->len);
	free(text);
	mime_msg_free(&m);
done:
	/* Attachments of an inline forward may still be coming. */
	ui_co.fetching = ui_co.parts > 0;
	ui_msgget_release(g);
}

/*
 * An attachment of an inline forward that did not come with the text
 * (ui_compose_keep_part) is in its file, or not: then it is left out
 * (its Attach field stays, and the compose screen says the file is
 * missing).
 * The editor opens once the last one is done.
 */
static void
ui_compose_part_cb(struct ui *ui, struct eng_event *ev, void *arg)
{
	if (ev->kind != ENG_EV_DONE && ev->kind != ENG_EV_FAILED)
		return;
	if (ev->kind == ENG_EV_FAILED) {
		const char *path = arg, *name = strrchr(path, '/');

		(void)unlink(path);
		ui_error(ui, _("The attachment '%s' is left out: %s"),
		    name != NULL ? name + 1 : path, ev->err.msg);
	}
	if (ui_co.parts > 0 && --ui_co.parts == 0) {
		ui_co.fetching = 0;
		if (ui_co.edit && ui_co.draft != NULL) {
			ui_co.edit = 0;
			ui_compose_edit(ui);
		}
	}
}

/* Fetches the message to reply to or forward (ui_compose_got). */
static void
ui_compose_fetch(struct ui *ui, uint32_t uid)
{
	if (!ui->folder.open) {
		ui_msg(ui, "%s", _("No message to reply to."));
		return;
	}
	/* A forward as attachment sends the original whole. */
	ui_co.fetching = 1;
	ui_msgget_start(ui, &ui_co.mg, uid, 0, ui_co.fwd_attach, ui_compose_got,
	    NULL);
}

static void
ui_compose_forward_answer(struct ui *ui, int ans, const char *text, void *arg)
{
	(void)text;
	if (ans != 'i' && ans != 'a')
		return;
	ui_co.fwd_attach = ans == 'a';
	ui_compose_fetch(ui, (uint32_t)(uintptr_t)arg);
}

void
ui_compose_start(struct ui *ui, enum ui_op op, const uint32_t *uids, size_t n)
{
	struct ui_folder *f = &ui->folder;
	const char *fwd = cfg_get(ui->cfg, "compose", "forward");

	if (ui_co.fetching) {
		ui_msg(ui, "%s", _("Still fetching the message to reply to."));
		return;
	}
	ui_co.op = op;
	ui_co.account = f->open ? f->account : 0;
	ui_co.fwd_attach = 0;
	free(ui_co.draft);
	ui_co.draft = NULL;
	if (cfg_account_at(ui->cfg, ui_co.account) == NULL) {
		ui_error(ui, "%s", _("No account to send from."));
		return;
	}
	if (op == UI_OP_MAIL) {
		char *me = ui_compose_from(ui, NULL);
		struct pt_buf b;

		pt_buf_init(&b, 0);
		pt_buf_printf(&b, NULL,
		    "From: %s\nTo: %s\nCc: \nBcc: \nSubject: \n\n\n", me,
		    ui_co_to != NULL ? ui_co_to : "");
		ui_compose_signature(ui, &b);
		if (ui_compose_write(ui, b.data, b.len) == 0)
			ui_compose_edit(ui);
		pt_buf_release(&b);
		free(me);
		return;
	}
	if (op == UI_OP_RECALL) {
		ui_recall(ui, ui_co.account);
		return;
	}
	if (!f->open || n == 0) {
		ui_msg(ui, "%s", _("No message to reply to."));
		return;
	}
	if (op == UI_OP_FORWARD && strcmp(fwd, "ask") == 0) {
		struct ui_prompt *p = ui_prompt_new(UI_PROMPT_CHOICE,
		    _("Forward (i)nline or as an (a)ttachment?"),
		    ui_compose_forward_answer, (void *)(uintptr_t)uids[0]);

		p->choices = pt_xstrdup("ia");
		ui_prompt_show(ui, p, 0);
		return;
	}
	ui_co.fwd_attach =
	    op == UI_OP_FORWARD && strcmp(fwd, "attachment") == 0;
	ui_compose_fetch(ui, uids[0]);
}

void
ui_compose_to(struct ui *ui, const char *to)
{
	ui_co_to = to;
	ui_compose_start(ui, UI_OP_MAIL, NULL, 0);
	ui_co_to = NULL;
}

void
ui_compose_resume(struct ui *ui, size_t account, const char *draft)
{
	ui_co.op = UI_OP_RECALL;
	ui_co.account = account;
	free(ui_co.draft);
	ui_co.draft = pt_xstrdup(draft);
	ui_compose_edit(ui);
}

/* Runs the editor on the draft, with the terminal given to it. */
static void
ui_compose_edit(struct ui *ui)
{
	const char *ed = cfg_editor(ui->cfg);
	char *cmd;
	pid_t pid;
	int status = 0;

	/* The draft's path is ours: no quote can be in it. */
	cmd = pt_xasprintf("%s '%s'", ed, ui_co.draft);
	ui_term_pause();
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	ui_term_resume(ui);
	free(cmd);
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		ui_error(ui,
		    _("The editor failed; the draft is kept in %s (R recalls "
		      "it)."),
		    ui_co.draft);
		/* On the compose screen, the draft stays there. */
		if (!ui_compose_screen_active(ui))
			ui_compose_done();
		return;
	}
	ui_compose_screen_show(ui, ui_co.account, ui_co.draft);
	ui_compose_done();
}

static void
ui_compose_done(void)
{
	free(ui_co.draft);
	ui_co.draft = NULL;
}
