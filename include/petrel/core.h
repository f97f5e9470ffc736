/*
 * core: the ground every other petrel module stands on.
 *
 * Owns: the error type, allocation that never returns NULL, capped byte
 * buffers, secrets, UTF-8 helpers, the terminal-safe text sanitizer,
 * XDG paths and atomic file writes, the log file and the gettext glue.
 * Depends on libc only.
 *
 *	src/core/error.c	struct pt_error, pt_error_set/prefix
 *	src/core/xmalloc.c	pt_x* allocators, pt_fatal
 *	src/core/buf.c		struct pt_buf (capped, always NUL-terminated)
 *	src/core/secret.c	struct pt_secret (wiped before free)
 *	src/core/sasl.c		base64, the XOAUTH2 client messages
 *	src/core/utf8.c		decode, encode, validate, display width
 *	src/core/sanitize.c	text from the network -> harmless text
 *	src/core/path.c		XDG folders, mkdir -p, atomic write,
 *				write-all
 *	src/core/log.c		the log file (never the terminal under curses)
 *	src/core/i18n.c		setlocale and gettext set-up
 *
 * Threads: everything here may be called from any thread, except
 * pt_log_open/pt_log_close and pt_i18n_init, which main calls before any
 * thread starts.  pt_log itself is serialised by a mutex.
 *
 * Ownership: a returned char * belongs to the caller (free it); a returned
 * const char * is borrowed and the comment says for how long.  Embedded
 * structs use X_init/X_release; after X_release the struct may be
 * X_init'ed again.
 */
#ifndef PETREL_CORE_H
#define PETREL_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/*
 * With -D_FORTIFY_SOURCE (Debian's default build flags) these headers
 * define inline wrappers named sprintf, strcpy, atoi...: they must be
 * read before banned.h turns those names into macros.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "petrel/banned.h"

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s)               gettext(s)
#define ngettext_(s, p, n) ngettext(s, p, n)
#else
#define _(s)               (s)
#define ngettext_(s, p, n) ((n) == 1 ? (s) : (p))
#endif
#define N_(s) (s)

#if defined(__GNUC__) || defined(__clang__)
#define PT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define PT_NORETURN     __attribute__((noreturn))
#define PT_UNUSED       __attribute__((unused))
#else
#define PT_PRINTF(f, a)
#define PT_NORETURN
#define PT_UNUSED
#endif

#define PT_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Errors. */

enum pt_errclass {
	PT_OK = 0,
	PT_E_INTERNAL,  /* a bug or a local resource problem */
	PT_E_CONFIG,    /* the configuration is wrong */
	PT_E_NET,       /* DNS, connect, timeout, connection lost */
	PT_E_TLS,       /* handshake or certificate */
	PT_E_AUTH,      /* the server rejected the credentials */
	PT_E_PROTO,     /* the server said something we cannot use */
	PT_E_REFUSED,   /* the server refused an operation */
	PT_E_CANCELLED, /* the user or the program cancelled */
	PT_E_IO         /* a local file could not be read or written */
};

/*
 * Fixed-size so that error paths never allocate and an error can be
 * copied by value into an event.  msg is user-facing and translated;
 * detail is for the log (server text, file:line).
 */
struct pt_error {
	enum pt_errclass class;
	int code;         /* errno, GnuTLS, libetpan or SMTP code */
	char msg[256];    /* user-facing, translated */
	char detail[512]; /* log only */
};

void pt_error_init(struct pt_error *);

/* Fills err (class, code, message) and returns -1.  err may be NULL. */
int pt_error_set(struct pt_error *, enum pt_errclass, int, const char *, ...)
    PT_PRINTF(4, 5);

/* Sets the detail text (log only).  err may be NULL. */
void pt_error_detail(struct pt_error *, const char *, ...) PT_PRINTF(2, 3);

/* Puts "context: " before the message: "cannot open 'x': <old message>". */
void pt_error_prefix(struct pt_error *, const char *, ...) PT_PRINTF(2, 3);

