#!/bin/bash
# net/, imap/, smtp/ against the fault servers (tests/harness/faultsrv.py):
# no STARTTLS offered, bytes injected after STARTTLS, PREAUTH in plain
# text, the wrong security type either way, a refused port, a black hole
# (accepts, never speaks) within the timeout, and a cancel from another
# thread.  The fault servers record every byte they receive: the password
# must never be among them unless TLS was up.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"

pt_need python3 certtool
[ -x "$PT_TOOL" ] || pt_skip "petrel-test-tool is not built"
net_tmp=$(pt_tmpdir)
net_selfsigned_cert "$net_tmp" || pt_skip "certtool cannot make a certificate"
pin=$(net_cert_pin "$net_tmp/srv.crt")
export PW=fault-password-31337
U=alice@example.test

# elapsed_ms between $1 and $2.
elapsed_between() {
	local e
	e=$(out_field elapsed_ms)
	[ -n "$e" ] && [ "$e" -ge "$1" ] && [ "$e" -le "$2" ]
}

# Positive control: a correct STARTTLS on the fault server (pinned
# self-signed certificate) logs in, and the server did see the password
# (over TLS), so its absence below means something.
fault_start good imap-starttls --cert "$net_tmp/srv.crt" --key "$net_tmp/srv.key"
net_tool imap -h 127.0.0.1 -p "$good_PORT" -s starttls -P "$pin" -u "$U" -e PW
pt_check "imap STARTTLS with a pinned certificate logs in" out_has "^OK exists=3"
pt_check "the fault server records what it receives" grep -q "$PW" "$good_LOG"

fault_start goods smtp-starttls --cert "$net_tmp/srv.crt" --key "$net_tmp/srv.key"
net_tool smtp -h 127.0.0.1 -p "$goods_PORT" -s starttls -P "$pin" -u "$U" -e PW -m "$U"
pt_check "smtp STARTTLS with a pinned certificate authenticates" out_has "^OK .*auth=PLAIN"
pt_check "EHLO names the address's domain" grep -q "^EHLO example.test" "$goods_LOG"

# No STARTTLS offered: refused, nothing secret sent.
fault_start nost imap-nostarttls
net_tool imap -h 127.0.0.1 -p "$nost_PORT" -s starttls -u "$U" -e PW
pt_check "imap without STARTTLS is refused" out_has "^ERROR tls no-starttls .*does not offer STARTTLS"
pt_check "imap without STARTTLS: no password sent" \
	bash -c "! grep -q '$PW' '$nost_LOG' && ! grep -qi 'LOGIN' '$nost_LOG'"

fault_start nosts smtp-nostarttls
net_tool smtp -h 127.0.0.1 -p "$nosts_PORT" -s starttls -u "$U" -e PW -m "$U"
pt_check "smtp without STARTTLS is refused" out_has "^ERROR tls no-starttls .*does not offer STARTTLS"
pt_check "smtp without STARTTLS: no AUTH sent" \
	bash -c "! grep -q '$PW' '$nosts_LOG' && ! grep -qi '^AUTH' '$nosts_LOG'"

# Response injection after STARTTLS (CVE-2020-15953).
fault_start inj imap-inject --cert "$net_tmp/srv.crt" --key "$net_tmp/srv.key"
net_tool imap -h 127.0.0.1 -p "$inj_PORT" -s starttls -P "$pin" -u "$U" -e PW
pt_check "imap bytes injected after STARTTLS are refused" out_has "^ERROR tls starttls-injected .*unexpected data"
pt_check "imap injection: no password sent" bash -c "! grep -q '$PW' '$inj_LOG'"

fault_start injs smtp-inject --cert "$net_tmp/srv.crt" --key "$net_tmp/srv.key"
net_tool smtp -h 127.0.0.1 -p "$injs_PORT" -s starttls -P "$pin" -u "$U" -e PW -m "$U"
pt_check "smtp bytes injected after STARTTLS are refused" out_has "^ERROR tls starttls-injected .*unexpected data"
pt_check "smtp injection: no password sent" bash -c "! grep -q '$PW' '$injs_LOG'"

# PREAUTH before TLS.
fault_start pre imap-preauth
net_tool imap -h 127.0.0.1 -p "$pre_PORT" -s starttls -u "$U" -e PW
pt_check "PREAUTH in plain text is refused" out_has "^ERROR tls preauth .*PREAUTH"

# Wrong security type, both ways.
fault_start plain plain-imap
net_tool imap -h 127.0.0.1 -p "$plain_PORT" -s tls -u "$U" -e PW
pt_check "tls on a plain-text port says: try starttls" \
	out_has "^ERROR tls wants-starttls .*expects STARTTLS.*security = starttls"
