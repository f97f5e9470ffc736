/*
 * record.c: the byte formats of the header cache, with no I/O.
 *
 * Fixed numbers are little-endian; keys are big-endian so that LMDB's
 * byte order is UID order.  Every decoder checks the length, the version
 * and every bound before it trusts a byte, and returns -1 for anything
 * else.
 *
 *	fix record (40 bytes)	0 version, 1-3 zero, 4 flags, 8 internaldate,
 *				16 date, 24 modseq, 32 size, 36 uid
 *	str record		0 version, 1 field count (7), 2 lengths
 *				(u16 each), then each string and a NUL
 *	folder record (48)	0 version, 1-3 zero, 4 fid, 8 uidvalidity,
 *				12 uidnext, 16 exists, 20 count, 24 gen,
 *				28 zero, 32 highestmodseq, 40 last_used
 *	order record		0 version, 1-3 zero, 4 gen, 8 n, then n
 *				positions (u32), a permutation of 0..n-1
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "petrel/core.h"
#include "petrel/store.h"

#include "private.h"

static size_t store_str_cut(const char *);

void
store_le32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void
store_le64_put(uint8_t *p, uint64_t v)
{
	store_le32_put(p, (uint32_t)v);
	store_le32_put(p + 4, (uint32_t)(v >> 32));
}

uint32_t
store_le32_get(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

uint64_t
store_le64_get(const uint8_t *p)
{
	return (uint64_t)store_le32_get(p) | (uint64_t)store_le32_get(p + 4)
						 << 32;
}

void
store_be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

uint32_t
store_be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

void
store_key_make(uint8_t key[STORE_KEY_LEN], uint32_t fid, uint32_t uidvalidity,
    uint32_t uid)
{
	store_be32_put(key, fid);
	store_be32_put(key + 4, uidvalidity);
	store_be32_put(key + 8, uid);
}

void
store_fix_encode(uint8_t out[STORE_FIX_LEN], const struct store_msg *m)
{
	memset(out, 0, STORE_FIX_LEN);
	out[0] = STORE_REC_VERSION;
	store_le32_put(out + 4, m->flags);
	store_le64_put(out + 8, (uint64_t)m->internaldate);
	store_le64_put(out + 16, (uint64_t)m->date);
	store_le64_put(out + 24, m->modseq);
	store_le32_put(out + 32, m->size);
	store_le32_put(out + 36, m->uid);
}

int
store_fix_decode(const void *data, size_t len, struct store_summary *s)
{
	const uint8_t *p = data;

	if (len != STORE_FIX_LEN || p[0] != STORE_REC_VERSION || p[1] != 0 ||
	    p[2] != 0 || p[3] != 0)
		return -1;
	s->flags = store_le32_get(p + 4);
	s->internaldate = (int64_t)store_le64_get(p + 8);
	s->date = (int64_t)store_le64_get(p + 16);
	if (s->date == 0)
		s->date = s->internaldate;
	s->modseq = store_le64_get(p + 24);
	s->size = store_le32_get(p + 32);
	s->uid = store_le32_get(p + 36);
	s->strings = STORE_NO_STRINGS;
	return s->uid == 0 ? -1 : 0;
}

void
store_fix_set_flags(uint8_t rec[STORE_FIX_LEN], uint32_t flags, uint64_t modseq)
{
	store_le32_put(rec + 4, flags);
	if (modseq != 0)
		store_le64_put(rec + 24, modseq);
}

/* The stored length of s: at most STORE_STR_MAX, cut at a character. */
static size_t
store_str_cut(const char *s)
{
	size_t len;

	if (s == NULL)
		return 0;
	len = strlen(s);
	if (len <= STORE_STR_MAX)
		return len;
	len = STORE_STR_MAX;
	/* Do not end inside a UTF-8 sequence: back off continuations. */
	while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
		len--;
	return len;
}

size_t
store_str_len(const struct store_msg *m)
{
	size_t len = STORE_STR_HDR;
	int i;

	for (i = 0; i < STORE_NFIELDS; i++)
		len += store_str_cut(m->str[i]) + 1;
	return len;
}

