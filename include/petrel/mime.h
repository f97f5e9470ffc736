/*
 * mime: reading mail correctly and safely.  Turns the bytes of one
 * message into the text the pager shows: structure, transfer encodings,
 * charsets, RFC 2047 headers, RFC 2231 parameters, format=flowed, a
 * built-in HTML to text converter, and wrapping to a width.  Depends on
 * core only: no I/O, no configuration, so everything here is pure and
 * can be unit-tested and fuzzed.
 *
 *	src/mime/prescan.c	the guard for libetpan's mailmime_parse
 *	src/mime/parse.c	headers and the part tree (own parser)
 *	src/mime/param.c	Content-Type parameters, RFC 2231
 *	src/mime/decode.c	base64, quoted-printable, uuencode
 *	src/mime/charset.c	charset names, aliases, iconv to UTF-8
 *	src/mime/rfc2047.c	encoded words, address lists for display
 *	src/mime/flowed.c	format=flowed (RFC 3676), text/enriched
 *	src/mime/html.c		HTML to plain text
 *	src/mime/wrap.c		wrapping by display width, UAX #14 for CJK
 *	src/mime/render.c	a whole message as the pager shows it
 *	src/mime/lookalike.c	look-alike senders (UTS #39), punycode
 *	src/mime/skeleton.c	a message rebuilt from its IMAP structure
 *				and the parts fetched
 *	src/mime/private.h	what the files above share
 *
 * Why petrel parses MIME itself.  libetpan 1.9.4's mailmime_parse writes
 * out of bounds on `boundary="\""` and recurses once per nesting level
 * with quadratic time (LIBETPAN.md section 5); it also drops or alters
 * raw 8-bit header bytes that the display needs, and decodes neither
 * split multibyte encoded words nor RFC 2231.  The parser here works on
 * byte ranges of one buffer, never copies a part it does not decode,
 * recurses at most MIME_MAX_DEPTH levels and stops creating parts at
 * MIME_MAX_PARTS, so its time and memory are linear in the input.  For
 * any caller that still wants libetpan's parser, mime_prescan says
 * whether a message is safe to hand to it.
 *
 * Decisions worth knowing:
 *   - A header block ends at the first empty line or at the first line
 *     that is neither a field nor a continuation, so no byte of a broken
 *     message disappears: it shows in the body instead.  A first line
 *     that is not a field means the message has no header at all.  A
 *     leading mbox "From " line and a UTF-8 BOM are skipped.
 *   - Multipart delimiters match exactly ("--" boundary, optional "--",
 *     optional white space); each multipart scans only its own range for
 *     its own boundary, since its range already ends where an outer
 *     delimiter begins.  A multipart with no usable boundary, or whose
 *     boundary never appears, is shown as text.
 *   - Charsets: us-ascii and unlabelled 8-bit text is read as UTF-8 when
 *     valid, else windows-1252; iso-8859-1 is read as windows-1252;
 *     gb2312 as GBK; ks_c_5601-1987 and euc-kr as CP949 (a superset of
 *     EUC-KR); iso-8859-8-i as ISO-8859-8; iso-2022-jp as ISO-2022-JP-2;
 *     shift_jis as CP932; UTF-16 honours a BOM (big-endian without one).
 *     Unknown names are guessed as above and noted; invalid bytes become
 *     U+FFFD and are noted.  Charset names are checked before they reach
 *     iconv_open, so "//" suffixes and paths never do.
 *   - Encoded words inside quoted display names are decoded (as most
 *     mailers do), and a display name that then contains address
 *     specials is shown quoted, so it cannot pose as another address.
 *   - Strings returned by the decoders never contain NUL: a NUL byte in
 *     the data becomes U+FFFD, so a C string cannot hide a suffix.
 *   - Decoded text may still contain control characters.  Only the
 *     output of mime_render is terminal-safe (it passed pt_sanitize).
 *   - A From whose words mix Latin, Greek and Cyrillic letters, that
 *     holds a fullwidth "@" or undecodable punycode, or whose name or
 *     domain label is written wholly in Cyrillic, Greek, Armenian or
 *     Cherokee letters that look Latin (UTS #39 whole-script
 *     confusables, "xn--" labels decoded) gets a note (mime_lookalike).
 *
 * Threads: every function may be called from any thread; nothing here
 * keeps global state (iconv descriptors are opened per call).
 *
 * Ownership: a returned char * belongs to the caller (free it).  A
 * struct mime_msg owns a copy of the message and every part in it; the
 * const pointers its accessors return live as long as the message.
 */
