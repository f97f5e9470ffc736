#!/usr/bin/env bash
# petrel under valgrind against the real local servers: no invalid
# reads or writes, no use of uninitialised memory, no definite leaks.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"

pt_need valgrind
[ -x "$PETREL" ] || pt_skip "petrel is not built"
if nm "$PETREL" 2>/dev/null | grep -q __asan_init; then
	pt_skip "this build uses AddressSanitizer; valgrind runs on the plain build"
fi

net_tmp=$(pt_tmpdir)
mailservers_start
printf '%s\n' "$PT_ALICE_PASS" >"$net_tmp/pw"
cfg=$net_tmp/config

# vg NAME ARGS...: runs petrel under valgrind; passes when valgrind found
# nothing (its own exit status 97 marks an error) and petrel exited 0.
vg() {
	local name=$1 rc
	shift
	valgrind -q --error-exitcode=97 --leak-check=full \
		--suppressions="$top_srcdir/tests/harness/valgrind.supp" \
		--errors-for-leak-kinds=definite,indirect \
		--show-leak-kinds=definite,indirect --track-fds=no \
		--log-file="$net_tmp/vg.$name.log" \
		"$PETREL" "$@" >"$net_tmp/out.$name" 2>&1 </dev/null
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "--- $name: exit $rc"
		tail -n 40 "$net_tmp/vg.$name.log" "$net_tmp/out.$name"
	fi
	pt_check "valgrind clean, exit 0: $name" test $rc -eq 0
}

doctor_cfg "$cfg" email="$PT_ALICE_USER" imap_host="$PT_HOST" \
	imap_port="$PT_IMAPS_PORT" smtp_host="$PT_HOST" \
	smtp_port="$PT_SUBMISSION_PORT" ca_file="$PT_CA_FILE" \
	connect_timeout=20 read_timeout=30
vg "doctor, IMAPS + submission STARTTLS" -F "$cfg" doctor

doctor_cfg "$cfg" email="$PT_ALICE_USER" imap_host="$PT_HOST" \
	imap_port="$PT_IMAP_PORT" imap_security=starttls smtp_host="$PT_HOST" \
	smtp_port="$PT_SUBMISSIONS_PORT" smtp_security=tls \
	ca_file="$PT_CA_FILE" connect_timeout=20 read_timeout=30
vg "doctor, IMAP STARTTLS + submissions TLS" -F "$cfg" doctor

vg "dump-config" -F "$cfg" --dump-config

for f in "$top_srcdir"/tests/data/render/*.eml; do
	[ -f "$f" ] || continue
	vg "render $(basename "$f")" --render "$f" --width 72
done

pt_done
