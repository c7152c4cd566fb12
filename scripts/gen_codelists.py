"""Regenerate ``bilag/domain/rules/codelist_data.py`` and ``schemas/ehf/codelists/*.txt``.

The source is the ``structure/codelist/*.xml`` folder of the public repository
OpenPEPPOL/peppol-bis-invoice-3 (VEFA CodeList-1 format, release 3.0.19).
Usage::

    python scripts/gen_codelists.py PATH/TO/structure/codelist
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

NS = "{urn:fdc:difi.no:2017:vefa:structure:CodeList-1}"
LISTS = {
    "EAS": "eas.xml",
    "ICD": "icd.xml",
    "ISO4217": "ISO4217_2015.xml",
    "ISO3166": "ISO3166-1_Alpha2.xml",
    "UNCL4461": "UNCL4461.xml",
    "UNCL1001_INVOICE": "UNCL1001-inv.xml",
    "UNCL1001_CREDIT_NOTE": "UNCL1001-cn.xml",
    "UNCL5305": "UNCL5305.xml",
    "UNCL5189": "UNCL5189.xml",
    "UNCL7161": "UNCL7161.xml",
    "UNCL2005": "UNCL2005.xml",
    "VATEX": "VATEX.xml",
    "MIME": "MimeCode.xml",
    "UNCL1153": "UNCL1153.xml",
    "UNCL7143": "UNCL7143.xml",
    "UNECE_REC20": "UNECERec20-11e.xml",
}
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bilag" / "domain" / "rules" / "codelist_data.py"
TEXT_OUT = ROOT / "schemas" / "ehf" / "codelists"  # the same lists, one code a line


def main(folder: str) -> int:
    lines = [
        '"""Code lists of PEPPOL BIS Billing 3.0 (release 3.0.19). GENERATED, do not edit.',
        "",
        "Made by scripts/gen_codelists.py from OpenPEPPOL/peppol-bis-invoice-3",
        'structure/codelist/*.xml; the same lists are in schemas/ehf/codelists/."""',
        "",
        "from __future__ import annotations",
        "",
        "",
        "def codes(text: str) -> frozenset[str]:",
        "    return frozenset(text.split())",
        "",
        "",
    ]
    for name, filename in LISTS.items():
        root = ET.parse(Path(folder) / filename).getroot()
        codes = sorted({(c.text or "").strip() for c in root.iter(NS + "Id")} - {""})
        TEXT_OUT.mkdir(parents=True, exist_ok=True)
        (TEXT_OUT / f"{name}.txt").write_text("\n".join(codes) + "\n", encoding="utf-8")
        lines.append(f"{name} = codes(")
        chunk: list[str] = []
        for code in codes:
            if chunk and len(" ".join([*chunk, code])) > 88:
                lines.append(f'    "{" ".join(chunk)} "')
                chunk = []
            chunk.append(code)
        if chunk:
            lines.append(f'    "{" ".join(chunk)}"')
        lines.append(")")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
