#!/bin/bash
# The engine against a server that breaks in the middle of a literal:
# the job fails within the read timeout, the worker does not spin (the
# libetpan 1.9.4 socket driver loops at 100% CPU on an early end of
# file: LIBETPAN.md section 6), and the engine stops promptly.
. "$top_srcdir/tests/harness/lib.sh"

ET=$top_builddir/tests/tools/petrel-engine-tool
FAULT=$top_srcdir/tests/harness/imapfault.py
[ -x "$ET" ] || pt_skip "petrel-engine-tool is not built"
pt_need python3
tmp=$(pt_tmpdir)
# The offline queue (data, not cache) of this test only.
export XDG_DATA_HOME=$tmp/data

# start_fault MODE: sets port.
start_fault() {
	rm -f "$tmp/port"
	python3 "$FAULT" "$1" --port-file "$tmp/port" 2>"$tmp/fault.err" &
	local pid=$!
	pt_at_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
	pt_wait_for 10 test -s "$tmp/port" || {
		cat "$tmp/fault.err" >&2
		exit 99
	}
	port=$(cat "$tmp/port")
	cat >"$tmp/rc" <<EOF
[account fault]
email = f@example.test
imap_host = 127.0.0.1
imap_port = $port
imap_security = none
smtp_host = 127.0.0.1
smtp_port = 1
smtp_security = none
password = x
connect_timeout = 2
read_timeout = 2
EOF
	chmod 600 "$tmp/rc"
}

# run: the tool with its CPU time (user+sys, ms) and wall time (ms).
run() {
	local t0=$EPOCHREALTIME
	out=$( { /usr/bin/time -f 'cpu=%U %S rss=%M' "$ET" -F "$tmp/rc" -n -b 60000 "$@"; } 2>&1)
	wall=$(( (${EPOCHREALTIME/./} - ${t0/./}) / 1000 ))
	cpu=$(printf '%s\n' "$out" | sed -n 's/^cpu=\([0-9.]*\) \([0-9.]*\) .*/\1 \2/p' |
		awk '{printf "%d", ($1 + $2) * 1000}')
	rss=$(printf '%s\n' "$out" | sed -n 's/^cpu=.* rss=\([0-9]*\)$/\1/p')
	printf '%s\n' "$out" | sed 's/^/    | /'
	echo "    wall=${wall}ms cpu=${cpu}ms rss=${rss}KB"
}
has() { printf '%s\n' "$out" | grep -q -- "$1"; }

[ -x /usr/bin/time ] || pt_skip "/usr/bin/time is not installed"

echo "# the server closes the connection inside a literal"
start_fault literal-eof
run fetch INBOX 1
pt_check "eof: the fetch failed as a network error" has "EV failed job=1 folder=INBOX class=net"
pt_check "eof: promptly (under 2 s)" [ "$wall" -lt 2000 ]
pt_check "eof: no busy loop (under 500 ms of CPU)" eval '[ -n "$cpu" ] && [ "$cpu" -lt 500 ]'
pt_check "eof: the connection loss was reported" has "EV conn job=0 state=3 "

echo "# the server stops in the middle of a literal"
start_fault literal-stall
run fetch INBOX 1
pt_check "stall: the fetch failed as a network error" has "EV failed job=1 folder=INBOX class=net"
pt_check "stall: after the 2 s read timeout, not much later" eval '[ "$wall" -ge 1900 ] && [ "$wall" -lt 5000 ]'
pt_check "stall: no busy loop (under 500 ms of CPU)" eval '[ -n "$cpu" ] && [ "$cpu" -lt 500 ]'

echo "# a cancel breaks the stalled read at once"
run cancel-after 300 fetch INBOX 1
pt_check "cancel: failed as cancelled" has "EV failed job=1 folder=INBOX class=cancelled"
pt_check "cancel: well before the read timeout" [ "$wall" -lt 1500 ]

echo "# stopping the engine while a read stalls is bounded"
run nowait fetch INBOX 1 sleep 300
pt_check "stop: the engine stopped within the limit" has "STOPPED free_ms=[0-9]*$"
ms=$(printf '%s\n' "$out" | sed -n 's/^STOPPED free_ms=\([0-9]*\)$/\1/p')
pt_check "stop: in under 5.5 s" eval '[ -n "$ms" ] && [ "$ms" -lt 5500 ]'

echo "# a server announces a 1 GiB literal and sends it (byte budget)"
start_fault literal-huge
run open INBOX
pt_check "huge headers: the open failed as a protocol error" has "EV failed job=1 folder=INBOX class=proto msg=127.0.0.1 sent more than 4 MB in one response"
pt_check "huge headers: the connection was dropped" has "EV conn job=0 state=3 .*class=proto"
pt_check "huge headers: promptly (under 2 s)" [ "$wall" -lt 2000 ]
pt_check "huge headers: memory stayed small (peak RSS under 40 MB)" [ -n "$rss" ] && [ "$rss" -lt 40000 ]
run fetch INBOX 1
pt_check "huge body: the fetch into memory failed as a protocol error" has "EV failed job=1 folder=INBOX class=proto msg=the message is too large"
pt_check "huge body: promptly (under 5 s)" [ "$wall" -lt 5000 ]
pt_check "huge body: memory bounded by the 64 MB cap (peak RSS under 120 MB)" [ -n "$rss" ] && [ "$rss" -lt 120000 ]

pt_done
