"""The fast training paths compute the same steps as the plain reference path (ganlib.training.fast, issue 6)."""

from __future__ import annotations

import pytest
import torch

from ganlib.training import fast
from ganlib.data import Normal, mnist_images
from ganlib.nets.models import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator
from ganlib.training.trainer import TrainConfig, Trainer


pytestmark = pytest.mark.usefixtures("one_thread")


def _dcgan(seed: int = 0) -> tuple[torch.nn.Module, torch.nn.Module]:
    torch.manual_seed(seed)
    return DCGANGenerator(nz=16, ngf=8), DCGANDiscriminator(ndf=8)


def _mlp(seed: int = 0) -> tuple[torch.nn.Module, torch.nn.Module]:
    torch.manual_seed(seed)
    return MLPGenerator(2, 1, 16, 2), MLPDiscriminator(1, 16, 2)


def _pair(models, data, **kw) -> tuple[Trainer, Trainer]:
    out = []
    for fast_flag in (False, True):
        G, D = models()
        out.append(Trainer(G, D, data, TrainConfig(device="cpu", progress=False, fast=fast_flag, **kw)))
    return out[0], out[1]


IMAGES = mnist_images("test")[:200]


@pytest.mark.parametrize("kw", [dict(reuse_fake=True, steps=7), dict(reuse_fake=False, d_steps=2, steps=4),
                                dict(d_loss="wasserstein", g_loss="wasserstein", gp_weight=10.0, d_steps=2, steps=2)])
def test_dcgan_fast_matches_plain(kw: dict) -> None:
    plain, quick = _pair(_dcgan, IMAGES, batch_size=32, seed=3, **kw)  # 6 batches per epoch: 7 steps cross one
    assert plain.path == "plain" and quick.path == "eager"
    assert quick.G.upsample[0].weight.is_contiguous(memory_format=torch.channels_last)
    hp, hq = plain.fit(), quick.fit()
    for key in ("d_loss", "g_loss", "d_real", "d_fake"):
        torch.testing.assert_close(torch.tensor(hq[key]), torch.tensor(hp[key]), rtol=1e-4, atol=1e-5)
    assert hq["acc_real"] == hp["acc_real"]
    # Adam moves every weight by about lr per step whatever its gradient's size, so rounding-level gradient
    # differences show up in the weights at the scale of lr (2e-4), not of the float epsilon
    for a, b in zip(quick.G.parameters(), plain.G.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=10 * quick.config.lr_g)
    assert quick._fast_step.pair  # real and fake went through D as one batch, with split batch norms
    assert quick._fast_step.forwards is not None  # the fused image-side layers of ganlib.training.dcgan_cpu ran
    assert bool(quick.opt_d.param_groups[0]["fused"]) == fast.CPU_FUSED_ADAM  # one kernel per Adam step
    assert quick.state_dict()["opt_d"]["param_groups"][0]["fused"] is None  # checkpoints load into plain Adam
    for a, b in zip(quick.D.buffers(), plain.D.buffers()):  # running statistics (depend on the weights)
        torch.testing.assert_close(a.float(), b.float(), rtol=0, atol=10 * quick.config.lr_d)
    # both paths drew the same random numbers in the same order
    assert torch.equal(quick.z_rng.get_state(), plain.z_rng.get_state())
    assert torch.equal(quick.data_rng.get_state(), plain.data_rng.get_state())


@pytest.mark.parametrize("reuse_fake", [True, False])
def test_mlp_fast_is_bitwise_plain(reuse_fake: bool) -> None:
    """Dense nets keep their layout; skipping D's weight gradients in the G step changes no bit."""
    plain, quick = _pair(_mlp, Normal(3.0, 0.5), batch_size=16, steps=20, reuse_fake=reuse_fake, d_steps=2)
    assert plain.fit() == quick.fit()
    for a, b in zip(quick.D.parameters(), plain.D.parameters()):
        assert torch.equal(a, b)


