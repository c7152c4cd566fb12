"""Key-field accuracy on invoices bilag was not written against (issue 12), per class of
input, per field, per layout family, tune vs held-out; beside the golden samples and the
public evaluation sets.

    .venv/bin/python -m bench extract                    # corpus (300 invoices), samples, eval
    .venv/bin/python -m bench extract --count 60 --quick # a smaller corpus, no eval sets
    .venv/bin/python -m bench extract --details          # also every wrong field
    .venv/bin/python -m bench extract --only=photo --quick --seed=2  # one class of a corpus

The corpus comes from ``bench/corpus`` (``python -m bench.corpus``), generated into
``bench/out/corpus-s<seed>-n<count>`` and reused while the generator is unchanged. Each
class folder is read by ``bilag extract --home <workspace> --json`` in this process, the
workspace set up as the corpus's company (``workspace/config.toml``). The truth was
written from the drawn invoices, never from what bilag reads.

Figures (``bench/keyfields.py``, ``TOUCHLESS_FIELDS``): a document is right when every key
field of every invoice in it is right and no invoice was invented; "made up" counts values
returned where the truth is null; confident precision is over fields with confidence
>= 0.9; time is wall seconds per document (and CPU seconds of this process and its
finished children), with the load average beside it. Reminders (a reminder of an invoice
the corpus also holds) are reported apart from their class. Results go to
``bench/out/extract.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.corpus_eval import OUT, ROOT, ensure_corpus, match_outputs, outputs_by_file, run_bilag
from bench.keyfields import (
    NAME_FIELDS,
    TOUCHLESS_FIELDS,
    FieldScore,
    same_value,
    score_key_fields,
)

SAMPLES = ROOT / "sample_documents"
EVAL = ROOT.parent / "shared" / "eval-data"
CLASS_NAMES = {
    "pdf": "text PDF",
    "scan-upright": "scan, flatbed upright",
    "scan-turned": "scan, turned",
    "photo": "phone photo",
    "email": "e-mail",
    "ehf": "EHF",
    "reminder": "reminder (any class)",
}


@dataclass(slots=True)
class DocResult:
    doc: str
    group: str  # the class, or "reminder"
    family: str
    split: str
    scores: list[FieldScore] = field(default_factory=list)
    names: list[FieldScore] = field(default_factory=list)
    invoices: int = 0
    found: int = 0
    phantoms: int = 0
    verdicts: dict[str, bool] = field(default_factory=dict)  # truth source -> all key fields right

    @property
    def all_right(self) -> bool:
        return (
            self.found == self.invoices and not self.phantoms and all(s.right for s in self.scores)
        )


def _truths(path: Path) -> list[dict[str, Any]]:
    value = json.loads(path.read_text(encoding="utf-8"))
    return value if isinstance(value, list) else [value]


def score_document(
    doc: str,
    group: str,
    family: str,
    split: str,
    truths: list[dict[str, Any]],
    outputs: list[dict[str, Any]],
) -> DocResult:
    matched = match_outputs(truths, outputs)
    result = DocResult(doc, group, family, split, phantoms=len(matched.phantoms))
    for want, got in matched.pairs:
        if want.get("document_type") is not None:
            result.invoices += 1
            result.found += got is not None and got.get("document_type") is not None
        scores = score_key_fields(want, got, TOUCHLESS_FIELDS, account_first=True)
        result.scores += scores
        found = got is not None and got.get("document_type") is not None
        result.verdicts[want["source"]] = found and all(s.right for s in scores)
        if want.get("document_type") is not None:
            result.names += score_key_fields(want, got, NAME_FIELDS)
    return result


def summarise_docs(docs: list[DocResult]) -> dict[str, Any]:
    scores = [s for d in docs for s in d.scores]
    names = [s for d in docs for s in d.names]
    confident = [s for s in scores if s.confident]
    per_field: dict[str, list[FieldScore]] = defaultdict(list)
    for s in scores + names:
        per_field[s.field].append(s)
    right_docs = sum(d.all_right for d in docs)
    return {
        "documents": len(docs),
        "documents_all_right": right_docs,
        "share_all_right": round(right_docs / len(docs), 4) if docs else None,
        "fields": len(scores),
        "fields_right": sum(s.right for s in scores),
        "field_accuracy": round(sum(s.right for s in scores) / len(scores), 4) if scores else None,
        "confident_fields": len(confident),
        "confident_right": sum(s.right for s in confident),
        "confident_precision": round(sum(s.right for s in confident) / len(confident), 4)
        if confident
        else None,
        "made_up": sum(1 for s in scores if s.expected is None and s.actual is not None),
        "missed": sum(1 for s in scores if s.expected is not None and s.actual is None),
        "phantom_invoices": sum(d.phantoms for d in docs),
        "invoices_not_found": sum(d.invoices - d.found for d in docs),
        "names_right": f"{sum(s.right for s in names)}/{len(names)}",
        "per_field": {
            k: f"{sum(s.right for s in v)}/{len(v)}" for k, v in sorted(per_field.items())
        },
    }


def _workspace(config: Path, tmp: Path) -> Path:
    home = tmp / "home"
    home.mkdir(parents=True, exist_ok=True)
    for name in ("config.toml", "policy.toml"):
        if (config / name).exists():
            (home / name).write_bytes((config / name).read_bytes())
    return home


def corpus_results(
    corpus: Path, home: Path, only: tuple[str, ...] = ()
) -> tuple[list[DocResult], dict[str, dict[str, float]]]:
    """Every document of the corpus scored, or those of the classes in ``only``."""
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    by_class: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc in manifest["documents"]:
        if not only or doc["class"] in only:
            by_class[doc["class"]].append(doc)
    results: list[DocResult] = []
    timing: dict[str, dict[str, float]] = {}
    for cls, docs in sorted(by_class.items()):
        folder = corpus / "docs" / cls
        run = run_bilag(["extract", "--home", str(home), "--json", str(folder)])
        grouped = outputs_by_file(run.output or [], folder)
        timing[cls] = {
            "documents": len(docs),
            "wall_s_per_doc": round(run.wall_s / len(docs), 3),
            "cpu_s_per_doc": round(run.cpu_s / len(docs), 3),
        }
        for doc in docs:
            group = "reminder" if doc["kind"] == "reminder" else cls
            truths = _truths(corpus / doc["truth"])
            outputs = grouped.get(Path(doc["path"]).name, [])
            results.append(
                score_document(doc["id"], group, doc["family"], doc["split"], truths, outputs)
            )
    return results, timing


def corpus_field_verdicts(corpus: Path, home: Path) -> dict[tuple[str, str], bool]:
    """(document id, truth source) -> whether ``bilag extract`` got every key field right."""
    results, _ = corpus_results(corpus, home)
    return {(r.doc, source): ok for r in results for source, ok in r.verdicts.items()}


def golden_results(tmp: Path) -> tuple[list[DocResult], dict[str, dict[str, float]]]:
    home = _workspace(SAMPLES / "history", tmp / "golden")
    results: list[DocResult] = []
    timing: dict[str, dict[str, float]] = {}
    for name in ("pdf", "scans", "email", "ehf"):
        folder = SAMPLES / name
        goldens = sorted(folder.glob("*.expected.json"))
        run = run_bilag(["extract", "--home", str(home), "--json", str(folder)])
        grouped = outputs_by_file(run.output or [], folder)
        timing[name] = {
            "documents": len(goldens),
            "wall_s_per_doc": round(run.wall_s / len(goldens), 3),
            "cpu_s_per_doc": round(run.cpu_s / len(goldens), 3),
        }
        for golden in goldens:
            stem = golden.name.removesuffix(".expected.json")
            file = next(
                p.name for p in folder.iterdir() if p.stem == stem and not p.name.endswith(".json")
            )
            results.append(
                score_document(
                    file, name, "golden", "golden", _truths(golden), grouped.get(file, [])
                )
            )
    return results, timing


# ---- the public evaluation sets (never tuned on) ------------------------------------------


def _scored(field_name: str, want: Any, got: dict[str, Any], path: tuple[str, ...]) -> FieldScore:
    value: Any = got
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    conf = (got.get("confidence") or {}).get(field_name) if value is not None else None
    return FieldScore(
        field_name,
        None if want is None else str(want),
        None if value is None else str(value),
        same_value(field_name, want, value),
        conf,
    )


def invoice2data_results(home: Path) -> list[DocResult]:
    """invoice2data's compare set: number, date, amount (gross), currency."""
    from bench.bench_pdf import _i2d_amount

    folder = EVAL / "invoice2data" / "compare"
    run = run_bilag(
        ["extract", "--home", str(home), "--json", *map(str, sorted(folder.glob("*.pdf")))]
    )
    grouped = outputs_by_file(run.output or [], folder)
    results = []
    for pdf in sorted(folder.glob("*.pdf")):
        truth_path = pdf.with_suffix(".json")
        if not truth_path.exists():
            continue
        want = json.loads(truth_path.read_text(encoding="utf-8"))[0]
        got = next(iter(grouped.get(pdf.name, [])), {})
        pairs = {
            "invoice_number": (want.get("invoice_number"), ("invoice_number",)),
            "issue_date": (want.get("date"), ("issue_date",)),
            "gross_total": (_i2d_amount(want.get("amount")), ("gross_total",)),
            "currency": (want.get("currency"), ("currency",)),
        }
        result = DocResult(
            pdf.name, "invoice2data", "eval", "eval", invoices=1, found=int(bool(got))
        )
        result.scores = [_scored(k, w, got, p) for k, (w, p) in pairs.items() if w is not None]
        results.append(result)
    return results


