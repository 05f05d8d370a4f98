#!/usr/bin/python3
"""make_cases.py OUTDIR - write the sensor's end-to-end pcap cases.

Every capture named in tests/pcap/cases.tsv is built here, deterministically
(fixed timestamps, addresses, ports, sequence numbers and random seeds), so
the same checkout always writes the same bytes.  Packets are built with
scapy (or by hand where the test needs bytes scapy would "fix"); files are
written by the small pcap / pcapng writer below, which also lets a case set
the link type and cut packets at a snap length.

Captures are found by name:
  sni_<host>.pcap      a TLS ClientHello with that SNI (one TCP flow)
  quic_<host>.pcap     a QUIC v1 Initial with that SNI
  http_<host>.pcap     an HTTP/1.1 GET with that Host
  dns_<host>.pcap      a DNS query over UDP for that name
  anything else        a builder function below (CASES)

Run with /usr/bin/python3 (Debian's scapy and cryptography live there).
"""
import calendar
import os
import random
import struct
import sys

from scapy.all import (GRE, IP, TCP, UDP, VXLAN, CookedLinux, Dot1AD, Dot1Q,
                       Ether, IPOption_NOP, IPOption_RR, IPv6,
                       IPv6ExtHdrFragment, Raw, fragment, fragment6)
from scapy.all import conf as scapy_conf
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from cryptography.hazmat.primitives import hmac

scapy_conf.verb = 0
HERE = os.path.dirname(os.path.abspath(__file__))

# 2026-11-02T10:00:00Z: inside EX-2026-0001's validity window, so the
# exception is in force whether the sensor uses capture or wall time.
T0 = calendar.timegm((2026, 11, 2, 10, 0, 0, 0, 0, 0))

CLIENT = "10.10.0.5"
CLIENT6 = "fd00:10::5"
SERVER = "198.18.0.10"
SERVER6 = "fd00:99::10"

LINK_NULL, LINK_EN10MB, LINK_RAW, LINK_LOOP = 0, 1, 101, 108
LINK_SLL, LINK_SLL2 = 113, 276


# ---------------------------------------------------------------- writers

class Capture:
	"""Frames with timestamps; written as pcap (or pcapng) at the end."""

	def __init__(self, link=LINK_EN10MB, snaplen=65535):
		self.link = link
		self.snaplen = snaplen
		self.frames = []	# (ts float, bytes, wirelen)
		self.t = T0

	def add(self, frame, dt=0.001, caplen=None):
		data = bytes(frame)
		wire = len(data)
		if caplen is not None:
			data = data[:caplen]
		data = data[:self.snaplen]
		self.frames.append((self.t, data, wire))
		self.t += dt

	def write_pcap(self, path, nsec=False, endian="<"):
		with open(path, "wb") as f:
			f.write(struct.pack(endian + "IHHiIII", 0xa1b23c4d if nsec
			    else 0xa1b2c3d4, 2, 4, 0, 0, self.snaplen, self.link))
			for ts, data, wire in self.frames:
				sec = int(ts)
				frac = int(round((ts - sec) * 1e6)) * (1000 if nsec else 1)
				f.write(struct.pack(endian + "IIII", sec, frac, len(data),
				    wire))
				f.write(data)

	def write_pcapng(self, path):
		def block(btype, body):
			pad = (-len(body)) % 4
			n = 12 + len(body) + pad
			return (struct.pack("<II", btype, n) + body + b"\0" * pad +
			    struct.pack("<I", n))
		with open(path, "wb") as f:
			f.write(block(0x0a0d0d0a, struct.pack("<IHHq", 0x1a2b3c4d,
			    1, 0, -1)))
			f.write(block(1, struct.pack("<HHI", self.link, 0,
			    self.snaplen)))
			for ts, data, wire in self.frames:
				us = int(round(ts * 1e6))
				f.write(block(6, struct.pack("<IIIII", 0, us >> 32,
				    us & 0xffffffff, len(data), wire) + data +
				    b"\0" * ((-len(data)) % 4)))


def eth(ip):
	et = 0x86dd if isinstance(ip, IPv6) else 0x0800
	return Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02",
	    type=et) / ip


def ipl(src, dst, **kw):
	if ":" in src:
		return IPv6(src=src, dst=dst, hlim=64)
	return IP(src=src, dst=dst, ttl=64, id=kw.get("id", 1), flags="DF"
	    if kw.get("df", True) else 0)


# ---------------------------------------------------------------- TCP

class Tcp:
	"""One TCP connection; packets go to cap through wrap()."""

	def __init__(self, cap, cli=CLIENT, srv=SERVER, sport=40000, dport=443,
	    wrap=eth):
		self.cap, self.cli, self.srv = cap, cli, srv
		self.sport, self.dport, self.wrap = sport, dport, wrap
		self.cseq = 1000000 + sport * 7
		self.sseq = 3000000 + dport * 11
		self.ipid = 1

	def pkt(self, from_client, flags, seq, ack, data=b""):
		if from_client:
			ip = ipl(self.cli, self.srv, id=self.ipid)
			t = TCP(sport=self.sport, dport=self.dport, flags=flags,
			    seq=seq, ack=ack, window=64240)
		else:
			ip = ipl(self.srv, self.cli, id=self.ipid)
			t = TCP(sport=self.dport, dport=self.sport, flags=flags,
			    seq=seq, ack=ack, window=64240)
		self.ipid += 1
		p = ip / t
		if data:
			p = p / Raw(data)
		return p

	def emit(self, p, dt=0.001):
		self.cap.add(self.wrap(p), dt)

	def open(self):
		self.emit(self.pkt(True, "S", self.cseq, 0))
		self.emit(self.pkt(False, "SA", self.sseq, self.cseq + 1))
		self.cseq += 1
		self.sseq += 1
		self.emit(self.pkt(True, "A", self.cseq, self.sseq))

	def segments(self, data, sizes=None, from_client=True, mss=1460):
		"""Cut data into segments (sizes, then mss); return packets
		without emitting them and advance the sequence number."""
		out = []
		off = 0
		sizes = list(sizes or [])
		while off < len(data):
			n = sizes.pop(0) if sizes else mss
			chunk = data[off:off + n]
			if from_client:
				out.append(self.pkt(True, "PA", self.cseq + off,
				    self.sseq, chunk))
			else:
				out.append(self.pkt(False, "PA", self.sseq + off,
				    self.cseq, chunk))
			off += len(chunk)
		if from_client:
			self.cseq += len(data)
		else:
			self.sseq += len(data)
		return out

	def send(self, data, from_client=True, sizes=None, mss=1460):
		for p in self.segments(data, sizes, from_client, mss):
			self.emit(p)

	def ack(self, from_client=False):
		if from_client:
			self.emit(self.pkt(True, "A", self.cseq, self.sseq))
		else:
			self.emit(self.pkt(False, "A", self.sseq, self.cseq))

	def close(self):
		self.emit(self.pkt(True, "FA", self.cseq, self.sseq))
		self.cseq += 1
		self.emit(self.pkt(False, "FA", self.sseq, self.cseq))
		self.sseq += 1
		self.emit(self.pkt(True, "A", self.cseq, self.sseq))


