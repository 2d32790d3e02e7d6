"""One network that samples a uniform mixture of T generators: Lemma 4, chapter 7 (Arora et al., 2017, section 5).

Inputs: a 1-D latent z (standard normal, or uniform on [0, 1]) and the generators' own latent z'. The step
selector S of Lemma 3 (``ganlib.theory.step_selector``) is placed with breakpoints z_1 < ... < z_{T-1} at the
latent's quantiles i / T, so that the interval index I(z) in {0, ..., T-1} is exactly uniform. Each generator's
last rectifier is gated:

    G(z, z') = sum_i relu( a_i(z') + c - K (1 - S_i(z)) ) - c,

where a_i(z') is generator i's last pre-activation and c >= 0 an offset (below). Outside the windows
(z_i - delta/2, z_i + delta/2), S is one-hot at I(z); then for the selected i the gate is relu(a_i + c) and for
every other j it is relu(a_j + c - K). Hence G(z, z') = G_{I(z)}(z') EXACTLY (up to float rounding) whenever

    (A) the selected generator has a_i(z') + c >= 0, and  (B) every other one has a_j(z') + c <= K.

The non-negativity assumption. The essay (after Arora et al.) assumes each generator's last layer is a
rectifier, G_i = relu(a_i): then c = 0 and (A) is automatic, since relu(relu(a) - K(1 - s)) = relu(a - K(1 - s))
for 0 <= s <= 1. A generator whose output can be negative (a Gaussian x = b + a z', say) is handled by the
offset c: its output plus c is fed to the gate and c is subtracted after the sum (one bias, because
sum_i S_i = 1); then (A) asks G_i(z') >= -c. ``MixtureNetwork`` gates the pre-activation of an
``nn.Sequential`` ending in ``nn.ReLU`` (requires offset 0) and the output of any other module (requires an
offset chosen by the caller); ``gate_ok`` reports (A) and (B) sample by sample.

TV bound: coupling G(z, z') with the mixture sample G_{I(z)}(z') gives
    d_TV(law of G, uniform mixture) <= P(z in a window) + P(not (A and B)),
and P(z in a window) = sum_i [F(z_i + delta/2) - F(z_i - delta/2)] exactly from the latent's CDF F
(``window_probability``). Choosing delta <= delta' / ((T - 1) max F') makes the first term <= delta'.
The TV distance itself is bracketed by Monte Carlo with standard errors (``tv_bracket``): from above by the
fraction of coupled samples (same z, z') where G(z, z') differs from G_{I(z)}(z') (any coupling bounds TV),
from below by |P_G(A) - P_mix(A)| for a fixed set A, P_G(A) from samples and P_mix(A) exact.
Depth: the selector's hidden layer runs beside the generators' first layers and its output layer folds into
the gated pre-activations; the sum is one extra linear layer: k + 1 layers for k-layer generators.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from scipy.stats import norm
from torch import nn

from ganlib.theory.step_selector import check_breakpoints, selected_index, step_selector

LATENTS = ("normal", "uniform")


def _check_latent(latent: str) -> str:
    if latent not in LATENTS:
        raise ValueError(f"latent must be one of {LATENTS}, got {latent!r}")
    return latent


def quantile_breakpoints(T: int, latent: str = "normal") -> np.ndarray:
    """The T - 1 breakpoints F^{-1}(i / T), i = 1..T-1, that split the 1-D latent into T equally likely parts."""
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or T < 1:
        raise ValueError(f"T (the number of generators) must be a positive int, got {T!r}")
    u = np.arange(1, T) / T
    return norm.ppf(u) if _check_latent(latent) == "normal" else u


def latent_cdf(x, latent: str = "normal") -> np.ndarray:
    """CDF of the 1-D latent: standard normal, or uniform on [0, 1]."""
    x = np.asarray(x, dtype=np.float64)
    return norm.cdf(x) if _check_latent(latent) == "normal" else np.clip(x, 0.0, 1.0)


def window_probability(breakpoints, delta: float, latent: str = "normal") -> float:
    """P(z in some window (z_i - delta/2, z_i + delta/2)), exactly from the latent's CDF."""
    bp, delta = check_breakpoints(breakpoints, delta)
    return float(np.sum(latent_cdf(bp + delta / 2, latent) - latent_cdf(bp - delta / 2, latent)))


