"""The whole pipeline, touchless rate first (issue 12): on the development corpus with a
company, an approver and exchange rates configured, and on ``sample_documents/``.

    .venv/bin/python -m bench process                   # corpus (300 invoices) and samples
    .venv/bin/python -m bench process --count=60 --samples=no
    .venv/bin/python -m bench process --fields=no       # skip the extraction pass (faster)

Everything goes through the ``bilag`` command in this process, as a company runs it:
``bilag learn`` on the workspace's three-year history, then ``bilag process --json`` on
every document, then again (the rerun must post nothing new).

Corpus figures, per invoice the truth knows (a document may hold several):

* posted untouched: status ``posted``; *routed with nothing to fix*: ``awaiting_approval``
  with every key field right (``bilag extract`` of the same file, scored as in
  ``bench extract``) and the account right;
* why the rest waits: the reason codes of everything neither posted nor routed, counted
  once per invoice per code; and the reasons approvers are asked;
* coding: the account ``bilag process`` reports (the largest line's) against the answer
  key (the account of the drawn invoice's largest line), on what went through and on all;
* duplicates: the documents are handed over in the order they reach the mailbox (the
  manifest's ``arrival``); of every invoice that arrives twice on purpose (a PDF and its
  scan, an EHF and its PDF, a re-sent mail) the later arrival must be marked ``duplicate``
  or held with a duplicate reason; no invoice may have more than one voucher (a reminder
  of an invoice already received must not be posted); a rerun adds none.

Sample figures (``sample_documents/``): straight-through share, the largest line's
account against ``scripts/make_sample_history.py``'s answer key, and speed as a ratio to
``bilag extract`` over the same files in the same run. Writes ``bench/out/process.json``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.corpus_eval import OUT, ROOT, ensure_corpus, match_outputs, outputs_by_file, run_bilag

SAMPLES = ROOT / "sample_documents"
SAMPLE_FOLDERS = [SAMPLES / name for name in ("ehf", "pdf", "scans", "email")]
DUPLICATE_CODES = frozenset({"duplicate", "duplicate_suspected"})
APPROVAL_ONLY = frozenset(
    {"approval_rule", "amount_over_limit", "currency", "unknown_supplier", "untrusted_supplier"}
    | {"department", "project", "supplier_always_approve", "auto_post_disabled", "warning_finding"}
    | {"foreign_supplier"}
)


@dataclass(slots=True)
class Outcome:
    """One invoice of the corpus and what ``bilag process`` did with it."""

    doc: str
    order: tuple[str, int]  # the order bilag meets it in (arrival, place in the file)
    key: str  # the drawn invoice (a reminder's key ends in "r")
    cls: str
    split: str
    kind: str
    status: str
    reasons: list[str]
    account: str | None
    expected_accounts: list[str]
    voucher: str | None
    fields_right: bool | None  # every key field right in ``bilag extract`` (None: not run)

    @property
    def account_right(self) -> bool:
        return self.account is not None and self.account in self.expected_accounts

    @property
    def flagged_duplicate(self) -> bool:
        return self.status == "duplicate" or bool(DUPLICATE_CODES & set(self.reasons))

    @property
    def routed_clean(self) -> bool:
        """Waiting only for an approver's signature, with nothing to correct."""
        return (
            self.status == "awaiting_approval"
            and self.fields_right is not False
            and self.account_right
            and not (set(self.reasons) - APPROVAL_ONLY)
        )


def _learn(home: Path, history: Path) -> dict[str, Any]:
    run = run_bilag(["learn", "--home", str(home), str(history)])
    if run.status != 0:
        raise RuntimeError(f"bilag learn failed: {run.stderr.strip()}")
    return {"seconds": round(run.wall_s, 1), "summary": run.stderr.strip().splitlines()[-1:]}


