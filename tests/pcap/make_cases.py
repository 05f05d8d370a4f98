#!/usr/bin/python3
"""make_cases.py OUTDIR - write the sensor's end-to-end pcap cases.

Every capture named in tests/pcap/cases.tsv is built here, deterministically
(fixed timestamps, addresses, ports, sequence numbers and random seeds), so
the same checkout always writes the same bytes.  Packets are built with
scapy (or by hand where the test needs bytes scapy would "fix") with the
builders of pcaplib.py beside this file; files are written by its small
pcap / pcapng writer, which also lets a case set the link type, the
timestamp format and cut packets at a snap length.

Captures are found by name:
  sni_<host>.pcap      a TLS ClientHello with that SNI (one TCP flow)
  quic_<host>.pcap     a QUIC v1 Initial with that SNI
  http_<host>.pcap     an HTTP/1.1 GET with that Host
  dns_<host>.pcap      a DNS query over UDP for that name
  anything else        a builder function below (CASES)

Run with /usr/bin/python3 (Debian's scapy and cryptography live there).
"""
import os
import random
import struct
import sys

from pcaplib import *  # noqa: F401,F403 (the builders and scapy layers)
from scapy.all import IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt  # noqa: F401

HERE = os.path.dirname(os.path.abspath(__file__))


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


@case("dns_udp_same_port.pcap")
def _(c):
	# one socket, several names (a forwarder or a stub that keeps its port)
	dns_udp(c, dns_query("www.example.org", txid=51), sport=53300)
	dns_udp(c, dns_query("www.example.org", txid=51), sport=53300,
	    from_client=False)
	dns_udp(c, dns_query("mail.google.com", txid=52), sport=53300)
	dns_udp(c, dns_query("web.whatsapp.com", txid=53), sport=53300)


@case("dns_tcp_pipelined.pcap")
def _(c):
	# RFC 7766 6.2.1.1: several queries on one connection, sent together
	t = Tcp(c, srv="10.10.0.1", sport=43003, dport=53)
	t.open()
	q1 = dns_query("www.example.org", txid=41)
	q2 = dns_query("mail.google.com", txid=42)
	t.send(u16(len(q1)) + q1 + u16(len(q2)) + q2)
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


@case("quic_chrome_shuffle.pcap")
def _(c):
	# Chrome's style: the hello cut into CRYPTO frames shuffled inside one
	# Initial, with PING and PADDING frames between them
	rng = random.Random(17)
	dcid = bytes(rng.randrange(256) for _ in range(8))
	hs = client_hello("web.telegram.org", alpn=(b"h3",), seed=17, quic=True)
	cuts = [0, 37, 120, 121, 260, len(hs)]
	frames = [crypto_frame(cuts[i], hs[cuts[i]:cuts[i + 1]])
	    for i in range(len(cuts) - 1)]
	order = [3, 0, 4, 2, 1]
	payload = b"\0" * 5
	for i in order:
		payload += frames[i] + b"\x01" + b"\0" * 3
	c.add(eth(ipl(CLIENT, SERVER) / UDP(sport=50040, dport=443) /
	    Raw(quic_initial(QUIC_V1, dcid, b"", payload))))


@case("quic_0rtt_first.pcap")
def _(c):
	# a resumed connection: two 0-RTT packets (type 1 in v1) reach the
	# capture before the Initial that opens the connection
	rng = random.Random(15)
	dcid = bytes(rng.randrange(256) for _ in range(8))
	scid = bytes(rng.randrange(256) for _ in range(8))
	hs = client_hello("mail.google.com", alpn=(b"h3",), seed=15, quic=True)
	initial = quic_initial(QUIC_V1, dcid, scid, crypto_frame(0, hs))
	for pn in (1, 2):
		body = rand_bytes(300, 16 + pn)
		zrtt = (u8(0xd1) + struct.pack("!I", QUIC_V1) + v8(dcid) + v8(scid) +
		    u16(0x4000 | (2 + len(body))) + u16(pn) + body)
		c.add(eth(ipl(CLIENT, SERVER) / UDP(sport=50030, dport=443) /
		    Raw(zrtt)))
	c.add(eth(ipl(CLIENT, SERVER) / UDP(sport=50030, dport=443) /
	    Raw(initial)))


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


@case("im_addr_sni.pcap")
def _(c):
	# a TLS flow to a listed range names its SNI (not on any list)
	tls_flow(c, "cdn.example.org", srv="149.154.167.52", sport=44008)


