#!/bin/bash
# test_servers_swaks.sh — proves the private test servers behave as the other
# tests assume: mail submitted with STARTTLS (587-style) and implicit TLS
# (465-style) as alice reaches bob's INBOX, read back over IMAPS with a
# verified certificate chain; the wrong-host, expired and self-signed
# addresses fail verification for the right reason; no password is accepted
# before TLS (IMAP LOGINDISABLED, no SMTP AUTH before STARTTLS); relaying to
# other domains is refused.
#
# Automake test: exit 0 pass, 1 fail, 77 skip (needs root, dovecot, postfix,
# swaks with TLS (libnet-ssleay-perl, a Recommends of swaks), certtool,
# python3).

set -u

here=$(cd "$(dirname "$0")" && pwd)
servers=$here/../servers/mailservers.sh
if [ ! -x "$servers" ] && [ -n "${srcdir:-}" ]; then
    servers=$srcdir/tests/servers/mailservers.sh
fi

skip() {
    echo "SKIP: $*"
    exit 77
}

[ -x "$servers" ] || skip "mailservers.sh not found"
[ "$(id -u)" = 0 ] || skip "needs root (private Postfix)"
PATH=$PATH:/usr/sbin:/sbin
for tool in dovecot doveadm postfix swaks certtool python3; do
    command -v "$tool" > /dev/null || skip "$tool is not installed"
done

swaks --support 2>/dev/null | grep -q '^=== TLS supported' ||
    skip "swaks has no TLS support (install libnet-ssleay-perl)"

state=$(mktemp -d /tmp/pt.XXXXXX) || exit 1
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    "$servers" stop "$state"
    rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

failures=0
ok() { echo "ok - $*"; }
fail() {
    echo "FAIL - $*"
    failures=$((failures + 1))
}

t0=$(date +%s.%N)
if ! "$servers" start "$state"; then
    echo "FAIL - servers did not start"
    exit 1
fi
ok "servers started in $(python3 -c "import time; print('%.2f' % (time.time() - $t0))") s"
# shellcheck disable=SC1091
. "$state/env"

token=$(basename "$state")-$$
swaks_common=(--from "$PT_ALICE_USER" --to "$PT_BOB_USER"
    --auth PLAIN --auth-user "$PT_ALICE_USER" --auth-password "$PT_ALICE_PASS"
    --tls-verify --tls-ca-path "$PT_CA_FILE" --timeout 10)

if out=$(swaks --server "$PT_HOST" --port "$PT_SUBMISSION_PORT" --tls \
        --header "Subject: starttls $token" "${swaks_common[@]}" 2>&1); then
    ok "swaks: STARTTLS + AUTH on submission port $PT_SUBMISSION_PORT accepted the message"
else
    fail "swaks on submission (STARTTLS) port"
    echo "$out" | tail -15
fi

if out=$(swaks --server "$PT_HOST" --port "$PT_SUBMISSIONS_PORT" --tlsc \
        --header "Subject: implicit $token" "${swaks_common[@]}" 2>&1); then
    ok "swaks: implicit TLS + AUTH on submissions port $PT_SUBMISSIONS_PORT accepted the message"
else
    fail "swaks on submissions (implicit TLS) port"
    echo "$out" | tail -15
fi

out=$(swaks --server "$PT_HOST" --port "$PT_SUBMISSION_PORT" --tls \
    --from "$PT_ALICE_USER" --to carol@elsewhere.test \
    --auth PLAIN --auth-user "$PT_ALICE_USER" --auth-password "$PT_ALICE_PASS" \
    --tls-verify --tls-ca-path "$PT_CA_FILE" --timeout 10 2>&1)
if echo "$out" | grep -Eq '^<.?\* *5[0-9][0-9] .*Relay access denied'; then
    ok "relay to another domain refused (5xx Relay access denied)"
else
    fail "relay to carol@elsewhere.test was not refused"
    echo "$out" | tail -8
fi

out=$(swaks --server "$PT_HOST" --port "$PT_SUBMISSION_PORT" --tls \
    --from "$PT_ALICE_USER" --to "$PT_BOB_USER" \
    --auth PLAIN --auth-user "$PT_ALICE_USER" --auth-password wrong-password \
    --tls-verify --tls-ca-path "$PT_CA_FILE" --timeout 10 2>&1)
if echo "$out" | grep -Eq '^<.?\* *535 '; then
    ok "wrong password refused with 535"
