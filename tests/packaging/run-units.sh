#!/bin/sh
# tests/packaging/run-units.sh - the service files in packaging/:
#   units-verify       systemd-analyze verify (ExecStart pointed at $O)
#   units-security-*   systemd-analyze security --offline exposure, bounded
#                      (milter <= 1.0, sensor <= 2.0); the scores are printed
#   units-syscalls-*   every system call the milter (--test with libclamav;
#                      the daemon: start, a connection, SIGHUP, SIGTERM)
#                      and the sensor (live on lo, as nobody with only
#                      CAP_NET_RAW, as the unit runs it) make is allowed by
#                      SystemCallFilter=@system-service ~@privileged
#                      @resources (traced with strace)
#   units-mdwe         the milter's verdicts under MemoryDenyWriteExecute
#                      (PR_SET_MDWE: PCRE2's JIT fails, its interpreter
#                      takes over) equal those without it
#   logrotate          logrotate -d parses packaging/logrotate
#   postfix-snippet    postconf reads both blocks of the main.cf snippet
#                      without "unused parameter"
# Prints ok/FAIL/skip lines.
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
w=$(mktemp -d /tmp/msgsec-units.XXXXXX)
chmod 0755 "$w"
trap 'rm -rf "$w"' EXIT

ok() { echo "ok units/$1"; }
fail() { echo "FAIL units/$1: $2"; }
skip() { echo "skip units/$1 ($2)"; }

units="msgsec-milter.service msgsec-sensor@.service"

# ---------------------------------------------------------------- verify
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir -p "$w/units"
	for u in $units; do
		sed -e "s|/usr/sbin/msgsec-milter|$top/$O/msgsec-milter|" \
			-e "s|/usr/sbin/msgsec-sensor|$top/$O/msgsec-sensor|" \
			"packaging/systemd/$u" >"$w/units/$u"
	done
	out=$(cd "$w/units" && systemd-analyze verify --man=no \
		./msgsec-milter.service ./msgsec-sensor@.service 2>&1)
	if [ -z "$out" ]; then ok verify; else fail verify "$out"; fi
	# The drop-in for a chrooted Postfix, loaded beside the unit.
	mkdir -p "$w/units/msgsec-milter.service.d"
	sed "s|/usr/sbin/msgsec-milter|$top/$O/msgsec-milter|" \
		packaging/systemd/postfix-chroot.conf \
		>"$w/units/msgsec-milter.service.d/postfix-chroot.conf"
	out=$(cd "$w/units" && systemd-analyze verify --man=no ./msgsec-milter.service 2>&1)
	if [ -z "$out" ]; then ok verify-postfix-chroot; else fail verify-postfix-chroot "$out"; fi
	s=$(cd "$w/units" && systemd-analyze security --offline=true ./msgsec-milter.service 2>&1 |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	echo "exposure msgsec-milter.service with postfix-chroot.conf: $s"
	rm -r "$w/units/msgsec-milter.service.d"

	for u in $units; do
		n=${u%%.service}
		n=${n%@}
		case $n in
		msgsec-milter) max=1.0 ;;
		*) max=2.0 ;;
		esac
		s=$(systemd-analyze security --offline=true "packaging/systemd/$u" 2>&1 |
			sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
		if [ -z "$s" ]; then
			fail "security-$n" "no score"
		elif awk "BEGIN { exit !($s <= $max) }"; then
			echo "exposure $u: $s"
			ok "security-$n"
		else
			fail "security-$n" "exposure $s above $max"
		fi
	done
else
	skip verify "no systemd-analyze"
fi

# ---------------------------------------------------------------- syscalls
# Every system call of one group (nested groups expanded).
expand() {
	for g in "$@"; do
		systemd-analyze syscall-filter "$g" | sed -n '2,$p' | sed 's/#.*//' |
			tr -d ' ' | grep -v '^$' | while read -r x; do
			case $x in
			@*) expand "$x" ;;
			*) echo "$x" ;;
			esac
		done
	done
}
# Calls made after the traced program's own execve.
calls() {	# strace-log program
	awk -v p="$2" 'index($0, "execve(\"") && index($0, p "\"") { f = 1 } f' "$1" |
		sed -E 's/^[0-9]+ +//' | grep -oE '^[a-z_0-9]+\(' | tr -d '(' | sort -u
}
check_calls() {	# name strace-log program
	calls "$2" "$3" >"$w/$1.sys"
	n=$(wc -l <"$w/$1.sys")
	bad=$(comm -23 "$w/$1.sys" "$w/allow.sys" | tr '\n' ' ')
	if [ "$n" -lt 10 ]; then
		fail "syscalls-$1" "only $n calls traced: $(tail -n 5 "$2")"
	elif [ -n "$bad" ]; then
		fail "syscalls-$1" "outside the unit's SystemCallFilter: $bad"
	else
		echo "$1: $n distinct system calls, all allowed"
		ok "syscalls-$1"
	fi
}

