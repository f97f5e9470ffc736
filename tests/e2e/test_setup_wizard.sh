#!/usr/bin/env bash
# The setup wizard in tmux, without servers: a fresh HOME starts it;
# CenturyLink addresses (several of the 17 domains) pre-fill exactly the
# researched settings, Gmail gets Gmail's, qwestoffice.net pre-fills
# nothing, an unknown domain gets the guess; the address is checked as
# it is typed; the fields edit like the prompts (cursor keys, Home/End,
# Delete, ^U, ^K, UTF-8); a port change picks its security; Esc and y
# leave without writing anything.
#
# It runs in a private network namespace (only a loopback interface), so
# that the detection of the unknown domain asks no real DNS server.
. "$top_srcdir/tests/harness/lib.sh"
pt_need tmux unshare ip

if [ -z "${PT_SETUP_NS:-}" ]; then
	unshare -n true 2>/dev/null ||
		pt_skip "cannot make a private network namespace (needs root)"
	exec unshare -n env PT_SETUP_NS=1 bash "$0" "$@"
fi
ip link set lo up || pt_skip "cannot bring up lo in the namespace"

tmp=$(pt_tmpdir)
export HOME=$tmp/home
mkdir -p "$HOME"
sock=ptw$$
tmux -L "$sock" -f /dev/null new-session -d -x 80 -y 24 \
	"env HOME='$HOME' PETREL_DATADIR='$top_srcdir/data' LC_ALL=C.UTF-8 TERM=screen '$PETREL'; echo petrel-exited-\$?; sleep 30"
pt_at_exit "tmux -L '$sock' kill-server 2>/dev/null"

screen() { tmux -L "$sock" capture-pane -p | sed 's/ *$//'; }
shows() { screen | grep -qF -- "$1"; }
keys() { tmux -L "$sock" send-keys "$@"; }
# The settings block: from "Settings from" to "User name".
block() { screen | sed -n '/^ Settings from/,/User name/p'; }
same_block() {
	block >"$tmp/got"
	diff -u "$tmp/want" "$tmp/got" >"$tmp/diff" || { sed 's/^/  /' "$tmp/diff"; return 1; }
}
# ADDRESS: from the first screen (email focused, empty) to the settings.
try_address() {
	keys C-u "$1" Enter
	pt_wait_for 10 shows "Settings from"
}
back_to_email() {
	keys Escape
	pt_wait_for 5 shows "1 of 4: you"
}

pt_check "a fresh HOME starts the wizard" pt_wait_for 10 shows "Welcome to petrel."
pt_check "it fits 80x24: the key line is on the last row" \
	sh -c "tmux -L '$sock' capture-pane -p | sed -n 24p | grep -q 'Enter continue'"

keys "Pat Doe" Tab "pat@q"
pt_check "the address is checked as it is typed" pt_wait_for 5 shows "not an address yet"
keys ".com"
pt_check "a known provider is named as soon as the address is complete" \
	pt_wait_for 5 shows "✓ CenturyLink"
keys C-u

# The fields edit like the prompts' line editor: the cursor moves
# (Left/Right, Home/End, ^A/^E), Delete and Backspace work at it, ^K
# cuts to the end, ^U empties; multi-byte characters stay whole.
cursor_x() { tmux -L "$sock" display -p '#{cursor_x}'; }
text_x() { screen | grep -F -- "$1" | head -n 1 | awk -v t="$1" '{ print index($0, t) - 1 }'; }
keys "at@example.test" Home p
pt_check "Home, then typing inserts at the start" pt_wait_for 5 shows "pat@example.test"
pt_check "the cursor is drawn after what was typed" \
	sh -c "[ \"\$1\" = \"\$2\" ]" _ "$(cursor_x)" "$(( $(text_x pat@example.test) + 1 ))"
