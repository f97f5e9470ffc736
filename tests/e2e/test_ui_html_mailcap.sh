#!/usr/bin/env bash
# The HTML mailcap viewer ([ui] html_mailcap) beside the loop, with a
# slow fake viewer (3 s): the pager shows the built-in text and
# "Rendering..." at once, the keys answer while the viewer runs, its
# output replaces the text when it is done, and drawing again (a resize,
# the header toggle, leaving and coming back) runs nothing again (runs
# counted).  A viewer past its time is killed and named.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3
[ -x "$PETREL" ] || pt_skip "petrel is not built"

tmp=$(pt_tmpdir)
cat >"$tmp/viewer.sh" <<'SH'
#!/bin/sh
echo run >>"$(dirname "$0")/runs"
sleep "$(cat "$(dirname "$0")/delay")"
echo "FILTERED: $(sed 's/<[^>]*>//g' "$1")"
SH
chmod +x "$tmp/viewer.sh"
echo 3 >"$tmp/delay"
: >"$tmp/runs"
printf 'text/html; %s %%s; copiousoutput\n' "$tmp/viewer.sh" >"$tmp/mailcap"
runs() {
	wc -l <"$tmp/runs"
}
runs_are() {
	test "$(runs)" -eq "$1"
}

mail=$(pt_tmpdir)
cat >"$mail/html.eml" <<'EML'
From: Web Shop <shop@example.org>
To: alice@example.test
Subject: An HTML letter
Date: Sat, 30 Mar 2024 10:00:00 +0000
Message-ID: <html-1@example.org>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><body><p>Hello <b>bold</b> world</p></body></html>
EML
ui_servers
bash "$top_srcdir/tests/servers/mailservers.sh" deliver "$ms_dir" \
	"$PT_ALICE_USER" "$mail/html.eml" >/dev/null || exit 99
UI_ENV="MAILCAPS=$tmp/mailcap"
ui_start "$ui_cfgfile"
pt_check "INBOX opens" ui_wait "lab: INBOX [Msgs:29"
ui_keys /
ui_type "An HTML letter"
ui_keys Enter
ui_until 5 ui_cursor_on "An HTML letter" >/dev/null
t0=$EPOCHREALTIME
ui_keys Enter
pt_check "the built-in text shows at once" ui_wait "Hello bold world" 2
pt_check "with a note that the viewer runs" ui_shows "Rendering the HTML with"
ui_keys "?"
pt_check "the keys answer while it runs" ui_wait "-- Help: pager" 2
t1=$EPOCHREALTIME
pt_check "  (within 2 s of opening: $(( (${t1/./} - ${t0/./}) / 1000 )) ms)" \
	test $(( (${t1/./} - ${t0/./}) / 1000 )) -lt 2000
ui_keys q
pt_check "the viewer's output replaces the text when done" \
	ui_wait "FILTERED: Hello bold world" 10
pt_check "the note is gone" eval '! ui_shows "Rendering the HTML"'
pt_check "it ran once" runs_are 1

tmux -L "$ui_sock" resize-window -t 0 -x 90 -y 28
pt_check "a resize draws it again" ui_wait "FILTERED: Hello bold world"
ui_keys h
pt_check "the header toggle draws it again" ui_wait "Message-ID:"
pt_check "  with the viewer's text" ui_shows "FILTERED: Hello bold world"
ui_keys h q
ui_wait "lab: INBOX" >/dev/null
ui_keys Enter
pt_check "leaving and coming back" ui_wait "FILTERED: Hello bold world"
pt_check "re-rendering ran nothing again" runs_are 1
ui_keys q
ui_keys q
ui_exited

# A viewer that never ends: killed after 10 s, named, and the built-in
# text stays.
echo 60 >"$tmp/delay"
: >"$tmp/runs"
ui_start "$ui_cfgfile"
ui_wait "lab: INBOX [Msgs:29" >/dev/null
ui_keys /
ui_type "An HTML letter"
ui_keys Enter
ui_until 5 ui_cursor_on "An HTML letter" >/dev/null
ui_keys Enter
pt_check "slow viewer: the built-in text" ui_wait "Hello bold world" 2
pt_check "slow viewer: killed after 10 s, named" \
	ui_wait "took more than 10 seconds" 15
pt_check "slow viewer: its process is gone" \
	bash -c "! pgrep -f '^sleep 60$' >/dev/null"
pt_check "slow viewer: ran once" runs_are 1
ui_keys q
ui_keys q
ui_exited

pt_done