def _home(tmp: Path, workspace: Path) -> Path:
    home = tmp / "home"
    home.mkdir(parents=True)
    for name in ("config.toml", "policy.toml"):
        (home / name).write_bytes((workspace / name).read_bytes())
    return home


def _in_arrival_order(corpus: Path) -> list[dict[str, Any]]:
    """The corpus's documents in the order they reach the mailbox (a reminder after its
    invoice, a second arrival after the first)."""
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    return sorted(manifest["documents"], key=lambda d: (d["arrival"], d["path"]))


def _as_extract(result: dict[str, Any]) -> dict[str, Any]:
    """A process result in the shape ``match_outputs`` pairs on: a result that says the
    file holds no invoice is not an invoice."""
    no_invoice = any(r.get("code") == "no_invoice" for r in result.get("reasons", []))
    return {**result, "document_type": None if no_invoice else "invoice"}


def corpus_outcomes(
    corpus: Path, results: list[dict[str, Any]], verdicts: dict[tuple[str, str], bool] | None
) -> tuple[list[Outcome], int, dict[str, list[str]]]:
    """Every truth invoice with its process result; results claiming an invoice the truth
    does not have; and the documents each drawn invoice arrived as (truth source ids)."""
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    answer = manifest["invoices"]
    grouped = outputs_by_file(results, corpus)
    outcomes: list[Outcome] = []
    phantoms = 0
    for doc in manifest["documents"]:
        truths = json.loads((corpus / doc["truth"]).read_text(encoding="utf-8"))
        truths = truths if isinstance(truths, list) else [truths]
        mine = [_as_extract(r) for r in grouped.get(Path(doc["path"]).name, [])]
        matched = match_outputs(truths, mine)
        phantoms += len(matched.phantoms)
        for place, (want, got) in enumerate(matched.pairs):
            if want.get("document_type") is None:
                continue
            got = got or {}
            outcomes.append(
                Outcome(
                    doc=doc["id"],
                    order=(doc["arrival"], place),
                    key=doc["key"],
                    cls=doc["class"],
                    split=doc["split"],
                    kind=doc["kind"],
                    status=got.get("status", "missing"),
                    reasons=[r.get("code", "") for r in got.get("reasons", [])],
                    account=got.get("account"),
                    expected_accounts=answer[doc["key"]]["main_accounts"],
                    voucher=got.get("voucher_id"),
                    fields_right=None
                    if verdicts is None
                    else verdicts.get((doc["id"], want["source"])),
                )
            )
    return outcomes, phantoms, manifest


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def arrivals(outcomes: list[Outcome]) -> tuple[list[Outcome], list[Outcome]]:
    """First arrivals (the one of each drawn invoice bilag meets first) and repeats."""
    by_key: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_key.setdefault(o.key, []).append(o)
    first, repeats = [], []
    for group in by_key.values():
        group.sort(key=lambda o: o.order)
        first.append(group[0])
        repeats += group[1:]
    return first, repeats


def duplicate_figures(outcomes: list[Outcome]) -> dict[str, Any]:
    """Repeats flagged or not, single arrivals flagged wrongly, vouchers per invoice."""
    first, repeats = arrivals(outcomes)
    vouchers: dict[str, set[str]] = {}
    for o in outcomes:
        if o.voucher:
            vouchers.setdefault(o.key.removesuffix("r"), set()).add(o.voucher)
    reminders = [o for o in first if o.kind == "reminder"]
    return {
        "repeats": len(repeats),
        "repeats_flagged": sum(o.flagged_duplicate for o in repeats),
        "repeats_not_flagged": sorted(o.doc for o in repeats if not o.flagged_duplicate),
        "first_arrivals_flagged_duplicate": sorted(
            o.doc for o in first if o.flagged_duplicate and o.kind != "reminder"
        ),
        "invoices_posted_twice": sorted(k for k, v in vouchers.items() if len(v) > 1),
        "reminders": len(reminders),
        "reminders_posted": sorted(o.doc for o in reminders if o.status == "posted"),
        "reminders_flagged_duplicate": sum(o.flagged_duplicate for o in reminders),
    }


