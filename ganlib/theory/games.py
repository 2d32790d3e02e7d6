"""Finite zero-sum games, solved exactly: von Neumann's theorem (Theorem 9, chapter 7) and its sampled version.

Sign convention: ``payoff`` is an (m, n) matrix A; the ROW player picks i and receives A[i, j], the COLUMN
player picks j and pays it. The row player maximises, the column player minimises (in a GAN the row player
is the discriminator, the column player the generator, and A[i, j] = V(u_j, v_i)).

For mixed strategies x (rows, in the simplex of R^m) and y (columns, in the simplex of R^n):

- the row player's guarantee is  low(x) = min_j (x^T A)_j,  the column player's is  high(y) = max_i (A y)_i;
- von Neumann (1928): max_x low(x) = min_y high(y) = V*, the value; both optima are linear programs,
  solved here SEPARATELY (two LPs, scipy's HiGHS), so that their agreement is a check, not an identity;
- pure strategies only: max_i min_j A[i, j] <= min_j max_i A[i, j], strictly for rock-paper-scissors;
- (x, y) is an epsilon-approximate equilibrium (for value V) when low(x) >= V - eps and high(y) <= V + eps;
  its duality gap high(y) - low(x) >= 0 is zero exactly at an equilibrium, and the smallest eps that works
  for some V is half of it;
- Lipton and Young (1994): T pure strategies drawn i.i.d. from optimal strategies, played uniformly, form an
  eps-approximate equilibrium with probability >= 1 - beta once eps = R sqrt(ln((m + n) / beta) / (2T)),
  R = max A - min A (Hoeffding's inequality for each of the m + n pure replies, then a union bound).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog


@dataclass(frozen=True)
class ZeroSumSolution:
    """The value and optimal mixed strategies of a zero-sum game, from two independent LPs."""

    value: float  # max_x min_j (x^T A)_j, from the row player's LP
    value_col: float  # min_y max_i (A y)_i, from the column player's LP (equal to value by von Neumann)
    row: np.ndarray  # (m,) the row (maximising) player's optimal mixed strategy
    col: np.ndarray  # (n,) the column (minimising) player's optimal mixed strategy


def check_payoff(payoff) -> np.ndarray:
    """Return ``payoff`` as a finite float64 (m, n) array with m, n >= 1, or raise ValueError."""
    try:
        a = np.asarray(payoff, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"payoff must be a rectangular 2-D array of numbers (rows of equal length): {err}") from None
    if a.ndim != 2:
        raise ValueError(f"payoff must be a 2-D matrix (rows: the maximiser's actions), got shape {a.shape}")
    if a.size == 0:
        raise ValueError(f"payoff must have at least one row and one column, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError("payoff must be finite: replace inf/nan entries")
    return a


def check_strategy(strategy, size: int, name: str) -> np.ndarray:
    """Return ``strategy`` as a float64 probability vector of length ``size``, or raise ValueError."""
    s = np.asarray(strategy, dtype=np.float64)
    if s.shape != (size,):
        raise ValueError(f"{name} must be a vector of length {size}, got shape {s.shape}")
    if np.any(s < -1e-12) or abs(s.sum() - 1.0) > 1e-9:
        raise ValueError(f"{name} must be a probability vector (non-negative, summing to 1), got sum {s.sum()}")
    return np.clip(s, 0.0, None) / np.clip(s, 0.0, None).sum()


def _simplex(v: np.ndarray) -> np.ndarray:
    """Clip the LP solver's tiny negative round-off and renormalise."""
    v = np.clip(v, 0.0, None)
    return v / v.sum()


