#!/bin/sh
# tests/bench/sensor_bench.sh O - msgsec-sensor reading a ~150 MB capture
# built from the shared nDPI corpus, timed beside tcpdump and ndpiReader in
# the same run (tests/bench/sensor_bench.py).  Skips without ../shared.
set -u
O=${1:-${O:-build/bench}}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
if [ ! -d "$top/../shared/corpus/ndpi-pcaps" ]; then
	echo "sensor bench: ../shared/corpus/ndpi-pcaps not present (skipped)"
	exit 0
fi
O=$O exec /usr/bin/python3 tests/bench/sensor_bench.py
