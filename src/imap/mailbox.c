/*
 * Mailboxes: ENABLE, LIST/LSUB with special-use attributes, STATUS,
 * SELECT with CONDSTORE, NOOP, IDLE, create/rename/delete/subscribe,
 * and the plumbing every engine-support command shares: checking
 * strings, mapping errors, and collecting what the server says unasked
 * (EXISTS, EXPUNGE, VANISHED, FETCH FLAGS, [ALERT]) into the watched
 * struct imap_updates.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <libetpan/libetpan.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "petrel/core.h"
#include "petrel/imap.h"
#include "petrel/net.h"
#include "petrel/store.h"

#include "ext.h"
#include "private.h"

static uint32_t imap_ext_flag_bit(const struct mailimap_flag *);
static void imap_ext_msg_att(struct mailimap_msg_att *, void *);
static void imap_ext_items(size_t, size_t, void *);
static void imap_updates_add_vanished(struct imap_updates *,
    struct mailimap_set *);
static void *imap_grow(void *, size_t *, size_t, size_t);
static unsigned imap_mbox_attrs(struct mailimap_mbx_list_flags *);
static int imap_mbox_cmp(const void *, const void *);
static int imap_select_mode(struct imap_session *, const char *, int,
    struct imap_selected *, struct pt_error *);

/* Plumbing. */

int
imap_ext_clean(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") == NULL;
}

int
imap_ext_unclean(struct pt_error *err, const char *what)
{
	return pt_error_set(err, PT_E_CONFIG, 0,
	    _("%s contains a line break or is missing"), what);
}

int
imap_session_dead(const struct imap_session *s)
{
	return s->broken || s->imap->imap_stream == NULL ||
	       s->link.status.class != PT_OK;
}

int
imap_ext_fail(struct imap_session *s, int r, const char *what,
    struct pt_error *err)
{
	int soft;

	soft = s->link.status.class == PT_OK && r != MAILIMAP_ERROR_STREAM &&
	       r != MAILIMAP_ERROR_PARSE && r != MAILIMAP_ERROR_PROTOCOL &&
	       r != MAILIMAP_ERROR_FATAL && r != MAILIMAP_ERROR_MEMORY &&
	       r != MAILIMAP_ERROR_BAD_STATE &&
	       r != MAILIMAP_ERROR_CONNECTION_REFUSED;
	imap_ext_collect(s);
	imap_error(s, r, what, err);
	if (soft)
		s->broken = 0;
	return -1;
}

struct imap_updates *
imap_ext_updates(struct imap_session *s)
{
	if (s->imap->imap_msg_att_handler != imap_ext_msg_att)
		return NULL;
	return s->imap->imap_msg_att_handler_context;
}

void
imap_budget_set(struct imap_session *s, size_t max)
{
	s->budget = max;
	net_stream_budget(s->imap->imap_stream, max);
}

void
imap_ext_begin(struct imap_session *s)
{
	if (s->imap->imap_selection_info != NULL)
		s->imap->imap_selection_info->sel_has_exists = 0;
	imap_budget_set(s, IMAP_BUDGET_RESPONSE);
}

static void *
imap_grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 16;
	return pt_xreallocarray(v, *cap, size);
}

static void
imap_updates_add_vanished(struct imap_updates *u, struct mailimap_set *set)
{
	clistiter *it;

	if (set == NULL)
		return;
	for (it = clist_begin(set->set_list); it != NULL; it = clist_next(it)) {
		struct mailimap_set_item *si = clist_content(it);
		uint32_t a = si->set_first, b = si->set_last, x;

		if (a == 0 || b == 0) /* "*" cannot be vanished */
			continue;
		if (a > b) {
			x = a;
			a = b;
			b = x;
		}
		/* Guard against a hostile "1:4294967295". */
		if (b - a > 10000000u)
			continue;
		for (x = a;; x++) {
			u->vanished = imap_grow(u->vanished, &u->capvanished,
			    u->nvanished, sizeof *u->vanished);
			u->vanished[u->nvanished++] = x;
			if (x == b)
				break;
		}
	}
}

