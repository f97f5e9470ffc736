/*
 * Folder jobs: the folder list (LIST with special-use attributes, roles
 * guessed from well-known names when the server has none), unread
 * counts with STATUS, and create/rename/delete/subscribe.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/imap.h"
#include "petrel/store.h"

#include "private.h"

static int eng_folder_cmp(const void *, const void *);
static int eng_folder_special(const struct imap_mbox *, size_t, const char *);

#define ENG_SPECIAL_MASK                                                       \
	(IMAP_MBX_SENT | IMAP_MBX_DRAFTS | IMAP_MBX_TRASH | IMAP_MBX_JUNK |    \
	    IMAP_MBX_ARCHIVE | IMAP_MBX_ALL | IMAP_MBX_FLAGGED)

/* 1 when the folder of that (UTF-8) name has a SPECIAL-USE attribute. */
static int
eng_folder_special(const struct imap_mbox *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].uname, name) == 0)
			return (v[i].attrs & ENG_SPECIAL_MASK) != 0;
	return 0;
}

/* The role from SPECIAL-USE, else from names clients commonly use. */
enum eng_role
eng_mbox_role(const struct imap_mbox *m)
{
	static const struct {
		const char *name;
		enum eng_role role;
	} names[] = {{"Sent", ENG_ROLE_SENT}, {"Sent Items", ENG_ROLE_SENT},
	    {"Sent Messages", ENG_ROLE_SENT}, {"Sent Mail", ENG_ROLE_SENT},
	    {"Drafts", ENG_ROLE_DRAFTS}, {"Draft", ENG_ROLE_DRAFTS},
	    {"Trash", ENG_ROLE_TRASH}, {"Deleted Items", ENG_ROLE_TRASH},
	    {"Deleted Messages", ENG_ROLE_TRASH}, {"Bin", ENG_ROLE_TRASH},
	    {"Junk", ENG_ROLE_JUNK}, {"Spam", ENG_ROLE_JUNK},
	    {"Bulk Mail", ENG_ROLE_JUNK}, {"Junk E-mail", ENG_ROLE_JUNK},
	    {"Archive", ENG_ROLE_ARCHIVE}, {"Archives", ENG_ROLE_ARCHIVE}};
	const char *leaf;
	size_t i;

	if (strcmp(m->name, "INBOX") == 0)
		return ENG_ROLE_INBOX;
	if (m->attrs & IMAP_MBX_SENT)
		return ENG_ROLE_SENT;
	if (m->attrs & IMAP_MBX_DRAFTS)
		return ENG_ROLE_DRAFTS;
	if (m->attrs & IMAP_MBX_TRASH)
		return ENG_ROLE_TRASH;
	if (m->attrs & IMAP_MBX_JUNK)
		return ENG_ROLE_JUNK;
	if (m->attrs & IMAP_MBX_ARCHIVE)
		return ENG_ROLE_ARCHIVE;
	if (m->attrs & IMAP_MBX_ALL)
		return ENG_ROLE_ALL;
	if (m->attrs & IMAP_MBX_FLAGGED)
		return ENG_ROLE_FLAGGED;
	leaf = m->uname;
	/* "INBOX.Sent", "[Gmail]/Sent Mail": the last level counts. */
	if (m->delim != '\0' && strrchr(leaf, m->delim) != NULL &&
	    (strncasecmp(leaf, "INBOX", 5) == 0 || leaf[0] == '['))
		leaf = strrchr(leaf, m->delim) + 1;
	for (i = 0; i < PT_NELEM(names); i++)
		if (strcasecmp(leaf, names[i].name) == 0)
			return names[i].role;
	return ENG_ROLE_NONE;
}

static int
eng_folder_cmp(const void *a, const void *b)
{
	const struct eng_folder *x = a, *y = b;
	int xi = strcmp(x->name, "INBOX") == 0,
	    yi = strcmp(y->name, "INBOX") == 0;

	if (xi != yi)
		return yi - xi;
	return strcmp(x->name, y->name);
}

