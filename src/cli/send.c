/*
 * send.c: sending from the command line, the way mutt does it:
 *
 *	petrel [-F cfg] [-A account] -s SUBJECT [-c CC] [-b BCC]
 *	    [-a FILE]... -- ADDRESS... < body
 *	petrel mailto:ADDRESS?subject=...
 *	petrel outbox [list | send [--force] [ID...] | discard ID...]
 *
 * A message is built (src/mime/build.c), written to the account's
 * outbox (fsync) before the SMTP conversation, delivered
 * (src/smtp/deliver.c), copied to the Sent folder over IMAP, and only
 * then removed from the outbox.  Whatever fails, the message stays in
 * the outbox and stderr says why.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/imap.h"
#include "petrel/mime.h"
#include "petrel/net.h"
#include "petrel/smtp.h"
#include "petrel/store.h"

#include "src/cli/cli.h"

/* Far above any server's limit, but a bound on memory all the same. */
#define CLI_MAX_MESSAGE ((size_t)256 * 1024 * 1024)

/* The account and its password, shared by SMTP and the Sent copy. */
struct cli_ctx {
	const struct cfg_account *acct;
	struct pt_secret pw;
	int have_pw;
};

/* A draft file (-H): its fields, unfolded, and its text. */
struct cli_draft {
	char *to, *cc, *bcc, *subject, *reply_to, *in_reply_to, *references;
	char **attach;
	size_t nattach;
	char *body;
	size_t bodylen;
};

static char *cli_join(char *const *, size_t);
static int cli_password(struct cli_ctx *, struct pt_error *);
static int cli_copy_sent(void *, const char *, const char *, size_t,
    struct pt_error *);
static int cli_status(const struct pt_error *);
static void cli_progress(void *, uint64_t, uint64_t);
static int cli_deliver(struct cli_ctx *, struct store_outbox *, const char *,
    unsigned, int);
static char *cli_sent_folder(struct imap_session *, struct pt_error *);
static int cli_draft_read(const char *, struct cli_draft *, struct pt_error *);
static void cli_draft_release(struct cli_draft *);

static char *
cli_join(char *const *v, size_t n)
{
	struct pt_buf b;
	size_t i;

	if (n == 0)
		return NULL;
	pt_buf_init(&b, 0);
	for (i = 0; i < n; i++)
		pt_buf_printf(&b, NULL, "%s%s", i > 0 ? ", " : "", v[i]);
	return pt_buf_detach(&b, NULL);
}

static void
cli_draft_release(struct cli_draft *d)
{
	size_t i;

	free(d->to);
	free(d->cc);
	free(d->bcc);
	free(d->subject);
	free(d->reply_to);
	free(d->in_reply_to);
	free(d->references);
	for (i = 0; i < d->nattach; i++)
		free(d->attach[i]);
	free(d->attach);
	free(d->body);
	memset(d, 0, sizeof *d);
}

/*
 * Reads a draft: header fields (folded lines joined; several To, Cc or
 * Bcc fields joined with ", "; unknown fields ignored), an empty line,
 * then the text.  A file without fields is all text.
 */
