r"""One trainer for the fixes of chapter 5, batched over seeds: N runs of a method in one vmapped step.

A :class:`Method` switches the fixes on (``ganlib.training.tricks``, ``regularisers``, ``unrolled``). Each run
has its own dense G and D (``ganlib.training.functional``), its own Adam states and ONE random stream,
``torch.Generator`` seeded with the run's seed: it draws the initial weights (G, then D), then, in chunks of
steps, every random number of training (mixture components, normals, latents, noise, dropout masks, penalty
weights). The step is a pure function of (state, random numbers), so N runs stacked on a leading axis take
it together and each gets the training it gets alone: the gradients through ``torch.func.vmap`` over the
runs, the updates (Adam, clipping, averages; elementwise, with scalars shared by all runs) on the stacked
tensors directly, where vmap would only add per-operation overhead (``vectorise=False`` runs the same
function run by run; tests compare).

One step (Algorithm 1 of chapter 2, with the method's changes): ``d_steps`` discriminator updates, each on
a fresh real batch and fresh latents; then one generator update on fresh latents (and a fresh real batch
for feature matching and the unrolled look-ahead). Consensus optimisation instead updates both players
simultaneously from the same point, as Mescheder et al. (2017) do. A run DIVERGES when a loss becomes
NaN or infinite; it is then carried along (its numbers are NaN) and flagged.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ganlib.training import functional as fn
from ganlib.training import regularisers as reg
from ganlib.training import tricks
from ganlib.training.losses import get_losses
from ganlib.training.unrolled import unroll, unroll_adam

_G_LOSS = {"gan": "nonsaturating", "wasserstein": "wasserstein", "least_squares": "least_squares", "hinge": "hinge"}


@dataclass(frozen=True)
class Method:
    """A GAN variant: the loss family and the fixes (0 / False: off). Defaults: the non-saturating GAN."""

    loss: str = "gan"  # "gan" (non-saturating), "wasserstein", "least_squares", "hinge"
    real_label: float = 1.0  # one-sided label smoothing when < 1 (loss "gan")
    instance_noise: float = 0.0  # sigma_0 of instance noise, annealed linearly to 0
    dropout: float = 0.0  # dropout probability on D's hidden layers
    feature_matching: bool = False
    minibatch_kernels: int = 0  # B of minibatch discrimination (0: off)
    minibatch_dim: int = 5  # C of minibatch discrimination
    historical: float = 0.0  # weight of historical averaging (both players)
    unrolled: int = 0  # K unrolled discriminator steps in the generator's loss
    unroll_lr: float = 0.1  # step size of the unrolled (plain gradient) steps
    unroll_adam: bool = False  # unroll D's own Adam (its moments, its learning rate) instead, as Metz et al.
    pack: int = 1  # PacGAN degree
    clip: float = 0.0  # WGAN weight clipping bound
    gp: float = 0.0  # WGAN-GP weight
    dragan: float = 0.0  # DRAGAN weight
    dragan_std: float = 0.1  # sd of DRAGAN's perturbations
    r1: float = 0.0  # R1 weight gamma (the penalty is gamma/2 E||grad D||^2)
    consensus: float = 0.0  # consensus optimisation weight gamma
    d_steps: int = 1
    lr_d: float = 1e-3
    lr_g: float = 1e-3
    betas: tuple[float, float] = (0.5, 0.999)
    lr_decay: bool = True  # both learning rates decay linearly, lr * (1 - (t - 1) / steps), for precise modes

    def __post_init__(self) -> None:
        if self.loss not in _G_LOSS:
            raise ValueError(f"loss must be one of {sorted(_G_LOSS)}, got {self.loss!r}")
        if self.real_label != 1.0 and self.loss != "gan":
            raise ValueError("real_label (label smoothing) applies to loss='gan' only")
        for name in ("unrolled", "minibatch_kernels", "pack", "d_steps", "minibatch_dim"):
            v, low = getattr(self, name), 1 if name in ("pack", "d_steps", "minibatch_dim") else 0
            if isinstance(v, bool) or not isinstance(v, int) or v < low:
                raise ValueError(f"{name} must be an int >= {low}, got {v!r}")
        if self.unroll_adam and not self.unrolled:
            raise ValueError("unroll_adam needs unrolled >= 1 (the number of look-ahead steps)")
        if self.consensus and (self.unrolled or self.d_steps != 1):
            raise ValueError("consensus optimisation updates both players at once: use unrolled=0, d_steps=1")


@dataclass(frozen=True)
class Arch:
    """Dense nets of the survey: G nz -> hidden^depth -> d (ReLU), D d*pack -> hidden^depth -> 1 (LeakyReLU)."""

    nz: int = 2
    g_hidden: int = 64
    g_depth: int = 2
    d_hidden: int = 64
    d_depth: int = 2


@dataclass
class SurveyResult:
    """Final samples of each run (N, n_eval, d), divergence flags (N,), snapshots (S, N, n_snap, d), params."""

    samples: torch.Tensor
    diverged: torch.Tensor
    snapshots: torch.Tensor
    snapshot_steps: list[int]
    generators: fn.Params
    discriminators: fn.Params


class _Layout:
    """Named slices of one flat vector of random numbers per step."""

    def __init__(self, shapes: dict[str, tuple[int, ...]]) -> None:
        self.shapes = shapes
        self.size = sum(math.prod(s) for s in shapes.values())

    def split(self, flat: torch.Tensor) -> dict[str, torch.Tensor]:
        """flat (..., size) -> {name: (..., *shape)}: leading dims (the runs, when batched) are kept."""
        parts = flat.split([math.prod(s) for s in self.shapes.values()], dim=-1)
        return {k: p.reshape(*flat.shape[:-1], *s) for (k, s), p in zip(self.shapes.items(), parts)}


class SurveyTrainer:
    """The step of ``method`` on mixture ``data`` (a ``ganlib.data.GaussianMixture``), batch size m."""

    def __init__(self, method: Method, data, arch: Arch = Arch(), batch_size: int = 100, steps: int = 1000) -> None:
        self.method, self.arch, self.m, self.steps = method, arch, batch_size, steps
        mixtures = list(data) if isinstance(data, (list, tuple)) else [data]
        if not mixtures or len({g.dim for g in mixtures}) != 1:
            raise ValueError("data must be a mixture or a non-empty list of mixtures of one dimension, got "
                             f"dimensions {[g.dim for g in mixtures]}")
        self.d, self.k_max = mixtures[0].dim, max(len(g.weights) for g in mixtures)
        self.data = self.data_tensors(mixtures[0])
        M, A, mp = method, arch, batch_size * method.pack
        self.widths = [A.d_hidden] * A.d_depth
        gauss = {"x": (mp, self.d), "z": (mp, A.nz)}
        unif = {"u": (mp,)}
        if M.instance_noise:
            gauss |= {"nr": (mp, self.d), "nf": (mp, self.d)}
        if M.dropout:
            unif |= {"mr": (batch_size, sum(self.widths)), "mf": (batch_size, sum(self.widths))}
        if M.gp:
            unif |= {"eps": (batch_size,)}
        if M.dragan:
            gauss |= {"dn": (batch_size, self.d * M.pack)}
        self.d_gauss, self.d_unif = _Layout(gauss), _Layout(unif)  # one D step's numbers
        self.per_step_gauss = M.d_steps * self.d_gauss.size + self.d_gauss.size  # D steps + the G step
        self.per_step_unif = M.d_steps * self.d_unif.size + self.d_unif.size

    def data_tensors(self, mixture) -> dict[str, torch.Tensor]:
        """One run's data as padded tensors, so that runs on different mixtures share a vmapped step.

        ``means`` (K_max, d), ``stds`` (K_max,) and ``cum`` (K_max,), the cumulative weights with the last real
        entry and the padding set to 2: a uniform u in [0, 1) then picks component #{j : cum_j <= u} in
        0..K-1, never a padded one (the same component as clamping the count at K - 1).
        """
        if mixture.dim != self.d:
            raise ValueError(f"data must be {self.d}-dimensional like the trainer's, got dimension {mixture.dim}")
        k, pad = len(mixture.weights), self.k_max - len(mixture.weights)
        if pad < 0:
            raise ValueError(f"data has {k} components, more than the trainer's K_max = {self.k_max}")
        cum = torch.cumsum(mixture.weights, 0).float()
        cum[-1] = 2.0
        return {"means": F.pad(mixture.means.float(), (0, 0, 0, pad)),  # (K_max, d)
                "stds": F.pad(mixture.stds.float(), (0, pad), value=1.0),  # (K_max,)
                "cum": F.pad(cum, (0, pad), value=2.0)}  # (K_max,)

    # --- the nets --------------------------------------------------------------------
    def init(self, rng: torch.Generator, data=None) -> dict:
        """Initial state of one run: G, D (with T for minibatch discrimination), Adam states, averages."""
        A, M = self.arch, self.method
        pG = fn.init_mlp([A.nz] + [A.g_hidden] * A.g_depth + [self.d], rng)
        pD = fn.init_mlp([self.d * M.pack] + self.widths + [1], rng)
        if M.minibatch_kernels:
            L = fn.n_layers(pD)
            pD["T"] = torch.randn(A.d_hidden, M.minibatch_kernels * M.minibatch_dim, generator=rng) * 0.1
            bound = 1 / math.sqrt(A.d_hidden + M.minibatch_kernels)
            pD[f"w{L - 1}"] = (torch.rand(1, A.d_hidden + M.minibatch_kernels, generator=rng) * 2 - 1) * bound
        return {"G": pG, "D": pD, "oG": fn.adam_init(pG), "oD": fn.adam_init(pD),
                "aG": {k: v.clone() for k, v in pG.items()}, "aD": {k: v.clone() for k, v in pD.items()},
                "data": self.data if data is None else self.data_tensors(data)}

    def generate(self, pG: fn.Params, z: torch.Tensor) -> torch.Tensor:
        return fn.mlp_forward(pG, z)

    def discriminate(self, pD: fn.Params, x: torch.Tensor, masks=None) -> tuple[torch.Tensor, torch.Tensor]:
        """D's outputs (B,) and last hidden features (B, h) on packed inputs x (B, d * pack)."""
        h = fn.mlp_forward(pD, x, leaky=True, masks=masks, head=False)
        L = fn.n_layers(pD)
        top = h
        if self.method.minibatch_kernels:
            top = torch.cat([h, tricks.minibatch_features(h, pD["T"], self.method.minibatch_kernels)], 1)
        return F.linear(top, pD[f"w{L - 1}"], pD[f"b{L - 1}"]).squeeze(-1), h

    def real(self, r: dict) -> torch.Tensor:
        """A real batch from the run's data (``r`` carries the run's ``data_tensors`` with its random numbers)."""
        # the component of each uniform u: #{j : cum_j <= u} (searchsorted(right=True), which warns under vmap)
        comp = (r["cum"] <= r["u"][..., None]).sum(-1)  # (m * pack,), in 0..K-1
        return r["means"][comp] + r["stds"][comp][..., None] * r["x"]  # (m * pack, d)

    # --- the objectives --------------------------------------------------------------
    def _views(self, pD, pG, r, sigma, real: bool = True):
        """D's packed inputs (real, fake) on the numbers r; real=False skips the real batch (returns None)."""
        M = self.method
        xf = self.generate(pG, r["z"])
        xf = xf + sigma * r["nf"] if M.instance_noise else xf
        if not real:
            return None, tricks.pack(xf, M.pack)
        xr = self.real(r)
        xr = xr + sigma * r["nr"] if M.instance_noise else xr
        return tricks.pack(xr, M.pack), tricks.pack(xf, M.pack)

    def d_objective(self, pD, pG, r, sigma, avg):
        """The discriminator's loss (to minimise) on the numbers r of one step, with its penalties."""
        M = self.method
        xr, xf = self._views(pD, pG, r, sigma)
        masks_r = tricks.dropout_masks(r["mr"], self.widths, M.dropout) if M.dropout else None
        masks_f = tricks.dropout_masks(r["mf"], self.widths, M.dropout) if M.dropout else None
        out_r, _ = self.discriminate(pD, xr, masks_r)
        out_f, _ = self.discriminate(pD, xf, masks_f)
        d_loss, _ = get_losses(M.loss, _G_LOSS[M.loss])
        loss = d_loss(out_r, out_f, M.real_label) if M.loss == "gan" else d_loss(out_r, out_f)
        critic = lambda x: self.discriminate(pD, x)[0]  # noqa: E731
        if M.gp:
            loss = loss + M.gp * reg.wgan_gp_penalty(critic, xr, xf, r["eps"])
        if M.dragan:
            loss = loss + M.dragan * reg.dragan_penalty(critic, xr, M.dragan_std * r["dn"])
        if M.r1:
            loss = loss + M.r1 * reg.r1_penalty(critic, xr)
        if M.historical:
            loss = loss + M.historical * tricks.historical_penalty(pD, avg)
        return loss

    def g_objective(self, pG, pD, r, sigma, avg, avg_d, ahead=None):
        """The generator's loss (to minimise): the unrolled surrogate when ``unrolled`` > 0.

        With ``unroll_adam``, r["oD"] holds D's Adam moments and ``ahead`` = (D's steps so far, its learning rate).
        """
        M = self.method
        if M.unrolled:
            d_obj = lambda d, g: self.d_objective(d, g, r, sigma, avg_d)  # noqa: E731
            if M.unroll_adam:
                pD = unroll_adam(d_obj, pD, pG, M.unrolled, ahead[1], r["oD"]["m"], r["oD"]["v"], ahead[0], M.betas)
            else:
                pD = unroll(d_obj, pD, pG, M.unrolled, M.unroll_lr)
        xr, xf = self._views(pD, pG, r, sigma, real=M.feature_matching)  # only feature matching reads xr
        masks = tricks.dropout_masks(r["mf"], self.widths, M.dropout) if M.dropout else None
        out_f, f_f = self.discriminate(pD, xf, masks)
        if M.feature_matching:
            loss = tricks.feature_matching_loss(self.discriminate(pD, xr, masks)[1], f_f)
        else:
            loss = get_losses(M.loss, _G_LOSS[M.loss])[1](out_f)
        if M.historical:
            loss = loss + M.historical * tricks.historical_penalty(pG, avg)
        return loss

    # --- one step of one run, or of N stacked runs -------------------------------------
    def _consensus_grads(self, pD, pG, r, sigma, aD, aG):
        """Both players' gradients and losses from the same point, each objective plus gamma ||v||^2 / 2."""
        M = self.method

        def consensus(d, g):
            gd = torch.func.grad(self.d_objective)(d, g, r, sigma, aD)
            gg = torch.func.grad(self.g_objective)(g, d, r, sigma, aG, aD)
            return reg.consensus_penalty(gd, gg)

        gD, d_loss = torch.func.grad_and_value(
            lambda d: self.d_objective(d, pG, r, sigma, aD) + M.consensus * consensus(d, pG))(pD)
        gG, g_loss = torch.func.grad_and_value(
            lambda g: self.g_objective(g, pD, r, sigma, aG, aD) + M.consensus * consensus(pD, g))(pG)
        return gD, d_loss, gG, g_loss

    def _grads(self, batched: bool, ahead=None):
        """The gradient functions of one run; batched, the same vmapped over the runs (sigma, ahead shared)."""
        d = torch.func.grad_and_value(self.d_objective)  # (pD, pG, r, sigma, aD)
        g = torch.func.grad_and_value(functools.partial(self.g_objective, ahead=ahead))  # (pG, pD, r, sigma, aG, aD)
        c = self._consensus_grads  # (pD, pG, r, sigma, aD, aG)
        if not batched:
            return d, g, c
        vm = lambda f, n: torch.func.vmap(f, in_dims=(0, 0, 0, None) + (0,) * n)  # noqa: E731
        return vm(d, 1), vm(g, 2), vm(c, 2)

    def step(self, s: dict, gauss: torch.Tensor, unif: torch.Tensor, t: int, sigma: float,
             batched: bool = False) -> tuple[dict, torch.Tensor]:
        """Step t (1-based) of one run; returns the new state and (d_loss, g_loss).

        ``batched=True``: s holds N runs stacked on a leading axis, gauss and unif are (N, .); the gradients
        are vmapped over the runs and the updates (Adam, clipping, averages: elementwise, with scalars shared
        by all runs) act on the stacked tensors directly, outside vmap. Returns losses (N, 2).
        """
        M, k = self.method, self.method.d_steps
        scale = 1 - (t - 1) / self.steps if M.lr_decay else 1.0
        lr_d, lr_g = M.lr_d * scale, M.lr_g * scale
        grad_d, grad_g, grad_c = self._grads(batched, ahead=(t * k, lr_d))  # D has taken t * k steps at G's step
        ng, nu = self.d_gauss.size, self.d_unif.size
        rs = [self.d_gauss.split(gauss[..., i * ng:(i + 1) * ng]) | self.d_unif.split(unif[..., i * nu:(i + 1) * nu])
              | s["data"] for i in range(k + 1)]  # k D steps, then the G step; each with the run's data
        pG, pD, oG, oD, aG, aD = s["G"], s["D"], s["oG"], s["oD"], s["aG"], s["aD"]
        if M.consensus:
            gD, d_loss, gG, g_loss = grad_c(pD, pG, rs[0], sigma, aD, aG)
            pD, oD = fn.adam_step(pD, gD, oD, t, lr_d, M.betas)
            pG, oG = fn.adam_step(pG, gG, oG, t, lr_g, M.betas)
        else:
            for i in range(k):
                gD, d_loss = grad_d(pD, pG, rs[i], sigma, aD)
                pD, oD = fn.adam_step(pD, gD, oD, (t - 1) * k + i + 1, lr_d, M.betas)
                if M.clip:
                    pD = reg.clip_weights(pD, M.clip)
                if M.historical:
                    aD = tricks.update_average(aD, pD, (t - 1) * k + i + 2)
            r_g = rs[k] | {"oD": oD} if M.unroll_adam else rs[k]
            gG, g_loss = grad_g(pG, pD, r_g, sigma, aG, aD)
            pG, oG = fn.adam_step(pG, gG, oG, t, lr_g, M.betas)
        if M.historical:
            aG = tricks.update_average(aG, pG, t + 1)
            if M.consensus:
                aD = tricks.update_average(aD, pD, t + 1)
        return {"G": pG, "D": pD, "oG": oG, "oD": oD, "aG": aG, "aD": aD, "data": s["data"]}, \
            torch.stack([d_loss, g_loss], -1)


