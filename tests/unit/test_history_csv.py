"""Reading history CSVs as exporters write them: encodings, delimiters, dates, bad rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bilag.domain.problems import ProblemCode
from classifiers.history import read_coding_inputs, read_history, write_history_csv

HEADER = "date,supplier_org_number,supplier_name,description,net_amount,account,vat_code"
ROWS = [
    "2024-01-15,987654325,Kontorland AS,Kopipapir og penner,1250.50,6560,1",
    "2024-02-01,987654325,Kontorland AS,Toner,399.00,6560,1",
]


def _write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "h.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
def test_history_reads_the_same_in_every_encoding_exporters_use(
    tmp_path: Path, encoding: str
) -> None:
    text = "\r\n".join([HEADER, "2024-03-01,,Bærum Blomster,Blomster til møterom,500,6800,1"])
    read = read_history(_write(tmp_path, text, encoding))
    assert not read.problems
    assert read.rows[0].supplier_name == "Bærum Blomster"
    assert read.rows[0].description == "Blomster til møterom"


def test_semicolon_delimiter_and_norwegian_decimal_comma_are_understood(tmp_path: Path) -> None:
    text = "\n".join(
        [
            HEADER.replace(",", ";"),
            "15.01.2024;987654325;Kontorland AS;Papir;1 234,50;6560;1",
            "16/01/2024;987654325;Kontorland AS;Penner;1.234,50;6560;1",
        ]
    )
    read = read_history(_write(tmp_path, text))
    assert [r.date for r in read.rows] == [date(2024, 1, 15), date(2024, 1, 16)]
    assert [r.net_amount for r in read.rows] == [Decimal("1234.50"), Decimal("1234.50")]


def test_optional_columns_fill_currency_department_project_and_buyer_reference(
    tmp_path: Path,
) -> None:
    text = "\n".join(
        [
            HEADER + ",currency,department,project,buyer_reference",
            "2024-01-15,987654325,Kontorland AS,Papir,100,6560,1,EUR,200,P-17,Ola Lunde",
        ]
    )
    row = read_history(_write(tmp_path, text)).rows[0]
    assert (row.currency, row.department, row.project) == ("EUR", "200", "P-17")
    assert row.reference == "Ola Lunde"
    copy = tmp_path / "copy.csv"
    write_history_csv([row], copy)
    assert read_history(copy).rows == (row,)


def test_rows_to_code_pass_their_buyer_reference_on_as_the_rest_of_the_invoice(
    tmp_path: Path,
) -> None:
    text = "\n".join(
        [
            "date,supplier_org_number,supplier_name,description,net_amount,buyer_reference",
            "2024-01-15,987654325,Kontorland AS,Papir,100,Ola Lunde",
            "2024-01-15,987654325,Kontorland AS,Toner,100,",
        ]
    )
    inputs = read_coding_inputs(_write(tmp_path, text))[0]
    assert [i.context if i else None for i in inputs] == ["Ref: Ola Lunde", None]


def test_a_missing_required_column_is_a_fatal_problem_naming_file_and_column(
    tmp_path: Path,
) -> None:
    text = "\n".join([HEADER.replace(",vat_code", ""), ROWS[0].rsplit(",", 1)[0]])
    path = _write(tmp_path, text)
    read = read_history(path)
    assert read.fatal and not read.rows
    (problem,) = read.problems
    assert problem.source == f"{path}:1"
    assert "vat_code" in problem.message
    assert problem.code == ProblemCode.HISTORY_INVALID


def test_an_empty_history_says_so(tmp_path: Path) -> None:
    read = read_history(_write(tmp_path, ""))
    assert read.fatal
    assert "empty" in read.problems[0].message


def test_a_header_without_rows_is_an_empty_history(tmp_path: Path) -> None:
    read = read_history(_write(tmp_path, HEADER + "\n"))
    assert read.fatal
    assert "no usable rows" in read.problems[-1].message


def test_bad_rows_are_reported_by_line_and_the_good_ones_kept(tmp_path: Path) -> None:
    text = "\n".join(
        [
            HEADER,
            ROWS[0],
            "2024-13-45,987654325,Kontorland AS,Papir,100,6560,1",
            "2024-01-15,987654325,Kontorland AS,Papir,hundre,6560,1",
            "2024-01-15,987654325,Kontorland AS,Papir,100,,1",
            "2024-01-15,987654325,Kontorland AS,Papir,100,65 60,1",
            "2024-01-15,987654325,Kontorland AS,Papir",
            ROWS[1],
        ]
    )
    path = _write(tmp_path, text)
    read = read_history(path)
    assert len(read.rows) == 2
    assert [p.source for p in read.problems] == [f"{path}:{n}" for n in (3, 4, 5, 6, 7)]
    messages = " | ".join(p.message for p in read.problems)
    for fragment in ("is not a date", "is not a number", "account is empty", "not an account"):
        assert fragment in messages


def test_accounts_outside_the_chart_are_reported_when_a_chart_is_given(tmp_path: Path) -> None:
    path = _write(tmp_path, "\n".join([HEADER, *ROWS]))
    read = read_history(path, known_accounts={"6540"})
    assert read.fatal
    assert "6560 is not in the chart of accounts" in read.problems[0].message


def test_a_missing_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    read = read_history(tmp_path / "nope.csv")
    assert read.fatal and "no such file" in read.problems[0].message


def test_written_history_reads_back_identically(tmp_path: Path) -> None:
    original = read_history(_write(tmp_path, "\n".join([HEADER, *ROWS]))).rows
    copy = tmp_path / "copy.csv"
    write_history_csv(original, copy)
    assert read_history(copy).rows == original


def test_rows_to_code_keep_their_order_and_a_bad_row_keeps_its_place(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "supplier_org_number;supplier_name;description;net_amount;date",
            "987654325;Kontorland AS;Papir;100;2024-01-01",
            "987654325;Kontorland AS;Papir;mye;2024-01-01",
            ";Ny Leverandør AS;Hotell;1200;",
        ]
    )
    items, problems, fatal = read_coding_inputs(_write(tmp_path, text))
    assert not fatal
    assert items[1] is None
    assert items[0] is not None and items[0].net_amount == Decimal(100)
    assert items[2] is not None and items[2].date is None
    assert len(problems) == 1 and problems[0].source.endswith(":3")


def test_a_field_over_the_csv_size_limit_stops_reading_with_a_problem_not_a_crash(
    tmp_path: Path,
) -> None:
    huge = "x" * 200_000
    path = _write(tmp_path, "\n".join([HEADER, ROWS[0], f'2024-01-03,1,A,"{huge}",1,6300,1']))
    read = read_history(path)
    assert len(read.rows) == 1
    assert read.problems[0].source == f"{path}:3"
    assert "unreadable CSV" in read.problems[0].message


def test_random_bytes_are_refused_as_a_history_without_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "noise.csv"
    path.write_bytes(bytes(range(256)) * 4)
    read = read_history(path)
    assert read.fatal
    assert "missing required column" in read.problems[0].message
