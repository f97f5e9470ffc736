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

static char *cli_join(char *const *, size_t);
static int cli_password(struct cli_ctx *, struct pt_error *);
static int cli_copy_sent(void *, const char *, const char *, size_t,
    struct pt_error *);
static int cli_status(const struct pt_error *);
static int cli_deliver(struct cli_ctx *, struct store_outbox *, const char *,
    unsigned, int);
static char *cli_sent_folder(struct imap_session *, struct pt_error *);

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
	char id[STORE_OUTBOX_ID_MAX], nonce[25], *body = NULL;
	char *to = NULL, *cc = NULL, *bcc = NULL, *from = NULL;
	char *to2 = NULL, *cc2 = NULL, *bcc2 = NULL;
	size_t i, bodylen = 0;
	struct tm tm;
	time_t now;
	int status = 1;

	pt_error_init(&err);
	memset(&mt, 0, sizeof mt);
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

	/* The body: standard input (after a mailto: body, if any). */
	if (a->mailto == NULL || !isatty(STDIN_FILENO)) {
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

	/* Attachments: read here, typed by libmagic. */
	if (a->nattach > 0) {
		att = pt_xcalloc(a->nattach, sizeof *att);
		ma = pt_xcalloc(a->nattach, sizeof *ma);
		for (i = 0; i < a->nattach; i++)
			att[i].fd = -1;
	}
	for (i = 0; i < a->nattach; i++) {
		/* Streamed into the message: never whole in memory. */
		if (store_attach_open(a->attach[i], CLI_MAX_MESSAGE, &att[i],
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
	mc.subject = a->subject != NULL ? a->subject : mt.subject;
	mc.in_reply_to = mt.in_reply_to;
	mc.references = mt.in_reply_to;
	mc.body = body;
	mc.bodylen = bodylen;
	mc.att = ma;
	mc.natt = a->nattach;
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
	for (i = 0; i < a->nattach; i++)
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
	for (i = 0; i < a->nattach && att != NULL; i++)
		store_attach_release(&att[i]);
	free(att);
	free(ma);
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
