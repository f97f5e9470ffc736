#!/usr/bin/env bash
# Address completion in the interface, against the real servers: opening
# INBOX fills the address book from the senders; Q asks "Mail to:" and
# Tab completes the last address typed from the book (best first, UTF-8
# names), then from query_command (mutt's format, the text shell-quoted),
# cycling with further Tabs; a command that hangs is stopped after 5 s
# while the screen keeps answering, and what it printed still counts (as
# for one that writes more than 1 MiB);
# Enter writes a new message to the completed addresses, which pass the
# check before sending, and the compose screen's To prompt completes the
# same way; the book answers even while the account's
# worker waits on a server that never replies.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3
[ -x "$PETREL" ] || pt_skip "petrel is not built"

tmp=$(pt_tmpdir)
cat >"$tmp/query" <<SCRIPT
#!/bin/sh
printf '%s' "\$1" >"$tmp/arg"
echo "Searching for \$1..."
case "\$1" in
bo) printf 'bobby@example.test\tBobby Query\tfrom the query\n' ;;
doe) printf 'doe@example.test\tDoe, Jane\n' ;;
hang) printf 'late@example.test\tToo Late\n'; exec sleep 61 ;;
big) exec yes 'big@example.test	Big Output' ;;
*) exit 1 ;;
esac
SCRIPT
chmod +x "$tmp/query"
UI_EXTRA_CFG="[compose]
query_command = '$tmp/query' %s"
ui_servers
UI_ENV="EDITOR=true"
ui_start "$ui_cfgfile" 200 30
pt_check "INBOX opens" ui_wait "lab: INBOX [Msgs:28"

# The prompt's line (the bottom one).
line() { ui_screen | tail -n 1 | sed 's/ *$//'; }
line_is() { [ "$(line)" = "$1" ]; }
ada="Ada Lovelace <ada@example.org>"
zoe="Zoë Ångström <zoe@example.org>"

ui_keys Q
pt_check "Q asks for addresses" ui_wait "Mail to:"
ui_type "ad"
ui_keys Tab
pt_check "Tab completes from the book" ui_until 10 line_is "Mail to: $ada"
ui_type ", zo"
ui_keys Tab
pt_check "the last address of the list, a UTF-8 name" ui_until 10 \
	line_is "Mail to: $ada, $zoe"
ui_type ", bo"
ui_keys Tab
pt_check "book first, query_command after: a menu of both" \
	ui_wait " 2/2  Bobby Query <bobby@example.test>"
pt_check "the menu has the book's one first" \
	ui_shows " 1/2  Bob Martin <bob@example.test>"
pt_check "the book's best one is in the line" ui_until 10 \
	line_is "Mail to: $ada, $zoe, Bob Martin <bob@example.test>"
pt_check "the command got the text" [ "$(cat "$tmp/arg")" = bo ]
ui_keys Tab
pt_check "Tab again: the next one" ui_until 10 \
	line_is "Mail to: $ada, $zoe, Bobby Query <bobby@example.test>"
ui_keys Tab
pt_check "and round again" ui_until 10 \
	line_is "Mail to: $ada, $zoe, Bob Martin <bob@example.test>"
ui_keys Enter
pt_check "Enter: a new message to them, and they pass the check" \
	ui_wait "Send to ada@example.org and 2 others?"
pt_check "the compose screen has them" ui_shows "-- Compose [lab] --"
ui_keys t
pt_check "t: the To prompt of the compose screen" \
	ui_until 10 line_is "To: $ada, $zoe, Bob Martin <bob@example.test>"
ui_type ", gr"
ui_keys Tab
pt_check "Tab completes there too" ui_until 10 \
	line_is "To: $ada, $zoe, Bob Martin <bob@example.test>, Grace Hopper <grace@example.org>"
ui_keys Enter
pt_check "and the draft takes it" ui_wait "Send to ada@example.org and 3 others?"
ui_keys q
pt_check "abandon it" ui_wait "Abort and delete the draft?"
ui_keys y
pt_check "abandoned" ui_wait "Aborted."

echo "# names with specials are quoted; the text reaches the command quoted"
ui_keys Q
ui_wait "Mail to:" >/dev/null
ui_type "doe"
ui_keys Tab
pt_check "a name with a comma is quoted" ui_until 10 \
	line_is 'Mail to: "Doe, Jane" <doe@example.test>'
ui_keys C-u
ui_type "o'b \$(x)"
ui_keys Tab
pt_check "nothing matches" ui_wait "No address matches 'o'b \$(x)'."
pt_check "the command got the text as it was typed" [ "$(cat "$tmp/arg")" = "o'b \$(x)" ]

echo "# a command that hangs"
ui_keys C-u
ui_type "hang"
t0=${EPOCHREALTIME/./}
ui_keys Tab
pt_check "it is looked up" ui_wait "Looking up 'hang'..."
ui_type "!"
pt_check "the screen answers keys while the command runs" ui_until 2 line_is "Mail to: hang!"
ui_keys BSpace
pt_check "the command is stopped after 5 s" \
	ui_wait "did not finish in 5 seconds and was stopped" 10
t1=${EPOCHREALTIME/./}
pt_check "not before" [ $(((t1 - t0) / 1000)) -ge 4900 ]
pt_check "its process is gone" eval '! pgrep -f "sleep 61" >/dev/null'
ui_keys Tab
pt_check "what it printed before still counts" ui_until 10 \
	line_is "Mail to: Too Late <late@example.test>"

echo "# a command that writes without end"
ui_keys C-u
ui_type "big"
ui_keys Tab
pt_check "its output is cut at 1 MiB" ui_wait "wrote more than 1024 KiB; the rest was ignored." 10
pt_check "what it wrote before counts" ui_until 10 \
	line_is "Mail to: Big Output <big@example.test>"
pt_check "it is stopped" eval '! pgrep -f "yes big@example.test" >/dev/null'
ui_keys C-g
ui_keys q
ui_exited

echo "# the book answers while the account's worker waits on a silent server"
net_tmp=$(pt_tmpdir)
fault_start hole blackhole || exit 99
cfg2=$net_tmp/config
ui_cfg "$cfg2" imap_port="$hole_PORT" password=secret read_timeout=600 \
	connect_timeout=600
ui_start "$cfg2" 120 30
pt_check "the account is connecting" ui_wait "[connecting]"
ui_keys Q
ui_wait "Mail to:" >/dev/null
ui_type "ad"
ui_keys Tab
pt_check "Tab completes from the cache at once" ui_until 2 line_is "Mail to: $ada"
pt_check "the worker still waits" ui_shows "[connecting]"
ui_keys C-g
ui_keys q
ui_exited 5
pt_done
