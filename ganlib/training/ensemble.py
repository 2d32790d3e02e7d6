r"""Many independent MLP GANs trained at once (issue 6): one vectorised step for N runs of Algorithm 1.

The toy chapters repeat an experiment over many seeds. Run i has its own (G_i, D_i), its own Adam states and
its own random streams (``z_rng`` seeded ``seeds[i]``, ``data_rng`` seeded ``seeds[i] + 1``, drawn in the
order ``Trainer`` draws them), so :func:`fit_ensemble` gives each run the training that
``Trainer(G_i, D_i, data, replace(config, seed=seeds[i])).fit()`` gives it, to float rounding.

Vectorisation: the N runs' weights of each dense layer are stacked, :math:`W \in \mathbb{R}^{N\times o\times i}`,
and a batch :math:`X \in \mathbb{R}^{N\times m\times i}` goes through :math:`X W^\top + b` as one batched
matrix product (``torch.baddbmm``; with one input or one output feature, elementwise products), real and
fake batches through D as one batch of 2m. The step descends :math:`\sum_i \mathcal{L}_i`; since run i's weights enter
only :math:`\mathcal{L}_i`, the gradient of the sum with respect to them is :math:`\nabla \mathcal{L}_i`, and Adam
acts elementwise, so Adam on the stacked tensors is N independent Adams. On the CPU the random numbers of
many steps are drawn at once where that provably gives the same numbers (:func:`chunkable`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
from torch import nn

from ganlib.data import Normal
from ganlib.device import make_generator, pick_device
from ganlib.training.losses import get_losses
from ganlib.nets.models import MLPDiscriminator, MLPGenerator
from ganlib.training.trainer import HISTORY_KEYS, Sampler, TrainConfig, TrainingDiverged

_CHUNK = 1 << 21  # numbers per chunk of pre-drawn randomness (8 MB of float32)
_ELEMENTWISE = (nn.ReLU, nn.LeakyReLU, nn.Sigmoid, nn.Tanh, nn.ELU, nn.GELU, nn.SiLU, nn.Softplus, nn.Identity)


class StackedMLP(nn.Module):
    """N dense nets of one architecture as one module: input (N, B, d_in) -> output (N, B, d_out)."""

    def __init__(self, nets: list[nn.Sequential]) -> None:
        super().__init__()
        if not nets:
            raise ValueError("nets must hold at least one network")
        template = nets[0]
        self.layers: list[nn.Module | int] = []  # activation modules, or the index of a stacked Linear
        self.weights, self.biases = nn.ParameterList(), nn.ParameterList()
        for j, layer in enumerate(template):
            if isinstance(layer, nn.Linear):
                ws = [net[j].weight for net in nets]
                if any(not isinstance(net[j], nn.Linear) or w.shape != layer.weight.shape for net, w in zip(nets, ws)):
                    raise ValueError(f"all networks must have the same architecture; layer {j} differs")
                self.weights.append(nn.Parameter(torch.stack([w.detach() for w in ws])))  # (N, out, in)
                self.biases.append(nn.Parameter(torch.stack([net[j].bias.detach() for net in nets])))  # (N, out)
                self.layers.append(len(self.weights) - 1)
            elif isinstance(layer, _ELEMENTWISE):
                self.layers.append(layer)
            else:
                raise ValueError(f"only Linear layers and elementwise activations can be stacked, got {layer}")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            if isinstance(layer, int):
                w, b = self.weights[layer], self.biases[layer]
                # one input or one output feature: elementwise products, as their backward (or forward) bmm
                # would contract over a dimension of size 1, which is several times slower on the CPU
                if w.shape[2] == 1:
                    x = torch.addcmul(b.unsqueeze(1), x, w.transpose(1, 2))  # (N, B, out)
                elif w.shape[1] == 1:
                    x = (x * w).sum(-1, keepdim=True) + b.unsqueeze(1)  # (N, B, 1)
                else:
                    x = torch.baddbmm(b.unsqueeze(1), x, w.transpose(1, 2))  # (N, B, out)
            else:
                x = layer(x)
        return x

    def write_back(self, nets: list[nn.Sequential]) -> None:
        """Copy run i's trained weights into ``nets[i]``."""
        with torch.no_grad():
            for i, net in enumerate(nets):
                linears = [m for m in net if isinstance(m, nn.Linear)]
                for lin, w, b in zip(linears, self.weights, self.biases):
                    lin.weight.copy_(w[i])
                    lin.bias.copy_(b[i])


