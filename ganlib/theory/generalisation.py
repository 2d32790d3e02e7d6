r"""The experiments of chapter 3 (Arora et al., 2017): grids over dimension d and sample size m.

Shared by the notebooks (quick sizes) and ``scripts/ch3_large_run.py`` (the larger run stored for the book's
figures). Every function returns plain lists/dicts of floats so that results can be saved as JSON.
Throughout, :math:`\mu = \nu = N(0, \frac1d I_d)`, sampled by :func:`gaussian_sample`.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from scipy import stats

from ganlib.device import Seed, make_generator
from ganlib.distances.nn_distance import n_params, nn_distance
from ganlib.distances.smoothed_js import smoothed_js
from ganlib.distances.transport import cross_distances, nearest_support_distance, w1_empirical, w1_linprog


def gaussian_sample(m: int, d: int, seed: Seed, batch: int | None = None,
                    dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """m points from N(0, I/d) (shape (m, d), or (batch, m, d)), on the CPU so any device sees the same points."""
    gen = make_generator(seed)
    shape = (m, d) if batch is None else (batch, m, d)
    return torch.randn(*shape, generator=gen, dtype=dtype) / math.sqrt(d)


def pair_bound(d: int, m: int, r: float) -> dict[str, float]:
    r"""Union bounds on :math:`P(\min_{i,j}\lVert x_i - y_j\rVert < r)` for m + m points of N(0, I/d) (Theorem 4).

    :math:`\frac d2\lVert x - y\rVert^2 \sim \chi^2_d`, so one pair is closer than r with probability
    :math:`F_{\chi^2_d}(dr^2/2)` (``exact_pair``); the union over the :math:`m^2` cross pairs gives ``union``, and
    the Laurent-Massart tail :math:`P(\chi^2_d \le d - 2\sqrt{dt}) \le e^{-t}` with
    :math:`t = d(1 - r^2/2)^2/4` (valid for r < sqrt 2) gives ``laurent_massart`` :math:`= m^2 e^{-t}`.
    """
    if not 0 < r < math.sqrt(2):
        raise ValueError(f"r must lie in (0, sqrt(2)) (the distances concentrate at sqrt(2)), got {r!r}")
    exact_pair = float(stats.chi2.cdf(d * r**2 / 2, d))
    t = d * (1 - r**2 / 2) ** 2 / 4
    return {"exact_pair": exact_pair, "union": min(1.0, m**2 * exact_pair),
            "laurent_massart": min(1.0, m**2 * math.exp(-t)), "t": t}


def min_cross_distance_trials(d: int, m: int, trials: int, seed: int = 0, block: int = 2**22) -> np.ndarray:
    r""":math:`\min_{i,j}\lVert x_i - y_j\rVert` for ``trials`` independent pairs of m-point samples (Theorem 4's event).

    Samples are drawn in batches of about ``block`` numbers (float64, CPU), so 20,000 trials at d = 1024 never
    hold more than a few tens of MB; batch b uses the seeds ``seed + 2b`` and ``seed + 2b + 1``. Returns (trials,).
    """
    for name, value in (("d", d), ("m", m), ("trials", trials)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    per = max(1, block // (m * d))  # trials per batch
    mins = []
    for b, start in enumerate(range(0, trials, per)):
        n = min(per, trials - start)
        x = gaussian_sample(m, d, seed=seed + 2 * b, batch=n)  # (n, m, d)
        y = gaussian_sample(m, d, seed=seed + 2 * b + 1, batch=n)
        sq = (x**2).sum(-1)[:, :, None] - 2 * x @ y.transpose(1, 2) + (y**2).sum(-1)[:, None, :]  # (n, m, m)
        mins.append(sq.clamp_min(0).amin(dim=(1, 2)).sqrt().numpy())
    return np.concatenate(mins)


def w1_sample_grid(ds: list[int], ms: list[int], trials: int, seed: int = 0, r: float = 1.2,
                   lp_max_m: int = 0) -> dict:
    """Exact W1(mu_hat, nu_hat) and the closest cross-pair distance for each (d, m), ``trials`` times each.

    For m <= ``lp_max_m`` the same W1 is also solved as a linear program (``w1_lp``, an independent oracle for
    the assignment solver; None for larger m), and ``nearest_mean`` holds the lower bound
    max(mean_i min_j, mean_j min_i) of the cross distances (every point travels at least to its nearest
    neighbour in the other sample).
    """
    out = {"d": list(ds), "m": list(ms), "trials": trials, "r": r, "w1": [], "min_dist": [], "w1_lp": [],
           "nearest_mean": []}
    for i, d in enumerate(ds):
        rows = {"w1": [], "min_dist": [], "w1_lp": [], "nearest_mean": []}
        for j, m in enumerate(ms):
            cell = {k: [] for k in rows}
            for t in range(trials):
                x = gaussian_sample(m, d, seed=seed + 100_000 * i + 1000 * j + 2 * t)
                y = gaussian_sample(m, d, seed=seed + 100_000 * i + 1000 * j + 2 * t + 1)
                cost = cross_distances(x, y)  # (m, m)
                cell["w1"].append(w1_empirical(x, y))
                cell["min_dist"].append(float(cost.min()))
                cell["nearest_mean"].append(float(max(cost.min(1).mean(), cost.min(0).mean())))
                cell["w1_lp"].append(w1_linprog(x, y) if m <= lp_max_m else None)
            for k in rows:
                rows[k].append(cell[k])
        for k in rows:
            out[k].append(rows[k])  # [d][m][trial]
    return out


def smoothed_js_grid(ds: list[int], ms: list[int], sigmas: list[float], n_samples: int,
                     seed: int = 0, device: str | torch.device = "cpu") -> dict:
    """JS(mu_tilde, nu_tilde) and its standard error for each (d, m, sigma) (Theorem 5); one draw of the points."""
    out = {"d": list(ds), "m": list(ms), "sigma": list(sigmas), "js": [], "stderr": []}
    for i, d in enumerate(ds):
        js_d, se_d = [], []
        for j, m in enumerate(ms):
            x = gaussian_sample(m, d, seed=seed + 1000 * i + 10 * j).to(device)
            y = gaussian_sample(m, d, seed=seed + 1000 * i + 10 * j + 1).to(device)
            ests = [smoothed_js(x, y, s, n_samples=n_samples, seed=seed + k) for k, s in enumerate(sigmas)]
            js_d.append([e.value for e in ests])
            se_d.append([e.stderr for e in ests])
        out["js"].append(js_d)  # [d][m][sigma]
        out["stderr"].append(se_d)
    return out


def nn_generalisation_grid(d: int, hiddens: list[int], ms: list[int], trials: int, steps: int,
                           restarts: int = 4, clip: float = 1.0, seed: int = 0,
                           device: str | torch.device = "cpu") -> dict:
    r"""d_NN(mu_hat, nu_hat) for mu = nu (so d_NN(mu, nu) = 0 and this is the generalisation gap; Theorem 6).

    For each width h and sample size m, ``trials`` independent pairs of samples are trained in one batch.
    """
    out = {"d": d, "hidden": list(hiddens), "p": [n_params(d, h) for h in hiddens], "m": list(ms),
           "trials": trials, "steps": steps, "clip": clip, "value": [], "spread": []}
    for i, h in enumerate(hiddens):
        v_row, s_row = [], []
        for j, m in enumerate(ms):
            x = gaussian_sample(m, d, seed=seed + 1000 * i + 10 * j, batch=trials, dtype=torch.float32).to(device)
            y = gaussian_sample(m, d, seed=seed + 1000 * i + 10 * j + 1, batch=trials,
                                dtype=torch.float32).to(device)
            res = nn_distance(x, y, hidden=h, steps=steps, restarts=restarts, clip=clip, seed=seed + i + j)
            v_row.append([r.value for r in res])
            s_row.append([r.spread for r in res])
        out["value"].append(v_row)  # [h][m][trial]
        out["spread"].append(s_row)
    return out


def memorisation_curve(d: int, hidden: int, ks: list[int], n_ref: int, steps: int, restarts: int = 4,
                       clip: float = 1.0, seed: int = 0, device: str | torch.device = "cpu") -> dict:
    r"""A generator that memorises k points of mu (Corollary 2): d_NN to mu falls with k, W1 to mu does not.

    For each k: nu_k is uniform on k points of mu. ``nn`` is d_NN(mu_hat_{n_ref}, nu_k) (the trained
    discriminator's objective on the reference sample), ``nn_heldout`` the same discriminator on a fresh
    reference sample; ``w1_lower`` is the estimate of :math:`\E_{x\sim\mu}\min_i\lVert x - s_i\rVert \le W_1(\mu,\nu_k)`
    from a fresh sample of size n_ref.
    """
    ref = gaussian_sample(n_ref, d, seed=seed, dtype=torch.float32).to(device)
    ref_eval = gaussian_sample(n_ref, d, seed=seed + 1, dtype=torch.float32).to(device)
    out = {"d": d, "hidden": hidden, "p": n_params(d, hidden), "k": list(ks), "n_ref": n_ref,
           "nn": [], "nn_spread": [], "nn_heldout": [], "w1_lower": []}
    for j, k in enumerate(ks):
        support = gaussian_sample(k, d, seed=seed + 10 + j, dtype=torch.float32).to(device)
        res = nn_distance(ref, support, hidden=hidden, steps=steps, restarts=restarts, clip=clip,
                          seed=seed + j, x_eval=ref_eval, y_eval=support)
        out["nn"].append(res.value)
        out["nn_spread"].append(res.spread)
        out["nn_heldout"].append(res.heldout)
        out["w1_lower"].append(nearest_support_distance(ref_eval.double().cpu(), support.double().cpu()))
    return out


def memorising_generator(d: int, m: int, repeats: list[int], seed: int = 0) -> dict:
    """p_G = p_hat_data (m training points): empirical W1 from n = r*m generated samples, and W1(p_G, p_data) bound.

    ``w1_empirical`` is W1(p_hat_G, p_hat_data) with p_hat_G drawn from p_G with n = r m samples (each training
    point repeated r times on the data side); ``w1_true_lower`` is the nearest-support lower bound on
    W1(p_G, p_data) from a fresh sample of 4 m points of p_data.
    """
    data = gaussian_sample(m, d, seed=seed).numpy()
    gen = np.random.default_rng(seed + 1)
    emp = []
    for r in repeats:
        generated = data[gen.integers(0, m, size=r * m)]  # (r m, d): samples from p_G = p_hat_data
        emp.append(w1_empirical(generated, np.repeat(data, r, axis=0)))
    fresh = gaussian_sample(4 * m, d, seed=seed + 2).numpy()
    return {"d": d, "m": m, "repeats": list(repeats), "w1_empirical": emp,
            "w1_true_lower": nearest_support_distance(fresh, data)}
