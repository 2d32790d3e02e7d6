"""The stored results of the book's MNIST DCGAN run (chapter 4): generator weights, loss curves, sample grids.

A CPU cannot train the DCGAN while the book builds, so the run is done once with ``python -m ganlib train``
and its results are shipped in ``ganlib/assets/checkpoints`` (see the README there):

- ``dcgan_mnist_G.pt``: the final generator, float16 (``--export-generator ... --half``);
- ``dcgan_mnist_D.pt``: the final discriminator, float16 (``--export-discriminator ... --half``);
- ``dcgan_mnist_run.npz``: the training history of the whole run and 64 samples (fixed latents) from the
  generator at several steps, as uint8 images; written by ``python -m ganlib.book.artifacts`` from trainer
  checkpoints taken at those steps.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ganlib.training.checkpoint import load_checkpoint
from ganlib.training.sampling import sample

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "checkpoints"
GENERATOR_PATH = ASSETS / "dcgan_mnist_G.pt"
DISCRIMINATOR_PATH = ASSETS / "dcgan_mnist_D.pt"
RUN_PATH = ASSETS / "dcgan_mnist_run.npz"
SAMPLE_SEED = 1234  # the fixed latents of the stored sample grids


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """Map images in [-1, 1] (tanh outputs, ``mnist_images``) to uint8 pixels 0..255, as MNIST stores them."""
    return ((images.detach().cpu().float().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).numpy()


def from_uint8(pixels: np.ndarray) -> torch.Tensor:
    """Inverse of ``to_uint8`` up to rounding: uint8 pixels to float32 in [-1, 1]."""
    if np.asarray(pixels).dtype != np.uint8:
        raise ValueError(f"pixels must be uint8, got {np.asarray(pixels).dtype}")
    return torch.from_numpy(np.asarray(pixels).astype(np.float32) / 127.5 - 1.0)


def _net_for(config: str, weights: dict[str, torch.Tensor], which: int = 0) -> nn.Module:
    """The configuration's generator (``which=0``) or discriminator (1), with ``weights`` in float32, eval mode."""
    from ganlib.training.configs import CONFIGS  # local import: configs imports the data, which is heavier

    if config not in CONFIGS:
        raise ValueError(f"the checkpoint's config {config!r} is not one of {sorted(CONFIGS)}")
    net = CONFIGS[config].models()[which]
    net.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in weights.items()})
    return net.eval()


def _generator_for(config: str, weights: dict[str, torch.Tensor]) -> nn.Module:
    return _net_for(config, weights, 0)


def _load_net(path: str | os.PathLike, kind: str, device: str | torch.device, config: str) -> tuple[nn.Module, int]:
    key = {"generator": "G", "discriminator": "D"}[kind]
    state = load_checkpoint(path)
    if state.get("format") == f"ganlib-{kind}-v1":
        config, steps = state["config"], int(state["steps"])
    elif state.get("format") == "ganlib-trainer-v1":
        steps = int(state["step"])
    else:
        raise ValueError(f"{path} is neither an exported {kind} nor a trainer checkpoint "
                         f"(format {state.get('format')!r})")
    return _net_for(config, state[key], 0 if key == "G" else 1).to(device), steps


def load_generator(path: str | os.PathLike = GENERATOR_PATH, device: str | torch.device = "cpu",
                   config: str = "dcgan-mnist") -> tuple[nn.Module, int]:
    """Load a generator exported by ``python -m ganlib train --export-generator`` (float16 or 32) or a trainer
    checkpoint; returns (G in eval mode, float32, on ``device``; the number of training steps)."""
    return _load_net(path, "generator", device, config)


def load_discriminator(path: str | os.PathLike = DISCRIMINATOR_PATH, device: str | torch.device = "cpu",
                       config: str = "dcgan-mnist") -> tuple[nn.Module, int]:
    """Load a discriminator (weights and batch-norm statistics) exported by ``--export-discriminator`` or from a
    trainer checkpoint; returns (D in eval mode, float32, on ``device``; the number of training steps)."""
    return _load_net(path, "discriminator", device, config)


def save_run(path: str | os.PathLike, history: dict[str, list[float]], samples: dict[int, torch.Tensor]) -> Path:
    """Write a run's history (float32 arrays) and its sample grids {step: images in [-1, 1]} to a compressed npz."""
    if not samples:
        raise ValueError("samples must hold at least one {step: images} entry")
    steps = sorted(samples)
    shapes = {tuple(samples[s].shape) for s in steps}
    if len(shapes) != 1:
        raise ValueError(f"every step must have the same number and shape of samples, got {sorted(shapes)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {f"history_{k}": np.asarray(v, dtype=np.float32) for k, v in history.items()}
    np.savez_compressed(path, sample_steps=np.asarray(steps, dtype=np.int64),
                        samples=np.stack([to_uint8(samples[s]) for s in steps]), **arrays)
    return path


def load_run(path: str | os.PathLike = RUN_PATH) -> tuple[dict[str, np.ndarray], dict[int, torch.Tensor]]:
    """Read ``save_run``'s file: (history {key: array}, samples {step: float images in [-1, 1]})."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"{path} does not exist; regenerate it as ganlib/assets/checkpoints/README.md says")
    with np.load(path) as f:
        history = {k[len("history_"):]: f[k] for k in f.files if k.startswith("history_")}
        samples = {int(s): from_uint8(img) for s, img in zip(f["sample_steps"], f["samples"])}
    return history, samples


def main(argv: list[str] | None = None) -> int:
    """``python -m ganlib.book.artifacts CKPT... --out RUN.npz``: history of the last checkpoint, samples of each."""
    parser = argparse.ArgumentParser(prog="python -m ganlib.book.artifacts", description=main.__doc__)
    parser.add_argument("checkpoints", nargs="+", help="trainer checkpoints (--checkpoint) of one run, any order")
    parser.add_argument("--out", default=str(RUN_PATH), help=f"npz to write (default: {RUN_PATH})")
    parser.add_argument("--config", default="dcgan-mnist")
    parser.add_argument("--n", type=int, default=64, help="samples per checkpoint")
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED, help="seed of the latents (the same for all)")
    args = parser.parse_args(argv)
    try:
        samples, last = {}, None
        for ckpt in args.checkpoints:
            state = load_checkpoint(ckpt)
            if state.get("format") != "ganlib-trainer-v1":
                raise ValueError(f"{ckpt} is not a trainer checkpoint (python -m ganlib train --checkpoint ...)")
            samples[int(state["step"])] = sample(_generator_for(args.config, state["G"]), args.n, args.seed)
            if last is None or state["step"] > last["step"]:
                last = state
        out = save_run(args.out, last["history"], samples)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out}: history of {len(last['history']['step'])} steps, samples at steps {sorted(samples)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
