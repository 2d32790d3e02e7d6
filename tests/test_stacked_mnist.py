"""Stacked MNIST (chapter 5): the data builder against explicit loops and enumeration, the mode statistics
against scipy, the packed discriminator against concatenation by hand, the unrolled generator loss against
a finite difference, and the trainer's determinism."""

import itertools
import math

import numpy as np
import pytest
import scipy.stats
import torch

from ganlib.data.stacked import N_MODES, mode_law, stack, stacked_labels, stacked_modes, stacked_triples
from ganlib.evaluation.modes import histogram_stats, stacked_mnist_stats
from ganlib.nets.stacked import ColourGenerator, PackedDiscriminator
from ganlib.training.losses import g_loss_nonsaturating
from ganlib.training.stacked import StackedConfig, adam_moments, generator_loss, sample_stacked, train_stacked


def test_stack_puts_each_digit_in_its_channel():
    g = torch.Generator().manual_seed(0)
    pool = torch.randn(7, 1, 28, 28, generator=g)
    triples = stacked_triples(7, 20, g)
    x = stack(pool, triples)
    assert x.shape == (20, 3, 28, 28)
    for j in range(20):
        for c in range(3):
            assert torch.equal(x[j, c], pool[triples[j, c], 0])


def test_triples_are_seeded_in_range_and_uniform():
    a = stacked_triples(10, 30000, torch.Generator().manual_seed(1))
    b = stacked_triples(10, 30000, torch.Generator().manual_seed(1))
    assert torch.equal(a, b) and a.min() >= 0 and a.max() <= 9 and a.dtype == torch.long
    counts = torch.bincount(a.flatten(), minlength=10).numpy()
    assert scipy.stats.chisquare(counts).pvalue > 1e-4
    with pytest.raises(ValueError):
        stacked_triples(0, 5, torch.Generator())


def test_modes_are_the_three_digit_number():
    labels = torch.tensor([3, 0, 9, 7])
    triples = torch.tensor([[0, 1, 2], [2, 2, 2], [1, 1, 1], [3, 0, 2]])
    assert stacked_labels(labels, triples).tolist() == [309, 999, 0, 739]
    every = torch.tensor(list(itertools.product(range(10), repeat=3)))
    assert torch.equal(stacked_modes(every), torch.arange(1000))
    with pytest.raises(ValueError):
        stacked_modes(torch.tensor([[1, 2, 10]]))


def test_mode_law_against_enumeration():
    labels = torch.tensor([0, 0, 1, 5, 5, 5, 9])
    law = mode_law(labels)
    brute = torch.zeros(N_MODES, dtype=torch.float64)
    for t in itertools.product(range(len(labels)), repeat=3):
        brute[stacked_labels(labels, torch.tensor([t]))[0]] += 1
    brute /= len(labels) ** 3
    assert torch.allclose(law, brute, atol=1e-15) and abs(law.sum().item() - 1) < 1e-12
    assert torch.allclose(mode_law(torch.arange(10).repeat(3)), torch.full((1000,), 1e-3, dtype=torch.float64))


def test_histogram_stats_against_scipy():
    m = np.array([0, 0, 0, 5, 5, 999])
    st = histogram_stats(m, 1000)
    q = np.bincount(m, minlength=1000) / len(m)
    assert st.modes == 3 and st.counts.sum() == 6
    assert st.reverse_kl == pytest.approx(scipy.stats.entropy(q, np.full(1000, 1e-3)), abs=1e-12)
    assert histogram_stats(np.arange(1000), 1000).reverse_kl == pytest.approx(0.0, abs=1e-12)
    assert histogram_stats(np.zeros(50, dtype=int), 1000).reverse_kl == pytest.approx(math.log(1000), abs=1e-12)
    with pytest.raises(ValueError):
        histogram_stats(np.array([1000]), 1000)


class _PixelReader(torch.nn.Module):
    """A 'classifier' that reads the digit from pixel (0, 0): logits -(x00 - k)^2 for k = 0..9."""

    def __init__(self):
        super().__init__()
        self.dummy = torch.nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return -(x[:, 0, 0, 0, None] - torch.arange(10.0)) ** 2 * 50


