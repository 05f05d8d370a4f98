#!/bin/sh
# tests/milter/run-exc-reload.sh - msgsec-milter picks up exception changes
# made with `msgsec exception` without SIGHUP and without a restart: the
# reload thread's periodic check (clamav.check_seconds, 1 here) notices
# the exceptions folder changed (watch.c) and publishes a new snapshot.
# Messages sent while it reloads all get an answer.  Then the one-time
# release pass (X-Msgsec-Release) is honoured once and never forged.  Prints "ok NAME" /
# "FAIL NAME" / "skip NAME why".
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
if ! command -v miltertest >/dev/null 2>&1; then
	echo "skip exc-reload (miltertest not installed)"
	exit 0
fi
w=$(mktemp -d /tmp/msgsec-excr.XXXXXX)
chmod 755 "$w"
db=${MSGSEC_CLAMAV_DB:-$w/clamav-db}
[ -f "$db/test.hdb" ] || sh tests/data/make-clamav-db.sh "$db" >/dev/null
cp tests/milter/common.lua "$w/"
cp -R rules "$w/rules"
cat >"$w/rules/policy/zz-reload.yaml" <<'RULES'
rules:
  - { id: test.reload-marker, policy: "1.2", match: { subject: { regex: reload-marker } }, action: reject }
RULES
chmod -R a+rX "$w/rules"
"$O/msgsec-milter" -f -c "$w/rules/msgsec.yaml" \
	--set "milter.socket=unix:$w/milter.sock" \
	--set "paths.quarantine=$w/quarantine" \
	--set "alerts.file=$w/alerts.json" \
	--set "clamav.database=$db" \
	--set "clamav.check_seconds=1" \
	-u nobody >"$w/milter.log" 2>&1 &
pid=$!
i=0
while [ ! -S "$w/milter.sock" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
mt() {	# phase expect
	miltertest -D "socket=unix:$w/milter.sock" -D "dir=$w" -D "phase=$1" \
		-D "expect=$2" -s tests/milter/exc/marker.lua 2>&1
}
# Wait (at most 10 s) until a message gets the expected answer.
until_mt() {	# phase expect
	n=0
	while [ $n -lt 50 ]; do
		out=$(mt "$1" "$2")
		case $out in ok*) echo "$out"; return 0 ;; esac
		sleep 0.2
		n=$((n + 1))
	done
	echo "$out"
}
ex() { "$O/msgsec" exception "$@" -c "$w/rules/msgsec.yaml"; }
mt before reject
today=$(date -u +%Y-%m-%d)
until=$(date -u -d '+30 days' +%Y-%m-%d)
id=$(ex request --agency DEP --requester "Dana Whitfield" --role agency-head \
	--email dana.whitfield@dep.mass.example --reasons "Test of reloads." \
	--circumstances "Automated test." --access-controls "One mailbox." \
	--rules test.reload-marker --users user@dep.mass.example \
	--from "$today" --until "$until" --no-prompt | sed -n 's/^filed \([^ ]*\).*/\1/p')
ex review "$id" --body MassIT --decision approve --by "Priya Raman" >/dev/null
# Mail keeps flowing while the milter notices and reloads.
(for k in 1 2 3 4 5 6 7 8 9 10; do mt during answer; sleep 0.2; done) \
	>"$w/during.log" 2>&1 &
bg=$!
ex review "$id" --body ESB --decision approve --by "Tom Okafor" >/dev/null
until_mt approved accept
wait $bg
if grep -q "^ok " "$w/during.log" && ! grep -q "^FAIL" "$w/during.log"; then
	echo "ok exc-reload-no-drops"
else
	echo "FAIL exc-reload-no-drops"
	cat "$w/during.log"
fi
ex revoke "$id" --by "Priya Raman" --note "test over" >/dev/null
until_mt revoked reject
if grep -q "policy files changed: reloading" "$w/milter.log" &&
	! grep -q "reload failed" "$w/milter.log"; then
	echo "ok exc-reload-log"
else
	echo "FAIL exc-reload-log"
	tail -5 "$w/milter.log"
fi
# One-time release passes (release.c): accepted once, header removed.
tok=0123456789abcdef0123456789abcdef
mkdir -p "$w/quarantine/.release"
echo "20261120T101500Z-TEST" >"$w/quarantine/.release/$tok"
chown -R nobody "$w/quarantine"
rel() {	# phase token expect
	miltertest -D "socket=unix:$w/milter.sock" -D "dir=$w" -D "phase=$1" \
		-D "token=$2" -D "expect=$3" -s tests/milter/exc/release.lua 2>&1
}
rel pass "$tok" accept
rel replay "$tok" reject
rel forged fedcba9876543210fedcba9876543210 reject
rel malformed "../../etc/passwd" reject
if grep -q "released from quarantine entry 20261120T101500Z-TEST" \
	"$w/milter.log" && [ ! -e "$w/quarantine/.release/$tok" ]; then
	echo "ok release/logged-and-consumed"
else
	echo "FAIL release/logged-and-consumed"
	tail -5 "$w/milter.log"
fi
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rm -rf "$w"
