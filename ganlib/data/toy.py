"""Seeded toy distributions with exact densities: the targets of chapters 2-4.

Each has ``sample(n, seed) -> (n, dim)`` and ``log_prob(x) -> (n,)``; the 1-D ones also have
``cdf`` (for the KS statistic of chapter 4). ``seed`` is an int or a ``torch.Generator``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch

from ganlib.device import Seed, make_generator


def _check_n(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n (the sample size) must be a non-negative int, got {n!r}")
    return n


def _as_points(x: torch.Tensor | float, dim: int) -> torch.Tensor:
    x = torch.as_tensor(x, dtype=torch.get_default_dtype() if not torch.is_tensor(x) else None)
    if dim == 1 and x.ndim <= 1:
        x = x.reshape(-1, 1)
    if x.ndim != 2 or x.shape[1] != dim:
        raise ValueError(f"x must have shape (n, {dim}), got {tuple(x.shape)}")
    return x


@dataclass(frozen=True)
class Normal:
    """N(mean, std^2) on the real line (essay 4.1 uses mean 7, std 0.7)."""

    mean: float = 0.0
    std: float = 1.0
    dim: int = field(default=1, init=False)

    def __post_init__(self) -> None:
        if not self.std > 0:
            raise ValueError(f"std must be positive, got {self.std}")

    def sample(self, n: int, seed: Seed = 0, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        gen = make_generator(seed)
        return self.mean + self.std * torch.randn(_check_n(n), 1, generator=gen, dtype=dtype)

    def log_prob(self, x: torch.Tensor | float) -> torch.Tensor:
        x = _as_points(x, 1)[:, 0]
        return -0.5 * ((x - self.mean) / self.std) ** 2 - math.log(self.std) - 0.5 * math.log(2 * math.pi)

    def cdf(self, x: torch.Tensor | float) -> torch.Tensor:
        x = _as_points(x, 1)[:, 0]
        return 0.5 * (1 + torch.erf((x - self.mean) / (self.std * math.sqrt(2))))


@dataclass(frozen=True)
class Exponential:
    """Exponential distribution parametrised by its mean (rate = 1 / mean); essay 4.1 uses mean 2."""

    mean: float = 1.0
    dim: int = field(default=1, init=False)

    def __post_init__(self) -> None:
        if not self.mean > 0:
            raise ValueError(f"mean must be positive, got {self.mean}")

    def sample(self, n: int, seed: Seed = 0, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        gen = make_generator(seed)
        u = torch.rand(_check_n(n), 1, generator=gen, dtype=dtype)
        return -self.mean * torch.log1p(-u)  # inverse cdf; u < 1 so log1p(-u) is finite

    def log_prob(self, x: torch.Tensor | float) -> torch.Tensor:
        x = _as_points(x, 1)[:, 0]
        lp = -x / self.mean - math.log(self.mean)
        return torch.where(x >= 0, lp, torch.full_like(lp, -math.inf))

    def cdf(self, x: torch.Tensor | float) -> torch.Tensor:
        x = _as_points(x, 1)[:, 0]
        return torch.where(x >= 0, -torch.expm1(-x.clamp(min=0) / self.mean), torch.zeros_like(x))


class GaussianMixture:
    """sum_k w_k N(mu_k, s_k^2 I) in d dimensions, with isotropic components."""

    def __init__(self, means, stds, weights=None) -> None:
        means = torch.as_tensor(means, dtype=torch.float64)
        if means.ndim == 1:
            means = means[:, None]  # K modes on the line: (K, 1)
        if means.ndim != 2 or means.shape[0] == 0:
            raise ValueError(f"means must have shape (K, d) or (K,), got {tuple(means.shape)}")
        k = means.shape[0]
        stds = torch.as_tensor(stds, dtype=torch.float64).expand(k).clone()
        if (stds <= 0).any():
            raise ValueError(f"stds must be positive, got {stds.tolist()}")
        weights = torch.full((k,), 1.0 / k, dtype=torch.float64) if weights is None else \
            torch.as_tensor(weights, dtype=torch.float64)
        if weights.shape != (k,):
            raise ValueError(f"weights must have shape ({k},) to match means, got {tuple(weights.shape)}")
        if (weights < 0).any() or abs(float(weights.sum()) - 1.0) > 1e-6:
            raise ValueError(f"weights must be non-negative and sum to 1, got {weights.tolist()} "
                             f"(sum {float(weights.sum()):.6g}); normalise them first")
        self.means, self.stds, self.weights = means, stds, weights
        self.dim = means.shape[1]

    def sample(self, n: int, seed: Seed = 0, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        gen = make_generator(seed)
        comp = torch.multinomial(self.weights, _check_n(n), replacement=True, generator=gen) if n else \
            torch.zeros(0, dtype=torch.long)
        noise = torch.randn(n, self.dim, generator=gen, dtype=torch.float64)
        x = self.means[comp] + self.stds[comp, None] * noise  # (n, d)
        return x.to(dtype)

    def log_prob(self, x: torch.Tensor | float) -> torch.Tensor:
        x = _as_points(x, self.dim)
        means, stds, w = (t.to(x.dtype) for t in (self.means, self.stds, self.weights))
        sq = torch.cdist(x, means) ** 2  # (n, K)
        log_comp = -0.5 * sq / stds**2 - self.dim * torch.log(stds) - 0.5 * self.dim * math.log(2 * math.pi)
        return torch.logsumexp(log_comp + torch.log(w), dim=1)

    def cdf(self, x: torch.Tensor | float) -> torch.Tensor:
        if self.dim != 1:
            raise ValueError(f"cdf is defined for 1-D mixtures only; this one has dim={self.dim}")
        x = _as_points(x, 1)
        means, stds, w = (t.to(x.dtype) for t in (self.means[:, 0], self.stds, self.weights))
        return (w * 0.5 * (1 + torch.erf((x - means) / (stds * math.sqrt(2))))).sum(dim=1)


def ring_of_gaussians(n_modes: int = 8, radius: float = 2.0, std: float = 0.02) -> GaussianMixture:
    """The 2-D ring of Gaussians used to show mode collapse (Metz et al., 2017)."""
    if n_modes < 1:
        raise ValueError(f"n_modes must be at least 1, got {n_modes}")
    angles = torch.arange(n_modes, dtype=torch.float64) * (2 * math.pi / n_modes)
    means = radius * torch.stack([torch.cos(angles), torch.sin(angles)], dim=1)  # (K, 2)
    return GaussianMixture(means, std)


def grid_of_gaussians(side: int = 5, spacing: float = 2.0, std: float = 0.05) -> GaussianMixture:
    """A side x side grid of Gaussians centred on the origin (the 5x5 grid of the GAN literature)."""
    if side < 1:
        raise ValueError(f"side must be at least 1, got {side}")
    ticks = (torch.arange(side, dtype=torch.float64) - (side - 1) / 2) * spacing
    means = torch.cartesian_prod(ticks, ticks)  # (side*side, 2)
    return GaussianMixture(means, std)
