#!/bin/sh
#
# make-clamav-db.sh OUTDIR - build a tiny ClamAV signature database for tests.
#
# freshclam cannot download anything on the build machines, so the unit
# tests bring their own signatures:
#
#   OUTDIR/test.hdb  MD5:SIZE:ClamAV-Test-File for clam.exe from the
#                    clamav-testfiles package (a harmless test binary).
#   OUTDIR/test.ndb  Eicar-Test-Signature:0:*:HEX, a body signature for
#                    the 68-byte EICAR test string.
#
# libclamav appends ".UNOFFICIAL" to every name from a database that is
# not a signed .cvd, so scans report ClamAV-Test-File.UNOFFICIAL and
# Eicar-Test-Signature.UNOFFICIAL (writing the suffix here would double it).
#
# The EICAR string is assembled here from two halves and never written to
# a file in the repository: antivirus on developer machines would flag it.
# Its md5 is checked so that a quoting slip cannot produce a silently
# wrong signature.
#
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
out=$1
testfiles=${CLAMAV_TESTFILES:-/usr/share/clamav-testfiles}
clam=$testfiles/clam.exe
eicar_md5=44d88612fea8a8f36de82e1278abb02f

if [ ! -r "$clam" ]; then
	echo "$0: $clam not found (install clamav-testfiles)" >&2
	exit 1
fi
mkdir -p "$out"

md5=$(md5sum < "$clam" | cut -d ' ' -f 1)
size=$(stat -c %s "$clam")
printf '%s:%s:ClamAV-Test-File\n' "$md5" "$size" > "$out/test.hdb"

# Single quotes keep the backslash and both dollar signs literal.
eicar_a='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR'
eicar_b='-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
got=$(printf '%s%s' "$eicar_a" "$eicar_b" | md5sum | cut -d ' ' -f 1)
if [ "$got" != "$eicar_md5" ]; then
	echo "$0: EICAR string md5 is $got, expected $eicar_md5" >&2
	exit 1
fi
hex=$(printf '%s%s' "$eicar_a" "$eicar_b" | od -An -v -tx1 | tr -d ' \n')
if [ ${#hex} -ne 136 ]; then
	echo "$0: EICAR hex has ${#hex} digits, expected 136" >&2
	exit 1
fi
printf 'Eicar-Test-Signature:0:*:%s\n' "$hex" > "$out/test.ndb"
