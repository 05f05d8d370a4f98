#!/bin/sh
# tests/packaging/run-package.sh - build the Debian package (make deb:
# debhelper, lintian), install it on this machine, run the installed
# programs against the installed configuration, purge it again.
#
# Skips when not root, when dpkg-dev or debhelper is missing, or when a
# msgsec package is already installed here (it is never replaced).  The
# machine is left as found: the package purged, and the msgsec user
# removed again if this test's installation created it.  Runs of this test
# in parallel checkouts are serialised by a lock.  PACKAGE_DEB=FILE tests
# a .deb built beforehand instead of building one.
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

if [ "$(id -u)" -ne 0 ]; then
	echo "skip package (needs root)"
	exit 0
fi
for c in dpkg-buildpackage dh; do
	if ! command -v "$c" >/dev/null 2>&1; then
		echo "skip package (no $c: apt-get install dpkg-dev debhelper)"
		exit 0
	fi
done
exec 9>/tmp/msgsec-package-test.lock
if ! flock -w 900 9; then
	echo "FAIL package/lock: another package test held the lock for 15 minutes"
	exit 0
fi
if dpkg-query -W -f='${db:Status-Status}' msgsec 2>/dev/null | grep -q .; then
	st=$(dpkg-query -W -f='${db:Status-Status}' msgsec)
	if [ "$st" != not-installed ] && [ "$st" != config-files ]; then
		echo "skip package (a msgsec package is installed here: $st)"
		exit 0
	fi
fi

ok() { echo "ok package/$1"; }
fail() { echo "FAIL package/$1: $2"; }
check() {	# name condition-command...
	n=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$n"; else fail "$n" "$*"; fi
}

w=$(mktemp -d /tmp/msgsec-package.XXXXXX)
chmod 0755 "$w"
had_user=no
id msgsec >/dev/null 2>&1 && had_user=yes
installed=no
mpid=
cleanup() {
	[ -n "$mpid" ] && kill "$mpid" 2>/dev/null
	if [ "$installed" = yes ]; then
		dpkg --purge msgsec >"$w/purge.log" 2>&1 ||
			echo "FAIL package/purge-on-exit: $(tail -n 5 "$w/purge.log")"
	fi
	rm -rf /var/spool/msgsec
	if [ "$had_user" = no ] && id msgsec >/dev/null 2>&1; then
		userdel msgsec >/dev/null 2>&1
		getent group msgsec >/dev/null && groupdel msgsec >/dev/null 2>&1
	fi
	rm -rf "$w"
}
trap cleanup EXIT

# ---------------------------------------------------------------- build
deb=${PACKAGE_DEB:-}
if [ -z "$deb" ]; then
	if sh packaging/make-deb.sh "$O" >"$w/make-deb.log" 2>&1; then
		ok build
	else
		fail build "$(tail -n 20 "$w/make-deb.log")"
		exit 0
	fi
	grep '^lintian:' "$w/make-deb.log"
	if command -v lintian >/dev/null 2>&1; then
		if grep -q '^E:' "$O/deb/lintian.log"; then
			fail lintian "$(grep '^E:' "$O/deb/lintian.log" | head -n 5)"
		else
			ok lintian
		fi
	else
		echo "skip package/lintian (not installed)"
	fi
	deb=$(ls "$O"/deb/msgsec_*_*.deb | head -n 1)
fi

# ---------------------------------------------------------------- install
if dpkg -i "$deb" >"$w/install.log" 2>&1; then
	installed=yes
	ok install
else
	installed=yes	# half-installed: purge it on exit
	fail install "$(tail -n 20 "$w/install.log")"
	exit 0
fi

check user-created id msgsec
uid=$(id -u msgsec 2>/dev/null || echo 0)
check user-is-system test "$uid" -gt 0 -a "$uid" -lt 1000
check user-no-login sh -c "getent passwd msgsec | grep -q ':/usr/sbin/nologin$'"
if id postfix >/dev/null 2>&1; then
	check postfix-in-msgsec-group sh -c "id -nG postfix | tr ' ' '\n' | grep -qx msgsec"
