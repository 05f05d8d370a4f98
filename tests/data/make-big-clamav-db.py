#!/usr/bin/python3
"""make-big-clamav-db.py OUTDIR [--hdb N] [--ndb N] [--seed S]

Writes a realistically sized ClamAV signature database of made-up
signatures, for the reload test and benchmark (tests/milter/run-clamav-
reload.sh, tests/bench/reload_bench.sh): the official main.cvd and
daily.cvd hold about 4 million file-hash signatures and some 150,000
body and logical signatures, and it is their size that makes a rebuild
of the libclamav engine cost seconds of CPU and hundreds of MiB.

  OUTDIR/big.hdb   N MD5 hash signatures   (MD5:SIZE:NAME), default 4,000,000
  OUTDIR/big.ndb   N body signatures       (NAME:0:*:HEX),  default   150,000

Everything is pseudo-random from a fixed seed: the same arguments give
the same files, and no signature matches real data (a 1 in 2^128 or
2^160 chance).  Nothing is ever committed: the tests write to a temporary
folder.  4 million hashes take a few seconds and 260 MB.  Add the EICAR
signature with tests/data/make-clamav-db.sh OUTDIR."""
import os
import random
import sys


def main(argv):
    nhdb, nndb, seed, out = 4000000, 150000, 12, None
    args = list(argv[1:])
    while args:
        a = args.pop(0)
        try:
            if a == "--hdb":
                nhdb = int(args.pop(0))
            elif a == "--ndb":
                nndb = int(args.pop(0))
            elif a == "--seed":
                seed = int(args.pop(0))
            elif a.startswith("-") or out is not None:
                raise ValueError(a)
            else:
                out = a
        except (IndexError, ValueError):
            raise SystemExit(__doc__)
    if out is None or nhdb < 0 or nndb < 0:
        raise SystemExit(__doc__)
    os.makedirs(out, exist_ok=True)
    rnd = random.Random(seed)
    chunk = 100000
    with open(os.path.join(out, "big.hdb.tmp"), "w") as f:
        for base in range(0, nhdb, chunk):
            n = min(chunk, nhdb - base)
            raw = rnd.randbytes(16 * n).hex()
            f.write("".join("%s:%d:Msgsec.Test.Hash-%d\n" %
                            (raw[32 * i:32 * i + 32],
                             1024 + ((base + i) * 7919) % 1000000, base + i)
                            for i in range(n)))
    with open(os.path.join(out, "big.ndb.tmp"), "w") as f:
        for base in range(0, nndb, chunk):
            n = min(chunk, nndb - base)
            raw = rnd.randbytes(20 * n).hex()
            f.write("".join("Msgsec.Test.Body-%d:0:*:%s\n" %
                            (base + i, raw[40 * i:40 * i + 40])
                            for i in range(n)))
    # Renamed into place, as freshclam does: a reader never sees half a file.
    for name in ("big.hdb", "big.ndb"):
        os.replace(os.path.join(out, name + ".tmp"), os.path.join(out, name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
