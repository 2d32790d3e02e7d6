r"""Theorem 3 of chapter 2: with D optimal and held fixed, the MLE generator loss has the gradient of KL(p_data || p_G).

Generator family: :math:`G_\theta(z) = \mu + s z`, :math:`z \sim N(0, 1)`, :math:`\theta = (\mu, \log s)`, so
:math:`p_\theta = N(\mu, s^2)`. At the current :math:`\theta_0` the optimal discriminator's logit is
:math:`l(x) = \sigma^{-1}(D^*(x)) = \log p_{data}(x) - \log p_{\theta_0}(x)`, and the MLE loss
(``ganlib.training.losses.g_loss_mle``) is :math:`J(\theta) = -\mathbb{E}_z e^{l(G_\theta(z))}`. Differentiating through
:math:`G_\theta` only (D is a fixed function while G takes its step):

.. math:: \nabla_\theta J(\theta_0) = -\int p_{data}(x)\,\nabla_\theta \log p_\theta(x)\big|_{\theta_0} dx
          = \nabla_\theta KL(p_{data} \| p_\theta)\big|_{\theta_0}.

If instead D* is differentiated along with :math:`\theta`, :math:`J(\theta) = -\int p_\theta\,p_{data}/p_\theta = -1`
for every theta, and the gradient is 0: the theorem needs D frozen. Expectations over z use the deterministic
quantile nodes of :func:`ganlib.distances.quadrature.normal_quantile_nodes`.
"""

from __future__ import annotations

import math

import torch

from ganlib.distances.divergences import kl
from ganlib.training.losses import g_loss_mle
from ganlib.distances.quadrature import normal_quantile_nodes


def _normal_logpdf(x: torch.Tensor, mean: torch.Tensor, log_std: torch.Tensor) -> torch.Tensor:
    return -0.5 * ((x - mean) / torch.exp(log_std)) ** 2 - log_std - 0.5 * math.log(2 * math.pi)


def mle_loss_gradient(p_data, theta0: tuple[float, float], n_nodes: int = 20000,
                      freeze_d: bool = True) -> torch.Tensor:
    """Gradient of the MLE generator loss at theta0 = (mu, log s) with D = D* of theta0; shape (2,).

    ``freeze_d=False`` differentiates through D* as well, which gives the zero gradient of the constant -1.
    """
    theta = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    z = normal_quantile_nodes(n_nodes)[:, 0]  # (n,)
    x = theta[0] + torch.exp(theta[1]) * z  # G_theta(z), (n,)
    d_params = theta.detach() if freeze_d else theta
    logits = p_data.log_prob(x.reshape(-1, 1)) - _normal_logpdf(x, d_params[0], d_params[1])  # sigma^-1(D*(x))
    (grad,) = torch.autograd.grad(g_loss_mle(logits), theta)
    return grad


def kl_gradient(p_data, theta0: tuple[float, float], x: torch.Tensor, dx: float) -> torch.Tensor:
    r"""Gradient of :math:`KL(p_{data} \| N(\mu, s^2))` in (mu, log s) at theta0, by quadrature on the grid x."""
    theta = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    p = torch.exp(p_data.log_prob(x.reshape(-1, 1)))
    q = torch.exp(_normal_logpdf(x, theta[0], theta[1]))
    (grad,) = torch.autograd.grad(kl(p, q, dx=dx, atol=1e-4), theta)
    return grad
