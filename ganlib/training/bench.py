"""Throughput of ganlib's trainer on the MNIST DCGAN (issue 6): what ``python -m ganlib bench`` measures.

The step is the PyTorch DCGAN example's: batch size m, Adam(2e-4, betas (0.5, 0.999)), the GAN discriminator
loss (BCE with logits), the non-saturating generator loss, one D step then one G step on the same fake batch
(``reuse_fake=True``), real batches drawn without replacement in a fresh order each epoch (MNIST t10k).
"""

from __future__ import annotations

import time

import torch

from ganlib.data import mnist_images
from ganlib.nets.models import DCGANDiscriminator, DCGANGenerator
from ganlib.training.trainer import TrainConfig, Trainer

MODELS = ("dcgan",)


class TrainerBench:
    """A DCGAN Trainer that can be timed in slices, so that a benchmark can interleave it with another loop."""

    def __init__(self, model: str = "dcgan", batch_size: int = 64, device: str | None = None, fast: bool = True,
                 log_every: int = 50, seed: int = 0) -> None:
        if model not in MODELS:
            raise ValueError(f"model must be one of {MODELS}, got {model!r}")
        torch.manual_seed(seed)
        G, D = DCGANGenerator(), DCGANDiscriminator()
        config = TrainConfig(batch_size=batch_size, reuse_fake=True, seed=seed, log_every=log_every,
                             progress=False, device=device, fast=fast, steps=0)
        self.trainer = Trainer(G, D, mnist_images("test"), config)

    def run(self, steps: int) -> float:
        """Train ``steps`` more steps; returns steps per second (the device's queued work included)."""
        t = self.trainer
        cuda = t.device.type == "cuda"
        if cuda:
            torch.cuda.synchronize(t.device)
        start = time.perf_counter()
        t.fit(t.step + steps)  # the last step is always recorded: one host sync at the end
        if cuda:
            torch.cuda.synchronize(t.device)
        return steps / (time.perf_counter() - start)


def bench(model: str = "dcgan", steps: int = 50, batch_size: int = 64, device: str | None = None,
          fast: bool = True, warmup: int = 5, log_every: int = 50) -> tuple[float, TrainerBench]:
    """Steps per second of ganlib's trainer after ``warmup`` untimed steps (CUDA graph capture is in them)."""
    if steps < 1 or warmup < 0:
        raise ValueError(f"steps must be >= 1 and warmup >= 0, got steps={steps}, warmup={warmup}")
    b = TrainerBench(model, batch_size, device, fast, log_every)
    if warmup:
        b.run(warmup)
    return b.run(steps), b
