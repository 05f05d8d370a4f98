#!/usr/bin/python3
"""run_cases.py - run msgsec-sensor on every case of tests/pcap/cases.tsv
(captures already written by make_cases.py into $O/pcap-cases) and print
one "ok NAME" / "FAIL NAME" line per case, with the reasons and the
sensor's output under a failure.  The item syntax is described at the top
of cases.tsv.  Environment: O (build folder), PCAP_CASES (only these case
names, space-separated), PCAP_VERBOSE=1 (print every case's alerts).
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
O = os.environ.get("O", "build")
SENSOR = os.path.join(TOP, O, "msgsec-sensor")
CASEDIR = os.path.join(TOP, O, "pcap-cases")
CONF = os.path.join(TOP, "rules", "msgsec.yaml")
SANITIZER = re.compile(r"ERROR: (Address|Leak|Undefined)Sanitizer|"
    r"runtime error:|SUMMARY: \w+Sanitizer")


def load_cases():
	rows = []
	with open(os.path.join(TOP, "tests", "pcap", "cases.tsv")) as f:
		for n, line in enumerate(f, 1):
			if not line.strip() or line.startswith("#"):
				continue
			col = line.rstrip("\n").split("\t")
			if len(col) != 5:
				rows.append((("cases.tsv:%d" % n), None, None, None,
				    "expected 5 tab-separated columns, got %d" % len(col)))
				continue
			rows.append(tuple(col))
	return rows


def parse_item(item):
	"""RULE[=HOST][,key=value...][#N] -> (conds dict, count or None)"""
	count = None
	m = re.match(r"^(.*)#(\d+)$", item)
	if m:
		item, count = m.group(1), int(m.group(2))
	parts = item.split(",")
	conds = {}
	head = parts[0]
	if "=" in head:
		rule, host = head.split("=", 1)
		conds["rule"] = rule
		conds["hostname"] = host
	else:
		conds["rule"] = head
	for p in parts[1:]:
		m = re.match(r"^([\w.]+)(>=|<=|=)(.*)$", p)
		if m and m.group(2) != "=":
			conds[m.group(1)] = (m.group(2), int(m.group(3)))
		else:
			k, _, v = p.partition("=")
			conds[k] = v
	return conds, count


def value_matches(have, want):
	if isinstance(want, tuple):
		op, n = want
		if not isinstance(have, int) or isinstance(have, bool):
			return False
		return have >= n if op == ">=" else have <= n
	if want == "-":
		return have is None
	if have is None:
		return False
	if isinstance(have, bool):
		return want == ("true" if have else "false")
	if isinstance(have, list):
		return any(value_matches(h, want) for h in have)
	return str(have) == want


def alert_matches(a, conds):
	for k, v in conds.items():
		if not value_matches(lookup(a, k), v):
			return False
	return True


def lookup(obj, path):
	for k in path.split("."):
		if not isinstance(obj, dict) or k not in obj:
			return None
		obj = obj[k]
	return obj


def read_json_lines(text, what, problems):
	out = []
	for line in text.splitlines():
		if not line.strip():
			continue
		try:
			out.append(json.loads(line))
		except ValueError:
			problems.append("%s: not a JSON line: %r" % (what, line[:200]))
	return out


def run_case(name, pcap, args, expect, reject):
	problems = []
	if pcap.startswith("/"):
		path = pcap
	else:
		path = os.path.join(CASEDIR, pcap)
	with tempfile.TemporaryDirectory(prefix="msgsec-pcap-") as tmp:
		flowlog = os.path.join(tmp, "flows.json")
		quiet = "@noquiet" not in args.split()
		args = " ".join(a for a in args.split() if a != "@noquiet") or "-"
		cmd = [SENSOR, "-c", CONF, "-r", path, "--alerts", "-",
		    "--set", "sensor.flow_log=" + flowlog] + (["-q"] if quiet
		    else [])
		if os.getuid() == 0:
			cmd += ["-u", "root"]	# no msgsec user here (contract)
		if args != "-":
			cmd += shlex.split(args)
		try:
			p = subprocess.run(cmd, stdout=subprocess.PIPE,
			    stderr=subprocess.PIPE, timeout=60, cwd=TOP)
		except subprocess.TimeoutExpired:
			return ["timed out after 60 s"], "", ""
		out = p.stdout.decode("utf-8", "replace")
		err = p.stderr.decode("utf-8", "replace")
		flows = []
		if os.path.exists(flowlog):
			with open(flowlog, encoding="utf-8", errors="replace") as f:
				flows = read_json_lines(f.read(), "flow log", problems)
	alerts = read_json_lines(out, "alerts", problems)
	# flow records interleaved on stdout (flow_log "-") are not alerts
	flows += [a for a in alerts if a.get("event_type") == "flow"]
	alerts = [a for a in alerts if a.get("event_type") != "flow"]
	if SANITIZER.search(err):
		problems.append("sanitizer report on stderr")
	want_exit = "0"
	items = [] if expect == "-" else expect.split()
	for it in items:
		if it.startswith("exit="):
			want_exit = it[5:]
	if want_exit != "any" and str(p.returncode) != want_exit:
		problems.append("exit status %d, expected %s" % (p.returncode,
		    want_exit))
	if want_exit not in ("0", "any") and not err.strip():
		problems.append("exit %s without a message on stderr" % want_exit)
	for it in items:
		if it.startswith("exit="):
			continue
		if it.startswith("stderr~"):
			if it[7:].replace("_", " ").lower() not in err.lower():
				problems.append("stderr does not mention %r" %
				    it[7:].replace("_", " "))
			continue
		if it.startswith("alerts="):
			n = int(it[7:])
			if len(alerts) != n:
				problems.append("%d alerts, expected %d" % (len(alerts), n))
			continue
		if it.startswith("flow:"):
			k, _, v = it[5:].partition("=")
			if not any(value_matches(lookup(fl, k), v) for fl in flows):
				problems.append("no flow record with %s=%s" % (k, v))
			continue
		conds, count = parse_item(it)
		n = sum(1 for a in alerts if alert_matches(a, conds))
		if count is None and n == 0:
			problems.append("missing: %s" % it)
		elif count is not None and n != count:
			problems.append("%s: %d matching alerts, expected %d" % (it,
			    n, count))
	for it in ([] if reject == "-" else reject.split()):
		if it == "*":
			if alerts:
				problems.append("expected no alerts, got %d" % len(alerts))
			continue
		conds, _ = parse_item(it)
		bad = [a for a in alerts if alert_matches(a, conds)]
		if bad:
			problems.append("unexpected: %s (%d)" % (it, len(bad)))
	# the flow log: one record per flow, ids unique, and every alert's
	# flow_id names a logged flow with the same endpoints (a clean run
	# flushes every flow at the end)
	if p.returncode == 0:
		ids = [fl.get("flow_id") for fl in flows]
		if len(ids) != len(set(ids)):
			problems.append("flow log: %d records, %d distinct flow ids" %
			    (len(ids), len(set(ids))))
		byid = {fl.get("flow_id"): fl for fl in flows}
		for a in alerts:
			fl = byid.get(a.get("flow_id"))
			if fl is None:
				problems.append("alert flow_id %s not in the flow log: %s" %
				    (a.get("flow_id"), json.dumps(a)[:200]))
				break
			ends = [k for k in ("src_ip", "src_port", "dest_ip",
			    "dest_port", "proto") if fl.get(k) != a.get(k)]
			if ends:
				problems.append("alert and flow record %s differ in %s" %
				    (a.get("flow_id"), ",".join(ends)))
				break
	# every alert must carry the contract's fields
	for a in alerts:
		miss = [k for k in ("timestamp", "event_type", "flow_id", "src_ip",
		    "src_port", "dest_ip", "dest_port", "proto", "app_proto",
		    "rule", "policy", "category", "action", "bytes_toserver",
		    "bytes_toclient") if k not in a]
		if miss:
			problems.append("alert without %s: %s" % (",".join(miss),
			    json.dumps(a)[:200]))
			break
	return problems, out, err


def list_sections(name):
	"""{section title: [entries]} of a rules/lists file"""
	out = {}
	sec = None
	with open(os.path.join(TOP, "rules", "lists", name)) as f:
		for line in f:
			if line.startswith("# ---"):
				sec = line.strip("# -\n")
				out[sec] = []
				continue
			e = line.split("#", 1)[0].strip().lower()
			if e and sec:
				out[sec].append(e)
	return out


def families_covered(rows):
	"""Every section of the webmail, IM and DoH lists has an SNI case."""
	hosts = set()
	for r in rows:
		if r[1] and r[1].startswith("sni_"):
			hosts.add(r[1][4:].rsplit(".", 1)[0].lower())
	missing = []
	for lst in ("webmail_domains.txt", "im_domains.txt"):
		for sec, entries in list_sections(lst).items():
			if not any(h == e or h.endswith("." + e) for h in hosts
			    for e in entries):
				missing.append("%s: %s" % (lst, sec))
	return missing


def main():
	missing = families_covered(load_cases())
	if missing:
		print("FAIL pcap-list-families (no sni_ case for: %s)" %
		    "; ".join(missing))
	else:
		print("ok pcap-list-families")
	if not os.access(SENSOR, os.X_OK):
		print("skip pcap %s not built yet" % os.path.relpath(SENSOR, TOP))
		return 0
	only = os.environ.get("PCAP_CASES", "").split()
	verbose = os.environ.get("PCAP_VERBOSE") == "1"
	fails = 0
	for row in load_cases():
		name, pcap, args, expect, reject = row
		if pcap is None:
			print("FAIL %s (%s)" % (name, reject))
			fails += 1
			continue
		if only and name not in only:
			continue
		problems, out, err = run_case(name, pcap, args, expect, reject)
		if problems:
			fails += 1
			print("FAIL %s" % name)
			print("    capture: %s/%s   args: %s" % (os.path.join(O,
			    "pcap-cases"), pcap, args))
			for pr in problems:
				print("    " + pr)
			for line in out.splitlines()[:12]:
				print("    | " + line[:400])
			for line in err.splitlines()[:12]:
				print("    ! " + line[:400])
		else:
			print("ok %s" % name)
			if verbose:
				for line in out.splitlines():
					print("    | " + line[:400])
	return 0


if __name__ == "__main__":
	sys.exit(main())