keys End BSpace BSpace BSpace BSpace com
pt_check "End and Backspace work at the end" pt_wait_for 5 shows "pat@example.com"
keys Left Left Left Left C-k .org
pt_check "Left and ^K cut at the cursor" pt_wait_for 5 shows "pat@example.org"
keys C-a Right Right DC
pt_check "^A, Right and Delete work at the cursor" pt_wait_for 5 shows "pa@example.org"
keys C-a ü Right BSpace
pt_check "a multi-byte character is inserted whole" pt_wait_for 5 shows "üa@example.org"
keys C-e C-a C-f C-b DC
pt_check "^E, ^A, ^F, ^B, Delete: the multi-byte character goes whole" \
	pt_wait_for 5 shows " a@example.org"
keys C-u
gone_org() { ! shows "a@example.org"; }
pt_check "^U empties the field" pt_wait_for 5 gone_org

for d in q.com centurylink.net embarqmail.com elpasotel.net mebtel.net gulftel.com; do
	cat >"$tmp/want" <<EOF
 Settings from petrel's provider list: CenturyLink
 Incoming mail (IMAP)
    Server       mail.centurylink.net
    Port         993
    Security     < SSL/TLS >
 Outgoing mail (SMTP)
    Server       smtp.centurylink.net
    Port         587
    Security     < STARTTLS >
    User name    pat@$d
EOF
	try_address "pat@$d"
	pt_check "$d: exactly the CenturyLink settings" same_block
	if [ "$d" = q.com ]; then
		pt_check "CenturyLink: the password hint" shows "not your My CenturyLink account password."
		pt_check "CenturyLink: the lockout warning" shows "Too many failed logins lock the account for 24 hours"
	fi
	back_to_email
done

cat >"$tmp/want" <<EOF
 Settings from petrel's provider list: Gmail
 Incoming mail (IMAP)
    Server       imap.gmail.com
    Port         993
    Security     < SSL/TLS >
 Outgoing mail (SMTP)
    Server       smtp.gmail.com
    Port         465
    Security     < SSL/TLS >
    User name    pat.doe@gmail.com
EOF
try_address "pat.doe@gmail.com"
pt_check "gmail.com: Gmail's settings" same_block
pt_check "gmail.com: the app password note" shows "needs an app password"
back_to_email

try_address "boss@qwestoffice.net"
empty_servers() { [ "$(screen | grep -cE '^ +Server$')" = 2 ]; }
pt_check "qwestoffice.net: no servers pre-filled" empty_servers
pt_check "qwestoffice.net: the business-hosting note" shows "business mail hosted separately"
pt_check "qwestoffice.net: asked to enter them" shows "enter them by hand"
back_to_email

cat >"$tmp/want" <<EOF
 Settings from a guess from the domain name
 Incoming mail (IMAP)
    Server       imap.unknown-domain.test
    Port         993
    Security     < SSL/TLS >
 Outgoing mail (SMTP)
    Server       smtp.unknown-domain.test
    Port         587
    Security     < STARTTLS >
    User name    me@unknown-domain.test
EOF
try_address "me@unknown-domain.test"
pt_check "an unknown domain: the guess, and the source says so" same_block

# Editing: on the outgoing port, 465 picks SSL/TLS.
keys Up Up Up
keys BSpace BSpace BSpace 465
pt_check "a port change picks its security" pt_wait_for 5 shows "Port 465 usually uses SSL/TLS: security set to match."
pt_check "the security field follows" sh -c "tmux -L '$sock' capture-pane -p | grep -c 'Security     < SSL/TLS >' | grep -qx 2"
# And the reverse: changing the security moves the usual port.
keys Down Space
pt_check "a security change picks its usual port" pt_wait_for 5 shows "STARTTLS usually uses port 587: port set to match."

# The password screen (Enter moves on, and continues from the last
# field), then leave.
keys Enter Enter
pt_check "the password screen" pt_wait_for 5 shows "3 of 4: your password"
pt_check "where to keep the password is offered" shows "asked each time petrel starts (memory only)"
keys Escape
pt_wait_for 5 shows "2 of 4: your servers"
keys Escape
pt_wait_for 5 shows "1 of 4: you"
keys Escape
pt_check "leaving asks first" pt_wait_for 5 shows "Leave without setting up an account?"
keys y
pt_check "y leaves (status 0)" pt_wait_for 5 shows "petrel-exited-0"
pt_check "nothing was written" test ! -e "$HOME/.config/petrel/config"
pt_done
