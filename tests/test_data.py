"""ganlib.data against independent oracles: md5 of the shipped files, scipy's distributions."""

import gzip
import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from scipy import stats

from ganlib.data import (DataFileError, Exponential, GaussianMixture, Normal, grid_of_gaussians, load_mnist,
                         mnist_images, ring_of_gaussians)
from ganlib.data.mnist import MNIST_FILES, SHIPPED_DIR


def test_shipped_md5_matches_md5sums_file():
    sums = dict(line.split()[::-1] for line in (SHIPPED_DIR / "MD5SUMS").read_text().splitlines())
    for name, md5 in sums.items():
        assert hashlib.md5((SHIPPED_DIR / name).read_bytes()).hexdigest() == md5
        assert md5 in MNIST_FILES["test"]


def test_mnist_test_split_shapes_and_values():
    images, labels = load_mnist("test")
    assert images.shape == (10000, 28, 28) and images.dtype == torch.uint8
    assert labels.shape == (10000,) and labels.dtype == torch.int64
    assert labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]  # the well-known first test labels
    assert sorted(torch.bincount(labels).tolist())[0] > 800  # every digit is present
    x = mnist_images("test")
    assert x.shape == (10000, 1, 28, 28) and x.min() == -1 and x.max() == 1
    # independent decode of the IDX body: byte 16 onwards, row-major
    raw = gzip.open(SHIPPED_DIR / "t10k-images-idx3-ubyte.gz").read()
    assert np.array_equal(np.frombuffer(raw, np.uint8, offset=16)[:784].reshape(28, 28), images[0].numpy())


def test_mnist_missing_train_split_says_where_to_put_files(tmp_path):
    with pytest.raises(DataFileError, match="train-images-idx3-ubyte.gz.*GANLIB_MNIST_DIR"):
        load_mnist("train", root=tmp_path)


@pytest.fixture
def mnist_copy(tmp_path):
    """A writable copy of the shipped test split, to damage."""
    for name in MNIST_FILES["test"][::2]:
        shutil.copy(SHIPPED_DIR / name, tmp_path / name)
    return tmp_path


def test_mnist_corrupt_file_is_rejected(mnist_copy):
    tmp_path = mnist_copy
    path = tmp_path / MNIST_FILES["test"][0]
    data = bytearray(path.read_bytes())
    data[1000] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(DataFileError, match="corrupt: md5"):
        load_mnist("test", root=tmp_path)


def test_mnist_truncated_file_without_md5_check_is_rejected(mnist_copy):
    tmp_path = mnist_copy
    path = tmp_path / MNIST_FILES["test"][2]
    path.write_bytes(gzip.compress(gzip.open(path).read()[:-10]))
    with pytest.raises(DataFileError, match="header promises"):
        load_mnist("test", root=tmp_path, verify=False)


def test_mnist_bad_split():
    with pytest.raises(ValueError, match="split must be one of"):
        load_mnist("validation")


def test_normal_and_exponential_match_scipy():
    x = torch.linspace(-1, 12, 101, dtype=torch.float64)
    n, e = Normal(7.0, 0.7), Exponential(2.0)
    np.testing.assert_allclose(n.log_prob(x), stats.norm(7, 0.7).logpdf(x), rtol=1e-12)
    np.testing.assert_allclose(n.cdf(x), stats.norm(7, 0.7).cdf(x), rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(e.log_prob(x), stats.expon(scale=2).logpdf(x), rtol=1e-12)
    np.testing.assert_allclose(e.cdf(x), stats.expon(scale=2).cdf(x), rtol=1e-12, atol=1e-15)


def test_samples_follow_their_distribution():
    for dist, ref in [(Normal(7.0, 0.7), stats.norm(7, 0.7)), (Exponential(2.0), stats.expon(scale=2))]:
        s = dist.sample(20000, seed=1, dtype=torch.float64)[:, 0].numpy()
        assert stats.kstest(s, ref.cdf).pvalue > 1e-3


def test_sampling_is_seeded():
    for dist in [Normal(), Exponential(), ring_of_gaussians(), grid_of_gaussians()]:
        assert torch.equal(dist.sample(50, seed=3), dist.sample(50, seed=3))
        assert not torch.equal(dist.sample(50, seed=3), dist.sample(50, seed=4))
        gen = torch.Generator().manual_seed(3)
        assert torch.equal(dist.sample(50, seed=gen), dist.sample(50, seed=3))


def test_mixture_density_matches_scipy_and_integrates_to_one():
    mix = GaussianMixture([-2.0, 1.0, 4.0], [0.5, 1.0, 0.3], [0.2, 0.5, 0.3])
    x = torch.linspace(-8, 10, 20001, dtype=torch.float64)
    ref = sum(w * stats.norm(m, s).pdf(x) for m, s, w in [(-2, 0.5, 0.2), (1, 1.0, 0.5), (4, 0.3, 0.3)])
    np.testing.assert_allclose(mix.log_prob(x).exp(), ref, rtol=1e-10, atol=1e-300)
    assert abs(torch.trapezoid(mix.log_prob(x).exp(), x).item() - 1) < 1e-9
    np.testing.assert_allclose(mix.cdf(x[::100]), [float(
        sum(w * stats.norm(m, s).cdf(t) for m, s, w in [(-2, 0.5, 0.2), (1, 1.0, 0.5), (4, 0.3, 0.3)]))
        for t in x[::100]], atol=1e-12)


def test_ring_and_grid_geometry():
    ring = ring_of_gaussians(8, radius=2.0)
    assert ring.means.shape == (8, 2)
    np.testing.assert_allclose(ring.means.norm(dim=1), 2.0)
    grid = grid_of_gaussians(5, spacing=2.0)
    assert grid.means.shape == (25, 2) and grid.means.abs().max() == 4.0
    s = grid.sample(1000, seed=0, dtype=torch.float64)
    nearest = torch.cdist(s, grid.means).min(dim=1).values
    assert nearest.max() < 0.5  # every sample sits next to a mode (std 0.05)


@pytest.mark.parametrize("bad", [-1, 2.5, True])
def test_bad_sample_sizes(bad):
    with pytest.raises(ValueError, match="non-negative int"):
        Normal().sample(bad)


def test_zero_samples():
    assert Normal().sample(0).shape == (0, 1) and ring_of_gaussians().sample(0).shape == (0, 2)


def test_bad_parameters():
    with pytest.raises(ValueError, match="sum to 1"):
        GaussianMixture([0.0, 1.0], 1.0, [0.5, 0.6])
    with pytest.raises(ValueError, match="non-negative"):
        GaussianMixture([0.0, 1.0], 1.0, [1.5, -0.5])
    with pytest.raises(ValueError, match="weights must have shape"):
        GaussianMixture([0.0, 1.0], 1.0, [1.0])
    with pytest.raises(ValueError, match="stds must be positive"):
        GaussianMixture([0.0, 1.0], [1.0, 0.0])
    with pytest.raises(ValueError, match="std must be positive"):
        Normal(0.0, -1.0)
    with pytest.raises(ValueError, match="mean must be positive"):
        Exponential(0.0)
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        ring_of_gaussians().log_prob(torch.zeros(3, 3))
    with pytest.raises(ValueError, match="seed must be"):
        Normal().sample(3, seed=-1)
