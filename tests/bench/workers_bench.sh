#!/bin/sh
# tests/bench/workers_bench.sh O - capture workers: the highest replay
# rate 1 and 2 workers take without a drop, on a veth pair in a private
# network namespace (tests/bench/workers_bench.py).  Needs root,
# tcpreplay, mergecap and ../shared (the nDPI corpus); skips without them.
set -u
O=${1:-${O:-build/bench}}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
if [ ! -f "$top/../shared/corpus/ndpi-pcaps/LABELS.tsv" ]; then
	echo "workers bench: ../shared/corpus/ndpi-pcaps not present (skipped)"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "workers bench: needs root (veth pair, live capture; skipped)"
	exit 0
fi
for t in tcpreplay mergecap unshare ip; do
	if ! command -v $t >/dev/null 2>&1; then
		echo "workers bench: $t not installed (skipped; sh packaging/install-deps.sh bench)"
		exit 0
	fi
done
O=$O exec unshare --net /usr/bin/python3 tests/bench/workers_bench.py
