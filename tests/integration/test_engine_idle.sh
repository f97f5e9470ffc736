#!/bin/bash
# The IDLE connection against the real Dovecot and Postfix: while a
# 10 MB fetch keeps the command connection busy (behind a relay that
# holds the server's bytes to 2 MB/s, a slow link), a message sent
# through Postfix is announced with its summary before the fetch ends,
# once; flag changes and expunges made elsewhere arrive by themselves;
# opening another folder moves the watch there; and with Dovecot allowing
# one connection per user and address, the account falls back to IDLE
# between jobs on the command connection (and says so in the log) and new
# mail still arrives; once the limit is raised, the second connection
# comes back after a pause.  Each new message's summary is posted once.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"

ET=$top_builddir/tests/tools/petrel-engine-tool
MS=$top_srcdir/tests/servers/mailservers.sh
[ -x "$ET" ] || pt_skip "petrel-engine-tool is not built"
pt_need python3 doveadm
mailservers_start
tmp=$(pt_tmpdir)
# The offline queue (data, not cache) of this test only.
export XDG_DATA_HOME=$tmp/data
DA="doveadm -c $PT_DOVECOT_CONF"

port=$(net_free_port)
python3 "$top_srcdir/tests/harness/portmap.py" "$tmp/ports.ready" \
	"slow:$PT_HOST:$port:$PT_HOST:$PT_IMAPS_PORT:2000000" &
relay=$!
pt_at_exit "kill $relay 2>/dev/null; wait $relay 2>/dev/null"
pt_wait_for 10 test -e "$tmp/ports.ready" || pt_fail "the relay did not start"

cat >"$tmp/rc" <<EOF
[account lab]
email = $PT_ALICE_USER
imap_host = $PT_HOST
imap_port = $port
imap_security = tls
smtp_host = $PT_HOST
smtp_port = $PT_SUBMISSION_PORT
smtp_security = starttls
password = $PT_ALICE_PASS
ca_file = $PT_CA_FILE
connect_timeout = 5
read_timeout = 20
EOF
chmod 600 "$tmp/rc"

# et ARGS...: runs the tool (log in $tmp/log); output in $out.
et() {
	rm -f "$tmp/log"
	out=$(PT_ENGINE_LOG=$tmp/log "$ET" -F "$tmp/rc" -C "$tmp/cache" -b 300 "$@" 2>&1)
	et_rc=$?
	printf '%s\n' "$out" | grep -v ' progress ' | cut -c1-200 | sed 's/^/    | /'
}
has() { printf '%s\n' "$out" | grep -q -- "$1"; }
count() { printf '%s\n' "$out" | grep -c -- "$1"; }
# t_of PATTERN: the t= of the first event line matching PATTERN
t_of() { printf '%s\n' "$out" | grep -- "$1" | head -n 1 | sed -n 's/.* t=\([0-9]*\)$/\1/p'; }
uid_of() { $DA search -u "$PT_ALICE_USER" mailbox "$1" header message-id "$2" | awk '{print $2}'; }
# $SEND SUBJECT: bob sends alice a message through Postfix.
cat >"$tmp/send.py" <<'PY'
import os, smtplib, ssl, sys
e = os.environ
ctx = ssl.create_default_context(cafile=e["PT_CA_FILE"])
with smtplib.SMTP(e["PT_HOST"], int(e["PT_SUBMISSION_PORT"]), timeout=20) as s:
    s.starttls(context=ctx)
    s.login(e["PT_BOB_USER"], e["PT_BOB_PASS"])
    s.sendmail(e["PT_BOB_USER"], [e["PT_ALICE_USER"]],
               "From: %s\r\nTo: %s\r\nSubject: %s\r\n\r\nhi\r\n"
               % (e["PT_BOB_USER"], e["PT_ALICE_USER"], sys.argv[1]))
PY
export PT_HOST PT_SUBMISSION_PORT PT_CA_FILE PT_BOB_USER PT_BOB_PASS PT_ALICE_USER
SEND="python3 $tmp/send.py"

mkdir -p "$tmp/mail"
{
	printf 'From: b@example.test\r\nTo: alice@example.test\r\nSubject: ten megabytes\r\nMessage-ID: <ten@example.test>\r\n\r\n'
	head -c 7500000 /dev/urandom | base64 -w 76 | sed 's/$/\r/'
} >"$tmp/mail/0000001,S.eml"
printf 'From: c@example.test\r\nTo: alice@example.test\r\nSubject: small\r\nMessage-ID: <small@example.test>\r\n\r\nhi\r\n' >"$tmp/mail/0000002,S.eml"
bash "$MS" deliver "$ms_dir" "$PT_ALICE_USER" "$tmp/mail" >/dev/null || pt_fail "deliver"
big=$(uid_of INBOX '<ten@example.test>')

echo "# new mail while a 10 MB fetch keeps the command connection busy"
et open INBOX nowait fetch INBOX "$big" - "$tmp/big.out" sleep 300 \
	sh "$SEND 'while fetching'" wait new-mail 30 wait done 30 drain 1500 model
nm=$(t_of "EV new-mail job=0 folder=INBOX count=1")
done=$(t_of "EV done job=2 folder=INBOX")
pt_check "busy: the fetch took long (over 2 s)" [ -n "$done" ] && [ "$done" -gt 2000 ]
pt_check "busy: NEW_MAIL came from the IDLE connection" [ -n "$nm" ]
pt_check "busy: ... before the fetch was done" [ -n "$nm" ] && [ -n "$done" ] && [ "$nm" -lt "$done" ]
pt_check "busy: its summary came with it" has "EV index job=0 folder=INBOX n=1 reset=0"
pt_check "busy: announced once" [ "$(count 'EV new-mail')" = 1 ]
pt_check "busy: its summary posted once (not again by the NOOP)" has "MODEL n=3 .*dups=0 "
pt_check "busy: the IDLE connection was up" grep -q "IDLE connection up" "$tmp/log"
pt_check "busy: the fetch is whole" [ "$(stat -c %s "$tmp/big.out")" = "$(stat -c %s "$tmp/mail/0000001,S.eml")" ]

