#!/usr/bin/env bash
# `petrel setup --email ...` against the local Dovecot and Postfix: a
# good run writes a 0600 config that `petrel doctor` accepts; a wrong
# password, a port that a "firewall" drops with a working alternative,
# the wrong security type and an untrusted certificate each fail (or
# fall back) with the right words, and write nothing.
#
# It runs in a private network namespace (unshare -n: only a loopback
# interface), so that the usual port numbers (465, 587, 993, 143) can be
# forwarded to the test servers or dropped, as a firewall would.
. "$top_srcdir/tests/harness/lib.sh"
pt_need python3 unshare ip

if [ -z "${PT_SETUP_NS:-}" ]; then
	unshare -n true 2>/dev/null ||
		pt_skip "cannot make a private network namespace (needs root)"
	exec unshare -n env PT_SETUP_NS=1 bash "$0" "$@"
fi
ip link set lo up || pt_skip "cannot bring up lo in the namespace"

tmp=$(pt_tmpdir)
srv=$(mktemp -d /tmp/pt.XXXXXX)
pt_at_exit "rm -rf '$srv'"
"$top_srcdir/tests/servers/mailservers.sh" start "$srv" >"$tmp/servers.log" 2>&1 ||
	{ cat "$tmp/servers.log"; pt_skip "the mail servers did not start"; }
pt_at_exit "'$top_srcdir/tests/servers/mailservers.sh' stop '$srv' >/dev/null 2>&1"
. "$srv/env"

# 127.0.0.11 (the good certificate) on the usual ports: 993, 143 and
# 465 forwarded, 587 dropped like a firewall would.
h=$PT_HOST
python3 "$top_srcdir/tests/harness/portmap.py" "$tmp/ports.ready" \
	"fwd:$h:993:$h:$PT_IMAPS_PORT" "fwd:$h:143:$h:$PT_IMAP_PORT" \
	"fwd:$h:465:$h:$PT_SUBMISSIONS_PORT" "drop:$h:587" \
	2>"$tmp/ports.log" &
pt_at_exit "kill $! 2>/dev/null"
pt_wait_for 10 test -e "$tmp/ports.ready" || pt_skip "portmap.py did not start"

export HOME=$tmp/home PETREL_DATADIR=$top_srcdir/data
mkdir -p "$HOME"
cfg=$tmp/cfg
pwcmd="echo $PT_ALICE_PASS"

setup() { # ARGS...: runs petrel setup, output in $tmp/out, status in $rc
	"$PETREL" -F "$cfg" setup --email "$PT_ALICE_USER" --name "Alice Example" \
		--connect-timeout 2 "$@" >"$tmp/out" 2>&1
	rc=$?
}
has() { grep -qF -- "$1" "$tmp/out" || { sed 's/^/  | /' "$tmp/out"; return 1; }; }
hasnt() { ! grep -qF -- "$1" "$tmp/out" || { sed 's/^/  | /' "$tmp/out"; return 1; }; }
status_is() { [ "$rc" = "$1" ] || { echo "  exit status $rc, want $1"; sed 's/^/  | /' "$tmp/out"; return 1; }; }
no_config() { [ ! -e "$cfg" ]; }

# Wrong password: one login attempt, the explanation, nothing written.
setup --password-command "echo wrong-password" --ca-file "$PT_CA_FILE" \
	--imap "$h:993:tls" --smtp "$h:465:tls"
pt_check "wrong password: exit 1" status_is 1
pt_check "wrong password: the failed step" has "✗ IMAP login as alice@example.test"
pt_check "wrong password: the user name reminder" has "The user name is usually your full email address."
pt_check "wrong password: SMTP AUTH is not tried with it" hasnt "SMTP AUTH"
pt_check "wrong password: nothing written" no_config

# Untrusted certificate (no --ca-file): the details and a caution.
setup --password-command "$pwcmd" --imap "$h:993:tls" --smtp "$h:465:tls"
pt_check "untrusted certificate: exit 1" status_is 1
pt_check "untrusted certificate: the failed step" has "✗ TLS handshake and certificate"
pt_check "untrusted certificate: the reason" has "does not trust"
pt_check "untrusted certificate: its fingerprint" has "SHA-256:"
pt_check "untrusted certificate: the caution" has "Trust it only if you have checked its fingerprint"
pt_check "untrusted certificate: no login tried" has "- IMAP login as alice@example.test: skipped"
pt_check "untrusted certificate: nothing written" no_config

# The wrong security type given on the command line: suggested, not used.
setup --password-command "$pwcmd" --ca-file "$PT_CA_FILE" \
	--imap "$h:143:tls" --smtp "$h:465:tls"
pt_check "TLS on the STARTTLS port: exit 1" status_is 1
pt_check "TLS on the STARTTLS port: the other type is suggested" has "Port 143 does not use SSL/TLS: it works with STARTTLS."
pt_check "TLS on the STARTTLS port: how to use it" has "To use it: --imap 127.0.0.11:143:starttls"
pt_check "TLS on the STARTTLS port: nothing written" no_config

