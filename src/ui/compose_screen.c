/*
 * compose_screen.c: the compose screen, after the editor (mutt's
 * compose menu).  It shows the draft's From, To, Cc, Bcc, Subject and
 * Reply-To and its attachments (name, type, size) with a cursor, and
 * its keys (map "compose") send, edit the text again, edit a field on
 * the bottom line, attach and detach files, choose the identity,
 * postpone, or abandon the message.
 *
 * The draft file is the single source of truth: each change rewrites
 * its header fields (mime_draft_format: one Attach field per file) and
 * never its text, and everything shown is read back from it.  Choosing an
 * identity of another account makes that account the one that sends.
 * Sending, postponing and recalling are send.c's.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/mime.h"

#include "private.h"

#define UI_CS_DRAFT_MAX ((size_t)64 * 1024 * 1024)

struct ui_cs_att {
	char *path; /* as in the Attach field */
	char *name; /* its last part, sanitized */
	const char *type;
	uint64_t size;
	int missing; /* cannot be read now */
};

static struct {
	size_t account;
	char *draft;
	struct mime_draft d;
	int bad; /* the header could not be read: only e, P, q */
	char why[300];
	struct ui_cs_att *att;
	size_t natt;
	struct ui_list list;
	struct ui_identity *ids;
	size_t nids;
} ui_cs;

static const enum ui_op ui_cs_helpbar[] = {UI_OP_SEND, UI_OP_EDIT_MESSAGE,
    UI_OP_ATTACH_FILE, UI_OP_DETACH_FILE, UI_OP_EDIT_FROM, UI_OP_POSTPONE,
    UI_OP_EXIT, UI_OP_HELP, UI_OP_NONE};

/* The fields shown, in order, with the function that edits each. */
static const struct {
	const char *name;
	enum ui_op op;
	enum ui_complete complete;
} ui_cs_fields[] = {
    {"From", UI_OP_EDIT_FROM, UI_COMPLETE_NONE},
    {"To", UI_OP_EDIT_TO, UI_COMPLETE_ADDRESS},
    {"Cc", UI_OP_EDIT_CC, UI_COMPLETE_ADDRESS},
    {"Bcc", UI_OP_EDIT_BCC, UI_COMPLETE_ADDRESS},
    {"Subject", UI_OP_EDIT_SUBJECT, UI_COMPLETE_NONE},
    {"Reply-To", UI_OP_EDIT_REPLY_TO, UI_COMPLETE_ADDRESS},
};

static char **ui_cs_slot(const char *);
static const char *ui_cs_get(const char *);
static void ui_cs_set(const char *, const char *);
static void ui_cs_fini(struct ui *);
static void ui_cs_key(struct ui *, enum ui_op, uint32_t);
static void ui_cs_draw(struct ui *, int, int);
static int ui_cs_hint_lines(struct ui *, struct pt_buf *);
static void ui_cs_clear(void);
static void ui_cs_att_stat(struct ui_cs_att *);
static void ui_cs_load(struct ui *);
static int ui_cs_save(struct ui *);
static char *ui_cs_summary(struct ui *, int *);
static void ui_cs_field_answer(struct ui *, int, const char *, void *);
static void ui_cs_attach_answer(struct ui *, int, const char *, void *);
static int ui_cs_attach_one(struct ui *, const char *);
static void ui_cs_from_answer(struct ui *, int, const char *, void *);
static void ui_cs_abort_answer(struct ui *, int, const char *, void *);
static void ui_cs_close(struct ui *);
static void ui_cs_ids_load(struct ui *);
static void ui_cs_edit_field(struct ui *, enum ui_op);
static void ui_cs_choose_from(struct ui *);

const struct ui_screen ui_compose_screen = {
    .name = "compose",
    .map = UI_MAP_COMPOSE,
    .fini = ui_cs_fini,
    .key = ui_cs_key,
    .draw = ui_cs_draw,
    .helpbar = ui_cs_helpbar,
};

