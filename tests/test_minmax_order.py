"""Min-max vs max-min on the finite GAN game: closed-form values, brute force, the collapsed generator."""

import math

import numpy as np
import pytest

from ganlib.theory.minmax_order import max_min, min_max, payoff

P = np.array([0.5, 0.3, 0.2])
GRID = np.linspace(0.02, 0.98, 49)  # contains 1/2


def test_both_orders_have_value_minus_log4():
    assert min_max(P, GRID).value == pytest.approx(-math.log(4), abs=1e-9)
    assert max_min(P, GRID).value == pytest.approx(-math.log(4), abs=1e-12)


def test_max_min_generator_collapses_min_max_generator_spreads():
    q = max_min(P, GRID).generator
    assert sorted(q.tolist()) == [0.0, 0.0, 1.0]
    assert np.abs(min_max(P, GRID).generator - P).max() < 0.05
    fine = np.linspace(0.005, 0.995, 199)
    assert np.abs(min_max(P[:2] / P[:2].sum(), fine).generator - P[:2] / P[:2].sum()).max() < 0.01


def test_min_max_lp_against_brute_force_over_the_simplex():
    p, grid = np.array([0.7, 0.3]), np.linspace(0.05, 0.95, 19)
    A, _ = payoff(p, grid)
    qs = np.linspace(0, 1, 2001)
    brute = min(max(np.array([q, 1 - q]) @ A) for q in qs)
    assert min_max(p, grid).value == pytest.approx(brute, abs=1e-6)
    worst = max(A[:, c].min() for c in range(A.shape[1]))
    assert max_min(p, grid).value == pytest.approx(worst, abs=1e-15)


def test_bad_input():
    with pytest.raises(ValueError, match="probability"):
        payoff(np.array([0.5, 0.6]), GRID)
    with pytest.raises(ValueError, match="grid"):
        payoff(P, np.array([0.0, 0.5]))
