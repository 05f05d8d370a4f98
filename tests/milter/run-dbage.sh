#!/bin/sh
# tests/milter/run-dbage.sh - scanner health for the office: a virus
# database whose newest file is older than clamav.max_age_days is an alert
# (scanner.database-old, event_type scanner) that `msgsec alerts summary`
# counts under scanner health and the report shows apart from policy
# hits; a fresh one is none.
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
w=$(mktemp -d /tmp/msgsec-dbage.XXXXXX)
trap 'rm -rf "$w"' EXIT
chmod 755 "$w"
user=
if [ "$(id -u)" -eq 0 ]; then
	user="-u nobody"
	chown nobody "$w"
fi
if ! sh tests/data/make-clamav-db.sh "$w/db" >/dev/null 2>&1; then
	echo "skip dbage (no test virus database: clamav-testfiles)"
	exit 0
fi
run() {	# NAME: start the milter on $w/db, let it load, stop it
	rm -f "$w/alerts.json" "$w/m.sock"
	"$O/msgsec-milter" -f -c rules/msgsec.yaml \
		--set "milter.socket=unix:$w/m.sock" \
		--set "paths.quarantine=$w/q" --set "paths.state=$w" \
		--set "alerts.file=$w/alerts.json" \
		--set "clamav.database=$w/db" --set clamav.max_age_days=7 \
		$user >"$w/$1.log" 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 300 ] && ! grep -q 'listening on' "$w/$1.log"; do
		sleep 0.1
		i=$((i + 1))
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}
touch -d '30 days ago' "$w"/db/*
run old
if grep -q '"rule":"scanner.database-old"' "$w/alerts.json" 2>/dev/null &&
    grep -q '"age_days":30' "$w/alerts.json"; then
	echo "ok dbage/old-alert"
else
	echo "FAIL dbage/old-alert"
	sed 's/^/    /' "$w/old.log" | tail -5
fi
"$O/msgsec" -c rules/msgsec.yaml alerts summary --json "$w/alerts.json" \
	>"$w/sum.json" 2>&1
if grep -q '"scanner_health"' "$w/sum.json" &&
    grep -q 'scanner.database-old' "$w/sum.json"; then
	echo "ok dbage/summary-health"
else
	echo "FAIL dbage/summary-health"
	sed 's/^/    /' "$w/sum.json" | head -5
fi
"$O/msgsec" -c rules/msgsec.yaml report --html "$w/r.html" \
	--alerts "$w/alerts.json" --since 2000-01-01 >/dev/null 2>&1
if grep -q 'id="health"' "$w/r.html" 2>/dev/null &&
    sed -n '/id="health"/,/<\/section>/p' "$w/r.html" |
    grep -q 'scanner.database-old'; then
	echo "ok dbage/report-health"
else
	echo "FAIL dbage/report-health"
fi
touch "$w"/db/*
run fresh
if [ -f "$w/alerts.json" ] && grep -q 'scanner.database-old' "$w/alerts.json"; then
	echo "FAIL dbage/fresh-no-alert"
else
	echo "ok dbage/fresh-no-alert"
fi