def draws(sample: Callable[[int, torch.Generator], torch.Tensor], rngs: list[torch.Generator], m: int,
          width: int, count: int, chunked: bool) -> Iterator[torch.Tensor]:
    """Yield ``count`` draws ``(N, m, ...)``, run i's from ``sample(m, rngs[i])``, in stream order.

    ``chunked=True`` takes many draws per call, ``sample(c * m, g)`` (``width`` numbers per sample sizes c),
    saving N small calls a step; valid only where c draws of m and one of c*m are the same numbers
    (:func:`chunkable`).
    """
    per = max(1, _CHUNK // (len(rngs) * m * width)) if chunked else 1
    while count > 0:
        c = min(per, count)
        block = torch.stack([sample(c * m, g) for g in rngs])  # (N, c*m, ...)
        yield from block.view(len(rngs), c, m, *block.shape[2:]).transpose(0, 1).contiguous()  # c x (N, m, ...)
        count -= c


def chunkable(numbers_per_draw: int, on_cpu: bool) -> bool:
    """Whether consecutive ``randn`` draws are pieces of one long draw: on the CPU, torch fills uniforms in
    order and transforms them in blocks of 16, so yes for sizes that are multiples of 16 (tests check it)."""
    return on_cpu and numbers_per_draw % 16 == 0 and torch.get_default_dtype() == torch.float32


@dataclass
class EnsembleResult:
    """Trained generators and discriminators (the modules passed in, updated) and one history per run."""

    generators: list[MLPGenerator]
    discriminators: list[MLPDiscriminator]
    histories: list[dict[str, list[float]]]


def fit_ensemble(models: list[tuple[MLPGenerator, MLPDiscriminator]], data: Sampler, seeds: list[int],
                 config: TrainConfig | None = None) -> EnsembleResult:
    """Train N independent MLP GANs in one vectorised loop; run i equals ``Trainer`` with ``seed=seeds[i]``.

    ``models[i] = (G_i, D_i)``, all of one architecture (build each after ``torch.manual_seed`` of its run to
    get the same initialisation as one-by-one training). Same ``config`` for all runs but its ``seed``;
    ``gp_weight`` must be 0 and ``data`` a sampler (``ganlib.data.Normal`` etc.). The modules are updated in
    place and returned with one history per run (``config.log_every``).
    """
    config = config or TrainConfig()
    if not models or len(models) != len(seeds):
        raise ValueError(f"models and seeds must be non-empty lists of the same length, got {len(models)} "
                         f"models and {len(seeds)} seeds")
    for s in seeds:
        if isinstance(s, bool) or not isinstance(s, int) or s < 0:
            raise ValueError(f"seeds must be non-negative ints, got {s!r}")
    if not all(isinstance(G, MLPGenerator) and isinstance(D, MLPDiscriminator) for G, D in models):
        raise ValueError("models must be (MLPGenerator, MLPDiscriminator) pairs; use Trainer for other nets")
    if config.gp_weight > 0:
        raise ValueError("fit_ensemble does not implement the gradient penalty; set gp_weight=0 or use Trainer")
    if torch.is_tensor(data) or not hasattr(data, "sample"):
        raise ValueError("data must be a sampler with sample(n, seed), such as ganlib.data.Normal")
    device = pick_device(config.device)
    n, m, k = len(models), config.batch_size, config.d_steps
    nz = models[0][0].nz
    G = StackedMLP([g.net for g, _ in models]).to(device)
    D = StackedMLP([d.net for _, d in models]).to(device)
    d_loss_fn, g_loss_fn = get_losses(config.d_loss, config.g_loss)
    if config.d_loss == "gan":
        d_loss_fn = (lambda f, label: (lambda r, q: f(r, q, label)))(d_loss_fn, config.real_label)
    d_losses, g_losses = torch.func.vmap(d_loss_fn), torch.func.vmap(g_loss_fn)  # (N, B) -> (N,), for the history
    fused = device.type in ("cpu", "cuda")  # one kernel for all stacked tensors: less per-step overhead
    opt_d = torch.optim.Adam(D.parameters(), lr=config.lr_d, betas=config.betas, fused=fused)
    opt_g = torch.optim.Adam(G.parameters(), lr=config.lr_g, betas=config.betas, fused=fused)
    z_rngs = [make_generator(s, device) for s in seeds]
    data_rngs = [make_generator(s + 1) for s in seeds]
    per_step = k + (not config.reuse_fake)  # latent draws per step, all (m, nz), in Trainer's order
    latents = draws(lambda c, g: torch.randn(c, nz, device=device, generator=g), z_rngs, m, nz,
                    config.steps * per_step, chunkable(m * nz, device.type == "cpu"))
    reals = draws(data.sample, data_rngs, m, 1, config.steps * k,  # Normal.sample: mean + std * randn(n, 1)
                  type(data) is Normal and chunkable(m, True))

    histories: list[dict[str, list[float]]] = [{key: [] for key in HISTORY_KEYS} for _ in range(n)]
    G.train(), D.train()
    for step in range(1, config.steps + 1):
        for i in range(k):
            x, z = next(reals).to(device), next(latents)  # (N, m, d), (N, m, nz)
            keep = config.reuse_fake and i == k - 1
            with torch.set_grad_enabled(keep):
                fake = G(z)
            real_out, fake_out = D(torch.cat([x, fake.detach()], 1)).squeeze(-1).split(m, 1)  # (N, m) each
            opt_d.zero_grad(set_to_none=True)
            d_loss = d_losses(real_out, fake_out)  # (N,)
            d_loss.sum().backward()
            opt_d.step()
        if not config.reuse_fake:
            fake = G(next(latents))
        for p in D.parameters():
            p.requires_grad_(False)  # the G step needs no weight gradients of D
        g_out = D(fake).squeeze(-1)  # (N, m)
        opt_g.zero_grad(set_to_none=True)
        g_loss = g_losses(g_out)
        g_loss.sum().backward()
        opt_g.step()
        for p in D.parameters():
            p.requires_grad_(True)
        if step % config.log_every == 0 or step == config.steps:
            real_out, fake_out = real_out.detach(), fake_out.detach()
            stats = torch.stack([d_loss.detach(), g_loss.detach(), torch.sigmoid(real_out).mean(1),
                                 torch.sigmoid(fake_out).mean(1), (real_out > 0).float().mean(1),
                                 (fake_out < 0).float().mean(1)], dim=1).tolist()  # (N, 6), one host sync
            for run, (hist, values) in enumerate(zip(histories, stats)):
                for key, value in zip(HISTORY_KEYS[1:3], values[:2]):
                    if not math.isfinite(value):
                        raise TrainingDiverged(f"{key} of run {run} (seed {seeds[run]}) became {value} at step "
                                               f"{step}; lower the learning rates or use a bounded loss")
                hist["step"].append(step)
                for key, value in zip(HISTORY_KEYS[1:], values):
                    hist[key].append(value)
    G.write_back([g.net for g, _ in models])
    D.write_back([d.net for _, d in models])
    return EnsembleResult([g for g, _ in models], [d for _, d in models], histories)


def sequential_config(config: TrainConfig, seed: int) -> TrainConfig:
    """The one-run ``TrainConfig`` that run ``seed`` of :func:`fit_ensemble` reproduces."""
    return dataclasses.replace(config, seed=seed)
