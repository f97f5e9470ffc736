#!/bin/bash
# Reading a big message from its structure against the real Dovecot: a
# message with a 20 MB attachment shows its text after fetching well
# under 1 MB (Dovecot's own count of the bytes it sent), renders exactly
# as the whole message does, opens again from the cache without the
# server, and its attachment saved decoded on the way to the file has
# the original's sha256.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"

ET=$top_builddir/tests/tools/petrel-engine-tool
MS=$top_srcdir/tests/servers/mailservers.sh
[ -x "$ET" ] || pt_skip "petrel-engine-tool is not built"
pt_need python3 sha256sum
mailservers_start
tmp=$(pt_tmpdir)
# The offline queue (data, not cache) of this test only.
export XDG_DATA_HOME=$tmp/data

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
connect_timeout = 5
read_timeout = 30
EOF
chmod 600 "$tmp/rc"

# et ARGS...: the tool with the cache in $tmp/cache; output in $out.
et() {
	out=$("$ET" -F "$tmp/rc" -C "$tmp/cache" -b 300 "$@" 2>&1)
	et_rc=$?
	printf '%s\n' "$out" | grep -v ' progress ' | cut -c1-200 | head -n 60 |
		sed 's/^/    | /'
}
has() { printf '%s\n' "$out" | grep -q -- "$1"; }
hasnt() { ! has "$1"; }
text() { printf '%s\n' "$out" | sed -n '/^TEXT-BEGIN$/,/^TEXT-END$/p'; }
# The bytes Dovecot sent in the last session that logged out.
sent() {
	grep -E 'imap\(.*(Logged out|Disconnected).* out=' "$PT_DOVECOT_LOG" |
		tail -n 1 | sed -n 's/.* out=\([0-9]*\).*/\1/p'
}

mkdir "$tmp/gen"
python3 - "$tmp/gen/big.eml" "$tmp/orig.bin" <<'EOF'
import base64, random, sys
random.seed(6)
data = bytes(random.getrandbits(8) for _ in range(1 << 16)) * 320  # 20 MiB
open(sys.argv[2], "wb").write(data)
b64 = base64.encodebytes(data).replace(b"\n", b"\r\n")
# A second attachment as Thunderbird writes base64: 72-column lines.
small = bytes(random.getrandbits(8) for _ in range(150001))
b72 = base64.b64encode(small)
b72 = b"\r\n".join(b72[i:i + 72] for i in range(0, len(b72), 72)) + b"\r\n"
inner = (b"From: Old <old@example.test>\r\nSubject: the old one\r\n"
         b"Content-Type: text/plain; charset=utf-8\r\n\r\nForwarded words.\r\n")
msg = (b"From: Ann <ann@example.test>\r\nTo: alice@example.test\r\n"
       b"Subject: the big report\r\nDate: Mon, 1 Jan 2001 10:00:00 +0000\r\n"
       b"Message-ID: <big@example.test>\r\nMIME-Version: 1.0\r\n"
       b"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
       b"--b1\r\nContent-Type: multipart/alternative; boundary=\"b2\"\r\n\r\n"
       b"--b2\r\nContent-Type: text/plain; charset=utf-8\r\n"
       b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
       b"Here is the report, caf=C3=A9 included.\r\n"
       b"--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
       b"<p>Here is the <b>report</b>.</p>\r\n--b2--\r\n"
       b"--b1\r\nContent-Type: application/octet-stream; name=\"report.bin\"\r\n"
       b"Content-Disposition: attachment; filename=\"report.bin\"\r\n"
       b"Content-Transfer-Encoding: base64\r\n\r\n" + b64 +
       b"--b1\r\nContent-Type: image/png\r\n"
       b"Content-Disposition: attachment; filename=\"chart.png\"\r\n"
       b"Content-Transfer-Encoding: base64\r\n\r\n" + b72 +
       b"--b1\r\nContent-Type: application/pgp-keys\r\n\r\n"
       + b"7bit key material line\r\n" * 90 +
       b"--b1\r\nContent-Type: application/octet-stream; name=tiny\r\n"
       b"Content-Transfer-Encoding: base64\r\n\r\nAAECAwQ=\r\n"
       b"--b1\r\nContent-Type: application/octet-stream; name=mid\r\n"
       b"Content-Transfer-Encoding: base64\r\n\r\n"
       + base64.encodebytes(small[:5001]).replace(b"\n", b"\r\n") +
       b"--b1\r\nContent-Type: message/rfc822\r\n\r\n" + inner +
       b"--b1--\r\n")
