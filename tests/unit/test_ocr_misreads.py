"""What OCR does to an invoice's words, and how the field extractor reads through it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from parsers.base import ParseContext
from parsers.fields.invoice import extract_invoice
from parsers.fields.lines import build_lines
from parsers.fields.misread import label_word
from parsers.fields.values import find_hits
from parsers.layout import Word

OCR = 0.93  # a calibrated tesseract confidence: these words were read from an image


def ocr_words(rows: list[list[tuple[float, str]]], *, char: float = 14.0) -> list[Word]:
    """Rows of (x, phrase) as OCR boxes them: tight around the ink, one space one char."""
    out = []
    for i, row in enumerate(rows):
        top = 100 + i * 50
        for x, phrase in row:
            for token in phrase.split():
                out.append(Word(token, x, top, x + char * len(token), top + 24, 1, OCR))
                x += char * (len(token) + 1) + 6
    return out


def test_a_label_word_with_letters_misread_is_the_label():
    assert label_word("fortalisdato") == "forfallsdato"
    assert label_word("kredimota") == "kreditnota"
    assert label_word("organisasjonanummer") == "organisasjonsnummer"
    assert label_word("levenngsdato") == "leveringsdato"


def test_a_word_that_is_no_label_misread_stays_as_read():
    assert label_word("kontor") == "kontor"  # a letter added to a short word: another word
    assert label_word("bergen") == "bergen"
    assert label_word("fakturamottaker") == "fakturamottaker"


def test_a_misread_due_date_label_still_labels_its_date():
    rows = [[(100, "Fortalisdato:"), (600, "21.01.2026")]]
    hits = find_hits(build_lines(ocr_words(rows)))
    assert [h.field for h in hits] == ["due_date"]


def test_a_text_layer_word_is_never_corrected():
    words = [Word("Fortalisdato:", 100, 100, 280, 124, 1, 1.0)]
    assert find_hits(build_lines(words)) == []


def test_a_typewriter_line_read_by_ocr_is_one_phrase_where_one_space_parts_its_words():
    # Courier: every character as wide as the next, a space wider than the ink is tall
    words = [
        Word("Sum", 399, 2112, 485, 2143, 1, OCR),
        Word("ekskl.", 517, 2109, 683, 2142, 1, OCR),
        Word("mva", 724, 2119, 812, 2143, 1, OCR),
        Word("13", 2290, 2110, 2340, 2143, 1, OCR),
        Word("275,60", 2380, 2110, 2552, 2143, 1, OCR),
    ]
    (line,) = build_lines(words)
    assert [p.text for p in line.phrases] == ["Sum ekskl. mva", "13 275,60"]


def _invoice(rows: list[list[tuple[float, str]]]):
    ctx = ParseContext(buyer_names=("Fjordbyen Eiendom AS",))
    return extract_invoice(
        ocr_words(rows), source="s.png", parser="ocr", ctx=ctx, page_sizes={1: (2480, 3508)}
    )


def test_a_dollar_sign_read_on_a_norwegian_page_is_not_a_currency():
    rows = [
        [(100, "Bakke Sikkerhet AS"), (1400, "FAKTURA")],
        [(100, "Kaigaten 14, $015 Bergen"), (1400, "Fakturanr:"), (1800, "13438")],
        [(1400, "Fakturadato:"), (1800, "20.02.2026")],
        [(1400, "Forfall:"), (1800, "02.03.2026")],
        [(1000, "Sum eks. mva"), (1800, "6 745,50")],
        [(1000, "Mva 25 %"), (1800, "1 686,38")],
        [(1000, "Å betale"), (1800, "8 431,88")],
    ]
    invoice, _ = _invoice(rows)
    assert invoice is not None
    assert invoice.currency == "NOK"
    assert invoice.payable_amount == Decimal("8431.88")
    assert invoice.due_date == date(2026, 3, 2)


def test_a_foreign_vat_number_whose_country_code_was_misread_is_no_org_number():
    # "DE828195301" read as "0€828195301": 828195301 passes MOD11 by chance
    rows = [
        [(100, "DataPilot GmbH"), (1400, "INVOICE")],
        [(100, "VAT No. 0€828195301"), (1400, "Invoice No."), (1800, "F-13465")],
        [(1400, "Invoice date:"), (1800, "2026-03-01")],
        [(1000, "Balance due EUR"), (1800, "11,164.30")],
    ]
    invoice, _ = _invoice(rows)
    assert invoice is not None
    assert invoice.supplier.org_number is None


def _lost_labels(title: str = "FAKTURA") -> list[list[tuple[float, str]]]:
    return [
        [(100, "Olsen & Sønn Rengjøring AS"), (1400, title)],
        [(100, "Kaigaten 14"), (1400, "Fakturanr:"), (1800, "26013357")],
        [(100, "5015 Bergen"), (1800, "24.01.2026")],  # "Fakturadato" did not read
        [(1400, "Utført dato:"), (1800, "10.01.2026")],
        [(1800, "13.02.2026")],  # nor did "Forfall"
        [(1000, "Sum eks. mva"), (1800, "11 616,50")],
        [(1000, "Mva 25 %"), (1800, "2 904,13")],
        [(1000, "Å betale"), (1800, "14 520,63")],
    ]


def test_dates_whose_labels_ocr_lost_are_issue_then_due_by_their_order_and_distance():
    invoice, _ = _invoice(_lost_labels())
    assert invoice is not None
    assert (invoice.issue_date, invoice.due_date) == (date(2026, 1, 24), date(2026, 2, 13))
    assert invoice.confidence["issue_date"] < 0.9  # the arrangement says it, not a label
    assert invoice.confidence["due_date"] < 0.9


def test_a_credit_note_is_never_given_a_due_date_its_labels_did_not_state():
    invoice, _ = _invoice(_lost_labels("KREDITNOTA"))
    assert invoice is not None
    assert invoice.due_date is None


def test_unlabelled_dates_of_a_text_layer_are_left_unread():
    words = [
        Word(w.text, w.x0, w.top, w.x1, w.bottom, w.page, 1.0) for w in ocr_words(_lost_labels())
    ]
    invoice, _ = extract_invoice(
        words, source="t.pdf", parser="pdf", ctx=ParseContext(), page_sizes={1: (2480, 3508)}
    )
    assert invoice is not None
    assert invoice.issue_date is None
    assert invoice.due_date is None


def test_a_dotted_leader_ocr_read_as_letters_is_not_taken_for_the_value():
    # "Fakturanr. ........ 13432" and "Dato ..... 18. februar 2026" on a typewriter page:
    # the dots come out as a few letters at the lowest confidence, the dot after 18 lost
    def word(text: str, x0: float, x1: float, top: float, conf: float = 0.997) -> Word:
        return Word(text, x0, top, x1, top + 33, 1, conf)

    words = [
        word("FAKTURA", 1400, 1600, 900),
        word("Fakturanr.", 399, 683, 1024),
        word("eS", 735, 800, 1045, 0.04),
        word("rd", 992, 1077, 1038, 0.58),
        word("13432", 1119, 1262, 1024),
        word("Dato", 399, 512, 1089),
        word("EEG", 555, 640, 1092, 0.58),
        word("18", 1119, 1169, 1089),
        word("februar", 1239, 1430, 1088, 0.99),
        word("2026", 1470, 1580, 1089),
        word("Å", 396, 426, 2294),
        word("BETALE", 457, 631, 2304),
        word("13", 2170, 2220, 2302),
        word("372,35", 2260, 2431, 2302),
    ]
    invoice, _ = extract_invoice(
        words, source="s.tif", parser="ocr", ctx=ParseContext(), page_sizes={1: (2480, 3508)}
    )
    assert invoice is not None
    assert invoice.invoice_number == "13432"
    assert invoice.issue_date == date(2026, 2, 18)


def test_an_invoice_number_ocr_split_after_its_hyphen_is_read_whole():
    rows = [
        [(100, "DataPilot GmbH"), (1400, "INVOICE")],
        [(1400, "Invoice No."), (1800, "INV-2026-"), (2060, "13378")],
        [(1000, "Balance due EUR"), (1800, "11,164.30")],
    ]
    invoice, _ = _invoice(rows)
    assert invoice is not None
    assert invoice.invoice_number == "INV-2026-13378"


def test_totals_that_lost_the_same_digit_are_not_sure_when_the_vat_bases_say_so():
    # "4 575,10" read "575,10" in net, gross and the amount to pay: they still add up,
    # but the VAT lines name their bases, 639 + 3 936,10 = 4 575,10
    rows = [
        [(100, "Larsen & Sønn Fagpresse AS"), (1400, "FAKTURA")],
        [(1400, "Fakturanr."), (1800, "2026-3360")],
        [(1000, "Sum eks. mva"), (1800, "575,10")],
        [(1000, "MVA 25 % av 639,-"), (1800, "159,75")],
        [(1000, "MVA 0 % av 3 936,10"), (1800, "0,-")],
        [(1000, "Fakturabeløp"), (1800, "734,85")],
    ]
    invoice, _ = _invoice(rows)
    assert invoice is not None
    assert invoice.gross_total == Decimal("734.85")  # what was read, but not at 0.9
    assert invoice.confidence["net_total"] < 0.9
    assert invoice.confidence["gross_total"] < 0.9
    assert invoice.confidence.get("payable_amount", 0) < 0.9


def test_a_date_whose_dots_ocr_read_as_colons_is_still_the_date():
    rows = [
        [(100, "Nordlys Regnskap AS"), (1400, "FAKTURA")],
        [(1400, "Fakturadato"), (1800, "12: 04: 2024")],
        [(1000, "Å betale"), (1800, "9 027,50")],
    ]
    invoice, _ = _invoice(rows)
    assert invoice is not None
    assert invoice.issue_date == date(2024, 4, 12)


def test_a_leader_read_as_a_whole_garbled_word_is_not_taken_for_the_value():
    rows = [
        [(100, "Havnegata 14"), (1400, "FAKTURA")],
        [(100, "Faktura nr arrene 2026-3699")],  # the dots close enough to be one phrase
        [(1000, "Å betale"), (1800, "9 027,50")],
    ]
    words = ocr_words(rows)
    words = [  # tesseract's lowest confidence: what it read there is a guess
        Word(w.text, w.x0, w.top, w.x1, w.bottom, w.page, 0.04 if w.text == "arrene" else OCR)
        for w in words
    ]
    invoice, _ = extract_invoice(
        words, source="s.tif", parser="ocr", ctx=ParseContext(), page_sizes={1: (2480, 3508)}
    )
    assert invoice is not None
    assert invoice.invoice_number == "2026-3699"
