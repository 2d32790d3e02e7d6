"""The 2-layer ReLU step selector of Lemma 3, chapter 7 (Arora et al., 2017, section 5), built exactly.

Given breakpoints z_1 < ... < z_q and 0 < delta < min_i (z_{i+1} - z_i), the ramp

    g(z; z_i) = max{0, (z - z_i + delta/2) / delta} - max{0, (z - z_i - delta/2) / delta}

is 0 for z <= z_i - delta/2, 1 for z >= z_i + delta/2 and linear in between (two ReLUs). The selector

    S_1 = 1 - g(z; z_1),   S_i = g(z; z_{i-1}) - g(z; z_i)  (i = 2..q),   S_{q+1} = g(z; z_q)

satisfies the lemma's four properties: (1) sum_i S_i(z) = 1 for every z; (2) S_i = 1 and S_j = 0 (j != i)
on [z_{i-1} + delta/2, z_i - delta/2]; (3) S_1 = 1 for z <= z_1 - delta/2; (4) S_{q+1} = 1 for
z >= z_q + delta/2 (all four hold on the closed intervals). Outside the q open windows
(z_i - delta/2, z_i + delta/2) exactly one component is 1; inside window i only S_i and S_{i+1} are non-zero.

As a network: Linear(1, 2q) -> ReLU -> Linear(2q, q + 1), hidden units 2i and 2i + 1 being the two ReLUs of
g(.; z_{i+1}), weights set from the formula (nothing is trained).

The printed version (``printed_step_selector``) swaps the two ReLUs, f = -g, and keeps the same S with f in
place of g; then S_1 = 1 + g_1 rises to 2, and sum_i S_i = 1 + 2 g_1 - 2 g_q, which is 3 between z_1 and z_q.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


def check_breakpoints(breakpoints, delta: float) -> tuple[np.ndarray, float]:
    """Validate Lemma 3's hypotheses: finite, strictly increasing breakpoints and 0 < delta < smallest gap."""
    z = np.asarray(breakpoints, dtype=np.float64)
    if z.ndim != 1 or z.size == 0:
        raise ValueError(f"breakpoints must be a non-empty 1-D sequence z_1 < ... < z_q, got shape {z.shape}")
    if not np.all(np.isfinite(z)):
        raise ValueError("breakpoints must be finite")
    gaps = np.diff(z)
    if np.any(gaps <= 0):
        i = int(np.argmax(gaps <= 0))
        raise ValueError(f"breakpoints must be strictly increasing (sorted, no repeats): z[{i}] = {z[i]} "
                         f">= z[{i + 1}] = {z[i + 1]}; sort them and drop duplicates")
    delta = float(delta)
    if not (np.isfinite(delta) and delta > 0):
        raise ValueError(f"delta (the window width) must be positive and finite, got {delta}")
    if z.size > 1 and delta >= gaps.min():
        raise ValueError(f"delta = {delta} must be smaller than the smallest gap between breakpoints, "
                         f"{gaps.min()}: the windows would overlap; choose a smaller delta")
    return z, delta


class StepSelector(nn.Sequential):
    """Lemma 3's S: R -> R^(q+1) as Linear -> ReLU -> Linear; z of shape (n,) or (n, 1) -> (n, q + 1)."""

    def __init__(self, breakpoints, delta: float, printed: bool = False, dtype: torch.dtype = torch.float64):
        z, delta = check_breakpoints(breakpoints, delta)
        q = z.size
        super().__init__(nn.Linear(1, 2 * q, dtype=dtype), nn.ReLU(), nn.Linear(2 * q, q + 1, dtype=dtype))
        self.breakpoints, self.delta, self.printed = z, delta, printed
        # hidden unit 2i: (z - z_i + delta/2)/delta, unit 2i+1: (z - z_i - delta/2)/delta (printed: swapped)
        lo, hi = (0.5, -0.5) if not printed else (-0.5, 0.5)
        bias1 = np.empty(2 * q)
        bias1[0::2], bias1[1::2] = lo - z / delta, hi - z / delta
        # ramp_i = h_{2i} - h_{2i+1}: r[i] is the (2q,) row vector that reads it off the hidden layer
        r = np.zeros((q, 2 * q))
        r[np.arange(q), 2 * np.arange(q)], r[np.arange(q), 2 * np.arange(q) + 1] = 1.0, -1.0
        w2 = np.zeros((q + 1, 2 * q))
        w2[0] = -r[0]  # S_1 = 1 - ramp_1
        w2[1:q] = r[:-1] - r[1:]  # S_i = ramp_{i-1} - ramp_i   (printed: ramp_i - ramp_{i-1}, see below)
        w2[q] = r[-1]  # S_{q+1} = ramp_q
        if printed:  # the essay: S_i = f(z; z_i) - f(z; z_{i-1}) for i = 2..q
            w2[1:q] = r[1:] - r[:-1]
        bias2 = np.zeros(q + 1)
        bias2[0] = 1.0
        with torch.no_grad():
            self[0].weight.fill_(1.0 / delta)
            self[0].bias.copy_(torch.as_tensor(bias1))
            self[2].weight.copy_(torch.as_tensor(w2))
            self[2].bias.copy_(torch.as_tensor(bias2))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        z = torch.as_tensor(z, dtype=self[0].weight.dtype, device=self[0].weight.device)
        if z.ndim == 2 and z.shape[1] == 1:
            pass
        elif z.ndim == 1:
            z = z[:, None]  # (n, 1)
        else:
            raise ValueError(f"z must have shape (n,) or (n, 1), got {tuple(z.shape)}")
        return super().forward(z)  # (n, q + 1)


def step_selector(breakpoints, delta: float, dtype: torch.dtype = torch.float64) -> StepSelector:
    """The corrected selector of Lemma 3 for ``breakpoints`` z_1 < ... < z_q and window width ``delta``."""
    return StepSelector(breakpoints, delta, printed=False, dtype=dtype)


def printed_step_selector(breakpoints, delta: float, dtype: torch.dtype = torch.float64) -> StepSelector:
    """The selector exactly as the essay prints it (ramp f = -g, S_i = f_i - f_{i-1}): it fails the lemma."""
    return StepSelector(breakpoints, delta, printed=True, dtype=dtype)


def in_window(z, breakpoints, delta: float) -> np.ndarray:
    """Boolean mask of the z that lie in an open window (z_i - delta/2, z_i + delta/2)."""
    bp, delta = check_breakpoints(breakpoints, delta)
    z = np.asarray(z, dtype=np.float64).reshape(-1)
    return np.any(np.abs(z[:, None] - bp[None, :]) < delta / 2, axis=1)


def selected_index(z, breakpoints) -> np.ndarray:
    """0-based index i of the interval containing z (z_i <= z < z_{i+1}): the component S picks away from windows."""
    return np.searchsorted(np.asarray(breakpoints, dtype=np.float64), np.asarray(z, dtype=np.float64).reshape(-1),
                           side="right")


def rounding_tolerance(z, breakpoints, delta: float) -> float:
    """Float64 error bound for S on inputs z: a few ulps of the largest hidden pre-activation |z - z_i| / delta."""
    bp = np.asarray(breakpoints, dtype=np.float64)
    scale = (np.max(np.abs(np.asarray(z, dtype=np.float64))) + np.max(np.abs(bp))) / delta + 1.0
    return 64 * np.finfo(np.float64).eps * scale
