"""ganlib.nets.activations against autograd and the complex-step derivative (independent oracles)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ganlib.nets.activations import ACTIVATIONS, get_activation

GRID = torch.arange(-3000, 3001, dtype=torch.float64) / 100  # [-30, 30], includes 0 exactly
NUMPY = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh, "softplus": lambda z: np.log(1 + np.exp(z))}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_matches_autograd(name):
    g, g_prime = get_activation(name)
    x = GRID.clone().requires_grad_(True)
    (auto,) = torch.autograd.grad(g(x).sum(), x)
    assert torch.max(torch.abs(auto - g_prime(GRID))).item() < 1e-12


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus"])
def test_derivative_matches_complex_step(name):
    x = np.linspace(-8.0, 8.0, 1601)
    h = 1e-30
    complex_step = NUMPY[name](x + 1j * h).imag / h  # exact to rounding for analytic functions
    _, g_prime = get_activation(name)
    assert np.max(np.abs(complex_step - g_prime(torch.from_numpy(x)).numpy())) < 1e-14


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus"])
def test_values_match_numpy(name):
    x = np.linspace(-8.0, 8.0, 1601)
    g, _ = get_activation(name)
    assert np.max(np.abs(g(torch.from_numpy(x)).numpy() - NUMPY[name](x))) < 1e-13


def test_grid_contains_the_kink():
    assert (GRID == 0).sum().item() == 1


def test_relu_convention_at_zero_and_softplus_is_finite():
    _, relu_prime = get_activation("relu")
    assert relu_prime(torch.tensor([-1.0, 0.0, 2.0])).tolist() == [0.0, 0.0, 1.0]
    softplus, _ = get_activation("softplus")
    big = softplus(torch.tensor([1000.0, -1000.0], dtype=torch.float64))
    assert torch.isfinite(big).all() and big[0].item() == 1000.0 and 0 <= big[1].item() < 1e-300


def test_unknown_activation_is_rejected():
    with pytest.raises(ValueError, match="activation must be one of"):
        get_activation("gelu")


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_central_difference_matches_closed_form_away_from_kinks(name):
    from ganlib.nets.activations import central_difference

    g, g_prime = get_activation(name)
    x = torch.arange(-800, 801, dtype=torch.float64) / 100
    smooth = x != 0 if name == "relu" else torch.ones_like(x, dtype=torch.bool)
    assert (central_difference(g, x)[smooth] - g_prime(x)[smooth]).abs().max().item() < 1e-8
    if name == "relu":  # at the kink the symmetric quotient is the mean of the one-sided slopes
        assert central_difference(g, torch.zeros(1, dtype=torch.float64)).item() == pytest.approx(0.5)


def test_central_difference_detects_a_wrong_derivative():
    from ganlib.nets.activations import central_difference, sigmoid

    x = torch.linspace(-4, 4, 81, dtype=torch.float64)
    wrong = torch.sigmoid(x) * (1 - torch.sigmoid(x)) ** 2  # a plausible slip: sigma (1 - sigma)^2
    assert (central_difference(sigmoid, x) - wrong).abs().max().item() > 1e-2
    with pytest.raises(ValueError, match="positive float"):
        central_difference(sigmoid, x, h=0)
