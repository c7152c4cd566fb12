#!/usr/bin/env bash
# Runs the main job on sample_documents/ with the embedded defaults (SQLite, local archive).
set -euo pipefail
cd "$(dirname "$0")/.."
HOME_DIR="${BILAG_DEMO_HOME:-.bilag-demo}"
.venv/bin/bilag extract --home "$HOME_DIR" sample_documents || true
