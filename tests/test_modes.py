"""PacGAN's mode statistics (Lin et al., 2018) against hand counts and scipy."""

import math

import numpy as np
import pytest
import scipy.stats
import torch

from ganlib.data.toy import grid_of_gaussians, ring_of_gaussians
from ganlib.evaluation.modes import assign, mixture_stats, mode_stats

MEANS = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])


def test_hand_counted_example():
    sd = 0.01
    x = np.array([[0.0, 0.0], [0.02, 0.0], [0.0, 0.029], [1.0, 0.0], [1.0, 0.031], [0.5, 0.5], [0.04, 0.0]])
    st = mode_stats(x, MEANS, sd)
    # rows 0-2 within 3 sd of mode 0; row 3 of mode 1; rows 4 (3.1 sd), 5 and 6 (4 sd) are not high quality
    assert st.counts.tolist() == [3, 1, 0]
    assert st.modes == 2 and st.high_quality == pytest.approx(4 / 7, abs=1e-15)
    p = np.array([3, 1, 0]) / 4
    assert st.reverse_kl == pytest.approx(scipy.stats.entropy(p, np.full(3, 1 / 3)), abs=1e-12)


def test_min_count_rule():
    x = np.array([[0.0, 0.0]] * 5 + [[1.0, 0.0]] * 2)
    assert mode_stats(x, MEANS, 0.01, min_count=1).modes == 2
    assert mode_stats(x, MEANS, 0.01, min_count=3).modes == 1


def test_uniform_samples_of_the_mixture_cover_every_mode():
    for mix in (ring_of_gaussians(8, 1.0, 0.01), grid_of_gaussians(5, 2.0, 0.05)):
        st = mixture_stats(mix.sample(20000, seed=0, dtype=torch.float64), mix)
        k = len(mix.means)
        assert st.modes == k
        # P(chi_2 < 9) = 1 - exp(-4.5): the fraction within 3 sd of a 2-D isotropic Gaussian
        assert abs(st.high_quality - (1 - math.exp(-4.5))) < 0.003
        assert st.reverse_kl < 5e-3


def test_collapse_to_one_mode_gives_log_k():
    ring = ring_of_gaussians(8, 1.0, 0.01)
    x = ring.means[3].repeat(100, 1)
    st = mixture_stats(x, ring)
    assert st.modes == 1 and st.high_quality == 1.0 and st.reverse_kl == pytest.approx(math.log(8), abs=1e-12)


def test_ring_angles_are_distinct():
    """np.linspace(0, 2 pi, 8) repeats the first mode; ganlib's ring has 8 distinct modes."""
    means = ring_of_gaussians(8, 1.0, 0.01).means.numpy()
    d = np.linalg.norm(means[:, None] - means[None], axis=-1)
    assert (d + np.eye(8) * 10).min() > 0.7


def test_nan_samples_are_not_high_quality():
    x = np.array([[np.nan, 0.0], [0.0, 0.0]])
    j, d = assign(x, MEANS, 0.01)
    assert d[1] == 0.0 and not np.isfinite(d[0])
    st = mode_stats(x, MEANS, 0.01)
    assert st.high_quality == 0.5
    assert math.isnan(mode_stats(np.array([[5.0, 5.0]]), MEANS, 0.01).reverse_kl)


def test_bad_input():
    with pytest.raises(ValueError, match="dimension"):
        mode_stats(np.zeros((3, 3)), MEANS, 0.01)
    with pytest.raises(ValueError, match="min_count"):
        mode_stats(np.zeros((3, 2)), MEANS, 0.01, min_count=0)


def test_ring_has_eight_distinct_modes_unlike_the_linspace_ring():
    """The ring's 8 modes sit at the distinct angles 2 pi i / 8 (np.linspace(0, 2 pi, 8), as in the official
    unrolled-GAN demo, repeats the first mode as the last and so has 7)."""
    means = ring_of_gaussians(8, 1.0, 0.01).means.double()
    angles = np.mod(np.arctan2(means[:, 1].numpy(), means[:, 0].numpy()), 2 * np.pi)
    np.testing.assert_allclose(np.sort(angles), 2 * np.pi * np.arange(8) / 8, atol=1e-12)
    assert torch.pdist(means).min() > 0.7  # 2 sin(pi / 8) = 0.765 apart
    lin = np.linspace(0, 2 * np.pi, 8)
    lin_means = np.stack([np.cos(lin), np.sin(lin)], 1)
    assert len(np.unique(lin_means.round(9), axis=0)) == 7