def solve_zero_sum(payoff) -> ZeroSumSolution:
    """Solve the zero-sum game ``payoff`` (row player maximises payoff[i, j]) by two linear programs.

    Row LP:    maximise v  over (x, v)  s.t.  A^T x >= v 1,  sum x = 1,  x >= 0.
    Column LP: minimise w  over (y, w)  s.t.  A y  <= w 1,  sum y = 1,  y >= 0.

    ``payoff`` may be RECTANGULAR (m x n, m != n): von Neumann's theorem holds for every finite matrix, the
    two players need not have the same number of actions (a GAN's discriminators and generators differ), and
    the Lipton-Young check plays T sampled rows against all n columns. Anything that is not a non-empty,
    finite, 2-D matrix (a vector, a 3-D array, an empty or ragged array, inf/nan entries) raises ValueError.
    """
    a = check_payoff(payoff)
    m, n = a.shape
    # row player: variables (x_1..x_m, v); minimise -v; constraint v - (A^T x)_j <= 0 for each column j
    res_r = linprog(c=np.r_[np.zeros(m), -1.0], A_ub=np.c_[-a.T, np.ones(n)], b_ub=np.zeros(n),
                    A_eq=np.r_[np.ones(m), 0.0][None, :], b_eq=[1.0],
                    bounds=[(0, None)] * m + [(None, None)], method="highs")
    # column player: variables (y_1..y_n, w); minimise w; constraint (A y)_i - w <= 0 for each row i
    res_c = linprog(c=np.r_[np.zeros(n), 1.0], A_ub=np.c_[a, -np.ones(m)], b_ub=np.zeros(m),
                    A_eq=np.r_[np.ones(n), 0.0][None, :], b_eq=[1.0],
                    bounds=[(0, None)] * n + [(None, None)], method="highs")
    if res_r.status != 0 or res_c.status != 0:  # cannot happen for a finite matrix; kept as a guard
        raise RuntimeError(f"linprog failed: {res_r.message} / {res_c.message}")
    return ZeroSumSolution(value=float(res_r.x[-1]), value_col=float(res_c.x[-1]),
                           row=_simplex(res_r.x[:m]), col=_simplex(res_c.x[:n]))


def pure_maxmin(payoff) -> float:
    """max_i min_j payoff[i, j]: what the row player can guarantee with a pure strategy."""
    return float(check_payoff(payoff).min(axis=1).max())


def pure_minmax(payoff) -> float:
    """min_j max_i payoff[i, j]: what the column player can guarantee with a pure strategy."""
    return float(check_payoff(payoff).max(axis=0).min())


def guarantees(payoff, row, col) -> tuple[float, float]:
    """(low(x), high(y)) = (min_j (x^T A)_j, max_i (A y)_i): each player's worst case against any reply."""
    a = check_payoff(payoff)
    x = check_strategy(row, a.shape[0], "row")
    y = check_strategy(col, a.shape[1], "col")
    return float((x @ a).min()), float((a @ y).max())


def duality_gap(payoff, row, col) -> float:
    """high(y) - low(x) >= 0: the total gain both players could make by best-responding; 0 at equilibrium."""
    low, high = guarantees(payoff, row, col)
    return high - low


def equilibrium_epsilon(payoff, row, col, value: float | None = None) -> float:
    """Smallest eps making (row, col) an eps-approximate equilibrium for ``value`` (any value if None)."""
    low, high = guarantees(payoff, row, col)
    if value is None:
        return max(0.0, (high - low) / 2)
    return max(0.0, value - low, high - value)


def sampled_strategy(strategy, T: int, seed: int | np.random.Generator = 0) -> np.ndarray:
    """The uniform mixture of T pure strategies drawn i.i.d. from ``strategy``, as a frequency vector."""
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or T < 1:
        raise ValueError(f"T (the number of sampled pure strategies) must be a positive int, got {T!r}")
    s = np.asarray(strategy, dtype=np.float64)
    if s.ndim != 1 or s.size == 0:
        raise ValueError(f"strategy must be a non-empty probability vector, got shape {s.shape}")
    s = check_strategy(s, s.shape[0], "strategy")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    picks = rng.choice(s.shape[0], size=int(T), p=s)
    return np.bincount(picks, minlength=s.shape[0]) / T


def lipton_young_epsilon(m: int, n: int, T: int, payoff_range: float, beta: float = 0.05) -> float:
    """eps such that T samples from optimal strategies give an eps-approximate equilibrium w.p. >= 1 - beta."""
    if min(m, n, T) < 1:
        raise ValueError(f"m, n and T must be positive, got m={m}, n={n}, T={T}")
    if not 0 < beta < 1:
        raise ValueError(f"beta (the failure probability) must lie in (0, 1), got {beta}")
    if not payoff_range >= 0:
        raise ValueError(f"payoff_range (max A - min A) must be non-negative, got {payoff_range}")
    return payoff_range * math.sqrt(math.log((m + n) / beta) / (2 * T))
