#!/usr/bin/python3
"""Blocked-message throughput, folder store against the records database
(issue 14): smtp-source sends 20 KB messages that all carry an .exe
attachment (attach.dangerous-extension: reject, with the stored copy
clause 5 keeps) through a private Postfix to msgsec-milter, 20 sessions;
one milter stores in the folder store, one in PostgreSQL (the private
cluster quarantine_bench.sh started: PG_DSN), side by side in one run,
the modes interleaved over several rounds, the median kept.  Each run's
stored count is checked (a tempfail is no stored copy: a run that stored
fewer than it sent is reported, as its figure would flatter the store).
Prints figures; never passes or fails on time.  Run as root inside
`unshare --net`.
"""
import os
import shutil
import subprocess
import sys
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "milter"))
import postfix_e2e as pf  # noqa: E402

O = os.environ.get("O", "build/bench")
MILTER = os.path.join(TOP, O, "msgsec-milter")
MSGSEC = os.path.join(TOP, O, "msgsec")
DSN = os.environ["PG_DSN"]
PSQL = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", DSN]
SESSIONS = int(os.environ.get("BENCH_SESSIONS", "20"))
MESSAGES = int(os.environ.get("BENCH_MESSAGES", "1000"))
SIZE = int(os.environ.get("BENCH_SIZE", "20000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
POOL = os.environ.get("BENCH_POOL")  # quarantine.pool, default the shipped one


def message(path, size):
    """A message of about size bytes (LF line ends: smtp-source -F adds
    CRLF), an .exe attachment among text."""
    head = ("From: sender@example.org\nTo: user@dep.mass.example\n"
            "Subject: invoice\nDate: Tue, 01 Dec 2026 10:00:00 +0000\n"
            "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n"
            "--b\nContent-Type: text/plain\n\n")
    att = ("--b\nContent-Type: application/octet-stream; name=\"setup.exe\"\n"
           "Content-Disposition: attachment; filename=\"setup.exe\"\n"
           "Content-Transfer-Encoding: base64\n\n"
           "TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
           "--b--\n")
    line = "The quarterly figures are attached; please review them today.\n"
    text = line * max(1, (size - len(head) - len(att)) // len(line))
    with open(path, "w") as f:
        f.write(head + text + att)


def source(w, n):
    t0 = time.time()
    subprocess.run(["smtp-source", "-A", "-s", str(SESSIONS), "-m", str(n), "-F",
                    os.path.join(w, "msg.txt"), "-f", "sender@example.org",
                    "-t", "user@dep.mass.example", "127.0.0.1:10025"],
                   capture_output=True)
    return time.time() - t0


def postconf(w, setting):
    subprocess.run(["postconf", "-c", os.path.join(w, "conf"), "-e", setting], check=True)
    subprocess.run(["postfix", "-c", os.path.join(w, "conf"), "reload"],
                   capture_output=True, check=True)
    time.sleep(1.5)


def psql(sql):
    return subprocess.run(PSQL + ["-c", sql], capture_output=True, text=True,
                          check=True).stdout.strip()


def folder_count(q):
    return sum(1 for e in os.listdir(q) if not e.startswith(".")) if os.path.isdir(q) else 0


def clear(q):
    for e in os.listdir(q) if os.path.isdir(q) else ():
        if not e.startswith("."):
            shutil.rmtree(os.path.join(q, e), ignore_errors=True)
    psql("TRUNCATE msgsec_pass, msgsec_message")


def median(v):
    return sorted(v)[len(v) // 2]


def main():
    if os.geteuid() != 0:
        print("quarantine bench: needs root (skipped)")
        return 0
    # Rejected mail is never delivered, so Postfix's flow control (a pause
    # of up to in_flow_delay before each new message while arrivals
    # outrun deliveries) would hold every session to a message a second,
    # whatever the store.
    w = pf.instance("msgsec-qbench.", "in_flow_delay = 0\n")
    for d in ("qfiles", "qdb"):
        os.makedirs(os.path.join(w, d))
        shutil.chown(os.path.join(w, d), "nobody")
    message(os.path.join(w, "msg.txt"), SIZE)
    env = dict(os.environ, MAIL_CONFIG=os.path.join(w, "conf"))
    conf = os.path.join(TOP, "rules", "msgsec.yaml")
    dbset = ["--set", "quarantine.backend=postgresql", "--set", "quarantine.dsn=" + DSN]
    subprocess.run([MSGSEC, "db", "init", "-c", conf] + dbset, check=True,
                   capture_output=True)
    common = ["-f", "-c", conf, "--set", "alerts.file=%s/alerts.json" % w,
              "--set", "milter.socket_mode=0666", "--set", "clamav.enabled=false",
              "-u", "nobody"]
    files = subprocess.Popen(
        [MILTER, "-p", "unix:%s/files.sock" % w] + common +
        ["--set", "paths.quarantine=%s/qfiles" % w],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = subprocess.Popen(
        [MILTER, "-p", "unix:%s/db.sock" % w] + common + dbset +
        ["--set", "paths.quarantine=%s/qdb" % w] +
        (["--set", "quarantine.pool=" + POOL] if POOL else []),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sink = subprocess.Popen(["smtp-sink", "-u", "nobody", "127.0.0.1:10026", "256"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["postfix", "-c", os.path.join(w, "conf"), "start"], env=env,
                   capture_output=True, check=True)
    try:
        pf.wait_port(10025)
        pf.wait_for(lambda: os.path.exists(os.path.join(w, "files.sock")))
        pf.wait_for(lambda: os.path.exists(os.path.join(w, "db.sock")))
        modes = (("folder store", "files.sock", lambda: folder_count(os.path.join(w, "qfiles"))),
                 ("postgresql", "db.sock", lambda: int(psql("SELECT count(*) FROM msgsec_message"))))
        runs = {name: [] for name, _, _ in modes}
        short = {name: [] for name, _, _ in modes}
        for _ in range(ROUNDS):
            for name, sock, count in modes:
                postconf(w, "smtpd_milters = unix:%s/%s" % (w, sock))
                source(w, 50)  # warm up (the pool's connections made)
                clear(os.path.join(w, "qfiles"))
                t = source(w, MESSAGES)
                stored = count()
                runs[name].append(MESSAGES / t)
                if stored != MESSAGES:
                    short[name].append(stored)
        clear(os.path.join(w, "qfiles"))
        print("blocked-message throughput: smtp-source -s %d -m %d, %d-byte messages with an"
              " .exe attachment (rejected, a copy stored), private Postfix, median of %d"
              " interleaved rounds" % (SESSIONS, MESSAGES, os.path.getsize(
                  os.path.join(w, "msg.txt")), ROUNDS))
        res = {}
        for name, _, _ in modes:
            res[name] = median(runs[name])
            print("  %-14s %8.0f msg/s  (runs: %s)%s" % (
                name, res[name], " ".join("%.0f" % x for x in runs[name]),
                "  STORED FEWER: %s of %d" % (short[name], MESSAGES) if short[name] else ""))
        r = res["postgresql"] / res["folder store"]
        print("  postgresql at %.0f%% of the folder store's messages/s (target >= 90%%: %s)"
              % (100 * r, "met" if r >= 0.9 else "NOT met"))
    finally:
        pf.teardown(w, env, (files, db, sink))
    return 0


if __name__ == "__main__":
    sys.exit(main())