int
eng_folders_run(struct eng_worker *w, struct eng_task *t, struct pt_error *err)
{
	struct eng_folder_list *fl;
	struct eng_event *ev;
	struct imap_mbox *v = NULL;
	size_t n = 0, i, nsel = 0;
	int seen[ENG_ROLE_FLAGGED + 1] = {0};
	char **names;

	if (eng_worker_connect(w, t, err) == -1)
		return -1;
	if (imap_list(w->s, &v, &n, err) == -1)
		return -1;
	imap_mbox_list_free(&w->mboxes, w->nmboxes);
	w->mboxes = v;
	w->nmboxes = n;
	fl = pt_xcalloc(1, sizeof *fl);
	fl->v = pt_xcalloc(n + 1, sizeof *fl->v);
	for (i = 0; i < n; i++) {
		struct eng_folder *f = &fl->v[fl->n];
		unsigned a = v[i].attrs;

		if (a & IMAP_MBX_NONEXISTENT)
			continue;
		f->name = pt_xstrdup(v[i].uname);
		f->delim = v[i].delim;
		f->role = eng_mbox_role(&v[i]);
		f->attrs =
		    ((a & IMAP_MBX_NOSELECT) ? ENG_FOLDER_NOSELECT : 0) |
		    ((a & IMAP_MBX_NOINFERIORS) ? ENG_FOLDER_NOINFERIORS : 0) |
		    ((a & IMAP_MBX_HASCHILDREN) ? ENG_FOLDER_HASCHILDREN : 0) |
		    ((a & IMAP_MBX_SUBSCRIBED) ? ENG_FOLDER_SUBSCRIBED : 0);
		f->messages = -1;
		f->unseen = -1;
		fl->n++;
	}
	if (fl->n > 1)
		qsort(fl->v, fl->n, sizeof *fl->v, eng_folder_cmp);
	/* One folder per role: SPECIAL-USE wins, then the first by name. */
	for (i = 0; i < fl->n; i++)
		if (fl->v[i].role != ENG_ROLE_NONE &&
		    eng_folder_special(v, n, fl->v[i].name))
			seen[fl->v[i].role] = 1;
	for (i = 0; i < fl->n; i++) {
		enum eng_role r = fl->v[i].role;

		if (r == ENG_ROLE_NONE || r == ENG_ROLE_INBOX ||
		    eng_folder_special(v, n, fl->v[i].name))
			continue;
		if (seen[r])
			fl->v[i].role = ENG_ROLE_NONE;
		else
			seen[r] = 1;
	}
	/* Names for STATUS, before the list goes to the UI. */
	names = pt_xcalloc(fl->n + 1, sizeof *names);
	for (i = 0; i < fl->n; i++)
		if (!(fl->v[i].attrs & ENG_FOLDER_NOSELECT))
			names[nsel++] = pt_xstrdup(fl->v[i].name);
	ev = eng_event_new(w, ENG_EV_FOLDERS, t, NULL);
	ev->u.folders = fl;
	eng_event_post(w, ev);
	/* Unread counts in the background of this job. */
	for (i = 0; i < nsel; i++) {
		struct imap_status st;
		char *raw;
		int r;

		if (eng_task_cancelled(w, t)) {
			pt_error_set(err, PT_E_CANCELLED, 0, _("cancelled"));
			break;
		}
		raw = eng_worker_raw(w, names[i]);
		r = imap_status(w->s, raw, &st, err);
		free(raw);
		if (r == -1) {
			if (eng_worker_lost(w, err))
				break;
			pt_error_init(err);
			continue;
		}
		ev = eng_event_new(w, ENG_EV_FOLDER_STATUS, t, names[i]);
		ev->uidvalidity = st.uidvalidity;
		ev->u.status.messages = st.messages;
		ev->u.status.unseen = st.unseen;
		ev->u.status.recent = st.recent;
		ev->u.status.uidnext = st.uidnext;
		ev->u.status.uidvalidity = st.uidvalidity;
		eng_event_post(w, ev);
		eng_post_progress(w, t, i + 1, nsel, ENG_UNIT_MESSAGES, 0);
	}
	for (i = 0; i < nsel; i++)
		free(names[i]);
	free(names);
	eng_worker_apply(w, t);
	return err->class == PT_OK ? 0 : -1;
}

