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

# STYLE.md section 1: policy/ knows nothing of libmilter or libpcap (nor
# do the records store and the admin command); only pgstore/ sees libpq.
hits=$(grep -nE '#include[[:space:]]*[<"](libmilter/mfapi\.h|pcap\.h|pcap/)' policy/*.c policy/*.h pgstore/*.[ch] admin/*.c admin/*.h 2>/dev/null || true)
hits=$hits$(grep -nE '#include[[:space:]]*[<"](libpq-fe\.h|libpq/)' policy/*.[ch] milter/*.[ch] sensor/*.[ch] admin/*.[ch] 2>/dev/null || true)
if [ -n "$hits" ]; then
	echo "layering: policy/ must not include libmilter or libpcap, libpq only in pgstore/:"
	echo "$hits"
	bad=1
fi
# The sensor sees pgstore/ only for the alert log in the database
# (main.c, pgalert.h); pgpriv.h (libpq's types) stays inside pgstore/.
hits=$(grep -nE '#include[[:space:]]*"pg[a-z]*\.h"' sensor/*.[ch] 2>/dev/null |
	grep -v '^sensor/main\.c:[0-9]*:#include "pgalert\.h"' || true)
hits=$hits$(grep -nE '#include[[:space:]]*"pgpriv\.h"' policy/*.[ch] milter/*.[ch] sensor/*.[ch] admin/*.[ch] 2>/dev/null || true)
if [ -n "$hits" ]; then
	echo "layering: the sensor includes only pgalert.h (main.c), pgpriv.h only pgstore/:"
	echo "$hits"
	bad=1
fi
# Which layer sees which is the Makefile's include paths (INC_policy,
# INC_milter, ...): a header of another layer named bare fails to build.
# A quoted include is looked up first beside the file that has it, so a
# relative path ("../sensor/flow.h") would get past them: none in the
# product code.
hits=$(grep -nE '#include[[:space:]]*"[^"]*\.\./' policy/*.[ch] pgstore/*.[ch] milter/*.[ch] sensor/*.[ch] admin/*.[ch] 2>/dev/null || true)
if [ -n "$hits" ]; then
	echo "layering: no relative include past the include paths:"
	echo "$hits"
	bad=1
fi

# STYLE.md section 3: bytes from a peer are read only through the library's
# cursor (policy/cursor.h), which checks each read against the bytes left.
# Outside it: no integer assembled from indexed bytes by hand
# (p[0] | p[1] << 8, v << 8 | p[i], *p << 8), no local le16/be32/get_u32
# style helper (defined or called), no type-punned load through a
# uint16/32/64_t pointer; and milter/ and sensor/, which parse what comes
# from the network, keep no private reader or view struct ({ const byte
# *p; size_t len; ... }): a struct cursor, or the library's struct span for
# text.  policy/'s own readers of local files (YAML, JSON) are not held to
# the struct check.  Comment lines are not looked at.
#
# Allowed, each "file|text of the line" (not input bytes, or not ours to
# change here; remove an entry when its line goes):
reader_allow='policy/cidr.c|groups[n++] = (uint16_t)(v4[0] << 8 | v4[1]);
policy/cidr.c|groups[n++] = (uint16_t)(v4[2] << 8 | v4[3]);
policy/cidr.c|unsigned v = (unsigned)b[2 * g] << 8 | b[2 * g + 1];'
# cidr.c: the 16-bit groups of an address already parsed into our own
# 4- or 16-byte array.
rd_src=$(echo "$src" | sed 's|^\./||' | grep -E '^(policy|milter|sensor)/' |
	grep -vx 'policy/cursor\.h')
hits=$(awk -v allow="$reader_allow" '
BEGIN {
	nallow = split(allow, al, "\n")
	w = "(8|16|24|32|40|48|56)([^0-9]|$)"
	shift_idx = "\\][[:space:]]*<<[[:space:]]*" w
	shift_acc = "<<[[:space:]]*(8|16|24|32|40|48|56)[[:space:]]*\\|[[:space:]]*(\\([^()]*\\)[[:space:]]*)?[A-Za-z_][A-Za-z0-9_.>-]*[[:space:]]*\\["
	shift_deref = "(^|[=(|,]|return)[[:space:]]*(\\([^()]*\\)[[:space:]]*)?\\*[[:space:]]*(\\([^()]*\\)|[A-Za-z_][A-Za-z0-9_]*)[[:space:]]*<<[[:space:]]*" w
	helper = "(^|[^A-Za-z0-9_])((get|read|load|fetch|rd|peek)_?)?(u|le|be)(16|24|32|64)[[:space:]]*\\("
	conv = "(^|[^A-Za-z0-9_])((le|be)(16|32|64)toh|bswap_(16|32|64)|__builtin_bswap(16|32|64))[[:space:]]*\\("
	pun = "\\*[[:space:]]*\\([[:space:]]*(const[[:space:]]+)?u?int(16|32|64)_t[[:space:]]*\\*[[:space:]]*\\)"
}
function allowed(text,   i, f, t) {
	for (i = 1; i <= nallow; i++) {
		f = al[i]
		t = f
		sub(/\|.*/, "", f)
		sub(/^[^|]*\|/, "", t)
		if (FILENAME == f && index(text, t) > 0)
			return 1
	}
	return 0
}
function hit(what) {
	if (!allowed($0))
		printf "%s:%d: %s: %s\n", FILENAME, FNR, what, $0
}
FNR == 1 { prev = ""; inb = 0 }
{
	line = $0
	sub(/\/\/.*/, "", line)
	if (line ~ /^[[:space:]]*(\/\*|\*)/) {
		prev = ""
		next
	}
	# An expression may go on from the line before (a << at the start).
	both = prev " " line
	if (line ~ shift_idx || line ~ shift_acc || line ~ shift_deref ||
	    (both ~ shift_idx && prev !~ shift_idx) ||
	    (both ~ shift_acc && prev !~ shift_acc) ||
	    (both ~ shift_deref && prev !~ shift_deref))
		hit("integer assembled by hand")
	else if (line ~ helper || line ~ conv)
		hit("byte-order helper outside the cursor")
	else if (line ~ pun && line !~ /^[[:space:]]*\*[[:space:]]*\(/)
		hit("type-punned load")
	prev = line
}
FILENAME ~ /^(milter|sensor)\// {
	if (!inb && line ~ /^[[:space:]]*struct[[:space:]]+[A-Za-z_][A-Za-z0-9_]*[[:space:]]*\{[[:space:]]*$/) {
		inb = 1
		start = FNR
		head = $0
		nm = 0
		view = 0
		next
	}
	if (inb && line ~ /^[[:space:]]*\}/) {
		inb = 0
		if (view == 2 && nm <= 3)
			printf "%s:%d: private reader or view struct (use struct cursor or struct span): %s\n", FILENAME, start, head
		next
	}
	if (inb && line ~ /;/) {
		nm++
		if (nm == 1 && line ~ /^[[:space:]]*const[[:space:]]+(unsigned[[:space:]]+char|char|uint8_t|u_char|void)[[:space:]]*\*[[:space:]]*[A-Za-z_][A-Za-z0-9_]*[[:space:]]*;/)
			view = 1
		else if (nm == 2 && view == 1 && line ~ /^[[:space:]]*size_t[[:space:]]/)
			view = 2
	}
}
' $rd_src)
if [ -n "$hits" ]; then
	echo "input read outside policy/cursor.h (STYLE.md 3):"
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
		--suppress=missingIncludeSystem policy pgstore milter sensor admin 2>&1)
	if [ $? -ne 0 ]; then
		echo "cppcheck:"
		echo "$out"
		bad=1
	fi
fi
[ "$bad" -eq 0 ] && echo "lint: clean"
exit "$bad"
