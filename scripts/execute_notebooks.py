"""Re-execute notebooks in place so their stored outputs are current (what strict nbval compares against).

    .venv/bin/python scripts/execute_notebooks.py                     # every notebook
    .venv/bin/python scripts/execute_notebooks.py notebooks/01_*.ipynb  # some

Runs with the quick (CPU) settings, the same environment as scripts/test.sh.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def execute(path: Path, timeout: int = 1800) -> float:
    """Execute one notebook in place (cwd = its folder); returns the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ.setdefault("GANLIB_SETTINGS", "quick")
    paths = [Path(a) for a in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        print(f"{path}: executed in {execute(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
