r"""The Dirac-GAN of Mescheder, Geiger and Nowozin (2018): every training method, solved at its equilibrium.

Data: a point mass at 0. Generator: a point mass at :math:`\theta`. Discriminator: :math:`D_\psi(x) = \psi x`.
With the convention of :mod:`ganlib.theory.diffgames` (z = (theta, psi), theta minimises, psi maximises),

.. math::  L(\theta, \psi) = f(\psi\theta) + f(0), \qquad
           f(t) = -\log(1 + e^{-t}) \text{ (standard GAN)}, \quad f(t) = t \text{ (WGAN)},

so :math:`v = (-f'(\psi\theta)\psi,\; f'(\psi\theta)\theta)` and the unique equilibrium is (0, 0), with
Jacobian :math:`\begin{pmatrix} 0 & -f'(0) \\ f'(0) & 0 \end{pmatrix}`: eigenvalues :math:`\pm i f'(0)`
(:math:`f'(0) = 1/2` for the GAN, 1 for the WGAN). For the WGAN, L = psi theta is the game V = x y with
x = psi (the maximiser) and y = theta. Regularisers (weight gamma) and their eigenvalues at (0, 0):

- ``"r1"``: :math:`R = \tfrac\gamma2 E_{p_D}\|\nabla_x D_\psi\|^2 = \tfrac\gamma2\psi^2`:
  :math:`-\gamma/2 \pm \sqrt{\gamma^2/4 - f'(0)^2}`.
- ``"gp"`` (WGAN-GP): :math:`R = \tfrac\gamma2(\|\nabla_x D_\psi\| - g_0)^2 = \tfrac\gamma2(|\psi| - g_0)^2`,
  not differentiable at psi = 0: no Jacobian at the equilibrium (the discriminator is pushed to
  :math:`|\psi| = g_0` whenever it is near 0).
- ``"noise"`` (instance noise :math:`N(0, \sigma^2)` on real and fake points, expectations by Gauss-Hermite
  quadrature): :math:`L = E_\epsilon f(\psi(\theta + \epsilon)) + E_\epsilon f(-\psi\epsilon)`, Jacobian
  :math:`\begin{pmatrix} 0 & -f'(0) \\ f'(0) & 2f''(0)\sigma^2 \end{pmatrix}`, eigenvalues
  :math:`f''(0)\sigma^2 \pm \sqrt{f''(0)^2\sigma^4 - f'(0)^2}` (:math:`f''(0) = -1/4` for the GAN, 0 for the WGAN).
- consensus optimisation (:func:`ganlib.theory.diffgames.consensus_field`): :math:`J - \gamma J^\top J =
  \begin{pmatrix} -\gamma f'(0)^2 & -f'(0) \\ f'(0) & -\gamma f'(0)^2 \end{pmatrix}`, eigenvalues
  :math:`-\gamma f'(0)^2 \pm i f'(0)`.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ganlib.theory.diffgames import Field, zero_sum_field

LOSSES = {"gan": (0.5, -0.25), "wgan": (1.0, 0.0)}  # f'(0), f''(0)
REGULARISERS = ("none", "r1", "gp", "noise", "consensus")


def f_loss(name: str, t: torch.Tensor) -> torch.Tensor:
    """f(t): -log(1 + exp(-t)) = -softplus(-t) for the standard GAN, t for the WGAN."""
    if name not in LOSSES:
        raise ValueError(f"loss must be one of {tuple(LOSSES)}, got {name!r}")
    return -F.softplus(-t) if name == "gan" else t


def _check(loss: str, reg: str, gamma: float, sigma: float) -> None:
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {tuple(LOSSES)}, got {loss!r}")
    if reg not in REGULARISERS:
        raise ValueError(f"reg must be one of {REGULARISERS}, got {reg!r}")
    if reg in ("r1", "gp", "consensus") and not gamma > 0:
        raise ValueError(f"gamma (the weight of {reg!r}) must be positive, got {gamma}")
    if reg == "noise" and not sigma > 0:
        raise ValueError(f"sigma (the instance noise's standard deviation) must be positive, got {sigma}")


def dirac_gan_field(loss: str = "gan", reg: str = "none", gamma: float = 0.0, sigma: float = 0.0,
                    g0: float = 1.0, nodes: int = 32) -> Field:
    """The vector field v(theta, psi) of the Dirac-GAN with a loss and a regulariser ("consensus": use
    ``diffgames.consensus_field(dirac_gan_field(loss), gamma)``, or the step method "consensus")."""
    _check(loss, reg, gamma, sigma)
    if reg == "consensus":
        raise ValueError("reg='consensus' is an update rule, not a field: use diffgames.consensus_field(field, gamma)")
    if reg == "noise":
        x, w = np.polynomial.hermite.hermgauss(nodes)  # int e^{-x^2} g(x) dx ~ sum w g(x)
        eps = torch.tensor(np.sqrt(2.0) * sigma * x, dtype=torch.float64)
        wts = torch.tensor(w / np.sqrt(np.pi), dtype=torch.float64)

        def lossfn(z: torch.Tensor) -> torch.Tensor:
            theta, psi = z[0], z[1]
            return (wts * f_loss(loss, psi * (theta + eps))).sum() + (wts * f_loss(loss, -psi * eps)).sum()
    else:
        def lossfn(z: torch.Tensor) -> torch.Tensor:
            return f_loss(loss, z[1] * z[0]) + f_loss(loss, torch.zeros((), dtype=z.dtype))

    regulariser = None
    if reg == "r1":
        def regulariser(z: torch.Tensor) -> torch.Tensor:
            return 0.5 * gamma * z[1] ** 2
    elif reg == "gp":
        def regulariser(z: torch.Tensor) -> torch.Tensor:
            return 0.5 * gamma * (z[1].abs() - g0) ** 2
    return zero_sum_field(lossfn, n_first=1, regulariser=regulariser)


def dirac_gan_jacobian(loss: str = "gan", reg: str = "none", gamma: float = 0.0, sigma: float = 0.0) -> np.ndarray:
    """The closed-form 2x2 Jacobian at (0, 0) (of w for "consensus"), from the module docstring."""
    _check(loss, reg, gamma, sigma)
    a, b = LOSSES[loss]
    if reg == "gp":
        raise ValueError("the WGAN-GP field is not differentiable at the equilibrium: it has no Jacobian there")
    diag = {"none": (0.0, 0.0), "r1": (0.0, -gamma), "noise": (0.0, 2 * b * sigma**2),
            "consensus": (-gamma * a**2, -gamma * a**2)}[reg]
    return np.array([[diag[0], -a], [a, diag[1]]])


def dirac_gan_eigenvalues(loss: str = "gan", reg: str = "none", gamma: float = 0.0,
                          sigma: float = 0.0) -> np.ndarray:
    """The closed-form eigenvalues at (0, 0) listed in the module docstring, sorted by real then imaginary part."""
    _check(loss, reg, gamma, sigma)
    a, b = LOSSES[loss]
    if reg == "gp":
        raise ValueError("the WGAN-GP field is not differentiable at the equilibrium: it has no eigenvalues there")
    centre, disc = {"none": (0.0, -a**2), "r1": (-gamma / 2, gamma**2 / 4 - a**2),
                    "noise": (b * sigma**2, b**2 * sigma**4 - a**2),
                    "consensus": (-gamma * a**2, -a**2)}[reg]
    root = np.sqrt(complex(disc))
    ev = np.array([centre - root, centre + root])
    return ev[np.lexsort((ev.imag, ev.real))]
