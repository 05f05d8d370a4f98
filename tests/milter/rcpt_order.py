#!/usr/bin/python3
"""Verdicts that do not depend on recipient order (issue 12).

A message whose hits mean different things to different recipients (an
exception granted to DEP's lab covers two DEP mailboxes; a rule scoped
to DOR concerns DOR's recipients only) is judged with every permutation
of every 2-4 recipient subset of a pool, through `msgsec-milter --test`,
with milter.split_recipients off and on: the verdict and what each
recipient gets must not depend on the order, and must be what the
semantics say (README, "Recipients"):
  - off: the strictest recipient's verdict is the message's;
  - on: recipients whose verdict blocks are removed (kept in the store),
    the message goes on to the others under theirs.
Then, with a private Postfix in front of the milter (root, Postfix
installed), split on: the blocked recipient is removed from the envelope,
the message reaches the other one, and the store and the alert name who
got what; split off: both orders are refused.

Prints "ok rcpt/NAME" / "FAIL rcpt/NAME: why" / "skip ..." lines.
"""
import base64
import glob
import io
import itertools
import json
import os
import shutil
import smtplib
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
O = os.environ.get("O", "build")
MILTER = os.path.join(TOP, O, "msgsec-milter")

EXCEPTION = """exception:
  id: EX-2026-0901
  agency: DEP
  requested_by: { name: Dana Whitfield, role: agency-head, email: dana.whitfield@dep.mass.example }
  reasons: A lab instrument vendor sends scripts in archives.
  circumstances: Quarterly firmware updates for the lab's spectrometers.
  access_controls: Only to the lab's two mailboxes.
  scope:
    rules: [attach.dangerous-extension, attach.executable-type]
    users: [lab@dep.mass.example, spectro@dep.mass.example]
  valid_from: 2026-01-01
  valid_until: 2026-12-31
  status: approved
  reviews:
    - { body: MassIT, decision: approved, by: Priya Raman, on: 2025-12-01 }
    - { body: ESB, decision: approved, by: Tom Okafor, on: 2025-12-08 }
"""

RULES = """rules:
  - id: test.dor-notice
    policy: "1.2"
    direction: inbound
    agency: [DOR]
    match:
      subject: { regex: "tax notice" }
    action: quarantine
"""

# Who is who: two mailboxes the exception covers, a DOR one, and one of no
# agency.
POOL = ["lab@dep.mass.example", "spectro@dep.mass.example",
        "alice@dor.mass.example", "guest@example.org"]
COVERED = {"lab@dep.mass.example", "spectro@dep.mass.example"}


def report(name, ok, why=""):
    print(("ok " if ok else "FAIL ") + "rcpt/" + name + ("" if ok else ": " + why),
          flush=True)


def message(subject):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr("payload.js", 'WScript.Echo("update");\r\n')
    z64 = base64.encodebytes(b.getvalue()).decode().replace("\n", "\r\n")
    return ("From: vendor@example.com\r\nTo: lab@dep.mass.example\r\n"
            "Subject: %s\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\n"
            "Message-ID: <%d@example.com>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
            "Content-Type: text/plain\r\n\r\nThe update is attached.\r\n--b\r\n"
            "Content-Type: application/zip; name=js.zip\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n%s--b--\r\n"
            % (subject, abs(hash(subject)), z64))


def config(w):
    cfg = os.path.join(w, "rules")
    shutil.copytree(os.path.join(TOP, "rules"), cfg)
    for f in glob.glob(os.path.join(cfg, "exceptions", "*.yaml")):
        os.unlink(f)
    with open(os.path.join(cfg, "exceptions", "EX-2026-0901.yaml"), "w") as f:
        f.write(EXCEPTION)
    with open(os.path.join(cfg, "policy", "zz-test-rcpt.yaml"), "w") as f:
        f.write(RULES)
    return os.path.join(cfg, "msgsec.yaml")


