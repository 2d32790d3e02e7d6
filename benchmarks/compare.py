"""Time the PyTorch-example baseline loop and ganlib's trainer in one run, interleaved, and print the ratio.

Both train the same MNIST DCGAN with the same step (see baseline_dcgan.py); each round times ``--steps``
steps of one then of the other, alternating which goes first; the figure to quote is the median over rounds
of (ganlib steps/s) / (baseline steps/s), robust to a noisy machine.

    PYTHONPATH=. python benchmarks/compare.py --device cpu --rounds 5 --steps 20
    PYTHONPATH=. python benchmarks/compare.py --device cuda --rounds 7 --steps 200
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baseline_dcgan import BaselineDCGAN  # noqa: E402

from ganlib.bench import TrainerBench  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=20, help="timed steps per loop per round")
    parser.add_argument("--warmup", type=int, default=5, help="untimed steps of each loop first")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, help="torch CPU threads (default: torch's)")
    parser.add_argument("--plain", action="store_true", help="time ganlib's plain step instead of the fast one")
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    base = BaselineDCGAN(args.batch, args.device)
    ours = TrainerBench("dcgan", args.batch, args.device, fast=not args.plain)
    print(f"{time.strftime('%Y-%m-%d')} torch {torch.__version__} device={args.device} path={ours.trainer.path} "
          f"threads={torch.get_num_threads()} cpu={platform.processor() or platform.machine()} "
          f"cores={os.cpu_count()} batch={args.batch} steps/round={args.steps}")
    base.run(args.warmup), ours.run(args.warmup)
    ratios = []
    for r in range(args.rounds):
        if r % 2 == 0:
            b, o = base.run(args.steps), ours.run(args.steps)
        else:
            o, b = ours.run(args.steps), base.run(args.steps)
        ratios.append(o / b)
        print(f"round {r + 1}: baseline {b:.3f} steps/s, ganlib {o:.3f} steps/s, ratio {o / b:.3f}", flush=True)
    print(f"median ratio over {args.rounds} rounds: {statistics.median(ratios):.3f} "
          f"(min {min(ratios):.3f}, max {max(ratios):.3f})")


if __name__ == "__main__":
    main()
