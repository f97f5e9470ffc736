/*
 * ui/private.h: what the files of src/ui share.  Nothing outside src/ui
 * includes it.
 *
 * The first half is pure (no curses, no engine): the message model, the
 * index view (threads, sort, limit, cursor), patterns, index line
 * formatting, text width helpers, the keymap and the line editor.  Unit
 * tests drive these directly.  The second half (ui_*, screens, prompts,
 * colours) runs on the UI thread under curses.
 */
#ifndef PETREL_UI_PRIVATE_H
#define PETREL_UI_PRIVATE_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "petrel/core.h"
#include "petrel/ui.h"

/*
 * Message flags, as the engine reports them.  The values are the
 * engine's own (ENG_F_*, which follow the header cache's).
 */
#define UI_F_SEEN      0x0001u
#define UI_F_ANSWERED  0x0002u
#define UI_F_FLAGGED   0x0004u
#define UI_F_DELETED   0x0008u
#define UI_F_DRAFT     0x0010u
#define UI_F_RECENT    0x0020u
#define UI_F_FORWARDED 0x0040u
#define UI_F_ATTACH    0x8000u

/* Marks the UI keeps per message (struct ui_msg.mark). */
#define UI_M_TAGGED    0x01u
#define UI_M_COLLAPSED 0x02u /* on a thread's root */
#define UI_M_DEAD      0x04u /* expunged; the slot goes at compaction */
#define UI_M_MATCH     0x08u /* scratch: matched the limit */

/* The strings of a message, stored back to back. */
enum ui_str {
	UI_S_FROM_NAME,
	UI_S_FROM_ADDR,
	UI_S_TO,
	UI_S_SUBJECT,
	UI_S_MSGID,
	UI_S_IRT,
	UI_S_REFS,
	UI_S_COUNT
};

/* Longest kept: display strings, and References. */
#define UI_STR_MAX  1024
#define UI_REFS_MAX 8192

/* One message in the model: about 64 bytes plus its strings. */
struct ui_msg {
	uint32_t uid;
	uint32_t flags; /* UI_F_* */
	int64_t date;   /* Date header, else arrival */
	int64_t arrival;
	uint32_t size;
	uint32_t seq;             /* order of arrival in the model */
	char *str;                /* UI_S_COUNT strings, NUL after each */
	uint16_t off[UI_S_COUNT]; /* where each starts in str */
	uint8_t mark;             /* UI_M_* */
};

/* What the model is given for a message (strings are copied). */
struct ui_msg_in {
	uint32_t uid;
	uint32_t flags;
	int64_t date;
	int64_t arrival;
	uint32_t size;
	const char *str[UI_S_COUNT]; /* NULL means empty */
};

/* A folder's messages.  Slots stay put until ui_model_compact. */
struct ui_model {
	struct ui_msg *msg;
	size_t n, cap;
	int32_t *hash; /* uid -> slot, -1 when free */
	size_t nhash, hashused;
	uint32_t nextseq;
	size_t ndead;
	unsigned gen; /* bumped when messages come or go */
};

void ui_model_init(struct ui_model *);
void ui_model_release(struct ui_model *);
void ui_model_clear(struct ui_model *);
/* The slot of uid, or -1. */
int32_t ui_model_find(const struct ui_model *, uint32_t);
/*
 * Adds a message, or updates it when the uid is known (flags and
 * strings; a dead slot comes back to life).  Display strings pass the
 * sanitizer here.  Returns the slot.
 */
int32_t ui_model_put(struct ui_model *, const struct ui_msg_in *);
/* Makes room for n messages at once (no regrowth while loading). */
void ui_model_reserve(struct ui_model *, size_t);
/* Marks the message expunged; 0, or -1 when the uid is unknown. */
int ui_model_remove(struct ui_model *, uint32_t);
/* Drops dead slots; slot numbers change (uids do not). */
void ui_model_compact(struct ui_model *);
const char *ui_msg_str(const struct ui_msg *, enum ui_str);
/* "Name" when there is one, else the address. */
const char *ui_msg_from(const struct ui_msg *);

/* thread.c */
struct ui_thread_in {
	const char *msgid, *irt, *refs, *subject;
	int64_t date;
};
/*
 * Threads n messages: parent[i] is the index of message i's parent in
 * the thread, or -1 for a root.  by_subject also joins roots that share
 * a base subject (JWZ step 5).  Never makes a cycle.
 */
void ui_thread_build(const struct ui_thread_in *, size_t, int, int32_t *);
/* The subject without Re:/Fwd:/[list] prefixes (borrowed, *len bytes). */
const char *ui_thread_subject_base(const char *, size_t *, int *);

/* pattern.c: limit and search patterns, mutt style. */
struct ui_pattern;
/*
 * Compiles a pattern: "~f alice ~U", "!~s (re|fw)", "~d <2w", a plain
 * word (searches From and Subject).  now anchors relative dates.
 */
struct ui_pattern *ui_pattern_compile(const char *, time_t, struct pt_error *);
void ui_pattern_free(struct ui_pattern **);
/* 1 when the message matches (server terms without results: no match). */
int ui_pattern_match(const struct ui_pattern *, const struct ui_msg *);
/*
 * Terms only the server can answer (~b body, ~B whole message, ~h
 * headers): how many, and the i-th's kind ('b', 'B' or 'h') and text.
 */
