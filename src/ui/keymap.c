/*
 * keymap.c: functions, key names and bindings.  The defaults are mutt's
 * (NeoMutt's functions.c tables, for the functions petrel has), and the
 * [keys] section of the configuration rebinds them:
 *
 *	[keys]
 *	index = "D delete-thread, <Esc>d noop"
 *	pager = "<Space> next-page"
 *
 * Each map falls back to the generic map, except the pager, which like
 * mutt's has its own complete set.  The help screen is generated from
 * these tables, so it always shows the live bindings.  Pure: curses is
 * included for its KEY_* constants only.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "petrel/core.h"

#include "private.h"

#define G (1u << UI_MAP_GENERIC)
#define I (1u << UI_MAP_INDEX)
#define P (1u << UI_MAP_PAGER)
#define F (1u << UI_MAP_FOLDERS)
#define A (1u << UI_MAP_ATTACH)
#define C (1u << UI_MAP_COMPOSE)

const struct ui_opdef ui_ops[UI_OP_COUNT] = {
    [UI_OP_NONE] = {"noop", N_("do nothing (unbinds a key)")},
    [UI_OP_NEXT_ENTRY] = {"next-entry", N_("move to the next entry")},
    [UI_OP_PREV_ENTRY] = {"previous-entry", N_("move to the previous entry")},
    [UI_OP_FIRST_ENTRY] = {"first-entry", N_("move to the first entry")},
    [UI_OP_LAST_ENTRY] = {"last-entry", N_("move to the last entry")},
    [UI_OP_NEXT_PAGE] = {"next-page", N_("move to the next page")},
    [UI_OP_PREV_PAGE] = {"previous-page", N_("move to the previous page")},
    [UI_OP_HALF_DOWN] = {"half-down", N_("scroll down half a page")},
    [UI_OP_HALF_UP] = {"half-up", N_("scroll up half a page")},
    [UI_OP_TOP_PAGE] = {"top-page", N_("move to the top of the page")},
    [UI_OP_MIDDLE_PAGE] = {"middle-page", N_("move to the middle of the page")},
    [UI_OP_BOTTOM_PAGE] = {"bottom-page", N_("move to the bottom of the page")},
    [UI_OP_NEXT_LINE] = {"next-line", N_("scroll down one line")},
    [UI_OP_PREV_LINE] = {"previous-line", N_("scroll up one line")},
    [UI_OP_SELECT_ENTRY] = {"select-entry", N_("select the current entry")},
    [UI_OP_EXIT] = {"exit", N_("leave this screen")},
    [UI_OP_HELP] = {"help", N_("show the keys of this screen")},
    [UI_OP_SEARCH] = {"search", N_("search for a pattern")},
    [UI_OP_SEARCH_REVERSE] = {"search-reverse",
	N_("search backwards for a pattern")},
    [UI_OP_SEARCH_NEXT] = {"search-next", N_("search for the next match")},
    [UI_OP_SEARCH_OPPOSITE] = {"search-opposite",
	N_("search for the next match the other way")},
    [UI_OP_REDRAW] = {"redraw-screen", N_("clear and redraw the screen")},
    [UI_OP_TAG] = {"tag-entry", N_("tag or untag the current entry")},
    [UI_OP_TAG_PREFIX] = {"tag-prefix",
	N_("apply the next function to the tagged messages")},
    [UI_OP_JUMP] = {"jump", N_("jump to an entry by its number")},
    [UI_OP_SHOW_LOG] = {"show-log-messages",
	N_("show the log of messages and errors")},
    [UI_OP_CANCEL] = {"abort", N_("cancel the running operation")},
    [UI_OP_VERSION] = {"version", N_("show petrel's version")},
    [UI_OP_QUIT] = {"quit", N_("expunge if asked, and quit petrel")},
    [UI_OP_DISPLAY] = {"display-message", N_("read the current message")},
    [UI_OP_NEXT_UNDELETED] = {"next-undeleted",
	N_("move to the next message not deleted")},
    [UI_OP_PREV_UNDELETED] = {"previous-undeleted",
	N_("move to the previous message not deleted")},
    [UI_OP_NEXT_UNREAD] = {"next-new-then-unread",
	N_("move to the next unread message")},
    [UI_OP_PREV_UNREAD] = {"previous-new-then-unread",
	N_("move to the previous unread message")},
    [UI_OP_NEXT_THREAD] = {"next-thread", N_("move to the next thread")},
    [UI_OP_PREV_THREAD] = {"previous-thread",
	N_("move to the previous thread")},
    [UI_OP_NEXT_SUBTHREAD] = {"next-subthread",
	N_("move to the next subthread")},
    [UI_OP_PREV_SUBTHREAD] = {"previous-subthread",
	N_("move to the previous subthread")},
    [UI_OP_PARENT] = {"parent-message", N_("move to the parent message")},
    [UI_OP_COLLAPSE_THREAD] = {"collapse-thread",
	N_("fold or unfold the current thread")},
    [UI_OP_COLLAPSE_ALL] = {"collapse-all", N_("fold or unfold all threads")},
    [UI_OP_DELETE] = {"delete-message", N_("mark the message deleted")},
    [UI_OP_UNDELETE] = {"undelete-message",
	N_("remove the deleted mark from the message")},
    [UI_OP_DELETE_THREAD] = {"delete-thread",
	N_("mark every message of the thread deleted")},
    [UI_OP_UNDELETE_THREAD] = {"undelete-thread",
	N_("undelete every message of the thread")},
    [UI_OP_DELETE_SUBTHREAD] = {"delete-subthread",
	N_("mark every message of the subthread deleted")},
    [UI_OP_UNDELETE_SUBTHREAD] = {"undelete-subthread",
	N_("undelete every message of the subthread")},
    [UI_OP_DELETE_PATTERN] = {"delete-pattern",
	N_("mark the messages matching a pattern deleted")},
    [UI_OP_UNDELETE_PATTERN] = {"undelete-pattern",
	N_("undelete the messages matching a pattern")},
    [UI_OP_TAG_PATTERN] = {"tag-pattern",
	N_("tag the messages matching a pattern")},
    [UI_OP_UNTAG_PATTERN] = {"untag-pattern",
	N_("untag the messages matching a pattern")},
    [UI_OP_TAG_THREAD] = {"tag-thread", N_("tag or untag the thread")},
    [UI_OP_TOGGLE_NEW] = {"toggle-new", N_("mark the message read or new")},
    [UI_OP_FLAG] = {"flag-message", N_("flag or unflag the message")},
    [UI_OP_READ_THREAD] = {"read-thread",
	N_("mark every message of the thread read")},
    [UI_OP_READ_SUBTHREAD] = {"read-subthread",
	N_("mark every message of the subthread read")},
    [UI_OP_SYNC] = {"sync-mailbox",
	N_("expunge the deleted messages from the folder")},
    [UI_OP_CHECK_MAIL] = {"imap-fetch-mail",
	N_("check the server for new mail now")},
    [UI_OP_SAVE] = {"save-message", N_("move the message to a folder")},
    [UI_OP_COPY] = {"copy-message", N_("copy the message to a folder")},
    [UI_OP_LIMIT] = {"limit", N_("show only messages matching a pattern")},
    [UI_OP_SHOW_LIMIT] = {"show-limit", N_("show the current limit")},
    [UI_OP_SORT] = {"sort-mailbox", N_("sort the messages")},
    [UI_OP_SORT_REVERSE] = {"sort-reverse",
	N_("sort the messages in reverse order")},
    [UI_OP_CHANGE_FOLDER] = {"change-folder", N_("open another folder")},
    [UI_OP_FOLDER_LIST] = {"mailbox-list",
	N_("list the folders with their unread counts")},
    [UI_OP_SIDEBAR_TOGGLE] = {"sidebar-toggle-visible",
	N_("show or hide the sidebar")},
    [UI_OP_SIDEBAR_NEXT] = {"sidebar-next",
	N_("move the sidebar highlight down")},
    [UI_OP_SIDEBAR_PREV] = {"sidebar-prev",
	N_("move the sidebar highlight up")},
    [UI_OP_SIDEBAR_OPEN] = {"sidebar-open",
	N_("open the highlighted sidebar folder")},
    [UI_OP_MAIL] = {"mail", N_("write a new message")},
    [UI_OP_REPLY] = {"reply", N_("reply to the sender")},
    [UI_OP_GROUP_REPLY] = {"group-reply", N_("reply to all recipients")},
    [UI_OP_LIST_REPLY] = {"list-reply", N_("reply to the mailing list")},
    [UI_OP_FORWARD] = {"forward-message", N_("forward the message")},
    [UI_OP_RECALL] = {"recall-message", N_("resume a postponed message")},
    [UI_OP_QUERY] = {"query",
	N_("write to addresses looked up with Tab (book, query_command)")},
    [UI_OP_VIEW_ATTACH] = {"view-attachments",
	N_("list the message's attachments")},
    [UI_OP_DISPLAY_HEADERS] = {"display-toggle-weed",
	N_("show all headers, or only the usual ones")},
    [UI_OP_VIEW_RAW] = {"view-raw-message",
	N_("show the message's raw source")},
    [UI_OP_VIEW_URLS] = {"view-urls", N_("list the links in the message")},
    [UI_OP_PAGER_TOP] = {"top", N_("go to the top of the message")},
    [UI_OP_PAGER_BOTTOM] = {"bottom", N_("go to the end of the message")},
    [UI_OP_SKIP_HEADERS] = {"skip-headers",
	N_("skip past the headers to the body")},
    [UI_OP_SKIP_QUOTED] = {"skip-quoted", N_("skip past quoted text")},
    [UI_OP_HIDE_QUOTED] = {"toggle-quoted", N_("hide or show quoted text")},
    [UI_OP_SEARCH_TOGGLE] = {"search-toggle",
	N_("toggle the highlighting of search matches")},
    [UI_OP_SAVE_ATTACH] = {"save-entry", N_("save the attachment to a file")},
    [UI_OP_OPEN_ATTACH] = {"view-mailcap",
	N_("open the attachment with its mailcap viewer")},
    [UI_OP_SEND] = {"send-message", N_("send the message")},
    [UI_OP_EDIT_MESSAGE] = {"edit-message",
	N_("edit the message again in the editor")},
    [UI_OP_EDIT_TO] = {"edit-to", N_("edit the To addresses")},
    [UI_OP_EDIT_CC] = {"edit-cc", N_("edit the Cc addresses")},
    [UI_OP_EDIT_BCC] = {"edit-bcc", N_("edit the Bcc addresses")},
    [UI_OP_EDIT_SUBJECT] = {"edit-subject", N_("edit the subject")},
    [UI_OP_EDIT_REPLY_TO] = {"edit-reply-to", N_("edit the Reply-To address")},
    [UI_OP_EDIT_FROM] = {"edit-from",
	N_("choose the identity (From) to send as")},
    [UI_OP_ATTACH_FILE] = {"attach-file", N_("attach a file")},
    [UI_OP_DETACH_FILE] = {"detach-file",
	N_("remove the attachment from the message (not the file)")},
    [UI_OP_POSTPONE] = {"postpone-message",
	N_("keep the message as a draft to finish later")},
};

static const unsigned ui_op_maps[UI_OP_COUNT] = {
    [UI_OP_NEXT_ENTRY] = G,
    [UI_OP_PREV_ENTRY] = G,
    [UI_OP_FIRST_ENTRY] = G,
    [UI_OP_LAST_ENTRY] = G,
    [UI_OP_NEXT_PAGE] = G | P,
    [UI_OP_PREV_PAGE] = G | P,
    [UI_OP_HALF_DOWN] = G | P,
    [UI_OP_HALF_UP] = G | P,
    [UI_OP_TOP_PAGE] = G,
    [UI_OP_MIDDLE_PAGE] = G,
    [UI_OP_BOTTOM_PAGE] = G,
    [UI_OP_NEXT_LINE] = G | P,
    [UI_OP_PREV_LINE] = G | P,
    [UI_OP_SELECT_ENTRY] = G,
    [UI_OP_EXIT] = G | P,
    [UI_OP_HELP] = G | P,
    [UI_OP_SEARCH] = G | P,
    [UI_OP_SEARCH_REVERSE] = G | P,
    [UI_OP_SEARCH_NEXT] = G | P,
    [UI_OP_SEARCH_OPPOSITE] = G | P,
    [UI_OP_REDRAW] = G | P,
    [UI_OP_TAG] = G | P,
    [UI_OP_TAG_PREFIX] = G | P,
    [UI_OP_JUMP] = G,
    [UI_OP_SHOW_LOG] = G | P,
    [UI_OP_CANCEL] = G | P,
    [UI_OP_VERSION] = G | P,
    [UI_OP_QUIT] = I | P,
    [UI_OP_DISPLAY] = I,
    [UI_OP_NEXT_UNDELETED] = I | P,
    [UI_OP_PREV_UNDELETED] = I | P,
    [UI_OP_NEXT_UNREAD] = I | P,
    [UI_OP_PREV_UNREAD] = I | P,
    [UI_OP_NEXT_THREAD] = I | P,
    [UI_OP_PREV_THREAD] = I | P,
    [UI_OP_NEXT_SUBTHREAD] = I | P,
    [UI_OP_PREV_SUBTHREAD] = I | P,
    [UI_OP_PARENT] = I | P,
    [UI_OP_COLLAPSE_THREAD] = I,
    [UI_OP_COLLAPSE_ALL] = I,
    [UI_OP_DELETE] = I | P,
    [UI_OP_UNDELETE] = I | P,
    [UI_OP_DELETE_THREAD] = I | P,
    [UI_OP_UNDELETE_THREAD] = I | P,
    [UI_OP_DELETE_SUBTHREAD] = I | P,
    [UI_OP_UNDELETE_SUBTHREAD] = I | P,
    [UI_OP_DELETE_PATTERN] = I,
    [UI_OP_UNDELETE_PATTERN] = I,
    [UI_OP_TAG_PATTERN] = I,
    [UI_OP_UNTAG_PATTERN] = I,
    [UI_OP_TAG_THREAD] = I,
    [UI_OP_TOGGLE_NEW] = I | P,
    [UI_OP_FLAG] = I | P,
    [UI_OP_READ_THREAD] = I | P,
    [UI_OP_READ_SUBTHREAD] = I | P,
    [UI_OP_SYNC] = I | P,
    [UI_OP_CHECK_MAIL] = I,
    [UI_OP_SAVE] = I | P,
    [UI_OP_COPY] = I | P,
    [UI_OP_LIMIT] = I,
    [UI_OP_SHOW_LIMIT] = I,
    [UI_OP_SORT] = I | P,
    [UI_OP_SORT_REVERSE] = I | P,
    [UI_OP_CHANGE_FOLDER] = I | P | F,
    [UI_OP_FOLDER_LIST] = I | P,
    [UI_OP_SIDEBAR_TOGGLE] = I | P,
    [UI_OP_SIDEBAR_NEXT] = I | P,
    [UI_OP_SIDEBAR_PREV] = I | P,
    [UI_OP_SIDEBAR_OPEN] = I | P,
    [UI_OP_MAIL] = I | P | F,
    [UI_OP_REPLY] = I | P,
    [UI_OP_GROUP_REPLY] = I | P,
    [UI_OP_LIST_REPLY] = I | P,
    [UI_OP_FORWARD] = I | P,
    [UI_OP_RECALL] = I | P,
    [UI_OP_QUERY] = I | P,
    [UI_OP_VIEW_ATTACH] = I | P,
    [UI_OP_DISPLAY_HEADERS] = I | P,
    [UI_OP_VIEW_RAW] = I | P,
    [UI_OP_VIEW_URLS] = I | P,
    [UI_OP_PAGER_TOP] = P,
    [UI_OP_PAGER_BOTTOM] = P,
    [UI_OP_SKIP_HEADERS] = P,
    [UI_OP_SKIP_QUOTED] = P,
    [UI_OP_HIDE_QUOTED] = P,
    [UI_OP_SEARCH_TOGGLE] = P,
    [UI_OP_SAVE_ATTACH] = A,
    [UI_OP_OPEN_ATTACH] = A,
    [UI_OP_SEND] = C,
    [UI_OP_EDIT_MESSAGE] = C,
    [UI_OP_EDIT_TO] = C,
    [UI_OP_EDIT_CC] = C,
    [UI_OP_EDIT_BCC] = C,
    [UI_OP_EDIT_SUBJECT] = C,
    [UI_OP_EDIT_REPLY_TO] = C,
    [UI_OP_EDIT_FROM] = C,
    [UI_OP_ATTACH_FILE] = C,
    [UI_OP_DETACH_FILE] = C,
    [UI_OP_POSTPONE] = C,
};

#undef G
#undef I
#undef P
#undef F
#undef A
#undef C

struct ui_default {
	enum ui_map map;
	const char *key;
	enum ui_op op;
};

static const struct ui_default ui_defaults[] = {
    /* generic: every screen but the pager */
    {UI_MAP_GENERIC, "<Down>", UI_OP_NEXT_ENTRY},
    {UI_MAP_GENERIC, "j", UI_OP_NEXT_ENTRY},
    {UI_MAP_GENERIC, "<Up>", UI_OP_PREV_ENTRY},
    {UI_MAP_GENERIC, "k", UI_OP_PREV_ENTRY},
    {UI_MAP_GENERIC, "<Home>", UI_OP_FIRST_ENTRY},
    {UI_MAP_GENERIC, "=", UI_OP_FIRST_ENTRY},
    {UI_MAP_GENERIC, "<End>", UI_OP_LAST_ENTRY},
    {UI_MAP_GENERIC, "*", UI_OP_LAST_ENTRY},
    {UI_MAP_GENERIC, "<PageDown>", UI_OP_NEXT_PAGE},
    {UI_MAP_GENERIC, "<Right>", UI_OP_NEXT_PAGE},
    {UI_MAP_GENERIC, "z", UI_OP_NEXT_PAGE},
    {UI_MAP_GENERIC, "<PageUp>", UI_OP_PREV_PAGE},
    {UI_MAP_GENERIC, "<Left>", UI_OP_PREV_PAGE},
    {UI_MAP_GENERIC, "Z", UI_OP_PREV_PAGE},
    {UI_MAP_GENERIC, "]", UI_OP_HALF_DOWN},
    {UI_MAP_GENERIC, "[", UI_OP_HALF_UP},
    {UI_MAP_GENERIC, "H", UI_OP_TOP_PAGE},
    {UI_MAP_GENERIC, "M", UI_OP_MIDDLE_PAGE},
    {UI_MAP_GENERIC, "L", UI_OP_BOTTOM_PAGE},
    {UI_MAP_GENERIC, ">", UI_OP_NEXT_LINE},
    {UI_MAP_GENERIC, "<", UI_OP_PREV_LINE},
    {UI_MAP_GENERIC, "<Enter>", UI_OP_SELECT_ENTRY},
    {UI_MAP_GENERIC, "q", UI_OP_EXIT},
    {UI_MAP_GENERIC, "?", UI_OP_HELP},
    {UI_MAP_GENERIC, "/", UI_OP_SEARCH},
    {UI_MAP_GENERIC, "<Esc>/", UI_OP_SEARCH_REVERSE},
    {UI_MAP_GENERIC, "n", UI_OP_SEARCH_NEXT},
    {UI_MAP_GENERIC, "^L", UI_OP_REDRAW},
    {UI_MAP_GENERIC, "t", UI_OP_TAG},
    {UI_MAP_GENERIC, ";", UI_OP_TAG_PREFIX},
    {UI_MAP_GENERIC, "1", UI_OP_JUMP},
    {UI_MAP_GENERIC, "2", UI_OP_JUMP},
    {UI_MAP_GENERIC, "3", UI_OP_JUMP},
    {UI_MAP_GENERIC, "4", UI_OP_JUMP},
    {UI_MAP_GENERIC, "5", UI_OP_JUMP},
    {UI_MAP_GENERIC, "6", UI_OP_JUMP},
    {UI_MAP_GENERIC, "7", UI_OP_JUMP},
    {UI_MAP_GENERIC, "8", UI_OP_JUMP},
    {UI_MAP_GENERIC, "9", UI_OP_JUMP},
    {UI_MAP_GENERIC, "^G", UI_OP_CANCEL},
    {UI_MAP_GENERIC, "V", UI_OP_VERSION},

    /* index */
    {UI_MAP_INDEX, "q", UI_OP_QUIT},
    {UI_MAP_INDEX, "x", UI_OP_EXIT},
    {UI_MAP_INDEX, "<Enter>", UI_OP_DISPLAY},
    {UI_MAP_INDEX, "<Space>", UI_OP_DISPLAY},
    {UI_MAP_INDEX, "j", UI_OP_NEXT_UNDELETED},
    {UI_MAP_INDEX, "<Down>", UI_OP_NEXT_UNDELETED},
    {UI_MAP_INDEX, "k", UI_OP_PREV_UNDELETED},
    {UI_MAP_INDEX, "<Up>", UI_OP_PREV_UNDELETED},
    {UI_MAP_INDEX, "J", UI_OP_NEXT_ENTRY},
    {UI_MAP_INDEX, "K", UI_OP_PREV_ENTRY},
    {UI_MAP_INDEX, "<Tab>", UI_OP_NEXT_UNREAD},
    {UI_MAP_INDEX, "<Esc><Tab>", UI_OP_PREV_UNREAD},
    {UI_MAP_INDEX, "^N", UI_OP_NEXT_THREAD},
    {UI_MAP_INDEX, "^P", UI_OP_PREV_THREAD},
    {UI_MAP_INDEX, "<Esc>n", UI_OP_NEXT_SUBTHREAD},
    {UI_MAP_INDEX, "<Esc>p", UI_OP_PREV_SUBTHREAD},
    {UI_MAP_INDEX, "P", UI_OP_PARENT},
    {UI_MAP_INDEX, "<Esc>v", UI_OP_COLLAPSE_THREAD},
    {UI_MAP_INDEX, "<Esc>V", UI_OP_COLLAPSE_ALL},
    {UI_MAP_INDEX, "d", UI_OP_DELETE},
    {UI_MAP_INDEX, "u", UI_OP_UNDELETE},
    {UI_MAP_INDEX, "^D", UI_OP_DELETE_THREAD},
    {UI_MAP_INDEX, "^U", UI_OP_UNDELETE_THREAD},
    {UI_MAP_INDEX, "<Esc>d", UI_OP_DELETE_SUBTHREAD},
    {UI_MAP_INDEX, "<Esc>u", UI_OP_UNDELETE_SUBTHREAD},
    {UI_MAP_INDEX, "D", UI_OP_DELETE_PATTERN},
    {UI_MAP_INDEX, "U", UI_OP_UNDELETE_PATTERN},
    {UI_MAP_INDEX, "T", UI_OP_TAG_PATTERN},
    {UI_MAP_INDEX, "^T", UI_OP_UNTAG_PATTERN},
    {UI_MAP_INDEX, "<Esc>t", UI_OP_TAG_THREAD},
    {UI_MAP_INDEX, "N", UI_OP_TOGGLE_NEW},
    {UI_MAP_INDEX, "F", UI_OP_FLAG},
    {UI_MAP_INDEX, "^R", UI_OP_READ_THREAD},
    {UI_MAP_INDEX, "<Esc>r", UI_OP_READ_SUBTHREAD},
    {UI_MAP_INDEX, "$", UI_OP_SYNC},
    {UI_MAP_INDEX, "G", UI_OP_CHECK_MAIL},
    {UI_MAP_INDEX, "s", UI_OP_SAVE},
    {UI_MAP_INDEX, "C", UI_OP_COPY},
    {UI_MAP_INDEX, "l", UI_OP_LIMIT},
    {UI_MAP_INDEX, "<Esc>l", UI_OP_SHOW_LIMIT},
    {UI_MAP_INDEX, "o", UI_OP_SORT},
    {UI_MAP_INDEX, "O", UI_OP_SORT_REVERSE},
    {UI_MAP_INDEX, "c", UI_OP_CHANGE_FOLDER},
    {UI_MAP_INDEX, ".", UI_OP_FOLDER_LIST},
    {UI_MAP_INDEX, "B", UI_OP_SIDEBAR_TOGGLE},
    {UI_MAP_INDEX, "<Esc>j", UI_OP_SIDEBAR_NEXT},
    {UI_MAP_INDEX, "<Esc>k", UI_OP_SIDEBAR_PREV},
    {UI_MAP_INDEX, "<Esc>o", UI_OP_SIDEBAR_OPEN},
    {UI_MAP_INDEX, "m", UI_OP_MAIL},
    {UI_MAP_INDEX, "r", UI_OP_REPLY},
    {UI_MAP_INDEX, "g", UI_OP_GROUP_REPLY},
    {UI_MAP_INDEX, "L", UI_OP_LIST_REPLY},
    {UI_MAP_INDEX, "f", UI_OP_FORWARD},
    {UI_MAP_INDEX, "R", UI_OP_RECALL},
    {UI_MAP_INDEX, "Q", UI_OP_QUERY},
    {UI_MAP_INDEX, "v", UI_OP_VIEW_ATTACH},
    {UI_MAP_INDEX, "h", UI_OP_DISPLAY_HEADERS},
    {UI_MAP_INDEX, "e", UI_OP_VIEW_RAW},
    {UI_MAP_INDEX, "^B", UI_OP_VIEW_URLS},
    {UI_MAP_INDEX, "M", UI_OP_SHOW_LOG},

    /* pager: a complete map of its own, as in mutt */
    {UI_MAP_PAGER, "q", UI_OP_EXIT},
    {UI_MAP_PAGER, "x", UI_OP_EXIT},
    {UI_MAP_PAGER, "i", UI_OP_EXIT},
    {UI_MAP_PAGER, "Q", UI_OP_QUIT},
    {UI_MAP_PAGER, "?", UI_OP_HELP},
    {UI_MAP_PAGER, "<Enter>", UI_OP_NEXT_LINE},
    {UI_MAP_PAGER, "<Backspace>", UI_OP_PREV_LINE},
    {UI_MAP_PAGER, "<Space>", UI_OP_NEXT_PAGE},
    {UI_MAP_PAGER, "<PageDown>", UI_OP_NEXT_PAGE},
    {UI_MAP_PAGER, "-", UI_OP_PREV_PAGE},
    {UI_MAP_PAGER, "<PageUp>", UI_OP_PREV_PAGE},
    {UI_MAP_PAGER, "]", UI_OP_HALF_DOWN},
    {UI_MAP_PAGER, "[", UI_OP_HALF_UP},
    {UI_MAP_PAGER, "<Home>", UI_OP_PAGER_TOP},
    {UI_MAP_PAGER, "^", UI_OP_PAGER_TOP},
    {UI_MAP_PAGER, "<End>", UI_OP_PAGER_BOTTOM},
    {UI_MAP_PAGER, "H", UI_OP_SKIP_HEADERS},
    {UI_MAP_PAGER, "S", UI_OP_SKIP_QUOTED},
    {UI_MAP_PAGER, "T", UI_OP_HIDE_QUOTED},
    {UI_MAP_PAGER, "/", UI_OP_SEARCH},
    {UI_MAP_PAGER, "<Esc>/", UI_OP_SEARCH_REVERSE},
    {UI_MAP_PAGER, "n", UI_OP_SEARCH_NEXT},
    {UI_MAP_PAGER, "\\", UI_OP_SEARCH_TOGGLE},
    {UI_MAP_PAGER, "^L", UI_OP_REDRAW},
    {UI_MAP_PAGER, "j", UI_OP_NEXT_UNDELETED},
    {UI_MAP_PAGER, "<Down>", UI_OP_NEXT_UNDELETED},
    {UI_MAP_PAGER, "<Right>", UI_OP_NEXT_UNDELETED},
    {UI_MAP_PAGER, "k", UI_OP_PREV_UNDELETED},
    {UI_MAP_PAGER, "<Up>", UI_OP_PREV_UNDELETED},
    {UI_MAP_PAGER, "<Left>", UI_OP_PREV_UNDELETED},
    {UI_MAP_PAGER, "J", UI_OP_NEXT_LINE},
    {UI_MAP_PAGER, "K", UI_OP_PREV_LINE},
    {UI_MAP_PAGER, "<Tab>", UI_OP_NEXT_UNREAD},
    {UI_MAP_PAGER, "^N", UI_OP_NEXT_THREAD},
    {UI_MAP_PAGER, "^P", UI_OP_PREV_THREAD},
    {UI_MAP_PAGER, "<Esc>n", UI_OP_NEXT_SUBTHREAD},
    {UI_MAP_PAGER, "<Esc>p", UI_OP_PREV_SUBTHREAD},
    {UI_MAP_PAGER, "P", UI_OP_PARENT},
    {UI_MAP_PAGER, "d", UI_OP_DELETE},
    {UI_MAP_PAGER, "u", UI_OP_UNDELETE},
    {UI_MAP_PAGER, "^D", UI_OP_DELETE_THREAD},
    {UI_MAP_PAGER, "^U", UI_OP_UNDELETE_THREAD},
    {UI_MAP_PAGER, "<Esc>d", UI_OP_DELETE_SUBTHREAD},
    {UI_MAP_PAGER, "<Esc>u", UI_OP_UNDELETE_SUBTHREAD},
    {UI_MAP_PAGER, "t", UI_OP_TAG},
    {UI_MAP_PAGER, ";", UI_OP_TAG_PREFIX},
    {UI_MAP_PAGER, "N", UI_OP_TOGGLE_NEW},
    {UI_MAP_PAGER, "F", UI_OP_FLAG},
    {UI_MAP_PAGER, "^R", UI_OP_READ_THREAD},
    {UI_MAP_PAGER, "<Esc>r", UI_OP_READ_SUBTHREAD},
    {UI_MAP_PAGER, "$", UI_OP_SYNC},
    {UI_MAP_PAGER, "s", UI_OP_SAVE},
    {UI_MAP_PAGER, "C", UI_OP_COPY},
    {UI_MAP_PAGER, "o", UI_OP_SORT},
    {UI_MAP_PAGER, "O", UI_OP_SORT_REVERSE},
    {UI_MAP_PAGER, "c", UI_OP_CHANGE_FOLDER},
    {UI_MAP_PAGER, ".", UI_OP_FOLDER_LIST},
    {UI_MAP_PAGER, "B", UI_OP_SIDEBAR_TOGGLE},
    {UI_MAP_PAGER, "<Esc>j", UI_OP_SIDEBAR_NEXT},
    {UI_MAP_PAGER, "<Esc>k", UI_OP_SIDEBAR_PREV},
    {UI_MAP_PAGER, "<Esc>o", UI_OP_SIDEBAR_OPEN},
    {UI_MAP_PAGER, "m", UI_OP_MAIL},
    {UI_MAP_PAGER, "r", UI_OP_REPLY},
    {UI_MAP_PAGER, "g", UI_OP_GROUP_REPLY},
    {UI_MAP_PAGER, "L", UI_OP_LIST_REPLY},
    {UI_MAP_PAGER, "f", UI_OP_FORWARD},
    {UI_MAP_PAGER, "R", UI_OP_RECALL},
    {UI_MAP_PAGER, "v", UI_OP_VIEW_ATTACH},
    {UI_MAP_PAGER, "h", UI_OP_DISPLAY_HEADERS},
    {UI_MAP_PAGER, "e", UI_OP_VIEW_RAW},
    {UI_MAP_PAGER, "^B", UI_OP_VIEW_URLS},
    {UI_MAP_PAGER, "M", UI_OP_SHOW_LOG},
    {UI_MAP_PAGER, "^G", UI_OP_CANCEL},
    {UI_MAP_PAGER, "V", UI_OP_VERSION},

    /* folders */
    {UI_MAP_FOLDERS, "c", UI_OP_CHANGE_FOLDER},
    {UI_MAP_FOLDERS, "m", UI_OP_MAIL},

    /* attachments */
    {UI_MAP_ATTACH, "s", UI_OP_SAVE_ATTACH},
    {UI_MAP_ATTACH, "m", UI_OP_OPEN_ATTACH},

    /* the compose screen, as mutt's compose menu */
    {UI_MAP_COMPOSE, "y", UI_OP_SEND},
    {UI_MAP_COMPOSE, "e", UI_OP_EDIT_MESSAGE},
    {UI_MAP_COMPOSE, "t", UI_OP_EDIT_TO},
    {UI_MAP_COMPOSE, "c", UI_OP_EDIT_CC},
    {UI_MAP_COMPOSE, "b", UI_OP_EDIT_BCC},
    {UI_MAP_COMPOSE, "s", UI_OP_EDIT_SUBJECT},
    {UI_MAP_COMPOSE, "r", UI_OP_EDIT_REPLY_TO},
    {UI_MAP_COMPOSE, "f", UI_OP_EDIT_FROM},
    {UI_MAP_COMPOSE, "a", UI_OP_ATTACH_FILE},
    {UI_MAP_COMPOSE, "D", UI_OP_DETACH_FILE},
    {UI_MAP_COMPOSE, "P", UI_OP_POSTPONE},
    {UI_MAP_COMPOSE, "p", UI_OP_POSTPONE},
};

