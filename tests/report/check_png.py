#!/usr/bin/python3
"""tests/report/check_png.py PNG - did the report's charts draw?

Reads Chromium's screenshot with zlib and struct only (no PIL), then checks
that the per-day chart's clause colours and the top lists' bar colour are
painted, where they belong: the stacked bars as columns above the top
lists' horizontal bars, several colours stacked in the same columns.
Prints what it found; exits 1 when a chart did not draw."""
import struct
import sys
import zlib

# The report's colours (admin/cmd_report.c, svg.c: Okabe-Ito).
CLAUSES = {
    "1.1": (0x00, 0x72, 0xB2),
    "1.2": (0xE6, 0x9F, 0x00),
    "1.3": (0x00, 0x9E, 0x73),
    "1.4": (0xCC, 0x79, 0xA7),
    "3.1": (0xD5, 0x5E, 0x00),
    "3.2": (0x56, 0xB4, 0xE9),
}
BAR = (0x00, 0x72, 0xB2)


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit("not a PNG")
    pos, idat = 8, []
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + n
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise SystemExit("unsupported PNG: depth %d colour type %d" % (depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            line = bytearray(bytes(map(lambda a, b: (a + b) & 255, line, prev)))
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                if pa <= pb and pa <= pc:
                    pr = a
                elif pb <= pc:
                    pr = b
                else:
                    pr = c
                line[i] = (line[i] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def main():
    w, h, bpp, rows = read_png(sys.argv[1])
    want = {k: bytes(v) for k, v in CLAUSES.items()}
    # Where each colour is painted: per colour, the set of x columns and
    # the y range, with a count.
    found = {k: [0, h, -1, set()] for k in want}
    bar_rows = {}
    for y, row in enumerate(rows):
        for k, rgb in want.items():
            start = 0
            while True:
                i = row.find(rgb, start)
                if i < 0:
                    break
                if i % bpp == 0:
                    f = found[k]
                    f[0] += 1
                    f[1] = min(f[1], y)
                    f[2] = max(f[2], y)
                    f[3].add(i // bpp // 8)
                start = i + 1
    ok = True
    drawn = [k for k, f in found.items() if f[0] >= 200]
    for k, f in sorted(found.items()):
        print("clause %s colour: %d px, rows %d-%d" % (k, f[0], f[1], f[2]))
    if len(drawn) < 4:
        print("FAIL: the per-day chart shows %d clause colours (want 4+)" % len(drawn))
        ok = False
    # Stacked: the clause colours share columns.
    shared = None
    for k in drawn:
        if k == "1.1":
            continue
        shared = found[k][3] if shared is None else shared & found[k][3]
    if not shared or len(shared) < 10:
        print("FAIL: clause colours are not stacked in the same columns")
        ok = False
    # The top lists: long horizontal runs of the bar colour below the
    # stacked chart (which ends where clause 1.2's colour ends).
    chart_bottom = max(found[k][2] for k in drawn if k != "1.1") if drawn else 0
    run = bytes(BAR) * 1 if bpp == 3 else None
    hbar_rows = 0
    for y in range(chart_bottom + 1, h):
        row = rows[y]
        best = cur = 0
        for x in range(0, w * bpp, bpp * 2):
            if row[x:x + 3] == bytes(BAR):
                cur += 2
                best = max(best, cur)
            else:
                cur = 0
        if best >= 100:
            hbar_rows += 1
    print("rows with a horizontal bar below the per-day chart: %d" % hbar_rows)
    if hbar_rows < 100:
        print("FAIL: the top-list bar charts did not draw")
        ok = False
    print("charts drew" if ok else "charts missing")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
