#!/usr/bin/env bash
# Execute every notebook (or the ones given) end to end in full settings, the GPU default, on copies in a
# temporary folder: every assertion must pass; the stored (quick) outputs are left alone. Prints each time.
#   bash scripts/run_full.sh                          # all, on the CPU if there is no GPU
#   bash scripts/run_full.sh notebooks/06_*.ipynb
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export PYTHONHASHSEED=0 GANLIB_SETTINGS=full
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r notebooks/. "$tmp/"
paths=()
if [ $# -gt 0 ]; then for p in "$@"; do paths+=("$tmp/$(basename "$p")"); done; else paths=("$tmp"/*.ipynb); fi
start=$SECONDS
"$PY" scripts/execute_notebooks.py "${paths[@]}"
echo "full settings: all passed in $((SECONDS - start)) s"
