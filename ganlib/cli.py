"""Command line: ``python -m ganlib --help``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

from ganlib.training.checkpoint import save_checkpoint
from ganlib.training.configs import CONFIGS, build
from ganlib.training.trainer import Trainer


def _train(args: argparse.Namespace) -> int:
    overrides = {k: v for k, v in {"steps": args.steps, "batch_size": args.batch, "device": args.device,
                                   "checkpoint_path": args.checkpoint, "checkpoint_every": args.checkpoint_every,
                                   "progress": not args.quiet}.items() if v is not None}
    G, D, data, config = build(args.config, seed=args.seed, **overrides)
    trainer = Trainer(G, D, data, config)
    if args.checkpoint and Path(args.checkpoint).exists() and not args.fresh:
        trainer.resume(args.checkpoint)
        print(f"resumed from {args.checkpoint} at step {trainer.step}")
    trainer.fit()
    h = trainer.history
    print(f"config={args.config} steps={trainer.step} device={trainer.device} "
          f"d_loss={h['d_loss'][-1]:.4f} g_loss={h['g_loss'][-1]:.4f}")
    for kind, key, net, path in (("generator", "G", trainer.G, args.export_generator),
                                 ("discriminator", "D", trainer.D, args.export_discriminator)):
        if path:
            weights = {k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()}  # with batch-norm statistics
            if args.half:
                weights = {k: v.half() if v.is_floating_point() else v for k, v in weights.items()}
            save_checkpoint({"format": f"ganlib-{kind}-v1", "config": args.config, "steps": trainer.step,
                             "seed": args.seed, key: weights}, path)
            print(f"{kind} weights written to {path}")
    return 0


def _bench(args: argparse.Namespace) -> int:
    from ganlib.training.bench import bench

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    rate, b = bench(args.model, args.steps, args.batch, args.device, not args.plain, args.warmup, args.log_every)
    t = b.trainer
    kept = getattr(t._fast_step, "keeps_memory", False)
    print(f"model={args.model} batch={args.batch} device={t.device} path={t.path} malloc_kept={kept} "
          f"threads={torch.get_num_threads()} "
          f"steps={args.steps} warmup={args.warmup} d_loss={t.history['d_loss'][-1]:.4f}")
    print(f"steps_per_s={rate:.4f}")
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ganlib", description="ganlib: the GAN theory book's library")
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train a named configuration (see: train --help)",
                       description="Train a named configuration: " +
                       "; ".join(f"{k}: {v.description}" for k, v in CONFIGS.items()))
    t.add_argument("config", choices=sorted(CONFIGS))
    t.add_argument("--steps", type=int, help="generator updates (default: the configuration's)")
    t.add_argument("--batch", type=int, help="batch size (default: the configuration's)")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--device", help="cpu, cuda or mps (default: the best available)")
    t.add_argument("--checkpoint", help="resumable checkpoint path: resumed from if it exists, written at the end")
    t.add_argument("--checkpoint-every", type=int, help="also write the checkpoint every this many steps")
    t.add_argument("--fresh", action="store_true", help="ignore an existing checkpoint and start over")
    t.add_argument("--export-generator", help="write the generator's weights alone to this path")
    t.add_argument("--export-discriminator", help="write the discriminator's weights alone to this path")
    t.add_argument("--half", action="store_true", help="store exported weights in float16 (half the size)")
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    t.set_defaults(func=_train)
    b = sub.add_parser("bench", help="time ganlib's trainer (see: bench --help)",
                       description="Time ganlib's trainer on the DCGAN example's step (batch, Adam, BCE, "
                                   "non-saturating G loss, fake batch reused); prints steps_per_s=... last.")
    b.add_argument("--model", choices=["dcgan"], default="dcgan")
    b.add_argument("--steps", type=int, default=50, help="timed steps")
    b.add_argument("--batch", type=int, default=64)
    b.add_argument("--device", help="cpu or cuda (default: the best available)")
    b.add_argument("--warmup", type=int, default=5, help="untimed steps first (CUDA graph capture happens there)")
    b.add_argument("--log-every", type=int, default=50, help="record the history every this many steps")
    b.add_argument("--threads", type=int, help="torch CPU threads (default: torch's)")
    b.add_argument("--plain", action="store_true", help="time the plain reference step (fast=False)")
    b.set_defaults(func=_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except ValueError as exc:  # bad input: a clear message, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
