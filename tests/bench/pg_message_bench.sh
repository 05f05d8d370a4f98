#!/bin/sh
# tests/bench/pg_message_bench.sh O - what a large message costs in the
# records database (pgstore/README: bytea or large objects): messages of
# 1, 10, 25 and 50 MB (an .exe attachment, so the shipped rules block and
# store them) stored by `msgsec-milter --test --store` (the daemon's
# pipeline and store: pgstore_commit) and read back by `msgsec quarantine
# extract --raw`, with the folder store and with the database, on a
# private cluster (tests/lib/pg.sh).  Prints wall time and peak RSS of the
# process (GNU time) for each, the median of ROUNDS (default 3) runs.
# O_LO=DIR: a build of the large-object experiment (pgstore_commit and
# pgadmin_message on lo_* calls; a column "lo oid" this script adds) is
# measured too, interleaved with the others.
# Figures only, never pass/fail.
set -u
O=${1:-build/bench}
ROUNDS=${ROUNDS:-3}
SIZES=${SIZES:-"1 10 25 50"}
cd "$(dirname "$0")/../.." || exit 1
top=$(pwd)
. tests/lib/pg.sh
pg_need
[ -x /usr/bin/time ] || { echo "skip no GNU time (/usr/bin/time)"; exit 0; }
tmp=$(mktemp -d)
trap 'pg_destroy; rm -rf "$tmp"' EXIT
pg_start >/dev/null || { echo "cannot start PostgreSQL"; exit 1; }
W=$tmp/w
mkdir -p "$W/state/quarantine"
cp -R rules "$W/rules"
conf=$W/rules/msgsec.yaml
# The connection string as a URI: one word for the lists of arguments.
db="--set quarantine.backend=postgresql --set quarantine.dsn=postgresql:///msgsec?host=$PG_DIR&user=msgsec"
"$O/msgsec" db init -c "$conf" $db >/dev/null || exit 1
[ -n "${O_LO:-}" ] && $PG_PSQL "$PG_DSN" -c "ALTER TABLE msgsec_message ADD COLUMN lo oid"

mkmsg() {	# MB file: a message of MB*10^6 bytes with an .exe attachment
	/usr/bin/python3 - "$1" "$2" <<'PY'
import base64, os, sys
size = int(sys.argv[1]) * 1000 * 1000
head = ("From: a@example.org\r\nTo: user@dep.mass.example\r\n"
        "Subject: big\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\n"
        "Message-ID: <big@example.org>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
        "Content-Type: application/octet-stream; name=\"setup.exe\"\r\n"
        "Content-Disposition: attachment; filename=\"setup.exe\"\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n").encode()
tail = b"\r\n--b--\r\n"
n = (size - len(head) - len(tail)) * 57 // 78
body = base64.encodebytes(b"MZ" + os.urandom(n)).replace(b"\n", b"\r\n")
m = (head + body + tail)[:size - len(tail)] + tail
open(sys.argv[2], "wb").write(m)
PY
}

# "seconds kB" of one run of a command (its output discarded).
measure() {
	/usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >"$tmp/cmd.out" 2>&1 ||
		{ echo "failed: $*" >&2; sed 's/^/    /' "$tmp/cmd.out" >&2; }
	cat "$tmp/time"
}
median() {	# values...: the middle one
	printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"
}

stores="files database"
[ -n "${O_LO:-}" ] && stores="$stores large-object"
printf '%-8s %-13s %10s %10s %12s %10s\n' size store "store s" "store MB" \
	"extract s" "extract MB"
for mb in $SIZES; do
	mkmsg "$mb" "$tmp/m.eml"
	for store in $stores; do
		v=$(echo "$store" | tr - _)
		eval "st_$v='' sr_$v='' et_$v='' er_$v=''"
	done
	r=0
	while [ $r -lt "$ROUNDS" ]; do	# the stores interleaved, round by round
		for store in $stores; do
			bin=$O
			set --
			case $store in
			database) set -- $db ;;
			large-object) set -- $db; bin=$O_LO ;;
			esac
			v=$(echo "$store" | tr - _)
			rm -rf "$W/state/quarantine"/*
			$PG_PSQL "$PG_DSN" -c "DELETE FROM msgsec_pass; DELETE FROM msgsec_message" >/dev/null
			set -- $(measure "$bin/msgsec-milter" -c "$conf" "$@" \
				--set clamav.enabled=false --test "$tmp/m.eml" \
				--from a@example.org --rcpt user@dep.mass.example \
				--store) "$@"
			eval "st_$v=\"\$st_$v $1\" sr_$v=\"\$sr_$v $2\""
			shift 2
			id=$("$bin/msgsec" quarantine list -c "$conf" "$@" | awk 'NR == 2 { print $1 }')
			rm -f "$tmp/out.eml"
			set -- $(measure "$bin/msgsec" quarantine extract "$id" --raw \
				-o "$tmp/out.eml" -c "$conf" "$@") "$@"
			eval "et_$v=\"\$et_$v $1\" er_$v=\"\$er_$v $2\""
			shift 2
			cmp -s "$tmp/m.eml" "$tmp/out.eml" ||
				echo "    $store round $r: extract --raw did not give the bytes back" >&2
		done
		r=$((r + 1))
	done
	for store in $stores; do
		v=$(echo "$store" | tr - _)
		eval "st=\$st_$v sr=\$sr_$v et=\$et_$v er=\$er_$v"
		printf '%-8s %-13s %10s %10s %12s %10s\n' "${mb} MB" $store \
			"$(median $st)" "$(( $(median $sr) / 1024 ))" \
			"$(median $et)" "$(( $(median $er) / 1024 ))"
	done
done