fi
mode() { stat -c '%a %U:%G' "$1" 2>/dev/null; }
check mode-quarantine test "$(mode /var/spool/msgsec/quarantine)" = "700 msgsec:msgsec"
check mode-spool test "$(mode /var/spool/msgsec)" = "750 msgsec:msgsec"
check mode-state test "$(mode /var/lib/msgsec)" = "750 msgsec:msgsec"
check mode-logs test "$(mode /var/log/msgsec)" = "750 msgsec:msgsec"
check mode-etc test "$(mode /etc/msgsec)" = "750 root:msgsec"
check mode-run test "$(mode /run/msgsec)" = "750 msgsec:msgsec"
conf=$(dpkg-query -W -f='${Conffiles}\n' msgsec)
check conffiles sh -c "echo '$conf' | grep -q ' /etc/msgsec/msgsec.yaml ' &&
	echo '$conf' | grep -q ' /etc/msgsec/policy/1.1-viruses-attachments.yaml ' &&
	echo '$conf' | grep -q ' /etc/logrotate.d/msgsec '"
for f in /usr/sbin/msgsec-milter /usr/sbin/msgsec-sensor /usr/bin/msgsec \
	/lib/systemd/system/msgsec-milter.service \
	/lib/systemd/system/msgsec-sensor@.service /usr/lib/tmpfiles.d/msgsec.conf; do
	check "installed-$(basename "$f")" test -f "$f"
done

# ---------------------------------------------------------------- run
# The installed configuration, as is.
out=$(msgsec check 2>&1)
if [ $? -eq 0 ]; then ok msgsec-check; else fail msgsec-check "$out"; fi
out=$(runuser -u msgsec -- msgsec check 2>&1)
if [ $? -eq 0 ]; then ok msgsec-check-as-msgsec; else fail msgsec-check-as-msgsec "$out"; fi

# A verdict, as the unit runs the milter (user msgsec), with the tests'
# virus database instead of the machine's (which may be absent).
db=$w/clamav-db
sh tests/data/make-clamav-db.sh "$db" >/dev/null 2>&1
chmod -R a+rX "$db"
printf '%s\r\n' "From: sender@example.org" "To: user@dep.mass.example" \
	"Subject: report" "Date: Sun, 22 Nov 2026 10:00:00 +0000" \
	"Message-ID: <p1@example.org>" "MIME-Version: 1.0" \
	'Content-Type: multipart/mixed; boundary="b"' "" "--b" \
	"Content-Type: text/plain" "" "see" "--b" \
	"Content-Type: application/octet-stream" \
	'Content-Disposition: attachment; filename="report.exe"' \
	"Content-Transfer-Encoding: base64" "" "TVqQAAMAAAAEAAAA" "--b--" >"$w/exe.eml"
chmod 0644 "$w/exe.eml"
out=$(runuser -u msgsec -- msgsec-milter --set "clamav.database=$db" --test "$w/exe.eml" \
	--from sender@example.org --rcpt user@dep.mass.example --client 203.0.113.9 2>&1)
case $out in
*'"action":"reject"'*'Attachment type not allowed by policy 1.1'*) ok milter-test-verdict ;;
*) fail milter-test-verdict "$out" ;;
esac

# The daemon as the unit starts it: user msgsec, socket in /run/msgsec.
# setpriv execs (runuser would stay as a parent that does not pass SIGHUP on).
setpriv --reuid=msgsec --regid=msgsec --init-groups --inh-caps=-all \
	msgsec-milter -f --set "clamav.database=$db" >"$w/milter.log" 2>&1 &
