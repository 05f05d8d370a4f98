#!/bin/sh
# tests/pg/run-fleet-pg.sh - two gateways (two private Postfix instances, two
# msgsec-milters) sharing one records database (fleet_pg_e2e.py), in a
# private network namespace with a private cluster (tests/lib/pg.sh).
set -u
O=${O:-build}
export O
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
if [ "$(id -u)" -ne 0 ]; then
	echo "skip fleet-pg (needs root)"
	exit 0
fi
if [ ! -x /usr/sbin/postfix ] || ! command -v smtp-sink >/dev/null 2>&1; then
	echo "skip fleet-pg (Postfix not installed)"
	exit 0
fi
. tests/lib/pg.sh
pg_need
exec unshare --net sh -c "ip link set lo up && . tests/lib/pg.sh &&
	trap pg_destroy EXIT && pg_start && /usr/bin/python3 tests/pg/fleet_pg_e2e.py"
