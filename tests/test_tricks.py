"""The heuristic fixes of Salimans et al. (2016), instance noise and packing, against direct computations."""

import pytest
import torch

from ganlib.training import tricks
from ganlib.training.losses import d_loss_gan

DT = torch.float64


def test_one_sided_label_smoothing_is_cross_entropy_with_target_09():
    r, f = torch.tensor([2.0, -1.0], dtype=DT), torch.tensor([0.5, -3.0], dtype=DT)
    s = torch.sigmoid(r)
    expected = -(0.9 * torch.log(s) + 0.1 * torch.log(1 - s)).mean() - torch.log(1 - torch.sigmoid(f)).mean()
    assert d_loss_gan(r, f, 0.9).item() == pytest.approx(expected.item(), abs=1e-12)


def test_annealed_sigma():
    assert tricks.annealed_sigma(0.2, 1, 10) == 0.2
    assert tricks.annealed_sigma(0.2, 10, 10) == pytest.approx(0.02, abs=1e-15)
    with pytest.raises(ValueError, match="step"):
        tricks.annealed_sigma(0.2, 11, 10)


def test_dropout_masks_are_inverted_bernoulli():
    u = torch.rand(20000, 7, generator=torch.Generator().manual_seed(0), dtype=DT)
    masks = tricks.dropout_masks(u, [3, 4], 0.5)
    assert [m.shape for m in masks] == [(20000, 3), (20000, 4)]
    assert set(torch.cat([m.flatten() for m in masks]).unique().tolist()) == {0.0, 2.0}
    assert abs(torch.cat([m.flatten() for m in masks]).mean().item() - 1.0) < 0.02  # E mask = 1
    assert torch.equal(masks[0], (u[:, :3] >= 0.5).double() * 2)


def test_feature_matching_loss():
    a = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=DT)
    b = torch.tensor([[0.0, 0.0], [2.0, 0.0]], dtype=DT)
    assert tricks.feature_matching_loss(a, b).item() == pytest.approx((2 - 1) ** 2 + (3 - 0) ** 2, abs=1e-12)


def test_minibatch_features_by_loops():
    g = torch.Generator().manual_seed(0)
    f, T = torch.randn(4, 3, generator=g, dtype=DT), torch.randn(3, 2 * 5, generator=g, dtype=DT)
    o = tricks.minibatch_features(f, T, n_kernels=2)
    M = (f @ T).view(4, 2, 5)
    for i in range(4):
        for b in range(2):
            ref = sum(torch.exp(-(M[i, b] - M[j, b]).abs().sum()) for j in range(4))
            assert o[i, b].item() == pytest.approx(ref.item(), abs=1e-12)
    # identical samples: every o_b equals the batch size (a collapsed batch is visible to D)
    assert torch.allclose(tricks.minibatch_features(f[:1].repeat(4, 1), T, 2), torch.full((4, 2), 4.0, dtype=DT))


def test_minibatch_features_gradient_matches_finite_differences():
    """The gradient through the L1 distances (cdist) against central differences, float64, distinct rows."""
    g = torch.Generator().manual_seed(1)
    f, T = torch.randn(5, 3, generator=g, dtype=DT), torch.randn(3, 2 * 4, generator=g, dtype=DT)
    w = torch.randn(5, 2, generator=g, dtype=DT)
    loss = lambda f_, T_: (tricks.minibatch_features(f_, T_, 2) * w).sum()  # noqa: E731
    gf, gT = torch.func.grad(loss, argnums=(0, 1))(f, T)
    for _ in range(3):
        df, dT = torch.randn(f.shape, generator=g, dtype=DT), torch.randn(T.shape, generator=g, dtype=DT)
        h = 1e-6
        fd = (loss(f + h * df, T + h * dT) - loss(f - h * df, T - h * dT)) / (2 * h)
        assert abs(float((gf * df).sum() + (gT * dT).sum()) - float(fd)) < 1e-6 * max(1.0, abs(float(fd)))


def test_historical_average():
    thetas = [{"w": torch.tensor([float(i), 2.0 * i])} for i in range(1, 6)]
    avg = {"w": thetas[0]["w"].clone()}
    for t, th in enumerate(thetas[1:], start=2):
        avg = tricks.update_average(avg, th, t)
    assert torch.allclose(avg["w"], torch.tensor([3.0, 6.0]))
    p = {"w": torch.tensor([4.0, 6.0], requires_grad=True)}
    pen = tricks.historical_penalty(p, avg)
    assert pen.item() == pytest.approx(1.0)
    pen.backward()
    assert p["w"].grad.tolist() == [2.0, 0.0]  # the average is a constant


def test_pack():
    x = torch.arange(12.0).view(6, 2)
    assert tricks.pack(x, 3).tolist() == [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]]
    assert torch.equal(tricks.pack(x, 1), x)
    with pytest.raises(ValueError, match="k"):
        tricks.pack(x, 4)
