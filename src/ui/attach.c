/*
 * attach.c: the attachments of the message in the pager, and a plain
 * text viewer.  Parts come from mime_parse of the message the pager
 * already holds, so nothing is fetched again; for a message the pager
 * read from its structure, from that structure, and a part that was
 * not fetched is fetched when it is saved or opened: the engine writes
 * it to a file, transfer encoding undone on the way, so a part of any
 * size is never whole in memory (progress in the status line, ^G
 * cancels).  An attachment is viewed
 * as text, opened with its mailcap(5) entry (the terminal is handed to
 * the viewer, or its output shown when the entry says copiousoutput),
 * or saved: the suggested file name is the part's own, stripped of
 * folders and control characters so it cannot land elsewhere, and an
 * existing file is replaced only after asking.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/mime.h"
#include "petrel/ui.h"

#include "private.h"

#define UI_VIEW_MAX ((size_t)8 * 1024 * 1024) /* viewer output kept */

struct ui_att {
	const struct mime_part *part;
	int depth;
	char *type;
	char *name; /* as the message says, sanitized; or NULL */
	size_t size;
	int absent;    /* not fetched: fetch it to save or open it */
	char *section; /* its IMAP section */
	size_t wire;   /* its bytes as sent (the structure's), for progress */
};

static struct {
	struct mime_msg *msg;
	struct ui_att *v;
	size_t n;
	struct ui_list list;
	uint32_t uid; /* the message, when read from its structure */
} ui_at;

/* What to do with a part once the engine has written it to a file. */
enum ui_fetched { UI_FETCHED_SAVE, UI_FETCHED_VIEW, UI_FETCHED_TEXT };

struct ui_fetch {
	enum ui_fetched then;
	char *tmp;  /* the file the engine writes */
	char *dest; /* SAVE: renamed to this when complete */
	char *type;
	char *title;
	char *cmd; /* VIEW: the mailcap command */
	int copious;
};

/* The text viewer. */
static struct {
	char *title;
	char *text;
	size_t *off, *len;
	size_t n;
	struct ui_list list;
} ui_tv;

struct ui_save {
	size_t idx;
	char *path;
};

static const enum ui_op ui_attach_helpbar[] = {UI_OP_EXIT, UI_OP_SELECT_ENTRY,
    UI_OP_SAVE_ATTACH, UI_OP_OPEN_ATTACH, UI_OP_HELP, UI_OP_NONE};
static const enum ui_op ui_text_helpbar[] = {UI_OP_EXIT, UI_OP_PREV_PAGE,
    UI_OP_NEXT_PAGE, UI_OP_HELP, UI_OP_NONE};

static void ui_attach_fini(struct ui *);
static void ui_attach_key(struct ui *, enum ui_op, uint32_t);
static void ui_attach_draw(struct ui *, int, int);
static void ui_attach_walk(const struct mime_part *, int);
static char *ui_attach_decode(const struct ui_att *, size_t *);
static void ui_attach_save_answer(struct ui *, int, const char *, void *);
static void ui_attach_overwrite_answer(struct ui *, int, const char *, void *);
static int ui_attach_write(struct ui *, const char *, size_t, int);
static void ui_attach_view(struct ui *, size_t, int);
static void ui_text_fini(struct ui *);
static void ui_text_key(struct ui *, enum ui_op, uint32_t);
static void ui_text_draw(struct ui *, int, int);
static void ui_text_show(struct ui *, const char *, const char *, size_t);
static int ui_attach_fetch(struct ui *, size_t, struct ui_fetch *);
static void ui_attach_fetch_cb(struct ui *, struct eng_event *, void *);
static void ui_fetch_free(void *);
static int ui_attach_save_absent(struct ui *, const char *, size_t, int);
static void ui_attach_run(struct ui *, const char *, const char *, const char *,
    const char *, int);

const struct ui_screen ui_attach_screen = {
    .name = "attach",
    .map = UI_MAP_ATTACH,
    .fini = ui_attach_fini,
    .key = ui_attach_key,
    .draw = ui_attach_draw,
    .helpbar = ui_attach_helpbar,
};

const struct ui_screen ui_text_screen = {
    .name = "text",
    .map = UI_MAP_GENERIC,
    .fini = ui_text_fini,
    .key = ui_text_key,
    .draw = ui_text_draw,
    .helpbar = ui_text_helpbar,
};

