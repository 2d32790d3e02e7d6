r"""Activation functions and closed-form derivatives (chapter 1, ``prop-activation-derivatives``; essay 1.1).

The hand-written backward pass of :mod:`ganlib.nets.backprop` needs :math:`g'` as a formula, not from autograd:

- sigmoid  :math:`\sigma(x) = 1/(1+e^{-x})`,        :math:`\sigma' = \sigma(1-\sigma)`;
- tanh     :math:`\tanh x`,                          :math:`\tanh' = 1 - \tanh^2`;
- ReLU     :math:`\max(0, x)`,                       :math:`\mathrm{ReLU}'(x) = 1\{x > 0\}`, so 0 at 0
  (the convention the essay mentions, and torch's);
- softplus :math:`\log(1+e^{x})`,                    :math:`\mathrm{softplus}' = \sigma`.

Softplus is computed as ``logaddexp(x, 0)``, exact and finite for every float, unlike
``torch.nn.functional.softplus`` which returns ``x`` itself above its threshold of 20.
"""

from __future__ import annotations

from typing import Callable

import torch

Fn = Callable[[torch.Tensor], torch.Tensor]


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    """Logistic function 1/(1+exp(-x)): the probability a logit stands for."""
    return torch.sigmoid(x)


def sigmoid_prime(x: torch.Tensor) -> torch.Tensor:
    """sigma'(x) = sigma(x)(1 - sigma(x)): why the sigmoid's gradient vanishes for large |x|."""
    s = torch.sigmoid(x)
    return s * (1 - s)


def tanh(x: torch.Tensor) -> torch.Tensor:
    """Hyperbolic tangent, the sigmoid rescaled to (-1, 1): tanh(x) = 2 sigma(2x) - 1."""
    return torch.tanh(x)


def tanh_prime(x: torch.Tensor) -> torch.Tensor:
    """tanh'(x) = 1 - tanh(x)^2."""
    t = torch.tanh(x)
    return 1 - t * t


def relu(x: torch.Tensor) -> torch.Tensor:
    """Rectifier max(0, x) (Nair and Hinton, 2010); torch.relu, whose autograd also gives 0 at 0."""
    return torch.relu(x)


def relu_prime(x: torch.Tensor) -> torch.Tensor:
    """ReLU'(x) = 1{x > 0}: the value 0 at the kink x = 0 is a convention (torch's, and the essay's)."""
    return (x > 0).to(x.dtype)


def softplus(x: torch.Tensor) -> torch.Tensor:
    """Softplus log(1 + e^x), a smooth ReLU; computed as logaddexp(x, 0) so that it never overflows."""
    return torch.logaddexp(x, torch.zeros_like(x))


def softplus_prime(x: torch.Tensor) -> torch.Tensor:
    """softplus'(x) = sigma(x)."""
    return torch.sigmoid(x)


ACTIVATIONS: dict[str, tuple[Fn, Fn]] = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "softplus": (softplus, softplus_prime),
}


def central_difference(g: Fn, x: torch.Tensor, h: float = 1e-5) -> torch.Tensor:
    r"""(g(x + h) - g(x - h)) / (2h): a derivative that knows nothing of the closed forms or of autograd.

    For a smooth g its error is about :math:`h^2 \max|g^{(3)}|/6` (truncation) plus :math:`\epsilon_{64}|g|/h`
    (rounding): below 1e-9 for h = 1e-5 and the activations on [-8, 8] in float64. At a kink (ReLU at 0) it
    returns the mean of the one-sided slopes, 1/2, which is not a derivative.
    """
    if isinstance(h, bool) or not isinstance(h, (int, float)) or not h > 0:
        raise ValueError(f"h (the finite-difference step) must be a positive float, got {h!r}")
    return (g(x + h) - g(x - h)) / (2 * h)


def get_activation(name: str) -> tuple[Fn, Fn]:
    """Return the pair (g, g') for an activation name, so that forward and backward agree."""
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]
