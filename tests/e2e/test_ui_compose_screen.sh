#!/usr/bin/env bash
# The compose screen against the real servers, with a scripted $EDITOR:
# two files attached through the 'a' prompt with Tab completion (one by
# its full path, one under ~), a missing file refused, one detached, the
# Subject edited with 's', a bad To caught before sending, the identity
# changed with 'f', then sent: bob's INBOX gets exactly the kept file
# (same bytes), From the chosen identity, the edited Subject.  A group
# reply to a message sent to an identity starts From that identity and
# leaves it out of Cc.  'f' with
# compose.forward = ask forwards as an attachment: bob gets a
# message/rfc822 part holding the original; inline, the original's
# attachment comes along.  petrel -H refuses a From that is not the
# account's, and keeps the draft.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3
[ -x "$PETREL" ] || pt_skip "petrel is not built"

UI_EXTRA_CFG=$'[compose]\nforward = ask\n[keys]\ncompose = <F5> send-message'
ui_servers "identities=Alice Work <alice.work@example.test>"
tmp=$(pt_tmpdir)
tok=$$-$RANDOM

# A message to alice's identity, for the reply.
mkdir -p "$tmp/extra"
printf 'From: Carol <carol@example.test>\r\nTo: Alice Work <alice.work@example.test>\r\nCc: dave@example.test\r\nSubject: work question %s\r\nMessage-ID: <work-%s@example.test>\r\nDate: Tue, 05 Mar 2024 09:00:00 +0000\r\n\r\nA question for work.\r\n' \
	"$tok" "$tok" >"$tmp/extra/work.eml"
bash "$top_srcdir/tests/servers/mailservers.sh" deliver "$ms_dir" \
	"$PT_ALICE_USER" "$tmp/extra" >/dev/null || exit 99

# The files: two under a long path, one under ~ (petrel's HOME).
files=$tmp/files
mkdir -p "$files" "$ui_home/pics"
head -c 20000 /dev/urandom >"$files/report-2024.pdf"
printf 'notes\n' >"$files/report-notes.txt"
head -c 3000 /dev/urandom >"$ui_home/pics/photo.jpg"

cat >"$tmp/editor" <<EOF
#!/bin/sh
cp "\$1" "$tmp/given"
case \$(cat "$tmp/mode") in
new)
	sed -i 's/^To: *\$/To: bob@example.test/; s/^Subject: *\$/Subject: screen $tok/' "\$1"
	printf 'Written in the editor.\n' >>"\$1" ;;
fwd)
	sed -i 's/^To: *\$/To: bob@example.test/' "\$1" ;;
esac
EOF
chmod +x "$tmp/editor"
UI_ENV="EDITOR='$tmp/editor'"
ui_start "$ui_cfgfile"
pt_check "INBOX opens" ui_wait "lab: INBOX [Msgs:29"

echo new >"$tmp/mode"
ui_keys m
pt_check "m: the compose screen" ui_wait "-- Compose [lab] --"
pt_check "m: it names the recipient" ui_wait "Send to bob@example.test?"
pt_check "m: the draft is From the account" \
	grep -qx 'From: Alice Example <alice@example.test>' "$tmp/given"
pt_check "the screen shows the fields" \
	ui_wait "   Subject: screen $tok"
