#!/bin/sh
# packaging/run-milter.sh O - `make run`: start msgsec-milter in the
# foreground on the checkout's configuration (rules/msgsec.yaml), with its
# socket, quarantine and alert log under state/, and print the Postfix
# lines that connect to it.
set -eu
O=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
state=$top/state
user=msgsec
mkdir -p "$state"
mkdir -p -m 0700 "$state/quarantine"
if [ "$(id -u)" -eq 0 ]; then
	# The milter never runs as root: it drops to this system user.
	if ! id "$user" >/dev/null 2>&1; then
		useradd --system --user-group --no-create-home \
			--home-dir /nonexistent --shell /usr/sbin/nologin "$user"
	fi
	chown -R "$user:$user" "$state"
	# Postfix's smtpd (user postfix) reaches the socket through the group.
	if id postfix >/dev/null 2>&1; then
		usermod -a -G "$user" postfix 2>/dev/null || true
	fi
	# Every folder above the socket must be searchable by postfix.
	chmod o+x "$state" 2>/dev/null || true
fi
db=/var/lib/clamav	# clamav.database in rules/msgsec.yaml (the default)
if ! ls "$db"/*.cvd "$db"/*.cld "$db"/*.hdb "$db"/*.ndb >/dev/null 2>&1; then
	cat <<EOF2

WARNING: no virus database in $db.  Every message will be deferred
(rule virus.unscannable, 4.7.1) until one is there: install and run
clamav-freshclam, or start with --set clamav.database=FOLDER.
EOF2
fi
cat <<EOF2

msgsec-milter is starting on unix:$state/milter.sock
Add to Postfix's main.cf (then: postfix reload):

  smtpd_milters = unix:$state/milter.sock
  non_smtpd_milters = \$smtpd_milters
  milter_protocol = 6
  milter_default_action = tempfail
  milter_connect_macros = j {daemon_name} v
  milter_mail_macros = i {auth_authen} {auth_type} {mail_addr} {mail_host} {mail_mailer}
  milter_rcpt_macros = i {rcpt_addr} {rcpt_host} {rcpt_mailer}
  milter_end_of_data_macros = i

Alerts: $state/alerts.json   Quarantine: $state/quarantine
Stop with Ctrl-C.

EOF2
exec "$top/$O/msgsec-milter" -f -c "$top/rules/msgsec.yaml" -u "$user"
