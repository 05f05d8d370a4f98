#!/usr/bin/python3
"""sensor_bench.py - msgsec-sensor reading a capture file, beside tcpdump
(the floor for reading the file) and ndpiReader (Debian libndpi-bin) in the
same run.  Called by tests/bench/sensor_bench.sh; prints figures, never
passes or fails.

The capture (cached as build/bench/sensor-bench.pcap, ~150 MB): the shared
nDPI corpus's Ethernet captures merged (mergecap, as its README says), then
REPLICAS copies of that, each with its own outer 802.1Q tag (100+k) and
shifted by k seconds, merged in time order: the same traffic as many
distinct flows side by side.  The tag is inserted here rather than with
`tcprewrite --enet-vlan=add`: tcprewrite 4.4.3 (Debian 12) keeps each
packet's captured length and so drops its last four bytes, and with
--enet-vlan-cfi/--enet-vlan-pri given it does add the four bytes but
rewrites the IP total length of padded minimum-size frames to take in the
Ethernet padding (6,255 of the corpus's 33,034 packets changed).

Each program reads the file 5 times, interleaved; the median wall time
gives M packets/s, and so does the median CPU time (user + system) with the
start-up taken off: the file holds only ~330,000 packets (the corpus
averages ~460 bytes a packet), so each program also reads an empty capture
to measure its start-up, and CPU time is steadier than wall time when the
machine is shared.  The sensor's peak RSS (/usr/bin/time %M) is shown
for the default sensor.max_flows and for a small flow table.
"""
import os
import shutil
import statistics
import struct
import subprocess
import sys
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.abspath(os.path.join(TOP, "..", "shared", "corpus",
    "ndpi-pcaps"))
O = os.environ.get("O", "build/bench")
CACHE = os.environ.get("SENSOR_BENCH_CACHE", os.path.join(TOP, "build",
    "bench"))
REPLICAS = int(os.environ.get("SENSOR_BENCH_REPLICAS", "10"))
ROUNDS = int(os.environ.get("SENSOR_BENCH_ROUNDS", "5"))


def read_pcap(path):
	with open(path, "rb") as f:
		data = f.read()
	magic, = struct.unpack("<I", data[:4])
	if magic != 0xa1b2c3d4:
		raise SystemExit("%s: expected a little-endian microsecond pcap" %
		    path)
	return data


def frames(data):
	"""(sec, usec, captured length, wire length, frame) of each record."""
	off = 24
	while off + 16 <= len(data):
		sec, usec, cap, wire = struct.unpack("<IIII", data[off:off + 16])
		yield sec, usec, cap, wire, data[off + 16:off + 16 + cap]
		off += 16 + cap


def tag_and_shift(data, vlan, shift, out):
	"""Write data (pcap) to out with an outer 802.1Q tag and ts + shift."""
	tag = struct.pack("!HH", 0x8100, vlan)
	w = [data[:24]]
	snap, = struct.unpack("<I", data[16:20])
	w[0] = data[:16] + struct.pack("<I", max(snap, 65535) + 4) + data[20:24]
	n = 0
	for sec, usec, cap, wire, frame in frames(data):
		if cap >= 12:
			frame = frame[:12] + tag + frame[12:]
			cap += 4
			wire += 4
		w.append(struct.pack("<IIII", sec + shift, usec, cap, wire))
		w.append(frame)
		n += 1
	with open(out, "wb") as f:
		f.write(b"".join(w))
	return n


def corpus_captures():
	"""The shared nDPI corpus's Ethernet captures, or [] where it is absent."""
	labels = os.path.join(CORPUS, "LABELS.tsv")
	if not os.path.exists(labels):
		return []
	names = []
	with open(labels) as f:
		for i, line in enumerate(f):
			c = line.rstrip("\n").split("\t")
			if i >= 2 and len(c) > 2 and c[2] == "ether":
				names.append(os.path.join(CORPUS, c[0]))
	return names