# ---------------------------------------------------------------- TLS

def u8(n): return struct.pack("!B", n)
def u16(n): return struct.pack("!H", n)
def u24(n): return struct.pack("!I", n)[1:]
def v8(b): return u8(len(b)) + b
def v16(b): return u16(len(b)) + b


def ext(t, body):
	return u16(t) + v16(body)


def ech_ext(rng):
	"""encrypted_client_hello (0xfe0d), outer form: the same bytes a
	real ECH and Chrome's GREASE ECH put on the wire."""
	return ext(0xfe0d, u8(0) + u16(1) + u16(1) + u8(rng.randrange(256)) +
	    v16(bytes(rng.randrange(256) for _ in range(32))) +
	    v16(bytes(rng.randrange(256) for _ in range(176))))


def client_hello(sni=None, alpn=(b"h2", b"http/1.1"), pq=False, ech=False,
    seed=1, sni_body=None, quic=False):
	"""A TLS 1.3 ClientHello handshake message (type 1, u24 length)."""
	rng = random.Random(seed)
	rand = bytes(rng.randrange(256) for _ in range(32))
	sid = b"" if quic else bytes(rng.randrange(256) for _ in range(32))
	suites = [0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c,
	    0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d]
	exts = [ext(0x0a0a, b"")]			# GREASE
	if sni_body is not None:
		exts.append(ext(0, sni_body))
	elif sni is not None:
		name = sni.encode() if isinstance(sni, str) else sni
		exts.append(ext(0, v16(u8(0) + v16(name))))
	exts.append(ext(0x0017, b""))			# extended_master_secret
	exts.append(ext(0xff01, b"\0"))			# renegotiation_info
	groups = [0x0a0a, 0x001d, 0x0017, 0x0018]
	if pq:
		groups.insert(1, 0x11ec)
	exts.append(ext(0x000a, v16(b"".join(u16(g) for g in groups))))
	exts.append(ext(0x000b, v8(b"\0")))		# ec_point_formats
	exts.append(ext(0x0023, b""))			# session_ticket
	if alpn:
		exts.append(ext(0x0010, v16(b"".join(v8(a) for a in alpn))))
	exts.append(ext(0x0005, b"\1\0\0\0\0"))		# status_request
	exts.append(ext(0x000d, v16(b"".join(u16(s) for s in (0x0403, 0x0804,
	    0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601)))))
	exts.append(ext(0x0012, b""))			# SCT
	shares = u16(0x0a0a) + v16(b"\0")
	if pq:
		shares += u16(0x11ec) + v16(bytes(rng.randrange(256)
		    for _ in range(1216)))
	shares += u16(0x001d) + v16(bytes(rng.randrange(256) for _ in range(32)))
	exts.append(ext(0x0033, v16(shares)))
	exts.append(ext(0x002d, v8(b"\1")))		# psk_key_exchange_modes
	exts.append(ext(0x002b, v8(u16(0x0a0a) + u16(0x0304) + u16(0x0303))))
	if quic:
		exts.append(ext(0x0039, b"\x01\x04\x80\x00\x75\x30"
		    b"\x04\x04\x80\x10\x00\x00"))
	if ech:
		exts.append(ech_ext(rng))
	exts.append(ext(0x1a1a, b"\0"))			# GREASE
	body = (u16(0x0303) + rand + v8(sid) +
	    v16(b"".join(u16(s) for s in suites)) + v8(b"\0") +
	    v16(b"".join(exts)))
	return u8(1) + u24(len(body)) + body


def records(hs, maxfrag=16384):
	"""TLS records of content type 22 carrying handshake bytes."""
	out = b""
	for i in range(0, len(hs), maxfrag):
		part = hs[i:i + maxfrag]
		out += b"\x16\x03\x01" + u16(len(part)) + part
	return out


def server_hello_bytes(n=120, seed=9):
	rng = random.Random(seed)
	body = bytes(rng.randrange(256) for _ in range(n))
	return b"\x16\x03\x03" + u16(len(body) + 4) + b"\x02" + u24(len(body)) + body


def tls_flow(cap, sni, sport=40000, dport=443, cli=CLIENT, srv=SERVER,
    wrap=eth, sizes=None, pq=False, ech=False, order=None, dup=None,
    seed=1, sni_body=None, close=True, hs=None):
	"""A TLS connection whose ClientHello is cut into `sizes` segments,
	sent in `order` (indexes), with segment indexes in `dup` sent twice."""
	t = Tcp(cap, cli, srv, sport, dport, wrap)
	t.open()
	if hs is None:
		hs = records(client_hello(sni, pq=pq, ech=ech, seed=seed,
		    sni_body=sni_body))
	segs = t.segments(hs, sizes)
	idx = order if order is not None else range(len(segs))
	for i in idx:
		t.emit(segs[i])
		if dup and i in dup:
			t.emit(segs[i])
	t.ack()
	t.send(server_hello_bytes(), from_client=False)
	t.ack(True)
	if close:
		t.close()
	return t


# ---------------------------------------------------------------- QUIC

QUIC_V1, QUIC_V2, QUIC_D29 = 0x00000001, 0x6b3343cf, 0xff00001d
SALTS = {
	QUIC_V1: bytes.fromhex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a"),
	QUIC_V2: bytes.fromhex("0dede3def700a6db819381be6e269dcbf9bd2ed9"),
	QUIC_D29: bytes.fromhex("afbfec289993d24c9e9786f19c6111e04390a899"),
}


def hkdf_extract(salt, ikm):
	h = hmac.HMAC(salt, hashes.SHA256())
	h.update(ikm)
	return h.finalize()


def hkdf_label(secret, label, length):
	full = b"tls13 " + label
	info = u16(length) + v8(full) + v8(b"")
	return HKDFExpand(hashes.SHA256(), length, info).derive(secret)


def varint(n):
	if n < 64:
		return u8(n)
	if n < 16384:
		return u16(0x4000 | n)
	return struct.pack("!I", 0x80000000 | n)


