#!/bin/sh
# packaging/run-milter.sh O [ARGS...] - `make run`: start msgsec-milter in
# the foreground on the checkout's configuration (rules/msgsec.yaml), with
# its quarantine and alert log under state/, and print the Postfix lines
# that connect to it.  ARGS (make run ARGS="...") go to msgsec-milter as
# they are (-p SOCKET, --set KEY=VALUE, ...); the --set ones also go to
# msgsec check.
#
# The socket: state/milter.sock, unless Postfix's master.cf chroots smtpd
# or cleanup (Debian's default), which then see only what is under
# queue_directory: the socket goes to QUEUE/msgsec/milter.sock (as root;
# otherwise what to change is printed), and main.cf names it as the
# chroot sees it, unix:/msgsec/milter.sock.  Before starting, `msgsec
# check --runtime --before-start` says what would stop the first message
# (no virus database, a folder Postfix cannot enter, ...).
#
# Environment (for tests): MSGSEC_STATE (state/), MSGSEC_USER (msgsec;
# only that one is created and given the postfix user as a member),
# MSGSEC_POSTFIX_DIR (/etc/postfix).
set -eu
O=${1:-build}
[ $# -gt 0 ] && shift
top=$(cd "$(dirname "$0")/.." && pwd)
state=${MSGSEC_STATE:-$top/state}
user=${MSGSEC_USER:-msgsec}
pfdir=${MSGSEC_POSTFIX_DIR:-/etc/postfix}
conf=$top/rules/msgsec.yaml
pfm="sh $top/packaging/postfix-milter.sh"

# The socket and the settings among ARGS.
sock=""
sets=""
prev=""
for a in "$@"; do
	case $prev in
	-p | --socket) sock=$a ;;
	--set)
		sets="$sets --set $a"
		case $a in milter.socket=*) sock=${a#milter.socket=} ;; esac
		;;
	esac
	prev=$a
done
case $sock in
unix:* | local:*) sock=${sock#*:} ;;
esac

root=false
[ "$(id -u)" -eq 0 ] && root=true
mkdir -p "$state"
mkdir -p -m 0700 "$state/quarantine"
if $root; then
	# The milter never runs as root: it drops to this system user.
	if [ "$user" = msgsec ] && ! id "$user" >/dev/null 2>&1; then
		useradd --system --user-group --no-create-home \
			--home-dir /nonexistent --shell /usr/sbin/nologin "$user"
	fi
	chown -R "$user:$(id -gn "$user")" "$state"
	# Postfix's smtpd (user postfix) reaches the socket through the group
	# (Postfix takes its user's groups when it starts a process).
	if [ "$user" = msgsec ] && id postfix >/dev/null 2>&1; then
		usermod -a -G "$user" postfix 2>/dev/null || true
	fi
	# Every folder above the socket must be searchable by postfix.
	chmod o+x "$state" 2>/dev/null || true
fi

# Where the socket goes.
sockset=""
if [ -z "$sock" ]; then
	sock=$($pfm socket "$pfdir" "$state/milter.sock")
	if [ "$sock" != "$state/milter.sock" ]; then
		if $root; then
			install -d -o "$user" -g "$(id -gn "$user")" -m 0750 "$(dirname "$sock")"
		else
			echo "msgsec: Postfix chroots smtpd or cleanup ($($pfm chroot "$pfdir")): the socket belongs in $sock, which needs root; using $state/milter.sock" >&2
			sock=$state/milter.sock
		fi
	fi
	sockset="--set milter.socket=unix:$sock"
fi
case $sock in
/*) ;;
*) sock=$top/rules/$sock ;;	# relative to the configuration, as the milter takes it
esac

state_sets="--set paths.state=$state --set paths.quarantine=$state/quarantine --set alerts.file=$state/alerts.json"
# The user the milter will run as: -u below as root, else the caller.
checkuser="--set milter.user=$user"
$root || checkuser="--set milter.user=$(id -un)"
# shellcheck disable=SC2086 # word splitting of the option lists is meant
"$top/$O/msgsec" check -q -c "$conf" $state_sets $sockset $sets
echo
echo "Checking what the first message needs (msgsec check --runtime):"
# shellcheck disable=SC2086
"$top/$O/msgsec" check --runtime --before-start -c "$conf" --postfix "$pfdir" \
	$state_sets $sockset $checkuser $sets | sed 's/^/  /' || true

cat <<EOF2

msgsec-milter is starting on unix:$sock
Add to Postfix's main.cf (then: postfix reload):

EOF2
$pfm lines "$pfdir" "$sock" | sed 's/^/  /' || true
cat <<EOF2

Alerts: $state/alerts.json   Quarantine: $state/quarantine
Stop with Ctrl-C.

EOF2
# shellcheck disable=SC2086
exec "$top/$O/msgsec-milter" -f -c "$conf" -u "$user" $state_sets $sockset "$@"
