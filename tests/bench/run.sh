#!/bin/sh
# tests/bench/run.sh O - run every benchmark built in O and print figures.
# Benchmarks never pass or fail on time; they print numbers side by side
# with a reference measured in the same run.
set -u
O=${1:-build/bench}
cd "$(dirname "$0")/../.." || exit 1
echo "== policy engine (tests/bench/bench_policy.c)"
"$O/tests/bench_policy"
echo
echo "== milter (tests/bench/milter_bench.py)"
if [ "$(id -u)" -eq 0 ]; then
	O=$O unshare --net sh -c "ip link set lo up && /usr/bin/python3 tests/bench/milter_bench.py"
else
	echo "needs root: skipped"
fi
echo
echo "== content inspection (tests/bench/content_bench.py)"
if [ "$(id -u)" -eq 0 ]; then
	O=$O unshare --net sh -c "ip link set lo up && /usr/bin/python3 tests/bench/content_bench.py"
else
	echo "needs root: skipped"
fi
echo
echo "== virus engine reloads (tests/bench/reload_bench.py)"
O=$O /usr/bin/python3 tests/bench/reload_bench.py
echo
echo "== network sensor (tests/bench/sensor_bench.sh)"
sh tests/bench/sensor_bench.sh "$O"
echo
echo "== capture workers on a live link (tests/bench/workers_bench.sh)"
sh tests/bench/workers_bench.sh "$O"
echo
echo "== alert review (tests/bench/alerts_bench.sh)"
sh tests/bench/alerts_bench.sh "$O"
echo
echo "== blocked-message throughput, folder store and PostgreSQL (tests/bench/quarantine_bench.py)"
sh tests/bench/quarantine_bench.sh "$O"
echo
echo "== large messages in PostgreSQL, bytea (tests/bench/pg_message_bench.sh)"
sh tests/bench/pg_message_bench.sh "$O"
