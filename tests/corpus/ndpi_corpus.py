#!/usr/bin/python3
"""ndpi_corpus.py - msgsec-sensor against the shared nDPI capture corpus
(../shared/corpus/ndpi-pcaps: 126 captures from ntop/nDPI's test suite, with
nDPI's expected results in result/<pcap>.out, LABELS.tsv, and the tshark
oracle TSHARK_TRUTH.tsv).  Skips cleanly where the corpus is absent.

Each capture is run once:
  msgsec-sensor -c rules/msgsec.yaml -r PCAP --alerts A -q
      --set sensor.flow_log=F [-u root]
and held to four checks, one "ok"/"FAIL" line each:

  ndpi-run/<pcap>     exit 0, no sanitizer report, JSON lines only, every
                      alert with the contract's fields and naming a flow
                      of the flow log (same endpoints), one record per id.
  ndpi-recall/<pcap>  every flow that nDPI labels with a webmail or public
                      IM service (LABELS below) and that the sensor can see
                      is alerted, with the right category.  "Can see" means:
                        name     the flow carries a name on the wire (nDPI's
                                 Hostname/SNI on a TLS, QUIC, HTTP or DNS
                                 flow, and tshark saw that name in the
                                 capture) and the name is on our list for
                                 the category (webmail_domains / im_domains,
                                 label-boundary match);
                        address  the server address is in im_networks;
                        port     the server port is in im_ports;
                        signature  nDPI labels it with a service whose
                                 protocol bytes the sensor recognises
                                 (SIGNATURE_LABELS: Discord voice, IMO,
                                 OICQ, DingTalk);
                        stun     the flow's STUN/TURN named a calling
                                 service rule network.im.call alerts on
                                 (its flow record's stun.service).
                      Named flows whose name is NOT on our lists are
                      printed as "list gap?" for review (the lists leave
                      some names out on purpose, see their comment blocks);
                      they are not failures.  Flows nDPI knows only from
                      its own IP tables, caches, RTP heuristics or payload
                      statistics (SRTP, calls to Google's public STUN
                      servers, MTProto to unpublished ranges) are not
                      expected.  DNS alerts are deduplicated per client
                      and name, so a DNS flow counts as found when any
                      alert carries its client and name.
  ndpi-hardneg/<pcap> the hard negatives (LABELS.tsv category
                      hard-negative) raise no webmail or IM alert.
  ndpi-tshark/<pcap>  every TLS SNI, QUIC SNI, gQUIC SNI and DNS question
                      name the sensor reports in its flow log is one
                      tshark reports for that capture (TSHARK_TRUTH.tsv:
                      tls.sni, quic.sni, gquic.sni, dns.query /
                      dns.response_qname; also HTTP Host, http.host without
                      its port).

The log (stdout) ends with per-service recall (by nDPI label) and precision
(by the sensor's matched list entry), the tshark agreement figures, and
the per-capture IM figure ("IM captures: N of 38": an IM capture counts
when any network.im* alert is raised on it; ndpi-im-captures/<pcap> FAILs
a negative or hard negative with a webmail or IM alert).
"""
import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.abspath(os.path.join(TOP, "..", "shared", "corpus",
    "ndpi-pcaps"))
O = os.environ.get("O", "build")
SENSOR = os.path.join(TOP, O, "msgsec-sensor")
CONF = os.path.join(TOP, "rules", "msgsec.yaml")
SANITIZER = re.compile(r"ERROR: (Address|Leak|Undefined)Sanitizer|"
    r"runtime error:|SUMMARY: \w+Sanitizer")