mpid=$!
i=0
while [ ! -S /run/msgsec/milter.sock ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
check milter-socket test "$(mode /run/msgsec/milter.sock)" = "660 msgsec:msgsec"
# SIGHUP once it says it listens (its reload thread is up by then).
i=0
while ! grep -q 'listening on' "$w/milter.log" && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -HUP "$mpid"
i=0
while ! grep -q 'reloaded' "$w/milter.log" && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$mpid" 2>/dev/null && grep -q 'reloaded' "$w/milter.log"; then
	ok milter-reload-on-hup
else
	fail milter-reload-on-hup "$(tail -n 5 "$w/milter.log")"
fi
kill "$mpid"
i=0
while kill -0 "$mpid" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$mpid" 2>/dev/null; then
	fail milter-stop "still running 10 s after SIGTERM"
else
	ok milter-stop
fi
mpid=

# The sensor on a small capture: as msgsec (the unit's user), and as root
# (it drops to sensor.user, msgsec, after opening the file).
/usr/bin/python3 tests/packaging/make_capture.py "$w/dns.pcap"
chmod 0644 "$w/dns.pcap"
out=$(runuser -u msgsec -- msgsec-sensor -r "$w/dns.pcap" --alerts - -q 2>&1)
case $out in
*'"rule":"network.webmail"'*) ok sensor-capture ;;
*) fail sensor-capture "$out" ;;
esac
out=$(msgsec-sensor -r "$w/dns.pcap" -q 2>&1)
if [ $? -eq 0 ] && grep -q '"rule":"network.webmail"' /var/log/msgsec/alerts.json 2>/dev/null; then
	ok sensor-drop-to-msgsec
else
	fail sensor-drop-to-msgsec "$out"
fi
check alert-log-owner test "$(stat -c %U /var/log/msgsec/alerts.json 2>/dev/null)" = msgsec
out=$(msgsec alerts --json 2>&1)
case $out in
*network.webmail*) ok msgsec-alerts ;;
*) fail msgsec-alerts "$out" ;;
esac

# The daemons under the units' view of the system, emulated: a private
# mount namespace where / is read-only but for the folders the units make
# writable (StateDirectory, LogsDirectory, RuntimeDirectory, ReadWritePaths
# /var/spool/msgsec; /dev/shm stays a tmpfs), no network for the milter,
# user msgsec, no new privileges, no capability, W^X memory (PR_SET_MDWE).
cat >"$w/mdwe.py" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(65, 1, 0, 0, 0)	# PR_SET_MDWE: refuse memory both W and X
os.execv(sys.argv[1], sys.argv[1:])
PY
printf '%s\r\n' "From: sender@example.org" "To: user@dep.mass.example" \
	"Subject: URGENT confidential business proposal for the beneficiary" \
	"Date: Sun, 22 Nov 2026 10:00:00 +0000" "Message-ID: <p2@example.org>" "" \
	"hello" >"$w/spam.eml"
chmod 0644 "$w/spam.eml" "$w/mdwe.py"
as_unit="setpriv --reuid=msgsec --regid=msgsec --init-groups --no-new-privs \
	--inh-caps=-all --bounding-set=-all /usr/bin/python3 $w/mdwe.py"
# Outputs of the runs inside (written by the root shell, not the daemons).
mkdir -p "$w/sbx"
before=$(find /var/spool/msgsec/quarantine -mindepth 1 -maxdepth 1 -type d | wc -l)
unshare --mount --net sh -c "
	for d in /var/lib/msgsec /var/log/msgsec /var/spool/msgsec /run/msgsec $w/sbx; do
		mount --bind \$d \$d
	done
	mount -o remount,bind,ro /
	ip link set lo up
	if touch /var/tmp/msgsec-ro-check 2>/dev/null; then echo rw; else echo ro; fi >$w/sbx/ro
	$as_unit /usr/sbin/msgsec-milter --set clamav.database=$db --test $w/exe.eml \
		--store --alerts >$w/sbx/sandbox-exe.out 2>&1
	$as_unit /usr/sbin/msgsec-milter --set clamav.database=$db --test $w/spam.eml \
		--alerts >$w/sbx/sandbox-spam.out 2>&1
	$as_unit /usr/sbin/msgsec-milter -f --set clamav.database=$db >$w/sbx/sandbox-d.log 2>&1 &
	p=\$!
	i=0
	while ! grep -q 'listening on' $w/sbx/sandbox-d.log && [ \$i -lt 300 ]; do
		sleep 0.1; i=\$((i + 1))
	done
	kill -HUP \$p
	i=0
	while ! grep -q reloaded $w/sbx/sandbox-d.log && [ \$i -lt 100 ]; do
		sleep 0.1; i=\$((i + 1))
	done
	kill \$p
	wait \$p
	echo exit=\$? >>$w/sbx/sandbox-d.log
