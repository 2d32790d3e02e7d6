"""Tests for ganlib.distances.f_divergence against the direct divergences, scipy conjugates and the variational bound."""

from __future__ import annotations

import math

import pytest
import torch
from scipy import optimize

from ganlib.data import Normal
from ganlib.distances.divergences import js, kl, tv
from ganlib.distances.f_divergence import (F_NAMES, f_conjugate, f_derivative, f_divergence, f_generator,
                                           variational_bound)
from ganlib.distances.quadrature import density_on_grid, uniform_grid

X, DX = uniform_grid(-12.0, 12.0, 4801)
P = density_on_grid(Normal(0.0, 1.0), X)
Q = density_on_grid(Normal(0.8, 1.3), X)


def test_named_divergences_agree_with_the_direct_formulas() -> None:
    assert float(f_divergence(P, Q, "kl", DX)) == pytest.approx(float(kl(P, Q, dx=DX)), abs=1e-12)
    assert float(f_divergence(P, Q, "reverse_kl", DX)) == pytest.approx(float(kl(Q, P, dx=DX)), abs=1e-12)
    assert float(f_divergence(P, Q, "js", DX)) == pytest.approx(float(js(P, Q, dx=DX)), abs=1e-12)
    assert float(f_divergence(P, Q, "gan", DX)) == pytest.approx(2 * float(js(P, Q, dx=DX)) - math.log(4), abs=1e-10)
    assert float(f_divergence(P, Q, "tv", DX)) == pytest.approx(float(tv(P, Q, dx=DX)), abs=1e-12)


@pytest.mark.parametrize("name", F_NAMES)
def test_conjugate_is_the_numerical_supremum(name: str) -> None:
    ts = {"kl": [-1.0, 0.0, 1.5], "reverse_kl": [-3.0, -1.0, -0.2], "js": [-1.0, 0.0, 0.3],
          "gan": [-3.0, -1.0, -0.1], "tv": [-0.4, 0.0, 0.3]}[name]
    for t in ts:
        res = optimize.minimize_scalar(lambda u: -(u * t - float(f_generator(name, torch.tensor(u, dtype=torch.float64)))),
                                       bounds=(1e-9, 1e4), method="bounded", options={"xatol": 1e-12})
        assert float(f_conjugate(name, torch.tensor(t, dtype=torch.float64))) == pytest.approx(-res.fun, abs=1e-5)


@pytest.mark.parametrize("name", ["kl", "reverse_kl", "js", "gan"])
def test_bound_is_tight_at_f_prime_and_lower_elsewhere(name: str) -> None:
    t_star = f_derivative(name, P / Q)
    d = float(f_divergence(P, Q, name, DX))
    assert float(variational_bound(t_star, P, Q, name, DX)) == pytest.approx(d, abs=1e-8)
    for scale in (0.7, 0.9, 1.1):
        t = t_star * scale if name != "kl" else t_star + (scale - 1)
        assert float(variational_bound(t, P, Q, name, DX)) < d


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="f must be"):
        f_divergence(P, Q, "hellinger2", DX)
    with pytest.raises(ValueError, match="q must be > 0"):
        f_divergence(P, torch.zeros_like(Q), "kl", DX)
    with pytest.raises(ValueError, match="same shape"):
        f_divergence(P, Q[:-1], "kl", DX)