def judge(conf, path, rcpts, split):
    cmd = [MILTER, "-c", conf, "--set", "clamav.enabled=false",
           "--set", "milter.split_recipients=%s" % ("true" if split else "false"),
           "--test", path, "--from", "vendor@example.com",
           "--client", "203.0.113.5", "--now", "2026-12-01T10:00:00Z"]
    for r in rcpts:
        cmd += ["--rcpt", r]
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode not in (0, 2) or not p.stdout.strip():
        raise RuntimeError("%s: rc %d %s" % (" ".join(cmd), p.returncode, p.stderr[-500:]))
    return json.loads(p.stdout)


def outcome(v, rcpts):
    """Order-free: the verdict, and each recipient's action and removal."""
    per = {}
    for r in v.get("recipients", []):
        per[r["rcpt"]] = (r["action"], bool(r.get("removed")))
    if not per:
        per = {r: (v["action"], False) for r in rcpts}
    return v["action"], v.get("agency"), tuple(sorted(per.items()))


def expected(subject, rcpts, split):
    """What the semantics say each recipient gets, and the verdict."""
    per = {}
    for r in rcpts:
        a = "log" if r in COVERED else "reject"      # the .js in a zip
        if "tax notice" in subject and r.endswith("@dor.mass.example"):
            a = max(a, "quarantine", key=ORDER.index)
        per[r] = a
    top = max(per.values(), key=ORDER.index)
    blocked = {r for r, a in per.items() if a in ("quarantine", "reject")}
    if split and blocked and len(blocked) < len(rcpts):
        kept = [a for r, a in per.items() if r not in blocked]
        return max(kept, key=ORDER.index), {r: (a, r in blocked) for r, a in per.items()}
    return top, {r: (a, False) for r, a in per.items()}


ORDER = ["accept", "log", "tag", "strip", "quarantine", "discard", "tempfail", "reject"]


def permutations_test(w, conf):
    runs = bad = 0
    for subject in ("firmware update", "tax notice and update"):
        path = os.path.join(w, "m-%d.eml" % len(subject))
        with open(path, "w", newline="") as f:
            f.write(message(subject))
        for split in (False, True):
            for n in (2, 3, 4):
                for subset in itertools.combinations(POOL, n):
                    seen = set()
                    want_action, want_per = expected(subject, subset, split)
                    for perm in itertools.permutations(subset):
                        v = judge(conf, path, perm, split)
                        runs += 1
                        o = outcome(v, perm)
                        seen.add(o)
                        per = dict(o[2])
                        if v["action"] != want_action or per != want_per:
                            bad += 1
                            if bad <= 5:
                                report("semantics", False, "%s split=%s %s: got %s %s, "
                                       "want %s %s" % (subject, split, perm, v["action"],
                                                       per, want_action, want_per))
                    if len(seen) != 1:
                        bad += 1
                        report("order", False, "%s split=%s %s: %d outcomes %s"
                               % (subject, split, subset, len(seen), seen))
    report("permutations", bad == 0, "%d of %d runs wrong" % (bad, runs))
    print("rcpt: %d --test runs over %d-recipient pool, 2 messages, split off and on"
          % (runs, len(POOL)))
    return bad == 0


