"""Department and project suggestions from the history's own columns (classifiers.dimensions)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from classifiers.account_coder import HistoryCoder
from classifiers.base import CodingInput, HistoryRow
from classifiers.dimensions import (
    dimension_tokens,
    invoice_context,
    invoice_contexts,
    labelled,
    shape,
)
from tests.fixtures.coding_history import org_number

START = date(2023, 1, 2)
ELECTRICIAN = (org_number(7), "Fjell Elektro AS")
CLEANER = (org_number(8), "Rent Bygg AS")
SITES = {"Kaigaten 14": "300", "Bryggen 21": "200", "Verkstedveien 2": "500"}


def _row(
    supplier: tuple[str, str],
    day: int,
    text: str,
    account: str,
    department: str | None = None,
    project: str | None = None,
) -> HistoryRow:
    return HistoryRow(
        date=START + timedelta(days=day),
        supplier_org_number=supplier[0],
        supplier_name=supplier[1],
        description=text,
        net_amount=Decimal(1000 + day),
        account=account,
        vat_code="1",
        department=department,
        project=project,
    )


def _history() -> list[HistoryRow]:
    """An electrician on project 2108 (Kaibyen), then 2115 (Sjøtomta); repairs go to Drift;
    a cleaner of three buildings, each run by one department."""
    rows: list[HistoryRow] = []
    for week in range(100):
        day = week * 7
        project, place = ("2108", "Kaibyen") if week < 60 else ("2115", "Sjøtomta")
        text = "Elektroarbeid" if week % 2 else f"Elektroarbeid {place}"
        rows.append(_row(ELECTRICIAN, day, text, "4300", project=project))
        rows.append(
            _row(ELECTRICIAN, day, f"Kabel og materiell prosjekt {project}", "4300", None, project)
        )
        if week % 5 == 0:
            rows.append(_row(ELECTRICIAN, day, "Service elanlegg", "6620", department="200"))
        site = list(SITES)[week % 3]
        rows.append(_row(CLEANER, day + 1, f"Renhold {site}", "6360", department=SITES[site]))
    return rows


@pytest.fixture(scope="module")
def coder() -> HistoryCoder:
    c = HistoryCoder()
    c.fit(_history())
    return c


def _ask(
    coder: HistoryCoder, supplier: tuple[str, str], text: str, context: str | None = None
) -> tuple[str | None, str | None, str | None]:
    s = coder.suggest(
        CodingInput(
            supplier[0],
            supplier[1],
            text,
            Decimal(5000),
            START + timedelta(days=800),
            context=context,
        )
    )
    return s.account, s.department, s.project


def test_a_line_without_a_name_takes_the_suppliers_current_project(coder: HistoryCoder) -> None:
    assert _ask(coder, ELECTRICIAN, "Elektroarbeid") == ("4300", None, "2115")


def test_a_project_named_on_the_line_wins_over_the_suppliers_current_one(
    coder: HistoryCoder,
) -> None:
    assert _ask(coder, ELECTRICIAN, "Elektroarbeid Kaibyen")[2] == "2108"
    assert _ask(coder, ELECTRICIAN, "Kabel og materiell prosjekt 2108")[2] == "2108"


def test_a_project_named_on_another_line_of_the_invoice_is_the_lines_project(
    coder: HistoryCoder,
) -> None:
    assert _ask(coder, ELECTRICIAN, "Elektroarbeid", context="Kabel, Kaibyen")[2] == "2108"


def test_a_labelled_project_the_history_has_not_seen_yet_is_taken_as_printed(
    coder: HistoryCoder,
) -> None:
    assert _ask(coder, ELECTRICIAN, "Elektroarbeid", context="Prosjekt: 2199")[2] == "2199"
    # a number of another shape is no project number of this company
    assert _ask(coder, ELECTRICIAN, "Elektroarbeid", context="Prosjekt: 21-99-A")[2] == "2115"


def test_repairs_carry_a_department_and_no_project(coder: HistoryCoder) -> None:
    assert _ask(coder, ELECTRICIAN, "Service elanlegg") == ("6620", "200", None)


def test_the_building_named_on_the_line_decides_the_department(coder: HistoryCoder) -> None:
    for site, department in SITES.items():
        assert _ask(coder, CLEANER, f"Renhold {site}") == ("6360", department, None)


def test_a_new_supplier_gets_the_department_its_words_name(coder: HistoryCoder) -> None:
    new = (org_number(99), "Blank Vask AS")
    assert _ask(coder, new, "Renhold Verkstedveien 2")[1:] == ("500", None)


def test_the_lines_of_one_invoice_are_each_others_context() -> None:
    rows = [
        _row(ELECTRICIAN, 0, "a", "4300"),
        _row(ELECTRICIAN, 0, "b", "4300"),
        _row(CLEANER, 0, "c", "6360"),
    ]
    keys = ["e", "e", "c"]
    assert invoice_contexts(rows, keys) == ["b", "a", ""]


def test_tokens_keep_words_and_numbers_and_shapes_keep_the_form() -> None:
    assert dimension_tokens("Tømrerarbeid prosjekt 2108, Kaibyen 2") == [
        "tømrerarbeid",
        "prosjekt",
        "2108",
        "kaibyen",
    ]
    assert shape("P-2231") == "A-9999"
    assert labelled("project", "Deres ref: Prosjektnr. P-2231 Kaibyen", frozenset({"A-9999"})) == (
        "P-2231"
    )
    # a known value keeps the history's spelling
    assert labelled("project", "prosjekt p-2231", frozenset({"A-9999"}), {"P-2231"}) == "P-2231"
    assert labelled("department", "Avd. 300", frozenset({"999"})) == "300"
    assert labelled("project", "Prosjekt: 12", frozenset({"9999"})) is None


def test_a_building_names_the_cleaners_department_though_repairs_there_go_to_maintenance() -> None:
    """Repairs at Kaigaten 14 outnumber its cleaning: over all lines its name mostly
    says maintenance (200), on the cleaner's invoices it says who runs it (300)."""
    plumber = (org_number(11), "Vann og Rør AS")
    rows: list[HistoryRow] = []
    for week in range(80):
        site = ("Kaigaten 14", "Bryggen 21")[week % 2]
        rows.append(_row(CLEANER, week * 7, f"Renhold {site}", "6360", SITES[site]))
        for extra in range(3):
            rows.append(_row(plumber, week * 7 + extra, "Lekkasje Kaigaten 14", "6620", "200"))
    coder = HistoryCoder()
    coder.fit(sorted(rows, key=lambda r: r.date))
    assert _ask(coder, CLEANER, "Vinduspuss Kaigaten 14")[1] == "300"
    assert _ask(coder, CLEANER, "Vinduspuss Bryggen 21")[1] == "200"
    assert _ask(coder, plumber, "Lekkasje Kaigaten 14")[1] == "200"


