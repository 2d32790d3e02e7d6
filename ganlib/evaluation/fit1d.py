r"""How well a 1-D sample fits a known law: exact-sample Wasserstein-1 and Kolmogorov-Smirnov (chapter 4, essay 4.1).

For a sample :math:`x_1, \dots, x_n` with empirical cdf :math:`F_n` and a law with cdf :math:`F` and quantile
function :math:`Q = F^{-1}`:

- :math:`W_1(F_n, F) = \int_{\mathbb{R}} |F_n(t) - F(t)|\,dt = \int_0^1 |Q_n(u) - Q(u)|\,du` (the 1-D identity of
  Vallender, 1973; see Villani, 2009);
- :math:`\mathrm{KS}(F_n, F) = \sup_t |F_n(t) - F(t)| = \max_i \max\big(\tfrac{i}{n} - F(x_{(i)}),\,
  F(x_{(i)}) - \tfrac{i-1}{n}\big)` for continuous :math:`F`, with :math:`x_{(1)} \le \dots \le x_{(n)}`.

Both are 0 for a perfect fit; W1 is in the units of x, KS is a probability.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch

ArrayFn = Callable[[np.ndarray], np.ndarray]


def _as_sample(x: np.ndarray | torch.Tensor) -> np.ndarray:
    arr = np.asarray(x.detach().cpu() if torch.is_tensor(x) else x, dtype=np.float64)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]  # (n, 1) -> (n,)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"x must be a non-empty 1-D sample of shape (n,) or (n, 1), got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError("x contains NaN or infinite values; a diverged generator cannot be scored")
    return np.sort(arr)


def w1_to_law(x: np.ndarray | torch.Tensor, ppf: ArrayFn, refine: int = 16) -> float:
    r"""Wasserstein-1 distance between the empirical law of ``x`` and the law with quantile function ``ppf``.

    Computes :math:`\int_0^1 |Q_n(u) - Q(u)|\,du` by the midpoint rule on ``refine`` cells inside each of the
    n steps of :math:`Q_n` (on which :math:`Q_n = x_{(i)}` is constant), so the only error is the midpoint error
    of :math:`|x_{(i)} - Q(u)|` on each cell and in the two extreme half-cells: O(1 / (n * refine)) up to the tails.
    """
    xs = _as_sample(x)
    if isinstance(refine, bool) or not isinstance(refine, int) or refine < 1:
        raise ValueError(f"refine must be a positive int, got {refine!r}")
    m = xs.size * refine
    u = (np.arange(m) + 0.5) / m  # midpoints; cell j lies inside step j // refine of Q_n
    q = np.asarray(ppf(u), dtype=np.float64)
    if q.shape != u.shape or not np.isfinite(q).all():
        raise ValueError("ppf must map an array u in (0, 1) to finite quantiles of the same shape")
    return float(np.abs(np.repeat(xs, refine) - q).mean())


def ks_statistic(x: np.ndarray | torch.Tensor, cdf: ArrayFn) -> float:
    r"""Kolmogorov-Smirnov statistic :math:`\sup_t |F_n(t) - F(t)|` of ``x`` against a continuous ``cdf``."""
    xs = _as_sample(x)
    n = xs.size
    f = np.asarray(cdf(xs), dtype=np.float64)
    if f.shape != xs.shape or np.any((f < 0) | (f > 1)):
        raise ValueError("cdf must map an array to probabilities in [0, 1] of the same shape")
    i = np.arange(1, n + 1)
    return float(max((i / n - f).max(), (f - (i - 1) / n).max()))
