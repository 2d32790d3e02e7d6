"""Tests for ganlib.book.widgets.birthday: exact curve vs brute force, simulation vs exact, the widget builds."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from ganlib.book.widgets.birthday import birthday_curve, duplicate_probability, make_widget, simulate_batches


@pytest.mark.parametrize("n,k", [(5, 2), (5, 3), (4, 4), (6, 3), (3, 5)])
def test_exact_against_enumeration(n: int, k: int) -> None:
    """P(duplicate) with f = 0 = the fraction of the n^k sequences that repeat a value (enumerated)."""
    seqs = list(itertools.product(range(n), repeat=k))
    brute = sum(len(set(s)) < k for s in seqs) / len(seqs)
    assert duplicate_probability(n, k) == pytest.approx(brute, abs=1e-12)


def test_false_rate_against_the_product_formula() -> None:
    n, k, f = 1000, 30, 1e-4
    clean = math.prod(1 - i / n for i in range(k)) * (1 - f) ** (k * (k - 1) // 2)
    assert duplicate_probability(n, k, f) == pytest.approx(1 - clean, abs=1e-12)
    assert duplicate_probability(n, k, f) > duplicate_probability(n, k)


@pytest.mark.parametrize("n,k,f", [(365, 23, 0.0), (1000, 40, 1e-3), (10_000, 60, 0.0)])
def test_simulation_within_a_binomial_tolerance(n: int, k: int, f: float) -> None:
    """The simulated count of 4000 batches lies in the central 99.99 % of Bin(4000, exact)."""
    p = duplicate_probability(n, k, f)
    hits = simulate_batches(n, k, f, batches=4000, seed=1)
    lo, hi = stats.binom.ppf([5e-5, 1 - 5e-5], 4000, p)
    assert lo <= hits <= hi


def test_curve_coin_flip_and_approximation() -> None:
    c = birthday_curve(365, 23)
    assert c["p_at_k"] == pytest.approx(0.5072972343, abs=1e-9)  # the classic birthday problem
    assert c["k_half"] == pytest.approx(math.sqrt(2 * math.log(2) * 365))
    assert np.all(np.diff(c["exact"]) >= 0) and np.all(np.abs(c["exact"] - c["approx"]) < 0.05)
    lo, hi = c["interval"]
    assert lo <= c["simulated"] <= hi and c["batches"] == 400 and c["hits"] == round(400 * c["simulated"])
    assert "simulated" not in birthday_curve(1000.5, 20)  # real N: exact curve only


def test_bad_inputs_name_the_argument() -> None:
    with pytest.raises(ValueError, match="support"):
        birthday_curve(1, 10)
    with pytest.raises(ValueError, match="batch size"):
        birthday_curve(100, 1)
    with pytest.raises(ValueError, match="false_rate"):
        duplicate_probability(100, 10, 1.5)
    with pytest.raises(ValueError, match="batches"):
        simulate_batches(100, 10, 0.0, batches=0)
    with pytest.raises(ValueError, match="whole number"):
        simulate_batches(100.5, 10)


def test_widget_builds() -> None:
    pytest.importorskip("ipywidgets")
    w = make_widget()
    assert {c.description for c in w.children if hasattr(c, "description")} >= {"log10 N", "k", "f"}
