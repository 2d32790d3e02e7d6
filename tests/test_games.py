"""ganlib.theory.games against brute force over pure strategies and closed-form 2x2 equilibria."""

import itertools

import numpy as np
import pytest

from ganlib.theory.games import (duality_gap, equilibrium_epsilon, guarantees, lipton_young_epsilon, pure_maxmin,
                                 pure_minmax, sampled_strategy, solve_zero_sum)

RPS = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]], dtype=float)


def test_rock_paper_scissors():
    sol = solve_zero_sum(RPS)
    assert abs(sol.value) < 1e-12 and abs(sol.value_col) < 1e-12
    np.testing.assert_allclose(sol.row, np.full(3, 1 / 3), atol=1e-12)
    np.testing.assert_allclose(sol.col, np.full(3, 1 / 3), atol=1e-12)
    assert pure_maxmin(RPS) == -1 and pure_minmax(RPS) == 1


def test_pure_values_by_brute_force():
    rng = np.random.default_rng(1)
    for _ in range(20):
        a = rng.integers(-5, 6, size=(rng.integers(1, 5), rng.integers(1, 5))).astype(float)
        m, n = a.shape
        assert pure_maxmin(a) == max(min(a[i, j] for j in range(n)) for i in range(m))
        assert pure_minmax(a) == min(max(a[i, j] for i in range(m)) for j in range(n))
        assert pure_maxmin(a) <= pure_minmax(a)


def _closed_form_2x2(a):
    """Value and strategies of a 2x2 game without a saddle point (textbook formulas)."""
    (p, q), (r, s) = a
    den = p - q - r + s
    x = (s - r) / den
    y = (s - q) / den
    return (p * s - q * r) / den, np.array([x, 1 - x]), np.array([y, 1 - y])


def test_2x2_closed_form():
    rng = np.random.default_rng(2)
    checked = 0
    while checked < 30:
        a = rng.normal(size=(2, 2))
        if pure_maxmin(a) == pure_minmax(a):  # a saddle point: the formula does not apply
            continue
        v, x, y = _closed_form_2x2(a)
        sol = solve_zero_sum(a)
        assert abs(sol.value - v) < 1e-9 and abs(sol.value_col - v) < 1e-9
        np.testing.assert_allclose(sol.row, x, atol=1e-8)
        np.testing.assert_allclose(sol.col, y, atol=1e-8)
        checked += 1


def test_value_against_brute_force_over_grid_of_mixed_strategies():
    # for a 2 x n game, max_x min_j is a 1-D maximisation: brute force on a fine grid
    rng = np.random.default_rng(3)
    for _ in range(5):
        a = rng.normal(size=(2, 4))
        t = np.linspace(0, 1, 200001)
        low = np.min(np.outer(t, a[0]) + np.outer(1 - t, a[1]), axis=1)
        v = solve_zero_sum(a).value
        assert low.max() <= v + 1e-12 and v - low.max() < 1e-4  # the grid step is 5e-6, slopes are < 20


def test_minimax_equality_and_zero_gap_random():
    rng = np.random.default_rng(4)
    for _ in range(25):
        a = rng.uniform(-1, 1, size=(rng.integers(1, 9), rng.integers(1, 9)))
        sol = solve_zero_sum(a)
        assert abs(sol.value - sol.value_col) < 1e-9
        assert pure_maxmin(a) - 1e-12 <= sol.value <= pure_minmax(a) + 1e-12
        assert duality_gap(a, sol.row, sol.col) < 1e-9
        low, high = guarantees(a, sol.row, sol.col)
        assert abs(low - sol.value) < 1e-9 and abs(high - sol.value) < 1e-9


