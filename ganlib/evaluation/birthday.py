r"""The birthday paradox, exactly and as bounds: Theorem 7, Lemma 2, Lemma 6 and Theorem 8 of chapter 6.

Draw :math:`X_1, \dots, X_k` i.i.d. from a distribution p on a finite or countable set. A *collision* is a pair
i < j with :math:`X_i = X_j`; :math:`T = \min\{t \ge 2 : X_t \in \{X_1, \dots, X_{t-1}\}\}` is the first collision
time, so "no collision among the first k draws" is the event :math:`\{T > k\}`.

- Exact: :math:`P(T > k) = k!\, e_k(p)`, with :math:`e_k` the k-th elementary symmetric polynomial. We compute
  :math:`F_j = j!\, e_j` over the prefixes of p by :math:`F_j \leftarrow F_j + j\, p_i F_{j-1}` (all terms >= 0,
  so no cancellation), in log-scaled float64. For the uniform law on n points
  :math:`P_{n,k} = \prod_{i<k} (1 - i/n)`, also for real n (Lemma 2 needs :math:`P_{\beta,k}`).
- Theorem 7 (the proven form): if a set S of n points has :math:`P(S) \ge \rho`, then
  :math:`P(\text{collision}) \ge 1 - \mathbb E\, e^{-M(M-1)/2n}`, :math:`M \sim \mathrm{Bin}(k, \rho)`; for
  :math:`\rho = 1` this is :math:`1 - e^{-k(k-1)/2n}`. The essay prints :math:`1 - e^{-k^2\rho/2n}`.
- The effective support :math:`\beta = 1 / \sum_x p(x)^2` (:math:`= n` for the uniform law on n points).
- Lemma 2 (Wiener, 2005): for :math:`\beta \ge 1000` and :math:`k \le 2\sqrt{\beta\log\beta}`,
  :math:`P(T > k) \ge \exp(-k^2/2\beta - k^3/6\beta^2)`.
- Theorem 8: inverting Lemma 2 at :math:`P(T > k) = 1 - \gamma` gives
  :math:`\beta \le \beta^* = 2k / (-3 + \sqrt{9 + 24 k^{-1} \log\frac{1}{1-\gamma}})`; ``support_bound`` is the
  printed set-size bound :math:`\rho^2 / (1/\beta^* - (1-\rho)^2)` (which chapter 6 shows can fail).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, stats


def _check_k(k: int, name: str = "k") -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise ValueError(f"{name} (the number of draws) must be an int >= 2, got {k!r}")
    return int(k)


def _check_positive(x: float, name: str, low: float = 0.0) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)) or not math.isfinite(x) \
            or not x > low:
        raise ValueError(f"{name} must be a finite number > {low}, got {x!r}")
    return float(x)


def _check_rho(rho: float) -> float:
    if isinstance(rho, bool) or not isinstance(rho, (int, float, np.floating)) or not 0 < rho <= 1:
        raise ValueError(f"rho (the mass of the set S) must be in (0, 1], got {rho!r}")
    return float(rho)


def _check_gamma(gamma: float) -> float:
    if isinstance(gamma, bool) or not isinstance(gamma, (int, float, np.floating)) or not 0 < gamma < 1:
        raise ValueError(f"gamma (a collision probability) must be in the open interval (0, 1), got {gamma!r}")
    return float(gamma)


def check_probabilities(p: np.ndarray | list[float], tol: float = 1e-9) -> np.ndarray:
    """p as a float64 vector, after checking it is a probability vector (finite, >= 0, sums to 1 within tol)."""
    arr = np.asarray(p, dtype=np.float64)
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"p must be a non-empty 1-D vector of finite non-negative probabilities, got {p!r:.80}")
    if abs(arr.sum() - 1.0) > tol:
        raise ValueError(f"p must sum to 1 (within {tol}), it sums to {arr.sum()!r}; normalise it with p / p.sum()")
    return arr


def log_no_collision_probability(p: np.ndarray | list[float], k: int) -> float:
    """log P(T > k) = log(k! e_k(p)): the log-probability that k i.i.d. draws from p are all distinct.

    F_j(i) = j! e_j(p_1..p_i) obeys F_j(i) = sum_{l <= i} j p_l F_{j-1}(l - 1), F_0 = 1; kept in log space
    (a running logaddexp). Rescaling in linear space instead loses accuracy once F_j of the short prefixes
    underflows: at n = 10^5, k = 1950 it was off by a factor 1.5 against the uniform closed form.
    """
    p, k = check_probabilities(p), _check_k(k)
    p = p[p > 0]
    if k > p.size:
        return -math.inf
    log_p = np.log(p)
    g = np.zeros(p.size + 1)  # log F_0 over the prefixes p[:0], ..., p[:n]
    for j in range(1, k + 1):
        g = np.concatenate([[-np.inf], np.logaddexp.accumulate(math.log(j) + log_p + g[:-1])])  # log F_j
    return float(g[-1])


def collision_probability(p: np.ndarray | list[float], k: int) -> float:
    """P(at least one collision among k i.i.d. draws from p), exactly: 1 - k! e_k(p)."""
    return -math.expm1(log_no_collision_probability(p, k))


def uniform_no_collision(n: float, k: int) -> float:
    """P_{n,k} = prod_{i<k} (1 - i/n), for real n > 0 (0 once a factor is <= 0)."""
    n, k = _check_positive(n, "n"), _check_k(k)
    if k - 1 >= n:
        return 0.0
    i = np.arange(k, dtype=np.float64)
    return float(np.exp(np.sum(np.log1p(-i / n))))


def effective_support(p: np.ndarray | list[float]) -> float:
    """beta = 1 / sum_x p(x)^2 = 1 / P(T = 2): n for the uniform law on n points."""
    p = check_probabilities(p)
    return float(1.0 / np.sum(p * p))


def worst_case_no_collision(k: int, rho: float, n: int) -> float:
    """The largest P(T > k) over laws with P(S) >= rho, |S| = n: E P_{n,M}, M ~ Bin(k, rho) (S uniform, rest diffuse)."""
    k, rho = _check_k(k), _check_rho(rho)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n (the size of S) must be a positive int, got {n!r}")
    m = np.arange(k + 1)
    with np.errstate(divide="ignore"):  # log 0 = -inf once m > n: P_{n,m} = 0
        log_pm = np.concatenate([[0.0], np.cumsum(np.log1p(-np.minimum(m[:-1] / n, 1.0)))])  # log P_{n,m}, m = 0..k
    return float(np.sum(stats.binom.pmf(m, k, rho) * np.exp(log_pm)))


def theorem7_bound(k: int, rho: float, n: float) -> float:
    """Theorem 7 as proven: P(collision) >= 1 - E exp(-M(M-1)/2n), M ~ Bin(k, rho); = 1 - e^{-k(k-1)/2n} at rho = 1."""
    k, rho, n = _check_k(k), _check_rho(rho), _check_positive(n, "n")
    if rho == 1.0:
        return -math.expm1(-k * (k - 1) / (2 * n))
    m = np.arange(k + 1)
    return float(1.0 - np.sum(stats.binom.pmf(m, k, rho) * np.exp(-m * (m - 1) / (2 * n))))


def essay_theorem7_bound(k: int, rho: float, n: float) -> float:
    """Theorem 7 as the essay prints it, 1 - exp(-k^2 rho / 2n): false in general (chapter 6)."""
    k, rho, n = _check_k(k), _check_rho(rho), _check_positive(n, "n")
    return -math.expm1(-k * k * rho / (2 * n))


def lemma2_bound(k: int, beta: float) -> float:
    """Lemma 2's lower bound on P(T > k): exp(-k^2/(2 beta) - k^3/(6 beta^2)); valid under ``lemma2_applies``."""
    k, beta = _check_k(k), _check_positive(beta, "beta")
    return math.exp(-k * k / (2 * beta) - k ** 3 / (6 * beta * beta))


