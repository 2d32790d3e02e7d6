"""The one call at the top of every chapter: seeds, device, quick or full settings, figure style."""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch

from ganlib.device import pick_device, seed_everything

SETTINGS_ENV = "GANLIB_SETTINGS"


@dataclass(frozen=True)
class Session:
    """What a chapter needs to know about where it runs."""

    device: torch.device
    full: bool  # full settings (GPU, or asked for) rather than the quick CPU ones
    seed: int

    def pick(self, quick, full):
        """Return ``full`` under full settings, else ``quick``: ``n = session.pick(2_000, 50_000)``."""
        return full if self.full else quick


def setup(seed: int = 0, settings: str | None = None) -> Session:
    """Seed everything, pick the device and the settings, and print one line saying which.

    ``settings`` is ``"quick"`` (the CI settings), ``"full"``, or None: ``$GANLIB_SETTINGS`` if set,
    else full on CUDA and quick elsewhere.
    """
    settings = settings or os.environ.get(SETTINGS_ENV)
    device = pick_device()
    if settings is None:
        settings = "full" if device.type == "cuda" else "quick"
    if settings not in ("quick", "full"):
        raise ValueError(f"settings must be 'quick' or 'full' (or ${SETTINGS_ENV}), got {settings!r}")
    seed_everything(seed)
    try:
        import matplotlib as mpl

        mpl.rcParams.update({"figure.dpi": 100, "figure.figsize": (6.4, 3.6), "axes.grid": True,
                             "grid.alpha": 0.3, "axes.spines.top": False, "axes.spines.right": False})
    except ImportError:  # plotting is optional for ganlib itself
        pass
    print(f"device: {device.type} | settings: {settings} | seed: {seed}")
    return Session(device=device, full=settings == "full", seed=seed)
