r"""Kantorovich-Rubinstein duality solved exactly on a 1-D grid: the dual side of W1 as a linear program (chapter 2).

For point masses :math:`p_i, q_i` at grid points :math:`x_1 < \dots < x_n`,

.. math:: W_1(P, Q) = \max_{f}\ \sum_i f_i\,(p_i - q_i) \quad\text{s.t.}\quad |f_{i+1} - f_i| \le x_{i+1} - x_i,

the supremum over 1-Lipschitz functions restricted to the grid (any such f extends to a 1-Lipschitz function on
the line by linear interpolation). The primal side is :math:`\int |F_P - F_Q|` (``divergences.w1_grid``); the
two are computed by different methods, so their agreement checks the duality (Villani, 2009). Solved with
``scipy.optimize.linprog`` (HiGHS); f is pinned to 0 at the first point (the objective ignores constants).
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, sparse


def w1_dual_lp(p_mass: np.ndarray, q_mass: np.ndarray, x: np.ndarray) -> tuple[float, np.ndarray]:
    """Maximise sum f (p - q) over 1-Lipschitz f on the sorted grid x; returns (value, f at the grid points)."""
    p_mass, q_mass, x = (np.asarray(a, dtype=float) for a in (p_mass, q_mass, x))
    if not (p_mass.shape == q_mass.shape == x.shape and x.ndim == 1 and len(x) >= 2):
        raise ValueError("p_mass, q_mass and x must be 1-D arrays of one length >= 2 (masses at grid points)")
    if not np.all(np.diff(x) > 0):
        raise ValueError("x must be strictly increasing")
    if abs(p_mass.sum() - q_mass.sum()) > 1e-9 or (p_mass < 0).any() or (q_mass < 0).any():
        raise ValueError("p_mass and q_mass must be non-negative with equal totals (probability masses)")
    n = len(x)
    diff = sparse.diags([-np.ones(n - 1), np.ones(n - 1)], [0, 1], shape=(n - 1, n))  # (n - 1, n): f_{i+1} - f_i
    a_ub = sparse.vstack([diff, -diff]).tocsr()
    gaps = np.diff(x)
    bounds = [(0.0, 0.0)] + [(None, None)] * (n - 1)
    res = optimize.linprog(-(p_mass - q_mass), A_ub=a_ub, b_ub=np.concatenate([gaps, gaps]), bounds=bounds,
                           method="highs")
    if res.status != 0:
        raise RuntimeError(f"the W1 dual LP did not solve: {res.message}")
    return float(-res.fun), res.x
