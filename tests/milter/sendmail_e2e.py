#!/usr/bin/python3
"""End to end: a private Sendmail on loopback with msgsec-milter as its
INPUT_MAIL_FILTER (the line from packaging/sendmail-msgsec.mc), relaying
to smtp-sink.  Prints "ok NAME" / "FAIL NAME: why" / "skip NAME why"
lines for tests/run.sh.

Sendmail is not installed (sendmail-bin conflicts with postfix): run by
run-sendmail.sh, which unpacks the Debian packages into $O/sendmail/root
and starts this script inside `unshare --net --uts --mount`.  Here:
  - host name mx.mass.example, private /etc/hosts and /etc/resolv.conf
    (loopback only; Sendmail sleeps 60 s at start without a domain);
  - a private /dev (tmpfs with null, zero, urandom... bound in) whose
    /dev/log is this script's syslog listener: Sendmail logs only there;
  - the work folder lives under $O (no world-writable parent: Sendmail
    refuses unsafe queue and socket paths).
Ports: Sendmail 127.0.0.1:10025 (Name=MTA, inbound), :10587
(Name=submission, outbound), smtp-sink :10026.  Journaling runs
journal_e2e.py's cases through it (step 7b).
"""
import glob
import os
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
from msgsec_test import clamav_db  # noqa: E402

O = os.environ.get("O", "build")
MILTER = os.path.join(TOP, O, "msgsec-milter")
SMROOT = os.path.join(TOP, O, "sendmail", "root")
SENDMAIL = os.path.join(SMROOT, "usr", "libexec", "sendmail", "sendmail")
CFDIR = os.path.join(SMROOT, "usr", "share", "sendmail", "cf")
SNIPPET = os.path.join(TOP, "packaging", "sendmail-msgsec.mc")
HOST = "mx.mass.example"


def report(name, ok, why=""):
    print(("ok " if ok else "FAIL ") + "sendmail/" + name + ("" if ok else ": " + why),
          flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, **kw)


def wait_for(pred, timeout=20.0):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.05)
    return False


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), 0.5):
            return True
    except OSError:
        return False


MC = """divert(-1)dnl
divert(0)dnl
VERSIONID(`msgsec sendmail end-to-end test')dnl
OSTYPE(`linux')dnl
define(`confDOMAIN_NAME', `{host}')dnl
define(`QUEUE_DIR', `{w}/queue')dnl
define(`STATUS_FILE', `{w}/statistics')dnl
define(`HELP_FILE', `{w}/helpfile')dnl
define(`confPID_FILE', `{w}/sendmail.pid')dnl
define(`confCW_FILE', `-o {w}/local-host-names')dnl
define(`confSERVICE_SWITCH_FILE', `{w}/service.switch')dnl
define(`ALIAS_FILE', `{w}/aliases')dnl
define(`confDONT_PROBE_INTERFACES', `true')dnl
define(`confTO_IDENT', `0s')dnl
define(`confLOG_LEVEL', `14')dnl
define(`SMART_HOST', `relay:[127.0.0.1]')dnl
define(`RELAY_MAILER_ARGS', `TCP $h 10026')dnl
FEATURE(`accept_unresolvable_domains')dnl
FEATURE(`promiscuous_relay')dnl
FEATURE(`nocanonify')dnl
FEATURE(`no_default_msa')dnl
DAEMON_OPTIONS(`Family=inet, Name=MTA, Port=10025, Addr=127.0.0.1')dnl
DAEMON_OPTIONS(`Family=inet, Name=submission, Port=10587, Addr=127.0.0.1')dnl
{snippet}
MAILER(`local')dnl
MAILER(`smtp')dnl
"""

TEST_RULES = """
rules:
  - id: test.discard
    policy: "1.2"
    direction: inbound
    match:
      subject: { regex: "discard-me" }
    action: discard
"""


