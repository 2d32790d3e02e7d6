r"""The optimal discriminator (Proposition 1) and the value V(G, D) as an integral (chapter 2).

On the grid, with densities p (data) and q (generator) sampled at the points,

.. math:: V(G, D) = \int p(x)\,\phi(D(x)) + q(x)\,\phi(1 - D(x))\,dx,

(the essay's change of variables x = G(z)). D maximises V pointwise, and for phi = log the maximiser is
:math:`D^* = p / (p + q)` (Goodfellow et al., 2014). :func:`fit_discriminator` instead trains an MLP on samples
by maximising the Monte Carlo V of ``ganlib.training.losses.value_function``; :func:`fit_critic` trains a WGAN-GP critic
(1-Lipschitz up to the penalty) for Proposition 2.
"""

from __future__ import annotations

import math
from typing import Callable

import torch

from ganlib.device import make_generator
from ganlib.training.losses import d_loss_gan, d_loss_wasserstein, gradient_penalty
from ganlib.nets.models import MLPDiscriminator

PhiLike = str | Callable[[torch.Tensor], torch.Tensor]
_GOLDEN = (math.sqrt(5) - 1) / 2


def _phi(phi: PhiLike) -> Callable[[torch.Tensor], torch.Tensor]:
    if phi == "log":
        return torch.log
    if phi == "identity":
        return lambda t: t
    if callable(phi):
        return phi
    raise ValueError(f"phi must be 'log', 'identity' or a callable on tensors, got {phi!r}")


def _pair(p: torch.Tensor, q: torch.Tensor) -> None:
    if not (torch.is_tensor(p) and torch.is_tensor(q)) or p.shape != q.shape:
        raise ValueError("p_data and p_g must be tensors of the same shape (densities on one grid), got "
                         f"{getattr(p, 'shape', type(p).__name__)} and {getattr(q, 'shape', type(q).__name__)}")
    if (p.detach() < 0).any() or (q.detach() < 0).any():
        raise ValueError("p_data and p_g must be non-negative (densities)")


def optimal_d(p_data: torch.Tensor, p_g: torch.Tensor) -> torch.Tensor:
    r"""Proposition 1: :math:`D^*(x) = p_{data}(x) / (p_{data}(x) + p_G(x))`; 1/2 where both densities vanish."""
    _pair(p_data, p_g)
    total = p_data + p_g
    return torch.where(total > 0, p_data / torch.where(total > 0, total, torch.ones_like(total)),
                       torch.full_like(total, 0.5))


def value_on_grid(d: torch.Tensor, p_data: torch.Tensor, p_g: torch.Tensor, dx: float,
                  phi: PhiLike = "log") -> torch.Tensor:
    r""":math:`V = \int p_{data}\,\phi(D) + p_G\,\phi(1 - D)\,dx` by a Riemann sum; terms with zero density count 0."""
    _pair(p_data, p_g)
    if d.shape != p_data.shape:
        raise ValueError(f"d must be D at the grid points, shape {tuple(p_data.shape)}, got {tuple(d.shape)}")
    f = _phi(phi)
    tiny = torch.finfo(d.dtype).tiny  # D or 1 - D can round to 0 where one density is ~1e-300 of the other
    real = torch.where(p_data > 0, p_data * f(torch.where(p_data > 0, d, 0.5).clamp(min=tiny)), 0.0)
    fake = torch.where(p_g > 0, p_g * f(torch.where(p_g > 0, 1 - d, 0.5).clamp(min=tiny)), 0.0)
    return dx * (real + fake).sum()


