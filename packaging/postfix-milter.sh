#!/bin/sh
# packaging/postfix-milter.sh - where Postfix can reach msgsec-milter's
# socket, and the main.cf lines that say so (used by `make run`).
#
#   sh packaging/postfix-milter.sh chroot PFDIR
#       "smtpd=y|n cleanup=y|n queue=DIR": whether master.cf chroots smtpd
#       and cleanup (column 5; "-" is n since Postfix 3.0), and
#       queue_directory, the chroot
#   sh packaging/postfix-milter.sh socket PFDIR PATH
#       the path the milter should listen on: PATH, or
#       QUEUE/msgsec/milter.sock when smtpd or cleanup is chrooted
#   sh packaging/postfix-milter.sh lines PFDIR PATH
#       the main.cf lines for a socket at PATH, each milter parameter
#       naming the path as its process sees it (inside the chroot, relative
#       to it); a path a chrooted process cannot see is said on stderr
#       with the change to make, and the status is 1
#
# The lines are block A of packaging/postfix-main.cf.snippet, which README
# quotes, so `make run`, the README and the shipped snippet say the same.
# master.cf is read through `postconf -M` when postconf works (it needs a
# main.cf: Debian's "No configuration" leaves none), else its columns are
# read directly.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
snippet=$top/packaging/postfix-main.cf.snippet

usage() {
	echo "usage: $0 chroot PFDIR | socket PFDIR PATH | lines PFDIR PATH" >&2
	exit 2
}

# master.cf's services, one per line, columns as in the file.
services() {
	if [ -f "$1/main.cf" ] && postconf -c "$1" -M >/dev/null 2>&1; then
		postconf -c "$1" -M
	elif [ -f "$1/master.cf" ]; then
		grep -v '^[#[:space:]]' "$1/master.cf" || true
	fi
}

chroot_of() {	# PFDIR COMMAND -> y or n
	services "$1" | awk -v c="$2" '
		$8 == c && $5 == "y" { y = 1 }
		END { print (y ? "y" : "n") }'
}

queue_of() {
	q=""
	if [ -f "$1/main.cf" ]; then
		q=$(postconf -c "$1" -h queue_directory 2>/dev/null ||
			sed -n 's/^queue_directory[[:space:]]*=[[:space:]]*//p' "$1/main.cf" | tail -n 1)
	fi
	echo "${q:-/var/spool/postfix}"
}

# The spec a process chrooted (y) or not in QUEUE uses for PATH; empty
# when it cannot see PATH.
seen_as() {	# y|n QUEUE PATH
	if [ "$1" = n ]; then
		echo "unix:$3"
	else
		case $3 in
		"$2"/*) echo "unix:${3#"$2"}" ;;
		*) echo "" ;;
		esac
	fi
}

[ $# -ge 2 ] || usage
cmd=$1
pf=$2
s=$(chroot_of "$pf" smtpd)
c=$(chroot_of "$pf" cleanup)
q=$(queue_of "$pf")
case $cmd in
chroot)
	echo "smtpd=$s cleanup=$c queue=$q"
	;;
socket)
	[ $# -eq 3 ] || usage
	if [ "$s" = y ] || [ "$c" = y ]; then
		echo "$q/msgsec/milter.sock"
	else
		echo "$3"
	fi
	;;
lines)
	[ $# -eq 3 ] || usage
	sm=$(seen_as "$s" "$q" "$3")
	nm=$(seen_as "$c" "$q" "$3")
	rc=0
	for p in smtpd:"$s":"$sm" cleanup:"$c":"$nm"; do
		case $p in
		*:y:)
			echo "msgsec: Postfix's ${p%%:*} runs chrooted in $q ($pf/master.cf, chroot column y) and cannot reach $3: put the socket under $q (make run ARGS=\"-p unix:$q/msgsec/milter.sock\", then ${p%%:*}'s parameter names unix:/msgsec/milter.sock), or set ${p%%:*}'s chroot column to n and postfix reload" >&2
			rc=1
			;;
		esac
	done
	[ -n "$sm" ] || sm="unix:$3"
	[ -n "$nm" ] || nm="unix:$3"
	grep -v '^#' "$snippet" | grep . | while IFS= read -r l; do
		case $l in
		"smtpd_milters = "*) echo "smtpd_milters = $sm" ;;
		"non_smtpd_milters = "*)
			if [ "$nm" = "$sm" ]; then echo "$l"; else echo "non_smtpd_milters = $nm"; fi
			;;
		*) echo "$l" ;;
		esac
	done
	exit $rc
	;;
*) usage ;;
esac
