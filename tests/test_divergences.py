"""Tests for ganlib.distances.divergences against independent oracles: scipy, closed forms for Gaussians, brute force."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import stats
from scipy.spatial.distance import jensenshannon

from ganlib.distances.divergences import js, kl, tv, w1_1d, w1_grid


def _random_simplex(rng: np.random.Generator, k: int) -> np.ndarray:
    p = rng.random(k) + 0.01
    return p / p.sum()


def _gauss_grid(mu: float, s: float, x: np.ndarray) -> np.ndarray:
    return stats.norm.pdf(x, mu, s)


X, DX = np.linspace(-20, 20, 8001, retstep=True)


def _kl_gauss(m1: float, s1: float, m2: float, s2: float) -> float:
    return math.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kl_matches_scipy_entropy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p, q = _random_simplex(rng, 7), _random_simplex(rng, 7)
    assert kl(p, q) == pytest.approx(stats.entropy(p, q), rel=1e-12)
    assert kl(p, p) == pytest.approx(0.0, abs=1e-15)


def test_kl_zero_conventions() -> None:
    assert kl([0.5, 0.5, 0.0], [0.25, 0.25, 0.5]) == pytest.approx(math.log(2))
    assert kl([0.5, 0.5], [1.0, 0.0]) == math.inf


@pytest.mark.parametrize("m1,s1,m2,s2", [(0, 1, 1, 1), (0, 1, 0, 2), (-1, 0.5, 2, 1.5)])
def test_kl_densities_on_grid_match_gaussian_closed_form(m1, s1, m2, s2) -> None:
    p, q = _gauss_grid(m1, s1, X), _gauss_grid(m2, s2, X)
    assert kl(p, q, dx=DX) == pytest.approx(_kl_gauss(m1, s1, m2, s2), rel=1e-6)


@pytest.mark.parametrize("seed", [0, 1])
def test_js_half_matches_scipy_jensenshannon(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p, q = _random_simplex(rng, 9), _random_simplex(rng, 9)
    assert js(p, q) == pytest.approx(jensenshannon(p, q) ** 2, rel=1e-10)  # scipy returns sqrt(JS), base e


@pytest.mark.parametrize("pi", [0.1, 0.3, 0.99])
def test_js_pi_equals_entropy_identity(pi: float) -> None:
    # JS_pi = H(M) - pi H(P) - (1 - pi) H(Q): the "information radius" form (Lin, 1991), computed with scipy.
    rng = np.random.default_rng(3)
    p, q = _random_simplex(rng, 6), _random_simplex(rng, 6)
    m = pi * p + (1 - pi) * q
    oracle = stats.entropy(m) - pi * stats.entropy(p) - (1 - pi) * stats.entropy(q)
    assert js(p, q, pi=pi) == pytest.approx(oracle, rel=1e-10)


def test_js_disjoint_supports_is_binary_entropy() -> None:
    p, q = np.array([0.5, 0.5, 0.0, 0.0]), np.array([0.0, 0.0, 0.3, 0.7])
    assert js(p, q) == pytest.approx(math.log(2), rel=1e-12)
    pi = 0.2
    assert js(p, q, pi=pi) == pytest.approx(-pi * math.log(pi) - (1 - pi) * math.log(1 - pi), rel=1e-12)


def test_tv_discrete_and_gaussian_closed_form() -> None:
    rng = np.random.default_rng(4)
    p, q = _random_simplex(rng, 5), _random_simplex(rng, 5)
    brute = max(abs(p[list(a)].sum() - q[list(a)].sum())  # sup over all 2^5 events A
                for a in ([i for i in range(5) if mask >> i & 1] for mask in range(32)))
    assert tv(p, q) == pytest.approx(brute, rel=1e-12)
    delta, s = 1.3, 0.8
    closed = 2 * stats.norm.cdf(delta / (2 * s)) - 1
    assert tv(_gauss_grid(0, s, X), _gauss_grid(delta, s, X), dx=DX) == pytest.approx(closed, abs=1e-5)  # |p - q| has a kink: O(dx^2)


def test_torch_inputs_give_differentiable_tensors() -> None:
    logits = torch.tensor([0.1, -0.3, 0.7], dtype=torch.float64, requires_grad=True)
    q = torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64)
    value = kl(torch.softmax(logits, 0), q)
    assert torch.is_tensor(value) and value.ndim == 0
    value.backward()
    # autograd against a central finite difference
    eps = 1e-6
    for i in range(3):
        e = torch.zeros(3, dtype=torch.float64)
        e[i] = eps
        fd = (kl(torch.softmax(logits.detach() + e, 0), q) - kl(torch.softmax(logits.detach() - e, 0), q)) / (2 * eps)
        assert float(logits.grad[i]) == pytest.approx(float(fd), rel=1e-5, abs=1e-9)


@pytest.mark.parametrize("n,m", [(50, 50), (37, 80), (1, 5)])
def test_w1_1d_matches_scipy(n: int, m: int) -> None:
    rng = np.random.default_rng(n + m)
    x, y = rng.normal(size=n), rng.normal(1.0, 2.0, size=m)
    assert w1_1d(x, y) == pytest.approx(stats.wasserstein_distance(x, y), rel=1e-10)
    assert float(w1_1d(torch.tensor(x)[:, None], torch.tensor(y))) == pytest.approx(
        stats.wasserstein_distance(x, y), rel=1e-10)


def test_w1_1d_brute_force_permutations() -> None:
    # equal sizes: W1 is the best matching, found here by trying all 6! permutations
    from itertools import permutations
    rng = np.random.default_rng(7)
    x, y = rng.normal(size=6), rng.normal(size=6)
    brute = min(np.abs(x - y[list(perm)]).mean() for perm in permutations(range(6)))
    assert w1_1d(x, y) == pytest.approx(brute, rel=1e-12)


def test_w1_grid_gaussian_closed_forms() -> None:
    # equal std: W1 = |mean shift|; equal mean: W1 = |s1 - s2| E|Z| = |s1 - s2| sqrt(2 / pi)
    assert w1_grid(_gauss_grid(0, 1, X), _gauss_grid(1.5, 1, X), dx=DX) == pytest.approx(1.5, rel=1e-6)
    assert w1_grid(_gauss_grid(0, 1, X), _gauss_grid(0, 2, X), dx=DX) == pytest.approx(math.sqrt(2 / math.pi),
                                                                                       rel=1e-5)


def test_w1_grid_matches_scipy_weighted() -> None:
    rng = np.random.default_rng(8)
    grid, dx = np.linspace(0, 1, 11, retstep=True)
    p, q = _random_simplex(rng, 11), _random_simplex(rng, 11)
    oracle = stats.wasserstein_distance(grid, grid, u_weights=p, v_weights=q)
    assert w1_grid(p / dx, q / dx, dx=dx) == pytest.approx(oracle, rel=1e-10)


@pytest.mark.parametrize("call,match", [
    (lambda: kl([0.5, 0.5], [0.2, 0.3, 0.5]), "same shape"),
    (lambda: kl([1.2, -0.2], [0.5, 0.5]), "p has negative"),
    (lambda: js([0.5, 0.5], [0.5, 0.6]), "q must be normalised"),
    (lambda: js([0.5, 0.5], [0.5, 0.5], pi=1.0), "pi must be"),
    (lambda: js([0.5, 0.5], [0.5, 0.5], pi=0.0), "pi must be"),
    (lambda: tv([0.5, float("nan")], [0.5, 0.5]), "non-finite"),
    (lambda: tv([0.5, 0.5], [0.5, 0.5], dx=-1.0), "dx"),
    (lambda: kl(_gauss_grid(0, 1, X), _gauss_grid(1, 1, X)), "normalised"),  # densities without dx
    (lambda: kl([], []), "empty"),
    (lambda: w1_1d(np.zeros((4, 2)), np.zeros(4)), "x must be a 1-D sample"),
    (lambda: w1_1d([0.0, 1.0], []), "y is empty"),
    (lambda: w1_grid(np.ones((2, 2)) / 4, np.ones((2, 2)) / 4, dx=1.0), "1-D"),
])
def test_bad_inputs_raise_value_error(call, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()