void
imap_ext_collect(struct imap_session *s)
{
	struct mailimap_response_info *ri = s->imap->imap_response_info;
	struct imap_updates *u = imap_ext_updates(s);
	clistiter *it;

	if (u == NULL || ri == NULL)
		return;
	if (ri->rsp_expunged != NULL)
		for (it = clist_begin(ri->rsp_expunged); it != NULL;
		     it = clist_next(it)) {
			uint32_t *n = clist_content(it);

			u->expunged = imap_grow(u->expunged, &u->capexpunged,
			    u->nexpunged, sizeof *u->expunged);
			u->expunged[u->nexpunged++] = *n;
		}
	if (ri->rsp_extension_list != NULL)
		for (it = clist_begin(ri->rsp_extension_list); it != NULL;
		     it = clist_next(it)) {
			struct mailimap_extension_data *ed = clist_content(it);

			if (ed == NULL || ed->ext_data == NULL)
				continue;
			if (ed->ext_extension->ext_id ==
				MAILIMAP_EXTENSION_QRESYNC &&
			    ed->ext_type == MAILIMAP_QRESYNC_TYPE_VANISHED) {
				struct mailimap_qresync_vanished *v =
				    ed->ext_data;

				imap_updates_add_vanished(u, v->qr_known_uids);
			} else if (ed->ext_extension->ext_id ==
				       MAILIMAP_EXTENSION_CONDSTORE &&
				   ed->ext_type ==
				       MAILIMAP_CONDSTORE_TYPE_RESP_TEXT_CODE) {
				struct mailimap_condstore_resptextcode *rc =
				    ed->ext_data;

				if (rc->cs_type ==
				    MAILIMAP_CONDSTORE_RESPTEXTCODE_HIGHESTMODSEQ)
					u->highestmodseq =
					    rc->cs_data.cs_modseq_value;
			}
		}
	/*
	 * Clear the list so that a later collect (of the same response)
	 * does not count it twice.
	 */
	if (ri->rsp_expunged != NULL)
		while ((it = clist_begin(ri->rsp_expunged)) != NULL) {
			mailimap_number_alloc_free(clist_content(it));
			clist_delete(ri->rsp_expunged, it);
		}
	if (ri->rsp_extension_list != NULL)
		while ((it = clist_begin(ri->rsp_extension_list)) != NULL) {
			mailimap_extension_data_free(clist_content(it));
			clist_delete(ri->rsp_extension_list, it);
		}
	if (s->imap->imap_selection_info != NULL &&
	    s->imap->imap_selection_info->sel_has_exists) {
		u->exists_seen = 1;
		u->exists = s->imap->imap_selection_info->sel_exists;
		s->imap->imap_selection_info->sel_has_exists = 0;
	}
	if (ri->rsp_alert != NULL && ri->rsp_alert[0] != '\0') {
		char *t =
		    pt_sanitize_line(ri->rsp_alert, strlen(ri->rsp_alert));

		pt_strlcpy(u->alert, t, sizeof u->alert);
		free(t);
		free(ri->rsp_alert);
		ri->rsp_alert = NULL;
	}
}

