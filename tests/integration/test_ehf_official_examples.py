"""The publishers' own valid examples (OpenPEPPOL, CEN TC434, the Norwegian EHF) parse whole.

Skipped when ../shared/eval-data is absent. Beside "it parses", each example's
totals must add up the way EN 16931 says, and the table walker must read the
same values as libxml2's XPath for every business term.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from bilag.domain.document import IncomingDocument
from bilag.domain.validation import validate
from parsers.base import ParseContext
from parsers.ehf.parser import EhfParser
from parsers.ehf.paths import FIELD_BY_ID, FIELDS, NS, UBL_NS, Kind, Walker, absolute_path
from tests.conftest import EVAL_DATA, SAMPLES, eval_data_or_skip

pytestmark = pytest.mark.evaldata

PEPPOL_VALID = [
    "peppol-bis-invoice-3/examples",
    "peppol-bis-invoice-3/examples/national/NO",
    "ehf-postaward-g3/examples",
]
CEN_EXAMPLES = ["en16931-cen/examples-ubl"]


def examples(folders: list[str]) -> list[str]:
    found = [
        p.relative_to(EVAL_DATA).as_posix()
        for folder in folders
        for p in sorted((EVAL_DATA / folder).glob("*"))
        if p.suffix.lower() == ".xml"
    ]
    return found or ["(eval-data absent)"]


def read(relative: str):
    path = eval_data_or_skip(*Path(relative).parts)
    doc = IncomingDocument(name=relative, content=path.read_bytes())
    return EhfParser().parse(doc, ParseContext())


@pytest.mark.parametrize("relative", examples(PEPPOL_VALID + CEN_EXAMPLES))
def test_an_official_example_parses_with_totals_that_add_up(relative: str):
    outcome = read(relative)
    assert outcome.problems == ()
    (inv,) = outcome.invoices
    assert inv.invoice_number and inv.issue_date and inv.currency
    assert inv.supplier.name and inv.lines and inv.vat_breakdown
    assert not [f for f in inv.findings if f.rule.startswith("BILAG-EHF")]
    zero = Decimal(0)
    assert inv.line_total == sum((ln.net_amount or zero for ln in inv.lines), zero)
    expected_net = inv.line_total - (inv.allowance_total or zero) + (inv.charge_total or zero)
    assert inv.net_total == expected_net
    assert inv.gross_total == inv.net_total + (inv.vat_total or zero)
    assert inv.vat_total == sum((v.vat_amount or zero for v in inv.vat_breakdown), zero)
    expected_payable = (
        inv.gross_total - (inv.prepaid_amount or zero) + (inv.rounding_amount or zero)
    )
    assert inv.payable_amount == expected_payable


@pytest.mark.parametrize("relative", examples(PEPPOL_VALID))
def test_a_peppol_valid_example_has_no_fatal_finding(relative: str):
    (inv,) = read(relative).invoices
    findings = inv.findings + validate(inv)
    assert [f.rule for f in findings if f.severity == "fatal"] == []


def test_the_norwegian_example_keeps_its_norwegian_details():
    (inv,) = read("ehf-postaward-g3/examples/ehf-3-faktura-1.xml").invoices
    assert inv.supplier.org_number == "123456785"
    assert inv.supplier.vat_number == "NO123456785MVA"
    assert inv.supplier.tax_registration_id == "Foretaksregisteret"
    assert inv.supplier.bank_account == "86011117947"
    assert inv.payment_reference == "0003434323213231"
    assert inv.payee is not None and inv.payee.name == "Ebeneser Scrooge AS"
    assert inv.tax_representative is not None
    assert inv.tax_representative.vat_number == "NO999999999MVA"


def test_the_italian_example_yields_its_large_attachment():
    outcome = read(
        "en16931-cen/examples-ubl/FT G2G_TD01 con Allegato, Bonifico e Split Payment.xml"
    )
    (inv,) = outcome.invoices
    assert outcome.attachments
    assert all(a.content for a in outcome.attachments)
    assert any(a.size and a.size > 1_000_000 for a in inv.attachments)


def walker_values(root: etree._Element, field_id: str) -> list[str | None]:
    """Every value of a field in the document, found group by group with the walker."""
    chain = []
    group = FIELD_BY_ID[field_id].group
    while group != "DOC":
        chain.append(group)
        group = FIELD_BY_ID[group].group
    walker = Walker()
    elements = [root]
    for group_id in reversed(chain):
        elements = [e for parent in elements for e in walker.elements(parent, group_id)]
    return [v for e in elements for v in walker.raw(e, field_id)]


def xpath_values(root: etree._Element, root_name: str, field_id: str) -> list[str | None]:
    expression = absolute_path(field_id, root_name).replace(f"/{root_name}/", "/ubl:root/")
    expression = expression.replace("/ubl:root/", f"/ubl:{root_name}/")
    found = etree.XPath(expression, namespaces={**NS, "ubl": UBL_NS[root_name]})(root)
    return [v if isinstance(v, str) else v.text for v in found]


@pytest.mark.parametrize("relative", examples(PEPPOL_VALID + CEN_EXAMPLES))
def test_the_table_walker_reads_what_xpath_reads(relative: str):
    path = eval_data_or_skip(*Path(relative).parts)
    root = etree.parse(str(path)).getroot()
    root_name = etree.QName(root).localname
    for field in FIELDS:
        if field.kind is Kind.GROUP:
            continue
        walked = walker_values(root, field.id)
        expected = xpath_values(root, root_name, field.id)
        assert Counter(walked) == Counter(expected), field.id


def test_our_own_samples_agree_with_xpath_too():
    for sample in sorted((SAMPLES / "ehf").glob("ehf-*.xml")):
        root = etree.parse(str(sample)).getroot()
        if etree.QName(root).localname not in UBL_NS:
            continue  # the SBDH-wrapped one
        root_name = etree.QName(root).localname
        for field in FIELDS:
            if field.kind is not Kind.GROUP:
                walked, expected = (
                    walker_values(root, field.id),
                    xpath_values(root, root_name, field.id),
                )
                assert Counter(walked) == Counter(expected), (sample.name, field.id)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("sbdh-only.xml", "BILAG-XML-ROOT"),
        ("peppol-bis-invoice-sbdh.xml", "BILAG-XML-CUSTOMIZATION"),
        ("ubl-invoice-empty.xml", "BILAG-NOT-INVOICE"),
    ],
)
def test_the_validator_edge_cases_are_refused_with_their_reason(name: str, code: str):
    outcome = read(f"vefa-validator-testdocs/{name}")
    assert outcome.invoices == ()
    (problem,) = outcome.problems
    assert problem.code == code


def test_a_bis3_invoice_with_a_long_ubl_extension_is_read():
    (inv,) = read("vefa-validator-testdocs/peppol-billing-3.0_long_ubl_extension.xml").invoices
    assert inv.invoice_number and inv.lines


def test_the_ehf2_example_is_refused_not_misread():
    outcome = read("ehf-postaward-g3/examples-ehf2-legacy/ehf-2-faktura-1.xml")
    assert outcome.invoices == ()
    (problem,) = outcome.problems
    assert problem.code == "BILAG-XML-CUSTOMIZATION"
    assert "EHF 2.0" in problem.message
