"""The flows against ``bilag process`` on the same documents, in the same run (issue 14).

    .venv/bin/python -m bench flows                       # 1,000 EHF, 200 scanned pages, Dask
    .venv/bin/python -m bench flows --ehf 200 --pages 40  # shorter
    .venv/bin/python -m bench flows --big 5000            # also 5,000 EHF (no 503, memory)
    .venv/bin/python -m bench flows --ehf 0 --pages 200   # the scan goals only (issue 14)

Each measurement gets a fresh copy of one workspace (a learnt coder and the sample
approval policy, so EHF invoices are posted), runs as its own process and is timed from
outside; the flow's summary says how long its body took, so Prefect's fixed start-up
(imports, the temporary server, the flow run's creation) is reported on its own line:

* ``ehf``: N distinct EHF invoices: ``bilag process FOLDER`` against ``python -m flows
  intake`` over a drop folder holding them; ratio = the flow's body / ``bilag process``;
* ``scans``: scanned pages (sample scans with a comment appended, so each copy is new
  bytes and is read by OCR again), the same two;
* ``ceiling`` (``--ceiling yes``): on the same scans, bare tesseract and ``bilag process``
  in one process against two at once over the two halves (:mod:`bench.ceiling`): what
  this machine and bilag itself allow the Dask runs;
* ``dask``: the scans through ``intake`` on a local Dask cluster of 1 and of 2 worker
  processes; ratio = 1 worker / 2 workers, each without the cluster's start-up; beside it
  where the 2-worker run lost time: each worker's busy share of the run, its start and its
  idle tail, and the CPU of the flow's process (Dask's scheduler, Prefect's client) and
  of the temporary Prefect server;
* ``big`` (``--big N``): N EHF through ``intake`` on the embedded defaults (SQLite
  ledger, temporary Prefect server): whether the run completed, and the peak memory of
  the flow's process tree (sampled every 0.2 s).

The load average is printed beside every figure: this machine is shared. Writes
``bench/out/flows.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench import ceiling

OUT = Path(__file__).parent / "out"
REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCANS = (
    "faktura-skannet.pdf",
    "faktura-skjev.png",
    "faktura-rotert-90.png",
    "kreditnota-150dpi.png",
)
CONFIG = '[sources.drop]\nkind = "folder"\npath = "inbox"\nsettle_seconds = 0\n'


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} on {os.cpu_count()} cores"


def template(root: Path) -> Path:
    """The workspace every measurement copies: config, policy, a learnt coder."""
    from tests.fixtures.posting_workspace import posting_workspace

    home = posting_workspace(root / "template", CONFIG)
    learnt = subprocess.run(
        [str(BIN / "bilag"), "learn", "--home", str(home), str(home / "history.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    if learnt.returncode != 0:
        raise RuntimeError(learnt.stderr)
    return home


def ehf_folder(root: Path, count: int) -> Path:
    from tests.fixtures.posting_workspace import invoices

    folder = root / f"ehf-{count}"
    folder.mkdir(parents=True)
    for name, content in invoices(count):
        (folder / name).write_bytes(content)
    return folder


def scan_folder(root: Path, pages: int) -> Path:
    """``pages`` one-page scans, each with distinct bytes (a comment after the data)."""
    folder = root / f"scans-{pages}"
    folder.mkdir(parents=True)
    for i in range(pages):
        name = SCANS[i % len(SCANS)]
        content = (REPO / "sample_documents" / "scans" / name).read_bytes()
        stem, suffix = name.rsplit(".", 1)
        (folder / f"{stem}-{i:04d}.{suffix}").write_bytes(content + f"\n%copy {i}\n".encode())
    return folder


def _fresh(template_home: Path, root: Path, name: str, docs: Path | None) -> Path:
    home = root / name
    shutil.copytree(template_home, home)
    if docs is not None:
        shutil.copytree(docs, home / "inbox")
        old = time.time() - 60
        for p in (home / "inbox").iterdir():
            os.utime(p, (old, old))
    return home


class Peak:
    """The peak resident memory of a process and its children, sampled in a thread;
    and the last CPU time seen of each of them (its finished children's included)."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.process, self.peak_self, self.peak_tree = psutil.Process(pid), 0, 0
        self.cpu: dict[int, tuple[str, float]] = {}
        self.timeline: list[tuple[float, dict[str, float]]] = []  # (epoch, CPU by kind so far)
        self.tree_cpu = 0.0  # the whole tree's, from getrusage once it has ended
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import psutil

        while not self.stop.wait(0.2):
            try:
                own = self.process.memory_info().rss
                children = self.process.children(recursive=True)
                tree = own + sum(c.memory_info().rss for c in children)
                for p in (self.process, *children):
                    self._cpu(p)
            except psutil.Error:
                continue
            self.timeline.append((time.time(), self.cpu_by_kind()))
            self.peak_self, self.peak_tree = max(self.peak_self, own), max(self.peak_tree, tree)

    def _cpu(self, p: Any) -> None:
        if p.pid not in self.cpu:
            line = " ".join(p.cmdline())
            kind = "flow" if p.pid == self.process.pid else _kind(line)
        else:
            kind = self.cpu[p.pid][0]
        t = p.cpu_times()
        # a worker's tesseracts count to it; the flow's children are counted on their own
        children = 0.0 if kind == "flow" else t.children_user + t.children_system
        self.cpu[p.pid] = (kind, t.user + t.system + children)

    def cpu_by_kind(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for kind, seconds in self.cpu.values():
            if kind != "tesseract":  # counted in its parent's children's time
                out[kind] = round(out.get(kind, 0.0) + seconds, 2)
        return out

    def cpu_between(self, start: float, end: float) -> dict[str, float]:
        """CPU seconds by kind of process between two moments (epoch seconds)."""

        def at(moment: float) -> dict[str, float]:
            seen = [by_kind for when, by_kind in self.timeline if when <= moment]
            return seen[-1] if seen else {}

        first, last = at(start), at(end)
        return {kind: round(last[kind] - first.get(kind, 0.0), 2) for kind in last}

    def done(self) -> None:
        self.stop.set()
        self.thread.join()


def _kind(cmdline: str) -> str:
    if "tesseract" in cmdline:
        return "tesseract"
    if "prefect" in cmdline and ("server" in cmdline or "uvicorn" in cmdline):
        return "prefect server"
    if "multiprocessing" in cmdline or "distributed" in cmdline:
        return "dask workers"
    return "other"


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, str, int, Peak]:
    started, cpu = time.perf_counter(), ceiling.children_cpu()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, env=env, cwd=REPO)
        peak = Peak(child.pid)
        code = child.wait()
        wall = time.perf_counter() - started
        peak.done()
        peak.tree_cpu = ceiling.children_cpu() - cpu
        out.seek(0)
        return wall, out.read().decode("utf-8", "replace"), code, peak


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BILAG_"))}
    env["OMP_THREAD_LIMIT"] = "1"  # one tesseract thread per process (MACHINE-NOTES)
    return env


