#!/bin/sh
# tests/golden/run-admin.sh - golden tests for the security office's
# subcommands, `msgsec exception` and `msgsec quarantine`.
#
# A case is tests/golden/{exception,quarantine}/NAME.sh: shell lines run
# in a fresh copy of the shipped rules ($W/rules, the working folder, with
# the quarantine store fixture tests/golden/quarantine/store copied to
# $W/state/quarantine).  In a case, `msgsec ...` runs the binary with
# -c msgsec.yaml and prints "$ msgsec ARGS", its output (stderr, then
# stdout) and "[exit N]".  After the case the runner prints what changed:
# a unified diff of the exceptions folder, the quarantine audit log and
# the store's entries, and whether the policy still loads (msgsec check).
# The transcript must equal NAME.expect.  Cases pin the clock with --now
# or --today, so no output depends on the calendar.
#
# UPDATE=1 rewrites the .expect files from the current output (review the
# diff before committing).  Prints "ok NAME" or "FAIL NAME".
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
bin=$top/$O/msgsec
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run_case() {	# suite case-file
	W=$tmp/w
	rm -rf "$W"
	mkdir -p "$W/state" "$W/orig"
	cp -R rules "$W/rules"
	cp -R rules/exceptions "$W/orig/exceptions"
	mkdir -p "$W/state/quarantine"
	if [ -d tests/golden/quarantine/store ]; then
		cp -R tests/golden/quarantine/store/. "$W/state/quarantine/"
	fi
	cp -R "$W/state/quarantine" "$W/orig/quarantine"
	(
		cd "$W/rules" || exit 1
		export W top
		FAKE_SENDMAIL=$top/tests/golden/quarantine/fake-sendmail.sh
		FAKE_BIN=$top/tests/golden/quarantine/bin	# postsuper
		export FAKE_SENDMAIL FAKE_BIN
		msgsec() {
			echo "\$ msgsec $*"
			"$bin" "$@" -c msgsec.yaml 2>&1
			echo "[exit $?]"
		}
		. "$top/$2"
		echo "--- changes"
		cd "$W" || exit 1
		diff -ruN orig/exceptions rules/exceptions |
			sed -e 's/^\(+++\|---\) \([^	]*\).*/\1 \2/' \
			    -e '/^diff /d'
		for e in orig/quarantine/*/; do
			[ -d "$e" ] || continue
			e=$(basename "$e")
			[ -d "state/quarantine/$e" ] ||
				echo "quarantine entry removed: $e"
		done
		for e in state/quarantine/*/; do
			[ -d "$e" ] || continue
			e=$(basename "$e")
			[ -d "orig/quarantine/$e" ] ||
				echo "quarantine entry added: $e"
			[ -d "orig/quarantine/$e" ] &&
				! cmp -s "orig/quarantine/$e/meta.json" \
				"state/quarantine/$e/meta.json" &&
				{ echo "meta.json of $e:"; cat \
				"state/quarantine/$e/meta.json"; }
		done
		if [ -f state/quarantine/audit.jsonl ]; then
			echo "audit.jsonl:"
			cat state/quarantine/audit.jsonl
		fi
		if [ -f state/alerts.json ]; then
			echo "alerts.json:"
			# Which policy wrote them: its content hash, not pinned.
			sed 's/"policy_hash":"[0-9a-f]\{12\}"/"policy_hash":"HASH"/g' \
			    state/alerts.json
		fi
		ls state/quarantine/.release 2>/dev/null |
			sed 's/^[0-9a-f]\{32\}$/(one token)/' |
			sed 's/^/release token: /'
		"$bin" check -q -c rules/msgsec.yaml >/dev/null 2>&1
		echo "policy loads: exit $?"
	) 2>&1 | sed "s|$top/|TOP/|g" >"$tmp/out"
}

for suite in exception quarantine; do
	for c in tests/golden/$suite/*.sh; do
		[ -f "$c" ] || continue
		case $c in */fake-sendmail.sh) continue ;; esac
		name=$suite/$(basename "$c" .sh)
		expect=${c%.sh}.expect
		run_case "$suite" "$c"
		if [ "${UPDATE:-}" = 1 ]; then
			cp "$tmp/out" "$expect"
		fi
		if [ ! -f "$expect" ]; then
			echo "FAIL $name (no $expect)"
		elif ! diff -u "$expect" "$tmp/out" >"$tmp/diff"; then
			echo "FAIL $name: output differs"
			sed 's/^/    /' "$tmp/diff"
		else
			echo "ok $name"
		fi
	done
done