/* A libetpan date-time to UTC seconds. */
int64_t
imap_ext_days(int y, int m, int d)
{
	/* Howard Hinnant's days_from_civil. */
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t
imap_ext_time(const struct mailimap_date_time *dt)
{
	int64_t t;
	int zone, zs;

	if (dt == NULL || dt->dt_month < 1 || dt->dt_month > 12)
		return 0;
	t = imap_ext_days(dt->dt_year, dt->dt_month, dt->dt_day) * 86400 +
	    dt->dt_hour * 3600 + dt->dt_min * 60 + dt->dt_sec;
	zone = dt->dt_zone;
	zs = zone < 0 ? -1 : 1;
	zone *= zs;
	t -= zs * ((zone / 100) * 3600 + (zone % 100) * 60);
	return t;
}

static uint32_t
imap_ext_flag_bit(const struct mailimap_flag *x)
{
	const char *kw;

	switch (x->fl_type) {
	case MAILIMAP_FLAG_ANSWERED:
		return STORE_F_ANSWERED;
	case MAILIMAP_FLAG_FLAGGED:
		return STORE_F_FLAGGED;
	case MAILIMAP_FLAG_DELETED:
		return STORE_F_DELETED;
	case MAILIMAP_FLAG_SEEN:
		return STORE_F_SEEN;
	case MAILIMAP_FLAG_DRAFT:
		return STORE_F_DRAFT;
	case MAILIMAP_FLAG_KEYWORD:
		kw = x->fl_data.fl_keyword;
		if (kw == NULL)
			return 0;
		if (strcasecmp(kw, "$Forwarded") == 0)
			return STORE_F_FORWARDED;
		if (strcasecmp(kw, "$Junk") == 0)
			return STORE_F_JUNK;
		if (strcasecmp(kw, "$NotJunk") == 0)
			return STORE_F_NOTJUNK;
		return 0;
	default:
		return 0;
	}
}

uint32_t
imap_ext_flags(struct mailimap_flag_list *fl)
{
	clistiter *it;
	uint32_t f = 0;

	if (fl == NULL || fl->fl_list == NULL)
		return 0;
	for (it = clist_begin(fl->fl_list); it != NULL; it = clist_next(it))
		f |= imap_ext_flag_bit(clist_content(it));
	return f;
}

struct mailimap_flag_list *
imap_ext_flag_list(uint32_t f)
{
	struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
	static const struct {
		uint32_t bit;
		const char *kw;
	} kws[] = {{STORE_F_FORWARDED, "$Forwarded"}, {STORE_F_JUNK, "$Junk"},
	    {STORE_F_NOTJUNK, "$NotJunk"}};
	size_t i;

	if (fl == NULL)
		pt_fatal("out of memory");
	if (f & STORE_F_SEEN)
		mailimap_flag_list_add(fl, mailimap_flag_new_seen());
	if (f & STORE_F_ANSWERED)
		mailimap_flag_list_add(fl, mailimap_flag_new_answered());
	if (f & STORE_F_FLAGGED)
		mailimap_flag_list_add(fl, mailimap_flag_new_flagged());
	if (f & STORE_F_DELETED)
		mailimap_flag_list_add(fl, mailimap_flag_new_deleted());
	if (f & STORE_F_DRAFT)
		mailimap_flag_list_add(fl, mailimap_flag_new_draft());
	for (i = 0; i < PT_NELEM(kws); i++)
		if (f & kws[i].bit)
			mailimap_flag_list_add(fl,
			    mailimap_flag_new_flag_keyword(
				pt_xstrdup(kws[i].kw)));
	return fl;
}

struct mailimap_set *
imap_ext_set(const struct imap_uidset *us)
{
	struct mailimap_set *set;
	size_t i, j;

	if (us->uids == NULL)
		return mailimap_set_new_interval(us->lo, us->hi);
	if (us->n == 0)
		return NULL;
	set = mailimap_set_new_empty();
	if (set == NULL)
		return NULL;
	for (i = 0; i < us->n; i = j) {
		for (j = i + 1; j < us->n && us->uids[j] == us->uids[j - 1] + 1;
		     j++)
			;
		if (mailimap_set_add_interval(set, us->uids[i],
			us->uids[j - 1]) != MAILIMAP_NO_ERROR) {
			mailimap_set_free(set);
			return NULL;
		}
	}
	return set;
}

/* The per-message handler: every FETCH response passes here. */
static void
imap_ext_msg_att(struct mailimap_msg_att *att, void *ctx)
{
	struct imap_updates *u = ctx;
	struct imap_msg m;
	clistiter *it;

	memset(&m, 0, sizeof m);
	m.seq = att->att_number;
	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);

		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC) {
			clistiter *f;

			m.has_flags = 1;
			if (item->att_data.att_dyn == NULL ||
			    item->att_data.att_dyn->att_list == NULL)
				continue;
			for (f = clist_begin(item->att_data.att_dyn->att_list);
			     f != NULL; f = clist_next(f)) {
				struct mailimap_flag_fetch *ff =
				    clist_content(f);

				if (ff->fl_type == MAILIMAP_FLAG_FETCH_RECENT)
					m.flags |= STORE_F_RECENT;
				else if (ff->fl_flag != NULL)
					m.flags |=
					    imap_ext_flag_bit(ff->fl_flag);
			}
		} else if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC) {
			struct mailimap_msg_att_static *st =
			    item->att_data.att_static;

			switch (st->att_type) {
			case MAILIMAP_MSG_ATT_UID:
				m.uid = st->att_data.att_uid;
				break;
			case MAILIMAP_MSG_ATT_INTERNALDATE:
				m.internaldate = imap_ext_time(
				    st->att_data.att_internal_date);
				break;
			case MAILIMAP_MSG_ATT_RFC822_SIZE:
				m.size = st->att_data.att_rfc822_size;
				break;
			case MAILIMAP_MSG_ATT_BODY_SECTION:
				if (st->att_data.att_body_section != NULL &&
				    st->att_data.att_body_section
					    ->sec_body_part != NULL) {
					m.header =
					    st->att_data.att_body_section
						->sec_body_part;
					m.headerlen =
					    st->att_data.att_body_section
						->sec_length;
				} else {
					m.header = "";
				}
				break;
			default:
				break;
			}
		} else if (item->att_type == MAILIMAP_MSG_ATT_ITEM_EXTENSION) {
			struct mailimap_extension_data *ed =
			    item->att_data.att_extension_data;

			if (ed != NULL && ed->ext_data != NULL &&
			    ed->ext_extension->ext_id ==
				MAILIMAP_EXTENSION_CONDSTORE &&
			    ed->ext_type ==
				MAILIMAP_CONDSTORE_TYPE_FETCH_DATA) {
				struct mailimap_condstore_fetch_mod_resp *mr =
				    ed->ext_data;

				m.modseq = mr->cs_modseq_value;
			}
		}
	}
	if (u->fetch_fn != NULL) {
		if (!u->fetch_stop && u->fetch_fn(u->fetch_arg, &m) == -1)
			u->fetch_stop = 1;
		return;
	}
	if (m.has_flags)
		imap_updates_add_flags(u, &m);
}

