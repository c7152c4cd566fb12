"""EHF 3.0 / PEPPOL BIS Billing 3.0 (UBL 2.1 Invoice and CreditNote) parser.

The stages, each in its own module:

1. :mod:`parsers.ehf.xml_safety` turns untrusted bytes into a tree or a refusal
   (size, DTD/entity declarations, syntax errors).
2. This module finds the UBL document (bare, or inside a Standard Business
   Document envelope), refuses other roots, and refuses documents of an older
   syntax (EHF 2.0, PEPPOL BIS 4A/5A, BII) that would be mis-read as BIS 3.
3. :mod:`parsers.ehf.reader` reads every business term through the table in
   :mod:`parsers.ehf.terms` (compiled by :mod:`parsers.ehf.plans`) into the domain
   :class:`~bilag.domain.model.Invoice`.
4. The syntax-bound rules (:func:`parsers.ehf.rules.check.check_syntax`) run on the
   tree; their findings travel with the invoice. The model-level rules run later,
   in the validate stage, for every parser alike.
5. Embedded attachments (BG-24, base64) are decoded once and returned as
   :attr:`ParseOutcome.attachments`, named ``<source>#<filename>``.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable
from types import MappingProxyType
from typing import Any, ClassVar

from lxml import etree

from bilag.domain.model import Finding, Problem, Severity
from bilag.domain.problems import ProblemCode
from parsers.base import IncomingDocument, ParseContext, ParseOutcome
from parsers.ehf.paths import UBL_NS
from parsers.ehf.reader import read_invoice
from parsers.ehf.result import EmbeddedFile
from parsers.ehf.rules.check import check_syntax
from parsers.ehf.xml_safety import load_xml, looks_like_xml, sniff_head

__all__ = ["CUSTOMIZATION_RULE", "EhfParser"]


def _strict_b64decode(text: str) -> bytes:
    return binascii.a2b_base64(text, strict_mode=True)


_b64decode: Callable[[str], bytes]
try:  # SIMD base64, ~100x faster on a 1 MB attachment; the stdlib is the fallback
    import pybase64

    def _b64decode(text: str) -> bytes:
        return bytes(pybase64.b64decode(text, validate=True))
except ImportError:  # pragma: no cover - pybase64 is a declared dependency
    _b64decode = _strict_b64decode

SBDH_NS = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"
CUSTOMIZATION_RULE = "BILAG-EHF-CUSTOMIZATION"
ATTACHMENT_RULE = "BILAG-EHF-ATTACHMENT"
EN16931_PREFIX = "urn:cen.eu:en16931:2017"
MAX_ATTACHMENTS = 100  # a real invoice has a handful; thousands are an attack on the archive

_ROOT_BY_TAG = {f"{{{ns}}}{name}": name for name, ns in UBL_NS.items()}
_CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
# Pre-EN 16931 syntaxes: same UBL elements, different meaning and rules. Reading them as
# BIS 3 would give plausible but wrong values, so they are refused by name.
_LEGACY = (
    ("ehf:faktura:ver2", "EHF 2.0 invoice"),
    ("ehf:kreditnota:ver2", "EHF 2.0 credit note"),
    ("peppol4a", "PEPPOL BIS 4A (pre-2019) invoice"),
    ("peppol5a", "PEPPOL BIS 5A (pre-2019) billing document"),
    ("urn:www.cenbii.eu:transaction", "CEN BII 2 (pre-EN 16931) document"),
)
_EXTENSION_BY_MIME = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "text/csv": "csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "text/xml": "xml",
    "application/xml": "xml",
}
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:]+")


class EhfParser:
    """UBL 2.1 Invoice/CreditNote per EHF 3.0 / PEPPOL BIS Billing 3.0 (EN 16931).

    Args:
        syntax_rules: run the XML-bound validation rules (:func:`check_syntax`) while
            the tree is at hand. Off only to measure or debug the reader alone.
    """

    name: ClassVar[str] = "ehf"

    def __init__(self, *, syntax_rules: bool = True) -> None:
        self.syntax_rules = syntax_rules

    def score(self, doc: IncomingDocument) -> int | None:
        """100 for a UBL invoice or SBDH envelope, 10 for other XML (to refuse it clearly)."""
        if not looks_like_xml(doc.content):
            return None
        head = sniff_head(doc.content)
        if any(ns in head for ns in UBL_NS.values()) or SBDH_NS in head:
            return 100
        return 10

    def parse(self, doc: IncomingDocument, ctx: ParseContext) -> ParseOutcome:
        """Read one UBL document; bad input is returned as problems, never raised."""
        loaded = load_xml(doc.name, doc.content, ctx.max_xml_bytes)
        if isinstance(loaded, Problem):
            return ParseOutcome(problems=(loaded,))
        found = _ubl_document(doc.name, loaded)
        if isinstance(found, Problem):
            return ParseOutcome(problems=(found,))
        root, root_name = found
        if not len(root):
            return ParseOutcome(
                problems=(
                    Problem(
                        doc.name,
                        ProblemCode.NOT_AN_INVOICE,
                        f"the UBL {root_name} element is empty: no invoice data",
                    ),
                )
            )
        customization = (_text(root, "CustomizationID") or "").strip()
        legacy = _legacy_syntax(root, customization)
        if legacy is not None:
            return ParseOutcome(
                problems=(
                    Problem(
                        doc.name,
                        ProblemCode.XML_UNSUPPORTED_SYNTAX,
                        f"{legacy} (CustomizationID {_one_line(customization) or 'absent'}):"
                        " bilag reads"
                        " EHF 3.0 / PEPPOL BIS Billing 3.0 only; ask the sender for BIS 3",
                    ),
                )
            )
        findings: list[Finding] = []
        if not customization.startswith(EN16931_PREFIX):
            findings.append(_customization_finding(customization, root_name))
        # lxml makes an element's Python proxy (and its tag string) anew whenever a walk
        # meets it, unless the proxy is still alive: holding them all while the reader and
        # the syntax rules each walk the tree spares the second walk that work (~40 µs of
        # ~500 on a 10-line invoice). Dropped with this call; nothing outlives the document.
        _proxies = list(root.iter()) if self.syntax_rules else None
        result = read_invoice(root, root_name, doc.name)
        children, problems = _decode_embedded(doc, result.embedded, findings)
        if self.syntax_rules:
            findings.extend(check_syntax(root))
        invoice = result.build(findings, sizes={f.index: len(c.content) for f, c in children})
        return ParseOutcome(
            invoices=(invoice,),
            attachments=tuple(c for _, c in children),
            problems=tuple(problems),
        )


def _one_line(text: str, limit: int = 200) -> str:
    """Text from the document or a library, fit for a one-line message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _text(root: etree._Element, local: str) -> str | None:
    element = next(root.iterchildren(_CBC + local), None)
    return None if element is None else (element.text or "")