int
eng_status_run(struct eng_worker *w, struct eng_task *t, struct pt_error *err)
{
	struct imap_status st;
	struct eng_event *ev;
	char *raw;
	int r;

	if (eng_worker_connect(w, t, err) == -1)
		return -1;
	raw = eng_worker_raw(w, t->job->folder);
	r = imap_status(w->s, raw, &st, err);
	free(raw);
	if (r == -1)
		return -1;
	ev = eng_event_new(w, ENG_EV_FOLDER_STATUS, t, t->job->folder);
	ev->uidvalidity = st.uidvalidity;
	ev->u.status.messages = st.messages;
	ev->u.status.unseen = st.unseen;
	ev->u.status.recent = st.recent;
	ev->u.status.uidnext = st.uidnext;
	ev->u.status.uidvalidity = st.uidvalidity;
	eng_event_post(w, ev);
	eng_worker_apply(w, t);
	return 0;
}

int
eng_mailbox_run(struct eng_worker *w, struct eng_task *t, struct pt_error *err)
{
	struct eng_job *j = t->job;
	char *raw, *raw2 = NULL;
	int r;

	if (eng_worker_connect(w, t, err) == -1)
		return -1;
	raw = eng_worker_raw(w, j->folder);
	switch (j->kind) {
	case ENG_JOB_CREATE:
		r = imap_mailbox_create(w->s, raw, err);
		/* Subscribe too, as most clients do. */
		if (r == 0) {
			(void)imap_mailbox_subscribe(w->s, raw, 1, err);
			pt_error_init(err);
		}
		break;
	case ENG_JOB_RENAME:
		raw2 = eng_worker_raw(w, j->target);
		if (w->cur != NULL && strcmp(w->cur, j->folder) == 0 &&
		    imap_unselect(w->s, err) == 0) {
			free(w->cur);
			w->cur = NULL;
		}
		r = imap_mailbox_rename(w->s, raw, raw2, err);
		if (r == 0 && w->store != NULL) {
			struct pt_error e2;

			pt_error_init(&e2);
			(void)store_folder_drop(w->store, j->folder, &e2);
		}
		break;
	case ENG_JOB_DELETE:
		if (w->cur != NULL && strcmp(w->cur, j->folder) == 0) {
			if (imap_unselect(w->s, err) == -1 &&
			    imap_session_dead(w->s)) {
				free(raw);
				return -1;
			}
			pt_error_init(err);
			free(w->cur);
			w->cur = NULL;
		}
		r = imap_mailbox_delete(w->s, raw, err);
		if (r == 0 && w->store != NULL) {
			struct pt_error e2;

			pt_error_init(&e2);
			(void)store_folder_drop(w->store, j->folder, &e2);
		}
		break;
	case ENG_JOB_SUBSCRIBE:
	case ENG_JOB_UNSUBSCRIBE:
		r = imap_mailbox_subscribe(w->s, raw,
		    j->kind == ENG_JOB_SUBSCRIBE, err);
		break;
	default:
		r = pt_error_set(err, PT_E_INTERNAL, 0, _("unknown job"));
		break;
	}
	free(raw);
	free(raw2);
	if (r == 0) {
		/* The next lookup must see the change. */
		imap_mbox_list_free(&w->mboxes, w->nmboxes);
		w->nmboxes = 0;
		eng_worker_apply(w, t);
	}
	return r;
}
