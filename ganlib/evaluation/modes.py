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
    total = counts.sum()
    if total == 0:
        rkl = float("nan")
    else:
        p = counts[counts > 0] / total
        rkl = float(np.sum(p * np.log(k * p)))
    return ModeStats(counts=counts, modes=int((counts >= min_count).sum()), high_quality=float(total / len(j)),
                     reverse_kl=rkl)


def mixture_stats(samples, mixture, threshold: float = 3.0, min_count: int = 1) -> ModeStats:
    """:func:`mode_stats` for a ``ganlib.data.GaussianMixture`` (its ``means`` and ``stds``)."""
    return mode_stats(samples, mixture.means, mixture.stds, threshold, min_count)
