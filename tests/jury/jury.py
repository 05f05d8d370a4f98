#!/usr/bin/python3
"""The reader jury (issue 11): for each message, the attachments real MIME
readers extract (a name, the SHA-256 of the decoded bytes) against what
msgsec inspected (`msgsec-milter --test --inventory`, every reading).

Jurors: Python's email package with the default and the compat32
policies (in this process), Perl MIME-tools (juror_perl.pl, one process
for all messages).  GMime 3 sits on the jury through fuzz_gmime_diff,
whose seed corpus make test replays.

A message fails when a juror extracts a name or non-blank bytes that
msgsec neither inspected nor flagged: flagged means a syntax.mime-ambiguous
hit (the message reads two ways and is quarantined whole) or a limit.*
hit whose verdict does not deliver.  Names are compared as a Windows
file list shows them: the last path element, lowercased, without double
quotes, outer white space, trailing dots; bytes exactly or normalised
(CRLF as LF, trailing white space dropped: sha256n in inspect.h).

Usage: jury.py MILTER CONFIG LIST_FILE [--set K=V ...]
Prints one line per failing message ("miss FILE: JUROR ..."), then one
summary line per set: "jury SET: N messages, F failed, payloads blocked
P/T, names blocked M/U".
"""
import email
import email.header
import email.policy
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def norm_bytes(b):
    return b.replace(b"\r\n", b"\n").rstrip(b"\r\n \t")


def sha(b):
    return hashlib.sha256(b).hexdigest()


INVISIBLE = dict.fromkeys(list(range(0x200b, 0x2010)) + list(range(0x202a, 0x202f)) +
                         list(range(0x2060, 0x2065)) + list(range(0x2066, 0x206a)) +
                         [0xfeff])


def ext(name):
    """The extension a name gives a file on Windows: RFC 2047 decoded,
    unfolded, invisible characters gone, the last path element, double
    quotes, outer white space and trailing dots dropped, lowercased; ""
    for none.  Name rules judge a file by its extensions, msgsec every
    one of its names'; a juror's name is covered when its last extension
    is one msgsec saw (or it has none)."""
    if name is None:
        return ""
    # A file system name ends at NUL: "a.exe\0.txt" is saved as a.exe.
    name = name.split("\0", 1)[0]
    if "=?" in name:
        try:
            name = str(email.header.make_header(email.header.decode_header(name)))
        except Exception:
            pass
    name = name.replace("\r", "").replace("\n", "").translate(INVISIBLE)
    # A comment a reader keeps ('"a.exe" (note)') ends the name in no
    # extension a file list honours; read the name without it.
    name = re.sub(r"\s*\([^()]*\)\s*", "", name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = name.replace('"', "").strip().rstrip(". ").lower()
    if "." not in name:
        return ""
    return name.rsplit(".", 1)[1].strip()


def python_jurors(path):
    out = []
    with open(path, "rb") as f:
        data = f.read()
    for label, pol in (("python-default", email.policy.default),
                       ("python-compat32", email.policy.compat32)):
        try:
            m = email.message_from_bytes(data, policy=pol)
            for p in m.walk():
                # A message is opened, its own leaves compared.
                if p.is_multipart() or p.get_content_maintype() == "message":
                    continue
                try:
                    fn = p.get_filename()
                except Exception:
                    fn = None
                try:
                    pl = p.get_payload(decode=True) or b""
                except Exception:
                    pl = b""
                out.append({"juror": label, "names": [fn] if fn else [],
                            "sha256": sha(pl), "sha256n": sha(norm_bytes(pl)),
                            "bytes": bool(pl.strip()),
                            "raw": norm_bytes(pl) if len(pl) < 1 << 20 else None})
        except Exception as e:  # a juror that cannot read it extracts nothing
            out.append({"juror": label, "error": str(e), "names": [], "bytes": False})
    return out


def perl_juror(files):
    res = {}
    r = subprocess.run(["perl", os.path.join(HERE, "juror_perl.pl")] + files,
                       capture_output=True)
    for line in r.stdout.decode("utf-8", "replace").splitlines():
        try:
            d = json.loads(line)
        except ValueError:
            continue
        d.setdefault("names", [])
        d["bytes"] = bool(d.get("bytes"))
        d["raw"] = bytes.fromhex(d["raw"]) if d.get("raw") else None
        res.setdefault(d["file"], []).append(d)
    return res


def main():
    milter, config, listfile = sys.argv[1:4]
    extra = sys.argv[4:]
    files = [l.strip() for l in open(listfile) if l.strip()]
    with tempfile.TemporaryDirectory() as t:
        inv = os.path.join(t, "inv.jsonl")
        r = subprocess.run([milter, "-c", config] + extra +
                           ["--batch", listfile, "--inventory", inv],
                           capture_output=True)
        verdicts = {}
        for line in r.stdout.decode("utf-8", "replace").splitlines():
            f, _, j = line.partition("\t")
            try:
                verdicts[f] = json.loads(j)
            except ValueError:
                pass
        items = {}
        if os.path.exists(inv):
            for line in open(inv, encoding="utf-8", errors="replace"):
                try:
                    d = json.loads(line)
                except ValueError:
                    continue
                items.setdefault(d["file"], []).append(d)
    perl = perl_juror(files)
    failed = blocked_pay = blocked_name = names_total = 0
    for f in files:
        v = verdicts.get(f)
        if v is None:
            print("miss %s: no verdict from msgsec" % f)
            failed += 1
            continue
        hits = v.get("hits", [])
        flagged = any(h["rule"] == "syntax.mime-ambiguous" for h in hits) or \
            (v["action"] in ("quarantine", "reject", "discard", "tempfail") and
             any(h["rule"].startswith("limit.") for h in hits))
        hashes, names, exts = set(), set(), set()
        for it in items.get(f, []):
            hashes.update((it.get("sha256"), it.get("sha256n")))
            names.update(it.get("names", []))
            exts.update(ext(n) for n in it.get("names", []))
        with open(f, "rb") as fh:
            whole = fh.read().replace(b"\r\n", b"\n")
        misses = []
        for leaf in python_jurors(f) + perl.get(f, []):
            if leaf.get("type", "").startswith("message/"):
                continue
            for n in leaf["names"]:
                if ext(n) and ext(n) not in exts:
                    misses.append("%s name %r" % (leaf["juror"], n))
            if not leaf["bytes"] or leaf["sha256"] in hashes or \
                    leaf.get("sha256n", "") in hashes:
                continue
            # Bytes as they lie in the message, in a part with no name
            # (a body a juror did not decode or split): msgsec's
            # libclamav reads the message whole, and its text and legacy
            # decoders read text parts; not a file hidden from it.
            if not leaf["names"] and leaf.get("raw") is not None and \
                    leaf["raw"] in whole:
                continue
            misses.append("%s bytes %s" % (leaf["juror"], leaf["sha256"][:16]))
        if misses and not flagged:
            failed += 1
            print("miss %s: %s" % (f, "; ".join(sorted(set(misses)))))
        if v["action"] in ("reject", "quarantine", "discard", "tempfail"):
            blocked_pay += 1
        if names:
            names_total += 1
            if v["action"] in ("reject", "quarantine", "discard", "tempfail"):
                blocked_name += 1
    print("jury %s: %d messages, %d failed, blocked %d/%d, blocked with a name %d/%d" % (
        os.path.basename(listfile), len(files), failed, blocked_pay, len(files),
        blocked_name, names_total))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