def pointwise_max_d(p_data: torch.Tensor, p_g: torch.Tensor, phi: PhiLike = "log", iters: int = 80) -> torch.Tensor:
    r"""Maximise :math:`a\,\phi(D) + b\,\phi(1 - D)` over D in [0, 1] at every grid point by golden-section search.

    Uses only that phi is concave (so each pointwise objective is unimodal), not the closed form: it is the
    numerical side of the check of Proposition 1. After ``iters`` steps the bracket is 0.618**iters wide.
    """
    _pair(p_data, p_g)
    f = _phi(phi)
    a, b = p_data.detach(), p_g.detach()

    def obj(t: torch.Tensor) -> torch.Tensor:
        return a * f(t) + b * f(1 - t)

    lo, hi = torch.zeros_like(a), torch.ones_like(a)
    for _ in range(iters):
        m1, m2 = hi - _GOLDEN * (hi - lo), lo + _GOLDEN * (hi - lo)
        left_better = obj(m1) >= obj(m2)
        hi, lo = torch.where(left_better, m2, hi), torch.where(left_better, lo, m1)
    return (lo + hi) / 2


def _seeded_model(seed: int, **kwargs) -> MLPDiscriminator:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return MLPDiscriminator(**kwargs)


def fit_discriminator(p_data, p_g, steps: int = 2000, batch: int = 512, lr: float = 1e-3, hidden: int = 64,
                      seed: int = 0) -> MLPDiscriminator:
    r"""Train an MLP discriminator on fresh samples of two 1-D distributions by maximising V (phi = log).

    Minimises ``d_loss_gan`` = -V with Adam. The returned net gives logits; its D = sigmoid(logit) should
    approach :math:`D^*` of Proposition 1 wherever both distributions put mass.
    """
    if steps < 1 or batch < 1:
        raise ValueError(f"steps and batch must be positive, got steps={steps}, batch={batch}")
    gen = make_generator(seed)
    model = _seeded_model(seed, d_in=p_data.dim, hidden=hidden)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        real, fake = p_data.sample(batch, seed=gen), p_g.sample(batch, seed=gen)  # (batch, d) each
        loss = d_loss_gan(model(real), model(fake))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model.eval()


def fit_critic(p_data, p_g, steps: int = 2000, batch: int = 512, lr: float = 1e-3, hidden: int = 64,
               gp_weight: float = 10.0, seed: int = 0) -> MLPDiscriminator:
    r"""Train a WGAN-GP critic f: maximise :math:`\mathbb{E}_{p_{data}} f - \mathbb{E}_{p_G} f - \lambda\,GP`.

    The gradient penalty (Gulrajani et al., 2017) keeps f close to 1-Lipschitz, so the trained value
    approaches :math:`W_1(p_{data}, p_G)` from below (Kantorovich-Rubinstein; Proposition 2, chapter 2).
    """
    if steps < 1 or batch < 1:
        raise ValueError(f"steps and batch must be positive, got steps={steps}, batch={batch}")
    gen = make_generator(seed)
    model = _seeded_model(seed, d_in=p_data.dim, hidden=hidden)
    opt = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.5, 0.9))
    for _ in range(steps):
        real, fake = p_data.sample(batch, seed=gen), p_g.sample(batch, seed=gen)  # (batch, d) each
        loss = d_loss_wasserstein(model(real), model(fake)) + gp_weight * gradient_penalty(model, real, fake, gen)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model.eval()


def kinked_phi(t: torch.Tensor) -> torch.Tensor:
    r"""A strictly concave, increasing measuring function with a kink at 1/2: :math:`\min(2t, t + \tfrac12) - (t - \tfrac12)^2`.

    Its one-sided derivatives at 1/2 are 2 (left) and 1 (right). The pointwise objective
    :math:`a\,\phi(D) + b\,\phi(1 - D)` is then maximised at D = 1/2 whenever :math:`a/2 \le b \le 2a`, so for
    :math:`p_G / p_{data} \in [1/2, 2]` everywhere, :math:`C(G) = 2\phi(1/2)` although :math:`p_G \ne p_{data}`: the
    counterexample to uniqueness of the minimiser without differentiability at 1/2 (chapter 2).
    """
    return torch.minimum(2 * t, t + 0.5) - (t - 0.5) ** 2
