#!/bin/sh
# tests/runtime/run-runtime.sh - `msgsec check --runtime` (and the virus
# database warning of plain `msgsec check`), on folders, a private Postfix
# configuration (master.cf and main.cf only, no Postfix running) and a
# unix socket made here:
#   db-missing, db-empty    no database: where, what the milter does, how
#   db-good                 the tests' database: its signature count
#   db-corrupt, db-stale    a .cvd whose header is read but whose body does
#                           not load; its build date older than
#                           clamav.max_age_days (0 turns that off)
#   quarantine-unwritable   a quarantine folder milter.user cannot write
#   socket-unreachable      a folder without x for others above the socket
#   socket-not-listening    a socket file nobody listens on
#   before-start            no socket yet: its folder and future mode
#   chroot-outside          smtpd chrooted, the socket outside the chroot
#   chroot-inside           the socket under queue_directory, judged as
#                           the chroot sees it (as root: connected from
#                           inside a real chroot as the MTA user)
#   all-fine                exit 0 and the summary
#   check-warning           plain `msgsec check` warns of a missing
#                           database, and only then
# As root the milter's and the MTA's user are nobody (every access is
# tried as that user); otherwise both are the invoking user, except for
# the cases that need another user (nobody, judged from modes).
# Prints ok/FAIL/skip lines.
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
msgsec=$top/$O/msgsec
py=/usr/bin/python3
[ -x "$py" ] || py=python3

ok() { echo "ok runtime/$1"; }
fail() { echo "FAIL runtime/$1: $2"; }
skip() { echo "skip runtime/$1 ($2)"; }

if [ ! -x "$msgsec" ]; then
	skip all "no $msgsec"
	exit 0
fi
w=$(mktemp -d /tmp/msgsec-runtime.XXXXXX)
chmod 0755 "$w"
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	chmod -R u+rwx "$w" 2>/dev/null
	rm -rf "$w"
}
trap cleanup EXIT

if [ "$(id -u)" -eq 0 ]; then
	U=nobody
	M=nobody
else
	U=$(id -un)
	M=$U
fi
# A user who is not the folders' owner, for the socket one cannot reach.
other=nobody
[ "$(id -un)" = nobody ] && other=daemon

# The tests' database (clamav-testfiles), or skip what needs it.
db=$w/db
if ! sh "$top/tests/data/make-clamav-db.sh" "$db" >"$w/db.log" 2>&1; then
	db=""
fi
mkdir -p "$w/q" "$w/log" "$w/sock" "$w/emptydb" "$w/pf" "$w/pfc" \
	"$w/queue/msgsec"
chmod 0700 "$w/q"
[ "$U" = nobody ] && chown nobody "$w/q" "$w/log"
printf 'smtp      inet  n       -       n       -       -       smtpd\n' >"$w/pf/master.cf"
printf 'cleanup   unix  n       -       n       -       0       cleanup\n' >>"$w/pf/master.cf"
: >"$w/pf/main.cf"
# Debian's default: smtpd and cleanup chrooted in queue_directory.
printf '# comment\nsmtp      inet  n       -       y       -       -       smtpd\n' >"$w/pfc/master.cf"
printf '  -o smtpd_milters=x\ncleanup   unix  n       -       y       -       0       cleanup\n' >>"$w/pfc/master.cf"
printf 'queue_directory = %s/queue\n' "$w" >"$w/pfc/main.cf"