def test_epsilon_definition():
    # uniform play in matching pennies is exact; a pure strategy is exploitable by 1
    pennies = np.array([[1.0, -1.0], [-1.0, 1.0]])
    assert equilibrium_epsilon(pennies, [0.5, 0.5], [0.5, 0.5], value=0.0) == 0.0
    assert equilibrium_epsilon(pennies, [1.0, 0.0], [0.5, 0.5], value=0.0) == 1.0
    assert duality_gap(pennies, [1.0, 0.0], [1.0, 0.0]) == 2.0
    assert equilibrium_epsilon(pennies, [1.0, 0.0], [1.0, 0.0]) == 1.0


def test_sampled_strategy_is_frequency_vector():
    f = sampled_strategy([0.2, 0.3, 0.5], T=1000, seed=0)
    assert f.shape == (3,) and abs(f.sum() - 1) < 1e-12 and np.all(f * 1000 == np.round(f * 1000))
    assert np.abs(f - [0.2, 0.3, 0.5]).max() < 0.06
    assert sampled_strategy([0.0, 1.0], T=7, seed=1).tolist() == [0.0, 1.0]


def test_lipton_young_bound_holds_on_random_games():
    rng = np.random.default_rng(5)
    a = rng.uniform(size=(30, 30))
    sol = solve_zero_sum(a)
    for T in (4, 16, 64):
        eps = [equilibrium_epsilon(a, sampled_strategy(sol.row, T, seed=s), sampled_strategy(sol.col, T, seed=100 + s),
                                   value=sol.value) for s in range(20)]
        bound = lipton_young_epsilon(30, 30, T, payoff_range=1.0, beta=0.05)
        assert np.mean(np.array(eps) > bound) <= 0.05 + 1e-12


@pytest.mark.parametrize("bad", [np.zeros((0, 3)), np.zeros((2, 0)), [], [[1, 2], [3]], np.zeros(3),
                                 np.zeros((2, 2, 2)), [[np.inf, 0], [0, 0]]])
def test_bad_payoff_raises(bad):
    with pytest.raises(ValueError, match="payoff"):
        solve_zero_sum(bad)


def test_bad_strategies_raise():
    with pytest.raises(ValueError, match="row"):
        duality_gap(RPS, [0.5, 0.5], [1 / 3] * 3)
    with pytest.raises(ValueError, match="col"):
        duality_gap(RPS, [1 / 3] * 3, [0.5, 0.6, -0.1])
    with pytest.raises(ValueError, match="T"):
        sampled_strategy([1.0], T=0)
    with pytest.raises(ValueError, match="beta"):
        lipton_young_epsilon(2, 2, 1, 1.0, beta=1.0)


def test_rectangular_games_are_accepted_2_by_n_exact_oracle():
    # Rectangular games are legitimate (the players' action sets differ in size). For a 2 x n game the row
    # player's guarantee low(x) = min_j [x A_0j + (1 - x) A_1j] is concave piecewise linear in x in [0, 1]:
    # its maximum is at 0, 1 or a crossing of two of the n lines, all enumerated (brute force, no LP).
    rng = np.random.default_rng(11)
    for n in (1, 3, 5, 9):
        a = rng.normal(size=(2, n))
        cand = [0.0, 1.0]
        for j in range(n):
            for k in range(j + 1, n):
                den = (a[0, j] - a[1, j]) - (a[0, k] - a[1, k])
                if den != 0:
                    x = (a[1, k] - a[1, j]) / den
                    if 0 <= x <= 1:
                        cand.append(x)
        brute = max(min(x * a[0] + (1 - x) * a[1]) for x in cand)
        sol = solve_zero_sum(a)
        assert sol.row.shape == (2,) and sol.col.shape == (n,)
        assert abs(sol.value - brute) < 1e-9 and abs(sol.value_col - brute) < 1e-9
        sol_t = solve_zero_sum(-a.T)  # the same game with the roles swapped: n x 2, value -V
        assert abs(sol_t.value + brute) < 1e-9
    col = rng.normal(size=(6, 1))  # m x 1: the column player has one action, the value is max_i A[i, 0]
    assert abs(solve_zero_sum(col).value - col.max()) < 1e-12
