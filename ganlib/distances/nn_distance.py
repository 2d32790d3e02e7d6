r"""The F-distance and the neural-net distance (chapter 3, Arora et al., 2017, Definition 3 and Theorem 6).

For a class F of functions :math:`D:\R^d\to[0,1]` closed under :math:`D\mapsto 1-D` and a measuring function
:math:`\phi`,

.. math:: d_{F,\phi}(\mu,\nu) = \sup_{D\in F}\ \E_{x\sim\mu}[\phi(D(x))] + \E_{x\sim\nu}[\phi(1-D(x))] - 2\phi(\tfrac12).

Sign convention: :math:`D` is the probability that a point comes from :math:`\mu`; :math:`D\equiv\frac12` gives 0, so
:math:`d_{F,\phi}\ge 0`. With ``phi="linear"`` (:math:`\phi(t)=t`) this is :math:`\sup_D \E_\mu D - \E_\nu D`, the
neural-network divergence of Arora et al. (2017); with ``phi="log"`` it is the GAN discriminator's value
plus :math:`2\log 2`.

The neural-net class used here: one hidden layer of width h,
:math:`D_v(x) = \mathrm{sigmoid}(w_2^\top \mathrm{relu}(W_1 x + b_1) + b_2)`, with every parameter in
:math:`[-c, c]` (``clip``), so :math:`p = h(d+2)+1` parameters in a bounded box, as Theorem 6 needs. Negating
:math:`(w_2, b_2)` maps :math:`D` to :math:`1-D`, so the class is closed under :math:`D\mapsto 1-D`.

The supremum is estimated by projected Adam (full batch, parameters clipped to the box after each step) from
several random restarts, all trained at once with batched weights; the best restart is the estimate (every
restart is a member of F, so it is a lower bound on the supremum up to optimisation error), and the spread of
the restarts is its optimisation uncertainty.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import torch

from ganlib.device import Seed, make_generator

PHIS = ("linear", "log")


class NNDistance(NamedTuple):
    """A neural-net distance estimate: best restart, spread over restarts, each restart, held-out value."""

    value: float  # max over restarts of the objective on (x, y)
    spread: float  # standard deviation over restarts: the optimisation uncertainty
    restarts: tuple[float, ...]
    heldout: float | None  # the best restart's D evaluated on (x_eval, y_eval), if given


def n_params(d: int, hidden: int) -> int:
    """p, the number of parameters of the one-hidden-layer discriminator: h(d+1) + (h+1)."""
    return hidden * (d + 1) + hidden + 1


def objective_from_probs(p_x: torch.Tensor, p_y: torch.Tensor, phi: str) -> torch.Tensor:
    r""":math:`\E_x\phi(D) + \E_y\phi(1-D) - 2\phi(\frac12)` from the probabilities D on each sample (last axis)."""
    if phi == "linear":
        return p_x.mean(-1) - p_y.mean(-1)
    if phi == "log":
        return torch.log(p_x).mean(-1) + torch.log1p(-p_y).mean(-1) + 2 * math.log(2.0)
    raise ValueError(f"phi must be one of {PHIS}, got {phi!r}")


def _logits(params: list[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    w1, b1, w2, b2 = params  # (B, R, d, h), (B, R, 1, h), (B, R, h, 1), (B, R, 1, 1)
    hidden = torch.relu(x[:, None] @ w1 + b1)  # (B, R, n, h)
    return (hidden @ w2 + b2).squeeze(-1)  # (B, R, n)


def _objective(params: list[torch.Tensor], x: torch.Tensor, y: torch.Tensor, phi: str) -> torch.Tensor:
    lx, ly = _logits(params, x), _logits(params, y)
    if phi == "log":  # log D = -softplus(-l), log(1 - D) = -softplus(l): finite for any logit
        return (-torch.nn.functional.softplus(-lx).mean(-1) - torch.nn.functional.softplus(ly).mean(-1)
                + 2 * math.log(2.0))  # (B, R)
    return objective_from_probs(torch.sigmoid(lx), torch.sigmoid(ly), phi)  # (B, R)


def _as_batch(x: torch.Tensor, name: str) -> torch.Tensor:
    x = torch.as_tensor(x)
    if x.ndim == 2:
        x = x[None]  # (1, n, d)
    if x.ndim != 3 or x.shape[1] == 0:
        raise ValueError(f"{name} must be a non-empty (n, d) sample or a (B, n, d) batch of samples, "
                         f"got shape {tuple(x.shape)}")
    return x.to(torch.get_default_dtype())


def nn_distance(x: torch.Tensor, y: torch.Tensor, hidden: int, phi: str = "linear", steps: int = 300,
                restarts: int = 4, lr: float = 0.05, clip: float = 1.0, seed: Seed = 0,
                x_eval: torch.Tensor | None = None, y_eval: torch.Tensor | None = None):
    r"""Estimate :math:`d_{F,\phi}` between the uniform measures on x and y for width-``hidden`` discriminators.

    x (n, d) and y (n', d) may have different sizes. A batch of independent problems, x (B, n, d) and
    y (B, n', d), is trained in one go and returns a list of B results; otherwise one :class:`NNDistance`.
    ``x_eval``/``y_eval`` (same layout) give the held-out value of the best restart's discriminator.
    """
    xb, yb = _as_batch(x, "x"), _as_batch(y, "y").to(torch.as_tensor(x).device)
    if xb.shape[0] != yb.shape[0] or xb.shape[2] != yb.shape[2]:
        raise ValueError(f"x and y must have the same batch size and dimension, got {tuple(xb.shape)} and "
                         f"{tuple(yb.shape)}")
    if phi not in PHIS:
        raise ValueError(f"phi must be one of {PHIS}, got {phi!r}")
    for name, value in (("hidden", hidden), ("steps", steps), ("restarts", restarts)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if not clip > 0:
        raise ValueError(f"clip (the bound on every parameter) must be positive, got {clip!r}")
    batch, _, d = xb.shape
    device = xb.device
    gen = make_generator(seed, device=device)

    def init(*shape: int, fan_in: int) -> torch.Tensor:
        bound = min(1.0 / math.sqrt(fan_in), clip)  # PyTorch's default Linear init, inside the box
        return ((2 * torch.rand(batch, restarts, *shape, generator=gen, device=device) - 1) * bound).requires_grad_()

    params = [init(d, hidden, fan_in=d), init(1, hidden, fan_in=d), init(hidden, 1, fan_in=hidden),
              init(1, 1, fan_in=hidden)]
    opt = torch.optim.Adam(params, lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        (-_objective(params, xb, yb, phi).sum()).backward()  # the restarts and problems are independent
        opt.step()
        with torch.no_grad():
            for t in params:
                t.clamp_(-clip, clip)  # projection onto the parameter box
    with torch.no_grad():
        final = _objective(params, xb, yb, phi)  # (B, R)
        best = final.argmax(dim=1)  # (B,)
        heldout = None
        if x_eval is not None and y_eval is not None:
            xe, ye = _as_batch(x_eval, "x_eval").to(device), _as_batch(y_eval, "y_eval").to(device)
            heldout = _objective(params, xe, ye, phi).gather(1, best[:, None]).squeeze(1)  # (B,)
    final_np = final.cpu().double().numpy()
    results = [NNDistance(value=float(final_np[b].max()),
                          spread=float(final_np[b].std(ddof=1)) if restarts > 1 else 0.0,
                          restarts=tuple(float(v) for v in final_np[b]),
                          heldout=None if heldout is None else float(heldout[b]))
               for b in range(batch)]
    return results if torch.as_tensor(x).ndim == 3 else results[0]


def f_distance_all_functions(p: np.ndarray, q: np.ndarray, phi: str) -> float:
    r""":math:`d_{F,\phi}(P,Q)` for F = all functions on a finite set, by pointwise maximisation (section 3.2).

    The supremum decouples over points: at a point with masses (a, b) the best value of
    :math:`a\phi(t) + b\phi(1-t)` is at :math:`t = a/(a+b)` for :math:`\phi=\log` and at :math:`t\in\{0,1\}` for the
    linear :math:`\phi`, which yields :math:`2\JS(P,Q)` and :math:`\TV(P,Q)` respectively.
    """
    p, q = np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64)
    if p.shape != q.shape or p.ndim != 1:
        raise ValueError(f"p and q must be 1-D probability vectors of the same length, got {p.shape} and {q.shape}")
    if np.any(p < 0) or np.any(q < 0) or not (np.isclose(p.sum(), 1) and np.isclose(q.sum(), 1)):
        raise ValueError("p and q must be non-negative and sum to 1")
    if phi == "linear":
        return float(np.maximum(p, q).sum() - 1.0)
    if phi == "log":
        s = p + q
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(p > 0, p * np.log(p / s), 0.0) + np.where(q > 0, q * np.log(q / s), 0.0)
        return float(terms.sum() + 2 * math.log(2.0))
    raise ValueError(f"phi must be one of {PHIS}, got {phi!r}")


def empirical_masses(x: np.ndarray | torch.Tensor, y: np.ndarray | torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    r"""The uniform measures on the rows of x (m, d) and y (n, d) as mass vectors on the union of their points.

    Rows are matched exactly (a point that occurs in both samples, or twice in one, is one atom), so the
    masses come from the samples themselves: ``p[k]`` is the fraction of rows of x equal to the k-th point.
    """
    xa = np.asarray(x.detach().cpu() if torch.is_tensor(x) else x, dtype=np.float64)
    ya = np.asarray(y.detach().cpu() if torch.is_tensor(y) else y, dtype=np.float64)
    if xa.ndim != 2 or ya.ndim != 2 or xa.shape[1] != ya.shape[1] or len(xa) == 0 or len(ya) == 0:
        raise ValueError(f"x and y must be non-empty (n, d) samples in the same dimension, got shapes "
                         f"{xa.shape} and {ya.shape}")
    _, atom = np.unique(np.concatenate([xa, ya]), axis=0, return_inverse=True)  # atom index of every row
    atom = atom.ravel()
    k = atom.max() + 1
    p = np.bincount(atom[:len(xa)], minlength=k) / len(xa)  # (k,)
    q = np.bincount(atom[len(xa):], minlength=k) / len(ya)  # (k,)
    return p, q


def f_distance_empirical(x: np.ndarray | torch.Tensor, y: np.ndarray | torch.Tensor, phi: str) -> float:
    r""":math:`d_{F,\phi}(\hat\mu,\hat\nu)` for F = all functions, between the uniform measures on two samples.

    With ``phi="log"`` this is :math:`2\JS(\hat\mu,\hat\nu)`: :math:`2\log 2` when no point is shared, and
    :math:`2\log 2\,(1 - k/m)` when k of the m points of each sample are shared.
    """
    p, q = empirical_masses(x, y)
    return f_distance_all_functions(p, q, phi)
