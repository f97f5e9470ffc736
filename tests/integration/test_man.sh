#!/usr/bin/env bash
# The man pages match the program, both ways:
#  - every setting `petrel --dump-config` knows is described in its
#    section of petrelrc(5), and every setting described there exists;
#  - every default key binding (tests/tools/keymap-dump) is listed in
#    the KEYS section of petrel(1) under its map and function, and every
#    key listed there is bound that way;
#  - every long option of `petrel --help` and `petrel setup --help`
#    appears in petrel(1).
. "$top_srcdir/tests/harness/lib.sh"

man1=$top_srcdir/man/petrel.1
man5=$top_srcdir/man/petrelrc.5
dump_keys=$top_builddir/tests/tools/keymap-dump
[ -x "$dump_keys" ] || pt_skip "tests/tools/keymap-dump is not built"

tmp=$(pt_tmpdir)
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config
mkdir -p "$HOME"

# --- settings -------------------------------------------------------

cat >"$tmp/rc" <<'CFG'
[account lab]
email = alice@example.test
imap_host = 127.0.0.1
smtp_host = 127.0.0.1
CFG
"$PETREL" -F "$tmp/rc" --dump-config >"$tmp/dump" 2>"$tmp/err"
pt_check "--dump-config works" test $? -eq 0

# "SECTION KEY" for every setting of the dump (accounts as "account").
awk '
	/^\[/ { sub(/^\[/, ""); sub(/[] ].*/, ""); sec = $0; next }
	/^#? ?[a-z][a-z0-9_]* = / {
		line = $0; sub(/^# ?/, "", line); sub(/ = .*/, "", line)
		print sec, line
	}' "$tmp/dump" | sort -u >"$tmp/code"
pt_check "the dump lists settings" test -s "$tmp/code"

# "SECTION KEY" for the top-level items of each settings section of
# petrelrc(5); the .Sh titles name the config sections.
awk '
	/^\.Sh / {
		t = substr($0, 5)
		sec = (t == "ACCOUNTS") ? "account" : (t == "GENERAL") ? "general" : \
		    (t == "INTERFACE") ? "ui" : (t == "KEY BINDINGS") ? "keys" : \
		    (t == "COLORS") ? "colors" : (t == "COMPOSING") ? "compose" : ""
		depth = 0; next
	}
	/^\.Bl/ { depth++; next }
	/^\.El/ { depth--; next }
	sec != "" && depth == 1 && /^\.It Cm [a-z]/ { print sec, $3 }
' "$man5" | sort -u >"$tmp/doc"

undocumented=$(comm -23 "$tmp/code" "$tmp/doc")
[ -n "$undocumented" ] && echo "not in its section of petrelrc(5):" \
	$(tr ' ' . <<<"$undocumented")
pt_check "every setting is described in its section of petrelrc(5)" \
	test -z "$undocumented"
stale=$(comm -13 "$tmp/code" "$tmp/doc")
[ -n "$stale" ] && echo "in petrelrc(5) but unknown to petrel:" $stale
pt_check "petrelrc(5) describes only settings petrel knows" test -z "$stale"
sections=$(cut -d' ' -f1 "$tmp/code" | sort -u | tr '\n' ' ')
nodoc=$(for s in $sections; do grep -q "^$s " "$tmp/doc" || echo "$s"; done)
[ -n "$nodoc" ] && echo "config sections without a section in petrelrc(5)" \
	"(add it to the list in this test):" $nodoc
pt_check "every config section has a section in petrelrc(5)" test -z "$nodoc"

# --- keys -----------------------------------------------------------

"$dump_keys" >"$tmp/keys.tsv"
pt_check "keymap-dump works" test $? -eq 0 -a -s "$tmp/keys.tsv"
awk -F'\t' '{ print $1 "\t" $2 "\t" $3 }' "$tmp/keys.tsv" | sort -u >"$tmp/kcode"

# "MAP<TAB>KEY<TAB>FUNCTION" from the KEYS section of petrel(1): each
# subsection is titled "... (map NAME)" and its items read
# ".It Ic KEY , Ic KEY Pq Cm FUNCTION".
awk '
	/^\.Sh / { keys = ($0 == ".Sh KEYS"); map = ""; next }
	!keys { next }
	/^\.Ss / {
		map = ""
		if (match($0, /\(map [a-z]+\)/))
			map = substr($0, RSTART + 5, RLENGTH - 6)
		next
	}
	map != "" && /^\.It Ic / {
		line = substr($0, 5)
		fn = ""
		if (match(line, / Pq Cm [a-z-]+$/)) {
			fn = substr(line, RSTART + 7)
			line = substr(line, 1, RSTART - 1)
		}
		n = split(line, parts, / , /)
		for (i = 1; i <= n; i++) {
			k = parts[i]
			sub(/^Ic /, "", k)
			gsub(/\\&/, "", k)
			gsub(/\\-/, "-", k)
			gsub(/\\e/, "\\", k)
			print map "\t" k "\t" fn
		}
	}
' "$man1" | sort -u >"$tmp/kdoc"

missing=$(comm -23 "$tmp/kcode" "$tmp/kdoc" | tr '\t' ' ')
[ -n "$missing" ] && printf 'not in KEYS of petrel(1): %s\n' "$missing"
pt_check "every key binding is in the KEYS section of petrel(1)" \
	test -z "$missing"
stale=$(comm -13 "$tmp/kcode" "$tmp/kdoc" | tr '\t' ' ')
[ -n "$stale" ] && printf 'in KEYS of petrel(1) but not bound so: %s\n' "$stale"
pt_check "petrel(1) lists only the real key bindings" test -z "$stale"

# --- options --------------------------------------------------------

opts=$( ("$PETREL" --help; "$PETREL" -F "$tmp/rc" setup --help) 2>&1 |
	grep -oE -- '--[a-z][a-z-]+' | sort -u)
pt_check "--help lists long options" test -n "$opts"
undocumented=$(for o in $opts; do
	grep -qE "Fl \\\\-${o#--}( |$)" "$man1" || echo "$o"; done)
[ -n "$undocumented" ] && echo "options not in petrel(1):" $undocumented
pt_check "every long option is in petrel(1)" test -z "$undocumented"

pt_done
