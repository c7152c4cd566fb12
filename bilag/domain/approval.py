"""Approval rules: a pure function from (invoice, coding, policy, context) to a decision.

The decision is one of three routes, with every reason in machine-readable form
("why not automated"):

* ``posted``: every auto-post condition holds and no rule asks for an approver;
* ``awaiting_approval``: the invoice is sound but someone must sign it, in the
  steps the matching approval rules give;
* ``needs_review``: something is wrong or unsure (a fatal validation finding, a
  low-confidence field, no coding, a changed bank account, a suspected duplicate)
  and a person must look before anyone approves.

Reasons carry a stable ``code`` (see :class:`ReasonCode`), and where it applies the
field (``supplier.org_number``), the rule id (``BR-CO-15``, an approval rule's id)
and the number that failed the test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bilag.domain.accounts import Chart
from bilag.domain.coding import Coding
from bilag.domain.decision import ApprovalStep, Decision, Reason, ReasonCode, Status
from bilag.domain.dedupe import DuplicateMatch
from bilag.domain.identifiers import as_bban
from bilag.domain.model import Invoice, Severity
from bilag.domain.policy import ApprovalRule, Policy
from bilag.domain.posting import NOK, gross_in_currency, to_ore
from bilag.domain.supplier import KnownSupplier

__all__ = [
    "ApprovalStep",
    "Decision",
    "DecisionContext",
    "Reason",
    "ReasonCode",
    "Status",
    "approval_steps",
    "decide",
    "foreign_supplier",
    "gross_nok",
]


@dataclass(frozen=True, slots=True)
class DecisionContext:
    """What the rules know besides the invoice: the register, duplicates, the chart, the day."""

    chart: Chart
    today: date
    supplier: KnownSupplier | None = None  # the register's entry, None for a new supplier
    supplier_in_history: bool = False  # the coder has learned bookings for this supplier
    duplicate_suspicion: DuplicateMatch | None = (
        None  # an uncertain match; certain ones never get here
    )
    extra_reasons: tuple[Reason, ...] = field(default=())  # found earlier in the pipeline


def decide(invoice: Invoice, coding: Coding, policy: Policy, ctx: DecisionContext) -> Decision:
    """Route one coded invoice: post, send to approvers, or send to review.

    Args:
        invoice: the parsed and validated invoice.
        coding: the account coding to post with.
        policy: the workspace policy.
        ctx: supplier register entry, duplicate suspicion, chart, today.

    Returns:
        The decision with every reason that kept it from being posted automatically.
    """
    review = list(ctx.extra_reasons) + _review_reasons(invoice, coding, policy, ctx)
    approve = _approval_reasons(invoice, coding, policy, ctx)
    gross_nok = _gross_nok(invoice, policy)
    rules = [r for r in policy.rules if _matches(r, invoice, coding, gross_nok)]
    forced = [r for r in rules if r.always]
    if review:
        return Decision(Status.NEEDS_REVIEW, tuple(review + approve))
    if not approve and not forced:
        return Decision(Status.POSTED)
    steps = _steps(rules if approve else forced, policy)
    matched = [
        Reason(ReasonCode.APPROVAL_RULE, f"approval rule {r.id!r} matched", rule=r.id)
        for r in (rules if approve else forced)
    ]
    if not steps:
        no_route = Reason(
            ReasonCode.NO_APPROVER,
            "approval is needed but no approval rule matches and no default approvers are set",
        )
        return Decision(Status.NEEDS_REVIEW, (*approve, no_route))
    return Decision(Status.AWAITING_APPROVAL, tuple(approve + matched), steps)


# Long because it is the one list of reasons to send an invoice to a person, in the order
# the review screen shows them; split, a reader would collect it from several places.
def _review_reasons(
    invoice: Invoice, coding: Coding, policy: Policy, ctx: DecisionContext
) -> list[Reason]:
    out: list[Reason] = []
    for finding in invoice.findings:
        if finding.severity is Severity.FATAL:
            out.append(
                Reason(
                    ReasonCode.FATAL_FINDING,
                    finding.message,
                    field=finding.location,
                    rule=finding.rule,
                )
            )
    if not invoice.supplier.org_number and foreign_supplier(invoice) is None:
        out.append(
            Reason(
                ReasonCode.MISSING_FIELD,
                "the invoice has no supplier organisation number",
                field="supplier.org_number",
            )
        )
    for name in ("invoice_number", "issue_date", "gross_total"):
        if getattr(invoice, name) is None:
            out.append(Reason(ReasonCode.MISSING_FIELD, f"no {name} found", field=name))
    rules = policy.auto_post
    corroborated = rules.trust_corroborated_amounts and amounts_corroborated(invoice)
    for name in rules.key_fields:
        conf = invoice.confidence_of(name)
        if corroborated and name in AMOUNT_FIELDS:
            continue
        if conf is not None and conf < rules.min_extraction_confidence:
            out.append(
                Reason(
                    ReasonCode.LOW_EXTRACTION_CONFIDENCE,
                    f"{name} was read with confidence {conf:.2f} "
                    f"(policy wants {rules.min_extraction_confidence:.2f})",
                    field=name,
                    value=f"{conf:.2f}",
                )
            )
    out.extend(_coding_reasons(invoice, coding, policy, ctx))
    sp = policy.suppliers.get(invoice.supplier.org_number or "")
    if sp is not None and sp.always_review:
        out.append(
            Reason(
                ReasonCode.SUPPLIER_ALWAYS_REVIEW,
                "the policy reviews every invoice from this supplier",
            )
        )
    if ctx.duplicate_suspicion is not None:
        dup = ctx.duplicate_suspicion
        out.append(
            Reason(
                ReasonCode.DUPLICATE_SUSPECTED,
                f"possible duplicate of document {dup.original_id}: {'; '.join(dup.evidence)}",
                value=str(dup.original_id),
            )
        )
    out.extend(_bank_account_reasons(invoice, policy, ctx))
    currency = (invoice.currency or NOK).upper()
    if currency != NOK and currency not in policy.exchange_rates:
        out.append(
            Reason(
                ReasonCode.NO_EXCHANGE_RATE,
                f"no exchange rate for {currency} in the policy ([exchange_rates])",
                field="currency",
                value=currency,
            )
        )
    return out


def foreign_supplier(invoice: Invoice) -> str | None:
    """Why the supplier is a foreign one with no Norwegian organisation number to print (a
    foreign IBAN or VAT number, a foreign currency with no Norwegian account), or None."""
    supplier = invoice.supplier
    if supplier.bank_account:
        return None  # paid to a Norwegian account: a Norwegian supplier
    if supplier.iban and not supplier.iban.upper().startswith("NO"):
        return f"pays to a {supplier.iban[:2].upper()} IBAN"
    if supplier.vat_number and not supplier.vat_number.upper().startswith("NO"):
        return f"VAT number {supplier.vat_number}"
    currency = (invoice.currency or NOK).upper()
    if currency != NOK and not supplier.iban:
        return f"bills in {currency}"
    return None


AMOUNT_FIELDS = frozenset({"net_total", "vat_total", "gross_total", "payable_amount"})


def amounts_corroborated(invoice: Invoice) -> bool:
    """The totals check each other: a misread digit in one would break an equation.

    Lines sum to the net total, every VAT breakdown row is its rate of its
    taxable amount (to the øre), the rows sum to net and VAT, and net + VAT =
    gross. When all hold, a low confidence on one total (a parser that found it
    by position, not by label) does not mean the amount is in doubt.
    """
    net, vat, gross = invoice.net_total, invoice.vat_total, invoice.gross_total
    if net is None or vat is None or gross is None or invoice.has_fatal:
        return False
    nets = [line.net_amount for line in invoice.lines]
    if not nets or any(n is None for n in nets) or sum(n for n in nets if n is not None) != net:
        return False
    rows = invoice.vat_breakdown
    if not rows or net + vat != gross:
        return False
    taxable = Decimal(0)
    vat_sum = Decimal(0)
    for row in rows:
        if row.taxable_amount is None or row.vat_amount is None or row.rate is None:
            return False
        if abs(to_ore(row.taxable_amount * row.rate / 100) - row.vat_amount) > Decimal("0.01"):
            return False
        taxable += row.taxable_amount
        vat_sum += row.vat_amount
    return taxable == net and vat_sum == vat


def _coding_reasons(
    invoice: Invoice, coding: Coding, policy: Policy, ctx: DecisionContext
) -> list[Reason]:
    if coding.abstained:
        return [
            Reason(ReasonCode.NO_CODING, coding.note or "the coder could not suggest an account")
        ]
    out: list[Reason] = []
    threshold = policy.auto_post.min_coding_confidence
    for i, line in enumerate(coding.lines):
        assert line.account is not None  # not abstained
        if line.confidence < threshold and coding.source != "manual":
            out.append(
                Reason(
                    ReasonCode.LOW_CODING_CONFIDENCE,
                    f"account {line.account} suggested with confidence {line.confidence:.2f} "
                    f"(policy wants {threshold:.2f})" + (f": {line.reason}" if line.reason else ""),
                    field=f"lines.{i}.account",
                    value=f"{line.confidence:.2f}",
                )
            )
        if ctx.chart.accounts and not ctx.chart.has_account(line.account):
            out.append(
                Reason(
                    ReasonCode.UNKNOWN_ACCOUNT,
                    f"account {line.account} is not in the chart of accounts ({ctx.chart.name})",
                    field=f"lines.{i}.account",
                    value=line.account,
                )
            )
        if line.vat_code is None or ctx.chart.vat(line.vat_code) is None:
            out.append(
                Reason(
                    ReasonCode.UNKNOWN_VAT_CODE,
                    f"VAT code {line.vat_code!r} is not a known VAT code",
                    field=f"lines.{i}.vat_code",
                    value=str(line.vat_code),
                )
            )
    if not out and invoice.gross_total is not None:
        expected = gross_in_currency(invoice, coding, ctx.chart)
        if to_ore(invoice.gross_total) != expected:
            out.append(
                Reason(
                    ReasonCode.AMOUNTS_DO_NOT_ADD_UP,
                    f"the coded lines and VAT give {expected}, "
                    f"the invoice says {invoice.gross_total}",
                    field="gross_total",
                    value=str(expected),
                )
            )
    return out


def _bank_account_reasons(invoice: Invoice, policy: Policy, ctx: DecisionContext) -> list[Reason]:
    paid_to = invoice.supplier.bank_account or invoice.supplier.iban
    if not paid_to or ctx.supplier is None or not policy.hold_changed_bank_account:
        return []
    seen = set(ctx.supplier.bank_accounts)
    ours = {as_bban(a) for a in (invoice.supplier.bank_account, invoice.supplier.iban) if a}
    if ours & {as_bban(a) for a in seen}:
        return []
    if not seen and not policy.hold_first_bank_account:
        return []
    return [
        Reason(
            ReasonCode.BANK_ACCOUNT_CHANGED,
            f"pays to {paid_to}, an account never seen for this supplier"
            + (f" (seen: {', '.join(sorted(seen))})" if seen else "")
            + "; check with the supplier by phone before paying",
            field="supplier.bank_account",
            value=paid_to,
        )
    ]


# Long because it is the one list of conditions for posting without a person, in the
# order of the policy file's [auto_post] table; each is a few lines and reads alone.
def _approval_reasons(
    invoice: Invoice, coding: Coding, policy: Policy, ctx: DecisionContext
) -> list[Reason]:
    rules = policy.auto_post
    out: list[Reason] = []
    if not rules.enabled:
        out.append(Reason(ReasonCode.AUTO_POST_DISABLED, "the policy turns automatic posting off"))
    for finding in invoice.findings:
        if finding.severity is Severity.WARNING and not rules.allow_warnings:
            out.append(Reason(ReasonCode.WARNING_FINDING, finding.message, rule=finding.rule))
    org = invoice.supplier.org_number or ""
    sp = policy.suppliers.get(org)
    known = ctx.supplier is not None or ctx.supplier_in_history
    if rules.require_known_supplier and not known:
        out.append(
            Reason(
                ReasonCode.UNKNOWN_SUPPLIER,
                "first invoice from this supplier",
                field="supplier.org_number",
                value=org or None,
            )
        )
    foreign = None if org else foreign_supplier(invoice)
    if foreign is not None:
        # no organisation number to hold the register's bank accounts against: a person signs
        out.append(
            Reason(
                ReasonCode.FOREIGN_SUPPLIER,
                f"a foreign supplier with no Norwegian organisation number ({foreign})",
                field="supplier.org_number",
            )
        )
    trusted = sp.trusted if sp and sp.trusted is not None else None
    if trusted is None:
        trusted = bool(ctx.supplier and ctx.supplier.trusted)
    if rules.require_trusted_supplier and not trusted:
        out.append(
            Reason(
                ReasonCode.UNTRUSTED_SUPPLIER,
                "the supplier is not marked trusted",
                value=org or None,
            )
        )
    gross = _gross_nok(invoice, policy)
    limit = sp.max_auto_amount if sp and sp.max_auto_amount is not None else rules.max_amount
    if gross is not None and limit is not None and gross > limit:
        which = "supplier's" if sp and sp.max_auto_amount is not None else "global"
        out.append(
            Reason(
                ReasonCode.AMOUNT_OVER_LIMIT,
                f"gross {gross} NOK is over the {which} auto-post limit {limit}",
                field="gross_total",
                value=str(gross),
            )
        )
    currency = (invoice.currency or NOK).upper()
    if currency not in rules.currencies:
        out.append(
            Reason(
                ReasonCode.CURRENCY,
                f"currency {currency} is not auto-posted",
                field="currency",
                value=currency,
            )
        )
    for line in coding.lines:
        if line.department and line.department in rules.departments_need_approval:
            out.append(
                Reason(
                    ReasonCode.DEPARTMENT,
                    f"department {line.department} needs approval",
                    value=line.department,
                )
            )
        if line.project and line.project in rules.projects_need_approval:
            out.append(
                Reason(
                    ReasonCode.PROJECT, f"project {line.project} needs approval", value=line.project
                )
            )
    if sp is not None and sp.always_approve:
        out.append(
            Reason(
                ReasonCode.SUPPLIER_ALWAYS_APPROVE,
                "the policy wants an approver for every invoice from this supplier",
            )
        )
    return out


def approval_steps(invoice: Invoice, coding: Coding, policy: Policy) -> tuple[ApprovalStep, ...]:
    """The whole route an invoice that needs approval takes: every approval rule that
    matches it (amount bands, suppliers, departments, projects), step by step, or the
    default approvers when none matches; empty when the policy names nobody.

    This is what a corrected invoice is routed through, so a correction can never
    skip a band or a second step that :func:`decide` would have required.
    """
    gross = _gross_nok(invoice, policy)
    return _steps([r for r in policy.rules if _matches(r, invoice, coding, gross)], policy)


def gross_nok(invoice: Invoice, policy: Policy) -> Decimal | None:
    """The gross total in NOK at the policy's rate; None without a total or a rate."""
    return _gross_nok(invoice, policy)


