#!/usr/bin/env bash
# The whole test suite, plus the static checks: what `make test` and CI run.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/lint-imports --no-cache
export OMP_THREAD_LIMIT=1
exec .venv/bin/pytest -q -p no:cacheprovider "$@"
