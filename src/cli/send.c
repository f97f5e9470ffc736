/*
 * send.c: sending from the command line, the way mutt does it:
 *
 *	petrel [-F cfg] [-A account] -s SUBJECT [-c CC] [-b BCC]
 *	    [-a FILE]... -- ADDRESS... < body
 *	petrel mailto:ADDRESS?subject=...
 *	petrel outbox [list | send [--force] [ID...] | discard ID...]
 *
 * The arguments become a draft (struct mime_draft) and go the way every
 * message goes (src/engine/send.c, shared with the interface): built,
 * written to the account's outbox (fsync) before the SMTP conversation,
 * delivered, copied to the Sent folder over IMAP, and only then removed
 * from the outbox.  Whatever fails, the message stays in the outbox and
 * stderr says why.
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
#include "petrel/engine.h"
#include "petrel/mime.h"
#include "petrel/store.h"

#include "src/cli/cli.h"

/* Far above any server's limit, but a bound on memory all the same. */
#define CLI_MAX_MESSAGE ((size_t)256 * 1024 * 1024)

/* The account and its password, asked once for all its messages. */
struct cli_ctx {
	const struct cfg_account *acct;
	struct pt_secret pw;
	int have_pw;
};

static char *cli_join(char *const *, size_t);
static char *cli_dup(const char *);
static int cli_password(struct cli_ctx *, struct pt_error *);
static int cli_status(const struct pt_error *);
static void cli_progress(void *, uint64_t, uint64_t);
static int cli_deliver(struct cli_ctx *, const char *, unsigned);
static void cli_refused(const char *, const char *);

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

static char *
cli_dup(const char *s)
{
	return s != NULL ? pt_xstrdup(s) : NULL;
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
cli_deliver(struct cli_ctx *c, const char *id, unsigned flags)
{
	struct eng_send_result res;
	struct pt_error err;
	int status = 0;

	pt_error_init(&err);
	memset(&res, 0, sizeof res);
	if (cli_password(c, &err) != 0 ||
	    eng_send_deliver(c->acct, id, flags, &c->pw, NULL,
		isatty(STDERR_FILENO) ? cli_progress : NULL, NULL, &res,
		&err) != 0) {
		fprintf(stderr, _("petrel: not sent: %s\n"), err.msg);
		cli_refused(res.refused, "  ");
		fprintf(stderr,
		    res.unsure
			? _("petrel: the message stays in the outbox as %s; "
			    "if it did not arrive, send it again with: petrel "
			    "outbox send --force %s\n")
			: _("petrel: the message stays in the outbox as %s; "
			    "send it again with: petrel outbox send %s\n"),
		    id, id);
		status = cli_status(&err);
	} else {
		cli_refused(res.refused, _("warning: "));
		if (!res.copied)
			fprintf(stderr,
			    _("petrel: sent, but %s; the copy waits in the "
			      "outbox as %s (petrel outbox send)\n"),
			    res.copy_err.msg, id);
	}
	eng_send_result_release(&res);
	return status;
}

/* "petrel: <what>ADDR: refused (server: 550 ...)", one line each. */
static void
cli_refused(const char *lines, const char *what)
{
	while (lines != NULL && *lines != '\0') {
		const char *nl = strchr(lines, '\n');
		int n = nl != NULL ? (int)(nl - lines) : (int)strlen(lines);

		fprintf(stderr, "petrel: %s%.*s\n", what, n, lines);
		lines += n + (nl != NULL);
	}
}

int
cli_send_main(const struct cfg *cfg, const struct cli_send_args *a)
{
	struct eng_send_result res;
	struct mime_mailto mt;
	struct mime_draft dr, m;
	struct cli_ctx ctx;
	struct pt_error err;
	char *body = NULL, *to, *cc, *bcc;
	size_t i, bodylen = 0;
	int status = 1;

	pt_error_init(&err);
	memset(&mt, 0, sizeof mt);
	memset(&dr, 0, sizeof dr);
	memset(&m, 0, sizeof m);
	memset(&ctx, 0, sizeof ctx);
	memset(&res, 0, sizeof res);
	pt_secret_init(&ctx.pw);
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

	if (a->draft != NULL && eng_draft_read(a->draft, &dr, &err) != 0) {
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
			mime_mailto_release(&mt);
			mime_draft_release(&dr);
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
	m.body = body;
	m.bodylen = bodylen;

	/* Attachments: the draft's, then -a's. */
	m.nattach = dr.nattach + a->nattach;
	if (m.nattach > 0)
		m.attach = pt_xcalloc(m.nattach, sizeof *m.attach);
	for (i = 0; i < m.nattach; i++)
		m.attach[i] = pt_xstrdup(
		    i < dr.nattach ? dr.attach[i] : a->attach[i - dr.nattach]);

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
	to = cli_join(a->to, a->nto);
	cc = cli_join(a->cc, a->ncc);
	bcc = cli_join(a->bcc, a->nbcc);
	m.to = mt.to == NULL ? to
	       : to == NULL  ? pt_xstrdup(mt.to)
			     : pt_xasprintf("%s, %s", mt.to, to);
	m.cc = mt.cc == NULL ? cc
	       : cc == NULL  ? pt_xstrdup(mt.cc)
			     : pt_xasprintf("%s, %s", mt.cc, cc);
	m.bcc = mt.bcc == NULL ? bcc
		: bcc == NULL  ? pt_xstrdup(mt.bcc)
			       : pt_xasprintf("%s, %s", mt.bcc, bcc);
	if (m.to != to)
		free(to);
	if (m.cc != cc)
		free(cc);
	if (m.bcc != bcc)
		free(bcc);
	m.subject = cli_dup(a->subject != NULL   ? a->subject
			    : dr.subject != NULL ? dr.subject
						 : mt.subject);
	m.from = cli_dup(dr.from);
	m.reply_to = cli_dup(dr.reply_to);
	m.in_reply_to =
	    cli_dup(dr.in_reply_to != NULL ? dr.in_reply_to : mt.in_reply_to);
	m.references =
	    cli_dup(dr.references != NULL ? dr.references : m.in_reply_to);

	/* Built and into the outbox (durably), then out. */
	if (eng_send_queue(ctx.acct, &m, &res, &err) != 0) {
		if (err.class == PT_E_CONFIG) {
			fprintf(stderr, "petrel: %s\n", err.msg);
			status = 2;
		} else
			fprintf(stderr, _("petrel: not sent: %s\n"), err.msg);
		goto out;
	}
	mime_draft_release(&m);
	status = cli_deliver(&ctx, res.outbox_id, 0);
out:
	eng_send_result_release(&res);
	mime_draft_release(&m);
	mime_draft_release(&dr);
	mime_mailto_release(&mt);
	pt_secret_release(&ctx.pw);
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
				r = cli_deliver(&ctx, v[k].id,
				    (flags & STORE_OUTBOX_FORCE)
					? ENG_SEND_FORCE
					: 0);
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
