"""ganlib.evaluation.fit1d against scipy: kstest, and W1 as the integral of |F_n - F| (quad) or between large samples."""

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from ganlib.evaluation.fit1d import ks_statistic, w1_to_law

LAWS = [stats.norm(7.0, 0.7), stats.expon(scale=2.0), stats.uniform(-1.0, 3.0)]


@pytest.mark.parametrize("law", LAWS)
def test_ks_matches_scipy(law):
    x = np.random.default_rng(0).normal(1.0, 2.0, size=500)
    assert ks_statistic(x, law.cdf) == pytest.approx(stats.kstest(x, law.cdf).statistic, abs=1e-12)


@pytest.mark.parametrize("law", LAWS)
def test_w1_matches_integral_of_cdf_gap(law):
    x = np.sort(law.rvs(size=40, random_state=1) + 0.3)  # a slightly shifted sample
    lo, hi = min(x[0], law.ppf(1e-12)), max(x[-1], law.ppf(1 - 1e-12))
    fn = lambda t: np.searchsorted(x, t, side="right") / x.size  # noqa: E731  (empirical cdf)
    breaks = list(x)
    expected = integrate.quad(lambda t: abs(fn(t) - law.cdf(t)), lo, hi, points=breaks, limit=500)[0]
    assert w1_to_law(x, law.ppf, refine=2000) == pytest.approx(expected, rel=2e-3, abs=1e-4)


def test_w1_of_a_shift_is_the_shift():
    law = stats.norm(0.0, 1.0)
    x = law.ppf((np.arange(2000) + 0.5) / 2000) + 0.25  # quantiles shifted by 0.25
    assert w1_to_law(x, law.ppf) == pytest.approx(0.25, abs=2e-3)


def test_w1_close_to_scipy_between_samples():
    law = stats.expon(scale=2.0)
    x = np.random.default_rng(2).exponential(2.1, size=3000)
    reference = law.ppf((np.arange(300_000) + 0.5) / 300_000)
    assert w1_to_law(x, law.ppf) == pytest.approx(stats.wasserstein_distance(x, reference), abs=2e-3)


def test_accepts_column_tensors():
    x = torch.tensor([[0.1], [0.5], [0.9]])
    law = stats.uniform(0.0, 1.0)
    assert ks_statistic(x, law.cdf) == pytest.approx(stats.kstest([0.1, 0.5, 0.9], law.cdf).statistic)


@pytest.mark.parametrize("bad", [np.zeros((3, 2)), np.array([]), np.array([0.0, np.nan])])
def test_bad_samples(bad):
    with pytest.raises(ValueError, match="x "):
        ks_statistic(bad, stats.norm().cdf)
    with pytest.raises(ValueError, match="x "):
        w1_to_law(bad, stats.norm().ppf)


def test_bad_functions():
    with pytest.raises(ValueError, match="cdf"):
        ks_statistic(np.arange(3.0), lambda t: 2 * np.ones_like(t))
    with pytest.raises(ValueError, match="ppf"):
        w1_to_law(np.arange(3.0), lambda u: np.full_like(u, np.inf))
    with pytest.raises(ValueError, match="refine"):
        w1_to_law(np.arange(3.0), stats.norm().ppf, refine=0)