size_t ui_pattern_server_terms(const struct ui_pattern *);
const char *ui_pattern_server_term(const struct ui_pattern *, size_t, int *);
/* Gives term i its answer: the matching uids (copied). */
void ui_pattern_server_set(struct ui_pattern *, size_t, const uint32_t *,
    size_t);
/* 1 when some server term still waits for its answer. */
int ui_pattern_pending(const struct ui_pattern *);
/* Case-insensitive (unless the needle has upper case) substring match. */
int ui_text_contains(const char *, const char *);

/* view.c: the index as shown: order, threads, limit, cursor, scroll. */
enum ui_sort {
	UI_SORT_DATE,
	UI_SORT_ARRIVAL,
	UI_SORT_FROM,
	UI_SORT_SUBJECT,
	UI_SORT_SIZE,
	UI_SORT_THREADS
};

struct ui_view {
	struct ui_model *model;
	/* Rows in display order: slots of the model. */
	int32_t *rows;
	size_t nrows, caprows;
	/* Per slot, valid after a rebuild (sized model->n). */
	int32_t *row;     /* the slot's row, or -1 when not shown */
	int32_t *tparent; /* thread parent (slot) in the shown set */
	int32_t *tnext;   /* next shown sibling, or -1 */
	uint16_t *depth;  /* depth in its thread */
	uint32_t *ndesc;  /* descendants, for a collapsed root */
	size_t capslot;
	size_t cursor, top;
	int height; /* rows on screen; set by the drawer */
	enum ui_sort sort;
	int reverse;
	int by_subject;
	struct ui_pattern *limit; /* NULL: all */
	char *limit_text;
	int dirty; /* the rows must be rebuilt */
	/* Counts over the whole folder (not only the limit). */
	size_t total, unread, flagged, deleted, tagged;
};

void ui_view_init(struct ui_view *, struct ui_model *);
void ui_view_release(struct ui_view *);
/*
 * Rebuilds rows from the model (compacting it first), keeping the
 * cursor on the same message and on the same screen line when it can.
 * A vanished cursor message gives way to the next shown message (else
 * the one before it).
 */
void ui_view_rebuild(struct ui_view *);
/* Counts only (cheap; after flag changes). */
void ui_view_count(struct ui_view *);
/* The message under the cursor, or NULL when nothing is shown. */
struct ui_msg *ui_view_cursor_msg(const struct ui_view *);
struct ui_msg *ui_view_row_msg(const struct ui_view *, size_t);
/* Moves the cursor to a row (clamped) and scrolls to show it. */
void ui_view_set_cursor(struct ui_view *, long);
/* Moves to the message with this uid; 0, or -1 when it is not shown. */
int ui_view_goto_uid(struct ui_view *, uint32_t);
/* Scrolls by lines (the cursor stays on screen). */
void ui_view_scroll(struct ui_view *, long);
/* Pages the cursor and the screen by dir pages. */
void ui_view_page(struct ui_view *, int);
/* Keeps top so that the cursor is on screen. */
void ui_view_clamp(struct ui_view *);
/*
 * The next row after from (dir 1) or before it (dir -1) whose message
 * satisfies pred; wraps around when wrap is set.  -1 when none.
 */
long ui_view_find(const struct ui_view *, long, int, int,
    int (*)(const struct ui_msg *, const void *), const void *);
/* Thread navigation: the root of the row's thread, its next thread. */
long ui_view_thread_root(const struct ui_view *, long);
long ui_view_next_thread(const struct ui_view *, long, int);
long ui_view_parent(const struct ui_view *, long);
/*
 * The tree drawn before a subject ("├─>", "│ └─>"), in UTF-8 or ASCII;
 * empty for roots and when not sorted by threads.
 */
void ui_view_tree(const struct ui_view *, size_t, int, struct pt_buf *);
/*
 * Slots of the messages in the row's thread (root first; sub: only the
 * row's subthread).  Returns how many; *out is allocated.
 */
size_t ui_view_thread_slots(const struct ui_view *, size_t, int, int32_t **);
/* Sets the limit (NULL: none); takes ownership of p. */
void ui_view_set_limit(struct ui_view *, struct ui_pattern *, const char *);
const char *ui_sort_name(enum ui_sort);
int ui_sort_parse(const char *, enum ui_sort *);

/* text.c: display width. */
extern int ui_utf8; /* 1 in a UTF-8 locale (the default) */
/*
 * Appends s (len bytes of UTF-8, already sanitized) cut to at most maxw
 * columns and padded with spaces to minw; right aligns when right is
 * set.  A wide character that does not fit is replaced by spaces.
 * Returns the columns written.
 */
size_t ui_text_fit(struct pt_buf *, const char *, size_t, size_t, size_t, int);
/* The columns s takes (wcwidth; a non-printable counts 1). */
size_t ui_text_width(const char *, size_t);
/*
 * Links in a line: up to max byte ranges [from, to) of http(s)://,
 * ftp://, mailto: and www. addresses.  Returns how many.
 */
size_t ui_text_urls(const char *, size_t, size_t *, size_t *, size_t);
/* "1.2K", "34M": a size in at most 4 columns. */
void ui_text_size(char *, size_t, uint64_t);