def train_survey(method: Method, data, seeds: list[int], steps: int = 1000, batch_size: int = 100,
                 arch: Arch = Arch(), n_eval: int = 2500, snapshot_every: int = 0, n_snapshot: int = 500,
                 vectorise: bool = True, chunk: int = 50) -> SurveyResult:
    """Train one run of ``method`` per seed on ``data``; vmapped over the runs unless ``vectorise=False``.

    ``data`` is one mixture for every run, or a list with one mixture per seed (of one dimension; run i
    trains on ``data[i]`` with ``seeds[i]``): the chapter's two benchmarks then share one vmapped loop, and each
    run gets the training it gets alone. Evaluation latents (``n_eval`` of them, and ``n_snapshot`` for
    snapshots every ``snapshot_every`` steps) come from a second generator seeded ``seed + 1``, the same for
    every method, so methods are compared on the same latents.
    """
    if not seeds or any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in seeds):
        raise ValueError(f"seeds must be a non-empty list of non-negative ints, got {seeds!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    per_run = list(data) if isinstance(data, (list, tuple)) else [data] * len(seeds)
    if len(per_run) != len(seeds):
        raise ValueError(f"data must be one mixture or a list of one per seed: got {len(per_run)} mixtures "
                         f"for {len(seeds)} seeds")
    tr = SurveyTrainer(method, per_run, arch, batch_size, steps)
    rngs = [torch.Generator().manual_seed(s) for s in seeds]
    states = [tr.init(g, d) for g, d in zip(rngs, per_run)]
    z_eval = torch.stack([torch.randn(n_eval, arch.nz, generator=torch.Generator().manual_seed(s + 1)) for s in seeds])
    z_snap = z_eval[:, :n_snapshot]
    if vectorise:
        state = {k: fn.stack([s[k] for s in states]) if k in ("G", "D", "aG", "aD", "data") else
                 {"m": fn.stack([s[k]["m"] for s in states]), "v": fn.stack([s[k]["v"] for s in states])}
                 for k in states[0]}
    ok = torch.ones(len(seeds), dtype=torch.bool)
    snaps, snap_steps = [], []
    for start in range(1, steps + 1, chunk):
        c = min(chunk, steps + 1 - start)
        gauss = torch.stack([torch.randn(c, tr.per_step_gauss, generator=g) for g in rngs])  # (N, c, .)
        unif = torch.stack([torch.rand(c, tr.per_step_unif, generator=g) for g in rngs])
        for j in range(c):
            t = start + j
            sigma = tricks.annealed_sigma(method.instance_noise, t, steps) if method.instance_noise else 0.0
            if vectorise:
                state, losses = tr.step(state, gauss[:, j], unif[:, j], t, sigma, batched=True)  # losses (N, 2)
            else:
                out = [tr.step(s, gauss[i, j], unif[i, j], t, sigma) for i, s in enumerate(states)]
                states = [o[0] for o in out]
                losses = torch.stack([o[1] for o in out])
            ok &= torch.isfinite(losses).all(1)
            if snapshot_every and t % snapshot_every == 0:
                pG = state["G"] if vectorise else fn.stack([s["G"] for s in states])
                snaps.append(torch.func.vmap(tr.generate)(pG, z_snap).detach())
                snap_steps.append(t)
    pG = state["G"] if vectorise else fn.stack([s["G"] for s in states])
    pD = state["D"] if vectorise else fn.stack([s["D"] for s in states])
    with torch.no_grad():
        samples = torch.func.vmap(tr.generate)(pG, z_eval)
    snapshots = torch.stack(snaps) if snaps else torch.empty(0)
    return SurveyResult(samples=samples.detach(), diverged=~ok, snapshots=snapshots, snapshot_steps=snap_steps,
                        generators={k: v.detach() for k, v in pG.items()},
                        discriminators={k: v.detach() for k, v in pD.items()})


METHODS: dict[str, Method] = {
    "GAN": Method(),
    "label smoothing": Method(real_label=0.9),
    "instance noise": Method(instance_noise=0.1),
    "dropout in D": Method(dropout=0.5),
    "feature matching": Method(feature_matching=True),
    "minibatch discrimination": Method(minibatch_kernels=5, minibatch_dim=3),
    "historical averaging": Method(historical=1e-3),
    "unrolled (K=5)": Method(unrolled=5),
    "unrolled (K=5, Adam)": Method(unrolled=5, unroll_adam=True),
    "PacGAN2": Method(pack=2),
    "PacGAN4": Method(pack=4),
    "WGAN (clipping)": Method(loss="wasserstein", clip=0.05, d_steps=5, lr_d=5e-4, lr_g=5e-4),
    "WGAN-GP": Method(loss="wasserstein", gp=0.1, d_steps=5, lr_d=5e-4, lr_g=5e-4, betas=(0.5, 0.9)),
    "LSGAN": Method(loss="least_squares"),
    "hinge": Method(loss="hinge"),
    "DRAGAN": Method(dragan=1.0),
    "R1": Method(r1=0.1),
    "consensus": Method(consensus=1.0),
}


def with_changes(method: Method, **changes) -> Method:
    """A copy of ``method`` with some fields changed (``dataclasses.replace``, validated again)."""
    return dataclasses.replace(method, **changes)
