#!/usr/bin/python3
"""End to end: a private Postfix on loopback in front of msgsec-milter,
relaying to smtp-sink.  Prints "ok NAME" / "FAIL NAME: why" / "skip NAME
why" lines for tests/run.sh.

Layout (all under one work folder, every parent searchable by postfix):
  conf/main.cf master.cf   the instance (queue, data, maillog_file)
  rules/                   a copy of the shipped rules plus test rules
  sink/                    what smtp-sink received (one file per message)
  quarantine/ alerts.json  msgsec's store and alert log
Ports: smtpd 127.0.0.1:10025 (inbound), :10587 (daemon_name submission,
outbound), smtp-sink :10026.  Run inside `unshare --net` by
run-postfix.sh so nothing else on the machine is touched.
"""
import glob
import json
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
results = []


def report(name, ok, why=""):
    print(("ok " if ok else "FAIL ") + "postfix/" + name + ("" if ok else ": " + why), flush=True)


def wait_port(port, timeout=15.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def wait_for(pred, timeout=20.0):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.1)
    return False


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
myorigin = $myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:10026
smtpd_relay_restrictions = permit_mynetworks, reject
smtp_dns_support_level = disabled
smtp_host_lookup = native
biff = no
smtputf8_enable = yes
smtpd_milters = unix:{w}/milter.sock
milter_protocol = 6
milter_default_action = tempfail
milter_connect_macros = j {{daemon_name}} v
milter_mail_macros = i {{auth_authen}} {{mail_addr}}
milter_rcpt_macros = i {{rcpt_addr}}
milter_end_of_data_macros = i
milter_command_timeout = 20s
milter_content_timeout = 60s
message_size_limit = 60000000
"""

MASTER_CF = """
127.0.0.1:10025 inet n - n - - smtpd
127.0.0.1:10587 inet n - n - - smtpd -o milter_macro_daemon_name=submission
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
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
local     unix  -       n       n       -       -       local
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""

TEST_RULES = """
rules:
  - id: test.strip
    policy: "1.1"
    direction: inbound
    match:
      attachment.extension: { in: [stripme] }
    action: strip
  - id: test.discard
    policy: "1.2"
    direction: inbound
    match:
      subject: { regex: "discard-me" }
    action: discard
"""


def msg(subject, body="Hello.\r\n", extra=None, frm="sender@example.org",
        to="user@dep.mass.example"):
    lines = [
        "From: %s" % frm,
        "To: %s" % to,
        "Subject: %s" % subject,
        "Date: Sun, 22 Nov 2026 10:00:00 +0000",
        "Message-ID: <%s@example.org>" % abs(hash(subject)),
    ]
    if extra:
        lines += extra
    return "\r\n".join(lines) + "\r\n\r\n" + body


def send(port, frm, to, data):
    """Returns (code, text) of the final answer."""
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
        return e.smtp_code, e.smtp_error.decode()
    except (OSError, smtplib.SMTPException) as e:
        return 0, str(e)


def sink_messages(w):
    out = []
    for f in sorted(glob.glob(os.path.join(w, "sink", "*"))):
        with open(f, "rb") as fh:
            out.append(fh.read().decode("latin-1"))
    return out


def instance(prefix, extra_main=""):
    """A private Postfix instance's folder: conf/ (MAIN_CF plus extra_main,
    both formatted with w=the folder; MASTER_CF), queue/, data/ (owned by postfix) and sink/; every parent
    searchable by user postfix.  Returns its path."""
    w = tempfile.mkdtemp(prefix=prefix)
    os.chmod(w, 0o755)
    for d in ("conf", "queue", "data", "sink"):
        os.makedirs(os.path.join(w, d), exist_ok=True)
    shutil.chown(os.path.join(w, "data"), "postfix")
    os.chmod(os.path.join(w, "sink"), 0o777)
    with open(os.path.join(w, "conf", "main.cf"), "w") as f:
        f.write(MAIN_CF.format(w=w) + extra_main.format(w=w))
    with open(os.path.join(w, "conf", "master.cf"), "w") as f:
        f.write(MASTER_CF)
    return w


def sendmail_wrapper(w):
    """sendmail(1) for instance w that keeps a copy of what it sent in
    w/released.eml; returns its path (for quarantine.sendmail)."""
    wrapper = os.path.join(w, "sendmail.sh")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\ncat >'%s/released.eml' || exit 75\n"
                "MAIL_CONFIG='%s/conf' exec /usr/sbin/sendmail \"$@\" <'%s/released.eml'\n"
                % (w, w, w))
    os.chmod(wrapper, 0o755)
    return wrapper


