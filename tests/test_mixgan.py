"""ganlib.theory.mixgan: the value matrix against Monte Carlo, the generator best response against brute force."""

import math

import numpy as np
import pytest
import torch

from ganlib.theory.mixgan import (AffineGenerators, MLPDiscriminators, Mixture1D, equilibrium_gap,
                                  generator_best_response, input_lipschitz_lower_bound, mixed_sampler,
                                  n_params_discriminator, theorem10_T, train_mixgan, value_matrix)

DATA = Mixture1D()


def _players(T, seed=0):
    g = torch.Generator().manual_seed(seed)
    return AffineGenerators(T, g, spread=3.0), MLPDiscriminators(T, 8, g)


def test_value_matrix_against_monte_carlo():
    G, D = _players(3)
    v = value_matrix(G, D, DATA)
    assert v.shape == (3, 3)
    g = torch.Generator().manual_seed(1)
    n = 400_000
    with torch.no_grad():
        log_d, _ = D.log_d_and_log_1md(DATA.sample(n, g))
        real = log_d.double().mean(1).numpy()  # (T_D,)
        fake = np.stack([D.log_d_and_log_1md(G(torch.randn(3, n, generator=g))[i])[1].double().mean(1).numpy()
                         for i in range(3)])  # (T_G, T_D)
    np.testing.assert_allclose(v, real[None, :] + fake, atol=0.01)  # MC standard error < 2e-3


def test_constant_half_discriminator_gives_two_phi_half():
    G, D = _players(2)
    with torch.no_grad():
        for p in D.parameters():
            p.zero_()
    np.testing.assert_allclose(value_matrix(G, D, DATA), 2 * math.log(0.5), atol=1e-9)


def test_generator_best_response_is_a_minimum_over_the_class():
    G, D = _players(4, seed=2)
    best = generator_best_response(D, DATA)
    g = torch.Generator().manual_seed(3)
    for _ in range(5):  # random affine generators never beat it
        other = AffineGenerators(3, g, spread=4.0)
        with torch.no_grad():
            other.a.uniform_(0, 2, generator=g)
        assert value_matrix(other, D, DATA).mean(1).min() >= best - 1e-6
    point = AffineGenerators(1, g)  # a point mass at the grid's argmin attains it
    with torch.no_grad():
        xs = torch.linspace(-7, 7, 14001)
        _, l1 = D.log_d_and_log_1md(xs)
        point.a.zero_()
        point.b.fill_(float(xs[l1.double().mean(0).argmin()]))
    assert abs(value_matrix(point, D, DATA).mean() - best) < 1e-3


def test_training_moves_generators_toward_data():
    G, D = train_mixgan(DATA, 2, steps=300, seed=0)
    assert G.a.shape == (2,) and D.w1.shape[0] == 2
    assert mixed_sampler(G)(10, torch.Generator().manual_seed(0)).shape == (10,)


def test_theorem10_T():
    p = n_params_discriminator(16)
    assert p == 321 == sum(x.numel() for x in MLPDiscriminators(1, 16, torch.Generator()).parameters())
    t = theorem10_T(0.1, p, 2.0)
    assert t == pytest.approx(2 * 4 / 0.01 * (math.log(2) + p * math.log(120)))
    assert theorem10_T(0.05, p, 2.0) > 4 * t * 0.99  # at least quadratic in 1/eps
    with pytest.raises(ValueError, match="eps"):
        theorem10_T(0.0, p, 2.0)
    assert theorem10_T(0.1, p, 2.0, lip_v=20.0) == pytest.approx(2 * 4 / 0.01 * (math.log(2) + p * math.log(2400)))
    assert theorem10_T(0.1, p, 2.0, radius=3.0) > t  # larger constants never ask for fewer components


def test_bad_training_inputs():
    with pytest.raises(ValueError, match="T"):
        train_mixgan(DATA, 0, steps=1, seed=0)


def test_gap_uses_the_better_lower_bound_on_the_discriminator_side():
    G, D = train_mixgan(DATA, 3, steps=200, seed=1)
    r = equilibrium_gap(G, D, DATA, br_steps=0, seed=0)  # an untrained fresh D: the own D's must win
    vm = value_matrix(G, D, DATA)
    assert r["d_own"] == pytest.approx(vm.mean(0).max()) and r["value"] == pytest.approx(vm.mean())
    assert r["d_best"] == max(r["d_fresh"], r["d_own"]) and r["d_own"] > r["d_fresh"]
    assert r["d_best"] >= r["value"] >= r["g_best"] and r["gap"] == pytest.approx(r["d_best"] - r["g_best"])


def test_input_lipschitz_lower_bound_against_autograd():
    _, D = _players(3, seed=5)
    lb = input_lipschitz_lower_bound(D, -4.0, 4.0, 8001)
    D64 = D.double()
    x = torch.linspace(-4, 4, 80001, dtype=torch.float64, requires_grad=True)  # autograd on a 10x finer grid
    # D_j depends on x_k only through x_k: the gradient of sum_k D_j(x_k) is D_j'(x_k)
    slopes = torch.stack([torch.autograd.grad(D64(x)[j].sum(), x)[0].abs() for j in range(3)])
    sup = slopes.max(1).values.double().numpy()
    assert lb.shape == (3,)
    assert np.all(lb <= sup * (1 + 1e-6))  # a secant slope never exceeds the largest derivative
    assert np.all(lb >= 0.98 * sup)  # and on a fine grid it comes close
