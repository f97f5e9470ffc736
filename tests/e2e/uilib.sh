# Helpers for the interface's end-to-end tests (sourced after lib.sh).
#
#	ui_cfg FILE KEY=VALUE...	one-account config [account lab] (0600)
#	ui_start FILE [COLS ROWS]	petrel -F FILE in a private tmux server
#	ui_screen			the screen as text (capture-pane)
#	ui_shows TEXT			the screen shows TEXT (fixed string)
#	ui_wait TEXT [SECONDS]		polls every 20 ms until it does
#	ui_gone TEXT [SECONDS]		polls until it does not
#	ui_keys KEY...			tmux send-keys (";" must be "\;")
#	ui_type TEXT			sends TEXT literally
#	ui_exited [SECONDS]		waits until petrel has exited
#	ui_status			the status line (second from the bottom)
#	ui_until SECONDS CMD...		polls CMD until it succeeds
#	ui_cursor_on REGEX		the cursor line matches
#
# Everything runs with LC_ALL=C.UTF-8, TZ=UTC, TERM=screen-256color and a
# temporary HOME (so caches and history are fresh).  The screen is
# polled, never waited for blindly.

ui_sock=pt$$
ui_runs=0
ui_home=$(pt_tmpdir)

ui_cfg() {
	local file=$1 kv k
	shift
	declare -A cfg=(
		[name]="Alice Example" [email]=alice@example.test
		[imap_host]=127.0.0.1 [imap_port]=993 [imap_security]=tls
		[smtp_host]=127.0.0.1 [smtp_port]=587 [smtp_security]=starttls
		[connect_timeout]=5 [read_timeout]=10
	)
	for kv in "$@"; do
		cfg[${kv%%=*}]=${kv#*=}
	done
	{
		echo "[account lab]"
		for k in "${!cfg[@]}"; do
			[ -n "${cfg[$k]}" ] && echo "$k = ${cfg[$k]}"
		done
		[ -n "${UI_EXTRA_CFG:-}" ] && printf '%s\n' "$UI_EXTRA_CFG"
	} >"$file"
	chmod 600 "$file"
}

ui_start() {
	local cfg=$1 cols=${2:-100} rows=${3:-30}
	# A fresh tmux server each time: a killed one may still be going.
	tmux -L "$ui_sock" kill-server 2>/dev/null
	ui_runs=$((ui_runs + 1))
	ui_sock=pt$$x$ui_runs
	pt_at_exit "tmux -L '$ui_sock' kill-server 2>/dev/null"
	tmux -L "$ui_sock" -f /dev/null new-session -d -x "$cols" -y "$rows" \
		"env HOME='$ui_home' XDG_CACHE_HOME='$ui_home/cache' \
		XDG_STATE_HOME='$ui_home/state' LC_ALL=C.UTF-8 TZ=UTC \
		TERM=screen-256color ${UI_ENV:-} '$PETREL' -F '$cfg' \
		2>'$ui_home/stderr'; echo \"petrel-exited \$?\"; sleep 600"
}

ui_screen() {
	tmux -L "$ui_sock" capture-pane -p
}

ui_shows() {
	ui_screen | grep -qF -- "$1"
}

ui_wait() {
	local text=$1 secs=${2:-10} end
	end=$((${EPOCHREALTIME/./} + secs * 1000000))
	while ! ui_shows "$text"; do
		if [ "${EPOCHREALTIME/./}" -ge "$end" ]; then
			echo "--- waited ${secs}s for '$text'; the screen:"
			ui_screen | sed 's/^/    |/'
			return 1
		fi
		sleep 0.02
	done
	return 0
}

ui_gone() {
	local text=$1 secs=${2:-10} end
	end=$((${EPOCHREALTIME/./} + secs * 1000000))
	while ui_shows "$text"; do
		if [ "${EPOCHREALTIME/./}" -ge "$end" ]; then
			echo "--- waited ${secs}s for '$text' to go; the screen:"
			ui_screen | sed 's/^/    |/'
			return 1
		fi
		sleep 0.02
	done
	return 0
}

# ui_until SECONDS CMD...: polls CMD every 20 ms until it succeeds.
ui_until() {
	local secs=$1 end
	shift
	end=$((${EPOCHREALTIME/./} + secs * 1000000))
	until "$@"; do
		if [ "${EPOCHREALTIME/./}" -ge "$end" ]; then
			echo "--- waited ${secs}s for: $*; the screen:"
			ui_screen | sed 's/^/    |/'
			return 1
		fi
		sleep 0.02
	done
}

# ui_cursor_on REGEX: the cursor line matches (extended regex).
ui_cursor_on() {
	ui_cursor_line | grep -qE -- "$1"
}

ui_keys() {
	tmux -L "$ui_sock" send-keys "$@"
}

ui_type() {
	tmux -L "$ui_sock" send-keys -l "$1"
}

ui_exited() {
	ui_wait "petrel-exited" "${1:-10}" >/dev/null
}

ui_status() {
	ui_screen | tail -n 2 | head -n 1
}

# The cursor line: petrel leaves the terminal's (hidden) cursor on it.
ui_cursor_line() {
	local y
	y=$(tmux -L "$ui_sock" display -p '#{cursor_y}')
	ui_screen | sed -n "$((y + 1))p"
}

# ui_servers: the real Dovecot and Postfix (netlib.sh), alice's INBOX
# filled with the fixtures of tests/e2e/mail (fixed dates; flags in the
# file names), and $ui_cfgfile set up for alice with her password.
ui_servers() {
	local mail
	mailservers_start
	mail=$(pt_tmpdir)
	cp "$top_srcdir"/tests/e2e/mail/*.eml "$mail/"
	chmod 600 "$mail"/*.eml
	bash "$top_srcdir/tests/servers/mailservers.sh" deliver "$ms_dir" \
		"$PT_ALICE_USER" "$mail" >/dev/null || exit 99
	ui_cfgfile=$(pt_tmpdir)/config
	ui_cfg "$ui_cfgfile" email="$PT_ALICE_USER" imap_host="$PT_HOST" \
		imap_port="$PT_IMAPS_PORT" smtp_host="$PT_HOST" \
		smtp_port="$PT_SUBMISSION_PORT" ca_file="$PT_CA_FILE" \
		password="$PT_ALICE_PASS" "$@"
}

# ui_imap count FOLDER | subjects FOLDER | flags FOLDER SUBJECT:
# asks Dovecot directly (Python's imaplib), as alice.
ui_imap() {
	python3 - "$@" <<'PY'
import imaplib, os, ssl, sys
from email.header import decode_header, make_header
ctx = ssl.create_default_context(cafile=os.environ["PT_CA_FILE"])
m = imaplib.IMAP4_SSL(os.environ["PT_HOST"], int(os.environ["PT_IMAPS_PORT"]),
                      ssl_context=ctx)
m.login(os.environ["PT_ALICE_USER"], os.environ["PT_ALICE_PASS"])
cmd, folder = sys.argv[1], sys.argv[2]
typ, data = m.select(folder, readonly=True)
if cmd == "count":
    print(int(data[0]))
    sys.exit(0)
typ, data = m.search(None, "ALL")
for num in data[0].split():
    typ, d = m.fetch(num, "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    flags = d[0][0].decode()
    subj = str(make_header(decode_header(
        d[0][1].decode().partition(":")[2].strip())))
    if cmd == "subjects":
        print(subj)
    elif cmd == "flags" and subj == sys.argv[3]:
        print(flags[flags.index("FLAGS (") + 7:].split(")")[0])
m.logout()
PY
}