# nDPI protocol names -> our category.  Both the dev names of the result
# files and Debian 4.2's names are listed.
LABELS = {
	# webmail (private e-mail through a web or app front end)
	"GMail": "webmail", "YandexMail": "webmail", "Outlook": "webmail",
	"Hotmail": "webmail", "YahooMail": "webmail", "Mail_ru": "webmail",
	# public instant messaging
	"WhatsApp": "im", "WhatsAppCall": "im", "WhatsAppFiles": "im",
	"Telegram": "im", "TelegramVoip": "im", "Signal": "im",
	"SignalVoip": "im", "Discord": "im", "Jabber": "im", "IRC": "im",
	"WeChat": "im", "Line": "im", "LineCall": "im", "Viber": "im",
	"ViberVoip": "im", "KakaoTalk": "im", "KakaoTalk_Voice": "im",
	"IMO": "im", "Threema": "im", "GoogleChat": "im",
	"FacebookMessenger": "im", "Messenger": "im", "FacebookVoip": "im",
	"Snapchat": "im", "SnapchatCall": "im", "Zalo": "im",
	"OICQ": "im", "DingTalk": "im",
	# Google's consumer calls (Duo, now Meet): network.im.call names them
	"GoogleCall": "im",
}
# Labels whose flows the sensor's IM signatures recognise without a name,
# address or port (sensor/im.c; rule network.im.protocol).
SIGNATURE_LABELS = {"Discord", "IMO", "OICQ", "DingTalk"}
# Labels that are messaging but not in scope, and why (the lists' comment
# blocks give the policy reasons).
EXCLUDED = {
	"Teams": "official channel (im_domains.txt)",
	"Skype_Teams": "official channel (im_domains.txt)",
	"Skype_TeamsCall": "official channel (im_domains.txt)",
	"SkypeCall": "official channel (im_domains.txt)",
	"Microsoft365": "official mail (webmail_domains.txt)",
	"QQ": "qq.com is Tencent's portal; QQ IM is seen as OICQ",
	"Slack": "enterprise collaboration (im_domains.txt)",
	"AppleiCloud": "iCloud web mail not separable by name",
}
REQUIRED = ("timestamp", "event_type", "flow_id", "src_ip", "src_port",
    "dest_ip", "dest_port", "proto", "app_proto", "rule", "policy",
    "category", "action", "bytes_toserver", "bytes_toclient")
NAME_FIELDS = ("tls.sni", "quic.sni", "gquic.sni", "dns", "http.host")
NAMED_MASTERS = {"TLS", "QUIC", "HTTP", "DNS", "HTTP_Proxy", "Jabber", "IRC"}

FLOW_RE = re.compile(r"^\t\d+\t(TCP|UDP) (\S+) (<->|->) (\S+) "
    r"(?:\[VLAN: \d+\])?\[proto: ([0-9.]+)/([^\]]+)\]")
# Messaging labels left out of recall that still make an alert right
# (weixin.qq.com and wx.qq.com are WeChat's, which nDPI labels QQ).
PRECISION_OK = {"QQ"}


def unescape(name):
	"""The sensor writes bytes outside [a-z0-9-_.] as \\DDD (dns.h)."""
	return re.sub(r"\\(\d{3})", lambda m: chr(int(m.group(1))), name)


def endpoint(s):
	m = re.match(r"^\[(.*)\]:(\d+)$", s) or re.match(r"^(.*):(\d+)$", s)
	a = m.group(1)
	for cand in (a, a.rstrip(":"), a.rstrip(":") + "::"):
		try:
			return (str(ipaddress.ip_address(cand)), int(m.group(2)))
		except ValueError:
			pass
	return (a, int(m.group(2)))


def norm_ip(s):
	try:
		a = ipaddress.ip_address(s)
		if a.version == 6 and a.ipv4_mapped:
			a = a.ipv4_mapped
		return str(a)
	except ValueError:
		return s


def load_list(name):
	out = []
	with open(os.path.join(TOP, "rules", "lists", name)) as f:
		for line in f:
			e = line.split("#", 1)[0].strip().lower()
			if e:
				out.append(e)
	return out


def domain_match(name, entries):
	name = name.lower().rstrip(".")
	for e in entries:
		if name == e or name.endswith("." + e):
			return e
	return None


def load_ports():
	out = []
	for e in load_list("im_ports.txt"):
		proto, _, rng = e.partition("/")
		lo, _, hi = rng.partition("-")
		out.append((proto.upper(), int(lo), int(hi or lo)))
	return out


class Lists:
	def __init__(self):
		self.webmail = load_list("webmail_domains.txt")
		self.im = load_list("im_domains.txt")
		self.nets = [ipaddress.ip_network(n) for n in
		    load_list("im_networks.txt")]
		self.ports = load_ports()

	def names(self, cat):
		return self.webmail if cat == "webmail" else self.im

	def addr(self, ip):
		a = ipaddress.ip_address(ip)
		return any(a in n for n in self.nets if n.version == a.version)

	def port(self, proto, port):
		return any(p == proto and lo <= port <= hi
		    for p, lo, hi in self.ports)


def load_labels():
	rows = []
	with open(os.path.join(CORPUS, "LABELS.tsv"), encoding="utf-8") as f:
		f.readline()
		head = f.readline().rstrip("\n").split("\t")
		for line in f:
			r = dict(zip(head, line.rstrip("\n").split("\t")))
			if r.get("pcap"):
				rows.append(r)
	return rows