/* format.c: one index line from a mutt-style format. */
struct ui_fmt_ctx {
	const struct ui_msg *msg;
	size_t number;        /* 1-based row number */
	const char *tree;     /* the thread tree, or "" */
	int hide_subject;     /* same subject as its parent */
	uint32_t ndesc;       /* collapsed thread: hidden messages */
	const char *date_fmt; /* strftime */
	const char *me;       /* the user's address: %F shows "To ..." */
};
/*
 * Expands fmt into out, exactly width columns wide.  Formats:
 *	%a address  %C number  %c size  %D date (date_fmt)  %d date
 *	%F from  %n from's name  %s subject with tree  %S status char
 *	%t To  %u uid  %Z flags (3 columns)  %X attachment mark  %%
 * with mutt's "%-20.20F" widths; "%>c" pads with c to the right edge.
 */
void ui_format_index(struct pt_buf *, const char *, const struct ui_fmt_ctx *,
    size_t);

/* keymap.c */
#define UI_KEY_MASK 0x00ffffffu

enum ui_map {
	UI_MAP_GENERIC,
	UI_MAP_INDEX,
	UI_MAP_PAGER,
	UI_MAP_FOLDERS,
	UI_MAP_ATTACH,
	UI_MAP_COMPOSE,
	UI_MAP_COUNT
};

/* Functions a key can call.  Names follow mutt's. */
enum ui_op {
	UI_OP_NONE,
	/* generic */
	UI_OP_NEXT_ENTRY,
	UI_OP_PREV_ENTRY,
	UI_OP_FIRST_ENTRY,
	UI_OP_LAST_ENTRY,
	UI_OP_NEXT_PAGE,
	UI_OP_PREV_PAGE,
	UI_OP_HALF_DOWN,
	UI_OP_HALF_UP,
	UI_OP_TOP_PAGE,
	UI_OP_MIDDLE_PAGE,
	UI_OP_BOTTOM_PAGE,
	UI_OP_NEXT_LINE,
	UI_OP_PREV_LINE,
	UI_OP_SELECT_ENTRY,
	UI_OP_EXIT,
	UI_OP_HELP,
	UI_OP_SEARCH,
	UI_OP_SEARCH_REVERSE,
	UI_OP_SEARCH_NEXT,
	UI_OP_SEARCH_OPPOSITE,
	UI_OP_REDRAW,
	UI_OP_TAG,
	UI_OP_TAG_PREFIX,
	UI_OP_JUMP,
	UI_OP_SHOW_LOG,
	UI_OP_CANCEL,
	UI_OP_VERSION,
	/* index */
	UI_OP_QUIT,
	UI_OP_DISPLAY,
	UI_OP_NEXT_UNDELETED,
	UI_OP_PREV_UNDELETED,
	UI_OP_NEXT_UNREAD,
	UI_OP_PREV_UNREAD,
	UI_OP_NEXT_THREAD,
	UI_OP_PREV_THREAD,
	UI_OP_NEXT_SUBTHREAD,
	UI_OP_PREV_SUBTHREAD,
	UI_OP_PARENT,
	UI_OP_COLLAPSE_THREAD,
	UI_OP_COLLAPSE_ALL,
	UI_OP_DELETE,
	UI_OP_UNDELETE,
	UI_OP_DELETE_THREAD,
	UI_OP_UNDELETE_THREAD,
	UI_OP_DELETE_SUBTHREAD,
	UI_OP_UNDELETE_SUBTHREAD,
	UI_OP_DELETE_PATTERN,
	UI_OP_UNDELETE_PATTERN,
	UI_OP_TAG_PATTERN,
	UI_OP_UNTAG_PATTERN,
	UI_OP_TAG_THREAD,
	UI_OP_TOGGLE_NEW,
	UI_OP_FLAG,
	UI_OP_READ_THREAD,
	UI_OP_READ_SUBTHREAD,
	UI_OP_SYNC,
	UI_OP_CHECK_MAIL,
	UI_OP_SAVE,
	UI_OP_COPY,
	UI_OP_LIMIT,
	UI_OP_SHOW_LIMIT,
	UI_OP_SORT,
	UI_OP_SORT_REVERSE,
	UI_OP_CHANGE_FOLDER,
	UI_OP_FOLDER_LIST,
	UI_OP_SIDEBAR_TOGGLE,
	UI_OP_SIDEBAR_NEXT,
	UI_OP_SIDEBAR_PREV,
	UI_OP_SIDEBAR_OPEN,
	UI_OP_MAIL,
	UI_OP_REPLY,
	UI_OP_GROUP_REPLY,
	UI_OP_LIST_REPLY,
	UI_OP_FORWARD,
	UI_OP_RECALL,
	UI_OP_QUERY,
	UI_OP_VIEW_ATTACH,
	UI_OP_DISPLAY_HEADERS,
	UI_OP_VIEW_RAW,
	UI_OP_VIEW_URLS,
	/* pager */
	UI_OP_PAGER_TOP,
	UI_OP_PAGER_BOTTOM,
	UI_OP_SKIP_HEADERS,
	UI_OP_SKIP_QUOTED,
	UI_OP_HIDE_QUOTED,
	UI_OP_SEARCH_TOGGLE,
	/* attachments */
	UI_OP_SAVE_ATTACH,
	UI_OP_OPEN_ATTACH,
	/* compose */
	UI_OP_SEND,
	UI_OP_EDIT_MESSAGE,
	UI_OP_EDIT_TO,
	UI_OP_EDIT_CC,
	UI_OP_EDIT_BCC,
	UI_OP_EDIT_SUBJECT,
	UI_OP_EDIT_REPLY_TO,
	UI_OP_EDIT_FROM,
	UI_OP_ATTACH_FILE,
	UI_OP_DETACH_FILE,
	UI_OP_POSTPONE,
	UI_OP_COUNT
};