static void
ui_attach_walk(const struct mime_part *p, int depth)
{
	const struct mime_part *c;
	const char *type = mime_part_type(p);

	if (strncmp(type, "multipart/", 10) != 0) {
		struct ui_att *a;
		char *name;

		ui_at.v =
		    pt_xreallocarray(ui_at.v, ui_at.n + 1, sizeof *ui_at.v);
		a = &ui_at.v[ui_at.n++];
		memset(a, 0, sizeof *a);
		a->part = p;
		a->depth = depth;
		a->type = pt_sanitize_line(type, strlen(type));
		if ((name = mime_part_filename(p)) != NULL) {
			a->name = pt_sanitize_line(name, strlen(name));
			free(name);
		}
		a->section = mime_part_section(p);
		if (mime_part_absent(p, &a->size))
			a->absent = 1;
		else {
			struct pt_buf b;

			pt_buf_init(&b, MIME_MAX_SIZE);
			mime_part_decode(p, &b, NULL, NULL);
			a->size = b.len;
			pt_buf_release(&b);
		}
		/* The enclosed message's own parts are listed too. */
		if (strcmp(type, "message/rfc822") != 0)
			return;
	}
	for (c = mime_part_child(p); c != NULL; c = mime_part_next(c))
		ui_attach_walk(c, depth + 1);
}

void
ui_attach_show(struct ui *ui, const char *data, size_t len,
    const struct eng_structure *st, uint32_t uid)
{
	struct pt_error err;
	size_t i, k;

	ui_attach_fini(ui);
	pt_error_init(&err);
	ui_at.uid = uid;
	if (st != NULL)
		ui_at.msg = eng_structure_parse(st, &err);
	else
		ui_at.msg = mime_parse(data, len, &err);
	if (ui_at.msg == NULL) {
		ui_error(ui, "%s", err.msg);
		return;
	}
	ui_attach_walk(mime_msg_root(ui_at.msg), 0);
	for (i = 0; st != NULL && i < ui_at.n; i++)
		for (k = 0; k < st->n; k++)
			if (strcmp(st->v[k].section, ui_at.v[i].section) == 0 &&
			    strcmp(st->v[k].type, ui_at.v[i].type) == 0)
				ui_at.v[i].wire = st->v[k].size;
	memset(&ui_at.list, 0, sizeof ui_at.list);
	ui_at.list.n = ui_at.n;
	ui_screen_push(ui, &ui_attach_screen);
}

static void
ui_attach_fini(struct ui *ui)
{
	size_t i;

	(void)ui;
	for (i = 0; i < ui_at.n; i++) {
		free(ui_at.v[i].type);
		free(ui_at.v[i].name);
		free(ui_at.v[i].section);
	}
	free(ui_at.v);
	ui_at.v = NULL;
	ui_at.n = 0;
	mime_msg_free(&ui_at.msg);
}

static char *
ui_attach_decode(const struct ui_att *a, size_t *len)
{
	struct pt_buf b;

	pt_buf_init(&b, MIME_MAX_SIZE);
	mime_part_decode(a->part, &b, NULL, NULL);
	return pt_buf_detach(&b, len);
}

/* Writes attachment idx to path; excl: refuse an existing file. */
static int
ui_attach_write(struct ui *ui, const char *path, size_t idx, int excl)
{
	char *data;
	size_t len, off = 0;
	int fd;

	fd = open(path,
	    O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
		(excl ? O_EXCL : O_TRUNC),
	    0666);
	if (fd < 0 && errno == EEXIST && excl)
		return 1;
	if (fd < 0) {
		ui_error(ui, _("cannot write '%s': %s"), path, strerror(errno));
		return -1;
	}
	data = ui_attach_decode(&ui_at.v[idx], &len);
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	free(data);
	if (close(fd) != 0 || off < len) {
		ui_error(ui, _("cannot write '%s': %s"), path,
		    strerror(errno != 0 ? errno : EIO));
		return -1;
	}
	ui_msg(ui, _("Saved to %s (%zu bytes)."), path, len);
	return 0;
}

