#!/usr/bin/python3
"""stun_tshark.py - tshark as the oracle for what the sensor reads of
STUN: on every generated stun_*.pcap capture ($O/pcap-cases, written by
run-pcap.sh), each flow record's stun.realm and stun.software must be a
value tshark decodes on that flow (stun.att.realm, stun.att.software),
and each flow's stun.messages at most the STUN messages tshark counts on
it (the sensor stops reading once the service is known).  One line:
"ok pcap-stun-tshark (N flows, M fields)" or FAIL with the differences;
skip without tshark.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
O = os.environ.get("O", "build")
SENSOR = os.path.join(TOP, O, "msgsec-sensor")
CASES = os.path.join(TOP, O, "pcap-cases")
CONF = os.path.join(TOP, "rules", "msgsec.yaml")


def unescape(s):
	"""The sensor writes bytes outside [a-z0-9-_.] as \\DDD (hostname.h)."""
	return re.sub(r"\\(\d{3})", lambda m: chr(int(m.group(1))), s)


def key(proto, a, ap, b, bp):
	return (proto, frozenset([(a, int(ap)), (b, int(bp))]))


def tshark_flows(pcap):
	out = {}
	cmd = ["tshark", "-r", pcap, "-d",
	    "udp.port==1400,stun", "-d", "udp.port==40003,stun", "-d",
	    "udp.port==60642,stun", "-d", "tcp.port==443,stun", "-Y",
	    "stun or classicstun", "-T", "fields", "-e",
	    "ip.src", "-e", "ipv6.src", "-e", "ip.dst", "-e", "ipv6.dst",
	    "-e", "udp.srcport", "-e", "udp.dstport", "-e", "tcp.srcport",
	    "-e", "tcp.dstport", "-e", "stun.att.realm", "-e",
	    "stun.att.software", "-E", "separator=\t"]
	p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
	    timeout=60)
	for line in p.stdout.decode("utf-8", "replace").splitlines():
		c = line.split("\t")
		if len(c) < 10:
			continue
		src, dst = c[0] or c[1], c[2] or c[3]
		if c[4]:
			k = key("UDP", src, c[4], dst, c[5])
		else:
			k = key("TCP", src, c[6], dst, c[7])
		f = out.setdefault(k, {"n": 0, "realm": set(), "software": set()})
		f["n"] += 1
		for field, col in (("realm", 8), ("software", 9)):
			for v in c[col].split(","):
				if v:
					f[field].add(v.lower())
	return out


def main():
	if shutil.which("tshark") is None:
		print("skip pcap-stun-tshark (no tshark)")
		return 0
	pcaps = sorted(glob.glob(os.path.join(CASES, "stun_*.pcap")))
	if not pcaps or not os.access(SENSOR, os.X_OK):
		print("skip pcap-stun-tshark (captures or sensor not built)")
		return 0
	bad, nflows, nfields = [], 0, 0
	for pcap in pcaps:
		with tempfile.TemporaryDirectory(prefix="msgsec-stun-") as tmp:
			fl = os.path.join(tmp, "flows.json")
			cmd = [SENSOR, "-c", CONF, "-r", pcap, "--alerts", "/dev/null",
			    "-q", "--set", "sensor.flow_log=" + fl]
			if os.getuid() == 0:
				cmd += ["-u", "root"]
			subprocess.run(cmd, cwd=TOP, timeout=60, stdout=subprocess.PIPE,
			    stderr=subprocess.PIPE)
			recs = [json.loads(l) for l in open(fl) if l.strip()] if \
			    os.path.exists(fl) else []
		ts = tshark_flows(pcap)
		for r in recs:
			st = r.get("stun")
			if not st:
				continue
			nflows += 1
			k = key(r["proto"], r["src_ip"], r["src_port"], r["dest_ip"],
			    r["dest_port"])
			t = ts.get(k)
			name = os.path.basename(pcap)
			if t is None:
				if not st.get("ip_discovery"):
					bad.append("%s: tshark sees no STUN on %s:%s" % (name,
					    r["dest_ip"], r["dest_port"]))
				continue
			if st.get("messages", 0) > t["n"]:
				bad.append("%s: %d messages, tshark %d" % (name,
				    st["messages"], t["n"]))
			for field in ("realm", "software"):
				if field in st:
					nfields += 1
					v = unescape(st[field])
					if v not in t[field]:
						bad.append("%s: %s %r not in tshark's %r" % (name,
						    field, v, sorted(t[field])))
	if bad:
		print("FAIL pcap-stun-tshark")
		for b in bad[:20]:
			print("    " + b)
		return 1
	print("ok pcap-stun-tshark (%d flows, %d fields)" % (nflows, nfields))
	return 0


if __name__ == "__main__":
	sys.exit(main())