static int
cli_draft_read(const char *path, struct cli_draft *d, struct pt_error *err)
{
	static const char *const names[] = {"to", "cc", "bcc", "subject",
	    "reply-to", "in-reply-to", "references", "attach"};
	char *file, *p, *end;
	size_t len;

	memset(d, 0, sizeof *d);
	if ((file = pt_file_read(path, CLI_MAX_MESSAGE, &len, err)) == NULL)
		return -1;
	p = file;
	end = file + len;
	while (p < end && *p != '\n' &&
	       !(*p == '\r' && p + 1 < end && p[1] == '\n')) {
		struct pt_buf v;
		const char *colon, *eol, *line = p;
		size_t i, nl;
		char **dst = NULL, *val, *t, *e;

		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon == NULL || colon == p ||
		    memchr(p, ' ', (size_t)(colon - p)) != NULL) {
			if (p == file)
				break; /* no fields: all text */
			cli_draft_release(d);
			free(file);
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("'%s': a header line has no field name: %.*s"),
			    path, (int)(eol - p > 60 ? 60 : eol - p), p);
		}
		nl = (size_t)(colon - p);
		pt_buf_init(&v, 0);
		pt_buf_add(&v, colon + 1, (size_t)(eol - colon - 1), NULL);
		p = file + (eol - file) + (eol < end);
		while (p < end && (*p == ' ' || *p == '\t')) {
			eol = memchr(p, '\n', (size_t)(end - p));
			if (eol == NULL)
				eol = end;
			pt_buf_add(&v, p, (size_t)(eol - p), NULL);
			p = file + (eol - file) + (eol < end);
		}
		for (i = 0; i < v.len; i++)
			if (v.data[i] == '\r' || v.data[i] == '\t')
				v.data[i] = ' ';
		for (i = 0; i < PT_NELEM(names); i++)
			if (strlen(names[i]) == nl &&
			    strncasecmp(names[i], line, nl) == 0)
				break;
		val = pt_buf_detach(&v, NULL);
		t = val;
		while (*t == ' ')
			t++;
		e = t + strlen(t);
		while (e > t && e[-1] == ' ')
			*--e = '\0';
		if (i == 7 && *t != '\0') {
			d->attach = pt_xreallocarray(d->attach, d->nattach + 1,
			    sizeof *d->attach);
			d->attach[d->nattach++] = pt_xstrdup(t);
		} else if (i < 7) {
			char **f[] = {&d->to, &d->cc, &d->bcc, &d->subject,
			    &d->reply_to, &d->in_reply_to, &d->references};

			dst = f[i];
		}
		if (dst != NULL && *t != '\0') {
			/* To, Cc, Bcc add up; the others: the last one. */
			char *n = *dst != NULL && i < 3
				      ? pt_xasprintf("%s, %s", *dst, t)
				      : pt_xstrdup(t);

			free(*dst);
			*dst = n;
		}
		free(val);
	}
	if (p < end && p != file) /* the empty line */
		p += *p == '\r' ? 2 : 1;
	d->bodylen = (size_t)(end - p);
	d->body = pt_xstrndup(p, d->bodylen);
	free(file);
	return 0;
}

static int
cli_password(struct cli_ctx *c, struct pt_error *err)
{
	int r;

	if (c->have_pw)
		return 0;
	r = cfg_account_password(c->acct, &c->pw, err);
	if (r == 1)
		return pt_error_set(err, PT_E_AUTH, 0,
		    _("no password for the account '%s': set password_command "
		      "(or password) in the configuration"),
		    c->acct->id);
	if (r != 0)
		return -1;
	c->have_pw = 1;
	return 0;
}

/* The folder flagged \Sent, else one called Sent; NULL: none. */
static char *
cli_sent_folder(struct imap_session *s, struct pt_error *err)
{
	struct imap_mbox *v;
	size_t n, i;
	char *name = NULL;

	if (imap_list(s, &v, &n, err) != 0)
		return NULL;
	for (i = 0; i < n && name == NULL; i++)
		if (v[i].attrs & IMAP_MBX_SENT)
			name = pt_xstrdup(v[i].name);
	for (i = 0; i < n && name == NULL; i++)
		if (strcasecmp(v[i].uname, "Sent") == 0 ||
		    strcasecmp(v[i].uname, "Sent Messages") == 0 ||
		    strcasecmp(v[i].uname, "Sent Items") == 0 ||
		    strcasecmp(v[i].uname, "INBOX.Sent") == 0)
			name = pt_xstrdup(v[i].name);
	imap_mbox_list_free(&v, n);
	return name;
}

/* smtp_copy_fn: APPEND to the Sent folder (created when missing). */
static int
cli_copy_sent(void *arg, const char *fcc, const char *data, size_t len,
    struct pt_error *err)
{
	struct cli_ctx *c = arg;
	struct imap_session *s;
	struct net_params np;
	char *mb = NULL;
	int r = -1;