def msg(subject, body="Hello.\r\n", extra=None, frm="sender@example.org",
        to="user@dep.mass.example"):
    lines = ["From: %s" % frm, "To: %s" % to, "Subject: %s" % subject,
             "Date: Sun, 22 Nov 2026 10:00:00 +0000",
             "Message-ID: <%d.%s@example.org>" % (abs(hash(subject)), os.getpid())]
    if extra:
        lines += extra
    return "\r\n".join(lines) + "\r\n\r\n" + body


EXE = msg("report", "--b\r\nContent-Type: text/plain\r\n\r\nsee\r\n--b\r\n"
          "Content-Type: application/octet-stream\r\n"
          "Content-Disposition: attachment; filename=\"report.exe\"\r\n"
          "Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--b--\r\n",
          ["MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"b\""])


def send(port, frm, to, data):
    """Returns (code, text) of the final answer (0 when the connection failed)."""
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as s:
            s.ehlo("client.example")
            code, text = s.mail(frm)
            if code >= 400:
                return code, text.decode()
            code, text = s.rcpt(to)
            if code >= 400:
                return code, text.decode()
            code, text = s.data(data.encode())
            return code, text.decode()
    except smtplib.SMTPResponseException as e:
        return e.smtp_code, e.smtp_error.decode(errors="replace")
    except (OSError, smtplib.SMTPException) as e:
        return 0, str(e)


class Syslog:
    """A syslog listener on a unix datagram socket: every line to a file."""

    def __init__(self, path, logfile):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        os.chmod(path, 0o666)
        self.out = open(logfile, "a", buffering=1, errors="replace")
        self.lines = []
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                return
            line = data.decode("utf-8", "replace").rstrip("\n\0")
            self.lines.append(line)
            self.out.write(line + "\n")

    def text(self):
        return "\n".join(self.lines)


def private_dev(w):
    """A tmpfs over /dev in this mount namespace, with the few device
    nodes the daemons use bound in, an empty /dev/shm and no /dev/log
    (ours comes next)."""
    d = os.path.join(w, "dev")
    os.mkdir(d)
    run(["mount", "-t", "tmpfs", "-o", "mode=0755,size=256m", "msgsec-dev", d])
    for n in ("null", "zero", "full", "random", "urandom", "tty"):
        if os.path.exists("/dev/" + n):
            open(os.path.join(d, n), "w").close()
            run(["mount", "--bind", "/dev/" + n, os.path.join(d, n)])
    os.mkdir(os.path.join(d, "shm"))
    os.chmod(os.path.join(d, "shm"), 0o1777)
    for i, n in enumerate(("stdin", "stdout", "stderr")):
        os.symlink("/proc/self/fd/%d" % i, os.path.join(d, n))
    os.symlink("/proc/self/fd", os.path.join(d, "fd"))
    run(["mount", "--rbind", d, "/dev"])


