r"""Convolution, pooling and transposed convolution written out directly, with their size arithmetic.

Chapter 1: ``def-conv-layer``, ``prop-conv-size``, ``prop-conv-subspace``, ``def-pooling``,
``def-conv-transpose``, ``prop-conv-transpose-size`` and ``prop-conv-transpose-adjoint``; essay section 1.2.

Index conventions (0-based, as in the essay's section 1.2 formula and in torch). A 2-D convolution layer with
C_in input channels, C_out kernels :math:`K^{(k)}` of size :math:`k_h \times k_w`, stride s and zero padding p maps
x of shape (B, C_in, H, W) to

.. math:: y_{b,k,i,j} = \beta_k + \sum_{c} \sum_{i'=0}^{k_h-1} \sum_{j'=0}^{k_w-1}
          K^{(k)}_{c,i',j'}\, \tilde x_{b,c,\, s i + i',\, s j + j'},

where :math:`\tilde x` is x padded with p zeros on every side. The kernel is NOT flipped: this is a
cross-correlation, which is what deep-learning libraries call convolution. The output side is
:math:`\lfloor (n + 2p - d(k-1) - 1)/s \rfloor + 1` for dilation d (Dumoulin and Visin, 2016), i.e. n - k + 1
for a valid (p = 0), stride-1 convolution, not the essay's n - m.

The transposed convolution with the same (k, s, p) is the adjoint of this linear map (its matrix is the
transpose of the convolution's matrix); its output side is :math:`(n-1)s - 2p + d(k-1) + \text{output\_padding} + 1`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def _int(name: str, value: int, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return value


def conv_output_size(n: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Output side floor((n + 2p - d(k-1) - 1)/s) + 1 of a convolution along one axis of length n."""
    for name, value, minimum in (("n", n, 1), ("kernel_size", kernel_size, 1), ("stride", stride, 1),
                                 ("padding", padding, 0), ("dilation", dilation, 1)):
        _int(name, value, minimum)
    span = dilation * (kernel_size - 1) + 1  # the receptive field of one output
    if span > n + 2 * padding:
        raise ValueError(f"kernel_size={kernel_size} (span {span} with dilation={dilation}) is larger than the "
                         f"padded input n + 2*padding = {n + 2 * padding}; use a smaller kernel or more padding")
    return (n + 2 * padding - span) // stride + 1


def pool_output_size(n: int, kernel_size: int, stride: int | None = None, padding: int = 0) -> int:
    """Output side of max or average pooling: the convolution formula, stride defaulting to the window size."""
    _int("kernel_size", kernel_size, 1)
    stride = kernel_size if stride is None else stride
    if isinstance(padding, int) and not isinstance(padding, bool) and 2 * padding > kernel_size:
        raise ValueError(f"padding={padding} must be at most kernel_size/2 = {kernel_size / 2} for pooling, "
                         "so that no window lies entirely in the padding")
    return conv_output_size(n, kernel_size, stride, padding)


