"""Tests for ganlib.book.widgets.xy_game: trajectories against closed-form matrix powers, and the widget builds."""

from __future__ import annotations

import numpy as np
import pytest

from ganlib.book.widgets.xy_game import make_widget, xy_game


@pytest.mark.parametrize("eta", [0.1, 0.5])
def test_simultaneous_and_alternating_against_closed_forms(eta: float) -> None:
    sim = xy_game(eta, "simultaneous", 30)
    assert np.allclose(sim["radius"], (1 + eta**2) ** (np.arange(31) / 2), rtol=1e-12)
    assert sim["rho"] == pytest.approx(np.sqrt(1 + eta**2), rel=1e-12)
    alt = xy_game(eta, "alternating", 30)
    m = np.array([[1.0, eta], [-eta, 1.0 - eta**2]])  # x' = x + eta y, y' = y - eta x'
    z = np.array([1.0, 0.0])
    for k in range(31):
        assert np.allclose(alt["traj"][k], z, atol=1e-12)
        z = m @ z
    assert alt["rho"] == pytest.approx(1.0, abs=1e-12)


def test_widget_builds() -> None:
    pytest.importorskip("ipywidgets")
    import matplotlib

    matplotlib.use("Agg")
    w = make_widget()
    assert [c.description for c in w.children[:2]] == ["eta", "update"]
