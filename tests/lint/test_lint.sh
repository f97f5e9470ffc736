#!/usr/bin/env bash
# Lint: formatting, static analysis, layering, man pages, translations.
. "$top_srcdir/tests/harness/lib.sh"
cd "$top_srcdir" || exit 99

mapfile -t csrc < <(find src include tests -name '*.[ch]' | sort)

if command -v clang-format >/dev/null; then
	unformatted=$(for f in "${csrc[@]}"; do
		clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || echo "$f"
	done)
	[ -n "$unformatted" ] && echo "not clang-format clean: $unformatted"
	pt_check "clang-format clean" test -z "$unformatted"
fi

if command -v cppcheck >/dev/null; then
	out=$(cppcheck --enable=warning,style,performance,portability \
		--std=c11 --error-exitcode=1 --inline-suppr --quiet \
		--suppress=missingIncludeSystem -I include -I . src 2>&1)
	rc=$?
	[ $rc -ne 0 ] && echo "$out"
	pt_check "cppcheck clean" test $rc -eq 0
fi

out=$(tools/check-layers.sh . 2>&1)
rc=$?
[ $rc -ne 0 ] && echo "$out"
pt_check "modules include only lower layers" test $rc -eq 0

if command -v mandoc >/dev/null; then
	out=$(mandoc -Tlint -Wwarning man/*.[0-9] 2>&1)
	rc=$?
	[ -n "$out" ] && echo "$out"
	pt_check "man pages mandoc -Tlint clean" test $rc -eq 0 -a -z "$out"
fi

# Every source file that marks strings for translation is in POTFILES.in,
# and every file listed there exists.
missing=$(grep -lE '\b(N?_|ngettext_)\("' $(find src -name '*.c' | sort) |
	while read -r f; do grep -qxF "$f" po/POTFILES.in || echo "$f"; done)
[ -n "$missing" ] && echo "missing from po/POTFILES.in: $missing"
pt_check "po/POTFILES.in lists every translated file" test -z "$missing"
stale=$(grep -vE '^(#|$)' po/POTFILES.in | while read -r f; do
	[ -f "$f" ] || echo "$f"; done)
[ -n "$stale" ] && echo "listed in po/POTFILES.in but absent: $stale"
pt_check "po/POTFILES.in names only existing files" test -z "$stale"

# Shell scripts parse.
bad=$(for f in scripts/* .ci/run tools/*.sh tests/*/*.sh tests/harness/lib.sh; do
	[ -f "$f" ] && ! bash -n "$f" 2>/dev/null && echo "$f"; done)
pt_check "shell scripts parse" test -z "$bad"

pt_done
