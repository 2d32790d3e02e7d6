"""ganlib.device, ganlib.book.notebook and the command line."""

import subprocess
import sys

import pytest
import torch

from ganlib import make_generator, pick_device, seed_everything
from ganlib.cli import main
from ganlib.book.notebook import setup


def test_pick_device_order():
    expected = "cuda" if torch.cuda.is_available() else \
        "mps" if torch.backends.mps.is_available() else "cpu"
    assert pick_device().type == expected
    assert pick_device("cpu") == torch.device("cpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_asking_for_missing_cuda_is_a_clear_error():
    with pytest.raises(ValueError, match="CUDA is not available"):
        pick_device("cuda")


def test_seeding():
    seed_everything(3)
    a = torch.rand(3)
    seed_everything(3)
    assert torch.equal(a, torch.rand(3))
    assert torch.equal(torch.rand(2, generator=make_generator(5)), torch.rand(2, generator=make_generator(5)))
    with pytest.raises(ValueError, match="seed must be"):
        make_generator("5")
    with pytest.raises(ValueError, match="seed must be"):
        seed_everything(-2)


def test_notebook_setup(capsys, monkeypatch):
    monkeypatch.setenv("GANLIB_SETTINGS", "quick")
    session = setup(seed=1)
    assert session.pick(1, 2) == 1 and not session.full
    assert "settings: quick | seed: 1" in capsys.readouterr().out
    with pytest.raises(ValueError, match="settings must be"):
        setup(settings="fast")


def test_cli_help_lists_commands():
    out = subprocess.run([sys.executable, "-m", "ganlib", "--help"], capture_output=True, text=True, check=True).stdout
    assert "train" in out


def test_cli_trains_and_resumes(tmp_path, capsys):
    ckpt, export = tmp_path / "run.pt", tmp_path / "g.pt"
    assert main(["train", "mlp-normal", "--steps", "4", "--device", "cpu", "--quiet",
                 "--checkpoint", str(ckpt), "--export-generator", str(export), "--half"]) == 0
    assert main(["train", "mlp-normal", "--steps", "6", "--device", "cpu", "--quiet", "--checkpoint", str(ckpt)]) == 0
    out = capsys.readouterr().out
    assert "resumed from" in out and "steps=6" in out
    state = torch.load(export, weights_only=True)
    assert state["format"] == "ganlib-generator-v1" and state["steps"] == 4
    assert all(v.dtype == torch.float16 for v in state["G"].values() if v.is_floating_point())


def test_cli_bad_input_is_a_message_not_a_traceback(capsys):
    assert main(["train", "mlp-normal", "--steps", "-3", "--quiet"]) == 2
    assert "steps must be an int" in capsys.readouterr().err


def test_cli_exports_the_discriminator_with_its_statistics(tmp_path):
    """--export-discriminator: D's weights and batch-norm running statistics, loadable by load_discriminator."""
    from ganlib.book.artifacts import load_discriminator
    from ganlib.training.checkpoint import load_checkpoint
    ckpt, export = tmp_path / "run.pt", tmp_path / "d.pt"
    assert main(["train", "dcgan-mnist", "--steps", "2", "--batch", "8", "--device", "cpu", "--quiet",
                 "--checkpoint", str(ckpt), "--export-discriminator", str(export)]) == 0
    D, steps = load_discriminator(export)
    D_ck, steps_ck = load_discriminator(ckpt)  # the same net, from the trainer checkpoint
    assert steps == steps_ck == 2 and not D.training
    saved = load_checkpoint(ckpt)["D"]
    assert torch.equal(D.features[3].running_mean, saved["features.3.running_mean"])  # statistics travelled
    x = torch.tanh(torch.randn(5, 1, 28, 28))
    assert torch.equal(D(x), D_ck(x))
    with pytest.raises(ValueError, match="neither an exported discriminator"):
        load_discriminator(_foreign(tmp_path))  # a generator file is not a discriminator


def _foreign(tmp_path):
    from ganlib.training.checkpoint import save_checkpoint
    path = tmp_path / "foreign.pt"
    save_checkpoint({"format": "ganlib-generator-v1", "config": "dcgan-mnist", "steps": 1, "G": {}}, path)
    return path


@pytest.mark.parametrize("device, env, expected", [
    ("cuda", None, "full"),      # a GPU machine picks full settings by itself
    ("cuda", "quick", "quick"),  # ... unless told otherwise (a contributor running the CI settings)
    ("mps", None, "quick"),      # full settings only on CUDA
    ("cpu", None, "quick"),
    ("cpu", "full", "full"),
])
def test_setup_picks_settings_from_the_device(capsys, monkeypatch, device, env, expected):
    import ganlib.book.notebook as nb

    monkeypatch.setattr(nb, "pick_device", lambda: torch.device(device))
    if env is None:
        monkeypatch.delenv("GANLIB_SETTINGS", raising=False)
    else:
        monkeypatch.setenv("GANLIB_SETTINGS", env)
    session = nb.setup(seed=3)
    assert session.full == (expected == "full")
    assert session.device.type == device
    assert capsys.readouterr().out.strip() == f"device: {device} | settings: {expected} | seed: 3"
