"""EHF benchmark: parse (+ validate) throughput, and the whole ``bilag extract`` command.

    .venv/bin/python -m bench ehf            # 10-line invoice, 1 MB-PDF invoice, the command
    .venv/bin/python -m bench ehf --quick    # fewer rounds (a smoke run)
    .venv/bin/python -m bench ehf --profile  # also print the top functions of a parse
    .venv/bin/python -m bench ehf --instructions  # also count instructions (valgrind)

Documents (built by ``scripts/make_ehf_samples.py``'s own builder, so they are
valid BIS 3 invoices from a Norwegian supplier):

* ``10-line``: ``sample_documents/ehf/ehf-invoice-ten-lines.xml`` (about 10 KB);
* ``1mb-pdf``: the same invoice with a 1 MB PDF embedded as base64 (about 1.4 MB).

Per document and round, three timings run interleaved so that load from other
processes on this shared machine hits them alike:

* ``floor``: ``lxml.etree.fromstring(bytes)`` with lxml's default parser;
* ``parse w/o syntax rules``: ``EhfParser(syntax_rules=False).parse``: safety
  checks, tree, every business term, base64 decoding of attachments;
* ``parse``: ``EhfParser().parse``, the above plus the XML-bound validation rules
  (``parsers.ehf.rules.check.check_syntax``, the validation engineer's);
* ``parse+validate``: the above plus ``bilag.domain.validation.validate``.

Throughput is documents per CPU second (single process, single thread: one core),
from the best round; the ratio is ``parse / floor`` of the same round, median
over rounds. Goal (issue 2): >= 1,000 docs/s/core for the 10-line invoice. The
ratios to the floor are reported as information: the former goal "within 5x of
a bare lxml parse" is withdrawn (issue 11), it is not what users feel.

The whole command, as users meet it (issue 11): ``bilag extract FOLDER --json``
on 2,000 valid 10-line invoices (each with its own invoice number), its stdout a
pipe that this process drains, against in-process parse + validate of the same
files (their bytes already in memory). The project's modules are compiled to
bytecode first, as an installed bilag runs (this machine's agents set
``PYTHONDONTWRITEBYTECODE``, which would otherwise make every start compile
them again). Both in CPU seconds: the command's from
``getrusage(RUSAGE_CHILDREN)`` (start-up, reading the files, building and
printing the JSON included), the in-process side from this process. Rounds
alternate; the ratio is the median over rounds. Goal: the whole command costs at
most 1.5x parse + validate; the two must agree that every invoice is valid.
Results go to ``bench/out/ehf.json``.

``--instructions`` adds a measure that no other process on the machine can move:
the CPU instructions per document of each stage, counted by valgrind's callgrind
(each stage runs in a child process twice, with 0 and with N documents after the
same warm-up; the difference over N is the count per document). Instructions are
not time: interpreted Python retires fewer instructions per cycle than libxml2's
parser, so the time ratio is larger than the instruction ratio (about 1.6-2x on
these machines). The instruction ratio tells whether a change did less work, to
0.1 %, where the time ratio moves by 20 % between runs.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lxml import etree

from bilag.allocator import tune_allocator
from bilag.domain.document import IncomingDocument
from bilag.domain.model import Problem, Severity
from bilag.domain.validation import validate
from parsers.base import ParseContext
from parsers.ehf.parser import EhfParser
from parsers.ehf.reader import read_invoice
from parsers.ehf.rules.check import check_syntax
from parsers.ehf.xml_safety import load_xml

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).parent / "out"
TEN_LINES = ROOT / "sample_documents" / "ehf" / "ehf-invoice-ten-lines.xml"
GOAL_DOCS_PER_SECOND = 1000
COMMAND_FILES = 2000
PACKAGES = ("bilag", "parsers", "classifiers", "connectors", "flows")
GOAL_COMMAND_RATIO = 1.5


def _generator() -> Any:
    """The sample generator script as a module (it is a script, not a package)."""
    path = ROOT / "scripts" / "make_ehf_samples.py"
    spec = importlib.util.spec_from_file_location("make_ehf_samples", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def documents() -> dict[str, bytes]:
    return {name: document(name) for name in ("10-line", "1mb-pdf")}


def document(name: str) -> bytes:
    """One benchmark document; only the 1 MB one is built (a counting child needs one)."""
    if name == "10-line":
        return TEN_LINES.read_bytes()
    gen = _generator()
    ten = next(s for s in gen.samples() if s.filename == TEN_LINES.name)
    noise = random.Random(2026).randbytes(1024 * 1024)  # incompressible, like a scanned PDF
    ten.attachment = ("faktura.pdf", "application/pdf", gen.tiny_pdf("Faktura", noise))
    return bytes(gen.build(ten))


def _per_doc(fn: Callable[[], object], budget: float) -> float:
    """CPU seconds per call (this process only), repeated until ``budget`` CPU seconds.

    CPU time rather than wall time: on a shared machine the wall clock also counts the
    time other processes held the core, which is not what "per core" means.
    """
    calls, started = 0, time.process_time()
    while True:
        fn()
        calls += 1
        elapsed = time.process_time() - started
        if elapsed >= budget:
            return elapsed / calls


STAGES = ("floor", "parse w/o syntax rules", "parse", "parse+validate")
_PER_DOCUMENT_RUNS = {"10-line": 100, "1mb-pdf": 10}  # documents per counted child run


def _stage_function(name: str, content: bytes) -> Callable[[], object]:
    """One document of a whole-parse stage of :data:`STAGES`, for the timed rounds and
    the instruction counts alike."""
    doc, ctx = IncomingDocument(name="bench.xml", content=content), ParseContext()
    parser, reader_only = EhfParser(), EhfParser(syntax_rules=False)

    def parse_and_validate() -> None:
        for invoice in parser.parse(doc, ctx).invoices:
            validate(invoice)

    return {
        "floor": lambda: etree.fromstring(content),
        "parse w/o syntax rules": lambda: reader_only.parse(doc, ctx),
        "parse": lambda: parser.parse(doc, ctx),
        "parse+validate": parse_and_validate,
    }[name]


def measure(content: bytes, rounds: int, budget: float) -> dict[str, Any]:
    parser, ctx = EhfParser(), ParseContext()
    outcome = parser.parse(IncomingDocument(name="bench.xml", content=content), ctx)
    assert outcome.invoices and not outcome.problems, outcome.problems
    whole = {name: _stage_function(name, content) for name in STAGES}

    # The stages of a parse, each timed alone on the same input (where the time goes).
    root = load_xml("bench.xml", content, ctx.max_xml_bytes)
    assert not isinstance(root, Problem)
    payload = root if etree.QName(root).localname in ("Invoice", "CreditNote") else root[-1]
    invoice = outcome.invoices[0]
    stages: dict[str, Callable[[], object]] = {
        "stage load_xml": lambda: load_xml("bench.xml", content, ctx.max_xml_bytes),
        "stage read": lambda: read_invoice(payload, "Invoice", "bench.xml").build(),
        "stage check_syntax": lambda: check_syntax(payload),
        "stage validate": lambda: validate(invoice),
    }
    timings: dict[str, list[float]] = {k: [] for k in (*STAGES, *stages)}
    for _ in range(rounds):
        for name, fn in whole.items():
            timings[name].append(_per_doc(fn, budget))
        for name, fn in stages.items():
            timings[name].append(_per_doc(fn, budget / 4))
    best = {k: min(v) for k, v in timings.items()}
    ratio = {
        k: statistics.median(t / f for t, f in zip(v, timings["floor"], strict=True))
        for k, v in timings.items()
        if k != "floor"
    }
    return {
        "bytes": len(content),
        "seconds_per_doc": best,
        "docs_per_second": {k: 1 / v for k, v in best.items()},
        "ratio_to_floor": ratio,
        "attachments": len(outcome.attachments),
    }


def _profile(content: bytes) -> None:
    import cProfile
    import pstats

    parser, ctx = EhfParser(), ParseContext()
    doc = IncomingDocument(name="bench.xml", content=content)
    profile = cProfile.Profile()
    profile.runcall(lambda: [parser.parse(doc, ctx) for _ in range(200)])
    pstats.Stats(profile).sort_stats("tottime").print_stats(12)


def _invoice_folder(folder: Path, count: int) -> list[Path]:
    """``count`` copies of the 10-line invoice, each with its own invoice number."""
    content = TEN_LINES.read_bytes()
    number = b"<cbc:ID>2026-1010</cbc:ID>"
    assert number in content, "the sample's invoice number moved"
    paths = []
    for i in range(count):
        path = folder / f"invoice-{i:05d}.xml"
        path.write_bytes(content.replace(number, f"<cbc:ID>B-{i:05d}</cbc:ID>".encode(), 1))
        paths.append(path)
    return paths


def _bilag_command() -> list[str]:
    """The installed ``bilag`` script beside this interpreter, as a user runs it."""
    script = Path(sys.executable).with_name("bilag")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from bilag.cli import main; sys.exit(main())"]


def _command_cpu(folder: Path, home: Path) -> tuple[float, list[dict[str, Any]]]:
    """CPU seconds (user + system) of one ``bilag extract FOLDER --json``, and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [*_bilag_command(), "extract", str(folder), "--json", "--home", str(home)],
        capture_output=True,
        check=False,
        env={**os.environ, "BILAG_HOME": str(home)},
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"bilag extract exited {done.returncode}: {done.stderr[-500:]!r}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return cpu, json.loads(done.stdout)


