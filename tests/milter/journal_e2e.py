#!/usr/bin/python3
"""Journaling (issue 14, clause 5): journal.address and the agencies'
journal_address add the records archives as envelope recipients of every
delivered message, each once, never one already among the recipients,
and nothing the original recipients can see.

1. --test, every permutation of every 1-4 recipient subset of a pool
   (agency mailboxes, an agency whose archive is the global one written
   in capitals, the archives themselves): the "journal" list is what the
   semantics say (README, "Journaling") and never depends on the order;
   then single cases: a rejected, quarantined, tagged, monitored,
   outbound, split message.
2. --postfix (root, Postfix installed, run by run-journal.sh inside
   `unshare --net`): gateway A (Postfix + msgsec-milter) relays the
   archives' domains to an archive smtp-sink (:10027) and the rest to a
   recipients' smtp-sink (:10026); gateway B (a second Postfix with its
   own msgsec-milter, same policy) relays everything to A, so mail sent
   to B re-enters through A with its archive copies among its
   recipients.  Each archive receives exactly one copy of each message,
   the recipients' copies carry no trace of an archive (envelope or
   content), and a rejected or held message reaches no archive until the
   office releases it (msgsec quarantine release): then once.

sendmail_e2e.py runs the same cases (CASES, check_sink) through Sendmail.
Prints "ok journal/NAME" / "FAIL journal/NAME: why" / "skip ..." lines.
"""
import base64
import glob
import itertools
import json
import os
import shutil
import smtplib
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
O = os.environ.get("O", "build")
MILTER = os.path.join(TOP, O, "msgsec-milter")

J = "journal@records.mass.example"          # journal.address
DEP_A = "records@archive.dep.mass.example"   # DEP's journal_address
DOR_A = "records@archive.dor.mass.example"   # DOR's
EOHHS_A = "JOURNAL@Records.Mass.Example"     # EOHHS's: the global one
ARCHIVES = (J, DEP_A, DOR_A)
AGENCY_ARCHIVE = (("dep.mass.example", DEP_A), ("dor.mass.example", DOR_A),
                  ("eohhs.mass.example", EOHHS_A))

RULES = """rules:
  - id: test.dor-notice
    policy: "1.2"
    direction: inbound
    agency: [DOR]
    match:
      subject: { regex: "tax notice" }
    action: quarantine
  - id: test.hold
    policy: "1.2"
    direction: inbound
    match:
      subject: { regex: "hold-me" }
    action: quarantine
"""


def report(name, ok, why=""):
    print(("ok " if ok else "FAIL ") + "journal/" + name + ("" if ok else ": " + why),
          flush=True)


def journal_rules(dst):
    """A copy of rules/ in dst/rules with the agencies' archives and the
    test rules; returns its msgsec.yaml (journal.address is set with
    --set by each test)."""
    cfg = os.path.join(dst, "rules")
    shutil.copytree(os.path.join(TOP, "rules"), cfg)
    path = os.path.join(cfg, "agencies", "agencies.yaml")
    with open(path) as f:
        text = f.read()
    for agency, archive in (("DEP", DEP_A), ("DOR", DOR_A), ("EOHHS", EOHHS_A)):
        head = "  - id: %s\n" % agency
        assert head in text, agency
        text = text.replace(head, head + "    journal_address: %s\n" % archive, 1)
    with open(path, "w") as f:
        f.write(text)
    with open(os.path.join(cfg, "policy", "zz-test-journal.yaml"), "w") as f:
        f.write(RULES)
    return os.path.join(cfg, "msgsec.yaml")


def agency_archive(addr):
    dom = addr.rsplit("@", 1)[-1].lower()
    for suffix, archive in AGENCY_ARCHIVE:
        if dom == suffix or dom.endswith("." + suffix):
            return archive
    return None


def expected(rcpts, removed=(), sender=None, outbound=False):
    """The archives (lower case, sorted) a delivered message goes to."""
    env = {r.lower() for r in rcpts}
    want = [J]
    if outbound:
        want.append(agency_archive(sender))
    want += [agency_archive(r) for r in rcpts if r not in removed]
    return sorted({a.lower() for a in want if a and a.lower() not in env})


