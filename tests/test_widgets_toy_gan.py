"""ganlib.book.widgets.toy_gan: the trajectory is the Trainer's run, the frame's histogram and W1/KS are
recomputed independently (numpy counting, scipy), and the widget builds without a browser."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from ganlib.book.widgets.toy_gan import make_widget, toy_gan_frame, toy_gan_trajectory, true_law

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def trajectory():
    return toy_gan_trajectory("mlp-normal", seed=0, steps=30, every=10, n=2000)


def test_trajectory_is_the_trainers_run(trajectory) -> None:
    from ganlib.training.configs import build
    from ganlib.training.sampling import sample
    from ganlib.training.trainer import Trainer

    assert trajectory["steps"].tolist() == [0, 10, 20, 30] and trajectory["samples"].shape == (4, 2000)
    G, D, data, config = build("mlp-normal", seed=0, steps=30, progress=False)
    t = Trainer(G, D, data, config)
    t.fit(20)  # straight to step 20: stopping at 10 on the way changes nothing
    np.testing.assert_allclose(trajectory["samples"][2], sample(t.G, 2000, seed=1)[:, 0].double().numpy(),
                               rtol=0, atol=1e-5)


def test_frame_against_independent_histogram_and_distances(trajectory) -> None:
    f = toy_gan_frame(trajectory, 25, bins=12)
    assert f["step"] == 20  # the last snapshot at or before 25
    x = trajectory["samples"][2]
    lo, hi = 4.0, 10.0
    width = (hi - lo) / 12
    manual = np.array([np.sum((x >= lo + j * width) & (x < lo + (j + 1) * width)) for j in range(12)])
    manual[-1] += np.sum(x == hi)  # numpy's last bin is closed
    np.testing.assert_allclose(f["density"], manual / (x.size * width), rtol=1e-12)
    assert f["in_window"] == pytest.approx(manual.sum() / x.size)
    law = stats.norm(7, 0.7)
    np.testing.assert_allclose(f["true_density"], law.pdf(f["centres"]), rtol=1e-12)
    assert f["ks"] == pytest.approx(stats.kstest(x, law.cdf).statistic, abs=1e-12)
    assert f["w1"] == pytest.approx(stats.wasserstein_distance(x, law.ppf((np.arange(200_000) + 0.5) / 200_000)),
                                    abs=1e-3)


def test_frame_errors_and_laws(trajectory) -> None:
    with pytest.raises(ValueError, match="step must be"):
        toy_gan_frame(trajectory, -1)
    with pytest.raises(ValueError, match="name must be"):
        true_law("mlp-gamma")
    assert true_law("mlp-exponential").mean() == pytest.approx(2.0)


def test_widget_builds(trajectory) -> None:
    import ipywidgets as widgets
    import matplotlib

    matplotlib.use("Agg")
    w = make_widget(trajectory)
    assert isinstance(w, widgets.VBox)
    slider = w.children[0]
    assert list(slider.options) == [0, 10, 20, 30]
    slider.value = 10  # drives the update function through the observer
