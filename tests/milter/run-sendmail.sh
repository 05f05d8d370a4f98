#!/bin/sh
# tests/milter/run-sendmail.sh - the Sendmail end-to-end suite.
#
# Sendmail cannot be installed beside Postfix (sendmail-bin conflicts with
# postfix), so packaging/install-deps.sh fetches its Debian packages once
# with `apt-get download` into /var/cache/msgsec/sendmail-debs, and this
# script unpacks them with `dpkg -x` into $O/sendmail/root.  The test then runs in private network,
# UTS and mount namespaces (see sendmail_e2e.py): loopback only, an FQDN
# host name, private /etc/hosts, /etc/resolv.conf and /dev/log.
set -u
O=${O:-build}
export O
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
	echo "skip sendmail (needs root)"
	exit 0
fi
for c in m4 unshare swaks smtp-sink; do
	if ! command -v "$c" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$c" ]; then
		echo "skip sendmail (no $c: sh packaging/install-deps.sh test)"
		exit 0
	fi
done
sm=$top/$O/sendmail
if [ ! -x "$sm/root/usr/libexec/sendmail/sendmail" ]; then
	rm -rf "$sm"
	mkdir -p "$sm/debs" "$sm/root"
	chmod 0755 "$sm" "$sm/debs"
	debs=${MSGSEC_SENDMAIL_DEBS:-/var/cache/msgsec/sendmail-debs}
	if ! ls "$debs"/sendmail-bin_*.deb "$debs"/sendmail-cf_*.deb \
		"$debs"/sendmail-base_*.deb >/dev/null 2>&1; then
		echo "skip sendmail (no Sendmail packages in $debs: sh packaging/install-deps.sh test)"
		rm -rf "$sm"
		exit 0
	fi
	cp "$debs"/sendmail-bin_*.deb "$debs"/sendmail-cf_*.deb \
		"$debs"/sendmail-base_*.deb "$sm/debs/"
	for d in "$sm"/debs/*.deb; do
		dpkg -x "$d" "$sm/unpack" || { echo "FAIL sendmail/unpack $d"; exit 1; }
	done
	# Keep the binaries and the cf/ tree only: the rest has folders named
	# *.d, which the Makefile's dependency include would pick up.
	mkdir -p "$sm/root/usr/libexec" "$sm/root/usr/share/sendmail"
	mv "$sm/unpack/usr/libexec/sendmail" "$sm/root/usr/libexec/" &&
		mv "$sm/unpack/usr/share/sendmail/cf" "$sm/root/usr/share/sendmail/" ||
		{ echo "FAIL sendmail/unpack: no sendmail binary or cf/ tree"; exit 1; }
	rm -rf "$sm/unpack"
fi
if ldd "$sm/root/usr/libexec/sendmail/sendmail" | grep -q 'not found'; then
	echo "skip sendmail (missing libraries: sh packaging/install-deps.sh test)"
	exit 0
fi
exec unshare --net --uts --mount sh -c \
	"ip link set lo up && hostname mx.mass.example && /usr/bin/python3 '$top/tests/milter/sendmail_e2e.py'"
