"""Drop folder: files, ``.eml`` files and Maildir messages put into an inbox folder.

A handled file is moved to ``processed/`` or ``failed/`` (keeping its path below the
inbox); a failed one gets a ``<name>.reason.txt`` beside it. A file still being
written is not picked up: names ending in ``.part``/``.tmp``/``.crdownload`` and
dotfiles are ignored, and a file must have been left alone for ``settle_seconds``
(its modification time) before it is read. Maildir folders (``cur/ new/ tmp/``)
inside the inbox are read from ``new/`` and ``cur/``; ``tmp/`` is where a delivery
agent writes, so it is never read.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import MappingProxyType

from bilag.domain.document import IncomingDocument
from bilag.domain.text import printable
from bilag.errors import SourceError

__all__ = ["FolderSource"]

log = logging.getLogger(__name__)

_IN_PROGRESS = (".part", ".tmp", ".crdownload", ".partial", ".filepart", ".download")
_MAILDIR = ("cur", "new", "tmp")


def _media_hint(path: Path, *, in_maildir: bool) -> str | None:
    if in_maildir or path.suffix.lower() == ".eml":
        return "message/rfc822"
    return None


class FolderSource:
    """A :class:`~connectors.base.DocumentSource` over a local folder.

    Args:
        name: the source's name in the configuration (``[sources.NAME]``).
        inbox: the folder operators drop files into.
        processed_dir: where handled files go (default ``<inbox>/processed``).
        failed_dir: where files that could not be handled go (default ``<inbox>/failed``).
        settle_seconds: a file modified more recently than this is left for the next run.
        max_file_bytes: larger files go straight to ``failed/`` with a reason.
    """

    def __init__(
        self,
        name: str,
        inbox: str | os.PathLike[str],
        *,
        processed_dir: str | os.PathLike[str] | None = None,
        failed_dir: str | os.PathLike[str] | None = None,
        settle_seconds: float = 2.0,
        max_file_bytes: int = 256 * 1024 * 1024,
    ) -> None:
        self.name = name
        self.inbox = Path(inbox)
        self.processed_dir = Path(processed_dir) if processed_dir else self.inbox / "processed"
        self.failed_dir = Path(failed_dir) if failed_dir else self.inbox / "failed"
        self.settle_seconds = settle_seconds
        self.max_file_bytes = max_file_bytes
        # paths this run takes; None: all (a flow splitting a batch over runs sets it)
        self.wanted: Callable[[str], bool] | None = None
        self._paths: dict[str, Path] = {}  # printable name -> the path it came from

    def _candidates(self) -> Iterator[tuple[Path, bool]]:
        """(path, is_maildir_message) in a stable order, skipping our own output folders."""
        skip = {self.processed_dir.resolve(), self.failed_dir.resolve()}

        def walk(folder: Path) -> Iterator[tuple[Path, bool]]:
            try:
                entries = sorted(folder.iterdir())
            except OSError as e:
                raise SourceError(f"{self.name}: cannot list {folder}: {e.strerror}") from e
            names = {e.name for e in entries}
            if all(m in names for m in _MAILDIR):
                for sub in ("new", "cur"):
                    for msg in sorted((folder / sub).iterdir()):
                        if msg.is_file() and not msg.name.startswith("."):
                            yield msg, True
                return
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    if entry.resolve() not in skip:
                        yield from walk(entry)
                elif entry.is_file():
                    yield entry, False

        if not self.inbox.is_dir():
            raise SourceError(f"{self.name}: inbox folder {self.inbox} does not exist")
        yield from walk(self.inbox)

    def pending(self) -> int:
        """How many files wait in the inbox (for a progress bar; nothing is read)."""
        return sum(
            1
            for path, _ in self._candidates()
            if not path.name.lower().endswith((*_IN_PROGRESS, ".reason.txt"))
            and (self.wanted is None or self.wanted(str(path)))
        )

    def fetch_new(self) -> Iterator[IncomingDocument]:
        """Every settled file in the inbox, read whole; origin key ``folder:<path>:<sha256>``."""
        now = time.time()
        for path, in_maildir in self._candidates():
            lowered = path.name.lower()
            if lowered.endswith(_IN_PROGRESS) or lowered.endswith(".reason.txt"):
                continue
            if self.wanted is not None and not self.wanted(str(path)):
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:  # moved away by someone else meanwhile
                continue
            if now - stat.st_mtime < self.settle_seconds:
                log.debug("%s: %s is still being written; left for the next run", self.name, path)
                continue
            if stat.st_size > self.max_file_bytes:
                self._move(path, ok=False, reason=f"file is {stat.st_size} bytes, over the limit")
                continue
            try:
                content = path.read_bytes()
            except OSError as e:
                log.warning("%s: cannot read %s: %s", self.name, path, e.strerror)
                continue
            # any bytes may name a file: the document's name and origin are printable text
            # (valid UTF-8, one line), the real path is kept here for acknowledge()
            shown = printable(str(path))
            self._paths[shown] = path
            doc = IncomingDocument(
                name=shown, content=content, media_type=_media_hint(path, in_maildir=in_maildir)
            )
            origin = {
                "source": self.name,
                "channel": "folder",
                "path": shown,
                "key": f"folder:{printable(str(path.resolve()))}:{doc.sha256}",
            }
            yield IncomingDocument(
                name=doc.name,
                content=content,
                media_type=doc.media_type,
                origin=MappingProxyType(origin),
            )

    def acknowledge(self, doc: IncomingDocument, *, ok: bool = True, reason: str = "") -> None:
        """Move the file to ``processed/`` or ``failed/``; a file already gone is fine."""
        shown = doc.origin.get("path", doc.name)
        path = self._paths.pop(shown, None) or Path(shown)
        if not path.exists():
            return
        self._move(path, ok=ok, reason=reason)

    def _move(self, path: Path, *, ok: bool, reason: str) -> Path:
        target_root = self.processed_dir if ok else self.failed_dir
        try:
            relative = path.resolve().relative_to(self.inbox.resolve())
        except ValueError:
            relative = Path(path.name)
        target = target_root / relative
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            n = 1
            while target.exists():  # the same name dropped twice: keep both
                target = target.with_name(f"{relative.stem}.{n}{relative.suffix}")
                n += 1
            path.replace(target)
            if not ok:
                target.with_name(target.name + ".reason.txt").write_text(
                    (reason or "failed") + "\n", encoding="utf-8"
                )
        except OSError as e:
            raise SourceError(f"{self.name}: cannot move {path} to {target}: {e.strerror}") from e
        return target
