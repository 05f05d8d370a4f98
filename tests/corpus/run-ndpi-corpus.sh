#!/bin/sh
# tests/corpus/run-ndpi-corpus.sh - msgsec-sensor against the shared nDPI
# capture corpus (../shared/corpus/ndpi-pcaps), when present: recall and
# precision per service, hard negatives, agreement with tshark.
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -d "$top/../shared/corpus/ndpi-pcaps" ]; then
	echo "skip ndpi-corpus ../shared/corpus/ndpi-pcaps not present"
	exit 0
fi
if [ ! -x /usr/bin/python3 ]; then
	echo "skip ndpi-corpus /usr/bin/python3 not installed"
	exit 0
fi
O=$O exec /usr/bin/python3 "$top/tests/corpus/ndpi_corpus.py"
