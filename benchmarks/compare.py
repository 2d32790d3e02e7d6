"""Time the PyTorch-example baseline loop and ganlib's trainer in one run, interleaved, and print the ratio.

Both train the same MNIST DCGAN with the same step (see baseline_dcgan.py); each round times ``--steps``
steps of one then of the other, alternating which goes first; the figure to quote is the median over rounds
of (ganlib steps/s) / (baseline steps/s), robust to a noisy machine.

Each loop runs in its own worker process (the two take turns; the idle one waits on a pipe), because ganlib's
CPU path changes process-wide state (malloc's thresholds, ``ganlib.training.allocator``) that a user's own script
would not have. ``--same-process`` runs both in this process instead, so that the baseline gets that setting
too: the ratio then shows what the training step itself gains.

    PYTHONPATH=. python benchmarks/compare.py --device cpu --rounds 7 --steps 30
    PYTHONPATH=. python benchmarks/compare.py --device cuda --rounds 7 --steps 500
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def build(which: str, args: argparse.Namespace):
    """The loop to time: an object whose ``run(steps)`` returns steps per second."""
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    if which == "baseline":
        from baseline_dcgan import BaselineDCGAN
        return BaselineDCGAN(args.batch, args.device)
    from ganlib.training.bench import TrainerBench
    return TrainerBench("dcgan", args.batch, args.device, fast=not args.plain)


def worker(which: str, args: argparse.Namespace) -> None:
    """Serve ``run`` requests on stdin (one step count per line), answering steps/s on stdout."""
    loop = build(which, args)
    loop.run(args.warmup)
    path = getattr(getattr(loop, "trainer", None), "path", "baseline")
    print(f"ready {path} {torch.get_num_threads()}", flush=True)
    for line in sys.stdin:
        print(f"{loop.run(int(line)):.6f}", flush=True)


class Remote:
    """A worker process running one loop."""

    def __init__(self, which: str, argv: list[str]) -> None:
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker", which, *argv],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.ready = self._read().split()  # ["ready", path, threads]

    def _read(self) -> str:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"benchmark worker exited with status {self.proc.wait()}")
        return line.strip()

    def run(self, steps: int) -> float:
        self.proc.stdin.write(f"{steps}\n")
        self.proc.stdin.flush()
        return float(self._read())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=20, help="timed steps per loop per round")
    parser.add_argument("--warmup", type=int, default=5, help="untimed steps of each loop first")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, help="torch CPU threads (default: torch's)")
    parser.add_argument("--plain", action="store_true", help="time ganlib's plain step instead of the fast one")
    parser.add_argument("--same-process", action="store_true", help="run both loops in this process")
    parser.add_argument("--worker", choices=("baseline", "ganlib"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    for name in ("rounds", "steps", "batch"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be >= 1")
    if args.worker:
        return worker(args.worker, args)
    from ganlib.device import pick_device
    try:
        pick_device(args.device)
    except ValueError as exc:
        parser.error(str(exc))
    argv = [a for a in sys.argv[1:] if a != "--same-process"]
    if args.same_process:
        base, ours = build("baseline", args), build("ganlib", args)
        base.run(args.warmup), ours.run(args.warmup)
        path, threads = ours.trainer.path, torch.get_num_threads()
    else:
        base, ours = Remote("baseline", argv), Remote("ganlib", argv)
        path, threads = ours.ready[1], ours.ready[2]
    print(f"{time.strftime('%Y-%m-%d')} torch {torch.__version__} device={args.device} path={path} "
          f"threads={threads} cpu={platform.processor() or platform.machine()} cores={os.cpu_count()} "
          f"batch={args.batch} steps/round={args.steps} processes={'one' if args.same_process else 'two'}")
    ratios = []
    for r in range(args.rounds):
        if r % 2 == 0:
            b, o = base.run(args.steps), ours.run(args.steps)
        else:
            o, b = ours.run(args.steps), base.run(args.steps)
        ratios.append(o / b)
        print(f"round {r + 1}: baseline {b:.3f} steps/s, ganlib {o:.3f} steps/s, ratio {o / b:.3f}", flush=True)
    if not args.same_process:
        base.close(), ours.close()
    print(f"median ratio over {args.rounds} rounds: {statistics.median(ratios):.3f} "
          f"(min {min(ratios):.3f}, max {max(ratios):.3f})")


if __name__ == "__main__":
    main()
