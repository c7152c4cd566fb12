"""What every ``[sinks.NAME]`` table shares: credentials, the mapping, the retry budget.

::

    [sinks.regnskap]
    kind = "tripletex"                       # tripletex | fiken | xero | webhook
    employee_token_env = "TRIPLETEX_EMPLOYEE_TOKEN"   # or employee_token_file,
                                             # or employee_token_block (a Prefect Secret)
    timeout = 30                             # seconds per request
    attempts = 6                             # tries per request before giving up for this run

    [sinks.regnskap.accounts]                # bilag's account -> the company's, where they differ
    "6300" = "6310"

    [sinks.regnskap.vat_codes]               # bilag's VAT code -> the system's code
    "1" = "1"

A secret is never read from the file itself: a clear-text ``employee_token =`` is
refused. ``*_block`` names a Prefect Secret block; bilag never imports Prefect, so
such a secret is resolved by the flows (they pass a resolver) and refused on the
command line with a message that says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from connectors.sinks.core import RetryPolicy
from connectors.tables import ConfigTable

__all__ = ["CodeMap", "SecretResolver", "SinkTable"]

SecretResolver = Callable[[str], str]


class SinkTable(ConfigTable):
    """A ``[sinks.NAME]`` table: typed values and secrets, errors naming file and key."""

    def __init__(
        self,
        table: Mapping[str, Any],
        where: str,
        environ: Mapping[str, str],
        resolver: SecretResolver | None,
    ) -> None:
        super().__init__(table, where, environ, resolver)

    def codes(self, key: str) -> Mapping[str, str]:
        value = self.get(key, Mapping, {})
        out: dict[str, str] = {}
        for k, v in value.items():
            if not isinstance(v, str | int) or isinstance(v, bool):
                raise self.error(f"{key}.{k}", "must be a string")
            out[str(k)] = str(v)
        return MappingProxyType(out)

    def policy(self) -> RetryPolicy:
        attempts = self.get("attempts", int, 6)
        if attempts < 1:
            raise self.error("attempts", "must be at least 1")
        return RetryPolicy(
            attempts=attempts,
            base_delay=self.get("retry_delay", float, 0.5),
            max_delay=self.get("max_retry_delay", float, 30.0),
            max_retry_after=self.get("max_retry_after", float, 300.0),
        )


@dataclass(frozen=True, slots=True)
class CodeMap:
    """bilag's account numbers and VAT codes to the external system's, and back.

    Anything not listed maps to itself: most Norwegian charts follow NS 4102 and the
    SAF-T standard VAT codes, so only the differences need writing down.
    """

    accounts: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    vat_codes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def account(self, ours: str) -> str:
        return self.accounts.get(ours, ours)

    def vat_code(self, ours: str | None) -> str | None:
        if ours is None:
            return None
        return self.vat_codes.get(ours, ours)

    def our_account(self, theirs: str) -> str:
        for ours, t in self.accounts.items():
            if t == theirs:
                return ours
        return theirs

    def our_vat_code(self, theirs: str | None) -> str | None:
        if theirs is None:
            return None
        for ours, t in self.vat_codes.items():
            if t == theirs:
                return ours
        return theirs

    @classmethod
    def from_table(cls, t: SinkTable) -> CodeMap:
        accounts = t.codes("accounts")
        vat_codes = t.codes("vat_codes")
        for what, table in (("accounts", accounts), ("vat_codes", vat_codes)):
            targets = list(table.values())
            twice = sorted({v for v in targets if targets.count(v) > 1})
            if twice:
                # the mapping must be read back in reverse: two of ours on one of theirs
                # would make a read-back ambiguous
                raise t.error(what, f"maps two of bilag's codes to {twice[0]!r}")
        return cls(accounts, vat_codes)
