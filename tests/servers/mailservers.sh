#!/bin/bash
# mailservers.sh — private Dovecot (IMAP, LMTP, SASL) and Postfix (submission)
# for petrel's integration tests, benchmarks and demo. Everything lives in a
# state folder; nothing in /etc is read or written.
#
#   mailservers.sh start DIR      fresh CA and certificates, start both servers,
#                                 wait until every port answers, write DIR/env
#   mailservers.sh stop DIR       stop both servers (idempotent)
#   mailservers.sh deliver DIR [-m MAILBOX] [-f FLAGS] USER FILE|DIRECTORY...
#                                 put message files straight into USER's maildir
#                                 (flags from -f, else from names like 0042,FS.eml)
#   mailservers.sh fill DIR [-m MAILBOX] USER N [gen-sample-mail.py options]
#                                 generate N sample messages right into the folder
#   mailservers.sh restart-dovecot DIR [SECONDS]
#                                 kill Dovecot hard (as a crash would: clients
#                                 see their connections die), wait SECONDS (0),
#                                 start it again on the same ports and mail
#
# Keep DIR short (mktemp -d /tmp/pt.XXXXXX): unix socket paths under it are
# limited to 108 bytes. Must run as root (Postfix needs it).
#
# Addresses: 127.0.0.11 good certificate; .12 wrong host name; .13 expired;
# .14 self-signed. The same port numbers serve every address. Clients connect
# from 127.0.0.1, so Dovecot never mistakes them for itself (it would then
# allow plaintext LOGIN).

set -eu

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HELPER=$HERE/mailservers-helper.py

HOST=127.0.0.11
WRONGHOST_ADDR=127.0.0.12
EXPIRED_ADDR=127.0.0.13
SELFSIGNED_ADDR=127.0.0.14
ALL_ADDRS="$HOST $WRONGHOST_ADDR $EXPIRED_ADDR $SELFSIGNED_ADDR"
DOMAIN=example.test
ALICE_USER=alice@$DOMAIN
ALICE_PASS=alice-secret-1
BOB_USER=bob@$DOMAIN
BOB_PASS=bob-secret-2
START_DEADLINE=20
STOP_DEADLINE=10

PATH=$PATH:/usr/sbin:/sbin
export PATH

# PT_TRACE=1 prints how long each step of start and stop takes.
phase() {
    [ -z "${PT_TRACE:-}" ] || echo "mailservers.sh: $EPOCHREALTIME $*" >&2
}

die() {
    echo "mailservers.sh: $*" >&2
    exit 1
}

usage() {
    sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# Absolute path of an existing directory.
abs_dir() {
    [ -d "$1" ] || die "no such directory: $1"
    (cd "$1" && pwd -P)
}

# PID from a pid file if that process is alive and its cwd is WANT_CWD
# (guards against a recycled PID); empty otherwise.
live_pid() {
    local file=$1 want_cwd=$2 pid cwd
    # The file may vanish at any moment while a server stops.
    pid=$( { tr -dc '0-9' < "$file"; } 2>/dev/null) || return 0
    [ -n "$pid" ] || return 0
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || return 0
    case $cwd in
        "$want_cwd"*) echo "$pid" ;;
    esac
}

