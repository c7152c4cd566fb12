"""The development corpus: hundreds of invoices drawn from the world, rendered to every
class of input bilag reads, each with its ground truth, reproducible from a seed.

    .venv/bin/python -m bench.corpus --out /tmp/corpus --count 300 --seed 1

writes::

    manifest.json                  every document: class, family, split, supplier, truth, pairs
    workspace/config.toml          the buying company (name, org numbers)
    workspace/policy.toml          auto-post, exchange rates, an approver
    workspace/history.csv          three years of the company's bookkeeping (bench.corpus.history)
    docs/<class>/<id>.<ext>        the documents, one folder per class
    docs/<class>/<id>.expected.json  the truth: a contract object (a list for an e-mail)

Classes: ``pdf`` (text PDF), ``scan-upright`` and ``scan-turned`` (flatbed scans as PNG,
JPEG, TIFF or image-only PDF), ``photo`` (phone photo, JPEG), ``email`` (.eml) and ``ehf``
(EHF 3.0 UBL). Some invoices arrive twice on purpose (a PDF and its scan, an EHF and its
PDF, a mail sent again): the manifest names these pairs, and a reminder names the invoice
it reminds of.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.corpus.check import missing_from_text, pdf_text
from bench.corpus.draw import Features, draw_invoice
from bench.corpus.families import FAMILIES, Family
from bench.corpus.model import Invoice
from bench.corpus.render import Canvas, Style, draw_style
from bench.corpus.truth import truth
from bench.corpus.world import WORLD_SEED, Supplier, World, make_world

__all__ = ["CLASSES", "Doc", "build", "plan", "render_pdf", "style_for"]

CLASSES = ("pdf", "scan-upright", "scan-turned", "photo", "email", "ehf")
MIX = {
    "pdf": 0.30,
    "scan-upright": 0.14,
    "scan-turned": 0.08,
    "photo": 0.10,
    "email": 0.18,
    "ehf": 0.20,
}
CORPUS_START = date(2026, 1, 5)  # the six months after the three years of history
CORPUS_DAYS = 175


def sub_seed(*parts: object) -> int:
    """A stable 63-bit seed from parts (not Python's salted ``hash``)."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


@dataclass(frozen=True, slots=True)
class Planned:
    """One drawn invoice and how it arrives."""

    key: str
    supplier: Supplier
    issue: date
    features: Features
    cls: str
    also: tuple[str, ...] = ()  # further classes the same invoice arrives as (duplicates)
    reminds: str | None = None  # the key of the invoice a reminder is about


@dataclass(slots=True)
class Doc:
    """One document of the corpus, as the manifest lists it."""

    id: str
    key: str
    cls: str
    path: str  # relative to the corpus root
    truth_path: str
    family: str
    split: str
    supplier: str
    kind: str
    duplicate_of: str | None = None  # the id of the document this one repeats
    reminds: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


def _family_of(supplier: Supplier, kind: str) -> Family:
    if kind == "reminder":
        reminders = sorted(f.name for f in FAMILIES.values() if f.reminder)
        return FAMILIES[reminders[sub_seed(supplier.party.name) % len(reminders)]]
    return FAMILIES[supplier.family]


def _features(rng: random.Random, supplier: Supplier) -> Features:
    family = FAMILIES[supplier.family]
    roll = rng.random()
    kind = "credit_note" if roll < 0.08 else "invoice"
    if 0.08 <= roll < 0.12 and not supplier.foreign:
        kind = "reminder"
    prepaid_share = 0.6 if family.name == "progress" else 0.1
    return Features(
        kind=kind,
        prepaid=rng.random() < prepaid_share,
        charges=rng.random() < 0.12,
        long_table=not family.giro and kind != "reminder" and rng.random() < 0.06,
        to_sister=rng.random() < 0.06,
    )


def _class(
    rng: random.Random, supplier: Supplier, features: Features, mix: dict[str, float]
) -> str:
    allowed = dict(mix)
    if supplier.foreign or features.kind == "reminder":
        allowed.pop("ehf", None)
    if features.long_table:
        allowed.pop("photo", None)
    names = sorted(allowed)
    return rng.choices(names, weights=[allowed[n] for n in names])[0]


def plan(world: World, seed: int, count: int, mix: dict[str, float] | None = None) -> list[Planned]:
    """Which invoices the corpus holds and how each arrives (deterministic for a seed)."""
    mix = mix or MIX
    rng = random.Random(sub_seed("plan", seed))
    out: list[Planned] = []
    for i in range(count):
        supplier = world.suppliers[rng.randrange(len(world.suppliers))]
        issue = CORPUS_START + timedelta(days=rng.randrange(CORPUS_DAYS))
        features = _features(rng, supplier)
        cls = _class(rng, supplier, features, mix)
        key = f"c{seed % 1000:03d}-{i:04d}"
        also: tuple[str, ...] = ()
        if features.kind == "invoice" and rng.random() < 0.08:
            also = (_duplicate_class(rng, cls, supplier, mix),)
        if features.kind == "reminder":
            # the reminded invoice is in the corpus too: it arrived first
            base = replace(features, kind="invoice")
            out.append(Planned(key, supplier, issue, base, _class(rng, supplier, base, mix)))
            out.append(Planned(key + "r", supplier, issue, features, cls, reminds=key))
            continue
        out.append(Planned(key, supplier, issue, features, cls, also))
    return out


def _duplicate_class(
    rng: random.Random, cls: str, supplier: Supplier, mix: dict[str, float]
) -> str:
    """How the same invoice arrives again: a PDF and its scan, an EHF and its PDF, a mail
    sent twice."""
    pairs = {
        "pdf": "scan-upright",
        "ehf": "pdf",
        "email": "email",
        "scan-upright": "pdf",
        "scan-turned": "pdf",
        "photo": "pdf",
    }
    other = pairs[cls]
    return other if other in mix else cls


def is_second_arrival(doc_id: str) -> bool:
    """Whether a document id names an invoice's second arrival (``<key>-<class>2``)."""
    return doc_id.endswith("2") and not doc_id[-2].isdigit()


def style_for(seed: int, inv: Invoice, family: Family) -> Style:
    """The invoice's style: the same for every rendering of the same invoice."""
    rng = random.Random(sub_seed("style", seed, inv.key))
    return draw_style(rng, inv.language, inv.currency, mono=family.mono)


class NotPrinted(AssertionError):
    """A layout left out a value the truth states: the generator is wrong, not bilag."""


def render_pdf(inv: Invoice, family: Family, st: Style) -> bytes:
    """The text PDF of ``inv``; raises :class:`NotPrinted` unless every key-field value
    of the truth can be found in its text layer (see :mod:`bench.corpus.check`)."""
    canvas = Canvas(st.font)
    family.draw(canvas, inv, st)
    pdf = canvas.output()
    missing = missing_from_text(inv, st, pdf_text(pdf))
    if missing:
        raise NotPrinted(f"{inv.key} ({family.name}, {inv.kind}): not printed: {missing}")
    return pdf


def draw(world: World, seed: int, item: Planned) -> Invoice:
    rng = random.Random(sub_seed("invoice", seed, item.reminds or item.key))
    inv = draw_invoice(
        rng,
        world,
        item.supplier,
        item.issue,
        item.key,
        item.features if not item.reminds else replace(item.features, kind="invoice"),
    )
    if item.reminds:
        from bench.corpus.draw import as_reminder

        inv = replace(as_reminder(rng, inv), key=item.key)
    return fit_to_family(inv, _family_of(item.supplier, inv.kind))


def fit_to_family(inv: Invoice, family: Family) -> Invoice:
    """What a layout cannot show is not drawn: an IBAN beside the account on a giro or a
    letter (NOK), payment details on a credit note written as a letter."""
    if not family.iban and inv.currency == "NOK" and inv.print_iban:
        inv = replace(inv, print_iban=False, print_account=True)
    if family.name == "letter" and inv.is_credit:
        inv = replace(inv, print_iban=False, print_account=False)
    return inv


Writer = Callable[["Context", Invoice, Family, Style, str], Doc]


@dataclass(slots=True)
class Context:
    root: Path
    seed: int
    world: World
    docs: list[Doc] = field(default_factory=list)

    def write(self, cls: str, name: str, content: bytes) -> str:
        folder = self.root / "docs" / cls
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
        return f"docs/{cls}/{name}"

    def write_truth(self, cls: str, doc_id: str, value: Any) -> str:
        name = f"{doc_id}.expected.json"
        text = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
        return self.write(cls, name, text.encode("utf-8"))


def _doc(
    ctx: Context, inv: Invoice, family: Family, cls: str, path: str, truth_path: str, **details: Any
) -> Doc:
    supplier = inv.supplier.name
    return Doc(
        id=Path(path).name.split(".")[0],
        key=inv.key,
        cls=cls,
        path=path,
        truth_path=truth_path,
        family=family.name,
        split=family.split,  # the layout drawn (a reminder's own; the supplier's for EHF)
        supplier=supplier,
        kind=inv.kind,
        details=details,
    )


def write_pdf(ctx: Context, inv: Invoice, family: Family, st: Style, doc_id: str) -> Doc:
    pdf = render_pdf(inv, family, st)
    path = ctx.write("pdf", f"{doc_id}.pdf", pdf)
    truth_path = ctx.write_truth("pdf", doc_id, truth(inv, Path(path).name, "pdf"))
    return _doc(ctx, inv, family, "pdf", path, truth_path)


def write_scan(
    ctx: Context, inv: Invoice, family: Family, st: Style, doc_id: str, *, turned: bool
) -> Doc:
    import numpy as np

    from bench.corpus.scan import draw_scan_spec, encode, scan

    cls = "scan-turned" if turned else "scan-upright"
    pdf = render_pdf(inv, family, st)
    seed = sub_seed("scan", ctx.seed, doc_id)
    pages = _page_count(pdf)
    spec = draw_scan_spec(np.random.default_rng(seed), turned=turned, pages=pages)
    images = scan(pdf, spec, seed)
    content, ext = encode(images, spec.fmt, dpi=spec.dpi, quality=spec.quality)
    path = ctx.write(cls, f"{doc_id}.{ext}", content)
    truth_path = ctx.write_truth(cls, doc_id, truth(inv, Path(path).name, "ocr"))
    return _doc(ctx, inv, family, cls, path, truth_path, scan=spec.describe(), pages=pages)


def write_photo(ctx: Context, inv: Invoice, family: Family, st: Style, doc_id: str) -> Doc:
    import io

    from bench.corpus.scan import photo

    pdf = render_pdf(inv, family, st)
    if _page_count(pdf) > 1:  # a phone photo shows one page: a longer invoice is scanned
        return write_scan(ctx, inv, family, st, doc_id, turned=False)
    seed = sub_seed("photo", ctx.seed, doc_id)
    image, settings = photo(pdf, seed)
    buf = io.BytesIO()
    quality = 70 + seed % 21
    image.save(buf, "JPEG", quality=quality)
    path = ctx.write("photo", f"{doc_id}.jpg", buf.getvalue())
    truth_path = ctx.write_truth("photo", doc_id, truth(inv, Path(path).name, "ocr"))
    return _doc(ctx, inv, family, "photo", path, truth_path, photo=settings | {"quality": quality})


def _page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def write_document(
    ctx: Context, inv: Invoice, family: Family, st: Style, cls: str, doc_id: str
) -> Doc:
    if cls == "pdf":
        return write_pdf(ctx, inv, family, st, doc_id)
    if cls in ("scan-upright", "scan-turned"):
        return write_scan(ctx, inv, family, st, doc_id, turned=cls == "scan-turned")
    if cls == "photo":
        return write_photo(ctx, inv, family, st, doc_id)
    if cls == "ehf":
        from bench.corpus.ehf import write_ehf

        return write_ehf(ctx, inv, family, st, doc_id)
    if cls == "email":
        from bench.corpus.mail import write_email

        return write_email(ctx, inv, family, st, doc_id)
    raise ValueError(f"unknown class {cls!r}")


def build(
    out: Path,
    *,
    seed: int = 1,
    count: int = 300,
    world_seed: int = WORLD_SEED,
    classes: tuple[str, ...] | None = None,
) -> list[Doc]:
    """Write the corpus under ``out`` (see module docstring); returns the documents."""
    from bench.corpus.workspace import write_workspace

    world = make_world(world_seed)
    mix = {k: v for k, v in MIX.items() if classes is None or k in classes}
    ctx = Context(out, seed, world)
    invoices: dict[str, Invoice] = {}
    for item in plan(world, seed, count, mix):
        inv = draw(world, seed, item)
        invoices[inv.key] = inv
        family = _family_of(item.supplier, inv.kind)
        st = style_for(seed, inv, family)
        first = write_document(ctx, inv, family, st, item.cls, f"{item.key}-{item.cls}")
        first.reminds = item.reminds
        ctx.docs.append(first)
        for n, cls in enumerate(item.also, 2):
            again = write_document(ctx, inv, family, st, cls, f"{item.key}-{cls}{n}")
            again.duplicate_of = first.id
            ctx.docs.append(again)
    write_workspace(out / "workspace", world, invoices)
    manifest = {
        "seed": seed,
        "world_seed": world_seed,
        "count": count,
        "classes": sorted(mix),
        "families": {
            f.name: {"split": f.split, "description": f.description} for f in FAMILIES.values()
        },
        "documents": [_doc_json(d) for d in ctx.docs],
        "invoices": {key: _answer_key(inv) for key, inv in invoices.items()},
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return ctx.docs


def _doc_json(d: Doc) -> dict[str, Any]:
    return {
        "id": d.id, "key": d.key, "class": d.cls, "path": d.path, "truth": d.truth_path,
        "family": d.family, "split": d.split, "supplier": d.supplier, "kind": d.kind,
        "duplicate_of": d.duplicate_of, "reminds": d.reminds, "details": d.details,
    }  # fmt: skip


def _answer_key(inv: Invoice) -> dict[str, Any]:
    """How the buyer books the invoice: per line, and the account of the largest line."""
    lines = [
        {
            "description": ln.description,
            "net_amount": f"{ln.net:.2f}",
            "account": ln.account,
            "vat_code": ln.vat_code,
            "department": ln.department,
            "project": ln.project,
        }
        for ln in inv.lines
    ]
    main = max(inv.lines, key=lambda ln: abs(ln.net)) if inv.lines else None
    top = abs(main.net) if main else 0
    return {
        "supplier": inv.supplier.name,
        "supplier_org_number": inv.supplier.org,
        "kind": inv.kind,
        "currency": inv.currency,
        "gross_total": f"{inv.gross:.2f}",
        "lines": lines,
        "main_accounts": sorted({ln.account for ln in inv.lines if abs(ln.net) == top}),
        "main_vat_code": main.vat_code if main else None,
    }
