#!/usr/bin/python3
"""End to end through a Postfix whose smtpd runs chrooted in its queue
folder (master.cf chroot column "y", Debian's default), configured as
packaging/postfix-main.cf.snippet block B says: the milter listens inside
the chroot (what packaging/systemd/postfix-chroot.conf does with -p) and
main.cf names the socket as the chroot sees it, unix:/msgsec/milter.sock.
The main.cf milter lines are read from the snippet itself.

Checks: a clean message reaches smtp-sink, an executable is rejected with
the rule's reply, the milter down gives 4xx.  Prints ok/FAIL/skip lines;
run inside `unshare --net` by run-postfix-chroot.sh."""
import glob
import os
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
from msgsec_test import clamav_db  # noqa: E402

O = os.environ.get("O", "build")
MILTER = os.path.join(TOP, O, "msgsec-milter")
SNIPPET = os.path.join(TOP, "packaging", "postfix-main.cf.snippet")

MAIN_CF = """
compatibility_level = 3.6
queue_directory = {w}/queue
data_directory = {w}/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = {w}/maillog
maillog_file_prefixes = {w}
myhostname = mx.mass.example
mydomain = mass.example
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:10036
smtpd_relay_restrictions = permit_mynetworks, reject
smtp_dns_support_level = disabled
smtp_host_lookup = native
biff = no
"""

MASTER_CF = """
127.0.0.1:10035 inet n - y - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def report(name, ok, why=""):
    print(("ok " if ok else "FAIL ") + "postfix-chroot/" + name + ("" if ok else ": " + why),
          flush=True)


def wait_for(pred, timeout=20.0):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.1)
    return False


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), 0.5):
            return True
    except OSError:
        return False


def snippet_lines():
    """Block A of the snippet with block B's smtpd_milters line."""
    lines, chrooted = [], None
    for ln in open(SNIPPET):
        ln = ln.rstrip("\n")
        if ln.startswith("#smtpd_milters = "):
            chrooted = ln[1:]
        elif ln and not ln.startswith("#"):
            lines.append(ln)
    if chrooted is None or not lines or not lines[0].startswith("smtpd_milters"):
        raise SystemExit("FAIL postfix-chroot/snippet: no blocks A and B in " + SNIPPET)
    return [chrooted] + lines[1:]


def msg(subject, body="Hello.\r\n", extra=None):
    lines = ["From: sender@example.org", "To: user@dep.mass.example",
             "Subject: %s" % subject, "Date: Sun, 22 Nov 2026 10:00:00 +0000",
             "Message-ID: <%d.c@example.org>" % abs(hash(subject))] + (extra or [])
    return "\r\n".join(lines) + "\r\n\r\n" + body


def send(data):
    try:
        with smtplib.SMTP("127.0.0.1", 10035, timeout=60) as s:
            s.ehlo("client.example")
            code, text = s.mail("sender@example.org")
            if code >= 400:
                return code, text.decode()
            code, text = s.rcpt("user@dep.mass.example")
            if code >= 400:
                return code, text.decode()
            code, text = s.data(data.encode())
            return code, text.decode()
    except smtplib.SMTPResponseException as e:
        return e.smtp_code, e.smtp_error.decode(errors="replace")
    except (OSError, smtplib.SMTPException) as e:
        return 0, str(e)


def sink_has(w, needle):
    for f in glob.glob(os.path.join(w, "sink", "*")):
        if needle in open(f, "rb").read().decode("latin-1"):
            return True
    return False


def main():
    if os.geteuid() != 0:
        print("skip postfix-chroot (needs root)")
        return 0
    if not os.path.exists("/usr/sbin/postfix") or not os.path.exists("/usr/sbin/smtp-sink"):
        print("skip postfix-chroot (Postfix not installed)")
        return 0
    w = tempfile.mkdtemp(prefix="msgsec-pfc.")
    os.chmod(w, 0o755)
    procs = []
    env = dict(os.environ, MAIL_CONFIG=os.path.join(w, "conf"))
    try:
        for d in ("conf", "queue", "data", "sink"):
            os.makedirs(os.path.join(w, d))
        shutil.chown(os.path.join(w, "data"), "postfix")
        shutil.chown(os.path.join(w, "sink"), "nobody")
        # The folder the drop-in makes: inside the chroot, the milter's.
        sockdir = os.path.join(w, "queue", "msgsec")
        os.makedirs(sockdir, 0o755)
        shutil.chown(sockdir, "nobody")
        with open(os.path.join(w, "conf", "main.cf"), "w") as f:
            f.write(MAIN_CF.format(w=w) + "\n".join(snippet_lines()) + "\n")
        with open(os.path.join(w, "conf", "master.cf"), "w") as f:
            f.write(MASTER_CF)
        mlog = open(os.path.join(w, "milter.log"), "ab")
        milter = subprocess.Popen(
            [MILTER, "-f", "-c", os.path.join(TOP, "rules", "msgsec.yaml"),
             "-p", "unix:%s/milter.sock" % sockdir,
             "--set", "milter.socket_mode=0666",
             "--set", "paths.state=%s/state" % w,
             "--set", "paths.quarantine=%s/quarantine" % w,
             "--set", "alerts.file=%s/alerts.json" % w,
             "--set", "clamav.database=%s" % clamav_db(), "-u", "nobody"],
            stdout=mlog, stderr=mlog)
        procs.append(milter)
        procs.append(subprocess.Popen(
            ["smtp-sink", "-u", "nobody", "-d", os.path.join(w, "sink", "%Y%m%d%H%M%S."),
             "127.0.0.1:10036", "100"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        pf = subprocess.run(["postfix", "-c", os.path.join(w, "conf"), "start"], env=env,
                            capture_output=True, text=True)
        up = pf.returncode == 0 and wait_for(lambda: port_open(10035) and port_open(10036)) \
            and wait_for(lambda: os.path.exists(os.path.join(sockdir, "milter.sock")), 60)
        report("start", up, pf.stderr + open(os.path.join(w, "milter.log"), errors="replace")
               .read()[-1000:])
        if not up:
            return 1
        code, text = send(msg("chrooted minutes"))
        report("clean-accepted", code == 250 and wait_for(lambda: sink_has(w, "chrooted minutes")),
               "%s %s" % (code, text))
        exe = msg("report", "--b\r\nContent-Type: text/plain\r\n\r\nsee\r\n--b\r\n"
                  "Content-Type: application/octet-stream\r\n"
                  "Content-Disposition: attachment; filename=\"report.exe\"\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--b--\r\n",
                  ["MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"b\""])
        code, text = send(exe)
        log = open(os.path.join(w, "maillog"), errors="replace").read() \
            if os.path.exists(os.path.join(w, "maillog")) else ""
        report("exe-rejected", code == 550 and "Attachment type not allowed by policy 1.1" in text,
               "%s %s\n%s" % (code, text, log[-1500:]))
        milter.terminate()
        milter.wait(30)
        code, text = send(msg("while the milter is down"))
        report("milter-down-tempfail", 400 <= code < 500, "%s %s" % (code, text))
    finally:
        subprocess.run(["postfix", "-c", os.path.join(w, "conf"), "stop"], env=env,
                       capture_output=True)
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        if os.environ.get("KEEP") != "1":
            shutil.rmtree(w, ignore_errors=True)
        else:
            print("kept " + w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
