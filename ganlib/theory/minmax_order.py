r"""Min-max versus max-min for the GAN game on a finite space (essay 5.2; chapter 5).

Data :math:`p` on K points; the generator picks a law :math:`q` on them (a mixed strategy over the K point
masses), the discriminator a function :math:`D: \{1..K\} \to` ``grid`` :math:`\subset (0, 1)`. The value

.. math:: V(q, D) = \sum_x p(x)\log D(x) + \sum_x q(x)\log(1 - D(x)) = q^\top A_{\cdot, D},\qquad
          A_{x, D} = \sum_y p(y)\log D(y) + \log(1 - D(x)),

is linear in q, so the game is a matrix game with one row per point x and one column per function D.

- min-max (G moves first, :math:`\min_q \max_D V`): a linear programme, :func:`min_max`; in the continuum its
  solution is q = p (Proposition 1 of Goodfellow et al., 2014), value :math:`-\log 4`.
- max-min (D moves first, :math:`\max_D \min_q V`): for each D the generator's best response is a POINT MASS on
  :math:`\arg\max_x D(x)`, the point D finds most real (a linear function is minimised at a vertex
  of the simplex): the generator collapses.
  :func:`max_min` solves it by enumerating the columns.

The values agree when the grid contains the constant 1/2 (then :math:`\max_D \min_x A_{x,D} \ge -\log 4 \ge
\min_q \max_D V`, with weak duality the other way); what differs is the generator the order produces.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog


@dataclass(frozen=True)
class Solution:
    value: float
    generator: np.ndarray  # (K,) the generator's law
    discriminator: np.ndarray  # (K,) D's values


def payoff(p: np.ndarray, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A (K, |grid|^K) and the columns' D functions (|grid|^K, K)."""
    p = np.asarray(p, dtype=np.float64)
    grid = np.asarray(grid, dtype=np.float64)
    if p.ndim != 1 or (p < 0).any() or abs(p.sum() - 1) > 1e-12:
        raise ValueError("p must be a probability vector (K,)")
    if ((grid <= 0) | (grid >= 1)).any():
        raise ValueError("grid values must lie in (0, 1) so that log D and log(1 - D) are finite")
    if len(grid) ** len(p) > 2_000_000:
        raise ValueError("|grid|^K columns is too many; use fewer points or a coarser grid")
    Ds = np.array(list(itertools.product(grid, repeat=len(p))))  # (columns, K)
    A = (np.log(Ds) @ p)[None, :] + np.log1p(-Ds).T  # (K, columns)
    return A, Ds


def max_min(p: np.ndarray, grid: np.ndarray) -> Solution:
    """D first: max over columns of min over rows; the generator's answer is the point mass on that row."""
    A, Ds = payoff(p, grid)
    rows = A.argmin(0)
    worst = A[rows, np.arange(A.shape[1])]
    c = int(worst.argmax())
    q = np.zeros(len(p))
    q[rows[c]] = 1.0
    return Solution(float(worst[c]), q, Ds[c])


def min_max(p: np.ndarray, grid: np.ndarray) -> Solution:
    """G first: min_q max_D q^T A by linear programming over (q, t): min t, A^T q <= t, q in the simplex."""
    A, Ds = payoff(p, grid)
    K, C = A.shape
    cost = np.r_[np.zeros(K), 1.0]
    res = linprog(cost, A_ub=np.c_[A.T, -np.ones(C)], b_ub=np.zeros(C), A_eq=np.r_[np.ones(K), 0.0][None],
                  b_eq=[1.0], bounds=[(0, None)] * K + [(None, None)], method="highs")
    if not res.success:
        raise RuntimeError(f"the linear programme failed: {res.message}")
    q = res.x[:K]
    c = int((q @ A).argmax())
    return Solution(float(res.fun), q, Ds[c])
