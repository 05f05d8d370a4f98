#!/usr/bin/python3
# juror_python.py FILE... - two jurors of the reader jury (issue 11):
# Python's email package with its default policy ("python-default") and
# with compat32 ("python-compat32"), as a program built on it reads a
# message.  For every leaf part it prints one JSON line:
#   {"juror":..,"file":..,"type":..,"declared":..,"names":[..],
#    "sha256":..,"sha256n":..,"size":..[,"undecoded":true]}
# declared: the Content-Type field as given (null if none).  "piece": a
# block of a message/delivery-status part, which Python splits into blocks
# of fields, each a message (text after a line that is no field is its
# body): a piece of the part, not a part.
# names: every name the part carries (get_filename(), the Content-Type
# name and the Content-Disposition filename), RFC 2047 words decoded as a
# reader shows them; sha256 of the bytes get_payload(decode=True) hands
# back, sha256n of the same with CRLF as LF and trailing white space
# dropped.  "undecoded": the bytes are the encoded text as is, because
# Python could not decode the base64 at all (bpo-27397), or because the
# field's value has white space around a token Python knows ("base64 ",
# a folded value), which get_payload() compares untrimmed, or because the
# part lies in a message/rfc822 part in base64 or quoted-printable, whose
# encoded text Python parses as the message: a reader saving it saves the
# encoded text, not the file.
#
# The message is read as a mail store keeps it: a leading mbox "From "
# line dropped, CRLF as LF.  An argument "@LIST" reads file names from
# LIST, one a line.
import re
import email
import email.errors
import email.header
import email.policy
import email.utils
import hashlib
import json
import sys

# The encodings get_payload(decode=True) decodes, compared as it
# compares them: the field's value lowercased, white space kept.
KNOWN_CTE = {"base64", "quoted-printable", "x-uuencode", "uuencode", "uue",
             "x-uue"}

POLICIES = [("python-default", email.policy.default),
            ("python-compat32", email.policy.compat32)]


def stored(data):
    if data.startswith(b"From "):
        nl = data.find(b"\n")
        data = data[nl + 1:] if nl >= 0 else b""
    return data.replace(b"\r\n", b"\n")


def norm(b):
    return re.sub(rb"\r+\n", b"\n", b).rstrip(b"\r\n \t")


def decode_words(s):
    if "=?" not in s:
        return s
    try:
        return str(email.header.make_header(email.header.decode_header(s)))
    except Exception:
        return s


def as_text(v):
    if v is None:
        return None
    if isinstance(v, tuple):
        v = email.utils.collapse_rfc2231_value(v)
    if not isinstance(v, str):
        v = str(v)
    return v


def names_of(part):
    out = []
    getters = [
        lambda: part.get_filename(),
        lambda: part.get_param("name"),
        lambda: part.get_param("filename", header="content-disposition"),
    ]
    for get in getters:
        try:
            v = as_text(get())
        except Exception:
            continue
        if v is None or v.strip() == "":
            continue
        v = decode_words(v)
        if v not in out:
            out.append(v)
    return out


ENCODED = {"base64", "quoted-printable", "x-uuencode", "uuencode", "uue",
           "x-uue"}


def leaves(msg, encoded=False, dsn=False):
    """Leaf parts; whether they lie in a message/* part whose transfer
    encoding Python did not undo (it parses the encoded text); whether
    they are blocks of a message/delivery-status part."""
    if not msg.is_multipart():
        yield msg, encoded, dsn
        return
    if msg.get_content_maintype() == "message":
        cte = str(msg.get("content-transfer-encoding", "")).strip().lower()
        encoded = encoded or cte in ENCODED
    dsn = dsn or msg.get_content_type() == "message/delivery-status"
    for sub in msg.get_payload():
        yield from leaves(sub, encoded, dsn)


def judge(path, jname, policy, out):
    with open(path, "rb") as f:
        data = stored(f.read())
    try:
        msg = email.message_from_bytes(data, policy=policy)
    except Exception as e:
        out.write(json.dumps({"juror": jname, "file": path,
                              "error": repr(e)}) + "\n")
        return
    for part, encoded, dsn in leaves(msg):
        try:
            ctype = part.get_content_type()
        except Exception:
            ctype = "text/plain"
        names = names_of(part)
        try:
            body = part.get_payload(decode=True)
        except Exception:
            body = None
        if body is None:
            body = b""
        if isinstance(body, str):
            body = body.encode("utf-8", "surrogateescape")
        declared = part.get("content-type")
        rec = {"juror": jname, "file": path, "type": ctype,
               "declared": None if declared is None else str(declared),
               "names": names,
               "sha256": hashlib.sha256(body).hexdigest(),
               "sha256n": hashlib.sha256(norm(body)).hexdigest(),
               "size": len(body)}
        if any(isinstance(d, email.errors.InvalidBase64LengthDefect)
               for d in part.defects):
            rec["undecoded"] = True
        cte = str(part.get("content-transfer-encoding", "")).lower()
        if cte not in KNOWN_CTE and cte.strip(" \t\r\n") in KNOWN_CTE:
            rec["undecoded"] = True
        if encoded:
            rec["undecoded"] = True
        if dsn:
            rec["piece"] = True
        out.write(json.dumps(rec) + "\n")


def files(args):
    for a in args:
        if a.startswith("@"):
            with open(a[1:]) as f:
                for line in f:
                    line = line.rstrip("\n")
                    if line:
                        yield line
        else:
            yield a


def main():
    out = sys.stdout
    for path in files(sys.argv[1:]):
        for jname, policy in POLICIES:
            judge(path, jname, policy, out)


if __name__ == "__main__":
    main()
