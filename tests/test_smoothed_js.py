"""ganlib.distances.smoothed_js against 1-D quadrature and limiting cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from ganlib.distances.smoothed_js import mixture_log_density, smoothed_js


def quadrature_js(x: np.ndarray, y: np.ndarray, sigma: float) -> float:
    """JS between two 1-D Gaussian mixtures (std sigma, d = 1) by adaptive quadrature."""
    def p(t):
        return stats.norm.pdf(t, loc=x, scale=sigma).mean()

    def q(t):
        return stats.norm.pdf(t, loc=y, scale=sigma).mean()

    def integrand(t):
        pt, qt = p(t), q(t)
        mt = 0.5 * (pt + qt)
        out = 0.0
        if pt > 0:
            out += 0.5 * pt * math.log(pt / mt)
        if qt > 0:
            out += 0.5 * qt * math.log(qt / mt)
        return out

    lo, hi = min(x.min(), y.min()) - 12 * sigma, max(x.max(), y.max()) + 12 * sigma
    breaks = np.sort(np.concatenate([x, y]))
    return integrate.quad(integrand, lo, hi, points=breaks, limit=500)[0]


@pytest.mark.parametrize("sigma", [0.3, 1.0, 3.0])
def test_matches_quadrature_in_one_dimension(sigma):
    x, y = np.array([-1.0, 0.2, 1.5]), np.array([-0.5, 0.9])
    exact = quadrature_js(x, y, sigma)
    est = smoothed_js(torch.tensor(x), torch.tensor(y), sigma=sigma, n_samples=40_000, seed=1)
    assert abs(est.value - exact) < 4 * est.stderr + 1e-4
    assert est.stderr < 0.01


def test_identical_sets_give_zero():
    x = torch.randn(10, 5, generator=torch.Generator().manual_seed(0))
    est = smoothed_js(x, x.clone(), sigma=0.7, n_samples=100, seed=0)
    assert est.value == pytest.approx(0.0, abs=1e-12) and est.stderr == pytest.approx(0.0, abs=1e-12)


def test_limits_small_and_large_sigma():
    g = torch.Generator().manual_seed(1)
    x, y = torch.randn(8, 20, generator=g), torch.randn(8, 20, generator=g)
    separated = smoothed_js(x, y, sigma=0.05, n_samples=500, seed=2)
    assert separated.value == pytest.approx(math.log(2), abs=1e-6)
    blurred = smoothed_js(x, y, sigma=200.0, n_samples=2000, seed=3)
    assert blurred.value < 0.01


def test_mixture_log_density_matches_scipy():
    g = torch.Generator().manual_seed(2)
    c, z = torch.randn(4, 3, generator=g, dtype=torch.float64), torch.randn(6, 3, generator=g, dtype=torch.float64)
    s2 = 0.3
    exact = np.log(np.mean([stats.multivariate_normal(ci, s2 * np.eye(3)).pdf(z.numpy()) for ci in c.numpy()], axis=0))
    const = -1.5 * math.log(2 * math.pi * s2)
    assert np.allclose(mixture_log_density(z, c, s2).numpy() + const, exact, atol=1e-10)


def test_seed_reproducible():
    x, y = torch.zeros(1, 2), torch.ones(1, 2)
    assert smoothed_js(x, y, 1.0, 64, seed=5) == smoothed_js(x, y, 1.0, 64, seed=5)


def test_bad_inputs():
    x = torch.zeros(3, 2)
    with pytest.raises(ValueError, match="same dimension"):
        smoothed_js(x, torch.zeros(3, 4), 1.0)
    with pytest.raises(ValueError, match="sigma"):
        smoothed_js(x, x, 0.0)
    with pytest.raises(ValueError, match="non-empty"):
        smoothed_js(torch.zeros(0, 2), x, 1.0)
    with pytest.raises(ValueError, match="n_samples"):
        smoothed_js(x, x, 1.0, n_samples=1)
