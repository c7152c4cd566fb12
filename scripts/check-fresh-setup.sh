#!/usr/bin/env bash
# Proves the README's install on a machine whose only Python is Debian's own: runs
# scripts/setup.sh once in a throwaway copy of the checkout (its tracked files), with
# PATH limited to the Debian system directories, so neither pyenv's python3 nor a uv
# installed by hand is found. Then checks what it left: uv in the project-local venv,
# a .venv on Python 3.11 whose `bilag` runs.
#
# CI (.ci/run) runs it before the test suite. Bytecode is not compiled in the copy
# (UV_COMPILE_BYTECODE=0): the copy is thrown away, and the compile is the slow part.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
copy=$(mktemp -d "${TMPDIR:-/tmp}/bilag-fresh-setup.XXXXXX")
trap 'rm -rf "$copy"' EXIT

git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$copy"

start=$(date +%s)
(
  cd "$copy"
  # nothing of the caller's Python set-up leaks in: no pyenv, no active venv
  env -u VIRTUAL_ENV -u PYENV_VERSION -u PYENV_ROOT -u PYENV_DIR -u UV_PYTHON -u PYTHONPATH \
    PATH="$SYSTEM_PATH" UV_COMPILE_BYTECODE=0 bash scripts/setup.sh
)
took=$(($(date +%s) - start))

fail() { echo "check-fresh-setup: $*" >&2; exit 1; }
python3_is=$(PATH="$SYSTEM_PATH" command -v python3 || true)
[ -x "$copy/.venv/bin/bilag" ] || fail "no .venv/bin/bilag after setup"
"$copy/.venv/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
  || fail ".venv is not Python 3.11"
"$copy/.venv/bin/bilag" --version >/dev/null || fail "bilag does not start"
if ! PATH="$SYSTEM_PATH" command -v uv >/dev/null 2>&1; then
  [ -x "$copy/.tools/uv-venv/bin/uv" ] || fail "uv was not put into .tools/uv-venv"
fi
echo "check-fresh-setup: setup.sh with PATH=$SYSTEM_PATH (python3 is ${python3_is:-missing}) ok in ${took}s" >&2
