#!/usr/bin/env bash
# The command line: --version, --help, --dump-config, config errors.
. "$top_srcdir/tests/harness/lib.sh"

tmp=$(pt_tmpdir)
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config
mkdir -p "$HOME"

out=$("$PETREL" --version)
pt_check "--version prints the name and version" \
	grep -qE '^petrel [0-9]+\.[0-9]+\.[0-9]+$' <<<"$out"

out=$("$PETREL" --help)
rc=$?
pt_check "--help exits 0" test $rc -eq 0
pt_check "--help lists doctor and -F" grep -q doctor <<<"$out"
pt_check "--help mentions -F" grep -q -- "-F" <<<"$out"

"$PETREL" --no-such-option >/dev/null 2>"$tmp/err"
pt_check "an unknown option exits 2" test $? -eq 2

"$PETREL" >/dev/null 2>"$tmp/err"
rc=$?
pt_check "no configuration: exit 2" test $rc -eq 2
pt_check "no configuration: says where it looked" \
	grep -q "no configuration file at '$XDG_CONFIG_HOME/petrel/config'" "$tmp/err"

cat >"$tmp/good" <<'CFG'
# A comment.
[ui]
sort = date

[account lab]
name = Alice Example
email = alice@example.test
imap_host = 127.0.0.1
imap_port = 10993
imap_security = tls
smtp_host = 127.0.0.1
smtp_port = 10587
smtp_security = starttls
password = not-shown-anywhere
CFG
chmod 600 "$tmp/good"
out=$("$PETREL" -F "$tmp/good" --dump-config)
rc=$?
pt_check "--dump-config exits 0" test $rc -eq 0
pt_check "--dump-config shows the account" grep -q "alice@example.test" <<<"$out"
pt_check "--dump-config shows a set value" grep -qE '^sort = date' <<<"$out"
pt_check "--dump-config hides the password" grep -q "<hidden>" <<<"$out"
pt_check "--dump-config never prints the password" \
	bash -c '! grep -q not-shown-anywhere <<<"$1"' _ "$out"

# Every option the program knows is documented in petrelrc(5).
keys=$(sed -nE 's/^#? ?([a-z_]+) = .*/\1/p' <<<"$out" | sort -u)
undocumented=$(for k in $keys; do
	grep -qE "^\.It Cm $k( |$)" "$top_srcdir/man/petrelrc.5" || echo "$k"; done)
[ -n "$undocumented" ] && echo "not in petrelrc.5: $undocumented"
pt_check "every option is documented in petrelrc(5)" test -z "$undocumented"
pt_check "the dump lists options" test -n "$keys"

printf '[account lab]\nemail = a@b.test\nimap_hots = x\n' >"$tmp/typo"
"$PETREL" -F "$tmp/typo" --dump-config >/dev/null 2>"$tmp/err"
rc=$?
pt_check "a broken config exits 2" test $rc -eq 2
pt_check "a broken config names file and line" grep -q "$tmp/typo:3" "$tmp/err"
pt_check "a typo gets a did-you-mean hint" grep -q "imap_host" "$tmp/err"

cp "$tmp/good" "$tmp/open"
chmod 644 "$tmp/open"
"$PETREL" -F "$tmp/open" --dump-config >/dev/null 2>"$tmp/err"
rc=$?
pt_check "a password in a world-readable file is refused" test $rc -eq 2
pt_check "the refusal says how to fix it" grep -q "chmod 600" "$tmp/err"

"$PETREL" -F "$tmp/good" frobnicate >/dev/null 2>"$tmp/err"
pt_check "an unknown command exits 2" test $? -eq 2

pt_done
