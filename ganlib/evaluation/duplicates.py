r"""Deciding "duplicate" without a human: calibration on real digits and generators of known support (chapter 6).

- ``calibrate_threshold``: the duplicate threshold :math:`\tau` at which distinct real images are rarely
  duplicates: at most a fraction ``false_rate`` of the pairs of held-out real images lie closer than
  :math:`\tau`. A pair of independent draws from a law of support N collides with probability about
  :math:`r/N + f`, with r the probability that two copies of one point are judged duplicates and f the false
  rate; the test therefore reads :math:`\hat N \approx 1/(r/N + f)`, which is within a factor :math:`1 + fN` of N
  when r = 1. A false rate f caps what the test can measure at about 1/f.
- ``pair_collision_rate`` and ``suggest_batch_size``: the fraction q of pairs closer than :math:`\tau` in a
  pilot sample, and the batch size :math:`k \approx \sqrt{2 \ln 2 / q}` at which a batch collides about half the
  time; this choice uses only the pilot, never the true support.
- ``NoisyCopies``: the validation generator: one of K stored images, uniformly, plus Gaussian noise of standard
  deviation ``noise``; its support is K by construction.
- ``feature_embedding``: the penultimate layer of the chapter-4 digit classifier as a feature map.
"""

from __future__ import annotations

import math
from typing import Callable

import torch
from torch import nn

from ganlib.device import Seed, make_generator
from ganlib.evaluation.collisions import Distance, as_rows, closest_pairs, euclidean


def calibrate_threshold(real: torch.Tensor, false_rate: float, distance: Distance = euclidean,
                        block_size: int = 512) -> float:
    """The largest threshold with at most ``false_rate`` of the pairs of ``real`` rows strictly closer (a pair distance)."""
    x = as_rows(real, "real")
    total = len(x) * (len(x) - 1) // 2
    if not 0 < false_rate < 1 or false_rate * total < 1:
        raise ValueError(f"false_rate must be in (0, 1) and leave at least one pair of the {total} "
                         f"({len(x)} images) below the threshold, got {false_rate!r}; use more real images")
    m = int(math.floor(false_rate * total))  # pairs allowed strictly below
    d, _ = closest_pairs(x, m + 1, distance, block_size)
    return float(d[m])


def pair_collision_rate(samples: torch.Tensor, threshold: float, distance: Distance = euclidean,
                        block_size: int = 512) -> tuple[int, int]:
    """(number of pairs i < j closer than ``threshold``, number of pairs) among the rows of ``samples``."""
    x = as_rows(samples)
    if not (math.isfinite(threshold) and threshold > 0):
        raise ValueError(f"threshold must be a finite distance > 0, got {threshold!r}")
    count, cols = 0, torch.arange(len(x), device=x.device)
    for i0 in range(0, len(x) - 1, block_size):
        rows = torch.arange(i0, min(i0 + block_size, len(x)), device=x.device)
        close = (distance(x[rows], x) < threshold) & (cols[None, :] > rows[:, None])  # (block, n)
        count += int(close.sum())
    return count, len(x) * (len(x) - 1) // 2


def suggest_batch_size(pilot: torch.Tensor, threshold: float, k_min: int = 8, k_max: int = 2048,
                       distance: Distance = euclidean) -> int:
    """k with a collision probability near 1/2 if pairs collide at the pilot's rate q: sqrt(2 ln 2 / q), clipped."""
    if not 2 <= k_min <= k_max:
        raise ValueError(f"need 2 <= k_min <= k_max, got k_min={k_min!r}, k_max={k_max!r}")
    count, pairs = pair_collision_rate(pilot, threshold, distance)
    if count == 0:
        return k_max
    return int(min(k_max, max(k_min, round(math.sqrt(2 * math.log(2) * pairs / count)))))


class NoisyCopies:
    """A generator of known support K: a uniformly chosen stored image plus N(0, noise^2) pixel noise."""

    def __init__(self, images: torch.Tensor, noise: float) -> None:
        if not torch.is_tensor(images) or images.ndim < 2 or len(images) < 1:
            raise ValueError("images must be a tensor (K, ...) of K >= 1 stored images")
        if not (math.isfinite(noise) and noise >= 0):
            raise ValueError(f"noise (a standard deviation) must be a finite number >= 0, got {noise!r}")
        self.images, self.noise = images, float(noise)

    @property
    def support(self) -> int:
        return len(self.images)

    def sample(self, n: int, seed: Seed = 0) -> torch.Tensor:
        """n draws (n, ...) on the device of the stored images; the choices and the noise come from ``seed``."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be a positive int, got {n!r}")
        g = make_generator(seed)
        idx = torch.randint(len(self.images), (n,), generator=g)
        noise = torch.randn((n, *self.images.shape[1:]), generator=g) * self.noise
        return self.images[idx.to(self.images.device)] + noise.to(self.images.device, self.images.dtype)

    def __call__(self, n: int, seed: Seed = 0) -> torch.Tensor:
        return self.sample(n, seed)


def feature_embedding(classifier: nn.Module, batch_size: int = 1000) -> Callable[[torch.Tensor], torch.Tensor]:
    """x (n, 1, 28, 28) -> the classifier's penultimate activations (n, 64), float64, on the classifier's device."""
    if not isinstance(getattr(classifier, "net", None), nn.Sequential):
        raise ValueError("classifier must be a ganlib DigitClassifier (an nn.Sequential in .net)")
    body = classifier.net[:-1]  # all but the last Linear: (B, 64) after ReLU
    device = next(classifier.parameters()).device

    @torch.no_grad()
    def embed(x: torch.Tensor) -> torch.Tensor:
        classifier.eval()
        return torch.cat([body(x[i:i + batch_size].to(device)).double() for i in range(0, len(x), batch_size)])

    return embed
