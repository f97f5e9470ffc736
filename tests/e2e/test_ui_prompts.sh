#!/usr/bin/env bash
# The questions the engine asks, against the real servers: the password
# (never echoed; a wrong one is refused and asked again) and the
# certificate dialog for a self-signed server (details shown; reject
# stays offline, accept once connects, accept always stores the pin so
# the next start connects without asking).
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3
[ -x "$PETREL" ] || pt_skip "petrel is not built"

ui_servers password=
ui_start "$ui_cfgfile"
pt_check "the password is asked" \
	ui_wait "Password for $PT_ALICE_USER on $PT_HOST:"
ui_type "wrong-password"
pt_check "it is not echoed" eval '! ui_shows "wrong-password"'
ui_keys Enter
# The first prompt may still be on screen: wait for the refusal, which
# only comes with the second one, before typing again.
pt_check "a wrong one is refused and asked again" \
	ui_wait "Login refused; password for $PT_ALICE_USER"
ui_type "$PT_ALICE_PASS"
ui_keys Enter
pt_check "the right one opens INBOX" ui_wait "lab: INBOX [Msgs:28"
pt_check "the password never reached the screen" eval '! ui_shows "$PT_ALICE_PASS"'
ui_keys q
ui_exited

# A self-signed certificate.
cfg=$(pt_tmpdir)/config
ui_cfg "$cfg" email="$PT_ALICE_USER" imap_host="$PT_SELFSIGNED_ADDR" \
	imap_port="$PT_IMAPS_PORT" smtp_host="$PT_HOST" \
	smtp_port="$PT_SUBMISSION_PORT" ca_file="$PT_CA_FILE" \
	password="$PT_ALICE_PASS"
ui_start "$cfg"
pt_check "the certificate dialog opens" ui_wait "cannot be verified." 20
pt_check "it names the server" ui_shows "The certificate of $PT_SELFSIGNED_ADDR"
pt_check "it shows the fingerprint" ui_shows "sha256:"
pt_check "and the choices" ui_shows "(r)eject, accept (o)nce, (a)ccept always?"
ui_keys r
pt_check "r rejects" ui_wait "was rejected"
pt_check "the account stays offline" ui_until 10 eval \
	'ui_status | grep -q "\[offline\]"'
ui_keys q
ui_exited

ui_start "$cfg"
pt_check "the dialog again" ui_wait "cannot be verified." 20
ui_keys o
pt_check "o accepts once: INBOX opens" ui_wait "lab: INBOX [Msgs:28" 20
ui_keys q
ui_exited
pt_check "accept once stores nothing" eval '! grep -q imap_tls_pin "$cfg"'

ui_start "$cfg"
pt_check "the dialog once more" ui_wait "cannot be verified." 20
ui_keys a
pt_check "a accepts always: INBOX opens" ui_wait "lab: INBOX [Msgs:28" 20
pt_check "the pin is in the configuration" \
	pt_wait_for 5 grep -q "^imap_tls_pin = sha256:" "$cfg"
ui_keys q
ui_exited
ui_start "$cfg"
pt_check "with the pin, no question" ui_wait "lab: INBOX [Msgs:28" 20
pt_check "and no dialog" eval '! ui_shows "cannot be verified."'
ui_keys q
pt_check "q quits" ui_exited
pt_check "nothing on stderr" test ! -s "$ui_home/stderr"
pt_done
