r"""Training small colour DCGANs on Stacked MNIST (chapter 5): the plain GAN, the unrolled GAN and PacGAN.

One run: a :class:`ganlib.nets.stacked.ColourGenerator` and a :class:`~ganlib.nets.stacked.PackedDiscriminator`,
Adam (lr ``lr``, betas (0.5, 0.999)) for both, the GAN loss for D and the non-saturating loss for G
(``ganlib.training.losses``), one D step then one G step per iteration. Every real batch is ``batch_size``
fresh stacked images, three uniform draws from the pool of single digits (``ganlib.data.stacked``); the
fakes are ``batch_size`` images from fresh latents :math:`z \sim N(0, I)`.

- ``pack = m`` (PacGAN): D judges groups of m images stacked on the channel axis, real with real and fake
  with fake (so D sees ``batch_size / m`` decisions per batch), as in PacGAN's Stacked MNIST code.
- ``unrolled = K`` (Metz et al., 2017): G descends :math:`\mathcal{L}_G(\theta_G, \theta_D^K)`, with
  :math:`\theta_D^K` K steps of D's own optimiser (Adam, D's learning rate, from D's current moments, as
  Metz et al. unroll) on D's loss, taken on the same real batch and the same fakes, differentiated through
  (``ganlib.training.unrolled.unroll_adam``: the fakes enter as the "generator parameters" of the unrolled
  steps, so d fakes / d theta_G carries the second term). Plain gradient steps (``unroll``) overshoot on
  this convolutional D: at size 0.1 its loss grows by orders of magnitude within five steps.

Randomness: one ``torch.Generator`` seeded with ``seed`` draws the triples and the latents; the initial
weights come from ``torch.manual_seed`` of a number drawn from it, inside a forked RNG (the caller's global
stream is untouched). The run returns the trained generator (in eval mode) and the per-step losses. The
device is the pool's: the random numbers are drawn on the CPU and moved, so a GPU run trains on the same
batches and latents as a CPU run.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.func import functional_call

from ganlib.data.stacked import stack, stacked_triples
from ganlib.device import Seed, make_generator
from ganlib.nets.stacked import ColourGenerator, PackedDiscriminator
from ganlib.training.losses import d_loss_gan, g_loss_nonsaturating
from ganlib.training.unrolled import unroll_adam


@dataclass(frozen=True)
class StackedConfig:
    """One variant's settings; the defaults are the small run of chapter 5."""

    pack: int = 1
    unrolled: int = 0
    steps: int = 2000
    batch_size: int = 64
    nz: int = 100
    ngf: int = 32
    ndf: int = 32
    lr: float = 2e-4

    def __post_init__(self) -> None:
        for name in ("pack", "steps", "batch_size", "nz", "ngf", "ndf"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} must be a positive int, got {v!r}")
        if isinstance(self.unrolled, bool) or not isinstance(self.unrolled, int) or self.unrolled < 0:
            raise ValueError(f"unrolled must be an int >= 0, got {self.unrolled!r}")
        if self.batch_size % self.pack:
            raise ValueError(f"batch_size {self.batch_size} must be a multiple of pack {self.pack}")
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr!r}")


STACKED_VARIANTS = {
    "DCGAN": StackedConfig(),
    "unrolled (K=5)": StackedConfig(unrolled=5),
    "PacDCGAN2": StackedConfig(pack=2),
}


def adam_moments(D: nn.Module, opt: torch.optim.Adam) -> tuple[dict, dict, int]:
    """D's Adam moments (m, v) by parameter name and its step count (zeros and 0 before the first step)."""
    m, v, t = {}, {}, 0
    for name, p in D.named_parameters():
        st = opt.state.get(p, {})
        m[name] = st["exp_avg"].detach() if st else torch.zeros_like(p)
        v[name] = st["exp_avg_sq"].detach() if st else torch.zeros_like(p)
        t = int(st["step"]) if st else 0
    return m, v, t


def generator_loss(G: ColourGenerator, D: PackedDiscriminator, real: torch.Tensor, z: torch.Tensor,
                   unrolled: int = 0, lr: float = 2e-4, moments: tuple[dict, dict, int] | None = None,
                   betas: tuple[float, float] = (0.5, 0.999)) -> torch.Tensor:
    """G's loss on latents z: non-saturating against D, or against D unrolled K Adam steps on (real, G(z)).

    ``moments`` = (m, v, t): D's optimiser state (``adam_moments``); None starts from zero moments, t = 0.
    """
    fake = G(z)
    params = {k: v.detach() for k, v in D.named_parameters()}
    if unrolled:
        def d_obj(pd, pg):
            return d_loss_gan(functional_call(D, pd, (real,)), functional_call(D, pd, (pg["x"],)))
        m, v, t = moments if moments is not None else ({k: torch.zeros_like(p) for k, p in params.items()},
                                                       {k: torch.zeros_like(p) for k, p in params.items()}, 0)
        params = unroll_adam(d_obj, params, {"x": fake}, unrolled, lr, m, v, t, betas)
    return g_loss_nonsaturating(functional_call(D, params, (fake,)))


def train_stacked(pool: torch.Tensor, config: StackedConfig, seed: Seed = 0, return_discriminator: bool = False):
    """Train one variant on stacked images drawn from ``pool`` (N, 1, 28, 28) in [-1, 1]; returns (G, losses).

    ``return_discriminator=True`` returns (G, losses, D, D's Adam optimiser), to inspect D after training.
    """
    if not (isinstance(pool, torch.Tensor) and pool.ndim == 4 and pool.shape[1:] == (1, 28, 28) and len(pool) > 0):
        raise ValueError(f"pool must be a non-empty (N, 1, 28, 28) tensor of single digits, got "
                         f"{tuple(pool.shape) if isinstance(pool, torch.Tensor) else type(pool).__name__}")
    c = config
    g = make_generator(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(torch.randint(2 ** 31, (1,), generator=g)))
        G = ColourGenerator(c.nz, c.ngf, 3).to(pool.device)
        D = PackedDiscriminator(c.ndf, 3, c.pack).to(pool.device)
    opt_g = torch.optim.Adam(G.parameters(), lr=c.lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=c.lr, betas=(0.5, 0.999))
    history: dict[str, list[float]] = {"d_loss": [], "g_loss": []}
    G.train()
    for _ in range(c.steps):
        real = stack(pool, stacked_triples(len(pool), c.batch_size, g).to(pool.device))
        z = torch.randn(c.batch_size, c.nz, generator=g).to(pool.device)
        with torch.no_grad():
            fake = G(z)
        loss_d = d_loss_gan(D(real), D(fake))
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        moments = adam_moments(D, opt_d) if c.unrolled else None
        loss_g = generator_loss(G, D, real, z, c.unrolled, c.lr, moments)
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        history["d_loss"].append(loss_d.item())
        history["g_loss"].append(loss_g.item())
    if return_discriminator:
        return G.eval(), history, D, opt_d
    return G.eval(), history


@torch.no_grad()
def sample_stacked(G: ColourGenerator, n: int, seed: Seed = 0, batch_size: int = 1000) -> torch.Tensor:
    """n images (n, 3, 28, 28) from G in eval mode (on G's device), latents from a CPU generator seeded ``seed``."""
    g = make_generator(seed)
    G.eval()
    z = torch.randn(n, G.nz, generator=g).to(next(G.parameters()).device)
    return torch.cat([G(z[i:i + batch_size]) for i in range(0, n, batch_size)])
