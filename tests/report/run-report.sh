#!/bin/sh
# tests/report/run-report.sh - render `msgsec report` in headless Chromium
# (Debian's chromium, packaging/install-deps.sh test) and check the charts
# drew: tests/report/check_png.py reads the screenshot and looks for the
# per-day chart's clause colours stacked in columns and the top lists'
# bars below it.  Also: the page is self-contained (no external scripts,
# styles, fonts or images) and written atomically to a file; the whole
# page fits its screenshot, footer last (tests/report/check_fit.py); it
# has the mail-volume, scanner-health, releases and pending-exception
# sections; it prints.
# The PNG is kept as $O/test-logs/report.png for a look.
# Prints "ok NAME", "FAIL NAME" or "skip NAME why".
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
msgsec=$top/$O/msgsec
chromium=/usr/bin/chromium
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

w=$tmp/w
mkdir -p "$w"
cp -R rules "$w/rules"
cp -R tests/golden/report/exceptions tests/golden/report/quarantine "$w/"
/usr/bin/python3 tests/bench/gen_alerts.py 20000 "$w/alerts.json"
cat tests/golden/report/alerts.json >>"$w/alerts.json"
# One entry under legal hold: the report lists it with its case.
(cd "$w" && "$msgsec" quarantine hold 20261121T090000Z-4QxD4 --case AG-2026-041 \
	--by "Legal Counsel" -c rules/msgsec.yaml --set paths.quarantine=../quarantine \
	--now 2026-11-22T08:00:00Z) >"$tmp/hold" 2>&1 ||
	{ echo "FAIL report/hold: $(cat "$tmp/hold")"; }

(cd "$w" && "$msgsec" report --html "$w/report.html" -c rules/msgsec.yaml \
	--set paths.exceptions=../exceptions --set paths.quarantine=../quarantine \
	--alerts alerts.json --today 2026-11-22) >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ -s "$w/report.html" ]; then
	echo "ok report/writes-file"
else
	echo "FAIL report/writes-file: exit $rc"
	sed 's/^/    /' "$tmp/out"
	exit 0
fi
if ls "$w"/report.html.tmp* >/dev/null 2>&1; then
	echo "FAIL report/no-temporary-left"
else
	echo "ok report/no-temporary-left"
fi

# Self-contained: nothing fetched from anywhere.
if grep -Eiq '<script|<link|<img|<iframe|<object|@import|url\(|[[:space:]](src|href)=' \
	"$w/report.html"; then
	echo "FAIL report/self-contained"
	grep -Eion '<script|<link|<img|<iframe|<object|@import|url\(|[[:space:]](src|href)=' \
		"$w/report.html" | head -5 | sed 's/^/    /'
else
	echo "ok report/self-contained"
fi
# Untrusted log text appears only escaped (the golden test full.expect
# shows it escaped; here: never raw).
if grep -q '<script>alert\|"><img' "$w/report.html"; then
	echo "FAIL report/escaped"
else
	echo "ok report/escaped"
fi

if [ ! -x "$chromium" ]; then
	echo "skip report/chromium-render no $chromium (sh packaging/install-deps.sh test)"
	exit 0
fi
profile=$(mktemp -d)
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
	--no-first-run --disable-background-networking \
	--disable-component-update --disable-sync \
	--user-data-dir="$profile" --screenshot="$tmp/report.png" \
	--window-size=1280,2000 "file://$w/report.html" >"$tmp/chromium.log" 2>&1
rc=$?
rm -rf "$profile"
if [ "$rc" -ne 0 ] || [ ! -s "$tmp/report.png" ]; then
	echo "FAIL report/chromium-render: chromium exit $rc"
	tail -n 10 "$tmp/chromium.log" | sed 's/^/    /'
	exit 0
fi
mkdir -p "$O/test-logs"
cp "$tmp/report.png" "$O/test-logs/report.png"
if /usr/bin/python3 tests/report/check_png.py "$tmp/report.png" >"$tmp/check" 2>&1; then
	echo "ok report/chromium-render"
else
	echo "FAIL report/chromium-render"
	sed 's/^/    /' "$tmp/check"
fi
sed 's/^/    /' "$tmp/check"

# The whole page fits (issue 12): drawn on a window taller than the page,
# it ends with its footer on the background, well above the bottom edge;
# and it prints (A4, @page) without error.
profile=$(mktemp -d)
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
	--no-first-run --disable-background-networking \
	--disable-component-update --disable-sync \
	--user-data-dir="$profile" --screenshot="$tmp/full.png" \
	--window-size=1280,4000 "file://$w/report.html" >"$tmp/chromium.log" 2>&1
rc=$?
rm -rf "$profile"
if [ "$rc" -ne 0 ] || [ ! -s "$tmp/full.png" ]; then
	echo "FAIL report/page-fits: chromium exit $rc"
elif /usr/bin/python3 tests/report/check_fit.py "$tmp/full.png" >"$tmp/fit" 2>&1; then
	echo "ok report/page-fits"
	cp "$tmp/full.png" "$O/test-logs/report-full.png"
else
	echo "FAIL report/page-fits"
	sed 's/^/    /' "$tmp/fit"
fi
grep -q '<section class="panel" id="mail">' "$w/report.html" &&
	grep -q 'id="health"' "$w/report.html" &&
	grep -q 'id="releases"' "$w/report.html" &&
	grep -q 'id="pending"' "$w/report.html" &&
	grep -q 'msgsec quarantine show ID' "$w/report.html" &&
	grep -q '<table id="holds">' "$w/report.html" &&
	grep -q '<tr><td><code>20261121T090000Z-4QxD4</code></td><td>AG-2026-041</td>' \
		"$w/report.html" &&
	echo "ok report/sections" || echo "FAIL report/sections: a section is missing"
profile=$(mktemp -d)
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
	--no-first-run --disable-background-networking \
	--disable-component-update --disable-sync --no-pdf-header-footer \
	--user-data-dir="$profile" --print-to-pdf="$tmp/report.pdf" \
	"file://$w/report.html" >"$tmp/chromium.log" 2>&1
rc=$?
rm -rf "$profile"
pages=$(grep -ao '/Count [0-9]*' "$tmp/report.pdf" 2>/dev/null | head -n 1 | cut -d' ' -f2)
if [ "$rc" -eq 0 ] && [ -s "$tmp/report.pdf" ]; then
	echo "ok report/prints ($pages A4 pages)"
else
	echo "FAIL report/prints: chromium exit $rc"
fi
exit 0
