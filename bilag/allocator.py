"""Process-wide tuning of glibc's memory allocator for runs over many documents.

Why: reading an invoice with a large attachment allocates a few megabytes (the XML
tree, the base64 text as a Python string, the decoded file) and frees them again.
glibc's default gives freed memory at the top of the heap back to the kernel at
once (a 128 KiB trim threshold), so the next document takes the same pages again
and the kernel must map and zero them afresh, which on a virtual machine can cost
more than the parsing itself (the figures: docs/ehf.md, "The allocator").

:func:`tune_allocator` keeps a 16 MiB pad at the top of the heap and serves
allocations below 8 MiB from the heap, so the pages of one document are reused by
the next. The cost is up to ~16 MiB of memory held by a process that has freed it.
It is called by the entry points that run documents in bulk (the ``bilag``
command, the Prefect flow's worker task, the benchmarks), never on import of a
library module. It does nothing off glibc, and nothing when the operator has set
glibc's own ``MALLOC_*`` variables or ``GLIBC_TUNABLES``, or ``BILAG_KEEP_MALLOC=1``.
"""

from __future__ import annotations

import ctypes
import os
import sys

__all__ = ["MMAP_THRESHOLD", "TOP_PAD", "tune_allocator"]

TOP_PAD = 16 << 20  # bytes kept at the top of the heap when memory is freed
MMAP_THRESHOLD = 8 << 20  # allocations below this come from the heap, not mmap
_M_TOP_PAD = -2  # mallopt parameter numbers, from glibc's malloc.h
_M_MMAP_THRESHOLD = -3
_OPERATOR_SETTINGS = (
    "BILAG_KEEP_MALLOC",
    "MALLOC_TOP_PAD_",
    "MALLOC_MMAP_THRESHOLD_",
    "MALLOC_TRIM_THRESHOLD_",
    "GLIBC_TUNABLES",
)
_state: str | None = None


def tune_allocator() -> str:
    """Tune glibc's allocator once per process; returns what was done, for logs."""
    global _state
    if _state is None:
        _state = _tune()
    return _state


def _tune() -> str:
    if not sys.platform.startswith("linux"):
        return f"left alone ({sys.platform})"
    chosen = [name for name in _OPERATOR_SETTINGS if os.environ.get(name)]
    if chosen:
        return f"left alone ({', '.join(chosen)} set)"
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
        libc.gnu_get_libc_version  # noqa: B018 - glibc only: musl's mallopt does nothing
    except (OSError, AttributeError):
        return "left alone (not glibc)"
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    if not (mallopt(_M_TOP_PAD, TOP_PAD) and mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)):
        return "left alone (mallopt refused)"
    return f"glibc: heap top pad {TOP_PAD >> 20} MiB, mmap threshold {MMAP_THRESHOLD >> 20} MiB"
