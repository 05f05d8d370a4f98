#!/usr/bin/python3
"""pcaplib.py - what tests/pcap/make_cases.py builds its captures from: a
pcap / pcapng writer that sets the link type, the snap length and the
timestamp format; a TCP connection builder (handshake, segments cut at
chosen sizes, sent in any order, duplicated, closed); a TLS 1.3
ClientHello builder (GREASE, ALPN, post-quantum key share, ECH); QUIC
Initial protection (RFC 9001 5 / RFC 9369: HKDF initial secrets, AES-128-GCM,
header protection) that reproduces the RFC Appendix A.2 packets; DNS and
HTTP request builders.  Deterministic: fixed timestamps from T0, fixed
addresses, seeded randomness.  Needs Debian's scapy and cryptography
(/usr/bin/python3).
"""
import calendar
import os
import random
import socket
import struct
import sys
import zlib

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


# ---------------------------------------------------------------- STUN

STUN_COOKIE = 0x2112a442


def stun_attr(t, v):
	"""One attribute, padded to 4 (RFC 8489 14)."""
	return struct.pack("!HH", t, len(v)) + v + b"\0" * ((-len(v)) % 4)


def stun_xor_addr(ip, port, tid):
	"""XOR-MAPPED-ADDRESS / XOR-RELAYED-ADDRESS value (RFC 8489 14.2)."""
	key = struct.pack("!I", STUN_COOKIE) + tid
	if ":" in ip:
		raw = socket.inet_pton(socket.AF_INET6, ip)
		fam = 2
	else:
		raw = socket.inet_aton(ip)
		fam = 1
	x = bytes(a ^ b for a, b in zip(raw, key))
	return struct.pack("!BBH", 0, fam, port ^ (STUN_COOKIE >> 16)) + x


def stun_msg(mtype, attrs=b"", tid=b"\x11" * 12, fingerprint=True,
    cookie=STUN_COOKIE, bad_fingerprint=False):
	"""A STUN message with attrs (bytes); FINGERPRINT last when asked."""
	if fingerprint:
		n = len(attrs) + 8
		hdr = struct.pack("!HHI", mtype, n, cookie) + tid
		crc = (zlib.crc32(hdr + attrs) ^ 0x5354554e) & 0xffffffff
		if bad_fingerprint:
			crc ^= 1
		attrs += struct.pack("!HHI", 0x8028, 4, crc)
	return struct.pack("!HHI", mtype, len(attrs), cookie) + tid + attrs


def stun_udp(cap, msgs, cli=CLIENT, srv=SERVER, sport=50000, dport=3478,
    wrap=eth):
	"""Datagrams: each item is bytes (client to server) or ("s", bytes)."""
	for m in msgs:
		if isinstance(m, tuple):
			cap.add(wrap(ipl(srv, cli) / UDP(sport=dport, dport=sport) /
			    Raw(m[1])))
		else:
			cap.add(wrap(ipl(cli, srv) / UDP(sport=sport, dport=dport) /
			    Raw(m)))
