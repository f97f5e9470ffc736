#!/bin/bash
# The engine's outgoing path (src/engine/send.c) against the real Postfix
# and Dovecot, and the fault SMTP servers: ENG_JOB_SEND delivers a draft
# (bob's INBOX, alice's Sent, the draft gone, byte progress); a fault
# server's 552 gives FAILED and the message waits in the outbox; a
# refused recipient comes back with the server's words and "send to the
# others" delivers to the rest; ENG_JOB_POSTPONE stores the message in
# Drafts with \Draft and \Seen and its Bcc, keeps the draft when the
# server is away; ENG_JOB_SUMMARIES lists Drafts while INBOX is open; the
# stored draft turns back into an equal draft file (fields, text,
# attachment bytes, other fields such as X-Priority); a draft's fields
# reach bob as written (over IMAP); a field petrel writes is refused.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"

ET=$top_builddir/tests/tools/petrel-engine-tool
[ -x "$ET" ] || pt_skip "petrel-engine-tool is not built"
[ -x "$PETREL" ] || pt_skip "petrel is not built"
pt_need python3 doveadm
mailservers_start
net_tmp=$(pt_tmpdir)
export HOME=$net_tmp/home XDG_DATA_HOME=$net_tmp/data
mkdir -p "$HOME"
printf '%s\n' "$PT_ALICE_PASS" >"$net_tmp/pw"
cfg=$net_tmp/config
DA="doveadm -c $PT_DOVECOT_CONF"
tok=$$-$RANDOM
noport=$(net_free_port)

# mkcfg [KEY=VALUE...]: alice through the real servers, unless changed.
mkcfg() {
	doctor_cfg "$cfg" email="$PT_ALICE_USER" imap_host="$PT_HOST" \
		imap_port="$PT_IMAPS_PORT" smtp_host="$PT_HOST" \
		smtp_port="$PT_SUBMISSION_PORT" ca_file="$PT_CA_FILE" \
		connect_timeout=5 read_timeout=20 "$@"
}
et() {
	out=$("$ET" -F "$cfg" -C "$net_tmp/cache" -b 300 "$@" 2>&1)
	et_rc=$?
	printf '%s\n' "$out" | grep -v ' progress ' | cut -c1-240 | sed 's/^/    | /'
}
has() { printf '%s\n' "$out" | grep -q -- "$1"; }
outbox() { "$PETREL" -F "$cfg" outbox "$@" 2>&1; }
waiting() { outbox list | grep -q "^lab  [^ ]*  $1 "; }
clear_outbox() { rm -rf "$XDG_DATA_HOME/petrel/lab/outbox"; }
# n_in USER FOLDER TEXT: messages whose header has TEXT.
n_in() {
	$DA search -u "$1" mailbox "$2" header Subject "$3" 2>/dev/null | wc -l
}
drafts=$net_tmp/drafts
mkdir -p "$drafts"

# 1. ENG_JOB_SEND: a draft with an attachment, through Postfix.
mkcfg
head -c 300000 /dev/urandom >"$net_tmp/att.bin"
cat >"$drafts/one.txt" <<EOF
To: Bob <$PT_BOB_USER>
Subject: engine send $tok
X-Priority: 1 (Highest)
Organization: Société Pétrel
Mail-Followup-To: Zoë Liste <list@example.test>
Attach: $net_tmp/att.bin