/* A short untranslated name of the class, for logs and tests. */
const char *pt_errclass_name(enum pt_errclass);

/* Allocation: these abort with a message when memory runs out. */

void *pt_xmalloc(size_t);
void *pt_xcalloc(size_t, size_t);
void *pt_xreallocarray(void *, size_t, size_t);
char *pt_xstrdup(const char *);
char *pt_xstrndup(const char *, size_t);
char *pt_xasprintf(const char *, ...) PT_PRINTF(1, 2);
char *pt_xvasprintf(const char *, va_list) PT_PRINTF(1, 0);

/* For bugs and for startup failures before curses: prints and exits 1. */
void pt_fatal(const char *, ...) PT_PRINTF(1, 2) PT_NORETURN;

/* Copies src into dst of size n, always terminated; returns strlen(src). */
size_t pt_strlcpy(char *, const char *, size_t);

/*
 * Capped byte buffers.  data is always NUL-terminated (data is never NULL
 * after init).  A buffer holds at most max bytes; growing past it is a
 * PT_E_PROTO error (the network decides sizes, the cap keeps them sane).
 * max 0 means PT_BUF_MAX_DEFAULT.
 */
#define PT_BUF_MAX_DEFAULT ((size_t)64 * 1024 * 1024)

struct pt_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
};

void pt_buf_init(struct pt_buf *, size_t max);
void pt_buf_release(struct pt_buf *);
void pt_buf_reset(struct pt_buf *);
int pt_buf_add(struct pt_buf *, const void *, size_t, struct pt_error *);
int pt_buf_addstr(struct pt_buf *, const char *, struct pt_error *);
int pt_buf_addch(struct pt_buf *, char, struct pt_error *);
int pt_buf_printf(struct pt_buf *, struct pt_error *, const char *, ...)
    PT_PRINTF(3, 4);
/* Gives the caller the bytes (free them) and leaves the buffer empty. */
char *pt_buf_detach(struct pt_buf *, size_t *);

/* Secrets: wiped with explicit_bzero before they are freed. */

struct pt_secret {
	char *value; /* NUL-terminated, or NULL when unset */
	size_t len;
};

void pt_secret_init(struct pt_secret *);
void pt_secret_set(struct pt_secret *, const char *, size_t);
void pt_secret_release(struct pt_secret *);
/* Wipes and frees a heap string (NULL is fine). */
void pt_secret_free_str(char *);

/* SASL pieces petrel sends itself (src/core/sasl.c). */

/* Base64 of len bytes (RFC 4648, one line, padded); the caller frees. */
char *pt_base64(const void *, size_t);
/*
 * Decodes one line of base64 (padding optional); NULL when it holds any
 * other character.  The result is NUL-terminated, its length in *outlen
 * (may be NULL); the caller frees.
 */
char *pt_base64_decode(const char *, size_t, size_t *);
/*
 * XOAUTH2's initial client response, base64("user=" user "\1auth=Bearer "
 * token "\1\1"): a secret the caller frees with pt_secret_free_str.
 */
char *pt_xoauth2_response(const char *, const struct pt_secret *);
/*
 * The "status" of the base64 JSON a server sends as its XOAUTH2 error
 * challenge ("401", "invalid_token"), or "?" when it has none.
 */
void pt_xoauth2_status(const char *, char *, size_t);

/* UTF-8. */

#define PT_UTF8_INVALID 0xFFFFFFFFu

/*
 * Decodes one character at s (len > 0).  Returns the bytes consumed (at
 * least 1) and sets *cp, or PT_UTF8_INVALID for an invalid, overlong,
 * surrogate or truncated sequence (then 1 byte is consumed).
 */
size_t pt_utf8_decode(const char *, size_t, uint32_t *);
/* Encodes cp (<= 0x10FFFF) into out; returns 1..4. */
size_t pt_utf8_encode(uint32_t, char out[4]);
/* 1 when the bytes are valid UTF-8 with no NUL. */
int pt_utf8_valid(const char *, size_t);
/*
 * A new string: the UTF-8 text with each character in lower case
 * (towlower, so the locale's tables); invalid bytes are kept.
 */
