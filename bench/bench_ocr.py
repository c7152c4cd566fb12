"""OCR benchmark: speed against the bare tesseract command line, throughput per core,
memory on a 50-page scan, key-field accuracy on our scans and on SROIE receipts.

    .venv/bin/python -m bench ocr                 # speed, throughput, accuracy, SROIE, memory
    .venv/bin/python -m bench ocr --quick         # without SROIE and the 50-page memory run
    .venv/bin/python -m bench ocr --variants      # what each preprocessing step is worth
    .venv/bin/python -m bench ocr --calibrate     # word confidence vs. being right
    .venv/bin/python -m bench ocr --corpus=DIR --pages=20  # OCR time on a dev corpus's scans

Baseline: ``tesseract IMAGE stdout -l nor+eng tsv`` with ``OMP_THREAD_LIMIT=1`` on the
very same page image files, run interleaved with ours on the same machine, one page
at a time. Ours: the whole path of ``bilag extract`` for that file (decode,
preprocess, tesseract, field extraction). Results go to ``bench/out/ocr.json``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.keyfields import score_key_fields, summarise

ROOT = Path(__file__).resolve().parent.parent
SCANS = ROOT / "sample_documents" / "scans"
SROIE = ROOT.parent / "shared" / "eval-data" / "sroie-receipts"
OUT = Path(__file__).parent / "out"


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_scan_samples", ROOT / "scripts" / "make_scan_samples.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_scan_samples"] = module
    spec.loader.exec_module(module)
    return module


def _sample_files() -> list[Path]:
    return sorted(
        p
        for p in SCANS.iterdir()
        if p.suffix.lower() in {".png", ".jpg", ".jpeg", ".tiff", ".tif", ".pdf"}
    )


def _page_files(tmp: Path) -> list[Path]:
    """Every sample page as an image file tesseract can read: single images as they are,
    TIFF and PDF pages written out as PNG (the baseline needs one file per page)."""
    import cv2

    from parsers.base import ParseContext
    from parsers.ocr.input import image_pages, pdf_page_images, pdf_pages_without_text

    out: list[Path] = []
    for path in _sample_files():
        data = path.read_bytes()
        if path.suffix in {".png", ".jpg"}:
            out.append(path)
            continue
        if path.suffix == ".pdf":
            numbers = pdf_pages_without_text(data)
            assert isinstance(numbers, list)
            pages = list(pdf_page_images(data, numbers, ParseContext()))
        else:
            pages = list(image_pages(data, ParseContext()))
        for page in pages:
            target = tmp / f"{path.stem}-p{page.page}.png"
            cv2.imwrite(str(target), page.image)
            out.append(target)
    return out


def _tesseract_cli(path: Path) -> float:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    started = time.perf_counter()
    subprocess.run(
        ["tesseract", str(path), "stdout", "-l", "nor+eng", "tsv"],
        env=env,
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - started


def _contract(doc_name: str, outcome: Any) -> dict[str, Any] | None:
    from bilag.contract import invoice_json

    if not outcome.invoices:
        return None
    return invoice_json(outcome.invoices[0])


def bench_speed(tmp: Path, repeat: int) -> dict[str, Any]:
    """Whole path vs. bare tesseract CLI, page by page, one worker, interleaved."""
    from bilag.domain.document import IncomingDocument
    from parsers.base import ParseContext
    from parsers.ocr.parser import OcrParser

    parser, ctx = OcrParser(workers=1), ParseContext()
    rows: list[dict[str, Any]] = []
    for path in _page_files(tmp):
        doc = IncomingDocument(path.name, path.read_bytes())
        base = ours = 0.0
        for _ in range(repeat):
            base += _tesseract_cli(path)
            started = time.perf_counter()
            parser.parse(doc, ctx)
            ours += time.perf_counter() - started
        rows.append({"page": path.name, "tesseract_s": base / repeat, "ours_s": ours / repeat})
        b, o = base / repeat, ours / repeat
        print(f"  {path.name:34} tesseract {b:5.2f} s   ours {o:5.2f} s   x{o / b:4.2f}")
    base_total = sum(r["tesseract_s"] for r in rows)
    ours_total = sum(r["ours_s"] for r in rows)
    ratio = ours_total / base_total
    print(f"  whole path / tesseract CLI = {ratio:.2f} (goal <= 1.30) over {len(rows)} pages")
    return {
        "pages": rows,
        "tesseract_total_s": base_total,
        "ours_total_s": ours_total,
        "ratio": ratio,
    }


def bench_corpus_speed(corpus: Path, per_class: int) -> dict[str, Any]:
    """OCR alone (prepare + tesseract, every retry counted) against bare tesseract on the
    first page of the scans and photos of a development corpus (``bench extract``'s),
    interleaved page by page, one worker; and the same OCR with no retries."""
    import cv2

    from parsers.base import ParseContext
    from parsers.ocr.input import image_pages, pdf_page_images, pdf_pages_without_text
    from parsers.ocr.parser import ocr_pages
    from parsers.ocr.prep import PrepOptions

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        for cls in ("scan-upright", "scan-turned", "photo"):
            files = sorted(p for p in (corpus / "docs" / cls).iterdir() if p.suffix != ".json")
            for path in files[:per_class]:
                data = path.read_bytes()
                if path.suffix == ".pdf":
                    numbers = pdf_pages_without_text(data)
                    assert isinstance(numbers, list)
                    page = next(iter(pdf_page_images(data, numbers[:1], ParseContext())))
                else:
                    page = next(iter(image_pages(data, ParseContext())))
                target = tmp / f"{path.stem}.png"  # what bare tesseract reads: the decoded page
                cv2.imwrite(str(target), page.image)
                row: dict[str, Any] = {"class": cls, "page": path.name}
                row["tesseract_s"] = _tesseract_cli(target)
                for key, options in (("ours_s", None), ("no_retry_s", PrepOptions(retry=False))):
                    started = time.perf_counter()
                    (outcome,) = ocr_pages([page], workers=1, options=options)
                    row[key] = time.perf_counter() - started
                    if options is None:
                        row["steps"] = " ".join(outcome.steps)
                rows.append(row)
                print(
                    f"  {path.name:30} tesseract {row['tesseract_s']:5.2f} s  ours "
                    f"{row['ours_s']:5.2f} s  no retry {row['no_retry_s']:5.2f} s  {row['steps']}"
                )
    summary: dict[str, Any] = {"pages": rows, "load_average": os.getloadavg()}
    for cls in ("scan-upright", "scan-turned", "photo", "all"):
        mine = [r for r in rows if cls in ("all", r["class"])]
        if not mine:
            continue
        base = sum(r["tesseract_s"] for r in mine)
        ours = sum(r["ours_s"] for r in mine)
        plain = sum(r["no_retry_s"] for r in mine)
        retried = sum(1 for r in mine if "reads" in r["steps"])
        summary[cls] = {"ratio": ours / base, "no_retry_ratio": plain / base, "retried": retried}
        print(
            f"  {cls:13} {len(mine):3} pages: ours / tesseract = {ours / base:.2f}, without "
            f"retries {plain / base:.2f}; {retried} pages read more than once"
        )
    return summary


_SECONDS = re.compile(r"\(([\d.]+) s\)")


def bench_throughput(tmp: Path) -> dict[str, Any]:
    """Pages per second for a batch of documents with 1 and 2 workers."""
    from bilag.domain.document import IncomingDocument
    from parsers.base import ParseContext
    from parsers.ocr.parser import ocr_batch

    docs = [IncomingDocument(p.name, p.read_bytes()) for p in _page_files(tmp)]
    out: dict[str, Any] = {}
    for workers in (1, 2):
        cpu_before = os.times()
        started = time.perf_counter()
        outcomes = ocr_batch(docs, ParseContext(), workers=workers)
        seconds = time.perf_counter() - started
        cpu_after = os.times()
        # page busy time / wall time: how many pages were in work at once on average
        busy = sum(float(m) for o in outcomes for n in o.notes for m in _SECONDS.findall(n))
        cpu = sum(cpu_after[i] - cpu_before[i] for i in range(4))  # ours + tesseracts
        out[f"workers_{workers}"] = {
            "pages": len(docs),
            "seconds": seconds,
            "pages_per_s": len(docs) / seconds,
            "pages_in_flight": busy / seconds,
            "cpu_seconds": cpu,
        }
        rate = len(docs) / seconds
        print(
            f"  {workers} worker(s): {len(docs)} pages in {seconds:.1f} s = {rate:.2f} pages/s; "
            f"{busy / seconds:.2f} pages in flight on average; {cpu:.1f} CPU-s"
        )
    out["speedup"] = out["workers_2"]["pages_per_s"] / out["workers_1"]["pages_per_s"]
    print(f"  speed-up with 2 workers: x{out['speedup']:.2f}")
    return out


def bench_accuracy(
    options: Any = None, *, quiet: bool = False, psm: int | None = None
) -> dict[str, Any]:
    """Key fields of our own scans against their golden files."""
    from bilag.domain.document import IncomingDocument
    from parsers.base import ParseContext
    from parsers.ocr.parser import ocr_batch

    files = _sample_files()
    docs = [IncomingDocument(p.name, p.read_bytes()) for p in files]
    started = time.perf_counter()
    extra = {"psm": psm} if psm is not None else {}
    outcomes = ocr_batch(docs, ParseContext(), options=options, **extra)
    seconds = time.perf_counter() - started
    scores = []
    per_file = {}
    for path, doc, outcome in zip(files, docs, outcomes, strict=True):
        expected = json.loads(path.with_name(path.stem + ".expected.json").read_text())
        got = _contract(doc.name, outcome)
        file_scores = score_key_fields(expected, got)
        scores += file_scores
        wrong = [
            f"{s.field}: {s.actual!r} != {s.expected!r} ({s.confidence})"
            for s in file_scores
            if not s.right
        ]
        per_file[path.name] = {
            "right": sum(s.right for s in file_scores),
            "fields": len(file_scores),
            "wrong": wrong,
        }
        if not quiet:
            right = per_file[path.name]["right"]
            print(f"  {path.name:32} {right:2}/{len(file_scores):2}  {'; '.join(wrong)}")
    summary = summarise(scores)
    summary["seconds"] = seconds
    summary["files"] = per_file
    if not quiet:
        print(
            f"  key fields right: {summary['right']}/{summary['fields']} = "
            f"{summary['accuracy']:.1%} (goal >= 95 %); "
            f"confident (>= 0.9): {summary['confident_right']}/{summary['confident_fields']} right"
        )
    return summary


def _number(text: str) -> str | None:
    found = re.search(r"\d+(?:\.\d+)?", text.replace(",", ""))
    return found.group(0) if found else None


def _sroie_date(text: str) -> str | None:
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y", "%d %b %Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    return None


def bench_sroie(
    limit: int, options: Any = None, *, quiet: bool = False, psm: int | None = None
) -> dict[str, Any] | None:
    """SROIE receipts: company -> supplier.name, date -> issue_date, total -> gross_total."""
    from bilag.domain.document import IncomingDocument
    from parsers.base import ParseContext
    from parsers.ocr.parser import ocr_batch

    if not SROIE.exists():
        print("  (eval-data/sroie-receipts absent: skipped)")
        return None
    images = sorted((SROIE / "img").glob("*.jpg"))[:limit]
    docs = [IncomingDocument(p.name, p.read_bytes()) for p in images]
    started = time.perf_counter()
    extra = {"psm": psm} if psm is not None else {}
    outcomes = ocr_batch(docs, ParseContext(), options=options, **extra)
    seconds = time.perf_counter() - started
    scores = []
    for path, doc, outcome in zip(images, docs, outcomes, strict=True):
        key = json.loads((SROIE / "key" / f"{path.stem}.json").read_text())
        expected = {
            "supplier": {"name": key.get("company")},
            "issue_date": _sroie_date(key.get("date", "")),
            # totals are printed as "RM 3.30" in a few keys: the number is what counts
            "gross_total": _number(key.get("total", "")),
        }
        got = _contract(doc.name, outcome) or {}
        # a receipt's total is what was paid: gross, or the payable amount when only that is read
        if got and got.get("gross_total") is None and got.get("payable_amount") is not None:
            got = {**got, "gross_total": got["payable_amount"]}
            conf = dict(got.get("confidence") or {})
            if "payable_amount" in conf:
                conf["gross_total"] = conf["payable_amount"]
            got["confidence"] = conf
        fields = [
            s
            for s in score_key_fields(expected, got)
            if s.field in ("supplier.name", "issue_date", "gross_total")
        ]
        scores += fields
        if not quiet:
            wrong = [
                f"{s.field}: {s.actual!r} != {s.expected!r} ({s.confidence})"
                for s in fields
                if not s.right
            ]
            problems = "; ".join(p.code for p in outcome.problems)
            right = sum(s.right for s in fields)
            print(f"  {path.name}: {right}/{len(fields)} {'; '.join(wrong)} {problems}")
    summary = summarise(scores)
    summary["images"] = len(images)
    summary["seconds"] = seconds
    if not quiet:
        print(
            f"  SROIE {len(images)} receipts: "
            f"{summary['right']}/{summary['fields']} fields right = "
            f"{(summary['accuracy'] or 0):.1%}; confident (>= 0.9): "
            f"{summary['confident_right']}/{summary['confident_fields']} right"
        )
    return summary


_LAUNCHER = "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:]))"
_MEMORY_CHILD = """
import json, resource, sys, time
from bilag.domain.document import IncomingDocument
from parsers.base import ParseContext
from parsers.ocr.parser import OcrParser
data = open(sys.argv[1], "rb").read()
started = time.perf_counter()
parser = OcrParser(workers=int(sys.argv[2]))
outcome = parser.parse(IncomingDocument("50.pdf", data), ParseContext())
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "invoices": len(outcome.invoices),
    "pages": len(outcome.notes),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "vm_hwm_mb": int(next(
        line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")
    )) / 1024,
    "peak_rss_tesseract_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


def bench_memory(tmp: Path, pages: int = 50) -> dict[str, Any]:
    """Peak RSS for a 10-page and a ``pages``-page scan: flat if pages go one by one."""
    small = _memory_run(tmp, 10)
    large = _memory_run(tmp, pages)
    return {"pages_10": small, f"pages_{pages}": large}


def _memory_run(tmp: Path, pages: int) -> dict[str, Any]:
    """Peak RSS of a subprocess that OCRs a generated image-only PDF of ``pages`` pages."""
    gen = _generator()
    images = []
    for seed, spec in enumerate(gen.SAMPLES):
        for i, page in enumerate(gen.render_pages(spec)):
            img, _ = gen.degrade(page, spec.degrade, seed + i)
            images.append(img.convert("L"))
    cycle = [images[i % len(images)] for i in range(pages)]
    pdf = tmp / f"scan-{pages}.pdf"
    cycle[0].save(pdf, "PDF", save_all=True, append_images=cycle[1:], resolution=300.0)
    print(f"  {pages}-page image-only PDF: {pdf.stat().st_size // 2**20} MiB")
    # Linux keeps ru_maxrss across fork + exec: a child forked straight from this
    # process (which holds the page images) would report our size. A small launcher
    # process in between gives the measured child a fresh high-water mark.
    child = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, sys.executable, "-c", _MEMORY_CHILD, str(pdf), "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    print(
        f"  {result['pages']} pages in {result['seconds']:.1f} s "
        f"({result['pages'] / result['seconds']:.2f} pages/s, "
        f"2 workers); peak RSS {result['peak_rss_mb']:.0f} MB by getrusage "
        f"(VmHWM {result['vm_hwm_mb']:.0f} MB; goal < 1024), "
        f"tesseract children <= {result['peak_rss_tesseract_mb']:.0f} MB (fork inherits ours)"
    )
    return result


