r"""Disjoint splits of the shipped MNIST t10k images: what the GAN trains on, and what it never sees.

Held out means held out (chapter 4): an image used to train a network is never evidence of its
generalisation. The 10 000 t10k images are split once, here, and every chapter takes its indices from
:func:`mnist_splits`:

- ``"gan"`` (8 000 images): the DCGAN's training set; also the judge classifier's training set and the
  reference set of nearest-neighbour distances (distance 0 to it would mean copying);
- ``"heldout"`` (1 000): never seen by the GAN nor by the judge; the real control of every held-out
  claim (the discriminator's AUC on real images, the real row of nearest neighbours and of the judge);
- ``"judge"`` (1 000): never seen by the GAN nor by the judge; only the judge's own test accuracy.

The assignment is by position, with no random number generator (so that it is the same on every
machine and numpy version): image ``i`` goes to ``"gan"`` if ``i mod 10 < 8``, to ``"heldout"`` if
``i mod 10 = 8`` and to ``"judge"`` if ``i mod 10 = 9``. The t10k file is ordered roughly by source
(its first half mostly from one group of writers, its second from another, LeCun et al. 1998), so an
interleaved split spreads both groups evenly over the three parts, unlike a split into blocks.
"""

from __future__ import annotations

import torch

T10K_SIZE = 10_000
SPLIT_NAMES = ("gan", "heldout", "judge")
_RESIDUES = {"gan": range(0, 8), "heldout": range(8, 9), "judge": range(9, 10)}


def mnist_splits(n: int = T10K_SIZE) -> dict[str, torch.Tensor]:
    """The index sets {"gan", "heldout", "judge"} (int64, increasing) of the t10k images; disjoint, covering 0..n-1."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 10:
        raise ValueError(f"n must be an int >= 10 (the number of images, {T10K_SIZE} for t10k), got {n!r}")
    i = torch.arange(n)
    return {name: i[torch.isin(i % 10, torch.tensor(list(res)))] for name, res in _RESIDUES.items()}


def split_indices(name: str, n: int = T10K_SIZE) -> torch.Tensor:
    """One split's indices: ``mnist_splits(n)[name]``, with a clear error for an unknown name."""
    if name not in SPLIT_NAMES:
        raise ValueError(f"split name must be one of {SPLIT_NAMES}, got {name!r}")
    return mnist_splits(n)[name]


def gan_training_images() -> torch.Tensor:
    """The DCGAN's training images: ``mnist_images("test")`` at the ``"gan"`` indices, float32 (8000, 1, 28, 28)."""
    from ganlib.data.mnist import mnist_images

    x = mnist_images("test")
    return x[split_indices("gan", x.shape[0])]  # (8000, 1, 28, 28)
