/*
 * private.h: what the files of the mime module share.  Not to be
 * included from outside src/mime/.
 */
#ifndef PETREL_MIME_PRIVATE_H
#define PETREL_MIME_PRIVATE_H

#include <stddef.h>

#include "petrel/core.h"
#include "petrel/mime.h"

/* Header fields of one message, over all its parts. */
#define MIME_MAX_HEADERS 100000
/* Parameters looked at in one Content-Type or Content-Disposition. */
#define MIME_MAX_PARAMS 256
/* Bytes of a media type kept ("type/subtype"); longer is invalid. */
#define MIME_TYPE_MAX 80

struct mime_header {
	const char *name; /* borrowed from the message buffer */
	size_t namelen;
	const char *value; /* raw: still folded, no final newline */
	size_t valuelen;
};

enum mime_cte {
	MIME_CTE_IDENTITY, /* 7bit, 8bit, binary, none */
	MIME_CTE_BASE64,
	MIME_CTE_QP,
	MIME_CTE_UU,
	MIME_CTE_UNKNOWN /* shown as is, with a note */
};

/* struct mime_part flags. */
#define MIME_PART_MESSAGE     0x01 /* its headers are a message's */
#define MIME_PART_TOO_DEEP    0x02 /* not parsed: MIME_MAX_DEPTH */
#define MIME_PART_NO_BOUNDARY 0x04 /* multipart without delimiters */
#define MIME_PART_CUT         0x08 /* MIME_MAX_PARTS reached in here */
#define MIME_PART_NO_CLOSE    0x10 /* multipart never closed */
#define MIME_PART_SIZED       0x20 /* known_size is its size (skeleton) */
#define MIME_PART_ABSENT      0x40 /* its body was not fetched */

struct mime_part {
	struct mime_part *parent;
	struct mime_part *child; /* first part, or the enclosed message */
	struct mime_part *next;
	struct mime_header *hdrs;
	size_t nhdrs;
	char type[MIME_TYPE_MAX]; /* "text/plain", lower case */
	const char *body;         /* raw body, transfer-encoded */
	size_t bodylen;
	enum mime_cte cte;
	unsigned flags;
	int depth;
	size_t known_size; /* MIME_PART_SIZED: decoded bytes */
};

struct mime_msg {
	char *data; /* the copy of the message */
	size_t len;
	struct mime_part *root;
	size_t nparts;
	size_t nhdrs;
	int truncated;
	char **bufs; /* decoded bodies of encoded message parts */
	size_t nbufs;
};

/* A parameter as it stands in the field: name=value or name="value". */
struct mime_rawparam {
	const char *name;
	size_t namelen;
	const char *value; /* quoted values still have their escapes */
	size_t valuelen;
	int quoted;
};

/* src/mime/parse.c */
const struct mime_header *mime_header_find(const struct mime_part *,
    const char *);
enum mime_cte mime_cte_parse(const char *, size_t);
/* A raw parameter of a part's field (no RFC 2231); -1 when absent. */
int mime_part_param_raw(const struct mime_part *, const char *, const char *,
    struct pt_buf *);

/* src/mime/param.c */
/*
 * Reads "type/subtype" (or a disposition token when no slash) into
 * type, lower case, and returns the offset where the parameters begin.
 * type is "" when the value has no valid token.
 */
size_t mime_type_parse(const char *, size_t, char *, size_t);
/* Splits parameters; returns how many were stored (at most max). */
size_t mime_params_split(const char *, size_t, struct mime_rawparam *, size_t);
/* Appends a value, quotes and escapes undone, folding removed. */
int mime_rawparam_value(const struct mime_rawparam *, struct pt_buf *,
    struct pt_error *);
/* The raw value of a parameter (no RFC 2231), or -1 when absent. */
int mime_param_raw(const char *, size_t, const char *, struct pt_buf *);

/* src/mime/charset.c */
/* 1 when the bytes are valid UTF-8 (NUL allowed). */
int mime_utf8_valid(const char *, size_t);
/* Appends bytes whose charset is not known: UTF-8 or windows-1252. */
int mime_guess_to_utf8(struct pt_buf *, const char *, size_t,
    struct pt_error *);
/* Replaces each NUL in the buffer by U+FFFD. */
int mime_nul_replace(struct pt_buf *, struct pt_error *);

/* src/mime/rfc2047.c */
/* Unfolds: removes a line break that a space or tab follows. */
int mime_unfold(struct pt_buf *, const char *, size_t, struct pt_error *);
/* Appends an unstructured value decoded (see mime_header_decode). */
int mime_rfc2047_append(struct pt_buf *, const char *, size_t,
    struct pt_error *);

/*
 * 1 when a field of this name (len bytes) holds addresses, among those
 * mime_compose's extra may carry: Mail-Followup-To, Mail-Reply-To,
 * Disposition-Notification-To, Return-Receipt-To (src/mime/build.c).
 */
int mime_field_is_address(const char *, size_t);

/* Small helpers (src/mime/parse.c). */
int mime_lower(int);
int mime_ci_eq(const char *, size_t, const char *);
int mime_ci_prefix(const char *, size_t, const char *);
int mime_is_wsp(int);
/* The value of a hexadecimal digit, or -1. */
int mime_hex(int);

#endif
