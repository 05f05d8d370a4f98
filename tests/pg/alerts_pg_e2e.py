#!/usr/bin/python3
"""Alerts in PostgreSQL (alerts.output: postgresql), on the private cluster
run-alerts-pg.sh started (PG_DIR, PG_DSN, tests/lib/pg.sh):

- the sensor replaying a capture (tests/pcap/make_cases.py builds it) and
  msgsec-milter behind a private Postfix write their alerts into
  msgsec_alert, each row naming its gateway (this host) and the policy's
  hash, the line kept as written;
- `msgsec alerts --json`, `--table`, `alerts summary` and `report --html`
  over the database print what they print over the same alerts in a file
  (alerts.keep_file), plus the gateway;
- the database down while alerts are written: nothing is lost once it is
  back (counted), the outage logged once, the milter not restarted; a
  spool left by a run that ended during an outage is sent by the next;
- the bounds: alerts.spool_bytes exactly at the spooled lines keeps them
  all, one byte less loses one, said as limit.alerts_spool; alerts.queue 1
  and alerts.batch 1 lose nothing.

Prints "ok NAME" / "FAIL NAME: why".
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "milter"))
import postfix_e2e as pe  # noqa: E402

DSN = os.environ["PG_DSN"]
MSGSEC = os.path.join(pe.TOP, pe.O, "msgsec")
SENSOR = os.path.join(pe.TOP, pe.O, "msgsec-sensor")
CONF = os.path.join(pe.TOP, "rules", "msgsec.yaml")
HOST = socket.gethostname()
fails = 0


def report(name, ok, why=""):
    global fails
    if not ok:
        fails += 1
    print(("ok " if ok else "FAIL ") + "alerts-pg/" + name + ("" if ok else ": " + why),
          flush=True)


def psql(sql):
    r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", DSN, "-c", sql],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return r.stdout.strip()


def pg(action):
    subprocess.run(["sh", "-c", ". tests/lib/pg.sh && pg_%s" % action], cwd=pe.TOP,
                   check=True, capture_output=True)


def count(where="true"):
    return int(psql("SELECT count(*) FROM msgsec_alert WHERE " + where))


def no_hash(lines):
    """The lines without policy_hash (--set overrides are part of it)."""
    return [re.sub(r',"policy_hash":"[0-9a-f]*"', "", x) for x in lines]


def no_gateway(line):
    """A database line without its "gateway" (put first by the reader)."""
    return re.sub(r'^\{"gateway":"[^"]*",', "{", line)


def sensor(pcap, settings, alerts=None):
    cmd = [SENSOR, "-c", CONF, "-r", pcap, "-q", "-u", "root"] + settings
    if alerts:
        cmd += ["--alerts", alerts]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def msgsec(*args):
    return subprocess.run([MSGSEC] + list(args), capture_output=True, text=True, timeout=300)


def same_views(name, db, files, extra=()):
    """alerts --json / --table / summary / report over the database (db:
    settings) and over the files: the same, but for the gateway."""
    a = msgsec("alerts", "-c", CONF, "--json", *db, *extra)
    b = msgsec("alerts", "-c", CONF, "--json", *extra, *files)
    la = [no_gateway(x) for x in a.stdout.splitlines()]
    report(name + "-json", a.returncode == 0 and la and la == b.stdout.splitlines() and
           all(x.startswith('{"gateway":"%s",' % HOST) for x in a.stdout.splitlines()),
           "%d %d lines, %s %s" % (len(la), len(b.stdout.splitlines()), a.stderr, b.stderr))
    a = msgsec("alerts", "-c", CONF, "--table", "--width", "213", *db, *extra)
    b = msgsec("alerts", "-c", CONF, "--table", "--width", "200", *extra, *files)
    # The GATEWAY column (12 and a space) after TIME (19 and a space).
    ta = [x[:20] + x[33:] for x in a.stdout.splitlines()]
    report(name + "-table", a.returncode == 0 and len(ta) > 1 and
           [x.rstrip() for x in ta] == [x.rstrip() for x in b.stdout.splitlines()],
           "\n".join(ta[:3] + b.stdout.splitlines()[:3]))
    a = msgsec("alerts", "summary", "-c", CONF, *db, *extra)
    b = msgsec("alerts", "summary", "-c", CONF, *extra, *files)
    gw = "by gateway:\n  %10d 100.0%%  %s\n" % (len(la), HOST)
    report(name + "-summary", a.returncode == 0 and gw in a.stdout and
           a.stdout.replace(gw, "") == b.stdout, a.stdout[-600:] + b.stdout[-600:])
    a = msgsec("alerts", "summary", "--json", "-c", CONF, *db, *extra)
    b = msgsec("alerts", "summary", "--json", "-c", CONF, *extra, *files)
    try:
        ja, jb = json.loads(a.stdout), json.loads(b.stdout)
        gws = ja.pop("by_gateway", None)
    except ValueError:
        ja, jb, gws = None, {}, None
    report(name + "-summary-json", ja == jb and gws == [[HOST, len(la)]],
           a.stdout[-300:] + b.stdout[-300:])
    d = tempfile.mkdtemp()
    try:
        flags = ["--today", "2026-11-20"]
        # The report takes only the time filters.
        extra = [x for i, x in enumerate(extra) if x in ("--since", "--until") or
                 (i > 0 and extra[i - 1] in ("--since", "--until"))]
        a = msgsec("report", "-c", CONF, "--html", d + "/db.html", *db, *flags, *extra)
        args = []
        for f in files:
            args += ["--alerts", f]
        b = msgsec("report", "-c", CONF, "--html", d + "/file.html", *flags, *args, *extra)
        ha = open(d + "/db.html").read() if a.returncode == 0 else ""
        hb = open(d + "/file.html").read() if b.returncode == 0 else ""
        ha = re.sub(r'<section class="panel"><h2>Gateways</h2>.*?</section>\n', "", ha,
                    flags=re.S)
        # The footer says what was read: rows of the database (only
        # those in the period) or the lines of the files.
        strip = lambda h: re.sub(r"from [0-9,]+ (log lines|alerts of every gateway "  # noqa: E731
                                 r"in the records database)", "", h)
        report(name + "-report", ha != "" and strip(ha) == strip(hb),
               a.stderr + b.stderr + str(len(ha)) + " " + str(len(hb)))
    finally:
        shutil.rmtree(d)


def sensor_part(tmp):
    pcaps = os.path.join(tmp, "pcap")
    r = subprocess.run(["/usr/bin/python3", os.path.join(pe.TOP, "tests", "pcap",
                                                        "make_cases.py"), pcaps],
                       capture_output=True, text=True)
    pcap = os.path.join(pcaps, "many_flows.pcap")
    if r.returncode != 0 or not os.path.exists(pcap):
        report("sensor-pcap", False, r.stderr[-400:])
        return
    spool = os.path.join(tmp, "sensor.spool")
    db = ["--set", "alerts.output=postgresql", "--set", "quarantine.dsn=" + DSN,
          "--set", "alerts.spool=" + spool, "--set", "alerts.retry_ms=100"]
    file1 = os.path.join(tmp, "sensor.json")
    r = sensor(pcap, db, file1)
    lines = open(file1).read().splitlines()
    hashes = {json.loads(x)["policy_hash"] for x in lines}
    r = sensor(pcap, db)
    n = count()
    report("sensor-rows", r.returncode == 0 and n == len(lines) == 300 and
           count("gateway = '%s' AND policy_hash = '%s'" % (HOST, next(iter(hashes)))) == n,
           "%d rows of %d, %s" % (n, len(lines), r.stderr[-400:]))
    stored = psql("SELECT line FROM msgsec_alert ORDER BY at, seq").splitlines()
    report("sensor-lines-as-written", stored == lines, (stored[:1] + lines[:1]).__repr__())
    same_views("sensor", db, [file1])
    # The summary counted by the server (time filters only) and line by
    # line (any other filter).
    same_views("sensor-period", db, [file1], ("--since", "2026-11-02T10:00:01Z",
                                               "--until", "2026-11-02T10:00:02Z"))
    same_views("sensor-filtered", db, [file1], ("--since", "2026-11-02T10:00:01Z",
                                                 "--host", "10.10.0.0/24"))

    # Down for a whole run: everything waits in the spool, one line says
    # why; the next run (database back) sends it before its own.
    pg("stop")
    r = sensor(pcap, db)
    spooled = open(spool).read().splitlines() if os.path.exists(spool) else []
    report("sensor-down-spooled", r.returncode == 0 and no_hash(spooled) == no_hash(lines) and
           r.stderr.count("alerts wait in") == 1, r.stderr[-600:])
    pg("start")
    r = sensor(pcap, db)
    report("sensor-back-sent", count() == 900 and not os.path.exists(spool) and
           not os.path.exists(spool + ".sending"), "%d rows, %s" % (count(), r.stderr[-400:]))

    # A COPY held past quarantine.statement_timeout_ms by a lock: the
    # lines wait in the spool (the timeout said once); sent by the next run.
    psql("DELETE FROM msgsec_alert")
    holder = subprocess.Popen(["psql", "-X", "-q", DSN, "-c",
                               "BEGIN; LOCK TABLE msgsec_alert IN ACCESS EXCLUSIVE MODE; "
                               "SELECT pg_sleep(4); COMMIT"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    r = sensor(pcap, db + ["--set", "quarantine.statement_timeout_ms=500"])
    holder.wait(30)
    spooled = open(spool).read().splitlines() if os.path.exists(spool) else []
    report("sensor-slow-spooled", len(spooled) == 300 and
           r.stderr.count("statement timeout") == 1 and count() == 0,
           "%d spooled, %d rows, %s" % (len(spooled), count(), r.stderr[-400:]))
    r = sensor(pcap, db)
    report("sensor-slow-sent", count() == 600 and not os.path.exists(spool),
           "%d rows, %s" % (count(), r.stderr[-300:]))
    psql("DELETE FROM msgsec_alert")

    # alerts.spool_bytes: exactly the first ten lines fit, then one less.
    ten = sum(len(x) + 1 for x in lines[:10])
    for name, bound, kept in (("at", ten, 10), ("past", ten - 1, 9)):
        psql("DELETE FROM msgsec_alert")
        pg("stop")
        r = sensor(pcap, db + ["--set", "alerts.spool_bytes=%d" % bound])
        pg("start")
        have = open(spool).read().splitlines() if os.path.exists(spool) else []
        lost = re.findall(r"limit\.alerts_spool: (\d+) alerts were lost", r.stderr)
        report("spool-bytes-" + name, no_hash(have) == no_hash(lines[:kept]) and lost == ["%d" % (300 - kept)] and
               r.stderr.count("alerts.spool_bytes %d" % bound) == 1,
               "%d kept, %r, %s" % (len(have), lost, r.stderr[-500:]))
        os.unlink(spool)

    # alerts.queue 1 (the rest overflows to the spool) and alerts.batch 1.
    for key in ("queue", "batch"):
        psql("DELETE FROM msgsec_alert")
        r = sensor(pcap, db + ["--set", "alerts.%s=1" % key])
        # What overflowed is sent by the writer before it ends.
        report("bound-%s-1" % key, r.returncode == 0 and count() == 300 and
               not os.path.exists(spool), "%d rows %s" % (count(), r.stderr[-300:]))
    psql("DELETE FROM msgsec_alert")

    # Alerts that name what was seen (list, the flow's name by address
    # and port, what a signature matched, what named a call): the
    # database shows them as the file does.
    file2 = os.path.join(tmp, "sensor-named.json")
    for case in ("im_addr_sni", "xmpp_unlisted", "discord_voice", "oicq"):
        p2 = os.path.join(pcaps, case + ".pcap")
        if os.path.exists(file2 + ".part"):
            os.unlink(file2 + ".part")
        sensor(p2, db, file2 + ".part")
        with open(file2, "a") as out, open(file2 + ".part") as part:
            out.write(part.read())
        sensor(p2, db)
    # The database lists by time, then as inserted: the file likewise.
    with open(file2) as f:
        named = sorted(f.read().splitlines(), key=lambda x: json.loads(x)["timestamp"])
    with open(file2, "w") as f:
        f.write("".join(x + "\n" for x in named))
    same_views("sensor-named", db, [file2])
    t = msgsec("alerts", "-c", CONF, "--table", "--width", "400", *db).stdout
    report("sensor-named-details", all(x in t for x in (
        "list=im_networks host=cdn.example.org via=tls.sni",
        "list=im_ports host=xmpp.example.net via=xmpp.to sig=stream-header",
        "discord (66.22.196.20) stun=ip-discovery", "oicq (198.18.3.4) sig=packet")),
        t[-800:])
    psql("DELETE FROM msgsec_alert")


def exe_msg(subject):
    return pe.msg(subject, "--b\r\nContent-Type: text/plain\r\n\r\nthe installer\r\n--b\r\n"
                  "Content-Type: application/octet-stream\r\n"
                  "Content-Disposition: attachment; filename=\"setup.exe\"\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--b--\r\n",
                  ["MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"b\""])


def milter_part():
    w = pe.instance("msgsec-apg.", "non_smtpd_milters = unix:{w}/milter.sock\n")
    os.makedirs(os.path.join(w, "quarantine"))
    shutil.chown(os.path.join(w, "quarantine"), "nobody")
    alerts = os.path.join(w, "alerts.json")
    db = ["--set", "alerts.output=postgresql", "--set", "quarantine.dsn=" + DSN,
          "--set", "alerts.spool=%s/alerts.spool" % w]
    base = ["-c", CONF, "--set", "paths.quarantine=%s/quarantine" % w,
            "--set", "paths.state=" + w, "--set", "alerts.file=" + alerts,
            "--set", "alerts.keep_file=true", "--set", "alerts.retry_ms=200",
            "--set", "clamav.enabled=false"] + db
    milter = subprocess.Popen(
        [pe.MILTER, "-f"] + base +
        ["--set", "milter.socket=unix:%s/milter.sock" % w, "--set", "milter.socket_mode=0666",
         "-u", "nobody"],
        stdout=open(os.path.join(w, "milter.log"), "ab"), stderr=subprocess.STDOUT)
    sink = subprocess.Popen(["smtp-sink", "-u", "nobody", "-d",
                             os.path.join(w, "sink", "%Y%m%d%H%M%S."), "127.0.0.1:10026",
                             "100"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = dict(os.environ, MAIL_CONFIG=os.path.join(w, "conf"))
    pf = subprocess.run(["postfix", "-c", os.path.join(w, "conf"), "start"], env=env,
                        capture_output=True, text=True)
    try:
        if pf.returncode != 0 or not pe.wait_port(10025) or not pe.wait_port(10026):
            report("milter-start", False, pf.stderr)
            return
        pe.wait_for(lambda: os.path.exists(os.path.join(w, "milter.sock")))

        def send(data):
            return pe.send(10025, "sender@example.org", "user@dep.mass.example", data)

        def file_lines():
            return open(alerts).read().splitlines() if os.path.exists(alerts) else []

        codes = [send(exe_msg("apg-%d" % i))[0] for i in range(5)]
        codes.append(send(pe.msg("apg-clean"))[0])
        pe.wait_for(lambda: count() == len(file_lines()) and count() > 0, 20)
        n = count()
        hashes = {json.loads(x).get("policy_hash") for x in file_lines()}
        report("milter-rows", codes[:5] == [550] * 5 and n == len(file_lines()) and n >= 5 and
               count("gateway = '%s' AND policy_hash = '%s'" % (HOST, next(iter(hashes)))) == n
               and len(hashes) == 1 and count("line->>'rule' = 'attach.dangerous-extension'")
               == 5, "%r %d rows, file %d" % (codes, n, len(file_lines())))
        same_views("milter", ["--set", "alerts.output=postgresql",
                              "--set", "quarantine.dsn=" + DSN], [alerts])

        # Down while mail is judged: blocked still (the folder store), the
        # alerts spooled; back: all sent, the milter not restarted.
        pg("stop")
        codes = [send(exe_msg("apg-down-%d" % i))[0] for i in range(20)]
        down_file = len(file_lines())
        time.sleep(1)
        pg("start")
        pe.wait_for(lambda: count() == len(file_lines()), 30)
        log = open(os.path.join(w, "milter.log"), errors="replace").read()
        report("milter-down-nothing-lost", codes == [550] * 20 and count() == down_file and
               count("line->>'rule' = 'attach.dangerous-extension'") == 25 and
               milter.poll() is None, "%r %d rows, file %d" % (codes, count(), down_file))
        report("milter-outage-logged-once", log.count("alerts wait in") == 1 and
               log.count("alerts: the database is back") == 1, "%d outage lines, %d back lines" %
               (log.count("alerts wait in"), log.count("alerts: the database is back")))
        lines = [no_gateway(x) for x in
                 msgsec("alerts", "-c", CONF, "--json", *db).stdout.splitlines()]
        flines = msgsec("alerts", "-c", CONF, "--json", alerts).stdout.splitlines()
        report("milter-down-same-lines", sorted(lines) == sorted(flines) and len(lines) == 25,
               "%d %d" % (len(lines), len(flines)))
        if os.environ.get("KEEP") == "1":
            print(log)
        report("sanitizers", "AddressSanitizer" not in log and "runtime error" not in log,
               log[-800:])
    finally:
        pe.teardown(w, env, (milter, sink))


def main():
    r = msgsec("db", "init", "-c", CONF, "--set", "alerts.output=postgresql",
               "--set", "quarantine.dsn=" + DSN)
    report("db-init-alerts-only", r.returncode == 0, r.stdout + r.stderr)
    tmp = tempfile.mkdtemp()
    try:
        sensor_part(tmp)
        milter_part()
    finally:
        shutil.rmtree(tmp)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
