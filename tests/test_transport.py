"""ganlib.distances.transport against brute force over permutations and the 1-D sorting formula."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from ganlib.distances.transport import cross_distances, nearest_support_distance, w1_empirical, w1_linprog


def brute_force_w1(x: np.ndarray, y: np.ndarray) -> float:
    m = len(x)
    return min(np.mean([np.linalg.norm(x[i] - y[p[i]]) for i in range(m)])
               for p in itertools.permutations(range(m)))


@pytest.mark.parametrize("m,d,seed", [(1, 3, 0), (2, 2, 1), (4, 5, 2), (5, 1, 3), (6, 3, 4)])
def test_matches_brute_force(m, d, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(m, d)), rng.normal(size=(m, d))
    value, perm = w1_empirical(x, y, return_plan=True)
    assert value == pytest.approx(brute_force_w1(x, y), rel=1e-12)
    assert sorted(perm) == list(range(m))
    assert np.mean(np.linalg.norm(x - y[perm], axis=1)) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize("m,seed", [(7, 0), (50, 1), (300, 2)])
def test_one_dimension_closed_form(m, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.exponential(size=m), rng.normal(size=m)
    closed_form = np.mean(np.abs(np.sort(x) - np.sort(y)))  # W1 on the line: match order statistics
    assert w1_empirical(x, y) == pytest.approx(closed_form, rel=1e-10)


def test_torch_input_and_symmetry_and_identity():
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(20, 4, generator=g), torch.randn(20, 4, generator=g)
    assert w1_empirical(x, y) == pytest.approx(w1_empirical(y.numpy(), x.numpy()), rel=1e-12)
    assert w1_empirical(x, x[torch.randperm(20, generator=g)]) == pytest.approx(0.0, abs=1e-12)


def test_translation_moves_every_point_by_the_shift():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(30, 3))
    shift = np.array([3.0, -4.0, 0.0])  # larger than the spread is not needed: W1 = |shift| for any translation
    assert w1_empirical(x, x + shift) == pytest.approx(5.0, rel=1e-10)


def test_nearest_support_distance_is_below_w1():
    rng = np.random.default_rng(6)
    x, y = rng.normal(size=(40, 8)), rng.normal(size=(40, 8))
    assert nearest_support_distance(x, y) <= w1_empirical(x, y) + 1e-12
    assert cross_distances(x, y).shape == (40, 40)


def test_bad_inputs():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="same dimension"):
        w1_empirical(rng.normal(size=(4, 2)), rng.normal(size=(4, 3)))
    with pytest.raises(ValueError, match="empty"):
        w1_empirical(np.zeros((0, 2)), np.zeros((0, 2)))
    with pytest.raises(ValueError, match="same number of points"):
        w1_empirical(rng.normal(size=(4, 2)), rng.normal(size=(5, 2)))
    with pytest.raises(ValueError, match="NaN"):
        w1_empirical(np.array([[np.nan]]), np.array([[0.0]]))
    with pytest.raises(ValueError, match="shape"):
        w1_empirical(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))


def test_w1_empirical_is_available_from_divergences():
    from ganlib.distances import divergences, transport

    assert divergences.w1_empirical is transport.w1_empirical


@pytest.mark.parametrize("m,n,seed", [(3, 3, 0), (6, 6, 1), (4, 8, 2), (12, 12, 3)])
def test_linprog_oracle_matches_assignment_and_brute_force(m, n, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(m, 3)), rng.normal(size=(n, 3))
    if m == n:
        assert w1_linprog(x, y) == pytest.approx(w1_empirical(x, y), rel=1e-9)
        if m <= 6:
            assert w1_linprog(x, y) == pytest.approx(brute_force_w1(x, y), rel=1e-9)
    else:  # n = 2 m: repeating each x twice gives the same uniform measure
        assert w1_linprog(x, y) == pytest.approx(w1_empirical(np.repeat(x, n // m, axis=0), y), rel=1e-9)


def test_nearest_support_distance_in_blocks_matches_one_matrix():
    rng = np.random.default_rng(7)
    x, s = rng.normal(size=(101, 5)), rng.normal(size=(37, 5))
    direct = cross_distances(x, s).min(axis=1).mean()
    for block_bytes in (8 * 37, 8 * 37 * 10, 2**28):  # one row per block, ten rows, everything at once
        assert nearest_support_distance(x, s, block_bytes=block_bytes) == pytest.approx(direct, rel=1e-14)
    with pytest.raises(ValueError, match="block_bytes"):
        nearest_support_distance(x, s, block_bytes=8)
