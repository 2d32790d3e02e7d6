r"""A 1-D GAN small enough to train live while the value function is introduced (chapter 2, Algorithm 1).

Data :math:`x \sim N(m, s^2)`. Generator :math:`G_\theta(z) = \mu + e^{\rho} z`, :math:`z \sim N(0, 1)`,
:math:`\theta = (\mu, \rho)`, so :math:`p_G = N(\mu, e^{2\rho})`. Discriminator
:math:`D_w(x) = \sigma(l_w(x))` with the quadratic logit :math:`l_w(x) = w_0 + w_1 x + w_2 x^2`: the log-ratio of
two Gaussian densities is quadratic, so this family *contains* the optimal discriminator
:math:`\sigma^{-1}(D^*) = \log p_{data} - \log p_G` of Proposition 1 for every generator of the family, the
"enough capacity" hypothesis of the convergence theorem made literal.

Algorithm 1 (Goodfellow et al., 2014), with plain minibatch SGD: for each iteration, ``k`` ascent steps of D on
the Monte Carlo value :math:`\hat V = \frac1m\sum_i \log D(x_i) + \log(1 - D(G(z_i)))`, then one descent step of G
on the minimax loss :math:`\frac1m\sum_i \log(1 - D(G(z_i)))` or the non-saturating one
:math:`-\frac1m\sum_i \log D(G(z_i))`. Sign conventions: D ascends V, G descends its loss; gradients are in closed
form (written out below, checked against autograd in the tests), in float64 numpy, which keeps a 2000-step run
well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LOSSES = ("nonsaturating", "minimax")


def _softplus(t: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, t)


def _sigmoid(t: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * t))  # stable for large |t|


def logit(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The discriminator's logit l_w(x) = w0 + w1 x + w2 x^2 at the points x (n,)."""
    return w[0] + w[1] * x + w[2] * x**2


def value_estimate(w: np.ndarray, real: np.ndarray, fake: np.ndarray) -> float:
    r""":math:`\hat V = \mathrm{mean}\log D(x) + \mathrm{mean}\log(1 - D(G(z)))`, with log D = -softplus(-l)."""
    return float(-_softplus(-logit(w, real)).mean() - _softplus(logit(w, fake)).mean())


def d_gradient(w: np.ndarray, real: np.ndarray, fake: np.ndarray) -> np.ndarray:
    r"""Gradient of :math:`\hat V` in w: :math:`\mathrm{mean}(1 - D(x))\,\phi(x) - \mathrm{mean}\,D(G(z))\,\phi(G(z))`,
    with the features :math:`\phi(x) = (1, x, x^2)`; shape (3,)."""
    gr, gf = 1.0 - _sigmoid(logit(w, real)), _sigmoid(logit(w, fake))
    return np.array([gr.mean() - gf.mean(), (gr * real).mean() - (gf * fake).mean(),
                     (gr * real**2).mean() - (gf * fake**2).mean()])


def g_gradient(theta: np.ndarray, w: np.ndarray, z: np.ndarray, loss: str) -> np.ndarray:
    r"""Gradient in :math:`\theta = (\mu, \rho)` of the generator loss at fixed D; shape (2,).

    With :math:`x = \mu + e^\rho z`: :math:`\partial x/\partial\mu = 1`, :math:`\partial x/\partial\rho = e^\rho z`,
    :math:`\partial l/\partial x = w_1 + 2 w_2 x`; :math:`\partial\,\mathrm{loss}/\partial l = -(1 - D)` for the
    non-saturating loss :math:`-\log D`, and :math:`-D` for the minimax loss :math:`\log(1 - D)`.
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    x = theta[0] + np.exp(theta[1]) * z
    d = _sigmoid(logit(w, x))
    dloss_dl = -(1.0 - d) if loss == "nonsaturating" else -d
    dloss_dx = dloss_dl * (w[1] + 2.0 * w[2] * x)
    return np.array([dloss_dx.mean(), (dloss_dx * np.exp(theta[1]) * z).mean()])


@dataclass(frozen=True)
class ToyGANRun:
    """The trajectory of one run: theta (iters + 1, 2) as (mu, rho), w (iters + 1, 3), V estimate (iters + 1,)."""

    theta: np.ndarray
    w: np.ndarray
    value: np.ndarray

    @property
    def mean(self) -> np.ndarray:
        return self.theta[:, 0]

    @property
    def std(self) -> np.ndarray:
        return np.exp(self.theta[:, 1])


def train_toy_gan(data_mean: float, data_std: float, iters: int, k: int = 5, batch: int = 64,
                  lr_d: float = 0.05, lr_g: float = 0.02, loss: str = "nonsaturating",
                  theta0: tuple[float, float] = (0.0, 0.0), seed: int = 0) -> ToyGANRun:
    """Algorithm 1 on the Gaussian toy problem (module docstring); randomness from ``numpy`` with ``seed``."""
    if not data_std > 0:
        raise ValueError(f"data_std must be positive, got {data_std}")
    for name, value in (("iters", iters), ("k", k), ("batch", batch)):
        if isinstance(value, bool) or not isinstance(value, int) or value < (0 if name == "iters" else 1):
            raise ValueError(f"{name} must be a {'non-negative' if name == 'iters' else 'positive'} int, got {value!r}")
    if not (lr_d > 0 and lr_g > 0):
        raise ValueError(f"lr_d and lr_g must be positive, got {lr_d}, {lr_g}")
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    rng = np.random.default_rng(seed)
    theta, w = np.array(theta0, dtype=float), np.zeros(3)
    thetas, ws, values = [theta.copy()], [w.copy()], []

    def draw() -> tuple[np.ndarray, np.ndarray]:
        real = data_mean + data_std * rng.standard_normal(batch)
        fake = theta[0] + np.exp(theta[1]) * rng.standard_normal(batch)
        return real, fake

    values.append(value_estimate(w, *draw()))
    for _ in range(iters):
        for _ in range(k):
            real, fake = draw()
            w = w + lr_d * d_gradient(w, real, fake)  # ascent on V
        theta = theta - lr_g * g_gradient(theta, w, rng.standard_normal(batch), loss)  # descent on the G loss
        thetas.append(theta.copy())
        ws.append(w.copy())
        values.append(value_estimate(w, *draw()))
    return ToyGANRun(np.array(thetas), np.array(ws), np.array(values))