def test_stacked_mnist_stats_reads_each_channel():
    digits = torch.tensor([[1, 2, 3], [1, 2, 3], [9, 0, 0], [4, 4, 4]])
    x = torch.zeros(4, 3, 28, 28)
    x[:, :, 0, 0] = digits.float()
    st, conf = stacked_mnist_stats(_PixelReader(), x)
    assert st.modes == 3 and st.counts[123] == 2 and st.counts[900] == 1 and st.counts[444] == 1
    assert conf > 0.99


def test_packed_discriminator_is_concatenation_on_channels():
    torch.manual_seed(0)
    D = PackedDiscriminator(ndf=4, channels=3, pack=2)
    x = torch.randn(6, 3, 28, 28)
    out = D(x)
    by_hand = torch.stack([D.classify(D.features(torch.cat([x[2 * i], x[2 * i + 1]])[None]).flatten(1))[0, 0]
                           for i in range(3)])
    assert out.shape == (3,) and torch.allclose(out, by_hand, atol=1e-6)
    with pytest.raises(ValueError):
        D(torch.randn(5, 3, 28, 28))
    assert ColourGenerator(nz=5, ngf=4)(torch.randn(2, 5)).shape == (2, 3, 28, 28)


class _FixedImages(torch.nn.Module):
    """A 'generator' whose images are its parameters (ignores z): d loss / d images is the whole chain rule."""

    def __init__(self, x):
        super().__init__()
        self.x = torch.nn.Parameter(x.clone())

    def forward(self, z):
        return self.x


def _pair():
    torch.manual_seed(3)
    D = PackedDiscriminator(ndf=2).double()
    g = torch.Generator().manual_seed(4)
    real = torch.rand(4, 3, 28, 28, generator=g, dtype=torch.float64) * 2 - 1
    G = _FixedImages(torch.rand(4, 3, 28, 28, generator=g, dtype=torch.float64) * 2 - 1)
    return G, D, real, torch.zeros(4, 1, dtype=torch.float64)


def test_generator_loss_k0_is_the_nonsaturating_loss():
    G, D, real, z = _pair()
    assert generator_loss(G, D, real, z, 0).item() == pytest.approx(g_loss_nonsaturating(D(G(z))).item(), abs=1e-12)
    G2 = ColourGenerator(nz=3, ngf=2)
    z2 = torch.randn(4, 3)
    torch.manual_seed(0)
    D2 = PackedDiscriminator(ndf=2)
    assert generator_loss(G2, D2, real.float(), z2, 0).item() == pytest.approx(
        g_loss_nonsaturating(D2(G2(z2))).item(), abs=1e-6)


@pytest.mark.parametrize("pack", [1, 2])
def test_unrolled_generator_gradient_matches_finite_difference(pack):
    """The generator's gradient through K = 3 unrolled D steps (Adam, from nonzero moments) equals a central
    finite difference of the unrolled loss f_K (float64, the fakes as the generator's parameters), and
    differs from the K = 0 one."""
    G, D, real, z = _pair()
    if pack == 2:
        torch.manual_seed(3)
        D = PackedDiscriminator(ndf=2, pack=2).double()
    K, lr = 3, 0.05
    gm = torch.Generator().manual_seed(6)
    moments = ({n: 0.1 * torch.randn(p.shape, generator=gm, dtype=torch.float64) for n, p in D.named_parameters()},
               {n: 0.01 * torch.rand(p.shape, generator=gm, dtype=torch.float64) for n, p in D.named_parameters()}, 4)

    def grad(k):
        G.zero_grad()
        generator_loss(G, D, real, z, k, lr, moments).backward()
        return G.x.grad.flatten().clone()

    full, plain = grad(K), grad(0)
    x0 = G.x.detach().clone()
    v = torch.randn(x0.numel(), generator=torch.Generator().manual_seed(5), dtype=torch.float64)
    h = 1e-6

    def loss_at(x):
        with torch.no_grad():
            G.x.copy_(x)
        return generator_loss(G, D, real, z, K, lr, moments).item()

    fd = (loss_at(x0 + h * v.view_as(x0)) - loss_at(x0 - h * v.view_as(x0))) / (2 * h)
    assert abs(float(full @ v) - fd) < 1e-6 * max(1.0, abs(fd)), (float(full @ v), fd)
    assert (full - plain).norm() > 0.05 * plain.norm()  # the look-ahead term is not negligible


