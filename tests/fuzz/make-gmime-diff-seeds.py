#!/usr/bin/python3
# make-gmime-diff-seeds.py - the seed corpus of fuzz_gmime_diff: small
# messages, each hiding a file name and some bytes behind one MIME trick
# (issue 11's classes: encodings, RFC 2231/2047 names, repeated headers and
# parameters, boundary tricks, nesting, legacy encodings) or two at once.
# Deterministic; writes NAME files into OUT_DIR (existing ones replaced).
# Usage: /usr/bin/python3 tests/fuzz/make-gmime-diff-seeds.py [--eicar] OUT_DIR
import base64
import binascii
import itertools
import os
import quopri
import sys

# Not a real program: a recognisable header and some binary bytes.
PAYLOAD = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" \
    b"msgsec seed payload \x00\x01\x02\xfe\r\n\x80 end"
TEXT = b"Hello,\r\n\r\nplease find the file attached.\r\n"
NAME = "evil.exe"
# --eicar: the payload is the EICAR test string, built here from two
# halves so that no file in the repository is a virus signature (the
# reader jury, tests/jury, runs the same tricks with libclamav on).
if "--eicar" in sys.argv:
    sys.argv.remove("--eicar")
    PAYLOAD = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR" +
               b"-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
HDR = (b"From: Alice <alice@example.com>\r\nTo: bob@example.org\r\n"
       b"Subject: seed\r\nDate: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
       b"Message-ID: <seed@example.com>\r\n")


def b64(data, width=76):
    s = base64.b64encode(data)
    return b"\r\n".join(s[i:i + width] for i in range(0, len(s), width))


def qp(data):
    return quopri.encodestring(data.replace(b"\r\n", b"\n")) \
        .replace(b"\n", b"\r\n")


def uu(data, name=NAME):
    lines = [b"begin 644 " + name.encode()]
    for i in range(0, len(data), 45):
        lines.append(binascii.b2a_uu(data[i:i + 45]).rstrip(b"\n"))
    lines += [b"`", b"end"]
    return b"\r\n".join(lines)


def msg(ctype, body, extra=b"", mime=True):
    h = HDR + (b"MIME-Version: 1.0\r\n" if mime else b"")
    if ctype is not None:
        h += b"Content-Type: " + ctype + b"\r\n"
    return h + extra + b"\r\n" + body


def part(headers, body):
    return b"".join(h + b"\r\n" for h in headers) + b"\r\n" + body


def multipart(parts, bnd=b"b1", close=True, pre=b"preamble\r\n",
              post=b"epilogue\r\n"):
    out = pre
    for p in parts:
        out += b"--" + bnd + b"\r\n" + p + b"\r\n"
    if close:
        out += b"--" + bnd + b"--\r\n" + post
    return out


def att(name_hdrs=None, cte=b"base64", data=PAYLOAD, ctype=None):
    enc = {b"base64": b64, b"quoted-printable": qp, b"x-uuencode": uu,
           b"x-uue": uu, b"uuencode": uu,
           b"7bit": lambda d: d, b"8bit": lambda d: d,
           b"binary": lambda d: d}
    if name_hdrs is None:
        name_hdrs = [b'Content-Type: application/octet-stream; name="' +
                     NAME.encode() + b'"',
                     b'Content-Disposition: attachment; filename="' +
                     NAME.encode() + b'"']
    hs = list(name_hdrs)
    if ctype is not None:
        hs.insert(0, b"Content-Type: " + ctype)
    if cte is not None:
        hs.append(b"Content-Transfer-Encoding: " + cte)
    body = enc.get(cte.lower().strip() if cte else b"7bit",
                   lambda d: b64(d))(data)
    return part(hs, body)


def mixed(attachment, bnd=b"b1", **kw):
    text = part([b"Content-Type: text/plain; charset=us-ascii"], TEXT)
    return msg(b'multipart/mixed; boundary="' + bnd + b'"',
               multipart([text, attachment], bnd, **kw))


seeds = {}


def add(name, data):
    assert name not in seeds, name
    seeds[name] = data


# ---- plain shapes
add("plain-text", msg(b"text/plain; charset=utf-8", TEXT))
add("no-mime", msg(None, TEXT, mime=False))
add("single-att", msg(b'application/octet-stream; name="evil.exe"',
                      b64(PAYLOAD), b"Content-Transfer-Encoding: base64\r\n"))
add("mixed-b64", mixed(att()))
add("mixed-lf", mixed(att()).replace(b"\r\n", b"\n"))
add("mbox-from", b"From alice@example.com Tue Nov 14 22:13:20 2023\n" +
    mixed(att()).replace(b"\r\n", b"\n"))

