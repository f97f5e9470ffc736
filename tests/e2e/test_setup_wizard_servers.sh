#!/usr/bin/env bash
# The setup wizard in tmux against the local Dovecot and Postfix:
#  - full run from a fresh HOME: `petrel` starts the wizard; the test
#    CA is unknown, so the certificate is shown and trusted; a wrong
#    password fails, the right one works; port 587 is dropped like a
#    firewall would, 465 is offered and used; the config is written with
#    mode 0600 and the inbox screen opens;
#  - the wrong security type for a port: the other type is offered;
#  - three wrong passwords: the wizard stops with the lockout warning
#    and writes nothing.
# In a private network namespace, so the usual ports can be forwarded
# to the test servers or dropped.
. "$top_srcdir/tests/harness/lib.sh"
pt_need tmux python3 unshare ip

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
h=$PT_HOST
python3 "$top_srcdir/tests/harness/portmap.py" "$tmp/ports.ready" \
	"fwd:$h:993:$h:$PT_IMAPS_PORT" "fwd:$h:143:$h:$PT_IMAP_PORT" \
	"fwd:$h:465:$h:$PT_SUBMISSIONS_PORT" "drop:$h:587" \
	2>"$tmp/ports.log" &
pt_at_exit "kill $! 2>/dev/null"
pt_wait_for 10 test -e "$tmp/ports.ready" || pt_skip "portmap.py did not start"

n=0
screen() { tmux -L "$sock" capture-pane -p 2>/dev/null | sed 's/ *$//'; }
shows() { screen | grep -qF -- "$1"; }
keys() { tmux -L "$sock" send-keys "$@"; }
# Like shows, across wrapped lines.
says() { screen | sed 's/^ *//' | tr '\n' ' ' | grep -qF -- "$1"; }
# start HOME IMAP SMTP [ARGS]: a fresh HOME whose own provider list
# sends example.test to the given servers ("PORT SECURITY"), then petrel.
start() {
	local home=$1 imap=$2 smtp=$3
	shift 3
	mkdir -p "$home/.config/petrel"
	cat >"$home/.config/petrel/providers.conf" <<EOF
[provider lab]
name = Lab Mail
domains = example.test
imap = $h $imap
smtp = $h $smtp
note = lockout
EOF
	# A tmux server of its own for each run.
	n=$((n + 1))
	sock=ptws$$-$n
	pt_at_exit "tmux -L '$sock' kill-server 2>/dev/null"
	tmux -L "$sock" -f /dev/null new-session -d -x 80 -y 24 \
		"env HOME='$home' PETREL_DATADIR='$top_srcdir/data' LC_ALL=C.UTF-8 TERM=screen '$PETREL' $*; echo petrel-exited-\$?; sleep 60"
	pt_wait_for 10 shows "Welcome to petrel."
}
# From the first screen to the test, with a password.
to_test() {
	keys "Alice Example" Tab "$PT_ALICE_USER" Enter
	pt_wait_for 10 shows "2 of 4: your servers" || return 1
	keys Enter
	pt_wait_for 5 shows "3 of 4: your password" || return 1
	keys "$1" Enter
}

# 1. The full run.
home1=$tmp/home1
start "$home1" "993 tls" "587 starttls"
pt_check "full run: the wizard starts on a fresh HOME" shows "Welcome to petrel."
to_test wrong-password
pt_check "full run: the untrusted certificate is shown" pt_wait_for 20 shows "t trust this certificate"
pt_check "full run: with its fingerprint" shows "SHA-256:"
pt_check "full run: and its issuer" shows "issuer:   CN=Petrel Test CA"
pt_check "full run: and the reason" shows "does not trust"
keys t
pt_check "full run: the wrong password is refused" pt_wait_for 20 shows "✗ IMAP login as alice@example.test"
pt_check "full run: the user name reminder" says "The user name is usually your full email address."
pt_check "full run: the provider's lockout note" shows "Too many failed logins lock the account"
pt_check "full run: the tries left" shows "2 more tries before petrel stops."
keys p
pt_wait_for 5 shows "3 of 4: your password"
keys "$PT_ALICE_PASS" Enter
pt_check "full run: the login works" pt_wait_for 20 shows "✓ open INBOX"
pt_check "full run: the dropped port is explained" pt_wait_for 40 shows "Port 587 did not answer: a firewall"
pt_check "full run: the working port is offered" shows "Port 465 with SSL/TLS works."
keys u
pt_check "full run: done" pt_wait_for 30 shows "Your account is ready"
pt_check "full run: the phone settings show port 465" shows "Outgoing (SMTP): 127.0.0.11, port 465, SSL/TLS"
cfg1=$home1/.config/petrel/config
pt_check "full run: the config has mode 0600" test "$(stat -c %a "$cfg1")" = 600
pt_check "full run: the config has the servers" \
	sh -c "grep -qx 'imap_port = 993' '$cfg1' && grep -qx 'smtp_port = 465' '$cfg1' && grep -qx 'smtp_security = tls' '$cfg1'"
pt_check "full run: the trusted certificate is pinned" grep -q "^imap_tls_pin = sha256:" "$cfg1"
pt_check "full run: the password is not in the config" sh -c "! grep -q '$PT_ALICE_PASS' '$cfg1'"
keys Enter
pt_check "full run: the mail screen opens with the account" \
	pt_wait_for 10 shows "-- example: INBOX"
# The password is not kept in the config, but the one just typed in the
# wizard is used: the mail screen does not ask for it again.
pt_check "full run: INBOX opens" pt_wait_for 20 shows "example: INBOX [Msgs:"
not_shows() { ! shows "$1"; }
pt_check "full run: the password is not asked again" \
	not_shows "Password for alice@example.test"
keys q
pt_check "full run: q quits" pt_wait_for 5 shows "petrel-exited-0"

# 2. The wrong security type for the port.
start "$tmp/home2" "143 tls" "465 tls" setup
to_test "$PT_ALICE_PASS"
pt_check "wrong security: the other type is offered" \
	pt_wait_for 20 shows "Port 143 does not use SSL/TLS: it works with STARTTLS."
keys q
pt_wait_for 5 shows "Leave without setting up an account?"
keys y
pt_check "wrong security: leaving writes nothing" pt_wait_for 5 shows "petrel-exited-1"
pt_check "wrong security: no config" test ! -e "$tmp/home2/.config/petrel/config"

# 3. Three wrong passwords.
start "$tmp/home3" "993 tls" "465 tls" setup
to_test wrong-1
pt_wait_for 20 shows "t trust this certificate"
keys t
pt_check "lockout: first refusal" pt_wait_for 20 shows "2 more tries before petrel stops."
keys p
pt_wait_for 5 shows "3 of 4: your password"
keys wrong-2 Enter
pt_check "lockout: second refusal" pt_wait_for 20 shows "1 more try before petrel stops."
keys p
pt_wait_for 5 shows "3 of 4: your password"
keys wrong-3 Enter
pt_check "lockout: stops after the third" pt_wait_for 20 shows "Three logins failed, so petrel stops here"
pt_check "lockout: says why" says "lock an account for a while (CenturyLink and Brightspeed for 24 hours)"
keys Enter
pt_check "lockout: petrel setup exits 1" pt_wait_for 5 shows "petrel-exited-1"
pt_check "lockout: no config" test ! -e "$tmp/home3/.config/petrel/config"
pt_done
