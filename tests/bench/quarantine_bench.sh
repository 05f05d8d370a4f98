#!/bin/sh
# tests/bench/quarantine_bench.sh O - quarantine_bench.py (blocked-message
# throughput, folder store and PostgreSQL side by side) in a private
# network namespace with a private cluster (tests/lib/pg.sh).
set -u
O=${1:-build/bench}
export O
cd "$(dirname "$0")/../.." || exit 1
if [ "$(id -u)" -ne 0 ]; then
	echo "needs root: skipped"
	exit 0
fi
if [ ! -x /usr/sbin/postfix ] || ! command -v smtp-source >/dev/null 2>&1; then
	echo "Postfix not installed: skipped"
	exit 0
fi
. tests/lib/pg.sh
pg_bin >/dev/null || { echo "no PostgreSQL server: skipped"; exit 0; }
exec unshare --net sh -c "ip link set lo up && . tests/lib/pg.sh &&
	trap pg_destroy EXIT && pg_start >/dev/null && /usr/bin/python3 tests/bench/quarantine_bench.py"