def lemma2_applies(k: int, beta: float) -> bool:
    """Lemma 2's conditions: beta >= 1000 and k <= 2 sqrt(beta log beta)."""
    k, beta = _check_k(k), _check_positive(beta, "beta")
    return beta >= 1000 and k <= 2 * math.sqrt(beta * math.log(beta))


def lemma6_distribution(beta: float) -> np.ndarray:
    """Lemma 6's extremal law with 1/sum p^2 = beta: m = ceil(beta) points, one light, m - 1 equal heavy ones."""
    beta = _check_positive(beta, "beta", low=1.0)
    m = math.ceil(beta)
    a = m / beta - 1.0  # in [0, 1/beta)
    p = np.full(m, (1.0 + math.sqrt(a / (m - 1))) / m)
    p[0] = (1.0 - math.sqrt(a * (m - 1))) / m
    return p


def beta_star(k: int, gamma: float) -> float:
    """Theorem 8's beta* = 2k / (-3 + sqrt(9 + (24/k) log(1/(1-gamma)))): Lemma 2 solved for beta at 1 - gamma."""
    k, gamma = _check_k(k), _check_gamma(gamma)
    x = 24.0 / k * -math.log1p(-gamma)
    return 2.0 * k * (3.0 + math.sqrt(9.0 + x)) / x  # -3 + sqrt(9 + x) = x / (3 + sqrt(9 + x)), no cancellation


def support_bound(k: int, gamma: float, rho: float) -> float:
    """Theorem 8 as printed: |S| <= 2k rho^2 / ((-3 + sqrt(9 + 24/k log 1/(1-gamma))) - 2k(1-rho)^2); inf if <= 0."""
    rho = _check_rho(rho)
    denominator = 1.0 / beta_star(k, gamma) - (1.0 - rho) ** 2
    return math.inf if denominator <= 0 else rho * rho / denominator


def uniform_support_from_collision(k: int, gamma: float) -> float:
    """The real N >= k - 1 with 1 - P_{N,k} = gamma: the support of the uniform law that collides with rate gamma."""
    k, gamma = _check_k(k), _check_gamma(gamma)
    target = math.log1p(-gamma)

    def gap(log_n: float) -> float:
        return math.log(max(uniform_no_collision(math.exp(log_n), k), 1e-300)) - target

    low, high = math.log(k - 1 + 1e-12), math.log(k * k / (2 * -target) + 2 * k)  # P_{N,k} <= e^{-k(k-1)/2N}
    if gap(low) >= 0:
        return k - 1.0
    while gap(high) < 0:
        high += 1.0
    return math.exp(optimize.brentq(gap, low, high, xtol=1e-13, rtol=1e-13))