open(sys.argv[1], "wb").write(msg)
EOF
bash "$MS" deliver "$ms_dir" "$PT_ALICE_USER" "$tmp/gen/big.eml" >/dev/null ||
	pt_fail "deliver the big message"

echo "# the big message, read from its structure"
et read INBOX 1
pt_check "structure: exit 0" [ "$et_rc" = 0 ]
pt_check "structure: read from the structure" has "READ via=structure rounds=1"
pt_check "structure: the text part shows" has "^Here is the report, caf"
pt_check "structure: the attachment line with its size" \
	has "Attachment #1: report.bin (application/octet-stream, 20.0 MiB)"
pt_check "structure: the 72-column attachment's exact size" \
	has "Attachment #2: chart.png (image/png, 146.5 KiB)"
pt_check "structure: the forwarded message inline" has "^Forwarded words.$"
pt_check "structure: not the HTML alternative" hasnt "<p>"
text >"$tmp/structure.txt"
bytes=$(sent)
echo "    Dovecot sent ${bytes:-?} bytes"
pt_check "structure: the server sent well under 1 MB" \
	[ -n "$bytes" ] && [ "$bytes" -lt 1000000 ]

echo "# the same message fetched whole renders identically"
et -n fetch INBOX 1 "$tmp/whole.eml"
pt_check "whole: fetched" has "EV body job=1 folder=INBOX uid=1 part= "
"$top_builddir/petrel" --render "$tmp/whole.eml" --width 80 >"$tmp/whole.txt"
sed '1d;$d' "$tmp/structure.txt" >"$tmp/structure.body"
pt_check "whole: byte-identical rendering at width 80" \
	cmp "$tmp/whole.txt" "$tmp/structure.body"
diff -u "$tmp/whole.txt" "$tmp/structure.body" | head -n 20 | sed 's/^/    | /'

echo "# again: from the body cache, no round trip"
et open INBOX read INBOX 1
pt_check "cache: read from the structure" has "READ via=structure rounds=1"
pt_check "cache: the structure came from the cache" has "EV structure job=2 .*cache=1"
pt_check "cache: same text" [ "$(text)" = "$(cat "$tmp/structure.txt")" ]

echo "# offline: the cached structure still reads"
sed -i "s/^imap_port = .*/imap_port = 1/" "$tmp/rc"
et open INBOX read INBOX 1
pt_check "offline: read from the cached structure" has "READ via=structure rounds=1"
pt_check "offline: the text shows" has "^Here is the report, caf"
sed -i "s/^imap_port = .*/imap_port = $PT_IMAPS_PORT/" "$tmp/rc"

echo "# save the attachment: decoded on its way to disk"
et save INBOX 1 2 "$tmp/saved.bin" base64
pt_check "save: exit 0" [ "$et_rc" = 0 ]
pt_check "save: the body event names the file" has "part=2 len=20971520 cache=0 path=$tmp/saved.bin"
pt_check "save: sha256 equal to the original" \
	[ "$(sha256sum <"$tmp/saved.bin")" = "$(sha256sum <"$tmp/orig.bin")" ]
pt_check "save: the file is private" [ "$(stat -c %a "$tmp/saved.bin")" = 600 ]

