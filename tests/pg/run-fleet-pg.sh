#!/bin/sh
# tests/pg/run-fleet-pg.sh - two gateways (two private Postfix instances, two
# msgsec-milters) sharing one records database (fleet_pg_e2e.py), in a
# private network namespace with a private cluster (tests/lib/pg.sh).
set -u
O=${O:-build}
export O
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/lib/pg.sh
pg_postfix_e2e fleet-pg tests/pg/fleet_pg_e2e.py