def postfix_test(w, conf):
    if os.geteuid() != 0:
        print("skip rcpt/postfix (needs root)")
        return True
    if not os.path.exists("/usr/sbin/postfix") or not os.path.exists("/usr/sbin/smtp-sink"):
        print("skip rcpt/postfix (Postfix not installed)")
        return True
    sys.path.insert(0, HERE)
    import postfix_e2e as pe  # noqa: E402  the private instance's helpers

    ok_all = True
    for split in (True, False):
        pw = pe.instance("msgsec-rcpt.")
        milter = subprocess.Popen(
            [MILTER, "-f", "-c", conf,
             "--set", "milter.socket=unix:%s/milter.sock" % pw,
             "--set", "milter.socket_mode=0666",
             "--set", "paths.quarantine=%s/quarantine" % pw,
             "--set", "alerts.file=%s/alerts.json" % pw,
             "--set", "milter.internal_networks=[192.0.2.0/24]",
             "--set", "clamav.enabled=false",
             "--set", "milter.split_recipients=%s" % ("true" if split else "false"),
             "-u", "nobody"],
            stdout=open(os.path.join(pw, "milter.log"), "ab"), stderr=subprocess.STDOUT)
        sink = subprocess.Popen(["smtp-sink", "-u", "nobody", "-d",
                                 os.path.join(pw, "sink", "%Y%m%d%H%M%S."),
                                 "127.0.0.1:10026", "100"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        env = dict(os.environ, MAIL_CONFIG=os.path.join(pw, "conf"))
        subprocess.run(["postfix", "-c", os.path.join(pw, "conf"), "start"], env=env,
                       capture_output=True)
        try:
            pe.wait_port(10025)
            pe.wait_port(10026)
            pe.wait_for(lambda: os.path.exists(os.path.join(pw, "milter.sock")))
            data = message("firmware update").encode()
            codes = []
            for order in (["lab@dep.mass.example", "alice@dor.mass.example"],
                          ["alice@dor.mass.example", "lab@dep.mass.example"]):
                try:
                    with smtplib.SMTP("127.0.0.1", 10025, timeout=60) as s:
                        s.sendmail("vendor@example.com", order, data)
                        codes.append(250)
                except smtplib.SMTPResponseException as e:
                    codes.append(e.smtp_code)
                except smtplib.SMTPRecipientsRefused as e:
                    codes.append(min(c for c, _ in e.recipients.values()))
            if not split:
                ok = codes == [550, 550]
                report("postfix-strictest", ok, "answers %s (want 550 for both orders)"
                       % codes)
                ok_all &= ok
                continue
            got = []
            pe.wait_for(lambda: len(glob.glob(os.path.join(pw, "sink", "*"))) >= 2)
            for f in sorted(glob.glob(os.path.join(pw, "sink", "*"))):
                got.append(open(f, "rb").read().decode("latin-1"))
            rcpt_lines = [[ln for ln in m.splitlines() if ln.startswith("X-Rcpt-Args:")]
                          for m in got]
            delivered_ok = codes == [250, 250] and len(got) == 2 and all(
                len(r) == 1 and "lab@dep.mass.example" in r[0] for r in rcpt_lines)
            report("postfix-split-delivered", delivered_ok,
                   "answers %s, sink %d messages, recipients %s" % (codes, len(got),
                                                                   rcpt_lines))
            metas = [json.load(open(p)) for p in
                     glob.glob(os.path.join(pw, "quarantine", "*", "meta.json"))]
            held = [m.get("held_for") for m in metas]
            stored_ok = len(metas) == 2 and all(h == ["alice@dor.mass.example"] for h in held)
            report("postfix-split-stored", stored_ok, "store entries held for %s" % held)
            alerts = [a for a in (json.loads(ln) for ln in
                                  open(os.path.join(pw, "alerts.json")))
                      if a.get("event_type") == "mail"]
            al_ok = len(alerts) >= 2 and all(a.get("removed_rcpt") ==
                                             ["alice@dor.mass.example"] and
                                             a.get("verdict") == "log" for a in alerts)
            report("postfix-split-alerts", al_ok, json.dumps(alerts)[:800])
            ok_all &= delivered_ok and stored_ok and al_ok
        finally:
            subprocess.run(["postfix", "-c", os.path.join(pw, "conf"), "stop"], env=env,
                           capture_output=True)
            for p in (milter, sink):
                if p.poll() is None:
                    p.terminate()
                    try:
                        p.wait(10)
                    except subprocess.TimeoutExpired:
                        p.kill()
            log = open(os.path.join(pw, "milter.log"), errors="replace").read()
            if "AddressSanitizer" in log or "runtime error" in log:
                report("postfix-sanitizers", False, log[-1500:])
                ok_all = False
            shutil.rmtree(pw, ignore_errors=True)
    return ok_all


def main():
    w = tempfile.mkdtemp(prefix="msgsec-rcpt.")
    os.chmod(w, 0o755)
    try:
        conf = config(w)
        ok = permutations_test(w, conf)
        if len(sys.argv) > 1 and sys.argv[1] == "--postfix":
            ok &= postfix_test(w, conf)
    finally:
        shutil.rmtree(w, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
