#!/bin/bash
# The address book against the real Dovecot and Postfix: the From of
# every message opened into the header cache, the To of the Sent folder
# (weighed higher), the recipients of a message petrel sends, then
# "petrel query" prints them in mutt's format, most used first, and
# exits 1 when nothing matches.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"

ET=$top_builddir/tests/tools/petrel-engine-tool
MS=$top_srcdir/tests/servers/mailservers.sh
PETREL=$top_builddir/petrel
[ -x "$ET" ] || pt_skip "petrel-engine-tool is not built"
pt_need python3 doveadm
mailservers_start
tmp=$(pt_tmpdir)
export XDG_CACHE_HOME=$tmp/cache XDG_DATA_HOME=$tmp/data HOME=$tmp
export LC_ALL=C.UTF-8

cat >"$tmp/rc" <<RC
[account lab]
email = $PT_ALICE_USER
name = Alice
imap_host = $PT_HOST
imap_port = $PT_IMAPS_PORT
imap_security = tls
smtp_host = $PT_HOST
smtp_port = $PT_SUBMISSION_PORT
smtp_security = starttls
password = $PT_ALICE_PASS
ca_file = $PT_CA_FILE
connect_timeout = 5
read_timeout = 10
RC
chmod 600 "$tmp/rc"

# msg DIR N FROM TO SUBJECT: one message file.
msg() {
	printf 'From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s.%s@example.test>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\nhello\r\n' \
		"$3" "$4" "$5" "$2" "$RANDOM" >"$1/$(printf '%07d' "$2"),S.eml"
}
mkdir -p "$tmp/in" "$tmp/sent"
n=0
for i in 1 2; do
	n=$((n + 1)); msg "$tmp/in" $n 'Bob Example <Bob@Example.test>' "$PT_ALICE_USER" "bob $i"
done
n=$((n + 1)); msg "$tmp/in" $n 'bob@example.test' "$PT_ALICE_USER" "bob, no name"
for i in 1 2; do
	n=$((n + 1)); msg "$tmp/in" $n '"Bobby Tables" <bobby@example.test>' "$PT_ALICE_USER" "bobby $i"
done
n=$((n + 1)); msg "$tmp/in" $n '=?UTF-8?Q?Zo=C3=AB_Bo=C3=AFt=C3=A9?= <zoe@example.test>' "$PT_ALICE_USER" "zoe"
n=$((n + 1)); msg "$tmp/in" $n 'Mallory <mal@example.test>' "$PT_ALICE_USER" "esc"
printf 'From: =?UTF-8?Q?Evil=1B[2J?= <evil@example.test>\r\nTo: alice@example.test\r\nSubject: x\r\n\r\nx\r\n' >"$tmp/in/0000099,S.eml"
# Alice wrote once to boris: that outweighs bob, who wrote three times.
msg "$tmp/sent" 1 "$PT_ALICE_USER" '"Boris, The" <boris@example.test>, carol@example.test' "to boris"
# A second message with a Cc (folded, encoded name).
printf 'From: %s\r\nTo: carol@example.test\r\nCc: =?UTF-8?Q?D=C3=A9sir=C3=A9e?=\r\n <desiree@example.test>\r\nSubject: cc\r\n\r\nx\r\n' \
	"$PT_ALICE_USER" >"$tmp/sent/0000002,S.eml"
bash "$MS" deliver "$ms_dir" "$PT_ALICE_USER" "$tmp/in" >/dev/null || pt_fail "deliver INBOX"
bash "$MS" deliver "$ms_dir" -m Sent "$PT_ALICE_USER" "$tmp/sent" >/dev/null || pt_fail "deliver Sent"

q() {
	out=$("$PETREL" -F "$tmp/rc" query "$@" 2>"$tmp/err")
	q_rc=$?
	printf '%s\n' "$out" | sed 's/^/    | /'
}

echo "# before any folder was opened"
q bob
pt_check "nothing cached yet: exit 1" [ "$q_rc" = 1 ]
pt_check "nothing cached yet: the status line only" [ "$(printf '%s\n' "$out" | wc -l)" = 1 ]