def delta_for_tv(T: int, delta_prime: float, latent: str = "normal") -> float:
    """A window width delta whose window probability is at most delta' (and below the smallest gap)."""
    if not 0 < delta_prime <= 1:
        raise ValueError(f"delta_prime (the TV budget) must lie in (0, 1], got {delta_prime}")
    bp = quantile_breakpoints(T, latent)
    if bp.size == 0:
        return 1.0  # one generator: no window at all
    density_max = 1 / np.sqrt(2 * np.pi) if latent == "normal" else 1.0
    delta = delta_prime / ((T - 1) * density_max)
    if bp.size > 1:
        delta = min(delta, 0.5 * np.diff(bp).min())
    return float(delta)


def _is_rectified(g: nn.Module) -> bool:
    return isinstance(g, nn.Sequential) and len(g) > 1 and isinstance(g[-1], nn.ReLU)


class MixtureNetwork(nn.Module):
    """Lemma 4's single network: forward(z (n,) or (n, 1), z' (n, d')) -> (n, d), the gated sum above."""

    def __init__(self, generators: Sequence[nn.Module], delta: float, K: float, offset: float = 0.0,
                 latent: str = "normal"):
        super().__init__()
        generators = list(generators)
        if not generators:
            raise ValueError("generators must be a non-empty list of nn.Module (the mixture's components)")
        if not all(isinstance(g, nn.Module) for g in generators):
            raise ValueError("generators must all be torch.nn.Module instances")
        if not (np.isfinite(K) and K > 0):
            raise ValueError(f"K (the gate's strength) must be positive and finite, got {K}")
        if not (np.isfinite(offset) and offset >= 0):
            raise ValueError(f"offset (the shift c making outputs non-negative) must be >= 0, got {offset}")
        rectified = [_is_rectified(g) for g in generators]
        if offset == 0 and not all(rectified):
            i = rectified.index(False)
            raise ValueError(f"generators[{i}] does not end in nn.ReLU, so its output may be negative: pass "
                             "offset=c with G_i(z') + c >= 0 (on the latent's support or with high probability)")
        if offset > 0 and any(rectified):
            raise ValueError("offset must be 0 when the generators end in nn.ReLU (their outputs are already >= 0); "
                             "mixing rectified and unrectified generators is not supported")
        self.latent, self.K, self.offset, self.T = _check_latent(latent), float(K), float(offset), len(generators)
        self.rectified = all(rectified)
        self.generators = nn.ModuleList(generators)
        self.breakpoints = quantile_breakpoints(self.T, latent)
        self.delta = float(delta)
        self.selector = step_selector(self.breakpoints, delta) if self.T > 1 else None

    def selection(self, z: torch.Tensor) -> torch.Tensor:
        """S(z), shape (n, T); identically 1 when T = 1."""
        z = torch.as_tensor(z).reshape(-1)  # (n,)
        if self.selector is None:
            return torch.ones(z.shape[0], 1, dtype=torch.float64, device=z.device)
        return self.selector(z)

    def pre_activations(self, z_prime: torch.Tensor) -> torch.Tensor:
        """a_i(z') + c for every generator, shape (T, n, d)."""
        outs = [g[:-1](z_prime) if self.rectified else g(z_prime) + self.offset for g in self.generators]
        return torch.stack(outs)  # (T, n, d)

    def forward(self, z: torch.Tensor, z_prime: torch.Tensor) -> torch.Tensor:
        pre = self.pre_activations(z_prime)  # (T, n, d)
        s = self.selection(z).to(pre.dtype).T[:, :, None]  # (T, n, 1)
        return torch.relu(pre - self.K * (1 - s)).sum(0) - self.offset  # (n, d)

    def gate_ok(self, z: torch.Tensor, z_prime: torch.Tensor) -> torch.Tensor:
        """Per sample: conditions (A) and (B) of the module docstring hold, shape (n,) bool ((A) is automatic
        for rectified generators)."""
        with torch.no_grad():
            pre = self.pre_activations(z_prime)  # (T, n, d)
        idx = torch.as_tensor(selected_interval(z, self.breakpoints), device=pre.device)
        chosen = pre[idx, torch.arange(pre.shape[1], device=pre.device)]  # (n, d)
        others = pre.clone()
        others[idx, torch.arange(pre.shape[1], device=pre.device)] = -np.inf
        a_ok = torch.ones_like(idx, dtype=torch.bool) if self.rectified else (chosen >= 0).all(1)  # (A)
        return a_ok & (others <= self.K).all(2).all(0)  # and (B)

    def mixture_sample(self, z: torch.Tensor, z_prime: torch.Tensor) -> torch.Tensor:
        """The coupled mixture sample G_{I(z)}(z'), shape (n, d): what G(z, z') equals outside the windows."""
        with torch.no_grad():
            outs = torch.stack([g(z_prime) for g in self.generators])  # (T, n, d)
        idx = torch.as_tensor(selected_interval(z, self.breakpoints), device=outs.device)
        return outs[idx, torch.arange(outs.shape[1], device=outs.device)]


