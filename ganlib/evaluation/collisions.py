r"""The birthday-paradox test on samples from a continuous distribution, decided by a threshold (chapter 6).

Two samples x, y are *duplicates* when :math:`d(x, y) < \tau` for a distance d (Euclidean in pixel or feature
space) and a threshold :math:`\tau`. Split n samples into B batches of k; batch b *collides* when its closest
pair is closer than :math:`\tau`. The collision rate :math:`\hat\gamma = C / B` (C colliding batches) is a
binomial proportion; its interval is Clopper-Pearson (exact, conservative) or Wilson. The implied support is the
N of the uniform law with the same collision probability, :math:`1 - P_{N,k} = \hat\gamma`
(``ganlib.evaluation.birthday.uniform_support_from_collision``); it decreases in :math:`\gamma`, so the
interval's ends map to the support interval's ends (no collision at all gives only a lower bound).

Pairwise distances are computed ``block_size`` rows at a time: memory is O(block_size * k), not O(k^2).
Everything runs on the device of the samples, in float64 unless told otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from scipy import stats

from ganlib.evaluation.birthday import _check_k, uniform_support_from_collision

Distance = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # (a, d), (b, d) -> (a, b)


def euclidean(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Euclidean distances between the rows of a (a, d) and b (b, d): (a, b)."""
    return torch.cdist(a, b)  # float64 inputs: the matrix-product form is accurate to ~1e-6 of the norms


