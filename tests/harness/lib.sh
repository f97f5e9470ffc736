# Shared helpers for petrel's shell tests (sourced, bash).
#
#	. "$top_srcdir/tests/harness/lib.sh"
#	pt_check "petrel --version names the program" grep -q petrel out
#	pt_done			# prints "N passed, N failed", exits 0/1
#
# pt_skip REASON exits 77 (Automake's SKIP).  pt_tmpdir makes a private
# folder removed at exit.  pt_wait_for SECONDS CMD... polls CMD every
# 50 ms until it succeeds or the deadline passes (never a blind sleep).

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${PETREL:=$top_builddir/petrel}"
export LC_ALL=C.UTF-8 TZ=UTC
# Messages in English whatever the developer's LANGUAGE (test_i18n*.sh
# set it themselves).
unset LANGUAGE

pt_passed=0
pt_failed=0
pt_cleanups=()

# Sanitizer reports (ASan, LSan, UBSan) from any program a test runs go
# to files in a folder of the test's own instead of stderr, and pt_done
# fails the test when one exists, whatever the program printed before
# it died.  Options the caller set (scripts/test) are kept; leaks that
# are not petrel's are suppressed in tests/harness/lsan.supp.
pt_san_dir=$(mktemp -d /tmp/pt-san.XXXXXX)
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$pt_san_dir/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$pt_san_dir/ubsan"
pt_lsan=log_path=$pt_san_dir/lsan:print_suppressions=0
pt_lsan=$pt_lsan:suppressions=$top_srcdir/tests/harness/lsan.supp
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}$pt_lsan"

pt_at_exit() {
	pt_cleanups+=("$*")
}

pt__run_cleanups() {
	local i
	for ((i = ${#pt_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${pt_cleanups[i]}" || true
	done
}
trap pt__run_cleanups EXIT
pt_at_exit "rm -rf '$pt_san_dir'"

pt_skip() {
	echo "SKIP: $*"
	exit 77
}

pt_need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || pt_skip "$c is not installed"
	done
}

pt_tmpdir() {
	local d
	d=$(mktemp -d /tmp/pt.XXXXXX)
	pt_at_exit "rm -rf '$d'"
	echo "$d"
}

pt_pass() {
	pt_passed=$((pt_passed + 1))
	echo "ok $*"
}

pt_fail() {
	pt_failed=$((pt_failed + 1))
	echo "FAIL $*"
}

# pt_check DESCRIPTION CMD...: passes when CMD succeeds.
pt_check() {
	local what=$1
	shift
	if "$@"; then pt_pass "$what"; else pt_fail "$what"; fi
}

# pt_wait_for SECONDS CMD...: 0 when CMD succeeded before the deadline.
pt_wait_for() {
	local secs=$1 end
	shift
	end=$((SECONDS + secs))
	while ! "$@"; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.05
	done
	return 0
}

# pt_sanitizer_check: fails (and shows the reports) when a program the
# test ran wrote a sanitizer report; pt_done calls it.
pt_sanitizer_check() {
	local f found=0
	for f in "$pt_san_dir"/*; do
		[ -s "$f" ] || continue
		found=1
		echo "sanitizer report $f:"
		cat "$f"
	done
	if [ "$found" -eq 0 ]; then
		pt_pass "no sanitizer report"
	else
		pt_fail "no sanitizer report"
	fi
}

pt_done() {
	pt_sanitizer_check
	echo "$pt_passed passed, $pt_failed failed"
	if [ "$pt_failed" -eq 0 ]; then exit 0; fi
	exit 1
}
