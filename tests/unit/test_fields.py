"""Template-free field extraction from positioned words (no PDF, no OCR needed)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bilag.domain.model import DocumentType
from bilag.domain.problems import ProblemCode
from bilag.domain.supplier import KnownSupplier
from parsers.base import ParseContext
from parsers.fields.date_pair import is_payment_term
from parsers.fields.invoice import extract_invoice
from parsers.layout import Word

CHAR, SPACE, HEIGHT, LEADING = 5.0, 3.0, 10.0, 16.0
SUPPLIER_ORG = "987654325"
BUYER_ORG = "916341059"


def words(
    rows: list[list[tuple[float, str]]], *, page: int = 1, confidence: float = 1.0
) -> list[Word]:
    """Rows of (x, phrase) placed like a text layer: one row per line, 5 pt per char."""
    out = []
    for i, row in enumerate(rows):
        top = 40 + i * LEADING
        for x, phrase in row:
            for token in phrase.split():
                out.append(
                    Word(token, x, top, x + CHAR * len(token), top + HEIGHT, page, confidence)
                )
                x += CHAR * len(token) + SPACE
    return out


def invoice_rows(
    *, total: str = "3 750,00", buyer_org: bool = True, title: str = "FAKTURA"
) -> list[list[tuple[float, str]]]:
    rows = [
        [(40, "Nordlys Kontor AS"), (400, title)],
        [(40, "Storgata 1, 0155 Oslo"), (330, "Fakturanr.:"), (450, "10234")],
        [(330, "Fakturadato:"), (450, "01.03.2024")],
        [(40, "Faktureres til:"), (330, "Forfallsdato:"), (450, "15.03.2024")],
        [(40, "Fjord Regnskap AS"), (330, "KID:"), (450, "1234567897")],
    ]
    if buyer_org:
        rows.append([(40, f"Org.nr.: {BUYER_ORG[:3]} {BUYER_ORG[3:6]} {BUYER_ORG[6:]}")])
    rows += [
        [],
        [(40, "Beskrivelse"), (250, "Antall"), (330, "Pris"), (450, "Beløp")],
        [(40, "Kontorstol"), (250, "2"), (330, "1 500,00"), (450, "3 000,00")],
        [(330, "Sum eks. mva"), (450, "3 000,00")],
        [(330, "Mva 25 %"), (450, "750,00")],
        [(330, "Å betale NOK"), (450, total)],
        [],
        [(40, "Kontonr. 1503.24.12340")],
        [(40, f"Org.nr. NO {SUPPLIER_ORG[:3]} {SUPPLIER_ORG[3:6]} {SUPPLIER_ORG[6:]} MVA")],
    ]
    return rows


def read(rows: list[list[tuple[float, str]]], ctx: ParseContext | None = None, **kw: float):
    return extract_invoice(
        words(rows, **kw), source="t.pdf", parser="pdf", ctx=ctx or ParseContext()
    )


def test_labelled_fields_are_read_from_beside_their_labels():
    invoice, problems = read(invoice_rows())
    assert problems == ()
    assert invoice is not None
    assert invoice.invoice_number == "10234"
    assert invoice.issue_date == date(2024, 3, 1)
    assert invoice.due_date == date(2024, 3, 15)
    assert invoice.payment_reference == "1234567897"
    assert invoice.supplier.bank_account == "15032412340"
    assert invoice.currency == "NOK"
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        Decimal("3000.00"),
        Decimal("750.00"),
        Decimal("3750.00"),
    )


def test_values_below_a_row_of_labels_are_found():
    rows = [
        [(40, "Bryggen Kaffe AS"), (400, "Faktura")],
        [(40, "Fakturanummer"), (160, "Fakturadato"), (280, "Forfall")],
        [(40, "88213"), (160, "12. februar 2024"), (280, "13. mars 2024")],
        [(330, "Totalt eks. mva"), (450, "1.000,00")],
        [(330, "Merverdiavgift"), (450, "250,00")],
        [(330, "Totalt inkl. mva"), (450, "1.250,00")],
    ]
    invoice, _ = read(rows)
    assert invoice is not None
    assert invoice.invoice_number == "88213"
    assert invoice.issue_date == date(2024, 2, 12)
    assert invoice.due_date == date(2024, 3, 13)
    assert invoice.gross_total == Decimal("1250.00")


def _dated(issue: str, due: str) -> list[list[tuple[float, str]]]:
    """An invoice dated under the generic ``Dato`` label, its due date under a weaker one."""
    rows = [
        [(40, "Bryggen Kaffe AS"), (400, "Faktura")],
        [(40, "Fakturanummer"), (160, "Dato"), (280, "Betalingsfrist")],
        [(40, "88213"), (160, issue), (280, due)],
    ]
    return rows + [row for row in invoice_rows() if "Sum" in str(row) or "betale" in str(row)]


def test_a_due_date_a_payment_term_after_a_generic_date_makes_both_sure_enough_to_post():
    invoice, _ = read(_dated("12.02.2024", "13.03.2024"))  # 30 days
    assert invoice is not None
    assert invoice.issue_date == date(2024, 2, 12)
    assert invoice.confidence_of("issue_date") >= 0.85
    assert invoice.confidence_of("due_date") >= 0.85


def test_dates_an_unusual_distance_apart_stay_as_unsure_as_their_labels():
    invoice, _ = read(_dated("12.02.2024", "25.03.2024"))  # 42 days: no usual term
    assert invoice is not None
    assert invoice.issue_date == date(2024, 2, 12)
    assert invoice.confidence_of("issue_date") < 0.8


def test_the_one_date_label_of_a_credit_note_dates_it_and_is_sure_enough_to_post():
    rows = [
        [(40, "Bryggen Kaffe AS"), (400, "Kreditnota")],
        [(40, "Kreditnotanummer"), (160, "Dato")],
        [(40, "K88213"), (160, "12.02.2024")],
    ]
    rows += [row for row in invoice_rows() if "Sum" in str(row) or "betale" in str(row)]
    invoice, _ = read(rows)
    assert invoice is not None and invoice.due_date is None
    assert invoice.issue_date == date(2024, 2, 12)
    assert invoice.confidence_of("issue_date") >= 0.8
    with_delivery = [*rows[:2], [(40, "Leveringsdato 10.02.2024")], *rows[2:]]
    invoice, _ = read(with_delivery)  # another date label: "Dato" may not be the document's
    assert invoice is not None and invoice.confidence_of("issue_date") < 0.8


def test_a_same_day_next_month_due_date_is_a_payment_term():
    assert is_payment_term(date(2024, 1, 31), date(2024, 3, 1)) is True  # 30 days
    assert is_payment_term(date(2024, 2, 12), date(2024, 4, 12)) is True  # two months
    assert is_payment_term(date(2024, 2, 12), date(2024, 2, 12)) is False
    assert is_payment_term(date(2024, 2, 12), date(2024, 8, 12)) is False


def test_an_amount_beside_a_label_that_goes_on_is_not_an_invoice_number():
    rows = [
        [(40, "Bryggen Catering AS"), (400, "Invoice")],
        [(330, "Invoice no."), (450, "26013585")],
        [(40, "Coffee and fruit"), (450, "1 000,00")],
        [(330, "Invoice fee"), (450, "49.00")],
        [(330, "Subtotal"), (450, "1 049,00")],
    ]
    invoice, _ = read(rows)
    assert invoice is not None
    assert invoice.invoice_number == "26013585"
    assert invoice.confidence_of("invoice_number") >= 0.9  # "49.00" does not contest it


def test_the_buyers_own_org_number_is_never_taken_for_the_suppliers():
    rows = [row for row in invoice_rows() if "NO 987" not in str(row)]
    ctx = ParseContext(buyer_org_numbers=frozenset({BUYER_ORG}))
    invoice, _ = read(rows, ctx)
    assert invoice is not None
    assert invoice.supplier.org_number is None
    assert invoice.buyer.org_number == BUYER_ORG


def test_an_org_number_in_the_buyer_block_is_the_buyers_even_without_configuration():
    invoice, _ = read(invoice_rows())
    assert invoice is not None
    assert invoice.supplier.org_number == SUPPLIER_ORG
    assert invoice.supplier.vat_number == f"NO{SUPPLIER_ORG}MVA"
    assert invoice.buyer.org_number == BUYER_ORG


def test_a_kid_that_passes_the_org_number_check_is_not_taken_for_the_suppliers_org_number():
    kid = "800135583"  # nine digits that pass MOD11, printed under the KID label
    rows = [row for row in invoice_rows() if "NO 987" not in str(row)]
    rows = [[(x, kid if t == "1234567897" else t) for x, t in row] for row in rows]
    ctx = ParseContext(buyer_org_numbers=frozenset({BUYER_ORG}))
    invoice, _ = read(rows, ctx)
    assert invoice is not None
    assert invoice.payment_reference == kid
    assert invoice.supplier.org_number is None


def test_credit_note_amounts_stay_positive():
    rows = invoice_rows(title="KREDITNOTA")
    negative = {"3 000,00": "-3 000,00", "750,00": "-750,00", "3 750,00": "-3 750,00"}
    rows = [[(x, negative.get(t, t)) for x, t in row] for row in rows]
    invoice, _ = read(rows)
    assert invoice is not None
    assert invoice.document_type is DocumentType.CREDIT_NOTE
    assert invoice.gross_total == Decimal("3750.00")
    assert all(line.net_amount and line.net_amount > 0 for line in invoice.lines)


def test_totals_that_reconcile_are_confident_and_ones_that_do_not_are_not():
    good, _ = read(invoice_rows())
    bad, _ = read(invoice_rows(total="3 950,00"))
    assert good is not None and bad is not None
    assert good.confidence["gross_total"] >= 0.95
    assert bad.confidence["gross_total"] < 0.9


def test_low_ocr_confidence_lowers_field_confidence():
    clean, _ = read(invoice_rows())
    blurred, _ = read(invoice_rows(), confidence=0.5)
    assert clean is not None and blurred is not None
    assert blurred.confidence["invoice_number"] < clean.confidence["invoice_number"]


def test_a_field_that_is_not_there_is_none_without_a_confidence():
    invoice, _ = read(invoice_rows())
    assert invoice is not None
    assert invoice.order_reference is None
    assert "order_reference" not in invoice.confidence


def test_a_letter_is_not_an_invoice():
    rows = [
        [(40, "Tromsø Elektro AS")],
        [(40, "Oslo, 15. mars 2024")],
        [(40, "Vi viser til deres faktura og takker for samarbeidet.")],
        [(40, "Med vennlig hilsen")],
    ]
    invoice, problems = read(rows)
    assert invoice is None
    assert [p.code for p in problems] == [ProblemCode.NOT_AN_INVOICE]


def test_no_words_at_all_is_a_problem_not_a_crash():
    invoice, problems = extract_invoice([], source="blank.pdf", parser="ocr", ctx=ParseContext())
    assert invoice is None
    assert problems[0].code == ProblemCode.NOT_AN_INVOICE


def test_a_known_supplier_is_recognised_by_bank_account_when_no_org_number_is_printed():
    rows = [row for row in invoice_rows() if "NO 987" not in str(row)]
    known = KnownSupplier(
        org_number=SUPPLIER_ORG, names=("Nordlys Kontor AS",), bank_accounts=("15032412340",)
    )
    ctx = ParseContext(known_suppliers=(known,), buyer_org_numbers=frozenset({BUYER_ORG}))
    invoice, _ = read(rows, ctx)
    assert invoice is not None
    assert invoice.supplier.name == "Nordlys Kontor AS"
    assert invoice.confidence["supplier.name"] >= 0.9


def test_line_table_rows_are_read_with_quantity_price_and_amount():
    invoice, _ = read(invoice_rows())
    assert invoice is not None
    [line] = invoice.lines
    assert (line.description, line.quantity, line.unit_price, line.net_amount) == (
        "Kontorstol",
        Decimal(2),
        Decimal("1500.00"),
        Decimal("3000.00"),
    )


_texts = st.sampled_from(
    [
        "Faktura",
        "Fakturanr.",
        "KID:",
        "Å",
        "betale",
        "Sum",
        "eks.",
        "mva",
        "1 234,50",
        "25 %",
        "01.03.2024",
        "987654325",
        "NO",
        "MVA",
        "Kunde",
        "Total",
        ":",
        "-",
        "kr",
        "€",
        "0,00",
    ]
) | st.text(min_size=1, max_size=12)
_word = st.builds(
    lambda text, x, y, w, h, page, conf: Word(text, x, y, x + w, y + h, page, conf),
    _texts,
    st.floats(0, 600, allow_nan=False),
    st.floats(0, 800, allow_nan=False),
    st.floats(0, 200, allow_nan=False),
    st.floats(0, 30, allow_nan=False),
    st.integers(1, 3),
    st.floats(0, 1, allow_nan=False),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_word, max_size=60))
def test_extraction_never_raises_and_keeps_its_contract_on_any_words(ws: list[Word]):
    invoice, problems = extract_invoice(ws, source="f.pdf", parser="ocr", ctx=ParseContext())
    assert (invoice is None) == bool(problems)
    if invoice is not None:
        assert all(0.0 <= c <= 1.0 for c in invoice.confidence.values())
        for name in ("invoice_number", "gross_total", "issue_date", "due_date"):
            assert (getattr(invoice, name) is None) == (name not in invoice.confidence)


def test_a_cross_check_flags_a_different_invoice_number_and_bank_account():
    from bilag.domain.model import Invoice, Party
    from parsers.pdf.parser import cross_check

    structured = Invoice(
        source="h.pdf",
        parser="pdf",
        document_type=DocumentType.INVOICE,
        invoice_number="A-1",
        gross_total=Decimal("100.00"),
        supplier=Party(bank_account="15032412340"),
    )
    visible = Invoice(
        source="h.pdf",
        parser="pdf",
        document_type=DocumentType.INVOICE,
        invoice_number="A-2",
        gross_total=Decimal("100.00"),
        supplier=Party(bank_account="30001234567"),
        confidence={"invoice_number": 0.95, "gross_total": 0.97, "supplier.bank_account": 0.8},
    )
    rules = {f.rule: f.severity.value for f in cross_check(structured, visible)}
    assert rules == {"BILAG-XCHECK-NUMBER": "fatal", "BILAG-XCHECK-ACCOUNT": "warning"}


def test_a_payment_reminder_with_amounts_is_not_taken_for_an_invoice():
    rows = [
        [(40, "Nordlys Kontor AS")],
        [(40, "PURRING")],
        [(40, "Fakturanr.:"), (200, "10234")],
        [(40, "Forfallsdato:"), (200, "15.03.2024")],
        [(40, "Å betale NOK"), (200, "3 750,00")],
    ]
    invoice, problems = read(rows)
    assert invoice is None
    assert problems[0].code == ProblemCode.NOT_AN_INVOICE
    assert "reminder" in problems[0].message


def test_a_known_suppliers_org_number_comes_from_the_register_when_not_printed():
    rows = [row for row in invoice_rows() if "NO 987" not in str(row)]
    known = KnownSupplier(
        org_number=SUPPLIER_ORG, names=("Nordlys Kontor AS",), bank_accounts=("15032412340",)
    )
    ctx = ParseContext(known_suppliers=(known,), buyer_org_numbers=frozenset({BUYER_ORG}))
    invoice, _ = read(rows, ctx)
    assert invoice is not None
    assert invoice.supplier.org_number == SUPPLIER_ORG
    assert 0.5 < invoice.confidence["supplier.org_number"] <= 0.9
    assert "register" in invoice.provenance["supplier.org_number"].locator


def test_a_known_account_beside_another_org_number_lowers_confidence():
    known = KnownSupplier(
        org_number="923188770", names=("Bryggen Kaffe AS",), bank_accounts=("15032412340",)
    )
    plain, _ = read(invoice_rows())
    doubted, _ = read(invoice_rows(), ParseContext(known_suppliers=(known,)))
    assert plain is not None and doubted is not None
    assert doubted.supplier.org_number == SUPPLIER_ORG
    assert doubted.confidence["supplier.org_number"] < plain.confidence["supplier.org_number"]
    assert doubted.confidence["supplier.org_number"] < 0.9


def test_a_label_whose_ring_ocr_dropped_is_still_a_label():
    rows = [
        [(x, "A betale NOK" if t == "Å betale NOK" else t) for x, t in row]
        for row in invoice_rows()
    ]
    invoice, _ = read(rows, confidence=0.9)
    assert invoice is not None
    assert invoice.gross_total == Decimal("3750.00")
    assert "A betale" in invoice.provenance["gross_total"].locator


def test_a_misread_net_total_is_replaced_by_gross_minus_vat_with_low_confidence():
    rows = [
        [(x, "300,00") if row[0][1] == "Sum eks. mva" and x == 450 else (x, t) for x, t in row]
        for row in invoice_rows()
        if row
    ]
    invoice, _ = read(rows)
    assert invoice is not None
    assert invoice.net_total == Decimal("3000.00")
    assert invoice.confidence["net_total"] < 0.9


def test_number_fragments_that_happen_to_add_up_are_not_confident():
    rows = [
        [(40, "SANYU STATIONERY SHOP")],
        [(40, "CASH RECEIPT")],
        [(40, "Total Sales (Excluding GST)"), (300, "57 50")],
        [(40, "Total GST"), (300, "3 45")],
        [(40, "Total Sales (Inclusive of GST)"), (300, "60 95")],
    ]
    invoice, _ = read(rows, confidence=0.8)
    assert invoice is None or invoice.confidence.get("gross_total", 0.0) < 0.9


def _totals_rows(*rows: tuple[str, str]) -> list[list[tuple[float, str]]]:
    head = [row for row in invoice_rows() if "Sum eks" not in str(row)]
    cut = next(i for i, row in enumerate(head) if "Kontorstol" in str(row)) + 1
    return head[:cut] + [[(330, label), (450, amount)] for label, amount in rows] + head[-3:]


def test_a_prepaid_amount_is_deducted_and_til_betaling_is_the_amount_to_pay():
    rows = _totals_rows(
        ("Sum eks. mva", "3 000,00"),
        ("Mva 25 %", "750,00"),
        ("Sum inkl. mva", "3 750,00"),
        ("Forskuddsbetalt", "-1 000,00"),
        ("Til betaling", "2 750,00"),
    )
    invoice, _ = read(rows)
    assert invoice is not None
    assert invoice.gross_total == Decimal("3750.00")
    assert invoice.prepaid_amount == Decimal("1000.00")
    assert invoice.payable_amount == Decimal("2750.00")
    assert invoice.confidence["payable_amount"] >= 0.95  # gross - prepaid explains it


def test_rounding_to_whole_kroner_is_read_with_the_sign_the_arithmetic_gives_it():
    rows = _totals_rows(
        ("Sum eks. mva", "2 999,50"),
        ("Mva 25 %", "749,88"),
        ("Sum inkl. mva", "3 749,38"),
        ("Øreavrunding", "0,62"),
        ("Å betale", "3 750,00"),
    )
    invoice, _ = read(rows)
    assert invoice is not None
    assert (invoice.gross_total, invoice.payable_amount) == (Decimal("3749.38"), Decimal(3750))
    assert invoice.rounding_amount == Decimal("0.62")
    down = _totals_rows(
        ("Sum eks. mva", "3 000,30"),
        ("Mva 25 %", "750,08"),
        ("Sum inkl. mva", "3 750,38"),
        ("Øreavrunding", "0,38"),  # printed without its minus
        ("Å betale", "3 750,00"),
    )
    invoice, _ = read(down)
    assert invoice is not None
    assert invoice.rounding_amount == Decimal("-0.38")
    assert invoice.payable_amount == Decimal(3750)


def test_an_amount_to_pay_the_totals_do_not_explain_is_not_confident():
    rows = _totals_rows(
        ("Sum eks. mva", "3 000,00"),
        ("Mva 25 %", "750,00"),
        ("Sum inkl. mva", "3 750,00"),
        ("Til betaling", "2 150,00"),
    )
    invoice, _ = read(rows)
    assert invoice is not None
    assert invoice.gross_total == Decimal("3750.00")
    assert invoice.confidence["payable_amount"] < 0.9


def test_with_no_amount_to_pay_printed_it_is_the_gross_total():
    rows = [
        [(x, t.replace("Å betale NOK", "Sum inkl. mva")) for x, t in row] for row in invoice_rows()
    ]
    invoice, _ = read(rows)
    assert invoice is not None
    assert invoice.payable_amount == invoice.gross_total == Decimal("3750.00")
    assert invoice.confidence["payable_amount"] == invoice.confidence["gross_total"]


def test_a_nynorsk_amount_to_pay_makes_an_invoice():
    rows = [
        [(x, t.replace("Å betale NOK", "Beløp å betala")) for x, t in row] for row in invoice_rows()
    ]
    invoice, problems = read(rows)
    assert problems == ()
    assert invoice is not None
    assert invoice.payable_amount == Decimal("3750.00")


def test_the_invoice_a_credit_note_credits_is_never_its_own_number():
    for label in ("Gjelder faktura", "Kreditering av faktura", "Krediterer faktura nr."):
        rows = invoice_rows(title="KREDITNOTA")
        rows[1] = [(40, "Storgata 1, 0155 Oslo"), (330, "Kreditnotanr.:"), (450, "K-7781")]
        rows.insert(3, [(330, f"{label} 10112")])
        invoice, _ = read(rows)
        assert invoice is not None
        assert invoice.document_type is DocumentType.CREDIT_NOTE
        assert invoice.invoice_number == "K-7781", label
        assert invoice.preceding_invoices == ("10112",), label
    english = invoice_rows(title="CREDIT NOTE")
    english[1] = [(40, "Storgata 1, 0155 Oslo"), (330, "Credit for invoice no."), (450, "10112")]
    english.insert(2, [(330, "Credit note no."), (450, "CN-12")])
    invoice, _ = read(english)
    assert invoice is not None
    assert (invoice.invoice_number, invoice.preceding_invoices) == ("CN-12", ("10112",))


def test_a_norwegian_iban_alone_gives_the_account_number_it_holds():
    rows = [row for row in invoice_rows() if "Kontonr" not in str(row)]
    rows.append([(40, "IBAN: NO93 8601 1117 947 BIC: DNBANOKK")])
    invoice, _ = read(rows)
    assert invoice is not None
    assert invoice.supplier.iban == "NO9386011117947"
    assert invoice.supplier.bank_account == "86011117947"


def test_nynorsk_totals_are_read_by_their_own_labels():
    rows = _totals_rows(
        ("Sum utan mva", "3 000,00"),
        ("Meirverdiavgift 25 %", "750,00"),
        ("Sum med mva", "3 750,00"),
    )
    invoice, problems = read(rows)
    assert problems == ()
    assert invoice is not None
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        Decimal("3000.00"),
        Decimal("750.00"),
        Decimal("3750.00"),
    )
    assert invoice.confidence["vat_total"] >= 0.95


def test_an_invoice_written_as_a_letter_gives_its_date_due_date_and_kid_in_prose():
    rows = [
        [(40, "Moen Kurs og Kompetanse AS")],
        [(40, f"Organisasjonsnummer {SUPPLIER_ORG}")],
        [(400, "Asker, 06.05.26")],
        [(40, "Fjord Regnskap AS")],
        [(40, "Faktura nr. 13663MO")],
        [(40, "Beløpet 3 750,00 NOK bes innbetalt til konto 1503.24.12340")],
        [(40, "innen 20.05.26.")],
        [(40, "Vennligst merk innbetalingen med KID 1234567897.")],
        [(330, "Beløp eks. mva"), (450, "3 000,00")],
        [(330, "Sum mva 25 %"), (450, "750,00")],
        [(330, "Totalt å betale"), (450, "3 750,00")],
    ]
    invoice, problems = read(rows)
    assert problems == ()
    assert invoice is not None
    assert invoice.issue_date == date(2026, 5, 6)
    assert invoice.due_date == date(2026, 5, 20)
    assert invoice.payment_reference == "1234567897"
    assert invoice.invoice_number == "13663MO"


def test_a_norwegian_supplier_that_names_no_currency_bills_in_kroner():
    rows = [
        [(40, "VVS Solberg AS"), (400, "INVOICE")],
        [(330, "Invoice no."), (450, "INV-2026-1")],
        [(330, "Date"), (450, "09-Apr-2026")],
        [(40, f"Organisation number {SUPPLIER_ORG}")],
        [(330, "Net total"), (450, "1 000,00")],
        [(330, "VAT amount 25 %"), (450, "250,00")],
        [(330, "Total"), (450, "1 250,00")],
        [(40, "Bank account: 1503.24.12340")],
    ]
    invoice, _ = read(rows)
    assert invoice is not None
    assert invoice.currency == "NOK"
    assert invoice.confidence["currency"] < 0.9  # a default, not a printed code
    assert invoice.issue_date == date(2026, 4, 9)


def test_totals_that_add_up_to_the_ore_beat_a_gross_rounded_to_whole_kroner():
    rows = _totals_rows(
        ("Sum", "2 999,50"),
        ("Mva 25 %", "749,88"),
        ("Brutto", "3 749,38"),
        ("Øresavrunding", "0,62"),
        ("Å BETALE", "3 750,00"),
    )
    invoice, _ = read(rows)
    assert invoice is not None
    assert (invoice.net_total, invoice.gross_total) == (Decimal("2999.50"), Decimal("3749.38"))
    assert invoice.payable_amount == Decimal("3750.00")


def test_the_date_of_the_credited_invoice_is_not_the_due_date():
    rows = [
        [(40, "DataPilot GmbH"), (400, "CREDIT NOTE")],
        [(330, "Credit note number:"), (450, "F-13530")],
        [(330, "Date:"), (450, "22.03.2026")],
        [(40, "EUR -1 250,00 due")],
        [(40, "Credits invoice F-13397 of 06.02.2026")],
        [(330, "Net amount"), (450, "-1 000,00")],
        [(330, "Total VAT 25 %"), (450, "-250,00")],
        [(330, "Credit total"), (450, "EUR -1 250,00")],
    ]
    invoice, _ = read(rows)
    assert invoice is not None
    assert invoice.invoice_number == "F-13530"
    assert invoice.preceding_invoices == ("F-13397",)
    assert invoice.due_date is None


def test_a_postcode_beside_a_number_label_is_an_address_not_the_number():
    rows = [
        [(40, "Larsen Bygg AS"), (400, "Invoice")],
        [(40, "Invoice no."), (240, "5015 Bergen")],
        [(40, "13603LA")],
        [(40, "Date of supply"), (240, "13-May-2026")],
        [(40, "Date of issue"), (240, "16-May-2026")],
        [(40, "KID no.: 1234567897")],
        [(330, "Total net"), (450, "1 000,00")],
        [(330, "VAT amount 25 %"), (450, "250,00")],
        [(330, "Amount payable"), (450, "1 250,00")],
    ]
    invoice, _ = read(rows)
    assert invoice is not None
    assert invoice.invoice_number == "13603LA"
    assert invoice.issue_date == date(2026, 5, 16)  # not the date of supply
    assert invoice.payment_reference == "1234567897"


def _window_envelope_rows(buyer: str) -> list[list[tuple[float, str]]]:
    """A title left, the supplier's letterhead right (name, street, place, org. number),
    the buyer's address left in the envelope's window."""
    return [
        [(40, "FAKTURA"), (380, "Kleppestø Profil AS")],
        [(380, "Fabrikkveien 3")],
        [(380, "7011 Trondheim")],
        [(40, buyer), (380, "Tlf 756 18 915")],
        [(40, "Kaigaten 14"), (380, f"Foretaksregisteret NO{SUPPLIER_ORG}MVA")],
        [(40, "5015 Bergen")],
        [(40, "Deres ref."), (160, "Ola Haugen")],
        [(40, "Fakturanr:"), (160, "INV-1")],
        [(330, "Sum eks. mva"), (450, "1 000,00")],
        [(330, "Mva 25 %"), (450, "250,00")],
        [(330, "Å betale"), (450, "1 250,00")],
    ]


def test_the_companys_own_name_is_the_buyer_never_the_supplier():
    ctx = ParseContext(buyer_names=("Fjordbyen Eiendom AS",))
    invoice, _ = read(_window_envelope_rows("Fjordbyen Eiendom AS"), ctx)
    assert invoice is not None
    assert invoice.supplier.name == "Kleppestø Profil AS"
    assert invoice.buyer.name == "Fjordbyen Eiendom AS"


def test_the_name_in_the_block_of_the_supplier_org_number_is_the_suppliers():
    invoice, _ = read(_window_envelope_rows("Fjordbyen Drift AS"))
    assert invoice is not None
    assert invoice.supplier.name == "Kleppestø Profil AS"  # not the name in the other column


def test_labels_under_a_buyer_label_are_not_the_buyers_name():
    rows = [
        [(40, "Bryggen Kaffe AS"), (400, "Faktura")],
        [(40, "Kunde")],
        [(40, "Deres ref. Ola Haugen")],
        [(40, "Fjordkanten Regnskap AS")],
        [(40, "Fakturanummer"), (160, "88213")],
        [(330, "Sum eks. mva"), (450, "1 000,00")],
        [(330, "Mva 25 %"), (450, "250,00")],
        [(330, "Å betale"), (450, "1 250,00")],
    ]
    invoice, _ = read(rows)
    assert invoice is not None
    assert invoice.buyer.name == "Fjordkanten Regnskap AS"


def test_a_name_beside_an_address_line_in_smaller_type_is_read_without_it():
    # an 18 pt name, a 9 pt street line under it, and a tall title at the left whose band
    # holds both
    big = [
        Word(w, 380 + 50 * i, 35.6, 425 + 50 * i, 53.4, 1, 1.0)
        for i, w in enumerate(("Larsen", "Maskin", "AS"))
    ]
    small = [
        Word(w, 400 + 45 * i, 56.4, 435 + 45 * i, 65.2, 1, 1.0)
        for i, w in enumerate(("Sjøgata", "78"))
    ]
    title = [Word("Faktura", 40, 44.0, 120, 70.0, 1, 1.0)]
    rest = [
        replace(w, top=w.top + 150, bottom=w.bottom + 150)
        for w in words(
            [
                [(380, f"Org.nr. {SUPPLIER_ORG}")],
                [(40, "Fakturanr. 1")],
                [(330, "Å betale"), (450, "1 250,00")],
            ]
        )
    ]
    invoice, _ = extract_invoice(
        big + small + title + rest, source="t.pdf", parser="pdf", ctx=ParseContext()
    )
    assert invoice is not None
    assert invoice.supplier.name == "Larsen Maskin AS"


def test_a_reminder_gives_its_new_due_date_and_the_fee_in_the_amount_to_pay():
    rows = _totals_rows(
        ("Netto", "3 000,00"),
        ("Merverdiavgift", "750,00"),
        ("Sum inkl. mva", "3 750,00"),
        ("Purregebyr", "35,00"),
        ("Å BETALE", "3 785,00"),
    )
    rows = [row for row in rows if "Forfallsdato" not in str(row)]
    rows.insert(
        1,
        [
            (40, "Opprinnelig forfall"),
            (200, "15.03.2024"),
            (330, "Betales innen"),
            (450, "08.04.2024"),
        ],
    )
    invoice, _ = read(rows)
    assert invoice is not None
    assert invoice.due_date == date(2024, 4, 8)
    assert invoice.gross_total == Decimal("3750.00")
    assert invoice.payable_amount == Decimal("3785.00")
    assert invoice.confidence["payable_amount"] >= 0.95  # gross + the fee explains it


def test_a_dollar_sign_inside_a_word_is_not_a_currency():
    misread = {"Kontorstol": "Ti$ch Kontorstol", "Å betale NOK": "Å betale"}
    rows = [[(x, misread.get(t, t)) for x, t in row] for row in invoice_rows()]
    invoice, _ = read(rows)
    assert invoice is not None
    assert invoice.currency == "NOK"  # a Norwegian invoice naming no currency


def test_a_foreign_vat_number_is_not_read_as_a_norwegian_org_number():
    rows = [row for row in invoice_rows(buyer_org=False) if "NO 987" not in str(row)]
    rows.append([(40, "VAT No. DE 987654325")])  # nine digits that pass MOD11 after DE
    invoice, _ = read(rows)
    assert invoice is not None
    assert invoice.supplier.org_number is None


def test_each_label_of_a_row_of_labels_reads_the_value_under_it():
    def row(top: float, cells: list[tuple[float, float, str]]) -> list[Word]:
        return [Word(t, x0, top, x1, top + 10, 1, 1.0) for x0, x1, t in cells]

    # OCR joins close words into one phrase: labels in one, values in another
    labels = row(100, [(40, 82, "Fakturanr"), (88, 140, "Fakturadato"), (146, 204, "Forfallsdato")])
    values = row(116, [(40, 70, "13651"), (88, 126, "02.05.26"), (146, 184, "16.05.26")])
    rest = words(
        [
            [(40, "Nordlys AS"), (400, "FAKTURA")],
            [],
            [],
            [],
            [],
            [],
            [(330, "Å betale"), (450, "1 250,00")],
        ]
    )
    invoice, _ = extract_invoice(
        labels + values + rest, source="t.pdf", parser="ocr", ctx=ParseContext()
    )
    assert invoice is not None
    assert invoice.invoice_number == "13651"
    assert (invoice.issue_date, invoice.due_date) == (date(2026, 5, 2), date(2026, 5, 16))


def test_a_label_in_capitals_at_the_top_is_never_the_suppliers_name():
    rows = [
        [(40, "BELØP Å BETALE"), (400, "FAKTURA")],
        [(40, "1 250,00")],
        [(40, "Fakturanr. 77")],
        [(300, "Sum eks. mva 1 000,00")],
        [(300, "Mva 25 % 250,00")],
    ]
    invoice, _ = read(rows)
    assert invoice is not None
    assert invoice.payable_amount == Decimal("1250.00")
    assert invoice.supplier.name is None  # no name printed: none made up from a label
