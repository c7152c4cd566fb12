"""``python -m bench.corpus --out DIR [--count N] [--seed S] [--classes pdf,scan-upright]``."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from bench.corpus.corpus import CLASSES, build


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.corpus", description="write the development corpus"
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count", type=int, default=300, help="invoices to draw")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--classes", default=",".join(CLASSES), help="comma-separated subset")
    args = parser.parse_args(argv)
    classes = tuple(c for c in args.classes.split(",") if c)
    unknown = set(classes) - set(CLASSES)
    if unknown:
        parser.error(f"unknown classes {sorted(unknown)}; have {', '.join(CLASSES)}")
    started = time.perf_counter()
    docs = build(args.out, seed=args.seed, count=args.count, classes=classes)
    seconds = time.perf_counter() - started
    by_class = Counter(d.cls for d in docs)
    counts = dict(sorted(by_class.items()))
    print(f"wrote {len(docs)} documents to {args.out} in {seconds:.1f} s: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
