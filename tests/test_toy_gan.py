"""Tests for ganlib.theory.toy_gan: closed-form gradients against autograd, and Algorithm 1 converging."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from ganlib.theory.toy_gan import d_gradient, g_gradient, train_toy_gan, value_estimate


def _torch_value(w, real, fake):
    l_r = w[0] + w[1] * real + w[2] * real**2
    l_f = w[0] + w[1] * fake + w[2] * fake**2
    return -F.softplus(-l_r).mean() - F.softplus(l_f).mean()


def test_d_gradient_matches_autograd() -> None:
    rng = np.random.default_rng(0)
    w, real, fake = rng.normal(size=3) * 0.3, rng.normal(1.0, 0.5, 50), rng.normal(-0.5, 1.2, 50)
    wt = torch.tensor(w, requires_grad=True)
    v = _torch_value(wt, torch.tensor(real), torch.tensor(fake))
    (g,) = torch.autograd.grad(v, wt)
    assert np.allclose(d_gradient(w, real, fake), g.numpy(), rtol=1e-10, atol=1e-12)
    assert value_estimate(w, real, fake) == pytest.approx(float(v.detach()), abs=1e-12)


@pytest.mark.parametrize("loss", ["nonsaturating", "minimax"])
def test_g_gradient_matches_autograd(loss: str) -> None:
    rng = np.random.default_rng(1)
    w, theta, z = rng.normal(size=3) * 0.5, np.array([0.3, -0.2]), rng.normal(size=40)
    th = torch.tensor(theta, requires_grad=True)
    x = th[0] + torch.exp(th[1]) * torch.tensor(z)
    l = w[0] + w[1] * x + w[2] * x**2
    value = F.softplus(-l).mean() if loss == "nonsaturating" else -F.softplus(l).mean()
    (g,) = torch.autograd.grad(value, th)
    assert np.allclose(g_gradient(theta, w, z, loss), g.numpy(), rtol=1e-10, atol=1e-12)


def test_algorithm_1_reaches_the_data_distribution() -> None:
    for seed in (0, 1):
        run = train_toy_gan(2.0, 0.5, 2000, theta0=(-1.0, 0.0), seed=seed)
        assert abs(run.mean[-1] - 2.0) < 0.1 and abs(run.std[-1] - 0.5) < 0.1
        assert abs(float(np.mean(run.value[-200:])) + math.log(4)) < 0.03
        assert run.theta.shape == (2001, 2) and run.w.shape == (2001, 3) and run.value.shape == (2001,)


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="data_std"):
        train_toy_gan(0.0, 0.0, 10)
    with pytest.raises(ValueError, match="loss"):
        train_toy_gan(0.0, 1.0, 10, loss="wasserstein")
    with pytest.raises(ValueError, match="k must"):
        train_toy_gan(0.0, 1.0, 10, k=0)