/* out has store_str_len(m) bytes. */
void
store_str_encode(uint8_t *out, size_t outlen, const struct store_msg *m)
{
	size_t off = STORE_STR_HDR;
	int i;

	out[0] = STORE_REC_VERSION;
	out[1] = STORE_NFIELDS;
	for (i = 0; i < STORE_NFIELDS; i++) {
		size_t len = store_str_cut(m->str[i]);
		if (off + len + 1 > outlen)
			pt_fatal("store_str_encode: short buffer");
		out[2 + 2 * i] = (uint8_t)len;
		out[3 + 2 * i] = (uint8_t)(len >> 8);
		if (len > 0)
			memcpy(out + off, m->str[i], len);
		out[off + len] = '\0';
		off += len + 1;
	}
}

int
store_str_check(const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t off = STORE_STR_HDR;
	int i;

	if (len < STORE_STR_HDR || p[0] != STORE_REC_VERSION ||
	    p[1] != STORE_NFIELDS)
		return -1;
	for (i = 0; i < STORE_NFIELDS; i++) {
		size_t flen = (size_t)p[2 + 2 * i] | (size_t)p[3 + 2 * i] << 8;
		if (flen >= len - off)
			return -1;
		if (p[off + flen] != '\0' ||
		    memchr(p + off, '\0', flen) != NULL)
			return -1;
		off += flen + 1;
	}
	return off == len ? 0 : -1;
}

/* A field of a record that passed store_str_check. */
const char *
store_str_field(const uint8_t *rec, enum store_field f)
{
	size_t off = STORE_STR_HDR;
	int i;

	for (i = 0; i < (int)f; i++)
		off +=
		    ((size_t)rec[2 + 2 * i] | (size_t)rec[3 + 2 * i] << 8) + 1;
	return (const char *)rec + off;
}

void
store_folder_encode(uint8_t out[STORE_FOLDER_LEN],
    const struct store_folder_rec *f)
{
	memset(out, 0, STORE_FOLDER_LEN);
	out[0] = STORE_REC_VERSION;
	store_le32_put(out + 4, f->fid);
	store_le32_put(out + 8, f->uidvalidity);
	store_le32_put(out + 12, f->uidnext);
	store_le32_put(out + 16, f->exists);
	store_le32_put(out + 20, f->count);
	store_le32_put(out + 24, f->gen);
	store_le64_put(out + 32, f->highestmodseq);
	store_le64_put(out + 40, (uint64_t)f->last_used);
}

int
store_folder_decode(const void *data, size_t len, struct store_folder_rec *f)
{
	const uint8_t *p = data;

	if (len != STORE_FOLDER_LEN || p[0] != STORE_REC_VERSION)
		return -1;
	f->fid = store_le32_get(p + 4);
	f->uidvalidity = store_le32_get(p + 8);
	f->uidnext = store_le32_get(p + 12);
	f->exists = store_le32_get(p + 16);
	f->count = store_le32_get(p + 20);
	f->gen = store_le32_get(p + 24);
	f->highestmodseq = store_le64_get(p + 32);
	f->last_used = (int64_t)store_le64_get(p + 40);
	return f->fid == 0 ? -1 : 0;
}

/*
 * 0 when data is an order record for generation gen of a folder of n
 * messages whose positions are a permutation of 0..n-1.
 */
int
store_order_check(const void *data, size_t len, uint32_t gen, size_t n)
{
	const uint8_t *p = data;
	uint8_t *seen;
	size_t i;
	int rc = 0;

	if (len < STORE_ORDER_HDR || p[0] != STORE_REC_VERSION ||
	    store_le32_get(p + 4) != gen || store_le32_get(p + 8) != n ||
	    (len - STORE_ORDER_HDR) / 4 != n || (len - STORE_ORDER_HDR) % 4)
		return -1;
	seen = pt_xcalloc(n / 8 + 1, 1);
	for (i = 0; i < n; i++) {
		uint32_t pos = store_le32_get(p + STORE_ORDER_HDR + 4 * i);
		if (pos >= n || (seen[pos / 8] & (1u << (pos % 8)))) {
			rc = -1;
			break;
		}
		seen[pos / 8] |= (uint8_t)(1u << (pos % 8));
	}
	free(seen);
	return rc;
}