msg=$w/in.eml
printf '%s\r\n' "From: sender@example.org" "To: user@dep.mass.example" \
	"Subject: URGENT confidential business proposal for the beneficiary" \
	"Date: Sun, 22 Nov 2026 10:00:00 +0000" "Message-ID: <u1@example.org>" \
	"MIME-Version: 1.0" 'Content-Type: multipart/mixed; boundary="b"' "" \
	"--b" "Content-Type: text/plain" "" "see the attachment" "--b" \
	"Content-Type: application/zip" \
	'Content-Disposition: attachment; filename="report.zip"' \
	"Content-Transfer-Encoding: base64" "" >"$msg"
(cd "$w" && printf 'hello\n' >a.txt && zip -q r.zip a.txt && base64 r.zip) |
	sed 's/$/\r/' >>"$msg"
printf '%s\r\n' "--b--" >>"$msg"
cp -R rules "$w/rules"
chmod -R a+rX "$w"
db=${MSGSEC_CLAMAV_DB:-}
if [ -z "$db" ] || [ ! -f "$db/test.hdb" ]; then
	db=$w/clamav-db
	sh tests/data/make-clamav-db.sh "$db" >/dev/null 2>&1
fi
chmod -R a+rX "$db" 2>/dev/null

if ! command -v strace >/dev/null 2>&1 || ! command -v setpriv >/dev/null 2>&1 ||
	[ "$(id -u)" -ne 0 ]; then
	skip syscalls "needs root, strace and setpriv"
else
	expand @system-service | sort -u >"$w/svc.sys"
	expand @privileged @resources | sort -u >"$w/deny.sys"
	comm -23 "$w/svc.sys" "$w/deny.sys" >"$w/allow.sys"

	# The milter as the unit runs it: not root, no capability.
	strace -f -qq -o "$w/milter.strace" setpriv --reuid=nobody \
		--regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all \
		"$top/$O/msgsec-milter" -c "$w/rules/msgsec.yaml" \
		--set "clamav.database=$db" --set clamav.tmpdir="$w" \
		--test "$msg" >"$w/milter.out" 2>&1
	check_calls milter "$w/milter.strace" "$top/$O/msgsec-milter"

	# The daemon as the unit runs it: not root, socket, one connection,
	# SIGHUP (reload thread), SIGTERM.
	mkdir -p "$w/out"
	chown nobody "$w/out"
	strace -f -qq -o "$w/milterd.strace" sh -c "echo \$\$ >$w/out/mpid; exec setpriv \
		--reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
		--bounding-set=-all $top/$O/msgsec-milter -f -c $w/rules/msgsec.yaml \
		--set clamav.database=$db --set clamav.tmpdir=$w/out \
		--set milter.socket=unix:$w/out/m.sock --set paths.state=$w/out \
		--set paths.quarantine=$w/out/q --set alerts.file=$w/out/alerts-m.json" \
		>"$w/milterd.log" 2>&1 &
	i=0
	while ! grep -q 'listening on' "$w/milterd.log" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	mpid=$(cat "$w/out/mpid" 2>/dev/null)
	/usr/bin/python3 -c "
import socket; s = socket.socket(socket.AF_UNIX); s.connect('$w/out/m.sock'); s.close()" 2>/dev/null
	[ -n "$mpid" ] && kill -HUP "$mpid"
	i=0
	while ! grep -q 'reloaded' "$w/milterd.log" && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$mpid" ] && kill "$mpid"
	wait
	if grep -q 'reloaded' "$w/milterd.log"; then
		check_calls milter-daemon "$w/milterd.strace" "$top/$O/msgsec-milter"
	else
		fail syscalls-milter-daemon "did not start and reload: $(tail -n 5 "$w/milterd.log")"
	fi

	# The sensor as the unit runs it: nobody, CAP_NET_RAW ambient, live.
	/usr/bin/python3 tests/packaging/make_capture.py "$w/dns.pcap"
	mkdir -p "$w/out"
	chown nobody "$w/out"
	unshare --net sh -c "
		ip link set lo up
		strace -f -qq -o '$w/sensor.strace' setpriv --reuid=nobody \
			--regid=nogroup --clear-groups --inh-caps=-all,+net_raw \
			--ambient-caps=-all,+net_raw --bounding-set=-all,+net_raw \
			sh -c 'echo \$\$ >$w/out/pid; exec $top/$O/msgsec-sensor \
			-c $w/rules/msgsec.yaml -i lo --alerts $w/out/alerts.json -q' \
			2>'$w/sensor.err' &
		for i in 1 2 3 4 5 6 7 8 9 10; do
			[ -s '$w/out/pid' ] && break
			sleep 0.2
		done
		sleep 1
		/usr/bin/python3 -c '
import socket, struct
q = b\"\".join(bytes([len(p)]) + p.encode() for p in \"mail.google.com\".split(\".\"))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(struct.pack(\"!HHHHHH\", 7, 0x100, 1, 0, 0, 0) + q + b\"\\0\\0\\1\\0\\1\", (\"127.0.0.1\", 53))'
		sleep 1
		kill -HUP \$(cat '$w/out/pid')
		sleep 0.5
		kill \$(cat '$w/out/pid')
		wait"
	check_calls sensor "$w/sensor.strace" "$top/$O/msgsec-sensor"
	if grep -q '"rule":"network.webmail"' "$w/out/alerts.json" 2>/dev/null; then
		ok sensor-live-net-raw-only
	else
		fail sensor-live-net-raw-only "no webmail alert: $(cat "$w/sensor.err")"
	fi
