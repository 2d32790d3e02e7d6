"""Tests for ganlib.theory.two_gaussians and interval_dynamics against quadrature, finite differences, brute force."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats
from scipy.optimize import isotonic_regression

from ganlib.theory.interval_dynamics import (clipped_optimal_intervals, clopper_pearson, first_order_dynamics,
                                             optimal_discriminator_dynamics, project_ordered, sample_problems)
from scipy import optimize

from ganlib.theory.two_gaussians import (best_two_intervals, density_difference, density_difference_derivatives,
                                         density_difference_zeros, grid_zeros, loss, loss_grad, tv_distance,
                                         tv_quadrature)

RNG = np.random.default_rng(1)
PAIRS = [(RNG.uniform(-3, 3, 2), RNG.uniform(-3, 3, 2)) for _ in range(25)] + [
    (np.array([0.0, 3.0]), np.array([1.0, 2.0])),  # generator inside the data: two zeros
    (np.array([-1.5, 1.5]), np.array([-0.5, 2.5])),  # interleaved means: three zeros
    (np.array([-1.0, 1.0]), np.array([0.4, 0.4])),  # collapsed generator
    (np.array([0.0, 3.0]), np.array([0.0, 3.0])),  # identical: F = 0
    (np.array([0.0, 3.0]), np.array([3.0, 0.0])),  # the same mixture, means swapped
    (np.array([0.0, 3.0]), np.array([1e-6, 3.0])),  # nearly identical
    (np.array([-2.0, 2.0]), np.array([-2.0, 2.5])),  # one mean shared
]


def _mass_quad(mu, a, b):
    pdf = lambda x: 0.5 * (stats.norm.pdf(x, mu[0]) + stats.norm.pdf(x, mu[1]))
    return integrate.quad(pdf, a, b, epsabs=1e-14, epsrel=1e-13)[0]


def test_closed_form_loss_matches_quadrature() -> None:
    for _ in range(10):
        mu, mu_star = RNG.uniform(-2, 2, 2), RNG.uniform(-2, 2, 2)
        e = np.sort(RNG.uniform(-4, 4, 4))
        l, r = e[[0, 2]], e[[1, 3]]
        quad = 1.0 + sum(_mass_quad(mu_star, l[j], r[j]) - _mass_quad(mu, l[j], r[j]) for j in range(2))
        assert loss(mu, l, r, mu_star) == pytest.approx(quad, abs=1e-11)


def test_gradients_match_finite_differences() -> None:
    mu, mu_star = RNG.uniform(-2, 2, (5, 2)), RNG.uniform(-2, 2, (5, 2))
    e = np.sort(RNG.uniform(-4, 4, (5, 4)), 1)
    l, r = e[:, [0, 2]], e[:, [1, 3]]
    grads = loss_grad(mu, l, r, mu_star)
    eps = 1e-6
    for which, g in enumerate(grads):
        for k in range(2):
            args = [mu.copy(), l.copy(), r.copy()]
            args[which][:, k] += eps
            up = loss(*args, mu_star)
            args[which][:, k] -= 2 * eps
            down = loss(*args, mu_star)
            assert np.allclose(g[:, k], (up - down) / (2 * eps), atol=1e-8)


@pytest.mark.parametrize("mu_star,mu", PAIRS)
def test_zeros_are_zeros_and_every_grid_sign_change_is_found(mu_star, mu) -> None:
    z = density_difference_zeros(mu_star, mu)
    found = z[~np.isnan(z)]
    assert len(found) <= 3
    scale = density_difference(np.linspace(-8, 8, 33), mu_star, np.array([50.0, 50.0])).max()
    for x in found:  # a zero, and a sign change across it
        assert abs(density_difference(np.array([x]), mu_star, mu)[0]) < 1e-12 * scale
    xs = np.linspace(-15, 15, 300_001)  # grid spacing 1e-4
    fx = density_difference(xs, mu_star, mu)
    changes = xs[:-1][fx[:-1] * fx[1:] < 0]
    assert len(changes) <= len(found)
    for c in changes:
        assert np.abs(found - c).min() < 2e-4


def test_derivatives_match_finite_differences() -> None:
    mu_star, mu = np.array([-1.0, 1.2]), np.array([0.3, 2.0])
    f = lambda x, m=mu: density_difference(np.array([x]), mu_star, m)[0]
    for x in (-2.0, 0.37, 1.9):
        d1, d2, dmu = density_difference_derivatives(x, mu_star, mu)
        eps = 1e-5
        assert d1 == pytest.approx((f(x + eps) - f(x - eps)) / (2 * eps), abs=1e-9)
        assert d2 == pytest.approx((f(x + 1e-4) - 2 * f(x) + f(x - 1e-4)) / 1e-8, abs=1e-6)
        for i in range(2):
            e = eps * np.eye(2)[i]
            assert dmu[i] == pytest.approx((f(x, mu + e) - f(x, mu - e)) / (2 * eps), abs=1e-9)


def _fold(a: float = 2.5):
    """mu* = (-1.5, 1.5), mu = (m, a): the (x_c, m_c) where F has a double root, from F = F' = 0 (fsolve)."""
    mu_star = np.array([-1.5, 1.5])

    def eqs(p):
        mu = np.array([p[1], a])
        return [density_difference(np.array([p[0]]), mu_star, mu)[0], density_difference_derivatives(p[0], mu_star, mu)[0]]

    x_c, m_c = optimize.fsolve(eqs, [1.4, 0.16], xtol=1e-12)
    return mu_star, x_c, m_c


