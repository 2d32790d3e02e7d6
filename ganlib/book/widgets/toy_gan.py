r"""Widget: a toy GAN stepped through training (chapter 4). Move the slider, see :math:`p_G` approach the target.

The trajectory is computed once (:func:`toy_gan_trajectory`: one ``Trainer`` run of a named 1-D
configuration, ``n`` generator samples drawn with a fixed seed after every ``every`` steps); the update
function :func:`toy_gan_frame` is pure: for a chosen step it returns the histogram density of the samples
recorded at the last snapshot at or before that step, the true density at the bin centres, and the exact
W1 and KS of those samples to the true law (``ganlib.evaluation.fit1d``). The histogram density is
:math:`\hat p(t) = \#\{x_i \in \text{bin}(t)\} / (n\,\Delta)` with bin width :math:`\Delta`, samples
outside the window counting in n (so the plotted mass is the fraction that falls in the window).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

TRUE_LAWS = {"mlp-normal": (stats.norm, {"loc": 7.0, "scale": 0.7}),
             "mlp-exponential": (stats.expon, {"scale": 2.0})}
WINDOWS = {"mlp-normal": (4.0, 10.0), "mlp-exponential": (0.0, 14.0)}


def true_law(name: str) -> Any:
    """The target law of a 1-D configuration as a frozen scipy distribution (its pdf, cdf and ppf)."""
    if name not in TRUE_LAWS:
        raise ValueError(f"name must be one of {sorted(TRUE_LAWS)}, got {name!r}")
    family, params = TRUE_LAWS[name]
    return family(**params)


def toy_gan_trajectory(name: str = "mlp-normal", seed: int = 0, steps: int | None = None, every: int = 100,
                       n: int = 10_000, sample_seed: int = 1) -> dict[str, Any]:
    """Train configuration ``name`` with ``seed`` and record n samples at steps 0, every, 2 every, ..., steps.

    Returns {"name", "steps" (int array (S,)), "samples" (float64 (S, n)), "trainer"}; ``steps`` defaults to
    the configuration's.
    """
    from ganlib.training.configs import build
    from ganlib.training.sampling import sample
    from ganlib.training.trainer import Trainer

    true_law(name)  # validates the name
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise ValueError(f"every must be a positive int, got {every!r}")
    G, D, data, config = build(name, seed=seed, progress=False, **({} if steps is None else {"steps": steps}))
    trainer = Trainer(G, D, data, config)
    marks = sorted(set(range(0, config.steps, every)) | {config.steps})
    recorded = []
    for s in marks:
        trainer.fit(s)
        recorded.append(sample(trainer.G, n, seed=sample_seed)[:, 0].double().numpy())
    return {"name": name, "steps": np.asarray(marks), "samples": np.stack(recorded), "trainer": trainer}


def toy_gan_frame(trajectory: dict[str, Any], step: int, bins: int = 60) -> dict[str, Any]:
    """Histogram density of the snapshot at the last recorded step <= ``step``, the true density, W1 and KS."""
    from ganlib.evaluation.fit1d import ks_statistic, w1_to_law

    steps = np.asarray(trajectory["steps"])
    if not steps[0] <= step:
        raise ValueError(f"step must be >= the first recorded step {steps[0]}, got {step}")
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise ValueError(f"bins must be a positive int, got {bins!r}")
    i = int(np.searchsorted(steps, step, side="right") - 1)
    x = np.asarray(trajectory["samples"][i], dtype=np.float64)
    lo, hi = WINDOWS[trajectory["name"]]
    edges = np.linspace(lo, hi, bins + 1)
    counts, _ = np.histogram(x, bins=edges)
    width = edges[1] - edges[0]
    centres = (edges[:-1] + edges[1:]) / 2
    law = true_law(trajectory["name"])
    return {"step": int(steps[i]), "edges": edges, "centres": centres, "density": counts / (x.size * width),
            "true_density": law.pdf(centres), "in_window": float(counts.sum() / x.size),
            "w1": w1_to_law(x, law.ppf), "ks": ks_statistic(x, law.cdf)}


def draw_frame(ax: Any, frame: dict[str, Any], color: str = "tab:orange", label: str | None = None) -> None:
    """Draw one frame on a matplotlib axis: the samples' histogram over the true density."""
    ax.stairs(frame["density"], frame["edges"], color=color, lw=1.5,
              label=label or f"step {frame['step']}")
    ax.plot(frame["centres"], frame["true_density"], color="black", lw=1, ls="--")


def make_widget(trajectory: dict[str, Any]) -> Any:
    """An ipywidgets slider over the recorded steps with the frame's histogram; needs ipywidgets and matplotlib."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    steps = [int(s) for s in trajectory["steps"]]
    out = widgets.Output()

    def show(step: int) -> None:
        frame = toy_gan_frame(trajectory, step)
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(7, 3.2))
            draw_frame(ax, frame)
            ax.set_ylim(0, 1.1 * max(frame["true_density"].max(), min(frame["density"].max(), 3.0)))
            ax.set_xlabel("$x$")
            ax.set_ylabel("density")
            ax.set_title(f"step {frame['step']}: W1 {frame['w1']:.3f}, KS {frame['ks']:.3f}, "
                         f"{100 * frame['in_window']:.0f}% of samples in the window", fontsize=10)
            plt.show()

    slider = widgets.SelectionSlider(options=steps, value=steps[-1], description="step",
                                     continuous_update=False, layout=widgets.Layout(width="60%"))
    slider.observe(lambda change: show(change["new"]), names="value")
    show(steps[-1])
    return widgets.VBox([slider, out])