def own_captures():
	"""Without the corpus (a clone outside the workplace): the project's
	own pcap cases (tests/pcap/make_cases.py), the whole ones in pcap
	format on Ethernet, each in a VLAN of its own."""
	out = os.path.join(CACHE, "cases")
	subprocess.run([sys.executable, os.path.join(TOP, "tests", "pcap",
	    "make_cases.py"), out], check=True, stdout=subprocess.DEVNULL)
	names = []
	for n in sorted(os.listdir(out)):
		path = os.path.join(out, n)
		if n == "cut_short.pcap" or not n.endswith(".pcap"):
			continue
		with open(path, "rb") as f:
			head = f.read(24)
		if len(head) == 24 and head[:4] == b"\xd4\xc3\xb2\xa1" and \
		    struct.unpack("<I", head[20:24])[0] == 1:
			# Many cases share one address pair and ports: a VLAN of
			# its own per case keeps them apart, as the corpus's
			# captures are (same flow, same outer addresses).
			tagged = path[:-5] + ".vlan.pcap"
			tag_and_shift(read_pcap(path), 100 + len(names), 0, tagged)
			names.append(tagged)
	return names


def build_capture(replicas=None):
	replicas = REPLICAS if replicas is None else replicas
	final = os.path.join(CACHE, "sensor-bench.pcap" if replicas == REPLICAS
	    else "sensor-bench-r%d.pcap" % replicas)
	count = final + ".packets"
	if os.path.exists(final) and os.path.exists(count):
		with open(count) as f:
			return final, int(f.read())
	os.makedirs(CACHE, exist_ok=True)
	names = corpus_captures() or own_captures()
	base = os.path.join(CACHE, "sensor-bench-base.pcap")
	subprocess.run(["mergecap", "-F", "pcap", "-w", base] + names,
	    check=True)
	data = read_pcap(base)
	parts = []
	total = 0
	for k in range(replicas):
		p = os.path.join(CACHE, "sensor-bench-v%d.pcap" % (100 + k))
		total += tag_and_shift(data, 100 + k, k, p)
		parts.append(p)
	subprocess.run(["mergecap", "-F", "pcap", "-w", final + ".tmp"] + parts,
	    check=True)
	os.replace(final + ".tmp", final)
	for p in parts + [base]:
		os.unlink(p)
	with open(count, "w") as f:
		f.write("%d\n" % total)
	return final, total


def build_replay(out, replicas=1, gap_us=20):
	"""The capture above (replicas copies) made for a live replay
	(tcpreplay into a veth pair): every frame sent as captured (its wire
	length becomes its captured length, frames over 65,535 bytes are left
	out, frames under 60 bytes padded to 60) and the timestamps gap_us apart in file order, so that reading
	the file (-r) sees the flows a replay shows the sensor: none times
	out between two corpus captures that reuse an address pair.  Returns
	the number of frames."""
	src, _ = build_capture(replicas)
	data = read_pcap(src)
	t0 = 1793613600
	w = [data[:24]]
	n = 0
	for _, _, cap, _, frame in frames(data):
		if cap < 14 or cap > 65535:
			continue
		if cap < 60:	# padded as an Ethernet card sends it (the
			frame += bytes(60 - cap)	# kernel drops some runts)
			cap = 60
		us = n * gap_us
		w.append(struct.pack("<IIII", t0 + us // 1000000, us % 1000000, cap,
		    cap))
		w.append(frame)
		n += 1
	with open(out + ".tmp", "wb") as f:
		f.write(b"".join(w))
	os.replace(out + ".tmp", out)
	return n


