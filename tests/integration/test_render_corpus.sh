#!/usr/bin/env bash
# petrel --render: the command line, every message of the shared corpus
# (real-world and hostile mail) and the copies in tests/data/render.
# Each rendering must exit 0 within a time limit and be valid UTF-8 with
# no control byte but newline (no ESC, no other C0, no C1, no DEL).  The
# messages in tests/data/render must render exactly as their .expected
# files say (NAME.expected at width 80, NAME.wN.expected at --width N).
# PT_CORPUS names the corpus (default ../shared/corpus next to the
# source tree); without it that part is skipped, not failed.
. "$top_srcdir/tests/harness/lib.sh"

[ -x "$PETREL" ] || pt_skip "$PETREL is not built"
pt_need iconv grep timeout

tmp=$(pt_tmpdir)
# --render needs no configuration: give it none, and no mailcap (the
# expected renderings are the built-in HTML converter's).
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config
export MAILCAPS=$tmp/no-mailcap
mkdir -p "$HOME"
data=$top_srcdir/tests/data/render
corpus=${PT_CORPUS:-$top_srcdir/../shared/corpus}
limit=${PT_RENDER_TIMEOUT:-5}

# render FILE [ARGS...]: renders into $tmp/out (stderr $tmp/err), sets rc.
render() {
	local f=$1
	shift
	timeout "$limit" "$PETREL" --render "$f" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# not_grep PATTERN FILE: PATTERN is not in FILE.
not_grep() {
	! grep -q "$@"
}

# clean: the output is valid UTF-8 and holds no byte a terminal acts on.
clean() {
	iconv -f UTF-8 -t UTF-8 "$tmp/out" >/dev/null 2>&1 || return 1
	! LC_ALL=C grep -qaP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' \
		"$tmp/out"
}

# The command line.
render "$data/handmade__utf16-bom.eml"
pt_check "--render works without a configuration file" test $rc -eq 0
pt_check "--render prints the headers" grep -q '^Subject: UTF-16 body' "$tmp/out"
"$PETREL" --render - <"$data/handmade__utf16-bom.eml" >"$tmp/stdin.out"
pt_check "--render - reads standard input" cmp -s "$tmp/out" "$tmp/stdin.out"
render "$tmp/no-such-file.eml"
pt_check "a missing file exits 1" test $rc -eq 1
pt_check "a missing file says so" grep -q "cannot read '.*no-such-file.eml'" "$tmp/err"
render "$data/handmade__utf16-bom.eml" --width 5
pt_check "--width 5 is refused (exit 2)" test $rc -eq 2
render "$data/handmade__utf16-bom.eml" --width 40x
pt_check "--width 40x is refused (exit 2)" test $rc -eq 2
printf 'Subject: big\n\n' >"$tmp/huge.eml"
truncate -s $((64 * 1024 * 1024 + 1)) "$tmp/huge.eml"
render "$tmp/huge.eml"
pt_check "a message over 64 MiB is shown raw (exit 0)" test $rc -eq 0
pt_check "... with a warning" grep -q "warning: message too large" "$tmp/err"
pt_check "... and a note" grep -q '^\[-- this message cannot be shown' "$tmp/out"
pt_check "... sanitized" clean
truncate -s $((256 * 1024 * 1024 + 1)) "$tmp/huge.eml"
render "$tmp/huge.eml"
pt_check "a file over 256 MiB is not read (exit 1)" test $rc -eq 1
rm -f "$tmp/huge.eml"

# HTML through a mailcap entry (ui.html_mailcap).
mc=$tmp/mailcap.d
mkdir -p "$mc"
printf 'Subject: html\nContent-Type: text/html\n\n<p>Hello &amp; world</p>\n' \
	>"$mc/msg.eml"
{
	echo '#!/bin/sh'
	echo '# Upper case, a record of the file it got, and control bytes.'
	echo 'stat -c %a "$1" >"${0%/*}/mode"'
	echo 'printf "%s\n" "$1" >"${0%/*}/path"'
	echo 'tr a-z A-Z <"$1"'
	echo "printf 'ESC\\033]52;c;aGk=\\007BEL\\033[2Jdone\\n'"
} >"$mc/upper"
printf '#!/bin/sh\nexit 3\n' >"$mc/fail"
printf '#!/bin/sh\nsleep 60\n' >"$mc/slow"
chmod +x "$mc/upper" "$mc/fail" "$mc/slow"
printf 'image/*; false; copiousoutput\ntext/html; false\n' >"$mc/mailcap"
printf 'text/html; %s %%s; copiousoutput\n' "$mc/upper" >>"$mc/mailcap"
MAILCAPS=$mc/mailcap render "$mc/msg.eml"
pt_check "--render shows HTML through its mailcap entry" \
	grep -q '^<P>HELLO &AMP; WORLD</P>' "$tmp/out"
pt_check "... the first one with copiousoutput" test $rc -eq 0
pt_check "... its control bytes sanitized" clean
pt_check "... and still shown" grep -q 'ESC.*52;c;aGk=.*BEL.*done' "$tmp/out"
pt_check "... the HTML was in a file of mode 0600" grep -qx 600 "$mc/mode"
pt_check "... removed afterwards" test ! -e "$(cat "$mc/path")"
# A temporary folder whose name the shell would act on.
odd=$tmp/'a dir;$(touch pwned)'"'"
mkdir -p "$odd"
(cd "$mc" && MAILCAPS=$mc/mailcap TMPDIR=$odd render "$mc/msg.eml")
pt_check "the file name is never parsed by the shell" \
	grep -q '^<P>HELLO' "$tmp/out"
pt_check "... (nothing ran)" test ! -e "$mc/pwned"
printf '[ui]\nhtml_mailcap = no\n' >"$mc/config"
MAILCAPS=$mc/mailcap render "$mc/msg.eml" -F "$mc/config"
pt_check "html_mailcap = no: the built-in converter" \
	grep -qx 'Hello & world' "$tmp/out"
printf 'text/html; %s %%s; copiousoutput\n' "$mc/fail" >"$mc/mailcap"
MAILCAPS=$mc/mailcap render "$mc/msg.eml" --width 200
pt_check "a failing command: the built-in converter" \
	grep -qx 'Hello & world' "$tmp/out"
pt_check "... with a note" grep -q \
	"^\[-- the HTML viewer failed ('.*/fail %s' exited with status 3)" \
	"$tmp/out"
printf 'text/html; %s %%s; copiousoutput\n' "$mc/slow" >"$mc/mailcap"
start=$(date +%s)
MAILCAPS=$mc/mailcap limit=30 render "$mc/msg.eml" --width 200
pt_check "a slow command is stopped after 10 s" \
	test $rc -eq 0 -a $(($(date +%s) - start)) -lt 20
pt_check "... the built-in converter, with a note" \
	grep -q 'took more than 10 seconds): shown by the built-in' "$tmp/out"
if command -v w3m >/dev/null 2>&1; then
	printf 'text/html; w3m -dump -T text/html %%s; copiousoutput\n' \
		>"$mc/mailcap"
	MAILCAPS=$mc/mailcap render "$mc/msg.eml"
	pt_check "with w3m" grep -q '^Hello & world' "$tmp/out"
	pt_check "... and no note" not_grep 'HTML viewer' "$tmp/out"
else
	echo "SKIP: w3m is not installed: its check is skipped"
fi

# The expected renderings.
n=0
bad=
for exp in "$data"/*.expected; do
	name=$(basename "$exp" .expected)
	width=80
	case $name in
	*.w[0-9]*)
		width=${name##*.w}
		name=${name%.w*}
		;;
	esac
	render "$data/$name.eml" --width "$width"
	n=$((n + 1))
	if [ $rc -ne 0 ] || ! clean || ! diff -u "$exp" "$tmp/out"; then
		bad="$bad $name@$width"
	fi
done
[ -n "$bad" ] && echo "differ:$bad"
pt_check "$n renderings in tests/data/render are as expected" test -z "$bad"

# Every message of the corpus.
if [ ! -d "$corpus" ]; then
	echo "SKIP: no corpus at $corpus (set PT_CORPUS)"
	pt_done
fi
n=0
failed= dirty= slow= warned=
while IFS= read -r -d '' f; do
	n=$((n + 1))
	render "$f"
	case $rc in
	0) ;;
	124) slow="$slow $f" ;;
	*) failed="$failed $f(rc=$rc)" ;;
	esac
	clean || dirty="$dirty $f"
	# Sanitizer reports and crashes land on stderr.
	[ -s "$tmp/err" ] && warned="$warned $f"
done < <(find "$corpus" -name '*.eml' -print0 | sort -z)
[ -n "$failed" ] && echo "failed:$failed"
[ -n "$slow" ] && echo "over ${limit}s:$slow"
[ -n "$dirty" ] && echo "unsafe output:$dirty"
[ -n "$warned" ] && echo "wrote to stderr:$warned"
pt_check "$n corpus messages render with exit 0" test -z "$failed"
pt_check "each renders within ${limit}s" test -z "$slow"
pt_check "all output is valid UTF-8 without control bytes" test -z "$dirty"
pt_check "nothing on stderr (no sanitizer report)" test -z "$warned"

pt_done
