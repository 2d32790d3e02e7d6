"""Drawing from a trained generator: x = G(z), z ~ p_z = N(0, I) (chapters 2 and 4)."""

from __future__ import annotations

import torch
from torch import nn

from ganlib.device import Seed, make_generator


@torch.no_grad()
def sample(G: nn.Module, n: int, seed: Seed = 0, batch: int = 1024) -> torch.Tensor:
    """n samples G(z), z ~ N(0, I) drawn with ``seed`` on the CPU, in eval mode; returned on the CPU.

    Drawing z on the CPU makes the samples of a given seed the same on every device (up to float rounding).
    BatchNorm layers use their running statistics; G's train/eval mode is restored afterwards.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n (number of samples) must be a positive int, got {n!r}")
    if not isinstance(getattr(G, "nz", None), int):
        raise ValueError("G must have an int attribute nz (the latent dimension), as ganlib's generators do")
    device = next(G.parameters()).device
    z = torch.randn(n, G.nz, generator=make_generator(seed))  # (n, nz)
    was_training = G.training
    G.eval()
    try:
        out = torch.cat([G(z[i:i + batch].to(device)).float().cpu() for i in range(0, n, batch)])
    finally:
        G.train(was_training)
    return out
