"""ganlib.theory.training_generalisation against scipy quadrature, brute force and the bound's definition."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate
from scipy.special import expit

from ganlib.theory.training_generalisation import (gaussian_expectations, hoeffding_radius, logistic_class,
                                                   sample_expectations, train_and_measure)


def test_class_is_closed_under_one_minus_d():
    cls = logistic_class(7, 2.0)
    assert cls.shape == (49, 2)
    x = np.linspace(-3, 3, 13)
    values = expit(x[None] * cls[:, :1] + cls[:, 1:])  # (N, 13)
    for k in range(len(cls)):  # 1 - D_k is D_{-k}, which is in the grid
        assert np.min(np.abs(values - (1 - values[k])).max(axis=1)) < 1e-15
    with pytest.raises(ValueError, match="n_side"):
        logistic_class(1)


@pytest.mark.parametrize("mean", [-2.0, 0.0, 1.5])
def test_quadrature_matches_scipy_quad(mean):
    cls = logistic_class(5, 3.0)
    got = gaussian_expectations(np.array([mean]), cls)[0]
    for (v, b), g in zip(cls, got):
        ref = integrate.quad(lambda z: expit(v * (mean + z) + b) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi),
                             -np.inf, np.inf, epsabs=1e-13)[0]
        assert g == pytest.approx(ref, abs=1e-10)


def test_sample_expectations_brute_force():
    cls = logistic_class(3, 1.0)
    x = np.array([[0.5, -1.0, 2.0]])
    ref = [np.mean([1 / (1 + math.exp(-(v * xi + b))) for xi in x[0]]) for v, b in cls]
    assert np.allclose(sample_expectations(x, cls)[0], ref, atol=1e-15)


def test_hoeffding_radius_solves_the_union_bound():
    s = hoeffding_radius(121, 61, 256, 0.05)
    assert 2 * 121 * 61 * math.exp(-2 * 256 * s**2) == pytest.approx(0.05, rel=1e-12)
    with pytest.raises(ValueError, match="delta"):
        hoeffding_radius(10, 1, 10, 1.5)


def test_training_converges_and_stays_within_the_bound():
    run = train_and_measure(m=256, steps=40, repeats=6, seed=1)
    true, gap = np.array(run["true"]), np.array(run["gap"])
    assert true[:, -1].max() < 0.5 * true[:, 0].min()  # the generator moves towards the data
    assert gap.max() <= 2 * hoeffding_radius(run["N"], 41, 256, 0.05)
    stale = train_and_measure(m=256, steps=40, repeats=6, seed=1, stale=True)
    assert np.array(stale["gap"]).max(axis=1).min() > 2 * hoeffding_radius(run["N"], 41, 256, 0.05)
    with pytest.raises(ValueError, match="steps"):
        train_and_measure(m=10, steps=0, repeats=1, seed=0)
