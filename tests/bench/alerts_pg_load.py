#!/usr/bin/python3
"""tests/bench/alerts_pg_load.py IN OUT - turn an alert log (gen_alerts.py)
into COPY text rows for msgsec_alert (at, gateway, policy_hash, line), the
way pgstore/pgalert.c sends them: four gateways taking turns, one policy
hash."""
import sys


def main():
    src = open(sys.argv[1], "rb")
    out = open(sys.argv[2], "wb")
    gws = [b"gw-a", b"gw-b", b"gw-c", b"gw-d"]
    w = out.write
    for i, line in enumerate(src):
        line = line.rstrip(b"\n")
        at = line[14:line.index(b'"', 14)]
        esc = line.replace(b"\\", b"\\\\")
        w(at + b"\t" + gws[i & 3] + b"\t4b9323e23a84\t" + esc + b"\n")
    out.close()


if __name__ == "__main__":
    main()
