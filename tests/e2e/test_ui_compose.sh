#!/usr/bin/env bash
# Writing mail in the interface against the real servers, with a scripted
# $EDITOR: m writes a new message, the review prompt sends it, and it
# arrives in bob's INBOX and alice's Sent; r prepares a reply (quoted
# text, attribution, Re: subject, In-Reply-To and References) that is
# postponed (to the Drafts folder), recalled with R and aborted; a bad
# address is caught before sending.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3
[ -x "$PETREL" ] || pt_skip "petrel is not built"

ui_servers
tmp=$(pt_tmpdir)
tok=$$-$RANDOM
# The editor: saves what it was given, then edits as $tmp/mode says.
cat >"$tmp/editor" <<EOF
#!/bin/sh
cp "\$1" "$tmp/given"
case \$(cat "$tmp/mode") in
new)
	sed -i 's/^To: *\$/To: Bob Ünlü <bob@example.test>/; s/^Subject: *\$/Subject: composed é $tok/' "\$1"
	printf 'Written in the editor.\n' >>"\$1" ;;
bad)
	sed -i 's/^To: .*\$/To: bob/' "\$1" ;;
esac
EOF
chmod +x "$tmp/editor"
UI_ENV="EDITOR='$tmp/editor'"
ui_start "$ui_cfgfile"
pt_check "INBOX opens" ui_wait "lab: INBOX [Msgs:28"

# A new message, sent.
echo new >"$tmp/mode"
ui_keys m
pt_check "m: the editor got an empty draft" \
	ui_until 10 grep -qs '^Subject: $' "$tmp/given"
pt_check "m: the review prompt names the recipient" \
	ui_wait "Send to bob@example.test? (y)es, (e)dit, (p)ostpone, (q)uit"
ui_keys y
pt_check "y: sent, and the status line says so" ui_wait "Message sent." 30
arrived() {
	python3 - "$@" <<'PY'
import imaplib, os, ssl, sys
from email.header import decode_header, make_header
user, pw, box, want = sys.argv[1:5]
ctx = ssl.create_default_context(cafile=os.environ["PT_CA_FILE"])
m = imaplib.IMAP4_SSL(os.environ["PT_HOST"], int(os.environ["PT_IMAPS_PORT"]),
                      ssl_context=ctx)
m.login(user, pw)
m.select(box, readonly=True)
typ, data = m.search(None, "ALL")
for num in data[0].split():
    typ, d = m.fetch(num, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    subj = str(make_header(decode_header(
        d[0][1].decode().partition(":")[2].strip())))
    if subj == want:
        sys.exit(0)
sys.exit(1)
PY
}
pt_check "the message arrives in bob's INBOX, subject decoded" \
	ui_until 30 arrived "$PT_BOB_USER" "$PT_BOB_PASS" INBOX "composed é $tok"
pt_check "a copy is in alice's Sent" \
	ui_until 30 arrived "$PT_ALICE_USER" "$PT_ALICE_PASS" Sent "composed é $tok"
drafts=$ui_home/.local/share/petrel/lab/drafts
pt_check "the draft is gone once sent" \
	ui_until 30 sh -c "! ls '$drafts'/*.txt >/dev/null 2>&1"

# A reply, postponed, recalled and aborted.
echo keep >"$tmp/mode"
ui_keys /
ui_type "Links and"
ui_keys Enter
pt_check "found the message" ui_until 5 ui_cursor_on "Links and quotes"
ui_keys r
pt_check "r: the review prompt" ui_wait "Send to ada@example.org?" 20
given() { grep -qF -- "$1" "$tmp/given"; }
pt_check "r: To is the author" given "To: Ada Lovelace <ada@example.org>"
pt_check "r: Re: subject" given "Subject: Re: Links and quotes"
pt_check "r: In-Reply-To" given "In-Reply-To: <links1@example.org>"
pt_check "r: References ends with the parent" \
	grep -qE '^References: .*<links1@example.org>$' "$tmp/given"
pt_check "r: an attribution line" grep -qE '^On .*, Ada Lovelace <ada@example.org> wrote:$' "$tmp/given"
pt_check "r: the text is quoted" given "> Have a look at https://example.org/petrel/docs today."
ui_keys p
pt_check "p: postponed to the Drafts folder" ui_wait "Postponed to the Drafts folder" 20
pt_check "p: the local draft is gone" sh -c "! ls '$drafts'/*.txt >/dev/null 2>&1"
ui_keys R
pt_check "R: lists it" ui_wait "Re: Links and quotes" 20
ui_keys Enter
pt_check "R: the draft comes back" ui_wait "Send to ada@example.org?" 20
ui_keys q
pt_check "q: asks first" ui_wait "Abort and delete the draft?"
ui_keys y
pt_check "y: aborted" ui_wait "Aborted."
pt_check "the draft is deleted" sh -c "! ls '$drafts'/*.txt >/dev/null 2>&1"

# A bad address is caught before sending.
echo bad >"$tmp/mode"
ui_keys m
pt_check "a bad address: cannot send, says why" \
	ui_wait "Cannot send: To: 'bob' is not a valid email address"
ui_keys q
ui_wait "Abort and delete the draft?" >/dev/null
ui_keys y
pt_check "and it can be aborted" ui_wait "Aborted."

ui_keys q
ui_wait "quit" 2 >/dev/null && ui_keys y
pt_done
