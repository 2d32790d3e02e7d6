"""Theorem 11's LP against the CDF formula for W_1 (Kantorovich-Rubinstein) and the unrestricted value."""

import math

import numpy as np
import pytest

from ganlib.theory.smoothing import lipschitz_value, smoothed_atoms, smoothing_bound, w1_from_cdfs


def test_lp_equals_one_plus_lip_w1_on_discrete_measures():
    rng = np.random.default_rng(0)
    for _ in range(10):
        xp, xq = rng.normal(size=6), rng.normal(size=9)
        p, q = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(9))
        lip = 0.1  # small enough that the [0, 1] range never binds
        assert abs(lipschitz_value(xp, p, xq, q, lip) - (1 + lip * w1_from_cdfs(xp, p, xq, q))) < 1e-9


def test_unrestricted_value_is_one_plus_tv():
    assert abs(lipschitz_value([0.0, 1.0], [0.5, 0.5], [0.5, 2.0], [0.5, 0.5], np.inf) - 2.0) < 1e-12
    assert abs(lipschitz_value([0.0, 1.0], [0.5, 0.5], [0.0, 2.0], [0.5, 0.5], np.inf) - 1.5) < 1e-12


def test_w1_point_mass_closed_form():
    x, m, h = smoothed_atoms([0.0], xi=0.1, n_cells=20000)
    assert h == pytest.approx(1.6 / 20000)
    assert abs(w1_from_cdfs([0.0], [1.0], x, m) - smoothing_bound(0.1, 1.0)) < h / 2 + 1e-12
    assert abs(smoothing_bound(1.0, 2.0) - 2 * math.sqrt(2 / math.pi)) < 1e-15


def test_bad_inputs():
    with pytest.raises(ValueError, match="xi"):
        smoothed_atoms([0.0], xi=0.0)
    with pytest.raises(ValueError, match="atoms"):
        smoothed_atoms([], xi=0.1)


def _log_objective(d, xs, wp, wq):
    return float(np.sum(wp * np.log(d)) + np.sum(wq * np.log1p(-d)))


def test_log_value_brackets_brute_force_on_two_points():
    # Oracle: two points x = 0 (mass of p) and x = g (mass of q); the Lipschitz D is (d0, d1) with
    # |d0 - d1| <= lip g, both in [eps, 1 - eps]: brute force over a fine grid of (d0, d1).
    from ganlib.theory.smoothing import log_lipschitz_value
    eps, lip = 0.05, 1.0
    for g in (0.05, 0.2, 0.5, 2.0):
        grid = np.linspace(eps, 1 - eps, 1801)
        d0, d1 = np.meshgrid(grid, grid, indexing="ij")
        ok = np.abs(d0 - d1) <= lip * g + 1e-15
        brute = np.max(np.where(ok, np.log(d0) + np.log1p(-d1), -np.inf))
        lo, up = log_lipschitz_value([0.0], [1.0], [g], [1.0], lip, eps)
        assert lo <= up + 1e-12 and up - lo < 1e-3
        assert brute <= up + 1e-9  # the LP's value is an upper bound of every feasible D
        assert brute >= lo - 1e-3  # grid spacing 5e-4: brute force is within 1e-3 of the true maximum


def test_log_value_equal_measures_is_minus_two_log_two_and_unrestricted_closed_form():
    from ganlib.theory.smoothing import log_lipschitz_value
    xs, w = np.array([-1.0, 0.0, 2.0]), np.array([0.2, 0.5, 0.3])
    lo, up = log_lipschitz_value(xs, w, xs, w, 1.0, 0.05)  # p = q: concavity gives exactly D = 1/2
    assert lo <= -2 * math.log(2) + 1e-12 and up >= -2 * math.log(2) - 1e-12 and up - lo < 1e-4
    lo, up = log_lipschitz_value([0.0, 1.0], [0.5, 0.5], [0.5, 2.0], [0.5, 0.5], np.inf, 0.1)
    assert abs(lo - 2 * math.log(0.9)) < 1e-12 and abs(up - 2 * math.log(0.9)) < 1e-12


def test_log_bound_holds_for_smoothed_atoms():
    from ganlib.theory.smoothing import log_lipschitz_value, log_smoothing_bound
    atoms = np.array([-1.0, 0.5, 2.0])
    for xi in (0.1, 0.01):
        x, m, h = smoothed_atoms(atoms, xi, n_cells=100)
        lo, up = log_lipschitz_value(atoms, np.full(3, 1 / 3), x, m, 1.0, 0.05)
        assert -1e-9 <= lo + 2 * math.log(2) and up + 2 * math.log(2) <= log_smoothing_bound(xi, 1.0, 0.05) + h / 2 / 0.05


def test_log_bad_inputs():
    from ganlib.theory.smoothing import log_lipschitz_value, log_smoothing_bound
    with pytest.raises(ValueError, match="eps"):
        log_lipschitz_value([0.0], [1.0], [1.0], [1.0], 1.0, eps=0.5)
    with pytest.raises(ValueError, match="lip"):
        log_lipschitz_value([0.0], [1.0], [1.0], [1.0], 0.0, eps=0.1)
    with pytest.raises(ValueError, match="eps"):
        log_smoothing_bound(0.1, 1.0, 0.0)