def _ubl_document(source: str, root: etree._Element) -> tuple[Any, str] | Problem:
    """The Invoice/CreditNote element and its name, unwrapping an SBDH envelope."""
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag in _ROOT_BY_TAG:
        return root, _ROOT_BY_TAG[tag]
    if tag == f"{{{SBDH_NS}}}StandardBusinessDocument":
        payload = [
            c for c in root if isinstance(c.tag, str) and not c.tag.startswith(f"{{{SBDH_NS}}}")
        ]
        if not payload:
            return Problem(
                source,
                ProblemCode.XML_WRONG_ROOT,
                "Standard Business Document envelope holds no invoice (header only)",
            )
        inner = payload[0].tag
        if inner in _ROOT_BY_TAG:
            return payload[0], _ROOT_BY_TAG[inner]
        return Problem(
            source,
            ProblemCode.XML_WRONG_ROOT,
            f"Standard Business Document envelope holds {_describe(inner)}, not a UBL"
            " Invoice or CreditNote",
        )
    return Problem(
        source,
        ProblemCode.XML_WRONG_ROOT,
        f"root element is {_describe(tag)}; an EHF/PEPPOL invoice is a UBL 2.1 Invoice or"
        " CreditNote",
    )


def _describe(tag: str) -> str:
    """``{ns}Order`` -> ``Order (namespace ns)``; the namespace says what kind of XML it is."""
    if tag.startswith("{"):
        ns, local = tag[1:].split("}", 1)
        return f"{local} (namespace {ns})"
    return f"{tag or 'unknown'} (no namespace)"