pt_check "and the key hint" ui_shows " send  e edit  t To  c Cc  b Bcc  s Subject"
pt_check "no attachments yet" ui_shows "-- 0 attachments --"
ui_keys '?'
pt_check "?: the compose keys" ui_wait "choose the identity (From) to send as"
ui_keys q
pt_check "and back" ui_wait "-- Compose [lab] --"
drafts=$ui_home/.local/share/petrel/lab/drafts
draft=$(ls "$drafts"/*.txt)

# Attach by full path: Tab completes the common part, lists both.
ui_keys a
pt_check "a: asks for a file" ui_wait "Attach file:"
ui_type "$files/rep"
ui_keys Tab
pt_check "Tab: the common part" ui_wait "Attach file: $files/report-"
pt_check "Tab: both names listed on the status line" \
	ui_shows "report-2024.pdf  report-notes.txt"
ui_type "2"
ui_keys Tab
pt_check "Tab: the one name" ui_wait "Attach file: $files/report-2024.pdf"
ui_keys Enter
pt_check "attached" ui_wait "Attached report-2024.pdf."
pt_check "listed with type and size" \
	ui_wait "report-2024.pdf                application/pdf"
pt_check "one Attach field in the draft" \
	grep -qx "Attach: $files/report-2024.pdf" "$draft"

# Under ~: ~/pi<Tab> is the folder, ph<Tab> the file.
ui_keys a
ui_wait "Attach file:" >/dev/null
ui_type "~/pi"
ui_keys Tab
pt_check "~/pi<Tab>: the folder, with its /" ui_wait "Attach file: ~/pics/"
ui_type "ph"
ui_keys Tab
pt_check "ph<Tab>: the file" ui_wait "Attach file: ~/pics/photo.jpg"
ui_keys Enter
pt_check "attached from ~" ui_wait "Attached photo.jpg."
pt_check "two attachments" ui_wait "-- 2 attachments --"

# A file that goes away after it was attached: not sent, says why.
ui_keys a
ui_wait "Attach file:" >/dev/null
ui_type "$files/report-notes.txt"
ui_keys Enter
pt_check "a third attached" ui_wait "-- 3 attachments --"
rm "$files/report-notes.txt"
ui_keys y
pt_check "y with a vanished file: not sent, says why" \
	ui_wait "Cannot send: cannot attach '$files/report-notes.txt': the file cannot be read."
pt_check "y with a vanished file: still on the screen" \
	ui_shows "-- Compose [lab] --"
ui_keys D
pt_check "D: the vanished one detached" ui_wait "-- 2 attachments --"

# A missing file: a clear message, nothing added.
ui_keys a
ui_wait "Attach file:" >/dev/null
ui_type "~/pics/nope.bin"
ui_keys Enter
pt_check "a missing file: says so" \
	ui_wait "cannot attach '$ui_home/pics/nope.bin': No such file or directory"
pt_check "a missing file: nothing added" ui_shows "-- 2 attachments --"

# Detach the photo (the cursor is on the last one attached).
ui_keys D
pt_check "D: detached, the file kept" \
	ui_wait "Detached photo.jpg (the file itself is kept)."
pt_check "D: one attachment left" ui_wait "-- 1 attachment --"
pt_check "D: the file is still there" test -s "$ui_home/pics/photo.jpg"
pt_check "D: gone from the draft" sh -c "! grep -q photo '$draft'"

# The Subject, prefilled.
ui_keys s
pt_check "s: prefilled with the Subject" ui_wait "Subject: screen $tok"
ui_keys C-u
ui_type "edited é $tok"
ui_keys Enter
pt_check "s: the screen shows the new Subject" \
	ui_wait "   Subject: edited é $tok"
pt_check "s: the draft has it" grep -qx "Subject: edited é $tok" "$draft"
pt_check "s: the text is untouched" grep -qx "Written in the editor." "$draft"

# A bad To keeps the screen, with the reason.
ui_keys t
ui_wait "To: bob@example.test" >/dev/null
ui_keys C-u
ui_type "bob"
ui_keys Enter
ui_keys y
pt_check "y with a bad To: not sent, says why" \
	ui_wait "Cannot send: To: 'bob' is not a valid email address"
pt_check "y with a bad To: still on the screen" ui_shows "-- Compose [lab] --"
ui_keys t
ui_keys C-u
ui_type "Bob <bob@example.test>"
ui_keys Enter
pt_check "t: fixed" ui_wait "Send to bob@example.test?"

# The identity.
ui_keys f
pt_check "f: the identities offered" \
	ui_wait "Send as: 1) Alice Example <alice@example.test> 2) Alice Work <alice.work@example.test>"
ui_keys 2
pt_check "f: chosen" ui_wait "Sending as Alice Work <alice.work@example.test>"
pt_check "f: the draft's From" \
	grep -qx "From: Alice Work <alice.work@example.test>" "$draft"
pt_check "f: shown" ui_wait "      From: Alice Work <alice.work@example.test>"

# Sent with a key bound in [keys] compose.
ui_keys F5
pt_check "<F5> (bound in [keys] compose): sent" ui_wait "Message sent." 30

# What bob got.
delivered() {
	python3 - "$@" <<'PY'
import email, email.policy, imaplib, os, ssl, sys
from email.header import decode_header, make_header
user, pw, want = sys.argv[1:4]
ctx = ssl.create_default_context(cafile=os.environ["PT_CA_FILE"])
m = imaplib.IMAP4_SSL(os.environ["PT_HOST"], int(os.environ["PT_IMAPS_PORT"]),
                      ssl_context=ctx)
m.login(user, pw)
m.select("INBOX", readonly=True)
typ, data = m.search(None, "ALL")
for num in data[0].split():
    typ, d = m.fetch(num, "(BODY.PEEK[])")
    raw = d[0][1]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    if str(msg["Subject"]) == want:
        sys.stdout.buffer.write(raw)
        sys.exit(0)
sys.exit(1)
PY
}
pt_check "bob got it" ui_until 30 sh -c \
	"$(declare -f delivered); delivered '$PT_BOB_USER' '$PT_BOB_PASS' 'edited é $tok' >'$tmp/got.eml'"
python3 - "$tmp/got.eml" "$files/report-2024.pdf" >"$tmp/checks" <<'PY'
import email, email.policy, sys
msg = email.message_from_bytes(open(sys.argv[1], "rb").read(),
                               policy=email.policy.default)
want = open(sys.argv[2], "rb").read()
atts = [p for p in msg.iter_attachments()]
print("from", msg["From"].addresses[0].addr_spec)
print("fromname", msg["From"].addresses[0].display_name)
print("natt", len(atts))
for p in atts:
    print("att", p.get_filename(), p.get_payload(decode=True) == want)
PY
sed 's/^/    | /' "$tmp/checks"
pt_check "From is the chosen identity" grep -qx "from alice.work@example.test" "$tmp/checks"
pt_check "with its name" grep -qx "fromname Alice Work" "$tmp/checks"
pt_check "exactly one attachment (the detached one is not there)" \
	grep -qx "natt 1" "$tmp/checks"
pt_check "the attachment's bytes are identical" \
	grep -qx "att report-2024.pdf True" "$tmp/checks"
pt_check "the draft is gone once sent" \
	ui_until 30 sh -c "! ls '$drafts'/*.txt >/dev/null 2>&1"

# A group reply to a message sent to an identity: From that identity,
# which stays out of Cc.
echo keep >"$tmp/mode"
ui_keys /
ui_type "work question"
ui_keys Enter
pt_check "found the message to the identity" \
	ui_until 5 ui_cursor_on "work question $tok"
ui_keys g
pt_check "g: the compose screen" \
	ui_wait "Send to carol@example.test and 1 other?" 20
pt_check "g: From the identity it was sent to (reverse_name)" \
	grep -qx "From: Alice Work <alice.work@example.test>" "$tmp/given"
pt_check "g: Cc without your own identity" \
	grep -qx "Cc: dave@example.test" "$tmp/given"
pt_check "g: shown" ui_wait "      From: Alice Work <alice.work@example.test>"
ui_keys P
pt_check "P: postponed to the Drafts folder" \
	ui_wait "Postponed to the Drafts folder" 20
ui_keys R
pt_check "R: lists it" ui_wait "Re: work question $tok" 20
ui_keys Enter
pt_check "R: back on the compose screen, From kept" \
	ui_wait "      From: Alice Work <alice.work@example.test>" 20
ui_keys q
ui_wait "Abort and delete the draft?" >/dev/null
ui_keys y
pt_check "g: aborted" ui_wait "Aborted."

# Forward as attachment (compose.forward = ask).
echo fwd >"$tmp/mode"
ui_keys /
ui_type "Links and"
ui_keys Enter
pt_check "found the message to forward" ui_until 5 ui_cursor_on "Links and quotes"
ui_keys f
pt_check "f: asks how" ui_wait "Forward (i)nline or as an (a)ttachment?"
ui_keys a
pt_check "a: the compose screen" ui_wait "Send to bob@example.test?" 20
pt_check "a: the original is attached as a message" \
	ui_wait "Links_and_quotes.eml           message/rfc822"
pt_check "a: Fwd: subject" grep -qx "Subject: Fwd: Links and quotes" "$tmp/given"
ui_keys y
pt_check "y: sent" ui_wait "Message sent." 30
pt_check "bob got the forward" ui_until 30 sh -c \
	"$(declare -f delivered); delivered '$PT_BOB_USER' '$PT_BOB_PASS' 'Fwd: Links and quotes' >'$tmp/fwd.eml'"
pt_check "alice's original fetched" ui_until 5 sh -c \
	"$(declare -f delivered); delivered '$PT_ALICE_USER' '$PT_ALICE_PASS' 'Links and quotes' >'$tmp/orig.eml'"
python3 - "$tmp/fwd.eml" "$tmp/orig.eml" >"$tmp/fchecks" <<'PY'
import email, email.policy, re, sys
raw = open(sys.argv[1], "rb").read()
orig = open(sys.argv[2], "rb").read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
bnd = msg.get_boundary().encode()
parts = raw.split(b"\r\n--" + bnd)
for p in parts[1:]:
    head, _, body = p.partition(b"\r\n\r\n")
    if b"message/rfc822" in head.lower():
        print("rfc822 part")
        print("cte", re.search(rb"(?im)^content-transfer-encoding: *(\S+)", head).group(1).decode())
        print("same", body.rstrip(b"\r\n") == orig.rstrip(b"\r\n"))
print("7bit-clean", all(c < 128 for c in raw))
PY
sed 's/^/    | /' "$tmp/fchecks"
pt_check "the forward has a message/rfc822 part" grep -qx "rfc822 part" "$tmp/fchecks"
pt_check "in 7bit" grep -qx "cte 7bit" "$tmp/fchecks"
pt_check "holding the original, byte for byte" grep -qx "same True" "$tmp/fchecks"
pt_check "the forward is 7-bit clean on the wire" grep -qx "7bit-clean True" "$tmp/fchecks"

pt_check "the saved original went with the draft" \
	ui_until 10 sh -c "! ls '$drafts'/*.files/Links_and_quotes.eml >/dev/null 2>&1"

# An inline forward keeps the original's attachments.
ui_keys /
ui_type "Quarterly"
ui_keys Enter
pt_check "found the message with an attachment" \
	ui_until 5 ui_cursor_on "Quarterly report"
ui_keys f
ui_wait "Forward (i)nline or as an (a)ttachment?" >/dev/null
ui_keys i
pt_check "i: the compose screen" ui_wait "Send to bob@example.test?" 20
pt_check "i: the text is quoted inline" \
	grep -q "^----- Forwarded message -----" "$tmp/given"
pt_check "i: the original's attachment comes along" \
	ui_wait "report-q1.bin                  application/octet-stream"
ui_keys y
pt_check "bob got the inline forward" ui_until 30 sh -c \
	"$(declare -f delivered); delivered '$PT_BOB_USER' '$PT_BOB_PASS' 'Fwd: Quarterly report' >'$tmp/ifwd.eml'"
python3 - "$tmp/ifwd.eml" >"$tmp/ichecks" <<'PY'
import email, email.policy, sys
msg = email.message_from_bytes(open(sys.argv[1], "rb").read(),
                               policy=email.policy.default)
for p in msg.iter_attachments():
    print("att", p.get_filename(),
          p.get_payload(decode=True) == b"petrel attachment test bytes\n")
PY
sed 's/^/    | /' "$tmp/ichecks"
pt_check "with the original's attachment, same bytes" \
	grep -qx "att report-q1.bin True" "$tmp/ichecks"

# petrel -H: a From that is not the account's is refused, draft kept.
cat >"$tmp/foreign" <<EOF
From: Eve <eve@example.test>
To: bob@example.test
Subject: foreign $tok

not from alice
EOF
cp "$tmp/foreign" "$tmp/foreign.orig"
err=$(env HOME="$ui_home" "$PETREL" -F "$ui_cfgfile" -H "$tmp/foreign" </dev/null 2>&1)
rc=$?
printf '%s\n' "$err" | sed 's/^/    | /'
pt_check "-H with a foreign From: exit 2 (rc $rc)" test "$rc" -eq 2
pt_check "-H with a foreign From: says why" \
	grep -q "'eve@example.test' is not an address of the account 'lab'" <<<"$err"
pt_check "-H with a foreign From: the draft is kept" \
	cmp -s "$tmp/foreign" "$tmp/foreign.orig"
pt_check "-H with a foreign From: nothing in the outbox" \
	sh -c "env HOME='$ui_home' '$PETREL' -F '$ui_cfgfile' outbox list | grep -q 'the outbox is empty'"

ui_keys q
ui_wait "quit" 2 >/dev/null && ui_keys y
pt_check "q quits" ui_exited
pt_check "exit status 0" ui_shows "petrel-exited 0"
pt_check "nothing on stderr" test ! -s "$ui_home/stderr"
pt_done
