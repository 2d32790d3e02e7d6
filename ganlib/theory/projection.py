r"""Best single Gaussian under KL, reverse KL and JS_pi: mode covering versus mode seeking (chapter 2).

For a target density p on a grid, find :math:`Q^* = \arg\min_{Q = N(\mu, s^2)} d(p, Q)` for

- ``"kl"``: :math:`KL(P\|Q)`, which punishes Q for missing mass of P (mode covering; the minimiser matches
  the mean and variance of P);
- ``"reverse_kl"``: :math:`KL(Q\|P)`, which punishes Q for putting mass where P has none (mode seeking);
- ``"nonsaturating"``: :math:`KL(Q\|P) - 2\,JS(Q\|P)`, what the non-saturating generator descends when D is
  optimal (Arjovsky and Bottou, 2017, Theorem 2.5; ``ganlib.theory.nonsaturating``);
- ``("js", pi)``: :math:`JS_\pi(P\|Q)` (Huszar, 2015). For small pi, :math:`JS_\pi \approx \pi KL(P\|Q)`; for pi near 1,
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
    if objective == "nonsaturating":
        return kl(q, p, dx=dx) - 2 * js(q, p, dx=dx)
    if isinstance(objective, tuple) and len(objective) == 2 and objective[0] == "js":
        return js(p, q, pi=objective[1], dx=dx)
    raise ValueError(f"objective must be 'kl', 'reverse_kl' or ('js', pi), got {objective!r}")


def _xlogy(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """a log(a / b) elementwise, 0 where a = 0, +inf where b = 0 < a (the conventions of ``divergences.kl``)."""
    out = a * (torch.log(torch.where(a > 0, a, 1.0)) - torch.log(torch.where(b > 0, b, 1.0)))
    out = torch.where(a > 0, out, 0.0)
    return torch.where((a > 0) & (b <= 0), torch.inf, out)


def _scores(objective, p: torch.Tensor, q: torch.Tensor, dx: float) -> torch.Tensor:
    """The divergence for a whole batch of candidate densities q (..., n) at once (the search grid)."""
    pm, qm = (p * dx).expand_as(q), q * dx
    if objective == "kl":
        return _xlogy(pm, qm).sum(-1)
    if objective == "reverse_kl":
        return _xlogy(qm, pm).sum(-1)
    pi = 0.5 if objective == "nonsaturating" else objective[1]
    m = pi * pm + (1 - pi) * qm
    js_pi = pi * _xlogy(pm, m).sum(-1) + (1 - pi) * _xlogy(qm, m).sum(-1)
    return _xlogy(qm, pm).sum(-1) - 2 * js_pi if objective == "nonsaturating" else js_pi


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
        cand = normal_pdf(x[None, None, :], means[:, None, None], stds[None, :, None])  # (n_means, n_stds, n)
        cand = cand / (cand.sum(-1, keepdim=True) * dx)
        scores = _scores(objective, p, cand, dx)  # (n_means, n_stds)
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
