"""ganlib.training.losses against their definitions on probabilities (an independent, naive oracle) and autograd."""

import math

import pytest
import torch

from ganlib.training import losses as L



def naive_v(real_logits, fake_logits, phi):
    d_real, d_fake = torch.sigmoid(real_logits), torch.sigmoid(fake_logits)
    return phi(d_real).mean() + phi(1 - d_fake).mean()


@pytest.fixture
def logits():
    g = torch.Generator().manual_seed(0)
    return torch.randn(256, generator=g, dtype=torch.float64), torch.randn(256, generator=g, dtype=torch.float64)


def test_value_function_log_matches_naive(logits):
    r, f = logits
    assert torch.allclose(L.value_function(r, f, "log"), naive_v(r, f, torch.log), atol=1e-12)


def test_value_function_callable_phi(logits):
    r, f = logits
    phi = torch.sqrt  # another concave, increasing measuring function
    assert torch.allclose(L.value_function(r, f, phi), naive_v(r, f, phi), atol=1e-12)


def test_value_function_at_d_half_is_two_phi_half():
    zeros = torch.zeros(10, dtype=torch.float64)  # logit 0: D = 1/2
    assert math.isclose(L.value_function(zeros, zeros, "log").item(), 2 * math.log(0.5), rel_tol=1e-12)
    assert math.isclose(L.value_function(zeros, zeros, torch.sqrt).item(), 2 * math.sqrt(0.5), rel_tol=1e-12)


def test_value_function_identity_is_one_plus_critic_gap():
    f_real, f_fake = torch.tensor([3.0, 5.0]), torch.tensor([-1.0, 0.0])
    assert L.value_function(f_real, f_fake, "identity").item() == pytest.approx(1 + 4.0 - (-0.5))


def test_stable_for_extreme_logits():
    big = torch.tensor([-800.0, 800.0], dtype=torch.float64)
    for value in [L.value_function(big, big), L.d_loss_gan(big, big), L.g_loss_minimax(big),
                  L.g_loss_nonsaturating(big)]:
        assert torch.isfinite(value)
    # log(1 - D) with D = sigma(-800) is ~ -0; naive log(sigmoid) would give -inf for the other entry
    assert L.g_loss_nonsaturating(torch.tensor([-800.0])).item() == pytest.approx(800.0)


def test_d_loss_is_minus_v_and_matches_bce(logits):
    r, f = logits
    assert torch.allclose(L.d_loss_gan(r, f), -L.value_function(r, f), atol=1e-12)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    expected = bce(r, torch.full_like(r, 0.9)) + bce(f, torch.zeros_like(f))
    assert torch.allclose(L.d_loss_gan(r, f, real_label=0.9), expected, atol=1e-12)


def test_generator_losses_match_naive_definitions(logits):
    _, f = logits
    d = torch.sigmoid(f)
    assert torch.allclose(L.g_loss_minimax(f), torch.log(1 - d).mean(), atol=1e-12)
    assert torch.allclose(L.g_loss_nonsaturating(f), -torch.log(d).mean(), atol=1e-12)
    assert torch.allclose(L.g_loss_mle(f), (d / (d - 1)).mean(), atol=1e-10)  # essay's form E[D/(D-1)]


def test_generator_gradients_saturate_as_claimed():
    """d/dl of the minimax loss is -sigma(l) (vanishes as D -> 0); non-saturating is -(1 - sigma(l))."""
    l = torch.linspace(-10, 10, 41, dtype=torch.float64).requires_grad_(True)
    (g_mm,) = torch.autograd.grad(L.g_loss_minimax(l) * len(l), l)
    (g_ns,) = torch.autograd.grad(L.g_loss_nonsaturating(l) * len(l), l)
    assert torch.allclose(g_mm, -torch.sigmoid(l), atol=1e-12)
    assert torch.allclose(g_ns, -(1 - torch.sigmoid(l)), atol=1e-12)


def test_wasserstein_least_squares_hinge(logits):
    r, f = logits
    assert torch.allclose(L.d_loss_wasserstein(r, f), f.mean() - r.mean())
    assert torch.allclose(L.g_loss_wasserstein(f), -f.mean())
    assert torch.allclose(L.d_loss_least_squares(r, f), 0.5 * ((r - 1) ** 2).mean() + 0.5 * (f**2).mean())
    assert torch.allclose(L.g_loss_least_squares(f), 0.5 * ((f - 1) ** 2).mean())
    assert torch.allclose(L.d_loss_hinge(r, f), torch.clamp(1 - r, min=0).mean() + torch.clamp(1 + f, min=0).mean())
    assert torch.allclose(L.g_loss_hinge(f), -f.mean())


def test_gradient_penalty_zero_for_unit_slope_and_positive_otherwise():
    x, y = torch.randn(64, 3), torch.randn(64, 3)
    u = torch.tensor([0.6, 0.8, 0.0])
    g = torch.Generator().manual_seed(0)
    assert L.gradient_penalty(lambda t: t @ u, x, y, g).item() == pytest.approx(0.0, abs=1e-12)
    assert L.gradient_penalty(lambda t: 3 * (t @ u), x, y, g).item() == pytest.approx(4.0)  # (3 - 1)^2
    # quadratic critic: oracle by hand, gradient of |t|^2 is 2t
    g1, g2 = torch.Generator().manual_seed(5), torch.Generator().manual_seed(5)
    eps = torch.rand(64, 1, generator=g2)
    x_hat = eps * x + (1 - eps) * y
    expected = ((2 * x_hat.norm(dim=1) - 1) ** 2).mean()
    assert torch.allclose(L.gradient_penalty(lambda t: (t**2).sum(1), x, y, g1), expected)


def test_bad_inputs():
    with pytest.raises(ValueError, match="real_logits must be a 1-D tensor"):
        L.d_loss_gan(torch.zeros(4, 1), torch.zeros(4))
    with pytest.raises(ValueError, match="phi must be"):
        L.value_function(torch.zeros(2), torch.zeros(2), phi="sqrt")
    with pytest.raises(ValueError, match="real_label must be in"):
        L.d_loss_gan(torch.zeros(2), torch.zeros(2), real_label=1.5)
    with pytest.raises(ValueError, match="same shape"):
        L.gradient_penalty(lambda t: t.sum(1), torch.zeros(2, 3), torch.zeros(3, 3))
    with pytest.raises(ValueError, match="d_loss must be one of"):
        L.get_losses("bce", "nonsaturating")
    with pytest.raises(ValueError, match="g_loss must be one of"):
        L.get_losses("gan", "saturating")
