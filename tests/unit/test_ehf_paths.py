"""The BT-id -> XPath table: its data file, its consistency with the model, and its helpers."""

from __future__ import annotations

import copy
import csv
import dataclasses
import io
import random
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from bilag.domain import model
from parsers.ehf import terms as ubl_fields
from parsers.ehf.codegen import PASSES_PATH, module_source
from parsers.ehf.passes import PASSES
from parsers.ehf.paths import FIELDS, Kind, Walker, absolute_path, xpath
from parsers.ehf.plans import PLANS
from parsers.ehf.values import (
    SPACES,
    digits,
    org_number,
    payment_reference,
    split_account,
    without_spaces,
)
from tests.pass_oracle import check_passes

ROOT = Path(__file__).resolve().parents[2]
FIELDS_CSV = ROOT / "schemas" / "ehf" / "fields.csv"

MODEL_OF_GROUP = {
    "DOC": model.Invoice,
    "BG-13": model.Invoice,
    "BG-22": model.Invoice,
    "BG-4": model.Party,
    "BG-7": model.Party,
    "BG-10": model.Party,
    "BG-11": model.Party,
    "BG-6": model.Party,
    "BG-9": model.Party,
    "BG-5": model.Address,
    "BG-8": model.Address,
    "BG-12": model.Address,
    "BG-15": model.Address,
    "BG-16": model.PaymentMeans,
    "BG-20": model.AllowanceCharge,
    "BG-27": model.AllowanceCharge,
    "BG-23": model.VatBreakdown,
    "BG-24": model.Attachment,
    "BG-25": model.InvoiceLine,
    "BG-29": model.InvoiceLine,
    "BG-31": model.InvoiceLine,
}
# Read by the reader itself rather than copied onto a model attribute of that name.
ASSEMBLED = {
    "identifier_schemes",
    "classification_schemes",
    "content",
    "vat_total_tax_currency_code",
}