struct ui_opdef {
	const char *name; /* "next-entry" */
	const char *desc; /* N_("move to the next entry") */
};
extern const struct ui_opdef ui_ops[UI_OP_COUNT];

struct ui_binding {
	uint32_t key;
	enum ui_op op;
};

struct ui_keymap {
	struct ui_binding *b[UI_MAP_COUNT];
	size_t n[UI_MAP_COUNT], cap[UI_MAP_COUNT];
};

void ui_keymap_init(struct ui_keymap *); /* the mutt defaults */
void ui_keymap_release(struct ui_keymap *);
/* The function of a key in a map (falling back to generic but for the
 * pager), or UI_OP_NONE. */
enum ui_op ui_keymap_lookup(const struct ui_keymap *, enum ui_map, uint32_t);
/* Binds (UI_OP_NONE unbinds). */
void ui_keymap_bind(struct ui_keymap *, enum ui_map, uint32_t, enum ui_op);
/*
 * Applies a [keys] option value: "KEY FUNCTION, KEY FUNCTION...".  On
 * an error the bindings before it stay and err names the bad item.
 */
int ui_keymap_parse(struct ui_keymap *, enum ui_map, const char *,
    struct pt_error *);
/* The keys bound to op in a map, as "j, <Down>" (buf always set). */
void ui_keymap_keys(const struct ui_keymap *, enum ui_map, enum ui_op, char *,
    size_t);
/* Every function that may be bound in a map, in help order. */
int ui_op_in_map(enum ui_op, enum ui_map);
/* 1 when the function belongs to the map itself (not via generic). */
int ui_op_own(enum ui_op, enum ui_map);
const char *ui_map_name(enum ui_map);
int ui_map_parse(const char *, enum ui_map *);
int ui_op_parse(const char *, enum ui_op *);
/* Key names: "j", "<Down>", "^D", "<Esc>v", "<F5>"; parse accepts also
 * "<C-d>", "<M-v>", "\ev", "<Space>", "<comma>". */
void ui_key_name(uint32_t, char *, size_t);
int ui_key_parse(const char *, size_t, uint32_t *);

/* edit.c: the line editor (struct ui_edit) is in petrel/ui.h. */
/*
 * Completes the line up to the cursor as a file path: "~/" is read as
 * home, names starting with '.' are offered only after a typed '.',
 * names that do not show as they are (control characters) never, the
 * line gets the longest common part of the names in that folder
 * starting with what was typed, and a lone directory gets its '/'.
 * Returns how many names matched; *names (sorted, directories ending
 * in '/', to free with each string) lists them.
 */
size_t ui_edit_complete_path(struct ui_edit *, const char *, char ***);
/* path with a leading "~" or "~/" read as home (allocated). */
char *ui_path_expand(const char *, const char *);

/*
 * The runtime: everything below runs on the UI thread only.
 */
#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "petrel/config.h"
#include "petrel/engine.h"

struct ui;

/* Colour elements ([colors] in the configuration). */
enum ui_color {
	UI_C_NORMAL,
	UI_C_INDICATOR,
	UI_C_STATUS,
	UI_C_MESSAGE,
	UI_C_ERROR,
	UI_C_PROMPT,
	UI_C_TREE,
	UI_C_INDEX_NEW,
	UI_C_INDEX_FLAGGED,
	UI_C_INDEX_DELETED,
	UI_C_INDEX_TAGGED,
	UI_C_HEADER,
	UI_C_QUOTED,
	UI_C_QUOTED2,
	UI_C_QUOTED3,
	UI_C_SIGNATURE,
	UI_C_URL,
	UI_C_SEARCH,
	UI_C_ATTACHMENT,
	UI_C_MARKERS,
	UI_C_SIDEBAR_NEW,
	UI_C_SIDEBAR_INDICATOR,
	UI_C_COUNT
};

/*
 * A screen: const ops, listed in screens.c.  key gets the function the
 * keymap found (UI_OP_NONE when the key is unbound) and the key itself;
 * draw paints the body rows [top, top + rows); event sees every engine
 * event after the central handling (events.c) applied it.
 */
struct ui_screen {
	const char *name;
	enum ui_map map;
	void (*init)(struct ui *);
	void (*fini)(struct ui *);
	void (*key)(struct ui *, enum ui_op, uint32_t);
	void (*draw)(struct ui *, int, int);
	void (*event)(struct ui *, const struct eng_event *);
	/* The help bar's functions, UI_OP_NONE terminated. */
	const enum ui_op *helpbar;
};

extern const struct ui_screen ui_index_screen;
extern const struct ui_screen ui_pager_screen;
extern const struct ui_screen ui_folders_screen;
extern const struct ui_screen ui_help_screen;
extern const struct ui_screen ui_log_screen;
extern const struct ui_screen ui_attach_screen;
extern const struct ui_screen ui_urls_screen;
extern const struct ui_screen ui_text_screen;
extern const struct ui_screen ui_recall_screen;
extern const struct ui_screen ui_compose_screen;
extern const struct ui_screen *const ui_screens[];

/* Called for each event of a job (PROGRESS, its data, DONE, FAILED). */
typedef void (*ui_job_cb)(struct ui *, struct eng_event *, void *);

struct ui_job {
	uint64_t id;
	enum eng_job_kind kind;
	size_t account;
	char label[128]; /* shown with the progress: "loading INBOX" */
	uint64_t done, total;
	enum eng_unit unit;
	int progress; /* a PROGRESS event came */
	ui_job_cb cb;
	void *arg;
	void (*arg_free)(void *);
	char *done_msg; /* shown when it succeeds, or NULL */
	int quiet;      /* the callback reports the end (no central error) */
};

