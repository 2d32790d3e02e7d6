r"""The two-Gaussian GAN of Li, Madry, Peebles and Schmidt (2018): the loss, its gradients, the optimal discriminator.

Generators are :math:`G_\mu = \tfrac12 N(\mu_1, 1) + \tfrac12 N(\mu_2, 1)`; the truth is :math:`G_{\mu^*}`.
A discriminator is the indicator of a union of two intervals, :math:`D = 1_{[l_1, r_1]} + 1_{[l_2, r_2]}` with
:math:`l_1 \le r_1 \le l_2 \le r_2` (endpoints may be :math:`\pm\infty`; an empty interval has :math:`l_j = r_j`).
The discriminator MAXIMISES and the generator MINIMISES

.. math::  L(\mu, l, r) = E_{G_{\mu^*}}[D] + E_{G_\mu}[1 - D]
           = 1 + \sum_j \tfrac12 \sum_i \big[\Phi(r_j - \mu^*_i) - \Phi(l_j - \mu^*_i)
             - \Phi(r_j - \mu_i) + \Phi(l_j - \mu_i)\big],

a smooth function of all six numbers (the formula is used as is for any endpoints). With
:math:`F = g_{\mu^*} - g_\mu` the difference of the two densities:
:math:`\partial L/\partial\mu_i = \tfrac12\sum_j [\varphi(r_j - \mu_i) - \varphi(l_j - \mu_i)]`,
:math:`\partial L/\partial r_j = F(r_j)`, :math:`\partial L/\partial l_j = -F(l_j)`.

The best discriminator is :math:`1\{F > 0\}`, and its value :math:`\max_{l,r} L - 1` is the total variation
distance, because :math:`F` has at most three zeros (Theorem A-2 of Li et al.). :func:`density_difference_zeros`
finds them by the proof of Descartes' rule of signs for exponential sums: :math:`2\sqrt{2\pi}e^{x^2/2}F(x) = h(x) =
\sum_k c_k e^{\lambda_k x}` with :math:`\lambda_1 \le \dots \le \lambda_4` the four means and
:math:`c_k = \pm e^{-\lambda_k^2/2}` (+ for true means). Zeros of :math:`h` are separated (Rolle) by zeros of
:math:`h_1 \propto (e^{-\lambda_1 x} h)'`, whose coefficients are :math:`c_k(\lambda_k - \lambda_1)`; those are
separated by zeros of :math:`h_2`, coefficients :math:`c_k(\lambda_k - \lambda_1)(\lambda_k - \lambda_2)`, a
two-term sum with at most one zero, in closed form. Each function is monotone between the zeros of the next, so
one safeguarded root search per bracket finds every zero (on the window mean +- 40, outside which both densities are 0 in
float64).
"""

from __future__ import annotations

import numpy as np
from scipy import integrate, optimize
from scipy.special import ndtr

WINDOW = 40.0  # zeros are searched within [min mean - WINDOW, max mean + WINDOW]
_BISECTIONS, _MAX_ITER, _XTOL = 10, 200, 1e-12  # per bracket, see _roots_in_brackets
_SQRT_2PI = np.sqrt(2 * np.pi)


def check_means(mu: np.ndarray, name: str) -> np.ndarray:
    """Means as float64 of shape (..., 2), finite; ValueError naming ``name`` otherwise."""
    arr = np.asarray(mu, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] != 2:
        raise ValueError(f"{name} must have shape (..., 2) (the two means of a mixture), got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite, got {arr}")
    return arr


