"""The package's layering, read from the modules' own import statements (every import, local and
TYPE_CHECKING ones included): no module imports a layer above its own, and no module imports itself
through a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "ganlib"

# Which ganlib layers each layer may import (besides itself). The ground floor is device, data and nets.
ALLOWED: dict[str, set[str]] = {
    "__init__": {"device"},
    "device": set(),
    "data": {"device"},
    "nets": {"device"},
    "training": {"device", "data", "nets"},
    "distances": {"device", "data", "nets"},
    "evaluation": {"device", "data", "nets", "distances", "training"},
    "theory": {"device", "data", "nets", "training", "distances", "evaluation"},
    "book": {"device", "data", "nets", "training", "distances", "evaluation", "theory"},
    "cli": {"device", "data", "nets", "training", "distances", "evaluation", "theory", "book"},
    "__main__": {"cli"},
}


def module_name(path: Path) -> str:
    """``ganlib/training/fast.py`` -> ``ganlib.training.fast``; a package's ``__init__`` is the package."""
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    """The layer of a ganlib module: its subpackage, or its own name for top-level modules."""
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def ganlib_imports(source: str, name: str, known: set[str]) -> set[str]:
    """The ganlib modules that ``source`` (module ``name``) imports; ``from pkg import sub`` counts as ``pkg.sub``."""
    out: set[str] = set()
    package = name if (name in known and any(k.startswith(name + ".") for k in known)) else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "ganlib")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.split(".")[0] != "ganlib":
                continue
            for alias in node.names:
                full = f"{base}.{alias.name}"
                out.add(full if full in known else base)
    return out - {name}


def violations(mods: dict[str, str]) -> list[str]:
    """Every import of a layer not allowed from the importer's layer, as readable lines."""
    known = set(mods)
    bad = []
    for name, src in mods.items():
        for target in ganlib_imports(src, name, known):
            src_layer, dst_layer = layer(name), layer(target)
            if src_layer != dst_layer and dst_layer not in ALLOWED.get(src_layer, set()):
                bad.append(f"{name} imports {target}: layer {src_layer!r} may not import {dst_layer!r}")
    return bad


def cycles(mods: dict[str, str]) -> list[list[str]]:
    """Import cycles between modules (a package's ``__init__`` importing its own submodules is not one)."""
    known = set(mods)
    graph = {}
    for name, src in mods.items():
        graph[name] = {t for t in ganlib_imports(src, name, known) if not t.startswith(name + ".")}
    found, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def sources() -> dict[str, str]:
    return {name: path.read_text() for name, path in modules().items()}


def test_every_module_belongs_to_a_known_layer() -> None:
    unknown = sorted({layer(m) for m in modules()} - set(ALLOWED))
    assert not unknown, f"layers with no import rule in tests/test_layout.py: {unknown}"


def test_no_upward_imports() -> None:
    bad = violations(sources())
    assert not bad, "\n".join(bad)


def test_no_import_cycles() -> None:
    found = cycles(sources())
    assert not found, "import cycles: " + "; ".join(" -> ".join(c) for c in found)


@pytest.mark.parametrize("mutation, kind", [
    ("ganlib.data.toy", "from ganlib.training.trainer import Trainer\n"),           # ground floor reaching up
    ("ganlib.distances.divergences", "from ganlib.theory import optimal_d\n"),      # distances importing theory
    ("ganlib.nets.models", "if False:\n    from ganlib.book.notebook import setup\n"),  # hidden in a block
])
def test_the_rule_catches_an_upward_import(mutation: str, kind: str) -> None:
    mods = sources()
    mods[mutation] = kind + mods[mutation]
    assert violations(mods), f"an upward import added to {mutation} went unnoticed"


def test_the_cycle_check_catches_a_cycle() -> None:
    mods = sources()
    mods["ganlib.training.fast"] = "from ganlib.training.trainer import Trainer\n" + mods["ganlib.training.fast"]
    assert cycles(mods), "fast -> trainer -> fast was not reported"