struct ui_account {
	const struct cfg_account *cfg;
	enum eng_conn conn;
	int retry_in;
	size_t pending; /* changes waiting to be sent to the server */
	struct eng_folder_list *folders;
	uint64_t folders_job;
	char asked_fp[72];    /* the certificate last put to the user */
	char rejected_fp[72]; /* ... and the one they rejected, when */
	long long rejected_at;
};

/* Index batches still to be put into the model (a little per pass). */
struct ui_pending {
	struct eng_index *ix;
	size_t pos;
	struct ui_pending *next;
};

struct ui_folder {
	int open;
	size_t account;
	char *name;
	uint32_t uidvalidity;
	struct ui_model model;
	struct ui_view view;
	uint64_t open_job;
	int complete; /* the engine sent its last batch */
	int placed;   /* the cursor went to the first unread once */
	size_t total; /* as the engine counts */
	struct ui_pending *pending;
	long long rebuilt; /* ms, monotonic */
};

enum ui_prompt_kind {
	UI_PROMPT_YESNO,
	UI_PROMPT_CHOICE,
	UI_PROMPT_LINE,
	UI_PROMPT_PASSWORD,
	UI_PROMPT_CERT
};

/*
 * What Tab completes in a line prompt: nothing, a folder name, a file
 * path (~ expanded; directories end in '/'), or the last address of a
 * comma-separated list (from the address book and query_command).
 */
enum ui_complete {
	UI_COMPLETE_NONE,
	UI_COMPLETE_FOLDER,
	UI_COMPLETE_PATH,
	UI_COMPLETE_ADDRESS
};

/*
 * The answer: YESNO 1/0, CHOICE the chosen key, LINE and PASSWORD 1
 * with the text, CERT an enum eng_trust; -1 when the user cancelled
 * (^G, Esc).  text is borrowed for the call.
 */
typedef void (*ui_prompt_cb)(struct ui *, int, const char *, void *);

struct ui_prompt {
	enum ui_prompt_kind kind;
	char *question;
	char *choices; /* CHOICE: the keys */
	int defans;    /* YESNO: the answer Enter gives, or -1 */
	struct ui_edit edit;
	enum ui_complete complete;
	char *cands;          /* LINE: completions, on the status line */
	struct eng_cert cert; /* CERT */
	size_t account;       /* CERT, PASSWORD */
	ui_prompt_cb cb;
	void *arg;
	void (*arg_free)(void *);
	struct ui_prompt *next;
};

struct ui_log_entry {
	time_t when;
	int error;
	char *text;
};

#define UI_STACK_MAX 8
#define UI_LOG_MAX   500

struct ui {
	const struct cfg *cfg;
	struct eng *eng;
	struct ui_keymap km;
	attr_t color[UI_C_COUNT];
	struct ui_account *acct;
	size_t nacct;
	struct ui_folder folder;
	const struct ui_screen *stack[UI_STACK_MAX];
	int depth;
	struct ui_job *jobs;
	size_t njobs, capjobs;
	struct ui_log_entry log[UI_LOG_MAX];
	size_t nlog, logstart;
	char *msg; /* the message line */
	int msg_error;
	struct ui_prompt *prompt; /* shown first; next ones queue */
	struct ui_hist hist_search, hist_folder, hist_pattern;
	int tag_prefix;
	int sidebar;
	size_t sidebar_cur; /* index in the account's folder list */
	int quit;
	int redraw;
	uint64_t quit_job; /* quit when this job ends */
	char *search;      /* the last search pattern */
	int search_dir;
	const char *index_format;
	const char *date_format;
	int lines, cols;
	int cur_y; /* the row of the cursor line, or -1 (set by draws) */
	long long last_key; /* ms (monotonic) of the last key */
};

/* loop.c */
long long ui_now_ms(void);
/* Stops curses for a child process on the terminal, and back. */
void ui_term_pause(void);
void ui_term_resume(struct ui *);

/* screens.c: a scrolling list with a cursor, for the simple screens. */
struct ui_list {
	size_t n, cursor, top;
};
/* Handles the generic moves; 1 when op was one of them. */
int ui_list_key(struct ui_list *, enum ui_op, int);
/*
 * The same for a page of text with no cursor line (help, a text
 * attachment): the entry moves scroll by a line, first/last show the
 * first/last page, and the hidden cursor follows the top line so that
 * the next move starts from what is shown.  1 when op was a move.
 */
int ui_list_scroll_key(struct ui_list *, enum ui_op, int);
void ui_list_clamp(struct ui_list *, int);

/* screens.c: the screen stack. */
void ui_screen_push(struct ui *, const struct ui_screen *);
void ui_screen_pop(struct ui *);
const struct ui_screen *ui_screen_top(const struct ui *);
/* 1 when the screen is on the stack. */
int ui_screen_open(const struct ui *, const struct ui_screen *);

/* draw.c */
/* Draws UTF-8 (sanitized) text at y, x in exactly w columns. */
void ui_draw_text(int, int, int, const char *, attr_t);
void ui_draw_fill(int, int, int, attr_t);
void ui_draw_helpbar(struct ui *, const struct ui_screen *);
void ui_draw_status(struct ui *, const char *);
void ui_draw_msgline(struct ui *);
/* The rows the body may use, and the first one. */
int ui_body_top(const struct ui *);
int ui_body_rows(const struct ui *);

