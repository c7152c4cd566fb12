"""An exclusive lock on a workspace file, held by every process that rewrites it."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["locked_beside"]


@contextmanager
def locked_beside(path: Path, mode: int) -> Iterator[None]:
    """Hold the lock file ``.<name>.lock`` next to ``path`` (made with ``mode``) while
    the block runs; another process that asks for it waits."""
    lock = path.with_name(f".{path.name}.lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, mode)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
