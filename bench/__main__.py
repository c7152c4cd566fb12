"""Run the benchmarks: ``python -m bench`` runs all, ``python -m bench ehf ocr`` some.

Each ``bench/bench_<name>.py`` has a ``main(argv) -> int`` that prints its figures
(ratios against a baseline measured in the same run) and writes
``bench/out/<name>.json``.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from bilag.allocator import tune_allocator


def main(argv: list[str]) -> int:
    print(f"allocator: {tune_allocator()}")  # as the bilag command runs (bilag/allocator.py)
    here = Path(__file__).parent
    available = sorted(p.stem.removeprefix("bench_") for p in here.glob("bench_*.py"))
    wanted = [a for a in argv if not a.startswith("-")] or available
    unknown = [w for w in wanted if w not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; have: {', '.join(available)}")
        return 2
    status = 0
    for name in wanted:
        print(f"== bench {name}")
        module = importlib.import_module(f"bench.bench_{name}")
        status |= int(module.main([a for a in argv if a.startswith("-")]))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