def test_the_data_file_is_the_table_written_out():
    """Regenerate it with ``python -m parsers.ehf.paths > schemas/ehf/fields.csv``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ubl_fields.CSV_COLUMNS)
    writer.writerows(ubl_fields.csv_rows())
    assert FIELDS_CSV.read_text("utf-8") == out.getvalue()


def test_ids_are_unique_and_groups_exist():
    ids = [f.id for f in FIELDS]
    assert len(ids) == len(set(ids))
    groups = {f.id for f in FIELDS if f.kind is Kind.GROUP} | {"DOC"}
    assert {f.group for f in FIELDS} <= groups


def test_every_field_lands_on_a_model_attribute():
    for f in FIELDS:
        if f.kind is Kind.GROUP or f.attr in ASSEMBLED or f.group not in MODEL_OF_GROUP:
            continue
        names = {x.name for x in dataclasses.fields(MODEL_OF_GROUP[f.group])}
        assert f.attr in names, f"{f.id}: {MODEL_OF_GROUP[f.group].__name__} has no {f.attr}"


def test_every_path_compiles_as_xpath_too():
    for f in FIELDS:
        assert isinstance(xpath(f.id), etree.XPath)
        assert absolute_path(f.id).startswith("/Invoice/")
        assert absolute_path(f.id, "CreditNote").startswith("/CreditNote/")


def test_the_walker_agrees_with_xpath_on_predicates():
    doc = etree.fromstring(
        b"""<Party
        xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
        xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
        <cac:PartyTaxScheme><cbc:CompanyID>Foretaksregisteret</cbc:CompanyID>
          <cac:TaxScheme><cbc:ID>TAX</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
        <cac:PartyTaxScheme><cbc:CompanyID>NO912345688MVA</cbc:CompanyID>
          <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
        </Party>"""
    )
    walker = Walker()
    for field_id in ("BT-31", "BT-32", "BT-32-scheme"):
        expected = [v if isinstance(v, str) else v.text for v in xpath(field_id)(doc)]
        assert walker.raw(doc, field_id) == expected
    assert walker.first(doc, "BT-31") == "NO912345688MVA"
    assert walker.first(doc, "BT-32") == "Foretaksregisteret"


@given(st.text(max_size=40))
def test_payment_reference_never_raises_and_kids_become_digits(raw: str):
    result = payment_reference(raw)
    assert result is None or isinstance(result, str)
    compact = re.sub(r"[\s.\-]", "", raw)
    if compact and compact.isascii() and compact.isdigit():
        assert result == compact


@given(st.text(max_size=30))
def test_the_fast_paths_of_the_normalisers_change_nothing(raw: str):
    assert without_spaces(raw) == SPACES.sub("", raw)
    assert digits(raw) == "".join(c for c in raw if c.isascii() and c.isdigit())


@given(st.from_regex(r"[0-9]{4}[ .]?[0-9]{2}[ .]?[0-9]{5}", fullmatch=True))
def test_an_eleven_digit_account_is_a_norwegian_bank_account(raw: str):
    assert split_account(raw) == (re.sub(r"\D", "", raw), None)


@given(st.text(max_size=40))
def test_split_account_never_raises_and_never_returns_both(raw: str):
    account, iban = split_account(raw)
    assert account is None or iban is None
    if account is not None:
        assert len(account) == 11 and account.isdigit()
    if iban is not None:
        assert " " not in iban and iban[:2].isalpha()


@given(st.from_regex(r"[0-9]{9}", fullmatch=True), st.sampled_from(["", " ", "  "]))
def test_norwegian_org_numbers_come_out_as_nine_digits(digits: str, space: str):
    spaced = space.join([digits[:3], digits[3:6], digits[6:]])
    assert org_number(spaced, "0192", None, None, None) == digits
    assert org_number(None, None, f"NO{digits}MVA", None, None) == digits
    assert org_number(None, None, None, digits, "0192") == digits
    assert org_number(None, None, None, digits, "0088") is None


def test_the_code_lists_file_holds_the_codes_the_parser_uses():
    from parsers.ehf.parser import _EXTENSION_BY_MIME, _LEGACY, EN16931_PREFIX
    from parsers.ehf.reader import CREDIT_NOTE_TYPE_CODES

    with (ROOT / "schemas" / "ehf" / "fields-codes.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    codes: dict[str, set[str]] = {}
    for row in rows:
        codes.setdefault(row["list"], set()).add(row["code"])
    assert codes["UNCL1001-credit"] == CREDIT_NOTE_TYPE_CODES
    assert codes["MIME"] == set(_EXTENSION_BY_MIME)
    assert codes["CustomizationID-legacy"] == {marker for marker, _ in _LEGACY}
    assert codes["CustomizationID-prefix"] == {EN16931_PREFIX}


def test_only_ascii_digits_count_as_digits():
    arabic_indic = "٩١٢٣٤٥٦٨٨"  # nine digits, but not the ones XSD and the org register use
    assert org_number(None, None, f"NO{arabic_indic}MVA", None, None) is None
    assert split_account("١٥٠٣٢٤١٢٣٤٠") == (None, None)


# --- the generated walkers agree with libxml2's XPath ---------------------------------------

SAMPLES_EHF = ROOT / "sample_documents" / "ehf"


def _mutants(root: etree._Element, seed: int) -> etree._Element:
    """The document with elements dropped, doubled, moved, emptied: odd but possible input."""
    rng = random.Random(seed)
    root = copy.deepcopy(root)
    for _ in range(6):
        elements = [e for e in root.iter() if e is not root and isinstance(e.tag, str)]
        e = rng.choice(elements)
        parent = e.getparent()
        assert parent is not None
        op = rng.randrange(4)
        if op == 0:
            parent.remove(e)
        elif op == 1:
            parent.insert(parent.index(e), copy.deepcopy(e))
        elif op == 2:
            parent.remove(e)
            parent.insert(rng.randint(0, len(parent)), e)
        else:
            e.text = rng.choice([None, "", " VAT ", "VAT", "130", "TAX"])
    return root


def _sample_roots() -> list[etree._Element]:
    roots = []
    for path in sorted(SAMPLES_EHF.glob("ehf-*.xml")):
        root = etree.parse(str(path)).getroot()
        if etree.QName(root).localname in ("Invoice", "CreditNote"):
            roots.append(root)
            roots += [_mutants(root, seed) for seed in range(8)]
    return roots


def test_the_generated_walkers_collect_what_the_paths_select():
    """Every field of every pass, on the samples and on damaged copies of them."""
    assert sum(check_passes(root) for root in _sample_roots()) > 10_000


def test_the_checked_in_passes_are_what_the_generator_writes():
    """parsers/ehf/passes.py is generated: after a change to the table or the generator,
    run ``python -m parsers.ehf.codegen`` and commit the result."""
    assert PASSES_PATH.read_text(encoding="utf-8") == module_source()
    assert set(PASSES) == set(PLANS)


def test_nothing_in_parsers_or_bilag_generates_code_at_run_time():
    offenders = [
        f"{path}:{number}"
        for top in ("parsers", "bilag", "classifiers", "connectors", "flows")
        for path in sorted((ROOT / top).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"(?<![\w.])(exec|eval)\(|\bcompile\(.*[\"']exec[\"']", line)
    ]
    assert offenders == []


def test_a_pass_converts_its_values_and_names_the_bad_ones():
    line = etree.fromstring(
        b"""<InvoiceLine
        xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
        xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
        <cbc:ID> 7 </cbc:ID><cbc:InvoicedQuantity unitCode="EA"> 2.50 </cbc:InvoicedQuantity>
        <cbc:LineExtensionAmount>1.000,00</cbc:LineExtensionAmount>
        <cbc:LineExtensionAmount>5.00</cbc:LineExtensionAmount>
        <cac:InvoicePeriod><cbc:StartDate>2024-02-03+01:00</cbc:StartDate>
          <cbc:EndDate>2024-13-45</cbc:EndDate></cac:InvoicePeriod>
        <cac:Price><cbc:PriceAmount>.5</cbc:PriceAmount><cbc:BaseQuantity>+3.</cbc:BaseQuantity>
        </cac:Price><cac:Item><cbc:Name/><cac:ClassifiedTaxCategory><cbc:Percent>1e5</cbc:Percent>
        </cac:ClassifiedTaxCategory></cac:Item></InvoiceLine>"""
    )
    found, values, bad = Walker.read(line, "BG-25")
    assert values["BG-25"] is values["BG-29"] is values["BG-31"]  # one InvoiceLine
    assert values["BG-25"] == {
        "line_id": "7",
        "quantity": Decimal("2.50"),
        "unit_code": "EA",
        "period_start": date(2024, 2, 3),
        "unit_price": Decimal("0.5"),
        "price_base_quantity": Decimal("3"),
    }
    assert found["BT-131"] == "1.000,00" and found["BT-153"] is None  # the first one counts
    assert sorted(bad) == ["BT-131", "BT-135", "BT-152"]
