#!/usr/bin/python3
# gen_tricks.py OUT_DIR - the reader jury's trick messages (issue 11).
#
# Each message hides a dangerous file name (invoice.exe, x.pdf.js, ...)
# and a test virus (the EICAR string, or a zip holding it) behind the MIME
# tricks of issue 11, one class per bullet of the issue, and pairs of two
# tricks from different layers (encoding, name, header, structure).  The
# tricks are what real readers still open: tolerant base64 and
# quoted-printable, odd Content-Transfer-Encoding values, repeated headers
# and parameters, RFC 2231 and 2047 names, quoting and comments, white
# space and control characters in headers, odd folding, unknown multipart
# types and boundary games.
#
# Deterministic (no clock, no randomness): the same files every run.  The
# EICAR string is put together here from pieces, so that no file in the
# repository is a virus signature.  Writes OUT_DIR/NNNN-CLASS.eml (LF line
# ends, as a mail store keeps them) and OUT_DIR/MANIFEST.tsv: file, class,
# hidden name, payload kind (eicar | zip).
import base64
import binascii
import gzip
import hashlib
import io
import os
import struct
import sys
import zipfile
import zlib


def eicar():
    s = "".join(["X5O!P%@AP[4\\PZX5", "4(P^)7CC)7}$EIC", "AR-STANDARD-ANTIV",
                 "IRUS-TEST-FILE!$H+H*"]).encode()
    assert hashlib.md5(s).hexdigest() == "44d88612fea8a8f36de82e1278abb02f"
    return s


def eicar_zip(member):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        zi = zipfile.ZipInfo(member, date_time=(2020, 1, 2, 3, 4, 6))
        zi.compress_type = zipfile.ZIP_DEFLATED
        zi.external_attr = 0o644 << 16
        z.writestr(zi, eicar())
    return out.getvalue()


NAMES = ["invoice.exe", "x.pdf.js", "report.scr", "payment.pdf.exe",
         "setup.bat", "letter.vbs", "update.cmd", "photo.jpg.pif",
         "order.hta", "scan.pdf.lnk", "statement.wsf", "Invoice.EXE",
         "tax-form.com", "delivery.jse", "readme.txt.ps1"]

TEXT = b"Hello,\n\nplease find the document attached.\n\nRegards\n"
DECOY = b"Nothing to see here: a harmless note.\n"


def decoy_name(name):
    return name.split(".")[0] + ".txt"


def enc_words(s, charset="utf-8", kind="B"):
    b = s.encode(charset)
    if kind == "B":
        return "=?%s?B?%s?=" % (charset, base64.b64encode(b).decode())
    return "=?%s?Q?%s?=" % (charset, "".join(
        chr(c) if 0x21 <= c < 0x7f and chr(c) not in "=?_" else
        "=%02X" % c for c in b))


def pct(b):
    return "".join("%%%02X" % c for c in b)


# ------------------------------------------------------------ encoders

def b64(data):
    return base64.b64encode(data).decode()


def wrap(s, width=76):
    return [s[i:i + width] for i in range(0, len(s), width)] or [""]


def body_b64(data, width=76):
    return ("\n".join(wrap(b64(data), width)) + "\n").encode()


def qp(data, lower=False, every=False, soft="=\n", width=60):
    """Quoted-printable; every=True escapes every byte."""
    out, line = [], ""
    hexf = "=%02x" if lower else "=%02X"
    for c in data:
        if every or not (33 <= c <= 126) or c == 61:
            tok = hexf % c
        else:
            tok = chr(c)
        if len(line) + len(tok) > width:
            out.append(line + soft)
            line = ""
        line += tok
    out.append(line + "\n")
    return "".join(out).encode()


def uuencode(data, name, backtick=True):
    lines = [("begin 644 %s" % name).encode()]
    for i in range(0, len(data), 45):
        lines.append(binascii.b2a_uu(data[i:i + 45], backtick=backtick)
                     .rstrip(b"\n"))
    lines += [b"`" if backtick else b" ", b"end"]
    return b"\n".join(lines) + b"\n"


HQX = (b"!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr")


def binhex(data, name):
    n = name.encode()
    hdr = bytes([len(n)]) + n + b"\0" + b"TEXTttxt" + b"\0\0" + \
        struct.pack(">II", len(data), 0)
    raw = hdr + struct.pack(">H", binascii.crc_hqx(hdr, 0))
    raw += data + struct.pack(">H", binascii.crc_hqx(data, 0))
    raw += struct.pack(">H", binascii.crc_hqx(b"", 0))
    rle = raw.replace(b"\x90", b"\x90\x00")
    bits, nbits, chars = 0, 0, []
    for c in rle:
        bits = (bits << 8) | c
        nbits += 8
        while nbits >= 6:
            nbits -= 6
            chars.append(HQX[(bits >> nbits) & 63])
    if nbits:
        chars.append(HQX[(bits << (6 - nbits)) & 63])
    s = b":" + bytes(chars) + b":"
    lines = [s[i:i + 64] for i in range(0, len(s), 64)]
    return b"(This file must be converted with BinHex 4.0)\n\n" + \
        b"\n".join(lines) + b"\n"


def yenc(data, name):
    out, line = bytearray(), bytearray()
    for c in data:
        e = (c + 42) & 0xff
        if e in (0, 10, 13, 61):
            line += b"=" + bytes([(e + 64) & 0xff])
        else:
            line.append(e)
        if len(line) >= 128:
            out += line + b"\n"
            line = bytearray()
    if line:
        out += line + b"\n"
    return ("=ybegin line=128 size=%d name=%s\n" % (len(data), name))\
        .encode() + bytes(out) + ("=yend size=%d crc32=%08x\n" % (
            len(data), zlib.crc32(data))).encode()


# ------------------------------------------------------------ the model