def _legacy_syntax(root: etree._Element, customization: str) -> str | None:
    for marker, label in _LEGACY:
        if marker in customization:
            return label
    if (_text(root, "UBLVersionID") or "").strip() == "2.0":
        return "UBL 2.0 document"
    return None


def _customization_finding(customization: str, root_name: str) -> Finding:
    stated = (
        f"CustomizationID {_one_line(customization)!r}" if customization else "no CustomizationID"
    )
    return Finding(
        CUSTOMIZATION_RULE,
        Severity.WARNING,
        f"{stated}: not an EN 16931 / PEPPOL BIS Billing 3.0 document; read as one anyway",
        f"/{root_name}/cbc:CustomizationID",
    )


def _safe_filename(embedded: EmbeddedFile, taken: set[str]) -> str:
    """A filename without path parts or control characters, unique within the invoice."""
    name = _UNSAFE_NAME.sub("_", (embedded.filename or "").strip()).strip(". _")
    if not name:
        extension = _EXTENSION_BY_MIME.get((embedded.mime_type or "").lower(), "bin")
        name = f"attachment-{embedded.index}.{extension}"
    stem, dot, extension = name.rpartition(".")
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem}-{n}.{extension}" if dot else f"{name}-{n}"
    taken.add(candidate.lower())
    return candidate


def _decode_base64(text: str) -> bytes:
    """Strict base64 (xsd:base64Binary): whitespace allowed between characters, nothing else.

    The fast path decodes the text as it is (a str of ASCII needs no encoding step);
    only text with line breaks pays for removing them.
    """
    if not text.isascii():
        raise ValueError("non-ASCII characters")
    try:
        return _b64decode(text)
    except binascii.Error:
        return _b64decode("".join(text.split()))


def _decode_embedded(
    doc: IncomingDocument, embedded: tuple[EmbeddedFile, ...], findings: list[Finding]
) -> tuple[list[tuple[EmbeddedFile, IncomingDocument]], list[Problem]]:
    """Decode each base64 attachment once; a broken one is a Problem, the rest still come."""
    out: list[tuple[EmbeddedFile, IncomingDocument]] = []
    problems: list[Problem] = []
    taken: set[str] = set()
    if len(embedded) > MAX_ATTACHMENTS:
        problems.append(
            Problem(
                doc.name,
                ProblemCode.TOO_MANY_PARTS,
                f"{len(embedded)} embedded attachments; only the first {MAX_ATTACHMENTS} are kept",
            )
        )
        embedded = embedded[:MAX_ATTACHMENTS]
    for item in embedded:
        filename = _safe_filename(item, taken)
        name = f"{doc.name}#{filename}"
        try:
            content = _decode_base64(item.base64_text)
        except ValueError as e:  # binascii.Error is a ValueError
            reason = _one_line(str(e))
            problems.append(
                Problem(
                    name,
                    ProblemCode.UNREADABLE,
                    f"embedded attachment is not valid base64: {reason}",
                )
            )
            findings.append(
                Finding(
                    ATTACHMENT_RULE,
                    Severity.WARNING,
                    f"attachment {filename!r} is not valid base64 ({reason}); it was dropped",
                    f"/cac:AdditionalDocumentReference[{item.index}]",
                )
            )
            continue
        child = IncomingDocument(
            name=name,
            content=content,
            media_type=item.mime_type,
            origin=MappingProxyType(
                {"channel": "ehf-attachment", "attachment_id": item.attachment_id or ""}
            ),
            parent=doc.name,
            depth=doc.depth + 1,
        )
        out.append((item, child))
    return out, problems