# Direct children of a process, from /proc.
children_of() {
    local parent=$1 stat rest ppid
    for stat in /proc/[0-9]*/stat; do
        { read -r rest < "$stat"; } 2>/dev/null || continue
        rest=${rest##*) }          # drop "pid (comm) "
        ppid=${rest#* }
        ppid=${ppid%% *}
        if [ "$ppid" = "$parent" ]; then
            stat=${stat#/proc/}
            echo "${stat%/stat}"
        fi
    done
}

dovecot_pid() { live_pid "$1/run/master.pid" "$1/run"; }
postfix_pid() { live_pid "$1/pfq/pid/master.pid" "$1/pfq"; }

# ---------------------------------------------------------------- certificates

certtool_q() {
    certtool "$@" > /dev/null 2>&1 || {
        certtool "$@" 2>&1 | tail -5 >&2
        die "certtool $* failed"
    }
}

make_certs() {
    local tls=$1 name
    mkdir -p "$tls"
    chmod 755 "$tls"
    for name in ca good wronghost expired selfsigned; do
        certtool_q --generate-privkey --key-type=ecdsa --curve=secp256r1 \
            --no-text --outfile "$tls/$name.key"
    done
    cat > "$tls/ca.tmpl" <<EOF
organization = "Petrel test servers"
cn = "Petrel Test CA $(basename "$tls/..")-$$"
ca
cert_signing_key
crl_signing_key
activation_date = "2000-01-01 00:00:00 UTC"
expiration_date = "2099-12-31 23:59:59 UTC"
EOF
    certtool_q --generate-self-signed --load-privkey "$tls/ca.key" \
        --template "$tls/ca.tmpl" --no-text --outfile "$tls/ca.crt"

    # Leaf templates. The expired and self-signed ones also name their own
    # address, so a client connecting to it sees only the intended fault.
    local names='dns_name = "localhost"
dns_name = "mail.petrel.test"
ip_address = "127.0.0.1"
ip_address = "127.0.0.11"'
    local server='organization = "Petrel test servers"
tls_www_server
signing_key'
    printf '%s\ncn = "mail.petrel.test"\n%s\nexpiration_days = 30\n' \
        "$server" "$names" > "$tls/good.tmpl"
    printf '%s\ncn = "wrong.petrel.test"\ndns_name = "wrong.petrel.test"\nexpiration_days = 30\n' \
        "$server" > "$tls/wronghost.tmpl"
    printf '%s\ncn = "mail.petrel.test"\n%s\nip_address = "%s"\n%s\n%s\n' \
        "$server" "$names" "$EXPIRED_ADDR" \
        'activation_date = "2001-01-01 00:00:00 UTC"' \
        'expiration_date = "2002-01-01 00:00:00 UTC"' > "$tls/expired.tmpl"
    printf '%s\ncn = "mail.petrel.test"\n%s\nip_address = "%s"\nexpiration_days = 30\n' \
        "$server" "$names" "$SELFSIGNED_ADDR" > "$tls/selfsigned.tmpl"

    for name in good wronghost expired; do
        certtool_q --generate-certificate --load-privkey "$tls/$name.key" \
            --load-ca-privkey "$tls/ca.key" --load-ca-certificate "$tls/ca.crt" \
            --template "$tls/$name.tmpl" --no-text --outfile "$tls/$name.crt"
    done
    certtool_q --generate-self-signed --load-privkey "$tls/selfsigned.key" \
        --template "$tls/selfsigned.tmpl" --no-text --outfile "$tls/selfsigned.crt"
    chmod 600 "$tls"/*.key
    chmod 644 "$tls"/*.crt
}

# ---------------------------------------------------------------- Dovecot

# With PT_OAUTH2_INTROSPECT_URL set at start, Dovecot also takes XOAUTH2
# (IMAP, and Postfix's SASL through it): each token is checked by a GET of
# that URL with "Authorization: Bearer TOKEN", which must answer 200 with
# JSON {"email": USER, "active": "true"} (tests/harness/oauth2srv.py).
write_oauth2_conf() {
    local dir=$1
    cat > "$dir/oauth2.conf.ext" <<EOF
introspection_mode = auth
introspection_url = $PT_OAUTH2_INTROSPECT_URL
force_introspection = yes
username_attribute = email
active_attribute = active
active_value = true
EOF
    chgrp dovecot "$dir/oauth2.conf.ext"
    chmod 640 "$dir/oauth2.conf.ext"
}

write_dovecot_conf() {
    local dir=$1 uid=$2 gid=$3 imap=$4 imaps=$5 addr name
    cat > "$dir/users" <<EOF
$ALICE_USER:{PLAIN}$ALICE_PASS:$uid:$gid::$dir/mail/$DOMAIN/alice::
$BOB_USER:{PLAIN}$BOB_PASS:$uid:$gid::$dir/mail/$DOMAIN/bob::
EOF
    # Read by the auth process, which runs as user "dovecot".
    chgrp dovecot "$dir/users"
    chmod 640 "$dir/users"
    {
        cat <<EOF
# Generated by tests/servers/mailservers.sh; self-contained, reads nothing in /etc/dovecot.
instance_name = petrel-$(basename "$dir")
base_dir = $dir/run
state_dir = $dir/dstate
log_path = $dir/log/dovecot.log
protocols = imap lmtp
listen = ${ALL_ADDRS// /, }
verbose_proctitle = yes
shutdown_clients = yes

ssl = yes
ssl_min_protocol = TLSv1.2
ssl_cert = <$dir/tls/good.crt
ssl_key = <$dir/tls/good.key
EOF
        for addr in $WRONGHOST_ADDR:wronghost $EXPIRED_ADDR:expired $SELFSIGNED_ADDR:selfsigned; do
            name=${addr#*:}
            addr=${addr%%:*}
            cat <<EOF
local $addr {
  ssl_cert = <$dir/tls/$name.crt
  ssl_key = <$dir/tls/$name.key
}
EOF
        done
        cat <<EOF

disable_plaintext_auth = yes
auth_verbose = yes
auth_failure_delay = 0
EOF
        if [ -n "${PT_OAUTH2_INTROSPECT_URL:-}" ]; then
            write_oauth2_conf "$dir"
            cat <<EOF
auth_mechanisms = plain login xoauth2
passdb {
  driver = oauth2
  mechanisms = xoauth2
  args = $dir/oauth2.conf.ext
}
passdb {
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%Lu $dir/users
}
EOF
        else
            cat <<EOF
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Lu $dir/users
}
EOF
        fi
        cat <<EOF
userdb {
  driver = passwd-file
  args = username_format=%Lu $dir/users
}

default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = $uid
last_valid_uid = $uid
first_valid_gid = $gid
last_valid_gid = $gid
mail_location = maildir:~/Maildir
mail_fsync = never

namespace inbox {
  inbox = yes
  mailbox Drafts {
    auto = subscribe
    special_use = \\Drafts
  }
  mailbox Sent {
    auto = subscribe
    special_use = \\Sent
  }
  mailbox Trash {
    auto = subscribe
    special_use = \\Trash
  }
  mailbox Archive {
    auto = subscribe
    special_use = \\Archive
  }
  mailbox Junk {
    auto = subscribe
    special_use = \\Junk
  }
}

protocol imap {
  mail_max_userip_connections = 100
}
protocol lmtp {
  postmaster_address = postmaster@$DOMAIN
}

service imap-login {
  inet_listener imap {
    port = $imap
  }
  inet_listener imaps {
    port = $imaps
    ssl = yes
  }
  service_count = 0
  process_min_avail = 1
}
# No auth penalty: by default a failed login delays the next ones from the
# same IP (Postfix SASL included) by 2 to 15 s, which would make tests of
# wrong passwords slow down every later test. With mode 0 the socket is not
# created, and auth quietly runs without penalties when it finds no socket
# (start removes a stale one: connecting to that would retry for 5 s).
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0600
    user = postfix
    group = postfix
  }
}
service auth {
  unix_listener auth-postfix {
    mode = 0600
    user = postfix
    group = postfix
  }
  unix_listener auth-userdb {
    mode = 0600
  }
}
EOF
    } > "$dir/dovecot.conf"
}

# ---------------------------------------------------------------- Postfix

write_postfix_conf() {
    local dir=$1 sub=$2 subs=$3 pf=$1/postfix addr name
    mkdir -p "$pf"
    chmod 755 "$pf"
    printf '%s\tOK\n' "$ALICE_USER" "$BOB_USER" > "$pf/vmailbox"
    cat > "$pf/main.cf" <<EOF
# Generated by tests/servers/mailservers.sh; private instance, see master.cf.
compatibility_level = 3.6
queue_directory = $dir/pfq
data_directory = $dir/pfd
mail_owner = postfix
setgid_group = postdrop
maillog_file = $dir/log/postfix.log
maillog_file_prefixes = $dir/log
myhostname = mail.petrel.test
mydomain = petrel.test
myorigin = \$myhostname
mydestination =
mynetworks = $HOST/32
# Postfix refuses an inet_interfaces address that no interface carries (lo
# carries only 127.0.0.1/8), so the listeners in master.cf name their address.
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
local_recipient_maps =
alias_maps =
alias_database =
biff = no
append_dot_mydomain = no
readme_directory = no
smtp_dns_support_level = disabled
smtpd_peername_lookup = no
message_size_limit = 52428800
mailbox_size_limit = 0

# Only example.test exists; everything else bounces at RCPT time.
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_maps = texthash:$pf/vmailbox
virtual_transport = lmtp:unix:$dir/run/lmtp
default_transport = error:5.7.1 the petrel test server relays nowhere
relay_transport = error:5.7.1 the petrel test server relays nowhere

smtpd_banner = \$myhostname ESMTP petrel test server
smtpd_tls_chain_files = $dir/tls/good.key, $dir/tls/good.crt
smtpd_tls_security_level = encrypt
smtpd_tls_auth_only = yes
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = $dir/run/auth-postfix
smtpd_sasl_security_options = noanonymous
smtpd_sasl_tls_security_options = noanonymous
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
EOF
    {
        cat <<'EOF'
# Generated by tests/servers/mailservers.sh. No chroot; all services local.
# service type  private unpriv  chroot  wakeup  maxproc command + args
EOF
        for addr in $HOST:good $WRONGHOST_ADDR:wronghost $EXPIRED_ADDR:expired $SELFSIGNED_ADDR:selfsigned; do
            name=${addr#*:}
            addr=${addr%%:*}
            cat <<EOF
$addr:$sub inet n - n - - smtpd
  -o syslog_name=postfix/submission-$name
  -o smtpd_tls_chain_files=$dir/tls/$name.key,$dir/tls/$name.crt
$addr:$subs inet n - n - - smtpd
  -o syslog_name=postfix/submissions-$name
  -o smtpd_tls_wrappermode=yes
  -o smtpd_tls_chain_files=$dir/tls/$name.key,$dir/tls/$name.crt
EOF
        done
        cat <<'EOF'
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
    } > "$pf/master.cf"
    chmod 644 "$pf"/*
    # Postfix waits (in 300 ms steps) until a file it loads is two seconds
    # old, lest it read a half-written file: backdate ours.
    touch -d '1 minute ago' "$pf"/*
}

# ---------------------------------------------------------------- start / stop

show_logs() {
    local dir=$1 f
    for f in "$dir"/log/*; do
        [ -s "$f" ] || continue
        echo "----- $f (last 40 lines)" >&2
        tail -n 40 "$f" >&2
    done
}

write_env() {
    local dir=$1 imap=$2 imaps=$3 sub=$4 subs=$5 dpid=$6 ppid=$7 kind
    {
        echo "# Generated by tests/servers/mailservers.sh start; source it."
        printf 'export %s=%q\n' \
            PT_STATE "$dir" \
            PT_HOST "$HOST" \
            PT_IMAP_PORT "$imap" \
            PT_IMAPS_PORT "$imaps" \
            PT_SUBMISSION_PORT "$sub" \
            PT_SUBMISSIONS_PORT "$subs" \
            PT_CA_FILE "$dir/tls/ca.crt" \
            PT_CERT_DIR "$dir/tls" \
            PT_GOOD_NAME mail.petrel.test \
            PT_WRONG_NAME wrong.petrel.test \
            PT_DOMAIN "$DOMAIN" \
            PT_FOLDER_SEPARATOR . \
            PT_ALICE_USER "$ALICE_USER" \
            PT_ALICE_PASS "$ALICE_PASS" \
            PT_BOB_USER "$BOB_USER" \
            PT_BOB_PASS "$BOB_PASS" \
            PT_DOVECOT_PID "$dpid" \
            PT_POSTFIX_PID "$ppid" \
            PT_DOVECOT_CONF "$dir/dovecot.conf" \
            PT_POSTFIX_CONF "$dir/postfix" \
            PT_DOVECOT_LOG "$dir/log/dovecot.log" \
            PT_POSTFIX_LOG "$dir/log/postfix.log"
        for kind in WRONGHOST:$WRONGHOST_ADDR EXPIRED:$EXPIRED_ADDR SELFSIGNED:$SELFSIGNED_ADDR; do
            printf 'export PT_%s_ADDR=%q\n' "${kind%%:*}" "${kind#*:}"
            printf 'export PT_%s_IMAP_PORT=%q\n' "${kind%%:*}" "$imap"
            printf 'export PT_%s_IMAPS_PORT=%q\n' "${kind%%:*}" "$imaps"
            printf 'export PT_%s_SUBMISSION_PORT=%q\n' "${kind%%:*}" "$sub"
            printf 'export PT_%s_SUBMISSIONS_PORT=%q\n' "${kind%%:*}" "$subs"
        done
    } > "$dir/env.tmp"
    mv "$dir/env.tmp" "$dir/env"
}

# One attempt with one set of ports. Returns 3 when a port was taken meanwhile.
start_once() {
    local dir=$1 uid gid ports imap imaps sub subs dpid ppid specs addr
    uid=$(id -u mail) gid=$(id -g mail)
    # shellcheck disable=SC2086  # word splitting of the address list is wanted
    ports=$(python3 "$HELPER" ports 4 $ALL_ADDRS) || die "cannot find free ports"
    read -r imap imaps sub subs <<< "$ports"

    write_dovecot_conf "$dir" "$uid" "$gid" "$imap" "$imaps"
    write_postfix_conf "$dir" "$sub" "$subs"
    : > "$dir/log/dovecot.log"
    : > "$dir/log/postfix.log"

    phase dovecot start
    rm -f "$dir/run/anvil-auth-penalty"
    if ! dovecot -c "$dir/dovecot.conf" > "$dir/log/dovecot-start.out" 2>&1; then
        grep -q 'in use' "$dir/log/dovecot-start.out" "$dir/log/dovecot.log" && return 3
        show_logs "$dir"
        die "dovecot did not start"
    fi
    phase postfix start
    if ! postfix -c "$dir/postfix" start > "$dir/log/postfix-start.out" 2>&1; then
        stop_servers "$dir"
        grep -q 'in use' "$dir/log/postfix-start.out" "$dir/log/postfix.log" && return 3
        # Postfix prints early fatal errors only to a tty: give it one.
        if command -v script > /dev/null; then
            script -qec "postfix -c '$dir/postfix' check" /dev/null \
                >> "$dir/log/postfix-start.out" 2>&1 || true
        fi
        show_logs "$dir"
        die "postfix did not start"
    fi

    specs="$HOST:$imap:imap-starttls"
    for addr in $ALL_ADDRS; do
        specs="$specs $addr:$imap $addr:$imaps:tls $addr:$sub $addr:$subs:tls"
    done
    phase wait for ports
    # shellcheck disable=SC2086
    if ! python3 "$HELPER" wait "$START_DEADLINE" $specs; then
        show_logs "$dir"
        stop_servers "$dir"
        die "servers did not answer within ${START_DEADLINE}s"
    fi
    dpid=$(dovecot_pid "$dir")
    ppid=$(postfix_pid "$dir")
    if [ -z "$dpid" ] || [ -z "$ppid" ]; then
        show_logs "$dir"
        stop_servers "$dir"
        die "a server exited right after starting"
    fi
    write_env "$dir" "$imap" "$imaps" "$sub" "$subs" "$dpid" "$ppid"
    phase ready
}

cmd_start() {
    local dir try rc
    [ "$(id -u)" = 0 ] || die "must run as root (Postfix needs it)"
    dir=$(abs_dir "$1")
    [ ${#dir} -le 60 ] || die "state folder path too long for unix sockets: $dir"
    if [ -n "$(dovecot_pid "$dir")$(postfix_pid "$dir")" ]; then
        die "servers already running in $dir (stop them first)"
    fi
    # Mail processes run as user "mail" and Postfix as "postfix": both must be
    # able to traverse the state folder (not list it).
    chmod 711 "$dir"
    mkdir -p "$dir/log" "$dir/mail" "$dir/run" "$dir/pfq"
    chown mail:mail "$dir/mail"
    rm -f "$dir/env"
    phase certificates
    make_certs "$dir/tls"
    for try in 1 2 3; do
        rc=0
        start_once "$dir" || rc=$?
        [ "$rc" = 3 ] || return "$rc"
        echo "mailservers.sh: a port was taken meanwhile, retrying ($try)" >&2
        stop_servers "$dir"
    done
    show_logs "$dir"
    die "could not bind ports"
}

# True while a process exists and is not a zombie.
alive() {
    local stat
    { read -r stat < "/proc/$1/stat"; } 2>/dev/null || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}

# Send SIGTERM, wait up to STOP_DEADLINE for the masters to exit, then
# SIGKILL them and the children they had.
stop_servers() {
    local dir=$1 pids pid kids="" t=0 left
    pids="$(postfix_pid "$dir") $(dovecot_pid "$dir")"
    for pid in $pids; do
        kids="$kids $(children_of "$pid")"
        kill -TERM "$pid" 2>/dev/null || true
    done
    while [ $t -lt $((STOP_DEADLINE * 50)) ]; do
        left=""
        for pid in $pids; do
            alive "$pid" && left="$left $pid"
        done
        [ -n "$left" ] || return 0
        sleep 0.02
        t=$((t + 1))
    done
    for pid in $pids $kids; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    echo "mailservers.sh: had to kill -9 the servers in $dir" >&2
}

cmd_stop() {
    local dir
    [ -d "$1" ] || return 0
    dir=$(abs_dir "$1")
    stop_servers "$dir"
}

# ---------------------------------------------------------------- deliver

# Parse "DIR [-m MAILBOX] [-f FLAGS] USER" for deliver and fill; sets
# dir, mailbox, flags, user, conf, nargs (arguments consumed).
parse_target() {
    local opt
    dir=$(abs_dir "$1")
    shift
    mailbox=INBOX flags=""
    OPTIND=1
    while getopts m:f: opt; do
        case $opt in
            m) mailbox=$OPTARG ;;
            f) flags=$OPTARG ;;
            *) usage ;;
        esac
    done
    shift $((OPTIND - 1))
    nargs=$((OPTIND + 1))
    [ $# -ge 2 ] || usage
    user=$1
    case $user in *@*) ;; *) user=$user@$DOMAIN ;; esac
    conf=$dir/dovecot.conf
    [ -n "$(dovecot_pid "$dir")" ] || die "dovecot is not running in $dir"
}

# Filesystem path of a mailbox, created (by Dovecot, as the mail user) if new.
mailbox_path() {
    if [ "$mailbox" != INBOX ]; then
        doveadm -c "$conf" mailbox create -u "$user" "$mailbox" 2>/dev/null || true
    fi
    doveadm -c "$conf" mailbox status -u "$user" messages "$mailbox" > /dev/null ||
        die "no mailbox $mailbox for $user"
    doveadm -c "$conf" mailbox path -u "$user" "$mailbox"
}

# Let Dovecot index the new files now rather than in the first SELECT.
sync_mailbox() {
    doveadm -c "$conf" mailbox status -u "$user" messages "$mailbox" > /dev/null
}

cmd_deliver() {
    local dir mailbox flags user conf nargs maildir
    parse_target "$@"
    shift "$nargs"
    [ $# -ge 1 ] || usage
    maildir=$(mailbox_path)
    python3 "$HELPER" deliver "$maildir" "$(id -u mail)" "$(id -g mail)" "$flags" "$@" > /dev/null
    sync_mailbox
}

cmd_fill() {
    local dir mailbox flags user conf nargs maildir count
    parse_target "$@"
    shift "$nargs"
    [ $# -ge 1 ] || usage
    count=$1
    shift
    maildir=$(mailbox_path)
    python3 "$HERE/gen-sample-mail.py" --maildir "$maildir" \
        --chown "$(id -u mail):$(id -g mail)" --owner "$user" "$@" "$count"
    sync_mailbox
}

# Kill Dovecot (master and children, SIGKILL) and start it again with the
# same configuration, ports and mail; rewrites PT_DOVECOT_PID in DIR/env.
cmd_restart_dovecot() {
    local dir pid pids kids="" t=0 specs addr imap imaps
    dir=$(abs_dir "$1")
    [ -r "$dir/env" ] || die "no $dir/env: start the servers first"
    imap=$(sed -n 's/^export PT_IMAP_PORT=//p' "$dir/env")
    imaps=$(sed -n 's/^export PT_IMAPS_PORT=//p' "$dir/env")
    pid=$(dovecot_pid "$dir")
    if [ -n "$pid" ]; then
        pids=$pid
        kids=$(children_of "$pid")
        # shellcheck disable=SC2086
        kill -KILL $pids $kids 2>/dev/null || true
        while [ -n "$(dovecot_pid "$dir")" ] && [ $t -lt 500 ]; do
            sleep 0.02
            t=$((t + 1))
        done
    fi
    # A killed master may linger as a zombie, which Dovecot would take
    # for a live one: its pid file goes.
    rm -f "$dir/run/master.pid"
    [ "${2:-0}" = 0 ] || sleep "$2"
    for pid in $kids; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    if ! dovecot -c "$dir/dovecot.conf" > "$dir/log/dovecot-start.out" 2>&1; then
        show_logs "$dir"
        die "dovecot did not restart"
    fi
    specs=""
    for addr in $ALL_ADDRS; do
        specs="$specs $addr:$imap $addr:$imaps"
    done
    # shellcheck disable=SC2086
    python3 "$HELPER" wait "$START_DEADLINE" $specs || die "dovecot did not answer after a restart"
    sed -i "s/^export PT_DOVECOT_PID=.*/export PT_DOVECOT_PID=$(dovecot_pid "$dir")/" "$dir/env"
}

[ $# -ge 2 ] || usage
cmd=$1
shift
case $cmd in
    start) [ $# = 1 ] || usage; cmd_start "$1" ;;
    stop) [ $# = 1 ] || usage; cmd_stop "$1" ;;
    deliver) cmd_deliver "$@" ;;
    fill) cmd_fill "$@" ;;
    restart-dovecot) [ $# -ge 1 ] || usage; cmd_restart_dovecot "$@" ;;
    *) usage ;;
esac
