#!/usr/bin/env bash
# Resizing the window again and again while a 20,000-message folder is
# loading: every size is drawn whole (help bar on top, status above the
# bottom line, nothing wider than the window, the cursor line on
# screen), and once the folder is in, the screen equals a full redraw
# (^L): no garbage.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3
[ -x "$PETREL" ] || pt_skip "petrel is not built"

ui_servers
bash "$top_srcdir/tests/servers/mailservers.sh" fill "$ms_dir" -m Bench \
	"$PT_ALICE_USER" 20000 >/dev/null || exit 99
# IMAP through a link of 1 MB/s, so that the load lasts seconds however
# fast the machine is (on a quiet one 20,000 headers took less than one
# resize).
relay_tmp=$(pt_tmpdir)
port=$(net_free_port)
python3 "$top_srcdir/tests/harness/portmap.py" "$relay_tmp/ports.ready" \
	"slow:$PT_HOST:$port:$PT_HOST:$PT_IMAPS_PORT:1000000" &
relay=$!
pt_at_exit "kill $relay 2>/dev/null; wait $relay 2>/dev/null"
pt_wait_for 10 test -e "$relay_tmp/ports.ready" || pt_fail "the relay did not start"
sed -i "s/^imap_port = .*/imap_port = $port/" "$ui_cfgfile"
ui_start "$ui_cfgfile" 100 30
pt_check "INBOX opens" ui_wait "lab: INBOX [Msgs:28"

# frame COLS ROWS: the screen is COLS x ROWS with the frame in place.
frame() {
	local cols=$1 rows=$2 f=$ui_home/frame y
	ui_screen >"$f"
	y=$(tmux -L "$ui_sock" display -p '#{cursor_y}')
	[ "$(wc -l <"$f")" -eq "$rows" ] &&
		[ "$(wc -L <"$f")" -le "$cols" ] &&
		head -n 1 "$f" | grep -q "^q:Quit" &&
		sed -n "$((rows - 1))p" "$f" | grep -q "^-- lab: Bench " &&
		{ grep -q "^Loading\.\.\." "$f" ||
			{ [ "$y" -ge 1 ] && [ "$y" -le $((rows - 3)) ]; }; }
}
resize() {
	tmux -L "$ui_sock" resize-window -x "$1" -y "$2"
}

ui_keys c
ui_type "Bench"
ui_keys Enter
pt_check "Bench starts loading" ui_wait "Loading Bench"
sizes=("60 20" "120 40" "80 24" "45 12" "100 30")
mid=0 bad=0 i=0
while ui_shows "Loading Bench" && [ $i -lt 200 ]; do
	set -- ${sizes[$((i % ${#sizes[@]}))]}
	resize "$1" "$2"
	if ui_until 5 frame "$1" "$2"; then
		ui_shows "Loading Bench" && mid=$((mid + 1))
	else
		bad=$((bad + 1))
	fi
	ui_keys j
	i=$((i + 1))
done
echo "resized $i times, $mid while still loading"
pt_check "every size was drawn whole" test "$bad" -eq 0
pt_check "several resizes came mid-sync" test "$mid" -ge 2
resize 80 24
pt_check "the folder finishes loading" ui_wait "lab: Bench [Msgs:20000" 60
pt_check "the progress is gone" ui_gone "Loading Bench" 30
pt_check "80x24 drawn whole" ui_until 5 frame 80 24
ui_screen >"$ui_home/before"
ui_keys C-l
sleep 0.3
ui_screen >"$ui_home/after"
pt_check "the screen equals a full redraw" diff -u "$ui_home/before" "$ui_home/after"
ui_keys q
pt_check "q quits" ui_exited
pt_check "nothing on stderr" test ! -s "$ui_home/stderr"
pt_done