def as_rows(x: torch.Tensor, name: str = "samples", dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """x (n, ...) flattened to (n, d) in ``dtype``, after checking it is a non-empty tensor without NaN."""
    if not torch.is_tensor(x) or x.ndim < 2 or x.shape[0] == 0 or x[0].numel() == 0:
        raise ValueError(f"{name} must be a tensor (n, ...) of n >= 1 samples, got "
                         f"{tuple(x.shape) if torch.is_tensor(x) else type(x).__name__}")
    rows = x.flatten(1).to(dtype)  # (n, d)
    if not torch.isfinite(rows).all():
        raise ValueError(f"{name} contains NaN or infinite values; check the generator or the embedding")
    return rows


def _check_block(block_size: int) -> int:
    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 1:
        raise ValueError(f"block_size (rows per block of distances) must be a positive int, got {block_size!r}")
    return block_size


def batch_min_distances(samples: torch.Tensor, batch_size: int, distance: Distance = euclidean,
                        block_size: int = 512) -> tuple[torch.Tensor, torch.Tensor]:
    """For consecutive batches of ``batch_size`` rows: each batch's smallest pairwise distance and its pair.

    Returns (minima (B,), pairs (B, 2) of row indices into ``samples``), B = n // batch_size (the rest is unused).
    """
    k, block = _check_k(batch_size, "batch_size"), _check_block(block_size)
    x = as_rows(samples)
    if len(x) < k:
        raise ValueError(f"need at least batch_size={k} samples, got {len(x)}")
    n_batches = len(x) // k
    minima = torch.empty(n_batches, dtype=x.dtype, device=x.device)
    pairs = torch.empty(n_batches, 2, dtype=torch.long, device=x.device)
    cols = torch.arange(k, device=x.device)
    for b in range(n_batches):
        xb = x[b * k:(b + 1) * k]  # (k, d)
        best, arg = math.inf, (0, 1)
        for i0 in range(0, k - 1, block):
            rows = torch.arange(i0, min(i0 + block, k), device=x.device)
            d = distance(xb[rows], xb)  # (block, k)
            d = d.masked_fill(cols[None, :] <= rows[:, None], math.inf)  # keep pairs i < j only
            flat = int(torch.argmin(d))
            value = float(d.flatten()[flat])
            if value < best:
                best, arg = value, (int(rows[flat // k]), flat % k)
        minima[b] = best
        pairs[b] = torch.tensor([b * k + arg[0], b * k + arg[1]], device=x.device)
    return minima, pairs


def closest_pairs(samples: torch.Tensor, n_pairs: int, distance: Distance = euclidean,
                  block_size: int = 512) -> tuple[torch.Tensor, torch.Tensor]:
    """The ``n_pairs`` closest pairs i < j among all rows: (distances (n_pairs,) ascending, pairs (n_pairs, 2))."""
    x, block = as_rows(samples), _check_block(block_size)
    total = len(x) * (len(x) - 1) // 2
    if isinstance(n_pairs, bool) or not isinstance(n_pairs, int) or not 1 <= n_pairs <= total:
        raise ValueError(f"n_pairs must be an int between 1 and the number of pairs {total}, got {n_pairs!r}")
    best_d = torch.empty(0, dtype=x.dtype, device=x.device)
    best_p = torch.empty(0, 2, dtype=torch.long, device=x.device)
    cols = torch.arange(len(x), device=x.device)
    for i0 in range(0, len(x) - 1, block):
        rows = torch.arange(i0, min(i0 + block, len(x)), device=x.device)
        d = distance(x[rows], x).masked_fill(cols[None, :] <= rows[:, None], math.inf)  # (block, n)
        m = min(n_pairs, d.numel())
        values, flat = torch.topk(d.flatten(), m, largest=False)
        found = torch.stack([rows[flat // len(x)], flat % len(x)], dim=1)  # (m, 2)
        best_d, best_p = torch.cat([best_d, values]), torch.cat([best_p, found])
        keep = torch.argsort(best_d, stable=True)[:n_pairs]
        best_d, best_p = best_d[keep], best_p[keep]
    return best_d, best_p


def binomial_interval(successes: int, trials: int, confidence: float = 0.95,
                      method: str = "clopper-pearson") -> tuple[float, float]:
    """Two-sided interval for a binomial proportion: exact Clopper-Pearson (1934) or Wilson (1927)."""
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise ValueError(f"trials must be a positive int, got {trials!r}")
    if isinstance(successes, bool) or not isinstance(successes, int) or not 0 <= successes <= trials:
        raise ValueError(f"successes must be an int in [0, trials={trials}], got {successes!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    alpha = 1.0 - confidence
    if method == "clopper-pearson":
        low = 0.0 if successes == 0 else float(stats.beta.ppf(alpha / 2, successes, trials - successes + 1))
        high = 1.0 if successes == trials else float(stats.beta.ppf(1 - alpha / 2, successes + 1, trials - successes))
        return low, high
    if method == "wilson":
        z, p = float(stats.norm.ppf(1 - alpha / 2)), successes / trials
        centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
        half = z / (1 + z * z / trials) * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
        return max(0.0, centre - half), min(1.0, centre + half)
    raise ValueError(f"method must be 'clopper-pearson' or 'wilson', got {method!r}")


def _support(k: int, gamma: float) -> float:
    if gamma <= 0:
        return math.inf
    if gamma >= 1:
        return k - 1.0
    return uniform_support_from_collision(k, gamma)


@dataclass(frozen=True)
class BirthdayResult:
    """A birthday test: collision rate at batch size k with its interval, and the implied support with its interval."""

    batch_size: int
    batches: int
    collisions: int
    rate: float
    rate_low: float
    rate_high: float
    support: float  # N with 1 - P_{N,k} = rate (inf when no batch collides)
    support_low: float
    support_high: float  # inf when rate_low = 0
    confidence: float


def birthday_result(minima: torch.Tensor | np.ndarray, threshold: float, batch_size: int,
                    confidence: float = 0.95, method: str = "clopper-pearson") -> BirthdayResult:
    """Turn per-batch minimal distances into the test's result at ``threshold`` (duplicates: distance < threshold)."""
    k = _check_k(batch_size, "batch_size")
    if not (isinstance(threshold, (int, float, np.floating)) and math.isfinite(threshold) and threshold > 0):
        raise ValueError(f"threshold must be a finite distance > 0, got {threshold!r}")
    m = torch.as_tensor(minima).double().cpu()
    if m.ndim != 1 or len(m) == 0 or torch.isnan(m).any():
        raise ValueError("minima must be a non-empty 1-D array of distances without NaN (batch_min_distances)")
    c, b = int((m < threshold).sum()), len(m)
    low, high = binomial_interval(c, b, confidence, method)
    return BirthdayResult(k, b, c, c / b, low, high, _support(k, c / b), _support(k, high), _support(k, low),
                          confidence)


def birthday_test(samples: torch.Tensor | None = None, *, threshold: float, batch_size: int,
                  sampler: Callable[[int, int], torch.Tensor] | None = None, n_batches: int = 100,
                  embed: Callable[[torch.Tensor], torch.Tensor] | None = None, distance: Distance = euclidean,
                  block_size: int = 512, seed: int = 0, confidence: float = 0.95,
                  method: str = "clopper-pearson") -> BirthdayResult:
    """The whole test: batches from ``samples`` (consecutive) or ``sampler(n, seed)``, optionally embedded, judged."""
    if (samples is None) == (sampler is None):
        raise ValueError("pass exactly one of samples (a tensor) or sampler (a callable (n, seed) -> tensor)")
    k = _check_k(batch_size, "batch_size")
    if samples is None:
        if isinstance(n_batches, bool) or not isinstance(n_batches, int) or n_batches < 1:
            raise ValueError(f"n_batches must be a positive int, got {n_batches!r}")
        samples = sampler(n_batches * k, seed)
    x = embed(samples) if embed is not None else samples
    minima, _ = batch_min_distances(x, k, distance, block_size)
    return birthday_result(minima, threshold, k, confidence, method)
