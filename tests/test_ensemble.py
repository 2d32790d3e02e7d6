"""N MLP GANs trained together (ganlib.training.ensemble) match the same N runs trained one by one with Trainer."""

from __future__ import annotations

import pytest
import torch

from ganlib.data import Exponential, Normal
from ganlib.training import ensemble
from ganlib.training.ensemble import StackedMLP, chunkable, draws, fit_ensemble, sequential_config
from ganlib.nets.models import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator
from ganlib.training.trainer import TrainConfig, Trainer


pytestmark = pytest.mark.usefixtures("one_thread")


def _models(seed: int, activation: str = "sigmoid") -> tuple[MLPGenerator, MLPDiscriminator]:
    torch.manual_seed(seed)
    return MLPGenerator(2, 1, 16, 2, activation), MLPDiscriminator(1, 16, 2, activation)


@pytest.mark.parametrize("kw", [dict(reuse_fake=False), dict(reuse_fake=True, d_steps=2),
                                dict(d_loss="least_squares", g_loss="least_squares", real_label=1.0),
                                dict(batch_size=20, data=Exponential(2.0))])  # draws one step at a time
def test_ensemble_matches_one_by_one(kw: dict) -> None:
    seeds = [0, 5, 7, 11]
    kw = dict(kw)
    data = kw.pop("data", Normal(3.0, 0.5))
    config = TrainConfig(**{**dict(steps=20, batch_size=32, lr_d=1e-3, lr_g=1e-3, progress=False, device="cpu"),
                            **kw})
    result = fit_ensemble([_models(s) for s in seeds], data, seeds, config)
    for i, s in enumerate(seeds):
        G, D = _models(s)
        h = Trainer(G, D, data, sequential_config(config, s)).fit()
        got = result.histories[i]
        assert got["step"] == h["step"]
        for key in ("d_loss", "g_loss", "d_real", "d_fake"):
            torch.testing.assert_close(torch.tensor(got[key]), torch.tensor(h[key]), rtol=1e-4, atol=1e-5)
        # the trained weights were written back into run i's modules; Adam moves weights by ~lr per step,
        # so rounding-level gradient differences can show at the scale of lr, not of the float epsilon
        for a, b in zip(result.generators[i].parameters(), G.parameters()):
            torch.testing.assert_close(a, b, rtol=0, atol=10 * config.lr_g)
        z = torch.linspace(-2, 2, 9).reshape(-1, 1).repeat(1, 2)
        torch.testing.assert_close(result.generators[i](z), G(z), rtol=0, atol=1e-3)


def test_runs_are_independent() -> None:
    """A run's result does not depend on which other runs share its batch (no cross-talk)."""
    config = TrainConfig(steps=10, batch_size=16, progress=False, device="cpu")
    data = Exponential(2.0)
    alone = fit_ensemble([_models(3, "relu")], data, [3], config).histories[0]
    together = fit_ensemble([_models(s, "relu") for s in (1, 3, 4)], data, [1, 3, 4], config).histories[1]
    torch.testing.assert_close(torch.tensor(together["g_loss"]), torch.tensor(alone["g_loss"]), rtol=1e-5, atol=1e-6)
    assert fit_ensemble([_models(1, "relu")], data, [1], config).histories[0]["g_loss"] != alone["g_loss"]


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("m, width, sampler", [(32, 1, None), (16, 3, None), (48, 1, Normal(2.0, 0.5))])
def test_chunked_draws_are_the_step_by_step_draws(monkeypatch, threads: int, m: int, width: int, sampler) -> None:
    """Drawing many steps at once gives bit for bit the numbers of step-by-step draws (where chunkable says so)."""
    sample = sampler.sample if sampler else (lambda c, g: torch.randn(c, width, generator=g))
    assert chunkable(m * width, True)
    monkeypatch.setattr(ensemble, "_CHUNK", 3 * m * width * 2)  # 3 draws per chunk: several chunks, a short last one
    torch.set_num_threads(threads)
    gens = lambda: [torch.Generator().manual_seed(s) for s in (4, 9)]  # noqa: E731
    chunked = list(draws(sample, gens(), m, width, 7, chunked=True))
    one_by_one = gens()
    expected = [torch.stack([sample(m, g) for g in one_by_one]) for _ in range(7)]
    assert len(chunked) == 7 and all(torch.equal(a, b) for a, b in zip(chunked, expected))
    assert torch.equal(torch.stack(list(draws(sample, gens(), m, width, 7, chunked=False))), torch.stack(expected))


def test_unchunkable_sizes_do_not_concatenate() -> None:
    """The multiple-of-16 rule is needed: draws of 20 numbers are not pieces of one draw of 40."""
    assert not chunkable(20, True) and not chunkable(32, False)
    g1, g2 = torch.Generator().manual_seed(0), torch.Generator().manual_seed(0)
    assert not torch.equal(torch.randn(40, generator=g1), torch.cat([torch.randn(20, generator=g2) for _ in "ab"]))


def test_stacked_forward_matches_modules() -> None:
    nets = [_models(s)[1].net for s in range(3)]  # 1 input feature: the addcmul layer
    x = torch.randn(3, 5, 1)
    out = StackedMLP(nets)(x)  # (3, 5, 1)
    torch.testing.assert_close(out, torch.stack([net(x[i]) for i, net in enumerate(nets)]))
    nets = [_models(s)[0].net for s in range(3)]  # 2 input features: baddbmm
    z = torch.randn(3, 5, 2)
    torch.testing.assert_close(StackedMLP(nets)(z), torch.stack([net(z[i]) for i, net in enumerate(nets)]))


def test_bad_inputs() -> None:
    data, cfg = Normal(), TrainConfig(steps=1, progress=False)
    with pytest.raises(ValueError, match="same length"):
        fit_ensemble([_models(0)], data, [0, 1], cfg)
    with pytest.raises(ValueError, match="MLPGenerator"):
        fit_ensemble([(DCGANGenerator(), DCGANDiscriminator())], data, [0], cfg)
    with pytest.raises(ValueError, match="gp_weight"):
        fit_ensemble([_models(0)], data, [0], TrainConfig(steps=1, gp_weight=1.0))
    with pytest.raises(ValueError, match="sampler"):
        fit_ensemble([_models(0)], torch.randn(100, 1), [0], cfg)
    with pytest.raises(ValueError, match="same architecture"):
        fit_ensemble([_models(0), (MLPGenerator(2, 1, 8, 2), MLPDiscriminator(1, 16, 2))], data, [0, 1], cfg)
    with pytest.raises(ValueError, match="seeds"):
        fit_ensemble([_models(0)], data, [-1], cfg)