def _unsigned(obj: dict[str, Any]) -> dict[str, Any]:
    obj = dict(obj)
    for key in ("net_total", "vat_total", "gross_total", "payable_amount"):
        if isinstance(obj.get(key), str):
            obj[key] = obj[key].lstrip("-")
    return obj


def zugferd_results(home: Path) -> list[DocResult]:
    """ZUGFeRD/Factur-X hybrids read from their visible text; the embedded XML (read by
    ``bilag extract`` without the flag) is the truth, on the key fields it states."""
    folder = EVAL / "zugferd-corpus-xml-rechnung" / "FX-pdf"
    truth_run = run_bilag(["extract", "--home", str(home), "--json", str(folder)])
    visible = run_bilag(
        ["extract", "--home", str(home), "--json", "--ignore-embedded-xml", str(folder)]
    )
    truths = outputs_by_file(truth_run.output or [], folder)
    gots = outputs_by_file(visible.output or [], folder)
    results = []
    for name, objs in sorted(truths.items()):
        want = objs[0]
        if want.get("parser") != "pdf" or want.get("document_type") is None:
            continue
        got = next(iter(gots.get(name, [])), None)
        scores = score_key_fields(
            _unsigned(want), _unsigned(got) if got else None, TOUCHLESS_FIELDS, account_first=True
        )
        result = DocResult(
            name, "zugferd-visible", "eval", "eval", invoices=1, found=int(got is not None)
        )
        result.scores = [s for s in scores if s.expected is not None]
        results.append(result)
    return results


