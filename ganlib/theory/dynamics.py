r"""Gradient dynamics on the bilinear game V(x, y) = x y (essay 2.2.2; chapter 2).

Player x MAXIMISES V and player y MINIMISES it (the essay's convention), so the game's vector field is
:math:`v(x, y) = (\partial_x V, -\partial_y V) = (y, -x)`, i.e. :math:`v(z) = A z` with
:math:`A = \begin{pmatrix} 0 & 1 \\ -1 & 0 \end{pmatrix}`, and the unique equilibrium is the origin.
Every method below is a linear map :math:`z_{k+1} = M z_k`; :func:`update_matrix` gives M in closed form and
:func:`simulate` runs the update rules themselves, so the two can be checked against each other.

- simultaneous: :math:`z \leftarrow z + \eta A z`; :math:`M = I + \eta A`, eigenvalues :math:`1 \pm i\eta`,
  modulus :math:`\sqrt{1 + \eta^2} > 1`: the iterates spiral out.
- alternating: x moves first, then y sees the new x; :math:`\det M = 1`, and for :math:`\eta < 2` the
  eigenvalues have modulus 1: the iterates cycle forever, neither converging nor diverging.
- extragradient (Korpelevich, 1976): step to :math:`z + \eta A z`, then step from z with the field there;
  :math:`M = I + \eta A + \eta^2 A^2`, eigenvalue modulus :math:`\sqrt{1 - \eta^2 + \eta^4} < 1` for
  :math:`0 < \eta < 1`: converges.
- consensus (Mescheder et al., 2017): follow :math:`v - \gamma\nabla L`, :math:`L = \tfrac12\|v\|^2 = \tfrac12\|z\|^2`
  here; :math:`M = (1 - \eta\gamma) I + \eta A`, modulus :math:`\sqrt{(1-\eta\gamma)^2 + \eta^2}`, which is
  below 1 if and only if :math:`\eta < 2\gamma / (1 + \gamma^2)` (:func:`stable_step_bound`): consensus
  converges only for small enough steps (spectral radius 1 at :math:`\eta = \gamma = 1`, about 1.92 at
  :math:`\eta = 0.9, \gamma = 3`).
"""

from __future__ import annotations

import numpy as np

METHODS = ("simultaneous", "alternating", "extragradient", "consensus")


def _check(method: str, eta: float, gamma: float) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if not eta > 0:
        raise ValueError(f"eta (the step size) must be positive, got {eta}")
    if method == "consensus" and not gamma > 0:
        raise ValueError(f"gamma (the consensus weight) must be positive, got {gamma}")


def field(z: np.ndarray) -> np.ndarray:
    """The game's vector field v(x, y) = (dV/dx, -dV/dy) = (y, -x) for V = x y: ascent for x, descent for y."""
    return np.array([z[1], -z[0]])


def update_matrix(method: str, eta: float, gamma: float = 1.0) -> np.ndarray:
    """The 2x2 matrix M of one update z -> M z, in closed form (see the module docstring)."""
    _check(method, eta, gamma)
    a = np.array([[0.0, 1.0], [-1.0, 0.0]])
    eye = np.eye(2)
    if method == "simultaneous":
        return eye + eta * a
    if method == "alternating":
        return np.array([[1.0, eta], [-eta, 1.0 - eta**2]])  # x' = x + eta y; y' = y - eta x'
    if method == "extragradient":
        return eye + eta * a + eta**2 * (a @ a)
    return (1 - eta * gamma) * eye + eta * a


def spectral_radius(method: str, eta: float, gamma: float = 1.0) -> float:
    """Largest eigenvalue modulus of the update map: > 1 diverges, = 1 cycles, < 1 converges (linear rate)."""
    return float(np.abs(np.linalg.eigvals(update_matrix(method, eta, gamma))).max())


def simulate(method: str, z0: tuple[float, float], eta: float, steps: int, gamma: float = 1.0) -> np.ndarray:
    """Run the update rule itself (not the matrix) for ``steps`` steps; returns the trajectory, shape (steps + 1, 2)."""
    _check(method, eta, gamma)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be a non-negative int, got {steps!r}")
    traj = np.empty((steps + 1, 2))
    z = np.asarray(z0, dtype=float).copy()
    if z.shape != (2,):
        raise ValueError(f"z0 must be a pair (x, y), got shape {z.shape}")
    traj[0] = z
    for k in range(steps):
        if method == "simultaneous":
            z = z + eta * field(z)
        elif method == "alternating":
            x = z[0] + eta * z[1]  # x ascends on V = x y
            z = np.array([x, z[1] - eta * x])  # y descends, seeing the new x
        elif method == "extragradient":
            z = z + eta * field(z + eta * field(z))
        else:
            grad_l = z  # grad of L = |v(z)|^2 / 2 = |z|^2 / 2
            z = z + eta * (field(z) - gamma * grad_l)
        traj[k + 1] = z
    return traj


def stable_step_bound(method: str, gamma: float = 1.0) -> float:
    """The supremum of the step sizes eta for which the method converges on V = x y (spectral radius < 1).

    extragradient: 1 (:math:`1 - \\eta^2 + \\eta^4 < 1 \\iff \\eta < 1`); consensus: :math:`2\\gamma/(1 + \\gamma^2)`
    (:math:`(1 - \\eta\\gamma)^2 + \\eta^2 < 1 \\iff \\eta(1 + \\gamma^2) < 2\\gamma`); simultaneous and
    alternating never converge, so 0.
    """
    _check(method, 1.0, gamma)
    if method == "extragradient":
        return 1.0
    if method == "consensus":
        return 2 * gamma / (1 + gamma**2)
    return 0.0
