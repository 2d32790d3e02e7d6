"""Static checks on the committed notebooks (strict nbval then re-executes them)."""

import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
COLAB_LINE = 'if "google.colab" in sys.modules:'


def toc_files() -> set[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return {e["file"] for part in toc["parts"] for c in part["chapters"] for e in [c, *c.get("sections", [])]}


def cells(path):
    return json.loads(path.read_text())["cells"]


def test_every_toc_entry_exists():
    for entry in toc_files():
        assert any((ROOT / f"{entry}{ext}").exists() for ext in (".md", ".ipynb")), f"{entry} is in _toc.yml but absent"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_listed_executed_and_clean(path):
    assert f"notebooks/{path.stem}" in toc_files(), f"{path.name} is not in _toc.yml"
    code = [c for c in cells(path) if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert code, "no code cells"
    assert all(c.get("execution_count") is not None for c in code), "unexecuted code cells: run scripts/execute_notebooks.py"
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "cells were executed out of order: re-execute the whole notebook"
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"stored error output: {errors[0].get('ename')}"
    assert COLAB_LINE in "".join(code[0]["source"]), "the first code cell must be the Colab install cell"
    assert "setup(" in "".join(code[1]["source"]), "the second code cell must call ganlib.book.notebook.setup"
    assert any("assert" in "".join(c["source"]) for c in code), "a chapter with no check"
