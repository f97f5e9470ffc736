#!/usr/bin/env bash
# A server that accepts the connection and never answers: the interface
# stays responsive (keys move, the help opens, the cursor moves in the
# help) and q quits within a second, while the engine is still waiting.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3
[ -x "$PETREL" ] || pt_skip "petrel is not built"

net_tmp=$(pt_tmpdir)
fault_start hole blackhole || exit 99
cfg=$net_tmp/config
ui_cfg "$cfg" imap_port="$hole_PORT" password=secret read_timeout=600 \
	connect_timeout=600
ui_start "$cfg"

pt_check "the index frame is drawn" ui_wait "q:Quit"
pt_check "the folder is loading" ui_wait "Loading..."
pt_check "the status says connecting" ui_wait "[connecting]"
t0=${EPOCHREALTIME/./}
ui_keys '?'
pt_check "? opens the help while the server is silent" \
	ui_wait "Keys of the index screen" 2
t1=${EPOCHREALTIME/./}
pt_check "the help came within a second" test $(((t1 - t0) / 1000)) -lt 1000
ui_keys j j j
pt_check "j scrolls the help" ui_gone "Keys of the index screen" 2
ui_keys q
pt_check "q leaves the help" ui_wait "Loading..." 2
ui_keys c
pt_check "c asks for a folder" ui_wait "Open folder:" 2
ui_keys C-g
pt_check "^G cancels the question" ui_gone "Open folder:" 2
t0=${EPOCHREALTIME/./}
ui_keys q
pt_check "q quits" ui_exited 5
t1=${EPOCHREALTIME/./}
ms=$(((t1 - t0) / 1000))
echo "quit took ${ms} ms"
pt_check "q quits within a second ($ms ms)" test "$ms" -lt 1000
pt_check "exit status 0" ui_shows "petrel-exited 0"
pt_check "nothing on stderr" test ! -s "$ui_home/stderr"
pt_done
