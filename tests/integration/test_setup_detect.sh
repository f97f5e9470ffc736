#!/usr/bin/env bash
# The setup wizard's detection against a local DNS server (SRV, MX, A)
# and a local HTTPS server (autoconfig files), in a private network and
# mount namespace: only a loopback interface exists, and /etc/hosts and
# /etc/resolv.conf are replaced inside the namespace only, so petrel
# runs unchanged (no test hooks in the program) and no packet can leave
# the machine.
. "$top_srcdir/tests/harness/lib.sh"
pt_need python3 certtool unshare ip mount

tool=$top_builddir/tests/tools/setup-detect
[ -x "$tool" ] || pt_skip "tests/tools/setup-detect is not built"

if [ -z "${PT_SETUP_NS:-}" ]; then
	unshare -mn true 2>/dev/null ||
		pt_skip "cannot make a private namespace (needs root)"
	exec unshare -mn env PT_SETUP_NS=1 bash "$0" "$@"
fi
ip link set lo up || pt_skip "cannot bring up lo in the namespace"

tmp=$(pt_tmpdir)
dns_addr=127.0.0.53
web_addr=127.0.0.80

# Name service private to this namespace.
cat >"$tmp/hosts" <<EOF
127.0.0.1 localhost
$web_addr autoconfig.ac.test
$web_addr wk.test
$web_addr autoconfig.badcert.test
EOF
echo "nameserver $dns_addr" >"$tmp/resolv.conf"
echo "options timeout:1 attempts:1" >>"$tmp/resolv.conf"
mount --bind "$tmp/hosts" /etc/hosts
mount --bind "$tmp/resolv.conf" /etc/resolv.conf

cat >"$tmp/zone" <<EOF
_imaps._tcp.srv.test       SRV 10 0 993 imap.srv.test
_imaps._tcp.srv.test       SRV 20 0 993 backup.srv.test
_submissions._tcp.srv.test SRV 0 0 465 smtp.srv.test
_submission._tcp.srv.test  SRV 0 0 587 smtp587.srv.test
# _imaps says "not here": _imap (STARTTLS) is used instead.
_imaps._tcp.dot.test       SRV 0 0 0 .
_imap._tcp.dot.test        SRV 0 0 143 imap.dot.test
_submission._tcp.dot.test  SRV 0 0 587 smtp.dot.test
# Only half of the SRV records: not used.
_imaps._tcp.ac.test        SRV 0 0 993 imap.half.test
mx.test                    MX  20 alt1.aspmx.l.google.com
mx.test                    MX  10 aspmx.l.google.com
other-mx.test              MX  10 mx.example.org
mail.guess.test            A   127.0.0.1
smtp.guess.test            A   127.0.0.1
# A preset wins over DNS.
_imaps._tcp.centurylink.net SRV 0 0 993 evil.example.org
EOF
python3 "$top_srcdir/tests/harness/fakedns.py" "$dns_addr" 53 "$tmp/zone" \
	"$tmp/dns.ready" 2>"$tmp/dns.log" &
pt_at_exit "kill $! 2>/dev/null"

# A CA of our own and a certificate for the autoconfig hosts: the
# certificate without the name autoconfig.badcert.test.
certtool_q() { certtool "$@" >/dev/null 2>&1 || pt_skip "certtool $* failed"; }
for n in ca web; do
	certtool_q --generate-privkey --key-type=ecdsa --curve=secp256r1 \
		--outfile "$tmp/$n.key"
done
printf 'cn = "Petrel detect CA"\nca\ncert_signing_key\nexpiration_days = 2\n' >"$tmp/ca.tmpl"
certtool_q --generate-self-signed --load-privkey "$tmp/ca.key" \
	--template "$tmp/ca.tmpl" --outfile "$tmp/ca.crt"
printf 'cn = "autoconfig.ac.test"\ndns_name = "autoconfig.ac.test"\ndns_name = "wk.test"\ntls_www_server\nexpiration_days = 2\n' >"$tmp/web.tmpl"
certtool_q --generate-certificate --load-privkey "$tmp/web.key" \
	--load-ca-privkey "$tmp/ca.key" --load-ca-certificate "$tmp/ca.crt" \
	--template "$tmp/web.tmpl" --outfile "$tmp/web.crt"

mkdir -p "$tmp/www/autoconfig.ac.test/mail" \
	"$tmp/www/wk.test/.well-known/autoconfig/mail" \
	"$tmp/www/autoconfig.badcert.test/mail"
