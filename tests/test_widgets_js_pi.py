"""Tests for ganlib.book.widgets.js_pi: the fit against an independent scipy minimisation, and the widget builds."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, stats

from ganlib.book.widgets.js_pi import js_pi_fit, make_widget


def _js_pi_numpy(pi: float, mu: float, s: float, x: np.ndarray, p: np.ndarray, dx: float) -> float:
    q = stats.norm(mu, s).pdf(x)
    q = q / (q.sum() * dx)
    m = pi * p + (1 - pi) * q
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(p > 0, p * np.log(p / m), 0.0)
        b = np.where(q > 0, q * np.log(q / m), 0.0)
    return float(dx * (pi * a.sum() + (1 - pi) * b.sum()))


@pytest.mark.parametrize("pi", [0.1, 0.95])
def test_fit_matches_an_independent_scipy_search(pi: float) -> None:
    fit = js_pi_fit(pi)
    x, p = fit["x"], fit["p"]
    dx = float(x[1] - x[0])
    best = None
    for mu0, s0 in [(0.0, 2.0), (2.0, 0.5), (-2.0, 0.5), (1.0, 1.0)]:
        res = optimize.minimize(lambda v: _js_pi_numpy(pi, v[0], np.exp(v[1]), x, p, dx), [mu0, np.log(s0)],
                                method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-12, "maxiter": 4000})
        if best is None or res.fun < best.fun:
            best = res
    assert fit["value"] == pytest.approx(best.fun, abs=1e-7)
    assert abs(abs(fit["mu"]) - abs(best.x[0])) < 2e-3 and abs(fit["s"] - np.exp(best.x[1])) < 2e-3
    assert fit["q"].shape == x.shape
    covering = abs(fit["mu"]) < 0.1 and fit["s"] > 1.8
    assert covering == (pi < 0.5)


def test_widget_builds_and_bad_pi() -> None:
    pytest.importorskip("ipywidgets")
    import matplotlib

    matplotlib.use("Agg")
    w = make_widget()
    assert w.children[0].description == "pi"
    with pytest.raises(ValueError, match="pi"):
        js_pi_fit(1.0)