static void
ui_attach_overwrite_answer(struct ui *ui, int answer, const char *text,
    void *arg)
{
	struct ui_save *sv = arg;

	(void)text;
	if (answer != 1 || sv->idx >= ui_at.n)
		return;
	if (ui_at.v[sv->idx].absent)
		(void)ui_attach_save_absent(ui, sv->path, sv->idx, 0);
	else
		(void)ui_attach_write(ui, sv->path, sv->idx, 0);
}

static void
ui_save_free(void *arg)
{
	struct ui_save *sv = arg;

	free(sv->path);
	free(sv);
}

static void
ui_attach_save_answer(struct ui *ui, int answer, const char *text, void *arg)
{
	size_t idx = (size_t)(uintptr_t)arg;
	char *path;

	if (answer != 1 || text == NULL || *text == '\0' || idx >= ui_at.n)
		return;
	path = ui_path_expand(text, getenv("HOME"));
	if ((ui_at.v[idx].absent ? ui_attach_save_absent(ui, path, idx, 1)
				 : ui_attach_write(ui, path, idx, 1)) == 1) {
		struct ui_save *sv = pt_xmalloc(sizeof *sv);
		char *q = pt_xasprintf(_("'%s' exists. Replace it?"), path);

		sv->idx = idx;
		sv->path = path;
		ui_prompt_yesno(ui, q, 0, ui_attach_overwrite_answer, sv);
		ui->prompt->arg_free = ui_save_free;
		free(q);
		return;
	}
	free(path);
}

/*
 * Fetches absent attachment idx into f->tmp (a new file), decoded, and
 * then does f->then; takes f.  0, or -1 (said to the user).
 */
static int
ui_attach_fetch(struct ui *ui, size_t idx, struct ui_fetch *f)
{
	const struct ui_att *a = &ui_at.v[idx];
	struct ui_folder *fo = &ui->folder;
	struct eng_job *job;
	char *label;

	job = ui_part_fetch_job(fo->account, fo->name, fo->uidvalidity,
	    ui_at.uid, a->part, f->tmp);
	job->len = a->wire; /* progress counts the bytes as sent */
	label = pt_xasprintf(f->then == UI_FETCHED_SAVE ? _("Saving %s")
							: _("Loading %s"),
	    a->name != NULL ? a->name : a->type);
	if (ui_job_submit(ui, job, label, ui_attach_fetch_cb, f,
		ui_fetch_free) == 0) {
		free(label);
		return -1;
	}
	free(label);
	return 0;
}

static void
ui_fetch_free(void *arg)
{
	struct ui_fetch *f = arg;

	if (f->tmp != NULL)
		(void)unlink(f->tmp); /* a file that was not used */
	free(f->tmp);
	free(f->dest);
	free(f->type);
	free(f->title);
	free(f->cmd);
	free(f);
}

static void
ui_attach_fetch_cb(struct ui *ui, struct eng_event *ev, void *arg)
{
	struct ui_fetch *f = arg;

	switch (ev->kind) {
	case ENG_EV_BODY:
		if (ev->u.body == NULL || ev->u.body->path == NULL)
			return;
		if (f->then == UI_FETCHED_SAVE) {
			if (rename(f->tmp, f->dest) != 0) {
				ui_error(ui, _("cannot write '%s': %s"),
				    f->dest, strerror(errno));
				return;
			}
			free(f->tmp);
			f->tmp = NULL;
			ui_msg(ui, _("Saved to %s (%zu bytes)."), f->dest,
			    ev->u.body->len);
		} else if (f->then == UI_FETCHED_TEXT) {
			struct pt_error err;
			struct pt_buf b;
			size_t len;
			char *data;

			pt_error_init(&err);
			data = pt_file_read(f->tmp, MIME_MAX_SIZE, &len, &err);
			if (data == NULL) {
				ui_error(ui, "%s", err.msg);
				return;
			}
			pt_buf_init(&b, MIME_MAX_SIZE);
			mime_charset_to_utf8(&b, f->cmd, data, len, NULL, NULL);
			ui_text_show(ui, f->title, b.data, b.len);
			pt_buf_release(&b);
			free(data);
		} else {
			/* The viewer removes the file when it is done. */
			ui_attach_run(ui, f->tmp, f->cmd, f->type, f->title,
			    f->copious);
			free(f->tmp);
			f->tmp = NULL;
		}
		return;
	case ENG_EV_FAILED:
		if (ev->err.class == PT_E_CANCELLED)
			ui_msg(ui, "%s", _("Cancelled."));
		else
			ui_error(ui, "%s", ev->err.msg);
		return;
	default:
		return;
	}
}

