#!/bin/bash
# Batch sending through the real Postfix (587 STARTTLS and 465 TLS) into
# the real Dovecot: non-ASCII names, subject and attachment name, a Bcc,
# a 10 MB attachment, a reply; each read back from bob's INBOX over IMAPS
# and checked (headers decode back exactly, attachment bytes identical,
# threading headers, no Bcc field, 7-bit on the wire) and found in
# alice's Sent.  Then relay denied, a wrong password, kill -9 right
# after the server's 250 (sent once, the Sent copy made on the retry)
# and kill -9 right after the Sent APPEND (no second Sent copy).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"

pt_need python3
[ -x "$PETREL" ] || pt_skip "petrel is not built"
mailservers_start
net_tmp=$(pt_tmpdir)
export HOME=$net_tmp/home XDG_DATA_HOME=$net_tmp/data
mkdir -p "$HOME"
printf '%s\n' "$PT_ALICE_PASS" >"$net_tmp/pw"
cfg=$net_tmp/config
tok=$$-$RANDOM

# mkcfg PORT SECURITY [KEY=VALUE...]
mkcfg() {
	local port=$1 sec=$2
	shift 2
	doctor_cfg "$cfg" imap_host="$PT_HOST" imap_port="$PT_IMAPS_PORT" \
		smtp_host="$PT_HOST" smtp_port="$port" smtp_security="$sec" \
		ca_file="$PT_CA_FILE" connect_timeout=10 read_timeout=60 \
		"$@"
	printf 'name = Zoë Martin\n' >>"$cfg"
}
has() { printf '%s\n' "$err" | grep -q -- "$1"; }
empty_outbox() { "$PETREL" -F "$cfg" outbox list | grep -q 'the outbox is empty'; }

# check.py: the messages' checks against what was sent, over IMAPS.
cat >"$net_tmp/check.py" <<'EOF'
import email, email.policy, hashlib, imaplib, os, ssl, sys, time
from email.header import decode_header, make_header

env = os.environ
ctx = ssl.create_default_context(cafile=env["PT_CA_FILE"])
failed = 0


def check(what, cond, detail=""):
    global failed
    if cond:
        print("ok " + what)
    else:
        failed += 1
        print("FAIL %s %s" % (what, detail))


def fetch(user, pw, box, subject, want=1):
    """The raw messages whose Subject contains subject (waits 20 s)."""
    deadline = time.monotonic() + 20
    while True:
        m = imaplib.IMAP4_SSL(env["PT_HOST"], int(env["PT_IMAPS_PORT"]),
                              ssl_context=ctx)
        m.login(user, pw)
        m.select(box, readonly=True)
        m.literal = subject.encode()
        typ, data = m.search("UTF-8", "SUBJECT")
        nums = data[0].split()
        out = []
        for n in nums:
            typ, d = m.fetch(n, "(BODY.PEEK[])")
            out.append(d[0][1])
        m.logout()
        if len(out) >= want or time.monotonic() > deadline:
            return out
        time.sleep(0.2)


def dec(v):
    return str(make_header(decode_header(v))) if v is not None else None


def attachments(msg):
    return [(p.get_filename(), p.get_payload(decode=True))
            for p in msg.walk() if p.get_filename() is not None]


case = sys.argv[1]
tok = env["TOK"]
bob = (env["PT_BOB_USER"], env["PT_BOB_PASS"])
alice = (env["PT_ALICE_USER"], env["PT_ALICE_PASS"])
if case == "names":
    subject = "Réunion « demain » — ordre du jour 日本語 " + tok
    raws = fetch(*bob, "INBOX", tok)
    check("names: one message in bob's INBOX", len(raws) == 1, len(raws))
    raw = raws[0]
    check("names: 7-bit on the wire", max(raw) < 128)
    check("names: no line over 998 octets",
          max(len(l) for l in raw.split(b"\r\n")) <= 998)
    msg = email.message_from_bytes(raw)
    check("names: Subject decodes back exactly", dec(msg["Subject"]) == subject,
          repr(dec(msg["Subject"])))
    check("names: From decodes back", dec(msg["From"]) ==
          "Zoë Martin <alice@example.test>", repr(dec(msg["From"])))
    check("names: To decodes back", dec(msg["To"]) ==
          "Bob Ünlü <bob@example.test>", repr(dec(msg["To"])))
    check("names: no Bcc field", msg["Bcc"] is None)
    check("names: Message-ID on the sender's domain",
          msg["Message-ID"].endswith("@example.test>"), msg["Message-ID"])
    atts = attachments(msg)
    want = open(env["ATT"], "rb").read()
    check("names: attachment name decodes back (RFC 2231)",
          len(atts) == 1 and atts[0][0] == "résumé d'été 2024.bin",
          [a[0] for a in atts])
    check("names: attachment bytes identical",
          len(atts) == 1 and atts[0][1] == want)
    body = email.message_from_bytes(raw, policy=email.policy.default) \
        .get_body(("plain",))
    check("names: text decodes back",
          body.get_content().replace("\r\n", "\n") ==
          "Bonjour Bob,\nça va ?\n.\nFrom here\n",
          repr(body.get_content()))
    bcc = fetch(*alice, "INBOX", tok)
    check("names: the Bcc recipient got it", len(bcc) == 1)
    sent = fetch(*alice, "Sent", tok)
    check("names: a copy in alice's Sent", len(sent) == 1)
    check("names: the Sent copy has no Bcc either",
          len(sent) == 1 and b"Bcc" not in sent[0].split(b"\r\n\r\n")[0])
    open(env["MSGID"], "w").write(msg["Message-ID"])
