"""Tests for ganlib.theory.projection: the batched search scores against the scalar divergences, and the fits."""

from __future__ import annotations

import math

import pytest
import torch

from ganlib.data import GaussianMixture
from ganlib.distances.quadrature import density_on_grid, normal_pdf, uniform_grid
from ganlib.theory.projection import _divergence, _scores, best_gaussian

X, DX = uniform_grid(-14.0, 14.0, 2801)
P = density_on_grid(GaussianMixture([-2.0, 2.0], 0.5), X)


@pytest.mark.parametrize("objective", ["kl", "reverse_kl", "nonsaturating", ("js", 0.1), ("js", 0.9)])
def test_batched_scores_equal_the_scalar_divergences(objective) -> None:
    means = torch.tensor([-2.0, 0.0, 1.0], dtype=torch.float64)
    stds = torch.tensor([0.4, 1.0, 2.5], dtype=torch.float64)
    cand = normal_pdf(X[None, None, :], means[:, None, None], stds[None, :, None])
    cand = cand / (cand.sum(-1, keepdim=True) * DX)
    batched = _scores(objective, P, cand, DX)
    for i in range(3):
        for j in range(3):
            assert float(batched[i, j]) == pytest.approx(float(_divergence(objective, P, cand[i, j], DX)), rel=1e-10,
                                                         abs=1e-12)


def test_forward_kl_is_moment_matching_and_reverse_kl_seeks_a_mode() -> None:
    mu, s, _ = best_gaussian("kl", P, X, DX)
    assert abs(mu) < 1e-4 and abs(s - math.sqrt(4.25)) < 1e-4  # variance 0.25 + 4
    mu, s, _ = best_gaussian("reverse_kl", P, X, DX)
    assert abs(abs(mu) - 2) < 0.01 and abs(s - 0.5) < 0.01


def test_bad_objective() -> None:
    with pytest.raises(ValueError, match="objective"):
        best_gaussian("hellinger", P, X, DX)