def quic_initial(version, dcid, scid, frames, pn=0, pad_to=1200, pnl=2):
	"""One protected client Initial packet (RFC 9001 5; RFC 9369 3)."""
	secret = hkdf_extract(SALTS[version], dcid)
	csec = hkdf_label(secret, b"client in", 32)
	pre = b"quicv2 " if version == QUIC_V2 else b"quic "
	key = hkdf_label(csec, pre + b"key", 16)
	iv = hkdf_label(csec, pre + b"iv", 12)
	hp = hkdf_label(csec, pre + b"hp", 16)
	ptype = 1 if version == QUIC_V2 else 0
	first = 0xc0 | (ptype << 4) | (pnl - 1)
	hdr0 = (u8(first) + struct.pack("!I", version) + v8(dcid) + v8(scid) +
	    varint(0))
	payload = frames
	# pad the payload so the datagram reaches pad_to bytes
	overhead = len(hdr0) + 2 + pnl + 16
	if len(payload) + overhead < pad_to:
		payload += b"\0" * (pad_to - overhead - len(payload))
	length = pnl + len(payload) + 16
	hdr = hdr0 + u16(0x4000 | length) + pn.to_bytes(pnl, "big")
	nonce = bytes(a ^ b for a, b in zip(iv, b"\0" * 4 + struct.pack("!Q", pn)))
	ct = AESGCM(key).encrypt(nonce, payload, hdr)
	pn_off = len(hdr) - pnl
	sample = ct[4 - pnl:4 - pnl + 16]
	enc = Cipher(algorithms.AES(hp), modes.ECB()).encryptor()
	mask = enc.update(sample) + enc.finalize()
	h = bytearray(hdr)
	h[0] ^= mask[0] & 0x0f
	for i in range(pnl):
		h[pn_off + i] ^= mask[1 + i]
	return bytes(h) + ct


def crypto_frame(off, data):
	return u8(6) + varint(off) + varint(len(data)) + data


# RFC 9001 Appendix A.2 / RFC 9369 Appendix A.2: the client Initial carries
# this ClientHello (SNI example.com) in one CRYPTO frame, DCID
# 8394c8f03e515708, packet number 2 in 4 bytes, 1,200 bytes in all.  The
# builder above must reproduce both protected packets byte for byte
# (checked through their SHA-256 at every run).
RFC_HELLO = bytes.fromhex(
    "010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e86804fe3a47"
    "f06a2b69484c00000413011302010000c000000010000e00000b6578616d706c"
    "652e636f6dff01000100000a00080006001d0017001800100007000504616c70"
    "6e000500050100000000003300260024001d00209370b2c9caa47fbabaf4559f"
    "edba753de171fa71f50f1ce15d43e994ec74d748002b0003020304000d001000"
    "0e0403050306030203080408050806002d00020101001c000240010039003204"
    "08ffffffffffffffff05048000ffff07048000ffff0801100104800075300901"
    "100f088394c8f03e51570806048000ffff")
RFC_DCID = bytes.fromhex("8394c8f03e515708")
RFC_SHA256 = {
	QUIC_V1: "73fa0210cb4a5a17dc10b9dc98e5cc359ba1c20fe7c0e93a9e1dcb473c37e097",
	QUIC_V2: "b0b766fe7e762577072d3365cc4f9635809210cba301a67f8457f5e6fdac5c68",
}


def rfc_initial(version):
	return quic_initial(version, RFC_DCID, b"", crypto_frame(0, RFC_HELLO),
	    pn=2, pnl=4)


def check_rfc_vectors():
	import hashlib
	for v, want in RFC_SHA256.items():
		got = hashlib.sha256(rfc_initial(v)).hexdigest()
		if got != want:
			raise SystemExit("make_cases.py: the QUIC builder does not "
			    "reproduce the RFC Appendix A.2 packet of version 0x%08x" % v)


def quic_flow(cap, sni, version=QUIC_V1, split=None, reverse=False,
    coalesce=False, cli=CLIENT, srv=SERVER, sport=50000, wrap=eth, seed=3,
    ech=False):
	rng = random.Random(seed)
	dcid = bytes(rng.randrange(256) for _ in range(8))
	scid = bytes(rng.randrange(256) for _ in range(8))
	hs = client_hello(sni, alpn=(b"h3",), seed=seed, quic=True, ech=ech)
	if split is None:
		pkts = [quic_initial(version, dcid, scid, crypto_frame(0, hs))]
	else:
		a, b = hs[:split], hs[split:]
		pad = 0 if coalesce else 1200
		pkts = [quic_initial(version, dcid, scid, crypto_frame(0, a),
		    pn=0, pad_to=pad),
		    quic_initial(version, dcid, scid, crypto_frame(split, b),
		    pn=1, pad_to=pad)]
		if reverse:
			pkts.reverse()
		if coalesce:
			pkts = [pkts[0] + pkts[1]]
	for p in pkts:
		cap.add(wrap(ipl(cli, srv) / UDP(sport=sport, dport=443) / Raw(p)))
	# a server reply (undecryptable to us: random bytes, long header)
	cap.add(wrap(ipl(srv, cli) / UDP(sport=443, dport=sport) /
	    Raw(b"\xc1" + bytes(rng.randrange(256) for _ in range(300)))))


# ---------------------------------------------------------------- DNS

def dns_name(name):
	out = b""
	for label in name.split("."):
		out += v8(label.encode())
	return out + b"\0"


def dns_query(name, txid=0x1234, qtype=1):
	return (struct.pack("!HHHHHH", txid, 0x0100, 1, 0, 0, 0) +
	    dns_name(name) + struct.pack("!HH", qtype, 1))


def dns_udp(cap, payload, cli=CLIENT, srv="10.10.0.1", sport=53000,
    from_client=True, wrap=eth):
	if from_client:
		p = ipl(cli, srv) / UDP(sport=sport, dport=53) / Raw(payload)
	else:
		p = ipl(srv, cli) / UDP(sport=53, dport=sport) / Raw(payload)
	cap.add(wrap(p))


# ---------------------------------------------------------------- HTTP

def http_get(host, path="/", extra=b""):
	h = b"GET " + path.encode() + b" HTTP/1.1\r\n"
	if host is not None:
		h += b"Host: " + host.encode() + b"\r\n"
	return (h + b"User-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n"
	    b"Accept: */*\r\n" + extra + b"\r\n")


