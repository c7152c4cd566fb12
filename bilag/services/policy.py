"""Reading ``<home>/policy.toml`` into a :class:`~bilag.domain.policy.Policy`, strictly.

Every problem is a :class:`~bilag.errors.ConfigError` whose message names the
file, the line and the problem, and suggests the key that was probably meant
(``policy.toml: line 7: unknown key 'min_coding_confidense' in [auto_post];
did you mean 'min_coding_confidence'?``). A missing file means the built-in
default policy. ``docs/policy.example.toml`` documents every key.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import fields
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bilag.domain.accounts import Chart
from bilag.domain.policy import ApprovalRule, AutoPost, Policy, Substitute, SupplierPolicy
from bilag.errors import ConfigError

__all__ = ["PolicyErrors", "load_policy", "parse_policy", "read_policy"]

_TOP = ("auto_post", "bank_account", "exchange_rates", "approval", "suppliers", "substitutes")
_AUTO = tuple(f.name for f in fields(AutoPost))
_BANK = ("hold_changed", "hold_first")
_APPROVAL = ("default_approvers", "series", "rules")
_RULE = (
    "id",
    "approvers",
    "step",
    "min_amount",
    "max_amount",
    "suppliers",
    "departments",
    "projects",
    "always",
)
_SUPPLIER = (
    "trusted",
    "max_auto_amount",
    "always_approve",
    "always_review",
    "account",
    "vat_code",
    "name",
)
_SUBSTITUTE = ("approver", "substitute", "from", "to")
_ORGNR = re.compile(r"^\d{9}$")
_SERIES = re.compile(r"^[A-Z]{1,10}$")


def load_policy(path: Path, chart: Chart | None = None) -> Policy:
    """The policy in ``path``, or the built-in default when the file does not exist."""
    if not path.exists():
        return Policy()
    try:
        text = path.read_text("utf-8-sig")
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror}") from e
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from e
    return parse_policy(text, str(path), chart)


class PolicyErrors(ConfigError):
    """Every problem of a policy file, one ``<file>: line N: <problem>`` per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def parse_policy(text: str, name: str = "policy.toml", chart: Chart | None = None) -> Policy:
    """Parse and validate policy TOML text.

    Raises:
        PolicyErrors: (a ConfigError) naming ``name``, the line and the problem, for every
            problem found, not only the first.
    """
    policy, problems = read_policy(text, name, chart)
    if problems or policy is None:
        raise PolicyErrors(problems)
    return policy


