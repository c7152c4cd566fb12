"""Intake speed: read and archive 1,000 mails of 3 attachments from a local Dovecot.

Measured in the same run, over the same mails:

* **baseline**: a plain imap-tools fetch (``MailBox.fetch(bulk=...)``) that reads
  every attachment's bytes (``msg.attachments[*].payload``): what any script
  that saves invoices from a mailbox does;
* **bilag read + archive**: the intake stage as ``bilag fetch`` runs it before any
  parsing: :class:`connectors.imap.ImapSource` fetching raw mails, and each group of
  originals made durable in the content-addressed archive
  (:func:`bilag.services.intake.archive_originals`, one disk barrier per group);
* for information, **read + split + archive every part**: the email reader splitting
  each mail into its documents (``mail.eml#attachment``) and those archived as well;
* for information, the **whole pipeline** (``process_incoming``: archive, record,
  parse EHF, validate, duplicates, code, route, post) on a sample of the mails.

Goal: bilag's read + archive within 1.5x of the baseline's time.

``python -m bench intake [--mails N] [--attachments K] [--pipeline-sample M]``
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "intake.json"


def _deliver(server: Any, folder: str, mails: int, attachments: int) -> int:
    from imap_tools import MailBoxUnencrypted

    from tests.mailfactory import bulk_mail

    size = 0
    with MailBoxUnencrypted(server.host, server.port) as box:
        box.login(server.user, server.password)
        box.folder.create(folder)
        for i in range(mails):
            raw = bulk_mail(i, attachments)
            size += len(raw)
            box.append(raw, folder)
    return size


def _baseline(server: Any, folder: str) -> tuple[float, int]:
    from imap_tools import MailBoxUnencrypted

    started = time.perf_counter()
    count = 0
    with MailBoxUnencrypted(server.host, server.port) as box:
        box.login(server.user, server.password, initial_folder=folder)
        for msg in box.fetch(mark_seen=False, bulk=50):
            count += sum(1 for a in msg.attachments if a.payload)
    return time.perf_counter() - started, count


def _bilag(server: Any, folder: str, archive_dir: Path) -> tuple[float, int]:
    """The intake stage as :func:`bilag.services.intake.fetch` runs it: fetch raw mails,
    archive each group of originals durably (one disk barrier per group)."""
    from bilag.services.intake import GROUP_SIZE, archive_originals
    from connectors.archive import LocalArchive
    from connectors.imap import ImapSource

    archive = LocalArchive(archive_dir)
    started = time.perf_counter()
    mails = 0
    group: list[Any] = []
    with ImapSource("bench", server.config(folder, batch_size=GROUP_SIZE)) as source:
        for doc in source.fetch_new():
            group.append(doc)
            if len(group) == GROUP_SIZE:
                mails += len(archive_originals(archive, group))
                group = []
        mails += len(archive_originals(archive, group)) if group else 0
    return time.perf_counter() - started, mails


def _split(server: Any, folder: str, archive_dir: Path) -> tuple[float, int]:
    """As :func:`_bilag`, and the email reader splitting each mail into its attachments,
    which are archived too (what the pipeline does next)."""
    from bilag.services.intake import GROUP_SIZE, archive_originals
    from connectors.archive import LocalArchive
    from connectors.imap import ImapSource
    from parsers.base import ParseContext
    from parsers.mail.parser import MailParser

    archive = LocalArchive(archive_dir)
    parser, ctx = MailParser(), ParseContext()
    started = time.perf_counter()
    stored = 0
    group: list[Any] = []
    with ImapSource("bench", server.config(folder, batch_size=GROUP_SIZE)) as source:
        for doc in source.fetch_new():
            group.append(doc)
            group.extend(parser.parse(doc, ctx).children)
            if len(group) >= GROUP_SIZE * 4:
                stored += len(archive_originals(archive, group))
                group = []
        stored += len(archive_originals(archive, group)) if group else 0
    return time.perf_counter() - started, stored


def _pipeline(server: Any, folder: str, home: Path, sample: int) -> tuple[float, int]:
    from bilag.bootstrap import bootstrap
    from bilag.config import load_settings
    from bilag.services.intake import fetch
    from connectors.imap import ImapSource

    deps = bootstrap(load_settings(home), coder=None)
    started = time.perf_counter()
    with ImapSource("bench", server.config(folder, after="flag")) as source:
        report = fetch(deps, source, limit=sample)
    deps.ledger.dispose()
    return time.perf_counter() - started, report.fetched


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench intake")
    parser.add_argument("--mails", type=int, default=1000)
    parser.add_argument("--attachments", type=int, default=3)
    parser.add_argument("--pipeline-sample", type=int, default=50)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from tests.fixtures.dovecot import running_dovecot

    work = Path(tempfile.mkdtemp(prefix="bilag-bench-intake-"))
    try:
        with running_dovecot() as server:
            t0 = time.perf_counter()
            size = _deliver(server, "bench", args.mails, args.attachments)
            deliver_s = time.perf_counter() - t0
            # alternate the order so neither side always meets a cold server cache
            base_s, base_parts = _baseline(server, "bench")
            ours_s, mails = _bilag(server, "bench", work / "archive")
            base2_s, _ = _baseline(server, "bench")
            ours2_s, _ = _bilag(server, "bench", work / "archive2")
            base_s, ours_s = min(base_s, base2_s), min(ours_s, ours2_s)
            split_s, stored = _split(server, "bench", work / "archive3")
            pipe_s, pipe_n = _pipeline(server, "bench", work / "home", args.pipeline_sample)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "mails": mails,
        "attachments_per_mail": args.attachments,
        "mail_bytes_total": size,
        "deliver_seconds": round(deliver_s, 3),
        "baseline_imap_tools_seconds": round(base_s, 3),
        "baseline_mails_per_second": round(mails / base_s, 1),
        "baseline_attachments_read": base_parts,
        "bilag_read_archive_seconds": round(ours_s, 3),
        "bilag_mails_per_second": round(mails / ours_s, 1),
        "ratio_bilag_to_baseline": round(ours_s / base_s, 2),
        "goal_ratio": 1.5,
        "bilag_read_split_archive_all_parts_seconds": round(split_s, 3),
        "bilag_split_mails_per_second": round(mails / split_s, 1),
        "bilag_split_originals_archived": stored,
        "pipeline_sample_mails": pipe_n,
        "pipeline_mails_per_second": round(pipe_n / pipe_s, 1) if pipe_s else None,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"{mails} mails x {args.attachments} attachments ({size / 2**20:.1f} MiB): "
        f"imap-tools fetch {result['baseline_mails_per_second']} mails/s; "
        f"bilag read+archive {result['bilag_mails_per_second']} mails/s, "
        f"ratio {result['ratio_bilag_to_baseline']}x (goal <= 1.5x); "
        f"read+split+archive every part {result['bilag_split_mails_per_second']} mails/s "
        f"({stored} originals); whole pipeline {result['pipeline_mails_per_second']} mails/s "
        f"on {pipe_n} mails"
    )
    print(f"wrote {OUT}")
    return 0 if result["ratio_bilag_to_baseline"] <= 1.5 else 1
