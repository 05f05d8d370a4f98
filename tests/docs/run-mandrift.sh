#!/bin/sh
# tests/docs/run-mandrift.sh - the manual pages in docs/man:
#   docs/man-warnings-PAGE  `man --warnings -l` prints nothing for PAGE
#   docs/settings-table     msgsec.yaml(5)'s key, field and check tables
#                           match msgsec check --list-* (make-yaml5.py
#                           --check)
#   docs/options-PROG[-CMD] the options of --help and of the page agree
#                           (tests/docs/mandrift.py)
#   docs/readme-snippets    README.md quotes every line of the Postfix and
#                           Sendmail snippets in packaging/
# Prints ok/FAIL/skip lines.
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
if ! command -v man >/dev/null 2>&1; then
	echo "skip docs/man-warnings (man-db not installed)"
else
	for p in docs/man/*.[158]; do
		n=$(basename "$p")
		w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null)
		if [ -z "$w" ]; then
			echo "ok docs/man-warnings-$n"
		else
			echo "FAIL docs/man-warnings-$n: $w"
		fi
	done
fi
out=$(/usr/bin/python3 docs/man/make-yaml5.py "$O/msgsec" --check 2>&1)
if [ $? -eq 0 ]; then
	echo "ok docs/settings-table"
else
	echo "FAIL docs/settings-table: $out"
fi
# The README quotes the MTA snippets: every line of them is there.
missing=$( {
	grep -v '^#' packaging/postfix-main.cf.snippet | grep .
	sed -n 's/^#\(smtpd_milters = .*\)/\1/p' packaging/postfix-main.cf.snippet
	grep -v '^dnl' packaging/sendmail-msgsec.mc
} | while IFS= read -r l; do
	grep -qxF "$l" README.md || echo "$l"
done)
if [ -z "$missing" ]; then
	echo "ok docs/readme-snippets"
else
	echo "FAIL docs/readme-snippets: not quoted in README.md: $missing"
fi
/usr/bin/python3 tests/docs/mandrift.py "$O"
exit 0
