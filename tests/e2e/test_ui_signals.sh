#!/usr/bin/env bash
# Signals: SIGTERM and SIGHUP quit cleanly (the search history is
# saved and comes back next time); Ctrl-Z in a shell with job control
# gives the terminal back and "fg" brings the screen back whole; a
# crash (SIGSEGV) still restores the terminal: the normal screen, the
# cursor shown.  No mail server is needed: the account points at a
# server that never answers.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3 pgrep
[ -x "$PETREL" ] || pt_skip "petrel is not built"

net_tmp=$(pt_tmpdir)
fault_start hole blackhole || exit 99
cfg=$net_tmp/config
ui_cfg "$cfg" imap_port="$hole_PORT" password=secret
pane() { tmux -L "$ui_sock" display -p "#{$1}"; }
pid_of() { pgrep -n -f "$PETREL -F $cfg"; }

ui_start "$cfg"
pt_check "the index is drawn" ui_wait "q:Quit"
pt_check "in the alternate screen" test "$(pane alternate_on)" = 1
pid=$(pid_of)
ui_keys /
ui_type "kept in the history"
ui_keys Enter
pt_check "the search ran" ui_wait "Not found."
kill -TERM "$pid"
pt_check "SIGTERM quits" ui_exited
pt_check "with status 0" ui_shows "petrel-exited 0"
pt_check "the terminal is restored" test "$(pane alternate_on)" = 0
pt_check "the history was saved" \
	grep -q "^search kept in the history$" "$ui_home/state/petrel/history"

# Ctrl-Z needs a shell with job control, as a user's has.
tmux -L "$ui_sock" kill-server
ui_sock=pt$$sh
pt_at_exit "tmux -L '$ui_sock' kill-server 2>/dev/null"
tmux -L "$ui_sock" -f /dev/null new-session -d -x 100 -y 30 \
	"env -i PATH='$PATH' HOME='$ui_home' XDG_STATE_HOME='$ui_home/state' \
	XDG_CACHE_HOME='$ui_home/cache' LC_ALL=C.UTF-8 TZ=UTC \
	ASAN_OPTIONS='$ASAN_OPTIONS' UBSAN_OPTIONS='$UBSAN_OPTIONS' \
	LSAN_OPTIONS='$LSAN_OPTIONS' \
	TERM=screen-256color PS1='sh$ ' bash --norc --noprofile -i"
pt_check "a shell" ui_wait 'sh$'
ui_type "'$PETREL' -F '$cfg'"
ui_keys Enter
pt_check "petrel starts" ui_wait "q:Quit"
pid=$(pid_of)
ui_keys C-z
pt_check "Ctrl-Z gives the terminal back" \
	ui_until 5 eval '[ "$(pane alternate_on)" = 0 ]'
pt_check "the shell says it stopped" ui_wait "Stopped"
pt_check "petrel is stopped" ui_until 5 eval \
	'grep -q "^State:.*T" /proc/$pid/status'
ui_type "fg"
ui_keys Enter
pt_check "fg brings it back" ui_until 5 eval '[ "$(pane alternate_on)" = 1 ]'
pt_check "drawn whole" ui_wait "q:Quit"
pt_check "with its status line" ui_wait "-- lab: INBOX"
ui_keys /
ui_keys Up
pt_check "the history came back" ui_wait "Search for: kept in the history"
ui_keys C-g
kill -HUP "$pid"
pt_check "SIGHUP quits" ui_until 5 eval '! kill -0 $pid 2>/dev/null'
pt_check "the terminal is restored" \
	ui_until 5 eval '[ "$(pane alternate_on)" = 0 ]'
tmux -L "$ui_sock" kill-server

# The crash is petrel's own handler's to handle: AddressSanitizer
# leaves SIGSEGV alone (its report would fail the test).
UI_ENV="ASAN_OPTIONS='$ASAN_OPTIONS:handle_segv=0'"
ui_start "$cfg"
UI_ENV=
pt_check "once more" ui_wait "q:Quit"
kill -SEGV "$(pid_of)"
pt_check "a crash ends it" ui_exited
# 139 is SIGSEGV's status.
pt_check "with the signal's status" eval \
	'ui_screen | grep -qE "^petrel-exited 139$"'
pt_check "the normal screen is back" test "$(pane alternate_on)" = 0
pt_check "the cursor is shown" test "$(pane cursor_flag)" = 1
pt_done
