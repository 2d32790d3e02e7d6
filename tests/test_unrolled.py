"""The unrolled GAN differentiates through its K discriminator steps (Metz et al., 2017; chapter 5)."""

import pytest
import torch

from ganlib.training import functional as fn
from ganlib.training.losses import d_loss_gan, g_loss_nonsaturating
from ganlib.training.unrolled import unroll, unroll_adam, unrolled_generator_grad, unrolled_loss

DT = torch.float64


def _problem(seed=0):
    g = torch.Generator().manual_seed(seed)
    tg = fn.init_mlp([1, 8, 1], g, DT)
    td = fn.init_mlp([1, 8, 1], g, DT)
    z = torch.randn(32, 1, generator=g, dtype=DT)
    x = 2.0 + 0.5 * torch.randn(32, 1, generator=g, dtype=DT)

    def d_loss(d, gp):
        return d_loss_gan(fn.mlp_forward(d, x, leaky=True)[:, 0], fn.mlp_forward(d, fn.mlp_forward(gp, z), leaky=True)[:, 0])

    def g_loss(gp, d):
        return g_loss_nonsaturating(fn.mlp_forward(d, fn.mlp_forward(gp, z), leaky=True)[:, 0])

    return tg, td, d_loss, g_loss


def _flat(p):
    return torch.cat([v.flatten() for v in p.values()])


def _along(p, v, h):
    out, i = {}, 0
    for k, t in p.items():
        out[k] = t + h * v[i:i + t.numel()].view_as(t)
        i += t.numel()
    return out


def _fd(f, p, v, h=1e-6):
    return (f(_along(p, v, h)) - f(_along(p, v, -h))) / (2 * h)


def test_k0_is_the_plain_generator_gradient():
    tg, td, d_loss, g_loss = _problem()
    grad0, _ = unrolled_generator_grad(g_loss, d_loss, tg, td, k=0, lr=0.5)
    plain = torch.func.grad(g_loss)(tg, td)
    assert torch.allclose(_flat(grad0), _flat(plain), rtol=0, atol=1e-14)


@pytest.mark.parametrize("k", [1, 3])
def test_unrolled_gradient_differs_from_k0_and_matches_finite_differences(k):
    tg, td, d_loss, g_loss = _problem()
    grad_k, _ = unrolled_generator_grad(g_loss, d_loss, tg, td, k=k, lr=0.5)
    grad_0, _ = unrolled_generator_grad(g_loss, d_loss, tg, td, k=0, lr=0.5)
    gk, g0 = _flat(grad_k), _flat(grad_0)
    assert (gk - g0).norm() > 0.05 * g0.norm()  # the look-ahead changes the direction materially
    gen = torch.Generator().manual_seed(1)
    for _ in range(3):
        v = torch.randn(gk.numel(), generator=gen, dtype=DT)
        fd = _fd(lambda p: unrolled_loss(g_loss, d_loss, p, td, k, 0.5), tg, v)
        assert abs(float(gk @ v) - float(fd)) < 1e-6 * max(1.0, abs(float(fd)))


def test_no_grad_fakes_remove_the_unrolling():
    """Fakes without their graph in the K steps (``through=False``): only the partial derivative remains."""
    tg, td, d_loss, g_loss = _problem()
    k, lr = 3, 0.5
    full, _ = unrolled_generator_grad(g_loss, d_loss, tg, td, k, lr)
    cut, _ = unrolled_generator_grad(g_loss, d_loss, tg, td, k, lr, through=False)
    frozen = unroll(d_loss, td, tg, k, lr)
    partial = torch.func.grad(g_loss)(tg, {n: t.detach() for n, t in frozen.items()})
    assert torch.allclose(_flat(cut), _flat(partial), rtol=0, atol=1e-12)
    assert (_flat(full) - _flat(cut)).norm() > 0.05 * _flat(cut).norm()
    v = torch.randn(_flat(full).numel(), generator=torch.Generator().manual_seed(2), dtype=DT)
    fd = _fd(lambda p: unrolled_loss(g_loss, d_loss, p, td, k, lr), tg, v)
    assert abs(float(_flat(cut) @ v) - float(fd)) > 1e-4  # the cut gradient is not the unrolled loss's


