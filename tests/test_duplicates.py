"""ganlib.evaluation.duplicates: calibration against sorted pair distances, known-support generators."""

import math

import pytest
import torch

from ganlib.evaluation import duplicates as dup
from ganlib.evaluation.classifier import DigitClassifier


def all_pair_distances(x):
    d = torch.cdist(x.double(), x.double(), compute_mode="donot_use_mm_for_euclid_dist")
    iu = torch.triu_indices(len(x), len(x), offset=1)
    return d[iu[0], iu[1]]


def test_calibrated_threshold_leaves_at_most_the_false_rate_below():
    x = torch.randn(80, 5, generator=torch.Generator().manual_seed(0))
    pairs = all_pair_distances(x)
    for rate in [0.001, 0.01, 0.2]:
        tau = dup.calibrate_threshold(x, rate)
        assert (pairs < tau).double().mean().item() <= rate
        assert (pairs <= tau).double().mean().item() > rate - 1 / len(pairs)  # and it is the largest such


def test_pair_collision_rate_counts_pairs_exactly():
    x = torch.randn(70, 3, generator=torch.Generator().manual_seed(2))
    pairs = all_pair_distances(x)
    tau = float(pairs.median())
    count, total = dup.pair_collision_rate(x, tau)
    assert total == len(pairs) and count == int((pairs < tau).sum())


def test_noisy_copies_have_support_k_and_are_seeded():
    images = torch.arange(5.0).view(5, 1) * 100
    gen = dup.NoisyCopies(images, noise=0.1)
    a, b = gen.sample(500, seed=4), gen(500, 4)
    assert torch.equal(a, b) and gen.support == 5
    assert torch.unique(torch.round(a / 100)).numel() == 5


def test_suggested_batch_size_gives_collision_near_half_for_uniform():
    from ganlib.evaluation.birthday import uniform_no_collision
    N = 3000
    pilot = torch.randint(N, (3000, 1), generator=torch.Generator().manual_seed(0)).double()
    k = dup.suggest_batch_size(pilot, 0.5)
    assert 0.3 < 1 - uniform_no_collision(N, k) < 0.7
    assert dup.suggest_batch_size(torch.arange(50.0).view(-1, 1), 0.5, k_max=99) == 99  # no pair collides


def test_feature_embedding_is_the_penultimate_layer():
    torch.manual_seed(0)
    clf = DigitClassifier()
    x = torch.randn(7, 1, 28, 28)
    f = dup.feature_embedding(clf, batch_size=3)(x)
    assert f.shape == (7, 64) and f.dtype == torch.float64
    assert torch.allclose(clf.net[-1](f.float()), clf(x), atol=1e-5)


@pytest.mark.parametrize("call,match", [
    (lambda: dup.calibrate_threshold(torch.randn(10, 2), 0.0), "false_rate"),
    (lambda: dup.calibrate_threshold(torch.randn(10, 2), 0.01), "false_rate"),
    (lambda: dup.pair_collision_rate(torch.randn(10, 2), -1.0), "threshold"),
    (lambda: dup.suggest_batch_size(torch.randn(10, 2), 1.0, k_min=1), "k_min"),
    (lambda: dup.NoisyCopies(torch.randn(3, 2), noise=-1.0), "noise"),
    (lambda: dup.NoisyCopies(torch.randn(3, 2), noise=0.1).sample(0), "n must"),
    (lambda: dup.feature_embedding(torch.nn.Linear(2, 2)), "DigitClassifier"),
])
def test_bad_inputs_raise_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()
