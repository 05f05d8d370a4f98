#!/usr/bin/python3
"""msgsec-milter with quarantine.backend: postgresql, through a private
Postfix, on the private cluster run-milter-pg.sh started (PG_DIR, PG_DSN,
tests/lib/pg.sh):

- a blocked message is answered 550 only with its bytes in the database
  (the row's SHA-256 is the stored bytes', the gateway the host's name);
  clean mail leaves no row;
- the database stopped: blocked mail is answered 4xx (nothing lost),
  clean mail still delivered; the outage logged once, not per message;
  restarted: stored again without restarting the milter;
- a 2,000-message run from 20 sessions (half clean, a quarter rejected,
  a quarter quarantined) with the cluster stopped for its second quarter
  and started again: every 250 and 550 delivered or stored, 4xx only for
  blocked mail while it was down, the counts printed;
- read-only (default_transaction_read_only), a statement held past
  quarantine.statement_timeout_ms by a lock: 4xx;
- a release pass in the database is honoured once: 20 sessions sending
  the released bytes at once deliver one copy, the others are blocked;
- the milter refuses to start on a schema it does not know;
- `msgsec quarantine list|show|release|delete|purge` on the database: the
  entry listed and shown with its headers, released through Postfix's
  sendmail(1) (the pass from the database, the copy delivered once, a
  replay blocked), the release in the audit table and the entry's
  history; 20 releases of one entry at once release it once; delete and
  purge leave audit rows and no entry.

Prints "ok NAME" / "FAIL NAME: why".
"""
import concurrent.futures
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "milter"))
import postfix_e2e as pe  # noqa: E402

DSN = os.environ["PG_DSN"]
fails = 0


def report(name, ok, why=""):
    global fails
    if not ok:
        fails += 1
    print(("ok " if ok else "FAIL ") + "milter-pg/" + name + ("" if ok else ": " + why),
          flush=True)


def psql(sql, options=None):
    env = dict(os.environ, PGOPTIONS=options) if options else None
    r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", DSN, "-c", sql],
                       capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return r.stdout.strip()


def pg(action):
    """Stop or start the cluster (tests/lib/pg.sh)."""
    subprocess.run(["sh", "-c", ". tests/lib/pg.sh && pg_%s" % action], cwd=pe.TOP,
                   check=True, capture_output=True)


def exe_msg(subject):
    return pe.msg(subject, "--b\r\nContent-Type: text/plain\r\n\r\nthe installer\r\n--b\r\n"
                  "Content-Type: application/octet-stream\r\n"
                  "Content-Disposition: attachment; filename=\"setup.exe\"\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--b--\r\n",
                  ["MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"b\""])


def rows(subject):
    return psql("SELECT id || ' ' || gateway || ' ' || size || ' ' || sha256 || ' ' || "
                "encode(sha256(bytes), 'hex') FROM msgsec_message "
                "WHERE meta->>'subject' = '%s'" % subject).splitlines()


MSGSEC = os.path.join(pe.TOP, pe.O, "msgsec")
FAULT_MESSAGES = int(os.environ.get("PG_FAULT_MESSAGES", "2000"))


def ambiguous_msg(subject):
    """A part after the close delimiter: mime.ambiguous (structure),
    quarantined (250, held by Postfix, stored whole)."""
    return pe.msg(subject, "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n"
                  "--b\r\nContent-Type: text/plain; name=\"notes.txt\"\r\n\r\nmore\r\n"
                  "--b--\r\n",
                  ["MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"b\""])


