r"""Penalties on the discriminator's input gradient and on the game's vector field (chapter 5), as pure
functions (``torch.func``), so that they run under ``vmap`` and can be differentiated again.

``critic`` maps a batch (B, d) to outputs (B,) (logits or critic scores); its input gradient at each point is
the gradient of ``critic(x).sum()``, as each output depends only on its own row. All are ADDED to the
discriminator's loss (which it minimises), times a weight the caller chooses.

- WGAN-GP (Gulrajani et al., 2017): :math:`\mathbb{E}_{\hat x}(\|\nabla f(\hat x)\|_2 - 1)^2`,
  :math:`\hat x = \epsilon x + (1-\epsilon)\tilde x`, :math:`\epsilon \sim U[0,1]` per pair (the same
  penalty as ``ganlib.training.losses.gradient_penalty``, here with the uniforms passed in).
- DRAGAN (Kodali et al., 2017): :math:`\mathbb{E}_{x, \delta}(\|\nabla D(x + \delta)\|_2 - k)^2`,
  :math:`\delta \sim N(0, cI)`, around the REAL data only.
- R1 (Mescheder et al., 2018): :math:`\tfrac12\mathbb{E}_{x\sim p_{data}}\|\nabla D(x)\|_2^2`.
- Consensus optimisation (Mescheder et al., 2017): :math:`L = \tfrac12\|v\|^2`, v the vector of both
  players' loss gradients; each player descends its own loss plus :math:`\gamma L`.
- Weight clipping (Arjovsky et al., 2017): every critic weight clamped to [-c, c] after each update.
"""

from __future__ import annotations

from typing import Callable

import torch

Critic = Callable[[torch.Tensor], torch.Tensor]


def input_gradient(critic: Critic, x: torch.Tensor) -> torch.Tensor:
    """Per-row gradient of the critic's output with respect to its input, (B, d); differentiable again."""
    return torch.func.grad(lambda y: critic(y).sum())(x)


def _norms(g: torch.Tensor) -> torch.Tensor:
    return g.flatten(1).pow(2).sum(1).add(1e-12).sqrt()  # (B,); the 1e-12 keeps the gradient of the norm finite at 0


def wgan_gp_penalty(critic: Critic, real: torch.Tensor, fake: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """WGAN-GP penalty with the interpolation weights ``eps`` (B,) given; the fakes are treated as constants."""
    if real.shape != fake.shape or eps.shape != real.shape[:1]:
        raise ValueError(f"real and fake must have one shape (B, d) and eps shape (B,), got {tuple(real.shape)}, "
                         f"{tuple(fake.shape)}, {tuple(eps.shape)}")
    e = eps.reshape(-1, *([1] * (real.ndim - 1)))
    x_hat = e * real + (1 - e) * fake.detach()
    return ((_norms(input_gradient(critic, x_hat)) - 1) ** 2).mean()


def dragan_penalty(critic: Critic, real: torch.Tensor, noise: torch.Tensor, k: float = 1.0) -> torch.Tensor:
    """DRAGAN's local penalty at the perturbed real points ``real + noise`` (noise drawn by the caller)."""
    if real.shape != noise.shape:
        raise ValueError(f"real and noise must have the same shape, got {tuple(real.shape)} and {tuple(noise.shape)}")
    return ((_norms(input_gradient(critic, real + noise)) - k) ** 2).mean()


def r1_penalty(critic: Critic, real: torch.Tensor) -> torch.Tensor:
    """R1: half the mean squared norm of the discriminator's input gradient at the real data."""
    return 0.5 * input_gradient(critic, real).flatten(1).pow(2).sum(1).mean()


def consensus_penalty(*grads: dict[str, torch.Tensor]) -> torch.Tensor:
    r"""Consensus term :math:`\tfrac12\|v\|^2` from the players' gradient dicts (built with graphs, e.g. by
    ``torch.func.grad``), so that its own gradient can be taken."""
    return 0.5 * sum(g.pow(2).sum() for d in grads for g in d.values())


def clip_weights(params: dict[str, torch.Tensor], c: float) -> dict[str, torch.Tensor]:
    """Every entry clamped to [-c, c] (WGAN's crude Lipschitz constraint)."""
    if not c > 0:
        raise ValueError(f"c (the clipping bound) must be positive, got {c!r}")
    return {k: v.clamp(-c, c) for k, v in params.items()}
