"""Chapter 5's survey workload: N seeds of one method trained as one vmapped loop vs one by one.

    python benchmarks/survey.py --seeds 10 --steps 100 --methods GAN "unrolled (K=5)" WGAN-GP

prints, per method, the seconds of both and their ratio (sequential / vectorised). Both paths run the same pure
step function (``ganlib.training.survey.SurveyTrainer.step``), so they train the same runs (tests/test_survey.py).
Measured on a shared machine the ratio is noisy; it is CPU time (``time.process_time``) on one thread.
"""

from __future__ import annotations

import argparse
import time

import torch

from ganlib.data.toy import ring_of_gaussians
from ganlib.training.survey import METHODS, Arch, train_survey


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--methods", nargs="+", default=["GAN", "PacGAN2", "unrolled (K=5)", "WGAN-GP"])
    args = ap.parse_args()
    torch.set_num_threads(1)
    ring, arch, seeds = ring_of_gaussians(8, 1.0, 0.01), Arch(g_hidden=args.hidden, d_hidden=args.hidden), None
    seeds = list(range(args.seeds))
    for name in args.methods:
        kw = dict(steps=args.steps, batch_size=64, arch=arch, n_eval=100)
        train_survey(METHODS[name], ring, seeds[:1], **{**kw, "steps": 2})  # warm up
        t = time.process_time()
        train_survey(METHODS[name], ring, seeds, vectorise=True, **kw)
        vec = time.process_time() - t
        t = time.process_time()
        train_survey(METHODS[name], ring, seeds, vectorise=False, **kw)
        seq = time.process_time() - t
        print(f"{name:26s} vectorised {vec:7.2f} s  sequential {seq:7.2f} s  ratio {seq / vec:5.1f}x", flush=True)


if __name__ == "__main__":
    main()
