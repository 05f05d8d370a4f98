# tests/lib/pg.sh - a private PostgreSQL cluster for one test (issue 14).
#
#   . tests/lib/pg.sh
#   pg_start            initdb and start a cluster in a new folder under
#                       /tmp (its unix socket there, no TCP listener, no
#                       system cluster touched); sets PG_DIR, PG_DSN (a
#                       libpq connection string for database "msgsec") and
#                       PG_PSQL (psql on it, quiet, stopping at an error)
#   pg_stop             stop it (immediate); pg_start again restarts the
#                       same cluster
#   pg_destroy          stop it and remove the folder (trap it on EXIT)
#   pg_postfix_e2e NAME SCRIPT [scapy]
#                       run SCRIPT (a Python test behind private Postfix
#                       instances) with /usr/bin/python3 in a private
#                       network namespace on a cluster of its own; "skip
#                       NAME ..." without root, Postfix, PostgreSQL (or
#                       scapy, when asked)
#
# PostgreSQL refuses to run as root: as root the cluster runs as the
# postgres user (Debian's package makes it), or nobody.  The binaries are
# Debian's (/usr/lib/postgresql/N/bin, the newest N) or initdb on PATH.
# A test without them prints "skip ..." and exits 77 (pg_need).

pg_bin() {
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[ -x "$d/initdb" ] && { echo "$d"; return 0; }
	done
	d=$(command -v initdb 2>/dev/null) || return 1
	dirname "$d"
}

pg_need() {
	PG_BIN=$(pg_bin) || { echo "skip no PostgreSQL server (initdb)"; exit 77; }
	command -v psql >/dev/null 2>&1 ||
		{ echo "skip no psql"; exit 77; }
}

pg_as() {	# command...: as the cluster's owner
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$PG_USER" -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	[ -n "${PG_BIN:-}" ] || pg_need
	if [ -z "${PG_DIR:-}" ]; then
		PG_DIR=$(mktemp -d /tmp/msgsec-pg.XXXXXX)
		chmod 0755 "$PG_DIR"
		PG_USER=$(id -un)
		if [ "$(id -u)" -eq 0 ]; then
			PG_USER=postgres
			id postgres >/dev/null 2>&1 || PG_USER=nobody
			chown "$PG_USER" "$PG_DIR"
		fi
		pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U msgsec -A trust \
			-E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 ||
			{ cat "$PG_DIR/initdb.log"; return 1; }
	fi
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
		-o "-k $PG_DIR -c listen_addresses= -c max_connections=60" \
		start >/dev/null 2>&1 || { tail -n 20 "$PG_DIR/server.log"; return 1; }
	PG_DSN="host=$PG_DIR user=msgsec dbname=msgsec"
	PG_PSQL="psql -X -q -v ON_ERROR_STOP=1 -At"
	psql -X -q -At "host=$PG_DIR user=msgsec dbname=postgres" -c \
		"SELECT 1 FROM pg_database WHERE datname = 'msgsec'" | grep -q 1 ||
		psql -X -q "host=$PG_DIR user=msgsec dbname=postgres" \
			-c "CREATE DATABASE msgsec" >/dev/null
	export PG_DIR PG_DSN PG_PSQL PG_BIN PG_USER
}

pg_stop() {
	[ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ] || return 0
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop \
		>/dev/null 2>&1 || true
}

pg_destroy() {
	[ -n "${PG_DIR:-}" ] || return 0
	pg_stop
	rm -rf "$PG_DIR"
	PG_DIR=
}

pg_postfix_e2e() {	# NAME SCRIPT [scapy]
	if [ "$(id -u)" -ne 0 ]; then
		echo "skip $1 (needs root)"
		exit 0
	fi
	if [ ! -x /usr/sbin/postfix ] || ! command -v smtp-sink >/dev/null 2>&1; then
		echo "skip $1 (Postfix not installed)"
		exit 0
	fi
	if [ "${3:-}" = scapy ] && ! /usr/bin/python3 -c 'import scapy.all' 2>/dev/null; then
		echo "skip $1 (scapy not installed for /usr/bin/python3)"
		exit 0
	fi
	pg_need
	exec unshare --net sh -c "ip link set lo up && . tests/lib/pg.sh &&
		trap pg_destroy EXIT && pg_start && /usr/bin/python3 $2"
}
