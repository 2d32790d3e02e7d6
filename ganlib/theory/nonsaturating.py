r"""What the non-saturating generator minimises when D is optimal (chapter 2; Arjovsky and Bottou, 2017, Thm 2.5).

Generator family as in :mod:`ganlib.theory.mle_gradient`: :math:`G_\theta(z) = \mu + e^{\rho} z`,
:math:`\theta = (\mu, \rho)`, :math:`p_\theta = N(\mu, e^{2\rho})`. Hold :math:`D = D^*_{\theta_0}
= p_{data} / (p_{data} + p_{\theta_0})` fixed. The non-saturating loss :math:`J(\theta) = -\mathbb E_z \log D(G_\theta(z))`
has the gradient

.. math:: \nabla_\theta J(\theta_0) = \int \nabla_\theta p_\theta\,\big[\log(p_{data} + p_{\theta_0}) - \log p_{data}\big]
          = \nabla_\theta\big[KL(p_\theta \| p_{data}) - 2\,JS(p_\theta \| p_{data})\big]_{\theta_0},

(the JS term's derivative through :math:`M = (p_\theta + p_{data})/2` integrates to 0). So the non-saturating
generator follows the *reverse* KL, which is mode seeking, minus twice the JS, which rewards moving away from
the data: the missing explanation of mode dropping. :func:`nonsaturating_objective` is that difference on a grid.
Expectations over z use deterministic quantile nodes (``ganlib.distances.quadrature.normal_quantile_nodes``).
"""

from __future__ import annotations

import math

import torch

from ganlib.distances.divergences import js, kl
from ganlib.distances.quadrature import normal_quantile_nodes
from ganlib.training.losses import g_loss_nonsaturating


def _normal_logpdf(x: torch.Tensor, mean: torch.Tensor, log_std: torch.Tensor) -> torch.Tensor:
    return -0.5 * ((x - mean) / torch.exp(log_std)) ** 2 - log_std - 0.5 * math.log(2 * math.pi)


def nonsaturating_objective(p_data: torch.Tensor, p_g: torch.Tensor, dx: float, atol: float = 1e-4) -> torch.Tensor:
    r""":math:`KL(p_G \| p_{data}) - 2\,JS(p_G \| p_{data})` by quadrature (densities on a grid of spacing dx)."""
    return kl(p_g, p_data, dx=dx, atol=atol) - 2 * js(p_g, p_data, dx=dx, atol=atol)


def nonsaturating_loss_gradient(p_data, theta0: tuple[float, float], n_nodes: int = 20000) -> torch.Tensor:
    """Gradient in theta = (mu, rho) of -E_z log D(G_theta(z)) at theta0, D = D* of theta0 held fixed; shape (2,)."""
    if len(theta0) != 2:
        raise ValueError(f"theta0 must be (mu, log s), got {theta0!r}")
    theta = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    z = normal_quantile_nodes(n_nodes)[:, 0]  # (n,)
    x = theta[0] + torch.exp(theta[1]) * z  # G_theta(z), (n,)
    frozen = theta.detach()
    logits = p_data.log_prob(x.reshape(-1, 1)) - _normal_logpdf(x, frozen[0], frozen[1])  # sigma^-1(D*(x))
    (grad,) = torch.autograd.grad(g_loss_nonsaturating(logits), theta)
    return grad


def nonsaturating_divergence_gradient(p_data, theta0: tuple[float, float], x: torch.Tensor, dx: float) -> torch.Tensor:
    r"""Gradient of :math:`KL(p_\theta\|p_{data}) - 2 JS(p_\theta\|p_{data})` in (mu, rho) at theta0, by quadrature on x."""
    if len(theta0) != 2:
        raise ValueError(f"theta0 must be (mu, log s), got {theta0!r}")
    theta = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    p = torch.exp(p_data.log_prob(x.reshape(-1, 1)))
    q = torch.exp(_normal_logpdf(x, theta[0], theta[1]))
    (grad,) = torch.autograd.grad(nonsaturating_objective(p, q, dx), theta)
    return grad