# Long because it reads the policy's tables in the file's order and collects every
# problem in one pass, so a person sees them all at once; each table is a few lines.
def read_policy(
    text: str, name: str = "policy.toml", chart: Chart | None = None
) -> tuple[Policy | None, list[str]]:
    """The policy and every problem in it (the policy is None when there are problems)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        return None, [f"{name}: {e}"]
    p = _Reader(text, name)
    p.keys(raw, _TOP, "")
    auto = _auto_post(p, p.attempt(lambda: p.table(raw, "auto_post"), {}))
    bank = p.attempt(lambda: p.table(raw, "bank_account"), {})
    p.keys(bank, _BANK, "bank_account")
    approval = p.attempt(lambda: p.table(raw, "approval"), {})
    p.keys(approval, _APPROVAL, "approval")
    rates: dict[str, Decimal] = {}
    for k, v in p.attempt(lambda: p.table(raw, "exchange_rates"), {}).items():
        code = p.call(None, p.currency, k, "exchange_rates")
        amount = p.call(None, p.money, v, "exchange_rates", k)
        if code is not None and amount is not None:
            rates[code] = amount
    suppliers: dict[str, SupplierPolicy] = {}
    for org, value in p.attempt(lambda: p.table(raw, "suppliers"), {}).items():
        found = p.call(None, _supplier, p, org, value, chart)
        if found is not None:
            suppliers[org] = found
    rule_tables = p.attempt(lambda: p.array(approval, "rules", "approval"), [])
    rules = tuple(
        r for i, t in enumerate(rule_tables) if (r := p.call(None, _rule, p, i, t)) is not None
    )
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            p.problems.append(
                f"{name}: line {rule.line}: approval rule id {rule.id!r} is used twice"
            )
        seen.add(rule.id)
    subs = tuple(
        sub
        for t in p.attempt(lambda: p.array(raw, "substitutes", ""), [])
        if (sub := p.call(None, _substitute, p, t)) is not None
    )
    series = str(approval.get("series", "AP"))
    if not _SERIES.match(series):
        p.problems.append(
            f"{name}: line {p.line('approval', 'series')}: series must be 1-10 capital letters"
        )
    default_approvers = p.attempt(
        lambda: p.names(approval.get("default_approvers", []), "approval", "default_approvers"),
        (),
    )
    hold_changed = p.attempt(
        lambda: p.boolean(bank.get("hold_changed", True), "bank_account", "hold_changed"), True
    )
    hold_first = p.attempt(
        lambda: p.boolean(bank.get("hold_first", False), "bank_account", "hold_first"), False
    )
    if p.problems:
        return None, p.problems
    return Policy(
        auto_post=auto,
        suppliers=MappingProxyType(suppliers),
        rules=rules,
        default_approvers=default_approvers,
        substitutes=subs,
        hold_changed_bank_account=hold_changed,
        hold_first_bank_account=hold_first,
        exchange_rates=MappingProxyType(rates),
        series=series,
        source=name,
    ), []


def _auto_post(p: _Reader, t: Mapping[str, Any]) -> AutoPost:
    p.keys(t, _AUTO, "auto_post")
    d = AutoPost()
    sec = "auto_post"
    flags = (
        "enabled",
        "trust_corroborated_amounts",
        "require_known_supplier",
        "require_trusted_supplier",
        "allow_warnings",
    )
    values: dict[str, Any] = {}
    for key in flags:
        values[key] = p.call(getattr(d, key), p.boolean, t.get(key, getattr(d, key)), sec, key)
    for key in ("min_coding_confidence", "min_extraction_confidence"):
        values[key] = p.call(getattr(d, key), p.share, t.get(key, getattr(d, key)), sec, key)
    if "max_amount" in t:
        values["max_amount"] = p.attempt(
            lambda: p.money(t["max_amount"], sec, "max_amount"), d.max_amount
        )
    values["key_fields"] = p.attempt(
        lambda: p.names(t.get("key_fields", list(d.key_fields)), sec, "key_fields"), d.key_fields
    )
    for key in ("departments_need_approval", "projects_need_approval"):
        values[key] = p.call((), p.names, t.get(key, []), sec, key)
    currencies = p.attempt(lambda: p.names(t.get("currencies", ["NOK"]), sec, "currencies"), ())
    values["currencies"] = (
        tuple(c for code in currencies if (c := p.call(None, p.currency, code, sec, "currencies")))
        or d.currencies
    )
    return AutoPost(**values)


def _supplier(p: _Reader, org: str, value: Any, chart: Chart | None) -> SupplierPolicy:
    sec = f'suppliers."{org}"'
    if not _ORGNR.match(org):
        raise ConfigError(
            f"{p.name}: line {p.line_of_text(org)}: [suppliers] key {org!r} "
            "is not a 9-digit organisation number"
        )
    if not isinstance(value, dict):
        raise ConfigError(f"{p.name}: line {p.line_of_text(org)}: [{sec}] must be a table")
    p.keys(value, _SUPPLIER, sec)
    account = value.get("account")
    vat_code = value.get("vat_code")
    if account is not None:
        account = str(account)
        if chart is not None and chart.accounts and not chart.has_account(account):
            raise ConfigError(
                f"{p.name}: line {p.line(sec, 'account')}: account {account} for supplier {org} "
                f"is not in the chart of accounts ({chart.name})"
            )
    if vat_code is not None:
        vat_code = str(vat_code)
        if chart is not None and chart.vat(vat_code) is None:
            raise ConfigError(
                f"{p.name}: line {p.line(sec, 'vat_code')}: VAT code {vat_code!r} "
                f"for supplier {org} is not a known VAT code"
            )
    return SupplierPolicy(
        org_number=org,
        trusted=p.boolean(value["trusted"], sec, "trusted") if "trusted" in value else None,
        max_auto_amount=p.money(value["max_auto_amount"], sec, "max_auto_amount")
        if "max_auto_amount" in value
        else None,
        always_approve=p.boolean(value.get("always_approve", False), sec, "always_approve"),
        always_review=p.boolean(value.get("always_review", False), sec, "always_review"),
        account=account,
        vat_code=vat_code,
    )


def _rule(p: _Reader, index: int, r: Any) -> ApprovalRule | None:
    """One approval rule, or None with every one of its problems noted."""
    sec = "approval.rules"
    line = p.nth_array_table(sec, index)
    if not isinstance(r, dict):
        raise ConfigError(f"{p.name}: line {line}: each [[approval.rules]] must be a table")
    before = len(p.problems)
    p.attempt(lambda: p.keys(r, _RULE, sec, line), None)
    if "id" not in r or not isinstance(r["id"], str) or not r["id"]:
        p.problems.append(
            f'{p.name}: line {line}: [[approval.rules]] number {index + 1} needs an id = "..."'
        )
    label = f"approval rule {r.get('id')!r}" if isinstance(r.get("id"), str) else "approval rule"
    noted = len(p.problems)
    approvers = p.attempt(lambda: p.names(r.get("approvers", []), sec, "approvers", line), ())
    if not approvers and len(p.problems) == noted:  # (a list that is not one: noted already)
        p.problems.append(f"{p.name}: line {line}: {label} names no approvers")
    step = r.get("step", 1)
    if not isinstance(step, int) or isinstance(step, bool) or step < 1:
        p.problems.append(f"{p.name}: line {line}: {label}: step must be a whole number >= 1")
    lo = p.attempt(lambda: p.money(r["min_amount"], sec, "min_amount", line), None) if (
        "min_amount" in r) else None  # fmt: skip
    hi = p.attempt(lambda: p.money(r["max_amount"], sec, "max_amount", line), None) if (
        "max_amount" in r) else None  # fmt: skip
    if lo is not None and hi is not None and lo >= hi:
        p.problems.append(
            f"{p.name}: line {line}: {label}: min_amount {lo} is not below max_amount {hi}"
        )
    suppliers = p.attempt(lambda: p.names(r.get("suppliers", []), sec, "suppliers", line), ())
    for org in suppliers:
        if not _ORGNR.match(org):
            p.problems.append(
                f"{p.name}: line {line}: {label}: {org!r} is not a 9-digit organisation number"
            )
    departments = p.attempt(lambda: p.names(r.get("departments", []), sec, "departments", line), ())
    projects = p.attempt(lambda: p.names(r.get("projects", []), sec, "projects", line), ())
    always = p.attempt(lambda: p.boolean(r.get("always", False), sec, "always", line), False)
    if len(p.problems) > before:
        return None
    return ApprovalRule(
        id=r["id"],
        approvers=approvers,
        step=step,
        min_amount=lo,
        max_amount=hi,
        suppliers=suppliers,
        departments=departments,
        projects=projects,
        always=always,
        line=line,
    )


def _substitute(p: _Reader, s: Any) -> Substitute:
    sec = "substitutes"
    if not isinstance(s, dict):
        raise ConfigError(f"{p.name}: [[substitutes]] entries must be tables")
    p.keys(s, _SUBSTITUTE, sec)
    missing = [k for k in _SUBSTITUTE if k not in s]
    if missing:
        raise ConfigError(
            f"{p.name}: line {p.line(sec, 'approver')}: "
            f"[[substitutes]] is missing {', '.join(missing)}"
        )
    start, end = s["from"], s["to"]
    for key, value in (("from", start), ("to", end)):
        if not isinstance(value, date):
            raise ConfigError(
                f"{p.name}: line {p.line(sec, key)}: "
                f"{key} must be a date like 2026-07-01 (no quotes)"
            )
    if end < start:
        raise ConfigError(
            f"{p.name}: line {p.line(sec, 'to')}: substitute period ends before it starts"
        )
    return Substitute(str(s["approver"]), str(s["substitute"]), start, end)


class _Reader:
    """Typed getters that know where each key stands in the text, for messages."""

    def __init__(self, text: str, name: str) -> None:
        self.name = name
        self.lines = text.splitlines()
        self.problems: list[str] = []

    def call(self, default: Any, read: Callable[..., Any], *args: Any) -> Any:
        """``read(*args)``, or ``default`` with its problem noted."""
        return self.attempt(lambda: read(*args), default)

    def attempt(self, read: Callable[[], Any], default: Any) -> Any:
        """``read()``, or ``default`` with its problem noted: every problem is reported."""
        try:
            return read()
        except ConfigError as e:
            self.problems.append(str(e))
            return default

    # --- where things are ---

    def line(self, section: str, key: str, after: int = 0) -> int:
        current = ""
        header = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")
        assign = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for number, text in enumerate(self.lines, start=1):
            m = header.match(text)
            if m:
                current = m.group(1).replace(" ", "")
                continue
            if number >= after and current == section.replace(" ", "") and assign.match(text):
                return number
        return self.line_of_text(key)

    def line_of_text(self, needle: str) -> int:
        for number, text in enumerate(self.lines, start=1):
            if needle in text:
                return number
        return 1

    def nth_array_table(self, section: str, index: int) -> int:
        pattern = re.compile(rf"^\s*\[\[\s*{re.escape(section)}\s*\]\]")
        hits = [n for n, t in enumerate(self.lines, start=1) if pattern.match(t)]
        return hits[index] if index < len(hits) else 1

    def fail(self, section: str, key: str, problem: str, after: int = 0) -> ConfigError:
        where = f"[{section}] " if section else ""
        return ConfigError(
            f"{self.name}: line {self.line(section, key, after)}: {where}{key}: {problem}"
        )

    # --- shapes ---

    def keys(
        self, table: Mapping[str, Any], allowed: tuple[str, ...], section: str, after: int = 0
    ) -> None:
        """Note every unknown key (with the one probably meant)."""
        for key in table:
            if key in allowed:
                continue
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = (
                f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(allowed)}"
            )
            where = f" in [{section}]" if section else ""
            self.problems.append(
                f"{self.name}: line {self.line(section, key, after)}: "
                f"unknown key {key!r}{where}{hint}"
            )

    def table(self, raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = raw.get(key, {})
        if not isinstance(value, dict):
            raise self.fail("", key, "must be a table")
        return value

    def array(self, raw: Mapping[str, Any], key: str, section: str) -> list[Any]:
        value = raw.get(key, [])
        if not isinstance(value, list):
            raise self.fail(
                section,
                key,
                f"must be an array of tables ([[{section + '.' if section else ''}{key}]])",
            )
        return value

    def boolean(self, value: Any, section: str, key: str, after: int = 0) -> bool:
        if not isinstance(value, bool):
            raise self.fail(section, key, f"must be true or false, not {value!r}", after)
        return value

    def share(self, value: Any, section: str, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise self.fail(section, key, f"must be a number from 0 to 1, not {value!r}")
        return float(value)

    def money(self, value: Any, section: str, key: str, after: int = 0) -> Decimal:
        if isinstance(value, bool):
            raise self.fail(section, key, "must be an amount", after)
        try:
            amount = Decimal(str(value).replace(" ", ""))
        except InvalidOperation:
            raise self.fail(section, key, f"{value!r} is not an amount", after) from None
        if not amount.is_finite() or amount < 0:
            raise self.fail(section, key, f"{value!r} is not a positive amount", after)
        return amount

    def names(self, value: Any, section: str, key: str, after: int = 0) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(section, key, "must be a list of names in quotes", after)
        return tuple(value)

    def currency(self, value: Any, section: str, key: str | None = None) -> str:
        code = str(value).upper()
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise self.fail(
                section, key or str(value), f"{value!r} is not an ISO 4217 currency code"
            )
        return code
