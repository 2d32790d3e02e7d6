r"""Distributions on disjoint low-dimensional sets: where JS is flat and W1 is not (chapter 2, Arjovsky and Bottou, 2017).

:math:`p_\theta` is uniform on the vertical segment :math:`\{\theta\} \times [0, 1]` of the plane, the generator
:math:`G_\theta(z) = (\theta, z)`, :math:`z \sim U[0, 1]` (Example 1 of Arjovsky et al., 2017). For
:math:`\theta \ne 0` the supports of :math:`p_0` and :math:`p_\theta` are disjoint, so
:math:`JS(p_0 \| p_\theta) = \log 2` while :math:`W_1(p_0, p_\theta) = |\theta|`.

:func:`smoothed_path_gradients` follows the path of generators :math:`G_\theta(z) + \sigma\epsilon` (a little
Gaussian noise, :math:`\epsilon \sim N(0, I_2)`). Both smoothed laws share the same y-marginal, independent of
x, so JS and W1 between them equal those of their x-marginals :math:`N(0, \sigma^2)` and :math:`N(\theta, \sigma^2)`,
computed by quadrature and differentiated in theta by autograd: as :math:`\sigma \to 0`, dJS/dtheta tends to 0
at every :math:`\theta \ne 0`, while :math:`W_1 = |\theta|` for every sigma, with derivative sign(theta).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from ganlib.distances.divergences import js, w1_grid
from ganlib.distances.quadrature import normal_pdf
from ganlib.device import Seed, make_generator
from ganlib.training.losses import G_LOSSES


@dataclass(frozen=True)
class Segment:
    """Uniform distribution on the segment {x0} x [0, 1] in the plane: a 1-D set in 2-D, with no density."""

    x0: float = 0.0
    dim: int = field(default=2, init=False)

    def sample(self, n: int, seed: Seed = 0, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"n must be a non-negative int, got {n!r}")
        y = torch.rand(n, 1, generator=make_generator(seed), dtype=dtype)
        return torch.cat([torch.full_like(y, self.x0), y], dim=1)  # (n, 2)


def generator_gradient(discriminator: torch.nn.Module, theta: float, loss: str = "minimax", n: int = 1000) -> float:
    r"""|d/dtheta| of a generator loss at G_theta(z) = (theta, z), z on n midpoints of [0, 1], D held fixed."""
    if loss not in ("minimax", "nonsaturating"):
        raise ValueError(f"loss must be 'minimax' or 'nonsaturating', got {loss!r}")
    th = torch.tensor(float(theta), requires_grad=True)
    z = (torch.arange(n, dtype=torch.float32) + 0.5) / n
    fake = torch.stack([th.expand(n), z], dim=1)  # (n, 2)
    (grad,) = torch.autograd.grad(G_LOSSES[loss](discriminator(fake)), th)
    return abs(float(grad))


def smoothed_path_gradients(thetas: torch.Tensor, sigma: float, x: torch.Tensor,
                            dx: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""Along :math:`\theta \mapsto p_\theta * N(0, \sigma^2 I)`: (JS, dJS/dtheta, W1, dW1/dtheta), each shape (len(thetas),).

    JS by quadrature of the x-marginals on the grid x (spacing dx), W1 by ``w1_grid`` (the exact CDF formula);
    derivatives by autograd through both. The grid must cover both marginals with spacing well below sigma.
    """
    if not sigma > 0:
        raise ValueError(f"sigma (the smoothing noise) must be positive, got {sigma}")
    if not dx < sigma / 4:
        raise ValueError(f"the grid spacing dx={dx} must be below sigma / 4 = {sigma / 4} to resolve the densities")

    def density(mean) -> torch.Tensor:
        q = normal_pdf(x, mean, sigma)
        q = torch.where(q > 1e-200, q, torch.zeros_like(q))  # no subnormals: 0.5 * q * dx must not round to 0
        return q / (q.sum() * dx)  # renormalised on the grid

    out = []
    p0 = density(0.0)
    for th in thetas.tolist():
        t = torch.tensor(float(th), dtype=x.dtype, requires_grad=True)
        pt = density(t)
        j = js(p0, pt, dx=dx, atol=1e-4)
        (dj,) = torch.autograd.grad(j, t)
        t2 = torch.tensor(float(th), dtype=x.dtype, requires_grad=True)
        w2 = w1_grid(p0, density(t2), dx=dx, atol=1e-4)
        (dw,) = torch.autograd.grad(w2, t2)
        out.append((float(j.detach()), float(dj), float(w2.detach()), float(dw)))
    js_v, djs, w1_v, dw1 = (torch.tensor(c, dtype=torch.float64) for c in zip(*out))
    return js_v, djs, w1_v, dw1
