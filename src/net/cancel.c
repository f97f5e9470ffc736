/*
 * Cancel tokens: an eventfd that poll() watches beside the socket, and an
 * atomic flag that reads and writes check on entry (data that keeps
 * arriving would otherwise never let them reach poll).
 */
#include "config.h"

#include <sys/eventfd.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "petrel/core.h"
#include "petrel/net.h"

#include "private.h"

struct net_cancel {
	int fd;
	atomic_int fired;
};

struct net_cancel *
net_cancel_new(struct pt_error *err)
{
	struct net_cancel *c;
	int fd;

	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd == -1) {
		pt_error_set(err, PT_E_INTERNAL, errno,
		    _("cannot create a cancel event: %s"), strerror(errno));
		return NULL;
	}
	c = pt_xcalloc(1, sizeof *c);
	c->fd = fd;
	atomic_init(&c->fired, 0);
	return c;
}

void
net_cancel_fire(struct net_cancel *c)
{
	uint64_t one = 1;
	ssize_t n;

	if (c == NULL)
		return;
	atomic_store(&c->fired, 1);
	/* The counter never overflows in practice; EAGAIN is harmless. */
	n = write(c->fd, &one, sizeof one);
	(void)n;
}

int
net_cancel_fired(const struct net_cancel *c)
{
	if (c == NULL)
		return 0;
	return atomic_load(&((struct net_cancel *)c)->fired);
}

int
net_cancel_fd(const struct net_cancel *c)
{
	return c == NULL ? -1 : c->fd;
}

void
net_cancel_free(struct net_cancel **cp)
{
	if (cp == NULL || *cp == NULL)
		return;
	close((*cp)->fd);
	free(*cp);
	*cp = NULL;
}
