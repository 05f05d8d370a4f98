#!/bin/sh
# tests/pcap/live.sh - live capture on loopback, in a network namespace of
# its own (unshare --net: nothing else on lo), as root:
#   openssl s_server on 127.0.0.1 with a throw-away self-signed cert, and a
#   small HTTP server (python3 -m http.server);
#   msgsec-sensor -c rules/msgsec.yaml -i lo --alerts FILE -u nobody;
#   openssl s_client -servername mail.google.com, curl -H "Host: web.de",
#   a DNS query for gmx.net over UDP;
#   a name added to the webmail list of a private copy of the rules, SIGHUP,
#   s_client with that name; a rule file added without SIGHUP (picked up
#   by sensor.check_seconds), s_client with its name; the rule file
#   broken, SIGHUP, s_client
#   -servername web.whatsapp.com (the old policy must stay in force);
#   SIGTERM to the sensor; the alert file must hold all six alerts.
# Prints "ok live", "FAIL live" or "skip live why".
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
sensor=$top/$O/msgsec-sensor

if [ -z "${MSGSEC_LIVE_NS:-}" ]; then
	if [ ! -x "$sensor" ]; then
		echo "skip live $O/msgsec-sensor not built yet"; exit 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "skip live needs root (capture on lo)"; exit 0
	fi
	for t in unshare openssl ip; do
		if ! command -v $t >/dev/null 2>&1; then
			echo "skip live $t not installed"; exit 0
		fi
	done
	if ! id nobody >/dev/null 2>&1; then
		echo "skip live no user nobody to drop privileges to"; exit 0
	fi
	MSGSEC_LIVE_NS=1 O=$O exec unshare --net sh "$0"
fi

tmp=$(mktemp -d /tmp/msgsec-live.XXXXXX)
chmod 755 "$tmp"
log=$tmp/log
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
	echo "FAIL live ($1)"
	sed 's/^/    /' "$log" "$tmp/alerts.json" 2>/dev/null | tail -n 30
	exit 1
}

ip link set lo up || fail "ip link set lo up"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >>"$log" 2>&1 ||
	fail "openssl req"
openssl s_server -accept 127.0.0.1:8443 -cert "$tmp/cert.pem" \
    -key "$tmp/key.pem" -www -quiet >>"$log" 2>&1 &
pids="$pids $!"
http=0
if [ -x /usr/bin/python3 ] && command -v curl >/dev/null 2>&1; then
	mkdir "$tmp/www" && echo hello >"$tmp/www/index.html"
	/usr/bin/python3 -m http.server 8080 --bind 127.0.0.1 \
	    --directory "$tmp/www" >>"$log" 2>&1 &
	pids="$pids $!"
	http=1
fi
touch "$tmp/alerts.json"
chmod 666 "$tmp/alerts.json"
# A private copy of the rules, so the test can change them under SIGHUP.
cp -r rules "$tmp/rules" && mkdir "$tmp/state" && chmod -R a+rX "$tmp" ||
	fail "copy rules"
"$sensor" -c "$tmp/rules/msgsec.yaml" -i lo --alerts "$tmp/alerts.json" \
    -u nobody -q --set sensor.check_seconds=1 >>"$log" 2>&1 &
spid=$!
# The capture is open once the sensor holds a packet socket.
i=0
while [ $i -lt 100 ]; do
	if ls -l /proc/$spid/fd 2>/dev/null | grep -q 'socket:'; then
		break
	fi
	kill -0 $spid 2>/dev/null || fail "the sensor exited at start"
	sleep 0.1
	i=$((i + 1))
done
sleep 0.5
echo Q | timeout 10 openssl s_client -connect 127.0.0.1:8443 \
    -servername mail.google.com >>"$log" 2>&1
[ $http -eq 1 ] && timeout 10 curl -s -H "Host: web.de" \
    http://127.0.0.1:8080/ >>"$log" 2>&1
# A DNS query over UDP (nobody answers; the query is what counts).
if [ -x /usr/bin/python3 ]; then
	/usr/bin/python3 -c 'import socket
q = bytes.fromhex("abcd01000001000000000000") + b"\3gmx\3net\0" + bytes.fromhex("00010001")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(q, ("127.0.0.1", 53))' >>"$log" 2>&1
fi
sleep 0.5
# SIGHUP reloads the lists: a name added to the webmail list alerts.
echo "reload-test.example" >>"$tmp/rules/lists/webmail_domains.txt"
kill -HUP $spid
sleep 1
kill -0 $spid 2>/dev/null || fail "the sensor died on SIGHUP"
echo Q | timeout 10 openssl s_client -connect 127.0.0.1:8443 \
    -servername mail.reload-test.example >>"$log" 2>&1
sleep 0.5
# A rule file added while the sensor runs takes effect without a SIGHUP
# (sensor.check_seconds), as an approved exception does.
printf '%s\n' 'rules:' '  - id: network.webmail.watch-test' '    policy: "3.1"' \
    '    applies: network' '    match:' \
    '      hostname: { in: [watch-test.example] }' '    action: log' \
    >"$tmp/rules/policy/zz-watch.yaml"
chmod a+r "$tmp/rules/policy/zz-watch.yaml"
sleep 2.5
echo Q | timeout 10 openssl s_client -connect 127.0.0.1:8443 \
    -servername www.watch-test.example >>"$log" 2>&1
sleep 0.5
# A broken rule file on SIGHUP: the old policy stays in force.
echo "rules: [ {{{ not yaml" >"$tmp/rules/policy/3-private-mail-im.yaml"
kill -HUP $spid
sleep 1
kill -0 $spid 2>/dev/null || fail "the sensor died on a SIGHUP with broken rules"
echo Q | timeout 10 openssl s_client -connect 127.0.0.1:8443 \
    -servername web.whatsapp.com >>"$log" 2>&1
sleep 0.5
kill -TERM $spid
i=0
while kill -0 $spid 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -0 $spid 2>/dev/null && fail "the sensor did not stop on SIGTERM"
wait $spid
rc=$?
[ $rc -eq 0 ] || fail "the sensor exited $rc"
grep -qE 'ERROR: [A-Za-z]+Sanitizer|runtime error:' "$log" &&
	fail "sanitizer report"
grep -q '"rule":"network.webmail"' "$tmp/alerts.json" &&
    grep -q '"hostname":"mail.google.com"' "$tmp/alerts.json" ||
	fail "no network.webmail alert for the TLS connection"
grep -q '"hostname":"mail.reload-test.example"' "$tmp/alerts.json" ||
	fail "a name added to the list before SIGHUP did not alert"
grep -q '"rule":"network.webmail.watch-test"' "$tmp/alerts.json" ||
	fail "a rule file added while running (no SIGHUP) did not take effect"
grep -q '"hostname":"web.whatsapp.com"' "$tmp/alerts.json" ||
	fail "no alert after a SIGHUP with broken rules (old policy not kept)"
if [ -x /usr/bin/python3 ]; then
	grep -q '"hostname":"gmx.net"' "$tmp/alerts.json" ||
		fail "no alert for the DNS query (gmx.net)"
fi
if [ $http -eq 1 ]; then
	grep -q '"hostname":"web.de"' "$tmp/alerts.json" ||
		fail "no alert for the HTTP request (Host: web.de)"
fi
echo "ok live"