# ---- transfer encodings
for n, cte in [("b64", b"base64"), ("qp", b"quoted-printable"),
               ("uu", b"x-uuencode"), ("7bit", b"7bit"), ("8bit", b"8bit"),
               ("binary", b"binary"), ("upper", b"BASE64"),
               ("padded", b" base64 "), ("x-uue", b"x-uue"),
               ("uuencode", b"uuencode"),
               ("list-qp-b64", b"quoted-printable, base64"),
               ("list-b64-qp", b"base64, quoted-printable"),
               ("unknown", b"x-unknown"), ("quoted", b'"base64"'),
               ("comment", b"base64 (comment)"),
               ("folded", b"8bit\r\n\tbase64")]:
    add("cte-" + n, mixed(att(cte=cte)))
add("cte-two-headers", mixed(part(
    [b'Content-Type: application/octet-stream; name="evil.exe"',
     b"Content-Transfer-Encoding: 7bit",
     b"Content-Transfer-Encoding: base64"], b64(PAYLOAD))))

# ---- tolerant base64
raw = base64.b64encode(PAYLOAD)
add("b64-junk-chars", mixed(part([b'Content-Type: application/x-foo; '
                                  b'name="evil.exe"',
                                  b"Content-Transfer-Encoding: base64"],
                                 raw[:10] + b"!*" + raw[10:30] + b"\x80" +
                                 raw[30:])))
add("b64-odd-lines", mixed(part([b'Content-Type: application/x-foo; '
                                 b'name="evil.exe"',
                                 b"Content-Transfer-Encoding: base64"],
                                b"\r\n".join(raw[i:i + 7] for i in
                                             range(0, len(raw), 7)))))
add("b64-pad-middle", mixed(part([b'Content-Type: application/x-foo; '
                                  b'name="evil.exe"',
                                  b"Content-Transfer-Encoding: base64"],
                                 base64.b64encode(PAYLOAD[:10]) + b"\r\n" +
                                 base64.b64encode(PAYLOAD[10:]))))
add("b64-blank-lines", mixed(part([b'Content-Type: application/x-foo; '
                                   b'name="evil.exe"',
                                   b"Content-Transfer-Encoding: base64"],
                                  raw[:20] + b"\r\n\r\n" + raw[20:])))
add("b64-header-like", mixed(part([b'Content-Type: application/x-foo; '
                                   b'name="evil.exe"',
                                   b"Content-Transfer-Encoding: base64"],
                                  raw[:20] + b"\r\nX-Junk: yes\r\n" +
                                  raw[20:])))
add("b64-no-pad", mixed(part([b'Content-Type: application/x-foo; '
                              b'name="evil.exe"',
                              b"Content-Transfer-Encoding: base64"],
                             raw.rstrip(b"="))))
add("b64-text-after", mixed(part([b'Content-Type: application/x-foo; '
                                  b'name="evil.exe"',
                                  b"Content-Transfer-Encoding: base64"],
                                 raw + b"\r\n-- \r\nsignature text\r\n")))

# ---- tolerant quoted-printable
for n, body in [("qp-bad-escape", b"MZ=X0=HX=\r\n=zz tail=4"),
                ("qp-soft-space", b"MZ=  \r\nmore= \t\r\nend"),
                ("qp-lone-eq", b"abc=\r\n=\r\ndef="),
                ("qp-lower-hex", b"=4d=5a=90=00 x"),
                ("qp-long-line", b"A" * 200 + b"=\r\n" + b"B" * 10)]:
    add(n, mixed(part([b'Content-Type: application/x-foo; name="evil.exe"',
                       b"Content-Transfer-Encoding: quoted-printable"],
                      body)))

