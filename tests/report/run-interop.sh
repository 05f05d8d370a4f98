#!/bin/sh
# tests/report/run-interop.sh - the alert lines msgsec-milter and
# msgsec-sensor really write are read by `msgsec alerts` with none
# malformed, every alert counted once, and the report draws them.
#
#   mail: msgsec-milter --test --alerts on every tests/golden/mail/*.eml
#         (with its .args), into one log
#   net:  msgsec-sensor -r on every capture in $O/pcap-cases (built by
#         tests/pcap/run-pcap.sh, which runs before this script), flow log
#         into the same file as the alerts (flow records are left out of
#         reviews unless asked for)
# Prints "ok NAME", "FAIL NAME" or "skip NAME why".
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
msgsec=$top/$O/msgsec
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check NAME LOG: the log reads whole, each line an alert or a flow record.
check() {
	name=$1
	log=$2
	lines=$(grep -c . "$log")
	flows=$(grep -c '"event_type":"flow"' "$log")
	# message records (one per message judged) are left out like flows
	msgs=$(grep -c '"event_type":"message"' "$log")
	"$msgsec" alerts --json "$log" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	got=$(grep -c . "$tmp/out")
	"$msgsec" alerts --json --event-type flow "$log" >"$tmp/flows" 2>>"$tmp/err"
	gotf=$(grep -c . "$tmp/flows")
	"$msgsec" alerts summary --json "$log" >"$tmp/sum" 2>>"$tmp/err"
	if [ "$rc" -eq 0 ] && [ "$lines" -gt 0 ] && [ ! -s "$tmp/err" ] &&
		[ "$got" -eq $((lines - flows - msgs)) ] && [ "$gotf" -eq "$flows" ] &&
		grep -q "^{\"alerts\":$got," "$tmp/sum"; then
		echo "ok interop/$name ($got alerts, $flows flow records)"
	else
		echo "FAIL interop/$name: exit $rc, $lines lines, $flows flows, read $got + $gotf"
		sed 's/^/    /' "$tmp/err" | head -n 10
	fi
}

# Mail.
if [ -x "$O/msgsec-milter" ]; then
	log=$tmp/mail.json
	for eml in tests/golden/mail/*.eml; do
		args=
		[ -f "${eml%.eml}.args" ] && args=$(cat "${eml%.eml}.args")
		# The .args name folders relative to rules/ (the config's).
		eval "set -- $args"
		"$O/msgsec-milter" -c rules/msgsec.yaml --test "$eml" --alerts \
			--set "alerts.file=$log" --now 2026-11-22T12:00:00Z "$@" \
			>/dev/null 2>&1
	done
	if [ -s "$log" ]; then
		check mail "$log"
	else
		echo "FAIL interop/mail: the milter wrote no alerts"
	fi
else
	echo "skip interop/mail $O/msgsec-milter not built"
fi

# Network.
if [ -x "$O/msgsec-sensor" ] && ls "$O"/pcap-cases/*.pcap >/dev/null 2>&1; then
	log=$tmp/net.json
	for pcap in "$O"/pcap-cases/*.pcap "$O"/pcap-cases/*.pcapng; do
		[ -f "$pcap" ] || continue
		set -- -c rules/msgsec.yaml -r "$pcap" --alerts "$log" -q \
			--set "sensor.flow_log=$log"
		[ "$(id -u)" -eq 0 ] && set -- "$@" -u root
		timeout 60 "$O/msgsec-sensor" "$@" >/dev/null 2>&1
	done
	if [ -s "$log" ]; then
		check net "$log"
		cat "$tmp/mail.json" "$log" 2>/dev/null >"$tmp/all.json"
		if "$msgsec" report --html "$tmp/r.html" -c rules/msgsec.yaml \
			--alerts "$tmp/all.json" >"$tmp/err" 2>&1 &&
			grep -q 'network\.' "$tmp/r.html"; then
			echo "ok interop/report"
		else
			echo "FAIL interop/report"
			sed 's/^/    /' "$tmp/err" | head -n 10
		fi
	else
		echo "FAIL interop/net: the sensor wrote no alerts"
	fi
else
	echo "skip interop/net no sensor or no captures in $O/pcap-cases (tests/pcap/run-pcap.sh builds them)"
fi
exit 0
