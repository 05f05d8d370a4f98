#!/bin/sh
# tests/pg/run-alerts-pg.sh - alerts.output: postgresql: the sensor and
# msgsec-milter (through a private Postfix) writing alerts into a private
# cluster (tests/lib/pg.sh), the admin command reading them back, the
# database stopped meanwhile (alerts_pg_e2e.py); in a private network
# namespace.
set -u
O=${O:-build}
export O
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
if [ "$(id -u)" -ne 0 ]; then
	echo "skip alerts-pg (needs root)"
	exit 0
fi
if [ ! -x /usr/sbin/postfix ] || ! command -v smtp-sink >/dev/null 2>&1; then
	echo "skip alerts-pg (Postfix not installed)"
	exit 0
fi
if ! /usr/bin/python3 -c 'import scapy.all' 2>/dev/null; then
	echo "skip alerts-pg (scapy not installed for /usr/bin/python3)"
	exit 0
fi
. tests/lib/pg.sh
pg_need
exec unshare --net sh -c "ip link set lo up && . tests/lib/pg.sh &&
	trap pg_destroy EXIT && pg_start && /usr/bin/python3 tests/pg/alerts_pg_e2e.py"
