#!/bin/sh
# tests/golden/run-review.sh - golden tests for `msgsec alerts` and
# `msgsec report` (issue 6: alert review, the report).
#
# A case is tests/golden/{alerts,report}/NAME.cmd: one line, the arguments
# after `msgsec` (shell words).  It runs in a scratch folder holding
#   L/         a copy of tests/golden/alerts/logs, with L/rot/alerts.json.2
#              gzipped and L/overlong.json made here (lines of 70,000,
#              65,535 (the limit, kept) and 65,536 bytes (one over))
#   msgsec.yaml  alerts.file: L/rot/alerts.json (the rest defaults)
#   Q/         an empty quarantine folder
#   rules/     a copy of the shipped rules (report cases)
#   R/         tests/golden/report/{exceptions,quarantine,alerts.json}
# NAME.stdin, if present, names the file piped to standard input.
# NAME.expect holds its standard output, then "--- stderr", its
# standard error, then "--- exit N".  Besides the cases: --follow across
# rotation and truncation, and gzip equals plain.
#
# UPDATE=1 rewrites the .expect files (review the diff before committing).
# Prints "ok NAME", "FAIL NAME" or "skip NAME why".
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
msgsec=$top/$O/msgsec
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

setup() {
	rm -rf "$tmp/w"
	mkdir -p "$tmp/w"
	cp -R tests/golden/alerts/logs "$tmp/w/L"
	gzip -n "$tmp/w/L/rot/alerts.json.2"
	gzip -n -c "$tmp/w/L/mixed.json" >"$tmp/w/L/mixed.json.gz"
	head -c 1000 "$tmp/w/L/mixed.json.gz" >"$tmp/w/L/cut.json.gz"
	/usr/bin/python3 - "$tmp/w/L/overlong.json" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('{"timestamp":"2026-11-20T08:00:00Z","rule":"before","policy":"1.1"}\n')
    f.write('{"timestamp":"2026-11-20T08:00:01Z","rule":"long","detail":"' + "x" * 70000 + '"}\n')
    f.write('{"timestamp":"2026-11-20T08:00:02Z","rule":"after","policy":"1.1"}\n')
    # 64 bytes before the detail and 2 after: lines of exactly 65,535 and
    # 65,536 bytes before their LF.
    f.write('{"timestamp":"2026-11-20T08:00:03Z","rule":"at-limit","detail":"' + "y" * (65535 - 66) + '"}\n')
    f.write('{"timestamp":"2026-11-20T08:00:04Z","rule":"one-over","detail":"' + "z" * (65536 - 66) + '"}\n')
    f.write('{"timestamp":"2026-11-20T08:00:05Z","rule":"last","policy":"1.1"}\n')
PY
	printf 'alerts:\n  file: L/rot/alerts.json\npaths:\n  quarantine: Q\n' \
		>"$tmp/w/msgsec.yaml"
	mkdir -p "$tmp/w/Q"
	# The report's inputs: the shipped rules, its own exception records,
	# a quarantine folder and a log.
	cp -R rules "$tmp/w/rules"
	mkdir -p "$tmp/w/R"
	cp -R tests/golden/report/exceptions tests/golden/report/quarantine \
		tests/golden/report/alerts.json "$tmp/w/R/"
}

run_case() {	# suite name
	cmd=tests/golden/$1/$2.cmd
	expect=tests/golden/$1/$2.expect
	setup
	args=$(cat "$cmd")
	input=/dev/null
	[ -f "tests/golden/$1/$2.stdin" ] && input=$(cat "tests/golden/$1/$2.stdin")
	# Through a pipe: reads come in pipe-sized pieces, so lines span them.
	(cd "$tmp/w" && cat "$input") | (cd "$tmp/w" && eval "set -- $args" &&
		COLUMNS=150 "$msgsec" "$@" >"$tmp/out" 2>"$tmp/err")
	rc=$?
	{
		cat "$tmp/out"
		echo "--- stderr"
		cat "$tmp/err"
		echo "--- exit $rc"
	} >"$tmp/got"
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$tmp/got" "$expect"
	fi
	if [ ! -f "$expect" ]; then
		echo "FAIL $1/$2 (no $expect)"
	elif ! diff -u "$expect" "$tmp/got" >"$tmp/diff"; then
		echo "FAIL $1/$2: output differs"
		head -n 40 "$tmp/diff" | sed 's/^/    /'
	else
		echo "ok $1/$2"
	fi
}

