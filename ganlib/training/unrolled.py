r"""The unrolled GAN (Metz et al., 2017; essay 5.2.1): the generator descends the surrogate loss

.. math:: f_K(\theta_G, \theta_D) = \mathcal{L}_G\big(\theta_G, \theta_D^K(\theta_G, \theta_D)\big),\qquad
          \theta_D^{k+1} = \theta_D^k - \eta\,\nabla_{\theta_D}\mathcal{L}_D(\theta_D^k, \theta_G),\ \theta_D^0 = \theta_D,

K gradient-descent steps of the discriminator's loss :math:`\mathcal{L}_D` (which it minimises). Its gradient

.. math:: \frac{d f_K}{d\theta_G} = \frac{\partial \mathcal{L}_G}{\partial\theta_G}
          + \frac{\partial \mathcal{L}_G}{\partial\theta_D^K}\,\frac{d\theta_D^K}{d\theta_G}

has a second term only if the K steps are differentiated through: the fakes inside them must keep their graph.
Ports that generate those fakes under ``no_grad`` drop it and train an ordinary GAN against a look-ahead D
(``through=False`` reproduces that, for the test that tells the two apart). K = 0 is the ordinary GAN loss.
The discriminator itself still takes ordinary steps; only the generator looks ahead.

Metz et al. unroll the discriminator's own optimiser: ``unroll_adam`` takes the K steps with Adam, from D's
current moments (m, v after t steps), so that :math:`\theta_D^1` is exactly D's next update on the same batch,

.. math:: m_{s} = \beta_1 m_{s-1} + (1-\beta_1) g_s,\quad v_s = \beta_2 v_{s-1} + (1-\beta_2) g_s^2,\quad
          \theta_D^{s} = \theta_D^{s-1} - \eta\,\frac{m_s/(1-\beta_1^{t+s})}{\sqrt{v_s/(1-\beta_2^{t+s})} + \epsilon},

with :math:`g_s = \nabla_{\theta_D}\mathcal{L}_D(\theta_D^{s-1}, \theta_G)` kept in the graph. Plain steps of a
fixed size suit small nets with bounded curvature (the 2-D survey); on a convolutional D the curvature is large
and uneven, and plain steps that are not tiny overshoot (chapter 5's Stacked MNIST section measures this).
"""

from __future__ import annotations

from typing import Callable

import torch

from ganlib.training.functional import adam_step

Params = dict[str, torch.Tensor]
DLoss = Callable[[Params, Params], torch.Tensor]  # (theta_D, theta_G) -> L_D
GLoss = Callable[[Params, Params], torch.Tensor]  # (theta_G, theta_D) -> L_G


def _check(k: int, lr: float) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise ValueError(f"k (the number of unrolled discriminator steps) must be an int >= 0, got {k!r}")
    if not lr > 0:
        raise ValueError(f"lr (the unrolled step size) must be positive, got {lr!r}")


def unroll(d_loss: DLoss, theta_d: Params, theta_g: Params, k: int, lr: float, through: bool = True) -> Params:
    """theta_D^k: k gradient steps on d_loss from theta_d; differentiable in theta_g unless ``through=False``."""
    _check(k, lr)
    g = theta_g if through else {name: v.detach() for name, v in theta_g.items()}
    for _ in range(k):
        grads = torch.func.grad(d_loss)(theta_d, g)
        theta_d = {name: v - lr * grads[name] for name, v in theta_d.items()}
    return theta_d


def unroll_adam(d_loss: DLoss, theta_d: Params, theta_g: Params, k: int, lr: float, m: Params, v: Params,
                t: int, betas: tuple[float, float] = (0.5, 0.999), eps: float = 1e-8, through: bool = True) -> Params:
    """theta_D^k: k Adam steps on d_loss from theta_d, moments (m, v) after t >= 0 steps; differentiable in theta_g."""
    _check(k, lr)
    if isinstance(t, bool) or not isinstance(t, int) or t < 0:
        raise ValueError(f"t (the optimiser's steps so far) must be an int >= 0, got {t!r}")
    if set(m) != set(theta_d) or set(v) != set(theta_d):
        raise ValueError(f"m and v must have theta_d's keys {sorted(theta_d)}")
    g = theta_g if through else {name: x.detach() for name, x in theta_g.items()}
    state = {"m": m, "v": v}
    for s in range(t + 1, t + k + 1):
        grads = torch.func.grad(d_loss)(theta_d, g)
        # the optimiser's own step (functional Adam), with a finite derivative of sqrt(v) where v = 0
        theta_d, state = adam_step(theta_d, grads, state, s, lr, betas, eps, tiny=1e-30)
    return theta_d


def unrolled_loss(g_loss: GLoss, d_loss: DLoss, theta_g: Params, theta_d: Params, k: int, lr: float,
                  through: bool = True) -> torch.Tensor:
    """The surrogate f_K(theta_G, theta_D) above."""
    return g_loss(theta_g, unroll(d_loss, theta_d, theta_g, k, lr, through))


def unrolled_generator_grad(g_loss: GLoss, d_loss: DLoss, theta_g: Params, theta_d: Params, k: int, lr: float,
                            through: bool = True) -> tuple[Params, torch.Tensor]:
    """(d f_K / d theta_G, f_K): the generator's update direction of the unrolled GAN, and its loss."""
    return torch.func.grad_and_value(lambda tg: unrolled_loss(g_loss, d_loss, tg, theta_d, k, lr, through))(theta_g)
