/*
 * An IMAP session: libetpan's mailimap over net's verified transport,
 * one step per function so that the doctor can report each.
 */
#include "config.h"

#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/imap.h"
#include "petrel/net.h"

#include "private.h"

static int imap_session_fail(struct imap_session *, int);
static void imap_session_caps_update(struct imap_session *);
static int imap_session_caps_ask(struct imap_session *, struct pt_error *);
static int imap_session_attach(struct imap_session *, struct pt_error *);
static int imap_session_clean(const char *);

struct imap_session *
imap_session_new(const struct net_params *p, struct net_cancel *cancel)
{
	struct imap_session *s;

	s = pt_xcalloc(1, sizeof *s);
	net_link_init(&s->link, p, NET_PROTO_IMAP, cancel);
	s->imap = mailimap_new(0, NULL);
	if (s->imap == NULL)
		pt_fatal(_("out of memory"));
	return s;
}

void
imap_session_free(struct imap_session **sp)
{
	struct imap_session *s;

	if (sp == NULL || *sp == NULL)
		return;
	s = *sp;
	if (s->imap->imap_stream != NULL) {
		if (s->broken) {
			/* No LOGOUT on a dead session: it would wait. */
			mailstream_close(s->imap->imap_stream);
			s->imap->imap_stream = NULL;
		} else
			(void)mailimap_logout(s->imap);
	}
	mailimap_free(s->imap);
	net_link_release(&s->link);
	free(s);
	*sp = NULL;
}

/* Marks the session broken; returns -1. */
static int
imap_session_fail(struct imap_session *s, int r)
{
	(void)r;
	s->broken = 1;
	return -1;
}

int
imap_session_resolve(struct imap_session *s, struct pt_error *err)
{
	if (net_link_resolve(&s->link, err) == -1)
		return imap_session_fail(s, 0);
	return 0;
}

int
imap_session_connect(struct imap_session *s, struct pt_error *err)
{
	if (net_link_connect(&s->link, err) == -1)
		return imap_session_fail(s, 0);
	return 0;
}

int
imap_session_tls(struct imap_session *s, struct pt_error *err)
{
	if (s->link.params.security == CFG_SEC_STARTTLS && !s->starttls_done)
		return pt_error_set(err, PT_E_INTERNAL, 0,
		    _("TLS handshake before STARTTLS"));
	if (net_link_tls(&s->link, err) == -1)
		return imap_session_fail(s, 0);
	if (s->imap->imap_stream != NULL) {
		/*
		 * Whatever the server sent in plain text must not be read
		 * as if it came over TLS, and what it advertised before
		 * is forgotten (imap_session_capabilities asks again).
		 */
		if (net_stream_discard_buffered(s->imap->imap_stream) > 0)
			pt_warn(_("%s: discarded plain-text bytes after "
				  "STARTTLS"),
			    s->link.host);
		s->caps[0] = '\0';
		if (s->imap->imap_connection_info != NULL &&
		    s->imap->imap_connection_info->imap_capability != NULL) {
			mailimap_capability_data_free(
			    s->imap->imap_connection_info->imap_capability);
			s->imap->imap_connection_info->imap_capability = NULL;
		}
	}
	return 0;
}

/* Hands the connection to a libetpan stream on first use. */
static int
imap_session_attach(struct imap_session *s, struct pt_error *err)
{
	mailstream *stream;

	if (!s->link.conn_owned)
		return 0;
	stream = net_link_stream(&s->link, err);
	if (stream == NULL)
		return imap_session_fail(s, 0);
	s->imap->imap_stream = stream;
	imap_budget_set(s, IMAP_BUDGET_RESPONSE);
	return 0;
}

int
imap_session_greeting(struct imap_session *s, struct pt_error *err)
{
	mailstream *stream;
	int r;

	if (s->greeted)
		return 0;
	if (s->link.params.security == CFG_SEC_TLS && !s->link.tls_up)
		return pt_error_set(err, PT_E_INTERNAL, 0,
		    _("IMAP greeting before the TLS handshake"));
	if (imap_session_attach(s, err) == -1)
		return -1;
	/* mailimap_connect wants the stream passed in, not preset. */
	stream = s->imap->imap_stream;
	s->imap->imap_stream = NULL;
	r = mailimap_connect(s->imap, stream);
	if (s->imap->imap_stream == NULL)
		s->imap->imap_stream = stream;
	if (r != MAILIMAP_NO_ERROR_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		if (r == MAILIMAP_ERROR_STREAM && s->link.status.class != PT_OK)
			return imap_error(s, r, _("IMAP greeting"), err);
		if (r == MAILIMAP_ERROR_PARSE || r == MAILIMAP_ERROR_STREAM) {
			s->broken = 1;
			return pt_error_set(err, PT_E_PROTO, r,
			    _("%s port %d did not greet like an IMAP server: "
			      "check the port (IMAP is usually 993 with "
			      "security = tls, or 143 with starttls)"),
			    s->link.host, s->link.params.port);
		}
		return imap_error(s, r, _("IMAP greeting"), err);
	}
	s->greeted = 1;
	s->preauth = r == MAILIMAP_NO_ERROR_AUTHENTICATED;
	net_conn_established(s->link.conn);
	imap_session_caps_update(s);
	return 0;
}