def bench_variants(sroie_limit: int) -> dict[str, Any]:
    """Key-field accuracy and time of each preprocessing variant (steps added one by one)."""
    from parsers.ocr.prep import PrepOptions

    off = PrepOptions(
        crop_page=False,
        normalise=False,
        orient=False,
        deskew=False,
        rescale=False,
        denoise=False,
        binarise="none",
    )
    variants = {
        "none (tesseract binarises)": off,
        "otsu": PrepOptions(**{**_fields(off), "binarise": "otsu"}),
        "normalise+otsu": PrepOptions(**{**_fields(off), "binarise": "otsu", "normalise": True}),
        "+deskew": PrepOptions(
            **{**_fields(off), "binarise": "otsu", "normalise": True, "deskew": True}
        ),
        "+orient": PrepOptions(
            **{
                **_fields(off),
                "binarise": "otsu",
                "normalise": True,
                "deskew": True,
                "orient": True,
            }
        ),
        "+rescale": PrepOptions(
            **{
                **_fields(off),
                "binarise": "otsu",
                "normalise": True,
                "deskew": True,
                "orient": True,
                "rescale": True,
            }
        ),
        "+crop": PrepOptions(**{**_fields(PrepOptions()), "denoise": False}),
        "+median (default)": PrepOptions(),
        "default, adaptive threshold": PrepOptions(binarise="adaptive"),
        "default, no binarisation": PrepOptions(binarise="none"),
    }
    psm_variants = {"default, tesseract --psm 3 (automatic layout)": 3}
    out = {}
    runs: list[tuple[str, PrepOptions, int | None]] = [(n, o, None) for n, o in variants.items()]
    runs += [(n, PrepOptions(), psm) for n, psm in psm_variants.items()]
    for name, options, psm in runs:
        own = bench_accuracy(options, quiet=True, psm=psm)
        receipts = bench_sroie(sroie_limit, options, quiet=True, psm=psm)
        out[name] = {"own": own, "sroie": receipts}
        sroie_text = (
            f"SROIE {receipts['right']}/{receipts['fields']} in {receipts['seconds']:.0f} s"
            if receipts
            else ""
        )
        own_text = f"own {own['right']}/{own['fields']} in {own['seconds']:.0f} s"
        print(f"  {name:30} {own_text}   {sroie_text}")
    return out


