#!/bin/sh
# tests/milter/run-miltertest.sh - drive msgsec-milter over its socket with
# miltertest (OpenDKIM's milter test harness).  Prints "ok NAME" / "FAIL
# NAME" / "skip NAME why" per script.
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
if ! command -v miltertest >/dev/null 2>&1; then
	echo "skip miltertest (miltertest not installed)"
	exit 0
fi
wait_sock() {	# path: up to 10 s for a milter's socket to appear
	i=0
	while [ ! -S "$1" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
w=$(mktemp -d /tmp/msgsec-mt.XXXXXX)
chmod 755 "$w"
db=${MSGSEC_CLAMAV_DB:-$w/clamav-db}
[ -f "$db/test.hdb" ] || sh tests/data/make-clamav-db.sh "$db" >/dev/null
cp tests/milter/common.lua "$w/"
cp -R rules "$w/rules"
"$O/msgsec-milter" -f -c "$w/rules/msgsec.yaml" \
	--set "milter.socket=unix:$w/milter.sock" \
	--set "paths.quarantine=$w/quarantine" \
	--set "alerts.file=$w/alerts.json" \
	--set "milter.internal_networks=[192.0.2.0/24]" \
	--set "clamav.database=$db" \
	-u nobody >"$w/milter.log" 2>&1 &
pid=$!
wait_sock "$w/milter.sock"
for t in tests/milter/*.lua; do
	case $t in */common.lua) continue ;; esac
	out=$(miltertest -D "socket=unix:$w/milter.sock" -D "dir=$w" -s "$t" 2>&1)
	rc=$?
	echo "$out"
	if [ $rc -ne 0 ] && ! echo "$out" | grep -q '^FAIL '; then
		echo "FAIL miltertest/$(basename "$t" .lua) (miltertest exit $rc)"
	fi
done
# SIGHUP reloads: a new rule applies without a restart; a broken file is
# refused and the running policy stays.
mt() {	# phase expect
	miltertest -D "socket=unix:$w/milter.sock" -D "dir=$w" -D "phase=$1" \
		-D "expect=$2" -s tests/milter/reload/marker.lua 2>&1
}
mt before accept
cat >"$w/rules/policy/zz-reload.yaml" <<'RULES'
rules:
  - { id: test.reload-marker, policy: "1.2", match: { subject: { regex: reload-marker } }, action: reject }
RULES
kill -HUP "$pid"
sleep 0.5
mt after-hup reject
echo "rules: [ { id: broken, acton: log } ]" >"$w/rules/policy/zz-broken.yaml"
kill -HUP "$pid"
sleep 0.5
mt after-bad-hup reject
if grep -q "reload failed" "$w/milter.log" &&
	grep -q "zz-broken.yaml:1:.*unknown key 'acton'" "$w/milter.log"; then
	echo "ok miltertest/reload-diagnostics"
else
	echo "FAIL miltertest/reload-diagnostics"
	tail -5 "$w/milter.log"
fi
# SIGTERM: lets messages in flight finish, then stops cleanly (exit 0, and
# no leak report from the sanitizers).
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc=$?
if [ $rc -eq 0 ] && grep -q "stopped" "$w/milter.log"; then
	echo "ok miltertest/sigterm"
else
	echo "FAIL miltertest/sigterm (exit $rc)"
fi
# The virus database: none at first (mail deferred), then one appears in
# the folder and is picked up without a restart.
mkdir -p "$w/db2"
rm -f "$w/rules/policy/zz-broken.yaml"
"$O/msgsec-milter" -f -c "$w/rules/msgsec.yaml" \
	--set "milter.socket=unix:$w/milter2.sock" \
	--set "paths.quarantine=$w/quarantine" \
	--set "alerts.file=$w/alerts2.json" \
	--set "clamav.database=$w/db2" --set clamav.check_seconds=1 \
	-u nobody >"$w/milter2.log" 2>&1 &
pid2=$!
wait_sock "$w/milter2.sock"
dbt() {	# phase expect
	miltertest -D "socket=unix:$w/milter2.sock" -D "dir=$w" -D "phase=$1" \
		-D "expect=$2" -s tests/milter/reload/db.lua 2>&1
}
dbt no-database tempfail
sleep 1.1
sh tests/data/make-clamav-db.sh "$w/db2" >/dev/null
sleep 2.5
dbt database-appeared accept
if grep -q "virus database changed" "$w/milter2.log"; then
	echo "ok miltertest/clamav-reload-logged"
else
	echo "FAIL miltertest/clamav-reload-logged"
	tail -5 "$w/milter2.log"
fi
kill -TERM "$pid2"
wait "$pid2"

# Journaling: the archives added as envelope recipients (journal/*.lua),
# by a milter with journal.address and DEP's journal_address set.
cp -R "$w/rules" "$w/rules-journal"
rm -f "$w/rules-journal/policy/zz-reload.yaml"
sed -i '/official_im: \[teams.dep.mass.example\]/a\
    journal_address: records@archive.dep.mass.example' \
	"$w/rules-journal/agencies/agencies.yaml"
"$O/msgsec-milter" -f -c "$w/rules-journal/msgsec.yaml" \
	--set "milter.socket=unix:$w/milter-j.sock" \
	--set "paths.quarantine=$w/quarantine" \
	--set "alerts.file=$w/alerts-j.json" \
	--set "milter.internal_networks=[192.0.2.0/24]" \
	--set "clamav.database=$db" \
	--set "journal.address=journal@records.mass.example" \
	-u nobody >"$w/milter-j.log" 2>&1 &
pidj=$!
wait_sock "$w/milter-j.sock"
out=$(miltertest -D "socket=unix:$w/milter-j.sock" -D "dir=$w" \
	-s tests/milter/journal/journal.lua 2>&1)
rc=$?
echo "$out"
[ $rc -eq 0 ] || echo "$out" | grep -q '^FAIL ' ||
	echo "FAIL miltertest/journal (miltertest exit $rc)"
kill -TERM "$pidj"
wait "$pidj"
if grep -q "journaled to records@archive.dep.mass.example" "$w/milter-j.log" &&
	grep -q "did not offer SMFIF_ADDRCPT" "$w/milter-j.log" &&
	! grep -q 'ERROR: AddressSanitizer\|runtime error' "$w/milter-j.log"; then
	echo "ok miltertest/journal-log"
else
	echo "FAIL miltertest/journal-log"
	tail -20 "$w/milter-j.log"
fi

# The same verdicts over loopback TCP (no-reply steps and the QUICKACK
# shims are in play there).
port=18025
"$O/msgsec-milter" -f -c "$w/rules/msgsec.yaml" -p "inet:$port@127.0.0.1" \
	--set "paths.quarantine=$w/quarantine" --set "alerts.file=$w/alerts3.json" \
	--set "clamav.database=$db" -u nobody >"$w/milter3.log" 2>&1 &
pid3=$!
sleep 1
for t in reject-exe tag-spam clean; do
	miltertest -D "socket=inet:$port@127.0.0.1" -D "dir=$w" \
		-s "tests/milter/$t.lua" 2>&1 | sed 's|^ok miltertest/|ok miltertest/tcp-|; s|^FAIL miltertest/|FAIL miltertest/tcp-|'
done
kill -TERM "$pid3"
wait "$pid3"

# Every hit is an alert line of valid JSON.
if [ -s "$w/alerts.json" ] && /usr/bin/python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    json.loads(line); n += 1
sys.exit(0 if n > 0 else 1)' "$w/alerts.json"; then
	echo "ok miltertest/alerts-json"
else
	echo "FAIL miltertest/alerts-json"
fi
# Rejected and quarantined messages were stored (clause 5).
n=$(find "$w/quarantine" -name message.eml 2>/dev/null | wc -l)
if [ "$n" -ge 3 ]; then
	echo "ok miltertest/stored ($n messages in the quarantine store)"
else
	echo "FAIL miltertest/stored (only $n messages stored)"
	cat "$w/milter.log"
fi
if grep -q 'ERROR: AddressSanitizer\|runtime error' "$w/milter.log"; then
	echo "FAIL miltertest/sanitizers"
	cat "$w/milter.log"
else
	echo "ok miltertest/sanitizers"
fi
rm -rf "$w"