#ifndef PETREL_MIME_H
#define PETREL_MIME_H

#include <stddef.h>

#include "petrel/core.h"

/* Limits.  Beyond them a message is shown degraded, with a note. */
#define MIME_MAX_SIZE  ((size_t)64 * 1024 * 1024) /* bytes of a message */
#define MIME_MAX_DEPTH 32    /* nested multiparts and messages */
#define MIME_MAX_PARTS 10000 /* parts of one message */

/*
 * Notes: what went wrong while decoding, as bits.  Decoding never fails
 * on bad data; it repairs and says so here.
 */
#define MIME_NOTE_BAD_BASE64      0x01 /* invalid base64 characters */
#define MIME_NOTE_BAD_QP          0x02 /* broken =XX sequences */
#define MIME_NOTE_UNKNOWN_CTE     0x04 /* unknown transfer encoding */
#define MIME_NOTE_UNKNOWN_CHARSET 0x08 /* charset guessed */
#define MIME_NOTE_BAD_BYTES       0x10 /* bytes replaced by U+FFFD */

/*
 * Pre-scan.  Returns 0 when libetpan 1.9.4's mailmime_parse may be given
 * the message, else a mask of the reasons below.  It costs one pass over
 * the bytes.  mime_parse and mime_render do not need it for safety; they
 * use only MIME_SCAN_TOO_BIG (a message over the cap is shown raw).
 */
#define MIME_SCAN_TOO_BIG       0x1 /* more than MIME_MAX_SIZE bytes */
#define MIME_SCAN_TOO_DEEP      0x2 /* too many multipart/message types */
#define MIME_SCAN_BAD_BOUNDARY  0x4 /* a boundary libetpan mishandles */
#define MIME_PRESCAN_MAX_NESTED 50  /* multipart or message Content-Types */

unsigned mime_prescan(const char *, size_t);

/* The part tree. */

struct mime_msg;
struct mime_part;

/*
 * Parses a message (copied; the caller keeps its bytes).  Fails only
 * when it is larger than MIME_MAX_SIZE (PT_E_PROTO).  Free the result
 * with mime_msg_free.
 */
struct mime_msg *mime_parse(const char *, size_t, struct pt_error *);
void mime_msg_free(struct mime_msg **);

/* The top part: the message itself, whose headers are the message's. */
const struct mime_part *mime_msg_root(const struct mime_msg *);
/* How many parts the tree has. */
size_t mime_msg_nparts(const struct mime_msg *);
/* 1 when the parts cap was hit: the parts after it are not in the tree. */
int mime_msg_truncated(const struct mime_msg *);

/*
 * Navigation.  A multipart's children are its parts; a message/rfc822
 * part has one child, the enclosed message.  NULL at the end.
 */
const struct mime_part *mime_part_child(const struct mime_part *);
const struct mime_part *mime_part_next(const struct mime_part *);
const struct mime_part *mime_part_parent(const struct mime_part *);

/*
 * The media type in lower case, "text/plain" when absent or invalid
 * ("message/rfc822" inside multipart/digest).  Borrowed.
 */
const char *mime_part_type(const struct mime_part *);
/* The first field of that name (any case), raw and still folded. */
const char *mime_part_header(const struct mime_part *, const char *, size_t *);
/* A Content-Type parameter, RFC 2231 and RFC 2047 decoded, or NULL. */
char *mime_part_param(const struct mime_part *, const char *);
/*
 * The attachment's file name as UTF-8 (Content-Disposition filename,
 * else Content-Type name), or NULL.  Not yet safe as a path: saving must
 * still strip separators and controls.
 */
char *mime_part_filename(const struct mime_part *);
/* 1 when Content-Disposition says "attachment". */
int mime_part_is_attachment(const struct mime_part *);
/*
 * Appends the body with its transfer encoding undone.  Fails only when
 * out reaches its cap.
 */