"
unshare --mount sh -c "
	for d in /var/lib/msgsec /var/log/msgsec /var/spool/msgsec /run/msgsec $w/sbx; do
		mount --bind \$d \$d
	done
	mount -o remount,bind,ro /
	$as_unit /usr/sbin/msgsec-sensor -r $w/dns.pcap -q >$w/sbx/sandbox-sensor.out 2>&1
	echo exit=\$? >>$w/sbx/sandbox-sensor.out
"
after=$(find /var/spool/msgsec/quarantine -mindepth 1 -maxdepth 1 -type d | wc -l)
check sandbox-read-only grep -qx ro "$w/sbx/ro"
rm -f /var/tmp/msgsec-ro-check
case $(cat "$w/sbx/sandbox-exe.out") in
*'"action":"reject"'*) ok sandbox-milter-test ;;
*) fail sandbox-milter-test "$(cat "$w/sbx/sandbox-exe.out")" ;;
esac
check sandbox-quarantine-stored test "$after" -gt "$before"
case $(cat "$w/sbx/sandbox-spam.out") in
*'spam.advance-fee'*) ok sandbox-regex-under-mdwe ;;
*) fail sandbox-regex-under-mdwe "$(cat "$w/sbx/sandbox-spam.out")" ;;
esac
if grep -q 'reloaded' "$w/sbx/sandbox-d.log" && grep -q '^exit=0$' "$w/sbx/sandbox-d.log"; then
	ok sandbox-milter-daemon
else
	fail sandbox-milter-daemon "$(tail -n 8 "$w/sbx/sandbox-d.log")"
fi
if grep -q '^exit=0$' "$w/sbx/sandbox-sensor.out" &&
	[ "$(grep -c '"rule":"network.webmail"' /var/log/msgsec/alerts.json)" -ge 2 ]; then
	ok sandbox-sensor
else
	fail sandbox-sensor "$(cat "$w/sbx/sandbox-sensor.out")"
fi

# The installed units, man pages and logrotate file.
if command -v systemd-analyze >/dev/null 2>&1; then
	out=$(systemd-analyze verify /lib/systemd/system/msgsec-milter.service \
		/lib/systemd/system/msgsec-sensor@.service 2>&1)
	if [ -z "$out" ]; then ok units-verify; else fail units-verify "$out"; fi
	for u in msgsec-milter.service msgsec-sensor@.service; do
		systemd-analyze security --offline=true "/lib/systemd/system/$u" 2>&1 |
			sed -n "s/.*Overall exposure level for \(.*\)/installed exposure \1/p"
	done
fi
for p in msgsec.1 msgsec.yaml.5 msgsec-milter.8 msgsec-sensor.8; do
	n=${p%.*}
	s=${p##*.}
	f=$(man -w "$s" "$n" 2>/dev/null)
	w8=$(man --warnings "$s" "$n" 2>&1 >/dev/null)
	if [ -n "$f" ] && [ -z "$w8" ]; then ok "man-$p"; else fail "man-$p" "${f:-not found} $w8"; fi
done
out=$(logrotate -d -s "$w/lr.state" /etc/logrotate.d/msgsec 2>&1)
if echo "$out" | grep -qi error; then fail logrotate "$(echo "$out" | grep -i error)"; else ok logrotate; fi

# ---------------------------------------------------------------- purge
if dpkg --purge msgsec >"$w/purge.log" 2>&1; then
	installed=no
	ok purge
else
	fail purge "$(tail -n 20 "$w/purge.log")"
fi
for f in /usr/sbin/msgsec-milter /usr/bin/msgsec /etc/msgsec /var/lib/msgsec \
	/var/log/msgsec /lib/systemd/system/msgsec-milter.service; do
	check "purged-$(basename "$f")" test ! -e "$f"
done
exit 0
