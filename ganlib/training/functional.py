r"""Dense nets and Adam as pure functions of a parameter dict, so that one step can be ``torch.func.vmap``-ed
over many runs and differentiated through (the unrolled GAN, R1, consensus; chapter 5).

A net is a dict ``{"w0": (out, in), "b0": (out,), "w1": ..., }`` of plain tensors. :func:`mlp_forward` computes

.. math:: h_0 = x,\quad h_{j+1} = a(W_j h_j + b_j)\ (j < L - 1),\quad \text{out} = W_{L-1} h_{L-1} + b_{L-1},

with :math:`a` = ReLU (generators) or LeakyReLU(0.2) (discriminators), optional dropout masks multiplied onto
the hidden layers, and optionally returns the last hidden layer :math:`h_{L-1}` (the features of feature
matching and minibatch discrimination). Nothing here draws random numbers: masks and noise come in as inputs.

:func:`adam_step` is Adam (Kingma and Ba, 2015) on such dicts, elementwise, so vmapped over runs it is N
independent Adams, the same update as ``torch.optim.Adam`` (tests compare them).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

Params = dict[str, torch.Tensor]


def init_mlp(sizes: list[int], generator: torch.Generator, dtype: torch.dtype = torch.float32) -> Params:
    """Weights of a dense net with layer widths ``sizes`` (input first), PyTorch's default ``nn.Linear`` init.

    ``W_j, b_j ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))``, drawn from ``generator`` in layer order.
    """
    if len(sizes) < 2 or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in sizes):
        raise ValueError(f"sizes must list at least two positive ints (input, ..., output), got {sizes!r}")
    params: Params = {}
    for j, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        bound = 1.0 / math.sqrt(d_in)
        params[f"w{j}"] = (torch.rand(d_out, d_in, generator=generator, dtype=dtype) * 2 - 1) * bound
        params[f"b{j}"] = (torch.rand(d_out, generator=generator, dtype=dtype) * 2 - 1) * bound
    return params


def n_layers(params: Params) -> int:
    """Number of dense layers in ``params``."""
    return sum(1 for k in params if k.startswith("w"))


def mlp_forward(params: Params, x: torch.Tensor, leaky: bool = False, masks: list[torch.Tensor] | None = None,
                features: bool = False, head: bool = True) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
    """The net on a batch ``x`` (B, in) -> (B, out); with ``features=True`` also the last hidden layer (B, h).

    ``masks[j]`` (B, width of hidden layer j) multiplies hidden layer j (inverted dropout: entries 0 or
    1/(1-p)). ``head=False`` stops before the last layer and returns the last hidden layer only.
    """
    L = n_layers(params)
    h = x
    for j in range(L - 1):
        h = F.linear(h, params[f"w{j}"], params[f"b{j}"])
        h = F.leaky_relu(h, 0.2) if leaky else F.relu(h)
        if masks is not None:
            h = h * masks[j]
    if not head:
        return h
    out = F.linear(h, params[f"w{L - 1}"], params[f"b{L - 1}"])
    return (out, h) if features else out


def adam_init(params: Params) -> dict[str, Params]:
    """Zero first and second moments, one of each per parameter."""
    return {"m": {k: torch.zeros_like(v) for k, v in params.items()},
            "v": {k: torch.zeros_like(v) for k, v in params.items()}}


def adam_step(params: Params, grads: Params, state: dict[str, Params], t: int, lr: float,
              betas: tuple[float, float] = (0.5, 0.999), eps: float = 1e-8,
              tiny: float = 0.0) -> tuple[Params, dict[str, Params]]:
    r"""One Adam step at step number ``t`` >= 1: :math:`\theta \leftarrow \theta - \eta\,\hat m/(\sqrt{\hat v}+\epsilon)`.

    :math:`m \leftarrow \beta_1 m + (1-\beta_1) g`, :math:`v \leftarrow \beta_2 v + (1-\beta_2) g^2`,
    :math:`\hat m = m/(1-\beta_1^t)`, :math:`\hat v = v/(1-\beta_2^t)`. Returns new (params, state).
    ``tiny`` > 0 takes :math:`\sqrt{v + \text{tiny}}`: the same step to float precision, with a finite derivative
    where v = 0, for steps that are differentiated through (``ganlib.training.unrolled.unroll_adam``).
    """
    b1, b2 = betas
    step, root_c2 = lr / (1 - b1 ** t), math.sqrt(1 - b2 ** t)  # bias corrections folded into two scalars
    new_p, new_m, new_v = {}, {}, {}
    for k, p in params.items():  # fused pointwise ops: 6 per tensor (each is a dispatch under vmap)
        g = grads[k]
        m = torch.lerp(state["m"][k], g, 1 - b1)  # b1 m + (1 - b1) g
        v = torch.addcmul(state["v"][k] * b2, g, g, value=1 - b2)  # b2 v + (1 - b2) g^2
        denom = (v + tiny if tiny else v).sqrt() / root_c2 + eps  # sqrt(v_hat) + eps
        new_p[k] = torch.addcdiv(p, m, denom, value=-step)  # p - lr m_hat / (sqrt(v_hat) + eps)
        new_m[k], new_v[k] = m, v
    return new_p, {"m": new_m, "v": new_v}


def stack(dicts: list[Params]) -> Params:
    """N parameter dicts of one shape as one dict of stacked tensors (N, ...), for ``torch.func.vmap``."""
    if not dicts:
        raise ValueError("dicts must hold at least one parameter dict")
    return {k: torch.stack([d[k] for d in dicts]) for k in dicts[0]}


def unstack(params: Params, i: int) -> Params:
    """Run i's parameters from a stacked dict."""
    return {k: v[i] for k, v in params.items()}
