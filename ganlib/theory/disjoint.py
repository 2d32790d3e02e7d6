r"""Distributions on disjoint low-dimensional sets: where JS is flat and W1 is not (chapter 2, Arjovsky and Bottou, 2017).

:math:`p_\theta` is uniform on the vertical segment :math:`\{\theta\} \times [0, 1]` of the plane, the generator
:math:`G_\theta(z) = (\theta, z)`, :math:`z \sim U[0, 1]` (Example 1 of Arjovsky et al., 2017). For
:math:`\theta \ne 0` the supports of :math:`p_0` and :math:`p_\theta` are disjoint, so
:math:`JS(p_0 \| p_\theta) = \log 2` while :math:`W_1(p_0, p_\theta) = |\theta|`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

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
