#!/bin/sh
# tests/milter/run-daemon.sh - msgsec-milter's operational behaviour as a
# daemon: one milter per socket (the SOCKET.lock, stale and foreign
# sockets, inet ports), socket specs checked part by part, -p relative to
# the current folder, the -P pid file (atomic, removed at exit, its errors),
# --opt=value, an unwritable quarantine folder (tempfail, reported once,
# no invented quarantine id), timestamps on foreground log lines and in
# alerts, libclamav's messages ending their lines, and --version naming
# the policy's hash.  Prints "ok NAME" /
# "FAIL NAME" / "skip NAME why" per check.
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
case $O in
/*) bin=$O ;;
*) bin=$top/$O ;;
esac
M=$bin/msgsec-milter
S=$bin/msgsec-sensor
if [ ! -x "$M" ]; then
	echo "skip daemon ($M not built)"
	exit 0
fi
w=$(mktemp -d /tmp/msgsec-daemon.XXXXXX)
chmod 755 "$w"
cp -R rules "$w/rules"
mkdir -p "$w/run/cwd" "$w/state"
# Started as root the milter drops to nobody: its run folder must be
# nobody's, so it can remove its socket, lock and pid file at exit.
if [ "$(id -u)" -eq 0 ]; then
	chown -R nobody "$w/run"
fi
CONF="-c $w/rules/msgsec.yaml --set clamav.enabled=false
	--set paths.quarantine=$w/quarantine --set alerts.file=$w/alerts.json
	-u nobody"
PY=/usr/bin/python3

ok() { echo "ok daemon/$1"; }
fail() {
	echo "FAIL daemon/$1"
	shift
	for f in "$@"; do
		[ -f "$f" ] && sed 's/^/    /' "$f" | tail -5
	done
}
# wait_for FILE: until it exists (a socket, a pid file), at most 20 s.
wait_for() {
	i=0
	while [ ! -e "$1" ] && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -e "$1" ]
}
# stop PID [SIG]: signal it and wait until it is gone, at most 20 s.
stop() {
	kill "-${2:-TERM}" "$1" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	! kill -0 "$1" 2>/dev/null
}
# can_connect PATH: something accepts on the unix socket.
can_connect() {
	$PY -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])' "$1" 2>/dev/null
}
stamp='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{2}:[0-9]{2} msgsec-milter: '

# ---- one milter per socket
# shellcheck disable=SC2086
"$M" -f $CONF -p "unix:$w/run/a.sock" >"$w/a.log" 2>&1 &
pa=$!
if ! wait_for "$w/run/a.sock"; then
	fail start "$w/a.log"
	kill "$pa" 2>/dev/null
	rm -rf "$w"
	exit 0
fi
ino=$(stat -c %i "$w/run/a.sock")
# shellcheck disable=SC2086
timeout 20 "$M" -f $CONF --socket="unix:$w/run/a.sock" >"$w/b.log" 2>&1
rc=$?
if [ $rc -eq 2 ] &&
	grep -q "unix:$w/run/a.sock: another msgsec-milter is serving this socket (pid $pa, lock $w/run/a.sock.lock held)" "$w/b.log" &&
	[ "$(stat -c %i "$w/run/a.sock")" = "$ino" ] && can_connect "$w/run/a.sock"; then
	ok second-milter-refused
else
	fail "second-milter-refused (exit $rc)" "$w/b.log"
fi
if [ "$(cat "$w/run/a.sock.lock" 2>/dev/null)" = "$pa" ]; then
	ok lock-names-holder
else
	fail lock-names-holder
fi
# Foreground log lines: local time, milliseconds, offset.
n=$(grep -c 'msgsec-milter: ' "$w/a.log")
s=$(grep -Ec "$stamp" "$w/a.log")
if [ "$n" -ge 1 ] && [ "$n" = "$s" ]; then
	ok foreground-timestamps
else
	fail "foreground-timestamps ($s of $n lines stamped)" "$w/a.log"
fi
if stop "$pa" && [ ! -e "$w/run/a.sock" ] && [ ! -e "$w/run/a.sock.lock" ]; then
	ok stop-removes-socket-and-lock
else
	fail stop-removes-socket-and-lock "$w/a.log"
fi

# A stale socket (its milter crashed) is replaced by the lock's new holder.
$PY -c 'import socket, sys
socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$w/run/s.sock"
# shellcheck disable=SC2086
"$M" -f $CONF -p "unix:$w/run/s.sock" >"$w/s.log" 2>&1 &
ps=$!
i=0
while ! grep -q "listening on" "$w/s.log" && [ $i -lt 200 ]; do
	sleep 0.1
	i=$((i + 1))
done
if can_connect "$w/run/s.sock"; then
	ok stale-socket-replaced
else
	fail stale-socket-replaced "$w/s.log"
fi
stop "$ps"
# Anything else at the path is left alone.
echo keep >"$w/run/f.sock"
# shellcheck disable=SC2086
timeout 20 "$M" -f $CONF -p "unix:$w/run/f.sock" >"$w/f.log" 2>&1
rc=$?
if [ $rc -eq 2 ] && [ "$(cat "$w/run/f.sock")" = keep ] &&
	grep -q "$w/run/f.sock exists and is not a socket: not removing it" "$w/f.log"; then
	ok non-socket-kept
else
	fail "non-socket-kept (exit $rc)" "$w/f.log"
fi
$PY -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(4)
time.sleep(30)' "$w/run/x.sock" &
px=$!
wait_for "$w/run/x.sock"
# shellcheck disable=SC2086
timeout 20 "$M" -f $CONF -p "unix:$w/run/x.sock" >"$w/x.log" 2>&1
rc=$?
if [ $rc -eq 2 ] && can_connect "$w/run/x.sock" &&
	grep -q "accepts connections on $w/run/x.sock (another milter?): not removing it" "$w/x.log"; then
	ok foreign-listener-kept
else
	fail "foreign-listener-kept (exit $rc)" "$w/x.log"
fi
kill "$px" 2>/dev/null
wait "$px" 2>/dev/null

# inet: the bind is the lock, and its failure says so.
port=$($PY -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
# shellcheck disable=SC2086
"$M" -f $CONF -p "inet:$port@127.0.0.1" >"$w/i.log" 2>&1 &
pi=$!
i=0
while ! grep -q "listening on" "$w/i.log" && [ $i -lt 200 ]; do
	sleep 0.1
	i=$((i + 1))
done
# shellcheck disable=SC2086
timeout 20 "$M" -f $CONF -p "inet:$port@127.0.0.1" >"$w/i2.log" 2>&1
rc=$?
if [ $rc -eq 2 ] &&
	grep -q "inet:$port@127.0.0.1: port $port on 127.0.0.1 is already in use (another milter running?)" "$w/i2.log"; then
	ok inet-port-in-use
else
	fail "inet-port-in-use (exit $rc)" "$w/i2.log"
fi
stop "$pi"

# ---- socket specs: the error names the bad part
spec_case() {	# name spec expected-message
	# shellcheck disable=SC2086
	out=$(timeout 20 "$M" -f $CONF -p "$2" 2>&1)
	rc=$?
	if [ $rc -eq 2 ] && echo "$out" | grep -qF -- "$3"; then
		ok "spec-$1"
	else
		fail "spec-$1 (exit $rc): $out"
	fi
}
spec_case port-range "inet:70000@localhost" \
	"-p inet:70000@localhost: port 70000 is not 1-65535"
spec_case port-zero "inet:0@127.0.0.1" "inet:0@127.0.0.1: port 0 is not 1-65535"
spec_case port-word "inet:smtp@127.0.0.1" "port 'smtp' is not a number"
spec_case no-host "inet:8891@" "inet:8891@: no host after '@'"
spec_case family "inet6:8891@127.0.0.1" \
	"host 127.0.0.1 is an IPv4 address (use inet:PORT@127.0.0.1)"
spec_case type "tcp:8891@127.0.0.1" "unknown socket type 'tcp'"
spec_case no-path "unix:" "unix:: no path after the colon"
long=$w/run/$(printf '%0120d' 0).sock
spec_case long-path "unix:$long" "longer than the 107 a unix socket address holds"
# shellcheck disable=SC2086
out=$(timeout 20 "$M" -f $CONF --set "milter.socket=inet:99999@127.0.0.1" 2>&1)
if echo "$out" | grep -qF "milter.socket: inet:99999@127.0.0.1: port 99999 is not 1-65535"; then
	ok spec-from-config
else
	fail "spec-from-config: $out"
fi

# -p unix:RELATIVE is in the current folder (as Postfix reads it), not the
# configuration's.
# shellcheck disable=SC2086
(cd "$w/run/cwd" && exec "$M" -f $CONF -p unix:rel.sock) >"$w/r.log" 2>&1 &
pr=$!
if wait_for "$w/run/cwd/rel.sock" && [ ! -e "$w/rules/rel.sock" ] &&
	grep -q "listening on unix:$w/run/cwd/rel.sock" "$w/r.log"; then
	ok relative-socket-in-cwd
else
	fail relative-socket-in-cwd "$w/r.log"
fi
stop "$pr"

# ---- -P: atomic, the daemon's own pid, removed at exit
# shellcheck disable=SC2086
"$M" -f $CONF -p "unix:$w/run/p.sock" --pidfile="$w/run/m.pid" >"$w/p.log" 2>&1 &
pp=$!
wait_for "$w/run/p.sock"
if [ "$(cat "$w/run/m.pid" 2>/dev/null)" = "$pp" ] &&
	[ -z "$(find "$w/run" -name '.m.pid.*')" ]; then
	ok pidfile-written
else
	fail pidfile-written "$w/p.log"
fi
if stop "$pp" TERM && [ ! -e "$w/run/m.pid" ]; then
	ok pidfile-removed-sigterm
else
	fail pidfile-removed-sigterm "$w/p.log"
fi
# SIGINT (a background job of sh ignores it: give it back its default).
# shellcheck disable=SC2086
env --default-signal=INT "$M" -f $CONF -p "unix:$w/run/p.sock" -P "$w/run/m.pid" >"$w/p2.log" 2>&1 &
pp=$!
wait_for "$w/run/m.pid"
if stop "$pp" INT && [ ! -e "$w/run/m.pid" ] && [ ! -e "$w/run/p.sock" ]; then
	ok pidfile-removed-sigint
else
	fail pidfile-removed-sigint "$w/p2.log"
fi
# Detached (no -f): the pid file holds the daemon's pid, not the starter's.
# shellcheck disable=SC2086
timeout 60 "$M" $CONF -p "unix:$w/run/d.sock" -P "$w/run/d.pid" >"$w/d.log" 2>&1
rc=$?
wait_for "$w/run/d.sock"
pd=$(cat "$w/run/d.pid" 2>/dev/null)
if [ $rc -eq 0 ] && [ -n "$pd" ] && kill -0 "$pd" 2>/dev/null &&
	tr '\0' ' ' <"/proc/$pd/cmdline" | grep -q msgsec-milter &&
	[ "$(cat "$w/run/d.sock.lock")" = "$pd" ]; then
	ok pidfile-detached
else
	fail "pidfile-detached (exit $rc, pid '$pd')" "$w/d.log"
fi
if [ -n "$pd" ] && stop "$pd" && [ ! -e "$w/run/d.pid" ] && [ ! -e "$w/run/d.sock" ]; then
	ok pidfile-detached-removed
else
	fail pidfile-detached-removed
fi
# shellcheck disable=SC2086
out=$(timeout 20 "$M" -f $CONF -p "unix:$w/run/e.sock" -P "$w/nowhere/m.pid" 2>&1)
rc=$?
if [ $rc -eq 2 ] && [ ! -e "$w/run/e.sock" ] &&
	echo "$out" | grep -qF -- "-P $w/nowhere/m.pid: cannot create a temporary file in $w/nowhere: No such file or directory"; then
	ok pidfile-error
else
	fail "pidfile-error (exit $rc): $out"
fi

# ---- --opt=value (getopt_long), for the milter and the sensor
cat >"$w/clean.eml" <<'EOF'
From: Sender <sender@example.org>
To: user@dep.mass.example
Subject: minutes
Date: Sun, 22 Nov 2026 10:00:00 +0000
Message-ID: <clean@example.org>

Notes.
EOF
out=$("$M" --config="$w/rules/msgsec.yaml" --set=clamav.enabled=false \
	--test="$w/clean.eml" --from=sender@example.org \
	--rcpt=user@dep.mass.example --now=2026-11-22T10:00:00Z 2>&1)
if echo "$out" | grep -q '^{"action":"accept"'; then
	ok long-options-equals
else
	fail "long-options-equals: $out"
fi
out=$("$M" -c "$w/rules/msgsec.yaml" --set 2>&1)
if [ $? -eq 2 ] && echo "$out" | grep -q '^msgsec-milter: --set needs an argument'; then
	ok missing-argument
else
	fail "missing-argument: $out"
fi
if [ -x "$S" ]; then
	out=$("$S" --config="$w/rules/msgsec.yaml" --now=2026-11-22T10:00:00Z \
		--read="$w/none.pcap" -q 2>&1)
	if ! echo "$out" | grep -q "unknown option" &&
		echo "$out" | grep -q "$w/none.pcap"; then
		ok sensor-long-options-equals
	else
		fail "sensor-long-options-equals: $out"
	fi
fi

# ---- alerts carry real microseconds; --now stamps them with itself
cat >"$w/exe.eml" <<'EOF'
From: Sender <sender@example.org>
To: user@dep.mass.example
Subject: report
Date: Sun, 22 Nov 2026 10:00:00 +0000
Message-ID: <exe@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="zz"

--zz
Content-Type: text/plain

hi
--zz
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="report.scr"

MZ
--zz--
EOF
for i in 1 2 3; do
	"$M" -c "$w/rules/msgsec.yaml" --set clamav.enabled=false \
		--set "alerts.file=$w/test-alerts.json" --test "$w/exe.eml" \
		--alerts >/dev/null 2>&1
done
"$M" -c "$w/rules/msgsec.yaml" --set clamav.enabled=false \
	--set "alerts.file=$w/now-alerts.json" --test "$w/exe.eml" --alerts \
	--now 2026-03-15T10:00:00Z >/dev/null 2>&1
if $PY - "$w/test-alerts.json" "$w/now-alerts.json" <<'EOF'
import json, re, sys
stamps = [a["timestamp"] for a in map(json.loads, open(sys.argv[1]))
          if a["event_type"] == "mail"]
assert len(stamps) == 3, stamps
assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000", s)
           for s in stamps), stamps
# three runs all on a whole second: one chance in 10^18
assert any(not s.endswith(".000000+0000") for s in stamps), stamps
now = [a["timestamp"] for a in map(json.loads, open(sys.argv[2]))
       if a["event_type"] == "mail"]
assert now == ["2026-03-15T10:00:00.000000+0000"], now
EOF
then
	ok alert-microseconds
else
	fail alert-microseconds
fi

# ---- libclamav's messages end their lines (--test prints its errors)
mkdir "$w/baddb"
echo 'not a hash line' >"$w/baddb/bad.hdb"
"$M" -c "$w/rules/msgsec.yaml" --set "clamav.database=$w/baddb" \
	--test "$w/clean.eml" >/dev/null 2>"$w/clam.log"
if grep -q '^msgsec-milter: clamav: ' "$w/clam.log" &&
	! grep -q 'msgsec-milter:.*msgsec-milter:' "$w/clam.log"; then
	ok clamav-lines
else
	fail clamav-lines "$w/clam.log"
fi

# The daemon's own libclamav lines: stamped, one message a line.
# shellcheck disable=SC2086
"$M" -f -c "$w/rules/msgsec.yaml" --set "clamav.database=$w/baddb" \
	--set "paths.quarantine=$w/quarantine" --set "alerts.file=$w/alerts.json" \
	-u nobody -p "unix:$w/run/c.sock" >"$w/c.log" 2>&1 &
pc=$!
wait_for "$w/run/c.sock"
stop "$pc"
n=$(grep -c 'msgsec-milter: ' "$w/c.log")
s=$(grep -Ec "$stamp" "$w/c.log")
if grep -Eq "${stamp}clamav: " "$w/c.log" && [ "$n" = "$s" ] &&
	! grep -q 'msgsec-milter:.*msgsec-milter:' "$w/c.log"; then
	ok daemon-clamav-lines
else
	fail "daemon-clamav-lines ($s of $n lines stamped)" "$w/c.log"
fi

# ---- an unwritable quarantine folder: tempfail, said once, no invented id
if command -v miltertest >/dev/null 2>&1; then
	cp tests/milter/common.lua "$w/"
	# shellcheck disable=SC2086
	"$M" -f -c "$w/rules/msgsec.yaml" --set clamav.enabled=false \
		--set "paths.quarantine=$w/q" \
		--set "alerts.file=$w/q-alerts.json" -u nobody \
		-p "unix:$w/run/q.sock" >"$w/q.log" 2>&1 &
	pq=$!
	wait_for "$w/run/q.sock"
	# The folder is there (the milter made it and owns it) but nobody
	# may write in it: EACCES at the entry, not a name collision.
	chmod 555 "$w/q"
	mt() {	# phase expect
		miltertest -D "socket=unix:$w/run/q.sock" -D "dir=$w" \
			-D "phase=$1" -D "expect=$2" -s tests/milter/daemon/store.lua 2>&1
	}
	mt unwritable-1 tempfail
	mt unwritable-2 tempfail
	n=$(grep -c "cannot store message in $w/q: Permission denied" "$w/q.log")
	if [ "$n" -eq 1 ] && [ "$(grep -c 'cannot store' "$w/q.log")" -eq 1 ]; then
		ok store-error-once
	else
		fail "store-error-once ($n reports)" "$w/q.log"
	fi
	chmod 700 "$w/q"
	mt writable-again reject
	if grep -q "the quarantine store works again" "$w/q.log"; then
		ok store-works-again-logged
	else
		fail store-works-again-logged "$w/q.log"
	fi
	stop "$pq"
	if $PY - "$w/q-alerts.json" "$w/q" <<'EOF'
import json, os, sys
alerts = [a for a in map(json.loads, open(sys.argv[1]))
          if a["event_type"] == "mail"]
assert [a["verdict"] for a in alerts] == ["tempfail", "tempfail", "reject"], alerts
assert "quarantine_id" not in alerts[0] and "quarantine_id" not in alerts[1], alerts
qid = alerts[2]["quarantine_id"]
assert os.path.isfile(os.path.join(sys.argv[2], qid, "message.eml")), qid
assert [e for e in os.listdir(sys.argv[2]) if e != ".spool"] == [qid], \
    os.listdir(sys.argv[2])
EOF
	then
		ok store-no-invented-id
	else
		fail store-no-invented-id "$w/q-alerts.json"
	fi
else
	echo "skip daemon/store-error (miltertest not installed)"
fi

# --version names the policy this configuration runs: the hash msgsec
# check prints, the file, the rules; a configuration that does not load
# is said, not an error.
"$M" --version $CONF >"$w/version.log" 2>&1
vrc=$?
hash=$("$bin/msgsec" check $(echo $CONF | sed "s/-u nobody//") 2>/dev/null | sed -n 's/^policy hash: //p')
if [ $vrc -eq 0 ] && [ -n "$hash" ] && grep -q '^msgsec-milter ' "$w/version.log" &&
	grep -q "^policy: $hash ($w/rules/msgsec.yaml, [0-9]* rules)$" "$w/version.log"; then
	ok version-policy-hash
else
	fail version-policy-hash "$w/version.log"
fi
"$M" --version -c "$w/nonexistent.yaml" >"$w/version-bad.log" 2>&1
if [ $? -eq 0 ] && grep -q "^policy: $w/nonexistent.yaml does not load" "$w/version-bad.log"; then
	ok version-bad-config
else
	fail version-bad-config "$w/version-bad.log"
fi

if cat "$w"/*.log | grep -q 'ERROR: AddressSanitizer\|runtime error\|LeakSanitizer'; then
	fail sanitizers
	grep -l 'ERROR: AddressSanitizer\|runtime error\|LeakSanitizer' "$w"/*.log
else
	ok sanitizers
fi
chmod -R u+rwx "$w" 2>/dev/null
rm -rf "$w"
