#!/bin/bash
# bench_send.sh [BUILD] [MB] [ROUNDS]: sending one message with a MB
# (default 10) MB attachment through the local Postfix (STARTTLS on the
# submission port, AUTH, into Dovecot), petrel batch mode against swaks
# with the same file in the same run, alternating, ROUNDS (default 3)
# each.  Prints each run's wall time and peak memory (maximum resident
# set size from /usr/bin/time -v), then the medians and the ratios the
# issue sets as targets (time within 1.2x of swaks, memory under 3x the
# attachment).  petrel's time includes what swaks does not do: writing
# the outbox (fsync) and appending the copy to Sent over IMAPS.
# Needs root (a private Postfix), dovecot, postfix, swaks with TLS.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
mb=${2:-10}
rounds=${3:-3}
petrel=$build/petrel
[ -x "$petrel" ] || { echo "no petrel in $build (give the build folder)" >&2; exit 2; }
command -v swaks >/dev/null || { echo "swaks is not installed" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is not installed" >&2; exit 2; }
PATH=$PATH:/usr/sbin:/sbin

tmp=$(mktemp -d /tmp/pt.XXXXXX)
chmod 755 "$tmp"
ms=$tmp/ms
trap 'bash "$top/tests/servers/mailservers.sh" stop "$ms" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
mkdir -p "$ms"
bash "$top/tests/servers/mailservers.sh" start "$ms" >"$tmp/start.log" 2>&1 ||
	{ cat "$tmp/start.log"; exit 1; }
# shellcheck disable=SC1091
. "$ms/env"
export HOME=$tmp/home XDG_DATA_HOME=$tmp/data
mkdir -p "$HOME"
printf '%s\n' "$PT_ALICE_PASS" >"$tmp/pw"
cat >"$tmp/config" <<EOF
[account bench]
email = $PT_ALICE_USER
imap_host = $PT_HOST
imap_port = $PT_IMAPS_PORT
imap_security = tls
smtp_host = $PT_HOST
smtp_port = $PT_SUBMISSION_PORT
smtp_security = starttls
password_command = cat $tmp/pw
ca_file = $PT_CA_FILE
read_timeout = 120
EOF
chmod 600 "$tmp/config"
head -c $((mb * 1024 * 1024)) /dev/urandom >"$tmp/attachment.bin"
echo "text" >"$tmp/body"

# run NAME CMD...: prints "seconds maxrss_kB" of one run.
run() {
	local name=$1
	shift
	if ! /usr/bin/time -v -o "$tmp/time.$name" "$@" >"$tmp/out.$name" 2>&1; then
		echo "$name failed:" >&2
		tail -5 "$tmp/out.$name" >&2
		return 1
	fi
	awk -F': ' '/Elapsed \(wall clock\)/ {
		n = split($2, t, ":"); s = 0
		for (i = 1; i <= n; i++) s = s * 60 + t[i]
		secs = s }
		/Maximum resident set size/ { rss = $2 }
		END { printf "%.2f %d\n", secs, rss }' "$tmp/time.$name"
}

printf '%-7s %5s %8s %9s\n' tool round seconds "peak MB"
: >"$tmp/petrel.res"
: >"$tmp/swaks.res"
for r in $(seq 1 "$rounds"); do
	res=$(run petrel "$petrel" -F "$tmp/config" -s "bench petrel $r" \
		-a "$tmp/attachment.bin" -- "$PT_BOB_USER" <"$tmp/body") || exit 1
	echo "$res" >>"$tmp/petrel.res"
	printf '%-7s %5d %8s %9.1f\n' petrel "$r" "${res% *}" "$(echo "${res#* } / 1024" | bc -l)"
	res=$(run swaks swaks --server "$PT_HOST" --port "$PT_SUBMISSION_PORT" \
		--tls --tls-verify --tls-ca-path "$PT_CA_FILE" \
		--auth PLAIN --auth-user "$PT_ALICE_USER" \
		--auth-password "$PT_ALICE_PASS" --from "$PT_ALICE_USER" \
		--to "$PT_BOB_USER" --header "Subject: bench swaks $r" \
		--attach "@$tmp/attachment.bin" --timeout 120 --silent 2) || exit 1
	echo "$res" >>"$tmp/swaks.res"
	printf '%-7s %5d %8s %9.1f\n' swaks "$r" "${res% *}" "$(echo "${res#* } / 1024" | bc -l)"
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
pt=$(cut -d' ' -f1 "$tmp/petrel.res" | median)
st=$(cut -d' ' -f1 "$tmp/swaks.res" | median)
pm=$(cut -d' ' -f2 "$tmp/petrel.res" | median)
sm=$(cut -d' ' -f2 "$tmp/swaks.res" | median)
echo
printf 'median  petrel %.2f s, %.1f MB; swaks %.2f s, %.1f MB\n' "$pt" \
	"$(echo "$pm / 1024" | bc -l)" "$st" "$(echo "$sm / 1024" | bc -l)"
printf 'petrel/swaks time: %.2fx (target <= 1.2x)\n' "$(echo "$pt / $st" | bc -l)"
printf 'petrel peak memory / attachment: %.2fx (target < 3x)\n' \
	"$(echo "$pm / 1024 / $mb" | bc -l)"
