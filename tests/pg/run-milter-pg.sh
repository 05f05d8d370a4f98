#!/bin/sh
# tests/pg/run-milter-pg.sh - msgsec-milter storing in PostgreSQL, through
# a private Postfix (milter_pg_e2e.py), in a private network namespace,
# with a private cluster (tests/lib/pg.sh).
set -u
O=${O:-build}
export O
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/lib/pg.sh
pg_postfix_e2e milter-pg tests/pg/milter_pg_e2e.py
