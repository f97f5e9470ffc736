/*
 * account.c: writing the account the wizard or `petrel setup` made.
 *
 * The account's ID is chosen so that other accounts are never touched:
 * the ID asked for, else the ID of an account with the same address
 * (setting it up again replaces it), else the first label of the
 * address's domain, made unique ("centurylink", "centurylink-2").
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "petrel/config.h"
#include "petrel/core.h"

#include "private.h"

static char *setup_account_id(const char *, const char *, const struct cfg *);

static char *
setup_account_id(const char *want, const char *email, const struct cfg *cfg)
{
	const char *d = setup_email_domain(email);
	char base[64], *id;
	size_t i, n = 0;
	int k;

	if (want != NULL)
		return pt_xstrdup(want);
	for (i = 0; cfg != NULL && i < cfg_account_count(cfg); i++) {
		const struct cfg_account *a = cfg_account_at(cfg, i);

		if (a->email != NULL && strcasecmp(a->email, email) == 0)
			return pt_xstrdup(a->id);
	}
	for (; *d != '\0' && *d != '.' && n + 1 < sizeof base; d++)
		if ((*d >= 'a' && *d <= 'z') || (*d >= '0' && *d <= '9') ||
		    *d == '-')
			base[n++] = *d;
		else if (*d >= 'A' && *d <= 'Z')
			base[n++] = (char)(*d - 'A' + 'a');
	base[n] = '\0';
	if (n == 0)
		pt_strlcpy(base, "mail", sizeof base);
	id = pt_xstrdup(base);
	for (k = 2; cfg != NULL && cfg_account_find(cfg, id) != NULL; k++) {
		free(id);
		id = pt_xasprintf("%s-%d", base, k);
	}
	return id;
}

char *
setup_account_write(const char *path, const struct setup_account *a,
    struct pt_error *err)
{
	const char *keys[20], *vals[20];
	char iport[16], sport[16], tmo[16], *id;
	const struct setup_settings *st = a->st;
	struct cfg *cfg;
	size_t n = 0;

	pt_error_init(err);
	cfg = cfg_load(path, err);
	if (cfg == NULL && !(err->class == PT_E_CONFIG && err->code == ENOENT))
		return NULL;
	id = setup_account_id(a->id, st->email, cfg);
	cfg_free(&cfg);
	(void)snprintf(iport, sizeof iport, "%d", st->imap.port);
	(void)snprintf(sport, sizeof sport, "%d", st->smtp.port);
#define ADD(k, v)                                                              \
	do {                                                                   \
		keys[n] = (k);                                                 \
		vals[n++] = (v);                                               \
	} while (0)
	ADD("name", a->name);
	ADD("email", st->email);
	ADD("username", st->username);
	ADD("imap_host", st->imap.host);
	ADD("imap_port", iport);
	ADD("imap_security", cfg_security_name(st->imap.security));
	ADD("smtp_host", st->smtp.host);
	ADD("smtp_port", sport);
	ADD("smtp_security", cfg_security_name(st->smtp.security));
	if (a->password_command != NULL)
		ADD("password_command", a->password_command);
	if (a->oauth_token_command != NULL)
		ADD("oauth_token_command", a->oauth_token_command);
	if (a->password != NULL)
		ADD("password", a->password);
	if (a->ca_file != NULL)
		ADD("ca_file", a->ca_file);
	if (a->imap_pin != NULL)
		ADD("imap_tls_pin", a->imap_pin);
	if (a->smtp_pin != NULL)
		ADD("smtp_tls_pin", a->smtp_pin);
	if (a->connect_timeout > 0) {
		(void)snprintf(tmo, sizeof tmo, "%d", a->connect_timeout);
		ADD("connect_timeout", tmo);
	}
#undef ADD
	pt_error_init(err);
	if (cfg_write_account(path, id, keys, vals, n, err) != 0) {
		free(id);
		return NULL;
	}
	return id;
}
