#!/bin/sh
# tests/pcap/run-metrics.sh - msgsec-sensor's metrics file (metrics.
# sensor_file): after replaying a generated capture (two TLS webmail
# flows, one IM flow, built with pcaplib.py) the file counts the packets,
# the flows and the alerts by rule, and passes `promtool check metrics`
# (skipped when promtool, Debian package prometheus, is missing).  A
# metrics file that cannot be written is reported, the capture still
# judged.  Prints "ok NAME" / "FAIL NAME" / "skip NAME why".
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
py=/usr/bin/python3
if ! "$py" -c 'import scapy' 2>/dev/null; then
	echo "skip sensor-metrics (python3-scapy not installed)"
	exit 0
fi
w=$(mktemp -d /tmp/msgsec-smet.XXXXXX)
PYTHONPATH=tests/pcap "$py" - "$w/three.pcap" <<'PY'
import sys
from pcaplib import Capture, tls_flow
cap = Capture()
tls_flow(cap, "mail.google.com", sport=40001)
tls_flow(cap, "outlook.live.com", sport=40002)
tls_flow(cap, "web.whatsapp.com", sport=40003)
cap.write_pcap(sys.argv[1])
PY
prom=$w/sensor.prom
"$O/msgsec-sensor" -c rules/msgsec.yaml -r "$w/three.pcap" -q --set sensor.user= \
	--alerts "$w/alerts.json" --set "metrics.sensor_file=$prom" \
	>"$w/out" 2>&1
rc=$?
metric() {
	awk -v k="$1" '$1 == k { print $2 }' "$prom" 2>/dev/null
}
pk=$(metric msgsec_sensor_packets_total)
fl=$(metric msgsec_sensor_flows_total)
wm=$(metric 'msgsec_sensor_alerts_total{rule="network.webmail"}')
im=$(metric 'msgsec_sensor_alerts_total{rule="network.im"}')
dr=$(metric 'msgsec_sensor_kernel_drops_total{where="buffer"}')
if [ $rc -eq 0 ] && [ "${pk:-0}" -gt 20 ] && [ "$fl" = 3 ] && [ "$wm" = 2 ] &&
	[ "$im" = 1 ] && [ "$dr" = 0 ]; then
	echo "ok sensor-metrics/counts (packets $pk, flows $fl)"
else
	echo "FAIL sensor-metrics/counts (exit $rc packets=$pk flows=$fl webmail=$wm im=$im drops=$dr)"
	cat "$w/out"
fi
if [ ! -e "$prom.tmp" ] && [ "$(stat -c %a "$prom" 2>/dev/null)" = 644 ]; then
	echo "ok sensor-metrics/renamed-into-place"
else
	echo "FAIL sensor-metrics/renamed-into-place"
fi
if command -v promtool >/dev/null 2>&1; then
	if [ -f "$prom" ] && po=$(promtool check metrics <"$prom" 2>&1); then
		echo "ok sensor-metrics/promtool"
	else
		echo "FAIL sensor-metrics/promtool"
		echo "$po" | head -5
	fi
else
	echo "skip sensor-metrics/promtool (promtool not installed: package prometheus)"
fi
# An unwritable metrics file: said once, the capture still judged.
"$O/msgsec-sensor" -c rules/msgsec.yaml -r "$w/three.pcap" -q --set sensor.user= \
	--alerts "$w/alerts2.json" --set "metrics.sensor_file=$w/no/such/dir/x.prom" \
	>"$w/out2" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "metrics: cannot write $w/no/such/dir/x.prom.tmp" "$w/out2" &&
	[ "$(wc -l <"$w/alerts2.json")" -eq 3 ]; then
	echo "ok sensor-metrics/unwritable-reported"
else
	echo "FAIL sensor-metrics/unwritable-reported (exit $rc)"
	cat "$w/out2"
fi
if grep -q 'ERROR: AddressSanitizer\|runtime error' "$w/out" "$w/out2"; then
	echo "FAIL sensor-metrics/sanitizers"
fi
rm -rf "$w"
