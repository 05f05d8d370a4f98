#!/usr/bin/python3
"""tests/bench/gen_alerts.py N OUT - write N alert lines like the milter's
and the sensor's (policy/alert.c, /work/notes/sensor-contract.md): about
half mail, half network, over 30 days, deterministic (seeded).  Also used
by the report's rendering test to make a realistic log."""
import random
import sys

MAIL_RULES = [
    ("attach.dangerous-extension", "1.1", "reject"),
    ("virus.found", "1.1", "reject"),
    ("attach.executable", "1.1", "quarantine"),
    ("spam.subject", "1.2", "tag"),
    ("syntax.date-missing", "1.3", "reject"),
    ("syntax.header-8bit", "1.3", "log"),
    ("segmentation.partial", "1.4", "reject"),
    ("mail.outbound-to-freemail", "3.1", "log"),
]
NET = [
    ("network.webmail", "3.1", "webmail", "webmail",
     ["gmail.com", "outlook.live.com", "mail.yahoo.com", "proton.me"]),
    ("network.webmail.upload", "3.1", "upload", "webmail",
     ["gmail.com", "outlook.live.com"]),
    ("network.im", "3.2", "im", "im",
     ["whatsapp.net", "telegram.org", "discord.com", "signal.org"]),
    ("network.im.port", "3.2", "im", "im", ["tcp/6667", "tcp/5222"]),
    ("network.doh", "3.2", "doh", "doh", ["dns.google", "cloudflare-dns.com"]),
]
AGENCIES = ["DEP", "DOR", "EOHHS", "MassDOT", None]


def main():
    n = int(sys.argv[1])
    out = open(sys.argv[2], "w")
    rnd = random.Random(6)
    base = 1793491200  # 2026-11-01T00:00:00Z
    span = 30 * 86400
    w = out.write
    for i in range(n):
        t = base + span * i // n
        us = rnd.randrange(1000000)
        ts = "%s.%06d+0000" % (stamp(t), us)
        ag = rnd.choice(AGENCIES)
        agj = '"%s"' % ag if ag else "null"
        if rnd.random() < 0.5:
            rule, pol, act = rnd.choice(MAIL_RULES)
            exc = "null"
            extra = ""
            if ag and rnd.random() < 0.03:
                exc = '"EX-2026-%04d"' % rnd.randrange(1, 6)
                extra = ',"intended":"%s"' % act
                act = "log"
            w('{"timestamp":"%s","event_type":"mail","src_ip":"192.0.2.%d",'
              '"queue_id":"4Q%07X","rule":"%s","policy":"%s","action":"%s"%s,'
              '"verdict":"%s","agency":%s,"direction":"%s","exception":%s,'
              '"mail_from":"user%d@%s.mass.example","rcpt_to":'
              '["clerk%d@example.org"],"filename":"invoice%d.exe"}\n'
              % (ts, rnd.randrange(1, 255), i & 0xFFFFFFF, rule, pol, act,
                 extra, act, agj, rnd.choice(["inbound", "outbound"]), exc,
                 rnd.randrange(500), (ag or "other").lower(),
                 rnd.randrange(100), i % 1000))
        else:
            rule, pol, et, cat, svcs = rnd.choice(NET)
            svc = rnd.choice(svcs)
            exc = ""
            if ag and rnd.random() < 0.03:
                exc = ',"exception":"EX-2026-%04d"' % rnd.randrange(1, 6)
            agf = ',"agency":"%s"' % ag if ag else ""
            w('{"timestamp":"%s","event_type":"%s","flow_id":%d,'
              '"src_ip":"10.%d.%d.%d","src_port":%d,"dest_ip":"203.0.113.%d",'
              '"dest_port":443,"proto":"TCP","app_proto":"tls","rule":"%s",'
              '"policy":"%s","category":"%s","action":"log","service":"%s",'
              '"hostname":"www.%s","name_source":"tls.sni",'
              '"bytes_toserver":%d,"bytes_toclient":%d%s%s}\n'
              % (ts, et, i, rnd.randrange(20, 40), rnd.randrange(8),
                 rnd.randrange(1, 60), rnd.randrange(1024, 65535),
                 rnd.randrange(1, 255), rule, pol, cat, svc, svc,
                 rnd.randrange(100000), rnd.randrange(1000000), agf, exc))
    out.close()


_cache = {}


def stamp(t):
    import time
    day = t - t % 86400
    if day not in _cache:
        _cache[day] = time.strftime("%Y-%m-%d", time.gmtime(day))
    s = t % 86400
    return "%sT%02d:%02d:%02d" % (_cache[day], s // 3600, s // 60 % 60, s % 60)


if __name__ == "__main__":
    main()
