#!/usr/bin/python3
"""Two gateways, one records database: two private Postfix instances
(A on 127.0.0.1:10025, B on 127.0.0.1:10035), each with its own
msgsec-milter (quarantine.gateway gw-a and gw-b) and its own smtp-sink,
sharing the private cluster run-fleet-pg.sh started (PG_DSN):

- a message blocked on gateway A is stored with gateway gw-a, listed and
  shown by `msgsec quarantine` run with B's configuration (B's host),
  and released from there: the copy goes through B's Postfix and B's
  milter once (the pass consumed by gw-b), A's sink gets nothing;
- the released bytes replayed through A and through B are blocked both
  times (the pass is spent fleet-wide);
- `msgsec report --html` from A's host counts what both gateways hold
  in its quarantine section and lists the legal hold and the entries;
- 20 releases of one item at once, half with A's configuration and half
  with B's, release it once: one copy delivered, one pass, one audit row.

Prints "ok NAME" / "FAIL NAME: why".
"""
import concurrent.futures
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "milter"))
sys.path.insert(0, HERE)
import postfix_e2e as pe  # noqa: E402
import milter_pg_e2e as mp  # noqa: E402  psql, exe_msg, rows

fails = 0
PORTS = {"a": (10025, 10587, 10026), "b": (10035, 10597, 10036)}


def report(name, ok, why=""):
    global fails
    if not ok:
        fails += 1
    print(("ok " if ok else "FAIL ") + "fleet-pg/" + name + ("" if ok else ": " + why),
          flush=True)


def gateway(name):
    """Gateway NAME's folder (Postfix instance, sendmail wrapper) and its
    settings for msgsec-milter and msgsec."""
    smtp, sub, sink = PORTS[name]
    w = pe.instance("msgsec-fleet-%s." % name,
                    "relayhost = [127.0.0.1]:%d\n"
                    "non_smtpd_milters = unix:{w}/milter.sock\n" % sink)
    with open(os.path.join(w, "conf", "master.cf"), "w") as f:
        f.write(pe.MASTER_CF.replace("127.0.0.1:10025 inet", "127.0.0.1:%d inet" % smtp)
                .replace("127.0.0.1:10587 inet", "127.0.0.1:%d inet" % sub))
    os.makedirs(os.path.join(w, "quarantine"))
    shutil.chown(os.path.join(w, "quarantine"), "nobody")
    sets = ["-c", os.path.join(pe.TOP, "rules", "msgsec.yaml"),
            "--set", "quarantine.backend=postgresql",
            "--set", "quarantine.dsn=" + mp.DSN,
            "--set", "quarantine.gateway=gw-" + name,
            "--set", "paths.quarantine=%s/quarantine" % w,
            "--set", "quarantine.sendmail=" + pe.sendmail_wrapper(w),
            "--set", "alerts.file=%s/alerts.json" % w,
            "--set", "clamav.enabled=false"]
    return w, sets


