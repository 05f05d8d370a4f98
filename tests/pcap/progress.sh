#!/bin/sh
# tests/pcap/progress.sh - on a terminal, reading a capture shows a
# progress line on stderr; -q, or a stderr that is not a terminal, shows
# none.
#
# The capture comes through a pipe (-r -), written slowly by a small
# Python feeder (300 UDP frames over about 1.5 s), so the first progress
# line (after half a second) always has time to appear; script(1) gives
# the sensor a pseudo-terminal.  Prints "ok progress", "FAIL progress
# (why)" or "skip progress why".
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
sensor=$O/msgsec-sensor
if ! command -v script >/dev/null 2>&1; then
	echo "skip progress script(1) not installed"
	exit 0
fi
mkdir -p "$O/pcap-cases"
feeder=$O/pcap-cases/progress-feeder.py
cat >"$feeder" <<'PY'
import struct, sys, time
frame = (b"\x02\x00\x00\x00\x00\x01" + b"\x02\x00\x00\x00\x00\x02" + b"\x08\x00" +
         bytes.fromhex("4500001c000040004011" "0000" "0a000001" "0a000002") +
         bytes.fromhex("d43100350008" "0000"))
out = sys.stdout.buffer
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
for i in range(300):
    out.write(struct.pack("<IIII", 1700000000, i * 1000, len(frame), len(frame)) + frame)
    out.flush()
    time.sleep(0.005)
PY
run() {	# extra sensor options; stderr on a terminal
	script -qfec "/usr/bin/python3 $feeder | $sensor -c rules/msgsec.yaml -r - --alerts /dev/null -u root $*" \
	    /dev/null 2>&1
}
out=$O/pcap-cases/progress.out
run >"$out"
rc=$?
[ $rc -eq 0 ] || { echo "FAIL progress (exit $rc)"; tail -n 5 "$out"; exit 0; }
if ! grep -a -q 'msgsec-sensor: [0-9]* packets  [0-9]* flows' "$out"; then
	echo "FAIL progress (no progress line on the terminal)"
	tail -c 400 "$out"
	exit 0
fi
run -q >"$out"
if grep -a -q 'msgsec-sensor: [0-9]* packets  ' "$out"; then
	echo "FAIL progress (a progress line with -q)"
	exit 0
fi
/usr/bin/python3 "$feeder" | "$sensor" -c rules/msgsec.yaml -r - \
    --alerts /dev/null -u root >/dev/null 2>"$out"
if grep -a -q 'msgsec-sensor: [0-9]* packets  ' "$out"; then
	echo "FAIL progress (a progress line when stderr is not a terminal)"
	exit 0
fi
echo "ok progress"