# ---- names: RFC 2231, RFC 2047, quoting
NAMES = {
    "plain": [b'name="evil.exe"'],
    "token": [b"name=evil.exe"],
    "2231": [b"name*=utf-8''%65vil.exe"],
    "2231-lang": [b"name*=iso-8859-1'en'%E9vil.exe"],
    "2231-split": [b'name*0="ev"; name*1="il."; name*2="exe"'],
    "2231-split-enc": [b"name*0*=utf-8''ev; name*1*=%69l; name*2=.exe"],
    "2231-order": [b'name*1="il.exe"; name*0="ev"'],
    "2231-no-0": [b'name*1="evil"; name*2=".exe"'],
    "2231-gap": [b'name*0="ev"; name*2=".exe"'],
    "2231-utf16": [b"name*=utf-16le''e%00v%00i%00l%00.%00e%00x%00e%00"],
    "2231-and-plain": [b'name="safe.txt"; name*=utf-8\'\'evil.exe'],
    "2231-fold": [b'name*0="evil";\r\n name*1=".exe"'],
    "2047-b": [b'name="=?utf-8?B?ZXZpbC5leGU=?="'],
    "2047-q": [b'name="=?utf-8?Q?evil=2Eexe?="'],
    "2047-split": [b'name="=?utf-8?Q?ev?= =?utf-8?Q?il.exe?="'],
    "2047-utf16": [b'name="=?utf-16?B?/v8AZQB2AGkAbAAuAGUAeABl?="'],
    "2047-latin1": [b'name="=?iso-8859-1?Q?=E9vil.exe?="'],
    "2047-bare": [b"name==?utf-8?B?ZXZpbC5leGU=?="],
    "dup-name": [b'name="safe.txt"; name="evil.exe"'],
    "escape": [b'name="ev\\il.\\exe"'],
    "unbalanced": [b'name="evil.exe'],
    "comment": [b'name="evil.exe" (a comment)'],
    "comment-key": [b'(c)name(d)="evil.exe"'],
    "space-eq": [b'name = "evil.exe"'],
    "upper-key": [b'NAME="evil.exe"'],
    "8bit-utf8": ['name="\u00e9vil.exe"'.encode("utf-8")],
    "8bit-latin1": [b'name="\xe9vil.exe"'],
    "path-win": [b'name="C:\\\\Temp\\\\evil.exe"'],
    "path-unix": [b'name="../../evil.exe"'],
    "bidi": ['name="evil\u202eexe.txt"'.encode("utf-8")],
    "trailing-dot": [b'name="evil.exe."'],
    "trailing-space": [b'name="evil.exe "'],
    "many-ext": [b'name="invoice.1.2.3.4.5.6.7.abcdef.js"'],
    "long": [b'name="' + b"a" * 300 + b'.exe"'],
}
for n, params in NAMES.items():
    p = b"; ".join(params)
    add("ct-name-" + n, mixed(att([b"Content-Type: application/x-foo; " +
                                   p])))
    add("cd-name-" + n, mixed(att([b"Content-Type: application/x-foo",
                                   b"Content-Disposition: attachment; " +
                                   p.replace(b"name", b"filename")])))

# ---- header tricks
HEADER_TRICKS = {
    "dup-ct": [b"Content-Type: text/plain",
               b'Content-Type: application/x-foo; name="evil.exe"'],
    "dup-cd": [b"Content-Type: application/x-foo",
               b'Content-Disposition: inline; filename="safe.txt"',
               b'Content-Disposition: attachment; filename="evil.exe"'],
    "space-colon": [b'Content-Type : application/x-foo; name="evil.exe"'],
    "tab-colon": [b'Content-Type\t: application/x-foo; name="evil.exe"'],
    "fold-type": [b"Content-Type:\r\n application/x-foo;\r\n\tname=\r\n "
                  b'"evil.exe"'],
    "fold-in-value": [b'Content-Type: application/x-foo; name="evil\r\n'
                      b' .exe"'],
    "lower-header": [b'content-type: APPLICATION/X-FOO; NAME="evil.exe"'],
    "no-slash": [b'Content-Type: application; name="evil.exe"'],
    "cr-in-header": [b'Content-Type: application/x-foo;\r name="evil.exe"'],
    "nul-in-header": [b'Content-Type: application/x-foo; \x00name='
                      b'"evil.exe"'],
    "vt-in-header": [b'Content-Type: application/x-foo;\x0bname="evil.exe"'],
    "empty-ct": [b"Content-Type:", b'Content-Disposition: attachment; '
                 b'filename="evil.exe"'],
    "ct-comment": [b'Content-Type: application/(c)x-foo; (x) name="evil.exe"'],
}
for n, hs in HEADER_TRICKS.items():
    add("hdr-" + n, mixed(att(hs)))

# ---- multipart and boundary tricks
inner = att()
text = part([b"Content-Type: text/plain"], TEXT)
add("mp-no-close", mixed(inner, close=False))
add("mp-no-preamble", mixed(inner, pre=b""))
add("mp-boundary-prefix", msg(b'multipart/mixed; boundary="b"', multipart(
    [text, part([b'Content-Type: multipart/mixed; boundary="bb"'],
                multipart([inner], b"bb"))], b"b")))