void
imap_updates_add_flags(struct imap_updates *u, const struct imap_msg *m)
{
	struct imap_flag_update *fu;

	u->flags =
	    imap_grow(u->flags, &u->capflags, u->nflags, sizeof *u->flags);
	fu = &u->flags[u->nflags++];
	fu->seq = m->seq;
	fu->uid = m->uid;
	fu->flags = m->flags;
	fu->modseq = m->modseq;
}

static void
imap_ext_items(size_t cur, size_t total, void *ctx)
{
	struct imap_session *s = ctx;

	(void)cur;
	(void)total;
	/* One FETCH response was read: the next one has a fresh budget. */
	net_stream_budget(s->imap->imap_stream, s->budget);
}

void
imap_ext_fetch_begin(struct imap_session *s, struct imap_ext_fetch *f,
    imap_msg_fn fn, void *arg)
{
	f->u = imap_ext_updates(s);
	f->watched = f->u != NULL;
	if (!f->watched) {
		imap_updates_init(&f->tmp);
		f->u = &f->tmp;
		imap_session_watch(s, f->u);
	}
	f->u->fetch_fn = fn;
	f->u->fetch_arg = arg;
	f->u->fetch_stop = 0;
	imap_ext_begin(s);
}

int
imap_ext_end(struct imap_session *s, int r, const char *what,
    struct pt_error *err)
{
	if (r != MAILIMAP_NO_ERROR)
		return imap_ext_fail(s, r, what, err);
	imap_ext_collect(s);
	return 0;
}

int
imap_ext_fetch_end(struct imap_session *s, struct imap_ext_fetch *f)
{
	int stop = f->u->fetch_stop;

	imap_ext_collect(s);
	f->u->fetch_fn = NULL;
	f->u->fetch_arg = NULL;
	f->u->fetch_stop = 0;
	if (!f->watched) {
		imap_session_watch(s, NULL);
		imap_updates_release(&f->tmp);
	}
	return stop ? -1 : 0;
}

/* Updates. */

void
imap_updates_init(struct imap_updates *u)
{
	memset(u, 0, sizeof *u);
}

void
imap_updates_reset(struct imap_updates *u)
{
	u->exists_seen = 0;
	u->exists = 0;
	u->nexpunged = 0;
	u->nvanished = 0;
	u->nflags = 0;
	u->highestmodseq = 0;
	u->alert[0] = '\0';
}

void
imap_updates_release(struct imap_updates *u)
{
	free(u->expunged);
	free(u->vanished);
	free(u->flags);
	imap_updates_init(u);
}

int
imap_updates_empty(const struct imap_updates *u)
{
	return !u->exists_seen && u->nexpunged == 0 && u->nvanished == 0 &&
	       u->nflags == 0 && u->alert[0] == '\0';
}

