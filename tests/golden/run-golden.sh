#!/bin/sh
# tests/golden/run-golden.sh - golden tests for `msgsec check`.
#
# Each case is a folder tests/golden/check/NAME/ holding msgsec.yaml and the
# files it names, with tests/golden/check/NAME.expect beside it: the exact
# output of `msgsec check -q --today 2026-11-22 -c .../msgsec.yaml`, run
# from the top of the checkout.  A case whose .expect has no "error:" line
# must exit 0; any other must exit 1.  Prints "ok NAME" or "FAIL NAME".
#
# UPDATE=1 rewrites the .expect files from the current output (review the
# diff before committing).
set -u
O=${O:-build}
cd "$(dirname "$0")/../.." || exit 1
msgsec=$O/msgsec
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for dir in tests/golden/check/*/; do
	name=$(basename "$dir")
	expect=tests/golden/check/$name.expect
	[ -f "$dir/msgsec.yaml" ] || continue
	"$msgsec" check -q --today 2026-11-22 -c "${dir}msgsec.yaml" \
		>"$tmp/out" 2>&1
	rc=$?
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$tmp/out" "$expect"
	fi
	if [ ! -f "$expect" ]; then
		echo "FAIL check/$name (no $expect)"
		continue
	fi
	want=1
	grep -q ': error: ' "$expect" || want=0
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL check/$name: exit $rc, expected $want"
		sed 's/^/    /' "$tmp/out"
	elif ! diff -u "$expect" "$tmp/out" >"$tmp/diff"; then
		echo "FAIL check/$name: output differs"
		sed 's/^/    /' "$tmp/diff"
	else
		echo "ok check/$name"
	fi
done

# The shipped configuration must pass, with its summary.  A database
# folder with a file in it keeps the summary free of the warning about a
# missing virus database, whatever this machine has in /var/lib/clamav.
mkdir -p "$tmp/clamdb"
: >"$tmp/clamdb/empty.hdb"	# a fixture: no signature in it
"$msgsec" check --today 2026-11-22 -c rules/msgsec.yaml \
	--set "clamav.database=$tmp/clamdb" >"$tmp/out" 2>&1
rc=$?
# The hash covers the --set above (a temporary path): any 64 hex digits.
sed -i 's/^policy hash: [0-9a-f]\{64\}$/policy hash: SHA256/' "$tmp/out"
if [ "$rc" -eq 0 ] && grep -q '^rules/msgsec.yaml: OK' "$tmp/out"; then
	echo "ok check/shipped-rules"
else
	echo "FAIL check/shipped-rules: exit $rc"
	sed 's/^/    /' "$tmp/out"
fi
if [ -f tests/golden/shipped-rules.expect ]; then
	if diff -u tests/golden/shipped-rules.expect "$tmp/out" >"$tmp/diff"; then
		echo "ok check/shipped-rules-summary"
	else
		echo "FAIL check/shipped-rules-summary"
		sed 's/^/    /' "$tmp/diff"
	fi
fi

# The policy's content hash: the same files in another folder give the
# same hash; one changed byte in a list, another.
h1=$("$msgsec" check -c rules/msgsec.yaml 2>/dev/null | sed -n 's/^policy hash: //p')
cp -R rules "$tmp/elsewhere"
h2=$("$msgsec" check -c "$tmp/elsewhere/msgsec.yaml" 2>/dev/null | sed -n 's/^policy hash: //p')
l=$(ls "$tmp"/elsewhere/lists/*.txt 2>/dev/null | head -n 1)
[ -n "$l" ] && echo "# one more comment" >>"$l"
h3=$("$msgsec" check -c "$tmp/elsewhere/msgsec.yaml" 2>/dev/null | sed -n 's/^policy hash: //p')
if [ ${#h1} -eq 64 ] && [ "$h1" = "$h2" ] && [ -n "$l" ] && [ "$h3" != "$h1" ]; then
	echo "ok check/policy-hash"
else
	echo "FAIL check/policy-hash: '$h1' '$h2' '$h3' (list $l)"
fi
