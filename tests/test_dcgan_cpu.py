"""The CPU fast path's DCGAN layers (ganlib.training.dcgan_cpu) against torch's modules and finite differences."""

from __future__ import annotations

import copy

import pytest
import torch
import torch.nn.functional as F

from ganlib.training import dcgan_cpu
from ganlib.nets.models import DCGANDiscriminator, DCGANGenerator

pytestmark = pytest.mark.usefixtures("one_thread")
CL = torch.channels_last


@pytest.mark.parametrize("k, s, p, hw", [(4, 2, 1, (28, 28)), (3, 1, 1, (5, 7)), (4, 2, 0, (10, 8))])
def test_patches_are_unfold_rows(k: int, s: int, p: int, hw: tuple[int, int]) -> None:
    x = torch.randn(3, 1, *hw)
    cols = F.unfold(x, k, padding=p, stride=s)  # (B, k*k, L)
    assert torch.equal(dcgan_cpu.patches(x, k, s, p), cols.transpose(1, 2).reshape(-1, k * k))


def test_image_conv_leaky_gradcheck() -> None:
    """Hand-written backward against finite differences, in float64."""
    torch.manual_seed(0)
    x = torch.randn(2, 1, 8, 8, dtype=torch.float64, requires_grad=True)
    w = torch.randn(3, 1, 4, 4, dtype=torch.float64, requires_grad=True)
    b = torch.randn(3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda *a: dcgan_cpu.ImageConvLeaky.apply(*a, (4, 2, 1), 0.2), (x, w, b))


def test_image_conv_transpose_tanh_gradcheck() -> None:
    torch.manual_seed(0)
    h = torch.randn(2, 3, 4, 4, dtype=torch.float64).contiguous(memory_format=CL).requires_grad_()
    w = torch.randn(3, 1, 4, 4, dtype=torch.float64, requires_grad=True)
    b = torch.randn(1, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda *a: dcgan_cpu.ImageConvTransposeTanh.apply(*a, (4, 2, 1)), (h, w, b))


def test_layers_match_torch_modules() -> None:
    torch.manual_seed(1)
    conv, tconv = torch.nn.Conv2d(1, 5, 4, 2, 1), torch.nn.ConvTranspose2d(5, 1, 4, 2, 1)
    x = torch.randn(3, 1, 28, 28, requires_grad=True)
    y = dcgan_cpu.ImageConvLeaky.apply(x, conv.weight, conv.bias, (4, 2, 1), 0.2)
    assert y.is_contiguous(memory_format=CL)
    torch.testing.assert_close(y, F.leaky_relu(conv(x), 0.2), rtol=1e-5, atol=1e-6)
    h = torch.randn(3, 5, 14, 14).contiguous(memory_format=CL).requires_grad_()
    torch.testing.assert_close(dcgan_cpu.ImageConvTransposeTanh.apply(h, tconv.weight, tconv.bias, (4, 2, 1)),
                               torch.tanh(tconv(h)), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("ngf, ndf", [(64, 64), (8, 4)])
def test_forwards_match_modules(ngf: int, ndf: int) -> None:
    """generator_forward / discriminator_forward == G(z) / D(x): outputs and every gradient."""
    torch.manual_seed(2)
    G, D = DCGANGenerator(nz=10, ngf=ngf), DCGANDiscriminator(ndf=ndf)
    G2, D2 = copy.deepcopy(G).to(memory_format=CL), copy.deepcopy(D).to(memory_format=CL)
    z = torch.randn(6, 10)
    x1 = G(z)
    x2 = dcgan_cpu.generator_forward(G2, z)
    torch.testing.assert_close(x2, x1, rtol=1e-5, atol=1e-6)
    out1, out2 = D(x1), dcgan_cpu.discriminator_forward(D2, x2)
    torch.testing.assert_close(out2, out1, rtol=1e-4, atol=1e-5)
    (out1 ** 2).sum().backward()
    (out2 ** 2).sum().backward()
    for net1, net2 in ((G, G2), (D, D2)):
        # a bias before a batch norm has a zero gradient up to rounding: compare on the scale of the net's gradients
        scale = max(p.grad.abs().max().item() for p in net1.parameters())
        for (name, p1), p2 in zip(net1.named_parameters(), net2.parameters()):
            torch.testing.assert_close(p2.grad / scale, p1.grad / scale, rtol=1e-4, atol=5e-5, msg=name)
    for b1, b2 in zip([*G.buffers(), *D.buffers()], [*G2.buffers(), *D2.buffers()]):  # running statistics
        torch.testing.assert_close(b2.float(), b1.float(), rtol=1e-5, atol=1e-6)


def test_bad_geometry() -> None:
    with pytest.raises(ValueError, match="square"):
        dcgan_cpu._geometry(torch.nn.Conv2d(1, 2, (4, 3), 2, 1))
