#!/usr/bin/env bash
# A message with a 20 MB attachment in the real interface: the pager
# reads it from its structure, so the text shows without the
# attachment being fetched; v lists the attachment with its size; s
# saves it (fetched then, decoded on its way to the file) byte for byte;
# a save cancelled with ^G leaves no file; and the whole session made
# Dovecot send well under 1 MB.  A reply quotes the text with the
# server sending as little (compose reads it as the pager does); an
# inline forward fetches the attachment then, byte for byte.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3 sha256sum
[ -x "$PETREL" ] || pt_skip "petrel is not built"

ui_servers
out=$(pt_tmpdir)
python3 - "$out/big.eml" "$out/orig.bin" <<'EOF'
import base64, random, sys
random.seed(7)
data = bytes(random.getrandbits(8) for _ in range(1 << 16)) * 320  # 20 MiB
open(sys.argv[2], "wb").write(data)
b64 = base64.encodebytes(data).replace(b"\n", b"\r\n")
msg = (b"From: Ann <ann@example.test>\r\nTo: alice@example.test\r\n"
       b"Subject: Big attachment\r\nDate: Tue, 02 Jan 2024 11:00:00 +0000\r\n"
       b"Message-ID: <big@e2e.test>\r\nMIME-Version: 1.0\r\n"
       b"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
       b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
       b"The video of the launch is attached.\r\n"
       b"--b1\r\nContent-Type: video/mp4; name=\"launch.mp4\"\r\n"
       b"Content-Disposition: attachment; filename=\"launch.mp4\"\r\n"
       b"Content-Transfer-Encoding: base64\r\n\r\n" + b64 + b"--b1--\r\n")
open(sys.argv[1], "wb").write(msg)
EOF
bash "$top_srcdir/tests/servers/mailservers.sh" deliver "$ms_dir" alice \
	"$out/big.eml" >/dev/null || exit 99
: >"$PT_DOVECOT_LOG"

ui_start "$ui_cfgfile"
pt_check "INBOX opens" ui_wait "lab: INBOX [Msgs:29"
ui_keys /
ui_type "Big attachment"
ui_keys Enter
pt_check "found the message" ui_until 5 ui_cursor_on "Big attachment"
ui_keys Enter
pt_check "the text shows" ui_wait "The video of the launch is attached."
pt_check "the attachment line with its size" \
	ui_shows "[-- Attachment #1: launch.mp4 (video/mp4, 20.0 MiB) --]"
ui_keys h
pt_check "h shows every header (from the structure)" \
	ui_wait "Message-ID: <big@e2e.test>"
ui_keys h
pt_check "h again hides them" ui_gone "Message-ID: <big@e2e.test>"
ui_keys v
pt_check "v lists the attachment" ui_wait "launch.mp4"
listed() { ui_screen | grep -q "video/mp4 *20M *launch.mp4"; }
pt_check "with its size" listed || ui_screen | sed 's/^/    | /' 
ui_keys q q q
pt_check "q quits" ui_exited
sent() {
	grep -E 'imap\(.*(Logged out|Disconnected).* out=' "$PT_DOVECOT_LOG" |
		sed -n 's/.* out=\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s }'
}
pt_check "the session logged out" pt_wait_for 10 eval '[ -n "$(sent)" ]'
bytes=$(sent)
echo "    Dovecot sent ${bytes:-?} bytes for the whole session"
pt_check "reading it made the server send well under 1 MB" \
	eval '[ -n "$bytes" ] && [ "$bytes" -lt 1000000 ]'

# A reply reads the message as the pager does: the text quoted, the
# attachment never fetched (an empty cache, so the server says it).
cat >"$out/editor" <<EOF
#!/bin/sh
cp "\$1" "$out/given"
EOF
chmod +x "$out/editor"
UI_ENV="EDITOR='$out/editor'"
find_big() {
	ui_keys /
	ui_type "Big attachment"
	ui_keys Enter
	ui_until 5 ui_cursor_on "Big attachment"
}
rm -rf "$ui_home/cache" "$out/given"
: >"$PT_DOVECOT_LOG"
ui_start "$ui_cfgfile"
ui_wait "lab: INBOX [Msgs:29" >/dev/null
find_big
ui_keys r
pt_check "r: the compose screen after the editor" ui_wait "(p)ostpone" 30
pt_check "r: the draft quotes the text" \
	grep -q "^> The video of the launch is attached." "$out/given"
