#!/bin/bash
# The engine against the real Dovecot (and Postfix for new mail): folders,
# cold and warm opens, every operation, the cache and its invalidation on
# a UIDVALIDITY change, IDLE and NOOP polling, a wrong password, a
# certificate question, a cancelled sync, and a Dovecot killed and
# restarted in the middle of a sync.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"

ET=$top_builddir/tests/tools/petrel-engine-tool
MS=$top_srcdir/tests/servers/mailservers.sh
GEN=$top_srcdir/tests/servers/gen-sample-mail.py
[ -x "$ET" ] || pt_skip "petrel-engine-tool is not built"
pt_need python3 doveadm
mailservers_start
tmp=$(pt_tmpdir)
# The offline queue (data, not cache) of this test only.
export XDG_DATA_HOME=$tmp/data
DA="doveadm -c $PT_DOVECOT_CONF"

# engine_cfg FILE [HOST [PASSWORD]]
engine_cfg() {
	cat >"$1" <<EOF
[account lab]
email = $PT_ALICE_USER
imap_host = ${2:-$PT_HOST}
imap_port = $PT_IMAPS_PORT
imap_security = tls
smtp_host = $PT_HOST
smtp_port = $PT_SUBMISSION_PORT
smtp_security = starttls
password = ${3:-$PT_ALICE_PASS}
ca_file = $PT_CA_FILE
connect_timeout = 5
read_timeout = 10
EOF
	chmod 600 "$1"
}
engine_cfg "$tmp/rc"

# et ARGS...: runs the tool with the cache in $tmp/cache; output in $out.
et() {
	out=$("$ET" -F "$tmp/rc" -C "$tmp/cache" -b 300 "$@" 2>&1)
	et_rc=$?
	printf '%s\n' "$out" | grep -v ' progress ' | cut -c1-220 | sed 's/^/    | /'
}
has() { printf '%s\n' "$out" | grep -q -- "$1"; }
hasnt() { ! has "$1"; }
server_flags() { $DA fetch -u "$PT_ALICE_USER" flags mailbox "$1" uid "$2" | sed -n 's/^flags: //p'; }
count() { printf '%s\n' "$out" | grep -c -- "$1"; }
field() { printf '%s\n' "$out" | grep -- "$1" | head -n 1 | sed -n "s/.* $2=\([^ ]*\).*/\1/p"; }
flags_of() { $DA fetch -u "$PT_ALICE_USER" flags mailbox "$1" uid "$2" | sed -n 's/^flags: //p'; }
msgs_in() { $DA -f flow mailbox status -u "$PT_ALICE_USER" messages "$1" | sed 's/.*messages=//'; }

python3 "$GEN" "$tmp/gen" 298 >/dev/null
printf 'From: Zed <z@example.test>\r\nTo: alice@example.test\r\nSubject: Quarterly xylophone zebra report\r\nMessage-ID: <zebra@example.test>\r\nDate: Mon, 1 Jan 2001 10:00:00 +0000\r\n\r\nstripes\r\n' >"$tmp/gen/0000299,S.eml"
printf 'From: M <m@example.test>\r\nTo: alice@example.test\r\nSubject: =?UTF-8?Q?Z=C3=BCrcher_Gr=C3=BC=C3=9Fe_f=C3=BCr_Zebras?=\r\nMessage-ID: <muc@example.test>\r\nDate: Mon, 1 Jan 2001 11:00:00 +0000\r\n\r\nServus\r\n' >"$tmp/gen/0000300,S.eml"
bash "$MS" deliver "$ms_dir" "$PT_ALICE_USER" "$tmp/gen" >/dev/null ||
	pt_fail "deliver 300 messages"

echo "# folders"
et folders
pt_check "folders: exit 0" [ "$et_rc" = 0 ]
pt_check "folders: INBOX first" has "EV folders job=1 n=6 \[INBOX role=1"
pt_check "folders: Sent has the sent role" has "\[Sent role=2"
pt_check "folders: Trash has the trash role" has "\[Trash role=4"
pt_check "folders: INBOX has 300 messages" has "folder=INBOX messages=300"

