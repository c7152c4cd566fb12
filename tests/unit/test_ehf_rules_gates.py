"""The shortcuts of check_syntax decide nothing: with each forced open, the findings are equal.

``check_syntax`` skips work on counts its tree walk collects: the group rules' gates
(``document_may_fire``, then the XPath ``DOCUMENT_SUSPECT``; ``anywhere_may_fire`` for the
rules that look anywhere), the line rules' gates (``lines_may_fire``, then the XPath that
picks the suspect lines) and the ``//@*`` attribute pass (when ``count(//*/@*)`` equals the
attributes the element checks read). Each must only skip work that would find nothing.
Here every element of the sample invoices (and of a copy whose seller has only its tax
schemes to identify it) is in turn duplicated, removed, emptied, given an attribute, given
another text or given a child inside its text, and the findings with the shortcuts are
compared with the findings without them. The tests at the end are the cases a gate once
got wrong.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

import parsers.ehf.rules.check as rules
import parsers.ehf.rules.elements as elements
import parsers.ehf.rules.groups as groups
from parsers.ehf.rules.base import CAC, CBC, NS, Run
from parsers.ehf.rules.check import check_syntax
from parsers.ehf.rules.gates import DOCUMENT_SUSPECT
from parsers.ehf.rules.walk import walk_tree

SAMPLES = Path(__file__).resolve().parents[2] / "sample_documents" / "ehf"
DOCUMENTS = [
    "ehf-invoice-ten-lines.xml",
    "ehf-creditnote.xml",
    "ehf-invoice-allowance-charge.xml",
    "ehf-invoice-mixed-vat.xml",
    "ehf-invoice-with-pdf.xml",
]
ATTRIBUTES = [("schemeID", "SEPA"), ("listID", "x"), ("name", "x"), ("schemeName", "x")]


def _load(name: str) -> Any:
    return etree.parse(str(SAMPLES / name)).getroot()


def _mutations(root: Any) -> Iterator[Any]:
    """One changed copy of ``root`` per element and kind of change, also of a copy whose
    seller has no PartyIdentification or PartyLegalEntity (its tax schemes then decide
    BR-CO-26)."""
    stripped = copy.deepcopy(root)
    for path in ("cac:PartyIdentification", "cac:PartyLegalEntity"):
        for el in stripped.xpath(f"cac:AccountingSupplierParty/cac:Party/{path}", namespaces=NS):
            el.getparent().remove(el)
    for base in (root, stripped):
        count = sum(1 for _ in base.iter())
        for i in range(1, count):
            for kind in range(4 + len(TEXTS) + 1):
                doc = copy.deepcopy(base)
                el = list(doc.iter())[i]
                if _mutate(el, kind, i):
                    yield doc


TEXTS = ["X", "vat", "49", "true"]


def _mutate(el: Any, kind: int, i: int) -> bool:
    """Duplicate, remove, empty, give an attribute, retext or split the text of ``el``;
    False when the change does not apply (text changes are for leaves with text)."""
    parent = el.getparent()
    if kind == 0:
        parent.insert(parent.index(el), copy.deepcopy(el))
    elif kind == 1:
        parent.remove(el)
    elif kind == 2:
        el.text = " "
        for child in list(el):
            el.remove(child)
    elif kind == 3:
        el.set(*ATTRIBUTES[i % len(ATTRIBUTES)])
    elif len(el) or not (el.text or "").strip():
        return False
    elif kind < 4 + len(TEXTS):
        el.text = TEXTS[kind - 4]
    else:  # the rules read .text, XPath the string-value: make them differ
        _mixed(el, el.text.strip(), 1)
    return True


def _without_shortcuts(root: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    with monkeypatch.context() as m:
        m.setattr(rules, "document_may_fire", lambda index: True)
        m.setattr(rules, "lines_may_fire", lambda index, **kwargs: True)
        m.setattr(elements, "_COUNT_ATTRIBUTES", lambda root: -1.0)
        m.setattr(rules, "DOCUMENT_SUSPECT", lambda root: True)
        m.setattr(rules, "anywhere_may_fire", lambda index: True)
        m.setattr(groups, "_SUSPECT_LINES", {False: _every_line, True: _every_line})
        return check_syntax(root)


def _every_line(root: Any) -> list[Any]:
    return list(root.iterchildren(CAC + "InvoiceLine", CAC + "CreditNoteLine"))


@pytest.mark.parametrize("name", DOCUMENTS)
def test_shortcuts_change_no_finding(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = 0
    for doc in _mutations(_load(name)):
        assert check_syntax(doc) == _without_shortcuts(doc, monkeypatch)
        checked += 1
    assert checked > 100


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_gate_is_implied_by_the_xpath(name: str) -> None:
    """Where the XPath gate says "suspect", the count gate must say "maybe" too."""
    for doc in _mutations(_load(name)):
        if DOCUMENT_SUSPECT(doc):
            index = walk_tree(doc, Run(), is_credit_note=False)
            assert rules.document_may_fire(index)


def test_valid_invoice_takes_every_shortcut(monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the shortcuts: a valid invoice evaluates none of the slow paths."""
    root = _load("ehf-invoice-ten-lines.xml")

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("slow path taken")

    monkeypatch.setattr(rules, "DOCUMENT_SUSPECT", must_not_run)
    monkeypatch.setattr(rules, "check_lines", must_not_run)
    monkeypatch.setattr(elements, "_attributes", must_not_run)
    assert check_syntax(root) == ()


