"""MIX+GAN with uniform weights on a 1-D Gaussian mixture, and its equilibrium gap: Theorem 10, chapter 7.

The game (Arora et al., 2017): the discriminator D_v (values in [eta, 1 - eta]) maximises, the generator G_u
minimises

    V(u, v) = E_{x ~ p_data} log D_v(x) + E_{z ~ N(0, 1)} log(1 - D_v(G_u(z)))       (phi = log).

Pure generator strategies here are AFFINE, G_u(z) = b + a z with u = (a, b): each is one Gaussian N(b, a^2)
(a = 0: a point mass), so no single one can fit a multi-modal p_data, while a uniform mixture of T of them can.
Discriminators are small MLPs 1 -> h -> h -> 1 with ReLUs and a squashed sigmoid, D = eta + (1 - 2 eta) sigma(.),
so that phi(D) lies in [log eta, log(1 - eta)] (the theorem's Delta = -log eta, L_phi = 1 / eta).

For uniform mixtures S_u on u_1..u_T and S_v on v_1..v_T, V(S_u, S_v) = mean_{i,j} V(u_i, v_j) (``value_matrix``
by quadrature on a grid, deterministic given the parameters). The equilibrium (duality) gap is

    gap = max_v V(S_u, v) - min_u V(u, S_v)  >= 0,

zero exactly at an equilibrium; (S_u, S_v) is an eps-approximate equilibrium for some V* iff gap <= 2 eps.
Estimated by best responses: max_v from below by the better of a FRESH discriminator trained against the mixed
generator and the best of the mixture's own discriminators, max_j V(S_u, v_j) (each is a lower bound on the
max, so the estimated gap is one too; a short fresh training can fall below the trained v_j's, and taking
only it would report max_v V(S_u, v) < V(S_u, S_v), which is impossible); min_u exactly over the affine
class: for fixed D's the minimum is a point mass at argmin_x mean_j log(1 - D_j(x)) (a = 0), on a fine grid.

Training (``train_mixgan``): each D_j ascends V(S_u, v_j), each G_i descends V(u_i, S_v) (non-saturating
form for the generators' gradient, -log D instead of log(1 - D)), Adam, alternating steps, T discriminators
evaluated together by batched matrix products.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn


@dataclass(frozen=True)
class Mixture1D:
    """A 1-D Gaussian mixture with equal weights: p_data of this chapter's toy."""

    means: tuple[float, ...] = (-3.0, -1.0, 1.0, 3.0)
    std: float = 0.25

    def sample(self, n: int, gen: torch.Generator) -> torch.Tensor:
        k = torch.randint(len(self.means), (n,), generator=gen)
        return torch.as_tensor(self.means)[k].float() + self.std * torch.randn(n, generator=gen)  # (n,)

    def density(self, x: np.ndarray) -> np.ndarray:
        m = np.asarray(self.means)[None, :]
        return np.exp(-0.5 * ((x[:, None] - m) / self.std) ** 2).mean(1) / (self.std * math.sqrt(2 * math.pi))


class AffineGenerators(nn.Module):
    """T one-dimensional generators G_i(z) = b_i + a_i z; forward(z (T, m)) -> (T, m)."""

    def __init__(self, T: int, gen: torch.Generator, spread: float = 1.0):
        super().__init__()
        self.a = nn.Parameter(torch.ones(T))
        self.b = nn.Parameter(spread * (2 * torch.rand(T, generator=gen) - 1))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.b[:, None] + self.a[:, None] * z


