"""ganlib.evaluation.tails: interval bounds against brute force, range and tail mass against closed forms."""

from __future__ import annotations

import math

import pytest
import torch
from scipy import stats
from torch import nn

from ganlib.nets.models import MLPGenerator
from ganlib.evaluation.tails import interval_bound, mass_outside, range_on_line

pytestmark = pytest.mark.usefixtures("one_thread")


def test_sigmoid_net_bound_is_the_weight_formula_and_encloses_the_range() -> None:
    torch.manual_seed(1)
    one = MLPGenerator(1, 1, 8, 1, "sigmoid")  # one hidden layer: every h_j sweeps (0, 1), the formula is exact
    last = one.net[-1]
    w, b = last.weight.detach().double()[0], last.bias.detach().double()[0]
    closed = (float(b + w.clamp(max=0).sum()), float(b + w.clamp(min=0).sum()))
    assert interval_bound(one) == pytest.approx(closed, abs=1e-12)
    G = MLPGenerator(1, 1, 8, 2, "sigmoid")
    lo, hi = interval_bound(G)
    last = G.net[-1]
    w, b = last.weight.detach().double()[0], last.bias.detach().double()[0]
    assert float(b + w.clamp(max=0).sum()) <= lo <= hi <= float(b + w.clamp(min=0).sum())  # inside h in [0, 1]
    r_lo, r_hi = range_on_line(G, n=20_001)
    assert lo <= r_lo <= r_hi <= hi
    with torch.no_grad():  # brute force: random z, some huge
        z = torch.cat([torch.randn(5000, 1) * s for s in (1.0, 10.0, 1000.0)]).double()
        x = G.double().net(z)
    assert lo <= x.min().item() and x.max().item() <= hi
    assert r_lo <= x.min().item() + 1e-6 and x.max().item() - 1e-6 <= r_hi  # the grid reaches the saturation


def test_relu_net_unbounded_and_finite_input_interval() -> None:
    torch.manual_seed(2)
    G = MLPGenerator(1, 1, 8, 2, "relu")
    lo, hi = interval_bound(G)
    assert math.isinf(lo) or math.isinf(hi)
    lo, hi = interval_bound(G, -1.0, 2.0)
    with torch.no_grad():
        x = G.net(torch.linspace(-1, 2, 10001)[:, None])
    assert lo <= x.min().item() and x.max().item() <= hi


def test_affine_map_range_and_mass_outside_closed_form() -> None:
    G = nn.Sequential(nn.Linear(1, 1))
    with torch.no_grad():
        G[0].weight.fill_(0.7), G[0].bias.fill_(7.0)  # G(z) = 7 + 0.7 z: the normal target itself
    m = mass_outside(G, 7 - 2.1, 7 + 2.1)
    assert m == pytest.approx(2 * stats.norm.sf(3.0), abs=1e-6)  # 0.27%
    assert mass_outside(G, 6.0, 100.0) == pytest.approx(stats.norm.cdf(-1 / 0.7), abs=1e-6)
    assert range_on_line(G, z_max=5.0, n=11) == pytest.approx((7 - 0.7 * 4.5454545, 7 + 0.7 * 4.5454545), abs=1e-6)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="Linear layers"):
        interval_bound(nn.Sequential(nn.Linear(1, 2), nn.Dropout(), nn.Linear(2, 1)))
    with pytest.raises(ValueError, match="a must be < b"):
        mass_outside(nn.Sequential(nn.Linear(1, 1)), 2.0, 1.0)
    with pytest.raises(ValueError, match="low must be <= high"):
        interval_bound(nn.Sequential(nn.Linear(1, 1)), 1.0, 0.0)