	if (cli_password(c, err) != 0)
		return -1;
	net_params_from_account(&np, c->acct, NET_PROTO_IMAP);
	s = imap_session_new(&np, NULL);
	if (imap_session_open(s,
		c->acct->username != NULL ? c->acct->username : c->acct->email,
		&c->pw, err) != 0)
		goto out;
	if (fcc != NULL) {
		if ((mb = imap_mutf7_encode(fcc)) == NULL) {
			pt_error_set(err, PT_E_CONFIG, 0,
			    _("'%s' cannot name a folder"), fcc);
			goto out;
		}
	} else if ((mb = cli_sent_folder(s, err)) == NULL) {
		if (err != NULL && err->class != PT_OK)
			goto out;
		mb = pt_xstrdup("Sent");
		if (imap_mailbox_create(s, mb, err) != 0)
			goto out;
	}
	r = imap_append(s, mb, STORE_F_SEEN, 0, data, len, NULL, err);
out:
	if (r != 0)
		pt_error_prefix(err, _("cannot store the copy in '%s'"),
		    fcc != NULL ? fcc : (mb != NULL ? mb : "Sent"));
	free(mb);
	imap_session_free(&s);
	return r;
}

/* On a terminal: "sending 45% of 13.6 MB", rewritten in place. */
static void
cli_progress(void *arg, uint64_t done, uint64_t total)
{
	(void)arg;
	if (total < 1024 * 1024)
		return;
	fprintf(stderr, _("\rpetrel: sending %3d%% of %.1f MB"),
	    (int)(done * 100 / total), (double)total / (1024 * 1024));
	if (done >= total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

/* The exit status for a failure. */
static int
cli_status(const struct pt_error *e)
{
	if (e->class == PT_E_NET || e->class == PT_E_CANCELLED ||
	    (e->code >= 400 && e->code < 500))
		return CLI_EXIT_TEMPFAIL;
	return e->class == PT_E_CONFIG ? 2 : 1;
}

/* Delivers one message and says what happened on stderr. */
static int
cli_deliver(struct cli_ctx *c, struct store_outbox *ob, const char *id,
    unsigned flags, int partial_ok)
{
	struct smtp_deliver_opts o;
	struct smtp_deliver_report rep;
	struct pt_error err;
	size_t i;
	int status = 0;

	pt_error_init(&err);
	memset(&o, 0, sizeof o);
	o.acct = c->acct;
	o.claim_flags = flags;
	o.partial_ok = partial_ok;
	o.copy = cli_copy_sent;
	o.copy_arg = c;
	if (isatty(STDERR_FILENO))
		o.progress = cli_progress;
	if (cli_password(c, &err) == 0)
		o.password = &c->pw;
	if (smtp_deliver(ob, id, &o, &rep, &err) != 0) {
		fprintf(stderr, _("petrel: not sent: %s\n"), err.msg);
		for (i = 0; i < rep.submit.nrcpt; i++)
			if (!rep.submit.rcpt[i].accepted &&
			    rep.submit.rcpt[i].code != 0)
				fprintf(stderr,
				    _("petrel:   %s: refused (server: %d "
				      "%s)\n"),
				    rep.submit.rcpt[i].addr,
				    rep.submit.rcpt[i].code,
				    rep.submit.rcpt[i].text);
		fprintf(stderr,
		    rep.unsure
			? _("petrel: the message stays in the outbox as %s; "
			    "if it did not arrive, send it again with: petrel "
			    "outbox send --force %s\n")
			: _("petrel: the message stays in the outbox as %s; "
			    "send it again with: petrel outbox send %s\n"),
		    id, id);
		status = cli_status(&err);
	} else {
		for (i = 0; i < rep.submit.nrcpt; i++)
			if (!rep.submit.rcpt[i].accepted)
				fprintf(stderr,
				    _("petrel: warning: %s was refused "
				      "(server: "
				      "%d %s)\n"),
				    rep.submit.rcpt[i].addr,
				    rep.submit.rcpt[i].code,
				    rep.submit.rcpt[i].text);
		if (!rep.copied)
			fprintf(stderr,
			    _("petrel: sent, but %s; the copy waits in the "
			      "outbox as %s (petrel outbox send)\n"),
			    rep.copy_err.msg, id);
	}
	smtp_deliver_report_release(&rep);
	return status;
}

int
cli_send_main(const struct cfg *cfg, const struct cli_send_args *a)
{
	struct store_attachment *att = NULL;
	struct mime_attachment *ma = NULL;
	struct mime_compose mc;
	struct mime_envelope env;
	struct mime_mailto mt;
	struct store_outbox_env oenv;
	struct store_outbox *ob = NULL;
	struct cli_ctx ctx;
	struct pt_error err;
	struct pt_buf msg;
	struct mime_addr me;
	struct cli_draft dr;
	const char **paths = NULL;
	size_t natt = 0;
	char id[STORE_OUTBOX_ID_MAX], nonce[25], *body = NULL;
	char *to = NULL, *cc = NULL, *bcc = NULL, *from = NULL;
	char *to2 = NULL, *cc2 = NULL, *bcc2 = NULL;
	size_t i, bodylen = 0;
	struct tm tm;
	time_t now;
	int status = 1;

	pt_error_init(&err);
	memset(&mt, 0, sizeof mt);
	memset(&dr, 0, sizeof dr);
	memset(&ctx, 0, sizeof ctx);
	memset(&env, 0, sizeof env);
	pt_secret_init(&ctx.pw);
	pt_buf_init(&msg, CLI_MAX_MESSAGE);
	ctx.acct = cfg_account_find(cfg, a->account);
	if (ctx.acct == NULL) {
		if (a->account != NULL)
			fprintf(stderr, _("petrel: no account '%s'\n"),
			    a->account);
		else
			fprintf(stderr,
			    _("petrel: no account is configured\n"));
		return 2;
	}
	if (a->mailto != NULL && mime_mailto_parse(a->mailto, &mt, &err) != 0) {
		fprintf(stderr, "petrel: %s\n", err.msg);
		return 2;
	}

	if (a->draft != NULL && cli_draft_read(a->draft, &dr, &err) != 0) {
		fprintf(stderr, "petrel: %s\n", err.msg);
		mime_mailto_release(&mt);
		return 2;
	}

	/* The body: the draft's, or standard input (after a mailto: one). */
	if (a->draft != NULL) {
		body = dr.body;
		bodylen = dr.bodylen;
		dr.body = NULL;
	} else if (a->mailto == NULL || !isatty(STDIN_FILENO)) {
		body =
		    pt_file_read("/dev/stdin", CLI_MAX_MESSAGE, &bodylen, &err);
		if (body == NULL) {
			fprintf(stderr, "petrel: %s\n", err.msg);
			return 1;
		}
	}
	if (mt.body != NULL) {
		char *b =
		    pt_xasprintf("%s%s%.*s", mt.body, bodylen > 0 ? "\n" : "",
			(int)bodylen, body != NULL ? body : "");

		free(body);
		body = b;
		bodylen = strlen(b);
	}

	/* Attachments: the draft's, then -a's; typed by libmagic. */
	natt = dr.nattach + a->nattach;
	if (natt > 0) {
		att = pt_xcalloc(natt, sizeof *att);
		ma = pt_xcalloc(natt, sizeof *ma);
		paths = pt_xcalloc(natt, sizeof *paths);
		for (i = 0; i < natt; i++) {
			att[i].fd = -1;
			paths[i] = i < dr.nattach ? dr.attach[i]
						  : a->attach[i - dr.nattach];
		}
	}
	for (i = 0; i < natt; i++) {
		/* Streamed into the message: never whole in memory. */
		if (store_attach_open(paths[i], CLI_MAX_MESSAGE, &att[i],
			&err) != 0) {
			fprintf(stderr, "petrel: %s\n", err.msg);
			status = 2;
			goto out;
		}
		ma[i].filename = att[i].name;
		ma[i].type = att[i].type;
		ma[i].read = store_attach_chunk;
		ma[i].read_arg = &att[i];
	}

	to = cli_join(a->to, a->nto);
	cc = cli_join(a->cc, a->ncc);
	bcc = cli_join(a->bcc, a->nbcc);
	if (dr.to != NULL || dr.cc != NULL || dr.bcc != NULL) {
		/* The draft's recipients go first, as mailto:'s do. */
		free(mt.to);
		free(mt.cc);
		free(mt.bcc);
		mt.to = dr.to;
		mt.cc = dr.cc;
		mt.bcc = dr.bcc;
		dr.to = dr.cc = dr.bcc = NULL;
	}
	to2 = mt.to == NULL ? to
	      : to == NULL  ? pt_xstrdup(mt.to)
			    : pt_xasprintf("%s, %s", mt.to, to);
	cc2 = mt.cc == NULL ? cc
	      : cc == NULL  ? pt_xstrdup(mt.cc)
			    : pt_xasprintf("%s, %s", mt.cc, cc);
	bcc2 = mt.bcc == NULL ? bcc
	       : bcc == NULL  ? pt_xstrdup(mt.bcc)
			      : pt_xasprintf("%s, %s", mt.bcc, bcc);
	me.name = (char *)(uintptr_t)ctx.acct->name;
	me.addr = (char *)(uintptr_t)ctx.acct->email;
	from = mime_addr_display(&me);

	memset(&mc, 0, sizeof mc);
	mc.from = from;
	mc.to = to2;
	mc.cc = cc2;
	mc.bcc = bcc2;
	mc.subject = a->subject != NULL   ? a->subject
		     : dr.subject != NULL ? dr.subject
					  : mt.subject;
	mc.reply_to = dr.reply_to;
	mc.in_reply_to =
	    dr.in_reply_to != NULL ? dr.in_reply_to : mt.in_reply_to;
	mc.references = dr.references != NULL    ? dr.references
			: dr.in_reply_to != NULL ? dr.in_reply_to
						 : mt.in_reply_to;
	mc.body = body;
	mc.bodylen = bodylen;
	mc.att = ma;
	mc.natt = natt;
	now = time(NULL);
	localtime_r(&now, &tm);
	mc.date = (int64_t)now;
	mc.tzoff = (int)(tm.tm_gmtoff / 60);
	store_nonce(nonce, sizeof nonce);
	mc.nonce = nonce;
	mc.user_agent = "petrel/" PACKAGE_VERSION;
	if (mime_compose_build(&mc, &msg, &env, &err) != 0) {
		fprintf(stderr, "petrel: %s\n", err.msg);
		status = 2;
		goto out;
	}
	/* The parts are in msg now: free them before sending. */
	for (i = 0; i < natt; i++)
		store_attach_release(&att[i]);
	free(body);
	body = NULL;

	/* Into the outbox (durably), then out. */
	ob = store_outbox_open(ctx.acct->id, NULL, &err);
	if (ob == NULL) {
		fprintf(stderr, _("petrel: not sent: %s\n"), err.msg);
		goto out;
	}
	oenv.from = env.from;
	oenv.rcpt = env.rcpt;
	oenv.nrcpt = env.nrcpt;
	oenv.fcc = NULL;
	if (store_outbox_add(ob, &oenv, msg.data, msg.len, id, &err) != 0) {
		fprintf(stderr, _("petrel: not sent: %s\n"), err.msg);
		goto out;
	}
	pt_buf_release(&msg);
	store_outbox_crashpoint("queued");
	status = cli_deliver(&ctx, ob, id, 0, 0);
out:
	for (i = 0; i < natt && att != NULL; i++)
		store_attach_release(&att[i]);
	free(att);
	free(ma);
	free(paths);
	cli_draft_release(&dr);
	free(body);
	if (to2 != to)
		free(to2);
	if (cc2 != cc)
		free(cc2);
	if (bcc2 != bcc)
		free(bcc2);
	free(to);
	free(cc);
	free(bcc);
	free(from);
	mime_mailto_release(&mt);
	mime_envelope_release(&env);
	pt_buf_release(&msg);
	pt_secret_release(&ctx.pw);
	store_outbox_free(&ob);
	return status;
}

/*
 * petrel mailto:... on a terminal: the link's fields become a draft
 * that the editor opens, then "Send? [y/N/e]" on the terminal, then the
 * draft is sent as with -H (and removed once it is in the outbox).
 */
int
cli_mailto_interactive(const struct cfg *cfg, const struct cli_send_args *a)
{
	const struct cfg_account *acct = cfg_account_find(cfg, a->account);
	const char *ed;
	struct cli_send_args b;
	struct mime_mailto mt;
	struct pt_error err;
	struct pt_buf d;
	char *dir, *path, *rest, *cmd, nonce[13], line[16];
	int status = 1;

	pt_error_init(&err);
	if (acct == NULL) {
		fprintf(stderr, _("petrel: no account is configured\n"));
		return 2;
	}
	if (mime_mailto_parse(a->mailto, &mt, &err) != 0) {
		fprintf(stderr, "petrel: %s\n", err.msg);
		return 2;
	}
	pt_buf_init(&d, 0);
	pt_buf_printf(&d, NULL,
	    "To: %s\nCc: %s\nBcc: %s\nSubject: %s\n%s%s%s\n%s\n",
	    mt.to != NULL ? mt.to : "", mt.cc != NULL ? mt.cc : "",
	    mt.bcc != NULL ? mt.bcc : "", mt.subject != NULL ? mt.subject : "",
	    mt.in_reply_to != NULL ? "In-Reply-To: " : "",
	    mt.in_reply_to != NULL ? mt.in_reply_to : "",
	    mt.in_reply_to != NULL ? "\n" : "", mt.body != NULL ? mt.body : "");
	mime_mailto_release(&mt);
	rest = pt_xasprintf("%s/drafts", acct->id);
	dir = pt_xdg_path(PT_XDG_DATA, rest);
	free(rest);
	store_nonce(nonce, sizeof nonce);
	path = pt_xasprintf("%s/mailto-%s.txt", dir, nonce);
	if (pt_mkdir_p(dir, 0700, &err) != 0 ||
	    pt_file_write_atomic(path, d.data, d.len, 0600, &err) != 0) {
		fprintf(stderr, "petrel: %s\n", err.msg);
		goto out;
	}
	ed = cfg_editor(cfg);
	cmd = pt_xasprintf("%s '%s'", ed, path);
	for (;;) {
		if (system(cmd) != 0) {
			fprintf(stderr,
			    _("petrel: the editor failed; the draft is kept in "
			      "%s\n"),
			    path);
			free(cmd);
			goto out;
		}
		fprintf(stderr, "%s",
		    _("Send it? [y = yes, e = edit, n = no] "));
		if (fgets(line, sizeof line, stdin) == NULL)
			line[0] = 'n';
		if (line[0] != 'e')
			break;
	}
	free(cmd);
	if (line[0] != 'y' && line[0] != 'Y') {
		fprintf(stderr,
		    _("petrel: not sent; the draft is kept in %s\n"), path);
		status = 1;
		goto out;
	}
	b = *a;
	b.mailto = NULL;
	b.draft = path;
	status = cli_send_main(cfg, &b);
	if (status != 2)
		(void)unlink(path); /* it is in the outbox now */
out:
	pt_buf_release(&d);
	free(path);
	free(dir);
	return status;
}

int
cli_outbox_main(const struct cfg *cfg, const char *account, int argc,
    char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "list";
	unsigned flags = 0;
	size_t ai, total = 0;
	int status = 0, i, first = 2;

	if (strcmp(cmd, "send") == 0 && argc > 2 &&
	    strcmp(argv[2], "--force") == 0) {
		flags = STORE_OUTBOX_FORCE;
		first = 3;
	}
	if (strcmp(cmd, "list") != 0 && strcmp(cmd, "send") != 0 &&
	    strcmp(cmd, "discard") != 0) {
		fprintf(stderr,
		    _("usage: petrel outbox [list | send [--force] [ID...] | "
		      "discard ID...]\n"));
		return 2;
	}
	if (strcmp(cmd, "discard") == 0 && argc <= 2) {
		fprintf(stderr, _("petrel: outbox discard needs an id\n"));
		return 2;
	}
	for (ai = 0; ai < cfg_account_count(cfg); ai++) {
		const struct cfg_account *acct = cfg_account_at(cfg, ai);
		struct store_outbox_entry *v;
		struct store_outbox *ob;
		struct pt_error err;
		struct cli_ctx ctx;
		size_t n, k;

		if (account != NULL && strcmp(account, acct->id) != 0)
			continue;
		pt_error_init(&err);
		ob = store_outbox_open(acct->id, NULL, &err);
		if (ob == NULL || store_outbox_list(ob, &v, &n, &err) != 0) {
			fprintf(stderr, "petrel: %s\n", err.msg);
			store_outbox_free(&ob);
			status = 1;
			continue;
		}
		memset(&ctx, 0, sizeof ctx);
		ctx.acct = acct;
		pt_secret_init(&ctx.pw);
		total += n;
		if (strcmp(cmd, "list") == 0) {
			for (k = 0; k < n; k++) {
				char *s = pt_sanitize_line(v[k].subject != NULL
							       ? v[k].subject
							       : "",
				    v[k].subject != NULL ? strlen(v[k].subject)
							 : 0);

				printf("%s  %s  %-8s  %s  %s%s\n", acct->id,
				    v[k].id,
				    store_outbox_state_name(v[k].state),
				    v[k].env.nrcpt > 0 ? v[k].env.rcpt[0] : "",
				    s,
				    v[k].locked ? _(" (being sent now)") : "");
				free(s);
				if (v[k].status != NULL) {
					s = pt_sanitize_line(v[k].status,
					    strlen(v[k].status));
					printf("    %s\n", s);
					free(s);
				}
			}
		} else if (strcmp(cmd, "discard") == 0) {
			for (i = 2; i < argc; i++) {
				for (k = 0; k < n; k++)
					if (strcmp(v[k].id, argv[i]) == 0)
						break;
				if (k == n)
					continue;
				if (store_outbox_discard(ob, argv[i], &err) !=
				    0) {
					fprintf(stderr, "petrel: %s\n",
					    err.msg);
					status = 1;
				} else
					printf(_("discarded %s\n"), argv[i]);
			}
		} else {
			for (k = 0; k < n; k++) {
				int named = argc <= first, r;

				for (i = first; i < argc; i++)
					if (strcmp(v[k].id, argv[i]) == 0)
						named = 1;
				if (!named || v[k].locked)
					continue;
				if (v[k].state == STORE_OUTBOX_UNSURE &&
				    !(flags & STORE_OUTBOX_FORCE)) {
					fprintf(stderr,
					    _("petrel: %s may already have "
					      "been delivered; skipped "
					      "(petrel outbox send --force "
					      "%s)\n"),
					    v[k].id, v[k].id);
					continue;
				}
				r = cli_deliver(&ctx, ob, v[k].id, flags, 0);
				if (r == 0)
					printf(_("sent %s\n"), v[k].id);
				else if (status == 0)
					status = r;
			}
		}
		pt_secret_release(&ctx.pw);
		store_outbox_list_free(&v, n);
		store_outbox_free(&ob);
	}
	if (strcmp(cmd, "list") == 0 && total == 0)
		printf("%s\n", _("the outbox is empty"));
	return status;
}

void
cli_outbox_notice(const struct cfg *cfg, FILE *f)
{
	size_t ai, n = 0;

	for (ai = 0; ai < cfg_account_count(cfg); ai++) {
		struct store_outbox *ob;

		ob = store_outbox_open(cfg_account_at(cfg, ai)->id, NULL, NULL);
		if (ob != NULL)
			n += store_outbox_count(ob);
		store_outbox_free(&ob);
	}
	if (n > 0)
		fprintf(f,
		    ngettext_("petrel: %zu message waiting in the outbox "
			      "(petrel outbox)\n",
			"petrel: %zu messages waiting in the outbox (petrel "
			"outbox)\n",
			n),
		    n);
}
