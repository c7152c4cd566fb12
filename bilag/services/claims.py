"""Claims on documents: one process at a time works on a document.

Before a process changes a document it claims it: a compare-and-set UPDATE of the
row's ``claimed_by`` (this process: host, process id, a token) and ``lease_until``.
Of two processes that try at once, the database lets one win; the other skips the
document for now and waits for it at the end of its run, then reports what the
winner recorded. It never writes over the winner's state.

A claim is released when the work on the document ends. A process killed while it
holds one cannot release it, so a claim can be taken over when its lease has run
out, or at once when its holder is a process of this host that no longer exists.
Each stage of the pipeline renews the lease.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from bilag.ledger.rows import aware
from bilag.services.deps import Deps

__all__ = ["LEASE", "claim", "claimed", "holder_gone", "release", "wait_and_claim"]

LEASE = timedelta(minutes=5)
POLL_SECONDS = 0.1


def holder_gone(holder: str | None, lease_until: datetime | None, now: datetime) -> bool:
    """True when nobody holds the claim any more: free, lease run out, or holder dead here."""
    if holder is None or lease_until is None:
        return True
    if aware(lease_until) <= now:
        return True
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False  # another machine's process: only its lease tells
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def claim(deps: Deps, document_id: int) -> bool:
    """Claim the document (or renew this process's claim); True when this process holds it."""
    now = deps.clock()
    with deps.uow() as uow:
        holder, lease_until = uow.repo.claim_of(document_id)
        if holder != deps.worker and not holder_gone(holder, lease_until, now):
            return False
        won = uow.repo.claim_document(document_id, deps.worker, seen=holder, until=now + LEASE)
        uow.commit()
    return won


def release(deps: Deps, document_id: int) -> None:
    with deps.uow() as uow:
        uow.repo.release_document(document_id, deps.worker)
        uow.commit()


def wait_and_claim(deps: Deps, document_id: int) -> None:
    """Claim the document, waiting for its holder to finish (or to die) first."""
    delay = POLL_SECONDS
    while not claim(deps, document_id):
        time.sleep(delay)
        delay = min(delay * 1.5, 2.0)


@contextmanager
def claimed(deps: Deps, document_id: int, *, wait: bool) -> Iterator[bool]:
    """``with claimed(deps, id, wait=False) as won:`` work on it only when ``won``."""
    if wait:
        wait_and_claim(deps, document_id)
        won = True
    else:
        won = claim(deps, document_id)
    try:
        yield won
    finally:
        if won:
            release(deps, document_id)