def _in_process_cpu(files: list[tuple[str, bytes]]) -> tuple[float, int]:
    """CPU seconds of parse + validate of every file in this process; how many are valid."""
    parser, ctx = EhfParser(), ParseContext()
    valid = 0
    started = time.process_time()
    for name, content in files:
        for invoice in parser.parse(IncomingDocument(name=name, content=content), ctx).invoices:
            findings = invoice.findings + validate(invoice)
            valid += not any(f.severity is Severity.FATAL for f in findings)
    return time.process_time() - started, valid


def measure_command(rounds: int, count: int = COMMAND_FILES) -> dict[str, Any]:
    """The whole ``bilag extract`` command against in-process parse + validate."""
    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)
    with tempfile.TemporaryDirectory(prefix="bench-ehf-") as tmp:
        folder, home = Path(tmp) / "invoices", Path(tmp) / "home"
        folder.mkdir()
        files = [(str(p), p.read_bytes()) for p in _invoice_folder(folder, count)]
        _command_cpu(folder, home)  # the workspace is created, the page cache warm
        command, in_process = [], []
        for _ in range(rounds):
            cpu, objects = _command_cpu(folder, home)
            command.append(cpu)
            fatal = [o["source"] for o in objects if _has_fatal(o)]
            assert len(objects) == count and not fatal, f"{len(objects)} objects; fatal: {fatal}"
            cpu, valid = _in_process_cpu(files)
            in_process.append(cpu)
            assert valid == count, f"in-process: {valid} of {count} valid"
    ratios = [c / p for c, p in zip(command, in_process, strict=True)]
    return {
        "files": count,
        "command_cpu_s": command,
        "parse_validate_cpu_s": in_process,
        "ratio": statistics.median(ratios),
        "ratios": ratios,
    }


