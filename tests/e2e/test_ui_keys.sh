#!/usr/bin/env bash
# Small interface faults, each checked against the real servers: Home
# and End on the help screen move what the next key starts from (End
# then Up is one line above the last page, not the top); ^G cancels a
# running folder open (big folder) and a prompt; with a terminal that
# has no colours the cursor line is still drawn in reverse video and the
# status line is there.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3
[ -x "$PETREL" ] || pt_skip "petrel is not built"

ui_servers
bash "$top_srcdir/tests/servers/mailservers.sh" fill "$ms_dir" -m Big \
	"$PT_ALICE_USER" 40000 >/dev/null || exit 99
ui_start "$ui_cfgfile"
pt_check "INBOX opens" ui_wait "lab: INBOX [Msgs:28"

# Help: End shows the last page; Up then scrolls one line up from it.
help_pos() {
	ui_screen | sed -n 's/.*-- Help: index -- (\([0-9]*\)\/\([0-9]*\)).*/\1 \2/p'
}
ui_keys ?
pt_check "help opens at its first line" ui_wait "-- Help: index -- (1/"
ui_keys End
pt_check "End shows the last page" ui_gone "-- Help: index -- (1/"
read -r at total <<<"$(help_pos)"
pt_check "End: the last line is on the screen ($at/$total)" \
	test "$((total - at))" -ge 10 -a "$((total - at))" -lt 30
ui_keys Up
pt_check "End then Up: one line up, not the top" \
	ui_wait "-- Help: index -- ($((at - 1))/$total)"
ui_keys Home
pt_check "Home shows the first line" ui_wait "-- Help: index -- (1/$total)"
ui_keys Down
pt_check "Home then Down: the second line" ui_wait "-- Help: index -- (2/$total)"
ui_keys q
pt_check "help closes" ui_wait "lab: INBOX [Msgs:28"

# ^G cancels a running folder open.
ui_keys c
pt_check "the folder prompt" ui_wait "Open folder"
ui_keys C-g
pt_check "^G cancels a prompt" ui_gone "Open folder"
pt_check "still in INBOX" ui_shows "lab: INBOX [Msgs:28"
ui_keys c
ui_wait "Open folder" >/dev/null
ui_type "Big"
ui_keys Enter
pt_check "a big folder opens with progress and its cancel key" \
	ui_wait "(^G cancels)" 20
ui_keys C-g
pt_check "^G: the open is cancelled" ui_wait "Cancelled:" 10
pt_check "^G: the progress is gone" ui_gone "(^G cancels)" 10
pt_check "^G: the keys still answer" eval 'ui_keys "?" && ui_wait "-- Help:"'
ui_keys q
ui_keys q
ui_exited

# No colours (TERM=vt100): reverse video marks the cursor line.
UI_ENV="TERM=vt100"
ui_start "$ui_cfgfile"
pt_check "monochrome: INBOX opens" ui_wait "lab: INBOX [Msgs:28"
pt_check "monochrome: the status line" ui_shows "-- lab: INBOX"
pt_check "monochrome: no colour is drawn" eval \
	'! tmux -L "$ui_sock" capture-pane -p -e | grep -qE $'"'"'\e\[[0-9;]*(3[0-7]|4[0-7])m'"'"
# vt100 has no Home key: "=" is first-entry too.
ui_keys =
# reverse TEXT: TEXT is drawn in reverse video (capture-pane -e writes an
# attribute only where it changes, so the state is followed from the top).
reverse() {
	tmux -L "$ui_sock" capture-pane -p -e | python3 -c '
import re, sys
rev, want = False, sys.argv[1]
for line in sys.stdin:
    pos = line.find(want)
    for m in re.finditer(r"\x1b\[([0-9;]*)m", line):
        if pos >= 0 and m.start() > pos:
            break
        for p in (m.group(1) or "0").split(";"):
            rev = {"0": False, "7": True, "27": False}.get(p, rev)
    if pos >= 0:
        sys.exit(0 if rev else 1)
sys.exit(1)' "$1"
}
cursor_reverse() {
	reverse "Project kickoff"
}
pt_check "monochrome: the cursor line is in reverse video" \
	ui_until 5 cursor_reverse
ui_keys j
not_reverse() {
	! cursor_reverse
}
pt_check "monochrome: it moves with the cursor" ui_until 5 not_reverse
pt_check "monochrome: to the next line" reverse "Bob Martin"
pt_check "monochrome: the status line in reverse video" reverse "-- lab: INBOX"

ui_keys q
ui_exited
UI_ENV=

pt_done
