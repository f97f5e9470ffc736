/*
 * Changing messages: STORE flags, COPY, MOVE (or its COPY + \Deleted +
 * UID EXPUNGE fallback), EXPUNGE, APPEND, and server-side SEARCH.
 */
#include "config.h"

#include <libetpan/libetpan.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "petrel/core.h"
#include "petrel/imap.h"
#include "petrel/store.h"

#include "ext.h"
#include "private.h"

static uint32_t imap_first_uid(struct mailimap_set *);
static int imap_transfer(struct imap_session *, const struct imap_uidset *,
    const char *, int, uint32_t *, struct pt_error *);
static struct mailimap_search_key *imap_sk(int);
static struct mailimap_date *imap_sk_date(int64_t);

#define IMAP_SETTABLE                                                          \
	(STORE_F_SEEN | STORE_F_ANSWERED | STORE_F_FLAGGED | STORE_F_DELETED | \
	    STORE_F_DRAFT | STORE_F_FORWARDED | STORE_F_JUNK |                 \
	    STORE_F_NOTJUNK)

int
imap_store_flags(struct imap_session *s, const struct imap_uidset *us, int sign,
    uint32_t flags, struct pt_error *err)
{
	struct mailimap_store_att_flags *sa;
	struct mailimap_set *set;
	struct mailimap_flag_list *fl;
	int r;

	flags &= IMAP_SETTABLE;
	if (flags == 0)
		return 0;
	set = imap_ext_set(us);
	if (set == NULL)
		return 0;
	fl = imap_ext_flag_list(flags);
	/* Not silent: the new flags come back as FETCH updates. */
	sa = sign > 0 ? mailimap_store_att_flags_new_add_flags(fl)
		      : mailimap_store_att_flags_new_remove_flags(fl);
	if (sa == NULL)
		pt_fatal("out of memory");
	imap_ext_begin(s);
	r = mailimap_uid_store(s->imap, set, sa);
	mailimap_store_att_flags_free(sa);
	mailimap_set_free(set);
	return imap_ext_end(s, r, _("changing the flags"), err);
}

static uint32_t
imap_first_uid(struct mailimap_set *set)
{
	struct mailimap_set_item *si;

	if (set == NULL || set->set_list == NULL ||
	    clist_begin(set->set_list) == NULL)
		return 0;
	si = clist_content(clist_begin(set->set_list));
	return si->set_first;
}

/* UID COPY or UID MOVE of us to dest; with UIDPLUS, the first new UID. */
static int
imap_transfer(struct imap_session *s, const struct imap_uidset *us,
    const char *dest, int move, uint32_t *newuid, struct pt_error *err)
{
	struct mailimap_set *set, *src = NULL, *dst = NULL;
	uint32_t uv = 0;
	int r;

	set = imap_ext_set(us);
	if (set == NULL)
		return 0;
	imap_ext_begin(s);
	if (imap_session_features(s) & IMAP_CAP_UIDPLUS)
		r = move ? mailimap_uidplus_uid_move(s->imap, set, dest, &uv,
			       &src, &dst)
			 : mailimap_uidplus_uid_copy(s->imap, set, dest, &uv,
			       &src, &dst);
	else
		r = move ? mailimap_uid_move(s->imap, set, dest)
			 : mailimap_uid_copy(s->imap, set, dest);
	mailimap_set_free(set);
	if (imap_ext_end(s, r,
		move ? _("moving the messages") : _("copying the messages"),
		err) == -1)
		return -1;
	if (newuid != NULL)
		*newuid = imap_first_uid(dst);
	if (src != NULL)
		mailimap_set_free(src);
	if (dst != NULL)
		mailimap_set_free(dst);
	return 0;
}

int
imap_copy(struct imap_session *s, const struct imap_uidset *us,
    const char *dest, uint32_t *newuid, struct pt_error *err)
{
	if (newuid != NULL)
		*newuid = 0;
	if (!imap_ext_clean(dest) || *dest == '\0')
		return imap_ext_unclean(err, _("the folder name"));
	return imap_transfer(s, us, dest, 0, newuid, err);
}

