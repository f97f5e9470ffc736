#!/usr/bin/env bash
# Threads against the real servers: the tree, replies with their
# parent's subject shown as the tree alone, folding one thread (Esc v)
# and all (Esc V), thread moves (^N ^P P), and ^D deleting a whole
# thread, expunged with $ and gone from the server.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3
[ -x "$PETREL" ] || pt_skip "petrel is not built"

ui_servers
ui_start "$ui_cfgfile"
pt_check "INBOX opens" ui_wait "lab: INBOX [Msgs:28"
pt_check "the root shows its subject" \
	ui_shows "    Mar 01 Grace Hopper         Project kickoff"
pt_check "a reply: the tree only" ui_shows "    Mar 01 Bob Martin           ├─>"
pt_check "a reply to a reply" ui_shows "    Mar 01 Carol Smith          │ └─>"
pt_check "the last reply" ui_shows "N   Mar 02 Dan Brown            └─>"

ui_keys k
ui_until 5 ui_cursor_on "Carol Smith"
ui_keys P
pt_check "P goes to the parent" ui_until 5 ui_cursor_on "Bob Martin"
ui_keys C-n
pt_check "^N goes to the next thread" ui_until 5 ui_cursor_on "Quarterly report"
ui_keys C-p
pt_check "^P goes back to the thread's root" \
	ui_until 5 ui_cursor_on "Grace Hopper"
ui_keys Escape v
pt_check "Esc v folds the thread" ui_wait "Grace Hopper         (+3) Project kickoff"
pt_check "its replies are hidden" ui_gone "Carol Smith"
pt_check "the counts stay" ui_shows "[Msgs:28 New:2 Flag:1]"
ui_keys Escape v
pt_check "Esc v unfolds it" ui_wait "Carol Smith          │ └─>"
ui_keys Escape V
pt_check "Esc V folds every thread" ui_wait "(+3) Project kickoff"
ui_keys Escape V
pt_check "Esc V unfolds them" ui_wait "Carol Smith          │ └─>"

ui_keys Home C-d
pt_check "^D marks the whole thread deleted" ui_wait "Del:4]"
pt_check "and moves to the next thread" ui_until 5 ui_cursor_on "Quarterly report"
pt_check "deleted messages show D" ui_shows " D  Mar 01 Carol Smith"
ui_keys '$'
pt_check "\$ asks first" ui_wait "Expunge 4 deleted messages? ([yes]/no):"
ui_keys y
pt_check "the thread is gone" ui_wait "[Msgs:24 New:1 Flag:1]"
pt_check "from the screen too" ui_gone "Project kickoff"
pt_check "the cursor stayed on its message" ui_until 5 ui_cursor_on "Quarterly report"
count() { [ "$(ui_imap count INBOX)" = "$1" ]; }
pt_check "the server has 24 messages" pt_wait_for 10 count 24
ui_keys q
pt_check "q quits" ui_exited
pt_check "nothing on stderr" test ! -s "$ui_home/stderr"
pt_done
