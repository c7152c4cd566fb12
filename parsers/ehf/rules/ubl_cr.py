"""The UBL-CR rules of EN 16931 (UBL syntax binding) as data, read from ``ubl_cr.tsv``.

"A UBL invoice should not include ..." (severity warning; UBL-CR-666 and -673 are
fatal, in the domain catalog, and checked in :mod:`parsers.ehf.rules.groups`). The
table holds one rule per line: its id, the forbidden path as child steps from the
document root (``(cac:InvoiceLine|cac:CreditNoteLine)/`` for either line element),
and the official message. Rules without a path (the attribute rules 648..680, and
002, 664, 669..671, 680) are read in code: :mod:`parsers.ehf.rules.forbidden` and
:mod:`parsers.ehf.rules.elements`.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from bilag.domain.model import Severity

__all__ = ["CATALOG", "EITHER_LINE", "PATHS"]

EITHER_LINE = "(cac:InvoiceLine|cac:CreditNoteLine)"


def _load() -> tuple[dict[str, str], dict[str, tuple[Severity, str]]]:
    paths: dict[str, str] = {}
    catalog: dict[str, tuple[Severity, str]] = {}
    text = Path(__file__).with_name("ubl_cr.tsv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    if lines[0].split("\t") != ["id", "path", "message"]:
        raise ValueError(f"ubl_cr.tsv: unexpected header {lines[0]!r}")
    for line in lines[1:]:
        rule, path, message = line.split("\t")
        if path:
            paths[rule] = path
        catalog[rule] = (Severity.WARNING, message)
    return paths, catalog


_PATHS, _CATALOG = _load()

PATHS: MappingProxyType[str, str] = MappingProxyType(_PATHS)
"""Rule id -> forbidden child path from the root (only the rules that have one)."""

CATALOG: MappingProxyType[str, tuple[Severity, str]] = MappingProxyType(_CATALOG)
"""Rule id -> (severity, official message), for every UBL-CR rule in the table."""
