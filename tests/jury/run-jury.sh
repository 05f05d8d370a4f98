#!/bin/sh
# tests/jury/run-jury.sh - the reader jury (issue 11): what Python's email
# package (two policies), Perl's MIME-tools and GMime 3 extract from a
# message, against what msgsec-milter inspected (jury.py says how they are
# compared).  Run over the trick messages of gen_tricks.py, one line per
# trick class ("ok jury/CLASS" or "FAIL jury/CLASS" and what was missed),
# over the golden trick set (jury/golden) and fuzz_gmime_diff's trick seeds
# with EICAR (jury/seeds), and over the shared mail corpus (../shared/corpus/mail beside the
# checkout) where it exists.
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x /usr/bin/python3 ]; then
	echo "skip jury (no /usr/bin/python3)"
	exit 0
fi
if ! perl -MMIME::Parser -e 1 2>/dev/null; then
	echo "skip jury (no MIME-tools: libmime-tools-perl)"
	exit 0
fi
if ! pkg-config --exists gmime-3.0; then
	echo "skip jury (no GMime: libgmime-3.0-dev)"
	exit 0
fi
if [ ! -x "$O/msgsec-milter" ]; then
	echo "FAIL jury ($O/msgsec-milter not built)"
	exit 1
fi

# The GMime juror: a small program, built here beside the binaries.
gmime=$O/jury/juror_gmime
if [ ! -x "$gmime" ] || [ tests/jury/juror_gmime.c -nt "$gmime" ]; then
	mkdir -p "$O/jury"
	# shellcheck disable=SC2046
	if ! ${CC:-cc} -O1 -o "$gmime" tests/jury/juror_gmime.c \
	    $(pkg-config --cflags --libs gmime-3.0) >"$tmp/cc.log" 2>&1; then
		echo "FAIL jury (juror_gmime.c does not build)"
		sed 's/^/    /' "$tmp/cc.log"
		exit 1
	fi
fi

db=${MSGSEC_CLAMAV_DB:-}
if [ -z "$db" ] || [ ! -f "$db/test.ndb" ]; then
	db=$tmp/clamav-db
	if ! sh tests/data/make-clamav-db.sh "$db" >/dev/null 2>&1; then
		echo "skip jury (no test virus database: clamav-testfiles)"
		exit 0
	fi
fi

/usr/bin/python3 tests/jury/gen_tricks.py "$tmp/tricks" || {
	echo "FAIL jury (gen_tricks.py)"
	exit 1
}
/usr/bin/python3 tests/jury/jury.py --milter "$O/msgsec-milter" \
	--gmime "$gmime" --config rules/msgsec.yaml --db "$db" \
	--manifest "$tmp/tricks/MANIFEST.tsv" --report jury
rc=$?
[ $rc -le 1 ] || echo "FAIL jury (jury.py exited $rc)"

# The golden trick set, and fuzz_gmime_diff's trick seeds with EICAR.
ls tests/golden/mail/evasion-*.eml tests/golden/mail/ext-*.eml \
	tests/golden/mail/reading-*.eml >"$tmp/golden.list"
/usr/bin/python3 tests/fuzz/make-gmime-diff-seeds.py --eicar "$tmp/seeds" \
	>/dev/null && ls "$tmp"/seeds/* >"$tmp/seeds.list" || {
	echo "FAIL jury (make-gmime-diff-seeds.py)"
	exit 1
}
for set in golden seeds; do
	/usr/bin/python3 tests/jury/jury.py --milter "$O/msgsec-milter" \
		--gmime "$gmime" --config rules/msgsec.yaml --db "$db" \
		--files "$tmp/$set.list" --class "$set" --known tests/jury/KNOWN \
		--report jury
	rc=$?
	[ $rc -le 1 ] || echo "FAIL jury/$set (jury.py exited $rc)"
done

shared=$(dirname "$top")/shared/corpus/mail
if [ -f "$shared/INDEX.tsv" ]; then
	/usr/bin/python3 tests/jury/jury.py --milter "$O/msgsec-milter" \
		--gmime "$gmime" --config rules/msgsec.yaml --db "$db" \
		--corpus "$shared/INDEX.tsv" --report jury
	rc=$?
	[ $rc -le 1 ] || echo "FAIL jury/corpus (jury.py exited $rc)"
else
	echo "skip jury/corpus (no ../shared/corpus/mail beside the checkout)"
fi
exit 0