fi

# ---------------------------------------------------------------- reload
# systemctl reload (logrotate's postrotate) may send SIGHUP while the
# milter is still starting (the virus database takes seconds to load): it
# must survive and reload, not die of SIGHUP (a clean signal for systemd,
# which would not restart it).
if [ "$(id -u)" -eq 0 ]; then
	mkdir -p "$w/hup"
	chown nobody "$w/hup"
	died=0
	# As soon as the socket exists (the window before the reload thread
	# starts), and a little later.  (A signal before main() runs cannot be
	# blocked; daemon mode blocks them once its options are read.)
	for when in socket socket socket socket 0.3; do
		rm -f "$w/hup/m.sock" "$w/hup/log"
		"$top/$O/msgsec-milter" -f -c "$w/rules/msgsec.yaml" -u nobody \
			--set "clamav.database=$db" --set milter.socket="unix:$w/hup/m.sock" \
			--set paths.state="$w/hup" --set paths.quarantine="$w/hup/q" \
			--set alerts.file="$w/hup/a.json" >"$w/hup/log" 2>&1 &
		p=$!
		case $when in
		socket)
			i=0
			while [ ! -S "$w/hup/m.sock" ] && [ $i -lt 200000 ]; do
				i=$((i + 1))
			done
			;;
		*) sleep $when ;;
		esac
		kill -HUP $p
		i=0
		while kill -0 $p 2>/dev/null && ! grep -q reloaded "$w/hup/log" && [ $i -lt 300 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		if kill -0 $p 2>/dev/null; then
			kill $p
			wait $p
		else
			wait $p
			died=$((died + 1))
		fi
	done
	if [ $died -eq 0 ]; then
		ok milter-hup-while-starting
	else
		fail milter-hup-while-starting "died of SIGHUP $died times in 5"
	fi
fi

# ---------------------------------------------------------------- MDWE
cat >"$w/mdwe.py" <<'EOF'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(65, 1, 0, 0, 0) != 0:	# PR_SET_MDWE, REFUSE_EXEC_GAIN
    sys.exit(77)
os.execv(sys.argv[1], sys.argv[1:])
EOF
a=$("$top/$O/msgsec-milter" -c "$w/rules/msgsec.yaml" --set clamav.enabled=false \
	--now 2026-11-30T00:00:00Z --test "$msg" 2>&1)
b=$(/usr/bin/python3 "$w/mdwe.py" "$top/$O/msgsec-milter" -c "$w/rules/msgsec.yaml" \
	--set clamav.enabled=false --now 2026-11-30T00:00:00Z --test "$msg" 2>&1)
rc=$?
if [ "$rc" -eq 77 ]; then
	skip mdwe "kernel without PR_SET_MDWE"
elif [ "$a" = "$b" ] && echo "$a" | grep -q spam.advance-fee; then
	ok mdwe
else
	fail mdwe "verdicts differ: $a // $b"
fi

# ---------------------------------------------------------------- logrotate
if command -v logrotate >/dev/null 2>&1; then
	# Without the package, the msgsec user may not exist: nobody stands in.
	if id msgsec >/dev/null 2>&1; then
		cp packaging/logrotate "$w/logrotate"
	else
		sed 's/msgsec msgsec$/nobody nogroup/' packaging/logrotate >"$w/logrotate"
	fi
	out=$(logrotate -d -s "$w/lr.state" "$w/logrotate" 2>&1)
	if echo "$out" | grep -qi 'error'; then
		fail logrotate "$(echo "$out" | grep -i error | head -n 3)"
	else
		ok logrotate
	fi
else
	skip logrotate "not installed"
fi

# ---------------------------------------------------------------- postfix
if command -v postconf >/dev/null 2>&1; then
	for b in A B; do
		mkdir -p "$w/pf$b"
		touch "$w/pf$b/master.cf"
		# B: block A with its first line replaced by the commented one.
		grep -v '^#' packaging/postfix-main.cf.snippet | grep . >"$w/pf$b/main.cf"
		if [ $b = B ]; then
			sed -n 's/^#\(smtpd_milters = .*\)/\1/p' packaging/postfix-main.cf.snippet \
				>"$w/pfB/first"
			[ -s "$w/pfB/first" ] || echo "no commented smtpd_milters line" >"$w/pfB/first"
			{ cat "$w/pfB/first"; sed 1d "$w/pfA/main.cf"; } >"$w/pfB/main.cf"
		fi
		out=$(postconf -c "$w/pf$b" -n 2>&1)
		n=$(echo "$out" | grep -c 'milter')
		if echo "$out" | grep -q warning || [ "$n" -lt 10 ]; then
			fail "postfix-snippet-$b" "$out"
		else
			ok "postfix-snippet-$b"
		fi
	done
else
	skip postfix-snippet "no postconf"
fi
exit 0
