r"""GAN objectives, all computed from discriminator outputs and all written as losses to MINIMISE.

Sign conventions (chapter 2). The discriminator outputs a logit :math:`l(x)` and
:math:`D(x) = \sigma(l(x))`. The value function of the essay (section 2.1.1) is

.. math:: V(G, D) = \mathbb{E}_{x\sim p_{data}}[\phi(D(x))] + \mathbb{E}_{z\sim p_z}[\phi(1 - D(G(z)))].

D maximises V, so its loss is :math:`-V`; G minimises V (minimax) or a surrogate. With logits,
:math:`\log D = -\mathrm{softplus}(-l)` and :math:`\log(1 - D) = -\mathrm{softplus}(l)`, which stay finite
where :math:`\log\sigma(l)` would round to :math:`\log 0`.

For the Wasserstein, least-squares and hinge families the "logit" is a raw critic score :math:`f(x)`,
not passed through a sigmoid.
"""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

Phi = str | Callable[[torch.Tensor], torch.Tensor]


def _check(t: torch.Tensor, name: str) -> torch.Tensor:
    """Return ``t`` after checking it is a (B,) batch of discriminator outputs."""
    if not torch.is_tensor(t) or t.ndim != 1:
        shape = tuple(t.shape) if torch.is_tensor(t) else type(t).__name__
        raise ValueError(f"{name} must be a 1-D tensor of discriminator outputs (B,), got {shape}; "
                         "squeeze the trailing dimension")
    return t


def value_function(real_logits: torch.Tensor, fake_logits: torch.Tensor, phi: Phi = "log") -> torch.Tensor:
    r"""Monte Carlo estimate of V(G, D) with measuring function phi (essay 2.1.1; Proposition 2, chapter 2).

    - ``phi="log"`` (Goodfellow et al., 2014): :math:`\mathbb{E}\log\sigma(l(x)) + \mathbb{E}\log(1-\sigma(l(G(z))))`.
    - ``phi="identity"``: the inputs are critic values f, taken as they are (no sigmoid):
      :math:`\mathbb{E} f(x) + \mathbb{E}[1 - f(G(z))] = 1 + \mathbb{E} f(x) - \mathbb{E} f(G(z))`; its supremum over
      1-Lipschitz f is :math:`1 + W_1(p_{data}, p_G)`.
    - a callable phi: applied to probabilities, :math:`\mathbb{E}\phi(\sigma(l(x))) + \mathbb{E}\phi(1-\sigma(l(G(z))))`.
    """
    if phi == "log":
        return -F.softplus(-_check(real_logits, "real_logits")).mean() - \
            F.softplus(_check(fake_logits, "fake_logits")).mean()
    if phi == "identity":
        return _check(real_logits, "real_logits").mean() + 1.0 - _check(fake_logits, "fake_logits").mean()
    if callable(phi):
        return phi(torch.sigmoid(_check(real_logits, "real_logits"))).mean() + \
            phi(torch.sigmoid(-_check(fake_logits, "fake_logits"))).mean()  # 1 - sigma(l) = sigma(-l)
    raise ValueError(f"phi must be 'log', 'identity' or a callable, got {phi!r}")


def d_loss_gan(real_logits: torch.Tensor, fake_logits: torch.Tensor, real_label: float = 1.0) -> torch.Tensor:
    r"""Discriminator loss -V with phi = log: :math:`\mathbb{E}\,\mathrm{softplus}(-l(x)) + \mathbb{E}\,\mathrm{softplus}(l(G(z)))`.

    ``real_label < 1`` gives one-sided label smoothing (Salimans et al., 2016): the real term becomes the
    binary cross-entropy against target ``real_label``.
    """
    if not 0.0 < real_label <= 1.0:
        raise ValueError(f"real_label must be in (0, 1], got {real_label}")
    _check(real_logits, "real_logits"), _check(fake_logits, "fake_logits")
    real = F.softplus(-real_logits).mean() if real_label == 1.0 else \
        F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, real_label))
    return real + F.softplus(fake_logits).mean()


def g_loss_minimax(fake_logits: torch.Tensor) -> torch.Tensor:
    r"""Minimax (saturating) generator loss :math:`\mathbb{E}\log(1 - D(G(z))) = -\mathbb{E}\,\mathrm{softplus}(l)`.

    Its gradient in l is :math:`-\sigma(l) = -D`: it vanishes when D confidently rejects fakes (chapter 2).
    """
    return -F.softplus(_check(fake_logits, "fake_logits")).mean()


def g_loss_nonsaturating(fake_logits: torch.Tensor) -> torch.Tensor:
    r"""Non-saturating generator loss :math:`-\mathbb{E}\log D(G(z)) = \mathbb{E}\,\mathrm{softplus}(-l)`.

    Its gradient in l is :math:`-(1 - D)`, large exactly when D rejects the fakes (Goodfellow et al., 2014).
    """
    return F.softplus(-_check(fake_logits, "fake_logits")).mean()


