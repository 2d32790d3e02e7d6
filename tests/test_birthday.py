"""ganlib.evaluation.birthday against brute force, closed forms and simulation."""

import itertools
import math

import numpy as np
import pytest

from ganlib.evaluation import birthday as bd


def brute_no_collision(p, k):
    """Sum of prod p over all k-tuples of distinct points: P(T > k) by enumeration."""
    return sum(np.prod([p[i] for i in t]) for t in itertools.product(range(len(p)), repeat=k) if len(set(t)) == k)


@pytest.mark.parametrize("n,k", [(3, 2), (4, 3), (5, 4), (6, 3), (5, 5), (4, 5)])
def test_exact_matches_enumeration_on_dirichlet(n, k):
    rng = np.random.default_rng(n * 10 + k)
    p = rng.dirichlet(np.full(n, 0.7))
    expected = brute_no_collision(p, k)
    assert bd.collision_probability(p, k) == pytest.approx(1 - expected, abs=1e-13)


def test_exact_uniform_closed_form_and_birthday_number():
    assert bd.collision_probability(np.full(365, 1 / 365), 23) == pytest.approx(1 - bd.uniform_no_collision(365, 23),
                                                                                 abs=1e-13)
    assert bd.collision_probability(np.full(365, 1 / 365), 23) == pytest.approx(0.5072972343239857, abs=1e-12)
    assert bd.uniform_no_collision(2, 2) == 0.5 and bd.uniform_no_collision(2, 3) == 0.0


def test_exact_is_stable_when_probability_underflows_linear_scale():
    # P(T > 1500) for uniform on 10^4 is e^{-about 119}: compare logs with the closed form
    log_exact = bd.log_no_collision_probability(np.full(10_000, 1e-4), 1500)
    log_closed = float(np.sum(np.log1p(-np.arange(1500) / 1e4)))
    assert log_exact == pytest.approx(log_closed, rel=1e-10)
    assert bd.log_no_collision_probability(np.full(10, 0.1), 11) == -math.inf


def test_exact_matches_simulation_on_zipf():
    w = 1 / np.arange(1, 201) ** 1.1
    p = w / w.sum()
    rng = np.random.default_rng(0)
    draws = rng.choice(len(p), size=(20_000, 12), p=p)
    simulated = np.mean([len(set(row)) < 12 for row in draws])
    exact = bd.collision_probability(p, 12)
    assert abs(simulated - exact) < 4 * math.sqrt(exact * (1 - exact) / 20_000)


def test_theorem7_proven_bound_holds_and_printed_one_fails():
    for n in [1, 2, 5, 50]:
        for rho in [0.2, 0.5, 0.9, 1.0]:
            for k in [2, 3, 7, 20]:
                worst = 1 - bd.worst_case_no_collision(k, rho, n)
                assert bd.theorem7_bound(k, rho, n) <= worst + 1e-12
    assert bd.essay_theorem7_bound(2, 1.0, 2) > bd.collision_probability([0.5, 0.5], 2)  # 1 - e^{-1} > 1/2
    assert bd.theorem7_bound(2, 1.0, 2) == pytest.approx(1 - math.exp(-0.5))


def test_worst_case_is_attained_by_uniform_core_plus_fine_tail():
    # rho on n = 3 points, 1 - rho spread over 400 points of tiny mass: P(T > k) tends to the mixture formula
    rho, n, k, tail = 0.6, 3, 4, 400
    p = np.concatenate([np.full(n, rho / n), np.full(tail, (1 - rho) / tail)])
    assert 1 - bd.collision_probability(p, k) == pytest.approx(bd.worst_case_no_collision(k, rho, n), abs=0.01)
    assert 1 - bd.collision_probability(p, k) <= bd.worst_case_no_collision(k, rho, n)