echo "# INBOX and Sent opened through the engine"
"$ET" -F "$tmp/rc" -C "$XDG_CACHE_HOME/petrel" open INBOX 20 >"$tmp/et1" 2>&1
pt_check "INBOX opened" grep -q "EV done" "$tmp/et1"
"$ET" -F "$tmp/rc" -C "$XDG_CACHE_HOME/petrel" open Sent 20 >"$tmp/et2" 2>&1
pt_check "Sent opened" grep -q "EV done" "$tmp/et2"

q bo
pt_check "query bo: exit 0" [ "$q_rc" = 0 ]
pt_check "query bo: a status line first" \
	[ "$(printf '%s\n' "$out" | head -n 1)" = "petrel: 4 addresses match 'bo'" ]
lines=$(printf '%s\n' "$out" | tail -n +2 | tr '\t' '|')
want="boris@example.test|Boris, The
bob@example.test|Bob Example
bobby@example.test|Bobby Tables
zoe@example.test|Zoë Boïté"
pt_check "query bo: most used first, written-to first, names kept" [ "$lines" = "$want" ]
printf '%s\n' "$lines" >"$tmp/got"; printf '%s\n' "$want" >"$tmp/want"
diff -u "$tmp/want" "$tmp/got" | sed 's/^/    /'

q 'ZOË'
pt_check "query ZOË: case-insensitive in UTF-8" [ "$q_rc" = 0 ] &&
	pt_check "query ZOË: zoe" [ "$(printf '%s\n' "$out" | sed -n 2p | cut -f1)" = zoe@example.test ]
q carol
pt_check "query carol: from the Sent folder's To" [ "$(printf '%s\n' "$out" | sed -n 2p)" = "carol@example.test	" ]
q dés
pt_check "query dés: from the Sent folder's Cc, its name decoded" \
	[ "$(printf '%s\n' "$out" | sed -n 2p)" = "desiree@example.test	Désirée" ]
q evil
pt_check "no escape character reaches the output" [ "$(printf '%s' "$out" | tr -d -c '\033' | wc -c)" = 0 ]
pt_check "the escape is shown visibly" grep -q "␛" <<<"$out"
q alice@example.test
pt_check "own address from the Sent folder's From is not counted" [ "$q_rc" = 1 ]
q nobody-here
pt_check "no match: exit 1" [ "$q_rc" = 1 ]
"$PETREL" -F "$tmp/rc" query >/dev/null 2>&1
pt_check "no string: usage, exit 2" [ $? = 2 ]
"$PETREL" -F "$tmp/rc" query -A nosuch bob >/dev/null 2>"$tmp/err"
pt_check "unknown account: exit 2" [ $? = 2 ]
pt_check "unknown account: said" grep -q "no account 'nosuch'" "$tmp/err"

echo "# the same folder opened again counts nothing twice"
"$ET" -F "$tmp/rc" -C "$XDG_CACHE_HOME/petrel" open INBOX 20 >/dev/null 2>&1
q bo
lines=$(printf '%s\n' "$out" | tail -n +2 | tr '\t' '|')
pt_check "query bo: the same order after a warm open" [ "$lines" = "$want" ]

echo "# messages petrel sends"
printf 'hi\n' | "$PETREL" -F "$tmp/rc" -s "to dave" -- dave@example.test >"$tmp/send.out" 2>&1
pt_check "a refused recipient: not sent" [ $? != 0 ]
q dave
pt_check "a refused recipient is not in the book" [ "$q_rc" = 1 ]
printf 'hi\n' | "$PETREL" -F "$tmp/rc" -s "to bob" -- BOB@example.test >"$tmp/send.out" 2>&1
pt_check "sent to bob" [ $? = 0 ]
q bo
pt_check "bob, written to now, comes before boris, spelt as last written" \
	[ "$(printf '%s\n' "$out" | sed -n 2,3p | cut -f1 | tr '\n' ' ')" = "BOB@example.test boris@example.test " ]
pt_check "bob keeps his name from the book" \
	[ "$(printf '%s\n' "$out" | sed -n 2p | cut -f2)" = "Bob Example" ]
pt_done