/*
 * Saves absent attachment idx to path through the engine: into a new
 * file beside it, renamed to path when complete, so a cancelled or
 * failed save leaves nothing behind.  excl: 1 when path exists.
 */
static int
ui_attach_save_absent(struct ui *ui, const char *path, size_t idx, int excl)
{
	struct ui_fetch *f;
	struct stat sb;
	const char *slash = strrchr(path, '/');
	char *tmp;
	int fd;

	if (excl && lstat(path, &sb) == 0)
		return 1;
	tmp = slash != NULL ? pt_xasprintf("%.*s/.%s.petrel-XXXXXX",
				  (int)(slash - path), path, slash + 1)
			    : pt_xasprintf(".%s.petrel-XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		ui_error(ui, _("cannot write '%s': %s"), path, strerror(errno));
		free(tmp);
		return -1;
	}
	close(fd);
	f = pt_xcalloc(1, sizeof *f);
	f->then = UI_FETCHED_SAVE;
	f->tmp = tmp;
	f->dest = pt_xstrdup(path);
	return ui_attach_fetch(ui, idx, f);
}

/* Runs the viewer of attachment idx (mailcap), or shows it as text. */
static void
ui_attach_view(struct ui *ui, size_t idx, int mailcap_only)
{
	const struct ui_att *a = &ui_at.v[idx];
	const char *tmpdir = getenv("TMPDIR");
	char *cmd = NULL, *tmpl, *name, *data;
	size_t len, i;
	int copious, fd;

	if (ui_mailcap_find(a->type, 0, &cmd, &copious) != 0) {
		if (strncmp(a->type, "text/", 5) == 0 ||
		    strcmp(a->type, "message/rfc822") == 0) {
			struct pt_buf b;
			char *cs = mime_part_param(a->part, "charset");

			if (a->absent) {
				struct ui_fetch *f = pt_xcalloc(1, sizeof *f);

				f->then = UI_FETCHED_TEXT;
				f->tmp = pt_xasprintf("%s/petrel-XXXXXX",
				    tmpdir != NULL && *tmpdir != '\0' ? tmpdir
								      : "/tmp");
				f->title = pt_xstrdup(
				    a->name != NULL ? a->name : a->type);
				f->cmd = cs; /* the charset */
				if ((fd = mkstemp(f->tmp)) < 0) {
					ui_error(ui,
					    _("cannot create a temporary file: "
					      "%s"),
					    strerror(errno));
					free(f->tmp);
					f->tmp = NULL;
					ui_fetch_free(f);
					return;
				}
				close(fd);
				(void)ui_attach_fetch(ui, idx, f);
				return;
			}
			data = ui_attach_decode(a, &len);
			pt_buf_init(&b, MIME_MAX_SIZE);
			mime_charset_to_utf8(&b, cs, data, len, NULL, NULL);
			ui_text_show(ui, a->name != NULL ? a->name : a->type,
			    b.data, b.len);
			pt_buf_release(&b);
			free(data);
			free(cs);
			return;
		}
		ui_error(ui,
		    mailcap_only
			? _("No mailcap entry for %s.")
			: _("No viewer for %s: save it with s, or add a "
			    "mailcap entry."),
		    a->type);
		return;
	}
	/* A private temporary file keeping the name's extension. */
	name = mime_filename_safe(a->name, idx);
	/* The name goes between single quotes in a shell command. */
	for (i = 0; name[i] != '\0'; i++)
		if (name[i] == '\'')
			name[i] = '_';
	tmpl = pt_xasprintf("%s/petrel-XXXXXX-%s",
	    tmpdir != NULL && *tmpdir != '\0' ? tmpdir : "/tmp", name);
	fd = mkstemps(tmpl, (int)strlen(name) + 1);
	free(name);
	if (fd < 0) {
		ui_error(ui, _("cannot create a temporary file: %s"),
		    strerror(errno));
		free(tmpl);
		free(cmd);
		return;
	}
	if (a->absent) {
		struct ui_fetch *f = pt_xcalloc(1, sizeof *f);

		close(fd);
		f->then = UI_FETCHED_VIEW;
		f->tmp = tmpl;
		f->cmd = cmd;
		f->copious = copious;
		f->type = pt_xstrdup(a->type);
		f->title = pt_xstrdup(a->name != NULL ? a->name : a->type);
		(void)ui_attach_fetch(ui, idx, f);
		return;
	}
	data = ui_attach_decode(a, &len);
	for (i = 0; i < len;) {
		ssize_t w = write(fd, data + i, len - i);

		if (w <= 0 && errno != EINTR)
			break;
		if (w > 0)
			i += (size_t)w;
	}
	free(data);
	close(fd);
	ui_attach_run(ui, tmpl, cmd, a->type,
	    a->name != NULL ? a->name : a->type, copious);
	free(tmpl);
	free(cmd);
}