void
imap_session_watch(struct imap_session *s, struct imap_updates *u)
{
	if (u == NULL) {
		mailimap_set_msg_att_handler(s->imap, NULL, NULL);
		mailimap_set_progress_callback(s->imap, NULL, NULL, NULL);
		return;
	}
	/* The handler is ignored without a progress callback. */
	mailimap_set_progress_callback(s->imap, NULL, imap_ext_items, s);
	mailimap_set_msg_att_handler(s->imap, imap_ext_msg_att, u);
}

/* Capabilities and ENABLE. */

unsigned
imap_session_features(const struct imap_session *s)
{
	unsigned f = 0;
	mailimap *m = s->imap;

	if (mailimap_has_extension(m, "CONDSTORE"))
		f |= IMAP_CAP_CONDSTORE;
	if (mailimap_has_extension(m, "MOVE"))
		f |= IMAP_CAP_MOVE;
	if (mailimap_has_extension(m, "UIDPLUS"))
		f |= IMAP_CAP_UIDPLUS;
	if (mailimap_has_extension(m, "IDLE"))
		f |= IMAP_CAP_IDLE;
	if (mailimap_has_extension(m, "LITERAL+"))
		f |= IMAP_CAP_LITERALPLUS;
	if (mailimap_has_extension(m, "SPECIAL-USE"))
		f |= IMAP_CAP_SPECIALUSE;
	if (mailimap_has_extension(m, "UNSELECT"))
		f |= IMAP_CAP_UNSELECT;
	if (s->qresync_enabled)
		f |= IMAP_CAP_QRESYNC | IMAP_CAP_CONDSTORE;
	return f;
}

int
imap_session_enable(struct imap_session *s, struct pt_error *err)
{
	struct mailimap_capability_data *want, *got = NULL;
	int r;

	if (imap_session_capabilities(s, err) == -1)
		return -1;
	s->qresync_enabled = 0;
	if (!mailimap_has_extension(s->imap, "QRESYNC") ||
	    !mailimap_has_extension(s->imap, "ENABLE"))
		return 0;
	want = mailimap_capability_data_new(clist_new());
	if (want == NULL || want->cap_list == NULL) {
		pt_fatal("out of memory");
		return -1; /* not reached */
	}
	clist_append(want->cap_list,
	    mailimap_capability_new(MAILIMAP_CAPABILITY_NAME, NULL,
		pt_xstrdup("QRESYNC")));
	clist_append(want->cap_list,
	    mailimap_capability_new(MAILIMAP_CAPABILITY_NAME, NULL,
		pt_xstrdup("CONDSTORE")));
	imap_ext_begin(s);
	r = mailimap_enable(s->imap, want, &got);
	mailimap_capability_data_free(want);
	if (imap_ext_end(s, r, _("ENABLE"), err) == -1)
		return -1;
	if (got != NULL) {
		clistiter *it;

		for (it = clist_begin(got->cap_list); it != NULL;
		     it = clist_next(it)) {
			struct mailimap_capability *c = clist_content(it);

			if (c->cap_type == MAILIMAP_CAPABILITY_NAME &&
			    c->cap_data.cap_name != NULL &&
			    strcasecmp(c->cap_data.cap_name, "QRESYNC") == 0)
				s->qresync_enabled = 1;
		}
		mailimap_capability_data_free(got);
	}
	return 0;
}

/* LIST. */

static unsigned
imap_mbox_attrs(struct mailimap_mbx_list_flags *fl)
{
	static const struct {
		const char *name;
		unsigned bit;
	} ext[] = {{"HasChildren", IMAP_MBX_HASCHILDREN},
	    {"HasNoChildren", IMAP_MBX_NOCHILDREN},
	    {"NonExistent", IMAP_MBX_NONEXISTENT},
	    {"Subscribed", IMAP_MBX_SUBSCRIBED}, {"Sent", IMAP_MBX_SENT},
	    {"Drafts", IMAP_MBX_DRAFTS}, {"Trash", IMAP_MBX_TRASH},
	    {"Junk", IMAP_MBX_JUNK}, {"Spam", IMAP_MBX_JUNK},
	    {"Archive", IMAP_MBX_ARCHIVE}, {"All", IMAP_MBX_ALL},
	    {"AllMail", IMAP_MBX_ALL}, {"Flagged", IMAP_MBX_FLAGGED},
	    {"Starred", IMAP_MBX_FLAGGED}};
	unsigned a = 0;
	clistiter *it;
	size_t i;

	if (fl == NULL)
		return 0;
	if (fl->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
	    fl->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT)
		a |= IMAP_MBX_NOSELECT;
	if (fl->mbf_oflags == NULL)
		return a;
	for (it = clist_begin(fl->mbf_oflags); it != NULL;
	     it = clist_next(it)) {
		struct mailimap_mbx_list_oflag *of = clist_content(it);
		const char *n;

		if (of->of_type == MAILIMAP_MBX_LIST_OFLAG_NOINFERIORS) {
			a |= IMAP_MBX_NOINFERIORS;
			continue;
		}
		n = of->of_flag_ext;
		if (n == NULL)
			continue;
		if (strcasecmp(n, "Noselect") == 0) {
			a |= IMAP_MBX_NOSELECT;
			continue;
		}
		for (i = 0; i < PT_NELEM(ext); i++)
			if (strcasecmp(n, ext[i].name) == 0)
				a |= ext[i].bit;
	}
	return a;
}

