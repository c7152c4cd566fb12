"""The original document in a form a sink accepts.

Some systems take only PDF and images as attachments (Fiken). An EHF invoice is
XML, but most carry their printable PDF inside
(``cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject``);
that PDF is attached in its place.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from pathlib import PurePosixPath

from lxml import etree

from bilag.domain.delivery import Original

__all__ = ["attachable", "embedded_pdf"]

_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_XML_TYPES = ("application/xml", "text/xml")


def attachable(original: Original, accepted: Sequence[str]) -> Original | None:
    """``original`` if its type is accepted, else the PDF inside an EHF, else None."""
    if original.media_type in accepted:
        return original
    looks_xml = original.media_type in _XML_TYPES or original.content.lstrip()[:5] == b"<?xml"
    if looks_xml and "application/pdf" in accepted:
        return embedded_pdf(original)
    return None


def embedded_pdf(original: Original) -> Original | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(original.content, parser)
    except etree.XMLSyntaxError:
        return None
    for node in root.iter(f"{{{_CBC}}}EmbeddedDocumentBinaryObject"):
        if (node.get("mimeCode") or "").lower() != "application/pdf" or not node.text:
            continue
        try:
            content = base64.b64decode("".join(node.text.split()), validate=True)
        except (binascii.Error, ValueError):
            continue
        if not content.startswith(b"%PDF"):
            continue
        name = node.get("filename") or PurePosixPath(original.filename).stem + ".pdf"
        if not name.lower().endswith(".pdf"):
            name += ".pdf"
        return Original(name, "application/pdf", content, hashlib.sha256(content).hexdigest())
    return None
