#!/bin/sh
# tests/pcap/run-workers.sh - capture workers (sensor.workers) on a live
# link: a veth pair in a network namespace of its own (unshare --net, as
# root), the sensor capturing on veth1, tcpreplay sending into veth0.
#
#   workers/same-as-file: the sensor benchmark's capture (one copy of the
#     shared nDPI corpus where present, else of the project's own pcap
#     cases; tests/bench/sensor_bench.py --replay-capture,
#     timestamps spaced so that -r sees the flows a replay shows) replayed
#     at a rate the link takes whole (WORKERS_PPS, 20000 packets/s), with
#     1 and with 2 workers: every frame read, no drop, and the same flow
#     records and alerts as -r on the file, keyed by 5-tuple; with 2
#     workers the same number of records per flow and the same packet
#     counts as with 1 (a flow split between workers would show twice);
#   workers/drops-reported: 2 workers with the smallest ring, stopped
#     (SIGSTOP) while tcpreplay --topspeed sends: frames are dropped, and
#     the summary names each worker's received and dropped frames (read +
#     dropped = sent), the metrics file has them per worker (and passes
#     promtool check metrics);
#   workers/one-pipe: 2 workers with alerts and flow records both on
#     stdout, a pipe: every line whole JSON;
#   workers/sighup: 2 workers, 64 TLS flows between 64 host pairs to a
#     name in no list, then the name added to the webmail list and
#     SIGHUP, then 64 new flows: all 64 alert, none before, and both
#     workers read packets (the reload reached both).
# Without ../shared the capture is the project's own pcap cases merged
# (tests/pcap/make_cases.py).  Needs root, ip, unshare, tcpreplay, mergecap;
# python3-scapy for workers/sighup.  Prints "ok NAME", "FAIL NAME" or
# "skip NAME why".
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
sensor=$top/$O/msgsec-sensor
py=/usr/bin/python3
pps=${WORKERS_PPS:-20000}

if [ -z "${MSGSEC_WORKERS_NS:-}" ]; then
	if [ ! -x "$sensor" ]; then
		echo "skip workers $O/msgsec-sensor not built yet"; exit 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "skip workers needs root (veth pair, live capture)"; exit 0
	fi
	for t in unshare ip tcpreplay mergecap "$py"; do
		if ! command -v "$t" >/dev/null 2>&1; then
			echo "skip workers $t not installed (sh packaging/install-deps.sh test)"
			exit 0
		fi
	done
	MSGSEC_WORKERS_NS=1 O=$O exec unshare --net sh "$0"
fi

w=$(mktemp -d /tmp/msgsec-workers.XXXXXX)
spid=""
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$w"
}
trap cleanup EXIT

# No IPv6 autoconfiguration chatter on the pair: only the replay counts.
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
if ! ip link add veth0 type veth peer name veth1 ||
    ! ip link set veth0 mtu 65535 || ! ip link set veth1 mtu 65535 ||
    ! ip link set veth0 up || ! ip link set veth1 up; then
	echo "skip workers cannot make a veth pair here"
	exit 0
fi

n=$(SENSOR_BENCH_CACHE=$w "$py" tests/bench/sensor_bench.py \
    --replay-capture "$w/replay.pcap" 1) || {
	echo "FAIL workers (building the capture)"; exit 1; }
common="-c rules/msgsec.yaml -u root --set sensor.dns_dedup_seconds=0"