def test_lemma6_law_has_the_given_beta_and_lemma2_holds_on_it():
    for beta in [1000.0, 1234.5, 3000.3]:
        p = bd.lemma6_distribution(beta)
        assert p.sum() == pytest.approx(1, abs=1e-12) and (p >= 0).all()
        assert bd.effective_support(p) == pytest.approx(beta, rel=1e-10)
        for k in [2, 50, int(2 * math.sqrt(beta * math.log(beta)))]:
            assert bd.lemma2_applies(k, beta)
            assert math.exp(bd.log_no_collision_probability(p, k)) >= bd.lemma2_bound(k, beta)


def test_lemma2_fails_outside_its_conditions():
    # uniform on 100 (beta < 1000): the bound exceeds the truth already at k = 39 <= 2 sqrt(100 log 100)
    assert bd.uniform_no_collision(100, 39) < bd.lemma2_bound(39, 100)
    assert not bd.lemma2_applies(39, 100)
    # uniform on 1000: fails from k = 181 > 2 sqrt(1000 log 1000) = 166.2
    assert bd.uniform_no_collision(1000, 181) < bd.lemma2_bound(181, 1000)
    assert bd.uniform_no_collision(1000, 180) >= bd.lemma2_bound(180, 1000)
    assert not bd.lemma2_applies(181, 1000)


def test_beta_star_inverts_lemma2_and_matches_the_printed_example():
    for k, gamma in [(400, 0.5), (50, 0.1), (2000, 0.9)]:
        b = bd.beta_star(k, gamma)
        assert bd.lemma2_bound(k, b) == pytest.approx(1 - gamma, rel=1e-12)
    assert 115_500 < bd.beta_star(400, 0.5) < 115_600
    assert bd.support_bound(400, 0.5, 1.0) == pytest.approx(bd.beta_star(400, 0.5))


def test_support_bound_infinite_when_denominator_not_positive():
    assert bd.support_bound(400, 0.5, 0.5) == math.inf


def test_uniform_support_from_collision_inverts_the_product():
    for n, k in [(365, 23), (10_000, 118), (50.5, 10)]:
        gamma = 1 - bd.uniform_no_collision(n, k)
        assert bd.uniform_support_from_collision(k, gamma) == pytest.approx(n, rel=1e-9)


@pytest.mark.parametrize("call,match", [
    (lambda: bd.collision_probability([0.5, 0.5], 1), "k"),
    (lambda: bd.collision_probability([0.5, 0.4], 2), "sum to 1"),
    (lambda: bd.collision_probability([0.5, np.nan, 0.5], 2), "p must"),
    (lambda: bd.collision_probability([1.5, -0.5], 2), "p must"),
    (lambda: bd.collision_probability([], 2), "p must"),
    (lambda: bd.theorem7_bound(1, 1.0, 10), "k"),
    (lambda: bd.theorem7_bound(5, 0.0, 10), "rho"),
    (lambda: bd.theorem7_bound(5, 1.2, 10), "rho"),
    (lambda: bd.theorem7_bound(5, 1.0, 0), "n"),
    (lambda: bd.support_bound(10, 0.0, 1.0), "gamma"),
    (lambda: bd.support_bound(10, 1.0, 1.0), "gamma"),
    (lambda: bd.support_bound(10, 0.5, 1.5), "rho"),
    (lambda: bd.beta_star(1, 0.5), "k"),
    (lambda: bd.lemma2_bound(10, -1.0), "beta"),
    (lambda: bd.lemma6_distribution(0.5), "beta"),
    (lambda: bd.uniform_support_from_collision(10, 1.0), "gamma"),
    (lambda: bd.worst_case_no_collision(3, 0.5, 0), "n"),
])
def test_bad_inputs_raise_value_error_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_exact_probability_stays_accurate_for_large_supports():
    """n = 10^5, k = 1950: the linear-space recursion was off by a factor 1.5 here (full settings of chapter 6)."""
    n, k = 100_000, 1950
    exact = sum(math.log1p(-i / n) for i in range(k))
    assert bd.log_no_collision_probability(np.full(n, 1 / n), k) == pytest.approx(exact, rel=1e-10)