def process_run(home: Path, docs: Path) -> dict[str, Any]:
    load = _load()
    argv = [str(BIN / "bilag"), "process", "--home", str(home), "--json", str(docs)]
    wall, out, code, peak = _timed(argv, _env())
    mem, _ = peak.peak_self / 2**20, peak.peak_tree
    results = json.loads(out) if out.strip() else []
    posted = sum(1 for r in results if r["status"] == "posted")
    return {
        "seconds": round(wall, 2),
        "exit": code,
        "cpu": round(peak.tree_cpu, 2),
        "results": len(results),
        "posted": posted,
        "peak_mb": round(mem),
        "load": load,
    }


def intake_run(home: Path, *flags: str) -> dict[str, Any]:
    load = _load()
    argv = [sys.executable, "-m", "flows", "intake", "--home", str(home), *flags]
    wall, out, code, peak = _timed(argv, _env())
    mem, tree = peak.peak_self / 2**20, peak.peak_tree / 2**20
    summary = json.loads(out) if out.strip().startswith("{") else {}
    body = float(summary.get("seconds", wall))
    stages = summary.get("stages", {})
    runner = float(stages.get("start the task runner", 0.0))
    statuses: dict[str, int] = {}
    for s in summary.get("sources", []):
        for status, n in s["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    return {
        "seconds": round(wall, 2),
        "body": round(body, 2),
        "startup": round(wall - body, 2),
        "runner_start": round(runner, 2),
        "exit": code,
        "statuses": statuses,
        "peak_mb": round(mem),
        "tree_peak_mb": round(tree),
        "tree_cpu": round(peak.tree_cpu, 2),
        "cpu": peak.cpu_by_kind(),  # sampled every 0.2 s: the last 0.2 s may be missing
        # from the moment the task runner was up to the end of the flow's body
        "cpu_at_work": peak.cpu_between(
            float(summary.get("started_at", 0.0)) + runner,
            float(summary.get("started_at", 0.0)) + body,
        ),
        "stages": stages,
        "flow_cpu": summary.get("flow_cpu"),
        "workers": summary.get("workers", {}),
        "load": load,
    }


