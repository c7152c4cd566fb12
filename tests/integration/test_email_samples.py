"""Every sample mail in sample_documents/email/ read against its golden file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bilag.contract import extract_failure_json, invoice_json
from bilag.domain.model import Problem
from bilag.services.extract import extract_documents
from tests.conftest import SAMPLES

EMAIL = SAMPLES / "email"
SAMPLE_MAILS = sorted(EMAIL.glob("*.eml"))
# the fields every reader must get exactly right; lines and confidences are the
# business of the per-format golden tests (EHF, PDF)
KEY_FIELDS = (
    "parser",
    "document_type",
    "invoice_number",
    "issue_date",
    "due_date",
    "currency",
    "payment_reference",
    "net_total",
    "vat_total",
    "gross_total",
    "payable_amount",
)


def _extract(path: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for result in extract_documents([path]):
        if isinstance(result, Problem):
            out.append(extract_failure_json(result.source, None, [result]))
            continue
        out.extend(invoice_json(inv) for inv in result.invoices)
        if not result.invoices and not result.container:
            out.append(
                extract_failure_json(result.document.name, result.parser, list(result.problems))
            )
    return out


def test_there_is_a_sample_for_each_case_the_issue_names() -> None:
    names = {p.stem for p in SAMPLE_MAILS}
    assert {
        "pdf-vedlegg",
        "ehf-vedlegg",
        "zip-med-fakturaer",
        "videresendt",
        "html-faktura",
        "logo-og-signatur",
        "latin1-qp-base64",
        "ingen-faktura",
    } <= names


@pytest.mark.parametrize("path", SAMPLE_MAILS, ids=lambda p: p.stem)
def test_sample_mail_yields_what_its_golden_file_says(path: Path) -> None:
    golden = json.loads(path.with_suffix(".expected.json").read_text("utf-8"))
    found = {o["source"].removeprefix(f"{EMAIL}/"): o for o in _extract(path)}
    assert sorted(found) == sorted(g["source"] for g in golden)
    for want in golden:
        got = found[want["source"]]
        if want["document_type"] is None:
            assert got["document_type"] is None
            assert all(any(code in e for e in got["errors"]) for code in want["errors"])
            continue
        assert {k: got[k] for k in KEY_FIELDS} == {k: want[k] for k in KEY_FIELDS}
        assert got["supplier"]["org_number"] == want["supplier"]["org_number"]
        assert got["supplier"]["bank_account"] == want["supplier"]["bank_account"]
