r"""Mode coverage of a generator on a mixture of K isotropic Gaussians: the protocol of PacGAN's Table 1
(Lin et al., 2018, after Srivastava et al., 2017), chapter 5.

Each generated sample x is assigned to its nearest mode :math:`\mu_j`; it is HIGH QUALITY when it lies within
``threshold`` = 3 standard deviations of it, :math:`\|x - \mu_j\|_2 / s_j < 3` (PacGAN's code divides each
coordinate by the mode's sd; the modes are isotropic, so that is this Euclidean rule). With :math:`n_j` the number
of high-quality samples assigned to mode j:

- modes covered: the number of modes with :math:`n_j \ge` ``min_count`` (PacGAN's code: ``min_count=1``);
- high quality: :math:`\sum_j n_j / n`, the fraction of all n samples that are high quality;
- reverse KL: :math:`\mathrm{KL}(\hat p \,\|\, u) = \sum_j \hat p_j \log(K \hat p_j)`, :math:`\hat p_j = n_j / \sum_i n_i`
  the histogram of the high-quality samples over the modes, u uniform; 0 for perfect balance, :math:`\log K`
  when all sit on one mode; undefined (NaN) when no sample is high quality.

Everything is float64 numpy: given samples, the numbers are exact (counts, one logarithm).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class ModeStats:
    """The three numbers of PacGAN's Table 1, and the histogram they come from."""

    counts: np.ndarray  # (K,) high-quality samples per mode
    modes: int  # modes covered
    high_quality: float  # fraction of samples within threshold sds of their nearest mode
    reverse_kl: float  # KL(histogram || uniform), NaN if no sample is high quality


def _array(x, name: str) -> np.ndarray:
    a = x.detach().cpu().double().numpy() if torch.is_tensor(x) else np.asarray(x, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] == 0:
        raise ValueError(f"{name} must be a 2-D array (n, d) with n >= 1, got shape {a.shape}")
    return a


def assign(samples, means, stds) -> tuple[np.ndarray, np.ndarray]:
    """Nearest mode of each sample (n,) and its distance to it in units of that mode's sd (n,)."""
    x, mu = _array(samples, "samples"), _array(means, "means")
    if x.shape[1] != mu.shape[1]:
        raise ValueError(f"samples and means must have the same dimension, got {x.shape[1]} and {mu.shape[1]}")
    s = np.broadcast_to(np.asarray(stds, dtype=np.float64), (mu.shape[0],))
    if (s <= 0).any():
        raise ValueError("stds must be positive")
    dist = np.sqrt(((x[:, None, :] - mu[None, :, :]) ** 2).sum(-1)) / s[None, :]  # (n, K), in sds
    dist = np.where(np.isfinite(dist), dist, np.inf)  # NaN samples (diverged runs) are never high quality
    j = dist.argmin(1)
    return j, dist[np.arange(len(j)), j]


def mode_stats(samples, means, stds, threshold: float = 3.0, min_count: int = 1) -> ModeStats:
    """PacGAN's mode statistics of ``samples`` (n, d) for modes ``means`` (K, d) with sds ``stds`` (K,) or scalar."""
    if not threshold > 0 or isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise ValueError(f"threshold must be > 0 and min_count an int >= 1, got {threshold!r}, {min_count!r}")
    j, d = assign(samples, means, stds)
    k = _array(means, "means").shape[0]
    counts = np.bincount(j[d < threshold], minlength=k)
    return ModeStats(counts=counts, modes=int((counts >= min_count).sum()), high_quality=float(counts.sum() / len(j)),
                     reverse_kl=reverse_kl(counts))


def reverse_kl(counts: np.ndarray) -> float:
    """KL(histogram || uniform) = sum_j p_j log(K p_j) over the K = len(counts) modes; NaN for an empty histogram."""
    total = counts.sum()
    if total == 0:
        return float("nan")
    p = counts[counts > 0] / total
    return float(np.sum(p * np.log(len(counts) * p)))


def mixture_stats(samples, mixture, threshold: float = 3.0, min_count: int = 1) -> ModeStats:
    """:func:`mode_stats` for a ``ganlib.data.GaussianMixture`` (its ``means`` and ``stds``)."""
    return mode_stats(samples, mixture.means, mixture.stds, threshold, min_count)


@dataclass(frozen=True)
class HistogramStats:
    """Modes covered and KL to the uniform law of a histogram of discrete modes (Stacked MNIST, chapter 5)."""

    counts: np.ndarray  # (K,) samples per mode
    modes: int  # modes with at least one sample
    reverse_kl: float  # KL(histogram || uniform on K modes)


def histogram_stats(modes, k: int) -> HistogramStats:
    r"""The two numbers of VEEGAN's and PacGAN's Stacked MNIST tables for mode labels ``modes`` (n,) in 0..k-1:
    the number of distinct modes among the samples, and :math:`\mathrm{KL}(\hat q\,\Vert\,u) = \sum_j \hat q_j
    \log(k \hat q_j)`, :math:`\hat q` the histogram of the labels, u uniform on the k modes (PacGAN's code)."""
    m = np.asarray(modes.detach().cpu() if torch.is_tensor(modes) else modes)
    if m.ndim != 1 or m.size == 0 or not np.issubdtype(m.dtype, np.integer):
        raise ValueError(f"modes must be a non-empty 1-D integer array, got {m.dtype} {m.shape}")
    if isinstance(k, bool) or not isinstance(k, int) or k < 1 or m.min() < 0 or m.max() >= k:
        raise ValueError(f"modes must lie in 0..k-1 for an int k >= 1, got k={k!r}, range {m.min()}..{m.max()}")
    counts = np.bincount(m, minlength=k)
    return HistogramStats(counts=counts, modes=int((counts > 0).sum()), reverse_kl=reverse_kl(counts))


def stacked_mnist_stats(classifier: torch.nn.Module, images: torch.Tensor, batch_size: int = 1000,
                        ) -> tuple[HistogramStats, float]:
    """Classify each channel of stacked images (n, 3, 28, 28) with a digit classifier, read the mode
    100 y0 + 10 y1 + y2, and return its :func:`histogram_stats` over 1000 modes, with the classifier's mean
    confidence (mean over images and channels of max_y p(y | channel))."""
    from ganlib.data.stacked import N_MODES, stacked_modes
    from ganlib.evaluation.classifier import class_probabilities

    if images.ndim != 4 or images.shape[1] != 3:
        raise ValueError(f"images must be (n, 3, H, W), got {tuple(images.shape)}")
    probs = class_probabilities(classifier, images.reshape(-1, 1, *images.shape[2:]), batch_size)  # (3n, 10)
    digits = probs.argmax(1).view(-1, 3)
    conf = probs.max(1).values.mean().item()
    return histogram_stats(stacked_modes(digits).numpy(), N_MODES), conf
