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