/* msg.c: the message line and the log. */
void ui_msg(struct ui *, const char *, ...) PT_PRINTF(2, 3);
void ui_error(struct ui *, const char *, ...) PT_PRINTF(2, 3);
void ui_msg_clear(struct ui *);
void ui_log_add(struct ui *, int, const char *);
void ui_log_release(struct ui *);

/* color.c */
void ui_color_init(struct ui *);
/* Parses "bold red default" into *attr; 0 or -1 with err set. */
int ui_color_parse(const char *, int, short, attr_t *, struct pt_error *);
const char *ui_color_name(enum ui_color);

/* prompt.c */
struct ui_prompt *ui_prompt_new(enum ui_prompt_kind, const char *, ui_prompt_cb,
    void *);
/* Shows it now (in front) or, with queue set, after the current one. */
void ui_prompt_show(struct ui *, struct ui_prompt *, int);
void ui_prompt_yesno(struct ui *, const char *, int, ui_prompt_cb, void *);
void ui_prompt_line(struct ui *, const char *, const char *, struct ui_hist *,
    enum ui_complete, ui_prompt_cb, void *);
/* Handles a key when a prompt is up; 1 when it took the key. */
int ui_prompt_key(struct ui *, uint32_t);
void ui_prompt_draw(struct ui *);
void ui_prompt_free(struct ui_prompt **);
void ui_prompt_clear_all(struct ui *);

/* events.c: engine events, jobs, accounts, the open folder. */
/* Wipes a password given with ui_preset_password and not used. */
void ui_preset_forget(void);
uint64_t ui_job_submit(struct ui *, struct eng_job *, const char *, ui_job_cb,
    void *, void (*)(void *));
struct ui_job *ui_job_find(struct ui *, uint64_t);
/* The running job with the latest progress, for the status line. */
const struct ui_job *ui_job_progress(const struct ui *);
void ui_job_cancel_all(struct ui *);
void ui_events_drain(struct ui *);
/* Puts some pending index batches into the model; 1 if work is left. */
int ui_folder_work(struct ui *, long long);
void ui_folder_open(struct ui *, size_t, const char *);
void ui_folder_close(struct ui *);
/* Rebuilds the view when it is dirty (now, or throttled while loading). */
void ui_folder_refresh(struct ui *, int);
void ui_folders_request(struct ui *, size_t);
/* Folder names of the current account for completion (borrowed). */
size_t ui_folder_names(struct ui *, const char ***);

/* ops.c: what the index and pager do to messages. */
/*
 * The uids an operation applies to: the tagged messages after the tag
 * prefix, else the current one.  Returns how many (*out allocated).
 */
size_t ui_ops_targets(struct ui *, uint32_t **);
void ui_ops_flags(struct ui *, const uint32_t *, size_t, uint32_t, uint32_t);
/* Handles the functions index and pager share; 1 when handled. */
int ui_ops_common(struct ui *, enum ui_op, uint32_t);
void ui_ops_quit(struct ui *, int);
void ui_ops_version(struct ui *);
/* mutt's "jump": the typed digit starts the number. */
void ui_ops_jump(struct ui *, uint32_t, void (*)(struct ui *, long));

/* index.c */
void ui_index_move(struct ui *, long);
/* Moves the index cursor for the pager: dir 1/-1 with a predicate. */
int ui_index_step(struct ui *, enum ui_op);

/* pager.c */
void ui_pager_show(struct ui *, uint32_t);
/* The message is rendered again (keeping the place) when next drawn. */
void ui_pager_rerender(void);

/*
 * msgget.c: a message to show or quote, whole when small (256 KiB),
 * else its structure and then only the parts its rendering asks for.
 * The callback runs when the message or a part came (err NULL: parse
 * and render with ui_msgget_parse, then hand the parts the rendering
 * missed to ui_msgget_more) or when getting it failed (err set).  A
 * struct ui_msgget lives as long as its jobs may answer (static).
 */
struct ui_msgget;
typedef void (*ui_msgget_cb_t)(struct ui *, struct ui_msgget *,
    const struct pt_error *, void *);
struct ui_msgget {
	size_t account;
	char *folder;
	uint32_t uid, uidvalidity;
	int seen;   /* marks it \Seen */
	char *data; /* the whole message, or NULL */
	size_t len;
	struct eng_structure *st; /* or its structure, parts as they came */
	struct mime_missing want; /* parts the rendering asked for */
	size_t want_next;         /* the next of them to fetch */
	unsigned rounds;
	uint64_t job, part_job;
	ui_msgget_cb_t cb;
	void *arg;
};
/*
 * Gets message uid of the open folder (what g had is dropped); seen
 * marks it \Seen, whole asks for the whole message whatever its size.
 */
void ui_msgget_start(struct ui *, struct ui_msgget *, uint32_t, int, int,
    ui_msgget_cb_t, void *);
/* Drops the structure and fetches the whole message instead. */
void ui_msgget_whole(struct ui *, struct ui_msgget *);
void ui_msgget_cancel(struct ui *, struct ui_msgget *);
/* Frees what came (not the jobs: ui_msgget_cancel first). */
void ui_msgget_release(struct ui_msgget *);
/* The message parsed: from its structure, or whole.  Caller frees. */
struct mime_msg *ui_msgget_parse(const struct ui_msgget *, struct pt_error *);
/*
 * Takes the parts a rendering missed and fetches them (a few rounds at
 * most); 1 while parts are coming (the callback runs again), 0 when
 * this rendering is the last.
 */
