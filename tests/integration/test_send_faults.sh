#!/bin/bash
# Batch sending against the fault SMTP servers (no Postfix needed): AUTH
# refused, one recipient refused, 452 and 552 after DATA, the connection
# dropped after DATA before the reply, a server that never answers the
# end of DATA, a black hole, nothing listening, a message over the
# server's SIZE, a bad address, and kill -9 at each step of sending.
# Each failure exits non-zero with the right words on stderr and leaves
# the message in the outbox; nothing is sent twice.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"

pt_need python3
[ -x "$PETREL" ] || pt_skip "petrel is not built"
net_tmp=$(pt_tmpdir)
printf 'fault-secret\n' >"$net_tmp/pw"
cfg=$net_tmp/config
export HOME=$net_tmp/home XDG_DATA_HOME=$net_tmp/data
mkdir -p "$HOME"
noimap=$(net_free_port)

has() { printf '%s\n' "$err" | grep -q -- "$1"; }
# send PORT [petrel args...]: batch-sends a short message into $rc/$err.
send() {
	local port=$1
	shift
	doctor_cfg "$cfg" smtp_port="$port" smtp_security=none \
		imap_port="$noimap" imap_security=none connect_timeout=3 \
		read_timeout=3
	err=$(printf 'Hello,\nthis is a test.\n' |
		"$PETREL" -F "$cfg" -s "fault test" "$@" 2>&1 >/dev/null)
	rc=$?
	printf '%s\n' "$err" | sed 's/^/    | /'
}
outbox() { "$PETREL" -F "$cfg" outbox "$@" 2>&1; }
# waiting STATE: exactly one message waits, in that state.
waiting() {
	local l
	l=$(outbox list | grep -c "^lab ")
	[ "$l" -eq 1 ] && outbox list | grep -q "^lab  [^ ]*  $1 "
}
clear_outbox() { rm -rf "$XDG_DATA_HOME/petrel/lab/outbox"; }
ndata() { grep -c '^DATA' "$1" 2>/dev/null || true; }

fault_start auth smtp-authfail
send "$auth_PORT" -- bob@example.test
pt_check "AUTH refused: exit 1 (rc $rc)" test "$rc" -eq 1
pt_check "AUTH refused: stderr names the password" has "rejected the user name or password"
pt_check "AUTH refused: the server's words" has "535 5.7.8 Error: authentication failed"
pt_check "AUTH refused: left in the outbox (queued)" waiting queued
pt_check "AUTH refused: the reason is kept" sh -c "'$PETREL' -F '$cfg' outbox list | grep -q 'not sent: .*535'"
clear_outbox

fault_start rcpt smtp-rcpt-refuse
send "$rcpt_PORT" -- bob@example.test nobody@example.test
pt_check "one recipient refused: exit 1 (rc $rc)" test "$rc" -eq 1
pt_check "one recipient refused: names it with the server's words" \
	has "refused the recipient 'nobody@example.test' (server: 550 5.1.1"
pt_check "one recipient refused: per-recipient line" \
	has "nobody@example.test: refused (server: 550 5.1.1"
pt_check "one recipient refused: nothing was sent (no DATA)" test "$(ndata "$rcpt_LOG")" -eq 0
pt_check "one recipient refused: left in the outbox" waiting queued
clear_outbox

fault_start d452 smtp-data-452
send "$d452_PORT" -- bob@example.test
pt_check "452 after DATA: exit 75, try later (rc $rc)" test "$rc" -eq 75
pt_check "452 after DATA: the server's words" has "452 4.3.1 Insufficient system storage"
pt_check "452 after DATA: left in the outbox (queued)" waiting queued
clear_outbox

fault_start d552 smtp-data-552
send "$d552_PORT" -- bob@example.test
pt_check "552 after DATA: exit 1 (rc $rc)" test "$rc" -eq 1
pt_check "552 after DATA: too big" has "too big for the server (server: 552 5.3.4"
pt_check "552 after DATA: left in the outbox (queued)" waiting queued
clear_outbox

fault_start drop smtp-drop-after-data
send "$drop_PORT" -- bob@example.test
pt_check "dropped after DATA: exit 75 (rc $rc)" test "$rc" -eq 75
pt_check "dropped after DATA: may or may not have been delivered" \
	has "may or may not have been delivered"
pt_check "dropped after DATA: left in the outbox (unsure)" waiting unsure
out=$(outbox send)
pt_check "unsure: 'outbox send' does not send it again" \
	sh -c "printf '%s' \"\$1\" | grep -q 'may already have been delivered'" _ "$out"
