/*
 * compose.c: writing mail from the interface.
 *
 *	m  new message        r  reply (Reply-To, else From)
 *	g  group reply        L  list reply (List-Post)
 *	f  forward (inline)   R  recall a postponed message (send.c)
 *
 * A draft is a file of editable header fields (To, Cc, Bcc, Subject;
 * In-Reply-To and References for replies), an empty line and the text,
 * written (mode 0600) to $XDG_DATA_HOME/petrel/<account>/drafts/ and
 * opened in compose.editor, $VISUAL, $EDITOR or vi.  For a reply the
 * message is fetched through the engine first and its text quoted.
 * After the editor a review prompt offers: send, edit again, postpone
 * (the draft stays on disk; R brings it back) or abort.  The addresses
 * are checked before that prompt.
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
	uint64_t job;
	char *draft;
} ui_co;

static char *ui_compose_field(const char *, size_t, const char *);
static char *ui_compose_others(struct ui *, size_t, const char *, const char *);
static char *ui_compose_listpost(const char *);
static void ui_compose_quote(struct pt_buf *, const char *, const char *);
static void ui_compose_signature(struct ui *, struct pt_buf *);
static int ui_compose_write(struct ui *, const char *, size_t);
static void ui_compose_from_msg(struct ui *, const char *, size_t);
static void ui_compose_fetch_cb(struct ui *, struct eng_event *, void *);
static void ui_compose_edit(struct ui *);
static void ui_compose_review(struct ui *);
static void ui_compose_answer(struct ui *, int, const char *, void *);
static void ui_compose_abort_answer(struct ui *, int, const char *, void *);
static void ui_compose_done(void);
static int ui_compose_check(struct ui *, char *, size_t);
static char *ui_compose_header(const char *, const char *);

/* A header field of the top part, decoded (NULL when absent). */
static char *
ui_compose_field(const char *raw, size_t len, const char *name)
{
	struct mime_msg *m = mime_parse(raw, len, NULL);
	const char *v;
	size_t vl;
	char *r = NULL;

	if (m == NULL)
		return NULL;
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
	mime_msg_free(&m);
	return r;
}

/*
 * The addresses of a and b (display lists), without the account's own
 * address and without those in skip; NULL when none is left.
 */
