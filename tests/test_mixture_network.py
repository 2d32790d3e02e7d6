"""Lemma 4's single network: exact equality with the selected generator outside the windows, exact window
probabilities from the latent CDF, the coupling TV bound, and the bad inputs."""

import numpy as np
import pytest
import torch
from scipy.stats import norm
from torch import nn

from ganlib.theory.mixture_network import (delta_for_tv, mixture_network, parameter_count, quantile_breakpoints,
                                           tv_bracket, window_probability)
from ganlib.theory.step_selector import in_window


class Affine(nn.Module):
    def __init__(self, a, b):
        super().__init__()
        self.lin = nn.Linear(1, 1, dtype=torch.float64)
        with torch.no_grad():
            self.lin.weight.fill_(a)
            self.lin.bias.fill_(b)

    def forward(self, z):
        return self.lin(z)


def _rectified(seed):
    g = torch.Generator().manual_seed(seed)
    net = nn.Sequential(nn.Linear(2, 8, dtype=torch.float64), nn.ReLU(), nn.Linear(8, 3, dtype=torch.float64), nn.ReLU())
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=torch.float64))
    return net


def _latents(n, seed, d=1, latent="normal"):
    g = torch.Generator().manual_seed(seed)
    z = torch.randn(n, generator=g, dtype=torch.float64) if latent == "normal" else torch.rand(n, generator=g, dtype=torch.float64)
    return z, torch.randn(n, d, generator=g, dtype=torch.float64)


def test_quantile_breakpoints_split_evenly():
    for T in (1, 2, 5, 8):
        bp = quantile_breakpoints(T)
        assert bp.shape == (T - 1,)
        np.testing.assert_allclose(np.diff(np.r_[0, norm.cdf(bp), 1]), 1 / T, atol=1e-12)
        np.testing.assert_allclose(quantile_breakpoints(T, "uniform"), np.arange(1, T) / T)


def test_window_probability_exact():
    bp = np.array([-1.0, 0.0, 2.0])
    p = window_probability(bp, 0.2)
    assert abs(p - sum(norm.cdf(b + 0.1) - norm.cdf(b - 0.1) for b in bp)) < 1e-15
    assert abs(window_probability(np.array([0.25, 0.5, 0.75]), 0.01, "uniform") - 0.03) < 1e-15
    for T in (2, 4, 8):
        for dp in (0.5, 0.1, 0.01):
            assert window_probability(quantile_breakpoints(T), delta_for_tv(T, dp)) <= dp


def test_rectified_generators_equal_selected_outside_windows():
    gens = [_rectified(s) for s in range(4)]
    net = mixture_network(gens, delta=0.05, K=1e3)
    z, zp = _latents(20000, 0, d=2)
    with torch.no_grad():
        out = net(z, zp)
        ref = torch.stack([g(zp) for g in gens])  # (T, n, 3)
    k = np.searchsorted(quantile_breakpoints(4), z.numpy(), side="right")
    inside = in_window(z.numpy(), net.breakpoints, net.delta)
    ok = net.gate_ok(z, zp).numpy()
    sel = ref[torch.as_tensor(k), torch.arange(z.shape[0])]
    keep = torch.as_tensor(~inside & ok)
    assert keep.float().mean() > 0.9
    assert (out - sel).abs()[keep].max() < 1e-8
    assert out.shape == (20000, 3)


def test_offset_handles_signed_outputs_and_coupling_bound():
    gens = [Affine(0.3, m) for m in (-3.0, -1.0, 1.0, 3.0)]
    with pytest.raises(ValueError, match="offset"):
        mixture_network(gens, delta=0.01)
    net = mixture_network(gens, delta=0.2, K=100.0, offset=20.0)
    z, zp = _latents(50000, 1)
    with torch.no_grad():
        out, mix = net(z, zp), net.mixture_sample(z, zp)
    differ = ((out - mix).abs() > 1e-9).numpy()[:, 0]
    inside = in_window(z.numpy(), net.breakpoints, net.delta)
    assert net.gate_ok(z, zp).all()  # |b + a z'| + 20 in [0, 100] for |z'| < 56
    assert not differ[~inside].any()  # outside the windows: exactly the selected generator
    assert differ[inside].mean() > 0.5  # inside: usually not (the check is not vacuous)
    # fraction of differing samples against the exact window probability (binomial, 5 sigma)
    p = window_probability(net.breakpoints, net.delta)
    assert abs(differ.mean() - p) < 5 * np.sqrt(p * (1 - p) / z.shape[0]) + 1e-3
    # the coupled mixture sample is a uniform mixture: each component picked with probability 1/4
    k = np.searchsorted(net.breakpoints, z.numpy(), side="right")
    assert np.abs(np.bincount(k, minlength=4) / z.shape[0] - 0.25).max() < 0.01


