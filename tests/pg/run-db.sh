#!/bin/sh
# tests/pg/run-db.sh - `msgsec db init|migrate|status` against a real
# PostgreSQL in a private folder (tests/lib/pg.sh): the schema is created
# once whatever the number of runs, two runs at once create it once, a
# newer schema is refused and left alone, an unreachable server and the
# folder backend get a clear one-line answer.  Prints "ok NAME" or "FAIL
# NAME"; "skip ..." and 77 without PostgreSQL.
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/lib/pg.sh
pg_need
bin=$top/$O/msgsec
tmp=$(mktemp -d)
trap 'pg_destroy; rm -rf "$tmp"' EXIT
pg_start || { echo "FAIL pg-start"; exit 1; }

. tests/lib/check.sh

pgcmd() {	# msgsec args... on the database: output in ${out:-$tmp/out}, exit status in $rc
	"$bin" "$@" -c rules/msgsec.yaml --set quarantine.backend=postgresql \
		--set "quarantine.dsn=$PG_DSN" >"${out:-$tmp/out}" 2>&1
	rc=$?
}
db() { pgcmd db "$@"; }
has() { grep -q -- "$1" "$tmp/out"; }
q() { $PG_PSQL "$PG_DSN" -c "$1"; }

db status
check status-empty test "$rc" -eq 1 -a "$(cat "$tmp/out")" = \
	"no msgsec schema (this msgsec uses version 2): run 'msgsec db init'"

db init
check init-creates test "$rc" -eq 0 -a "$(cat "$tmp/out")" = "created schema version 2"
check init-tables test "$(q "SELECT count(*) FROM pg_tables WHERE tablename IN
	('msgsec_schema', 'msgsec_message', 'msgsec_pass', 'msgsec_audit',
	 'msgsec_alert')")" = 5

db init
check init-again-nothing test "$rc" -eq 0 -a "$(cat "$tmp/out")" = "schema version 2: nothing to do"
db migrate
check migrate-nothing test "$rc" -eq 0 -a "$(cat "$tmp/out")" = "schema version 2: nothing to do"
db status
check status-current test "$rc" -eq 0 -a "$(cat "$tmp/out")" = "schema version 2: up to date"
check schema-rows test "$(q "SELECT count(*) FROM msgsec_schema")" = 2

# Two first runs at once on a fresh database: one creates, one waits and
# finds nothing to do.
q "DROP SCHEMA public CASCADE; CREATE SCHEMA public" >/dev/null 2>&1
( out=$tmp/a; db init; echo $rc >"$tmp/a.rc" ) &
( out=$tmp/b; db init; echo $rc >"$tmp/b.rc" ) &
wait
cat "$tmp/a" "$tmp/b" >"$tmp/out"
check concurrent-init-once test "$(cat "$tmp/a.rc" "$tmp/b.rc" | tr -d '\n')" = 00 -a \
	"$(grep -c '^created schema version 2$' "$tmp/out")" = 1 -a \
	"$(grep -c '^schema version 2: nothing to do$' "$tmp/out")" = 1
check concurrent-schema-rows test "$(q "SELECT count(*) FROM msgsec_schema")" = 2

# A version 1 database (what migration 1 made: alert lines as jsonb, one
# row in it) moves to version 2 by migrate, its alert kept; the milter and
# the admin command refuse it until then.
q "DROP TRIGGER msgsec_alert_keys ON msgsec_alert; DROP FUNCTION msgsec_alert_keys();
	DROP TRIGGER msgsec_alert_unkeys ON msgsec_alert;
	DROP TRIGGER msgsec_alert_truncate ON msgsec_alert; DROP FUNCTION msgsec_alert_unkeys();
	DROP TABLE msgsec_alert_key;
	ALTER TABLE msgsec_alert ALTER COLUMN line TYPE jsonb USING line::text::jsonb;
	DELETE FROM msgsec_schema WHERE version = 2;
	INSERT INTO msgsec_alert (at, gateway, policy_hash, line) VALUES
	(now(), 'gw-old', 'abc', '{\"timestamp\":\"2026-01-01T00:00:00.000000+0000\",\"event_type\":\"mail\"}')" >/dev/null
db status
check status-v1 test "$rc" -eq 1 -a "$(cat "$tmp/out")" = \
	"schema version 1, this msgsec uses 2: run 'msgsec db migrate'"