int mime_part_decode(const struct mime_part *, struct pt_buf *, unsigned *,
    struct pt_error *);

/* Decoders (append to out; fail only when out reaches its cap). */

int mime_decode_base64(struct pt_buf *, const char *, size_t, unsigned *,
    struct pt_error *);
/*
 * The decoded size of a base64 body of that many bytes, from its first
 * bytes (a line and its end) and its last few, when its lines all have
 * the length of the first (as encoders write them); 0 when that cannot
 * be told.  For parts not fetched (IMAP partial fetches give both ends).
 */
size_t mime_base64_size(size_t, const char *, size_t, const char *, size_t);
/* Quoted-printable; header != 0 selects RFC 2047 "Q" ("_" is a space). */
int mime_decode_qp(struct pt_buf *, const char *, size_t, int, unsigned *,
    struct pt_error *);
/* uuencode ("begin" line to "end"), as x-uue transfer encoding. */
int mime_decode_uu(struct pt_buf *, const char *, size_t, unsigned *,
    struct pt_error *);
/*
 * Streaming decode of a transfer encoding ("base64", "quoted-printable";
 * any other name passes the bytes through, an unknown one with
 * MIME_NOTE_UNKNOWN_CTE), for parts too big to hold: feed the encoded
 * bytes in pieces of any size, the decoded bytes go to fn in chunks of
 * at most 4 KiB (fn returns 0, or -1 to stop: feed and end then fail).
 * The output and notes equal mime_part_decode's for the same bytes,
 * except that uuencode passes through (it is not streamed).
 * mime_stream_end flushes and adds the notes; free with mime_stream_free.
 */
struct mime_stream;

struct mime_stream *mime_stream_new(const char *,
    int (*)(void *, const char *, size_t), void *);
int mime_stream_feed(struct mime_stream *, const char *, size_t,
    struct pt_error *);
int mime_stream_end(struct mime_stream *, unsigned *, struct pt_error *);
void mime_stream_free(struct mime_stream **);

/*
 * Converts text in charset (any spelling, NULL or "" for none) to
 * UTF-8.  NUL bytes are kept; invalid bytes become U+FFFD.
 */
int mime_charset_to_utf8(struct pt_buf *, const char *, const char *, size_t,
    unsigned *, struct pt_error *);
/* The iconv name petrel uses for a charset label, or NULL (guess). */
const char *mime_charset_name(const char *, char *, size_t);

/*
 * RFC 2047.  mime_header_decode decodes an unstructured field value
 * (Subject): unfolds, joins adjacent encoded words of one charset before
 * converting them, and reads raw 8-bit text as UTF-8 when it is valid,
 * else windows-1252.  mime_address_decode formats an address field
 * (From, To, Cc) for display: "Name <addr>", names quoted when they
 * contain specials.  Both return UTF-8 without NUL; never NULL.
 */
char *mime_header_decode(const char *, size_t);
char *mime_address_decode(const char *, size_t);

/*
 * The value of parameter name in a Content-Type or Content-Disposition
 * field value (after the type), with RFC 2231 continuations, charset and
 * language handled, and RFC 2047 words in quoted values decoded.  NULL
 * when absent.
 */
char *mime_param_decode(const char *, size_t, const char *);

/* Text transformations on UTF-8. */

/* format=flowed (RFC 3676) to one line per paragraph, quotes kept. */
int mime_flowed_unflow(struct pt_buf *, const char *, size_t, int delsp,
    struct pt_error *);
/* text/enriched (richtext != 0: text/richtext) to plain text. */
int mime_enriched_to_text(struct pt_buf *, const char *, size_t, int,
    struct pt_error *);
/*
 * HTML to plain text: paragraphs, lists, quotes, links as numbered
 * references listed at the end; scripts and styles dropped; entities
 * decoded.  width is used for rules (<hr>).
 */
int mime_html_to_text(struct pt_buf *, const char *, size_t, unsigned,
    struct pt_error *);
/*
 * Wraps lines longer than width columns at spaces, between Chinese or
 * Japanese characters (UAX #14, with kinsoku: not before closing
 * punctuation or small kana, not after opening punctuation; Korean at
 * spaces only), or anywhere when a word is longer than a line.  A wrapped
 * line's continuation repeats its leading quote marks and indentation,
 * or cont when it is not NULL.  Trailing spaces are removed.
 */