def fault_run(w, send):
    """FAULT_MESSAGES messages from 20 sessions, a quarter rejected (550,
    stored), a quarter quarantined (250, stored), half clean (250,
    delivered), with the cluster stopped after the first quarter and
    started again at the half, the milter running throughout.  Every 250
    and 550 answer must be accounted for (delivered or stored), every
    stored row must have been answered 250 or 550, the 4xx answers come
    only while the database is down, and clean mail is never deferred."""
    kinds = ("clean", "reject", "clean", "hold")
    make = {"clean": pe.msg, "reject": exe_msg, "hold": ambiguous_msg}
    done = [0]
    lock = threading.Lock()
    down = threading.Event()

    def one(i):
        kind = kinds[i % 4]
        subject = "fault-%s-%04d" % (kind, i)
        was_down = down.is_set()
        code, _ = send(make[kind](subject))
        with lock:
            done[0] += 1
        return subject, kind, code, was_down or down.is_set()

    def faults():
        while done[0] < FAULT_MESSAGES // 4:
            time.sleep(0.05)
        down.set()
        pg("stop")
        while done[0] < FAULT_MESSAGES // 2:
            time.sleep(0.05)
        pg("start")
        down.clear()

    t0 = time.time()
    ft = threading.Thread(target=faults)
    ft.start()
    with concurrent.futures.ThreadPoolExecutor(20) as ex:
        res = list(ex.map(one, range(FAULT_MESSAGES)))
    ft.join()
    took = time.time() - t0
    stored = set(psql("SELECT meta->>'subject' FROM msgsec_message "
                      "WHERE meta->>'subject' LIKE 'fault-%'").split())

    def delivered():
        return set(s for m in pe.sink_messages(w) for s in
                   re.findall(r"^Subject: (fault-\S+)", m, re.M))
    want = set(s for s, k, c, _ in res if k == "clean" and c == 250)
    pe.wait_for(lambda: want <= delivered(), 60)
    got = delivered()
    count = {}
    lost, wrong = [], []
    for subject, kind, code, during in res:
        key = "%s %s" % (kind, code // 100 * 100 if code else code)
        count[key] = count.get(key, 0) + 1
        if code == 250 and kind == "clean" and subject not in got:
            lost.append(subject)
        elif code in (250, 550) and kind != "clean" and subject not in stored:
            lost.append(subject)
        elif 400 <= code < 500 and (kind == "clean" or not during):
            wrong.append((subject, code))
        elif code not in (250, 550) and not 400 <= code < 500:
            wrong.append((subject, code))
        expect = {"clean": 250, "reject": 550, "hold": 250}[kind]
        if code in (250, 550) and code != expect:
            wrong.append((subject, code))
    answered = set(s for s, _, c, _ in res if c in (250, 550))
    extra = sorted(stored - answered)
    tempfails = sum(v for k, v in count.items() if k.endswith(" 400"))
    print("    fault run: %d messages in %.1f s: %s; %d delivered, %d stored, "
          "%d tempfailed while the database was down" %
          (FAULT_MESSAGES, took, ", ".join("%s: %d" % kv for kv in sorted(count.items())),
           len(got), len(stored), tempfails), flush=True)
    report("fault-run-nothing-lost", lost == [] and wrong == [] and tempfails > 0 and
           count.get("reject 500", 0) > 0 and count.get("hold 200", 0) > 0,
           "lost %r, wrong %r, %r" % (lost[:5], wrong[:5], count))
    # A stored row answered 4xx is a copy kept that the client will send
    # again (a duplicate, never a loss): counted, not failed.
    print("    fault run: %d stored copies were answered 4xx (the client retries)" %
          len(extra), flush=True)


def main():
    w = pe.instance("msgsec-pg.", "non_smtpd_milters = unix:{w}/milter.sock\n")
    # sendmail(1) for this instance; it keeps a copy of what release sent.
    wrapper = pe.sendmail_wrapper(w)
    conf = os.path.join(pe.TOP, "rules", "msgsec.yaml")
    os.makedirs(os.path.join(w, "quarantine"))
    shutil.chown(os.path.join(w, "quarantine"), "nobody")
    base = ["-c", conf, "--set", "quarantine.backend=postgresql",
            "--set", "quarantine.dsn=" + DSN,
            "--set", "quarantine.statement_timeout_ms=1500",
            "--set", "paths.quarantine=%s/quarantine" % w,
            "--set", "quarantine.sendmail=" + wrapper,
            "--set", "alerts.file=%s/alerts.json" % w,
            "--set", "clamav.enabled=false"]

    # A schema this msgsec does not know: refused before anything starts.
    psql("DROP TABLE IF EXISTS msgsec_schema CASCADE")
    r = subprocess.run([pe.MILTER, "-f"] + base + ["--set", "milter.socket=unix:%s/x.sock" % w],
                       capture_output=True, text=True, timeout=30)
    report("refuses-no-schema", r.returncode == 2 and "run 'msgsec db init'" in r.stderr,
           "exit %d: %s" % (r.returncode, r.stderr))
    r = subprocess.run([os.path.join(pe.TOP, pe.O, "msgsec"), "db", "init"] + base,
                       capture_output=True, text=True)
    if r.returncode != 0:
        report("db-init", False, r.stdout + r.stderr)
        return 1

    milter = subprocess.Popen(
        [pe.MILTER, "-f"] + base +
        ["--set", "milter.socket=unix:%s/milter.sock" % w,
         "--set", "milter.socket_mode=0666",
         "--set", "milter.internal_networks=[192.0.2.0/24]",
         "-u", "nobody"],
        stdout=open(os.path.join(w, "milter.log"), "ab"), stderr=subprocess.STDOUT)
    sink = subprocess.Popen(["smtp-sink", "-u", "nobody", "-d",
                             os.path.join(w, "sink", "%Y%m%d%H%M%S."),
                             "127.0.0.1:10026", "100"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = dict(os.environ, MAIL_CONFIG=os.path.join(w, "conf"))
    pf = subprocess.run(["postfix", "-c", os.path.join(w, "conf"), "start"],
                        env=env, capture_output=True, text=True)
    host = socket.gethostname()
    try:
        if pf.returncode != 0 or not pe.wait_port(10025) or not pe.wait_port(10026):
            report("start", False, pf.stderr)
            return 1
        pe.wait_for(lambda: os.path.exists(os.path.join(w, "milter.sock")))

        def send(data, to="user@dep.mass.example"):
            return pe.send(10025, "sender@example.org", to, data)

        def arrived(subject):
            return [m for m in pe.sink_messages(w) if "Subject: " + subject in m]

        # Blocked: stored, with the bytes' hash, then 550.
        code, text = send(exe_msg("pg-stored"))
        got = rows("pg-stored")
        ok = code == 550 and len(got) == 1
        if ok:
            qid, gw, size, sha, sha_bytes = got[0].split(" ")
            ok = gw == host and int(size) > 0 and sha == sha_bytes
        report("blocked-stored", ok, "%s %s %r" % (code, text, got))
        spool = os.listdir(os.path.join(w, "quarantine"))
        report("no-folder-entry", [e for e in spool if not e.startswith(".")] == [],
               repr(spool))

        code, text = send(pe.msg("pg-clean"))
        pe.wait_for(lambda: arrived("pg-clean"), 20)
        report("clean-no-row", code == 250 and rows("pg-clean") == [] and
               len(arrived("pg-clean")) == 1, "%s %s" % (code, text))

        # Down: 4xx for blocked mail, clean mail delivered, one log line.
        pg("stop")
        answers = [send(exe_msg("pg-down-%d" % i))[0] for i in range(5)]
        code, text = send(pe.msg("pg-down-clean"))
        report("down-tempfail", all(400 <= a < 500 for a in answers), repr(answers))
        pe.wait_for(lambda: arrived("pg-down-clean"), 20)
        report("down-clean-delivered", code == 250 and len(arrived("pg-down-clean")) == 1,
               "%s %s" % (code, text))
        log = open(os.path.join(w, "milter.log"), errors="replace").read()
        report("down-logged-once", log.count("answering tempfail to such messages") == 1,
               log[-1500:])

        # Back: stored again, the milter not restarted.
        pg("start")
        code, text = send(exe_msg("pg-back"))
        report("restarted-stored", code == 550 and len(rows("pg-back")) == 1 and
               milter.poll() is None, "%s %s" % (code, text))
        log = open(os.path.join(w, "milter.log"), errors="replace").read()
        report("back-logged", "the quarantine store works again" in log, log[-800:])

        fault_run(w, send)

        # Read-only.
        psql("ALTER SYSTEM SET default_transaction_read_only = on")
        psql("SELECT pg_reload_conf()")
        time.sleep(1)
        code, text = send(exe_msg("pg-readonly"))
        psql("ALTER SYSTEM RESET default_transaction_read_only",
             "-c default_transaction_read_only=off")
        report("read-only-tempfail", 400 <= code < 500 and rows("pg-readonly") == [],
               "%s %s" % (code, text))
        psql("SELECT pg_reload_conf()")
        time.sleep(1)

        # A statement held past the timeout by a lock.
        holder = subprocess.Popen(["psql", "-X", "-q", DSN, "-c",
                                   "BEGIN; LOCK TABLE msgsec_message IN ACCESS EXCLUSIVE MODE; "
                                   "SELECT pg_sleep(6); COMMIT"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        t0 = time.time()
        code, text = send(exe_msg("pg-slow"))
        took = time.time() - t0
        holder.wait(20)
        report("timeout-tempfail", 400 <= code < 500 and took < 5.5 and
               rows("pg-slow") == [], "%s %s after %.1f s" % (code, text, took))

        # A pass in the database, honoured once across 20 sessions at once.
        qid = rows("pg-back")[0].split(" ")[0]
        token = "0123456789abcdef0123456789abcdef"
        psql("INSERT INTO msgsec_pass (token, message_id, created_on) "
             "VALUES ('%s', '%s', 'admin')" % (token, qid))
        released = exe_msg("pg-released").replace(
            "MIME-Version: 1.0", "X-Msgsec-Release: %s\r\nMIME-Version: 1.0" % token, 1)
        with concurrent.futures.ThreadPoolExecutor(20) as ex:
            codes = list(ex.map(lambda _: send(released)[0], range(20)))
        pe.wait_for(lambda: arrived("pg-released"), 20)
        time.sleep(2)
        report("pass-once", codes.count(250) == 1 and codes.count(550) == 19 and
               len(arrived("pg-released")) == 1, "%r, %d delivered" %
               (sorted(codes), len(arrived("pg-released"))))
        consumed = psql("SELECT consumed_on FROM msgsec_pass WHERE token = '%s' "
                        "AND consumed IS NOT NULL" % token)
        report("pass-consumed-by-gateway", consumed == host, repr(consumed))

        # The office's commands on the database.
        def msgsec(*args):
            return subprocess.run([MSGSEC, "quarantine"] + list(args) + base,
                                  capture_output=True, text=True, timeout=120)

        code, text = send(exe_msg("pg-admin"))
        qid = rows("pg-admin")[0].split(" ")[0]
        r = msgsec("list")
        report("admin-list", r.returncode == 0 and qid in r.stdout and "pg-admin" in r.stdout,
               r.stdout[-600:] + r.stderr)
        r = msgsec("show", qid, "--headers")
        report("admin-show", r.returncode == 0 and "setup.exe" in r.stdout and
               "Subject: pg-admin" in r.stdout, r.stdout[-800:] + r.stderr)
        r = msgsec("extract", qid, "--raw", "-o", os.path.join(w, "raw.eml"))
        raw = open(os.path.join(w, "raw.eml"), "rb").read() if r.returncode == 0 else b""
        report("admin-extract-raw", r.returncode == 0 and
               hashlib.sha256(raw).hexdigest() == rows("pg-admin")[0].split(" ")[3],
               r.stderr)
        r = msgsec("release", qid, "--by", "Priya Raman", "--reason", "vendor installer")
        pe.wait_for(lambda: arrived("pg-admin"), 30)
        time.sleep(2)
        report("admin-release", r.returncode == 0 and "released " + qid in r.stdout and
               len(arrived("pg-admin")) == 1 and
               "X-Msgsec-Release" not in arrived("pg-admin")[0],
               "exit %d %s %s, %d copies" % (r.returncode, r.stdout, r.stderr,
                                             len(arrived("pg-admin"))))
        sent = open(os.path.join(w, "released.eml"), "rb").read().decode("latin-1")
        code, text = send(sent)
        time.sleep(1)
        report("admin-replay-blocked", code == 550 and len(arrived("pg-admin")) == 1,
               "%s %s" % (code, text))
        audit = psql("SELECT op || ' ' || actor || ' ' || gateway FROM msgsec_audit "
                     "WHERE message_id = '%s'" % qid)
        report("admin-audit-row", audit == "released Priya Raman " + host, repr(audit))
        hist = psql("SELECT meta->'history' FROM msgsec_message WHERE id = '%s'" % qid)
        report("admin-history", hist.count('"action":"released"') == 1 and
               '"by":"Priya Raman"' in hist, hist)

        # Twenty releases of one entry at once: one is sent, the rest are
        # refused (already released), one audit row.
        code, text = send(exe_msg("pg-twenty"))
        qid2 = rows("pg-twenty")[0].split(" ")[0]
        with concurrent.futures.ThreadPoolExecutor(20) as ex:
            res = list(ex.map(lambda _: msgsec("release", qid2, "--by", "ops",
                                               "--reason", "at once"), range(20)))
        pe.wait_for(lambda: arrived("pg-twenty"), 30)
        time.sleep(2)
        ok = sum(1 for x in res if x.returncode == 0)
        report("admin-twenty-releases-once", ok == 1 and len(arrived("pg-twenty")) == 1 and
               psql("SELECT count(*) FROM msgsec_audit WHERE message_id = '%s'" % qid2) == "1"
               and psql("SELECT count(*) FROM msgsec_pass WHERE message_id = '%s'" % qid2) == "1",
               "%d succeeded, %d copies: %r" % (ok, len(arrived("pg-twenty")),
                                                 [x.stderr[-200:] for x in res if x.returncode][:2]))

        # Legal hold: delete and purge refused and recorded, then allowed.
        r = msgsec("hold", qid, qid2, "--case", "AG-7", "--by", "Legal Counsel")
        report("admin-hold", r.returncode == 0 and r.stdout.count("held ") == 2, r.stdout + r.stderr)
        r = msgsec("delete", qid, "--by", "ops", "--reason", "done")
        r2 = msgsec("purge", "--older-than", "1", "--by", "records office",
                    "--now", "2099-01-01T00:00:00Z")
        report("admin-hold-refuses", r.returncode == 1 and "under legal hold" in r.stderr and
               psql("SELECT count(*) FROM msgsec_message WHERE id IN ('%s', '%s')" % (qid, qid2))
               == "2" and psql("SELECT count(*) FROM msgsec_audit WHERE op IN "
                               "('delete-refused', 'purge-refused')") == "3",
               r.stderr + r2.stdout + r2.stderr)
        r = msgsec("list")
        report("admin-hold-listed", r.stdout.count("[legal hold: AG-7]") == 2, r.stdout[-600:])
        r = msgsec("release-hold", qid, qid2, "--case", "AG-7", "--by", "Legal Counsel",
                   "--reason", "closed")
        report("admin-release-hold", r.returncode == 0, r.stdout + r.stderr)

        r = msgsec("delete", qid, "--by", "ops", "--reason", "done")
        report("admin-delete", r.returncode == 0 and
               psql("SELECT count(*) FROM msgsec_message WHERE id = '%s'" % qid) == "0" and
               psql("SELECT count(*) FROM msgsec_audit WHERE message_id = '%s' "
                    "AND op = 'deleted'" % qid) == "1", r.stdout + r.stderr)
        before = int(psql("SELECT count(*) FROM msgsec_message"))
        r = msgsec("purge", "--older-than", "1", "--by", "records office",
                   "--now", "2099-01-01T00:00:00Z")
        report("admin-purge", r.returncode == 0 and before >= 1 and
               psql("SELECT count(*) FROM msgsec_message") == "0" and
               "%d message%s purged" % (before, "" if before == 1 else "s") in r.stdout,
               r.stdout[-400:] + r.stderr)

        log = open(os.path.join(w, "milter.log"), errors="replace").read()
        report("sanitizers", "AddressSanitizer" not in log and "runtime error" not in log,
               log[-800:])
    finally:
        pe.teardown(w, env, (milter, sink))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
