#!/bin/sh
# tests/jury/run-jury.sh - the reader jury (jury.py): Python's email
# (default and compat32 policies) and Perl MIME-tools against msgsec's
# inventory of every reading, over the trick generator's messages (each
# hiding evil.exe and the EICAR string, built at run time), the golden
# trick set, and the shared corpus where it exists.  GMime sits on the
# jury through fuzz_gmime_diff's replayed corpus.
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
if ! perl -MMIME::Parser -e 1 2>/dev/null; then
	echo "skip jury (libmime-tools-perl not installed)"
	exit 0
fi
w=$(mktemp -d /tmp/msgsec-jury.XXXXXX)
trap 'rm -rf "$w"' EXIT
db=${MSGSEC_CLAMAV_DB:-$w/clamav-db}
[ -f "$db/test.hdb" ] || sh tests/data/make-clamav-db.sh "$db" >/dev/null
jury() {	# name list
	/usr/bin/python3 tests/jury/jury.py "$O/msgsec-milter" \
		rules/msgsec.yaml "$2" --set "clamav.database=$db" >"$w/$1.out" 2>&1
}
/usr/bin/python3 tests/fuzz/make-gmime-diff-seeds.py --eicar "$w/tricks" >/dev/null
ls "$w"/tricks/* >"$w/tricks.list"
ls "$top"/tests/golden/mail/evasion-*.eml "$top"/tests/golden/mail/ext-*.eml \
	>"$w/golden.list"
for set in tricks golden; do
	if jury "$set" "$w/$set.list"; then
		echo "ok jury/$set ($(tail -1 "$w/$set.out" | sed 's/^jury [^:]*: //'))"
	else
		echo "FAIL jury/$set"
		sed 's/^/    /' "$w/$set.out"
	fi
done
shared=$(dirname "$top")/shared/corpus/mail
if [ ! -f "$shared/INDEX.tsv" ]; then
	echo "skip jury/corpus (no ../shared/corpus/mail)"
	exit 0
fi
awk -F'\t' 'NR > 1 && $3 == "message" { print $1 }' "$shared/INDEX.tsv" |
	while read -r f; do [ -f "$shared/$f" ] && echo "$shared/$f"; done \
	>"$w/corpus.list"
jury corpus "$w/corpus.list"
grep '^miss ' "$w/corpus.out" | sed 's/^miss //; s/: .*//; s|.*/corpus/mail/||' |
	sort >"$w/missed"
grep -v '^#' tests/jury/KNOWN | sort >"$w/known"
new=$(comm -23 "$w/missed" "$w/known")
fixed=$(comm -13 "$w/missed" "$w/known")
summary=$(tail -1 "$w/corpus.out" | sed 's/^jury [^:]*: //')
if [ -n "$new" ]; then
	echo "FAIL jury/corpus ($summary)"
	for f in $new; do grep "/$f:" "$w/corpus.out" | sed 's/^/    /'; done
else
	echo "ok jury/corpus ($summary; $(wc -l <"$w/known") known open in tests/jury/KNOWN${fixed:+; fixed, remove from KNOWN: $fixed})"
fi