def teardown(w, env, procs):
    """Stop instance w's Postfix and the processes (a TERM, 20 s, then a
    KILL), and remove w unless KEEP=1."""
    subprocess.run(["postfix", "-c", os.path.join(w, "conf"), "stop"], env=env,
                   capture_output=True)
    for p in procs:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    if os.environ.get("KEEP") != "1":
        shutil.rmtree(w, ignore_errors=True)
    else:
        print("kept " + w)


def main():
    if os.geteuid() != 0:
        print("skip postfix (needs root)")
        return 0
    if not os.path.exists("/usr/sbin/postfix") or not os.path.exists("/usr/sbin/smtp-sink"):
        print("skip postfix (Postfix not installed)")
        return 0
    w = instance("msgsec-pf.")
    shutil.copytree(os.path.join(TOP, "rules"), os.path.join(w, "rules"))
    with open(os.path.join(w, "rules", "policy", "zz-test.yaml"), "w") as f:
        f.write(TEST_RULES)
    conf = os.path.join(w, "rules", "msgsec.yaml")
    milter_cmd = [MILTER, "-f", "-c", conf,
                  "--set", "milter.socket=unix:%s/milter.sock" % w,
                  "--set", "milter.socket_mode=0666",
                  "--set", "paths.quarantine=%s/quarantine" % w,
                  "--set", "alerts.file=%s/alerts.json" % w,
                  "--set", "milter.internal_networks=[192.0.2.0/24]",
                  "--set", "clamav.database=%s" % clamav_db(),
                  "-u", "nobody"]
    mlog = open(os.path.join(w, "milter.log"), "ab")
    milter = subprocess.Popen(milter_cmd, stdout=mlog, stderr=mlog)
    sink = subprocess.Popen(["smtp-sink", "-u", "nobody", "-d",
                             os.path.join(w, "sink", "%Y%m%d%H%M%S."),
                             "127.0.0.1:10026", "100"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = dict(os.environ, MAIL_CONFIG=os.path.join(w, "conf"))
    pf = subprocess.run(["postfix", "-c", os.path.join(w, "conf"), "start"],
                        env=env, capture_output=True, text=True)
    try:
        if pf.returncode != 0 or not wait_port(10025) or not wait_port(10026):
            report("start", False, pf.stderr + open(os.path.join(w, "maillog")).read()
                   if os.path.exists(os.path.join(w, "maillog")) else pf.stderr)
            return 1
        wait_for(lambda: os.path.exists(os.path.join(w, "milter.sock")))
        report("start", True)

        # 1. clean mail passes, untouched
        code, text = send(10025, "sender@example.org", "user@dep.mass.example",
                          msg("quarterly minutes"))
        ok = code == 250 and wait_for(lambda: any("quarterly minutes" in m for m in sink_messages(w)))
        report("clean-accepted", ok, "%s %s" % (code, text))

        # 2. an executable attachment: 5xx with the rule's text, stored
        exe = msg("report", "--b\r\nContent-Type: text/plain\r\n\r\nsee\r\n--b\r\n"
                  "Content-Type: application/octet-stream\r\n"
                  "Content-Disposition: attachment; filename=\"report.exe\"\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--b--\r\n",
                  ["MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"b\""])
        code, text = send(10025, "sender@example.org", "user@dep.mass.example", exe)
        report("exe-rejected", code == 550 and "5.7.1" in text and
               "Attachment type not allowed by policy 1.1" in text, "%s %s" % (code, text))
        stored = glob.glob(os.path.join(w, "quarantine", "*", "message.eml"))
        ok = any(b"report.exe" in open(p, "rb").read() for p in stored)
        report("exe-stored", ok, "stored: %r" % stored)

        # 2b. a virus inside a zip: 5xx with the virus rule's reply
        clam = open("/usr/share/clamav-testfiles/clam.zip", "rb").read() \
            if os.path.exists("/usr/share/clamav-testfiles/clam.zip") else None
        if clam is not None:
            import base64
            vz = msg("papers", "--b\r\nContent-Type: text/plain\r\n\r\nsee\r\n--b\r\n"
                     "Content-Type: application/zip\r\n"
                     "Content-Disposition: attachment; filename=\"papers.zip\"\r\n"
                     "Content-Transfer-Encoding: base64\r\n\r\n" +
                     base64.encodebytes(clam).decode().replace("\n", "\r\n") + "--b--\r\n",
                     ["MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"b\""])
            code, text = send(10025, "sender@example.org", "user@dep.mass.example", vz)
            report("virus-in-zip-rejected", code == 550 and "Virus found" in text,
                   "%s %s" % (code, text))

        # 3. spam subject: accepted, tagged at the sink
        code, text = send(10025, "sender@example.org", "user@dep.mass.example",
                          msg("URGENT confidential business proposal for the beneficiary"))
        ok = code == 250 and wait_for(lambda: any("X-Msgsec-Spam" in m and "[SPAM]" in m
                                                  for m in sink_messages(w)))
        report("spam-tagged", ok, "%s %s" % (code, text))

        # 4. quarantine: Postfix's hold queue, and msgsec's store
        code, text = send(10587, "dana@dep.mass.example", "x@example.org",
                          msg("CONFIDENTIAL permit draft for review", frm="dana@dep.mass.example",
                              to="x@example.org"))
        held = wait_for(lambda: len(os.listdir(os.path.join(w, "queue", "hold"))) > 0
                        if os.path.isdir(os.path.join(w, "queue", "hold")) else False)
        report("quarantine-held", code == 250 and held, "%s %s held=%s" % (code, text, held))

        # 5. discard: absent at the sink, present in the store
        code, text = send(10025, "sender@example.org", "user@dep.mass.example",
                          msg("please discard-me now"))
        time.sleep(1.5)
        absent = not any("discard-me" in m for m in sink_messages(w))
        stored = any(b"discard-me" in open(p, "rb").read()
                     for p in glob.glob(os.path.join(w, "quarantine", "*", "message.eml")))
        report("discard", code == 250 and absent and stored,
               "%s %s absent=%s stored=%s" % (code, text, absent, stored))

        # 5b. strip: the part is replaced by a notice, the rest arrives
        strip = msg("two files", "--s\r\nContent-Type: text/plain\r\n\r\nkeep this text\r\n"
                    "--s\r\nContent-Type: application/octet-stream\r\n"
                    "Content-Disposition: attachment; filename=\"payload.stripme\"\r\n\r\n"
                    "SECRET-PAYLOAD\r\n--s--\r\n",
                    ["MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"s\""])
        code, text = send(10025, "sender@example.org", "user@dep.mass.example", strip)
        got = []
        wait_for(lambda: any("two files" in m for m in sink_messages(w)))
        got = [m for m in sink_messages(w) if "two files" in m]
        ok = code == 250 and got and "keep this text" in got[0] and \
            "SECRET-PAYLOAD" not in got[0] and "payload.stripme.removed.txt" in got[0] and \
            "X-Msgsec-Stripped" in got[0]
        stored = any(b"SECRET-PAYLOAD" in open(p, "rb").read()
                     for p in glob.glob(os.path.join(w, "quarantine", "*", "message.eml")))
        report("strip", bool(ok) and stored, "%s %s stored=%s %r" % (code, text, stored,
                                                                     got[0][-600:] if got else None))

        # 6. alerts: JSON lines naming the rules
        rules = set()
        with open(os.path.join(w, "alerts.json")) as f:
            for line in f:
                rules.add(json.loads(line).get("rule"))  # message lines have none
        want = {"attach.dangerous-extension", "spam.advance-fee",
                "dep.outbound-confidential-marking", "test.discard", "test.strip"}
        report("alerts", want <= rules, "missing %s" % (want - rules))

        # 7. the milter stopped: 4xx, never an accept, never a loss
        milter.terminate()
        milter.wait(30)
        code, text = send(10025, "sender@example.org", "user@dep.mass.example",
                          msg("while the milter is down"))
        report("milter-down-tempfail", 400 <= code < 500, "%s %s" % (code, text))
        mlog.flush()
        log = open(os.path.join(w, "milter.log"), errors="replace").read()
        report("milter-sanitizers", "AddressSanitizer" not in log and "runtime error" not in log,
               log[-2000:])
    finally:
        subprocess.run(["postfix", "-c", os.path.join(w, "conf"), "stop"], env=env,
                       capture_output=True)
        for p in (milter, sink):
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
