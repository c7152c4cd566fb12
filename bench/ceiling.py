"""What two processes can gain over one on this machine, before any orchestration (issue 14).

Part of ``bench flows`` (``--ceiling yes``): on the same scanned pages as the Dask runs,

* bare tesseract (``OMP_THREAD_LIMIT=1``, the languages and page segmentation bilag
  uses) over every page in one stream, against two streams at once over the two halves:
  the hardware's ceiling for OCR;
* ``bilag process`` over the whole folder in one process, against two processes at once
  over the two halves on one workspace (one ledger): the ceiling bilag itself reaches,
  with its own preprocessing, second reads and ledger writes.

Each figure is wall time, with the CPU time of the processes (``getrusage`` of the
children) beside it: the CPU time says how much work there was, the wall time how
much of it ran at once.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["bilag_ceiling", "children_cpu", "halves", "page_images", "tesseract_ceiling"]

Command = list[str]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def streams(
    lanes: Sequence[Sequence[Command]], env: dict[str, str], cwd: Path
) -> tuple[float, float]:
    """Run each lane's commands one after the other, all lanes at once: (wall, CPU) seconds."""
    failures: list[str] = []

    def lane(commands: Sequence[Command]) -> None:
        for argv in commands:
            done = subprocess.run(argv, capture_output=True, env=env, cwd=cwd, check=False)
            if done.returncode not in (0, 1):  # bilag process exits 1 when a document failed
                failures.append(f"{argv[0]}: exit {done.returncode}: {done.stderr[-300:]!r}")

    cpu, started = children_cpu(), time.perf_counter()
    threads = [threading.Thread(target=lane, args=(commands,)) for commands in lanes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if failures:
        raise RuntimeError("; ".join(failures[:3]))
    return wall, children_cpu() - cpu


def halves(items: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """Every other item to each half, so both halves hold the same mix of page kinds."""
    return list(items[0::2]), list(items[1::2])


def page_images(scans: Path, root: Path) -> list[Path]:
    """Each scan as an image tesseract reads: a PDF's page rendered at 300 dpi, as bilag does."""
    import pypdfium2

    out = root / "tesseract-pages"
    out.mkdir()
    images = []
    for path in sorted(scans.iterdir()):
        if path.suffix.lower() != ".pdf":
            images.append(path)
            continue
        pdf = pypdfium2.PdfDocument(path.read_bytes())
        try:
            image = pdf[0].render(scale=300 / 72).to_pil()
        finally:
            pdf.close()
        target = out / f"{path.stem}.png"
        image.save(target)
        images.append(target)
    return images


def _ratio(one: tuple[float, float], two: tuple[float, float], what: str) -> dict[str, Any]:
    speedup = one[0] / two[0] if two[0] else None
    return {
        "what": what,
        "one": {"seconds": round(one[0], 2), "cpu": round(one[1], 2)},
        "two": {"seconds": round(two[0], 2), "cpu": round(two[1], 2)},
        "speedup": round(speedup, 3) if speedup else None,
    }


def tesseract_ceiling(
    images: Sequence[Path], env: dict[str, str], cwd: Path, load: Callable[[], str]
) -> dict[str, Any]:
    """Bare tesseract: all pages in one stream against the two halves at once."""
    if shutil.which("tesseract") is None:
        return {"what": "tesseract", "skipped": "tesseract is not installed"}

    def argv(image: Path) -> Command:
        return ["tesseract", str(image), "stdout", "-l", "nor+eng", "--psm", "11", "tsv"]

    commands = [argv(p) for p in images]
    before = load()
    one = streams([commands], env, cwd)
    two = streams(halves(commands), env, cwd)
    out = _ratio(one, two, f"bare tesseract, {len(images)} pages")
    out["load"] = f"{before}; after {load()}"
    return out


def bilag_ceiling(
    bilag: Path,
    home_of: Callable[[str], Path],
    scans: Path,
    env: dict[str, str],
    cwd: Path,
    load: Callable[[], str],
) -> dict[str, Any]:
    """``bilag process``: the folder in one process against two processes over its halves.

    ``home_of(name)`` gives a fresh copy of the benchmark's workspace; the two processes
    share one (one ledger, as two Dask workers do).
    """
    files = sorted(p for p in scans.iterdir() if p.is_file())
    first, second = halves(files)

    def argv(home: Path, paths: Sequence[Path]) -> Command:
        return [str(bilag), "process", "--home", str(home), *(str(p) for p in paths)]

    before = load()
    one = streams([[argv(home_of("ceiling-one"), files)]], env, cwd)
    home = home_of("ceiling-two")
    two = streams([[argv(home, first)], [argv(home, second)]], env, cwd)
    out = _ratio(one, two, f"bilag process, {len(files)} pages")
    out["load"] = f"{before}; after {load()}"
    return out
