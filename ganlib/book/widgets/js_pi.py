r"""Widget: the best single Gaussian under :math:`JS_\pi` as pi slides from mode covering to mode seeking (chapter 2).

Target :math:`P = \tfrac12 N(-a, s^2) + \tfrac12 N(a, s^2)`; :func:`js_pi_fit` returns the minimiser
:math:`Q^* = \arg\min_{N(\mu, \sigma^2)} JS_\pi(P\|Q)` (``ganlib.theory.projection.best_gaussian``, a global grid
search refined by L-BFGS) with everything a plot needs. Small pi weighs :math:`KL(P\|M)` and covers both modes;
pi near 1 weighs :math:`KL(Q\|M)` and sits on one mode (Huszar, 2015).
"""

from __future__ import annotations

from functools import lru_cache

import torch

from ganlib.data import GaussianMixture
from ganlib.distances.quadrature import density_on_grid, normal_pdf, uniform_grid
from ganlib.theory.projection import best_gaussian


@lru_cache(maxsize=8)
def _target(separation: float, std: float) -> tuple[torch.Tensor, float, torch.Tensor]:
    x, dx = uniform_grid(-14.0, 14.0, 2801)
    return x, dx, density_on_grid(GaussianMixture([-separation, separation], std), x)


def js_pi_fit(pi: float, separation: float = 2.0, std: float = 0.5) -> dict:
    """Best Gaussian under JS_pi for the two-mode target; returns x, p, q (grid arrays) and mu, s, value (floats)."""
    if isinstance(pi, bool) or not isinstance(pi, (int, float)) or not 0.0 < pi < 1.0:
        raise ValueError(f"pi must be a float strictly between 0 and 1, got {pi!r}")
    if not (separation > 0 and std > 0):
        raise ValueError(f"separation and std must be positive, got {separation}, {std}")
    x, dx, p = _target(float(separation), float(std))
    mu, s, value = best_gaussian(("js", float(pi)), p, x, dx)
    return {"x": x.numpy(), "p": p.numpy(), "q": normal_pdf(x, mu, s).numpy(), "mu": mu, "s": s, "value": value}


def plot_fit(ax, fit: dict, pi: float) -> None:
    """Draw one fit on a matplotlib axis: the target filled, the best Gaussian as a line."""
    ax.fill_between(fit["x"], fit["p"], color="C0", alpha=0.3, label="P (two modes)")
    ax.plot(fit["x"], fit["q"], color="C3", label=r"argmin$_Q$ JS$_\pi$")
    ax.set(xlim=(-6, 6), xlabel="x", ylabel="density", title=f"pi = {pi:g}: Q = N({fit['mu']:.2f}, {fit['s']:.2f}^2)")


def make_widget(separation: float = 2.0, std: float = 0.5):
    """An ipywidgets slider over pi redrawing the fit (ipywidgets and matplotlib imported here, lazily)."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    def draw(pi: float) -> None:
        fig, ax = plt.subplots(figsize=(8, 3.2))
        plot_fit(ax, js_pi_fit(pi, separation, std), pi)
        ax.legend(fontsize=9)
        plt.show()

    slider = widgets.FloatSlider(value=0.5, min=0.02, max=0.98, step=0.02, description="pi", continuous_update=False)
    return widgets.interactive(draw, pi=slider)
