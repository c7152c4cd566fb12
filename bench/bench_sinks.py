"""Delivery to Tripletex under faults: 1,000 vouchers, each exactly once, each read back equal.

A workspace ledger (SQLite) is filled with N posted supplier-invoice vouchers
(one to four lines, mixed VAT codes, 50 suppliers, each with an archived
original), and :func:`bilag.services.delivery.deliver_pending` delivers them to
the Tripletex loopback server of the tests, which validates every request
against Tripletex's OpenAPI description and injects a fault into a share of all
requests at random: ``lost`` (carried out, answered after the client's read
timeout), ``done-500`` (carried out, answered 500), ``429`` (Retry-After),
``500``, ``503`` and ``401`` (the session expires). Backoff waits are recorded,
not slept (they would only measure the retry policy); the lost answers cost
their real timeout.

Reported: vouchers at the server per voucher sent (must be exactly 1 each),
read-backs equal, requests refused by the spec (must be 0), and per voucher:
the server's own handling time (its ``Server-Timing``), the time on the wire
(server + loopback, as the client saw it, lost answers' timeouts included), and
the real-time waits after a lost answer (``settle``: as long as the request may
still run on the server, before looking for its record), and bilag's own overhead
(everything else: building the voucher, the ledger's claim and state
transactions, reading the original, reconciling). A run leaves a voucher pending
(transient failures past its budget) or unread (its read-back failed); the next
run takes it, as the scheduled flow would: the runs are counted.

``python -m bench sinks [--vouchers N] [--fault-rate R] [--seed S]``
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "sinks.json"
FAULTS = ("lost", "done-500", "429", "500", "503", "401")


def _fill_ledger(deps: Any, n: int, seed: int) -> None:
    """N posted vouchers with their documents and originals, as the posting service leaves them."""
    from tests.fixtures.outgoing import random_outgoing

    rng = random.Random(seed)
    now = datetime(2026, 11, 2, 12, tzinfo=UTC)
    with deps.uow() as uow:
        for i in range(1, n + 1):
            sent = random_outgoing(i, rng)
            assert sent.original is not None
            sha = deps.archive.put(sent.original.content)
            invoice = {
                "invoice_number": sent.invoice_number,
                "issue_date": sent.voucher.voucher_date.isoformat(),
                "due_date": sent.due_date.isoformat() if sent.due_date else None,
                "currency": "NOK",
                "supplier": {"name": sent.supplier.name, "org_number": sent.supplier.org_number},
            }
            doc = uow.repo.add_document(
                sha256=sha, name=sent.original.filename, size=len(sent.original.content),
                media_type="application/pdf", role="invoice", status="posted",
                invoice=invoice, now=now,
            )  # fmt: skip
            voucher = replace(sent.voucher, number=None, document_id=doc)
            posted = uow.repo.add_voucher(voucher, idempotency_key=f"doc:{doc}:v1", actor="bench",
                                          at=now)  # fmt: skip
            uow.repo.update_document(doc, voucher_id=posted.voucher_id)
        uow.commit()


def _states(deps: Any) -> dict[str, int]:
    from sqlalchemy import func, select

    from bilag.ledger.deliveries import deliveries

    with deps.uow() as uow:
        rows = uow.repo.conn.execute(
            select(deliveries.c.state, func.count()).group_by(deliveries.c.state)
        )
        return {str(state): int(count) for state, count in rows}


def run(n: int, rate: float, seed: int) -> dict[str, Any]:
    from bilag.bootstrap import bootstrap
    from bilag.config import load_settings
    from bilag.domain.delivery import DeliveryState
    from bilag.services.delivery import deliver_pending
    from tests.fixtures.sink_harness import tripletex_harness

    with tempfile.TemporaryDirectory(prefix="bench-sinks-") as tmp:
        home = Path(tmp) / "home"
        deps = bootstrap(load_settings(home, environ={}), coder=False)
        deps = replace(deps, clock=lambda: datetime.now(UTC))
        _fill_ledger(deps, n, seed)
        with tripletex_harness(Path(tmp)) as h:
            h.server.random_faults(rate, FAULTS, seed=seed)
            stats = h.sink.http.stats  # type: ignore[attr-defined]
            started = time.perf_counter()
            problems: list[str] = []
            runs = 0
            for runs in range(1, 11):  # what a run leaves pending or unread, the next one takes
                report = deliver_pending(deps, h.sink, dead_after=100)
                problems += [
                    f"run {runs}: {o.voucher_id} {o.state.value}: {o.reason}"
                    for o in report.outcomes
                    if o.state is not DeliveryState.RECONCILED
                ]
                states = _states(deps)
                if set(states) <= {DeliveryState.RECONCILED.value} and sum(states.values()) >= n:
                    break
            wall = time.perf_counter() - started
            fake: Any = h.server.fake
            refs = Counter(v["externalVoucherNumber"] for v in fake.vouchers.rows.values())
            server_seconds = sum(entry.server_seconds for entry in h.server.log)
            faults = Counter(entry.fault for entry in h.server.log if entry.fault)
            result = {
                "vouchers": n,
                "fault_rate": rate,
                "faults_injected": dict(faults),
                "requests": len(h.server.log),
                "runs": runs,
                "final_states": _states(deps),
                "reconciled": _states(deps).get(DeliveryState.RECONCILED.value, 0),
                "on_the_way": problems[:20],
                "at_server": len(fake.vouchers.rows),
                "duplicates": sum(c - 1 for c in refs.values() if c > 1),
                "missing": n - len(refs),
                "spec_violations": len(h.server.violations),
                "wall_s": round(wall, 3),
                "per_voucher_ms": {
                    "total": round(wall / n * 1000, 3),
                    "server": round(server_seconds / n * 1000, 3),
                    "wire": round(stats.wire_seconds / n * 1000, 3),
                    "settle_wait": round(stats.settle_seconds / n * 1000, 3),
                    "bilag_overhead": round(
                        (wall - stats.wire_seconds - stats.settle_seconds) / n * 1000, 3
                    ),
                },
                "backoff_requested_s": round(stats.backoff_seconds, 1),
                "retries": stats.retries,
                "token_refreshes": stats.refreshes,
            }
        deps.ledger.dispose()
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench sinks")
    parser.add_argument("--vouchers", type=int, default=1000)
    parser.add_argument("--fault-rate", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    from tests.fixtures.openapi_server.specs import specs_available

    if not specs_available():
        print("bench sinks: ../shared/eval-data/openapi is absent; skipped")
        return 0
    result = run(args.vouchers, args.fault_rate, args.seed)
    print(json.dumps(result, indent=2))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    ok = (
        result["at_server"] == args.vouchers
        and result["duplicates"] == 0
        and result["missing"] == 0
        and result["reconciled"] == args.vouchers
        and result["spec_violations"] == 0
    )
    print(f"exactly once: {'yes' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
