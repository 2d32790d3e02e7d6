r"""Optimal-discriminator vs first-order dynamics in the two-Gaussian GAN (Li, Madry, Peebles, Schmidt, 2018).

Notation and signs as in :mod:`ganlib.theory.two_gaussians` (generator minimises L, discriminator maximises it).

- Optimal-discriminator dynamics: :math:`(l^t, r^t) = \arg\max_{l,r} L(\mu^t, l, r)` (the intervals
  :math:`\{F > 0\}` from the zeros of the density difference), then
  :math:`\mu^{t+1} = \mu^t - \eta\,\nabla_\mu L(\mu^t, l^t, r^t)`. By Danskin's theorem this is gradient descent on
  :math:`f(\mu) = TV(G_{\mu^*}, G_\mu)` wherever the maximiser is unique.
- First-order dynamics: simultaneous steps :math:`\mu \leftarrow \mu - \eta_g\nabla_\mu L`,
  :math:`l \leftarrow l + \eta_d\nabla_l L`, :math:`r \leftarrow r + \eta_d\nabla_r L`, all gradients at the old
  point. The discriminator must stay in its class (:math:`l_1 \le r_1 \le l_2 \le r_2`), so after each step the
  four endpoints are projected onto that ordered cone in the Euclidean norm (isotonic regression of four numbers:
  :math:`\hat x_i = \max_{j \le i}\min_{k \ge i}\operatorname{mean}(x_j..x_k)`); an interval that the step turns
  inside out becomes empty (:math:`l_j = r_j`).

Both are vectorised over n runs (arrays of shape (n, 2)), in float64 and deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import beta

from ganlib.theory.two_gaussians import best_two_intervals, check_means, loss_grad, tv_distance


@dataclass(frozen=True)
class Runs:
    """Recorded states of n runs: ``mu`` (records, n, 2) and ``tv`` (records, n) at steps ``steps`` (records,)."""

    steps: np.ndarray
    mu: np.ndarray
    tv: np.ndarray

    def reached(self, threshold: float) -> np.ndarray:
        """Per run: did TV fall below ``threshold`` at some recorded step? shape (n,)."""
        return (self.tv < threshold).any(0)


def _check_run_args(etas: dict[str, float], steps: int, record_every: int) -> None:
    for name, eta in etas.items():
        if isinstance(eta, bool) or not (isinstance(eta, float | int) and eta > 0):
            raise ValueError(f"{name} (a step size) must be a positive number, got {eta!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    if isinstance(record_every, bool) or not isinstance(record_every, int) or record_every < 1:
        raise ValueError(f"record_every must be a positive int, got {record_every!r}")


def sample_problems(n: int, box: float, separation: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n pairs (mu_star, mu0), each (n, 2): means uniform in [-box, box]^2 with |m_1 - m_2| >= separation, sorted."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    if not box > 0:
        raise ValueError(f"box must be positive, got {box}")
    if not 0 <= separation < 2 * box:
        raise ValueError(f"separation must be in [0, 2 * box) = [0, {2 * box}), got {separation}")
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(2):
        got = np.empty((0, 2))
        while len(got) < n:  # rejection sampling keeps the uniform law on the allowed set
            cand = rng.uniform(-box, box, size=(2 * n, 2))
            got = np.concatenate([got, cand[np.abs(cand[:, 0] - cand[:, 1]) >= separation]])
        out.append(np.sort(got[:n], axis=1))
    return out[0], out[1]


def optimal_discriminator_dynamics(mu_star: np.ndarray, mu0: np.ndarray, eta: float, steps: int,
                                   record_every: int = 1) -> Runs:
    """Gradient steps on mu against the exact best two-interval discriminator at every step."""
    mu_star, mu = check_means(mu_star, "mu_star"), check_means(mu0, "mu0").copy()
    _check_run_args({"eta": eta}, steps, record_every)
    rec_steps, rec_mu, rec_tv = [], [], []
    for t in range(steps + 1):
        l, r, tv = best_two_intervals(mu, mu_star)
        if t % record_every == 0 or t == steps:
            rec_steps.append(t), rec_mu.append(mu.copy()), rec_tv.append(tv)
        if t < steps:
            mu = mu - eta * loss_grad(mu, l, r, mu_star)[0]
    return Runs(np.array(rec_steps), np.stack(rec_mu), np.stack(rec_tv))


def project_ordered(e: np.ndarray) -> np.ndarray:
    """Euclidean projection of each row of e (n, 4) onto {e_1 <= e_2 <= e_3 <= e_4} (isotonic regression)."""
    e = np.asarray(e, dtype=np.float64)
    if e.ndim != 2 or e.shape[1] != 4:
        raise ValueError(f"e must have shape (n, 4) (the endpoints l1, r1, l2, r2), got {e.shape}")
    csum = np.concatenate([np.zeros((len(e), 1)), np.cumsum(e, 1)], 1)
    out = np.empty_like(e)
    for i in range(4):
        best = np.full(len(e), -np.inf)
        for j in range(i + 1):
            worst = np.full(len(e), np.inf)
            for k in range(i, 4):
                worst = np.minimum(worst, (csum[:, k + 1] - csum[:, j]) / (k + 1 - j))
            best = np.maximum(best, worst)
        out[:, i] = best
    return out


def first_order_dynamics(mu_star: np.ndarray, mu0: np.ndarray, l0: np.ndarray, r0: np.ndarray, eta_g: float,
                         eta_d: float, steps: int, record_every: int = 1) -> tuple[Runs, np.ndarray, np.ndarray]:
    """Simultaneous gradient steps in (mu, l, r), intervals kept ordered; returns (runs, final l, final r)."""
    mu_star, mu = check_means(mu_star, "mu_star"), check_means(mu0, "mu0").copy()
    _check_run_args({"eta_g": eta_g, "eta_d": eta_d}, steps, record_every)
    l0, r0 = np.asarray(l0, dtype=np.float64), np.asarray(r0, dtype=np.float64)
    for name, arr in (("l0", l0), ("r0", r0)):
        if arr.shape != mu.shape:
            raise ValueError(f"{name} must have the shape of mu0, {mu.shape} (one endpoint per interval), got {arr.shape}")
    ends = np.stack([l0[:, 0], r0[:, 0], l0[:, 1], r0[:, 1]], 1).astype(np.float64)  # (n, 4)
    if not np.isfinite(ends).all():
        raise ValueError("l0 and r0 must be finite for first-order dynamics (a gradient step cannot move inf)")
    ends = project_ordered(ends)
    rec_steps, rec_mu, rec_tv = [], [], []
    for t in range(steps + 1):
        if t % record_every == 0 or t == steps:
            rec_steps.append(t), rec_mu.append(mu.copy()), rec_tv.append(tv_distance(mu, mu_star))
        if t < steps:
            l, r = ends[:, [0, 2]], ends[:, [1, 3]]
            d_mu, d_l, d_r = loss_grad(mu, l, r, mu_star)
            mu = mu - eta_g * d_mu
            ends = project_ordered(ends + eta_d * np.stack([d_l[:, 0], d_r[:, 0], d_l[:, 1], d_r[:, 1]], 1))
    return Runs(np.array(rec_steps), np.stack(rec_mu), np.stack(rec_tv)), ends[:, [0, 2]], ends[:, [1, 3]]


def clipped_optimal_intervals(mu: np.ndarray, mu_star: np.ndarray, bound: float) -> tuple[np.ndarray, np.ndarray]:
    """The optimal intervals with infinite endpoints moved to +-bound: a finite start for first-order dynamics."""
    l, r, _ = best_two_intervals(mu, mu_star)
    return np.clip(l, -bound, bound), np.clip(r, -bound, bound)


def clopper_pearson(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) confidence interval for a binomial proportion."""
    if not 0 <= successes <= n or n < 1:
        raise ValueError(f"need 0 <= successes <= n and n >= 1, got successes={successes}, n={n}")
    a = (1 - level) / 2
    lo = 0.0 if successes == 0 else float(beta.ppf(a, successes, n - successes + 1))
    hi = 1.0 if successes == n else float(beta.ppf(1 - a, successes + 1, n - successes))
    return lo, hi
