"""ganlib.distances.nn_distance against closed forms (JS, TV) and a generic optimiser over all functions."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy.optimize import minimize
from scipy.spatial.distance import jensenshannon

from ganlib.distances.nn_distance import f_distance_all_functions, n_params, nn_distance


def brute_sup(p, q, phi):
    """sup over D in (0,1)^n of sum p phi(D) + q phi(1-D) - 2 phi(1/2), by a generic optimiser over logits."""
    f = {"log": np.log, "linear": lambda t: t}[phi]

    def neg(l):
        dv = 1 / (1 + np.exp(-l))
        return -(np.sum(p * f(dv)) + np.sum(q * f(1 - dv)) - 2 * f(0.5))
    return -minimize(neg, np.zeros(len(p)), method="Nelder-Mead",
                     options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 40_000}).fun


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_all_functions_recovers_js_and_tv(seed):
    rng = np.random.default_rng(seed)
    p, q = rng.dirichlet(np.ones(5)), rng.dirichlet(np.ones(5))
    js = jensenshannon(p, q) ** 2  # scipy returns the square root of JS, in nats by default
    assert f_distance_all_functions(p, q, "log") == pytest.approx(2 * js, rel=1e-10)
    assert f_distance_all_functions(p, q, "linear") == pytest.approx(0.5 * np.abs(p - q).sum(), rel=1e-10)
    assert f_distance_all_functions(p, q, "log") == pytest.approx(brute_sup(p, q, "log"), abs=1e-6)


def test_all_functions_disjoint_supports_and_bad_input():
    p, q = np.array([0.5, 0.5, 0, 0]), np.array([0, 0, 0.3, 0.7])
    assert f_distance_all_functions(p, q, "log") == pytest.approx(2 * math.log(2))
    assert f_distance_all_functions(p, q, "linear") == pytest.approx(1.0)
    with pytest.raises(ValueError, match="sum to 1"):
        f_distance_all_functions(np.array([0.5, 0.6]), np.array([0.5, 0.5]), "log")
    with pytest.raises(ValueError, match="same length"):
        f_distance_all_functions(np.array([1.0]), np.array([0.5, 0.5]), "log")
    with pytest.raises(ValueError, match="phi"):
        f_distance_all_functions(np.array([1.0]), np.array([1.0]), "sqrt")


def test_identical_samples_give_zero_for_linear_phi():
    x = torch.randn(50, 3, generator=torch.Generator().manual_seed(0))
    est = nn_distance(x, x.clone(), hidden=4, steps=20, restarts=3, seed=0)
    assert est.value == pytest.approx(0.0, abs=1e-6) and len(est.restarts) == 3


@pytest.mark.parametrize("phi", ["linear", "log"])
def test_rich_class_approaches_all_functions_value_from_below(phi):
    # Empirical measures on 4 distinct points of the line with unequal weights: F = all functions gives the oracle.
    pts = torch.tensor([[-3.0], [-1.0], [1.0], [3.0]])
    x = pts[torch.tensor([0, 0, 0, 1, 2, 3])]  # P = (3, 1, 1, 1)/6
    y = pts[torch.tensor([0, 1, 1, 2, 3, 3])]  # Q = (1, 2, 1, 2)/6
    p, q = np.array([3, 1, 1, 1]) / 6, np.array([1, 2, 1, 2]) / 6
    oracle = f_distance_all_functions(p, q, phi)
    est = nn_distance(x, y, hidden=16, phi=phi, steps=1500, restarts=4, lr=0.05, clip=20.0, seed=1)
    assert est.value <= oracle + 1e-5  # a class of functions cannot beat the supremum over all functions
    assert est.value >= oracle - 0.02


def test_separated_clusters_near_one_and_heldout_and_batch():
    g = torch.Generator().manual_seed(3)
    x = torch.randn(2, 40, 5, generator=g) * 0.1 + 2.0
    y = torch.randn(2, 40, 5, generator=g) * 0.1 - 2.0
    out = nn_distance(x, y, hidden=2, steps=300, restarts=2, clip=3.0, seed=0, x_eval=x + 0.01, y_eval=y)
    assert len(out) == 2
    for est in out:
        assert 0.95 < est.value <= 1.0 and est.heldout == pytest.approx(est.value, abs=0.01)


def test_small_class_cannot_separate_random_labels_but_large_class_can():
    # Theorem 6 in miniature: with m points from the same law, a p-parameter class overfits by about sqrt(p/m).
    g = torch.Generator().manual_seed(4)
    x, y = torch.randn(3, 400, 8, generator=g), torch.randn(3, 400, 8, generator=g)
    small = nn_distance(x, y, hidden=1, steps=200, restarts=2, seed=0)
    large = nn_distance(x, y, hidden=64, steps=200, restarts=2, clip=5.0, seed=0)
    assert max(e.value for e in small) < min(e.value for e in large)
    assert n_params(8, 1) == 11 and n_params(8, 64) == 64 * 9 + 65


def test_bad_inputs():
    x = torch.zeros(5, 2)
    with pytest.raises(ValueError, match="dimension"):
        nn_distance(x, torch.zeros(5, 3), hidden=2)
    with pytest.raises(ValueError, match="phi"):
        nn_distance(x, x, hidden=2, phi="sqrt")
    with pytest.raises(ValueError, match="hidden"):
        nn_distance(x, x, hidden=0)
    with pytest.raises(ValueError, match="clip"):
        nn_distance(x, x, hidden=2, clip=0.0)
    with pytest.raises(ValueError, match="non-empty"):
        nn_distance(torch.zeros(0, 2), x, hidden=2)


def test_f_distance_empirical_counts_shared_points():
    from ganlib.distances.nn_distance import empirical_masses, f_distance_empirical

    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(16, 5)), rng.normal(size=(16, 5))
    assert f_distance_empirical(x, y, "log") == pytest.approx(2 * np.log(2), abs=1e-12)  # disjoint samples
    assert f_distance_empirical(x, x[::-1], "log") == pytest.approx(0.0, abs=1e-12)  # same points, reordered
    for k in (1, 4, 15):  # k shared points: 2 JS = 2 log 2 (1 - k/m), TV = 1 - k/m
        y_shared = np.concatenate([x[:k], y[k:]])
        assert f_distance_empirical(x, y_shared, "log") == pytest.approx(2 * np.log(2) * (1 - k / 16), abs=1e-12)
        assert f_distance_empirical(x, y_shared, "linear") == pytest.approx(1 - k / 16, abs=1e-12)
    p, q = empirical_masses(np.array([[0.0], [0.0], [1.0]]), np.array([[1.0], [2.0]]))  # a repeated point is one atom
    assert np.allclose(p, [2 / 3, 1 / 3, 0]) and np.allclose(q, [0, 1 / 2, 1 / 2])
    with pytest.raises(ValueError, match="same dimension"):
        empirical_masses(x, y[:, :3])
