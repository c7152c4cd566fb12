"""Writing to stdout and stderr the way the contract says."""

from __future__ import annotations

import sys
from typing import Any

from bilag.contract.text import json_text
from bilag.domain.model import Problem


def print_json(value: Any) -> None:
    """The whole document as text first, then written at once (why: docs/ehf.md,
    "The whole command")."""
    sys.stdout.write(json_text(value))
    sys.stdout.write("\n")


def report_problem(problem: Problem) -> None:
    """One line per problem on stderr: ``<file>: <reason> [<code>]``."""
    message = " ".join(problem.message.split())
    sys.stderr.write(f"{problem.source}: {message} [{problem.code}]\n")
