"""The life of a recorded document: one state enum for every layer.

A ``documents`` row goes ``received`` (recorded, not finished) → (``posting``:
decided or approved for posting, its voucher perhaps written already) → one of the
contract's final statuses. What is not an invoice has states of its own: a mail or a
ZIP is a ``container`` once every part is done, an attachment kept beside its
invoice is an ``attachment``. The contract's ``status`` is always one of
:data:`CONTRACT`; the two in-between states are reported as the contract says
(see ``bilag/services/results.py``).

The role says what a row is; its state says how far it got.
"""

from __future__ import annotations

import enum

__all__ = [
    "CONTRACT",
    "FINAL",
    "IN_PROGRESS",
    "ORIGINAL",
    "WAITING",
    "DocumentRole",
    "DocumentState",
]


class DocumentState(enum.StrEnum):
    RECEIVED = "received"
    POSTING = "posting"
    # the contract's statuses
    POSTED = "posted"
    AWAITING_APPROVAL = "awaiting_approval"
    NEEDS_REVIEW = "needs_review"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    # what holds or accompanies invoices
    CONTAINER = "container"
    ATTACHMENT = "attachment"


class DocumentRole(enum.StrEnum):
    INVOICE = "invoice"
    CONTAINER = "container"  # a mail or a ZIP: its parts are documents of their own
    ATTACHMENT = "attachment"  # kept with its invoice, not processed
    FAILED = "failed"  # could not be read as an invoice at all


S = DocumentState
CONTRACT = (S.POSTED, S.AWAITING_APPROVAL, S.NEEDS_REVIEW, S.DUPLICATE, S.REJECTED)
# where the pipeline leaves a document: a later run does not process it again
FINAL = frozenset(CONTRACT)
# a run that stopped left it here: the next run goes on with it
IN_PROGRESS = frozenset({S.RECEIVED, S.POSTING})
# what a later arrival of the same invoice can be a duplicate of
ORIGINAL = (S.POSTED, S.AWAITING_APPROVAL, S.NEEDS_REVIEW, S.POSTING)
# not finished from the reader's side: a person or a run still has to act
WAITING = (S.AWAITING_APPROVAL, S.NEEDS_REVIEW, S.RECEIVED, S.POSTING)
