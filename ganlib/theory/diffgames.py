r"""Small differentiable two-player zero-sum games: gradient field, Jacobian, eigenvalues, update rules.

Sign convention (as in Mescheder, Geiger and Nowozin, 2018): the parameters are one flat float64 vector
:math:`z = (\theta, \psi)`, the FIRST ``n_first`` entries :math:`\theta` (the generator) MINIMISE
:math:`L(z)`, the others :math:`\psi` (the discriminator) MAXIMISE :math:`L(z) - R(z)` with an optional
discriminator regulariser R (a gradient penalty; it does not enter the generator's field). The game's vector
field, the direction both players move in, is

.. math::  v(z) = \big(-\nabla_\theta L(z),\; \nabla_\psi [L(z) - R(z)]\big),

so simultaneous gradient steps are :math:`z \leftarrow z + h\,v(z)` and an equilibrium is a zero of v. Its
Jacobian :math:`v'(z)` (computed with ``torch.func.jacrev``) decides local convergence: the continuous flow
is locally attracted iff every eigenvalue has negative real part, simultaneous steps of size h iff every
:math:`|1 + h\lambda| < 1` (Mescheder, Nowozin and Geiger, 2017).

Consensus optimisation (Mescheder et al., 2017) follows :math:`w(z) = v(z) - \gamma\nabla\tfrac12\|v(z)\|^2
= v(z) - \gamma\, v'(z)^\top v(z)`; at a zero of v its Jacobian is :math:`v' - \gamma\, v'^\top v'`.
On V = x y this is the update ``ganlib.theory.dynamics`` solves in closed form (chapter on convergence).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch.func import grad, jacrev, vjp

Field = Callable[[torch.Tensor], torch.Tensor]
METHODS = ("simultaneous", "alternating", "consensus")


def _check_z(z: torch.Tensor) -> torch.Tensor:
    if not isinstance(z, torch.Tensor) or z.ndim != 1 or not z.is_floating_point():
        raise ValueError(f"z must be a 1-D floating-point tensor (all parameters, flattened), got {z!r}")
    return z


def zero_sum_field(loss: Callable[[torch.Tensor], torch.Tensor], n_first: int,
                   regulariser: Callable[[torch.Tensor], torch.Tensor] | None = None) -> Field:
    """v(z) = (-grad_theta L, grad_psi (L - R)) with theta = z[:n_first] (see the module docstring)."""
    if isinstance(n_first, bool) or not isinstance(n_first, int) or n_first < 1:
        raise ValueError(f"n_first (the number of minimising parameters) must be a positive int, got {n_first!r}")
    g_loss = grad(loss)
    g_reg = grad(regulariser) if regulariser is not None else None

    def field(z: torch.Tensor) -> torch.Tensor:
        _check_z(z)
        if z.shape[0] <= n_first:
            raise ValueError(f"z has {z.shape[0]} entries but n_first = {n_first}: the maximiser has none")
        g = g_loss(z)
        d = g[n_first:] if g_reg is None else g[n_first:] - g_reg(z)[n_first:]
        return torch.cat([-g[:n_first], d])

    return field


def consensus_field(field: Field, gamma: float) -> Field:
    """w(z) = v(z) - gamma v'(z)^T v(z), the gradient of |v|^2 / 2 by one vector-Jacobian product."""
    if not gamma >= 0:
        raise ValueError(f"gamma (the consensus weight) must be >= 0, got {gamma}")

    def w(z: torch.Tensor) -> torch.Tensor:
        v, pullback = vjp(field, z)
        return v - gamma * pullback(v)[0]

    return w


def jacobian(field: Field, z: torch.Tensor) -> torch.Tensor:
    """v'(z), shape (d, d): row i is the gradient of v_i (torch.func.jacrev, reverse mode)."""
    return jacrev(field)(_check_z(z))


def eigenvalues(matrix: torch.Tensor | np.ndarray) -> np.ndarray:
    """Eigenvalues of a square matrix as complex numpy numbers, sorted by real part then imaginary part."""
    m = matrix.detach().cpu().numpy() if isinstance(matrix, torch.Tensor) else np.asarray(matrix)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise ValueError(f"matrix must be square, got shape {m.shape}")
    ev = np.linalg.eigvals(m.astype(np.float64))
    return ev[np.lexsort((ev.imag, ev.real))]


def step(field: Field, z: torch.Tensor, h: float, method: str = "simultaneous", n_first: int | None = None,
         gamma: float = 0.0, first: str = "max") -> torch.Tensor:
    """One update of size h: simultaneous z + h v(z); alternating (the ``first`` player moves, then the other
    sees its new parameters); consensus: a simultaneous step along w with weight gamma."""
    _check_z(z)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if not h > 0:
        raise ValueError(f"h (the step size) must be positive, got {h}")
    if method == "simultaneous":
        return z + h * field(z)
    if method == "consensus":
        return z + h * consensus_field(field, gamma)(z)
    if n_first is None or not 0 < n_first < z.shape[0]:
        raise ValueError(f"alternating steps need n_first in (0, {z.shape[0]}), got {n_first!r}")
    if first not in ("max", "min"):
        raise ValueError(f"first must be 'max' (discriminator first) or 'min' (generator first), got {first!r}")
    blocks = [slice(n_first, None), slice(0, n_first)] if first == "max" else [slice(0, n_first), slice(n_first, None)]
    for block in blocks:  # functional (no in-place writes), so that jacrev can differentiate the step map
        mask = torch.zeros(z.shape[0], dtype=torch.bool, device=z.device)
        mask[block] = True
        z = torch.where(mask, z + h * field(z), z)
    return z


def simulate(field: Field, z0: torch.Tensor, h: float, steps: int, method: str = "simultaneous",
             n_first: int | None = None, gamma: float = 0.0, first: str = "max") -> torch.Tensor:
    """Iterate :func:`step`; the trajectory, shape (steps + 1, d)."""
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be a non-negative int, got {steps!r}")
    traj = [_check_z(z0).detach().clone()]
    with torch.no_grad():
        for _ in range(steps):
            traj.append(step(field, traj[-1], h, method, n_first, gamma, first))
    return torch.stack(traj)
