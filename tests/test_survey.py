"""The survey trainer: vmapped runs equal one-by-one runs, every fix is wired in, bad options are refused."""

import pytest
import torch

from ganlib.data.toy import GaussianMixture, ring_of_gaussians
from ganlib.training.survey import METHODS, Arch, Method, SurveyTrainer, train_survey

SMALL = Arch(nz=2, g_hidden=16, g_depth=2, d_hidden=16, d_depth=2)
RING = ring_of_gaussians(8, 1.0, 0.01)


@pytest.mark.parametrize("name", sorted(METHODS))
def test_vectorised_equals_sequential(name):
    """Every method of the survey: run i of the vmapped loop is the run trained alone (float32 rounding)."""
    kw = dict(steps=4, batch_size=8, arch=SMALL, n_eval=16, chunk=3)
    a = train_survey(METHODS[name], RING, [0, 5], vectorise=True, **kw)
    b = train_survey(METHODS[name], RING, [0, 5], vectorise=False, **kw)
    assert torch.allclose(a.samples, b.samples, atol=1e-5, rtol=1e-4)
    assert not a.diverged.any() and not b.diverged.any()
    assert not torch.allclose(a.samples[0], a.samples[1])  # different seeds, different runs


def test_each_fix_changes_the_training():
    """Switching any fix on changes the trained generator (so no option is silently ignored)."""
    kw = dict(steps=3, batch_size=8, arch=SMALL, n_eval=16)
    base = train_survey(Method(), RING, [1], **kw).samples
    for name, m in METHODS.items():
        if name == "GAN":
            continue
        out = train_survey(m, RING, [1], **kw).samples
        assert not torch.allclose(out, base, atol=1e-6), name


def test_unrolled_generator_step_uses_the_unrolled_gradient():
    """The trainer's G objective with K > 0 has the gradient of the surrogate, not of the plain loss."""
    m = Method(unrolled=3, unroll_lr=0.5)
    tr = SurveyTrainer(m, RING, SMALL, batch_size=8, steps=1)
    s = tr.init(torch.Generator().manual_seed(0))
    r = tr.d_gauss.split(torch.randn(tr.d_gauss.size)) | tr.d_unif.split(torch.rand(tr.d_unif.size))
    g_k = torch.func.grad(tr.g_objective)(s["G"], s["D"], r, 0.0, s["aG"], s["aD"])
    tr0 = SurveyTrainer(Method(), RING, SMALL, batch_size=8, steps=1)
    g_0 = torch.func.grad(tr0.g_objective)(s["G"], s["D"], r, 0.0, s["aG"], s["aD"])
    diff = sum((g_k[k] - g_0[k]).norm() for k in g_k)
    assert diff > 1e-3


def test_divergence_is_flagged_not_raised():
    m = Method(lr_d=1e30, lr_g=1e30, lr_decay=False, loss="wasserstein")
    res = train_survey(m, RING, [0, 1], steps=30, batch_size=8, arch=SMALL, n_eval=8)
    assert res.diverged.all()


def test_snapshots_and_one_dimensional_data():
    two = GaussianMixture([4.0, 8.0], 0.5)
    res = train_survey(Method(), two, [0], steps=6, batch_size=8, arch=Arch(nz=1, g_hidden=8, d_hidden=8),
                       n_eval=20, snapshot_every=2, n_snapshot=10)
    assert res.snapshots.shape == (3, 1, 10, 1) and res.snapshot_steps == [2, 4, 6]


def test_bad_options():
    with pytest.raises(ValueError, match="loss"):
        Method(loss="kl")
    with pytest.raises(ValueError, match="label"):
        Method(loss="hinge", real_label=0.9)
    with pytest.raises(ValueError, match="consensus"):
        Method(consensus=1.0, unrolled=2)
    with pytest.raises(ValueError, match="pack"):
        Method(pack=0)
    with pytest.raises(ValueError, match="seeds"):
        train_survey(Method(), RING, [])
