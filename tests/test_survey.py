"""The survey trainer: vmapped runs equal one-by-one runs, every fix is wired in, bad options are refused."""

import pytest
import torch

from ganlib.data.toy import GaussianMixture, grid_of_gaussians, ring_of_gaussians
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
    r = tr.d_gauss.split(torch.randn(tr.d_gauss.size)) | tr.d_unif.split(torch.rand(tr.d_unif.size)) | s["data"]
    g_k = torch.func.grad(tr.g_objective)(s["G"], s["D"], r, 0.0, s["aG"], s["aD"])
    tr0 = SurveyTrainer(Method(), RING, SMALL, batch_size=8, steps=1)
    g_0 = torch.func.grad(tr0.g_objective)(s["G"], s["D"], r, 0.0, s["aG"], s["aD"])
    diff = sum((g_k[k] - g_0[k]).norm() for k in g_k)
    assert diff > 1e-3


def test_unroll_adam_looks_ahead_with_d_s_own_adam():
    """unroll_adam: the G objective's look-ahead D is D after K steps of its own Adam from its moments (the same
    objective with ``unroll_adam`` of ``ganlib.training.unrolled`` written out), and vectorised = sequential."""
    from ganlib.training import functional as fn
    from ganlib.training.unrolled import unroll_adam
    m = Method(unrolled=2, unroll_adam=True)
    tr = SurveyTrainer(m, RING, SMALL, batch_size=8, steps=5)
    s = tr.init(torch.Generator().manual_seed(0))
    gD = {k: 0.1 * torch.randn(v.shape, generator=torch.Generator().manual_seed(1)) for k, v in s["D"].items()}
    pD, oD = fn.adam_step(s["D"], gD, s["oD"], 1, 1e-3)  # D with one step of history
    r = tr.d_gauss.split(torch.randn(tr.d_gauss.size)) | tr.d_unif.split(torch.rand(tr.d_unif.size)) | s["data"]
    ours = tr.g_objective(s["G"], pD, r | {"oD": oD}, 0.0, s["aG"], s["aD"], ahead=(1, 1e-3))
    ahead = unroll_adam(lambda d, g: tr.d_objective(d, g, r, 0.0, s["aD"]), pD, s["G"], 2, 1e-3, oD["m"], oD["v"], 1,
                        m.betas)
    plain_net = SurveyTrainer(Method(), RING, SMALL, batch_size=8, steps=5)
    assert torch.allclose(ours, plain_net.g_objective(s["G"], ahead, r, 0.0, s["aG"], s["aD"]), rtol=0, atol=1e-6)
    assert not torch.allclose(ours, plain_net.g_objective(s["G"], pD, r, 0.0, s["aG"], s["aD"]), atol=1e-4)
    kw = dict(steps=4, batch_size=8, arch=SMALL, n_eval=16, chunk=3)
    a = train_survey(m, RING, [0, 5], vectorise=True, **kw)
    b = train_survey(m, RING, [0, 5], vectorise=False, **kw)
    assert torch.allclose(a.samples, b.samples, atol=1e-5, rtol=1e-4)
    c = train_survey(Method(unrolled=2), RING, [0, 5], **kw)
    assert not torch.allclose(a.samples, c.samples, atol=1e-4)


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
    with pytest.raises(ValueError, match="unroll_adam needs unrolled"):
        Method(unroll_adam=True)
    with pytest.raises(ValueError, match="seeds"):
        train_survey(Method(), RING, [])


def test_runs_on_two_mixtures_in_one_loop_equal_separate_runs():
    """Ring (8 modes) and grid (25 modes) runs vmapped together train as they do alone (padding is inert)."""
    grid = grid_of_gaussians(5, 2.0, 0.05)
    kw = dict(steps=12, batch_size=16, arch=SMALL, n_eval=32)
    both = train_survey(Method(), [RING, grid, RING], [0, 0, 3], **kw).samples
    alone = torch.cat([train_survey(Method(), RING, [0, 3], **kw).samples,
                       train_survey(Method(), grid, [0], **kw).samples])[[0, 2, 1]]
    assert torch.allclose(both, alone, atol=1e-5)
    assert not torch.allclose(both[0], both[1], atol=1e-4)  # same seed, other data: other runs


def test_padded_data_picks_only_real_components():
    """data_tensors: the component of u is #{j: cum_j <= u}, in 0..K-1, with the mixture's weights (brute force)."""
    grid = grid_of_gaussians(5, 2.0, 0.05)
    tr = SurveyTrainer(Method(), [RING, grid], SMALL, batch_size=8, steps=1)
    data = tr.data_tensors(RING)
    assert data["means"].shape == (25, 2) and torch.equal(data["means"][:8], RING.means.float())
    u = torch.cat([torch.rand(20000, generator=torch.Generator().manual_seed(0)), torch.tensor([0.0, 1 - 2**-24])])
    comp = (data["cum"] <= u[:, None]).sum(-1)
    assert int(comp.max()) == 7 and int(comp.min()) == 0
    freq = torch.bincount(comp, minlength=8).double() / len(u)
    assert torch.allclose(freq, torch.full((8,), 1 / 8, dtype=torch.float64), atol=0.01)


def test_bad_per_run_data():
    with pytest.raises(ValueError, match="data must be one mixture or a list of one per seed"):
        train_survey(Method(), [RING, RING], [0], steps=1, arch=SMALL)
    with pytest.raises(ValueError, match="one dimension"):
        SurveyTrainer(Method(), [RING, GaussianMixture([0.0, 1.0], 0.1)], SMALL)


def test_weights_summing_just_below_one_never_pick_padding():
    """Weights may sum to 1 - 5e-7 (GaussianMixture allows 1e-6): a u above their float32 sum still picks a real mode."""
    short = GaussianMixture([[0.0, 0.0], [1.0, 1.0]], 0.1, weights=[0.5, 0.4999995])
    tr = SurveyTrainer(Method(), [short, RING], SMALL, batch_size=8, steps=1)
    data = tr.data_tensors(short)
    u = torch.tensor([0.0, 0.49, 0.51, 0.9999996, 1 - 2**-24])
    comp = (data["cum"] <= u[:, None]).sum(-1)
    assert comp.tolist() == [0, 0, 1, 1, 1]