echo "# cold open"
et open INBOX 20 model
pt_check "cold: the first batch has the 20 newest, reset" \
	has "EV index job=1 folder=INBOX n=20 reset=1 complete=0 cache=0 total=300"
pt_check "cold: the last batch completes the index" has "reset=0 complete=1"
pt_check "cold: 300 messages, no duplicates" has "MODEL n=300 .*dups=0"
pt_check "cold: done" has "EV done job=1"

echo "# warm open, nothing changed"
et open INBOX 20 model
pt_check "warm: the whole index from the cache first" \
	has "EV index job=1 folder=INBOX n=300 reset=1 complete=1 cache=1"
pt_check "warm: no message fetched again" has "EV index job=1 folder=INBOX n=0 reset=0 complete=1 cache=0"
pt_check "warm: no flag change" hasnt "EV flags"
pt_check "warm: no expunge" hasnt "EV expunged"

echo "# changes on the server between two opens"
$DA flags add -u "$PT_ALICE_USER" '\Flagged' mailbox INBOX uid 1:3
$DA expunge -u "$PT_ALICE_USER" mailbox INBOX uid 10:11
et open INBOX 20 model
pt_check "reconcile: 3 flag changes" has "EV flags job=1 folder=INBOX n=3 1:[^ ]*F[^ ]* 2:[^ ]*F[^ ]* 3:[^ ]*F"
pt_check "reconcile: 2 expunged" has "EV expunged job=1 folder=INBOX n=2 10 11"
pt_check "reconcile: 298 left, no duplicates" has "MODEL n=298 .*dups=0"

echo "# flags"
et flags INBOX +F 20,21 flags INBOX -S 20 flags INBOX +S 22
pt_check "flags: three jobs done" [ "$(count 'EV done')" = 3 ]
pt_check "flags: the server has \\Flagged on 21" [ "$(server_flags INBOX 21 | grep -c Flagged)" = 1 ]
pt_check "flags: 20 is flagged and not seen" [ "$(server_flags INBOX 20)" = '\Flagged' ]
pt_check "flags: the FLAGS event has the new flags" has "EV flags job=1 folder=INBOX n=2 20:[^ ]*F[^ ]* 21:[^ ]*F"

echo "# fetch, part, to a file, structure"
uid=$(printf '%s\n' "$($DA search -u "$PT_ALICE_USER" mailbox INBOX all)" | awk 'NR==5 {print $2}')
et fetch INBOX "$uid" fetch INBOX "$uid" fetch INBOX "$uid" 1 fetch INBOX "$uid" - "$tmp/msg.eml" structure INBOX "$uid"
pt_check "fetch: from the server first" has "EV body job=1 folder=INBOX uid=$uid part= len=[0-9]* cache=0"
pt_check "fetch: then from the body cache" has "EV body job=2 folder=INBOX uid=$uid part= len=[0-9]* cache=1"
pt_check "fetch: part 1" has "EV body job=3 folder=INBOX uid=$uid part=1 "
pt_check "fetch: written to a file" test -s "$tmp/msg.eml"
pt_check "fetch: the file has the message's size" \
	[ "$(stat -c %s "$tmp/msg.eml")" = "$(field 'EV body job=1' len)" ]
pt_check "structure: parts listed" has "EV structure job=5 folder=INBOX n=[1-9]"
et fetch INBOX 999999
pt_check "fetch: a missing message fails plainly" has "EV failed job=1 folder=INBOX class=refused"

echo "# search"
et search INBOX xylophone where=s search INBOX "Zürcher Grüße" where=s search INBOX "zzzznothing" search INBOX stripes where=b
pt_check "search: a subject word" has "EV search job=1 folder=INBOX n=1 299"
pt_check "search: UTF-8 text (RFC 2047 subject)" has "EV search job=2 folder=INBOX n=1 300"
pt_check "search: nothing found is an empty result" has "EV search job=3 folder=INBOX n=0"
pt_check "search: in the body" has "EV search job=4 folder=INBOX n=1 299"

