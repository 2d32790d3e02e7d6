r"""The heuristic fixes of Salimans et al. (2016), instance noise and packing (chapter 5), as pure functions.

- One-sided label smoothing: ``ganlib.training.losses.d_loss_gan(..., real_label=0.9)`` (real targets
  0.9, fake targets stay 0).
- Instance noise (Sønderby et al., 2017; Arjovsky and Bottou, 2017): the discriminator sees
  :math:`x + \sigma_t \xi` for real AND fake x, :math:`\xi \sim N(0, I)`, with :math:`\sigma_t` annealed to 0
  (:func:`annealed_sigma`); the noisy laws overlap, so the optimal D is smooth.
- Dropout in D: inverted dropout masks (:func:`dropout_masks`), entries 0 or 1/(1-p).
- Feature matching: G minimises :math:`\|\mathbb{E} f(x) - \mathbb{E} f(G(z))\|_2^2`, f the last hidden
  layer of D (:func:`feature_matching_loss`).
- Minibatch discrimination: :math:`M_i = f(x_i) T \in \mathbb{R}^{B\times C}`,
  :math:`c_b(x_i, x_j) = \exp(-\|M_{i,b} - M_{j,b}\|_1)`, :math:`o(x_i)_b = \sum_j c_b(x_i, x_j)`; o is
  appended to f before D's last layer (:func:`minibatch_features`). The sum includes j = i (a constant 1).
- Historical averaging: each player adds :math:`\lambda\|\theta - \bar\theta_t\|^2`,
  :math:`\bar\theta_t = \frac1t\sum_{i\le t}\theta_i` (:func:`historical_penalty`, :func:`update_average`).
- Packing (PacGAN, Lin et al., 2018): D judges ``pack`` samples at once, concatenated (:func:`pack`).
"""

from __future__ import annotations

import torch


def annealed_sigma(sigma0: float, step: int, steps: int) -> float:
    """Linear annealing sigma0 * (1 - (step - 1) / steps) for step = 1..steps: sigma0 first, > 0 throughout."""
    if not sigma0 >= 0 or not 1 <= step <= steps:
        raise ValueError(f"need sigma0 >= 0 and 1 <= step <= steps, got sigma0={sigma0}, step={step}, steps={steps}")
    return sigma0 * (1 - (step - 1) / steps)


def dropout_masks(uniforms: torch.Tensor, widths: list[int], p: float) -> list[torch.Tensor]:
    """Split uniforms (B, sum(widths)) into one inverted-dropout mask per hidden layer: (u >= p) / (1 - p)."""
    if not 0 <= p < 1:
        raise ValueError(f"p (the dropout probability) must be in [0, 1), got {p}")
    if uniforms.shape[-1] != sum(widths):
        raise ValueError(f"uniforms must have sum(widths)={sum(widths)} columns, got {uniforms.shape[-1]}")
    return [(u >= p).to(u.dtype) / (1 - p) for u in uniforms.split(widths, dim=-1)]


def feature_matching_loss(f_real: torch.Tensor, f_fake: torch.Tensor) -> torch.Tensor:
    """Squared distance between the batch means of D's features on real and on generated samples."""
    if f_real.shape[1:] != f_fake.shape[1:]:
        raise ValueError(f"f_real and f_fake must have the same feature shape, got {tuple(f_real.shape)} "
                         f"and {tuple(f_fake.shape)}")
    return (f_real.mean(0) - f_fake.mean(0)).pow(2).sum()


def minibatch_features(f: torch.Tensor, T: torch.Tensor, n_kernels: int) -> torch.Tensor:
    r"""o(x_i) (B, n_kernels) for features f (B, A) and tensor T (A, n_kernels * C), within one batch.

    Salimans et al. (2016): rows :math:`M_{i,b} = (f_i T)_{b,\cdot} \in \mathbb{R}^C`,
    :math:`o(x_i)_b = \sum_j \exp(-\lVert M_{i,b} - M_{j,b}\rVert_1)` (j = i included, adding 1). The L1
    distances come from ``torch.cdist(p=1)``, one native kernel per b, instead of a (B, B, n_kernels, C) tensor
    of differences: the same numbers, about three times faster under vmap.
    """
    if f.ndim != 2 or T.shape[0] != f.shape[1] or T.shape[1] % n_kernels:
        raise ValueError(f"need f (B, A) and T (A, n_kernels*C), got {tuple(f.shape)}, {tuple(T.shape)}, "
                         f"n_kernels={n_kernels}")
    M = (f @ T).reshape(f.shape[0], n_kernels, -1).transpose(0, 1)  # (n_kernels, B, C)
    l1 = torch.cdist(M, M, p=1)  # (n_kernels, B, B)
    return torch.exp(-l1).sum(2).transpose(0, 1)  # (B, n_kernels)


def historical_penalty(params: dict[str, torch.Tensor], average: dict[str, torch.Tensor]) -> torch.Tensor:
    """Squared distance between the parameters and their running average (the average is a constant)."""
    return sum((params[k] - average[k].detach()).pow(2).sum() for k in params)


def update_average(average: dict[str, torch.Tensor], params: dict[str, torch.Tensor],
                   t: int) -> dict[str, torch.Tensor]:
    """Running mean after the t-th parameter vector (t >= 1): avg + (theta_t - avg) / t."""
    if t < 1:
        raise ValueError(f"t must be >= 1, got {t}")
    return {k: average[k] + (params[k].detach() - average[k]) / t for k in average}


def pack(x: torch.Tensor, k: int) -> torch.Tensor:
    """(k*m, d) samples -> (m, k*d): row i concatenates samples i*k, ..., i*k + k - 1."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1 or x.shape[0] % k:
        raise ValueError(f"k must be a positive int dividing the batch size {x.shape[0]}, got {k!r}")
    return x.reshape(x.shape[0] // k, k * x.shape[1])
