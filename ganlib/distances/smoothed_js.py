r"""Monte Carlo Jensen-Shannon divergence between Gaussian-smoothed empirical measures (chapter 3, Theorem 5).

Smoothing :math:`\hat\mu = \frac1m\sum_i\delta_{x_i}` with :math:`N(0, \frac{\sigma^2}{d} I_d)` (the scaling of
Arora et al., 2017, so that the noise has squared norm about :math:`\sigma^2` in any dimension) gives the mixture
density

.. math:: \rho_1(z) = \frac1m \sum_{i=1}^m (2\pi s^2)^{-d/2} \exp\Big(-\frac{\lVert z - x_i\rVert^2}{2 s^2}\Big),
          \qquad s^2 = \sigma^2/d,

and :math:`\rho_2` likewise from the :math:`y_j`. With the convention of the book,
:math:`\JS(P, Q) = \frac12\KL(P\,\|\,M) + \frac12\KL(Q\,\|\,M)`, :math:`M = \frac12(P+Q)`, in nats (maximum log 2):

.. math:: \JS(\tilde\mu,\tilde\nu) = \frac12\E_{z\sim\tilde\mu}\Big[\log\frac{2\rho_1}{\rho_1+\rho_2}(z)\Big]
          + \frac12\E_{z\sim\tilde\nu}\Big[\log\frac{2\rho_2}{\rho_1+\rho_2}(z)\Big].

Both expectations are estimated with exact samples from the mixtures, and the log-densities are evaluated
exactly with log-sum-exp (the common factor :math:`(2\pi s^2)^{-d/2}` cancels in the ratio and is dropped).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch

from ganlib.device import Seed, make_generator


class MCEstimate(NamedTuple):
    """A Monte Carlo estimate and its standard error."""

    value: float
    stderr: float


def _as_points(x: torch.Tensor, name: str) -> torch.Tensor:
    x = torch.as_tensor(x)
    if x.ndim == 1:
        x = x[:, None]  # (m, 1): points on the line
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty (m, d) tensor of support points, got shape {tuple(x.shape)}")
    return x.to(torch.float64)


def mixture_log_density(z: torch.Tensor, centres: torch.Tensor, s2: float) -> torch.Tensor:
    r"""log of :math:`\frac1m\sum_i\exp(-\lVert z - c_i\rVert^2 / 2s^2)`, shape (n,): the mixture log-density up to
    the constant :math:`-\frac d2\log(2\pi s^2)`, which is the same for every mixture with variance s2."""
    sq = torch.cdist(z, centres, compute_mode="donot_use_mm_for_euclid_dist") ** 2  # (n, m)
    return torch.logsumexp(-sq / (2.0 * s2), dim=1) - math.log(centres.shape[0])


def smoothed_js(x: torch.Tensor, y: torch.Tensor, sigma: float, n_samples: int = 4096,
                seed: Seed = 0, chunk: int = 1024) -> MCEstimate:
    r"""JS between :math:`\hat\mu * N(0,\frac{\sigma^2}{d}I)` and :math:`\hat\nu * N(0,\frac{\sigma^2}{d}I)` (Theorem 5).

    x (m, d) and y (n, d) are the support points (any sizes; device and float64 arithmetic from x). Draws
    ``n_samples`` points from each smoothed measure; returns the estimate in nats and its standard error
    :math:`\frac12\sqrt{\mathrm{Var}_1/n + \mathrm{Var}_2/n}`. Identical point sets give exactly 0.
    """
    xs, ys = _as_points(x, "x"), _as_points(y, "y")
    if xs.shape[1] != ys.shape[1]:
        raise ValueError(f"x and y must live in the same dimension, got d={xs.shape[1]} and d={ys.shape[1]}")
    if not (isinstance(sigma, (int, float)) and sigma > 0 and math.isfinite(sigma)):
        raise ValueError(f"sigma must be a positive number (noise std is sigma/sqrt(d) per coordinate), got {sigma!r}")
    if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < 2:
        raise ValueError(f"n_samples must be an int >= 2 (needed for a standard error), got {n_samples!r}")
    ys = ys.to(xs.device)
    d = xs.shape[1]
    s2 = sigma**2 / d
    gen = make_generator(seed, device=xs.device)
    log2 = math.log(2.0)
    terms = []
    for own, other in ((xs, ys), (ys, xs)):
        values = []
        for start in range(0, n_samples, chunk):
            k = min(chunk, n_samples - start)
            idx = torch.randint(own.shape[0], (k,), generator=gen, device=xs.device)
            z = own[idx] + math.sqrt(s2) * torch.randn(k, d, generator=gen, device=xs.device, dtype=torch.float64)
            l_own, l_other = mixture_log_density(z, own, s2), mixture_log_density(z, other, s2)  # (k,), (k,)
            values.append(log2 + l_own - torch.logaddexp(l_own, l_other))
        terms.append(torch.cat(values))  # (n_samples,)
    value = 0.5 * (terms[0].mean() + terms[1].mean())
    stderr = 0.5 * torch.sqrt(terms[0].var() / n_samples + terms[1].var() / n_samples)
    return MCEstimate(float(value), float(stderr))
