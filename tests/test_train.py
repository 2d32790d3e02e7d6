"""ganlib.training.trainer: Algorithm 1's bookkeeping, exact resume, divergence detection, bad configs."""

import math

import pytest
import torch

from ganlib.training.checkpoint import load_checkpoint, save_checkpoint
from ganlib.data import Normal
from ganlib.nets.models import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator
from ganlib.training.trainer import HISTORY_KEYS, TrainConfig, Trainer, TrainingDiverged, train


def small_dcgan(seed=0):
    torch.manual_seed(seed)
    return DCGANGenerator(nz=8, ngf=4), DCGANDiscriminator(ndf=4)


def toy_pair(seed=0):
    torch.manual_seed(seed)
    return MLPGenerator(1, 1, 8, 1), MLPDiscriminator(1, 8, 1)


def images(n=40, seed=0):
    return torch.rand(n, 1, 28, 28, generator=torch.Generator().manual_seed(seed)) * 2 - 1


def cfg(**kw):
    return TrainConfig(**{"steps": 6, "batch_size": 8, "progress": False, "device": "cpu", **kw})


def test_history_has_every_key_and_plausible_values():
    trainer = train(*small_dcgan(), images(), cfg(steps=5))
    h = trainer.history
    assert set(h) == set(HISTORY_KEYS) and h["step"] == [1, 2, 3, 4, 5]
    assert all(len(h[k]) == 5 for k in HISTORY_KEYS)
    assert all(0 <= v <= 1 for k in ("d_real", "d_fake", "acc_real", "acc_fake") for v in h[k])
    assert all(math.isfinite(v) for v in h["d_loss"] + h["g_loss"])


def test_log_every_thins_the_history():
    trainer = train(*toy_pair(), Normal(), cfg(steps=10, log_every=4))
    assert trainer.history["step"] == [4, 8, 10]


def test_discriminator_loss_at_start_is_about_log4():
    """With D(x) ~ 1/2 everywhere, -V = 2 log 2 (Theorem 1's -C(G) at equilibrium)."""
    G, D = toy_pair()
    torch.nn.init.zeros_(D.net[-1].weight), torch.nn.init.zeros_(D.net[-1].bias)
    trainer = Trainer(G, D, Normal(), cfg(steps=1))
    trainer.fit()
    assert trainer.history["d_loss"][0] == pytest.approx(math.log(4), abs=1e-6)


def test_d_steps_counts_discriminator_updates():
    G, D = toy_pair()
    trainer = Trainer(G, D, Normal(), cfg(steps=3, d_steps=4))
    trainer.fit()
    assert trainer.opt_d.state[next(iter(D.parameters()))]["step"].item() == 12
    assert trainer.opt_g.state[next(iter(G.parameters()))]["step"].item() == 3


def test_epoch_sampling_without_replacement():
    data = torch.arange(40, dtype=torch.float32).reshape(40, 1)
    G, D = toy_pair()
    trainer = Trainer(G, D, data, cfg(batch_size=8))
    seen = torch.cat([trainer.real_batch() for _ in range(5)]).flatten()
    assert sorted(seen.tolist()) == list(range(40))  # one epoch = every sample once


@pytest.mark.parametrize("reuse_fake", [False, True])
def test_resumed_run_ends_with_the_same_weights(tmp_path, reuse_fake):
    full = train(*small_dcgan(), images(), cfg(steps=7, reuse_fake=reuse_fake))
    path = tmp_path / "ckpt.pt"
    first = train(*small_dcgan(), images(), cfg(steps=3, reuse_fake=reuse_fake, checkpoint_path=str(path)))
    del first
    resumed = Trainer(*small_dcgan(seed=123), images(), cfg(steps=7, reuse_fake=reuse_fake)).resume(path)
    assert resumed.step == 3
    resumed.fit()
    for a, b in zip(full.G.state_dict().values(), resumed.G.state_dict().values()):
        assert torch.equal(a, b)
    for a, b in zip(full.D.state_dict().values(), resumed.D.state_dict().values()):
        assert torch.equal(a, b)
    assert full.history == resumed.history


