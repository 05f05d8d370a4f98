#!/bin/sh
# tests/milter/run-postfix-chroot.sh - Postfix with a chrooted smtpd in
# front of msgsec-milter (packaging/postfix-main.cf.snippet block B), in a
# private network namespace (loopback only).
set -u
O=${O:-build}
export O
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
	echo "skip postfix-chroot (needs root)"
	exit 0
fi
exec unshare --net sh -c "ip link set lo up && /usr/bin/python3 '$top/tests/milter/postfix_chroot_e2e.py'"
