#!/usr/bin/env bash
# Installs everything bilag needs on a fresh Debian machine, then leaves a ready
# virtual environment in .venv. Safe to run again: each step checks first.
#
# uv never goes into the system Python: Debian's /usr/bin/python3 is an "externally
# managed environment" (PEP 668) that refuses `pip install`. A uv already on PATH is
# used as it is; otherwise uv is installed into a project-local venv, .tools/uv-venv,
# made with whatever `python3` is (Debian's own or another 3.11).
set -euo pipefail
cd "$(dirname "$0")/.."

# python3-venv: Debian's python3 makes no venv without it (ensurepip is split out).
APT_PACKAGES=(tesseract-ocr tesseract-ocr-nor tesseract-ocr-eng poppler-utils dovecot-imapd openssl chromium fonts-dejavu-core valgrind python3-venv)
UV_VENV=.tools/uv-venv

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing system packages: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ -x "$UV_VENV/bin/uv" ]; then
  UV="$UV_VENV/bin/uv"
elif command -v uv >/dev/null 2>&1; then
  UV=uv
else
  echo "setup: installing uv into $UV_VENV (not into the system Python)" >&2
  rm -rf "$UV_VENV"
  python3 -m venv "$UV_VENV"
  # the official wheel from PyPI; without a network, from a folder of wheels that holds
  # it (BILAG_WHEELHOUSE: a copy of `pip download uv`)
  if [ -n "${BILAG_WHEELHOUSE:-}" ]; then
    "$UV_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
      --no-index --find-links "$BILAG_WHEELHOUSE" uv
  else
    "$UV_VENV/bin/python" -m pip install --quiet --disable-pip-version-check uv
  fi
  UV="$UV_VENV/bin/uv"
fi

# --locked: a fresh machine gets exactly the versions in uv.lock. Python 3.11 is
# Debian 12's own python3; uv finds it (or another 3.11) on PATH. With UV_OFFLINE=1
# uv installs from its cache alone.
UV_COMPILE_BYTECODE="${UV_COMPILE_BYTECODE:-1}" \
  "$UV" sync --locked --all-extras --quiet --python python3.11
