"""The workspace's secret key for the ledger's chain: what makes a forged append visible.

An unkeyed chain can be extended by anyone who can write the database: a new entry
chained correctly onto the end looks exactly like a genuine append, and a changed
entry with every later hash recomputed looks intact. So from a point on, every entry
is hashed with HMAC-SHA-256 under a key that lives in the workspace
(``<home>/secrets/ledger-chain.key``, mode 0600), never in the database: without the
key nobody can write an entry that ``bilag verify`` accepts.

The file holds the key and, per database (URL without password, plus schema, as the
anchor names it), ``keyed_from``: the number of the last entry written *before* the
key was taken into use. Entries up to it keep their SHA-256 hashes; every later one
must carry the HMAC. A database is registered the first time a process of the
workspace opens it, under the chain's lock, so no append can run between reading the
head and writing the record; an appender reads the record under the same lock.

Every process that writes the ledger must see the same file (``[storage]
chain_key_file`` or ``BILAG_CHAIN_KEY_FILE`` point elsewhere, e.g. for several
workspaces on one PostgreSQL database). Lose the file and the keyed entries cannot
be verified any more: back it up with the database, and keep it apart from it.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from bilag.errors import LedgerError
from bilag.ledger.file_lock import locked_beside

__all__ = ["KEY_FILE", "ChainKey", "Keyed"]

KEY_FILE = "secrets/ledger-chain.key"
FORMAT = "bilag-chain-key/1"


@dataclass(frozen=True, slots=True)
class Keyed:
    """The key, and the last entry of this database written without it."""

    key: bytes
    keyed_from: int

    def key_for(self, seq: int) -> bytes | None:
        """The HMAC key for entry ``seq``; None for an entry from before the key."""
        return self.key if seq > self.keyed_from else None


class ChainKey:
    """The key file of one workspace, for one database."""

    def __init__(self, path: Path, database: str) -> None:
        self.path = path
        self.database = database
        self._known: Keyed | None = None  # once registered, a database's record never changes

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with locked_beside(self.path, 0o600):
            yield

    def _load(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as e:
            raise LedgerError(f"{self.path}: cannot read the chain key: {e}") from e
        if (
            not isinstance(data, dict)
            or data.get("format") != FORMAT
            or not isinstance(data.get("databases"), dict)
        ):
            raise LedgerError(f"{self.path}: not a chain key file")
        return data

    def _record(self, data: dict[str, Any]) -> Keyed | None:
        entry = data["databases"].get(self.database)
        if not isinstance(entry, dict):
            return None
        try:
            return Keyed(bytes.fromhex(str(data["key"])), int(entry["keyed_from"]))
        except (KeyError, TypeError, ValueError) as e:
            raise LedgerError(f"{self.path}: a broken record for {self.database}: {e}") from e

    def current(self) -> Keyed | None:
        """This database's key and ``keyed_from``, or None when it is not registered.

        Raises:
            LedgerError: the file exists but cannot be read.
        """
        if self._known is None:
            data = self._load()
            self._known = self._record(data) if data is not None else None
        return self._known

    def register(self, conn: Connection, head_seq: int) -> Keyed:
        """Take the key into use for this database from entry ``head_seq + 1`` on.

        The caller holds the chain's lock in ``conn``'s transaction and read
        ``head_seq`` under it. Makes the key file when the workspace has none; a
        database registered already keeps its record.
        """
        del conn  # the lock it holds is the point: no append runs until it commits
        with self._locked():
            data = self._load() or {
                "format": FORMAT,
                "key": secrets.token_bytes(32).hex(),
                "databases": {},
            }
            known = self._record(data)
            if known is not None:
                self._known = known
                return known
            data["databases"][self.database] = {
                "keyed_from": head_seq,
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            part = self.path.with_name(f".{self.path.name}.part")
            fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
                fh.flush()
                os.fsync(fh.fileno())  # losing the key loses the keyed entries' proof
            part.replace(self.path)
            self._known = self._record(data)
            assert self._known is not None
            return self._known
