#!/bin/bash
# `petrel doctor` against the real local Dovecot and Postfix: all ✓ and
# exit 0 for a good account (both security types), and for each bad case
# the right ✗ line, its diagnosis and fix, skipped later steps, exit 1;
# never the password; exit 2 without a password or without the account.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"

[ -x "$PETREL" ] || pt_skip "petrel is not built"
net_tmp=$(pt_tmpdir)
mailservers_start
printf '%s\n' "$PT_ALICE_PASS" >"$net_tmp/pw"
cfg=$net_tmp/config
good=(email="$PT_ALICE_USER" imap_host="$PT_HOST" imap_port="$PT_IMAPS_PORT"
	smtp_host="$PT_HOST" smtp_port="$PT_SUBMISSION_PORT"
	ca_file="$PT_CA_FILE")

no_password() {
	! printf '%s' "$out" | grep -qF "$PT_ALICE_PASS"
}
has() {
	printf '%s\n' "$out" | grep -q -- "$1"
}
count() {
	printf '%s\n' "$out" | grep -c -- "$1"
}

doctor_cfg "$cfg" "${good[@]}"
doctor "$cfg"
pt_check "good account: exit 0" test "$doc_rc" -eq 0
pt_check "good account: all checks passed" has "^All checks passed.$"
pt_check "good account: no ✗" test "$(count "✗")" -eq 0
pt_check "good account: 13 ✓ lines" test "$(count "^  ✓ ")" -eq 13
for l in "✓ resolve $PT_HOST" "✓ TCP connect to port $PT_IMAPS_PORT" \
	"✓ TLS handshake and certificate: TLS1" "✓ IMAP capabilities: IMAP4rev1" \
	"✓ IMAP login as $PT_ALICE_USER" "✓ open INBOX: [0-9]* message" \
	"✓ EHLO: .*STARTTLS" "✓ STARTTLS: offered and accepted" \
	"✓ EHLO again over TLS: .*AUTH=PLAIN" "✓ SMTP AUTH as $PT_ALICE_USER: PLAIN"; do
	pt_check "good account: line '$l'" has "  $l"
done
pt_check "good account: the password is never printed" no_password

doctor_cfg "$cfg" "${good[@]}" imap_port="$PT_IMAP_PORT" imap_security=starttls \
	smtp_port="$PT_SUBMISSIONS_PORT" smtp_security=tls
doctor "$cfg"
pt_check "IMAP starttls + SMTP tls: exit 0" test "$doc_rc" -eq 0
pt_check "IMAP starttls + SMTP tls: STARTTLS line" has "  ✓ STARTTLS: offered and accepted"
pt_check "IMAP starttls + SMTP tls: 12 ✓ lines" test "$(count "^  ✓ ")" -eq 12

printf 'not-the-password\n' >"$net_tmp/pw"
doctor_cfg "$cfg" "${good[@]}"
doctor "$cfg"
pt_check "wrong password: exit 1" test "$doc_rc" -eq 1
pt_check "wrong password: ✗ IMAP login" has "  ✗ IMAP login as $PT_ALICE_USER$"
pt_check "wrong password: the diagnosis" has "rejected the user name or password"
pt_check "wrong password: the fix" has "fix: check username (now '$PT_ALICE_USER'"
pt_check "wrong password: INBOX skipped" has "  - open INBOX: skipped"
pt_check "wrong password: ✗ SMTP AUTH" has "  ✗ SMTP AUTH as $PT_ALICE_USER"
pt_check "wrong password: 2 checks failed" has "^2 checks failed.$"
pt_check "wrong password: it is not printed" \
	bash -c "! printf '%s' \"\$1\" | grep -q not-the-password" _ "$out"
printf '%s\n' "$PT_ALICE_PASS" >"$net_tmp/pw"

doctor_cfg "$cfg" "${good[@]}" imap_host="$PT_WRONGHOST_ADDR"
doctor "$cfg"
pt_check "wrong host name: exit 1" test "$doc_rc" -eq 1
pt_check "wrong host name: ✗ TLS" has "  ✗ TLS handshake and certificate$"
pt_check "wrong host name: reason" has "issued for another host name"
pt_check "wrong host name: subject shown" has "subject: *CN=wrong.petrel.test"
pt_check "wrong host name: fingerprint shown" has "SHA-256: *[0-9a-f]\{64\}$"
pt_check "wrong host name: fix names imap_host" has "fix: check imap_host"
pt_check "wrong host name: later steps skipped" has "  - IMAP login as .*: skipped"
pt_check "wrong host name: SMTP still checked" has "  ✓ SMTP AUTH as"

doctor_cfg "$cfg" "${good[@]}" imap_host="$PT_EXPIRED_ADDR"
doctor "$cfg"
pt_check "expired: ✗ TLS with the date" has "rejected: it expired on 2002-01-01"
pt_check "expired: exit 1" test "$doc_rc" -eq 1

doctor_cfg "$cfg" "${good[@]}" imap_host="$PT_SELFSIGNED_ADDR"
doctor "$cfg"
pt_check "self-signed: ✗ TLS, reason" has "rejected: it is self-signed"
pin=$(printf '%s\n' "$out" | sed -n 's/.*imap_tls_pin = \(sha256:[0-9a-f]*\).*/\1/p')
pt_check "self-signed: the pin to add is suggested" test -n "$pin"

doctor_cfg "$cfg" "${good[@]}" imap_host="$PT_SELFSIGNED_ADDR" imap_tls_pin="$pin"
doctor "$cfg"
pt_check "self-signed with its pin: exit 0" test "$doc_rc" -eq 0
pt_check "self-signed with its pin: trusted by the pin" has "✓ TLS handshake and certificate: .*(trusted by your pin)"

doctor_cfg "$cfg" "${good[@]}" imap_tls_pin="$pin"
doctor "$cfg"
pt_check "a changed certificate under a pin: exit 1" test "$doc_rc" -eq 1
pt_check "a changed certificate under a pin: loud" has "CHANGED since you trusted it"

doctor_cfg "$cfg" "${good[@]}" ca_file=
doctor "$cfg"
pt_check "unknown CA: ✗ with the reason" has "unknown issuer"
pt_check "unknown CA: fix mentions ca_file" has "fix: .*ca_file"
pt_check "unknown CA: SMTP refused too" test "$(count "  ✗ TLS handshake and certificate")" -eq 2

doctor_cfg "$cfg" "${good[@]}" imap_port="$PT_IMAP_PORT" imap_security=tls
doctor "$cfg"
pt_check "tls on the STARTTLS port: diagnosis" has "expects STARTTLS, not SSL/TLS"
pt_check "tls on the STARTTLS port: fix" has "fix: set imap_security = starttls"

doctor_cfg "$cfg" "${good[@]}" imap_security=starttls connect_timeout=1
doctor "$cfg"
pt_check "starttls on the TLS port: ✗ STARTTLS" has "  ✗ STARTTLS$"
pt_check "starttls on the TLS port: diagnosis" has "expects SSL/TLS from the start"
pt_check "starttls on the TLS port: fix" has "fix: set imap_security = tls"

doctor_cfg "$cfg" "${good[@]}" password_command=
doctor "$cfg"
pt_check "no password and no terminal: exit 2" test "$doc_rc" -eq 2
pt_check "no password and no terminal: says what to do" has "set password_command"

doctor_cfg "$cfg" "${good[@]}"
out=$("$PETREL" -F "$cfg" doctor nosuch </dev/null 2>&1)
pt_check "unknown account: exit 2" test $? -eq 2
pt_check "unknown account: named" has "no account 'nosuch'"

pt_done