int
imap_move(struct imap_session *s, const struct imap_uidset *us,
    const char *dest, uint32_t *newuid, struct pt_error *err)
{
	if (newuid != NULL)
		*newuid = 0;
	if (!imap_ext_clean(dest) || *dest == '\0')
		return imap_ext_unclean(err, _("the folder name"));
	if (!(imap_session_features(s) & IMAP_CAP_MOVE)) {
		if (imap_copy(s, us, dest, newuid, err) == -1 ||
		    imap_store_flags(s, us, 1, STORE_F_DELETED, err) == -1)
			return -1;
		/* Without UIDPLUS this also expunges other \Deleted ones. */
		return imap_expunge(s,
		    (imap_session_features(s) & IMAP_CAP_UIDPLUS) ? us : NULL,
		    err);
	}
	return imap_transfer(s, us, dest, 1, newuid, err);
}

int
imap_expunge(struct imap_session *s, const struct imap_uidset *us,
    struct pt_error *err)
{
	struct mailimap_set *set = NULL;
	int r;

	imap_ext_begin(s);
	if (us != NULL && (imap_session_features(s) & IMAP_CAP_UIDPLUS)) {
		set = imap_ext_set(us);
		if (set == NULL)
			return 0;
		r = mailimap_uid_expunge(s->imap, set);
		mailimap_set_free(set);
	} else
		r = mailimap_expunge(s->imap);
	return imap_ext_end(s, r, _("removing deleted messages"), err);
}

int
imap_append(struct imap_session *s, const char *mb, uint32_t flags,
    int64_t date, const char *data, size_t len, uint32_t *newuid,
    struct pt_error *err)
{
	struct mailimap_flag_list *fl;
	struct mailimap_date_time *dt;
	uint32_t uv = 0, uid = 0;
	struct tm tm;
	time_t t;
	int r;

	if (newuid != NULL)
		*newuid = 0;
	if (!imap_ext_clean(mb) || *mb == '\0')
		return imap_ext_unclean(err, _("the folder name"));
	if (len == 0 || memchr(data, '\0', len) != NULL)
		return pt_error_set(err, PT_E_INTERNAL, 0,
		    _("the message to store is empty or contains NUL bytes"));
	if (len > UINT32_MAX)
		return pt_error_set(err, PT_E_INTERNAL, 0,
		    _("the message to store is too large"));
	t = date > 0 ? (time_t)date : time(NULL);
	if (gmtime_r(&t, &tm) == NULL)
		return pt_error_set(err, PT_E_INTERNAL, 0, _("bad date"));
	dt = mailimap_date_time_new(tm.tm_mday, tm.tm_mon + 1,
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, 0);
	fl = imap_ext_flag_list(flags & IMAP_SETTABLE);
	if (dt == NULL)
		pt_fatal("out of memory");
	imap_ext_begin(s);
	if (imap_session_features(s) & IMAP_CAP_UIDPLUS)
		r = mailimap_uidplus_append(s->imap, mb, fl, dt, data, len, &uv,
		    &uid);
	else
		r = mailimap_append(s->imap, mb, fl, dt, data, len);
	mailimap_flag_list_free(fl);
	mailimap_date_time_free(dt);
	if (imap_ext_end(s, r, _("storing the message"), err) == -1)
		return -1;
	if (newuid != NULL)
		*newuid = uid;
	return 0;
}

/* SEARCH. */

static struct mailimap_search_key *
imap_sk(int type)
{
	struct mailimap_search_key *k;

	k = mailimap_search_key_new(type, NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL,
	    NULL, NULL, NULL, 0, NULL, NULL, NULL);
	if (k == NULL)
		pt_fatal("out of memory");
	return k;
}

static struct mailimap_date *
imap_sk_date(int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL)
		return NULL;
	return mailimap_date_new(tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
}