elif case == "big":
    raws = fetch(*bob, "INBOX", "big " + tok)
    check("big: in bob's INBOX", len(raws) == 1)
    msg = email.message_from_bytes(raws[0])
    atts = attachments(msg)
    want = open(env["ATT"], "rb").read()
    check("big: 10 MB attachment bytes identical (sha256)",
          len(atts) == 1 and hashlib.sha256(atts[0][1]).digest() ==
          hashlib.sha256(want).digest())
    check("big: a copy in alice's Sent", len(fetch(*alice, "Sent", "big " + tok)) == 1)
elif case == "reply":
    parent = open(env["MSGID"]).read().strip()
    raws = fetch(*bob, "INBOX", "Re: thread " + tok)
    check("reply: in bob's INBOX", len(raws) == 1)
    msg = email.message_from_bytes(raws[0])
    check("reply: In-Reply-To names the parent", msg["In-Reply-To"] == parent,
          msg["In-Reply-To"])
    check("reply: References ends with the parent",
          (msg["References"] or "").split()[-1:] == [parent], msg["References"])
elif case == "draft":
    parent = open(env["MSGID"]).read().strip()
    raws = fetch(*bob, "INBOX", "Re: draft " + tok)
    check("draft (-H): in bob's INBOX", len(raws) == 1)
    msg = email.message_from_bytes(raws[0])
    check("draft (-H): In-Reply-To names the parent",
          msg["In-Reply-To"] == parent, msg["In-Reply-To"])
    check("draft (-H): References keeps the chain",
          (msg["References"] or "").split() == ["<root@example.test>", parent],
          msg["References"])
    check("draft (-H): Cc from the draft", dec(msg["Cc"]) ==
          "Ann Über <alice@example.test>", repr(dec(msg["Cc"])))
    atts = attachments(msg)
    check("draft (-H): its Attach field attached the file",
          len(atts) == 1 and atts[0][1] == open(env["ATT"], "rb").read())
elif case == "once":
    raws = fetch(*bob, "INBOX", "once " + tok)
    time.sleep(1)
    raws = fetch(*bob, "INBOX", "once " + tok)
    check("kill -9 after 250: delivered exactly once", len(raws) == 1, len(raws))
    check("kill -9 after 250: one copy in Sent after the retry",
          len(fetch(*alice, "Sent", "once " + tok)) == 1)
elif case == "sentonce":
    time.sleep(1)
    raws = fetch(*bob, "INBOX", "sentonce " + tok)
    check("kill -9 after the Sent APPEND: delivered exactly once",
          len(raws) == 1, len(raws))
    sent = fetch(*alice, "Sent", "sentonce " + tok)
    check("kill -9 after the Sent APPEND: one copy in Sent after the retry",
          len(sent) == 1, len(sent))
sys.exit(1 if failed else 0)
EOF
export TOK=$tok ATT=$net_tmp/att.bin MSGID=$net_tmp/msgid
verify() {
	local o
	o=$(python3 "$net_tmp/check.py" "$1" 2>&1)
	printf '%s\n' "$o"
	pt_passed=$((pt_passed + $(printf '%s\n' "$o" | grep -c '^ok ')))
	pt_failed=$((pt_failed + $(printf '%s\n' "$o" | grep -c '^FAIL ')))
	[ -n "$o" ] || pt_fail "check.py $1 printed nothing"
}

# 1. STARTTLS (587): names, subject, attachment name, Bcc.
mkcfg "$PT_SUBMISSION_PORT" starttls
head -c 30000 /dev/urandom >"$ATT"
cp "$ATT" "$net_tmp/résumé d'été 2024.bin"
err=$(printf 'Bonjour Bob,\nça va ?\n.\nFrom here\n' | "$PETREL" -F "$cfg" \
	-s "Réunion « demain » — ordre du jour 日本語 $tok" \
	-b alice@example.test \
	-a "$net_tmp/résumé d'été 2024.bin" -- "Bob Ünlü <bob@example.test>" 2>&1)
rc=$?
printf '%s\n' "$err" | sed 's/^/    | /'
pt_check "587 STARTTLS: exit 0 (rc $rc)" test "$rc" -eq 0
pt_check "587 STARTTLS: nothing on stderr" test -z "$err"
pt_check "587 STARTTLS: the outbox is empty" empty_outbox
verify names

