#!/usr/bin/python3
"""Reload cost of msgsec-milter's virus engine, on a realistically sized
generated database (tests/data/make-big-clamav-db.py: 4,000,000 MD5 hash
and 150,000 body signatures; BENCH_RELOAD_HDB, BENCH_RELOAD_NDB change
it), for each clamav.reload mode (concurrent, blocking):

  start       time to build the first engine, memory after
  policy      a rule file edited + SIGHUP (the engine must be kept)
  database    a database file added + SIGHUP (the engine is rebuilt)

For each reload: wall time until the milter logs it done, CPU time the
milter spent meanwhile (/proc/PID/stat), peak resident memory during it
(VmHWM, reset first through /proc/PID/clear_refs), and the messages a
client sent meanwhile (miltertest, a clean message every
BENCH_RELOAD_PACE seconds, 0.1): how many, the slowest, how many took
over a second (delayed).  Prints figures; never passes or fails.  Needs
miltertest.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
O = os.environ.get("O", "build/bench")
MILTER = os.path.join(TOP, O, "msgsec-milter")
HDB = int(os.environ.get("BENCH_RELOAD_HDB", "4000000"))
NDB = int(os.environ.get("BENCH_RELOAD_NDB", "150000"))
TICK = os.sysconf("SC_CLK_TCK")
PACE = float(os.environ.get("BENCH_RELOAD_PACE", "0.1"))
# A clean message that waits as long as the milter may make it wait
# (clamav.reload_wait_seconds), not miltertest's default 10 s.
PACED_LUA = """dofile(dir .. "/common.lua")
mt.set_timeout(300)
run("bench", function()
	local conn = start("<sender@example.org>", { "<user@dep.mass.example>" })
	headers(conn, std_headers("minutes"))
	local r = body(conn, "Notes of the meeting.\\r\\n")
	if r ~= SMFIR_ACCEPT and r ~= SMFIR_CONTINUE then
		error("expected accept, got " .. tostring(r))
	end
	mt.disconnect(conn)
end)
"""


def status_kb(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for ln in f:
            if ln.startswith(field + ":"):
                return int(ln.split()[1])
    return 0


def cpu_secs(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def reset_peak(pid):
    try:
        with open("/proc/%d/clear_refs" % pid, "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def count(path, text):
    with open(path, errors="replace") as f:
        return f.read().count(text)


def wait_count(path, text, n, timeout=600):
    end = time.time() + timeout
    while time.time() < end:
        if count(path, text) >= n:
            return True
        time.sleep(0.02)
    return False


class Sender(threading.Thread):
    """Messages one after another, each timed (start, seconds, ok)."""

    def __init__(self, w, sock):
        super().__init__(daemon=True)
        self.w, self.sock, self.stop, self.sent = w, sock, False, []

    def run(self):
        while not self.stop:
            t0 = time.time()
            r = subprocess.run(["miltertest", "-D", "socket=unix:" + self.sock,
                                "-D", "dir=" + self.w, "-s",
                                os.path.join(self.w, "paced.lua")],
                               capture_output=True, text=True)
            self.sent.append((t0, time.time() - t0, r.stdout.startswith("ok")))
            time.sleep(PACE)

    def between(self, t0, t1):
        return [s for s in self.sent if s[0] + s[1] >= t0 and s[0] <= t1]


def mib(kb):
    return "%6.0f MiB" % (kb / 1024)


def measure(name, pid, snd, log, action, done_text, done_n):
    peak_ok = reset_peak(pid)
    c0, t0 = cpu_secs(pid), time.time()
    action()
    wait_count(log, done_text, done_n)
    t1 = time.time()
    time.sleep(1.0)		# the old engine freed, messages answered
    c1 = cpu_secs(pid)
    msgs = snd.between(t0, t1)
    slow = max([s[1] for s in msgs], default=0)
    delayed = sum(1 for s in msgs if s[1] > 1.0)
    failed = sum(1 for s in msgs if not s[2])
    print("  %-9s %7.2f s  cpu %6.2f s  peak %s  after %s  messages %3d, "
          "slowest %5.2f s, delayed %d, failed %d" %
          (name, t1 - t0, c1 - c0,
           mib(status_kb(pid, "VmHWM")) if peak_ok else "      n/a",
           mib(status_kb(pid, "VmRSS")), len(msgs), slow, delayed, failed))


def one_mode(w, db, mode):
    sock = os.path.join(w, "milter-%s.sock" % mode)
    log = os.path.join(w, "milter-%s.log" % mode)
    rules = os.path.join(w, "rules")
    marker = os.path.join(rules, "policy", "zz-bench.yaml")
    if os.path.exists(marker):
        os.unlink(marker)
    t0 = time.time()
    p = subprocess.Popen([MILTER, "-f", "-c", os.path.join(rules, "msgsec.yaml"),
                          "--set", "milter.socket=unix:" + sock,
                          "--set", "paths.quarantine=" + os.path.join(w, "q"),
                          "--set", "alerts.file=" + os.path.join(w, "alerts.json"),
                          "--set", "clamav.database=" + db,
                          "--set", "clamav.reload=" + mode,
                          "--set", "clamav.check_seconds=3600",
                          "-u", "nobody"],
                         stdout=open(log, "w"), stderr=subprocess.STDOUT)
    while not os.path.exists(sock) and p.poll() is None and time.time() - t0 < 900:
        time.sleep(0.05)
    if p.poll() is not None:
        print("  %s: msgsec-milter exited (%s)" % (mode, open(log).read().strip()))
        return
    print("clamav.reload: %s" % mode)
    print("  %-9s %7.2f s                peak %s" % ("start", time.time() - t0,
                                                     mib(status_kb(p.pid, "VmHWM"))))
    snd = Sender(w, sock)
    snd.start()
    time.sleep(1.5)

    def edit_rule():
        with open(marker, "w") as f:
            f.write('rules:\n  - { id: bench.marker, policy: "1.2", match: '
                    '{ subject: { regex: bench-marker } }, action: reject }\n')
        p.send_signal(1)

    def add_db():
        with open(os.path.join(db, "extra-%s.ndb" % mode), "w") as f:
            f.write("Msgsec.Bench.Extra-%s:0:*:%s\n" % (mode, os.urandom(12).hex()))
        p.send_signal(1)

    measure("policy", p.pid, snd, log, edit_rule, "engine kept",
            count(log, "engine kept") + 1)
    measure("database", p.pid, snd, log, add_db, "signatures from",
            count(log, "signatures from") + 1)
    with open(log) as f:
        last = [ln.strip() for ln in f if "signatures from" in ln][-1]
    print("  milter: %s" % last.split("virus scanner: ", 1)[-1])
    snd.stop = True
    snd.join()
    base = [s[1] for s in snd.sent[:5]]
    print("  (a message alone: %.3f s; %d sent in all)" %
          (min(base) if base else 0, len(snd.sent)))
    p.terminate()
    p.wait()


def main():
    if shutil.which("miltertest") is None:
        print("miltertest not installed: skipped")
        return 0
    if not os.access(MILTER, os.X_OK):
        print("%s not built: skipped" % MILTER)
        return 0
    w = tempfile.mkdtemp(prefix="msgsec-rb.")
    os.chmod(w, 0o755)
    try:
        db = os.path.join(w, "db")
        t0 = time.time()
        subprocess.run(["/usr/bin/python3", os.path.join(TOP, "tests", "data",
                        "make-big-clamav-db.py"), db, "--hdb", str(HDB),
                        "--ndb", str(NDB)], check=True)
        subprocess.run(["sh", os.path.join(TOP, "tests", "data", "make-clamav-db.sh"),
                        db], check=True, capture_output=True)
        print("database: %d hash + %d body signatures, %.0f MB, written in %.1f s" %
              (HDB, NDB, sum(os.path.getsize(os.path.join(db, n))
                             for n in os.listdir(db)) / 1e6, time.time() - t0))
        shutil.copytree(os.path.join(TOP, "rules"), os.path.join(w, "rules"))
        shutil.copy(os.path.join(TOP, "tests", "milter", "common.lua"), w)
        with open(os.path.join(w, "paced.lua"), "w") as f:
            f.write(PACED_LUA)
        for root, dirs, files in os.walk(w):
            for n in dirs + files:
                os.chmod(os.path.join(root, n), 0o755 if n in dirs else 0o644)
        modes = sys.argv[1:] or ["concurrent", "blocking"]
        for mode in modes:
            one_mode(w, db, mode)
    finally:
        shutil.rmtree(w, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