echo "# copy, move, expunge"
before_archive=$(msgs_in Archive)
et copy INBOX Archive 40,41 move INBOX Trash 42,43,44 flags INBOX +D 45 expunge INBOX 45 open INBOX model
pt_check "copy: Archive has two more" [ "$(msgs_in Archive)" = $((before_archive + 2)) ]
pt_check "copy: COPYUID reported" has "EV done job=1 folder=INBOX uid=[1-9]"
pt_check "move: EXPUNGED for the source" has "EV expunged job=2 folder=INBOX n=3 42 43 44"
pt_check "move: Trash has them" [ "$(msgs_in Trash)" = 3 ]
pt_check "expunge: 45 is gone" has "EV expunged job=4 folder=INBOX n=1 45"
pt_check "after all that: 294 in INBOX" has "MODEL n=294 "
pt_check "the server agrees" [ "$(msgs_in INBOX)" = 294 ]

echo "# append"
printf 'From: a@example.test\r\nTo: b@example.test\r\nSubject: appended draft\r\nMessage-ID: <d1@example.test>\r\n\r\nhello\r\n' >"$tmp/draft.eml"
et append Drafts "$tmp/draft.eml" +d
pt_check "append: APPENDUID reported" has "EV done job=1 folder=Drafts uid=[1-9]"
pt_check "append: Drafts has it, flagged as draft" [ "$(server_flags Drafts 1 | grep -c 'Draft')" = 1 ]

echo "# folder create, rename, subscribe, delete"
et create "Projekte.Ärger & Co" rename "Projekte.Ärger & Co" "Projekte.Erledigt" unsubscribe "Projekte.Erledigt" folders
pt_check "folders: create, rename, unsubscribe done" [ "$(count 'EV done job=[123] ')" = 3 ]
pt_check "folders: the renamed folder is listed" has "\[Projekte.Erledigt role=0"
et delete "Projekte.Erledigt" folders
pt_check "folders: deleted" hasnt "Projekte.Erledigt role"
et create "Grüße"
pt_check "folders: a non-ASCII name is created" \
	[ "$($DA mailbox list -u "$PT_ALICE_USER" | grep -c 'Grüße')" = 1 ]

echo "# UIDVALIDITY change drops the cache"
et open Archive model
uv1=$(field "EV index job=1" uv)
$DA mailbox update -u "$PT_ALICE_USER" --uid-validity $((uv1 + 7)) Archive
et open Archive model
pt_check "uidvalidity: the cached index came first" has "EV index job=1 folder=Archive n=2 reset=1 complete=1 cache=1 .*uv=$uv1"
pt_check "uidvalidity: then a reset with the new one" has "reset=1 complete=1 cache=0 .*uv=$((uv1 + 7))"
et open Archive model
pt_check "uidvalidity: the next open uses the new cache" has "EV index job=1 folder=Archive n=2 reset=1 complete=1 cache=1 .*uv=$((uv1 + 7))"

echo "# IDLE: a message sent through Postfix appears by itself"
(
	sleep 1
	python3 - "$PT_HOST" "$PT_SUBMISSION_PORT" "$PT_CA_FILE" "$PT_ALICE_USER" "$PT_ALICE_PASS" <<'PY'
import smtplib, ssl, sys
host, port, ca, user, pw = sys.argv[1:6]
ctx = ssl.create_default_context(cafile=ca)
with smtplib.SMTP(host, int(port), timeout=10) as s:
    s.starttls(context=ctx)
    s.login(user, pw)
    s.sendmail(user, [user], "From: %s\r\nTo: %s\r\nSubject: idle test\r\n\r\nhi\r\n" % (user, user))
PY
) &
sender=$!
et open INBOX wait new-mail 20 model
wait $sender
pt_check "idle: NEW_MAIL arrived" has "EV new-mail job=0 folder=INBOX count=1"
pt_check "idle: its summary came first" has "EV index job=0 folder=INBOX n=1 reset=0"

echo "# NOOP polling without IDLE"
(sleep 1; bash "$MS" deliver "$ms_dir" "$PT_ALICE_USER" "$tmp/gen/$(ls "$tmp/gen" | head -n 1)" >/dev/null) &
sender=$!
out=$("$ET" -F "$tmp/rc" -C "$tmp/cache" -I -P 1 open INBOX wait new-mail 10 2>&1)
wait $sender
printf '%s\n' "$out" | grep -v progress | tail -n 3 | sed 's/^/    | /'
pt_check "noop: NEW_MAIL arrived" has "EV new-mail job=0 folder=INBOX count=1"