int ui_msgget_more(struct ui *, struct ui_msgget *, struct mime_missing *);
/*
 * A FETCH job for part p of a message (account, folder, UIDVALIDITY,
 * UID) that writes it to path, its transfer encoding undone on the way
 * (the attachment list, compose's inline forward).  Caller submits.
 */
struct eng_job *ui_part_fetch_job(size_t, const char *, uint32_t, uint32_t,
    const struct mime_part *, const char *);

/* help.c */
void ui_help_for(struct ui *, const struct ui_screen *);

/* attach.c, urls.c: lists from the pager's message. */
/*
 * The attachment list of the message in data, or, when st is not NULL,
 * of the message read from that structure (uid in the open folder): a
 * part that was not fetched is fetched when it is saved or opened,
 * decoded on its way to the file.  Both are borrowed for the call.
 */
void ui_attach_show(struct ui *, const char *, size_t,
    const struct eng_structure *, uint32_t);
/*
 * child.c: a command beside the loop, with a time limit and an output
 * cap (see child.c).  ui_child_start: runs argv[0] (a path) with argv,
 * standard input the file in (NULL: /dev/null); 0, or -1 with errno
 * set.  ui_child_start_sh: `sh -c script sh ARGS...`, at most
 * UI_CHILD_ARGS of them.  ui_child_fd: the output to poll, or -1;
 * ui_child_left_ms: ms until the time limit (0: it is up; -1: no
 * command).  ui_child_read: reads what is ready into out: 0 for more,
 * 1 at its end, -1 over the cap (why UI_CHILD_OVER); the pipe is
 * closed at 1 and -1.  ui_child_reap: 1 when the command has exited
 * (status set), 0 while it runs, -1 with errno when it cannot be
 * waited for.  ui_child_finish: closes the pipe, waits grace_ms (-1:
 * for ever) for the exit, else kills its process group; 1 when it was
 * killed.  ui_child_run: reads all, blocking, until the end (then
 * waits for the exit), the cap or the time limit (then kills it: a
 * command that closed its output and runs on times out); returns why.
 * ui_child_release: kills a running command, frees out.
 */
#define UI_CHILD_ARGS 8

enum ui_child_why {
	UI_CHILD_RUNNING,
	UI_CHILD_EXITED, /* status says how */
	UI_CHILD_TIMEOUT,
	UI_CHILD_OVER,  /* wrote more than the cap */
	UI_CHILD_KILLED /* by ui_child_finish */
};

struct ui_child {
	pid_t pid; /* 0: none running */
	int fd;    /* its output; -1 once it ended */
	struct pt_buf out;
	long long deadline; /* ui_now_ms */
	int timeout_ms;
	int status; /* wait status, once it exited */
	enum ui_child_why why;
};

int ui_child_start(struct ui_child *, const char *const *, const char *, int,
    size_t);
int ui_child_start_sh(struct ui_child *, const char *, const char *const *,
    const char *, int, size_t);
int ui_child_fd(const struct ui_child *);
int ui_child_left_ms(const struct ui_child *);
int ui_child_read(struct ui_child *);
int ui_child_reap(struct ui_child *);
int ui_child_finish(struct ui_child *, int);
enum ui_child_why ui_child_run(struct ui_child *);
void ui_child_release(struct ui_child *);
/*
 * mailcap.c.  ui_mailcap_find: the command of type's first mailcap
 * entry (with need_copious, its first copiousoutput entry), and
 * whether it is copiousoutput; 0 when found, *cmd to free.
 * ui_mailcap_run: runs cmd as `sh -c` with "%s" and "%t" bound to path
 * and type as arguments (never parsed by the shell), standard input
 * /dev/null (path when there is no "%s"), standard error discarded,
 * its output appended to out (whose cap bounds it); the command is
 * killed after timeout_ms.  0, or -1 with err set when it could not
 * run, timed out, wrote more than out's cap or exited non-zero.
 */
int ui_mailcap_find(const char *, int, char **, int *);
int ui_mailcap_run(const char *, const char *, const char *, int,
    struct pt_buf *, struct pt_error *);
/*
 * The pager's html_filter (arg: the struct ui): the output of an
 * earlier run on the same HTML from a small cache, or NULL while the
 * command runs beside the loop (started here, with the limits of
 * ui_mailcap_html; "Rendering..." on the message line) so that the
 * built-in text shows meanwhile.  A failed run is cached as its error.
 * ui_mailcap_fd: the running command's output to poll, or -1;
 * ui_mailcap_wait_ms: how long the loop may sleep for it (-1: no
 * command); ui_mailcap_work: reads its output after poll, and when it
 * is done or failed caches the result and has the pager draw again (1).
 * ui_mailcap_forget: kills a running command, empties the cache.
 */
char *ui_mailcap_html_async(void *, const char *, size_t, size_t *,
    struct pt_error *);
int ui_mailcap_fd(void);
int ui_mailcap_wait_ms(void);
int ui_mailcap_work(struct ui *);
void ui_mailcap_forget(void);
void ui_urls_show(struct ui *, const char *, size_t);

/* folders.c: an account's folders in display order (allocated array,
 * borrowed folders), and a folder's indented label. */
size_t ui_folders_sorted(struct ui *, size_t, const struct eng_folder ***);
void ui_folder_label(const struct eng_folder *, struct pt_buf *);

