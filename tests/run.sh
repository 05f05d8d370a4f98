#!/bin/sh
# tests/run.sh - run every test against the binaries in $O and end with the
# line "N passed, N failed".  Each test is one line of output: "ok NAME" or
# "FAIL NAME" followed by the tail of its log.  Logs stay in $O/test-logs.
#
# Suites: unit (cmocka binaries), fuzz (corpus replay), golden, and every
# tests/*/run-*.sh script (each prints its own "ok"/"FAIL"/"skip" lines).
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
logs=$O/test-logs
mkdir -p "$logs"
pass=0
fail=0
skip=0
# The tests' own virus signature database (freshclam cannot reach
# anything): clam.exe from clamav-testfiles and the EICAR string.
MSGSEC_CLAMAV_DB=$top/$O/test-clamav-db
if [ ! -f "$MSGSEC_CLAMAV_DB/test.hdb" ]; then
	sh tests/data/make-clamav-db.sh "$MSGSEC_CLAMAV_DB" >/dev/null 2>&1 ||
		echo "warning: could not build the test virus database"
fi
export MSGSEC_CLAMAV_DB

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

result() {	# name rc log
	if [ "$2" -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok   $1"
	elif [ "$2" -eq 77 ]; then
		skip=$((skip + 1))
		echo "skip $1 ($(tail -n 1 "$3"))"
	else
		fail=$((fail + 1))
		echo "FAIL $1 (log: $3)"
		tail -n 20 "$3" | sed 's/^/    /'
	fi
}

# Unit tests: one cmocka binary per module.
for t in "$O"/tests/test_*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	${VALGRIND:-} "$t" >"$logs/$n.log" 2>&1
	result "unit/$n" $? "$logs/$n.log"
done

# Fuzz corpora, replayed under the sanitizers of this build.
for t in "$O"/tests/replay_*; do
	[ -x "$t" ] || continue
	n=${t##*/replay_}
	if [ ! -d "tests/fuzz/corpus/$n" ]; then
		echo "no corpus tests/fuzz/corpus/$n" >"$logs/fuzz-$n.log"
		result "fuzz/$n" 1 "$logs/fuzz-$n.log"
		continue
	fi
	${VALGRIND:-} "$t" "tests/fuzz/corpus/$n" >"$logs/fuzz-$n.log" 2>&1
	result "fuzz/$n" $? "$logs/fuzz-$n.log"
done

# Lint: banned functions, layering, file sizes, cppcheck.
sh tests/lint.sh >"$logs/lint.log" 2>&1
result "lint" $? "$logs/lint.log"

# Script suites: each prints "ok NAME", "FAIL NAME" or "skip NAME why".
for s in tests/*/run-*.sh; do
	[ -f "$s" ] || continue
	n=$(basename "$s" .sh)
	O=$O sh "$s" >"$logs/$n.log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$logs/$n.log")
	f=$(grep -c '^FAIL ' "$logs/$n.log")
	k=$(grep -c '^skip ' "$logs/$n.log")
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + k))
	grep -E '^(FAIL|skip) ' "$logs/$n.log" | sed "s|^|  $n: |"
	echo "     $n: $p passed, $f failed, $k skipped"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		fail=$((fail + 1))
		echo "FAIL $n exited $rc (log: $logs/$n.log)"
		tail -n 20 "$logs/$n.log" | sed 's/^/    /'
	fi
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
