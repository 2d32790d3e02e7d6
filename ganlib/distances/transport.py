r"""Exact Wasserstein-1 distance between empirical samples: the counterexample of chapter 3 (Theorem 4).

For two uniform measures on m points each, :math:`\hat\mu = \frac1m\sum_i\delta_{x_i}` and
:math:`\hat\nu = \frac1m\sum_j\delta_{y_j}`, the set of couplings is m^{-1} times the Birkhoff polytope of
doubly stochastic matrices, whose extreme points are permutation matrices (Birkhoff-von Neumann). A linear
cost attains its minimum at an extreme point, so

.. math:: W_1(\hat\mu, \hat\nu) = \min_{\pi \in S_m} \frac1m \sum_{i=1}^m \lVert x_i - y_{\pi(i)}\rVert_2,

an assignment problem, solved exactly (no entropic smoothing, no approximation) by
``scipy.optimize.linear_sum_assignment`` (Kuhn, 1955). Costs are Euclidean distances computed in float64.
:func:`w1_linprog` solves the same problem as a linear program over all couplings (HiGHS), an independent
oracle that chapter 3 checks the assignment solver against.
"""

from __future__ import annotations

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment, linprog
from scipy.sparse import coo_matrix
from scipy.spatial.distance import cdist

ArrayLike = np.ndarray | torch.Tensor


def _as_points(x: ArrayLike, name: str) -> np.ndarray:
    """Return ``x`` as a float64 (n, d) numpy array; a 1-D input is read as n points on the line."""
    if torch.is_tensor(x):
        x = x.detach().to("cpu", torch.float64).numpy()
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be an (n, d) array or tensor of numbers, got {type(x).__name__}") from err
    if arr.ndim == 1:
        arr = arr[:, None]  # (n, 1)
    if arr.ndim != 2:
        raise ValueError(f"{name} must have shape (n, d) (or (n,) for points on the line), got {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty: an empirical measure needs at least one point")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def _check_pair(x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    xa, ya = _as_points(x, "x"), _as_points(y, "y")
    if xa.shape[1] != ya.shape[1]:
        raise ValueError(f"x and y must live in the same dimension, got x with d={xa.shape[1]} and "
                         f"y with d={ya.shape[1]}")
    return xa, ya


def cross_distances(x: ArrayLike, y: ArrayLike) -> np.ndarray:
    """The (m, n) matrix of Euclidean distances ||x_i - y_j||: the transport costs."""
    xa, ya = _check_pair(x, y)
    return cdist(xa, ya)  # (m, n)


def w1_empirical(x: ArrayLike, y: ArrayLike, return_plan: bool = False):
    r"""Exact :math:`W_1` between the uniform measures on the rows of x and y (chapter 3, Theorem 4).

    x and y are (m, d) arrays or tensors with the same m and d. Returns the float
    :math:`\min_\pi \frac1m\sum_i \lVert x_i - y_{\pi(i)}\rVert`; with ``return_plan=True`` also the optimal
    permutation ``perm`` (x_i is sent to y_perm[i]). Measures with unequal sizes n = k m can be compared by
    repeating each point of the smaller one k times (the uniform measure is unchanged).
    """
    xa, ya = _check_pair(x, y)
    if xa.shape[0] != ya.shape[0]:
        raise ValueError(f"x and y must have the same number of points, got {xa.shape[0]} and {ya.shape[0]}; "
                         "to compare n = k*m points with m points, repeat each of the m points k times")
    cost = cdist(xa, ya)  # (m, m)
    rows, cols = linear_sum_assignment(cost)
    value = float(cost[rows, cols].mean())
    return (value, cols) if return_plan else value


def w1_linprog(x: ArrayLike, y: ArrayLike) -> float:
    r""":math:`W_1` between the uniform measures on x (m, d) and y (n, d) as a linear program: an independent oracle.

    Minimises :math:`\sum_{ij}\gamma_{ij}\lVert x_i - y_j\rVert` over couplings :math:`\gamma \ge 0` with row sums
    1/m and column sums 1/n (the transport polytope, no Birkhoff-von Neumann argument needed), with HiGHS.
    Costs m n variables: meant for m, n up to a few hundred, to check :func:`w1_empirical`.
    """
    xa, ya = _check_pair(x, y)
    m, n = xa.shape[0], ya.shape[0]
    cost = cdist(xa, ya)  # (m, n)
    idx = np.arange(m * n)  # variable (i, j) sits at i * n + j
    rows = np.concatenate([idx // n, m + idx % n])  # row-sum constraints, then column-sum constraints
    a_eq = coo_matrix((np.ones(2 * m * n), (rows, np.concatenate([idx, idx]))), shape=(m + n, m * n))
    b_eq = np.concatenate([np.full(m, 1 / m), np.full(n, 1 / n)])
    res = linprog(cost.ravel(), A_eq=a_eq.tocsr(), b_eq=b_eq, bounds=(0, None), method="highs")
    if res.status != 0:
        raise RuntimeError(f"the transport LP did not solve: {res.message}")
    return float(res.fun)


def nearest_support_distance(x: ArrayLike, support: ArrayLike, block_bytes: int = 2**28) -> float:
    r"""Mean over the rows of x of the distance to the nearest support point: a lower bound on W_1.

    Any coupling of a measure :math:`\mu` with a measure :math:`\nu` supported on :math:`\{s_1,\dots,s_k\}`
    sends x to some :math:`s_j`, so :math:`W_1(\mu,\nu) \ge \E_{x\sim\mu}\min_j\lVert x - s_j\rVert`; with x a fresh
    sample from :math:`\mu` this returns an unbiased estimate of that bound (chapter 3, memorising generator).
    The (n, k) distance matrix is never formed: rows of x are processed in blocks of at most ``block_bytes``
    bytes of float64 distances (256 MB by default), so n = 32768 against k = 65536 needs 256 MB, not 17 GB.
    """
    xa, sa = _check_pair(x, support)
    if isinstance(block_bytes, bool) or not isinstance(block_bytes, int) or block_bytes < 8 * sa.shape[0]:
        raise ValueError(f"block_bytes must be an int of at least 8 * len(support) = {8 * sa.shape[0]} "
                         f"(one row of distances), got {block_bytes!r}")
    rows = block_bytes // (8 * sa.shape[0])
    nearest = np.concatenate([cdist(xa[i:i + rows], sa).min(axis=1)  # (rows,) per block
                              for i in range(0, xa.shape[0], rows)])
    return float(nearest.mean())