def _check_endpoints(l: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    l, r = np.asarray(l, dtype=np.float64), np.asarray(r, dtype=np.float64)
    for name, arr in (("l", l), ("r", r)):
        if arr.ndim == 0 or arr.shape[-1] != 2:
            raise ValueError(f"{name} must have shape (..., 2) (one endpoint per interval), got shape {arr.shape}")
        if np.isnan(arr).any():
            raise ValueError(f"{name} must not contain NaN")
    return l, r


def phi(x: np.ndarray) -> np.ndarray:
    """Standard normal density (0 at +-inf)."""
    return np.exp(-0.5 * np.square(x)) / _SQRT_2PI


def mixture_pdf(x: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Density of G_mu at x; mu (..., 2) broadcasts against x (..., k) as mu[..., None, :]."""
    mu = check_means(mu, "mu")
    x = np.asarray(x, dtype=np.float64)
    return 0.5 * phi(x[..., None] - mu[..., None, :]).sum(-1)


def interval_mass(mu: np.ndarray, l: np.ndarray, r: np.ndarray) -> np.ndarray:
    """G_mu([l_1, r_1]) + G_mu([l_2, r_2]) by the normal CDF; shapes (..., 2) -> (...)."""
    mu = check_means(mu, "mu")
    l, r = _check_endpoints(l, r)
    d = ndtr(r[..., :, None] - mu[..., None, :]) - ndtr(l[..., :, None] - mu[..., None, :])  # (..., interval, mean)
    return 0.5 * d.sum((-1, -2))


def loss(mu: np.ndarray, l: np.ndarray, r: np.ndarray, mu_star: np.ndarray) -> np.ndarray:
    """L(mu, l, r) = E_{G_mu*}[D] + E_{G_mu}[1 - D] in closed form; shape (...)."""
    return 1.0 + interval_mass(mu_star, l, r) - interval_mass(mu, l, r)


def density_difference(x: np.ndarray, mu_star: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """F(x) = g_{mu*}(x) - g_mu(x), the density difference whose sign is the best discriminator."""
    return mixture_pdf(x, mu_star) - mixture_pdf(x, mu)


def density_difference_derivatives(x: np.ndarray, mu_star: np.ndarray,
                                   mu: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(F'(x), F''(x), dF/dmu (..., 2)) of F = g_{mu*} - g_mu, from phi' = -x phi and phi'' = (x^2 - 1) phi; x of
    shape (...) against mu_star, mu of shape (..., 2) (one x per pair)."""
    mu_star, mu = check_means(mu_star, "mu_star"), check_means(mu, "mu")
    x = np.asarray(x, dtype=np.float64)[..., None]
    ds, dg = x - mu_star, x - mu
    d1 = 0.5 * (-(ds * phi(ds)).sum(-1) + (dg * phi(dg)).sum(-1))
    d2 = 0.5 * (((ds**2 - 1) * phi(ds)).sum(-1) - ((dg**2 - 1) * phi(dg)).sum(-1))
    return d1, d2, -0.5 * dg * phi(dg)  # d/dmu_i of -phi(x - mu_i)/2 = phi'(x - mu_i)/2 = -(x - mu_i) phi(x - mu_i)/2


def loss_grad(mu: np.ndarray, l: np.ndarray, r: np.ndarray,
              mu_star: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dL/dmu, dL/dl, dL/dr), each of shape (..., 2), from the formulas in the module docstring."""
    mu, mu_star = check_means(mu, "mu"), check_means(mu_star, "mu_star")
    l, r = _check_endpoints(l, r)
    d_mu = 0.5 * (phi(r[..., None, :] - mu[..., :, None]) - phi(l[..., None, :] - mu[..., :, None])).sum(-1)
    return d_mu, -density_difference(l, mu_star, mu), density_difference(r, mu_star, mu)


def _expsum(logc: np.ndarray, sign: np.ndarray, lam: np.ndarray,
            x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """h(x) = sum_k sign_k exp(logc_k + lam_k x) and h'(x), both divided by the largest term (no overflow, same
    zeros, same Newton step h / h'); coefficients (n, 4), x (n, b)."""
    t = [logc[:, k, None] + lam[:, k, None] * x for k in range(4)]  # 4 x (n, b)
    t_max = np.maximum(np.maximum(t[0], t[1]), np.maximum(t[2], t[3]))
    t_max = np.where(np.isfinite(t_max), t_max, 0.0)
    g, dg = np.zeros_like(x), np.zeros_like(x)
    for k in range(4):
        term = sign[:, k, None] * np.exp(t[k] - t_max)
        g += term
        dg += lam[:, k, None] * term
    return g, dg


def _roots_in_brackets(logc, sign, lam, edges: np.ndarray) -> np.ndarray:
    """The zero in each bracket [edges_j, edges_j+1] whose ends differ in sign (NaN elsewhere); edges (n, b+1).

    h is monotone (up to a positive factor) in each bracket, so the zero is unique: a few bisections, then
    safeguarded Newton steps (a Newton step is taken only if it stays inside the current bracket, and every 8th
    step bisects; the bracket shrinks at every evaluation), until every Newton step is below _XTOL relative or h is at
    the rounding level (or _MAX_ITER). Iterating to convergence matters near a double root, where two zeros are close and Newton
    converges only linearly from a distance: a fixed small number of steps left such zeros 1e-4 off.
    """
    a, b = edges[:, :-1].copy(), edges[:, 1:].copy()
    fa = np.sign(_expsum(logc, sign, lam, a)[0])
    has = fa * np.sign(_expsum(logc, sign, lam, b)[0]) < 0
    x = 0.5 * (a + b)
    done = ~has
    for it in range(_MAX_ITER):
        g, dg = _expsum(logc, sign, lam, x)
        left = np.sign(g) * fa <= 0  # the sign change is in [a, x]
        b = np.where(left, x, b)
        a = np.where(left, a, x)
        fa = np.where(left, fa, np.sign(g))
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = x - g / dg
        use = (it >= _BISECTIONS) & (it % 8 != 7) & (newton >= a) & (newton <= b)  # every 8th step bisects
        noise = np.abs(g) <= 1e-15  # h / (largest term) at the rounding level: x is as good as float64 gets
        converged = noise | (use & (np.abs(newton - x) <= _XTOL * (1.0 + np.abs(x))))
        x = np.where(done | noise, x, np.where(use, newton, 0.5 * (a + b)))
        done |= converged
        if done.all():
            break
    return np.where(has, x, np.nan)


def density_difference_zeros(mu_star: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """The zeros of F = g_{mu*} - g_mu (at most three), sorted, NaN-padded to shape (..., 3); none if F = 0."""
    mu_star, mu = check_means(mu_star, "mu_star"), check_means(mu, "mu")
    try:
        batch = np.broadcast_shapes(mu_star.shape, mu.shape)[:-1]
    except ValueError:
        raise ValueError(f"mu_star and mu must broadcast, got shapes {mu_star.shape} and {mu.shape}") from None
    lam = np.concatenate([np.broadcast_to(mu_star, batch + (2,)), np.broadcast_to(mu, batch + (2,))], -1)
    sgn = np.broadcast_to(np.array([1.0, 1.0, -1.0, -1.0]), lam.shape)
    lam, sgn = lam.reshape(-1, 4), sgn.reshape(-1, 4)  # (n, 4)
    order = np.argsort(lam, axis=-1, kind="stable")
    lam, sgn = np.take_along_axis(lam, order, -1), np.take_along_axis(sgn, order, -1)
    coef = sgn * np.exp(-0.5 * lam**2)
    for k in range(1, 4):  # equal means: merge their coefficients exactly (else e^{lam x} terms cancel in rounding)
        tie = lam[:, k] == lam[:, k - 1]
        coef[:, k] = np.where(tie, coef[:, k] + coef[:, k - 1], coef[:, k])
        coef[:, k - 1] = np.where(tie, 0.0, coef[:, k - 1])
    with np.errstate(divide="ignore"):
        logc, sgn = np.log(np.abs(coef)), np.sign(coef)
    lo, hi = lam[:, :1] - WINDOW, lam[:, 3:] + WINDOW  # (n, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        # level 1 and 2 coefficients: c_k (lam_k - lam_1) and c_k (lam_k - lam_1)(lam_k - lam_2)
        f1, f2 = lam - lam[:, :1], lam - lam[:, 1:2]
        logc1, sgn1 = logc + np.log(np.abs(f1)), sgn * np.sign(f1)
        logc2, sgn2 = logc1 + np.log(np.abs(f2)), sgn1 * np.sign(f2)
        # h_2 = a3 e^{lam3 x} + a4 e^{lam4 x}: one zero iff the signs differ and lam4 > lam3
        ok = (sgn2[:, 2] * sgn2[:, 3] < 0) & (lam[:, 3] > lam[:, 2])
        gap = np.where(ok, lam[:, 3] - lam[:, 2], 1.0)
        z2 = np.where(ok, (logc2[:, 2] - logc2[:, 3]) / gap, np.nan)
    z2 = np.clip(np.where(np.isnan(z2), lo[:, 0], z2), lo[:, 0], hi[:, 0])[:, None]
    z1 = _roots_in_brackets(logc1, sgn1, lam, np.concatenate([lo, z2, hi], 1))  # (n, 2) zeros of h_1
    z1 = np.sort(np.where(np.isnan(z1), lo, z1), axis=1)
    z0 = _roots_in_brackets(logc, sgn, lam, np.concatenate([lo, z1, hi], 1))  # (n, 3) zeros of h
    return np.sort(z0, axis=1).reshape(batch + (3,))  # NaNs sort last


def grid_zeros(mu_star: np.ndarray, mu: np.ndarray, xs: np.ndarray) -> tuple[int, np.ndarray]:
    """Independent oracle for one pair: the number of sign changes of F on the increasing grid ``xs``, with care
    near double roots, and where they are (sorted: the left grid point of each sign change, the refined extremum
    twice for each hidden pair). Two zeros closer than the grid spacing leave no sign change on the grid; between them F has
    a local extremum of the other sign. So every interior grid extremum of F without a sign change next to it is
    refined (bounded scalar search for the extremum of F between its grid neighbours), and counts two zeros if
    the refined extremum has the other sign. (A tangency, F = F' = 0, is a zero without a sign change: not
    counted; so the count is of sign changes, a lower bound on the zeros counted with multiplicity.)"""
    mu_star, mu = check_means(mu_star, "mu_star"), check_means(mu, "mu")
    if mu_star.shape != (2,) or mu.shape != (2,):
        raise ValueError(f"grid_zeros takes one pair: mu_star and mu of shape (2,), got {mu_star.shape}, {mu.shape}")
    xs = np.asarray(xs, dtype=np.float64)
    if xs.ndim != 1 or len(xs) < 3 or not np.all(np.diff(xs) > 0):
        raise ValueError("xs must be an increasing 1-D grid of at least 3 points")
    fx = density_difference(xs, mu_star, mu)
    s = np.sign(fx)
    nz = np.flatnonzero(s)  # a grid point where F is exactly 0 lies inside the sign change around it
    where = list(xs[nz[:-1]][s[nz[:-1]] * s[nz[1:]] < 0])
    d = np.diff(fx)
    # If F crosses zero twice between x_{k-1} and x_{k+1}, its extremum x* there has the other sign and F'(x*) = 0,
    # so |F(x_k)| <= |F(x_k) - F(x*)| <= max|F''| h^2 / 2 <= 0.4 h^2 (|F''| <= 2 max|(x^2 - 1) phi(x)| = 2 phi(0)):
    # only such grid extrema need the search.
    small = np.abs(fx) <= 0.5 * np.diff(xs).max() ** 2
    for k in np.flatnonzero((d[:-1] * d[1:] < 0) & small[1:-1]) + 1:  # interior grid extrema of F, near 0
        if not (s[k - 1] == s[k] == s[k + 1] != 0):
            continue
        sk = s[k]  # the extremum is a minimum of sk * F
        res = optimize.minimize_scalar(lambda x: sk * float(density_difference(np.array([x]), mu_star, mu)[0]),
                                       bounds=(xs[k - 1], xs[k + 1]), method="bounded",
                                       options={"xatol": 1e-14 * max(1.0, abs(xs[k]))})
        if res.fun < 0:
            where += [res.x, res.x]
    return len(where), np.sort(np.array(where, dtype=np.float64))


def best_two_intervals(mu: np.ndarray, mu_star: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The optimal discriminator 1{F > 0} as (l, r), each (..., 2), and its value max_{l,r} L - 1 = TV.

    Between the zeros z_1 < z_2 < z_3 of F the sign alternates, so {F > 0} is the union of every other piece of
    (-inf, z_1, z_2, z_3, inf); missing zeros are +inf, making the unused pieces [inf, inf] empty.
    """
    mu, mu_star = check_means(mu, "mu"), check_means(mu_star, "mu_star")
    z = density_difference_zeros(mu_star, mu)  # (..., 3)
    inf = np.full(z.shape[:-1] + (1,), np.inf)
    pts = np.concatenate([-inf, np.where(np.isnan(z), np.inf, z), inf], -1)  # (..., 5)
    left = np.where(np.isfinite(z[..., :1]), z[..., :1] - 1.0, 0.0)[..., 0]  # a point left of every zero
    positive_first = density_difference(left[..., None], mu_star, mu)[..., 0] > 0
    start = np.where(positive_first, 0, 1)[..., None]  # pieces (start, start + 2) are the positive ones
    idx = start + np.array([0, 2])
    l = np.take_along_axis(pts, idx, -1)
    r = np.take_along_axis(pts, idx + 1, -1)
    value = loss(mu, l, r, mu_star) - 1.0
    return l, r, value


def tv_distance(mu: np.ndarray, mu_star: np.ndarray) -> np.ndarray:
    """TV(G_mu*, G_mu) as the value of the best two-interval discriminator."""
    return best_two_intervals(mu, mu_star)[2]


def tv_quadrature(mu: np.ndarray, mu_star: np.ndarray, grid: int = 20001) -> float:
    """Independent oracle for one pair: (1/2) int |g_mu* - g_mu| by scipy quadrature, split at the sign changes
    of F on a fine grid (refined with brentq), so that quad never integrates across a kink."""
    mu, mu_star = check_means(mu, "mu"), check_means(mu_star, "mu_star")
    if mu.shape != (2,) or mu_star.shape != (2,):
        raise ValueError(f"tv_quadrature takes one pair: mu and mu_star of shape (2,), got {mu.shape}, {mu_star.shape}")
    a, b = min(mu.min(), mu_star.min()) - 12.0, max(mu.max(), mu_star.max()) + 12.0

    def f(x: float) -> float:
        return float(density_difference(np.array([x]), mu_star, mu)[0])

    xs = np.linspace(a, b, grid)
    fx = density_difference(xs, mu_star, mu)
    cuts = [optimize.brentq(f, xs[k], xs[k + 1], xtol=1e-15) for k in np.flatnonzero(fx[:-1] * fx[1:] < 0)]
    edges = [a, *cuts, b]
    pieces = [integrate.quad(lambda x: abs(f(x)), lo, hi, limit=200, epsabs=1e-15, epsrel=1e-13)[0]
              for lo, hi in zip(edges[:-1], edges[1:])]
    return 0.5 * float(sum(pieces))