struct ui_keyname {
	const char *name;
	uint32_t key;
};

static const struct ui_keyname ui_keynames[] = {
    {"Up", UI_KEY_FN | KEY_UP},
    {"Down", UI_KEY_FN | KEY_DOWN},
    {"Left", UI_KEY_FN | KEY_LEFT},
    {"Right", UI_KEY_FN | KEY_RIGHT},
    {"PageUp", UI_KEY_FN | KEY_PPAGE},
    {"PageDown", UI_KEY_FN | KEY_NPAGE},
    {"Home", UI_KEY_FN | KEY_HOME},
    {"End", UI_KEY_FN | KEY_END},
    {"Insert", UI_KEY_FN | KEY_IC},
    {"Delete", UI_KEY_FN | KEY_DC},
    {"Backspace", UI_KEY_FN | KEY_BACKSPACE},
    {"BackTab", UI_KEY_FN | KEY_BTAB},
    {"Enter", '\n'},
    {"Return", '\n'},
    {"KeypadEnter", '\n'},
    {"Tab", '\t'},
    {"Esc", 27},
    {"Space", ' '},
    {"comma", ','},
    {"hash", '#'},
    {"semicolon", ';'},
    {"lt", '<'},
    {"gt", '>'},
    {"backslash", '\\'},
    {"quote", '"'},
};

