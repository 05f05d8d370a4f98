#!/bin/sh
# tests/pcap/run-pcap.sh - the sensor's end-to-end pcap cases.
#
# Builds the captures listed in tests/pcap/cases.tsv into $O/pcap-cases
# (tests/pcap/make_cases.py and pcaplib.py, scapy under /usr/bin/python3),
# runs
#   $O/msgsec-sensor -c rules/msgsec.yaml -r CASE --alerts - -q ...
# on each and compares the alerts with the row (tests/pcap/run_cases.py),
# then checks the STUN fields against tshark (tests/pcap/stun_tshark.py),
# runs the live loopback capture (tests/pcap/live.sh) and the
# progress-line check on a pseudo-terminal (tests/pcap/progress.sh).  Prints one
# "ok NAME", "FAIL NAME" or "skip NAME why" line per case.
# PCAP_CASES="name ..." runs only those cases.
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
py=/usr/bin/python3

if [ ! -x "$py" ] || ! "$py" -c 'import scapy.all, cryptography' 2>/dev/null; then
	echo "skip pcap scapy or cryptography not installed for $py"
	exit 0
fi
if [ ! -x "$O/msgsec-sensor" ]; then
	echo "skip pcap $O/msgsec-sensor not built yet"
	exit 0
fi
mkdir -p "$O/pcap-cases"
# Rebuild the captures when the generator or the table is newer.
stamp=$O/pcap-cases/.stamp
if [ ! -f "$stamp" ] || [ tests/pcap/make_cases.py -nt "$stamp" ] ||
    [ tests/pcap/pcaplib.py -nt "$stamp" ] ||
    [ tests/pcap/cases.tsv -nt "$stamp" ]; then
	if ! "$py" tests/pcap/make_cases.py "$O/pcap-cases"; then
		echo "FAIL pcap-generate (tests/pcap/make_cases.py)"
		exit 1
	fi
	touch "$stamp"
fi
O=$O "$py" tests/pcap/run_cases.py
rc=$?
if [ -z "${PCAP_CASES:-}" ] || echo " $PCAP_CASES " | grep -q ' stun-tshark '; then
	O=$O "$py" tests/pcap/stun_tshark.py || rc=1
fi
if [ -z "${PCAP_CASES:-}" ] || echo " $PCAP_CASES " | grep -q ' live '; then
	O=$O sh tests/pcap/live.sh
fi
if [ -z "${PCAP_CASES:-}" ] || echo " $PCAP_CASES " | grep -q ' progress '; then
	O=$O sh tests/pcap/progress.sh
fi
exit $rc
