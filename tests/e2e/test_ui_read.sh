#!/usr/bin/env bash
# Reading against the real servers: the pager shows the configured
# headers and the rendered body, colours quotes by depth and underlines
# links, hides quotes (T), searches (/), shows every header (h) and the
# raw source (e), lists links (^B) and attachments (v), saves an
# attachment byte for byte, opens one through mailcap, moves to the
# next message (j), and marks a message read on the server.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3
[ -x "$PETREL" ] || pt_skip "petrel is not built"

ui_servers
out=$(pt_tmpdir)
printf 'application/octet-stream; cat %%s; copiousoutput\n' >"$out/mailcap"
UI_ENV="MAILCAPS=$out/mailcap"
ui_start "$ui_cfgfile"
pt_check "INBOX opens" ui_wait "lab: INBOX [Msgs:28"

ui_keys /
ui_type "Links and"
ui_keys Enter
pt_check "found the message" ui_until 5 ui_cursor_on "Links and quotes"
ui_keys Enter
pt_check "the pager shows From" ui_wait "From: Ada Lovelace <ada@example.org>"
pt_check "the pager shows Subject" ui_shows "Subject: Links and quotes"
pt_check "the body is shown" ui_shows "Have a look at https://example.org/petrel/docs today."
pt_check "the status names the message" ui_shows "-- 6/28: Ada Lovelace  Links and quotes"
esc=$(tmux -L "$ui_sock" capture-pane -p -e)
pt_check "first-level quotes are green" grep -qF $'\e[32m> first level' <<<"$esc"
pt_check "second-level quotes are cyan" grep -qF $'\e[36m>> second level' <<<"$esc"
pt_check "third-level quotes are magenta" grep -qF $'\e[35m>>> third level' <<<"$esc"
pt_check "the link is underlined" grep -qE $'\e\\[[0-9;]*4[0-9;]*mhttps://example.org/petrel/docs' <<<"$esc"

ui_keys T
pt_check "T hides quoted text" ui_wait "[-- 3 lines of quoted text --]"
ui_keys T
pt_check "T shows it again" ui_wait ">>> third level"
ui_keys /
ui_type "signature"
ui_keys Enter
highlighted() {
	tmux -L "$ui_sock" capture-pane -p -e |
		grep -qE $'\e\\[[0-9;]*7m(\e\\[[0-9;]*m)*'"$1"
}
pt_check "/ finds and highlights text in the message" \
	ui_until 5 highlighted signature
ui_keys h
pt_check "h shows every header" ui_wait "Message-ID: <links1@example.org>"
ui_keys h
pt_check "h again hides them" ui_gone "Message-ID: <links1@example.org>"
ui_keys e
pt_check "e shows the raw source" ui_wait "Content-Transfer-Encoding: 8bit"
ui_keys e
pt_check "e again renders it" ui_gone "Content-Transfer-Encoding: 8bit"
ui_keys C-b
pt_check "^B lists the links" ui_wait "  1 https://example.org/petrel/docs"
ui_keys Enter
pt_check "Enter copies a link" ui_wait "Copied: https://example.org/petrel/docs"
ui_keys q
ui_keys j
pt_check "j reads the next message" ui_wait "Subject: 日本語の件名 テスト"
pt_check "its body" ui_shows "こんにちは。"
ui_keys q
pt_check "q goes back to the index" ui_wait "lab: INBOX [Msgs:28"

# An attachment, saved.
ui_keys /
ui_type "Quarterly"
ui_keys Enter
ui_until 5 ui_cursor_on "Quarterly report"
ui_keys Enter
pt_check "the attachment is announced" ui_wait "[-- Attachment #1: report-q1.bin"
ui_keys v
pt_check "v lists the parts" ui_wait "application/octet-stream"
pt_check "with the file name" ui_shows "report-q1.bin"
ui_keys j s
pt_check "s offers the attachment's name" ui_wait "Save to file: report-q1.bin"
ui_keys C-u
ui_type "$out/saved.bin"
ui_keys Enter
pt_check "it is saved" ui_wait "Saved to $out/saved.bin (29 bytes)."
pt_check "byte for byte" cmp -s "$out/saved.bin" \
	<(printf 'petrel attachment test bytes\n')