def selected_interval(z, breakpoints) -> np.ndarray:
    """I(z), the 0-based index of the latent interval containing z; breakpoints may be empty (T = 1)."""
    return selected_index(torch.as_tensor(z).detach().reshape(-1).cpu().numpy(), breakpoints)


def mixture_network(generators: Sequence[nn.Module], delta: float, K: float = 100.0, offset: float = 0.0,
                    latent: str = "normal") -> MixtureNetwork:
    """Build Lemma 4's network from ``generators`` (see the module docstring for delta, K and offset)."""
    return MixtureNetwork(generators, delta=delta, K=K, offset=offset, latent=latent)


def parameter_count(module: nn.Module, nonzero: bool = False) -> int:
    """Number of parameters of ``module`` (only the non-zero ones if ``nonzero``)."""
    return int(sum((p != 0).sum().item() if nonzero else p.numel() for p in module.parameters()))


@dataclass(frozen=True)
class TVBracket:
    """Monte Carlo bracket of d_TV(law of G, mixture): lower <= TV <= upper, each up to its standard error."""

    lower: float  # P_G(A) - P_mix(A), P_G(A) estimated
    lower_se: float
    upper: float  # P(G(z, z') != G_{I(z)}(z')), estimated on coupled samples
    upper_se: float


def tv_bracket(differ, in_set, mixture_set_prob: float) -> TVBracket:
    """Bracket d_TV(law of G, mixture) from n coupled samples.

    ``differ`` (n,) bool: sample k's network output differs from its coupled mixture sample; its mean estimates
    P(X != Y) >= d_TV (coupling inequality). ``in_set`` (n,) bool: the network's sample k lies in a fixed set A;
    ``mixture_set_prob`` = P_mix(A), exact; P_G(A) - P_mix(A) <= d_TV. Standard errors are binomial,
    sqrt(p (1 - p) / n).
    """
    differ, in_set = np.asarray(differ, dtype=bool).reshape(-1), np.asarray(in_set, dtype=bool).reshape(-1)
    if differ.size == 0 or differ.shape != in_set.shape:
        raise ValueError(f"differ and in_set must be non-empty boolean vectors of one length, got {differ.shape} "
                         f"and {in_set.shape}")
    if not 0 <= mixture_set_prob <= 1:
        raise ValueError(f"mixture_set_prob (P_mix(A)) must lie in [0, 1], got {mixture_set_prob}")
    n = differ.size
    u, a = differ.mean(), in_set.mean()
    return TVBracket(lower=float(a - mixture_set_prob), lower_se=float(np.sqrt(a * (1 - a) / n)),
                     upper=float(u), upper_se=float(np.sqrt(u * (1 - u) / n)))
