"""The whole pipeline on sample_documents/: straight-through rate, coding accuracy, speed.

1. A fresh workspace with the demo policy learns ``sample_documents/history/history.csv``.
2. ``process_paths`` runs every sample (ehf, pdf, scans, email) through archive ->
   parse -> validate -> dedupe -> code -> rules -> post.
3. Figures:

   - straight-through: the share of invoices posted with no human touch, among the
     invoices bilag read (documents that hold no invoice and duplicates are counted
     apart, since neither should ever be posted);
   - coded right: among posted invoices, the share whose every cost line went to the
     account the sample company books such lines to (``scripts/make_sample_history.py``
     holds that answer key: the same table the history was generated from);
   - speed: documents per second for the whole pipeline, and its ratio to parsing and
     validating alone (``extract_documents``) over the same files in the same run: the
     cost of archiving, recording, deduplication, coding, rules and posting;
   - a rerun: the second ``process_paths`` must add no voucher.

Run: ``.venv/bin/python -m bench process``; writes ``bench/out/process.json``.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bilag.bootstrap import bootstrap
from bilag.config import load_settings
from bilag.services.extract import extract_documents
from bilag.services.process import ProcessResult, process_paths
from bilag.services.records import coding_from_json

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_documents"
FOLDERS = [SAMPLES / name for name in ("ehf", "pdf", "scans", "email")]
OUT = Path(__file__).parent / "out" / "process.json"


def _answer_key() -> Callable[[str], tuple[str, str]]:
    spec = importlib.util.spec_from_file_location(
        "history", ROOT / "scripts" / "make_sample_history.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.expected_account  # type: ignore[no-any-return]


def main(argv: list[str]) -> int:
    expected_account = _answer_key()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        for name in ("config.toml", "policy.toml"):
            shutil.copy(SAMPLES / "history" / name, home / name)
        bilag = Path(sys.executable).with_name("bilag")
        subprocess.run(
            [str(bilag), "learn", "--home", str(home), str(SAMPLES / "history" / "history.csv")],
            check=True,
            capture_output=True,
        )
        settings = load_settings(home)
        deps = bootstrap(settings)

        t0 = time.perf_counter()
        parsed = sum(1 for _ in extract_documents(FOLDERS))
        extract_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        results = process_paths(deps, FOLDERS)
        process_s = time.perf_counter() - t0

        # the baseline again, now with warm caches as the pipeline had them: keep the faster
        t0 = time.perf_counter()
        sum(1 for _ in extract_documents(FOLDERS))
        extract_s = min(extract_s, time.perf_counter() - t0)

        with deps.uow() as uow:
            vouchers_before = uow.repo.voucher_count()
        t0 = time.perf_counter()
        again = process_paths(deps, FOLDERS)
        rerun_s = time.perf_counter() - t0
        with deps.uow() as uow:
            vouchers_after = uow.repo.voucher_count()
            rows = {r.id: r for r in uow.repo.documents()}
        deps.ledger.dispose()

    figures = _figures(results, rows, expected_account)
    figures.update(
        {
            "documents_parsed": parsed,
            "extract_seconds": round(extract_s, 2),
            "process_seconds": round(process_s, 2),
            "rerun_seconds": round(rerun_s, 2),
            "process_docs_per_s": round(parsed / process_s, 2),
            "ratio_process_to_extract": round(process_s / extract_s, 2),
            "rerun_added_vouchers": vouchers_after - vouchers_before,
            "rerun_same_results": again == results,
        }
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    _print(figures)
    return 0


def _figures(
    results: list[ProcessResult],
    rows: dict[int, Any],
    expected_account: Callable[[str], tuple[str, str]],
) -> dict[str, Any]:
    statuses = Counter(r.status for r in results)
    invoices = [r for r in results if not r.failed and r.status != "duplicate"]
    posted = [r for r in invoices if r.status == "posted"]
    right, wrong = 0, []
    for r in posted:
        row = rows[r.document_id] if r.document_id is not None else None
        coding = coding_from_json(row.coding) if row is not None and row.coding else None
        lines = coding.lines if coding else ()
        ok = bool(lines) and all(
            line.account == expected_account(line.description)[0] for line in lines
        )
        if ok:
            right += 1
        else:
            wrong.append(Path(r.source).name)
    held = Counter(
        reason["code"]
        for r in invoices
        if r.status != "posted"
        for reason in r.reasons
        if reason.get("code") != "approval_rule"
    )
    return {
        "results": len(results),
        "statuses": dict(statuses),
        "invoices_read": len(invoices),
        "not_invoices": sum(1 for r in results if r.failed),
        "duplicates": statuses.get("duplicate", 0),
        "posted": len(posted),
        "straight_through": round(len(posted) / len(invoices), 4) if invoices else None,
        "coded_right": round(right / len(posted), 4) if posted else None,
        "coded_wrong": wrong,
        "why_not_posted": dict(held.most_common()),
    }


def _print(f: dict[str, Any]) -> None:
    print(f"results {f['results']}: {f['statuses']}")
    print(
        f"invoices read {f['invoices_read']} (apart: {f['not_invoices']} not invoices, "
        f"{f['duplicates']} duplicates)"
    )
    print(
        f"straight-through (posted, no human touch): {f['posted']}/{f['invoices_read']} "
        f"= {f['straight_through']:.1%}"
    )
    print(f"coded right among posted: {f['coded_right']:.1%}  wrong: {f['coded_wrong']}")
    print(f"why the others wait: {f['why_not_posted']}")
    print(
        f"speed: {f['documents_parsed']} documents, process {f['process_seconds']} s "
        f"({f['process_docs_per_s']} docs/s), extract alone {f['extract_seconds']} s, "
        f"ratio {f['ratio_process_to_extract']}x; rerun {f['rerun_seconds']} s, "
        f"added vouchers {f['rerun_added_vouchers']}, same results {f['rerun_same_results']}"
    )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
