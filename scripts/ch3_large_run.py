"""The larger chapter 3 run whose results the book's figures show (stored in notebooks/data/ch3_large_run.json).

    PYTHONPATH=. .venv/bin/python scripts/ch3_large_run.py            # CPU: about 10 minutes on 2 cores
    PYTHONPATH=. .venv/bin/python scripts/ch3_large_run.py --device cuda --scale 2   # bigger, on a GPU

The notebooks run the same ganlib.theory.generalisation functions at quick sizes and assert their checks live;
this script only widens the grids (larger d, m, widths and supports).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

import numpy as np
import torch

from ganlib.theory.generalisation import (memorisation_curve, memorising_generator, nn_generalisation_grid,
                                   smoothed_js_grid, w1_sample_grid)

OUT = Path(__file__).resolve().parent.parent / "notebooks" / "data" / "ch3_large_run.json"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--scale", type=int, default=1, help="multiply the largest sizes by this (GPU)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    s = args.scale
    torch.manual_seed(0)
    result = {
        "command": "PYTHONPATH=. python scripts/ch3_large_run.py " + " ".join(argv),
        "torch": torch.__version__, "python": platform.python_version(),
        "w1": w1_sample_grid(ds=[2, 8, 32, 128, 512, 2048], ms=[16, 64, 256, 1024 * s], trials=10, seed=0),
        "smoothed_js": smoothed_js_grid(ds=[4, 16, 64, 256, 512 * s], ms=[16, 64, 256, 1024],
                                        sigmas=[float(v) for v in np.geomspace(0.03, 10.0, 12)],
                                        n_samples=1000 * s, seed=0, device=args.device),
        "nn": nn_generalisation_grid(d=16, hiddens=[1, 4, 16, 32 * s], ms=[32, 128, 512, 2048, 8192 * s],
                                     trials=3, steps=300, seed=0, device=args.device),
        "memorisation": memorisation_curve(d=128, hidden=2, ks=[16, 64, 256, 1024, 4096, 16384 * s],
                                           n_ref=8192 * s, steps=300, seed=0, device=args.device),
        "memorising_generator": memorising_generator(d=128, m=256, repeats=[1, 2, 4, 8, 16], seed=0),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, separators=(",", ":")))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
