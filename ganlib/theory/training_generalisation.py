r"""Corollary 1 of chapter 3 (Arora et al., 2017): the F-distance generalises along a whole training run.

Setting, all in one dimension so that both sides can be computed exactly. The class F is a finite grid of
logistic discriminators :math:`D_{v,b}(x) = \sigma(vx + b)`, :math:`(v, b) \in \{-c, \dots, c\}^2` (n per side);
the grid is symmetric, and :math:`1 - \sigma(vx + b) = \sigma(-vx - b)`, so F is closed under :math:`D \mapsto 1 - D`.
With :math:`\phi(t) = t`, :math:`d_F(\mu, \nu) = \max_{D\in F} \E_\mu D - \E_\nu D`. The data law is
:math:`\pdata = N(0, 1)`, seen through m training points; the generator at step t is :math:`G_t = N(\theta_t, 1)`
(:math:`x = \theta_t + z`, :math:`z \sim N(0, 1)`), seen through m fresh samples :math:`\hat p_{G_t}`.

Training (a GAN in closed form): at step t the discriminator is the member of F that maximises the empirical
objective :math:`\E_{\hat p_{data}} D - \E_{\hat p_{G_t}} D`, and the generator takes one gradient step
increasing :math:`\E_z D(\theta + z)` on its sample, :math:`\theta \leftarrow \theta + \eta\,
\overline{\sigma'(v(\theta + z) + b)\,v}`. So :math:`\theta_t` depends on the training data and on every earlier
sample, as in real training.

True distances: :math:`\E_{N(a,1)} D_{v,b} = \int \sigma(v(a + z) + b)\,\varphi(z)\,dz` by Gauss-Hermite quadrature
(150 nodes: error below 1e-10 for the class here, checked against ``scipy.integrate.quad`` in the tests).

The bound (explicit-constant form of the corollary for a finite class of N functions into [0, 1]): by
Hoeffding, :math:`P(|\E_{\hat\mu} D - \E_\mu D| \ge s) \le 2e^{-2ms^2}`; a union bound over the N functions and
the K + 1 measures (the data, and :math:`G_0, \dots, G_{K-1}`, each sample fresh given the past) gives, with
probability at least :math:`1 - \delta`, simultaneously for all t,

.. math:: |d_F(\pdata, G_t) - d_F(\hat p_{data}, \hat p_{G_t})| \le 2s, \qquad
          s = \sqrt{\log(2N(K+1)/\delta)/(2m)} .
"""

from __future__ import annotations

import math

import numpy as np
import torch
from numpy.polynomial.hermite_e import hermegauss
from scipy.special import expit

from ganlib.device import Seed, make_generator


def logistic_class(n_side: int = 11, scale: float = 3.0) -> np.ndarray:
    """The (N, 2) grid of (v, b) in [-scale, scale]^2, N = n_side^2: a finite class closed under D -> 1 - D."""
    if isinstance(n_side, bool) or not isinstance(n_side, int) or n_side < 2:
        raise ValueError(f"n_side must be an int >= 2, got {n_side!r}")
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale!r}")
    side = np.linspace(-scale, scale, n_side)
    v, b = np.meshgrid(side, side, indexing="ij")
    return np.stack([v.ravel(), b.ravel()], axis=1)  # (N, 2)


def _sigmoid(u: np.ndarray) -> np.ndarray:
    return expit(u)  # the logistic function, no overflow


def sample_expectations(x: np.ndarray, cls: np.ndarray) -> np.ndarray:
    """E_{x_hat} D for every D in the class: x (..., m) -> (..., N)."""
    x = np.asarray(x, dtype=np.float64)
    return _sigmoid(x[..., None, :] * cls[:, 0, None] + cls[:, 1, None]).mean(-1)  # (..., N)


def gaussian_expectations(mean: np.ndarray, cls: np.ndarray, n_nodes: int = 150) -> np.ndarray:
    """E_{N(mean, 1)} D for every D in the class, by Gauss-Hermite quadrature: mean (...) -> (..., N)."""
    z, w = hermegauss(n_nodes)  # nodes and weights for the weight exp(-z^2/2)
    w = w / math.sqrt(2 * math.pi)
    x = np.asarray(mean, dtype=np.float64)[..., None] + z  # (..., n_nodes)
    return (_sigmoid(x[..., None, :] * cls[:, 0, None] + cls[:, 1, None]) * w).sum(-1)  # (..., N)


def hoeffding_radius(n_functions: int, n_measures: int, m: int, delta: float) -> float:
    """s with 2 N M exp(-2 m s^2) = delta: every mean of every class member within s, for M measures at once."""
    if not 0 < delta < 1:
        raise ValueError(f"delta (the failure probability) must lie in (0, 1), got {delta!r}")
    return math.sqrt(math.log(2 * n_functions * n_measures / delta) / (2 * m))


def train_and_measure(m: int, steps: int, repeats: int, seed: Seed, theta0: float = 3.0, lr: float = 2.0,
                      cls: np.ndarray | None = None, stale: bool = False) -> dict:
    r"""Run ``repeats`` independent trainings of K = ``steps`` steps; the true and empirical distances at every step.

    Returns ``theta`` (R, K), ``true`` and ``empirical`` (R, K) distances, ``gap`` = their absolute difference,
    and ``N``. ``stale=True`` is a deliberate mistake, for showing that the check can fail: the empirical
    distance at step t reuses the generator's first sample (drawn from :math:`G_0`) instead of a fresh one.
    """
    for name, value in (("m", m), ("steps", steps), ("repeats", repeats)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    cls = logistic_class() if cls is None else cls
    gen = make_generator(seed)
    data = torch.randn(repeats, m, generator=gen, dtype=torch.float64).numpy()  # (R, m): N(0, 1)
    e_data_hat = sample_expectations(data, cls)  # (R, N)
    e_data = gaussian_expectations(np.zeros(1), cls)[0]  # (N,)
    theta = np.full(repeats, float(theta0))
    z0 = torch.randn(repeats, m, generator=gen, dtype=torch.float64).numpy()
    out = {k: np.empty((repeats, steps)) for k in ("theta", "true", "empirical")}
    for t in range(steps):
        z = z0 if t == 0 else torch.randn(repeats, m, generator=gen, dtype=torch.float64).numpy()  # (R, m)
        fake = theta[:, None] + z
        shown = (theta0 + z0) if stale else fake  # the sample the empirical distance is computed on
        objective = e_data_hat - sample_expectations(shown, cls)  # (R, N)
        best = objective.argmax(axis=1)  # (R,): the discriminator of this step
        out["theta"][:, t] = theta
        out["empirical"][:, t] = objective.max(axis=1)
        out["true"][:, t] = (e_data - gaussian_expectations(theta, cls)).max(axis=1)
        v, b = cls[best, 0][:, None], cls[best, 1][:, None]  # (R, 1)
        s = _sigmoid(v * fake + b)
        theta = theta + lr * (s * (1 - s) * v).mean(axis=1)  # ascend E_z D(theta + z)
    out = {k: val.tolist() for k, val in out.items()}
    out["gap"] = np.abs(np.array(out["true"]) - np.array(out["empirical"])).tolist()
    out.update({"m": m, "steps": steps, "repeats": repeats, "N": len(cls), "theta0": theta0, "lr": lr})
    return out
