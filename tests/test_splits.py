"""ganlib.data.splits: the t10k splits are disjoint, cover every image, and the GAN's config trains on one only."""

from __future__ import annotations

import pytest
import torch

from ganlib.data import load_mnist
from ganlib.data.splits import SPLIT_NAMES, gan_training_images, mnist_splits, split_indices


def test_splits_are_disjoint_cover_and_have_the_stated_sizes() -> None:
    s = mnist_splits()
    assert tuple(s) == SPLIT_NAMES
    sizes = {k: len(v) for k, v in s.items()}
    assert sizes == {"gan": 8000, "heldout": 1000, "judge": 1000}
    everything = torch.cat(list(s.values()))
    assert len(set(everything.tolist())) == 10_000 == len(everything)  # disjoint and covering (brute force)
    for a in SPLIT_NAMES:
        for b in SPLIT_NAMES:
            if a != b:
                assert not set(s[a].tolist()) & set(s[b].tolist())
    assert all(bool((v[1:] > v[:-1]).all()) for v in s.values())  # increasing


def test_splits_rule_by_position() -> None:
    s = mnist_splits(30)
    assert s["heldout"].tolist() == [8, 18, 28] and s["judge"].tolist() == [9, 19, 29]
    assert split_indices("gan", 30).tolist() == [i for i in range(30) if i % 10 < 8]


def test_every_digit_is_in_every_split() -> None:
    _, labels = load_mnist()
    for name, idx in mnist_splits().items():
        counts = torch.bincount(labels[idx], minlength=10)
        assert counts.min() >= 0.07 * len(idx), (name, counts.tolist())  # MNIST's rarest digit is about 9%


def test_gan_training_images_are_the_gan_split_and_the_config_uses_them() -> None:
    from ganlib.training.configs import CONFIGS

    x = gan_training_images()
    assert x.shape == (8000, 1, 28, 28)
    images, _ = load_mnist()
    idx = mnist_splits()["gan"]
    assert torch.equal(((x[:, 0] + 1) * 127.5).round().to(torch.uint8), images[idx])
    data = CONFIGS["dcgan-mnist"].data()
    assert torch.equal(data, x)
    held = images[mnist_splits()["heldout"]].flatten(1).float()
    # no held-out image is in the GAN's training data (not even as a duplicate elsewhere in t10k)
    d = torch.cdist(held, images[idx].flatten(1).float())
    assert d.min() > 0


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="split name"):
        split_indices("test")
    with pytest.raises(ValueError, match="n must be"):
        mnist_splits(5)