pt_check "r: and notes the attachment with its size" \
	grep -q "^> .*launch.mp4 (video/mp4, 20.0 MiB)" "$out/given"
ui_keys q
ui_wait "Abort and delete the draft?" >/dev/null
ui_keys y
ui_wait "Aborted." >/dev/null
ui_keys q
ui_wait "quit" 2 >/dev/null && ui_keys y
pt_check "q quits" ui_exited
pt_check "the session logged out" pt_wait_for 10 eval '[ -n "$(sent)" ]'
bytes=$(sent)
echo "    Dovecot sent ${bytes:-?} bytes for the reply session"
pt_check "replying made the server send well under 1 MB" \
	eval '[ -n "$bytes" ] && [ "$bytes" -lt 1000000 ]'

# An inline forward brings the attachment: fetched then, decoded into
# the draft's files, byte for byte.
cp "$ui_cfgfile" "$out/fwdcfg"
printf '[compose]\nforward = inline\n' >>"$out/fwdcfg"
rm -f "$out/given"
ui_start "$out/fwdcfg"
ui_wait "lab: INBOX [Msgs:29" >/dev/null
find_big
ui_keys f
pt_check "f: the compose screen after the editor" ui_wait "(p)ostpone" 60
pt_check "f: the draft has the forwarded text" \
	grep -q "^The video of the launch is attached." "$out/given"
att=$(sed -n 's/^Attach: //p' "$out/given" | head -n 1)
pt_check "f: the attachment is attached ($att)" \
	test "$(basename "$att")" = launch.mp4
pt_check "f: byte for byte" \
	[ "$(sha256sum <"$att")" = "$(sha256sum <"$out/orig.bin")" ]
ui_keys q
ui_wait "Abort and delete the draft?" >/dev/null
ui_keys y
pt_check "f: aborted, its files go" ui_until 10 test ! -e "$att"
ui_keys q
ui_wait "quit" 2 >/dev/null && ui_keys y
ui_exited >/dev/null
UI_ENV=

# Saving fetches the attachment now.
ui_start "$ui_cfgfile"
pt_check "INBOX opens again" ui_wait "lab: INBOX [Msgs:29"
ui_keys /
ui_type "Big attachment"
ui_keys Enter
ui_until 5 ui_cursor_on "Big attachment"
ui_keys Enter
pt_check "the text shows again (from the cache)" \
	ui_wait "The video of the launch is attached."
ui_keys v
pt_check "v lists it again" ui_wait "launch.mp4"
ui_keys j s
pt_check "s offers its name" ui_wait "Save to file: launch.mp4"
ui_keys C-u
ui_type "$out/saved.mp4"
ui_keys Enter
pt_check "it is saved" ui_wait "Saved to $out/saved.mp4 (20971520 bytes)." 30
pt_check "byte for byte" \
	[ "$(sha256sum <"$out/saved.mp4")" = "$(sha256sum <"$out/orig.bin")" ]
pt_check "no temporary file is left" \
	[ -z "$(find "$out" -name '.*petrel-*')" ]

ui_keys s C-u
ui_type "$out/cancelled.mp4"
ui_keys Enter C-g
pt_check "^G cancels the save (or it was done first)" \
	ui_until 30 eval 'ui_shows "Cancelled." || ui_shows "Saved to $out/cancelled.mp4"'
if ui_shows "Cancelled."; then
	pt_check "a cancelled save leaves no file" \
		[ ! -e "$out/cancelled.mp4" ]
	pt_check "nor a temporary one" \
		[ -z "$(find "$out" -name '.*petrel-*')" ]
fi
ui_keys q q
pt_check "back in the index" ui_wait "lab: INBOX [Msgs:29"
ui_keys q
pt_check "q quits" ui_exited
pt_check "nothing on stderr" test ! -s "$ui_home/stderr"
pt_done