@case("im_addr_mid_flow.pcap")
def _(c):
	# a TCP connection to a Telegram range joined mid-way on a port that
	# says nothing: the listed address is the server
	t = Tcp(c, srv="149.154.167.53", sport=44009, dport=8888)
	t.send(rand_bytes(200, 12), False)
	t.send(rand_bytes(64, 13))
	t.close()


# --- IM without a name: UDP signatures (sensor/im.c im_detect_udp)

def udp_pair(c, srv, sport, dport, datagrams, cli=CLIENT):
	"""datagrams: (from_client, payload) in order."""
	for up, data in datagrams:
		if up:
			c.add(eth(ipl(cli, srv) / UDP(sport=sport, dport=dport) /
			    Raw(data)))
		else:
			c.add(eth(ipl(srv, cli) / UDP(sport=dport, dport=sport) /
			    Raw(data)))


def discord_ipd(kind, ssrc, addr=b"", port=0):
	"""Discord voice IP discovery: type, length 70, SSRC, 64-byte
	NUL-padded address, port."""
	return (u16(kind) + u16(70) + struct.pack("!I", ssrc) +
	    addr.ljust(64, b"\0") + u16(port))


def rtp_like(n, seed):
	return b"\x90\x78" + rand_bytes(n - 2, seed)


@case("discord_voice.pcap")
def _(c):
	udp_pair(c, "66.22.196.20", 45000, 50004, [
	    (True, discord_ipd(1, 0xace3)),
	    (False, discord_ipd(2, 0xace3, b"203.0.113.7", 45000)),
	    (False, rtp_like(120, 1)), (True, rtp_like(60, 2))])


@case("discord_voice_cloud.pcap")
def _(c):
	# a voice server in a cloud region: known by its bytes only
	udp_pair(c, "198.18.3.2", 45001, 50001, [
	    (True, discord_ipd(1, 0x24b18)),
	    (False, discord_ipd(2, 0x24b18, b"203.0.113.7", 45001)),
	    (False, rtp_like(300, 3))])


@case("discord_mid_flow.pcap")
def _(c):
	# joined mid-call: the server speaks first, then keepalives
	udp_pair(c, "66.22.242.10", 54935, 50001, [
	    (False, rtp_like(52, 4)), (False, rtp_like(52, 5)),
	    (True, b"\x13\x37\xca\xfe\x01\x00\x00\x00"),
	    (False, b"\x13\x37\xca\xfe\x01\x00\x00\x00"),
	    (True, rtp_like(60, 6))])


@case("discord_near_miss.pcap")
def _(c):
	srv = "198.18.3.3"
	bad = [
	    discord_ipd(1, 7, b"203.0.113.7"),	# a request carries no address
	    discord_ipd(3, 7),			# no such type
	    discord_ipd(1, 7)[:2] + u16(71) + discord_ipd(1, 7)[4:],
	    discord_ipd(1, 7) + b"\0",		# 75 bytes
	    discord_ipd(1, 7, b"not-an-ip"),
	    b"\x13\x37\xca\xfd\x01\x00\x00\x00",
	    b"\x13\x37\xca\xfe\x01\x00\x00\x00\x00",
	]
	for i, d in enumerate(bad):
		udp_pair(c, srv, 45100 + i, 50004, [(True, d)])
	# (a response is Discord's whichever way it goes: a capture that
	# starts mid-way sees the server's first; stun.c, either way)


def oicq(command, number=1444875387, version=0x3b0b, seq=23, body=16):
	return (b"\x02" + u16(version) + u16(command) + u16(seq) +
	    struct.pack("!I", number) + rand_bytes(body, command) + b"\x03")


@case("oicq.pcap")
def _(c):
	udp_pair(c, "198.18.3.4", 45200, 8000, [(True, oicq(0x0001))])
	udp_pair(c, "198.18.3.4", 45201, 8000, [(True, oicq(0x0022,
	    version=0x0e1b))])


@case("oicq_near_miss.pcap")
def _(c):
	good = oicq(0x0001)
	bad = [
	    good[:-1] + b"\x04",		# no end byte
	    b"\x03" + good[1:],		# no start byte
	    oicq(0x0100),			# unknown command (a DNS flag word)
	    oicq(0x0000),
	    oicq(0x0001, number=0),
	    oicq(0x0001, version=0),
	    good[:7] + b"\x03",		# too short for a QQ number
	]
	for i, d in enumerate(bad):
		udp_pair(c, "198.18.3.5", 45300 + i, 8000, [(True, d)])


