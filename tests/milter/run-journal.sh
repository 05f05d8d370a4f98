#!/bin/sh
# tests/milter/run-journal.sh - journaling (journal_e2e.py): the archives
# every delivered message is copied to, through --test in every recipient
# order, then, as root with Postfix installed, through two private
# Postfix gateways in a private network namespace (loopback only).
set -u
O=${O:-build}
export O
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null 2>&1; then
	exec /usr/bin/python3 "$top/tests/milter/journal_e2e.py"
fi
exec unshare --net sh -c "ip link set lo up && /usr/bin/python3 '$top/tests/milter/journal_e2e.py' --postfix"