static enum ui_op ui_keymap_find(const struct ui_keymap *, enum ui_map,
    uint32_t, int *);

void
ui_keymap_init(struct ui_keymap *km)
{
	size_t i;
	uint32_t key;

	memset(km, 0, sizeof *km);
	for (i = 0; i < PT_NELEM(ui_defaults); i++) {
		const struct ui_default *d = &ui_defaults[i];

		if (ui_key_parse(d->key, strlen(d->key), &key) != 0)
			pt_fatal("bad default key '%s'", d->key);
		ui_keymap_bind(km, d->map, key, d->op);
	}
}

void
ui_keymap_release(struct ui_keymap *km)
{
	size_t i;

	for (i = 0; i < UI_MAP_COUNT; i++)
		free(km->b[i]);
	memset(km, 0, sizeof *km);
}

static enum ui_op
ui_keymap_find(const struct ui_keymap *km, enum ui_map map, uint32_t key,
    int *found)
{
	size_t i;

	for (i = 0; i < km->n[map]; i++) {
		if (km->b[map][i].key == key) {
			*found = 1;
			return km->b[map][i].op;
		}
	}
	*found = 0;
	return UI_OP_NONE;
}

enum ui_op
ui_keymap_lookup(const struct ui_keymap *km, enum ui_map map, uint32_t key)
{
	enum ui_op op;
	int found;

	op = ui_keymap_find(km, map, key, &found);
	if (found || map == UI_MAP_PAGER || map == UI_MAP_GENERIC)
		return op;
	return ui_keymap_find(km, UI_MAP_GENERIC, key, &found);
}

