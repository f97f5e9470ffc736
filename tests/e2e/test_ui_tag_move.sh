#!/usr/bin/env bash
# Tagging and moving against the real servers: t tags (and moves on),
# T tags by pattern, ";s" moves every tagged message to a folder (Tab
# completes its name), C copies, and the server has them where they
# belong afterwards; d then q asks to expunge before quitting.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3
[ -x "$PETREL" ] || pt_skip "petrel is not built"

ui_servers
ui_start "$ui_cfgfile"
pt_check "INBOX opens" ui_wait "lab: INBOX [Msgs:28"

ui_keys /
ui_type "Build note 10"
ui_keys Enter
ui_until 5 ui_cursor_on "Build note 10"
ui_keys t t
pt_check "t tags and moves on" ui_wait "Tag:2]"
pt_check "tagged messages show *" ui_shows "  * Mar 07 Notifier             Build note 10"
pt_check "the cursor moved on" ui_until 5 ui_cursor_on "Build note 12"
ui_keys T
ui_type "~s \"note 2[0-9]\""
ui_keys Enter
pt_check "T with a pattern without matches says so" ui_wait "0 messages match."
ui_keys T
ui_type "~s \"Build note 2\""
ui_keys Enter
pt_check "T tags the matching messages" ui_wait "Tag:12]"
ui_keys '\;' s
pt_check ";s asks where to" ui_wait "Move 12 messages to folder:"
ui_type "Arc"
ui_keys Tab
pt_check "Tab completes" ui_wait "Move 12 messages to folder: Archive"
ui_keys Enter
pt_check "they are moved" ui_wait "12 messages moved to Archive"
pt_check "the index has 16 left" ui_wait "[Msgs:16 New:2 Flag:1]"
count() { [ "$(ui_imap count "$1")" = "$2" ]; }
pt_check "the server's INBOX has 16" pt_wait_for 10 count INBOX 16
pt_check "the server's Archive has 12" pt_wait_for 10 count Archive 12
pt_check "the right ones" eval \
	'[ "$(ui_imap subjects Archive | sort | tr "\n" ,)" = "Build note 10,Build note 11,Build note 20,Build note 21,Build note 22,Build note 23,Build note 24,Build note 25,Build note 26,Build note 27,Build note 28,Build note 29," ]'

ui_keys Home C
pt_check "C asks where to copy" ui_wait "Copy 1 message to folder:"
ui_type "Trash"
ui_keys Enter
pt_check "it is copied" ui_wait "1 message copied to Trash"
pt_check "the server's Trash has it" pt_wait_for 10 count Trash 1
pt_check "the index still has it" ui_shows "[Msgs:16 "

ui_keys d
pt_check "d marks deleted" ui_wait "Del:1]"
ui_keys q
pt_check "q with deleted messages asks" \
	ui_wait "Expunge 1 deleted message? ([yes]/no):"
ui_keys Enter
pt_check "then quits" ui_exited
pt_check "exit status 0" ui_shows "petrel-exited 0"
pt_check "the server's INBOX has 15" pt_wait_for 10 count INBOX 15
pt_check "nothing on stderr" test ! -s "$ui_home/stderr"
pt_done
