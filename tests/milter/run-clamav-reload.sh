#!/bin/sh
# tests/milter/run-clamav-reload.sh - reloads and the virus engine, in both
# clamav.reload modes (concurrent, blocking), on a generated database big
# enough that building the engine takes a noticeable time (400,000 hash and
# 15,000 body signatures by default: about 2 s under ASan; MSGSEC_RELOAD_HDB
# and MSGSEC_RELOAD_NDB change it):
#   - a rule edited, then SIGHUP: the new rule applies, the engine is NOT
#     rebuilt (log line, metric reloads_total{what="engine",
#     result="unchanged"}, the time it took);
#   - a database file added, then SIGHUP: the engine IS rebuilt, and an
#     EICAR message sent while it is being built is rejected as a virus
#     (concurrent: by the old engine, without waiting; blocking: it waits
#     for the new one, reload_delayed_messages_total);
#   - the metrics file (metrics.file) passes `promtool check metrics`
#     (skipped without promtool) and counts what happened.
# Prints "ok NAME" / "FAIL NAME" / "skip NAME why".
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
if ! command -v miltertest >/dev/null 2>&1; then
	echo "skip clamav-reload (miltertest not installed)"
	exit 0
fi
w=$(mktemp -d /tmp/msgsec-cr.XXXXXX)
chmod 755 "$w"
db=$w/db
if ! sh tests/data/make-clamav-db.sh "$db" >/dev/null 2>&1; then
	echo "skip clamav-reload (no clamav-testfiles for the test database)"
	rm -rf "$w"
	exit 0
fi
/usr/bin/python3 tests/data/make-big-clamav-db.py "$db" \
	--hdb "${MSGSEC_RELOAD_HDB:-400000}" --ndb "${MSGSEC_RELOAD_NDB:-15000}"
chmod -R a+rX "$db"
cp tests/milter/common.lua "$w/"
cp -R rules "$w/rules"
chmod -R a+rX "$w/rules"
mkdir "$w/metrics"
chown nobody "$w/metrics" 2>/dev/null || chmod 777 "$w/metrics"

# metric FILE NAME{LABELS}: its value, or nothing.
metric() {
	awk -v k="$2" '$1 == k { print $2 }' "$1"
}
# Wait (at most $3 tenths of a second) until file $1 has $2 lines matching.
wait_lines() {	# file pattern count [tenths]
	n=0
	while [ "$(grep -c "$2" "$1")" -lt "$3" ] && [ $n -lt "${4:-600}" ]; do
		sleep 0.1
		n=$((n + 1))
	done
}
# Wait until the metrics file was written after now.
fresh_metrics() {	# file
	t=$(date +%s)
	n=0
	while [ $n -lt 50 ]; do
		if [ -f "$1" ] && [ "$(stat -c %Y "$1")" -gt "$t" ]; then
			return 0
		fi
		sleep 0.1
		n=$((n + 1))
	done
}

