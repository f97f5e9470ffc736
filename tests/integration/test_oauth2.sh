#!/bin/bash
# XOAUTH2 (oauth_token_command) against the real local Dovecot and
# Postfix: Dovecot's oauth2 passdb checks each token at a tiny
# introspection endpoint (tests/harness/oauth2srv.py), and Postfix's SASL
# goes through Dovecot, so IMAP and SMTP both speak real XOAUTH2.  Then
# the faults: a refused token (JSON status decoded, command run once
# more, never a loop), a token command that fails, prints nothing or
# hangs, servers without XOAUTH2, and a server without SASL-IR (the
# continuation path, faultsrv.py).  The token never shows.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"

[ -x "$PETREL" ] || pt_skip "petrel is not built"
net_tmp=$(pt_tmpdir)

# The introspection endpoint, then the servers that ask it.
good="tok-$RANDOM$RANDOM-good"
stale="tok-$RANDOM$RANDOM-stale"
printf '%s\n' "$good" >"$net_tmp/valid"
oauth2_start "$net_tmp/valid"
mailservers_start

# The token command prints the Nth line of $net_tmp/seq on its Nth run
# (the last line after that) and counts its runs in $net_tmp/runs.
cat >"$net_tmp/tok.sh" <<'TOK'
#!/bin/sh
d=$(dirname "$0")
n=$(($(cat "$d/runs" 2>/dev/null || echo 0) + 1))
echo "$n" >"$d/runs"
line=$(sed -n "${n}p" "$d/seq")
[ -n "$line" ] || line=$(tail -n 1 "$d/seq")
echo "$line"
TOK
chmod +x "$net_tmp/tok.sh"
tokens() {
	printf '%s\n' "$@" >"$net_tmp/seq"
	rm -f "$net_tmp/runs"
}
runs() {
	cat "$net_tmp/runs" 2>/dev/null || echo 0
}
has() {
	printf '%s\n' "$out" | grep -q -- "$1"
}
no_token() {
	! printf '%s' "$out" | grep -qF -e "$good" -e "$stale"
}

cfg=$net_tmp/config
acct=(email="$PT_ALICE_USER" imap_host="$PT_HOST" imap_port="$PT_IMAPS_PORT"
	smtp_host="$PT_HOST" smtp_port="$PT_SUBMISSION_PORT"
	ca_file="$PT_CA_FILE" password_command=
	oauth_token_command="$net_tmp/tok.sh")

# 1. A good token: both servers take XOAUTH2; doctor says so.
tokens "$good"
doctor_cfg "$cfg" "${acct[@]}"
doctor "$cfg"
pt_check "good token: doctor exit 0" test "$doc_rc" -eq 0
pt_check "good token: the login method" has "^login: OAuth2 (XOAUTH2)"
pt_check "good token: IMAP login by XOAUTH2" \
	has "  ✓ IMAP login as $PT_ALICE_USER: XOAUTH2$"
pt_check "good token: INBOX opened" has "  ✓ open INBOX: "
pt_check "good token: EHLO offers XOAUTH2" has "  ✓ EHLO again over TLS: .*AUTH=.*XOAUTH2"
pt_check "good token: SMTP AUTH by XOAUTH2" \
	has "  ✓ SMTP AUTH as $PT_ALICE_USER: XOAUTH2$"
pt_check "good token: the command ran once" test "$(runs)" -eq 1
pt_check "good token: never printed" no_token
pt_check "good token: Dovecot saw XOAUTH2" \
	grep -q "method=XOAUTH2" "$PT_DOVECOT_LOG"

# 2. setup --show names the method.
out=$("$PETREL" -F "$cfg" setup --show lab 2>&1)
pt_check "setup --show: OAuth2 for SMTP" has "authentication: yes (OAuth2, XOAUTH2)"
pt_check "setup --show: the token command named" has "oauth_token_command"
pt_check "setup --show: no password line" bash -c "! grep -q '^Password:' <<<\"\$1\"" _ "$out"