int
imap_session_starttls(struct imap_session *s, struct pt_error *err)
{
	int r;

	if (imap_session_greeting(s, err) == -1)
		return -1;
	if (s->preauth) {
		s->broken = 1;
		return pt_error_set(err, PT_E_TLS, NET_ERR_PREAUTH,
		    _("%s logged you in (PREAUTH) before any encryption was "
		      "set up, so STARTTLS is impossible: petrel refuses this "
		      "unencrypted session; use security = tls if the server "
		      "offers it"),
		    s->link.host);
	}
	if (!mailimap_has_extension(s->imap, "STARTTLS") &&
	    imap_session_caps_ask(s, err) == -1)
		return -1;
	if (!mailimap_has_extension(s->imap, "STARTTLS")) {
		s->broken = 1;
		return pt_error_set(err, PT_E_TLS, NET_ERR_NO_STARTTLS,
		    _("%s does not offer STARTTLS, so the connection cannot "
		      "be encrypted: petrel will not send your password in "
		      "plain text; try security = tls (usually port 993)"),
		    s->link.host);
	}
	r = mailimap_starttls(s->imap);
	if (r == MAILIMAP_NO_ERROR) {
		s->starttls_done = 1;
		return 0;
	}
	if (r == MAILIMAP_ERROR_STARTTLS &&
	    net_link_injected(&s->link, s->imap->imap_stream, err) == -1)
		return imap_session_fail(s, 0);
	if (r == MAILIMAP_ERROR_STARTTLS) {
		char *t = s->imap->imap_response != NULL
			      ? pt_sanitize_line(s->imap->imap_response,
				    strlen(s->imap->imap_response))
			      : pt_xstrdup("");

		s->broken = 1;
		pt_error_set(err, PT_E_TLS, NET_ERR_STARTTLS_REFUSED,
		    _("%s refused STARTTLS (server: %s): the connection "
		      "cannot be encrypted, so petrel stopped"),
		    s->link.host, t);
		free(t);
		return -1;
	}
	return imap_error(s, r, _("STARTTLS"), err);
}

static void
imap_session_caps_update(struct imap_session *s)
{
	struct mailimap_capability_data *cd;
	clistiter *it;
	char *clean;

	s->caps[0] = '\0';
	if (s->imap->imap_connection_info == NULL ||
	    s->imap->imap_connection_info->imap_capability == NULL)
		return;
	cd = s->imap->imap_connection_info->imap_capability;
	for (it = clist_begin(cd->cap_list); it != NULL; it = clist_next(it)) {
		struct mailimap_capability *c = clist_content(it);
		const char *name;
		size_t len = strlen(s->caps);

		if (c->cap_type == MAILIMAP_CAPABILITY_AUTH_TYPE) {
			name = c->cap_data.cap_auth_type;
			if (name != NULL)
				snprintf(s->caps + len, sizeof s->caps - len,
				    "%sAUTH=%s", len > 0 ? " " : "", name);
			continue;
		}
		name = c->cap_data.cap_name;
		if (name != NULL)
			snprintf(s->caps + len, sizeof s->caps - len, "%s%s",
			    len > 0 ? " " : "", name);
	}
	clean = pt_sanitize_line(s->caps, strlen(s->caps));
	pt_strlcpy(s->caps, clean, sizeof s->caps);
	free(clean);
}

/* Sends CAPABILITY and keeps what the server answered. */
static int
imap_session_caps_ask(struct imap_session *s, struct pt_error *err)
{
	struct mailimap_capability_data *cap = NULL;
	int r;

	r = mailimap_capability(s->imap, &cap);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, _("CAPABILITY"), err);
	mailimap_capability_data_free(cap);
	imap_session_caps_update(s);
	return 0;
}