def sroie_results(home: Path, limit: int) -> list[DocResult]:
    """SROIE receipts: company -> supplier name, date, total (gross, or payable if alone)."""
    from bench.bench_ocr import _number, _sroie_date

    folder = EVAL / "sroie-receipts"
    images = sorted((folder / "img").glob("*.jpg"))[:limit]
    run = run_bilag(["extract", "--home", str(home), "--json", *map(str, images)])
    grouped = outputs_by_file(run.output or [], folder / "img")
    results = []
    for image in images:
        key = json.loads((folder / "key" / f"{image.stem}.json").read_text(encoding="utf-8"))
        got = dict(next(iter(grouped.get(image.name, [])), {}))
        if got and got.get("gross_total") is None and got.get("payable_amount") is not None:
            got["gross_total"] = got["payable_amount"]
        result = DocResult(image.name, "sroie", "eval", "eval", invoices=1, found=int(bool(got)))
        result.scores = [
            _scored("supplier.name", key.get("company"), got, ("supplier", "name")),
            _scored("issue_date", _sroie_date(key.get("date", "")), got, ("issue_date",)),
            _scored("gross_total", _number(key.get("total", "")), got, ("gross_total",)),
        ]
        result.scores = [s for s in result.scores if s.expected is not None]
        results.append(result)
    return results


# ---- reporting ----------------------------------------------------------------------------


def _groups(results: list[DocResult], key: Any) -> dict[str, list[DocResult]]:
    out: dict[str, list[DocResult]] = defaultdict(list)
    for r in results:
        out[key(r)].append(r)
    return dict(sorted(out.items()))


def _line(name: str, s: dict[str, Any], timing: dict[str, float] | None = None) -> str:
    share = s["share_all_right"]
    acc = s["field_accuracy"]
    prec = s["confident_precision"]
    text = (
        f"  {name:24} {s['documents']:4} docs  all right {'' if share is None else f'{share:6.1%}'}"
        f"  fields {'' if acc is None else f'{acc:6.1%}'}"
        f"  conf>=0.9 {'  -   ' if prec is None else f'{prec:6.1%}'} ({s['confident_fields']})"
        f"  made up {s['made_up']:3}  missed {s['missed']:3}  names {s['names_right']}"
    )
    if timing:
        text += f"  {timing['wall_s_per_doc']:.2f} s/doc"
    return text


