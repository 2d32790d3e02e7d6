"""Write the repository address of ``_config.yml`` (``repository.url``) into every place that installs from it:
the Colab cell of every notebook and the copy of that cell in CONTRIBUTING.md.

    .venv/bin/python scripts/set_repository_url.py          # rewrite
    .venv/bin/python scripts/set_repository_url.py --check  # exit 1 if any place disagrees
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
PIP = re.compile(r"install -q git\+(\S+?)(?=\"|\\|\s|$)")


def repository_url() -> str:
    """The one address: ``repository.url`` in ``_config.yml``."""
    return yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].rstrip("/")


def places() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*.ipynb")) + [ROOT / "CONTRIBUTING.md"]


def installed_urls(path: Path) -> list[str]:
    """The addresses the Colab install command of ``path`` uses."""
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        return PIP.findall(code[0].source) if code else []
    return PIP.findall(path.read_text())


def rewrite(path: Path, url: str) -> bool:
    """Point the install command of ``path`` at ``url``; True if the file changed."""
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        cell = next(c for c in nb.cells if c.cell_type == "code")
        new = PIP.sub(f"install -q git+{url}", cell.source)
        if new == cell.source:
            return False
        cell.source = new
        nbformat.write(nb, path)
        return True
    text = path.read_text()
    new = PIP.sub(f"install -q git+{url}", text)
    path.write_text(new)
    return new != text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="report disagreements, change nothing")
    args = ap.parse_args(argv)
    url, bad = repository_url(), 0
    for path in places():
        urls = installed_urls(path)
        if urls != [url]:
            bad += 1
            print(f"{path.relative_to(ROOT)}: installs from {urls or 'nothing'}, _config.yml says {url}")
            if not args.check:
                rewrite(path, url)
    return 1 if (bad and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