def _has_fatal(obj: dict[str, Any]) -> bool:
    return bool(obj["errors"]) or any(f["severity"] == "fatal" for f in obj["validation"])


def _child(which: str, stage: str, count: int) -> int:
    """Run inside valgrind: warm up every stage, then ``count`` documents of one stage.

    Every child warms up alike (imports, caches, the reader's generated code), so one
    run with ``count`` 0 is the baseline of all stages of a document."""
    tune_allocator()  # as in the timed runs
    content = document(which)
    for warm in STAGES:
        for _ in range(3):
            _stage_function(warm, content)()
    fn = _stage_function(stage, content)
    for _ in range(count):
        fn()
    return 0


def _collected(document: str, stage: str, count: int) -> int:
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, "-m", "bench.bench_ehf", "--child", document, stage, str(count),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    found = re.search(r"Collected\s*:\s*(\d+)", done.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no count: {done.stderr[-500:]}")
    return int(found.group(1))


def count_instructions() -> dict[str, dict[str, float]] | None:
    """Instructions per document of each stage, or None without valgrind."""
    if shutil.which("valgrind") is None:
        print("instructions: valgrind is not installed (make setup installs it)")
        return None
    jobs = [
        (document, stage, count)
        for document, n in _PER_DOCUMENT_RUNS.items()
        for stage, count in [("floor", 0), *((s, n) for s in STAGES)]
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:  # the machine's two cores
        totals = dict(zip(jobs, pool.map(lambda job: _collected(*job), jobs), strict=True))
    result: dict[str, dict[str, float]] = {}
    for document, n in _PER_DOCUMENT_RUNS.items():
        base = totals[document, "floor", 0]
        per_doc = {s: (totals[document, s, n] - base) / n for s in STAGES}
        result[document] = per_doc
        print(
            f"{document:8} instructions/doc: floor {per_doc['floor'] / 1e6:.2f} M  "
            + "  ".join(
                f"{s} {per_doc[s] / 1e6:.2f} M ({per_doc[s] / per_doc['floor']:.2f}x)"
                for s in STAGES[1:]
            )
        )
    return result


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        return _child(argv[1], argv[2], int(argv[3]))
    args_parser = argparse.ArgumentParser(prog="bench ehf")
    args_parser.add_argument("--quick", action="store_true", help="3 short rounds")
    args_parser.add_argument("--profile", action="store_true", help="profile a parse")
    args_parser.add_argument(
        "--instructions", action="store_true", help="count instructions per stage (valgrind)"
    )
    args = args_parser.parse_args(argv)
    rounds, budget = (3, 0.2) if args.quick else (7, 0.5)
    results: dict[str, Any] = {}
    for name, content in documents().items():
        r = results[name] = measure(content, rounds, budget)
        dps, ratio = r["docs_per_second"], r["ratio_to_floor"]
        print(
            f"{name:8} {r['bytes'] / 1024:6.0f} KiB  floor {dps['floor']:6.0f}/s  "
            f"parse w/o syntax rules {dps['parse w/o syntax rules']:5.0f}/s "
            f"({ratio['parse w/o syntax rules']:.1f}x)  "
            f"parse {dps['parse']:5.0f}/s ({ratio['parse']:.1f}x)  "
            f"parse+validate {dps['parse+validate']:7.0f}/s ({ratio['parse+validate']:.1f}x)"
        )
        stages = {k: v for k, v in ratio.items() if k.startswith("stage ")}
        print("         " + "  ".join(f"{k[6:]} {v:.1f}x" for k, v in stages.items()))
        if args.profile and name == "10-line":
            _profile(content)
    command = results["command"] = measure_command(1 if args.quick else 3)
    print(
        f"command  bilag extract --json, {command['files']} files: "
        f"{min(command['command_cpu_s']):.2f} CPU-s; in-process parse+validate "
        f"{min(command['parse_validate_cpu_s']):.2f} CPU-s; ratio {command['ratio']:.2f}x "
        f"(rounds: {', '.join(f'{r:.2f}' for r in command['ratios'])})"
    )
    ten = results["10-line"]
    goals = {
        "parse+validate >= 1000/s (10-line)": ten["docs_per_second"]["parse+validate"]
        >= GOAL_DOCS_PER_SECOND,
        f"whole command <= {GOAL_COMMAND_RATIO}x parse+validate ({COMMAND_FILES} files)": (
            command["ratio"] <= GOAL_COMMAND_RATIO
        ),
    }
    for goal, met in goals.items():
        print(f"goal {goal}: {'met' if met else 'NOT met'}")
    instructions = count_instructions() if args.instructions else None
    OUT.mkdir(exist_ok=True)
    payload = {
        "results": results, "goals": goals, "rounds": rounds, "budget_s": budget,
        "instructions_per_document": instructions,
    }  # fmt: skip
    (OUT / "ehf.json").write_text(json.dumps(payload, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
