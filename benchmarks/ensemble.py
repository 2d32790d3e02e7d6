"""N independent MLP GANs: one vectorised fit_ensemble run against N sequential Trainer runs (issue 6).

Same configuration as the toy chapters' MLP GANs (mlp-normal: 1 -> 32 -> 32 -> 1, sigmoid, batch 128,
Adam 1e-3), N seeds. Prints both times and the speed-up; the vectorised run and the sequential ones do the
same work and give the same results (tests/test_ensemble.py).

    PYTHONPATH=. python benchmarks/ensemble.py --runs 64 --steps 100
"""

from __future__ import annotations

import argparse
import time

import torch

from ganlib.data import Normal
from ganlib.training.ensemble import fit_ensemble, sequential_config
from ganlib.nets.models import MLPDiscriminator, MLPGenerator
from ganlib.training.trainer import TrainConfig, Trainer


def models(seed: int) -> tuple[MLPGenerator, MLPDiscriminator]:
    torch.manual_seed(seed)
    return MLPGenerator(1, 1, 32, 2, "sigmoid"), MLPDiscriminator(1, 32, 2, "sigmoid")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=64)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--sequential-runs", type=int, default=8,
                        help="time this many sequential runs and scale to --runs (all of them if equal)")
    parser.add_argument("--threads", type=int, help="torch CPU threads (default: torch's)")
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    config = TrainConfig(steps=args.steps, batch_size=128, lr_d=1e-3, lr_g=1e-3, progress=False, device="cpu",
                         log_every=10)
    data, seeds = Normal(7.0, 0.7), list(range(args.runs))
    fit_ensemble([models(s) for s in seeds[:2]], data, seeds[:2], TrainConfig(steps=2, progress=False))  # warm-up
    start = time.perf_counter()
    fit_ensemble([models(s) for s in seeds], data, seeds, config)
    t_vec = time.perf_counter() - start
    n_seq = min(args.sequential_runs, args.runs)
    start = time.perf_counter()
    for s in seeds[:n_seq]:
        Trainer(*models(s), data, sequential_config(config, s)).fit()
    t_seq = (time.perf_counter() - start) * args.runs / n_seq
    print(f"threads={torch.get_num_threads()} runs={args.runs} steps={args.steps} "
          f"(sequential time from {n_seq} runs, scaled to {args.runs})")
    print(f"vectorised: {t_vec:.2f} s, sequential: {t_seq:.2f} s, speed-up {t_seq / t_vec:.1f}x")


if __name__ == "__main__":
    main()
