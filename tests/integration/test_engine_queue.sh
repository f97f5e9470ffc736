#!/bin/bash
# The engine's offline queue against the real Dovecot: changes made while
# the server is down are kept on disk, survive the end of the process and
# reach the server exactly once when a later run finds it back; a change
# that reached the server just before petrel died (a crash point right
# after the server's OK) is not applied again (MOVE, COPY, APPEND); a
# change whose folder got a new UIDVALIDITY is dropped with a message.
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

cat >"$tmp/rc" <<EOF
[account lab]
email = $PT_ALICE_USER
imap_host = $PT_HOST
imap_port = $PT_IMAPS_PORT
imap_security = tls
smtp_host = $PT_HOST
smtp_port = $PT_SUBMISSION_PORT
smtp_security = starttls
password = $PT_ALICE_PASS
ca_file = $PT_CA_FILE
connect_timeout = 3
read_timeout = 10
EOF
chmod 600 "$tmp/rc"
Q=$XDG_DATA_HOME/petrel/lab/queue
OLDQ=$tmp/cache/lab/queue

# et ARGS...: runs the tool with the cache in $tmp/cache; output in $out.
et() {
	out=$("$ET" -F "$tmp/rc" -C "$tmp/cache" -b 300 "$@" 2>&1)
	et_rc=$?
	printf '%s\n' "$out" | grep -v ' progress ' | cut -c1-200 | sed 's/^/    | /'
}
has() { printf '%s\n' "$out" | grep -q -- "$1"; }
count() { printf '%s\n' "$out" | grep -c -- "$1"; }
flags_of() { $DA fetch -u "$PT_ALICE_USER" flags mailbox "$1" uid "$2" | sed -n 's/^flags: //p'; }
msgs_in() { $DA -f flow mailbox status -u "$PT_ALICE_USER" messages "$1" | sed 's/.*messages=//'; }
# with_id FOLDER MESSAGE-ID: how many messages of FOLDER have it
with_id() { $DA search -u "$PT_ALICE_USER" mailbox "$1" header message-id "$2" | grep -c .; }
records() { find "$Q" -name '*.change' 2>/dev/null | grep -c .; }
imaps_up() { (exec 3<>"/dev/tcp/$PT_HOST/$PT_IMAPS_PORT") 2>/dev/null; }
imaps_down() { ! imaps_up; }
uid_of() { $DA search -u "$PT_ALICE_USER" mailbox "$1" header message-id "$2" | awk '{print $2}'; }

for i in 1 2 3 4 5 6; do
	printf 'From: Q <q@example.test>\r\nTo: alice@example.test\r\nSubject: queued %s\r\nMessage-ID: <q%s@example.test>\r\nDate: Mon, 1 Jan 2001 10:0%s:00 +0000\r\n\r\nbody %s\r\n' \
		"$i" "$i" "$i" "$i" >"$tmp/q$i.eml"
	bash "$MS" deliver "$ms_dir" "$PT_ALICE_USER" "$tmp/q$i.eml" >/dev/null ||
		pt_fail "deliver"
done
et open INBOX model
pt_check "setup: INBOX opened into the cache" has "MODEL n=6 "
u1=$(uid_of INBOX '<q1@example.test>')
u2=$(uid_of INBOX '<q2@example.test>')

echo "# changes made while Dovecot is down are kept on disk"
# Dovecot is killed now and comes back by itself after 8 s.
bash "$MS" restart-dovecot "$ms_dir" 8 >/dev/null 2>&1 &
restarter=$!
pt_wait_for 10 imaps_down || pt_fail "dovecot did not go down"
et nowait flags INBOX +F "$u1" nowait move INBOX Trash "$u2" drain 1500
pt_check "offline: the UI was told two changes wait" has "EV pending job=0 count=2"
pt_check "offline: neither change failed" [ "$(count 'EV failed')" = 0 ]
pt_check "offline: two records on disk after the process ended" [ "$(records)" = 2 ]