echo "# a wrong password asks again, and the answer is used"
engine_cfg "$tmp/rc-bad" "$PT_HOST" wrong-password
out=$("$ET" -F "$tmp/rc-bad" -n -p "$PT_ALICE_PASS" folders 2>&1)
printf '%s\n' "$out" | grep -v progress | head -n 6 | sed 's/^/    | /'
pt_check "password: asked once with the server's refusal" [ "$(count 'EV need-password .*class=auth')" = 1 ]
pt_check "password: the answer logs in" has "EV done job=1"

echo "# a certificate for another name raises a question"
engine_cfg "$tmp/rc-cert" "$PT_WRONGHOST_ADDR"
out=$("$ET" -F "$tmp/rc-cert" -n -T reject folders 2>&1)
printf '%s\n' "$out" | grep -v progress | head -n 4 | sed 's/^/    | /'
pt_check "cert: the question came with a fingerprint" has "EV cert job=1 sha256=sha256:"
pt_check "cert: rejecting fails the job" has "EV failed job=1 class=tls"
out=$("$ET" -F "$tmp/rc-cert" -n -T once folders 2>&1)
pt_check "cert: accepting once connects" has "EV done job=1"

echo "# changes made while the server is down wait, then reach it once"
et open INBOX sh "bash '$MS' restart-dovecot '$ms_dir' 3 >/dev/null &" sleep 500 \
	nowait flags INBOX +A 60,61 status INBOX drain 8000
pt_check "offline: the loss was reported" has "EV conn job=0 state=3 "
pt_check "offline: a read-only job fails at once" has "EV failed job=3 folder=INBOX class=net"
pt_check "offline: the flag change waited and succeeded" has "EV done job=2 folder=INBOX"
pt_check "offline: the server has it" [ "$(server_flags INBOX 60 | grep -c Answered)" = 1 ]

echo "# a big folder: cancel, then resume from the cache"
python3 "$GEN" "$tmp/big" 5000 >/dev/null
bash "$MS" deliver "$ms_dir" -m Big "$PT_ALICE_USER" "$tmp/big" >/dev/null
et cancel-after 30 open Big 50
pt_check "cancel while connecting: failed as cancelled" has "EV failed job=1 folder=Big class=cancelled"
ms=$(printf '%s\n' "$out" | sed -n 's/^cancel job=1 rc=0 t=\([0-9]*\)/\1/p')
end=$(printf '%s\n' "$out" | sed -n 's/^EV failed job=1 .* t=\([0-9]*\)$/\1/p')
pt_check "cancel while connecting: within a second" eval '[ -n "$ms" ] && [ -n "$end" ] && [ $((end - ms)) -lt 1000 ]'
et open-bg Big 50 cancel model
pt_check "cancel while loading: failed as cancelled" has "EV failed job=1 folder=Big class=cancelled"
ms=$(printf '%s\n' "$out" | sed -n 's/^cancel job=1 rc=0 t=\([0-9]*\)/\1/p')
end=$(printf '%s\n' "$out" | sed -n 's/^EV failed job=1 .* t=\([0-9]*\)$/\1/p')
pt_check "cancel while loading: within a second" eval '[ -n "$ms" ] && [ -n "$end" ] && [ $((end - ms)) -lt 1000 ]'
pt_check "cancel while loading: fewer than 5000 loaded" hasnt "MODEL n=5000 "
et open Big 50 model
pt_check "resume: complete, 5000 messages, no duplicates" has "MODEL n=5000 .*dups=0"

echo "# Dovecot killed and restarted in the middle of a sync"
rm -rf "$tmp/cache"
et open-bg Big 50 sh "bash '$MS' restart-dovecot '$ms_dir' >/dev/null" drain 8000 model
pt_check "restart: the loss was reported" has "EV conn job=0 state=3 "
pt_check "restart: reconnected" [ "$(count 'EV conn job=0 state=2')" -ge 2 ]
pt_check "restart: every message arrived once" has "MODEL n=5000 .*dups=0"

pt_done
