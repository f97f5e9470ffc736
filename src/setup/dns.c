/*
 * dns.c: the DNS records the wizard looks at: SRV (RFC 6186 and 8314)
 * and MX.
 *
 * Queries go through the C library's resolver (res_nquery with a state
 * of our own, so it is thread-safe and uses /etc/resolv.conf), with
 * short timeouts: detection must not keep a person waiting.  The answer
 * is parsed here, strictly and within its bounds (the resolver's own
 * parser lives in libresolv, which we would link for nothing else).
 */
#include "config.h"

#include <sys/types.h>

#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/net.h"

#include "private.h"

#define SETUP_DNS_ANSWER_MAX 8192 /* bytes; bigger answers are cut */
#define SETUP_DNS_TIMEOUT    3    /* seconds per try */
#define SETUP_DNS_TRIES      2

static int setup_dns_u16(const unsigned char *, const unsigned char *,
    const unsigned char *);
static int setup_dns_name(const unsigned char *, const unsigned char *,
    const unsigned char *, char *, size_t);
static int setup_dns_query(const char *, int, struct setup_dns_rr *, size_t,
    struct pt_error *);
static int setup_dns_cmp(const void *, const void *);

static int
setup_dns_u16(const unsigned char *msg, const unsigned char *end,
    const unsigned char *p)
{
	if (p < msg || end - p < 2)
		return -1;
	return (p[0] << 8) | p[1];
}

/* Expands a name at p; returns the bytes it takes at p, or -1. */
static int
setup_dns_name(const unsigned char *msg, const unsigned char *end,
    const unsigned char *p, char *out, size_t outlen)
{
	char tmp[NS_MAXDNAME];
	int n;

	if (p >= end)
		return -1;
	n = dn_expand(msg, end, p, tmp, sizeof tmp);
	if (n < 0)
		return -1;
	if (out != NULL && pt_strlcpy(out, tmp, outlen) >= outlen)
		return -1;
	return n;
}

int
setup_dns_parse(const unsigned char *msg, size_t len, int type,
    struct setup_dns_rr *rr, size_t max)
{
	const unsigned char *end = msg + len, *p;
	int qd, an, i, n, found = 0;

	if (len < NS_HFIXEDSZ)
		return -1;
	/* The reply code: NXDOMAIN (3) is simply "no records". */
	if ((msg[3] & 0x0f) == 3)
		return 0;
	if ((msg[3] & 0x0f) != 0)
		return -1;
	qd = setup_dns_u16(msg, end, msg + 4);
	an = setup_dns_u16(msg, end, msg + 6);
	p = msg + NS_HFIXEDSZ;
	for (i = 0; i < qd; i++) {
		if ((n = setup_dns_name(msg, end, p, NULL, 0)) < 0 ||
		    end - (p + n) < NS_QFIXEDSZ)
			return -1;
		p += n + NS_QFIXEDSZ;
	}
	for (i = 0; i < an; i++) {
		int rtype, rdlen;

		if ((n = setup_dns_name(msg, end, p, NULL, 0)) < 0 ||
		    end - (p + n) < NS_RRFIXEDSZ)
			return -1;
		p += n;
		rtype = setup_dns_u16(msg, end, p);
		rdlen = setup_dns_u16(msg, end, p + 8);
		p += NS_RRFIXEDSZ;
		if (end - p < rdlen)
			return -1;
		if (rtype != type || (size_t)found >= max) {
			p += rdlen;
			continue; /* a CNAME on the way, or too many */
		}
		memset(&rr[found], 0, sizeof rr[found]);
		if (type == ns_t_srv) {
			if (rdlen < 7)
				return -1;
			rr[found].priority = setup_dns_u16(msg, end, p);
			rr[found].weight = setup_dns_u16(msg, end, p + 2);
			rr[found].port = setup_dns_u16(msg, end, p + 4);
			n = setup_dns_name(msg, p + rdlen, p + 6,
			    rr[found].target, sizeof rr[found].target);
			if (n < 0)
				return -1;
		} else if (type == ns_t_mx) {
			if (rdlen < 3)
				return -1;
			rr[found].priority = setup_dns_u16(msg, end, p);
			n = setup_dns_name(msg, p + rdlen, p + 2,
			    rr[found].target, sizeof rr[found].target);
			if (n < 0)
				return -1;
		} else
			return -1;
		found++;
		p += rdlen;
	}
	qsort(rr, (size_t)found, sizeof *rr, setup_dns_cmp);
	return found;
}

/* Lowest priority first; among equals, the heavier weight first. */
static int
setup_dns_cmp(const void *a, const void *b)
{
	const struct setup_dns_rr *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return strcmp(x->target, y->target);
}

static int
setup_dns_query(const char *name, int type, struct setup_dns_rr *rr, size_t max,
    struct pt_error *err)
{
	struct __res_state st;
	unsigned char *ans;
	int n, herr;

	memset(&st, 0, sizeof st);
	if (res_ninit(&st) != 0)
		return pt_error_set(err, PT_E_NET, NET_ERR_DNS_TEMP,
		    _("cannot look up '%s': the resolver could not start"),
		    name);
	st.retrans = SETUP_DNS_TIMEOUT;
	st.retry = SETUP_DNS_TRIES;
	ans = pt_xmalloc(SETUP_DNS_ANSWER_MAX);
	n = res_nquery(&st, name, ns_c_in, type, ans, SETUP_DNS_ANSWER_MAX);
	herr = st.res_h_errno;
	res_nclose(&st);
	if (n < 0) {
		free(ans);
		if (herr == HOST_NOT_FOUND || herr == NO_DATA)
			return 0;
		return pt_error_set(err, PT_E_NET, NET_ERR_DNS_TEMP,
		    _("cannot look up '%s': no answer from DNS"), name);
	}
	if (n > SETUP_DNS_ANSWER_MAX)
		n = SETUP_DNS_ANSWER_MAX;
	n = setup_dns_parse(ans, (size_t)n, type, rr, max);
	free(ans);
	if (n < 0)
		return pt_error_set(err, PT_E_NET, NET_ERR_DNS_TEMP,
		    _("cannot look up '%s': the DNS answer is malformed"),
		    name);
	return n;
}

int
setup_dns_srv(const char *name, struct setup_dns_rr *rr, size_t max,
    struct pt_error *err)
{
	int n, i, j;

	if ((n = setup_dns_query(name, ns_t_srv, rr, max, err)) <= 0)
		return n;
	/* RFC 2782: a lone "." target means "not offered here". */
	for (i = j = 0; i < n; i++)
		if (rr[i].target[0] != '\0' && strcmp(rr[i].target, ".") != 0)
			rr[j++] = rr[i];
	return j;
}

int
setup_dns_mx(const char *domain, struct setup_dns_rr *rr, size_t max,
    struct pt_error *err)
{
	return setup_dns_query(domain, ns_t_mx, rr, max, err);
}
