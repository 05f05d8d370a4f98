#!/bin/sh
# tests/runtime/run-make-run.sh - what `make run` does with Postfix
# (packaging/run-milter.sh and packaging/postfix-milter.sh), on private
# master.cf/main.cf files (no Postfix is started):
#   readme-lines          the lines printed for an unchrooted smtpd are
#                         README's Postfix block, timeouts included
#   readme-chroot-line    for Debian's master.cf (chroot y): the socket
#                         under queue_directory and smtpd_milters =
#                         unix:/msgsec/milter.sock, as README says
#   postconf-or-columns   master.cf read through postconf -M (main.cf
#                         present) and by its columns (no main.cf) agree
#   mixed-chroot          smtpd chrooted, cleanup not: non_smtpd_milters
#                         names the full path
#   outside-chroot        a socket a chrooted smtpd cannot see: exit 1 and
#                         the change to make
#   run-chroot            run-milter.sh as root: the milter listens in the
#                         chroot, make run prints the chroot's lines and
#                         the runtime check (skip when not root)
#   run-args              ARGS reach msgsec-milter and msgsec check: -p
#                         moves the socket, --set the virus database
# Prints ok/FAIL/skip lines.
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
pfm="sh $top/packaging/postfix-milter.sh"

ok() { echo "ok make-run/$1"; }
fail() { echo "FAIL make-run/$1: $2"; }
skip() { echo "skip make-run/$1 ($2)"; }

w=$(mktemp -d /tmp/msgsec-makerun.XXXXXX)
chmod 0755 "$w"
mpid=""
cleanup() {
	[ -n "$mpid" ] && kill "$mpid" 2>/dev/null
	rm -rf "$w"
}
trap cleanup EXIT

mkdir -p "$w/plain" "$w/deb" "$w/debcols" "$w/mixed" "$w/queue"
printf 'smtp      inet  n       -       n       -       -       smtpd\ncleanup   unix  n       -       n       -       0       cleanup\n' \
	>"$w/plain/master.cf"
# Debian's default master.cf (chroot y), with and without a main.cf.
if [ -f /usr/share/postfix/master.cf.dist ]; then
	cp /usr/share/postfix/master.cf.dist "$w/deb/master.cf"
else
	printf 'smtp      inet  n       -       y       -       -       smtpd\n  -o x=y\ncleanup   unix  n       -       y       -       0       cleanup\n' \
		>"$w/deb/master.cf"
fi
cp "$w/deb/master.cf" "$w/debcols/master.cf"
printf 'queue_directory = %s/queue\n' "$w" >"$w/deb/main.cf"
printf 'smtp      inet  n       -       y       -       -       smtpd\ncleanup   unix  n       -       -       -       0       cleanup\n' \
	>"$w/mixed/master.cf"
printf 'queue_directory = %s/queue\n' "$w" >"$w/mixed/main.cf"

# README's block under "With smtpd not chrooted".
awk '/With smtpd not chrooted/ { h = 1 } h && /^```/ { f++; next }
	h && f == 1 { print } f == 2 { exit }' "$top/README.md" >"$w/readme"
readme_sock=$(sed -n 's/^smtpd_milters = unix://p' "$w/readme")
$pfm lines "$w/plain" "$readme_sock" >"$w/plain.out" 2>&1
if [ ! -s "$w/readme" ]; then
	fail readme-lines "no Postfix block in README.md"
elif diff -u "$w/readme" "$w/plain.out" >"$w/diff"; then
	ok readme-lines
else
	fail readme-lines "$(cat "$w/diff")"
fi
if ! grep -q 'milter_content_timeout' "$w/plain.out"; then
	fail readme-timeouts "$(cat "$w/plain.out")"
fi

sock=$($pfm socket "$w/deb" "$w/state/milter.sock")
$pfm lines "$w/deb" "$sock" >"$w/deb.out" 2>&1
rc=$?
if [ "$sock" = "$w/queue/msgsec/milter.sock" ] && [ $rc -eq 0 ] &&
	grep -qx 'smtpd_milters = unix:/msgsec/milter.sock' "$w/deb.out" &&
	grep -qx 'non_smtpd_milters = $smtpd_milters' "$w/deb.out" &&
	grep -qx 'smtpd_milters = unix:/msgsec/milter.sock' "$top/README.md"; then
	ok readme-chroot-line
