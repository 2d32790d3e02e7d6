"""Gradient penalties and consensus against closed forms, autograd and ganlib.training.losses."""

import pytest
import torch

from ganlib.training import regularisers as reg
from ganlib.training.losses import gradient_penalty

DT = torch.float64


def _linear(a, b=0.0):
    return lambda x: x @ a + b  # gradient a everywhere


def test_penalties_of_a_linear_critic_are_closed_forms():
    a = torch.tensor([3.0, 4.0], dtype=DT)  # |grad| = 5
    x = torch.randn(7, 2, dtype=DT, generator=torch.Generator().manual_seed(0))
    assert reg.r1_penalty(_linear(a), x).item() == pytest.approx(12.5, abs=1e-12)
    assert reg.dragan_penalty(_linear(a), x, torch.ones_like(x), k=1.0).item() == pytest.approx(16.0, abs=1e-9)
    assert reg.wgan_gp_penalty(_linear(a), x, x + 1, torch.rand(7, dtype=DT)).item() == pytest.approx(16.0, abs=1e-9)


def test_quadratic_critic_r1():
    """f(x) = |x|^2 / 2 has gradient x, so R1 = E|x|^2 / 2."""
    x = torch.randn(11, 3, dtype=DT, generator=torch.Generator().manual_seed(1))
    assert reg.r1_penalty(lambda y: 0.5 * (y ** 2).sum(1), x).item() == pytest.approx(0.5 * (x ** 2).sum(1).mean().item(),
                                                                                     abs=1e-12)


def test_wgan_gp_matches_ganlib_losses():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1)).double()
    critic = lambda x: net(x).squeeze(1)  # noqa: E731
    real, fake = torch.randn(9, 2, dtype=DT), torch.randn(9, 2, dtype=DT)
    g = torch.Generator().manual_seed(5)
    ref = gradient_penalty(critic, real, fake, generator=g)
    eps = torch.rand((9, 1), generator=torch.Generator().manual_seed(5), dtype=DT)[:, 0]
    # 1e-9: wgan_gp_penalty adds 1e-12 under the square root (a finite gradient of the norm at 0)
    assert reg.wgan_gp_penalty(critic, real, fake, eps).item() == pytest.approx(ref.item(), abs=1e-9)


def test_dragan_differs_from_gp_and_is_local_to_the_data():
    """DRAGAN evaluates at real + noise only: moving the fakes does not change it."""
    net = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1)).double()
    critic = lambda x: net(x).squeeze(1)  # noqa: E731
    x = torch.randn(5, 2, dtype=DT)
    n = 0.1 * torch.randn(5, 2, dtype=DT)
    d1 = reg.dragan_penalty(critic, x, n)
    assert d1.item() > 0
    assert torch.equal(d1, reg.dragan_penalty(critic, x, n))


def test_consensus_gradient_is_jacobian_transpose_v():
    """For V = x y (losses x y for D... ) the consensus term 0.5 (y^2 + x^2) has gradient (x, y)."""
    xy = {"x": torch.tensor(0.7, dtype=DT), "y": torch.tensor(-1.3, dtype=DT)}

    def L(p):
        gx = torch.func.grad(lambda x: x * p["y"])(p["x"])  # player x's loss x*y: gradient y
        gy = torch.func.grad(lambda y: -p["x"] * y)(p["y"])  # player y's loss -x*y: gradient -x
        return reg.consensus_penalty({"a": gx}, {"b": gy})

    assert L(xy).item() == pytest.approx(0.5 * (0.7 ** 2 + 1.3 ** 2), abs=1e-15)
    g = torch.func.grad(L)(xy)
    assert g["x"].item() == pytest.approx(0.7, abs=1e-15) and g["y"].item() == pytest.approx(-1.3, abs=1e-15)


def test_clip_weights():
    p = {"w": torch.tensor([-1.0, 0.005, 2.0], dtype=DT)}
    assert reg.clip_weights(p, 0.01)["w"].tolist() == [-0.01, 0.005, 0.01]
    with pytest.raises(ValueError, match="c"):
        reg.clip_weights(p, 0.0)


def test_shape_errors():
    with pytest.raises(ValueError, match="eps"):
        reg.wgan_gp_penalty(_linear(torch.ones(2)), torch.zeros(3, 2), torch.zeros(3, 2), torch.zeros(2))
    with pytest.raises(ValueError, match="noise"):
        reg.dragan_penalty(_linear(torch.ones(2)), torch.zeros(3, 2), torch.zeros(2, 2))