def through_figures(
    outcomes: list[Outcome], keep: Callable[[Outcome], bool] = bool
) -> dict[str, Any]:
    """Posted untouched, routed with nothing to fix, why the rest waits, coding; of the first
    arrivals ``keep`` selects (a class: never a repeat whose first arrival was in another)."""
    firsts = [o for o in arrivals(outcomes)[0] if o.kind != "reminder" and keep(o)]
    n = len(firsts)
    posted = [o for o in firsts if o.status == "posted"]
    routed = [o for o in firsts if o.routed_clean]
    through = posted + routed
    why: Counter[str] = Counter()
    for o in firsts:
        if o.status != "posted" and not o.routed_clean:
            why.update(set(o.reasons) or {o.status})
    approvals: Counter[str] = Counter()
    for o in routed:
        approvals.update(set(o.reasons))
    coded = [o for o in firsts if o.account is not None]
    return {
        "invoices": n,
        "posted": len(posted),
        "posted_share": _share(len(posted), n),
        "routed_nothing_to_fix": len(routed),
        "routed_share": _share(len(routed), n),
        "through_share": _share(len(through), n),
        "account_right_through": _share(sum(o.account_right for o in through), len(through)),
        "account_right_posted": _share(sum(o.account_right for o in posted), len(posted)),
        "posted_with_a_field_wrong": sorted(o.doc for o in posted if o.fields_right is False),
        "account_wrong_through": sorted(
            f"{o.doc}: {o.account} (want {'/'.join(o.expected_accounts)})"
            for o in through
            if not o.account_right
        ),
        "account_right_all_coded": _share(sum(o.account_right for o in coded), len(coded)),
        "statuses": dict(Counter(o.status for o in firsts).most_common()),
        "why_waiting": dict(why.most_common()),
        "approval_reasons": dict(approvals.most_common()),
    }


