r"""Divergences between discrete distributions and densities on a grid: KL, JS_pi, TV, exact 1-D W1 (chapter 2).

Conventions (all in nats):

- :math:`KL(P\|Q) = \sum_i p_i \log(p_i / q_i)`, with :math:`0 \log(0/q) = 0` and :math:`p \log(p/0) = +\infty`.
- :math:`JS_\pi(P\|Q) = \pi KL(P\|M) + (1-\pi) KL(Q\|M)`, :math:`M = \pi P + (1-\pi) Q` (Lin, 1991; the slides,
  seed 001). :math:`\pi = 1/2` is the usual Jensen-Shannon divergence, at most :math:`\log 2`.
- :math:`TV(P, Q) = \tfrac12 \sum_i |p_i - q_i|`, in [0, 1].
- :math:`W_1(P, Q) = \int |F_P(t) - F_Q(t)|\,dt = \int_0^1 |F_P^{-1}(u) - F_Q^{-1}(u)|\,du` on the line.

``dx=None``: ``p`` and ``q`` are probability vectors (any shape, summing to 1). ``dx`` a float: they are
densities sampled on a uniform grid of spacing ``dx``; the masses are ``p * dx`` (a Riemann sum, which equals the
trapezoid rule when the densities vanish at both ends of the grid) and the discrete formulas apply to them.

Inputs are numpy arrays (or lists) or torch tensors. Torch in, 0-d torch tensor out (differentiable, so a
divergence can be minimised by gradient steps); otherwise a Python float.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ganlib.distances.transport import w1_empirical  # exact W1 in d dimensions (chapter 3), re-exported here

ArrayLike = np.ndarray | torch.Tensor | list | tuple


def _to_tensor(a: ArrayLike, name: str) -> torch.Tensor:
    """Convert to a floating tensor, keeping autograd for tensors and using float64 for everything else."""
    if torch.is_tensor(a):
        return a if a.is_floating_point() else a.to(torch.float64)
    try:
        return torch.as_tensor(np.asarray(a, dtype=np.float64))
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a numpy array or torch tensor of numbers, got {type(a).__name__}") from err


def _out(value: torch.Tensor, torch_in: bool) -> torch.Tensor | float:
    return value if torch_in else float(value)


def _check_dx(dx: float | None) -> None:
    if dx is not None and not (isinstance(dx, (int, float)) and math.isfinite(dx) and dx > 0):
        raise ValueError(f"dx (the grid spacing) must be a positive float or None, got {dx!r}")


def _masses(p: ArrayLike, q: ArrayLike, dx: float | None, atol: float) -> tuple[torch.Tensor, torch.Tensor, bool]:
    """Validate p and q and return them as probability masses (p * dx for densities), plus 'was torch'."""
    _check_dx(dx)
    torch_in = torch.is_tensor(p) or torch.is_tensor(q)
    pt, qt = _to_tensor(p, "p"), _to_tensor(q, "q")
    if pt.shape != qt.shape:
        raise ValueError(f"p and q must have the same shape, got {tuple(pt.shape)} and {tuple(qt.shape)}")
    if pt.numel() == 0:
        raise ValueError("p and q are empty; pass at least one probability")
    dtype = torch.promote_types(pt.dtype, qt.dtype)
    pt, qt = pt.to(dtype), qt.to(dtype)
    scale = 1.0 if dx is None else dx
    what = "sum" if dx is None else "sum(.) * dx (its integral)"
    for t, name in ((pt, "p"), (qt, "q")):
        d = t.detach()
        if not torch.isfinite(d).all():
            raise ValueError(f"{name} has non-finite entries (nan or inf)")
        if (d < 0).any():
            raise ValueError(f"{name} has negative entries (min {float(d.min()):.3g}); probabilities and "
                             "densities must be >= 0")
        total = float(d.sum()) * scale
        if abs(total - 1.0) > atol:
            raise ValueError(f"{name} must be normalised: its {what} is {total:.6g}, not 1 within atol={atol:g}; "
                             "divide it by that number first, or widen the grid")
    return pt * scale, qt * scale, torch_in


def _xlogy_ratio(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Elementwise a log(a / b) with 0 log(0 / b) = 0 and a log(a / 0) = +inf for a > 0."""
    safe_a = torch.where(a > 0, a, torch.ones_like(a))
    safe_b = torch.where(b > 0, b, torch.ones_like(b))
    terms = a * (torch.log(safe_a) - torch.log(safe_b))
    terms = torch.where(a > 0, terms, torch.zeros_like(terms))
    return torch.where((a > 0) & (b <= 0), torch.full_like(terms, math.inf), terms)


def kl(p: ArrayLike, q: ArrayLike, dx: float | None = None, atol: float = 1e-6) -> torch.Tensor | float:
    r"""Kullback-Leibler divergence :math:`KL(P\|Q) = \sum p \log(p/q)` in nats; +inf where q = 0 < p."""
    pm, qm, torch_in = _masses(p, q, dx, atol)
    return _out(_xlogy_ratio(pm, qm).sum(), torch_in)