void
ui_keymap_bind(struct ui_keymap *km, enum ui_map map, uint32_t key,
    enum ui_op op)
{
	size_t i;

	for (i = 0; i < km->n[map]; i++) {
		if (km->b[map][i].key == key) {
			km->b[map][i].op = op;
			return;
		}
	}
	if (km->n[map] == km->cap[map]) {
		km->cap[map] = km->cap[map] == 0 ? 64 : km->cap[map] * 2;
		km->b[map] = pt_xreallocarray(km->b[map], km->cap[map],
		    sizeof *km->b[map]);
	}
	km->b[map][km->n[map]].key = key;
	km->b[map][km->n[map]].op = op;
	km->n[map]++;
}

int
ui_keymap_parse(struct ui_keymap *km, enum ui_map map, const char *value,
    struct pt_error *err)
{
	const char *p = value;
	char item[256], fname[128];
	enum ui_op op;
	uint32_t key;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		const char *end = strchr(p, ','), *sp;
		size_t len, klen;

		len = end != NULL ? (size_t)(end - p) : strlen(p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len >= sizeof item)
			len = sizeof item - 1;
		memcpy(item, p, len);
		item[len] = '\0';
		p = end != NULL ? end + 1 : p + strlen(p);

		if ((sp = strpbrk(item, " \t")) == NULL)
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("[keys] %s: '%s' needs a key and a function, "
			      "as in \"d delete-message\""),
			    ui_map_name(map), item);
		klen = (size_t)(sp - item);
		while (*sp == ' ' || *sp == '\t')
			sp++;
		pt_strlcpy(fname, sp, sizeof fname);
		if (ui_key_parse(item, klen, &key) != 0) {
			item[klen] = '\0';
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("[keys] %s: unknown key '%s' (write keys as "
			      "j, ^D, <Esc>v, <Down>, <F5>, <Space>)"),
			    ui_map_name(map), item);
		}
		if (ui_op_parse(fname, &op) != 0)
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("[keys] %s: unknown function '%s' (the help "
			      "screen, key ?, lists them)"),
			    ui_map_name(map), fname);
		if (op != UI_OP_NONE && !ui_op_in_map(op, map))
			return pt_error_set(err, PT_E_CONFIG, 0,
			    _("[keys] %s: function '%s' does not work there"),
			    ui_map_name(map), fname);
		ui_keymap_bind(km, map, key, op);
	}
	return 0;
}

