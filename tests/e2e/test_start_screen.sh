#!/usr/bin/env bash
# The real binary in tmux: the start screen shows the account and q quits.
. "$top_srcdir/tests/harness/lib.sh"
pt_need tmux

tmp=$(pt_tmpdir)
export HOME=$tmp/home
mkdir -p "$HOME"
cat >"$tmp/cfg" <<'CFG'
[account lab]
name = Alice Example
email = alice@example.test
imap_host = 127.0.0.1
smtp_host = 127.0.0.1
CFG

sock=pt$$
tmux -L "$sock" -f /dev/null new-session -d -x 100 -y 30 \
	"env HOME='$HOME' LC_ALL=C.UTF-8 TERM=screen '$PETREL' -F '$tmp/cfg'; echo petrel-exited; sleep 30"
pt_at_exit "tmux -L '$sock' kill-server 2>/dev/null"

screen() { tmux -L "$sock" capture-pane -p; }
shows() { screen | grep -q -- "$1"; }

pt_check "the account appears" pt_wait_for 10 shows "Account lab: Alice Example <alice@example.test>"
pt_check "the IMAP server line appears" shows "incoming (IMAP):  127.0.0.1 port 993, tls"
pt_check "the SMTP server line appears" shows "outgoing (SMTP):  127.0.0.1 port 587, starttls"
tmux -L "$sock" resize-window -x 60 -y 20 2>/dev/null
pt_check "still drawn after a resize" pt_wait_for 5 shows "Account lab"
tmux -L "$sock" send-keys q
pt_check "q quits" pt_wait_for 5 shows "petrel-exited"
pt_done
