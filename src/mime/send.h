/*
 * send.h: what the files that build outgoing mail share (build.c,
 * encode.c, addr.c, mailto.c).  Not to be included outside src/mime/.
 */
#ifndef PETREL_MIME_SEND_H
#define PETREL_MIME_SEND_H

#include <stddef.h>

#include "petrel/core.h"

/* Header lines are folded to this width when a break is possible. */
#define MIME_FOLD_WIDTH 78

/* A header field being written, with its column for folding. */
struct mime_fold {
	struct pt_buf *out;
	size_t col;
	size_t start; /* the column right after "Name:" */
	struct pt_error *err;
	int rc;
};

/* Starts a field "name:" (name NULL: a continuation of a field). */
void mime_fold_init(struct mime_fold *, struct pt_buf *, const char *,
    struct pt_error *);
/* Appends sep + tok, breaking the line before sep when it is full. */
void mime_fold_add(struct mime_fold *, const char *, const char *, size_t, int);
/* Ends the field with CRLF; returns 0 or -1 (the buffer's cap). */
int mime_fold_end(struct mime_fold *);
/* Appends s as the inside of a quoted string: '"' and '\\' escaped. */
void mime_quoted_add(struct pt_buf *, const char *, size_t);
/* A display name as atoms, a quoted string or encoded words. */
void mime_fold_phrase(struct mime_fold *, const char *, const char *);
/* "; attr=value", with RFC 2231 sections for long or non-ASCII values. */
void mime_fold_param(struct mime_fold *, const char *, const char *);
/* 1 when "Q" words are at most half again as long as "B" ones. */
int mime_ew_choose_q(const char *, size_t);

#endif
