#!/usr/bin/env bash
# More of the interface against the real servers: a limit on body text
# (~b) answered by the server, the sidebar, the log screen, colours set
# in [colors] and NO_COLOR; then the same account against a server that
# never answers: the cached index shows at once and the keys move the
# cursor while the engine waits, and q quits within a second.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3
[ -x "$PETREL" ] || pt_skip "petrel is not built"

net_tmp=$(pt_tmpdir)
UI_EXTRA_CFG=$'[colors]\nindicator = bold yellow blue'
ui_servers
ui_start "$ui_cfgfile"
pt_check "INBOX opens" ui_wait "lab: INBOX [Msgs:28"

ui_keys l
ui_type "~b \"which room\""
ui_keys Enter
pt_check "~b asks the server and limits" ui_wait "Shown:1]"
pt_check "to the message whose body matches" ui_shows "Dan Brown"
ui_keys l C-u
ui_type "all"
ui_keys Enter
pt_check "the limit is lifted" ui_gone "Shown:"

esc=$(tmux -L "$ui_sock" capture-pane -p -e)
pt_check "[colors] sets the cursor line's colours" \
	grep -qE $'\e\\[[0-9;]*1[0-9;]*m.*\e\\[33m\e\\[44m|\e\\[[0-9;]*1;33;44m' <<<"$esc"

ui_keys B
pt_check "B shows the sidebar" ui_until 5 eval \
	'ui_screen | sed -n 2p | grep -q "^INBOX *2│"'
pt_check "with the folders" ui_shows "Archive"
ui_keys Escape j Escape j Escape j Escape j Escape j Escape o
pt_check "Esc j and Esc o open a folder from it" ui_wait "lab: Archive [Msgs:0]"
ui_keys B
pt_check "B hides it" ui_until 5 eval '! ui_shows "│"'

ui_keys M
pt_check "M shows the log of messages" ui_wait "Messages and errors"
pt_check "with what happened" ui_shows "Connected to $PT_HOST."
ui_keys q
ui_keys q
ui_exited

UI_ENV="NO_COLOR=1"
ui_start "$ui_cfgfile"
pt_check "with NO_COLOR" ui_wait "lab: INBOX [Msgs:28"
pt_check "no colour is drawn" eval \
	'! tmux -L "$ui_sock" capture-pane -p -e | grep -qE $'"'"'\e\[[0-9;]*(3[0-7]|4[0-7])m'"'"
pt_check "but attributes are" eval \
	'tmux -L "$ui_sock" capture-pane -p -e | grep -qF $'"'"'\e[7m'"'"
ui_keys q
ui_exited
UI_ENV=

# The same account (so the same header cache) against a black hole.
fault_start hole blackhole || exit 99
sed -i "s/^imap_port = .*/imap_port = $hole_PORT/" "$ui_cfgfile"
ui_start "$ui_cfgfile"
pt_check "the cached index shows at once" ui_wait "lab: INBOX [Msgs:28" 5
pt_check "while the server does not answer" ui_until 5 eval \
	'ui_status | grep -qE "\[(connecting|reconnecting|offline)\]"'
ui_keys Home
pt_check "Home moves the cursor" ui_until 2 ui_cursor_on "Project kickoff"
ui_keys j j
pt_check "j moves it" ui_until 2 ui_cursor_on "Carol Smith"
ui_keys End
pt_check "End moves it" ui_until 2 ui_cursor_on "Build note 29"
t0=${EPOCHREALTIME/./}
ui_keys q
pt_check "q quits" ui_exited
ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
pt_check "within a second ($ms ms)" test "$ms" -lt 1000
pt_check "nothing on stderr" test ! -s "$ui_home/stderr"
pt_done
