"""Reading a history file whatever it is: SAF-T Financial XML or the contract CSV,
told apart by content."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from classifiers.history.contract_csv import read_history_csv
from classifiers.history.saft import read_saft
from classifiers.history.values import HistoryRead, decode_text, invalid

__all__ = ["read_history"]


def read_history(path: str | Path, known_accounts: Collection[str] | None = None) -> HistoryRead:
    """Read a history file: SAF-T Financial XML or contract CSV, told apart by content.

    Args:
        path: the file.
        known_accounts: the chart of accounts; rows booked elsewhere are reported and skipped.
    """
    file = Path(path)
    if not file.is_file():
        return HistoryRead(
            str(file), "?", problems=(invalid(str(file), "no such file"),), fatal=True
        )
    if _looks_like_xml(file):
        return read_saft(file, known_accounts)
    return read_history_csv(file, known_accounts)


def _looks_like_xml(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError:
        return False
    text = decode_text(head).lstrip("\ufeff \t\r\n")
    return text.startswith("<")