def _load_verdicts(path: Path, corpus: Path) -> dict[tuple[str, str], bool]:
    """The key-field verdicts a ``bench extract`` run of the same corpus wrote."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if Path(data["corpus"]).resolve() != corpus.resolve():
        raise SystemExit(f"{path} is about {data['corpus']}, not {corpus}")
    return {tuple(k.split("|", 1)): v for k, v in data["verdicts"].items()}  # type: ignore[misc]


def run_corpus(corpus: Path, *, fields: bool, verdict_file: Path | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        home = _home(tmp, corpus / "workspace")
        learned = _learn(home, corpus / "workspace" / "history.csv")
        docs = [str(corpus / d["path"]) for d in _in_arrival_order(corpus)]
        first = run_bilag(["process", "--home", str(home), "--json", *docs])
        again = run_bilag(["process", "--home", str(home), "--json", *docs])
        verdicts = _load_verdicts(verdict_file, corpus) if verdict_file else None
        if fields and verdicts is None:
            from bench.bench_extract import corpus_field_verdicts

            verdicts = corpus_field_verdicts(corpus, _home(tmp / "x", corpus / "workspace"))
    results: list[dict[str, Any]] = first.output or []
    outcomes, phantoms, manifest = corpus_outcomes(corpus, results, verdicts)
    ids_before = {r.get("voucher_id") for r in results} - {None}
    ids_after = {r.get("voucher_id") for r in again.output or []} - {None}
    n_docs = len(manifest["documents"])
    figures: dict[str, Any] = {
        "learn": learned,
        "documents": n_docs,
        "results": len(results),
        "phantom_invoices": phantoms,
        "all": through_figures(outcomes),
        "by_class": {},
        "by_split": {},
        "duplicates": duplicate_figures(outcomes),
        "rerun_new_vouchers": len(ids_after - ids_before),
        "rerun_same_results": first.output == again.output,
        "process_seconds": round(first.wall_s, 1),
        "process_s_per_doc": round(first.wall_s / n_docs, 3),
        "rerun_seconds": round(again.wall_s, 1),
        "fields_checked": fields,
    }
    for name, attr in (("by_class", "cls"), ("by_split", "split")):
        for value in sorted({getattr(o, attr) for o in outcomes}):
            figures[name][value] = through_figures(
                outcomes,
                lambda o: bool(getattr(o, attr) == value),  # noqa: B023 (used at once)
            )
    figures["outcomes"] = [asdict(o) for o in outcomes]  # every invoice, to look into
    return figures


# ---- sample_documents/ ----------------------------------------------------------------------


def _sample_answer_key() -> Callable[[str], tuple[str, str]]:
    spec = importlib.util.spec_from_file_location(
        "history", ROOT / "scripts" / "make_sample_history.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.expected_account  # type: ignore[no-any-return]


def _largest_line(golden: dict[str, Any]) -> str | None:
    lines = golden.get("lines") or []
    if not lines:
        return None
    best = max(lines, key=lambda ln: abs(Decimal(ln.get("net_amount") or "0")))
    return str(best.get("description") or "")


def run_samples() -> dict[str, Any]:
    expected_account = _sample_answer_key()
    goldens: dict[str, dict[str, Any]] = {}
    for folder in SAMPLE_FOLDERS:
        for path in folder.glob("*.expected.json"):
            data = json.loads(path.read_text(encoding="utf-8"))
            items = data if isinstance(data, list) else [data]
            for item in items:
                goldens[Path(item["source"].rsplit("#", 1)[-1]).name] = item
            if len(items) == 1:  # an invoice in a mail's body is "mail.eml#body" in its golden
                goldens.setdefault(Path(items[0]["source"].split("#", 1)[0]).name, items[0])
    with tempfile.TemporaryDirectory() as name:
        home = _home(Path(name), SAMPLES / "history")
        _learn(home, SAMPLES / "history" / "history.csv")
        paths = [str(f) for f in SAMPLE_FOLDERS]
        extract = run_bilag(["extract", "--home", str(home), "--json", *paths])
        first = run_bilag(["process", "--home", str(home), "--json", *paths])
        again = run_bilag(["process", "--home", str(home), "--json", *paths])
    results: list[dict[str, Any]] = first.output or []
    invoices = [r for r in results if r["status"] != "duplicate" and not _no_invoice(r)]
    posted = [r for r in invoices if r["status"] == "posted"]
    right, wrong, unjudged = 0, [], []
    for r in posted:
        golden = goldens.get(Path(r["source"].rsplit("#", 1)[-1]).name)
        line = _largest_line(golden) if golden else None
        if line is None:  # a golden without lines: nothing to judge the account by
            unjudged.append(Path(r["source"]).name)
        elif r["account"] == expected_account(line)[0]:
            right += 1
        else:
            wrong.append(Path(r["source"]).name)
    ids = {r.get("voucher_id") for r in results} - {None}
    ids_again = {r.get("voucher_id") for r in again.output or []} - {None}
    documents = len(extract.output or [])
    return {
        "results": len(results),
        "statuses": dict(Counter(r["status"] for r in results)),
        "invoices_read": len(invoices),
        "posted": len(posted),
        "straight_through": _share(len(posted), len(invoices)),
        "coded_right": _share(right, right + len(wrong)),
        "coded_wrong": wrong,
        "coded_not_judged": unjudged,
        "process_seconds": round(first.wall_s, 2),
        "extract_seconds": round(extract.wall_s, 2),
        "ratio_process_to_extract": round(first.wall_s / extract.wall_s, 2),
        "process_docs_per_s": round(documents / first.wall_s, 2),
        "rerun_new_vouchers": len(ids_again - ids),
        "rerun_same_results": first.output == again.output,
    }


def _no_invoice(result: dict[str, Any]) -> bool:
    return any(r.get("code") == "no_invoice" for r in result.get("reasons", []))


def _pct(value: float | None) -> str:
    return "  -  " if value is None else f"{value:6.1%}"


def _through_line(name: str, f: dict[str, Any]) -> str:
    return (
        f"  {name:16} {f['invoices']:4} invoices  posted {_pct(f['posted_share'])}"
        f"  + routed, nothing to fix {_pct(f['routed_share'])}  = {_pct(f['through_share'])}"
        f"  account right {_pct(f['account_right_through'])}"
    )


def print_corpus(f: dict[str, Any]) -> None:
    print(f"  learn: {f['learn']['seconds']} s; {' '.join(f['learn']['summary'])}")
    print(_through_line("all", f["all"]))
    for cls, g in f["by_class"].items():
        print(_through_line(cls, g))
    for split, g in f["by_split"].items():
        print(_through_line(split, g))
    a = f["all"]
    print(f"  statuses of first arrivals: {a['statuses']}")
    print(f"  why the rest waits (invoices per reason): {a['why_waiting']}")
    print(f"  approvers asked because: {a['approval_reasons']}")
    print(
        f"  account right: posted {_pct(a['account_right_posted'])}, every coded invoice "
        f"{_pct(a['account_right_all_coded'])}; posted with a key field wrong: "
        f"{len(a['posted_with_a_field_wrong'])}"
    )
    d = f["duplicates"]
    print(
        f"  duplicates: {d['repeats_flagged']}/{d['repeats']} repeats flagged; first arrivals "
        f"flagged: {len(d['first_arrivals_flagged_duplicate'])}; invoices with two vouchers: "
        f"{len(d['invoices_posted_twice'])}; reminders posted: {len(d['reminders_posted'])}"
        f"/{d['reminders']}"
    )
    speed = (
        f"{f['documents']} documents in {f['process_seconds']} s ({f['process_s_per_doc']} s/doc)"
    )
    rerun = f"rerun {f['rerun_seconds']} s, new vouchers {f['rerun_new_vouchers']}"
    print(
        f"  {speed}; {rerun}, same results {f['rerun_same_results']}; "
        f"results claiming an invoice not there: {f['phantom_invoices']}"
    )


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="bench process", description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--classes", default="pdf,scan-upright,scan-turned,photo,email,ehf")
    ap.add_argument("--corpus", type=Path, default=None)
    ap.add_argument("--samples", choices=("yes", "no"), default="yes")
    ap.add_argument("--fields", choices=("yes", "no"), default="yes")
    ap.add_argument(
        "--verdicts",
        type=Path,
        default=None,
        help="bench extract's JSON of the same corpus and code: skips the extraction pass",
    )
    ap.add_argument("--out", type=Path, default=OUT / "process.json")
    args = ap.parse_args(argv)
    report: dict[str, Any] = {"load_before": os.getloadavg()}
    started = time.perf_counter()
    if args.count > 0:
        classes = tuple(c for c in args.classes.split(",") if c)
        corpus = ensure_corpus(args.seed, args.count, classes, args.corpus)
        print(f"-- corpus {corpus.name}")
        report["corpus"] = run_corpus(
            corpus, fields=args.fields == "yes", verdict_file=args.verdicts
        )
        print_corpus(report["corpus"])
    if args.samples == "yes":
        print("-- sample_documents/")
        s = report["samples"] = run_samples()
        print(
            f"  {s['invoices_read']} invoices read; posted {s['posted']} = "
            f"{_pct(s['straight_through'])}; coded right {_pct(s['coded_right'])} "
            f"(wrong: {s['coded_wrong']}); process {s['process_seconds']} s = "
            f"{s['ratio_process_to_extract']}x extract; rerun new vouchers "
            f"{s['rerun_new_vouchers']}, same results {s['rerun_same_results']}"
        )
    report["load_after"] = os.getloadavg()
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(f"  load average before {report['load_before']}, after {report['load_after']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0