def load_truth():
	truth = defaultdict(lambda: defaultdict(set))
	with open(os.path.join(CORPUS, "TSHARK_TRUTH.tsv"), encoding="utf-8",
	    errors="replace") as f:
		for line in f:
			if line.startswith("#") or line.startswith("pcap\t"):
				continue
			c = line.rstrip("\n").split("\t")
			if len(c) < 4:
				continue
			field = c[2]
			if field in ("dns.query", "dns.response_qname"):
				field = "dns"
			for v in c[3].split(","):
				v = v.strip().lower()
				if field == "http.host":	# the sensor drops the port
					v = re.sub(r":\d+$", "", v)
					if v.startswith("[") and v.endswith("]"):
						v = v[1:-1]
					if v in ("239.255.255.250", "ff02::c"):
						continue	# SSDP: HTTP over UDP multicast
				truth[c[0]][field].add(v.rstrip("."))
	return truth


def ndpi_flows(pcap):
	out = []
	path = os.path.join(CORPUS, "result", pcap + ".out")
	if not os.path.exists(path):
		return out
	with open(path, encoding="utf-8", errors="replace") as f:
		for line in f:
			m = FLOW_RE.match(line)
			if not m:
				continue
			host = re.search(r"\[Hostname/SNI: ([^\]]*)\]", line)
			out.append({
			    "proto": m.group(1), "cli": endpoint(m.group(2)),
			    "srv": endpoint(m.group(4)),
			    "labels": m.group(6).split("."),
			    "host": host.group(1).lower() if host else "",
			})
	return out


def run_sensor(pcap):
	with tempfile.TemporaryDirectory(prefix="msgsec-ndpi-") as tmp:
		alerts_f = os.path.join(tmp, "alerts.json")
		flows_f = os.path.join(tmp, "flows.json")
		cmd = [SENSOR, "-c", CONF, "-r", os.path.join(CORPUS, pcap),
		    "--alerts", alerts_f, "-q", "--set",
		    "sensor.flow_log=" + flows_f]
		if os.getuid() == 0:
			cmd += ["-u", "root"]
		try:
			p = subprocess.run(cmd, stdout=subprocess.PIPE,
			    stderr=subprocess.PIPE, timeout=120, cwd=TOP)
			rc, err = p.returncode, p.stderr.decode("utf-8", "replace")
		except subprocess.TimeoutExpired:
			rc, err = -1, "timed out after 120 s"
		res = {"rc": rc, "err": err, "alerts": [], "flows": [], "bad": []}
		for fname, key in ((alerts_f, "alerts"), (flows_f, "flows")):
			if not os.path.exists(fname):
				continue
			with open(fname, encoding="utf-8", errors="replace") as f:
				for line in f:
					if not line.strip():
						continue
					try:
						res[key].append(json.loads(line))
					except ValueError:
						res["bad"].append(line[:200])
	return res


def flow_key(proto, a, b):
	return (proto, frozenset([(norm_ip(a[0]), a[1]), (norm_ip(b[0]), b[1])]))


def alert_key(a):
	return flow_key(a.get("proto", ""), (a.get("src_ip", ""),
	    a.get("src_port", 0)), (a.get("dest_ip", ""), a.get("dest_port", 0)))


def sensor_names(flows):
	"""field -> set of names the sensor reports in its flow log"""
	out = defaultdict(set)
	for fl in flows:
		for field, path in (("tls.sni", ("tls", "sni")),
		    ("quic.sni", ("quic", "sni")), ("gquic.sni", ("gquic", "sni"))):
			v = fl.get(path[0], {})
			if isinstance(v, dict) and v.get(path[1]):
				out[field].add(unescape(v[path[1]]).lower().rstrip("."))
		h = fl.get("http", {})
		if isinstance(h, dict) and h.get("hostname"):
			out["http.host"].add(unescape(h["hostname"]).lower().rstrip("."))
		d = fl.get("dns", {})
		if isinstance(d, dict):
			for q in d.get("queries", []) or []:
				out["dns"].add(unescape(q).lower().rstrip("."))
	return out


# --- calls (STUN/TURN): kept apart from the rest for the merge

