#!/usr/bin/python3
# make-limit-cases.py - the golden cases at and one past each bound of
# issue 11's "no silent caps" review (tests/golden/mail/limit-*, ext-*).
# Each bound is set small with --set in NAME.args so the messages stay
# small; the shipped value is the same code path.  Deterministic: run it
# again and the files come out the same.
# Usage: /usr/bin/python3 tests/golden/make-limit-cases.py [OUT_DIR]
import base64
import os
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "mail")
ENV = "--from sender@example.org --rcpt user@dep.mass.example " \
    "--client 203.0.113.9"
MZ = base64.b64encode(b"MZ\x90\x00\x03\x00\x00\x00").decode()


def head(subject, mid, ctype='multipart/mixed; boundary="b0"'):
    return ("From: Sender <sender@example.org>\n"
            "To: user@dep.mass.example\n"
            "Subject: %s\n"
            "Date: Sun, 06 Dec 2026 10:00:00 +0000\n"
            "Message-ID: <%s@example.org>\n"
            "MIME-Version: 1.0\n"
            "Content-Type: %s\n\n" % (subject, mid, ctype))


def attach(headers, body=MZ, cte="base64"):
    return ("--b0\nContent-Type: text/plain\n\nPlease see the file.\n\n"
            "--b0\n%s\nContent-Transfer-Encoding: %s\n\n%s\n\n--b0--\n"
            % (headers, cte, body))


def write(name, text, args=""):
    with open(os.path.join(OUT, name + ".eml"), "w") as f:
        f.write(text)
    path = os.path.join(OUT, name + ".args")
    if args:
        with open(path, "w") as f:
            f.write(ENV + " " + args + "\n")
    elif os.path.exists(path):
        os.unlink(path)


# Every extension is read, whatever the count or length (the issue's
# example: only eight were kept, and a penultimate one over five
# characters hid a double extension).
write("ext-many-dots", head("Invoice", "ext-many") + attach(
    'Content-Type: application/octet-stream\n'
    'Content-Disposition: attachment; '
    'filename="invoice.1.2.3.4.5.6.7.abcdef.js"'))
write("ext-forty-dots", head("Report", "ext-forty") + attach(
    'Content-Type: application/octet-stream\n'
    'Content-Disposition: attachment; filename="report.%s.exe"'
    % ".".join(str(i) for i in range(1, 41))))
write("ext-double-long", head("Statement", "ext-dlong") + attach(
    'Content-Type: application/octet-stream\n'
    'Content-Disposition: attachment; '
    'filename="statement.quarterlyreport.scr"'))
# RFC 2047: no bound on words; the 600th carries the extension.
write("ext-rfc2047-many-words", head("Words", "ext-words") + attach(
    'Content-Type: application/octet-stream\n'
    'Content-Disposition: attachment;\n filename="%s=?utf-8?q?.exe?="'
    % "".join("=?utf-8?q?a?=\n " for _ in range(599))))

# limits.mime_params (4 here): the file name as the 4th parameter is
# read; as the 5th it would be dropped, so the message is held.
def params(n):
    return "".join('; x%d="v"' % i for i in range(1, n))


write("limit-params-at", head("Params", "params-at") + attach(
    'Content-Type: application/octet-stream\n'
    'Content-Disposition: attachment%s; filename="payload.exe"'
    % params(4)), "--set limits.mime_params=4")
write("limit-params-over", head("Params", "params-over") + attach(
    'Content-Type: application/octet-stream\n'
    'Content-Disposition: attachment%s; filename="payload.exe"'
    % params(5)), "--set limits.mime_params=4")

# limits.param_sections (3 here): name*0..*2 is read whole; a name in
# four sections would lose its last one (".exe"), so it is held.
def sections(parts):
    return "".join(';\n filename*%d="%s"' % (i, p)
                   for i, p in enumerate(parts))


write("limit-sections-at", head("Sections", "sections-at") + attach(
    'Content-Type: application/octet-stream\n'
    'Content-Disposition: attachment%s' % sections(["pay", "load", ".exe"])),
    "--set limits.param_sections=3")
write("limit-sections-over", head("Sections", "sections-over") + attach(
    'Content-Type: application/octet-stream\n'
    'Content-Disposition: attachment%s'
    % sections(["pay", "lo", "ad", ".exe"])),
    "--set limits.param_sections=3")

# limits.text_bytes (1024 here, the least allowed): 1024 bytes of text
# (as the milter gets them, CRLF line ends) are read whole; one more and
# content rules would miss the end.
def text_case(n):
    line = "x" * 62 + "\n"			# 64 bytes with CRLF
    body = line * (n // 64) + "y" * (n % 64)
    return head("Text", "text-%d" % n, "text/plain; charset=us-ascii") + body


write("limit-text-at", text_case(1024), "--set limits.text_bytes=1024")
write("limit-text-over", text_case(1025), "--set limits.text_bytes=1024")

# limits.regex_match_limit: a pattern that gives up cannot say no.
REGEX = head("You have won", "regex", "text/plain; charset=us-ascii") + \
    "Dear friend, you have been selected for a prize in our lottery.\n"
write("limit-regex-at", REGEX)
write("limit-regex-over", REGEX, "--set limits.regex_match_limit=1")

# limits.recipients (2 here).
RCPT = head("Minutes", "rcpt", "text/plain; charset=us-ascii") + \
    "The minutes of Tuesday's meeting.\n"
write("limit-recipients-at", RCPT,
      "--rcpt other@dep.mass.example --set limits.recipients=2")
write("limit-recipients-over", RCPT,
      "--rcpt other@dep.mass.example --rcpt third@dep.mass.example "
      "--set limits.recipients=2")


# Files in legacy encodings spend limits.archive_members (3 here): three
# uuencoded files are each read; a fourth is a limit.archive hit.
def uu(name):
    import binascii
    return "begin 644 %s\n%s`\nend\n" % (
        name, binascii.b2a_uu(b"harmless text %s\n" % name.encode())
        .decode())


def legacy_case(n):
    return head("Files", "legacy-%d" % n, "text/plain; charset=us-ascii") + \
        "Here are the files.\n\n" + \
        "\n".join(uu("notes%d.txt" % i) for i in range(1, n + 1))


write("limit-legacy-at", legacy_case(3), "--set limits.archive_members=3")
write("limit-legacy-over", legacy_case(4), "--set limits.archive_members=3")
