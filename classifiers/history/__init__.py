"""Bookkeeping history, the account coder's teacher: the contract CSV and SAF-T
Financial (1.10 and 1.30) read into :class:`classifiers.base.HistoryRow` (see
``docs/coding.md``). :func:`read_history` tells the formats apart by content."""

from classifiers.history.contract_csv import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    read_coding_inputs,
    write_history_csv,
)
from classifiers.history.reader import read_history
from classifiers.history.saft import read_saft
from classifiers.history.values import HistoryRead, decode_text, parse_amount, parse_date

__all__ = [
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "HistoryRead",
    "decode_text",
    "parse_amount",
    "parse_date",
    "read_coding_inputs",
    "read_history",
    "read_saft",
    "write_history_csv",
]
