#!/usr/bin/env bash
# The Colab cell, tested as Colab runs it: a fresh virtual environment holding what Colab preinstalls
# (torch, numpy, scipy, matplotlib, ipykernel, ipywidgets), a kernel in which google.colab is importable,
# the notebook's first cell installing ganlib with its own pip command (pointed at this checkout's
# committed HEAD instead of the published address), then the notebook executed end to end.
#   bash scripts/test_colab.sh [notebooks/01_feedforward.ipynb]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
NB=${1:-notebooks/01_feedforward.ipynb}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
VPY="$tmp/venv/bin/python"
# What Colab preinstalls (torch, numpy, scipy, matplotlib, ipykernel, ipywidgets, ...), taken from the
# project's environment without ganlib: a folder of links to its site-packages, minus ganlib's entries, put
# on the new environment's path by a .pth file (installing them afresh takes minutes of downloads).
source scripts/env.sh
SITE=$("$PY" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
mkdir -p "$tmp/preinstalled"
for entry in "$SITE"/*; do
  case "$(basename "$entry")" in
    ganlib*|__editable__*ganlib*|*.pth|_distutils_hack|distutils-precedence.pth|pip|pip-*|setuptools*) ;;
    *) ln -s "$entry" "$tmp/preinstalled/" ;;
  esac
done
echo "$tmp/preinstalled" > "$("$VPY" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")/colab_preinstalled.pth"
"$VPY" -m ipykernel install --sys-prefix --name python3 >/dev/null
if (cd "$tmp" && "$VPY" -c "import ganlib" 2>/dev/null); then echo "colab test: ganlib importable before the cell ran" >&2; exit 1; fi
# A stand-in google.colab, imported at kernel start as on Colab.
mkdir -p "$tmp/fake/google/colab" "$tmp/ipython/profile_default/startup"
touch "$tmp/fake/google/__init__.py" "$tmp/fake/google/colab/__init__.py"
echo "import google.colab" > "$tmp/ipython/profile_default/startup/00-colab.py"
cp -r notebooks/. "$tmp/notebooks/"
"$VPY" - "$tmp/notebooks/$(basename "$NB")" "$ROOT" <<'PY'
import sys, nbformat
path, root = sys.argv[1], sys.argv[2]

nb = nbformat.read(path, as_version=4)
cell = next(c for c in nb.cells if c.cell_type == "code")
assert 'if "google.colab" in sys.modules:' in cell.source, "the first code cell is not the Colab cell"
assert "install -q git+https://" in cell.source, "the Colab cell does not pip-install from the repository"
head, _, tail = cell.source.partition("git+https://")
cell.source = head + f"git+file://{root}" + tail[tail.index('"'):]  # same command, this checkout
nbformat.write(nb, path)
PY
start=$SECONDS
PYTHONPATH="$tmp/fake" IPYTHONDIR="$tmp/ipython" GANLIB_SETTINGS=quick "$VPY" - "$tmp/notebooks/$(basename "$NB")" <<'PY'
import sys, nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}}).execute()
errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
assert not errors, errors
PY
(cd "$tmp" && "$VPY" -c "import ganlib; assert \"site-packages\" in ganlib.__file__, ganlib.__file__") \
  || { echo "colab test: ganlib was not installed by the Colab cell" >&2; exit 1; }
echo "colab test: $(basename "$NB") ran end to end after its own install cell ($((SECONDS - start)) s)"
