#!/bin/sh
# tests/bench/alerts_bench.sh O - how fast `msgsec alerts` reads a log
# (issue 6 target: 200 MB/s on one core).  Generates a log of
# ALERTS_BENCH_LINES lines (default 2,000,000, about 750 MB; half mail, half
# network alerts, tests/bench/gen_alerts.py), warms the page cache, then
# times, median of 3 runs each:
#   filter   msgsec alerts --json --rule 'network.*' > /dev/null
#   all      msgsec alerts --json > /dev/null          (every line out)
#   summary  msgsec alerts summary > /dev/null
#   gzip     the filter over the same log gzip -1'd     (MB of text)
#   db-sum   msgsec alerts summary over the same alerts in PostgreSQL
#            (a private cluster, tests/lib/pg.sh; target: under 5 s)
# MB/s is over the uncompressed bytes, by wall time and by CPU time
# (user + system: the one-core figure when other work shares the machine).
# BENCH_BASELINE_ADMIN=PATH: another msgsec binary (an earlier commit's
# build/bench/msgsec), timed on the same log in the same run, each figure
# printed after this build's as "base".
set -u
O=${1:-build/bench}
cd "$(dirname "$0")/../.." || exit 1
msgsec=$O/msgsec
n=${ALERTS_BENCH_LINES:-2000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
/usr/bin/python3 tests/bench/gen_alerts.py "$n" "$dir/alerts.json" || exit 1
bytes=$(stat -c %s "$dir/alerts.json")
cat "$dir/alerts.json" >/dev/null
awk -v n="$n" -v b="$bytes" 'BEGIN {
	printf "log: %d lines, %.1f MB (%d bytes a line)\n", n, b / 1e6, b / n }'

# median of 3: prints "wall cpu"
timeit() {
	for i in 1 2 3; do
		/usr/bin/time -f '%e %U %S' -o "$dir/t" "$@" >/dev/null 2>"$dir/err" ||
			{ cat "$dir/err" >&2; return 1; }
		awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$dir/t"
	done | sort -n | sed -n 2p
}

report() {	# name wall cpu
	awk -v b="$bytes" -v name="$1" -v w="$2" -v c="$3" 'BEGIN {
		mb = b / 1e6
		printf "%-8s wall %6.2f s %7.0f MB/s   cpu %6.2f s %7.0f MB/s\n",
		    name, w, (w > 0 ? mb / w : 0), c, (c > 0 ? mb / c : 0) }'
}

one() {	# binary name args...
	bin=$1
	name=$2
	shift 2
	set -- $(timeit "$bin" "$@") || exit 1
	report "$name" "$1" "$2"
}

figure() {	# name args...
	name=$1
	shift
	one "$msgsec" "$name" "$@"
	[ -z "${BENCH_BASELINE_ADMIN:-}" ] || one "$BENCH_BASELINE_ADMIN" base "$@"
}

figure filter alerts --json --rule 'network.*' "$dir/alerts.json"
figure all alerts --json "$dir/alerts.json"
figure summary alerts summary "$dir/alerts.json"
gzip -1 -c "$dir/alerts.json" >"$dir/alerts.json.gz"
awk -v b="$(stat -c %s "$dir/alerts.json.gz")" 'BEGIN {
	printf "gzip -1: %.1f MB\n", b / 1e6 }'
figure gzip alerts --json --rule 'network.*' "$dir/alerts.json.gz"
echo "(target: 200 MB/s on one core)"

# The same alerts in the records database (alerts.output: postgresql), on
# a private cluster (tests/lib/pg.sh): loaded by COPY as the writer sends
# them (four gateways), then `msgsec alerts summary` over the database,
# median of 3, next to the file's figure above (target: under 5 s).
. tests/lib/pg.sh
if PG_BIN=$(pg_bin) && command -v psql >/dev/null 2>&1; then
	trap 'pg_destroy; rm -rf "$dir"' EXIT
	pg_start >/dev/null || exit 1
	db="--set alerts.output=postgresql --set quarantine.dsn=postgresql:///msgsec?host=$PG_DIR&user=msgsec"
	$msgsec db init -c rules/msgsec.yaml $db >/dev/null || exit 1
	/usr/bin/python3 tests/bench/alerts_pg_load.py "$dir/alerts.json" "$dir/rows" || exit 1
	rm -f "$dir/alerts.json.gz"
	t0=$(date +%s.%N)
	$PG_PSQL "$PG_DSN" -c "\\copy msgsec_alert (at, gateway, policy_hash, line) FROM '$dir/rows'" &&
		$PG_PSQL "$PG_DSN" -c "VACUUM ANALYZE msgsec_alert" || exit 1
	t1=$(date +%s.%N)
	rm -f "$dir/rows"
	awk -v n="$($PG_PSQL "$PG_DSN" -c "SELECT count(*) FROM msgsec_alert")" \
	    -v t="$(echo "$t1 - $t0" | bc)" 'BEGIN {
		printf "database: %d alerts loaded by COPY in %.1f s (%.0f rows/s)\n",
		    n, t, (t > 0 ? n / t : 0) }'
	set -- $(timeit "$msgsec" alerts summary -c rules/msgsec.yaml $db) || exit 1
	report "db-sum" "$1" "$2"
	echo "(db-sum: msgsec alerts summary over the database; target: under 5 s)"
else
	echo "database: skipped (no PostgreSQL server)"
fi
