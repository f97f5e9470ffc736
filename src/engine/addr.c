/*
 * addr.c: ENG_JOB_ADDRESSES, the address book's matches for a
 * completion or a query.  It reads the account's cache only (no
 * network), so it runs offline too; an account without a cache has an
 * empty book.
 */
#include "config.h"

#include <stdlib.h>

#include "petrel/core.h"
#include "petrel/engine.h"
#include "petrel/store.h"

#include "private.h"

#define ENG_ADDR_ROWS 50

int
eng_addr_run(struct eng_worker *w, struct eng_task *t, struct pt_error *err)
{
	struct eng_addr_list *l = pt_xcalloc(1, sizeof *l);
	struct store_addr *v = NULL;
	struct eng_event *ev;
	size_t n = 0, i;

	if (w->store != NULL &&
	    store_addr_query(w->store, t->job->search.text,
		t->job->rows > 0 ? t->job->rows : ENG_ADDR_ROWS, &v, &n,
		err) != 0) {
		free(l);
		return -1;
	}
	l->v = pt_xcalloc(n + 1, sizeof *l->v);
	for (i = 0; i < n; i++) {
		/* Moved, not copied. */
		l->v[i].addr = v[i].addr;
		l->v[i].name = v[i].name;
	}
	l->n = n;
	free(v);
	ev = eng_event_new(w, ENG_EV_ADDRESSES, t, NULL);
	ev->u.addrs = l;
	eng_event_post(w, ev);
	return 0;
}

void
eng_addr_list_free(struct eng_addr_list **lp)
{
	struct eng_addr_list *l;
	size_t i;

	if (lp == NULL || (l = *lp) == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].addr);
		free(l->v[i].name);
	}
	free(l->v);
	free(l);
	*lp = NULL;
}