def private_etc(w):
    with open(os.path.join(w, "hosts"), "w") as f:
        f.write("127.0.0.1\t%s mx localhost\n::1\tlocalhost ip6-localhost\n" % HOST)
    with open(os.path.join(w, "resolv.conf"), "w") as f:
        f.write("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
    run(["mount", "--bind", os.path.join(w, "hosts"), "/etc/hosts"])
    run(["mount", "--bind", os.path.join(w, "resolv.conf"), "/etc/resolv.conf"])


def make_cf(w):
    with open(SNIPPET) as f:
        snippet = f.read().replace("local:/run/msgsec/milter.sock",
                                   "local:%s/run/milter.sock" % w)
    mc = MC.replace("{w}", w).replace("{host}", HOST).replace("{snippet}", snippet)
    with open(os.path.join(w, "sendmail.mc"), "w") as f:
        f.write(mc)
    cf = subprocess.run(["m4", "-D_CF_DIR_=%s/" % CFDIR, os.path.join(CFDIR, "m4", "cf.m4"),
                         os.path.join(w, "sendmail.mc")], capture_output=True, text=True)
    if cf.returncode != 0:
        raise RuntimeError("m4: " + cf.stderr)
    with open(os.path.join(w, "sendmail.cf"), "w") as f:
        f.write(cf.stdout)
    with open(os.path.join(w, "service.switch"), "w") as f:
        f.write("hosts files\naliases files\n")
    with open(os.path.join(w, "aliases"), "w") as f:
        f.write("postmaster: root\n")
    os.chmod(os.path.join(w, "aliases"), 0o644)


def sink_messages(w):
    out = []
    for f in sorted(glob.glob(os.path.join(w, "sink", "*"))):
        with open(f, "rb") as fh:
            out.append(fh.read().decode("latin-1"))
    return out


def store_has(w, needle):
    return any(needle in open(p, "rb").read()
               for p in glob.glob(os.path.join(w, "quarantine", "*", "message.eml")))


def main():
    if os.geteuid() != 0:
        print("skip sendmail (needs root)")
        return 0
    for need, why in ((SENDMAIL, "Sendmail not unpacked"), ("/usr/sbin/smtp-sink", "no smtp-sink"),
                      ("/usr/bin/m4", "no m4")):
        if not os.path.exists(need):
            print("skip sendmail (%s)" % why)
            return 0
    if socket.gethostname() != HOST:
        print("skip sendmail (run me through run-sendmail.sh)")
        return 0
    # Sendmail refuses a milter socket below a world-writable folder
    # ("unsafe: World writable directory"), and a checkout may live in
    # /tmp: the work folder goes in /run (root's, 0755) when it can.
    base = "/run" if os.path.isdir("/run") and os.access("/run", os.W_OK) \
        else os.path.join(TOP, O)
    w = tempfile.mkdtemp(prefix="msgsec-sendmail-e2e.", dir=base)
    os.chmod(w, 0o755)
    procs = []
    sm_cf = os.path.join(w, "sendmail.cf")
    try:
        for d, mode in (("queue", 0o700), ("sink", 0o755), ("run", 0o755)):
            os.mkdir(os.path.join(w, d), mode)
        shutil.chown(os.path.join(w, "sink"), "nobody")
        shutil.chown(os.path.join(w, "run"), "nobody")
        private_dev(w)
        private_etc(w)
        log = Syslog("/dev/log", os.path.join(w, "maillog"))
        make_cf(w)

        shutil.copytree(os.path.join(TOP, "rules"), os.path.join(w, "rules"))
        with open(os.path.join(w, "rules", "policy", "zz-test.yaml"), "w") as f:
            f.write(TEST_RULES)
        mlog = open(os.path.join(w, "milter.log"), "ab")
        # MSGSEC_MILTER_WRAP: a command prefix (e.g. "strace -f -o FILE"),
        # used to list the system calls the daemon makes.
        wrap = os.environ.get("MSGSEC_MILTER_WRAP", "").split()
        milter = subprocess.Popen(
            wrap + [MILTER, "-f", "-c", os.path.join(w, "rules", "msgsec.yaml"),
             "--set", "milter.socket=unix:%s/run/milter.sock" % w,
             "--set", "milter.socket_mode=0660",
             "--set", "paths.quarantine=%s/quarantine" % w,
             "--set", "alerts.file=%s/alerts.json" % w,
             "--set", "milter.internal_networks=[192.0.2.0/24]",
             "--set", "clamav.database=%s" % clamav_db(),
             "-u", "nobody"], stdout=mlog, stderr=mlog)
        procs.append(milter)
        sink = subprocess.Popen(["smtp-sink", "-u", "nobody", "-d",
                                 os.path.join(w, "sink", "%Y%m%d%H%M%S."),
                                 "127.0.0.1:10026", "100"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(sink)
        if not wait_for(lambda: os.path.exists(os.path.join(w, "run", "milter.sock")), 60):
            report("start", False, "no milter socket: " +
                   open(os.path.join(w, "milter.log"), errors="replace").read()[-1500:])
            return 1
        t0 = time.time()
        sm = subprocess.Popen([SENDMAIL, "-C", sm_cf, "-bD", "-q1m"],
                              stdout=mlog, stderr=mlog)
        procs.append(sm)
        up = wait_for(lambda: port_open(10025) and port_open(10587) and port_open(10026), 20)
        ready = time.time() - t0
        report("start", up, "not listening after %.1f s; syslog:\n%s" % (ready, log.text()[-2000:]))
        if not up:
            return 1
        print("sendmail ready %.2f s after start" % ready)

        # 1. clean mail passes, untouched
        code, text = send(10025, "sender@example.org", "user@dep.mass.example",
                          msg("quarterly minutes"))
        ok = code == 250 and wait_for(lambda: any("quarterly minutes" in m
                                                  for m in sink_messages(w)))
        report("clean-accepted", ok, "%s %s\n%s" % (code, text, log.text()[-1500:]))

        # 2. an executable attachment: rejected at end of data with the
        # rule's reply, stored in msgsec's quarantine
        code, text = send(10025, "sender@example.org", "user@dep.mass.example", EXE)
        report("exe-rejected", code == 550 and "5.7.1" in text and
               "Attachment type not allowed by policy 1.1" in text, "%s %s" % (code, text))
        report("exe-stored", store_has(w, b"report.exe"),
               "stored: %r" % glob.glob(os.path.join(w, "quarantine", "*")))

        # 3. spam subject: accepted, tagged (header and subject) at the sink
        code, text = send(10025, "sender@example.org", "user@dep.mass.example",
                          msg("URGENT confidential business proposal for the beneficiary"))
        ok = code == 250 and wait_for(lambda: any("\nX-Msgsec-Spam: spam.advance-fee\n" in m and
                                                  "\nSubject: [SPAM] URGENT" in m
                                                  for m in sink_messages(w)))
        report("spam-tagged", ok, "%s %s\n%s" % (code, text, "\n".join(
            m for m in sink_messages(w) if "URGENT" in m)[-1500:]))

        # 4. quarantine: outbound through the submission daemon, held in
        # Sendmail's quarantine (sendmail -bp -qQ) and in msgsec's store
        code, text = send(10587, "dana@dep.mass.example", "x@example.org",
                          msg("CONFIDENTIAL permit draft for review",
                              frm="dana@dep.mass.example", to="x@example.org"))

        def held():
            q = subprocess.run([SENDMAIL, "-C", sm_cf, "-bp", "-qQ"],
                               capture_output=True, text=True)
            return "dana@dep.mass.example" in q.stdout and "x@example.org" in q.stdout, q.stdout
        ok = wait_for(lambda: held()[0], 10)
        report("quarantine-held", code == 250 and ok,
               "%s %s\n-bp -qQ: %s" % (code, text, held()[1]))
        report("quarantine-not-delivered",
               not any("CONFIDENTIAL permit draft" in m for m in sink_messages(w)), "")
        report("quarantine-stored", store_has(w, b"CONFIDENTIAL permit draft"), "")

        # 4b. released by the MTA's own tool (-Q without a reason
        # unquarantines; -qQ selects the quarantined items): delivered
        qid = None
        for ln in held()[1].splitlines():
            if ln and ln.split()[0].isalnum() and len(ln.split()[0]) >= 10:
                qid = ln.split()[0].rstrip("*")
                break
        rel = subprocess.run([SENDMAIL, "-C", sm_cf, "-qQ", "-Q", "-qI" + str(qid)],
                             capture_output=True, text=True)
        subprocess.run([SENDMAIL, "-C", sm_cf, "-q", "-qI" + str(qid)], capture_output=True)
        ok = qid is not None and wait_for(lambda: any("CONFIDENTIAL permit draft" in m
                                                      for m in sink_messages(w)), 10)
        report("quarantine-released", ok, "qid %s: %s %s\n-bp -qQ: %s" % (
            qid, rel.stdout, rel.stderr, held()[1]))

        # 5. discard: absent at the sink, present in the store
        code, text = send(10025, "sender@example.org", "user@dep.mass.example",
                          msg("please discard-me now"))
        time.sleep(1.0)
        report("discard", code == 250 and not any("discard-me" in m for m in sink_messages(w))
               and store_has(w, b"discard-me"), "%s %s" % (code, text))

        # 6. sendmail -bs (a local submission, no socket) through the milter
        bs = subprocess.run(["swaks", "--pipe", "%s -C %s -bs" % (SENDMAIL, sm_cf),
                             "--from", "sender@example.org", "--to", "user@dep.mass.example",
                             "--data", "-"], input=EXE.replace("\r\n", "\n"),
                            capture_output=True, text=True, timeout=120)
        report("bs-rejected", "550 5.7.1" in bs.stdout and "policy 1.1" in bs.stdout,
               bs.stdout[-1500:] + bs.stderr[-500:])

        # 7. the milter log: the verdicts, no sanitizer report
        mlog.flush()
        mtext = open(os.path.join(w, "milter.log"), errors="replace").read()
        report("milter-sanitizers", "AddressSanitizer" not in mtext and
               "runtime error" not in mtext, mtext[-2000:])
        report("syslog-collected", "Milter" in log.text() or "milter" in log.text(),
               log.text()[-1500:])

        # 7b. journaling (journal_e2e.py's cases): a milter with
        # journal.address and the agencies' archives on the same socket;
        # each archive receives one copy of each delivered message, the
        # recipients' copy carries no trace of it, a rejected or held
        # message reaches no archive
        # (the milter lets connections in flight finish, up to 30 s: a
        # Sendmail child may hold one a while after its message)
        milter.terminate()
        milter.wait(45)
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import journal_e2e as je  # noqa: E402
        jconf = je.journal_rules(os.path.join(w, "journal"))
        milter = subprocess.Popen(
            [MILTER, "-f", "-c", jconf,
             "--set", "milter.socket=unix:%s/run/milter.sock" % w,
             "--set", "milter.socket_mode=0660",
             "--set", "paths.quarantine=%s/quarantine" % w,
             "--set", "alerts.file=%s/alerts.json" % w,
             "--set", "milter.internal_networks=[192.0.2.0/24]",
             "--set", "clamav.enabled=false",
             "--set", "journal.address=" + je.J,
             "--set", "milter.split_recipients=true",
             "-u", "nobody"], stdout=mlog, stderr=mlog)
        procs.append(milter)
        wait_for(lambda: os.path.exists(os.path.join(w, "run", "milter.sock")), 60)
        before = set(glob.glob(os.path.join(w, "sink", "*")))
        codes = je.run_cases({"in": 10025, "sub": 10587}, je.CASES)
        je.codes_ok("sendmail-", codes)

        def new_files():
            return [open(p, "rb").read().decode("latin-1") for p in
                    sorted(set(glob.glob(os.path.join(w, "sink", "*"))) - before)]
        n_want = sum(1 for c in je.CASES if c[6])
        wait_for(lambda: len(new_files()) >= n_want, 30)
        je.check_sink("sendmail-", new_files(), je.CASES, True)
        mlog.flush()
        mtext = open(os.path.join(w, "milter.log"), errors="replace").read()
        report("journal-sanitizers", "AddressSanitizer" not in mtext and
               "runtime error" not in mtext, mtext[-2000:])

        # 8. the milter stopped: 4xx (F=T), never an accept
        milter.terminate()
        milter.wait(45)
        code, text = send(10025, "sender@example.org", "user@dep.mass.example",
                          msg("while the milter is down"))
        report("milter-down-tempfail", 400 <= code < 500, "%s %s" % (code, text))
        time.sleep(0.3)
        report("milter-down-not-delivered",
               not any("while the milter is down" in m for m in sink_messages(w)), "")
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        if os.path.exists(os.path.join(w, "sendmail.pid")):
            try:
                pid = int(open(os.path.join(w, "sendmail.pid")).readline())
                os.kill(pid, 15)
            except (OSError, ValueError):
                pass
        subprocess.run(["umount", "-l", "/dev"], capture_output=True)
        subprocess.run(["umount", "-R", os.path.join(w, "dev")], capture_output=True)
        if os.environ.get("KEEP") != "1":
            shutil.rmtree(w, ignore_errors=True)
        else:
            print("kept " + w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
