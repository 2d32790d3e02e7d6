r"""Widget: the birthday test's batch size, how P(a duplicate in a batch of k) grows with k (chapter 6).

The model behind the slider: a generator whose samples are uniform on N distinct points, and a duplicate rule
that also flags each pair of *distinct* samples, independently, with the false-duplicate rate f (the rate the
chapter calibrates on real digits). A batch of k samples then shows no duplicate with probability

.. math::  P(\text{no duplicate}) = P_{N,k}\,(1 - f)^{\binom k2}, \qquad P_{N,k} = \prod_{i<k}\Big(1 - \frac iN\Big),

exactly in this model (the distinct pairs are all :math:`\binom k2` pairs when no true duplicate occurred). The
pair-rate approximation of the algorithm's first step is :math:`1 - e^{-\binom k2 q}` with the pair rate
:math:`q = 1/N + f`, and the coin-flip batch size :math:`k_{1/2} = \sqrt{2\ln 2 / q}` makes it one half. The
update function also *simulates* the test, B batches of k draws with an explicit seed, so the reader sees the
exact curve, the approximation and a measured frequency with its Clopper-Pearson interval side by side.
"""

from __future__ import annotations

import math

import numpy as np

from ganlib.evaluation.birthday import uniform_no_collision
from ganlib.evaluation.collisions import binomial_interval


def _check(support: float, k: int, false_rate: float, batches: int) -> None:
    if isinstance(support, bool) or not isinstance(support, (int, float)) or not support >= 2:
        raise ValueError(f"support must be a number >= 2 (the N of the uniform law), got {support!r}")
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        raise ValueError(f"k (the batch size) must be an int >= 2, got {k!r}")
    if not (isinstance(false_rate, (int, float)) and 0.0 <= false_rate < 1.0):
        raise ValueError(f"false_rate must be in [0, 1), got {false_rate!r}")
    if isinstance(batches, bool) or not isinstance(batches, int) or batches < 1:
        raise ValueError(f"batches must be a positive int, got {batches!r}")


def duplicate_probability(support: float, k: int, false_rate: float = 0.0) -> float:
    """P(a batch of k shows a duplicate) = 1 - P_{N,k} (1 - f)^{k(k-1)/2}, exactly, in the widget's model."""
    _check(support, k, false_rate, 1)
    distinct = uniform_no_collision(support, k)
    if distinct == 0.0:  # k > N: a true duplicate is certain
        return 1.0
    return float(-math.expm1(math.log(distinct) + k * (k - 1) / 2 * math.log1p(-false_rate)))


def simulate_batches(support: int, k: int, false_rate: float = 0.0, batches: int = 400, seed: int = 0) -> int:
    """The number of the B simulated batches (k uniform draws on N points, false flags at rate f) with a duplicate."""
    _check(support, k, false_rate, batches)
    if int(support) != support:
        raise ValueError(f"support must be a whole number to simulate draws, got {support!r}")
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, int(support), size=(batches, k))  # (B, k)
    s = np.sort(draws, axis=1)
    true_dup = (s[:, 1:] == s[:, :-1]).any(axis=1)  # (B,)
    n_distinct_pairs = k * (k - 1) // 2  # every pair is distinct when there is no true duplicate
    false_dup = rng.binomial(n_distinct_pairs, false_rate, size=batches) > 0 if false_rate > 0 else \
        np.zeros(batches, dtype=bool)
    return int((true_dup | false_dup).sum())


def birthday_curve(support: float, k: int, false_rate: float = 0.0, batches: int = 400, seed: int = 0) -> dict:
    """What the widget draws: exact and approximate P(duplicate) over batch sizes, and the test simulated at k."""
    _check(support, k, false_rate, batches)
    q = 1.0 / support + false_rate
    k_half = math.sqrt(2 * math.log(2) / q)
    k_max = int(max(4 * k_half, 1.5 * k, 8))
    ks = np.unique(np.geomspace(2, k_max, 200).astype(int))
    exact = np.array([duplicate_probability(support, int(j), false_rate) for j in ks])
    approx = -np.expm1(-ks * (ks - 1) / 2 * q)
    out = {"ks": ks, "exact": exact, "approx": approx, "k": k, "k_half": k_half,
           "p_at_k": duplicate_probability(support, k, false_rate)}
    if int(support) == support:
        hits = simulate_batches(int(support), k, false_rate, batches, seed)
        out |= {"hits": hits, "batches": batches, "simulated": hits / batches,
                "interval": binomial_interval(hits, batches, 0.95)}
    return out


def plot_curve(ax, curve: dict, title: str = "") -> None:
    """Draw one curve on a matplotlib axis: exact, approximation, the simulated rate at k, k_1/2."""
    ax.plot(curve["ks"], curve["exact"], "-", color="C0", label="exact")
    ax.plot(curve["ks"], curve["approx"], "--", color="C1", label=r"$1 - e^{-\binom{k}{2} q}$")
    if "simulated" in curve:
        lo, hi = curve["interval"]
        ax.errorbar([curve["k"]], [curve["simulated"]], yerr=[[curve["simulated"] - lo], [hi - curve["simulated"]]],
                    fmt="o", color="C3", capsize=3, label=f"simulated, {curve['batches']} batches")
    ax.axvline(curve["k_half"], color="grey", ls=":", lw=1, label=r"$k_{1/2} = \sqrt{2\ln 2/q}$")
    ax.axhline(0.5, color="grey", lw=0.5)
    ax.set(xscale="log", ylim=(-0.02, 1.02), xlabel="batch size k", ylabel="P(duplicate in the batch)", title=title)


def make_widget():
    """Sliders for log10 N, the batch size k and the false-duplicate rate f (ipywidgets imported lazily)."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    def draw(log10_support: float, k: int, false_rate: float) -> None:
        support = int(round(10 ** log10_support))
        fig, ax = plt.subplots(figsize=(8, 3.2))
        plot_curve(ax, birthday_curve(support, int(k), false_rate), f"N = {support:,}, f = {false_rate:g}")
        ax.legend(fontsize=8, loc="upper left")
        plt.show()

    return widgets.interactive(
        draw,
        log10_support=widgets.FloatSlider(value=3.0, min=2.0, max=5.0, step=0.1, description="log10 N",
                                          continuous_update=False),
        k=widgets.IntSlider(value=40, min=2, max=1000, step=1, description="k", continuous_update=False),
        false_rate=widgets.SelectionSlider(options=[0.0, 1e-5, 1e-4, 1e-3], value=0.0, description="f",
                                           continuous_update=False))