def message(subject, to="user@dep.mass.example", frm="sender@example.org", exe=False):
    head = ("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: Mon, 07 Dec 2026 10:00:00 +0000\r\n"
            "Message-ID: <%s.%d@example.org>\r\n" % (frm, to, subject,
                                                    subject.replace(" ", "-"), os.getpid()))
    if not exe:
        return head + "\r\nThe minutes of the meeting.\r\n"
    return (head + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
            "--b\r\nContent-Type: text/plain\r\n\r\nsee\r\n--b\r\n"
            "Content-Type: application/octet-stream\r\n"
            "Content-Disposition: attachment; filename=\"report.exe\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--b--\r\n"
            % base64.b64encode(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00").decode())


def judge(conf, path, rcpts, frm="sender@example.org", sets=(), auth=None):
    cmd = [MILTER, "-c", conf, "--set", "clamav.enabled=false",
           "--set", "journal.address=" + J, "--test", path, "--from", frm,
           "--client", "203.0.113.5", "--now", "2026-12-07T10:00:00Z"]
    for s in sets:
        cmd += ["--set", s]
    if auth:
        cmd += ["--auth", auth]
    for r in rcpts:
        cmd += ["--rcpt", r]
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode not in (0, 2) or not p.stdout.strip():
        raise RuntimeError("%s: rc %d %s" % (" ".join(cmd), p.returncode, p.stderr[-500:]))
    v = json.loads(p.stdout)
    return v, sorted(a.lower() for a in v.get("journal", []))


def spelt(v):
    """The archives exactly as the milter would add them."""
    return tuple(v.get("journal", []))


POOL = ["user@dep.mass.example", "alice@dor.mass.example", "bob@eohhs.mass.example",
        J, DEP_A]


def permutations_test(w, conf):
    plain = os.path.join(w, "plain.eml")
    notice = os.path.join(w, "notice.eml")
    with open(plain, "w", newline="") as f:
        f.write(message("minutes"))
    with open(notice, "w", newline="") as f:
        f.write(message("tax notice"))
    runs = bad = 0
    for path, split in ((plain, False), (notice, True), (notice, False)):
        for n in (1, 2, 3, 4) if path == plain or split else (1, 2, 3):
            for subset in itertools.combinations(POOL, n):
                dor = {r for r in subset if r.endswith("@dor.mass.example")}
                blocked = path == notice and dor
                if blocked and (not split or dor == set(subset)):
                    want = None         # quarantined: no journal yet
                else:
                    want = expected(subset, dor if blocked else ())
                seen = set()
                for perm in itertools.permutations(subset):
                    v, got = judge(conf, path, perm,
                                   sets=["milter.split_recipients=%s" %
                                         ("true" if split else "false")])
                    runs += 1
                    seen.add(spelt(v))
                    if want is None:
                        ok = "journal" not in v and v["action"] == "quarantine"
                    else:
                        ok = got == want
                    if not ok:
                        bad += 1
                        if bad <= 5:
                            report("semantics", False, "%s split=%s %s: %s %s, want %s"
                                   % (os.path.basename(path), split, perm, v["action"],
                                      got, want))
                if len(seen) != 1:
                    bad += 1
                    report("order", False, "%s %s: %s" % (os.path.basename(path), subset, seen))
    report("permutations", bad == 0, "%d of %d runs wrong" % (bad, runs))
    print("journal: %d --test runs over a %d-address pool" % (runs, len(POOL)))
    return bad == 0


def cases_test(w, conf):
    ok_all = True

    def case(name, subject, rcpts, want, exe=False, frm="sender@example.org", sets=(),
             auth=None, action=None):
        nonlocal ok_all
        path = os.path.join(w, name + ".eml")
        with open(path, "w", newline="") as f:
            f.write(message(subject, frm=frm, exe=exe))
        v, got = judge(conf, path, rcpts, frm=frm, sets=sets, auth=auth)
        if want is not None:
            want = sorted(a.lower() for a in want)
        ok = (got == want if want is not None else "journal" not in v) and \
            (action is None or v["action"] == action)
        report("test-" + name, ok, "%s journal %s, want %s" % (v["action"], got, want))
        ok_all &= ok

    case("rejected", "report", ["user@dep.mass.example"], None, exe=True, action="reject")
    case("held", "please hold-me", ["user@dep.mass.example"], None, action="quarantine")
    case("monitored", "please hold-me", ["user@dep.mass.example"], [DEP_A, J],
         sets=["milter.monitor=true"], action="log")
    case("tagged", "URGENT business proposal for the beneficiary", ["user@dep.mass.example"],
         [DEP_A, J], action="tag")
    case("outbound", "minutes", ["guest@example.com"], [DEP_A, J],
         frm="clerk@dep.mass.example", auth="clerk", action="accept")
    case("inbound-sender-agency-ignored", "minutes", ["guest@example.com"], [J],
         frm="clerk@dep.mass.example", action="accept")
    case("no-global", "minutes", ["alice@dor.mass.example"], [DOR_A],
         sets=["journal.address="], action="accept")
    case("off", "minutes", ["guest@example.com"], None, sets=["journal.address="])
    return ok_all


# ------------------------------------------------------------ through an MTA

# (name, port kind, sender, recipients, subject, exe, archives wanted):
# "in" is the gateway's inbound port, "sub" its submission port.
CASES = [
    ("one", "in", "sender@example.org", ["user@dep.mass.example"], "j-one minutes", False,
     [J, DEP_A]),
    ("several", "in", "sender@example.org",
     ["alice@dor.mass.example", "bob@eohhs.mass.example", "guest@example.com"],
     "j-several minutes", False, [J, DOR_A]),
    ("several-reversed", "in", "sender@example.org",
     ["guest@example.com", "bob@eohhs.mass.example", "alice@dor.mass.example"],
     "j-reversed minutes", False, [J, DOR_A]),
    ("to-the-archive", "in", "sender@example.org", [J, "user@dep.mass.example"],
     "j-archive minutes", False, [J, DEP_A]),
    ("archives-in-envelope", "in", "sender@example.org",
     ["guest@example.com", DOR_A, J, "alice@dor.mass.example"],
     "j-reentered minutes", False, [J, DOR_A]),
    ("tagged", "in", "sender@example.org", ["user@dep.mass.example"],
     "j-tagged URGENT business proposal for the beneficiary", False, [J, DEP_A]),
    ("outbound", "sub", "clerk@dep.mass.example", ["guest@example.com"], "j-outbound minutes",
     False, [J, DEP_A]),
    # milter.split_recipients: DOR's recipient is taken off (kept in the
    # store), DEP's gets the message; DOR's archive gets no copy.
    ("split", "in", "sender@example.org", ["alice@dor.mass.example", "user@dep.mass.example"],
     "j-split tax notice", False, [J, DEP_A]),
    ("rejected", "in", "sender@example.org", ["user@dep.mass.example"], "j-rejected report",
     True, []),
    ("held", "in", "sender@example.org", ["user@dep.mass.example"], "j-held hold-me", False,
     []),
]


def send_case(port, frm, rcpts, data):
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as s:
            s.sendmail(frm, rcpts, data.encode())
            return 250
    except smtplib.SMTPResponseException as e:
        return e.smtp_code
    except smtplib.SMTPRecipientsRefused as e:
        return min(c for c, _ in e.recipients.values())
    except (OSError, smtplib.SMTPException):
        return 0


def parse_sink(text):
    """smtp-sink's file: (envelope recipients, message text after its
    X-Client/X-Mail/X-Rcpt lines)."""
    lines = text.split("\n")
    rcpts, i = [], 0
    while i < len(lines) and lines[i].startswith("X-"):
        if lines[i].startswith("X-Rcpt-Args:"):
            rcpts.append(lines[i].split(":", 1)[1].strip().strip("<>").split(">")[0].lower())
        i += 1
    return rcpts, "\n".join(lines[i:])


def check_sink(prefix, files, cases, one_sink):
    """Each case's message: each archive wanted got exactly one copy, any
    other archive none, and no copy that reached an original recipient
    names an archive that was not one of its original recipients.
    files: the sink files' texts; one_sink: archives and recipients share
    the sink (Sendmail), so the recipients' envelope holds the archives."""
    ok_all = True
    parsed = [parse_sink(t) for t in files]
    for name, _, _, rcpts, subject, _, want in cases:
        mine = [(r, m) for r, m in parsed if "\nSubject: " in "\n" + m and
                any(ln.startswith("Subject:") and subject in ln for ln in m.split("\n"))]
        counts = {a: sum(r.count(a.lower()) for r, _ in mine) for a in ARCHIVES}
        wanted = {a: (1 if a in want else 0) for a in ARCHIVES}
        orig = {r.lower() for r in rcpts}
        for a in ARCHIVES:
            if a.lower() in orig:
                wanted[a] = 1       # its own delivery, once
        ok = counts == wanted
        report(prefix + name + "-archive-copies", ok, "copies %s, want %s" % (counts, wanted))
        people = orig - {a.lower() for a in ARCHIVES}
        delivered = [(r, m) for r, m in mine if any(x in people for x in r)]
        trace = []
        for r, m in delivered:
            for a in ARCHIVES:
                if a.lower() in orig:
                    continue
                if a.lower() in m.lower():
                    trace.append("%s in the message" % a)
                if not one_sink and a.lower() in r:
                    trace.append("%s in the recipients' envelope" % a)
        if want:
            ok2 = bool(delivered) and not trace
            report(prefix + name + "-no-trace", ok2, "%d copies, %s" % (len(delivered), trace))
            ok &= ok2
        elif name in ("rejected", "held"):
            ok2 = not mine
            report(prefix + name + "-not-delivered", ok2, "%d copies" % len(mine))
            ok &= ok2
        if name == "split":
            held = [r for r, _ in mine if "alice@dor.mass.example" in r]
            report(prefix + "split-removed-not-delivered", not held, "%s" % held)
            ok_all &= not held
        ok_all &= ok
    return ok_all


def run_cases(port_of, cases):
    """Send each case; returns the codes by name."""
    codes = {}
    for name, kind, frm, rcpts, subject, exe, _ in cases:
        codes[name] = send_case(port_of[kind], frm, rcpts,
                                message(subject, to=rcpts[0], frm=frm, exe=exe))
    return codes


def codes_ok(prefix, codes):
    want = {n: (550 if n == "rejected" else 250) for n in codes}
    ok = codes == want
    report(prefix + "answers", ok, "answers %s, want %s" % (codes, want))
    return ok


ARCHIVE_DOMAINS = ("records.mass.example", "archive.dep.mass.example",
                   "archive.dor.mass.example")


def release_test(a, conf, sets, files):
    """The rejected case's entry released by the office (msgsec quarantine
    release, through Postfix's sendmail and the milter on pickup): the
    released copy is delivered, so journaled, once per archive."""
    subject = [c[4] for c in CASES if c[0] == "rejected"][0]
    entries = [p for p in glob.glob(os.path.join(a, "quarantine", "*", "message.eml"))
               if subject.encode() in open(p, "rb").read()]
    if len(entries) != 1:
        report("postfix-release", False, "%d store entries for %r" % (len(entries), subject))
        return False
    qid = os.path.basename(os.path.dirname(entries[0]))
    r = subprocess.run([os.path.join(TOP, O, "msgsec"), "quarantine", "release", qid,
                        "-c", conf, "--by", "Priya Raman", "--reason", "checked"] + sets,
                       capture_output=True, text=True)
    report("postfix-release-command", r.returncode == 0, r.stdout + r.stderr)

    def copies(d):
        return [t for t in files(os.path.join(a, d)) if subject in t]
    import postfix_e2e as pe  # noqa: E402
    pe.wait_for(lambda: copies("archive") and copies("sink"), 30)
    time.sleep(2)   # a second copy would show up by now
    case = [("released",) + c[1:6] + ([J, DEP_A],) for c in CASES if c[0] == "rejected"]
    return r.returncode == 0 and check_sink("postfix-", files(os.path.join(a, "archive")) +
                                            files(os.path.join(a, "sink")), case, False)


def postfix_test(w, conf):
    if os.geteuid() != 0:
        print("skip journal/postfix (needs root)")
        return True
    if not os.path.exists("/usr/sbin/postfix") or not os.path.exists("/usr/sbin/smtp-sink"):
        print("skip journal/postfix (Postfix not installed)")
        return True
    sys.path.insert(0, HERE)
    import postfix_e2e as pe  # noqa: E402  the private instance's helpers

    transport = ", ".join("%s=smtp:[127.0.0.1]:10027" % d for d in ARCHIVE_DOMAINS)
    a = pe.instance("msgsec-jA.", "transport_maps = inline:{{%s}}\n"
                    "non_smtpd_milters = unix:{w}/milter.sock\n" % transport)
    b = pe.instance("msgsec-jB.", "myhostname = mx2.mass.example\n"
                    "relayhost = [127.0.0.1]:10025\n")
    with open(os.path.join(b, "conf", "master.cf"), "w") as f:
        f.write(pe.MASTER_CF.replace("127.0.0.1:10025 inet", "127.0.0.1:10035 inet")
                .replace("127.0.0.1:10587 inet", "127.0.0.1:10597 inet"))
    os.makedirs(os.path.join(a, "archive"))
    os.chmod(os.path.join(a, "archive"), 0o777)
    procs, envs = [], {}
    ok_all = True
    try:
        release_sets = ["--set", "paths.quarantine=%s/quarantine" % a,
                        "--set", "quarantine.sendmail=%s" % pe.sendmail_wrapper(a)]
        for gw in (a, b):
            procs.append(subprocess.Popen(
                [MILTER, "-f", "-c", conf,
                 "--set", "milter.socket=unix:%s/milter.sock" % gw,
                 "--set", "milter.socket_mode=0666",
                 "--set", "paths.quarantine=%s/quarantine" % gw,
                 "--set", "alerts.file=%s/alerts.json" % gw,
                 "--set", "milter.internal_networks=[192.0.2.0/24]",
                 "--set", "clamav.enabled=false",
                 "--set", "journal.address=" + J,
                 "--set", "milter.split_recipients=true",
                 "-u", "nobody"],
                stdout=open(os.path.join(gw, "milter.log"), "ab"), stderr=subprocess.STDOUT))
        for d, port in ((os.path.join(a, "sink"), 10026), (os.path.join(a, "archive"), 10027)):
            procs.append(subprocess.Popen(["smtp-sink", "-u", "nobody", "-d",
                                           os.path.join(d, "%Y%m%d%H%M%S."),
                                           "127.0.0.1:%d" % port, "100"],
                                          stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        for gw in (a, b):
            envs[gw] = dict(os.environ, MAIL_CONFIG=os.path.join(gw, "conf"))
            subprocess.run(["postfix", "-c", os.path.join(gw, "conf"), "start"],
                           env=envs[gw], capture_output=True)
        up = all(pe.wait_port(p) for p in (10025, 10035, 10026, 10027)) and \
            pe.wait_for(lambda: os.path.exists(os.path.join(a, "milter.sock")) and
                        os.path.exists(os.path.join(b, "milter.sock")))
        report("postfix-start", up, "gateways or sinks not listening")
        if not up:
            return False

        codes = run_cases({"in": 10025, "sub": 10587}, CASES)
        # Through B, then A: the same message enters two gateways.
        via_b = [(n + "-via-B", k, f, r, s.replace("j-", "jb-"), e, wa)
                 for n, k, f, r, s, e, wa in CASES if n in ("one", "several", "outbound")]
        codes.update(run_cases({"in": 10035, "sub": 10597}, via_b))
        ok_all &= codes_ok("postfix-", codes)
        n_want = sum(1 for c in CASES + via_b if c[6])

        def files(d):
            return [open(p, "rb").read().decode("latin-1")
                    for p in sorted(glob.glob(os.path.join(d, "*")))]

        pe.wait_for(lambda: len(files(os.path.join(a, "archive"))) >= n_want, 60)
        pe.wait_for(lambda: len(files(os.path.join(a, "sink"))) >= n_want, 30)
        ok_all &= check_sink("postfix-", files(os.path.join(a, "archive")) +
                             files(os.path.join(a, "sink")), CASES + via_b, False)
        ok_all &= release_test(a, conf, release_sets, files)
        # The archive sink holds archive recipients only.
        stray = [r for t in files(os.path.join(a, "archive")) for r in parse_sink(t)[0]
                 if r not in {x.lower() for x in ARCHIVES}]
        report("postfix-archive-sink-only-archives", not stray, "%s" % stray)
        ok_all &= not stray
        # B journaled the mail it relayed; A added nothing to it.
        logs = {gw: open(os.path.join(gw, "milter.log"), errors="replace").read()
                for gw in (a, b)}
        nb = logs[b].count(": journaled to ")
        report("postfix-gateway-B-journaled", nb == 6, "B's log: %d journal lines, want 6" % nb)
        ok_all &= nb == 6
        for gw in (a, b):
            bad = "AddressSanitizer" in logs[gw] or "runtime error" in logs[gw]
            report("postfix-sanitizers-" + ("A" if gw == a else "B"), not bad,
                   logs[gw][-1500:])
            ok_all &= not bad
    finally:
        for gw in (a, b):
            subprocess.run(["postfix", "-c", os.path.join(gw, "conf"), "stop"],
                           env=envs.get(gw, os.environ), capture_output=True)
        pe.teardown(a, envs.get(a, os.environ), procs)
        if os.environ.get("KEEP") != "1":
            shutil.rmtree(b, ignore_errors=True)
    return ok_all


def main():
    w = tempfile.mkdtemp(prefix="msgsec-journal.")
    os.chmod(w, 0o755)
    try:
        conf = journal_rules(w)
        ok = permutations_test(w, conf)
        ok &= cases_test(w, conf)
        if len(sys.argv) > 1 and sys.argv[1] == "--postfix":
            ok &= postfix_test(w, conf)
    finally:
        shutil.rmtree(w, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
