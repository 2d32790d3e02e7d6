r"""Best single Gaussian under KL, reverse KL and JS_pi: mode covering versus mode seeking (chapter 2).

For a target density p on a grid, find :math:`Q^* = \arg\min_{Q = N(\mu, s^2)} d(p, Q)` for

- ``"kl"``: :math:`KL(P\|Q)`, which punishes Q for missing mass of P (mode covering; the minimiser matches
  the mean and variance of P);
- ``"reverse_kl"``: :math:`KL(Q\|P)`, which punishes Q for putting mass where P has none (mode seeking);
- ``("js", pi)``: :math:`JS_\pi(P\|Q)` (seed 001). For small pi, :math:`JS_\pi \approx \pi KL(P\|Q)`; for pi near 1,
  :math:`JS_\pi \approx (1-\pi) KL(Q\|P)` (Huszar, 2015), so pi slides between the two.
"""

from __future__ import annotations

import math

import torch

from ganlib.distances.divergences import js, kl
from ganlib.distances.quadrature import normal_pdf


def _divergence(objective, p: torch.Tensor, q: torch.Tensor, dx: float) -> torch.Tensor:
    if objective == "kl":
        return kl(p, q, dx=dx)
    if objective == "reverse_kl":
        return kl(q, p, dx=dx)
    if isinstance(objective, tuple) and len(objective) == 2 and objective[0] == "js":
        return js(p, q, pi=objective[1], dx=dx)
    raise ValueError(f"objective must be 'kl', 'reverse_kl' or ('js', pi), got {objective!r}")


def best_gaussian(objective, p: torch.Tensor, x: torch.Tensor, dx: float,
                  means: torch.Tensor | None = None, stds: torch.Tensor | None = None,
                  iters: int = 100) -> tuple[float, float, float]:
    """Global minimiser of the divergence over N(mu, s^2): the best point of a (means x stds) search grid,
    refined by L-BFGS in (mu, log s); returns (mu, s, divergence).

    The grid search matters: JS_pi and reverse KL have several local minima (one per mode, and a wide
    Gaussian between the modes). Q is renormalised on the x grid so that it stays a density there.
    """
    if not (torch.is_tensor(p) and torch.is_tensor(x)) or p.shape != x.shape or p.ndim != 1:
        raise ValueError("p and x must be 1-D tensors of the same shape (a density and its grid)")
    _divergence(objective, p, p, dx)  # validates objective and p before searching
    lo, hi = float(x[0]), float(x[-1])
    means = torch.linspace(0.8 * lo, 0.8 * hi, 33, dtype=p.dtype) if means is None else means
    stds = torch.exp(torch.linspace(math.log(5 * dx), math.log(0.25 * (hi - lo)), 30, dtype=p.dtype)) \
        if stds is None else stds
    log_s_min, log_s_max = math.log(2 * dx), math.log(hi - lo)

    def q_of(mu: torch.Tensor, log_s: torch.Tensor) -> torch.Tensor:
        q = normal_pdf(x, mu, torch.exp(log_s.clamp(log_s_min, log_s_max)))
        return q / (q.sum() * dx)

    with torch.no_grad():
        scores = torch.stack([torch.stack([_divergence(objective, p, q_of(m, torch.log(s)), dx) for s in stds])
                              for m in means])  # (n_means, n_stds)
    i, j = divmod(int(torch.argmin(scores)), len(stds))
    params = torch.tensor([float(means[i]), math.log(float(stds[j]))], dtype=p.dtype, requires_grad=True)
    opt = torch.optim.LBFGS([params], lr=1.0, max_iter=iters, tolerance_grad=1e-12, tolerance_change=1e-15,
                            line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = _divergence(objective, p, q_of(params[0], params[1]), dx)
        loss.backward()
        return loss

    opt.step(closure)
    params = params.detach()
    value = _divergence(objective, p, q_of(params[0], params[1]), dx)
    return float(params[0]), float(torch.exp(params[1].clamp(log_s_min, log_s_max))), float(value)