def _gross_nok(invoice: Invoice, policy: Policy) -> Decimal | None:
    if invoice.gross_total is None:
        return None
    currency = (invoice.currency or NOK).upper()
    if currency == NOK:
        return invoice.gross_total
    rate = policy.exchange_rates.get(currency)
    return to_ore(invoice.gross_total * rate) if rate is not None else None


def _matches(rule: ApprovalRule, invoice: Invoice, coding: Coding, gross: Decimal | None) -> bool:
    if rule.min_amount is not None and (gross is None or gross < rule.min_amount):
        return False
    if rule.max_amount is not None and (gross is None or gross >= rule.max_amount):
        return False
    if rule.suppliers and (invoice.supplier.org_number or "") not in rule.suppliers:
        return False
    if rule.departments and not any(line.department in rule.departments for line in coding.lines):
        return False
    return not (rule.projects and not any(line.project in rule.projects for line in coding.lines))


def _steps(rules: list[ApprovalRule], policy: Policy) -> tuple[ApprovalStep, ...]:
    if not rules:
        if not policy.default_approvers:
            return ()
        return (ApprovalStep(1, policy.default_approvers, ("default",)),)
    by_step: dict[int, list[ApprovalRule]] = {}
    for rule in rules:
        by_step.setdefault(rule.step, []).append(rule)
    steps = []
    for number in sorted(by_step):
        group = by_step[number]
        approvers = tuple(dict.fromkeys(a for r in group for a in r.approvers))
        steps.append(ApprovalStep(number, approvers, tuple(r.id for r in group)))
    return tuple(steps)
