"""The workspace's own record of how far the ledger's chain reached: kept outside the database.

The chain shows any change to an entry that a later entry was chained to, and the
``chain_head`` row shows a cut tail. But whoever can write the database at will
(a PostgreSQL superuser, anyone with the SQLite file) can also delete the last
entries *and* set the head back, or recompute the whole chain after a change: the
database alone cannot know. So after every commit that appended entries, the
process records the new head (number and hash) in ``<home>/ledger-anchor.json``,
one record per database (URL without password, plus the schema). ``bilag verify``
checks that the chain still holds that entry with that hash.

The record only moves forward (a process that commits entry 10 after another
recorded 12 leaves 12), and a process killed between its commit and the record
leaves it a little behind: it is a lower bound, never a false alarm. What it
cannot do is protect itself: someone who can write the workspace as well as the
database can rewrite both. For that, keep copies of the head elsewhere (``bilag
verify --json`` prints it). Written with a lock file and an atomic rename; not
fsynced (a lost record is only a less recent anchor).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from bilag.errors import LedgerError
from bilag.ledger.chain import pending_head
from bilag.ledger.file_lock import locked_beside

__all__ = ["ANCHOR_FILE", "AnchorRecord", "ChainAnchor", "database_identity"]

log = logging.getLogger(__name__)

ANCHOR_FILE = "ledger-anchor.json"
FORMAT = "bilag-chain-anchor/1"


def database_identity(url: str, schema: str | None = None) -> str:
    """The URL without a password, plus the schema: which chain a record belongs to."""
    safe = re.sub(r"://([^:/@]+):[^@]*@", r"://\1@", url)
    return f"{safe}#schema={schema}" if schema else safe


@dataclass(frozen=True, slots=True)
class AnchorRecord:
    path: str  # the anchor file
    database: str
    seq: int
    hash: str
    at: str  # when it was recorded (UTC, ISO 8601)


class ChainAnchor:
    """The anchor file of one workspace, for one database."""

    def __init__(self, path: Path, database: str) -> None:
        self.path = path
        self.database = database

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"format": FORMAT, "databases": {}}
        except (OSError, ValueError) as e:
            raise LedgerError(f"{self.path}: cannot read the chain anchor: {e}") from e
        if not isinstance(data, dict) or not isinstance(data.get("databases"), dict):
            raise LedgerError(f"{self.path}: not a chain anchor file")
        return data

    def read(self) -> AnchorRecord | None:
        """This database's record, or None when the workspace holds none.

        Raises:
            LedgerError: the file exists but cannot be read (verify reports it).
        """
        entry = self._load()["databases"].get(self.database)
        if not isinstance(entry, dict):
            return None
        try:
            return AnchorRecord(
                str(self.path),
                self.database,
                int(entry["seq"]),
                str(entry["hash"]),
                str(entry["at"]),
            )
        except (KeyError, TypeError, ValueError) as e:
            raise LedgerError(f"{self.path}: a broken record for {self.database}: {e}") from e

    def record(self, seq: int, digest: str) -> None:
        """Remember entry ``seq`` with ``digest``, unless a later entry is recorded already."""
        with locked_beside(self.path, 0o644):
            try:
                data = self._load()
            except LedgerError as e:  # an unreadable file is replaced, and said so
                log.warning("%s; writing a new one", e)
                data = {"format": FORMAT, "databases": {}}
            current = data["databases"].get(self.database)
            if isinstance(current, dict) and int(current.get("seq", -1)) >= seq:
                return
            data["databases"][self.database] = {
                "seq": seq,
                "hash": digest,
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            part = self.path.with_name(f".{self.path.name}.part")
            part.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            part.replace(self.path)

    def after_commit(self, conn: Connection) -> None:
        """Record the head a just-committed transaction appended, if it appended any.

        Never raises: the commit has happened; an anchor that lags is only less recent.
        """
        head = pending_head(conn)
        if head is None:
            return
        try:
            self.record(*head)
        except OSError as e:
            log.warning("%s: cannot record the chain's head: %s", self.path, e)