# Call flows (nDPI's WhatsAppCall, SignalVoip, FacebookVoip, TelegramVoip,
# GoogleCall, ViberVoip on STUN, Discord's voice discovery) are expected to
# alert (network.im.call) when their STUN carried a service signal the
# sensor read (its flow record names the service), although they carry no
# name, listed address or port.  Flows nDPI marks by its own caches or RTP
# heuristics (SRTP after the STUN, peers it learnt of elsewhere, Google's
# public STUN servers) carry no such signal and stay "not expected".
# Teams ("teams": the official channel, see EXCLUDED) and "meta" (Meta's
# shared relays) are named in the flow record but not alerted.


def call_visible(f, sflow):
	"""An IM flow whose STUN named a service the shipped rule alerts on."""
	if not any(LABELS.get(l) == "im" for l in f["labels"]):
		return False
	fl = sflow.get(flow_key(f["proto"], f["cli"], f["srv"]))
	st = (fl or {}).get("stun") or {}
	return st.get("service") not in (None, "", "teams", "meta")


def im_captures(labels, results):
	"""Per capture: an IM capture counts when any IM alert (a network.im*
	rule) was raised on it; negatives and hard negatives must have none
	(any network.im* or webmail alert).  Prints the figure, the misses and
	the negatives that alerted; returns the failures."""
	im, hit, miss, bad = 0, 0, [], []
	for r in labels:
		res = results.get(r["pcap"])
		if res is None:
			continue
		rules = [a.get("rule", "") for a in res["alerts"]
		    if a.get("event_type") != "flow"]
		any_im = any(x == "network.im" or x.startswith("network.im.")
		    for x in rules)
		cat = r.get("category", "")
		if cat == "im":
			im += 1
			if any_im:
				hit += 1
			else:
				miss.append(r["pcap"])
		elif cat in ("negative", "hard-negative") and (any_im or any(
		    x.startswith("network.webmail") for x in rules)):
			bad.append(r["pcap"])
	print("== IM captures: %d of %d (a capture counts when any "
	    "network.im* alert is raised on it)" % (hit, im))
	for m in miss:
		print("  missed: " + m)
	for b in bad:
		print("  negative with a webmail/IM alert: " + b)
	return bad


