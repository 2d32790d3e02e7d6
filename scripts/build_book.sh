#!/usr/bin/env bash
# One command: install everything, then build the HTML book into _build/html (warnings are errors).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
jb build . -W -n --keep-going
echo "book: $(pwd)/_build/html/index.html"
