/*
 * Modified UTF-7 (RFC 3501 section 5.1.3), the encoding of IMAP mailbox
 * names: printable ASCII stands for itself except "&", which is "&-";
 * everything else is UTF-16 in a modified base64 ("," for "/") between
 * "&" and "-".  Pure functions, no libetpan.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/imap.h"

static const char imap_mutf7_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static int imap_mutf7_val(unsigned char);
static int imap_mutf7_put16(struct pt_buf *, const uint32_t *, unsigned *,
    unsigned *);

static int
imap_mutf7_val(unsigned char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(imap_mutf7_b64, c);
	return p != NULL ? (int)(p - imap_mutf7_b64) : -1;
}

char *
imap_mutf7_encode(const char *in)
{
	struct pt_buf out;
	size_t len, i;

	if (in == NULL)
		return NULL;
	len = strlen(in);
	if (!pt_utf8_valid(in, len))
		return NULL;
	pt_buf_init(&out, 0);
	for (i = 0; i < len;) {
		unsigned char c = (unsigned char)in[i];
		uint32_t bits = 0;
		unsigned nbits = 0;

		if (c >= 0x20 && c <= 0x7e) {
			if (c == '&')
				(void)pt_buf_addstr(&out, "&-", NULL);
			else
				(void)pt_buf_addch(&out, (char)c, NULL);
			i++;
			continue;
		}
		(void)pt_buf_addch(&out, '&', NULL);
		while (i < len && ((unsigned char)in[i] < 0x20 ||
				      (unsigned char)in[i] > 0x7e)) {
			uint32_t cp, units[2];
			size_t k, nu;

			i += pt_utf8_decode(in + i, len - i, &cp);
			if (cp >= 0x10000) {
				cp -= 0x10000;
				units[0] = 0xd800 + (cp >> 10);
				units[1] = 0xdc00 + (cp & 0x3ff);
				nu = 2;
			} else {
				units[0] = cp;
				nu = 1;
			}
			for (k = 0; k < nu; k++) {
				bits = (bits << 16) | units[k];
				nbits += 16;
				while (nbits >= 6) {
					nbits -= 6;
					(void)pt_buf_addch(&out,
					    imap_mutf7_b64[(bits >> nbits) &
							   0x3f],
					    NULL);
				}
			}
		}
		if (nbits > 0)
			(void)pt_buf_addch(&out,
			    imap_mutf7_b64[(bits << (6 - nbits)) & 0x3f], NULL);
		(void)pt_buf_addch(&out, '-', NULL);
	}
	return pt_buf_detach(&out, NULL);
}

/* Emits whole UTF-16 units from the bit accumulator; -1 on bad data. */
static int
imap_mutf7_put16(struct pt_buf *out, const uint32_t *bits, unsigned *nbits,
    unsigned *high)
{
	char enc[4];

	while (*nbits >= 16) {
		uint32_t u;

		*nbits -= 16;
		u = (*bits >> *nbits) & 0xffff;
		if (u >= 0xd800 && u <= 0xdbff) {
			if (*high != 0)
				return -1;
			*high = u;
			continue;
		}
		if (u >= 0xdc00 && u <= 0xdfff) {
			if (*high == 0)
				return -1;
			u = 0x10000 + ((*high - 0xd800) << 10) + (u - 0xdc00);
			*high = 0;
		} else if (*high != 0)
			return -1;
		/* Printable ASCII must not be encoded (RFC 3501). */
		if (u == 0 || (u >= 0x20 && u <= 0x7e))
			return -1;
		(void)pt_buf_add(out, enc, pt_utf8_encode(u, enc), NULL);
	}
	return 0;
}

char *
imap_mutf7_decode(const char *in)
{
	struct pt_buf out;
	const unsigned char *p;

	if (in == NULL)
		return NULL;
	pt_buf_init(&out, 0);
	for (p = (const unsigned char *)in; *p != '\0';) {
		uint32_t bits = 0;
		unsigned nbits = 0, high = 0, n = 0;
		int v;

		if (*p < 0x20 || *p > 0x7e)
			goto bad;
		if (*p != '&') {
			(void)pt_buf_addch(&out, (char)*p++, NULL);
			continue;
		}
		p++;
		if (*p == '-') {
			(void)pt_buf_addch(&out, '&', NULL);
			p++;
			continue;
		}
		while ((v = imap_mutf7_val(*p)) >= 0) {
			bits = (bits << 6) | (uint32_t)v;
			nbits += 6;
			n++;
			p++;
			if (imap_mutf7_put16(&out, &bits, &nbits, &high) == -1)
				goto bad;
			bits &= (1u << nbits) - 1;
		}
		/* "&-" handled above; a shift must end in "-", hold no
		 * dangling surrogate, and leave only zero padding bits. */
		if (*p != '-' || n == 0 || high != 0 || nbits >= 6 ||
		    (bits & ((1u << nbits) - 1)) != 0)
			goto bad;
		p++;
	}
	return pt_buf_detach(&out, NULL);
bad:
	pt_buf_release(&out);
	return NULL;
}