static char *
ui_compose_others(struct ui *ui, size_t account, const char *a,
    const char *skip)
{
	const struct cfg_account *acct = cfg_account_at(ui->cfg, account);
	struct mime_addrlist l = {0}, s = {0};
	struct pt_buf b;
	size_t i, j;

	(void)mime_addrlist_parse(a, &l, NULL);
	(void)mime_addrlist_parse(skip, &s, NULL);
	pt_buf_init(&b, 0);
	for (i = 0; i < l.n; i++) {
		int keep = acct == NULL || acct->email == NULL ||
			   strcasecmp(l.v[i].addr, acct->email) != 0;
		char *d;

		for (j = 0; j < s.n && keep; j++)
			if (strcasecmp(l.v[i].addr, s.v[j].addr) == 0)
				keep = 0;
		for (j = 0; j < i && keep; j++)
			if (strcasecmp(l.v[i].addr, l.v[j].addr) == 0)
				keep = 0;
		if (!keep)
			continue;
		d = mime_addr_display(&l.v[i]);
		pt_buf_printf(&b, NULL, "%s%s", b.len > 0 ? ", " : "", d);
		free(d);
	}
	mime_addrlist_release(&l);
	mime_addrlist_release(&s);
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

/* Writes the draft file; 0, or -1 with the error shown. */
static int
ui_compose_write(struct ui *ui, const char *text, size_t len)
{
	struct pt_error err;
	char *dir;

	pt_error_init(&err);
	dir = ui_drafts_dir(ui, ui_co.account);
	if (pt_mkdir_p(dir, 0700, &err) != 0) {
		free(dir);
		ui_error(ui, "%s", err.msg);
		return -1;
	}
	free(ui_co.draft);
	ui_co.draft = pt_xasprintf("%s/%lld-%ld.txt", dir,
	    (long long)time(NULL), (long)getpid());
	free(dir);
	if (pt_file_write_atomic(ui_co.draft, text, len, 0600, &err) != 0) {
		ui_error(ui, "%s", err.msg);
		return -1;
	}
	return 0;
}

/* The draft of a reply or forward of raw (the parent message). */
static void
ui_compose_from_msg(struct ui *ui, const char *raw, size_t len)
{
	struct mime_render_opts opts = {.width = 72, .no_headers = 1};
	char *from = ui_compose_field(raw, len, "From");
	char *rt = ui_compose_field(raw, len, "Reply-To");
	char *to = ui_compose_field(raw, len, "To");
	char *cc = ui_compose_field(raw, len, "Cc");
	char *subj = ui_compose_field(raw, len, "Subject");
	char *date = ui_compose_field(raw, len, "Date");
	char *mid = ui_compose_field(raw, len, "Message-ID");
	char *refs = ui_compose_field(raw, len, "References");
	char *irt = ui_compose_field(raw, len, "In-Reply-To");
	char *lp = ui_compose_field(raw, len, "List-Post");
	char *rto = NULL, *rcc = NULL, *nsubj, *nrefs = NULL, *text;
	const char *qp = cfg_get(ui->cfg, "compose", "quote_prefix");
	struct pt_buf b;

	text = mime_render(raw, len, &opts, NULL, NULL);
	pt_buf_init(&b, 0);
	if (ui_co.op == UI_OP_FORWARD) {
		const char *s = subj != NULL ? subj : "";

		nsubj = strncasecmp(s, "fwd:", 4) == 0
			    ? pt_xstrdup(s)
			    : pt_xasprintf("Fwd: %s", s);
		pt_buf_printf(&b, NULL, "To: \nCc: \nBcc: \nSubject: %s\n\n\n",
		    nsubj);
		pt_buf_printf(&b, NULL,
		    "----- Forwarded message -----\nFrom: %s\nDate: %s\n"
		    "Subject: %s\nTo: %s\n\n%s",
		    from != NULL ? from : "", date != NULL ? date : "", s,
		    to != NULL ? to : "", text);
		pt_buf_addstr(&b, "----- End forwarded message -----\n", NULL);
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

			rcc = ui_compose_others(ui, ui_co.account, all, rto);
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
	if (ui_compose_write(ui, b.data, b.len) == 0)
		ui_compose_edit(ui);
	pt_buf_release(&b);
	free(text);
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

static void
ui_compose_fetch_cb(struct ui *ui, struct eng_event *ev, void *arg)
{
	(void)arg;
	if (ev->job_id != ui_co.job)
		return;
	switch (ev->kind) {
	case ENG_EV_BODY:
		if (ev->u.body != NULL && ev->u.body->data != NULL)
			ui_compose_from_msg(ui, ev->u.body->data,
			    ev->u.body->len);
		ui_co.job = 0;
		break;
	case ENG_EV_FAILED:
		ui_error(ui, _("Cannot fetch the message to reply to: %s"),
		    ev->err.msg);
		ui_co.job = 0;
		break;
	default:
		break;
	}
}

void
ui_compose_start(struct ui *ui, enum ui_op op, const uint32_t *uids, size_t n)
{
	struct ui_folder *f = &ui->folder;

	if (ui_co.job != 0) {
		ui_msg(ui, "%s", _("Still fetching the message to reply to."));
		return;
	}
	ui_co.op = op;
	ui_co.account = f->open ? f->account : 0;
	if (cfg_account_at(ui->cfg, ui_co.account) == NULL) {
		ui_error(ui, "%s", _("No account to send from."));
		return;
	}
	if (op == UI_OP_MAIL) {
		struct pt_buf b;

		pt_buf_init(&b, 0);
		pt_buf_addstr(&b, "To: \nCc: \nBcc: \nSubject: \n\n\n", NULL);
		ui_compose_signature(ui, &b);
		if (ui_compose_write(ui, b.data, b.len) == 0)
			ui_compose_edit(ui);
		pt_buf_release(&b);
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
	{
		struct eng_job *job = eng_job_new(ENG_JOB_FETCH, f->account);

		eng_job_set_folder(job, f->name);
		job->uid = uids[0];
		job->uidvalidity = f->uidvalidity;
		ui_co.job = ui_job_submit(ui, job, _("Fetching the message"),
		    ui_compose_fetch_cb, NULL, NULL);
	}
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
		ui_compose_done();
		return;
	}
	ui_compose_review(ui);
}

/* A field of the draft (the last one of that name), or NULL. */
static char *
ui_compose_header(const char *text, const char *name)
{
	size_t nl = strlen(name);
	const char *p = text;
	char *r = NULL;

	while (*p != '\0' && *p != '\n') {
		const char *eol = strchr(p, '\n');
		size_t n = eol != NULL ? (size_t)(eol - p) : strlen(p);

		if (n > nl && p[nl] == ':' && strncasecmp(p, name, nl) == 0) {
			struct pt_buf b;
			const char *q = p + nl + 1;

			pt_buf_init(&b, 0);
			pt_buf_add(&b, q, n - nl - 1, NULL);
			p += n + (eol != NULL);
			while (*p == ' ' || *p == '\t') {
				eol = strchr(p, '\n');
				n = eol != NULL ? (size_t)(eol - p) : strlen(p);
				pt_buf_add(&b, p, n, NULL);
				p += n + (eol != NULL);
			}
			free(r);
			r = pt_buf_detach(&b, NULL);
			continue;
		}
		p += n + (eol != NULL);
	}
	return r;
}

/*
 * Checks the draft's addresses; 0 with a summary of the recipients in
 * who, or -1 with the reason there.
 */
static int
ui_compose_check(struct ui *ui, char *who, size_t size)
{
	static const char *const fields[] = {"To", "Cc", "Bcc"};
	struct mime_addrlist l = {0};
	struct pt_error err;
	char *text;
	size_t i, len;
	int rc = 0;

	(void)ui;
	pt_error_init(&err);
	text = pt_file_read(ui_co.draft, 64 * 1024 * 1024, &len, &err);
	if (text == NULL) {
		pt_strlcpy(who, err.msg, size);
		return -1;
	}
	for (i = 0; i < PT_NELEM(fields) && rc == 0; i++) {
		char *v = ui_compose_header(text, fields[i]);

		if (v != NULL && mime_addrlist_parse(v, &l, &err) != 0) {
			snprintf(who, size, "%s: %s", fields[i], err.msg);
			rc = -1;
		}
		free(v);
	}
	if (rc == 0 && l.n == 0) {
		pt_strlcpy(who, _("there is no recipient"), size);
		rc = -1;
	} else if (rc == 0 && l.n == 1)
		pt_strlcpy(who, l.v[0].addr, size);
	else if (rc == 0)
		snprintf(who, size,
		    ngettext_("%s and %zu other", "%s and %zu others", l.n - 1),
		    l.v[0].addr, l.n - 1);
	mime_addrlist_release(&l);
	free(text);
	return rc;
}

static void
ui_compose_review(struct ui *ui)
{
	struct ui_prompt *p;
	char who[300], *q;
	int ok;

	ok = ui_compose_check(ui, who, sizeof who) == 0;
	q = ok ? pt_xasprintf(_("Send to %s? (y)es, (e)dit, (p)ostpone, "
				"(q)uit"),
		     who)
	       : pt_xasprintf(_("Cannot send: %s. (e)dit, (p)ostpone, "
				"(q)uit"),
		     who);
	p = ui_prompt_new(UI_PROMPT_CHOICE, q, ui_compose_answer, NULL);
	p->choices = pt_xstrdup(ok ? "yepq" : "epq");
	ui_prompt_show(ui, p, 0);
	free(q);
}

static void
ui_compose_answer(struct ui *ui, int ans, const char *text, void *arg)
{
	(void)text;
	(void)arg;
	switch (ans) {
	case 'y':
		ui_send_draft(ui, ui_co.account, ui_co.draft);
		ui_compose_done();
		break;
	case 'e':
		ui_compose_edit(ui);
		break;
	case 'p':
	case -1:
		ui_postpone_draft(ui, ui_co.account, ui_co.draft);
		ui_compose_done();
		break;
	case 'q':
		ui_prompt_yesno(ui, _("Abort and delete the draft?"), 0,
		    ui_compose_abort_answer, NULL);
		break;
	default:
		break;
	}
}

static void
ui_compose_abort_answer(struct ui *ui, int yes, const char *text, void *arg)
{
	(void)text;
	(void)arg;
	if (yes == 1) {
		(void)unlink(ui_co.draft);
		ui_msg(ui, "%s", _("Aborted."));
		ui_compose_done();
	} else
		ui_compose_review(ui);
}

static void
ui_compose_done(void)
{
	free(ui_co.draft);
	ui_co.draft = NULL;
	ui_co.job = 0;
}
