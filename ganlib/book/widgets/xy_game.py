r"""Widget: gradient play on V(x, y) = x y, step size and update rule on sliders (chapter 2).

:func:`xy_game` runs the update rule itself with ``ganlib.theory.dynamics.simulate`` (x maximises V, y minimises
it) and returns the trajectory with the spectral radius of its update matrix: simultaneous steps spiral out
(radius :math:`\sqrt{1 + \eta^2}`), alternating steps cycle (radius 1 for :math:`\eta < 2`), extragradient and
consensus converge for small enough steps.
"""

from __future__ import annotations

import numpy as np

from ganlib.theory.dynamics import METHODS, simulate, spectral_radius


def xy_game(eta: float, method: str = "simultaneous", steps: int = 60, z0: tuple[float, float] = (1.0, 0.0),
            gamma: float = 1.0) -> dict:
    """Trajectory (steps + 1, 2), radii (steps + 1,) and the spectral radius of one update, for a plot."""
    traj = simulate(method, z0, eta, steps, gamma=gamma)
    return {"traj": traj, "radius": np.linalg.norm(traj, axis=1), "rho": spectral_radius(method, eta, gamma)}


def plot_game(ax, game: dict, method: str, eta: float) -> None:
    """Draw one trajectory in the (x, y) plane, the equilibrium at the origin starred."""
    traj = game["traj"]
    ax.plot(traj[:, 0], traj[:, 1], ".-", ms=3, lw=0.8)
    ax.plot(0, 0, "k*", ms=9)
    lim = max(1.5, min(4.0, float(np.abs(traj).max()) * 1.05))
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", xlabel="x (maximises xy)", ylabel="y (minimises xy)",
           title=f"{method}, eta = {eta:g}: |eigenvalue| = {game['rho']:.3f}")


def make_widget(steps: int = 60):
    """Sliders for eta and the update rule; redraws the trajectory (ipywidgets imported lazily)."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    def draw(eta: float, method: str) -> None:
        fig, ax = plt.subplots(figsize=(8, 3.2))
        plot_game(ax, xy_game(eta, method, steps), method, eta)
        plt.show()

    eta = widgets.FloatSlider(value=0.2, min=0.02, max=1.5, step=0.02, description="eta", continuous_update=False)
    method = widgets.Dropdown(options=list(METHODS), value="simultaneous", description="update")
    return widgets.interactive(draw, eta=eta, method=method)
