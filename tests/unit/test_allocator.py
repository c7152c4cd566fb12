"""bilag.allocator: the process keeps its freed heap for the next document."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")

# Run in a child: the tuning is process-wide and must not leak into the test process.
_PROBE = textwrap.dedent(
    """
    import ctypes, sys
    from bilag.allocator import tune_allocator

    class MallInfo2(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd",
            "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = MallInfo2
    if sys.argv[1] == "tune":
        print(tune_allocator())
        print(tune_allocator())
    mapped, heap = libc.mallinfo2().hblkhd, libc.mallinfo2().arena
    buffer = bytearray(4 << 20)  # a document's worth: tree, base64 text, decoded file
    print("mapped", libc.mallinfo2().hblkhd - mapped)
    del buffer
    print("kept", libc.mallinfo2().arena - heap >= 4 << 20)
    """
)


def _probe(mode: str, **env: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, mode],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", **env},
    )
    return done.stdout.splitlines()


def test_a_tuned_process_takes_a_document_sized_buffer_from_its_heap_and_keeps_it():
    said, again, mapped, kept = _probe("tune")
    assert said.startswith("glibc: heap top pad 16 MiB")
    assert again == said  # once per process
    assert mapped == "mapped 0"  # not a fresh mmap, whose pages the kernel must zero
    assert kept == "kept True"  # freed, but its pages stay with the process


def test_by_default_glibc_maps_such_a_buffer_afresh_which_is_what_the_tuning_avoids():
    mapped, kept = _probe("default")
    assert int(mapped.split()[1]) >= 4 << 20  # its own mmap, unmapped again when freed
    assert kept == "kept False"


@pytest.mark.parametrize("variable", ["BILAG_KEEP_MALLOC", "MALLOC_TOP_PAD_", "GLIBC_TUNABLES"])
def test_an_operator_setting_of_their_own_is_left_alone(variable):
    value = "glibc.malloc.top_pad=0" if variable == "GLIBC_TUNABLES" else "1"
    said = _probe("tune", **{variable: value})[0]
    assert said == f"left alone ({variable} set)"