int
imap_session_capabilities(struct imap_session *s, struct pt_error *err)
{
	if (imap_session_greeting(s, err) == -1)
		return -1;
	if (s->link.params.security != CFG_SEC_NONE && !s->link.tls_up)
		return pt_error_set(err, PT_E_INTERNAL, 0,
		    _("IMAP capabilities asked before TLS"));
	/* Always ask again: what came in the greeting may be stale. */
	return imap_session_caps_ask(s, err);
}

/* 1 when s has no CR, LF (and is not NULL). */
static int
imap_session_clean(const char *str)
{
	return str != NULL && strpbrk(str, "\r\n") == NULL;
}

int
imap_session_login(struct imap_session *s, const char *user,
    const struct pt_secret *pw, struct pt_error *err)
{
	int r;

	if (net_link_require_tls(&s->link, err) == -1)
		return imap_session_fail(s, 0);
	if (!s->greeted && imap_session_greeting(s, err) == -1)
		return -1;
	if (s->preauth) {
		s->logged_in = 1;
		pt_strlcpy(s->mech, "PREAUTH", sizeof s->mech);
		return 0;
	}
	if (!imap_session_clean(user) || user[0] == '\0')
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("the user name is empty or contains a line break"));
	if (s->link.params.oauth_token_command != NULL) {
		r = imap_session_xoauth2(s, user, pw, err);
		if (r == 0) {
			s->logged_in = 1;
			pt_strlcpy(s->mech, "XOAUTH2", sizeof s->mech);
		}
		return r;
	}
	if (pw == NULL || pw->value == NULL ||
	    memchr(pw->value, '\0', pw->len) != NULL ||
	    !imap_session_clean(pw->value))
		return pt_error_set(err, PT_E_CONFIG, 0,
		    _("the password is empty or contains a line break"));
	if (mailimap_has_extension(s->imap, "LOGINDISABLED")) {
		s->broken = 1;
		return pt_error_set(err, PT_E_AUTH, 0,
		    _("%s does not allow password login (LOGINDISABLED) on "
		      "this connection"),
		    s->link.host);
	}
	r = mailimap_login(s->imap, user, pw->value);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, _("login"), err);
	s->logged_in = 1;
	pt_strlcpy(s->mech, "LOGIN", sizeof s->mech);
	return 0;
}

int
imap_session_examine(struct imap_session *s, const char *mailbox,
    uint32_t *exists, struct pt_error *err)
{
	int r;

	if (!imap_session_clean(mailbox))
		return pt_error_set(err, PT_E_CONFIG, 0, _("bad mailbox name"));
	r = mailimap_examine(s->imap, mailbox);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, _("opening the mailbox"), err);
	if (exists != NULL)
		*exists = s->imap->imap_selection_info != NULL
			      ? s->imap->imap_selection_info->sel_exists
			      : 0;
	return 0;
}

int
imap_session_logout(struct imap_session *s, struct pt_error *err)
{
	int r;

	if (s->imap->imap_stream == NULL)
		return 0;
	r = mailimap_logout(s->imap);
	s->link.conn = NULL; /* closed and freed with the stream */
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, _("logout"), err);
	return 0;
}

int
imap_session_open(struct imap_session *s, const char *user,
    const struct pt_secret *pw, struct pt_error *err)
{
	if (imap_session_connect(s, err) == -1)
		return -1;
	switch (s->link.params.security) {
	case CFG_SEC_TLS:
		if (imap_session_tls(s, err) == -1 ||
		    imap_session_greeting(s, err) == -1)
			return -1;
		break;
	case CFG_SEC_STARTTLS:
		if (imap_session_greeting(s, err) == -1 ||
		    imap_session_starttls(s, err) == -1 ||
		    imap_session_tls(s, err) == -1)
			return -1;
		break;
	case CFG_SEC_NONE:
		if (imap_session_greeting(s, err) == -1)
			return -1;
		break;
	}
	if (imap_session_capabilities(s, err) == -1)
		return -1;
	return imap_session_login(s, user, pw, err);
}

const char *
imap_session_addresses(const struct imap_session *s)
{
	return s->link.addrs;
}

const char *
imap_session_peer(const struct imap_session *s)
{
	return s->link.peer;
}

const struct net_cert_info *
imap_session_cert(const struct imap_session *s)
{
	return &s->link.cert;
}

const char *
imap_session_caps(const struct imap_session *s)
{
	return s->caps;
}

const char *
imap_session_auth_mech(const struct imap_session *s)
{
	return s->mech;
}

int
imap_session_has_cap(const struct imap_session *s, const char *name)
{
	return mailimap_has_extension(s->imap, name);
}