class MLPDiscriminators(nn.Module):
    """T MLP discriminators 1 -> h -> h -> 1 with outputs in [eta, 1 - eta]; forward(x (n,)) -> (T, n)."""

    def __init__(self, T: int, hidden: int, gen: torch.Generator, eta: float = 0.05):
        super().__init__()

        def init(fan_in: int, *shape: int) -> nn.Parameter:
            return nn.Parameter((2 * torch.rand(T, *shape, generator=gen) - 1) / math.sqrt(fan_in))

        self.w1, self.b1 = init(1, 1, hidden), init(1, 1, hidden)
        self.w2, self.b2 = init(hidden, hidden, hidden), init(hidden, 1, hidden)
        self.w3, self.b3 = init(hidden, hidden, 1), init(hidden, 1, 1)
        self.eta = eta

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        h = x.reshape(1, -1, 1).to(self.w1.dtype)  # (1, n, 1), broadcast over the T networks
        h = torch.relu(h * self.w1 + self.b1)  # (T, n, h)
        h = torch.relu(torch.baddbmm(self.b2, h, self.w2))  # (T, n, h)
        return torch.baddbmm(self.b3, h, self.w3)[..., 0]  # (T, n)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.eta + (1 - 2 * self.eta) * torch.sigmoid(self.logits(x))

    def log_d_and_log_1md(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(log D, log(1 - D)), each (T, n); D(x) = eta + (1 - 2 eta) sigma and 1 - D = eta + (1 - 2 eta) sigma(-.)."""
        s = self.logits(x)
        return (torch.log(self.eta + (1 - 2 * self.eta) * torch.sigmoid(s)),
                torch.log(self.eta + (1 - 2 * self.eta) * torch.sigmoid(-s)))


def n_params_discriminator(hidden: int) -> int:
    """Parameters of one 1 -> h -> h -> 1 discriminator."""
    return 2 * hidden + hidden * hidden + hidden + hidden + 1


def train_mixgan(data: Mixture1D, T: int, steps: int, seed: int, hidden: int = 16, batch: int = 256,
                 lr: float = 2e-3, eta: float = 0.05, decay: bool = True) -> tuple[AffineGenerators, MLPDiscriminators]:
    """Train T affine generators against T discriminators, uniform weights (MIX+GAN without weight learning)."""
    if T < 1 or steps < 0:
        raise ValueError(f"T must be >= 1 and steps >= 0, got T={T}, steps={steps}")
    gen = torch.Generator().manual_seed(seed)
    G, D = AffineGenerators(T, gen, spread=max(abs(m) for m in data.means)), MLPDiscriminators(T, hidden, gen, eta)
    opt_g = torch.optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999))
    m = max(1, batch // T)
    scheds = [torch.optim.lr_scheduler.LambdaLR(o, lambda k: 1 - k / max(steps, 1) if decay else 1.0)
              for o in (opt_g, opt_d)]
    for _ in range(steps):
        real = data.sample(batch, gen)
        fake = G(torch.randn(T, m, generator=gen)).detach().reshape(-1)  # (T m,): stratified mixed generator
        log_d_real, _ = D.log_d_and_log_1md(real)
        _, log_1md_fake = D.log_d_and_log_1md(fake)
        loss_d = -(log_d_real.mean() + log_1md_fake.mean())  # each D_j ascends V(S_u, v_j); summed over j / T
        opt_d.zero_grad()
        (T * loss_d).backward()
        opt_d.step()
        fake = G(torch.randn(T, m, generator=gen)).reshape(-1)
        log_d_fake, _ = D.log_d_and_log_1md(fake)  # (T_D, T m)
        loss_g = -log_d_fake.mean()  # non-saturating: each G_i against the mixed discriminator
        opt_g.zero_grad()
        (T * loss_g).backward()
        opt_g.step()
        for sch in scheds:
            sch.step()
    return G, D


def _grids(data: Mixture1D, n: int = 4001) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    lo, hi = min(data.means) - 8 * data.std, max(data.means) + 8 * data.std
    x = np.linspace(lo, hi, n)
    z = np.linspace(-8.0, 8.0, n)
    return x, data.density(x) * (x[1] - x[0]), z, np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi) * (z[1] - z[0])


@torch.no_grad()
def value_matrix(G: AffineGenerators, D: MLPDiscriminators, data: Mixture1D) -> np.ndarray:
    """V(u_i, v_j) for every generator i and discriminator j, shape (T_G, T_D), by quadrature on grids."""
    x, wx, z, wz = _grids(data)
    log_d, _ = D.log_d_and_log_1md(torch.as_tensor(x, dtype=torch.float32))
    real = (log_d.double().numpy() * wx).sum(1)  # (T_D,)
    xs = G(torch.as_tensor(z, dtype=torch.float32)[None, :].expand(G.a.shape[0], -1))  # (T_G, nz)
    _, log_1md = D.log_d_and_log_1md(xs.reshape(-1))  # (T_D, T_G nz)
    fake = (log_1md.double().numpy().reshape(D.w1.shape[0], G.a.shape[0], -1) * wz).sum(2)  # (T_D, T_G)
    return (real[:, None] + fake).T


@torch.no_grad()
def generator_best_response(D: MLPDiscriminators, data: Mixture1D, n_grid: int = 8001) -> float:
    """min over affine u of V(u, S_v): a point mass at the x minimising mean_j log(1 - D_j(x)), on a grid."""
    x, wx, _, _ = _grids(data)
    log_d, _ = D.log_d_and_log_1md(torch.as_tensor(x, dtype=torch.float32))
    real = float((log_d.double().numpy() * wx).sum(1).mean())
    xg = np.linspace(x[0] - 2, x[-1] + 2, n_grid)
    _, log_1md = D.log_d_and_log_1md(torch.as_tensor(xg, dtype=torch.float32))
    return real + float(log_1md.double().mean(0).min())


def mixed_sampler(G: AffineGenerators) -> Callable[[int, torch.Generator], torch.Tensor]:
    """Stratified sampler of the uniform mixture of G's generators: n // T samples from each, shape (T (n // T),)."""
    a, b = G.a.detach().clone(), G.b.detach().clone()
    return lambda n, gen: (b[:, None] + a[:, None] * torch.randn(a.shape[0], max(1, n // a.shape[0]),
                                                                  generator=gen)).reshape(-1)


def train_discriminator(sample_fake: Callable[[int, torch.Generator], torch.Tensor], data: Mixture1D, steps: int,
                        seed: int, hidden: int = 16, batch: int = 512, lr: float = 2e-3,
                        eta: float = 0.05) -> MLPDiscriminators:
    """A fresh discriminator trained by Adam to maximise V against ``sample_fake(n, gen) -> (n,)`` samples."""
    gen = torch.Generator().manual_seed(seed)
    D = MLPDiscriminators(1, hidden, gen, eta)
    opt = torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999))
    for _ in range(steps):
        log_d_real, _ = D.log_d_and_log_1md(data.sample(batch, gen))
        _, log_1md_fake = D.log_d_and_log_1md(sample_fake(batch, gen).float())
        loss = -(log_d_real.mean() + log_1md_fake.mean())
        opt.zero_grad()
        loss.backward()
        opt.step()
    return D


