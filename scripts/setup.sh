#!/usr/bin/env bash
# Install ganlib, the book toolchain and the test tools.
# Uses the active virtual environment if there is one, Colab's Python on Colab, else ./.venv.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${VIRTUAL_ENV:-}" ] || [ -n "${COLAB_RELEASE_TAG:-}" ]; then
  PY=python3
else
  [ -x .venv/bin/python ] || python3 -m venv .venv
  PY=.venv/bin/python
fi
pip_install() {  # quiet, minus the warnings this machine's pip configuration prints for every package
  "$PY" -m pip install -q "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}
# The CPU wheel of torch; never an unpinned torch, which would pull the CUDA build.
if ! "$PY" -c "import torch" 2>/dev/null; then
  pip_install torch==2.13.0
fi
pip_install -r requirements.txt
pip_install -e .
# Headless Chromium and its driver for the browser test (scripts/browser_test.py), from Debian's packages.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ] && [ -z "${COLAB_RELEASE_TAG:-}" ]; then
    apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get install -y -q chromium chromium-driver >/dev/null; }
  else
    echo "setup: chromium and chromedriver are not installed; the browser test needs them (apt-get install chromium chromium-driver)" >&2
  fi
fi
"$PY" -m ipykernel install --sys-prefix --name python3 >/dev/null
echo "setup: $("$PY" -c 'import sys, torch, ganlib; print(sys.executable, "torch", torch.__version__, "ganlib", ganlib.__version__)')"
