"""``bilag history ID``: everything that happened to a document (see :mod:`bilag.cli.show_cmd`)."""

from __future__ import annotations

from bilag.cli.show_cmd import register_history as register
from bilag.cli.show_cmd import run_history as run

__all__ = ["register", "run"]
