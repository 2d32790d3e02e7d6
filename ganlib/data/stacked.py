r"""Stacked MNIST (chapter 5): three MNIST digits stacked as the red, green and blue channels of one image.

The benchmark of :cite:t:`metz2017unrolled` (section 3.3.1), used again by Srivastava et al. (2017, VEEGAN)
and Lin et al. (2018, PacGAN). An image is a triple :math:`(i_0, i_1, i_2)` of indices into a pool of
single-channel digits, drawn independently and uniformly with replacement; its *mode* is the triple of the
digits' classes read as a three-digit number, :math:`100 y_{i_0} + 10 y_{i_1} + y_{i_2} \in \{0, \dots, 999\}`.
With digit classes near-balanced in the pool, the 1000 modes are near-uniform (their law is the product of
the pool's class frequencies, :func:`mode_law`).

The images are built on demand from the triples (:func:`stack`), so a data set of any size costs 3 integers
per image; the pool is the caller's choice (chapter 5 trains on the GAN-training split of
``ganlib.data.splits`` only).
"""

from __future__ import annotations

import torch

N_MODES = 1000


def stacked_triples(n_pool: int, n: int, generator: torch.Generator) -> torch.Tensor:
    """(n, 3) int64 indices into a pool of ``n_pool`` digits: three independent uniform draws per image."""
    for name, v in (("n_pool", n_pool), ("n", n)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"{name} must be a positive int, got {v!r}")
    return torch.randint(n_pool, (n, 3), generator=generator)


def stack(images: torch.Tensor, triples: torch.Tensor) -> torch.Tensor:
    """Images (N, 1, H, W) and triples (n, 3) -> (n, 3, H, W): channel c of image j is ``images[triples[j, c], 0]``."""
    if images.ndim != 4 or images.shape[1] != 1:
        raise ValueError(f"images must be (N, 1, H, W), got {tuple(images.shape)}")
    if triples.ndim != 2 or triples.shape[1] != 3 or triples.dtype != torch.long:
        raise ValueError(f"triples must be an int64 tensor (n, 3), got {triples.dtype} {tuple(triples.shape)}")
    return images[triples.flatten(), 0].view(triples.shape[0], 3, *images.shape[2:])


def stacked_modes(digit_labels: torch.Tensor) -> torch.Tensor:
    """Per-channel digit classes (n, 3) in 0..9 -> the mode 100 y0 + 10 y1 + y2 (n,) in 0..999."""
    if digit_labels.ndim != 2 or digit_labels.shape[1] != 3:
        raise ValueError(f"digit_labels must be (n, 3), got {tuple(digit_labels.shape)}")
    if digit_labels.numel() and (digit_labels.min() < 0 or digit_labels.max() > 9):
        raise ValueError("digit labels must lie in 0..9")
    d = digit_labels.long()
    return 100 * d[:, 0] + 10 * d[:, 1] + d[:, 2]


def stacked_labels(labels: torch.Tensor, triples: torch.Tensor) -> torch.Tensor:
    """The true mode of each stacked image: ``stacked_modes(labels[triples])``, (n,) in 0..999."""
    return stacked_modes(labels[triples])


def mode_law(labels: torch.Tensor) -> torch.Tensor:
    """The exact law (1000,) float64 of the mode of one stacked image drawn from a pool with these labels."""
    f = torch.bincount(labels.long(), minlength=10).double() / len(labels)  # (10,)
    return (f[:, None, None] * f[None, :, None] * f[None, None, :]).flatten()  # index 100a + 10b + c
