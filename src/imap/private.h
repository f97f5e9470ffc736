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
	struct net_conn *conn; /* owned until the stream takes it */
	int conn_owned;
	struct net_params params;
	char *host;
	char *ca_file;
	char *pin;
	struct pt_error net_status; /* the transport's recorded failure */
	int greeted;
	int preauth;
	int starttls_done;
	int tls_up;
	int broken; /* a step failed: no LOGOUT at free */
	int logged_in;
	char caps[1024];
	char addrs[256]; /* copies: the connection may be gone */
	char peer[64];
	struct net_cert_info cert;
	int qresync_enabled; /* engine support: ENABLE QRESYNC done */
};

#endif