echo "# a single-part message: its body is part 1"
python3 - "$tmp/gen/single.eml" "$tmp/single.bin" <<'EOF'
import base64, random, sys
random.seed(8)
data = bytes(random.getrandbits(8) for _ in range(600000))
open(sys.argv[2], "wb").write(data)
b64 = base64.encodebytes(data).replace(b"\n", b"\r\n")
open(sys.argv[1], "wb").write(
    b"From: Ann <ann@example.test>\r\nTo: alice@example.test\r\n"
    b"Subject: just a file\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: application/pdf; name=\"scan.pdf\"\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n" + b64)
EOF
bash "$MS" deliver "$ms_dir" "$PT_ALICE_USER" "$tmp/gen/single.eml" >/dev/null ||
	pt_fail "deliver the single-part message"
et -n read INBOX 2
pt_check "single: read from the structure" has "READ via=structure rounds=1"
pt_check "single: the file's line, nothing fetched" \
	has "Attachment #1: scan.pdf (application/pdf, 585.9 KiB)"
et -n save INBOX 2 1 "$tmp/single.out" base64
pt_check "single: saved byte for byte" cmp -s "$tmp/single.out" "$tmp/single.bin"

echo "# cancelling a save leaves no file"
et cancel-after 150 save INBOX 1 2 "$tmp/cancelled.bin" base64
pt_check "cancel: failed as cancelled (or done first)" \
	has "EV failed job=1 folder=INBOX class=cancelled\|EV done job=1"
if has "class=cancelled"; then
	pt_check "cancel: no partial file" [ ! -e "$tmp/cancelled.bin" ]
fi

# Hostile structures from a fault server: the whole message instead, or
# the structure's parts shown harmlessly; never a crash.
FAULT=$top_srcdir/tests/harness/imapfault.py
start_fault() {
	rm -f "$tmp/port"
	python3 "$FAULT" "$1" --port-file "$tmp/port" 2>"$tmp/fault.err" &
	fault_pid=$!
	pt_at_exit "kill $fault_pid 2>/dev/null; wait $fault_pid 2>/dev/null"
	pt_wait_for 10 test -s "$tmp/port" || {
		cat "$tmp/fault.err" >&2
		exit 99
	}
	cat >"$tmp/frc" <<EOF
[account fault]
email = f@example.test
imap_host = 127.0.0.1
imap_port = $(cat "$tmp/port")
imap_security = none
smtp_host = 127.0.0.1
smtp_port = 1
smtp_security = none
password = x
connect_timeout = 2
read_timeout = 2
EOF
	chmod 600 "$tmp/frc"
}
stop_fault() { kill "$fault_pid" 2>/dev/null; wait "$fault_pid" 2>/dev/null; }
fet() {
	out=$("$ET" -F "$tmp/frc" -n -b 100 "$@" 2>&1)
	et_rc=$?
	printf '%s\n' "$out" | cut -c1-200 | head -n 40 | sed 's/^/    | /'
}
no_escapes() { ! text | LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')"; }

echo "# a BODYSTRUCTURE that does not parse: the whole message"
start_fault bad-structure
fet read INBOX 1
pt_check "bad: the whole message is shown" has "READ via=whole"
pt_check "bad: its text" has "^The whole message.$"
stop_fault

echo "# multiparts 40 deep: the whole message"
start_fault deep-structure
fet read INBOX 1
pt_check "deep: exit 0" [ "$et_rc" = 0 ]
pt_check "deep: falls back to the whole message" has "READ via=whole"
pt_check "deep: its text" has "^The whole message.$"
stop_fault

echo "# absurd sizes, escapes and bidi controls: shown harmlessly"
start_fault hostile-structure
fet read INBOX 1
pt_check "hostile: exit 0" [ "$et_rc" = 0 ]
pt_check "hostile: read from the structure, the text part fetched" \
	has "READ via=structure rounds=2"
pt_check "hostile: the body's words" has "text .* body"
pt_check "hostile: no control character reaches the output" no_escapes
pt_check "hostile: no bidi override either" \
	eval '! text | grep -q "$(printf "\342\200\256")"'
pt_check "hostile: the attachment with the size the server claimed" \
	has "application/octet-stream, 3.0 GiB\|application/octet-stream, [0-9.]* MiB"
stop_fault

pt_done
