#!/bin/sh
# tests/golden/run-clauses.sh - one place names the policy's clauses
# (policy/clause.c), and the rules, the README, docs/rules.md, the alert
# summary and the report agree with it (issue 12):
#   clauses/rules      every shipped rule's clause and every built-in
#                      check's clause is in the table
#   clauses/readme     README's policy table lists exactly the table's
#                      clauses, each with its title
#   clauses/rules-md   docs/rules.md names the same clause numbers
#   clauses/report     the report's legend and footer use the titles
#   clauses/summary    `msgsec alerts summary` prints the titles
# The table is read from the report's footer, which prints all of it.
# Prints "ok NAME", "FAIL NAME" or "skip NAME why".
set -u
O=${O:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
msgsec=$top/$O/msgsec
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
	echo "skip clauses/* (python3-yaml not installed)"
	exit 0
fi
# One alert per clause number the loader accepts, and one it does not.
for c in 1.1 1.2 1.3 1.4 2 3.1 3.2 3.3 3.4 4 5 9.9; do
	printf '{"timestamp":"2026-11-20T08:00:00Z","event_type":"mail","rule":"r.%s","policy":"%s","action":"log"}\n' "$c" "$c"
done >"$tmp/log.json"
mkdir -p "$tmp/q" "$tmp/x"
"$msgsec" report --html "$tmp/r.html" -c rules/msgsec.yaml \
	--set "paths.quarantine=$tmp/q" --set "paths.exceptions=$tmp/x" \
	--today 2026-11-22 --alerts "$tmp/log.json" >"$tmp/err" 2>&1 ||
	{ echo "FAIL clauses/report: report failed"; sed 's/^/    /' "$tmp/err"; }
"$msgsec" alerts summary "$tmp/log.json" >"$tmp/sum.txt" 2>&1
"$msgsec" check --list-checks >"$tmp/checks.txt" 2>&1

/usr/bin/python3 - "$tmp" <<'PY'
import glob, html, re, sys, yaml
tmp = sys.argv[1]
page = open(tmp + "/r.html", encoding="utf-8").read()
foot = page[page.index("<footer>"):]
table = {}
for m in re.finditer(r'<span class="clause">([0-9.]+) ([^<]*)</span>', foot):
    table[m.group(1)] = html.unescape(m.group(2))
def report(name, why):
    print(("FAIL clauses/%s: %s" % (name, "; ".join(why))) if why else "ok clauses/" + name)
if not table:
    report("report", ["no clause table in the footer"])
    sys.exit(0)

why = []
for f in sorted(glob.glob("rules/policy/*.yaml")):
    doc = yaml.safe_load(open(f, encoding="utf-8")) or {}
    for r in doc.get("rules") or []:
        if str(r.get("policy")) not in table:
            why.append("%s: rule %s has clause %s" % (f, r.get("id"), r.get("policy")))
for line in open(tmp + "/checks.txt", encoding="utf-8"):
    parts = line.split()
    if len(parts) >= 3 and parts[2] not in table:
        why.append("check %s has clause %s" % (parts[0], parts[2]))
report("rules", why)

why = []
readme = open("README.md", encoding="utf-8").read()
sec = readme[readme.index("## The policy it enforces"):]
sec = sec[:sec.index("\n## ", 5)]
rows = {}
for m in re.finditer(r'^\| ([0-9.]+) \| ([^|]+) \|', sec, re.M):
    rows[m.group(1)] = m.group(2).strip()
if rows != table:
    why.append("README rows %r, table %r" % (rows, table))
report("readme", why)

why = []
md = open("docs/rules.md", encoding="utf-8").read()
m = re.search(r'^\| policy \| yes \| the clause: ([0-9. ]+) \|', md, re.M)
if not m or m.group(1).split() != list(table):
    why.append("docs/rules.md's policy row does not list %s" % " ".join(table))
report("rules-md", why)

why = []
legend = {m.group(1): html.unescape(m.group(2)) for m in re.finditer(
    r'<b>([0-9.]+)</b> ([^<]*?) <span class="muted">', page)}
for c, t in table.items():
    if legend.get(c) != t:
        why.append("legend %s is %r, table %r" % (c, legend.get(c), t))
if legend.get("9.9") != "Other":
    why.append("an unknown clause is not 'Other'")
report("report", why)

why = []
summ = open(tmp + "/sum.txt", encoding="utf-8").read()
for c, t in table.items():
    if not re.search(r'%%  %s  %s$' % (re.escape(c), re.escape(t)), summ, re.M):
        why.append("summary lacks '%s  %s'" % (c, t))
report("summary", why)
PY
