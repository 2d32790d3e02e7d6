"""Tests for ganlib.distances.kr_dual: the dual LP against the primal CDF formula and a closed form."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ganlib.data import GaussianMixture, Normal
from ganlib.distances.divergences import w1_grid
from ganlib.distances.kr_dual import w1_dual_lp
from ganlib.distances.quadrature import density_on_grid, uniform_grid


def test_dual_equals_primal_and_the_mean_gap_under_dominance() -> None:
    x, dx = uniform_grid(-6.0, 8.0, 701)
    p = density_on_grid(Normal(0.0, 1.0), x)
    q = density_on_grid(GaussianMixture([1.0, 3.0], 0.5), x)
    pm, qm = (p * dx).numpy(), (q * dx).numpy()
    pm, qm = pm / pm.sum(), qm / qm.sum()
    value, f = w1_dual_lp(pm, qm, x.numpy())
    primal = float(w1_grid(torch.tensor(pm / dx), torch.tensor(qm / dx), dx=dx))
    assert value == pytest.approx(primal, abs=1e-6)  # HiGHS solves to ~1e-7
    assert value == pytest.approx(float((qm * x.numpy()).sum() - (pm * x.numpy()).sum()), abs=1e-6)
    assert np.all(np.abs(np.diff(f)) <= np.diff(x.numpy()) + 1e-9)  # the maximiser is 1-Lipschitz


def test_two_point_masses_and_bad_inputs() -> None:
    value, _ = w1_dual_lp(np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0]), np.array([0.0, 1.0, 3.0]))
    assert value == pytest.approx(3.0, abs=1e-12)
    with pytest.raises(ValueError, match="increasing"):
        w1_dual_lp(np.array([0.5, 0.5]), np.array([0.5, 0.5]), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="equal totals"):
        w1_dual_lp(np.array([0.5, 0.6]), np.array([0.5, 0.5]), np.array([0.0, 1.0]))