static int
imap_mbox_cmp(const void *a, const void *b)
{
	return strcmp(((const struct imap_mbox *)a)->name,
	    ((const struct imap_mbox *)b)->name);
}

int
imap_list(struct imap_session *s, struct imap_mbox **vp, size_t *np,
    struct pt_error *err)
{
	clist *list = NULL, *lsub = NULL;
	struct imap_mbox *v = NULL, key;
	size_t n = 0, cap = 0;
	clistiter *it;
	int r;

	*vp = NULL;
	*np = 0;
	imap_ext_begin(s);
	r = mailimap_list(s->imap, "", "*", &list);
	if (imap_ext_end(s, r, _("listing the folders"), err) == -1)
		return -1;
	for (it = clist_begin(list); it != NULL; it = clist_next(it)) {
		struct mailimap_mailbox_list *ml = clist_content(it);
		struct imap_mbox *m;

		if (ml->mb_name == NULL || !imap_ext_clean(ml->mb_name))
			continue;
		v = imap_grow(v, &cap, n, sizeof *v);
		m = &v[n++];
		m->name = pt_xstrdup(ml->mb_name);
		if (strcasecmp(m->name, "INBOX") == 0) {
			free(m->name);
			m->name = pt_xstrdup("INBOX");
		}
		m->uname = imap_mutf7_decode(m->name);
		if (m->uname == NULL) /* a server that sends UTF-8 */
			m->uname = pt_sanitize_line(m->name, strlen(m->name));
		m->delim = ml->mb_delimiter;
		m->attrs = imap_mbox_attrs(ml->mb_flag);
	}
	mailimap_list_result_free(list);
	if (n > 1)
		qsort(v, n, sizeof *v, imap_mbox_cmp);
	imap_ext_begin(s);
	r = mailimap_lsub(s->imap, "", "*", &lsub);
	if (r != MAILIMAP_NO_ERROR) {
		if (imap_session_dead(s) || r == MAILIMAP_ERROR_PARSE ||
		    r == MAILIMAP_ERROR_STREAM) {
			imap_mbox_list_free(&v, n);
			return imap_ext_fail(s, r, _("listing the folders"),
			    err);
		}
	} else {
		imap_ext_collect(s);
		for (it = clist_begin(lsub); it != NULL; it = clist_next(it)) {
			struct mailimap_mailbox_list *ml = clist_content(it);
			static char inbox[] = "INBOX";
			struct imap_mbox *hit;

			if (ml->mb_name == NULL || n == 0)
				continue;
			key.name = strcasecmp(ml->mb_name, "INBOX") == 0
				       ? inbox
				       : ml->mb_name;
			hit = bsearch(&key, v, n, sizeof *v, imap_mbox_cmp);
			if (hit != NULL)
				hit->attrs |= IMAP_MBX_SUBSCRIBED;
		}
		mailimap_list_result_free(lsub);
	}
	*vp = v;
	*np = n;
	return 0;
}

void
imap_mbox_list_free(struct imap_mbox **vp, size_t n)
{
	size_t i;

	if (vp == NULL || *vp == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((*vp)[i].name);
		free((*vp)[i].uname);
	}
	free(*vp);
	*vp = NULL;
}

/* STATUS and the other mailbox commands. */

int
imap_status(struct imap_session *s, const char *mb, struct imap_status *st,
    struct pt_error *err)
{
	struct mailimap_status_att_list *al;
	struct mailimap_mailbox_data_status *res = NULL;
	int r;

