"""Chapter 5's survey workload: for each method, its runs on the ring and the grid trained as one vmapped loop
vs one by one.

    python benchmarks/survey.py                                   # all 17 methods, 10 seeds x 2 benchmarks
    python benchmarks/survey.py --seeds 20 --steps 50 --methods GAN "unrolled (K=5)" WGAN-GP

The workload is the stored survey's (``scripts/ch5_survey_run.py``): every method of ``METHODS`` on the ring
of 8 Gaussians and the 5x5 grid, ``--seeds`` runs each, so 2 x seeds runs per method; the vectorised path
trains them in one ``torch.func.vmap`` loop (the two mixtures padded to one shape, ``SurveyTrainer.data_tensors``),
the sequential path runs the same pure step (``SurveyTrainer.step``) run after run, so both train the same
runs (tests/test_survey.py). Prints, per method and in total, the seconds of both and their ratio
(sequential / vectorised), measured in the same process, one after the other: CPU time of the process
(``time.process_time``, all threads), which other jobs on a shared machine disturb far less than wall-clock
time, and the wall-clock ratio beside it. ``--threads`` threads (2, the CI machine's cores). Read the ratio,
don't assert it.
"""

from __future__ import annotations

import argparse
import time

import torch

from ganlib.data.toy import grid_of_gaussians, ring_of_gaussians
from ganlib.training.survey import METHODS, Arch, train_survey


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10, help="seeds per benchmark (the stored survey has 10)")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--methods", nargs="+", default=list(METHODS))
    args = ap.parse_args()
    unknown = [m for m in args.methods if m not in METHODS]
    if unknown:
        ap.error(f"unknown methods {unknown}; choose from {list(METHODS)}")
    torch.set_num_threads(args.threads)
    ring, grid = ring_of_gaussians(8, 1.0, 0.01), grid_of_gaussians(5, 2.0, 0.05)
    seeds = list(range(args.seeds)) * 2
    data = [ring] * args.seeds + [grid] * args.seeds
    arch = Arch(g_hidden=args.hidden, d_hidden=args.hidden)
    print(f"{len(args.methods)} methods x {args.seeds} seeds x 2 benchmarks, {args.steps} steps, batch 64, "
          f"hidden {args.hidden}, {args.threads} threads")
    total_vec = total_seq = wall_vec = wall_seq = 0.0
    for name in args.methods:
        kw = dict(steps=args.steps, batch_size=64, arch=arch, n_eval=100)
        train_survey(METHODS[name], data[:2], seeds[:2], **{**kw, "steps": 2})  # warm up
        t, w = time.process_time(), time.perf_counter()
        train_survey(METHODS[name], data, seeds, vectorise=True, **kw)
        vec, wvec = time.process_time() - t, time.perf_counter() - w
        t, w = time.process_time(), time.perf_counter()
        train_survey(METHODS[name], data, seeds, vectorise=False, **kw)
        seq, wseq = time.process_time() - t, time.perf_counter() - w
        total_vec, total_seq, wall_vec, wall_seq = total_vec + vec, total_seq + seq, wall_vec + wvec, wall_seq + wseq
        print(f"{name:26s} CPU: vectorised {vec:7.2f} s  sequential {seq:7.2f} s  ratio {seq / vec:5.1f}x"
              f"  | wall ratio {wseq / wvec:5.1f}x", flush=True)
    print(f"{'all methods':26s} CPU: vectorised {total_vec:7.2f} s  sequential {total_seq:7.2f} s  "
          f"ratio {total_seq / total_vec:5.1f}x  | wall ratio {wall_seq / wall_vec:5.1f}x")


if __name__ == "__main__":
    main()