def fixed_costs(template_home: Path, root: Path) -> dict[str, Any]:
    """Both commands on an empty folder: start-up, imports, a new ledger; and Prefect's part."""
    empty = root / "empty"
    empty.mkdir()
    base = process_run(_fresh(template_home, root, "empty-process", None), empty)
    flow = intake_run(_fresh(template_home, root, "empty-flow", empty))
    prefect = flow["seconds"] - base["seconds"]
    print(
        f"fixed: bilag process on nothing {base['seconds']:.1f} s, the intake flow on nothing "
        f"{flow['seconds']:.1f} s ({flow['load']})"
    )
    print(f"Prefect's fixed start-up: {prefect:.1f} s (the difference; not in the ratios below)")
    return {"process": base, "flow": flow, "prefect_startup": round(prefect, 2)}


def compare(
    name: str, template_home: Path, root: Path, docs: Path, chunk: int, fixed: dict[str, Any]
) -> dict[str, Any]:
    """Both on the same documents; the ratio of their time beyond each one's fixed cost."""
    base = process_run(_fresh(template_home, root, f"{name}-process", None), docs)
    flow = intake_run(_fresh(template_home, root, f"{name}-flow", docs), "--chunk-size", str(chunk))
    base_work = base["seconds"] - fixed["process"]["seconds"]
    flow_work = flow["seconds"] - fixed["flow"]["seconds"]
    ratio = flow_work / base_work if base_work > 0 else None
    print(
        f"{name}: bilag process {base['seconds']:.1f} s ({base['results']} results, "
        f"{base['posted']} posted; {base['load']})"
    )
    print(
        f"{name}: intake flow {flow['seconds']:.1f} s, its body {flow['body']:.1f} s "
        f"({flow['statuses']}; {flow['load']})"
    )
    print(
        f"{name}: beyond the fixed costs: flow {flow_work:.1f} s / process {base_work:.1f} s"
        + (f" = {ratio:.2f}x" if ratio else "")
    )
    return {"process": base, "flow": flow, "ratio": round(ratio, 3) if ratio else None}


def dask(template_home: Path, root: Path, docs: Path, chunk: int) -> dict[str, Any]:
    runs = {}
    for workers in (1, 2):
        home = _fresh(template_home, root, f"dask-{workers}", docs)
        runs[workers] = intake_run(home, "--chunk-size", str(chunk), "--dask-workers", str(workers))
    work = {w: r["body"] - r["runner_start"] for w, r in runs.items()}
    speedup = work[1] / work[2] if work[2] else None
    print(
        f"dask: 1 worker {work[1]:.1f} s ({runs[1]['load']}), 2 workers {work[2]:.1f} s "
        f"({runs[2]['load']}) -> {speedup:.2f}x; cluster start-up {runs[2]['runner_start']:.1f} s"
    )
    whole = runs[1]["body"] / runs[2]["body"] if runs[2]["body"] else None
    if whole:
        print(f"dask: with the cluster's start-up, flow bodies {whole:.2f}x")
    for w, run in runs.items():
        run["where"] = where_time_went(run)
        print(f"dask, {w} worker(s): {run['where']['line']}")
    return {
        "runs": runs,
        "speedup": round(speedup, 3) if speedup else None,
        "speedup_with_startup": round(whole, 3) if whole else None,
    }


def where_time_went(run: dict[str, Any]) -> dict[str, Any]:
    """Each worker's share of the run after the cluster started: busy, before its first
    chunk, between chunks, idle at the end; and the CPU of the processes beside them."""
    begin, end = run["runner_start"], run["body"]
    window = max(end - begin, 1e-9)
    workers = []
    for name, w in sorted(run["workers"].items()):
        span = w["last"] - w["first"]
        workers.append(
            {
                "worker": name,
                "chunks": w["chunks"],
                "busy": round(w["busy"] / window, 3),
                "setup": round(w["setup"], 2),
                "before_first": round(w["first"] - begin, 2),
                "between_chunks": round(span - w["busy"], 2),
                "idle_at_end": round(end - w["last"], 2),
                "cpu": w["cpu"],
            }
        )
    cpu = dict(run["cpu_at_work"])
    in_chunks = sum(x["cpu"] for x in workers)
    line = "; ".join(
        f"worker {i + 1}: {x['chunks']} chunks, busy {100 * x['busy']:.0f} % of {window:.1f} s "
        f"(set-up {x['setup']:.1f} s), {x['before_first']:.1f} s before its first chunk, "
        f"{x['between_chunks']:.1f} s between chunks, {x['idle_at_end']:.1f} s idle at the end, "
        f"CPU {x['cpu']:.1f} s"
        for i, x in enumerate(workers)
    )
    line += (
        f"; CPU meanwhile: the flow's process {cpu.get('flow', 0.0):.1f} s, the Prefect "
        f"server(s) {cpu.get('prefect server', 0.0):.1f} s, the Dask worker processes "
        f"{cpu.get('dask workers', 0.0):.1f} s (their chunks {in_chunks:.1f} s)"
    )
    return {"workers": workers, "cpu": cpu, "line": line}


