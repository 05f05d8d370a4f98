#!/usr/bin/python3
"""Replay ../shared/corpus/mail through msgsec-milter --batch (the daemon's
pipeline, under the sanitizers of the build) and hold it to the upstream
truths in INDEX.tsv.  Skips cleanly where the corpus is absent.

Checks:
  verdict     every message gives one verdict, no sanitizer report, no hang
  partial     messages tagged "partial" are rejected by segment.partial
  exe-names   attachments whose declared name has a dangerous extension
              (derived_facts, tags attachment-exe / double-extension, rspamd
              MIME_BAD_EXTENSION truths) hit attach.dangerous-extension
  clean-names messages whose attachments all have harmless names and no
              archive or executable tag are not rejected for names
"""
import json
import os
import re
import subprocess
import sys
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
from msgsec_test import clamav_db  # noqa: E402
CORPUS = os.path.abspath(os.path.join(TOP, "..", "shared", "corpus", "mail"))
O = os.environ.get("O", "build")


def load_list(name):
    out = set()
    with open(os.path.join(TOP, "rules", "lists", name)) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                out.add(line.lower())
    return out


def main():
    if not os.path.isfile(os.path.join(CORPUS, "INDEX.tsv")):
        print("skip corpus/mail (../shared/corpus/mail not present)")
        return 0
    dangerous = load_list("dangerous_extensions.txt")
    rows = []
    with open(os.path.join(CORPUS, "INDEX.tsv"), encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        for line in f:
            r = dict(zip(head, line.rstrip("\n").split("\t")))
            if r.get("kind") == "message":
                rows.append(r)
    with tempfile.NamedTemporaryFile("w", delete=False) as lst:
        for r in rows:
            lst.write(os.path.join(CORPUS, r["file"]) + "\n")
        listname = lst.name
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:halt_on_error=1")
    p = subprocess.run([os.path.join(TOP, O, "msgsec-milter"), "-c",
                        os.path.join(TOP, "rules", "msgsec.yaml"), "--batch", listname,
                        "--from", "sender@example.org", "--rcpt", "user@dep.mass.example",
                        "--client", "203.0.113.9", "--set", "clamav.database=" + clamav_db()],
                       capture_output=True, text=True, errors="replace", env=env,
                       timeout=1200)
    os.unlink(listname)
    verdicts = {}
    for line in p.stdout.splitlines():
        path, _, js = line.partition("\t")
        try:
            verdicts[os.path.relpath(path, CORPUS)] = json.loads(js)
        except ValueError:
            verdicts[os.path.relpath(path, CORPUS)] = None
    missing = [r["file"] for r in rows if verdicts.get(r["file"]) is None]
    ok = p.returncode == 0 and not missing and "Sanitizer" not in p.stderr \
        and "runtime error" not in p.stderr
    print(("ok " if ok else "FAIL ") + "corpus/mail-verdicts (%d messages, %d without verdict, exit %d)"
          % (len(rows), len(missing), p.returncode))
    if not ok:
        print("    " + "\n    ".join(missing[:10]))
        print(p.stderr[-3000:])

    def rules_of(v):
        return {h["rule"] for h in v["hits"]} if v else set()

    # message/partial at any depth: blocked
    bad = []
    n = 0
    for r in rows:
        if "partial" in r["tags"].split():
            n += 1
            v = verdicts.get(r["file"])
            if not v or v["action"] != "reject" or "segment.partial" not in rules_of(v):
                bad.append(r["file"])
    print(("ok " if not bad else "FAIL ") + "corpus/mail-partial (%d tagged, %d not blocked)" % (n, len(bad)))
    for b in bad[:10]:
        print("    " + b)

    # declared names with a dangerous extension: attach.dangerous-extension
    name_re = re.compile(r'attachments?: (.*)')
    bad, n, clean_bad, nclean = [], 0, [], 0
    for r in rows:
        facts = r.get("derived_facts", "")
        m = name_re.search(facts)
        names = re.findall(r'"([^"]*)"', m.group(1)) if m else []
        truth = r.get("upstream_truth", "")
        exts = set()
        for nm in names:
            for e in nm.lower().rstrip(". ").split(".")[1:]:
                exts.add(e.strip())
        want = bool(exts & dangerous) or "attachment-exe" in r["tags"].split() \
            or re.search(r"MIME_BAD_EXTENSION=\w+\b(?! inside| \(member)", truth) is not None
        if "NOT MIME_BAD_EXTENSION" in truth:
            want = False
        # Names inside archives are content inspection (archive descent),
        # judged by the archive tests, not here.
        if set(r["tags"].split()) & {"attachment-archive", "truetype-archive"} or \
                any(e in ("zip", "rar", "gz", "7z", "tar") for e in exts):
            want = False
        v = verdicts.get(r["file"])
        if want and names:
            n += 1
            if "attach.dangerous-extension" not in rules_of(v):
                bad.append("%s %s" % (r["file"], names))
        elif names and not want and not (set(r["tags"].split()) & {
                "archive-contains-exe", "attachment-archive", "truetype-exe", "tnef", "partial"}):
            nclean += 1
            if "attach.dangerous-extension" in rules_of(v):
                clean_bad.append("%s %s" % (r["file"], names))
    print(("ok " if not bad else "FAIL ") + "corpus/mail-exe-names (%d expected hits, %d missed)" % (n, len(bad)))
    for b in bad[:15]:
        print("    " + b)
    print(("ok " if not clean_bad else "FAIL ") + "corpus/mail-clean-names (%d messages, %d false hits)"
          % (nclean, len(clean_bad)))
    for b in clean_bad[:15]:
        print("    " + b)
    return 0


if __name__ == "__main__":
    sys.exit(main())
