#!/bin/sh
# packaging/install-deps.sh - install the Debian 12 packages msgsec needs.
#
#   sh packaging/install-deps.sh build   compilers and -dev libraries
#   sh packaging/install-deps.sh test    build + the real peers the tests use
#   sh packaging/install-deps.sh bench   test + the reference tools benchmarks
#                                        compare against
#
# Idempotent and quiet: when everything is present it only asks dpkg and
# exits.  Non-interactive: Postfix's debconf question is answered "No
# configuration" (the tests run private instances), Wireshark's setuid
# question "no".  For the Sendmail end-to-end test (test and bench), the
# Debian packages of Sendmail are fetched with `apt-get download` into
# /var/cache/msgsec/sendmail-debs and never installed: sendmail-bin
# conflicts with postfix (tests/milter/run-sendmail.sh unpacks them).
# Nothing else is downloaded, ever.
set -eu

SENDMAIL_DEBS=/var/cache/msgsec/sendmail-debs

# The Sendmail packages for the end-to-end test, once.
fetch_sendmail() {
	for p in sendmail-bin sendmail-cf sendmail-base; do
		ls "$SENDMAIL_DEBS/$p"_*.deb >/dev/null 2>&1 || break
		[ "$p" = sendmail-base ] && return 0
	done
	if [ "$(id -u)" -ne 0 ]; then
		echo "msgsec: the Sendmail test needs its packages: run as root" >&2
		return 0
	fi
	mkdir -p "$SENDMAIL_DEBS"
	chmod 0755 /var/cache/msgsec "$SENDMAIL_DEBS"
	chown _apt "$SENDMAIL_DEBS" 2>/dev/null || true	# apt's download user
	echo "msgsec: fetching sendmail-bin sendmail-cf sendmail-base (not installed)"
	(cd "$SENDMAIL_DEBS" &&
		{ apt-get download -q sendmail-bin sendmail-cf sendmail-base ||
		{ apt-get update -qq && apt-get download -q sendmail-bin \
		sendmail-cf sendmail-base; }; }) >/dev/null 2>&1 ||
		echo "msgsec: apt-get download of Sendmail failed; its test will skip" >&2
}

BUILD="gcc make pkg-config clang libclang-rt-14-dev
	libmilter-dev libpcap-dev libmagic-dev libpcre2-dev libclamav-dev
	libyaml-dev libarchive-dev libssl-dev libcmocka-dev zlib1g-dev
	libgmime-3.0-dev libpq-dev"
TEST="postfix miltertest clamav-testfiles tshark tcpdump tcpreplay m4 liblockfile1 libwrap0 logrotate
	debhelper lintian
	python3-scapy python3-cryptography libmime-tools-perl swaks file zip
	p7zip-full chromium
	prometheus postgresql"
BENCH="libndpi-bin wireshark-common clamav-daemon clamav-milter"

case "${1:-build}" in
build) want=$BUILD ;;
test) want="$BUILD $TEST" ;;
bench) want="$BUILD $TEST $BENCH" ;;
*)
	echo "usage: $0 build|test|bench" >&2
	exit 2
	;;
esac

missing=""
for p in $want; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$s" = installed ] || missing="$missing $p"
done
if [ -z "$missing" ]; then
	[ "${1:-build}" = build ] || fetch_sendmail
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "msgsec: missing Debian packages:$missing" >&2
	echo "msgsec: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi

echo "msgsec: installing$missing"
export DEBIAN_FRONTEND=noninteractive
debconf-set-selections <<'SEL'
postfix postfix/main_mailer_type select No configuration
postfix postfix/mailname string localhost.localdomain
wireshark-common wireshark-common/install-setuid boolean false
SEL
log=$(mktemp)
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	$missing; } >"$log" 2>&1; then
	tail -n 30 "$log" >&2
	rm -f "$log"
	echo "msgsec: package installation failed" >&2
	exit 1
fi
rm -f "$log"
[ "${1:-build}" = build ] || fetch_sendmail
