"""ganlib.evaluation.classifier: the classifier score against scipy's KL divergence, its bounds, and a seeded fit."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import stats

from ganlib.evaluation import classifier as C

pytestmark = pytest.mark.usefixtures("one_thread")


def test_score_matches_scipy_entropy() -> None:
    g = torch.Generator().manual_seed(0)
    probs = torch.rand(50, 10, generator=g, dtype=torch.float64) ** 3
    probs /= probs.sum(1, keepdim=True)
    marginal = probs.mean(0).numpy()
    expected = math.exp(np.mean([stats.entropy(p, marginal) for p in probs.numpy()]))
    assert C.classifier_score(probs) == pytest.approx(expected, rel=1e-12)
    assert C.confidence(probs) == pytest.approx(probs.max(1).values.mean().item())


def test_score_bounds() -> None:
    assert C.classifier_score(torch.eye(10).repeat(3, 1)) == pytest.approx(10.0)  # certain, all classes alike
    assert C.classifier_score(torch.full((7, 10), 0.1)) == pytest.approx(1.0)  # no information
    one_class = torch.zeros(5, 10)
    one_class[:, 3] = 1
    assert C.classifier_score(one_class) == pytest.approx(1.0)  # certain but collapsed onto one digit


def _two_class_images(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Class 0: a bright top half; class 1: a bright bottom half; plus noise."""
    g = torch.Generator().manual_seed(1)
    labels = torch.arange(n) % 2
    x = torch.full((n, 1, 28, 28), -1.0) + 0.3 * torch.randn(n, 1, 28, 28, generator=g)
    x[labels == 0, :, :14] += 1.5
    x[labels == 1, :, 14:] += 1.5
    return x.clamp(-1, 1), labels


def test_train_classifier_learns_and_is_seeded() -> None:
    x, y = _two_class_images(256)
    a = C.train_classifier(x, y, epochs=2, seed=3)
    b = C.train_classifier(x, y, epochs=2, seed=3)
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.equal(pa, pb)
    probs = C.class_probabilities(a, x)
    assert probs.shape == (256, 10) and probs.dtype == torch.float64
    assert (probs.argmax(1) == y).all()


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="labels an int64"):
        C.train_classifier(torch.zeros(4, 1, 28, 28), torch.zeros(4), epochs=1)
    with pytest.raises(ValueError, match="epochs"):
        C.train_classifier(torch.zeros(4, 1, 28, 28), torch.zeros(4, dtype=torch.long), epochs=0)
    with pytest.raises(ValueError, match=r"\(B, 1, 28, 28\)"):
        C.DigitClassifier()(torch.zeros(2, 784))
    with pytest.raises(ValueError, match="probs"):
        C.classifier_score(torch.zeros(0, 10))
