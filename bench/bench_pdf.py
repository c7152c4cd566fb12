"""PDF benchmark: key-field accuracy, precision of confident fields, and speed.

    .venv/bin/python -m bench pdf            # accuracy on every set + speed
    .venv/bin/python -m bench pdf --quick    # accuracy only, no speed rounds
    .venv/bin/python -m bench pdf --details  # also print every wrong field

Sets (reported separately, never special-cased in the extractor):

* ``own``: ``sample_documents/pdf`` (our invoices) against their golden files, read
  as ``bilag extract`` reads them (embedded XML first).
* ``own-visible``: the same, visible text only (``ignore_embedded_xml``); the lying
  hybrid is left out, since its visible total is false on purpose.
* ``own-random``: ``--random`` invoices drawn by ``scripts/make_random_pdf_invoices.py``
  (layouts, label wordings, date/number formats, one or two VAT rates), never stored.
* ``invoice2data``: ``eval-data/invoice2data/compare/*.pdf`` against their JSON
  (invoice number, date, amount, currency: the fields that JSON has).
* ``zugferd-visible``: ``eval-data/zugferd-corpus-xml-rechnung/FX-pdf`` read from
  the visible text only; the embedded XML is the truth, compared on the key fields
  it states. Amounts are compared without sign (a corrected invoice prints
  negative totals, a credit note positive ones).

A field counts as confident at confidence >= 0.9; the report gives precision per
confidence bucket over all sets, which is how the confidences were calibrated.

Speed: pdfplumber's own ``extract_words`` over every page (open + words) is the
baseline; ours is the whole ``PdfParser.parse`` (words + embedded XML + every
field). Both run interleaved, file by file, in the same process; best of
``--rounds``. Results go to ``bench/out/pdf.json``.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import time
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from bench.keyfields import FieldScore, same_value, score_key_fields, summarise
from bilag.contract import invoice_json
from bilag.domain.document import IncomingDocument
from bilag.domain.model import Invoice
from parsers.base import ParseContext
from parsers.pdf.embedded import find_embedded_xml, invoice_from_xml
from parsers.pdf.parser import PdfParser

ROOT = Path(__file__).resolve().parent.parent
OWN = ROOT / "sample_documents" / "pdf"
EVAL = ROOT.parent / "shared" / "eval-data"
I2D = EVAL / "invoice2data" / "compare"
ZUGFERD = EVAL / "zugferd-corpus-xml-rechnung" / "FX-pdf"
OUT = Path(__file__).parent / "out"
BUCKETS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.01)


ENGINE = {"name": "pdfium"}  # which text-layer engine the accuracy sets use (set by main)


def _extract(path: Path, ctx: ParseContext) -> dict[str, Any] | None:
    doc = IncomingDocument(name=str(path.relative_to(ROOT.parent)), content=path.read_bytes())
    outcome = PdfParser(engine=ENGINE["name"]).parse(doc, ctx)
    return invoice_json(outcome.invoices[0]) if outcome.invoices else None


def own_set(*, visible_only: bool) -> list[tuple[str, list[FieldScore]]]:
    ctx = ParseContext(ignore_embedded_xml=visible_only)
    out = []
    for golden_path in sorted(OWN.glob("*.expected.json")):
        golden = json.loads(golden_path.read_text(encoding="utf-8"))
        if golden["document_type"] is None:
            continue
        if visible_only and any(v["rule"].startswith("BILAG-XCHECK") for v in golden["validation"]):
            continue
        pdf = golden_path.with_name(golden_path.name.replace(".expected.json", ".pdf"))
        out.append((pdf.name, score_key_fields(golden, _extract(pdf, ctx))))
    return out


def random_set(count: int) -> list[tuple[str, list[FieldScore]]]:
    """Randomised invoices from ``scripts/make_random_pdf_invoices.py`` (seeds 1000...)."""
    import importlib.util
    import sys

    scripts = ROOT / "scripts"
    sys.path.insert(0, str(scripts))
    spec = importlib.util.spec_from_file_location(
        "make_random_pdf_invoices", scripts / "make_random_pdf_invoices.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    out = []
    for seed in range(1000, 1000 + count):
        pdf, truth = module.random_invoice(seed)
        doc = IncomingDocument(name=f"random-{seed}.pdf", content=pdf)
        outcome = PdfParser(engine=ENGINE["name"]).parse(doc, ParseContext())
        got = invoice_json(outcome.invoices[0]) if outcome.invoices else None
        out.append((doc.name, score_key_fields(truth, got)))
    return out


def _i2d_amount(value: Any) -> str | None:
    try:
        return format(Decimal(str(value)).quantize(Decimal("0.01")), "f")
    except (InvalidOperation, ValueError):
        return None


def invoice2data_set() -> list[tuple[str, list[FieldScore]]]:
    out = []
    for pdf in sorted(I2D.glob("*.pdf")):
        truth_path = pdf.with_suffix(".json")
        if not truth_path.exists():
            continue
        truth = json.loads(truth_path.read_text(encoding="utf-8"))[0]
        got = _extract(pdf, ParseContext()) or {}
        conf = got.get("confidence", {})
        pairs = {
            "invoice_number": (truth.get("invoice_number"), got.get("invoice_number")),
            "issue_date": (truth.get("date"), got.get("issue_date")),
            "gross_total": (_i2d_amount(truth.get("amount")), got.get("gross_total")),
            "currency": (truth.get("currency"), got.get("currency")),
        }
        scores = [
            FieldScore(
                field,
                None if want is None else str(want),
                have,
                same_value(field, want, have),
                conf.get(field) if have is not None else None,
            )
            for field, (want, have) in pairs.items()
            if want is not None
        ]
        out.append((pdf.name, scores))
    return out


def _truth_from_xml(pdf: Path) -> dict[str, Any] | None:
    embedded = find_embedded_xml(pdf.read_bytes(), 50 * 2**20)
    if embedded is None:
        return None
    invoice = invoice_from_xml(embedded, pdf.name, "pdf")
    return invoice_json(invoice) if isinstance(invoice, Invoice) else None


def _unsigned(obj: dict[str, Any]) -> dict[str, Any]:
    obj = dict(obj)
    for key in ("net_total", "vat_total", "gross_total"):
        if obj.get(key):
            obj[key] = obj[key].lstrip("-")
    return obj


def zugferd_set() -> list[tuple[str, list[FieldScore]]]:
    out = []
    ctx = ParseContext(ignore_embedded_xml=True)
    for pdf in sorted(ZUGFERD.glob("*.pdf")):
        truth = _truth_from_xml(pdf)
        if truth is None:
            continue
        got = _extract(pdf, ctx)
        scores = score_key_fields(_unsigned(truth), _unsigned(got) if got else None)
        # a key field the XML does not state cannot be scored either way
        stated = [s for s in scores if s.expected is not None]
        out.append((pdf.name, stated))
    return out


def _buckets(scores: list[FieldScore]) -> list[dict[str, Any]]:
    rows = []
    for low, high in itertools.pairwise(BUCKETS):
        inside = [s for s in scores if s.confidence is not None and low <= s.confidence < high]
        if inside:
            rows.append(
                {
                    "confidence": f"[{low:.2f}, {min(high, 1.0):.2f}{']' if high > 1 else ')'}",
                    "fields": len(inside),
                    "precision": round(sum(s.right for s in inside) / len(inside), 4),
                }
            )
    missing = [s for s in scores if s.actual is None]
    rows.append({"confidence": "not found", "fields": len(missing), "precision": None})
    return rows


def _per_field(scores: list[FieldScore]) -> dict[str, str]:
    by: dict[str, list[FieldScore]] = defaultdict(list)
    for s in scores:
        by[s.field].append(s)
    return {f: f"{sum(s.right for s in v)}/{len(v)}" for f, v in sorted(by.items())}


def _pages(path: Path) -> int:
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            return len(pdf.pages)
    except Exception:
        return 0


def speed(files: list[Path], rounds: int) -> dict[str, Any]:
    import pdfplumber

    parsers = {"pdfium": PdfParser(engine="pdfium"), "pdfplumber": PdfParser(engine="pdfplumber")}
    ctx = ParseContext()
    readable = [(p, p.read_bytes()) for p in files if _pages(p) > 0]
    pages = sum(_pages(p) for p, _ in readable)
    best = {"baseline": float("inf")} | dict.fromkeys(parsers, float("inf"))
    for _ in range(rounds):
        spent = dict.fromkeys(best, 0.0)
        for path, content in readable:
            started = time.perf_counter()
            with pdfplumber.open(io.BytesIO(content)) as pdf:
                for page in pdf.pages:
                    page.extract_words()
            spent["baseline"] += time.perf_counter() - started
            for engine, parser in parsers.items():
                started = time.perf_counter()
                parser.parse(IncomingDocument(name=path.name, content=content), ctx)
                spent[engine] += time.perf_counter() - started
        best = {k: min(best[k], spent[k]) for k in best}
    return {
        "files": len(readable),
        "pages": pages,
        "seconds": {k: round(v, 3) for k, v in best.items()},
        "pages_per_s": {k: round(pages / v, 1) for k, v in best.items()},
        "ratio_to_pdfplumber_extract_words": {
            k: round(best[k] / best["baseline"], 3) for k in parsers
        },
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench pdf", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="accuracy only")
    parser.add_argument("--details", action="store_true", help="print every wrong field")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--engine",
        choices=("pdfium", "pdfplumber"),
        default="pdfium",
        help="text-layer engine for the accuracy sets",
    )
    parser.add_argument("--random", type=int, default=60, help="randomised invoices to score")
    args = parser.parse_args(argv)
    ENGINE["name"] = args.engine
    print(f"accuracy with the {args.engine} text layer")

    sets: dict[str, list[tuple[str, list[FieldScore]]]] = {
        "own": own_set(visible_only=False),
        "own-visible": own_set(visible_only=True),
        "own-random": random_set(args.random),
    }
    if I2D.exists():
        sets["invoice2data"] = invoice2data_set()
    if ZUGFERD.exists():
        sets["zugferd-visible"] = zugferd_set()
    report: dict[str, Any] = {"engine": args.engine, "sets": {}}
    everything: list[FieldScore] = []
    for name, docs in sets.items():
        scores = [s for _, doc_scores in docs for s in doc_scores]
        if name != "own":  # embedded-XML values (confidence 1.0) would flatter calibration
            everything += scores
        summary = summarise(scores) | {"documents": len(docs), "per_field": _per_field(scores)}
        report["sets"][name] = summary
        accuracy = summary["accuracy"] or 0.0
        print(
            f"{name:16} docs {len(docs):3}  key fields right {summary['right']}/"
            f"{summary['fields']} = {accuracy:.1%}  confident (>=0.9) precision "
            f"{summary['confident_right']}/{summary['confident_fields']}"
            + (
                f" = {summary['confident_precision']:.1%}"
                if summary["confident_precision"] is not None
                else ""
            )
        )
        if args.details:
            for doc, doc_scores in docs:
                for s in doc_scores:
                    if not s.right:
                        print(
                            f"    {doc}: {s.field} want {s.expected!r} got {s.actual!r} "
                            f"conf {s.confidence}"
                        )
    report["calibration"] = _buckets(everything)
    print("calibration over the sets we did not read from XML (own-visible, eval sets):")
    for row in report["calibration"]:
        precision = "" if row["precision"] is None else f"precision {row['precision']:.1%}"
        print(f"    {row['confidence']:>14}  {row['fields']:4} fields  {precision}")
    if not args.quick:
        files = [p for folder in (OWN, I2D, ZUGFERD) for p in sorted(folder.glob("*.pdf"))]
        report["speed"] = speed(files, args.rounds)
        sp = report["speed"]
        rate, ratio = sp["pages_per_s"], sp["ratio_to_pdfplumber_extract_words"]
        print(
            f"speed over {sp['pages']} pages, one core: pdfplumber extract_words alone "
            f"{rate['baseline']} pages/s; bilag all fields with pdfium words {rate['pdfium']} "
            f"pages/s ({ratio['pdfium']}x the baseline's time), with pdfplumber words "
            f"{rate['pdfplumber']} pages/s ({ratio['pdfplumber']}x)"
        )
    OUT.mkdir(exist_ok=True)
    (OUT / "pdf.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0