pt_check "unsure: one DATA only so far" test "$(ndata "$drop_LOG")" -eq 1
fault_start ok smtp-accept
id=$(outbox list | awk '/^lab /{print $2; exit}')
doctor_cfg "$cfg" smtp_port="$ok_PORT" smtp_security=none imap_port="$noimap" \
	imap_security=none connect_timeout=3 read_timeout=3
out=$(outbox send --force "$id")
printf '%s\n' "$out" | sed 's/^/    | /'
pt_check "unsure: 'outbox send --force ID' sends it" test "$(ndata "$ok_LOG")" -eq 1
pt_check "unsure: sent, the Sent copy waits (no IMAP here): copying" waiting copying
out=$(outbox send)
pt_check "copying: 'outbox send' never sends it again" test "$(ndata "$ok_LOG")" -eq 1
clear_outbox

fault_start silent smtp-silent-after-data
t0=$SECONDS
send "$silent_PORT" -- bob@example.test
pt_check "no reply after DATA: exit 75 (rc $rc)" test "$rc" -eq 75
pt_check "no reply after DATA: timed out, may not have been delivered" \
	has "may or may not have been delivered"
pt_check "no reply after DATA: within the read timeout" test $((SECONDS - t0)) -lt 30
pt_check "no reply after DATA: left in the outbox (unsure)" waiting unsure
clear_outbox

fault_start hole blackhole
send "$hole_PORT" -- bob@example.test
pt_check "never answers: exit 75 (rc $rc)" test "$rc" -eq 75
pt_check "never answers: says so" has "no greeting\|did not greet\|sent no greeting"
pt_check "never answers: left in the outbox (queued)" waiting queued
clear_outbox

send "$noimap" -- bob@example.test
pt_check "nothing listens: exit 75 (rc $rc)" test "$rc" -eq 75
pt_check "nothing listens: refused" has "nothing is listening"
pt_check "nothing listens: left in the outbox (queued)" waiting queued
clear_outbox

# The fault servers say SIZE 1000000: a bigger message is refused first.
head -c 900000 /dev/urandom >"$net_tmp/big.bin"
fault_start size smtp-accept
send "$size_PORT" -a "$net_tmp/big.bin" -- bob@example.test
pt_check "over SIZE: exit 1 (rc $rc)" test "$rc" -eq 1
pt_check "over SIZE: too big, in MB" has "too big for the server: it is 1.2 MB and the server accepts at most 1.0 MB"
pt_check "over SIZE: refused before MAIL" sh -c "! grep -q '^MAIL' '$size_LOG'"
pt_check "over SIZE: left in the outbox" waiting queued
clear_outbox

send "$ok_PORT" -- "not an address@"
pt_check "bad address: exit 2 (rc $rc)" test "$rc" -eq 2
pt_check "bad address: says which" has "is not a valid email address"
send "$ok_PORT" -- "zoë@example.test"
pt_check "non-ASCII address: no SMTPUTF8" has "SMTPUTF8"
pt_check "bad address: nothing queued" sh -c "'$PETREL' -F '$cfg' outbox list | grep -q 'the outbox is empty'"

# kill -9 at each step: nothing lost, nothing sent twice.
k=0
for step in queued after-claim before-dot after-250; do
	k=$((k + 1))
	fault_start "k$k" smtp-accept
	port_var="k${k}_PORT" log_var="k${k}_LOG"
	doctor_cfg "$cfg" smtp_port="${!port_var}" smtp_security=none \
		imap_port="$noimap" imap_security=none connect_timeout=3 \
		read_timeout=3
	(printf 'crash test\n' | PETREL_TEST_CRASH=$step "$PETREL" -F "$cfg" \
		-s "crash $step" -- bob@example.test) >/dev/null 2>&1
	rc=$?
	pt_check "kill -9 at $step: killed (rc $rc)" test "$rc" -eq 137
	case $step in
	queued | after-claim) want=queued sent=0 ;;
	before-dot) want=unsure sent=0 ;;
	after-250) want=accepted sent=1 ;;
	esac
	pt_check "kill -9 at $step: the message waits ($want)" waiting "$want"
	pt_check "kill -9 at $step: DATA ended $sent time(s)" \
		test "$(grep -c $'^\\.\r$' "${!log_var}" || true)" -eq "$sent"
	outbox send --force >/dev/null 2>&1
	pt_check "kill -9 at $step: after 'outbox send', sent exactly once" \
		test "$(grep -c $'^\\.\r$' "${!log_var}" || true)" -eq 1
	clear_outbox
done

pt_done