def discriminator_best_response(G: AffineGenerators, data: Mixture1D, steps: int, seed: int, hidden: int = 16,
                                eta: float = 0.05) -> float:
    """max_v V(S_u, v), estimated by training a fresh discriminator against the mixed generator (a lower bound)."""
    D = train_discriminator(mixed_sampler(G), data, steps, seed, hidden=hidden, eta=eta)
    return float(value_matrix(G, D, data).mean())


def equilibrium_gap(G: AffineGenerators, D: MLPDiscriminators, data: Mixture1D, br_steps: int, seed: int,
                    hidden: int = 16) -> dict[str, float]:
    """The mixed pair's value, both best responses and the gap (see the module docstring).

    ``d_best`` = max(``d_fresh``, ``d_own``): the fresh discriminator's V(S_u, v) and max_j V(S_u, v_j) over
    the mixture's own discriminators, both lower bounds on max_v V(S_u, v); ``gap`` = d_best - g_best.
    """
    vm = value_matrix(G, D, data)  # (T_G, T_D)
    value, d_own = float(vm.mean()), float(vm.mean(0).max())
    d_fresh = discriminator_best_response(G, data, br_steps, seed, hidden=hidden, eta=D.eta)
    d_best = max(d_fresh, d_own)
    g_best = generator_best_response(D, data)
    return {"value": value, "d_fresh": d_fresh, "d_own": d_own, "d_best": d_best, "g_best": g_best,
            "gap": d_best - g_best}


@torch.no_grad()
def input_lipschitz_lower_bound(D: MLPDiscriminators, lo: float = -8.0, hi: float = 8.0, n: int = 16001) -> np.ndarray:
    """max_k |D_j(x_{k+1}) - D_j(x_k)| / (x_{k+1} - x_k) on a grid, shape (T_D,): a LOWER bound on each D_j's
    Lipschitz constant in its input (a secant slope never exceeds it), hence on the class's L'. Evaluated in
    float64 on a copy, so that float32 rounding of D cannot push a secant slope above the true constant."""
    x = torch.linspace(lo, hi, n, dtype=torch.float64)
    d = copy.deepcopy(D).double()(x)  # (T_D, n)
    return (d.diff(dim=1).abs() / x.diff()).max(dim=1).values.numpy()


def theorem10_T(eps: float, p: int, value_range: float, lip_v: float = 1.0, radius: float = 1.0) -> float:
    """The T of Theorem 10's proof with its constants written out (no unknown C).

    Hoeffding: a mean of T payoffs of range R misses its expectation by eps/2 w.p. <= exp(-T eps^2 / (2 R^2));
    a union bound over eps/(4 L_V)-nets of both parameter balls (radius rho, R^p, at most (12 rho L_V / eps)^p
    points each) succeeds once T > (2 R^2 / eps^2) (ln 2 + p ln(12 rho L_V / eps)). Here L_V = L L' L_phi is
    the Lipschitz constant of V in the parameters (G_u is L-Lipschitz in u, D_v L'-Lipschitz in x and, like G,
    L-Lipschitz in v; phi is L_phi-Lipschitz). T increases with lip_v and radius, so passing LOWER bounds of
    them (lip_v = 1, radius = 1 by default) gives a LOWER estimate of what the proof asks for.
    """
    if not (eps > 0 and p >= 1 and value_range > 0 and lip_v > 0 and radius > 0):
        raise ValueError(f"eps, p, value_range, lip_v and radius must be positive, got {eps}, {p}, {value_range}, "
                         f"{lip_v}, {radius}")
    return 2 * value_range**2 / eps**2 * (math.log(2) + p * math.log(max(12 * radius * lip_v / eps, 1.0)))