class Part:
    def __init__(self, ctype, params=(), disp=None, dparams=(), cte=None,
                 body=b""):
        self.ctype = ctype
        self.params = list(params)
        self.disp = disp
        self.dparams = list(dparams)
        self.cte = cte
        self.body = body
        self.pre = []           # raw header lines before the fields
        self.extra = []         # raw header lines after them
        self.hooks = []         # functions: list of header lines -> list

    def lines(self):
        ls = list(self.pre)
        if self.ctype is not None:
            ls.append("Content-Type: " + "; ".join([self.ctype] +
                                                   self.params))
        if self.disp is not None:
            ls.append("Content-Disposition: " + "; ".join(
                [self.disp] + self.dparams))
        if self.cte is not None:
            ls.append("Content-Transfer-Encoding: " + self.cte)
        ls += self.extra
        ls = [x.encode("utf-8", "surrogateescape") if isinstance(x, str)
              else x for x in ls]
        for h in self.hooks:
            ls = h(ls)
        return ls

    def render(self):
        return b"".join(x + b"\n" for x in self.lines()) + b"\n" + self.body


class Msg:
    def __init__(self, name, kind, seq):
        self.name = name
        self.kind = kind
        self.seq = seq
        self.payload = eicar() if kind == "eicar" else eicar_zip(
            "eicar-%d.com" % seq)
        self.decoy_name = decoy_name(name)
        self.text = Part("text/plain", ['charset="us-ascii"'], cte="7bit",
                         body=TEXT)
        q = '"%s"' % name
        self.att = Part("application/octet-stream", ["name=" + q],
                        "attachment", ["filename=" + q])
        self.encode = lambda m: ("base64", body_b64(m.payload))
        self.cte_fmt = lambda v: v
        self.boundary = "jury-%04d-b1" % seq
        self.top_ctype = "multipart/mixed"
        self.top_params = None      # default: boundary="..."
        self.top_hooks = []         # functions on the top header lines
        self.top_extra = []
        self.structure = struct_plain
        self.preamble = b"This is a multi-part message in MIME format.\n"
        self.epilogue = b""

    def parts(self):
        if self.att.body == b"":
            cte, body = self.encode(self)
            if cte is not None and self.att.cte is None:
                self.att.cte = self.cte_fmt(cte)
            self.att.body = body
        return [self.text, self.att]

    def top_ct(self, ctype=None, params=None):
        ctype = ctype or self.top_ctype
        if params is None:
            params = self.top_params
        if params is None:
            params = ['boundary="%s"' % self.boundary]
        return "Content-Type: " + "; ".join([ctype] + params)

    def render(self):
        ct_lines, body = self.structure(self)
        hdr = ["From: Alice Sender <alice@example.org>",
               "To: user@dep.mass.example",
               "Subject: jury case %d" % self.seq,
               "Date: Tue, 14 Nov 2023 22:13:20 +0000",
               "Message-ID: <jury-%d@example.org>" % self.seq,
               "MIME-Version: 1.0"] + self.top_extra + ct_lines
        hdr = [x.encode("utf-8", "surrogateescape") if isinstance(x, str)
               else x for x in hdr]
        for h in self.top_hooks:
            hdr = h(hdr)
        return b"".join(x + b"\n" for x in hdr) + b"\n" + body


def delim(b, tail=""):
    return ("--%s%s\n" % (b, tail)).encode()


def multipart(boundary, parts, close=True, pre=b"", post=b""):
    out = pre
    for p in parts:
        out += delim(boundary) + p + b"\n"
    if close:
        out += delim(boundary, "--") + post
    return out


def struct_plain(m):
    return [m.top_ct()], multipart(m.boundary, [p.render() for p in
                                                m.parts()],
                                   pre=m.preamble, post=m.epilogue)


def sub(old, new, field=None, count=1):
    """A header hook replacing old by new in the lines (of one field)."""
    o = old.encode("utf-8", "surrogateescape") if isinstance(old, str) \
        else old
    n = new.encode("utf-8", "surrogateescape") if isinstance(new, str) \
        else new

    def hook(ls):
        out, left = [], count
        for x in ls:
            if left and o in x and (field is None or x.lower().startswith(
                    field.lower().encode())):
                x = x.replace(o, n, 1)
                left -= 1
            out.append(x)
        return out
    return hook


def set_name(m, ct=None, cd=None):
    """The attachment's name parameters, raw."""
    m.att.params = ct if ct is not None else []
    m.att.dparams = cd if cd is not None else []


# ------------------------------------------------------------ encodings

def b64_variant(fn):
    def v(m):
        def enc(m):
            return "base64", fn(b64(m.payload)).encode()
        m.encode = enc
    return v


def junk_chars(s):
    return "\n".join(wrap("".join(c + ("!*#.~"[i % 5] if i % 7 == 6 else
                                       "") for i, c in enumerate(s)))) + "\n"


