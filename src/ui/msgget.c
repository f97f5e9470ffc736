/*
 * msgget.c: getting a message to show or to quote, and no more of it
 * than that takes.  A message up to 256 KiB comes whole (one round
 * trip); a bigger one comes as its IMAP structure (ENG_JOB_STRUCTURE,
 * which answers with the whole message when the server's structure
 * cannot be used), then only the parts its rendering asks for
 * (mime_render_opts.missing), in a few rounds at most.  The pager and
 * compose's replies and inline forwards share it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/mime.h"

#include "private.h"

/* Messages up to this size are fetched whole (one round trip). */
#define UI_MSGGET_WHOLE_MAX ((uint32_t)256 * 1024)
/* Rounds of part fetches the renderer may ask for. */
#define UI_MSGGET_ROUNDS 4

static void ui_msgget_submit(struct ui *, struct ui_msgget *, int);
static void ui_msgget_part(struct ui *, struct ui_msgget *);
static void ui_msgget_cb(struct ui *, struct eng_event *, void *);

void
ui_msgget_release(struct ui_msgget *g)
{
	free(g->folder);
	free(g->data);
	eng_structure_free(&g->st);
	mime_missing_release(&g->want);
	memset(g, 0, sizeof *g);
}

void
ui_msgget_cancel(struct ui *ui, struct ui_msgget *g)
{
	if (g->job != 0)
		eng_cancel(ui->eng, g->job);
	if (g->part_job != 0)
		eng_cancel(ui->eng, g->part_job);
	g->job = g->part_job = 0;
}

void
ui_msgget_start(struct ui *ui, struct ui_msgget *g, uint32_t uid, int seen,
    int whole, ui_msgget_cb_t cb, void *arg)
{
	struct ui_folder *f = &ui->folder;
	int32_t s = ui_model_find(&f->model, uid);

	ui_msgget_cancel(ui, g);
	ui_msgget_release(g);
	g->account = f->account;
	g->folder = pt_xstrdup(f->name);
	g->uidvalidity = f->uidvalidity;
	g->uid = uid;
	g->seen = seen;
	g->cb = cb;
	g->arg = arg;
	ui_msgget_submit(ui, g,
	    !whole && s >= 0 && f->model.msg[s].size > UI_MSGGET_WHOLE_MAX);
}

void
ui_msgget_whole(struct ui *ui, struct ui_msgget *g)
{
	/* The structure job may still be setting \Seen: it goes on. */
	if (g->part_job != 0)
		eng_cancel(ui->eng, g->part_job);
	g->part_job = 0;
	eng_structure_free(&g->st);
	mime_missing_release(&g->want);
	g->want_next = 0;
	ui_msgget_submit(ui, g, 0);
}

/* The message, or (structure) its structure: then the parts it needs. */
static void
ui_msgget_submit(struct ui *ui, struct ui_msgget *g, int structure)
{
	struct ui_folder *f = &ui->folder;
	struct eng_job *job;

	job = eng_job_new(structure ? ENG_JOB_STRUCTURE : ENG_JOB_FETCH,
	    g->account);
	eng_job_set_folder(job, g->folder);
	job->uid = g->uid;
	job->uidvalidity = g->uidvalidity;
	job->or_body = 1;
	if (g->seen && f->open && f->account == g->account &&
	    strcmp(f->name, g->folder) == 0) {
		int32_t s = ui_model_find(&f->model, g->uid);

		if (s >= 0 && !(f->model.msg[s].flags & UI_F_SEEN)) {
			/* Read now; the engine sets \Seen once it has it. */
			job->flags_add = ENG_F_SEEN;
			f->model.msg[s].flags |= UI_F_SEEN;
			ui_view_count(&f->view);
			if (f->view.limit != NULL)
				f->view.dirty = 1;
		}
	}
	g->job = ui_job_submit(ui, job, _("Loading the message"), ui_msgget_cb,
	    g, NULL);
}

/* Fetches the next part the rendering asked for. */
static void
ui_msgget_part(struct ui *ui, struct ui_msgget *g)
{
	struct eng_job *job;
	const char *sec = g->want.v[g->want_next++];
	size_t i;

	job = eng_job_new(ENG_JOB_FETCH, g->account);
	eng_job_set_folder(job, g->folder);
	job->uid = g->uid;
	job->uidvalidity = g->uidvalidity;
	job->part = pt_xstrdup(sec);
	for (i = 0; i < g->st->n; i++)
		if (strcmp(g->st->v[i].section, sec) == 0)
			job->len = g->st->v[i].size;
	g->part_job = ui_job_submit(ui, job, _("Loading the message"),
	    ui_msgget_cb, g, NULL);
}

