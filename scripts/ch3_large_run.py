"""The larger chapter 3 run whose results the book's figures show (stored in notebooks/data/ch3_large_run.json).

    PYTHONPATH=. .venv/bin/python scripts/ch3_large_run.py            # CPU: about 15 minutes on 2 idle cores
    PYTHONPATH=. .venv/bin/python scripts/ch3_large_run.py --device cuda --scale 2   # bigger, on a GPU
    PYTHONPATH=. .venv/bin/python scripts/ch3_large_run.py --parts union_bound corollary1  # recompute two parts,
                                                                   # keep the others already stored

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

from ganlib.theory.generalisation import (memorisation_curve, memorising_generator, min_cross_distance_trials,
                                          nn_generalisation_grid, pair_bound, smoothed_js_grid, w1_sample_grid)
from ganlib.theory.training_generalisation import train_and_measure

UNION_CELLS = [(64, 2), (128, 4), (256, 8), (512, 16), (1024, 32)]  # (d, m) of the union-bound check, chapter 3


def union_bound_run(trials: int, seed: int = 7000, r: float = 1.2) -> dict:
    """Frequency of min cross distance < r over many trials, next to the two bounds of Theorem 4."""
    rows = []
    for d, m in UNION_CELLS:
        mins = min_cross_distance_trials(d, m, trials, seed=seed)
        rows.append({"d": d, "m": m, "freq": float((mins < r).mean()), **pair_bound(d, m, r)})
    return {"trials": trials, "r": r, "cells": rows}

OUT = Path(__file__).resolve().parent.parent / "notebooks" / "data" / "ch3_large_run.json"


def corollary1_run(m: int, steps: int, repeats: int, seed: int = 1, shown: int = 3) -> dict:
    """The training run of Corollary 1; keeps every repeat's largest gap and the curves of the first few."""
    run = train_and_measure(m=m, steps=steps, repeats=repeats, seed=seed)
    out = {k: v for k, v in run.items() if not isinstance(v, list)}
    out.update({k: run[k][:shown] for k in ("true", "empirical")})
    out["max_gap"] = [max(g) for g in run["gap"]]
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--scale", type=int, default=1, help="multiply the largest sizes by this (GPU)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--parts", nargs="*", default=None,
                        help="recompute only these parts and keep the others stored in --out")
    args = parser.parse_args(argv)
    s = args.scale
    torch.manual_seed(0)
    parts = {
        "w1": lambda: w1_sample_grid(ds=[2, 8, 32, 128, 512, 2048], ms=[16, 64, 256, 1024 * s], trials=10, seed=0),
        "smoothed_js": lambda: smoothed_js_grid(ds=[4, 16, 64, 256, 512 * s], ms=[16, 64, 256, 1024],
                                                sigmas=[float(v) for v in np.geomspace(0.03, 10.0, 12)],
                                                n_samples=1000 * s, seed=0, device=args.device),
        "nn": lambda: nn_generalisation_grid(d=16, hiddens=[1, 4, 16, 32 * s], ms=[32, 128, 512, 2048, 8192 * s],
                                             trials=3, steps=300, seed=0, device=args.device),
        "memorisation": lambda: memorisation_curve(d=128, hidden=2, ks=[16, 64, 256, 1024, 4096, 16384 * s],
                                                   n_ref=8192 * s, steps=300, seed=0, device=args.device),
        "memorising_generator": lambda: memorising_generator(d=128, m=256, repeats=[1, 2, 4, 8, 16], seed=0),
        "union_bound": lambda: union_bound_run(trials=20_000 * s),
        "corollary1": lambda: corollary1_run(m=1024, steps=200, repeats=100 * s),
    }
    wanted = list(parts) if args.parts is None else args.parts
    unknown = sorted(set(wanted) - set(parts))
    if unknown:
        parser.error(f"unknown parts {unknown}; choose from {sorted(parts)}")
    result = json.loads(args.out.read_text()) if args.parts is not None and args.out.exists() else {}
    for name in wanted:
        print(f"computing {name} ...", flush=True)
        result[name] = parts[name]()
    result.update({"command": "PYTHONPATH=. python scripts/ch3_large_run.py",
                   "torch": torch.__version__, "python": platform.python_version()})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, separators=(",", ":")))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
