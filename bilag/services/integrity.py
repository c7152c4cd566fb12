"""Use case: check that the ledger's posted records are as bilag wrote them.

:func:`verify_ledger` recomputes the hash chain over vouchers, postings and the
audit log (:mod:`bilag.ledger.chain_verify`) and checks its end against the
``chain_head`` row and the workspace's anchor file. An intact chain moves the
anchor on to the head it verified. :func:`require_intact` is what exports call
first: a tampered ledger is never exported as if it were sound.
"""

from __future__ import annotations

import logging

from bilag.errors import ChainBrokenError
from bilag.ledger.chain_verify import Break, ChainReport, verify_chain
from bilag.services.deps import Deps

__all__ = ["Break", "ChainReport", "require_intact", "verify_ledger"]

log = logging.getLogger(__name__)


def verify_ledger(deps: Deps) -> ChainReport:
    """The chain recomputed from what the database holds now."""
    with deps.uow(read_only=True) as uow:
        report = verify_chain(uow.repo.conn, deps.ledger.anchor, chain_key=deps.ledger.chain_key)
    anchor = deps.ledger.anchor
    if report.intact and anchor is not None and report.last_seq > 0:
        try:
            anchor.record(report.last_seq, report.last_hash)
        except OSError as e:  # a read-only workspace: verifying still works
            log.warning("%s: cannot record the verified head: %s", anchor.path, e)
    return report


def require_intact(deps: Deps, what: str) -> ChainReport:
    """The verified chain, or ChainBrokenError naming the first break.

    Args:
        what: the operation refused on a broken chain, for the message ("SAF-T export").

    Raises:
        ChainBrokenError: the chain does not verify.
    """
    report = verify_ledger(deps)
    if not report.intact:
        first = report.breaks[0]
        count = len(report.breaks)
        more = f" (and {count - 1} more)" if count > 1 else ""
        raise ChainBrokenError(
            f"{what} refused: the ledger's hash chain is broken at {first.line()}{more}; "
            "run 'bilag verify' for every break"
        )
    return report
