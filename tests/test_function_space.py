"""Tests for ganlib.theory.function_space (Theorem 2), ganlib.theory.projection and ganlib.theory.mle_gradient (Theorem 3)."""

from __future__ import annotations

import math

import pytest
import torch

from ganlib.data import GaussianMixture, Normal
from ganlib.distances.divergences import js
from ganlib.theory.function_space import (criterion, function_space_descent, function_space_gradient, parametric_descent,
                                   two_mode_density)
from ganlib.theory.mle_gradient import kl_gradient, mle_loss_gradient
from ganlib.theory.projection import best_gaussian
from ganlib.distances.quadrature import density_on_grid, normal_pdf, uniform_grid

X, DX = uniform_grid(-8, 8, 1601)
P = density_on_grid(GaussianMixture([-2.0, 2.0], 0.5), X)


def test_criterion_is_minus_log4_plus_2js() -> None:
    q = normal_pdf(X, 0.5, 1.5)
    q = q / (q.sum() * DX)  # the grid cuts off 1e-7 of tail mass: renormalise so both sides see one density
    assert float(criterion(q, P, DX)) == pytest.approx(-math.log(4) + 2 * float(js(P, q, dx=DX)), abs=1e-10)


def test_function_space_gradient_is_autograd_gradient() -> None:
    # envelope theorem: d C / d p_G(x) (through D* too) equals log(1 - D*(x)), times dx for a density
    q = normal_pdf(X, 0.5, 1.5).requires_grad_(True)
    (grad,) = torch.autograd.grad(criterion(q, P, DX), q)
    assert torch.allclose(grad / DX, function_space_gradient(q.detach(), P), atol=1e-9)


def test_function_space_descent_converges_monotonically() -> None:
    p_final, hist = function_space_descent(normal_pdf(X, 1.0, 1.0), P, DX, eta=0.2, steps=100)
    assert float((hist[1:] - hist[:-1]).max()) <= 1e-12
    assert float(hist[-1]) == pytest.approx(-math.log(4), abs=1e-6)
    assert js(P, p_final, dx=DX) < 1e-6


def test_parametric_descent_matches_finite_differences_and_gets_stuck() -> None:
    def dens(th):
        return two_mode_density(th, X, 0.5)

    th0 = torch.tensor([1.0, 3.0], dtype=torch.float64)
    thetas, hist = parametric_descent(dens, th0, P, DX, lr=1.0, steps=1)
    eps = 1e-6
    fd = torch.stack([(criterion(dens(th0 + eps * e), P, DX) - criterion(dens(th0 - eps * e), P, DX)) / (2 * eps)
                      for e in torch.eye(2, dtype=torch.float64)])
    assert torch.allclose(thetas[1], th0 - fd, atol=1e-6)
    thetas, hist = parametric_descent(dens, th0, P, DX, lr=1.0, steps=200)
    assert float(hist[-1]) > -math.log(4) + 0.3  # collapsed onto one mode: a spurious local minimum


@pytest.mark.parametrize("pd", [Normal(0.5, 1.0), GaussianMixture([-1.0, 1.5], 0.6)])
def test_mle_gradient_equals_kl_gradient(pd) -> None:
    x, dx = uniform_grid(-15, 15, 6001)
    theta = (0.2, math.log(1.7))
    assert torch.allclose(mle_loss_gradient(pd, theta, n_nodes=5000), kl_gradient(pd, theta, x, dx), rtol=2e-3)
    assert float(mle_loss_gradient(pd, theta, n_nodes=5000, freeze_d=False).abs().max()) < 1e-6


def test_mle_gradient_gaussian_closed_form() -> None:
    m0, s0, mu, s = 0.5, 1.0, -0.3, 1.4
    closed = torch.tensor([(mu - m0) / s**2, 1 - (s0**2 + (m0 - mu) ** 2) / s**2], dtype=torch.float64)
    assert torch.allclose(mle_loss_gradient(Normal(m0, s0), (mu, math.log(s))), closed, rtol=1e-3)


def test_best_gaussian_kl_is_moment_matching() -> None:
    x, dx = uniform_grid(-14, 14, 2801)
    p = density_on_grid(GaussianMixture([-2.0, 2.0], 0.5), x)
    mu, s, _ = best_gaussian("kl", p, x, dx)
    assert mu == pytest.approx(0.0, abs=1e-4) and s == pytest.approx(math.sqrt(4.25), rel=1e-4)
    mu, s, _ = best_gaussian("reverse_kl", p, x, dx)
    assert abs(mu) == pytest.approx(2.0, abs=0.01) and s == pytest.approx(0.5, rel=0.02)
    with pytest.raises(ValueError, match="objective"):
        best_gaussian("hellinger", p, x, dx)


def test_segment_and_generator_gradient() -> None:
    from ganlib.theory.disjoint import Segment, generator_gradient

    pts = Segment(0.3).sample(50, seed=0)
    assert pts.shape == (50, 2) and bool((pts[:, 0] == 0.3).all()) and 0 <= float(pts[:, 1].min())

    class Linear(torch.nn.Module):  # logit l(x, y) = 2 x: minimax loss -mean softplus(2 theta)
        def forward(self, t):
            return 2 * t[:, 0]

    theta = 0.1
    expected = 2 * torch.sigmoid(torch.tensor(2 * theta)).item()  # |d/dtheta softplus(2 theta)|
    assert generator_gradient(Linear(), theta, "minimax") == pytest.approx(expected, rel=1e-5)
    with pytest.raises(ValueError, match="loss"):
        generator_gradient(Linear(), theta, "wasserstein")