/* The draft's field called name (one of ui_cs_fields). */
static char **
ui_cs_slot(const char *name)
{
	struct mime_draft *d = &ui_cs.d;

	if (strcmp(name, "From") == 0)
		return &d->from;
	if (strcmp(name, "To") == 0)
		return &d->to;
	if (strcmp(name, "Cc") == 0)
		return &d->cc;
	if (strcmp(name, "Bcc") == 0)
		return &d->bcc;
	if (strcmp(name, "Subject") == 0)
		return &d->subject;
	return &d->reply_to;
}

static const char *
ui_cs_get(const char *name)
{
	return *ui_cs_slot(name);
}

/* Sets a field to one trimmed line (NULL or empty: unset). */
static void
ui_cs_set(const char *name, const char *value)
{
	char **slot = ui_cs_slot(name), *v = NULL;

	if (value != NULL) {
		char *p, *e;

		v = pt_xstrdup(value);
		for (p = v; *p != '\0'; p++)
			if (*p == '\r' || *p == '\n' || *p == '\t')
				*p = ' ';
		for (p = v; *p == ' '; p++)
			;
		memmove(v, p, strlen(p) + 1);
		e = v + strlen(v);
		while (e > v && e[-1] == ' ')
			*--e = '\0';
		if (*v == '\0') {
			free(v);
			v = NULL;
		}
	}
	free(*slot);
	*slot = v;
}

size_t
ui_identities(struct ui *ui, struct ui_identity **out)
{
	struct ui_identity *v = NULL;
	size_t i, k, n = 0;

	for (i = 0; i < cfg_account_count(ui->cfg); i++) {
		const struct cfg_account *a = cfg_account_at(ui->cfg, i);
		struct mime_addrlist l = {0};
		struct pt_error err;

		pt_error_init(&err);
		if (mime_identities(a->name, a->email, a->identities, &l,
			&err) != 0)
			ui_error(ui, _("account '%s': %s"), a->id, err.msg);
		for (k = 0; k < l.n; k++) {
			v = pt_xreallocarray(v, n + 1, sizeof *v);
			v[n].account = i;
			v[n].addr = pt_xstrdup(l.v[k].addr);
			v[n].display = mime_addr_display(&l.v[k]);
			n++;
		}
		mime_addrlist_release(&l);
	}
	*out = v;
	return n;
}

void
ui_identities_free(struct ui_identity *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].addr);
		free(v[i].display);
	}
	free(v);
}

int
ui_identity_find(const struct ui_identity *v, size_t n, const char *list)
{
	struct mime_addrlist l = {0};
	int r = -1;
	size_t i, k;

	/* A list with a bad address still gives its good ones before it. */
	(void)mime_addrlist_parse(list, &l, NULL);
	for (k = 0; k < l.n && r < 0; k++)
		for (i = 0; i < n && r < 0; i++)
			if (strcasecmp(v[i].addr, l.v[k].addr) == 0)
				r = (int)i;
	mime_addrlist_release(&l);
	return r;
}

static void
ui_cs_ids_load(struct ui *ui)
{
	if (ui_cs.ids == NULL)
		ui_cs.nids = ui_identities(ui, &ui_cs.ids);
}

static void
ui_cs_clear(void)
{
	size_t i;

	for (i = 0; i < ui_cs.natt; i++) {
		free(ui_cs.att[i].path);
		free(ui_cs.att[i].name);
	}
	free(ui_cs.att);
	ui_cs.att = NULL;
	ui_cs.natt = 0;
	mime_draft_release(&ui_cs.d);
	ui_cs.bad = 0;
	ui_cs.why[0] = '\0';
}

/* Whether the file can be read now, and its size. */
static void
ui_cs_att_stat(struct ui_cs_att *a)
{
	struct stat sb;

	a->missing = !(stat(a->path, &sb) == 0 && S_ISREG(sb.st_mode) &&
		       access(a->path, R_OK) == 0);
	a->size = a->missing ? 0 : (uint64_t)sb.st_size;
}