/*
 * Runs mailcap command cmd on the file tmpl (its output shown when
 * copious), then removes the file.
 */
static void
ui_attach_run(struct ui *ui, const char *tmpl, const char *cmd,
    const char *type, const char *title, int copious)
{
	char *q, *full;
	struct pt_buf c;
	size_t i;

	/* %s becomes the quoted file name, %t the type. */
	pt_buf_init(&c, 0);
	/* No quote in the name (above), nor in TMPDIR's: checked here. */
	if (strchr(tmpl, '\'') != NULL) {
		ui_error(ui, "%s",
		    _("TMPDIR holds a quote: no viewer is run."));
		unlink(tmpl);
		return;
	}
	q = pt_xasprintf("'%s'", tmpl);
	for (i = 0; cmd[i] != '\0'; i++) {
		if (cmd[i] == '%' && cmd[i + 1] == 's') {
			pt_buf_addstr(&c, q, NULL);
			i++;
		} else if (cmd[i] == '%' && cmd[i + 1] == 't') {
			pt_buf_addstr(&c, type, NULL);
			i++;
		} else if (cmd[i] == '\\' && cmd[i + 1] != '\0')
			pt_buf_addch(&c, cmd[++i], NULL);
		else
			pt_buf_addch(&c, cmd[i], NULL);
	}
	if (strstr(cmd, "%s") == NULL)
		pt_buf_printf(&c, NULL, " < %s", q);
	full = pt_buf_detach(&c, NULL);
	if (copious) {
		struct pt_buf out;
		struct pt_error err;

		pt_buf_init(&out, UI_VIEW_MAX);
		pt_error_init(&err);
		if (ui_mailcap_run(cmd, type, tmpl, UI_MAILCAP_TIMEOUT_MS, &out,
			&err) != 0)
			ui_error(ui, "%s", err.msg);
		else
			ui_text_show(ui, title, out.data, out.len);
		pt_buf_release(&out);
	} else {
		int status;

		ui_term_pause();
		status = system(full);
		ui_term_resume(ui);
		if (status != 0)
			ui_error(ui, _("The viewer exited with status %d."),
			    WIFEXITED(status) ? WEXITSTATUS(status) : status);
	}
	unlink(tmpl);
	free(full);
	free(q);
}

static void
ui_attach_key(struct ui *ui, enum ui_op op, uint32_t key)
{
	int rows = ui_body_rows(ui);
	char *name;

	(void)key;
	if (ui_list_key(&ui_at.list, op, rows))
		return;
	switch (op) {
	case UI_OP_EXIT:
		ui_screen_pop(ui);
		return;
	case UI_OP_SELECT_ENTRY:
	case UI_OP_OPEN_ATTACH:
		if (ui_at.n > 0)
			ui_attach_view(ui, ui_at.list.cursor,
			    op == UI_OP_OPEN_ATTACH);
		return;
	case UI_OP_SAVE_ATTACH:
		if (ui_at.n == 0)
			return;
		name = mime_filename_safe(ui_at.v[ui_at.list.cursor].name,
		    ui_at.list.cursor);
		ui_prompt_line(ui, _("Save to file:"), name, NULL,
		    UI_COMPLETE_PATH, ui_attach_save_answer,
		    (void *)(uintptr_t)ui_at.list.cursor);
		free(name);
		return;
	default:
		ui_error(ui, "%s", _("Key is not bound.  Press '?' for help."));
		return;
	}
}

