# tests/lib/check.sh - one check of a shell test suite.
#
#   . tests/lib/check.sh
#   check NAME COMMAND...   "ok NAME" when COMMAND succeeds, else "FAIL
#                           NAME", the last 20 lines of $tmp/out, and one
#                           more in $fails (end with: [ "$fails" -eq 0 ])

fails=0
check() {	# name condition...
	n=$1
	shift
	if "$@"; then
		echo "ok $n"
	else
		echo "FAIL $n"
		sed 's/^/    /' "$tmp/out" 2>/dev/null | tail -n 20
		fails=$((fails + 1))
	fi
}
