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
	int qresync_enabled; /* engine support: ENABLE QRESYNC done */
};

#endif
