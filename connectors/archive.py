"""Content-addressed archive of originals (SHA-256). Write once; bilag never deletes.

The local folder layout is ``<root>/ab/cd/abcdef...``; a file is written to a
temporary name and renamed, so a crash never leaves half an original under its
final name.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from bilag.errors import StorageError
from connectors.base import Archive

__all__ = ["LocalArchive", "open_archive"]


class LocalArchive:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, content: bytes) -> str:
        sha = hashlib.sha256(content).hexdigest()
        path = self._path(sha)
        if path.exists():
            return sha
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{sha}.{os.getpid()}.part")
            with tmp.open("wb") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
            tmp.replace(path)
            path.chmod(0o444)
        except OSError as e:
            raise StorageError(f"cannot archive {sha} under {self.root}: {e}") from e
        return sha

    def put_many(self, contents: Sequence[bytes]) -> list[str]:
        """Store several originals with two disk barriers in all, instead of one per file.

        Every file is written to its temporary name, then one ``syncfs`` makes the data
        durable, then the files are renamed and a second ``syncfs`` makes the names
        durable. A crash at any point leaves either nothing or a complete original under
        its final name (never half a file), as :meth:`put` does. Used by intake for a
        batch of arrivals, before any of them is acknowledged at its source.
        """
        shas: list[str] = []
        pending: list[tuple[Path, Path]] = []
        try:
            for content in contents:
                sha = hashlib.sha256(content).hexdigest()
                shas.append(sha)
                path = self._path(sha)
                if path.exists() or any(final == path for _, final in pending):
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(f".{sha}.{os.getpid()}.part")
                with tmp.open("wb") as fh:
                    fh.write(content)
                pending.append((tmp, path))
            if pending:
                self._barrier()
                for tmp, path in pending:
                    tmp.replace(path)
                    path.chmod(0o444)
                self._barrier()
        except OSError as e:
            raise StorageError(f"cannot archive a batch under {self.root}: {e}") from e
        return shas

    def _barrier(self) -> None:
        """Flush the archive's file system to disk (``syncfs``; ``sync`` where there is none)."""
        libc = _libc()
        if libc is not None:
            fd = os.open(self.root, os.O_RDONLY)
            try:
                if libc.syncfs(fd) == 0:
                    return
            finally:
                os.close(fd)
        os.sync()

    def get(self, sha256: str) -> bytes:
        try:
            return self._path(sha256).read_bytes()
        except OSError as e:
            raise StorageError(f"archive has no {sha256}: {e}") from e

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).exists()

    def uri(self, sha256: str) -> str:
        return self._path(sha256).as_uri()


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syncfs  # noqa: B018  (present on Linux only)
    except (OSError, AttributeError):
        return None
    return libc


def open_archive(url: str) -> Archive:
    """The archive a URL names.

    Args:
        url: a folder path or ``file://`` URL for a :class:`LocalArchive`; or
            ``s3://bucket/prefix`` (optionally ``?endpoint_url=...&region=...``) for an
            :class:`~connectors.s3.S3Archive` in a bucket.
    """
    if url.startswith("s3://"):
        from connectors.s3 import S3Archive  # boto3 loads only for an S3 archive (~1 s)

        return S3Archive.from_url(url)
    if url.startswith("file://"):
        url = url.removeprefix("file://")
    return LocalArchive(url)
