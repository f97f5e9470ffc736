/*
 * Declarations shared by the files of src/imap only.
 */
#ifndef PETREL_IMAP_PRIVATE_H
#define PETREL_IMAP_PRIVATE_H

#include <libetpan/libetpan.h>

#include "petrel/imap.h"
#include "petrel/net.h"

struct imap_session {
	mailimap *imap;
	struct net_link link;
	int greeted;
	int preauth;
	int starttls_done;
	int broken; /* a step failed: no LOGOUT at free */
	int logged_in;
	char caps[1024];
	char mech[16];       /* how login went: LOGIN, XOAUTH2, PREAUTH */
	const char *user;    /* during imap_session_xoauth2 */
	int qresync_enabled; /* engine support: ENABLE QRESYNC done */
};

/*
 * auth.c: AUTHENTICATE XOAUTH2 with token as the access token; on a
 * refusal, once more with a new token from the link's token command.
 * Refuses a server without AUTH=XOAUTH2 (NET_ERR_NO_XOAUTH2); a token
 * refused twice is PT_E_AUTH with NET_ERR_TOKEN_REFUSED and the JSON
 * status in the message.  0 or -1.
 */
int imap_session_xoauth2(struct imap_session *, const char *,
    const struct pt_secret *, struct pt_error *);

#endif
