"""Every package of the product says in its docstring where its document is."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bilag", "parsers", "classifiers", "connectors", "flows")
LINK = re.compile(r"docs/[\w.-]+\.(?:md|toml)|README|CONTRACT\.md")


def test_every_package_docstring_names_its_document_and_the_document_exists() -> None:
    missing, dangling = [], []
    for package in PACKAGES:
        for init in sorted((ROOT / package).rglob("__init__.py")):
            if "migrations" in init.parts:
                continue
            doc = ast.get_docstring(ast.parse(init.read_text("utf-8"))) or ""
            links = LINK.findall(doc)
            where = init.relative_to(ROOT).as_posix()
            if not links:
                missing.append(where)
            dangling += [
                f"{where}: {link}"
                for link in links
                if link.startswith("docs/") and not (ROOT / link).exists()
            ]
    assert missing == [] and dangling == []
