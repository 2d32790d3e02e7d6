"""ganlib.evaluation.batchnorm: the stationary weights against a brute-force running average, the measured
statistics against torch's own running averages, the mixture weight on synthetic data, and the recalibration."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from ganlib.nets.models import DCGANDiscriminator
from ganlib.evaluation.batchnorm import (batch_statistics, mixture_weight, recalibrated, running_statistics,
                                        stationary_weights, training_cycle)

pytestmark = pytest.mark.usefixtures("one_thread")


def test_stationary_weights_match_a_simulated_running_average() -> None:
    w = stationary_weights(("real", "fake", "fake"), 0.1)
    assert w["real"] == pytest.approx(0.81 / 2.71, abs=1e-12) and sum(w.values()) == pytest.approx(1.0)
    r = 0.0  # brute force: real batches have statistic 1, fake ones 0; run the update many cycles
    for _ in range(500):
        for s in (1.0, 0.0, 0.0):
            r = 0.9 * r + 0.1 * s
    assert r == pytest.approx(w["real"], abs=1e-12)
    assert stationary_weights(("real",), 0.3) == {"real": 1.0}


def test_batch_statistics_reproduce_torch_running_average_and_leave_net_alone() -> None:
    torch.manual_seed(0)
    D = DCGANDiscriminator(ndf=4)
    x = torch.tanh(torch.randn(96, 1, 28, 28))
    before = {k: v.clone() for k, v in D.state_dict().items()}
    (mean, var), = batch_statistics(D, x, batch_size=32)
    assert all(torch.equal(before[k], v) for k, v in D.state_dict().items())
    # oracle: torch's own cumulative running average over the same three batches
    ref = DCGANDiscriminator(ndf=4)
    ref.load_state_dict(before)
    bn = ref.features[3]
    bn.reset_running_stats(), setattr(bn, "momentum", None)
    ref.train()
    with torch.no_grad():
        for i in range(0, 96, 32):
            ref(x[i:i + 32])
    assert torch.allclose(mean, bn.running_mean.double(), atol=1e-6)
    assert torch.allclose(var, bn.running_var.double(), rtol=1e-4)
    rec = recalibrated(D, [x[i:i + 32] for i in range(0, 96, 32)])
    (rm, rv), = running_statistics(rec)
    assert torch.allclose(rm, mean, atol=1e-6) and torch.allclose(rv, var, rtol=1e-4)
    assert not rec.training and rec.features[3].momentum == D.features[3].momentum


def test_mixture_weight_recovers_a_known_mixture() -> None:
    g = torch.Generator().manual_seed(0)
    real, fake = torch.randn(50, generator=g).double(), torch.randn(50, generator=g).double()
    assert mixture_weight(0.3 * real + 0.7 * fake, real, fake) == pytest.approx(0.3, abs=1e-12)
    noisy = 0.3 * real + 0.7 * fake + 1e-3 * torch.randn(50, generator=g).double()
    assert mixture_weight(noisy, real, fake) == pytest.approx(0.3, abs=1e-2)
    with pytest.raises(ValueError, match="identical"):
        mixture_weight(real, real, real)


def test_training_cycle_order_and_errors() -> None:
    r, f, h = torch.zeros(10, 2), torch.ones(10, 2), 2 * torch.ones(10, 2)
    batches = training_cycle(r, f, h, 4)
    assert [float(b[0, 0]) for b in batches] == [0, 1, 2, 0, 1, 2] and all(len(b) == 4 for b in batches)
    with pytest.raises(ValueError, match="batch_size"):
        training_cycle(r, f, h, 20)
    with pytest.raises(ValueError, match="no batch-norm"):
        batch_statistics(nn.Sequential(nn.Linear(2, 1)), torch.zeros(4, 2), 2)
    with pytest.raises(ValueError, match="batches"):
        recalibrated(DCGANDiscriminator(ndf=4), [])