# start NAME WORKERS [ARGS...]: the sensor on veth1, once its capture is up
start() {
	name=$1 nw=$2
	shift 2
	# shellcheck disable=SC2086
	"$sensor" $common -i veth1 --alerts "$w/$name.alerts" \
	    --set sensor.flow_log="$w/$name.flows" --set sensor.workers="$nw" \
	    "$@" 2>"$w/$name.err" &
	spid=$!
	i=0
	while [ "$(ls -l /proc/$spid/fd 2>/dev/null | grep -c 'socket:')" -lt "$nw" ] &&
	    [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.5	# the fanout group whole, the workers polling
}

stop() {
	kill -TERM "$spid"
	wait "$spid"
	rc=$?
	spid=""
	return $rc
}

packets() {
	sed -n 's/.*msgsec-sensor: packets: \([0-9]*\) in.*/\1/p' "$1"
}

# live NAME WORKERS RATE: replay the capture, 0 when every frame was read
live() {
	start "$1" "$2"
	tcpreplay -q -i veth0 --pps="$3" "$w/replay.pcap" >"$w/$1.replay" 2>&1
	sleep 1
	stop || return 2
	[ "$(packets "$w/$1.err")" = "$n" ] &&
	    grep -q 'pcap: [0-9]* received, 0 dropped' "$w/$1.err"
}

# -r on the file: the reference
# shellcheck disable=SC2086
"$sensor" $common -r "$w/replay.pcap" -q --alerts "$w/file.alerts" \
    --set sensor.flow_log="$w/file.flows" 2>"$w/file.err"
ok=1
for nw in 1 2; do
	rate=$pps
	if ! live "w$nw" $nw $rate; then
		rate=$((pps / 4))	# a busy machine: slower, once
		live "w$nw" $nw $rate || ok=0
	fi
	if [ $ok -eq 0 ]; then
		echo "FAIL workers/same-as-file ($nw workers at $rate packets/s: $(packets "$w/w$nw.err") of $n frames read)"
		sed 's/^/    /' "$w/w$nw.err" "$w/w$nw.replay" | tail -n 12
		break
	fi
done
if [ $ok -eq 1 ]; then
	if "$py" tests/pcap/workers_compare.py "$w/file.alerts:$w/file.flows" \
	    "$w/w1.alerts:$w/w1.flows" "$w/w2.alerts:$w/w2.flows" \
	    >"$w/compare" 2>&1 &&
	    grep -q 'pcap: .* 2 workers (0: [1-9][0-9]* packets' "$w/w2.err" &&
	    grep -q '; 1: [1-9][0-9]* packets' "$w/w2.err"; then
		echo "ok workers/same-as-file ($n frames, $(tail -n 1 "$w/compare" | sed 's/^compared //'), 1 and 2 workers)"
	else
		echo "FAIL workers/same-as-file"
		sed 's/^/    /' "$w/compare"
		grep 'pcap:' "$w/w2.err" | sed 's/^/    /'
	fi
fi

# Drops: the sensor held still (SIGSTOP) with the smallest ring while the
# capture goes by at full speed: most of it is lost, and the counters say
# so, per worker, every frame accounted for (read + dropped = sent).
start top 2 --set metrics.sensor_file="$w/top.prom" \
    --set sensor.buffer_size=65536
kill -STOP "$spid"
tcpreplay -q -i veth0 --topspeed "$w/replay.pcap" >"$w/top.replay" 2>&1
kill -CONT "$spid"
sleep 1
stop
rc=$?
line=$(grep 'pcap:' "$w/top.err")
read=$(packets "$w/top.err")
dropped=$(echo "$line" | sed -n 's/.*pcap: [0-9]* received, \([0-9]*\) dropped.*/\1/p')
if [ $rc -eq 0 ] && [ "${dropped:-0}" -gt 0 ] &&
    [ $((read + dropped)) -eq "$n" ] &&
    echo "$line" | grep -q '[0-9]* received, [0-9]* dropped, [0-9]* dropped by the interface; 2 workers (0: [0-9]* packets, [0-9]* received, [0-9]* dropped; 1: ' &&
    grep -q '^msgsec_sensor_worker_kernel_drops_total{worker="1",where="buffer"} [0-9]' "$w/top.prom" &&
    grep -q "^msgsec_sensor_kernel_drops_total{where=\"buffer\"} $dropped\$" "$w/top.prom"; then
	echo "ok workers/drops-reported ($read read + $dropped dropped = $n frames; $(echo "$line" | sed 's/.*msgsec-sensor: //'))"
else
	echo "FAIL workers/drops-reported (exit $rc, read $read, dropped $dropped, of $n)"
	sed 's/^/    /' "$w/top.err" | tail -n 8
	grep drops "$w/top.prom" | sed 's/^/    /'
fi
if command -v promtool >/dev/null 2>&1; then
	if po=$(promtool check metrics <"$w/top.prom" 2>&1); then
		echo "ok workers/promtool (the 2-worker metrics file)"
	else
		echo "FAIL workers/promtool"
		echo "$po" | head -5
	fi
fi

# Alerts and flow records of both workers on one pipe: whole lines only.
mkfifo "$w/pipe"
cat "$w/pipe" >"$w/pipe.out" &
cat_pid=$!
# shellcheck disable=SC2086
"$sensor" $common -i veth1 --alerts - --set sensor.flow_log=- \
    --set sensor.workers=2 >"$w/pipe" 2>"$w/pipe.err" &
spid=$!
sleep 1.5
tcpreplay -q -i veth0 --pps="$pps" --loop=2 "$w/replay.pcap" >/dev/null 2>&1
sleep 1
stop
rc=$?
wait "$cat_pid"
if [ $rc -eq 0 ] && out=$("$py" -c 'import json, sys
kinds = {}
for line in open(sys.argv[1]):
	kind = json.loads(line)["event_type"] == "flow"
	kinds[kind] = kinds.get(kind, 0) + 1
print("%d flow records, %d alerts" % (kinds.get(True, 0), kinds.get(False, 0)))
sys.exit(0 if len(kinds) == 2 else 1)' "$w/pipe.out" 2>&1); then
	echo "ok workers/one-pipe ($out, every line whole JSON)"
else
	echo "FAIL workers/one-pipe (exit $rc)"
	echo "$out" | tail -n 3 | sed 's/^/    /'
fi

# SIGHUP reaches both workers.
if ! "$py" -c 'import scapy' 2>/dev/null; then
	echo "skip workers/sighup (python3-scapy not installed)"
elif ! PYTHONPATH=tests/pcap "$py" - "$w" 2>"$w/gen.err" <<'PY'
import sys
from pcaplib import Capture, tls_flow
for part, base in (("before", 41000), ("after", 42000)):
	cap = Capture()
	for i in range(64):
		tls_flow(cap, "w%d.hup-test.example" % i, sport=base + i,
		    cli="10.77.%d.%d" % (base // 1000 - 40, i + 1),
		    srv="198.51.100.%d" % (i + 1))
	cap.write_pcap("%s/hup-%s.pcap" % (sys.argv[1], part))
PY
then
	echo "FAIL workers/sighup (building the captures)"
else
	cp -r rules "$w/rules"
	common="-c $w/rules/msgsec.yaml -u root --set sensor.check_seconds=0"
	start hup 2
	tcpreplay -q -i veth0 --pps=2000 "$w/hup-before.pcap" >/dev/null 2>&1
	sleep 0.5
	echo "hup-test.example" >>"$w/rules/lists/webmail_domains.txt"
	kill -HUP "$spid"
	sleep 1
	tcpreplay -q -i veth0 --pps=2000 "$w/hup-after.pcap" >/dev/null 2>&1
	sleep 1
	stop
	rc=$?
	before=$(grep -c '"src_port":41[0-9]*,.*hup-test.example' "$w/hup.alerts")
	after=$(grep -c '"src_port":42[0-9]*,.*hup-test.example' "$w/hup.alerts")
	if [ $rc -eq 0 ] && [ "$before" -eq 0 ] && [ "$after" -eq 64 ] &&
	    grep -q 'pcap: .* 2 workers (0: [1-9][0-9]* packets.*; 1: [1-9][0-9]* packets' "$w/hup.err"; then
		echo "ok workers/sighup (64 of 64 new flows alert after the reload, none before; $(grep -o '2 workers ([^)]*)' "$w/hup.err"))"
	else
		echo "FAIL workers/sighup (exit $rc; alerts before $before, after $after of 64)"
		sed 's/^/    /' "$w/hup.err" | tail -n 8
	fi
fi
if grep -qE 'ERROR: [A-Za-z]+Sanitizer|WARNING: ThreadSanitizer|runtime error:' "$w"/*.err; then
	echo "FAIL workers/sanitizers"
	grep -hE -A5 'ERROR: [A-Za-z]+Sanitizer|runtime error:' "$w"/*.err | head -n 20
fi
