r"""A small GAN on a 2-D mixture at an EXACT equilibrium, for the Jacobian analysis of Mescheder et al. (2017).

Generator :math:`G_\theta(u) = W_2\tanh(W_1 u + b_1) + b_2` and discriminator
:math:`D_\psi(x) = V_2\tanh(V_1 x + c_1) + c_2`, all parameters in one float64 vector z = (theta, psi). The
latent batch :math:`u_1..u_n` is a fixed sample of a mixture of four Gaussians in the plane, and the data are
a teacher's images of it, :math:`x_k = G_{\theta^*}(u_k)` (a warped four-mode mixture), so that the model is
realisable. With :math:`f(t) = -\log(1 + e^{-t})` and the convention of :mod:`ganlib.theory.diffgames`
(theta minimises, psi maximises),

.. math::  L(\theta, \psi) = \tfrac1n\sum_k f(D_\psi(G_\theta(u_k))) + \tfrac1n\sum_k f(-D_\psi(x_k)).

At :math:`\bar z = (\theta^*, \psi)` with :math:`V_2 = 0, c_2 = 0` (so :math:`D \equiv 0`) and any hidden layer
:math:`V_1, c_1`: the fake and real batches coincide and :math:`\nabla_x D \equiv 0`, so v = 0, and
:math:`\bar z` is a Nash equilibrium (:math:`f(t) + f(-t) \le 2 f(0)` by concavity; L does not depend on
theta when D = 0). Its Jacobian has blocks :math:`J_{\theta\theta} = 0`,
:math:`J_{\psi\theta} = -J_{\theta\psi}^\top` and :math:`J_{\psi\psi} = 2 f''(0)\,\tfrac1n\sum_k \nabla_\psi
D(x_k)\nabla_\psi D(x_k)^\top \preceq 0`: its symmetric part is negative semi-definite.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def _unpack(z: torch.Tensor, hidden: int) -> tuple[torch.Tensor, ...]:
    sizes = [2 * hidden, hidden, 2 * hidden, 2, 2 * hidden, hidden, hidden, 1]
    w1, b1, w2, b2, v1, c1, v2, c2 = torch.split(z, sizes)
    return (w1.view(hidden, 2), b1, w2.view(2, hidden), b2, v1.view(hidden, 2), c1, v2.view(1, hidden), c2)


def n_generator_params(hidden: int) -> int:
    """theta has 5 hidden + 2 entries (W1, b1, W2, b2); psi has 4 hidden + 1."""
    return 5 * hidden + 2


def generate(z: torch.Tensor, u: torch.Tensor, hidden: int) -> torch.Tensor:
    """G_theta(u), shape (n, 2)."""
    w1, b1, w2, b2, *_ = _unpack(z, hidden)
    return torch.tanh(u @ w1.T + b1) @ w2.T + b2


def discriminate(z: torch.Tensor, x: torch.Tensor, hidden: int) -> torch.Tensor:
    """D_psi(x), shape (n,)."""
    *_, v1, c1, v2, c2 = _unpack(z, hidden)
    return (torch.tanh(x @ v1.T + c1) @ v2.T + c2)[:, 0]


def mixture_latents(n: int, seed: int) -> torch.Tensor:
    """n points of (1/4) sum N(m_j, 0.3^2 I) with m_j = (+-1, +-1), shape (n, 2), float64."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 4:
        raise ValueError(f"n must be an int >= 4, got {n!r}")
    gen = torch.Generator().manual_seed(seed)
    centres = torch.tensor([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]], dtype=torch.float64)
    return centres[torch.arange(n) % 4] + 0.3 * torch.randn(n, 2, generator=gen, dtype=torch.float64)


def equilibrium_game(hidden: int = 8, n: int = 64, seed: int = 0):
    """(loss, z_bar, n_first, latents, data) of the realisable GAN described in the module docstring."""
    if isinstance(hidden, bool) or not isinstance(hidden, int) or hidden < 1:
        raise ValueError(f"hidden must be a positive int, got {hidden!r}")
    gen = torch.Generator().manual_seed(seed + 1)
    n_first = n_generator_params(hidden)
    z_bar = torch.randn(n_first + 4 * hidden + 1, generator=gen, dtype=torch.float64) / math.sqrt(2.0)
    z_bar[-(hidden + 1):] = 0.0  # V2 = 0, c2 = 0: D is identically 0
    u = mixture_latents(n, seed)
    data = generate(z_bar, u, hidden).detach()  # the teacher's images: bitwise the generator's output at z_bar

    def loss(z: torch.Tensor) -> torch.Tensor:
        fake = discriminate(z, generate(z, u, hidden), hidden)
        real = discriminate(z, data, hidden)
        return -F.softplus(-fake).mean() - F.softplus(real).mean()  # f(D(G(u))) + f(-D(x))

    return loss, z_bar, n_first, u, data
