/*
 * How many received bytes wait above the socket: in libetpan's read
 * buffer and in GnuTLS.  The IDLE loop asks before it polls, since data
 * held there never makes the socket readable again.
 */
#include "config.h"

#include <gnutls/gnutls.h>
#include <libetpan/libetpan.h>

#include "petrel/core.h"
#include "petrel/net.h"

#include "private.h"

size_t
net_stream_pending(mailstream *s)
{
	mailstream_low *low;
	struct net_conn *c;
	size_t n;

	if (s == NULL)
		return 0;
	n = s->read_buffer_len;
	low = mailstream_get_low(s);
	if (low == NULL || low->data == NULL)
		return n;
	c = low->data;
	if (c->tls_up && c->tls != NULL && !c->failed)
		n += gnutls_record_check_pending(c->tls);
	return n;
}
