"""Writing to stdout and stderr the way the contract says."""

from __future__ import annotations

import json
import sys
from typing import Any

from bilag.domain.model import Problem


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def report_problem(problem: Problem) -> None:
    """One line per problem on stderr: ``<file>: <reason> [<code>]``."""
    message = " ".join(problem.message.split())
    sys.stderr.write(f"{problem.source}: {message} [{problem.code}]\n")