def test_fast_resume_matches_uninterrupted(tmp_path) -> None:
    full = _pair(_dcgan, IMAGES, batch_size=32, steps=6, reuse_fake=True)[1]
    full.fit()
    part = _pair(_dcgan, IMAGES, batch_size=32, steps=6, reuse_fake=True)[1]
    part.fit(3)
    part.save(tmp_path / "ck.pt")
    G, D = _dcgan(1)  # different initial weights: the checkpoint must overwrite them
    resumed = Trainer(G, D, IMAGES, part.config).resume(tmp_path / "ck.pt")
    resumed.fit()
    assert resumed.history["d_loss"] == full.history["d_loss"]
    # the checkpoint loads into a plain trainer too, and D's parameters train again after the G step
    plain = Trainer(*_dcgan(1), IMAGES, TrainConfig(**{**part.config.__dict__, "fast": False})).resume(
        tmp_path / "ck.pt")
    plain.fit()
    assert all(p.requires_grad for p in resumed.D.parameters())
    torch.testing.assert_close(torch.tensor(plain.history["g_loss"]), torch.tensor(full.history["g_loss"]),
                               rtol=1e-4, atol=1e-5)


def test_paired_discriminator_pass_equals_two_passes() -> None:
    """D(cat[real, fake]) with split batch norms == D(real), D(fake): outputs, gradients, running statistics."""
    import copy
    _, D1 = _dcgan(2)
    D2 = copy.deepcopy(D1)
    real, fake = IMAGES[:16], torch.tanh(torch.randn(16, 1, 28, 28))
    out1 = torch.cat([D1(real), D1(fake)])
    with fast._SplitBatchNorm(D2):
        out2 = fast.discriminator_forward(D2)(torch.cat([real, fake]))
    out2b = D2(real[:4])  # the patch is gone after the block: plain batch norm again
    torch.testing.assert_close(out2, out1, rtol=1e-5, atol=1e-6)
    (out1 ** 2).sum().backward(), (out2 ** 2).sum().backward()
    for a, b in zip(D2.parameters(), D1.parameters()):
        torch.testing.assert_close(a.grad, b.grad, rtol=1e-4, atol=2e-5)  # sums that cancel
    D1(real[:4])
    for a, b in zip(D2.buffers(), D1.buffers()):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-7)
    assert out2b.shape == (4,)
    # the other order of the halves updates the running mean differently: the check above can fail
    D3 = copy.deepcopy(D1)
    D1(real), D1(fake)
    D3(fake), D3(real)
    assert not torch.allclose(D1.features[3].running_mean, D3.features[3].running_mean, rtol=1e-5, atol=1e-7)


def test_choose_path_falls_back() -> None:
    assert fast.choose_path(torch.device("cpu"), True, True, 0.0) == "eager"
    assert fast.choose_path(torch.device("cpu"), False, True, 0.0) == "plain"
    assert fast.choose_path(torch.device("mps"), True, True, 0.0) == "plain"
    if not torch.cuda.is_available():  # never the CUDA graph path without CUDA
        assert fast.choose_path(torch.device("cuda"), True, True, 0.0) == "eager"
        with pytest.raises(ValueError, match="CUDA"):
            fast.CudaGraphStep(_pair(_mlp, Normal(), batch_size=4)[1])


def test_bad_fast_flag() -> None:
    with pytest.raises(ValueError, match="fast must be True or False"):
        TrainConfig(fast="yes")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_graph_matches_plain_cuda() -> None:  # pragma: no cover - runs only where CUDA is
    out = []
    for flag in (False, True):
        G, D = _dcgan()
        t = Trainer(G, D, IMAGES, TrainConfig(device="cuda", progress=False, fast=flag, batch_size=32, steps=10,
                                              reuse_fake=True, log_every=1))
        out.append(t.fit())
    assert t.path == "cuda-graph"
    torch.testing.assert_close(torch.tensor(out[1]["d_loss"]), torch.tensor(out[0]["d_loss"]), rtol=1e-3, atol=1e-4)
