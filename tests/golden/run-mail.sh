#!/bin/sh
# tests/golden/run-mail.sh - golden tests for msgsec-milter --test.
#
# Each tests/golden/mail/NAME.eml is judged with the shipped configuration
# and the envelope in NAME.args (default: inbound from sender@example.org
# to user@dep.mass.example from 203.0.113.9); the JSON must equal
# NAME.ref.  UPDATE=1 rewrites the .ref files (review the diff).
set -u
O=${O:-build}
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "${MSGSEC_CLAMAV_DB:-}" ]; then
	MSGSEC_CLAMAV_DB=$tmp/clamav-db
	sh tests/data/make-clamav-db.sh "$MSGSEC_CLAMAV_DB" >/dev/null
fi
for eml in tests/golden/mail/*.eml; do
	name=$(basename "$eml" .eml)
	base=tests/golden/mail/$name
	args="--from sender@example.org --rcpt user@dep.mass.example --client 203.0.113.9"
	[ -f "$base.args" ] && args=$(cat "$base.args")
	# shellcheck disable=SC2086
	"$O/msgsec-milter" -c rules/msgsec.yaml \
		--set "clamav.database=$MSGSEC_CLAMAV_DB" --test "$eml" $args \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$tmp/out" "$base.ref"
	fi
	if [ $rc -ne 0 ]; then
		echo "FAIL mail/$name: exit $rc"
		sed 's/^/    /' "$tmp/err"
	elif [ -s "$tmp/err" ]; then
		echo "FAIL mail/$name: stderr not empty"
		sed 's/^/    /' "$tmp/err"
	elif ! diff -u "$base.ref" "$tmp/out" >"$tmp/diff" 2>&1; then
		echo "FAIL mail/$name"
		sed 's/^/    /' "$tmp/diff"
	else
		echo "ok mail/$name"
	fi
done