int
imap_search(struct imap_session *s, const struct imap_search *q,
    uint32_t **uidsp, size_t *np, struct pt_error *err)
{
	static const struct {
		uint32_t bit;
		int on, off;
	} fk[] = {
	    {STORE_F_SEEN, MAILIMAP_SEARCH_KEY_SEEN,
		MAILIMAP_SEARCH_KEY_UNSEEN},
	    {STORE_F_ANSWERED, MAILIMAP_SEARCH_KEY_ANSWERED,
		MAILIMAP_SEARCH_KEY_UNANSWERED},
	    {STORE_F_FLAGGED, MAILIMAP_SEARCH_KEY_FLAGGED,
		MAILIMAP_SEARCH_KEY_UNFLAGGED},
	    {STORE_F_DELETED, MAILIMAP_SEARCH_KEY_DELETED,
		MAILIMAP_SEARCH_KEY_UNDELETED},
	    {STORE_F_DRAFT, MAILIMAP_SEARCH_KEY_DRAFT,
		MAILIMAP_SEARCH_KEY_UNDRAFT},
	};
	struct mailimap_search_key *all, * or = NULL;
	const char *charset = NULL;
	clist *l = NULL;
	size_t i;
	int r, nonascii = 0;

	*uidsp = NULL;
	*np = 0;
	if (q->text != NULL) {
		const unsigned char *p;

		if (!imap_ext_clean(q->text))
			return imap_ext_unclean(err, _("the search text"));
		if (!pt_utf8_valid(q->text, strlen(q->text)))
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("the search text is not valid UTF-8"));
		for (p = (const unsigned char *)q->text; *p != '\0'; p++)
			if (*p >= 0x80)
				nonascii = 1;
		charset = nonascii ? "UTF-8" : NULL;
	}
	if (q->header != NULL &&
	    (!imap_ext_clean(q->header) || q->header_value == NULL ||
		!imap_ext_clean(q->header_value)))
		return imap_ext_unclean(err, _("the search text"));
	all = mailimap_search_key_new_multiple_empty();
	if (all == NULL)
		pt_fatal("out of memory");
	if (q->header != NULL)
		mailimap_search_key_multiple_add(all,
		    mailimap_search_key_new_header(pt_xstrdup(q->header),
			pt_xstrdup(q->header_value)));
	if (q->text != NULL && *q->text != '\0') {
		static const struct {
			unsigned bit;
			struct mailimap_search_key *(*make)(char *);
		} tk[] = {{IMAP_SEARCH_FROM, mailimap_search_key_new_from},
		    {IMAP_SEARCH_TO, mailimap_search_key_new_to},
		    {IMAP_SEARCH_CC, mailimap_search_key_new_cc},
		    {IMAP_SEARCH_SUBJECT, mailimap_search_key_new_subject},
		    {IMAP_SEARCH_BODY, mailimap_search_key_new_body},
		    {IMAP_SEARCH_TEXT, mailimap_search_key_new_text}};
		unsigned where = q->where != 0 ? q->where : IMAP_SEARCH_TEXT;

		for (i = 0; i < PT_NELEM(tk); i++) {
			struct mailimap_search_key *k;

			if (!(where & tk[i].bit))
				continue;
			k = tk[i].make(pt_xstrdup(q->text));
			or = or == NULL ? k : mailimap_search_key_new_or(or, k);
		}
		mailimap_search_key_multiple_add(all, or);
	}
	for (i = 0; i < PT_NELEM(fk); i++) {
		if (q->with_flags & fk[i].bit)
			mailimap_search_key_multiple_add(all,
			    imap_sk(fk[i].on));
		if (q->without_flags & fk[i].bit)
			mailimap_search_key_multiple_add(all,
			    imap_sk(fk[i].off));
	}
	if (q->since > 0) {
		struct mailimap_date *d = imap_sk_date(q->since);

		if (d != NULL)
			mailimap_search_key_multiple_add(all,
			    mailimap_search_key_new_since(d));
	}
	if (q->before > 0) {
		struct mailimap_date *d = imap_sk_date(q->before);

		if (d != NULL)
			mailimap_search_key_multiple_add(all,
			    mailimap_search_key_new_before(d));
	}
	if (clist_count(all->sk_data.sk_multiple) == 0)
		mailimap_search_key_multiple_add(all,
		    mailimap_search_key_new_all());
	imap_ext_begin(s);
	if (nonascii && (imap_session_features(s) & IMAP_CAP_LITERALPLUS))
		r = mailimap_uid_search_literalplus(s->imap, charset, all, &l);
	else
		r = mailimap_uid_search(s->imap, charset, all, &l);
	mailimap_search_key_free(all);
	if (imap_ext_end(s, r, _("searching"), err) == -1)
		return -1;
	{
		clistiter *it;
		uint32_t *v;
		size_t n = 0;

		v = pt_xreallocarray(NULL, (size_t)clist_count(l) + 1,
		    sizeof *v);
		for (it = clist_begin(l); it != NULL; it = clist_next(it))
			v[n++] = *(uint32_t *)clist_content(it);
		mailimap_search_result_free(l);
		*uidsp = v;
		*np = n;
	}
	return 0;
}