Hello from the engine.
EOF
et send "$drafts/one.txt"
pt_check "send job: DONE with the copy made" has "^EV done .*copied=1"
pt_check "send job: byte progress came" sh -c "printf '%s' \"\$1\" | grep -q '^EV progress .*total=[1-9]'" _ "$out"
pt_check "send job: the draft is gone (it went through the outbox)" test ! -e "$drafts/one.txt"
pt_check "send job: the outbox is empty" sh -c "'$PETREL' -F '$cfg' outbox list | grep -q 'the outbox is empty'"
pt_check "send job: in bob's INBOX" pt_wait_for 20 sh -c "[ \$($DA search -u '$PT_BOB_USER' mailbox INBOX header Subject 'engine send $tok' | wc -l) -eq 1 ]"
pt_check "send job: one copy in alice's Sent" test "$(n_in "$PT_ALICE_USER" Sent "engine send $tok")" -eq 1
# bob_header SUBJECT: the header of bob's message, over IMAP (imaplib),
# each field unfolded and RFC 2047 decoded on a line of its own.
bob_header() {
	python3 - "$1" <<'PY'
import email, email.policy, imaplib, os, ssl, sys
ctx = ssl.create_default_context(cafile=os.environ["PT_CA_FILE"])
m = imaplib.IMAP4_SSL(os.environ["PT_HOST"], int(os.environ["PT_IMAPS_PORT"]),
                      ssl_context=ctx)
m.login(os.environ["PT_BOB_USER"], os.environ["PT_BOB_PASS"])
m.select("INBOX", readonly=True)
typ, data = m.search(None, "SUBJECT", '"%s"' % sys.argv[1])
for num in data[0].split():
    typ, d = m.fetch(num, "(BODY.PEEK[HEADER])")
    msg = email.message_from_bytes(d[0][1], policy=email.policy.default)
    for k, v in msg.items():
        print("%s: %s" % (k, v))
m.logout()
PY
}
bob_header "engine send $tok" >"$net_tmp/bob.hdr"
sed 's/^/    | /' "$net_tmp/bob.hdr"
pt_check "send job: the draft's X-Priority reached bob" \
	grep -qx 'X-Priority: 1 (Highest)' "$net_tmp/bob.hdr"
pt_check "send job: its Organization, RFC 2047 decoded" \
	grep -qx 'Organization: Société Pétrel' "$net_tmp/bob.hdr"
pt_check "send job: its Mail-Followup-To" \
	grep -qx 'Mail-Followup-To: Zoë Liste <list@example.test>' "$net_tmp/bob.hdr"
pt_check "send job: one Date, one Message-ID" \
	test "$(grep -c '^Date: \|^Message-ID: ' "$net_tmp/bob.hdr")" -eq 2

# 2. A fault server answers 552 after DATA: FAILED, kept in the outbox.
fault_start d552 smtp-data-552
mkcfg smtp_host=127.0.0.1 smtp_port="$d552_PORT" smtp_security=none
printf 'To: bob@example.test\nSubject: refused %s\n\nx\n' "$tok" >"$drafts/two.txt"
et send "$drafts/two.txt"
pt_check "552: FAILED with the server's words" has "^EV failed .*552"
pt_check "552: the event names the outbox id" has "^EV failed .*outbox=[0-9]"
pt_check "552: the message waits in the outbox (queued)" waiting queued
clear_outbox

# 3. One recipient refused: the words come back; "send to the others".
fault_start rcpt smtp-rcpt-refuse
mkcfg smtp_host=127.0.0.1 smtp_port="$rcpt_PORT" smtp_security=none
printf 'To: bob@example.test, nobody@example.test\nSubject: partial %s\n\nx\n' "$tok" >"$drafts/three.txt"
et send "$drafts/three.txt"
pt_check "refused recipient: FAILED, one accepted" has "^EV failed .*accepted=1"
pt_check "refused recipient: named with the server's code and words" \
	has "refused=\[nobody@example.test: refused (server: 550 5.1.1"
pt_check "refused recipient: nothing sent yet" test "$(grep -c '^DATA' "$rcpt_LOG" || true)" -eq 0
id=$(printf '%s\n' "$out" | sed -n 's/^EV failed .*outbox=\([^ ]*\).*/\1/p' | head -n 1)
pt_check "refused recipient: waits in the outbox" waiting queued
et send-id "$id" partial
pt_check "send to the others: accepted by the server" has "^EV \(done\|failed\) .*accepted=1"
pt_check "send to the others: DATA went out once" test "$(grep -c '^DATA' "$rcpt_LOG" || true)" -eq 1
clear_outbox

