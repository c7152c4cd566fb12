"""The parsers: bytes in, invoices (or child documents, or problems) out.

One subpackage per parser family, each exporting its parser and entry functions
with ``__all__``: :mod:`parsers.ehf` (EHF / PEPPOL BIS 3 XML, with the XML-level
rules in :mod:`parsers.ehf.rules`), :mod:`parsers.pdf` (text layer and embedded
XML), :mod:`parsers.ocr` (images and scanned pages), :mod:`parsers.mail` (MIME,
mail bodies, ZIP) and :mod:`parsers.fields` (the template-free field extraction
the PDF, OCR and mail-body readers share). Shared by all of them: the Parser
Protocol (:mod:`parsers.base`), the registry (:mod:`parsers.registry`), positioned
words and pages (:mod:`parsers.layout`) and the magic-byte table
(:mod:`parsers.sniff`). Norwegian identifiers live in
:mod:`bilag.domain.identifiers`, where the validation rules can use them too.
See ``docs/ehf.md``, ``docs/pdf.md``, ``docs/ocr.md`` and ``docs/intake.md``.
"""

import logging

# Library code logs; only the command line and the flows configure handlers.
logging.getLogger(__name__).addHandler(logging.NullHandler())
