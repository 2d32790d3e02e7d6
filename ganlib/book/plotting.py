"""Helpers for the training figures of chapter 4: smoothed curves and grids of images.

Both are pure array functions (no matplotlib here), so that they can be tested and reused.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch


def moving_average(x: Sequence[float] | np.ndarray | torch.Tensor, window: int) -> np.ndarray:
    r"""Trailing moving average, as in essay figures 4-5 (windows 10 and 30): the mean of each run of ``window`` values.

    Returns :math:`a_t = \frac{1}{w}\sum_{s=t}^{t+w-1} x_s` for :math:`t = 0, \dots, n - w`, i.e. ``n - window + 1``
    values (no padding, so the first values are not biased towards zero); plot it against ``steps[window - 1:]``.
    """
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ValueError(f"window must be a positive int, got {window!r}")
    arr = np.asarray(x.detach().cpu() if torch.is_tensor(x) else x, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"x must be a 1-D sequence of values, got shape {arr.shape}")
    if window > arr.size:
        raise ValueError(f"window={window} is longer than the series ({arr.size} values); use a smaller window")
    c = np.cumsum(np.concatenate([[0.0], arr]))  # c[t] = x_0 + ... + x_{t-1}
    return (c[window:] - c[:-window]) / window


def image_grid(images: np.ndarray | torch.Tensor, nrow: int = 8, pad: int = 2,
               pad_value: float | None = None) -> np.ndarray:
    """Tile a batch of grey images (B, H, W) or (B, 1, H, W) into one (rows*(H+pad)+pad, nrow*(W+pad)+pad) array.

    Images are placed row by row, ``nrow`` per row; the last row is padded with ``pad_value`` (default: the
    smallest pixel value, i.e. the background of MNIST digits) if B is not a multiple of ``nrow``.
    """
    arr = np.asarray(images.detach().cpu() if torch.is_tensor(images) else images)
    if arr.ndim == 4:
        if arr.shape[1] != 1:
            raise ValueError(f"images must be grey: shape (B, 1, H, W) or (B, H, W), got {arr.shape}")
        arr = arr[:, 0]  # (B, H, W)
    if arr.ndim != 3 or arr.shape[0] == 0:
        raise ValueError(f"images must have shape (B, H, W) or (B, 1, H, W) with B >= 1, got {arr.shape}")
    if isinstance(nrow, bool) or not isinstance(nrow, int) or nrow < 1:
        raise ValueError(f"nrow (images per row) must be a positive int, got {nrow!r}")
    if isinstance(pad, bool) or not isinstance(pad, int) or pad < 0:
        raise ValueError(f"pad must be a non-negative int, got {pad!r}")
    b, h, w = arr.shape
    ncol, nrows = min(nrow, b), -(-b // nrow)
    fill = arr.min() if pad_value is None else pad_value
    grid = np.full((nrows * (h + pad) + pad, ncol * (w + pad) + pad), fill, dtype=arr.dtype)
    for i in range(b):
        r, c = divmod(i, nrow)
        top, left = pad + r * (h + pad), pad + c * (w + pad)
        grid[top:top + h, left:left + w] = arr[i]
    return grid