def test_the_buyer_reference_says_whose_department_pays_at_a_supplier_serving_all() -> None:
    """An office supplier orders for every department; the person on "Deres ref."
    decides, whatever the supplier's latest invoices went to."""
    office = (org_number(12), "Papir og Penn AS")
    people = {"Ola Lunde": "400", "Ola Haugen": "200", "Kari Aas": "100", "Erik Aas": "300"}
    rows = [
        HistoryRow(
            date=START + timedelta(days=day),
            supplier_org_number=office[0],
            supplier_name=office[1],
            description=f"Kopipapir, {('januar', 'februar', 'mars')[day % 3]}",
            net_amount=Decimal(900),
            account="6800",
            vat_code="1",
            department=people[person],
            reference=person,
        )
        for day, person in enumerate(list(people) * 10)
    ]
    coder = HistoryCoder()
    coder.fit(rows)
    for person, department in people.items():
        context = invoice_context(["Toner"], buyer=person)
        assert _ask(coder, office, "Kopipapir, mars", context=context)[1] == department
    assert dimension_tokens(invoice_context([], buyer="Ola  Lunde")) == ["ref:ola lunde"]


def test_a_contractors_labour_goes_to_the_project_its_latest_materials_went_to() -> None:
    """Labour (4500) was last billed on project 2108; since then only materials (4300)
    for 2115: the contractor is on 2115 now, whatever account it bills it under."""
    carpenter = (org_number(13), "Tre og Spiker AS")
    rows: list[HistoryRow] = []
    for project, first in (("2101", 0), ("2108", 70)):
        for day in range(first, first + 60, 7):
            rows.append(_row(carpenter, day, "Tømrerarbeid", "4500", project=project))
            rows.append(_row(carpenter, day, "Trelast", "4300", project=project))
    rows += [_row(carpenter, day, "Trelast", "4300", project="2115") for day in range(140, 200, 7)]
    coder = HistoryCoder()
    coder.fit(sorted(rows, key=lambda r: r.date))
    assert _ask(coder, carpenter, "Tømrerarbeid")[::2] == ("4500", "2115")