void
ui_keymap_keys(const struct ui_keymap *km, enum ui_map map, enum ui_op op,
    char *buf, size_t len)
{
	char name[32];
	size_t i, used = 0;
	int found;

	buf[0] = '\0';
	for (i = 0; i < km->n[map]; i++) {
		if (km->b[map][i].op != op)
			continue;
		ui_key_name(km->b[map][i].key, name, sizeof name);
		used +=
		    (size_t)snprintf(buf + used, used < len ? len - used : 0,
			"%s%s", used > 0 ? " " : "", name);
		if (used >= len)
			return;
	}
	if (map == UI_MAP_PAGER || map == UI_MAP_GENERIC)
		return;
	for (i = 0; i < km->n[UI_MAP_GENERIC]; i++) {
		const struct ui_binding *b = &km->b[UI_MAP_GENERIC][i];

		if (b->op != op)
			continue;
		/* Shadowed by the map's own binding of the key? */
		ui_keymap_find(km, map, b->key, &found);
		if (found)
			continue;
		ui_key_name(b->key, name, sizeof name);
		used +=
		    (size_t)snprintf(buf + used, used < len ? len - used : 0,
			"%s%s", used > 0 ? " " : "", name);
		if (used >= len)
			return;
	}
}

int
ui_op_own(enum ui_op op, enum ui_map map)
{
	return op > UI_OP_NONE && op < UI_OP_COUNT &&
	       (ui_op_maps[op] & (1u << map)) != 0;
}