setup --password-command "$pwcmd" --ca-file "$PT_CA_FILE" \
	--imap "$h:993:tls" --smtp "$h:465:starttls"
pt_check "STARTTLS on the TLS port: exit 1" status_is 1
pt_check "STARTTLS on the TLS port: the other type is suggested" has "Port 465 does not use STARTTLS: it works with SSL/TLS."

# A dropped port given on the command line: the alternative is offered.
setup --password-command "$pwcmd" --ca-file "$PT_CA_FILE" \
	--imap "$h:993:tls" --smtp "$h:587:starttls"
pt_check "dropped port: exit 1" status_is 1
pt_check "dropped port: the firewall explanation" has "Port 587 did not answer: a firewall"
pt_check "dropped port: the working alternative" has "Port 465 with SSL/TLS works."
pt_check "dropped port: how to use it" has "To use it: --smtp 127.0.0.11:465:tls"

# Detected settings (a provider of the user's own, like a preset) with
# the dropped port: the alternative is used, and the account written.
mkdir -p "$HOME/.config/petrel"
cat >"$HOME/.config/petrel/providers.conf" <<EOF
[provider lab]
name = Lab Mail
domains = example.test
imap = $h 993 tls
smtp = $h 587 starttls
note = lockout
EOF
setup --password-command "$pwcmd" --ca-file "$PT_CA_FILE"
pt_check "detected + dropped port: exit 0" status_is 0
pt_check "detected: the source is named" has "Settings from petrel's provider list: Lab Mail"
pt_check "detected: the provider's note is shown" has "Too many failed logins lock the account"
pt_check "detected + dropped port: explained" has "Port 587 did not answer: a firewall"
pt_check "detected + dropped port: the alternative is used" has "Using it instead."
pt_check "detected + dropped port: login works there" has "✓ SMTP AUTH as alice@example.test: PLAIN"
pt_check "the config is written" test -f "$cfg"
pt_check "the config has mode 0600" test "$(stat -c %a "$cfg")" = 600
pt_check "the config names port 465 with tls" grep -qx "smtp_port = 465" "$cfg"
pt_check "the config has smtp_security = tls" grep -qx "smtp_security = tls" "$cfg"
pt_check "the config keeps the password command, not the password" \
	sh -c "grep -qx 'password_command = $pwcmd' '$cfg' && ! grep -q '^password =' '$cfg'"
pt_check "petrel doctor accepts the account" sh -c "'$PETREL' -F '$cfg' doctor >'$tmp/doctor.out' 2>&1"

# A second account is added without touching the first.
cp "$cfg" "$tmp/cfg.before"
"$PETREL" -F "$cfg" setup --email "$PT_BOB_USER" --name "Bob" --account bob \
	--password-command "echo $PT_BOB_PASS" --ca-file "$PT_CA_FILE" \
	--connect-timeout 2 --imap "$h:143" --smtp "$h:465" >"$tmp/out" 2>&1
rc=$?
pt_check "second account: exit 0" status_is 0
pt_check "second account: STARTTLS from the port number" has "✓ STARTTLS: offered and accepted"
pt_check "second account: the first one is kept as it was" \
	sh -c "head -n $(wc -l <"$tmp/cfg.before") '$cfg' | cmp -s - '$tmp/cfg.before'"
pt_check "second account: added" grep -qx "\[account bob\]" "$cfg"

# --show prints what a phone needs.
"$PETREL" -F "$cfg" setup --show bob >"$tmp/out" 2>&1
rc=$?
pt_check "--show: exit 0" status_is 0
pt_check "--show: the IMAP server" has "  server:    127.0.0.11"
pt_check "--show: the port" has "  port:      143"
pt_check "--show: the security" has "  security:  STARTTLS"
pt_check "--show: the user name" has "  user name: bob@example.test"
pt_check "--show: no password" hasnt "$PT_BOB_PASS"
"$PETREL" -F "$cfg" setup --show nobody >"$tmp/out" 2>&1
rc=$?
pt_check "--show of an unknown account: exit 2" status_is 2

# Usage errors.
"$PETREL" -F "$tmp/cfg2" setup --email not-an-address --name X >"$tmp/out" 2>&1
rc=$?
pt_check "a bad address: exit 2" status_is 2
pt_check "a bad address: said so" has "is not an email address"
"$PETREL" -F "$tmp/cfg2" setup --email a@b.example --name X --imap "bad host" </dev/null >"$tmp/out" 2>&1
rc=$?
pt_check "a bad --imap: exit 2" status_is 2
"$PETREL" -F "$tmp/cfg2" setup --email boss@qwestoffice.net --name X --no-test </dev/null >"$tmp/out" 2>&1
rc=$?
pt_check "qwestoffice.net without servers: exit 1" status_is 1
pt_check "qwestoffice.net: the business note" has "business mail hosted separately"
pt_check "qwestoffice.net: nothing written" test ! -e "$tmp/cfg2"

pt_done