int mime_wrap(struct pt_buf *, const char *, size_t, unsigned, const char *,
    struct pt_error *);

/* Rendering. */

#define MIME_WIDTH_DEFAULT 80
#define MIME_WIDTH_MIN     20
#define MIME_WIDTH_MAX     1000

struct mime_render_opts {
	unsigned width;  /* columns; 0 means MIME_WIDTH_DEFAULT */
	int prefer_html; /* in multipart/alternative, html over plain */
	int no_headers;  /* the body only: the caller shows the headers */
	/*
	 * Optional: turns a text/html part (UTF-8, LF line ends) into text,
	 * as a mailcap viewer does; the module stays pure because the
	 * caller supplies it.  It returns malloc'd text (read as UTF-8,
	 * then sanitized and wrapped like any other text) and its length,
	 * or NULL: the built-in converter is used, with a note when err
	 * was set (a failed viewer) and silently when it was not (none
	 * configured).  NULL here means the built-in converter.
	 */
	char *(*html_filter)(void *, const char *, size_t, size_t *,
	    struct pt_error *);
	void *html_filter_arg;
	/*
	 * Optional, for a skeleton (mime_skeleton_parse): gets the section
	 * of each part that was not fetched and whose body the rendering
	 * needed (to show it, or to choose among alternatives).  Fetch
	 * those and render again; the output until then shows them empty.
	 */
	struct mime_missing *missing;
};

struct mime_missing {
	char **v; /* sections, "1.2"; each once */
	size_t n;
};

void mime_missing_release(struct mime_missing *);

/*
 * A message rebuilt from its IMAP BODYSTRUCTURE.  The parts come depth
 * first as the structure lists them: the message itself first (depth
 * 0), a message/rfc822 part followed by its enclosed message (one level
 * deeper, multipart or not), then that message's parts.  header is the
 * part's header block as the server gives it: BODY[HEADER] for the
 * message, BODY[section.MIME] for a part, BODY[section.HEADER] of the
 * message/rfc822 part for an enclosed message.  body is a leaf's body as
 * fetched (still transfer-encoded), or NULL when it was not: the part is
 * then marked absent and shown with its size from the structure.  All
 * strings are borrowed for the call.
 */
struct mime_skel_part {
	const char *section;  /* "" for a multipart message, "1.2", ... */
	const char *type;     /* "multipart/mixed", lower case */
	const char *encoding; /* "base64", ... lower case */
	int depth;
	const char *header;
	size_t headerlen;
	const char *body;
	size_t bodylen;
	size_t size;    /* encoded bytes (BODYSTRUCTURE) */
	size_t decoded; /* a body not fetched: its decoded size, 0 unknown */
};

#define MIME_SKEL_MAX_PARTS 1000

/*
 * Parses the skeleton of those parts (free it with mime_msg_free).
 * NULL with PT_E_PROTO when the structure does not hold together (not a
 * tree, more than MIME_SKEL_MAX_PARTS parts, a multipart whose header
 * gives another type or no boundary, an encoded message part): the
 * caller then fetches the whole message.
 */
struct mime_msg *mime_skeleton_parse(const struct mime_skel_part *, size_t,
    struct pt_error *);
/*
 * 1 when the part's bytes in a skeleton are not the server's: a leaf
 * that was not fetched, or a message part rebuilt from its parts (to
 * save one, fetch it).  Its size (decoded bytes) goes to *size (may be
 * NULL).
 */
int mime_part_absent(const struct mime_part *, size_t *);
/* The part's IMAP section ("1.2"; "" for a multipart message). */
char *mime_part_section(const struct mime_part *);
/* Adds the section of an absent part to the list (once). */
void mime_missing_add(struct mime_missing *, const struct mime_part *);

/*
 * When a decoded From field (mime_address_decode) looks made to imitate
 * someone, the note to show under it (translated; the caller frees it),
 * else NULL: a word mixing Latin, Greek and Cyrillic letters, a
 * fullwidth at sign, punycode that does not decode, or a name or domain
 * label written in another script's Latin look-alikes, which the note
 * names ("... looks like apple.com written in Cyrillic letters").
 * mime_render notes it under the From line; a caller that shows headers
 * itself asks here.
 */