int
ui_op_in_map(enum ui_op op, enum ui_map map)
{
	unsigned m;

	if (op == UI_OP_NONE || op >= UI_OP_COUNT)
		return 0;
	m = ui_op_maps[op];
	if (m & (1u << map))
		return 1;
	/* Generic functions work in every map that falls back to it. */
	return (m & (1u << UI_MAP_GENERIC)) && map != UI_MAP_PAGER;
}

static const char *const ui_map_names[UI_MAP_COUNT] = {"generic", "index",
    "pager", "folders", "attach", "compose"};

const char *
ui_map_name(enum ui_map map)
{
	return ui_map_names[map];
}

int
ui_map_parse(const char *s, enum ui_map *out)
{
	size_t i;

	for (i = 0; i < UI_MAP_COUNT; i++) {
		if (strcmp(s, ui_map_names[i]) == 0) {
			*out = (enum ui_map)i;
			return 0;
		}
	}
	return -1;
}

int
ui_op_parse(const char *s, enum ui_op *out)
{
	size_t i;

	for (i = 0; i < UI_OP_COUNT; i++) {
		if (ui_ops[i].name != NULL && strcmp(s, ui_ops[i].name) == 0) {
			*out = (enum ui_op)i;
			return 0;
		}
	}
	return -1;
}

