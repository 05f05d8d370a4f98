#!/usr/bin/python3
"""tests/report/check_fit.py PNG - does the whole report fit the screenshot?

The page is drawn on a window taller than it should need: the rows below
the page must be the page background, and the last thing drawn must be
the footer's text on that background (not a panel cut off by the window's
edge).  Prints what it found; exits 1 when the page is cut."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_png  # noqa: E402

BG = bytes((0xF5, 0xF6, 0xF8))      # --bg
PANEL = bytes((0xFF, 0xFF, 0xFF))   # --panel


def main():
    w, h, bpp, rows = check_png.read_png(sys.argv[1])
    last = -1
    for y in range(h - 1, -1, -1):
        row = rows[y]
        if any(row[x:x + 3] != BG for x in range(0, w * bpp, bpp * 2)):
            last = y
            break
    print("window %dx%d, last row drawn %d" % (w, h, last))
    if last < 0:
        print("FAIL: nothing drawn")
        return 1
    if h - 1 - last < 40:
        print("FAIL: the page reaches the window's bottom edge: cut")
        return 1
    # The footer: text on the background, below the last panel.
    band = rows[max(0, last - 12):last + 1]
    white = sum(r[x:x + 3] == PANEL for r in band for x in range(0, w * bpp, bpp * 4))
    print("white panel pixels in the last text band: %d" % white)
    if white > 50:
        print("FAIL: the last thing drawn is a panel, not the footer")
        return 1
    print("the page fits, footer last")
    return 0


if __name__ == "__main__":
    sys.exit(main())
