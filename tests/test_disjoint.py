"""Tests for ganlib.theory.disjoint: the smoothed path of segment generators against scipy quadrature."""

from __future__ import annotations

import math

import pytest
import torch
from scipy import integrate, stats

from ganlib.distances.quadrature import uniform_grid
from ganlib.theory.disjoint import Segment, smoothed_path_gradients


def _js_scipy(theta: float, sigma: float) -> float:
    p, q = stats.norm(0.0, sigma).pdf, stats.norm(theta, sigma).pdf

    def integrand(x: float) -> float:
        a, b = p(x), q(x)
        m = 0.5 * (a + b)
        return (0.5 * a * math.log(a / m) if a > 0 else 0.0) + (0.5 * b * math.log(b / m) if b > 0 else 0.0)

    return integrate.quad(integrand, -3, 4, points=[0.0, theta], limit=400)[0]


def test_path_values_and_gradients_match_scipy_and_closed_forms() -> None:
    x, dx = uniform_grid(-3.0, 4.0, 7001)
    thetas = torch.tensor([-0.5, 0.3, 1.0], dtype=torch.float64)
    sigma, h = 0.2, 1e-4
    js_v, djs, w1_v, dw1 = smoothed_path_gradients(thetas, sigma, x, dx)
    for i, th in enumerate(thetas.tolist()):
        assert float(js_v[i]) == pytest.approx(_js_scipy(th, sigma), abs=1e-7)
        fd = (_js_scipy(th + h, sigma) - _js_scipy(th - h, sigma)) / (2 * h)
        assert float(djs[i]) == pytest.approx(fd, abs=1e-5)
        assert float(w1_v[i]) == pytest.approx(abs(th), abs=1e-9)  # W1 between translates
        assert float(dw1[i]) == pytest.approx(math.copysign(1.0, th), abs=1e-9)


def test_js_gradient_vanishes_as_the_noise_shrinks() -> None:
    x, dx = uniform_grid(-3.0, 4.0, 7001)
    thetas = torch.tensor([0.5], dtype=torch.float64)
    slopes = [abs(float(smoothed_path_gradients(thetas, s, x, dx)[1][0])) for s in (0.3, 0.1, 0.03)]
    assert slopes[0] > slopes[1] > slopes[2] and slopes[2] < 1e-8


def test_bad_inputs_and_segment_samples() -> None:
    x, dx = uniform_grid(-3.0, 4.0, 71)
    with pytest.raises(ValueError, match="grid spacing"):
        smoothed_path_gradients(torch.tensor([0.5]), 0.05, x, dx)
    with pytest.raises(ValueError, match="sigma"):
        smoothed_path_gradients(torch.tensor([0.5]), 0.0, x, dx)
    pts = Segment(0.3).sample(100, seed=0)
    assert pts.shape == (100, 2) and bool((pts[:, 0] == 0.3).all()) and 0 <= float(pts[:, 1].min()) < 1
