#!/usr/bin/env bash
# The interface in Spanish against the real servers: LANGUAGE=es with a
# Spanish locale (es_ES.UTF-8, built with localedef into a private
# LOCPATH, as Debian has only C.UTF-8 by default): the help bar, the
# status line, the dates of the index (month names follow LC_TIME), the
# help screen and a message at the bottom.
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/netlib.sh"
. "$top_srcdir/tests/e2e/uilib.sh"
pt_need tmux python3 msgfmt localedef
[ -x "$PETREL" ] || pt_skip "petrel is not built"

tmp=$(pt_tmpdir)
mkdir -p "$tmp/locale/es/LC_MESSAGES" "$tmp/loc"
msgfmt -o "$tmp/locale/es/LC_MESSAGES/petrel.mo" "$top_srcdir/po/es.po" ||
	exit 99
localedef -i es_ES -f UTF-8 "$tmp/loc/es_ES.UTF-8" >/dev/null 2>&1 ||
	pt_skip "localedef cannot build es_ES.UTF-8 (install the locales package)"

ui_servers
UI_ENV="LOCPATH='$tmp/loc' LC_ALL=es_ES.UTF-8 LANGUAGE=es PETREL_LOCALEDIR='$tmp/locale'"
ui_start "$ui_cfgfile"

pt_check "es: the status line" ui_wait "lab: INBOX [Mens:28 Nuevos:2 Dest:1]"
pt_check "es: the help bar" ui_wait "q:Salir  d:Borrar  u:Recup  s:Guardar  m:Nuevo  r:Resp  g:Todos  c:Carp  ?:Ayuda"
# The sample messages are from March 2024: "%b %d" gives "mar 01".
pt_check "es: the index dates follow LC_TIME" ui_shows " mar 01 "
pt_check "es: no English month names" eval '! ui_shows " Mar 01 "'
ui_keys '?'
pt_check "es: the help screen" ui_wait "Teclas de la pantalla index"
pt_check "es: the functions are described in Spanish" \
	ui_shows "ir al siguiente mensaje no borrado"
ui_keys q
pt_check "es: back to the index" ui_wait "Mens:28" 5
ui_keys '$'
pt_check "es: a message at the bottom" ui_wait "No hay mensajes borrados."
ui_keys q
pt_check "es: q quits" ui_exited 10

pt_done
