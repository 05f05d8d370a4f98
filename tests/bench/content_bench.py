#!/usr/bin/python3
"""Content inspection throughput (issue 4): a mixed corpus (text mail, PDF,
office documents, zips of data files) sent by 20 concurrent SMTP clients
into a private Postfix relaying to smtp-sink, in one run: Postfix alone,
msgsec-milter with virus scanning, and clamav-milter in front of clamd
with the same signature database.  Prints messages/s and the time each
message spends in DATA (median and 99th percentile).  Figures only.
Run as root inside `unshare --net` (run.sh does).
"""
import os
import shutil
import smtplib
import statistics
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "milter"))
sys.path.insert(0, os.path.join(TOP, "tests", "content"))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import postfix_e2e as pf  # noqa: E402
import content_cases as cc  # noqa: E402
from msgsec_test import clamav_db  # noqa: E402

O = os.environ.get("O", "build/bench")
N = int(os.environ.get("BENCH_MESSAGES", "1500"))
SESSIONS = 20


def corpus():
    text = "\r\n".join(["From: a@example.org", "To: user@dep.mass.example", "Subject: notes",
                        "Date: Sun, 22 Nov 2026 10:00:00 +0000", "", "Meeting notes.\r\n" * 200]).encode()
    pdf = cc.message([("report.pdf", cc.PDF * 40, "application/pdf")])
    docx = cc.message([("memo.docx", cc.docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")])
    zips = cc.message([("readings.zip", cc.zipped([("a.csv", cc.CSV * 300), ("b.csv", cc.CSV * 300)]), "application/zip")])
    return [text, pdf, docx, zips]


def run(msgs):
    lat = []
    lock = threading.Lock()
    count = [0]

    def worker():
        s = smtplib.SMTP("127.0.0.1", 10025, timeout=120)
        s.ehlo("client.example")
        while True:
            with lock:
                if count[0] >= N:
                    break
                i = count[0]
                count[0] += 1
            m = msgs[i % len(msgs)]
            t0 = time.time()
            s.sendmail("sender@example.org", ["user@dep.mass.example"], m)
            with lock:
                lat.append(time.time() - t0)
        s.quit()

    t0 = time.time()
    th = [threading.Thread(target=worker) for _ in range(SESSIONS)]
    for t in th:
        t.start()
    for t in th:
        t.join()
    return N / (time.time() - t0), lat


def main():
    if os.geteuid() != 0:
        print("content bench: needs root (skipped)")
        return 0
    w = tempfile.mkdtemp(prefix="msgsec-cbench.")
    os.chmod(w, 0o755)
    for d in ("conf", "queue", "data", "db"):
        os.makedirs(os.path.join(w, d), exist_ok=True)
    shutil.chown(os.path.join(w, "data"), "postfix")
    db = clamav_db()
    for f in os.listdir(db):
        shutil.copy(os.path.join(db, f), os.path.join(w, "db", f))
    with open(os.path.join(w, "conf", "main.cf"), "w") as f:
        f.write(pf.MAIN_CF.format(w=w).replace("smtpd_milters = unix:%s/milter.sock" % w,
                                               "smtpd_milters ="))
    with open(os.path.join(w, "conf", "master.cf"), "w") as f:
        f.write(pf.MASTER_CF)
    procs = [subprocess.Popen(["smtp-sink", "-u", "nobody", "127.0.0.1:10026", "256"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    env = dict(os.environ, MAIL_CONFIG=os.path.join(w, "conf"))
    subprocess.run(["postfix", "-c", os.path.join(w, "conf"), "start"], env=env,
                   capture_output=True, check=True)
    pf.wait_port(10025)
    t0 = time.time()
    procs.append(subprocess.Popen(
        [os.path.join(TOP, O, "msgsec-milter"), "-f", "-c", os.path.join(TOP, "rules", "msgsec.yaml"),
         "-p", "unix:%s/msgsec.sock" % w, "--set", "paths.quarantine=%s/q" % w,
         "--set", "alerts.file=%s/alerts.json" % w, "--set", "milter.socket_mode=0666",
         "--set", "clamav.database=%s/db" % w, "-u", "nobody"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    pf.wait_for(lambda: os.path.exists(os.path.join(w, "msgsec.sock")))
    msgsec_start = time.time() - t0
    modes = [("postfix alone", ""), ("msgsec-milter (libclamav)", "unix:%s/msgsec.sock" % w)]
    if shutil.which("clamd") and shutil.which("clamav-milter"):
        with open(os.path.join(w, "clamd.conf"), "w") as f:
            f.write("LocalSocket %s/clamd.sock\nLocalSocketMode 666\nDatabaseDirectory %s/db\n"
                    "Foreground yes\nTemporaryDirectory /dev/shm\nMaxThreads 20\n" % (w, w))
        with open(os.path.join(w, "cm.conf"), "w") as f:
            f.write("MilterSocket unix:%s/cm.sock\nMilterSocketMode 666\nClamdSocket unix:%s/clamd.sock\n"
                    "Foreground yes\nOnInfected Reject\nOnFail Defer\nAddHeader No\nMaxThreads 20\n" % (w, w))
        procs.append(subprocess.Popen(["clamd", "-c", os.path.join(w, "clamd.conf")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        pf.wait_for(lambda: os.path.exists(os.path.join(w, "clamd.sock")))
        procs.append(subprocess.Popen(["clamav-milter", "-c", os.path.join(w, "cm.conf")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        pf.wait_for(lambda: os.path.exists(os.path.join(w, "cm.sock")))
        modes.append(("clamav-milter + clamd", "unix:%s/cm.sock" % w))
    msgs = corpus()
    results = []
    try:
        for name, milters in modes:
            pf_conf = os.path.join(w, "conf")
            subprocess.run(["postconf", "-c", pf_conf, "-e", "smtpd_milters = " + milters], check=True)
            subprocess.run(["postfix", "-c", pf_conf, "reload"], capture_output=True, check=True)
            time.sleep(1.5)
            rate, lat = run(msgs)
            lat.sort()
            results.append((name, rate, statistics.median(lat), lat[int(len(lat) * 0.99) - 1]))
        print("content bench: %d messages (text, PDF, docx, zip of CSVs), %d SMTP sessions, "
              "same test signature database" % (N, SESSIONS))
        base = results[0]
        for name, rate, med, p99 in results:
            print("  %-28s %6.0f msg/s %5.0f%% of Postfix alone  DATA median %5.1f ms  p99 %6.1f ms"
                  % (name, rate, 100 * rate / base[1], med * 1e3, p99 * 1e3))
        ms = dict((r[0], r) for r in results)
        if "clamav-milter + clamd" in ms:
            m, c = ms["msgsec-milter (libclamav)"], ms["clamav-milter + clamd"]
            print("  msgsec / clamav-milter: %.1fx (target 2x); msgsec / Postfix alone: %.0f%% (target 60%%)"
                  % (m[1] / c[1], 100 * m[1] / base[1]))
        print("  added latency per message (median): msgsec %+.1f ms" %
              ((ms["msgsec-milter (libclamav)"][2] - base[2]) * 1e3))
        print("  msgsec-milter start with the engine: %.2f s" % msgsec_start)
    finally:
        subprocess.run(["postfix", "-c", os.path.join(w, "conf"), "stop"], env=env, capture_output=True)
        for p in procs:
            p.kill()
            p.wait()
        shutil.rmtree(w, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