echo "# flags and expunges made elsewhere"
small=$(uid_of INBOX '<small@example.test>')
et open INBOX sleep 1000 sh "$DA flags add -u $PT_ALICE_USER '\\Flagged' mailbox INBOX uid $small" \
	wait flags 20 sh "$DA expunge -u $PT_ALICE_USER mailbox INBOX uid $small" wait expunged 20
pt_check "elsewhere: the flag change arrived" has "EV flags job=0 folder=INBOX n=1 $small:[^ ]*F"
pt_check "elsewhere: the expunge arrived" has "EV expunged job=0 folder=INBOX n=1 $small"

echo "# opening another folder moves the watch"
printf 'From: d@example.test\r\nTo: alice@example.test\r\nSubject: archived\r\nMessage-ID: <arch@example.test>\r\n\r\nhi\r\n' >"$tmp/arch.eml"
et open INBOX open Archive sleep 1000 \
	sh "bash '$MS' deliver '$ms_dir' -m Archive '$PT_ALICE_USER' '$tmp/arch.eml' >/dev/null" \
	wait new-mail 20
pt_check "another folder: new mail there" has "EV new-mail job=0 folder=Archive count=1"

echo "# one connection allowed: IDLE between jobs on the command connection"
sed -i 's/mail_max_userip_connections = 100/mail_max_userip_connections = 1/' "$PT_DOVECOT_CONF"
pt_at_exit "sed -i 's/mail_max_userip_connections = 1\$/mail_max_userip_connections = 100/' '$PT_DOVECOT_CONF'"
bash "$MS" restart-dovecot "$ms_dir" >/dev/null || pt_fail "restart dovecot"
et open INBOX sleep 1500 sh "$SEND 'with one connection'" wait new-mail 30
pt_check "limit: the fallback is in the log" grep -q "a second connection for IDLE was refused" "$tmp/log"
pt_check "limit: not shown as an error" [ "$(count 'EV failed')" = 0 ]
pt_check "limit: new mail still arrives" has "EV new-mail job=[01] folder=INBOX count=1"
pt_check "limit: the command connection stayed up" [ "$(count 'EV conn job=0 state=3')" = 0 ]
pt_check "limit: the log names the server's limit" grep -q "refused by the server's connection limit" "$tmp/log"
# A login refused with [LIMIT] is not a wrong password (the doctor, while
# the tool holds the one connection allowed).
et open INBOX sh "'$PETREL' -F '$tmp/rc' doctor >'$tmp/doctor.out' 2>&1; true"
sed 's/^/    doctor| /' "$tmp/doctor.out" | head -n 20
pt_check "limit: the doctor says the login was refused for now" grep -q "refused the login for now" "$tmp/doctor.out"
pt_check "limit: ... and does not blame the password" eval "! grep -q 'rejected the user name or password' '$tmp/doctor.out'"

echo "# the limit raised: after the pause the second connection comes back"
# The first pause is 300 ms for the test (10 minutes in life); after a
# [LIMIT] it is the longest one, six times that.
# log_has TEXT: waits (polling) until the engine's log says TEXT.
cat >"$tmp/log_has" <<EOF
#!/bin/bash
for ((i = 0; i < 600; i++)); do
	grep -q -- "\$1" "$tmp/log" && exit 0
	sleep 0.05
done
exit 1
EOF
chmod +x "$tmp/log_has"
raise="sed -i 's/mail_max_userip_connections = 1\$/mail_max_userip_connections = 100/' '$PT_DOVECOT_CONF'"
PETREL_TEST_WATCH_RETRY_MS=300 et open INBOX \
	sh "'$tmp/log_has' 'for IDLE was refused'" \
	sh "$raise && bash '$MS' restart-dovecot '$ms_dir' >/dev/null" \
	sh "'$tmp/log_has' 'IDLE connection up'" drain 500 model \
	sh "$SEND 'after the pause'" wait new-mail 30 drain 1000 model
pt_check "retry: it fell back first" grep -q "refused by the server's connection limit.*trying again in 2 s" "$tmp/log"
pt_check "retry: the second connection came back" grep -q "IDLE connection up" "$tmp/log"
pt_check "retry: ... after the fallback" [ "$(grep -n 'IDLE connection up' "$tmp/log" | head -n 1 | cut -d: -f1)" -gt "$(grep -n 'for IDLE was refused' "$tmp/log" | head -n 1 | cut -d: -f1)" ]
pt_check "retry: the waits ended well" [ "$(count 'SH rc=0')" = 4 ]
pt_check "retry: new mail announced by the IDLE connection" has "EV new-mail job=0 folder=INBOX count=1"
pt_check "retry: announced once" [ "$(count 'EV new-mail')" = 1 ]
# (The open's resync may count one of its own; the new mail adds none.)
dups=$(printf '%s\n' "$out" | sed -n 's/^MODEL .* dups=\([0-9]*\) .*/\1/p' | sort -u | wc -l)
pt_check "retry: its summary posted once" eval '[ "$(count "^MODEL")" = 2 ] && [ "$dups" = 1 ]'

pt_done
