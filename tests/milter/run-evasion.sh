#!/bin/sh
# tests/milter/run-evasion.sh - the attacker's mail through a private
# Postfix (evasion_e2e.py), in a private network namespace.
set -u
O=${O:-build}
export O
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
	echo "skip evasion (needs root)"
	exit 0
fi
exec unshare --net sh -c "ip link set lo up && /usr/bin/python3 '$top/tests/milter/evasion_e2e.py'"