def test_unroll_is_k_gradient_steps():
    tg, td, d_loss, g_loss = _problem()
    d1 = unroll(d_loss, td, tg, 1, 0.25)
    grads = torch.func.grad(d_loss)(td, tg)
    for n in td:
        assert torch.allclose(d1[n], td[n] - 0.25 * grads[n], rtol=0, atol=1e-15)


@pytest.mark.parametrize("k,lr", [(-1, 0.1), (1.5, 0.1), (2, 0.0)])
def test_bad_arguments(k, lr):
    tg, td, d_loss, g_loss = _problem()
    with pytest.raises(ValueError, match="k|lr"):
        unroll(d_loss, td, tg, k, lr)


def _moments(td, t, seed=3):
    g = torch.Generator().manual_seed(seed)
    m = {n: 0.1 * torch.randn(x.shape, generator=g, dtype=DT) for n, x in td.items()}
    v = {n: 0.01 * torch.rand(x.shape, generator=g, dtype=DT) for n, x in td.items()}
    return m, v, t


@pytest.mark.parametrize("t", [0, 7])
def test_unroll_adam_steps_are_torch_optim_adam_steps(t):
    """k Adam steps of unroll_adam = k steps of torch.optim.Adam from the same moments and step count."""
    tg, td, d_loss, _ = _problem()
    m, v, _ = _moments(td, t)
    if t == 0:
        m, v = {n: torch.zeros_like(x) for n, x in td.items()}, {n: torch.zeros_like(x) for n, x in td.items()}
    ours = unroll_adam(d_loss, td, tg, 3, 0.01, m, v, t, betas=(0.5, 0.999))
    params = {n: x.clone().requires_grad_(True) for n, x in td.items()}
    opt = torch.optim.Adam(params.values(), lr=0.01, betas=(0.5, 0.999))
    if t:
        for n, p in params.items():
            opt.state[p] = {"step": torch.tensor(float(t)), "exp_avg": m[n].clone(), "exp_avg_sq": v[n].clone()}
    for _ in range(3):
        opt.zero_grad()
        d_loss(params, tg).backward()
        opt.step()
    for n in td:
        assert torch.allclose(ours[n], params[n].detach(), rtol=0, atol=1e-12), n
    assert unroll_adam(d_loss, td, tg, 0, 0.01, m, v, t) is td


def test_unroll_adam_gradient_matches_finite_differences_and_differs_from_k0():
    tg, td, d_loss, g_loss = _problem()
    m, v, t = _moments(td, 5)

    def f(p):
        return g_loss(p, unroll_adam(d_loss, td, p, 3, 0.05, m, v, t))

    gk = _flat(torch.func.grad(f)(tg))
    g0 = _flat(torch.func.grad(g_loss)(tg, td))
    assert (gk - g0).norm() > 0.05 * g0.norm()
    gen = torch.Generator().manual_seed(1)
    for _ in range(3):
        w = torch.randn(gk.numel(), generator=gen, dtype=DT)
        fd = _fd(f, tg, w)
        assert abs(float(gk @ w) - float(fd)) < 1e-6 * max(1.0, abs(float(fd)))


def test_unroll_adam_bad_arguments():
    tg, td, d_loss, _ = _problem()
    m, v, _ = _moments(td, 1)
    with pytest.raises(ValueError, match="t "):
        unroll_adam(d_loss, td, tg, 1, 0.01, m, v, -1)
    with pytest.raises(ValueError, match="keys"):
        unroll_adam(d_loss, td, tg, 1, 0.01, {}, v, 1)
    with pytest.raises(ValueError, match="lr"):
        unroll_adam(d_loss, td, tg, 1, 0.0, m, v, 1)
