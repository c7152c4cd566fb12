"""The chain's canonical form: what is hashed when a row is written is what is read back,
on SQLite (REAL, text timestamps, JSON text) and PostgreSQL (Decimal, aware datetimes)."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import JSON, Date, DateTime, Integer, Numeric, String

from bilag.ledger.chain import (
    CHAINED_TABLES,
    GENESIS,
    SPEC,
    _normalised,
    canonical,
    canonical_value,
    entry_hash,
)

POSTING = {
    "voucher_id": "AP2026-000001",
    "line": 1,
    "account": "6800",
    "amount": Decimal("1250.00"),
    "description": 'Kontorrekvisita "A4" — æøå',
    "vat_code": "1",
    "supplier_org_number": "974760673",
    "supplier_name": None,
    "currency": "EUR",
    "currency_amount": Decimal("108.57"),
    "exchange_rate": Decimal("11.512345"),
    "department": None,
    "project": "P-17",
}


def test_the_format_is_frozen_a_known_row_has_a_known_hash():
    # If this changes, every ledger chained before no longer verifies: a change of the
    # canonical form needs a new format version, never an edit of this one.
    expected = (
        b'{"format":"bilag-chain/1","row":{"account":"6800","amount":"1250.00",'
        b'"currency":"EUR","currency_amount":"108.57","department":null,'
        b'"description":"Kontorrekvisita \\"A4\\" \\u2014 \\u00e6\\u00f8\\u00e5",'
        b'"exchange_rate":"11.512345","line":1,"project":"P-17",'
        b'"supplier_name":null,"supplier_org_number":"974760673","vat_code":"1",'
        b'"voucher_id":"AP2026-000001"},"seq":7,"table":"postings"}'
    )
    assert canonical("postings", 7, POSTING) == expected
    # SHA-256 of the previous entry's hash (64 zeros for the first), a newline, the bytes
    recipe = hashlib.sha256(b"0" * 64 + b"\n" + expected).hexdigest()
    assert (
        entry_hash("postings", 7, GENESIS, POSTING)
        == recipe
        == ("c7359d52dea29ee094d8dac5184f625d7c99abbf3a013a49151f99bb82f197e7")
    )


def test_every_column_of_a_chained_table_is_covered_by_the_format():
    for table in CHAINED_TABLES:
        own = {c.name for c in table.c} - {"chain_seq", "chain_prev", "chain_hash"}
        assert own == set(SPEC[table.name]), table.name


def test_each_column_is_written_the_way_its_type_is_stored():
    expected = {Integer: "int", String: "text", Date: "date", DateTime: "datetime", JSON: "json"}
    for table in CHAINED_TABLES:
        for name, kind in SPEC[table.name].items():
            column_type = table.c[name].type
            if isinstance(column_type, Numeric):
                assert kind == f"decimal:{column_type.scale}", (table.name, name)
            else:
                assert any(isinstance(column_type, t) and kind == k for t, k in expected.items()), (
                    table.name,
                    name,
                    column_type,
                )


@pytest.mark.parametrize(
    ("written", "read_back"),
    [
        (Decimal("1250"), 1250),  # SQLite keeps a whole number as INTEGER
        (Decimal("1250.5"), 1250.5),  # ... and the rest as REAL
        (Decimal("0.10"), 0.1),
        (Decimal("-9999999999.99"), -9999999999.99),
        (Decimal("1250.00"), Decimal("1250.00")),  # PostgreSQL hands back a Decimal
    ],
)
def test_money_reads_back_as_it_was_hashed(written, read_back):
    stored = _normalised("decimal:2", written)
    assert canonical_value("decimal:2", stored) == canonical_value("decimal:2", read_back)


def test_a_timestamp_is_the_same_instant_whatever_its_zone_or_backend():
    oslo = datetime(2026, 3, 5, 13, 0, 0, 5, tzinfo=timezone(timedelta(hours=1)))
    stored = _normalised("datetime", oslo)
    forms = {
        canonical_value("datetime", stored),  # as written
        canonical_value("datetime", stored.replace(tzinfo=None)),  # SQLite: naive UTC
        canonical_value("datetime", "2026-03-05 12:00:00.000005"),  # SQLite's text, raw
        canonical_value("datetime", datetime(2026, 3, 5, 12, 0, 0, 5, tzinfo=UTC)),  # PG
    }
    assert forms == {"2026-03-05T12:00:00.000005Z"}


def test_dates_and_json_read_back_as_they_were_hashed():
    assert canonical_value("date", "2026-03-05") == canonical_value("date", date(2026, 3, 5))
    value = _normalised("json", {"b": [1, 2.5, None], "a": {"ø": Decimal("1.5")}, 3: "x"})
    assert canonical_value("json", value) == canonical_value(
        "json", '{"3": "x", "a": {"\\u00f8": "1.5"}, "b": [1, 2.5, null]}'
    )


@pytest.mark.parametrize(
    ("kind", "genuine", "odd"),
    [
        ("decimal:2", Decimal("100.00"), "abc"),
        ("int", 1, 1.5),
        ("int", 1, "1"),
        ("text", "6800", b"6800"),
        ("date", date(2026, 3, 5), "2026-03-05 garbage"),
        ("datetime", datetime(2026, 3, 5, tzinfo=UTC), "yesterday"),
    ],
)
def test_a_value_of_the_wrong_type_never_equals_a_genuine_one(kind, genuine, odd):
    assert canonical_value(kind, odd) != canonical_value(kind, genuine)
    assert "$odd" in canonical_value(kind, odd)


def test_rows_with_columns_outside_the_format_are_refused():
    from bilag.ledger.chain import _prepared
    from bilag.ledger.tables import postings

    with pytest.raises(ValueError, match="outside the chain"):
        _prepared(postings, {**POSTING, "note": "x"})


@given(
    st.decimals(
        min_value=Decimal("-9999999999999.99"), max_value=Decimal("9999999999999.99"), places=2
    )
)
def test_any_amount_up_to_ten_trillion_survives_sqlites_real_storage(amount):
    # SQLite stores NUMERIC as REAL: 15 significant digits survive, so amounts below
    # 10^13 NOK read back exactly (docs/ledger.md names the limit)
    stored = _normalised("decimal:2", amount)
    assert canonical_value("decimal:2", float(stored)) == canonical_value("decimal:2", stored)


@given(st.text(), st.integers(min_value=1, max_value=10**9))
def test_any_text_gives_ascii_canonical_bytes_and_a_distinct_hash(text, seq):
    row = {**POSTING, "description": text}
    data = canonical("postings", seq, row)
    assert data.isascii()
    other = {**row, "description": text + "."}
    assert entry_hash("postings", seq, GENESIS, row) != entry_hash("postings", seq, GENESIS, other)
