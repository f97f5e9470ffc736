#!/usr/bin/env bash
# New mail sent through the real Postfix appears in the open INBOX while
# a 60,000-message INBOX is still loading (the index streams in the
# background on the command connection; the IDLE connection sees the
# new message and brings its summary at once): the message and the
# loading progress are on the same screen.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3
[ -x "$PETREL" ] || pt_skip "petrel is not built"

# Newest first, so that new mail lands on the first line.
UI_EXTRA_CFG=$'[ui]\nsort = date\nsort_reverse = yes'
ui_servers
# Dates in the past: the new message is the newest.
bash "$top_srcdir/tests/servers/mailservers.sh" fill "$ms_dir" "$PT_ALICE_USER" 60000 >/dev/null ||
	pt_fail "fill INBOX"
ui_start "$ui_cfgfile"
pt_check "INBOX starts loading (progress shown)" ui_until 60 eval 'ui_status | grep -qE "[0-9]+/600[0-9][0-9]"'

python3 - <<'PY' || pt_fail "Postfix did not take the message"
import email.utils, os, smtplib, ssl
from email.message import EmailMessage
msg = EmailMessage()
msg["From"] = "Bob Martin <%s>" % os.environ["PT_BOB_USER"]
msg["To"] = os.environ["PT_ALICE_USER"]
msg["Subject"] = "News while loading"
msg["Date"] = email.utils.formatdate()
msg.set_content("Fresh from Postfix.")
ctx = ssl.create_default_context(cafile=os.environ["PT_CA_FILE"])
with smtplib.SMTP(os.environ["PT_HOST"], int(os.environ["PT_SUBMISSION_PORT"])) as s:
    s.starttls(context=ctx)
    s.login(os.environ["PT_BOB_USER"], os.environ["PT_BOB_PASS"])
    s.send_message(msg)
PY
pt_check "the new message appears without a key press" ui_wait "News while loading" 30
screen=$(ui_screen)
printf '%s\n' "$screen" | sed 's/^/    |/'
pt_check "... while the index is still loading" eval 'printf "%s\n" "$screen" | tail -n 2 | head -n 1 | grep -qE "[0-9]+/600[0-9][0-9]"'
pt_check "new mail is announced" ui_shows "new message in INBOX"
pt_check "the load completes" ui_until 120 eval '! ui_status | grep -qE "[0-9]+/600[0-9][0-9]"'
pt_check "every message is there" ui_wait "[Msgs:60029" 30
ui_keys q
pt_check "q quits" ui_exited
pt_check "nothing on stderr" test ! -s "$ui_home/stderr"
pt_done