def http_flow(cap, req, dport=80, sport=41000, cli=CLIENT, srv=SERVER,
    sizes=None):
	t = Tcp(cap, cli, srv, sport, dport)
	t.open()
	t.send(req, sizes=sizes)
	t.ack()
	t.send(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", False)
	t.ack(True)
	t.close()


# ---------------------------------------------------------------- builders

CASES = {}


def case(name, link=LINK_EN10MB, ng=False, snaplen=65535, fmt=None):
	def deco(fn):
		CASES[name] = (fn, link, ng, snaplen, fmt)
		return fn
	return deco


def rand_bytes(n, seed):
	rng = random.Random(seed)
	return bytes(rng.randrange(256) for _ in range(n))


# --- TLS: segmentation, order, size

@case("tls_split2.pcap")
def _(c):
	tls_flow(c, "mail.google.com", sizes=[100])


@case("tls_split3.pcap")
def _(c):
	tls_flow(c, "gmx.net", sizes=[5, 60, 100])


@case("tls_split_in_name.pcap")
def _(c):
	# the cut falls inside the server_name bytes
	hs = records(client_hello("protonmail.com"))
	cut = hs.index(b"protonmail") + 4
	tls_flow(c, None, hs=hs, sizes=[cut])


@case("tls_out_of_order.pcap")
def _(c):
	tls_flow(c, "outlook.live.com", sizes=[80, 80], order=[2, 1, 0])


@case("tls_retransmit.pcap")
def _(c):
	tls_flow(c, "web.whatsapp.com", sizes=[90, 90], dup=[0, 1])


@case("tls_overlap.pcap")
def _(c):
	# a retransmission that re-cuts the bytes: overlapping segments
	t = Tcp(c, sport=40010)
	t.open()
	hs = records(client_hello("discord.com", seed=7))
	base = t.cseq
	t.emit(t.pkt(True, "PA", base, t.sseq, hs[:100]))
	t.emit(t.pkt(True, "PA", base + 50, t.sseq, hs[50:150]))
	t.emit(t.pkt(True, "PA", base + 150, t.sseq, hs[150:]))
	t.cseq += len(hs)
	t.ack()
	t.close()


@case("tls_large_pq.pcap")
def _(c):
	tls_flow(c, "mail.proton.me", pq=True)


@case("tls_large_pq_ooo.pcap")
def _(c):
	tls_flow(c, "tuta.com", pq=True, order=[1, 0])


@case("tls_two_records.pcap")
def _(c):
	# the handshake message spread over two TLS records
	hs = records(client_hello("fastmail.com"), maxfrag=150)
	tls_flow(c, None, hs=hs)


@case("tls_no_sni.pcap")
def _(c):
	tls_flow(c, None)


@case("tls_lookalikes.pcap")
def _(c):
	names = ["gmail.com.evil.example", "notgmail.com",
	    "mail.google.com.example.org", "xgmail.com", "google.com",
	    "www.google.com", "outlook.com", "outlook.office365.com",
	    "teams.microsoft.com", "mail.example.com", "gmailcom",
	    "signal.org.attacker.example", "whatsapp.com-login.example",
	    "mygmx.net", "web.de.example.net", "tme"]
	for i, n in enumerate(names):
		tls_flow(c, n, sport=42000 + i, srv="198.18.1.%d" % (i + 1))


@case("tls_sni_case.pcap")
def _(c):
	tls_flow(c, "Mail.Google.COM")


@case("tls_sni_bad_length.pcap")
def _(c):
	# server_name list length runs past the extension: no crash, no alert
	tls_flow(c, None, sni_body=u16(200) + u8(0) + v16(b"mail.google.com"))


@case("tls_sni_empty.pcap")
def _(c):
	tls_flow(c, None, sni_body=v16(u8(0) + v16(b"")))


@case("tls_ech_front.pcap")
def _(c):
	tls_flow(c, "cloudflare-ech.com", ech=True)


@case("tls_ech_grease.pcap")
def _(c):
	tls_flow(c, "mail.google.com", ech=True)


@case("tls_front_no_ech.pcap")
def _(c):
	tls_flow(c, "cloudflare-ech.com")


@case("tls_port_8443.pcap")
def _(c):
	tls_flow(c, "mail.yandex.ru", dport=8443)


# --- HTTP

@case("http_host_port.pcap")
def _(c):
	http_flow(c, http_get("gmx.de:8080"), dport=8080)


@case("http_absolute.pcap")
def _(c):
	http_flow(c, b"GET http://web.de/inbox HTTP/1.0\r\n"
	    b"User-Agent: test\r\n\r\n")


@case("http_split.pcap")
def _(c):
	http_flow(c, http_get("mail.aol.com"), sizes=[10, 12, 5])


@case("http_lookalike.pcap")
def _(c):
	http_flow(c, http_get("notgmail.com"))
	http_flow(c, http_get("gmail.com.evil.example"), sport=41001)
	http_flow(c, http_get(None, extra=b"X-Host: gmail.com\r\n"),
	    sport=41002)


# --- DNS

@case("dns_tcp.pcap")
def _(c):
	t = Tcp(c, srv="10.10.0.1", sport=43000, dport=53)
	t.open()
	q = dns_query("web.de", txid=77)
	t.send(u16(len(q)) + q)
	t.ack()
	t.close()


@case("dns_tcp_split.pcap")
def _(c):
	t = Tcp(c, srv="10.10.0.1", sport=43001, dport=53)
	t.open()
	q = dns_query("chat.signal.org", txid=78)
	t.send(u16(len(q)) + q, sizes=[1, 7])
	t.ack()
	t.close()


@case("dns_compression.pcap")
def _(c):
	# two questions; the second is "mail" + a pointer to "google.com"
	msg = (struct.pack("!HHHHHH", 5, 0x0100, 2, 0, 0, 0) +
	    dns_name("google.com") + struct.pack("!HH", 1, 1) +
	    v8(b"mail") + u16(0xc00c) + struct.pack("!HH", 1, 1))
	dns_udp(c, msg)


@case("dns_cname.pcap")
def _(c):
	# query inbox.google.com; the answer is a CNAME (compressed owner and
	# target pointing into the question)
	q = dns_query("inbox.google.com", txid=9)
	dns_udp(c, q)
	rdata = v8(b"googlemail") + v8(b"l") + u16(0xc00c + 6)  # l.google.com
	ans = (u16(0xc00c) + struct.pack("!HHIH", 5, 1, 300, len(rdata)) +
	    rdata)
	resp = (struct.pack("!HHHHHH", 9, 0x8180, 1, 1, 0, 0) +
	    q[12:] + ans)
	dns_udp(c, resp, from_client=False)


@case("dns_loop.pcap")
def _(c):
	# question name: a pointer to itself; then a two-pointer cycle; then a
	# forward pointer past the end: no crash, no alert
	dns_udp(c, struct.pack("!HHHHHH", 1, 0x0100, 1, 0, 0, 0) +
	    u16(0xc00c) + struct.pack("!HH", 1, 1))
	dns_udp(c, struct.pack("!HHHHHH", 2, 0x0100, 1, 0, 0, 0) +
	    v8(b"mail") + u16(0xc013) + u16(0xc00c) + struct.pack("!HH", 1, 1),
	    sport=53001)
	dns_udp(c, struct.pack("!HHHHHH", 3, 0x0100, 1, 0, 0, 0) +
	    v8(b"gmail") + u16(0xcfff) + struct.pack("!HH", 1, 1), sport=53002)
	# 130 one-byte labels: over the 255-octet name bound
	dns_udp(c, struct.pack("!HHHHHH", 4, 0x0100, 1, 0, 0, 0) +
	    b"\x01a" * 130 + dns_name("gmail.com") + struct.pack("!HH", 1, 1),
	    sport=53003)


@case("dns_dedup_same.pcap")
def _(c):
	dns_udp(c, dns_query("mail.google.com", txid=1), sport=53100)
	c.t += 10
	dns_udp(c, dns_query("mail.google.com", txid=2), sport=53101)
	dns_udp(c, dns_query("mail.google.com", txid=3, qtype=28),
	    sport=53101)


@case("dns_dedup_two_clients.pcap")
def _(c):
	dns_udp(c, dns_query("mail.google.com", txid=1), sport=53100)
	dns_udp(c, dns_query("mail.google.com", txid=2), cli="10.10.0.6",
	    sport=53100)


@case("dns_dedup_window.pcap")
def _(c):
	dns_udp(c, dns_query("mail.google.com", txid=1), sport=53100)
	c.t += 400
	dns_udp(c, dns_query("mail.google.com", txid=2), sport=53102)


@case("dns_lookalike.pcap")
def _(c):
	for i, n in enumerate(["notgmail.com", "gmail.com.evil.example",
	    "mail.google.com.example.org", "outlook.com", "google.com"]):
		dns_udp(c, dns_query(n, txid=i), sport=53200 + i)


# --- QUIC

@case("quic_v2.pcap")
def _(c):
	quic_flow(c, "web.whatsapp.com", version=QUIC_V2)


@case("quic_draft29.pcap")
def _(c):
	quic_flow(c, "mail.yandex.ru", version=QUIC_D29)


@case("quic_split_reverse.pcap")
def _(c):
	quic_flow(c, "discord.com", split=150, reverse=True)


@case("quic_coalesced.pcap")
def _(c):
	quic_flow(c, "mail.google.com", split=200, coalesce=True, reverse=True)


@case("quic_rfc9001.pcap")
def _(c):
	c.add(eth(ipl(CLIENT, SERVER) / UDP(sport=50020, dport=443) /
	    Raw(rfc_initial(QUIC_V1))))


@case("quic_rfc9369.pcap")
def _(c):
	c.add(eth(ipl(CLIENT, SERVER) / UDP(sport=50021, dport=443) /
	    Raw(rfc_initial(QUIC_V2))))


@case("quic_ech_front.pcap")
def _(c):
	quic_flow(c, "cloudflare-ech.com", ech=True)


@case("quic_ech_grease.pcap")
def _(c):
	quic_flow(c, "chat.signal.org", ech=True)


@case("quic_garbage.pcap")
def _(c):
	for i in range(8):
		body = rand_bytes(1200, 100 + i)
		b = bytearray(body)
		b[0] = 0xc0 | (b[0] & 0x3f)
		b[1:5] = struct.pack("!I", [1, QUIC_V2, QUIC_D29, 0xff000022][i % 4])
		c.add(eth(ipl(CLIENT, SERVER) / UDP(sport=51000 + i, dport=443) /
		    Raw(bytes(b))))


@case("quic_lookalike.pcap")
def _(c):
	quic_flow(c, "gmail.com.evil.example")
	quic_flow(c, "notgmail.com", sport=50001, seed=4)


# --- IM protocols, address, port

@case("xmpp_listed.pcap")
def _(c):
	t = Tcp(c, srv="198.18.2.1", sport=44000, dport=5222)
	t.open()
	t.send(b"<?xml version='1.0'?><stream:stream to='jabber.org' "
	    b"xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/"
	    b"streams' version='1.0'>", sizes=[30])
	t.ack()
	t.close()


@case("xmpp_unlisted.pcap")
def _(c):
	t = Tcp(c, srv="198.18.2.2", sport=44001, dport=5222)
	t.open()
	t.send(b"<stream:stream xmlns='jabber:client' xmlns:stream="
	    b"'http://etherx.jabber.org/streams' to=\"xmpp.example.net\" "
	    b"version='1.0'>")
	t.ack()
	t.close()


@case("irc_6667.pcap")
def _(c):
	t = Tcp(c, srv="198.18.2.3", sport=44002, dport=6667)
	t.open()
	t.send(b"NICK alice\r\nUSER alice 0 * :Alice\r\n")
	t.ack()
	t.send(b":irc.example.net 001 alice :Welcome\r\n", False)
	t.close()


@case("irc_other_port.pcap")
def _(c):
	t = Tcp(c, srv="198.18.2.4", sport=44003, dport=8067)
	t.open()
	t.send(b"CAP LS 302\r\nNICK bob\r\nUSER bob 0 * :Bob\r\n")
	t.ack()
	t.close()


@case("mqtt_connect.pcap")
def _(c):
	t = Tcp(c, srv="198.18.2.5", sport=44004, dport=1883)
	t.open()
	cid = b"msgsec-test-client"
	var = v16(b"MQTT") + b"\x04\x02" + u16(60)
	pl = v16(cid)
	t.send(b"\x10" + u8(len(var) + len(pl)) + var + pl)
	t.ack()
	t.close()


def wa_hello(seed):
	"""WhatsApp's Noise handshake start: "WA" + version, then a frame with
	u24 length holding HandshakeMessage{clientHello{ephemeral: 32 bytes}}
	(protobuf field 2, then field 1)."""
	eph = rand_bytes(32, seed)
	frame = b"\x12\x22\x0a\x20" + eph
	return b"WA\x06\x03" + u24(len(frame)) + frame


@case("whatsapp_443.pcap")
def _(c):
	t = Tcp(c, srv="157.240.0.53", sport=44009, dport=443)
	t.open()
	t.send(wa_hello(13))
	t.ack()
	t.close()


@case("whatsapp_5222.pcap")
def _(c):
	t = Tcp(c, srv="157.240.0.53", sport=44010, dport=5222)
	t.open()
	t.send(wa_hello(14))
	t.ack()
	t.close()


@case("http_connect.pcap")
def _(c):
	http_flow(c, b"CONNECT mail.google.com:443 HTTP/1.1\r\n"
	    b"Host: mail.google.com:443\r\n\r\n", dport=3128)


@case("im_telegram_addr.pcap")
def _(c):
	t = Tcp(c, srv="149.154.167.51", sport=44005, dport=443)
	t.open()
	t.send(rand_bytes(64, 5))
	t.ack()
	t.close()


@case("im_telegram_addr6.pcap")
def _(c):
	t = Tcp(c, cli=CLIENT6, srv="2001:67c:4e8:f004::a", sport=44006,
	    dport=443)
	t.open()
	t.send(rand_bytes(64, 6))
	t.ack()
	t.close()


@case("im_addr_outside.pcap")
def _(c):
	for i, a in enumerate(["149.154.159.255", "149.154.176.0",
	    "91.108.3.255", "2001:67c:4e9::1"]):
		cli = CLIENT6 if ":" in a else CLIENT
		t = Tcp(c, cli=cli, srv=a, sport=44100 + i, dport=443)
		t.open()
		t.send(rand_bytes(64, 7))
		t.close()


@case("im_port_viber.pcap")
def _(c):
	c.add(eth(ipl(CLIENT, "198.18.2.6") / UDP(sport=44007, dport=7985) /
	    Raw(rand_bytes(40, 8))))
	c.add(eth(ipl("198.18.2.6", CLIENT) / UDP(sport=7985, dport=44007) /
	    Raw(rand_bytes(40, 9))))


@case("im_port_reverse.pcap")
def _(c):
	# a server answering FROM port 6667 to a client high port is not a
	# client going to IRC; nor is a UDP packet to tcp-only port 6667
	t = Tcp(c, cli="198.18.2.7", srv=CLIENT, sport=6667, dport=45000)
	t.open()
	t.send(b"hello\r\n")
	t.close()
	c.add(eth(ipl(CLIENT, "198.18.2.8") / UDP(sport=44008, dport=6667) /
	    Raw(b"x" * 20)))


# --- upload, download

def bulk_flow(c, sni, up=0, down=0, cli=CLIENT, sport=46000, srv=SERVER):
	t = Tcp(c, cli, srv, sport, 443)
	t.open()
	t.send(records(client_hello(sni, seed=sport)))
	t.ack()
	t.send(server_hello_bytes(), False)
	chunk = b"\x17\x03\x03" + u16(1455) + rand_bytes(1455, 10)
	for i in range(up // len(chunk) + 1):
		t.send(chunk)
		if i % 8 == 7:
			t.ack()
	for i in range(down // len(chunk) + 1):
		t.send(chunk, False)
		if i % 8 == 7:
			t.ack(True)
	t.close()


@case("upload_webmail.pcap")
def _(c):
	bulk_flow(c, "mail.google.com", up=1100000)


@case("download_webmail.pcap")
def _(c):
	bulk_flow(c, "gmx.net", down=1100000)


@case("upload_below.pcap")
def _(c):
	bulk_flow(c, "mail.google.com", up=1000000, down=1000000)


@case("upload_im.pcap")
def _(c):
	bulk_flow(c, "web.telegram.org", up=1100000)


@case("upload_unlisted.pcap")
def _(c):
	bulk_flow(c, "www.example.com", up=1100000, down=1100000)


# --- agencies and exceptions

@case("agency_dep.pcap")
def _(c):
	tls_flow(c, "mail.google.com", cli="192.0.2.50")


@case("agency_dor6.pcap")
def _(c):
	tls_flow(c, "web.telegram.org", cli="2001:db8:30::5", srv=SERVER6)


@case("exception_webmail.pcap")
def _(c):
	tls_flow(c, "mail.google.com", cli="192.0.2.17")


@case("exception_other_rule.pcap")
def _(c):
	# EX-2026-0001 covers network.webmail(.download) only, not IM nor upload
	tls_flow(c, "web.whatsapp.com", cli="192.0.2.18")
	bulk_flow(c, "mail.google.com", up=1100000, down=1100000,
	    cli="192.0.2.18", sport=46001)


@case("exception_not_in_force.pcap")
def _(c):
	# EX-2026-0002 (EOHHS kiosk, IM) is only requested
	tls_flow(c, "web.whatsapp.com", cli="198.51.100.40")


@case("exception_other_host.pcap")
def _(c):
	tls_flow(c, "mail.google.com", cli="192.0.2.19")


# --- link types and encapsulations

def ch_ip(cap, wrap, cli=CLIENT, srv=SERVER, sni="mail.google.com"):
	tls_flow(cap, sni, cli=cli, srv=srv, wrap=wrap)


@case("link_vlan.pcap")
def _(c):
	ch_ip(c, lambda ip: Ether(src="02:00:00:00:00:01",
	    dst="02:00:00:00:00:02") / Dot1Q(vlan=10) / ip)


@case("link_qinq.pcap")
def _(c):
	ch_ip(c, lambda ip: Ether(src="02:00:00:00:00:01",
	    dst="02:00:00:00:00:02") / Dot1AD(vlan=100) / Dot1Q(vlan=10) / ip)


@case("link_qinq_8100.pcap")
def _(c):
	ch_ip(c, lambda ip: Ether(src="02:00:00:00:00:01",
	    dst="02:00:00:00:00:02") / Dot1Q(vlan=100) / Dot1Q(vlan=10) / ip)


@case("link_sll.pcap", link=LINK_SLL)
def _(c):
	ch_ip(c, lambda ip: CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6,
	    src=b"\x02\0\0\0\0\x01\0\0",
	    proto=0x86dd if isinstance(ip, IPv6) else 0x0800) / ip)


def sll2(ip):
	proto = 0x86dd if isinstance(ip, IPv6) else 0x0800
	return (struct.pack("!HHIHBB", proto, 0, 2, 1, 0, 6) +
	    b"\x02\0\0\0\0\x01\0\0" + bytes(ip))


@case("link_sll2.pcap", link=LINK_SLL2)
def _(c):
	ch_ip(c, sll2)


@case("link_raw.pcap", link=LINK_RAW)
def _(c):
	ch_ip(c, bytes)


@case("link_raw6.pcap", link=LINK_RAW)
def _(c):
	ch_ip(c, bytes, cli=CLIENT6, srv=SERVER6)


@case("link_null.pcap", link=LINK_NULL)
def _(c):
	ch_ip(c, lambda ip: struct.pack("<I", 2) + bytes(ip))


@case("link_null6.pcap", link=LINK_NULL)
def _(c):
	# BSD AF_INET6 is 24, 28 or 30 depending on the system
	ch_ip(c, lambda ip: struct.pack("<I", 30) + bytes(ip),
	    cli=CLIENT6, srv=SERVER6)


@case("link_loop.pcap", link=LINK_LOOP)
def _(c):
	ch_ip(c, lambda ip: struct.pack(">I", 2) + bytes(ip))


@case("link_ipv6.pcap")
def _(c):
	ch_ip(c, eth, cli=CLIENT6, srv=SERVER6)


@case("link_ip_options.pcap")
def _(c):
	def wrap(ip):
		if isinstance(ip, IP):
			ip.options = [IPOption_NOP(), IPOption_RR(routers=["10.0.0.1"])]
		return eth(ip)
	ch_ip(c, wrap)


@case("link_ipv6_ext.pcap")
def _(c):
	from scapy.all import IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt

	def wrap(ip):
		inner = ip.payload
		ip.remove_payload()
		return eth(ip / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / inner)
	ch_ip(c, wrap, cli=CLIENT6, srv=SERVER6)


def gre_wrap(ip):
	outer = IP(src="172.16.0.1", dst="172.16.0.2", id=9)
	return eth(outer / GRE(proto=0x86dd if isinstance(ip, IPv6) else
	    0x0800) / ip)


@case("tun_gre.pcap")
def _(c):
	ch_ip(c, gre_wrap)


@case("tun_gre_eth.pcap")
def _(c):
	ch_ip(c, lambda ip: eth(IP(src="172.16.0.1", dst="172.16.0.2") /
	    GRE(proto=0x6558) / eth(ip)))


@case("tun_vxlan.pcap")
def _(c):
	ch_ip(c, lambda ip: eth(IP(src="172.16.0.1", dst="172.16.0.2") /
	    UDP(sport=33333, dport=4789) / VXLAN(vni=42, flags=0x08) / eth(ip)))


@case("tun_ipip.pcap")
def _(c):
	ch_ip(c, lambda ip: eth(IP(src="172.16.0.1", dst="172.16.0.2",
	    proto=4) / ip))


@case("tun_6in4.pcap")
def _(c):
	ch_ip(c, lambda ip: eth(IP(src="172.16.0.1", dst="172.16.0.2",
	    proto=41) / ip), cli=CLIENT6, srv=SERVER6)


@case("tun_4in6.pcap")
def _(c):
	ch_ip(c, lambda ip: eth(IPv6(src="fd00:1::1", dst="fd00:1::2", nh=4) /
	    ip))


@case("tun_nested.pcap")
def _(c):
	# VXLAN inside GRE inside a VLAN
	ch_ip(c, lambda ip: Ether() / Dot1Q(vlan=7) / IP(src="172.16.0.1",
	    dst="172.16.0.2") / GRE(proto=0x0800) / IP(src="172.17.0.1",
	    dst="172.17.0.2") / UDP(sport=1, dport=4789) / VXLAN(vni=1,
	    flags=0x08) / eth(ip))


@case("tun_too_deep.pcap")
def _(c):
	# 20 nested IP-in-IP layers: past sensor.max_layers (16): no alert,
	# no crash
	def wrap(ip):
		p = ip
		for i in range(20):
			p = IP(src="172.16.%d.1" % i, dst="172.16.%d.2" % i,
			    proto=4) / p
		return eth(p)
	ch_ip(c, wrap)


def frag_flow(c, cli, srv, fragsize, order=None, v6=False):
	t = Tcp(c, cli, srv, 40000, 443)
	t.open()
	hs = records(client_hello("mail.google.com", seed=11))
	p = t.pkt(True, "PA", t.cseq, t.sseq, hs)
	t.cseq += len(hs)
	if v6:
		p = IPv6(src=cli, dst=srv) / IPv6ExtHdrFragment(id=0x1234) / p[TCP]
		frags = fragment6(p, fragsize)
	else:
		p[IP].flags = 0
		p[IP].id = 4242
		frags = fragment(p, fragsize=fragsize)
	if order:
		frags = [frags[i] for i in order]
	for f in frags:
		c.add(eth(f))
	t.ack()
	t.close()


@case("frag_ipv4.pcap")
def _(c):
	frag_flow(c, CLIENT, SERVER, 200)


@case("frag_ipv4_reverse.pcap")
def _(c):
	frag_flow(c, CLIENT, SERVER, 256, order=[1, 0])


@case("frag_ipv6.pcap")
def _(c):
	frag_flow(c, CLIENT6, SERVER6, 256, v6=True)


@case("frag_quic.pcap")
def _(c):
	rng = random.Random(12)
	dcid = bytes(rng.randrange(256) for _ in range(8))
	hs = client_hello("chat.signal.org", alpn=(b"h3",),
	    seed=12, quic=True)
	pkt = quic_initial(QUIC_V1, dcid, b"", crypto_frame(0, hs))
	p = IP(src=CLIENT, dst=SERVER, id=777) / UDP(sport=50002, dport=443) / Raw(pkt)
	for f in fragment(p, fragsize=512):
		c.add(eth(f))


@case("frag_incomplete.pcap")
def _(c):
	t = Tcp(c, CLIENT, SERVER, 40000, 443)
	t.open()
	hs = records(client_hello("mail.google.com", seed=11))
	p = t.pkt(True, "PA", t.cseq, t.sseq, hs)
	p[IP].flags = 0
	p[IP].id = 4343
	frags = fragment(p, fragsize=200)
	for f in frags[:-1]:
		c.add(eth(f))


# --- flow table and direction

@case("many_flows.pcap")
def _(c):
	# 300 connections one after the other: a flow table of 64 suffices
	for i in range(300):
		tls_flow(c, "mail.google.com", sport=20000 + i,
		    srv="198.18.%d.%d" % (10 + i // 200, 1 + i % 200), seed=i % 7)


@case("many_flows_interleaved.pcap")
def _(c):
	# 200 connections opened first, then each sends its ClientHello: with
	# a table of 64 the early flows are evicted before their hello and
	# come back mid-stream
	flows = []
	for i in range(200):
		t = Tcp(c, CLIENT, "198.18.20.%d" % (1 + i), 21000 + i, 443)
		t.open()
		flows.append(t)
	for i, t in enumerate(flows):
		t.send(records(client_hello("mail.google.com", seed=i % 5)))
	for t in flows:
		t.close()


@case("tls_midstream.pcap")
def _(c):
	# the capture starts after the handshake: the hello is the first packet
	t = Tcp(c, sport=40020)
	t.cseq += 1
	t.sseq += 1
	t.send(records(client_hello("mail.google.com")))
	t.ack()
	t.send(server_hello_bytes(), False)
	t.close()


@case("tls_synack_first.pcap")
def _(c):
	# the SYN was missed: the SYN+ACK says who the server is
	t = Tcp(c, sport=40021)
	t.emit(t.pkt(False, "SA", t.sseq, t.cseq + 1))
	t.cseq += 1
	t.sseq += 1
	t.emit(t.pkt(True, "A", t.cseq, t.sseq))
	t.send(records(client_hello("mail.google.com")))
	t.close()


@case("tls_port_reuse.pcap")
def _(c):
	# the same ports twice, one connection after the other: two flows
	tls_flow(c, "mail.google.com", sport=40040)
	c.t += 5
	t = Tcp(c, sport=40040)
	t.cseq += 777777
	t.sseq += 888888
	t.open()
	t.send(records(client_hello("mail.google.com", seed=2)))
	t.ack()
	t.close()


@case("tls_hrr.pcap")
def _(c):
	# HelloRetryRequest: a second ClientHello on the same connection
	t = Tcp(c, sport=40041)
	t.open()
	t.send(records(client_hello("mail.google.com", seed=3)))
	t.ack()
	t.send(server_hello_bytes(88, seed=4), False)
	t.ack(True)
	t.send(b"\x14\x03\x03\x00\x01\x01" +
	    records(client_hello("mail.google.com", seed=5)))
	t.ack()
	t.close()


@case("vlan_same_tuple.pcap")
def _(c):
	# the same 5-tuple on two VLANs at once: two flows
	a = Tcp(c, sport=40042, wrap=lambda ip: Ether() / Dot1Q(vlan=10) / ip)
	b = Tcp(c, sport=40042, wrap=lambda ip: Ether() / Dot1Q(vlan=20) / ip)
	a.open()
	b.open()
	a.send(records(client_hello("mail.google.com", seed=6)))
	b.send(records(client_hello("gmx.net", seed=7)))
	a.close()
	b.close()


@case("tls_sni_nul.pcap")
def _(c):
	tls_flow(c, b"mail.google.com\0.evil.example")
	tls_flow(c, b"evil.example\0mail.google.com", sport=40001)
	tls_flow(c, b"mail.google.com\xff", sport=40002)


@case("dns_0x20.pcap")
def _(c):
	dns_udp(c, dns_query("mAiL.GoOgLe.CoM"))


@case("dns_response_only.pcap")
def _(c):
	q = dns_query("mail.google.com", txid=21)
	ans = (u16(0xc00c) + struct.pack("!HHIH", 1, 1, 300, 4) +
	    bytes([142, 250, 1, 1]))
	dns_udp(c, struct.pack("!HHHHHH", 21, 0x8180, 1, 1, 0, 0) + q[12:] +
	    ans, from_client=False)


@case("dns_ipv6.pcap")
def _(c):
	dns_udp(c, dns_query("web.whatsapp.com"), cli=CLIENT6, srv="fd00:10::1")


@case("dns_udp_and_tcp.pcap")
def _(c):
	dns_udp(c, dns_query("gmx.net", txid=31))
	t = Tcp(c, srv="10.10.0.1", sport=43002, dport=53)
	t.open()
	q = dns_query("gmx.net", txid=32)
	t.send(u16(len(q)) + q)
	t.close()


@case("http_host_case.pcap")
def _(c):
	http_flow(c, b"GET / HTTP/1.1\r\nhost:   MAIL.Yahoo.COM  \r\n"
	    b"Accept: */*\r\n\r\n")


@case("quic_upload.pcap")
def _(c):
	quic_flow(c, "mail.google.com", sport=50010)
	for i in range(800):
		c.add(eth(ipl(CLIENT, SERVER) / UDP(sport=50010, dport=443) /
		    Raw(b"\x40" + rand_bytes(1399, i % 4))))


@case("time_backwards.pcap")
def _(c):
	tls_flow(c, "mail.google.com")
	for i in range(len(c.frames)):
		ts, data, wire = c.frames[i]
		c.frames[i] = (T0 + 100 - i * 7.5, data, wire)


@case("frag_overlap.pcap")
def _(c):
	# overlapping IPv4 fragments whose second copy rewrites the name
	t = Tcp(c, CLIENT, SERVER, 40030, 443)
	t.open()
	hs = records(client_hello("mail.google.com", seed=11))
	p = t.pkt(True, "PA", t.cseq, t.sseq, hs)
	p[IP].flags = 0
	p[IP].id = 4545
	raw = bytes(p[IP].payload)
	hdr = p[IP].copy()
	hdr.remove_payload()
	hdr.len = None
	for off, chunk, mf in ((0, raw[:256], 1), (128, raw[128:256].replace(
	    b"google", b"g00gle"), 1), (256, raw[256:], 0)):
		f = hdr.copy()
		f.frag = off // 8
		f.flags = "MF" if mf else 0
		f.proto = 6
		c.add(eth(f / Raw(chunk)))
	t.close()


@case("pcap_nsec.pcap", fmt="nsec")
def _(c):
	tls_flow(c, "mail.google.com")


@case("pcap_bigendian.pcap", fmt="big")
def _(c):
	tls_flow(c, "mail.google.com")


# --- robustness

@case("trunc_snaplen.pcap", snaplen=80)
def _(c):
	tls_flow(c, "mail.google.com")


@case("trunc_headers.pcap", snaplen=30)
def _(c):
	tls_flow(c, "mail.google.com")
	dns_udp(c, dns_query("mail.google.com"))


@case("garbage.pcap")
def _(c):
	for i in range(40):
		rng = random.Random(200 + i)
		n = rng.randrange(0, 1500)
		data = rand_bytes(n, 300 + i)
		port = [443, 80, 53, 5222, 6667, 1883][i % 6]
		if i % 2:
			t = Tcp(c, sport=47000 + i, dport=port, srv="198.18.3.%d" % i)
			t.open()
			if i % 4 == 1:
				data = b"\x16\x03\x01\xff\xff\x01\xff\xff\xff" + data
			elif i % 4 == 3:
				data = b"GET / HTTP/1.1\r\nHost: " + data
			t.send(data)
			t.close()
		else:
			c.add(eth(ipl(CLIENT, "198.18.3.%d" % i) /
			    UDP(sport=47000 + i, dport=port) / Raw(data)))
	# random frames that are not even IP
	for i in range(20):
		c.add(rand_bytes(random.Random(i).randrange(1, 200), 400 + i))


@case("garbage_headers.pcap")
def _(c):
	# IP headers with lying lengths and options
	for i in range(30):
		b = bytearray(bytes(eth(IP(src=CLIENT, dst=SERVER) /
		    TCP(sport=48000 + i, dport=443, flags="PA") /
		    Raw(records(client_hello("mail.google.com"))[:200]))))
		rng = random.Random(500 + i)
		for _ in range(3):
			b[14 + rng.randrange(40)] = rng.randrange(256)
		c.add(bytes(b))


@case("empty.pcap")
def _(c):
	pass


@case("pcapng.pcapng", ng=True)
def _(c):
	tls_flow(c, "mail.google.com")


@case("pcapng_raw.pcapng", link=LINK_RAW, ng=True)
def _(c):
	quic_flow(c, "web.whatsapp.com", wrap=bytes)


# ---------------------------------------------------------------- generic

def generic(name):
	"""sni_<host>.pcap, quic_<host>.pcap, http_<host>.pcap, dns_<host>.pcap"""
	base = name.rsplit(".", 1)[0]
	kind, _, host = base.partition("_")
	cap = Capture()
	if kind == "sni":
		tls_flow(cap, host)
	elif kind == "quic":
		quic_flow(cap, host)
	elif kind == "http":
		http_flow(cap, http_get(host))
	elif kind == "dns":
		dns_udp(cap, dns_query(host))
	else:
		return None
	return cap


def build(name, outdir):
	path = os.path.join(outdir, name)
	if name in CASES:
		fn, link, ng, snaplen, fmt = CASES[name]
		cap = Capture(link, snaplen)
		fn(cap)
	else:
		cap = generic(name)
		if cap is None:
			return False
		ng = name.endswith(".pcapng")
		fmt = None
	tmp = path + ".tmp"
	if ng:
		cap.write_pcapng(tmp)
	elif fmt == "nsec":
		cap.write_pcap(tmp, nsec=True)
	elif fmt == "big":
		cap.write_pcap(tmp, endian=">")
	else:
		cap.write_pcap(tmp)
	os.replace(tmp, path)
	return True


def case_files():
	names = []
	with open(os.path.join(HERE, "cases.tsv")) as f:
		for line in f:
			if not line.strip() or line.startswith("#"):
				continue
			col = line.rstrip("\n").split("\t")
			if len(col) > 1 and col[1] not in names:
				names.append(col[1])
	return names


def main():
	if len(sys.argv) != 2:
		sys.stderr.write("usage: make_cases.py OUTDIR\n")
		return 2
	out = sys.argv[1]
	check_rfc_vectors()
	os.makedirs(out, exist_ok=True)
	bad = 0
	for name in case_files():
		if name in ("not_a_pcap.pcap", "cut_short.pcap") or "/" in name:
			continue	# written below
		if not build(name, out):
			sys.stderr.write("no builder for %s\n" % name)
			bad += 1
	# non-capture inputs
	with open(os.path.join(out, "not_a_pcap.pcap"), "w") as f:
		f.write("this is not a capture file\n")
	cut = os.path.join(out, "cut_short.pcap")
	cap = Capture()
	tls_flow(cap, "mail.google.com")
	cap.write_pcap(cut + ".tmp")
	with open(cut + ".tmp", "rb") as f:
		data = f.read()
	with open(cut, "wb") as f:
		f.write(data[:len(data) - 300])
	os.unlink(cut + ".tmp")
	return 1 if bad else 0


if __name__ == "__main__":
	sys.exit(main())
