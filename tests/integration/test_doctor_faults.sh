#!/bin/bash
# `petrel doctor` against the fault servers (no Dovecot needed): a refused
# port, a black hole within the connect timeout, no STARTTLS offered,
# bytes injected after STARTTLS, an unknown host name, and security =
# none on loopback (allowed, with a loud warning).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"

pt_need python3 certtool
[ -x "$PETREL" ] || pt_skip "petrel is not built"
net_tmp=$(pt_tmpdir)
net_selfsigned_cert "$net_tmp" || pt_skip "certtool cannot make a certificate"
pw=doctor-fault-secret-4242
printf '%s\n' "$pw" >"$net_tmp/pw"
cfg=$net_tmp/config

has() {
	printf '%s\n' "$out" | grep -q -- "$1"
}
never_sent() {
	! grep -q "$pw" "$1"
}

port=$(net_free_port)
doctor_cfg "$cfg" imap_port="$port" smtp_port="$port"
doctor "$cfg"
pt_check "refused: exit 1" test "$doc_rc" -eq 1
pt_check "refused: ✗ TCP connect" has "  ✗ TCP connect to port $port$"
pt_check "refused: diagnosis" has "refused: nothing is listening on that port"
pt_check "refused: fix" has "fix: check imap_port: IMAP usually listens on 993"
pt_check "refused: SMTP fix" has "fix: check smtp_port: SMTP usually listens on 465"
pt_check "refused: later steps skipped" has "  - TLS handshake and certificate: skipped"

fault_start filt filtered
doctor_cfg "$cfg" imap_port="$filt_PORT" smtp_port="$filt_PORT" connect_timeout=1
doctor "$cfg"
pt_check "filtered: ✗ TCP connect" has "  ✗ TCP connect to port $filt_PORT$"
pt_check "filtered: diagnosis" has "no answer from 127.0.0.1 port $filt_PORT within 1 second: a firewall"
pt_check "filtered: fix" has "fix: a firewall .* may be blocking port $filt_PORT"
pt_check "filtered: both servers in 2 x 1 s + 0.8 s (took $doc_ms ms)" \
	test "$doc_ms" -lt 2800

fault_start hole blackhole
doctor_cfg "$cfg" imap_port="$hole_PORT" smtp_port="$hole_PORT" connect_timeout=1
doctor "$cfg"
pt_check "black hole: ✗ TLS for IMAP" has "  ✗ TLS handshake and certificate$"
pt_check "black hole: IMAP diagnosis" has "did not answer the TLS handshake within 1 second"
pt_check "black hole: ✗ EHLO for SMTP (starttls)" has "  ✗ EHLO$"
pt_check "black hole: SMTP diagnosis" has "sent no greeting within 1 second"
pt_check "black hole: both servers in 2 x 1 s + 0.8 s (took $doc_ms ms)" \
	test "$doc_ms" -lt 2800
pt_check "black hole: the password was never sent" never_sent "$hole_LOG"

fault_start nost imap-nostarttls
fault_start nosts smtp-nostarttls
doctor_cfg "$cfg" imap_port="$nost_PORT" imap_security=starttls smtp_port="$nosts_PORT"
doctor "$cfg"
pt_check "no STARTTLS: ✗ STARTTLS twice" test "$(printf '%s\n' "$out" | grep -c "  ✗ STARTTLS$")" -eq 2
pt_check "no STARTTLS: diagnosis" has "does not offer STARTTLS"
pt_check "no STARTTLS: fix" has "fix: set imap_security = tls and imap_port = 993"
pt_check "no STARTTLS: IMAP never got the password" never_sent "$nost_LOG"
pt_check "no STARTTLS: SMTP never got the password" never_sent "$nosts_LOG"

fault_start inj imap-inject --cert "$net_tmp/srv.crt" --key "$net_tmp/srv.key"
fault_start injs smtp-inject --cert "$net_tmp/srv.crt" --key "$net_tmp/srv.key"
doctor_cfg "$cfg" imap_port="$inj_PORT" imap_security=starttls smtp_port="$injs_PORT"
doctor "$cfg"
pt_check "injection: exit 1" test "$doc_rc" -eq 1
pt_check "injection: diagnosis" has "unexpected data right after agreeing to STARTTLS"
pt_check "injection: IMAP never got the password" never_sent "$inj_LOG"
pt_check "injection: SMTP never got the password" never_sent "$injs_LOG"

doctor_cfg "$cfg" imap_host=no-such-host.invalid smtp_host=no-such-host.invalid
doctor "$cfg"
pt_check "unknown host: ✗ resolve" has "  ✗ resolve no-such-host.invalid$"
pt_check "unknown host: diagnosis" has "was not found (DNS)\|name server did not answer"

fault_start plain plain-imap
doctor_cfg "$cfg" imap_port="$plain_PORT" imap_security=none smtp_port="$nosts_PORT" smtp_security=none
doctor "$cfg"
pt_check "security none on loopback: exit 0" test "$doc_rc" -eq 0
pt_check "security none on loopback: loud warning" has "WARNING: no encryption (security = none)"
pt_check "security none: login over plain text works" has "  ✓ IMAP login as"
pt_check "security none: the password is not printed" \
	bash -c "! printf '%s' \"\$1\" | grep -q '$pw'" _ "$out"

# No password in the config: asked on the terminal, without echo.
doctor_cfg "$cfg" imap_port="$plain_PORT" imap_security=none smtp_port="$nosts_PORT" \
	smtp_security=none password_command=
: >"$plain_LOG"
out=$(python3 - "$PETREL" "$cfg" "$pw" <<'PY' 2>&1
import os, pty, select, sys, time
petrel, cfg, pw = sys.argv[1:4]
pid, fd = pty.fork()
if pid == 0:
    os.execv(petrel, [petrel, "-F", cfg, "doctor"])
buf, sent, end = b"", False, time.time() + 20
while time.time() < end:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        buf += data
    if not sent and b"Password for" in buf:
        os.write(fd, pw.encode() + b"\n")
        sent = True
else:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
sys.stdout.write(buf.decode("utf-8", "replace"))
print("exit=%d" % os.waitstatus_to_exitcode(status))
PY
)
printf '%s\n' "$out" | sed 's/^/    | /'
pt_check "terminal: the password is asked" has "Password for alice@example.test:"
pt_check "terminal: the answer is not echoed" \
	bash -c "! printf '%s' \"\$1\" | grep -q '$pw'" _ "$out"
pt_check "terminal: the typed password is used" grep -q "$pw" "$plain_LOG"
pt_check "terminal: exit 0" has "^exit=0"

pt_done
