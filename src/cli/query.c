/*
 * query.c: petrel query [-A ACCOUNT] STRING, the account's address book
 * (store/addr.c) in mutt's query format, so that petrel's addresses can
 * feed other programs: a status line, then one "address<TAB>name" line
 * per match, best first.  Exit 0 when something matched, 1 when
 * nothing did, 2 on a usage or cache error.  It never runs the
 * configured query_command (which may itself be "petrel query").
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/store.h"

#include "cli.h"

int
cli_query_main(const struct cfg *cfg, const char *account, int argc,
    char **argv)
{
	const struct cfg_account *acct;
	struct store_addr *v = NULL;
	struct pt_error err;
	struct store *st;
	size_t n = 0, i;
	int k = 1;

	if (k < argc && strcmp(argv[k], "-A") == 0 && k + 1 < argc) {
		account = argv[k + 1];
		k += 2;
	}
	if (k < argc && strcmp(argv[k], "--") == 0)
		k++;
	if (argc - k != 1) {
		fprintf(stderr, "%s",
		    _("usage: petrel query [-A ACCOUNT] STRING\n"));
		return 2;
	}
	if ((acct = cfg_account_find(cfg, account)) == NULL) {
		if (account != NULL)
			fprintf(stderr, _("petrel: no account '%s'\n"),
			    account);
		else
			fprintf(stderr, "%s",
			    _("petrel: no account is configured\n"));
		return 2;
	}
	pt_error_init(&err);
	if ((st = store_open(acct->id, NULL, &err)) == NULL ||
	    store_addr_query(st, argv[k], 0, &v, &n, &err) != 0) {
		fprintf(stderr, _("petrel: cannot search the addresses: %s\n"),
		    err.msg);
		store_free(&st);
		return 2;
	}
	store_free(&st);
	{
		char *q = pt_sanitize_line(argv[k], strlen(argv[k]));

		printf(ngettext_("petrel: %zu address matches '%s'\n",
			   "petrel: %zu addresses match '%s'\n", n),
		    n, q);
		free(q);
	}
	for (i = 0; i < n; i++) {
		/* Names come from mail: nothing raw reaches a terminal. */
		char *a = pt_sanitize_line(v[i].addr, strlen(v[i].addr));
		char *nm = pt_sanitize_line(v[i].name, strlen(v[i].name));

		printf("%s\t%s\n", a, nm);
		free(a);
		free(nm);
	}
	store_addr_list_free(&v, n);
	if (fflush(stdout) != 0)
		return 2;
	return n > 0 ? 0 : 1;
}
