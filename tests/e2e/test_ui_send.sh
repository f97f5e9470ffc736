#!/usr/bin/env bash
# Sending from the interface through the engine's sender, against the
# real Dovecot and Postfix and the fault SMTP servers: a 552 gives an
# error saying the message waits in the outbox and the retry / edit /
# discard / later choice; the next start offers the waiting message and
# "edit" brings it back into compose; a refused recipient is asked about
# (send to the others); a postponed message recalled with R and sent
# leaves the Drafts folder; quitting while a message goes out asks
# first and leaves it in the outbox.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3
[ -x "$PETREL" ] || pt_skip "petrel is not built"

ui_servers
tmp=$(pt_tmpdir)
net_tmp=$tmp
tok=$$-$RANDOM
# The editor: saves what it was given, then fills To and Subject as
# $tmp/to and $tmp/subject say (nothing when they are empty) and adds
# an Attach field when $tmp/attach names a file.
cat >"$tmp/editor" <<EOF
#!/bin/sh
cp "\$1" "$tmp/given"
to=\$(cat "$tmp/to")
subj=\$(cat "$tmp/subject")
[ -n "\$to" ] && sed -i "s/^To: *\\\$/To: \$to/" "\$1"
[ -n "\$subj" ] && sed -i "s/^Subject: *\\\$/Subject: \$subj/" "\$1"
att=\$(cat "$tmp/attach" 2>/dev/null)
[ -n "\$att" ] && sed -i "/^Subject:/a Attach: \$att" "\$1"
[ -n "\$subj" ] && printf 'Written in the editor.\n' >>"\$1"
exit 0
EOF
chmod +x "$tmp/editor"
UI_ENV="EDITOR='$tmp/editor'"
export HOME=$ui_home
outbox() { "$PETREL" -F "$1" outbox list 2>&1; }
# compose TO SUBJECT: m, the editor fills the draft, the review prompt.
compose() {
	printf '%s' "$1" >"$tmp/to"
	printf '%s' "$2" >"$tmp/subject"
	ui_keys m
	ui_wait "(p)ostpone" 20
}
# cfg_smtp FILE PORT [KEY=VALUE...]: alice, with SMTP on a fault server.
cfg_smtp() {
	local f=$1 port=$2
	shift 2
	ui_cfg "$f" email="$PT_ALICE_USER" imap_host="$PT_HOST" \
		imap_port="$PT_IMAPS_PORT" ca_file="$PT_CA_FILE" \
		password="$PT_ALICE_PASS" smtp_host=127.0.0.1 \
		smtp_port="$port" smtp_security=none "$@"
}
quit() {
	ui_keys q
	ui_wait "quit" 2 >/dev/null && ui_keys y
	ui_exited 10
}

# 1. A 552 from the server: an error that says where the message is.
fault_start d552 smtp-data-552
cfg_smtp "$tmp/c552" "$d552_PORT"
ui_start "$tmp/c552" 200 30
pt_check "INBOX opens" ui_wait "lab: INBOX [Msgs:" 20
pt_check "m: the review prompt" compose "bob@example.test" "refused $tok"
ui_keys y
pt_check "the failure is shown with the server's words" \
	ui_wait "Not sent: the message is too big for the server (server: 552" 20
pt_check "... says the message waits in the outbox, and offers a choice" \
	ui_wait "It waits in the outbox: (r)etry, (e)dit, (d)iscard, (l)ater"
ui_keys l
pt_check "l: it waits" ui_wait "It waits in the outbox"
pt_check "the outbox holds it" sh -c "'$PETREL' -F '$tmp/c552' outbox list | grep -q 'refused $tok'"
quit

# 2. The next start offers it; e brings it back into compose.
ui_start "$tmp/c552" 200 30
pt_check "start: the outbox offer" \
	ui_wait "1 message waiting in the outbox." 20
pt_check "start: names the message" ui_wait "'refused $tok'"
printf '' >"$tmp/to"
printf '' >"$tmp/subject"
ui_keys e
pt_check "e: compose again, the recipient kept" \
	ui_wait "Send to bob@example.test?" 20
pt_check "e: the editor got the message's subject" \
	grep -q "^Subject: refused $tok" "$tmp/given"
pt_check "e: the message left the outbox" sh -c "'$PETREL' -F '$tmp/c552' outbox list | grep -q 'the outbox is empty'"
ui_keys q
ui_wait "Abort and delete the draft?" >/dev/null
ui_keys y
pt_check "aborted" ui_wait "Aborted."
quit

# 3. A refused recipient: the question, then "send to the others".
fault_start rcpt smtp-rcpt-refuse
cfg_smtp "$tmp/crcpt" "$rcpt_PORT"
ui_start "$tmp/crcpt" 200 30
ui_wait "lab: INBOX [Msgs:" 20 >/dev/null
compose "bob@example.test, nobody@example.test" "partial $tok" >/dev/null
ui_keys y
pt_check "refused: the server's code and words" \
	ui_wait "Refused: nobody@example.test: refused (server: 550 5.1.1" 20
