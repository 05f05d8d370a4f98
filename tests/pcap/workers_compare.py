#!/usr/bin/python3
"""workers_compare.py REF RUN [RUN...] - compare msgsec-sensor runs on one
capture (tests/pcap/run-workers.sh).  Each argument is ALERTS:FLOWS, two
JSON-lines files of one run; REF is the `-r` run on the file.

Flows are keyed by their 5-tuple (proto, client, server); alerts by the
5-tuple and the rule.  Every RUN must give the same set of flow keys and
the same set of alert keys as REF, and every RUN after the first the same
number of flow records per key, with the same packet counts, as the first
RUN (the 1-worker live capture): a flow split between two workers would
show as two records of one key, or as its packets shared between two
keys when the halves were oriented differently.  Prints what differs and
exits 1 on a difference."""
import collections
import json
import sys


def key(r):
	return (r.get("proto"), r.get("src_ip"), r.get("src_port"),
	    r.get("dest_ip"), r.get("dest_port"))


def load(spec):
	alerts_path, flows_path = spec.split(":")
	alerts, flows = set(), collections.defaultdict(list)
	with open(alerts_path) as f:
		for line in f:
			r = json.loads(line)
			if "src_ip" in r:
				alerts.add(key(r) + (r.get("rule"),))
	with open(flows_path) as f:
		for line in f:
			r = json.loads(line)
			if r.get("event_type") == "flow":
				flows[key(r)].append(r.get("pkts_toserver", 0) +
				    r.get("pkts_toclient", 0))
	return alerts, flows


def show(what, items, limit=5):
	items = sorted(items, key=repr)
	print("  %s: %d%s" % (what, len(items), "" if not items else
	    ", e.g. " + "; ".join(repr(i) for i in items[:limit])))


def main():
	ref_alerts, ref_flows = load(sys.argv[1])
	runs = [load(a) for a in sys.argv[2:]]
	bad = False
	for i, (alerts, flows) in enumerate(runs):
		name = "run %d (%s)" % (i + 1, sys.argv[2 + i])
		if alerts != ref_alerts or set(flows) != set(ref_flows):
			bad = True
			print("%s differs from -r:" % name)
			show("alerts only in -r", ref_alerts - alerts)
			show("alerts only live", alerts - ref_alerts)
			show("flows only in -r", set(ref_flows) - set(flows))
			show("flows only live", set(flows) - set(ref_flows))
		if i == 0:
			continue
		first = runs[0][1]
		diff = [k for k in set(first) | set(flows)
		    if sorted(first.get(k, [])) != sorted(flows.get(k, []))]
		if diff:
			bad = True
			print("%s differs from the first live run (records and "
			    "packets per flow):" % name)
			for k in sorted(diff, key=repr)[:5]:
				print("  %r: %r against %r" % (k, flows.get(k),
				    first.get(k)))
	print("compared %d flow keys, %d alert keys, %d runs" % (len(ref_flows),
	    len(ref_alerts), len(runs)))
	return 1 if bad else 0


if __name__ == "__main__":
	sys.exit(main())