/* Reads the draft again: its fields and its attachments as they are. */
static void
ui_cs_load(struct ui *ui)
{
	struct pt_error err;
	const char *from;
	char *text;
	size_t len, i;

	ui_cs_clear();
	pt_error_init(&err);
	text = pt_file_read(ui_cs.draft, UI_CS_DRAFT_MAX, &len, &err);
	if (text == NULL || mime_draft_parse(text, len, &ui_cs.d, &err) != 0) {
		ui_cs.bad = 1;
		pt_strlcpy(ui_cs.why, err.msg, sizeof ui_cs.why);
		free(text);
		return;
	}
	free(text);
	ui_cs.natt = ui_cs.d.nattach;
	ui_cs.att = pt_xcalloc(ui_cs.natt + 1, sizeof *ui_cs.att);
	for (i = 0; i < ui_cs.natt; i++) {
		struct ui_cs_att *a = &ui_cs.att[i];
		const char *p = ui_cs.d.attach[i];
		const char *slash = strrchr(p, '/');

		a->path = pt_xstrdup(p);
		a->name = pt_sanitize_line(slash != NULL ? slash + 1 : p,
		    strlen(slash != NULL ? slash + 1 : p));
		a->type = mime_type_from_name(a->name);
		ui_cs_att_stat(a);
	}
	ui_cs.list.n = ui_cs.natt;
	if (ui_cs.list.cursor >= ui_cs.natt)
		ui_cs.list.cursor = ui_cs.natt > 0 ? ui_cs.natt - 1 : 0;
	/* A From of another account's identity: that account sends. */
	if ((from = ui_cs_get("From")) != NULL && *from != '\0') {
		int k;

		ui_cs_ids_load(ui);
		k = ui_identity_find(ui_cs.ids, ui_cs.nids, from);
		if (k >= 0)
			ui_cs.account = ui_cs.ids[k].account;
	}
}

/* Writes the fields back (the text as it was); 0, or -1 shown. */
static int
ui_cs_save(struct ui *ui)
{
	struct pt_error err;
	struct pt_buf b;
	int r;

	pt_error_init(&err);
	pt_buf_init(&b, 0);
	mime_draft_format(&ui_cs.d, &b);
	r = pt_file_write_atomic(ui_cs.draft, b.data, b.len, 0600, &err);
	pt_buf_release(&b);
	if (r != 0)
		ui_error(ui, "%s", err.msg);
	ui_cs_load(ui);
	return r;
}

/*
 * Checks the draft's addresses; 0 with a summary of the recipients in
 * who, or -1 with the reason there.
 */
