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


# --- The output rule and the reader-facing rules (CONTRIBUTING.md), checked on the stored notebooks ---
import re
import sys

sys.path.insert(0, str(ROOT / "scripts"))
from set_repository_url import installed_urls, places, repository_url  # noqa: E402

ROUNDING_NOISE = re.compile(r"\b\d(\.\d+)?e-(0?[7-9]|[1-9]\d)\b")  # 1.3e-08: a float's rounding, not a result
INTERNAL = re.compile(r"\bseeds? ?\(?00\d|\bessay reference|\bthe slides\b|\b[Cc]hapter [1-9][ab]\b|"
                      r"\bPart [1-9][ab]\b|\b[1-9][ab] showed\b", re.I)
DATA_DENSITY = re.compile(r"p_\{?\\?(mathrm\{)?data\}?")  # p_{data}, p_{\mathrm{data}}: write \pdata


def text_outputs(cell) -> str:
    out = []
    for o in cell.get("outputs", []):
        out.append("".join(o.get("text", "")))
        out.append("".join(o.get("data", {}).get("text/plain", "")))
    return "".join(out)


def tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def chapters() -> list[list[str]]:
    """Each chapter of the table of contents as the list of its files (the chapter and its sections)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [[e["file"] for e in [c, *c.get("sections", [])]] for part in toc["parts"] for c in part["chapters"]
            if c["file"].startswith("notebooks/")]


def find_rounding_noise(nb_cells) -> list[str]:
    found = []
    for c in nb_cells:
        if c["cell_type"] != "code" or "nbval-ignore-output" in tags(c):
            continue
        text = text_outputs(c)
        for m in ROUNDING_NOISE.finditer(text):
            before = text[max(0, m.start() - 8):m.start()]
            if not re.search(r"[<≤]|tol|within |\bto $", before):  # a stated tolerance is fine
                found.append(m.group(0))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_rounding_noise_is_printed(path):
    noise = find_rounding_noise(cells(path))
    assert not noise, f"printed at rounding level (print the comparison with its tolerance instead): {noise[:5]}"


def test_the_rounding_noise_rule_can_fail():
    cell = {"cell_type": "code", "metadata": {}, "outputs": [{"output_type": "stream", "text": "max |error| = 1.3e-08\n"}]}
    assert find_rounding_noise([cell]) == ["1.3e-08"]
    cell["outputs"][0]["text"] = "max |error| < 1e-9: True; p = 2.5e-3; tol 1e-12\n"
    assert find_rounding_noise([cell]) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_readers_see_no_internal_names_and_one_notation(path):
    md = [("".join(c["source"])) for c in cells(path) if c["cell_type"] == "markdown"]
    shown = md + [text_outputs(c) for c in cells(path) if c["cell_type"] == "code"]
    internal = [m.group(0) for t in shown for m in INTERNAL.finditer(t)]
    assert not internal, f"internal names a reader must not see (cite the paper, use {{ref}}): {internal[:5]}"
    density = [m.group(0) for t in md for m in DATA_DENSITY.finditer(t)]
    assert not density, f"write the data density as \\pdata: {density[:5]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_is_numbered_and_captioned(path):
    bare = []
    for i, c in enumerate(cells(path)):
        if c["cell_type"] != "code" or "remove-output" in tags(c):
            continue
        if any("image/png" in o.get("data", {}) for o in c.get("outputs", [])):
            fig = c.get("metadata", {}).get("mystnb", {}).get("figure", {})
            if not (fig.get("caption") and fig.get("name")):
                bare.append(i)
    assert not bare, f"cells {bare} show a figure without mystnb.figure caption and name"


@pytest.mark.parametrize("files", chapters(), ids=lambda f: f[0].split("/")[-1])
def test_every_chapter_ends_with_exercises(files):
    md, checked = "", False
    for f in files:
        seen_exercise = False
        for c in cells(ROOT / f"{f}.ipynb"):
            src = "".join(c["source"])
            if c["cell_type"] == "markdown":
                md += src
                seen_exercise |= "{exercise" in src
            elif seen_exercise and "assert" in src:
                checked = True  # a computational exercise whose solution is checked by code
    assert len(re.findall(r"```\{exercise", md)) >= 3, "at least three exercises per chapter"
    assert len(re.findall(r"```\{solution", md)) >= 3, "every exercise with a solution"
    assert checked, "at least one computational exercise whose solution cell asserts its answer"


def test_the_colab_cells_install_from_the_one_repository_address():
    url = repository_url()
    wrong = {str(p.relative_to(ROOT)): installed_urls(p) for p in places() if installed_urls(p) != [url]}
    assert not wrong, f"install from {url} (_config.yml), run scripts/set_repository_url.py: {wrong}"
