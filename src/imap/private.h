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
	int broken;    /* a step failed: no LOGOUT at free */
	char code[32]; /* the response code of the last failure, or "" */
	int logged_in;
	char caps[1024];
	char mech[16];       /* how login went: LOGIN, XOAUTH2, PREAUTH */
	const char *user;    /* during imap_session_xoauth2 */
	int qresync_enabled; /* engine support: ENABLE QRESYNC done */
	size_t budget;       /* bytes one response may carry (0: any) */
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

/*
 * Byte budgets (net_stream_budget): the most one response may carry
 * before the session is dropped with PT_E_PROTO.  Each FETCH response
 * of a command starts afresh, so a FETCH of many messages is bounded
 * per message.  A hostile server may announce a literal of any size;
 * these bound what petrel reads of it.
 *	RESPONSE  the greeting and login, LIST, SEARCH, STATUS, SELECT,
 *		  NOOP and IDLE news, flags: anything but the two below
 *	HEADERS   one message's summary (the header fields petrel asks
 *		  for; Postfix's own limit on a header is 100 KB)
 * Bodies are not capped here: they stream to the caller, whose buffer
 * (MIME_MAX_SIZE in memory) or file decides.
 */
#define IMAP_BUDGET_RESPONSE ((size_t)16 * 1024 * 1024)
#define IMAP_BUDGET_HEADERS  ((size_t)4 * 1024 * 1024)

/* Sets the budget of the running command's responses (mailbox.c). */
void imap_budget_set(struct imap_session *, size_t);

#endif
