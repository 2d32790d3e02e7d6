r"""The MNIST DCGAN's forward passes for the CPU fast path (issue 6; the nets of chapter 4): same maths, less work.

oneDNN, which runs PyTorch's CPU convolutions, is slow when one side of a convolution has a single channel:
the image side of both DCGAN nets. Those two layers are written here as patch matrix products, each fused
with the activation that follows it, as two autograd Functions with hand-written backward passes:

- :class:`ImageConvLeaky`: D's first layer, :math:`h = \mathrm{LeakyReLU}_a(W \star x + b)` with one input
  channel. With :math:`P` the patch matrix of :math:`x` (one row per output position, one column per kernel
  tap; ``unfold``), :math:`h = \mathrm{lrelu}(P W^\top + b)`, laid out (B*L, C): the channels_last layout.
  Backward: :math:`\delta = g \odot (1 \text{ if } h > 0 \text{ else } a)` (the sign of h is the sign of its
  input for :math:`a > 0`), :math:`\nabla W = \delta^\top P`, :math:`\nabla b = \mathbf 1^\top \delta`,
  :math:`\nabla x = \mathrm{fold}(\delta W)` (fold is the adjoint of unfold).
- :class:`ImageConvTransposeTanh`: G's last layer, :math:`y = \tanh(W^\top \circledast h + b)` with one output
  channel: the taps :math:`T = W^\top h` (per sample, (K, L)) are summed into the image by ``fold``.
  Backward: :math:`\delta = g\,(1 - y^2)`, :math:`\nabla b = \sum \delta`, :math:`G = \mathrm{unfold}(\delta)`,
  :math:`\nabla W = \sum_b h_b G_b^\top`, :math:`\nabla h = W G`.

:func:`generator_forward` and :func:`discriminator_forward` run the whole nets with them; both work on
channels_last activations.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ganlib.nets.models import DCGANDiscriminator, DCGANGenerator


def patches(x: torch.Tensor, kernel: int, stride: int, padding: int) -> torch.Tensor:
    """The patch matrix of a one-channel image batch: (B, 1, H, W) -> (B*H'*W', k*k), one row per output pixel."""
    b = x.shape[0]
    xp = F.pad(x.reshape(b, x.shape[2], x.shape[3]), (padding,) * 4)  # (B, H+2p, W+2p)
    win = xp.unfold(1, kernel, stride).unfold(2, kernel, stride)  # (B, H', W', k, k), a strided view
    return win.reshape(-1, kernel * kernel)  # (B*H'*W', k*k), one copy


def _geometry(conv: nn.Module) -> tuple[int, int, int]:
    """(kernel, stride, padding) of a square, uniformly strided and padded convolution."""
    (k, k2), (s, s2), (p, p2) = conv.kernel_size, conv.stride, conv.padding
    if k != k2 or s != s2 or p != p2:
        raise ValueError(f"expected a square kernel, stride and padding, got {conv}")
    return k, s, p


class ImageConvLeaky(torch.autograd.Function):
    """Conv2d(1, C, k, s, p) followed by LeakyReLU(slope): (B, 1, H, W) -> channels_last (B, C, H', W')."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor,  # type: ignore[override]
                geometry: tuple[int, int, int], slope: float) -> torch.Tensor:
        k, s, p = geometry
        b, _, h, w = x.shape
        ho, wo = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        rows = patches(x, k, s, p)  # (B*L, k*k)
        wmat = weight.reshape(weight.shape[0], k * k)  # (C, k*k)
        out = F.leaky_relu_(torch.addmm(bias, rows, wmat.t()), slope)  # (B*L, C)
        ctx.save_for_backward(rows, wmat, out)
        ctx.geometry, ctx.slope, ctx.shape = geometry, slope, (b, h, w, ho, wo)
        return out.view(b, ho, wo, -1).permute(0, 3, 1, 2)  # (B, C, H', W'), channels_last

    @staticmethod
    def backward(ctx, grad: torch.Tensor):  # type: ignore[override]
        rows, wmat, out = ctx.saved_tensors
        k, s, p = ctx.geometry
        b, h, w, ho, wo = ctx.shape
        g = grad.permute(0, 2, 3, 1).reshape(out.shape)  # (B*L, C); a view when grad is channels_last
        delta = torch.ops.aten.leaky_relu_backward(g, out, ctx.slope, True)  # (B*L, C)
        gx = gw = gb = None
        if ctx.needs_input_grad[0]:
            cols = (delta @ wmat).view(b, ho * wo, k * k).transpose(1, 2)  # (B, k*k, L)
            gx = F.fold(cols, (h, w), k, padding=p, stride=s)  # (B, 1, H, W)
        if ctx.needs_input_grad[1]:
            gw = (delta.t() @ rows).view(-1, 1, k, k)  # (C, 1, k, k)
        if ctx.needs_input_grad[2]:
            gb = delta.sum(0)
        return gx, gw, gb, None, None


