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
#
# Everything runs with LC_ALL=C.UTF-8, TZ=UTC, TERM=screen-256color and a
# temporary HOME (so caches and history are fresh).  The screen is
# polled, never waited for blindly.

ui_sock=pt$$
ui_home=$(pt_tmpdir)
pt_at_exit "tmux -L '$ui_sock' kill-server 2>/dev/null"

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
	tmux -L "$ui_sock" kill-server 2>/dev/null
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

# The cursor line: the one drawn in reverse video (capture-pane -e).
ui_cursor_line() {
	tmux -L "$ui_sock" capture-pane -p -e | sed -n '2,$p' |
		grep -m1 $'^\e\\[7m' | sed 's/\x1b\[[0-9;]*m//g'
}