ui_keys s C-u
ui_type "$out/saved.bin"
ui_keys Enter
pt_check "an existing file is not replaced without asking" \
	ui_wait "exists. Replace it? (yes/[no]):"
ui_keys n
mkdir -p "$out/into"
ui_keys s C-u
ui_type "$out/in"
ui_keys Tab
pt_check "Tab completes the folder to save into" \
	ui_wait "Save to file: $out/into/"
ui_type "tabbed.bin"
ui_keys Enter
pt_check "and it is saved there" ui_wait "Saved to $out/into/tabbed.bin (29 bytes)."
ui_keys m
pt_check "m opens it with its mailcap entry" \
	ui_wait "petrel attachment test bytes"
pt_check "in the text viewer" ui_shows "-- report-q1.bin --"
ui_keys q
ui_keys k Enter
pt_check "Enter on a text part shows it" ui_wait "The report is attached."
ui_keys q q q

# Reading marks read, here and on the server.
ui_keys /
ui_type "Lunch"
ui_keys Enter
pt_check "the unread message is marked N" ui_until 5 ui_cursor_on "^N .*Lunch on Friday"
ui_keys Enter
pt_check "it opens" ui_wait "Shall we?"
ui_keys q
pt_check "it is no longer new" ui_until 5 ui_cursor_on "^    .*Lunch on Friday"
pt_check "New went down" ui_wait "[Msgs:28 New:1"
seen() { ui_imap flags INBOX "Lunch on Friday?" | grep -q 'Seen'; }
pt_check "the server has it \\Seen" pt_wait_for 10 seen

# A sender that imitates someone else is flagged under the From line.
printf '%s\r\n' "From: Bank <service@p$(printf '\xd0\xb0')ypal.example>" \
	"To: alice@example.test" "Subject: Look-alike sender" \
	"Date: Tue, 02 Jan 2024 10:00:00 +0000" "Message-ID: <lookalike@e2e.test>" \
	"MIME-Version: 1.0" "Content-Type: text/plain; charset=utf-8" \
	"" "Please confirm your account." >"$out/lookalike.eml"
bash "$top_srcdir/tests/servers/mailservers.sh" deliver "$ms_dir" alice \
	"$out/lookalike.eml" >/dev/null
pt_check "the new message arrives" ui_wait "Look-alike sender"
ui_keys /
ui_type "Look-alike"
ui_keys Enter
ui_keys Enter
pt_check "the pager opens it" ui_wait "Please confirm your account."
pt_check "the look-alike sender is flagged" \
	ui_shows "[-- the sender mixes alphabets or uses look-alike"
ui_keys q

# One written wholly in Cyrillic letters that look Latin is named.
printf '%s\r\n' "From: =?UTF-8?B?0YDQsNGD0YDQsNOP?= <service@xn--80ak6aa92e.example>" \
	"To: alice@example.test" "Subject: Whole-script sender" \
	"Date: Tue, 02 Jan 2024 11:00:00 +0000" "Message-ID: <wholescript@e2e.test>" \
	"MIME-Version: 1.0" "Content-Type: text/plain; charset=utf-8" \
	"" "Please log in again." >"$out/wholescript.eml"
bash "$top_srcdir/tests/servers/mailservers.sh" deliver "$ms_dir" alice \
	"$out/wholescript.eml" >/dev/null
pt_check "the whole-script message arrives" ui_wait "Whole-script sender"
ui_keys /
ui_type "Whole-script"
ui_keys Enter
ui_keys Enter
pt_check "the pager opens it" ui_wait "Please log in again."
pt_check "the whole-script sender is named" \
	ui_shows "looks like paypal written in Cyrillic"
ui_keys q

ui_keys q
pt_check "q quits" ui_exited
pt_check "nothing on stderr" test ! -s "$ui_home/stderr"
pt_done
