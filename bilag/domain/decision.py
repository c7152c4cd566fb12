"""What a routing decision is made of: the status, the reasons and the approval steps.

Reasons are machine-readable ("why not automated"): a stable ``code`` from
:class:`ReasonCode`, and where it applies the contract field, the rule id
(``BR-CO-15`` or an approval rule's id) and the value that failed the test.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bilag.domain.lifecycle import DocumentState

__all__ = ["ApprovalStep", "Decision", "Reason", "ReasonCode", "Status"]


# a decision's outcome is a document state (one of the contract's): one enum, not two
Status = DocumentState


class ReasonCode(enum.StrEnum):
    # needs review: a person must look
    NO_INVOICE = "no_invoice"  # nothing in the document could be read as an invoice
    SEVERAL_INVOICES = "several_invoices"  # one document, more than one invoice in it
    INTERNAL_ERROR = "internal_error"  # bilag failed on the document (a bug): kept for a person
    PART_UNREADABLE = "part_unreadable"  # a mail or ZIP with a part that could not be read
    FATAL_FINDING = "fatal_finding"
    MISSING_FIELD = "missing_field"
    LOW_EXTRACTION_CONFIDENCE = "low_extraction_confidence"
    NO_CODING = "no_coding"
    LOW_CODING_CONFIDENCE = "low_coding_confidence"
    UNKNOWN_ACCOUNT = "unknown_account"
    UNKNOWN_VAT_CODE = "unknown_vat_code"
    AMOUNTS_DO_NOT_ADD_UP = "amounts_do_not_add_up"
    DUPLICATE_SUSPECTED = "duplicate_suspected"
    BANK_ACCOUNT_CHANGED = "bank_account_changed"
    NO_EXCHANGE_RATE = "no_exchange_rate"
    SUPPLIER_ALWAYS_REVIEW = "supplier_always_review"
    NO_APPROVER = "no_approver"
    # needs approval: sound, but someone signs
    WARNING_FINDING = "warning_finding"
    UNKNOWN_SUPPLIER = "unknown_supplier"
    FOREIGN_SUPPLIER = "foreign_supplier"  # no Norwegian org number to check the account by
    UNTRUSTED_SUPPLIER = "untrusted_supplier"
    AMOUNT_OVER_LIMIT = "amount_over_limit"
    CURRENCY = "currency"
    DEPARTMENT = "department"
    PROJECT = "project"
    SUPPLIER_ALWAYS_APPROVE = "supplier_always_approve"
    AUTO_POST_DISABLED = "auto_post_disabled"
    APPROVAL_RULE = "approval_rule"
    # other outcomes
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    POSTING_FAILED = "posting_failed"
    DISMISSED = "dismissed"  # put away from the bin: not an invoice (status rejected)
    REVERSED = "reversed"  # its voucher was reversed; it waits for a correction again


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    message: str
    field: str | None = None
    rule: str | None = None
    value: str | None = None  # the number or text that failed the test

    def as_dict(self) -> dict[str, str]:
        out = {"code": self.code, "message": self.message}
        for key in ("field", "rule", "value"):
            item = getattr(self, key)
            if item is not None:
                out[key] = item
        return out


@dataclass(frozen=True, slots=True)
class ApprovalStep:
    step: int
    approvers: tuple[str, ...]
    rule_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    status: Status
    reasons: tuple[Reason, ...] = ()
    steps: tuple[ApprovalStep, ...] = ()