void
ui_key_name(uint32_t key, char *buf, size_t len)
{
	char rest[24], enc[5];
	uint32_t k = key & UI_KEY_MASK;

	rest[0] = '\0';
	if (key & UI_KEY_FN) {
		size_t i;

		for (i = 0; i < PT_NELEM(ui_keynames); i++) {
			if (ui_keynames[i].key == (UI_KEY_FN | k)) {
				snprintf(rest, sizeof rest, "<%s>",
				    ui_keynames[i].name);
				break;
			}
		}
		if (rest[0] == '\0' && k >= (uint32_t)KEY_F(1) &&
		    k <= (uint32_t)KEY_F(24))
			snprintf(rest, sizeof rest, "<F%u>",
			    (unsigned)(k - (uint32_t)KEY_F0));
		else if (rest[0] == '\0')
			snprintf(rest, sizeof rest, "<key%o>", (unsigned)k);
	} else if (k == '\n')
		snprintf(rest, sizeof rest, "<Enter>");
	else if (k == '\t')
		snprintf(rest, sizeof rest, "<Tab>");
	else if (k == ' ')
		snprintf(rest, sizeof rest, "<Space>");
	else if (k == 27)
		snprintf(rest, sizeof rest, "<Esc>");
	else if (k == 127)
		snprintf(rest, sizeof rest, "^?");
	else if (k < 32)
		snprintf(rest, sizeof rest, "^%c", (char)('@' + k));
	else {
		size_t n = pt_utf8_encode(k, enc);

		enc[n] = '\0';
		snprintf(rest, sizeof rest, "%s", enc);
	}
	snprintf(buf, len, "%s%s", (key & UI_KEY_META) ? "<Esc>" : "", rest);
}

