"""What ``bench extract`` and ``bench process`` share: the corpus on disk (generated once per
generator version and seed), ``bilag`` called in-process through its CLI, and matching
what it printed to the ground truth.

``bilag`` is used the way the contract describes (``bilag extract --home H --json PATH``),
in this process so the timing is the work, not interpreter start-up; nothing here imports
a parser.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).parent / "out"
GENERATOR = Path(__file__).parent / "corpus"

__all__ = ["Run", "ensure_corpus", "generator_fingerprint", "match_outputs", "run_bilag"]


def generator_fingerprint() -> str:
    """A hash of the generator's sources: a cached corpus is reused only when it matches."""
    digest = hashlib.sha256()
    for path in sorted(GENERATOR.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_corpus(
    seed: int, count: int, classes: tuple[str, ...], folder: Path | None = None
) -> Path:
    """The corpus for (seed, count, classes), generated unless a matching one is on disk."""
    from bench.corpus.corpus import build

    fingerprint = generator_fingerprint()
    folder = folder or OUT / f"corpus-s{seed}-n{count}"
    manifest = folder / "manifest.json"
    if manifest.exists():
        meta = json.loads(manifest.read_text(encoding="utf-8"))
        same = meta.get("fingerprint") == fingerprint and meta.get("classes") == sorted(classes)
        if same:
            return folder
    if folder.exists():
        shutil.rmtree(folder)
    started = time.perf_counter()
    build(folder, seed=seed, count=count, classes=classes)
    meta = json.loads(manifest.read_text(encoding="utf-8"))
    meta["fingerprint"] = fingerprint
    meta["generated_seconds"] = round(time.perf_counter() - started, 1)
    manifest.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"generated the corpus in {folder} ({meta['generated_seconds']} s)")
    return folder


@dataclass(frozen=True, slots=True)
class Run:
    """What one ``bilag`` command printed, and what it cost."""

    output: Any
    status: int
    stderr: str
    wall_s: float
    cpu_s: float  # this process and its finished children


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run_bilag(argv: list[str]) -> Run:
    """``bilag ARGV`` in this process; stdout parsed as JSON when it is JSON."""
    from bilag.cli import main as bilag_main

    out, err = io.StringIO(), io.StringIO()
    cpu0, wall0 = _cpu(), time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = bilag_main(argv)
    wall, cpu = time.perf_counter() - wall0, _cpu() - cpu0
    text = out.getvalue()
    try:
        output: Any = json.loads(text) if text.strip() else None
    except json.JSONDecodeError:
        output = text
    return Run(output, status, err.getvalue(), wall, cpu)


def _tail(source: str) -> str:
    """The innermost part of a contract ``source`` (``mail.eml#a.zip#b.pdf`` -> ``b.pdf``)."""
    return Path(source.rsplit("#", 1)[-1]).name


@dataclass(slots=True)
class Matched:
    """The truths of one document with the output each was matched to (None: not found)."""

    pairs: list[tuple[dict[str, Any], dict[str, Any] | None]] = field(default_factory=list)
    phantoms: list[dict[str, Any]] = field(default_factory=list)  # invoices that are not there


def match_outputs(truths: list[dict[str, Any]], outputs: list[dict[str, Any]]) -> Matched:
    """Pair each truth with an output of the same document: by the innermost source name
    first; a truth left over takes the one invoice left over, if exactly one is."""
    result = Matched()
    left = list(outputs)
    pending: list[dict[str, Any]] = []
    for t in truths:
        found = next((o for o in left if _tail(o.get("source") or "") == _tail(t["source"])), None)
        if found is None:
            pending.append(t)
            continue
        left.remove(found)
        result.pairs.append((t, found))
    invoices_left = [o for o in left if o.get("document_type") is not None]
    for t in pending:
        if t.get("document_type") is not None and len(invoices_left) == 1 and len(pending) == 1:
            result.pairs.append((t, invoices_left.pop()))
        else:
            result.pairs.append((t, None))
    wanted = {_tail(t["source"]) for t in truths if t.get("document_type") is None}
    result.phantoms = [o for o in invoices_left if _tail(o.get("source") or "") not in wanted]
    return result


def outputs_by_file(objects: list[dict[str, Any]], folder: Path) -> dict[str, list[dict[str, Any]]]:
    """Contract objects grouped by the top-level file they came from (a name in ``folder``)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for obj in objects:
        top = (obj.get("source") or "").split("#", 1)[0]
        grouped.setdefault(Path(top).name, []).append(obj)
    return grouped
