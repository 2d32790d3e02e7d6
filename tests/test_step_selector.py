"""Lemma 3's step selector: the four properties on grids and random breakpoints, window edges included."""

import numpy as np
import pytest
import torch
from torch import nn

from ganlib.theory.step_selector import (in_window, printed_step_selector, rounding_tolerance, selected_index,
                                         step_selector)


def _ramp(z, zi, delta):
    """Independent oracle: the 0 -> 1 ramp of width delta centred at zi."""
    return np.clip((z - zi) / delta + 0.5, 0.0, 1.0)


def _oracle(z, bp, delta):
    g = np.stack([_ramp(z, b, delta) for b in bp], 1)  # (n, q)
    return np.concatenate([1 - g[:, :1], g[:, :-1] - g[:, 1:], g[:, -1:]], 1)  # (n, q + 1)


def _grid_with_edges(bp, delta, n=4001):
    lo, hi = bp[0] - 2, bp[-1] + 2
    edges = np.r_[bp - delta / 2, bp + delta / 2]
    return np.sort(np.r_[np.linspace(lo, hi, n), edges, np.nextafter(edges, -np.inf), np.nextafter(edges, np.inf)])


def _check_properties(bp, delta):
    s_net = step_selector(bp, delta)
    z = _grid_with_edges(bp, delta)
    with torch.no_grad():
        s = s_net(torch.as_tensor(z)).numpy()
    tol = rounding_tolerance(z, bp, delta)
    q = len(bp)
    assert s.shape == (z.size, q + 1)
    np.testing.assert_allclose(s, _oracle(z, bp, delta), atol=tol)
    assert np.abs(s.sum(1) - 1).max() <= tol  # property 1
    onehot = np.eye(q + 1)
    for i in range(q + 1):  # properties 2-4 on the CLOSED intervals (edges included)
        lo = -np.inf if i == 0 else bp[i - 1] + delta / 2
        hi = np.inf if i == q else bp[i] - delta / 2
        mask = (z >= lo) & (z <= hi)
        assert mask.any()
        assert np.abs(s[mask] - onehot[i]).max() <= tol, f"component {i}"
    inside = in_window(z, bp, delta)
    k = selected_index(z[~inside], bp)
    assert np.abs(s[~inside] - onehot[k]).max() <= tol
    # inside window i only S_i and S_{i+1} are non-zero, both in [0, 1]
    assert np.all(s >= -tol) and np.all(s <= 1 + tol)
    assert np.all((s[inside] > tol).sum(1) <= 2)


def test_properties_fixed_breakpoints():
    _check_properties(np.array([-1.0, 0.5, 2.0]), 0.2)
    _check_properties(np.array([0.0]), 1.0)


def test_properties_random_breakpoints():
    rng = np.random.default_rng(0)
    for _ in range(30):
        q = int(rng.integers(1, 9))
        bp = np.sort(rng.normal(scale=3, size=q))
        gap = np.diff(bp).min() if q > 1 else 1.0
        delta = gap * rng.uniform(0.01, 0.99)
        _check_properties(bp, delta)


def test_tiny_delta_of_the_essay():
    # delta = delta' / (100 T) with delta' = 0.01, T = 8: windows 1.25e-5 wide
    _check_properties(np.array([-1.15, -0.67, -0.32, 0.0, 0.32, 0.67, 1.15]), 0.01 / 800)


def test_architecture_is_two_linear_layers_and_a_relu():
    s = step_selector([0.0, 1.0, 3.0], 0.5)
    assert [type(m) for m in s] == [nn.Linear, nn.ReLU, nn.Linear]
    assert s[0].weight.shape == (6, 1) and s[2].weight.shape == (4, 6)
    out = s(torch.zeros(5, 1, dtype=torch.float64))
    assert out.shape == (5, 4)


def test_printed_version_fails_as_described():
    p2 = printed_step_selector([0.0, 1.0], 0.1)
    with torch.no_grad():
        mid = p2(torch.tensor([0.5], dtype=torch.float64))[0].numpy()
    assert abs(mid.sum() - 3) < 1e-12  # q = 2: outputs sum to 3 between the breakpoints
    p1 = printed_step_selector([0.0], 0.1)
    with torch.no_grad():
        right = p1(torch.tensor([1.0], dtype=torch.float64))[0].numpy()
    assert abs(right[0] - 2) < 1e-12  # q = 1: S_1 rises to 2
    z = np.linspace(-1, 2, 301)
    with torch.no_grad():
        bad = p2(torch.as_tensor(z)).numpy()
    assert np.abs(bad.sum(1) - 1).max() > 1  # property 1 fails


@pytest.mark.parametrize("bp, delta, word", [([1.0, 0.0], 0.1, "increasing"), ([0.0, 0.0, 1.0], 0.1, "increasing"),
                                             ([0.0, 1.0], 1.0, "smallest gap"), ([0.0, 1.0], 1.5, "smallest gap"),
                                             ([0.0, 1.0], 0.0, "delta"), ([0.0, 1.0], -0.1, "delta"),
                                             ([], 0.1, "breakpoints"), ([[0.0, 1.0]], 0.1, "breakpoints"),
                                             ([0.0, np.nan], 0.1, "finite")])
def test_bad_inputs(bp, delta, word):
    with pytest.raises(ValueError, match=word):
        step_selector(bp, delta)


def test_bad_z_shape():
    with pytest.raises(ValueError, match="z must have shape"):
        step_selector([0.0], 0.1)(torch.zeros(3, 2, dtype=torch.float64))