# 4. ENG_JOB_POSTPONE: into Drafts with \Draft \Seen and the Bcc.
mkcfg
cp "$net_tmp/att.bin" "$net_tmp/pièce jointe.bin"
cat >"$drafts/four.txt" <<EOF
To: Bob Ünlü <$PT_BOB_USER>
Cc: carl@example.test
Bcc: Secret Sam <sam@example.test>
Subject: postponed « $tok »
Reply-To: list@example.test
X-Priority: 5
Organization: Société Pétrel
Attach: $net_tmp/pièce jointe.bin

Dear Bob,
ça va ?

> quoted
EOF
cp "$drafts/four.txt" "$net_tmp/four.orig"
et postpone "$drafts/four.txt"
pt_check "postpone: DONE" has "^EV done "
pt_check "postpone: the local draft is gone" test ! -e "$drafts/four.txt"
uid=$($DA search -u "$PT_ALICE_USER" mailbox Drafts header Subject "$tok" | awk '{print $2}' | tail -n 1)
pt_check "postpone: one message in Drafts" test "$(n_in "$PT_ALICE_USER" Drafts "$tok")" -eq 1
flags=$($DA fetch -u "$PT_ALICE_USER" flags mailbox Drafts uid "$uid" | sed -n 's/^flags: //p')
pt_check "postpone: \\Draft and \\Seen ($flags)" sh -c "printf '%s' '$flags' | grep -q 'Draft' && printf '%s' '$flags' | grep -q 'Seen'"
$DA fetch -u "$PT_ALICE_USER" text mailbox Drafts uid "$uid" | sed '1d' >"$net_tmp/stored.eml"
pt_check "postpone: the Bcc is kept" grep -q '^Bcc: .*sam@example.test' "$net_tmp/stored.eml"

# 5. Recall: R lists Drafts by their summaries (any folder, not the
# open one), then the chosen draft turns back into a draft file equal
# to the first.
et open INBOX 10 summaries Drafts "$uid"
pt_check "summaries: one INDEX batch for Drafts" \
	has "^EV index job=[0-9]* folder=Drafts n=1 reset=0 complete=1"
pt_check "summaries: the open folder stays INBOX" \
	sh -c "! printf '%s' \"\$1\" | grep -q '^EV index .*folder=Drafts .*reset=1'" _ "$out"
et fetch Drafts "$uid" - "$net_tmp/fetched.eml"
et recall "$net_tmp/fetched.eml" "$drafts"
rd=$(printf '%s\n' "$out" | sed -n 's/^RECALL \(.*\)/\1/p')
pt_check "recall: a draft file" test -s "$rd"
field() { sed -n "s/^$1: //p" "$2" | head -n 1; }
for f in To Cc Bcc Subject Reply-To X-Priority Organization; do
	pt_check "recall: $f as written ($(field "$f" "$rd"))" \
		test "$(field "$f" "$rd")" = "$(field "$f" "$net_tmp/four.orig")"
done
body() { sed '1,/^$/d' "$1"; }
pt_check "recall: the text as written" test "$(body "$rd")" = "$(body "$net_tmp/four.orig")"
att=$(field Attach "$rd")
pt_check "recall: the attachment keeps its name ($att)" test "$(basename "$att")" = "pièce jointe.bin"
pt_check "recall: the attachment bytes are identical" cmp -s "$att" "$net_tmp/att.bin"

# 6. Postpone while the server is away: FAILED, the draft stays here.
mkcfg imap_host=127.0.0.1 imap_port="$noport"
printf 'To: bob@example.test\nSubject: offline %s\n\nx\n' "$tok" >"$drafts/six.txt"
et postpone "$drafts/six.txt"
pt_check "postpone offline: FAILED (net)" has "^EV failed .*class=net"
pt_check "postpone offline: the draft is kept" test -s "$drafts/six.txt"

# 7. A field petrel writes itself: refused, the draft kept.
mkcfg
printf 'To: bob@example.test\nSubject: own %s\nMessage-ID: <x@y>\n\nx\n' "$tok" >"$drafts/seven.txt"
et send "$drafts/seven.txt"
pt_check "Message-ID in a draft: FAILED, naming the field" \
	has "^EV failed .*'Message-ID' field: petrel writes it itself"
pt_check "Message-ID in a draft: the draft is kept" test -s "$drafts/seven.txt"

pt_done