def conv_transpose_output_size(n: int, kernel_size: int, stride: int = 1, padding: int = 0,
                               output_padding: int = 0, dilation: int = 1) -> int:
    """Output side (n-1)s - 2p + d(k-1) + output_padding + 1 of a transposed convolution."""
    for name, value, minimum in (("n", n, 1), ("kernel_size", kernel_size, 1), ("stride", stride, 1),
                                 ("padding", padding, 0), ("output_padding", output_padding, 0),
                                 ("dilation", dilation, 1)):
        _int(name, value, minimum)
    if output_padding >= max(stride, dilation):
        raise ValueError(f"output_padding={output_padding} must be smaller than max(stride, dilation) = "
                         f"{max(stride, dilation)}; it only picks among the sizes that stride s rounds together")
    size = (n - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1
    if size < 1:
        raise ValueError(f"padding={padding} crops the whole output (size {size}); use padding <= "
                         f"{((n - 1) * stride + dilation * (kernel_size - 1) + output_padding) // 2}")
    return size


def _check_batch(x: torch.Tensor, what: str) -> None:
    if not torch.is_tensor(x) or x.ndim != 4:
        shape = tuple(x.shape) if torch.is_tensor(x) else type(x).__name__
        raise ValueError(f"{what}: x must be a 4-D tensor (B, C, H, W), got {shape}; "
                         "add batch and channel axes with x[None, None]")


def _check_weight(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, in_axis: int,
                  out_axis: int, what: str) -> None:
    if weight.ndim != 4:
        raise ValueError(f"{what}: weight must be 4-D, got shape {tuple(weight.shape)}")
    if weight.shape[in_axis] != x.shape[1]:
        raise ValueError(f"{what}: weight.shape[{in_axis}] = {weight.shape[in_axis]} must equal the input's "
                         f"channels x.shape[1] = {x.shape[1]}")
    if bias is not None and tuple(bias.shape) != (weight.shape[out_axis],):
        raise ValueError(f"{what}: bias must have shape ({weight.shape[out_axis]},), got {tuple(bias.shape)}")


def conv2d_direct(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None,
                  stride: int = 1, padding: int = 0) -> torch.Tensor:
    """The essay's formula y_kij = sum K_{i'j'} x_{si+i', sj+j'} evaluated literally: an oracle for F.conv2d.

    ``weight`` has shape (C_out, C_in, kh, kw), as in ``torch.nn.Conv2d``.
    """
    _check_batch(x, "conv2d_direct")
    _check_weight(x, weight, bias, 1, 0, "conv2d_direct")
    kh, kw = weight.shape[2:]
    for side, k in ((x.shape[2], kh), (x.shape[3], kw)):
        conv_output_size(side, k, stride, padding)  # raises a ValueError naming the bad argument
    xp = F.pad(x, (padding, padding, padding, padding))  # zero padding, (B, C_in, H+2p, W+2p)
    patches = xp.unfold(2, kh, stride).unfold(3, kw, stride)  # (B, C_in, H', W', kh, kw): x~[s i + i', s j + j']
    y = torch.einsum("bchwij,ocij->bohw", patches, weight)  # (B, C_out, H', W')
    return y if bias is None else y + bias[None, :, None, None]


def pool2d_direct(x: torch.Tensor, kernel_size: int, stride: int | None = None, padding: int = 0,
                  mode: str = "max") -> torch.Tensor:
    """Max or average over each k x k window at stride s: an oracle for F.max_pool2d / F.avg_pool2d.

    Max pooling pads with -inf (padding never wins); average pooling pads with zeros and divides by k^2,
    torch's default ``count_include_pad=True``.
    """
    _check_batch(x, "pool2d_direct")
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    stride = kernel_size if stride is None else stride
    for side in x.shape[2:]:
        pool_output_size(side, kernel_size, stride, padding)  # raises a ValueError naming the bad argument
    fill = float("-inf") if mode == "max" else 0.0
    xp = F.pad(x, (padding,) * 4, value=fill)  # (B, C, H+2p, W+2p)
    windows = xp.unfold(2, kernel_size, stride).unfold(3, kernel_size, stride)  # (B, C, H', W', k, k)
    return windows.amax(dim=(-2, -1)) if mode == "max" else windows.mean(dim=(-2, -1))


def conv_transpose2d_direct(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None,
                            stride: int = 1, padding: int = 0, output_padding: int = 0) -> torch.Tensor:
    """Each input pixel scatters a copy of the kernel, scaled by its value, at stride s; then p is cropped.

    ``weight`` has shape (C_in, C_out, kh, kw), as in ``torch.nn.ConvTranspose2d``:
    y_{d, s i + i' - p, s j + j' - p} += sum_c x_{c,i,j} K_{c,d,i',j'}. An oracle for F.conv_transpose2d.
    """
    _check_batch(x, "conv_transpose2d_direct")
    _check_weight(x, weight, bias, 0, 1, "conv_transpose2d_direct")
    B, _, H, W = x.shape
    kh, kw = weight.shape[2:]
    Ho = conv_transpose_output_size(H, kh, stride, padding, output_padding)
    Wo = conv_transpose_output_size(W, kw, stride, padding, output_padding)
    buf = x.new_zeros(B, weight.shape[1], (H - 1) * stride + kh + output_padding,
                      (W - 1) * stride + kw + output_padding)  # uncropped output
    for a in range(kh):
        for b in range(kw):
            contrib = torch.einsum("bchw,cd->bdhw", x, weight[:, :, a, b])  # (B, C_out, H, W)
            buf[:, :, a:a + stride * (H - 1) + 1:stride, b:b + stride * (W - 1) + 1:stride] += contrib
    y = buf[:, :, padding:padding + Ho, padding:padding + Wo]  # (B, C_out, Ho, Wo)
    return y if bias is None else y + bias[None, :, None, None]


def conv2d_matrix(weight: torch.Tensor, input_size: int | tuple[int, int], stride: int = 1,
                  padding: int = 0) -> torch.Tensor:
    """The matrix M with conv2d(x).flatten() = M @ x.flatten() for one sample: a convolution is a dense layer.

    Rows are indexed by (k, i, j) and columns by (c, r, q), both in C order; M[(k,i,j), (c, si+a-p, sj+b-p)]
    = K_{k,c,a,b}. Most entries are zero and the non-zero ones repeat the kernel's C_out C_in kh kw numbers.
    """
    if not torch.is_tensor(weight) or weight.ndim != 4:
        raise ValueError("weight must be a 4-D tensor (C_out, C_in, kh, kw)")
    H, W = (input_size, input_size) if isinstance(input_size, int) else tuple(input_size)
    C_out, C_in, kh, kw = weight.shape
    Ho, Wo = conv_output_size(H, kh, stride, padding), conv_output_size(W, kw, stride, padding)
    M = weight.new_zeros(C_out, Ho, Wo, C_in, H, W)
    for a in range(kh):
        for b in range(kw):
            for i in range(Ho):
                r = stride * i + a - padding
                if not 0 <= r < H:
                    continue  # this tap sees padding
                for j in range(Wo):
                    q = stride * j + b - padding
                    if 0 <= q < W:
                        M[:, i, j, :, r, q] = weight[:, :, a, b]
    return M.reshape(C_out * Ho * Wo, C_in * H * W)
