#!/bin/sh
# tests/milter/run-rcpt.sh - verdicts that do not depend on recipient
# order (rcpt_order.py): every permutation through --test, then, as root
# with Postfix installed, milter.split_recipients through a private Postfix
# in a private network namespace (loopback only).
set -u
O=${O:-build}
export O
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null 2>&1; then
	exec /usr/bin/python3 "$top/tests/milter/rcpt_order.py"
fi
exec unshare --net sh -c "ip link set lo up && /usr/bin/python3 '$top/tests/milter/rcpt_order.py' --postfix"