if [ ! -x "$msgsec" ]; then
	echo "FAIL review: no $msgsec"
	exit 1
fi

for suite in alerts report; do
	for c in tests/golden/$suite/*.cmd; do
		[ -f "$c" ] || continue
		run_case "$suite" "$(basename "$c" .cmd)"
	done
done

# gzip reads the same as plain.
setup
(cd "$tmp/w" && "$msgsec" alerts --json L/mixed.json >"$tmp/a" 2>&1 &&
	"$msgsec" alerts --json L/mixed.json.gz >"$tmp/b" 2>&1)
if cmp -s "$tmp/a" "$tmp/b" && [ -s "$tmp/a" ]; then
	echo "ok alerts/gzip-equals-plain"
else
	echo "FAIL alerts/gzip-equals-plain"
fi

# --follow: new lines only, across a rename (rotation), a truncation and
# a file that is absent for a while; SIGTERM ends it cleanly.
follow_test() {
	setup
	w=$tmp/w
	echo '{"timestamp":"2026-11-20T08:00:00Z","rule":"old","policy":"1.1"}' >"$w/live.json"
	(cd "$w" && exec "$msgsec" alerts --follow --json live.json \
		>"$w/fout" 2>"$w/ferr") &
	pid=$!
	sleep 1.5
	echo '{"timestamp":"2026-11-20T08:00:01Z","rule":"a","policy":"1.1"}' >>"$w/live.json"
	sleep 1
	mv "$w/live.json" "$w/live.json.1"
	echo '{"timestamp":"2026-11-20T08:00:02Z","rule":"a2-old-file","policy":"1.1"}' >>"$w/live.json.1"
	echo '{"timestamp":"2026-11-20T08:00:03Z","rule":"b-new-file","policy":"1.1"}' >"$w/live.json"
	sleep 1.5
	: >"$w/live.json"
	sleep 1.5
	echo '{"timestamp":"2026-11-20T08:00:04Z","rule":"c","policy":"1.1"}' >>"$w/live.json"
	sleep 1
	rm "$w/live.json"
	sleep 1
	echo '{"timestamp":"2026-11-20T08:00:05Z","rule":"d-recreated","policy":"1.1"}' >"$w/live.json"
	sleep 1.5
	printf '{"timestamp":"2026-11-20T08:00:06Z","rule":"e-partial' >>"$w/live.json"
	sleep 1
	echo '","policy":"1.1"}' >>"$w/live.json"
	sleep 1.5
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	got=$(sed 's/.*"rule":"\([^"]*\)".*/\1/' "$w/fout" | tr '\n' ' ')
	want="a a2-old-file b-new-file c d-recreated e-partial "
	if [ "$rc" -eq 0 ] && [ "$got" = "$want" ] &&
		grep -q 'has been replaced' "$w/ferr" &&
		grep -q 'file truncated' "$w/ferr"; then
		echo "ok alerts/follow-rotation-truncation"
	else
		echo "FAIL alerts/follow-rotation-truncation: exit $rc, got '$got', want '$want'"
		sed 's/^/    /' "$w/ferr"
	fi
}
follow_test

# --follow --since: history from the rotated files first.
setup
(cd "$tmp/w" && exec "$msgsec" alerts -c msgsec.yaml --follow --json \
	--since 2026-11-18 >"$tmp/fout" 2>"$tmp/ferr") &
pid=$!
sleep 1.5
echo '{"timestamp":"2026-11-21T08:00:00Z","rule":"live","policy":"1.1"}' >>"$tmp/w/L/rot/alerts.json"
sleep 1.5
kill -TERM "$pid"
wait "$pid"
got=$(sed 's/.*"rule":"\([^"]*\)".*/\1/' "$tmp/fout" | tr '\n' ' ')
want="spam.subject network.im network.webmail live "
if [ "$got" = "$want" ]; then
	echo "ok alerts/follow-since-history"
else
	echo "FAIL alerts/follow-since-history: got '$got', want '$want'"
	sed 's/^/    /' "$tmp/ferr"
fi
exit 0
