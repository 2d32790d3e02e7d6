"""Tests for ganlib.theory.optimal_d and ganlib.distances.quadrature: closed forms, brute force, and a trained discriminator."""

from __future__ import annotations

import math

import pytest
import torch
from scipy import integrate, stats

from ganlib.data import GaussianMixture, Normal
from ganlib.distances.divergences import js, tv
from ganlib.theory.optimal_d import fit_critic, fit_discriminator, optimal_d, pointwise_max_d, value_on_grid
from ganlib.distances.quadrature import density_on_grid, normal_pdf, normal_quantile_nodes, uniform_grid

X, DX = uniform_grid(-12, 12, 4801)
P, Q = density_on_grid(Normal(0.0, 1.0), X), density_on_grid(GaussianMixture([-1.0, 2.0], 0.7), X)


def test_grid_and_densities() -> None:
    assert float(X[1] - X[0]) == pytest.approx(DX) and float(X[-1]) == 12.0
    assert torch.allclose(P, torch.tensor(stats.norm.pdf(X.numpy())), atol=1e-14)
    assert torch.allclose(normal_pdf(X, 1.0, 2.0), torch.tensor(stats.norm.pdf(X.numpy(), 1.0, 2.0)), atol=1e-14)
    z = normal_quantile_nodes(4000)[:, 0]
    assert float((z**2).mean()) == pytest.approx(1.0, abs=2e-3)  # E Z^2 = 1
    with pytest.raises(ValueError, match="n"):
        uniform_grid(0, 1, 1)
    with pytest.raises(ValueError, match="lo < hi"):
        uniform_grid(1, 0, 5)


@pytest.mark.parametrize("phi", ["log", torch.sqrt])
def test_golden_section_matches_brute_force(phi) -> None:
    d = pointwise_max_d(P[::400], Q[::400], phi)
    cand = torch.linspace(1e-6, 1 - 1e-6, 200001, dtype=torch.float64)
    f = torch.log if phi == "log" else phi
    for i in range(len(d)):
        brute = cand[torch.argmax(P[::400][i] * f(cand) + Q[::400][i] * f(1 - cand))]
        assert float(d[i]) == pytest.approx(float(brute), abs=1e-5)


def test_pointwise_max_is_closed_form_and_value_is_js() -> None:
    d_num, d_star = pointwise_max_d(P, Q), optimal_d(P, Q)
    assert float((d_num - d_star).abs().max()) < 1e-6
    c = value_on_grid(d_star, P, Q, DX)
    assert float(c) == pytest.approx(-math.log(4) + 2 * float(js(P, Q, dx=DX)), abs=1e-10)
    oracle = integrate.quad(lambda t: stats.norm.pdf(t) * math.log(0.5), -12, 12)[0] * 2  # p = q: 2 log(1/2)
    assert float(value_on_grid(torch.full_like(P, 0.5), P, P, DX)) == pytest.approx(oracle, abs=1e-8)


def test_identity_phi_with_bounded_d_gives_one_plus_tv() -> None:
    d = pointwise_max_d(P, Q, "identity")
    assert float(value_on_grid(d, P, Q, DX, "identity")) == pytest.approx(1 + float(tv(P, Q, dx=DX)), abs=1e-6)


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="same shape"):
        optimal_d(P, Q[:-1])
    with pytest.raises(ValueError, match="non-negative"):
        optimal_d(-P, Q)
    with pytest.raises(ValueError, match="phi"):
        value_on_grid(optimal_d(P, Q), P, Q, DX, phi="exp")
    with pytest.raises(ValueError, match="steps"):
        fit_discriminator(Normal(), Normal(1.0), steps=0)


def test_trained_discriminator_approaches_optimum() -> None:
    torch.set_num_threads(1)
    model = fit_discriminator(Normal(0.0, 1.0), Normal(1.0, 1.0), steps=400, batch=256, seed=0)
    x = torch.linspace(-1.5, 2.5, 41)
    with torch.no_grad():
        d = torch.sigmoid(model(x[:, None])).double()
    d_star = optimal_d(density_on_grid(Normal(0.0, 1.0), x.double()), density_on_grid(Normal(1.0, 1.0), x.double()))
    assert float((d - d_star).abs().max()) < 0.1


def test_trained_critic_is_close_to_w1() -> None:
    torch.set_num_threads(1)
    f = fit_critic(Normal(0.0, 1.0), Normal(2.0, 1.0), steps=400, batch=256, seed=0)
    x, y = Normal(0.0, 1.0).sample(20000, seed=1), Normal(2.0, 1.0).sample(20000, seed=2)
    with torch.no_grad():
        value = float(f(x).mean() - f(y).mean())
    assert value == pytest.approx(2.0, rel=0.15)  # W1 of a shift is the shift


def test_kinked_phi_is_strictly_concave_increasing_and_leaves_d_at_one_half() -> None:
    from ganlib.theory.optimal_d import kinked_phi

    t = torch.linspace(0.0, 1.0, 2001, dtype=torch.float64)
    f = kinked_phi(t)
    assert bool((f[1:] > f[:-1]).all())  # strictly increasing on [0, 1]
    second = f[2:] - 2 * f[1:-1] + f[:-2]
    assert bool((second < 0).all())  # strictly concave (second differences negative)
    # brute force over D in [0, 1]: argmax of a phi(D) + b phi(1 - D) is 1/2 iff a / 2 <= b <= 2 a
    d = torch.linspace(0.0, 1.0, 20001, dtype=torch.float64)
    for a, b, at_half in [(1.0, 0.6, True), (1.0, 1.9, True), (1.0, 0.45, False), (1.0, 2.2, False)]:
        best = float(d[torch.argmax(a * kinked_phi(d) + b * kinked_phi(1 - d))])
        assert (abs(best - 0.5) < 1e-9) == at_half, (a, b, best)
    p = torch.tensor([1.0, 1.0, 1.0], dtype=torch.float64)
    q = torch.tensor([0.6, 1.0, 1.4], dtype=torch.float64)
    assert torch.allclose(pointwise_max_d(p, q, kinked_phi), torch.full_like(p, 0.5), atol=1e-9)
