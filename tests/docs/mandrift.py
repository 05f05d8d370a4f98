#!/usr/bin/python3
"""mandrift.py BINDIR - keep the option lists of the manual pages and of
each program's --help from drifting apart.  Prints ok/FAIL lines.

For each program P with a page docs/man/P.N:
  help options  the options `P --help` prints: every option in its usage
                lines (from "usage:" to the first blank line), in a
                "common:" line, and in the option column of indented lines
                that start with "-" (the text before the first run of two
                spaces: descriptions are not read, so "(tail -F)" is not
                taken for an option of P);
  page options  the options in the page's SYNOPSIS and in the tags (the
                line after .TP) of its OPTIONS section.
A program whose --help lists "commands:" (msgsec) also has each command
compared: `P CMD --help` against the page's subsection .SS CMD of
COMMANDS (its synopsis lines before the first .PP, and its .TP tags),
options common to every command counting on both sides.
Both differences fail: an option --help prints that the page does not
document, and one the page documents that --help no longer prints."""
import os
import re
import subprocess
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OPT = re.compile(r"(?<![\w\-])(--?[A-Za-z][A-Za-z0-9-]*)")
failed = 0


def report(name, ok, why=""):
    global failed
    if not ok:
        failed += 1
    print(("ok " if ok else "FAIL ") + "docs/" + name + ("" if ok else ": " + why), flush=True)


def help_text(cmd):
    r = subprocess.run(cmd + ["--help"], capture_output=True, text=True, timeout=30)
    return r.stdout + r.stderr


def help_options(text):
    opts = set()
    in_usage = False
    for ln in text.splitlines():
        s = ln.strip()
        if s.startswith("usage:"):
            in_usage = True
        elif not s:
            in_usage = False
        if in_usage or s.startswith("common:"):
            opts |= set(OPT.findall(s))
        elif s.startswith("-"):
            opts |= set(OPT.findall(re.split(r"\s{2,}", s)[0]))
    return opts


def commands(text):
    out = []
    on = False
    for ln in text.splitlines():
        if ln.strip().lower().startswith("commands:"):
            on = True
            continue
        if on:
            m = re.match(r"^\s+([a-z][a-z0-9-]*)\s+\S", ln)
            if not m:
                break
            out.append(m.group(1))
    return out


def unroff(s):
    s = re.sub(r"\\f[BIRP]|\\f\(..|\\f\[[^]]*\]", "", s)
    return s.replace("\\-", "-").replace("\\&", "").replace("\\e", "\\")


def page_sections(path):
    """{section: [(subsection, lines)]} of the page's source."""
    secs = {}
    sec, sub = None, None
    for ln in open(path, encoding="utf-8"):
        ln = ln.rstrip("\n")
        if ln.startswith(".SH"):
            sec, sub = ln[3:].strip().strip('"'), None
            secs.setdefault(sec, {}).setdefault(None, [])
            continue
        if ln.startswith(".SS") and sec is not None:
            sub = ln[3:].strip().strip('"')
            secs[sec].setdefault(sub, [])
            continue
        if sec is not None:
            secs[sec][sub].append(ln)
    return secs


def tag_options(lines, synopsis=False):
    opts = set()
    prev = ""
    head = synopsis
    for ln in lines:
        if ln.startswith((".PP", ".TP", ".SS")):
            head = False
        if head or prev.startswith(".TP"):
            opts |= set(OPT.findall(unroff(ln)))
        prev = ln
    return opts


def compare(name, helps, page):
    missing = helps - page
    stale = page - helps
    why = []
    if missing:
        why.append("in --help, not in the page: " + " ".join(sorted(missing)))
    if stale:
        why.append("in the page, not in --help: " + " ".join(sorted(stale)))
    report(name, not why, "; ".join(why))


def main():
    bindir = sys.argv[1]
    mandir = os.path.join(TOP, "docs", "man")
    for page in sorted(os.listdir(mandir)):
        m = re.match(r"^(msgsec[a-z-]*)\.([18])$", page)
        if not m:
            continue
        prog = m.group(1)
        exe = os.path.join(bindir, prog)
        if not os.access(exe, os.X_OK):
            report("options-" + prog, False, "no program " + exe)
            continue
        text = help_text([exe])
        secs = page_sections(os.path.join(mandir, page))
        page_opts = tag_options(secs.get("SYNOPSIS", {}).get(None, []), synopsis=True) | \
            tag_options(secs.get("OPTIONS", {}).get(None, []))
        main_help = help_options(text)
        compare("options-" + prog, main_help, page_opts)
        for cmd in commands(text):
            sub = secs.get("COMMANDS", {}).get(cmd)
            if sub is None:
                report("options-%s-%s" % (prog, cmd), False,
                       "no subsection .SS %s in COMMANDS of %s" % (cmd, page))
                continue
            ch = help_options(help_text([exe, cmd])) - {cmd}
            cp = tag_options(sub, synopsis=True)
            # Options every command takes count on both sides.
            compare("options-%s-%s" % (prog, cmd), ch | main_help, cp | page_opts)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
