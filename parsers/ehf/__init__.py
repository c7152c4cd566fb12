"""EHF 3.0 / PEPPOL BIS Billing 3.0 (UBL 2.1) invoices and credit notes (see ``docs/ehf.md``).

:class:`EhfParser` checks the XML is safe to parse (:mod:`parsers.ehf.xml_safety`),
reads every business term (:mod:`parsers.ehf.reader`, over the table of
:mod:`parsers.ehf.terms` and the passes of :mod:`parsers.ehf.passes`) and runs the
XML-level rules (:mod:`parsers.ehf.rules`).
"""

from parsers.ehf.parser import CUSTOMIZATION_RULE, EhfParser
from parsers.ehf.reader import CREDIT_NOTE_TYPE_CODES, read_invoice
from parsers.ehf.xml_safety import load_xml, looks_like_xml

__all__ = [
    "CREDIT_NOTE_TYPE_CODES",
    "CUSTOMIZATION_RULE",
    "EhfParser",
    "load_xml",
    "looks_like_xml",
    "read_invoice",
]