@case("imo.pcap")
def _(c):
	ping = b"\x09\x02" + struct.pack("!I", 0xdc9a0200) + b"\0" * 4
	pong = b"\x09\x03" + ping[2:]
	udp_pair(c, "198.18.3.6", 45400, 57604, [(True, rand_bytes(1, 1)),
	    (True, ping), (False, pong)])
	udp_pair(c, "198.18.3.7", 45401, 36535, [
	    (True, b"\x81\x3c" + rand_bytes(198, 2)),
	    (False, b"\x00" + pong)])


@case("imo_near_miss.pcap")
def _(c):
	ping = b"\x09\x02" + struct.pack("!I", 0xdc9a0200) + b"\0" * 4
	bad = [
	    ping[:9] + b"\x01",		# the tail is not zero
	    b"\x09\x04" + ping[2:],		# neither ping nor pong
	    b"\x00" + ping,			# the relay only answers pongs
	    ping + b"\0",			# 11 bytes without the lead
	    ping[:9],
	]
	for i, d in enumerate(bad):
		udp_pair(c, "198.18.3.8", 45500 + i, 57604, [(True, d)])


DINGTALK_HELLO = (b"\x10\x64\x87\x80\x01\x00\x01\x00\x02\x00\x02"
    b"\x64\x6b\x03\x00\x20")


@case("dingtalk_tcp.pcap")
def _(c):
	t = Tcp(c, srv="198.18.3.9", sport=45600, dport=443)
	t.open()
	t.send(DINGTALK_HELLO + rand_bytes(88, 10), sizes=[9])
	t.ack()
	t.close()


@case("dingtalk_near_miss.pcap")
def _(c):
	t = Tcp(c, srv="198.18.3.10", sport=45601, dport=443)
	t.open()
	t.send(DINGTALK_HELLO[:12] + b"\x6c" + DINGTALK_HELLO[13:] +
	    rand_bytes(88, 11))
	t.ack()
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


# --- STUN/TURN calls (sensor/stun.c): one per service, then hostile ones

BIND, BIND_OK, ALLOC, ALLOC_OK, ALLOC_ERR = 0x0001, 0x0101, 0x0003, 0x0103, 0x0113
TID = bytes(range(1, 13))


def turn_realm(realm, user=b"1767225600:4242", software=None):
	"""A TURN allocation: 401 with REALM and NONCE, then the authenticated
	request (USERNAME, REALM, NONCE, MESSAGE-INTEGRITY), then success."""
	sw = stun_attr(0x8022, software) if software else b""
	first = stun_msg(ALLOC, stun_attr(0x0019, b"\x11\0\0\0") + sw, tid=TID)
	err = stun_msg(ALLOC_ERR, stun_attr(0x0009, b"\0\0\x04\x01"
	    b"Unauthorized") + stun_attr(0x0014, realm) + stun_attr(0x0015,
	    b"nonce-0123456789"), tid=TID)
	auth = stun_msg(ALLOC, stun_attr(0x0019, b"\x11\0\0\0") +
	    stun_attr(0x0006, user) + stun_attr(0x0014, realm) +
	    stun_attr(0x0015, b"nonce-0123456789") + stun_attr(0x0008,
	    b"\xaa" * 20), tid=TID[::-1])
	ok = stun_msg(ALLOC_OK, stun_attr(0x0016, stun_xor_addr("198.18.7.7",
	    50123, TID[::-1])) + stun_attr(0x0020, stun_xor_addr(CLIENT, 50000,
	    TID[::-1])) + stun_attr(0x000d, b"\0\0\x02\x58"), tid=TID[::-1])
	return [first, ("s", err), auth, ("s", ok)]


def ice_check(extra=b"", tid=TID):
	"""An ICE connectivity check as every WebRTC client sends it."""
	return stun_msg(BIND, stun_attr(0x0006, b"aB3d:xY9z") + stun_attr(0xc057,
	    b"\0\x01\0\x0a") + stun_attr(0x802a, b"\x01" * 8) +
	    stun_attr(0x0024, b"\x6e\x7f\x1e\xff") + extra +
	    stun_attr(0x0008, b"\xbb" * 20), tid=tid)