add("mp-boundary-substring", msg(b'multipart/mixed; boundary="bnd"',
                                 multipart([text, part(
                                     [b'Content-Type: multipart/mixed; '
                                      b'boundary="xbndx"'],
                                     multipart([inner], b"xbndx"))],
                                     b"bnd")))
add("mp-inner-closes-outer", msg(b'multipart/mixed; boundary="o"',
                                 b"--o\r\n" + part(
                                     [b'Content-Type: multipart/mixed; '
                                      b'boundary="i"'],
                                     b"--i\r\n" + text + b"\r\n--o--\r\n") +
                                 b"\r\n--o\r\n" + inner + b"\r\n--o--\r\n"))
add("mp-after-close", msg(b'multipart/mixed; boundary="b1"',
                          b"--b1\r\n" + text + b"\r\n--b1--\r\n--b1\r\n" +
                          inner + b"\r\n--b1--\r\n"))
add("mp-double-close", msg(b'multipart/mixed; boundary="b1"',
                           b"--b1\r\n" + text + b"\r\n--b1--\r\n--b1--\r\n"
                           + inner))
add("mp-trailing-junk", msg(b'multipart/mixed; boundary="b1"',
                            b"--b1 junk\r\n" + text + b"\r\n--b1\t\r\n" +
                            inner + b"\r\n--b1--x\r\n"))
add("mp-dup-boundary", msg(b'multipart/mixed; boundary="x1"; boundary="b1"',
                           multipart([text, inner], b"b1")))
add("mp-boundary-space", msg(b'multipart/mixed; boundary=" b1 "',
                             multipart([text, inner], b" b1 ")))
add("mp-boundary-space-trim", msg(b'multipart/mixed; boundary=" b1 "',
                                  multipart([text, inner], b"b1")))
add("mp-boundary-2231", msg(b"multipart/mixed; boundary*=utf-8''b1",
                            multipart([text, inner], b"b1")))
add("mp-boundary-unquoted", msg(b"multipart/mixed; boundary=b1",
                                multipart([text, inner], b"b1")))
add("mp-boundary-in-b64", msg(b'multipart/mixed; boundary="QUJD"',
                              multipart([text, att(data=b"ABC" * 10)],
                                        b"QUJD")))
add("mp-spaced-type", msg(b'multipart / mixed; boundary="b1"',
                          multipart([text, inner], b"b1")))
add("mp-x-type", msg(b'multipart/x-unknown; boundary="b1"',
                     multipart([text, inner], b"b1")))
add("mp-no-boundary", msg(b"multipart/mixed", multipart([text, inner])))
add("mp-empty-boundary", msg(b'multipart/mixed; boundary=""',
                             multipart([text, inner], b"")))
add("mp-empty-parts", msg(b'multipart/mixed; boundary="b1"',
                          b"--b1\r\n\r\n--b1\r\n--b1\r\n" + inner +
                          b"\r\n--b1--\r\n"))
add("mp-part-no-headers", msg(b'multipart/mixed; boundary="b1"',
                              b"--b1\r\n" + b64(PAYLOAD) + b"\r\n--b1--\r\n"))
add("mp-alternative", msg(b'multipart/alternative; boundary="b1"',
                          multipart([text, part([b"Content-Type: text/html"],
                                                b"<p>hi</p>\r\n"), inner])))
add("mp-related", msg(b'multipart/related; boundary="b1"; type="text/html"',
                      multipart([part([b"Content-Type: text/html"],
                                      b"<img src=cid:x>\r\n"), inner])))
add("mp-signed", msg(b'multipart/signed; boundary="b1"; protocol='
                     b'"application/pgp-signature"', multipart(
                         [inner, part([b"Content-Type: application/"
                                       b"pgp-signature"],
                                      b"-----BEGIN PGP SIGNATURE-----\r\n"
                                      b"AAAA\r\n-----END PGP SIGNATURE-----"
                                      )])))
add("mp-digest", msg(b'multipart/digest; boundary="b1"', multipart(
    [part([], b"From: x@y\r\nSubject: inner\r\nContent-Type: application/"
              b'x-foo; name="evil.exe"\r\nContent-Transfer-Encoding: '
              b"base64\r\n\r\n" + b64(PAYLOAD))])))
deep = inner
for i in range(12):
    bnd = b"d%d" % i
    deep = part([b'Content-Type: multipart/mixed; boundary="' + bnd + b'"'],
                multipart([deep], bnd, pre=b""))
add("mp-deep", msg(b"multipart/mixed; boundary=top", multipart([deep],
                                                               b"top")))
add("mp-many", msg(b'multipart/mixed; boundary="b1"',
                   multipart([text] * 20 + [inner])))

