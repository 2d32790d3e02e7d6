"""Device choice and explicit randomness, shared by every other module."""

from __future__ import annotations

import random

import numpy as np
import torch

Seed = int | torch.Generator


def pick_device(prefer: str | torch.device | None = None) -> torch.device:
    """Return ``prefer`` if given, else the best available device: CUDA, then MPS, then CPU."""
    if prefer is not None:
        device = torch.device(prefer)
        if device.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(f"device={str(prefer)!r} was asked for but CUDA is not available; "
                             "pass device=None to pick the best available device")
        if device.type == "mps" and not (hasattr(torch.backends, "mps") and torch.backends.mps.is_available()):
            raise ValueError(f"device={str(prefer)!r} was asked for but MPS is not available; "
                             "pass device=None to pick the best available device")
        return device
    if torch.cuda.is_available():
        return torch.device("cuda")
    if hasattr(torch.backends, "mps") and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (all devices) so that a notebook run is repeatable."""
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def make_generator(seed: Seed, device: str | torch.device = "cpu") -> torch.Generator:
    """Turn ``seed`` (an int, or an existing generator passed through) into a torch.Generator."""
    if isinstance(seed, torch.Generator):
        return seed
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int or a torch.Generator, got {seed!r}")
    gen = torch.Generator(device=device)
    gen.manual_seed(seed)
    return gen
