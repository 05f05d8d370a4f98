#!/usr/bin/python3
# jury.py - the reader jury (issue 11, "a reader jury in the tests"): what
# real MIME readers extract from each message, against what msgsec
# inspected.
#
#   jury.py --milter BIN --gmime BIN [--config YAML] [--db DIR]
#           [--set KEY=VALUE]... [--json OUT] [--work DIR] [--quiet]
#           [--report NAME] (--manifest MANIFEST.tsv | --corpus INDEX.tsv |
#           --files LIST [--class NAME])
#
# --manifest: gen_tricks.py's MANIFEST.tsv (file, class, hidden name,
# payload kind), files relative to it.  --corpus: the shared corpus's
# INDEX.tsv; every row of kind "message" is judged (class "corpus"; an
# "mbox" row holds many messages and --test reads one, so those are left
# out; "payload" and "expected-or-aux" rows are no messages).  --files: a
# list of messages, one path a line, all of class NAME (default "files").
#
# Every message goes through `msgsec-milter --batch LIST --inventory OUT`
# (one process) and through every juror: juror_python.py (Python's email
# package, policies default and compat32), juror_perl.pl (MIME-tools) and
# juror_gmime (GMime 3).  Each juror prints one JSON line per leaf part it
# extracts.  A message FAILS when a juror
#   - extracts bytes (not white space only) whose sha256 or sha256n
#     (CRLF, or any run of CRs before LF, as LF, trailing white space dropped) is neither the sha256 nor
#     the sha256n of any item in msgsec's inventory (any reading), or
#   - gives a part a name that no inventory item names,
# unless msgsec itself said that the message reads more than one way (a
# syntax.mime-ambiguous hit: the message is quarantined whole and an
# officer looks at it), or held the message for its very structure (a
# limit.* or segment.partial hit that does not deliver: msgsec stopped
# following the structure there, on purpose, and the message is held).
#
# What "the same name" means: both sides are compared as a skeleton - the
# last element of a "/" path, backslashes dropped (a reader takes one as a
# quoted-pair escape, RFC 5322, or keeps it; neither makes an extension),
# RFC 5322 comments dropped (a reader keeping "(c)" in a name keeps text
# around it; the extension outside is compared exactly), the part from a
# NUL on dropped (no file name on disk can hold a NUL, and msgsec's
# inventory is C strings), "\xHH" escapes taken as the byte they stand
# for (MIME-tools writes bytes it cannot decode so), ASCII lowercased, each run of control or
# non-ASCII bytes folded to one "?", double quotes and white space dropped (no file name holds a quote;
# readers differ on the space between joined RFC 2047 words and folded
# lines).  The skeleton keeps every other printable ASCII byte, so an
# extension is never folded away; it forgives only transcoding (one
# reader decodes a charset another keeps as bytes), case and spacing.
# Names are taken as the juror's library gives them to a program; a name
# that still holds RFC 2047 encoded words also matches when its decoding
# (done here, liberally: any charset Python knows, else Latin-1) does - a
# reader showing the words undecoded shows an "extension" ending in "?=",
# and a reader decoding them shows the decoded name.  A juror's name
# without any "." that is the start of a name msgsec inspected is a name
# the juror cut short (it stopped at a quote, a gap in RFC 2231 sections,
# a space): it has no extension that msgsec did not see.
#
# Left out of the comparison, each for a reason (none hides an extracted
# file):
#   - bytes that are white space only (nothing to hide in);
#   - Python's "undecoded" parts: base64 whose length no decoder accepts,
#     which Python hands back as the encoded text itself (bpo-27397), and
#     parts whose Content-Transfer-Encoding has white space around a token
#     Python decodes ("base64 ", a folded value), which get_payload()
#     compares untrimmed: a reader saving it saves the encoded text, and
#     the other jurors' decodings of the same part are still compared;
#   - "piece" leaves: the text of a part before the uuencoded or BinHex
#     files it holds, which MIME-tools' extract_uuencode cuts out as a
#     leaf of its own (msgsec inspects the whole part, and the files), and
#     the blocks Python splits a message/delivery-status part into (each
#     a message of fields, text after a line that is no field its body;
#     msgsec inspects the part whole);
#   - MIME-tools' "alt" hashes: its bytes of a quoted-printable part
#     without the final "=" it keeps of a soft break before the delimiter
#     (the line end of that soft break belongs to the delimiter, RFC 2046
#     5.1.1; every other reader, and msgsec, drops the "=");
#   - the bytes of a message/external-body leaf (a phantom header that
#     msgsec opens as a message, names compared);
#   - the bytes of a message/news or message/global part a juror keeps
#     whole (MIME-tools): the others open it, and so does msgsec;
#   - a juror's miss listed in tests/jury/KNOWN (--known): a reading of
#     that juror's own, named there with its reason, that hides nothing;
#   - the names of message/rfc822 (news, global) containers: readers open
#     such a part as a message, whose own leaves are compared;
#   - the bytes of a multipart leaf (its type or its declared Content-Type
#     a multipart, white space ignored): a multipart a juror could not
#     split ("multipart / mixed", "multipart/", a boundary unusable to it)
#     is a leaf to it, and its bytes are the MIME body text, undecoded -
#     not a file a reader lists or saves; the parts inside are what
#     msgsec's readings split and inspect.
#
# Figures, for --manifest: per class, payloads blocked (the verdict is
# reject, discard or quarantine, or a hit names the virus) out of total,
# and names blocked (a hit names a file whose skeleton ends in the hidden
# name's last extension, and the verdict does not deliver) out of total.
# Exit status 0 when no message fails, 1 otherwise, 2 on a setup error.
import argparse
import binascii
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BLOCKING = {"reject", "discard", "quarantine"}
MESSAGE_TYPES = {"message/rfc822", "message/news", "message/global"}
ENVELOPE = ["--from", "sender@example.org", "--rcpt", "user@dep.mass.example",
            "--client", "203.0.113.9"]


