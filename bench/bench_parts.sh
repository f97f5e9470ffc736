#!/bin/bash
# bench/bench_parts.sh: opening a message with a big attachment, fetched
# whole (what petrel did before) against read from its structure (what
# the pager does now for messages over 256 KiB), against a private
# Dovecot on loopback over TLS.  Run by hand from the build folder:
#
#	make tests/tools/petrel-engine-tool
#	sudo bash ../bench/bench_parts.sh [MB] [ROUNDS]   (default 30 5)
#
# Each round is a fresh process with no cache (-n) that connects, logs
# in and reads the message as the pager would, printing its text:
#	first text ms   from the start of the process to the rendered text
#	                (connect and login included)
#	server bytes    what Dovecot sent in that session (its "out=")
#	peak RSS        of the process (VmHWM, /usr/bin/time)
# and prints the median of each.
set -eu

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
ET=${PETREL_ENGINE_TOOL:-$(pwd)/tests/tools/petrel-engine-tool}
MS=$top/tests/servers/mailservers.sh
MB=${1:-30}
ROUNDS=${2:-5}
[ -x "$ET" ] || {
	echo "build it first: make tests/tools/petrel-engine-tool" >&2
	exit 2
}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time" >&2; exit 2; }

dir=$(mktemp -d /tmp/pt.XXXXXX)
trap 'bash "$MS" stop "$dir" >/dev/null 2>&1; rm -rf "$dir"' EXIT
bash "$MS" start "$dir" >/dev/null
# shellcheck disable=SC1091
. "$dir/env"
cat >"$dir/rc" <<EOF
[account bench]
email = $PT_ALICE_USER
imap_host = $PT_HOST
imap_port = $PT_IMAPS_PORT
imap_security = tls
smtp_host = $PT_HOST
smtp_port = $PT_SUBMISSION_PORT
smtp_security = starttls
password = $PT_ALICE_PASS
ca_file = $PT_CA_FILE
read_timeout = 60
EOF
chmod 600 "$dir/rc"

python3 - "$dir/big.eml" "$MB" <<'EOF'
import base64, os, sys
data = os.urandom(int(sys.argv[2]) * 1024 * 1024)
b64 = base64.encodebytes(data).replace(b"\n", b"\r\n")
msg = (b"From: Ann <ann@example.test>\r\nTo: alice@example.test\r\n"
       b"Subject: big\r\nDate: Mon, 1 Jan 2001 10:00:00 +0000\r\n"
       b"MIME-Version: 1.0\r\n"
       b"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
       b"--b1\r\nContent-Type: multipart/alternative; boundary=\"b2\"\r\n\r\n"
       b"--b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
       + b"The text of the message.\r\n" * 40 +
       b"--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
       b"<p>The text of the message.</p>\r\n--b2--\r\n"
       b"--b1\r\nContent-Type: video/mp4; name=\"big.mp4\"\r\n"
       b"Content-Disposition: attachment; filename=\"big.mp4\"\r\n"
       b"Content-Transfer-Encoding: base64\r\n\r\n" + b64 + b"--b1--\r\n")
open(sys.argv[1], "wb").write(msg)
EOF
bash "$MS" deliver "$dir" "$PT_ALICE_USER" "$dir/big.eml" >/dev/null
size=$(stat -c %s "$dir/big.eml")

# one CMD: prints "ms bytes rss_kb" for one fresh process.
one() {
	local out ms bytes rss
	: >"$PT_DOVECOT_LOG"
	out=$( { /usr/bin/time -f 'rss=%M' "$ET" -F "$dir/rc" -n "$1" INBOX 1; } 2>&1)
	ms=$(printf '%s\n' "$out" | sed -n 's/^READ via=[a-z]* rounds=[0-9]* t=\([0-9]*\)$/\1/p')
	rss=$(printf '%s\n' "$out" | sed -n 's/^rss=\([0-9]*\)$/\1/p')
	for _ in $(seq 50); do
		bytes=$(grep -E 'imap\(.*(Logged out|Disconnected).* out=' "$PT_DOVECOT_LOG" |
			sed -n 's/.* out=\([0-9]*\).*/\1/p' | tail -n 1)
		[ -n "$bytes" ] && break
		sleep 0.1
	done
	printf '%s\n' "$out" | grep -q "^The text of the message.$" ||
		{ echo "no text from $1" >&2; exit 1; }
	echo "$ms $bytes $rss"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf 'message: %d bytes (%d MB attachment), %d rounds, medians\n' \
	"$size" "$MB" "$ROUNDS"
printf '%-10s %14s %14s %12s\n' mode "first text ms" "server bytes" "peak RSS KB"
for mode in read-whole read; do
	: >"$dir/r"
	for _ in $(seq "$ROUNDS"); do one "$mode" >>"$dir/r"; done
	printf '%-10s %14s %14s %12s\n' \
		"$([ "$mode" = read ] && echo structure || echo whole)" \
		"$(cut -d' ' -f1 "$dir/r" | median)" \
		"$(cut -d' ' -f2 "$dir/r" | median)" \
		"$(cut -d' ' -f3 "$dir/r" | median)"
done
