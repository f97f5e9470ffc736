# Helpers for the net/ doctor tests (sourced after lib.sh, bash).
#
#	net_tmp=$(pt_tmpdir)
#	fault_start NAME MODE [faultsrv args]	sets NAME_PORT and NAME_LOG
#	net_free_port				prints a port nothing listens on
#	net_selfsigned_cert DIR			makes DIR/srv.crt and DIR/srv.key
#	net_tool imap|smtp ARGS...		runs petrel-test-tool into $out
#	out_field KEY				"elapsed_ms" etc. from $out
#	mailservers_start			real Dovecot+Postfix, sources env
#						(exits 77 when not possible)
#	oauth2_start TOKENS			the OAuth2 introspection endpoint
#						(tests/harness/oauth2srv.py) taking
#						the tokens listed in the file TOKENS
#						(TOKENS.log: a line per check);
#						exports PT_OAUTH2_INTROSPECT_URL, so
#						that mailservers_start then makes
#						Dovecot (and Postfix) take XOAUTH2

: "${PT_TOOL:=$top_builddir/tests/tools/petrel-test-tool}"
FAULTSRV=$top_srcdir/tests/harness/faultsrv.py

fault_start() {
	local name=$1 mode=$2 dir pid
	shift 2
	dir=$net_tmp/fault-$name
	mkdir -p "$dir"
	python3 "$FAULTSRV" "$mode" --port-file "$dir/port" --log "$dir/log" \
		"$@" 2>"$dir/stderr" &
	pid=$!
	pt_at_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
	if ! pt_wait_for 10 test -s "$dir/port"; then
		echo "faultsrv $mode did not start:" >&2
		cat "$dir/stderr" >&2
		return 1
	fi
	touch "$dir/log"
	printf -v "${name}_PORT" %s "$(cat "$dir/port")"
	printf -v "${name}_LOG" %s "$dir/log"
}

net_free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

net_selfsigned_cert() {
	local dir=$1
	certtool --generate-privkey --key-type=ecdsa --outfile "$dir/srv.key" \
		>/dev/null 2>&1 || return 1
	cat >"$dir/srv.tmpl" <<TMPL
cn = "fault.petrel.test"
dns_name = "fault.petrel.test"
ip_address = "127.0.0.1"
expiration_days = 30
tls_www_server
signing_key
encryption_key
TMPL
	certtool --generate-self-signed --load-privkey "$dir/srv.key" \
		--template "$dir/srv.tmpl" --outfile "$dir/srv.crt" \
		>/dev/null 2>&1
}

# The SHA-256 pin of a PEM certificate, "sha256:<hex>".
net_cert_pin() {
	echo "sha256:$(certtool --certificate-info --infile "$1" \
		--hash=sha256 2>/dev/null |
		sed -n '/Fingerprint:/,/sha256:/s/.*sha256:\([0-9a-f]*\).*/\1/p' |
		head -n 1)"
}

net_tool() {
	out=$("$PT_TOOL" "$@" 2>&1)
	net_rc=$?
	printf '%s\n' "$out" | sed 's/^/    | /'
}

out_field() {
	printf '%s\n' "$out" | sed -n "s/^$1=//p"
}

out_has() {
	printf '%s\n' "$out" | grep -q -- "$1"
}

mailservers_start() {
	local ms=$top_srcdir/tests/servers/mailservers.sh
	[ "$(id -u)" -eq 0 ] || pt_skip "the mail servers need root"
	PATH=$PATH:/usr/sbin:/sbin
	command -v dovecot >/dev/null 2>&1 || pt_skip "dovecot is not installed"
	command -v postfix >/dev/null 2>&1 || pt_skip "postfix is not installed"
	ms_dir=$(mktemp -d /tmp/pt.XXXXXX)
	pt_at_exit "rm -rf '$ms_dir'"
	pt_at_exit "bash '$ms' stop '$ms_dir' >/dev/null 2>&1"
	if ! bash "$ms" start "$ms_dir" >"$ms_dir.start.log" 2>&1; then
		cat "$ms_dir.start.log" >&2
		rm -f "$ms_dir.start.log"
		echo "FAIL mailservers.sh start"
		exit 99
	fi
	rm -f "$ms_dir.start.log"
	# shellcheck disable=SC1091
	. "$ms_dir/env"
}

# doctor_cfg FILE KEY=VALUE...: writes a one-account config ([account
# lab], mode 0600) from the defaults below, each KEY=VALUE replacing or
# (with an empty VALUE) removing a key.  The password comes from
# $net_tmp/pw through password_command.
doctor_cfg() {
	local file=$1 kv k
	shift
	declare -A cfg=(
		[email]=alice@example.test
		[imap_host]=127.0.0.1 [imap_port]=993 [imap_security]=tls
		[smtp_host]=127.0.0.1 [smtp_port]=587 [smtp_security]=starttls
		[password_command]="cat $net_tmp/pw"
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
	} >"$file"
	chmod 600 "$file"
}

# doctor FILE: runs petrel -F FILE doctor into $out and $doc_rc, with
# standard input not a terminal; prints the output indented.
doctor() {
	local t0=$EPOCHREALTIME
	out=$("$PETREL" -F "$1" doctor </dev/null 2>&1)
	doc_rc=$?
	doc_ms=$(( (${EPOCHREALTIME/./} - ${t0/./}) / 1000 ))
	printf '%s\n' "$out" | sed 's/^/    | /'
}

oauth2_start() {
	local tokens=$1 dir pid
	dir=$(mktemp -d "$net_tmp/oauth2.XXXXXX")
	python3 "$top_srcdir/tests/harness/oauth2srv.py" --port-file "$dir/port" \
		--tokens "$tokens" --log "$tokens.log" 2>"$dir/stderr" &
	pid=$!
	pt_at_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
	if ! pt_wait_for 10 test -s "$dir/port"; then
		echo "oauth2srv.py did not start:" >&2
		cat "$dir/stderr" >&2
		exit 99
	fi
	export PT_OAUTH2_INTROSPECT_URL="http://127.0.0.1:$(cat "$dir/port")/introspect"
}