def main():
    r = subprocess.run([mp.MSGSEC, "db", "init", "-c", os.path.join(pe.TOP, "rules",
                                                                 "msgsec.yaml"),
                        "--set", "quarantine.backend=postgresql",
                        "--set", "quarantine.dsn=" + mp.DSN], capture_output=True, text=True)
    if r.returncode != 0:
        report("db-init", False, r.stdout + r.stderr)
        return 1
    gws = {n: gateway(n) for n in ("a", "b")}
    procs, envs = [], {}
    try:
        for n, (w, sets) in gws.items():
            procs.append(subprocess.Popen(
                [pe.MILTER, "-f"] + sets +
                ["--set", "milter.socket=unix:%s/milter.sock" % w,
                 "--set", "milter.socket_mode=0666",
                 "--set", "milter.internal_networks=[192.0.2.0/24]", "-u", "nobody"],
                stdout=open(os.path.join(w, "milter.log"), "ab"), stderr=subprocess.STDOUT))
            procs.append(subprocess.Popen(
                ["smtp-sink", "-u", "nobody", "-d", os.path.join(w, "sink", "%Y%m%d%H%M%S."),
                 "127.0.0.1:%d" % PORTS[n][2], "100"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            envs[n] = dict(os.environ, MAIL_CONFIG=os.path.join(w, "conf"))
            subprocess.run(["postfix", "-c", os.path.join(w, "conf"), "start"],
                           env=envs[n], capture_output=True)
        up = all(pe.wait_port(p) for n in PORTS for p in (PORTS[n][0], PORTS[n][2])) and \
            pe.wait_for(lambda: all(os.path.exists(os.path.join(w, "milter.sock"))
                                    for w, _ in gws.values()))
        report("start", up, "gateways or sinks not listening")
        if not up:
            return 1

        def send(n, data):
            return pe.send(PORTS[n][0], "sender@example.org", "user@dep.mass.example", data)

        def arrived(n, subject):
            return [m for m in pe.sink_messages(gws[n][0]) if "Subject: " + subject in m]

        def msgsec(n, *args):
            return subprocess.run([mp.MSGSEC, "quarantine"] + list(args) + gws[n][1],
                                  capture_output=True, text=True, timeout=120)

        code, text = send("a", mp.exe_msg("fleet-one"))
        got = mp.rows("fleet-one")
        report("blocked-on-a", code == 550 and len(got) == 1 and got[0].split(" ")[1] == "gw-a",
               "%s %s %r" % (code, text, got))
        if not got:
            return 1
        qid = got[0].split(" ")[0]
        r = msgsec("b", "list")
        report("listed-from-b", r.returncode == 0 and qid in r.stdout, r.stdout + r.stderr)
        r = msgsec("b", "show", qid)
        report("shown-from-b", r.returncode == 0 and "gateway:    gw-a" in r.stdout and
               "setup.exe" in r.stdout, r.stdout + r.stderr)
        r = msgsec("b", "release", qid, "--by", "Priya Raman", "--reason", "vendor installer")
        pe.wait_for(lambda: arrived("b", "fleet-one"), 30)
        time.sleep(2)
        report("released-from-b-through-b-once",
               r.returncode == 0 and len(arrived("b", "fleet-one")) == 1 and
               arrived("a", "fleet-one") == [] and
               "X-Msgsec-Release" not in arrived("b", "fleet-one")[0],
               "exit %d %s %s; %d copies on B, %d on A" %
               (r.returncode, r.stdout, r.stderr, len(arrived("b", "fleet-one")),
                len(arrived("a", "fleet-one"))))
        passes = mp.psql("SELECT created_on || ' ' || consumed_on FROM msgsec_pass "
                         "WHERE message_id = '%s'" % qid)
        audit = mp.psql("SELECT op || ' ' || gateway FROM msgsec_audit "
                        "WHERE message_id = '%s'" % qid)
        report("pass-minted-and-consumed-by-b", passes == "gw-b gw-b" and
               audit == "released gw-b", "%r %r" % (passes, audit))

        # The released bytes again, through either gateway: blocked.
        released = open(os.path.join(gws["b"][0], "released.eml"), "rb").read().decode("latin-1")
        codes = [send("a", released)[0], send("b", released)[0]]
        time.sleep(1)
        report("replay-blocked-on-both", codes == [550, 550] and
               len(arrived("a", "fleet-one")) + len(arrived("b", "fleet-one")) == 1,
               repr(codes))

        # Twenty releases of one item at once from both hosts: one.
        code, text = send("b", mp.exe_msg("fleet-twenty"))
        got = mp.rows("fleet-twenty")
        if code != 550 or len(got) != 1:
            report("twenty-stored", False, "%s %s %r" % (code, text, got))
            return 1
        qid2 = got[0].split(" ")[0]

        # The report's quarantine section, from A's host, over the whole
        # database: what both gateways hold, the legal hold, the entries.
        held = int(mp.psql("SELECT count(*) FROM msgsec_message WHERE state = 'held'"))
        r = msgsec("a", "hold", qid2, "--case", "AG-9", "--by", "Legal Counsel")
        out = os.path.join(gws["a"][0], "report.html")
        rr = subprocess.run([mp.MSGSEC, "report", "--html", out] + gws["a"][1],
                            capture_output=True, text=True, timeout=120)
        page = open(out, errors="replace").read() if os.path.exists(out) else ""
        section = page[page.find('id="quarantine"'):]
        report("report-quarantine-from-database",
               r.returncode == 0 and rr.returncode == 0 and held >= 3 and
               "<b>%d</b> messages" % held in section and qid2 in section and
               "AG-9" in section and "attach.dangerous-extension" in section,
               "held %d, exit %d/%d %s %s" % (held, r.returncode, rr.returncode, rr.stderr,
                                              section[:600]))
        r = msgsec("a", "release-hold", qid2, "--case", "AG-9", "--by", "Legal Counsel",
                   "--reason", "closed")
        with concurrent.futures.ThreadPoolExecutor(20) as ex:
            res = list(ex.map(lambda i: msgsec("ab"[i % 2], "release", qid2, "--by", "ops",
                                               "--reason", "at once"), range(20)))
        pe.wait_for(lambda: arrived("a", "fleet-twenty") or arrived("b", "fleet-twenty"), 30)
        time.sleep(3)
        ok = sum(1 for x in res if x.returncode == 0)
        copies = len(arrived("a", "fleet-twenty")) + len(arrived("b", "fleet-twenty"))
        report("twenty-releases-from-two-hosts-once",
               ok == 1 and copies == 1 and
               mp.psql("SELECT count(*) FROM msgsec_pass WHERE message_id = '%s'" % qid2) == "1"
               and mp.psql("SELECT count(*) FROM msgsec_audit WHERE message_id = '%s' "
                           "AND op = 'released'" % qid2) == "1",
               "%d succeeded, %d copies: %r" % (ok, copies,
                                                 [x.stderr[-200:] for x in res if x.returncode][:2]))
        logs = "".join(open(os.path.join(w, "milter.log"), errors="replace").read()
                       for w, _ in gws.values())
        report("sanitizers", "AddressSanitizer" not in logs and "runtime error" not in logs,
               logs[-800:])
    finally:
        for n, (w, _) in gws.items():
            subprocess.run(["postfix", "-c", os.path.join(w, "conf"), "stop"], env=envs.get(n),
                           capture_output=True)
        pe.teardown(gws["a"][0], envs.get("a"), procs)
        if os.environ.get("KEEP") != "1":
            shutil.rmtree(gws["b"][0], ignore_errors=True)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
