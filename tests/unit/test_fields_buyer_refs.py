"""Who ordered and for which project: "Deres ref." and "Prosjekt:" read from a PDF's text."""

from __future__ import annotations

from tests.unit.test_fields import invoice_rows, read


def _with(*extra: list[tuple[float, str]]) -> list[list[tuple[float, str]]]:
    rows = invoice_rows()
    return rows[:5] + list(extra) + rows[5:]


def test_a_labelled_buyer_reference_and_project_are_read_beside_their_labels() -> None:
    invoice, _ = read(
        _with([(40, "Deres ref.: Ola Lunde"), (330, "Prosjekt:"), (400, "2231 Kaibyen")])
    )
    assert invoice is not None
    assert (invoice.buyer_reference, invoice.project_reference) == ("Ola Lunde", "2231 Kaibyen")
    assert invoice.confidence["buyer_reference"] > 0.5


def test_a_dotted_leader_and_a_label_without_colon_still_name_who_ordered() -> None:
    invoice, _ = read(_with([(40, "Deres ref. ..........: Ola Haugen")]))
    assert invoice is not None and invoice.buyer_reference == "Ola Haugen"
    invoice, _ = read(_with([(40, "Bestilt av Erik Berg")]))
    assert invoice is not None and invoice.buyer_reference == "Erik Berg"


def test_labels_above_their_values_are_read_down_the_column() -> None:
    invoice, _ = read(
        _with([(40, "Anlegg"), (200, "Deres ref.")], [(40, "P2257"), (200, "Marte Aas")])
    )
    assert invoice is not None
    assert (invoice.buyer_reference, invoice.project_reference) == ("Marte Aas", "P2257")


def test_a_label_beside_a_label_is_no_value_and_the_sellers_reference_is_not_the_buyers() -> None:
    invoice, _ = read(
        _with([(40, "Deres ref."), (120, "Saksbehandler")], [(40, "Vår ref.: Per Moe")])
    )
    assert invoice is not None and invoice.buyer_reference is None


def test_a_line_that_begins_with_prosjekt_is_a_description_not_the_project() -> None:
    invoice, _ = read(_with([(40, "Prosjektledelse uke 12")], [(40, "Prosjekt Kaibyen ombygging")]))
    assert invoice is not None and invoice.project_reference is None