wait "$restarter" || pt_fail "dovecot did not come back"

echo "# the next run sends them, once"
et settle 30
pt_check "replay: both changes done" [ "$(count 'EV done')" = 2 ]
pt_check "replay: the UI was told nothing waits any more" has "EV pending job=0 count=0"
pt_check "replay: no record left" [ "$(records)" = 0 ]
pt_check "replay: the flag is on the server" [ "$(flags_of INBOX "$u1" | grep -c Flagged)" = 1 ]
pt_check "replay: the moved message is in Trash once" [ "$(with_id Trash '<q2@example.test>')" = 1 ]
pt_check "replay: and no longer in INBOX" [ "$(with_id INBOX '<q2@example.test>')" = 0 ]
et settle 5
pt_check "replay: a third run has nothing to do" [ "$(count 'EV done')" = 0 ]
pt_check "replay: still once in Trash" [ "$(with_id Trash '<q2@example.test>')" = 1 ]

echo "# petrel dies right after the server applied a change: not applied twice"
u3=$(uid_of INBOX '<q3@example.test>')
u4=$(uid_of INBOX '<q4@example.test>')
PETREL_TEST_CRASH=change-applied et move INBOX Archive "$u3"
pt_check "crash after MOVE: the process died" [ "$et_rc" -ge 128 ]
pt_check "crash after MOVE: its record stayed" [ "$(records)" = 1 ]
et settle 30
pt_check "crash after MOVE: the replay found it done" has "EV done job=1 folder=INBOX"
pt_check "crash after MOVE: in Archive once" [ "$(with_id Archive '<q3@example.test>')" = 1 ]
pt_check "crash after MOVE: no record left" [ "$(records)" = 0 ]
PETREL_TEST_CRASH=change-applied et copy INBOX Archive "$u4"
pt_check "crash after COPY: the process died" [ "$et_rc" -ge 128 ]
et settle 30
pt_check "crash after COPY: in Archive once" [ "$(with_id Archive '<q4@example.test>')" = 1 ]
pt_check "crash after COPY: still in INBOX" [ "$(with_id INBOX '<q4@example.test>')" = 1 ]
printf 'From: a@example.test\r\nTo: b@example.test\r\nSubject: sent copy\r\nMessage-ID: <sent1@example.test>\r\n\r\nhello\r\n' >"$tmp/sent.eml"
PETREL_TEST_CRASH=change-applied et append Sent "$tmp/sent.eml" +S
pt_check "crash after APPEND: the process died" [ "$(records)" = 1 ]
et settle 30
pt_check "crash after APPEND: in Sent once" [ "$(with_id Sent '<sent1@example.test>')" = 1 ]
pt_check "crash after APPEND: no record left" [ "$(records)" = 0 ]