def build_flood(n=200000):
	"""n concurrent TCP flows within a few seconds: a SYN, then 300 bytes of
	a ClientHello that never completes, so each flow holds a stream buffer
	until the end: the worst case for the flow table's memory."""
	path = os.path.join(CACHE, "sensor-bench-flood.pcap")
	if os.path.exists(path):
		return path, n
	os.makedirs(CACHE, exist_ok=True)
	hello = (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" +
	    bytes(range(256)) + b"\0" * 33)[:300]
	out = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
	eth = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00"
	t0 = 1793613600
	for i in range(n):
		src = struct.pack("!BBBB", 10, 64 + (i >> 16), (i >> 8) & 255, i & 255)
		dst = struct.pack("!BBBB", 198, 18, (i >> 8) & 255, i & 255)
		sport = 1024 + (i % 60000)
		for k, (flags, data) in enumerate(((0x02, b""), (0x18, hello))):
			tcp = struct.pack("!HHIIBBHHH", sport, 443, 1000 + k, 0, 0x50,
			    flags, 65535, 0, 0) + data
			ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), i & 65535,
			    0x4000, 64, 6, 0, src, dst)
			frame = eth + ip + tcp
			us = (i * 2 + k) * 10
			out.append(struct.pack("<IIII", t0 + us // 1000000, us % 1000000,
			    len(frame), len(frame)))
			out.append(frame)
	with open(path + ".tmp", "wb") as f:
		f.write(b"".join(out))
	os.replace(path + ".tmp", path)
	return path, n


def timed(cmd):
	"""(wall seconds, CPU seconds, peak RSS KiB, exit status) of one run.
	The RSS comes from /usr/bin/time when present: getrusage of a child
	forked straight from this Python would include Python's own high-water
	mark (Linux carries it across fork and exec).  The CPU time (user +
	system, from wait4, which counts the waited-for grandchild) is steadier
	than the wall time on a shared machine."""
	rssfile = None
	if os.access("/usr/bin/time", os.X_OK):
		rssfile = os.path.join(CACHE, "rss.txt")
		cmd = ["/usr/bin/time", "-f", "%M", "-o", rssfile] + cmd
	errfile = os.path.join(CACHE, "stderr.txt")
	with open(errfile, "wb") as err:
		t0 = time.monotonic()
		p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
		_, status, ru = os.wait4(p.pid, 0)
		t = time.monotonic() - t0
	p.returncode = os.waitstatus_to_exitcode(status)
	cpu = ru.ru_utime + ru.ru_stime
	rss = ru.ru_maxrss
	if rssfile:
		with open(rssfile) as f:
			rss = int(f.read().split()[-1])
	if p.returncode != 0:
		with open(errfile, "rb") as f:
			sys.stderr.write("%s exited %d: %s\n" % (cmd[0], p.returncode,
			    f.read().decode("utf-8", "replace")[-500:]))
	return t, cpu, rss, p.returncode


def warm(path):
	with open(path, "rb") as f:
		while f.read(1 << 20):
			pass


