#!/usr/bin/env bash
# One command: install everything, then run every test: ganlib's unit tests and strict nbval over notebooks/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
export PYTHONHASHSEED=0 GANLIB_SETTINGS=quick
"$PY" -m pytest tests notebooks --nbval --nbval-current-env \
  --nbval-sanitize-with nbval_sanitize.cfg --nbval-cell-timeout 900 -p no:cacheprovider "$@"
