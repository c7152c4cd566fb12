"""The people of a workspace, their roles, and what each role may do.

Four roles, as finance teams divide the work:

* **clerk**: reviews and corrects invoices, dismisses what is not an invoice;
* **approver**: approves, rejects and forwards invoices within the policy's limits
  (which steps a person may sign is the policy's business, not the role's);
* **admin**: manages users and tokens, reverses posted vouchers, reads everything;
* **auditor**: reads everything and changes nothing.

A person may hold several roles. :data:`GRANTS` is the one table that says which
role may do which :class:`Action`; the web screens, the JSON API and the command
line all ask :func:`may`, so none of them can grant more than another.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "GRANTS",
    "Action",
    "Role",
    "User",
    "may",
    "valid_user_name",
]


class Role(enum.StrEnum):
    CLERK = "clerk"
    APPROVER = "approver"
    ADMIN = "admin"
    AUDITOR = "auditor"


class Action(enum.StrEnum):
    READ = "read"  # documents, the queue, the audit trail, the overview
    CORRECT = "correct"  # change extracted fields and the coding; accept a review
    DISMISS = "dismiss"  # put away what is not an invoice
    APPROVE = "approve"  # sign an approval step, forward to another approver
    REJECT = "reject"  # an invoice that must never be posted
    REVERSE = "reverse"  # post the mirror image of a posted voucher
    MANAGE_USERS = "manage_users"  # add, disable users; see every user's tokens
    OWN_TOKENS = "own_tokens"  # make and revoke one's own personal access tokens


GRANTS: dict[Role, frozenset[Action]] = {
    Role.CLERK: frozenset({Action.READ, Action.CORRECT, Action.DISMISS, Action.OWN_TOKENS}),
    Role.APPROVER: frozenset({Action.READ, Action.APPROVE, Action.REJECT, Action.OWN_TOKENS}),
    Role.ADMIN: frozenset(
        {Action.READ, Action.REVERSE, Action.MANAGE_USERS, Action.DISMISS, Action.OWN_TOKENS}
    ),
    Role.AUDITOR: frozenset({Action.READ}),
}

_NAME = re.compile(r"^[a-z][a-z0-9._-]{0,59}$")


def valid_user_name(name: str) -> bool:
    """Lower-case letters, digits, ``.``, ``_`` and ``-``, starting with a letter: the
    names the policy file lists as approvers."""
    return bool(_NAME.match(name))


@dataclass(frozen=True, slots=True)
class User:
    name: str  # the login name; what policy.toml names in approvers = [...]
    roles: frozenset[Role]
    display_name: str = ""
    disabled: bool = False
    created_at: datetime | None = None

    @property
    def label(self) -> str:
        return self.display_name or self.name

    def may(self, action: Action) -> bool:
        return may(self, action)


def may(user: User | None, action: Action) -> bool:
    """Whether ``user`` (None: nobody logged in) may do ``action``."""
    if user is None or user.disabled:
        return False
    return any(action in GRANTS[role] for role in user.roles)
