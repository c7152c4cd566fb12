"""Text that came from outside (file names, header values) made safe to store and to print.

A file name on Linux is any bytes but ``/`` and NUL: Python hands names that are not
UTF-8 over as strings with lone surrogates (``surrogateescape``), which no database
and no UTF-8 output can hold, and a name may contain a newline that would forge a
second line on stderr. :func:`printable` turns such text into one line of valid
UTF-8 that still says what the bytes were.
"""

from __future__ import annotations

__all__ = ["printable"]

_SURROGATE_ESCAPES = range(0xDC80, 0xDD00)  # the bytes 0x80..0xFF that were not UTF-8


def _escape(char: str) -> str:
    code = ord(char)
    if code in _SURROGATE_ESCAPES:
        return f"\\x{code - 0xDC00:02x}"
    return char.encode("unicode_escape", "backslashreplace").decode("ascii")


def printable(text: str) -> str:
    """``text`` with every control character, line separator and lone surrogate escaped.

    A byte that was not UTF-8 shows as ``\\xff``, a newline as ``\\n``, an escape
    character as ``\\x1b``; letters of any script are kept as they are. The result is
    one line and encodes as UTF-8; text that needs no escaping is returned unchanged.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)