def _fields(options: Any) -> dict[str, Any]:
    return {name: getattr(options, name) for name in options.__dataclass_fields__}


def _pav(bins: list[tuple[float, int, int]]) -> list[tuple[float, float]]:
    """Pool adjacent violators: monotone share right by confidence bin."""
    blocks: list[list[float]] = []  # [lower bound, right, total]
    for bound, right, total in bins:
        if total == 0:
            continue
        blocks.append([bound, right, total])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] > blocks[-1][1] / blocks[-1][2]:
            last = blocks.pop()
            blocks[-1][1] += last[1]
            blocks[-1][2] += last[2]
    return [(b[0], round(b[1] / b[2], 3)) for b in blocks]


def bench_calibration(sroie_limit: int) -> dict[str, Any]:
    """Share of OCR words that are exactly right, by tesseract's raw confidence."""
    import cv2

    from parsers.base import ParseContext
    from parsers.ocr.input import image_pages, pdf_page_images, pdf_pages_without_text
    from parsers.ocr.parser import DEFAULT_PSM
    from parsers.ocr.prep import prepare_page
    from parsers.ocr.tesseract import run_tesseract

    gen = _generator()
    ctx = ParseContext()
    pairs: list[tuple[float, bool]] = []

    def ocr_words(images: list[Any], truth: Counter[str], tmp: Path) -> None:
        for page in images:
            prepared = prepare_page(page.image)
            path = tmp / "page.pbm"
            cv2.imwrite(str(path), prepared.image)
            h, w = prepared.image.shape
            read, raws = run_tesseract(path, page=page.page, width=w, height=h, psm=DEFAULT_PSM)
            for word, raw in zip(read.words, raws, strict=True):
                # SROIE's truth is upper case: compare case-folded everywhere
                pairs.append((raw, word.text.casefold() in truth))

    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        for spec in gen.SAMPLES:
            texts: list[str] = []
            gen.render_pages(spec, texts)
            truth = Counter(t.casefold() for text in texts for t in text.split())
            files = [p for p in _sample_files() if p.stem == spec.name]
            data = files[0].read_bytes()
            if files[0].suffix == ".pdf":
                numbers = pdf_pages_without_text(data)
                assert isinstance(numbers, list)
                images = list(pdf_page_images(data, numbers, ctx))
            else:
                images = list(image_pages(data, ctx))
            ocr_words(images, truth, tmp)
        own_words = len(pairs)
        if SROIE.exists():
            for path in sorted((SROIE / "img").glob("*.jpg"))[:sroie_limit]:
                lines = (
                    (SROIE / "box" / f"{path.stem}.csv").read_text(errors="replace").splitlines()
                )
                truth = Counter(
                    t.casefold() for line in lines for t in line.split(",", 8)[-1].split()
                )
                ocr_words(list(image_pages(path.read_bytes(), ctx)), truth, tmp)
    out: dict[str, Any] = {}
    for name, subset in (("own scans", pairs[:own_words]), ("SROIE", pairs[own_words:])):
        if not subset:
            continue
        bins = _bins(subset)
        table = _pav(bins)
        print(f"  {name}: {len(subset)} words; monotone table {table}")
        out[name] = {"words": len(subset), "bins": bins, "table": table}
    return out


