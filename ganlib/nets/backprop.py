r"""Back-propagation written out by hand for a dense network (chapter 1, proposition ``prop-backprop``).

Conventions (rows are samples, as in ``torch.nn.Linear``). Layer :math:`l = 1, \dots, L` has weights
:math:`W^{(l)}` of shape (d_l, d_{l-1}) and bias :math:`b^{(l)}` of shape (d_l,). For a batch
:math:`h^{(0)} = x` of shape (B, d_0):

.. math:: a^{(l)} = h^{(l-1)} W^{(l)\top} + b^{(l)}, \qquad h^{(l)} = g(a^{(l)}) \ (l < L), \qquad y = a^{(L)},

so the output layer is linear, as in :func:`ganlib.nets.models.mlp`. For a loss :math:`\mathcal L(y)` summed over
the batch, write :math:`\delta^{(l)} = \partial \mathcal L / \partial a^{(l)}` (shape (B, d_l)). The chain rule gives

.. math:: \delta^{(L)} = \partial \mathcal L / \partial y, \qquad
          \delta^{(l)} = (\delta^{(l+1)} W^{(l+1)}) \odot g'(a^{(l)}),

.. math:: \partial \mathcal L / \partial W^{(l)} = \delta^{(l)\top} h^{(l-1)}, \qquad
          \partial \mathcal L / \partial b^{(l)} = \textstyle\sum_{\text{batch}} \delta^{(l)},

which for one sample (a column vector) reads :math:`\delta^{(l)} = (W^{(l+1)\top}\delta^{(l+1)}) \odot g'(a^{(l)})` and
:math:`\partial \mathcal L/\partial W^{(l)} = \delta^{(l)} h^{(l-1)\top}` (Rumelhart, Hinton and Williams, 1986).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

from ganlib.nets.activations import get_activation

Params = list[tuple[torch.Tensor, torch.Tensor]]


@dataclass(frozen=True)
class ForwardCache:
    """What the backward pass needs from the forward pass: layer inputs h^(l-1) and pre-activations a^(l)."""

    inputs: list[torch.Tensor]  # h^(0), ..., h^(L-1)
    preactivations: list[torch.Tensor]  # a^(1), ..., a^(L)
    activation: str


def _check_params(params: Params) -> None:
    if not isinstance(params, (list, tuple)) or len(params) == 0:
        raise ValueError("params must be a non-empty list of (W, b) pairs, one per dense layer")
    for l, pair in enumerate(params, start=1):
        if len(pair) != 2:
            raise ValueError(f"params[{l - 1}] must be a pair (W, b), got {len(pair)} items")
        W, b = pair
        if W.ndim != 2 or b.ndim != 1 or b.shape[0] != W.shape[0]:
            raise ValueError(f"params[{l - 1}] must be W of shape (d_out, d_in) and b of shape (d_out,), "
                             f"got W {tuple(W.shape)} and b {tuple(b.shape)}")
        if l > 1 and W.shape[1] != params[l - 2][0].shape[0]:
            raise ValueError(f"params[{l - 1}][0] has {W.shape[1]} input columns but layer {l - 1} "
                             f"outputs {params[l - 2][0].shape[0]} features")


def mlp_forward(params: Params, x: torch.Tensor, activation: str = "tanh") -> tuple[torch.Tensor, ForwardCache]:
    """Forward pass y = F(x) of the dense net, keeping what the hand-written backward pass needs."""
    _check_params(params)
    g, _ = get_activation(activation)
    if x.ndim != 2 or x.shape[1] != params[0][0].shape[1]:
        raise ValueError(f"x must have shape (B, {params[0][0].shape[1]}), got {tuple(x.shape)}")
    inputs, preacts = [], []
    h = x
    for l, (W, b) in enumerate(params, start=1):
        inputs.append(h)
        a = h @ W.T + b  # (B, d_l)
        preacts.append(a)
        h = g(a) if l < len(params) else a
    return h, ForwardCache(inputs, preacts, activation)


def mlp_backward(params: Params, cache: ForwardCache, grad_output: torch.Tensor) -> Params:
    """Gradients [(dL/dW, dL/db)] per layer from dL/dy, by the reverse-mode chain rule (no autograd)."""
    _check_params(params)
    _, g_prime = get_activation(cache.activation)
    if grad_output.shape != cache.preactivations[-1].shape:
        raise ValueError(f"grad_output must have the output's shape {tuple(cache.preactivations[-1].shape)}, "
                         f"got {tuple(grad_output.shape)}")
    grads: Params = []
    delta = grad_output  # delta^(L) = dL/dy, (B, d_L)
    for l in range(len(params), 0, -1):
        W, _ = params[l - 1]
        h_prev = cache.inputs[l - 1]  # h^(l-1), (B, d_{l-1})
        grads.append((delta.T @ h_prev, delta.sum(0)))  # (d_l, d_{l-1}), (d_l,)
        if l > 1:
            delta = (delta @ W) * g_prime(cache.preactivations[l - 2])  # delta^(l-1), (B, d_{l-1})
    return grads[::-1]


def dense_params(module: nn.Module) -> Params:
    """The (W, b) of every nn.Linear in ``module``, in order, detached: feeds mlp_forward the same weights."""
    params = [(m.weight.detach(), m.bias.detach()) for m in module.modules() if isinstance(m, nn.Linear)]
    if not params:
        raise ValueError("module has no nn.Linear layers; pass a dense net such as ganlib.nets.models.mlp(...)")
    return params


def finite_difference_grad(loss: Callable[[Params], torch.Tensor], params: Params, eps: float = 1e-6) -> Params:
    """Central differences (L(theta + eps e_i) - L(theta - eps e_i)) / (2 eps): an oracle with O(eps^2) error."""
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps!r}")
    _check_params(params)
    work = [(W.detach().clone(), b.detach().clone()) for W, b in params]
    grads: Params = []
    for W, b in work:
        layer = []
        for p in (W, b):
            g = torch.zeros_like(p)
            flat, gflat = p.view(-1), g.view(-1)
            for i in range(flat.numel()):
                old = flat[i].item()
                flat[i] = old + eps
                up = float(loss(work))
                flat[i] = old - eps
                down = float(loss(work))
                flat[i] = old
                gflat[i] = (up - down) / (2 * eps)
            layer.append(g)
        grads.append((layer[0], layer[1]))
    return grads


def max_relative_error(grads: Params, reference: Params) -> float:
    """max |grads - reference| / max |reference| over all layers: one number for "these gradients agree"."""
    if len(grads) != len(reference):
        raise ValueError(f"grads has {len(grads)} layers but reference has {len(reference)}")
    a = torch.cat([t.reshape(-1) for pair in grads for t in pair])
    r = torch.cat([t.reshape(-1) for pair in reference for t in pair])
    if a.shape != r.shape:
        raise ValueError(f"grads and reference hold {a.numel()} and {r.numel()} numbers; they must match")
    scale = r.abs().max()
    if scale == 0:
        raise ValueError("reference gradients are all zero; a relative error is undefined")
    return float((a - r).abs().max() / scale)
