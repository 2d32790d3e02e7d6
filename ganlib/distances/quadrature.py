"""Quadrature on a uniform 1-D grid and deterministic 'samples' for exact expectations (chapter 2).

The theorems of chapter 2 are statements about integrals; these helpers compute them to ~1e-8 so that a check
can use a tight tolerance, where a Monte Carlo estimate would need a loose one.
"""

from __future__ import annotations

import math

import torch


def uniform_grid(lo: float, hi: float, n: int, dtype: torch.dtype = torch.float64) -> tuple[torch.Tensor, float]:
    """Return the grid x (n,) of n equally spaced points from lo to hi, and its spacing dx."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"n (the number of grid points) must be an int >= 2, got {n!r}")
    if not hi > lo:
        raise ValueError(f"need lo < hi for the grid, got lo={lo}, hi={hi}")
    x = torch.linspace(lo, hi, n, dtype=dtype)
    return x, (hi - lo) / (n - 1)


def density_on_grid(dist, x: torch.Tensor) -> torch.Tensor:
    """exp(dist.log_prob(x)) for a ganlib.data distribution: its density at the grid points, shape (n,)."""
    if not hasattr(dist, "log_prob"):
        raise ValueError(f"dist must have a log_prob method (e.g. ganlib.data.Normal), got {type(dist).__name__}")
    return torch.exp(dist.log_prob(x.reshape(-1, 1)))


def normal_pdf(x: torch.Tensor, mean: torch.Tensor | float, std: torch.Tensor | float) -> torch.Tensor:
    r"""Density of :math:`N(\mu, s^2)` at x, differentiable in mean and std (for parametric generators)."""
    std = torch.as_tensor(std, dtype=x.dtype)
    return torch.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))


def normal_quantile_nodes(n: int, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    r"""The n midpoint quantiles :math:`z_i = \Phi^{-1}((i - 1/2)/n)` of N(0, 1), shape (n, 1).

    ``mean(h(z_i))`` is the midpoint rule for :math:`\int_0^1 h(\Phi^{-1}(u))\,du = \mathbb{E}\,h(Z)`: a
    deterministic stand-in for a sample of noise z that turns a Monte Carlo loss into a quadrature.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    u = (torch.arange(n, dtype=dtype) + 0.5) / n
    return (math.sqrt(2) * torch.erfinv(2 * u - 1)).reshape(n, 1)  # (n, 1)