def _bins(pairs: list[tuple[float, bool]]) -> list[tuple[float, int, int]]:
    bounds = [0, 30, 50, 70, 80, 85, 90, 92, 94, 96, 98]
    bins = []
    for i, lower in enumerate(bounds):
        upper = bounds[i + 1] if i + 1 < len(bounds) else 101
        inside = [right for raw, right in pairs if lower <= raw < upper]
        bins.append((float(lower), sum(inside), len(inside)))
        if inside:
            share = sum(inside) / len(inside)
            print(f"  raw conf {lower:3}-{upper:3}: {sum(inside):5}/{len(inside):5} = {share:.3f}")
    return bins


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="bench ocr")
    ap.add_argument("--quick", action="store_true", help="skip SROIE and the 50-page memory run")
    ap.add_argument("--variants", action="store_true", help="compare preprocessing variants only")
    ap.add_argument(
        "--calibrate", action="store_true", help="measure word-confidence calibration only"
    )
    ap.add_argument("--sroie", type=int, default=40, help="SROIE receipts to score (all 24 stored)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--memory", action="store_true", help="the memory runs only")
    ap.add_argument("--corpus", type=Path, default=None, help="OCR time on a corpus's scans only")
    ap.add_argument("--pages", type=int, default=20, help="pages per class with --corpus")
    args = ap.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    result: dict[str, Any] = {"load_average_before": os.getloadavg(), "cores": os.cpu_count()}
    if args.variants:
        print("-- preprocessing variants (key fields right)")
        result["variants"] = bench_variants(min(args.sroie, 12))
        (OUT / "ocr-variants.json").write_text(json.dumps(result, indent=2, default=str))
        return 0
    if args.calibrate:
        print("-- word confidence calibration")
        result["calibration"] = bench_calibration(args.sroie)
        (OUT / "ocr-calibration.json").write_text(json.dumps(result, indent=2, default=str))
        return 0
    if args.corpus:
        print(f"-- OCR time against bare tesseract: {args.corpus}")
        result["corpus_speed"] = bench_corpus_speed(args.corpus, args.pages)
        (OUT / "ocr-corpus.json").write_text(json.dumps(result, indent=2, default=str))
        return 0
    if args.memory:
        with tempfile.TemporaryDirectory() as name:
            print("-- memory: scanned PDFs, page by page")
            result["memory"] = bench_memory(Path(name))
        (OUT / "ocr-memory.json").write_text(json.dumps(result, indent=2, default=str))
        return 0
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        print("-- speed: whole path vs. tesseract CLI (OMP_THREAD_LIMIT=1), 1 worker")
        result["speed"] = bench_speed(tmp, args.repeat)
        print("-- throughput")
        result["throughput"] = bench_throughput(tmp)
        print("-- accuracy on sample_documents/scans")
        result["accuracy_own"] = bench_accuracy()
        if not args.quick:
            print("-- SROIE receipts")
            result["sroie"] = bench_sroie(args.sroie)
            print("-- memory: 50-page scanned PDF, page by page")
            result["memory"] = bench_memory(tmp)
    result["load_average_after"] = os.getloadavg()
    (OUT / "ocr.json").write_text(json.dumps(result, indent=2, default=str))
    before, after = result["load_average_before"], result["load_average_after"]
    print(f"  load average before {before}, after {after} (a shared machine: compare ratios)")
    ok = result["speed"]["ratio"] <= 1.3 and (result["accuracy_own"]["accuracy"] or 0) >= 0.95
    return 0 if ok else 1