	memset(st, 0, sizeof *st);
	if (!imap_ext_clean(mb))
		return imap_ext_unclean(err, _("the folder name"));
	al = mailimap_status_att_list_new_empty();
	if (al == NULL)
		pt_fatal("out of memory");
	mailimap_status_att_list_add(al, MAILIMAP_STATUS_ATT_MESSAGES);
	mailimap_status_att_list_add(al, MAILIMAP_STATUS_ATT_UNSEEN);
	mailimap_status_att_list_add(al, MAILIMAP_STATUS_ATT_RECENT);
	mailimap_status_att_list_add(al, MAILIMAP_STATUS_ATT_UIDNEXT);
	mailimap_status_att_list_add(al, MAILIMAP_STATUS_ATT_UIDVALIDITY);
	imap_ext_begin(s);
	r = mailimap_status(s->imap, mb, al, &res);
	mailimap_status_att_list_free(al);
	if (imap_ext_end(s, r, _("asking for the folder's status"), err) == -1)
		return -1;
	if (res != NULL && res->st_info_list != NULL) {
		clistiter *it;

		for (it = clist_begin(res->st_info_list); it != NULL;
		     it = clist_next(it)) {
			struct mailimap_status_info *si = clist_content(it);

			switch (si->st_att) {
			case MAILIMAP_STATUS_ATT_MESSAGES:
				st->messages = si->st_value;
				break;
			case MAILIMAP_STATUS_ATT_UNSEEN:
				st->unseen = si->st_value;
				break;
			case MAILIMAP_STATUS_ATT_RECENT:
				st->recent = si->st_value;
				break;
			case MAILIMAP_STATUS_ATT_UIDNEXT:
				st->uidnext = si->st_value;
				break;
			case MAILIMAP_STATUS_ATT_UIDVALIDITY:
				st->uidvalidity = si->st_value;
				break;
			default:
				break;
			}
		}
	}
	if (res != NULL)
		mailimap_mailbox_data_status_free(res);
	return 0;
}

int
imap_mailbox_create(struct imap_session *s, const char *mb,
    struct pt_error *err)
{
	int r;

	if (!imap_ext_clean(mb) || *mb == '\0')
		return imap_ext_unclean(err, _("the folder name"));
	imap_ext_begin(s);
	r = mailimap_create(s->imap, mb);
	return imap_ext_end(s, r, _("creating the folder"), err);
}

int
imap_mailbox_delete(struct imap_session *s, const char *mb,
    struct pt_error *err)
{
	int r;

	if (!imap_ext_clean(mb) || *mb == '\0')
		return imap_ext_unclean(err, _("the folder name"));
	imap_ext_begin(s);
	r = mailimap_delete(s->imap, mb);
	return imap_ext_end(s, r, _("deleting the folder"), err);
}

int
imap_mailbox_rename(struct imap_session *s, const char *from, const char *to,
    struct pt_error *err)
{
	int r;

	if (!imap_ext_clean(from) || !imap_ext_clean(to) || *to == '\0')
		return imap_ext_unclean(err, _("the folder name"));
	imap_ext_begin(s);
	r = mailimap_rename(s->imap, from, to);
	return imap_ext_end(s, r, _("renaming the folder"), err);
}

int
imap_mailbox_subscribe(struct imap_session *s, const char *mb, int on,
    struct pt_error *err)
{
	int r;

	if (!imap_ext_clean(mb) || *mb == '\0')
		return imap_ext_unclean(err, _("the folder name"));
	imap_ext_begin(s);
	r = on ? mailimap_subscribe(s->imap, mb)
	       : mailimap_unsubscribe(s->imap, mb);
	return imap_ext_end(s, r,
	    on ? _("subscribing to the folder")
	       : _("unsubscribing from the folder"),
	    err);
}

/* SELECT, NOOP, UNSELECT. */

int
imap_select(struct imap_session *s, const char *mb, struct imap_selected *sel,
    struct pt_error *err)
{
	return imap_select_mode(s, mb, 0, sel, err);
}

int
imap_examine(struct imap_session *s, const char *mb, struct imap_selected *sel,
    struct pt_error *err)
{
	return imap_select_mode(s, mb, 1, sel, err);
}

static int
imap_select_mode(struct imap_session *s, const char *mb, int ro,
    struct imap_selected *sel, struct pt_error *err)
{
	struct mailimap_selection_info *si;
	int cs = (imap_session_features(s) & IMAP_CAP_CONDSTORE) != 0;
	uint64_t hms = 0;
	int r;