pt_check "refused: the choice" \
	ui_wait "(s)end to the others, (k)eep it in the outbox"
ui_keys s
pt_check "s: sent to the others" \
	ui_wait "Sent, except to: nobody@example.test: refused (server: 550" 20
pt_check "s: DATA went out once" test "$(grep -c '^DATA' "$rcpt_LOG" || true)" -eq 1
pt_check "s: the outbox is empty" sh -c "'$PETREL' -F '$tmp/crcpt' outbox list | grep -q 'the outbox is empty'"
quit

# 4. Postponed, recalled with R, sent: the Drafts copy goes.
ui_start "$ui_cfgfile"
ui_wait "lab: INBOX [Msgs:" 20 >/dev/null
compose "bob@example.test" "recalled $tok" >/dev/null
ui_keys p
pt_check "p: postponed to the Drafts folder" \
	ui_wait "Postponed to the Drafts folder" 20
in_drafts() { ui_imap subjects Drafts | grep -qF "recalled $tok"; }
pt_check "p: the message is in Drafts" ui_until 10 in_drafts
ui_keys R
pt_check "R: the list shows it" ui_wait "recalled $tok" 20
printf '' >"$tmp/to"
printf '' >"$tmp/subject"
ui_keys Enter
pt_check "Enter: compose again" ui_wait "Send to bob@example.test?" 20
ui_keys y
pt_check "y: sent" ui_wait "Message sent." 30
not_in_drafts() { ! in_drafts; }
pt_check "the Drafts copy is gone" ui_until 20 not_in_drafts
pt_check "no recalled draft, origin or files left behind" \
	sh -c "! ls '$ui_home/.local/share/petrel/lab/drafts' | grep -q recalled"
quit

# 4b. A recalled draft with an attachment, aborted: its files and its
# DRAFT.origin go; the server copy stays in Drafts.
ui_start "$ui_cfgfile" 220 30
ui_wait "lab: INBOX [Msgs:" 20 >/dev/null
printf 'attached %s\n' "$tok" >"$tmp/notes.txt"
printf '%s' "$tmp/notes.txt" >"$tmp/attach"
compose "bob@example.test" "aborted $tok" >/dev/null
printf '' >"$tmp/attach"
ui_keys p
pt_check "p: the draft with its attachment postponed" \
	ui_wait "Postponed to the Drafts folder" 20
ab_in_drafts() { ui_imap subjects Drafts | grep -qF "aborted $tok"; }
ui_until 10 ab_in_drafts
ui_keys R
ui_wait "aborted $tok" 20 >/dev/null
printf '' >"$tmp/to"
printf '' >"$tmp/subject"
ui_keys Enter
pt_check "Enter: the recalled draft in compose" \
	ui_wait "Send to bob@example.test?" 20
drafts=$ui_home/.local/share/petrel/lab/drafts
pt_check "recall: the draft, DRAFT.origin and DRAFT.files/ are there" \
	sh -c "ls '$drafts' | grep -q 'recalled.*\.origin\$' &&
	    ls '$drafts' | grep -q 'recalled.*\.files\$'"
ui_keys q
ui_wait "Abort and delete the draft?" >/dev/null
ui_keys y
pt_check "q y: aborted" ui_wait "Aborted."
pt_check "abort: no recalled draft, origin or files left behind" \
	sh -c "! ls -A '$drafts' | grep -q recalled"
pt_check "abort: the server copy stays in Drafts" ab_in_drafts
# A draft that cannot be read (a field petrel writes itself) is listed
# all the same, with the reason, to be mended in the editor.
printf 'To: bob@example.test\nDate: today\nSubject: dated\n\nx\n' \
	>"$drafts/dated.txt"
ui_keys R
pt_check "R: a draft that cannot be read is listed, with the reason" \
	ui_wait "dated.txt': a draft may not set the 'Date' field" 20
ui_keys q
rm -f "$drafts/dated.txt"
quit

# 5. Quitting while a message goes out: asked first; it stays queued.
fault_start silent smtp-silent-after-data
cfg_smtp "$tmp/csilent" "$silent_PORT" read_timeout=20
ui_start "$tmp/csilent"
ui_wait "lab: INBOX [Msgs:" 20 >/dev/null
compose "bob@example.test" "quitting $tok" >/dev/null
ui_keys y
ui_until 10 grep -q '^DATA' "$silent_LOG" >/dev/null
ui_keys q
pt_check "q while sending: asks first" \
	ui_wait "A message is being sent. Quit anyway?"
ui_keys y
pt_check "y: petrel quits" ui_exited 15
pt_check "the message stays in the outbox" sh -c "'$PETREL' -F '$tmp/csilent' outbox list | grep -q 'quitting $tok'"

pt_done