def test_zeros_near_a_double_root() -> None:
    """Two zeros a distance ~sqrt(eps) apart: found, accurate (brentq), with the fold's square-root law; the
    refined grid oracle counts them, a plain grid of spacing 1e-3 does not once they are closer than that."""
    mu_star, x_c, m_c = _fold()
    d1, d2, dmu = density_difference_derivatives(x_c, mu_star, np.array([m_c, 2.5]))
    law = 2 * np.sqrt(2 * abs(dmu[0]) / abs(d2))  # F ~ F_m (m - m_c) + F_xx (x - x_c)^2 / 2
    xs = np.linspace(-15, 15, 30_001)
    for k in range(2, 10):
        eps = 10.0**-k
        below, above = np.array([m_c - eps, 2.5]), np.array([m_c + eps, 2.5])
        z = density_difference_zeros(mu_star, below)
        assert (~np.isnan(z)).sum() == 3 and (~np.isnan(density_difference_zeros(mu_star, above))).sum() == 1
        f = lambda x: density_difference(np.array([x]), mu_star, below)[0]
        half = law * np.sqrt(eps)
        ref = [optimize.brentq(f, x_c - 2 * half, x_c, xtol=1e-15), optimize.brentq(f, x_c, x_c + 2 * half, xtol=1e-15)]
        assert np.allclose(z[1:], ref, atol=1e-11)
        if k <= 8:
            assert (z[2] - z[1]) / np.sqrt(eps) == pytest.approx(law, rel=3 * np.sqrt(eps) + 1e-6)
        assert grid_zeros(mu_star, below, xs)[0] == 3 and grid_zeros(mu_star, above, xs)[0] == 1
        fx = density_difference(xs, mu_star, below)
        plain = int((fx[:-1] * fx[1:] < 0).sum())
        assert plain == (3 if k <= 7 else 1)  # k >= 8: the pair is 2e-4 apart or less, between two grid points


def test_grid_zeros_bad_inputs() -> None:
    with pytest.raises(ValueError, match="one pair"):
        grid_zeros(np.zeros((2, 2)), np.zeros(2), np.linspace(0, 1, 5))
    with pytest.raises(ValueError, match="xs must"):
        grid_zeros(np.zeros(2), np.ones(2), np.array([0.0, 2.0, 1.0]))
    count, where = grid_zeros(np.array([-1.5, 1.5]), np.array([-0.5, 2.5]), np.linspace(-15, 15, 3001))
    assert count == 3 and np.allclose(where, density_difference_zeros(np.array([-1.5, 1.5]), np.array([-0.5, 2.5])),
                                      atol=1e-2)


def test_zero_count_obeys_descartes_rule_of_signs() -> None:
    for _ in range(300):
        mu_star, mu = RNG.uniform(-3, 3, 2), RNG.uniform(-3, 3, 2)
        lam = np.concatenate([mu_star, mu])
        signs = np.array([1, 1, -1, -1])[np.argsort(lam)]
        changes = int((signs[:-1] != signs[1:]).sum())
        assert (~np.isnan(density_difference_zeros(mu_star, mu))).sum() <= changes


@pytest.mark.parametrize("mu_star,mu", PAIRS)
def test_best_two_intervals_value_is_tv_by_quadrature(mu_star, mu) -> None:
    l, r, value = best_two_intervals(mu, mu_star)
    assert np.all(l <= r) and r[0] <= l[1]
    assert value == pytest.approx(tv_quadrature(mu, mu_star), abs=1e-10)
    assert tv_distance(mu_star, mu) == pytest.approx(value, abs=1e-12)  # max_A P(A) - Q(A) is symmetric


def test_no_random_discriminator_beats_the_best() -> None:
    mu, mu_star = np.array([-0.5, 0.2]), np.array([-1.5, 1.0])
    best = best_two_intervals(mu, mu_star)[2]
    e = np.sort(RNG.uniform(-5, 5, (20_000, 4)), 1)
    vals = loss(mu, e[:, [0, 2]], e[:, [1, 3]], mu_star) - 1
    assert vals.max() <= best + 1e-12 and vals.max() > best - 1e-2


