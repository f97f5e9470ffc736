#!/usr/bin/env bash
# Translations: petrel speaks Spanish with LANGUAGE=es and French with
# LANGUAGE=fr (LC_ALL stays C.UTF-8, the only locale Debian has by
# default; glibc honours LANGUAGE for any locale but plain C): --help, a
# configuration error, `petrel doctor` against a refused port (plural
# forms included), and the first screen of the setup wizard in tmux.
# The catalogs are compiled from po/*.po into a private folder that
# PETREL_LOCALEDIR points to.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"

[ -x "$PETREL" ] || pt_skip "petrel is not built"
pt_need msgfmt python3
tmp=$(pt_tmpdir)
net_tmp=$tmp
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config
mkdir -p "$HOME"
unset LANGUAGE LANG LC_MESSAGES

langs=$(sed 's/#.*//' "$top_srcdir/po/LINGUAS" | tr -s ' \t' '\n' | grep .)
for l in $langs; do
	mkdir -p "$tmp/locale/$l/LC_MESSAGES"
	msgfmt -c -o "$tmp/locale/$l/LC_MESSAGES/petrel.mo" "$top_srcdir/po/$l.po"
	pt_check "po/$l.po compiles (msgfmt -c)" test $? -eq 0
done
export PETREL_LOCALEDIR=$tmp/locale

# run_in LANG CMD...: runs CMD with LANGUAGE=LANG into $out (both streams).
run_in() {
	local l=$1
	shift
	out=$(LANGUAGE=$l "$@" 2>&1)
	rc=$?
}
has() {
	grep -qF -- "$1" <<<"$out" || { printf '  wanted: %s\n  got:\n%s\n' \
		"$1" "$(sed 's/^/    | /' <<<"$out" | head -n 30)"; return 1; }
}

run_in "" "$PETREL" --help
pt_check "without LANGUAGE: English" has "usage: petrel"

run_in es "$PETREL" --help
pt_check "es: --help exits 0" test "$rc" -eq 0
pt_check "es: --help" has "uso: petrel [-F ARCHIVO] [ORDEN]"
pt_check "es: --help lists the commands" has "comprobar la conexión con los servidores"
run_in fr "$PETREL" --help
pt_check "fr: --help" has "usage : petrel [-F FICHIER] [COMMANDE]"

run_in es "$PETREL"
pt_check "es: no configuration" has "no hay ningún archivo de configuración en"
pt_check "es: no configuration: what to do" has "ejecute 'petrel setup' en un terminal"

printf '[account lab]\nemail = a@b.test\nimap_hots = x\n' >"$tmp/typo"
run_in es "$PETREL" -F "$tmp/typo" --dump-config
pt_check "es: a config error exits 2" test "$rc" -eq 2
pt_check "es: a config error, with file and line" \
	has "$tmp/typo:3: clave desconocida 'imap_hots' en [account lab] (¿quería decir 'imap_host'?)"
run_in fr "$PETREL" -F "$tmp/typo" --dump-config
pt_check "fr: a config error" \
	has "$tmp/typo:3: clé inconnue 'imap_hots' dans [account lab] (vouliez-vous dire 'imap_host' ?)"

# petrel doctor against a port nothing listens on.
printf 'secret\n' >"$tmp/pw"
port=$(net_free_port)
doctor_cfg "$tmp/cfg" imap_port="$port" smtp_port="$port"
run_in es "$PETREL" -F "$tmp/cfg" doctor </dev/null
pt_check "es: doctor exits 1" test "$rc" -eq 1
pt_check "es: doctor names the step" has "✗ conexión TCP al puerto $port"
pt_check "es: doctor explains" \
	has "la conexión con 127.0.0.1 puerto $port fue rechazada: nada escucha en ese puerto"
pt_check "es: doctor says what to do" has "solución: compruebe imap_port"
pt_check "es: doctor skips the later steps" has "negociación TLS y certificado: omitido"
pt_check "es: doctor counts in the plural" has "Fallaron 2 comprobaciones."
run_in fr "$PETREL" -F "$tmp/cfg" doctor </dev/null
pt_check "fr: doctor explains" \
	has "la connexion à 127.0.0.1 port $port a été refusée : rien n'écoute sur ce port"
pt_check "fr: doctor counts in the plural" has "2 vérifications ont échoué."

# The first screen of the setup wizard.
if command -v tmux >/dev/null 2>&1; then
	sock=pti$$
	tmux -L "$sock" -f /dev/null new-session -d -x 80 -y 24 \
		"env HOME='$HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' PETREL_DATADIR='$top_srcdir/data' PETREL_LOCALEDIR='$PETREL_LOCALEDIR' LC_ALL=C.UTF-8 LANGUAGE=es TERM=screen '$PETREL'; sleep 30"
	pt_at_exit "tmux -L '$sock' kill-server 2>/dev/null"
	shows() { tmux -L "$sock" capture-pane -p | grep -qF -- "$1"; }
	pt_check "es: the wizard welcomes in Spanish" pt_wait_for 10 shows "Bienvenido a petrel."
	pt_check "es: the wizard's title" shows "petrel setup — 1 de 4: usted"
	pt_check "es: the wizard's fields" shows "Su nombre"
	pt_check "es: the wizard's keys" shows "Intro continuar"
	tmux -L "$sock" send-keys Escape
	pt_check "es: leaving asks in Spanish" \
		pt_wait_for 5 shows "¿Salir sin configurar ninguna cuenta?"
fi

pt_done