def ceilings(template_home: Path, root: Path, scans: Path) -> dict[str, Any]:
    """What 2 processes gain over 1 here without Prefect or Dask (bench/ceiling.py)."""
    images = ceiling.page_images(scans, root)
    bare = ceiling.tesseract_ceiling(images, _env(), REPO, _load)
    own = ceiling.bilag_ceiling(
        BIN / "bilag",
        lambda name: _fresh(template_home, root, name, None),
        scans,
        _env(),
        REPO,
        _load,
    )
    for c in (bare, own):
        if "skipped" in c:
            print(f"ceiling: {c['what']}: skipped, {c['skipped']}")
            continue
        print(
            f"ceiling: {c['what']}: 1 process {c['one']['seconds']:.1f} s "
            f"(CPU {c['one']['cpu']:.1f} s), 2 at once {c['two']['seconds']:.1f} s "
            f"(CPU {c['two']['cpu']:.1f} s) "
            f"-> {c['speedup']:.2f}x ({c['load']})"
        )
    return {"tesseract": bare, "bilag_process": own}


def big(template_home: Path, root: Path, count: int) -> dict[str, Any]:
    docs = ehf_folder(root / "big-docs", count)
    run = intake_run(_fresh(template_home, root, "big", docs), "--chunk-size", "50")
    print(
        f"big: {count} EHF through intake: exit {run['exit']} in {run['seconds']:.0f} s, "
        f"statuses {run['statuses']}; peak memory {run['peak_mb']} MB (flow process), "
        f"{run['tree_peak_mb']} MB with its children ({run['load']})"
    )
    return run


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="bench flows", description=__doc__.splitlines()[0])
    ap.add_argument("--ehf", type=int, default=1000)
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--dask", choices=("yes", "no"), default="yes")
    ap.add_argument("--ceiling", choices=("yes", "no"), default="yes")
    ap.add_argument("--ceiling-pages", type=int, default=0, help="default: --pages")
    ap.add_argument("--big", type=int, default=0, help="also N EHF for failures and memory")
    ap.add_argument("--chunk-size", type=int, default=50)
    ap.add_argument("--scan-chunk-size", type=int, default=4)
    ap.add_argument("--out", type=Path, default=OUT / "flows.json")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO))  # tests.fixtures builds the documents
    figures: dict[str, Any] = {"cores": os.cpu_count(), "load_at_start": _load()}
    if os.getloadavg()[0] > 1.5:  # docs/flows.md: the kernel shares CPU out per session
        print(
            f"warning: {_load()}: other sessions take their share of the cores, so 2 "
            "processes here get no more CPU than 1; the ratios of parallel runs mean nothing"
        )
    with tempfile.TemporaryDirectory(prefix="bench-flows-") as tmp:
        root = Path(tmp)
        home = template(root)
        fixed = figures["fixed"] = fixed_costs(home, root)
        if args.ehf:
            docs = ehf_folder(root, args.ehf)
            figures["ehf"] = compare("ehf", home, root, docs, args.chunk_size, fixed)
        if args.pages:
            scans = scan_folder(root, args.pages)
            figures["scans"] = compare("scans", home, root, scans, args.scan_chunk_size, fixed)
            if args.ceiling == "yes":
                few = (
                    scan_folder(root / "ceiling", args.ceiling_pages)
                    if args.ceiling_pages
                    else scans
                )
                figures["ceiling"] = ceilings(home, root, few)
            if args.dask == "yes":
                figures["dask"] = dask(home, root, scans, args.scan_chunk_size)
        if args.big:
            figures["big"] = big(home, root, args.big)
    figures["load_at_end"] = _load()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(f"figures in {args.out}")
    return 0
