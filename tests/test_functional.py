"""Functional dense nets and Adam against torch.nn and torch.optim."""

import pytest
import torch

from ganlib.training import functional as fn


def _module_from(params):
    L = fn.n_layers(params)
    layers = []
    for j in range(L):
        w = params[f"w{j}"]
        lin = torch.nn.Linear(w.shape[1], w.shape[0]).double()
        with torch.no_grad():
            lin.weight.copy_(w), lin.bias.copy_(params[f"b{j}"])
        layers += [lin] + ([torch.nn.LeakyReLU(0.2)] if j < L - 1 else [])
    return torch.nn.Sequential(*layers)


def test_forward_matches_nn_sequential():
    p = fn.init_mlp([3, 5, 4, 2], torch.Generator().manual_seed(0), torch.float64)
    x = torch.randn(6, 3, dtype=torch.float64)
    out, h = fn.mlp_forward(p, x, leaky=True, features=True)
    net = _module_from(p)
    assert torch.allclose(out, net(x), atol=1e-14, rtol=0)
    assert torch.allclose(h, net[:4](x), atol=1e-14, rtol=0)
    assert torch.equal(fn.mlp_forward(p, x, leaky=True, head=False), h)


def test_init_bounds_and_seed():
    p = fn.init_mlp([4, 16, 1], torch.Generator().manual_seed(3))
    assert p["w0"].abs().max() <= 0.5 and p["w1"].abs().max() <= 0.25
    q = fn.init_mlp([4, 16, 1], torch.Generator().manual_seed(3))
    assert all(torch.equal(p[k], q[k]) for k in p)
    with pytest.raises(ValueError, match="sizes"):
        fn.init_mlp([4], torch.Generator())


def test_adam_matches_torch_optim():
    g = torch.Generator().manual_seed(1)
    p = {"w": torch.randn(3, 2, generator=g, dtype=torch.float64), "b": torch.randn(3, generator=g, dtype=torch.float64)}
    ref = {k: v.clone().requires_grad_(True) for k, v in p.items()}
    opt = torch.optim.Adam(list(ref.values()), lr=0.01, betas=(0.5, 0.999))
    state = fn.adam_init(p)
    for t in range(1, 6):
        grads = {k: torch.randn_like(v, dtype=torch.float64) for k, v in p.items()}
        p, state = fn.adam_step(p, grads, state, t, 0.01, (0.5, 0.999))
        for k in ref:
            ref[k].grad = grads[k].clone()
        opt.step()
    for k in p:
        assert torch.allclose(p[k], ref[k].detach(), atol=1e-14, rtol=0)


def test_stack_unstack():
    ps = [fn.init_mlp([2, 3, 1], torch.Generator().manual_seed(s)) for s in range(3)]
    st = fn.stack(ps)
    assert st["w0"].shape == (3, 3, 2)
    assert all(torch.equal(fn.unstack(st, 2)[k], ps[2][k]) for k in ps[2])
