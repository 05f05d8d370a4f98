#!/bin/sh
# tests/lint.sh - `make lint`: banned functions, layering, cppcheck.
# Prints each finding; exits 1 if there is any.
set -u
cd "$(dirname "$0")/.." || exit 1
bad=0
src=$(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]')

# STYLE.md section 3: banned calls.
hits=$(grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|strncpy|atoi|atol)[[:space:]]*\(' $src |
	grep -v 'snprintf\|vsnprintf' || true)
if [ -n "$hits" ]; then
	echo "banned functions (STYLE.md 3):"
	echo "$hits"
	bad=1
fi

# STYLE.md section 1: policy/ knows nothing of libmilter or libpcap.
hits=$(grep -nE '#include[[:space:]]*[<"](libmilter/mfapi\.h|pcap\.h|pcap/)' policy/*.c policy/*.h policy/cli/*.c 2>/dev/null || true)
if [ -n "$hits" ]; then
	echo "layering: policy/ must not include libmilter or libpcap:"
	echo "$hits"
	bad=1
fi
# The milter and the sensor never include each other.
hits=$(grep -nE '#include[[:space:]]*"\.\./(sensor|milter)/' milter/*.[ch] sensor/*.[ch] 2>/dev/null || true)
if [ -n "$hits" ]; then
	echo "layering: milter/ and sensor/ must not include each other:"
	echo "$hits"
	bad=1
fi

# Files past ~1,500 lines: split by concern.
big=$(echo "$src" | xargs wc -l 2>/dev/null | awk '$2 != "total" && $1 > 1500 {print "  " $2 " (" $1 ")"}')
if [ -n "$big" ]; then
	echo "files over 1500 lines:"
	echo "$big"
	bad=1
fi

if command -v cppcheck >/dev/null 2>&1; then
	out=$(cppcheck --quiet --enable=warning,portability --inline-suppr \
		--error-exitcode=1 -D_GNU_SOURCE -Ipolicy \
		--suppress=missingIncludeSystem policy milter sensor 2>&1)
	if [ $? -ne 0 ]; then
		echo "cppcheck:"
		echo "$out"
		bad=1
	fi
fi
[ "$bad" -eq 0 ] && echo "lint: clean"
exit "$bad"