# A listener on a unix socket, mode 0666, until the test ends.
listen() {
	"$py" -c '
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o666); s.listen(8)
open(sys.argv[1] + ".up", "w").close()
time.sleep(600)' "$1" &
	pids="$pids $!"
	i=0
	while [ ! -e "$1.up" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
listen "$w/sock/milter.sock"
listen "$w/queue/msgsec/milter.sock"

# run NAME [ARG...]: msgsec check --runtime with the base settings, then
# the arguments (later --set win); output in $w/NAME.out, status in rc.
run() {
	n=$1
	shift
	"$msgsec" check --runtime -c "$top/rules/msgsec.yaml" \
		--set "milter.user=$U" --set "paths.quarantine=$w/q" \
		--set "alerts.file=$w/log/alerts.json" \
		--set "milter.socket=unix:$w/sock/milter.sock" \
		--set "clamav.database=${db:-$w/nodb}" \
		--postfix "$w/pf" --mta-user "$M" "$@" >"$w/$n.out" 2>&1
	rc=$?
}
# expect NAME RC PATTERN...: the exit status and every fixed string.
expect() {
	n=$1
	want=$2
	shift 2
	if [ "$rc" -ne "$want" ]; then
		fail "$n" "exit $rc, expected $want: $(cat "$w/$n.out")"
		return
	fi
	for pat in "$@"; do
		if ! grep -qF -- "$pat" "$w/$n.out"; then
			fail "$n" "no '$pat' in: $(cat "$w/$n.out")"
			return
		fi
	done
	ok "$n"
}

run db-missing --set "clamav.database=$w/nodb"
expect db-missing 1 "virus database: cannot open $w/nodb: No such file or directory" \
	"virus.unscannable and is answered tempfail \"4.7.1" "main.cvd, daily.cvd and bytecode.cvd" \
	"into $w/nodb" "PrivateMirror"
[ "$(grep -c . "$w/db-missing.out")" -eq 1 ] || fail db-missing-one-line "$(cat "$w/db-missing.out")"

run db-empty --set "clamav.database=$w/emptydb"
expect db-empty 1 "virus database: no database file in $w/emptydb: until it has one"

if [ -z "$db" ]; then
	skip db-good "no test database: $(tail -n 1 "$w/db.log")"
	skip all-fine "no test database"
else
	run db-good
	expect db-good 0 "virus database: $db: 2 signatures in 2 files"
	run all-fine
	expect all-fine 0 "rules/msgsec.yaml: runtime OK (milter.user $U)" \
		"quarantine: $w/q, writable by $U" \
		"alert log folder: $w/log, writable by $U" \
		"socket: smtpd and cleanup (user $M) connects to unix:$w/sock/milter.sock"
fi

# A .cvd with a readable header (built 2024-01-02) and a body that is not
# a signed database.
mkdir -p "$w/fakedb"
{
	printf 'ClamAV-VDB:02 Jan 2024 00-00 +0000:27123:2:90:00000000000000000000000000000000:X:msgsec-test:1704153600'
	head -c 512 /dev/zero
} | head -c 512 | tr '\0' ' ' >"$w/fakedb/daily.cvd"
printf 'not a tar archive' >>"$w/fakedb/daily.cvd"
run db-corrupt --set "clamav.database=$w/fakedb"
expect db-corrupt 1 "virus database: $w/fakedb cannot be loaded" \
	"daily.cvd version 27123 was built 2024-01-02 00:00 UTC" "(clamav.max_age_days 7)"
run db-stale-off --set "clamav.database=$w/fakedb" --set clamav.max_age_days=0
if [ "$rc" -eq 1 ] && ! grep -q 'days ago' "$w/db-stale-off.out"; then
	ok db-stale-off
else
	fail db-stale-off "$(cat "$w/db-stale-off.out")"
fi

mkdir -p "$w/q2"
chmod 0555 "$w/q2"
run quarantine-unwritable --set "paths.quarantine=$w/q2" --set milter.user=nobody
expect quarantine-unwritable 1 "quarantine: $w/q2 is not writable by user nobody (0555 "

# A folder without x for others above the socket: the MTA (another user)
# cannot reach it, and the line names that folder.
mkdir -p "$w/closed"
listen "$w/closed/milter.sock"
chmod 0750 "$w/closed"
run socket-unreachable --set "milter.socket=unix:$w/closed/milter.sock" --mta-user "$other"
expect socket-unreachable 1 "socket: smtpd and cleanup cannot reach $w/closed/milter.sock: user $other cannot enter $w/closed (0750 "

"$py" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$w/sock/dead.sock"
chmod 0666 "$w/sock/dead.sock"
run socket-not-listening --set "milter.socket=unix:$w/sock/dead.sock"
expect socket-not-listening 1 "cannot connect to unix:$w/sock/dead.sock: Connection refused (nothing listens"

run socket-missing --set "milter.socket=unix:$w/sock/none.sock"
expect socket-missing 1 "socket: $w/sock/none.sock: No such file or directory: is msgsec-milter running"
run before-start --set "milter.socket=unix:$w/sock/none.sock" --before-start
if [ -n "$db" ]; then
	expect before-start 0 "socket: smtpd and cleanup can reach unix:$w/sock/none.sock once the milter listens"
elif grep -q "socket" "$w/before-start.out"; then
	fail before-start "$(cat "$w/before-start.out")"
else
	ok before-start
fi

run chroot-outside --postfix "$w/pfc"
expect chroot-outside 1 "socket: Postfix's smtpd and cleanup (chrooted in $w/queue: $w/pfc/master.cf line 2, chroot y) cannot reach $w/sock/milter.sock" \
	"--set milter.socket=unix:$w/queue/msgsec/milter.sock and smtpd_milters = unix:/msgsec/milter.sock"
run chroot-inside --postfix "$w/pfc" --set "milter.socket=unix:$w/queue/msgsec/milter.sock"
if [ -n "$db" ]; then
	expect chroot-inside 0 "connects to unix:/msgsec/milter.sock (chrooted in $w/queue)"
elif grep -q "socket" "$w/chroot-inside.out"; then
	fail chroot-inside "$(cat "$w/chroot-inside.out")"
else
	ok chroot-inside
fi

# Plain `msgsec check`: the summary warns of a missing database only.
"$msgsec" check -c "$top/rules/msgsec.yaml" --set "clamav.database=$w/nodb" >"$w/cw.out" 2>&1
rc=$?
expect cw 0 "warning: no virus database in $w/nodb: No such file or directory: until it has one, every message raises virus.unscannable"
if [ -n "$db" ]; then
	"$msgsec" check -c "$top/rules/msgsec.yaml" --set "clamav.database=$db" >"$w/cw2.out" 2>&1
	if grep -q 'virus database' "$w/cw2.out"; then
		fail check-no-warning "$(cat "$w/cw2.out")"
	else
		ok check-no-warning
	fi
fi
exit 0
