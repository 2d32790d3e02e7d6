"""Tests for ganlib.theory.nonsaturating against scipy quadrature and finite differences (Arjovsky and Bottou, Thm 2.5)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from ganlib.data import GaussianMixture, Normal
from ganlib.distances.quadrature import uniform_grid
from ganlib.theory.nonsaturating import (nonsaturating_divergence_gradient, nonsaturating_loss_gradient,
                                         nonsaturating_objective)


def _objective_scipy(mu: float, s: float, m: float, sd: float) -> float:
    """KL(q || p) - 2 JS(q || p) for q = N(mu, s^2), p = N(m, sd^2), by scipy.integrate.quad."""
    p, q = stats.norm(m, sd).pdf, stats.norm(mu, s).pdf

    def integrand(x: float) -> float:
        a, b = q(x), p(x)
        if a <= 0:
            return 0.0
        mid = 0.5 * (a + b)
        js_part = 0.5 * a * math.log(a / mid) + (0.5 * b * math.log(b / mid) if b > 0 else 0.0)
        return a * math.log(a / b) - 2 * js_part

    return integrate.quad(integrand, -12, 12, points=[m, mu], limit=200)[0]


@pytest.mark.parametrize("theta0", [(0.0, math.log(1.5)), (1.2, math.log(0.8))])
def test_both_gradients_match_finite_differences_of_scipy(theta0) -> None:
    data = Normal(0.5, 1.0)
    h = 1e-5
    fd = []
    for i in range(2):
        up, down = list(theta0), list(theta0)
        up[i] += h
        down[i] -= h
        f_up = _objective_scipy(up[0], math.exp(up[1]), 0.5, 1.0)
        f_down = _objective_scipy(down[0], math.exp(down[1]), 0.5, 1.0)
        fd.append((f_up - f_down) / (2 * h))
    fd = np.array(fd)
    x, dx = uniform_grid(-15.0, 15.0, 6001)
    g_div = nonsaturating_divergence_gradient(data, theta0, x, dx).numpy()
    g_loss = nonsaturating_loss_gradient(data, theta0).numpy()
    assert np.allclose(g_div, fd, atol=1e-5)
    assert np.allclose(g_loss, fd, atol=1e-4)


def test_objective_is_zero_at_equality_and_matches_scipy() -> None:
    x, dx = uniform_grid(-15.0, 15.0, 6001)
    p = torch.exp(Normal(0.5, 1.0).log_prob(x))
    assert abs(float(nonsaturating_objective(p, p, dx))) < 1e-12
    q = torch.exp(Normal(1.0, 0.7).log_prob(x))
    assert float(nonsaturating_objective(p, q, dx)) == pytest.approx(_objective_scipy(1.0, 0.7, 0.5, 1.0), abs=1e-7)


def test_mixture_data_and_bad_theta() -> None:
    x, dx = uniform_grid(-15.0, 15.0, 6001)
    data = GaussianMixture([-1.0, 1.5], 0.6)
    g1 = nonsaturating_loss_gradient(data, (0.2, math.log(1.7)))
    g2 = nonsaturating_divergence_gradient(data, (0.2, math.log(1.7)), x, dx)
    assert float((g1 - g2).norm() / g2.norm()) < 1e-3
    with pytest.raises(ValueError, match="theta0"):
        nonsaturating_loss_gradient(data, (0.0,))