# 2b. petrel setup --oauth-token-command: tested with XOAUTH2, written.
tokens "$good"
mkdir -p "$net_tmp/home"
out=$(HOME=$net_tmp/home PETREL_DATADIR=$top_srcdir/data "$PETREL" \
	-F "$net_tmp/setupcfg" setup --email "$PT_ALICE_USER" --name "Alice" \
	--oauth-token-command "$net_tmp/tok.sh" --ca-file "$PT_CA_FILE" \
	--imap "$PT_HOST:$PT_IMAPS_PORT:tls" \
	--smtp "$PT_HOST:$PT_SUBMISSION_PORT:starttls" 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/    | /'
pt_check "setup --oauth-token-command: exit 0" test "$rc" -eq 0
pt_check "setup: IMAP tested with XOAUTH2" has "✓ IMAP login as $PT_ALICE_USER: XOAUTH2"
pt_check "setup: SMTP tested with XOAUTH2" has "✓ SMTP AUTH as $PT_ALICE_USER: XOAUTH2"
pt_check "setup: the command is written" \
	grep -qx "oauth_token_command = $net_tmp/tok.sh" "$net_tmp/setupcfg"
pt_check "setup: no password setting" bash -c "! grep -q '^password' '$net_tmp/setupcfg'"
pt_check "setup: no token shown" no_token
out=$("$PETREL" -F "$net_tmp/setupcfg2" setup --email "$PT_ALICE_USER" \
	--name A --oauth-token-command x --password-command y 2>&1)
rc=$?
pt_check "setup: both commands refused (exit 2)" test "$rc" -eq 2
pt_check "setup: ... saying so" has "not both"

# 3. An expired token: refused with the JSON status, the command runs
#    again once, and the new token works (IMAP, then SMTP, each once).
tokens "$stale" "$good"
doctor "$cfg"
pt_check "expired token: doctor exit 0 after one new token" test "$doc_rc" -eq 0
pt_check "expired token: IMAP and SMTP each ran the command again" \
	test "$(runs)" -eq 3
pt_check "expired token: never printed" no_token

# 4. A refused token, and the new one refused too: one retry, then the
#    decoded JSON status; no loop.
tokens "$stale"
doctor "$cfg"
pt_check "refused token: doctor exit 1" test "$doc_rc" -eq 1
pt_check "refused token: ✗ IMAP login" has "  ✗ IMAP login as $PT_ALICE_USER$"
pt_check "refused token: the JSON status decoded" \
	has "the token was refused (status 401): run your token command again or re-authorise"
pt_check "refused token: the fix names the token command" has "fix: run the oauth_token_command"
pt_check "refused token: ✗ SMTP AUTH" has "  ✗ SMTP AUTH as $PT_ALICE_USER$"
pt_check "refused token: 1 run + 1 retry per server, no loop" test "$(runs)" -eq 3
pt_check "refused token: never printed" no_token

# 5. Batch sending (the outbox and SMTP delivery path) with XOAUTH2.
tokens "$good"
out=$(printf 'Sent with a token.\n' | HOME=$net_tmp XDG_DATA_HOME=$net_tmp/data \
	XDG_CACHE_HOME=$net_tmp/cache XDG_STATE_HOME=$net_tmp/state \
	"$PETREL" -F "$cfg" -s "oauth2 batch $good" -- "$PT_ALICE_USER" 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/    | /'
pt_check "batch send by XOAUTH2: exit 0" test "$rc" -eq 0
pt_check "batch send: the message arrived" pt_wait_for 10 \
	grep -rqs "Sent with a token" "$ms_dir/mail/$PT_DOMAIN/alice/Maildir/new"
pt_check "batch send: the Sent copy went by IMAP XOAUTH2" pt_wait_for 10 \
	grep -rqs "Sent with a token" "$ms_dir/mail/$PT_DOMAIN/alice/Maildir/.Sent"
pt_check "batch send: no token in the output" no_token

# 6. The token command fails, prints nothing, or hangs.
doctor_cfg "$cfg" "${acct[@]}" oauth_token_command="echo oops >&2; exit 3"
doctor "$cfg"
pt_check "failing command: exit 2" test "$doc_rc" -eq 2
pt_check "failing command: the message" \
	has "cannot get the OAuth2 token: token command 'echo oops >&2; exit 3' failed (exit status 3)"
doctor_cfg "$cfg" "${acct[@]}" oauth_token_command="true"
doctor "$cfg"
pt_check "silent command: the message" has "token command 'true' printed no token"
pt_check "silent command: exit 2" test "$doc_rc" -eq 2
doctor_cfg "$cfg" "${acct[@]}" oauth_token_command="sleep 30" read_timeout=2
doctor "$cfg"
pt_check "hanging command: the message" \
	has "token command 'sleep 30' did not finish within 2 s"
pt_check "hanging command: given up in time ($doc_ms ms)" test "$doc_ms" -lt 8000
pt_check "hanging command: its process group was killed" \
	bash -c "! pgrep -f '^sleep 30$' >/dev/null"

# 7. Both a password and a token command: a clear configuration error.
doctor_cfg "$cfg" "${acct[@]}" password=secret
doctor "$cfg"
pt_check "password and token command: refused" \
	has "sets both oauth_token_command and a password"

# 8. Servers without XOAUTH2 (plain-text fault servers on 127.0.0.1).
fault_start IMAPP plain-imap
fault_start SMTPP smtp-accept
tokens "$good"
doctor_cfg "$cfg" "${acct[@]}" imap_host=127.0.0.1 imap_port="$IMAPP_PORT" \
	imap_security=none smtp_host=127.0.0.1 smtp_port="$SMTPP_PORT" \
	smtp_security=none ca_file=
doctor "$cfg"
pt_check "no XOAUTH2: IMAP refuses clearly" \
	has "does not offer OAuth2 login (no AUTH=XOAUTH2 in its capabilities)"
pt_check "no XOAUTH2: SMTP refuses clearly" \
	has "does not offer OAuth2 login (no XOAUTH2 in its EHLO reply)"
pt_check "no XOAUTH2: the fix" has "fix: check imap_host: this server takes no OAuth2 login"
pt_check "no XOAUTH2: the token never reached them" \
	bash -c "! grep -qF '$good' '$IMAPP_LOG' '$SMTPP_LOG'"

# 9. No SASL-IR: the token goes after the empty continuation; a refusal's
#    challenge is answered with an empty line.
fault_start XO imap-xoauth2
tokens good-token
doctor_cfg "$cfg" "${acct[@]}" imap_host=127.0.0.1 imap_port="$XO_PORT" \
	imap_security=none ca_file=
doctor "$cfg"
pt_check "no SASL-IR: logged in after the continuation" \
	has "  ✓ IMAP login as $PT_ALICE_USER: XOAUTH2$"
pt_check "no SASL-IR: AUTHENTICATE without the token on its line" \
	grep -q "^[^ ]* AUTHENTICATE XOAUTH2.$" "$XO_LOG"
tokens bad-token
: >"$XO_LOG"
doctor "$cfg"
pt_check "no SASL-IR, refused: the JSON status" \
	has "the token was refused (status 401)"
pt_check "no SASL-IR, refused: an empty line answered each challenge" \
	test "$(grep -c $'^\r$' "$XO_LOG")" -eq 2

pt_done