def js(p: ArrayLike, q: ArrayLike, pi: float = 0.5, dx: float | None = None,
       atol: float = 1e-6) -> torch.Tensor | float:
    r"""Skewed Jensen-Shannon divergence :math:`JS_\pi(P\|Q) = \pi KL(P\|M) + (1-\pi) KL(Q\|M)`, M = pi P + (1-pi) Q.

    Finite for all P, Q (M > 0 wherever P or Q is), bounded by the binary entropy of pi; pi = 1/2 gives the
    usual JS, at most log 2. Chapter 2 sweeps pi to move from mode covering to mode seeking (seed 001).
    """
    if isinstance(pi, bool) or not isinstance(pi, (int, float)) or not 0.0 < pi < 1.0:
        raise ValueError(f"pi must be a float strictly between 0 and 1, got {pi!r}")
    pm, qm, torch_in = _masses(p, q, dx, atol)
    m = pi * pm + (1 - pi) * qm
    return _out(pi * _xlogy_ratio(pm, m).sum() + (1 - pi) * _xlogy_ratio(qm, m).sum(), torch_in)


def tv(p: ArrayLike, q: ArrayLike, dx: float | None = None, atol: float = 1e-6) -> torch.Tensor | float:
    r"""Total variation distance :math:`\tfrac12 \sum |p - q| = \sup_A |P(A) - Q(A)|`, in [0, 1]."""
    pm, qm, torch_in = _masses(p, q, dx, atol)
    return _out(0.5 * (pm - qm).abs().sum(), torch_in)


def w1_grid(p: ArrayLike, q: ArrayLike, dx: float, atol: float = 1e-6) -> torch.Tensor | float:
    r"""Exact :math:`W_1 = \int |F_P - F_Q|` between densities sampled on a uniform 1-D grid of spacing dx.

    The densities are read as point masses ``p * dx`` at the grid points; between two grid points both CDFs are
    constant, so :math:`W_1 = dx \sum_i |F_P(x_i) - F_Q(x_i)|` is exact for those discrete distributions.
    For a histogram of masses m, pass ``m / dx``.
    """
    if dx is None:
        raise ValueError("dx (the grid spacing) is required for w1_grid: W1 depends on where the mass sits")
    pm, qm, torch_in = _masses(p, q, dx, atol)
    if pm.ndim != 1:
        raise ValueError(f"w1_grid is for 1-D grids: p and q must be 1-D, got shape {tuple(pm.shape)}")
    cdf_gap = torch.cumsum(pm - qm, dim=0)  # F_P(x_i) - F_Q(x_i)
    return _out(dx * cdf_gap.abs().sum(), torch_in)


def _sample_1d(a: ArrayLike, name: str) -> torch.Tensor:
    t = _to_tensor(a, name)
    if t.ndim == 2 and t.shape[1] == 1:
        t = t[:, 0]  # a (n, 1) batch of points on the line: (n,)
    if t.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sample of shape (n,) or (n, 1), got {tuple(t.shape)}; "
                         "for d > 1 use an assignment-based W1")
    if t.numel() == 0:
        raise ValueError(f"{name} is empty; pass at least one point")
    if not torch.isfinite(t.detach()).all():
        raise ValueError(f"{name} has non-finite entries (nan or inf)")
    return t


def w1_1d(x: ArrayLike, y: ArrayLike) -> torch.Tensor | float:
    r"""Exact :math:`W_1` between the empirical distributions of two 1-D samples (sizes may differ).

    With equal sizes n, :math:`W_1 = \frac1n \sum_i |x_{(i)} - y_{(i)}|` (sorted samples: in 1-D the monotone
    coupling is optimal). In general :math:`W_1 = \int |F_x(t) - F_y(t)|\,dt`, and both empirical CDFs are
    constant between consecutive points of the pooled sample, so the integral is a finite sum.
    Differentiable in x and y for torch inputs (the gradient of the sorted-sample formula).
    """
    torch_in = torch.is_tensor(x) or torch.is_tensor(y)
    xs, ys = _sample_1d(x, "x"), _sample_1d(y, "y")
    dtype = torch.promote_types(xs.dtype, ys.dtype)
    xs, ys = torch.sort(xs.to(dtype)).values, torch.sort(ys.to(dtype)).values
    n, m = xs.numel(), ys.numel()
    if n == m:
        return _out((xs - ys).abs().mean(), torch_in)
    pooled = torch.sort(torch.cat([xs, ys])).values  # (n + m,)
    widths = pooled[1:] - pooled[:-1]  # (n + m - 1,)
    left = pooled[:-1].detach()
    f_x = torch.searchsorted(xs.detach().contiguous(), left, right=True).to(dtype) / n  # F_x on [t_k, t_{k+1})
    f_y = torch.searchsorted(ys.detach().contiguous(), left, right=True).to(dtype) / m
    return _out(((f_x - f_y).abs() * widths).sum(), torch_in)