	memset(sel, 0, sizeof *sel);
	if (!imap_ext_clean(mb) || *mb == '\0')
		return imap_ext_unclean(err, _("the folder name"));
	imap_ext_begin(s);
	if (ro)
		r = cs ? mailimap_examine_condstore(s->imap, mb, &hms)
		       : mailimap_examine(s->imap, mb);
	else
		r = cs ? mailimap_select_condstore(s->imap, mb, &hms)
		       : mailimap_select(s->imap, mb);
	if (r != MAILIMAP_NO_ERROR)
		return imap_ext_fail(s, r, _("opening the folder"), err);
	si = s->imap->imap_selection_info;
	if (si != NULL) {
		sel->uidvalidity = si->sel_uidvalidity;
		sel->uidnext = si->sel_uidnext;
		sel->exists = si->sel_exists;
		sel->readonly = si->sel_perm == MAILIMAP_MAILBOX_READONLY;
		si->sel_has_exists = 0;
	}
	sel->highestmodseq = hms;
	/* What came with SELECT is the state, not news. */
	if (imap_ext_updates(s) != NULL) {
		struct imap_updates *u = imap_ext_updates(s);

		imap_ext_collect(s);
		imap_updates_reset(u);
	}
	return 0;
}

int
imap_unselect(struct imap_session *s, struct pt_error *err)
{
	int r;

	if (s->imap->imap_state != MAILIMAP_STATE_SELECTED)
		return 0;
	if (!mailimap_has_extension(s->imap, "UNSELECT"))
		return 0;
	imap_ext_begin(s);
	r = mailimap_custom_command(s->imap, "UNSELECT");
	if (imap_ext_end(s, r, _("closing the folder"), err) == -1)
		return -1;
	s->imap->imap_state = MAILIMAP_STATE_AUTHENTICATED;
	return 0;
}

int
imap_noop(struct imap_session *s, struct pt_error *err)
{
	int r;

	imap_ext_begin(s);
	r = mailimap_noop(s->imap);
	return imap_ext_end(s, r, _("checking for news"), err);
}

/* IDLE. */

int
imap_idle_start(struct imap_session *s, struct pt_error *err)
{
	int r;

	/* Drain pending news first: libetpan 1.9.4 cannot take untagged
	 * data before "+ idling" (LIBETPAN.md section 6). */
	if (imap_noop(s, err) == -1)
		return -1;
	imap_ext_begin(s);
	r = mailimap_idle(s->imap);
	if (r != MAILIMAP_NO_ERROR) {
		s->broken = 1; /* out of sync either way */
		return imap_ext_fail(s, r, _("waiting for news (IDLE)"), err);
	}
	return 0;
}

int
imap_idle_wait(struct imap_session *s, int wake_fd, int timeout_ms,
    struct pt_error *err)
{
	struct pollfd pfd[2];
	int fd, r;

	if (s->imap->imap_stream != NULL &&
	    (s->imap->imap_stream->read_buffer_len > 0 ||
		net_stream_pending(s->imap->imap_stream) > 0))
		return 1;
	fd = mailimap_idle_get_fd(s->imap);
	if (fd < 0) {
		s->broken = 1;
		return pt_error_set(err, PT_E_NET, 0,
		    _("the connection was lost while waiting for news"));
	}
	pfd[0].fd = fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = wake_fd;
	pfd[1].events = POLLIN;
	for (;;) {
		r = poll(pfd, wake_fd >= 0 ? 2 : 1, timeout_ms);
		if (r >= 0 || errno != EINTR)
			break;
	}
	if (r < 0) {
		s->broken = 1;
		return pt_error_set(err, PT_E_INTERNAL, errno,
		    _("waiting for news: %s"), strerror(errno));
	}
	if (r == 0)
		return 0;
	if (pfd[0].revents != 0)
		return 1;
	return 2;
}

int
imap_idle_done(struct imap_session *s, struct pt_error *err)
{
	int r;

	r = mailimap_idle_done(s->imap);
	if (r != MAILIMAP_NO_ERROR) {
		s->broken = 1;
		return imap_ext_fail(s, r, _("waiting for news (IDLE)"), err);
	}
	imap_ext_collect(s);
	return 0;
}