def test_without_offset_gating_breaks():
    # the mutation the offset guards against: negative outputs are clipped by the rectifier
    gens = [nn.Sequential(Affine(0.3, m), nn.ReLU()) for m in (-3.0, 3.0)]
    net = mixture_network(gens, delta=0.01, K=100.0)
    z, zp = _latents(2000, 2)
    with torch.no_grad():
        out = net(z, zp)
    assert (out >= 0).all()  # a rectified generator cannot produce the mode at -3


def test_uniform_latent_and_single_generator():
    gens = [_rectified(0)]
    net = mixture_network(gens, delta=0.1, latent="uniform")
    z, zp = _latents(100, 3, d=2, latent="uniform")
    with torch.no_grad():
        np.testing.assert_allclose(net(z, zp).numpy(), gens[0](zp).numpy(), atol=1e-12)


def test_parameter_count():
    gens = [_rectified(s) for s in range(3)]
    net = mixture_network(gens, delta=0.05)
    p = parameter_count(gens[0])
    q = 2
    assert parameter_count(net) == 3 * p + (2 * q + 2 * q) + (2 * q * (q + 1) + q + 1)
    assert parameter_count(net.selector, nonzero=True) < parameter_count(net.selector)


@pytest.mark.parametrize("kwargs, word", [({"generators": []}, "generators"), ({"K": 0.0}, "K"),
                                          ({"K": -1.0}, "K"), ({"offset": -1.0}, "offset"),
                                          ({"latent": "cauchy"}, "latent"), ({"delta": 2.0}, "delta")])
def test_bad_inputs(kwargs, word):
    args = {"generators": [_rectified(0), _rectified(1), _rectified(2)], "delta": 0.05, **kwargs}
    with pytest.raises(ValueError, match=word):
        mixture_network(**args)


def test_bad_helpers():
    with pytest.raises(ValueError, match="T"):
        quantile_breakpoints(0)
    with pytest.raises(ValueError, match="delta_prime"):
        delta_for_tv(4, 0.0)
    with pytest.raises(ValueError, match="increasing"):
        window_probability([1.0, 0.0], 0.1)


def test_tv_bracket_contains_the_exact_tv():
    # X ~ N(0, 1); the coupled Y equals X except with probability p, where it is X + 10. Exactly:
    # law(Y) = (1 - p) N(0, 1) + p N(10, 1), so d_TV(X, Y) = p d_TV(N(0, 1), N(10, 1)) = p (2 Phi(5) - 1).
    rng = np.random.default_rng(0)
    n, p = 400_000, 0.03
    x = rng.normal(size=n)
    moved = rng.uniform(size=n) < p
    y = np.where(moved, x + 10, x)
    tv = p * (2 * norm.cdf(5) - 1)
    a_prob = norm.sf(5)  # A = {t > 5}: P_X(A) exact
    b = tv_bracket(x != y, y > 5, a_prob)  # the roles: y is "the network", x "the mixture"
    assert b.lower - 4 * b.lower_se <= tv <= b.upper + 4 * b.upper_se
    assert abs(b.upper - p) < 4 * b.upper_se and abs(b.lower - tv) < 4 * b.lower_se + 1e-6
    assert b.upper_se == pytest.approx(np.sqrt(b.upper * (1 - b.upper) / n))
    with pytest.raises(ValueError, match="differ"):
        tv_bracket([], [], 0.0)
    with pytest.raises(ValueError, match="mixture_set_prob"):
        tv_bracket([True], [False], 1.5)
