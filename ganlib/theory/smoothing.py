"""Theorem 11, chapter 7: a Gaussian-smoothed copy of p_data wins against Lipschitz discriminators.

Setting: phi(t) = t (concave, L_phi = 1), so the value of the game is
    V(p, q; D) = E_p D + E_q (1 - D),  and  V(p, q; D = 1/2) = 1 = 2 phi(1/2).
For p = p_data and q = p_xi = p_data * N(0, xi^2) (a mixture of Gaussians, one per atom of an empirical
p_data), the best discriminator with values in [0, 1] and Lipschitz constant L' gains at most
    max_D V - 2 phi(1/2) <= L' W_1(p_data, p_xi) <= L' xi sqrt(2 / pi),
(Kantorovich-Rubinstein duality; the coupling x -> x + xi N moves mass E|xi N| on average). The maximum is
a linear program over the values of D on the merged (sorted, 1-D) support of p and q (``lipschitz_value``);
without the Lipschitz constraint (``lip = inf``) it is 1 + TV(p, q) = 2 for atoms against a density: the gap
of an unrestricted discriminator never closes (chapter 3's point).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import linprog
from scipy.stats import norm


def smoothed_atoms(atoms, xi: float, n_cells: int = 400, width: float = 8.0) -> tuple[np.ndarray, np.ndarray, float]:
    """p_xi = (1/m) sum_a N(a, xi^2) discretised on n_cells cells of [a - width xi, a + width xi] around each atom.

    Returns the cell midpoints (sorted), their exact masses (differences of the mixture CDF, renormalised: the
    mass beyond width = 8 standard deviations is below 1e-14) and the largest cell width h; moving each cell's
    mass to its midpoint changes W_1 by at most h / 2.
    """
    atoms = np.asarray(atoms, dtype=np.float64)
    if atoms.ndim != 1 or atoms.size == 0:
        raise ValueError(f"atoms must be a non-empty 1-D array (the empirical p_data), got shape {atoms.shape}")
    if not xi > 0:
        raise ValueError(f"xi (the smoothing standard deviation) must be positive, got {xi}")
    edges = np.unique(np.concatenate([np.linspace(a - width * xi, a + width * xi, n_cells + 1) for a in atoms]))
    cdf = norm.cdf((edges[:, None] - atoms[None, :]) / xi).mean(1)
    mass = np.diff(cdf)
    keep = mass > 0
    mids = 0.5 * (edges[1:] + edges[:-1])
    return mids[keep], mass[keep] / mass[keep].sum(), float(np.diff(edges)[keep].max())


def lipschitz_value(p_support, p_mass, q_support, q_mass, lip: float) -> float:
    """max over D: R -> [0, 1] with |D(x) - D(y)| <= lip |x - y| of E_p D + E_q (1 - D), exactly, by an LP."""
    xs = np.r_[np.asarray(p_support, np.float64), np.asarray(q_support, np.float64)]
    w_p = np.r_[np.asarray(p_mass, np.float64), np.zeros(len(q_support))]
    w_q = np.r_[np.zeros(len(p_support)), np.asarray(q_mass, np.float64)]
    xs, inverse = np.unique(xs, return_inverse=True)  # one value of D per distinct point, sorted
    w_p, w_q = np.bincount(inverse, w_p, xs.size), np.bincount(inverse, w_q, xs.size)
    n = xs.size
    c = -(w_p - w_q)  # maximise sum (w_p - w_q) d + sum w_q
    if np.isinf(lip):
        res = linprog(c, bounds=[(0, 1)] * n, method="highs")
    else:
        gaps = np.diff(xs)
        rows = np.arange(n - 1)
        a = np.zeros((n - 1, n))
        a[rows, rows], a[rows, rows + 1] = -1.0, 1.0  # d_{k+1} - d_k
        res = linprog(c, A_ub=np.r_[a, -a], b_ub=np.r_[lip * gaps, lip * gaps], bounds=[(0, 1)] * n,
                      method="highs")
    if res.status != 0:
        raise RuntimeError(f"linprog failed: {res.message}")
    return float(-res.fun + w_q.sum())


def w1_from_cdfs(p_support, p_mass, q_support, q_mass) -> float:
    """W_1 between two discrete 1-D measures, integral of |F_p - F_q| (independent of the LP)."""
    xs = np.r_[p_support, q_support]
    d = np.r_[p_mass, -np.asarray(q_mass)]
    order = np.argsort(xs, kind="stable")
    xs, d = xs[order], d[order]
    return float(np.sum(np.abs(np.cumsum(d)[:-1]) * np.diff(xs)))


def smoothing_bound(xi: float, lip: float) -> float:
    """L' xi sqrt(2 / pi): the theorem's O(L_phi L' xi) with its constant, for phi(t) = t."""
    return lip * xi * math.sqrt(2 / math.pi)