char *mime_lookalike(const char *);

/*
 * The message as the pager shows it: From, To, Cc, Date and Subject,
 * then the body and a line for each attachment, wrapped to the width,
 * sanitized (PT_SAN_NEWLINES | PT_SAN_TABS), ending in one newline.
 * Never NULL.  A message that cannot be parsed comes back raw and
 * sanitized with a note, and warn (may be NULL) says why; otherwise warn
 * is left alone.  opts may be NULL.
 */
char *mime_render(const char *, size_t, const struct mime_render_opts *,
    size_t *, struct pt_error *);
/* The same for a parsed message. */
char *mime_render_msg(const struct mime_msg *, const struct mime_render_opts *,
    size_t *);

/*
 * ---- send: building outgoing mail (begin) ----------------------------
 *
 *	src/mime/build.c	a whole message from a struct mime_compose
 *	src/mime/encode.c	RFC 2047 words and folding, RFC 2231
 *				parameters, quoted-printable, base64,
 *				dates, Message-IDs, types from file names
 *	src/mime/addr.c		address lists typed by people: parse,
 *				check, write folded with encoded names
 *	src/mime/mailto.c	mailto: URIs (RFC 6068)
 *	src/mime/draft.c	the editor's draft file (mutt's -H format)
 *	src/mime/send.h		what those files share
 *
 * What comes out is 7-bit clean with CRLF line ends: header words with
 * non-ASCII characters become RFC 2047 encoded words (UTF-8, "Q" or "B"
 * whichever is shorter, never splitting a character), header lines are
 * folded at 78 columns where a break is possible and never pass 998
 * octets, attachment names are RFC 2231 parameters (plus an encoded
 * Content-Type name for old readers), the text is 7bit when it can be,
 * else quoted-printable or base64 (whichever is shorter), attachments
 * are base64 unless they are 7-bit text with CRLF lines.  No Bcc field
 * is ever written: Bcc recipients are only in the envelope.  The
 * module stays pure: the caller passes the time, the time zone and
 * random letters (the nonce) for the Message-ID and the boundary, and
 * reads attachment files itself.
 */

/* One address: name is UTF-8 or NULL, addr is ASCII local@domain. */
struct mime_addr {
	char *name;
	char *addr;
};

struct mime_addrlist {
	struct mime_addr *v;
	size_t n, cap;
};

/*
 * Appends the addresses of a list typed by a person ("Zoë
 * <zoe@example.org>, bob@example.org (Bob)"; ',' or ';' between them)
 * to l, each checked with mime_addr_check.  s may be NULL.  On error
 * (PT_E_CONFIG, naming the address) l keeps what came before it.
 */
int mime_addrlist_parse(const char *, struct mime_addrlist *,
    struct pt_error *);
/*
 * One step of scanning an address list (RFC 5322) a character at a
 * time, for this parser and for imap's summary of a From field: 1 when
 * s[*i] lies in a quoted string or a comment, or opens one, and is
 * consumed (*i moves on past a character escaped in a quoted string);
 * 0 when it is outside both, for the caller to look at.  *inq and
 * *depth keep the state and start at 0.  s[*i] must be readable; len
 * bounds the escapes.
 */
int mime_addr_skip(const char *, size_t, size_t *, int *, int *);
void mime_addrlist_release(struct mime_addrlist *);
/* The index of addr in l (compared ignoring case), or -1. */
int mime_addrlist_find(const struct mime_addrlist *, const char *);
/*
 * The addresses an account may send as: "name <email>" first, then
 * those of extra (its identities option, a list as people type it;
 * NULL for none), appended to l.  -1 with err set (PT_E_CONFIG) when
 * extra holds a bad address; l then keeps those before it.
 */
int mime_identities(const char *, const char *, const char *,
    struct mime_addrlist *, struct pt_error *);
/*
 * 0 when addr is an address petrel can send to: ASCII, a dot-atom or
 * quoted local part of at most 64 bytes, '@', a domain of letters,
 * digits and hyphens (or an address literal), 254 bytes at most.
 */
int mime_addr_check(const char *, struct pt_error *);
/* "Name <addr>" for people (name quoted when it has specials). */
char *mime_addr_display(const struct mime_addr *);

