"""bilag's own codes for bad input (rule ids from EN 16931 / PEPPOL are used verbatim elsewhere).

A :class:`~bilag.domain.model.Problem` carries one of these codes. They are
stable: scripts and the review UI match on them.
"""

from __future__ import annotations

import enum

__all__ = ["ProblemCode"]


class ProblemCode(enum.StrEnum):
    # reading the bytes
    EMPTY_FILE = "BILAG-EMPTY"
    TOO_LARGE = "BILAG-TOO-LARGE"
    UNREADABLE = "BILAG-UNREADABLE"
    UNSUPPORTED_FORMAT = "BILAG-UNSUPPORTED"
    # XML
    XML_MALFORMED = "BILAG-XML-MALFORMED"
    XML_ENTITY = "BILAG-XML-ENTITY"  # DTDs, entity declarations (billion laughs, XXE)
    XML_WRONG_ROOT = "BILAG-XML-ROOT"
    XML_UNSUPPORTED_SYNTAX = "BILAG-XML-CUSTOMIZATION"  # EHF 2.0 and other customizations
    # PDF and images
    PDF_ENCRYPTED = "BILAG-PDF-ENCRYPTED"
    PDF_CORRUPT = "BILAG-PDF-CORRUPT"
    IMAGE_BOMB = "BILAG-IMAGE-BOMB"
    PDF_BOMB = "BILAG-PDF-BOMB"  # page content or images that inflate past the budget
    IMAGE_CORRUPT = "BILAG-IMAGE-CORRUPT"
    NOT_AN_INVOICE = "BILAG-NOT-INVOICE"
    OCR_FAILED = "BILAG-OCR-FAILED"
    # email and containers
    MIME_MALFORMED = "BILAG-MIME-MALFORMED"
    ARCHIVE_BOMB = "BILAG-ZIP-BOMB"
    TOO_MANY_PARTS = "BILAG-TOO-MANY-PARTS"
    UNSAFE_NAME = "BILAG-UNSAFE-NAME"
    NESTING_TOO_DEEP = "BILAG-TOO-DEEP"
    # bilag itself failed on this document (a bug): recorded, the rest goes on
    INTERNAL_ERROR = "BILAG-INTERNAL"
    # history and configuration
    HISTORY_INVALID = "BILAG-HISTORY"
    POLICY_INVALID = "BILAG-POLICY"
    CONFIG_INVALID = "BILAG-CONFIG"
