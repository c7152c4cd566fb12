"""EHF 3.0 / PEPPOL BIS Billing 3.0 (UBL 2.1) parser. Placeholder: declines everything."""

from __future__ import annotations

from typing import ClassVar

from parsers.base import IncomingDocument, ParseContext, ParseOutcome


class EhfParser:
    name: ClassVar[str] = "ehf"

    def score(self, doc: IncomingDocument) -> int | None:
        return None

    def parse(self, doc: IncomingDocument, ctx: ParseContext) -> ParseOutcome:
        return ParseOutcome()