int
ui_key_parse(const char *s, size_t len, uint32_t *out)
{
	uint32_t meta = 0, cp;
	size_t n;

	if (len == 0)
		return -1;
	/* Alt: "<Esc>x", "<M-x>", "\ex" */
	if (len > 5 && strncasecmp(s, "<Esc>", 5) == 0) {
		meta = UI_KEY_META;
		s += 5;
		len -= 5;
	} else if (len > 2 && s[0] == '\\' && s[1] == 'e') {
		meta = UI_KEY_META;
		s += 2;
		len -= 2;
	} else if (len > 4 && strncasecmp(s, "<M-", 3) == 0 &&
		   s[len - 1] == '>') {
		meta = UI_KEY_META;
		s += 3;
		len -= 4;
	}
	/* "^X" and "<C-x>" */
	if (len == 2 && s[0] == '^') {
		if (s[1] == '?') {
			*out = meta | 127;
			return 0;
		}
		if (s[1] >= '@' && s[1] <= '_') {
			*out = meta | (uint32_t)(s[1] - '@');
			return 0;
		}
		if (s[1] >= 'a' && s[1] <= 'z') {
			*out = meta | (uint32_t)(s[1] - 'a' + 1);
			return 0;
		}
		return -1;
	}
	if (len == 5 && strncasecmp(s, "<C-", 3) == 0 && s[4] == '>') {
		char c = s[3];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < '@' || c > '_')
			return -1;
		*out = meta | (uint32_t)(c - '@');
		return 0;
	}
	if (len == 2 && s[0] == '\\') {
		switch (s[1]) {
		case 't':
			*out = meta | '\t';
			return 0;
		case 'n':
		case 'r':
			*out = meta | '\n';
			return 0;
		case '\\':
			*out = meta | '\\';
			return 0;
		default:
			return -1;
		}
	}
	if (len > 2 && s[0] == '<' && s[len - 1] == '>') {
		size_t i;

		for (i = 0; i < PT_NELEM(ui_keynames); i++) {
			if (strlen(ui_keynames[i].name) == len - 2 &&
			    strncasecmp(ui_keynames[i].name, s + 1, len - 2) ==
				0) {
				*out = meta | ui_keynames[i].key;
				return 0;
			}
		}
		if ((s[1] == 'F' || s[1] == 'f') && len <= 5) {
			unsigned f = 0;

			for (i = 2; i < len - 1; i++) {
				if (s[i] < '0' || s[i] > '9')
					return -1;
				f = f * 10 + (unsigned)(s[i] - '0');
			}
			if (f < 1 || f > 24)
				return -1;
			*out = meta | UI_KEY_FN | (uint32_t)KEY_F(f);
			return 0;
		}
		return -1;
	}
	n = pt_utf8_decode(s, len, &cp);
	if (n != len || cp == PT_UTF8_INVALID || cp < 32 || cp == 127)
		return -1;
	*out = meta | cp;
	return 0;
}