/* sidebar.c */
int ui_sidebar_width(const struct ui *);
void ui_sidebar_draw(struct ui *, int, int);
int ui_sidebar_op(struct ui *, enum ui_op);

/*
 * compose.c: writing mail (issue 7 fills it in).  kind is UI_OP_MAIL,
 * UI_OP_REPLY, UI_OP_GROUP_REPLY, UI_OP_LIST_REPLY, UI_OP_FORWARD or
 * UI_OP_RECALL; uids are the messages replied to or forwarded.
 */
/* A new message to the addresses in to (the Q key). */
void ui_compose_to(struct ui *, const char *to);
void ui_compose_start(struct ui *, enum ui_op, const uint32_t *, size_t);
/* Edits the draft file at path again (a recalled message). */
void ui_compose_resume(struct ui *, size_t, const char *);
/*
 * Deletes a draft file and what compose or recall put beside it (a
 * forwarded message saved to be attached, a recalled draft's files and
 * its DRAFT.origin; the server copy stays); never the user's own
 * attachments.
 */
void ui_compose_discard(const char *);

/*
 * compose_screen.c: the compose screen on the draft at path (copied),
 * sent from account; pushed unless on top already (then read again).
 */
void ui_compose_screen_show(struct ui *, size_t, const char *);
/* 1 while the compose screen is on the stack. */
int ui_compose_screen_active(const struct ui *);
/*
 * Checks the shown draft: addresses, attachments, From; 0 with a
 * summary of the recipients in who, or -1 with the reason there.
 */
int ui_compose_check(struct ui *, char *, size_t);

/* An address one may send as, and the account that sends it. */
struct ui_identity {
	size_t account;
	char *addr;    /* local@domain */
	char *display; /* "Name <local@domain>" */
};
/*
 * Every account's own address then its identities, in account order
 * (*out allocated; free with ui_identities_free).  A bad identities
 * option is shown as an error and its good addresses kept.
 */
size_t ui_identities(struct ui *, struct ui_identity **);
void ui_identities_free(struct ui_identity *, size_t);
/* The first identity whose address is in the list, or -1. */
int ui_identity_find(const struct ui_identity *, size_t, const char *);

/*
 * send.c: a finished draft (path to the draft file, borrowed).  After
 * ui_send_draft or ui_postpone_draft the draft file belongs to them.
 */
void ui_send_draft(struct ui *, size_t, const char *);
void ui_postpone_draft(struct ui *, size_t, const char *);
/* R: lists or resumes postponed messages of that account. */
void ui_recall(struct ui *, size_t);
/* At start: offers each message waiting in the outbox. */
void ui_outbox_offer(struct ui *);
/*
 * Before quitting: when a message is being sent, asks first (then
 * calls ui_ops_quit(expunge) again) and returns 1; else 0.
 */
int ui_send_quit_check(struct ui *, int);
/*
 * Removes the files that came with a draft (DRAFT.files/: a recalled
 * message's attachments, a forwarded message), never others.
 */
void ui_draft_files_remove(const char *);
/* The account's id ("" when out of range) and its local drafts folder. */
const char *ui_acct_id(struct ui *, size_t);
char *ui_drafts_dir(struct ui *, size_t);

/*
 * addrcomplete.c: UI_COMPLETE_ADDRESS (the address book through the
 * engine and compose.query_command as a child the main loop polls) and
 * the Q key.  The pure parts are here for the unit tests.
 */
#define UI_QUERY_SECONDS  5             /* then the command is killed */
#define UI_QUERY_MAX      (1024 * 1024) /* bytes of its output read */
#define UI_QUERY_LINE_MAX 4096          /* longer lines are skipped */
#define UI_ADDR_CANDS_MAX 200           /* candidates kept */

struct ui_addr_cand {
	char *addr;
	char *name;    /* sanitized, "" when none */
	char *display; /* mime_addr_display: what completion writes */
};

struct ui_addr_cands {
	struct ui_addr_cand *v;
	size_t n, cap;
};

/*
 * Adds a candidate unless its address fails mime_addr_check (-1) or is
 * there already (0, the first one stays).  The name is sanitized.
 */
int ui_addr_cands_add(struct ui_addr_cands *, const char *, size_t,
    const char *, size_t);
void ui_addr_cands_release(struct ui_addr_cands *);
/*
 * Reads query_command output (mutt's format) into c; returns the lines
 * skipped as malformed (bad address, too long).
 */
size_t ui_query_parse(const char *, size_t, struct ui_addr_cands *);
/* The command line: %s is the query, shell-quoted; %% is '%'. */
char *ui_query_command(const char *fmt, const char *query);
/* Where the last address of a comma-separated list starts. */
size_t ui_addr_word_start(const char *);
/* Tab in a UI_COMPLETE_ADDRESS prompt. */
void ui_addr_complete(struct ui *, struct ui_prompt *);
/* Draws its menu and notes above the prompt (prompt.c calls it). */
void ui_addr_draw(struct ui *, const struct ui_prompt *);
/* The fd to poll (lowering *timeout to its deadline), or -1. */
int ui_addr_poll_fd(const struct ui *, int *timeout);
/* After poll: ready when the fd was readable; enforces the deadline. */
void ui_addr_poll(struct ui *, int ready);
/* Stops a running command and forgets the completion (at exit). */
void ui_addr_end(void);
/* The Q key: "Mail to:" with completion, then a new message. */
void ui_addr_query_key(struct ui *);

#endif
