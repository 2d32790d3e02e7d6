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

phi = log (the original GAN, 2 phi(1/2) = -2 log 2): ``log_lipschitz_value`` brackets the maximum over
L'-Lipschitz D clipped to [eps, 1 - eps] (so that L_phi = 1/eps is finite on D's range) by a tangent LP, and
``log_smoothing_bound`` is the theorem's L_phi L' xi sqrt(2/pi); unrestricted (``lip = inf``) the value is
2 log(1 - eps), a gain of 2 log 2 + 2 log(1 - eps) for every xi.
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
    mids = 0.5 * (edges[1:] + edges[:-1])
    # drop the cells between two atoms' windows (mass < 1e-14 in all): h is then the width of a window cell
    keep = (mass > 0) & np.any(np.abs(mids[:, None] - atoms[None, :]) <= width * xi, axis=1)
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


def _check_clip(eps: float) -> float:
    eps = float(eps)
    if not (np.isfinite(eps) and 0 < eps < 0.5):
        raise ValueError(f"eps (D is clipped to [eps, 1 - eps]) must lie in (0, 1/2), got {eps}")
    return eps


def log_lipschitz_value(p_support, p_mass, q_support, q_mass, lip: float, eps: float,
                        n_tangents: int = 81) -> tuple[float, float]:
    """Bracket of max_D E_p log D + E_q log(1 - D) over L'-Lipschitz D: R -> [eps, 1 - eps] (phi = log).

    This is Theorem 11 for the original GAN, phi = log, with 2 phi(1/2) = -2 log 2. The discriminator is
    CLIPPED to [eps, 1 - eps] (0 < eps < 1/2): log is then bounded (Delta = log(1/eps)) and L_phi = 1/eps is
    finite on the range, as the theorem assumes (a sigmoid of a Lipschitz function would not do: its values
    approach 0 and 1 away from the data, where log has no Lipschitz constant). The constant 1/2 is in the class.

    The maximum is a concave program in the values d_k of D on the merged support. Each concave term is
    replaced by the minimum of its tangents at ``n_tangents`` points t_j (denser near 1/2), an LP (HiGHS,
    sparse) whose value is an UPPER bound of the true maximum (tangents lie above a concave function); the
    true objective at the LP's maximiser, which is feasible, is a LOWER bound. Returns (lower, upper).
    ``lip = inf`` drops the Lipschitz constraint (unrestricted D; the value is then 2 log(1 - eps) when the
    supports are disjoint).
    """
    from scipy.sparse import coo_matrix, csr_matrix, vstack

    eps = _check_clip(eps)
    if not (lip > 0):
        raise ValueError(f"lip (the discriminator's Lipschitz constant L') must be positive, got {lip}")
    xs = np.r_[np.asarray(p_support, np.float64), np.asarray(q_support, np.float64)]
    w_p = np.r_[np.asarray(p_mass, np.float64), np.zeros(len(q_support))]
    w_q = np.r_[np.zeros(len(p_support)), np.asarray(q_mass, np.float64)]
    xs, inverse = np.unique(xs, return_inverse=True)
    w_p, w_q = np.bincount(inverse, w_p, xs.size), np.bincount(inverse, w_q, xs.size)
    n = xs.size
    ip, iq = np.flatnonzero(w_p > 0), np.flatnonzero(w_q > 0)
    t = np.unique(np.r_[np.linspace(eps, 1 - eps, n_tangents), np.linspace(0.35, 0.65, n_tangents)])
    t = t[(t >= eps) & (t <= 1 - eps)]
    J = t.size
    # variables: d (n), s (len ip: epigraph of log d), r (len iq: epigraph of log(1 - d)); maximise w.s + w.r
    ns, nr = ip.size, iq.size
    nv = n + ns + nr
    c = np.r_[np.zeros(n), -w_p[ip], -w_q[iq]]
    # s_a <= log t_j + (d_a - t_j)/t_j   <=>  s_a - d_a / t_j <= log t_j - 1
    rows = np.arange(ns * J)
    a_s = coo_matrix((np.r_[np.ones(ns * J), -np.tile(1 / t, ns)],
                      (np.r_[rows, rows], np.r_[n + np.repeat(np.arange(ns), J), np.repeat(ip, J)])),
                     shape=(ns * J, nv))
    b_s = np.tile(np.log(t) - 1, ns)
    # r_b <= log(1 - t_j) - (d_b - t_j)/(1 - t_j)  <=>  r_b + d_b/(1 - t_j) <= log(1 - t_j) + t_j/(1 - t_j)
    rows = np.arange(nr * J)
    a_r = coo_matrix((np.r_[np.ones(nr * J), np.tile(1 / (1 - t), nr)],
                      (np.r_[rows, rows], np.r_[n + ns + np.repeat(np.arange(nr), J), np.repeat(iq, J)])),
                     shape=(nr * J, nv))
    b_r = np.tile(np.log(1 - t) + t / (1 - t), nr)
    blocks, rhs = [a_s, a_r], [b_s, b_r]
    if not np.isinf(lip) and n > 1:
        k = np.arange(n - 1)
        diff = coo_matrix((np.r_[-np.ones(n - 1), np.ones(n - 1)], (np.r_[k, k], np.r_[k, k + 1])), shape=(n - 1, nv))
        blocks += [diff, -diff]
        rhs += [lip * np.diff(xs)] * 2
    bounds = [(eps, 1 - eps)] * n + [(None, None)] * (ns + nr)
    res = linprog(c, A_ub=csr_matrix(vstack(blocks)), b_ub=np.concatenate(rhs), bounds=bounds, method="highs")
    if res.status != 0:
        raise RuntimeError(f"linprog failed: {res.message}")
    d = np.clip(res.x[:n], eps, 1 - eps)
    lower = float(w_p @ np.log(d) + w_q @ np.log1p(-d))
    upper = float(-res.fun)
    return min(lower, upper), upper


def log_smoothing_bound(xi: float, lip: float, eps: float) -> float:
    """L_phi L' xi sqrt(2/pi) with L_phi = 1/eps: Theorem 11's O(L_phi L' xi) for phi = log on [eps, 1 - eps].

    The gain over 2 phi(1/2) = -2 log 2 is at most (E_{p_xi} - E_p) log(1 - D) <= (L'/eps) W_1(p, p_xi), since
    E_p[log D + log(1 - D)] <= -2 log 2 by concavity and log(1 - D) is (L'/eps)-Lipschitz.
    """
    return lip * xi * math.sqrt(2 / math.pi) / _check_clip(eps)
