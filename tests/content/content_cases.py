#!/usr/bin/python3
"""Content inspection cases built at run time around Debian's
clamav-testfiles payloads and archives the test makes itself (zip with and
without a password, 7z with encrypted headers, nested archives, bombs),
plus clean look-alikes that must pass.  Each message goes through
msgsec-milter --batch; each case names the rules it must hit (and must
not).  Prints ok/FAIL/skip lines.
"""
import base64
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
import gzip

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
from msgsec_test import clamav_db  # noqa: E402
O = os.environ.get("O", "build")
TF = "/usr/share/clamav-testfiles"


def message(parts):
    out = ["From: Sender <sender@example.org>", "To: user@dep.mass.example",
           "Subject: files", "Date: Sun, 22 Nov 2026 10:00:00 +0000",
           "Message-ID: <c@example.org>", "MIME-Version: 1.0",
           'Content-Type: multipart/mixed; boundary="zz"', "",
           "--zz", "Content-Type: text/plain", "", "Please see the attachment."]
    for part in parts:
        name, data, ctype = part[:3]
        if len(part) > 3:  # already encoded, in a legacy transfer encoding
            out += ["--zz", 'Content-Type: %s; name="%s"' % (ctype, name),
                    "Content-Transfer-Encoding: %s" % part[3], "", data.decode("latin-1")]
            continue
        if name is None:  # an inline text part, bytes as they are
            out += ["--zz", "Content-Type: %s" % ctype, "", data.decode("latin-1")]
            continue
        out += ["--zz", "Content-Type: %s" % ctype,
                'Content-Disposition: attachment; filename="%s"' % name,
                "Content-Transfer-Encoding: base64", "",
                base64.encodebytes(data).decode().rstrip("\n")]
    out += ["--zz--", ""]
    return "\r\n".join(out).replace("\n", "\r\n").replace("\r\r\n", "\r\n").encode("latin-1")


def nested(m, depth):
    """m forwarded as message/rfc822 inside depth enclosing messages."""
    for i in range(depth):
        h = ("From: a@example.org\r\nTo: user@dep.mass.example\r\nSubject: fwd %d\r\n"
             "Date: Sun, 22 Nov 2026 10:00:00 +0000\r\nMessage-ID: <n%d@example.org>\r\n"
             "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n"
             "--b%d\r\nContent-Type: message/rfc822\r\n\r\n" % (i, i, i, i)).encode()
        m = h + m + ("\r\n--b%d--\r\n" % i).encode()
    return m


def zipped(members, pwd=None, w=None):
    if pwd is None:
        b = io.BytesIO()
        with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
            for n, d in members:
                z.writestr(n, d)
        return b.getvalue()
    # Python cannot write encrypted zips: use Info-ZIP.
    d = tempfile.mkdtemp(dir=w)
    for n, data in members:
        with open(os.path.join(d, n), "wb") as f:
            f.write(data)
    subprocess.run(["zip", "-q", "-P", pwd, "out.zip"] + [n for n, _ in members], cwd=d, check=True)
    return open(os.path.join(d, "out.zip"), "rb").read()


def seven(members, w, pwd=None, header_enc=False):
    d = tempfile.mkdtemp(dir=w)
    for n, data in members:
        with open(os.path.join(d, n), "wb") as f:
            f.write(data)
    args = ["7z", "a", "-bd", "-y", "out.7z"] + [n for n, _ in members]
    if pwd:
        args.insert(2, "-p" + pwd)
        if header_enc:
            args.insert(2, "-mhe=on")
    subprocess.run(args, cwd=d, check=True, capture_output=True)
    return open(os.path.join(d, "out.7z"), "rb").read()


def tgz(members):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w:gz") as t:
        for n, d in members:
            ti = tarfile.TarInfo(n)
            ti.size = len(d)
            t.addfile(ti, io.BytesIO(d))
    return b.getvalue()


def uuencode(name, data):
    import binascii
    lines = ["begin 644 %s" % name]
    for i in range(0, len(data), 45):
        lines.append(binascii.b2a_uu(data[i:i + 45]).decode().rstrip("\n"))
    lines += ["`", "end"]
    return ("Here is the tool:\n\n" + "\n".join(lines) + "\n\nbye\n").encode("latin-1")