static void
ui_attach_draw(struct ui *ui, int top, int rows)
{
	struct pt_buf b;
	char size[16];
	int i;

	ui_list_clamp(&ui_at.list, rows);
	pt_buf_init(&b, 0);
	for (i = 0; i < rows; i++) {
		size_t k = ui_at.list.top + (size_t)i;
		const struct ui_att *a;
		int d;

		if (k >= ui_at.n)
			break;
		a = &ui_at.v[k];
		pt_buf_reset(&b);
		ui_text_size(size, sizeof size, a->size);
		pt_buf_printf(&b, NULL, "%3zu ", k + 1);
		for (d = 0; d < a->depth && d < 8; d++)
			pt_buf_addstr(&b, "  ", NULL);
		pt_buf_printf(&b, NULL, "%-30s %6s  %s", a->type, size,
		    a->name != NULL ? a->name : "");
		if (k == ui_at.list.cursor)
			ui->cur_y = top + i;
		ui_draw_text(top + i, 0, COLS, b.data,
		    ui->color[k == ui_at.list.cursor ? UI_C_INDICATOR
						     : UI_C_NORMAL]);
	}
	pt_buf_reset(&b);
	{
		char *cnt = pt_xasprintf(ngettext_("%zu part", "%zu parts",
					     (unsigned long)ui_at.n),
		    ui_at.n);

		pt_buf_printf(&b, NULL, "-- %s --", cnt);
		free(cnt);
	}
	ui_draw_status(ui, b.data);
	pt_buf_release(&b);
}

/* The text viewer: wrapped, sanitized text with the list moves. */
static void
ui_text_show(struct ui *ui, const char *title, const char *text, size_t len)
{
	struct pt_buf san, wrapped;
	size_t off = 0;

	ui_text_fini(ui);
	pt_buf_init(&san, 0);
	pt_buf_init(&wrapped, 0);
	pt_sanitize(&san, text, len, PT_SAN_NEWLINES | PT_SAN_TABS, NULL);
	mime_wrap(&wrapped, san.data, san.len,
	    (unsigned)(COLS > MIME_WIDTH_MIN ? COLS - 1 : MIME_WIDTH_MIN), NULL,
	    NULL);
	pt_buf_release(&san);
	ui_tv.title = pt_sanitize_line(title, strlen(title));
	ui_tv.text = pt_buf_detach(&wrapped, &len);
	while (off < len) {
		const char *nl = memchr(ui_tv.text + off, '\n', len - off);
		size_t l =
		    nl != NULL ? (size_t)(nl - ui_tv.text) - off : len - off;

		ui_tv.off =
		    pt_xreallocarray(ui_tv.off, ui_tv.n + 1, sizeof *ui_tv.off);
		ui_tv.len =
		    pt_xreallocarray(ui_tv.len, ui_tv.n + 1, sizeof *ui_tv.len);
		ui_tv.off[ui_tv.n] = off;
		ui_tv.len[ui_tv.n] = l;
		ui_tv.n++;
		off += l + 1;
	}
	memset(&ui_tv.list, 0, sizeof ui_tv.list);
	ui_tv.list.n = ui_tv.n;
	ui_screen_push(ui, &ui_text_screen);
}

static void
ui_text_fini(struct ui *ui)
{
	(void)ui;
	free(ui_tv.title);
	free(ui_tv.text);
	free(ui_tv.off);
	free(ui_tv.len);
	memset(&ui_tv, 0, sizeof ui_tv);
}

static void
ui_text_key(struct ui *ui, enum ui_op op, uint32_t key)
{
	int rows = ui_body_rows(ui);

	(void)key;
	if (ui_list_scroll_key(&ui_tv.list, op, rows))
		return;
	if (op == UI_OP_EXIT || op == UI_OP_SELECT_ENTRY)
		ui_screen_pop(ui);
	else
		ui_error(ui, "%s", _("Key is not bound.  Press '?' for help."));
}

static void
ui_text_draw(struct ui *ui, int top, int rows)
{
	char *s;
	int i;

	for (i = 0; i < rows; i++) {
		size_t k = ui_tv.list.top + (size_t)i;
		char *line;

		if (k >= ui_tv.n)
			break;
		line = pt_xstrndup(ui_tv.text + ui_tv.off[k], ui_tv.len[k]);
		ui_draw_text(top + i, 0, COLS, line, ui->color[UI_C_NORMAL]);
		free(line);
	}
	s = pt_xasprintf("-- %s --", ui_tv.title != NULL ? ui_tv.title : "");
	ui_draw_status(ui, s);
	free(s);
}
