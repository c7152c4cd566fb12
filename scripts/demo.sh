#!/usr/bin/env bash
# The whole path on sample_documents/ with the embedded defaults (SQLite, local archive):
# learn the sample history, process every sample, show the summary, prove a rerun posts
# nothing twice, list the queue, export SAF-T and show the status of the runs.
set -euo pipefail
cd "$(dirname "$0")/.."
HOME_DIR="${BILAG_DEMO_HOME:-.bilag-demo}"
BILAG=.venv/bin/bilag
rm -rf "$HOME_DIR"
mkdir -p "$HOME_DIR"
cp sample_documents/history/config.toml sample_documents/history/policy.toml "$HOME_DIR/"

echo "== 1. learn the account coding from sample_documents/history/history.csv"
$BILAG learn --home "$HOME_DIR" sample_documents/history/history.csv

echo
echo "== 2. bilag process sample_documents (archive, parse, validate, dedupe, code, rules, post)"
$BILAG process --home "$HOME_DIR" --summary \
    sample_documents/ehf sample_documents/pdf sample_documents/scans sample_documents/email \
    2>"$HOME_DIR/process.err" || true
echo "(inputs that are not invoices, one line each, are in $HOME_DIR/process.err)"

echo
echo "== 3. the same again: nothing is posted twice"
before=$($BILAG export csv --home "$HOME_DIR" | wc -l)
$BILAG process --home "$HOME_DIR" --json \
    sample_documents/ehf sample_documents/pdf sample_documents/scans sample_documents/email \
    >/dev/null 2>&1 || true
after=$($BILAG export csv --home "$HOME_DIR" | wc -l)
echo "posting lines in the ledger before the rerun: $((before - 1)), after: $((after - 1))"

echo
echo "== 4. bilag queue: what waits for a person, and why"
$BILAG queue --home "$HOME_DIR"

echo
echo "== 5. bilag export saft --year 2026"
$BILAG export saft --home "$HOME_DIR" --year 2026 -o "$HOME_DIR/saft-2026.xml"

echo
echo "== 6. bilag status: the runs above, what waits, what failed"
$BILAG status --home "$HOME_DIR" --runs 3
