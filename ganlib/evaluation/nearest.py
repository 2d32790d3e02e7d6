"""Nearest real neighbours of generated images: a measurable stand-in for "looks like a digit" (chapter 4).

For each row x of ``x`` (flattened images) and a reference set of real images r_1, ..., r_N:

- ``nearest_distance``: the Euclidean distance min_j ||x - r_j||_2, averaged over the rows; near 0 means copies of the
  reference, large means unlike any reference image;
- ``knn_vote``: the labels of the k nearest r_j and the fraction of them that agree with their majority; a clean
  digit's neighbours agree, a blob's do not;
- ``scramble_pixels``: the control for both, and for ``ganlib.evaluation.classifier``: real images with their pixels
  permuted, the same intensities without strokes.
"""

from __future__ import annotations

import torch

from ganlib.device import Seed, make_generator


def _rows(x: torch.Tensor, name: str) -> torch.Tensor:
    if not torch.is_tensor(x) or x.ndim < 2 or x.shape[0] == 0:
        raise ValueError(f"{name} must be a tensor (n, ...) of n >= 1 images or vectors, got "
                         f"{tuple(x.shape) if torch.is_tensor(x) else type(x).__name__}")
    return x.flatten(1).double()  # (n, features)


def _distances(x: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    x, reference = _rows(x, "x"), _rows(reference, "reference")
    if x.shape[1] != reference.shape[1]:
        raise ValueError(f"x and reference must have the same number of features, got {x.shape[1]} "
                         f"and {reference.shape[1]}")
    return torch.cdist(x, reference.to(x.device))  # (n, N)


def nearest_distance(x: torch.Tensor, reference: torch.Tensor) -> float:
    """Mean over the rows of x of the Euclidean distance to the nearest row of ``reference``."""
    return _distances(x, reference).min(dim=1).values.mean().item()


def knn_vote(x: torch.Tensor, reference: torch.Tensor, labels: torch.Tensor, k: int = 10,
             n_classes: int = 10) -> tuple[torch.Tensor, float]:
    """Majority label of each row's k nearest reference rows, and the mean fraction of the k that agree with it.

    Ties go to the smallest label. Returns (majority labels (n,), mean agreement in [1/n_classes, 1]).
    """
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= len(reference):
        raise ValueError(f"k must be an int between 1 and len(reference)={len(reference)}, got {k!r}")
    if labels.shape != (len(reference),) or labels.dtype != torch.long:
        raise ValueError(f"labels must be an int64 tensor of shape ({len(reference)},), one per reference row, "
                         f"got {labels.dtype} {tuple(labels.shape)}")
    idx = _distances(x, reference).topk(k, dim=1, largest=False).indices  # (n, k)
    counts = torch.nn.functional.one_hot(labels.to(idx.device)[idx], n_classes).sum(dim=1)  # (n, n_classes)
    top = counts.max(dim=1)
    return top.indices.cpu(), (top.values.double() / k).mean().item()


def scramble_pixels(images: torch.Tensor, seed: Seed = 0) -> torch.Tensor:
    """Each image with its pixels randomly permuted (an independent permutation per image, in order)."""
    if not torch.is_tensor(images) or images.ndim < 2:
        raise ValueError(f"images must be a tensor (n, ...) of images, got "
                         f"{tuple(images.shape) if torch.is_tensor(images) else type(images).__name__}")
    g = make_generator(seed)
    n_pixels = images[0].numel()
    return torch.stack([img.flatten()[torch.randperm(n_pixels, generator=g)].view(img.shape) for img in images])
