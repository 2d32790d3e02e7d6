"""ganlib.theory.own_sample (Lemma 1, chapter 3) against Monte Carlo and closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import stats

from ganlib.theory.own_sample import ball_mass_bound, js_certificate, nearest_distance_mc, w1_lower_bound


def test_ball_mass_of_one_point_matches_monte_carlo():
    d = 8
    x = np.full((1, d), 0.3)
    g = torch.Generator().manual_seed(0)
    y = torch.randn(200_000, d, generator=g, dtype=torch.float64).numpy() / math.sqrt(d)
    freq = np.mean(np.linalg.norm(y - x, axis=1) < 1.0)
    assert ball_mass_bound(x, 1.0) == pytest.approx(freq, abs=4 * math.sqrt(freq * (1 - freq) / 200_000))


def test_ball_mass_at_the_origin_is_a_central_chi_square():
    d = 16
    assert ball_mass_bound(np.zeros((3, d)), 0.9) == pytest.approx(3 * stats.chi2.cdf(d * 0.81, d), rel=1e-10)


def test_js_certificate_is_below_log_2_and_sharp_for_small_balls():
    x = np.random.default_rng(0).normal(size=(32, 64)) / 8
    tight = js_certificate(x, 0.5, 1e-12)
    assert tight <= math.log(2) and math.log(2) - tight < 1e-9
    assert js_certificate(x, 1.4, 1e-12) < math.log(2) - 1.0  # balls holding most of mu's mass certify little
    with pytest.raises(ValueError, match="eps"):
        js_certificate(x, 0.5, 0.7)


def test_w1_bound_below_its_monte_carlo_estimate():
    x = np.random.default_rng(1).normal(size=(64, 256)) / 16
    mean, se = nearest_distance_mc(x, 4000, seed=2)
    assert 1.1 < w1_lower_bound(x, 1.2) <= mean + 3 * se
    assert w1_lower_bound(np.zeros((5, 4)), 1.2) == 0.0  # in d = 4 the five balls hold more than all the mass: vacuous
    with pytest.raises(ValueError, match="non-empty"):
        w1_lower_bound(np.zeros(3), 1.2)