# Each test below is a case a gate once answered "cannot fire" for, wrongly: the rule must
# fire, and the findings must equal those with every shortcut forced open.
SELLER = "cac:AccountingSupplierParty/cac:Party"


def _one(root: Any, path: str) -> Any:
    (el,) = root.xpath(path, namespaces=NS)
    return el


def _remove(root: Any, path: str) -> None:
    for el in root.xpath(path, namespaces=NS):
        el.getparent().remove(el)


def _rules(doc: Any, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    found = check_syntax(doc)
    assert found == _without_shortcuts(doc, monkeypatch)
    return {f.rule for f in found}


def _mixed(el: Any, text: str, cut: int) -> None:
    """``el`` holding ``text`` split by an empty child element: its ``.text`` is only
    ``text[:cut]``, its XPath string-value all of ``text``."""
    el.text = text[:cut]
    etree.SubElement(el, CBC + "X").tail = text[cut:]


def test_seller_with_only_a_non_vat_tax_registration_fires_br_co_26(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """BT-31 is a PartyTaxScheme/CompanyID whose TaxScheme is VAT: 'Foretaksregisteret'
    under TaxScheme TAX is no seller identifier, so with no BT-29/BT-30 BR-CO-26 fires."""
    doc = _load("ehf-invoice-office-supplies.xml")
    _remove(doc, f"{SELLER}/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID = 'VAT']")
    _remove(doc, f"{SELLER}/cac:PartyLegalEntity/cbc:CompanyID")
    _remove(doc, f"{SELLER}/cac:PartyIdentification")
    assert "BR-CO-26" in _rules(doc, monkeypatch)


def test_seller_vat_id_as_mixed_content_fires_br_co_26(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules read an identifier's text; a TaxScheme/ID 'VAT' spread around a child
    element is no VAT for them, whatever its XPath string-value says."""
    doc = _load("ehf-invoice-office-supplies.xml")
    _remove(doc, f"{SELLER}/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID = 'TAX']")
    _remove(doc, f"{SELLER}/cac:PartyLegalEntity/cbc:CompanyID")
    _mixed(_one(doc, f"{SELLER}/cac:PartyTaxScheme/cac:TaxScheme/cbc:ID"), "VAT", 1)
    assert "BR-CO-26" in _rules(doc, monkeypatch)


def test_second_tax_scheme_id_vat_fires_ubl_sr_12(monkeypatch: pytest.MonkeyPatch) -> None:
    """A PartyTaxScheme is VAT when any of its TaxScheme/IDs is, not only the first."""
    doc = _load("ehf-invoice-office-supplies.xml")
    scheme = _one(doc, f"{SELLER}/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID = 'TAX']/cac:TaxScheme")
    etree.SubElement(scheme, CBC + "ID").text = "VAT"
    assert "UBL-SR-12" in _rules(doc, monkeypatch)


def test_buyer_vat_id_with_trailing_child_fires_ubl_sr_18(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = _load("ehf-invoice-office-supplies.xml")
    buyer = _one(doc, "cac:AccountingCustomerParty/cac:Party")
    scheme = _one(buyer, "cac:PartyTaxScheme")
    twin = copy.deepcopy(scheme)
    scheme.addnext(twin)
    _mixed(_one(twin, "cac:TaxScheme/cbc:ID"), "VATx", 3)
    assert "UBL-SR-18" in _rules(doc, monkeypatch)


@pytest.mark.parametrize(
    ("path", "text", "rule"),
    [
        ("cac:AllowanceCharge/cbc:ChargeIndicator", "true", "PEPPOL-EN16931-R043"),
        (
            "cac:InvoiceLine/cac:Price/cac:AllowanceCharge/cbc:ChargeIndicator",
            "false",
            "PEPPOL-EN16931-R044",
        ),
    ],
)
def test_charge_indicator_as_mixed_content_fires(
    path: str, text: str, rule: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R043/R044 read the indicator's text: 'tr' + child + 'ue' is no 'true' for them."""
    doc = _load("ehf-invoice-allowance-charge.xml")
    for el in doc.xpath(path, namespaces=NS)[:1]:
        _mixed(el, text, 2)
    if not doc.xpath(path, namespaces=NS):  # no price allowance in the sample: add one
        price = doc.xpath("cac:InvoiceLine/cac:Price", namespaces=NS)[0]
        ac = etree.SubElement(price, CAC + "AllowanceCharge")
        _mixed(etree.SubElement(ac, CBC + "ChargeIndicator"), text, 2)
        etree.SubElement(ac, CBC + "Amount", currencyID="NOK").text = "1.00"
    assert rule in _rules(doc, monkeypatch)


def test_nested_direct_debit_without_mandate_fires_r061(monkeypatch: pytest.MonkeyPatch) -> None:
    """R061's context is any cac:PaymentMeans, not only the document's own."""
    doc = _load("ehf-invoice-office-supplies.xml")
    means = _one(doc, "cac:PaymentMeans")
    _one(means, "cbc:PaymentMeansCode").text = "49"
    _one(doc, "cac:Delivery").append(means)  # moved: the document has none of its own
    assert "PEPPOL-EN16931-R061" in _rules(doc, monkeypatch)


def test_direct_debit_code_with_trailing_child_fires_r061(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = _load("ehf-invoice-office-supplies.xml")
    _mixed(_one(doc, "cac:PaymentMeans/cbc:PaymentMeansCode"), "491", 2)
    assert "PEPPOL-EN16931-R061" in _rules(doc, monkeypatch)


def test_nested_seller_party_without_endpoint_fires_r020(monkeypatch: pytest.MonkeyPatch) -> None:
    """R010/R020's context is any AccountingCustomerParty/AccountingSupplierParty Party."""
    doc = _load("ehf-invoice-office-supplies.xml")
    seller = copy.deepcopy(_one(doc, "cac:AccountingSupplierParty"))
    _remove(seller, "cac:Party/cbc:EndpointID")
    _one(doc, "cac:Delivery").append(seller)
    assert "PEPPOL-EN16931-R020" in _rules(doc, monkeypatch)


def test_base_quantity_unit_of_the_other_document_type_fires_r130(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An invoice line's BaseQuantity unit is compared with its InvoicedQuantity's; a
    CreditedQuantity in the same unit does not count."""
    doc = _load("ehf-invoice-office-supplies.xml")
    line = _one(doc, "cac:InvoiceLine[1]")
    quantity = _one(line, "cbc:InvoicedQuantity")
    quantity.addnext(etree.Element(CBC + "CreditedQuantity", unitCode="KGM"))
    line.find(CAC + "Price").append(etree.Element(CBC + "BaseQuantity", unitCode="KGM"))
    line.find(CAC + "Price")[-1].text = "1"
    assert "PEPPOL-EN16931-R130" in _rules(doc, monkeypatch)
