"""ganlib.evaluation.separation: AUC against scipy's Mann-Whitney U; accuracy and the two batch-norm modes."""

from __future__ import annotations

import pytest
import torch
from scipy import stats

from ganlib.nets.models import DCGANDiscriminator
from ganlib.evaluation.separation import auc, separation

pytestmark = pytest.mark.usefixtures("one_thread")


def test_auc_matches_mann_whitney_with_ties() -> None:
    g = torch.Generator().manual_seed(0)
    real = torch.randint(0, 6, (40,), generator=g).double()  # many ties
    fake = torch.randint(0, 5, (30,), generator=g).double()
    u = stats.mannwhitneyu(real.numpy(), fake.numpy()).statistic  # U of the first sample
    assert auc(real, fake) == pytest.approx(u / (40 * 30), abs=1e-12)


def test_auc_extremes() -> None:
    assert auc(torch.tensor([2.0, 3.0]), torch.tensor([0.0, 1.0])) == 1.0
    assert auc(torch.tensor([0.0, 1.0]), torch.tensor([2.0, 3.0])) == 0.0
    assert auc(torch.ones(5), torch.ones(7)) == 0.5
    with pytest.raises(ValueError, match="non-empty"):
        auc(torch.ones(0), torch.ones(3))


def test_separation_modes_leave_D_untouched() -> None:
    torch.manual_seed(0)
    D = DCGANDiscriminator(ndf=4)
    real = torch.tanh(torch.randn(64, 1, 28, 28) + 1)
    fake = torch.tanh(torch.randn(64, 1, 28, 28) - 1)
    before = {k: v.clone() for k, v in D.state_dict().items()}
    for mode in ("eval", "train"):
        out = separation(D, real, fake, mode=mode, batch_size=32)
        assert set(out) == {"acc_real", "acc_fake", "accuracy", "auc"}
        assert out["accuracy"] == pytest.approx((out["acc_real"] + out["acc_fake"]) / 2)
        assert 0.0 <= out["auc"] <= 1.0
    for k, v in D.state_dict().items():  # running statistics not updated, weights not touched
        assert torch.equal(v, before[k])
    assert D.training  # the caller's mode is kept
    with pytest.raises(ValueError, match="mode"):
        separation(D, real, fake, mode="test")
    with pytest.raises(ValueError, match="at least batch_size"):
        separation(D, real[:10], fake, mode="train", batch_size=32)
