/*
 * xoauth2.c: the outer part of an XOAUTH2 login that IMAP and SMTP
 * share: the token's check, one try, and after a refusal (tokens expire
 * hourly) one more try with a new token from the account's
 * oauth_token_command, then the refusal with the server's JSON status.
 * The protocol exchange itself is the caller's attempt function.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/config.h"
#include "petrel/core.h"
#include "petrel/net.h"

static int net_xoauth2_token_ok(const struct pt_secret *, struct pt_error *);

/* The token goes inside the XOAUTH2 blob: no control characters. */
static int
net_xoauth2_token_ok(const struct pt_secret *token, struct pt_error *err)
{
	size_t i;

	if (token == NULL || token->value == NULL || token->len == 0)
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("the OAuth2 token is empty"));
	for (i = 0; i < token->len; i++)
		if ((unsigned char)token->value[i] < 0x20 ||
		    token->value[i] == 0x7f)
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("the token command printed a token with control "
			      "characters: it must print only the access "
			      "token"));
	return 0;
}

int
net_xoauth2_login(const struct net_link *l, const struct net_xoauth2_ops *ops,
    void *arg, const struct pt_secret *token, struct pt_error *err)
{
	struct pt_secret fresh;
	char status[64], *text;
	int r;

	if (net_xoauth2_token_ok(token, err) == -1)
		return -1;
	r = ops->attempt(arg, token, status, sizeof status, err);
	if (r == 1) {
		pt_info("%s: %s refused the OAuth2 token (status %s); running "
			"the token command again",
		    l->params.proto == NET_PROTO_SMTP ? "smtp" : "imap",
		    l->host, status[0] != '\0' ? status : "none");
		pt_secret_init(&fresh);
		if (cfg_token_run(l->params.oauth_token_command,
			l->params.read_timeout_ms / 1000, &fresh, err) == -1)
			return -1;
		r = net_xoauth2_token_ok(&fresh, err) == -1
			? -1
			: ops->attempt(arg, &fresh, status, sizeof status, err);
		pt_secret_release(&fresh);
	}
	if (r != 1)
		return r;
	if (status[0] != '\0')
		return pt_error_set(err, PT_E_AUTH, NET_ERR_TOKEN_REFUSED,
		    _("the token was refused (status %s): run your token "
		      "command again or re-authorise"),
		    status);
	text = ops->server_text(arg);
	pt_error_set(err, PT_E_AUTH, NET_ERR_TOKEN_REFUSED,
	    _("the token was refused (server: %s): run your token command "
	      "again or re-authorise"),
	    text != NULL ? text : "");
	free(text);
	return -1;
}