int
ui_compose_check(struct ui *ui, char *who, size_t size)
{
	static const char *const fields[] = {"To", "Cc", "Bcc"};
	struct mime_addrlist l = {0};
	struct pt_error err;
	const char *from;
	size_t i;
	int rc = 0;

	if (ui_cs.bad) {
		pt_strlcpy(who, ui_cs.why, size);
		return -1;
	}
	pt_error_init(&err);
	for (i = 0; i < PT_NELEM(fields) && rc == 0; i++) {
		const char *v = ui_cs_get(fields[i]);

		if (v != NULL && mime_addrlist_parse(v, &l, &err) != 0) {
			snprintf(who, size, "%s: %s", fields[i], err.msg);
			rc = -1;
		}
	}
	for (i = 0; i < ui_cs.natt && rc == 0; i++) {
		/* The file may have gone since it was attached. */
		ui_cs_att_stat(&ui_cs.att[i]);
		if (ui_cs.att[i].missing) {
			snprintf(who, size,
			    _("cannot attach '%s': the file cannot be read"),
			    ui_cs.att[i].path);
			rc = -1;
		}
	}
	from = ui_cs_get("From");
	if (rc == 0 && from != NULL && *from != '\0') {
		ui_cs_ids_load(ui);
		if (ui_identity_find(ui_cs.ids, ui_cs.nids, from) < 0) {
			snprintf(who, size,
			    _("From: '%s' is none of your identities"), from);
			rc = -1;
		}
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
	return rc;
}

/*
 * What the screen says about the draft, on a line of its own (the
 * message line is the engine's too): to whom it goes, or why it
 * cannot be sent.  Allocated; *ok tells which.
 */
static char *
ui_cs_summary(struct ui *ui, int *ok)
{
	char who[300];

	*ok = ui_compose_check(ui, who, sizeof who) == 0;
	if (*ok)
		return pt_xasprintf(_("Send to %s? (y)es, (e)dit, (p)ostpone, "
				      "(q)uit; ? for more"),
		    who);
	return pt_xasprintf(_("Cannot send: %s. (e)dit, (p)ostpone, (q)uit"),
	    who);
}

void
ui_compose_screen_show(struct ui *ui, size_t account, const char *draft)
{
	if (ui_cs.draft == NULL || strcmp(ui_cs.draft, draft) != 0) {
		free(ui_cs.draft);
		ui_cs.draft = pt_xstrdup(draft);
		memset(&ui_cs.list, 0, sizeof ui_cs.list);
	}
	ui_cs.account = account;
	ui_cs_load(ui);
	if (ui_screen_top(ui) != &ui_compose_screen) {
		/* From the pager or a list: compose goes on top of it. */
		ui_screen_push(ui, &ui_compose_screen);
	}
}

int
ui_compose_screen_active(const struct ui *ui)
{
	return ui_screen_open(ui, &ui_compose_screen);
}

static void
ui_cs_fini(struct ui *ui)
{
	(void)ui;
	ui_cs_clear();
	free(ui_cs.draft);
	ui_cs.draft = NULL;
	ui_identities_free(ui_cs.ids, ui_cs.nids);
	ui_cs.ids = NULL;
	ui_cs.nids = 0;
}

static void
ui_cs_close(struct ui *ui)
{
	if (ui_screen_top(ui) == &ui_compose_screen)
		ui_screen_pop(ui);
}

/* A field typed at the bottom line (arg: its index in ui_cs_fields). */
static void
ui_cs_field_answer(struct ui *ui, int answer, const char *text, void *arg)
{
	size_t f = (size_t)(uintptr_t)arg;
	const char *name = ui_cs_fields[f].name;
	struct mime_addrlist l = {0};
	struct pt_error err;

	if (answer != 1 || ui_cs.draft == NULL || ui_cs.bad)
		return;
	ui_cs_set(name, text);
	if (ui_cs_save(ui) != 0)
		return;
	pt_error_init(&err);
	if (ui_cs_fields[f].complete == UI_COMPLETE_ADDRESS &&
	    mime_addrlist_parse(text, &l, &err) != 0)
		ui_error(ui, "%s: %s", name, err.msg);
	mime_addrlist_release(&l);
}

/* Adds one file (an absolute path); 0, or -1 with the reason shown. */
static int
ui_cs_attach_one(struct ui *ui, const char *path)
{
	struct stat sb;
	size_t i;

	if (stat(path, &sb) != 0 || access(path, R_OK) != 0) {
		ui_error(ui, _("cannot attach '%s': %s"), path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		ui_error(ui, _("cannot attach '%s': not a regular file"), path);
		return -1;
	}
	for (i = 0; i < ui_cs.natt; i++)
		if (strcmp(ui_cs.att[i].path, path) == 0) {
			ui_error(ui, _("'%s' is attached already"), path);
			return -1;
		}
	ui_cs.d.attach = pt_xreallocarray(ui_cs.d.attach, ui_cs.d.nattach + 1,
	    sizeof *ui_cs.d.attach);
	ui_cs.d.attach[ui_cs.d.nattach++] = pt_xstrdup(path);
	return 0;
}

/*
 * The attach prompt's answer: a path ("~/" is home, relative to the
 * current folder), or a glob(3) pattern for several files.
 */
static void
ui_cs_attach_answer(struct ui *ui, int answer, const char *text, void *arg)
{
	char *path, *abs, cwd[4096];
	size_t before = ui_cs.natt, added = 0;
	glob_t g;

	(void)arg;
	if (answer != 1 || text == NULL || *text == '\0' || ui_cs.bad)
		return;
	path = ui_path_expand(text, getenv("HOME"));
	if (path[0] != '/' && getcwd(cwd, sizeof cwd) != NULL)
		abs = pt_xasprintf("%s/%s", cwd, path);
	else
		abs = pt_xstrdup(path);
	free(path);
	memset(&g, 0, sizeof g);
	if (strpbrk(abs, "*?[") != NULL && glob(abs, 0, NULL, &g) == 0) {
		size_t i;

		for (i = 0; i < g.gl_pathc; i++)
			if (ui_cs_attach_one(ui, g.gl_pathv[i]) == 0)
				added++;
		globfree(&g);
	} else if (ui_cs_attach_one(ui, abs) == 0)
		added = 1;
	free(abs);
	if (added == 0)
		return;
	if (ui_cs_save(ui) != 0)
		return;
	ui_cs.list.cursor = ui_cs.natt > 0 ? ui_cs.natt - 1 : 0;
	if (added == 1 && before < ui_cs.natt)
		ui_msg(ui, _("Attached %s."), ui_cs.att[ui_cs.natt - 1].name);
	else
		ui_msg(ui,
		    ngettext_("Attached %zu file.", "Attached %zu files.",
			added),
		    added);
}

static void
ui_cs_from_answer(struct ui *ui, int answer, const char *text, void *arg)
{
	size_t k;

	(void)text;
	(void)arg;
	if (answer <= 0 || ui_cs.draft == NULL || ui_cs.bad)
		return;
	k = answer >= '1' && answer <= '9' ? (size_t)(answer - '1')
					   : (size_t)(answer - 'a' + 9);
	if (k >= ui_cs.nids)
		return;
	ui_cs_set("From", ui_cs.ids[k].display);
	if (ui_cs_save(ui) != 0)
		return;
	ui_cs.account = ui_cs.ids[k].account;
	ui_msg(ui, _("Sending as %s (account '%s')."), ui_cs.ids[k].display,
	    ui_acct_id(ui, ui_cs.account));
}

static void
ui_cs_abort_answer(struct ui *ui, int yes, const char *text, void *arg)
{
	(void)text;
	(void)arg;
	if (yes != 1 || ui_cs.draft == NULL)
		return;
	ui_compose_discard(ui_cs.draft);
	ui_msg(ui, "%s", _("Aborted."));
	ui_cs_close(ui);
}

/* A field on the bottom line, prefilled with its value. */
static void
ui_cs_edit_field(struct ui *ui, enum ui_op op)
{
	const char *v;
	char *q;
	size_t f;

	for (f = 0; f + 1 < PT_NELEM(ui_cs_fields); f++)
		if (ui_cs_fields[f].op == op)
			break;
	v = ui_cs_get(ui_cs_fields[f].name);
	q = pt_xasprintf("%s:", ui_cs_fields[f].name);
	ui_prompt_line(ui, q, v != NULL ? v : "", NULL,
	    ui_cs_fields[f].complete, ui_cs_field_answer, (void *)(uintptr_t)f);
	free(q);
}

/* The identities as a choice of keys: 1-9, then a-z. */
static void
ui_cs_choose_from(struct ui *ui)
{
	struct ui_prompt *p;
	struct pt_buf b, c;
	size_t i;

	ui_identities_free(ui_cs.ids, ui_cs.nids);
	ui_cs.ids = NULL;
	ui_cs_ids_load(ui);
	if (ui_cs.nids == 0)
		return;
	pt_buf_init(&b, 0);
	pt_buf_init(&c, 0);
	pt_buf_addstr(&b, _("Send as:"), NULL);
	for (i = 0; i < ui_cs.nids && i < 35; i++) {
		char k = (char)(i < 9 ? '1' + i : 'a' + i - 9);

		pt_buf_printf(&b, NULL, " %c) %s", k, ui_cs.ids[i].display);
		pt_buf_addch(&c, k, NULL);
	}
	p = ui_prompt_new(UI_PROMPT_CHOICE, b.data, ui_cs_from_answer, NULL);
	p->choices = pt_buf_detach(&c, NULL);
	ui_prompt_show(ui, p, 0);
	pt_buf_release(&b);
}

static void
ui_cs_key(struct ui *ui, enum ui_op op, uint32_t key)
{
	char who[300];

	(void)key;
	if (ui_cs.draft == NULL) {
		ui_cs_close(ui);
		return;
	}
	if (ui_list_key(&ui_cs.list, op, ui_body_rows(ui)))
		return;
	switch (op) {
	case UI_OP_SEND:
		if (ui_compose_check(ui, who, sizeof who) != 0) {
			ui_error(ui, _("Cannot send: %s."), who);
			return;
		}
		ui_send_draft(ui, ui_cs.account, ui_cs.draft);
		ui_cs_close(ui);
		return;
	case UI_OP_EDIT_MESSAGE:
		ui_compose_resume(ui, ui_cs.account, ui_cs.draft);
		return;
	case UI_OP_POSTPONE:
		ui_postpone_draft(ui, ui_cs.account, ui_cs.draft);
		ui_cs_close(ui);
		return;
	case UI_OP_EXIT:
		ui_prompt_yesno(ui, _("Abort and delete the draft?"), 0,
		    ui_cs_abort_answer, NULL);
		return;
	case UI_OP_EDIT_FROM:
		if (ui_cs.bad)
			break;
		ui_cs_choose_from(ui);
		return;
	case UI_OP_EDIT_TO:
	case UI_OP_EDIT_CC:
	case UI_OP_EDIT_BCC:
	case UI_OP_EDIT_SUBJECT:
	case UI_OP_EDIT_REPLY_TO:
		if (ui_cs.bad)
			break;
		ui_cs_edit_field(ui, op);
		return;
	case UI_OP_ATTACH_FILE:
		if (ui_cs.bad)
			break;
		ui_prompt_line(ui, _("Attach file:"), "", NULL,
		    UI_COMPLETE_PATH, ui_cs_attach_answer, NULL);
		return;
	case UI_OP_DETACH_FILE:
		if (ui_cs.bad)
			break;
		if (ui_cs.natt == 0) {
			ui_error(ui, "%s", _("There are no attachments."));
			return;
		}
		{
			size_t k = ui_cs.list.cursor;
			char *name = pt_xstrdup(ui_cs.att[k].name);

			free(ui_cs.d.attach[k]);
			memmove(&ui_cs.d.attach[k], &ui_cs.d.attach[k + 1],
			    (ui_cs.d.nattach - k - 1) * sizeof *ui_cs.d.attach);
			ui_cs.d.nattach--;
			if (ui_cs_save(ui) == 0)
				ui_msg(ui,
				    _("Detached %s (the file itself is "
				      "kept)."),
				    name);
			free(name);
		}
		return;
	default:
		ui_error(ui, "%s", _("Key is not bound.  Press '?' for help."));
		return;
	}
	ui_error(ui, _("Cannot read the draft's header: %s"), ui_cs.why);
}

/*
 * The key hint from the live keymap ("y send  e edit ..."), in one or
 * two lines of the screen's width; returns how many.
 */
static int
ui_cs_hint_lines(struct ui *ui, struct pt_buf *line)
{
	static const enum ui_op ops[] = {UI_OP_SEND, UI_OP_EDIT_MESSAGE,
	    UI_OP_EDIT_TO, UI_OP_EDIT_CC, UI_OP_EDIT_BCC, UI_OP_EDIT_SUBJECT,
	    UI_OP_EDIT_REPLY_TO, UI_OP_ATTACH_FILE, UI_OP_DETACH_FILE,
	    UI_OP_EDIT_FROM, UI_OP_POSTPONE, UI_OP_EXIT, UI_OP_HELP};
	static const char *const label[] = {N_("send"), N_("edit"), N_("To"),
	    N_("Cc"), N_("Bcc"), N_("Subject"), N_("Reply-To"), N_("attach"),
	    N_("detach"), N_("From"), N_("postpone"), N_("quit"), N_("help")};
	size_t i, k = 0;

	pt_buf_init(&line[0], 0);
	pt_buf_init(&line[1], 0);
	for (i = 0; i < PT_NELEM(ops); i++) {
		char keys[64], *item, *sp;

		ui_keymap_keys(&ui->km, UI_MAP_COMPOSE, ops[i], keys,
		    sizeof keys);
		/* The first key is enough here. */
		if ((sp = strpbrk(keys, " ,")) != NULL)
			*sp = '\0';
		if (keys[0] == '\0')
			continue;
		item = pt_xasprintf("%s%s %s", line[k].len > 0 ? "  " : "",
		    keys, _(label[i]));
		if (k == 0 && line[0].len > 0 &&
		    ui_text_width(line[0].data, line[0].len) +
			    ui_text_width(item, strlen(item)) >
			(size_t)COLS) {
			k = 1;
			free(item);
			item = pt_xasprintf("%s %s", keys, _(label[i]));
		}
		pt_buf_addstr(&line[k], item, NULL);
		free(item);
	}
	return line[1].len > 0 ? 2 : 1;
}

static void
ui_cs_draw(struct ui *ui, int top, int rows)
{
	attr_t n = ui->color[UI_C_NORMAL], h = ui->color[UI_C_HEADER];
	struct pt_buf b;
	int y = top, end = top + rows, hrows;
	struct pt_buf hint[2];
	size_t i;

	hrows = ui_cs_hint_lines(ui, hint);
	pt_buf_init(&b, 0);
	for (i = 0; i < PT_NELEM(ui_cs_fields) && y < end; i++, y++) {
		const char *v = ui_cs_get(ui_cs_fields[i].name);
		char *dec = NULL, *san;

		if ((v == NULL || *v == '\0') && i == 0) {
			/* No From: the account's own address. */
			size_t k;

			ui_cs_ids_load(ui);
			for (v = "", k = 0; *v == '\0' && k < ui_cs.nids; k++)
				if (ui_cs.ids[k].account == ui_cs.account)
					v = ui_cs.ids[k].display;
		}
		if (v == NULL)
			v = "";
		if (ui_cs_fields[i].complete == UI_COMPLETE_ADDRESS || i == 0)
			dec = mime_address_decode(v, strlen(v));
		else
			dec = mime_header_decode(v, strlen(v));
		san = pt_sanitize_line(dec, strlen(dec));
		pt_buf_reset(&b);
		pt_buf_printf(&b, NULL, "%10s: ", ui_cs_fields[i].name);
		ui_draw_text(y, 0, 12, b.data, h);
		ui_draw_text(y, 12, COLS - 12, san, n);
		free(san);
		free(dec);
	}
	if (y < end) {
		int ok;
		char *sum = ui_cs_summary(ui, &ok);

		ui_draw_fill(y++, 0, COLS, n);
		if (y < end)
			ui_draw_text(y++, 0, COLS, sum,
			    ui->color[ok ? UI_C_NORMAL : UI_C_ERROR]);
		free(sum);
	}
	if (y < end)
		ui_draw_fill(y++, 0, COLS, n);
	if (y < end) {
		char *t = pt_xasprintf(ngettext_("-- %zu attachment --",
					   "-- %zu attachments --",
					   (unsigned long)ui_cs.natt),
		    ui_cs.natt);

		ui_draw_text(y++, 0, COLS, t, h);
		free(t);
	}
	{
		/* The attachments below, with the hint's lines left. */
		int arows = end - y - hrows;

		ui_list_clamp(&ui_cs.list, arows);
		for (i = 0; (int)i < arows; i++) {
			size_t k = ui_cs.list.top + i;
			const struct ui_cs_att *a;
			char size[16];

			if (k >= ui_cs.natt)
				break;
			a = &ui_cs.att[k];
			pt_buf_reset(&b);
			ui_text_size(size, sizeof size, a->size);
			pt_buf_printf(&b, NULL, "%3zu %-30s %-24s %6s%s", k + 1,
			    a->name, a->type, a->missing ? "-" : size,
			    a->missing ? _("  (cannot be read)") : "");
			if (k == ui_cs.list.cursor)
				ui->cur_y = y + (int)i;
			ui_draw_text(y + (int)i, 0, COLS, b.data,
			    ui->color[k == ui_cs.list.cursor ? UI_C_INDICATOR
							     : UI_C_NORMAL]);
		}
	}
	for (i = 0; i < 2; i++)
		if (hint[i].len > 0 && end - hrows + (int)i >= top)
			ui_draw_text(end - hrows + (int)i, 0, COLS,
			    hint[i].data, h);
	pt_buf_release(&hint[0]);
	pt_buf_release(&hint[1]);
	pt_buf_reset(&b);
	pt_buf_printf(&b, NULL, _("-- Compose [%s] --"),
	    ui_acct_id(ui, ui_cs.account));
	ui_draw_status(ui, b.data);
	pt_buf_release(&b);
}