pt_check "tls on a plain-text port: no password sent" bash -c "! grep -q '$PW' '$plain_LOG'"

fault_start silent tls-silent --cert "$net_tmp/srv.crt" --key "$net_tmp/srv.key"
net_tool imap -h 127.0.0.1 -p "$silent_PORT" -s starttls -t 1000 -u "$U" -e PW
pt_check "starttls on a TLS port says: try tls" \
	out_has "^ERROR net silent .*expects SSL/TLS.*security = tls"
pt_check "starttls on a TLS port fails after the connect timeout" elapsed_between 1000 1600

# Refused port.
port=$(net_free_port)
net_tool imap -h 127.0.0.1 -p "$port" -s tls -u "$U" -e PW
pt_check "a closed port is reported as refused" out_has "^ERROR net refused .*refused: nothing is listening"
net_tool smtp -h 127.0.0.1 -p "$port" -s starttls -u "$U" -e PW
pt_check "a closed SMTP port is reported as refused" out_has "^ERROR net refused"

# Filtered: the connect itself is never answered (as behind a firewall).
fault_start filt filtered
net_tool imap -h 127.0.0.1 -p "$filt_PORT" -s tls -t 1000 -u "$U" -e PW
pt_check "filtered port: connect timeout, firewall named" \
	out_has "^ERROR net connect-timeout .*within 1 second: a firewall may be blocking"
pt_check "filtered port: fails within 1 s + 0.5 s" elapsed_between 1000 1500
net_tool imap -h 127.0.0.1 -p "$filt_PORT" -s tls -t 10000 -k 300 -u "$U" -e PW
c=$(out_field cancel_ms)
pt_check "cancel during connect returns within 100 ms (took ${c} ms)" test "${c:-999}" -lt 100

# Black hole: accepts, never speaks.
fault_start hole blackhole
net_tool imap -h 127.0.0.1 -p "$hole_PORT" -s tls -t 1000 -u "$U" -e PW
pt_check "black hole, tls: handshake timeout reported" out_has "^ERROR net tls-timeout .*did not answer the TLS handshake within 1 second"
pt_check "black hole, tls: fails within 1 s + 0.5 s" elapsed_between 1000 1500
net_tool smtp -h 127.0.0.1 -p "$hole_PORT" -s starttls -t 1000 -u "$U" -e PW
pt_check "black hole, starttls: no greeting reported" out_has "^ERROR net silent .*sent no greeting within 1 second"
pt_check "black hole, starttls: fails within 1 s + 0.5 s" elapsed_between 1000 1500
net_tool imap -h 127.0.0.1 -p "$hole_PORT" -s tls -t 2500 -u "$U" -e PW
pt_check "black hole, 2.5 s timeout: fails within 2.5 s + 0.5 s" elapsed_between 2500 3000
pt_check "the password never reached the black hole" bash -c "! grep -q '$PW' '$hole_LOG'"

# A server that stops answering after the greeting: the read timeout
# (not the connect timeout) applies, and the message says so.
fault_start stall imap-stall
net_tool imap -h 127.0.0.1 -p "$stall_PORT" -s none -t 5000 -r 1000 -u "$U" -e PW
pt_check "a stalled server: timeout reported" out_has "^ERROR net timeout .*stopped answering: nothing for 1 second"
pt_check "a stalled server: fails after the read timeout (1 s + 0.5 s)" elapsed_between 1000 1500

# Cancel from another thread while blocked.
net_tool imap -h 127.0.0.1 -p "$hole_PORT" -s tls -t 10000 -k 300 -u "$U" -e PW
pt_check "cancel during the TLS handshake: cancelled" out_has "^ERROR cancelled"
c=$(out_field cancel_ms)
pt_check "cancel during the handshake returns within 100 ms (took ${c} ms)" test "${c:-999}" -lt 100
net_tool smtp -h 127.0.0.1 -p "$hole_PORT" -s starttls -t 10000 -k 300 -u "$U" -e PW
c=$(out_field cancel_ms)
pt_check "cancel while waiting for a greeting returns within 100 ms (took ${c} ms)" \
	test "${c:-999}" -lt 100
pt_check "cancel while waiting for a greeting: cancelled" out_has "^ERROR cancelled"

net_tool imap -h 127.0.0.1 -p "$stall_PORT" -s none -t 5000 -r 10000 -k 300 -u "$U" -e PW
c=$(out_field cancel_ms)
pt_check "cancel while waiting for a reply returns within 100 ms (took ${c} ms)" \
	test "${c:-999}" -lt 100

pt_done