def yenc(name, data):
    out = bytearray(b"=ybegin line=128 size=%d name=%s\n" % (len(data), name.encode()))
    col = 0
    for c in data:
        e = (c + 42) % 256
        if e in (0, 10, 13, 61):
            out += b"=" + bytes([(e + 64) % 256])
            col += 2
        else:
            out.append(e)
            col += 1
        if col >= 128:
            out += b"\n"
            col = 0
    out += b"\n=yend size=%d\n" % len(data)
    return b"Posted file:\n" + bytes(out)


def docx(macro=False):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Minutes</w:t></w:r></w:p></w:body></w:document>')
        if macro:
            z.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    return b.getvalue()


PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
       b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Review\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
CSV = b"site,reading\nA,1.2\nB,3.4\n"


def main():
    if not os.path.isfile(os.path.join(TF, "clam.exe")):
        print("skip content (clamav-testfiles not installed)")
        return 0
    for tool in ("zip", "7z"):
        if shutil.which(tool) is None:
            print("skip content (%s not installed)" % tool)
            return 0
    w = tempfile.mkdtemp(prefix="msgsec-content.")
    clam = open(os.path.join(TF, "clam.exe"), "rb").read()
    tf = lambda n: open(os.path.join(TF, n), "rb").read()
    cases = [
        # name, parts, must hit, must not hit, extra args
        ("pe-plain", [("clam.exe", clam, "application/octet-stream")], {"attach.executable-type", "attach.dangerous-extension"}, set()),
        ("pe-renamed-pdf", [("report.pdf", clam, "application/pdf")], {"attach.executable-type", "attach.type-mismatch"}, {"attach.dangerous-extension"}),
        ("pe-no-name-type", [("data.bin", clam, "application/octet-stream")], {"attach.executable-type"}, set()),
        ("clam-zip", [("clam.zip", tf("clam.zip"), "application/zip")], {"attach.executable-type", "attach.dangerous-extension"}, set()),
        ("zip-in-zip", [("outer.zip", zipped([("inner.zip", zipped([("setup.exe", clam)]))]), "application/zip")], {"attach.executable-type", "attach.dangerous-extension"}, set()),
        ("tar-gz", [("files.tar.gz", tf("clam.tar.gz"), "application/gzip")], {"attach.executable-type"}, set()),
        ("zip-gz", [("bundle.zip.gz", gzip.compress(zipped([("tool.scr", clam)])), "application/gzip")], {"attach.executable-type", "attach.dangerous-extension"}, set()),
        ("clam-7z", [("clam.7z", tf("clam.7z"), "application/x-7z-compressed")], {"attach.executable-type"}, set()),
        ("clam-cab", [("clam.cab", tf("clam.cab"), "application/vnd.ms-cab-compressed")], {"attach.executable-type"}, set()),
        ("clam-bz2", [("clam.exe.bz2", tf("clam.exe.bz2"), "application/x-bzip2")], {"attach.executable-type"}, set()),
        ("clam-cpio", [("clam.cpio", tf("clam.newc.cpio"), "application/x-cpio")], {"attach.executable-type"}, set()),
        ("member-double-ext", [("docs.zip", zipped([("invoice.pdf.js", b"var x = 1;\n")]), "application/zip")], {"attach.dangerous-extension", "attach.double-extension"}, set()),
        ("zip-encrypted", [("secret.zip", zipped([("notes.txt", b"hello\n")], pwd="pw", w=w), "application/zip")], {"archive.encrypted"}, set()),
        ("7z-encrypted", [("secret.7z", seven([("notes.txt", b"hello\n")], w, pwd="pw"), "application/x-7z-compressed")], {"archive.encrypted"}, set()),
        ("7z-encrypted-headers", [("secret.7z", seven([("notes.txt", b"hello\n")], w, pwd="pw", header_enc=True), "application/x-7z-compressed")], {"archive.encrypted"}, set()),
        ("bomb-ratio", [("zeros.zip", zipped([("zeros.bin", b"\0" * 50_000_000)]), "application/zip")], {"limit.archive"}, set()),
        ("uuencode-in-text", [(None, uuencode("tool.exe", clam), "text/plain")], {"attach.dangerous-extension", "attach.executable-type"}, set()),
        ("yenc-in-text", [(None, yenc("tool.scr", clam), "text/plain")], {"attach.dangerous-extension", "attach.executable-type"}, set()),
        ("binhex", [("clam.hqx", tf("clam.exe.binhex"), "application/mac-binhex40")], {"attach.dangerous-extension", "attach.executable-type"}, set()),
        ("tnef", [("winmail.dat", tf("clam.tnef"), "application/ms-tnef")], {"attach.executable-type"}, set()),
        # legacy encodings named by the transfer encoding (readers decode them)
        ("cte-x-binhex", [("data.bin", tf("clam.exe.binhex"), "application/octet-stream", "x-binhex")], {"attach.dangerous-extension", "attach.executable-type"}, set()),
        ("cte-mac-binhex40", [("data.bin", tf("clam.exe.binhex"), "application/octet-stream", "mac-binhex40")], {"attach.dangerous-extension", "attach.executable-type"}, set()),
        ("cte-x-yencode", [("data.bin", yenc("tool.scr", clam), "application/octet-stream", "x-yencode")], {"attach.dangerous-extension", "attach.executable-type"}, set()),
        ("cte-x-uue", [("data.bin", uuencode("tool.exe", clam), "application/octet-stream", "x-uue")], {"attach.dangerous-extension", "attach.executable-type"}, set()),
        ("cte-uuencode", [("data.bin", uuencode("tool.exe", clam), "application/octet-stream", "uuencode")], {"attach.dangerous-extension", "attach.executable-type"}, set()),
        ("docx-macro", [("memo.docx", docx(macro=True), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")], {"office.macro"}, {"attach.executable-type"}),
        # clean look-alikes
        ("clean-pdf", [("report.pdf", PDF, "application/pdf")], set(), {"attach.executable-type", "attach.type-mismatch", "attach.dangerous-extension"}),
        ("clean-docx", [("memo.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")], set(), {"office.macro", "attach.executable-type", "attach.type-mismatch", "archive.encrypted"}),
        ("clean-zip-data", [("readings.zip", zipped([("a.csv", CSV), ("b.csv", CSV), ("photo.png", PNG)]), "application/zip")], set(), {"attach.executable-type", "attach.dangerous-extension", "archive.encrypted", "limit.archive"}),
        ("clean-png", [("photo.png", PNG, "image/png")], set(), {"attach.type-mismatch", "attach.executable-type"}),
        ("clean-ics", [("invite.ics", ICS, "text/calendar")], set(), {"attach.type-mismatch", "attach.executable-type"}),
        ("clean-tgz-data", [("data.tar.gz", tgz([("r/a.csv", CSV)]), "application/gzip")], set(), {"attach.executable-type", "attach.dangerous-extension", "limit.archive"}),
    ]
    # Every clamav-testfiles payload is also a virus to libclamav.
    for i, case in enumerate(cases):
        if case[0] in ("pe-plain", "pe-renamed-pdf", "pe-no-name-type", "clam-zip", "zip-in-zip",
                       "tar-gz", "zip-gz", "clam-7z", "clam-cab", "clam-bz2", "clam-cpio",
                       "uuencode-in-text", "yenc-in-text", "binhex", "tnef", "cte-x-binhex",
                       "cte-mac-binhex40", "cte-x-yencode", "cte-x-uue", "cte-uuencode"):
            cases[i] = (case[0], case[1], case[2] | {"virus.found"}, case[3])
    for n, ct in (("clam.pdf", "application/pdf"), ("clam.ole.doc", "application/msword"),
                  ("clam.ppt", "application/vnd.ms-powerpoint"), ("clam.exe.rtf", "text/rtf"),
                  ("clam.exe.html", "text/html"), ("clam-upx.exe", "application/octet-stream"),
                  ("clam-petite.exe", "application/octet-stream"), ("clam.chm", "application/octet-stream")):
        if os.path.exists(os.path.join(TF, n)):
            cases.append(("virus-" + n, [(n, tf(n), ct)], {"virus.found"}, set()))
    # EICAR in a text body (built here, never stored in the repository)
    eicar = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    cases.append(("virus-eicar-text", [(None, eicar, "text/plain")], {"virus.found"}, set()))
    for case in cases:
        if case[0].startswith("clean-"):
            case[3].add("virus.found")
            case[3].add("virus.unscannable")
    # A virus forwarded 25 messages deep: past libclamav's recursion limit
    # for the whole message, found by the scan of the part msgsec decoded.
    cases.append(("virus-forwarded-deep", nested(message([("clam.exe", clam, "application/octet-stream")]), 25),
                  {"virus.found"}, {"virus.unscannable"}))
    # Whole messages from the package, as saved from an mbox.
    for n in ("clam.exe.mbox.uu", "clam.exe.mbox.base64", "clam.mail"):
        shutil.copy(os.path.join(TF, n), os.path.join(w, "pkg-" + n + ".eml"))
        cases.append(("pkg-" + n, None, {"attach.executable-type", "attach.dangerous-extension"}, set()))
    lst = os.path.join(w, "list")
    with open(lst, "w") as L:
        for name, parts, _, _ in cases:
            p = os.path.join(w, name + ".eml")
            if parts is not None:
                with open(p, "wb") as f:
                    f.write(parts if isinstance(parts, bytes) else message(parts))
            L.write(p + "\n")
    # Limits at and over: depth (zip in zip needs depth 2), members.
    limits = [
        ("depth-at", ["--set", "limits.archive_depth=2"], "zip-in-zip", {"attach.executable-type"}, {"limit.archive"}),
        ("depth-over", ["--set", "limits.archive_depth=1"], "zip-in-zip", {"limit.archive"}, set()),
        ("members-at", ["--set", "limits.archive_members=3"], "clean-zip-data", set(), {"limit.archive"}),
        ("members-over", ["--set", "limits.archive_members=2"], "clean-zip-data", {"limit.archive"}, set()),
        ("ratio-at", ["--set", "limits.archive_ratio=2000"], "bomb-ratio", set(), {"limit.archive"}),
        ("ratio-over", ["--set", "limits.archive_ratio=100"], "bomb-ratio", {"limit.archive"}, set()),
        ("bytes-at", ["--set", "limits.archive_bytes=1000"], "clam-zip", {"attach.executable-type"}, {"limit.archive"}),
        ("bytes-over", ["--set", "limits.archive_bytes=500"], "clam-zip", {"limit.archive"}, set()),
    ]
    p = subprocess.run([os.path.join(TOP, O, "msgsec-milter"), "-c", os.path.join(TOP, "rules", "msgsec.yaml"),
                        "--batch", lst, "--from", "sender@example.org", "--rcpt", "user@dep.mass.example",
                        "--client", "203.0.113.9", "--set", "clamav.database=" + clamav_db()],
                       capture_output=True, text=True, errors="replace")
    got = {}
    for line in p.stdout.splitlines():
        path, _, js = line.partition("\t")
        got[os.path.basename(path)[:-4]] = json.loads(js)
    if p.returncode != 0 or "Sanitizer" in p.stderr or "runtime error" in p.stderr:
        print("FAIL content/run (exit %d)\n%s" % (p.returncode, p.stderr[-3000:]))
    for name, _, must, mustnot in cases:
        v = got.get(name)
        rules = {h["rule"] for h in v["hits"]} if v else set()
        ok = v is not None and must <= rules and not (mustnot & rules)
        print(("ok " if ok else "FAIL ") + "content/" + name +
              ("" if ok else ": hits %s, wanted %s, not %s" % (sorted(rules), sorted(must), sorted(mustnot))))
    for name, args, base, must, mustnot in limits:
        q = subprocess.run([os.path.join(TOP, O, "msgsec-milter"), "-c", os.path.join(TOP, "rules", "msgsec.yaml"),
                            "--test", os.path.join(w, base + ".eml"), "--from", "sender@example.org",
                            "--rcpt", "user@dep.mass.example",
                            "--set", "clamav.database=" + clamav_db()] + args,
                           capture_output=True, text=True)
        v = json.loads(q.stdout) if q.returncode == 0 else None
        rules = {h["rule"] for h in v["hits"]} if v else set()
        ok = v is not None and must <= rules and not (mustnot & rules)
        print(("ok " if ok else "FAIL ") + "content/limit-" + name +
              ("" if ok else ": hits %s, wanted %s, not %s %s" % (sorted(rules), sorted(must), sorted(mustnot), q.stderr[-500:])))
    shutil.rmtree(w, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