# 2. Implicit TLS (465): a 10 MB attachment.
mkcfg "$PT_SUBMISSIONS_PORT" tls
head -c $((10 * 1024 * 1024)) /dev/urandom >"$ATT"
err=$(echo "ten megabytes" | "$PETREL" -F "$cfg" -s "big $tok" -a "$ATT" \
	-- bob@example.test 2>&1)
rc=$?
pt_check "465 TLS, 10 MB: exit 0 (rc $rc)" test "$rc" -eq 0
pt_check "465 TLS, 10 MB: the outbox is empty" empty_outbox
verify big

# 3. A reply (mailto: with in-reply-to) keeps the thread.
parent=$(cat "$MSGID")
enc=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$parent")
err=$(echo "my answer" | "$PETREL" -F "$cfg" \
	"mailto:bob@example.test?subject=Re%3A%20thread%20$tok&in-reply-to=$enc" 2>&1)
rc=$?
pt_check "reply: exit 0 (rc $rc)" test "$rc" -eq 0
verify reply

# 3b. A reply written as a draft file (mutt's -H), as the editor leaves it.
head -c 5000 /dev/urandom >"$ATT"
cat >"$net_tmp/draft" <<DRAFT
To: bob@example.test
Cc: Ann Über <alice@example.test>
Subject: Re: draft $tok
In-Reply-To: $parent
References: <root@example.test>
 $parent
Attach: $ATT

Thanks!

> the parent's text
DRAFT
err=$("$PETREL" -F "$cfg" -H "$net_tmp/draft" </dev/null 2>&1)
rc=$?
pt_check "draft (-H): exit 0 (rc $rc)" test "$rc" -eq 0
verify draft

# 4. Relay refused, wrong password: exit 1, the server's words, kept.
mkcfg "$PT_SUBMISSION_PORT" starttls
err=$(echo x | "$PETREL" -F "$cfg" -s "relay $tok" -- carol@elsewhere.test 2>&1)
rc=$?
printf '%s\n' "$err" | sed 's/^/    | /'
pt_check "relay denied: exit 1 (rc $rc)" test "$rc" -eq 1
pt_check "relay denied: names the address and the server's words" \
	has "refused to send to 'carol@elsewhere.test' (server: 554 5.7.1.*Relay access denied"
pt_check "relay denied: kept in the outbox" sh -c "'$PETREL' -F '$cfg' outbox list | grep -q 'relay $tok'"
"$PETREL" -F "$cfg" outbox discard "$("$PETREL" -F "$cfg" outbox list | awk '/relay/{print $2; exit}')" >/dev/null
printf 'wrong-password\n' >"$net_tmp/pw"
err=$(echo x | "$PETREL" -F "$cfg" -s "badpw $tok" -- bob@example.test 2>&1)
rc=$?
printf '%s\n' "$err" | sed 's/^/    | /'
pt_check "wrong password: exit 1 (rc $rc)" test "$rc" -eq 1
pt_check "wrong password: says so" has "rejected the user name or password"
pt_check "wrong password: kept in the outbox" sh -c "'$PETREL' -F '$cfg' outbox list | grep -q 'badpw $tok'"
printf '%s\n' "$PT_ALICE_PASS" >"$net_tmp/pw"
out=$("$PETREL" -F "$cfg" outbox send 2>&1)
pt_check "wrong password: 'outbox send' with the right one sends it" empty_outbox

# 5. kill -9 right after the 250: never sent twice.
(echo "once" | PETREL_TEST_CRASH=after-250 "$PETREL" -F "$cfg" \
	-s "once $tok" -- bob@example.test) >/dev/null 2>&1
rc=$?
pt_check "kill -9 after 250: killed (rc $rc)" test "$rc" -eq 137
pt_check "kill -9 after 250: waits as accepted" \
	sh -c "'$PETREL' -F '$cfg' outbox list | grep -q '  accepted  '"
err=$("$PETREL" -F "$cfg" outbox send 2>&1)
printf '%s\n' "$err" | sed 's/^/    | /'
pt_check "kill -9 after 250: the retry empties the outbox" empty_outbox
verify once

# 6. kill -9 right after the Sent APPEND (before the outbox removal):
# the retry finds the Message-ID in Sent and stores no second copy.
(echo "sent once" | PETREL_TEST_CRASH=after-append "$PETREL" -F "$cfg" \
	-s "sentonce $tok" -- bob@example.test) >/dev/null 2>&1
rc=$?
pt_check "kill -9 after the Sent APPEND: killed (rc $rc)" test "$rc" -eq 137
pt_check "kill -9 after the Sent APPEND: waits as copying" \
	sh -c "'$PETREL' -F '$cfg' outbox list | grep -q '  copying  '"
err=$("$PETREL" -F "$cfg" outbox send 2>&1)
printf '%s\n' "$err" | sed 's/^/    | /'
pt_check "kill -9 after the Sent APPEND: the retry empties the outbox" empty_outbox
verify sentonce

pt_done
