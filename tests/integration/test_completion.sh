#!/usr/bin/env bash
# Shell completion: sources completion/bash/petrel and checks COMPREPLY
# for options, commands, files and account names; checks that the zsh
# function parses when zsh is installed.
. "$top_srcdir/tests/harness/lib.sh"

tmp=$(pt_tmpdir)
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/xdg
mkdir -p "$HOME" "$XDG_CONFIG_HOME/petrel" "$tmp/files"

cat >"$XDG_CONFIG_HOME/petrel/config" <<'CFG'
[ui]
sort = date

[account home]
email = alice@example.test
  [ account work.mail ]
email = alice@work.test
# [account commented]
CFG
printf '[account other-1]\nemail = b@example.test\n' >"$tmp/other.rc"
touch "$tmp/files/message.eml" "$tmp/files/notes.txt"

# shellcheck source=/dev/null
. "$top_srcdir/completion/bash/petrel"
pt_check "the completion registers for petrel" \
	bash -c '. "$1"; complete -p petrel | grep -q _petrel' _ \
	"$top_srcdir/completion/bash/petrel"

# complete WORDS...: completes the last word of the command line
# "WORDS..." and prints the candidates, sorted, on one line.
complete_line() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_petrel petrel "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

# expect DESCRIPTION WANTED WORDS...
expect() {
	local what=$1 want=$2 got
	shift 2
	got=$(complete_line "$@")
	[ "$got" = "$want" ] || echo "  '$*': wanted '$want', got '$got'"
	pt_check "$what" test "$got" = "$want"
}

expect "commands" "doctor outbox query setup" petrel ""
expect "a command by prefix" "doctor" petrel do
expect "long options" "--config" petrel --con
expect "--d completes --dump-config" "--dump-config" petrel --d
got=$(complete_line petrel -)
pt_check "short options include the batch flags" \
	bash -c 'for o in -F -s -c -b -a -A -H -h -v; do
		grep -qw -- "$o" <<<"$1" || exit 1; done' _ "$got"
expect "outbox: its commands" "discard list send" petrel outbox ""
expect "outbox send: --force" "--force" petrel outbox send --
expect "query: -A first" "-A" petrel query ""
expect "query -A: accounts" "home work.mail" petrel query -A ""
expect "query: the text is free" "" petrel query bob ""
expect "doctor: accounts of the default config" "home work.mail" \
	petrel doctor ""
expect "doctor: an account by prefix" "work.mail" petrel doctor w
expect "doctor takes one account only" "" petrel doctor home ""
expect "-F FILE: accounts of that file" "other-1" \
	petrel -F "$tmp/other.rc" doctor ""
# bash splits --config=FILE at the "=".
expect "--config=FILE: accounts of that file" "other-1" \
	petrel --config = "$tmp/other.rc" doctor ""
expect "--config=: file names" "$tmp/files/message.eml" \
	petrel --config = "$tmp/files/m"
cd "$tmp/files" || exit 99
expect "--render=: file names right after the =" \
	"message.eml notes.txt" petrel --render = ""
cd "$tmp" || exit 99
expect "-A: an account to send from" "home work.mail" petrel -A ""
expect "-F: file names" "$tmp/files/message.eml $tmp/files/notes.txt" \
	petrel -F "$tmp/files/"
expect "--render: file names" "$tmp/files/message.eml" \
	petrel --render "$tmp/files/m"
expect "-a: file names" "$tmp/files/notes.txt" petrel -s hi -a "$tmp/files/n"
expect "-H: file names" "$tmp/files/notes.txt" petrel -H "$tmp/files/n"
expect "-s takes free text" "" petrel -s ""
expect "setup: its options" "--show" petrel setup --sh
expect "setup --show: accounts" "home work.mail" petrel setup --show ""
expect "setup after -F: options still" "--email" \
	petrel -F "$tmp/other.rc" setup --em
XDG_CONFIG_HOME=$tmp/none
expect "no config file: nothing, and no error" "" petrel doctor ""
XDG_CONFIG_HOME=$tmp/xdg

if command -v zsh >/dev/null 2>&1; then
	pt_check "the zsh completion parses" zsh -n "$top_srcdir/completion/zsh/_petrel"
fi

pt_done
