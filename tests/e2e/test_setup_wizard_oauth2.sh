#!/usr/bin/env bash
# The setup wizard with a provider that wants OAuth2 (note = oauth2),
# against the local Dovecot and Postfix taking XOAUTH2 (oauth2_start):
# the password screen offers the token command first, the test logs in
# with XOAUTH2 on both servers, the config gets oauth_token_command and
# no password, and the mail screen opens without asking for one.
. "$top_srcdir/tests/harness/lib.sh"
pt_need tmux python3 unshare ip

if [ -z "${PT_SETUP_NS:-}" ]; then
	unshare -n true 2>/dev/null ||
		pt_skip "cannot make a private network namespace (needs root)"
	exec unshare -n env PT_SETUP_NS=1 bash "$0" "$@"
fi
ip link set lo up || pt_skip "cannot bring up lo in the namespace"
. "$top_srcdir/tests/harness/netlib.sh"

net_tmp=$(pt_tmpdir)
tmp=$net_tmp
good="tok-$RANDOM$RANDOM-good"
printf '%s\n' "$good" >"$tmp/valid"
printf '#!/bin/sh\necho %s\n' "$good" >"$tmp/tok.sh"
chmod +x "$tmp/tok.sh"
oauth2_start "$tmp/valid"
mailservers_start
h=$PT_HOST
python3 "$top_srcdir/tests/harness/portmap.py" "$tmp/ports.ready" \
	"fwd:$h:993:$h:$PT_IMAPS_PORT" "fwd:$h:465:$h:$PT_SUBMISSIONS_PORT" \
	2>"$tmp/ports.log" &
pt_at_exit "kill $! 2>/dev/null"
pt_wait_for 10 test -e "$tmp/ports.ready" || pt_skip "portmap.py did not start"

sock=ptwo$$
screen() { tmux -L "$sock" capture-pane -p 2>/dev/null | sed 's/ *$//'; }
shows() { screen | grep -qF -- "$1"; }
not_shows() { ! shows "$1"; }
keys() { tmux -L "$sock" send-keys "$@"; }

home=$tmp/home
mkdir -p "$home/.config/petrel"
cat >"$home/.config/petrel/providers.conf" <<PROV
[provider lab]
name = Lab Mail
domains = example.test
imap = $h 993 tls
smtp = $h 465 tls
note = oauth2
PROV
pt_at_exit "tmux -L '$sock' kill-server 2>/dev/null"
tmux -L "$sock" -f /dev/null new-session -d -x 80 -y 24 \
	"env HOME='$home' PETREL_DATADIR='$top_srcdir/data' LC_ALL=C.UTF-8 TERM=screen '$PETREL'; echo petrel-exited-\$?; sleep 60"
pt_check "the wizard starts" pt_wait_for 10 shows "Welcome to petrel."
keys "Alice Example" Tab "$PT_ALICE_USER" Enter
pt_check "the provider's OAuth2 note points at the option" \
	pt_wait_for 10 shows "oauth_token_command"
keys Enter
pt_check "the password screen" pt_wait_for 5 shows "3 of 4: your password"
pt_check "OAuth2 is offered first" shows "< no password: OAuth2 sign-in, a token command >"
pt_check "no password field" not_shows "Password "
keys Down C-u "$tmp/tok.sh" Enter
pt_wait_for 20 shows "t trust this certificate" && keys t
pt_check "done" pt_wait_for 30 shows "Your account is ready"
# The test screen gives way to the summary at once: the servers' logs
# say how the wizard logged in.
pt_check "IMAP logged in with XOAUTH2" \
	grep -q "imap-login: Info: Login: user=<$PT_ALICE_USER>, method=XOAUTH2" "$PT_DOVECOT_LOG"
# Postfix logs no SASL method without a message: the token checks tell.
pt_check "SMTP logged in with XOAUTH2 too (two good token checks)" \
	test "$(grep -cx active "$tmp/valid.log")" -eq 2
pt_check "no token was refused" bash -c "! grep -qx inactive '$tmp/valid.log'"
pt_check "no password login at all" \
	bash -c "! grep -qE 'method=(PLAIN|LOGIN)|sasl_method=(PLAIN|LOGIN)' '$PT_DOVECOT_LOG' '$PT_POSTFIX_LOG'"
cfg=$home/.config/petrel/config
pt_check "the config has the token command" \
	grep -qx "oauth_token_command = $tmp/tok.sh" "$cfg"
pt_check "and no password" bash -c "! grep -q '^password' '$cfg'"
pt_check "the token is not in the config" bash -c "! grep -qF '$good' '$cfg'"
keys Enter
pt_check "the mail screen opens INBOX" pt_wait_for 20 shows "example: INBOX [Msgs:"
pt_check "no password is asked" not_shows "Password for"
keys q
pt_check "q quits" pt_wait_for 5 shows "petrel-exited-0"

pt_done
