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
. tests/lib/pg.sh
pg_postfix_e2e alerts-pg tests/pg/alerts_pg_e2e.py scapy
