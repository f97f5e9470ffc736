#!/usr/bin/env bash
# make install DESTDIR=... installs everything (the program, both man
# pages, the translations, the provider list, shell completion) and
# make uninstall removes every file again.
. "$top_srcdir/tests/harness/lib.sh"

[ -f "$top_builddir/Makefile" ] || pt_skip "no configured build in $top_builddir"
tmp=$(pt_tmpdir)
root=$tmp/root

# The parent make's flags (TESTS=..., -j) must not leak into these runs.
run_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -s -C "$top_builddir" "$@" DESTDIR="$root" >>"$tmp/make.log" 2>&1
}

run_make install
rc=$?
[ $rc -ne 0 ] && tail -n 20 "$tmp/make.log"
pt_check "make install DESTDIR=... works" test $rc -eq 0

prefix=$(sed -n 's/^prefix = //p' "$top_builddir/Makefile")
datadir=${prefix}/share
has() {
	[ -f "$root$1" ] || { echo "  missing: $1"; return 1; }
}
pt_check "the program is installed" has "$prefix/bin/petrel"
pt_check "petrel(1) is installed" has "$datadir/man/man1/petrel.1"
pt_check "petrelrc(5) is installed" has "$datadir/man/man5/petrelrc.5"
pt_check "the provider list is installed" has "$datadir/petrel/providers.conf"
pt_check "the bash completion is installed" \
	has "$datadir/bash-completion/completions/petrel"
pt_check "the zsh completion is installed" \
	has "$datadir/zsh/site-functions/_petrel"
langs=$(sed 's/#.*//' "$top_srcdir/po/LINGUAS" | tr -s ' \t' '\n' | grep .)
missing=
for l in $langs; do
	has "$datadir/locale/$l/LC_MESSAGES/petrel.mo" || missing="$missing $l"
done
pt_check "every language in po/LINGUAS is installed" test -z "$missing"
out=$("$root$prefix/bin/petrel" --version 2>&1)
pt_check "the installed program runs" grep -q '^petrel ' <<<"$out"

run_make uninstall
rc=$?
pt_check "make uninstall works" test $rc -eq 0
left=$(find "$root" -type f -o -type l)
[ -n "$left" ] && echo "left behind: $left"
pt_check "make uninstall removes every file" test -z "$left"

pt_done