pgcmd quarantine list
check v1-refused test "$rc" -eq 1 && has "run 'msgsec db migrate'"
db migrate
check migrate-v1-v2 test "$rc" -eq 0 -a "$(cat "$tmp/out")" = "migrated schema from version 1 to 2"
check migrate-v2-json test "$(q "SELECT data_type FROM information_schema.columns
	WHERE table_name = 'msgsec_alert' AND column_name = 'line'")" = json
check migrate-v2-row-kept test "$(q "SELECT gateway || ' ' || (line->>'event_type') FROM msgsec_alert")" = "gw-old mail"
check migrate-v2-row-keys test "$(q "SELECT k.gateway || ' ' || k.event_type || ' ' || k.msg FROM msgsec_alert_key k
	JOIN msgsec_alert a USING (seq)")" = "gw-old \"mail\" \"2026-01-01T00:00:00.000000+0000\"	"
db migrate
check migrate-v2-again test "$rc" -eq 0 -a "$(cat "$tmp/out")" = "schema version 2: nothing to do"
# A \u0000 from a hostile peer (PostgreSQL's json functions refuse it):
# the row goes in, the line kept as written, its keys read with U+FFFD.
printf '%s\n' "INSERT INTO msgsec_alert (at, gateway, line) VALUES (now(), 'gw-nul',
	'{\"timestamp\":\"2026-01-02T00:00:00.000000+0000\",\"event_type\":\"webmail\",\"hostname\":\"a\\u0000b\"}')" >"$tmp/nul.sql"
$PG_PSQL "$PG_DSN" -f "$tmp/nul.sql" >"$tmp/out" 2>&1
check nul-row-stored test "$(q "SELECT count(*) FROM msgsec_alert_key WHERE gateway = 'gw-nul'
	AND hostname = '\"a' || chr(65533) || 'b\"'")" = 1 &&
	test "$(q "SELECT line FROM msgsec_alert WHERE gateway = 'gw-nul'")" = \
	'{"timestamp":"2026-01-02T00:00:00.000000+0000","event_type":"webmail","hostname":"a\u0000b"}'
q "DELETE FROM msgsec_alert" >/dev/null
check delete-takes-keys test "$(q "SELECT count(*) FROM msgsec_alert_key")" = 0

# A schema from a newer msgsec: refused, nothing changed.
q "INSERT INTO msgsec_schema (version, by_msgsec) VALUES (3, 'msgsec 9')" >/dev/null
db status
check status-newer test "$rc" -eq 1 -a "$(cat "$tmp/out")" = \
	"schema version 3 is newer than this msgsec's 2: run a newer msgsec"
db migrate
check migrate-newer-refused test "$rc" -eq 1 && has "newer than this msgsec's 2: nothing changed"
check migrate-newer-untouched test "$(q "SELECT count(*) FROM msgsec_schema")" = 3
q "DELETE FROM msgsec_schema WHERE version = 3" >/dev/null

# The folder backend has no database.
"$bin" db init -c rules/msgsec.yaml >"$tmp/out" 2>&1
rc=$?
check files-backend-refused test "$rc" -eq 1 && has "quarantine.backend is files and alerts.output is not postgresql"

# A password in the connection string is refused where it is written.
"$bin" db status -c rules/msgsec.yaml --set quarantine.backend=postgresql \
	--set "quarantine.dsn=host=$PG_DIR password=secret" >"$tmp/out" 2>&1
rc=$?
check dsn-password-refused test "$rc" -eq 1 && has "must not hold a password"

# The admin command reads the database's quarantine (empty here).
pgcmd quarantine list
check quarantine-list-database test "$rc" -eq 0 && has "no quarantined message matches"

# No server: one line saying so.
pg_stop
db status
check unreachable-one-line test "$rc" -eq 1 -a "$(wc -l <"$tmp/out")" -eq 1 && has "^msgsec db: database: "
db init
check unreachable-init test "$rc" -eq 1 && has "^msgsec db: database: "
pgcmd quarantine list
check unreachable-quarantine-list test "$rc" -eq 1 && has "^msgsec quarantine list: database: "
pg_start
db status
check restarted-current test "$rc" -eq 0

[ "$fails" -eq 0 ]