/* Writes "Name: addresses" + CRLF, folded, names encoded as needed. */
int mime_header_addresses(struct pt_buf *, const char *,
    const struct mime_addrlist *, struct pt_error *);
/* Writes an unstructured field ("Subject") + CRLF, folded and encoded. */
int mime_header_encode(struct pt_buf *, const char *, const char *,
    struct pt_error *);

/* Bodies: base64 in 76-column lines; quoted-printable of CRLF text. */
int mime_encode_base64(struct pt_buf *, const void *, size_t,
    struct pt_error *);
int mime_encode_qp(struct pt_buf *, const char *, size_t, struct pt_error *);

/*
 * An RFC 5322 date, "Tue, 07 Jan 2025 13:05:09 +0100", of t (seconds
 * since the epoch) in a zone tzoff minutes east of UTC.  0, or -1 when
 * buf is too small (40 bytes are enough).
 */
int mime_date_format(int64_t, int, char *, size_t);
/* "<base36 time.nonce@domain>"; the caller frees it. */
char *mime_message_id(const char *, const char *, int64_t);
/*
 * A media type from a file name's extension ("x.PDF" -> application/pdf),
 * application/octet-stream when unknown.  Static string.
 */
const char *mime_type_from_name(const char *);

/* An attachment: bytes and their type, borrowed for the build. */
struct mime_attachment {
	const char *filename; /* UTF-8 (a path is cut to its last part) */
	const char *type;     /* "image/png"; NULL: application/octet-stream */
	const void *data;
	size_t len;
	int is_inline; /* Content-Disposition: inline */
	/*
	 * When data is NULL: the bytes come from read(read_arg, buf, n),
	 * called until it returns 0 (-1: an error), and go out in base64,
	 * so that a big file is never whole in memory next to the message.
	 */
	long (*read)(void *, void *, size_t);
	void *read_arg;
};

/*
 * A header field petrel passes through as the user wrote it (X-Priority,
 * Organization, Mail-Followup-To...): the name printable ASCII without
 * ':', the value UTF-8 on one line without control characters.
 */
struct mime_field {
	char *name, *value;
};

/*
 * 0 when a draft may carry a field of this name (len bytes): printable
 * ASCII without ':', at most 76 bytes, and not one petrel writes itself
 * (Message-ID, Date, MIME-Version, Content-*, Sender, User-Agent,
 * Return-Path, Received, Resent-*); else -1 with err set (PT_E_CONFIG,
 * a message naming the field).
 */
int mime_field_check(const char *, size_t, struct pt_error *);

/* What a message is made of.  Strings are UTF-8; NULL means none. */
struct mime_compose {
	const char *from; /* exactly one address */
	const char *to, *cc, *bcc, *reply_to;
	const char *subject;
	const char *in_reply_to; /* "<id>" */
	const char *references;  /* "<id> <id> ..." */
	const char *body;        /* the text; LF or CRLF line ends */
	size_t bodylen;
	const struct mime_attachment *att;
	size_t natt;
	int64_t date;           /* seconds since the epoch */
	int tzoff;              /* minutes east of UTC */
	const char *nonce;      /* 16+ random letters and digits */
	const char *message_id; /* "<id>", or NULL: made from the nonce */
	const char *user_agent; /* or NULL */
	/*
	 * Other fields, in order, after the threading ones: RFC 2047
	 * encoded and folded (Mail-Followup-To, Mail-Reply-To,
	 * Disposition-Notification-To and Return-Receipt-To as
	 * addresses); one that fails mime_field_check, names a field the
	 * struct has, or holds a bad address fails the build.
	 */
	const struct mime_field *extra;
	size_t nextra;
	int draft; /* for the Drafts folder: Bcc kept, recipients optional */
};

/* The SMTP envelope of a built message (all strings owned). */
struct mime_envelope {
	char *from;  /* the From address */
	char **rcpt; /* To, Cc and Bcc addresses, each once */
	size_t nrcpt;
	char *message_id; /* "<id>" */
};