else
	fail readme-chroot-line "socket $sock, exit $rc: $(cat "$w/deb.out")"
fi

a=$($pfm chroot "$w/deb")
b=$($pfm chroot "$w/debcols")
if [ "$a" = "smtpd=y cleanup=y queue=$w/queue" ] &&
	[ "$b" = "smtpd=y cleanup=y queue=/var/spool/postfix" ]; then
	ok postconf-or-columns
else
	fail postconf-or-columns "with main.cf: $a; without: $b"
fi

$pfm lines "$w/mixed" "$w/queue/msgsec/milter.sock" >"$w/mixed.out" 2>&1
if grep -qx 'smtpd_milters = unix:/msgsec/milter.sock' "$w/mixed.out" &&
	grep -qx "non_smtpd_milters = unix:$w/queue/msgsec/milter.sock" "$w/mixed.out"; then
	ok mixed-chroot
else
	fail mixed-chroot "$(cat "$w/mixed.out")"
fi

$pfm lines "$w/deb" "$w/elsewhere/milter.sock" >"$w/out.out" 2>"$w/out.err"
rc=$?
if [ $rc -eq 1 ] && grep -qF "Postfix's smtpd runs chrooted in $w/queue" "$w/out.err" &&
	grep -qF "make run ARGS=\"-p unix:$w/queue/msgsec/milter.sock\"" "$w/out.err"; then
	ok outside-chroot
else
	fail outside-chroot "exit $rc: $(cat "$w/out.err")"
fi

# run-milter.sh itself, in the background, until its socket appears.
start() {	# NAME SOCKET ARGS...
	n=$1
	s=$2
	shift 2
	MSGSEC_STATE=$w/state-$n MSGSEC_USER=nobody MSGSEC_POSTFIX_DIR=$w/deb \
		sh "$top/packaging/run-milter.sh" "$O" "$@" >"$w/$n.out" 2>&1 &
	mpid=$!
	i=0
	while [ ! -S "$s" ] && [ $i -lt 300 ] && kill -0 "$mpid" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
}
stop() {
	kill "$mpid" 2>/dev/null
	wait "$mpid" 2>/dev/null
	mpid=""
}
if [ "$(id -u)" -ne 0 ]; then
	skip run-chroot "needs root"
	skip run-args "needs root"
	exit 0
fi
if [ ! -x "$top/$O/msgsec-milter" ]; then
	skip run-chroot "no $O/msgsec-milter"
	skip run-args "no $O/msgsec-milter"
	exit 0
fi
db=$w/db
sh "$top/tests/data/make-clamav-db.sh" "$db" >/dev/null 2>&1 || db=$w/nodb

start chroot "$w/queue/msgsec/milter.sock" --set "clamav.database=$db"
if [ -S "$w/queue/msgsec/milter.sock" ] &&
	grep -qF "msgsec-milter is starting on unix:$w/queue/msgsec/milter.sock" "$w/chroot.out" &&
	grep -qx '  smtpd_milters = unix:/msgsec/milter.sock' "$w/chroot.out" &&
	grep -qx '  milter_command_timeout = 30s' "$w/chroot.out" &&
	grep -qF 'Checking what the first message needs (msgsec check --runtime):' "$w/chroot.out"; then
	ok run-chroot
else
	fail run-chroot "$(cat "$w/chroot.out")"
fi
stop

start args "$w/other.sock" -p "unix:$w/other.sock" --set "clamav.database=$w/nodb"
if [ -S "$w/other.sock" ] &&
	grep -qF "msgsec-milter is starting on unix:$w/other.sock" "$w/args.out" &&
	grep -qF "virus database: cannot open $w/nodb" "$w/args.out" &&
	grep -qF "no virus database in $w/nodb" "$w/args.out" &&
	grep -qF "Postfix's smtpd runs chrooted in $w/queue" "$w/args.out"; then
	ok run-args
else
	fail run-args "$(cat "$w/args.out")"
fi
stop
exit 0
