#!/usr/bin/python3
# make-capture-seeds.py - seeds for fuzz_capture from real captures: the
# first packets of a few nDPI corpus files (TLS with a split ClientHello,
# QUIC v1/v2/draft-29, DNS, HTTP, XMPP, IRC, WhatsApp, tunnels, fragments,
# link types), rewritten as fuzz_capture records
#   lt u8 (index in fuzz_capture's table), dt u8 (ms), len u16be, frame.
# Usage: /usr/bin/python3 tests/fuzz/make-capture-seeds.py CORPUS_DIR OUT_DIR
import os
import struct
import sys

from scapy.utils import RawPcapReader, RawPcapNgReader

TABLE = [1, 113, 276, 101, 0, 108, 228, 229, 12, 14, 147]
PICK = {
    "443-chrome.pcap": 4, "443-firefox.pcap": 8, "tls_ech.pcapng": 10,
    "quic-29.pcap": 4, "quic-v2.pcapng": 4, "quic_frags_ch_in_multiple_packets.pcapng": 6,
    "dns.pcap": 6, "dns_doh.pcap": 6, "jabber.pcap": 12, "irc.pcap": 10,
    "whatsapp_login_chat.pcap": 12, "http-lines-split.pcap": 10, "http_ipv6.pcap": 6, "KakaoTalk_chat.pcap": 6, "dingtalk.pcap": 6,
    "4in6tunnel.pcap": 6, "6in4tunnel.pcap": 6, "gre.pcapng": 6, "ip_fragmented_garbage.pcap": 8, "tls_missing_ch_frag.pcap": 8,
    "dns_fragmented.pcap": 6, "sites.pcapng": 20,
    "vxlan.pcap": 6,
}
MAX_BYTES = 16384


def reader(path):
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic == b"\x0a\x0d\x0d\x0a":
        return RawPcapNgReader(path)
    return RawPcapReader(path)


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for name, count in sorted(PICK.items()):
        path = os.path.join(src, name)
        if not os.path.exists(path):
            continue
        r = reader(path)
        lt = getattr(r, "linktype", 1)
        if lt not in TABLE:
            continue
        data = bytearray()
        last = None
        for i, (frame, meta) in enumerate(r):
            if i >= count:
                break
            t = getattr(meta, "sec", 0) * 1000 + getattr(meta, "usec", 0) // 1000 \
                if hasattr(meta, "sec") else 0
            dt = 0 if last is None else max(0, min(127, t - last))
            last = t
            frame = bytes(frame)[:4096]
            rec = struct.pack(">BBH", TABLE.index(lt), dt, len(frame)) + frame
            if len(data) + len(rec) > MAX_BYTES:
                break
            data += rec
        if data:
            base = os.path.splitext(name)[0]
            with open(os.path.join(out, "pcap-" + base), "wb") as f:
                f.write(data)


main()
