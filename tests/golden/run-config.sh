#!/bin/sh
# tests/golden/run-config.sh - where `msgsec` finds its configuration and
# how it takes its options (issue 12): -c FILE first, then
# $MSGSEC_CONFIG, then the checkout's rules/msgsec.yaml when the binary
# lies in a checkout, then /etc/msgsec/msgsec.yaml; options before or
# after the subcommand; --opt=value.  The binary is copied into a made-up
# checkout and into a folder that is none, so nothing depends on where
# this checkout lives.  Prints "ok NAME", "FAIL NAME" or "skip NAME why".
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$top/$O/msgsec
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok config/$1"; }
fail() { echo "FAIL config/$1: $2"; sed 's/^/    /' "$tmp/err" "$tmp/out" 2>/dev/null; }

# A checkout: TOP/rules/msgsec.yaml and the marker admin/msgsec.c;
# the binary two folders down, as build/san/msgsec is.
co=$tmp/co
mkdir -p "$co/rules" "$co/admin" "$co/build/san" "$co/q" "$tmp/none"
: >"$co/admin/msgsec.c"
printf 'paths:\n  quarantine: ../q\nalerts:\n  file: ../checkout.json\n' \
	>"$co/rules/msgsec.yaml"
cp "$bin" "$co/build/san/msgsec"
cp "$bin" "$tmp/none/msgsec"
printf 'paths:\n  quarantine: q\nalerts:\n  file: env.json\n' >"$tmp/env.yaml"
printf 'paths:\n  quarantine: q\nalerts:\n  file: given.json\n' >"$tmp/given.yaml"
printf 'paths:\n  quarantine: q\nalerts:\n  file: second.json\n' >"$tmp/second.yaml"
mkdir -p "$tmp/q"

# Which log would `alerts` read?  It names it when the log is missing.
which_log() {	# name expected-log args...
	name=$1 want=$2
	shift 2
	(cd "$tmp" && "$@" >"$tmp/out" 2>"$tmp/err")
	if grep -q "/$want: no alert log yet\|^msgsec alerts: $want: no alert log yet" "$tmp/err"; then
		ok "$name"
	else
		fail "$name" "expected $want"
	fi
}

unset MSGSEC_CONFIG
which_log checkout checkout.json "$co/build/san/msgsec" alerts
which_log checkout-symlink checkout.json sh -c \
	"ln -sf '$co/build/san/msgsec' '$tmp/link' && '$tmp/link' alerts"
which_log env env.json env MSGSEC_CONFIG="$tmp/env.yaml" \
	"$co/build/san/msgsec" alerts
which_log c-over-env given.json env MSGSEC_CONFIG="$tmp/env.yaml" \
	"$co/build/san/msgsec" alerts -c given.yaml
which_log c-before given.json "$co/build/san/msgsec" -c given.yaml alerts
which_log config-eq-before given.json "$co/build/san/msgsec" \
	--config=given.yaml alerts
which_log config-eq-after given.json "$co/build/san/msgsec" alerts \
	--config=given.yaml
which_log last-c-wins second.json "$co/build/san/msgsec" -c given.yaml \
	alerts -c second.yaml
which_log set-before env.json "$co/build/san/msgsec" \
	--set alerts.file=env.json alerts
which_log set-eq-after env.json "$co/build/san/msgsec" alerts \
	--set=alerts.file=env.json
which_log summary-after-c given.json "$co/build/san/msgsec" -c given.yaml \
	alerts summary

# Not a checkout, nothing set: the error names every place looked at.
if [ -e /etc/msgsec/msgsec.yaml ]; then
	echo "skip config/none-found /etc/msgsec/msgsec.yaml exists here"
else
	(cd "$tmp" && ./none/msgsec quarantine list >"$tmp/out" 2>"$tmp/err")
	rc=$?
	if [ $rc -ne 0 ] && grep -q "looked at: MSGSEC_CONFIG (unset), $tmp/none/msgsec (not in a checkout), /etc/msgsec/msgsec.yaml" "$tmp/err"; then
		ok none-found
	else
		fail none-found "exit $rc, want the places looked at"
	fi
fi
(cd "$tmp" && MSGSEC_CONFIG=$tmp/missing.yaml "$co/build/san/msgsec" \
	alerts >"$tmp/out" 2>"$tmp/err")
if grep -q "missing.yaml (MSGSEC_CONFIG)" "$tmp/err"; then
	ok env-missing-named
else
	fail env-missing-named "want MSGSEC_CONFIG named"
fi

# --opt=value and --opt value give the same; a flag takes no value.
L=$tmp/log.json
printf '%s\n' '{"timestamp":"2026-11-20T08:00:00Z","event_type":"mail","rule":"a.x","policy":"1.1"}' \
	'{"timestamp":"2026-11-22T08:00:00Z","event_type":"mail","rule":"b.y","policy":"1.2"}' >"$L"
a=$("$co/build/san/msgsec" alerts --json --rule a.x --since 2026-11-01 "$L")
b=$("$co/build/san/msgsec" alerts --json=1 "$L" 2>&1)
c=$("$co/build/san/msgsec" alerts "$L" --json --rule=a.x --since=2026-11-01)
if [ -n "$a" ] && [ "$a" = "$c" ] && echo "$b" | grep -q "unknown option '--json=1'"; then
	ok opt-equals
else
	echo "FAIL config/opt-equals: '$a' '$c' '$b'"
fi
# A value that looks like an option stays a value.
(cd "$tmp" && "$co/build/san/msgsec" quarantine list -c given.yaml \
	--rule='--since=x' >"$tmp/out" 2>"$tmp/err")
rc=$?
if [ $rc -eq 0 ] && grep -q "no quarantined message matches" "$tmp/out" "$tmp/err"; then
	ok value-like-option
else
	fail value-like-option "exit $rc"
fi
"$co/build/san/msgsec" check --config="$top/rules/msgsec.yaml" \
	--today=2026-01-01 -q >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok check-today-eq || fail check-today-eq "exit $rc"
# Subcommands that dispatch on an action word still see it first.
(cd "$tmp" && "$co/build/san/msgsec" quarantine --help >"$tmp/out" 2>"$tmp/err")
rc=$?
[ $rc -eq 0 ] && grep -q "^usage: msgsec quarantine list" "$tmp/out" &&
	ok quarantine-help || fail quarantine-help "exit $rc"
(cd "$tmp" && "$co/build/san/msgsec" -c given.yaml quarantine list \
	>"$tmp/out" 2>"$tmp/err")
rc=$?
[ $rc -eq 0 ] && grep -q "no quarantined message matches" "$tmp/out" &&
	ok c-before-action || fail c-before-action "exit $rc"