run_mode() {	# concurrent|blocking
	mode=$1
	log=$w/milter-$mode.log
	prom=$w/metrics/milter-$mode.prom
	sock=$w/milter-$mode.sock
	rm -f "$w/rules/policy/zz-reload.yaml"
	"$O/msgsec-milter" -f -c "$w/rules/msgsec.yaml" \
		--set "milter.socket=unix:$sock" \
		--set "paths.quarantine=$w/quarantine" \
		--set "alerts.file=$w/alerts-$mode.json" \
		--set "clamav.database=$db" --set "clamav.reload=$mode" \
		--set clamav.check_seconds=3600 \
		--set "metrics.file=$prom" --set metrics.interval=1 \
		-u nobody >"$log" 2>&1 &
	pid=$!
	i=0
	while [ ! -S "$sock" ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	mt() {	# script phase [expect]
		miltertest -D "socket=unix:$sock" -D "dir=$w" \
			-D "phase=$mode-$2" -D "expect=${3:-}" -s "$1" 2>&1
	}
	mt tests/milter/clamav/eicar.lua before
	built=$(grep -c "signatures from" "$log")

	# 1. A rule edited: the policy reloads, the engine stays.
	cat >"$w/rules/policy/zz-reload.yaml" <<'RULES'
rules:
  - { id: test.reload-marker, policy: "1.2", match: { subject: { regex: reload-marker } }, action: reject }
RULES
	chmod a+r "$w/rules/policy/zz-reload.yaml"
	kill -HUP "$pid"
	wait_lines "$log" "engine kept" 1 100
	mt tests/milter/reload/marker.lua rule reject |
		sed "s|miltertest/reload-$mode-rule|clamav-reload/$mode-rule-applies|"
	fresh_metrics "$prom"
	kept=$(metric "$prom" 'msgsec_milter_reloads_total{what="engine",result="unchanged"}')
	secs=$(metric "$prom" 'msgsec_milter_reload_last_seconds{what="engine"}')
	if grep -q "virus scanner: database unchanged: engine kept" "$log" &&
		[ "$(grep -c "signatures from" "$log")" -eq "$built" ] &&
		[ "$kept" = 1 ] &&
		awk -v s="$secs" 'BEGIN { exit !(s != "" && s < 0.2) }'; then
		echo "ok clamav-reload/$mode-policy-only-keeps-engine ($secs s)"
	else
		echo "FAIL clamav-reload/$mode-policy-only-keeps-engine (kept=$kept secs=$secs)"
		tail -5 "$log"
	fi

	# 2. The database changed: rebuilt; a message during the build is
	# scanned.
	echo "Msgsec.Test.Extra-$mode:0:*:6d736773656374657374$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
		>"$db/extra-$mode.ndb"
	chmod a+r "$db/extra-$mode.ndb"
	kill -HUP "$pid"
	sleep 0.2
	out=$(mt tests/milter/clamav/eicar.lua during-rebuild)
	echo "$out"
	now=$(grep -c "signatures from" "$log")
	if [ "$mode" = concurrent ]; then
		# Answered before the new engine was published: the old
		# one scanned it, nobody waited.
		if [ "$now" -eq "$built" ]; then
			echo "ok clamav-reload/$mode-scanned-while-building"
		else
			echo "FAIL clamav-reload/$mode-scanned-while-building (the build ended first: use a bigger MSGSEC_RELOAD_HDB)"
		fi
	fi
	wait_lines "$log" "signatures from" $((built + 1))
	fresh_metrics "$prom"
	ok=$(metric "$prom" 'msgsec_milter_reloads_total{what="engine",result="ok"}')
	secs=$(metric "$prom" 'msgsec_milter_reload_last_seconds{what="engine"}')
	if [ "$(grep -c "signatures from" "$log")" -eq $((built + 1)) ] &&
		grep -q "$mode reload" "$log" && [ "$ok" = 2 ]; then
		echo "ok clamav-reload/$mode-database-change-rebuilds ($secs s)"
	else
		echo "FAIL clamav-reload/$mode-database-change-rebuilds (ok=$ok)"
		tail -5 "$log"
	fi
	delayed=$(metric "$prom" msgsec_milter_reload_delayed_messages_total)
	if [ "$mode" = blocking ]; then
		if [ "${delayed:-0}" -ge 1 ] && case $out in ok*) true ;; *) false ;; esac; then
			echo "ok clamav-reload/$mode-message-waited-then-scanned"
		else
			echo "FAIL clamav-reload/$mode-message-waited-then-scanned (delayed=$delayed)"
		fi
	elif [ "${delayed:-0}" -ne 0 ]; then
		echo "FAIL clamav-reload/$mode-no-message-delayed (delayed=$delayed)"
	fi

	# 3. The metrics file.
	rej=$(metric "$prom" 'msgsec_milter_messages_total{direction="inbound",verdict="reject"}')
	hits=$(metric "$prom" 'msgsec_milter_rule_hits_total{rule="virus.found"}')
	sigs=$(metric "$prom" msgsec_milter_clamav_signatures)
	if [ "${rej:-0}" -ge 3 ] && [ "${hits:-0}" -ge 2 ] && [ "${sigs:-0}" -gt 400000 ]; then
		echo "ok clamav-reload/$mode-metrics-count"
	else
		echo "FAIL clamav-reload/$mode-metrics-count (reject=$rej virus.found=$hits sigs=$sigs)"
	fi
	if command -v promtool >/dev/null 2>&1; then
		if po=$(promtool check metrics <"$prom" 2>&1); then
			echo "ok clamav-reload/$mode-promtool"
		else
			echo "FAIL clamav-reload/$mode-promtool"
			echo "$po" | head -5
		fi
	else
		echo "skip clamav-reload/$mode-promtool (promtool not installed: package prometheus)"
	fi
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	if [ $rc -ne 0 ] || grep -q 'ERROR: AddressSanitizer\|runtime error' "$log"; then
		echo "FAIL clamav-reload/$mode-clean-stop (exit $rc)"
		tail -20 "$log"
	fi
}

run_mode concurrent
run_mode blocking
rm -rf "$w"
