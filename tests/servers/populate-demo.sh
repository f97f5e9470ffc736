#!/bin/bash
# populate-demo.sh DIR — fill the demo mailboxes of servers started with
# `mailservers.sh start DIR`: alice's INBOX (300 messages: threads, many
# languages, attachments, some unread and flagged), Sent (15), Archive (40),
# and a few in bob's INBOX. Deterministic content; running it twice adds the
# messages twice.

set -eu

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SERVERS=$HERE/mailservers.sh

[ $# = 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
[ -r "$dir/env" ] || { echo "populate-demo.sh: no $dir/env: start the servers first" >&2; exit 1; }
# shellcheck disable=SC1091
. "$dir/env"

"$SERVERS" fill "$dir" "$PT_ALICE_USER" 300 --seed 1
"$SERVERS" fill "$dir" -m Sent "$PT_ALICE_USER" 15 --seed 2 --sent
"$SERVERS" fill "$dir" -m Archive "$PT_ALICE_USER" 40 --seed 3
"$SERVERS" fill "$dir" "$PT_BOB_USER" 12 --seed 4

for box in INBOX Sent Archive; do
    doveadm -c "$PT_DOVECOT_CONF" mailbox status -u "$PT_ALICE_USER" "messages unseen" "$box"
done