def main():
	if not os.path.isfile(os.path.join(CORPUS, "LABELS.tsv")):
		print("sensor bench: ../shared/corpus/ndpi-pcaps not present "
		    "(skipped)")
		return 0
	sensor = os.path.join(TOP, O, "msgsec-sensor")
	if not os.access(sensor, os.X_OK):
		print("sensor bench: %s not built (skipped)" % sensor)
		return 0
	if not shutil.which("mergecap"):
		print("sensor bench: mergecap not installed (skipped; "
		    "sh packaging/install-deps.sh bench)")
		return 0
	cap, npkts = build_capture()
	size = os.path.getsize(cap)
	conf = os.path.join(TOP, "rules", "msgsec.yaml")
	user = ["-u", "root"] if os.getuid() == 0 else []
	progs = [("tcpdump", ["tcpdump", "-r", cap, "-w", "/dev/null"])]
	if shutil.which("ndpiReader"):
		progs.append(("ndpiReader", ["ndpiReader", "-i", cap, "-q"]))
	progs.append(("msgsec-sensor", [sensor, "-c", conf, "-r", cap,
	    "--alerts", "/dev/null", "-q"] + user))
	warm(cap)
	empty = os.path.join(CACHE, "sensor-bench-empty.pcap")
	with open(cap, "rb") as f, open(empty, "wb") as g:
		g.write(f.read(24))
	start = {n: [] for n, _ in progs}
	for _ in range(ROUNDS):
		for name, cmd in progs:
			t, cpu, _, rc = timed([empty if a == cap else a for a in cmd])
			if rc == 0:
				start[name].append((t, cpu))
	runs = {n: [] for n, _ in progs}
	rss = {n: 0 for n, _ in progs}
	for _ in range(ROUNDS):
		for name, cmd in progs:
			if name == "tcpdump" and not shutil.which("tcpdump"):
				continue
			t, cpu, m, rc = timed(cmd)
			if rc == 0:
				runs[name].append((t, cpu))
				rss[name] = max(rss[name], m)
	print("sensor throughput: %s, %.0f MB, %d packets (%d nDPI corpus "
	    "copies, distinct VLAN tags), median of %d" % (os.path.relpath(cap,
	    TOP), size / 1e6, npkts, REPLICAS, ROUNDS))
	rate = {}
	print("  %-14s %22s %22s %9s %12s" % ("", "wall: M packets/s",
	    "CPU: M packets/s", "MB/s", "peak RSS"))
	for name, _ in progs:
		if not runs[name]:
			print("  %-14s failed" % name)
			continue
		wall = statistics.median(r[0] for r in runs[name])
		cpu = statistics.median(r[1] for r in runs[name])
		swall = statistics.median(r[0] for r in start[name]) \
		    if start[name] else 0.0
		scpu = statistics.median(r[1] for r in start[name]) \
		    if start[name] else 0.0
		rate[name] = npkts / wall / 1e6
		rate[name + "/cpu"] = npkts / (cpu - scpu) / 1e6 \
		    if cpu > scpu else float("nan")
		print("  %-14s %6.2f (start-up %3.0f ms) %6.2f (start-up %3.0f ms)"
		    " %9.0f %8d KiB  (wall s: %s)" % (name, rate[name], swall * 1e3,
		    rate[name + "/cpu"], scpu * 1e3, size / wall / 1e6, rss[name],
		    " ".join("%.3f" % r[0] for r in runs[name])))
	for suffix, what in (("", "wall time"),
	    ("/cpu", "CPU time, start-up taken off")):
		m = rate.get("msgsec-sensor" + suffix)
		if not m:
			continue
		parts = []
		if rate.get("ndpiReader" + suffix):
			r = m / rate["ndpiReader" + suffix]
			parts.append("%.1fx ndpiReader (target >= 4x: %s)" % (r,
			    "met" if r >= 4 else "NOT met"))
		if rate.get("tcpdump" + suffix):
			r = m / rate["tcpdump" + suffix]
			parts.append("%.2fx tcpdump (target >= 0.5x: %s)" % (r,
			    "met" if r >= 0.5 else "NOT met"))
		print("  msgsec-sensor, %s: %s" % (what, "; ".join(parts)))
	print("  (load average at the end: %s)" % " ".join("%.1f" % x for x in
	    os.getloadavg()))
	# memory against the flow-table bound
	flood, nflows = build_flood()
	print("sensor memory: peak RSS against sensor.max_flows (the capture "
	    "above; and %s: %d concurrent TCP flows, each holding 300 bytes of "
	    "an unfinished ClientHello)" % (os.path.relpath(flood, TOP), nflows))
	for flows in (262144, 65536, 16384, 4096):
		m1 = timed([sensor, "-c", conf, "-r", cap, "--alerts", "/dev/null",
		    "-q", "--set", "sensor.max_flows=%d" % flows] + user)[2]
		t, _, m2, rc = timed([sensor, "-c", conf, "-r", flood, "--alerts",
		    "/dev/null", "-q", "--set", "sensor.max_flows=%d" % flows] + user)
		print("  sensor.max_flows=%-7d peak RSS %7d KiB; flood %7d KiB "
		    "(%.2f s%s)" % (flows, m1, m2, t, "" if rc == 0 else
		    ", exit %d" % rc))
	return 0


if __name__ == "__main__":
	if len(sys.argv) == 4 and sys.argv[1] == "--replay-capture":
		print(build_replay(sys.argv[2], int(sys.argv[3])))
		sys.exit(0)
	sys.exit(main())
