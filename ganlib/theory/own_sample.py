r"""Lemma 1 of chapter 3 (Arora et al., 2017): a Gaussian against its own empirical distribution.

Let :math:`\mu = N(0, \frac1d I_d)` and :math:`\hat\mu = \frac1m\sum_i \delta_{x_i}` for points :math:`x_i` drawn
from :math:`\mu`. The lemma says :math:`\JS(\mu, \hat\mu) = \log 2` and :math:`W_1(\mu, \hat\mu) > 1.1` (for d large
against log m). Both sides are computed here for the realised points, from exact distribution functions:

* JS. :math:`\hat\mu` lives on the finite set S of the :math:`x_i` and :math:`\mu(S) = 0`: the measures are
  mutually singular (their supports are not disjoint, since :math:`\operatorname{supp}\mu = \R^d`). The
  discriminator :math:`D = 1 - \varepsilon` on the union B of the balls of radius :math:`\delta` around the
  :math:`x_i` and :math:`\varepsilon` elsewhere certifies, through
  :math:`2\JS(P, Q) - 2\log 2 \ge \E_P\log D + \E_Q\log(1 - D)` with :math:`P = \hat\mu`, :math:`Q = \mu`,

  .. math:: \JS(\mu,\hat\mu) \ge \log 2 + \tfrac12\big[(2 - u)\log(1-\varepsilon) + u\log\varepsilon\big],
            \qquad u \ge \mu(B),

  (the right side decreases in u, so any upper bound u on :math:`\mu(B)` may be used).
* W1. Every unit of mass of :math:`\mu` travels to some :math:`x_i`, so
  :math:`W_1(\mu,\hat\mu) \ge \E_{y\sim\mu}\min_i\lVert y - x_i\rVert \ge r\,P_y(\min_i\lVert y - x_i\rVert \ge r)
  \ge r\,(1 - \sum_i P_y(\lVert y - x_i\rVert < r))`.

Both use :math:`d\lVert y - x\rVert^2 \sim \chi^2_d(\lambda)`, non-central with :math:`\lambda = d\lVert x\rVert^2`,
for :math:`y \sim \mu` and fixed x (scipy's ``ncx2``), so :math:`u = \sum_i P(\chi^2_d(d\lVert x_i\rVert^2) < d\delta^2)`.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from scipy import stats

from ganlib.device import Seed, make_generator


def _points(x: np.ndarray | torch.Tensor) -> np.ndarray:
    xa = np.asarray(x.detach().cpu() if torch.is_tensor(x) else x, dtype=np.float64)
    if xa.ndim != 2 or len(xa) == 0:
        raise ValueError(f"x must be a non-empty (m, d) sample of N(0, I/d), got shape {xa.shape}")
    return xa


def ball_mass_bound(x: np.ndarray | torch.Tensor, radius: float) -> float:
    r"""Union bound :math:`\sum_i P_{y\sim\mu}(\lVert y - x_i\rVert < r)` on the mass that :math:`\mu` gives the balls."""
    xa = _points(x)
    if not radius > 0:
        raise ValueError(f"radius must be positive, got {radius!r}")
    d = xa.shape[1]
    nc = d * (xa**2).sum(axis=1)  # (m,): non-centrality of d ||y - x_i||^2
    return float(stats.ncx2.cdf(d * radius**2, d, nc).sum())


def js_certificate(x: np.ndarray | torch.Tensor, delta: float, eps: float) -> float:
    r"""Lower bound on :math:`\JS(\mu, \hat\mu)` from the ball discriminator (radius delta, values eps, 1 - eps)."""
    if not 0 < eps < 0.5:
        raise ValueError(f"eps must lie in (0, 1/2) (D = 1 - eps on the balls, eps elsewhere), got {eps!r}")
    u = min(1.0, ball_mass_bound(x, delta))
    return math.log(2) + 0.5 * ((2 - u) * math.log1p(-eps) + u * math.log(eps))


def w1_lower_bound(x: np.ndarray | torch.Tensor, r: float) -> float:
    r""":math:`r\,(1 - \sum_i P(\lVert y - x_i\rVert < r))`, a lower bound on :math:`W_1(\mu,\hat\mu)` (0 if vacuous)."""
    return max(0.0, r * (1.0 - ball_mass_bound(x, r)))


def nearest_distance_mc(x: np.ndarray | torch.Tensor, n: int, seed: Seed) -> tuple[float, float]:
    r"""Monte Carlo :math:`\E_{y\sim\mu}\min_i\lVert y - x_i\rVert` from n fresh points of :math:`\mu`: (mean, std. error)."""
    xa = _points(x)
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"n (the number of fresh points) must be an int >= 2, got {n!r}")
    m, d = xa.shape
    y = (torch.randn(n, d, generator=make_generator(seed), dtype=torch.float64) / math.sqrt(d)).numpy()
    # squared distances by the expansion |y|^2 - 2 y.x + |x|^2, in blocks of 4096 fresh points
    near = np.concatenate([np.sqrt(np.maximum(((yb**2).sum(1)[:, None] - 2 * yb @ xa.T + (xa**2).sum(1)).min(1), 0))
                           for yb in np.array_split(y, max(1, n // 4096))])  # (n,)
    return float(near.mean()), float(near.std(ddof=1) / math.sqrt(n))