def eq_at(pos, what="="):
    def f(s):
        q = (len(s) // 2) // 4 * 4 + pos
        return "\n".join(wrap(s[:q] + what + s[q:])) + "\n"
    return f


def odd_lengths(s):
    out, i, k = [], 0, 0
    lens = [5, 13, 7, 21, 3, 30, 11, 1, 17]
    while i < len(s):
        n = lens[k % len(lens)]
        out.append(s[i:i + n])
        i += n
        k += 1
    return "\n".join(out) + "\n"


def insert_line(line, where=0.5):
    def f(s):
        ls = wrap(s, 40)
        k = max(1, int(len(ls) * where)) if where > 0 else 0
        return "\n".join(ls[:k] + [line] + ls[k:]) + "\n"
    return f


def b64_segments(m):
    d = m.payload
    segs = [d[:10], d[10:21], d[21:]]
    return "base64", ("\n".join(b64(x) for x in segs) + "\n").encode()


def b64_segments_oneline(m):
    d = m.payload
    segs = [d[:10], d[10:21], d[21:]]
    return "base64", ("".join(b64(x) for x in segs) + "\n").encode()


def b64_url(m):
    s = base64.urlsafe_b64encode(m.payload).decode()
    return "base64", ("\n".join(wrap(s)) + "\n").encode()


B64 = [
    b64_variant(junk_chars),
    b64_variant(eq_at(0)),
    b64_variant(eq_at(2)),
    b64_variant(eq_at(2, "==")),
    b64_variant(eq_at(3)),
    b64_variant(odd_lengths),
    b64_variant(insert_line("this is no base64 at all!")),
    b64_variant(insert_line("*****")),
    b64_variant(insert_line("")),
    b64_variant(lambda s: "\n\n".join(wrap(s, 40)) + "\n"),
    b64_variant(insert_line("X-Junk: header-like line", 0)),
    b64_variant(insert_line("Content-Type: text/plain")),
    b64_variant(lambda s: " ".join(wrap(s, 8)) + "\n"),
    b64_variant(lambda s: "\n".join("\t" + x for x in wrap(s)) + "\n"),
    b64_variant(lambda s: s + "\n"),
    b64_variant(lambda s: "\n".join(wrap(s.rstrip("="))) + "\n"),
    b64_variant(lambda s: "\n".join(wrap(s)) + "\n-- \nsent from a phone\n"),
    lambda m: setattr(m, "encode", b64_segments),
    lambda m: setattr(m, "encode", b64_segments_oneline),
    lambda m: setattr(m, "encode", b64_url),
]


def qp_variant(**kw):
    def v(m):
        m.encode = lambda m: ("quoted-printable", qp(m.payload, **kw))
    return v


def qp_fn(fn):
    def v(m):
        m.encode = lambda m: ("quoted-printable", fn(m.payload))
    return v


def qp_insert(tok, frac=0.5):
    def f(d):
        s = qp(d, width=1000).decode("latin-1").rstrip("\n")
        k = int(len(s) * frac)
        while k < len(s) and "=" in s[max(0, k - 2):k]:
            k += 1
        return (s[:k] + tok + s[k:] + "\n").encode("latin-1")
    return f


QP = [
    qp_variant(lower=True, every=True),
    qp_variant(every=True),
    qp_variant(soft="=  \n", width=20),
    qp_variant(soft="=\t\n", width=20),
    qp_variant(soft="= \t \n", width=33),
    qp_fn(qp_insert("=X")),
    qp_fn(qp_insert("=4X")),
    qp_fn(qp_insert("=")),
    qp_fn(qp_insert("==41")),
    qp_fn(qp_insert("=\n", 0.3)),
    qp_fn(lambda d: qp(d, every=True, width=1000)[:7] + b"\n" +
          qp(d, every=True, width=1000)[7:]),
    qp_fn(lambda d: qp(d, every=True, width=1000)[:7] + b"=\n" +
          qp(d, every=True, width=1000)[7:]),
    qp_fn(lambda d: qp(d, every=True, width=1000)[:-1] + b"="),
    qp_fn(lambda d: qp(d, width=1000)),
    qp_fn(lambda d: b"A line with an invalid escape =G1 here.\n" +
          qp(d) + b"and a lone = at the end =\n"),
    qp_fn(lambda d: qp(d, every=True, soft="=\r\n", width=30)),
    qp_fn(lambda d: d.replace(b"=", b"=3D") + b"\n"),
]


def cte_variant(value, how):
    def v(m):
        def enc(m):
            return value, how(m)
        m.encode = enc
    return v


def legacy_in_text(how, ctype="text/plain"):
    def v(m):
        m.att.ctype = ctype
        m.encode = lambda m: ("7bit" if ctype.startswith("text") else
                              None, how(m))
    return v


UU = lambda m: uuencode(m.payload, m.name)
HQX_BODY = lambda m: binhex(m.payload, m.name)
YENC = lambda m: yenc(m.payload, m.name)
B64_BODY = lambda m: body_b64(m.payload)
RAW = lambda m: m.payload + b"\n"


def uu_decoy_header(m):
    set_name(m, ['name="%s"' % m.decoy_name],
             ['filename="%s"' % m.decoy_name])
    m.encode = lambda m: ("x-uuencode", uuencode(m.payload, m.name))


CTE = [
    cte_variant("x-uuencode", UU),
    cte_variant("uuencode", UU),
    cte_variant("x-uue", UU),
    cte_variant("uue", UU),
    cte_variant("x-uuencode", lambda m: uuencode(m.payload, m.name, False)),
    uu_decoy_header,
    cte_variant("x-binhex", HQX_BODY),
    cte_variant("mac-binhex40", HQX_BODY),
    cte_variant("x-yencode", YENC),
    cte_variant("quoted-printable, base64", B64_BODY),
    cte_variant("base64, quoted-printable", B64_BODY),
    cte_variant("x-unknown", B64_BODY),
    cte_variant("x-unknown", RAW),
    cte_variant("BASE64", B64_BODY),
    cte_variant("base-64", B64_BODY),
    cte_variant("base64 ", B64_BODY),
    cte_variant("base64;", B64_BODY),
    cte_variant("x-gzip64", lambda m: body_b64(gzip.compress(m.payload,
                                                             mtime=0))),
    cte_variant("8bit", RAW),
    legacy_in_text(UU),
    legacy_in_text(lambda m: b"See below.\n\n" + uuencode(m.payload, m.name)
                   + b"\nbye\n"),
    legacy_in_text(HQX_BODY),
    legacy_in_text(YENC),
    legacy_in_text(UU, "application/octet-stream"),
]


# ------------------------------------------------------------ names

def nm(ct=None, cd=None):
    """A name variant: ct/cd are functions (hidden, decoy) -> params."""
    def v(m):
        h, d = m.name, m.decoy_name
        set_name(m, ct(h, d) if ct else [], cd(h, d) if cd else [])
    return v


DUP_PARAMS = [
    nm(lambda h, d: ['name="%s"' % d, 'name="%s"' % h],
       lambda h, d: ['filename="%s"' % d, 'filename="%s"' % h]),
    nm(lambda h, d: ['name="%s"' % h, 'name="%s"' % d],
       lambda h, d: ['filename="%s"' % h, 'filename="%s"' % d]),
    nm(lambda h, d: ['name="%s"' % d],
       lambda h, d: ['filename="%s"' % d, 'filename="%s"' % h]),
    nm(lambda h, d: ['name="%s"' % h], lambda h, d: ['filename="%s"' % d]),
    nm(lambda h, d: ['name="%s"' % d], lambda h, d: ['filename="%s"' % h]),
    nm(lambda h, d: ['name="%s"' % d, 'NAME="%s"' % h], None),
    nm(lambda h, d: ['name=%s' % d, 'name=%s' % d, 'name=%s' % h], None),
    nm(lambda h, d: ['filename="%s"' % h], lambda h, d: ['name="%s"' % h]),
    nm(None, lambda h, d: ['filename=%s' % d, 'filename =%s' % h]),
]


def dup_boundary(first_real):
    def v(m):
        real, fake = m.boundary, m.boundary + "-decoy"
        bs = [real, fake] if first_real else [fake, real]
        m.top_params = ['boundary="%s"' % b for b in bs]
    return v


DUP_PARAMS += [dup_boundary(True), dup_boundary(False)]


NAME_STAR = [
    nm(lambda h, d: ['name="%s"' % d, "name*=utf-8''%s" % pct(h.encode())],
       lambda h, d: ['filename="%s"' % d]),
    nm(lambda h, d: ["name*=utf-8''%s" % pct(h.encode()), 'name="%s"' % d],
       None),
    nm(lambda h, d: ['name="%s"' % d],
       lambda h, d: ['filename="%s"' % d, "filename*=UTF-8''%s" % h]),
    nm(None, lambda h, d: ["filename*=utf-8''%s" % h, 'filename="%s"' % d]),
    nm(lambda h, d: ['name*0="%s"' % h[:3], 'name*1="%s"' % h[3:],
                     'name="%s"' % d], None),
    nm(lambda h, d: ['name="%s"' % h, "name*=utf-8''%s" % d],
       lambda h, d: ['filename="%s"' % h, "filename*=utf-8''%s" % d]),
    nm(lambda h, d: ['name="%s"' % d, 'name*="%s"' % h], None),
    nm(None, lambda h, d: ['filename="%s"' % d, "filename*0*=utf-8''%s"
                           % h[:4], 'filename*1="%s"' % h[4:]]),
]


def sections(s, n=3):
    k = max(1, len(s) // n)
    return [s[i:i + k] for i in range(0, len(s), k)]


def utf16le_bom(h):
    return b"\xff\xfe" + h.encode("utf-16-le")


RFC2231 = [
    nm(lambda h, d: ['name*%d="%s"' % (i, x) for i, x in
                     reversed(list(enumerate(sections(h))))],
       lambda h, d: ['filename*%d="%s"' % (i, x) for i, x in
                     reversed(list(enumerate(sections(h))))]),
    nm(lambda h, d: ['name*%d="%s"' % (i + 1, x) for i, x in
                     enumerate(sections(h))],
       lambda h, d: ['filename*%d="%s"' % (i + 1, x) for i, x in
                     enumerate(sections(h))]),
    nm(lambda h, d: ['\n name*%d="%s"' % (i, x) for i, x in
                     enumerate(sections(h))],
       lambda h, d: ['\n filename*%d="%s"' % (i, x) for i, x in
                     enumerate(sections(h))]),
    nm(lambda h, d: ["name*=utf-16''" + pct(utf16le_bom(h))],
       lambda h, d: ["filename*=utf-16''" + pct(utf16le_bom(h))]),
    nm(lambda h, d: ["name*=utf-16be''" + pct(h.encode("utf-16-be"))],
       lambda h, d: ["filename*=UTF-16BE''" + pct(h.encode("utf-16-be"))]),
    nm(lambda h, d: ["name*=utf-16le''" + pct(h.encode("utf-16-le"))],
       None),
    nm(lambda h, d: ["name*=iso-8859-1''" + h.replace(".", "%2E")],
       lambda h, d: ["filename*=iso-8859-1''" + h.replace(".", "%2E")]),
    nm(lambda h, d: ["name*0*=utf-8''" + pct(h[:3].encode()),
                     'name*1="%s"' % h[3:]], None),
    nm(None, lambda h, d: ['filename*0="%s"' % h[:3],
                           'filename*2="%s"' % h[3:]]),
    nm(lambda h, d: ['name*0="%s"' % d, 'name*0="%s"' % h[:3],
                     'name*1="%s"' % h[3:]], None),
    nm(None, lambda h, d: ['filename*00="%s"' % h[:3],
                           'filename*01="%s"' % h[3:]]),
    nm(lambda h, d: ["name*=utf-8'en-us'" + pct(h.encode())],
       lambda h, d: ["filename*=utf-8'en-us'" + pct(h.encode())]),
    nm(lambda h, d: ["name*=''" + h], lambda h, d: ["filename*=''" + h]),
    nm(None, lambda h, d: ["filename*=x-unknown-charset''" + h]),
    nm(None, lambda h, d: ["filename*=utf-8''" +
                           pct(h.encode()).replace("%2E", ".")]),
    nm(lambda h, d: ["name*=utf-32''" + pct(h.encode("utf-32"))],
       lambda h, d: ["filename*=utf-32''" + pct(h.encode("utf-32"))]),
]


RFC2047 = [
    nm(lambda h, d: ['name="%s"' % enc_words(h, "utf-16")],
       lambda h, d: ['filename="%s"' % enc_words(h, "utf-16")]),
    nm(lambda h, d: ['name="%s"' % enc_words(h, "utf-16le", "Q")],
       lambda h, d: ['filename="%s"' % enc_words(h, "utf-16le", "Q")]),
    nm(lambda h, d: ['name="%s"' % enc_words(h, "utf-16be")], None),
    nm(None, lambda h, d: ['filename="%s"' % enc_words(h)]),
    nm(lambda h, d: ['name=%s' % enc_words(h)],
       lambda h, d: ['filename=%s' % enc_words(h)]),
    nm(lambda h, d: ['name="%s %s"' % (enc_words(h[:4]), enc_words(h[4:]))],
       lambda h, d: ['filename="%s %s"' % (enc_words(h[:4]),
                                           enc_words(h[4:]))]),
    nm(lambda h, d: ['name="%s%s"' % (h[:3], enc_words(h[3:], kind="Q"))],
       lambda h, d: ['filename="%s%s"' % (h[:3],
                                          enc_words(h[3:], kind="Q"))]),
    nm(lambda h, d: ['name="=?utf-8*en?Q?%s?="' % h], None),
    nm(lambda h, d: ['name="%s"' % enc_words(h, "utf-32")], None),
    nm(None, lambda h, d: ["filename*=utf-8''" + pct(enc_words(h).encode())]),
    nm(lambda h, d: ['name="%s"' % enc_words(h).replace("?B?", "?b?")
                     .replace("utf-8", "UTF-8")], None),
    nm(lambda h, d: ['name="%s"' % d],
       lambda h, d: ['filename="%s"' % enc_words(h, "utf-16")]),
    nm(lambda h, d: ['name="%s"' % enc_words(h, "iso-8859-1", "Q")
                     .replace(".", "=2E")], None),
    # GMime joins the B text of adjacent words and stops at a padding
    nm(lambda h, d: ['name="%s %s"' % (enc_words(h + "_"),
                                       enc_words(".txt"))],
       lambda h, d: ['filename="%s %s"' % (enc_words(h + "_"),
                                           enc_words(".txt"))]),
]


QUOTING = [
    nm(lambda h, d: ['name="%s\\%s"' % (h[:3], h[3:])],
       lambda h, d: ['filename="%s"' % "".join("\\" + c for c in h)]),
    nm(lambda h, d: ['name="%s\\\\"' % h], None),
    nm(lambda h, d: ['name="%s\\".%s"' % (h.split(".")[0],
                                          ".".join(h.split(".")[1:]))],
       None),
    nm(lambda h, d: ['name=%s' % h.replace(".", "\\.")],
       lambda h, d: ['filename=%s' % h.replace(".", "\\.")]),
    nm(lambda h, d: ['name="%s\\"; name=\\"%s"' % (d, h)], None),
    nm(None, lambda h, d: ['filename="%s\\"; filename=\\"%s"' % (d, h)]),
    nm(lambda h, d: ['name="%s\\"' % h], None),
]


UNBALANCED = [
    nm(lambda h, d: ['name="%s' % h], lambda h, d: ['filename="%s' % h]),
    nm(lambda h, d: ['name=%s"' % h], lambda h, d: ['filename=%s"' % h]),
    nm(lambda h, d: ['name="%s" ".%s"' % (h.split(".")[0],
                                          h.split(".")[-1])], None),
    nm(None, lambda h, d: ['filename="%s' % h, 'size=100']),
    nm(lambda h, d: ['name="%s' % d, 'name="%s"' % h], None),
    nm(lambda h, d: ['name=%s"%s"' % (h[:3], h[3:])], None),
    nm(None, lambda h, d: ['filename="%s" .%s"' % (d, h.split(".")[-1])]),
    nm(lambda h, d: ['name="%s"' % d], lambda h, d: ['filename="%s' % h,
                                                       'x="y"']),
]


def ct_raw(ctline=None, cdline=None):
    """Raw Content-Type / Content-Disposition values (h, d) -> str."""
    def v(m):
        h, d = m.name, m.decoy_name
        if ctline:
            m.att.ctype = ctline(h, d)
            m.att.params = []
        if cdline:
            m.att.disp = cdline(h, d)
            m.att.dparams = []
    return v


def cte_raw(fmt):
    def v(m):
        m.cte_fmt = lambda value: fmt % value
    return v


def top_boundary_comment(m):
    m.top_params = ['boundary="%s" (boundary="%s-x")' % (m.boundary,
                                                        m.boundary)]


def top_boundary_comment2(m):
    m.top_params = ['boundary="%s-x" (comment)' % m.boundary]
    m.structure = lambda m: ([m.top_ct()], multipart(
        m.boundary + "-x", [p.render() for p in m.parts()]))


COMMENTS = [
    ct_raw(lambda h, d: 'application/octet-stream (comment); name="%s"' % h,
           lambda h, d: 'attachment (comment); filename="%s"' % h),
    ct_raw(lambda h, d: '(c) application/octet-stream; name="%s"' % h,
           lambda h, d: '(c)attachment; filename="%s"' % h),
    ct_raw(lambda h, d: 'application/octet-stream; na(c)me="%s"' % h,
           lambda h, d: 'attachment; file(c)name="%s"' % h),
    ct_raw(lambda h, d: 'application/octet-stream; name(c)="%s"' % h,
           lambda h, d: 'attachment; filename (c) = "%s"' % h),
    ct_raw(lambda h, d: 'application/octet-stream; name=(c)"%s"' % h,
           lambda h, d: 'attachment; filename=(c)"%s"' % h),
    ct_raw(lambda h, d: 'application/octet-stream; name="%s"(c)' % h,
           lambda h, d: 'attachment; filename=%s (c)' % h),
    ct_raw(lambda h, d: 'application/octet-stream; name="%s" (; name="%s")'
           % (d, h), lambda h, d: 'attachment; filename="%s" '
           '(; filename="%s")' % (d, h)),
    ct_raw(None, lambda h, d: 'attachment (; filename="%s"); filename="%s"'
           % (d, h)),
    cte_raw("%s (encoded)"),
    cte_raw("(x) %s"),
    ct_raw(lambda h, d: 'application/octet-stream; name="%s" '
           '(a (nested) b)' % h,
           lambda h, d: 'attachment; (a "b;" c) filename="%s"' % h),
    top_boundary_comment,
    top_boundary_comment2,
]


# ------------------------------------------------------------ headers

def part_hook(fn):
    def v(m):
        m.att.hooks.append(fn)
    return v


def top_hook(fn):
    def v(m):
        m.top_hooks.append(fn)
    return v


def two_ct(hidden_first):
    def v(m):
        h = "Content-Type: application/octet-stream; name=\"%s\"" % m.name
        d = "Content-Type: text/plain; charset=us-ascii"
        m.att.ctype = None
        m.att.pre = [h, d] if hidden_first else [d, h]
    return v


def two_cte(first, second, body=B64_BODY):
    def v(m):
        m.att.cte = None
        m.att.extra = ["Content-Transfer-Encoding: " + first,
                       "Content-Transfer-Encoding: " + second]
        m.encode = lambda m: (None, body(m))
    return v


def two_cd(hidden_first):
    def v(m):
        h = 'attachment; filename="%s"' % m.name
        d = 'inline; filename="%s"' % m.decoy_name
        m.att.params = []
        m.att.disp = None
        m.att.extra = ["Content-Disposition: " + x for x in
                       ([h, d] if hidden_first else [d, h])]
    return v


def top_two_ct(m):
    old = m.structure

    def st(m):
        lines, body = old(m)
        return ["Content-Type: text/plain; charset=us-ascii"] + lines, body
    m.structure = st


def top_two_ct_after(m):
    old = m.structure

    def st(m):
        lines, body = old(m)
        return lines + ["Content-Type: text/plain; charset=us-ascii"], body
    m.structure = st


def top_two_boundaries(m):
    old = m.structure

    def st(m):
        lines, body = old(m)
        return ['Content-Type: multipart/mixed; boundary="%s-decoy"'
                % m.boundary] + lines, body
    m.structure = st


DUP_HEADERS = [
    two_ct(False), two_ct(True),
    two_cte("7bit", "base64"), two_cte("base64", "7bit"),
    two_cte("quoted-printable", "base64"),
    two_cte("base64", "x-uuencode", UU),
    two_cd(False), two_cd(True),
    top_two_ct, top_two_ct_after, top_two_boundaries,
]


WS_COLON = [
    part_hook(sub("Content-Type:", "Content-Type :")),
    part_hook(sub("Content-Disposition:", "Content-Disposition :")),
    part_hook(sub("Content-Transfer-Encoding:",
                  "Content-Transfer-Encoding :")),
    part_hook(sub("Content-Type:", "Content-Type\t:")),
    top_hook(sub("Content-Type:", "Content-Type :", "content-type")),
    lambda m: (setattr(m.att, "ctype", None), setattr(
        m.att, "pre", ["Content-Type: text/plain",
                       'Content-Type : application/octet-stream; name="%s"'
                       % m.name]), m.att.hooks.append(
        sub("Content-Disposition:", "Content-Disposition  :"))),
    part_hook(lambda ls: [x.replace(b": ", b":", 1) for x in ls]),
    lambda m: (part_hook(sub("Content-Transfer-Encoding:",
                             "Content-Transfer-Encoding\t :"))(m),
               part_hook(sub("Content-Type:", "Content-Type :"))(m)),
]


WS_MEDIA = [
    lambda m: setattr(m, "top_ctype", "multipart / mixed"),
    lambda m: setattr(m, "top_ctype", "multipart/ mixed"),
    lambda m: setattr(m, "top_ctype", "multipart /mixed"),
    lambda m: setattr(m.att, "ctype", "application / octet-stream"),
    lambda m: setattr(m.att, "ctype", " application/x-msdownload "),
    lambda m: setattr(m, "top_ctype", "multipart\t/\tmixed"),
    lambda m: setattr(m.att, "ctype", "text / plain"),
    lambda m: setattr(m, "top_ctype", " multipart/mixed "),
]


def ws_boundary(param, dl):
    """param: the boundary parameter from b; dl: the delimiter text."""
    def v(m):
        b = m.boundary
        m.top_params = [param(b)]
        m.structure = lambda m: ([m.top_ct()], multipart(
            dl(b), [p.render() for p in m.parts()], pre=m.preamble))
    return v


def padded_delims(m):
    b = m.boundary

    def st(m):
        out = m.preamble
        for p in m.parts():
            out += (" --%s\n" % b).encode() + p.render() + b"\n"
        return [m.top_ct()], out + delim(b, "--")
    m.structure = st


WS_BOUNDARY = [
    ws_boundary(lambda b: 'boundary=" %s"' % b, lambda b: " " + b),
    ws_boundary(lambda b: 'boundary="%s "' % b, lambda b: b + " "),
    ws_boundary(lambda b: 'boundary = "%s"' % b, lambda b: b),
    ws_boundary(lambda b: 'boundary="%s x"' % b, lambda b: b + " x"),
    ws_boundary(lambda b: 'boundary=%s ' % b, lambda b: b),
    ws_boundary(lambda b: 'boundary=\n "%s"' % b, lambda b: b),
    ws_boundary(lambda b: 'boundary=" %s "' % b, lambda b: b),
    ws_boundary(lambda b: 'boundary="%s\t"' % b, lambda b: b + "\t"),
    padded_delims,
]


def top_null(m):
    m.top_extra.append("X-Note: a\0b")


CTL = [
    part_hook(sub("application/octet-stream;", "application/octet-stream;"
                  "\r")),
    part_hook(sub("attachment;", "attachment;\x0b")),
    lambda m: set_name(m, ['name="%s\0.pdf"' % m.name],
                       ['filename="%s\0.pdf"' % m.name]),
    lambda m: m.att.pre.append("\0\0junk\0"),
    part_hook(sub("Content-Type", "Content-\rType")),
    part_hook(sub("Content-Type:", "Content-Type\x0b:")),
    lambda m: m.att.pre.append("this line is no header field"),
    part_hook(lambda ls: [x + b"\r" for x in ls]),
    top_null,
    lambda m: set_name(m, ['name="%s\r.pdf"' % m.name],
                       ['filename="%s\x0b"' % m.name]),
    lambda m: set_name(m, ['name="%s\r\n"' % m.name], []),
    lambda m: m.att.pre.append("X-Note: \0"),
]


FOLD = [
    lambda m: set_name(m, ['name="%s\n %s"' % (m.name[:4], m.name[4:])],
                       ['filename="%s\n\t%s"' % (m.name[:4], m.name[4:])]),
    lambda m: set_name(m, ['name\n ="%s"' % m.name],
                       ['filename\n\t= "%s"' % m.name]),
    part_hook(lambda ls: [x.replace(b": ", b":\n ", 1).replace(
        b"; ", b";\n ") for x in ls]),
    part_hook(lambda ls: [x.replace(b"; ", b";\n\t") for x in ls]),
    part_hook(lambda ls: [ls[0] + b"\n "] + ls[1:] if ls else ls),
    lambda m: setattr(m.att, "ctype", "application/\n octet-stream"),
    lambda m: set_name(m, ['name="%s\n %s"' % (enc_words(m.name)[:12],
                                             enc_words(m.name)[12:])], []),
    lambda m: set_name(m, ['name="%s"\n %s' % (enc_words(m.name)[:12],
                                             enc_words(m.name)[12:])], []),
    lambda m: setattr(m, "top_params", ['boundary=\n\t"%s"' % m.boundary]),
    lambda m: m.att.pre.append(" x-continued: nothing before"),
    part_hook(sub("Content-Transfer-Encoding: ",
                  "Content-Transfer-Encoding:\n ")),
    lambda m: set_name(m, ['name="%s"' % "\n ".join(m.name)], []),
    part_hook(lambda ls: [x.replace(b":", b"\n :", 1) for x in ls]),
    lambda m: set_name(m, [], ['\n filename="%s"' % m.name]),
]


# ------------------------------------------------------------ structure

def xmp(ctype):
    def v(m):
        m.top_ctype = ctype
    return v


def nested_xmp(outer, inner):
    def v(m):
        m.top_ctype = outer
        ib = m.boundary + "-in"

        def st(m):
            ps = m.parts()
            inner_body = multipart(ib, [ps[1].render()])
            ip = ("Content-Type: %s; boundary=\"%s\"\n\n" % (inner, ib))\
                .encode() + inner_body
            return [m.top_ct()], multipart(m.boundary, [ps[0].render(), ip],
                                           pre=m.preamble)
        m.structure = st
    return v


def digest(m):
    m.top_ctype = "multipart/digest"

    def st(m):
        ps = m.parts()
        inner = b"From: a@example.org\nSubject: inner\n" + \
            b"MIME-Version: 1.0\n" + ps[1].render()
        return [m.top_ct()], multipart(m.boundary, [b"\n" + inner],
                                       pre=m.preamble)
    m.structure = st


def message_x(ctype):
    """The attachment inside a message of an unknown message type."""
    def v(m):
        def st(m):
            ps = m.parts()
            inner = ("From: Carol <carol@example.net>\nSubject: inner\n"
                     "MIME-Version: 1.0\n").encode() + ps[1].render()
            mp = ("Content-Type: %s\n\n" % ctype).encode() + inner
            return [m.top_ct()], multipart(m.boundary, [ps[0].render(), mp],
                                           pre=m.preamble)
        m.structure = st
    return v


XMULTI = [
    message_x("message/x-forwarded"), message_x("message/external-body"),
    xmp("multipart/x-mixed-replace"), xmp("multipart/x-foo"),
    xmp("multipart/related"), xmp("multipart/alternative"),
    nested_xmp("multipart/x-unknown", "multipart/x-bar"),
    xmp("multipart/mixedx"), xmp("Multipart/MIXED"),
    xmp("multipart/report"), digest, xmp("multipart/signed"),
    xmp("multipart/x-"), xmp("multipart/"),
]


def nested(ob, ib, inner_close=True, outer_close=True):
    """Outer multipart (ob) holding text and an inner one (ib) with the
    attachment."""
    def st(m):
        ps = m.parts()
        inner_body = multipart(ib, [ps[1].render()], close=inner_close)
        ip = ("Content-Type: multipart/mixed; boundary=\"%s\"\n\n" % ib)\
            .encode() + inner_body
        m.top_params = ['boundary="%s"' % ob]
        return [m.top_ct()], multipart(ob, [ps[0].render(), ip],
                                       close=outer_close, pre=m.preamble)
    return st


def prefix(ob_fn, ib_fn):
    def v(m):
        b = m.boundary
        m.structure = nested(ob_fn(b), ib_fn(b))
    return v


def inner_first(m):
    """The inner multipart holds the attachment before the outer text."""
    b = m.boundary
    ib = b + "x"

    def st(m):
        ps = m.parts()
        ip = ("Content-Type: multipart/mixed; boundary=\"%s\"\n\n" % ib)\
            .encode() + multipart(ib, [ps[1].render(), ps[0].render()])
        return [m.top_ct()], multipart(b, [ip, ps[0].render()])
    m.structure = st


def message_clash(m):
    """An attached message whose multipart holds one that declares the
    outer boundary again: GMime and MIME-tools take its delimiters for the
    innermost multipart, and find the attachment after its close."""
    b, eb = m.boundary, "msg-" + m.boundary

    def st(m):
        ps = m.parts()
        inner = multipart(eb, [("Content-Type: multipart/mixed; "
                                "boundary=\"%s\"\n\n" % b).encode() +
                               multipart(b, [b"Content-Type: text/plain\n\n" +
                                             TEXT]), ps[1].render()])
        mp = ("Content-Type: message/rfc822\n\nFrom: Carol "
              "<carol@example.net>\nSubject: inner\nMIME-Version: 1.0\n"
              "Content-Type: multipart/mixed; boundary=\"%s\"\n\n" %
              eb).encode() + inner
        return [m.top_ct()], multipart(b, [ps[0].render(), mp],
                                       pre=m.preamble)
    m.structure = st


BPREFIX = [
    prefix(lambda b: b, lambda b: b + "x"),
    prefix(lambda b: b + "x", lambda b: b),
    prefix(lambda b: b, lambda b: b),
    prefix(lambda b: b, lambda b: "x" + b + "x"),
    prefix(lambda b: b, lambda b: b + "--"),
    prefix(lambda b: b, lambda b: b.upper()),
    prefix(lambda b: b + "--", lambda b: b),
    prefix(lambda b: b[:-1], lambda b: b),
    inner_first,
    message_clash,
]


def b64_with_line(line_fn, frac=0.5):
    """The attachment's base64 with a line inserted in its middle."""
    def v(m):
        def enc(m):
            ls = wrap(b64(m.payload), 40)
            k = max(1, int(len(ls) * frac))
            return "base64", ("\n".join(ls[:k] + [line_fn(m)] + ls[k:]) +
                              "\n").encode()
        m.encode = enc
    return v


def nested_with_line(line_fn):
    def v(m):
        b64_with_line(line_fn)(m)
        m.structure = nested(m.boundary, m.boundary + "-in")
    return v


BIN64 = [
    b64_with_line(lambda m: "--" + m.boundary),
    b64_with_line(lambda m: "--" + m.boundary + "--"),
    nested_with_line(lambda m: "--" + m.boundary),
    nested_with_line(lambda m: "--" + m.boundary + "--"),
    nested_with_line(lambda m: "--" + m.boundary + "-in"),
    b64_with_line(lambda m: "--" + m.boundary, 0.1),
    b64_with_line(lambda m: "--" + m.boundary + " junk"),
    b64_with_line(lambda m: "--" + m.boundary + "\n"),
]


def ends_outer(kind):
    def v(m):
        b, ib = m.boundary, m.boundary + "-in"

        def st(m):
            ps = m.parts()
            ih = ("Content-Type: multipart/mixed; boundary=\"%s\"\n\n" %
                  ib).encode()
            if kind == 0:
                # inner never closed; outer closes; the attachment follows
                # in the inner's framing after the outer close
                body = multipart(b, [ps[0].render(), ih + delim(ib) +
                                     TEXT], close=True)
                body += delim(ib) + ps[1].render() + b"\n" + delim(ib, "--")
            elif kind == 1:
                body = multipart(b, [ps[0].render(), ih + delim(ib) + TEXT +
                                     b"\n" + delim(b, "--") + delim(ib) +
                                     ps[1].render() + b"\n" +
                                     delim(ib, "--")], close=False)
            elif kind == 2:
                body = multipart(b, [ps[0].render(), ih + multipart(
                    ib, [TEXT], close=False)], close=True)
                body += b"\n" + delim(b) + ps[1].render() + b"\n" + \
                    delim(b, "--")
            else:
                body = multipart(b, [ps[0].render(), ih + delim(ib) +
                                     ps[1].render()], close=True)
            return [m.top_ct()], body
        m.structure = st
    return v


INNER_ENDS = [ends_outer(0), ends_outer(1), ends_outer(2), ends_outer(3),
              lambda m: (ends_outer(0)(m), setattr(
                  m.text, "body", TEXT + ("--%s--\n" % m.boundary).encode()))]


def close_variant(kind):
    def v(m):
        b = m.boundary

        def st(m):
            ps = [p.render() for p in m.parts()]
            if kind == "missing":
                body = multipart(b, ps, close=False)
            elif kind == "dup":
                body = multipart(b, ps[:1]) + delim(b) + ps[1] + b"\n" + \
                    delim(b, "--")
            elif kind == "before":
                body = multipart(b, ps[:1]) + b"epilogue\n" + delim(b) + \
                    ps[1] + b"\n"
            elif kind == "twice":
                body = multipart(b, ps[:1]) + delim(b, "--") + delim(b) + \
                    ps[1] + b"\n" + delim(b, "--")
            elif kind == "inner-missing":
                m2 = nested(b, b + "-in", inner_close=False,
                            outer_close=False)
                return m2(m)
            elif kind == "empty":
                # "--b" and at once "--b--": Python reads on
                body = m.preamble + delim(b) + delim(b, "--") + ps[1] + \
                    b"\n"
            elif kind == "mid":
                body = multipart(b, ps) + delim(b, "--")
            else:
                body = multipart(b, ps[:1] + [ps[1] + b"\n" +
                                              delim(b, "--")])
            return [m.top_ct()], body
        m.structure = st
    return v


CLOSE = [close_variant(k) for k in ("missing", "dup", "before", "twice",
                                    "inner-missing", "mid", "inside",
                                    "empty")]


def junk_delims(tail, close_tail="--"):
    def v(m):
        b = m.boundary

        def st(m):
            out = m.preamble
            for p in m.parts():
                out += delim(b, tail) + p.render() + b"\n"
            return [m.top_ct()], out + delim(b, close_tail)
        m.structure = st
    return v


def junk_before_att(tail):
    def v(m):
        b = m.boundary

        def st(m):
            ps = m.parts()
            out = m.preamble + delim(b) + ps[0].render() + b"\n" + \
                delim(b, tail) + ps[1].render() + b"\n" + delim(b, "--")
            return [m.top_ct()], out
        m.structure = st
    return v


BJUNK = [
    junk_before_att(" junk"), junk_before_att("junk"),
    junk_delims("   "), junk_delims("\t"),
    junk_delims("", "--junk"), junk_delims("", "--   "),
    junk_before_att("\r"), junk_before_att("--junk"),
    junk_delims(" ; comment"),
]


# ------------------------------------------------------------ the classes

CLASSES = [
    ("b64-tolerant", "enc", B64),
    ("qp-tolerant", "enc", QP),
    ("cte-values", "enc", CTE),
    ("dup-params", "name", DUP_PARAMS),
    ("name-and-name-star", "name", NAME_STAR),
    ("rfc2231", "name", RFC2231),
    ("rfc2047", "name", RFC2047),
    ("quoted-backslash", "name", QUOTING),
    ("unbalanced-quotes", "name", UNBALANCED),
    ("comments", "name", COMMENTS),
    ("dup-headers", "hdr", DUP_HEADERS),
    ("ws-before-colon", "hdr", WS_COLON),
    ("ws-media-type", "hdr", WS_MEDIA),
    ("ctl-in-headers", "hdr", CTL),
    ("odd-folding", "hdr", FOLD),
    ("ws-boundary", "struct", WS_BOUNDARY),
    ("x-multipart", "struct", XMULTI),
    ("boundary-prefix", "struct", BPREFIX),
    ("boundary-in-base64", "struct", BIN64),
    ("inner-ends-outer", "struct", INNER_ENDS),
    ("close-delimiters", "struct", CLOSE),
    ("boundary-junk", "struct", BJUNK),
]

ORDER = {"name": 0, "enc": 1, "hdr": 2, "struct": 3}


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: gen_tricks.py OUT_DIR\n")
        sys.exit(2)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rows, seq = [], 0

    def emit(cls, tricks, kind):
        nonlocal seq
        seq += 1
        name = NAMES[seq % len(NAMES)]
        m = Msg(name, kind, seq)
        for t in sorted(tricks, key=lambda t: ORDER[t[0]]):
            t[1](m)
        fn = "%04d-%s.eml" % (seq, cls.replace("pair:", "").replace("+", "_"))
        with open(os.path.join(out, fn), "wb") as f:
            f.write(m.render())
        rows.append((fn, cls, name, kind))

    for cls, layer, variants in CLASSES:
        for i, v in enumerate(variants):
            for kind in ("eicar", "zip"):
                emit(cls, [(layer, v)], kind)
    k = 0
    for i, (ca, la, va) in enumerate(CLASSES):
        for cb, lb, vb in CLASSES[i + 1:]:
            if la == lb:
                continue
            k += 1
            emit("pair:%s+%s" % (ca, cb), [(la, va[k % len(va)]),
                                           (lb, vb[(k * 7) % len(vb)])],
                 "eicar" if k % 2 else "zip")
    with open(os.path.join(out, "MANIFEST.tsv"), "w") as f:
        f.write("file\tclass\tname\tpayload\n")
        for r in rows:
            f.write("\t".join(r) + "\n")


if __name__ == "__main__":
    main()
