r"""Theorem 2 of chapter 2: descent on C(G) in function space converges; descent on parameters need not.

With D at its optimum :math:`D^* = p_{data}/(p_{data} + p_G)` (Proposition 1), the generator's criterion is

.. math:: C(p_G) = \sup_D U(p_G, D) = -\log 4 + 2\,JS(p_{data} \| p_G), \quad
          U(p_G, D) = \int p_{data} \log D + p_G \log(1 - D).

U is linear in :math:`p_G`, so C, a supremum of linear functions, is convex in :math:`p_G`, and (Danskin /
envelope theorem) its gradient is the partial gradient of U at :math:`D^*`:
:math:`\partial C / \partial p_G(x) = \log(1 - D^*(x))`. This is Proposition 2 of Goodfellow et al. (2014),
which the essay calls Theorem 2. On a grid, :math:`p_G` is a histogram of masses and
:func:`function_space_descent` takes mirror-descent steps :math:`m \leftarrow m\,e^{-\eta \log(1 - D^*)} / Z`
(gradient steps in the KL geometry, which keep m a probability vector).
:func:`parametric_descent` instead takes gradient steps on parameters theta of a density family; C(theta) is not
convex in theta, and the iterates can stop at a spurious local minimum.
"""

from __future__ import annotations

import math
from typing import Callable

import torch

from ganlib.theory.optimal_d import optimal_d, value_on_grid


def criterion(p_g: torch.Tensor, p_data: torch.Tensor, dx: float) -> torch.Tensor:
    r""":math:`C(p_G) = U(p_G, D^*)` by quadrature, differentiable in p_G (densities on a grid of spacing dx)."""
    return value_on_grid(optimal_d(p_data, p_g), p_data, p_g, dx, "log")


def function_space_gradient(p_g: torch.Tensor, p_data: torch.Tensor) -> torch.Tensor:
    r"""The gradient of C with respect to the mass of p_G at each grid point: :math:`\log(1 - D^*(x))`.

    Computed as :math:`\log p_G - \log(p_G + p_{data})`, finite wherever p_G > 0 even when D* rounds to 1.
    """
    return torch.log(p_g) - torch.log(p_g + p_data)


def function_space_descent(p_g0: torch.Tensor, p_data: torch.Tensor, dx: float, eta: float,
                           steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Mirror descent on C over densities on the grid, D re-optimised each step; returns (final p_G, C history (steps + 1,)).

    The masses are kept as logs, so that a mass that becomes tiny never underflows to an exact 0.
    """
    if not eta > 0 or steps < 0:
        raise ValueError(f"need eta > 0 and steps >= 0, got eta={eta}, steps={steps}")
    if p_g0.shape != p_data.shape:
        raise ValueError(f"p_g0 and p_data must share the grid, got {tuple(p_g0.shape)} and {tuple(p_data.shape)}")
    if not bool((p_g0 > 0).all()) or not bool((p_data > 0).all()):
        raise ValueError("p_g0 and p_data must be positive at every grid point: multiplicative updates cannot "
                         "create mass, and log(1 - D*) needs both; use a grid where neither underflows")
    log_m = torch.log(p_g0.detach() * dx)
    log_m = log_m - torch.logsumexp(log_m, 0)
    log_pd = torch.log(p_data * dx)
    history = [criterion(torch.exp(log_m) / dx, p_data, dx)]
    for _ in range(steps):
        grad = log_m - torch.logaddexp(log_m, log_pd)  # log(1 - D*) at each grid point
        log_m = log_m - eta * grad
        log_m = log_m - torch.logsumexp(log_m, 0)
        history.append(criterion(torch.exp(log_m) / dx, p_data, dx))
    return torch.exp(log_m) / dx, torch.stack(history)


def two_mode_density(theta: torch.Tensor, x: torch.Tensor, std: float) -> torch.Tensor:
    r"""The parametric family :math:`p_\theta = \tfrac12 N(\theta_1, s^2) + \tfrac12 N(\theta_2, s^2)`, at x (n,)."""
    if theta.shape != (2,):
        raise ValueError(f"theta must hold the two means, shape (2,), got {tuple(theta.shape)}")
    z = (x[:, None] - theta[None, :]) / std  # (n, 2)
    return (torch.exp(-0.5 * z**2) / (std * math.sqrt(2 * math.pi))).mean(dim=1)


def parametric_descent(density: Callable[[torch.Tensor], torch.Tensor], theta0: torch.Tensor,
                       p_data: torch.Tensor, dx: float, lr: float, steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradient descent on C(theta) = C(p_theta), D optimal at every step; returns (thetas (steps + 1, k), C (steps + 1,))."""
    if not lr > 0 or steps < 0:
        raise ValueError(f"need lr > 0 and steps >= 0, got lr={lr}, steps={steps}")
    theta = theta0.detach().clone().requires_grad_(True)
    thetas, history = [theta.detach().clone()], []
    for _ in range(steps + 1):
        c = criterion(density(theta), p_data, dx)
        history.append(c.detach())
        if len(history) > steps:
            break
        (grad,) = torch.autograd.grad(c, theta)
        with torch.no_grad():
            theta -= lr * grad
        thetas.append(theta.detach().clone())
    return torch.stack(thetas), torch.stack(history)
