#!/bin/bash
# net/, imap/, smtp/ against the real local Dovecot and Postfix
# (tests/servers/mailservers.sh): the four secure ways in (IMAP and SMTP,
# implicit TLS and STARTTLS) log in; each bad certificate is refused with
# its own reason; a matching pin is accepted and another pin refused; the
# wrong security type for a port gets a specific diagnosis.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"

[ -x "$PT_TOOL" ] || pt_skip "petrel-test-tool is not built"
net_tmp=$(pt_tmpdir)
mailservers_start
export PW=$PT_ALICE_PASS
U=$PT_ALICE_USER
H=$PT_HOST
CA=(-c "$PT_CA_FILE")

net_tool imap -h "$H" -p "$PT_IMAPS_PORT" -s tls "${CA[@]}" -u "$U" -e PW
pt_check "IMAP, implicit TLS: login and INBOX" out_has "^OK exists="
pt_check "IMAP, implicit TLS: certificate fingerprint reported" out_has "cert=sha256:"
net_tool imap -h "$H" -p "$PT_IMAP_PORT" -s starttls "${CA[@]}" -u "$U" -e PW
pt_check "IMAP, STARTTLS: login and INBOX" out_has "^OK exists="
pt_check "IMAP, STARTTLS: capabilities read again over TLS" \
	bash -c "! printf '%s' \"\$1\" | grep -q ' STARTTLS'" _ "$out"
net_tool smtp -h "$H" -p "$PT_SUBMISSION_PORT" -s starttls "${CA[@]}" -u "$U" -e PW -m "$U"
pt_check "SMTP, STARTTLS: AUTH PLAIN accepted" out_has "^OK ehlo=example.test .*auth=PLAIN"
net_tool smtp -h "$H" -p "$PT_SUBMISSIONS_PORT" -s tls "${CA[@]}" -u "$U" -e PW -m "$U"
pt_check "SMTP, implicit TLS: AUTH PLAIN accepted" out_has "^OK .*auth=PLAIN"

# Bad certificates, each with its own reason.
net_tool imap -h "$PT_WRONGHOST_ADDR" -p "$PT_IMAPS_PORT" -s tls "${CA[@]}" -u "$U" -e PW
pt_check "wrong host name: refused" out_has "^ERROR tls cert .*issued for another host name"
net_tool imap -h "$PT_EXPIRED_ADDR" -p "$PT_IMAPS_PORT" -s tls "${CA[@]}" -u "$U" -e PW
pt_check "expired: refused" out_has "^ERROR tls cert .*it expired on 2"
net_tool imap -h "$PT_SELFSIGNED_ADDR" -p "$PT_IMAPS_PORT" -s tls "${CA[@]}" -u "$U" -e PW
pt_check "self-signed: refused" out_has "^ERROR tls cert .*self-signed"
selfpin=$(printf '%s\n' "$out" | sed -n 's/^CERT [^|]*|[^|]*|[^|]*|\(sha256:[0-9a-f]*\)|.*/\1/p')
net_tool imap -h "$H" -p "$PT_IMAPS_PORT" -s tls -u "$U" -e PW
pt_check "unknown CA (system trust only): refused" out_has "^ERROR tls cert .*unknown issuer"
net_tool smtp -h "$PT_WRONGHOST_ADDR" -p "$PT_SUBMISSION_PORT" -s starttls "${CA[@]}" -u "$U" -e PW
pt_check "SMTP STARTTLS, wrong host name: refused" out_has "^ERROR tls cert .*another host name"

# Pins.
pt_check "the self-signed certificate's fingerprint is known" test -n "$selfpin"
net_tool imap -h "$PT_SELFSIGNED_ADDR" -p "$PT_IMAPS_PORT" -s tls -P "$selfpin" -u "$U" -e PW
pt_check "self-signed with a matching pin: accepted" out_has "^OK .*pinned=1"
net_tool smtp -h "$PT_SELFSIGNED_ADDR" -p "$PT_SUBMISSION_PORT" -s starttls -P "$selfpin" -u "$U" -e PW
pt_check "SMTP STARTTLS, self-signed with a matching pin: accepted" out_has "^OK .*pinned=1"
net_tool imap -h "$H" -p "$PT_IMAPS_PORT" -s tls "${CA[@]}" -P "$selfpin" -u "$U" -e PW
pt_check "a valid certificate under another pin: refused loudly" \
	out_has "^ERROR tls pin-mismatch .*CHANGED since you trusted it"

# The wrong security type for the port.
net_tool imap -h "$H" -p "$PT_IMAP_PORT" -s tls "${CA[@]}" -u "$U" -e PW
pt_check "IMAP tls on the STARTTLS port: try starttls" out_has "^ERROR tls wants-starttls .*security = starttls"
net_tool smtp -h "$H" -p "$PT_SUBMISSION_PORT" -s tls "${CA[@]}" -u "$U" -e PW
pt_check "SMTP tls on the STARTTLS port: try starttls" out_has "^ERROR tls wants-starttls .*port 587"
net_tool imap -h "$H" -p "$PT_IMAPS_PORT" -s starttls -t 1000 "${CA[@]}" -u "$U" -e PW
pt_check "IMAP starttls on the TLS port: try tls" out_has "^ERROR net silent .*security = tls"
net_tool smtp -h "$H" -p "$PT_SUBMISSIONS_PORT" -s starttls -t 1000 "${CA[@]}" -u "$U" -e PW
pt_check "SMTP starttls on the TLS port: try tls" out_has "^ERROR net silent .*port 465"

# Wrong password: the plain-language message and the server's words.
PW=wrong-password net_tool imap -h "$H" -p "$PT_IMAPS_PORT" -s tls "${CA[@]}" -u "$U" -e PW
pt_check "IMAP wrong password: rejected with a hint" \
	out_has "^ERROR auth .*rejected the user name or password.*full email address"
PW=wrong-password net_tool smtp -h "$H" -p "$PT_SUBMISSION_PORT" -s starttls "${CA[@]}" -u "$U" -e PW
pt_check "SMTP wrong password: rejected with the server's words" \
	out_has "^ERROR auth .*rejected the user name or password.*535"

pt_done