char *pt_utf8_fold(const char *, size_t);
/* Columns one code point takes on a terminal: 0, 1 or 2 (-1 control). */
int pt_cp_width(uint32_t);
/* Columns valid UTF-8 text takes; invalid bytes count 1. */
size_t pt_utf8_width(const char *, size_t);

/*
 * The terminal-safe sanitizer.  Everything that came from a server or a
 * message passes here before it reaches the screen.  It appends to out
 * valid UTF-8 in which:
 *   - C0 controls and DEL become Unicode control pictures (U+2400..),
 *     so ESC starts no sequence: "\033[2J" shows as "␛[2J";
 *   - C1 controls (U+0080..U+009F) show as "<U+009B>";
 *   - bidi overrides, embeddings and isolates, and line/paragraph
 *     separators, show as "<U+202E>";
 *   - invalid UTF-8 becomes U+FFFD;
 *   - "\n" is kept with PT_SAN_NEWLINES, else shown as "␤"; a CR right
 *     before LF is dropped then;
 *   - tabs expand to the next multiple of 8 columns with PT_SAN_TABS
 *     (columns counted from the last newline), else become one space.
 * Fails only when out reaches its cap.
 */
#define PT_SAN_NEWLINES 0x1
#define PT_SAN_TABS     0x2

int pt_sanitize(struct pt_buf *, const char *, size_t, unsigned,
    struct pt_error *);
/* Convenience: returns a new sanitized string (one line, no newlines). */
char *pt_sanitize_line(const char *, size_t);

/* Paths and files. */

enum pt_xdg {
	PT_XDG_CONFIG, /* $XDG_CONFIG_HOME or ~/.config */
	PT_XDG_STATE,  /* $XDG_STATE_HOME or ~/.local/state */
	PT_XDG_CACHE,  /* $XDG_CACHE_HOME or ~/.cache */
	PT_XDG_DATA    /* $XDG_DATA_HOME or ~/.local/share */
};

/* "<base>/petrel/<rest>" (rest may be NULL); the caller frees it. */
char *pt_xdg_path(enum pt_xdg, const char *rest);
/* mkdir -p with mode for each created component. */
int pt_mkdir_p(const char *, int mode, struct pt_error *);
/*
 * Writes len bytes to path atomically: a temporary file in the same
 * folder with the given mode, fsync, rename over path, fsync the folder.
 * A reader sees the old file or the new one, never a part.
 */
int pt_file_write_atomic(const char *, const void *, size_t, int mode,
    struct pt_error *);
/* Writes all len bytes to fd, again after EINTR: 0, or -1 with errno. */
int pt_fd_write_all(int, const void *, size_t);
/* Reads a whole file (at most max bytes) into a new NUL-terminated buffer. */
char *pt_file_read(const char *, size_t max, size_t *lenp, struct pt_error *);

/* Logging. */

enum pt_loglevel { PT_LOG_DEBUG, PT_LOG_INFO, PT_LOG_WARN, PT_LOG_ERROR };

/*
 * Opens the log file (path NULL: $XDG_STATE_HOME/petrel/petrel.log),
 * mode 0600.  Before it is opened, or if opening failed, messages of
 * level WARN and above go to stderr unless pt_log_quiet_stderr(1) was
 * called (the UI does that before curses starts).
 */
int pt_log_open(const char *, struct pt_error *);
void pt_log_close(void);
void pt_log_quiet_stderr(int);
void pt_log_set_level(enum pt_loglevel);
void pt_log(enum pt_loglevel, const char *, ...) PT_PRINTF(2, 3);
#define pt_debug(...) pt_log(PT_LOG_DEBUG, __VA_ARGS__)
#define pt_info(...)  pt_log(PT_LOG_INFO, __VA_ARGS__)
#define pt_warn(...)  pt_log(PT_LOG_WARN, __VA_ARGS__)

/* gettext: setlocale(LC_ALL, "") and the text domain.  Main calls it. */
void pt_i18n_init(void);

#endif
