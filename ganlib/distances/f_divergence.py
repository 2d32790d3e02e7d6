r"""f-divergences and their variational lower bound (Nowozin et al., 2016): the GAN as one f among many (chapter 2).

For a convex :math:`f` with :math:`f(1) = 0`, :math:`D_f(P\|Q) = \int q\,f(p / q)`. Convention: the ratio is
:math:`u = p/q`, the divergence of P *from* Q, integrated against Q; here :math:`q > 0` is required wherever
:math:`p > 0` (otherwise most of these are infinite), and :math:`q f(0)` counts where p = 0.
With the convex conjugate :math:`f^*(t) = \sup_u\, ut - f(u)`, every function T gives

.. math:: D_f(P\|Q) \ge \mathbb E_P\,T(x) - \mathbb E_Q\,f^*(T(x)),

with equality at :math:`T = f'(p/q)` (Nguyen, Wainwright and Jordan, 2010; Nowozin et al., 2016). The generators:

====================  =============================================  ==================================
name                  f(u)                                           D_f
====================  =============================================  ==================================
``"kl"``              :math:`u\log u`                                :math:`KL(P\|Q)`
``"reverse_kl"``      :math:`-\log u`                                :math:`KL(Q\|P)`
``"js"``              :math:`\tfrac12[u\log u - (u+1)\log\tfrac{u+1}2]`  :math:`JS(P\|Q)`
``"gan"``             :math:`u\log u - (u+1)\log(u+1)`               :math:`2 JS(P\|Q) - \log 4`
``"tv"``              :math:`\tfrac12|u - 1|`                        :math:`TV(P, Q)`
====================  =============================================  ==================================

For ``"gan"``, :math:`f'(p/q) = \log\frac{p}{p+q} = \log D^*` and :math:`f^*(t) = -\log(1 - e^t)`, so the bound at
:math:`T = \log D` is exactly :math:`V(G, D)`: the GAN's discriminator maximises a variational bound of this D_f.
(``"gan"`` has f(1) = -log 4, not 0; Nowozin et al. keep it, which is why its minimum is -log 4.)
"""

from __future__ import annotations

import math

import torch

F_NAMES = ("kl", "reverse_kl", "js", "gan", "tv")


def _xlogx(u: torch.Tensor) -> torch.Tensor:
    return torch.where(u > 0, u * torch.log(torch.where(u > 0, u, torch.ones_like(u))), torch.zeros_like(u))


def f_generator(name: str, u: torch.Tensor) -> torch.Tensor:
    """The generator f(u) of the named f-divergence (module table), at ratios u >= 0."""
    if name == "kl":
        return _xlogx(u)
    if name == "reverse_kl":
        return -torch.log(u)
    if name == "js":
        return 0.5 * (_xlogx(u) - _xlogx(u + 1) + (u + 1) * math.log(2))
    if name == "gan":
        return _xlogx(u) - _xlogx(u + 1)
    if name == "tv":
        return 0.5 * (u - 1).abs()
    raise ValueError(f"f must be one of {F_NAMES}, got {name!r}")


def f_derivative(name: str, u: torch.Tensor) -> torch.Tensor:
    """f'(u): the optimal variational function T* = f'(p/q) (for 'tv', the subgradient sign(u - 1) / 2)."""
    if name == "kl":
        return torch.log(u) + 1
    if name == "reverse_kl":
        return -1 / u
    if name == "js":
        return 0.5 * (torch.log(u) - torch.log((u + 1) / 2))
    if name == "gan":
        return torch.log(u) - torch.log(u + 1)
    if name == "tv":
        return 0.5 * torch.sign(u - 1)
    raise ValueError(f"f must be one of {F_NAMES}, got {name!r}")


def f_conjugate(name: str, t: torch.Tensor) -> torch.Tensor:
    r"""The convex conjugate :math:`f^*(t) = \sup_u ut - f(u)` on its domain (Nowozin et al., 2016, Table 2)."""
    if name == "kl":
        return torch.exp(t - 1)
    if name == "reverse_kl":
        return -1 - torch.log(-t)
    if name == "js":
        return -torch.log(2 - torch.exp(2 * t)) / 2
    if name == "gan":
        return -torch.log1p(-torch.exp(t))
    if name == "tv":
        return t  # domain |t| <= 1/2
    raise ValueError(f"f must be one of {F_NAMES}, got {name!r}")


def _check_pair(p: torch.Tensor, q: torch.Tensor, dx: float) -> None:
    if not (torch.is_tensor(p) and torch.is_tensor(q)) or p.shape != q.shape:
        raise ValueError("p and q must be tensors of the same shape (densities on one grid)")
    if not dx > 0:
        raise ValueError(f"dx (the grid spacing) must be positive, got {dx!r}")
    if bool(((q <= 0) & (p > 0)).any()):
        raise ValueError("q must be > 0 wherever p > 0 (D_f is infinite otherwise); widen q or trim the grid")


def f_divergence(p: torch.Tensor, q: torch.Tensor, f: str, dx: float) -> torch.Tensor:
    r""":math:`D_f(P\|Q) = \int q\,f(p/q)\,dx` by a Riemann sum over the grid points where q > 0."""
    _check_pair(p, q, dx)
    mask = q > 0
    u = p[mask] / q[mask]
    return dx * (q[mask] * f_generator(f, u)).sum()


def variational_bound(t: torch.Tensor, p: torch.Tensor, q: torch.Tensor, f: str, dx: float) -> torch.Tensor:
    r""":math:`\int p\,T - q\,f^*(T)\,dx` for T given at the grid points: a lower bound on :math:`D_f(P\|Q)`."""
    _check_pair(p, q, dx)
    if t.shape != p.shape:
        raise ValueError(f"t must be T at the grid points, shape {tuple(p.shape)}, got {tuple(t.shape)}")
    return dx * (p * t - q * f_conjugate(f, t)).sum()
