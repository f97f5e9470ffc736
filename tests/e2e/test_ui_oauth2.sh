#!/usr/bin/env bash
# The interface with an OAuth2 account (oauth_token_command) against the
# real servers (Dovecot's oauth2 passdb asking tests/harness/oauth2srv.py):
# the engine logs in with XOAUTH2 and INBOX opens; a refused token shows
# the decoded status on the status line and never asks for a password;
# the token never reaches the screen or the log.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3
[ -x "$PETREL" ] || pt_skip "petrel is not built"

otmp=$(pt_tmpdir)
good="tok-$RANDOM$RANDOM-good"
printf '%s\n' "$good" >"$otmp/valid"
net_tmp=$otmp
oauth2_start "$otmp/valid"
printf '#!/bin/sh\necho run >>"%s/runs"\ncat "%s/token"\n' "$otmp" "$otmp" \
	>"$otmp/tok.sh"
chmod +x "$otmp/tok.sh"
log=$ui_home/state/petrel/petrel.log
runs_are() {
	test "$(wc -l <"$otmp/runs")" -eq "$1"
}
no_token_logged() {
	! grep -qsF -e "$good" -e "tok-stale" "$log"
}

UI_EXTRA_CFG=$'[general]\nlog_level = debug'
ui_servers password= oauth_token_command="$otmp/tok.sh"
printf '%s\n' "$good" >"$otmp/token"
ui_start "$ui_cfgfile"
pt_check "a good token opens INBOX" ui_wait "lab: INBOX [Msgs:28"
pt_check "no password was asked" eval '! ui_shows "Password for"'
pt_check "the token is not on the screen" eval '! ui_shows "$good"'
ui_keys q
ui_exited
pt_check "the log has no token (log_level debug)" no_token_logged

# A token the server refuses, and the new one refused too.
printf 'tok-stale\n' >"$otmp/token"
: >"$otmp/runs"
ui_start "$ui_cfgfile"
pt_check "a refused token: the decoded status on the status line" \
	ui_wait "the token was refused (status 401)" 20
pt_check "a refused token: no password prompt" eval '! ui_shows "Password for"'
pt_check "a refused token: the command ran twice" ui_until 5 runs_are 2
ui_keys q
ui_exited
pt_check "a refused token: exactly twice, no loop" runs_are 2
pt_check "a refused token: the log has no token" no_token_logged
pt_check "a refused token: the log says what happened" \
	grep -q "refused the OAuth2 token (status 401)" "$log"

pt_done