def test_train_stacked_is_seeded_and_finite():
    pool = torch.rand(50, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    for cfg in (StackedConfig(steps=3, batch_size=8, nz=4, ngf=2, ndf=2),
                StackedConfig(steps=3, batch_size=8, nz=4, ngf=2, ndf=2, pack=2),
                StackedConfig(steps=2, batch_size=8, nz=4, ngf=2, ndf=2, unrolled=2)):
        G1, h1 = train_stacked(pool, cfg, seed=7)
        G2, h2 = train_stacked(pool, cfg, seed=7)
        assert h1 == h2 and all(math.isfinite(v) for v in h1["g_loss"] + h1["d_loss"])
        assert torch.equal(sample_stacked(G1, 5, seed=1), sample_stacked(G2, 5, seed=1))
    with pytest.raises(ValueError):
        StackedConfig(batch_size=9, pack=2)


def test_train_stacked_refuses_a_pool_that_is_not_single_digits():
    cfg = StackedConfig(steps=1, batch_size=4, nz=4, ngf=2, ndf=2)
    for bad in (torch.zeros(10, 3, 28, 28), torch.zeros(0, 1, 28, 28), torch.zeros(10, 28, 28)):
        with pytest.raises(ValueError, match="pool must be"):
            train_stacked(bad, cfg)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_train_stacked_on_cuda_draws_the_cpu_run_batches():
    pool = torch.rand(50, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    cfg = StackedConfig(steps=3, batch_size=8, nz=4, ngf=2, ndf=2)
    Gc, hc = train_stacked(pool, cfg, seed=7)
    Gg, hg = train_stacked(pool.cuda(), cfg, seed=7)
    assert next(Gg.parameters()).is_cuda
    assert max(abs(a - b) for a, b in zip(hc["d_loss"], hg["d_loss"])) < 1e-3  # same batches, other kernels


def test_unrolled_look_ahead_is_d_s_next_adam_steps():
    """The look-ahead D of the stacked trainer is D after K more steps of its own optimiser on the same batch:
    unrolling from ``adam_moments`` equals stepping a copy of D with a copy of its torch.optim.Adam."""
    import copy

    from torch.func import functional_call

    from ganlib.training.losses import d_loss_gan
    from ganlib.training.unrolled import unroll_adam
    torch.manual_seed(0)
    D = PackedDiscriminator(ndf=2)
    opt = torch.optim.Adam(D.parameters(), lr=1e-2, betas=(0.5, 0.999))
    g = torch.Generator().manual_seed(1)
    real, fake = torch.rand(4, 3, 28, 28, generator=g) * 2 - 1, torch.rand(4, 3, 28, 28, generator=g) * 2 - 1
    for _ in range(3):  # some history, so the moments are not zero
        opt.zero_grad()
        d_loss_gan(D(real), D(fake)).backward()
        opt.step()
    m, v, t = adam_moments(D, opt)
    assert t == 3
    params = {k: p.detach() for k, p in D.named_parameters()}
    ahead = unroll_adam(lambda pd, pg: d_loss_gan(functional_call(D, pd, (real,)), functional_call(D, pd, (pg["x"],))),
                        params, {"x": fake}, 2, 1e-2, m, v, t)
    D2 = copy.deepcopy(D)
    opt2 = torch.optim.Adam(D2.parameters(), lr=1e-2, betas=(0.5, 0.999))
    opt2.load_state_dict(opt.state_dict())
    for _ in range(2):
        opt2.zero_grad()
        d_loss_gan(D2(real), D2(fake)).backward()
        opt2.step()
    for k, p in D2.named_parameters():
        assert torch.allclose(ahead[k], p.detach(), rtol=1e-5, atol=1e-6), k
    assert max((ahead[k] - params[k]).abs().max() for k in params) > 1e-3  # it moved


def test_train_stacked_can_return_its_discriminator():
    pool = torch.rand(20, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    cfg = StackedConfig(steps=2, batch_size=4, nz=4, ngf=2, ndf=2)
    G, h, D, opt = train_stacked(pool, cfg, seed=3, return_discriminator=True)
    assert isinstance(D, PackedDiscriminator) and adam_moments(D, opt)[2] == 2
    assert torch.equal(sample_stacked(G, 3, seed=0), sample_stacked(train_stacked(pool, cfg, seed=3)[0], 3, seed=0))
