#!/usr/bin/env bash
# The index against the real servers: the folder opens on the first
# unread message, the keys move the cursor (j k Home End PageDown),
# / searches, l limits, o sorts, ? lists the keys (a [keys] rebinding
# included), . lists the folders, c opens one with Tab completion, and
# q quits.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3
[ -x "$PETREL" ] || pt_skip "petrel is not built"

UI_EXTRA_CFG=$'[keys]\nindex = "<F5> limit"'
ui_servers
ui_start "$ui_cfgfile"

pt_check "INBOX opens with its counts" \
	ui_wait "lab: INBOX [Msgs:28 New:2 Flag:1] (threads)"
pt_check "the help bar is on top" ui_wait "q:Quit  d:Del  u:Undel"
pt_check "the cursor starts on the first unread message" \
	ui_until 5 ui_cursor_on "^N .*Dan Brown"
pt_check "a thread is drawn as a tree" ui_shows "Carol Smith          │ └─>"
pt_check "wide characters keep the columns" \
	ui_shows "山田太郎             日本語の件名 テスト"
ui_keys k
pt_check "k moves up" ui_until 5 ui_cursor_on "Carol Smith"
ui_keys j j
pt_check "j moves down" ui_until 5 ui_cursor_on "Quarterly report"
ui_keys Home
pt_check "Home goes to the first message" \
	ui_until 5 ui_cursor_on "Grace Hopper.*Project kickoff"
ui_keys End
pt_check "End goes to the last message" \
	ui_until 5 ui_cursor_on "Build note 29"
ui_keys Home PageDown
pt_check "PageDown pages" ui_until 5 ui_cursor_on "Build note 29"

ui_keys /
pt_check "/ asks what to search" ui_wait "Search for:"
ui_type "lunch"
ui_keys Enter
pt_check "the search finds the message" \
	ui_until 5 ui_cursor_on "Lunch on Friday?"
pt_check "and says it wrapped" ui_wait "Search wrapped to top."

ui_keys l
ui_type "~f carol | ~F"
ui_keys Enter
pt_check "l limits the view" ui_wait "Shown:2"
pt_check "the limit shows in the status" ui_wait "limit: ~f carol | ~F"
pt_check "only matching messages are shown" \
	eval '! ui_shows "Build note"'
ui_keys F5 C-u
ui_type "all"
ui_keys Enter
pt_check "the rebound F5 limits too, and 'all' lifts it" ui_gone "Shown:"

ui_keys o d
pt_check "o d sorts by date" ui_wait "(date)"
ui_keys O d
pt_check "O d sorts by date, newest first" ui_wait "(reverse-date)"
ui_keys Home
pt_check "the newest is on top" ui_until 5 ui_cursor_on "Build note 29"
ui_keys o t

ui_keys '?'
pt_check "? shows the index keys" ui_wait "Keys of the index screen"
pt_check "the help shows function names" ui_shows "next-undeleted"
help_has() {
	local i
	for i in 1 2 3 4 5; do
		ui_shows "$1" && return 0
		ui_keys PageDown
		sleep 0.1
	done
	return 1
}
pt_check "the help lists rebound keys" help_has "l <F5>"
ui_keys q

ui_keys .
pt_check ". lists the folders" ui_wait "Folders (unread/total)"
folder_order() {
	ui_screen | sed -n 2,7p | cut -c1-10 | tr -s " " | tr "\n" , |
		grep -q "^INBOX ,Drafts ,Sent ,Trash ,Junk ,Archive ,"
}
pt_check "special folders come first" ui_until 5 folder_order
pt_check "INBOX has its counts" ui_wait "2/28"
ui_keys j j j j j Enter
pt_check "Enter opens Archive" ui_wait "lab: Archive [Msgs:0]"
pt_check "an empty folder says so" ui_wait "No messages in this folder."

ui_keys c
ui_type "IN"
ui_keys Tab
pt_check "Tab completes the folder name" ui_wait "Open folder: INBOX"
ui_keys Enter
pt_check "c opens INBOX again" ui_wait "lab: INBOX [Msgs:28"

ui_keys q
pt_check "q quits" ui_exited
pt_check "exit status 0" ui_shows "petrel-exited 0"
pt_check "nothing on stderr" test ! -s "$ui_home/stderr"
pt_done