def report(
    results: list[DocResult],
    timing: dict[str, dict[str, float]],
    title: str,
    *,
    families: bool = True,
) -> dict[str, Any]:
    print(f"-- {title}")
    out: dict[str, Any] = {"by_class": {}, "by_class_split": {}, "by_family": {}, "timing": timing}
    for group, docs in _groups(results, lambda r: r.group).items():
        summary = summarise_docs(docs)
        out["by_class"][group] = summary
        print(_line(CLASS_NAMES.get(group, group), summary, timing.get(group)))
    everything = summarise_docs(results)
    out["all"] = everything
    print(_line("all", everything))
    if families:
        for split_key, docs in _groups(results, lambda r: f"{r.group} / {r.split}").items():
            out["by_class_split"][split_key] = summarise_docs(docs)
        print("   tune vs held-out:")
        for split_key, summary in out["by_class_split"].items():
            group, split = split_key.split(" / ")
            print(_line(f"{CLASS_NAMES.get(group, group)[:14]} {split}", summary))
        for split, docs in _groups(results, lambda r: r.split).items():
            out.setdefault("by_split", {})[split] = summarise_docs(docs)
        for family, docs in _groups(results, lambda r: r.family).items():
            out["by_family"][family] = summarise_docs(docs)
        print("   by family (every class):")
        for family, summary in out["by_family"].items():
            print(_line(family, summary))
    return out


def _details(results: list[DocResult]) -> None:
    for r in results:
        for s in r.scores:
            if not s.right:
                got = f"got {s.actual!r} ({s.confidence})"
                print(f"    {r.group:12} {r.doc}: {s.field} want {s.expected!r} {got}")
        if r.phantoms:
            print(f"    {r.group:12} {r.doc}: {r.phantoms} invoice(s) that are not there")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="bench extract", description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=300, help="invoices to draw")
    ap.add_argument("--classes", default="pdf,scan-upright,scan-turned,photo,email,ehf")
    ap.add_argument("--corpus", type=Path, default=None, help="where the corpus is (or goes)")
    ap.add_argument("--only", default="", help="score these classes of the corpus (e.g. photo)")
    ap.add_argument("--quick", action="store_true", help="no golden scans, no eval sets")
    ap.add_argument("--no-golden", action="store_true")
    ap.add_argument("--no-eval", action="store_true")
    ap.add_argument("--sroie", type=int, default=24)
    ap.add_argument("--details", action="store_true", help="print every wrong field")
    ap.add_argument("--out", type=Path, default=OUT / "extract.json")
    args = ap.parse_args(argv)
    classes = tuple(c for c in args.classes.split(",") if c)
    corpus = ensure_corpus(args.seed, args.count, classes, args.corpus)
    result: dict[str, Any] = {
        "corpus": str(corpus),
        "seed": args.seed,
        "count": args.count,
        "load_before": os.getloadavg(),
    }
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        home = _workspace(corpus / "workspace", tmp)
        only = tuple(c for c in args.only.split(",") if c)
        docs, timing = corpus_results(corpus, home, only)
        # for bench process --verdicts: which invoices bilag extract read entirely right
        result["verdicts"] = {f"{r.doc}|{src}": ok for r in docs for src, ok in r.verdicts.items()}
        result["corpus_figures"] = report(
            docs, timing, f"corpus (seed {args.seed}, {args.count} invoices)"
        )
        if args.details:
            _details(docs)
        if not (args.no_golden or args.quick):
            golden, golden_timing = golden_results(tmp)
            result["golden"] = report(golden, golden_timing, "golden samples", families=False)
            if args.details:
                _details(golden)
        if not (args.no_eval or args.quick) and EVAL.exists():
            eval_home = _workspace(tmp / "none", tmp / "eval")
            sets = (
                invoice2data_results(eval_home)
                + zugferd_results(eval_home)
                + sroie_results(eval_home, args.sroie)
            )
            result["eval"] = report(
                sets, {}, "../shared/eval-data (never tuned on)", families=False
            )
            if args.details:
                _details(sets)
    result["load_after"] = os.getloadavg()
    print(f"load average before {result['load_before']}, after {result['load_after']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0