autoconfig() { # IMAPHOST SMTPHOST
	cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="x">
    <domain>x</domain>
    <displayName>Test Mail</displayName>
    <incomingServer type="pop3">
      <hostname>pop.example.org</hostname><port>995</port><socketType>SSL</socketType>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>$1</hostname><port>993</port><socketType>SSL</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILLOCALPART%</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>$2</hostname><port>587</port><socketType>STARTTLS</socketType>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>
EOF
}
autoconfig imap.%EMAILDOMAIN% smtp.ac.test \
	>"$tmp/www/autoconfig.ac.test/mail/config-v1.1.xml"
autoconfig imap.wk.test smtp.wk.test \
	>"$tmp/www/wk.test/.well-known/autoconfig/mail/config-v1.1.xml"
autoconfig evil.example.org evil.example.org \
	>"$tmp/www/autoconfig.badcert.test/mail/config-v1.1.xml"
python3 "$top_srcdir/tests/harness/fakehttps.py" "$web_addr" 443 \
	"$tmp/web.crt" "$tmp/web.key" "$tmp/www" "$tmp/web.ready" \
	2>"$tmp/web.log" &
pt_at_exit "kill $! 2>/dev/null"
pt_wait_for 10 test -e "$tmp/dns.ready" || pt_skip "fakedns did not start"
pt_wait_for 10 test -e "$tmp/web.ready" || pt_skip "fakehttps did not start"

export PETREL_DATADIR=$top_srcdir/data HOME=$tmp/home
ca=$tmp/ca.crt
detect() { # EMAIL
	if [ -n "$ca" ]; then
		"$tool" -c "$ca" "$1" >"$tmp/out" 2>&1
	else
		"$tool" "$1" >"$tmp/out" 2>&1
	fi
}
has() { grep -qxF -- "$1" "$tmp/out" || { sed 's/^/  | /' "$tmp/out"; return 1; }; }
mentions() { grep -qF -- "$1" "$tmp/out" || { sed 's/^/  | /' "$tmp/out"; return 1; }; }

detect pat@srv.test
pt_check "SRV: the source is named" has "source: srv"
pt_check "SRV: implicit TLS, best priority" has "imap: imap.srv.test 993 tls"
pt_check "SRV: _submissions before _submission" has "smtp: smtp.srv.test 465 tls"
pt_check "SRV: the user name is the full address" has "username: pat@srv.test"

detect pat@dot.test
pt_check "SRV '.' target: falls back to _imap" has "imap: imap.dot.test 143 starttls"
pt_check "SRV: _submission with STARTTLS" has "smtp: smtp.dot.test 587 starttls"

detect pat@ac.test
pt_check "autoconfig: half the SRV records are not used" has "source: autoconfig"
pt_check "autoconfig: the URL is named" has "detail: https://autoconfig.ac.test/mail/config-v1.1.xml"
pt_check "autoconfig: IMAP with the domain filled in" has "imap: imap.ac.test 993 tls"
pt_check "autoconfig: SMTP" has "smtp: smtp.ac.test 587 starttls"
pt_check "autoconfig: %EMAILLOCALPART% user name" has "username: pat"

detect pat@wk.test
pt_check "well-known: found second" has "detail: https://wk.test/.well-known/autoconfig/mail/config-v1.1.xml"
pt_check "well-known: servers" has "imap: imap.wk.test 993 tls"

ca= detect pat@wk.test
pt_check "autoconfig over an untrusted certificate is not used" has "source: guess"
pt_check "and the reason is said" mentions "not used:"

# The certificate of the web server does not name autoconfig.badcert.test.
detect pat@badcert.test
pt_check "autoconfig with the wrong host name is not used" has "source: guess"
pt_check "so evil.example.org is never offered" sh -c "! grep -q evil '$tmp/out'"

detect pat@mx.test
pt_check "MX: mapped to a provider" has "source: mx"
pt_check "MX: the best MX is named" has "detail: aspmx.l.google.com: Gmail"
pt_check "MX: that provider's servers" has "imap: imap.gmail.com 993 tls"
pt_check "MX: custom domain logs in with the full address" has "username: pat@mx.test"

detect pat@other-mx.test
pt_check "MX of an unknown provider: guess" has "source: guess"

detect pat@guess.test
pt_check "guess: mail. when imap. does not exist" has "imap: mail.guess.test 993 tls"
pt_check "guess: smtp. when it exists" has "smtp: smtp.guess.test 587 starttls"

detect pat@nothing.test
pt_check "guess: imap. when nothing exists" has "imap: imap.nothing.test 993 tls"
pt_check "guess: smtp. 587 STARTTLS" has "smtp: smtp.nothing.test 587 starttls"

detect pat@centurylink.net
pt_check "a preset wins over DNS" has "imap: mail.centurylink.net 993 tls"
pt_check "and asks no DNS" sh -c "! grep -q progress '$tmp/out'"

pt_done