/*
 * Builds the message into out (appended; out's cap bounds its size)
 * and fills env.  Fails with PT_E_CONFIG for a bad or missing address,
 * a From that is not one address, no recipient, a bad Message-ID,
 * In-Reply-To or nonce, or header text that is not UTF-8; a body that
 * is not UTF-8 is read as windows-1252.  On failure env is empty.
 */
int mime_compose_build(const struct mime_compose *, struct pt_buf *,
    struct mime_envelope *, struct pt_error *);
void mime_envelope_release(struct mime_envelope *);

/* "Re: " + subject, unless it already starts with "Re:". */
char *mime_reply_subject(const char *);
/*
 * The References of a reply (RFC 5322 section 3.6.4): the parent's
 * References (or its In-Reply-To when it has none) and its Message-ID,
 * at most 20 ids (the first and the last 19).  Any argument may be NULL
 * or hold junk: only well-formed "<...>" ids are kept.  NULL when none.
 */
char *mime_reply_references(const char *, const char *, const char *);

/*
 * A mailto: URI (RFC 6068): its addresses and the to, cc, bcc, subject,
 * body and in-reply-to fields, percent-decoded (other fields are
 * ignored, as the RFC advises).  Fields are NULL when absent; several
 * to/cc/bcc are joined with ", ".  PT_E_CONFIG when it is not a mailto:
 * URI or decodes to invalid UTF-8 or NUL.
 */
struct mime_mailto {
	char *to, *cc, *bcc, *subject, *body, *in_reply_to;
};

int mime_mailto_parse(const char *, struct mime_mailto *, struct pt_error *);
void mime_mailto_release(struct mime_mailto *);

/*
 * A draft file (src/mime/draft.c), as compose writes it and petrel -H,
 * the engine's sender and recall read it: header fields (folded lines
 * joined; several To, Cc or Bcc fields joined with ", "; one Attach:
 * line per file; other fields kept in order for the message), an empty
 * line, then the text.  A file that does not start with a field is all
 * text.  Strings are owned by the struct (NULL when absent).
 */
struct mime_draft {
	char *from; /* one of the account's addresses, or NULL: its own */
	char *to, *cc, *bcc, *subject, *reply_to, *in_reply_to, *references;
	char **attach; /* file paths */
	size_t nattach;
	struct mime_field *extra; /* the other fields, none empty */
	size_t nextra;
	char *body; /* NUL-terminated; bodylen bytes */
	size_t bodylen;
};

/*
 * Parses len bytes; PT_E_CONFIG for a header line without a name (a
 * name is printable ASCII) or a field mime_field_check refuses.  A NUL
 * in a field becomes a space (in another field, any control character
 * does); the text keeps every byte.  Written back by mime_draft_format, a draft
 * reads back the same.
 */
int mime_draft_parse(const char *, size_t, struct mime_draft *,
    struct pt_error *);
void mime_draft_release(struct mime_draft *);
/* The draft file's text (From if set; To, Cc, Bcc, Subject always). */
void mime_draft_format(const struct mime_draft *, struct pt_buf *);

/* A part of a message that becomes a file beside the draft. */
struct mime_draft_part {
	char *name; /* safe as a file name (mime_filename_safe) */
	char *data; /* transfer encoding undone */
	size_t len;
};

/*
 * Turns a message (a postponed draft, an outbox message) back into a
 * draft: From, To, Cc, Bcc, Subject, Reply-To (RFC 2047 decoded),
 * In-Reply-To and References, the other fields of its header that
 * mime_field_check accepts (decoded, never an Attach); the first
 * text/plain part that is not an attachment as the body, decoded to
 * UTF-8 with LF line ends; every
 * other part as a struct mime_draft_part (the caller writes them as
 * files and adds their paths to d->attach).  Free parts with
 * mime_draft_parts_free. PT_E_PROTO when the message is too big.
 */
int mime_draft_from_message(const char *, size_t, struct mime_draft *,
    struct mime_draft_part **, size_t *, struct pt_error *);
void mime_draft_parts_free(struct mime_draft_part **, size_t);

/*
 * A file name that stays in the folder it is written to: the last path
 * component, no control characters or ':', no leading dots or spaces;
 * "attachment-<idx + 1>" when nothing is left.  The caller frees.
 */
char *mime_filename_safe(const char *, size_t);

/* ---- send: building outgoing mail (end) ---- */

#endif