# Concurrency: parallel requests and reviews lose nothing.  20 requests at
# once get 20 distinct ids; then both bodies review all 20 at once (40
# processes): every record ends approved with both reviews and all three
# history entries; then 10 people race to give one body's review of one
# record: exactly one wins.  Every file loads (msgsec check).
W=$tmp/conc
rm -rf "$W"
mkdir -p "$W"
cp -R rules "$W/rules"
cd "$W/rules" || exit 1
ms() { "$bin" "$@" -c msgsec.yaml; }
for k in $(seq 1 20); do
	ms exception request --no-prompt --agency DEP --requester "R $k" \
		--role designee --email "r$k@dep.mass.example" --reasons r \
		--circumstances c --access-controls a --users dep.mass.example \
		--from 2026-12-01 --until 2026-12-31 \
		--now 2026-11-30T12:00:00Z >"$tmp/req.$k" 2>&1 &
done
wait
ids=$(sed -n 's/^filed \([^ ]*\).*/\1/p' "$tmp"/req.* | sort -u)
n=$(echo "$ids" | grep -c EX-)
files=$(ls exceptions | grep -c '^EX-2026-00[0-9][0-9]\.yaml$')
if [ "$n" -eq 20 ] && [ "$files" -eq 25 ]; then
	echo "ok concurrency/requests"
else
	echo "FAIL concurrency/requests: $n ids, $files files"
	cat "$tmp"/req.* | sed 's/^/    /'
fi
for id in $ids; do
	ms exception review "$id" --body MassIT --decision approve \
		--by "Priya Raman" --now 2026-12-01T09:00:00Z \
		>"$tmp/rev.$id.m" 2>&1 &
	ms exception review "$id" --body ESB --decision approve \
		--by "Tom Okafor" --now 2026-12-01T09:00:00Z \
		>"$tmp/rev.$id.e" 2>&1 &
done
wait
bad=0
for id in $ids; do
	f=exceptions/$id.yaml
	if ! grep -q '^  status: approved$' "$f" ||
		[ "$(grep -c 'decision: approved' "$f")" -ne 2 ] ||
		[ "$(grep -c '^    - { on: ' "$f")" -ne 3 ]; then
		bad=$((bad + 1))
		cat "$f" "$tmp/rev.$id.m" "$tmp/rev.$id.e" | sed 's/^/    /'
	fi
done
if [ $bad -eq 0 ] && ms check -q >/dev/null 2>&1 &&
	[ "$(ms exception list --state in-force --today 2026-12-15 |
	grep -c ' approved ')" -eq 21 ]; then
	echo "ok concurrency/reviews"
else
	echo "FAIL concurrency/reviews: $bad records lost a change"
	ms check -q 2>&1 | sed 's/^/    /'
fi
for k in $(seq 1 10); do
	ms exception review EX-2026-0002 --body MassIT --decision approve \
		--by "Person $k" --now 2026-12-01T09:00:00Z \
		>"$tmp/race.$k" 2>&1 &
done
wait
won=$(grep -l 'status requested' "$tmp"/race.* | wc -l)
lost=$(grep -l 'has already reviewed' "$tmp"/race.* | wc -l)
revs=$(grep -c 'body: MassIT' exceptions/EX-2026-0002.yaml)
if [ "$won" -eq 1 ] && [ "$lost" -eq 9 ] && [ "$revs" -eq 1 ] &&
	ms check -q >/dev/null 2>&1; then
	echo "ok concurrency/one-review-per-body"
else
	echo "FAIL concurrency/one-review-per-body: won $won, lost $lost," \
		"$revs MassIT reviews"
fi
cd "$top" || exit 1

# On a terminal, request asks for what the flags do not give.
if command -v script >/dev/null 2>&1; then
	W=$tmp/prompt
	rm -rf "$W"
	mkdir -p "$W"
	cp -R rules "$W/rules"
	cd "$W/rules" || exit 1
	(printf 'designee\nm@dor.mass.example\nreasons here\ncirc\naccess\n'
	printf 'attach.*\n\n\n2026-12-10\n2027-01-10\n'; sleep 3) |
		script -qec "'$bin' exception request -c msgsec.yaml \
		--now 2026-12-01T09:00:00Z --agency DOR \
		--requester 'Meredith Chan'" /dev/null >"$tmp/prompt.out" 2>&1
	f=exceptions/EX-2026-0007.yaml
	if grep -q 'Their role (agency-head or designee): ' "$tmp/prompt.out" &&
		grep -q 'filed EX-2026-0007 (requested' "$tmp/prompt.out" &&
		grep -q '^  reasons: reasons here$' "$f" &&
		grep -q '^  valid_until: 2027-01-10$' "$f" &&
		grep -q 'name: Meredith Chan, role: designee' "$f"; then
		echo "ok exception/prompts"
	else
		echo "FAIL exception/prompts"
		sed 's/^/    /' "$tmp/prompt.out"
	fi
	cd "$top" || exit 1
else
	echo "skip exception/prompts (no script(1))"
fi
