#!/usr/bin/env bash
# Installs everything bilag needs on a fresh Debian machine, then leaves a ready
# virtual environment in .venv. Safe to run again: each step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(tesseract-ocr tesseract-ocr-nor tesseract-ocr-eng poppler-utils dovecot-imapd openssl chromium fonts-dejavu-core valgrind)

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

if ! command -v uv >/dev/null 2>&1; then
  echo "setup: installing uv" >&2
  python3 -m pip install --quiet --disable-pip-version-check uv
fi

# --locked: a fresh machine gets exactly the versions in uv.lock.
UV_COMPILE_BYTECODE=1 uv sync --locked --all-extras --quiet --python python3.11