def test_checkpoint_every_writes_periodically(tmp_path):
    path = tmp_path / "c.pt"
    train(*toy_pair(), Normal(), cfg(steps=5, checkpoint_every=2, checkpoint_path=str(path)))
    assert load_checkpoint(path)["step"] == 5
    assert not list(tmp_path.glob("*.tmp"))  # no temporary file left behind


def test_nan_loss_stops_with_a_clear_error():
    data = torch.full((40, 1), float("nan"))
    with pytest.raises(TrainingDiverged, match=r"d_loss became nan at step 1; lower the learning rates"):
        train(*toy_pair(), data, cfg())


def test_infinite_loss_is_detected():
    G, D = toy_pair()
    with torch.no_grad():
        D.net[-1].bias.fill_(1e30)
    with pytest.raises(TrainingDiverged, match="inf"):
        train(G, D, Normal(), cfg(g_loss="mle"))


def test_other_loss_families_run():
    for d_loss, g_loss, gp in [("wasserstein", "wasserstein", 10.0), ("least_squares", "least_squares", 0.0),
                               ("hinge", "hinge", 0.0), ("gan", "minimax", 0.0), ("gan", "mle", 0.0)]:
        trainer = train(*toy_pair(), Normal(), cfg(d_loss=d_loss, g_loss=g_loss, gp_weight=gp))
        assert len(trainer.history["d_loss"]) == 6


@pytest.mark.parametrize("kwargs,msg", [
    ({"steps": -1}, "steps must be an int >= 0"),
    ({"batch_size": 0}, "batch_size must be an int >= 1"),
    ({"lr_d": 0.0}, "lr_d must be positive"),
    ({"betas": (0.5, 1.0)}, "betas must be two numbers"),
    ({"d_loss": "bce"}, "d_loss must be one of"),
    ({"real_label": 0.9, "d_loss": "hinge", "g_loss": "hinge"}, "real_label"),
    ({"gp_weight": -1.0}, "gp_weight"),
])
def test_bad_config(kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        TrainConfig(**kwargs)


def test_bad_data_and_models():
    G, D = toy_pair()
    with pytest.raises(ValueError, match="N >= batch_size"):
        Trainer(G, D, torch.zeros(4, 1), cfg())
    with pytest.raises(ValueError, match="sample"):
        Trainer(G, D, [1, 2, 3], cfg())
    with pytest.raises(ValueError, match="nz"):
        Trainer(torch.nn.Linear(1, 1), D, Normal(), cfg())
    trainer = train(G, D, Normal(), cfg(steps=2))
    with pytest.raises(ValueError, match="fewer than"):
        trainer.fit(1)


def test_checkpoint_atomic_and_safe_loading(tmp_path):
    path = tmp_path / "state.pt"
    save_checkpoint({"a": torch.ones(2)}, path)
    save_checkpoint({"a": torch.zeros(2)}, path)  # overwrite in place
    assert torch.equal(load_checkpoint(path)["a"], torch.zeros(2))
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_checkpoint(tmp_path / "missing.pt")
    (tmp_path / "bad.pt").write_bytes(path.read_bytes()[:50])
    with pytest.raises(ValueError, match="corrupt"):
        load_checkpoint(tmp_path / "bad.pt")
    torch.save({"f": math.sqrt}, tmp_path / "code.pt")  # arbitrary code: refused by weights_only
    with pytest.raises(ValueError, match="could not be read"):
        load_checkpoint(tmp_path / "code.pt")


def test_failed_write_keeps_previous_checkpoint(tmp_path):
    path = tmp_path / "state.pt"
    save_checkpoint({"a": torch.ones(2)}, path)

    class Unpicklable:
        def __reduce__(self):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        save_checkpoint({"a": Unpicklable()}, path)
    assert torch.equal(load_checkpoint(path)["a"], torch.ones(2))
    assert not list(tmp_path.glob("*.tmp"))


def test_resume_rejects_foreign_checkpoint(tmp_path):
    save_checkpoint({"format": "something-else"}, tmp_path / "x.pt")
    with pytest.raises(ValueError, match="not a ganlib trainer checkpoint"):
        Trainer(*toy_pair(), Normal(), cfg()).resume(tmp_path / "x.pt")