def uncomment(s):
    """s without RFC 5322 comments: "(...)", nested, with quoted-pairs;
    an unclosed one runs to the end, a stray ")" goes."""
    out, depth, i = [], 0, 0
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s):
            if depth == 0:
                out.append(s[i:i + 2])
            i += 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
        i += 1
    return "".join(out)


def skeleton(name):
    s = uncomment(name.split("\0", 1)[0]).rsplit("/", 1)[-1]
    s = re.sub(r"\\x[0-9A-Fa-f]{2}", "\x80", s)
    out, folded = [], False
    for ch in s:
        o = ord(ch)
        if ch in "\\\" \t\r\n":
            continue
        if o < 0x20 or o >= 0x7f:
            if not folded:
                out.append("?")
            folded = True
            continue
        folded = False
        out.append(ch.lower() if "A" <= ch <= "Z" else ch)
    # A trailing undecodable character goes, as msgsec's name rules drop
    # it (GMime drops an incomplete last character, msgsec writes U+FFFD).
    return "".join(out).rstrip("?")


WORD = re.compile(r"=\?([^?*\s]*)(?:\*[^?\s]*)?\?(?:([qQ])\?([^?\s]*)|"
                  r"([bB])\?([A-Za-z0-9+/=\s]*))\?=")


def decode_words(s):
    """RFC 2047 words decoded, liberally (folding inside a word's text
    dropped, white space inside B text skipped); s unchanged if it has
    none."""
    s = re.sub(r"\r?\n[ \t]+", "", s)
    out, pos, after_word = [], 0, False
    for m in WORD.finditer(s):
        gap = s[pos:m.start()]
        if not (after_word and gap.strip() == ""):
            out.append(gap)
        cs, qk, qt, bk, bt = m.groups()
        kind, text = (qk, qt) if qk else (bk, bt)
        if kind in "bB":
            t = re.sub(r"[^A-Za-z0-9+/]", "", text)
            t = t[:len(t) // 4 * 4 + (len(t) % 4 if len(t) % 4 > 1 else 0)]
            try:
                raw = binascii.a2b_base64(t + "===")
            except binascii.Error:
                raw = b""
        else:
            raw = re.sub(rb"=([0-9A-Fa-f]{2})",
                         lambda x: bytes([int(x.group(1), 16)]),
                         text.replace("_", " ").encode("latin-1",
                                                       "replace"))
        try:
            out.append(raw.decode(cs))
        except (LookupError, UnicodeDecodeError):
            out.append(raw.decode("latin-1"))
        pos, after_word = m.end(), True
    out.append(s[pos:])
    return "".join(out)


def name_seen(name, seen):
    """Is the juror's name one msgsec inspected (module comment)?"""
    forms = {skeleton(name)}
    if "=?" in name:
        forms.add(skeleton(decode_words(name)))
    for sk in forms:
        if sk == "" or sk in seen:
            return True
        if "." not in sk and any(n.startswith(sk) for n in seen):
            return True
    return False


def last_ext(name):
    sk = skeleton(name)
    return sk.rsplit(".", 1)[-1] if "." in sk else ""


def read_jsonl(path, key="file"):
    out = collections.defaultdict(list)
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                j = json.loads(line)
            except ValueError:
                continue
            out[j.get(key)].append(j)
    return out


def cases_from_manifest(path):
    base = os.path.dirname(os.path.abspath(path))
    cases = []
    with open(path) as f:
        next(f)
        for line in f:
            fn, cls, name, kind = line.rstrip("\n").split("\t")
            cases.append({"file": os.path.join(base, fn), "class": cls,
                          "name": name, "payload": kind})
    return cases


def cases_from_corpus(path):
    base = os.path.dirname(os.path.abspath(path))
    cases = []
    with open(path) as f:
        head = next(f).rstrip("\n").split("\t")
        col = {h: i for i, h in enumerate(head)}
        for line in f:
            r = line.rstrip("\n").split("\t")
            if r[col["kind"]] != "message":
                continue
            p = os.path.join(base, r[col["file"]])
            if os.path.isfile(p):
                cases.append({"file": p, "class": "corpus", "name": None,
                              "payload": None})
    return cases


def cases_from_files(path, cls):
    with open(path) as f:
        return [{"file": os.path.abspath(l.strip()), "class": cls,
                 "name": None, "payload": None} for l in f if l.strip()]


def run_all(args, cases, work):
    lst = os.path.join(work, "list")
    with open(lst, "w") as f:
        for c in cases:
            f.write(c["file"] + "\n")
    inv = os.path.join(work, "inventory.jsonl")
    if os.path.exists(inv):
        os.unlink(inv)     # --inventory appends
    cmd = [args.milter, "-c", args.config, "--batch", lst, "--inventory",
           inv] + ENVELOPE
    if args.db:
        cmd += ["--set", "clamav.database=" + os.path.abspath(args.db)]
    for s in args.set:
        cmd += ["--set", s]
    jobs = {
        "msgsec": cmd,
        "python": ["/usr/bin/python3", os.path.join(HERE, "juror_python.py"),
                   "@" + lst],
        "perl": ["perl", os.path.join(HERE, "juror_perl.pl"), "@" + lst],
        "gmime": [args.gmime, "@" + lst],
    }
    procs = {}
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    for k, c in jobs.items():
        procs[k] = subprocess.Popen(
            c, stdout=open(os.path.join(work, k + ".out"), "wb"),
            stderr=open(os.path.join(work, k + ".err"), "wb"), env=env)
    for k, p in procs.items():
        rc = p.wait()
        if rc != 0 and not (k == "msgsec" and rc == 2):
            err = open(os.path.join(work, k + ".err"), errors="replace")\
                .read()[-2000:]
            sys.stderr.write("jury: %s exited %d\n%s\n" % (k, rc, err))
            if k == "msgsec" or rc < 0:
                sys.exit(2)
    verdicts = {}
    with open(os.path.join(work, "msgsec.out"), encoding="utf-8",
              errors="surrogateescape") as f:
        for line in f:
            path, _, js = line.rstrip("\n").partition("\t")
            try:
                verdicts[path] = json.loads(js)
            except ValueError:
                verdicts[path] = None
    juries = collections.defaultdict(list)
    for k in ("python", "perl", "gmime"):
        for fn, recs in read_jsonl(os.path.join(work, k + ".out")).items():
            juries[fn] += recs
    return verdicts, read_jsonl(inv), juries


def excused(verdict):
    for h in verdict.get("hits", []):
        rule = h.get("rule", "")
        if rule == "syntax.mime-ambiguous":
            return "mime-ambiguous"
        if (rule.startswith("limit.") or rule == "segment.partial") and \
                h.get("action") in BLOCKING:
            return rule
    return None


def is_multipart(rec):
    """Is the leaf a multipart its juror could not split?"""
    for t in (rec.get("type"), rec.get("declared")):
        t = re.sub(r"\s+", "", (t or "").split(";", 1)[0]).lower()
        if t == "multipart" or t.startswith("multipart/"):
            return True
    return False


def judge(case, verdict, items, recs):
    """The misses of one message: list of (juror, what, value)."""
    names, hashes = set(), set()
    for it in items:
        for n in it.get("names", []):
            names.add(skeleton(n))
        for k in ("sha256", "sha256n"):
            if it.get(k):
                hashes.add(it[k])
    misses = []
    for r in recs:
        if "error" in r:
            continue
        j = r["juror"]
        if r.get("type", "").lower() not in MESSAGE_TYPES:
            for n in r.get("names", []):
                if not name_seen(n, names):
                    misses.append((j, "name", n))
        # message/external-body: msgsec opens it as a message (its
        # phantom entity's header names the file it points to, and the
        # name rules see that name); a juror keeping it a leaf holds the
        # phantom header, no file.  Its names are compared above.
        if r.get("type", "").lower() == "message/external-body":
            continue
        # A message/news or message/global part MIME-tools keeps whole:
        # msgsec (and GMime, Python) open it as a message, and its leaves
        # are compared; the juror's bytes are that message's text.
        if r.get("type", "").lower() in MESSAGE_TYPES:
            continue
        if r.get("undecoded") or r.get("piece") or is_multipart(r):
            continue
        if r["sha256n"] == EMPTY_SHA:
            continue
        if r["sha256"] not in hashes and r["sha256n"] not in hashes and \
                not any(h in hashes for h in r.get("alt", [])):
            misses.append((j, "bytes", "%s size %d sha256 %.16s" % (
                r.get("type", "?"), r["size"], r["sha256"])))
    return misses


EMPTY_SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def figures(case, verdict):
    action = verdict.get("action") if verdict else None
    hits = verdict.get("hits", []) if verdict else []
    blocked = action in BLOCKING
    virus = any(h.get("rule", "").startswith("virus.found") or
                "eicar" in (h.get("detail") or "").lower() for h in hits)
    ext = last_ext(case["name"])
    named = any(h.get("filename") and last_ext(h["filename"]) == ext
                for h in hits)
    return blocked or virus, blocked and named, virus, named


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--milter", required=True)
    ap.add_argument("--gmime", required=True)
    ap.add_argument("--config", default=os.path.join(
        HERE, "..", "..", "rules", "msgsec.yaml"))
    ap.add_argument("--db")
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--manifest")
    ap.add_argument("--corpus")
    ap.add_argument("--files", help="a list of messages, one path a line")
    ap.add_argument("--known", help="misses known and explained: lines "
                    "'FILE<TAB>JUROR<TAB>reason', FILE a basename")
    ap.add_argument("--class", dest="cls", default="files",
                    help="the class of --files messages")
    ap.add_argument("--json", help="write the per-class results here")
    ap.add_argument("--work", help="keep the raw outputs in this folder")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--report", metavar="NAME",
                    help='end with one "ok NAME/CLASS" or "FAIL NAME/CLASS"'
                    " line per class (pairs: one line)")
    args = ap.parse_args()
    if (args.manifest, args.corpus, args.files).count(None) != 2:
        ap.error("give one of --manifest, --corpus and --files")
    if args.manifest:
        cases = cases_from_manifest(args.manifest)
    elif args.corpus:
        cases = cases_from_corpus(args.corpus)
    else:
        cases = cases_from_files(args.files, args.cls)
    if args.work:
        os.makedirs(args.work, exist_ok=True)
        work = args.work
    else:
        tmp = tempfile.TemporaryDirectory(prefix="jury-")
        work = tmp.name
    verdicts, inv, juries = run_all(args, cases, work)
    known, known_used = set(), set()
    if args.known:
        with open(args.known) as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    fn, juror = line.rstrip("\n").split("\t")[:2]
                    known.add((fn, juror))

    per = collections.OrderedDict()
    fails = []
    amb_detail = collections.Counter()
    actions = collections.Counter()
    for c in cases:
        cls = c["class"].split(":")[0]
        st = per.setdefault(cls, collections.Counter())
        st["n"] += 1
        v = verdicts.get(c["file"])
        if v is None:
            st["fail"] += 1
            fails.append((c, [("msgsec", "verdict", "no verdict")]))
            continue
        actions[v.get("action")] += 1
        for h in v.get("hits", []):
            if h.get("rule") == "syntax.mime-ambiguous":
                st["ambiguous"] += 1
                amb_detail[h.get("detail")] += 1
                break
        if c["name"] is not None:
            pb, nb, vir, named = figures(c, v)
            st["payload"] += pb
            st["name"] += nb
            st["virus"] += vir
        ex = excused(v)
        misses = judge(c, v, inv.get(c["file"], []), juries.get(c["file"],
                                                                []))
        base = os.path.basename(c["file"])
        left = [m for m in misses if (base, m[0]) not in known]
        if misses and not left:
            st["known"] += 1
            known_used.add(base)
        misses = left
        if misses and ex:
            st["excused"] += 1
        elif misses:
            st["fail"] += 1
            fails.append((c, misses))

    gen = args.manifest is not None
    hdr = "%-22s %5s %9s %9s %9s %6s %6s" % (
        "class", "msgs", "payloads", "virus", "names", "ambig", "fail")
    print(hdr)
    tot = collections.Counter()
    for cls, st in per.items():
        tot.update(st)
        if gen:
            print("%-22s %5d %4d/%-4d %4d/%-4d %4d/%-4d %6d %6d" % (
                cls, st["n"], st["payload"], st["n"], st["virus"], st["n"],
                st["name"], st["n"], st["ambiguous"], st["fail"]))
        else:
            print("%-22s %5d %9s %9s %9s %6d %6d" % (
                cls, st["n"], "-", "-", "-", st["ambiguous"], st["fail"]))
    if gen:
        print("total: %d messages, payloads blocked %d/%d (virus named "
              "%d/%d), names %d/%d, mime.ambiguous %d, failures %d"
              % (tot["n"], tot["payload"], tot["n"], tot["virus"],
                 tot["n"], tot["name"], tot["n"], tot["ambiguous"],
                 tot["fail"]))
    else:
        print("total: %d messages, verdicts %s, mime.ambiguous %d (%s), "
              "excused %d, failures %d" % (
                  tot["n"], ", ".join("%s %d" % kv for kv in
                                      sorted(actions.items())),
                  tot["ambiguous"], ", ".join(
                      "%s %d" % kv for kv in amb_detail.most_common()),
                  tot["excused"], tot["fail"]))
    for c, misses in fails:
        print("miss %s (%s)" % (os.path.basename(c["file"]), c["class"]))
        if args.quiet:
            continue
        seen = set()
        for m in misses:
            if m in seen:
                continue
            seen.add(m)
            print("    %s: %s %r" % m)
    if args.report:
        for cls, st in per.items():
            word = "FAIL" if st["fail"] else "ok"
            if gen:
                print("%s %s/%s (%d messages, payloads %d/%d, names %d/%d, "
                      "mime.ambiguous %d, failures %d)" % (
                          word, args.report, cls, st["n"], st["payload"],
                          st["n"], st["name"], st["n"], st["ambiguous"],
                          st["fail"]))
            else:
                print("%s %s/%s (%d messages, mime.ambiguous %d, excused %d, "
                      "known %d, failures %d)" % (
                          word, args.report, cls, st["n"], st["ambiguous"],
                          st["excused"], st["known"], st["fail"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"classes": per, "failures": [
                {"file": c["file"], "class": c["class"],
                 "misses": sorted(set(m))} for c, m in fails]}, f,
                indent=1)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
