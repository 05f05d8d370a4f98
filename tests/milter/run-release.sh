#!/bin/sh
# tests/milter/run-release.sh - quarantine release end to end through a
# private Postfix (release_e2e.py), in a private network namespace.
set -u
O=${O:-build}
export O
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
	echo "skip release (needs root)"
	exit 0
fi
exec unshare --net sh -c "ip link set lo up && /usr/bin/python3 '$top/tests/milter/release_e2e.py'"