struct eng_job *
ui_part_fetch_job(size_t account, const char *folder, uint32_t uidvalidity,
    uint32_t uid, const struct mime_part *p, const char *path)
{
	struct eng_job *job;
	const char *cte;
	size_t n = 0;

	job = eng_job_new(ENG_JOB_FETCH, account);
	eng_job_set_folder(job, folder);
	job->uid = uid;
	job->uidvalidity = uidvalidity;
	job->part = mime_part_section(p);
	job->path = pt_xstrdup(path);
	cte = mime_part_header(p, "Content-Transfer-Encoding", &n);
	if (cte != NULL) {
		char *v = pt_xstrndup(cte, n), *s = v, *e;

		while (*s == ' ' || *s == '\t')
			s++;
		for (e = s; *e != '\0' && *e != ' ' && *e != '\t' &&
			    *e != '\r' && *e != '\n' && *e != ';';
		     e++)
			;
		*e = '\0';
		job->decode = pt_xstrdup(s);
		free(v);
	}
	return job;
}

struct mime_msg *
ui_msgget_parse(const struct ui_msgget *g, struct pt_error *err)
{
	return g->st != NULL ? eng_structure_parse(g->st, err)
			     : mime_parse(g->data, g->len, err);
}

int
ui_msgget_more(struct ui *ui, struct ui_msgget *g, struct mime_missing *ms)
{
	if (ms->n > 0 && g->st != NULL && g->part_job == 0 &&
	    g->rounds < UI_MSGGET_ROUNDS) {
		g->rounds++;
		mime_missing_release(&g->want);
		g->want = *ms;
		ms->v = NULL;
		ms->n = 0;
		g->want_next = 0;
		ui_msgget_part(ui, g);
	} else
		mime_missing_release(ms);
	return g->part_job != 0;
}

/*
 * Events of the message's job (g->job: the whole message, or its
 * structure) and of the part being fetched (g->part_job).  Part jobs
 * queue behind the message's job on the account, so the text can show
 * as soon as the structure (or the message) is there.
 */
static void
ui_msgget_cb(struct ui *ui, struct eng_event *ev, void *arg)
{
	struct ui_msgget *g = arg;
	int part = ev->job_id == g->part_job;

	if (ev->job_id == 0 || (ev->job_id != g->job && !part))
		return;
	switch (ev->kind) {
	case ENG_EV_STRUCTURE:
		eng_structure_free(&g->st);
		g->st = ev->u.structure;
		ev->u.structure = NULL;
		g->cb(ui, g, NULL, g->arg);
		break;
	case ENG_EV_BODY:
		if (ev->u.body == NULL || ev->u.body->data == NULL)
			return;
		if (ev->u.body->part[0] != '\0') {
			if (g->st != NULL)
				(void)eng_structure_set_body(g->st,
				    ev->u.body->part, ev->u.body->data,
				    ev->u.body->len);
			else
				free(ev->u.body->data);
			ev->u.body->data = NULL;
			break;
		}
		/* The whole message (also for a structure job). */
		eng_structure_free(&g->st);
		free(g->data);
		g->data = ev->u.body->data;
		g->len = ev->u.body->len;
		ev->u.body->data = NULL;
		g->cb(ui, g, NULL, g->arg);
		break;
	case ENG_EV_FAILED:
		if (part)
			g->part_job = 0;
		else
			g->job = 0;
		if (!part && ev->job_kind == ENG_JOB_STRUCTURE &&
		    g->st == NULL && ev->err.class != PT_E_CANCELLED &&
		    ev->err.class != PT_E_NET &&
		    ev->err.class != PT_E_REFUSED) {
			/* No structure: the whole message after all. */
			ui_msgget_submit(ui, g, 0);
			break;
		}
		g->cb(ui, g, &ev->err, g->arg);
		break;
	case ENG_EV_DONE:
		if (!part) {
			g->job = 0;
			break;
		}
		g->part_job = 0;
		if (g->st != NULL && g->want_next < g->want.n)
			ui_msgget_part(ui, g);
		else if (g->st != NULL)
			g->cb(ui, g, NULL, g->arg);
		break;
	default:
		break;
	}
	ui->redraw = 1;
}
