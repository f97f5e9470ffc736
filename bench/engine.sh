#!/bin/bash
# bench/engine.sh: how fast petrel opens a folder, against a private
# Dovecot on loopback (tests/servers/mailservers.sh), printed as one
# table.  Run by hand from the build folder after "make bench":
#
#	sudo bash ../bench/engine.sh [SIZES...]     (default 10000 50000 100000)
#
# For each size it fills a folder, then measures, each in a fresh process
# and the best of ROUNDS (3) runs:
#	lower    a bare client: LOGIN + SELECT + UID FETCH 1:* (UID FLAGS
#	         INTERNALDATE RFC822.SIZE ENVELOPE), raw bytes read
#	cold     petrel with an empty cache: first screen, index complete
#	warm     petrel with the cache filled, nothing changed on the
#	         server: index on screen, reconciled
#	warm+1%  the same after 1% of the messages changed flags and 1% were
#	         expunged on the server
#	RSS      peak resident memory of the cold and warm processes
#	B/msg    bytes per message of the index the UI holds (56-byte
#	         summaries and their strings)
set -eu

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
BE=${BENCH_ENGINE:-$(pwd)/bench/bench_engine}
MS=$top/tests/servers/mailservers.sh
ROUNDS=${ROUNDS:-3}
[ -x "$BE" ] || { echo "build it first: make bench (in the build folder)" >&2; exit 2; }
sizes=${*:-10000 50000 100000}

dir=$(mktemp -d /tmp/pt.XXXXXX)
trap 'bash "$MS" stop "$dir" >/dev/null 2>&1; rm -rf "$dir"' EXIT
bash "$MS" start "$dir" >/dev/null
# shellcheck disable=SC1091
. "$dir/env"
DA="doveadm -c $PT_DOVECOT_CONF"
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
EOF
chmod 600 "$dir/rc"

# val OUTPUT KEY
val() { printf '%s\n' "$1" | sed -n "s/^$2=//p"; }
# best A B: the smaller (empty counts as infinite)
best() { if [ -z "$1" ] || { [ -n "$2" ] && [ "$2" -lt "$1" ]; }; then echo "$2"; else echo "$1"; fi; }
sec() { awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }'; }
mb() { awk -v kb="$1" 'BEGIN { printf "%.1f", kb / 1024 }'; }

# touch_1pct FOLDER ROUND: flags on 1% of the messages, 1% expunged.
touch_1pct() {
	local uids n flag del
	uids=$($DA search -u "$PT_ALICE_USER" mailbox "$1" all | awk '{print $2}')
	n=$(printf '%s\n' "$uids" | wc -l)
	flag=$(printf '%s\n' "$uids" | awk -v r="$2" 'NR % 100 == r' | paste -sd, -)
	del=$(printf '%s\n' "$uids" | awk -v r="$2" 'NR % 100 == r + 50' | paste -sd, -)
	$DA flags add -u "$PT_ALICE_USER" '\Flagged' mailbox "$1" uid "$flag"
	$DA expunge -u "$PT_ALICE_USER" mailbox "$1" uid "$del"
	echo "$n"
}

rows=()
for n in $sizes; do
	folder=B$n
	echo "filling $folder with $n messages..." >&2
	bash "$MS" fill "$dir" -m "$folder" "$PT_ALICE_USER" "$n" >/dev/null
	# Let Dovecot see every message once (its own caches), as a
	# server that has been running a while would have.
	"$BE" lower "$PT_HOST" "$PT_IMAPS_PORT" "$PT_CA_FILE" "$PT_ALICE_USER" \
		"$PT_ALICE_PASS" "$folder" >/dev/null
	lower="" cold1="" coldc="" warm1="" warmd="" ch1="" chd="" rssc="" rssw=""
	bpm=""
	for r in $(seq "$ROUNDS"); do
		o=$("$BE" lower "$PT_HOST" "$PT_IMAPS_PORT" "$PT_CA_FILE" \
			"$PT_ALICE_USER" "$PT_ALICE_PASS" "$folder")
		lower=$(best "$lower" "$(val "$o" lower_ms)")
		rm -rf "$dir/cache"
		o=$("$BE" open "$dir/rc" "$dir/cache" "$folder")
		cold1=$(best "$cold1" "$(val "$o" first_ms)")
		coldc=$(best "$coldc" "$(val "$o" complete_ms)")
		rssc=$(best "$rssc" "$(val "$o" rss_kb)")
		o=$("$BE" open "$dir/rc" "$dir/cache" "$folder")
		o=$("$BE" open "$dir/rc" "$dir/cache" "$folder")
		warm1=$(best "$warm1" "$(val "$o" first_ms)")
		warmd=$(best "$warmd" "$(val "$o" done_ms)")
		rssw=$(best "$rssw" "$(val "$o" rss_kb)")
		msgs=$(val "$o" msgs)
		ib=$(val "$o" index_bytes)
		bpm=$((ib / msgs))
	done
	for r in $(seq "$ROUNDS"); do
		touch_1pct "$folder" "$r" >/dev/null
		o=$("$BE" open "$dir/rc" "$dir/cache" "$folder")
		ch1=$(best "$ch1" "$(val "$o" first_ms)")
		chd=$(best "$chd" "$(val "$o" done_ms)")
		chf=$(val "$o" flags) che=$(val "$o" expunged)
	done
	ratio=$(awk -v a="$coldc" -v b="$lower" 'BEGIN { printf "%.2f", a / b }')
	rows+=("$(printf '%7s %8s | %8s %8s %5sx | %8s %8s | %8s %8s (%s/%s) | %6s %6s | %5s' \
		"$n" "$(sec "$lower")" "$(sec "$cold1")" "$(sec "$coldc")" "$ratio" \
		"$(sec "$warm1")" "$(sec "$warmd")" "$(sec "$ch1")" "$(sec "$chd")" \
		"$chf" "$che" "$(mb "$rssc")" "$(mb "$rssw")" "$bpm")")
	$DA mailbox delete -u "$PT_ALICE_USER" "$folder" >/dev/null 2>&1 || true
done

echo
echo "petrel engine, loopback Dovecot over TLS 1.3, seconds, best of $ROUNDS"
printf '%7s %8s | %8s %8s %6s | %8s %8s | %8s %8s %-11s | %6s %6s | %5s\n' \
	messages lower "cold:1st" complete ratio "warm:scr" reconc \
	"+1%:scr" reconc "(flags/exp)" "RSS:cold" warm "B/msg"
for row in "${rows[@]}"; do
	echo "$row"
done
