r"""What W1 and KS do not see: the bounded range and the missing tails of a 1-D generator (chapter 4).

A generator :math:`G: \mathbb{R} \to \mathbb{R}` pushes the latent law :math:`z \sim \mathcal{N}(0, 1)` forward.
Two exact (float64, deterministic) descriptions of :math:`p_G` that summary distances blur:

- its **range** :math:`G(\mathbb{R})`. A dense net whose last hidden activation is bounded (the sigmoid, in
  :math:`(0, 1)`) has a bounded range whatever its input: with last layer :math:`y = b + \sum_j w_j h_j`,
  :math:`h_j \in [0, 1]`, every output lies in :math:`[b + \sum_j \min(w_j, 0),\; b + \sum_j \max(w_j, 0)]`.
  :func:`interval_bound` propagates intervals through Linear layers and increasing activations
  (interval arithmetic; :math:`\pm\infty` allowed), a guaranteed enclosure; :func:`range_on_line`
  evaluates G on a fine grid of :math:`z` out to where the sigmoids saturate, the range itself up to the
  grid's resolution.
- its **mass outside an interval** :math:`[a, b]`,
  :math:`P_G(x \notin [a, b]) = \int \varphi(z)\, \mathbf 1\{G(z) \notin [a, b]\}\, dz`, by the midpoint rule
  on that grid (:func:`mass_outside`); the error is at most the grid step times :math:`\max \varphi` per
  crossing of a or b, plus the normal mass beyond the grid.

For a normal target :math:`\mathcal{N}(\mu, \sigma^2)`, 0.27% of the mass lies beyond :math:`\mu \pm 3\sigma`; a
generator whose range stops short of one side has none there, which moves W1 and KS by at most about
that mass times the distance, and 0.0027 respectively: below their sampling noise.
"""

from __future__ import annotations

import copy
import math

import torch
from torch import nn

_INCREASING = (nn.ReLU, nn.LeakyReLU, nn.Sigmoid, nn.Tanh, nn.Softplus, nn.Identity)


def _dense_layers(net: nn.Module) -> list[nn.Module]:
    inner = getattr(net, "net", net)  # ganlib's MLPGenerator keeps its Sequential in .net
    layers = list(inner) if isinstance(inner, nn.Sequential) else [inner]
    for layer in layers:
        if not isinstance(layer, (nn.Linear, *_INCREASING)):
            raise ValueError(f"interval_bound handles Linear layers and increasing activations only, got {layer}")
    return layers


@torch.no_grad()
def interval_bound(net: nn.Module, low: float = -math.inf, high: float = math.inf) -> tuple[float, float]:
    """A guaranteed enclosure [lo, hi] of net(z) for every scalar z in [low, high] (one input, one output)."""
    if not low <= high:
        raise ValueError(f"low must be <= high, got {low} and {high}")
    lo = torch.tensor([low], dtype=torch.float64)
    hi = torch.tensor([high], dtype=torch.float64)
    for layer in _dense_layers(net):
        if isinstance(layer, nn.Linear):
            w, b = layer.weight.double(), layer.bias.double()
            if w.shape[1] != lo.numel():
                raise ValueError(f"layer {layer} expects {w.shape[1]} inputs, the previous layer gives {lo.numel()}")
            wp, wn = w.clamp(min=0), w.clamp(max=0)
            # 0 * inf is nan: a zero weight contributes nothing whatever the input's interval
            lo_terms = torch.where(wp > 0, wp * lo, 0.0) + torch.where(wn < 0, wn * hi, 0.0)  # (out, in)
            hi_terms = torch.where(wp > 0, wp * hi, 0.0) + torch.where(wn < 0, wn * lo, 0.0)
            lo, hi = b + lo_terms.sum(1), b + hi_terms.sum(1)
        else:  # increasing: the image of an interval is the interval of the endpoints' images
            lo, hi = layer.double()(lo), layer.double()(hi)
    if lo.numel() != 1:
        raise ValueError(f"net must have one output, got {lo.numel()}")
    return float(lo), float(hi)


def _grid(z_max: float, n: int) -> tuple[torch.Tensor, float]:
    if not z_max > 0 or isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"z_max must be > 0 and n an int >= 2, got {z_max!r} and {n!r}")
    dz = 2 * z_max / n
    return (torch.arange(n, dtype=torch.float64) + 0.5) * dz - z_max, dz  # midpoints (n,)


@torch.no_grad()
def _on_grid(G: nn.Module, z: torch.Tensor) -> torch.Tensor:
    net = copy.deepcopy(G).double().eval().cpu()
    return net(z[:, None])[:, 0]  # (n,)


def range_on_line(G: nn.Module, z_max: float = 40.0, n: int = 400_001) -> tuple[float, float]:
    """min and max of G(z) over a grid of n points on [-z_max, z_max], in float64: the range of G up to the grid."""
    z, _ = _grid(z_max, n)
    x = _on_grid(G, z)
    return float(x.min()), float(x.max())


def mass_outside(G: nn.Module, a: float, b: float, z_max: float = 10.0, n: int = 400_001) -> float:
    r"""P(G(z) < a or G(z) > b) for z ~ N(0, 1), by the midpoint rule on [-z_max, z_max] (float64)."""
    if not a < b:
        raise ValueError(f"a must be < b, got {a} and {b}")
    z, dz = _grid(z_max, n)
    x = _on_grid(G, z)
    density = torch.exp(-0.5 * z ** 2) / math.sqrt(2 * math.pi)
    return float((density * ((x < a) | (x > b))).sum() * dz)
