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
time, and the wall-clock ratio beside it. ``--threads`` threads for both paths (1 by default: these ops are
too small for PyTorch to split over threads, and on a busy machine idle worker threads spin and inflate the
CPU time of both paths several-fold). Then, with ``--processes P`` (2 by default, the CI machine's cores), the
vectorised workload as the stored survey runs it on such a machine: the methods dealt out to P worker
processes of one thread each, wall-clock, against the sequential loop's wall-clock total: the machine-level
ratio. The first ratio is what vectorising buys per core; the second also counts the second core, which the
sequential loop of small operations cannot use (two sequential processes could: halve the second ratio for
that comparison). Read the ratios, don't assert them.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time

import torch

from ganlib.data.toy import grid_of_gaussians, ring_of_gaussians
from ganlib.training.survey import METHODS, Arch, train_survey


def _workload(args):
    ring, grid = ring_of_gaussians(8, 1.0, 0.01), grid_of_gaussians(5, 2.0, 0.05)
    seeds = list(range(args.seeds)) * 2
    data = [ring] * args.seeds + [grid] * args.seeds
    kw = dict(steps=args.steps, batch_size=64, arch=Arch(g_hidden=args.hidden, d_hidden=args.hidden), n_eval=100)
    return data, seeds, kw


def _vectorised_share(job) -> float:
    """One worker: its share of the methods, vectorised, one thread (as ``scripts/ch5_survey_run.py``)."""
    names, args = job
    torch.set_num_threads(1)
    data, seeds, kw = _workload(args)
    for name in names:
        train_survey(METHODS[name], data, seeds, vectorise=True, **kw)
    return len(names)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10, help="seeds per benchmark (the stored survey has 10)")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--processes", type=int, default=2, help="worker processes for the machine-level ratio (0: skip)")
    ap.add_argument("--methods", nargs="+", default=list(METHODS))
    args = ap.parse_args()
    unknown = [m for m in args.methods if m not in METHODS]
    if unknown:
        ap.error(f"unknown methods {unknown}; choose from {list(METHODS)}")
    torch.set_num_threads(args.threads)
    data, seeds, kw = _workload(args)
    print(f"{len(args.methods)} methods x {args.seeds} seeds x 2 benchmarks, {args.steps} steps, batch 64, "
          f"hidden {args.hidden}, {args.threads} threads")
    total_vec = total_seq = wall_vec = wall_seq = 0.0
    vec_time: dict[str, float] = {}
    for name in args.methods:
        train_survey(METHODS[name], data[:2], seeds[:2], **{**kw, "steps": 2})  # warm up
        t, w = time.process_time(), time.perf_counter()
        train_survey(METHODS[name], data, seeds, vectorise=True, **kw)
        vec, wvec = time.process_time() - t, time.perf_counter() - w
        vec_time[name] = wvec
        t, w = time.process_time(), time.perf_counter()
        train_survey(METHODS[name], data, seeds, vectorise=False, **kw)
        seq, wseq = time.process_time() - t, time.perf_counter() - w
        total_vec, total_seq, wall_vec, wall_seq = total_vec + vec, total_seq + seq, wall_vec + wvec, wall_seq + wseq
        print(f"{name:26s} CPU: vectorised {vec:7.2f} s  sequential {seq:7.2f} s  ratio {seq / vec:5.1f}x"
              f"  | wall ratio {wseq / wvec:5.1f}x", flush=True)
    print(f"{'all methods':26s} CPU: vectorised {total_vec:7.2f} s  sequential {total_seq:7.2f} s  "
          f"ratio {total_seq / total_vec:5.1f}x  | wall ratio {wall_seq / wall_vec:5.1f}x")
    if args.processes > 0:
        # deal the methods out by their measured vectorised time, longest first, to the least loaded worker
        shares = [[] for _ in range(args.processes)]
        load = [0.0] * args.processes
        for name, t in sorted(vec_time.items(), key=lambda kv: -kv[1]):
            i = load.index(min(load))
            shares[i].append(name)
            load[i] += t
        ctx = mp.get_context("spawn")
        with ctx.Pool(args.processes) as pool:
            pool.map(_vectorised_share, [([args.methods[0]], args)] * args.processes, chunksize=1)  # start the workers
            w = time.perf_counter()
            pool.map(_vectorised_share, [(sh, args) for sh in shares], chunksize=1)
            wall_par = time.perf_counter() - w
        print(f"{'machine level':26s} wall: vectorised on {args.processes} processes {wall_par:7.2f} s, sequential "
              f"loop {wall_seq:7.2f} s: ratio {wall_seq / wall_par:5.1f}x")


if __name__ == "__main__":
    main()