else
    fail "wrong password was not refused with 535"
    echo "$out" | tail -8
fi

TOKEN=$token python3 - <<'EOF' || failures=$((failures + 1))
import imaplib, os, socket, ssl, sys, time

env = os.environ
host = env["PT_HOST"]
ca = env["PT_CA_FILE"]
token = env["TOKEN"]
failed = 0


def ok(msg):
    print("ok - " + msg)


def fail(msg):
    global failed
    failed += 1
    print("FAIL - " + msg)


def context():
    ctx = ssl.create_default_context(cafile=ca)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


# --- the delivered messages, over IMAPS with a verified chain and host name
deadline = time.monotonic() + 10
want = {"starttls " + token, "implicit " + token}
found = set()
try:
    imap = imaplib.IMAP4_SSL(host, int(env["PT_IMAPS_PORT"]), ssl_context=context(),
                             timeout=10)
    cert = imap.sock.getpeercert()
    imap.login(env["PT_BOB_USER"], env["PT_BOB_PASS"])
    while True:
        imap.select("INBOX", readonly=True)
        typ, data = imap.search(None, "SUBJECT", token)
        found = set()
        for num in data[0].split():
            typ, msg = imap.fetch(num, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            found.add(msg[0][1].decode().split(":", 1)[1].strip())
        if want <= found or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if want <= found:
        ok("both messages in bob's INBOX, read over IMAPS verified against PT_CA_FILE "
           "as %s (subject %s)" % (host, dict(x[0] for x in cert["subject"])["commonName"]))
    else:
        fail("messages not delivered to bob's INBOX within 10 s (found %s)" % sorted(found))
    imap.logout()
except Exception as err:
    fail("IMAPS read-back: %r" % err)

# --- capabilities and special-use folders
try:
    imap = imaplib.IMAP4_SSL(host, int(env["PT_IMAPS_PORT"]), ssl_context=context(),
                             timeout=10)
    typ, data = imap.login(env["PT_ALICE_USER"], env["PT_ALICE_PASS"])
    typ, data = imap.capability()
    caps = set(data[0].decode().upper().split())
    need = {"IDLE", "CONDSTORE", "QRESYNC", "MOVE", "UIDPLUS", "SPECIAL-USE", "LITERAL+"}
    if need <= caps:
        ok("capabilities include " + " ".join(sorted(need)))
    else:
        fail("capabilities lack " + " ".join(sorted(need - caps)))
    typ, data = imap.list()
    listing = b"\n".join(data).decode()
    special = ["\\Sent", "\\Drafts", "\\Trash", "\\Archive", "\\Junk"]
    missing = [s for s in special if s not in listing]
    if not missing:
        ok("special-use folders listed: " + " ".join(special))
    else:
        fail("special-use flags missing: %s in %s" % (missing, listing))
    imap.logout()
except Exception as err:
    fail("IMAPS as alice: %r" % err)

# --- certificate faults, each with its own reason
cases = [
    # OpenSSL reports an IP name that the certificate lacks as code 64.
    ("wrong host", env["PT_WRONGHOST_ADDR"], 64, "IP address mismatch"),
    ("expired", env["PT_EXPIRED_ADDR"], 10, "certificate has expired"),
    ("self-signed", env["PT_SELFSIGNED_ADDR"], 18, "self-signed certificate"),
]
for label, addr, code, words in cases:
    for service, port in (("IMAPS", env["PT_IMAPS_PORT"]),
                          ("submissions", env["PT_SUBMISSIONS_PORT"])):
        try:
            with socket.create_connection((addr, int(port)), timeout=5) as raw:
                with context().wrap_socket(raw, server_hostname=addr):
                    pass
            fail("%s %s %s:%s: verification unexpectedly succeeded" % (label, service, addr, port))
        except ssl.SSLCertVerificationError as err:
            if err.verify_code == code and words in err.verify_message:
                ok("%s %s on %s refused: %s" % (label, service, addr, err.verify_message))
            else:
                fail("%s %s on %s: wrong reason %d %s" % (
                    label, service, addr, err.verify_code, err.verify_message))
        except Exception as err:
            fail("%s %s on %s: %r" % (label, service, addr, err))


# --- no password before TLS: IMAP on the STARTTLS port
def lines(sock):
    buf = b""
    while True:
        while b"\r\n" not in buf:
            chunk = sock.recv(4096)
            if not chunk:
                raise EOFError("connection closed")
            buf += chunk
        line, buf = buf.split(b"\r\n", 1)
        yield line.decode("utf-8", "replace")


def imap_until(it, tag):
    got = []
    for line in it:
        got.append(line)
        if line.startswith(tag + " "):
            return got


try:
    with socket.create_connection((host, int(env["PT_IMAP_PORT"])), timeout=5) as sock:
        it = lines(sock)
        greeting = next(it)
        if "LOGINDISABLED" in greeting and "STARTTLS" in greeting:
            ok("IMAP port %s greeting advertises STARTTLS and LOGINDISABLED" % env["PT_IMAP_PORT"])
        else:
            fail("IMAP greeting lacks STARTTLS/LOGINDISABLED: " + greeting)
        sock.sendall(b'a1 LOGIN "%s" "%s"\r\n' % (env["PT_ALICE_USER"].encode(),
                                                  env["PT_ALICE_PASS"].encode()))
        reply = imap_until(it, "a1")[-1]
        if reply.startswith("a1 NO") or reply.startswith("a1 BAD"):
            ok("plaintext LOGIN before STARTTLS refused: " + reply)
        else:
            fail("plaintext LOGIN before STARTTLS: " + reply)
        sock.sendall(b"a2 AUTHENTICATE PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABhbGljZS1zZWNyZXQtMQ==\r\n")
        reply = imap_until(it, "a2")[-1]
        if reply.startswith("a2 NO") or reply.startswith("a2 BAD"):
            ok("AUTHENTICATE before STARTTLS refused: " + reply)
        else:
            fail("AUTHENTICATE before STARTTLS: " + reply)
        sock.sendall(b"a3 STARTTLS\r\n")
        reply = imap_until(it, "a3")[-1]
        if not reply.startswith("a3 OK"):
            raise RuntimeError("STARTTLS: " + reply)
        tls = context().wrap_socket(sock, server_hostname=host)
        it = lines(tls)
        tls.sendall(b'a4 LOGIN "%s" "%s"\r\n' % (env["PT_ALICE_USER"].encode(),
                                                 env["PT_ALICE_PASS"].encode()))
        reply = imap_until(it, "a4")[-1]
        if reply.startswith("a4 OK"):
            ok("LOGIN after STARTTLS (verified) accepted")
        else:
            fail("LOGIN after STARTTLS: " + reply)
        tls.sendall(b"a5 LOGOUT\r\n")
except Exception as err:
    fail("IMAP STARTTLS port: %r" % err)


# --- no AUTH before STARTTLS on submission
def smtp_reply(it):
    got = []
    for line in it:
        got.append(line)
        if len(line) < 4 or line[3] != "-":
            return got


try:
    with socket.create_connection((host, int(env["PT_SUBMISSION_PORT"])), timeout=5) as sock:
        it = lines(sock)
        smtp_reply(it)
        sock.sendall(b"EHLO client.petrel.test\r\n")
        ehlo = smtp_reply(it)
        words = [line[4:].split(" ")[0].upper() for line in ehlo[1:]]
        if "STARTTLS" in words and "AUTH" not in words:
            ok("submission EHLO before STARTTLS offers STARTTLS and no AUTH")
        else:
            fail("submission EHLO before STARTTLS: " + " | ".join(ehlo))
        sock.sendall(b"AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABhbGljZS1zZWNyZXQtMQ==\r\n")
        reply = smtp_reply(it)[-1]
        if reply[:1] in ("5",):
            ok("AUTH before STARTTLS refused: " + reply)
        else:
            fail("AUTH before STARTTLS: " + reply)
        sock.sendall(b"MAIL FROM:<alice@example.test>\r\n")
        reply = smtp_reply(it)[-1]
        if reply.startswith("530"):
            ok("MAIL before STARTTLS refused: " + reply)
        else:
            fail("MAIL before STARTTLS: " + reply)
        sock.sendall(b"QUIT\r\n")
except Exception as err:
    fail("submission before STARTTLS: %r" % err)

sys.exit(1 if failed else 0)
EOF

if [ "$failures" = 0 ]; then
    echo "PASS: test servers"
    exit 0
fi
echo "FAIL: $failures failed check(s); logs:"
tail -n 20 "$PT_DOVECOT_LOG" "$PT_POSTFIX_LOG"
exit 1