class ImageConvTransposeTanh(torch.autograd.Function):
    """ConvTranspose2d(C, 1, k, s, p) followed by Tanh: channels_last (B, C, H, W) -> (B, 1, H', W')."""

    @staticmethod
    def forward(ctx, h: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor,  # type: ignore[override]
                geometry: tuple[int, int, int]) -> torch.Tensor:
        k, s, p = geometry
        b, c, hh, ww = h.shape
        ho, wo = (hh - 1) * s - 2 * p + k, (ww - 1) * s - 2 * p + k
        rows = h.permute(0, 2, 3, 1).reshape(b * hh * ww, c)  # (B*L, C); a view of channels_last memory
        wmat = weight.reshape(c, k * k)  # (C, k*k)
        taps = (rows @ wmat).view(b, hh * ww, k * k).transpose(1, 2)  # (B, k*k, L)
        y = F.fold(taps, (ho, wo), k, padding=p, stride=s).add_(bias.view(1, 1, 1, 1)).tanh_()  # (B, 1, H', W')
        ctx.save_for_backward(rows, wmat, y)
        ctx.geometry, ctx.shape = geometry, (b, c, hh, ww)
        return y

    @staticmethod
    def backward(ctx, grad: torch.Tensor):  # type: ignore[override]
        rows, wmat, y = ctx.saved_tensors
        k, s, p = ctx.geometry
        b, c, hh, ww = ctx.shape
        delta = torch.ops.aten.tanh_backward(grad, y)  # (B, 1, H', W')
        grows = patches(delta, k, s, p)  # (B*L, k*k): the rows of unfold(delta)
        gh = gw = gb = None
        if ctx.needs_input_grad[0]:
            gh = (grows @ wmat.t()).view(b, hh, ww, c).permute(0, 3, 1, 2)  # (B, C, H, W), channels_last
        if ctx.needs_input_grad[1]:
            gw = (rows.t() @ grows).view(-1, 1, k, k)  # (C, 1, k, k)
        if ctx.needs_input_grad[2]:
            gb = delta.sum().view(1)
        return gh, gw, gb, None


def generator_forward(G: DCGANGenerator, z: torch.Tensor) -> torch.Tensor:
    """``G(z)`` for the DCGAN generator, with its last layer and tanh as :class:`ImageConvTransposeTanh`."""
    h = G.project(z).view(-1, 2 * G.ngf, 7, 7)  # (B, 2*ngf, 7, 7)
    up, bn, relu, last = G.upsample[0], G.upsample[1], G.upsample[2], G.upsample[3]
    # oneDNN adds a transposed convolution's bias slowly; adding it outside is the same sum
    h = F.conv_transpose2d(h, up.weight, None, up.stride, up.padding) + up.bias.view(1, -1, 1, 1)
    h = relu(bn(h))  # (B, ngf, 14, 14), channels_last
    return ImageConvTransposeTanh.apply(h, last.weight, last.bias, _geometry(last))  # (B, 1, 28, 28)


def discriminator_forward(D: DCGANDiscriminator, x: torch.Tensor) -> torch.Tensor:
    """``D(x)`` for the DCGAN discriminator: first layer as :class:`ImageConvLeaky`, flatten in NHWC order."""
    first, act, conv, bn, act2 = D.features
    h = ImageConvLeaky.apply(x, first.weight, first.bias, _geometry(first), act.negative_slope)
    return classify_nhwc(D.classify, act2(bn(conv(h))))  # features (B, 2*ndf, 7, 7), channels_last


def classify_nhwc(lin: nn.Linear, h: torch.Tensor) -> torch.Tensor:
    r"""``lin(h.flatten(1)).squeeze(1)`` for channels_last features h (B, C, H, W), without a layout copy.

    ``DCGANDiscriminator`` flattens its features in (C, H, W) order; on channels_last memory that costs a copy
    forward and backward, and the gradient then reaches the convolutions in the wrong layout. Flattened in
    (H, W, C) order instead (a free view), with the linear weights permuted to match, the logit is
    :math:`\sum_{c,h,w} w_{chw} h_{chw}` summed in another order.
    """
    if not h.is_contiguous(memory_format=torch.channels_last):
        return lin(h.flatten(1)).squeeze(1)
    b, c, hh, ww = h.shape
    rows = h.permute(0, 2, 3, 1).reshape(b, hh * ww * c)  # (B, H*W*C), a view of NHWC memory
    w = lin.weight.view(1, c, hh, ww).permute(0, 2, 3, 1).reshape(1, hh * ww * c)  # the same order
    return F.linear(rows, w, lin.bias).squeeze(1)  # (B,)
