"""ganlib.training.sampling and ganlib.book.artifacts: seeded samples, uint8 round trips, stored runs and generators."""

import numpy as np
import pytest
import torch

from ganlib.book.artifacts import from_uint8, load_generator, load_run, main, save_run, to_uint8
from ganlib.training.checkpoint import save_checkpoint
from ganlib.training.configs import build
from ganlib.nets.models import DCGANGenerator, MLPGenerator
from ganlib.training.sampling import sample
from ganlib.training.trainer import Trainer


def test_sample_is_seeded_and_restores_mode():
    torch.manual_seed(0)
    G = MLPGenerator(2, 1, 8, 1)
    G.train()
    a, b, c = sample(G, 10, seed=3), sample(G, 10, seed=3), sample(G, 10, seed=4)
    assert a.shape == (10, 1) and torch.equal(a, b) and not torch.equal(a, c)
    z = torch.randn(10, 2, generator=torch.Generator().manual_seed(3))
    torch.testing.assert_close(a, G(z).detach())  # the same latents as an explicit N(0, I) draw
    assert G.training


def test_sample_batches_agree_with_one_pass():
    torch.manual_seed(0)
    G = MLPGenerator(3, 2, 8, 1)
    torch.testing.assert_close(sample(G, 50, seed=1, batch=7), sample(G, 50, seed=1))


def test_sample_bad_inputs():
    with pytest.raises(ValueError, match="n "):
        sample(MLPGenerator(1, 1, 4, 1), 0)
    with pytest.raises(ValueError, match="nz"):
        sample(torch.nn.Linear(1, 1), 5)


def test_uint8_round_trip():
    x = torch.linspace(-1, 1, 256)
    pixels = to_uint8(x)
    assert pixels.dtype == np.uint8 and pixels[0] == 0 and pixels[-1] == 255
    assert torch.allclose(from_uint8(pixels), x, atol=1 / 255)
    assert to_uint8(torch.tensor([-3.0, 3.0])).tolist() == [0, 255]  # clamped
    with pytest.raises(ValueError, match="uint8"):
        from_uint8(np.zeros(3, dtype=np.float32))


def test_load_exported_generator_half(tmp_path):
    torch.manual_seed(0)
    G = DCGANGenerator()
    weights = {k: v.half() if v.is_floating_point() else v for k, v in G.state_dict().items()}
    path = tmp_path / "g.pt"
    save_checkpoint({"format": "ganlib-generator-v1", "config": "dcgan-mnist", "steps": 7, "seed": 0,
                     "G": weights}, path)
    H, steps = load_generator(path)
    assert steps == 7 and not H.training
    assert all(p.dtype == torch.float32 for p in H.parameters())
    G.eval()
    z = torch.randn(4, 100, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(H(z), G(z), atol=2e-2, rtol=0)  # float16 weights: small rounding only


def test_load_generator_rejects_foreign_files(tmp_path):
    path = tmp_path / "x.pt"
    save_checkpoint({"format": "something-else"}, path)
    with pytest.raises(ValueError, match="neither"):
        load_generator(path)
    with pytest.raises(FileNotFoundError):
        load_generator(tmp_path / "missing.pt")


def test_save_and_load_run(tmp_path):
    history = {"step": [1, 2, 3], "d_loss": [1.0, 0.5, 0.25]}
    samples = {10: torch.zeros(2, 1, 3, 3), 5: torch.ones(2, 1, 3, 3)}
    path = save_run(tmp_path / "run.npz", history, samples)
    h, s = load_run(path)
    np.testing.assert_allclose(h["d_loss"], history["d_loss"])
    assert sorted(s) == [5, 10] and torch.equal(s[5], torch.ones(2, 1, 3, 3))
    with pytest.raises(ValueError, match="same number"):
        save_run(tmp_path / "bad.npz", history, {1: torch.zeros(2, 1, 3, 3), 2: torch.zeros(3, 1, 3, 3)})
    with pytest.raises(ValueError, match="at least one"):
        save_run(tmp_path / "bad.npz", history, {})
    with pytest.raises(FileNotFoundError, match="README"):
        load_run(tmp_path / "missing.npz")


def test_command_line_builds_a_run_from_trainer_checkpoints(tmp_path):
    G, D, data, config = build("mlp-normal", seed=0, steps=2, batch_size=8, progress=False)
    trainer = Trainer(G, D, data, config)
    trainer.fit(1)
    trainer.save(tmp_path / "a.pt")
    trainer.fit(2)
    trainer.save(tmp_path / "b.pt")
    out = tmp_path / "run.npz"
    assert main([str(tmp_path / "b.pt"), str(tmp_path / "a.pt"), "--out", str(out), "--config", "mlp-normal",
                 "--n", "5"]) == 0
    history, samples = load_run(out)
    assert history["step"].tolist() == [1, 2] and sorted(samples) == [1, 2]
    assert samples[2].shape == (5, 1)
    assert main([str(tmp_path / "missing.pt"), "--out", str(out)]) == 2


def test_shipped_run_matches_the_configuration():
    """The stored DCGAN run is the dcgan-mnist configuration's: same length for weights, history and samples."""
    from ganlib.book.artifacts import DISCRIMINATOR_PATH, GENERATOR_PATH, load_discriminator
    from ganlib.training.configs import CONFIGS

    steps = CONFIGS["dcgan-mnist"].train["steps"]
    _, g_steps = load_generator(GENERATOR_PATH)
    _, d_steps = load_discriminator(DISCRIMINATOR_PATH)
    history, samples = load_run()
    assert g_steps == d_steps == steps == int(history["step"][-1]) == len(history["step"]) == max(samples)
    assert sorted(samples) == [250, 3000, steps]
