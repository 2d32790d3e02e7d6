"""ganlib.nets.conv against torch's convolution functions, scipy.signal and autograd (independent oracles)."""

from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F
from scipy import signal

from ganlib.nets.conv import (conv2d_direct, conv2d_matrix, conv_output_size, conv_transpose2d_direct,
                         conv_transpose_output_size, pool2d_direct, pool_output_size)


def _rand(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def test_conv_output_size_matches_torch_and_torch_rejects_what_we_reject():
    checked = rejected = 0
    for n, k, s, p, d in itertools.product(range(1, 9), range(1, 5), range(1, 4), range(3), range(1, 3)):
        w = torch.zeros(1, 1, k, k)
        try:
            ours = conv_output_size(n, k, s, p, d)
        except ValueError:
            with pytest.raises(RuntimeError):
                F.conv2d(torch.zeros(1, 1, n, n), w, stride=s, padding=p, dilation=d)
            rejected += 1
            continue
        assert F.conv2d(torch.zeros(1, 1, n, n), w, stride=s, padding=p, dilation=d).shape[-1] == ours
        checked += 1
    assert checked > 100 and rejected > 10


def test_conv_transpose_output_size_matches_torch():
    checked = 0
    for n, k, s, p, op, d in itertools.product(range(1, 7), range(1, 5), range(1, 4), range(3), range(3), range(1, 3)):
        try:
            ours = conv_transpose_output_size(n, k, s, p, op, d)
        except ValueError:
            continue
        w = torch.zeros(1, 1, k, k)
        y = F.conv_transpose2d(torch.zeros(1, 1, n, n), w, stride=s, padding=p, output_padding=op, dilation=d)
        assert y.shape[-1] == ours
        checked += 1
    assert checked > 200


def test_pool_output_size_matches_torch():
    checked = 0
    for n, k, s, p in itertools.product(range(1, 10), range(1, 5), range(1, 4), range(3)):
        try:
            ours = pool_output_size(n, k, s, p)
        except ValueError:
            continue
        x = torch.zeros(1, 1, n, n)
        assert F.max_pool2d(x, k, s, p).shape[-1] == ours == F.avg_pool2d(x, k, s, p).shape[-1]
        checked += 1
    assert checked > 100


def test_valid_stride_one_size_is_n_minus_k_plus_one():
    assert [conv_output_size(n, 3) for n in (3, 4, 28)] == [1, 2, 26]


@pytest.mark.parametrize("stride,padding", [(1, 0), (2, 1), (3, 2), (1, 2)])
def test_conv2d_direct_matches_torch(stride, padding):
    x, w, b = _rand(2, 3, 9, 8), _rand(4, 3, 3, 2, seed=1), _rand(4, seed=2)
    ours = conv2d_direct(x, w, b, stride, padding)
    ref = F.conv2d(x, w, b, stride=stride, padding=padding)
    assert ours.shape == ref.shape and torch.max(torch.abs(ours - ref)).item() < 1e-12


def test_single_channel_conv_is_scipy_cross_correlation_not_convolution():
    x, k = _rand(1, 1, 7, 7), _rand(1, 1, 3, 3, seed=1)
    ours = conv2d_direct(x, k)[0, 0].numpy()
    xc, kc = x[0, 0].numpy(), k[0, 0].numpy()
    assert abs(ours - signal.correlate2d(xc, kc, mode="valid")).max() < 1e-12
    assert abs(ours - signal.convolve2d(xc, kc, mode="valid")).max() > 1e-2
    flipped = conv2d_direct(x, k.flip(-1, -2))[0, 0].numpy()
    assert abs(flipped - signal.convolve2d(xc, kc, mode="valid")).max() < 1e-12


@pytest.mark.parametrize("k,s,p", [(2, 2, 0), (3, 2, 1), (3, 1, 1), (4, 3, 2)])
def test_pool2d_direct_matches_torch(k, s, p):
    x = _rand(2, 3, 10, 9)
    assert torch.equal(pool2d_direct(x, k, s, p, "max"), F.max_pool2d(x, k, s, p))
    ref = F.avg_pool2d(x, k, s, p)
    assert torch.max(torch.abs(pool2d_direct(x, k, s, p, "avg") - ref)).item() < 1e-12


@pytest.mark.parametrize("s,p,op", [(1, 0, 0), (2, 1, 0), (2, 1, 1), (3, 0, 2), (2, 2, 1)])
def test_conv_transpose2d_direct_matches_torch(s, p, op):
    x, w, b = _rand(2, 3, 5, 4), _rand(3, 2, 4, 3, seed=1), _rand(2, seed=2)
    ours = conv_transpose2d_direct(x, w, b, s, p, op)
    ref = F.conv_transpose2d(x, w, b, stride=s, padding=p, output_padding=op)
    assert ours.shape == ref.shape and torch.max(torch.abs(ours - ref)).item() < 1e-12


@pytest.mark.parametrize("s,p", [(1, 0), (2, 1), (2, 0)])
def test_conv2d_matrix_is_the_jacobian_and_its_transpose_is_conv_transpose(s, p):
    w = _rand(2, 3, 3, 3, seed=1)
    n = 6
    M = conv2d_matrix(w, n, s, p)
    jac = torch.autograd.functional.jacobian(lambda x: F.conv2d(x, w, stride=s, padding=p), _rand(1, 3, n, n))
    assert torch.equal(M, jac.reshape(M.shape[0], -1))
    no = conv_output_size(n, 3, s, p)
    y = _rand(1, 2, no, no, seed=3)
    op = n - conv_transpose_output_size(no, 3, s, p)
    ref = F.conv_transpose2d(y, w, stride=s, padding=p, output_padding=op).reshape(-1)
    assert torch.max(torch.abs(M.T @ y.reshape(-1) - ref)).item() < 1e-12


@pytest.mark.parametrize("call,match", [
    (lambda: conv_output_size(-1, 3), "n must be an int >= 1"),
    (lambda: conv_output_size(4, 5), "kernel_size=5"),
    (lambda: conv_output_size(4, 3, stride=0), "stride must be"),
    (lambda: conv_output_size(4, 3, padding=-1), "padding must be"),
    (lambda: conv_output_size(4.0, 3), "n must be an int"),
    (lambda: pool_output_size(8, 2, 2, 2), "padding=2 must be at most"),
    (lambda: conv_transpose_output_size(4, 3, 2, 1, output_padding=2), "output_padding=2"),
    (lambda: conv_transpose_output_size(1, 1, 1, 1), "padding=1 crops"),
    (lambda: conv2d_direct(torch.zeros(3, 5, 5), torch.zeros(1, 3, 2, 2)), "4-D tensor"),
    (lambda: conv2d_direct(torch.zeros(1, 2, 5, 5), torch.zeros(1, 3, 2, 2)), r"weight.shape\[1\] = 3"),
    (lambda: conv2d_direct(torch.zeros(1, 3, 2, 2), torch.zeros(1, 3, 3, 3)), "kernel_size=3"),
    (lambda: conv2d_direct(torch.zeros(1, 3, 5, 5), torch.zeros(1, 3, 2, 2), torch.zeros(2)), "bias must have"),
    (lambda: conv_transpose2d_direct(torch.zeros(1, 2, 5, 5), torch.zeros(3, 1, 2, 2)), r"weight.shape\[0\] = 3"),
    (lambda: pool2d_direct(torch.zeros(1, 1, 4, 4), 2, mode="median"), "mode must be"),
])
def test_bad_inputs_raise_value_error_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