# ---- embedded messages
embedded = HDR + b"MIME-Version: 1.0\r\n" + \
    b'Content-Type: multipart/mixed; boundary="e1"\r\n\r\n' + \
    multipart([text, inner], b"e1")
for cte in [None, b"7bit", b"base64", b"quoted-printable"]:
    n = cte.decode() if cte else "none"
    hs = [b"Content-Type: message/rfc822"]
    body = embedded
    if cte is not None:
        hs.append(b"Content-Transfer-Encoding: " + cte)
        body = {b"base64": b64, b"quoted-printable": qp}.get(
            cte, lambda d: d)(embedded)
    add("rfc822-" + n, mixed(part(hs, body)))
add("rfc822-named", mixed(part([b'Content-Type: message/rfc822; '
                                b'name="evil.exe"'], embedded)))
add("rfc822-news", mixed(part([b"Content-Type: message/news"], embedded)))
add("rfc822-global", mixed(part([b"Content-Type: message/global"],
                                embedded)))
add("rfc822-nested", mixed(part([b"Content-Type: message/rfc822"], HDR +
                                b"Content-Type: message/rfc822\r\n\r\n" +
                                embedded)))
add("rfc822-top-b64", msg(b"message/rfc822", b64(embedded),
                          b"Content-Transfer-Encoding: base64\r\n"))
add("partial", mixed(part([b'Content-Type: message/partial; id="x"; '
                           b"number=1; total=2"], embedded[:200])))
add("external-body", mixed(part([b"Content-Type: message/external-body; "
                                 b'access-type=URL; URL="http://x/e.exe"'],
                                b'Content-Type: application/x-foo; '
                                b'name="evil.exe"\r\n\r\n')))

# ---- legacy encodings inside text
add("uu-in-text", msg(b"text/plain", TEXT + uu(PAYLOAD) + b"\r\n"))
add("uu-in-text-lf", msg(b"text/plain", TEXT + uu(PAYLOAD) + b"\r\n")
    .replace(b"\r\n", b"\n"))
add("uu-cte-named", mixed(att([b'Content-Type: application/x-foo; '
                               b'name="evil.exe"'], cte=b"x-uuencode")))
add("binhex-cte", mixed(part([b'Content-Type: application/mac-binhex40; '
                              b'name="evil.exe"'],
                             b"(This file must be converted with BinHex "
                             b"4.0)\r\n:!!!!\r\n")))
add("yenc-in-text", msg(b"text/plain", TEXT + b"=ybegin line=128 size=4 "
                        b"name=evil.exe\r\nwxyz\r\n=yend size=4\r\n"))

# ---- two tricks at once: a name trick with an encoding or header trick
combo_names = ["2231-split", "2047-b", "dup-name", "8bit-latin1",
               "comment", "2231-and-plain"]
combo_bodies = [(b"quoted-printable", "qp"), (b"x-uuencode", "uu"),
                (b"base64, quoted-printable", "list"), (b"x-unknown", "unk")]
for (nm, (cte, cn)) in itertools.product(combo_names, combo_bodies):
    add("combo-%s-%s" % (nm, cn), mixed(att(
        [b"Content-Type: application/x-foo; " + b"; ".join(NAMES[nm])],
        cte=cte)))
for nm in combo_names:
    add("combo-%s-dup-ct" % nm, mixed(att(
        [b"Content-Type: text/plain",
         b"Content-Type: application/x-foo; " + b"; ".join(NAMES[nm])])))
    add("combo-%s-lf" % nm, mixed(att(
        [b"Content-Type: application/x-foo; " + b"; ".join(NAMES[nm])]))
        .replace(b"\r\n", b"\n"))
for (bn, bm) in [("prefix", "mp-boundary-prefix"), ("junk", "mp-trailing-junk"),
                 ("after", "mp-after-close")]:
    for enc, cn in [(b"quoted-printable", "qp"), (b"x-uuencode", "uu")]:
        add("combo-%s-%s" % (bn, cn), seeds[bm].replace(
            b"Content-Transfer-Encoding: base64\r\n\r\n" + b64(PAYLOAD),
            b"Content-Transfer-Encoding: " + enc + b"\r\n\r\n" +
            {b"quoted-printable": qp, b"x-uuencode": uu}[enc](PAYLOAD)))

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
total = 0
for n, data in sorted(seeds.items()):
    with open(os.path.join(out, n), "wb") as f:
        f.write(data)
    total += len(data)
print("%d seeds, %d bytes" % (len(seeds), total))