def g_loss_mle(fake_logits: torch.Tensor) -> torch.Tensor:
    r"""MLE generator loss of Theorem 3 (chapter 2): :math:`-\mathbb{E}\,e^{\sigma^{-1}(D(G(z)))} = -\mathbb{E}\,e^{l}`.

    Equal to :math:`\mathbb{E}[D/(D - 1)]`. Goodfellow (2016) writes it with a factor 1/2, which the essay
    drops; the factor does not change the minimiser. With D optimal its gradient equals that of
    :math:`KL(p_{data} \| p_G)`.
    """
    return -torch.exp(_check(fake_logits, "fake_logits")).mean()


def d_loss_wasserstein(real_scores: torch.Tensor, fake_scores: torch.Tensor) -> torch.Tensor:
    r"""Critic loss of WGAN (Arjovsky et al., 2017): :math:`\mathbb{E} f(G(z)) - \mathbb{E} f(x)`.

    Minimising it maximises :math:`\mathbb{E} f(x) - \mathbb{E} f(G(z))`, which over 1-Lipschitz f is
    :math:`W_1` (Kantorovich-Rubinstein). The Lipschitz constraint is not in the loss: add
    :func:`gradient_penalty` or clip weights.
    """
    return _check(fake_scores, "fake_scores").mean() - _check(real_scores, "real_scores").mean()


def g_loss_wasserstein(fake_scores: torch.Tensor) -> torch.Tensor:
    r"""WGAN generator loss :math:`-\mathbb{E} f(G(z))`."""
    return -_check(fake_scores, "fake_scores").mean()


def gradient_penalty(critic: Callable[[torch.Tensor], torch.Tensor], real: torch.Tensor, fake: torch.Tensor,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    r"""WGAN-GP penalty (Gulrajani et al., 2017): :math:`\mathbb{E}(\|\nabla_{\hat x} f(\hat x)\|_2 - 1)^2`.

    :math:`\hat x = \epsilon x + (1 - \epsilon)\tilde x` with :math:`\epsilon \sim U[0, 1]` per sample, drawn from
    ``generator`` (on the inputs' device). Multiply by the weight (10 in the paper) yourself.
    """
    if real.shape != fake.shape:
        raise ValueError(f"real and fake must have the same shape, got {tuple(real.shape)} and {tuple(fake.shape)}")
    eps = torch.rand((real.shape[0],) + (1,) * (real.ndim - 1), generator=generator,
                     device=real.device, dtype=real.dtype)
    x_hat = (eps * real + (1 - eps) * fake.detach()).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()


def d_loss_least_squares(real_scores: torch.Tensor, fake_scores: torch.Tensor,
                         a: float = 0.0, b: float = 1.0) -> torch.Tensor:
    r"""LSGAN discriminator loss (Mao et al., 2017): :math:`\tfrac12\mathbb{E}(f(x) - b)^2 + \tfrac12\mathbb{E}(f(G(z)) - a)^2`."""
    return 0.5 * ((_check(real_scores, "real_scores") - b) ** 2).mean() + \
        0.5 * ((_check(fake_scores, "fake_scores") - a) ** 2).mean()


def g_loss_least_squares(fake_scores: torch.Tensor, c: float = 1.0) -> torch.Tensor:
    r"""LSGAN generator loss :math:`\tfrac12\mathbb{E}(f(G(z)) - c)^2`."""
    return 0.5 * ((_check(fake_scores, "fake_scores") - c) ** 2).mean()


def d_loss_hinge(real_scores: torch.Tensor, fake_scores: torch.Tensor) -> torch.Tensor:
    r"""Hinge discriminator loss (Lim and Ye, 2017): :math:`\mathbb{E}\max(0, 1 - f(x)) + \mathbb{E}\max(0, 1 + f(G(z)))`."""
    return F.relu(1 - _check(real_scores, "real_scores")).mean() + \
        F.relu(1 + _check(fake_scores, "fake_scores")).mean()


def g_loss_hinge(fake_scores: torch.Tensor) -> torch.Tensor:
    r"""Hinge generator loss :math:`-\mathbb{E} f(G(z))`."""
    return -_check(fake_scores, "fake_scores").mean()


D_LOSSES: dict[str, Callable[..., torch.Tensor]] = {
    "gan": d_loss_gan, "wasserstein": d_loss_wasserstein, "least_squares": d_loss_least_squares, "hinge": d_loss_hinge,
}
G_LOSSES: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "minimax": g_loss_minimax, "nonsaturating": g_loss_nonsaturating, "mle": g_loss_mle,
    "wasserstein": g_loss_wasserstein, "least_squares": g_loss_least_squares, "hinge": g_loss_hinge,
}


def get_losses(d_loss: str, g_loss: str) -> tuple[Callable[..., torch.Tensor], Callable[[torch.Tensor], torch.Tensor]]:
    """Look up a (discriminator, generator) loss pair by name, with a clear error for unknown names."""
    if d_loss not in D_LOSSES:
        raise ValueError(f"d_loss must be one of {sorted(D_LOSSES)}, got {d_loss!r}")
    if g_loss not in G_LOSSES:
        raise ValueError(f"g_loss must be one of {sorted(G_LOSSES)}, got {g_loss!r}")
    return D_LOSSES[d_loss], G_LOSSES[g_loss]
