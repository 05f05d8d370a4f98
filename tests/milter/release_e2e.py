#!/usr/bin/python3
"""Release end to end: a message msgsec-milter rejected and stored is
released with `msgsec quarantine release` through a private Postfix's
sendmail(1) and arrives at smtp-sink exactly once, without the pass
header; replaying the released bytes (the same one-time pass) over SMTP
is rejected by the milter.  Prints "ok NAME" / "FAIL NAME: why" / "skip
NAME why".  Reuses postfix_e2e's instance (main.cf, master.cf, helpers)
with non_smtpd_milters set, so mail from sendmail(1) meets the milter
too.  Run inside `unshare --net` by run-release.sh.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import postfix_e2e as pe  # noqa: E402

MSGSEC = os.path.join(pe.TOP, pe.O, "msgsec")


def report(name, ok, why=""):
    print(("ok " if ok else "FAIL ") + "release/" + name + ("" if ok else ": " + why), flush=True)


def main():
    if os.geteuid() != 0:
        print("skip release (needs root)")
        return 0
    if not os.path.exists("/usr/sbin/postfix") or not os.path.exists("/usr/sbin/smtp-sink"):
        print("skip release (Postfix not installed)")
        return 0
    w = pe.instance("msgsec-rel.", "non_smtpd_milters = unix:{w}/milter.sock\n")
    shutil.copytree(os.path.join(pe.TOP, "rules"), os.path.join(w, "rules"))
    conf = os.path.join(w, "rules", "msgsec.yaml")
    # sendmail(1) for this instance; it keeps a copy of what release sent.
    wrapper = pe.sendmail_wrapper(w)
    sets = ["--set", "paths.quarantine=%s/quarantine" % w,
            "--set", "quarantine.sendmail=%s" % wrapper]
    milter = subprocess.Popen(
        [pe.MILTER, "-f", "-c", conf,
         "--set", "milter.socket=unix:%s/milter.sock" % w,
         "--set", "milter.socket_mode=0666",
         "--set", "alerts.file=%s/alerts.json" % w,
         "--set", "milter.internal_networks=[192.0.2.0/24]",
         "--set", "clamav.database=%s" % pe.clamav_db(),
         "-u", "nobody"] + sets,
        stdout=open(os.path.join(w, "milter.log"), "ab"), stderr=subprocess.STDOUT)
    sink = subprocess.Popen(["smtp-sink", "-u", "nobody", "-d",
                             os.path.join(w, "sink", "%Y%m%d%H%M%S."),
                             "127.0.0.1:10026", "100"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = dict(os.environ, MAIL_CONFIG=os.path.join(w, "conf"))
    pf = subprocess.run(["postfix", "-c", os.path.join(w, "conf"), "start"],
                        env=env, capture_output=True, text=True)
    try:
        if pf.returncode != 0 or not pe.wait_port(10025) or not pe.wait_port(10026):
            report("start", False, pf.stderr)
            return 1
        pe.wait_for(lambda: os.path.exists(os.path.join(w, "milter.sock")))
        subject = "release-e2e %d" % os.getpid()
        exe = pe.msg(subject, "--b\r\nContent-Type: text/plain\r\n\r\nthe installer\r\n--b\r\n"
                     "Content-Type: application/octet-stream\r\n"
                     "Content-Disposition: attachment; filename=\"setup.exe\"\r\n"
                     "Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--b--\r\n",
                     ["MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"b\""])
        code, text = pe.send(10025, "sender@example.org", "user@dep.mass.example", exe)
        entries = [p for p in glob.glob(os.path.join(w, "quarantine", "*", "message.eml"))
                   if subject.encode() in open(p, "rb").read()]
        report("stored", code == 550 and len(entries) == 1, "%s %s %r" % (code, text, entries))
        if not entries:
            return 1
        qid = os.path.basename(os.path.dirname(entries[0]))

        r = subprocess.run([MSGSEC, "quarantine", "release", qid, "-c", conf,
                            "--by", "Priya Raman", "--reason", "vendor installer, checked"] + sets,
                           capture_output=True, text=True)
        report("release-command", r.returncode == 0 and "released " + qid in r.stdout,
               "exit %d: %s %s" % (r.returncode, r.stdout, r.stderr))

        def arrived():
            return [m for m in pe.sink_messages(w) if subject in m]
        pe.wait_for(lambda: len(arrived()) >= 1, 30)
        time.sleep(2)   # a second copy would show up by now
        got = arrived()
        report("arrived-once", len(got) == 1 and "setup.exe" in got[0],
               "%d copies at the sink" % len(got))
        report("pass-header-removed", len(got) == 1 and "X-Msgsec-Release" not in got[0],
               got[0][:400] if got else "nothing arrived")
        passes = os.listdir(os.path.join(w, "quarantine", ".release")) \
            if os.path.isdir(os.path.join(w, "quarantine", ".release")) else []
        report("pass-consumed", passes == [], "left: %r" % passes)

        # Replay the exact bytes release sent (same pass) from outside.
        sent = open(os.path.join(w, "released.eml"), "rb").read().decode("latin-1")
        code, text = pe.send(10025, "sender@example.org", "user@dep.mass.example", sent)
        time.sleep(1)
        report("replay-rejected", code == 550 and len(arrived()) == 1,
               "%s %s, %d copies" % (code, text, len(arrived())))

        log = open(os.path.join(w, "milter.log"), errors="replace").read()
        report("milter-log", "released from quarantine entry " + qid in log and
               "unknown or already used pass" in log, log[-800:])
        audit = [json.loads(x) for x in
                 open(os.path.join(w, "quarantine", "audit.jsonl")).read().splitlines()]
        report("audit", len(audit) == 1 and audit[0]["action"] == "released" and
               audit[0]["by"] == "Priya Raman" and audit[0]["id"] == qid, repr(audit))
        report("sanitizers", "AddressSanitizer" not in log and "runtime error" not in log,
               log[-800:])
    finally:
        pe.teardown(w, env, (milter, sink))
    return 0


if __name__ == "__main__":
    sys.exit(main())