def main():
	if not os.path.isfile(os.path.join(CORPUS, "LABELS.tsv")):
		print("skip ndpi-corpus (../shared/corpus/ndpi-pcaps not present)")
		return 0
	if not os.access(SENSOR, os.X_OK):
		print("skip ndpi-corpus %s not built yet" % os.path.relpath(SENSOR,
		    TOP))
		return 0
	lists = Lists()
	labels = load_labels()
	truth = load_truth()
	pcaps = [r["pcap"] for r in labels]
	only = os.environ.get("NDPI_PCAPS", "").split()
	if only:
		pcaps = [p for p in pcaps if p in only]
	jobs = int(os.environ.get("NDPI_JOBS", "2"))
	with ThreadPoolExecutor(max_workers=jobs) as ex:
		results = dict(zip(pcaps, ex.map(run_sensor, pcaps)))
	cat_of = {r["pcap"]: r.get("category", "") for r in labels}

	recall = defaultdict(lambda: [0, 0])	# label -> [found, expected]
	prec = defaultdict(lambda: [0, 0])	# service -> [tp, alerts]
	agree = defaultdict(lambda: [0, 0, 0, 0])	# field -> [sensor, in tshark,
						#   tshark, tshark also in sensor]
	gaps, fps, excluded = [], [], defaultdict(int)
	unfound = []	# (pcap, field, name) tshark saw and the sensor did not
	invisible = defaultdict(int)
	signature_only = []	# IM flows the sensor recognised by protocol only

	for pcap in pcaps:
		res = results[pcap]
		alerts = [a for a in res["alerts"] if a.get("event_type") != "flow"]
		flows = res["flows"] + [a for a in res["alerts"]
		    if a.get("event_type") == "flow"]
		# --- run
		why = []
		if res["rc"] != 0:
			why.append("exit %d" % res["rc"])
		if SANITIZER.search(res["err"]):
			why.append("sanitizer report")
		if res["bad"]:
			why.append("non-JSON output: %r" % res["bad"][0])
		ids = [fl.get("flow_id") for fl in flows]
		if len(ids) != len(set(ids)):
			why.append("flow log: %d records, %d flow ids" % (len(ids),
			    len(set(ids))))
		byid = {fl.get("flow_id"): fl for fl in flows}
		for a in alerts:
			miss = [k for k in REQUIRED if k not in a]
			if miss:
				why.append("alert without %s" % ",".join(miss))
				break
			fl = byid.get(a["flow_id"])
			if fl is None or any(fl.get(k) != a.get(k) for k in
			    ("src_ip", "src_port", "dest_ip", "dest_port", "proto")):
				why.append("alert flow %s not in the flow log with the "
				    "same endpoints" % a["flow_id"])
				break
		if why:
			print("FAIL ndpi-run/%s (%s)" % (pcap, "; ".join(why)))
			for line in res["err"].splitlines()[:15]:
				print("    ! " + line[:300])
			continue
		print("ok ndpi-run/%s" % pcap)

		by_flow = defaultdict(list)
		for a in alerts:
			by_flow[alert_key(a)].append(a)
		wire = set()
		for field in ("tls.sni", "quic.sni", "gquic.sni", "dns", "http.host"):
			wire |= {n.split(":")[0] for n in truth[pcap].get(field, ())}
		nflows = ndpi_flows(pcap)
		ndpi_by_key = {flow_key(f["proto"], f["cli"], f["srv"]): f
		    for f in nflows}

		sflow = {flow_key(fl.get("proto", ""), (fl.get("src_ip", ""),
		    fl.get("src_port", 0)), (fl.get("dest_ip", ""),
		    fl.get("dest_port", 0))): fl for fl in flows}
		# --- recall
		missed = []
		expected = 0
		for f in nflows:
			mine = [l for l in f["labels"] if l in LABELS]
			for l in f["labels"]:
				if l in EXCLUDED:
					excluded[l] += 1
			if not mine:
				continue
			label = mine[-1]
			cat = LABELS[label]
			master = f["labels"][0]
			how = None
			if (f["host"] and master in NAMED_MASTERS and
			    f["host"] in wire):
				if domain_match(f["host"], lists.names(cat)):
					how = "name"
				elif domain_match(f["host"], lists.webmail + lists.im):
					how = "name"	# listed under the other category
				else:
					gaps.append((pcap, label, f["host"]))
			if how is None and lists.addr(f["srv"][0]):
				how = "address"
			if how is None and lists.port(f["proto"], f["srv"][1]):
				how = "port"
			if how is None and label in SIGNATURE_LABELS:
				how = "signature"
			if how is None and call_visible(f, sflow):
				how = "stun"
			if how is None:
				invisible[label] += 1
				fl = sflow.get(flow_key(f["proto"], f["cli"], f["srv"]))
				if fl and fl.get("app_proto") in ("xmpp", "irc", "mqtt",
				    "whatsapp", "dingtalk", "discord", "oicq", "imo"):
					signature_only.append((pcap, label, fl["app_proto"],
					    "%s:%d" % f["srv"], bool(by_flow.get(flow_key(
					    f["proto"], f["cli"], f["srv"])))))
				continue
			expected += 1
			recall[label][1] += 1
			got = by_flow.get(flow_key(f["proto"], f["cli"], f["srv"]), [])
			if not got and master == "DNS" and f["host"]:
				got = [a for a in alerts if a.get("hostname", "").lower()
				    == f["host"] and norm_ip(a.get("src_ip", "")) in
				    (norm_ip(f["cli"][0]), norm_ip(f["srv"][0]))]
			ok = [a for a in got if a.get("category") in ("webmail", "im")]
			if ok:
				recall[label][0] += 1
			else:
				missed.append("%s %s %s:%d -> %s:%d by %s%s" % (label,
				    f["proto"], f["cli"][0], f["cli"][1], f["srv"][0],
				    f["srv"][1], how, (" (" + f["host"] + ")")
				    if f["host"] else ""))
		if expected:
			if missed:
				print("FAIL ndpi-recall/%s (%d of %d flows missed)" % (pcap,
				    len(missed), expected))
				for m in missed[:20]:
					print("    missed: " + m)
			else:
				print("ok ndpi-recall/%s (%d flows)" % (pcap, expected))

		# --- precision (by the sensor's service), false positives
		for a in alerts:
			cat = a.get("category")
			if cat not in ("webmail", "im"):
				continue
			svc = a.get("service", "?")
			prec[svc][1] += 1
			f = ndpi_by_key.get(alert_key(a))
			if f is None and a.get("app_proto") == "dns":
				f = next((x for x in nflows if x["host"] ==
				    a.get("hostname", "").lower()), None)
			if f and any(LABELS.get(l) or l in PRECISION_OK
			    for l in f["labels"]):
				prec[svc][0] += 1
			else:
				fps.append((pcap, a.get("rule"), svc,
				    a.get("hostname", ""), ".".join(f["labels"])
				    if f else "no nDPI flow", "%s:%s -> %s:%s" % (
				    a.get("src_ip"), a.get("src_port"), a.get("dest_ip"),
				    a.get("dest_port"))))

		# --- hard negatives
		if cat_of.get(pcap) == "hard-negative":
			bad = [a for a in alerts if a.get("category") in
			    ("webmail", "im")]
			if bad:
				print("FAIL ndpi-hardneg/%s (%d alerts)" % (pcap, len(bad)))
				for a in bad[:10]:
					print("    " + json.dumps(a)[:300])
			else:
				print("ok ndpi-hardneg/%s" % pcap)

		# --- tshark agreement
		mine = sensor_names(flows)
		disagree = []
		for field in NAME_FIELDS:
			ts = truth[pcap].get(field, set())
			agree[field][0] += len(mine[field])
			agree[field][1] += len(mine[field] & ts)
			agree[field][2] += len(ts)
			agree[field][3] += len(ts & mine[field])
			for n in sorted(ts - mine[field]):
				unfound.append((pcap, field, n))
			for n in sorted(mine[field] - ts):
				disagree.append("%s %r not in tshark's %s" % (field, n,
				    sorted(ts)[:6]))
		if any(mine.values()) or any(truth[pcap].get(f) for f in
		    NAME_FIELDS):
			if disagree:
				print("FAIL ndpi-tshark/%s" % pcap)
				for d in disagree[:10]:
					print("    " + d)
			else:
				print("ok ndpi-tshark/%s" % pcap)

	# --- figures
	print()
	print("== recall per nDPI service (flows the sensor can see)")
	for label in sorted(recall):
		fnd, exp = recall[label]
		print("  %-18s %-8s %4d/%-4d %5.1f%%" % (label, LABELS[label], fnd,
		    exp, 100.0 * fnd / exp if exp else 0))
	tf = sum(v[0] for v in recall.values())
	te = sum(v[1] for v in recall.values())
	print("  %-18s %-8s %4d/%-4d %5.1f%%" % ("ALL", "", tf, te,
	    100.0 * tf / te if te else 0))
	print("== not expected (no name, address or port the sensor could "
	    "match), flows per label")
	print("  " + ", ".join("%s:%d" % kv for kv in sorted(invisible.items())))
	print("== of those, recognised by the sensor's IM signatures (app_proto; "
	    "rule network.im.protocol covers all but xmpp and mqtt)")
	for x in signature_only:
		print("  %s: %s seen as %s to %s, alerted: %s" % x)
	print("== out of scope on purpose, flows per label")
	print("  " + ", ".join("%s:%d (%s)" % (k, v, EXCLUDED[k]) for k, v in
	    sorted(excluded.items())))
	print("== precision per sensor service (alerts on flows nDPI labels "
	    "webmail/IM)")
	for svc in sorted(prec):
		tp, n = prec[svc]
		print("  %-28s %4d/%-4d %5.1f%%" % (svc, tp, n, 100.0 * tp / n))
	tp = sum(v[0] for v in prec.values())
	n = sum(v[1] for v in prec.values())
	print("  %-28s %4d/%-4d %5.1f%%" % ("ALL", tp, n,
	    100.0 * tp / n if n else 0))
	print("== alerts on flows nDPI does not label webmail/IM (review)")
	for fp in fps:
		print("  %s: %s %s %s [nDPI %s] %s" % fp)
	print("== named webmail/IM flows whose name is not on our lists "
	    "(list gap?)")
	for g in sorted(set(gaps)):
		print("  %s: %s %s" % g)
	print("== tshark agreement (names the sensor reports / also in "
	    "tshark; tshark's names / also found by the sensor)")
	for field in NAME_FIELDS:
		s, si, t, ts = agree[field]
		print("  %-10s sensor %4d, in tshark %4d (%5.1f%%); tshark %4d, "
		    "found %4d (%5.1f%%)" % (field, s, si, 100.0 * si / s if s
		    else 100, t, ts, 100.0 * ts / t if t else 100))
	print("== names tshark reports that the sensor's flow log does not")
	for u in unfound:
		print("  %s: %s %s" % u)
	for b in im_captures(labels, results):
		print("FAIL ndpi-im-captures/%s (negative with an alert)" % b)
	return 0


if __name__ == "__main__":
	sys.exit(main())
