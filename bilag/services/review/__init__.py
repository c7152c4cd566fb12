"""Use cases for people: approving, rejecting, forwarding, correcting and reversing.

The command line (``bilag approve``, ``reject``, ``reverse``), the web screens and
the JSON API call these same functions with a :class:`~bilag.domain.users.User`,
and each checks the user's role first (:func:`bilag.services.users.require`), so
no door grants more than another. Every decision lands in the audit log, with
the person's comment as its reason.

Rules kept here:

* approval steps run in sequence; only someone who may sign the current step (see
  :mod:`bilag.services.routing`: the step's approvers, their substitutes that day,
  or the person the step was forwarded to) signs it;
* whoever registered or corrected an invoice cannot approve it alone;
* a review or correction sends the invoice through the *whole* policy again
  (:func:`bilag.services.routing.route_after_correction`), and says so when nobody
  can sign a step instead of leaving the invoice waiting for ever;
* a posted voucher is never edited and never reversed as a side effect: reversal
  is :func:`reverse`, its own action, confirmed by naming the voucher.

Every posted voucher's cost lines become history for the coder (:func:`history_rows`).

The decisions live in :mod:`.decisions`, corrections of the coding in :mod:`.recoding`,
what they share in :mod:`.base`. Review and approval as people meet them: ``docs/web.md``.
"""

from bilag.services.review.base import OPEN, ReviewError, ReviewOutcome, current_step
from bilag.services.review.decisions import approve, forward, history_rows, reject, reverse
from bilag.services.review.recoding import correct, correct_lines, save_correction

__all__ = [
    "OPEN",
    "ReviewError",
    "ReviewOutcome",
    "approve",
    "correct",
    "correct_lines",
    "current_step",
    "forward",
    "history_rows",
    "reject",
    "reverse",
    "save_correction",
]