@case("stun_whatsapp.pcap")
def _(c):
	# WhatsApp's relay allocation: vendor attribute 0x4000 out, 0x4002 back
	req = stun_msg(ALLOC, stun_attr(0x4000, bytes(range(102))) +
	    stun_attr(0x0008, b"\xcc" * 20), tid=TID, fingerprint=False)
	ok = stun_msg(ALLOC_OK, stun_attr(0x0020, stun_xor_addr(CLIENT, 50000,
	    TID)) + stun_attr(0x4002, b"\0\0\x01\x6b\x8e\x03\xa3\xb3"),
	    tid=TID, fingerprint=False)
	stun_udp(c, [req, ("s", ok)], srv="198.18.31.48")


@case("stun_whatsapp_badfp.pcap")
def _(c):
	# the same vendor attribute under a wrong FINGERPRINT: not STUN
	req = stun_msg(ALLOC, stun_attr(0x4000, bytes(range(102))), tid=TID,
	    bad_fingerprint=True)
	stun_udp(c, [req, req, req, req, req], srv="198.18.31.48")


@case("stun_signal.pcap")
def _(c):
	stun_udp(c, turn_realm(b"signal.org", software=b"None"),
	    srv="198.18.35.167")


@case("stun_telegram.pcap")
def _(c):
	stun_udp(c, turn_realm(b"telegram.org"), srv="198.18.9.35", dport=1400)


@case("stun_messenger.pcap")
def _(c):
	stun_udp(c, turn_realm(b"turner.facebook", user=b"Mf2h9Hi5aPMRplF1"),
	    srv="198.18.86.54", dport=40003)


@case("stun_viber.pcap")
def _(c):
	stun_udp(c, turn_realm(b"viber.com"), srv="198.18.50.5")


@case("stun_google_realm.pcap")
def _(c):
	stun_udp(c, turn_realm(b"turn.l.google.com"), srv="198.18.247.128",
	    dport=19305)


@case("stun_meta_edgeray.pcap")
def _(c):
	req = stun_msg(BIND, stun_attr(0x0006,
	    b"EDGERAY_DEFAULT_USERNAME:EDGERAY_DEFAULT_USERNAME") +
	    stun_attr(0x0008, b"\xdd" * 20), tid=TID)
	stun_udp(c, [req], cli=CLIENT6, srv="fd00:99::10")


@case("stun_meta_whatsapp.pcap")
def _(c):
	# Meta's edge relay first, then WhatsApp's allocation on the same flow
	edge = stun_msg(BIND, stun_attr(0x0006,
	    b"EDGERAY_DEFAULT_USERNAME:EDGERAY_DEFAULT_USERNAME"), tid=TID)
	req = stun_msg(ALLOC, stun_attr(0x4001, bytes(range(102))),
	    tid=TID[::-1], fingerprint=False)
	stun_udp(c, [edge, req], cli=CLIENT6, srv="fd00:99::31")


@case("stun_meta_addr6.pcap")
def _(c):
	# Meta numbers its hosts ...:face:b00c:...
	stun_udp(c, [ice_check()], cli=CLIENT6, srv="2a03:2880:f0ff:c:face:b00c:0:74fd")


@case("stun_meet_relay.pcap")
def _(c):
	# a plain ICE check to a Google Meet media address (call_relays_meet)
	stun_udp(c, [ice_check(), ("s", stun_msg(BIND_OK, stun_attr(0x0020,
	    stun_xor_addr(CLIENT, 50000, TID)), tid=TID))], srv="142.250.82.99",
	    dport=3478)


@case("stun_teams.pcap")
def _(c):
	# Microsoft's MS-IMPLEMENTATION-VERSION in an ICE check
	stun_udp(c, [ice_check(stun_attr(0x8070, b"\0\0\0\x03"))],
	    srv="198.18.40.49", dport=60642)


@case("stun_teams_relay.pcap")
def _(c):
	stun_udp(c, [ice_check()], srv="52.114.250.141", dport=3478)


@case("stun_discord.pcap")
def _(c):
	req = struct.pack("!HHI", 1, 70, 0x0001e240) + b"\0" * 66
	ans = (struct.pack("!HHI", 2, 70, 0x0001e240) +
	    b"203.0.113.9".ljust(64, b"\0") + struct.pack("!H", 50000))
	stun_udp(c, [req, ("s", ans)], srv="198.18.66.1", dport=50007)