def test_vectorised_equals_one_at_a_time() -> None:
    mu, mu_star = RNG.uniform(-3, 3, (7, 2)), RNG.uniform(-3, 3, (7, 2))
    batch = best_two_intervals(mu, mu_star)[2]
    assert np.allclose(batch, [best_two_intervals(mu[i], mu_star[i])[2] for i in range(7)], atol=1e-15)


def test_bad_inputs_raise() -> None:
    with pytest.raises(ValueError, match="mu"):
        best_two_intervals(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="mu_star"):
        density_difference_zeros(np.array([np.nan, 0.0]), np.zeros(2))
    with pytest.raises(ValueError, match="l"):
        loss(np.zeros(2), np.zeros(3), np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match="one pair"):
        tv_quadrature(np.zeros((2, 2)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="mu_star"):
        best_two_intervals(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="mu_star and mu must broadcast"):
        best_two_intervals(np.zeros((5, 2)), np.zeros((3, 2)))


# --- interval_dynamics ---

def test_projection_is_isotonic_regression() -> None:
    e = RNG.normal(size=(200, 4))
    ours = project_ordered(e)
    for i in range(200):
        assert np.allclose(ours[i], isotonic_regression(e[i]).x, atol=1e-12)
    with pytest.raises(ValueError, match="e must"):
        project_ordered(np.zeros((3, 3)))


def test_optimal_dynamics_is_gradient_descent_on_tv() -> None:
    """Danskin: the gradient against the best discriminator is the gradient of TV (finite differences, quadrature)."""
    mu_star, mu0 = np.array([[-1.0, 1.2]]), np.array([[-0.3, 2.0]])
    runs = optimal_discriminator_dynamics(mu_star, mu0, eta=0.5, steps=1)
    eps = 1e-5
    fd = [(tv_quadrature(mu0[0] + eps * np.eye(2)[k], mu_star[0]) - tv_quadrature(mu0[0] - eps * np.eye(2)[k], mu_star[0]))
          / (2 * eps) for k in range(2)]
    assert np.allclose((mu0[0] - runs.mu[1, 0]) / 0.5, fd, atol=1e-7)
    assert runs.tv[1, 0] < runs.tv[0, 0]


def test_first_order_step_follows_the_formulas() -> None:
    mu_star, mu0 = np.array([[-1.0, 1.2]]), np.array([[-0.3, 2.0]])
    l0, r0 = np.array([[-3.0, 0.5]]), np.array([[0.0, 3.0]])
    runs, l1, r1 = first_order_dynamics(mu_star, mu0, l0, r0, eta_g=0.1, eta_d=0.2, steps=1)
    d_mu, d_l, d_r = loss_grad(mu0, l0, r0, mu_star)
    assert np.allclose(runs.mu[1], mu0 - 0.1 * d_mu, atol=1e-15)
    assert np.allclose(l1, l0 + 0.2 * d_l, atol=1e-15) and np.allclose(r1, r0 + 0.2 * d_r, atol=1e-15)
    with pytest.raises(ValueError, match="finite"):
        first_order_dynamics(mu_star, mu0, np.array([[-np.inf, 0.5]]), r0, 0.1, 0.1, 1)
    with pytest.raises(ValueError, match="eta_g"):
        first_order_dynamics(mu_star, mu0, l0, r0, -0.1, 0.1, 1)
    with pytest.raises(ValueError, match="eta_d"):
        first_order_dynamics(mu_star, mu0, l0, r0, 0.1, 0.0, 1)
    with pytest.raises(ValueError, match="l0"):
        first_order_dynamics(mu_star, mu0, np.zeros(3), r0, 0.1, 0.1, 1)
    with pytest.raises(ValueError, match="eta"):
        optimal_discriminator_dynamics(mu_star, mu0, -1.0, 1)


def test_sample_problems_and_clipped_start() -> None:
    mu_star, mu0 = sample_problems(500, box=2.0, separation=0.5, seed=3)
    for m in (mu_star, mu0):
        assert m.shape == (500, 2) and np.all(np.abs(m) <= 2.0) and np.all(m[:, 1] - m[:, 0] >= 0.5)
    l, r = clipped_optimal_intervals(mu0, mu_star, bound=5.0)
    assert np.all(np.isfinite(l)) and np.all(np.abs(r) <= 5.0)
    with pytest.raises(ValueError, match="separation"):
        sample_problems(5, box=1.0, separation=3.0, seed=0)
    with pytest.raises(ValueError, match="box"):
        sample_problems(5, box=-1.0, separation=0.0, seed=0)
    with pytest.raises(ValueError, match="steps"):
        optimal_discriminator_dynamics(mu_star, mu0, 0.1, 0)


def test_clopper_pearson_matches_scipy() -> None:
    for k, n in [(0, 50), (17, 50), (50, 50)]:
        ci = stats.binomtest(k, n).proportion_ci(method="exact")
        assert clopper_pearson(k, n) == pytest.approx((ci.low, ci.high), abs=1e-12)
    with pytest.raises(ValueError, match="successes"):
        clopper_pearson(5, 3)
