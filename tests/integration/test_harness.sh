#!/usr/bin/env bash
# The shell tests' harness (tests/harness/lib.sh): a sanitizer report
# written by any program a test ran fails the test in pt_done, shown,
# even when every check passed; without one the test passes.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/harness/lib.sh"

tmp=$(pt_tmpdir)
# run_test BODY: a test of one passing check, with BODY run before
# pt_done; its output in $tmp/out, its exit status in $rc.
run_test() {
	bash -c ". '$top_srcdir/tests/harness/lib.sh'
		pt_check 'a passing check' true
		$1
		pt_done" >"$tmp/out" 2>&1
	rc=$?
	sed 's/^/    | /' "$tmp/out"
}

run_test ':'
pt_check "no report: the test passes" test "$rc" -eq 0

run_test 'case $ASAN_OPTIONS in *log_path=$pt_san_dir/*) ;; *) exit 3 ;; esac
	case $UBSAN_OPTIONS in *log_path=$pt_san_dir/*) ;; *) exit 3 ;; esac'
pt_check "ASAN_OPTIONS and UBSAN_OPTIONS point into the test's folder" \
	test "$rc" -eq 0

ASAN_OPTIONS=detect_leaks=1 run_test 'case $ASAN_OPTIONS in
	detect_leaks=1:*log_path=*) ;; *) exit 3 ;; esac'
pt_check "options the caller set are kept" test "$rc" -eq 0

run_test 'printf "==42==ERROR: AddressSanitizer: heap-use-after-free\n" \
	>"$pt_san_dir/asan.42"'
pt_check "a report: the test fails" test "$rc" -eq 1
pt_check "... and the report is shown" \
	grep -q "ERROR: AddressSanitizer: heap-use-after-free" "$tmp/out"
pt_check "... as a failed check" grep -q "^FAIL no sanitizer report" "$tmp/out"

# A real program: cc with -fsanitize=address, when it can build one.
if command -v clang >/dev/null 2>&1 &&
	printf 'int main(void){int *p=__builtin_malloc(4);__builtin_free(p);return *p;}' |
	clang -x c -fsanitize=address -o "$tmp/uaf" - 2>/dev/null; then
	run_test "'$tmp/uaf'; echo the program exited \$?"
	pt_check "a real use after free under ASan fails the test" \
		test "$rc" -eq 1
	pt_check "... with ASan's report" \
		grep -q "AddressSanitizer: heap-use-after-free" "$tmp/out"
fi
pt_done
