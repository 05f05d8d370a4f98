#!/bin/sh
# tests/pg/run-import.sh - `msgsec quarantine import` against a real
# PostgreSQL in a private folder (tests/lib/pg.sh): a folder store made
# by the real milter (msgsec-milter --test --store) and the golden
# fixture, with a legal hold, an unconsumed release pass, an audit trail
# and broken entries, moved into the database: every sha256 the file's,
# the hold and the pass kept, list/show/release working on the imported
# entries; a second run imports nothing twice; the same id with other
# bytes is refused; --keep keeps the folder copy; an injected database
# error and a killed import remove nothing that was not committed.
# Prints "ok NAME" or "FAIL NAME"; "skip ..." and 77 without PostgreSQL.
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/lib/pg.sh
pg_need
bin=$top/$O/msgsec
milter=$top/$O/msgsec-milter
tmp=$(mktemp -d)
trap 'pg_destroy; rm -rf "$tmp"' EXIT
pg_start || { echo "FAIL pg-start"; exit 1; }

. tests/lib/check.sh

W=$tmp/w
Q=$W/state/quarantine
mkdir -p "$W/state" "$Q"
cp -R rules "$W/rules"
cp -R tests/golden/quarantine/store/. "$Q/"
conf=$W/rules/msgsec.yaml
files() {	# msgsec args... on the folder store
	"$bin" "$@" -c "$conf" >"$tmp/out" 2>&1
	rc=$?
}
pgcmd() {	# msgsec args... on the database
	"$bin" "$@" -c "$conf" --set quarantine.backend=postgresql \
		--set "quarantine.dsn=$PG_DSN" >"${out:-$tmp/out}" 2>&1
	rc=$?
}
has() { grep -q -- "$1" "$tmp/out"; }
q() { $PG_PSQL "$PG_DSN" -c "$1"; }
entries() { find "$Q" -mindepth 1 -maxdepth 1 -type d ! -name '.*' | wc -l; }
sums() {	# "ID SHA256" of every folder entry
	for e in "$Q"/*/; do
		[ -f "$e/message.eml" ] || continue
		echo "$(basename "$e") $(sha256sum <"$e/message.eml" | cut -d' ' -f1)"
	done
}
dbsums() { q "SELECT id || ' ' || encode(sha256(bytes), 'hex') FROM msgsec_message ORDER BY id"; }

# Blocked messages stored by the real milter: an .exe attachment each.
for i in 1 2 3; do
	printf 'From: a@example.org\r\nTo: user@dep.mass.example\r\nSubject: invoice %s\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\nMessage-ID: <imp-%s@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: application/octet-stream; name="setup.exe"\r\nContent-Disposition: attachment; filename="setup.exe"\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAA==\r\n--b--\r\n' "$i" "$i" >"$tmp/m$i.eml"
	"$milter" -c "$conf" --set clamav.enabled=false --test "$tmp/m$i.eml" \
		--from a@example.org --rcpt user@dep.mass.example --store >/dev/null 2>&1
done
check milter-stored test "$(entries)" -eq 7

pgcmd db init
check db-init test "$rc" -eq 0

# On the folder store: a legal hold and an unconsumed release pass (a
# sendmail that takes the message and delivers nothing).
held=20261125T083000Z-7C1D2E3F4A
passed=20261120T101500Z-4F2A1B7C3D
files quarantine hold "$held" --case C-7 --by counsel
check folder-hold test "$rc" -eq 0
printf '#!/bin/sh\ncat >/dev/null\n' >"$tmp/sendmail"
chmod +x "$tmp/sendmail"
files quarantine release "$passed" --by ops --reason "false positive" \
	--set "quarantine.sendmail=$tmp/sendmail"
token=$(ls "$Q/.release")
check folder-pass test "$rc" -eq 0 -a -n "$token"
# Broken entries: meta.json not JSON, no message.eml, a half-written one.
mkdir "$Q/20261130T000000Z-BADMETA001" "$Q/20261130T000000Z-NOMESSAGE1" \
	"$Q/.tmp-20261130T000000Z-HALF000001"
echo '{"received": 17' >"$Q/20261130T000000Z-BADMETA001/meta.json"
echo x >"$Q/20261130T000000Z-BADMETA001/message.eml"
cp "$Q/$held/meta.json" "$Q/20261130T000000Z-NOMESSAGE1/"
sums | grep -v -e BADMETA -e NOMESSAGE >"$tmp/sums"
audit_lines=$(wc -l <"$Q/audit.jsonl")

# --dry-run says what it would do and changes nothing.
find "$Q" | sort >"$tmp/before"
pgcmd quarantine import --by "Records Office" --dry-run
check dry-run-says test "$rc" -eq 1 -a "$(grep -c '^would import ' "$tmp/out")" -eq 7 && has '^7 would be imported, 0 skipped (already in the database), 2 failed; nothing changed (--dry-run)$'
check dry-run-changes-nothing test "$(find "$Q" | sort)" = "$(cat "$tmp/before")" -a \
	"$(q "SELECT count(*) FROM msgsec_message") $(q "SELECT count(*) FROM msgsec_audit")" = "0 0"

pgcmd quarantine import --by "Records Office"
cp "$tmp/out" "$tmp/import1"
check import-exit-failed test "$rc" -eq 1
check import-one-line-each test "$(grep -c '^imported .* folder entry removed$' "$tmp/out")" -eq 7 -a \
	"$(grep -c '^failed 20261130T000000Z-BADMETA001: .*meta.json.* (kept)$' "$tmp/out")" -eq 1 -a \
	"$(grep -c '^failed 20261130T000000Z-NOMESSAGE1: message.eml: .* (kept)$' "$tmp/out")" -eq 1 -a \
	"$(grep -c '^left .tmp-20261130T000000Z-HALF000001: a half-written entry' "$tmp/out")" -eq 1
check import-summary has '^7 imported, 0 skipped (already in the database), 2 failed; 7 folder entries removed, 0 kept; 1 pass moved$'
check import-audit-trail has "^audit trail $Q/audit.jsonl: $audit_lines lines added$"
check import-sha256-verified test "$(dbsums)" = "$(cat "$tmp/sums")"
check import-db-sha256-column test "$(q "SELECT count(*) FROM msgsec_message WHERE sha256 = encode(sha256(bytes), 'hex') AND size = length(bytes) AND state = 'held'")" -eq 7
check import-broken-kept test "$(entries)" -eq 2 -a -d "$Q/.tmp-20261130T000000Z-HALF000001"
check import-pass-moved test "$(q "SELECT message_id FROM msgsec_pass WHERE token = '$token' AND consumed IS NULL")" = "$passed" -a ! -e "$Q/.release/$token"
check import-pass-age test "$(q "SELECT abs(extract(epoch FROM created) - $(stat -c %Y "$tmp/sums")) < 60 FROM msgsec_pass")" = t
check import-audited test "$(q "SELECT count(*) FROM msgsec_audit WHERE op = 'imported' AND actor = 'Records Office'")" -eq 7
check import-history test "$(q "SELECT count(*) FROM msgsec_message WHERE meta::text LIKE '%\"action\":\"imported\"%'")" -eq 7
check import-folder-audit test "$(grep -c '"action":"imported"' "$Q/audit.jsonl")" -eq 7

# Held stays held; list, show and release work on the imported entries.
pgcmd quarantine list
check list-imported test "$rc" -eq 0 && has "^7 messages" && has "legal hold: C-7"
pgcmd quarantine show "$held"
check show-imported test "$rc" -eq 0 && has "legal hold: case C-7" && has "Records Office: imported"
pgcmd quarantine delete "$held" --by x --reason y
check held-still-held test "$rc" -eq 1 && has "under legal hold (case C-7)"
out=$tmp/raw pgcmd quarantine extract "$passed" --raw -o "$tmp/raw.eml"
check extract-imported cmp -s "$tmp/raw.eml" "tests/golden/quarantine/store/$passed/message.eml"
pgcmd quarantine release "$passed" --by ops --reason "second try" --force \
	--set "quarantine.sendmail=$tmp/sendmail"
check release-imported test "$rc" -eq 0 -a "$(q "SELECT count(*) FROM msgsec_pass WHERE message_id = '$passed'")" -eq 2
# A statement of the transaction fails (here the history update) and
# COMMIT answers ROLLBACK: said as a failure, never as done (the pass
# commits on its own before the mail goes out, so the milter can honour it).
audits=$(q "SELECT count(*) FROM msgsec_audit")
q "CREATE FUNCTION nometa() RETURNS trigger LANGUAGE plpgsql AS
	\$\$BEGIN RAISE EXCEPTION 'meta is read-only'; END\$\$;
	CREATE TRIGGER nometa BEFORE UPDATE OF meta ON msgsec_message FOR EACH ROW
	EXECUTE FUNCTION nometa()" >/dev/null
pgcmd quarantine release "$passed" --by ops --reason "third try" --force \
	--set "quarantine.sendmail=$tmp/sendmail"
check release-rollback-said test "$rc" -eq 1 && has "was sent, but its record did not commit" &&
	has "rolled the transaction back"
check release-rollback-no-record test "$(q "SELECT count(*) FROM msgsec_audit")" = "$audits" -a \
	"$(q "SELECT count(*) FROM msgsec_pass WHERE message_id = '$passed'")" -eq 3
q "DROP TRIGGER nometa ON msgsec_message; DROP FUNCTION nometa()" >/dev/null

# Again: nothing twice.
rows=$(q "SELECT count(*) FROM msgsec_message"); audits=$(q "SELECT count(*) FROM msgsec_audit")
pgcmd quarantine import --by "Records Office"
check reimport-nothing has '^0 imported, 0 skipped (already in the database), 2 failed' && has "^audit trail .*: 0 lines added$"
check reimport-no-rows test "$(q "SELECT count(*) FROM msgsec_message")" = "$rows" -a \
	"$(q "SELECT count(*) FROM msgsec_audit")" = "$audits"

# --keep; then an entry already there (same bytes) is skipped and its
# folder copy removed; the same id with other bytes is refused.
rm -rf "$Q/20261130T000000Z-BADMETA001" "$Q/20261130T000000Z-NOMESSAGE1"
cp -R "tests/golden/quarantine/store/20180301T000000Z-9E8D7C6B5A" "$Q/20261201T000000Z-KEEP000001"
pgcmd quarantine import --by ops --keep
check keep-imported test "$rc" -eq 0 -a -d "$Q/20261201T000000Z-KEEP000001" && has '^imported 20261201T000000Z-KEEP000001 .*; folder entry kept (--keep)$'
pgcmd quarantine import --by ops
check skip-same-bytes test "$rc" -eq 0 -a ! -d "$Q/20261201T000000Z-KEEP000001" && has '^skipped 20261201T000000Z-KEEP000001 .*: already in the database, same sha256; folder entry removed$'
check skip-recorded test "$(grep -c '"id":"20261201T000000Z-KEEP000001".*"action":"import-skipped"' "$Q/audit.jsonl")" -eq 1
cp -R "tests/golden/quarantine/store/20240105T120000Z-1A2B3C4D5E" "$Q/20261201T000000Z-KEEP000001"
pgcmd quarantine import --by ops
check other-bytes-refused test "$rc" -eq 1 -a -d "$Q/20261201T000000Z-KEEP000001" && has '^failed 20261201T000000Z-KEEP000001: the database holds 20261201T000000Z-KEEP000001 with other bytes'
check other-bytes-untouched test "$(q "SELECT size FROM msgsec_message WHERE id = '20261201T000000Z-KEEP000001'")" -eq 261
rm -rf "$Q/20261201T000000Z-KEEP000001"

# Many entries for the faults: copies of one with different bytes.
many() {	# N TAG: N entries 20261202T0000NNZ-TAGNN
	for i in $(seq 1 "$1"); do
		i=$(printf %02d "$i")
		e=$Q/20261202T0000${i}Z-$2$i
		mkdir "$e"
		cp "tests/golden/quarantine/store/$passed/meta.json" "$e/"
		{ printf 'X-Copy: %s\r\n' "$i"; cat "tests/golden/quarantine/store/$passed/message.eml"; } >"$e/message.eml"
	done
}
# A database error on one row (a trigger refuses it): that entry is kept,
# the others go.
many 5 ERR
sums >"$tmp/sums"
q "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN
	IF NEW.id LIKE '%ERR03' THEN RAISE EXCEPTION 'injected failure'; END IF;
	RETURN NEW; END \$\$;
	CREATE TRIGGER refuse BEFORE INSERT ON msgsec_message FOR EACH ROW EXECUTE FUNCTION refuse()"
pgcmd quarantine import --by ops
check db-error-exit test "$rc" -eq 1 && has '^failed 20261202T000003Z-ERR03: database: import: ERROR:  injected failure'
check db-error-kept test "$(entries)" -eq 1 -a -f "$Q/20261202T000003Z-ERR03/message.eml"
check db-error-others-in test "$(q "SELECT count(*) FROM msgsec_message WHERE id LIKE '%ERR%'")" -eq 4
q "DROP TRIGGER refuse ON msgsec_message"
# The table read-only (its writes revoked from the importing role would
# need a second role: a trigger refusing every write does the same).
q "CREATE TRIGGER refuse_all BEFORE INSERT ON msgsec_message FOR EACH ROW EXECUTE FUNCTION refuse_all()" 2>/dev/null ||
q "CREATE FUNCTION refuse_all() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN
	RAISE EXCEPTION 'read-only'; END \$\$;
	CREATE TRIGGER refuse_all BEFORE INSERT ON msgsec_message FOR EACH ROW EXECUTE FUNCTION refuse_all()"
pgcmd quarantine import --by ops
check read-only-kept test "$rc" -eq 1 -a "$(entries)" -eq 1 && has '^0 imported, 0 skipped (already in the database), 1 failed'
q "DROP TRIGGER refuse_all ON msgsec_message"
pgcmd quarantine import --by ops
check after-error-imported test "$rc" -eq 0 -a "$(entries)" -eq 0 && has '^1 imported'

# Killed mid-way (each row made slow): what is gone from the folder is
# committed with the file's sha256; a second run finishes the rest.
many 12 KILL
sums >"$tmp/sums"
q "CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN
	PERFORM pg_sleep(0.3); RETURN NEW; END \$\$;
	CREATE TRIGGER slow BEFORE INSERT ON msgsec_message FOR EACH ROW EXECUTE FUNCTION slow()"
"$bin" quarantine import --by ops -c "$conf" --set quarantine.backend=postgresql \
	--set "quarantine.dsn=$PG_DSN" >"$tmp/killed" 2>&1 &
pid=$!
sleep 2
kill -9 "$pid"
wait "$pid" 2>/dev/null
q "DROP TRIGGER slow ON msgsec_message"
left=$(entries)
gone_ok=1
while read -r id sum; do
	[ -d "$Q/$id" ] && continue
	[ "$(q "SELECT sha256 FROM msgsec_message WHERE id = '$id'")" = "$sum" ] || gone_ok=0
done <"$tmp/sums"
cp "$tmp/killed" "$tmp/out"
check killed-mid-way test "$left" -gt 0 -a "$left" -lt 12
check killed-nothing-lost test "$gone_ok" -eq 1
pgcmd quarantine import --by ops
check killed-then-finished test "$rc" -eq 0 -a "$(entries)" -eq 0
check killed-all-in test "$(q "SELECT id || ' ' || sha256 FROM msgsec_message WHERE id LIKE '%KILL%' ORDER BY id")" = "$(cat "$tmp/sums")"

# The folder backend has nothing to import into.
files quarantine import --by ops
check files-backend-refused test "$rc" -eq 1 && has "quarantine.backend is files"
pgcmd quarantine import
check import-needs-by test "$rc" -eq 1 && has "missing --by"

[ "$fails" -eq 0 ]
