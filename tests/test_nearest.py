"""ganlib.evaluation.nearest against brute-force loops."""

import pytest
import torch

from ganlib.evaluation.nearest import knn_vote, nearest_distance


def test_nn_distance_brute_force():
    g = torch.Generator().manual_seed(0)
    x, ref = torch.randn(5, 1, 3, 3, generator=g), torch.randn(20, 1, 3, 3, generator=g)
    expected = sum(min(((a - b) ** 2).sum().sqrt().item() for b in ref) for a in x) / 5
    assert nearest_distance(x, ref) == pytest.approx(expected, rel=1e-6)
    assert nearest_distance(ref[:3], ref) == pytest.approx(0.0, abs=1e-6)  # copies are at distance 0


def test_knn_vote_brute_force():
    g = torch.Generator().manual_seed(1)
    x, ref = torch.randn(8, 4, generator=g), torch.randn(30, 4, generator=g)
    labels = torch.randint(0, 3, (30,), generator=g)
    majority, agreement = knn_vote(x, ref, labels, k=5, n_classes=3)
    fractions = []
    for i, a in enumerate(x):
        order = sorted(range(30), key=lambda j: ((a - ref[j]) ** 2).sum().item())[:5]
        votes = [sum(int(labels[j]) == c for j in order) for c in range(3)]
        assert majority[i].item() == max(range(3), key=lambda c: (votes[c], -c))
        fractions.append(max(votes) / 5)
    assert agreement == pytest.approx(sum(fractions) / 8)


def test_bad_inputs():
    ref, labels = torch.zeros(4, 2), torch.zeros(4, dtype=torch.long)
    with pytest.raises(ValueError, match="same number of features"):
        nearest_distance(torch.zeros(3, 5), ref)
    with pytest.raises(ValueError, match="x must be"):
        nearest_distance(torch.zeros(0, 2), ref)
    with pytest.raises(ValueError, match="k must be"):
        knn_vote(torch.zeros(1, 2), ref, labels, k=5)
    with pytest.raises(ValueError, match="labels"):
        knn_vote(torch.zeros(1, 2), ref, labels.float(), k=2)


def test_scramble_pixels_permutes_each_image_and_is_seeded():
    from ganlib.evaluation.nearest import scramble_pixels
    x = torch.arange(2 * 9, dtype=torch.float32).view(2, 1, 3, 3)
    a, b = scramble_pixels(x, seed=3), scramble_pixels(x, seed=3)
    assert torch.equal(a, b) and a.shape == x.shape
    for img, scr in zip(x, a):  # same intensities, new places
        assert torch.equal(img.flatten().sort().values, scr.flatten().sort().values)
    assert not torch.equal(a, x)
    with pytest.raises(ValueError, match="images"):
        scramble_pixels(torch.zeros(3))
