#!/bin/sh
# tests/milter/run-postfix.sh - the Postfix end-to-end suite, in a private
# network namespace (loopback only) so its ports clash with nothing.
set -u
O=${O:-build}
export O
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
	echo "skip postfix (needs root)"
	exit 0
fi
exec unshare --net sh -c "ip link set lo up && /usr/bin/python3 '$top/tests/milter/postfix_e2e.py'"
