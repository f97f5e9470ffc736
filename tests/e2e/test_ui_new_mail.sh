#!/usr/bin/env bash
# New mail sent through the real Postfix (submission, as bob) appears in
# alice's open INBOX without a key press, the counts follow, and the
# cursor stays on the message it was on.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3
[ -x "$PETREL" ] || pt_skip "petrel is not built"

# Newest first, so that new mail lands on the first line.
UI_EXTRA_CFG=$'[ui]\nsort = date\nsort_reverse = yes'
ui_servers
ui_start "$ui_cfgfile"
pt_check "INBOX opens" ui_wait "lab: INBOX [Msgs:28 New:2"
ui_keys Home
pt_check "the cursor is on the newest" ui_until 5 ui_cursor_on "Build note 29"
sleep 1 # let the engine settle into IDLE

send() {
	python3 - "$1" <<'PY'
import os, smtplib, ssl, sys
from email.message import EmailMessage
msg = EmailMessage()
msg["From"] = "Bob Martin <%s>" % os.environ["PT_BOB_USER"]
msg["To"] = os.environ["PT_ALICE_USER"]
msg["Subject"] = sys.argv[1]
msg["Date"] = "Fri, 29 Mar 2024 12:00:00 +0000"
msg.set_content("Fresh from Postfix.")
ctx = ssl.create_default_context(cafile=os.environ["PT_CA_FILE"])
with smtplib.SMTP(os.environ["PT_HOST"], int(os.environ["PT_SUBMISSION_PORT"])) as s:
    s.starttls(context=ctx)
    s.login(os.environ["PT_BOB_USER"], os.environ["PT_BOB_PASS"])
    s.send_message(msg)
PY
}
pt_check "Postfix takes the message" send "Fresh news from Bob"
pt_check "it appears without a key press" ui_wait "Fresh news from Bob" 30
pt_check "the counts follow" ui_wait "[Msgs:29 New:3"
pt_check "new mail is announced" ui_shows "new message in INBOX"
pt_check "on the first line" eval 'ui_screen | sed -n 2p | grep -q "Fresh news from Bob"'
pt_check "the cursor stayed on its message" ui_until 5 ui_cursor_on "Build note 29"
pt_check "a second one too" send "Second news from Bob"
pt_check "it appears as well" ui_wait "Second news from Bob" 30
pt_check "Msgs:30" ui_wait "[Msgs:30 New:4"
ui_keys q
pt_check "q quits" ui_exited
pt_check "nothing on stderr" test ! -s "$ui_home/stderr"
pt_done