echo "# Dovecot killed in the middle of an APPEND: no duplicate"
python3 "$GEN" "$tmp/big" 1 >/dev/null
big=$(ls "$tmp/big"/* | head -n 1)
{
	sed -n '1,/^\r\{0,1\}$/p' "$big" | grep -iv '^message-id:' | sed '$d'
	printf 'Message-ID: <bigappend@example.test>\r\n\r\n'
	head -c 6000000 /dev/urandom | base64 -w 76 | sed 's/$/\r/'
} >"$tmp/bigappend.eml"
et nowait append Sent "$tmp/bigappend.eml" sleep 150 \
	sh "bash '$MS' restart-dovecot '$ms_dir' 1 >/dev/null" settle 40
pt_check "kill during APPEND: the change ended" has "EV pending job=0 count=0"
pt_check "kill during APPEND: in Sent exactly once" [ "$(with_id Sent '<bigappend@example.test>')" = 1 ]

echo "# a new UIDVALIDITY drops the queued change with a message"
u5=$(uid_of INBOX '<q5@example.test>')
bash "$MS" restart-dovecot "$ms_dir" 8 >/dev/null 2>&1 &
restarter=$!
pt_wait_for 10 imaps_down || pt_fail "dovecot did not go down"
et nowait flags INBOX +F "$u5" drain 1000
pt_check "uidvalidity: queued" [ "$(records)" = 1 ]
wait "$restarter" || pt_fail "dovecot did not come back"
uv=$($DA -f flow mailbox status -u "$PT_ALICE_USER" uidvalidity INBOX | sed 's/.*uidvalidity=//')
$DA mailbox update -u "$PT_ALICE_USER" --uid-validity $((uv + 3)) INBOX
et settle 30
pt_check "uidvalidity: the change failed with a message" has "EV failed job=1 folder=INBOX class=refused msg=a change made while offline was dropped: .*UIDVALIDITY"
pt_check "uidvalidity: no record left" [ "$(records)" = 0 ]
pt_check "uidvalidity: the message was not flagged" [ "$(flags_of INBOX "$u5" | grep -c Flagged)" = 0 ]

echo "# the queue is not in the cache: deleting the cache loses no change"
u6=$(uid_of INBOX '<q6@example.test>')
et open INBOX model # the cache learns the new UIDVALIDITY
bash "$MS" restart-dovecot "$ms_dir" 8 >/dev/null 2>&1 &
restarter=$!
pt_wait_for 10 imaps_down || pt_fail "dovecot did not go down"
et nowait flags INBOX +F "$u6" drain 1000
pt_check "data folder: the change is on disk there" [ "$(records)" = 1 ]
pt_check "data folder: nothing of it in the cache" [ ! -e "$OLDQ" ]
rm -rf "$tmp/cache"
wait "$restarter" || pt_fail "dovecot did not come back"
et settle 30
pt_check "data folder: sent after the cache was deleted" has "EV done job=1 folder=INBOX"
pt_check "data folder: the flag is on the server" [ "$(flags_of INBOX "$u6" | grep -c Flagged)" = 1 ]
pt_check "data folder: no record left" [ "$(records)" = 0 ]

echo "# a queue left in the cache by an older petrel is moved over, in order"
bash "$MS" restart-dovecot "$ms_dir" 8 >/dev/null 2>&1 &
restarter=$!
pt_wait_for 10 imaps_down || pt_fail "dovecot did not go down"
# Two changes on the same message: the order decides what stays.
et nowait flags INBOX +FS "$u6" nowait flags INBOX -F "$u6" drain 1000
pt_check "old place: two records written" [ "$(records)" = 2 ]
mkdir -p "$OLDQ"
mv "$Q"/*.change "$OLDQ"/
: >"$OLDQ/lock"
pt_check "old place: the records are in the cache now" [ "$(find "$OLDQ" -name '*.change' | grep -c .)" = 2 ]
wait "$restarter" || pt_fail "dovecot did not come back"
et settle 30
pt_check "old place: both sent" [ "$(count 'EV done')" = 2 ]
pt_check "old place: in order (Flagged added, then removed)" [ "$(flags_of INBOX "$u6" | grep -c Flagged)" = 0 ]
pt_check "old place: the first one was applied too (Seen)" [ "$(flags_of INBOX "$u6" | grep -c Seen)" = 1 ]
pt_check "old place: the old folder is gone" [ ! -e "$OLDQ" ]
pt_check "old place: no record left" [ "$(records)" = 0 ]

echo "# no usable data folder: changes wait in memory, and the log says so"
: >"$tmp/notadir"
XDG_DATA_HOME=$tmp/notadir/data PT_ENGINE_LOG=$tmp/memlog et flags INBOX +F "$u6" settle 10
pt_check "memory: the change was still done" has "EV done job=1 folder=INBOX"
pt_check "memory: the log says changes are kept in memory only" grep -q "kept in memory only" "$tmp/memlog"

pt_done
