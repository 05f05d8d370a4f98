#!/usr/bin/python3
"""make-yaml5.py MSGSEC [--check]

Writes docs/man/msgsec.yaml.5 from docs/man/msgsec.yaml.5.in, filling in
@SETTINGS@, @FIELDS@ and @CHECKS@ from `MSGSEC check --list-settings`,
`--list-fields` and `--list-checks`, and @INSTALLED@ with
packaging/msgsec.yaml.  With --check, compares instead of writing and
exits 1 when the committed page differs (a key, field or check was added,
removed or changed without regenerating the page).  A line of those lists
that does not parse is an error, never a silent omission."""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def esc(s):
    s = s.replace("\\", "\\e").replace("-", "\\-")
    return s


def line(s):
    s = esc(s)
    return "\\&" + s if s.startswith((".", "'")) else s


def listing(msgsec, what):
    out = subprocess.run([msgsec, "check", "--list-" + what], capture_output=True,
                         text=True, check=True).stdout
    return [ln for ln in out.splitlines() if ln.strip()]


def settings(msgsec):
    rows = []
    for ln in listing(msgsec, "settings"):
        m = re.match(r"^(\S+)\s+(.*?)\s{2,}(\S.*)$", ln)
        if not m or "." not in m.group(1):
            raise SystemExit("cannot parse setting line: %r" % ln)
        rows.append(m.groups())
    out = []
    section = None
    for key, default, what in rows:
        sec = key.split(".")[0]
        if sec != section:
            out.append(".SS %s" % sec)
            section = sec
        out.append(".TP")
        out.append("\\fB%s\\fR (default: \\fI%s\\fR)" % (esc(key), esc(default)))
        out.append(line(what[0].upper() + what[1:] + ("" if what.endswith(".") else ".")))
    return out, len(rows)


def fields(msgsec):
    out = []
    for ln in listing(msgsec, "fields"):
        m = re.match(r"^(\S+)\s+(mail|network|both)\s+(\S.*)$", ln)
        if not m:
            raise SystemExit("cannot parse field line: %r" % ln)
        out += [".TP", "\\fB%s\\fR (%s)" % (esc(m.group(1)), m.group(2)), line(m.group(3))]
    return out


def checks(msgsec):
    out = []
    for ln in listing(msgsec, "checks"):
        m = re.match(r"^(\S+)\s+(mail|network|both)\s+(\S+)\s+(\S.*)$", ln)
        if not m:
            raise SystemExit("cannot parse check line: %r" % ln)
        out += [".TP", "\\fB%s\\fR (%s, clause %s)" % (esc(m.group(1)), m.group(2),
                                                     m.group(3)), line(m.group(4))]
    return out


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    msgsec = sys.argv[1]
    check = "--check" in sys.argv[2:]
    with open(os.path.join(HERE, "msgsec.yaml.5.in")) as f:
        page = f.read()
    with open(os.path.join(TOP, "packaging", "msgsec.yaml")) as f:
        installed = [line(ln) if ln else "" for ln in f.read().splitlines()]
    s, n = settings(msgsec)
    page = page.replace("@SETTINGS@\n", "\n".join(s) + "\n")
    page = page.replace("@FIELDS@\n", "\n".join(fields(msgsec)) + "\n")
    page = page.replace("@CHECKS@\n", "\n".join(checks(msgsec)) + "\n")
    page = page.replace("@INSTALLED@\n", "\n".join(installed) + "\n")
    page = "\n".join(ln for ln in page.splitlines()
                     if not ln.startswith(".\\\" Edit the .in")) + "\n"
    target = os.path.join(HERE, "msgsec.yaml.5")
    if check:
        old = open(target).read() if os.path.exists(target) else ""
        if old != page:
            sys.stderr.write("docs/man/msgsec.yaml.5 is out of date: run "
                             "docs/man/make-yaml5.py %s\n" % msgsec)
            return 1
        print("msgsec.yaml.5: %d settings, up to date" % n)
        return 0
    with open(target, "w") as f:
        f.write(page)
    print("wrote %s (%d settings)" % (target, n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