@case("stun_unknown.pcap")
def _(c):
	# a bare Binding to a public STUN server and ICE checks: STUN, no one
	bare = stun_msg(BIND, tid=TID, fingerprint=False)
	ok = stun_msg(BIND_OK, stun_attr(0x0020, stun_xor_addr(CLIENT, 50000,
	    TID)), tid=TID)
	stun_udp(c, [bare, ("s", ok), ice_check(tid=TID[::-1])],
	    srv="198.18.121.127", dport=19302)


@case("stun_classic.pcap")
def _(c):
	# RFC 3489: no magic cookie, MAPPED-ADDRESS in the answer
	tid = b"\x42" * 16
	req = struct.pack("!HH", BIND, 8) + tid + stun_attr(0x0003, b"\0" * 4)
	ans = (struct.pack("!HH", BIND_OK, 12) + tid + stun_attr(0x0001,
	    b"\0\x01\xc3\x50" + socket.inet_aton(CLIENT)))
	stun_udp(c, [req, ("s", ans)], srv="198.18.3.4")


@case("stun_limit.pcap")
def _(c):
	stun_udp(c, [ice_check(tid=bytes([i]) * 12) for i in range(1, 4)],
	    srv="198.18.121.9", dport=3478)


@case("stun_tcp_signal.pcap")
def _(c):
	# TURN over TCP: messages back to back, ChannelData between them
	t = Tcp(c, sport=41000, dport=3478)
	t.open()
	msgs = [m for m in turn_realm(b"signal.org") if not isinstance(m, tuple)]
	chan = struct.pack("!HH", 0x4000, 5) + b"hello" + b"\0" * 3
	t.send(msgs[0] + chan + msgs[1], sizes=[30, 7])
	t.ack()
	t.close()


@case("stun_tcp_framed_teams.pcap")
def _(c):
	# ICE-TCP (RFC 4571 framing) toward a Teams relay address
	t = Tcp(c, sport=41001, dport=443, srv="52.113.194.132")
	t.open()
	m = ice_check()
	t.send(struct.pack("!H", len(m)) + m)
	t.ack()
	t.close()


@case("stun_tcp_classic.pcap")
def _(c):
	# RFC 3489 defines no TCP: bytes that would pass as classic STUN on
	# a TCP stream are something else (a proxy's binary protocol)
	t = Tcp(c, sport=41002, dport=8080)
	t.open()
	t.send(struct.pack("!HH", BIND, 8) + b"\x42" * 16 + stun_attr(0x0003,
	    b"\0" * 4))
	t.ack()
	t.close()


@case("stun_hostile.pcap")
def _(c):
	# every one carries a service signal a careless parser would believe
	wa = stun_attr(0x4000, bytes(range(16)))
	ms = stun_attr(0x0014, b"signal.org")
	body = wa + ms
	bad = [
	    # attribute length past the message
	    struct.pack("!HHI", ALLOC, len(body), STUN_COOKIE) + TID +
	    struct.pack("!HH", 0x4000, 200) + body[4:],
	    # message length past the datagram
	    struct.pack("!HHI", ALLOC, len(body) + 64, STUN_COOKIE) + TID + body,
	    # truncated attribute header
	    struct.pack("!HHI", ALLOC, 4, STUN_COOKIE) + TID + b"\x40\0",
	    # length not a multiple of 4
	    struct.pack("!HHI", ALLOC, 2, STUN_COOKIE) + TID + b"\x40\0",
	    # FINGERPRINT not last
	    struct.pack("!HHI", ALLOC, 8 + len(ms), STUN_COOKIE) + TID +
	    struct.pack("!HHI", 0x8028, 4, 0) + ms,
	    # 16,000 empty attributes, then a realm past the end
	    struct.pack("!HHI", ALLOC, 64000, STUN_COOKIE) + TID +
	    struct.pack("!HH", 0x8001, 0) * 15998 + struct.pack("!HH", 0x0014,
	    40) + b"signal.org",
	]
	for i, m in enumerate(bad):
		stun_udp(c, [m, m, m, m, m], sport=51000 + i, srv="198.18.99.%d" %
		    (i + 1))


@case("stun_many_attrs.pcap")
def _(c):
	# 16,000 attributes, all bounded by the message: parsed, no service
	attrs = struct.pack("!HH", 0x8001, 0) * 16000
	stun_udp(c, [stun_msg(BIND, attrs, tid=TID)], srv="198.18.99.50")


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
